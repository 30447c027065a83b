//! Tagged, accessible and archival output: every golden and a matrix of option
//! combinations pass PDF/UA-1 and PDF/A-2a in the independent validator `page`, and the
//! structure tree, as poppler reads it, holds the layout's text in reading order.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use handout::layout::{Document, Item, Tag};
use handout::model::Block;
use handout::pipeline::{Options, Output};

/// Runs `scripts/validate-pdf` on the files and fails with its report if any fails.
fn validate(files: &[PathBuf]) {
    let out = Command::new(common::tools_python())
        .arg(common::root().join("scripts/validate-pdf"))
        .args(files)
        .output()
        .expect("run scripts/validate-pdf");
    let report = String::from_utf8_lossy(&out.stdout);
    let checked = report.lines().filter(|l| l.starts_with("pass ")).count();
    assert!(
        out.status.success(),
        "PDF/UA-1 or PDF/A-2a validation failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        checked,
        files.len() * 2,
        "expected a pass line per file and profile:\n{report}"
    );
}

#[test]
fn every_golden_passes_pdf_ua_1_and_pdf_a_2a() {
    let mut goldens: Vec<PathBuf> = std::fs::read_dir(common::root().join("tests/golden"))
        .expect("tests/golden")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    goldens.sort();
    assert!(goldens.len() >= 8, "{goldens:?}");
    validate(&goldens);
}

#[test]
fn every_combination_of_options_passes_pdf_ua_1_and_pdf_a_2a() {
    let dir = common::scratch("accessibility-matrix");
    let profiles = [
        None,
        Some(common::profile("riverside-spine.toml")),
        Some(common::profile("clinica-del-valle.es.toml")),
    ];
    let personal = common::jane_doe();
    let mut files = Vec::new();
    for handout in [common::BUNDLED, common::SPANISH] {
        for preset in ["brief", "full"] {
            for (p, profile) in profiles.iter().enumerate() {
                for large_print in [false, true] {
                    for personalized in [false, true] {
                        let options = Options {
                            selection: Some(common::preset(preset)),
                            profile: profile.as_ref(),
                            large_print,
                            personal: personalized.then_some(&personal),
                            ..Options::default()
                        };
                        let out = common::build_with(handout, &options);
                        let name = format!(
                            "{}-{preset}-p{p}-{}-{}.pdf",
                            Path::new(handout)
                                .file_stem()
                                .and_then(|s| s.to_str())
                                .unwrap_or("h"),
                            if large_print { "large" } else { "std" },
                            if personalized { "jane" } else { "anon" },
                        );
                        let file = dir.join(name);
                        std::fs::write(&file, &out.pdf).expect("write pdf");
                        files.push(file);
                    }
                }
            }
        }
    }
    assert_eq!(files.len(), 48);
    validate(&files);
}

/// One structure element with text, as poppler's `pdfinfo -struct-text` prints it.
#[derive(Debug, PartialEq)]
struct Tagged {
    tag: String,
    text: String,
}

/// The elements poppler finds in the file's structure tree that hold text, in tree
/// order, with the text their marked content draws.
fn structure_text(pdf: &[u8], name: &str) -> Vec<Tagged> {
    let dir = common::scratch(&format!("struct-{name}"));
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).expect("write pdf");
    let out = Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&file)
        .output()
        .expect("pdfinfo (poppler-utils)");
    assert!(out.status.success(), "pdfinfo -struct-text failed");
    let listing = String::from_utf8_lossy(&out.stdout);
    let mut found: Vec<Tagged> = Vec::new();
    let mut element = String::new();
    // Poppler prints an element's content one string per page; they join up.
    let mut continues = false;
    for line in listing.lines() {
        let line = line.trim();
        if let Some(text) = line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            match found.last_mut() {
                Some(last) if continues => {
                    last.text = common::normalize(&format!("{} {text}", last.text));
                }
                _ if !text.trim().is_empty() => {
                    found.push(Tagged {
                        tag: element.clone(),
                        text: common::normalize(text),
                    });
                    continues = true;
                }
                _ => {}
            }
        } else if line.starts_with(|c: char| c.is_ascii_uppercase()) && !line.starts_with("Object")
        {
            element = line
                .split([' ', ':'])
                .next()
                .unwrap_or_default()
                .to_string();
            continues = false;
        }
    }
    found
}

/// The same, from the layout: each node's text boxes, across pages, in reading order.
fn layout_text(doc: &Document) -> Vec<Tagged> {
    let mut texts = vec![String::new(); doc.structure.nodes.len()];
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Text(t) = item {
                if let Some(node) = t.node {
                    texts[node].push_str(&t.text);
                }
            }
        }
    }
    doc.structure
        .reading_order()
        .into_iter()
        .filter(|&id| !texts[id].trim().is_empty())
        .map(|id| Tagged {
            tag: doc.structure.nodes[id].tag.name().to_string(),
            text: common::normalize(&texts[id]),
        })
        .collect()
}

fn assert_reads_in_layout_order(name: &str, out: &Output) {
    let expected = layout_text(&out.layout);
    let found = structure_text(&out.pdf, name);
    for (i, (e, f)) in expected.iter().zip(&found).enumerate() {
        assert_eq!(e, f, "{name}: element {i} of the structure tree differs");
    }
    assert_eq!(
        expected.len(),
        found.len(),
        "{name}: the structure tree has {} elements with text, the layout {}",
        found.len(),
        expected.len()
    );
}

#[test]
fn structure_tree_reads_in_the_layouts_order() {
    let personal = common::jane_doe();
    let profile = common::profile("riverside-spine.toml");
    let cases: Vec<(&str, &str, Options<'_>)> = vec![
        (
            "full",
            common::BUNDLED,
            Options {
                selection: Some(common::preset("full")),
                ..Options::default()
            },
        ),
        (
            "branded-personal",
            common::BUNDLED,
            Options {
                selection: Some(common::preset("brief")),
                profile: Some(&profile),
                personal: Some(&personal),
                ..Options::default()
            },
        ),
        (
            "spanish-large",
            common::SPANISH,
            Options {
                large_print: true,
                ..Options::default()
            },
        ),
    ];
    for (name, handout, options) in &cases {
        assert_reads_in_layout_order(name, &common::build_with(handout, options));
    }
}

#[test]
fn structure_tree_holds_every_word_of_the_selected_sections_in_source_order() {
    let (handout, out) = common::build(common::preset("full"), handout::vocabulary::Paper::Letter);
    let tree: String = structure_text(&out.pdf, "words")
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ");
    let mut rest = tree.as_str();
    for section in &handout.sections {
        let mut texts = vec![common::normalize(&section.title)];
        for block in &section.blocks {
            reading_texts(block, &mut texts);
        }
        for text in texts {
            let at = rest.find(&text).unwrap_or_else(|| {
                panic!(
                    "{text:?} (section {}) is missing from the structure tree, or out of order",
                    section.id()
                )
            });
            rest = &rest[at + text.len()..];
        }
    }
}

/// A block's texts in the order a reader meets them: the do/avoid table row by row
/// (a do, then the avoid beside it), everything else in source order.
fn reading_texts(block: &Block, out: &mut Vec<String>) {
    match block {
        Block::DoAvoid { dos, avoid } => {
            for i in 0..dos.len().max(avoid.len()) {
                out.extend(dos.get(i).map(|t| common::normalize(t)));
                out.extend(avoid.get(i).map(|t| common::normalize(t)));
            }
        }
        Block::Group { title, blocks } => {
            out.push(common::normalize(title));
            for block in blocks {
                reading_texts(block, out);
            }
        }
        other => other.texts(|_, text| out.push(common::normalize(text))),
    }
}

/// The full handout under the Riverside profile: logo, QR code, links, many pages.
fn branded_full() -> Output {
    let profile = common::profile("riverside-spine.toml");
    common::build_with(
        common::BUNDLED,
        &Options {
            selection: Some(common::preset("full")),
            profile: Some(&profile),
            ..Options::default()
        },
    )
}

#[test]
fn lists_tables_headings_and_figures_carry_their_tags() {
    let out = branded_full();
    let s = &out.layout.structure;
    let count = |tag: Tag| s.nodes.iter().filter(|n| n.tag == tag).count();
    assert_eq!(count(Tag::H1), 1);
    let sections = common::load(common::BUNDLED).sections.len();
    assert_eq!(
        count(Tag::H2),
        sections + 1,
        "a heading per section, and Sources"
    );
    // The logo and the QR code, each described.
    let figures: Vec<_> = s.nodes.iter().filter(|n| n.tag == Tag::Figure).collect();
    assert_eq!(figures.len(), 2);
    assert!(figures
        .iter()
        .all(|f| f.alt.as_ref().is_some_and(|a| !a.is_empty())));
    // Every list item has a label and a body; every table row has cells.
    for node in &s.nodes {
        let kids: Vec<Tag> = node.children.iter().map(|&c| s.nodes[c].tag).collect();
        match node.tag {
            Tag::LI => assert_eq!(kids, vec![Tag::Lbl, Tag::LBody]),
            Tag::L => {
                assert!(!kids.is_empty() && kids.iter().all(|&k| k == Tag::LI));
                assert!(node.numbering.is_some(), "a list says how it is numbered");
            }
            Tag::Table => assert!(!kids.is_empty() && kids.iter().all(|&k| k == Tag::TR)),
            Tag::TR => {
                assert!(!kids.is_empty() && kids.iter().all(|&k| k == Tag::TH || k == Tag::TD))
            }
            _ => {}
        }
    }
    // Rows of one table are equally wide, so a screen reader's table navigation works.
    for node in s.nodes.iter().filter(|n| n.tag == Tag::Table) {
        let widths: Vec<usize> = node
            .children
            .iter()
            .map(|&r| s.nodes[r].children.len())
            .collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{widths:?}");
    }
}

/// The output intent's ICC profile, as lopdf finds it in the file.
fn output_profile(pdf: &[u8]) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    let catalog = doc.catalog().expect("catalog");
    let intents = catalog
        .get(b"OutputIntents")
        .and_then(lopdf::Object::as_array)
        .expect("OutputIntents");
    assert_eq!(intents.len(), 1);
    let intent = intents[0].as_dict().expect("intent");
    assert_eq!(
        intent.get(b"S").and_then(lopdf::Object::as_name).ok(),
        Some(&b"GTS_PDFA1"[..])
    );
    let id = intent
        .get(b"DestOutputProfile")
        .and_then(lopdf::Object::as_reference)
        .expect("profile reference");
    let stream = doc
        .get_object(id)
        .and_then(lopdf::Object::as_stream)
        .expect("profile stream");
    stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone())
}

#[test]
fn the_srgb_profile_is_read_by_littlecms_as_srgb() {
    let (_, out) = common::build(common::preset("brief"), handout::vocabulary::Paper::Letter);
    let icc = output_profile(&out.pdf);
    assert!(icc.len() < 4096, "{} bytes", icc.len());
    let dir = common::scratch("icc");
    let file = dir.join("srgb.icc");
    std::fs::write(&file, &icc).expect("write icc");
    // Pillow's LittleCMS opens the profile and converts colours to its own built-in sRGB;
    // a correct sRGB profile changes none of them.
    let script = r#"
import io, sys
from PIL import Image, ImageCms
ours = ImageCms.ImageCmsProfile(sys.argv[1])
builtin = ImageCms.createProfile("sRGB")
colours = [(31, 78, 121), (128, 128, 128), (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (26, 26, 26)]
im = Image.new("RGB", (len(colours), 1))
for x, c in enumerate(colours):
    im.putpixel((x, 0), c)
out = ImageCms.applyTransform(im, ImageCms.buildTransform(ours, builtin, "RGB", "RGB"))
worst = max(abs(a - b) for x, c in enumerate(colours) for a, b in zip(c, out.getpixel((x, 0))))
print(ImageCms.getProfileDescription(ours).strip(), worst)
"#;
    let out = Command::new(common::tools_python())
        .args(["-c", script])
        .arg(&file)
        .output()
        .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "LittleCMS rejected the profile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (description, worst) = stdout.trim().rsplit_once(' ').expect("two fields");
    assert!(description.starts_with("sRGB"), "{stdout}");
    let worst: u32 = worst.parse().expect("number");
    assert!(worst <= 1, "colours moved by up to {worst}: {stdout}");
}

/// Whether the element `elem` lists marked content `mcid` of `page` among its kids.
fn element_holds(
    doc: &lopdf::Document,
    elem: lopdf::ObjectId,
    page: lopdf::ObjectId,
    mcid: i64,
) -> bool {
    let Ok(dict) = doc.get_dictionary(elem) else {
        return false;
    };
    let home = dict.get(b"Pg").and_then(lopdf::Object::as_reference).ok();
    let Ok(kids) = dict.get(b"K").and_then(lopdf::Object::as_array) else {
        return false;
    };
    kids.iter().any(|kid| match kid {
        lopdf::Object::Integer(n) => *n == mcid && home == Some(page),
        lopdf::Object::Dictionary(mcr) => {
            mcr.get(b"MCID").and_then(lopdf::Object::as_i64).ok() == Some(mcid)
                && mcr.get(b"Pg").and_then(lopdf::Object::as_reference).ok() == Some(page)
        }
        _ => false,
    })
}

#[test]
fn the_parent_tree_maps_every_mcid_and_link_back_to_its_element() {
    let out = branded_full();
    let doc = lopdf::Document::load_mem(&out.pdf).expect("lopdf reads the PDF");
    let root = doc
        .catalog()
        .and_then(|c| c.get(b"StructTreeRoot"))
        .and_then(lopdf::Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .expect("StructTreeRoot");
    let tree = root
        .get(b"ParentTree")
        .and_then(lopdf::Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .expect("ParentTree");
    let nums = tree
        .get(b"Nums")
        .and_then(lopdf::Object::as_array)
        .expect("Nums");
    let keys: Vec<i64> = nums
        .iter()
        .step_by(2)
        .map(|k| k.as_i64().expect("key"))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "keys must ascend: {keys:?}"
    );
    let value = |key: i64| {
        let at = keys.iter().position(|&k| k == key).expect("key present");
        &nums[2 * at + 1]
    };
    let next = root
        .get(b"ParentTreeNextKey")
        .and_then(lopdf::Object::as_i64)
        .expect("next key");
    assert_eq!(next, keys.last().expect("keys") + 1);

    let pages = doc.get_pages();
    assert!(pages.len() > 10);
    let mut links = 0;
    for &page in pages.values() {
        let dict = doc.get_dictionary(page).expect("page");
        let key = dict
            .get(b"StructParents")
            .and_then(lopdf::Object::as_i64)
            .expect("StructParents");
        let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
        let mcids = content.matches("/MCID ").count();
        let elements = value(key).as_array().expect("an array per page");
        assert_eq!(
            elements.len(),
            mcids,
            "page key {key}: one element per MCID"
        );
        for (mcid, elem) in elements.iter().enumerate() {
            let elem = elem.as_reference().expect("element reference");
            assert!(
                element_holds(&doc, elem, page, mcid as i64),
                "MCID {mcid} of page key {key}"
            );
        }
        if let Ok(annots) = dict.get(b"Annots").and_then(lopdf::Object::as_array) {
            for annot in annots {
                let id = annot.as_reference().expect("annotations are objects");
                let a = doc.get_dictionary(id).expect("annotation");
                let key = a
                    .get(b"StructParent")
                    .and_then(lopdf::Object::as_i64)
                    .expect("StructParent");
                let link = value(key).as_reference().expect("link element");
                let link = doc.get_dictionary(link).expect("link");
                assert_eq!(
                    link.get(b"S").and_then(lopdf::Object::as_name).ok(),
                    Some(&b"Link"[..])
                );
                let holds = link
                    .get(b"K")
                    .and_then(lopdf::Object::as_array)
                    .expect("kids")
                    .iter()
                    .any(|k| {
                        k.as_dict()
                            .ok()
                            .and_then(|d| d.get(b"Obj").ok())
                            .and_then(|o| o.as_reference().ok())
                            == Some(id)
                    });
                assert!(holds, "the Link element holds its annotation");
                let contents = a
                    .get(b"Contents")
                    .and_then(lopdf::Object::as_str)
                    .expect("Contents");
                let contents = lopdf::decode_text_string(&lopdf::Object::String(
                    contents.to_vec(),
                    lopdf::StringFormat::Hexadecimal,
                ))
                .expect("a text string");
                assert!(
                    contents.starts_with("Scan the code or open this link")
                        && contents.ends_with("https://riverside.example.org/spine/l3-l4"),
                    "annotations say what they do: {contents}"
                );
                links += 1;
            }
        }
    }
    assert_eq!(links, 2, "the QR code and the address");
}

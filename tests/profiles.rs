//! Clinic profiles, large print, personalization, Spanish, the QR link, review status and
//! code lookup, checked on real PDFs and through the command line.

mod common;

use std::path::Path;
use std::process::Command;

use handout::fonts::Face;
use handout::layout::{Item, Role};
use handout::pipeline::Options;

#[test]
fn branded_handout_shows_clinic_logo_link_and_footer_line() {
    let profile = common::profile("riverside-spine.toml");
    let options = Options {
        profile: Some(&profile),
        ..Options::default()
    };
    let out = common::build_with(common::BUNDLED, &options);
    let page1 = &out.layout.pages[0].items;
    let image = page1
        .iter()
        .find_map(|i| match i {
            Item::Image(img) => Some(img),
            _ => None,
        })
        .expect("the logo is on page 1");
    // The sample logo is square: printed square, and no taller than the theme allows.
    assert!(
        (image.w - image.h).abs() < 0.01 && image.h <= 48.01,
        "{image:?}"
    );
    assert!(image.alt.contains("Riverside"));
    assert!(page1.iter().any(
        |i| matches!(i, Item::Link(l) if l.url == "https://riverside.example.org/spine/l3-l4")
    ));
    let pages = common::page_texts(&out.pdf, "branded");
    assert!(pages[0].contains("Riverside Spine Center"));
    assert!(pages[0].contains("https://riverside.example.org/spine/l3-l4"));
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Questions? Call the Spine Center nurse line at 555-0100"),
            "page {}",
            i + 1
        );
        assert!(
            page.contains(&common::normalize(
                &common::load(common::BUNDLED).disclaimer
            )),
            "page {}",
            i + 1
        );
    }
    // The profile's own label replaced the built-in one.
    assert!(pages
        .join(" ")
        .contains("Call 911 or go to the nearest emergency room now"));
    // The link is a real URI annotation on page 1, as lopdf reads it (the annotation
    // is in a compressed object stream).
    let doc = lopdf::Document::load_mem(&out.pdf).expect("lopdf reads the PDF");
    let page1 = *doc.get_pages().get(&1).expect("page 1");
    let annots = doc
        .get_dictionary(page1)
        .and_then(|page| page.get(b"Annots"))
        .and_then(lopdf::Object::as_array)
        .expect("page 1 has annotations");
    let uris: Vec<Vec<u8>> = annots
        .iter()
        .filter_map(|annot| {
            let annot = doc.get_dictionary(annot.as_reference().ok()?).ok()?;
            let action = annot.get(b"A").and_then(lopdf::Object::as_dict).ok()?;
            if action.get(b"S").and_then(lopdf::Object::as_name).ok()? != b"URI" {
                return None;
            }
            let uri = action.get(b"URI").and_then(lopdf::Object::as_str).ok()?;
            Some(uri.to_vec())
        })
        .collect();
    assert!(
        uris.iter()
            .any(|u| u == b"https://riverside.example.org/spine/l3-l4"),
        "no URI action on page 1: {uris:?}"
    );
}

#[test]
fn the_qr_code_decodes_to_the_link() {
    let profile = common::profile("riverside-spine.toml");
    let options = Options {
        profile: Some(&profile),
        ..Options::default()
    };
    let out = common::build_with(common::BUNDLED, &options);
    let dir = common::scratch("qr");
    let pdf = dir.join("qr.pdf");
    std::fs::write(&pdf, &out.pdf).unwrap();
    let png = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(status.success());
    let page = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .expect("rendered page");
    let decoded = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&page)
        .output()
        .expect("zbarimg (zbar-tools) must be installed: scripts/test installs it");
    let text = String::from_utf8_lossy(&decoded.stdout);
    assert_eq!(text.trim(), "https://riverside.example.org/spine/l3-l4");
}

#[test]
fn large_print_has_nothing_below_12_pt_no_italics_and_numbered_lists() {
    let options = Options {
        selection: Some(common::preset("full")),
        large_print: true,
        ..Options::default()
    };
    let out = common::build_with(common::BUNDLED, &options);
    for (i, page) in out.layout.pages.iter().enumerate() {
        for item in &page.items {
            if let Item::Text(t) = item {
                assert!(
                    t.size >= 12.0,
                    "page {}: {:?} at {} pt",
                    i + 1,
                    t.text,
                    t.size
                );
                if t.role == Role::Body {
                    assert!(
                        t.size >= 18.0,
                        "page {}: body {:?} at {} pt",
                        i + 1,
                        t.text,
                        t.size
                    );
                }
                assert!(
                    !matches!(
                        t.face,
                        Face::Italic
                            | Face::BoldItalic
                            | Face::FallbackItalic
                            | Face::FallbackBoldItalic
                    ),
                    "page {}: italic {:?}",
                    i + 1,
                    t.text
                );
                assert_ne!(t.text, "•", "page {}: a bullet in large print", i + 1);
            }
        }
    }
    let disclaimer = common::normalize(&common::load(common::BUNDLED).disclaimer);
    for (i, page) in common::page_texts(&out.pdf, "large").iter().enumerate() {
        assert!(
            page.contains(&disclaimer),
            "page {} lacks the disclaimer",
            i + 1
        );
    }
}

#[test]
fn personal_details_are_on_page_one_and_the_name_in_later_headers() {
    let personal = common::jane_doe();
    let options = Options {
        selection: Some(common::preset("brief")),
        personal: Some(&personal),
        ..Options::default()
    };
    let out = common::build_with(common::BUNDLED, &options);
    let pages = common::page_texts(&out.pdf, "personal");
    assert!(pages.len() >= 2);
    for text in [
        "For: Jane Doe",
        "From: Dr. Maria Lee",
        "Date: November 25, 2026",
        "Return in 2 weeks",
        "Notes from your care team",
    ] {
        assert!(pages[0].contains(text), "page 1 lacks {text:?}");
    }
    for note in &personal.notes {
        assert!(
            pages[0].contains(note.as_str()),
            "page 1 lacks the note {note:?}"
        );
    }
    for (i, page) in pages.iter().enumerate().skip(1) {
        assert!(
            page.contains("For: Jane Doe"),
            "page {} header lacks the patient",
            i + 1
        );
    }
    assert!(pages.last().unwrap().contains("My notes"));
}

#[test]
fn spanish_handout_prints_spanish_labels_and_accents() {
    let options = Options {
        selection: Some(common::preset("brief")),
        ..Options::default()
    };
    let out = common::build_with(common::SPANISH, &options);
    let pages = common::page_texts(&out.pdf, "spanish");
    let all = pages.join(" ");
    assert!(pages[0].contains(&format!("Página 1 de {}", pages.len())));
    for word in [
        "Haga",
        "Evite",
        "Llame al 911",
        "20 de mayo de 2025",
        "á",
        "ñ",
    ] {
        assert!(all.contains(word), "missing {word:?}");
    }
    let faq = Options {
        selection: Some(handout::select::Selection::Sections(vec!["faq".into()])),
        ..Options::default()
    };
    let faq_text = common::page_texts(
        &common::build_with(common::SPANISH, &faq).pdf,
        "spanish-faq",
    )
    .join(" ");
    assert!(
        faq_text.contains("¿Qué"),
        "the opening question mark is lost"
    );
    let handout = common::load(common::SPANISH);
    let sections =
        handout::select::select(&handout, Path::new("es"), &common::preset("brief")).unwrap();
    for section in sections {
        section.texts(|at, text| {
            assert!(
                all.contains(&common::normalize(text)),
                "{} / {}: {text:?} missing",
                section.id(),
                at()
            );
        });
    }
}

#[test]
fn personal_text_no_font_can_draw_is_named() {
    let dir = common::scratch("personal-glyph");
    let out = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--preset",
            "brief",
            "--patient",
            "Jane 😀 Doe",
            "-o",
            "out.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("U+1F600") && common::stderr(&out).contains("patient"),
        "{}",
        common::stderr(&out)
    );
    let out = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--preset",
            "brief",
            "--note",
            "ok",
            "--note",
            "ⴰⵣⵓⵍ",
            "-o",
            "out.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("U+2D30") && common::stderr(&out).contains("note 2"),
        "{}",
        common::stderr(&out)
    );
    let out = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--date",
            "25/11/2026",
            "-o",
            "out.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("YYYY-MM-DD"));
    assert!(!dir.join("out.pdf").exists());
}

#[test]
fn personal_file_and_flags_combine() {
    let dir = common::scratch("personal-file");
    std::fs::write(
        dir.join("me.toml"),
        "patient = \"Ana Ruiz\"\nclinician = \"Dr. File\"\nnotes = [\"From the file.\"]\n",
    )
    .unwrap();
    let out = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--preset",
            "brief",
            "--personal",
            "me.toml",
            "--clinician",
            "Dr. Flag",
            "-o",
            "out.pdf",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let pdf = std::fs::read(dir.join("out.pdf")).unwrap();
    let text = common::page_texts(&pdf, "personal-file").join(" ");
    assert!(
        text.contains("For: Ana Ruiz")
            && text.contains("From: Dr. Flag")
            && text.contains("From the file."),
        "{text}"
    );
    assert!(!text.contains("Dr. File"));
}

#[test]
fn overdue_review_warns_and_strict_refuses() {
    let dir = common::scratch("review");
    let text = std::fs::read_to_string(common::bundled_arg()).unwrap();
    std::fs::write(
        dir.join("old.toml"),
        text.replace("review_due = 2027-05-20", "review_due = 2020-01-01")
            // A review falls due after the last change, which is checked.
            .replacen("last_updated = 2025-05-20", "last_updated = 2019-01-01", 1),
    )
    .unwrap();
    let out = common::run(
        &dir,
        &["build", "old.toml", "--preset", "brief", "-o", "out.pdf"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("warning: old.toml: review was due on 2020-01-01"),
        "{}",
        common::stderr(&out)
    );
    std::fs::remove_file(dir.join("out.pdf")).unwrap();
    let out = common::run(
        &dir,
        &[
            "build", "old.toml", "--preset", "brief", "--strict", "-o", "out.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("review was due on 2020-01-01"),
        "{}",
        common::stderr(&out)
    );
    assert!(!dir.join("out.pdf").exists());
    let out = common::run(&dir, &["list", "old.toml"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("review:   OVERDUE by"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn list_finds_handouts_by_code_along_the_hierarchy() {
    let root = common::root();
    let ids = |code: &str| -> Vec<String> {
        let out = common::run(&root, &["list", "handouts", "--json", "--code", code]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let entries: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        entries
            .as_array()
            .expect("an array")
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let ids = |code: &str| {
        let mut found = ids(code);
        found.sort();
        found
    };
    // The English handout and every translation of it, which carry its codes.
    let mut both: Vec<String> = std::fs::read_dir(common::root().join("handouts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            common::load(p.strip_prefix(common::root()).unwrap().to_str().unwrap())
                .meta
                .id
        })
        .collect();
    both.sort();
    assert!(both.len() >= 15, "{both:?}");
    assert_eq!(ids("M48.061"), both);
    assert_eq!(ids("M48.06"), both, "a parent code finds its children");
    assert_eq!(ids("m48.0"), both, "codes match whatever the case");
    assert_eq!(
        ids("M48.0619"),
        both,
        "a more specific code finds its parent"
    );
    assert!(ids("M99.53").is_empty());
    let out = common::run(&root, &["list", "handouts", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "l3-l4-foraminal-narrowing" && e["language"] == "en-US")
        .expect("the English handout is listed");
    assert_eq!(first["review_due"], "2027-05-20");
    assert!(first["sections"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "faq" && s["items"] == 15));
}

//! What a reader of the PDF gets: every word of the selected sections, the disclaimer on
//! every page, the brief on one page, and the same bytes every time. Checked with
//! poppler (pdftotext, pdfinfo), an independent PDF reader.

mod common;

use handout::model::Handout;
use handout::select::Selection;
use handout::vocabulary::Paper;

/// The body text of each page, with the header (title) and footer (disclaimer and
/// "Page X of Y") removed, asserting they are there.
fn bodies(handout: &Handout, pages: &[String]) -> Vec<String> {
    let title = common::normalize(&handout.meta.title);
    let disclaimer = common::normalize(&handout.disclaimer);
    let total = pages.len();
    pages
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let footer = format!("{disclaimer} Page {} of {total}", i + 1);
            let body = text.strip_prefix(&title).unwrap_or_else(|| {
                panic!(
                    "page {} does not start with the header {title:?}: {text:.200}",
                    i + 1
                )
            });
            let body = body.strip_suffix(&footer).unwrap_or_else(|| {
                panic!(
                    "page {} does not end with the disclaimer and page number {footer:?}: ...{}",
                    i + 1,
                    &text[text.len().saturating_sub(300)..]
                )
            });
            body.trim().to_string()
        })
        .collect()
}

fn assert_nothing_lost(selection: Selection, paper: Paper, name: &str) -> usize {
    let (handout, out) = common::build(selection.clone(), paper);
    let pages = common::page_texts(&out.pdf, name);
    assert_eq!(pages.len(), out.layout.pages.len());
    let text = bodies(&handout, &pages).join(" ");
    let sections =
        handout::select::select(&handout, std::path::Path::new("h"), &selection).unwrap();
    let mut checked = 0;
    let mut missing = Vec::new();
    for section in sections {
        section.texts(|at, s| {
            checked += 1;
            if !text.contains(&common::normalize(s)) {
                missing.push(format!("{} / {}: {s:?}", section.id(), at()));
            }
        });
    }
    assert!(
        missing.is_empty(),
        "{} strings missing from the PDF text:\n{}",
        missing.len(),
        missing.join("\n")
    );
    checked
}

#[test]
fn full_handout_holds_every_string_and_the_disclaimer_on_every_page() {
    let checked = assert_nothing_lost(common::preset("full"), Paper::Letter, "full");
    assert!(checked > 400, "only {checked} strings checked");
}

#[test]
fn brief_holds_every_string_on_one_page() {
    for (paper, name) in [(Paper::Letter, "brief-letter"), (Paper::A4, "brief-a4")] {
        assert_nothing_lost(common::preset("brief"), paper, name);
        let (_, out) = common::build(common::preset("brief"), paper);
        let dir = common::scratch(name);
        let file = dir.join("brief.pdf");
        std::fs::write(&file, &out.pdf).unwrap();
        assert_eq!(
            common::page_count(&file),
            1,
            "brief on {paper:?} is not one page"
        );
    }
}

#[test]
fn custom_sections_print_in_the_order_given() {
    let selection = Selection::Sections(vec!["faq".into(), "overview".into()]);
    let (handout, out) = common::build(selection.clone(), Paper::Letter);
    assert_nothing_lost(selection, Paper::Letter, "custom");
    let text = bodies(&handout, &common::page_texts(&out.pdf, "custom-order")).join(" ");
    let faq = text.find("Common questions").expect("faq heading");
    let overview = text
        .find("What is foraminal narrowing?")
        .expect("overview heading");
    assert!(faq < overview);
    assert!(
        !text.contains("Protecting your back"),
        "an unselected section was printed"
    );
}

#[test]
fn same_input_gives_the_same_bytes_even_in_parallel() {
    let builds: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| common::build(common::preset("full"), Paper::Letter).1.pdf))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for other in &builds[1..] {
        assert!(other == &builds[0], "two builds of the same input differ");
    }
}

#[test]
fn layout_keeps_every_box_inside_the_page_body() {
    let (_, out) = common::build(common::preset("full"), Paper::Letter);
    let (w, h) = (out.layout.width, out.layout.height);
    for (i, page) in out.layout.pages.iter().enumerate() {
        for item in &page.items {
            if let handout::layout::Item::Text(t) = item {
                assert!(
                    t.x >= 36.0 && t.y > 36.0 && t.y < h - 20.0,
                    "page {}: {t:?} is in the margin",
                    i + 1
                );
                // A line's closing space is there for text extraction and draws nothing.
                let width = common::drawn_width(t);
                assert!(
                    t.x + width <= w - 54.0 + 0.5,
                    "page {}: {:?} runs past the right margin",
                    i + 1,
                    t.text
                );
            }
        }
    }
}

#[test]
fn huge_words_and_cells_break_across_lines_and_pages() {
    let (mut handout, _) = common::bundled();
    let long_word = "x".repeat(5000);
    let long_cell = vec!["word"; 3000].join(" ");
    for section in &mut handout.sections {
        for block in &mut section.blocks {
            if let handout::model::Block::DoAvoid { dos, avoid } = block {
                dos[0] = long_word.clone();
                avoid[1] = long_cell.clone();
            }
        }
    }
    let options = handout::pipeline::Options {
        selection: Some(common::preset("brief")),
        ..Default::default()
    };
    let out = handout::pipeline::build(&handout, std::path::Path::new("h.toml"), &options)
        .expect("huge cells build instead of failing");
    assert!(out.layout.pages.len() > 2);
    let (mut xs, mut words) = (0, 0);
    for page in &out.layout.pages {
        for item in &page.items {
            if let handout::layout::Item::Text(t) = item {
                let right = t.x + common::drawn_width(t);
                assert!(
                    right <= out.layout.body_right + 0.5,
                    "{:?} runs into the margin",
                    t.text
                );
                assert!(
                    t.y < out.layout.height - 30.0,
                    "{:?} is in the footer area",
                    t.text
                );
                if t.role == handout::layout::Role::Body {
                    if t.text.chars().all(|c| c == 'x') {
                        xs += t.text.len();
                    }
                    words += t.text.split_whitespace().filter(|w| *w == "word").count();
                }
            }
        }
    }
    assert_eq!(xs, 5000, "characters of the long word were lost");
    assert_eq!(words, 3000, "words of the long cell were lost");
}

#[test]
fn the_outline_lists_every_section_with_its_groups_nested() {
    let (handout, out) = common::build(common::preset("full"), Paper::Letter);
    let dir = common::scratch("outline");
    let file = dir.join("full.pdf");
    std::fs::write(&file, &out.pdf).unwrap();
    let shown = std::process::Command::new("mutool")
        .args(["show", file.to_str().unwrap(), "outline"])
        .output()
        .expect("mutool (mupdf-tools) must be installed");
    let text = String::from_utf8_lossy(&shown.stdout);
    // MuPDF prints one line per entry: a marker, one tab per level, the quoted title.
    let entries: Vec<(usize, String)> = text
        .lines()
        .map(|line| {
            let tabs = line.chars().skip(1).take_while(|&c| c == '\t').count();
            let title = line.split('"').nth(1).unwrap_or("").to_string();
            (tabs, title)
        })
        .collect();
    let mut expected = Vec::new();
    for section in &handout.sections {
        expected.push((1, section.title.clone()));
        for block in &section.blocks {
            if let handout::model::Block::Group { title, .. } = block {
                expected.push((2, title.clone()));
            }
        }
    }
    expected.push((1, "Sources".to_string()));
    assert_eq!(entries, expected);
}

/// The embedded font programs of a PDF, as written (compressed), in file order.
fn font_programs(pdf: &[u8]) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    doc.objects
        .values()
        .filter_map(|object| match object {
            lopdf::Object::Stream(stream) if stream.dict.has(b"Length1") => {
                Some(stream.content.clone())
            }
            _ => None,
        })
        .collect()
}

/// Briefs for two patients whose details draw the same glyphs embed the same fonts: the
/// handout's glyphs are numbered before a patient's, so a name at the top of the first
/// page no longer renumbers every glyph after it, and a batch reuses its subsets.
#[test]
fn briefs_for_different_patients_embed_the_same_font_programs() {
    let programs = |patient: &str| {
        let mut personal = common::jane_doe();
        personal.patient = Some(patient.into());
        let options = handout::pipeline::Options {
            selection: Some(common::preset("brief")),
            personal: Some(&personal),
            ..Default::default()
        };
        font_programs(&common::build_with(common::BUNDLED, &options).pdf)
    };
    let jane = programs("Jane Doe");
    assert!(!jane.is_empty(), "the brief embeds fonts");
    // The same letters in another order: drawn first, they used to be numbered first.
    assert_eq!(jane, programs("Dean Joe"));
    // A letter the brief does not otherwise draw needs a glyph of its own.
    assert_ne!(jane, programs("Jane Doe Q"));
}

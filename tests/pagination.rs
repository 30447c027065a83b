//! Page-break rules seen from the laid-out pages.

use std::path::Path;

use handout::labels::Labels;
use handout::layout::{Document, Item, Role};
use handout::model;
use handout::pipeline::{self, Options};
use handout::select::Selection;
use handout::vocabulary::Paper;

/// The filler, then a group "Sources" holding a list of four one-line items, then a
/// closing paragraph: long enough that the last page never holds so few lines that
/// tighter spacing pulls them back onto the page before.
fn handout_with_filler(sentences: usize) -> String {
    let closing = "Keep this sheet and bring it to your next visit. ".repeat(12);
    filler_then(
        sentences,
        &format!(
            r#"type = "group"
title = "Sources"

[[sections.blocks.blocks]]
type = "bullets"
items = ["Source item one", "Source item two", "Source item three", "Source item four"]

[[sections.blocks]]
type = "paragraph"
text = "{closing}""#
        ),
    )
}

/// The page of every text box that contains `needle`.
fn pages_of(doc: &Document, needle: &str) -> Vec<usize> {
    doc.pages
        .iter()
        .enumerate()
        .flat_map(|(n, page)| {
            page.items.iter().filter_map(move |item| match item {
                Item::Text(t) if t.text.contains(needle) => Some(n),
                _ => None,
            })
        })
        .collect()
}

fn lay_out(source: &str, large_print: bool) -> Document {
    let options = Options {
        selection: Some(Selection::Preset("brief".into())),
        paper: Some(Paper::Letter),
        large_print,
        ..Options::default()
    };
    let path = Path::new("pages.toml");
    let handout = model::parse(path, source).expect("valid handout");
    pipeline::lay_out(&handout, path, &options, &Labels::english()).expect("lays out")
}

#[test]
fn a_list_breaks_between_items_leaving_no_line_of_it_alone() {
    let mut split = 0;
    for sentences in (10..=60).step_by(2) {
        let doc = lay_out(&handout_with_filler(sentences), false);
        let items = pages_of(&doc, "Source item");
        assert_eq!(items.len(), 4, "{sentences} sentences: {items:?}");
        assert!(items.windows(2).all(|w| w[0] <= w[1]), "{items:?}");
        // One-line items: the first keeps the second company, the last the third.
        assert_eq!(
            items[0], items[1],
            "{sentences} sentences: the first item alone"
        );
        assert_eq!(
            items[2], items[3],
            "{sentences} sentences: the last item alone"
        );
        assert_eq!(
            pages_of(&doc, "Sources"),
            vec![items[0]],
            "{sentences} sentences: heading and list apart"
        );
        if items[0] != items[3] {
            split += 1;
        }
    }
    // The filler lengths run the list across the first page's foot, so the list does
    // break there, rather than move whole.
    assert!(split > 0, "the list never broke across pages");
}

/// A handout whose one section is filler and then `block`.
fn filler_then(sentences: usize, block: &str) -> String {
    let filler =
        "Walking a little every day keeps the back moving and the nerves calm. ".repeat(sentences);
    format!(
        r#"
disclaimer = "General information only."

[meta]
id = "pages"
title = "Page breaks"
language = "en-US"
last_updated = 2025-05-20
reviewed_by = "Tests"

[presets]
brief = ["one"]

[[sections]]
id = "one"
title = "One"

[[sections.blocks]]
type = "paragraph"
text = "{filler}"

[[sections.blocks]]
{block}
"#
    )
}

/// The text boxes of each page, in drawing order.
fn texts(doc: &Document) -> Vec<Vec<&handout::layout::Text>> {
    doc.pages
        .iter()
        .map(|page| {
            page.items
                .iter()
                .filter_map(|item| match item {
                    Item::Text(t) => Some(t),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_table_breaks_between_rows_and_repeats_its_header_as_furniture() {
    let rows = 24;
    let dos: Vec<String> = (0..rows)
        .map(|i| format!("\"Do row {i:02} here.\""))
        .collect();
    let avoid: Vec<String> = (0..rows)
        .map(|i| format!("\"Avoid row {i:02} here.\""))
        .collect();
    let block = format!(
        "type = \"do-avoid\"\ndo = [{}]\navoid = [{}]",
        dos.join(", "),
        avoid.join(", ")
    );
    let mut broken = 0;
    for sentences in (4..=40).step_by(3) {
        let doc = lay_out(&filler_then(sentences, &block), false);
        let pages = texts(&doc);
        let page_of = |needle: &str| {
            let found: Vec<usize> = pages
                .iter()
                .enumerate()
                .flat_map(|(n, p)| {
                    p.iter()
                        .filter(|t| t.text.contains(needle) && t.node.is_some())
                        .map(move |_| n)
                })
                .collect();
            assert_eq!(
                found.len(),
                1,
                "{needle:?} drawn as content {} times",
                found.len()
            );
            found[0]
        };
        let row_pages: Vec<usize> = (0..rows)
            .map(|i| page_of(&format!("Do row {i:02}")))
            .collect();
        for (i, &page) in row_pages.iter().enumerate() {
            assert_eq!(
                page_of(&format!("Avoid row {i:02}")),
                page,
                "{sentences} sentences: row {i} split"
            );
        }
        let header: Vec<usize> = pages
            .iter()
            .enumerate()
            .flat_map(|(n, p)| {
                p.iter()
                    .filter(|t| t.text == "Do" && t.node.is_some())
                    .map(move |_| n)
            })
            .collect();
        assert_eq!(header.len(), 1, "the header is content once");
        let header = header[0];
        assert!(
            row_pages[0] == header,
            "{sentences} sentences: the header left without its first row"
        );
        let continued = (row_pages[0] + 1)..=row_pages[rows - 1];
        for (page, on_page) in pages
            .iter()
            .enumerate()
            .filter(|(n, _)| continued.contains(n))
        {
            broken += 1;
            let body: Vec<&&handout::layout::Text> = on_page
                .iter()
                .filter(|t| !matches!(t.role, Role::Header | Role::Footer | Role::PageNumber))
                .collect();
            let repeated: Vec<&str> = body
                .iter()
                .filter(|t| t.role == Role::RepeatedHeader)
                .map(|t| t.text.as_str())
                .collect();
            assert_eq!(
                repeated,
                ["Do", "Avoid"],
                "{sentences} sentences, page {}",
                page + 1
            );
            assert!(body
                .iter()
                .filter(|t| t.role == Role::RepeatedHeader)
                .all(|t| t.node.is_none()));
            let top = body.iter().map(|t| t.y).fold(f32::MAX, f32::min);
            assert!(
                body.iter()
                    .filter(|t| t.role == Role::RepeatedHeader)
                    .all(|t| t.y == top),
                "{sentences} sentences: the repeated header is not at the top of page {}",
                page + 1
            );
        }
    }
    assert!(broken > 0, "the table never broke across pages");
}

#[test]
fn a_tall_entry_breaks_between_its_facts_and_a_short_one_stays_whole() {
    let long =
        "Take it with food and water, and not on an empty stomach, as the label says. ".repeat(3);
    let tall = format!(
        "type = \"medicines\"\n[[sections.blocks.items]]\nname = \"Tallmed\"\nclass = \"Pain reliever\"\n\
         dose = \"Dosefact {long}\"\ntiming = \"Timingfact {long}\"\nside_effects = \"Effectsfact {long}\"\n\
         note = \"Notefact {long}\""
    );
    let short = "type = \"medicines\"\n[[sections.blocks.items]]\nname = \"Shortmed\"\nclass = \"Pain reliever\"\n\
         dose = \"Dosefact\"\ntiming = \"Timingfact\"\nside_effects = \"Effectsfact\"";
    let mut split = 0;
    for sentences in (20..=56).step_by(1) {
        let doc = lay_out(&filler_then(sentences, &tall), false);
        let name = pages_of(&doc, "Tallmed");
        let facts: Vec<usize> = ["Dosefact", "Timingfact", "Effectsfact", "Notefact"]
            .iter()
            .map(|f| pages_of(&doc, f)[0])
            .collect();
        assert_eq!(
            name,
            vec![facts[0]],
            "{sentences} sentences: the name without its first fact"
        );
        if facts[3] != facts[0] {
            split += 1;
            // The entry ends the section: every body line on its last page is its own.
            let mut lines: Vec<f32> = texts(&doc)[facts[3]]
                .iter()
                .filter(|t| t.node.is_some() && t.role == Role::Body)
                .map(|t| t.y)
                .collect();
            lines.dedup();
            assert!(
                lines.len() >= 2,
                "{sentences} sentences: fewer than two lines after the break"
            );
        }
        let doc = lay_out(&filler_then(sentences, short), false);
        let pages: Vec<usize> = ["Shortmed", "Dosefact", "Timingfact", "Effectsfact"]
            .iter()
            .map(|f| pages_of(&doc, f)[0])
            .collect();
        assert!(
            pages.iter().all(|&p| p == pages[0]),
            "{sentences} sentences: a short entry split {pages:?}"
        );
    }
    assert!(split > 0, "the tall entry never broke across pages");
}

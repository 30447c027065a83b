//! Page-break rules seen from the laid-out pages.

use std::path::Path;

use handout::labels::Labels;
use handout::layout::{Document, Item};
use handout::model;
use handout::pipeline::{self, Options};
use handout::select::Selection;
use handout::vocabulary::Paper;

fn handout_with_filler(sentences: usize) -> String {
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
type = "group"
title = "Sources"

[[sections.blocks.blocks]]
type = "bullets"
items = ["Source item one", "Source item two", "Source item three", "Source item four"]
"#
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

#[test]
fn a_short_list_is_never_split_and_stays_with_its_heading() {
    let labels = Labels::english();
    let options = Options {
        selection: Some(Selection::Preset("brief".into())),
        paper: Some(Paper::Letter),
        ..Options::default()
    };
    let mut moved = 0;
    for sentences in (10..=60).step_by(2) {
        let source = handout_with_filler(sentences);
        let path = Path::new("pages.toml");
        let handout = model::parse(path, &source).expect("valid handout");
        let doc = pipeline::lay_out(&handout, path, &options, &labels).expect("lays out");
        let items = pages_of(&doc, "Source item");
        assert_eq!(items.len(), 4, "{sentences} sentences: {items:?}");
        assert!(
            items.iter().all(|&p| p == items[0]),
            "{sentences} sentences: the list is split across pages {items:?}"
        );
        let heading = pages_of(&doc, "Sources");
        assert_eq!(
            heading,
            vec![items[0]],
            "{sentences} sentences: heading and list apart"
        );
        if items[0] > 0 {
            moved += 1;
        }
    }
    // The filler lengths run the list past the first page's foot, so the rule is
    // exercised, not just never needed.
    assert!(moved > 0, "the list never reached a page break");
}

//! Property tests: for generated handouts, nothing is lost, nothing leaves the page body,
//! the disclaimer is on every page, and output is deterministic.

mod common;

use std::path::Path;

use handout::layout::{Item, Role};
use handout::model;
use handout::pipeline::{self, Options};
use handout::select::Selection;
use handout::vocabulary::Paper;
use proptest::prelude::*;
use toml::{Table, Value};

/// A word: mostly short, sometimes very long (it must be broken, not overflow), from
/// letters the fonts have, including accents and Greek.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-zA-Z]{1,12}",
        2 => "[a-zA-Z0-9éñüçκβ–]{1,10}",
        1 => "[a-z]{60,300}",
    ]
}

fn text(max_words: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..max_words).prop_map(|w| w.join(" "))
}

/// A block a reader reads straight through: its words in order.
fn block() -> impl Strategy<Value = Value> {
    let table = |pairs: Vec<(&str, Value)>| {
        Value::Table(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<Table>(),
        )
    };
    let strings = |items: Vec<String>| Value::Array(items.into_iter().map(Value::String).collect());
    prop_oneof![
        text(120).prop_map(move |t| table(vec![("type", "paragraph".into()), ("text", t.into())])),
        prop::collection::vec(text(25), 1..12).prop_map(move |items| table(vec![
            ("type", "bullets".into()),
            ("items", strings(items))
        ])),
        prop::collection::vec(text(25), 1..12).prop_map(move |items| table(vec![
            ("type", "numbered".into()),
            ("items", strings(items))
        ])),
        prop::collection::vec((text(4), text(40)), 1..8).prop_map(move |items| {
            let items = items
                .into_iter()
                // Terms end in a stop, as written; without one the layout adds it.
                .map(|(term, text)| {
                    table(vec![
                        ("term", format!("{term}.").into()),
                        ("text", text.into()),
                    ])
                })
                .collect();
            table(vec![
                ("type", "terms".into()),
                ("items", Value::Array(items)),
            ])
        }),
        prop::collection::vec((text(12), text(60)), 1..6).prop_map(move |items| {
            let items = items
                .into_iter()
                .map(|(q, a)| table(vec![("question", q.into()), ("answer", a.into())]))
                .collect();
            table(vec![("type", "faq".into()), ("items", Value::Array(items))])
        }),
    ]
}

/// A handout as TOML text, with its sections' words in reading order.
fn handout_toml() -> impl Strategy<Value = String> {
    (
        text(30),
        prop::collection::vec((text(6), prop::collection::vec(block(), 1..5)), 1..6),
    )
        .prop_map(|(disclaimer, sections)| {
            let mut root = Table::new();
            root.insert("disclaimer".into(), disclaimer.into());
            let mut meta = Table::new();
            meta.insert("id".into(), "generated".into());
            meta.insert("title".into(), "Generated handout".into());
            meta.insert("language".into(), "en-US".into());
            meta.insert("reviewed_by".into(), "Property tests".into());
            meta.insert(
                "last_updated".into(),
                Value::Datetime("2025-05-20".parse().unwrap()),
            );
            root.insert("meta".into(), Value::Table(meta));
            let sections: Vec<Value> = sections
                .into_iter()
                .enumerate()
                .map(|(i, (title, blocks))| {
                    let mut s = Table::new();
                    s.insert("id".into(), format!("section-{i}").into());
                    s.insert("title".into(), title.into());
                    s.insert("blocks".into(), Value::Array(blocks));
                    Value::Table(s)
                })
                .collect();
            root.insert("sections".into(), Value::Array(sections));
            toml::to_string(&Value::Table(root)).expect("serializable")
        })
}

/// The text without its whitespace. Lines, and runs in a fallback face (the κ in
/// "NF-κB"), are separate boxes, so the boxes are compared by their characters in order.
fn letters(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The characters every selected section contributes, in reading order.
fn expected_letters(handout: &model::Handout) -> String {
    let mut all = String::new();
    for section in &handout.sections {
        section.texts(|_, text| all.push_str(&letters(text)));
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_word_once_in_order_inside_the_body_with_the_disclaimer_on_every_page(
        source in handout_toml(),
        a4 in any::<bool>(),
    ) {
        let path = Path::new("generated.toml");
        let handout = model::parse(path, &source).expect("generated handouts are valid");
        let options = Options {
            selection: Some(Selection::Preset("full".into())),
            paper: Some(if a4 { Paper::A4 } else { Paper::Letter }),
            ..Options::default()
        };
        let labels = options.labels(&handout).unwrap();
        let doc = pipeline::lay_out(&handout, path, &options, &labels).expect("lays out");
        let (left, right) = (doc.body_left, doc.body_right);

        let mut body = String::new();
        let disclaimer = letters(&handout.disclaimer);
        for (index, page) in doc.pages.iter().enumerate() {
            let mut footer = String::new();
            let (mut header_bottom, mut body_top, mut body_bottom, mut footer_top) =
                (0.0f32, f32::MAX, 0.0f32, f32::MAX);
            for item in &page.items {
                let Item::Text(t) = item else { continue };
                let width = common::drawn_width(t);
                prop_assert!(t.x >= left - 0.01 && t.x + width <= right + 0.5,
                    "page {}: {:?} leaves the text column ({} to {})", index + 1, t.text, t.x, t.x + width);
                match t.role {
                    Role::Header => header_bottom = header_bottom.max(t.y),
                    Role::Footer => {
                        footer_top = footer_top.min(t.y - t.size);
                        footer.push_str(&letters(&t.text));
                    }
                    Role::PageNumber => {}
                    Role::Marker => {}
                    _ => {
                        body_top = body_top.min(t.y - t.size);
                        body_bottom = body_bottom.max(t.y);
                        if !matches!(t.role, Role::Title | Role::Subtitle | Role::Meta) {
                            body.push_str(&letters(&t.text));
                        }
                    }
                }
            }
            prop_assert_eq!(&footer, &disclaimer, "page {} lacks the full disclaimer", index + 1);
            prop_assert!(body_top > header_bottom, "page {}: the body runs into the header", index + 1);
            prop_assert!(body_bottom < footer_top, "page {}: the body runs into the footer", index + 1);
        }
        prop_assert_eq!(body, expected_letters(&handout), "text lost, repeated or out of order");
    }

    #[test]
    fn the_same_handout_renders_to_the_same_bytes(source in handout_toml()) {
        let path = Path::new("generated.toml");
        let handout = model::parse(path, &source).expect("valid");
        let options = Options::default();
        let a = pipeline::build(&handout, path, &options).expect("builds").pdf;
        let b = pipeline::build(&handout, path, &options).expect("builds").pdf;
        prop_assert!(a == b);
        // And independent readers (qpdf, poppler, MuPDF) accept every sample, fonts embedded
        // and subset.
        let dir = common::scratch("property-sample");
        let file = dir.join("sample.pdf");
        std::fs::write(&file, &a).unwrap();
        let qpdf = std::process::Command::new("qpdf").arg("--check").arg(&file).output()
            .expect("qpdf must be installed");
        let report = String::from_utf8_lossy(&qpdf.stdout);
        prop_assert!(qpdf.status.success() && !report.to_lowercase().contains("warning"), "{}", report);
        let fonts = std::process::Command::new("pdffonts").arg(&file).output()
            .expect("pdffonts must be installed");
        // A file pdffonts cannot read lists no fonts, which the loop below would pass.
        prop_assert!(fonts.status.success(), "pdffonts failed: {}", String::from_utf8_lossy(&fonts.stderr));
        let listing = String::from_utf8_lossy(&fonts.stdout);
        prop_assert!(listing.lines().count() > 2, "pdffonts lists no font: {}", listing);
        for row in listing.lines().skip(2) {
            let cols: Vec<&str> = row.split_whitespace().collect();
            prop_assert_eq!(&cols[cols.len() - 5..cols.len() - 2], &["yes", "yes", "yes"], "{}", row);
        }
        let complaints = common::mupdf_complaints(&file);
        prop_assert!(complaints.is_empty(), "MuPDF: {:?}", complaints);
    }
}

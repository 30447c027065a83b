//! Page economy: no page but the last is left more than 15 % empty at its foot. Measured
//! from the laid-out boxes, for the bundled handouts in standard and large print on
//! Letter and A4 (nothing excused) and for generated handouts (excused only where the
//! hard keep rules leave no choice; see the README). `cargo test --test page_economy --
//! --ignored --nocapture` counts, over 2,000 generated handouts, the pages left more
//! than 15 % empty and what forced them. `cargo test --test page_economy --
//! --nocapture` prints the figures the README quotes.

mod common;

use std::path::Path;

use handout::layout::{Document, Item, Role};
use handout::model;
use handout::pipeline::{self, Options};
use handout::select::Selection;
use handout::vocabulary::Paper;
use proptest::prelude::*;

/// The most of a page's body that may stay empty at its foot.
pub const MAX_EMPTY_SHARE: f32 = 0.15;

/// The lowest point any body box reaches on a page, in layout coordinates.
fn lowest_body_point(doc: &Document, page: usize) -> f32 {
    let inside = |y: f32| y >= doc.body_top - 1.0 && y <= doc.body_bottom + 1.0;
    doc.pages[page]
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text(t) if !matches!(t.role, Role::Header | Role::Footer | Role::PageNumber) => {
                // The baseline plus the deepest descender of the body faces.
                Some(t.y + 0.25 * t.size)
            }
            Item::Text(_) => None,
            Item::Rect(r) => Some(r.y + r.h),
            Item::Rule(l) => Some(l.y1.max(l.y2)),
            Item::Image(i) => Some(i.y + i.h),
            Item::Link(_) => None,
            Item::Mark(m) => Some(m.y + m.size),
        })
        .filter(|&y| inside(y))
        .fold(doc.body_top, f32::max)
}

/// Whether the page's body opens with a callout, a box that never splits (warning
/// signs, a note), or with the heading it keeps with: the only thing the measure
/// excuses.
fn opens_with_callout(doc: &Document, page: usize) -> bool {
    let items = &doc.pages[page].items;
    let Some(callout_top) = items
        .iter()
        .filter_map(|item| match item {
            Item::Rect(r) if r.stroke.is_some() => Some(r.y),
            _ => None,
        })
        .min_by(f32::total_cmp)
    else {
        return false;
    };
    // Nothing but headings above it.
    let content_top = items
        .iter()
        .filter_map(|item| match item {
            Item::Text(t)
                if !matches!(
                    t.role,
                    Role::Header
                        | Role::Footer
                        | Role::PageNumber
                        | Role::Heading
                        | Role::Subheading
                ) =>
            {
                Some(t.y - t.size)
            }
            _ => None,
        })
        .fold(f32::MAX, f32::min);
    callout_top <= doc.body_top + 1.0 || callout_top <= content_top
}

/// For each page but the last: the share of the body left empty at its foot, whether it
/// is excused (the next page opens with a unit the rules keep whole, taller than the room
/// left), and whether the stricter measure excuses it (that unit is a box or
/// starts with a heading).
pub fn foot_gaps(doc: &Document) -> Vec<(f32, bool, bool)> {
    let body = doc.body_bottom - doc.body_top;
    (0..doc.pages.len().saturating_sub(1))
        .map(|page| {
            let empty = doc.body_bottom - lowest_body_point(doc, page);
            // The room left as the page breaker saw it: below the last line's box, a
            // little less than below its ink.
            let room = doc.body_bottom - doc.pages[page].body_end;
            assert!(
                room <= empty + 0.01,
                "page {}: the boxes end below the ink",
                page + 1
            );
            let excused = doc.pages[page + 1]
                .opens_unbreakably
                .is_some_and(|height| height > room);
            let strictly = excused && opens_with_callout(doc, page + 1);
            (empty / body, excused, strictly)
        })
        .collect()
}

/// The largest gap not excused, by the units measure and by the strict one, each with
/// its page (1-based), and the largest of all.
fn worst(doc: &Document) -> ((f32, usize), (f32, usize), f32) {
    let gaps = foot_gaps(doc);
    let largest = |excused: &dyn Fn(&(f32, bool, bool)) -> bool| {
        gaps.iter()
            .enumerate()
            .filter(|(_, g)| !excused(g))
            .map(|(i, g)| (g.0, i + 1))
            .fold(
                (0.0, 0),
                |best, next| if next.0 > best.0 { next } else { best },
            )
    };
    let any = gaps.iter().map(|g| g.0).fold(0.0, f32::max);
    (largest(&|g| g.1), largest(&|g| g.2), any)
}

#[test]
fn no_page_of_the_bundled_handouts_is_left_more_than_15_percent_empty() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for file in [common::BUNDLED, common::SPANISH] {
        let handout = common::load(file);
        for (paper, paper_name) in [(Paper::Letter, "Letter"), (Paper::A4, "A4")] {
            for large_print in [false, true] {
                let options = Options {
                    paper: Some(paper),
                    large_print,
                    ..Options::default()
                };
                let labels = options.labels(&handout).unwrap();
                let doc = pipeline::lay_out(&handout, Path::new(file), &options, &labels)
                    .expect("lays out");
                let ((share, page), (strict, strict_page), any) = worst(&doc);
                let name = format!(
                    "{file} {paper_name}{}",
                    if large_print { " large print" } else { "" }
                );
                report.push(format!(
                    "{name}: {} pages; largest empty foot {:.1} % on any page, {:.1} % (page \
                     {strict_page}) with only callouts excused, {:.1} % (page {page}) \
                     with every kept unit excused",
                    doc.pages.len(),
                    any * 100.0,
                    strict * 100.0,
                    share * 100.0,
                ));
                if share > MAX_EMPTY_SHARE {
                    failures.push(format!(
                        "{name}: page {page} is {:.1} % empty",
                        share * 100.0
                    ));
                }
                if strict > MAX_EMPTY_SHARE {
                    failures.push(format!(
                        "{name}: page {strict_page} is {:.1} % empty with only callouts \
                         excused",
                        strict * 100.0
                    ));
                }
                // Looking ahead, even the pages before the warning-sign boxes are full.
                if any > MAX_EMPTY_SHARE {
                    failures.push(format!(
                        "{name}: a page is {:.1} % empty, before a box or not",
                        any * 100.0
                    ));
                }
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A sentence of plain words, `1..max` of them.
fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z]{1,11}", 1..max).prop_map(|w| w.join(" "))
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn quoted_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", items.join(", "))
}

/// One block of any kind that paginates by its own rules: tables, entries, lists, FAQs,
/// terms, paragraphs, groups, notes and warning signs, as TOML.
fn any_block() -> impl Strategy<Value = String> {
    prop_oneof![
        words(90).prop_map(|t| format!("type = \"paragraph\"\ntext = {}\n", quoted(&t))),
        prop::collection::vec(words(20), 1..14)
            .prop_map(|items| format!("type = \"bullets\"\nitems = {}\n", quoted_list(&items))),
        (prop::collection::vec(words(14), 1..16), prop::collection::vec(words(14), 1..16))
            .prop_map(|(dos, avoid)| format!(
                "type = \"do-avoid\"\ndo = {}\navoid = {}\n",
                quoted_list(&dos),
                quoted_list(&avoid)
            )),
        prop::collection::vec((words(4), words(6), words(30), words(12), words(20)), 1..5)
            .prop_map(|items| {
                let mut block = "type = \"medicines\"\n".to_string();
                for (name, class, dose, timing, effects) in items {
                    block.push_str(&format!(
                        "[[sections.blocks.items]]\nname = {}\nclass = {}\ndose = {}\ntiming = {}\nside_effects = {}\n",
                        quoted(&name), quoted(&class), quoted(&dose), quoted(&timing), quoted(&effects)
                    ));
                }
                block
            }),
        prop::collection::vec((words(12), words(50)), 1..5).prop_map(|items| {
            let mut block = "type = \"faq\"\n".to_string();
            for (q, a) in items {
                block.push_str(&format!(
                    "[[sections.blocks.items]]\nquestion = {}\nanswer = {}\n",
                    quoted(&q),
                    quoted(&a)
                ));
            }
            block
        }),
        words(40).prop_map(|t| format!("type = \"note\"\ntitle = \"Good to know\"\ntext = {}\n", quoted(&t))),
        prop::collection::vec((any::<bool>(), words(14)), 1..7).prop_map(|signs| {
            let mut block = "type = \"warning-signs\"\n".to_string();
            for (emergency, text) in signs {
                block.push_str(&format!(
                    "[[sections.blocks.signs]]\nurgency = \"{}\"\ntext = {}\n",
                    if emergency { "emergency" } else { "soon" },
                    quoted(&text)
                ));
            }
            block
        }),
    ]
}

fn any_handout() -> impl Strategy<Value = String> {
    prop::collection::vec((words(5), prop::collection::vec(any_block(), 1..4)), 1..7).prop_map(
        |sections| {
            let mut text =
                "disclaimer = \"General information only.\"\n\n[meta]\nid = \"economy\"\n\
                title = \"Page economy\"\nlanguage = \"en-US\"\nreviewed_by = \"Tests\"\n\
                last_updated = 2025-05-20\n"
                    .to_string();
            for (i, (title, blocks)) in sections.iter().enumerate() {
                text.push_str(&format!(
                    "\n[[sections]]\nid = \"s{i}\"\ntitle = {}\n",
                    quoted(title)
                ));
                for block in blocks {
                    text.push_str(&format!("\n[[sections.blocks]]\n{block}"));
                }
            }
            text
        },
    )
}

/// A generated handout, whole, laid out on Letter or A4, in standard or large print.
fn lay_out_generated(source: &str, a4: bool, large_print: bool) -> (model::Handout, Document) {
    let path = Path::new("economy.toml");
    let handout = model::parse(path, source).expect("generated handouts are valid");
    let options = Options {
        selection: Some(Selection::Preset("full".into())),
        paper: Some(if a4 { Paper::A4 } else { Paper::Letter }),
        large_print,
        ..Options::default()
    };
    let labels = options.labels(&handout).unwrap();
    let doc = pipeline::lay_out(&handout, path, &options, &labels).expect("lays out");
    (handout, doc)
}

/// How often each letter occurs in `text`.
fn letter_counts(text: &str) -> std::collections::BTreeMap<char, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        *counts.entry(c).or_insert(0) += 1;
    }
    counts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn generated_handouts_leave_no_page_more_than_15_percent_empty(
        source in any_handout(),
        a4 in any::<bool>(),
        large_print in any::<bool>(),
    ) {
        let (handout, doc) = lay_out_generated(&source, a4, large_print);
        // A page more than 15 % empty is one the hard keep rules force: the next page
        // opens with a callout, or with a unit they hold together (a heading with two
        // lines, a table's header and first row, a medicine's name with its dose's
        // opening lines) taller than the room left. The soft rules (orphans and widows,
        // short entries, tall table rows) give way before such a gap is left.
        for (page, (share, excused, _)) in foot_gaps(&doc).into_iter().enumerate() {
            prop_assert!(
                excused || share <= MAX_EMPTY_SHARE,
                "page {} of {} is {:.1} % empty", page + 1, doc.pages.len(), share * 100.0
            );
        }
        // Nothing lost, and what is drawn twice (a repeated table header) is furniture.
        let mut drawn = String::new();
        for page in &doc.pages {
            for item in &page.items {
                if let Item::Text(t) = item {
                    if t.role == Role::RepeatedHeader {
                        prop_assert!(t.node.is_none());
                    } else if t.node.is_some() {
                        drawn.push_str(&t.text);
                    }
                }
            }
        }
        let mut written = String::new();
        for section in &handout.sections {
            section.texts(|_, text| written.push_str(text));
        }
        let drawn = letter_counts(&drawn);
        for (letter, count) in letter_counts(&written) {
            let on_pages = drawn.get(&letter).copied().unwrap_or(0);
            prop_assert!(on_pages >= count, "{:?}: {} written, {} drawn", letter, count, on_pages);
        }
    }
}

/// The figures the README quotes: over 2,000 generated handouts in each print, the pages
/// but the last left more than 15 % empty, and how many of them open onto a callout.
#[test]
#[ignore = "prints figures for the README; takes a minute"]
fn count_the_gappy_pages_of_generated_handouts() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    for large_print in [false, true] {
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
        );
        let (mut handouts, mut gappy_handouts, mut gappy, mut before_callout, mut unforced) =
            (0, 0, 0, 0, 0);
        for _ in 0..2000 {
            let source = any_handout()
                .new_tree(&mut runner)
                .expect("a handout")
                .current();
            let (_, doc) = lay_out_generated(&source, handouts % 2 == 1, large_print);
            handouts += 1;
            let gaps: Vec<_> = foot_gaps(&doc)
                .into_iter()
                .filter(|g| g.0 > MAX_EMPTY_SHARE)
                .collect();
            gappy_handouts += usize::from(!gaps.is_empty());
            gappy += gaps.len();
            before_callout += gaps.iter().filter(|g| g.2).count();
            unforced += gaps.iter().filter(|g| !g.1).count();
        }
        println!(
            "{}: {handouts} handouts, {gappy_handouts} with a page over 15 % empty; {gappy} \
             such pages, {before_callout} before a callout, {} before a unit the hard rules \
             keep, {unforced} unforced",
            if large_print {
                "large print"
            } else {
                "standard print"
            },
            gappy - before_callout - unforced,
        );
        assert_eq!(unforced, 0);
    }
}

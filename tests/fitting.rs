//! Page targets: a brief is one sheet in every bundled language, on Letter and A4, with
//! and without a patient's details; fitting tightens space and then type, never below
//! its floor, never losing a word; a target it cannot meet is said, and refused with
//! `--strict`.

mod common;

use std::path::Path;

use handout::layout::{Document, Item};
use handout::model::{self, Handout};
use handout::personal::Personal;
use handout::pipeline::{self, Options};
use handout::select::Selection;
use handout::vocabulary::Paper;

/// Every handout file in `handouts/`: the English one and its 14 translations.
fn bundled_languages() -> Vec<(String, Handout)> {
    let mut files: Vec<_> = std::fs::read_dir(common::root().join("handouts"))
        .expect("handouts/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let (handout, _) = model::load(&path).expect("bundled handout loads");
            (path.display().to_string(), handout)
        })
        .collect()
}

/// A patient's name, the visit date, the clinician, a follow-up and two notes: what a
/// clinician types at the desk.
fn details() -> Personal {
    Personal {
        patient: Some("Jane Doe".into()),
        date: Some("2026-11-25".parse().expect("a date")),
        clinician: Some("Dr. Maria Lee".into()),
        follow_up: Some("In 2 weeks".into()),
        notes: vec![
            "Walk 20 minutes every day.".into(),
            "Use heat before your exercises.".into(),
        ],
        notes_area: false,
    }
}

/// The brief for `person`, with a clinic's profile.
fn brief_with<'a>(person: &'a Personal, profile: &'a handout::profile::Profile) -> Options<'a> {
    Options {
        selection: Some(Selection::Preset("brief".into())),
        personal: Some(person),
        profile: Some(profile),
        ..Options::default()
    }
}

/// The smallest body text on the pages: the handout's own words, not the furniture.
fn smallest_body_text(doc: &Document) -> f32 {
    doc.pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|item| match item {
            Item::Text(t) if t.role == handout::layout::Role::Body => Some(t.size),
            _ => None,
        })
        .fold(f32::MAX, f32::min)
}

/// Every letter of every selected section's words, counted, is drawn at least as often.
fn assert_every_word_drawn(handout: &Handout, sections: &[String], doc: &Document, name: &str) {
    let mut written = std::collections::BTreeMap::new();
    for section in handout
        .sections
        .iter()
        .filter(|s| sections.iter().any(|id| id == s.id()))
    {
        section.texts(|_, text| {
            for c in text.chars().filter(|c| c.is_alphanumeric()) {
                *written.entry(c).or_insert(0usize) += 1;
            }
        });
    }
    let mut drawn = std::collections::BTreeMap::new();
    for item in doc.pages.iter().flat_map(|p| &p.items) {
        if let Item::Text(t) = item {
            if t.node.is_some() {
                for c in t.text.chars().filter(|c| c.is_alphanumeric()) {
                    *drawn.entry(c).or_insert(0usize) += 1;
                }
            }
        }
    }
    for (c, count) in written {
        let on_pages = drawn.get(&c).copied().unwrap_or(0);
        assert!(
            on_pages >= count,
            "{name}: {c:?} is written {count} times and drawn {on_pages}"
        );
    }
}

#[test]
fn every_bundled_brief_is_one_page_in_every_language_with_and_without_a_patient() {
    let person = details();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (file, handout) in bundled_languages() {
        let brief = &handout.presets["brief"];
        assert_eq!(brief.pages, Some(1), "{file}: the brief declares pages = 1");
        for paper in [Paper::Letter, Paper::A4] {
            for personal in [None, Some(&person)] {
                let options = Options {
                    selection: Some(Selection::Preset("brief".into())),
                    paper: Some(paper),
                    personal,
                    ..Options::default()
                };
                let built = pipeline::build(&handout, Path::new(&file), &options)
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
                let name = format!(
                    "{file} {paper:?}{}",
                    if personal.is_some() {
                        " for Jane Doe"
                    } else {
                        ""
                    }
                );
                let fit = built.fit();
                report.push(format!(
                    "{name}: {} page(s), body {} pt",
                    fit.pages, fit.body_pt
                ));
                if fit.pages != 1 || fit.target != Some(1) {
                    failures.push(format!("{name}: {fit:?}"));
                }
                let smallest = smallest_body_text(&built.layout);
                if smallest < 11.0 || fit.body_pt < 11.0 {
                    failures.push(format!("{name}: body text at {smallest} pt"));
                }
                assert!(built
                    .missed_target(Path::new(&file), &Selection::Preset("brief".into()))
                    .is_none());
                assert_every_word_drawn(&handout, &brief.sections, &built.layout, &name);
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn poppler_counts_one_page_for_a_fitted_brief() {
    // An independent reader's count, for the briefs that need the most fitting.
    let dir = common::scratch("fitting-poppler");
    let person = details();
    for file in [
        "handouts/l3-l4-foraminal-narrowing.fr.toml",
        "handouts/l3-l4-foraminal-narrowing.vi.toml",
        "handouts/l3-l4-foraminal-narrowing.ru.toml",
    ] {
        let options = Options {
            selection: Some(Selection::Preset("brief".into())),
            personal: Some(&person),
            ..Options::default()
        };
        let built = common::build_with(file, &options);
        assert!(built.fit().body_pt < 12.0, "{file} needed its type reduced");
        let out = dir.join("brief.pdf");
        std::fs::write(&out, &built.pdf).expect("write");
        assert_eq!(common::page_count(&out), 1, "{file}");
        // Every word reached the page as text a reader extracts.
        let text = common::page_texts(&built.pdf, "fitting-poppler").join(" ");
        assert!(text.contains("Jane Doe") && text.contains("Use heat before your exercises."));
    }
}

#[test]
fn a_brief_that_fits_as_it_is_is_not_touched() {
    let options = Options {
        selection: Some(Selection::Preset("brief".into())),
        ..Options::default()
    };
    let fitted = common::build_with(common::BUNDLED, &options);
    let untargeted = common::build_with(
        common::BUNDLED,
        &Options {
            selection: Some(Selection::Sections(fitted_sections(&common::load(
                common::BUNDLED,
            )))),
            ..Options::default()
        },
    );
    assert_eq!(fitted.fit().body_pt, 12.0);
    assert_eq!(fitted.layout.pages, untargeted.layout.pages);
}

fn fitted_sections(handout: &Handout) -> Vec<String> {
    handout.presets["brief"].sections.clone()
}

#[test]
fn large_print_never_goes_below_18_pt_and_says_what_did_not_fit() {
    let options = Options {
        selection: Some(Selection::Preset("brief".into())),
        large_print: true,
        ..Options::default()
    };
    let built = common::build_with(common::SPANISH, &options);
    let fit = built.fit();
    assert_eq!(fit.body_pt, 18.0);
    assert!(smallest_body_text(&built.layout) >= 18.0);
    assert!(fit.pages > 1, "a large-print brief does not fit one page");
    let missed = built
        .missed_target(
            Path::new(common::SPANISH),
            &Selection::Preset("brief".into()),
        )
        .expect("a missed target is said");
    assert!(
        missed.contains("should fit on 1 page")
            && missed.contains("even with body text at 18 pt")
            && missed.contains("line")
            && missed.contains("--sections"),
        "{missed}"
    );
    // As few pages as the rules allow: tightening space may only have helped.
    let loose = pipeline::build(
        &common::load(common::SPANISH),
        Path::new(common::SPANISH),
        &Options {
            selection: Some(Selection::Sections(fitted_sections(&common::load(
                common::SPANISH,
            )))),
            large_print: true,
            ..Options::default()
        },
    )
    .expect("builds");
    assert!(fit.pages <= loose.layout.pages.len());
}

#[test]
fn a_profile_can_raise_the_floor() {
    // French with the patient's details needs its type below 12 pt to fit on Letter; a
    // clinic that sets its floor at 12 pt gets two pages and the warning instead.
    let dir = common::scratch("fitting-floor");
    let profile = dir.join("floor.toml");
    std::fs::write(&profile, "min_font_size = 12\n").expect("write profile");
    let profile = handout::profile::load(&profile).expect("profile loads");
    let person = details();
    let file = "handouts/l3-l4-foraminal-narrowing.fr.toml";
    let built = common::build_with(file, &brief_with(&person, &profile));
    assert_eq!(built.fit().body_pt, 12.0);
    assert!(smallest_body_text(&built.layout) >= 12.0);
    assert_eq!(built.fit().pages, 2);
    assert!(built
        .missed_target(Path::new(file), &Selection::Preset("brief".into()))
        .is_some());

    std::fs::write(dir.join("low.toml"), "min_font_size = 10\n").expect("write");
    let refused = handout::profile::load(&dir.join("low.toml")).expect_err("10 pt is refused");
    assert!(
        refused.to_string().contains("min_font_size 10"),
        "{refused}"
    );
}

#[test]
fn fitting_keeps_a_profiles_own_margins_and_the_half_inch() {
    // A clinic that binds its sheets sets a wide left margin: fitting narrows only the
    // margins nobody set, and never below half an inch.
    let dir = common::scratch("fitting-margins");
    std::fs::write(dir.join("bound.toml"), "[margins_mm]\nleft = 30\n").expect("write");
    let profile = handout::profile::load(&dir.join("bound.toml")).expect("profile loads");
    let person = details();
    for file in [
        "handouts/l3-l4-foraminal-narrowing.fr.toml",
        common::SPANISH,
    ] {
        let built = common::build_with(file, &brief_with(&person, &profile));
        let doc = &built.layout;
        assert!(
            (doc.body_left - 30.0 * 72.0 / 25.4).abs() < 0.01,
            "{file}: {}",
            doc.body_left
        );
        assert!(
            doc.width - doc.body_right >= 36.0 - 0.01,
            "{file}: {}",
            doc.body_right
        );
        assert!(
            doc.width - doc.body_right < 54.0,
            "{file}: the right margin was tightened"
        );
    }
}

#[test]
fn a_handout_without_a_page_target_fits_with_pages_1_on_the_command_line() {
    let dir = common::scratch("fitting-cli");
    // A handout as a newcomer writes it: the starter, with its brief's target removed.
    let out = common::run(&dir, &["new", "shoulder-pain", "--title", "Shoulder pain"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let file = dir.join("shoulder-pain.toml");
    let text = std::fs::read_to_string(&file).expect("starter written");
    let untargeted = text.replace(", pages = 1 }", " }");
    assert_ne!(
        text, untargeted,
        "the starter's brief declares a page target"
    );
    std::fs::write(&file, untargeted).expect("rewrite");
    let personal = [
        "--patient",
        "Jane Doe",
        "--clinician",
        "Dr. Maria Lee",
        "--date",
        "2026-11-25",
        "--follow-up",
        "In 2 weeks",
        "--note",
        "Walk 20 minutes every day, even on days with some pain.",
        "--note",
        "Use a heat pack for 15 minutes before your stretching exercises.",
    ];
    let mut args = vec![
        "build",
        "shoulder-pain.toml",
        "--preset",
        "brief",
        "--paper",
        "a4",
        "-o",
        "brief.pdf",
        "--json",
    ];
    args.extend(personal);
    let mut fitted = args.clone();
    fitted.extend(["--pages", "1"]);
    let out = common::run(&dir, &fitted);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["pages"], 1, "{report}");
    assert_eq!(report["fit"]["target"], 1, "{report}");
    assert_eq!(report["fit"]["pages"], 1, "{report}");
    assert!(
        report["fit"]["body_pt"]
            .as_f64()
            .is_some_and(|pt| pt >= 11.0),
        "{report}"
    );
    assert_eq!(common::page_count(&dir.join("brief.pdf")), 1);

    // Without a target there is nothing to meet, and nothing said about one.
    let out = common::run(&dir, &args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["fit"]["target"], serde_json::Value::Null, "{report}");
    assert_eq!(report["fit"]["body_pt"], 12.0, "{report}");
}

#[test]
fn strict_refuses_a_missed_target_and_writes_nothing() {
    let dir = common::scratch("fitting-strict");
    let file = common::root().join(common::SPANISH).display().to_string();
    let args = [
        "build",
        &file,
        "--preset",
        "brief",
        "--large-print",
        "-o",
        "brief.pdf",
    ];
    let out = common::run(&dir, &args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let warned = common::stderr(&out);
    assert!(
        warned.contains("warning:") && warned.contains("should fit on 1 page"),
        "{warned}"
    );
    std::fs::remove_file(dir.join("brief.pdf")).expect("written without --strict");

    let mut strict = args.to_vec();
    strict.push("--strict");
    let out = common::run(&dir, &strict);
    assert_eq!(out.status.code(), Some(1));
    let said = common::stderr(&out);
    assert!(
        said.contains("error:") && said.contains("--strict refuses"),
        "{said}"
    );
    assert!(!dir.join("brief.pdf").exists(), "nothing written");

    for bad in ["0", "21", "one"] {
        let out = common::run(&dir, &["build", &file, "--pages", bad]);
        assert_eq!(out.status.code(), Some(2), "--pages {bad}");
    }
}

#[test]
fn a_preset_names_its_page_target_as_a_table() {
    let base = std::fs::read_to_string(common::root().join(common::BUNDLED)).expect("read");
    let table =
        "brief = { sections = [\"do-and-avoid\", \"prevention\", \"warning-signs\"], pages = 1 }";
    assert!(base.contains(table));
    let path = Path::new("presets.toml");

    let listed = base.replace(
        table,
        "brief = [\"do-and-avoid\", \"prevention\", \"warning-signs\"]",
    );
    let handout = model::parse(path, &listed).expect("the list form still reads");
    assert_eq!(handout.presets["brief"].pages, None);
    assert_eq!(handout.presets["brief"].sections.len(), 3);

    let unknown = base.replace(", pages = 1 }", ", pagez = 1 }");
    let err = model::parse(path, &unknown)
        .expect_err("unknown key")
        .to_string();
    assert!(
        err.contains("pagez") && err.contains("presets.toml:"),
        "{err}"
    );

    let zero = base.replace(", pages = 1 }", ", pages = 0 }");
    let err = model::parse(path, &zero)
        .expect_err("pages = 0")
        .to_string();
    assert!(err.contains("presets.brief.pages is 0"), "{err}");
}

//! Clinic overlays (docs/handout-format.md, "Clinic overlays"): the doc's example builds as
//! written over the bundled handout, with its changes and every other word of the base; an
//! overlay works by its id in `build`, `check`, `list`, `batch` and `--language`; a base
//! updated after the overlay's review is warned about (refused with `--strict`); a change
//! that no longer fits the base, and every other mistake, is an error at its line and
//! column with nothing written.

mod common;

use std::path::Path;

const OVERLAY: &str = "riverside-l3-l4.toml";

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = common::run(dir, args);
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    common::stderr(&out)
}

fn text_of(dir: &Path, file: &str) -> String {
    common::page_texts(&std::fs::read(dir.join(file)).unwrap(), file).join(" ")
}

#[test]
fn the_docs_overlay_builds_with_its_changes_and_every_other_word_of_the_base() {
    let example = common::overlay_example();
    let dir = common::library_with("overlay-doc", &[(OVERLAY, &example)]);
    let said = run_ok(
        &dir,
        &[
            "build",
            "riverside-l3-l4",
            "--handouts",
            ".",
            "--preset",
            "brief",
        ],
    );
    assert!(!said.contains("warning"), "{said}");
    assert_eq!(
        common::page_count(&dir.join("riverside-l3-l4-brief.pdf")),
        1
    );
    let brief = text_of(&dir, "riverside-l3-l4-brief.pdf");
    let at = |words: &str| {
        brief
            .find(words)
            .unwrap_or_else(|| panic!("{words:?} not in {brief}"))
    };
    // The overlay's preset, in its order, with its new section.
    assert!(at("What to do and what to avoid") < at("Who to call at Riverside"));
    assert!(at("Nurse line, 8 am to 6 pm: 555-0100.") < at("When to get help"));
    assert!(brief.contains("Riverside Spine Center nursing team"));

    run_ok(
        &dir,
        &[
            "build",
            "riverside-l3-l4",
            "--handouts",
            ".",
            "-o",
            "overlay.pdf",
        ],
    );
    run_ok(
        &dir,
        &["build", "l3-l4-foraminal-narrowing.toml", "-o", "base.pdf"],
    );
    let (overlay, base) = (text_of(&dir, "overlay.pdf"), text_of(&dir, "base.pdf"));
    assert!(overlay.contains("Quit smoking: ask us about our free program."));
    assert!(!overlay.contains("Quit smoking to improve blood flow to your spine."));
    assert!(base.contains("Quit smoking to improve blood flow to your spine."));
    // Every other text of the base is printed, the removed section's excepted.
    let (base_handout, _) =
        handout::model::load(&dir.join("l3-l4-foraminal-narrowing.toml")).unwrap();
    let mut missing = Vec::new();
    for section in &base_handout.sections {
        let removed = section.id() == "supplements";
        section.texts(|_, text| {
            let text = common::normalize(text);
            if removed {
                // Gone, where it was the only place the base printed it.
                if base.matches(&text).count() == 1 && overlay.contains(&text) {
                    missing.push(format!("removed, yet printed: {text}"));
                }
                return;
            }
            let shown = overlay.contains(&text)
                || text.contains("Quit smoking to improve blood flow")
                // A long text may be hyphenated across lines: its first words suffice.
                || overlay.contains(&text.split(' ').take(4).collect::<Vec<_>>().join(" "));
            if !shown {
                missing.push(format!("{}: {text}", section.id()));
            }
        });
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn an_overlay_works_by_its_id_in_check_list_batch_and_language() {
    let english = common::overlay_example();
    // The clinic's Spanish version: the same id, over the Spanish base.
    let spanish = english
        .replacen("[meta]", "[meta]\nlanguage = \"es\"", 1)
        .replace(
            "Quit smoking to improve blood flow to your spine.",
            "Deje de fumar para que llegue más sangre a su columna.",
        )
        .replace(
            "Quit smoking: ask us about our free program.",
            "Deje de fumar: pregúntenos por nuestro programa gratuito.",
        )
        .replace("Who to call at Riverside", "A quién llamar en Riverside");
    let dir = common::library_with(
        "overlay-everywhere",
        &[(OVERLAY, &english), ("riverside-l3-l4.es.toml", &spanish)],
    );
    let said = run_ok(&dir, &["check", "."]);
    assert!(said.is_empty() || !said.contains("warning"), "{said}");
    let out = common::run(&dir, &["list", ".", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let overlays: Vec<&serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == "riverside-l3-l4")
        .collect();
    assert_eq!(overlays.len(), 2, "{listed}");
    for entry in overlays {
        assert_eq!(entry["overlay"]["base"], "l3-l4-foraminal-narrowing");
        assert!(entry["overlay"]["warning"].is_null());
        assert!(!entry["sections"].to_string().contains("\"supplements\""));
    }

    run_ok(
        &dir,
        &[
            "build",
            "riverside-l3-l4",
            "--handouts",
            ".",
            "--language",
            "es-MX",
            "--preset",
            "brief",
        ],
    );
    let brief = text_of(&dir, "riverside-l3-l4-es-brief.pdf");
    assert!(
        brief.contains("A quién llamar en Riverside") && brief.contains("Página 1 de 1"),
        "{brief}"
    );

    std::fs::write(
        dir.join("list.csv"),
        "patient,handout,preset,language\nAna Ruiz,riverside-l3-l4,brief,es\nJo Lee,riverside-l3-l4,brief,\n",
    )
    .unwrap();
    run_ok(
        &dir,
        &[
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            ".",
            "--out-dir",
            "out",
            "--quiet",
        ],
    );
    let mut made: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    made.sort();
    assert_eq!(
        made,
        [
            "riverside-l3-l4-brief-row-2.pdf",
            "riverside-l3-l4-es-brief-row-1.pdf"
        ]
    );
    let ana = text_of(&dir.join("out"), "riverside-l3-l4-es-brief-row-1.pdf");
    assert!(
        ana.contains("A quién llamar en Riverside") && ana.contains("Ana Ruiz"),
        "{ana}"
    );
}

#[test]
fn a_base_updated_after_the_review_is_warned_about_and_refused_when_strict() {
    let stale = common::overlay_example().replace("reviewed = 2026-11-30", "reviewed = 2025-01-31");
    assert!(stale.contains("reviewed = 2025-01-31"));
    let dir = common::library_with("overlay-moved", &[(OVERLAY, &stale)]);
    let warning =
        "the base was updated on 2025-05-20 after this overlay was reviewed on 2025-01-31";
    let said = run_ok(
        &dir,
        &["build", "riverside-l3-l4", "--handouts", ".", "-o", "a.pdf"],
    );
    assert!(
        said.contains(&format!("warning: ./{OVERLAY}: {warning}")),
        "{said}"
    );
    let said = run_ok(&dir, &["check", OVERLAY]);
    assert!(said.contains(warning), "{said}");

    let out = common::run(
        &dir,
        &[
            "build",
            "riverside-l3-l4",
            "--handouts",
            ".",
            "--strict",
            "-o",
            "b.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("--strict refuses it"));
    assert!(!dir.join("b.pdf").exists());
    let out = common::run(&dir, &["check", "--strict", OVERLAY]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let listed = common::run(&dir, &["list", OVERLAY]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(warning));
}

/// An overlay with one mistake: `check` and `build` exit 1 with the error at `at` and the
/// caret under `under`, and write nothing.
fn refused(name: &str, files: &[(&str, &str)], at: &str, under: &str, words: &[&str]) {
    let dir = common::library_with(name, files);
    for args in [
        vec!["check", OVERLAY],
        vec!["build", OVERLAY, "-o", "out.pdf"],
    ] {
        let out = common::run(&dir, &args);
        let said = common::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {args:?}: {said}");
        assert!(
            said.contains(&format!("{at}: ")),
            "{name}: no {at} in {said}"
        );
        let lines: Vec<&str> = said.lines().collect();
        let i = lines.iter().position(|l| l.contains(at)).unwrap();
        let caret = lines[i + 3].find('^').unwrap();
        assert!(
            lines[i + 2][caret..].starts_with(under),
            "{name}: caret not under {under:?}:\n{said}"
        );
        for word in words {
            assert!(said.contains(word), "{name}: lacks {word:?}: {said}");
        }
        assert!(!dir.join("out.pdf").exists(), "{name}: wrote a PDF");
    }
}

#[test]
fn a_change_that_no_longer_fits_the_base_is_an_error_at_its_line() {
    let example = common::overlay_example();
    let line_of = |text: &str, what: &str| {
        let at = text.find(what).unwrap_or_else(|| panic!("{what}"));
        let line = text[..at].matches('\n').count() + 1;
        let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
        format!("{OVERLAY}:{line}:{column}")
    };
    let cases: Vec<(&str, String, &str, Vec<&str>)> = vec![
        (
            "overlay-gone-text",
            example.replace("text = \"Quit smoking to improve", "text = \"Quit smoking, to improve"),
            "\"Quit smoking, to improve",
            vec!["section \"prevention\" of the base \"l3-l4-foraminal-narrowing\" no longer has this text"],
        ),
        (
            "overlay-gone-section",
            example.replace("section = \"supplements\"", "section = \"herbs\""),
            "\"herbs\"",
            vec!["has no section \"herbs\" to remove", "supplements"],
        ),
        (
            "overlay-gone-anchor",
            example.replace("after = \"warning-signs\"", "after = \"red-flags\""),
            "\"red-flags\"",
            vec!["no section \"red-flags\" to place this after"],
        ),
        (
            "overlay-gone-into",
            example.replace("after = \"warning-signs\"\nid = \"riverside-contacts\"\ntitle = \"Who to call at Riverside\"", "into = \"red-flags\"")
                .replace("\"riverside-contacts\", ", ""),
            "\"red-flags\"",
            vec!["has no section \"red-flags\""],
        ),
        (
            "overlay-taken-id",
            example.replace("id = \"riverside-contacts\"", "id = \"faq\"").replace("\"riverside-contacts\", ", ""),
            "\"faq\"",
            vec!["section id \"faq\" is taken"],
        ),
        (
            "overlay-unknown-base",
            example.replace("handout = \"l3-l4-foraminal-narrowing\"", "handout = \"l4-l5-narrowing\""),
            "\"l4-l5-narrowing\"",
            vec!["no handout with id \"l4-l5-narrowing\"", "known ids: l3-l4-foraminal-narrowing"],
        ),
        (
            "overlay-unknown-key",
            example.replace("[[remove]]\nsection", "[[remove]]\nsectoin"),
            "sectoin",
            vec!["unknown field `sectoin`"],
        ),
        (
            "overlay-preset-section",
            example.replace("\"riverside-contacts\", \"warning-signs\"]", "\"riverside-contacts\", \"supplements\"]"),
            "\"supplements\"]",
            vec!["presets.brief names section \"supplements\""],
        ),
    ];
    for (name, text, under, words) in cases {
        assert_ne!(text, example, "{name} changed nothing");
        let at = line_of(&text, under);
        refused(name, &[(OVERLAY, &text)], &at, under, &words);
    }
}

#[test]
fn an_overlay_that_takes_its_bases_id_is_refused_naming_both_files() {
    let same_id = common::overlay_example().replace(
        "id = \"riverside-l3-l4\"",
        "id = \"l3-l4-foraminal-narrowing\"",
    );
    let dir = common::library_with("overlay-same-id", &[(OVERLAY, &same_id)]);
    let out = common::run(&dir, &["check", "."]);
    let said = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(OVERLAY) && said.contains("l3-l4-foraminal-narrowing.toml"),
        "{said}"
    );
}

#[test]
fn overlays_that_extend_each_other_in_a_circle_are_named_not_followed() {
    let a = "[extends]\nhandout = \"clinic-b\"\nreviewed = 2026-11-30\n[meta]\nid = \"clinic-a\"\n";
    let b = "[extends]\nhandout = \"clinic-a\"\nreviewed = 2026-11-30\n[meta]\nid = \"clinic-b\"\n";
    let dir = common::library_with(
        "overlay-circle",
        &[("clinic-a.toml", a), ("clinic-b.toml", b)],
    );
    for args in [
        vec!["build", "clinic-a", "--handouts", ".", "-o", "out.pdf"],
        vec!["check", "clinic-a.toml"],
    ] {
        let out = common::run(&dir, &args);
        let said = common::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(
            said.contains("clinic overlays extend each other in a circle")
                && said.contains("clinic-a.toml")
                && said.contains("clinic-b.toml"),
            "{said}"
        );
    }
    assert!(!dir.join("out.pdf").exists());
    // The rest of the library still builds.
    run_ok(
        &dir,
        &[
            "build",
            "l3-l4-foraminal-narrowing",
            "--handouts",
            ".",
            "-o",
            "base.pdf",
        ],
    );
}

#[test]
fn an_overlay_by_path_and_of_an_overlay_resolve_in_turn() {
    let first = common::overlay_example();
    let second = "[extends]\nhandout = \"riverside-l3-l4.toml\"\nreviewed = 2026-11-30\n\n\
                  [meta]\nid = \"riverside-north\"\ntitle = \"Riverside North: nerve openings\"\n\n\
                  [[sections]]\ninto = \"riverside-contacts\"\n[[sections.blocks]]\ntype = \"paragraph\"\n\
                  text = \"At the North clinic, ask for the spine nurse.\"\n";
    let dir = common::library_with(
        "overlay-chain",
        &[(OVERLAY, &first), ("north.toml", second)],
    );
    run_ok(
        &dir,
        &[
            "build",
            "riverside-north",
            "--handouts",
            ".",
            "--preset",
            "brief",
        ],
    );
    let brief = text_of(&dir, "riverside-north-brief.pdf");
    assert!(
        brief.contains("Riverside North: nerve openings")
            && brief.contains("Nurse line, 8 am to 6 pm")
            && brief.contains("At the North clinic, ask for the spine nurse."),
        "{brief}"
    );
}

#[test]
fn the_server_lists_builds_and_suggests_an_overlay_and_says_when_it_needs_review() {
    let stale = common::overlay_example().replace("reviewed = 2026-11-30", "reviewed = 2025-01-31");
    let dir = common::library_with("overlay-serve", &[(OVERLAY, &stale)]);
    let handouts = dir.display().to_string();
    let server = common::server::Server::start(&["--handouts", &handouts]);
    let listed = server.get("/api/v1/handouts").json();
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "riverside-l3-l4")
        .unwrap_or_else(|| panic!("the overlay is listed: {listed}"));
    assert_eq!(entry["overlay"]["base"], "l3-l4-foraminal-narrowing");
    assert!(entry["overlay"]["warning"]
        .as_str()
        .is_some_and(|w| w.contains("after this overlay was reviewed on 2025-01-31")));

    let pdf = server.get("/handouts/riverside-l3-l4.pdf?preset=brief");
    assert_eq!(pdf.status, 200);
    let text = common::page_texts(&pdf.body, "overlay-served").join(" ");
    assert!(text.contains("Who to call at Riverside"), "{text}");

    let feed = server.get(
        "/infobutton?mainSearchCriteria.v.c=M48.061&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&knowledgeResponseType=application/json",
    );
    assert_eq!(feed.status, 200);
    assert!(
        feed.text().contains("handouts/riverside-l3-l4.pdf"),
        "{}",
        feed.text()
    );
}

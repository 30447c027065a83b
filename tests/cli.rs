//! The `handout` binary as a clinician or a script uses it: exit codes, messages, files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of the bundled handout with `from` replaced by `to` (first occurrence).
fn variant(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(common::bundled_arg()).unwrap();
    assert!(text.contains(from), "{from:?} not in the bundled handout");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn build_writes_the_default_name_and_two_runs_are_identical() {
    let dir = common::scratch("cli-default");
    let out = common::run(
        &dir,
        &["build", &common::bundled_arg(), "--preset", "brief"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let first = std::fs::read(dir.join("l3-l4-foraminal-narrowing-brief.pdf")).unwrap();
    assert!(first.starts_with(b"%PDF-"));
    let out = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--preset",
            "brief",
            "-o",
            "again.pdf",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        std::fs::read(dir.join("again.pdf")).unwrap() == first,
        "two processes wrote different bytes"
    );
    assert_eq!(
        files_in(&dir),
        ["again.pdf", "l3-l4-foraminal-narrowing-brief.pdf"]
    );
}

#[test]
fn source_date_epoch_sets_the_document_date() {
    let dir = common::scratch("cli-epoch");
    let run = |epoch: &str, name: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_handout"))
            .current_dir(&dir)
            .args([
                "build",
                &common::bundled_arg(),
                "--sections",
                "prevention",
                "-o",
                name,
            ])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::stderr(&out));
        std::fs::read(dir.join(name)).unwrap()
    };
    let a = run("1700000000", "a.pdf");
    let b = run("1700000000", "b.pdf");
    let c = run("1600000000", "c.pdf");
    assert!(a == b);
    assert!(a != c);
    let text = String::from_utf8_lossy(&a);
    assert!(
        text.contains("D:20231114"),
        "creation date from SOURCE_DATE_EPOCH missing"
    );
}

#[test]
fn toml_syntax_error_shows_file_line_column_and_caret() {
    let dir = common::scratch("cli-syntax");
    let bad = variant(&dir, "bad.toml", "[meta]", "[meta");
    let out = common::run(&dir, &["build", bad.to_str().unwrap(), "-o", "out.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("bad.toml:8:6:"), "{err}");
    assert!(err.contains("8 | [meta\n"), "{err}");
    assert!(err.contains("  |      ^"), "{err}");
    assert_eq!(
        files_in(&dir),
        ["bad.toml"],
        "a failed build left files behind"
    );
}

#[test]
fn unknown_field_is_named_at_its_line() {
    let dir = common::scratch("cli-unknown-field");
    let bad = variant(&dir, "bad.toml", "side_effects = ", "side_effect = ");
    let out = common::run(&dir, &["check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("unknown field `side_effect`"), "{err}");
    assert!(err.contains("expected one of `name`, `class`"), "{err}");
    let text = std::fs::read_to_string(&bad).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("side_effect ="))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("bad.toml:{line}:1:")), "{err}");
}

#[test]
fn wrong_type_and_duplicate_ids_are_reported() {
    let dir = common::scratch("cli-invalid");
    let dup = variant(&dir, "dup.toml", "id = \"types\"", "id = \"overview\"");
    let out = common::run(&dir, &["check", dup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("section id \"overview\" is used twice"),
        "{}",
        common::stderr(&out)
    );
    let wrong = variant(
        &dir,
        "wrong.toml",
        "last_updated = 2025-05-20",
        "last_updated = \"May\"",
    );
    let out = common::run(&dir, &["check", wrong.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("wrong.toml:"),
        "{}",
        common::stderr(&out)
    );

    // A wrong type deep inside a block points at the value itself, not the block's header.
    let typed = variant(
        &dir,
        "typed.toml",
        "dose = \"200–400 mg every 6–8 hours with food\"",
        "dose = 200",
    );
    let out = common::run(&dir, &["check", typed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&typed).unwrap();
    let line = text.lines().position(|l| l == "dose = 200").unwrap() + 1;
    let column = "dose = ".len() + 1;
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!(
            "typed.toml:{line}:{column}: invalid type: integer `200`, expected a string"
        )),
        "{err}"
    );
}

#[test]
fn unknown_section_lists_the_valid_ones_and_writes_nothing() {
    let dir = common::scratch("cli-unknown-section");
    std::fs::write(dir.join("out.pdf"), "previous").unwrap();
    let out = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--sections",
            "overview,nope",
            "-o",
            "out.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("no section \"nope\""), "{err}");
    assert!(
        err.contains("valid section ids: overview, types, causes"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out.pdf")).unwrap(),
        "previous"
    );
    assert_eq!(files_in(&dir), ["out.pdf"]);

    let out = common::run(&dir, &["build", &common::bundled_arg(), "--preset", "tiny"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("valid presets: full, brief"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn a_character_no_font_has_is_an_error_naming_it_and_where() {
    let dir = common::scratch("cli-glyph");
    let bad = variant(
        &dir,
        "emoji.toml",
        "Stay active with gentle walks.",
        "Stay active 😀 with walks.",
    );
    let out = common::run(
        &dir,
        &[
            "build",
            bad.to_str().unwrap(),
            "--preset",
            "brief",
            "-o",
            "out.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("U+1F600"), "{err}");
    assert!(err.contains("emoji.toml"), "{err}");
    assert!(err.contains("\"do-and-avoid\""), "{err}");
    assert!(err.contains("do item 1"), "{err}");
    assert!(!dir.join("out.pdf").exists());
}

#[test]
fn output_over_the_input_or_into_a_missing_directory_is_refused() {
    let dir = common::scratch("cli-output");
    let input = dir.join("h.toml");
    std::fs::copy(common::bundled_arg(), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let out = common::run(&dir, &["build", "h.toml", "-o", "h.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("input"),
        "{}",
        common::stderr(&out)
    );
    assert!(
        std::fs::read(&input).unwrap() == before,
        "the input was changed"
    );

    let out = common::run(&dir, &["build", "h.toml", "-o", "no/such/dir/out.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("does not exist"),
        "{}",
        common::stderr(&out)
    );

    let out = common::run(&dir, &["build", "h.toml", "-o", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("directory"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(files_in(&dir), ["h.toml"]);
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = common::scratch("cli-usage");
    assert_eq!(common::run(&dir, &["build"]).status.code(), Some(2));
    assert_eq!(common::run(&dir, &["frobnicate"]).status.code(), Some(2));
    let both = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--preset",
            "brief",
            "--sections",
            "faq",
        ],
    );
    assert_eq!(both.status.code(), Some(2));
    let help = common::run(&dir, &["build", "--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("Examples:") && text.contains("Exit codes:"),
        "{text}"
    );
}

#[test]
fn list_and_check_describe_the_bundled_handout() {
    let dir = common::root();
    let out = common::run(&dir, &["list", "handouts"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("l3-l4-foraminal-narrowing  Narrowed Nerve Openings"),
        "{text}"
    );
    assert!(text.contains("M48.061"), "{text}");
    for (id, count) in [
        ("causes", 20),
        ("symptoms", 20),
        ("tests", 30),
        ("treatments", 30),
        ("medicines", 20),
        ("faq", 15),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no line for {id}"));
        assert!(line.contains(&format!("{count} items")), "{line}");
    }
    let out = common::run(&dir, &["check", common::BUNDLED]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));
}

#[test]
fn oversized_inputs_and_runaway_documents_are_refused_with_the_limit() {
    let dir = common::scratch("cli-limits");
    let text = std::fs::read_to_string(common::bundled_arg()).unwrap();
    let padded = format!("{}{text}", "# padding\n".repeat(900_000));
    std::fs::write(dir.join("big.toml"), padded).unwrap();
    let out = common::run(&dir, &["check", "big.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("the limit is 8 MiB"),
        "{}",
        common::stderr(&out)
    );

    let items = vec!["\"x\""; 90_000].join(",");
    let huge = text.replacen(
        "[[sections]]\nid = \"prevention\"",
        &format!("[[sections]]\nid = \"huge\"\ntitle = \"Huge\"\n\n[[sections.blocks]]\ntype = \"bullets\"\nitems = [{items}]\n\n[[sections]]\nid = \"prevention\""),
        1,
    );
    std::fs::write(dir.join("huge.toml"), huge).unwrap();
    let out = common::run(
        &dir,
        &["build", "huge.toml", "--sections", "huge", "-o", "out.pdf"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("pages; the limit is 2000"),
        "{}",
        common::stderr(&out)
    );
    assert!(!dir.join("out.pdf").exists());
}

#[test]
fn readability_report_lists_every_section_and_strict_enforces_the_ceiling() {
    let root = common::root();
    let out = common::run(
        &root,
        &[
            "check",
            "--readability",
            "--max-grade",
            "12",
            common::BUNDLED,
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let (handout, _) = common::bundled();
    for section in &handout.sections {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{} ", section.id()))),
            "no line for {}:\n{text}",
            section.id()
        );
    }
    assert!(
        text.contains("overall") && text.contains("longest sentences:"),
        "{text}"
    );
    let out = common::run(
        &root,
        &[
            "check",
            "--readability",
            "--max-grade",
            "3",
            "--strict",
            common::BUNDLED,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("read above grade 3"),
        "{}",
        common::stderr(&out)
    );
    // Without --readability, --strict refuses only text left from `handout new`
    // (tests/starter.rs), which the bundled handout has none of.
    assert_eq!(
        common::run(&root, &["check", "--strict", common::BUNDLED])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn invalid_utf8_and_nul_bytes_are_located() {
    let dir = common::scratch("cli-bytes");
    let text = std::fs::read(common::bundled_arg()).unwrap();
    let mut latin1 = text.clone();
    let at = latin1.windows(5).position(|w| w == b"title").unwrap();
    latin1.splice(at..at, [0xE9u8]); // "é" in Latin-1, not UTF-8
    std::fs::write(dir.join("latin1.toml"), &latin1).unwrap();
    let out = common::run(&dir, &["check", "latin1.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let line = text[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!(
            "latin1.toml:{line}:1: the file is not valid UTF-8"
        )),
        "{err}"
    );

    let mut nul = text.clone();
    nul.splice(at..at, [0u8]);
    std::fs::write(dir.join("nul.toml"), &nul).unwrap();
    let out = common::run(&dir, &["build", "nul.toml", "-o", "out.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains(&format!("nul.toml:{line}:1: the file contains a NUL byte")),
        "{}",
        common::stderr(&out)
    );
    assert!(!dir.join("out.pdf").exists());
}

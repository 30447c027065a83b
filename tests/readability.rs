//! `handout check --readability`: the bundled handout reads at grade 8 or below, and
//! our grades agree with the PyPI package textstat within half a grade.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

fn check_json() -> serde_json::Value {
    let out = common::run(
        &common::root(),
        &["check", "--readability", "--json", common::BUNDLED],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    serde_json::from_slice(&out.stdout).expect("check --json prints JSON")
}

/// textstat's grades for the text of each section, by `scripts/textstat-grades`.
fn textstat_grades(report: &serde_json::Value) -> serde_json::Value {
    let mut child = Command::new(common::tools_python())
        .arg(common::root().join("scripts/textstat-grades"))
        .env("NLTK_DATA", common::root().join("target/nltk_data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run scripts/textstat-grades");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(report.to_string().as_bytes())
        .expect("write report");
    let out = child.wait_with_output().expect("textstat-grades");
    assert!(
        out.status.success(),
        "textstat-grades failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("textstat-grades prints JSON")
}

#[test]
fn grades_agree_with_textstat_within_half_a_grade() {
    let report = check_json();
    let theirs = textstat_grades(&report);
    let file = &report[0]["file"];
    let sections = report[0]["sections"].as_array().expect("sections");
    assert_eq!(sections.len(), common::load(common::BUNDLED).sections.len());
    let mut table = String::new();
    let mut worst: f64 = 0.0;
    for section in sections {
        let id = section["id"].as_str().expect("id");
        let t = &theirs[file.as_str().expect("file")][id];
        for (ours, their) in [
            ("flesch_kincaid_grade", "flesch_kincaid_grade"),
            ("smog_grade", "smog_index"),
        ] {
            let a = section[ours].as_f64().expect("our grade");
            let b = t[their].as_f64().expect("textstat grade");
            worst = worst.max((a - b).abs());
            table.push_str(&format!(
                "{id:<22} {ours:<22} ours {a:6.2}  textstat {b:6.2}\n"
            ));
        }
    }
    assert!(
        worst <= 0.5,
        "a grade differs from textstat's by {worst:.2}:\n{table}"
    );
}

#[test]
fn every_section_of_the_bundled_handout_reads_at_grade_8_or_below() {
    let out = common::run(
        &common::root(),
        &["check", "--readability", "--strict", common::BUNDLED],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check --readability --strict failed:\n{stdout}\n{}",
        common::stderr(&out)
    );
    for section in check_json()[0]["sections"].as_array().expect("sections") {
        let grade = section["flesch_kincaid_grade"].as_f64().expect("grade");
        assert!(grade <= 8.0, "{} reads at grade {grade}", section["id"]);
    }
}

//! Text left as `handout new` wrote it: `check` warns at each place and `build` at the
//! first few, counting the rest, `check
//! --strict` and `build --strict` refuse it, and a filled-in handout gets no warning.

mod common;

use std::path::Path;

/// One warning: line, column, what it is, and the starter's text it names.
#[derive(Debug, PartialEq, Eq)]
struct Warned {
    line: usize,
    column: usize,
    path: String,
    text: String,
}

/// The `warning: k.toml:L:C: PATH is still the starter's "TEXT"; ...` lines of `stderr`.
fn warned(stderr: &str) -> Vec<Warned> {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("warning: k.toml:")?;
            let (at, message) = rest.split_once(": ")?;
            let (line, column) = at.split_once(':')?;
            let (path, text) = message.split_once(" is still the starter's \"")?;
            Some(Warned {
                line: line.parse().ok()?,
                column: column.parse().ok()?,
                path: path.to_string(),
                text: text.split_once("\"; replace it")?.0.to_string(),
            })
        })
        .collect()
}

fn new_starter(dir: &Path) -> String {
    let out = common::run(dir, &["new", "knee-pain", "-o", "k.toml"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    std::fs::read_to_string(dir.join("k.toml")).expect("k.toml")
}

#[test]
fn an_untouched_starter_is_warned_about_at_each_place_and_refused_when_strict() {
    let dir = common::scratch("starter-untouched");
    let text = new_starter(&dir);
    let lines: Vec<&str> = text.lines().collect();

    let check = common::run(&dir, &["check", "k.toml"]);
    assert_eq!(check.status.code(), Some(0), "{}", common::stderr(&check));
    let found = warned(&common::stderr(&check));
    // Every string the starter gives as an example, not its ids, types, headings,
    // disclaimer, warning-signs intro or version: 32 today.
    assert_eq!(found.len(), 32, "{found:#?}");
    // Each warning is at the text it names.
    for w in &found {
        let line = lines.get(w.line - 1).expect("line in file");
        let at: String = line.chars().skip(w.column - 1).collect();
        assert!(
            at.starts_with(&format!("\"{}\"", w.text)),
            "{w:?} at {line:?}"
        );
    }
    for (path, text) in [
        ("meta.subtitle", "The medical name of the condition"),
        ("meta.reviewed_by", "Your clinical content team"),
        ("meta.sources[0].url", "https://example.org/"),
        ("sections[1].blocks[0].items[0].name", "Medicine name"),
        (
            "sections[2].blocks[0].avoid[0]",
            "Something that makes it worse.",
        ),
        (
            "sections[3].blocks[0].signs[1].text",
            "A sign to call your doctor about.",
        ),
        (
            "sections[4].blocks[0].items[0].answer",
            "Its answer, in plain words.",
        ),
    ] {
        assert!(
            found.iter().any(|w| w.path == path && w.text == text),
            "no warning for {path} {text:?}"
        );
    }
    for kept in [
        "What is it?",
        "Knee pain",
        "This handout is general information",
    ] {
        assert!(
            !found.iter().any(|w| w.text.starts_with(kept)),
            "{kept:?} warned"
        );
    }

    let build = common::run(&dir, &["build", "k.toml", "-o", "k.pdf"]);
    assert_eq!(build.status.code(), Some(0), "{}", common::stderr(&build));
    // A build names the first three and counts the rest, which `check` names.
    let said = common::stderr(&build);
    assert_eq!(warned(&said), found[..3], "{said}");
    assert!(
        said.contains(
            "warning: k.toml: 29 more text(s) still as `handout new` wrote them; \
             `handout check k.toml` names each"
        ),
        "{said}"
    );

    let strict = common::run(&dir, &["check", "--strict", "k.toml"]);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = common::stderr(&strict);
    assert!(
        stderr.contains("error: k.toml: 32 text(s) still as `handout new` wrote them"),
        "{stderr}"
    );
    assert_eq!(warned(&stderr), found);

    std::fs::remove_file(dir.join("k.pdf")).expect("k.pdf");
    let strict = common::run(&dir, &["build", "--strict", "k.toml", "-o", "k.pdf"]);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = common::stderr(&strict);
    assert!(
        stderr.contains("error: k.toml still has text as `handout new` wrote it")
            && stderr.contains(
                "  - k.toml:15:12: meta.subtitle is still the starter's \"The medical name of \
                 the condition\""
            ),
        "{stderr}"
    );
    assert!(!dir.join("k.pdf").exists());
}

#[test]
fn a_filled_in_starter_gets_no_warning() {
    let dir = common::scratch("starter-filled");
    let mut text = new_starter(&dir);
    let check = common::run(&dir, &["check", "k.toml"]);
    let found = warned(&common::stderr(&check));
    assert!(!found.is_empty(), "{}", common::stderr(&check));
    for (i, w) in found.iter().enumerate() {
        let own = if w.text.starts_with("https://") {
            format!("https://clinic.example.com/source-{i}")
        } else {
            format!("Our own words, number {i}.")
        };
        text = text.replacen(&format!("\"{}\"", w.text), &format!("\"{own}\""), 1);
    }
    std::fs::write(dir.join("k.toml"), &text).expect("write");
    for args in [
        &["check", "--strict", "k.toml"][..],
        &["build", "--strict", "k.toml", "-o", "k.pdf"],
    ] {
        let out = common::run(&dir, args);
        let stderr = common::stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("starter"), "{args:?}: {stderr}");
    }
}

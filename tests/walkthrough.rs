//! `docs/first-handout.md`, followed as a newcomer would: every command of its `sh` blocks
//! runs as written, in order, in a fresh folder holding an empty `handouts/`; the writing it
//! asks for in between (replacing the starter's words, setting the translation's language)
//! is done here, as the walkthrough tells it. Each command must succeed, and once the
//! starter's words are replaced none may warn; the PDFs the walkthrough names must be there,
//! the briefs on one page, the Spanish one with Spanish labels.

mod common;

use std::path::Path;
use std::process::Command;

/// The commands of each `sh` block, continuation lines joined, comments and blanks dropped.
fn shell_blocks(doc: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    let mut pending = String::new();
    for line in doc.lines() {
        match (&mut current, line.trim()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(commands), text) => {
                let text = match text.find(" #") {
                    Some(at) => text[..at].trim_end(),
                    None => text,
                };
                if let Some(start) = text.strip_suffix('\\') {
                    pending.push_str(start);
                    continue;
                }
                pending.push_str(text);
                if !pending.trim().is_empty() && !pending.starts_with('#') {
                    commands.push(std::mem::take(&mut pending));
                }
                pending.clear();
            }
            (None, _) => {}
        }
    }
    blocks
}

/// What "2. Write your words" asks: every example text replaced (headings, the disclaimer,
/// the warning-signs intro and the version may stay, as the walkthrough says), a code, and a
/// real source.
fn write_your_words(file: &Path) {
    let starter = std::fs::read_to_string(file).unwrap();
    let kept = [
        "id",
        "language",
        "type",
        "urgency",
        "title",
        "disclaimer",
        "intro",
        "version",
    ];
    let mut written = String::new();
    for line in starter.lines() {
        let key = line.split('=').next().unwrap_or("").trim();
        let line = if line.trim_start().starts_with('#') || kept.contains(&key) || key == "brief" {
            line.to_string()
        } else if key == "url" {
            "url = \"https://www.niddk.nih.gov/health-information/diabetes\"".to_string()
        } else if key == "codes" {
            "codes = [\"E11.621\"]".to_string()
        } else {
            // Each quoted text gets words of the clinic's own after it.
            let mut out = String::new();
            for (i, part) in line.split('"').enumerate() {
                if i > 0 {
                    out.push('"');
                }
                out.push_str(part);
                if i % 2 == 1 && !part.is_empty() {
                    out.push_str(" Check your feet each day");
                }
            }
            out
        };
        written.push_str(&line);
        written.push('\n');
    }
    assert_ne!(written, starter);
    std::fs::write(file, written).unwrap();
}

/// What "5. Translate it" asks of the copy: its own language, the same id.
fn make_it_spanish(file: &Path) {
    let copy = std::fs::read_to_string(file).unwrap();
    let line = copy
        .lines()
        .find(|l| l.starts_with("language = "))
        .expect("the starter names its language");
    let spanish = copy.replacen(line, "language = \"es\"", 1);
    std::fs::write(file, spanish).unwrap();
}

#[test]
fn the_first_handout_walkthrough_runs_as_written() {
    let doc = std::fs::read_to_string(common::root().join("docs/first-handout.md")).unwrap();
    let blocks = shell_blocks(&doc);
    assert!(blocks.len() >= 6, "{blocks:?}");
    let dir = common::scratch("walkthrough");
    std::fs::create_dir(dir.join("handouts")).unwrap();
    let binary = Path::new(env!("CARGO_BIN_EXE_handout"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let english = dir.join("handouts/foot-care.toml");
    let spanish = dir.join("handouts/foot-care.es.toml");
    let mut ran = 0;
    for command in blocks.iter().flatten() {
        let out = Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(&dir)
            .env("PATH", &path)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        let said = common::stderr(&out);
        assert!(out.status.success(), "`{command}` failed: {said}");
        let starter_left = command.starts_with("handout new");
        assert!(
            starter_left || !said.contains("warning"),
            "`{command}` warned: {said}"
        );
        ran += 1;
        if starter_left {
            write_your_words(&english);
        }
        if command.starts_with("cp ") {
            assert!(spanish.is_file(), "`{command}` made no translation file");
            make_it_spanish(&spanish);
        }
    }
    assert!(ran >= 9, "only {ran} commands");

    let text = |name: &str| {
        let file = dir.join(name);
        assert!(
            file.is_file(),
            "the walkthrough names {name}, which was not written"
        );
        (
            common::page_count(&file),
            common::page_texts(&std::fs::read(&file).unwrap(), name).join(" "),
        )
    };
    let (pages, english_brief) = text("foot-care-brief.pdf");
    assert_eq!(pages, 1, "{english_brief}");
    // The second build of the brief, with the patient's details, is the one kept.
    assert!(english_brief.contains("Jane Doe") && english_brief.contains("Page 1 of 1"));
    let (pages, spanish_brief) = text("foot-care-es-brief.pdf");
    assert_eq!(pages, 1, "{spanish_brief}");
    assert!(
        spanish_brief.contains("Página 1 de 1") && spanish_brief.contains("Evite"),
        "{spanish_brief}"
    );
    let (_, full) = text("foot-care-full.pdf");
    assert!(full.contains("Check your feet each day"), "{full}");
}

#[test]
fn shell_blocks_join_continuations_and_drop_comments() {
    let doc =
        "text\n```sh\nhandout a \\\n    --b c\nhandout d   # why\n\n```\n```toml\nx = 1\n```\n";
    assert_eq!(
        shell_blocks(doc),
        vec![vec!["handout a --b c".to_string(), "handout d".to_string()]]
    );
}

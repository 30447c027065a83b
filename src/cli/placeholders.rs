//! Text left as `handout new` wrote it: the starter's examples ("Medicine name", a source
//! at example.org) that were meant to be replaced. `check` and `build` warn about each,
//! at its place; `check --strict` and `build --strict` refuse them.
//!
//! The examples are read from the starter itself, so they cannot drift from what `new`
//! writes.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::SourceError;
use crate::model::Handout;

/// Keys whose starter text is not an example to replace: what `new` fills in from its
/// arguments (`id`, `title`, `language`), names and kinds (`type`, `urgency`), and wording
/// that is fit to print as it stands (the disclaimer, headings, the warning signs' intro,
/// the version label).
const KEPT: [&str; 8] = [
    "id",
    "title",
    "language",
    "type",
    "urgency",
    "disclaimer",
    "intro",
    "version",
];

/// Every example text of the starter, from the file `new` writes. Read by a plain scan of
/// its `key = "text"` and `key = ["text", ...]` lines (the starter is ours, one value a
/// line): parsing it as TOML took every build half a million instructions. A test holds
/// the scan to what a TOML parser reads.
static EXAMPLES: LazyLock<BTreeSet<String>> = LazyLock::new(|| scan(super::new::STARTER));

/// The quoted texts of `starter` under keys not [`KEPT`], outside `[presets]`.
fn scan(starter: &str) -> BTreeSet<String> {
    let mut examples = BTreeSet::new();
    let mut in_presets = false;
    for line in starter.lines().map(str::trim) {
        if line.starts_with('[') {
            in_presets = line == "[presets]";
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        if in_presets || line.starts_with('#') || KEPT.contains(&key.trim()) {
            continue;
        }
        // Every "…" on the line: the starter's texts hold no quotes or escapes.
        let mut rest = value;
        while let Some(open) = rest.find('"') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            examples.insert(after[..close].to_string());
            rest = &after[close + 1..];
        }
    }
    examples
}

#[cfg(test)]
fn collect(key: &str, value: &DeValue<'_>, into: &mut BTreeSet<String>) {
    match value {
        DeValue::String(text) if !KEPT.contains(&key) => {
            into.insert(text.to_string());
        }
        DeValue::Array(items) => {
            for item in items.iter() {
                collect(key, item.get_ref(), into);
            }
        }
        DeValue::Table(table) => {
            for (key, value) in table.iter() {
                collect(key.get_ref(), value.get_ref(), into);
            }
        }
        _ => {}
    }
}

/// Whether any text of `handout` is one of the starter's examples: a look through the
/// parsed handout, so that the handouts with none (nearly every build) are not parsed a
/// second time to place them. It visits every string [`find`] can report.
pub(super) fn any_in(handout: &Handout) -> bool {
    let meta = &handout.meta;
    let mut texts: Vec<&str> = vec![
        &meta.id,
        &meta.title,
        &meta.language,
        &meta.reviewed_by,
        &handout.disclaimer,
    ];
    texts.extend(meta.subtitle.as_deref());
    texts.extend(meta.version.as_deref());
    texts.extend(meta.url.as_deref());
    texts.extend(meta.codes.iter().map(String::as_str));
    for source in &meta.sources {
        texts.push(&source.name);
        texts.extend(source.url.as_deref());
    }
    // Most texts are told apart by their length alone, before any comparison.
    let longest = EXAMPLES.iter().map(String::len).max().unwrap_or(0);
    let mut lengths = vec![false; longest + 1];
    for example in EXAMPLES.iter() {
        lengths[example.len()] = true;
    }
    let is_example = |text: &str| lengths.get(text.len()) == Some(&true) && EXAMPLES.contains(text);
    if texts.into_iter().any(is_example) {
        return true;
    }
    let mut found = false;
    for section in &handout.sections {
        found |= is_example(section.id());
        section.texts(|_, text| found |= is_example(text));
    }
    found
}

/// One starter example left in a handout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Left {
    pub line: usize,
    pub column: usize,
    /// `meta.subtitle`, `sections[1].blocks[0].items[0].name`.
    pub path: String,
    pub text: String,
}

impl Left {
    /// `h.toml:12:12: meta.subtitle is still the starter's "…"`.
    pub fn message(&self, file: &Path) -> String {
        format!(
            "{}:{}:{}: {} is still the starter's {:?}; replace it with your own words",
            file.display(),
            self.line,
            self.column,
            self.path,
            self.text
        )
    }
}

/// The starter examples left in handout `source`, in file order.
pub(super) fn find(file: &Path, source: &str) -> Vec<Left> {
    let Ok(table) = DeTable::parse(source) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, value) in table.get_ref().iter() {
        if key.get_ref() != "presets" {
            walk(key.get_ref().to_string(), value, &mut found);
        }
    }
    // Tables keep their keys sorted by name; the warnings follow the file.
    found.sort_by_key(|(start, _, _)| *start);
    found
        .into_iter()
        .map(|(start, path, text)| {
            let place = SourceError::at(file, source, start, "");
            Left {
                line: place.line,
                column: place.column,
                path,
                text,
            }
        })
        .collect()
}

/// Collects (offset, path, text) of every string under `path` that is a starter example.
fn walk(path: String, value: &Spanned<DeValue<'_>>, found: &mut Vec<(usize, String, String)>) {
    match value.get_ref() {
        DeValue::String(text) if EXAMPLES.contains(text.as_ref()) => {
            found.push((value.span().start, path, text.to_string()));
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(format!("{path}[{i}]"), item, found);
            }
        }
        DeValue::Table(table) => {
            for (key, value) in table.iter() {
                walk(format!("{path}.{}", key.get_ref()), value, found);
            }
        }
        _ => {}
    }
}

/// Prints a warning for each starter example left in `source`; returns how many.
pub(super) fn warn(file: &Path, source: &str) -> usize {
    let left = find(file, source);
    for one in &left {
        eprintln!("warning: {}", one.message(file));
    }
    left.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_come_from_the_starter() {
        for example in [
            "The medical name of the condition",
            "Medicine name",
            "https://example.org/",
            "Your clinical content team",
            "Something that helps.",
        ] {
            assert!(EXAMPLES.contains(example), "{example:?} not found");
        }
        // Filled in from the arguments, or fit to print as it stands.
        for kept in [
            "Starter",
            "starter",
            "en-US",
            "What is it?",
            "paragraph",
            "draft",
        ] {
            assert!(!EXAMPLES.contains(kept), "{kept:?} taken for an example");
        }
    }

    #[test]
    fn finds_each_example_at_its_place_in_file_order() {
        let source =
            "disclaimer = \"x\"\n[meta]\nsubtitle = \"The medical name of the condition\"\n\
                      title = \"Medicine name\"\n\n[[sections]]\n[[sections.blocks]]\n\
                      items = [\"Mine.\", \"The second step.\"]\n";
        let left = find(Path::new("h.toml"), source);
        let places: Vec<(usize, usize, &str)> = left
            .iter()
            .map(|l| (l.line, l.column, l.path.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (3, 12, "meta.subtitle"),
                (4, 9, "meta.title"),
                (8, 19, "sections[0].blocks[0].items[1]"),
            ]
        );
        assert_eq!(
            left[0].message(Path::new("h.toml")),
            "h.toml:3:12: meta.subtitle is still the starter's \"The medical name of the \
             condition\"; replace it with your own words"
        );
    }
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    #[test]
    fn the_scan_reads_the_starters_examples_as_a_toml_parser_does() {
        let text = super::super::new::starter("starter", "Starter", "en-US", 0);
        let table = DeTable::parse(&text).expect("the starter is TOML");
        let mut parsed = BTreeSet::new();
        for (key, value) in table.get_ref().iter() {
            if key.get_ref() != "presets" {
                collect(key.get_ref(), value.get_ref(), &mut parsed);
            }
        }
        assert!(parsed.len() > 20, "{parsed:?}");
        assert_eq!(*EXAMPLES, parsed);
    }
}

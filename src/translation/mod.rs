//! Translations that keep up with their English: each translated section carries
//! `translated_from`, the fingerprint of the English section it translates, so a change to
//! the English shows up as that section going stale in every translation that holds it.
//!
//! The fingerprint is FNV-1a (128-bit, [`crate::hash::Fnv128`]) over the section's unit ids
//! and English texts and the values a translation copies (a warning sign's urgency), each
//! length-prefixed, written as its first 16 hex digits. It changes when any text, any
//! item or block, or an urgency of the section changes, and for nothing else: not
//! comments, not key order, not other sections. It is not cryptographic, and need not
//! be: it detects change, it does not guard against forgery.

pub mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::hash::Fnv128;
use crate::language;
use crate::model::{self, Handout, Section};
use walk::Piece;

/// Hex digits kept of the 128-bit hash: 64 bits, plenty to tell versions of a section apart.
const FINGERPRINT_DIGITS: usize = 16;

/// Bumped if what is hashed ever changes, so old fingerprints read as stale, not as equal.
const FINGERPRINT_VERSION: &[u8] = b"handout-section-1";
const HEAD_FINGERPRINT_VERSION: &[u8] = b"handout-head-1";

/// The fingerprint of `section`'s source text.
pub fn fingerprint(section: &Section) -> String {
    hashed(FINGERPRINT_VERSION, |visit| walk::pieces(section, visit))
}

/// The fingerprint of the head's source text: the disclaimer, title, subtitle, reviewer
/// and sources' names, which every page or the first prints whatever sections are chosen.
pub fn head_fingerprint(handout: &Handout) -> String {
    hashed(HEAD_FINGERPRINT_VERSION, |visit| {
        walk::head_pieces(handout, visit)
    })
}

fn hashed(version: &[u8], walk: impl FnOnce(&mut dyn FnMut(&Piece<'_>))) -> String {
    let mut hash = Fnv128::default();
    hash.field(version);
    walk(&mut |piece| {
        let (id, text) = match piece {
            Piece::Text { id, text, .. } => (id, text),
            Piece::Fixed { id, value } => (id, value),
        };
        hash.field(id.as_bytes()).field(text.as_bytes());
    });
    let mut hex = hash.hex();
    hex.truncate(FINGERPRINT_DIGITS);
    hex
}

/// The English handout a translation at `path` translates: the file beside it named after
/// its id (`ID.toml`, or for an id ending in its language, `ID-xx` → `ID.toml`), when
/// that file is in another language. `None` for a handout that is not a translation.
pub fn source_beside(path: &Path, handout: &Handout) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let meta = &handout.meta;
    let suffix = format!("-{}", meta.language.to_ascii_lowercase());
    let mut names = vec![format!("{}.toml", meta.id)];
    let base = meta.id.to_ascii_lowercase();
    if let Some(base) = base.strip_suffix(&suffix).filter(|b| !b.is_empty()) {
        names.push(format!("{base}.toml"));
    }
    let own = path.canonicalize().ok();
    names
        .into_iter()
        .map(|name| dir.join(name))
        .find(|candidate| candidate.is_file() && candidate.canonicalize().ok() != own)
}

/// Whether `english` is in another language than `translation`: a file beside a
/// translation that is in its own language is a sibling, not its source.
pub fn is_source_of(english: &Handout, translation: &Handout) -> bool {
    let (id, theirs) = (&english.meta.id, &translation.meta.id);
    (theirs == id
        || theirs
            .strip_prefix(id.as_str())
            .is_some_and(|rest| rest.starts_with('-')))
        && !language::matches(&english.meta.language, &translation.meta.language)
        && !language::matches(&translation.meta.language, &english.meta.language)
}

/// Loads the English a translation at `path` translates, if there is one.
pub fn load_source(path: &Path, handout: &Handout) -> Result<Option<(PathBuf, Handout)>, Error> {
    let Some(source) = source_beside(path, handout) else {
        return Ok(None);
    };
    let (english, _) = model::load(&source)?;
    Ok(is_source_of(&english, handout).then_some((source, english)))
}

/// For a build: the English of a translation at `path`, with its head and (at least) the
/// sections `ids` only. Parsing a whole English handout would cost a translation's build
/// about a third more instructions; its head and the few sections printed are read alone
/// (see [`partial`]), and the whole file only when that does not give them.
pub fn load_source_sections(
    path: &Path,
    handout: &Handout,
    ids: &[&str],
) -> Result<Option<Handout>, Error> {
    let Some(source) = source_beside(path, handout) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&source).map_err(|err| Error::Read {
        path: source.clone(),
        source: err,
    })?;
    let english = match partial(&text, ids) {
        Some(english) => english,
        None => model::parse(&source, &text)?,
    };
    Ok(is_source_of(&english, handout).then_some(english))
}

/// The text before the first `[[sections]]` table (the disclaimer, `[meta]`, presets) and
/// the `[[sections]]` tables that name one of `ids`, parsed as one handout; `None` when
/// that does not parse or lacks one of `ids` (the caller then reads the whole file). Not
/// validated: the fingerprints need the text, and `check` judges the English itself.
fn partial(text: &str, ids: &[&str]) -> Option<Handout> {
    const HEADER: &str = "[[sections]]";
    // Headers at the start of a line; one inside a multi-line string would split a table
    // wrongly, and the parse below then fails or misses an id: the whole file is read.
    let starts: Vec<usize> = text
        .match_indices(HEADER)
        .map(|(at, _)| at)
        .filter(|&at| at == 0 || text.as_bytes()[at - 1] == b'\n')
        .collect();
    let first = *starts.first()?;
    let mut doc = String::with_capacity(first + 8192);
    doc.push_str(&text[..first]);
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    for (&start, end) in starts.iter().zip(ends) {
        let table = &text[start..end];
        // The id, when it is the table's first key as the format writes it; a table
        // written otherwise is kept, to be sure.
        let first_key = table[HEADER.len()..]
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        let id = first_key
            .strip_prefix("id")
            .map(|rest| rest.trim_start().trim_start_matches('=').trim())
            .and_then(|v| v.strip_prefix('"')?.strip_suffix('"'));
        if id.is_none_or(|id| ids.contains(&id)) {
            doc.push_str(table);
        }
    }
    let english: Handout = toml::from_str(&doc).ok()?;
    ids.iter()
        .all(|id| english.sections.iter().any(|s| s.id() == *id))
        .then_some(english)
}

/// A translated section whose English changed after it was translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The section's id; for the head, `meta`.
    pub section: String,
    /// The head (title, disclaimer, sources) rather than a section.
    pub head: bool,
    /// The fingerprint the translation records, and the English section's now.
    pub was: String,
    pub now: String,
    /// What differs that can be seen without the old English: units the English gained
    /// or lost, values it changed; empty when only wording changed.
    pub changes: Vec<String>,
}

impl Stale {
    /// "section \"prevention\": its English changed since it was translated (…)".
    pub fn describe(&self) -> String {
        let what = if self.changes.is_empty() {
            "its English wording changed since it was translated".to_string()
        } else {
            format!(
                "its English changed since it was translated: {}",
                self.changes.join("; ")
            )
        };
        let part = if self.head {
            "the title, subtitle, disclaimer, reviewer and sources".to_string()
        } else {
            format!("section {:?}", self.section)
        };
        format!("{part}: {what} (fingerprint {} now {})", self.was, self.now)
    }
}

/// How a translation stands against its English.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub stale: Vec<Stale>,
    /// Translated sections with no fingerprint: nobody can tell what they translate.
    pub unstamped: Vec<String>,
    /// The head has no fingerprint.
    pub head_unstamped: bool,
    /// English sections the translation does not have (a partial translation).
    pub missing: Vec<String>,
    /// Sections the English does not have.
    pub unknown: Vec<String>,
    /// The English's sections.
    pub english_sections: usize,
}

/// Each of `translation`'s sections against `english`; with `only`, just those sections
/// (a build looks at what it prints).
pub fn status(english: &Handout, translation: &Handout, only: Option<&[&str]>) -> Status {
    let mut status = Status {
        english_sections: english.sections.len(),
        ..Status::default()
    };
    let wanted = |id: &str| only.is_none_or(|only| only.contains(&id));
    // The head is printed whatever the selection.
    match &translation.meta.translated_from {
        None => status.head_unstamped = true,
        Some(was) => {
            let now = head_fingerprint(english);
            if *was != now {
                let (theirs, ours) = (
                    piece_map(|v| walk::head_pieces(english, v)),
                    piece_map(|v| walk::head_pieces(translation, v)),
                );
                status.stale.push(Stale {
                    section: "meta".to_string(),
                    head: true,
                    was: was.clone(),
                    now,
                    changes: changes(theirs, ours),
                });
            }
        }
    }
    for section in translation.sections.iter().filter(|s| wanted(s.id())) {
        let Some(source) = english.sections.iter().find(|e| e.id() == section.id()) else {
            status.unknown.push(section.id().to_string());
            continue;
        };
        let Some(was) = &section.translated_from else {
            status.unstamped.push(section.id().to_string());
            continue;
        };
        let now = fingerprint(source);
        if *was != now {
            status.stale.push(Stale {
                section: section.id().to_string(),
                head: false,
                was: was.clone(),
                now,
                changes: changes(
                    piece_map(|v| walk::pieces(source, v)),
                    piece_map(|v| walk::pieces(section, v)),
                ),
            });
        }
    }
    if only.is_none() {
        status.missing = english
            .sections
            .iter()
            .filter(|e| !translation.sections.iter().any(|t| t.id() == e.id()))
            .map(|e| e.id().to_string())
            .collect();
    }
    status
}

/// The pieces of a section or head by unit id: (what it is, its text or value).
fn piece_map(
    walk: impl FnOnce(&mut dyn FnMut(&Piece<'_>)),
) -> BTreeMap<String, (&'static str, String)> {
    let mut map = BTreeMap::new();
    walk(&mut |piece| {
        let (id, field, text) = match *piece {
            Piece::Text {
                id, field, text, ..
            } => (id, field, text),
            Piece::Fixed { id, value } => (id, "urgency", value),
        };
        map.insert(id.to_string(), (field, text.to_string()));
    });
    map
}

/// Most changes listed for one section; the rest are counted.
const CHANGES_SHOWN: usize = 5;

/// What the English section has that its translation's shape lacks, or the other way:
/// the translation mirrors the English it was made from, so a difference in shape is a
/// difference in the English.
fn changes(
    theirs: BTreeMap<String, (&'static str, String)>,
    ours: BTreeMap<String, (&'static str, String)>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (id, (field, value)) in &theirs {
        match ours.get(id) {
            None => out.push(format!("{id} ({field}) added: {value:?}")),
            Some((_, old)) if *field == "urgency" && old != value => {
                out.push(format!("{id} now {value} (was {old})"))
            }
            Some(_) => {}
        }
    }
    for (id, (field, _)) in &ours {
        if !theirs.contains_key(id) {
            out.push(format!("{id} ({field}) removed"));
        }
    }
    if out.len() > CHANGES_SHOWN {
        let more = out.len() - CHANGES_SHOWN;
        out.truncate(CHANGES_SHOWN);
        out.push(format!("{more} more"));
    }
    out
}

/// `text` (a translation's TOML) with every section the English has stamped with that
/// English section's fingerprint, comments and layout kept: declares the translation
/// current as it stands. Refuses a file whose `[[sections]]` tables it cannot place a key
/// in with certainty, and checks the result reads back with the fingerprints intended.
pub fn stamp(path: &Path, text: &str, english: &Handout) -> Result<String, Error> {
    let fail = |why: &str| Error::Invalid {
        path: path.to_path_buf(),
        what: "translation to stamp",
        problems: vec![why.to_string()],
    };
    let mut out = String::with_capacity(text.len() + 2048);
    let mut in_section = false;
    let mut in_meta = false;
    let mut current: Option<String> = None;
    let mut expected = BTreeMap::new();
    let head = head_fingerprint(english);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_section = trimmed == "[[sections]]";
            in_meta = trimmed == "[meta]";
            current = None;
        } else if (in_section || in_meta) && trimmed.starts_with("translated_from") {
            continue;
        }
        out.push_str(line);
        if in_meta && key_value(trimmed, "language").is_some() {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("translated_from = {}\n", walk::quote(&head)));
        }
        if !in_section {
            continue;
        }
        if let Some(value) = key_value(trimmed, "id") {
            current = Some(value);
        } else if key_value(trimmed, "title").is_some() {
            let Some(id) = current.take() else {
                return Err(fail(
                    "a section's title comes before its id; put `id` first",
                ));
            };
            if let Some(source) = english.sections.iter().find(|s| s.id() == id) {
                let fingerprint = fingerprint(source);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&format!(
                    "translated_from = {}\n",
                    walk::quote(&fingerprint)
                ));
                expected.insert(id, fingerprint);
            }
        }
    }
    let stamped = model::parse(path, &out)?;
    if stamped.meta.translated_from.as_ref() != Some(&head) {
        return Err(fail(
            "could not place the head's fingerprint (write `language` in [meta] as a one-line string)",
        ));
    }
    for section in &stamped.sections {
        if section.translated_from.as_ref() != expected.get(section.id()) {
            return Err(fail(&format!(
                "section {:?}: could not place its fingerprint (write `id` and `title` \
                 as one-line strings)",
                section.id()
            )));
        }
    }
    Ok(out)
}

/// The value of `key = "value"` on a line of one basic string and nothing after it.
fn key_value(line: &str, key: &str) -> Option<String> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let table: toml::Table = toml::from_str(&format!("v = {rest}")).ok()?;
    table.get("v")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGLISH: &str = r#"
disclaimer = "General information only."
[meta]
id = "x"
title = "X"
language = "en-US"
reviewed_by = "Team"
last_updated = 2025-01-01

[[sections]]
id = "a"
title = "A"
[[sections.blocks]]
type = "warning-signs"
[[sections.blocks.signs]]
urgency = "soon"
text = "Call us."

[[sections]]
id = "b"
title = "B"
[[sections.blocks]]
type = "bullets"
items = ["One.", "Two."]
"#;

    fn parse(text: &str) -> Handout {
        model::parse(Path::new("x.toml"), text).unwrap()
    }

    #[test]
    fn a_fingerprint_is_stable_and_follows_its_own_section_only() {
        let english = parse(ENGLISH);
        let (a, b) = (
            fingerprint(&english.sections[0]),
            fingerprint(&english.sections[1]),
        );
        // Written into translation files: it must never change for the same text. The
        // value is FNV-1a 128 over the documented fields, computed by a separate Python
        // implementation (docs/translations.md gives the definition).
        assert_eq!(b, "feedf3e8d56db15e");
        assert_eq!(a.len(), 16);
        let reworded = parse(&ENGLISH.replace("\"Two.\"", "\"Two!\""));
        assert_eq!(fingerprint(&reworded.sections[0]), a);
        assert_ne!(fingerprint(&reworded.sections[1]), b);
        // An urgency is followed too; comments and spacing are not.
        let urgent = parse(&ENGLISH.replace("\"soon\"", "\"emergency\""));
        assert_ne!(fingerprint(&urgent.sections[0]), a);
        let commented = parse(&ENGLISH.replace("items = [", "# a comment\nitems = [\n "));
        assert_eq!(fingerprint(&commented.sections[1]), b);
        // A moved item is a change, though every text is still there.
        let moved = parse(&ENGLISH.replace("\"One.\", \"Two.\"", "\"Two.\", \"One.\""));
        assert_ne!(fingerprint(&moved.sections[1]), b);
    }

    #[test]
    fn the_sections_read_alone_are_the_sections_read_with_the_file() {
        let english = parse(ENGLISH);
        let alone = partial(ENGLISH, &["b"]).unwrap();
        assert_eq!(head_fingerprint(&alone), head_fingerprint(&english));
        let b = alone.sections.iter().find(|s| s.id() == "b").unwrap();
        assert_eq!(fingerprint(b), fingerprint(&english.sections[1]));
        assert!(alone.sections.iter().all(|s| s.id() != "a"));
        assert!(partial(ENGLISH, &["c"]).is_none());
    }

    #[test]
    fn stamping_then_changing_the_english_names_only_the_changed_section() {
        let english = parse(ENGLISH);
        let translation_text = ENGLISH
            .replace("en-US", "fr")
            .replace("Call us.", "Appelez-nous.");
        let stamped = stamp(Path::new("x.fr.toml"), &translation_text, &english).unwrap();
        assert_eq!(stamped.matches("\ntranslated_from = ").count(), 3);
        let translation = parse(&stamped);
        assert!(status(&english, &translation, None).stale.is_empty());
        let changed =
            parse(&ENGLISH.replace("\"One.\", \"Two.\"", "\"One.\", \"Two.\", \"Three.\""));
        let status = status(&changed, &translation, None);
        let ids: Vec<&str> = status.stale.iter().map(|s| s.section.as_str()).collect();
        assert_eq!(ids, ["b"]);
        assert_eq!(
            status.stale[0].changes,
            ["b/b1/items/3 (bullet point) added: \"Three.\""]
        );
        // Stamping again is idempotent.
        assert_eq!(
            stamp(Path::new("x.fr.toml"), &stamped, &english).unwrap(),
            stamped
        );
    }
}

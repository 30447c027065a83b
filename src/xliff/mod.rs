//! XLIFF 1.2 for translators' tools (Trados, memoQ, Phrase, Weblate, Crowdin,
//! translate-toolkit): [`export`] writes one `<trans-unit>` per translatable string of an
//! English handout, with the existing translation as its target; [`import`] turns a
//! translated file back into the translation's TOML, refusing anything it cannot take
//! whole.
//!
//! Each section is a `<group>` carrying `handout:fingerprint`, the fingerprint of the
//! English it was exported from; each unit's id is its place (see
//! [`crate::translation::walk`]). Import trusts neither alone: every unit's source must
//! still be the English's text, and a group's fingerprint, when the tool kept it, the
//! English section's now.

pub mod read;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::model::{Handout, Section};
use crate::translation;
use crate::translation::walk::{self, Piece};
use crate::xml::escape;

/// The namespace of the attributes XLIFF 1.2 does not have (the handout's id, a group's
/// fingerprint); tools keep attributes of other namespaces they do not know.
pub const NAMESPACE: &str = "urn:x-handout:xliff";

/// XLIFF 1.2 target states: a string not translated yet, and one whose English changed
/// since it was translated.
const NEEDS_TRANSLATION: &str = "needs-translation";
const NEEDS_REVIEW: &str = "needs-review-translation";

/// The id of the head's group: the disclaimer, the title, the sources.
const HEAD: &str = "head";

/// A translatable string of the English, with its translation if there is one.
#[derive(Debug, Clone)]
struct Unit {
    id: String,
    field: &'static str,
    source: String,
    limit: Option<usize>,
    target: String,
}

/// Text by unit id.
fn texts(visit: impl FnOnce(&mut dyn FnMut(&Piece<'_>))) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    visit(&mut |piece| {
        if let Piece::Text { id, text, .. } = piece {
            map.insert((*id).to_string(), (*text).to_string());
        }
    });
    map
}

fn head_texts(handout: &Handout) -> BTreeMap<String, String> {
    texts(|visit| walk::head_pieces(handout, visit))
}

fn section_texts(section: &Section) -> BTreeMap<String, String> {
    texts(|visit| walk::pieces(section, visit))
}

fn units(
    visit: impl FnOnce(&mut dyn FnMut(&Piece<'_>)),
    targets: &BTreeMap<String, String>,
) -> Vec<Unit> {
    let mut out = Vec::new();
    visit(&mut |piece| {
        if let Piece::Text {
            id,
            field,
            text,
            limit,
        } = *piece
        {
            out.push(Unit {
                id: id.to_string(),
                field,
                source: text.to_string(),
                limit,
                target: targets.get(id).cloned().unwrap_or_default(),
            });
        }
    });
    out
}

/// The XLIFF for translating `english` into `language`, targets from `translation` where
/// it has them. With `changed_only`, only what needs a translator: sections the
/// translation lacks, whose English changed, or that carry no fingerprint, and head
/// strings it lacks.
pub fn export(
    english: &Handout,
    english_file: &str,
    language: &str,
    translation: Option<&Handout>,
    changed_only: bool,
) -> String {
    let status = translation.map(|t| translation::status(english, t, None));
    // A translated section whose English changed, or that nobody stamped: its targets go
    // out for review, and come back as they were only once a translator has touched them.
    let to_review = |id: &str| {
        status.as_ref().is_some_and(|s| {
            s.stale.iter().any(|s| !s.head && s.section == id)
                || s.unstamped.iter().any(|s| s == id)
        })
    };
    let review_head = status
        .as_ref()
        .is_some_and(|s| s.head_unstamped || s.stale.iter().any(|s| s.head));
    let missing = |id: &str| {
        status
            .as_ref()
            .is_none_or(|s| s.missing.iter().any(|m| m == id))
    };
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" \
         xmlns:handout=\"{NAMESPACE}\">"
    );
    let _ = writeln!(
        out,
        "  <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" \
         datatype=\"plaintext\" handout:id=\"{}\">",
        escape(english_file),
        escape(&english.meta.language),
        escape(language),
        escape(&english.meta.id)
    );
    out.push_str("    <header>\n");
    let _ = writeln!(
        out,
        "      <tool tool-id=\"handout\" tool-name=\"handout\" tool-version=\"{}\"/>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "      <note>Patient handout \"{}\", in plain language for patients. Translate \
         doses, numbers and units as a reader of this language writes them, keeping their \
         values exactly. Unit ids name each string's place; do not change them.</note>",
        escape(&english.meta.title)
    );
    out.push_str("    </header>\n    <body>\n");
    let head_targets = translation.map(head_texts).unwrap_or_default();
    let head = units(|v| walk::head_pieces(english, v), &head_targets);
    let head: Vec<Unit> = head
        .into_iter()
        .filter(|u| !changed_only || review_head || u.target.is_empty())
        .collect();
    let fingerprint = translation::head_fingerprint(english);
    write_group(
        &mut out,
        HEAD,
        Some(&fingerprint),
        "the handout's head",
        &head,
        review_head,
    );
    for section in &english.sections {
        let review = to_review(section.id());
        if changed_only && !review && !missing(section.id()) {
            continue;
        }
        let targets = translation
            .and_then(|t| t.sections.iter().find(|s| s.id() == section.id()))
            .map(section_texts)
            .unwrap_or_default();
        let units = units(|v| walk::pieces(section, v), &targets);
        let context = format!("section \"{}\"", section.title);
        let fingerprint = translation::fingerprint(section);
        write_group(
            &mut out,
            section.id(),
            Some(&fingerprint),
            &context,
            &units,
            review,
        );
    }
    out.push_str("    </body>\n  </file>\n</xliff>\n");
    out
}

fn write_group(
    out: &mut String,
    id: &str,
    fingerprint: Option<&str>,
    context: &str,
    units: &[Unit],
    review: bool,
) {
    if units.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "      <group id=\"{}\" resname=\"{}\"",
        escape(id),
        escape(id)
    );
    if let Some(fingerprint) = fingerprint {
        let _ = write!(out, " handout:fingerprint=\"{}\"", escape(fingerprint));
    }
    out.push_str(">\n");
    for unit in units {
        let _ = write!(
            out,
            "        <trans-unit id=\"{}\" resname=\"{}\" xml:space=\"preserve\"",
            escape(&unit.id),
            escape(&unit.id)
        );
        if let Some(limit) = unit.limit {
            let _ = write!(out, " maxwidth=\"{limit}\" size-unit=\"char\"");
        }
        out.push_str(">\n");
        let _ = writeln!(out, "          <source>{}</source>", escape(&unit.source));
        let state = if unit.target.is_empty() {
            NEEDS_TRANSLATION
        } else if review {
            NEEDS_REVIEW
        } else {
            "translated"
        };
        let _ = writeln!(
            out,
            "          <target state=\"{state}\">{}</target>",
            escape(&unit.target)
        );
        let mut note = format!("{context}: {}", unit.field);
        if let Some(limit) = unit.limit {
            let _ = write!(note, "; keep under {limit} characters");
        }
        let _ = writeln!(
            out,
            "          <note from=\"handout\">{}</note>",
            escape(&note)
        );
        out.push_str("        </trans-unit>\n");
    }
    out.push_str("      </group>\n");
}

/// Why an import was refused: every reason found, each a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub Vec<String>);

/// What an import produced.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The translation's TOML.
    pub toml: String,
    /// Sections written from the XLIFF, kept from the existing translation, and left out.
    pub from_file: Vec<String>,
    pub kept: Vec<String>,
    pub left_out: Vec<String>,
    /// Sections of the existing translation the English no longer has (not written).
    pub dropped: Vec<String>,
    /// Units whose text differs from the existing translation's.
    pub changed: Vec<String>,
}

/// The translation `doc` gives, on top of `existing` (the translation as it is, if any):
/// same ids, structure and non-text values as `english`; every section the file has
/// targets for, stamped with its English's fingerprint; others kept as they were, or left
/// out.
pub fn import(
    english: &Handout,
    doc: &read::Document,
    language: &str,
    existing: Option<&Handout>,
) -> Result<Imported, Refusal> {
    let mut problems = Vec::new();
    // English text and group of every unit.
    let mut english_units: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (id, text) in head_texts(english) {
        english_units.insert(id, (HEAD.to_string(), text));
    }
    for section in &english.sections {
        for (id, text) in section_texts(section) {
            english_units.insert(id, (section.id().to_string(), text));
        }
    }
    let mut given: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    let mut older = Vec::new();
    let mut seen = BTreeSet::new();
    for unit in &doc.units {
        if !seen.insert(unit.id.as_str()) {
            problems.push(format!(
                "line {}: unit {:?} appears twice",
                unit.line, unit.id
            ));
            continue;
        }
        let Some((group, source)) = english_units.get(&unit.id) else {
            problems.push(format!(
                "line {}: unit {:?} is not in the English handout {:?}",
                unit.line, unit.id, english.meta.id
            ));
            continue;
        };
        if unit.source != *source {
            older.push(format!(
                "line {}: unit {:?}: exported from {:?}; the English now reads {:?}",
                unit.line, unit.id, unit.source, source
            ));
            continue;
        }
        let target = unit.target.as_deref().unwrap_or("");
        given
            .entry(group.as_str())
            .or_default()
            .insert(unit.id.as_str(), target);
    }
    // A group exported from another version of its English, where no unit shows it (an
    // item added, an urgency changed).
    let groups = english
        .sections
        .iter()
        .map(|s| (s.id(), translation::fingerprint(s)))
        .chain([(HEAD, translation::head_fingerprint(english))]);
    for (group, now) in groups {
        let mut in_group = doc
            .units
            .iter()
            .filter(|u| english_units.get(&u.id).is_some_and(|(g, _)| g == group));
        let was = in_group.clone().find_map(|u| u.fingerprint.as_ref());
        let shown = in_group.any(|u| older.iter().any(|o| o.contains(&format!("{:?}", u.id))));
        if let Some(was) = was.filter(|was| **was != now && !shown) {
            older.push(format!(
                "{}: exported from its English with fingerprint {was}; it is {now} now",
                describe_group(group)
            ));
        }
    }
    if !older.is_empty() {
        problems.insert(
            0,
            format!(
                "exported from an older English ({} unit(s) or section(s) changed since): \
                 export again and translate the changes",
                older.len()
            ),
        );
        problems.extend(older);
    }
    // A group with any target is being translated: every unit of it needs one.
    let translating = |group: &str| {
        given
            .get(group)
            .is_some_and(|units| units.values().any(|t| !t.is_empty()))
    };
    // A section sent for review that comes back with every target as it went out, still
    // marked for review: nobody looked at it, so it stays as it was (and stays stale).
    let untouched = |group: &str, old_texts: Option<&BTreeMap<String, String>>| {
        let Some(old_texts) = old_texts else {
            return false;
        };
        let in_group =
            |u: &&read::ReadUnit| english_units.get(&u.id).is_some_and(|(g, _)| g == group);
        doc.units.iter().filter(in_group).all(|u| {
            u.state.as_deref() == Some(NEEDS_REVIEW) && u.target.as_ref() == old_texts.get(&u.id)
        })
    };
    let existing_head = existing.map(head_texts).unwrap_or_default();
    let stamped_head = existing.filter(|e| e.meta.translated_from.is_some());
    // The head is always written: from the file when translated there, else as it was.
    let head_fingerprint =
        if translating(HEAD) && !untouched(HEAD, stamped_head.map(|_| &existing_head)) {
            Some(translation::head_fingerprint(english))
        } else {
            existing.and_then(|e| e.meta.translated_from.clone())
        };
    let head_values = fill_group(
        HEAD,
        &units(|v| walk::head_pieces(english, v), &BTreeMap::new()),
        given.get(HEAD),
        &existing_head,
        true,
        &mut problems,
    );
    let mut sections_out = Vec::new();
    let mut report = Imported {
        toml: String::new(),
        from_file: Vec::new(),
        kept: Vec::new(),
        left_out: Vec::new(),
        dropped: Vec::new(),
        changed: Vec::new(),
    };
    for section in &english.sections {
        let id = section.id();
        let old = existing.and_then(|t| t.sections.iter().find(|s| s.id() == id));
        let stamped = old
            .filter(|o| o.translated_from.is_some())
            .map(section_texts);
        if translating(id) && !untouched(id, stamped.as_ref()) {
            let old_texts = old.map(section_texts).unwrap_or_default();
            let english_units = units(|v| walk::pieces(section, v), &BTreeMap::new());
            let values = fill_group(
                id,
                &english_units,
                given.get(id),
                &old_texts,
                true,
                &mut problems,
            );
            for (unit, value) in &values {
                if old_texts.get(unit) != Some(value) {
                    report.changed.push(unit.clone());
                }
            }
            let fingerprint = translation::fingerprint(section);
            let toml = walk::section_toml(section, Some(&fingerprint), &mut |piece| match piece {
                Piece::Text { id, .. } => values.get(*id).cloned().unwrap_or_default(),
                Piece::Fixed { .. } => String::new(),
            });
            sections_out.push((id, toml));
            report.from_file.push(id.to_string());
        } else if let Some(old) = old {
            let toml =
                walk::section_toml(
                    old,
                    old.translated_from.as_deref(),
                    &mut |piece| match piece {
                        Piece::Text { text, .. } => (*text).to_string(),
                        Piece::Fixed { .. } => String::new(),
                    },
                );
            sections_out.push((id, toml));
            report.kept.push(id.to_string());
        } else {
            report.left_out.push(id.to_string());
        }
    }
    if let Some(existing) = existing {
        report.dropped = existing
            .sections
            .iter()
            .filter(|s| !english.sections.iter().any(|e| e.id() == s.id()))
            .map(|s| s.id().to_string())
            .collect();
    }
    if sections_out.is_empty() && problems.is_empty() {
        problems.push("no section has a target: there is nothing to import".to_string());
    }
    if !problems.is_empty() {
        return Err(Refusal(problems));
    }
    for (unit, value) in &head_values {
        if existing_head.get(unit) != Some(value) {
            report.changed.push(unit.clone());
        }
    }
    let present: Vec<&str> = sections_out.iter().map(|(id, _)| *id).collect();
    let mut toml = format!(
        "# {} ({language}): a translation of {}, written by `handout xliff import`.\n\
         # Translate it through XLIFF (docs/translations.md): an import rewrites this file.\n\n",
        english.meta.id, english.meta.id
    );
    toml.push_str(&walk::head_toml(
        english,
        language,
        head_fingerprint.as_deref(),
        &present,
        &mut |piece| match piece {
            Piece::Text { id, .. } => head_values.get(*id).cloned().unwrap_or_default(),
            Piece::Fixed { .. } => String::new(),
        },
    ));
    for (_, section) in sections_out {
        toml.push('\n');
        toml.push_str(&section);
    }
    report.toml = toml;
    Ok(report)
}

/// The text of each unit of one group: the file's target, else the existing
/// translation's; a unit with neither, or with an empty target, is a problem when the
/// group is being translated.
fn fill_group(
    group: &str,
    english_units: &[Unit],
    given: Option<&BTreeMap<&str, &str>>,
    existing: &BTreeMap<String, String>,
    required: bool,
    problems: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for unit in english_units {
        let from_file = given.and_then(|g| g.get(unit.id.as_str()).copied());
        let value = match from_file {
            Some(target) if !target.trim().is_empty() => Some(target.to_string()),
            Some(_) if required => {
                problems.push(format!(
                    "unit {:?} has an empty target, and the rest of {} is translated",
                    unit.id,
                    describe_group(group)
                ));
                None
            }
            _ => existing.get(&unit.id).cloned(),
        };
        match value {
            Some(value) => {
                values.insert(unit.id.clone(), value);
            }
            None if required && from_file.is_none() => problems.push(format!(
                "unit {:?} has no target here nor in the translation, and the rest of {} is \
                 translated",
                unit.id,
                describe_group(group)
            )),
            None => {}
        }
    }
    values
}

fn describe_group(group: &str) -> String {
    if group == HEAD {
        "the head (title, disclaimer, sources)".to_string()
    } else {
        format!("section {group:?}")
    }
}

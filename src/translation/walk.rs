//! One walk over a handout's text that both names every translatable string (its unit id
//! and what it is) and writes the handout as TOML with each string replaced. Units,
//! fingerprints and the TOML `xliff import` writes all come from this one walk, so a unit
//! id can never mean one place when exported and another when imported.
//!
//! Unit ids come from a string's place: `disclaimer`, `meta.title`,
//! `meta.sources.2.name`, then `SECTION/title`, `SECTION/b3/items/2/dose`,
//! `SECTION/b1/b2/items/1/text` (a block inside a group). Blocks and items count from 1.
//! Head ids hold a dot and section ids cannot, so the two never meet.

use std::fmt::Write;

use crate::model::{Block, Handout, Section, Urgency};

/// A piece of a section as the walk meets it.
#[derive(Debug, Clone, Copy)]
pub enum Piece<'a> {
    /// A string a translator translates.
    Text {
        id: &'a str,
        /// What it is, for the translator: "dose", "side effects", "section title".
        field: &'static str,
        text: &'a str,
        /// How many characters the layout has room for, where that matters.
        limit: Option<usize>,
    },
    /// A value copied from the English as it is (a warning sign's urgency): part of what
    /// a translation must follow, so part of the fingerprint, never a unit.
    Fixed { id: &'a str, value: &'a str },
}

/// Room for a heading or a name on one line of a narrow column, in characters: longer
/// ones wrap and crowd the page. The layout does not cut text; these are advice.
pub const HEADING_LIMIT: usize = 60;
const TITLE_LIMIT: usize = 90;
const DISCLAIMER_LIMIT: usize = 300;

/// What a fill is asked for each piece; returns the text to write (ignored for
/// [`Piece::Fixed`]).
pub type Fill<'f> = dyn FnMut(&Piece<'_>) -> String + 'f;

/// TOML basic string: quotes, backslashes and control characters escaped.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `[[sections]]` table of `section`, every string as `fill` gives it, with
/// `translated_from` when given.
pub fn section_toml(section: &Section, translated_from: Option<&str>, fill: &mut Fill) -> String {
    let sid = section.id();
    let mut out = String::new();
    out.push_str("# ---------------------------------------------------------------------------\n");
    out.push_str("[[sections]]\n");
    let _ = writeln!(out, "id = {}", quote(sid));
    let title_id = format!("{sid}/title");
    let title = fill(&Piece::Text {
        id: &title_id,
        field: "section title",
        text: &section.title,
        limit: Some(HEADING_LIMIT),
    });
    let _ = writeln!(out, "title = {}", quote(&title));
    if let Some(fingerprint) = translated_from {
        let _ = writeln!(out, "translated_from = {}", quote(fingerprint));
    }
    for (i, block) in section.blocks.iter().enumerate() {
        let path = format!("{sid}/b{}", i + 1);
        out.push('\n');
        write_block(&mut out, "sections.blocks", &path, block, fill);
    }
    out
}

/// Walks the section for its pieces only.
pub fn pieces(section: &Section, visit: &mut dyn FnMut(&Piece<'_>)) {
    section_toml(section, None, &mut |piece| {
        visit(piece);
        // The TOML is thrown away: nothing to quote.
        String::new()
    });
}

fn text_line(
    out: &mut String,
    key: &str,
    id: &str,
    field: &'static str,
    text: &str,
    limit: Option<usize>,
    fill: &mut Fill,
) {
    let value = fill(&Piece::Text {
        id,
        field,
        text,
        limit,
    });
    let _ = writeln!(out, "{key} = {}", quote(&value));
}

fn list(
    out: &mut String,
    key: &str,
    path: &str,
    field: &'static str,
    items: &[String],
    fill: &mut Fill,
) {
    let _ = writeln!(out, "{key} = [");
    for (k, item) in items.iter().enumerate() {
        let id = format!("{path}/{key}/{}", k + 1);
        let value = fill(&Piece::Text {
            id: &id,
            field,
            text: item,
            limit: None,
        });
        let _ = writeln!(out, "  {},", quote(&value));
    }
    out.push_str("]\n");
}

/// One table of `[[{table}.items]]`, its keys in the order given.
fn items_table(
    out: &mut String,
    table: &str,
    path: &str,
    k: usize,
    fields: &[(&str, &'static str, &str, Option<usize>)],
    fill: &mut Fill,
) {
    let _ = writeln!(out, "\n[[{table}.items]]");
    for &(key, field, text, limit) in fields {
        let id = format!("{path}/items/{}/{key}", k + 1);
        text_line(out, key, &id, field, text, limit, fill);
    }
}

fn write_block(out: &mut String, table: &str, path: &str, block: &Block, fill: &mut Fill) {
    let _ = writeln!(out, "[[{table}]]");
    let _ = writeln!(out, "type = {}", quote(block.type_name()));
    let name = Some(HEADING_LIMIT);
    match block {
        Block::Paragraph { text } => text_line(
            out,
            "text",
            &format!("{path}/text"),
            "paragraph",
            text,
            None,
            fill,
        ),
        Block::Bullets { items } => list(out, "items", path, "bullet point", items, fill),
        Block::Numbered { items } => list(out, "items", path, "numbered step", items, fill),
        Block::Terms { items } => {
            for (k, t) in items.iter().enumerate() {
                let fields = [
                    ("term", "term", t.term.as_str(), name),
                    ("text", "term's explanation", t.text.as_str(), None),
                ];
                items_table(out, table, path, k, &fields, fill);
            }
        }
        Block::Medicines { items } => {
            for (k, m) in items.iter().enumerate() {
                let mut fields = vec![
                    ("name", "medicine name", m.name.as_str(), name),
                    ("class", "kind of medicine", m.class.as_str(), None),
                    ("dose", "dose", m.dose.as_str(), None),
                    ("timing", "when to take it", m.timing.as_str(), None),
                    (
                        "side_effects",
                        "side effects",
                        m.side_effects.as_str(),
                        None,
                    ),
                ];
                if let Some(note) = &m.note {
                    fields.push(("note", "note on the medicine", note.as_str(), None));
                }
                items_table(out, table, path, k, &fields, fill);
            }
        }
        Block::Supplements { items } => {
            for (k, s) in items.iter().enumerate() {
                let fields = [
                    ("name", "supplement name", s.name.as_str(), name),
                    ("dose", "dose", s.dose.as_str(), None),
                    ("purpose", "what it is for", s.purpose.as_str(), None),
                    (
                        "how_it_works",
                        "how it works",
                        s.how_it_works.as_str(),
                        None,
                    ),
                ];
                items_table(out, table, path, k, &fields, fill);
            }
        }
        Block::Procedures { items } => {
            for (k, p) in items.iter().enumerate() {
                let fields = [
                    ("name", "procedure name", p.name.as_str(), name),
                    ("what", "what is done", p.what.as_str(), None),
                    ("benefits", "benefits", p.benefits.as_str(), None),
                ];
                items_table(out, table, path, k, &fields, fill);
            }
        }
        Block::Group { title, blocks } => {
            text_line(
                out,
                "title",
                &format!("{path}/title"),
                "group heading",
                title,
                name,
                fill,
            );
            for (j, inner) in blocks.iter().enumerate() {
                out.push('\n');
                let inner_path = format!("{path}/b{}", j + 1);
                write_block(out, &format!("{table}.blocks"), &inner_path, inner, fill);
            }
        }
        Block::DoAvoid { dos, avoid } => {
            list(out, "do", path, "something to do", dos, fill);
            list(out, "avoid", path, "something to avoid", avoid, fill);
        }
        Block::WarningSigns { intro, signs } => {
            if let Some(intro) = intro {
                let id = format!("{path}/intro");
                text_line(
                    out,
                    "intro",
                    &id,
                    "warning signs introduction",
                    intro,
                    None,
                    fill,
                );
            }
            for (k, sign) in signs.iter().enumerate() {
                let _ = writeln!(out, "\n[[{table}.signs]]");
                let urgency = match sign.urgency {
                    Urgency::Emergency => "emergency",
                    Urgency::Soon => "soon",
                };
                let id = format!("{path}/signs/{}/urgency", k + 1);
                fill(&Piece::Fixed {
                    id: &id,
                    value: urgency,
                });
                let _ = writeln!(out, "urgency = {}", quote(urgency));
                let field = match sign.urgency {
                    Urgency::Emergency => "warning sign (emergency: go to the ER now)",
                    Urgency::Soon => "warning sign (call your doctor soon)",
                };
                let id = format!("{path}/signs/{}/text", k + 1);
                text_line(out, "text", &id, field, &sign.text, None, fill);
            }
        }
        Block::Note { title, text } => {
            if let Some(title) = title {
                text_line(
                    out,
                    "title",
                    &format!("{path}/title"),
                    "note heading",
                    title,
                    name,
                    fill,
                );
            }
            text_line(
                out,
                "text",
                &format!("{path}/text"),
                "note",
                text,
                None,
                fill,
            );
        }
        Block::Faq { items } => {
            for (k, qa) in items.iter().enumerate() {
                let fields = [
                    ("question", "question", qa.question.as_str(), None),
                    ("answer", "answer", qa.answer.as_str(), None),
                ];
                items_table(out, table, path, k, &fields, fill);
            }
        }
    }
}

/// The head's translatable strings, in file order: the disclaimer, the title and
/// subtitle, who reviewed it, the sources' names.
pub fn head_pieces(handout: &Handout, visit: &mut dyn FnMut(&Piece<'_>)) {
    head_toml(handout, &handout.meta.language, None, &[], &mut |piece| {
        visit(piece);
        // The TOML is thrown away: nothing to quote.
        String::new()
    });
}

/// The disclaimer, `[meta]` and `[presets]` of a translation of `english` into
/// `language`: every string as `fill` gives it, every other value the English one; only
/// the presets whose sections are all in `present` (a preset naming a section the
/// translation lacks would not check).
pub fn head_toml(
    english: &Handout,
    language: &str,
    translated_from: Option<&str>,
    present: &[&str],
    fill: &mut Fill,
) -> String {
    let meta = &english.meta;
    let mut out = String::new();
    let mut text = |out: &mut String,
                    key: &str,
                    id: &str,
                    field: &'static str,
                    value: &str,
                    limit: Option<usize>| {
        text_line(out, key, id, field, value, limit, fill);
    };
    text(
        &mut out,
        "disclaimer",
        "disclaimer",
        "disclaimer (footer of every page)",
        &english.disclaimer,
        Some(DISCLAIMER_LIMIT),
    );
    out.push_str("\n[meta]\n");
    let _ = writeln!(out, "id = {}", quote(&meta.id));
    text(
        &mut out,
        "title",
        "meta.title",
        "handout title",
        &meta.title,
        Some(TITLE_LIMIT),
    );
    if let Some(subtitle) = &meta.subtitle {
        text(
            &mut out,
            "subtitle",
            "meta.subtitle",
            "handout subtitle",
            subtitle,
            Some(TITLE_LIMIT),
        );
    }
    let _ = writeln!(out, "language = {}", quote(language));
    if let Some(fingerprint) = translated_from {
        let _ = writeln!(out, "translated_from = {}", quote(fingerprint));
    }
    if !meta.codes.is_empty() {
        let codes: Vec<String> = meta.codes.iter().map(|c| quote(c)).collect();
        let _ = writeln!(out, "codes = [{}]", codes.join(", "));
    }
    text(
        &mut out,
        "reviewed_by",
        "meta.reviewed_by",
        "who reviewed the content",
        &meta.reviewed_by,
        None,
    );
    let _ = writeln!(out, "last_updated = {}", meta.last_updated);
    if let Some(due) = &meta.review_due {
        let _ = writeln!(out, "review_due = {due}");
    }
    if let Some(version) = &meta.version {
        let _ = writeln!(out, "version = {}", quote(version));
    }
    if let Some(url) = &meta.url {
        let _ = writeln!(out, "url = {}", quote(url));
    }
    for (k, source) in meta.sources.iter().enumerate() {
        out.push_str("\n[[meta.sources]]\n");
        let id = format!("meta.sources.{}.name", k + 1);
        text(
            &mut out,
            "name",
            &id,
            "name of a source (keep a published name as it is)",
            &source.name,
            None,
        );
        if let Some(url) = &source.url {
            let _ = writeln!(out, "url = {}", quote(url));
        }
    }
    let kept: Vec<_> = english
        .presets
        .iter()
        .filter(|(_, p)| p.sections.iter().all(|s| present.contains(&s.as_str())))
        .collect();
    if !kept.is_empty() {
        out.push_str("\n[presets]\n");
        for (name, preset) in kept {
            let bare = name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            let name = if bare { name.clone() } else { quote(name) };
            let sections: Vec<String> = preset.sections.iter().map(|s| quote(s)).collect();
            let sections = format!("[{}]", sections.join(", "));
            match preset.pages {
                Some(pages) => {
                    let _ = writeln!(out, "{name} = {{ sections = {sections}, pages = {pages} }}");
                }
                None => {
                    let _ = writeln!(out, "{name} = {sections}");
                }
            }
        }
    }
    out
}

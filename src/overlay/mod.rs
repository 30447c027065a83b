//! Clinic overlays: a clinic's changes to a handout it does not own, kept apart from the
//! handout so that the handout's own updates still reach it.
//!
//! An overlay file names its base (`[extends] handout = "id"`, or a path) and says what
//! to change: meta keys, presets, sections removed, a sentence or item reworded, sections
//! added after a base section or blocks added into one. [`apply`] turns base and overlay
//! into an ordinary [`Handout`], so nothing after the inputs layer learns that overlays
//! exist; finding the base is the library's part. Every change that no longer fits the
//! base is an error at its line and column in the overlay.
//!
//! See `docs/handout-format.md`, "Clinic overlays".

mod apply;

pub use apply::apply;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::value::Datetime;

use crate::error::{Error, SourceError};
use crate::model::{self, Block, Place, Preset, Source, Spans};

/// An overlay file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    pub extends: Extends,
    pub meta: MetaChanges,
    #[serde(default)]
    pub disclaimer: Option<String>,
    #[serde(default)]
    pub presets: BTreeMap<String, Preset>,
    #[serde(default)]
    pub remove: Vec<Remove>,
    #[serde(default)]
    pub replace: Vec<Replace>,
    #[serde(default)]
    pub sections: Vec<Addition>,
}

/// The base, and when the clinic last reviewed its overlay against it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extends {
    /// A handout id in the overlay's own library, or a path to a handout file (relative
    /// to the overlay's folder).
    pub handout: String,
    pub reviewed: Datetime,
}

/// Meta keys the overlay sets over the base's; `id` is the overlay's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaChanges {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Also which translation of the base is extended.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub codes: Option<Vec<String>>,
    #[serde(default)]
    pub sources: Option<Vec<Source>>,
    #[serde(default)]
    pub reviewed_by: Option<String>,
    #[serde(default)]
    pub last_updated: Option<Datetime>,
    #[serde(default)]
    pub review_due: Option<Datetime>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// A base section the clinic does not print.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remove {
    pub section: String,
}

/// One sentence or item of a base section, quoted exactly, and what to print instead.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replace {
    pub section: String,
    pub text: String,
    pub with: String,
}

/// A new section placed after a base section (or at the end), or blocks added to the end
/// of a base section (`into`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Addition {
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub into: Option<String>,
    #[serde(default)]
    pub id: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub title: Option<String>,
    pub blocks: Vec<Block>,
}

/// A parsed overlay with its file's text, for showing where each change is.
#[derive(Debug, Clone)]
pub struct OverlayFile {
    pub overlay: Overlay,
    pub text: String,
}

/// Whether handout TOML `text` is an overlay: it has a top-level `[extends]` table. Looked
/// for line by line, so an ordinary handout costs no second parse.
pub fn is_overlay(text: &str) -> bool {
    text.contains("extends")
        && text.lines().any(|line| {
            let line = line.trim_start();
            line.strip_prefix("[extends]").is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.is_empty() || rest.starts_with('#')
            }) || line.starts_with("extends")
                && line["extends".len()..].trim_start().starts_with('=')
        })
}

/// Parses an overlay file's text, with `file:line:col` for every mistake.
pub fn parse(path: &Path, text: &str) -> Result<OverlayFile, Error> {
    let overlay: Overlay = toml::from_str(text).map_err(|err| {
        let message = err.message().trim().replace('\n', " ");
        let offset = err.span().map_or(0, |span| span.start);
        Error::Source(Box::new(SourceError::at(path, text, offset, message)))
    })?;
    let file = OverlayFile {
        overlay,
        text: text.to_string(),
    };
    let id = &file.overlay.meta.id;
    if !model::is_kebab_id(id) {
        return Err(file.error(
            path,
            format!("meta.id {id:?} is not an id: lowercase letters, digits and dashes"),
            Place::of("meta.id"),
        ));
    }
    Ok(file)
}

impl OverlayFile {
    /// `message` at `place` in the overlay, as `file:line:col` with the line shown.
    pub fn error(&self, path: &Path, message: String, place: Place) -> Error {
        match Spans::new(&self.text).find(&place) {
            Some(span) => Error::Source(Box::new(SourceError::at(
                path, &self.text, span.start, message,
            ))),
            None => Error::Invalid {
                path: path.to_path_buf(),
                what: "clinic overlay",
                problems: vec![message],
            },
        }
    }

    /// The base's language this overlay extends: its own `meta.language`, if it sets one.
    pub fn language(&self) -> Option<&str> {
        self.overlay.meta.language.as_deref()
    }
}

/// The warning for an overlay whose base changed after the clinic last reviewed it;
/// `None` while the review is as recent as the base.
pub fn review_warning(path: &Path, base_updated: &Datetime, reviewed: &Datetime) -> Option<String> {
    let day = |d: &Datetime| d.date.map(|d| (d.year, d.month, d.day));
    (day(base_updated) > day(reviewed)).then(|| {
        format!(
            "{}: the base was updated on {base_updated} after this overlay was reviewed on \
             {reviewed}: review it and set `reviewed` in [extends]",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_is_told_by_its_extends_table() {
        assert!(is_overlay("# a clinic's\n[extends]\nhandout = \"x\"\n"));
        assert!(is_overlay("  [extends]   # why\n"));
        assert!(is_overlay("extends = { handout = \"x\" }\n"));
        assert!(!is_overlay("[meta]\nid = \"x\"\n# [extends]\n"));
        assert!(!is_overlay("[extends.more]\n"));
        assert!(!is_overlay("extended = 1\n"));
    }

    #[test]
    fn a_review_older_than_the_base_is_warned_about() {
        let date = |s: &str| s.parse::<Datetime>().unwrap();
        let path = Path::new("o.toml");
        assert!(
            review_warning(path, &date("2026-12-01"), &date("2026-11-30"))
                .unwrap()
                .contains("updated on 2026-12-01 after this overlay was reviewed on 2026-11-30")
        );
        assert_eq!(
            review_warning(path, &date("2026-11-30"), &date("2026-11-30")),
            None
        );
    }
}

//! What the handouts of a library are, as `handout list --json` and the server's API
//! describe them, and how a code finds them.

use std::path::Path;

use crate::dates::{self, Review};
use crate::model::Handout;
use crate::select::preset_names;

/// ICD-10-CM codes nest by prefix: M48.06 covers M48.061 and M48.062. A handout
/// matches when one of its codes is the code asked for, or under it, or above it.
pub fn matches_code(handout: &Handout, wanted: &str) -> bool {
    let norm = |c: &str| c.trim().to_ascii_uppercase().replace('.', "");
    let wanted = norm(wanted);
    !wanted.is_empty()
        && handout.meta.codes.iter().any(|c| {
            let c = norm(c);
            c.starts_with(&wanted) || wanted.starts_with(&c)
        })
}

/// One handout in `list --json`.
#[derive(serde::Serialize)]
pub struct ListEntry {
    id: String,
    title: String,
    language: String,
    file: String,
    codes: Vec<String>,
    presets: Vec<String>,
    /// The sections of each preset the handout defines (`full` is every section).
    preset_sections: std::collections::BTreeMap<String, Vec<String>>,
    /// The page count each preset that names one must fit on.
    preset_pages: std::collections::BTreeMap<String, u32>,
    last_updated: String,
    review_due: Option<String>,
    review_overdue: bool,
    sections: Vec<ListSection>,
    /// For a clinic overlay: what it extends, and the warning when that moved since the
    /// overlay's review.
    #[serde(skip_serializing_if = "Option::is_none")]
    overlay: Option<ListOverlay>,
}

#[derive(serde::Serialize)]
pub struct ListOverlay {
    base: String,
    base_file: String,
    warning: Option<String>,
}

#[derive(serde::Serialize)]
pub struct ListSection {
    id: String,
    title: String,
    items: usize,
}

impl ListEntry {
    /// The entry of a library's handout, saying what it extends if it is an overlay.
    pub fn of(entry: &crate::library::Entry, today: i64) -> Self {
        ListEntry {
            overlay: entry.overlay.as_ref().map(|o| ListOverlay {
                base: o.base_id.clone(),
                base_file: o.base.display().to_string(),
                warning: o.warning.clone(),
            }),
            ..ListEntry::new(&entry.handout, &entry.path, today)
        }
    }

    pub fn new(h: &Handout, file: &Path, today: i64) -> Self {
        ListEntry {
            id: h.meta.id.clone(),
            title: h.meta.title.clone(),
            language: h.meta.language.clone(),
            file: file.display().to_string(),
            codes: h.meta.codes.clone(),
            presets: preset_names(h),
            preset_sections: h
                .presets
                .iter()
                .map(|(name, preset)| (name.clone(), preset.sections.clone()))
                .collect(),
            preset_pages: h
                .presets
                .iter()
                .filter_map(|(name, preset)| Some((name.clone(), preset.pages?)))
                .collect(),
            overlay: None,
            last_updated: dates::iso(&h.meta.last_updated),
            review_due: h.meta.review_due.as_ref().map(dates::iso),
            review_overdue: matches!(
                Review::of(h.meta.review_due.as_ref(), today),
                Review::Overdue(_)
            ),
            sections: h
                .sections
                .iter()
                .map(|s| ListSection {
                    id: s.id().to_string(),
                    title: s.title.clone(),
                    items: s.item_count(),
                })
                .collect(),
        }
    }
}

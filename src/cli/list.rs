//! `handout list`: what handouts there are, with their codes, review status and sections.

use std::path::{Path, PathBuf};

use super::{review_due, summary, xliff};
use crate::catalog::{matches_code, ListEntry};
use crate::dates::{self, Review};
use crate::error::Error;
use crate::library::{self, Entry};
use crate::model::{self, Handout};
use crate::select::preset_names;

#[derive(Debug, clap::Args)]
pub(super) struct ListArgs {
    /// A handout file, or a directory of them
    #[arg(default_value = "handouts")]
    path: PathBuf,
    /// Only handouts for this ICD-10-CM code or any code under it (M48.06 finds M48.061)
    #[arg(long)]
    code: Option<String>,
    /// Print JSON for scripts instead of text
    #[arg(long)]
    json: bool,
}

/// The handout files under `path`: the file itself, or the `.toml` files in a directory,
/// sorted by name.
fn handout_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    model::toml_files(path)
}

pub(super) fn run(args: &ListArgs) -> Result<(), Error> {
    let (path, code, json) = (args.path.as_path(), args.code.as_deref(), args.json);
    let files = handout_files(path)?;
    let mut found = Vec::new();
    let mut failed = 0;
    for file in &files {
        match library::load_file(file) {
            Ok(loaded) => {
                if code.is_none_or(|c| matches_code(&loaded.handout, c)) {
                    found.push(Entry {
                        path: file.clone(),
                        handout: loaded.handout,
                        hash: loaded.hash,
                        overlay: loaded.overlay,
                    });
                }
            }
            Err(err) => {
                eprintln!("error: {err}");
                failed += 1;
            }
        }
    }
    let today = dates::today();
    let mut sources = xliff::Sources::default();
    let translations: Vec<Option<String>> = found
        .iter()
        .map(|e| {
            sources
                .status(&e.path, &e.handout)
                .map(|s| translation_text(&s))
        })
        .collect();
    let out = if json {
        let entries: Vec<ListEntry> = found
            .iter()
            .map(|entry| ListEntry::of(entry, today))
            .collect();
        let mut entries = serde_json::to_value(&entries)
            .map_err(|e| Error::Pdf(format!("cannot write JSON: {e}")))?;
        if let Some(list) = entries.as_array_mut() {
            for (entry, translation) in list.iter_mut().zip(&translations) {
                if let Some(text) = translation {
                    entry["translation"] = text.clone().into();
                }
            }
        }
        let mut text = serde_json::to_string_pretty(&entries)
            .map_err(|e| Error::Pdf(format!("cannot write JSON: {e}")))?;
        text.push('\n');
        text
    } else {
        found
            .iter()
            .zip(&translations)
            .map(|(entry, translation)| {
                let mut text = describe(entry, today);
                if let Some(translation) = translation {
                    text.push_str(&format!(
                        "  translation: {translation}
"
                    ));
                }
                text
            })
            .collect()
    };
    print!("{out}");
    summary(failed, files.len())
}

fn review_text(handout: &Handout, today: i64) -> String {
    let due = review_due(handout);
    match Review::of(handout.meta.review_due.as_ref(), today) {
        Review::Unscheduled => "no review date".to_string(),
        Review::Due(_) => format!("current (review due {due})"),
        Review::Overdue(days) => format!("OVERDUE by {days} days (was due {due})"),
    }
}

fn describe(entry: &Entry, today: i64) -> String {
    let (handout, file) = (&entry.handout, &entry.path);
    let meta = &handout.meta;
    let mut s = format!("{}  {}\n", meta.id, meta.title);
    s.push_str(&format!("  file:     {}\n", file.display()));
    if let Some(overlay) = &entry.overlay {
        s.push_str(&format!(
            "  extends:  {} ({})\n",
            overlay.base_id,
            overlay.base.display()
        ));
        if let Some(warning) = &overlay.warning {
            s.push_str(&format!("  warning:  {warning}\n"));
        }
    }
    // A translation may share its source's id: the language tells them apart.
    s.push_str(&format!("  language: {}\n", meta.language));
    s.push_str(&format!("  review:   {}\n", review_text(handout, today)));
    if !meta.codes.is_empty() {
        s.push_str(&format!("  codes:    {}\n", meta.codes.join(", ")));
    }
    s.push_str(&format!(
        "  presets:  {}\n",
        preset_names(handout).join(", ")
    ));
    s.push_str("  sections:\n");
    let width = handout
        .sections
        .iter()
        .map(|sec| sec.id().len())
        .max()
        .unwrap_or(0);
    for section in &handout.sections {
        let n = section.item_count();
        s.push_str(&format!(
            "    {:<width$}  {:>3} item{}  {}\n",
            section.id(),
            n,
            if n == 1 { " " } else { "s" },
            section.title
        ));
    }
    s
}

/// A translation's standing in one line: current, or which sections are stale, and
/// how much of the English it covers.
fn translation_text(status: &crate::translation::Status) -> String {
    let translated = status.english_sections - status.missing.len();
    let mut text = if status.stale.is_empty() {
        "current".to_string()
    } else {
        let ids: Vec<&str> = status
            .stale
            .iter()
            .map(|s| {
                if s.head {
                    "title and disclaimer"
                } else {
                    s.section.as_str()
                }
            })
            .collect();
        format!("STALE: {} (English changed since)", ids.join(", "))
    };
    if !status.unstamped.is_empty() {
        text.push_str(&format!(
            "; no fingerprint: {}",
            status.unstamped.join(", ")
        ));
    }
    if !status.missing.is_empty() {
        text.push_str(&format!(
            "; partial: {translated} of {} sections",
            status.english_sections
        ));
    }
    text
}

//! An overlay's changes applied to its base, each checked against the base as it is now.

use std::path::Path;

use super::OverlayFile;
use crate::error::{Error, SourceError};
use crate::model::{self, Handout, Place, Section, Spans, FULL_PRESET};

/// The base with the overlay's changes: meta and disclaimer, sections removed (and left
/// out of the base's presets), text reworded, sections and blocks added, presets set. A
/// change that no longer fits the base is an error at its place in the overlay at `path`.
pub fn apply(path: &Path, file: &OverlayFile, base: &Handout) -> Result<Handout, Error> {
    let overlay = &file.overlay;
    let at = |message: String, place: Place| file.error(path, message, place);
    let mut handout = base.clone();
    let ids = |h: &Handout| -> String {
        let ids: Vec<&str> = h.sections.iter().map(Section::id).collect();
        ids.join(", ")
    };
    let base_name = format!("the base {:?}", base.meta.id);

    set_meta(&mut handout, file);
    if let Some(disclaimer) = &overlay.disclaimer {
        handout.disclaimer = disclaimer.clone();
    }

    for (i, removed) in overlay.remove.iter().enumerate() {
        let Some(position) = position(&handout, &removed.section) else {
            return Err(at(
                format!(
                    "{base_name} has no section {:?} to remove; its sections: {}",
                    removed.section,
                    ids(&handout)
                ),
                Place::of("remove").index(i).key("section"),
            ));
        };
        handout.sections.remove(position);
        // Removed means not printed, in any of the base's presets either.
        for preset in handout.presets.values_mut() {
            preset.sections.retain(|s| *s != removed.section);
        }
    }

    for (i, replace) in overlay.replace.iter().enumerate() {
        let place = |key: &str| Place::of("replace").index(i).key(key);
        let Some(position) = position(&handout, &replace.section) else {
            return Err(at(
                format!(
                    "{base_name} has no section {:?}; its sections: {}",
                    replace.section,
                    ids(&handout)
                ),
                place("section"),
            ));
        };
        if replace.text.trim().is_empty() {
            return Err(at(
                "`text` is empty: quote the sentence or item to replace".into(),
                place("text"),
            ));
        }
        let mut found = 0;
        handout.sections[position].texts_mut(&mut |text| {
            if text.contains(&replace.text) {
                *text = text.replace(&replace.text, &replace.with);
                found += 1;
            }
        });
        if found == 0 {
            return Err(at(
                format!(
                    "section {:?} of {base_name} no longer has this text; quote a sentence or \
                     item exactly as the base has it now",
                    replace.section
                ),
                place("text"),
            ));
        }
    }

    for (i, addition) in overlay.sections.iter().enumerate() {
        let place = |key: &str| Place::of("sections").index(i).key(key);
        if let Some(into) = &addition.into {
            if addition.after.is_some() {
                return Err(at(
                    "give `after` (a new section) or `into` (blocks for a base section), not both"
                        .into(),
                    place("into"),
                ));
            }
            if addition.id.is_some() || addition.title.is_some() {
                let key = if addition.id.is_some() { "id" } else { "title" };
                return Err(at(
                    format!(
                        "blocks added `into` a section take no `{key}`: they join section {into:?}"
                    ),
                    place(key),
                ));
            }
            let Some(position) = position(&handout, into) else {
                return Err(at(
                    format!(
                        "{base_name} has no section {into:?}; its sections: {}",
                        ids(&handout)
                    ),
                    place("into"),
                ));
            };
            handout.sections[position]
                .blocks
                .extend(addition.blocks.iter().cloned());
            continue;
        }
        let (Some(id), Some(title)) = (&addition.id, &addition.title) else {
            let missing = if addition.id.is_none() { "id" } else { "title" };
            return Err(at(
                format!("a new section needs an `{missing}` (or `into` to add blocks to a base section)"),
                Place::of("sections").index(i),
            ));
        };
        if position(&handout, id.get_ref()).is_some() {
            return Err(at(
                format!(
                    "section id {:?} is taken (by {base_name} or an earlier added section); \
                     choose another",
                    id.get_ref()
                ),
                place("id"),
            ));
        }
        let index = match &addition.after {
            None => handout.sections.len(),
            Some(after) => match position(&handout, after) {
                Some(p) => p + 1,
                None => {
                    return Err(at(
                        format!(
                            "{base_name} has no section {after:?} to place this after; its \
                             sections: {}",
                            ids(&handout)
                        ),
                        place("after"),
                    ))
                }
            },
        };
        let section = Section {
            id: id.clone(),
            title: title.clone(),
            blocks: addition.blocks.clone(),
            translated_from: None,
        };
        handout.sections.insert(index, section);
    }

    for (name, preset) in &overlay.presets {
        if name == FULL_PRESET {
            return Err(at(
                "`full` is every section in order and cannot be redefined".into(),
                Place::of("presets").key(name).name(),
            ));
        }
        for (j, section) in preset.sections.iter().enumerate() {
            if position(&handout, section).is_none() {
                return Err(at(
                    format!(
                        "presets.{name} names section {section:?}, which the handout with this \
                         overlay lacks; its sections: {}",
                        ids(&handout)
                    ),
                    Place::of("presets")
                        .key(name)
                        .table_key("sections")
                        .index(j),
                ));
            }
        }
        let mut preset = preset.clone();
        // A brief redefined as a list is still held to the base's page target.
        if preset.pages.is_none() {
            preset.pages = handout.presets.get(name).and_then(|p| p.pages);
        }
        handout.presets.insert(name.clone(), preset);
    }

    model::validate(&handout).map_err(|problems| {
        let spans = Spans::new(&file.text);
        Error::Invalid {
            path: path.to_path_buf(),
            what: "handout with its clinic overlay",
            problems: problems
                .into_iter()
                .map(|p| match p.place.and_then(|place| spans.find(&place)) {
                    Some(span) => {
                        SourceError::at(path, &file.text, span.start, p.message).to_string()
                    }
                    None => format!("{}: {}", path.display(), p.message),
                })
                .collect(),
        }
    })?;
    Ok(handout)
}

fn position(handout: &Handout, id: &str) -> Option<usize> {
    handout.sections.iter().position(|s| s.id() == id)
}

/// The overlay's meta keys over the base's.
fn set_meta(handout: &mut Handout, file: &OverlayFile) {
    let (meta, changes) = (&mut handout.meta, &file.overlay.meta);
    meta.id = changes.id.clone();
    let set = |to: &mut String, from: &Option<String>| {
        if let Some(value) = from {
            to.clone_from(value);
        }
    };
    set(&mut meta.title, &changes.title);
    set(&mut meta.language, &changes.language);
    set(&mut meta.reviewed_by, &changes.reviewed_by);
    if changes.subtitle.is_some() {
        meta.subtitle.clone_from(&changes.subtitle);
    }
    if changes.version.is_some() {
        meta.version.clone_from(&changes.version);
    }
    if changes.url.is_some() {
        meta.url.clone_from(&changes.url);
    }
    if let Some(codes) = &changes.codes {
        meta.codes.clone_from(codes);
    }
    if let Some(sources) = &changes.sources {
        meta.sources.clone_from(sources);
    }
    if let Some(date) = changes.last_updated {
        meta.last_updated = date;
    }
    if changes.review_due.is_some() {
        meta.review_due = changes.review_due;
    }
}

//! Which sections go into a build, and in what order.

use std::path::Path;

use crate::error::Error;
use crate::model::{Handout, Section};

pub use crate::model::{Selection, FULL_PRESET};

/// The names a `--preset` may take for this handout: `full` first, then the handout's own.
pub fn preset_names(handout: &Handout) -> Vec<String> {
    std::iter::once(FULL_PRESET.to_string())
        .chain(handout.presets.keys().cloned())
        .collect()
}

/// The pages a selection must fit on: its preset's `pages`, if it names one.
pub fn page_target(handout: &Handout, selection: &Selection) -> Option<u32> {
    match selection {
        Selection::Preset(name) => handout.presets.get(name).and_then(|p| p.pages),
        Selection::Sections(_) => None,
    }
}

/// Resolves a selection to sections. `path` is only used in messages.
pub fn select<'a>(
    handout: &'a Handout,
    path: &Path,
    selection: &Selection,
) -> Result<Vec<&'a Section>, Error> {
    let ids: Vec<String> = match selection {
        Selection::Preset(name) if name == FULL_PRESET => {
            return Ok(handout.sections.iter().collect());
        }
        Selection::Preset(name) => handout
            .presets
            .get(name)
            .map(|preset| preset.sections.clone())
            .ok_or_else(|| Error::UnknownPreset {
                path: path.to_path_buf(),
                name: name.clone(),
                valid: preset_names(handout),
            })?,
        Selection::Sections(ids) => ids.clone(),
    };
    if ids.is_empty() {
        return Err(Error::NothingSelected);
    }
    let mut chosen: Vec<&Section> = Vec::with_capacity(ids.len());
    for id in &ids {
        let section = handout
            .sections
            .iter()
            .find(|s| s.id() == id)
            .ok_or_else(|| Error::UnknownSection {
                path: path.to_path_buf(),
                id: id.clone(),
                valid: handout
                    .sections
                    .iter()
                    .map(|s| s.id().to_string())
                    .collect(),
            })?;
        if chosen.iter().any(|s| s.id() == id) {
            return Err(Error::DuplicateSection { id: id.clone() });
        }
        chosen.push(section);
    }
    Ok(chosen)
}

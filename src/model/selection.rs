//! What the clinician asks to print. Resolving it against a handout is [`crate::select`]'s
//! work; the request itself is an input, named by the command line, a profile or a batch.

/// What the clinician asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// A named preset: `full` (built in) or one from the handout's `[presets]`.
    Preset(String),
    /// Section ids, printed in the order given.
    Sections(Vec<String>),
}

impl Selection {
    /// What `--sections` or `--preset` (or a request's `sections` and `preset`) ask for:
    /// section ids, trimmed and without empty ones, over a preset; nothing when neither
    /// is given.
    pub fn asked(sections: Option<&[String]>, preset: Option<&str>) -> Option<Selection> {
        match (sections, preset) {
            (Some(ids), _) => Some(Selection::Sections(
                ids.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            )),
            (None, Some(preset)) => Some(Selection::Preset(preset.to_string())),
            (None, None) => None,
        }
    }

    /// A short name for output files: the preset name, or `sections` for a custom list.
    pub fn file_label(&self) -> &str {
        match self {
            Selection::Preset(name) => name,
            Selection::Sections(_) => "sections",
        }
    }
}

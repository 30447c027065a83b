//! Personalization at print time: who the handout is for, from whom, and the care team's
//! own notes. From command-line flags or a small TOML file.

use std::path::Path;

use serde::Deserialize;
use toml::value::Datetime;

use crate::error::Error;

/// What is printed for one patient.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Personal {
    #[serde(default)]
    pub patient: Option<String>,
    #[serde(default)]
    pub date: Option<Datetime>,
    #[serde(default)]
    pub clinician: Option<String>,
    #[serde(default)]
    pub follow_up: Option<String>,
    /// Paragraphs of notes from the care team.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Add a lined "My notes" area for handwriting at the end.
    #[serde(default)]
    pub notes_area: bool,
}

impl Personal {
    pub fn is_empty(&self) -> bool {
        self == &Personal::default()
    }

    /// Fields set in `other` replace these (command-line flags over a file); notes given
    /// on the command line replace the file's notes.
    pub fn overridden_by(mut self, other: Personal) -> Personal {
        self.patient = other.patient.or(self.patient);
        self.date = other.date.or(self.date);
        self.clinician = other.clinician.or(self.clinician);
        self.follow_up = other.follow_up.or(self.follow_up);
        if !other.notes.is_empty() {
            self.notes = other.notes;
        }
        self.notes_area |= other.notes_area;
        self
    }

    /// Every printed field with its name, for the checks.
    pub fn texts(&self) -> Vec<(String, &str)> {
        let mut texts = Vec::new();
        for (key, value) in [
            ("patient", &self.patient),
            ("clinician", &self.clinician),
            ("follow-up", &self.follow_up),
        ] {
            if let Some(v) = value {
                texts.push((key.to_string(), v.as_str()));
            }
        }
        for (i, note) in self.notes.iter().enumerate() {
            texts.push((format!("note {}", i + 1), note.as_str()));
        }
        texts
    }

    /// Refuses empty fields, control characters and times where a date is wanted.
    pub fn check(&self) -> Result<(), String> {
        for (key, text) in self.texts() {
            if text.trim().is_empty() {
                return Err(format!("{key} is empty"));
            }
            if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n') {
                return Err(format!(
                    "{key} contains the control character U+{:04X}, which cannot be printed",
                    c as u32
                ));
            }
        }
        if let Some(date) = &self.date {
            if date.date.is_none() || date.time.is_some() {
                return Err(format!(
                    "date must be a plain date such as 2026-11-25, not {date}"
                ));
            }
        }
        Ok(())
    }
}

/// Parses a date given on the command line.
pub fn parse_date(text: &str) -> Result<Datetime, String> {
    match text.trim().parse::<Datetime>() {
        Ok(d) if d.date.is_some() && d.time.is_none() => Ok(d),
        _ => Err(format!(
            "--date {text:?}: give the date as YYYY-MM-DD, e.g. 2026-11-25"
        )),
    }
}

/// Reads a personalization file (`--personal FILE`).
pub fn load(path: &Path) -> Result<Personal, Error> {
    let personal: Personal = crate::model::read_toml(path)?;
    personal.check().map_err(|why| Error::Invalid {
        path: path.to_path_buf(),
        what: "personal-details file",
        problems: vec![why],
    })?;
    Ok(personal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file() {
        let file = Personal {
            patient: Some("A".into()),
            clinician: Some("Dr B".into()),
            notes: vec!["file note".into()],
            ..Personal::default()
        };
        let flags = Personal {
            patient: Some("C".into()),
            ..Personal::default()
        };
        let merged = file.overridden_by(flags);
        assert_eq!(merged.patient.as_deref(), Some("C"));
        assert_eq!(merged.clinician.as_deref(), Some("Dr B"));
        assert_eq!(merged.notes, ["file note"]);
    }

    #[test]
    fn dates_must_be_plain_dates() {
        let date = parse_date(" 2026-11-25 ").unwrap().date.unwrap();
        assert_eq!((date.year, date.month, date.day), (2026, 11, 25));
        assert!(parse_date("25/11/2026").is_err());
        assert!(parse_date("2026-11-25T10:00:00").is_err());
    }
}

//! Every fixed word the tool prints, so that a handout in another language, or a clinic's
//! own wording, changes them all in one place.

use std::collections::BTreeMap;

/// The words printed around the handout's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// `{page}` and `{pages}` are replaced by numbers.
    pub page_of: String,
    pub last_reviewed: String,
    pub reviewed_by: String,
    pub dose: String,
    pub timing: String,
    pub side_effects: String,
    pub note: String,
    pub purpose: String,
    pub how_it_works: String,
    pub what_is_done: String,
    pub benefits: String,
    pub do_heading: String,
    pub avoid_heading: String,
    pub emergency: String,
    pub soon: String,
    pub sources: String,
    pub for_patient: String,
    pub from_clinician: String,
    pub date: String,
    pub follow_up: String,
    pub notes: String,
    pub my_notes: String,
    pub scan_link: String,
    /// What a screen reader says for the QR code; `{url}` is replaced by the address.
    pub qr_code: String,
    /// `{day}`, `{month}` and `{year}` are replaced.
    pub date_format: String,
    pub months: [String; 12],
}

/// The names of the single-string labels, as written in a profile's `[labels]` table.
pub const NAMES: [&str; 25] = [
    "page_of",
    "last_reviewed",
    "reviewed_by",
    "dose",
    "timing",
    "side_effects",
    "note",
    "purpose",
    "how_it_works",
    "what_is_done",
    "benefits",
    "do",
    "avoid",
    "emergency",
    "soon",
    "sources",
    "for",
    "from",
    "date",
    "follow_up",
    "notes",
    "my_notes",
    "scan_link",
    "qr_code",
    "date_format",
];

impl Labels {
    pub fn english() -> Self {
        Labels {
            page_of: "Page {page} of {pages}".into(),
            last_reviewed: "Last reviewed".into(),
            reviewed_by: "by".into(),
            dose: "Dose".into(),
            timing: "When".into(),
            side_effects: "Side effects".into(),
            note: "Note".into(),
            purpose: "What it is for".into(),
            how_it_works: "How it works".into(),
            what_is_done: "What is done".into(),
            benefits: "Benefits".into(),
            do_heading: "Do".into(),
            avoid_heading: "Avoid".into(),
            emergency: "Call 911 or go to the emergency room now if you have:".into(),
            soon: "Call your doctor soon if you have:".into(),
            sources: "Sources".into(),
            for_patient: "For".into(),
            from_clinician: "From".into(),
            date: "Date".into(),
            follow_up: "Follow-up".into(),
            notes: "Notes from your care team".into(),
            my_notes: "My notes".into(),
            scan_link: "Scan the code or open this link to read the handout online:".into(),
            qr_code: "QR code that opens {url}".into(),
            date_format: "{month} {day}, {year}".into(),
            months: [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ]
            .map(String::from),
        }
    }

    pub fn spanish() -> Self {
        Labels {
            page_of: "Página {page} de {pages}".into(),
            last_reviewed: "Última revisión:".into(),
            reviewed_by: "por".into(),
            dose: "Dosis".into(),
            timing: "Cuándo".into(),
            side_effects: "Efectos secundarios".into(),
            note: "Nota".into(),
            purpose: "Para qué sirve".into(),
            how_it_works: "Cómo funciona".into(),
            what_is_done: "Qué se hace".into(),
            benefits: "Beneficios".into(),
            do_heading: "Haga".into(),
            avoid_heading: "Evite".into(),
            emergency: "Llame al 911 o vaya a la sala de emergencias ahora si tiene:".into(),
            soon: "Llame a su médico pronto si tiene:".into(),
            sources: "Fuentes".into(),
            for_patient: "Para".into(),
            from_clinician: "De".into(),
            date: "Fecha".into(),
            follow_up: "Próxima cita".into(),
            notes: "Notas de su equipo de atención".into(),
            my_notes: "Mis notas".into(),
            scan_link: "Escanee el código o abra este enlace para leer el folleto en línea:".into(),
            qr_code: "Código QR que abre {url}".into(),
            date_format: "{day} de {month} de {year}".into(),
            months: [
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ]
            .map(String::from),
        }
    }

    /// The built-in labels for a BCP 47 language tag: Spanish for `es` and its regional
    /// forms, English otherwise.
    pub fn for_language(tag: &str) -> Self {
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "es" => Labels::spanish(),
            _ => Labels::english(),
        }
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "page_of" => &mut self.page_of,
            "last_reviewed" => &mut self.last_reviewed,
            "reviewed_by" => &mut self.reviewed_by,
            "dose" => &mut self.dose,
            "timing" => &mut self.timing,
            "side_effects" => &mut self.side_effects,
            "note" => &mut self.note,
            "purpose" => &mut self.purpose,
            "how_it_works" => &mut self.how_it_works,
            "what_is_done" => &mut self.what_is_done,
            "benefits" => &mut self.benefits,
            "do" => &mut self.do_heading,
            "avoid" => &mut self.avoid_heading,
            "emergency" => &mut self.emergency,
            "soon" => &mut self.soon,
            "sources" => &mut self.sources,
            "for" => &mut self.for_patient,
            "from" => &mut self.from_clinician,
            "date" => &mut self.date,
            "follow_up" => &mut self.follow_up,
            "notes" => &mut self.notes,
            "my_notes" => &mut self.my_notes,
            "scan_link" => &mut self.scan_link,
            "qr_code" => &mut self.qr_code,
            "date_format" => &mut self.date_format,
            _ => return None,
        })
    }

    /// Replaces labels by name (a profile's `[labels]` table). An unknown name is an
    /// error listing the valid ones.
    pub fn apply(&mut self, overrides: &BTreeMap<String, LabelValue>) -> Result<(), String> {
        for (name, value) in overrides {
            match (name.as_str(), value) {
                ("months", LabelValue::List(months)) => {
                    self.months = months.clone().try_into().map_err(|_| {
                        "labels.months must list exactly 12 month names".to_string()
                    })?;
                }
                (_, LabelValue::Text(text)) => {
                    let slot = self.get_mut(name).ok_or_else(|| {
                        format!(
                            "unknown label `{name}`; valid labels: {}, months",
                            NAMES.join(", ")
                        )
                    })?;
                    *slot = text.clone();
                }
                _ => {
                    return Err(format!(
                        "labels.{name} must be a string (labels.months: a list of 12 strings)"
                    ))
                }
            }
        }
        if !self.page_of.contains("{page}") || !self.page_of.contains("{pages}") {
            return Err("labels.page_of must contain {page} and {pages}".into());
        }
        Ok(())
    }

    pub fn page_of(&self, page: usize, pages: usize) -> String {
        self.page_of
            .replace("{page}", &page.to_string())
            .replace("{pages}", &pages.to_string())
    }

    /// A TOML date as patients read it: "May 20, 2025", "20 de mayo de 2025".
    pub fn date(&self, date: &toml::value::Datetime) -> String {
        match &date.date {
            Some(d) => {
                let month = self
                    .months
                    .get(usize::from(d.month).wrapping_sub(1))
                    .map_or("?", String::as_str);
                self.date_format
                    .replace("{month}", month)
                    .replace("{day}", &d.day.to_string())
                    .replace("{year}", &d.year.to_string())
            }
            None => date.to_string(),
        }
    }

    /// Every printed label, for checking that the fonts can draw them (`qr_code` is
    /// only spoken).
    pub fn all(&self) -> Vec<&str> {
        let mut all = vec![
            self.page_of.as_str(),
            &self.last_reviewed,
            &self.reviewed_by,
            &self.dose,
            &self.timing,
            &self.side_effects,
            &self.note,
            &self.purpose,
            &self.how_it_works,
            &self.what_is_done,
            &self.benefits,
            &self.do_heading,
            &self.avoid_heading,
            &self.emergency,
            &self.soon,
            &self.sources,
            &self.for_patient,
            &self.from_clinician,
            &self.date,
            &self.follow_up,
            &self.notes,
            &self.my_notes,
            &self.scan_link,
            &self.date_format,
        ];
        all.extend(self.months.iter().map(String::as_str));
        all
    }
}

/// A value in a profile's `[labels]` table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum LabelValue {
    Text(String),
    List(Vec<String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_and_dates_are_filled_in() {
        let labels = Labels::english();
        assert_eq!(labels.page_of(2, 7), "Page 2 of 7");
        let date: toml::value::Datetime = "2025-05-20".parse().unwrap();
        assert_eq!(labels.date(&date), "May 20, 2025");
        assert_eq!(Labels::spanish().date(&date), "20 de mayo de 2025");
        assert_eq!(Labels::for_language("es-MX").page_of(1, 2), "Página 1 de 2");
    }

    #[test]
    fn every_named_label_can_be_overridden() {
        let mut labels = Labels::english();
        for name in NAMES {
            assert!(labels.get_mut(name).is_some(), "{name}");
        }
        let mut overrides = BTreeMap::new();
        overrides.insert("do".to_string(), LabelValue::Text("Please do".into()));
        labels.apply(&overrides).unwrap();
        assert_eq!(labels.do_heading, "Please do");
        overrides.insert("dont".to_string(), LabelValue::Text("x".into()));
        let err = labels.apply(&overrides).unwrap_err();
        assert!(
            err.contains("unknown label `dont`") && err.contains("avoid"),
            "{err}"
        );
    }
}

//! Every fixed word the tool prints, so that a handout in another language, or a clinic's
//! own wording, changes them all in one place.
//!
//! English is written here; every other language is a file in `labels/`, a table in the
//! form of a clinic profile's `[labels]` (every label, `months` too), built into the
//! program and read the first time a handout in that language is laid out.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::language;

/// The built-in languages other than English, by BCP 47 tag, each with its labels.
/// A handout's language is matched against these tags in order (`zh-TW` is `zh-Hant`,
/// `fil` is `tl`, `pt-BR` is `pt`); no match is English.
const LANGUAGES: [(&str, &str); 14] = [
    ("es", include_str!("labels/es.toml")),
    ("zh-Hans", include_str!("labels/zh-Hans.toml")),
    ("zh-Hant", include_str!("labels/zh-Hant.toml")),
    ("vi", include_str!("labels/vi.toml")),
    ("ko", include_str!("labels/ko.toml")),
    ("ja", include_str!("labels/ja.toml")),
    ("tl", include_str!("labels/tl.toml")),
    ("ru", include_str!("labels/ru.toml")),
    ("ar", include_str!("labels/ar.toml")),
    ("fa", include_str!("labels/fa.toml")),
    ("hi", include_str!("labels/hi.toml")),
    ("ht", include_str!("labels/ht.toml")),
    ("fr", include_str!("labels/fr.toml")),
    ("pt", include_str!("labels/pt.toml")),
];

/// Each language's labels, read once per process when first asked for.
static PARSED: [OnceLock<Labels>; LANGUAGES.len()] = [const { OnceLock::new() }; LANGUAGES.len()];

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
    /// Written after a label that a value follows ("Dose: …"): `:`, or `：` in Chinese.
    pub colon: String,
    /// Ends a glossary term that does not end in punctuation of its own: `.`, or `。`.
    pub full_stop: String,
    /// `{day}`, `{month}` (a name from `months`), `{month_number}` (1–12) and `{year}`
    /// are replaced.
    pub date_format: String,
    /// The month names as a date prints them (in Russian, the genitive: "декабря").
    pub months: [String; 12],
}

/// The names of the single-string labels, as written in a profile's `[labels]` table.
pub const NAMES: [&str; 27] = [
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
    "colon",
    "full_stop",
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
            colon: ":".into(),
            full_stop: ".".into(),
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

    /// The built-in labels for a BCP 47 language tag (see `LANGUAGES`); English for a
    /// language without its own.
    pub fn for_language(tag: &str) -> Self {
        let tags = LANGUAGES.map(|(tag, _)| tag);
        match language::best_match(tag, &tags) {
            Some(i) => PARSED[i]
                .get_or_init(|| {
                    // The tests read every file; were one ever not to parse, English
                    // would be printed rather than nothing.
                    Labels::from_table(LANGUAGES[i].1).unwrap_or_else(|_| Labels::english())
                })
                .clone(),
            None => Labels::english(),
        }
    }

    /// Labels from a table of every one of them, in a profile's `[labels]` form.
    fn from_table(text: &str) -> Result<Self, String> {
        let table: BTreeMap<String, LabelValue> =
            toml::from_str(text).map_err(|e| e.to_string())?;
        let missing: Vec<&str> = NAMES
            .iter()
            .chain(&["months"])
            .filter(|name| !table.contains_key(**name))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(format!("missing labels: {}", missing.join(", ")));
        }
        let mut labels = Labels::english();
        labels.apply(&table)?;
        Ok(labels)
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
            "colon" => &mut self.colon,
            "full_stop" => &mut self.full_stop,
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

    /// A TOML date as patients read it: "May 20, 2025", "20 de mayo de 2025",
    /// "2025年5月20日". Digits are Western (0–9) in every language.
    pub fn date(&self, date: &toml::value::Datetime) -> String {
        match &date.date {
            Some(d) => {
                let month = self
                    .months
                    .get(usize::from(d.month).wrapping_sub(1))
                    .map_or("?", String::as_str);
                self.date_format
                    .replace("{month}", month)
                    .replace("{month_number}", &d.month.to_string())
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
            &self.colon,
            &self.full_stop,
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
    use std::collections::BTreeSet;

    #[test]
    fn page_numbers_and_dates_are_filled_in() {
        let labels = Labels::english();
        assert_eq!(labels.page_of(2, 7), "Page 2 of 7");
        let date: toml::value::Datetime = "2025-05-20".parse().unwrap();
        assert_eq!(labels.date(&date), "May 20, 2025");
        assert_eq!(Labels::for_language("es").date(&date), "20 de mayo de 2025");
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

    /// The built-in set written for `tag` exactly, read afresh.
    fn set(tag: &str) -> Labels {
        let (_, text) = LANGUAGES.iter().find(|(t, _)| *t == tag).unwrap();
        Labels::from_table(text).unwrap()
    }

    #[test]
    fn every_language_has_every_label() {
        let english = Labels::english();
        for (tag, text) in LANGUAGES {
            let labels = Labels::from_table(text).unwrap_or_else(|e| panic!("{tag}: {e}"));
            for label in labels.all().into_iter().chain([labels.qr_code.as_str()]) {
                assert!(!label.trim().is_empty(), "{tag}: an empty label");
                // Composed, as text from the handout is before it is measured.
                let composed: String =
                    unicode_normalization::UnicodeNormalization::nfc(label).collect();
                assert_eq!(label, composed, "{tag}: {label:?} is not in NFC");
            }
            assert!(
                labels.page_of.contains("{page}") && labels.page_of.contains("{pages}"),
                "{tag}"
            );
            assert!(labels.qr_code.contains("{url}"), "{tag}");
            let f = &labels.date_format;
            assert!(
                f.contains("{day}")
                    && f.contains("{year}")
                    && (f.contains("{month}") || f.contains("{month_number}")),
                "{tag}: {f}"
            );
            assert!(
                labels.months.iter().collect::<BTreeSet<_>>().len() == 12,
                "{tag}: months"
            );
            // Nothing left in English by mistake where the script is not even Latin.
            if !matches!(tag, "es" | "fr" | "pt" | "vi" | "tl" | "ht") {
                let english = english.all();
                for (label, name) in labels.all().into_iter().zip(&english) {
                    assert!(
                        label != *name || matches!(label, ":" | "."),
                        "{tag}: {label:?} is the English label"
                    );
                }
            }
        }
    }

    #[test]
    fn a_language_tag_picks_its_labels() {
        for (asked, expected) in [
            ("es", "es"),
            ("es-MX", "es"),
            ("ES-us", "es"),
            ("zh", "zh-Hans"),
            ("zh-CN", "zh-Hans"),
            ("zh-SG", "zh-Hans"),
            ("zh-Hans", "zh-Hans"),
            ("zh-Hans-CN", "zh-Hans"),
            ("zh-TW", "zh-Hant"),
            ("zh-HK", "zh-Hant"),
            ("zh-MO", "zh-Hant"),
            ("zh-Hant", "zh-Hant"),
            ("zh_hant_tw", "zh-Hant"),
            ("vi-VN", "vi"),
            ("ko-KR", "ko"),
            ("ja", "ja"),
            ("tl", "tl"),
            ("fil", "tl"),
            ("fil-PH", "tl"),
            ("ru-RU", "ru"),
            ("ar-SA", "ar"),
            ("fa-IR", "fa"),
            ("hi-IN", "hi"),
            ("ht", "ht"),
            ("fr-CA", "fr"),
            ("pt-BR", "pt"),
            ("pt-PT", "pt"),
        ] {
            assert_eq!(Labels::for_language(asked), set(expected), "{asked}");
        }
        for english in ["en", "en-US", "de", "zh-Latn", "", "not a tag", "x-klingon"] {
            assert_eq!(
                Labels::for_language(english),
                Labels::english(),
                "{english:?}"
            );
        }
        // Which is only a test if the sets differ from one another.
        let mut page_of = BTreeSet::new();
        for (tag, _) in LANGUAGES {
            assert!(
                page_of.insert(format!("{:?}", set(tag))),
                "{tag} is another's copy"
            );
        }
        assert_ne!(set("zh-Hans").page_of, set("zh-Hant").page_of);
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let date: toml::value::Datetime = "2026-12-01".parse().unwrap();
        let may: toml::value::Datetime = "2025-05-20".parse().unwrap();
        for (tag, december, in_may) in [
            ("en", "December 1, 2026", "May 20, 2025"),
            ("es", "1 de diciembre de 2026", "20 de mayo de 2025"),
            ("fr", "1 décembre 2026", "20 mai 2025"),
            ("pt", "1 de dezembro de 2026", "20 de maio de 2025"),
            ("ru", "1 декабря 2026\u{a0}г.", "20 мая 2025\u{a0}г."),
            ("vi", "1 tháng 12 năm 2026", "20 tháng 5 năm 2025"),
            ("zh-Hans", "2026年12月1日", "2025年5月20日"),
            ("zh-Hant", "2026年12月1日", "2025年5月20日"),
            ("ja", "2026年12月1日", "2025年5月20日"),
            ("ko", "2026년 12월 1일", "2025년 5월 20일"),
            ("ar", "1 ديسمبر 2026", "20 مايو 2025"),
            ("fa", "1 دسامبر 2026", "20 مه 2025"),
            ("hi", "1 दिसंबर 2026", "20 मई 2025"),
            ("tl", "Disyembre 1, 2026", "Mayo 20, 2025"),
            ("ht", "1 desanm 2026", "20 me 2025"),
        ] {
            let labels = Labels::for_language(tag);
            assert_eq!(labels.date(&date), december, "{tag}");
            assert_eq!(labels.date(&may), in_may, "{tag}");
        }
        let mut numeric = Labels::english();
        numeric.date_format = "{day}.{month_number}.{year} ({month})".into();
        assert_eq!(numeric.date(&date), "1.12.2026 (December)");
    }

    #[test]
    fn a_profile_still_rewords_a_language_label() {
        let mut labels = Labels::for_language("zh-TW");
        let mut overrides = BTreeMap::new();
        overrides.insert("follow_up".to_string(), LabelValue::Text("回診".into()));
        labels.apply(&overrides).unwrap();
        assert_eq!(labels.follow_up, "回診");
        assert_eq!(labels.do_heading, "應該做");
        // The cached set is not changed by it.
        assert_eq!(Labels::for_language("zh-Hant").follow_up, "複診");
    }
}

//! Every fixed word the tool prints, so that a handout in another language, or a clinic's
//! own wording, changes them all in one place.

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
    pub months: [String; 12],
}

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

    /// The built-in labels for a BCP 47 language tag; English when there are none for it.
    pub fn for_language(_tag: &str) -> Self {
        Labels::english()
    }

    pub fn page_of(&self, page: usize, pages: usize) -> String {
        self.page_of
            .replace("{page}", &page.to_string())
            .replace("{pages}", &pages.to_string())
    }

    /// A TOML date as patients read it: "May 20, 2025".
    pub fn date(&self, date: &toml::value::Datetime) -> String {
        match &date.date {
            Some(d) => {
                let month = self
                    .months
                    .get(usize::from(d.month).wrapping_sub(1))
                    .map_or("?", String::as_str);
                format!("{month} {}, {}", d.day, d.year)
            }
            None => date.to_string(),
        }
    }

    /// Every label, for checking that the fonts can draw them.
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
        ];
        all.extend(self.months.iter().map(String::as_str));
        all
    }
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
    }
}

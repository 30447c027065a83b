//! Reading level of patient text, per section and overall, with the longest sentences,
//! by formulas made for the handout's language (`meta.language`):
//!
//! - English: Flesch–Kincaid grade and SMOG grade, words per sentence and the share of
//!   long words. Patient materials should read at grade 8 or below (AMA, NIH and CDC
//!   guidance).
//! - Spanish: Szigriszt-Pazos on the INFLESZ scale, with its band, and Fernández-Huerta
//!   ([`spanish`]). INFLESZ asks at least 55 ("normal") of text for patients.
//! - Any other language: not scored. A formula fitted to English readers says nothing
//!   true about French or Vietnamese, so none is applied.

pub mod english;
pub mod spanish;

use crate::language::Tag;
use crate::model::Handout;

pub use english::syllables;

/// A word's syllables in either language: `letters` counts each part of a word joined
/// by dashes or slashes, from its lower-case letters; a number, however written ("6–8",
/// "5/325"), is one syllable, and one tagged onto a word ("omega-3") is read as part of
/// its name.
fn by_parts(word: &str, letters: fn(&[char]) -> usize) -> usize {
    if !word.chars().any(char::is_alphabetic) {
        return usize::from(word.chars().any(char::is_numeric));
    }
    let parts: Vec<&str> = word
        .split(['-', '‐', '–', '—', '/'])
        .filter(|p| p.chars().any(char::is_alphabetic))
        .collect();
    if parts.len() > 1 {
        return parts.iter().map(|p| by_parts(p, letters)).sum();
    }
    let w: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    letters(&w)
}

/// Which formulas score a handout, by its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scoring {
    /// Flesch–Kincaid and SMOG grades.
    English,
    /// Szigriszt-Pazos (INFLESZ) and Fernández-Huerta.
    Spanish,
    /// No validated formula for the language: figures would mislead.
    NotScored {
        /// Why, in words for the report.
        reason: String,
    },
}

impl Scoring {
    /// The formulas for a BCP 47 tag: `en`, `en-US`... are English; `es`, `es-MX`,
    /// `es-419`... Spanish; anything else is not scored.
    pub fn for_language(tag: &str) -> Scoring {
        match Tag::parse(tag).as_ref().map(|t| t.language.as_str()) {
            Some("en") => Scoring::English,
            Some("es") => Scoring::Spanish,
            _ => Scoring::NotScored {
                reason: format!(
                    "no readability formula validated for language {tag:?} \
                     (handout scores English and Spanish only)"
                ),
            },
        }
    }

    /// The syllable counter for the language's words.
    fn syllables(&self) -> fn(&str) -> usize {
        match self {
            Scoring::Spanish => spanish::syllables,
            // Not scored: only words and sentences mean anything; the syllables this
            // counts are shown nowhere and decide nothing.
            Scoring::English | Scoring::NotScored { .. } => english::syllables,
        }
    }

    /// Whether `counts` read harder than patient text should: above `max_grade` on
    /// Flesch–Kincaid in English, below INFLESZ 55 in Spanish; never when not scored.
    pub fn above_limit(&self, counts: &Counts, max_grade: f64) -> bool {
        match self {
            Scoring::English => counts.flesch_kincaid() > max_grade,
            Scoring::Spanish => spanish::szigriszt_pazos(counts) < spanish::PLAIN_LANGUAGE_FLOOR,
            Scoring::NotScored { .. } => false,
        }
    }
}

/// Counts of one stretch of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub sentences: usize,
    pub words: usize,
    pub syllables: usize,
    /// Words of three syllables or more.
    pub polysyllables: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.sentences += other.sentences;
        self.words += other.words;
        self.syllables += other.syllables;
        self.polysyllables += other.polysyllables;
    }

    /// Flesch–Kincaid grade level.
    /// Sentences for the formulas: text made only of fragments is one sentence.
    fn sentences_for_grades(&self) -> f64 {
        self.sentences.max(usize::from(self.words > 0)) as f64
    }

    pub fn flesch_kincaid(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        0.39 * (self.words as f64 / self.sentences_for_grades())
            + 11.8 * (self.syllables as f64 / self.words as f64)
            - 15.59
    }

    /// SMOG grade, scaled to 30 sentences as McLaughlin defined it.
    pub fn smog(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        1.0430 * (self.polysyllables as f64 * 30.0 / self.sentences_for_grades()).sqrt() + 3.1291
    }

    pub fn words_per_sentence(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.words as f64 / self.sentences_for_grades()
        }
    }

    /// Share of words with three or more syllables, 0 to 1.
    pub fn long_word_share(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.polysyllables as f64 / self.words as f64
        }
    }
}

/// Splits text into sentences: at `.`, `!` or `?` followed by a space or the end. A piece
/// of text that does not end in one (a list item, a term) is a sentence of its own.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        current.push(c);
        let at_end = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if matches!(c, '.' | '!' | '?') && at_end && !(c == '.' && is_abbreviation(&current)) {
            if current
                .split_whitespace()
                .any(|w| w.chars().any(char::is_alphabetic))
            {
                out.push(current.trim().to_string());
            }
            current.clear();
        }
    }
    if current
        .split_whitespace()
        .any(|w| w.chars().any(char::is_alphabetic))
    {
        out.push(current.trim().to_string());
    }
    out
}

/// Whether the text ends in an abbreviation whose stop does not end the sentence:
/// "e.g.", "i.e.", "Dr.", "etc.".
fn is_abbreviation(text: &str) -> bool {
    let word = text
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_start_matches(['(', '[', '"', '“'])
        .trim_end_matches('.');
    word.contains('.')
        || matches!(
            word.to_lowercase().as_str(),
            "dr" | "mr" | "mrs" | "ms" | "vs" | "etc" | "approx" | "st" | "no"
        )
}

/// The words of a sentence: whatever stands between spaces and holds a letter or a
/// digit once punctuation is set aside. "L3–L4", "low-back" and "6–8" are one word
/// each, and numbers count, as in the common readability tools (textstat among them).
fn words(sentence: &str) -> impl Iterator<Item = &str> {
    sentence
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Fragments shorter than this (a label, a two-word list item) add their words to the
/// text but do not count as sentences of their own: counted as sentences, a list of
/// short items would pull the grade down as if it were easy prose.
const MIN_SENTENCE_WORDS: usize = 3;

/// Counts for one piece of English text.
pub fn count(text: &str) -> Counts {
    count_in(text, english::syllables)
}

/// Counts for one piece of text, its syllables by `syllables`.
pub fn count_in(text: &str, syllables: fn(&str) -> usize) -> Counts {
    let mut counts = Counts::default();
    for sentence in sentences(text) {
        counts.add(count_sentence(&sentence, syllables));
    }
    counts
}

/// Counts for one sentence (a fragment counts its words but not as a sentence).
fn count_sentence(sentence: &str, syllables: fn(&str) -> usize) -> Counts {
    let mut counts = Counts::default();
    for word in words(sentence) {
        let s = syllables(word);
        counts.words += 1;
        counts.syllables += s;
        if s >= 3 {
            counts.polysyllables += 1;
        }
    }
    counts.sentences = usize::from(counts.words >= MIN_SENTENCE_WORDS);
    counts
}

/// One section's figures.
#[derive(Debug, Clone)]
pub struct SectionReport {
    pub id: String,
    pub title: String,
    pub counts: Counts,
    /// The prose measured, one sentence after another, each ending in a stop: what
    /// another readability tool should be given to compare figures.
    pub text: String,
}

/// A long sentence and where it is.
#[derive(Debug, Clone)]
pub struct LongSentence {
    pub section: String,
    pub at: String,
    pub words: usize,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Report {
    /// The formulas the figures are for, by the handout's language.
    pub scoring: Scoring,
    pub sections: Vec<SectionReport>,
    pub overall: Counts,
    /// The longest sentences, longest first.
    pub longest: Vec<LongSentence>,
}

/// The reading level of every section of a handout (titles and names left out: they are
/// labels, not prose; see [`Section::labels`](crate::model::Section::labels)).
pub fn report(handout: &Handout, longest: usize) -> Report {
    let mut sections = Vec::new();
    let mut overall = Counts::default();
    let mut long = Vec::new();
    let scoring = Scoring::for_language(&handout.meta.language);
    let syllables = scoring.syllables();
    for section in &handout.sections {
        let mut counts = Counts::default();
        let mut prose = Vec::new();
        // The very strings, not equal ones: a label's words may recur in the prose.
        let labels = section.labels();
        section.texts(|at, text| {
            if labels.iter().any(|l| std::ptr::eq(*l, text)) {
                return;
            }
            let location = at();
            for sentence in sentences(text) {
                let sentence_counts = count_sentence(&sentence, syllables);
                counts.add(sentence_counts);
                prose.push(if sentence.ends_with(['.', '!', '?']) {
                    sentence.clone()
                } else {
                    format!("{sentence}.")
                });
                long.push(LongSentence {
                    section: section.id().to_string(),
                    at: location.clone(),
                    words: sentence_counts.words,
                    text: sentence,
                });
            }
        });
        overall.add(counts);
        sections.push(SectionReport {
            id: section.id().to_string(),
            title: section.title.clone(),
            counts,
            text: prose.join(" "),
        });
    }
    long.sort_by_key(|s| std::cmp::Reverse(s.words));
    long.truncate(longest);
    Report {
        scoring,
        sections,
        overall,
        longest: long,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_stops_and_at_the_end_of_a_piece() {
        assert_eq!(
            sentences("Walk every day. Rest when it hurts! Is it bad? Heat, then stretch"),
            [
                "Walk every day.",
                "Rest when it hurts!",
                "Is it bad?",
                "Heat, then stretch"
            ]
        );
        // A decimal point or an abbreviation inside a word does not end a sentence.
        assert_eq!(
            sentences("Take 2.5 mg (e.g. at night)."),
            ["Take 2.5 mg (e.g. at night)."]
        );
    }

    #[test]
    fn formulas_are_picked_by_the_language_of_the_tag() {
        for tag in ["en", "en-US", "EN-gb"] {
            assert_eq!(Scoring::for_language(tag), Scoring::English, "{tag}");
        }
        for tag in ["es", "es-MX", "es-419", "es_ES"] {
            assert_eq!(Scoring::for_language(tag), Scoring::Spanish, "{tag}");
        }
        // Portuguese and Catalan look close to Spanish; neither is scored as Spanish.
        for tag in ["vi", "fr", "pt-BR", "ca", "zh-Hant", "x"] {
            assert!(
                matches!(Scoring::for_language(tag), Scoring::NotScored { .. }),
                "{tag}"
            );
        }
        // Not scored means never above the limit, whatever the counts.
        let hard = Counts {
            sentences: 1,
            words: 40,
            syllables: 200,
            polysyllables: 40,
        };
        let none = Scoring::for_language("vi");
        assert!(!none.above_limit(&hard, 8.0));
        assert!(Scoring::English.above_limit(&hard, 8.0));
        assert!(Scoring::Spanish.above_limit(&hard, 8.0));
    }

    #[test]
    fn grade_formulas_match_hand_computed_values() {
        // 2 sentences, 12 words, 16 syllables; "exercise" and "every" (ev-er-y) have 3.
        let c = count("The cat sat on the mat. Exercise helps your back every day.");
        assert_eq!(
            c,
            Counts {
                sentences: 2,
                words: 12,
                syllables: 16,
                polysyllables: 2
            }
        );
        // 0.39 * 6 + 11.8 * 16/12 - 15.59
        assert!((c.flesch_kincaid() - (0.39 * 6.0 + 11.8 * 16.0 / 12.0 - 15.59)).abs() < 1e-9);
        // 1.043 * sqrt(2 * 30 / 2) + 3.1291
        assert!((c.smog() - (1.0430 * 30f64.sqrt() + 3.1291)).abs() < 1e-9);
    }
}

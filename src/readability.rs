//! Reading level of patient text: Flesch–Kincaid grade, SMOG grade, words per sentence
//! and the share of long words, per section and overall, with the longest sentences.
//! Patient materials should read at grade 8 or below (AMA, NIH and CDC guidance).

use crate::model::Handout;

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
    pub fn flesch_kincaid(&self) -> f64 {
        if self.words == 0 || self.sentences == 0 {
            return 0.0;
        }
        0.39 * (self.words as f64 / self.sentences as f64)
            + 11.8 * (self.syllables as f64 / self.words as f64)
            - 15.59
    }

    /// SMOG grade, scaled to 30 sentences as McLaughlin defined it.
    pub fn smog(&self) -> f64 {
        if self.sentences == 0 {
            return 0.0;
        }
        1.0430 * (self.polysyllables as f64 * 30.0 / self.sentences as f64).sqrt() + 3.1291
    }

    pub fn words_per_sentence(&self) -> f64 {
        if self.sentences == 0 {
            0.0
        } else {
            self.words as f64 / self.sentences as f64
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

/// Syllables in an English word, by vowel groups with the usual corrections (a silent
/// final e, -ed and -es endings that add no syllable, "le" after a consonant).
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if w.is_empty() {
        return 0;
    }
    if w.len() <= 3 {
        return 1;
    }
    let is_vowel = |c: char| {
        matches!(
            c,
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'é' | 'á' | 'í' | 'ó' | 'ú'
        )
    };
    let mut end = w.len();
    let ends = |s: &str| w.iter().collect::<String>().ends_with(s);
    if ends("es") || ends("ed") {
        // "-ted", "-ded", "-ses", "-zes", "-ces", "-ges" keep their syllable.
        let before = w[w.len() - 3];
        if !matches!(before, 't' | 'd' | 's' | 'z' | 'c' | 'g' | 'x') {
            end -= 2;
        }
    } else if ends("e") && (!ends("le") || is_vowel(w[w.len() - 3])) {
        // A silent final e; but "-le" after a consonant ("table") is a syllable.
        end -= 1;
    }
    let mut count = 0;
    let mut previous_vowel = false;
    for &c in &w[..end] {
        let vowel = is_vowel(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    count.max(1)
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

fn words(sentence: &str) -> impl Iterator<Item = &str> {
    sentence
        .split(|c: char| c.is_whitespace() || c == '/' || c == '–' || c == '—')
        .filter(|w| w.chars().any(char::is_alphabetic))
}

/// Counts for one piece of text.
pub fn count(text: &str) -> Counts {
    let mut counts = Counts::default();
    for sentence in sentences(text) {
        counts.sentences += 1;
        for word in words(&sentence) {
            let s = syllables(word);
            counts.words += 1;
            counts.syllables += s;
            if s >= 3 {
                counts.polysyllables += 1;
            }
        }
    }
    counts
}

/// One section's figures.
#[derive(Debug, Clone)]
pub struct SectionReport {
    pub id: String,
    pub title: String,
    pub counts: Counts,
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
    pub sections: Vec<SectionReport>,
    pub overall: Counts,
    /// The longest sentences, longest first.
    pub longest: Vec<LongSentence>,
}

/// The reading level of every section of a handout (titles left out: they are labels,
/// not prose).
pub fn report(handout: &Handout, longest: usize) -> Report {
    let mut sections = Vec::new();
    let mut overall = Counts::default();
    let mut long = Vec::new();
    for section in &handout.sections {
        let mut counts = Counts::default();
        section.texts(|at, text| {
            let location = at();
            if location == "title" || location.ends_with("(group title)") {
                return;
            }
            counts.add(count(text));
            for sentence in sentences(text) {
                let n = words(&sentence).count();
                long.push(LongSentence {
                    section: section.id().to_string(),
                    at: location.clone(),
                    words: n,
                    text: sentence,
                });
            }
        });
        overall.add(counts);
        sections.push(SectionReport {
            id: section.id().to_string(),
            title: section.title.clone(),
            counts,
        });
    }
    long.sort_by_key(|s| std::cmp::Reverse(s.words));
    long.truncate(longest);
    Report {
        sections,
        overall,
        longest: long,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllable_counts_of_common_and_medical_words() {
        for (word, expected) in [
            ("cat", 1),
            ("spine", 1),
            ("nerve", 1),
            ("table", 2),
            ("doctor", 2),
            ("walking", 2),
            ("pinched", 1),
            ("treated", 2),
            ("tested", 2),
            ("bending", 2),
            ("narrowing", 3),
            ("exercise", 3),
            ("vertebrae", 3),
            ("medicine", 3),
            ("inflammation", 4),
            ("radiculopathy", 6),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }

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

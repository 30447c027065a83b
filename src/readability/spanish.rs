//! Readability of Spanish: syllables counted by Spanish rules, the Fernández-Huerta
//! reading ease and the Szigriszt-Pazos perspicuity read on the INFLESZ scale (Barrio
//! Cantalejo et al., 2008), the scale Spanish health services use for patient leaflets.
//!
//! English formulas misjudge Spanish: its words carry more syllables for the same
//! difficulty (Flesch–Kincaid puts plain Spanish above grade 8), so Spanish text is
//! scored only with formulas fitted to Spanish readers.

use super::Counts;

/// A vowel as syllables see it: `a e o` and the accented `í ú` always stand as the
/// nucleus of a syllable of their own next to another vowel (a hiatus: "a-é-re-o",
/// "dí-a"); unaccented `i u ü` (and a final `y`) glide into a neighbouring vowel and
/// share its syllable (a diphthong: "ciu-dad", "cie-lo", "muy").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Vowel {
    Open,
    /// An unaccented i or u (ü, final y): the one letter named to tell a double
    /// weak vowel ("ciudad", one syllable) from the same twice ("chiita", two).
    Closed(char),
}

/// How the letter at `i` of a lower-case word counts: `None` for a consonant, a silent
/// letter (the u of "que", "gui") or a y before a vowel ("ayuda", "yo").
fn vowel_at(w: &[char], i: usize) -> Option<Vowel> {
    match w[i] {
        'a' | 'e' | 'o' | 'á' | 'é' | 'ó' | 'à' | 'è' | 'ò' => Some(Vowel::Open),
        // An accent on i or u breaks it off its neighbours: "país", "reúne".
        'í' | 'ú' | 'ì' | 'ù' => Some(Vowel::Open),
        'u' if i > 0
            && matches!(w[i - 1], 'q' | 'g')
            && matches!(w.get(i + 1), Some('e' | 'i' | 'é' | 'í')) =>
        {
            // "que", "guitarra", "guía": the u only tells how to read the q or g.
            None
        }
        'i' | 'u' | 'ü' | 'ï' => Some(Vowel::Closed(w[i])),
        // A y is a vowel only where no vowel follows it: "muy", "hoy", "y".
        'y' if w.get(i + 1).is_none_or(|&c| !is_vowel_letter(c)) => Some(Vowel::Closed('y')),
        _ => None,
    }
}

fn is_vowel_letter(c: char) -> bool {
    matches!(
        c,
        'a' | 'e'
            | 'i'
            | 'o'
            | 'u'
            | 'á'
            | 'é'
            | 'í'
            | 'ó'
            | 'ú'
            | 'ü'
            | 'ï'
            | 'à'
            | 'è'
            | 'ì'
            | 'ò'
            | 'ù'
    )
}

/// Whether two vowels next to each other (or with an h between) are pronounced in two
/// syllables: two open vowels, or one a stressed í or ú, or the same closed vowel
/// twice ("chiita"). Every other pair is a diphthong, and three in a row whose middle
/// is open with closed ones about it a triphthong ("buey"): one syllable.
fn hiatus(before: Vowel, after: Vowel) -> bool {
    match (before, after) {
        (Vowel::Open, Vowel::Open) => true,
        (Vowel::Closed(a), Vowel::Closed(b)) => a == b,
        _ => false,
    }
}

/// Syllables in a Spanish word: one per vowel nucleus, where adjacent vowels form one
/// nucleus (a diphthong or triphthong) unless they are in hiatus. An h between vowels
/// does not separate them ("prohíbe" is pro-hí-be, "ahu-mar" two). The parts of a
/// hyphenated word are counted apart; a number counts as one syllable and so does a
/// letter-only abbreviation without a vowel ("mg"), as in the English counting.
///
/// Not a hyphenation dictionary: hyphenation keeps a lone vowel off the end of a line
/// ("aé-reo", "día" unbroken) although it is a syllable of its own.
pub fn syllables(word: &str) -> usize {
    super::by_parts(word, letters)
}

/// Syllables of one part's lower-case letters.
fn letters(w: &[char]) -> usize {
    let mut count = 0;
    let mut previous: Option<Vowel> = None;
    for i in 0..w.len() {
        match vowel_at(w, i) {
            Some(v) => {
                if previous.is_none_or(|p| hiatus(p, v)) {
                    count += 1;
                }
                previous = Some(v);
            }
            // A silent h keeps the vowels about it together; a silent u (after q or
            // g) sits between consonant sounds, as any consonant does.
            None if w[i] == 'h' => {}
            None => previous = None,
        }
    }
    count.max(1)
}

/// Fernández-Huerta's reading ease (1959) in its corrected form, the one textstat
/// computes: 206.84 − 60 × syllables per word − 1.02 × words per sentence (the form
/// often cited, with sentences per 100 words in the last term, is a misprint). About 0
/// (hardest) to 100 (easiest), as Flesch's scale; not clamped, as textstat's is not.
pub fn fernandez_huerta(c: &Counts) -> f64 {
    if c.words == 0 {
        return 0.0;
    }
    206.84 - 60.0 * (c.syllables as f64 / c.words as f64) - 1.02 * c.words_per_sentence()
}

/// Szigriszt-Pazos's perspicuity (1993): 206.835 − 62.3 × syllables per word − words
/// per sentence, read on the INFLESZ scale.
pub fn szigriszt_pazos(c: &Counts) -> f64 {
    if c.words == 0 {
        return 0.0;
    }
    206.835 - 62.3 * (c.syllables as f64 / c.words as f64) - c.words_per_sentence()
}

/// A band of the INFLESZ scale (Barrio Cantalejo et al., "Validación de la Escala
/// INFLESZ para evaluar la legibilidad de los textos dirigidos a pacientes", 2008),
/// named in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Below 40: "muy difícil".
    VeryDifficult,
    /// 40 to 55: "algo difícil".
    SomewhatDifficult,
    /// 55 to 65: "normal", what INFLESZ expects of a text for patients.
    Normal,
    /// 65 to 80: "bastante fácil".
    QuiteEasy,
    /// Above 80: "muy fácil".
    VeryEasy,
}

/// The INFLESZ score below which a text is harder than patients should be given
/// (the "normal" band starts at 55).
pub const PLAIN_LANGUAGE_FLOOR: f64 = 55.0;

impl Band {
    pub fn of(score: f64) -> Band {
        if score < 40.0 {
            Band::VeryDifficult
        } else if score < PLAIN_LANGUAGE_FLOOR {
            Band::SomewhatDifficult
        } else if score < 65.0 {
            Band::Normal
        } else if score <= 80.0 {
            Band::QuiteEasy
        } else {
            Band::VeryEasy
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Band::VeryDifficult => "very difficult",
            Band::SomewhatDifficult => "somewhat difficult",
            Band::Normal => "normal",
            Band::QuiteEasy => "quite easy",
            Band::VeryEasy => "very easy",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_of_spanish_words_with_diphthongs_and_hiatus() {
        for (word, expected) in [
            ("día", 2),
            ("país", 2),
            ("ciudad", 2),
            ("aéreo", 4),
            ("guitarra", 3),
            ("cigüeña", 3),
            ("pingüino", 3),
            ("guía", 2),
            ("que", 1),
            ("queso", 2),
            ("agua", 2),
            ("cielo", 2),
            ("muy", 1),
            ("hoy", 1),
            ("y", 1),
            ("ayuda", 3),
            ("leer", 2),
            ("reír", 2),
            ("reúne", 3),
            ("aún", 2),
            ("ahí", 2),
            ("prohíbe", 3),
            ("ahumar", 2),
            ("buey", 1),
            ("chiita", 3),
            ("columna", 3),
            ("estrechamiento", 5),
            ("foraminal", 4),
            ("inflamación", 4),
            ("médico", 3),
            ("Espalda", 3),
            ("antiinflamatorio", 7),
            ("L3–L4", 2),
            ("911", 1),
            ("mg", 1),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }

    #[test]
    fn formulas_match_hand_computed_values_and_bands_have_inflesz_limits() {
        let c = Counts {
            sentences: 2,
            words: 20,
            syllables: 40,
            polysyllables: 5,
        };
        assert!((fernandez_huerta(&c) - (206.84 - 120.0 - 10.2)).abs() < 1e-9);
        assert!((szigriszt_pazos(&c) - (206.835 - 124.6 - 10.0)).abs() < 1e-9);
        for (score, band) in [
            (39.9, Band::VeryDifficult),
            (40.0, Band::SomewhatDifficult),
            (54.9, Band::SomewhatDifficult),
            (55.0, Band::Normal),
            (64.9, Band::Normal),
            (65.0, Band::QuiteEasy),
            (80.0, Band::QuiteEasy),
            (80.1, Band::VeryEasy),
        ] {
            assert_eq!(Band::of(score), band, "{score}");
        }
    }
}

//! Syllables of English words, for Flesch–Kincaid and SMOG.

/// Syllables in an English word, by vowel groups with the usual corrections: a silent
/// final e, "-ed" and "-es" endings that add no syllable, "-le" after a consonant, and
/// suffixes ("-ment", "-ly"...) that keep the silent e of the word they extend. The
/// parts of a hyphenated word are counted apart; a number counts as one syllable, as
/// readability tools do.
pub fn syllables(word: &str) -> usize {
    super::by_parts(word, letters)
}

/// Syllables of one part's lower-case letters.
fn letters(w: &[char]) -> usize {
    for suffix in ["ments", "ment", "ness", "less", "ful", "ly"] {
        let stem = w.len().saturating_sub(suffix.len());
        let ends_so = w[stem..].iter().copied().eq(suffix.chars());
        // "safe-ly", "replace-ment": a stem ending in e keeps it silent.
        if ends_so && stem >= 3 && w[stem - 1] == 'e' {
            return stem_syllables(&w[..stem]) + 1;
        }
    }
    stem_syllables(w)
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'é' | 'á' | 'í' | 'ó' | 'ú'
    )
}

/// Syllables of a lower-case word without a suffix split off.
fn stem_syllables(w: &[char]) -> usize {
    let n = w.len();
    let ends = |s: &str| n >= s.len() && w[n - s.len()..].iter().copied().eq(s.chars());
    let consonant_at = |i: usize| !is_vowel(w[i]);
    let mut end = n;
    if n > 3 && ends("ed") {
        // "-ted" and "-ded" keep their syllable ("tested"); "placed", "pinched" do not.
        if !matches!(w[n - 3], 't' | 'd') {
            end -= 2;
        }
    } else if n > 3 && ends("es") {
        // "-ses", "-zes", "-xes", "-ces", "-ges", "-shes", "-ches" keep their syllable,
        // and so does "-les" after a consonant ("muscles"); "minutes" does not.
        let before = w[n - 3];
        let keeps = matches!(before, 's' | 'z' | 'x' | 'c' | 'g')
            || (before == 'h' && n > 4 && matches!(w[n - 4], 's' | 'c'))
            || (before == 'l' && n > 4 && consonant_at(n - 4));
        if !keeps {
            end -= 2;
        }
    } else if n > 2 && ends("e") && !(ends("le") && consonant_at(n - 3)) {
        // A silent final e; but "-le" after a consonant ("table") is a syllable.
        end -= 1;
    }
    let mut count = 0;
    let mut previous_vowel = false;
    for (i, &c) in w[..end].iter().enumerate() {
        let vowel = is_vowel(c);
        if vowel && (!previous_vowel || splits_vowels(w, i)) {
            count += 1;
        }
        previous_vowel = vowel;
    }
    // "spasm", "mechanism": a final m after s is a syllable of its own.
    if ends("sm") || ends("sms") {
        count += 1;
    }
    count.max(1)
}

/// Whether the vowel at `i` starts a new syllable though a vowel comes before it: the
/// a, o or u after an i in "material", "insomnia", "calcium", "cardiovascular", but
/// not in "-tion", "-cial", "-sion", "-gion", "-cious" (one syllable each).
fn splits_vowels(w: &[char], i: usize) -> bool {
    let after_i = i >= 2
        && w[i - 1] == 'i'
        && matches!(w[i], 'a' | 'o' | 'u')
        && !(matches!(w[i], 'a' | 'o') && matches!(w[i - 2], 'c' | 't' | 's' | 'g' | 'x'));
    // A final "ea" after a vowel and a consonant: "area", "idea", "nausea" (not "sea",
    // "flea").
    let final_ea = i + 1 == w.len()
        && i >= 3
        && w[i] == 'a'
        && w[i - 1] == 'e'
        && !is_vowel(w[i - 2])
        && is_vowel(w[i - 3]);
    after_i || final_ea
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
            ("any", 2),
            ("placed", 1),
            ("raised", 1),
            ("minutes", 2),
            ("muscles", 2),
            ("places", 2),
            ("wishes", 2),
            ("replacement", 3),
            ("safely", 2),
            ("well-designed", 3),
            ("omega-3", 3),
            ("low-back", 2),
            ("200–400", 1),
            ("5/325", 1),
            ("spasms", 2),
            ("material", 4),
            ("calcium", 3),
            ("cardiovascular", 6),
            ("nation", 2),
            ("special", 2),
            ("religion", 3),
            ("area", 3),
            ("nausea", 3),
            ("sea", 1),
            ("flea", 1),
            ("foraminotomy", 6),
            ("the", 1),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }
}

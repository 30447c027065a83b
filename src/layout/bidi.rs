//! The Unicode bidirectional algorithm (UAX #9), as layout needs it: the embedding level
//! of every character of a paragraph (by unicode-bidi), and the visual order of a line's
//! pieces from their levels (rule L2).

use crate::fonts::script::is_rtl_char;

/// The level of each byte of `text`, a paragraph whose base direction is right to left
/// when `rtl`; `None` when every level is 0 (left-to-right text with no right-to-left
/// characters, the common case, which needs no reordering).
pub fn levels(text: &str, rtl: bool) -> Option<Vec<u8>> {
    // ASCII has no right-to-left character, and is checked a word at a time.
    if !rtl && (text.is_ascii() || !text.chars().any(is_rtl_char)) {
        return None;
    }
    let base = if rtl {
        unicode_bidi::Level::rtl()
    } else {
        unicode_bidi::Level::ltr()
    };
    let info = unicode_bidi::BidiInfo::new(text, Some(base));
    Some(info.levels.iter().map(|l| l.number()).collect())
}

/// The visual order (left to right) of items at `levels` in logical order: from the
/// highest level down to the lowest odd one, every maximal sequence at that level or
/// above is reversed.
pub fn visual_order(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let Some(&highest) = levels.iter().max() else {
        return order;
    };
    let lowest_odd = levels
        .iter()
        .copied()
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(highest + 1);
    let mut level = highest;
    while level >= lowest_odd && level > 0 {
        let mut i = 0;
        while i < order.len() {
            if levels[order[i]] >= level {
                let start = i;
                while i < order.len() && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
        level -= 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_to_right_text_needs_no_levels() {
        assert_eq!(levels("Take 200–400 mg", false), None);
    }

    #[test]
    fn numbers_inside_arabic_keep_their_order() {
        // "خذ 200–400 mg": Arabic word, then a dose.
        let text = "خذ 200–400 mg";
        let levels = levels(text, true).unwrap();
        let at = |s: &str| levels[text.find(s).unwrap()];
        assert_eq!(at("خ"), 1);
        assert_eq!(at("200"), 2);
        assert_eq!(at("400"), 2);
        assert_eq!(at("mg"), 2);
    }

    #[test]
    fn visual_order_reverses_right_to_left_runs_but_not_numbers_in_them() {
        // Logical: arabic(1) space(1) 200(2) dash(2) 400(2) space(1) arabic(1)
        let order = visual_order(&[1, 1, 2, 2, 2, 1, 1]);
        assert_eq!(order, [6, 5, 2, 3, 4, 1, 0]);
        // An English line with an Arabic word in it.
        assert_eq!(visual_order(&[0, 0, 1, 1, 1, 0]), [0, 1, 4, 3, 2, 5]);
        assert_eq!(visual_order(&[0, 0, 0]), [0, 1, 2]);
    }
}

//! Where a paragraph's lines end: the optimal-fit search, for lines of one width.
//!
//! The costs are textwrap's (`wrap_optimal_fit`, with its `Penalties`), so the breaks
//! are the ones it chooses; the search is a plain dynamic programme that stops looking
//! back once a line would overflow by more than the best cost found, rather than
//! textwrap's SMAWK over all line widths. For paragraphs of a few dozen words that is
//! several times fewer steps: wrapping was the dearest part of laying out a handout.

use textwrap::wrap_algorithms::Penalties;

/// A word's width and the width of the space after it, in the wrapper's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Fit {
    pub width: f64,
    pub whitespace: f64,
}

/// The end (exclusive index) of each line, in order, for the breaks of least cost;
/// `None` when no arrangement has a finite cost.
pub(super) fn optimal_fit(words: &[Fit], target: f64, penalties: &Penalties) -> Option<Vec<usize>> {
    let n = words.len();
    let target = target.max(1.0);
    // prefix[k]: the width of words[..k] with the space after each.
    let mut prefix = Vec::with_capacity(n + 1);
    let mut width = 0.0;
    prefix.push(width);
    for word in words {
        width += word.width + word.whitespace;
        prefix.push(width);
    }
    let nline = penalties.nline_penalty as f64;
    let overflow_penalty = penalties.overflow_penalty as f64;
    let short_last = target / penalties.short_last_line_fraction as f64;
    let short_last_penalty = penalties.short_last_line_penalty as f64;
    // best[j]: (start of the last line, least cost) of breaking before words[j].
    let mut best: Vec<(usize, f64)> = Vec::with_capacity(n + 1);
    best.push((0, 0.0));
    for j in 1..=n {
        let trailing = words[j - 1].whitespace;
        let mut chosen = (j - 1, f64::INFINITY);
        for i in (0..j).rev() {
            let line = prefix[j] - prefix[i] - trailing;
            let mut cost = best[i].1 + nline;
            if line > target {
                let overflow = (line - target) * overflow_penalty;
                // Every earlier start overflows more, and no cost is below zero.
                if nline + overflow > chosen.1 {
                    break;
                }
                cost += overflow;
            } else if j < n {
                let gap = target - line;
                cost += gap * gap;
            } else if i + 1 == j && line < short_last {
                cost += short_last_penalty;
            }
            // Ties go to the longer line, as textwrap's search settles them.
            if cost <= chosen.1 {
                chosen = (i, cost);
            }
        }
        if !chosen.1.is_finite() {
            return None;
        }
        best.push(chosen);
    }
    let mut ends = Vec::new();
    let mut end = n;
    // An empty paragraph is one empty line, as in textwrap.
    loop {
        ends.push(end);
        end = best[end].0;
        if end == 0 {
            break;
        }
    }
    ends.reverse();
    Some(ends)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use textwrap::core::Fragment;
    use textwrap::wrap_algorithms::wrap_optimal_fit;

    impl Fragment for Fit {
        fn width(&self) -> f64 {
            self.width
        }
        fn whitespace_width(&self) -> f64 {
            self.whitespace
        }
        fn penalty_width(&self) -> f64 {
            0.0
        }
    }

    fn penalties() -> Penalties {
        let mut p = Penalties::new();
        p.nline_penalty *= 100;
        p.overflow_penalty *= 100;
        p.short_last_line_penalty *= 100;
        p
    }

    /// Line ends as textwrap's own search finds them.
    fn textwrap_ends(words: &[Fit], target: f64, penalties: &Penalties) -> Vec<usize> {
        let lines = wrap_optimal_fit(words, &[target], penalties).expect("finite widths");
        let mut end = 0;
        lines
            .iter()
            .map(|line| {
                end += line.len();
                end
            })
            .collect()
    }

    fn words(widths: &[(u16, u16)], scale: f64) -> Vec<Fit> {
        widths
            .iter()
            .map(|&(w, s)| Fit {
                width: f64::from(w) * scale,
                whitespace: f64::from(s) * scale,
            })
            .collect()
    }

    #[test]
    fn an_empty_paragraph_is_one_empty_line() {
        assert_eq!(optimal_fit(&[], 100.0, &penalties()), Some(vec![0]));
    }

    #[test]
    fn a_word_wider_than_the_line_has_a_line_of_its_own() {
        let fits = words(&[(10, 1), (500, 1), (10, 0)], 1.0);
        let ends = optimal_fit(&fits, 100.0, &penalties()).unwrap();
        assert_eq!(ends, textwrap_ends(&fits, 100.0, &penalties()));
        assert!(ends.contains(&1) && ends.contains(&2), "{ends:?}");
    }

    #[test]
    fn an_infinite_width_has_no_breaks() {
        let fits = [Fit {
            width: f64::INFINITY,
            whitespace: 0.0,
        }];
        assert_eq!(optimal_fit(&fits, 100.0, &penalties()), None);
    }

    proptest! {
        // Words of shaped widths: ties are rare and the breaks must be textwrap's.
        #[test]
        fn breaks_are_textwraps(
            widths in prop::collection::vec((1u16..3000, 0u16..400), 0..160),
            target in 50.0f64..2000.0,
        ) {
            let fits = words(&widths, 0.1);
            prop_assert_eq!(
                optimal_fit(&fits, target, &penalties()).unwrap(),
                textwrap_ends(&fits, target, &penalties())
            );
        }

        // Words of a few equal widths, where many arrangements cost the same.
        #[test]
        fn ties_are_settled_as_textwrap_settles_them(
            widths in prop::collection::vec((1u16..4, 1u16..2), 0..80),
            target in 3u16..30,
        ) {
            let fits = words(&widths, 1.0);
            let target = f64::from(target);
            prop_assert_eq!(
                optimal_fit(&fits, target, &penalties()).unwrap(),
                textwrap_ends(&fits, target, &penalties())
            );
        }
    }
}

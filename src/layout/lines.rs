//! Shaped words into lines: textwrap's optimal fit on the shaped widths, words wider
//! than a line broken between clusters, and each line's pieces put in visual order
//! (UAX #9 rule L2) and merged into runs.

use textwrap::core::Fragment;
use textwrap::wrap_algorithms::{wrap_first_fit, Penalties};

use super::breaks::{optimal_fit, Fit};

use super::bidi;
use super::text::{finish_word, Glyph, Piece, Setting, Word};
use crate::fonts::Face;
use crate::vocabulary::Rgb;

/// The unit widths are handed to textwrap in: a twentieth of an em, fine enough that
/// rounding to whole units costs at most 0.6 pt at 12 pt.
const UNIT_EM: f32 = 0.05;

/// textwrap's default penalties are tuned for monospace columns (about half an em each).
/// Costs grow with the square of widths, so units ten times finer need penalties a
/// hundred times larger to weigh the same.
const PENALTIES: Penalties = {
    let mut p = Penalties::new();
    p.nline_penalty *= 100;
    p.overflow_penalty *= 100;
    p.short_last_line_penalty *= 100;
    p.hyphen_penalty *= 100;
    p
};

/// A word measured in [`UNIT_EM`] units for textwrap.
struct Measured<'w> {
    word: &'w Word,
    unit: f32,
}

impl std::fmt::Debug for Measured<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.word.fmt(f)
    }
}

impl Fragment for Measured<'_> {
    fn width(&self) -> f64 {
        f64::from(self.word.width / self.unit)
    }
    fn whitespace_width(&self) -> f64 {
        f64::from(self.word.space_width() / self.unit)
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// A piece's clusters in logical order: (text range, glyphs, width).
fn clusters(piece: &Piece) -> Vec<(std::ops::Range<usize>, Vec<Glyph>, f32)> {
    let mut starts: Vec<usize> = piece.glyphs.iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).copied().unwrap_or(piece.text.len());
            let glyphs: Vec<Glyph> = piece
                .glyphs
                .iter()
                .filter(|g| g.cluster as usize == start)
                .copied()
                .collect();
            let width = glyphs.iter().map(|g| g.advance).sum();
            (start..end, glyphs, width)
        })
        .collect()
}

/// A piece made of some of another's clusters, in logical order.
fn piece_of(piece: &Piece, parts: &[(std::ops::Range<usize>, Vec<Glyph>, f32)]) -> Piece {
    let mut text = String::new();
    let mut glyphs: Vec<Vec<Glyph>> = Vec::new();
    for (range, cluster, _) in parts {
        let offset = text.len() as u32;
        let base = range.start as u32;
        glyphs.push(
            cluster
                .iter()
                .map(|g| Glyph {
                    cluster: g.cluster - base + offset,
                    ..*g
                })
                .collect(),
        );
        text.push_str(&piece.text[range.clone()]);
    }
    if piece.level % 2 == 1 {
        glyphs.reverse();
    }
    let glyphs: Vec<Glyph> = glyphs.concat();
    Piece {
        face: piece.face,
        color: piece.color,
        width: glyphs.iter().map(|g| g.advance).sum(),
        glyphs: glyphs.into(),
        text: text.into(),
        level: piece.level,
    }
}

/// Appends `word` to `chunks`, broken between clusters into chunks that fit when it
/// is wider than `max`, so a long URL or a run of letters wraps instead of running off
/// the page.
fn split_wide(word: Word, max: f32, chunks: &mut Vec<Word>) {
    if word.width <= max {
        chunks.push(word);
        return;
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut width = 0.0;
    for piece in word.pieces.iter() {
        let mut parts = Vec::new();
        for cluster in clusters(piece) {
            if width + cluster.2 > max && width > 0.0 {
                if !parts.is_empty() {
                    pieces.push(piece_of(piece, &parts));
                    parts.clear();
                }
                chunks.push(finish_word(std::mem::take(&mut pieces).into(), None));
                width = 0.0;
            }
            width += cluster.2;
            parts.push(cluster);
        }
        if !parts.is_empty() {
            pieces.push(piece_of(piece, &parts));
        }
    }
    if !pieces.is_empty() {
        chunks.push(finish_word(pieces.into(), word.space));
    }
}

/// A run of text on a line, in one face, colour and direction, `dx` points from the
/// line's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub dx: f32,
    pub face: Face,
    pub color: Rgb,
    /// In logical (reading) order.
    pub text: String,
    /// In visual order; clusters are byte offsets into `text`.
    pub glyphs: Vec<Glyph>,
    pub rtl: bool,
}

impl Run {
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// One wrapped line: its runs in reading order, placed left to right (or, in a
/// right-to-left document, as the mirror image of their places, since the page is
/// mirrored once laid out).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
}

/// Wraps words into lines no wider than `width` points (ragged, optimal fit).
pub fn wrap(words: Vec<Word>, width: f32, size: f32, setting: &Setting<'_>) -> Vec<Line> {
    let mut fitting = Vec::with_capacity(words.len());
    for word in words {
        split_wide(word, width, &mut fitting);
    }
    let words = fitting;
    let unit = (size * UNIT_EM).max(0.001);
    let measured: Vec<Measured<'_>> = words.iter().map(|word| Measured { word, unit }).collect();
    let base = setting.base_level();
    // textwrap charges overflow only in whole units, so a line up to one unit too wide is
    // free: aim one unit short, then make sure.
    let target = [f64::from(width / unit) - 1.0];
    // Most list items and labels fit on one line, where every algorithm agrees: skip
    // the optimal-fit search, the dearest step of layout.
    let one_line: f64 = measured
        .iter()
        .enumerate()
        .map(|(i, m)| {
            m.width()
                + if i + 1 < measured.len() {
                    m.whitespace_width()
                } else {
                    0.0
                }
        })
        .sum();
    if !measured.is_empty() && one_line <= target[0] {
        return vec![build_line(&measured, base)];
    }
    let fits: Vec<Fit> = measured
        .iter()
        .map(|m| Fit {
            width: m.width(),
            whitespace: m.whitespace_width(),
        })
        .collect();
    let optimal: Vec<Line> = optimal_fit(&fits, target[0], &PENALTIES)
        .map(|ends| {
            let mut start = 0;
            ends.into_iter()
                .map(|end| {
                    let line = build_line(&measured[start..end], base);
                    start = end;
                    line
                })
                .collect()
        })
        .unwrap_or_default();
    if !optimal.is_empty() && optimal.iter().all(|line| line.width <= width + 0.001) {
        return optimal;
    }
    // First fit never overflows: every word is at most `width` wide after splitting.
    let full = [f64::from(width / unit)];
    wrap_first_fit(&measured, &full)
        .into_iter()
        .map(|l| build_line(l, base))
        .collect()
}

/// A piece on a line, with the width it takes there.
struct Placed<'p> {
    piece: &'p Piece,
    /// The line-end space takes no room: zero.
    width: f32,
    level: u8,
}

fn build_line(words: &[Measured<'_>], base: u8) -> Line {
    let last = words.len().saturating_sub(1);
    let mut placed: Vec<Placed<'_>> = Vec::with_capacity(words.len() * 2);
    let glyph_count: usize = words
        .iter()
        .map(|m| m.word.pieces.iter().map(|p| p.glyphs.len()).sum::<usize>() + 1)
        .sum();
    for (i, Measured { word, .. }) in words.iter().enumerate() {
        for piece in word.pieces.iter() {
            placed.push(Placed {
                piece,
                width: piece.width,
                level: piece.level,
            });
        }
        // Every space between words is a real space character, even at the end of a
        // line (where it takes no room): screen readers and text extraction read the
        // words of a paragraph joined by its spaces, not by their positions.
        if let Some(space) = &word.space {
            let at_end = i == last;
            placed.push(Placed {
                piece: space,
                width: if at_end { 0.0 } else { space.width },
                // A space at the end of a line takes the paragraph's direction (UAX #9 L1).
                level: if at_end { base } else { space.level },
            });
        }
    }
    let order: Vec<usize> = if placed.iter().all(|p| p.level == 0) {
        (0..placed.len()).collect()
    } else {
        bidi::visual_order(&placed.iter().map(|p| p.level).collect::<Vec<u8>>())
    };
    // Runs in visual order, each with the logical index of its first piece.
    let mut runs: Vec<(usize, Run)> = Vec::with_capacity(2);
    let mut previous: Option<usize> = None;
    let mut x = 0.0;
    for &index in &order {
        let p = &placed[index];
        let rtl = p.level % 2 == 1;
        // The line-end space takes no room.
        let room = p.width != 0.0;
        let glyphs = p.piece.glyphs.iter().map(|g| Glyph {
            advance: if room { g.advance } else { 0.0 },
            ..*g
        });
        let joins = match (runs.last(), previous) {
            (Some((_, run)), Some(prev)) => {
                run.face == p.piece.face
                    && run.color == p.piece.color
                    && run.rtl == rtl
                    && if rtl {
                        prev == index + 1
                    } else {
                        index == prev + 1
                    }
            }
            _ => false,
        };
        match runs.last_mut() {
            Some((first, run)) if joins => {
                if rtl {
                    // Visually next, logically before: its text goes in front.
                    let shift = p.piece.text.len() as u32;
                    for g in &mut run.glyphs {
                        g.cluster += shift;
                    }
                    run.text.insert_str(0, &p.piece.text);
                    run.glyphs.extend(glyphs);
                    *first = index;
                } else {
                    let offset = run.text.len() as u32;
                    run.text.push_str(&p.piece.text);
                    run.glyphs.extend(glyphs.map(|g| Glyph {
                        cluster: g.cluster + offset,
                        ..g
                    }));
                }
            }
            _ => runs.push((
                index,
                Run {
                    dx: x,
                    face: p.piece.face,
                    color: p.piece.color,
                    text: {
                        let mut text = String::with_capacity(glyph_count + 8);
                        text.push_str(&p.piece.text);
                        text
                    },
                    glyphs: {
                        let mut all = Vec::with_capacity(glyph_count);
                        all.extend(glyphs);
                        all
                    },
                    rtl,
                },
            )),
        }
        x += p.width;
        previous = Some(index);
    }
    let width = x;
    if base == 1 {
        for (_, run) in &mut runs {
            run.dx = width - run.dx - run.width();
        }
    }
    runs.sort_by_key(|(first, _)| *first);
    if runs.len() > 1 {
        // Each run was given room for the whole line's glyphs; the runs are kept in the
        // laid-out pages, so give back what they do not use.
        for (_, run) in &mut runs {
            run.glyphs.shrink_to_fit();
            run.text.shrink_to_fit();
        }
    }
    Line {
        runs: runs.into_iter().map(|(_, run)| run).collect(),
        width,
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;

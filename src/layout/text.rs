//! Rich text to wrapped lines: split into words, pick a face for every character, measure
//! with the real advance widths, and wrap with textwrap's optimal-fit algorithm in points.

use textwrap::core::Fragment;
use textwrap::wrap_algorithms::{wrap_first_fit, wrap_optimal_fit, Penalties};

use crate::fonts::{is_invisible_format, Face, Fonts, Style};
use crate::vocabulary::Rgb;

/// A run of text in one style and colour, as written (not yet split into words).
#[derive(Debug, Clone)]
pub struct Span<'a> {
    pub text: &'a str,
    pub style: Style,
    pub color: Rgb,
}

impl<'a> Span<'a> {
    pub fn new(text: &'a str, style: Style, color: Rgb) -> Self {
        Span { text, style, color }
    }
}

/// Consecutive characters of a word drawn with one face and colour.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    face: Face,
    color: Rgb,
    text: String,
    width: f32,
}

/// A unit the wrapper may not break, plus the space that follows it.
#[derive(Debug, Clone)]
pub struct Word {
    pieces: Vec<Piece>,
    width: f32,
    /// Width of the space after the word (zero at the end of the text).
    space: f32,
    /// Face and colour of that space, so it can join the run it sits in.
    space_face: Face,
}

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
        f64::from(self.word.space / self.unit)
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// A character no bundled face can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingGlyph(pub char);

/// `text` in Unicode normalization form C, borrowed when it already is.
pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(text.nfc().collect()),
    }
}

/// Whitespace at which a line may break. No-break spaces are kept inside words.
fn is_break_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{00A0}' | '\u{2007}' | '\u{202F}')
}

/// Splits styled spans into measured words. Whitespace between spans separates words;
/// spans that touch without whitespace form one word ("NF-" + "κ" + "B").
pub fn words(spans: &[Span<'_>], size: f32, fonts: &Fonts) -> Result<Vec<Word>, MissingGlyph> {
    let mut words = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    for span in spans {
        // Composed form first: "e" + combining acute becomes "é", which the fonts draw
        // as one glyph; drawn apart, the accent would sit beside the letter.
        let text = nfc(span.text);
        for c in text.chars() {
            if is_break_space(c) {
                if !current.is_empty() {
                    let space_face = fonts.face_for(span.style, ' ').unwrap_or(Face::Regular);
                    let space = fonts.advance_em(space_face, ' ') * size;
                    words.push(finish_word(std::mem::take(&mut current), space, space_face));
                }
                continue;
            }
            if is_invisible_format(c) {
                continue;
            }
            // No-break spaces draw as ordinary spaces: every face has one.
            let drawn = if c.is_whitespace() { ' ' } else { c };
            let (face, advance) = fonts.resolve(span.style, drawn).ok_or(MissingGlyph(c))?;
            let width = advance * size;
            match current.last_mut() {
                Some(piece) if piece.face == face && piece.color == span.color => {
                    piece.text.push(drawn);
                    piece.width += width;
                }
                _ => current.push(Piece {
                    face,
                    color: span.color,
                    text: drawn.to_string(),
                    width,
                }),
            }
        }
    }
    if !current.is_empty() {
        words.push(finish_word(current, 0.0, Face::Regular));
    }
    if let Some(last) = words.last_mut() {
        last.space = 0.0;
    }
    Ok(words)
}

fn finish_word(pieces: Vec<Piece>, space: f32, space_face: Face) -> Word {
    Word {
        width: pieces.iter().map(|p| p.width).sum(),
        pieces,
        space,
        space_face,
    }
}

/// Appends `word` to `chunks`, broken at character boundaries into chunks that fit when
/// it is wider than `max`, so a long URL or a run of letters wraps instead of running off
/// the page.
fn split_wide(word: Word, max: f32, size: f32, fonts: &Fonts, chunks: &mut Vec<Word>) {
    if word.width <= max {
        chunks.push(word);
        return;
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut width = 0.0;
    for piece in &word.pieces {
        for c in piece.text.chars() {
            let w = fonts.advance_em(piece.face, c) * size;
            if width + w > max && width > 0.0 {
                chunks.push(finish_word(
                    std::mem::take(&mut pieces),
                    0.0,
                    word.space_face,
                ));
                width = 0.0;
            }
            match pieces.last_mut() {
                Some(p) if p.face == piece.face && p.color == piece.color => {
                    p.text.push(c);
                    p.width += w;
                }
                _ => pieces.push(Piece {
                    face: piece.face,
                    color: piece.color,
                    text: c.to_string(),
                    width: w,
                }),
            }
            width += w;
        }
    }
    if !pieces.is_empty() {
        chunks.push(finish_word(pieces, word.space, word.space_face));
    }
}

/// A run of text on a line, in one face and colour, `dx` points from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub dx: f32,
    pub face: Face,
    pub color: Rgb,
    pub text: String,
}

/// One wrapped line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
}

/// Wraps words into lines no wider than `width` points (ragged right, optimal fit).
pub fn wrap(words: Vec<Word>, width: f32, size: f32, fonts: &Fonts) -> Vec<Line> {
    let mut fitting = Vec::with_capacity(words.len());
    for word in words {
        split_wide(word, width, size, fonts, &mut fitting);
    }
    let words = fitting;
    let unit = (size * UNIT_EM).max(0.001);
    let measured: Vec<Measured<'_>> = words.iter().map(|word| Measured { word, unit }).collect();
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
        return vec![build_line(&measured)];
    }
    let optimal: Vec<Line> = wrap_optimal_fit(&measured, &target, &PENALTIES)
        .map(|lines| lines.into_iter().map(build_line).collect())
        .unwrap_or_default();
    if !optimal.is_empty() && optimal.iter().all(|line| line.width <= width + 0.001) {
        return optimal;
    }
    // First fit never overflows: every word is at most `width` wide after splitting.
    let full = [f64::from(width / unit)];
    wrap_first_fit(&measured, &full)
        .into_iter()
        .map(build_line)
        .collect()
}

fn build_line(words: &[Measured<'_>]) -> Line {
    let mut runs: Vec<Run> = Vec::new();
    let mut x = 0.0;
    let last = words.len().saturating_sub(1);
    for (i, Measured { word, .. }) in words.iter().enumerate() {
        for piece in &word.pieces {
            match runs.last_mut() {
                Some(run) if run.face == piece.face && run.color == piece.color => {
                    run.text.push_str(&piece.text);
                }
                _ => runs.push(Run {
                    dx: x,
                    face: piece.face,
                    color: piece.color,
                    text: piece.text.clone(),
                }),
            }
            x += piece.width;
        }
        // Every space between words is a real space character, even at the end of a
        // line (where it draws nothing): screen readers and text extraction read the
        // words of a paragraph joined by its spaces, not by their positions.
        if word.space > 0.0 {
            match runs.last_mut() {
                Some(run) if run.face == word.space_face => run.text.push(' '),
                _ => runs.push(Run {
                    dx: x,
                    face: word.space_face,
                    color: word.pieces.last().map_or(Rgb(0, 0, 0), |p| p.color),
                    text: " ".to_string(),
                }),
            }
            if i < last {
                x += word.space;
            }
        }
    }
    Line { runs, width: x }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLACK: Rgb = Rgb(0, 0, 0);

    fn plain(text: &str) -> Vec<Span<'_>> {
        vec![Span::new(text, Style::REGULAR, BLACK)]
    }

    fn line_text(line: &Line) -> String {
        line.runs.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let fonts = Fonts::bundled();
        let text = "Your spine is a stack of bones called vertebrae. Between them sit soft discs that act like cushions.";
        let lines = wrap(
            words(&plain(text), 12.0, fonts).unwrap(),
            150.0,
            12.0,
            fonts,
        );
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(line.width <= 150.0 + 0.01, "{line:?}");
        }
        // Each line but the last ends in the space that separates it from the next.
        let joined: Vec<String> = lines.iter().map(line_text).collect();
        assert_eq!(joined.concat(), text);
        assert!(joined[..joined.len() - 1].iter().all(|l| l.ends_with(' ')));
    }

    #[test]
    fn the_space_after_a_bold_label_is_kept_as_a_character() {
        let fonts = Fonts::bundled();
        let spans = [
            Span::new("For:", Style::BOLD, BLACK),
            Span::new(" ", Style::REGULAR, BLACK),
            Span::new("Jane Doe", Style::REGULAR, BLACK),
        ];
        let lines = wrap(words(&spans, 12.0, fonts).unwrap(), 500.0, 12.0, fonts);
        assert_eq!(line_text(&lines[0]), "For: Jane Doe");
        let bold = fonts.width(Face::Bold, 12.0, "For:");
        let space = fonts.width(Face::Regular, 12.0, " ");
        assert!((lines[0].runs[1].dx - bold).abs() < 0.01);
        assert!(
            (lines[0].width - bold - space - fonts.width(Face::Regular, 12.0, "Jane Doe")).abs()
                < 0.01
        );
    }

    #[test]
    fn line_width_matches_font_measurement() {
        let fonts = Fonts::bundled();
        let lines = wrap(
            words(&plain("Hello world"), 12.0, fonts).unwrap(),
            500.0,
            12.0,
            fonts,
        );
        assert_eq!(lines.len(), 1);
        let expected = fonts.width(Face::Regular, 12.0, "Hello world");
        assert!((lines[0].width - expected).abs() < 0.01);
    }

    #[test]
    fn fallback_faces_split_runs_inside_a_word() {
        let fonts = Fonts::bundled();
        let lines = wrap(
            words(&plain("NF-κB"), 12.0, fonts).unwrap(),
            500.0,
            12.0,
            fonts,
        );
        let faces: Vec<Face> = lines[0].runs.iter().map(|r| r.face).collect();
        assert_eq!(faces, [Face::Regular, Face::FallbackRegular, Face::Regular]);
        assert_eq!(line_text(&lines[0]), "NF-κB");
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_not_overflowed() {
        let fonts = Fonts::bundled();
        let long = "x".repeat(500);
        let lines = wrap(
            words(&plain(&long), 12.0, fonts).unwrap(),
            100.0,
            12.0,
            fonts,
        );
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(line.width <= 100.0 + 0.01);
        }
        let total: usize = lines.iter().map(|l| line_text(l).len()).sum();
        assert_eq!(total, 500);
    }

    #[test]
    fn missing_glyph_is_reported() {
        let fonts = Fonts::bundled();
        assert_eq!(
            words(&plain("ok 😀"), 12.0, fonts).unwrap_err(),
            MissingGlyph('😀')
        );
    }

    #[test]
    fn combining_accents_are_composed() {
        let fonts = Fonts::bundled();
        let lines = wrap(
            words(&plain("Cafe\u{301}"), 12.0, fonts).unwrap(),
            500.0,
            12.0,
            fonts,
        );
        assert_eq!(line_text(&lines[0]), "Café");
    }

    #[test]
    fn soft_hyphens_and_joiners_draw_nothing() {
        let fonts = Fonts::bundled();
        let lines = wrap(
            words(&plain("spi\u{AD}nal\u{200D}"), 12.0, fonts).unwrap(),
            500.0,
            12.0,
            fonts,
        );
        assert_eq!(line_text(&lines[0]), "spinal");
    }
}

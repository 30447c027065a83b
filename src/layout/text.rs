//! Rich text to wrapped lines: find where lines may break (UAX #14), resolve the
//! direction of every character (UAX #9), choose a face for each word, shape it, and
//! wrap the shaped words with textwrap's optimal-fit algorithm in points.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::rc::Rc;

use textwrap::core::Fragment;
use textwrap::wrap_algorithms::{wrap_first_fit, wrap_optimal_fit, Penalties};

use super::bidi;
use super::shape::{self, EmGlyph, Fnv, Remembered};
use crate::fonts::script::is_cjk;
use crate::fonts::{Cjk, Face, Fonts, Style};
use crate::vocabulary::Rgb;

/// The fonts, with what the document's language decides about setting text: the
/// regional form of CJK characters, the paragraph direction, and the language the
/// shaper is told (for its local forms).
pub struct Setting<'f> {
    pub fonts: &'f Fonts,
    pub cjk: Cjk,
    /// Paragraphs run right to left and the page is mirrored.
    pub rtl: bool,
    pub language: Option<rustybuzz::Language>,
}

impl<'f> Setting<'f> {
    pub fn new(fonts: &'f Fonts, language: &str) -> Self {
        let setting = Setting {
            fonts,
            cjk: Cjk::for_language(language),
            rtl: crate::language::is_right_to_left(language),
            language: language.parse().ok(),
        };
        forget_pieces_unless(&setting.language);
        setting
    }

    /// The face chain for a style in this document.
    pub fn chain(&self, style: Style) -> [Face; 6] {
        Face::chain(style, self.cjk)
    }

    /// The first face of the chain that draws `c`.
    pub fn face_for(&self, style: Style, c: char) -> Option<Face> {
        self.fonts.face_for(style, self.cjk, c)
    }

    fn base_level(&self) -> u8 {
        u8::from(self.rtl)
    }
}

impl Deref for Setting<'_> {
    type Target = Fonts;
    fn deref(&self) -> &Fonts {
        self.fonts
    }
}

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

/// One shaped glyph, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    /// How far the pen moves after the glyph, kerning included.
    pub advance: f32,
    /// Where the glyph is drawn relative to the pen: right and up.
    pub dx: f32,
    pub dy: f32,
    /// Byte offset, in the text the glyph belongs to, where its cluster starts.
    pub cluster: u32,
}

impl Glyph {
    fn from_em(g: &EmGlyph, size: f32, cluster_offset: u32) -> Glyph {
        Glyph {
            id: g.id,
            advance: g.advance * size,
            dx: g.dx * size,
            dy: g.dy * size,
            cluster: g.cluster + cluster_offset,
        }
    }
}

/// Consecutive characters of a word in one face, colour and direction, shaped.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    face: Face,
    color: Rgb,
    /// Shared: a remembered word's pieces are handed out again (see [`words`]).
    text: Rc<str>,
    /// In visual order; clusters are offsets into `text`.
    glyphs: Rc<[Glyph]>,
    width: f32,
    /// The bidirectional embedding level: odd runs right to left.
    level: u8,
}

/// A unit the wrapper may not break, plus the space that follows it.
#[derive(Debug, Clone)]
pub struct Word {
    /// Shared with the thread's cache of words (see [`words`]).
    pieces: Rc<[Piece]>,
    width: f32,
    /// The space after the word; `None` at the end of the text and where a line may
    /// break without one (between Chinese characters).
    space: Option<Piece>,
}

impl Word {
    fn space_width(&self) -> f32 {
        self.space.as_ref().map_or(0.0, |s| s.width)
    }
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
        f64::from(self.word.space_width() / self.unit)
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// A character no available face can draw.
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

/// Characters left out of the text before it is set: the soft hyphen (handouts are not
/// hyphenated, so it would only ever be an invisible break) and the byte-order mark.
fn is_dropped(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{FEFF}')
}

/// Characters that draw nothing but shape their neighbours (joiners) or mark a break
/// (zero-width space): they need no glyph of their own.
fn is_invisible(c: char) -> bool {
    crate::fonts::is_invisible_format(c)
}

/// Whether UAX #14 lets a line break here and the handout's rules keep it: after a
/// space or a zero-width space, as always; beside a Chinese or Japanese character
/// (which break between characters); not inside a word of Latin or Korean letters
/// (Korean breaks at spaces; hyphens are not break points, as before).
fn keeps_break(before: char, after: Option<char>) -> bool {
    let ideographic = |c: char| is_cjk(c) && !is_hangul(c);
    is_break_space(before)
        || before == '\u{200B}'
        || ideographic(before)
        || after.is_some_and(ideographic)
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF)
}

/// The text of all spans, joined, with the span each byte came from.
struct Joined {
    text: String,
    /// (first byte, span index), ascending.
    starts: Vec<(usize, usize)>,
}

impl Joined {
    fn new(spans: &[Span<'_>]) -> Joined {
        let mut text = String::with_capacity(spans.iter().map(|s| s.text.len()).sum());
        let mut starts = Vec::with_capacity(spans.len());
        for (i, span) in spans.iter().enumerate() {
            starts.push((text.len(), i));
            // Composed form first: "e" + combining acute becomes "é", which the fonts
            // draw as one glyph.
            text.extend(nfc(span.text).chars().filter(|&c| !is_dropped(c)));
        }
        Joined { text, starts }
    }

    fn span_at(&self, byte: usize) -> usize {
        match self.starts.binary_search_by(|&(start, _)| start.cmp(&byte)) {
            Ok(i) => {
                // Empty spans share a start: the last of them holds the byte.
                let mut i = i;
                while i + 1 < self.starts.len() && self.starts[i + 1].0 == byte {
                    i += 1;
                }
                self.starts[i].1
            }
            Err(i) => self.starts[i.saturating_sub(1)].1,
        }
    }
}

/// Splits styled spans into shaped words. Lines may break at spaces and between CJK
/// characters; spans that touch without a space form one word ("NF-" + "κ" + "B").
pub fn words(
    spans: &[Span<'_>],
    size: f32,
    setting: &Setting<'_>,
) -> Result<Vec<Word>, MissingGlyph> {
    let joined = Joined::new(spans);
    let text = joined.text.as_str();
    let levels = bidi::levels(text, setting.rtl);
    let level_at = |byte: usize| levels.as_ref().map_or(0, |l| l[byte]);
    // About one word in six bytes of English.
    let mut words: Vec<Word> = Vec::with_capacity(text.len() / 6 + 1);
    let mut start = 0;
    for (end, _) in unicode_linebreak::linebreaks(text) {
        let before = text[..end].chars().next_back();
        let after = text[end..].chars().next();
        let is_end = end == text.len();
        if !is_end && !before.is_some_and(|b| keeps_break(b, after)) {
            continue;
        }
        let segment = &text[start..end];
        let content = segment.trim_end_matches(is_break_space);
        let content_end = start + content.len();
        // Most words: printable ASCII and plain spaces in one span, left to right, as
        // this thread has set before.
        let span = joined.span_at(start);
        let plain = levels.is_none()
            && !content.is_empty()
            && joined.span_at(end - 1) == span
            && content.bytes().all(|b| (0x21..0x7F).contains(&b))
            && segment.as_bytes()[content.len()..]
                .iter()
                .all(|&b| b == b' ');
        if plain {
            let key = (
                spans[span].style,
                spans[span].color,
                size.to_bits(),
                content_end < end,
            );
            if let Some(word) =
                WORDS.with(|w| w.borrow().get(&key).and_then(|m| m.get(content).cloned()))
            {
                words.push(word);
                start = end;
                continue;
            }
            let pieces = word_pieces(spans, &joined, start, content_end, size, setting, &level_at)?;
            let after = pieces.last().map(|p| p.face);
            let space =
                (content_end < end).then(|| space_piece(&spans[span], after, 0, size, setting));
            let word = finish_word(pieces, space);
            WORDS.with(|w| {
                let mut w = w.borrow_mut();
                if w.values().map(HashMap::len).sum::<usize>() >= CACHED_WORDS {
                    w.clear();
                }
                w.entry(key)
                    .or_default()
                    .insert(content.into(), word.clone());
            });
            words.push(word);
            start = end;
            continue;
        }
        if !content.is_empty() {
            let pieces = word_pieces(spans, &joined, start, content_end, size, setting, &level_at)?;
            words.push(finish_word(pieces, None));
        }
        if content_end < end {
            if let Some(word) = words.last_mut() {
                let span = &spans[joined.span_at(content_end)];
                let after = word.pieces.last().map(|p| p.face);
                word.space = Some(space_piece(
                    span,
                    after,
                    level_at(content_end),
                    size,
                    setting,
                ));
            }
        }
        start = end;
    }
    if let Some(last) = words.last_mut() {
        last.space = None;
    }
    Ok(words)
}

/// A space after a word: in the word's face when the space is in its style, so a line
/// of Hindi or Arabic is one run; else in the span's first face (every face has one).
fn space_piece(
    span: &Span<'_>,
    after: Option<Face>,
    level: u8,
    size: f32,
    setting: &Setting<'_>,
) -> Piece {
    // The primary face, first of the chain, has a space (a test in `fonts` makes sure).
    let chain = setting.chain(span.style);
    let face = after
        .filter(|&f| f == chain[0] || (chain.contains(&f) && setting.has(f, ' ')))
        .unwrap_or(chain[0]);
    let glyph = setting.glyph(face, ' ').map_or(
        Glyph {
            id: 0,
            advance: 0.0,
            dx: 0.0,
            dy: 0.0,
            cluster: 0,
        },
        |g| Glyph {
            id: g.id,
            advance: g.advance * size,
            dx: 0.0,
            dy: 0.0,
            cluster: 0,
        },
    );
    Piece {
        face,
        color: span.color,
        text: " ".into(),
        width: glyph.advance,
        glyphs: Rc::new([glyph]),
        level,
    }
}

/// The face each character of `text[from..to]` is drawn with: per stretch of one
/// style, the first face of the chain (among those its letters need) that draws every
/// letter of it, so a word is set in one face (a Vietnamese word in Noto Sans, not
/// half in Atkinson); where no face draws them all, each character's own first face,
/// marks keeping their letter's.
fn faces(
    spans: &[Span<'_>],
    joined: &Joined,
    from: usize,
    to: usize,
    setting: &Setting<'_>,
) -> Result<Vec<(usize, Face)>, MissingGlyph> {
    let text = &joined.text;
    let mut out: Vec<(usize, Face)> = Vec::new();
    let mut stretch_start = from;
    while stretch_start < to {
        let span_index = joined.span_at(stretch_start);
        let style = spans[span_index].style;
        let mut stretch_end = to;
        for (i, _) in text[stretch_start..to].char_indices() {
            let at = stretch_start + i;
            if at > stretch_start && spans[joined.span_at(at)].style != style {
                stretch_end = at;
                break;
            }
        }
        let stretch = &text[stretch_start..stretch_end];
        let drawn = |c: char| !is_invisible(c) && !c.is_whitespace();
        // Only the faces the letters would be drawn with one by one are candidates:
        // a face none of them needs is never read (a 20 MB CJK collection for an
        // Arabic word with an ellipsis the Arabic face lacks).
        let mut candidates: Vec<Face> = Vec::new();
        for c in stretch.chars().filter(|&c| drawn(c)) {
            let face = setting.face_for(style, c).ok_or(MissingGlyph(c))?;
            if !candidates.contains(&face) {
                candidates.push(face);
            }
        }
        let chain = setting.chain(style);
        candidates.sort_by_key(|f| chain.iter().position(|c| c == f));
        let whole = candidates.into_iter().find(|&face| {
            stretch
                .chars()
                .filter(|&c| drawn(c))
                .all(|c| setting.has(face, c))
        });
        match whole {
            Some(face) => out.push((stretch_start, face)),
            None => {
                let mut current: Option<Face> = None;
                for (i, c) in stretch.char_indices() {
                    let keeps = |face: Face| !drawn(c) || setting.has(face, c);
                    let mark = unicode_normalization::char::is_combining_mark(c) || !drawn(c);
                    let face = match current {
                        Some(face) if mark && keeps(face) => face,
                        _ if !drawn(c) => current.unwrap_or(Face::Regular),
                        _ => setting.face_for(style, c).ok_or(MissingGlyph(c))?,
                    };
                    if current != Some(face) {
                        out.push((stretch_start + i, face));
                        current = Some(face);
                    }
                }
            }
        }
        stretch_start = stretch_end;
    }
    Ok(out)
}

/// The shaped pieces of one word, `text[from..to]`, in logical order.
fn word_pieces(
    spans: &[Span<'_>],
    joined: &Joined,
    from: usize,
    to: usize,
    size: f32,
    setting: &Setting<'_>,
    level_at: &dyn Fn(usize) -> u8,
) -> Result<Vec<Piece>, MissingGlyph> {
    let text = &joined.text;
    // Most words: printable ASCII, in one span, left to right. The primary face draws
    // all of printable ASCII (a test in `fonts` makes sure), so it is the word's face.
    let span = joined.span_at(from);
    if joined.span_at(to - 1) == span
        && text.as_bytes()[from..to]
            .iter()
            .all(|b| (0x21..0x7F).contains(b))
        && level_at(from) == 0
        && level_at(to - 1) == 0
    {
        let style = spans[span].style;
        let key = (setting.chain(style)[0], spans[span].color, 0);
        return Ok(vec![shape_piece(&text[from..to], key, size, setting)?]);
    }
    let faces = faces(spans, joined, from, to, setting)?;
    let mut pieces: Vec<Piece> = Vec::new();
    // Piece boundaries: a change of face, colour or direction.
    let mut piece_start = from;
    let mut key: Option<(Face, Rgb, u8)> = None;
    let mut face_index = 0;
    let mut flush = |start: usize, end: usize, key: (Face, Rgb, u8)| -> Result<(), MissingGlyph> {
        if start < end {
            pieces.push(shape_piece(&text[start..end], key, size, setting)?);
        }
        Ok(())
    };
    for (i, _) in text[from..to].char_indices() {
        let at = from + i;
        while face_index + 1 < faces.len() && faces[face_index + 1].0 <= at {
            face_index += 1;
        }
        let face = faces.get(face_index).map_or(Face::Regular, |f| f.1);
        let color = spans[joined.span_at(at)].color;
        let this = (face, color, level_at(at));
        if key != Some(this) {
            if let Some(previous) = key {
                flush(piece_start, at, previous)?;
            }
            piece_start = at;
            key = Some(this);
        }
    }
    if let Some(previous) = key {
        flush(piece_start, to, previous)?;
    }
    Ok(pieces)
}

/// Words of printable ASCII this thread has set, by style, colour, size and whether a
/// space follows: a handout repeats most of its words, and a batch its briefs.
type WordKey = (Style, Rgb, u32, bool);

/// Remembered words by key, then by text.
type WordCache = HashMap<WordKey, HashMap<Box<str>, Word, Fnv>, Fnv>;

thread_local! {
    // Never dropped (see `shape::Remembered`): the threads that set text live as long
    // as the process, and freeing thousands of words one by one at exit cost a
    // single build as much as it saved.
    static WORDS: Remembered<WordCache> =
        Remembered::new(HashMap::with_hasher(Fnv));
}

/// How many words a thread remembers before it starts afresh: more than a handout
/// has, few enough that a batch's memory stays flat.
const CACHED_WORDS: usize = 20_000;

fn shape_piece(
    text: &str,
    (face, color, level): (Face, Rgb, u8),
    size: f32,
    setting: &Setting<'_>,
) -> Result<Piece, MissingGlyph> {
    // No-break and other spaces inside a word draw as ordinary spaces: every face has
    // one, and a reader copies a plain space.
    let drawn: String = if text.chars().any(char::is_whitespace) {
        text.chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    } else {
        text.to_string()
    };
    let mut glyphs: Vec<Glyph> = Vec::with_capacity(drawn.len());
    shape::shape_each(
        setting.fonts,
        face,
        &drawn,
        level % 2 == 1,
        &setting.language,
        |g| glyphs.push(Glyph::from_em(g, size, 0)),
    )
    .ok_or_else(|| MissingGlyph(drawn.chars().next().unwrap_or(' ')))?;
    let piece = Piece {
        face,
        color,
        width: glyphs.iter().map(|g| g.advance).sum(),
        glyphs: glyphs.into(),
        text: drawn.into(),
        level,
    };
    Ok(piece)
}

/// Forgets the remembered words when a thread moves to a document in another
/// language (the shaper is told the language).
fn forget_pieces_unless(language: &Option<rustybuzz::Language>) {
    thread_local! {
        static LANGUAGE: RefCell<Option<rustybuzz::Language>> = const { RefCell::new(None) };
    }
    LANGUAGE.with(|l| {
        if l.borrow().as_ref() != language.as_ref() {
            WORDS.with(|w| w.borrow_mut().clear());
            *l.borrow_mut() = language.clone();
        }
    });
}

fn finish_word(pieces: Vec<Piece>, space: Option<Piece>) -> Word {
    Word {
        width: pieces.iter().map(|p| p.width).sum(),
        pieces: pieces.into(),
        space,
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
                chunks.push(finish_word(std::mem::take(&mut pieces), None));
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
        chunks.push(finish_word(pieces, word.space));
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
    let optimal: Vec<Line> = wrap_optimal_fit(&measured, &target, &PENALTIES)
        .map(|lines| lines.into_iter().map(|l| build_line(l, base)).collect())
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
    Line {
        runs: runs.into_iter().map(|(_, run)| run).collect(),
        width,
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;

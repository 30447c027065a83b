//! Rich text to wrapped lines: find where lines may break (UAX #14), resolve the
//! direction of every character (UAX #9), choose a face for each word, shape it, and
//! wrap the shaped words with textwrap's optimal-fit algorithm in points.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::rc::Rc;

use super::bidi;
use super::shape::{self, EmGlyph, Fnv, Remembered};
use crate::fonts::script::is_cjk;
use crate::fonts::{is_invisible_format, Cjk, Face, Fonts, Style};
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
    /// Keep wrapped paragraphs for later documents (see `wrapped`).
    pub remember: bool,
}

impl<'f> Setting<'f> {
    pub fn new(fonts: &'f Fonts, language: &str) -> Self {
        let setting = Setting {
            fonts,
            cjk: Cjk::for_language(language),
            rtl: crate::language::is_right_to_left(language),
            language: language.parse().ok(),
            remember: false,
        };
        forget_words_unless(&setting.language);
        setting
    }

    /// The same setting, keeping the paragraphs it wraps (see `wrapped`): for the
    /// further layouts of one document that fitting tries, which wrap most paragraphs
    /// at the same size and width again.
    pub fn remembering(&self) -> Setting<'f> {
        Setting {
            fonts: self.fonts,
            cjk: self.cjk,
            rtl: self.rtl,
            language: self.language.clone(),
            remember: true,
        }
    }

    /// The face chain for a style in this document.
    pub fn chain(&self, style: Style) -> [Face; 6] {
        Face::chain(style, self.cjk)
    }

    /// The first face of the chain that draws `c`.
    pub fn face_for(&self, style: Style, c: char) -> Option<Face> {
        self.fonts.face_for(style, self.cjk, c)
    }

    pub(super) fn base_level(&self) -> u8 {
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
pub(super) struct Piece {
    pub(super) face: Face,
    pub(super) color: Rgb,
    /// Shared: a remembered word is handed out again with its pieces (see [`words`]).
    pub(super) text: Rc<str>,
    /// In visual order; clusters are offsets into `text`.
    pub(super) glyphs: Rc<[Glyph]>,
    pub(super) width: f32,
    /// The bidirectional embedding level: odd runs right to left.
    pub(super) level: u8,
}

/// A unit the wrapper may not break, plus the space that follows it.
#[derive(Debug, Clone)]
pub struct Word {
    /// Shared with the thread's cache of words (see [`words`]).
    pub(super) pieces: Rc<[Piece]>,
    pub(super) width: f32,
    /// The space after the word; `None` at the end of the text and where a line may
    /// break without one (between Chinese characters).
    pub(super) space: Option<Piece>,
}

impl Word {
    pub(super) fn space_width(&self) -> f32 {
        self.space.as_ref().map_or(0.0, |s| s.width)
    }
}

/// A character no available face can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingGlyph(pub char);

/// `text` in Unicode normalization form C, borrowed when it already is.
pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
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
            let composed = nfc(span.text);
            if composed.contains(is_dropped) {
                text.extend(composed.chars().filter(|&c| !is_dropped(c)));
            } else {
                text.push_str(&composed);
            }
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
    let mut key: Vec<u8> = Vec::with_capacity(64);
    let mut spaces: Vec<Piece> = Vec::new();
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
            let span = &spans[span];
            word_key(
                &mut key,
                content,
                span.style,
                span.color,
                size,
                content_end < end,
            );
            if let Some(word) = WORDS.with(|w| w.borrow().get(key.as_slice()).cloned()) {
                words.push(word);
                start = end;
                continue;
            }
        }
        if !content.is_empty() {
            let pieces = word_pieces(spans, &joined, start, content_end, size, setting, &level_at)?;
            words.push(finish_word(pieces, None));
        }
        if content_end < end {
            if let Some(word) = words.last_mut() {
                let span = &spans[joined.span_at(content_end)];
                let after = word.pieces.last().map(|p| p.face);
                let face = space_face(span.style, after, setting);
                let level = level_at(content_end);
                // One shared space per face, colour and direction in a paragraph.
                let same = |s: &&Piece| (s.face, s.color, s.level) == (face, span.color, level);
                word.space = Some(match spaces.iter().find(same) {
                    Some(shared) => shared.clone(),
                    None => {
                        let space = space_piece(face, span.color, level, size, setting);
                        spaces.push(space.clone());
                        space
                    }
                });
            }
        }
        if let Some(word) = words.last().filter(|_| plain) {
            WORDS.with(|w| {
                let mut w = w.borrow_mut();
                if w.len() >= CACHED_WORDS {
                    w.clear();
                }
                w.insert(key.as_slice().into(), word.clone());
            });
        }
        start = end;
    }
    if let Some(last) = words.last_mut() {
        last.space = None;
    }
    Ok(words)
}

/// The face of a space after a word: the word's face when the space is in its style,
/// so a line of Hindi or Arabic is one run; else the style's first face (every face
/// has a space).
fn space_face(style: Style, after: Option<Face>, setting: &Setting<'_>) -> Face {
    // The primary face, first of the chain, has a space (a test in `fonts` makes sure).
    let chain = setting.chain(style);
    after
        .filter(|&f| f == chain[0] || (chain.contains(&f) && setting.has(f, ' ')))
        .unwrap_or(chain[0])
}

fn space_piece(face: Face, color: Rgb, level: u8, size: f32, setting: &Setting<'_>) -> Piece {
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
        color,
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
        let drawn = |c: char| !is_invisible_format(c) && !c.is_whitespace();
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
) -> Result<Rc<[Piece]>, MissingGlyph> {
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
        return Ok(Rc::from([shape_piece(
            &text[from..to],
            key,
            size,
            setting,
        )?]));
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
    Ok(pieces.into())
}

/// Words of printable ASCII this thread has set, by text, style, colour, size and
/// whether a space follows (see [`word_key`]): a handout repeats most of its words,
/// and a batch its briefs.
type WordCache = HashMap<Box<[u8]>, Word, Fnv>;

/// The cache's key for a word: its text, then what else decides how it is set. One
/// key of bytes is hashed once, where a key per setting and a map per key hashed
/// twice.
fn word_key(key: &mut Vec<u8>, text: &str, style: Style, color: Rgb, size: f32, spaced: bool) {
    key.clear();
    key.extend_from_slice(text.as_bytes());
    let flags = u8::from(style.bold) | u8::from(style.italic) << 1 | u8::from(spaced) << 2;
    key.extend_from_slice(&[flags, color.0, color.1, color.2]);
    key.extend_from_slice(&size.to_bits().to_le_bytes());
}

thread_local! {
    // Never dropped (see `shape::Remembered`): the threads that set text live as long
    // as the process, and freeing thousands of words one by one at exit cost a
    // single build as much as it saved.
    static WORDS: Remembered<WordCache> =
        Remembered::new(HashMap::with_hasher(Fnv));
}

/// How many words a thread remembers before it starts afresh: more than the 2,400
/// distinct words of the bundled handout, few enough that a batch's memory stays flat
/// (each patient's name is a new word).
const CACHED_WORDS: usize = 4_000;

fn shape_piece(
    text: &str,
    (face, color, level): (Face, Rgb, u8),
    size: f32,
    setting: &Setting<'_>,
) -> Result<Piece, MissingGlyph> {
    // No-break and other spaces inside a word draw as ordinary spaces: every face has
    // one, and a reader copies a plain space.
    let drawn: Rc<str> = if text.chars().any(char::is_whitespace) {
        text.chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    };
    // Shaped into a vector the thread keeps, then copied once into the shared slice.
    thread_local! {
        static SHAPED: RefCell<Vec<Glyph>> = const { RefCell::new(Vec::new()) };
    }
    SHAPED.with(|shaped| {
        let mut glyphs = shaped.borrow_mut();
        glyphs.clear();
        shape::shape_into(
            setting.fonts,
            face,
            &drawn,
            level % 2 == 1,
            &setting.language,
            &mut glyphs,
            |g| Glyph::from_em(g, size, 0),
        )
        .ok_or_else(|| MissingGlyph(drawn.chars().next().unwrap_or(' ')))?;
        Ok(Piece {
            face,
            color,
            width: glyphs.iter().map(|g| g.advance).sum(),
            glyphs: Rc::from(glyphs.as_slice()),
            text: drawn,
            level,
        })
    })
}

/// Forgets the remembered words when a thread moves to a document in another
/// language (the shaper is told the language).
fn forget_words_unless(language: &Option<rustybuzz::Language>) {
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

pub(super) fn finish_word(pieces: Rc<[Piece]>, space: Option<Piece>) -> Word {
    Word {
        width: pieces.iter().map(|p| p.width).sum(),
        pieces,
        space,
    }
}

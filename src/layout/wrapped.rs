//! Paragraphs this thread has wrapped, by everything their lines depend on: the text
//! and style of each span, the size, the width and the document's language setting.
//!
//! A batch lays out the same handout's words for every patient, and wrapping them
//! (finding the words, looking up their shapes, the optimal fit, building each line's
//! runs) was half of a brief's layout. A remembered paragraph is used only when its
//! key is equal in full, so its lines are the ones wrapping would make. A patient's
//! details are never remembered (see [`wrap_private`]).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use super::lines::{self, Line};
use super::shape::{Fnv, Remembered};
use super::text::{self, MissingGlyph, Setting, Span};
use crate::fonts::{Cjk, Style};
use crate::vocabulary::Rgb;

/// What a paragraph's lines depend on, besides the process's fonts.
struct Key {
    /// The spans' texts, one after another.
    text: String,
    /// Each span's length in `text`, style and colour.
    spans: Vec<(usize, Style, Rgb)>,
    size: u32,
    width: u32,
    cjk: Cjk,
    rtl: bool,
    language: Option<rustybuzz::Language>,
}

impl Key {
    fn new(spans: &[Span<'_>], size: f32, width: f32, setting: &Setting<'_>) -> Key {
        Key {
            text: spans.iter().map(|s| s.text).collect(),
            spans: spans
                .iter()
                .map(|s| (s.text.len(), s.style, s.color))
                .collect(),
            size: size.to_bits(),
            width: width.to_bits(),
            cjk: setting.cjk,
            rtl: setting.rtl,
            language: setting.language.clone(),
        }
    }

    fn matches(&self, spans: &[Span<'_>], size: f32, width: f32, setting: &Setting<'_>) -> bool {
        if self.size != size.to_bits()
            || self.width != width.to_bits()
            || self.cjk != setting.cjk
            || self.rtl != setting.rtl
            || self.spans.len() != spans.len()
            || self.language != setting.language
        {
            return false;
        }
        let mut rest = self.text.as_str();
        for (&(len, style, color), span) in self.spans.iter().zip(spans) {
            if len != span.text.len() || style != span.style || color != span.color {
                return false;
            }
            let (this, after) = rest.split_at(len);
            if this != span.text {
                return false;
            }
            rest = after;
        }
        true
    }
}

fn hash(spans: &[Span<'_>], size: f32, width: f32) -> u64 {
    let mut h = Fnv.build_hasher();
    for span in spans {
        h.write(span.text.as_bytes());
        h.write_u8(u8::from(span.style.bold) | u8::from(span.style.italic) << 1);
        let Rgb(r, g, b) = span.color;
        h.write_u32(u32::from_be_bytes([0, r, g, b]));
    }
    h.write_u32(size.to_bits());
    h.write_u32(width.to_bits());
    h.finish()
}

/// The remembered paragraphs, and what tells whether they still pay their way.
#[derive(Default)]
struct Paragraphs {
    lines: HashMap<u64, (Key, Vec<Line>), Fnv>,
    /// Glyphs in all the remembered lines: what their memory grows with.
    glyphs: usize,
    /// The budget has been reached; since then, paragraphs found, and paragraphs not
    /// found that there was no room for.
    full: bool,
    hits: usize,
    misses: usize,
}

impl Paragraphs {
    /// Keeps `lines` if there is room. Once there is none, what is kept stays, unless
    /// the documents have moved on to other words (more misses than twice the hits and
    /// the paragraphs kept): then the thread starts afresh.
    fn remember(&mut self, key: u64, kept: Key, lines: &[Line]) {
        let glyphs: usize = lines
            .iter()
            .flat_map(|l| &l.runs)
            .map(|r| r.glyphs.len())
            .sum();
        if self.glyphs + glyphs > BUDGET {
            self.full = true;
            self.misses += 1;
            if self.misses <= 2 * self.hits + self.lines.len() {
                return;
            }
            self.lines.clear();
            self.glyphs = 0;
            self.full = false;
            self.hits = 0;
            self.misses = 0;
        }
        self.glyphs += glyphs;
        self.lines.insert(key, (kept, lines.to_vec()));
    }
}

thread_local! {
    // Never dropped, as the shaped words are not (see `shape::Remembered`).
    static PARAGRAPHS: Remembered<Paragraphs> = Remembered::new(Paragraphs {
        lines: HashMap::with_hasher(Fnv),
        ..Paragraphs::default()
    });
}

/// How many glyphs of wrapped lines a thread keeps (20 bytes each): a few briefs'
/// paragraphs, or the first third of a full handout's. A full handout's 450 paragraphs
/// hold 39,000, and keeping them all took a batch of full handouts on two threads
/// past 20 MiB.
const BUDGET: usize = 16_384;

/// `spans` wrapped to `width` at `size`: the remembered lines when this thread wrapped
/// the same paragraph before, else newly wrapped (and remembered if the setting asks).
pub fn wrap(
    setting: &Setting<'_>,
    spans: &[Span<'_>],
    size: f32,
    width: f32,
) -> Result<Vec<Line>, MissingGlyph> {
    if !setting.remember {
        return wrap_fresh(setting, spans, size, width);
    }
    let key = hash(spans, size, width);
    let hit = PARAGRAPHS.with(|p| {
        let mut p = p.borrow_mut();
        let found = p
            .lines
            .get(&key)
            .filter(|(kept, _)| kept.matches(spans, size, width, setting))
            .map(|(_, lines)| lines.clone());
        if found.is_some() && p.full {
            p.hits += 1;
        }
        found
    });
    if let Some(lines) = hit {
        return Ok(lines);
    }
    let lines = wrap_fresh(setting, spans, size, width)?;
    PARAGRAPHS.with(|p| {
        p.borrow_mut()
            .remember(key, Key::new(spans, size, width, setting), &lines);
    });
    Ok(lines)
}

/// [`wrap`] for a patient's details, which are not kept once their document is built:
/// only while one document is laid out several times over (see [`OneDocument`]).
pub fn wrap_private(
    setting: &Setting<'_>,
    spans: &[Span<'_>],
    size: f32,
    width: f32,
) -> Result<Vec<Line>, MissingGlyph> {
    let found = PRIVATE.with(|p| {
        p.borrow().as_ref().and_then(|kept| {
            kept.iter()
                .find(|(key, _)| key.matches(spans, size, width, setting))
                .map(|(_, lines)| lines.clone())
        })
    });
    if let Some(lines) = found {
        return Ok(lines);
    }
    let lines = wrap_fresh(setting, spans, size, width)?;
    PRIVATE.with(|p| {
        if let Some(kept) = p.borrow_mut().as_mut() {
            kept.push((Key::new(spans, size, width, setting), lines.clone()));
        }
    });
    Ok(lines)
}

/// Wraps without looking anything up or keeping anything.
fn wrap_fresh(
    setting: &Setting<'_>,
    spans: &[Span<'_>],
    size: f32,
    width: f32,
) -> Result<Vec<Line>, MissingGlyph> {
    let words = text::words(spans, size, setting)?;
    Ok(lines::wrap(words, width, size, setting))
}

/// A patient's paragraphs with their lines, kept while one document is laid out at
/// several settings; `None` the rest of the time.
type KeptPrivately = Option<Vec<(Key, Vec<Line>)>>;

thread_local! {
    static PRIVATE: std::cell::RefCell<KeptPrivately> = const { std::cell::RefCell::new(None) };
}

/// While this lives, a patient's paragraphs wrapped on this thread are kept for the
/// next layout of the same document; when it is dropped (the document laid out, or
/// given up with an error) they are forgotten.
pub struct OneDocument(());

impl OneDocument {
    pub fn begin() -> OneDocument {
        PRIVATE.with(|p| *p.borrow_mut() = Some(Vec::new()));
        OneDocument(())
    }
}

impl Drop for OneDocument {
    fn drop(&mut self) {
        PRIVATE.with(|p| *p.borrow_mut() = None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Fonts;

    fn kept() -> Option<usize> {
        PRIVATE.with(|p| p.borrow().as_ref().map(Vec::len))
    }

    #[test]
    fn a_patients_paragraphs_are_kept_only_while_their_document_is_laid_out() {
        let setting = Setting::new(Fonts::bundled(), "en");
        let spans = [Span::new(
            "Walk for 20 minutes every day.",
            Style::REGULAR,
            Rgb(0, 0, 0),
        )];
        let alone = wrap_private(&setting, &spans, 12.0, 120.0).unwrap();
        assert_eq!(kept(), None, "nothing is kept outside a document's layout");
        {
            let _document = OneDocument::begin();
            let first = wrap_private(&setting, &spans, 12.0, 120.0).unwrap();
            assert_eq!(kept(), Some(1));
            let again = wrap_private(&setting, &spans, 12.0, 120.0).unwrap();
            assert_eq!(kept(), Some(1), "found, not wrapped and kept again");
            let narrower = wrap_private(&setting, &spans, 12.0, 60.0).unwrap();
            assert_eq!(kept(), Some(2), "another width is another paragraph");
            assert_eq!(first, alone);
            assert_eq!(again, alone);
            assert!(narrower.len() > alone.len());
        }
        assert_eq!(kept(), None, "forgotten once the document is laid out");
    }
}

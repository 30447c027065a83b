//! Text to positioned glyphs with rustybuzz: kerning and ligatures in Latin, joining
//! forms in Arabic, conjuncts and reordered vowel signs in Devanagari, stacked marks in
//! Vietnamese. Shaped words are remembered per thread, by face, direction, language and
//! text, so a word that recurs (in a document, or in every brief of a batch) is shaped
//! once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::fonts::{Face, Fonts};

/// One glyph of shaped text, in ems of the text's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmGlyph {
    pub id: u16,
    /// How far the pen moves after the glyph, kerning included.
    pub advance: f32,
    /// Where the glyph is drawn relative to the pen: right and up.
    pub dx: f32,
    pub dy: f32,
    /// The byte offset in the shaped text where the glyph's cluster starts.
    pub cluster: u32,
}

/// Shaped text: glyphs in visual order (left to right on the page).
pub type Shaped = Rc<[EmGlyph]>;

/// How many distinct words a thread remembers before it starts afresh: more than any
/// handout has, few enough that a batch's memory stays flat (a word is ~100 bytes).
const CACHE_WORDS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    face: Face,
    rtl: bool,
    language: Option<rustybuzz::Language>,
}

/// Shaped words by face and direction, then by text.
type ByFace = HashMap<(Face, bool), HashMap<Box<str>, Shaped>>;

/// Shaped words by language (one per document, so looked up by reference without a
/// copy), then by face and direction, then by text.
#[derive(Default)]
struct Cache {
    words: HashMap<Option<rustybuzz::Language>, ByFace>,
    count: usize,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
    /// Shape plans (which lookups of the font apply), by face, direction, script and
    /// language: making one reads the font's feature lists, more work than shaping a
    /// word with it.
    static PLANS: RefCell<HashMap<(Key, rustybuzz::Script), Rc<rustybuzz::ShapePlan>>> =
        RefCell::new(HashMap::new());
}

/// `text` shaped in `face`, right to left when `rtl`; `None` when the face is not
/// available on this machine.
pub fn shape(
    fonts: &Fonts,
    face: Face,
    text: &str,
    rtl: bool,
    language: &Option<rustybuzz::Language>,
) -> Option<Shaped> {
    if let Some(hit) = CACHE.with(|c| {
        c.borrow()
            .words
            .get(language)
            .and_then(|faces| faces.get(&(face, rtl)))
            .and_then(|words| words.get(text).cloned())
    }) {
        return Some(hit);
    }
    let shaped = shape_uncached(fonts, face, text, rtl, language.as_ref())?;
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.count >= CACHE_WORDS {
            cache.words.clear();
            cache.count = 0;
        }
        cache.count += 1;
        cache
            .words
            .entry(language.clone())
            .or_default()
            .entry((face, rtl))
            .or_default()
            .insert(text.into(), Rc::clone(&shaped));
    });
    Some(shaped)
}

fn shape_uncached(
    fonts: &Fonts,
    face: Face,
    text: &str,
    rtl: bool,
    language: Option<&rustybuzz::Language>,
) -> Option<Shaped> {
    let shaper = fonts.shaper(face)?;
    let per_em = 1.0 / fonts.units_per_em(face);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let direction = if rtl {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    };
    buffer.set_direction(direction);
    if let Some(language) = language {
        buffer.set_language(language.clone());
    }
    // Joiners and other invisible controls shape their neighbours and then draw
    // nothing: no glyph, so nothing to map back to text but the cluster they join.
    buffer.set_flags(rustybuzz::BufferFlags::REMOVE_DEFAULT_IGNORABLES);
    let script = buffer.script();
    let key = (
        Key {
            face,
            rtl,
            language: language.cloned(),
        },
        script,
    );
    let plan = PLANS.with(|plans| {
        Rc::clone(plans.borrow_mut().entry(key).or_insert_with(|| {
            Rc::new(rustybuzz::ShapePlan::new(
                shaper,
                direction,
                Some(script),
                language,
                &[],
            ))
        }))
    });
    let glyphs = rustybuzz::shape_with_plan(shaper, &plan, buffer);
    Some(
        glyphs
            .glyph_infos()
            .iter()
            .zip(glyphs.glyph_positions())
            .map(|(info, pos)| EmGlyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: pos.x_advance as f32 * per_em,
                dx: pos.x_offset as f32 * per_em,
                dy: pos.y_offset as f32 * per_em,
                cluster: info.cluster,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn width(glyphs: &[EmGlyph]) -> f32 {
        glyphs.iter().map(|g| g.advance).sum()
    }

    #[test]
    fn latin_is_kerned() {
        let fonts = Fonts::bundled();
        let shaped = shape(fonts, Face::Regular, "AVAVAV", false, &None).unwrap();
        let plain = fonts.width(Face::Regular, 1.0, "AVAVAV");
        assert_eq!(shaped.len(), 6);
        assert!(
            width(&shaped) < plain - 0.1,
            "kerned {} vs plain {plain}",
            width(&shaped)
        );
    }

    #[test]
    fn arabic_letters_join_and_run_right_to_left() {
        let fonts = Fonts::bundled();
        // "سلام": four letters in their joined forms, none of them the isolated glyph.
        let shaped = shape(fonts, Face::ArabicRegular, "سلام", true, &None).unwrap();
        let isolated: Vec<u16> = "سلام"
            .chars()
            .filter_map(|c| fonts.glyph(Face::ArabicRegular, c).map(|g| g.id))
            .collect();
        assert!(!shaped.is_empty());
        assert!(
            shaped.iter().any(|g| !isolated.contains(&g.id)),
            "{shaped:?} uses only isolated forms {isolated:?}"
        );
        // Visual order: the first letter's cluster (0) is drawn last, at the right.
        assert_eq!(shaped.last().map(|g| g.cluster), Some(0));
    }

    #[test]
    fn devanagari_forms_a_conjunct_and_reorders_the_i_sign() {
        let fonts = Fonts::bundled();
        // क्ष (ka, virama, ssa) is one conjunct glyph, fewer glyphs than characters.
        let conjunct = shape(fonts, Face::DevanagariRegular, "क्ष", false, &None).unwrap();
        assert!(conjunct.len() < 3, "{conjunct:?}");
        // कि: the vowel sign i (in whichever width the font picks) is drawn before,
        // left of, the consonant it follows in the text.
        let ki = shape(fonts, Face::DevanagariRegular, "कि", false, &None).unwrap();
        let ka = fonts.glyph(Face::DevanagariRegular, 'क').unwrap().id;
        assert_eq!(ki.len(), 2, "{ki:?}");
        assert_ne!(ki[0].id, ka, "{ki:?}");
        assert_eq!(ki[1].id, ka, "{ki:?}");
    }

    #[test]
    fn shaping_is_remembered_and_the_same() {
        let fonts = Fonts::bundled();
        let a = shape(fonts, Face::Bold, "remembered", false, &None).unwrap();
        let b = shape(fonts, Face::Bold, "remembered", false, &None).unwrap();
        assert!(Rc::ptr_eq(&a, &b));
    }
}

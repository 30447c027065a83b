//! Text to positioned glyphs with rustybuzz: kerning and ligatures in Latin, joining
//! forms in Arabic, conjuncts and reordered vowel signs in Devanagari, stacked marks in
//! Vietnamese. Shaped words are remembered per thread, by face, direction, language and
//! text, so a word that recurs (in a document, or in every brief of a batch) is shaped
//! once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::fonts::kern::FirstGlyph;
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
const CACHE_WORDS: usize = 4_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    face: Face,
    rtl: bool,
    language: Option<rustybuzz::Language>,
}

/// Shaped words by face and direction, then by text.
type ByFace = HashMap<(Face, bool), HashMap<Box<str>, Shaped, Fnv>, Fnv>;

/// Shaped words by language (one per document, so looked up by reference without a
/// copy), then by face and direction, then by text.
#[derive(Default)]
struct Cache {
    words: HashMap<Option<rustybuzz::Language>, ByFace, Fnv>,
    count: usize,
}

/// A per-thread cache that is never dropped: the threads that lay out text (the
/// command's, a batch's workers, the server's) live as long as the process, and
/// dropping a full cache entry by entry at exit costs a one-page build a tenth of its
/// time. A thread that ends leaks its cache, which is capped.
pub struct Remembered<T>(std::mem::ManuallyDrop<RefCell<T>>);

impl<T> Remembered<T> {
    pub fn new(value: T) -> Self {
        Remembered(std::mem::ManuallyDrop::new(RefCell::new(value)))
    }
}

impl<T> std::ops::Deref for Remembered<T> {
    type Target = RefCell<T>;
    fn deref(&self) -> &RefCell<T> {
        &self.0
    }
}

thread_local! {
    static CACHE: Remembered<Cache> = Remembered::new(Cache::default());
    /// Shape plans (which lookups of the font apply), by face, direction, script and
    /// language: making one reads the font's feature lists, more work than shaping a
    /// word with it.
    static PLANS: Remembered<HashMap<(Key, rustybuzz::Script), Rc<rustybuzz::ShapePlan>>> =
        Remembered::new(HashMap::new());
}

/// `text` shaped in `face`, right to left when `rtl`: each glyph, made into a `T` by
/// `convert`, appended to `out` in visual order. `None` when the face is not
/// available on this machine.
pub fn shape_into<T>(
    fonts: &Fonts,
    face: Face,
    text: &str,
    rtl: bool,
    language: &Option<rustybuzz::Language>,
    out: &mut Vec<T>,
    convert: impl Fn(&EmGlyph) -> T,
) -> Option<()> {
    if !rtl && is_pairwise(face, language) {
        let kept = out.len();
        if pairwise_each(fonts, face, text, &mut |g| out.push(convert(g))) {
            return Some(());
        }
        // A character the pairs could not set: the full shaper sets the whole text.
        out.truncate(kept);
    }
    out.extend(shape(fonts, face, text, rtl, language)?.iter().map(convert));
    Some(())
}

/// `text` shaped in `face` by the full shaper, remembered; `None` when the face is not
/// available on this machine.
fn shape(
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

/// Whether shaping `face` comes down to its cmap and pair kerning for text without
/// combining marks: Atkinson Hyperlegible's default features are `ccmp` and `locl`
/// (which touch only combining marks, and Moldavian's ş and ţ) and `kern`, `mark` and
/// `mkmk` (pairs, and marks). Most of a handout's words are set this way, several times
/// cheaper than a full shaping pass; `tests` hold it to the shaper's own result.
fn is_pairwise(face: Face, language: &Option<rustybuzz::Language>) -> bool {
    matches!(
        face,
        Face::Regular | Face::Bold | Face::Italic | Face::BoldItalic
    ) && !language.as_ref().is_some_and(|l| {
        let primary = l.as_str().split('-').next().unwrap_or("");
        matches!(primary, "ro" | "mo")
    })
}

thread_local! {
    /// Kerning of glyph pairs, in ems, as the GPOS table gives it: a direct-mapped
    /// table of the pairs last seen, so a lookup is an index and a compare.
    static KERNING: Remembered<Vec<KernSlot>> = Remembered::new(Vec::new());
    /// The subtables that cover each first glyph of a pair met so far, by face and
    /// glyph: a pair not in the table above is read from these.
    static FIRSTS: Remembered<HashMap<u32, Option<FirstKerning>, Fnv>> =
        Remembered::new(HashMap::with_hasher(Fnv));
}

/// A first glyph's pairs, with its face's units per em.
type FirstKerning = (FirstGlyph<'static>, f32);

/// The kerning of a pair the table above has not remembered, in ems.
fn pair_kerning_em(fonts: &Fonts, face: Face, first: u16, second: u16) -> f32 {
    FIRSTS.with(|firsts| {
        firsts
            .borrow_mut()
            .entry((face as u32) << 16 | u32::from(first))
            .or_insert_with(|| fonts.first_glyph_kerning(face, first))
            .as_ref()
            .map_or(0.0, |(kerning, per_em)| {
                kerning.kerning(second) as f32 / per_em
            })
    })
}

/// One remembered pair: face, first and second glyph, and their kerning in ems.
#[derive(Clone, Copy)]
struct KernSlot {
    key: u64,
    kern: f32,
}

/// Slots in the pair table, a power of two: more than the 1,500 pairs of the bundled
/// handout's faces, few enough (32 KB) that a brief does not pay to clear a larger
/// table. A pair that lost its slot is read again from [`FIRSTS`], cheaply.
const KERN_SLOT_BITS: u32 = 11;
const KERN_SLOTS: usize = 1 << KERN_SLOT_BITS;

fn kern_key(face: Face, first: u16, second: u16) -> u64 {
    // Never 0, so an empty slot matches no pair.
    (1 << 40) | ((face as u64) << 32) | (u64::from(first) << 16) | u64::from(second)
}

/// Whether every character of `text` can be set by pairs (see [`is_pairwise`]):
/// printable ASCII and Latin-1, which Atkinson Hyperlegible draws in every style (a
/// test in `fonts` makes sure), and no combining mark or invisible control among them.
fn settable_by_pairs(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(c, ' '..='~' | '\u{A0}'..='\u{AC}' | '\u{AE}'..='\u{FF}')
            || PAIRED_PUNCTUATION.contains(&c)
    })
}

/// Punctuation of English and Spanish text beyond Latin-1 that Atkinson Hyperlegible
/// draws in every style (a test in `fonts` makes sure): dashes, curly quotes, the
/// bullet and the ellipsis.
pub const PAIRED_PUNCTUATION: [char; 8] = [
    '\u{2013}', '\u{2014}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2026}',
];

/// `text` as glyphs from the cmap, each advance adjusted by its pair's kerning, handed
/// to `each`; false when a character is outside what pairs set (then nothing was
/// handed, or, for a character the face lacks, the glyphs before it).
fn pairwise_each(fonts: &Fonts, face: Face, text: &str, each: &mut dyn FnMut(&EmGlyph)) -> bool {
    if !settable_by_pairs(text) {
        return false;
    }
    KERNING.with(|kerning| {
        let mut kerning = kerning.borrow_mut();
        if kerning.is_empty() {
            kerning.resize(KERN_SLOTS, KernSlot { key: 0, kern: 0.0 });
        }
        let mut pending: Option<EmGlyph> = None;
        for (i, c) in text.char_indices() {
            let Some(glyph) = fonts.glyph(face, c) else {
                return false;
            };
            if let Some(mut last) = pending.take() {
                let key = kern_key(face, last.id, glyph.id);
                let slot =
                    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - KERN_SLOT_BITS)) as usize;
                let entry = &mut kerning[slot];
                if entry.key != key {
                    *entry = KernSlot {
                        key,
                        kern: pair_kerning_em(fonts, face, last.id, glyph.id),
                    };
                }
                last.advance += entry.kern;
                each(&last);
            }
            pending = Some(EmGlyph {
                id: glyph.id,
                advance: glyph.advance,
                dx: 0.0,
                dy: 0.0,
                cluster: i as u32,
            });
        }
        if let Some(last) = pending {
            each(&last);
        }
        true
    })
}

#[cfg(test)]
fn shape_pairwise(fonts: &Fonts, face: Face, text: &str) -> Option<Vec<EmGlyph>> {
    let mut out = Vec::new();
    pairwise_each(fonts, face, text, &mut |g| out.push(*g)).then_some(out)
}

/// FNV-1a, 64 bits: the caches' keys are small and ours, so a keyed hash buys nothing.
#[derive(Clone, Copy, Default)]
pub struct Fnv;

pub struct FnvHasher(u64);

impl std::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl FnvHasher {
    /// A whole integer in one step (glyph ids, faces, sizes): one multiply, not one
    /// per byte.
    fn mix(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x0100_0000_01b3).rotate_left(23);
    }
}

impl std::hash::Hasher for FnvHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }
    fn write_u16(&mut self, n: u16) {
        self.mix(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.mix(n as u64);
    }
    /// Spread over every bit: the table takes its slot from the low bits and a tag
    /// from the high ones, and a key of three small numbers changes few of either.
    fn finish(&self) -> u64 {
        let h = (self.0 ^ (self.0 >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }
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

    #[test]
    fn pairs_set_atkinson_as_the_shaper_does() {
        // Every word of the bundled handouts in Latin script, in all four faces: the
        // cmap-and-kerning path must give the shaper's own glyphs and advances.
        let fonts = Fonts::bundled();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("handouts");
        let mut words = std::collections::BTreeSet::new();
        for name in [
            "l3-l4-foraminal-narrowing.toml",
            "l3-l4-foraminal-narrowing.es.toml",
        ] {
            let text = std::fs::read_to_string(root.join(name)).unwrap();
            words.extend(text.split_whitespace().map(str::to_owned));
        }
        words.insert("AVAVAV".into());
        words.insert("T.V.".into());
        let mut compared = 0;
        for face in [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic] {
            for word in &words {
                let Some(fast) = shape_pairwise(fonts, face, word) else {
                    continue;
                };
                let full = shape_uncached(fonts, face, word, false, None).unwrap();
                assert_eq!(fast.len(), full.len(), "{face:?} {word:?}");
                for (f, g) in fast.iter().zip(full.iter()) {
                    assert_eq!((f.id, f.cluster), (g.id, g.cluster), "{face:?} {word:?}");
                    assert!((f.advance - g.advance).abs() < 1e-6, "{face:?} {word:?}");
                }
                compared += 1;
            }
        }
        assert!(compared > 4000, "{compared}");
    }

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
        let a = shape(fonts, Face::FallbackBold, "remembered", false, &None).unwrap();
        let b = shape(fonts, Face::FallbackBold, "remembered", false, &None).unwrap();
        assert!(Rc::ptr_eq(&a, &b));
    }
}

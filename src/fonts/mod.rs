//! The bundled fonts: which face draws each character, and how wide it is.
//!
//! Measuring uses the same bytes the PDF embeds, so a width computed here is the width a
//! reader draws.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

mod collection;
pub mod kern;
pub mod script;
pub mod system;

pub use script::Cjk;

/// Weight and slant asked for by the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
}

impl Style {
    pub const REGULAR: Style = Style {
        bold: false,
        italic: false,
    };
    pub const BOLD: Style = Style {
        bold: true,
        italic: false,
    };
    pub const ITALIC: Style = Style {
        bold: false,
        italic: true,
    };
}

/// One font file (or one face of a collection) layout may draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
    FallbackRegular,
    FallbackBold,
    FallbackItalic,
    FallbackBoldItalic,
    Symbols,
    ArabicRegular,
    ArabicBold,
    DevanagariRegular,
    DevanagariBold,
    JapaneseRegular,
    JapaneseBold,
    KoreanRegular,
    KoreanBold,
    SimplifiedRegular,
    SimplifiedBold,
    TraditionalRegular,
    TraditionalBold,
}

impl Face {
    pub const ALL: [Face; 21] = [
        Face::Regular,
        Face::Bold,
        Face::Italic,
        Face::BoldItalic,
        Face::FallbackRegular,
        Face::FallbackBold,
        Face::FallbackItalic,
        Face::FallbackBoldItalic,
        Face::Symbols,
        Face::ArabicRegular,
        Face::ArabicBold,
        Face::DevanagariRegular,
        Face::DevanagariBold,
        Face::JapaneseRegular,
        Face::JapaneseBold,
        Face::KoreanRegular,
        Face::KoreanBold,
        Face::SimplifiedRegular,
        Face::SimplifiedBold,
        Face::TraditionalRegular,
        Face::TraditionalBold,
    ];

    /// The faces compiled into the binary, so a build in a Latin, Cyrillic, Greek,
    /// Vietnamese, Arabic or Devanagari script never depends on what is installed.
    pub fn is_bundled(self) -> bool {
        self.cjk().is_none()
    }

    /// The compiled-in font file's bytes; `None` for the CJK faces, read at run time
    /// (see [`system`]).
    pub fn bundled_bytes(self) -> Option<&'static [u8]> {
        Some(match self {
            Face::Regular => include_bytes!("../../fonts/AtkinsonHyperlegible-Regular.ttf"),
            Face::Bold => include_bytes!("../../fonts/AtkinsonHyperlegible-Bold.ttf"),
            Face::Italic => include_bytes!("../../fonts/AtkinsonHyperlegible-Italic.ttf"),
            Face::BoldItalic => include_bytes!("../../fonts/AtkinsonHyperlegible-BoldItalic.ttf"),
            Face::FallbackRegular => include_bytes!("../../fonts/NotoSans-Regular.ttf"),
            Face::FallbackBold => include_bytes!("../../fonts/NotoSans-Bold.ttf"),
            Face::FallbackItalic => include_bytes!("../../fonts/NotoSans-Italic.ttf"),
            Face::FallbackBoldItalic => include_bytes!("../../fonts/NotoSans-BoldItalic.ttf"),
            Face::Symbols => include_bytes!("../../fonts/NotoSansSymbols2-Regular.ttf"),
            Face::ArabicRegular => include_bytes!("../../fonts/NotoNaskhArabic-Regular.ttf"),
            Face::ArabicBold => include_bytes!("../../fonts/NotoNaskhArabic-Bold.ttf"),
            Face::DevanagariRegular => include_bytes!("../../fonts/NotoSansDevanagari-Regular.ttf"),
            Face::DevanagariBold => include_bytes!("../../fonts/NotoSansDevanagari-Bold.ttf"),
            _ => return None,
        })
    }

    /// The font file's bytes, and the face's index in it when it is a collection;
    /// `None` for a CJK face whose file is not on this machine.
    pub fn bytes(self) -> Option<(&'static [u8], u32)> {
        match self.cjk() {
            None => self.bundled_bytes().map(|b| (b, 0)),
            // The face's tables but its outlines, as a font of its own.
            Some(_) => self.loaded().map(|face| (&face.bytes[..], 0)),
        }
    }

    fn loaded(self) -> Option<&'static system::Loaded> {
        let (form, bold) = self.cjk()?;
        system::cjk(bold, form.collection_index())
    }

    /// Where a face read at run time was found.
    pub fn path(self) -> Option<&'static std::path::Path> {
        self.loaded().map(|face| face.path.as_path())
    }

    /// Whether the face's outlines are CFF (the CJK faces) rather than TrueType.
    pub fn has_cff_outlines(self) -> bool {
        self.loaded().is_some_and(|face| face.cff)
    }

    /// The font file the subsetter embeds `glyphs` of this face from, and the face's
    /// index in it: the bundled file, or for a face read at run time, a font of its
    /// tables with the outlines of those glyphs only (see [`collection`]).
    pub fn font_for_glyphs(
        self,
        glyphs: &[u16],
    ) -> Result<(std::borrow::Cow<'static, [u8]>, u32), String> {
        if let Some(bytes) = self.bundled_bytes() {
            return Ok((std::borrow::Cow::Borrowed(bytes), 0));
        }
        let face = self
            .loaded()
            .ok_or_else(|| format!("{} is not available", self.name()))?;
        system::font_for_glyphs(face, glyphs)
            .map(|bytes| (std::borrow::Cow::Owned(bytes), 0))
            .map_err(|e| format!("cannot read {}: {e}", face.path.display()))
    }

    /// The regional form and weight of a CJK face.
    pub fn cjk(self) -> Option<(Cjk, bool)> {
        Some(match self {
            Face::JapaneseRegular => (Cjk::Japanese, false),
            Face::JapaneseBold => (Cjk::Japanese, true),
            Face::KoreanRegular => (Cjk::Korean, false),
            Face::KoreanBold => (Cjk::Korean, true),
            Face::SimplifiedRegular => (Cjk::Simplified, false),
            Face::SimplifiedBold => (Cjk::Simplified, true),
            Face::TraditionalRegular => (Cjk::Traditional, false),
            Face::TraditionalBold => (Cjk::Traditional, true),
            _ => return None,
        })
    }

    fn cjk_face(form: Cjk, bold: bool) -> Face {
        match (form, bold) {
            (Cjk::Japanese, false) => Face::JapaneseRegular,
            (Cjk::Japanese, true) => Face::JapaneseBold,
            (Cjk::Korean, false) => Face::KoreanRegular,
            (Cjk::Korean, true) => Face::KoreanBold,
            (Cjk::Simplified, false) => Face::SimplifiedRegular,
            (Cjk::Simplified, true) => Face::SimplifiedBold,
            (Cjk::Traditional, false) => Face::TraditionalRegular,
            (Cjk::Traditional, true) => Face::TraditionalBold,
        }
    }

    /// A stable name for layout dumps and web font URLs.
    pub fn name(self) -> &'static str {
        match self {
            Face::Regular => "Atkinson-Regular",
            Face::Bold => "Atkinson-Bold",
            Face::Italic => "Atkinson-Italic",
            Face::BoldItalic => "Atkinson-BoldItalic",
            Face::FallbackRegular => "NotoSans-Regular",
            Face::FallbackBold => "NotoSans-Bold",
            Face::FallbackItalic => "NotoSans-Italic",
            Face::FallbackBoldItalic => "NotoSans-BoldItalic",
            Face::Symbols => "NotoSansSymbols2-Regular",
            Face::ArabicRegular => "NotoNaskhArabic-Regular",
            Face::ArabicBold => "NotoNaskhArabic-Bold",
            Face::DevanagariRegular => "NotoSansDevanagari-Regular",
            Face::DevanagariBold => "NotoSansDevanagari-Bold",
            Face::JapaneseRegular => "NotoSansCJKjp-Regular",
            Face::JapaneseBold => "NotoSansCJKjp-Bold",
            Face::KoreanRegular => "NotoSansCJKkr-Regular",
            Face::KoreanBold => "NotoSansCJKkr-Bold",
            Face::SimplifiedRegular => "NotoSansCJKsc-Regular",
            Face::SimplifiedBold => "NotoSansCJKsc-Bold",
            Face::TraditionalRegular => "NotoSansCJKtc-Regular",
            Face::TraditionalBold => "NotoSansCJKtc-Bold",
        }
    }

    /// The faces tried for a style, in order: the primary Latin face, Noto Sans for the
    /// Latin, Greek and Cyrillic it lacks, the Arabic and Devanagari faces, symbols,
    /// and the CJK faces in the regional form `cjk`.
    pub fn chain(style: Style, cjk: Cjk) -> [Face; 6] {
        let bold = style.bold;
        let (primary, fallback) = match (style.bold, style.italic) {
            (false, false) => (Face::Regular, Face::FallbackRegular),
            (true, false) => (Face::Bold, Face::FallbackBold),
            (false, true) => (Face::Italic, Face::FallbackItalic),
            (true, true) => (Face::BoldItalic, Face::FallbackBoldItalic),
        };
        [
            primary,
            fallback,
            if bold {
                Face::ArabicBold
            } else {
                Face::ArabicRegular
            },
            if bold {
                Face::DevanagariBold
            } else {
                Face::DevanagariRegular
            },
            // Symbols before the CJK faces, which have many of them too: a ✓ in an
            // English handout must not read a 20 MB collection.
            Face::Symbols,
            Face::cjk_face(cjk, bold),
        ]
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Characters that shape text but draw nothing, so they need no glyph:
/// soft hyphen, zero-width space/non-joiner/joiner, word joiner, byte-order mark.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

struct Metrics {
    /// The parsed face, with the tables shaping reads (GSUB, GPOS, GDEF).
    face: rustybuzz::Face<'static>,
    /// The Unicode cmap subtables, found once: `Face::glyph_index` would look them up
    /// again on every call.
    cmaps: Vec<ttf_parser::cmap::Subtable<'static>>,
    units_per_em: f32,
    /// The GPOS `kern` lookups, found on first use.
    kern_lookups: OnceLock<Vec<u16>>,
    /// What the cmap says of each character below [`TABLE_END`], remembered per
    /// character on first use so the hot path skips the cmap search without paying
    /// for characters a document never uses. See [`Slot`].
    table: Vec<AtomicU64>,
}

/// A remembered lookup: 0 not looked up yet, 1 no glyph, otherwise the advance
/// width's bits above 2 + the glyph id. Racing threads store the same value, so
/// relaxed ordering is enough.
struct Slot;

impl Slot {
    const UNKNOWN: u64 = 0;
    const MISSING: u64 = 1;

    fn pack(glyph: Glyph) -> u64 {
        (u64::from(glyph.advance.to_bits()) << 32) | (u64::from(glyph.id) + 2)
    }

    fn unpack(slot: u64) -> Glyph {
        Glyph {
            id: ((slot & 0xFFFF_FFFF) - 2) as u16,
            advance: f32::from_bits((slot >> 32) as u32),
        }
    }
}

/// A character's glyph in one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub id: u16,
    /// Advance width in ems.
    pub advance: f32,
}

/// Characters below this (Latin, Latin-1 and Latin Extended-A/B) are looked up in a
/// table; rarer ones go to the font's cmap.
const TABLE_END: u32 = 0x250;

impl Metrics {
    fn parse(face: Face) -> Option<Metrics> {
        let (bytes, index) = face.bytes()?;
        let parsed = ttf_parser::Face::parse(bytes, index).ok()?;
        let mut cmaps: Vec<ttf_parser::cmap::Subtable<'static>> = parsed
            .tables()
            .cmap
            .map(|cmap| {
                cmap.subtables
                    .into_iter()
                    .filter(|t| t.is_unicode())
                    .collect()
            })
            .unwrap_or_default();
        // Full-repertoire (format 12) tables first: they cover what format 4 cannot.
        cmaps.sort_by_key(|t| !matches!(t.format, ttf_parser::cmap::Format::SegmentedCoverage(_)));
        Some(Metrics {
            units_per_em: f32::from(parsed.units_per_em()),
            face: rustybuzz::Face::from_face(parsed),
            kern_lookups: OnceLock::new(),
            cmaps,
            table: (0..TABLE_END)
                .map(|_| AtomicU64::new(Slot::UNKNOWN))
                .collect(),
        })
    }

    fn lookup(&self, c: char) -> Option<f32> {
        self.glyph(c).map(|g| g.advance)
    }

    fn glyph(&self, c: char) -> Option<Glyph> {
        let code = c as u32;
        let Some(slot) = self.table.get(code as usize) else {
            return self.glyph_id(c).map(|id| self.with_advance(id));
        };
        match slot.load(Ordering::Relaxed) {
            Slot::UNKNOWN => {
                let glyph = self.glyph_id(c).map(|id| self.with_advance(id));
                slot.store(glyph.map_or(Slot::MISSING, Slot::pack), Ordering::Relaxed);
                glyph
            }
            Slot::MISSING => None,
            known => Some(Slot::unpack(known)),
        }
    }

    fn glyph_id(&self, c: char) -> Option<u16> {
        self.cmaps
            .iter()
            .find_map(|table| table.glyph_index(c as u32))
            .map(|gid| gid.0)
    }

    fn with_advance(&self, id: u16) -> Glyph {
        Glyph {
            id,
            advance: f32::from(
                self.face
                    .glyph_hor_advance(ttf_parser::GlyphId(id))
                    .unwrap_or(0),
            ) / self.units_per_em,
        }
    }
}

/// Parsed metrics of the faces, one shared instance per process. Each face is parsed
/// when first used: a handout in Latin script never touches the other scripts' faces,
/// and parsing one reads its table directory and cmap.
pub struct Fonts {
    metrics: [OnceLock<Option<Metrics>>; Face::ALL.len()],
}

impl Fonts {
    /// The bundled fonts, and the CJK ones this machine has.
    pub fn bundled() -> &'static Fonts {
        static FONTS: Fonts = Fonts {
            metrics: [const { OnceLock::new() }; Face::ALL.len()],
        };
        &FONTS
    }

    fn metrics(&self, face: Face) -> Option<&Metrics> {
        self.metrics[face.index()]
            .get_or_init(|| Metrics::parse(face))
            .as_ref()
    }

    /// Whether the face can be drawn with: bundled, or found on this machine.
    pub fn is_available(&self, face: Face) -> bool {
        self.metrics(face).is_some()
    }

    /// The first face in the chain that can draw `c`.
    pub fn face_for(&self, style: Style, cjk: Cjk, c: char) -> Option<Face> {
        self.resolve(style, cjk, c).map(|(face, _)| face)
    }

    /// The face that draws `c` in `style`, with the character's advance width in ems:
    /// one lookup where [`Fonts::face_for`] and [`Fonts::advance_em`] would take two.
    pub fn resolve(&self, style: Style, cjk: Cjk, c: char) -> Option<(Face, f32)> {
        Face::chain(style, cjk)
            .into_iter()
            .find_map(|face| self.lookup(face, c).map(|advance| (face, advance)))
    }

    /// The character's advance in `face`, in ems, if the face has it.
    pub fn lookup(&self, face: Face, c: char) -> Option<f32> {
        self.metrics(face)?.lookup(c)
    }

    /// Whether `face` has a glyph for `c`.
    pub fn has(&self, face: Face, c: char) -> bool {
        self.lookup(face, c).is_some()
    }

    /// Advance width of `c` in `face`, in ems. Zero for characters the face lacks.
    pub fn advance_em(&self, face: Face, c: char) -> f32 {
        self.lookup(face, c).unwrap_or(0.0)
    }

    /// Width of `text` drawn in `face` at `size` points, one glyph a character at its
    /// plain advance (no kerning: layout measures shaped text).
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.advance_em(face, c)).sum::<f32>() * size
    }

    /// The glyph that draws `c` in `face`, if the face has one.
    pub fn glyph(&self, face: Face, c: char) -> Option<Glyph> {
        self.metrics(face)?.glyph(c)
    }

    /// The kerning of every pair `first` starts in `face`, with the face's units per
    /// em: for a caller that meets many pairs with the same first glyph.
    pub fn first_glyph_kerning(
        &self,
        face: Face,
        first: u16,
    ) -> Option<(kern::FirstGlyph<'static>, f32)> {
        self.metrics(face).map(|m| {
            let lookups = m.kern_lookups.get_or_init(|| kern::kern_lookups(&m.face));
            (
                kern::FirstGlyph::new(&m.face, lookups, first),
                m.units_per_em,
            )
        })
    }

    /// The face prepared for shaping.
    pub fn shaper(&self, face: Face) -> Option<&rustybuzz::Face<'static>> {
        self.metrics(face).map(|m| &m.face)
    }

    /// Units per em of `face` (1000 for a face that is not available).
    pub fn units_per_em(&self, face: Face) -> f32 {
        self.metrics(face).map_or(1000.0, |m| m.units_per_em)
    }

    /// The parsed font file, for embedding.
    pub fn face_data(&self, face: Face) -> Option<&ttf_parser::Face<'static>> {
        self.metrics(face).map(|m| &*m.face)
    }

    /// The plain advance of glyph `id` in `face`, in ems.
    pub fn glyph_advance_em(&self, face: Face, id: u16) -> f32 {
        self.metrics(face)
            .map_or(0.0, |m| m.with_advance(id).advance)
    }

    /// Distance from baseline to the top of tall letters, in ems.
    pub fn ascent_em(&self, face: Face) -> f32 {
        self.metrics(face)
            .map_or(0.9, |m| f32::from(m.face.ascender()) / m.units_per_em)
    }

    /// Height of capital letters above the baseline, in ems.
    pub fn cap_height_em(&self, face: Face) -> f32 {
        self.metrics(face).map_or(0.7, |m| {
            m.face
                .capital_height()
                .map_or(0.7, |h| f32::from(h) / m.units_per_em)
        })
    }
}

/// The fonts, for a test that sets Chinese, Japanese or Korean: it fails, naming the
/// package, where Noto Sans CJK is missing (`scripts/test` installs it).
#[cfg(test)]
pub fn require_cjk() -> &'static Fonts {
    let fonts = Fonts::bundled();
    assert!(
        fonts.is_available(Face::SimplifiedRegular),
        "Noto Sans CJK is not installed: {}",
        system::cjk_hint()
    );
    fonts
}

#[cfg(test)]
mod tests {
    use super::*;

    const SC: Cjk = Cjk::Simplified;

    #[test]
    fn every_bundled_face_parses_and_has_digits() {
        let fonts = Fonts::bundled();
        for face in Face::ALL.into_iter().filter(|f| f.is_bundled()) {
            assert!(fonts.advance_em(face, '0') > 0.0, "{face:?} lacks digits");
        }
    }

    #[test]
    fn every_primary_face_has_latin_1() {
        // Shaping by pairs draws Latin-1 without asking first (layout/shape.rs).
        let fonts = Fonts::bundled();
        for face in [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic] {
            for c in ('\u{A0}'..='\u{FF}').filter(|&c| c != '\u{AD}') {
                assert!(fonts.has(face, c), "{face:?} lacks {c:?}");
            }
            for c in crate::layout::PAIRED_PUNCTUATION {
                assert!(fonts.has(face, c), "{face:?} lacks {c:?}");
            }
        }
    }

    #[test]
    fn every_primary_face_has_printable_ascii() {
        // The glyph check skips printable ASCII on the strength of this test.
        let fonts = Fonts::bundled();
        for face in [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic] {
            for c in ' '..='~' {
                assert!(fonts.has(face, c), "{face:?} lacks {c:?}");
            }
        }
    }

    #[test]
    fn fallback_picks_the_first_face_with_the_glyph() {
        let fonts = Fonts::bundled();
        let face = |style, c| fonts.face_for(style, SC, c);
        assert_eq!(face(Style::REGULAR, 'a'), Some(Face::Regular));
        assert_eq!(face(Style::BOLD, 'a'), Some(Face::Bold));
        assert_eq!(face(Style::REGULAR, 'κ'), Some(Face::FallbackRegular));
        assert_eq!(face(Style::BOLD, 'β'), Some(Face::FallbackBold));
        assert_eq!(face(Style::REGULAR, 'ع'), Some(Face::ArabicRegular));
        assert_eq!(face(Style::BOLD, 'ک'), Some(Face::ArabicBold));
        assert_eq!(face(Style::REGULAR, 'क'), Some(Face::DevanagariRegular));
        assert_eq!(face(Style::REGULAR, '✓'), Some(Face::Symbols));
        assert_eq!(face(Style::REGULAR, '😀'), None);
    }

    #[test]
    fn cjk_faces_come_from_the_collection_in_the_asked_form() {
        let fonts = require_cjk();
        assert_eq!(
            fonts.face_for(Style::REGULAR, Cjk::Traditional, '中'),
            Some(Face::TraditionalRegular)
        );
        assert_eq!(
            fonts.face_for(Style::BOLD, Cjk::Japanese, 'か'),
            Some(Face::JapaneseBold)
        );
        let name = |face| {
            fonts
                .face_data(face)
                .and_then(|f| {
                    f.names()
                        .into_iter()
                        .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
                })
                .and_then(|n| n.to_string())
                .unwrap_or_default()
        };
        assert_eq!(name(Face::SimplifiedRegular), "NotoSansCJKsc-Regular");
        assert_eq!(name(Face::TraditionalBold), "NotoSansCJKtc-Bold");
        assert_eq!(name(Face::KoreanRegular), "NotoSansCJKkr-Regular");
        assert_eq!(name(Face::JapaneseRegular), "NotoSansCJKjp-Regular");
    }

    #[test]
    fn widths_scale_with_size_and_bold_is_wider() {
        let fonts = Fonts::bundled();
        let regular = fonts.width(Face::Regular, 12.0, "Hello");
        assert!((fonts.width(Face::Regular, 24.0, "Hello") - 2.0 * regular).abs() < 1e-3);
        assert!(fonts.width(Face::Bold, 12.0, "Hello") > regular);
    }
}

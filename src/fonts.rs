//! The bundled fonts: which face draws each character, and how wide it is.
//!
//! Measuring uses the same bytes the PDF embeds, so a width computed here is the width a
//! reader draws.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

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

/// One bundled font file.
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
}

impl Face {
    pub const ALL: [Face; 9] = [
        Face::Regular,
        Face::Bold,
        Face::Italic,
        Face::BoldItalic,
        Face::FallbackRegular,
        Face::FallbackBold,
        Face::FallbackItalic,
        Face::FallbackBoldItalic,
        Face::Symbols,
    ];

    /// The font file's bytes, compiled into the binary so a build never depends on
    /// what is installed on the machine.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => include_bytes!("../fonts/AtkinsonHyperlegible-Regular.ttf"),
            Face::Bold => include_bytes!("../fonts/AtkinsonHyperlegible-Bold.ttf"),
            Face::Italic => include_bytes!("../fonts/AtkinsonHyperlegible-Italic.ttf"),
            Face::BoldItalic => include_bytes!("../fonts/AtkinsonHyperlegible-BoldItalic.ttf"),
            Face::FallbackRegular => include_bytes!("../fonts/NotoSans-Regular.ttf"),
            Face::FallbackBold => include_bytes!("../fonts/NotoSans-Bold.ttf"),
            Face::FallbackItalic => include_bytes!("../fonts/NotoSans-Italic.ttf"),
            Face::FallbackBoldItalic => include_bytes!("../fonts/NotoSans-BoldItalic.ttf"),
            Face::Symbols => include_bytes!("../fonts/NotoSansSymbols2-Regular.ttf"),
        }
    }

    /// A stable name for layout dumps.
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
        }
    }

    /// The faces tried for a style, in order.
    fn chain(style: Style) -> [Face; 3] {
        match (style.bold, style.italic) {
            (false, false) => [Face::Regular, Face::FallbackRegular, Face::Symbols],
            (true, false) => [Face::Bold, Face::FallbackBold, Face::Symbols],
            (false, true) => [Face::Italic, Face::FallbackItalic, Face::Symbols],
            (true, true) => [Face::BoldItalic, Face::FallbackBoldItalic, Face::Symbols],
        }
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
    face: ttf_parser::Face<'static>,
    /// The Unicode cmap subtables, found once: `Face::glyph_index` would look them up
    /// again on every call.
    cmaps: Vec<ttf_parser::cmap::Subtable<'static>>,
    units_per_em: f32,
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
    fn parse(face: Face) -> Metrics {
        // The files are compiled in and covered by tests, so a parse failure is a broken
        // build, not bad input.
        #[allow(clippy::expect_used)]
        let parsed = ttf_parser::Face::parse(face.bytes(), 0)
            .expect("bundled font files are valid TrueType");
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
        Metrics {
            units_per_em: f32::from(parsed.units_per_em()),
            face: parsed,
            cmaps,
            table: (0..TABLE_END)
                .map(|_| AtomicU64::new(Slot::UNKNOWN))
                .collect(),
        }
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

/// Parsed metrics of the bundled faces, one shared instance per process. Each face is
/// parsed when first used: a handout in Latin script never touches the fallback faces,
/// and parsing one reads its table directory and cmap from the compiled-in bytes.
pub struct Fonts {
    metrics: [OnceLock<Metrics>; Face::ALL.len()],
}

impl Fonts {
    /// The bundled fonts.
    pub fn bundled() -> &'static Fonts {
        static FONTS: Fonts = Fonts {
            metrics: [const { OnceLock::new() }; Face::ALL.len()],
        };
        &FONTS
    }

    fn metrics(&self, face: Face) -> &Metrics {
        self.metrics[face.index()].get_or_init(|| Metrics::parse(face))
    }

    /// The first face in the style's fallback chain that can draw `c`.
    pub fn face_for(&self, style: Style, c: char) -> Option<Face> {
        self.resolve(style, c).map(|(face, _)| face)
    }

    /// The face that draws `c` in `style`, with the character's advance width in ems:
    /// one lookup where [`Fonts::face_for`] and [`Fonts::advance_em`] would take two.
    pub fn resolve(&self, style: Style, c: char) -> Option<(Face, f32)> {
        Face::chain(style)
            .into_iter()
            .find_map(|face| self.metrics(face).lookup(c).map(|advance| (face, advance)))
    }

    /// Advance width of `c` in `face`, in ems. Zero for characters the face lacks.
    pub fn advance_em(&self, face: Face, c: char) -> f32 {
        self.metrics(face).lookup(c).unwrap_or(0.0)
    }

    /// Width of `text` drawn in `face` at `size` points.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.advance_em(face, c)).sum::<f32>() * size
    }

    /// The glyph that draws `c` in `face`, if the face has one.
    pub fn glyph(&self, face: Face, c: char) -> Option<Glyph> {
        self.metrics(face).glyph(c)
    }

    /// The parsed font file, for embedding.
    pub fn face_data(&self, face: Face) -> &ttf_parser::Face<'static> {
        &self.metrics(face).face
    }

    /// Distance from baseline to the top of tall letters, in ems.
    pub fn ascent_em(&self, face: Face) -> f32 {
        let m = self.metrics(face);
        f32::from(m.face.ascender()) / m.units_per_em
    }

    /// Height of capital letters above the baseline, in ems.
    pub fn cap_height_em(&self, face: Face) -> f32 {
        let m = self.metrics(face);
        m.face
            .capital_height()
            .map_or(0.7, |h| f32::from(h) / m.units_per_em)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_face_parses_and_has_latin() {
        let fonts = Fonts::bundled();
        for face in Face::ALL {
            assert!(fonts.advance_em(face, '0') > 0.0, "{face:?} lacks digits");
        }
    }

    #[test]
    fn every_primary_face_has_printable_ascii() {
        // The glyph check skips printable ASCII on the strength of this test.
        let fonts = Fonts::bundled();
        for face in [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic] {
            for c in ' '..='~' {
                assert!(
                    fonts.metrics(face).lookup(c).is_some(),
                    "{face:?} lacks {c:?}"
                );
            }
        }
    }

    #[test]
    fn fallback_picks_the_first_face_with_the_glyph() {
        let fonts = Fonts::bundled();
        assert_eq!(fonts.face_for(Style::REGULAR, 'a'), Some(Face::Regular));
        assert_eq!(fonts.face_for(Style::BOLD, 'a'), Some(Face::Bold));
        assert_eq!(
            fonts.face_for(Style::REGULAR, 'κ'),
            Some(Face::FallbackRegular)
        );
        assert_eq!(fonts.face_for(Style::BOLD, 'β'), Some(Face::FallbackBold));
        assert_eq!(fonts.face_for(Style::REGULAR, '✓'), Some(Face::Symbols));
        assert_eq!(fonts.face_for(Style::REGULAR, '😀'), None);
        assert_eq!(fonts.face_for(Style::REGULAR, '中'), None);
    }

    #[test]
    fn widths_scale_with_size_and_bold_is_wider() {
        let fonts = Fonts::bundled();
        let regular = fonts.width(Face::Regular, 12.0, "Hello");
        assert!((fonts.width(Face::Regular, 24.0, "Hello") - 2.0 * regular).abs() < 1e-3);
        assert!(fonts.width(Face::Bold, 12.0, "Hello") > regular);
    }
}

//! Pair kerning read straight from a face's GPOS `kern` lookups: what the shaper would
//! apply between two glyphs of Latin text with no marks between them, without a shaping
//! pass per pair.

use ttf_parser::gpos::{ClassMatrix, PairAdjustment, PairSet, PositioningSubtable};
use ttf_parser::opentype_layout::ClassDefinition;
use ttf_parser::{GlyphId, Tag};

/// The `kern` lookups of the face's Latin (else default) script, in the order the
/// shaper applies them.
pub fn kern_lookups(face: &ttf_parser::Face<'_>) -> Vec<u16> {
    let Some(gpos) = face.tables().gpos else {
        return Vec::new();
    };
    let script = gpos
        .scripts
        .find(Tag::from_bytes(b"latn"))
        .or_else(|| gpos.scripts.find(Tag::from_bytes(b"DFLT")));
    let Some(language) = script.and_then(|s| s.default_language) else {
        return Vec::new();
    };
    let mut lookups: Vec<u16> = language
        .feature_indices
        .into_iter()
        .filter_map(|i| gpos.features.get(i))
        .filter(|f| f.tag == Tag::from_bytes(b"kern"))
        .flat_map(|f| f.lookup_indices.into_iter())
        .collect();
    lookups.sort_unstable();
    lookups.dedup();
    lookups
}

/// What a face's kern lookups hold for one first glyph: for each lookup, in order, the
/// subtables that cover it. Found once per glyph, it makes each pair the glyph starts
/// a few table reads rather than a search through every subtable.
#[derive(Clone, Default)]
pub struct FirstGlyph<'a> {
    /// (lookup, subtable) in the order the shaper tries them.
    steps: Vec<(u16, Step<'a>)>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    /// Pairs listed glyph by glyph: applies only if the second glyph is listed.
    Pairs(PairSet<'a>),
    /// Pairs by class: applies to every second glyph (class 0 for those left out).
    Classes {
        first: u16,
        second: ClassDefinition<'a>,
        matrix: ClassMatrix<'a>,
    },
}

impl<'a> FirstGlyph<'a> {
    /// The subtables of `lookups` that cover `first`.
    pub fn new(face: &ttf_parser::Face<'a>, lookups: &[u16], first: u16) -> FirstGlyph<'a> {
        let mut steps = Vec::new();
        let Some(gpos) = face.tables().gpos else {
            return FirstGlyph { steps };
        };
        let first = GlyphId(first);
        for &index in lookups {
            let Some(lookup) = gpos.lookups.get(index) else {
                continue;
            };
            for i in 0..lookup.subtables.len() {
                let Some(PositioningSubtable::Pair(pair)) =
                    lookup.subtables.get::<PositioningSubtable>(i)
                else {
                    continue;
                };
                match pair {
                    PairAdjustment::Format1 { coverage, sets } => {
                        if let Some(set) = coverage.get(first).and_then(|at| sets.get(at)) {
                            steps.push((index, Step::Pairs(set)));
                        }
                    }
                    PairAdjustment::Format2 {
                        coverage,
                        classes,
                        matrix,
                    } => {
                        if coverage.get(first).is_some() {
                            steps.push((
                                index,
                                Step::Classes {
                                    first: classes.0.get(first),
                                    second: classes.1,
                                    matrix,
                                },
                            ));
                        }
                    }
                }
            }
        }
        FirstGlyph { steps }
    }

    /// The change to the first glyph's advance, in font units, when `second` follows.
    pub fn kerning(&self, second: u16) -> i32 {
        let second = GlyphId(second);
        let mut total = 0;
        let mut done: Option<u16> = None;
        for &(lookup, step) in &self.steps {
            if done == Some(lookup) {
                continue;
            }
            let applied = match step {
                Step::Pairs(set) => set.get(second).map(|(a, _)| a.x_advance),
                Step::Classes {
                    first,
                    second: classes,
                    matrix,
                } => Some(
                    matrix
                        .get((first, classes.get(second)))
                        .map_or(0, |(a, _)| a.x_advance),
                ),
            };
            if let Some(advance) = applied {
                total += i32::from(advance);
                // The first subtable that applies ends the lookup.
                done = Some(lookup);
            }
        }
        total
    }
}

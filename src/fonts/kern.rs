//! Pair kerning read straight from a face's GPOS `kern` lookups: what the shaper would
//! apply between two glyphs of Latin text with no marks between them, without a shaping
//! pass per pair.

use ttf_parser::gpos::{PairAdjustment, PositioningSubtable};
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

/// The change to `first`'s advance, in font units, when `second` follows it.
pub fn pair_kerning(face: &ttf_parser::Face<'_>, lookups: &[u16], first: u16, second: u16) -> i32 {
    let Some(gpos) = face.tables().gpos else {
        return 0;
    };
    let (first, second) = (GlyphId(first), GlyphId(second));
    let mut total = 0;
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
            let applied = match pair {
                PairAdjustment::Format1 { coverage, sets } => coverage
                    .get(first)
                    .and_then(|at| sets.get(at))
                    .and_then(|set| set.get(second))
                    .map(|(a, _)| a.x_advance),
                // A class pair applies whenever the first glyph is covered, with class 0
                // for glyphs the definitions leave out.
                PairAdjustment::Format2 {
                    coverage,
                    classes,
                    matrix,
                } => coverage.get(first).map(|_| {
                    matrix
                        .get((classes.0.get(first), classes.1.get(second)))
                        .map_or(0, |(a, _)| a.x_advance)
                }),
            };
            if let Some(advance) = applied {
                total += i32::from(advance);
                // The first subtable that applies ends the lookup.
                break;
            }
        }
    }
    total
}

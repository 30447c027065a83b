//! Shaped text into a content stream: each glyph at the place shaping gave it (`TJ`
//! adjustments for kerning and mark offsets, text rise for raised or lowered marks),
//! and mapped back to the text it draws, so copying, searching and reading aloud give
//! the handout's words in reading order, each character once:
//!
//! - a glyph that draws one cluster alone maps to that cluster's text in the font's
//!   ToUnicode map, the first time it is used;
//! - a cluster drawn with several glyphs (a Devanagari vowel sign drawn before its
//!   consonant, a base and its marks), or with a glyph already mapped to other text,
//!   is wrapped in a `/Span` with `/ActualText`, which readers take in place of the
//!   glyphs' own mappings;
//! - a right-to-left run, whose glyphs go left to right on the page but whose text runs
//!   the other way, is one `/ActualText` span with its text in reading order.

use std::ops::Range;

use super::embed::FontUsage;
use super::write::{hex_u16, integer, real};
use crate::error::Error;
use crate::fonts::{Face, Fonts};
use crate::layout::{Glyph, Text};

/// Writes the text object's glyphs (the font and position are already set).
pub fn show(
    out: &mut Vec<u8>,
    text: &Text,
    fonts: &Fonts,
    usage: &mut FontUsage,
) -> Result<(), Error> {
    if !fonts.is_available(text.face) {
        return Err(Error::Pdf(format!(
            "{} is not available to draw {:?}",
            text.face.name(),
            text.text
        )));
    }
    // Glyphs are written left to right as they stand on the page. Readers put a
    // right-to-left run back in reading order from the positions and the characters'
    // direction (poppler, PDF.js, Acrobat); written in reading order instead, a
    // ligature's two letters (lam-alef) would read backwards to them.
    let glyphs = &text.glyphs[..];
    out.reserve(glyphs.len() * 2 + 16);
    let mut writer = Writer {
        pending: out.len(),
        out,
        size: text.size,
        string_open: false,
        adjusted: false,
        pen: 0.0,
        per_point: 1000.0 / text.size,
        rise: 0.0,
    };
    // Where the next glyph's pen position is, from the text's origin.
    let mut x = 0.0;
    let simple = glyphs.windows(2).all(|w| w[0].cluster < w[1].cluster)
        && glyphs.iter().all(|g| g.dy == 0.0);
    if simple {
        // One glyph a cluster, in reading order, on the baseline: most text.
        let mut face = usage.face(fonts, text.face);
        for (i, glyph) in glyphs.iter().enumerate() {
            let start = if i == 0 { 0 } else { glyph.cluster as usize };
            let end = glyphs
                .get(i + 1)
                .map_or(text.text.len(), |g| g.cluster as usize);
            let cluster_text = text.text.get(start..end).unwrap_or("");
            let used = face.use_glyph(glyph.id, cluster_text);
            let spanned = !used.maps_to_text && !cluster_text.is_empty();
            if spanned {
                writer.begin_actual_text(cluster_text);
            }
            writer.glyph(glyph, x, used.code, used.advance);
            x += glyph.advance;
            if spanned {
                writer.move_to(x);
                writer.end_actual_text();
            }
        }
        writer.flush();
        return Ok(());
    }
    let mut codes: Vec<(u16, f32)> = Vec::new();
    for (range, bytes) in clusters(glyphs, &text.text) {
        let cluster_text = &text.text[bytes];
        let group = &glyphs[range];
        // The glyphs' own entries, read in writing order, must spell the cluster;
        // otherwise the cluster needs its text spelled out.
        codes.clear();
        let exact = if let [glyph] = group {
            let used = usage.use_glyph(fonts, text.face, glyph.id, cluster_text);
            codes.push((used.code, used.advance));
            used.maps_to_text
        } else {
            let mut exact = true;
            let mut spelled: Vec<String> = Vec::with_capacity(group.len());
            for glyph in group {
                let maps_to = part_of_cluster(fonts, text.face, glyph.id, group, cluster_text);
                let used = usage.use_glyph(fonts, text.face, glyph.id, &maps_to);
                exact &= used.maps_to_text;
                spelled.push(maps_to);
                codes.push((used.code, used.advance));
            }
            // Right to left, a reader takes the glyphs from the right.
            if text.rtl {
                spelled.reverse();
            }
            exact && spelled.concat() == cluster_text
        };
        // A raised or lowered mark sits on another baseline, where readers that group
        // characters into lines by their baseline would take it for a line of its own.
        let raised = group.iter().any(|g| g.dy != 0.0);
        let spanned = (!exact || raised) && !cluster_text.is_empty();
        if spanned {
            writer.begin_actual_text(cluster_text);
        }
        for (glyph, &(code, advance)) in group.iter().zip(&codes) {
            writer.glyph(glyph, x, code, advance);
            x += glyph.advance;
        }
        if spanned {
            // The pen ends the span where shaping put it, or a reader that measures
            // the gap to the next glyph would see a space inside the word.
            writer.move_to(x);
            writer.end_actual_text();
        }
    }
    writer.flush();
    if writer.rise != 0.0 {
        writer.out.extend_from_slice(b"0 Ts\n");
    }
    Ok(())
}

/// The glyphs of each cluster (consecutive glyphs that share one) and the bytes of
/// text it draws: up to the next cluster's start in reading order. Text before the
/// first cluster (an invisible joiner that shaped to nothing) joins the first. (Text
/// of one glyph a cluster on the baseline, most text, is walked in `show` without it.)
fn clusters(glyphs: &[Glyph], text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut starts: Vec<usize> = glyphs.iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let first = starts.first().copied().unwrap_or(0);
    let end_of = |start: usize| {
        let i = starts.partition_point(|&s| s <= start);
        starts.get(i).copied().unwrap_or(text.len())
    };
    let mut groups = Vec::new();
    let mut i = 0;
    while i < glyphs.len() {
        let cluster = glyphs[i].cluster as usize;
        let mut j = i + 1;
        while j < glyphs.len() && glyphs[j].cluster as usize == cluster {
            j += 1;
        }
        let start = if cluster == first { 0 } else { cluster };
        let end = end_of(cluster).min(text.len());
        groups.push((i..j, start.min(end)..end));
        i = j;
    }
    groups
}

/// What one glyph of a cluster drawn with several stands for: the characters the
/// font's own cmap gives that glyph, else what no other glyph of the cluster claims,
/// else the whole cluster.
fn part_of_cluster(fonts: &Fonts, face: Face, id: u16, group: &[Glyph], text: &str) -> String {
    let mapped = |c: char| fonts.glyph(face, c).map(|g| g.id);
    let direct: String = text.chars().filter(|&c| mapped(c) == Some(id)).collect();
    if !direct.is_empty() {
        return direct;
    }
    let claimed = |c: char| group.iter().any(|g| mapped(c) == Some(g.id));
    let rest: String = text.chars().filter(|&c| !claimed(c)).collect();
    if rest.is_empty() {
        text.to_string()
    } else {
        rest
    }
}

struct Writer<'o> {
    out: &'o mut Vec<u8>,
    size: f32,
    /// Where the operands of the `Tj` or `TJ` being built (strings and adjustments)
    /// start in `out`: whether it is a `TJ`, with a `[` in front, is known at its end.
    pending: usize,
    string_open: bool,
    adjusted: bool,
    /// Where the PDF's pen is, in points from the text's origin.
    pen: f32,
    /// Thousandths of an em in a point at this size.
    per_point: f32,
    rise: f32,
}

impl Writer<'_> {
    /// Draws `glyph`, whose pen position is `at`, as `code`, which the font advances by
    /// `advance` ems.
    fn glyph(&mut self, glyph: &Glyph, at: f32, code: u16, advance: f32) {
        if glyph.dy != self.rise {
            self.flush();
            real(self.out, glyph.dy);
            self.out.extend_from_slice(b" Ts\n");
            self.pending = self.out.len();
            self.rise = glyph.dy;
        }
        self.move_to(at + glyph.dx);
        if !self.string_open {
            self.out.push(b'(');
            self.string_open = true;
        }
        glyph_code(self.out, code);
        // The PDF moves the pen by the font's own advance of the glyph.
        self.pen += advance * self.size;
    }

    /// Moves the pen to `x` with a `TJ` adjustment, unless it is there to the
    /// thousandth of an em.
    fn move_to(&mut self, x: f32) {
        // TJ numbers are thousandths of an em, subtracted from the position.
        let thousandths = round_half_away(f64::from((self.pen - x) * self.per_point));
        if thousandths != 0.0 {
            if self.string_open {
                self.out.push(b')');
                self.string_open = false;
            }
            integer(self.out, thousandths as i64);
            self.adjusted = true;
            self.pen -= thousandths / self.per_point;
        }
    }

    /// Writes what is pending as one `Tj` (no adjustments) or `TJ`.
    fn flush(&mut self) {
        if self.out.len() == self.pending {
            return;
        }
        if self.string_open {
            self.out.push(b')');
            self.string_open = false;
        }
        if self.adjusted {
            self.out.insert(self.pending, b'[');
            self.out.extend_from_slice(b"]TJ\n");
        } else {
            self.out.extend_from_slice(b"Tj\n");
        }
        self.pending = self.out.len();
        self.adjusted = false;
    }

    fn begin_actual_text(&mut self, text: &str) {
        self.flush();
        self.out.extend_from_slice(b"/Span<</ActualText<FEFF");
        for unit in text.encode_utf16() {
            hex_u16(self.out, unit);
        }
        self.out.extend_from_slice(b">>>BDC\n");
        self.pending = self.out.len();
    }

    fn end_actual_text(&mut self) {
        self.flush();
        self.out.extend_from_slice(b"EMC\n");
        self.pending = self.out.len();
    }
}

/// `x` to the nearest whole number, halves away from zero, as `f32::round` gives it,
/// without the library call `round` compiles to on x86-64 (once per glyph written).
/// Exact for every `f32`: in an `f64`, adding a half to one rounds nothing.
fn round_half_away(x: f64) -> f32 {
    (x + 0.5f64.copysign(x)) as i64 as f32
}

/// A glyph code's two bytes inside a literal string, escaped where they would end the
/// string or be read as another byte (a bare carriage return reads as a line feed).
pub fn glyph_code(out: &mut Vec<u8>, code: u16) {
    let bytes = code.to_be_bytes();
    let plain = |b: u8| !matches!(b, b'(' | b')' | b'\\' | b'\r' | b'\n');
    if plain(bytes[0]) && plain(bytes[1]) {
        out.extend_from_slice(&bytes);
        return;
    }
    for byte in bytes {
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::round_half_away;

    #[test]
    fn rounding_agrees_with_the_library() {
        let mut x = -3000.0f32;
        while x < 3000.0 {
            let neighbours = [
                x,
                x + 0.5,
                x - 0.5,
                f32::from_bits(x.to_bits() + 1),
                f32::from_bits(x.to_bits() - 1),
            ];
            for y in neighbours {
                assert_eq!(round_half_away(f64::from(y)), y.round(), "{y}");
            }
            x += 0.371;
        }
        for y in [
            0.499_999_97f32,
            -0.499_999_97,
            0.5,
            -0.5,
            1.5,
            -2.5,
            0.0,
            1e-30,
            8e6 + 0.5,
        ] {
            assert_eq!(round_half_away(f64::from(y)), y.round(), "{y}");
        }
    }
}

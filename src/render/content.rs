//! printpdf operations to content-stream bytes.
//!
//! Text is encoded with the glyph ids of the bundled fonts (`fonts.rs`), renumbered
//! for the document's font subsets as glyphs are first used, so the subsets in
//! [`super::embed`] hold exactly the glyphs the pages draw.

use printpdf::{Color, LineCapStyle, LineJoinStyle, Op, PaintMode, TextMatrix};

use super::embed::FontUsage;
use super::write::{integer, name, real};
use crate::error::Error;
use crate::fonts::{Face, Fonts};
use crate::layout::Text;

/// One operation of a page: a printpdf one, or shaped text (which printpdf's text
/// operations cannot carry: per-glyph offsets and the clusters the glyphs draw).
#[derive(Debug)]
pub enum PageOp<'p> {
    Pdf(Op),
    Glyphs(&'p Text),
    /// `Tf` with a bundled face: written without printpdf's resource-name strings, as a
    /// page switches faces hundreds of times.
    Font(Face, f32),
    /// The start of a marked-content sequence of a structure node: `/P <</MCID 3>> BDC`.
    Marked {
        tag: &'static str,
        mcid: i64,
    },
    /// The start of an artifact, `/Artifact <</Type /Layout>> BDC`, with a subtype
    /// where it has one (a header or footer).
    Artifact {
        kind: &'static str,
        subtype: Option<&'static str>,
    },
}

impl From<Op> for PageOp<'_> {
    fn from(op: Op) -> Self {
        PageOp::Pdf(op)
    }
}

/// Writes one page's operations.
pub fn encode(ops: &[PageOp<'_>], fonts: &Fonts, usage: &mut FontUsage) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(ops.len() * 24);
    let mut face: Option<Face> = None;
    for op in ops {
        let op = match op {
            PageOp::Glyphs(text) => {
                if face != Some(text.face) {
                    return Err(Error::Pdf("text shown before its font was set".into()));
                }
                super::glyphs::show(&mut out, text, fonts, usage)?;
                continue;
            }
            PageOp::Font(font, size) => {
                face = Some(*font);
                name(&mut out, super::font_resource(*font).as_bytes());
                out.push(b' ');
                real(&mut out, *size);
                out.extend_from_slice(b" Tf\n");
                continue;
            }
            PageOp::Marked { tag, mcid } => {
                name(&mut out, tag.as_bytes());
                out.extend_from_slice(b"<</MCID ");
                integer(&mut out, *mcid);
                out.extend_from_slice(b">>BDC\n");
                continue;
            }
            PageOp::Artifact { kind, subtype } => {
                out.extend_from_slice(b"/Artifact<<");
                // In the order of the keys, as a dictionary is written.
                if let Some(subtype) = subtype {
                    out.extend_from_slice(b"/Subtype");
                    name(&mut out, subtype.as_bytes());
                }
                out.extend_from_slice(b"/Type");
                name(&mut out, kind.as_bytes());
                out.extend_from_slice(b">>BDC\n");
                continue;
            }
            PageOp::Pdf(op) => op,
        };
        match op {
            Op::EndMarkedContent => out.extend_from_slice(b"EMC\n"),
            Op::StartTextSection => out.extend_from_slice(b"BT\n"),
            Op::EndTextSection => out.extend_from_slice(b"ET\n"),
            Op::SaveGraphicsState => out.extend_from_slice(b"q\n"),
            Op::RestoreGraphicsState => out.extend_from_slice(b"Q\n"),
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(x, y),
            } => {
                out.extend_from_slice(b"1 0 0 1 ");
                real(&mut out, x.0);
                out.push(b' ');
                real(&mut out, y.0);
                out.extend_from_slice(b" Tm\n");
            }
            Op::SetFillColor { col } => {
                color(&mut out, col)?;
                out.extend_from_slice(b" rg\n");
            }
            Op::SetOutlineColor { col } => {
                color(&mut out, col)?;
                out.extend_from_slice(b" RG\n");
            }
            Op::SetOutlineThickness { pt } => {
                real(&mut out, pt.0);
                out.extend_from_slice(b" w\n");
            }
            Op::SetLineCapStyle { cap } => {
                integer(
                    &mut out,
                    match cap {
                        LineCapStyle::Butt => 0,
                        LineCapStyle::Round => 1,
                        LineCapStyle::ProjectingSquare => 2,
                    },
                );
                out.extend_from_slice(b" J\n");
            }
            Op::SetLineJoinStyle { join } => {
                integer(
                    &mut out,
                    match join {
                        LineJoinStyle::Miter => 0,
                        LineJoinStyle::Round => 1,
                        LineJoinStyle::Bevel => 2,
                    },
                );
                out.extend_from_slice(b" j\n");
            }
            Op::DrawRectangle { rectangle: r } => {
                for n in [r.x.0, r.y.0, r.width.0, r.height.0] {
                    real(&mut out, n);
                    out.push(b' ');
                }
                out.extend_from_slice(b"re ");
                out.extend_from_slice(match r.mode {
                    Some(PaintMode::Fill) => b"f\n",
                    Some(PaintMode::FillStroke) => b"B\n",
                    Some(PaintMode::Stroke) => b"S\n",
                    Some(PaintMode::Clip) | None => b"n\n",
                });
            }
            Op::DrawLine { line } => {
                for (i, point) in line.points.iter().enumerate() {
                    if point.bezier {
                        return Err(Error::Pdf("curved lines are not written".into()));
                    }
                    real(&mut out, point.p.x.0);
                    out.push(b' ');
                    real(&mut out, point.p.y.0);
                    out.extend_from_slice(if i == 0 { b" m\n" } else { b" l\n" });
                }
                out.extend_from_slice(if line.is_closed { b"s\n" } else { b"S\n" });
            }
            Op::UseXobject { id, transform } => {
                out.extend_from_slice(b"q\n");
                let t = transform;
                for n in [
                    t.scale_x.unwrap_or(1.0),
                    0.0,
                    0.0,
                    t.scale_y.unwrap_or(1.0),
                    t.translate_x.map_or(0.0, |p| p.0),
                    t.translate_y.map_or(0.0, |p| p.0),
                ] {
                    real(&mut out, n);
                    out.push(b' ');
                }
                out.extend_from_slice(b"cm\n");
                name(&mut out, id.0.as_bytes());
                out.extend_from_slice(b" Do\nQ\n");
            }
            other => {
                return Err(Error::Pdf(format!(
                    "the content writer does not handle {other:?}"
                )))
            }
        }
    }
    Ok(out)
}

fn color(out: &mut Vec<u8>, col: &Color) -> Result<(), Error> {
    let Color::Rgb(rgb) = col else {
        return Err(Error::Pdf(format!(
            "only RGB colours are written, not {col:?}"
        )));
    };
    real(out, rgb.r);
    out.push(b' ');
    real(out, rgb.g);
    out.push(b' ');
    real(out, rgb.b);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::glyphs::glyph_code;
    use super::*;

    fn code(c: u16) -> Vec<u8> {
        let mut out = Vec::new();
        glyph_code(&mut out, c);
        out
    }

    #[test]
    fn glyph_codes_escape_what_would_end_or_change_the_string() {
        assert_eq!(code(0x0041), b"\0A");
        assert_eq!(code(0x2829), b"\\(\\)");
        assert_eq!(code(0x5C0D), b"\\\\\\r");
        assert_eq!(code(0x0A00), b"\\n\0");
    }

    #[test]
    fn marked_content_is_written_without_needless_spaces() {
        let fonts = Fonts::bundled();
        let mut usage = FontUsage::default();
        let ops = [
            PageOp::Artifact {
                kind: "Layout",
                subtype: None,
            },
            PageOp::Pdf(Op::EndMarkedContent),
            PageOp::Marked { tag: "P", mcid: 3 },
            PageOp::Pdf(Op::EndMarkedContent),
            // Keys in their order, as a dictionary is written.
            PageOp::Artifact {
                kind: "Pagination",
                subtype: Some("Header"),
            },
            PageOp::Pdf(Op::EndMarkedContent),
            PageOp::Font(Face::Bold, 16.5),
        ];
        let out = encode(&ops, fonts, &mut usage).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "/Artifact<</Type/Layout>>BDC\nEMC\n/P<</MCID 3>>BDC\nEMC\n\
             /Artifact<</Subtype/Header/Type/Pagination>>BDC\nEMC\n/ATKBLD 16.5 Tf\n"
        );
    }
}

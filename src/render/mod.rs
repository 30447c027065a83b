//! Render: laid-out boxes to PDF drawing operations with printpdf, then a deterministic
//! file (see [`finish`]).

mod finish;
mod outline;

pub use finish::recorded_inputs;

use std::sync::OnceLock;

use printpdf::{
    Actions, Color, FontId, Line, LinePoint, LinkAnnotation, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, Point, Pt, RawImage, TextItem, TextMatrix, WindingOrder,
    XObject, XObjectId, XObjectTransform,
};

use crate::error::Error;
use crate::fonts::Face;
use crate::layout::{self, Item, Rgb};

/// Document information written into the PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Seconds since 1970 for the creation and modification dates.
    pub timestamp: i64,
    /// A hash of everything the file was built from, recorded by batch runs.
    pub inputs: Option<String>,
}

/// The resource name of a face. Fixed, so output never depends on the order fonts were
/// loaded in; six capitals, because printpdf uses the first six characters as the
/// subset tag (`ATKREG+AtkinsonHyperlegible-Regular`).
fn font_id(face: Face) -> FontId {
    FontId(
        match face {
            Face::Regular => "ATKREG",
            Face::Bold => "ATKBLD",
            Face::Italic => "ATKITA",
            Face::BoldItalic => "ATKBIT",
            Face::FallbackRegular => "NOTREG",
            Face::FallbackBold => "NOTBLD",
            Face::FallbackItalic => "NOTITA",
            Face::FallbackBoldItalic => "NOTBIT",
            Face::Symbols => "NOTSYM",
        }
        .to_string(),
    )
}

/// printpdf's parsed form of a bundled face, parsed once per process.
fn parsed(face: Face) -> Result<ParsedFont, Error> {
    static PARSED: [OnceLock<Option<ParsedFont>>; 9] = [const { OnceLock::new() }; 9];
    PARSED[face as usize]
        .get_or_init(|| ParsedFont::from_bytes(face.bytes(), 0, &mut Vec::new()))
        .clone()
        .ok_or_else(|| Error::Pdf(format!("cannot parse the bundled font {}", face.name())))
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb::new(
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
        None,
    ))
}

/// The resource name of the logo; fixed for the same reason as the fonts'.
fn logo_id() -> XObjectId {
    XObjectId("LOGO".to_string())
}

/// Renders a laid-out document to PDF bytes. Same document and info, same bytes.
/// `logo` is the image the layout's image boxes show.
pub fn render(
    doc: &layout::Document,
    info: &Info,
    logo: Option<&RawImage>,
) -> Result<Vec<u8>, Error> {
    let mut pdf = PdfDocument::new(&info.title);
    let uses_image = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .any(|i| matches!(i, Item::Image(_)));
    if uses_image {
        let image =
            logo.ok_or_else(|| Error::Pdf("the layout places a logo but none was loaded".into()))?;
        pdf.resources
            .xobjects
            .map
            .insert(logo_id(), XObject::Image(image.clone()));
    }
    for face in doc.faces_used() {
        let font = printpdf::PdfFont::new(parsed(face)?);
        pdf.resources.fonts.map.insert(font_id(face), font);
    }
    let pages = doc
        .pages
        .iter()
        .map(|page| {
            PdfPage::new(
                Pt(doc.width).into(),
                Pt(doc.height).into(),
                page_ops(page, doc.height),
            )
        })
        .collect();
    pdf.with_pages(pages);
    finish::finish(pdf, info, doc)
}

/// Drawing operations for one page. Layout's y runs down from the top; PDF's runs up
/// from the bottom.
fn page_ops(page: &layout::Page, height: f32) -> Vec<Op> {
    let mut ops = Vec::with_capacity(page.items.len() * 4);
    let mut in_text = false;
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<Rgb> = None;
    for item in &page.items {
        match item {
            Item::Text(t) => {
                if !in_text {
                    ops.push(Op::StartTextSection);
                    in_text = true;
                }
                if font != Some((t.face, t.size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font_id(t.face)),
                        size: Pt(t.size),
                    });
                    font = Some((t.face, t.size));
                }
                if fill != Some(t.color) {
                    ops.push(Op::SetFillColor {
                        col: color(t.color),
                    });
                    fill = Some(t.color);
                }
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(t.x), Pt(height - t.y)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(t.text.clone())],
                });
            }
            Item::Rect(r) => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                let mode = match (r.fill, r.stroke) {
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                    (Some(_), None) => PaintMode::Fill,
                    (None, Some(_)) => PaintMode::Stroke,
                    (None, None) => continue,
                };
                if let Some(f) = r.fill {
                    ops.push(Op::SetFillColor { col: color(f) });
                    fill = Some(f);
                }
                if let Some(s) = r.stroke {
                    ops.push(Op::SetOutlineColor {
                        col: color(s.color),
                    });
                    ops.push(Op::SetOutlineThickness { pt: Pt(s.width) });
                }
                ops.push(Op::DrawRectangle {
                    rectangle: printpdf::Rect {
                        x: Pt(r.x),
                        y: Pt(height - r.y - r.h),
                        width: Pt(r.w),
                        height: Pt(r.h),
                        mode: Some(mode),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
            Item::Image(image) => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                // Drawn as a unit square scaled to the box, so the layout alone decides
                // the size on paper, whatever the image's resolution.
                ops.push(Op::UseXobject {
                    id: logo_id(),
                    transform: XObjectTransform {
                        translate_x: Some(Pt(image.x)),
                        translate_y: Some(Pt(height - image.y - image.h)),
                        scale_x: Some(image.w),
                        scale_y: Some(image.h),
                        no_auto_scale: true,
                        ..XObjectTransform::default()
                    },
                });
            }
            Item::Mark(mark) => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                let (lines, width) = mark.strokes();
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::SetOutlineColor {
                    col: color(mark.color),
                });
                ops.push(Op::SetOutlineThickness { pt: Pt(width) });
                ops.push(Op::SetLineCapStyle {
                    cap: printpdf::LineCapStyle::Round,
                });
                ops.push(Op::SetLineJoinStyle {
                    join: printpdf::LineJoinStyle::Round,
                });
                for line in lines {
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: line
                                .into_iter()
                                .map(|(x, y)| LinePoint {
                                    p: Point {
                                        x: Pt(x),
                                        y: Pt(height - y),
                                    },
                                    bezier: false,
                                })
                                .collect(),
                            is_closed: false,
                        },
                    });
                }
                ops.push(Op::RestoreGraphicsState);
                // The restored state no longer has the colours we tracked.
                fill = None;
                font = None;
            }
            Item::Link(link) => {
                ops.push(Op::LinkAnnotation {
                    link: LinkAnnotation::new(
                        printpdf::Rect {
                            x: Pt(link.x),
                            y: Pt(height - link.y - link.h),
                            width: Pt(link.w),
                            height: Pt(link.h),
                            mode: None,
                            winding_order: None,
                        },
                        Actions::Uri(link.url.clone()),
                        Some(printpdf::BorderArray::Solid([0.0, 0.0, 0.0])),
                        None,
                        None,
                    ),
                });
            }
            Item::Rule(l) => {
                if in_text {
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                ops.push(Op::SetOutlineColor {
                    col: color(l.stroke.color),
                });
                ops.push(Op::SetOutlineThickness {
                    pt: Pt(l.stroke.width),
                });
                let point = |x: f32, y: f32| LinePoint {
                    p: Point {
                        x: Pt(x),
                        y: Pt(height - y),
                    },
                    bezier: false,
                };
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![point(l.x1, l.y1), point(l.x2, l.y2)],
                        is_closed: false,
                    },
                });
            }
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    ops
}

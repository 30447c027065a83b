//! Render: laid-out boxes to printpdf drawing operations, then those operations and
//! the document's objects to a deterministic file.
//!
//! printpdf's `Op` is the page model; the bytes are written here (`content`, `embed`,
//! `write`) because printpdf's own serializer re-parses and re-subsets every font for
//! every document, which dominated the time of a batch run.

mod archival;
mod compress;
mod content;
mod embed;
mod finish;
mod glyphs;
#[cfg(test)]
mod icc;
mod image;
mod object;
mod outline;
mod shared;
pub mod svg;
mod tags;
mod write;

pub use compress::UNCOMPRESSED_VAR;
pub use finish::recorded_inputs;
pub use image::EncodedImage;

/// Whether this process writes uncompressed files for inspection
/// (`HANDOUT_UNCOMPRESSED=1`); the default is compressed.
pub fn writes_uncompressed() -> bool {
    compress::Mode::from_env() == compress::Mode::Plain
}

use object::{Dictionary, Document, Object, ObjectId, Stream};
use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, Point, Pt, TextMatrix, WindingOrder, XObjectId,
    XObjectTransform,
};

use crate::error::Error;
use crate::fonts::{Face, Fonts};
use crate::layout::{self, Item, NodeId};
use crate::vocabulary::Rgb;
use content::PageOp;

/// The creating tool, as the information dictionary and the XMP both name it (PDF/A
/// requires the two to agree).
const CREATOR: &str = concat!("handout ", env!("CARGO_PKG_VERSION"));
const PRODUCER: &str = CREATOR;

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
    /// The document's language, a BCP 47 tag such as `en-US`.
    pub language: String,
}

/// The resource name of a face. Fixed, so output never depends on the order fonts were
/// first used in.
fn font_resource(face: Face) -> &'static str {
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
        Face::ArabicRegular => "ARBREG",
        Face::ArabicBold => "ARBBLD",
        Face::DevanagariRegular => "DEVREG",
        Face::DevanagariBold => "DEVBLD",
        Face::JapaneseRegular => "JPNREG",
        Face::JapaneseBold => "JPNBLD",
        Face::KoreanRegular => "KORREG",
        Face::KoreanBold => "KORBLD",
        Face::SimplifiedRegular => "SCHREG",
        Face::SimplifiedBold => "SCHBLD",
        Face::TraditionalRegular => "TCHREG",
        Face::TraditionalBold => "TCHBLD",
    }
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
const LOGO: &str = "LOGO";

fn logo_id() -> XObjectId {
    XObjectId(LOGO.to_string())
}

/// Renders a laid-out document to PDF bytes. Same document and info, same bytes.
/// `logo` is the image the layout's image boxes show.
///
/// `remember`: this thread will render more documents much like this one (a batch,
/// the server), so it keeps what they will repeat (see `shared` and `write`).
pub fn render(
    doc: &layout::Document,
    info: &Info,
    logo: Option<&EncodedImage>,
    remember: bool,
) -> Result<Vec<u8>, Error> {
    let fonts = Fonts::bundled();
    let mut pdf = Document::new();
    pdf.repeats = remember;
    let pages_id = pdf.new_object_id();
    // A patient's details are drawn in a second stream on each page, after a first one
    // that is the same for every patient (see `shared`).
    let mut shared = if shared::splits(doc) {
        Some(shared::shared_contents(doc, fonts, remember)?)
    } else {
        None
    };
    let mut usage = shared.as_mut().map_or_else(
        || shared::numbered(doc, fonts),
        |s| std::mem::take(&mut s.usage),
    );
    let mut marked = Vec::with_capacity(doc.pages.len());
    let mut contents = Vec::with_capacity(doc.pages.len());
    let mut annotations = Vec::with_capacity(doc.pages.len());
    for (index, page) in doc.pages.iter().enumerate() {
        let (content, mut page_marks, links) = match shared.as_mut() {
            None => {
                let (ops, marks, links) = page_ops(&page.items, doc, PageMarks::default())?;
                (
                    PageContent::Whole(content::encode(&ops, fonts, &mut usage)?),
                    marks,
                    links,
                )
            }
            Some(shared) => {
                let before = std::mem::take(&mut shared.marks[index]);
                let details = page.items.iter().filter(|i| shared::is_personal(i));
                let (ops, marks, _) = page_ops(details, doc, before)?;
                let links = page
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        Item::Link(link) => Some(link),
                        _ => None,
                    })
                    .collect();
                let content = PageContent::Split {
                    shared: std::mem::take(&mut shared.contents[index]),
                    personal: content::encode(&ops, fonts, &mut usage)?,
                };
                (content, marks, links)
            }
        };
        contents.push(content);
        let mut refs = Vec::with_capacity(links.len());
        for link in links {
            let id = pdf.add_object(annotation(link, doc.height));
            page_marks.links.push((link.node, id));
            refs.push(Object::Reference(id));
        }
        marked.push(page_marks);
        annotations.push(refs);
    }
    let uses_image = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .any(|i| matches!(i, Item::Image(_)));

    let mut resources = Dictionary::new();
    let mode = compress::Mode::from_env();
    resources.set(
        "Font",
        Object::Dictionary(usage.embed(&mut pdf, fonts, mode)?),
    );
    if uses_image {
        let image =
            logo.ok_or_else(|| Error::Pdf("the layout places a logo but none was loaded".into()))?;
        let mut xobjects = Dictionary::new();
        xobjects.set(LOGO, Object::Reference(image.add_to(&mut pdf)));
        resources.set("XObject", Object::Dictionary(xobjects));
    }
    let resources = pdf.add_object(Object::Dictionary(resources));

    let media_box = Object::Array(vec![
        Object::Integer(0),
        Object::Integer(0),
        Object::Real(doc.width),
        Object::Real(doc.height),
    ]);
    let repeats = shared::remembers(doc, remember);
    let mut kids = Vec::with_capacity(contents.len());
    let mut page_ids = Vec::with_capacity(contents.len());
    for (content, links) in contents.into_iter().zip(annotations) {
        let content = match content {
            PageContent::Whole(bytes) => {
                Object::Reference(pdf.add_object(Stream::new(Dictionary::new(), bytes)))
            }
            PageContent::Split { shared, personal } => {
                let shared = pdf.add_object(Stream {
                    repeats,
                    ..Stream::new(Dictionary::new(), shared)
                });
                if personal.is_empty() {
                    Object::Reference(shared)
                } else {
                    let personal = pdf.add_object(Stream::new(Dictionary::new(), personal));
                    Object::Array(vec![Object::Reference(shared), Object::Reference(personal)])
                }
            }
        };
        let mut page = Dictionary::new();
        page.set("Type", Object::name("Page"));
        page.set("Parent", Object::Reference(pages_id));
        page.set("MediaBox", media_box.clone());
        page.set("Resources", Object::Reference(resources));
        page.set("Contents", content);
        if !links.is_empty() {
            page.set("Annots", Object::Array(links));
        }
        let page = pdf.add_object(page);
        page_ids.push(page);
        kids.push(Object::Reference(page));
    }
    let mut pages = Dictionary::new();
    pages.set("Type", Object::name("Pages"));
    pages.set("Count", Object::Integer(kids.len() as i64));
    pages.set("Kids", Object::Array(kids));
    pdf.set_object(pages_id, pages);
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::name("Catalog"));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog = pdf.add_object(catalog);
    pdf.trailer.set("Root", Object::Reference(catalog));
    finish::finish(pdf, catalog, &page_ids, info, doc, &marked, mode)
}

/// A link annotation: printable (PDF/A) and saying in words what it does (PDF/UA). Its
/// place in the parent tree is added with the structure tree (`tags`).
fn annotation(link: &layout::Link, page_height: f32) -> Object {
    let mut action = Dictionary::new();
    action.set("S", Object::name("URI"));
    action.set("URI", Object::string_literal(link.url.as_bytes().to_vec()));
    let bottom = page_height - link.y - link.h;
    let mut dict = Dictionary::new();
    dict.set("Type", Object::name("Annot"));
    dict.set("Subtype", Object::name("Link"));
    dict.set(
        "Rect",
        Object::Array(
            [link.x, bottom, link.x + link.w, bottom + link.h]
                .into_iter()
                .map(Object::Real)
                .collect(),
        ),
    );
    dict.set("A", Object::Dictionary(action));
    dict.set("Border", Object::Array(vec![Object::Integer(0); 3]));
    dict.set("F", Object::Integer(4));
    dict.set("Contents", outline::text_string(&link.description));
    Object::Dictionary(dict)
}

/// A page's content: one stream, or the stream every patient's copy shares and the
/// patient's details drawn after it.
enum PageContent {
    Whole(Vec<u8>),
    Split { shared: Vec<u8>, personal: Vec<u8> },
}

/// What one page says about the structure tree: the node each marked-content sequence
/// belongs to (index = MCID), and each link annotation's node and object, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageMarks {
    pub mcids: Vec<NodeId>,
    pub links: Vec<(NodeId, ObjectId)>,
}

/// Which running furniture an artifact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Furniture {
    Header,
    /// The footer, page number included.
    Footer,
    /// A table's header row drawn again on a page the table continues onto.
    RepeatedHeader,
}

/// What a drawn box is to a screen reader: part of a structure node, or an artifact
/// of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Node(NodeId),
    Pagination(Furniture),
    /// Rules, boxes, marks: drawing that only decorates.
    Layout,
}

/// What a box is. Text outside the header and footer must belong to a node: text a
/// screen reader would never reach is an error, not an artifact.
fn content_of(item: &Item) -> Result<Content, Error> {
    use layout::Role;
    Ok(match (item.node(), item) {
        (Some(id), _) => Content::Node(id),
        (None, Item::Text(t)) => match t.role {
            Role::Header => Content::Pagination(Furniture::Header),
            Role::Footer | Role::PageNumber => Content::Pagination(Furniture::Footer),
            Role::RepeatedHeader => Content::Pagination(Furniture::RepeatedHeader),
            role => {
                return Err(Error::Pdf(format!(
                    "the {} text {:?} belongs to no structure element",
                    role.name(),
                    t.text
                )))
            }
        },
        (None, _) => Content::Layout,
    })
}

/// Builds a page's operations, wrapping every run of boxes that belong to the same
/// structure node in one marked-content sequence (`/P <</MCID 3>> BDC ... EMC`) and
/// everything else in `/Artifact BMC ... EMC`. Text objects never straddle a sequence
/// boundary, so the two always nest.
struct Marking<'a> {
    ops: Ops<'a>,
    structure: &'a layout::Structure,
    marks: PageMarks,
    /// The open sequence, if any.
    open: Option<Content>,
    in_text: bool,
}

impl Marking<'_> {
    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    fn begin_text(&mut self) {
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
        }
    }

    /// Makes sure the open sequence is the one for `content`.
    fn enter(&mut self, content: Content) {
        if self.open == Some(content) {
            return;
        }
        self.close();
        let op = match content {
            Content::Node(id) => {
                let tag = self
                    .structure
                    .nodes
                    .get(id)
                    .map_or("Span", |n| n.tag.name());
                let mcid = self.marks.mcids.len() as i64;
                self.marks.mcids.push(id);
                PageOp::Marked { tag, mcid }
            }
            Content::Pagination(part) => PageOp::Artifact {
                kind: "Pagination",
                subtype: match part {
                    Furniture::Header => Some("Header"),
                    Furniture::Footer => Some("Footer"),
                    // PDF's subtypes are the page's own header, footer and watermark.
                    Furniture::RepeatedHeader => None,
                },
            },
            Content::Layout => PageOp::Artifact {
                kind: "Layout",
                subtype: None,
            },
        };
        self.ops.push(op);
        self.open = Some(content);
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            self.end_text();
            self.ops.push(Op::EndMarkedContent);
        }
    }
}

/// A page's operations as they are built.
#[derive(Default)]
struct Ops<'p>(Vec<PageOp<'p>>);

impl<'p> Ops<'p> {
    /// A printpdf operation or one of our own.
    fn push(&mut self, op: impl Into<PageOp<'p>>) {
        self.0.push(op.into());
    }

    fn glyphs(&mut self, text: &'p layout::Text) {
        self.0.push(PageOp::Glyphs(text));
    }
}

/// Sets the stroke colour and line width where they differ from what is set.
fn set_stroke(
    ops: &mut Ops<'_>,
    (stroke, width): (&mut Option<Rgb>, &mut Option<f32>),
    new_color: Rgb,
    new_width: f32,
) {
    if *stroke != Some(new_color) {
        ops.push(Op::SetOutlineColor {
            col: color(new_color),
        });
        *stroke = Some(new_color);
    }
    if *width != Some(new_width) {
        ops.push(Op::SetOutlineThickness { pt: Pt(new_width) });
        *width = Some(new_width);
    }
}

/// Drawing operations for boxes of one page, what they mark (numbering the sequences on
/// from `marks`), and the page's links (annotations, not content). Layout's y runs down
/// from the top; PDF's runs up from the bottom.
fn page_ops<'p>(
    items: impl IntoIterator<Item = &'p Item>,
    doc: &'p layout::Document,
    marks: PageMarks,
) -> Result<(Vec<PageOp<'p>>, PageMarks, Vec<&'p layout::Link>), Error> {
    let height = doc.height;
    let items = items.into_iter();
    let mut m = Marking {
        ops: Ops(Vec::with_capacity(items.size_hint().1.unwrap_or(64) * 5)),
        structure: &doc.structure,
        marks,
        open: None,
        in_text: false,
    };
    let mut links = Vec::new();
    // The graphics state the page has set so far, so nothing is set twice.
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<Rgb> = None;
    let mut stroke: Option<Rgb> = None;
    let mut width: Option<f32> = None;
    for item in items {
        match item {
            // An annotation, not content: it joins its node through the parent tree.
            Item::Link(link) => {
                links.push(link);
                continue;
            }
            // Nothing to paint: no marked-content sequence for it.
            Item::Rect(r) if r.fill.is_none() && r.stroke.is_none() => continue,
            _ => m.enter(content_of(item)?),
        }
        match item {
            Item::Text(t) => {
                m.begin_text();
                if font != Some((t.face, t.size)) {
                    m.ops.push(PageOp::Font(t.face, t.size));
                    font = Some((t.face, t.size));
                }
                if fill != Some(t.color) {
                    m.ops.push(Op::SetFillColor {
                        col: color(t.color),
                    });
                    fill = Some(t.color);
                }
                m.ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(t.x), Pt(height - t.y)),
                });
                m.ops.glyphs(t);
            }
            Item::Rect(r) => {
                m.end_text();
                let mode = match (r.fill, r.stroke) {
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                    (Some(_), None) => PaintMode::Fill,
                    (None, Some(_)) => PaintMode::Stroke,
                    (None, None) => continue,
                };
                if let Some(f) = r.fill.filter(|&f| fill != Some(f)) {
                    m.ops.push(Op::SetFillColor { col: color(f) });
                    fill = Some(f);
                }
                if let Some(s) = r.stroke {
                    set_stroke(&mut m.ops, (&mut stroke, &mut width), s.color, s.width);
                }
                m.ops.push(Op::DrawRectangle {
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
                m.end_text();
                // Drawn as a unit square scaled to the box, so the layout alone decides
                // the size on paper, whatever the image's resolution.
                m.ops.push(Op::UseXobject {
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
                m.end_text();
                let (lines, line_width) = mark.strokes();
                // Round caps and joins for this mark only: saved and restored around
                // it, with the stroke it sets. Fill and font are untouched inside.
                m.ops.push(Op::SaveGraphicsState);
                let saved = (stroke, width);
                set_stroke(
                    &mut m.ops,
                    (&mut stroke, &mut width),
                    mark.color,
                    line_width,
                );
                m.ops.push(Op::SetLineCapStyle {
                    cap: printpdf::LineCapStyle::Round,
                });
                m.ops.push(Op::SetLineJoinStyle {
                    join: printpdf::LineJoinStyle::Round,
                });
                for line in lines {
                    m.ops.push(Op::DrawLine {
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
                m.ops.push(Op::RestoreGraphicsState);
                (stroke, width) = saved;
            }
            // Taken aside above.
            Item::Link(_) => {}
            Item::Rule(l) => {
                m.end_text();
                set_stroke(
                    &mut m.ops,
                    (&mut stroke, &mut width),
                    l.stroke.color,
                    l.stroke.width,
                );
                let point = |x: f32, y: f32| LinePoint {
                    p: Point {
                        x: Pt(x),
                        y: Pt(height - y),
                    },
                    bezier: false,
                };
                m.ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![point(l.x1, l.y1), point(l.x2, l.y2)],
                        is_closed: false,
                    },
                });
            }
        }
    }
    m.close();
    Ok((m.ops.0, m.marks, links))
}

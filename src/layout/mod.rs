//! Layout: the selected sections measured, wrapped and paginated into positioned boxes.
//!
//! Pure: no printpdf types and no I/O, so it can be unit-tested and dumped as text
//! (see [`dump`]) next to the PDF goldens. Coordinates are points from the top-left
//! corner of the page, y growing downwards; `Text::y` is the baseline.

mod bidi;
mod blocks;
mod breaks;
mod builder;
mod coverage;
pub mod dump;
mod entries;
mod fit;
mod flow;
mod front;
mod lines;
mod page;
mod paginate;
mod shape;
pub mod structure;
mod table;
mod text;
mod theme;
mod wrapped;

pub use coverage::check_coverage;
pub use fit::{Fit, PageTarget};
pub use shape::PAIRED_PUNCTUATION;
pub use structure::{NodeId, Numbering, Scope, Structure, Tag};
pub use text::{Glyph, MissingGlyph, Setting};
pub use theme::Theme;

use crate::fonts::{Face, Fonts};
use crate::labels::Labels;
use crate::model::{Handout, Section};
use crate::personal::Personal;
use crate::profile::Clinic;
use crate::vocabulary::Rgb;

/// What a box is for: its look in the dump, and whether it is page furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Repeated on every page: not part of the reading order.
    Header,
    Footer,
    PageNumber,
    Title,
    Subtitle,
    Meta,
    /// Section heading.
    Heading,
    /// Group heading inside a section.
    Subheading,
    Body,
    /// The bold lead-in of a titled item: a term, a medicine's name, "Dose:".
    Label,
    /// A list bullet, number, ✓ or ✗.
    Marker,
    /// Boxes and rules that only decorate.
    Decoration,
    /// A table's header row drawn again at the top of a page the table continues onto.
    RepeatedHeader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Header => "header",
            Role::Footer => "footer",
            Role::PageNumber => "page-number",
            Role::Title => "title",
            Role::Subtitle => "subtitle",
            Role::Meta => "meta",
            Role::Heading => "heading",
            Role::Subheading => "subheading",
            Role::Body => "body",
            Role::Label => "label",
            Role::Marker => "marker",
            Role::Decoration => "decoration",
            Role::RepeatedHeader => "repeated-header",
        }
    }

    /// Page furniture that screen readers should skip.
    pub fn is_artifact(self) -> bool {
        matches!(
            self,
            Role::Header
                | Role::Footer
                | Role::PageNumber
                | Role::Decoration
                | Role::RepeatedHeader
        )
    }
}

/// Text drawn in one face, size and colour, starting at its baseline: shaped glyphs,
/// and the text they draw in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub x: f32,
    pub y: f32,
    pub face: Face,
    pub size: f32,
    pub color: Rgb,
    pub text: String,
    /// Left to right on the page; each glyph's cluster is a byte offset into `text`.
    pub glyphs: Vec<Glyph>,
    /// The glyphs run right to left: their clusters descend.
    pub rtl: bool,
    pub role: Role,
    /// The structure node this text belongs to; `None` for page furniture.
    pub node: Option<NodeId>,
    /// A patient's details (name, date, clinician, notes), not the handout's words: the
    /// PDF numbers their glyphs after the handout's (see `render::embed`), so briefs for
    /// different patients share their fonts' subsets.
    pub personal: bool,
}

/// A stroke: colour and line width in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub color: Rgb,
    pub width: f32,
}

/// A rectangle with its top-left corner at (x, y).
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub fill: Option<Rgb>,
    pub stroke: Option<Stroke>,
    /// Set when the rectangle is part of a figure (a QR code's modules); `None` for
    /// boxes that only decorate.
    pub node: Option<NodeId>,
}

/// A straight line.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub stroke: Stroke,
}

/// A placed image (the clinic logo), scaled to `w` x `h` points.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub alt: String,
    pub node: Option<NodeId>,
}

/// A clickable area that opens a web address.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub url: String,
    /// What the link does, in words, for screen readers: "Read the handout online:
    /// https://…".
    pub description: String,
    /// The link's structure element, which holds the annotation.
    pub node: NodeId,
}

/// A check mark or a cross, drawn as strokes in a `size` x `size` square whose top-left
/// corner is (x, y).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub kind: MarkKind,
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub color: Rgb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// ✓
    Check,
    /// ✗
    Cross,
}

impl Mark {
    /// The strokes, as polylines in page coordinates, and their width.
    pub fn strokes(&self) -> (Vec<Vec<(f32, f32)>>, f32) {
        let at = |u: f32, v: f32| (self.x + u * self.size, self.y + v * self.size);
        let lines = match self.kind {
            MarkKind::Check => vec![vec![at(0.05, 0.55), at(0.38, 0.9), at(0.95, 0.08)]],
            MarkKind::Cross => vec![
                vec![at(0.1, 0.1), at(0.9, 0.9)],
                vec![at(0.9, 0.1), at(0.1, 0.9)],
            ],
        };
        (lines, self.size * 0.16)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(Text),
    Rect(Rect),
    Rule(Rule),
    Image(Image),
    Link(Link),
    Mark(Mark),
}

impl Item {
    /// The structure node the box belongs to; `None` for page furniture and decoration.
    pub fn node(&self) -> Option<NodeId> {
        match self {
            Item::Text(t) => t.node,
            Item::Rect(r) => r.node,
            Item::Image(i) => i.node,
            Item::Link(l) => Some(l.node),
            Item::Rule(_) | Item::Mark(_) => None,
        }
    }

    /// The same box, belonging to no structure element: page furniture to a screen
    /// reader, as a table header repeated on a later page is.
    fn into_artifact(mut self) -> Item {
        match &mut self {
            Item::Text(t) => {
                t.node = None;
                t.role = Role::RepeatedHeader;
            }
            Item::Rect(r) => r.node = None,
            Item::Image(i) => i.node = None,
            Item::Rule(_) | Item::Mark(_) => {}
            // A link is content wherever it is; tables hold none.
            Item::Link(_) => {}
        }
        self
    }

    fn shifted(mut self, dy: f32) -> Item {
        match &mut self {
            Item::Text(t) => t.y += dy,
            Item::Rect(r) => r.y += dy,
            Item::Rule(l) => {
                l.y1 += dy;
                l.y2 += dy;
            }
            Item::Image(i) => i.y += dy,
            Item::Link(l) => l.y += dy,
            Item::Mark(m) => m.y += dy,
        }
        self
    }
}

/// One page: its boxes in drawing order (backgrounds before the text on them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// When the page opens with a box or another unit that is never split (a heading,
    /// an entry's name, a question, a table row): the room that what the keep rules hold
    /// together from its top needed, and the page before did not have.
    pub opens_unbreakably: Option<f32>,
    /// The bottom of the last line or box of the body, in layout coordinates.
    pub body_end: f32,
}

/// The laid-out handout.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// Where the body (between header and footer) starts and ends on every page.
    pub body_top: f32,
    pub body_bottom: f32,
    /// The body's left and right edges: the side margins, as fitting may have narrowed
    /// them.
    pub body_left: f32,
    pub body_right: f32,
    /// Section and group headings in reading order, for the PDF's bookmarks.
    pub outline: Vec<Bookmark>,
    /// The logical structure the boxes' nodes refer to, for the PDF's tags.
    pub structure: Structure,
    /// The page target and the body size the handout was fitted to.
    pub fit: Fit,
}

/// A heading's entry in the outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub title: String,
    /// 1 for sections, 2 for groups inside them.
    pub level: u8,
    /// 0-based page index.
    pub page: usize,
    /// Top of the heading, in layout coordinates.
    pub y: f32,
}

/// What to lay out, and how.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub handout: &'a Handout,
    pub sections: Vec<&'a Section>,
    pub labels: &'a Labels,
    pub theme: Theme,
    /// Print the handout's sources after the last section.
    pub show_sources: bool,
    pub branding: Branding<'a>,
    pub personal: Option<&'a Personal>,
    pub link: Option<WebLink>,
    /// Keep the wrapped paragraphs for later documents this thread lays out (see
    /// `wrapped`).
    pub remember: bool,
    /// The pages to fit on, tightening space and then type (see `fit`).
    pub fit: Option<PageTarget>,
}

/// The clinic's marks on the handout.
#[derive(Debug, Clone, Default)]
pub struct Branding<'a> {
    pub clinic: Option<&'a Clinic>,
    pub logo: Option<LogoBox>,
    /// An extra line printed above the disclaimer on every page.
    pub footer_line: Option<&'a str>,
}

/// What layout needs to know of the logo: its pixel size (for the aspect ratio) and
/// its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoBox {
    pub width_px: u32,
    pub height_px: u32,
    pub alt: String,
}

/// A web address printed on page 1 as text and as a QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLink {
    pub url: String,
    /// The QR code's modules, row by row, `size` x `size`; true is dark.
    pub qr_size: usize,
    pub qr_modules: Vec<bool>,
}

/// Which input a piece of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Handout,
    Profile,
    Personal,
    Labels,
}

/// Why a request could not be laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum LayoutError {
    /// A character no bundled font can draw.
    MissingGlyph {
        origin: Origin,
        section: String,
        at: String,
        ch: char,
    },
    /// An unbreakable box taller than the page body.
    TooTall { height: f32, body: f32 },
    /// More pages than [`MAX_PAGES`].
    TooManyPages { pages: usize },
}

/// The most pages one document may have: far beyond any handout, low enough that a
/// runaway input (a list of a million items) stops with a message, not a 2 GB file.
pub const MAX_PAGES: usize = 2000;

/// Marks the text among `items` as a patient's details.
pub(crate) fn mark_personal(items: &mut [Item]) {
    for item in items {
        if let Item::Text(text) = item {
            text.personal = true;
        }
    }
}

impl Text {
    /// How far the glyphs reach from `x`.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// Lays out the request into pages: in a right-to-left language, laid out left to right
/// and then mirrored, so margins, markers, indents, columns and furniture all change
/// sides while each run of text keeps its glyphs' order.
pub fn layout(request: &Request<'_>, fonts: &Fonts) -> Result<Document, LayoutError> {
    let mut setting = Setting::new(fonts, &request.handout.meta.language);
    setting.remember = request.remember;
    let mut document = layout_with(request, &setting)?;
    if setting.rtl {
        mirror(&mut document);
    }
    Ok(document)
}

/// Mirrors every box about the page's vertical centre line.
fn mirror(document: &mut Document) {
    let w = document.width;
    for page in &mut document.pages {
        for item in &mut page.items {
            match item {
                Item::Text(t) => t.x = w - t.x - t.width(),
                Item::Rect(r) => r.x = w - r.x - r.w,
                Item::Rule(l) => {
                    l.x1 = w - l.x1;
                    l.x2 = w - l.x2;
                }
                Item::Image(i) => i.x = w - i.x - i.w,
                Item::Link(l) => l.x = w - l.x - l.w,
                Item::Mark(m) => m.x = w - m.x - m.size,
            }
        }
    }
}

fn layout_with(request: &Request<'_>, fonts: &Setting<'_>) -> Result<Document, LayoutError> {
    check_coverage(request, fonts)?;
    let (chosen, fit) = fit::fitted(request, fonts)?;
    let fit::Attempt {
        theme,
        furniture,
        body,
        mut built,
        placed,
    } = chosen;
    let (pages, outline) = page::compose(
        &mut built,
        &placed,
        &furniture,
        &body,
        &theme,
        request.labels,
        fonts,
    )?;
    Ok(Document {
        width: theme.page_width,
        height: theme.page_height,
        pages,
        body_top: body.top,
        body_bottom: body.top + body.height,
        body_left: theme.margin_left,
        body_right: theme.page_width - theme.margin_right,
        outline,
        structure: built.structure,
        fit,
    })
}

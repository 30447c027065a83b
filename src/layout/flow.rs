//! The flow: a vertical list of unbreakable elements (usually one line of text each) with
//! the rules that say where a page may break between them.

use super::lines::{Line, Run};
use super::structure::{NodeId, Structure};
use super::text::Setting;
use super::text::{self, Span};
use super::{Item, Rect, Role, Rule, Stroke, Text};
use crate::vocabulary::Rgb;

/// A slice of content that is never split across pages: one line of text, a table row,
/// a heading with its rule.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub height: f32,
    /// Dropped when the element starts a page.
    pub space_before: f32,
    /// A page may not break between this element and the next.
    pub keep_with_next: bool,
    /// The keep gives way where breaking here saves a page, or a page left more than
    /// 15 % empty (a paragraph's orphan and widow control, inside a table row of four
    /// lines or more with two on each side); the page breaker breaks it only then.
    pub soft_keep: bool,
    /// Positioned relative to the element's top edge.
    pub items: Vec<Item>,
    /// Boxes this element is drawn inside, outermost first.
    pub frames: Vec<usize>,
    /// A heading that starts here gets an entry in the PDF's outline (bookmarks).
    pub outline: Option<(String, u8)>,
    /// The header row of the table this element belongs to: when a page starts here,
    /// the header is drawn again above it.
    pub table_header: Option<usize>,
    /// The start of a unit the page breaker never splits (a paragraph's first two lines,
    /// or all three of a three-line one; a heading with the lines it keeps, an entry's
    /// name with its first fact, a question with the start of its answer, a table row,
    /// a list item): the page before it may end short of it.
    pub starts_unit: bool,
}

impl Element {
    /// Never breaks after this element.
    pub fn keep(&mut self) {
        self.keep_with_next = true;
        self.soft_keep = false;
    }

    /// Keeps with the next unless breaking saves a page or a gappy page; an element
    /// already kept stays kept as it is.
    pub fn keep_softly(&mut self) {
        if !self.keep_with_next {
            self.keep_with_next = true;
            self.soft_keep = true;
        }
    }
}

/// The look of a box drawn around consecutive elements; its height comes from the
/// elements it holds on each page.
#[derive(Debug, Clone)]
pub struct Frame {
    pub x: f32,
    pub w: f32,
    pub fill: Option<Rgb>,
    pub stroke: Option<Stroke>,
}

/// Text settings for one paragraph.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub size: f32,
    pub leading: f32,
    pub role: Role,
}

/// A marker drawn in the hanging indent of a paragraph's first line.
pub struct Marker<'a> {
    pub spans: Vec<Span<'a>>,
    /// The list label node the marker belongs to.
    pub node: NodeId,
}

/// The built flow, with the boxes its elements are drawn in.
pub struct Built {
    pub elements: Vec<Element>,
    pub frames: Vec<Frame>,
    pub structure: Structure,
}

pub struct Flow {
    pub elements: Vec<Element>,
    pub frames: Vec<Frame>,
    /// The logical structure of what has been pushed, for tagging.
    pub structure: Structure,
    open_frames: Vec<usize>,
    /// Space to put before the next element, collapsed with any already pending.
    pending_space: f32,
    /// Set while a patient's details are pushed: their paragraphs are not remembered
    /// (see `wrapped`).
    pub private: bool,
}

impl Flow {
    pub fn new() -> Self {
        Flow {
            elements: Vec::new(),
            frames: Vec::new(),
            structure: Structure::new(),
            open_frames: Vec::new(),
            pending_space: 0.0,
            private: false,
        }
    }

    /// Asks for at least `space` points before the next element.
    pub fn space(&mut self, space: f32) {
        self.pending_space = self.pending_space.max(space);
    }

    pub fn push(&mut self, mut element: Element) {
        element.space_before = element.space_before.max(self.pending_space);
        self.pending_space = 0.0;
        element.frames = self.open_frames.clone();
        self.elements.push(element);
    }

    /// Gives the element at `index` (a heading's first line) an outline entry.
    pub fn mark_outline(&mut self, index: usize, title: &str, level: u8) {
        if let Some(element) = self.elements.get_mut(index) {
            element.outline = Some((title.to_string(), level));
        }
    }

    /// Keeps the last element with whatever comes next.
    pub fn keep_last_with_next(&mut self) {
        if let Some(last) = self.elements.last_mut() {
            last.keep();
        }
    }

    pub fn clear_last_keep(&mut self) {
        if let Some(last) = self.elements.last_mut() {
            last.keep_with_next = false;
            last.soft_keep = false;
        }
    }

    /// Opens a box; `padding` is left empty above its first and below its last element.
    pub fn open_frame(&mut self, frame: Frame, padding: f32) {
        let id = self.frames.len();
        self.frames.push(frame);
        self.open_frames.push(id);
        self.push(Element {
            height: padding,
            keep_with_next: true,
            ..Element::default()
        });
    }

    pub fn close_frame(&mut self, padding: f32) {
        // The padding replaces any space asked for after the last element.
        self.pending_space = 0.0;
        self.keep_last_with_next();
        self.push(Element {
            height: padding,
            ..Element::default()
        });
        self.open_frames.pop();
    }

    /// Adds a paragraph belonging to `node`: wrapped to `width` at `x`, one element per
    /// line, with no single line left alone at the top or bottom of a page. Returns the
    /// number of lines.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        fonts: &Setting<'_>,
        spans: &[Span<'_>],
        style: TextStyle,
        x: f32,
        width: f32,
        node: NodeId,
        marker: Option<(Marker<'_>, f32)>,
    ) -> Result<usize, text::MissingGlyph> {
        let lines = if self.private {
            wrap_private(fonts, spans, style.size, width)?
        } else {
            wrap(fonts, spans, style.size, width)?
        };
        let marker_line = match marker {
            Some((marker, marker_x)) => Some((
                wrap(fonts, &marker.spans, style.size, f32::MAX / 4.0)?,
                marker_x,
                marker.node,
            )),
            None => None,
        };
        let count = lines.len();
        let first = self.elements.len();
        for (i, line) in lines.into_iter().enumerate() {
            let mut items = Vec::new();
            // The label reads before the body.
            if i == 0 {
                if let Some((marker_lines, marker_x, marker_node)) = &marker_line {
                    let role = TextStyle {
                        role: Role::Marker,
                        ..style
                    };
                    for line in marker_lines {
                        items.extend(line_items(fonts, line, *marker_x, role, Some(*marker_node)));
                    }
                }
            }
            items.extend(into_line_items(fonts, line, x, style, Some(node)));
            self.push(Element {
                height: style.leading,
                items,
                ..Element::default()
            });
        }
        // Orphan and widow control: the first two and the last two lines stay together,
        // unless parting them saves a page or a page left more than 15 % empty.
        if count >= 2 {
            self.elements[first].keep_softly();
            self.elements[first + count - 2].keep_softly();
        }
        if let Some(start) = self.elements.get_mut(first) {
            start.starts_unit = true;
        }
        Ok(count)
    }

    /// A heading belonging to `node`: kept with the two lines that follow it.
    #[allow(clippy::too_many_arguments)]
    pub fn heading(
        &mut self,
        fonts: &Setting<'_>,
        spans: &[Span<'_>],
        style: TextStyle,
        x: f32,
        width: f32,
        node: NodeId,
        underline: Option<Stroke>,
    ) -> Result<(), text::MissingGlyph> {
        let first = self.elements.len();
        self.paragraph(fonts, spans, style, x, width, node, None)?;
        self.mark_leading(first);
        if let (Some(stroke), Some(last)) = (underline, self.elements.last_mut()) {
            let y = last.height + 2.0;
            last.items.push(Item::Rule(Rule {
                x1: x,
                y1: y,
                x2: x + width,
                y2: y,
                stroke,
            }));
            last.height += 4.0;
        }
        Ok(())
    }

    /// Marks the elements from `first` on as leading what follows: kept with it, each
    /// the start of a unit that is never split.
    pub fn mark_leading(&mut self, first: usize) {
        for element in self.elements.get_mut(first..).into_iter().flatten() {
            element.keep();
            element.starts_unit = true;
        }
    }

    /// Marks the element after a heading to keep with its successor too, so a heading
    /// is always followed by at least two lines on its page.
    pub fn keep_heading_company(&mut self, heading_end: usize) {
        if let Some(next) = self.elements.get_mut(heading_end) {
            next.keep();
        }
    }

    /// Adds one element holding several columns laid side by side (a table row); its
    /// height is the tallest column's.
    pub fn row(&mut self, columns: Vec<Vec<Item>>, height: f32, background: Vec<Rect>) {
        let mut items: Vec<Item> = background.into_iter().map(Item::Rect).collect();
        items.extend(columns.into_iter().flatten());
        self.push(Element {
            height,
            items,
            ..Element::default()
        });
    }
}

/// One cell of a table row: its lines, each positioned relative to the line's top,
/// and what else goes on the first line (a ✓ or ✗).
#[derive(Debug, Default)]
pub struct Cell {
    pub first_line: Vec<Item>,
    pub lines: Vec<Vec<Item>>,
}

impl Flow {
    /// Adds a table row one line at a time (line 1 of every cell, then line 2...), so a
    /// row with an enormous cell breaks between lines instead of overflowing a page.
    /// Rows that fit stay whole: the lines keep together. `after` is drawn at the bottom
    /// of the last line (a separating rule), `pad` above the first and below the last.
    pub fn table_row(&mut self, cells: Vec<Cell>, leading: f32, pad: f32, after: Vec<Item>) {
        let count = cells
            .iter()
            .map(|c| c.lines.len())
            .max()
            .unwrap_or(0)
            .max(1);
        let mut cells = cells;
        for i in 0..count {
            let top = if i == 0 { pad } else { 0.0 };
            let height = leading + top + if i + 1 == count { pad } else { 0.0 };
            let mut items = Vec::new();
            for cell in &mut cells {
                if i == 0 {
                    items.extend(
                        std::mem::take(&mut cell.first_line)
                            .into_iter()
                            .map(|it| it.shifted(top)),
                    );
                }
                if let Some(line) = cell.lines.get_mut(i) {
                    items.extend(std::mem::take(line).into_iter().map(|it| it.shifted(top)));
                }
            }
            if i + 1 == count {
                items.extend(after.iter().cloned().map(|it| it.shifted(height)));
            }
            // A tall row's lines stay together, unless breaking them, with two lines
            // or more on each side, saves a page or a gappy page.
            let lines_after = count - (i + 1);
            self.push(Element {
                height,
                items,
                keep_with_next: lines_after > 0,
                soft_keep: i >= 1 && lines_after >= 2,
                starts_unit: i == 0,
                ..Element::default()
            });
        }
    }
}

pub use super::wrapped::{wrap, wrap_private};

/// The text items of one line, baseline placed so capitals sit centred in the leading.
/// One baseline for the whole line, from the primary face's capitals: runs in other
/// faces (a Greek letter, a Hindi word, a Chinese phrase) sit on the same line.
pub fn line_items(
    fonts: &Setting<'_>,
    line: &Line,
    x: f32,
    style: TextStyle,
    node: Option<NodeId>,
) -> Vec<Item> {
    runs_into_items(fonts, line.runs.iter().cloned(), x, style, node)
}

/// [`line_items`] for a line not needed again: its runs' text and glyphs move into the
/// items rather than being copied.
pub fn into_line_items(
    fonts: &Setting<'_>,
    line: Line,
    x: f32,
    style: TextStyle,
    node: Option<NodeId>,
) -> Vec<Item> {
    runs_into_items(fonts, line.runs.into_iter(), x, style, node)
}

fn runs_into_items(
    fonts: &Setting<'_>,
    runs: impl Iterator<Item = Run>,
    x: f32,
    style: TextStyle,
    node: Option<NodeId>,
) -> Vec<Item> {
    let cap = fonts.cap_height_em(crate::fonts::Face::Regular) * style.size;
    runs.map(|run| {
        Item::Text(Text {
            x: x + run.dx,
            y: (style.leading + cap) / 2.0,
            face: run.face,
            size: style.size,
            color: run.color,
            text: run.text,
            glyphs: run.glyphs,
            rtl: run.rtl,
            role: style.role,
            node,
            personal: false,
        })
    })
    .collect()
}

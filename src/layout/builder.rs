//! The builder that turns a handout into a flow, and what every kind of block shares:
//! the body column, body text, boxes, subheadings and lists. Each kind of block is laid
//! out in a module of its own (`blocks`, `entries`, `table`, `front`).

use super::flow::{wrap, Element, Flow, Frame, Marker, TextStyle};
use super::structure::{NodeId, Numbering, Tag};
use super::text::Setting;
use super::text::{MissingGlyph, Span};
use super::{Item, Role, Stroke, Theme};
use crate::fonts::Style;
use crate::labels::Labels;

pub(super) struct Builder<'a> {
    pub(super) fonts: &'a Setting<'a>,
    pub(super) theme: &'a Theme,
    pub(super) labels: &'a Labels,
    pub(super) flow: Flow,
    /// Left edge and width of the body column.
    pub(super) x: f32,
    pub(super) width: f32,
    /// How tall the body of a page is: what decides which entries may break.
    pub(super) body_height: f32,
}

/// One horizontal band of the body: where text starts and how wide it may run.
#[derive(Clone, Copy)]
pub(super) struct Column {
    pub(super) x: f32,
    pub(super) width: f32,
}

impl Column {
    pub(super) fn indent(self, by: f32) -> Column {
        Column {
            x: self.x + by,
            width: (self.width - by).max(1.0),
        }
    }
}

impl<'a> Builder<'a> {
    pub(super) fn body(&self) -> Column {
        Column {
            x: self.x,
            width: self.width,
        }
    }

    pub(super) fn body_style(&self) -> TextStyle {
        TextStyle {
            size: self.theme.body_size,
            leading: self.theme.body_leading,
            role: Role::Body,
        }
    }

    /// A paragraph of body text.
    pub(super) fn text(&mut self, spans: &[Span<'_>], col: Column) -> Result<usize, MissingGlyph> {
        let node = self.flow.structure.leaf(Tag::P);
        self.text_in(spans, col, node)
    }

    /// Body text belonging to `node` (a table cell, a list body).
    pub(super) fn text_in(
        &mut self,
        spans: &[Span<'_>],
        col: Column,
        node: NodeId,
    ) -> Result<usize, MissingGlyph> {
        let style = self.body_style();
        self.flow
            .paragraph(self.fonts, spans, style, col.x, col.width, node, None)
    }

    /// Opens a shaded, outlined box across `col` (closed with `flow.close_frame`) and
    /// returns the column inside its padding.
    pub(super) fn open_box(
        &mut self,
        col: Column,
        fill: super::Rgb,
        outline: super::Rgb,
        width: f32,
    ) -> Column {
        let inset = self.theme.box_inset;
        self.flow.open_frame(
            Frame {
                x: col.x,
                w: col.width,
                fill: Some(fill),
                stroke: Some(Stroke {
                    color: outline,
                    width,
                }),
            },
            self.theme.box_padding,
        );
        Column {
            x: col.x + inset,
            width: col.width - 2.0 * inset,
        }
    }

    /// A group or sources heading: bold, body colour, no rule.
    pub(super) fn subheading(
        &mut self,
        title: &str,
        level: u8,
        col: Column,
    ) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let at = self.flow.elements.len();
        let node = self
            .flow
            .structure
            .leaf(if level <= 1 { Tag::H2 } else { Tag::H3 });
        self.flow.heading(
            self.fonts,
            &[Span::new(title, Style::BOLD, t.text)],
            TextStyle {
                size: t.subheading_size,
                leading: t.subheading_size * 1.3,
                role: Role::Subheading,
            },
            col.x,
            col.width,
            node,
            None,
        )?;
        self.flow.mark_outline(at, title, level);
        Ok(())
    }

    /// How a bulleted list is marked: bullets, or numbers in large print.
    pub(super) fn bullets(&self) -> Numbering {
        if self.theme.numbered_lists {
            Numbering::Decimal
        } else {
            Numbering::Disc
        }
    }

    /// Italic where the theme allows it (large print does not).
    pub(super) fn italic(&self) -> Style {
        if self.theme.italics {
            Style::ITALIC
        } else {
            Style::REGULAR
        }
    }

    /// A bulleted or numbered list: markers in a hanging indent wide enough for the
    /// widest marker.
    pub(super) fn list(
        &mut self,
        items: &[String],
        numbering: Numbering,
        col: Column,
    ) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let markers: Vec<String> = match numbering {
            Numbering::Disc => vec!["•".to_string(); items.len()],
            Numbering::Decimal => (1..=items.len()).map(|n| format!("{n}.")).collect(),
        };
        let widest = markers
            .iter()
            .map(|m| {
                wrap(
                    self.fonts,
                    &[Span::new(m, Style::REGULAR, t.accent)],
                    t.body_size,
                    f32::MAX / 4.0,
                )
                .map(|lines| lines.iter().map(|l| l.width).fold(0.0, f32::max))
            })
            .collect::<Result<Vec<f32>, _>>()?
            .into_iter()
            .fold(0.0, f32::max);
        let indent = t.list_indent.max(widest + t.body_size * 0.5);
        self.flow.structure.open_list(numbering);
        // Where the last item's lines start, and how many there are.
        let mut last_item = (0, 0);
        for (i, (item, marker)) in items.iter().zip(&markers).enumerate() {
            if i > 0 {
                self.flow.space(t.item_gap);
            }
            let style = self.body_style();
            self.flow.structure.open(Tag::LI);
            let label = self.flow.structure.leaf(Tag::Lbl);
            let body = self.flow.structure.leaf(Tag::LBody);
            self.flow.structure.close();
            let lines = self.flow.paragraph(
                self.fonts,
                &[Span::new(item, Style::REGULAR, t.text)],
                style,
                col.x + indent,
                col.width - indent,
                body,
                Some((
                    Marker {
                        spans: vec![Span::new(marker, Style::BOLD, t.accent)],
                        node: label,
                    },
                    col.x,
                )),
            )?;
            // No single line of a list stands alone on a page, away from the rest: a
            // one-line first item keeps the second company, and a one-line last item
            // the one before it. Longer items stand on their own two lines.
            if i == 0 && lines == 1 && items.len() > 1 {
                self.flow.keep_last_with_next();
            }
            last_item = (self.flow.elements.len() - lines, lines);
        }
        if let (last_start, 1) = last_item {
            if items.len() > 1 {
                self.flow.elements[last_start - 1].keep();
            }
        }
        self.flow.structure.close();
        Ok(())
    }
}

/// No page break anywhere inside these elements (a chain longer than a page still breaks).
pub(super) fn keep_together(elements: &mut [Element]) {
    let n = elements.len();
    for element in elements.iter_mut().take(n.saturating_sub(1)) {
        element.keep();
    }
}

pub(super) fn shift(items: Vec<Item>, dy: f32) -> Vec<Item> {
    items.into_iter().map(|i| i.shifted(dy)).collect()
}

//! The do/avoid table: two columns, marked ✓ and ✗, side by side.

use super::builder::{shift, Builder, Column};
use super::flow::{line_items, wrap, Cell, TextStyle};
use super::structure::{Scope, Tag};
use super::text::{MissingGlyph, Span};
use super::{Item, Mark, MarkKind, Rect, Role, Stroke};
use crate::fonts::Style;

impl Builder<'_> {
    /// Two columns side by side, ✓ Do and ✗ Avoid, one row per pair of items.
    pub(super) fn do_avoid(
        &mut self,
        dos: &[String],
        avoid: &[String],
        col: Column,
    ) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let gap = 12.0;
        let pad = 6.0;
        let cell_w = (col.width - gap) / 2.0;
        let columns = [
            (
                col.x,
                &self.labels.do_heading,
                MarkKind::Check,
                t.do_color,
                t.do_fill,
                dos,
            ),
            (
                col.x + cell_w + gap,
                &self.labels.avoid_heading,
                MarkKind::Cross,
                t.avoid_color,
                t.avoid_fill,
                avoid,
            ),
        ];
        let style = self.body_style();
        self.flow.structure.open(Tag::Table);
        self.flow.structure.open(Tag::TR);

        // Header row: each column's mark and title on a tinted band.
        let header_h = t.body_leading + 8.0;
        let mut header = Vec::new();
        let mut bands = Vec::new();
        for (x, title, mark, color, fill, _) in &columns {
            let head_style = TextStyle {
                size: t.body_size * 1.1,
                leading: t.body_leading,
                role: Role::Label,
            };
            let mark_w = self.mark_width(head_style.size);
            let lines = wrap(
                self.fonts,
                &[Span::new(title, Style::BOLD, *color)],
                head_style.size,
                cell_w - 2.0 * pad - mark_w,
            )?;
            let height = lines.len() as f32 * t.body_leading;
            header.push(self.mark(*mark, x + pad, 4.0, head_style, *color));
            let cell = self.flow.structure.header_cell(Scope::Column);
            for (i, line) in lines.iter().enumerate() {
                header.extend(shift(
                    line_items(self.fonts, line, x + pad + mark_w, head_style, Some(cell)),
                    4.0 + i as f32 * t.body_leading,
                ));
            }
            bands.push((
                Rect {
                    x: *x,
                    y: 0.0,
                    w: cell_w,
                    h: height + 8.0,
                    fill: Some(*fill),
                    stroke: None,
                    node: None,
                },
                height + 8.0,
            ));
        }
        let header_h = bands.iter().map(|b| b.1).fold(header_h, f32::max);
        let bands: Vec<Rect> = bands
            .into_iter()
            .map(|(r, _)| Rect { h: header_h, ..r })
            .collect();
        let header_at = self.flow.elements.len();
        self.flow.row(vec![header], header_h, bands);
        self.flow.mark_leading(header_at);
        self.flow.structure.close();

        let rows = dos.len().max(avoid.len());
        let indent = t.list_indent;
        for row in 0..rows {
            let mut cells = Vec::new();
            self.flow.structure.open(Tag::TR);
            for (x, _, mark, color, _, items) in &columns {
                // A shorter column leaves an empty cell, so rows stay two cells wide.
                let node = self.flow.structure.leaf(Tag::TD);
                let Some(item) = items.get(row) else { continue };
                let lines = wrap(
                    self.fonts,
                    &[Span::new(item, Style::REGULAR, t.text)],
                    t.body_size,
                    cell_w - indent - pad,
                )?;
                cells.push(Cell {
                    first_line: vec![self.mark(*mark, x + pad, 0.0, style, *color)],
                    lines: lines
                        .iter()
                        .map(|line| {
                            line_items(self.fonts, line, x + pad + indent, style, Some(node))
                        })
                        .collect(),
                });
            }
            self.flow.structure.close();
            // A light line between rows helps the eye follow a pair across.
            let mut rules = Vec::new();
            if row + 1 < rows {
                rules.push(Item::Rule(super::Rule {
                    x1: col.x,
                    y1: 0.0,
                    x2: col.x + col.width,
                    y2: 0.0,
                    stroke: Stroke {
                        color: t.rule,
                        width: 0.5,
                    },
                }));
            }
            self.flow
                .table_row(cells, t.body_leading, t.item_gap, rules);
        }
        self.flow.structure.close();
        // The table breaks between rows, once its header and first row stand before
        // the break (a row is never split unless it alone is taller than a page); the
        // next page repeats the header.
        for element in &mut self.flow.elements[header_at + 1..] {
            element.table_header = Some(header_at);
        }
        Ok(())
    }

    /// Width taken by a ✓ or ✗ mark and the space after it, at a text size.
    fn mark_width(&self, size: f32) -> f32 {
        size * 0.95
    }

    /// A ✓ or ✗ drawn as lines, sitting on the baseline of a line of text whose top is
    /// `top`: marks are drawn rather than set in a symbol font, which would have to be
    /// parsed and embedded in nearly every handout for two glyphs.
    fn mark(&self, kind: MarkKind, x: f32, top: f32, style: TextStyle, color: super::Rgb) -> Item {
        let cap = self.fonts.cap_height_em(crate::fonts::Face::Bold) * style.size;
        let baseline = top + (style.leading + cap) / 2.0;
        let size = cap * 1.05;
        Item::Mark(Mark {
            kind,
            x,
            y: baseline - size,
            size,
            color,
        })
    }
}

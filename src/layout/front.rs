//! Page 1's front matter: the clinic's name and logo, the title block, the patient's
//! details and notes, and the link with its QR code; and the "My notes" area at the end.

use super::builder::{Builder, Column};
use super::flow::{line_items, wrap, wrap_private, Cell, Element, TextStyle};
use super::structure::{NodeId, Tag};
use super::text::{MissingGlyph, Span};
use super::{Image, Item, Link, Rect, Request, Role, Rule, Stroke, WebLink};
use crate::fonts::Style;
use crate::personal::Personal;

const BLACK: super::Rgb = super::Rgb(0, 0, 0);

impl Builder<'_> {
    /// Everything printed above the first section, kept together on page 1.
    pub(super) fn front_matter(&mut self, request: &Request<'_>) -> Result<(), MissingGlyph> {
        let first = self.flow.elements.len();
        self.clinic_row(request)?;
        self.title_block(request)?;
        if let Some(personal) = request.personal {
            self.personal_block(personal)?;
        }
        if let Some(link) = &request.link {
            self.link_row(link)?;
        }
        for element in &mut self.flow.elements[first..] {
            element.keep();
        }
        Ok(())
    }

    /// Wraps `text` into items of `node` starting at (x, y) and returns them with the
    /// height used.
    fn stacked(
        &self,
        spans: &[Span<'_>],
        style: TextStyle,
        col: Column,
        y: f32,
        node: NodeId,
    ) -> Result<(Vec<Item>, f32), MissingGlyph> {
        let lines = wrap(self.fonts, spans, style.size, col.width)?;
        let mut items = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let dy = y + i as f32 * style.leading;
            items.extend(
                line_items(self.fonts, line, col.x, style, Some(node))
                    .into_iter()
                    .map(|it| it.shifted(dy)),
            );
        }
        Ok((items, lines.len() as f32 * style.leading))
    }

    /// The clinic's logo with its name and contact details beside it.
    fn clinic_row(&mut self, request: &Request<'_>) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let branding = &request.branding;
        if branding.clinic.is_none() && branding.logo.is_none() {
            return Ok(());
        }
        let col = self.body();
        let mut items = Vec::new();
        let mut text_col = col;
        let mut logo_h: f32 = 0.0;
        if let Some(logo) = &branding.logo {
            let aspect = logo.width_px as f32 / logo.height_px.max(1) as f32;
            let (mut w, mut h) = (t.logo_height * aspect, t.logo_height);
            if w > t.logo_max_width {
                w = t.logo_max_width;
                h = w / aspect;
            }
            let figure = self.flow.structure.figure(&logo.alt);
            items.push(Item::Image(Image {
                x: col.x,
                y: 0.0,
                w,
                h,
                alt: logo.alt.clone(),
                node: Some(figure),
            }));
            logo_h = h;
            text_col = col.indent(w + 12.0);
        }
        let mut y = 0.0;
        if let Some(clinic) = branding.clinic {
            let name_style = TextStyle {
                size: t.body_size * 1.15,
                leading: t.body_size * 1.15 * 1.25,
                role: Role::Meta,
            };
            let node = self.flow.structure.leaf(Tag::P);
            let (name, h) = self.stacked(
                &[Span::new(&clinic.name, Style::BOLD, t.accent)],
                name_style,
                text_col,
                y,
                node,
            )?;
            items.extend(name);
            y += h;
            let small = TextStyle {
                size: t.meta_size,
                leading: t.meta_size * 1.3,
                role: Role::Meta,
            };
            let contact: Vec<&str> = [&clinic.phone, &clinic.website]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            let contact = contact.join("  ·  ");
            let lines = [
                clinic.department.as_deref(),
                clinic.address.as_deref(),
                Some(contact.as_str()),
            ];
            for line in lines.into_iter().flatten().filter(|l| !l.is_empty()) {
                let node = self.flow.structure.leaf(Tag::P);
                let (more, h) = self.stacked(
                    &[Span::new(line, Style::REGULAR, t.muted)],
                    small,
                    text_col,
                    y,
                    node,
                )?;
                items.extend(more);
                y += h;
            }
        }
        // Centre the shorter of logo and text against the taller.
        let height = logo_h.max(y);
        let text_shift = (height - y) / 2.0;
        let logo_shift = (height - logo_h) / 2.0;
        let items = items
            .into_iter()
            .map(|item| match item {
                Item::Image(_) => item.shifted(logo_shift),
                other => other.shifted(text_shift),
            })
            .collect();
        self.flow.push(Element {
            height,
            items,
            ..Element::default()
        });
        self.flow.space(10.0 * t.spacing);
        Ok(())
    }

    fn title_block(&mut self, request: &Request<'_>) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let meta = &request.handout.meta;
        let col = self.body();
        let title = self.flow.structure.leaf(Tag::H1);
        self.flow.paragraph(
            self.fonts,
            &[Span::new(&meta.title, Style::BOLD, t.accent)],
            TextStyle {
                size: t.title_size,
                leading: t.title_size * 1.2,
                role: Role::Title,
            },
            col.x,
            col.width,
            title,
            None,
        )?;
        if let Some(subtitle) = &meta.subtitle {
            self.flow.space(2.0 * t.spacing);
            let node = self.flow.structure.leaf(Tag::P);
            self.flow.paragraph(
                self.fonts,
                &[Span::new(subtitle, Style::REGULAR, t.muted)],
                TextStyle {
                    size: t.subtitle_size,
                    leading: t.subtitle_size * 1.3,
                    role: Role::Subtitle,
                },
                col.x,
                col.width,
                node,
                None,
            )?;
        }
        let reviewed = format!(
            "{} {} {} {}",
            self.labels.last_reviewed,
            self.labels.date(&meta.last_updated),
            self.labels.reviewed_by,
            meta.reviewed_by
        );
        self.flow.space(4.0 * t.spacing);
        let node = self.flow.structure.leaf(Tag::P);
        self.flow.paragraph(
            self.fonts,
            &[Span::new(&reviewed, Style::REGULAR, t.muted)],
            TextStyle {
                size: t.meta_size,
                leading: t.meta_size * 1.35,
                role: Role::Meta,
            },
            col.x,
            col.width,
            node,
            None,
        )?;
        if let Some(last) = self.flow.elements.last_mut() {
            let y = last.height + 5.0 * t.spacing;
            last.items.push(Item::Rule(Rule {
                x1: col.x,
                y1: y,
                x2: col.x + col.width,
                y2: y,
                stroke: Stroke {
                    color: t.accent,
                    width: 1.5,
                },
            }));
            last.height += 7.0 * t.spacing;
        }
        Ok(())
    }

    /// "For / Date / From / Follow-up" in two columns, then the care team's notes, in a
    /// shaded box.
    fn personal_block(&mut self, personal: &Personal) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let l = self.labels;
        let date = personal.date.as_ref().map(|d| l.date(d));
        let fields: Vec<(&str, &str)> = [
            (l.for_patient.as_str(), personal.patient.as_deref()),
            (l.date.as_str(), date.as_deref()),
            (l.from_clinician.as_str(), personal.clinician.as_deref()),
            (l.follow_up.as_str(), personal.follow_up.as_deref()),
        ]
        .into_iter()
        .filter_map(|(label, value)| value.map(|v| (label, v)))
        .collect();
        if fields.is_empty() && personal.notes.is_empty() {
            return Ok(());
        }
        let col = self.body();
        let pad = t.box_padding;
        self.flow.space(t.block_gap * 2.0);
        let first = self.flow.elements.len();
        let inner = self.open_box(col, t.note_fill, t.rule, 0.75);
        let gap = 12.0;
        let cell_w = (inner.width - gap) / 2.0;
        let style = self.body_style();
        for pair in fields.chunks(2) {
            let mut cells = Vec::new();
            for (i, (label, value)) in pair.iter().enumerate() {
                let label = format!("{label}{}", l.colon);
                let x = inner.x + i as f32 * (cell_w + gap);
                let node = self.flow.structure.leaf(Tag::P);
                let lines = wrap_private(
                    self.fonts,
                    &[
                        Span::new(&label, Style::BOLD, t.text),
                        Span::new(" ", Style::REGULAR, t.text),
                        Span::new(value, Style::REGULAR, t.text),
                    ],
                    style.size,
                    cell_w,
                )?;
                cells.push(Cell {
                    first_line: Vec::new(),
                    lines: lines
                        .iter()
                        .map(|line| line_items(self.fonts, line, x, style, Some(node)))
                        .collect(),
                });
            }
            self.flow.table_row(cells, style.leading, 0.0, Vec::new());
        }
        if !personal.notes.is_empty() {
            self.flow.space(t.item_gap * 2.0);
            self.text(&[Span::new(&l.notes, Style::BOLD, t.accent)], inner)?;
            self.flow.private = true;
            let written = personal.notes.iter().try_for_each(|note| {
                self.flow.space(t.item_gap);
                self.text(&[Span::new(note, Style::REGULAR, t.text)], inner)
                    .map(drop)
            });
            self.flow.private = false;
            written?;
        }
        self.flow.close_frame(pad);
        for element in self.flow.elements.iter_mut().skip(first) {
            super::mark_personal(&mut element.items);
        }
        Ok(())
    }

    /// The QR code with the web address beside it; both open the address when clicked.
    fn link_row(&mut self, link: &WebLink) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let col = self.body();
        let size = t.qr_size;
        let quiet = 4;
        let modules = link.qr_size + 2 * quiet;
        let module = size / modules as f32;
        let mut items = Vec::new();
        let alt = self.labels.qr_code.replace("{url}", &link.url);
        let figure = self.flow.structure.figure(&alt);
        // White quiet zone first, then one rectangle per run of dark modules in a row.
        items.push(Item::Rect(Rect {
            x: col.x,
            y: 0.0,
            w: size,
            h: size,
            fill: Some(super::Rgb(255, 255, 255)),
            stroke: None,
            node: Some(figure),
        }));
        for row in 0..link.qr_size {
            let mut x = 0;
            while x < link.qr_size {
                if link.qr_modules.get(row * link.qr_size + x) == Some(&true) {
                    let start = x;
                    while x < link.qr_size
                        && link.qr_modules.get(row * link.qr_size + x) == Some(&true)
                    {
                        x += 1;
                    }
                    items.push(Item::Rect(Rect {
                        x: col.x + (start + quiet) as f32 * module,
                        y: (row + quiet) as f32 * module,
                        w: (x - start) as f32 * module,
                        h: module,
                        fill: Some(BLACK),
                        stroke: None,
                        node: Some(figure),
                    }));
                } else {
                    x += 1;
                }
            }
        }
        let text_col = col.indent(size + 10.0);
        let style = self.body_style();
        let caption_node = self.flow.structure.leaf(Tag::P);
        let (caption, caption_h) = self.stacked(
            &[Span::new(&self.labels.scan_link, Style::REGULAR, t.text)],
            style,
            text_col,
            module * quiet as f32,
            caption_node,
        )?;
        items.extend(caption);
        let description = format!("{} {}", self.labels.scan_link, link.url);
        // One link element holds the address and both clickable areas.
        self.flow.structure.open(Tag::P);
        let link_node = self.flow.structure.leaf(Tag::Link);
        self.flow.structure.close();
        items.push(Item::Link(Link {
            x: col.x,
            y: 0.0,
            w: size,
            h: size,
            url: link.url.clone(),
            description: description.clone(),
            node: link_node,
        }));
        let url_top = module * quiet as f32 + caption_h;
        let (url_items, url_h) = self.stacked(
            &[Span::new(&link.url, Style::BOLD, t.accent)],
            style,
            text_col,
            url_top,
            link_node,
        )?;
        items.extend(url_items);
        items.push(Item::Link(Link {
            x: text_col.x,
            y: url_top,
            w: text_col.width,
            h: url_h,
            url: link.url.clone(),
            description: description.clone(),
            node: link_node,
        }));
        self.flow.space(t.block_gap * 2.0);
        self.flow.push(Element {
            height: size.max(url_top + url_h),
            items,
            ..Element::default()
        });
        Ok(())
    }

    /// A heading and ruled lines for the patient's own handwriting.
    pub(super) fn notes_area(&mut self) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let col = self.body();
        self.flow.space(t.heading_gap);
        let title = self.labels.my_notes.clone();
        self.flow.structure.open(Tag::Sect);
        self.subheading(&title, 1, col)?;
        self.flow.structure.close();
        let after_heading = self.flow.elements.len();
        let gap = t.body_leading * 2.0;
        for _ in 0..8 {
            self.flow.push(Element {
                height: gap,
                items: vec![Item::Rule(Rule {
                    x1: col.x,
                    y1: gap,
                    x2: col.x + col.width,
                    y2: gap,
                    stroke: Stroke {
                        color: t.muted,
                        width: 0.5,
                    },
                })],
                ..Element::default()
            });
        }
        self.flow.keep_heading_company(after_heading);
        Ok(())
    }
}

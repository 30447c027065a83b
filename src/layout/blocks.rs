//! Turns the handout's title block and selected sections into a flow of elements.

use super::builder::{keep_together, Builder, Column};
use super::entries::Entry;
use super::flow::{Built, Flow, Frame, TextStyle};
use super::page::BodyArea;
use super::structure::{Numbering, Tag};
use super::text::Setting;
use super::text::{MissingGlyph, Span};
use super::{LayoutError, Request, Role, Stroke};
use crate::fonts::Style;
use crate::model::{Block, Urgency, WarningSign};

pub fn build(
    request: &Request<'_>,
    fonts: &Setting<'_>,
    body: &BodyArea,
) -> Result<Built, LayoutError> {
    let theme = &request.theme;
    let mut b = Builder {
        fonts,
        theme,
        labels: request.labels,
        flow: Flow::new(),
        x: theme.margin_left,
        width: body.width,
        body_height: body.height,
    };
    let in_front = |ch: MissingGlyph| LayoutError::MissingGlyph {
        origin: super::Origin::Handout,
        section: "(none)".into(),
        at: "title block".into(),
        ch: ch.0,
    };
    b.front_matter(request).map_err(in_front)?;
    for section in &request.sections {
        let located = |ch: MissingGlyph| LayoutError::MissingGlyph {
            origin: super::Origin::Handout,
            section: section.id().to_string(),
            at: "section".into(),
            ch: ch.0,
        };
        b.flow.space(theme.heading_gap);
        let col = b.body();
        let heading_at = b.flow.elements.len();
        b.flow.structure.open(Tag::Sect);
        let heading = b.flow.structure.leaf(Tag::H2);
        b.flow
            .heading(
                fonts,
                &[Span::new(&section.title, Style::BOLD, theme.accent)],
                TextStyle {
                    size: theme.heading_size,
                    leading: theme.heading_size * 1.25,
                    role: Role::Heading,
                },
                col.x,
                col.width,
                heading,
                Some(Stroke {
                    color: theme.rule,
                    width: 0.75,
                }),
            )
            .map_err(located)?;
        b.flow.mark_outline(heading_at, &section.title, 1);
        b.flow.space(theme.block_gap);
        b.blocks_after_heading(&section.blocks, col)
            .map_err(located)?;
        b.flow.structure.close();
    }
    if request.show_sources && !request.handout.meta.sources.is_empty() {
        b.sources(request).map_err(in_front)?;
    }
    if request.personal.is_some_and(|p| p.notes_area) {
        b.notes_area().map_err(in_front)?;
    }
    // Nothing follows the last element, so it keeps with nothing.
    b.flow.clear_last_keep();
    Ok(Built {
        elements: b.flow.elements,
        frames: b.flow.frames,
        structure: b.flow.structure,
    })
}

impl Builder<'_> {
    /// The blocks under a heading, spaced apart; the heading keeps company with at least
    /// two elements of the first block.
    fn blocks_after_heading(&mut self, blocks: &[Block], col: Column) -> Result<(), MissingGlyph> {
        let after_heading = self.flow.elements.len();
        for (i, block) in blocks.iter().enumerate() {
            if i > 0 {
                self.flow.space(self.theme.block_gap * 1.5);
            }
            self.block(block, col)?;
            if i == 0 {
                self.flow.keep_heading_company(after_heading);
            }
        }
        Ok(())
    }

    fn block(&mut self, block: &Block, col: Column) -> Result<(), MissingGlyph> {
        let t = self.theme;
        match block {
            Block::Paragraph { text } => {
                self.text(&[Span::new(text, Style::REGULAR, t.text)], col)?;
            }
            Block::Bullets { items } => self.list(items, self.bullets(), col)?,
            Block::Numbered { items } => self.list(items, Numbering::Decimal, col)?,
            Block::Terms { items } => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.flow.space(t.item_gap * 2.0);
                    }
                    let term = with_stop(&item.term, &self.labels.full_stop);
                    self.text(
                        &[
                            Span::new(&term, Style::BOLD, t.text),
                            Span::new(" ", Style::REGULAR, t.text),
                            Span::new(&item.text, Style::REGULAR, t.text),
                        ],
                        col,
                    )?;
                }
            }
            Block::Medicines { items } => {
                let entries: Vec<Entry<'_>> = items.iter().map(|m| self.medicine(m)).collect();
                self.entries(&entries, col)?
            }
            Block::Supplements { items } => {
                let entries: Vec<Entry<'_>> = items.iter().map(|s| self.supplement(s)).collect();
                self.entries(&entries, col)?
            }
            Block::Procedures { items } => {
                let entries: Vec<Entry<'_>> = items.iter().map(|p| self.procedure(p)).collect();
                self.entries(&entries, col)?
            }
            Block::Group { title, blocks } => {
                self.flow.space(t.subheading_gap);
                self.subheading(title, 2, col)?;
                self.flow.space(t.item_gap);
                self.blocks_after_heading(blocks, col)?;
            }
            Block::DoAvoid { dos, avoid } => self.do_avoid(dos, avoid, col)?,
            Block::WarningSigns { intro, signs } => {
                self.warning_signs(intro.as_deref(), signs, col)?
            }
            Block::Note { title, text } => {
                let pad = t.box_padding;
                let inner = self.open_box(col, t.note_fill, t.accent, 0.75);
                let first = self.flow.elements.len();
                if let Some(title) = title {
                    self.text(&[Span::new(title, Style::BOLD, t.accent)], inner)?;
                }
                self.text(&[Span::new(text, Style::REGULAR, t.text)], inner)?;
                keep_together(&mut self.flow.elements[first..]);
                self.flow.close_frame(pad);
            }
            Block::Faq { items } => {
                for (i, qa) in items.iter().enumerate() {
                    if i > 0 {
                        self.flow.space(t.item_gap * 3.0);
                    }
                    let first = self.flow.elements.len();
                    self.text(&[Span::new(&qa.question, Style::BOLD, t.text)], col)?;
                    self.flow.mark_leading(first);
                    self.flow.space(1.0);
                    // The question keeps the first line of its answer; an answer of
                    // three lines or more may then break after that line, leaving two or
                    // more on the next page. A one-line answer is not tied to what comes
                    // after it, which would carry the question on to the next page with
                    // the next entry or a box that follows.
                    let answer = self.flow.elements.len();
                    let lines = self.text(&[Span::new(&qa.answer, Style::REGULAR, t.text)], col)?;
                    if lines >= 3 {
                        self.flow.elements[answer].keep_with_next = false;
                    }
                }
            }
        }
        Ok(())
    }

    /// The "when to get help" callout: emergencies first, on a tinted band, then the
    /// signs that call for the doctor. Kept on one page.
    fn warning_signs(
        &mut self,
        intro: Option<&str>,
        signs: &[WarningSign],
        col: Column,
    ) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let pad = t.box_padding;
        let first = self.flow.elements.len();
        let inner = self.open_box(col, t.warning_fill, t.emergency, 1.5);
        if let Some(intro) = intro {
            self.text(&[Span::new(intro, Style::REGULAR, t.text)], inner)?;
            self.flow.space(t.block_gap);
        }
        let groups = [
            (
                Urgency::Emergency,
                &self.labels.emergency,
                t.emergency,
                Some(t.emergency_fill),
            ),
            (Urgency::Soon, &self.labels.soon, t.soon, None),
        ];
        for (urgency, label, color, fill) in groups {
            let these: Vec<String> = signs
                .iter()
                .filter(|s| s.urgency == urgency)
                .map(|s| s.text.clone())
                .collect();
            if these.is_empty() {
                continue;
            }
            let band = fill.map(|fill| Frame {
                x: inner.x - t.box_inset / 2.0,
                w: inner.width + t.box_inset,
                fill: Some(fill),
                stroke: None,
            });
            if let Some(band) = band {
                self.flow.open_frame(band, pad / 2.0);
            }
            self.text(&[Span::new(label, Style::BOLD, color)], inner)?;
            self.flow.space(t.item_gap);
            self.list(&these, self.bullets(), inner)?;
            if fill.is_some() {
                self.flow.close_frame(pad / 2.0);
            }
            self.flow.space(t.item_gap * 2.0);
        }
        self.flow.close_frame(pad);
        keep_together(&mut self.flow.elements[first..]);
        Ok(())
    }

    fn sources(&mut self, request: &Request<'_>) -> Result<(), MissingGlyph> {
        let t = self.theme;
        let col = self.body();
        self.flow.space(t.heading_gap);
        let title = self.labels.sources.clone();
        self.flow.structure.open(Tag::Sect);
        self.subheading(&title, 1, col)?;
        let lines: Vec<String> = request
            .handout
            .meta
            .sources
            .iter()
            .map(|s| match &s.url {
                Some(url) => format!("{} – {url}", s.name),
                None => s.name.clone(),
            })
            .collect();
        self.list(&lines, self.bullets(), col)?;
        self.flow.structure.close();
        Ok(())
    }
}

/// Adds the language's full stop after a term unless it already ends in punctuation
/// (Latin, CJK full-width, Arabic or Devanagari).
fn with_stop(term: &str, stop: &str) -> String {
    let term = term.trim_end();
    if term.ends_with(['.', '?', '!', ':', '。', '？', '！', '：', '؟', '।', '॥'])
        || term.ends_with(stop)
    {
        term.to_string()
    } else {
        format!("{term}{stop}")
    }
}

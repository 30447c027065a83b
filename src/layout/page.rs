//! Page furniture (header, footer with the full disclaimer and "Page X of Y") and the
//! final composition of placed elements into pages.

use super::flow::{self, line_items, wrap, Built, TextStyle};
use super::lines::Line;
use super::paginate::Placed;
use super::structure::{NodeId, Structure, Tag};
use super::text::Setting;
use super::text::Span;
use super::{Bookmark, Item, LayoutError, Page, Rect, Request, Role, Rule, Stroke, Theme};
use crate::fonts::Style;
use crate::labels::Labels;

/// The part of the page the flow may use.
pub struct BodyArea {
    pub top: f32,
    pub height: f32,
    pub width: f32,
}

/// Header and footer text, wrapped once: they are the same on every page but for the
/// page number.
pub struct Furniture {
    header: Vec<Line>,
    /// The patient's name, right-aligned in the header from page 2 on.
    header_right: Option<Line>,
    /// The profile's extra line, above the disclaimer.
    footer_line: Vec<Line>,
    disclaimer: Vec<Line>,
    /// Set by [`Furniture::tag_footer`].
    footer_nodes: Option<FooterNodes>,
}

/// The structure nodes of the footer's text. Drawn on every page but read once: on the
/// last page they are content, at the end of the reading order; elsewhere, artifacts.
#[derive(Debug, Clone, Copy)]
pub struct FooterNodes {
    line: Option<NodeId>,
    disclaimer: NodeId,
}

const HEADER_GAP: f32 = 8.0;
const FOOTER_GAP: f32 = 6.0;

impl Furniture {
    pub fn new(request: &Request<'_>, fonts: &Setting<'_>) -> Result<Furniture, LayoutError> {
        let t = &request.theme;
        let width = t.body_width();
        let missing = |at: &str| {
            let at = at.to_string();
            move |m: super::text::MissingGlyph| LayoutError::MissingGlyph {
                origin: super::Origin::Handout,
                section: "(none)".into(),
                at: at.clone(),
                ch: m.0,
            }
        };
        let header_right = match request.personal.and_then(|p| p.patient.as_deref()) {
            Some(patient) => {
                let l = request.labels;
                let text = format!("{}{} {patient}", l.for_patient, l.colon);
                flow::wrap_private(
                    fonts,
                    &[Span::new(&text, Style::BOLD, t.text)],
                    t.header_size,
                    width / 2.0,
                )
                .map_err(missing("patient"))?
                .into_iter()
                .next()
            }
            None => None,
        };
        // The title yields room to the patient's name; both may wrap, neither is cut.
        let title_width = width - header_right.as_ref().map_or(0.0, |l| l.width + 18.0);
        let header = wrap(
            fonts,
            &[Span::new(
                &request.handout.meta.title,
                Style::REGULAR,
                t.muted,
            )],
            t.header_size,
            title_width,
        )
        .map_err(missing("meta.title"))?;
        let footer_line = match request.branding.footer_line {
            Some(line) => wrap(
                fonts,
                &[Span::new(line, Style::BOLD, t.text)],
                t.footer_size,
                width,
            )
            .map_err(missing("footer_line"))?,
            None => Vec::new(),
        };
        let disclaimer = wrap(
            fonts,
            &[Span::new(
                &request.handout.disclaimer,
                Style::REGULAR,
                t.text,
            )],
            t.footer_size,
            width,
        )
        .map_err(missing("disclaimer"))?;
        Ok(Furniture {
            header,
            header_right,
            footer_line,
            disclaimer,
            footer_nodes: None,
        })
    }

    /// Adds the footer's paragraphs to the end of the structure, for the last page's
    /// footer to be read as content.
    pub fn tag_footer(&mut self, structure: &mut Structure) {
        self.footer_nodes = Some(FooterNodes {
            line: (!self.footer_line.is_empty()).then(|| structure.leaf(Tag::P)),
            disclaimer: structure.leaf(Tag::P),
        });
    }

    fn header_height(&self, t: &Theme) -> f32 {
        self.header.len() as f32 * t.header_size * 1.3 + HEADER_GAP * t.spacing
    }

    /// Measured from the wrapped disclaimer, so the body never runs into it.
    fn footer_height(&self, t: &Theme) -> f32 {
        FOOTER_GAP * t.spacing
            + (self.footer_line.len() + self.disclaimer.len()) as f32 * t.footer_leading
            + t.footer_leading
            + 2.0
    }

    pub fn body_area(&self, t: &Theme) -> BodyArea {
        let top = t.margin_top + self.header_height(t);
        let bottom = t.page_height - t.margin_bottom - self.footer_height(t);
        BodyArea {
            top,
            height: (bottom - top).max(t.body_leading * 4.0),
            width: t.body_width(),
        }
    }

    /// The header and footer of page `page` (1-based); `footer` is set on the page whose
    /// footer text is read as content.
    fn items(
        &self,
        t: &Theme,
        labels: &Labels,
        fonts: &Setting<'_>,
        (page, pages): (usize, usize),
        footer: Option<FooterNodes>,
    ) -> Vec<Item> {
        let mut items = Vec::new();
        let x = t.margin_left;
        let right = t.page_width - t.margin_right;
        let header_style = TextStyle {
            size: t.header_size,
            leading: t.header_size * 1.3,
            role: Role::Header,
        };
        let mut y = t.margin_top;
        if page > 1 {
            if let Some(line) = &self.header_right {
                let mut patient = line_items(fonts, line, right - line.width, header_style, None);
                super::mark_personal(&mut patient);
                items.extend(patient.into_iter().map(|i| i.shifted(y)));
            }
        }
        for line in &self.header {
            items.extend(
                line_items(fonts, line, x, header_style, None)
                    .into_iter()
                    .map(|i| i.shifted(y)),
            );
            y += header_style.leading;
        }
        items.push(Item::Rule(Rule {
            x1: x,
            y1: y + 3.0,
            x2: right,
            y2: y + 3.0,
            stroke: Stroke {
                color: t.rule,
                width: 0.75,
            },
        }));

        let footer_top = t.page_height - t.margin_bottom - self.footer_height(t);
        let rule_y = footer_top + FOOTER_GAP * t.spacing / 2.0;
        items.push(Item::Rule(Rule {
            x1: x,
            y1: rule_y,
            x2: right,
            y2: rule_y,
            stroke: Stroke {
                color: t.rule,
                width: 0.75,
            },
        }));
        let footer_style = TextStyle {
            size: t.footer_size,
            leading: t.footer_leading,
            role: Role::Footer,
        };
        let mut y = footer_top + FOOTER_GAP * t.spacing;
        let lines = self
            .footer_line
            .iter()
            .map(|l| (l, footer.and_then(|f| f.line)))
            .chain(
                self.disclaimer
                    .iter()
                    .map(|l| (l, footer.map(|f| f.disclaimer))),
            );
        for (line, node) in lines {
            items.extend(
                line_items(fonts, line, x, footer_style, node)
                    .into_iter()
                    .map(|i| i.shifted(y)),
            );
            y += t.footer_leading;
        }
        let number = labels.page_of(page, pages);
        let size = t.footer_size + 1.0;
        let spans = [Span::new(&number, Style::BOLD, t.text)];
        // The label fits the footer's width whatever the language: wrapped to it, a
        // long one takes a second line rather than running off the page.
        let lines = flow::wrap(fonts, &spans, size, right - x).unwrap_or_default();
        let number_style = TextStyle {
            size,
            leading: size * 1.2,
            role: Role::PageNumber,
        };
        let baseline = y + 2.0 + fonts.cap_height_em(crate::fonts::Face::Bold) * size;
        for (i, line) in lines.iter().enumerate() {
            for item in line_items(fonts, line, right - line.width, number_style, None) {
                if let Item::Text(mut text) = item {
                    text.y = baseline + i as f32 * number_style.leading;
                    items.push(Item::Text(text));
                }
            }
        }
        items
    }
}

/// When the page opens with a box (warning signs, a note) or another unit the page
/// breaker never splits (a heading, an entry's name, a question, a table row, a list
/// item, a paragraph's first lines): the room
/// that what the keep rules hold together from its top (a box whole; a heading with at
/// least two lines, or a table's header and first row; a name with its first fact, a
/// short entry whole; a question with the start of its answer; a row whole) would have
/// needed at the foot of the page before, the space above it included.
fn unbreakable_opening(built: &Built, on_page: &[Placed]) -> Option<f32> {
    let element = |p: &Placed| &built.elements[p.element];
    let first = on_page.iter().find(|p| !p.repeat)?;
    if element(first).frames.is_empty() && !element(first).starts_unit {
        return None;
    }
    let chain_end = on_page
        .iter()
        .skip_while(|p| p.repeat)
        .find(|p| !element(p).keep_with_next || element(p).soft_keep)
        .or(on_page.last())?;
    // On the page before it would have needed the space above it too.
    Some(element(first).space_before + chain_end.y + element(chain_end).height - on_page[0].y)
}

/// Puts the placed elements on their pages, draws boxes behind their contents, and adds
/// header and footer. The elements' items move onto the pages; only a table header
/// drawn again is copied.
pub fn compose(
    built: &mut Built,
    placed: &[Vec<Placed>],
    furniture: &Furniture,
    body: &BodyArea,
    t: &Theme,
    labels: &Labels,
    fonts: &Setting<'_>,
) -> Result<(Vec<Page>, Vec<Bookmark>), LayoutError> {
    let pages = placed.len();
    let mut out = Vec::with_capacity(pages);
    let mut outline = Vec::new();
    let mut repeated = vec![false; built.elements.len()];
    for p in placed.iter().flatten().filter(|p| p.repeat) {
        repeated[p.element] = true;
    }
    for (index, on_page) in placed.iter().enumerate() {
        let mut items = Vec::new();
        // Boxes first, outer before inner, each spanning its elements on this page.
        for (id, frame) in built.frames.iter().enumerate() {
            let mut span: Option<(f32, f32)> = None;
            for p in on_page {
                let element = &built.elements[p.element];
                if element.frames.contains(&id) {
                    let (top, bottom) = (p.y, p.y + element.height);
                    span = Some(match span {
                        Some((a, b)) => (a.min(top), b.max(bottom)),
                        None => (top, bottom),
                    });
                }
            }
            if let Some((top, bottom)) = span {
                items.push(Item::Rect(Rect {
                    x: frame.x,
                    y: body.top + top,
                    w: frame.w,
                    h: bottom - top,
                    fill: frame.fill,
                    stroke: frame.stroke,
                    node: None,
                }));
            }
        }
        for p in on_page {
            let element = &mut built.elements[p.element];
            if element.height > body.height + 0.01 {
                return Err(LayoutError::TooTall {
                    height: element.height,
                    body: body.height,
                });
            }
            let dy = body.top + p.y;
            if p.repeat {
                items.extend(
                    element
                        .items
                        .iter()
                        .cloned()
                        .map(|i| i.into_artifact().shifted(dy)),
                );
                continue;
            }
            if let Some((title, level)) = &element.outline {
                outline.push(Bookmark {
                    title: title.clone(),
                    level: *level,
                    page: index,
                    y: dy,
                });
            }
            if repeated[p.element] {
                items.extend(element.items.iter().cloned().map(|i| i.shifted(dy)));
            } else {
                items.extend(
                    std::mem::take(&mut element.items)
                        .into_iter()
                        .map(|i| i.shifted(dy)),
                );
            }
        }
        let last = index + 1 == pages;
        items.extend(furniture.items(
            t,
            labels,
            fonts,
            (index + 1, pages),
            furniture.footer_nodes.filter(|_| last),
        ));
        out.push(Page {
            items,
            opens_unbreakably: unbreakable_opening(built, on_page),
            body_end: body.top
                + on_page
                    .last()
                    .map_or(0.0, |p| p.y + built.elements[p.element].height),
        });
    }
    Ok((out, outline))
}

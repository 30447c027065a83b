//! Page geometry, type sizes, spacing and colours.

use crate::vocabulary::{mm_to_pt, Paper, Rgb};

/// The narrowest side margin fitting leaves: half an inch, within what office printers
/// can print.
pub const MIN_FITTED_MARGIN: f32 = 36.0;

/// Everything about the look of a handout that is not its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub page_width: f32,
    pub page_height: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
    pub margin_left: f32,
    pub margin_right: f32,
    /// Side margins a clinic's profile set (for binding or punched holes, say): fitting
    /// leaves them as they are.
    pub left_margin_set: bool,
    pub right_margin_set: bool,

    pub body_size: f32,
    pub body_leading: f32,
    pub title_size: f32,
    pub subtitle_size: f32,
    pub meta_size: f32,
    pub heading_size: f32,
    pub subheading_size: f32,
    pub header_size: f32,
    pub footer_size: f32,
    pub footer_leading: f32,

    /// Space between blocks, and before headings.
    pub block_gap: f32,
    pub item_gap: f32,
    pub heading_gap: f32,
    pub subheading_gap: f32,
    /// Hanging indent of list text after its marker.
    pub list_indent: f32,
    /// Padding above and below the contents of boxed callouts.
    pub box_padding: f32,
    /// Padding beside the contents of boxed callouts.
    pub box_inset: f32,
    /// How much of their usual room the fixed gaps get: around the title block, the
    /// patient's details and the link, and between header, footer and body. Below 1
    /// only when a page target tightens the layout.
    pub spacing: f32,

    pub text: Rgb,
    pub muted: Rgb,
    pub accent: Rgb,
    pub rule: Rgb,
    pub emergency: Rgb,
    pub emergency_fill: Rgb,
    pub soon: Rgb,
    pub do_color: Rgb,
    pub do_fill: Rgb,
    pub avoid_color: Rgb,
    pub avoid_fill: Rgb,
    pub note_fill: Rgb,
    pub warning_fill: Rgb,

    /// Large print: never below 18 pt, so fitting a page target tightens only space.
    pub large_print: bool,
    /// Large print: no italics, and numbers instead of bullets.
    pub italics: bool,
    pub numbered_lists: bool,
    /// Side of the QR code, in points.
    pub qr_size: f32,
    /// Height the logo is scaled to fit, and the widest it may be.
    pub logo_height: f32,
    pub logo_max_width: f32,
}

impl Theme {
    /// The standard look at a given body size (12 pt is the smallest we print body at).
    pub fn standard(paper: Paper, body_size: f32) -> Theme {
        let (page_width, page_height) = paper.size();
        let s = body_size / 12.0;
        Theme {
            page_width,
            page_height,
            margin_top: 30.0,
            margin_bottom: 28.0,
            margin_left: 54.0,
            margin_right: 54.0,
            left_margin_set: false,
            right_margin_set: false,
            body_size,
            body_leading: body_size * 1.3,
            title_size: 20.0 * s,
            subtitle_size: 14.0 * s,
            meta_size: 10.5 * s,
            heading_size: 16.5 * s,
            subheading_size: 13.5 * s,
            header_size: 9.0 * s,
            footer_size: 8.0 * s,
            footer_leading: 10.0 * s,
            block_gap: 5.0 * s,
            item_gap: 2.0 * s,
            heading_gap: 10.0 * s,
            subheading_gap: 9.0 * s,
            list_indent: 18.0 * s,
            box_padding: 7.0 * s,
            box_inset: 7.0 * s,
            spacing: 1.0,
            text: Rgb(0x1A, 0x1A, 0x1A),
            muted: Rgb(0x4A, 0x4A, 0x4A),
            accent: Rgb(0x1F, 0x4E, 0x79),
            rule: Rgb(0xB8, 0xC4, 0xD0),
            emergency: Rgb(0xA3, 0x1A, 0x1A),
            emergency_fill: Rgb(0xFB, 0xE9, 0xE7),
            soon: Rgb(0x7A, 0x4A, 0x00),
            do_color: Rgb(0x1E, 0x6B, 0x34),
            do_fill: Rgb(0xE8, 0xF4, 0xEA),
            avoid_color: Rgb(0xA3, 0x1A, 0x1A),
            avoid_fill: Rgb(0xFB, 0xE9, 0xE7),
            note_fill: Rgb(0xEA, 0xF1, 0xF8),
            warning_fill: Rgb(0xFF, 0xFB, 0xF5),
            large_print: false,
            italics: true,
            numbered_lists: false,
            qr_size: 64.0,
            logo_height: 48.0,
            logo_max_width: 160.0,
        }
    }

    /// Large print for low-vision readers: body at least 18 pt with 1.5 line spacing,
    /// bold headings well above it, no italics, numbered lists, and nothing on the page
    /// below 12 pt, the footer's full disclaimer included.
    pub fn large_print(paper: Paper, body_size: f32) -> Theme {
        let body_size = body_size.max(18.0);
        let s = body_size / 18.0;
        Theme {
            margin_top: 32.0,
            margin_bottom: 30.0,
            margin_left: 44.0,
            margin_right: 44.0,
            body_leading: body_size * 1.5,
            title_size: 30.0 * s,
            subtitle_size: 20.0 * s,
            meta_size: 14.0 * s,
            heading_size: 25.0 * s,
            subheading_size: 21.0 * s,
            header_size: 12.0,
            footer_size: 12.0,
            footer_leading: 15.0,
            block_gap: 9.0 * s,
            item_gap: 5.0 * s,
            heading_gap: 16.0 * s,
            subheading_gap: 12.0 * s,
            list_indent: 30.0 * s,
            box_padding: 10.0 * s,
            box_inset: 10.0 * s,
            large_print: true,
            italics: false,
            numbered_lists: true,
            qr_size: 90.0,
            logo_height: 64.0,
            logo_max_width: 200.0,
            ..Theme::standard(paper, body_size)
        }
    }

    /// Replaces the margins given, in millimetres.
    pub fn with_margins_mm(
        mut self,
        top: Option<f32>,
        bottom: Option<f32>,
        left: Option<f32>,
        right: Option<f32>,
    ) -> Theme {
        if let Some(v) = top {
            self.margin_top = mm_to_pt(v);
        }
        if let Some(v) = bottom {
            self.margin_bottom = mm_to_pt(v);
        }
        if let Some(v) = left {
            self.margin_left = mm_to_pt(v);
            self.left_margin_set = true;
        }
        if let Some(v) = right {
            self.margin_right = mm_to_pt(v);
            self.right_margin_set = true;
        }
        self
    }

    /// The same look with `slack` (0 to 1) of its spare room taken out, for a page
    /// target: gaps between blocks, items and headings, callout padding, the fixed gaps
    /// of the title block and the header band, the title's size, line spacing, and (in
    /// the last quarter) side margins down to the half inch a printer needs, unless a
    /// profile set them. Type size and line spacing stay; large print
    /// keeps its title size too, as it may tighten only space.
    pub fn tightened(&self, slack: f32) -> Theme {
        let toward = |value: f32, share: f32| value * (1.0 - (1.0 - share) * slack);
        // The margins and boxes' side padding move only in the last quarter of the
        // slack: until then every paragraph keeps its width, and fitting's tries reuse
        // its lines.
        let margin_slack = ((slack - 0.75) * 4.0).clamp(0.0, 1.0);
        let margin = |m: f32, set: bool| {
            if m > MIN_FITTED_MARGIN && !set {
                m - (m - MIN_FITTED_MARGIN) * margin_slack
            } else {
                m
            }
        };
        let mut tight = Theme {
            margin_left: margin(self.margin_left, self.left_margin_set),
            margin_right: margin(self.margin_right, self.right_margin_set),
            box_inset: self.box_inset * (1.0 - 0.4 * margin_slack),
            block_gap: toward(self.block_gap, 0.5),
            item_gap: toward(self.item_gap, 0.25),
            heading_gap: toward(self.heading_gap, 0.45),
            subheading_gap: toward(self.subheading_gap, 0.5),
            box_padding: toward(self.box_padding, 0.6),
            spacing: toward(self.spacing, 0.4),
            ..self.clone()
        };
        if !self.large_print {
            // 1.3 to 1.2 times the type size: still open, as print sets body text.
            tight.body_leading = toward(self.body_leading, 12.0 / 13.0);
            tight.title_size = toward(self.title_size, 0.85).max(self.heading_size);
            tight.subtitle_size = toward(self.subtitle_size, 0.9);
        }
        tight
    }

    /// The same look with body text at `size` and everything sized from it (headings,
    /// labels, header, footer, gaps) scaled alike. Margins, the QR code and the logo
    /// keep their size.
    pub fn with_body_size(&self, size: f32) -> Theme {
        let k = size / self.body_size;
        Theme {
            body_size: size,
            body_leading: self.body_leading * k,
            title_size: self.title_size * k,
            subtitle_size: self.subtitle_size * k,
            meta_size: self.meta_size * k,
            heading_size: self.heading_size * k,
            subheading_size: self.subheading_size * k,
            header_size: self.header_size * k,
            footer_size: self.footer_size * k,
            footer_leading: self.footer_leading * k,
            block_gap: self.block_gap * k,
            item_gap: self.item_gap * k,
            heading_gap: self.heading_gap * k,
            subheading_gap: self.subheading_gap * k,
            list_indent: self.list_indent * k,
            box_padding: self.box_padding * k,
            box_inset: self.box_inset * k,
            ..self.clone()
        }
    }

    /// The smallest text size anywhere on the page.
    pub fn smallest_size(&self) -> f32 {
        [
            self.body_size,
            self.title_size,
            self.subtitle_size,
            self.meta_size,
            self.heading_size,
            self.subheading_size,
            self.header_size,
            self.footer_size,
        ]
        .into_iter()
        .fold(f32::MAX, f32::min)
    }

    pub fn body_width(&self) -> f32 {
        self.page_width - self.margin_left - self.margin_right
    }
}

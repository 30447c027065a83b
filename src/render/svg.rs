//! SVG: a laid-out page drawn as one `<svg>` element, for a live preview in a browser.
//!
//! Reads only the layout's boxes and the faces' names: no PDF types. Every box is
//! drawn as `page_ops` (`render/mod.rs`) draws it for the PDF; layout's coordinates
//! (points from the top-left, y down) are SVG's own, so they are written unchanged with
//! a `viewBox` in points. The logo's pixels are not in the layout: an image box is drawn as a light
//! placeholder titled with its description.
//!
//! Patients' names are in the text, so every text and attribute value is escaped, and
//! characters XML 1.0 does not allow are dropped. Numbers have at most two decimals and
//! no exponent; the same document gives the same string.

use std::fmt::Write;

use crate::fonts::Face;
use crate::layout::{self, Item};
use crate::vocabulary::Rgb;
use crate::xml;

/// Where the SVG's fonts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontSource<'a> {
    /// A `<style>` in each page loads the faces the page uses from this base address,
    /// e.g. `/assets/fonts`, where each is served as `<Face::name()>.ttf`.
    Url(&'a str),
    /// No `<style>`: the page embedding the SVGs declares the faces once (see
    /// [`font_face_css`]).
    None,
}

/// One `<svg>` for page `index` (0-based) of `doc`. An index past the last page gives
/// a blank page.
pub fn page(doc: &layout::Document, index: usize, fonts: FontSource<'_>) -> String {
    page_with_logo(doc, index, fonts, None)
}

/// [`page`], with the logo's image boxes drawing the image at `logo` (an address the
/// page showing the SVG can load) instead of a placeholder.
pub fn page_with_logo(
    doc: &layout::Document,
    index: usize,
    fonts: FontSource<'_>,
    logo: Option<&str>,
) -> String {
    let items: &[Item] = doc.pages.get(index).map_or(&[], |p| &p.items);
    let mut out = String::with_capacity(512 + items.len() * 128);
    // Writing into a `String` cannot fail.
    let _ = write_page(&mut out, doc, index, items, fonts, logo);
    out
}

/// The `@font-face` rules for every face layout may use, for an HTML page that inlines
/// several SVGs made with [`FontSource::None`]. The faces are served from `base_url`
/// as `<Face::name()>.ttf`; a browser fetches only those a page draws with.
pub fn font_face_css(base_url: &str) -> String {
    let mut out = String::with_capacity(Face::ALL.len() * 128);
    for face in Face::ALL {
        let _ = font_face(&mut out, base_url, face);
    }
    out
}

/// The placeholder of an image box: a light fill with a thin border.
const IMAGE_FILL: Rgb = Rgb(0xEE, 0xEE, 0xEE);
const IMAGE_BORDER: Rgb = Rgb(0xBB, 0xBB, 0xBB);

fn write_page(
    out: &mut String,
    doc: &layout::Document,
    index: usize,
    items: &[Item],
    fonts: FontSource<'_>,
    logo: Option<&str>,
) -> std::fmt::Result {
    let (w, h) = (Num(doc.width), Num(doc.height));
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}pt\" height=\"{h}pt\" role=\"img\" aria-label=\"Page {} of {}\">",
        index + 1,
        doc.pages.len()
    )?;
    if let FontSource::Url(base) = fonts {
        let used = faces_used(items);
        if used.iter().any(|&u| u) {
            out.push_str("<style>");
            for face in Face::ALL.into_iter().filter(|&f| used[f as usize]) {
                font_face(out, base, face)?;
            }
            out.push_str("</style>");
        }
    }
    write!(out, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>")?;
    for item in items {
        match item {
            Item::Text(t) => {
                write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-family=\"{}\" font-size=\"{}\" fill=\"{}\" \
                     xml:space=\"preserve\">",
                    Num(t.x),
                    Num(t.y),
                    t.face.name(),
                    Num(t.size),
                    Color(t.color)
                )?;
                xml::escape_into(out, &t.text);
                out.push_str("</text>");
            }
            Item::Rect(r) => {
                // Nothing to paint: the PDF draws nothing for it either.
                if r.fill.is_none() && r.stroke.is_none() {
                    continue;
                }
                rect(out, r.x, r.y, r.w, r.h)?;
                match r.fill {
                    Some(fill) => write!(out, " fill=\"{}\"", Color(fill))?,
                    None => out.push_str(" fill=\"none\""),
                }
                if let Some(s) = r.stroke {
                    write!(
                        out,
                        " stroke=\"{}\" stroke-width=\"{}\"",
                        Color(s.color),
                        Num(s.width)
                    )?;
                }
                out.push_str("/>");
            }
            Item::Rule(l) => write!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
                Num(l.x1),
                Num(l.y1),
                Num(l.x2),
                Num(l.y2),
                Color(l.stroke.color),
                Num(l.stroke.width)
            )?,
            Item::Image(image) => match logo {
                Some(href) => {
                    out.push_str("<image href=\"");
                    xml::escape_into(out, href);
                    write!(
                        out,
                        "\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\"><title>",
                        Num(image.x),
                        Num(image.y),
                        Num(image.w),
                        Num(image.h)
                    )?;
                    xml::escape_into(out, &image.alt);
                    out.push_str("</title></image>");
                }
                None => {
                    rect(out, image.x, image.y, image.w, image.h)?;
                    write!(
                        out,
                        " fill=\"{}\" stroke=\"{}\" stroke-width=\"0.5\"><title>",
                        Color(IMAGE_FILL),
                        Color(IMAGE_BORDER)
                    )?;
                    xml::escape_into(out, &image.alt);
                    out.push_str("</title></rect>");
                }
            },
            Item::Mark(mark) => {
                let (lines, width) = mark.strokes();
                write!(
                    out,
                    "<g fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" \
                     stroke-linecap=\"round\" stroke-linejoin=\"round\">",
                    Color(mark.color),
                    Num(width)
                )?;
                for line in &lines {
                    out.push_str("<polyline points=\"");
                    for (i, &(x, y)) in line.iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        write!(out, "{},{}", Num(x), Num(y))?;
                    }
                    out.push_str("\"/>");
                }
                out.push_str("</g>");
            }
            // Drawn last, below.
            Item::Link(_) => {}
        }
    }
    // Links on top of everything, as the PDF's annotations are, so the text they cover
    // does not take their clicks.
    for link in items.iter().filter_map(|i| match i {
        Item::Link(l) if is_web_address(&l.url) => Some(l),
        _ => None,
    }) {
        out.push_str("<a href=\"");
        xml::escape_into(out, &link.url);
        out.push_str("\"><title>");
        xml::escape_into(out, &link.description);
        out.push_str("</title>");
        rect(out, link.x, link.y, link.w, link.h)?;
        out.push_str(" fill=\"#ffffff\" fill-opacity=\"0\"/></a>");
    }
    out.push_str("</svg>");
    Ok(())
}

/// An unclosed `<rect` with its position and size.
fn rect(out: &mut String, x: f32, y: f32, w: f32, h: f32) -> std::fmt::Result {
    write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        Num(x),
        Num(y),
        Num(w),
        Num(h)
    )
}

/// Which faces the page's text is drawn in, indexed by `Face as usize`.
fn faces_used(items: &[Item]) -> [bool; Face::ALL.len()] {
    let mut used = [false; Face::ALL.len()];
    for item in items {
        if let Item::Text(t) = item {
            used[t.face as usize] = true;
        }
    }
    used
}

/// One `@font-face` rule. The address is a CSS string with every character that means
/// something to CSS, XML or HTML escaped, so the rule is safe both in an SVG's
/// `<style>` and in an HTML page's.
fn font_face(out: &mut String, base_url: &str, face: Face) -> std::fmt::Result {
    let base = base_url.strip_suffix('/').unwrap_or(base_url);
    write!(
        out,
        "@font-face{{font-family:\"{}\";src:url(\"",
        face.name()
    )?;
    for c in base.chars() {
        match c {
            '"' | '\'' | '\\' | '<' | '>' | '&' | '(' | ')' => write!(out, "\\{:x} ", c as u32)?,
            c if c.is_control() || !xml::allowed(c) => {}
            c => out.push(c),
        }
    }
    write!(out, "/{}.ttf\") format(\"truetype\");}}", face.name())
}

/// Only web addresses become links: `javascript:`, `data:` and the like are dropped.
fn is_web_address(url: &str) -> bool {
    let scheme = |s: &str| {
        url.get(..s.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(s))
    };
    scheme("http://") || scheme("https://")
}

/// A colour as `#rrggbb`.
struct Color(Rgb);

impl std::fmt::Display for Color {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Rgb(r, g, b) = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

/// A number with at most two decimals, trailing zeros dropped, never an exponent;
/// anything not finite is written as 0.
struct Num(f32);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = f64::from(self.0);
        let hundredths = if value.is_finite() {
            // Saturates far beyond any page: no overflow.
            (value * 100.0).round() as i64
        } else {
            0
        };
        if hundredths < 0 {
            f.write_str("-")?;
        }
        let abs = hundredths.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{whole}"),
            frac if frac % 10 == 0 => write!(f, "{whole}.{}", frac / 10),
            frac => write!(f, "{whole}.{frac:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Document, Link, Mark, MarkKind, Page, Role, Structure, Text};

    fn num(v: f32) -> String {
        Num(v).to_string()
    }

    #[test]
    fn numbers_have_two_decimals_at_most_and_no_exponent() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(12.25), "12.25");
        assert_eq!(num(12.999), "13");
        assert_eq!(num(0.05), "0.05");
        assert_eq!(num(-3.1), "-3.1");
        assert_eq!(num(1e-7), "0");
        assert_eq!(num(1e12), "999999995904");
        assert_eq!(num(f32::NAN), "0");
        assert_eq!(num(f32::INFINITY), "0");
        assert_eq!(num(f32::MAX), "92233720368547758.07");
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert!(is_web_address("https://example.org/a?b=1&c=2"));
        assert!(is_web_address("HTTP://example.org"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address(" https://example.org"));
        assert!(!is_web_address("data:text/html,<script>"));
        assert!(!is_web_address("mailto:a@example.org"));
        assert!(!is_web_address("http"));
    }

    #[test]
    fn font_face_addresses_cannot_break_out_of_the_css_string() {
        let css = font_face_css("/fonts\"); }</style><script>x</script>/");
        assert!(!css.contains("</style>"), "{css}");
        assert!(!css.contains("<script>"), "{css}");
        assert_eq!(css.matches("@font-face").count(), Face::ALL.len());
        assert!(css.contains("/Atkinson-Bold.ttf\") format(\"truetype\")"));
        assert_eq!(
            font_face_css("/assets/fonts/"),
            font_face_css("/assets/fonts")
        );
    }

    fn text(s: &str, face: Face) -> Item {
        Item::Text(Text {
            x: 72.0,
            y: 100.5,
            face,
            size: 11.0,
            color: Rgb(0x11, 0x22, 0x33),
            text: s.to_string(),
            glyphs: Vec::new(),
            rtl: false,
            role: Role::Body,
            node: Some(0),
            personal: false,
        })
    }

    fn doc(items: Vec<Item>) -> Document {
        Document {
            width: 612.0,
            height: 792.0,
            pages: vec![Page {
                items,
                ..Page::default()
            }],
            body_top: 72.0,
            body_bottom: 720.0,
            body_left: 54.0,
            body_right: 558.0,
            outline: Vec::new(),
            structure: Structure::new(),
            fit: crate::layout::Fit {
                target: None,
                body_size: 12.0,
                overflow: 0.0,
                body_leading: 15.6,
                floor: 11.0,
            },
        }
    }

    fn link(url: &str) -> Item {
        Item::Link(Link {
            x: 1.0,
            y: 2.0,
            w: 3.0,
            h: 4.0,
            url: url.to_string(),
            description: "Open \"it\"".to_string(),
            node: 0,
        })
    }

    #[test]
    fn a_small_page_is_drawn_exactly() {
        let d = doc(vec![
            text("Tom & Jerry", Face::Bold),
            Item::Mark(Mark {
                kind: MarkKind::Cross,
                x: 10.0,
                y: 20.0,
                size: 10.0,
                color: Rgb(0xC0, 0, 0),
            }),
            link("https://example.org/?a=1&b=2"),
            link("javascript:alert(1)"),
        ]);
        let svg = page(&d, 0, FontSource::Url("/f"));
        assert_eq!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 612 792\" \
             width=\"612pt\" height=\"792pt\" role=\"img\" aria-label=\"Page 1 of 1\">\
             <style>@font-face{font-family:\"Atkinson-Bold\";\
             src:url(\"/f/Atkinson-Bold.ttf\") format(\"truetype\");}</style>\
             <rect width=\"612\" height=\"792\" fill=\"#ffffff\"/>\
             <text x=\"72\" y=\"100.5\" font-family=\"Atkinson-Bold\" font-size=\"11\" \
             fill=\"#112233\" xml:space=\"preserve\">Tom &amp; Jerry</text>\
             <g fill=\"none\" stroke=\"#c00000\" stroke-width=\"1.6\" \
             stroke-linecap=\"round\" stroke-linejoin=\"round\">\
             <polyline points=\"11,21 19,29\"/><polyline points=\"19,21 11,29\"/></g>\
             <a href=\"https://example.org/?a=1&amp;b=2\"><title>Open &quot;it&quot;</title>\
             <rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" fill=\"#ffffff\" fill-opacity=\"0\"/></a>\
             </svg>"
        );
    }

    #[test]
    fn a_page_past_the_last_is_blank() {
        let svg = page(&doc(vec![text("x", Face::Regular)]), 3, FontSource::None);
        assert!(svg.contains("aria-label=\"Page 4 of 1\""));
        assert!(!svg.contains("<text"));
    }
}

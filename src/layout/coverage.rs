//! Up-front check that every character to be printed has a glyph, so the error can say
//! exactly where the character is instead of printing an empty box.

use super::{LayoutError, Request};
use crate::fonts::{is_invisible_format, Fonts, Style};

const STYLES: [Style; 4] = [
    Style::REGULAR,
    Style::BOLD,
    Style::ITALIC,
    Style {
        bold: true,
        italic: true,
    },
];

fn first_missing(text: &str, fonts: &Fonts) -> Option<char> {
    text.chars().find(|&c| {
        !c.is_whitespace()
            && !is_invisible_format(c)
            && STYLES
                .iter()
                .any(|&style| fonts.face_for(style, c).is_none())
    })
}

/// Checks the selected sections, the title block, the disclaimer and the labels.
pub fn check_coverage(request: &Request<'_>, fonts: &Fonts) -> Result<(), LayoutError> {
    let meta = &request.handout.meta;
    let mut front: Vec<(&str, &str)> = vec![
        ("meta.title", &meta.title),
        ("meta.reviewed_by", &meta.reviewed_by),
        ("disclaimer", &request.handout.disclaimer),
    ];
    if let Some(subtitle) = &meta.subtitle {
        front.push(("meta.subtitle", subtitle));
    }
    if request.show_sources {
        for source in &meta.sources {
            front.push(("meta.sources", &source.name));
            if let Some(url) = &source.url {
                front.push(("meta.sources", url));
            }
        }
    }
    for label in request.labels.all() {
        front.push(("labels", label));
    }
    for (at, text) in front {
        if let Some(ch) = first_missing(text, fonts) {
            return Err(LayoutError::MissingGlyph {
                section: "(none)".into(),
                at: at.into(),
                ch,
            });
        }
    }
    for section in &request.sections {
        let mut found = None;
        section.texts(|at, text| {
            if found.is_none() {
                if let Some(ch) = first_missing(text, fonts) {
                    found = Some((at, ch));
                }
            }
        });
        if let Some((at, ch)) = found {
            return Err(LayoutError::MissingGlyph {
                section: section.id().to_string(),
                at,
                ch,
            });
        }
    }
    Ok(())
}

//! Up-front check that every character to be printed has a glyph, so the error can say
//! exactly where the character is instead of printing an empty box.

use super::text::Setting;
use super::{LayoutError, Origin, Request};
use crate::fonts::{is_invisible_format, Style};

const STYLES: [Style; 4] = [
    Style::REGULAR,
    Style::BOLD,
    Style::ITALIC,
    Style {
        bold: true,
        italic: true,
    },
];

fn first_missing(text: &str, fonts: &Setting<'_>) -> Option<char> {
    // Printable ASCII is in every primary face (a test in `fonts` makes sure): most
    // texts are only that, checked a byte at a time rather than a character at a time.
    let printable = |b: u8| (b' '..=b'~').contains(&b) || b.is_ascii_whitespace();
    if text.bytes().all(printable) {
        return None;
    }
    super::text::nfc(text).chars().find(|&c| {
        !(' '..='~').contains(&c)
            && !c.is_whitespace()
            && !is_invisible_format(c)
            && STYLES
                .iter()
                .any(|&style| fonts.face_for(style, c).is_none())
    })
}

/// Checks everything the request prints: the selected sections, the title block, the
/// disclaimer, the labels, the clinic's details and the patient's.
pub fn check_coverage(request: &Request<'_>, fonts: &Setting<'_>) -> Result<(), LayoutError> {
    let meta = &request.handout.meta;
    let mut texts: Vec<(Origin, String, &str)> = vec![
        (Origin::Handout, "meta.title".into(), &meta.title),
        (
            Origin::Handout,
            "meta.reviewed_by".into(),
            &meta.reviewed_by,
        ),
        (
            Origin::Handout,
            "disclaimer".into(),
            &request.handout.disclaimer,
        ),
    ];
    if let Some(subtitle) = &meta.subtitle {
        texts.push((Origin::Handout, "meta.subtitle".into(), subtitle));
    }
    if request.show_sources {
        for source in &meta.sources {
            texts.push((Origin::Handout, "meta.sources".into(), &source.name));
            if let Some(url) = &source.url {
                texts.push((Origin::Handout, "meta.sources".into(), url));
            }
        }
    }
    for label in request.labels.all() {
        texts.push((Origin::Labels, "labels".into(), label));
    }
    let branding = &request.branding;
    if let Some(clinic) = branding.clinic {
        for (key, text) in clinic.texts() {
            texts.push((Origin::Profile, key.into(), text));
        }
    }
    if let Some(line) = branding.footer_line {
        texts.push((Origin::Profile, "footer_line".into(), line));
    }
    if let Some(link) = &request.link {
        texts.push((Origin::Profile, "url".into(), &link.url));
    }
    if let Some(personal) = request.personal {
        for (key, text) in personal.texts() {
            texts.push((Origin::Personal, key, text));
        }
    }
    for (origin, at, text) in texts {
        if let Some(ch) = first_missing(text, fonts) {
            return Err(LayoutError::MissingGlyph {
                origin,
                section: "(none)".into(),
                at,
                ch,
            });
        }
    }
    for section in &request.sections {
        let mut found = None;
        section.texts(|at, text| {
            if found.is_none() {
                if let Some(ch) = first_missing(text, fonts) {
                    found = Some((at(), ch));
                }
            }
        });
        if let Some((at, ch)) = found {
            return Err(LayoutError::MissingGlyph {
                origin: Origin::Handout,
                section: section.id().to_string(),
                at,
                ch,
            });
        }
    }
    Ok(())
}

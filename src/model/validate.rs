use std::collections::BTreeSet;
use std::ops::Range;

use super::place::Place;
use super::{Block, Handout};

/// One thing wrong with a handout that parsed as TOML but does not make sense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    /// Byte range in the source, where the parser kept one.
    pub span: Option<Range<usize>>,
    /// Where the value at fault is, to be found in the source; when it is not found,
    /// `span` is used.
    pub place: Option<Place>,
}

impl Problem {
    fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            span: None,
            place: None,
        }
    }

    fn at(message: impl Into<String>, place: Place) -> Self {
        Problem {
            place: Some(place),
            ..Problem::new(message)
        }
    }
}

/// What an ICD-10-CM code looks like, for the message about one that does not.
const ICD10CM_SHAPE: &str = "a capital letter, a digit and a digit or capital letter, then \
     optionally a dot and 1 to 4 digits or capital letters, such as \"M54\" or \"M48.061\"";

/// The preset every handout has: all sections in file order.
pub const FULL_PRESET: &str = "full";

/// Checks what the types cannot: ids, uniqueness, empty text, references between parts.
/// Returns every problem found, not just the first, so one run fixes them all.
pub fn validate(handout: &Handout) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    let meta = &handout.meta;
    if !is_kebab_id(&meta.id) {
        problems.push(Problem::at(format!(
            "meta.id {:?} must be kebab-case: lowercase letters, digits and single dashes, like \"low-back-pain\"",
            meta.id
        ), Place::of("meta.id")));
    }
    for (key, text) in [
        ("meta.title", Some(&meta.title)),
        ("meta.subtitle", meta.subtitle.as_ref()),
        ("meta.reviewed_by", Some(&meta.reviewed_by)),
        ("disclaimer", Some(&handout.disclaimer)),
    ] {
        if let Some(text) = text {
            check_text(&mut problems, key, text, Place::of(key));
        }
    }
    if !is_language_tag(&meta.language) {
        problems.push(Problem::at(
            format!(
                "meta.language {:?} is not a BCP 47 language tag such as \"en-US\" or \"es\"",
                meta.language
            ),
            Place::of("meta.language"),
        ));
    }
    for (i, code) in meta.codes.iter().enumerate() {
        if !is_icd10cm_code(code) {
            problems.push(Problem::at(
                format!("meta.codes: {code:?} is not an ICD-10-CM code: {ICD10CM_SHAPE}"),
                Place::of("meta.codes").index(i),
            ));
        }
    }
    for (i, source) in meta.sources.iter().enumerate() {
        let at = || Place::of("meta.sources").index(i);
        check_text(
            &mut problems,
            &format!("meta.sources[{}].name", i + 1),
            &source.name,
            at().key("name"),
        );
        if let Some(url) = &source.url {
            check_text(
                &mut problems,
                &format!("meta.sources[{}].url", i + 1),
                url,
                at().key("url"),
            );
        }
    }
    if let Some(url) = &meta.url {
        if let Err(why) = check_url(url) {
            problems.push(Problem::at(
                format!("meta.url: {why}"),
                Place::of("meta.url"),
            ));
        }
    }
    let dates = [
        ("last_updated", Some(&meta.last_updated)),
        ("review_due", meta.review_due.as_ref()),
    ];
    for (key, date) in dates {
        let Some(date) = date else { continue };
        if date.date.is_none() || date.time.is_some() {
            problems.push(Problem::at(
                format!("meta.{key} must be a plain date such as 2025-05-20, not {date}"),
                Place::of("meta").key(key),
            ));
        }
    }
    if let (Some(updated), Some(due)) = (
        meta.last_updated.date,
        meta.review_due.as_ref().and_then(|d| d.date),
    ) {
        let day = |d: toml::value::Date| (d.year, d.month, d.day);
        if day(due) < day(updated) {
            problems.push(Problem::at(
                format!(
                    "meta.review_due {} is before meta.last_updated {}; a review falls due \
                     after the last change",
                    meta.review_due
                        .as_ref()
                        .map_or(String::new(), ToString::to_string),
                    meta.last_updated
                ),
                Place::of("meta.review_due"),
            ));
        }
    }

    if handout.sections.is_empty() {
        problems.push(Problem::new(
            "the handout has no sections; add at least one [[sections]] table",
        ));
    }
    let mut seen = BTreeSet::new();
    for (n, section) in handout.sections.iter().enumerate() {
        let id = section.id();
        let span = Some(section.id.span());
        if !is_kebab_id(id) {
            problems.push(Problem {
                message: format!(
                    "section id {id:?} must be kebab-case: lowercase letters, digits and single dashes"
                ),
                span: span.clone(),
                place: None,
            });
        } else if id == FULL_PRESET {
            problems.push(Problem {
                message: format!("section id {id:?} is reserved for the preset of every section"),
                span: span.clone(),
                place: None,
            });
        }
        if !seen.insert(id) {
            problems.push(Problem {
                message: format!("section id {id:?} is used twice; section ids must be unique"),
                span: span.clone(),
                place: None,
            });
        }
        // A problem inside a section is shown at its block's table header when it is
        // about one block, else at the section's id, which names it.
        let mut section_problems = Vec::new();
        if section.blocks.is_empty() {
            section_problems.push(("it has no blocks".to_string(), None));
        }
        section.texts(|at, text| {
            if let Some(why) = text_problem(text) {
                section_problems.push((format!("{}: {why}", at()), None));
            }
        });
        for (i, block) in section.blocks.iter().enumerate() {
            let place = Place::of("sections").index(n).key("blocks").index(i);
            check_block(block, false, &mut |why| {
                section_problems.push((
                    format!("block {} ({}): {why}", i + 1, block.type_name()),
                    Some(place.clone()),
                ))
            });
        }
        problems.extend(section_problems.into_iter().map(|(why, place)| Problem {
            span: span.clone(),
            place,
            ..Problem::new(format!("section {id:?}: {why}"))
        }));
    }

    for (name, preset) in &handout.presets {
        let ids = &preset.sections;
        let at = || Place::of("presets").key(name);
        if let Some(pages) = preset.pages {
            if !(1..=super::MAX_PAGE_TARGET).contains(&pages) {
                problems.push(Problem::at(
                    format!(
                        "presets.{name}.pages is {pages}; a page target is 1 to {}",
                        super::MAX_PAGE_TARGET
                    ),
                    at().key("pages"),
                ));
            }
        }
        if name == FULL_PRESET {
            problems.push(Problem::at(
                "presets.full is built in (every section in order) and cannot be redefined",
                at().name(),
            ));
        }
        if !is_kebab_id(name) {
            problems.push(Problem::at(
                format!("preset name {name:?} must be kebab-case"),
                at().name(),
            ));
        }
        if ids.is_empty() {
            problems.push(Problem::at(
                format!("presets.{name} lists no sections"),
                at(),
            ));
        }
        let mut listed = BTreeSet::new();
        for (i, id) in ids.iter().enumerate() {
            let item = || at().table_key("sections").index(i);
            if !seen.contains(id.as_str()) {
                problems.push(Problem::at(format!(
                    "presets.{name} names section {id:?}, which this handout does not have; sections: {}",
                    seen.iter().copied().collect::<Vec<_>>().join(", ")
                ), item()));
            }
            if !listed.insert(id) {
                problems.push(Problem::at(
                    format!("presets.{name} lists section {id:?} twice"),
                    item(),
                ));
            }
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn check_text(problems: &mut Vec<Problem>, what: &str, text: &str, place: Place) {
    if let Some(why) = text_problem(text) {
        problems.push(Problem::at(format!("{what}: {why}"), place));
    }
}

/// Why a piece of printed text is unusable, if it is.
fn text_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("the text is empty".into());
    }
    // Printable ASCII, the common case, has no control characters to look for.
    // Checked a block at a time without early exit, which the compiler vectorizes.
    if text.as_bytes().chunks(64).all(|block| {
        block.iter().fold(true, |clean, &b| {
            clean & ((0x20..0x7F).contains(&b) | (b == b'\n') | (b == b'\t'))
        })
    }) {
        return None;
    }
    text.chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
        .map(|c| {
            format!(
                "contains the control character U+{:04X}, which cannot be printed; delete it",
                c as u32
            )
        })
}

fn check_block(block: &Block, in_group: bool, report: &mut dyn FnMut(String)) {
    let empty = match block {
        Block::Paragraph { .. } | Block::Note { .. } => false,
        Block::Bullets { items } | Block::Numbered { items } => items.is_empty(),
        Block::Terms { items } => items.is_empty(),
        Block::Medicines { items } => items.is_empty(),
        Block::Supplements { items } => items.is_empty(),
        Block::Procedures { items } => items.is_empty(),
        Block::Faq { items } => items.is_empty(),
        Block::WarningSigns { signs, .. } => signs.is_empty(),
        Block::DoAvoid { dos, avoid } => {
            if dos.is_empty() || avoid.is_empty() {
                report("both `do` and `avoid` need at least one item".into());
            }
            false
        }
        Block::Group { blocks, .. } => {
            if in_group {
                report("a group cannot contain another group".into());
            }
            for (i, inner) in blocks.iter().enumerate() {
                check_block(inner, true, &mut |why| {
                    report(format!("block {} ({}): {why}", i + 1, inner.type_name()))
                });
            }
            blocks.is_empty()
        }
    };
    if empty {
        report("it is empty; give it at least one item".into());
    }
}

/// A link printed as text and as a QR code must be one a phone can open.
pub fn check_url(url: &str) -> Result<(), String> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(format!(
            "{url:?} is not a web address such as \"https://example.org/handout\""
        ));
    }
    if url.len() > 1000 {
        return Err("the address is longer than 1,000 characters, too long for a QR code".into());
    }
    // A template's placeholders are filled in at build time (`pipeline::expand_url`); a
    // misspelt one would be printed in the QR code as it is.
    let mut rest = url;
    while let Some(open) = rest.find(['{', '}']) {
        let tail = &rest[open..];
        let name = tail
            .strip_prefix('{')
            .and_then(|t| t.split_once('}'))
            .map(|(name, _)| name);
        match name {
            Some(name @ ("id" | "language")) => rest = &tail[name.len() + 2..],
            _ => {
                let shown: String = tail.chars().take_while(|&c| c != '}').collect();
                return Err(format!(
                    "{url:?} has {shown}}} in it: an address may hold {{id}} and {{language}}, \
                     which are replaced by the handout's, and no other braces"
                ));
            }
        }
    }
    Ok(())
}

/// Lowercase ASCII letters and digits in dash-separated words: `l3-l4-narrowing`.
pub fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// A pragmatic BCP 47 check: a 2–3 letter language, then alphanumeric subtags of 1–8.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
    language_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// ICD-10-CM: a letter, a digit, an alphanumeric, then optionally a dot and 1–4 alphanumerics.
pub fn is_icd10cm_code(code: &str) -> bool {
    let (category, rest) = match code.split_once('.') {
        Some((c, r)) => (c, Some(r)),
        None => (code, None),
    };
    let c: Vec<char> = category.chars().collect();
    let category_ok = c.len() == 3
        && c[0].is_ascii_uppercase()
        && c[1].is_ascii_digit()
        && c[2].is_ascii_alphanumeric();
    category_ok
        && rest.is_none_or(|r| {
            (1..=4).contains(&r.len())
                && r.chars()
                    .all(|ch| ch.is_ascii_digit() || ch.is_ascii_uppercase())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_template_names_only_id_and_language() {
        let ok = "https://x.example/handouts/{id}.html?language={language}";
        assert_eq!(check_url(ok), Ok(()));
        for bad in [
            "https://x.example/{lang}",
            "https://x.example/{id",
            "https://x.example/id}",
            "https://x.example/{}",
        ] {
            let why = check_url(bad).unwrap_err();
            assert!(why.contains("{id} and {language}"), "{bad}: {why}");
        }
    }

    #[test]
    fn kebab_ids() {
        assert!(is_kebab_id("warning-signs"));
        assert!(is_kebab_id("l3-l4"));
        for bad in ["", "Warning", "a--b", "-a", "a-", "a_b", "a b"] {
            assert!(!is_kebab_id(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("en-US"));
        assert!(is_language_tag("es"));
        assert!(is_language_tag("zh-Hant-TW"));
        assert!(!is_language_tag("english"));
        assert!(!is_language_tag("en_US"));
    }

    #[test]
    fn icd_codes() {
        assert!(is_icd10cm_code("M48.061"));
        assert!(is_icd10cm_code("M54"));
        assert!(is_icd10cm_code("S32.009A"));
        assert!(!is_icd10cm_code("m48.061"));
        assert!(!is_icd10cm_code("M48."));
        assert!(!is_icd10cm_code("M4"));
    }

    #[test]
    fn text_problems_name_the_character() {
        assert!(text_problem("fine\nline").is_none());
        assert!(text_problem("  ").is_some());
        let why = text_problem("bell\u{7}").unwrap();
        assert!(why.contains("U+0007"), "{why}");
    }
}

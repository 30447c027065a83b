use std::collections::BTreeSet;
use std::ops::Range;

use super::{Block, Handout};

/// One thing wrong with a handout that parsed as TOML but does not make sense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    /// Byte range in the source, where the parser kept one.
    pub span: Option<Range<usize>>,
}

impl Problem {
    fn new(message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            span: None,
        }
    }
}

/// The preset every handout has: all sections in file order.
pub const FULL_PRESET: &str = "full";

/// Checks what the types cannot: ids, uniqueness, empty text, references between parts.
/// Returns every problem found, not just the first, so one run fixes them all.
pub fn validate(handout: &Handout) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    let meta = &handout.meta;
    if !is_kebab_id(&meta.id) {
        problems.push(Problem::new(format!(
            "meta.id {:?} must be kebab-case: lowercase letters, digits and single dashes, like \"low-back-pain\"",
            meta.id
        )));
    }
    check_text(&mut problems, "meta.title", &meta.title);
    if let Some(subtitle) = &meta.subtitle {
        check_text(&mut problems, "meta.subtitle", subtitle);
    }
    check_text(&mut problems, "meta.reviewed_by", &meta.reviewed_by);
    check_text(&mut problems, "disclaimer", &handout.disclaimer);
    if !is_language_tag(&meta.language) {
        problems.push(Problem::new(format!(
            "meta.language {:?} is not a BCP 47 language tag such as \"en-US\" or \"es\"",
            meta.language
        )));
    }
    for code in &meta.codes {
        if !is_icd10cm_code(code) {
            problems.push(Problem::new(format!(
                "meta.codes: {code:?} is not an ICD-10-CM code such as \"M48.061\""
            )));
        }
    }
    for (i, source) in meta.sources.iter().enumerate() {
        check_text(
            &mut problems,
            &format!("meta.sources[{}].name", i + 1),
            &source.name,
        );
        if let Some(url) = &source.url {
            check_text(&mut problems, &format!("meta.sources[{}].url", i + 1), url);
        }
    }
    if let Some(url) = &meta.url {
        if let Err(why) = check_url(url) {
            problems.push(Problem::new(format!("meta.url: {why}")));
        }
    }
    for date in std::iter::once(&meta.last_updated).chain(meta.review_due.as_ref()) {
        if date.date.is_none() || date.time.is_some() {
            problems.push(Problem::new(format!(
                "meta dates must be plain dates such as 2025-05-20, not {date}"
            )));
        }
    }

    if handout.sections.is_empty() {
        problems.push(Problem::new(
            "the handout has no sections; add at least one [[sections]] table",
        ));
    }
    let mut seen = BTreeSet::new();
    for section in &handout.sections {
        let id = section.id();
        let span = Some(section.id.span());
        if !is_kebab_id(id) {
            problems.push(Problem {
                message: format!(
                    "section id {id:?} must be kebab-case: lowercase letters, digits and single dashes"
                ),
                span: span.clone(),
            });
        } else if id == FULL_PRESET {
            problems.push(Problem {
                message: format!("section id {id:?} is reserved for the preset of every section"),
                span: span.clone(),
            });
        }
        if !seen.insert(id) {
            problems.push(Problem {
                message: format!("section id {id:?} is used twice; section ids must be unique"),
                span,
            });
        }
        let mut section_problems = Vec::new();
        if section.blocks.is_empty() {
            section_problems.push("it has no blocks".to_string());
        }
        section.texts(|at, text| {
            if let Some(why) = text_problem(text) {
                section_problems.push(format!("{}: {why}", at()));
            }
        });
        for (i, block) in section.blocks.iter().enumerate() {
            check_block(block, false, &mut |why| {
                section_problems.push(format!("block {} ({}): {why}", i + 1, block.type_name()))
            });
        }
        problems.extend(
            section_problems
                .into_iter()
                .map(|why| Problem::new(format!("section {id:?}: {why}"))),
        );
    }

    for (name, preset) in &handout.presets {
        let ids = &preset.sections;
        if let Some(pages) = preset.pages {
            if !(1..=super::MAX_PAGE_TARGET).contains(&pages) {
                problems.push(Problem::new(format!(
                    "presets.{name}.pages is {pages}; a page target is 1 to {}",
                    super::MAX_PAGE_TARGET
                )));
            }
        }
        if name == FULL_PRESET {
            problems.push(Problem::new(
                "presets.full is built in (every section in order) and cannot be redefined",
            ));
        }
        if !is_kebab_id(name) {
            problems.push(Problem::new(format!(
                "preset name {name:?} must be kebab-case"
            )));
        }
        if ids.is_empty() {
            problems.push(Problem::new(format!("presets.{name} lists no sections")));
        }
        let mut listed = BTreeSet::new();
        for id in ids {
            if !seen.contains(id.as_str()) {
                problems.push(Problem::new(format!(
                    "presets.{name} names section {id:?}, which this handout does not have; sections: {}",
                    seen.iter().copied().collect::<Vec<_>>().join(", ")
                )));
            }
            if !listed.insert(id) {
                problems.push(Problem::new(format!(
                    "presets.{name} lists section {id:?} twice"
                )));
            }
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn check_text(problems: &mut Vec<Problem>, what: &str, text: &str) {
    if let Some(why) = text_problem(text) {
        problems.push(Problem::new(format!("{what}: {why}")));
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

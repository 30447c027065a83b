//! `handout new`: a starter handout to fill in, with one block of every type and a
//! comment on each key, that passes `check` and builds as it is.

use std::path::{Path, PathBuf};

use crate::dates;
use crate::error::Error;
use crate::model;
use crate::output::{write_new, write_stdout};

/// The starter, with `@ID@`, `@TITLE@`, `@LANGUAGE@`, `@TODAY@` and `@REVIEW_DUE@` to fill.
pub(super) const STARTER: &str = include_str!("new-handout.toml");

#[derive(Debug, clap::Args)]
pub(super) struct NewArgs {
    /// The new handout's id: lowercase letters, digits and dashes, e.g. low-back-pain
    id: String,
    /// Its title, as patients would say it [default: made from the id]
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// The language it will be written in (a BCP 47 tag such as en-US, es or zh-Hans)
    #[arg(long, value_name = "TAG", default_value = "en-US")]
    language: String,
    /// Where to write it, or - for standard output [default: handouts/<ID>.toml when
    /// handouts/ exists, else <ID>.toml]
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub(super) fn run(args: &NewArgs) -> Result<(), Error> {
    if !model::is_kebab_id(&args.id) {
        return Err(Error::Usage(format!(
            "{:?} is not a handout id: use lowercase letters, digits and single dashes, \
             such as low-back-pain",
            args.id
        )));
    }
    if !model::is_language_tag(&args.language) {
        return Err(Error::Usage(format!(
            "--language {:?} is not a BCP 47 language tag such as en-US, es or zh-Hans",
            args.language
        )));
    }
    let title = match &args.title {
        Some(title) if !title.trim().is_empty() => title.trim().to_string(),
        Some(_) => return Err(Error::Usage("--title is empty".into())),
        None => title_from_id(&args.id),
    };
    let text = starter(&args.id, &title, &args.language, dates::today());
    let output = args.output.clone().unwrap_or_else(|| {
        let name = format!("{}.toml", args.id);
        let library = Path::new("handouts");
        if library.is_dir() {
            library.join(name)
        } else {
            PathBuf::from(name)
        }
    });
    // Whatever was typed must still make a handout that checks: a title with a
    // character no font has, say, is refused here, not when it is first built.
    crate::pipeline::check(&model::parse(&output, &text)?, &output)?;
    if output == Path::new("-") {
        return write_stdout(text.as_bytes());
    }
    write_new(&output, text.as_bytes())?;
    eprintln!(
        "wrote {}: replace its words with yours, then run `handout check {0}`",
        output.display()
    );
    Ok(())
}

/// `low-back-pain` → `Low back pain`.
fn title_from_id(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The starter filled in for this handout; `today` is days since 1970. It is due for
/// review a year from today.
pub(super) fn starter(id: &str, title: &str, language: &str, today: i64) -> String {
    let (year, month, day) = dates::civil_from_days(today);
    // 29 February has no date a year on: the 28th is the last day that is.
    let due_day = if (month, day) == (2, 29) { 28 } else { day };
    let quoted_title = toml::Value::String(title.to_string()).to_string();
    STARTER
        .replace("@ID@", id)
        .replace("@TITLE@", &quoted_title)
        .replace("@LANGUAGE@", language)
        .replace("@TODAY@", &format!("{year:04}-{month:02}-{day:02}"))
        .replace(
            "@REVIEW_DUE@",
            &format!("{:04}-{month:02}-{due_day:02}", year + 1),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn types(blocks: &[model::Block], into: &mut BTreeSet<&'static str>) {
        for block in blocks {
            into.insert(block.type_name());
            if let model::Block::Group { blocks, .. } = block {
                types(blocks, into);
            }
        }
    }

    #[test]
    fn the_starter_is_a_valid_handout_with_every_block_type() {
        let leap_day = dates::days_from_civil(2028, 2, 29);
        let text = starter("low-back-pain", "Low \"back\" pain", "es", leap_day);
        let handout = model::parse(Path::new("new.toml"), &text).unwrap();
        assert_eq!(handout.meta.id, "low-back-pain");
        assert_eq!(handout.meta.title, "Low \"back\" pain");
        assert_eq!(handout.meta.language, "es");
        assert_eq!(dates::iso(&handout.meta.last_updated), "2028-02-29");
        assert_eq!(
            handout.meta.review_due.as_ref().map(dates::iso).as_deref(),
            Some("2029-02-28")
        );
        let mut found = BTreeSet::new();
        for section in &handout.sections {
            types(&section.blocks, &mut found);
        }
        let all: BTreeSet<&str> = model::BLOCK_TYPES.into_iter().collect();
        assert_eq!(
            found, all,
            "the starter shows every block type once at least"
        );
        assert!(!text.contains('@'), "every placeholder is filled");
    }

    #[test]
    fn every_key_of_the_starter_has_a_comment_or_is_self_evident() {
        // Each `key = value` line is preceded by a comment line or a sibling key that
        // had one, so staff are told what every key is for.
        let mut explained = BTreeSet::new();
        let mut previous_was_comment = false;
        for line in STARTER.lines().map(str::trim) {
            if line.starts_with('#') {
                previous_was_comment = true;
                continue;
            }
            if line.starts_with('[') {
                continue;
            }
            if let Some((key, _)) = line.split_once(" = ") {
                let plain_block_key = matches!(key, "type" | "text" | "items" | "id" | "title");
                assert!(
                    previous_was_comment || explained.contains(key) || plain_block_key,
                    "the key {key:?} has no comment above its first use"
                );
                explained.insert(key.to_string());
            }
            previous_was_comment = false;
        }
    }

    #[test]
    fn titles_come_from_ids() {
        assert_eq!(title_from_id("low-back-pain"), "Low back pain");
        assert_eq!(title_from_id("copd"), "Copd");
    }
}

//! Every translation in `handouts/` (`ID.LANG.toml`) is its source handout (`ID.toml`) in
//! another language, whole: the same meta (codes, dates, version, sources), the same
//! presets, the same sections with the same ids in the same order, the same blocks with the
//! same keys and the same number of items, the same urgencies, and the same numbers in every
//! text (doses, times, percentages, levels such as L3–L4). The two files are compared as TOML
//! trees, key by key, so a section, block, item or optional key (a note's title, an intro)
//! left out of a translation is named with its path.

mod common;

use std::path::Path;

use toml::{Table, Value};

/// Keys whose strings are not translated: they must be the same in both files.
fn kept_as_is(path: &str) -> bool {
    let key = path.rsplit('.').next().unwrap_or(path);
    let key = key.split('[').next().unwrap_or(key);
    matches!(key, "id" | "type" | "urgency" | "url")
        || path.starts_with("presets")
        || path.starts_with("meta.codes")
}

/// The runs of digits in a text, sorted: "200–400 mg every 6–8 hours" and
/// "200–400 mg cada 6–8 horas" both give 200, 400, 6, 8.
fn numbers(text: &str) -> Vec<&str> {
    let mut runs: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .collect();
    runs.sort_unstable();
    runs
}

fn compare(path: &str, source: &Value, translation: &Value, out: &mut Vec<String>) {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (source, translation) {
        (Value::Table(a), Value::Table(b)) => {
            for key in a.keys().filter(|key| !b.contains_key(*key)) {
                out.push(format!("{}: missing from the translation", at(key)));
            }
            // `translated_from` is the translation's own: the fingerprint of the English it
            // translates (docs/translations.md).
            let own = |key: &str| key == "translated_from";
            for key in b.keys().filter(|key| !a.contains_key(*key) && !own(key)) {
                out.push(format!("{}: not in the source", at(key)));
            }
            for (key, value) in a {
                if let Some(other) = b.get(key) {
                    compare(&at(key), value, other, out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{path}: {} entries in the source, {} in the translation",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                // A section is named by its id, which both files share.
                let name = match x.get("id").and_then(Value::as_str) {
                    Some(id) if path == "sections" => id.to_string(),
                    _ => i.to_string(),
                };
                compare(&format!("{path}[{name}]"), x, y, out);
            }
        }
        (Value::String(a), Value::String(b)) => {
            if kept_as_is(path) {
                if a != b {
                    out.push(format!(
                        "{path}: {a:?} in the source, {b:?} in the translation"
                    ));
                }
            } else if numbers(a) != numbers(b) {
                out.push(format!(
                    "{path}: numbers {:?} in the source, {:?} in the translation\n  \
                     source:      {a}\n  translation: {b}",
                    numbers(a),
                    numbers(b)
                ));
            }
        }
        (a, b) if a.type_str() != b.type_str() => out.push(format!(
            "{path}: a {} in the source, a {} in the translation",
            a.type_str(),
            b.type_str()
        )),
        (a, b) => {
            if a != b {
                out.push(format!("{path}: {a} in the source, {b} in the translation"));
            }
        }
    }
}

fn read(path: &Path) -> Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The differences between a translation and its source, one line (or a few) each.
fn differences(source: &Path, translation: &Path, language: &str) -> Vec<String> {
    let mut a = read(source);
    let mut b = read(translation);
    let mut out = Vec::new();
    // What a translation may change on purpose: its id (the source's, as the bundled
    // ones keep it, or the source's plus the language) and its language tag. Both are
    // checked here and left out of the comparison.
    let take = |table: &mut Table, key: &str| {
        table
            .get_mut("meta")
            .and_then(Value::as_table_mut)
            .and_then(|meta| meta.remove(key))
            .and_then(|value| value.as_str().map(str::to_owned))
    };
    let (id, translated_id) = (take(&mut a, "id"), take(&mut b, "id"));
    take(&mut a, "language");
    let tag = take(&mut b, "language");
    if let (Some(id), Some(translated_id)) = (&id, &translated_id) {
        let own = format!("{id}-{}", language.to_ascii_lowercase());
        if translated_id != id && *translated_id != own {
            out.push(format!(
                "meta.id: {translated_id:?}, expected {id:?} (or {own:?})"
            ));
        }
    }
    if !tag
        .as_deref()
        .is_some_and(|tag| tag.eq_ignore_ascii_case(language))
    {
        out.push(format!("meta.language: {tag:?}, expected {language:?}"));
    }
    // Sections that differ in their ids are reported once, as the two lists of ids,
    // rather than block by block against the wrong section.
    let ids = |table: &Table| -> Vec<String> {
        table
            .get("sections")
            .and_then(Value::as_array)
            .map(|sections| {
                sections
                    .iter()
                    .map(|s| {
                        s.get("id")
                            .and_then(Value::as_str)
                            .unwrap_or("?")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    // A translation of the brief alone holds exactly the sections of the source's brief
    // preset, in the source's order, and is compared with those.
    // A preset is its list of ids, or a table with that list as `sections`.
    let brief: Vec<String> = a
        .get("presets")
        .and_then(|p| p.get("brief"))
        .and_then(|b| b.get("sections").unwrap_or(b).as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let in_source_order: Vec<String> = ids(&a)
        .into_iter()
        .filter(|id| brief.contains(id))
        .collect();
    if ids(&b) != ids(&a) && ids(&b) == in_source_order && !brief.is_empty() {
        if let Some(Value::Array(sections)) = a.get_mut("sections") {
            sections.retain(|s| {
                s.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| brief.iter().any(|b| b == id))
            });
        }
    }
    if ids(&a) != ids(&b) {
        out.push(format!(
            "section ids: {:?} in the source, {:?} in the translation",
            ids(&a),
            ids(&b)
        ));
        a.remove("sections");
        b.remove("sections");
    }
    compare("", &Value::Table(a), &Value::Table(b), &mut out);
    out
}

#[test]
fn every_translation_has_every_section_block_item_and_number_of_its_source() {
    let dir = common::root().join("handouts");
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("handouts/")
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".toml") else {
            continue;
        };
        let Some((id, language)) = stem.rsplit_once('.') else {
            continue;
        };
        let source = dir.join(format!("{id}.toml"));
        assert!(source.exists(), "{name} has no source handout {id}.toml");
        for difference in differences(&source, &file, language) {
            failures.push(format!("{name}: {difference}"));
        }
        checked.push(name);
    }
    // Spanish complete, and the brief in the thirteen other languages the issue names.
    for language in [
        "es", "zh-Hans", "zh-Hant", "vi", "ko", "ja", "tl", "ru", "ar", "fa", "hi", "ht", "fr",
        "pt",
    ] {
        let name = format!("l3-l4-foraminal-narrowing.{language}.toml");
        assert!(
            checked.contains(&name),
            "{name} was not checked: {checked:?}"
        );
    }
    let spanish = read(&dir.join("l3-l4-foraminal-narrowing.es.toml"));
    let english = read(&dir.join("l3-l4-foraminal-narrowing.toml"));
    let count = |t: &Table| {
        t.get("sections")
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    assert_eq!(
        count(&spanish),
        count(&english),
        "the Spanish handout is complete"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_left_out_item_or_changed_dose_is_named_with_its_path() {
    let dir = common::scratch("translations");
    let source = dir.join("x.toml");
    let translation = dir.join("x.es.toml");
    std::fs::write(
        &source,
        "[meta]\nid = \"x\"\nlanguage = \"en-US\"\n\n[[sections]]\nid = \"medicines\"\n\
         title = \"Medicines\"\n\n[[sections.blocks]]\ntype = \"bullets\"\n\
         items = [\"Take 200–400 mg.\", \"Rest.\"]\n",
    )
    .unwrap();
    std::fs::write(
        &translation,
        "[meta]\nid = \"x-es\"\nlanguage = \"es\"\n\n[[sections]]\nid = \"medicines\"\n\
         title = \"Medicinas\"\n\n[[sections.blocks]]\ntype = \"bullets\"\n\
         items = [\"Tome 200–500 mg.\"]\n",
    )
    .unwrap();
    let found = differences(&source, &translation, "es");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("sections[medicines].blocks[0].items: 2 entries in the source, 1 in"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("sections[medicines].blocks[0].items[0]: numbers [\"200\", \"400\"]"),
        "{found:#?}"
    );
}

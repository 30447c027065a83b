//! Translations through XLIFF and stale sections (docs/translations.md): the bundled
//! handouts are copied to a scratch directory, exported, edited with translate-toolkit
//! (PyPI) as a translator's tool would, imported back; the English is changed and
//! `check` must name exactly the sections that changed, in each translation holding them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run, scratch, stderr, Scratch};

const ID: &str = "l3-l4-foraminal-narrowing";

/// A fresh directory with every bundled handout copied into its `handouts/`, where the
/// commands look by default.
fn library(name: &str) -> Scratch {
    let dir = scratch(name);
    std::fs::create_dir(dir.join("handouts")).unwrap();
    for entry in std::fs::read_dir(common::root().join("handouts")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("handouts").join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn file(dir: &Path, language: Option<&str>) -> PathBuf {
    let dir = dir.join("handouts");
    match language {
        Some(l) => dir.join(format!("{ID}.{l}.toml")),
        None => dir.join(format!("{ID}.toml")),
    }
}

fn content(path: &Path) -> toml::Value {
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every file of `dir` with its bytes: to show a refusal wrote nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

fn ok(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    stderr(out)
}

fn export(dir: &Path, language: &str, extra: &[&str]) -> PathBuf {
    let xlf = dir.join(format!("{language}.xlf"));
    let mut args = vec!["xliff", "export", ID, "--language", language, "-o"];
    args.push(xlf.to_str().unwrap());
    args.extend(extra);
    ok(&run(dir, &args));
    xlf
}

/// The strings that differ between two TOML values, by their path.
fn differences(a: &toml::Value, b: &toml::Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (toml::Value::Table(x), toml::Value::Table(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                match (x.get(key), y.get(key)) {
                    (Some(v), Some(w)) => differences(v, w, &format!("{at}.{key}"), out),
                    _ => out.push(format!("{at}.{key} (only in one)")),
                }
            }
        }
        (toml::Value::Array(x), toml::Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                differences(v, w, &format!("{at}[{i}]"), out);
            }
        }
        (v, w) if v != w => out.push(format!("{at}: {v} -> {w}")),
        _ => {}
    }
}

fn diff(a: &toml::Value, b: &toml::Value) -> Vec<String> {
    let mut out = Vec::new();
    differences(a, b, "", &mut out);
    out
}

/// translate-toolkit, as a translator's tool: sets the targets of the units named (by
/// unit id) in its XLIFF store and saves the file, or, with the target "=SOURCE", the
/// English prefixed with "[fr] ". Prints how many units it read.
const EDIT: &str = r#"
import sys
from translate.storage import factory
path, edits = sys.argv[1], sys.argv[2:]
store = factory.getobject(path)
units = {u.getid().split("\x04")[-1]: u for u in store.units if u.getid()}
for edit in edits:
    unit_id, target = edit.split("=", 1)
    for uid, unit in units.items():
        if uid == unit_id or (unit_id.endswith("/") and uid.startswith(unit_id)):
            unit.target = "[fr] " + unit.source if target == "=SOURCE" else target
store.savefile(path)
print(len(units))
"#;

fn translate_toolkit(xlf: &Path, edits: &[&str]) -> usize {
    let out = Command::new(common::tools_python())
        .arg("-c")
        .arg(EDIT)
        .arg(xlf)
        .args(edits)
        .output()
        .expect("run python: scripts/test installs translate-toolkit into target/py-tools");
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn the_spanish_round_trip_gives_the_same_content() {
    let dir = library("xliff-roundtrip");
    let spanish = file(&dir, Some("es"));
    let before = content(&spanish);
    let xlf = export(&dir, "es", &[]);
    ok(&run(&dir, &["xliff", "import", xlf.to_str().unwrap()]));
    assert_eq!(diff(&before, &content(&spanish)), Vec::<String>::new());
    let out = run(&dir, &["check", spanish.to_str().unwrap()]);
    assert!(ok(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_target_changed_in_translate_toolkit_comes_back_as_that_one_change() {
    let dir = library("xliff-toolkit");
    let french = file(&dir, Some("fr"));
    let before = content(&french);
    let xlf = export(&dir, "fr", &[]);
    let text = std::fs::read_to_string(&xlf).unwrap();
    let units = translate_toolkit(&xlf, &["prevention/b1/items/2=Faites du sport."]);
    // Every string of the English is a unit: the toolkit reads them all.
    assert_eq!(units, text.matches("<trans-unit ").count());
    assert!(units > 500, "{units}");
    // The tool rewrote the file, keeping what it does not know: the fingerprints.
    let saved = std::fs::read_to_string(&xlf).unwrap();
    assert_ne!(saved, text);
    assert_eq!(
        saved.matches("handout:fingerprint=\"").count(),
        text.matches("handout:fingerprint=\"").count()
    );
    assert_eq!(text.matches("handout:fingerprint=\"").count(), 15);
    ok(&run(&dir, &["xliff", "import", xlf.to_str().unwrap()]));
    assert_eq!(
        diff(&before, &content(&french)),
        [
            r#".sections[0].blocks[0].items[1]: "Faites chaque jour des exercices pour renforcer le ventre et le dos." -> "Faites du sport.""#
        ]
    );

    // A section translated in the tool comes in; the others stay out (still partial).
    let xlf = export(&dir, "fr", &["--changed"]);
    translate_toolkit(&xlf, &["overview/=SOURCE"]);
    let out = ok(&run(&dir, &["xliff", "import", xlf.to_str().unwrap()]));
    assert!(out.contains("1 section(s) from"), "{out}");
    let after = model_of(&french);
    let ids: Vec<&str> = after.sections.iter().map(|s| s.id()).collect();
    assert_eq!(
        ids,
        ["overview", "prevention", "warning-signs", "do-and-avoid"]
    );
    let out = run(&dir, &["check", french.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(ok(&out).is_empty(), "{}", stderr(&out));
    assert!(
        said.contains("partial translation: 4 of 14 sections"),
        "{said}"
    );
}

fn model_of(path: &Path) -> handout::model::Handout {
    handout::model::load(path).unwrap().0
}

/// Changes one sentence of the English section `section` in `dir`.
fn change_english(dir: &Path, old: &str, new: &str) {
    let path = file(dir, None);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(old).count(), 1, "{old}");
    std::fs::write(&path, text.replace(old, new)).unwrap();
}

/// The (file, section) pairs `check` names as stale.
fn stale(dir: &Path, strict: bool) -> (bool, Vec<(String, String)>) {
    let mut args = vec!["check", "handouts"];
    if strict {
        args.push("--strict");
    }
    let out = run(dir, &args);
    let mut named: Vec<(String, String)> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("changed since it was translated"))
        .map(|l| {
            let file = l.split(": ").nth(1).unwrap();
            let name = Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let section = match l.split("section \"").nth(1) {
                Some(rest) => rest.split('"').next().unwrap(),
                None if l.contains("the title, subtitle, disclaimer") => "meta",
                None => panic!("{l}"),
            };
            (name, section.to_string())
        })
        .collect();
    named.sort();
    (out.status.success(), named)
}

#[test]
fn a_changed_english_sentence_makes_check_name_that_section_in_each_translation() {
    let dir = library("xliff-stale");
    assert_eq!(stale(&dir, true), (true, vec![]));
    change_english(
        &dir,
        "Use a chair that gives your low back good support.",
        "Sit in a chair that gives your low back good support.",
    );
    let (passed, named) = stale(&dir, false);
    assert!(passed);
    let languages = [
        "ar", "es", "fa", "fr", "hi", "ht", "ja", "ko", "pt", "ru", "tl", "vi", "zh-Hans",
        "zh-Hant",
    ];
    let expected: Vec<(String, String)> = languages
        .iter()
        .map(|l| (format!("{ID}.{l}.toml"), "prevention".to_string()))
        .collect();
    assert_eq!(named, expected);
    assert!(!stale(&dir, true).0, "--strict refuses stale sections");
    let out = run(&dir, &["list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        listed
            .matches("translation: STALE: prevention (English changed since)")
            .count(),
        14,
        "{listed}"
    );
    assert!(listed.contains("partial: 3 of 14 sections"), "{listed}");

    // A section only the Spanish holds: only the Spanish is named for it.
    change_english(
        &dir,
        "Your spine is a stack of bones called vertebrae. Your lower back",
        "Your spine is a column of bones called vertebrae. Your lower back",
    );
    let (_, named) = stale(&dir, false);
    assert_eq!(named.len(), 15);
    assert!(named.contains(&(format!("{ID}.es.toml"), "overview".to_string())));

    // The desk says it beside the preview of a translation, and only there.
    let handouts = dir.join("handouts");
    let server = common::server::Server::start(&["--handouts", handouts.to_str().unwrap()]);
    let preview = |language: Option<&str>| {
        let mut body = serde_json::json!({"handout": ID, "preset": "brief"});
        if let Some(language) = language {
            body["language"] = language.into();
        }
        server.post_json("/api/v1/preview", &body).json()["stale"].clone()
    };
    assert_eq!(
        preview(Some("fr")),
        serde_json::json!([
            "\"Protéger votre dos\" translates an older English: the English section changed after it was translated."
        ])
    );
    assert_eq!(preview(None), serde_json::json!([]));
    drop(server);

    // The disclaimer is in every translation's head, which every page prints.
    let scratch = library("xliff-stale-head");
    change_english(&scratch, "call 911 right away.", "call 911 now.");
    let (_, named) = stale(&scratch, false);
    let expected: Vec<(String, String)> = languages
        .iter()
        .map(|l| (format!("{ID}.{l}.toml"), "meta".to_string()))
        .collect();
    assert_eq!(named, expected);

    // A build warns; with --strict it refuses and writes nothing.
    let pdf = dir.join("fr.pdf");
    let args = [
        "build",
        ID,
        "--language",
        "fr",
        "--preset",
        "brief",
        "-o",
        "fr.pdf",
    ];
    let out = ok(&run(&dir, &args));
    assert!(
        out.contains("warning:") && out.contains("section \"prevention\""),
        "{out}"
    );
    std::fs::remove_file(&pdf).unwrap();
    let out = run(&dir, &[&args[..], &["--strict"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!pdf.exists());
    // Sections the brief leaves out are not the build's concern.
    let args = [
        "build",
        ID,
        "--language",
        "fr",
        "--sections",
        "warning-signs",
        "-o",
        "w.pdf",
    ];
    assert!(!ok(&run(&dir, &[&args[..], &["--strict"]].concat())).contains("prevention"));

    // --changed exports the stale section alone, its translation as targets.
    let xlf = export(&dir, "fr", &["--changed"]);
    let text = std::fs::read_to_string(&xlf).unwrap();
    assert_eq!(text.matches("<group ").count(), 12, "{text}");
    assert!(text.contains("<group id=\"prevention\""));
    assert!(text.contains("Gardez un poids sain"));
    assert!(text.contains("state=\"needs-review-translation\""));

    // Sent back untouched, a stale section stays stale; revised in the tool, it is current.
    let xlf = export(&dir, "es", &[]);
    ok(&run(&dir, &["xliff", "import", xlf.to_str().unwrap()]));
    assert_eq!(stale(&dir, false).1.len(), 15);
    translate_toolkit(
        &xlf,
        &["prevention/b1/items/3=Use una silla que sostenga bien la espalda baja."],
    );
    ok(&run(&dir, &["xliff", "import", xlf.to_str().unwrap()]));
    let (_, named) = stale(&dir, false);
    assert_eq!(named.len(), 14);
    assert!(!named.contains(&(format!("{ID}.es.toml"), "prevention".to_string())));
}

#[test]
fn refused_imports_write_nothing() {
    let dir = library("xliff-refused");
    let xlf = export(&dir, "es", &[]);
    let good = std::fs::read_to_string(&xlf).unwrap();
    let refused = |text: &str, expect: &[&str]| {
        std::fs::write(&xlf, text).unwrap();
        let before = snapshot(&dir.join("handouts"));
        let out = run(&dir, &["xliff", "import", xlf.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        for e in expect {
            assert!(stderr(&out).contains(e), "{e:?} not in {}", stderr(&out));
        }
        assert_eq!(
            snapshot(&dir.join("handouts")),
            before,
            "a refused import wrote something"
        );
    };
    // Malformed: a target closed as something else, at its line and column.
    let broken = good.replacen("</target>", "</targte>", 1);
    let line = 1 + broken[..broken.find("</targte>").unwrap()]
        .matches('\n')
        .count();
    refused(
        &broken,
        &[&format!("es.xlf:{line}:"), "not a well-formed XLIFF file"],
    );
    refused(&good[..good.len() / 2], &["es.xlf:", "not a well-formed"]);
    refused(
        &good.replacen("&#39;", "&bogus;", 1),
        &["es.xlf:", "unknown entity &bogus;"],
    );
    // A unit the English does not have.
    refused(
        &good.replacen(
            "id=\"prevention/b1/items/3\"",
            "id=\"prevention/b1/items/99\"",
            1,
        ),
        &["\"prevention/b1/items/99\" is not in the English"],
    );
    // An empty target in a section that is otherwise translated.
    let at = good.find("id=\"faq/b1/items/2/answer\"").unwrap();
    let start = at + good[at..].find("<target state=\"translated\">").unwrap() + 27;
    let end = start + good[start..].find("</target>").unwrap();
    refused(
        &format!("{}{}", &good[..start], &good[end..]),
        &["\"faq/b1/items/2/answer\" has an empty target"],
    );
    // A language that is no tag would reach outside the directory.
    refused(
        &good.replacen("target-language=\"es\"", "target-language=\"../../es\"", 1),
        &["expected an id (lowercase letters, digits and dashes) and a language tag"],
    );
    // Another file is not written over, the English least of all.
    std::fs::write(&xlf, &good).unwrap();
    let before = snapshot(&dir.join("handouts"));
    let english = format!("handouts/{ID}.toml");
    let out = run(
        &dir,
        &["xliff", "import", xlf.to_str().unwrap(), "-o", &english],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not the \"es\" translation"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&dir.join("handouts")), before);
    // Exported from an older English: the changed unit is listed.
    std::fs::write(&xlf, &good).unwrap();
    change_english(
        &dir,
        "Use a chair that gives your low back good support.",
        "Sit in a chair that gives your low back good support.",
    );
    refused(&good, &["older English", "\"prevention/b1/items/3\""]);
}

//! One identity per handout: a translation may keep its source's id, told apart by its
//! language, and is found from the source's file and by id; two files that claim the
//! same id and language are a data error (exit 1) naming both.

mod common;

use std::path::Path;

const ID: &str = "l3-l4-foraminal-narrowing";

/// The English handout and its Spanish translation under the same id, as a newcomer
/// writes them from the docs.
fn shared_id_library(dir: &Path) {
    let bundled = common::root().join("handouts");
    std::fs::copy(
        bundled.join(format!("{ID}.toml")),
        dir.join(format!("{ID}.toml")),
    )
    .unwrap();
    // The bundled translation is written so: the same `meta.id`, its own language.
    let es = std::fs::read_to_string(bundled.join(format!("{ID}.es.toml"))).unwrap();
    assert!(es.contains(&format!("\nid = \"{ID}\"\n")));
    std::fs::write(dir.join(format!("{ID}.es.toml")), es).unwrap();
}

/// The sections a `build --json` printed.
fn built_language(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", common::stderr(out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    report["path"].as_str().expect("a path").to_string()
}

#[test]
fn a_translation_that_keeps_its_sources_id_is_found_from_the_file_and_by_id() {
    let dir = common::scratch("identity-build");
    shared_id_library(&dir);
    let handouts = dir.display().to_string();
    for args in [
        // The English file, asking for Spanish: the translation beside it.
        vec![
            "build",
            "l3-l4-foraminal-narrowing.toml",
            "--language",
            "es",
        ],
        // By id.
        vec!["build", ID, "--handouts", &handouts, "--language", "es"],
    ] {
        let mut args = args.clone();
        args.extend(["--preset", "brief", "-o", "es.pdf", "--json"]);
        let out = common::run(&dir, &args);
        built_language(&out);
        assert!(
            !common::stderr(&out).contains("no version in language"),
            "{args:?}: {}",
            common::stderr(&out)
        );
        let text =
            common::page_texts(&std::fs::read(dir.join("es.pdf")).unwrap(), "identity").join(" ");
        assert!(
            text.contains("Cuándo buscar ayuda"),
            "{args:?} built Spanish: {text}"
        );
    }
    // Without a language, the id is the source's own handout.
    let out = common::run(
        &dir,
        &[
            "build",
            ID,
            "--handouts",
            &handouts,
            "--preset",
            "brief",
            "-o",
            "en.pdf",
            "--json",
        ],
    );
    built_language(&out);
    let text =
        common::page_texts(&std::fs::read(dir.join("en.pdf")).unwrap(), "identity-en").join(" ");
    assert!(text.contains("When to get help"), "{text}");
    // Both check clean, as a library, and `list` tells them apart by language.
    let out = common::run(&dir, &["check", "."]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = common::run(&dir, &["list", "."]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("language: en-US") && listed.contains("language: es"),
        "{listed}"
    );
}

#[test]
fn two_files_of_one_id_and_language_are_a_data_error_naming_both() {
    let dir = common::scratch("identity-twice");
    shared_id_library(&dir);
    std::fs::copy(dir.join(format!("{ID}.toml")), dir.join("copy.toml")).unwrap();
    let handouts = dir.display().to_string();
    for args in [
        vec!["check", "."],
        vec!["check", "copy.toml", "l3-l4-foraminal-narrowing.toml"],
        vec![
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts,
            "--out-dir",
            "out",
        ],
    ] {
        std::fs::write(
            dir.join("list.csv"),
            format!("patient,handout\nJane Doe,{ID}\n"),
        )
        .unwrap();
        let out = common::run(&dir, &args);
        let said = common::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {said}");
        assert!(
            said.contains("copy.toml")
                && said.contains("l3-l4-foraminal-narrowing.toml")
                && said.contains("meta.language"),
            "{args:?}: {said}"
        );
    }
}

//! FHIR out and in: `build --format fhir` (a DocumentReference holding the exact PDF) and
//! `batch --fhir-ndjson` (a Bulk Data export to one personalized handout per matching
//! patient, in their language, with `DocumentReference.ndjson`). Every DocumentReference
//! is read by an independent FHIR library (fhir.resources, R4B) in tests/fhir/validate.py,
//! which also checks its PDF, size and hash against the files written.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use common::{root, scratch, tools_python};
use serde_json::Value;

const ID: &str = "l3-l4-foraminal-narrowing";
/// A second handout, on one of the first one's codes (M54.16), English only.
const SECOND: &str = "lumbar-radiculopathy";
const EPOCH: &str = "1796342400"; // 2026-12-04T00:00:00Z

fn handout(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run handout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What validate.py says of each resource, or its failure.
fn validated(resources: &Path, pdf_dir: &Path) -> Vec<Value> {
    let out = Command::new(tools_python())
        .arg(root().join("tests/fhir/validate.py"))
        .args([resources, pdf_dir])
        .output()
        .expect("run tests/fhir/validate.py");
    assert!(
        out.status.success(),
        "fhir.resources refused {}:\n{}",
        resources.display(),
        stderr(&out)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("validate.py prints JSON"))
        .collect()
}

/// A synthetic export from tests/fhir/export.py (its docstring gives each patient's plan).
fn export(dir: &Path, extra: &[&str]) {
    let out = Command::new(tools_python())
        .arg(root().join("tests/fhir/export.py"))
        .arg(dir)
        .args(extra)
        .output()
        .expect("run tests/fhir/export.py");
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The bundled handout in English and Spanish, Vietnamese and Traditional Chinese, and a
/// second handout on M54.16 in English alone.
fn library(dir: &Path) {
    let bundled = root().join("handouts");
    for language in ["", ".es", ".vi", ".zh-Hant"] {
        let file = format!("{ID}{language}.toml");
        std::fs::copy(bundled.join(&file), dir.join(&file)).expect("copy handout");
    }
    let english = std::fs::read_to_string(bundled.join(format!("{ID}.toml"))).unwrap();
    let second = english
        .replacen(&format!("id = \"{ID}\""), &format!("id = \"{SECOND}\""), 1)
        .replacen(
            "codes = [\"M48.061\", \"M48.062\", \"M47.816\", \"M54.16\"]",
            "codes = [\"M54.16\"]",
            1,
        );
    assert_ne!(second, english, "the bundled handout's id or codes moved");
    std::fs::write(dir.join(format!("{SECOND}.toml")), second).unwrap();
}

/// The language suffix a patient's handout file gets, by export.py's LANGUAGES (the
/// library above has es, vi and zh-Hant; the rest fall back to English).
fn expected_suffix(patient: usize, handout: &str) -> &'static str {
    let languages = ["es-MX", "vi", "de", "zh-TW", "", "fr", "sw", "en-US"];
    match (handout, languages[patient % languages.len()]) {
        (SECOND, _) => "",
        (_, "es-MX") => "-es",
        (_, "vi") => "-vi",
        (_, "zh-TW") => "-zh-hant",
        _ => "",
    }
}

/// The PDFs export.py's plan calls for among `patients` patients.
fn expected_files(patients: usize) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    for i in 0..patients {
        let handouts: &[&str] = match i % 6 {
            // Patient 6 has died, 12's record is inactive.
            _ if i == 6 || i == 12 => &[],
            0 | 4 => &[ID],
            3 => &[ID, SECOND],
            _ => &[],
        };
        for h in handouts {
            files.insert(format!(
                "patient-p{i:05}-{h}{}-brief.pdf",
                expected_suffix(i, h)
            ));
        }
    }
    files
}

fn pdfs_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect()
}

fn no_temporary_files(dir: &Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn build_format_fhir_holds_the_pdf_build_makes() {
    let dir = scratch("fhir-build");
    let bundled = root().join("handouts");
    let args = |extra: &[&str]| {
        let mut all = vec![
            "build",
            ID,
            "--handouts",
            bundled.to_str().unwrap(),
            "--language",
            "es",
            "--preset",
            "brief",
            "--patient",
            "María José García",
        ];
        all.extend_from_slice(extra);
        all.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let args = args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        handout(&dir, &args)
    };
    let pdf = run(&["-o", "same.pdf"]);
    assert!(pdf.status.success(), "{}", stderr(&pdf));
    let fhir = run(&[
        "--format",
        "fhir",
        "--subject",
        "Patient/p-1",
        "-o",
        "doc.json",
    ]);
    assert!(fhir.status.success(), "{}", stderr(&fhir));
    assert!(stderr(&fhir).contains("as a FHIR DocumentReference"));
    // An .json output name asks for the same without --format.
    let by_name = run(&["--subject", "Patient/p-1", "-o", "by-name.json"]);
    assert!(by_name.status.success(), "{}", stderr(&by_name));
    assert_eq!(
        std::fs::read(dir.join("doc.json")).unwrap(),
        std::fs::read(dir.join("by-name.json")).unwrap(),
        "same inputs and SOURCE_DATE_EPOCH, same bytes"
    );

    let seen = validated(&dir.join("doc.json"), &dir);
    assert_eq!(seen.len(), 1);
    let doc = &seen[0];
    assert_eq!(doc["file"], "same.pdf", "the attachment is not build's PDF");
    assert_eq!(doc["subject"], "Patient/p-1");
    assert_eq!(doc["language"], "es");
    assert_eq!(doc["type"], "http://loinc.org|34895-3");
    assert_eq!(
        doc["description"],
        "Aberturas estrechas de nervios en la espalda baja (L3–L4)"
    );
    assert_eq!(
        doc["date"], "2026-12-04T00:00:00Z",
        "filed at SOURCE_DATE_EPOCH"
    );
    assert_eq!(
        doc["creation"], "2026-12-04T00:00:00Z",
        "the PDF's own date"
    );

    // Without a subject it is still a valid DocumentReference, filed to no one yet.
    let unfiled = run(&["--format", "fhir", "-o", "-"]);
    assert!(unfiled.status.success(), "{}", stderr(&unfiled));
    let value: Value = serde_json::from_slice(&unfiled.stdout).unwrap();
    assert!(value.get("subject").is_none());
    assert_eq!(value["resourceType"], "DocumentReference");

    for (extra, words) in [
        (
            &["--subject", "Patient/p-1", "-o", "x.pdf"][..],
            "add --format fhir",
        ),
        (
            &["--format", "fhir", "--subject", "p-1"][..],
            "give it as Patient/ID",
        ),
        (
            &["--format", "fhir", "--subject", "Patient/../../etc"][..],
            "is not a FHIR id",
        ),
    ] {
        let out = run(extra);
        assert!(!out.status.success(), "{extra:?} was accepted");
        assert!(stderr(&out).contains(words), "{extra:?}: {}", stderr(&out));
    }
    assert!(!dir.join("x.pdf").exists());
}

#[test]
fn an_export_gives_each_matching_patient_their_handouts_once_in_their_language() {
    let dir = scratch("fhir-export");
    let (input, handouts, out) = (dir.join("export"), dir.join("handouts"), dir.join("out"));
    std::fs::create_dir_all(&handouts).unwrap();
    export(&input, &["--patients", "30", "--broken"]);
    library(&handouts);
    let run = || {
        handout(
            &dir,
            &[
                "batch",
                "--fhir-ndjson",
                "export",
                "--handouts",
                "handouts",
                "--out-dir",
                "out",
                "--report",
                "report.json",
                "--quiet",
            ],
        )
    };
    let first = run();
    let said = stderr(&first);
    assert_eq!(
        first.status.code(),
        Some(1),
        "bad lines fail the run: {said}"
    );
    for (place, words) in [
        ("Condition.ndjson:3:50", "is not JSON"),
        (
            "Condition.ndjson:5",
            "a Patient where the file holds Condition",
        ),
        (
            "Condition.ndjson:7",
            "its subject is no Patient in the export's Patient files",
        ),
        (
            "Patient.ndjson:2",
            "an Observation where the file holds Patient",
        ),
    ] {
        assert!(
            said.contains(&format!("error: {place}: {words}")),
            "{place} not named:\n{said}"
        );
    }

    let expected = expected_files(30);
    assert_eq!(pdfs_in(&out), expected);
    no_temporary_files(&out);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let in_english_for_want = expected
        .iter()
        .filter(|f| {
            let i: usize = f[9..14].parse().unwrap();
            let asked = ["es-MX", "vi", "de", "zh-TW", "", "fr", "sw", "en-US"][i % 8];
            !f.contains("-es-")
                && !f.contains("-vi-")
                && !f.contains("-zh-hant-")
                && !asked.is_empty()
                && !asked.starts_with("en")
        })
        .count();
    assert!(in_english_for_want > 0);
    // By the language asked: export.py's cycle, for each file built in English.
    let mut missing = BTreeMap::<String, usize>::new();
    for f in &expected {
        let i: usize = f[9..14].parse().unwrap();
        let asked = ["es-MX", "vi", "de", "zh-TW", "", "fr", "sw", "en-US"][i % 8];
        let english = !f.contains("-es-") && !f.contains("-vi-") && !f.contains("-zh-hant-");
        if english && !asked.is_empty() && !asked.starts_with("en") {
            *missing.entry(asked.to_string()).or_default() += 1;
        }
    }
    assert_eq!(
        report["summary"],
        serde_json::json!({
            "written": expected.len(),
            "up_to_date": 0,
            "failed": 4,
            "not_started": 0,
            "export": {
                "patients": 30,
                "patients_deceased": 1,
                "patients_inactive": 1,
                "patients_matched": 13,
                "handouts": expected.len(),
                "not_in_patients_language": in_english_for_want,
                "missing_translations": missing,
                "bad_lines": 4,
            }
        })
    );
    let warned = report["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| {
            j["warning"]
                .as_str()
                .is_some_and(|w| w.contains("has no version in language"))
        })
        .count();
    assert_eq!(warned, in_english_for_want);
    // On the terminal, one line for them all rather than one a patient.
    assert!(!said.contains("has no version in language"), "{said}");
    // Nothing of a patient's on the terminal, their ids included: jobs are named by the
    // Patient's line, as the CSV batch names rows.
    assert!(!said.contains("p000") && !said.contains("nobody"), "{said}");
    assert!(
        said.contains(&format!(
            "note: {in_english_for_want} handouts are built in the handout's own language"
        )),
        "{said}"
    );

    // One DocumentReference a PDF, each holding that very file, for that patient.
    let documents = out.join("DocumentReference.ndjson");
    let seen = validated(&documents, &out);
    let filed: BTreeMap<String, String> = seen
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(filed.len(), seen.len(), "two references hold the same PDF");
    assert_eq!(filed.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for (file, subject) in &filed {
        assert_eq!(&format!("Patient/{}", &file[8..14]), subject, "{file}");
    }
    for doc in &seen {
        let file = doc["file"].as_str().unwrap();
        let language = doc["language"].as_str().unwrap();
        let expected_language = match () {
            _ if file.contains("-es-") => "es",
            _ if file.contains("-vi-") => "vi",
            _ if file.contains("-zh-hant-") => "zh-Hant",
            _ => "en-US",
        };
        assert_eq!(language, expected_language, "{file}");
    }

    // The name printed is the official one; the file names hold none of it.
    let text = common::page_texts(
        &std::fs::read(out.join(format!("patient-p00000-{ID}-es-brief.pdf"))).unwrap(),
        "fhir-name",
    )
    .join(" ");
    assert!(text.contains("María José Ana García López"), "{text}");
    assert!(!text.contains("Formerly"), "an old name was printed");
    for file in pdfs_in(&out) {
        assert!(
            !file.contains("garcia") && !file.contains("maria"),
            "{file}"
        );
    }

    // A rerun finds everything up to date and files the same references again.
    let before = std::fs::read(&documents).unwrap();
    let second = run();
    assert_eq!(second.status.code(), Some(1));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["written"], 0);
    assert_eq!(report["summary"]["up_to_date"], expected.len());
    assert_eq!(
        std::fs::read(&documents).unwrap(),
        before,
        "same export, same SOURCE_DATE_EPOCH: the same DocumentReference.ndjson"
    );
}

#[test]
fn numbered_gzipped_parts_and_shards_make_the_same_documents() {
    let dir = scratch("fhir-parts");
    let handouts = dir.join("handouts");
    std::fs::create_dir_all(&handouts).unwrap();
    library(&handouts);
    export(&dir.join("whole"), &["--patients", "18"]);
    export(
        &dir.join("parts"),
        &["--patients", "18", "--parts", "3", "--gzip"],
    );
    let batch = |input: &str, out: &str, shard: Option<&str>| {
        let mut args = vec![
            "batch",
            "--fhir-ndjson",
            input,
            "--handouts",
            "handouts",
            "--out-dir",
            out,
            "--quiet",
        ];
        if let Some(shard) = shard {
            args.extend(["--shard", shard]);
        }
        let done = handout(&dir, &args);
        assert!(
            done.status.success(),
            "{input} {shard:?}: {}",
            stderr(&done)
        );
    };
    batch("whole", "out-whole", None);
    batch("parts", "out-parts", None);
    let whole = std::fs::read(dir.join("out-whole/DocumentReference.ndjson")).unwrap();
    assert_eq!(
        whole,
        std::fs::read(dir.join("out-parts/DocumentReference.ndjson")).unwrap(),
        "gzipped numbered parts read as the one file"
    );
    assert_eq!(pdfs_in(&dir.join("out-whole")), expected_files(18));

    batch("whole", "out-shards", Some("1/2"));
    batch("whole", "out-shards", Some("2/2"));
    assert_eq!(pdfs_in(&dir.join("out-shards")), expected_files(18));
    let mut lines: Vec<String> = ["1-of-2", "2-of-2"]
        .iter()
        .flat_map(|part| {
            let file = dir.join(format!("out-shards/DocumentReference.{part}.ndjson"));
            let text = std::fs::read_to_string(&file).expect("one file a shard");
            assert!(!text.is_empty(), "{part} filed nothing");
            text.lines().map(String::from).collect::<Vec<_>>()
        })
        .collect();
    let mut all: Vec<String> = String::from_utf8(whole)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines.sort();
    all.sort();
    assert_eq!(lines, all, "the shards together file each PDF exactly once");
}

#[test]
fn an_export_without_patients_or_handouts_is_refused_whole() {
    let dir = scratch("fhir-refused");
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::write(dir.join("empty/Condition.ndjson"), "").unwrap();
    let out = handout(
        &dir,
        &[
            "batch",
            "--fhir-ndjson",
            "empty",
            "--handouts",
            root().join("handouts").to_str().unwrap(),
            "--out-dir",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has no Patient NDJSON file"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.join("out").exists(),
        "a refused run made its output folder"
    );

    let library = root().join("handouts");
    let library = library.to_str().unwrap();
    let missing = handout(
        &dir,
        &[
            "batch",
            "--fhir-ndjson",
            "nowhere",
            "--handouts",
            library,
            "--out-dir",
            "out",
        ],
    );
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("nowhere"), "{}", stderr(&missing));

    export(&dir.join("export"), &["--patients", "6"]);
    let wrong_preset = handout(
        &dir,
        &[
            "batch",
            "--fhir-ndjson",
            "export",
            "--handouts",
            root().join("handouts").to_str().unwrap(),
            "--out-dir",
            "out2",
            "--preset",
            "shortest",
            "--quiet",
        ],
    );
    assert_eq!(wrong_preset.status.code(), Some(2));
    assert!(
        stderr(&wrong_preset).contains(
            "--preset \"shortest\": no handout in the library has it; valid presets: brief, full"
        ),
        "{}",
        stderr(&wrong_preset)
    );
    assert!(!dir.join("out2").exists(), "nothing built, nothing filed");
}

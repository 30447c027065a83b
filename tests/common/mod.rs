//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use handout::model::{self, Handout};
use handout::pipeline::{self, Options, Output};
use handout::select::Selection;
use handout::vocabulary::Paper;

pub mod server;

pub const BUNDLED: &str = "handouts/l3-l4-foraminal-narrowing.toml";
pub const SPANISH: &str = "handouts/l3-l4-foraminal-narrowing.es.toml";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bundled() -> (Handout, PathBuf) {
    let path = root().join(BUNDLED);
    let (handout, _) = model::load(&path).expect("the bundled handout loads");
    (handout, path)
}

pub fn build(selection: Selection, paper: Paper) -> (Handout, Output) {
    let (handout, path) = bundled();
    let options = Options {
        selection: Some(selection),
        paper: Some(paper),
        ..Options::default()
    };
    let output = pipeline::build(&handout, Path::new(BUNDLED), &options)
        .unwrap_or_else(|e| panic!("building {} failed: {e}", path.display()));
    (handout, output)
}

pub fn preset(name: &str) -> Selection {
    Selection::Preset(name.to_string())
}

/// A directory of one test's own, removed with everything in it when dropped (when the
/// test ends, passing or panicking).
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh directory for one test's files. Tests run in parallel threads of one process
/// and may ask for the same name (a helper called from several tests), so the name is
/// made unique by a counter as well as the process id: no two calls share a directory.
pub fn scratch(name: &str) -> Scratch {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("handout-test-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    Scratch(dir)
}

/// Collapses every run of whitespace to one space.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of each page, as poppler's pdftotext extracts it (a real PDF reader, not our
/// own code), whitespace-normalized.
pub fn page_texts(pdf: &[u8], name: &str) -> Vec<String> {
    let dir = scratch(&format!("text-{name}"));
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).expect("write pdf");
    let pages = page_count(&file);
    (1..=pages)
        .map(|page| {
            let out = Command::new("pdftotext")
                .args([
                    "-f",
                    &page.to_string(),
                    "-l",
                    &page.to_string(),
                    "-enc",
                    "UTF-8",
                ])
                .arg(&file)
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) must be installed: .ci/run installs it");
            assert!(out.status.success(), "pdftotext failed on page {page}");
            normalize(&String::from_utf8_lossy(&out.stdout))
        })
        .collect()
}

/// Number of pages according to poppler's pdfinfo.
pub fn page_count(file: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(file)
        .output()
        .expect("pdfinfo (poppler-utils) must be installed: .ci/run installs it");
    assert!(out.status.success(), "pdfinfo rejected {}", file.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|n| n.trim().parse().expect("page count"))
        })
        .expect("pdfinfo prints Pages:")
}

/// Builds a handout (path relative to the repository) with the given options.
pub fn build_with(handout: &str, options: &Options<'_>) -> Output {
    let (h, _) = model::load(&root().join(handout)).expect("handout loads");
    pipeline::build(&h, Path::new(handout), options)
        .unwrap_or_else(|e| panic!("building {handout} failed: {e}"))
}

pub fn load(handout: &str) -> Handout {
    model::load(&root().join(handout)).expect("handout loads").0
}

/// A profile from `profiles/`.
pub fn profile(name: &str) -> handout::profile::Profile {
    handout::profile::load(&root().join("profiles").join(name)).expect("profile loads")
}

/// The personal details used by the personalization tests.
pub fn jane_doe() -> handout::personal::Personal {
    handout::personal::Personal {
        patient: Some("Jane Doe".into()),
        date: Some("2026-11-25".parse().unwrap()),
        clinician: Some("Dr. Maria Lee".into()),
        follow_up: Some("Return in 2 weeks, or sooner if the pain spreads".into()),
        notes: vec![
            "Walk for 20 minutes every day, even on days with some pain.".into(),
            "Use a heat pack for 15 minutes before your stretching exercises.".into(),
        ],
        notes_area: true,
    }
}

/// Runs the `handout` binary in `dir`, without `SOURCE_DATE_EPOCH` from the environment.
pub fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove(handout::render::UNCOMPRESSED_VAR)
        .output()
        .expect("run handout")
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The bundled handout's absolute path, as a string for command lines.
pub fn bundled_arg() -> String {
    root().join(BUNDLED).display().to_string()
}

/// The Python that has the reference tools the tests compare against (`page`,
/// `textstat`): `scripts/test` installs them into a venv and names it in
/// `HANDOUT_PYTHON`.
pub fn tools_python() -> PathBuf {
    if let Some(python) = std::env::var_os("HANDOUT_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = root().join("target/py-tools/bin/python");
    assert!(
        venv.exists(),
        "the reference tools are not installed: run scripts/test, which installs \
         page-validation and textstat into target/py-tools (or set HANDOUT_PYTHON)"
    );
    venv
}

/// What MuPDF says about a file when it reads its structure (`mutool info`) and draws
/// every page (`mutool draw`): errors and warnings, one per line; empty when it reads
/// cleanly.
pub fn mupdf_complaints(file: &Path) -> Vec<String> {
    let mut complaints = Vec::new();
    let info = Command::new("mutool")
        .arg("info")
        .arg(file)
        .output()
        .expect("mutool (mupdf-tools) must be installed: .ci/run installs it");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&info.stdout),
        String::from_utf8_lossy(&info.stderr)
    );
    if !info.status.success() {
        complaints.push(format!("mutool info failed: {all}"));
    }
    complaints.extend(
        all.lines()
            .filter(|l| l.contains("error") || l.contains("warning"))
            .map(String::from),
    );
    let draw = Command::new("mutool")
        .args(["draw", "-q", "-o", "/dev/null", "-F", "txt"])
        .arg(file)
        .output()
        .expect("mutool draw");
    if !draw.status.success() {
        complaints.push("mutool draw failed".into());
    }
    // Debian's mutool is built without colour management and says so on every run;
    // that line is about the tool, not the file.
    complaints.extend(
        String::from_utf8_lossy(&draw.stderr)
            .lines()
            .filter(|l| !l.contains("ICC support is not available"))
            .map(String::from),
    );
    complaints
}

/// How far a text box's glyphs reach from its x, its trailing spaces left out: the
/// shaped advances, kerning included, as the PDF draws them.
pub fn drawn_width(t: &handout::layout::Text) -> f32 {
    let mut glyphs = &t.glyphs[..];
    while let Some((last, rest)) = glyphs.split_last() {
        if t.text[last.cluster as usize..].starts_with(char::is_whitespace) {
            glyphs = rest;
        } else {
            break;
        }
    }
    glyphs.iter().map(|g| g.advance).sum()
}

/// What `handout build` writes with these arguments, run from the repository.
pub fn cli_pdf(args: &[&str]) -> Vec<u8> {
    let dir = scratch("cli-pdf");
    let out = dir.join("cli.pdf");
    let run = Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(root())
        .arg("build")
        .args(args)
        .arg("-o")
        .arg(&out)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("handout build");
    assert!(run.status.success(), "{}", stderr(&run));
    std::fs::read(&out).expect("the CLI wrote its PDF")
}

/// The clinic overlay of `docs/handout-format.md` ("Clinic overlays"), as written there.
pub fn overlay_example() -> String {
    let doc = std::fs::read_to_string(root().join("docs/handout-format.md")).expect("format doc");
    let (_, from_heading) = doc
        .split_once("## Clinic overlays")
        .expect("the format doc has a Clinic overlays section");
    let (_, block) = from_heading
        .split_once("```toml\n")
        .expect("with a TOML example");
    block
        .split_once("```")
        .expect("a closed example")
        .0
        .to_string()
}

/// A folder holding the bundled English handout and `files` (name, text) beside it.
pub fn library_with(name: &str, files: &[(&str, &str)]) -> Scratch {
    let dir = scratch(name);
    let bundled = root().join("handouts");
    for file in [
        "l3-l4-foraminal-narrowing.toml",
        "l3-l4-foraminal-narrowing.es.toml",
    ] {
        std::fs::copy(bundled.join(file), dir.join(file)).expect("copy bundled handout");
    }
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write library file");
    }
    dir
}

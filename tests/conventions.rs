//! The command-line conventions a Unix user and a clinic's IT expect: standard input and
//! output, handouts named by id, shell completions, manual pages, `--json` for scripts
//! and `handout new` for a first handout.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const ID: &str = "l3-l4-foraminal-narrowing";

fn handout() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handout"));
    command.env_remove("SOURCE_DATE_EPOCH");
    command
}

/// Runs `handout args` in `dir` with `input` on standard input.
fn run_with_input(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = handout()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run handout");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait for handout")
}

fn library_arg() -> String {
    common::root().join("handouts").display().to_string()
}

fn pdf_text(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) must be installed: scripts/test installs it");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext could not read the PDF");
    common::normalize(&String::from_utf8_lossy(&out.stdout))
}

#[test]
fn the_pdf_goes_to_standard_output_and_reads_back() {
    let dir = common::scratch("conv-stdout");
    let out = common::run(
        &dir,
        &[
            "build",
            ID,
            "--handouts",
            &library_arg(),
            "--preset",
            "brief",
            "-o",
            "-",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(out.stdout.starts_with(b"%PDF-"));
    assert!(out.stdout.ends_with(b"%%EOF\n") || out.stdout.ends_with(b"%%EOF"));
    let text = pdf_text(&out.stdout);
    assert!(text.contains("When to get help"), "{text}");
    assert!(text.contains("Page 1 of 1"), "{text}");
    assert!(common::stderr(&out).contains("wrote standard output (1 page)"));
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "nothing is written beside it, not even a file named -"
    );

    // The same bytes as a build to a file.
    let file = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--preset",
            "brief",
            "-o",
            "b.pdf",
        ],
    );
    assert!(file.status.success(), "{}", common::stderr(&file));
    assert_eq!(std::fs::read(dir.join("b.pdf")).unwrap(), out.stdout);
}

#[test]
fn a_pdf_is_not_written_to_a_terminal() {
    // `script` runs the command with a terminal as its standard output.
    let dir = common::scratch("conv-tty");
    let command = format!(
        "{} build {} --preset brief -o -",
        env!("CARGO_BIN_EXE_handout"),
        common::bundled_arg()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs the command on a terminal");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("standard output, which is a terminal"),
        "{shown}"
    );
    assert!(!shown.contains("%PDF"), "{shown}");
}

#[test]
fn a_handout_is_read_from_standard_input() {
    let dir = common::scratch("conv-stdin");
    let text = std::fs::read(common::bundled_arg()).unwrap();
    let out = run_with_input(&dir, &["build", "-", "--preset", "brief"], &text);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let pdf = std::fs::read(dir.join(format!("{ID}-brief.pdf"))).unwrap();
    assert!(pdf_text(&pdf).contains("When to get help"));

    let broken = String::from_utf8(text)
        .unwrap()
        .replacen("title = \"", "title = ", 1);
    let out = run_with_input(&dir, &["build", "-", "-o", "x.pdf"], broken.as_bytes());
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: <stdin>:10:9:"), "{err}");
    assert!(!dir.join("x.pdf").exists());
}

#[test]
fn a_handout_is_found_by_id_and_language() {
    let dir = common::scratch("conv-id");
    let library = library_arg();
    let build = |extra: &[&str]| {
        let mut args = vec!["build", ID, "--handouts", &library, "--preset", "brief"];
        args.extend_from_slice(extra);
        common::run(&dir, &args)
    };
    let out = build(&["-o", "en.pdf"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(pdf_text(&std::fs::read(dir.join("en.pdf")).unwrap()).contains("When to get help"));

    let out = build(&["--language", "es-MX", "-o", "es.pdf"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let spanish = pdf_text(&std::fs::read(dir.join("es.pdf")).unwrap());
    assert!(spanish.contains("Página 1 de"), "{spanish}");

    // A language with no translation: the handout's own, with a warning that says so.
    let out = build(&["--language", "sw", "-o", "sw.pdf"]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: handout \"l3-l4-foraminal-narrowing\" has no version in language \"sw\"; building it in its own language, \"en-US\""),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.join("sw.pdf")).unwrap(),
        std::fs::read(dir.join("en.pdf")).unwrap()
    );

    // A file with --language: its translation from beside it.
    let out = common::run(
        &dir,
        &[
            "build",
            &common::bundled_arg(),
            "--language",
            "es",
            "--preset",
            "brief",
            "-o",
            "es-by-file.pdf",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(
        std::fs::read(dir.join("es-by-file.pdf")).unwrap(),
        std::fs::read(dir.join("es.pdf")).unwrap()
    );

    // Taiwan's Chinese is the Traditional translation, not the Simplified one.
    let out = build(&["--language", "zh-TW", "-o", "zh-tw.pdf"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let traditional = pdf_text(&std::fs::read(dir.join("zh-tw.pdf")).unwrap());
    assert!(traditional.contains("腰部神經"), "{traditional}");

    let out = common::run(&dir, &["build", "no-such-handout", "--handouts", &library]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        // Each id once, though fifteen files carry it in fifteen languages.
        err.contains(
            "no handout with id \"no-such-handout\"; known ids: l3-l4-foraminal-narrowing\n"
        ),
        "{err}"
    );
    // The default library is handouts/ in the working directory.
    let out = common::run(&dir, &["build", ID]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: cannot read handouts:"), "{err}");
}

#[test]
fn a_broken_handout_named_by_id_is_reported_at_its_line() {
    let dir = common::scratch("conv-id-broken");
    let library = dir.join("lib");
    std::fs::create_dir_all(&library).unwrap();
    let text = std::fs::read_to_string(common::bundled_arg()).unwrap();
    std::fs::write(
        library.join(format!("{ID}.toml")),
        text.replacen("language = \"en-US\"", "language = 5", 1),
    )
    .unwrap();
    std::fs::write(library.join("unrelated.toml"), "not = [valid").unwrap();
    let lib = library.display().to_string();
    let out = common::run(&dir, &["build", ID, "--handouts", &lib]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{ID}.toml:12:12:")), "{err}");
}

#[test]
fn json_reports_what_was_built() {
    let dir = common::scratch("conv-json");
    let text = std::fs::read_to_string(common::bundled_arg()).unwrap();
    let overdue = dir.join("overdue.toml");
    std::fs::write(
        &overdue,
        text.replacen("review_due = 2027-05-20", "review_due = 2020-01-01", 1)
            // A review falls due after the last change, which is checked.
            .replacen("last_updated = 2025-05-20", "last_updated = 2019-01-01", 1),
    )
    .unwrap();
    let out = common::run(
        &dir,
        &[
            "build",
            overdue.to_str().unwrap(),
            "--sections",
            "warning-signs,faq",
            "-o",
            "out.pdf",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("standard output is one JSON object");
    let pdf = std::fs::read(dir.join("out.pdf")).unwrap();
    assert_eq!(report["path"], "out.pdf");
    assert_eq!(report["bytes"], pdf.len());
    assert_eq!(
        report["pages"],
        common::page_count(&dir.join("out.pdf")),
        "{report}"
    );
    assert_eq!(
        report["sections"],
        serde_json::json!(["warning-signs", "faq"])
    );
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{report}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("review was due on 2020-01-01"),
        "{report}"
    );

    let out = common::run(
        &dir,
        &["build", &common::bundled_arg(), "-o", "-", "--json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("-o - and --json both want standard output"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn completions_load_in_bash_and_zsh() {
    let bin = env!("CARGO_BIN_EXE_handout");
    // bash: the script registers a completion that completes commands and options.
    let script = format!(
        "source <({bin} completions bash) || exit 3
         complete -p handout || exit 4
         COMP_WORDS=(handout bu); COMP_CWORD=1; _handout handout bu handout
         echo \"commands: ${{COMPREPLY[*]}}\"
         COMP_WORDS=(handout build --pre); COMP_CWORD=2; _handout handout --pre build
         echo \"options: ${{COMPREPLY[*]}}\""
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &script])
        .output()
        .expect("bash");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}{}", common::stderr(&out));
    assert!(shown.contains("commands: build"), "{shown}");
    assert!(shown.contains("options: --preset"), "{shown}");

    // zsh: compinit takes the script's #compdef and registers _handout for handout.
    let dir = common::scratch("conv-zsh");
    let out = handout().args(["completions", "zsh"]).output().unwrap();
    assert!(out.status.success());
    std::fs::write(dir.join("_handout"), &out.stdout).unwrap();
    let script = format!(
        "fpath=({} $fpath); autoload -Uz compinit && compinit -u -d {}/zcompdump; \
         print -r -- \"registered: ${{_comps[handout]}}\"",
        dir.display(),
        dir.display()
    );
    let out = Command::new("zsh")
        .args(["-f", "-c", &script])
        .output()
        .expect("zsh must be installed: scripts/test installs it");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}{}", common::stderr(&out));
    assert!(shown.contains("registered: _handout"), "{shown}");

    let out = handout().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_pages_render() {
    let dir = common::scratch("conv-man");
    let out = handout()
        .args(["man", "--out-dir", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "handout-batch.1",
            "handout-build.1",
            "handout-check.1",
            "handout-completions.1",
            "handout-list.1",
            "handout-man.1",
            "handout-new.1",
            "handout-serve.1",
            "handout-xliff.1",
            "handout.1"
        ]
    );
    let rendered = |page: &Path| {
        let out = Command::new("man")
            .args(["-l", "-P", "cat"])
            .arg(page)
            .env("MANWIDTH", "80")
            .output()
            .expect("man (man-db) must be installed: scripts/test installs it");
        assert!(out.status.success(), "{}", common::stderr(&out));
        common::normalize(&String::from_utf8_lossy(&out.stdout))
    };
    let top = rendered(&dir.join("handout.1"));
    assert!(
        top.contains("NAME handout - Turns TOML patient handouts"),
        "{top}"
    );
    assert!(top.contains("handout-build(1)"), "{top}");
    let build = rendered(&dir.join("handout-build.1"));
    assert!(
        build.contains("handout-build - Build a PDF from a handout"),
        "{build}"
    );
    assert!(build.contains("--language <TAG>"), "{build}");
    assert!(build.contains("for standard output"), "{build}");
    // The page printed alone is the same page.
    let out = handout().args(["man", "build"]).output().unwrap();
    assert_eq!(
        out.stdout,
        std::fs::read(dir.join("handout-build.1")).unwrap()
    );
}

#[test]
fn new_writes_a_starter_that_checks_and_builds_and_never_overwrites() {
    let dir = common::scratch("conv-new");
    std::fs::create_dir_all(dir.join("handouts")).unwrap();
    let out = common::run(
        &dir,
        &[
            "new",
            "low-back-pain",
            "--title",
            "Low back pain",
            "--language",
            "es",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let file = dir.join("handouts/low-back-pain.toml");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("id = \"low-back-pain\""));
    assert!(written.contains("language = \"es\""));

    let out = common::run(&dir, &["check", "handouts/low-back-pain.toml"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = common::run(&dir, &["build", "low-back-pain", "-o", "new.pdf"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = pdf_text(&std::fs::read(dir.join("new.pdf")).unwrap());
    assert!(text.contains("Low back pain"), "{text}");
    assert!(text.contains("Página 1 de"), "Spanish labels: {text}");

    // Never over an existing file.
    std::fs::write(&file, "mine").unwrap();
    let out = common::run(&dir, &["new", "low-back-pain"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");

    // Without handouts/, beside the working directory; -o - prints it.
    let bare = common::scratch("conv-new-bare");
    let out = common::run(&bare, &["new", "knee-pain"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(bare.join("knee-pain.toml").is_file());
    let out = common::run(&bare, &["new", "knee-pain", "-o", "-"]);
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        std::fs::read(bare.join("knee-pain.toml")).unwrap()
    );

    for bad in [
        vec!["new", "Knee Pain"],
        vec!["new", "knee", "--language", "english!"],
    ] {
        let out = common::run(&bare, &bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            common::stderr(&out)
        );
    }
    let out = common::run(&bare, &["new", "knee", "--title", "Knee \u{1F9B5} pain"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("U+1F9B5"),
        "{}",
        common::stderr(&out)
    );
    assert!(!bare.join("knee.toml").exists());
}

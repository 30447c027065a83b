//! `handout batch`: patient lists and manifests, failure isolation, reruns, shards,
//! reports and Ctrl-C.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn handouts_dir() -> String {
    common::root().join("handouts").display().to_string()
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tmp") || n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

fn is_complete_pdf(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF")
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).expect("the report is JSON")
}

const LIST: &str = "\u{FEFF}patient,handout,preset,sections,date,clinician,follow_up,note,language
\"Doe, Jane\",l3-l4-foraminal-narrowing,brief,,2026-11-25,Dr. Lee,In 2 weeks,\"Walk daily.

Heat, then stretch.\",
José Núñez,l3-l4-foraminal-narrowing,brief,,2026-11-25,,,,es
Sam Smith,no-such-handout,brief,,,,,,
Ann Lee,l3-l4-foraminal-narrowing,,warning-signs;do-and-avoid,,,,,
Bad Row,l3-l4-foraminal-narrowing
Kim Park,l3-l4-foraminal-narrowing,brief,,2026-13-45,,,,
";

#[test]
fn a_patient_list_builds_good_rows_and_reports_bad_ones() {
    let dir = common::scratch("batch-csv");
    std::fs::write(dir.join("list.csv"), LIST).unwrap();
    let out = common::run(
        &dir,
        &[
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts_dir(),
            "--out-dir",
            "out",
            "--report",
            "report.json",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("row 3: list.csv:6: no handout with id \"no-such-handout\""),
        "{err}"
    );
    assert!(
        err.contains("row 5: list.csv:8: has 2 fields where the header has 9"),
        "{err}"
    );
    assert!(
        err.contains("row 6: list.csv:9: --date \"2026-13-45\""),
        "{err}"
    );
    assert!(
        err.contains("batch: 3 written, 0 up to date, 3 failed, 0 not started"),
        "{err}"
    );

    let written = pdfs(&dir.join("out"));
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names.contains(&"l3-l4-foraminal-narrowing-brief-row-1.pdf".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"l3-l4-foraminal-narrowing-es-brief-row-2.pdf".to_string()),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("l3-l4-foraminal-narrowing-sections-")
                && n.ends_with("-row-4.pdf")),
        "{names:?}"
    );
    // Named by the row alone: no patient's name or visit date in any file name.
    for name in &names {
        for detail in ["doe", "jane", "jose", "nunez", "ann-lee", "2026"] {
            assert!(!name.contains(detail), "{name} names {detail:?}");
        }
    }
    assert!(leftovers(&dir.join("out")).is_empty());

    // The quoted name with a comma, the two-paragraph note and the Spanish row all arrive.
    let jane = std::fs::read(dir.join("out/l3-l4-foraminal-narrowing-brief-row-1.pdf")).unwrap();
    let text = common::page_texts(&jane, "batch-jane").join(" ");
    assert!(
        text.contains("For: Doe, Jane")
            && text.contains("Walk daily.")
            && text.contains("Heat, then stretch."),
        "{text}"
    );
    let jose = std::fs::read(dir.join("out/l3-l4-foraminal-narrowing-es-brief-row-2.pdf")).unwrap();
    assert!(common::page_texts(&jose, "batch-jose")
        .join(" ")
        .contains("Para: José Núñez"));

    let report = report(&dir.join("report.json"));
    assert_eq!(report["summary"]["written"], 3);
    assert_eq!(report["summary"]["failed"], 3);
    let jobs = report["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 6);
    for job in jobs {
        match job["status"].as_str().unwrap() {
            "written" => assert!(
                job["input_hash"].as_str().is_some_and(|h| h.len() == 32)
                    && job["output"].is_string()
            ),
            "failed" => assert!(job["error"].as_str().is_some_and(|e| !e.is_empty())),
            other => panic!("unexpected status {other}"),
        }
    }

    // A rerun skips what is up to date; --force rebuilds it.
    let out = common::run(
        &dir,
        &[
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts_dir(),
            "--out-dir",
            "out",
            "--quiet",
        ],
    );
    assert!(
        common::stderr(&out).contains("0 written, 3 up to date, 3 failed"),
        "{}",
        common::stderr(&out)
    );
    let out = common::run(
        &dir,
        &[
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts_dir(),
            "--out-dir",
            "out",
            "--quiet",
            "--force",
        ],
    );
    assert!(
        common::stderr(&out).contains("3 written, 0 up to date, 3 failed"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn a_changed_row_is_rebuilt_and_the_rest_skipped() {
    let dir = common::scratch("batch-change");
    let list = "patient,handout,preset\nA One,l3-l4-foraminal-narrowing,brief\nB Two,l3-l4-foraminal-narrowing,brief\n";
    std::fs::write(dir.join("list.csv"), list).unwrap();
    let args = [
        "batch",
        "--csv",
        "list.csv",
        "--handouts",
        &handouts_dir(),
        "--out-dir",
        "out",
        "--quiet",
    ];
    assert!(common::run(&dir, &args).status.success());
    std::fs::write(
        dir.join("list.csv"),
        list.replace(
            "B Two,l3-l4-foraminal-narrowing,brief",
            "B Two,l3-l4-foraminal-narrowing,full",
        ),
    )
    .unwrap();
    let out = common::run(&dir, &args);
    assert!(
        common::stderr(&out).contains("1 written, 1 up to date, 0 failed"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn list_level_mistakes_stop_before_any_work() {
    let dir = common::scratch("batch-columns");
    std::fs::write(
        dir.join("list.csv"),
        "patient,handout,colour\nA,l3-l4-foraminal-narrowing,red\n",
    )
    .unwrap();
    let out = common::run(
        &dir,
        &[
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts_dir(),
            "--out-dir",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("unknown column `colour`")
            && common::stderr(&out).contains("valid columns: patient, handout"),
        "{}",
        common::stderr(&out)
    );
    std::fs::write(
        dir.join("list.csv"),
        "name,handout\nA,l3-l4-foraminal-narrowing\n",
    )
    .unwrap();
    let out = common::run(
        &dir,
        &[
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts_dir(),
            "--out-dir",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.join("out").exists());
    let out = common::run(
        &dir,
        &["batch", "--csv", "list.csv", "--handouts", &handouts_dir()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
}

#[test]
fn two_jobs_for_the_same_file_both_fail_naming_each_other() {
    // A patient list's rows each get their own file (named by the row); a manifest's jobs
    // can still meet on one.
    let dir = common::scratch("batch-clash");
    let handout = format!("{}/l3-l4-foraminal-narrowing.toml", handouts_dir());
    let manifest = format!(
        "[[job]]\nhandouts = \"{handout}\"\npreset = \"brief\"\n\n\
         [[job]]\nhandouts = \"{handout}\"\npreset = \"brief\"\n\n\
         [[job]]\nhandouts = \"{handout}\"\npreset = \"full\"\n"
    );
    std::fs::write(dir.join("library.toml"), manifest).unwrap();
    let out = common::run(
        &dir,
        &["batch", "library.toml", "--out-dir", "out", "--quiet"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(
        err.contains("job 1") && err.contains("job 2") && err.contains("would all write"),
        "{err}"
    );
    assert_eq!(pdfs(&dir.join("out")).len(), 1);
}

#[test]
fn shards_split_the_work_without_overlap() {
    let dir = common::scratch("batch-shards");
    let mut list = String::from("patient,handout,preset\n");
    for i in 0..12 {
        list.push_str(&format!("Patient {i},l3-l4-foraminal-narrowing,brief\n"));
    }
    std::fs::write(dir.join("list.csv"), list).unwrap();
    let mut counts = Vec::new();
    for k in 1..=3 {
        let shard_dir = format!("out{k}");
        let shard = format!("{k}/3");
        let out = common::run(
            &dir,
            &[
                "batch",
                "--csv",
                "list.csv",
                "--handouts",
                &handouts_dir(),
                "--out-dir",
                &shard_dir,
                "--shard",
                &shard,
                "--quiet",
            ],
        );
        assert!(out.status.success(), "{}", common::stderr(&out));
        counts.push(pdfs(&dir.join(&shard_dir)));
    }
    let mut all: Vec<String> = counts
        .iter()
        .flatten()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(all.len(), 12);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 12, "a job ran in two shards");
    assert!(
        counts.iter().all(|c| !c.is_empty()),
        "a shard got nothing: {:?}",
        counts.iter().map(Vec::len).collect::<Vec<_>>()
    );
}

#[test]
fn a_manifest_builds_every_matching_handout() {
    let dir = common::scratch("batch-manifest");
    let manifest = format!(
        "out_dir = \"library\"\n\n[[job]]\nhandouts = \"{}/*.toml\"\npreset = \"brief\"\nprofile = \"{}\"\n\n[[job]]\nhandouts = \"{}/l3-l4-foraminal-narrowing.toml\"\npreset = \"brief\"\nlarge_print = true\npaper = \"a4\"\n",
        handouts_dir(),
        common::root().join("profiles/riverside-spine.toml").display(),
        handouts_dir()
    );
    std::fs::write(dir.join("library.toml"), manifest).unwrap();
    let out = common::run(&dir, &["batch", "library.toml", "--quiet"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let names: Vec<String> = pdfs(&dir.join("library"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // The first job: every handout, each named after its id and, for a translation
    // (which shares the id), its language, as its file is (`ID.zh-Hans.toml` makes
    // `ID-zh-hans-…`); the second: one more.
    let mut expected: Vec<String> = std::fs::read_dir(handouts_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy();
            let (handout, _) = handout::model::load(&p).unwrap();
            assert_eq!(handout.meta.id, stem.split('.').next().unwrap());
            format!(
                "{}-brief-riverside-spine.pdf",
                stem.replace('.', "-").to_lowercase()
            )
        })
        .chain(["l3-l4-foraminal-narrowing-brief-large-print-a4.pdf".to_string()])
        .collect();
    expected.sort();
    assert!(expected.len() >= 16);
    assert_eq!(names, expected);
    for pdf in pdfs(&dir.join("library")) {
        assert!(is_complete_pdf(&pdf));
    }
}

/// Opens a FIFO for writing without blocking: `Ok` only once a reader has it open.
fn open_fifo_writer(fifo: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Linux's O_NONBLOCK: without a reader the open fails at once (ENXIO) instead of
    // waiting, so the test can give up after its ceiling.
    const O_NONBLOCK: i32 = 0o4000;
    std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(O_NONBLOCK)
        .open(fifo)
}

#[test]
fn ctrl_c_stops_cleanly_and_a_rerun_finishes_the_rest() {
    interrupted_batch_stops_cleanly_and_a_rerun_finishes_the_rest("INT");
}

#[test]
fn sigterm_stops_cleanly_and_a_rerun_finishes_the_rest() {
    interrupted_batch_stops_cleanly_and_a_rerun_finishes_the_rest("TERM");
}

/// A batch sent `signal` (`INT` as Ctrl-C sends, `TERM` as systemd or Kubernetes send).
fn interrupted_batch_stops_cleanly_and_a_rerun_finishes_the_rest(signal: &str) {
    let dir = common::scratch("batch-interrupt");
    let rows = 300;
    // The first job is the Chinese brief, which reads Noto Sans CJK when it first needs
    // it, from HANDOUT_FONTS first: there the file is a FIFO, so the job waits in its open
    // until this test lets it through (it then falls back to the installed font). The
    // interrupt thus arrives while a job is under way and before any other has started,
    // however fast or loaded the machine.
    let fonts = dir.join("fonts");
    std::fs::create_dir(&fonts).unwrap();
    let fifo = fonts.join("NotoSansCJK-Regular.ttc");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let mut list = String::from("patient,handout,preset\n");
    list.push_str("Zhang Wei,l3-l4-foraminal-narrowing-zh-hans,brief\n");
    for i in 1..rows {
        list.push_str(&format!("Patient {i:04},l3-l4-foraminal-narrowing,brief\n"));
    }
    std::fs::write(dir.join("list.csv"), list).unwrap();
    let args = [
        "batch",
        "--csv",
        "list.csv",
        "--handouts",
        &handouts_dir(),
        "--out-dir",
        "out",
        "-j",
        "1",
        "--report",
        "report.json",
        "--quiet",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(&dir)
        .args(args)
        .env("HANDOUT_FONTS", &fonts)
        .env_remove("SOURCE_DATE_EPOCH")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the Chinese job to be held in its open, then interrupt.
    let started = std::time::Instant::now();
    let held = loop {
        if let Ok(writer) = open_fifo_writer(&fifo) {
            break writer;
        }
        if started.elapsed().as_secs() > 120 || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!("the Chinese job never opened the font");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Let the job through: closing the write end gives it an empty file, which it
    // passes over for the installed font. Any later open of the FIFO is let through too.
    drop(held);
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let feeder = {
        let (fifo, finished) = (fifo.clone(), finished.clone());
        std::thread::spawn(move || {
            while !finished.load(std::sync::atomic::Ordering::SeqCst) {
                if open_fifo_writer(&fifo).is_err() {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
        })
    };
    let out = child.wait_with_output().unwrap();
    finished.store(true, std::sync::atomic::Ordering::SeqCst);
    feeder.join().unwrap();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    let done = pdfs(&dir.join("out"));
    // The job under way when the interrupt came was finished, not abandoned.
    let chinese = dir.join("out/l3-l4-foraminal-narrowing-zh-hans-brief-row-1.pdf");
    assert!(done.contains(&chinese), "{done:?}\n{err}");
    assert!(done.len() < rows, "nothing was left unstarted: {err}");
    assert!(
        leftovers(&dir.join("out")).is_empty(),
        "temp files left: {:?}",
        leftovers(&dir.join("out"))
    );
    for pdf in &done {
        assert!(is_complete_pdf(pdf), "{} is incomplete", pdf.display());
    }
    let summary = &report(&dir.join("report.json"))["summary"];
    assert_eq!(summary["stopped"], "interrupted", "{summary}");
    assert_eq!(summary["not_started"], rows - done.len(), "{summary}");
    let out = common::run(&dir, &args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let expected = format!(
        "{} written, {} up to date, 0 failed, 0 not started",
        rows - done.len(),
        done.len()
    );
    assert!(
        common::stderr(&out).contains(&expected),
        "{} (expected {expected})",
        common::stderr(&out)
    );
    assert_eq!(pdfs(&dir.join("out")).len(), rows);
}

/// A valid PNG with one more chunk before its end: the same picture in other bytes.
fn png_with_text(png: &[u8], text: &[u8]) -> Vec<u8> {
    let end = png.len() - 12;
    assert_eq!(&png[end + 4..end + 8], b"IEND", "the PNG ends with IEND");
    let mut chunk = b"tEXt".to_vec();
    chunk.extend_from_slice(text);
    let mut crc = flate2::Crc::new();
    crc.update(&chunk);
    let mut out = png[..end].to_vec();
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out.extend_from_slice(&png[end..]);
    out
}

#[test]
fn a_change_to_the_handout_profile_logo_or_fonts_rebuilds_every_pdf_it_made() {
    let dir = common::scratch("batch-inputs");
    let root = common::root();
    std::fs::create_dir(dir.join("handouts")).unwrap();
    let handout = dir.join("handouts/l3-l4-foraminal-narrowing.toml");
    std::fs::copy(root.join(common::BUNDLED), &handout).unwrap();
    let profile = dir.join("riverside-spine.toml");
    std::fs::copy(root.join("profiles/riverside-spine.toml"), &profile).unwrap();
    let logo = dir.join("riverside-logo.png");
    std::fs::copy(root.join("profiles/riverside-logo.png"), &logo).unwrap();
    std::fs::create_dir(dir.join("fonts")).unwrap();
    let list = "patient,handout,preset\nA One,l3-l4-foraminal-narrowing,brief\n\
                B Two,l3-l4-foraminal-narrowing,brief\n";
    std::fs::write(dir.join("list.csv"), list).unwrap();
    let run = |fonts: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_handout"))
            .current_dir(&dir)
            .args([
                "batch",
                "--csv",
                "list.csv",
                "--handouts",
                "handouts",
                "--profile",
                "riverside-spine.toml",
                "--out-dir",
                "out",
                "--quiet",
            ])
            .env("HANDOUT_FONTS", fonts)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run handout");
        let err = common::stderr(&out);
        assert!(out.status.success(), "{err}");
        err
    };
    let no_fonts = dir.join("fonts");
    let summary = |written: usize| {
        format!(
            "batch: {written} written, {} up to date, 0 failed",
            2 - written
        )
    };
    assert!(run(&no_fonts).contains(&summary(2)));
    assert!(run(&no_fonts).contains(&summary(0)), "nothing changed");
    let text = std::fs::read_to_string(&handout).unwrap();
    let edited = text.replacen("Walk", "Stroll", 1);
    assert_ne!(edited, text);
    std::fs::write(&handout, edited).unwrap();
    assert!(run(&no_fonts).contains(&summary(2)), "the handout changed");
    let text = std::fs::read_to_string(&profile).unwrap();
    let edited = text.replace("phone = \"555-0100\"", "phone = \"555-0199\"");
    assert_ne!(edited, text);
    std::fs::write(&profile, edited).unwrap();
    assert!(run(&no_fonts).contains(&summary(2)), "the profile changed");
    let png = std::fs::read(&logo).unwrap();
    std::fs::write(&logo, png_with_text(&png, b"Comment\0redrawn")).unwrap();
    assert!(run(&no_fonts).contains(&summary(2)), "the logo changed");
    assert!(run(&no_fonts).contains(&summary(0)), "nothing changed");
    // Another Noto Sans CJK found first (as after an upgrade of fonts-noto-cjk).
    let other_fonts = dir.join("other-fonts");
    std::fs::create_dir(&other_fonts).unwrap();
    let installed = handout::fonts::system::candidates();
    assert!(!installed.is_empty(), "fonts-noto-cjk is not installed");
    for font in &installed {
        std::os::unix::fs::symlink(font, other_fonts.join(font.file_name().unwrap())).unwrap();
    }
    assert!(run(&other_fonts).contains(&summary(2)), "the fonts changed");
    assert!(run(&other_fonts).contains(&summary(0)), "nothing changed");
}

/// Runs `handout args…` in `dir` with a tmpfs of `size` mounted on `dir/tiny`, in a user
/// and mount namespace of its own (`unshare -rm`, so no root is needed), then copies
/// what the tmpfs held to `dir/kept`: the tmpfs goes when the namespace does.
fn on_a_tiny_disk(dir: &Path, size: &str, args: &[&str]) -> std::process::Output {
    std::fs::create_dir_all(dir.join("tiny")).unwrap();
    std::fs::create_dir_all(dir.join("kept")).unwrap();
    let script = "mount -t tmpfs -o size=\"$0\" tmpfs tiny || exit 97
        \"$@\"; code=$?
        cp -a tiny/. kept/ || exit 98
        exit $code";
    let out = Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            script,
            size,
            env!("CARGO_BIN_EXE_handout"),
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove(handout::render::UNCOMPRESSED_VAR)
        .output()
        .expect("`unshare` (util-linux) must be installed: it gives the test a tiny disk");
    let err = common::stderr(&out);
    assert_ne!(out.status.code(), Some(97), "cannot mount a tmpfs: {err}");
    assert_ne!(out.status.code(), Some(98), "cannot copy the tmpfs: {err}");
    out
}

/// A patient list of `rows` briefs of the bundled handout, for patients by number.
fn write_brief_list(path: &Path, rows: usize) {
    let mut list = String::from("patient,handout,preset\n");
    for i in 1..=rows {
        list.push_str(&format!("Patient {i:04},l3-l4-foraminal-narrowing,brief\n"));
    }
    std::fs::write(path, list).unwrap();
}

#[test]
fn a_full_disk_stops_the_batch_once_and_a_rerun_builds_the_rest() {
    let dir = common::scratch("batch-disk-full");
    // A brief is about 30 KB, so the 3 MB disk fills at about a third of the list.
    let rows = 300;
    write_brief_list(&dir.join("list.csv"), rows);
    let handouts = handouts_dir();
    let args = [
        "batch",
        "--csv",
        "list.csv",
        "--handouts",
        &handouts,
        "--out-dir",
        "tiny",
        "--report",
        "report.json",
        "--quiet",
    ];
    let out = on_a_tiny_disk(&dir, "3m", &args);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("disk is full").count(), 1, "said once: {err}");
    assert!(!err.contains("error: row"), "a row failed: {err}");
    let kept = dir.join("kept");
    let written = pdfs(&kept);
    let n = written.len();
    assert!(n > 0 && n < rows, "{n} of {rows} fitted: {err}");
    assert!(
        err.contains("error: the disk is full (No space left on device) writing tiny/")
            && err.contains(&format!(
                ": {n} handouts written; free some space and run the same command again \
                 to build the other {}",
                rows - n
            )),
        "{err}"
    );
    assert!(leftovers(&kept).is_empty(), "{:?}", leftovers(&kept));
    for pdf in &written {
        assert!(is_complete_pdf(pdf), "{} is incomplete", pdf.display());
    }
    let first = report(&dir.join("report.json"));
    let summary = &first["summary"];
    assert_eq!(summary["written"], n, "{summary}");
    assert_eq!(summary["not_started"], rows - n, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["stopped"], "disk-full", "{summary}");
    let jobs = first["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), rows);
    let status = |s: &str| jobs.iter().filter(|j| j["status"] == s).count();
    assert_eq!((status("written"), status("not-started")), (n, rows - n));
    // The job that found the disk full is the one with an error, and it is left to
    // the rerun.
    let errors: Vec<_> = jobs.iter().filter(|j| !j["error"].is_null()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["status"], "not-started");
    assert!(errors[0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("the disk is full")));

    // The same command, once there is room (the outputs moved to the roomy disk).
    std::fs::remove_dir(dir.join("tiny")).unwrap();
    std::fs::rename(&kept, dir.join("tiny")).unwrap();
    let out = common::run(&dir, &args);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "batch: {} written, {n} up to date, 0 failed, 0 not started",
            rows - n
        )),
        "{err}"
    );
    assert_eq!(pdfs(&dir.join("tiny")).len(), rows);
    assert!(report(&dir.join("report.json"))["summary"]
        .get("stopped")
        .is_none());
}

#[test]
fn a_report_with_no_room_is_a_clear_error_and_leaves_no_temporary_file() {
    let dir = common::scratch("batch-report-full");
    // About 250 bytes a job: 40 of them overflow a 4 KB disk.
    let rows = 40;
    write_brief_list(&dir.join("list.csv"), rows);
    let handouts = handouts_dir();
    let args = |report: &'static str| {
        [
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts,
            "--out-dir",
            "out",
            "--report",
            report,
            "--quiet",
        ]
        .map(String::from)
    };
    let first = args("tiny/report.json");
    let out = on_a_tiny_disk(&dir, "4k", &first.each_ref().map(String::as_str));
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("disk is full").count(), 1, "said once: {err}");
    // The jobs of the chunk under way were finished before the report filled its disk.
    assert!(
        err.contains(&format!(
            "error: the disk is full (No space left on device) writing tiny/report.json: \
             {rows} handouts written; free some space and run the same command again to \
             write tiny/report.json"
        )),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.join("kept")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(pdfs(&dir.join("out")).len(), rows);

    let second = args("report.json");
    let out = common::run(&dir, &second.each_ref().map(String::as_str));
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("batch: 0 written, {rows} up to date")),
        "{err}"
    );
    assert_eq!(
        report(&dir.join("report.json"))["summary"]["up_to_date"],
        rows
    );
}

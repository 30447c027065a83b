// The fuzz targets' bodies, shared by `fuzz/fuzz_targets/*` (cargo fuzz, libFuzzer) and
// `tests/fuzz_corpus.rs` (which replays the committed corpora in every test run).
// Errors are expected; a panic, a hang or a malformed PDF is a bug.

use std::path::{Path, PathBuf};

use handout::pipeline::{self, Options};
use handout::select::Selection;

/// A small valid handout the profile and CSV inputs are applied to.
pub const SMALL_HANDOUT: &str = r#"
disclaimer = "General information only."

[meta]
id = "small"
title = "A small handout"
language = "en-US"
last_updated = 2025-05-20
reviewed_by = "Fuzzing"

[presets]
brief = ["one"]

[[sections]]
id = "one"
title = "One"

[[sections.blocks]]
type = "bullets"
items = ["Walk every day.", "Rest when it hurts."]
"#;

/// A directory of one input's own for the files a target writes, removed when dropped.
/// Tests replay inputs on several threads at once; a directory shared between them would
/// let one input's batch see another's temporary file.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new() -> Scratch {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("handout-fuzz-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn assert_pdf(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "output does not start with %PDF-");
    assert!(
        pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF"),
        "output does not end with %%EOF"
    );
}

/// A build may refuse its input, but a failure of the PDF writer's own checks (an
/// annotation or structure element it cannot place) is a bug, as is a malformed file.
fn check_build(result: Result<pipeline::Output, handout::error::Error>) {
    match result {
        Ok(out) => assert_pdf(&out.pdf),
        Err(handout::error::Error::Pdf(why)) => panic!("the PDF writer failed: {why}"),
        Err(_) => {}
    }
}

/// Arbitrary bytes as a handout file: parse, validate, and build every preset.
pub fn handout_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.toml");
    let Ok(handout) = handout::model::parse(path, text) else {
        return;
    };
    let mut presets: Vec<String> = handout.presets.keys().cloned().collect();
    presets.push("full".into());
    for preset in presets {
        for large_print in [false, true] {
            let options = Options {
                selection: Some(Selection::Preset(preset.clone())),
                large_print,
                ..Options::default()
            };
            check_build(pipeline::build(&handout, path, &options));
        }
    }
}

/// Arbitrary bytes as a clinic profile (first byte even) or a batch patient list (odd).
pub fn profile_and_csv(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let scratch = Scratch::new();
    let dir = scratch.path();
    if selector % 2 == 0 {
        let path = dir.join("profile.toml");
        if std::fs::write(&path, rest).is_err() {
            return;
        }
        let Ok(profile) = handout::profile::load(&path) else {
            return;
        };
        let Ok(handout) = handout::model::parse(Path::new("small.toml"), SMALL_HANDOUT) else {
            panic!("the small handout must parse");
        };
        let options = Options {
            profile: Some(&profile),
            ..Options::default()
        };
        check_build(pipeline::build(&handout, Path::new("small.toml"), &options));
    } else {
        let handouts = dir.join("handouts");
        let _ = std::fs::create_dir_all(&handouts);
        let _ = std::fs::write(handouts.join("small.toml"), SMALL_HANDOUT);
        let list = dir.join("list.csv");
        if std::fs::write(&list, rest).is_err() {
            return;
        }
        let out_dir = dir.join("out");
        let _ = std::fs::remove_dir_all(&out_dir);
        let settings = handout::batch::Settings {
            source: handout::batch::Source::Csv {
                list,
                handouts,
            },
            out_dir: Some(out_dir.clone()),
            profile: None,
            threads: Some(1),
            formats: Vec::new(),
            quiet: true,
            report: None,
            force: true,
            shard: None,
            filed: 0,
        };
        let _ = handout::batch::run(&settings);
        // Whatever happened, no temporary file is left behind.
        if let Ok(entries) = std::fs::read_dir(&out_dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                assert!(!name.contains(".tmp"), "left behind: {name}");
            }
        }
    }
}

//! The fuzz targets' smoke test, run with every `cargo test`: the committed seed corpora
//! and every input that once crashed a target (`fuzz/regressions/`) go through the same
//! code the fuzzers run, and so do a few hundred random mutations of the seeds. The long
//! runs are `cargo fuzz` (see fuzz/README.md).

mod harness {
    #![allow(dead_code)]
    include!("../fuzz/harness.rs");
}

use std::path::PathBuf;

use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `fuzz/<kind>/<target>/`, sorted.
fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root().join("fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read corpus file");
            (p, bytes)
        })
        .collect()
}

fn replay(target: &str, run: fn(&[u8])) {
    let seeds = inputs("seeds", target);
    assert!(seeds.len() >= 2, "no seeds for {target}");
    // A missing or empty folder would make the replay of every past finding pass by
    // running nothing.
    let regressions = inputs("regressions", target);
    assert!(
        !regressions.is_empty(),
        "no past findings in fuzz/regressions/{target}/"
    );
    for (path, bytes) in seeds.iter().chain(&regressions) {
        let outcome = std::panic::catch_unwind(|| run(bytes));
        assert!(outcome.is_ok(), "{} panicked", path.display());
    }
}

#[test]
fn handout_seeds_and_regressions_run_clean() {
    replay("handout_toml", harness::handout_toml);
}

#[test]
fn profile_and_csv_seeds_and_regressions_run_clean() {
    replay("profile_and_csv", harness::profile_and_csv);
}

/// A seed with a few bytes changed, inserted or cut: close enough to valid input to
/// reach deep into parsing and layout. The small seeds only, so a case takes
/// milliseconds (the bundled handouts are replayed whole above).
fn mutated(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Vec<u8>> = inputs("seeds", target)
        .into_iter()
        .map(|(_, b)| b)
        .filter(|b| b.len() <= 8 * 1024)
        .collect();
    let edits = prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..6);
    (prop::sample::select(seeds), edits).prop_map(|(mut bytes, edits)| {
        for (at, kind, byte) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                2 => {
                    bytes.remove(i);
                }
                _ => bytes.truncate(i),
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mutated_handouts_never_panic(bytes in mutated("handout_toml")) {
        harness::handout_toml(&bytes);
    }

    #[test]
    fn mutated_profiles_and_lists_never_panic(bytes in mutated("profile_and_csv")) {
        harness::profile_and_csv(&bytes);
    }
}

//! `handout check`: validates handouts and proves every character can be drawn, writing
//! nothing; with `--readability`, the reading level of every section.

use std::path::{Path, PathBuf};

use super::{placeholders, summary, xliff};
use crate::error::Error;
use crate::library;
use crate::model::{self, Handout};
use crate::pipeline;
use crate::readability;

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Also report the reading level of every section and the longest sentences, by the
    /// handout's language: English by Flesch–Kincaid and SMOG grades; Spanish by
    /// Szigriszt-Pazos on the INFLESZ scale (with its band) and Fernández-Huerta; other
    /// languages are reported as not scored
    #[arg(long)]
    readability: bool,
    /// The highest Flesch–Kincaid grade accepted without a warning (English only;
    /// Spanish is held to INFLESZ 55, the start of its "normal" band)
    #[arg(long, default_value_t = 8.0, requires = "readability")]
    max_grade: f64,
    /// Fail (exit 1) on text left as `handout new` wrote it, on a translated section
    /// whose English changed since it was translated, and with --readability
    /// when a section reads above --max-grade (English) or below INFLESZ 55 (Spanish)
    #[arg(long)]
    strict: bool,
    /// Print the reading-level figures as JSON (one entry per file), with the text
    /// measured, so other tools can check or chart them
    #[arg(long, requires = "readability")]
    json: bool,
}

/// What `check --readability` was asked for.
#[derive(Debug, Clone, Copy)]
struct ReadabilityCheck {
    max_grade: f64,
    strict: bool,
    json: bool,
}

pub(super) fn run(args: &CheckArgs) -> Result<(), Error> {
    check(
        &args.files,
        args.strict,
        args.readability.then_some(ReadabilityCheck {
            max_grade: args.max_grade,
            strict: args.strict,
            json: args.json,
        }),
    )
}

fn check(
    args: &[PathBuf],
    strict: bool,
    readability: Option<ReadabilityCheck>,
) -> Result<(), Error> {
    let files = with_directories_expanded(args)?;
    let files = &files;
    let mut failed = 0;
    let mut reports = Vec::new();
    // Each handout's id and language, to find two files that claim the same.
    let mut claims: Vec<(String, String, PathBuf)> = Vec::new();
    let mut sources = xliff::Sources::default();
    for file in files {
        match library::load_file(file)
            .and_then(|loaded| pipeline::check(&loaded.handout, file).map(|()| loaded))
        {
            Ok(library::Loaded {
                handout,
                text,
                overlay,
                ..
            }) => {
                claims.push((
                    handout.meta.id.clone(),
                    handout.meta.language.to_ascii_lowercase(),
                    file.clone(),
                ));
                let left = if placeholders::any_in(&handout) {
                    placeholders::warn(file, &text)
                } else {
                    0
                };
                // A file is counted once however many ways --strict refuses it.
                let mut refused = left > 0 && strict;
                if refused {
                    eprintln!(
                        "error: {}: {left} text(s) still as `handout new` wrote them \
                         (--strict refuses them)",
                        file.display()
                    );
                }
                if let Some(moved) = overlay.and_then(|o| o.warning) {
                    if strict {
                        eprintln!("error: {moved} (--strict refuses it)");
                        refused = true;
                    } else {
                        eprintln!("warning: {moved}");
                    }
                }
                let json = readability.is_some_and(|r| r.json);
                let line = format!(
                    "ok: {} ({}, {} sections)",
                    file.display(),
                    handout.meta.id,
                    handout.sections.len()
                );
                // With --json, stdout carries only the JSON.
                if json {
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
                if let Some(status) = sources.status(file, &handout) {
                    let stale = xliff::report(file, &status, !json);
                    if stale > 0 && strict {
                        eprintln!(
                            "error: {}: {stale} section(s) translate an older English \
                             (--strict refuses them)",
                            file.display()
                        );
                        refused = true;
                    }
                }
                if let Some(ReadabilityCheck {
                    max_grade, strict, ..
                }) = readability
                {
                    let report = readability::report(&handout, 5);
                    let over = if json {
                        let over = sections_over(&handout, &report, max_grade);
                        reports.push(readability_json(file, &handout, &report, max_grade));
                        over
                    } else {
                        print_readability(&handout, &report, max_grade)
                    };
                    if over > 0 && strict {
                        eprintln!(
                            "error: {}: {over} section(s) {}",
                            file.display(),
                            limit_words(&report.scoring, max_grade)
                        );
                        refused = true;
                    }
                }
                failed += usize::from(refused);
            }
            Err(err) => {
                eprintln!("error: {err}");
                failed += 1;
            }
        }
    }
    failed += report_duplicates(&mut claims);
    if readability.is_some_and(|r| r.json) {
        let text = serde_json::to_string_pretty(&reports)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        println!("{text}");
    }
    summary(failed, files.len())
}

/// The files to check: each argument, a directory standing for its `.toml` files.
fn with_directories_expanded(args: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for arg in args {
        if arg.is_dir() {
            files.extend(model::toml_files(arg)?);
        } else {
            files.push(arg.clone());
        }
    }
    Ok(files)
}

/// Reports each pair of files that claim the same id in the same language, as a
/// library would refuse them; returns how many files are at fault.
fn report_duplicates(claims: &mut [(String, String, PathBuf)]) -> usize {
    claims.sort();
    let mut at_fault = 0;
    for pair in claims.windows(2) {
        let [(id, language, first), (other_id, other_language, second)] = pair else {
            continue;
        };
        if id == other_id && language == other_language {
            let err = Error::DuplicateHandout {
                id: id.clone(),
                language: language.clone(),
                first: first.clone(),
                second: second.clone(),
            };
            eprintln!("error: {err}");
            at_fault += 1;
        }
    }
    at_fault
}

/// Counts the sections above `max_grade` and warns about them on stderr.
/// Above it in English; in Spanish, below INFLESZ 55 ([`readability::Scoring::above_limit`]).
fn sections_over(handout: &Handout, report: &readability::Report, max_grade: f64) -> usize {
    let over = report
        .sections
        .iter()
        .filter(|s| report.scoring.above_limit(&s.counts, max_grade))
        .count();
    if over > 0 {
        eprintln!(
            "warning: {over} section(s) of {} {}",
            handout.meta.id,
            limit_words(&report.scoring, max_grade)
        );
    }
    over
}

/// What reading "above the limit" means for the language, after "N section(s)".
fn limit_words(scoring: &readability::Scoring, max_grade: f64) -> String {
    match scoring {
        readability::Scoring::Spanish => format!(
            "read below INFLESZ {} (somewhat difficult or harder)",
            readability::spanish::PLAIN_LANGUAGE_FLOOR
        ),
        _ => format!("read above grade {max_grade}"),
    }
}

/// A Spanish stretch's figures: the counts, Szigriszt-Pazos as the score with its
/// INFLESZ band, and Fernández-Huerta.
fn spanish_json(c: &readability::Counts) -> serde_json::Value {
    use readability::spanish;
    let score = spanish::szigriszt_pazos(c);
    serde_json::json!({
        "formula": "szigriszt-pazos",
        "score": round2(score),
        "band": spanish::Band::of(score).name(),
        "fernandez_huerta": round2(spanish::fernandez_huerta(c)),
        "words_per_sentence": round2(c.words_per_sentence()),
        "long_word_share": round2(c.long_word_share()),
        "sentences": c.sentences,
        "words": c.words,
        "syllables": c.syllables,
        "polysyllables": c.polysyllables,
    })
}

fn counts_json(c: &readability::Counts) -> serde_json::Value {
    serde_json::json!({
        "flesch_kincaid_grade": round2(c.flesch_kincaid()),
        "smog_grade": round2(c.smog()),
        "words_per_sentence": round2(c.words_per_sentence()),
        "long_word_share": round2(c.long_word_share()),
        "sentences": c.sentences,
        "words": c.words,
        "syllables": c.syllables,
        "polysyllables": c.polysyllables,
    })
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// One file's reading-level report for `check --readability --json`.
fn readability_json(
    file: &Path,
    handout: &Handout,
    report: &readability::Report,
    max_grade: f64,
) -> serde_json::Value {
    use readability::Scoring;
    let figures = |c: &readability::Counts| match &report.scoring {
        Scoring::English => counts_json(c),
        Scoring::Spanish => spanish_json(c),
        Scoring::NotScored { .. } => serde_json::json!({}),
    };
    let sections: Vec<serde_json::Value> = report
        .sections
        .iter()
        .map(|s| {
            let mut v = figures(&s.counts);
            v["id"] = s.id.clone().into();
            v["title"] = s.title.clone().into();
            let above = report.scoring.above_limit(&s.counts, max_grade);
            match &report.scoring {
                Scoring::English => v["above_max_grade"] = above.into(),
                Scoring::Spanish => v["below_plain_language"] = above.into(),
                Scoring::NotScored { .. } => {}
            }
            v["text"] = s.text.clone().into();
            v
        })
        .collect();
    let longest: Vec<serde_json::Value> = report
        .longest
        .iter()
        .map(|l| {
            serde_json::json!({
                "section": l.section, "at": l.at, "words": l.words, "text": l.text
            })
        })
        .collect();
    let mut v = serde_json::json!({
        "file": file.display().to_string(),
        "id": handout.meta.id,
        "language": handout.meta.language,
        "scored": !matches!(report.scoring, Scoring::NotScored { .. }),
        "sections": sections,
    });
    match &report.scoring {
        Scoring::English => v["max_grade"] = max_grade.into(),
        Scoring::Spanish => {
            v["min_score"] = readability::spanish::PLAIN_LANGUAGE_FLOOR.into();
        }
        Scoring::NotScored { reason } => v["reason"] = reason.clone().into(),
    }
    // Not scored: no figures, and no longest sentences either, as words are counted
    // between spaces, which means little in Chinese or Vietnamese.
    if !matches!(report.scoring, Scoring::NotScored { .. }) {
        v["overall"] = figures(&report.overall);
        v["longest_sentences"] = longest.into();
    }
    v
}

/// Prints the reading-level report; returns how many sections read above the limit.
fn print_readability(handout: &Handout, report: &readability::Report, max_grade: f64) -> usize {
    match &report.scoring {
        readability::Scoring::English => print_english(handout, report, max_grade),
        readability::Scoring::Spanish => print_spanish(handout, report, max_grade),
        readability::Scoring::NotScored { reason } => {
            println!("  readability: not scored: {reason}");
            0
        }
    }
}

fn print_longest(report: &readability::Report) {
    println!("  longest sentences:");
    for s in &report.longest {
        println!(
            "    {} words, {} / {}: {}",
            s.words, s.section, s.at, s.text
        );
    }
}

fn section_width(report: &readability::Report) -> usize {
    report
        .sections
        .iter()
        .map(|s| s.id.len())
        .max()
        .unwrap_or(7)
        .max(7)
}

/// The Spanish table: Szigriszt-Pazos on the INFLESZ scale and its band, then
/// Fernández-Huerta.
fn print_spanish(handout: &Handout, report: &readability::Report, max_grade: f64) -> usize {
    use readability::spanish;
    let width = section_width(report);
    println!(
        "  {:<width$}  {:>7}  {:<18}  {:>5}  {:>6}  {:>6}",
        "section", "INFLESZ", "band", "F-H", "words/", "long"
    );
    println!(
        "  {:<width$}  {:>7}  {:<18}  {:>5}  {:>6}  {:>6}",
        "", "(S-P)", "", "", "sent.", "words"
    );
    let row = |name: &str, c: &readability::Counts| {
        let score = spanish::szigriszt_pazos(c);
        format!(
            "  {name:<width$}  {score:>7.1}  {:<18}  {:>5.1}  {:>6.1}  {:>5.0}%",
            spanish::Band::of(score).name(),
            spanish::fernandez_huerta(c),
            c.words_per_sentence(),
            c.long_word_share() * 100.0
        )
    };
    for section in &report.sections {
        let flag = if report.scoring.above_limit(&section.counts, max_grade) {
            "  <- below normal"
        } else {
            ""
        };
        println!("{}{flag}", row(&section.id, &section.counts));
    }
    println!("{}", row("overall", &report.overall));
    print_longest(report);
    sections_over(handout, report, max_grade)
}

fn print_english(handout: &Handout, report: &readability::Report, max_grade: f64) -> usize {
    let width = section_width(report);
    println!(
        "  {:<width$}  {:>5}  {:>5}  {:>6}  {:>6}",
        "section", "grade", "SMOG", "words/", "long"
    );
    println!(
        "  {:<width$}  {:>5}  {:>5}  {:>6}  {:>6}",
        "", "(FK)", "", "sent.", "words"
    );
    let row = |name: &str, c: &readability::Counts| {
        format!(
            "  {name:<width$}  {:>5.1}  {:>5.1}  {:>6.1}  {:>5.0}%",
            c.flesch_kincaid(),
            c.smog(),
            c.words_per_sentence(),
            c.long_word_share() * 100.0
        )
    };
    for section in &report.sections {
        let flag = if section.counts.flesch_kincaid() > max_grade {
            "  <- above grade"
        } else {
            ""
        };
        println!("{}{flag}", row(&section.id, &section.counts));
    }
    println!("{}", row("overall", &report.overall));
    print_longest(report);
    sections_over(handout, report, max_grade)
}

//! `handout check`: validates handouts and proves every character can be drawn, writing
//! nothing; with `--readability`, the reading level of every section.

use std::path::{Path, PathBuf};

use super::{placeholders, summary};
use crate::error::Error;
use crate::model::{self, Handout};
use crate::pipeline;
use crate::readability;

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Also report the reading level of every section (Flesch–Kincaid, SMOG, words
    /// per sentence, long words) and the longest sentences
    #[arg(long)]
    readability: bool,
    /// The highest Flesch–Kincaid grade accepted without a warning
    #[arg(long, default_value_t = 8.0, requires = "readability")]
    max_grade: f64,
    /// Fail (exit 1) on text left as `handout new` wrote it, and with --readability
    /// when a section reads above --max-grade
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
    files: &[PathBuf],
    strict: bool,
    readability: Option<ReadabilityCheck>,
) -> Result<(), Error> {
    let mut failed = 0;
    let mut reports = Vec::new();
    for file in files {
        match model::load(file)
            .and_then(|(handout, text)| pipeline::check(&handout, file).map(|()| (handout, text)))
        {
            Ok((handout, text)) => {
                let left = placeholders::warn(file, &text);
                // A file is counted once however many ways --strict refuses it.
                let mut refused = left > 0 && strict;
                if refused {
                    eprintln!(
                        "error: {}: {left} text(s) still as `handout new` wrote them \
                         (--strict refuses them)",
                        file.display()
                    );
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
                            "error: {}: {over} section(s) read above grade {max_grade}",
                            file.display()
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
    if readability.is_some_and(|r| r.json) {
        let text = serde_json::to_string_pretty(&reports)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        println!("{text}");
    }
    summary(failed, files.len())
}

/// Counts the sections above `max_grade` and warns about them on stderr.
fn sections_over(handout: &Handout, report: &readability::Report, max_grade: f64) -> usize {
    let over = report
        .sections
        .iter()
        .filter(|s| s.counts.flesch_kincaid() > max_grade)
        .count();
    if over > 0 {
        eprintln!(
            "warning: {over} section(s) of {} read above grade {max_grade}",
            handout.meta.id
        );
    }
    over
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
    let sections: Vec<serde_json::Value> = report
        .sections
        .iter()
        .map(|s| {
            let mut v = counts_json(&s.counts);
            v["id"] = s.id.clone().into();
            v["title"] = s.title.clone().into();
            v["above_max_grade"] = (s.counts.flesch_kincaid() > max_grade).into();
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
    serde_json::json!({
        "file": file.display().to_string(),
        "id": handout.meta.id,
        "max_grade": max_grade,
        "overall": counts_json(&report.overall),
        "sections": sections,
        "longest_sentences": longest,
    })
}

/// Prints the reading-level report; returns how many sections read above `max_grade`.
fn print_readability(handout: &Handout, report: &readability::Report, max_grade: f64) -> usize {
    let width = report
        .sections
        .iter()
        .map(|s| s.id.len())
        .max()
        .unwrap_or(7)
        .max(7);
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
    println!("  longest sentences:");
    for s in &report.longest {
        println!(
            "    {} words, {} / {}: {}",
            s.words, s.section, s.at, s.text
        );
    }
    sections_over(handout, report, max_grade)
}

//! The command line: parses arguments, runs the pipeline, reports errors in one place.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::batch;
use crate::dates::{self, Review};
use crate::error::Error;
use crate::layout::{dump, Paper};
use crate::model::{self, Handout};
use crate::output::write_atomic;
use crate::personal::{self, Personal};
use crate::pipeline::{self, Options};
use crate::profile;
use crate::readability;
use crate::select::{preset_names, Selection, FULL_PRESET};

const AFTER_HELP: &str = "\
Examples:
  handout build handouts/l3-l4-foraminal-narrowing.toml --preset brief
  handout build handouts/l3-l4-foraminal-narrowing.toml --sections warning-signs,do-and-avoid -o today.pdf
  handout build handouts/l3-l4-foraminal-narrowing.toml --paper a4 --large-print
  handout build handouts/l3-l4-foraminal-narrowing.toml --profile profiles/riverside-spine.toml \\
      --patient \"Jane Doe\" --clinician \"Dr. Lee\" --follow-up \"In 2 weeks\" --note \"Walk 20 minutes a day.\"
  handout list handouts/ --code M48.06
  handout check handouts/*.toml

Exit codes:
  0  success
  1  bad input (a handout with mistakes, an unknown section) or a failed build
  2  usage error (an unknown option, a missing argument)";

#[derive(Debug, Parser)]
#[command(
    name = "handout",
    version,
    about = "Turns TOML patient handouts into printable PDF handouts",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a PDF from a handout, with the sections you choose
    #[command(after_help = AFTER_HELP)]
    Build(Box<BuildArgs>),
    /// List handouts: id, title, codes, review status, and every section with its item count
    List {
        /// A handout file, or a directory of them
        #[arg(default_value = "handouts")]
        path: PathBuf,
        /// Only handouts for this ICD-10-CM code or any code under it (M48.06 finds M48.061)
        #[arg(long)]
        code: Option<String>,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Build many handouts at once: from a patient list (--csv) or a manifest
    #[command(after_help = BATCH_HELP)]
    Batch(BatchArgs),
    /// Check handouts for mistakes without writing anything
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also report the reading level of every section (Flesch–Kincaid, SMOG, words
        /// per sentence, long words) and the longest sentences
        #[arg(long)]
        readability: bool,
        /// The highest Flesch–Kincaid grade accepted without a warning
        #[arg(long, default_value_t = 8.0, requires = "readability")]
        max_grade: f64,
        /// Fail (exit 1) when a section reads above --max-grade
        #[arg(long, requires = "readability")]
        strict: bool,
        /// Print the reading-level figures as JSON (one entry per file), with the text
        /// measured, so other tools can check or chart them
        #[arg(long, requires = "readability")]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// The handout TOML file
    handout: PathBuf,
    /// A preset: `full` (every section) or one the handout defines, such as `brief`
    #[arg(long, conflicts_with = "sections")]
    preset: Option<String>,
    /// Section ids, comma-separated, printed in the order given
    #[arg(long, value_delimiter = ',')]
    sections: Option<Vec<String>>,
    /// Where to write the PDF [default: <handout id>-<preset>.pdf]
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Paper size [default: the profile's, else letter]
    #[arg(long, value_enum)]
    paper: Option<PaperArg>,
    /// Also write the layout as text (one line per box), for review and diffing
    #[arg(long, value_name = "FILE")]
    layout_dump: Option<PathBuf>,
    /// A clinic profile: name, logo, colours, paper, wording, default sections
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// Large print: 18 pt body, 1.5 line spacing, no italics, numbered lists
    #[arg(long)]
    large_print: bool,
    /// Refuse to build a handout whose review date has passed
    #[arg(long)]
    strict: bool,
    /// The patient's name, printed on page 1 and in the header of later pages
    #[arg(long, value_name = "NAME")]
    patient: Option<String>,
    /// The date to print for the visit (YYYY-MM-DD)
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// The clinician handing out the handout
    #[arg(long, value_name = "NAME")]
    clinician: Option<String>,
    /// When and how to follow up, e.g. "In 2 weeks"
    #[arg(long, value_name = "TEXT")]
    follow_up: Option<String>,
    /// A note for the patient; repeat for several paragraphs
    #[arg(long = "note", value_name = "TEXT")]
    notes: Vec<String>,
    /// Personal details from a TOML file (patient, date, clinician, follow_up, notes,
    /// notes_area); flags given as well take precedence
    #[arg(long, value_name = "FILE")]
    personal: Option<PathBuf>,
    /// Add a lined "My notes" area for the patient's handwriting
    #[arg(long)]
    notes_area: bool,
}

const BATCH_HELP: &str = "\
Examples:
  handout batch --csv today.csv --handouts handouts/ --out-dir out/ --profile profiles/riverside-spine.toml
  handout batch library.toml --out-dir out/library -j 2 --report report.json
  handout batch --csv all.csv --handouts handouts/ --out-dir /shared/out --shard 3/8

CSV columns: patient and handout (a handout id) are required; preset or sections
(ids separated by ;), date (YYYY-MM-DD), clinician, follow_up, note and language are
optional. A row that fails is reported with its row number; the others still build.
Outputs already built from the same inputs are skipped unless --force is given.
Exit code 1 if any job failed or the run was interrupted.";

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["manifest", "csv"])))]
struct BatchArgs {
    /// A manifest TOML: [[job]] tables with handouts (a file or glob), profile,
    /// preset or sections, large_print, paper
    manifest: Option<PathBuf>,
    /// A patient list (CSV with a header row)
    #[arg(long, requires = "handouts")]
    csv: Option<PathBuf>,
    /// The directory of handouts the CSV's handout column refers to
    #[arg(long)]
    handouts: Option<PathBuf>,
    /// Where to write the PDFs (created if missing)
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// A clinic profile for every job (overrides the manifest's)
    #[arg(long)]
    profile: Option<PathBuf>,
    /// Worker threads [default: one per core]
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    threads: Option<usize>,
    /// No progress bar
    #[arg(long)]
    quiet: bool,
    /// Write a JSON report: one entry per job with its output, status, error and input hash
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// Rebuild outputs even when they are up to date
    #[arg(long)]
    force: bool,
    /// Only the K-th of N parts of the jobs, e.g. 2/8, for splitting across machines
    #[arg(long, value_name = "K/N")]
    shard: Option<batch::Shard>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PaperArg {
    Letter,
    A4,
}

impl From<PaperArg> for Paper {
    fn from(p: PaperArg) -> Paper {
        match p {
            PaperArg::Letter => Paper::Letter,
            PaperArg::A4 => Paper::A4,
        }
    }
}

/// Runs the CLI with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err}");
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(1))
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Build(args) => build(*args),
        Command::List { path, code, json } => list(&path, code.as_deref(), json),
        Command::Check {
            files,
            readability,
            max_grade,
            strict,
            json,
        } => check(
            &files,
            readability.then_some(ReadabilityCheck {
                max_grade,
                strict,
                json,
            }),
        ),
        Command::Batch(args) => run_batch(args),
    }
}

fn build(args: BuildArgs) -> Result<(), Error> {
    let (handout, _) = model::load(&args.handout)?;
    let profile = args.profile.as_deref().map(profile::load).transpose()?;
    let personal = personal_details(&args)?;
    review_gate(&handout, &args.handout, args.strict)?;
    let selection = match (args.sections, args.preset) {
        (Some(ids), _) => Some(Selection::Sections(
            ids.into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        )),
        (None, Some(preset)) => Some(Selection::Preset(preset)),
        (None, None) => None,
    };
    let options = Options {
        selection,
        paper: args.paper.map(Paper::from),
        large_print: args.large_print,
        profile: profile.as_ref(),
        personal: personal.as_ref(),
        timestamp: source_date_epoch()?,
        inputs: None,
    };
    let output = args.output.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}-{}.pdf",
            handout.meta.id,
            options.selection().file_label()
        ))
    });
    let built = pipeline::build(&handout, &args.handout, &options)?;
    let mut inputs: Vec<&Path> = vec![&args.handout];
    inputs.extend(args.profile.as_deref());
    inputs.extend(args.personal.as_deref());
    write_atomic(&output, &built.pdf, &inputs)?;
    if let Some(dump_path) = &args.layout_dump {
        inputs.push(&output);
        write_atomic(dump_path, dump::dump(&built.layout).as_bytes(), &inputs)?;
    }
    eprintln!(
        "wrote {} ({} page{})",
        output.display(),
        built.layout.pages.len(),
        if built.layout.pages.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    // The process ends next and the kernel takes its memory back whole: freeing the
    // handout's and the layout's thousands of allocations one by one first would be
    // about 1.5 % of a brief's instructions.
    std::mem::forget(built);
    std::mem::forget(handout);
    Ok(())
}

/// The personal details from `--personal FILE` and the flags, flags winning.
fn personal_details(args: &BuildArgs) -> Result<Option<Personal>, Error> {
    let from_file = args.personal.as_deref().map(personal::load).transpose()?;
    let date = args
        .date
        .as_deref()
        .map(personal::parse_date)
        .transpose()
        .map_err(Error::Usage)?;
    let flags = Personal {
        patient: args.patient.clone(),
        date,
        clinician: args.clinician.clone(),
        follow_up: args.follow_up.clone(),
        notes: args.notes.clone(),
        notes_area: args.notes_area,
    };
    flags.check().map_err(Error::Usage)?;
    let merged = from_file.unwrap_or_default().overridden_by(flags);
    Ok((!merged.is_empty()).then_some(merged))
}

/// Warns about a handout past its review date; with `--strict`, refuses it.
fn review_gate(handout: &Handout, path: &Path, strict: bool) -> Result<(), Error> {
    if let Review::Overdue(days) = Review::of(handout.meta.review_due.as_ref(), dates::today()) {
        let due = review_due(handout);
        if strict {
            return Err(Error::ReviewOverdue {
                path: path.to_path_buf(),
                due,
                days,
            });
        }
        eprintln!(
            "warning: {}: review was due on {due} ({days} days ago); have the content reviewed \
             (--strict refuses overdue handouts)",
            path.display()
        );
    }
    Ok(())
}

fn run_batch(args: BatchArgs) -> Result<(), Error> {
    let source = match (args.csv, args.manifest) {
        (Some(list), _) => batch::Source::Csv {
            list,
            handouts: args.handouts.unwrap_or_else(|| PathBuf::from("handouts")),
        },
        (None, Some(manifest)) => batch::Source::Manifest(manifest),
        (None, None) => return Err(Error::Usage("give a manifest or --csv".into())),
    };
    let settings = batch::Settings {
        source,
        out_dir: args.out_dir,
        profile: args.profile,
        threads: args.threads,
        quiet: args.quiet,
        report: args.report,
        force: args.force,
        shard: args.shard,
    };
    let summary = batch::run(&settings)?;
    if summary.failed > 0 || summary.not_started > 0 {
        return Err(Error::BatchIncomplete {
            failed: summary.failed,
            not_started: summary.not_started,
        });
    }
    Ok(())
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for "the time to stamp".
fn source_date_epoch() -> Result<Option<i64>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::Environment {
                name: "SOURCE_DATE_EPOCH",
                problem: format!("must be a whole number of seconds since 1970, not {value:?}"),
            }),
        Err(_) => Ok(None),
    }
}

/// The handout files under `path`: the file itself, or the `.toml` files in a directory,
/// sorted by name.
fn handout_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    model::toml_files(path)
}

fn list(path: &Path, code: Option<&str>, json: bool) -> Result<(), Error> {
    let files = handout_files(path)?;
    let mut found = Vec::new();
    let mut failed = 0;
    for file in &files {
        match model::load(file) {
            Ok((handout, _)) => {
                if code.is_none_or(|c| matches_code(&handout, c)) {
                    found.push((file.clone(), handout));
                }
            }
            Err(err) => {
                eprintln!("error: {err}");
                failed += 1;
            }
        }
    }
    let today = dates::today();
    let out = if json {
        let entries: Vec<ListEntry> = found
            .iter()
            .map(|(file, h)| ListEntry::new(h, file, today))
            .collect();
        let mut text = serde_json::to_string_pretty(&entries)
            .map_err(|e| Error::Pdf(format!("cannot write JSON: {e}")))?;
        text.push('\n');
        text
    } else {
        found
            .iter()
            .map(|(file, h)| describe(h, file, today))
            .collect()
    };
    print!("{out}");
    summary(failed, files.len())
}

/// ICD-10-CM codes nest by prefix: M48.06 covers M48.061 and M48.062. A handout
/// matches when one of its codes is the code asked for, or under it, or above it.
fn matches_code(handout: &Handout, wanted: &str) -> bool {
    let norm = |c: &str| c.trim().to_ascii_uppercase().replace('.', "");
    let wanted = norm(wanted);
    !wanted.is_empty()
        && handout.meta.codes.iter().any(|c| {
            let c = norm(c);
            c.starts_with(&wanted) || wanted.starts_with(&c)
        })
}

/// The review date as YYYY-MM-DD, or empty when there is none.
fn review_due(handout: &Handout) -> String {
    handout
        .meta
        .review_due
        .as_ref()
        .map(dates::iso)
        .unwrap_or_default()
}

fn review_text(handout: &Handout, today: i64) -> String {
    let due = review_due(handout);
    match Review::of(handout.meta.review_due.as_ref(), today) {
        Review::Unscheduled => "no review date".to_string(),
        Review::Due(_) => format!("current (review due {due})"),
        Review::Overdue(days) => format!("OVERDUE by {days} days (was due {due})"),
    }
}

/// One handout in `list --json`.
#[derive(serde::Serialize)]
struct ListEntry {
    id: String,
    title: String,
    language: String,
    file: String,
    codes: Vec<String>,
    presets: Vec<String>,
    last_updated: String,
    review_due: Option<String>,
    review_overdue: bool,
    sections: Vec<ListSection>,
}

#[derive(serde::Serialize)]
struct ListSection {
    id: String,
    title: String,
    items: usize,
}

impl ListEntry {
    fn new(h: &Handout, file: &Path, today: i64) -> Self {
        ListEntry {
            id: h.meta.id.clone(),
            title: h.meta.title.clone(),
            language: h.meta.language.clone(),
            file: file.display().to_string(),
            codes: h.meta.codes.clone(),
            presets: preset_names(h),
            last_updated: dates::iso(&h.meta.last_updated),
            review_due: h.meta.review_due.as_ref().map(dates::iso),
            review_overdue: matches!(
                Review::of(h.meta.review_due.as_ref(), today),
                Review::Overdue(_)
            ),
            sections: h
                .sections
                .iter()
                .map(|s| ListSection {
                    id: s.id().to_string(),
                    title: s.title.clone(),
                    items: s.item_count(),
                })
                .collect(),
        }
    }
}

/// One error for a run over several files whose own errors were already printed.
fn summary(failed: usize, total: usize) -> Result<(), Error> {
    if failed == 0 {
        Ok(())
    } else {
        Err(Error::SomeFailed { failed, total })
    }
}

fn describe(handout: &Handout, file: &Path, today: i64) -> String {
    let meta = &handout.meta;
    let mut s = format!("{}  {}\n", meta.id, meta.title);
    s.push_str(&format!("  file:    {}\n", file.display()));
    s.push_str(&format!("  review:  {}\n", review_text(handout, today)));
    if !meta.codes.is_empty() {
        s.push_str(&format!("  codes:   {}\n", meta.codes.join(", ")));
    }
    s.push_str(&format!(
        "  presets: {}\n",
        preset_names(handout).join(", ")
    ));
    s.push_str("  sections:\n");
    let width = handout
        .sections
        .iter()
        .map(|sec| sec.id().len())
        .max()
        .unwrap_or(0);
    for section in &handout.sections {
        let n = section.item_count();
        s.push_str(&format!(
            "    {:<width$}  {:>3} item{}  {}\n",
            section.id(),
            n,
            if n == 1 { " " } else { "s" },
            section.title
        ));
    }
    s
}

/// What `check --readability` was asked for.
#[derive(Debug, Clone, Copy)]
struct ReadabilityCheck {
    max_grade: f64,
    strict: bool,
    json: bool,
}

fn check(files: &[PathBuf], readability: Option<ReadabilityCheck>) -> Result<(), Error> {
    let mut failed = 0;
    let mut reports = Vec::new();
    for file in files {
        match model::load(file).and_then(|(handout, _)| {
            // Laying out every section also proves every character can be drawn.
            let options = Options {
                selection: Some(Selection::Preset(FULL_PRESET.into())),
                ..Options::default()
            };
            let labels = options.labels(&handout)?;
            pipeline::lay_out(&handout, file, &options, &labels).map(|_| handout)
        }) {
            Ok(handout) => {
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
                        failed += 1;
                    }
                }
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

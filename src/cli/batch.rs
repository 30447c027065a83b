//! `handout batch`: many PDFs (and web pages) in one run.

use std::path::PathBuf;

use crate::batch;
use crate::error::Error;
use crate::pipeline::Format;

pub(super) const BATCH_HELP: &str = "\
Examples:
  handout batch --csv today.csv --handouts handouts/ --out-dir out/ --profile profiles/riverside-spine.toml
  handout batch library.toml --out-dir out/library -j 2 --report report.json
  handout batch --csv all.csv --handouts handouts/ --out-dir /shared/out --shard 3/8
  handout batch --fhir-ndjson export/ --handouts handouts/ --out-dir out/ --preset brief

CSV columns: patient and handout (a handout id) are required; preset or sections
(ids separated by ;), date (YYYY-MM-DD), clinician, follow_up, note and language are
optional. A row that fails is reported with its row number; the others still build.
Outputs already built from the same inputs are skipped unless --force is given.
A full disk stops the run: no new job starts, and a rerun once there is room builds
the rest. Exit code 1 if any job failed or the run was interrupted or stopped.

A FHIR Bulk Data export (--fhir-ndjson): every patient with an active Condition whose
ICD-10-CM code a handout covers gets that handout once, with their name, in their
preferred language when the library has it (else the handout's own, reported). The PDFs
are named patient-<Patient id>-<handout>-<preset>.pdf; DocumentReference.ndjson beside
them files each to the patient's chart. A line that cannot be used is reported as
FILE:LINE; the other patients are still built.";

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["manifest", "csv", "fhir_ndjson"])))]
pub(super) struct BatchArgs {
    /// A manifest TOML: [[job]] tables with handouts (a file or glob), profile,
    /// preset or sections, large_print, paper
    manifest: Option<PathBuf>,
    /// A patient list (CSV with a header row)
    #[arg(long, requires = "handouts")]
    csv: Option<PathBuf>,
    /// A FHIR Bulk Data export folder: Patient.ndjson and Condition.ndjson (or numbered
    /// parts such as Patient.000.ndjson, or gzipped)
    #[arg(long, value_name = "DIR")]
    fhir_ndjson: Option<PathBuf>,
    /// The directory of handouts the CSV's handout column, or the export's problems,
    /// refer to [default: handouts]
    #[arg(long)]
    handouts: Option<PathBuf>,
    /// With --fhir-ndjson: the preset to build for each patient
    #[arg(long, requires = "fhir_ndjson", default_value = "brief")]
    preset: String,
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
    /// What to write for each job, comma-separated: pdf, html (one self-contained web
    /// page, named as the PDF but for its extension), or pdf,html for both
    #[arg(long, value_enum, value_delimiter = ',', default_value = "pdf")]
    format: Vec<FormatArg>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Pdf,
    Html,
}

pub(super) fn run(args: BatchArgs) -> Result<(), Error> {
    let handouts = args.handouts.unwrap_or_else(|| PathBuf::from("handouts"));
    let source = match (args.csv, args.manifest, args.fhir_ndjson) {
        (Some(list), _, _) => batch::Source::Csv { list, handouts },
        (None, Some(manifest), _) => batch::Source::Manifest(manifest),
        (None, None, Some(dir)) => batch::Source::FhirExport {
            dir,
            handouts,
            preset: args.preset,
        },
        (None, None, None) => {
            return Err(Error::Usage(
                "give a manifest, --csv or --fhir-ndjson".into(),
            ))
        }
    };
    let settings = batch::Settings {
        filed: super::build::source_date_epoch()?.unwrap_or_else(crate::dates::now),
        source,
        out_dir: args.out_dir,
        profile: args.profile,
        threads: args.threads,
        quiet: args.quiet,
        report: args.report,
        force: args.force,
        shard: args.shard,
        formats: args
            .format
            .iter()
            .map(|f| match f {
                FormatArg::Pdf => Format::Pdf,
                FormatArg::Html => Format::Html,
            })
            .collect(),
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

//! Batch runs: thousands of handouts from a patient list or a manifest, in parallel,
//! resumable, each PDF written atomically, every job reported.

mod bulk_export;
mod filed;
mod names;
mod plan;
mod sink;

pub use bulk_export::Counts as ExportCounts;
pub use names::{pdf_name, slug};
pub use plan::{Job, Planned, Rejected, COLUMNS};

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::Error;
use crate::hash::Fnv128;
use crate::library::Library;
use crate::output::{write_atomic_with, write_error, Durability};
use crate::pipeline::{self, Format, Options};
use crate::render::recorded_inputs;
use plan::LoadedProfile;
use sink::{Halt, Sink};

/// Where the jobs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A patient list, with the directory of handouts its `handout` column names.
    Csv { list: PathBuf, handouts: PathBuf },
    /// A manifest of handouts × profiles × presets.
    Manifest(PathBuf),
    /// A FHIR Bulk Data export folder (Patient and Condition NDJSON), with the directory
    /// of handouts its problems are matched against and the preset to build.
    FhirExport {
        dir: PathBuf,
        handouts: PathBuf,
        preset: String,
    },
}

/// Part `index` (1-based) of `count`, for splitting one batch across machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let err = || format!("--shard {s:?}: give it as K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = s.split_once('/').ok_or_else(err)?;
        let index: u64 = k.trim().parse().map_err(|_| err())?;
        let count: u64 = n.trim().parse().map_err(|_| err())?;
        if count == 0 || index == 0 || index > count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether a job belongs to this shard: decided by a stable hash of its key, so every
    /// machine running the same batch agrees without talking to the others.
    pub fn owns(&self, key: &str) -> bool {
        let hash = u128::from_be_bytes(Fnv128::default().update(key.as_bytes()).finish());
        (hash % u128::from(self.count)) as u64 == self.index - 1
    }
}

/// Everything a batch run needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub source: Source,
    pub out_dir: Option<PathBuf>,
    pub profile: Option<PathBuf>,
    pub threads: Option<usize>,
    pub quiet: bool,
    pub report: Option<PathBuf>,
    pub force: bool,
    pub shard: Option<Shard>,
    /// What each job writes: a PDF, a web page, or both (an empty list is a PDF).
    pub formats: Vec<Format>,
    /// When the run's PDFs are filed to the chart (a FHIR export's DocumentReferences),
    /// in seconds since 1970.
    pub filed: i64,
}

/// What happened to one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Written,
    UpToDate,
    Failed,
    NotStarted,
}

/// One line of the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Record {
    pub job: String,
    pub output: Option<String>,
    pub status: Status,
    pub error: Option<String>,
    pub input_hash: Option<String>,
    /// How a written PDF met its page target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<pipeline::FitReport>,
    /// Why a written PDF deserves a look: it missed its page target, or is not in the
    /// patient's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// The FHIR DocumentReference filing the PDF (one NDJSON line), for a job with a
    /// patient to file it for.
    #[serde(skip)]
    pub document: Option<String>,
    /// The warning is for the report alone: the terminal gets one line for all of its
    /// kind (handouts not in the patient's language) at the end, not one per patient.
    #[serde(skip)]
    pub quiet: bool,
}

/// Totals for the summary line and the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub written: usize,
    pub up_to_date: usize,
    pub failed: usize,
    pub not_started: usize,
    /// Why jobs were left unstarted, when they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    /// What a FHIR export held (patients, matches, bad lines), for a run from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<ExportCounts>,
}

/// Why a run stopped starting jobs before the end of its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stopped {
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// A write found the disk full (or the quota used up); a rerun once there is room
    /// builds the rest.
    DiskFull,
}

/// Set by Ctrl-C (SIGINT) or SIGTERM: jobs not yet started are skipped, jobs under way
/// finish writing, so no file is left half-written.
static STOP: AtomicBool = AtomicBool::new(false);

fn install_stop_handler() {
    // A second install in the same process (tests) fails harmlessly: the first stays.
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
}

/// Jobs built in parallel at a time: enough to keep every core busy, few enough that
/// memory does not grow with the length of the list.
const CHUNK: usize = 256;
/// The same for jobs that also carry their PDF as base64 in a DocumentReference: a
/// chunk's lines are held until it is done.
const CHUNK_FILED: usize = 64;

/// Runs a batch and returns its summary. Errors that stop the whole batch (an unreadable
/// list, a bad profile, an unknown column, a full disk) come back as `Err`; failed jobs
/// do not.
///
/// The list is read twice, streaming: once for the output names (to find clashes and
/// count the work), once to build the jobs a chunk at a time. Per job, only a 16-byte
/// hash of its output path is kept, so memory stays flat however long the list is (a
/// third read collects the labels of clashing jobs, when there are any).
pub fn run(settings: &Settings) -> Result<Summary, Error> {
    let started = Instant::now();
    let profile = settings
        .profile
        .as_deref()
        .map(LoadedProfile::load)
        .transpose()?;
    let out_dir = match (&settings.out_dir, &settings.source) {
        (Some(dir), _) => dir.clone(),
        (None, Source::Manifest(path)) => plan::manifest_out_dir(path)?
            .ok_or_else(|| Error::Usage("give --out-dir, or out_dir in the manifest".into()))?,
        (None, Source::Csv { .. }) => return Err(Error::Usage("--csv needs --out-dir".into())),
        (None, Source::FhirExport { .. }) => {
            return Err(Error::Usage("--fhir-ndjson needs --out-dir".into()))
        }
    };
    let library = match &settings.source {
        Source::Csv { handouts, .. } | Source::FhirExport { handouts, .. } => {
            Some(Library::load_dir(handouts)?)
        }
        Source::Manifest(_) => None,
    };
    let export = match (&settings.source, &library) {
        (Source::FhirExport { dir, preset, .. }, Some(library)) => {
            Some(bulk_export::Export::read(dir, library, preset)?)
        }
        _ => None,
    };
    let export_counts = std::cell::Cell::new(None);
    let mut formats = settings.formats.clone();
    formats.sort_unstable();
    formats.dedup();
    if formats.is_empty() {
        formats.push(Format::Pdf);
    }
    let each_planned = |each: &mut dyn FnMut(Planned)| -> Result<(), Error> {
        // Each job once per format, named alike but for the extension.
        let mut per_format = |planned: Planned| match planned {
            Ok(job) => {
                for &format in &formats[1..] {
                    each(Ok(Job {
                        output: job.output.with_extension(format.extension()),
                        format,
                        ..job.clone()
                    }));
                }
                let first = formats[0];
                each(Ok(Job {
                    output: job.output.with_extension(first.extension()),
                    format: first,
                    ..job
                }));
            }
            Err(rejected) => each(Err(rejected)),
        };
        match (&settings.source, &library) {
            (Source::Csv { list, .. }, Some(library)) => {
                plan::csv_jobs(list, library, profile.as_ref(), &out_dir, &mut per_format)
            }
            (Source::Manifest(path), _) => {
                plan::manifest_jobs(path, profile.as_ref(), &out_dir, &mut per_format)
            }
            (Source::FhirExport { .. }, Some(library)) => {
                if let Some(export) = &export {
                    let counts =
                        export.jobs(library, profile.as_ref(), &out_dir, &mut per_format)?;
                    export_counts.set(Some(counts));
                }
                Ok(())
            }
            (Source::Csv { .. } | Source::FhirExport { .. }, None) => Ok(()),
        }
    };
    let file_key = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let owns = |key: &str| settings.shard.is_none_or(|shard| shard.owns(key));

    // Pass 1: output names only, as hashes.
    let output_key = |p: &Path| crate::hash::of(p.as_os_str().as_encoded_bytes());
    let mut outputs: Vec<([u8; 16], bool)> = Vec::new();
    each_planned(&mut |planned| {
        if let Ok(job) = planned {
            outputs.push((output_key(&job.output), owns(&file_key(&job.output))));
        }
    })?;
    outputs.sort_unstable();
    let mut clashing = std::collections::HashSet::new();
    for pair in outputs.windows(2) {
        if pair[0].0 == pair[1].0 {
            clashing.insert(pair[0].0);
        }
    }
    let total = outputs
        .iter()
        .filter(|(key, owned)| *owned && !clashing.contains(key))
        .count();
    drop(outputs);
    let mut clash_jobs = Vec::new();
    if !clashing.is_empty() {
        each_planned(&mut |planned| {
            if let Ok(job) = planned {
                if clashing.contains(&output_key(&job.output)) {
                    clash_jobs.push((job.output, job.label));
                }
            }
        })?;
    }
    let clashes = plan::clashes(clash_jobs);

    std::fs::create_dir_all(&out_dir).map_err(|e| write_error(&out_dir, &e))?;
    remove_stale_temp_files(&out_dir);
    install_stop_handler();
    let progress = progress_bar(total as u64, settings.quiet);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    let halt = Halt::default();
    let mut sink = Sink::new(settings.report.as_deref(), progress.clone(), &halt)?;
    let mut filed = match &settings.source {
        Source::FhirExport { .. } => Some(filed::FiledDocuments::create(
            out_dir.join(filed::file_name(settings.shard)),
        )?),
        _ => None,
    };
    let chunk_size = if filed.is_some() { CHUNK_FILED } else { CHUNK };

    // Pass 2: build, a chunk at a time.
    let (force, filed_at) = (settings.force, settings.filed);
    let mut chunk: Vec<Job> = Vec::with_capacity(chunk_size);
    let flush =
        |chunk: &mut Vec<Job>, sink: &mut Sink, filed: &mut Option<filed::FiledDocuments>| {
            let done: Vec<Record> = pool.install(|| {
                chunk
                    .par_iter()
                    .map(|job| {
                        let record = run_job(job, force, filed_at, &halt);
                        progress.inc(1);
                        record
                    })
                    .collect()
            });
            chunk.clear();
            done.into_iter().try_for_each(|mut record| {
                if let (Some(filed), Some(line)) = (filed.as_mut(), record.document.take()) {
                    filed.add(line)?;
                }
                sink.add(record)
            })
        };
    let mut failure: Option<Error> = None;
    each_planned(&mut |planned| {
        if failure.is_some() {
            return;
        }
        let record = match planned {
            Err(rejected) if owns(&rejected.label) => {
                Some(Record::failed(rejected.label, None, rejected.reason))
            }
            Err(_) => None,
            Ok(job) => match clashes.get(&job.output) {
                Some(labels) if owns(&job.label) => {
                    let reason = plan::clash_reason(&job.output, labels);
                    Some(Record::failed(job.label, Some(&job.output), reason))
                }
                Some(_) => None,
                None if owns(&file_key(&job.output)) => {
                    chunk.push(job);
                    None
                }
                None => None,
            },
        };
        let result = match record {
            Some(r) => sink.add(r),
            None if chunk.len() >= chunk_size => flush(&mut chunk, &mut sink, &mut filed),
            None => Ok(()),
        };
        if let Err(e) = result {
            failure = Some(e);
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    flush(&mut chunk, &mut sink, &mut filed)?;
    progress.finish_and_clear();

    let seconds = started.elapsed().as_secs_f64();
    let export_counts = export_counts.take();
    sink.set_export(export_counts.clone());
    // The report and the summary line first: a DocumentReference file the disk had no
    // room for is a reason the rerun gives, not a reason to lose the report.
    let filed = filed.map(filed::FiledDocuments::finish).transpose();
    let (summary, report_lost) = sink.finish(seconds)?;
    eprintln!(
        "batch: {} written, {} up to date, {} failed, {} not started in {seconds:.2} s ({:.0} PDFs/s)",
        summary.written,
        summary.up_to_date,
        summary.failed,
        summary.not_started,
        if seconds > 0.0 { summary.written as f64 / seconds } else { 0.0 }
    );
    if let Some((path, reason)) = halt.cause() {
        return Err(Error::BatchDiskFull {
            path: path.clone(),
            reason: reason.clone(),
            written: summary.written,
            remaining: summary.not_started,
            report: report_lost,
        });
    }
    if let Some(note) = export_counts.as_ref().and_then(|c| c.untranslated_note()) {
        eprintln!("note: {note}");
    }
    if let Some((path, lines)) = filed? {
        eprintln!(
            "filed: {lines} DocumentReference{} in {}",
            if lines == 1 { "" } else { "s" },
            path.display()
        );
    }
    if summary.not_started > 0 {
        eprintln!("interrupted: run the same command again to finish the remaining jobs");
    }
    Ok(summary)
}

impl Record {
    fn failed(job: String, output: Option<&Path>, reason: String) -> Record {
        Record {
            job,
            output: output.map(|p| p.display().to_string()),
            status: Status::Failed,
            error: Some(reason),
            input_hash: None,
            fit: None,
            warning: None,
            document: None,
            quiet: false,
        }
    }
}

fn run_job(job: &Job, force: bool, filed_at: i64, halt: &Halt) -> Record {
    let record = |status, error: Option<String>| Record {
        job: job.label.clone(),
        output: Some(job.output.display().to_string()),
        status,
        error,
        input_hash: Some(job.inputs.clone()),
        fit: None,
        warning: job.warning.clone(),
        document: None,
        quiet: job.warning.is_some(),
    };
    if STOP.load(Ordering::SeqCst) || halt.is_set() {
        return record(Status::NotStarted, None);
    }
    let options = Options {
        selection: Some(job.selection.clone()),
        paper: job.paper,
        large_print: job.large_print,
        profile: job.profile.as_deref().map(|p| &p.profile),
        personal: job.personal.as_ref(),
        timestamp: None,
        inputs: Some(job.inputs.clone()),
        encoded_logo: job.profile.as_deref().and_then(|p| p.encoded_logo.as_ref()),
        reuse_across_builds: true,
        pages: job.pages,
    };
    // A PDF filed to a chart: its DocumentReference, made in this worker thread, as the
    // base64 of a few dozen kilobytes is.
    let file = |pdf: &[u8]| -> Result<Option<String>, Error> {
        match (&job.subject, job.format) {
            (Some(subject), Format::Pdf) => pipeline::document_reference(
                &job.entry.handout,
                &options,
                pdf,
                Some(subject),
                filed_at,
            )
            .map(Some),
            _ => Ok(None),
        }
    };
    if !force {
        if let Some(existing) = up_to_date(&job.output, &job.inputs, job.format) {
            return match file(&existing) {
                Ok(document) => Record {
                    document,
                    ..record(Status::UpToDate, None)
                },
                Err(e) => record(Status::Failed, Some(e.to_string())),
            };
        }
    }
    let mut inputs: Vec<&Path> = vec![&job.entry.path];
    if let Some(p) = &job.profile {
        inputs.push(&p.profile.path);
    }
    if job.format == Format::Html {
        let written =
            pipeline::build_html(&job.entry.handout, &job.entry.path, &options).and_then(|page| {
                write_atomic_with(&job.output, page.as_bytes(), &inputs, Durability::Buffered)
            });
        return match written {
            Ok(()) => record(Status::Written, None),
            Err(e) => failed(e, halt, record),
        };
    }
    let result = pipeline::build(&job.entry.handout, &job.entry.path, &options).and_then(|built| {
        let document = file(&built.pdf)?;
        write_atomic_with(&job.output, &built.pdf, &inputs, Durability::Buffered)?;
        let missed = built.missed_target(&job.entry.path, &job.selection);
        Ok((built.fit(), missed, document))
    });
    match result {
        Ok((fit, missed, document)) => Record {
            fit: Some(fit),
            // A missed page target is worth a line on the terminal, whatever else is noted.
            quiet: missed.is_none() && job.warning.is_some(),
            warning: match (missed, job.warning.clone()) {
                (Some(missed), Some(planned)) => Some(format!("{planned}; {missed}")),
                (missed, planned) => missed.or(planned),
            },
            document,
            ..record(Status::Written, None)
        },
        Err(e) => failed(e, halt, record),
    }
}

/// A job's error as its record: a full disk is not the job's fault but the run's, so the
/// job counts as not started (a rerun builds it) and stops the others from starting;
/// only the first job to find the disk full carries the error, the one the run reports.
fn failed(e: Error, halt: &Halt, record: impl Fn(Status, Option<String>) -> Record) -> Record {
    match &e {
        Error::DiskFull { path, reason } if halt.disk_full(path, reason) => {
            record(Status::NotStarted, Some(e.to_string()))
        }
        Error::DiskFull { .. } => record(Status::NotStarted, None),
        _ => record(Status::Failed, Some(e.to_string())),
    }
}

/// An existing output built from exactly these inputs, read.
fn up_to_date(output: &Path, inputs: &str, format: Format) -> Option<Vec<u8>> {
    let recorded = match format {
        Format::Pdf => recorded_inputs,
        Format::Html => crate::html::recorded_inputs,
    };
    let file = std::fs::read(output).ok()?;
    (recorded(&file)? == inputs).then_some(file)
}

/// Temporary files a killed run (SIGKILL, power loss) may have left:
/// `.<name>.pdf.<pid>-<n>.tmp` (or `.html.`), and a FHIR export's unfinished
/// `.DocumentReference.ndjson.<pid>-<n>.tmp`, which holds every PDF again.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            && name.ends_with(".tmp")
            && (name.contains(".pdf.") || name.contains(".html.") || name.contains(".ndjson."))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} PDFs  {rate}  ETA {eta}")
    {
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        ));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_runs_temporary_files_are_removed_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("handout-stale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let stale = [
            ".a-brief-row-1.pdf.4242-0.tmp",
            ".a-brief-row-1.html.4242-1.tmp",
            ".DocumentReference.ndjson.4242-2.tmp",
        ];
        let kept = [
            "a-brief-row-1.pdf",
            "DocumentReference.ndjson",
            ".notes.tmp",
        ];
        for name in stale.iter().chain(&kept) {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        remove_stale_temp_files(&dir);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let _ = std::fs::remove_dir_all(&dir);
        let mut expected = kept.map(String::from).to_vec();
        expected.sort();
        assert_eq!(left, expected);
    }

    #[test]
    fn shards_split_every_key_exactly_once() {
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for i in 0..300 {
            let key = format!("patient-{i}.pdf");
            assert_eq!(shards.iter().filter(|s| s.owns(&key)).count(), 1, "{key}");
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| {
                (0..300)
                    .filter(|i| s.owns(&format!("patient-{i}.pdf")))
                    .count()
            })
            .collect();
        assert!(sizes.iter().all(|&n| n > 60), "unbalanced: {sizes:?}");
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("1-3".parse::<Shard>().is_err());
    }
}

//! Batch runs: thousands of handouts from a patient list or a manifest, in parallel,
//! resumable, each PDF written atomically, every job reported.

mod library;
mod names;
mod plan;

pub use library::Library;
pub use names::{pdf_name, slug};
pub use plan::{Job, Plan, Rejected, COLUMNS};

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::Error;
use crate::hash::Fnv128;
use crate::output::{write_atomic, write_atomic_with, Durability};
use crate::pipeline::{self, Options};
use crate::render::recorded_inputs;
use plan::LoadedProfile;

/// Where the jobs come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A patient list, with the directory of handouts its `handout` column names.
    Csv { list: PathBuf, handouts: PathBuf },
    /// A manifest of handouts × profiles × presets.
    Manifest(PathBuf),
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
}

/// Totals for the summary line and the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub written: usize,
    pub up_to_date: usize,
    pub failed: usize,
    pub not_started: usize,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    summary: Summary,
    seconds: f64,
    jobs: &'a [Record],
}

/// Set by Ctrl-C (SIGINT) or SIGTERM: jobs not yet started are skipped, jobs under way
/// finish writing, so no file is left half-written.
static STOP: AtomicBool = AtomicBool::new(false);

fn install_stop_handler() {
    // A second install in the same process (tests) fails harmlessly: the first stays.
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
}

/// Runs a batch and returns its summary. Errors that stop the whole batch (an unreadable
/// list, a bad profile, an unknown column) come back as `Err`; failed jobs do not.
pub fn run(settings: &Settings) -> Result<(Summary, Vec<Record>), Error> {
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
    };
    let mut plan = match &settings.source {
        Source::Csv { list, handouts } => {
            let library = Library::load_dir(handouts)?;
            plan::from_csv(list, &library, profile.as_ref(), &out_dir)?
        }
        Source::Manifest(path) => plan::from_manifest(path, profile.as_ref(), &out_dir)?,
    };
    plan::reject_clashes(&mut plan);
    if let Some(shard) = settings.shard {
        let key = |p: &Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        plan.jobs.retain(|job| shard.owns(&key(&job.output)));
        plan.rejected.retain(|r| shard.owns(&r.label));
    }
    std::fs::create_dir_all(&out_dir).map_err(|e| Error::Output {
        path: out_dir.clone(),
        reason: e.to_string(),
    })?;
    remove_stale_temp_files(&out_dir);

    install_stop_handler();
    let progress = progress_bar(plan.jobs.len() as u64, settings.quiet);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    let force = settings.force;
    let mut records: Vec<Record> = plan
        .rejected
        .iter()
        .map(|r| Record {
            job: r.label.clone(),
            output: None,
            status: Status::Failed,
            error: Some(r.reason.clone()),
            input_hash: None,
        })
        .collect();
    let done: Vec<Record> = pool.install(|| {
        plan.jobs
            .par_iter()
            .map(|job| {
                let record = run_job(job, force);
                progress.inc(1);
                record
            })
            .collect()
    });
    progress.finish_and_clear();
    records.extend(done);

    let mut summary = Summary::default();
    for r in &records {
        match r.status {
            Status::Written => summary.written += 1,
            Status::UpToDate => summary.up_to_date += 1,
            Status::Failed => summary.failed += 1,
            Status::NotStarted => summary.not_started += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(report) = &settings.report {
        let json = serde_json::to_string_pretty(&Report {
            summary,
            seconds,
            jobs: &records,
        })
        .map_err(|e| Error::Pdf(format!("cannot write the report: {e}")))?;
        write_atomic(report, json.as_bytes(), &[])?;
    }
    for r in records.iter().filter(|r| r.status == Status::Failed) {
        eprintln!(
            "error: {}: {}",
            r.job,
            r.error.as_deref().unwrap_or("failed")
        );
    }
    let built = summary.written as f64;
    eprintln!(
        "batch: {} written, {} up to date, {} failed, {} not started in {seconds:.2} s ({:.0} PDFs/s)",
        summary.written,
        summary.up_to_date,
        summary.failed,
        summary.not_started,
        if seconds > 0.0 { built / seconds } else { 0.0 }
    );
    if summary.not_started > 0 {
        eprintln!("interrupted: run the same command again to finish the remaining jobs");
    }
    Ok((summary, records))
}

fn run_job(job: &Job, force: bool) -> Record {
    let record = |status, error: Option<String>| Record {
        job: job.label.clone(),
        output: Some(job.output.display().to_string()),
        status,
        error,
        input_hash: Some(job.inputs.clone()),
    };
    if STOP.load(Ordering::SeqCst) {
        return record(Status::NotStarted, None);
    }
    if !force && is_up_to_date(&job.output, &job.inputs) {
        return record(Status::UpToDate, None);
    }
    let options = Options {
        selection: Some(job.selection.clone()),
        paper: job.paper,
        large_print: job.large_print,
        profile: job.profile.as_deref().map(|p| &p.profile),
        personal: job.personal.as_ref(),
        timestamp: None,
        inputs: Some(job.inputs.clone()),
    };
    let mut inputs: Vec<&Path> = vec![&job.entry.path];
    if let Some(p) = &job.profile {
        inputs.push(&p.profile.path);
    }
    let result = pipeline::build(&job.entry.handout, &job.entry.path, &options).and_then(|built| {
        write_atomic_with(&job.output, &built.pdf, &inputs, Durability::Buffered)
    });
    match result {
        Ok(()) => record(Status::Written, None),
        Err(e) => record(Status::Failed, Some(e.to_string())),
    }
}

/// An existing output built from exactly these inputs.
fn is_up_to_date(output: &Path, inputs: &str) -> bool {
    std::fs::read(output)
        .ok()
        .and_then(|pdf| recorded_inputs(&pdf))
        .is_some_and(|recorded| recorded == inputs)
}

/// Temporary files a killed run (SIGKILL, power loss) may have left: `.<name>.pdf.<pid>-<n>.tmp`.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") && name.contains(".pdf.") {
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
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} PDFs  {per_sec}  ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

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

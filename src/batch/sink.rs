//! Where finished jobs go (the totals, stderr, the JSON report), and the fault that stops
//! a run short of its end: a full disk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{Record, Status, Stopped, Summary};
use crate::error::Error;
use crate::output::{temporary_beside, write_error};

/// Set when a write finds the disk full: no new job starts, since none would fit. One
/// per run rather than a static like Ctrl-C's, so a later run in the same process (a
/// test, a server) starts afresh.
#[derive(Debug, Default)]
pub(super) struct Halt {
    disk_full: OnceLock<(PathBuf, String)>,
}

impl Halt {
    /// Records that writing `path` found the disk full. True for the first write only,
    /// which is the one reported as the cause: the jobs under way beside it that fail
    /// the same way are not.
    pub(super) fn disk_full(&self, path: &Path, reason: &str) -> bool {
        self.disk_full
            .set((path.to_path_buf(), reason.to_string()))
            .is_ok()
    }

    pub(super) fn is_set(&self) -> bool {
        self.disk_full.get().is_some()
    }

    /// The write that found the disk full, and the system's words for it.
    pub(super) fn cause(&self) -> Option<&(PathBuf, String)> {
        self.disk_full.get()
    }
}

/// The totals, failures to stderr as they happen, and the JSON report.
pub(super) struct Sink<'a> {
    summary: Summary,
    progress: indicatif::ProgressBar,
    report: Option<Report>,
    /// The report asked for, once its disk turned out full.
    report_lost: Option<PathBuf>,
    halt: &'a Halt,
}

impl<'a> Sink<'a> {
    pub(super) fn new(
        report: Option<&Path>,
        progress: indicatif::ProgressBar,
        halt: &'a Halt,
    ) -> Result<Sink<'a>, Error> {
        Ok(Sink {
            summary: Summary::default(),
            progress,
            report: report.map(Report::create).transpose()?,
            report_lost: None,
            halt,
        })
    }

    pub(super) fn add(&mut self, record: Record) -> Result<(), Error> {
        if let Some(warning) = record.warning.as_ref().filter(|_| !record.quiet) {
            let line = format!("warning: {}: {warning}", record.job);
            self.progress.suspend(|| eprintln!("{line}"));
        }
        match record.status {
            Status::Written => self.summary.written += 1,
            Status::UpToDate => self.summary.up_to_date += 1,
            Status::Failed => {
                self.summary.failed += 1;
                let line = format!(
                    "error: {}: {}",
                    record.job,
                    record.error.as_deref().unwrap_or("failed")
                );
                self.progress.suspend(|| eprintln!("{line}"));
            }
            Status::NotStarted => self.summary.not_started += 1,
        }
        if let Some(report) = &mut self.report {
            if let Err(e) = report.add(&record) {
                let target = report.target.clone();
                self.report = None;
                self.report_failed(target, &e)?;
            }
        }
        Ok(())
    }

    /// The totals, with the report (if any) renamed into place, and the report's path
    /// when its disk was full and it could not be written.
    /// What the FHIR export held, for the report's summary.
    pub(super) fn set_export(&mut self, export: Option<super::ExportCounts>) {
        self.summary.export = export;
    }

    pub(super) fn finish(mut self, seconds: f64) -> Result<(Summary, Option<PathBuf>), Error> {
        self.summary.stopped = if self.halt.is_set() {
            Some(Stopped::DiskFull)
        } else if self.summary.not_started > 0 {
            Some(Stopped::Interrupted)
        } else {
            None
        };
        if let Some(report) = self.report.take() {
            let target = report.target.clone();
            if let Err(e) = report.finish(&self.summary, seconds) {
                self.report_failed(target, &e)?;
            }
        }
        Ok((self.summary, self.report_lost))
    }

    /// A report that cannot be written (its temporary file already gone): a full disk
    /// stops the run from starting jobs, to be told at its end with the totals; any
    /// other error ends the run here.
    fn report_failed(&mut self, target: PathBuf, e: &std::io::Error) -> Result<(), Error> {
        match write_error(&target, e) {
            Error::DiskFull { path, reason } => {
                self.halt.disk_full(&path, &reason);
                self.report_lost = Some(target);
                Ok(())
            }
            other => Err(other),
        }
    }
}

/// The JSON report, streamed to a temporary file beside it that is renamed into place at
/// the end, and removed if it never gets there.
struct Report {
    target: PathBuf,
    temp: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
    first: bool,
    renamed: bool,
}

impl Report {
    fn create(target: &Path) -> Result<Report, Error> {
        let temp = temporary_beside(target)?;
        let file = std::fs::File::create(&temp).map_err(|e| write_error(target, &e))?;
        let mut report = Report {
            target: target.to_path_buf(),
            temp,
            writer: std::io::BufWriter::new(file),
            first: true,
            renamed: false,
        };
        write!(report.writer, "{{\n  \"jobs\": [").map_err(|e| write_error(target, &e))?;
        Ok(report)
    }

    fn add(&mut self, record: &Record) -> std::io::Result<()> {
        let json = serde_json::to_string(record)?;
        let separator = if self.first { "\n    " } else { ",\n    " };
        write!(self.writer, "{separator}{json}")?;
        self.first = false;
        Ok(())
    }

    fn finish(mut self, summary: &Summary, seconds: f64) -> std::io::Result<()> {
        let summary = serde_json::to_string(summary)?;
        write!(
            self.writer,
            "\n  ],\n  \"summary\": {summary},\n  \"seconds\": {seconds:.3}\n}}\n"
        )?;
        self.writer.flush()?;
        std::fs::rename(&self.temp, &self.target)?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

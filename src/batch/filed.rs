//! `DocumentReference.ndjson`: one FHIR DocumentReference a line for every PDF a run
//! from a FHIR export made or found up to date, ready for a Bulk Data import or a FHIR
//! transaction. Streamed to a temporary file beside it and renamed into place at the end,
//! so a reader never sees half of it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Shard;
use crate::error::Error;

/// The file being written; dropped unfinished (the run failed), it leaves nothing behind.
pub struct FiledDocuments {
    target: PathBuf,
    temp: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
    lines: usize,
    finished: bool,
}

/// The file's name in the output folder: one per shard, so machines sharing a folder
/// never write the same file.
pub fn file_name(shard: Option<Shard>) -> String {
    match shard {
        None => "DocumentReference.ndjson".to_string(),
        Some(shard) => format!(
            "DocumentReference.{}-of-{}.ndjson",
            shard.index, shard.count
        ),
    }
}

impl FiledDocuments {
    pub fn create(target: PathBuf) -> Result<FiledDocuments, Error> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = std::fs::File::create(&temp).map_err(|e| fail(&target, &e))?;
        Ok(FiledDocuments {
            target,
            temp,
            writer: std::io::BufWriter::new(file),
            lines: 0,
            finished: false,
        })
    }

    pub fn add(&mut self, line: &str) -> Result<(), Error> {
        self.writer
            .write_all(line.as_bytes())
            .and_then(|()| self.writer.write_all(b"\n"))
            .map_err(|e| fail(&self.target, &e))?;
        self.lines += 1;
        Ok(())
    }

    /// Puts the file in place and says where, with how many lines.
    pub fn finish(mut self) -> Result<(PathBuf, usize), Error> {
        self.writer
            .flush()
            .and_then(|()| std::fs::rename(&self.temp, &self.target))
            .map_err(|e| fail(&self.target, &e))?;
        self.finished = true;
        Ok((self.target.clone(), self.lines))
    }
}

impl Drop for FiledDocuments {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A full disk is the run's fault, told apart as every batch write's is.
fn fail(target: &Path, e: &std::io::Error) -> Error {
    crate::output::write_error(target, e)
}

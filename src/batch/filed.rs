//! `DocumentReference.ndjson`: one FHIR DocumentReference a line for every PDF a run
//! from a FHIR export made or found up to date, ready for a Bulk Data import or a FHIR
//! transaction. Streamed to a temporary file beside it and renamed into place at the end,
//! so a reader never sees half of it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use super::Shard;
use crate::error::Error;
use crate::output::temporary_beside;

/// The file being written, by a thread of its own: a run's DocumentReferences are most
/// of what it writes (each holds its PDF as base64), and writing them while the next
/// PDFs are built keeps the workers busy. Dropped unfinished (the run failed), it leaves
/// nothing behind.
pub struct FiledDocuments {
    target: PathBuf,
    temp: PathBuf,
    lines: Option<SyncSender<String>>,
    writer: Option<JoinHandle<std::io::Result<()>>>,
    count: usize,
    finished: bool,
}

/// Lines waiting for the writer: a chunk's worth, a few megabytes.
const QUEUE: usize = 64;

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
        let temp = temporary_beside(&target)?;
        let file = std::fs::File::create(&temp).map_err(|e| fail(&target, &e))?;
        let (lines, queued) = sync_channel::<String>(QUEUE);
        let writer = std::thread::spawn(move || {
            let mut out = std::io::BufWriter::new(file);
            for line in queued {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
            out.flush()
        });
        Ok(FiledDocuments {
            target,
            temp,
            lines: Some(lines),
            writer: Some(writer),
            count: 0,
            finished: false,
        })
    }

    pub fn add(&mut self, line: String) -> Result<(), Error> {
        let sent = self.lines.as_ref().is_some_and(|l| l.send(line).is_ok());
        if !sent {
            // The writer stopped: its error says why.
            return self.wait().map_err(|e| fail(&self.target, &e));
        }
        self.count += 1;
        Ok(())
    }

    /// Waits for the writer to write what it was sent.
    fn wait(&mut self) -> std::io::Result<()> {
        self.lines = None;
        match self.writer.take().map(JoinHandle::join) {
            Some(Ok(written)) => written,
            Some(Err(_)) => Err(std::io::Error::other("the writing thread stopped")),
            None => Err(std::io::Error::other("the file was already closed")),
        }
    }

    /// Puts the file in place and says where, with how many lines.
    pub fn finish(mut self) -> Result<(PathBuf, usize), Error> {
        self.wait()
            .and_then(|()| std::fs::rename(&self.temp, &self.target))
            .map_err(|e| fail(&self.target, &e))?;
        self.finished = true;
        Ok((self.target.clone(), self.count))
    }
}

impl Drop for FiledDocuments {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.wait();
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A full disk is the run's fault, told apart as every batch write's is.
fn fail(target: &Path, e: &std::io::Error) -> Error {
    crate::output::write_error(target, e)
}

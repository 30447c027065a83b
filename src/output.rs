//! Writing output files safely: never over an input, never a half-written file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Error;

fn fail(path: &Path, reason: impl Into<String>) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// A failed write of `path` as an [`Error`]: [`Error::DiskFull`] when the file system is
/// out of space or the user out of quota, which callers writing many files treat as the
/// end of the run, else [`Error::Output`].
pub fn write_error(path: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            let message = e.to_string();
            // "No space left on device (os error 28)": the number tells a reader nothing.
            let reason = match message.rsplit_once(" (os error ") {
                Some((reason, _)) => reason.to_string(),
                None => message,
            };
            Error::DiskFull {
                path: path.to_path_buf(),
                reason,
            }
        }
        _ => fail(path, e.to_string()),
    }
}

/// Whether a write waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Flush the file to disk before renaming it into place: survives a power cut.
    Flushed,
    /// Leave flushing to the operating system. Batch runs use this: a flush per file would
    /// cap them at the disk's flush rate, and a file cut short by a power failure lacks
    /// the input hash at its end, so the next run rebuilds it.
    Buffered,
}

/// Writes `bytes` to `target` through a temporary file in the same directory, renamed
/// into place only once complete: a reader never sees a partial file, and a failed write
/// leaves any existing file untouched. Refuses to write over any of `inputs`.
pub fn write_atomic(target: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), Error> {
    write_atomic_with(target, bytes, inputs, Durability::Flushed)
}

/// [`write_atomic`] with a choice of [`Durability`].
pub fn write_atomic_with(
    target: &Path,
    bytes: &[u8],
    inputs: &[&Path],
    durability: Durability,
) -> Result<(), Error> {
    if target.is_dir() {
        return Err(fail(
            target,
            "it is a directory; give a file name such as out.pdf",
        ));
    }
    let temp = temporary_beside(target)?;
    if let Ok(out) = target.canonicalize() {
        for input in inputs {
            if input.canonicalize().is_ok_and(|i| i == out) {
                return Err(fail(
                    target,
                    "it is one of the input files; choose another output name",
                ));
            }
        }
    }
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        if durability == Durability::Flushed {
            file.sync_all()?;
        }
        fs::rename(&temp, target)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        write_error(target, &e)
    })
}

/// Writes `bytes` to standard output, all of them, flushed (a PDF piped to `lp`, a
/// starter handout, a manual page).
pub fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| write_error(Path::new("standard output"), &e))
}

/// A fresh temporary file name in `target`'s directory, which must exist: renaming or
/// linking it into place then never crosses a file system. A batch removes the ones a
/// killed run left (`.<name>.<pid>-<n>.tmp`).
pub fn temporary_beside(target: &Path) -> Result<PathBuf, Error> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(fail(
            target,
            format!("the directory {} does not exist", parent.display()),
        ));
    }
    let name = target
        .file_name()
        .ok_or_else(|| fail(target, "it has no file name"))?
        .to_string_lossy()
        .into_owned();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    Ok(parent.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )))
}

/// Writes `bytes` to a new file `target`, refusing if anything is there already: the
/// file appears whole or not at all (written to a temporary file, then linked into
/// place, which fails rather than replace), so two runs cannot overwrite each other.
pub fn write_new(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    let exists = || {
        fail(
            target,
            "it already exists; choose another name or move the file away first",
        )
    };
    if target.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let temp = temporary_beside(target)?;
    let result = fs::File::create(&temp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| fs::hard_link(&temp, target));
    let _ = fs::remove_file(&temp);
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists(),
        _ => write_error(target, &e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test's own directory, removed when the test ends, whether it passes or not.
    struct Scratch(PathBuf);

    impl std::ops::Deref for Scratch {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.0
        }
    }

    impl AsRef<Path> for Scratch {
        fn as_ref(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn scratch(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("handout-output-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    #[test]
    fn writes_and_replaces_without_leaving_temp_files() {
        let dir = scratch("replace");
        let target = dir.join("a.pdf");
        write_atomic(&target, b"one", &[]).unwrap();
        write_atomic(&target, b"two", &[]).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn refuses_inputs_directories_and_missing_parents() {
        let dir = scratch("refuse");
        let input = dir.join("h.toml");
        fs::write(&input, "keep me").unwrap();
        let err = write_atomic(&input, b"x", &[&input])
            .unwrap_err()
            .to_string();
        assert!(err.contains("input"), "{err}");
        assert_eq!(fs::read(&input).unwrap(), b"keep me");
        assert!(write_atomic(&dir, b"x", &[])
            .unwrap_err()
            .to_string()
            .contains("directory"));
        let missing = dir.join("no/such/dir/out.pdf");
        assert!(write_atomic(&missing, b"x", &[])
            .unwrap_err()
            .to_string()
            .contains("does not exist"));
    }

    #[test]
    fn a_full_disk_or_quota_is_told_apart_from_other_write_errors() {
        let target = Path::new("out/a.pdf");
        // ENOSPC and EDQUOT as Linux numbers them.
        for (code, words) in [(28, "No space left on device"), (122, "quota exceeded")] {
            let e = std::io::Error::from_raw_os_error(code);
            match write_error(target, &e) {
                Error::DiskFull { path, reason } => {
                    assert_eq!(path, target);
                    assert!(
                        reason.contains(words) && !reason.contains("os error"),
                        "{reason}"
                    );
                }
                other => panic!("os error {code} became {other:?}"),
            }
        }
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(matches!(write_error(target, &denied), Error::Output { .. }));
    }

    #[test]
    fn a_new_file_never_replaces_one_that_is_there() {
        let dir = scratch("new");
        let target = dir.join("h.toml");
        write_new(&target, b"first").unwrap();
        let err = write_new(&target, b"second").unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"first");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        assert!(write_new(&dir.join("no/such/h.toml"), b"x")
            .unwrap_err()
            .to_string()
            .contains("does not exist"));
    }
}

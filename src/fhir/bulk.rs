//! A FHIR Bulk Data export as a folder of NDJSON files, read a line at a time: one
//! resource per line, in `Patient.ndjson`, numbered parts (`Patient.000.ndjson`,
//! `1.Patient.ndjson`, as servers and the SMART client name them) or gzipped
//! (`Patient.ndjson.gz`). Memory stays flat in the export's size: only the line being
//! read is held.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Error;

/// The longest line read: a Patient or Condition is a few kilobytes, and a line without
/// end must not take the machine's memory.
pub const MAX_LINE: usize = 4 * 1024 * 1024;

/// The NDJSON files of one resource type in an export folder, in name order (so numbered
/// parts are read in their order).
pub fn files_of(dir: &Path, resource_type: &str) -> Result<Vec<PathBuf>, Error> {
    let unreadable = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let holds_type = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|name| names_type(name, resource_type));
        if holds_type && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a file name is an NDJSON file of `resource_type`: the type, and otherwise
/// only numbers, between the dots before `.ndjson` (or `.ndjson.gz`).
fn names_type(name: &str, resource_type: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".ndjson")
        .or_else(|| name.strip_suffix(".ndjson.gz"))
    else {
        return false;
    };
    let mut named = false;
    for part in stem.split('.') {
        if part == resource_type && !named {
            named = true;
        } else if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    named
}

/// A line that is not a resource: its line and column, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub column: Option<usize>,
    pub reason: String,
}

impl BadLine {
    /// `Condition.ndjson:57:12`, naming the file by its name alone: the export folder is
    /// the run's, and its path says nothing more.
    pub fn place(&self, file: &Path) -> String {
        let name = file
            .file_name()
            .unwrap_or(file.as_os_str())
            .to_string_lossy();
        match self.column {
            Some(column) => format!("{name}:{}:{column}", self.line),
            None => format!("{name}:{}", self.line),
        }
    }
}

/// Calls `each` with every resource in `file` and its line number (from 1), or with the
/// line that is not one. Blank lines are passed over. Fails only when the file cannot be
/// read at all (missing, unreadable, a broken gzip stream).
pub fn each_resource(
    file: &Path,
    each: &mut dyn FnMut(usize, Result<Value, BadLine>),
) -> Result<(), Error> {
    each_line(file, &mut |_| true, &mut |number, line| {
        each(number, line.and_then(|text| parse(number, text)));
    })
}

/// What [`each_line`] calls with a line's number and its text (or why it has none).
pub type LineVisitor<'v> = dyn FnMut(usize, Result<&[u8], BadLine>) + 'v;

/// Calls `each` with the text of every line `wanted` says yes to (by number, asked in
/// order), trimmed, for the caller to parse as it needs ([`parse`]); the other lines are
/// read past. Blank lines are passed over; a line over [`MAX_LINE`] is a [`BadLine`].
pub fn each_line(
    file: &Path,
    wanted: &mut dyn FnMut(usize) -> bool,
    each: &mut LineVisitor<'_>,
) -> Result<(), Error> {
    let unreadable = |source| Error::Read {
        path: file.to_path_buf(),
        source,
    };
    let opened = File::open(file).map_err(unreadable)?;
    let gzipped = file.extension().is_some_and(|e| e == "gz");
    let reader: Box<dyn Read> = if gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(opened))
    } else {
        Box::new(opened)
    };
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let mut line = Vec::with_capacity(8 * 1024);
    let mut number = 0;
    loop {
        number += 1;
        line.clear();
        let whole = read_line(&mut reader, &mut line).map_err(unreadable)?;
        let Some(whole) = whole else {
            return Ok(());
        };
        let mut text = line.trim_ascii();
        if number == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        if !wanted(number) {
            continue;
        }
        if !whole {
            each(
                number,
                Err(BadLine {
                    line: number,
                    column: None,
                    reason: format!(
                        "the line is longer than {} MiB; one resource a line is expected",
                        MAX_LINE / (1024 * 1024)
                    ),
                }),
            );
        } else if !text.is_empty() {
            each(number, Ok(text));
        }
    }
}

/// Line `number` read as `T`: a whole resource as a JSON value, or the fields of it a
/// caller reads (borrowing its strings from `text`).
pub fn parse<'t, T: serde::Deserialize<'t>>(number: usize, text: &'t [u8]) -> Result<T, BadLine> {
    if text.first() != Some(&b'{') && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Err(BadLine {
            line: number,
            column: None,
            reason: "is JSON but not a resource (an object with a resourceType)".into(),
        });
    }
    serde_json::from_slice::<T>(text).map_err(|e| BadLine {
        line: number,
        column: Some(e.column()),
        reason: match e.classify() {
            serde_json::error::Category::Data => {
                format!("has a value of the wrong type: {}", without_position(&e))
            }
            _ => format!("is not JSON: {}", without_position(&e)),
        },
    })
}

/// serde_json's message without its own " at line 1 column 12", which names the line
/// within the line.
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// Reads one line into `line` (without its `\n`): `Some(true)` for a whole line,
/// `Some(false)` for one cut off at [`MAX_LINE`] (the rest is read past), `None` at the
/// end of the file.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    let mut read_any = false;
    let mut whole = true;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(read_any.then_some(whole));
        }
        read_any = true;
        let (taken, ended) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (at, true),
            None => (buffer.len(), false),
        };
        if whole && line.len() + taken <= MAX_LINE {
            line.extend_from_slice(&buffer[..taken]);
        } else {
            whole = false;
            line.clear();
        }
        reader.consume(taken + usize::from(ended));
        if ended {
            return Ok(Some(whole));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_files_are_found_by_type() {
        for name in [
            "Patient.ndjson",
            "Patient.000.ndjson",
            "1.Patient.ndjson",
            "Patient.ndjson.gz",
            "Patient.2.ndjson.gz",
        ] {
            assert!(names_type(name, "Patient"), "{name}");
        }
        for name in [
            "Condition.ndjson",
            "Patient.json",
            "PatientX.ndjson",
            "Patient.old.ndjson",
            "Patient.Patient.ndjson",
            ".ndjson",
            "Patient..ndjson",
        ] {
            assert!(!names_type(name, "Patient"), "{name}");
        }
    }

    #[test]
    fn lines_are_cut_at_the_limit_and_the_rest_read_past() {
        let long = "x".repeat(MAX_LINE + 10);
        let text = format!("a\n{long}\nb");
        let mut reader = BufReader::with_capacity(1024, text.as_bytes());
        let mut line = Vec::new();
        let mut lines = Vec::new();
        while let Some(whole) = read_line(&mut reader, &mut line).unwrap() {
            lines.push((String::from_utf8(line.clone()).unwrap(), whole));
            line.clear();
        }
        assert_eq!(
            lines,
            [
                ("a".to_string(), true),
                (String::new(), false),
                ("b".to_string(), true)
            ]
        );
    }

    proptest::proptest! {
        /// Whatever a file holds, each line is a resource or a bad line with its number,
        /// never a panic, and no line is skipped unless blank.
        #[test]
        fn any_bytes_read_line_by_line(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(b'\n'),
                proptest::strategy::Just(b'{'),
                proptest::strategy::Just(b'"'),
                proptest::num::u8::ANY,
            ],
            0..400,
        )) {
            let dir = std::env::temp_dir().join(format!("handout-bulk-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("Patient.{}.ndjson", bytes.len()));
            std::fs::write(&file, &bytes).unwrap();
            let mut seen = Vec::new();
            each_resource(&file, &mut |line, read| {
                if let Err(bad) = &read {
                    assert_eq!(bad.line, line);
                }
                seen.push(line);
            })
            .unwrap();
            let _ = std::fs::remove_file(&file);
            let lines = bytes.split(|&b| b == b'\n').count();
            assert!(seen.windows(2).all(|w| w[0] < w[1]));
            assert!(seen.last().is_none_or(|&last| last <= lines));
            let nonblank = bytes
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(i, l)| {
                    let l = if *i == 0 { l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l) } else { l };
                    !l.trim_ascii().is_empty()
                })
                .count();
            assert_eq!(seen.len(), nonblank);
        }
    }

    #[test]
    fn a_broken_line_is_named_with_its_column() {
        let bad = parse::<Value>(57, br#"{"resourceType": "Condition",, }"#).unwrap_err();
        assert_eq!(bad.line, 57);
        assert_eq!(bad.column, Some(30));
        assert_eq!(
            bad.place(Path::new("/exports/x/Condition.ndjson")),
            "Condition.ndjson:57:30"
        );
        assert_eq!(bad.reason, "is not JSON: key must be a string");
        assert!(parse::<Value>(1, b"[1, 2]").is_err());
        assert!(parse::<Value>(1, br#"{"resourceType": "Patient"}"#).is_ok());
        let wrong =
            parse::<crate::fhir::PatientStatus>(4, br#"{"id": "p", "active": "no"}"#).unwrap_err();
        assert_eq!(
            wrong.reason,
            "has a value of the wrong type: invalid type: string \"no\", expected a boolean"
        );
    }
}

use std::io::Read;
use std::path::{Path, PathBuf};

use super::place::Spans;
use super::Handout;
use crate::error::{Error, SourceError};

/// Mistakes found only once a whole block has been read (a key its type does not have,
/// an item of the wrong kind) are reported by the parser at the block's table header. The
/// line at fault can still be found after that header, before the next section: the line
/// of an unknown key, or the line whose value has the wrong type.
fn refine_offset(text: &str, span: std::ops::Range<usize>, message: &str) -> usize {
    let rest = text.get(span.start..).unwrap_or("");
    let region_end = rest
        .match_indices("[[sections]]")
        .map(|(i, _)| i)
        .find(|&i| i > 0)
        .unwrap_or(rest.len());
    let region = rest.get(..region_end).unwrap_or("");
    let culprit = if let Some(key) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        Culprit::Key(key.to_string())
    } else if let Some(value) = message.strip_prefix("invalid type: ").and_then(wrong_value) {
        Culprit::Value(value)
    } else {
        return span.start;
    };
    let mut line_start = span.start;
    for line in region.split_inclusive('\n') {
        if let Some((key, value)) = line.split_once('=') {
            let (key, value) = (key.trim(), value.trim());
            if !key.starts_with('[') && !key.starts_with('#') && culprit.is(key, value) {
                return line_start + (line.len() - line.trim_start().len());
            }
        }
        line_start += line.len();
    }
    span.start
}

/// What to look for on the faulty line.
enum Culprit {
    Key(String),
    Value(String),
}

impl Culprit {
    fn is(&self, key: &str, value: &str) -> bool {
        match self {
            Culprit::Key(k) => k == key,
            Culprit::Value(v) => {
                // A trailing comment is not part of the value.
                let value = if value.starts_with('"') {
                    value
                } else {
                    value.split('#').next().unwrap_or(value).trim_end()
                };
                v == value
            }
        }
    }
}

/// The offending value in serde's "invalid type" message, as it would be written in
/// TOML: "integer `5`, expected a string" gives `5`; "string \"x\", expected ..." gives `"x"`.
fn wrong_value(detail: &str) -> Option<String> {
    let detail = detail.split(", expected").next()?;
    if let Some((_, quoted)) = detail.split_once('`') {
        return quoted.split('`').next().map(str::to_string);
    }
    let start = detail.find('"')?;
    Some(detail[start..].to_string())
}

/// The largest handout, profile or personalization file read, in bytes. The bundled
/// handout is 60 KB; a file a hundred times larger is a mistake, not a handout.
pub const MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a whole file, refusing one larger than [`MAX_INPUT_BYTES`] before reading it.
fn read_capped(path: &Path) -> Result<Vec<u8>, Error> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            what: "file",
            size,
            limit: MAX_INPUT_BYTES,
        });
    }
    std::fs::read(path).map_err(read_error)
}

/// Reads a TOML file into `T` (a profile, a personalization file, a manifest), with
/// the same `file:line:col` errors as handouts.
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Error> {
    read_toml_with_text(path).map(|(value, _)| value)
}

/// [`read_toml`], also giving the text read, so that later checks of the values can
/// show where each one is.
pub fn read_toml_with_text<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<(T, String), Error> {
    let text = String::from_utf8(read_capped(path)?).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&err.as_bytes()[..valid]).into_owned();
        Error::Source(Box::new(SourceError::at(
            path,
            &prefix,
            valid,
            "the file is not valid UTF-8 text (save it as UTF-8)",
        )))
    })?;
    let value = toml::from_str(&text).map_err(|err| {
        let offset = err.span().map_or(0, |s| s.start);
        let message = err.message().trim().replace('\n', " ");
        Error::Source(Box::new(SourceError::at(path, &text, offset, message)))
    })?;
    Ok((value, text))
}

/// The `.toml` files directly in `dir`, sorted by name.
pub fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Reads and parses a handout file. See [`parse`].
pub fn load(path: &Path) -> Result<(Handout, String), Error> {
    from_bytes(path, read_capped(path)?)
}

/// Reads and parses a handout from a stream (standard input), refusing one larger than
/// [`MAX_INPUT_BYTES`] without reading past the limit. `label` names it in messages.
pub fn load_from(label: &Path, reader: impl Read) -> Result<(Handout, String), Error> {
    let text = read_text_from(label, reader)?;
    let handout = parse(label, &text)?;
    Ok((handout, text))
}

/// The text of a stream, as [`load_from`] reads it, without parsing it.
pub fn read_text_from(label: &Path, reader: impl Read) -> Result<String, Error> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: label.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::StreamTooLarge {
            path: label.to_path_buf(),
            limit: MAX_INPUT_BYTES,
        });
    }
    utf8(label, bytes)
}

fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<(Handout, String), Error> {
    let text = utf8(path, bytes)?;
    let handout = parse(path, &text)?;
    Ok((handout, text))
}

/// Reads a handout file's text, as [`load`] does, without parsing it: for a file that may
/// be a clinic overlay rather than a handout.
pub fn read_text(path: &Path) -> Result<String, Error> {
    utf8(path, read_capped(path)?)
}

/// The text of `bytes`, or an error at the first byte that is not UTF-8.
fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let bytes = err.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        Error::Source(Box::new(SourceError::at(
            path,
            &prefix,
            valid,
            "the file is not valid UTF-8 text (save it as UTF-8)",
        )))
    })
}

/// Parses and validates handout TOML. `path` is only used in messages.
pub fn parse(path: &Path, text: &str) -> Result<Handout, Error> {
    if let Some(offset) = text.find('\0') {
        return Err(Error::Source(Box::new(SourceError::at(
            path,
            text,
            offset,
            "the file contains a NUL byte; is it really a TOML text file?",
        ))));
    }
    let handout: Handout = toml::from_str(text).map_err(|err| {
        let message = err.message().trim().replace('\n', " ");
        let offset = err
            .span()
            .map_or(0, |span| refine_offset(text, span, &message));
        Error::Source(Box::new(SourceError::at(path, text, offset, message)))
    })?;
    super::validate(&handout).map_err(|problems| {
        let spans = Spans::new(text);
        Error::Invalid {
            path: path.to_path_buf(),
            what: "handout",
            problems: problems
                .into_iter()
                .map(|p| {
                    let span = p.place.and_then(|at| spans.find(&at)).or(p.span);
                    match span {
                        Some(span) => {
                            SourceError::at(path, text, span.start, p.message).to_string()
                        }
                        None => format!("{}: {}", path.display(), p.message),
                    }
                })
                .collect(),
        }
    })?;
    Ok(handout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_in_blocks_point_at_the_line_at_fault() {
        let src = "[[sections]]\n[[sections.blocks]]\ntype = \"x\"\n\n[[sections.blocks.items]]\nname = \"a\"\ndose = 5 # five\nnmae = \"b\"\n[[sections]]\ndose = 5\n";
        let header = src.find("[[sections.blocks]]").unwrap();
        let span = header..header + 19;
        let at = |offset: usize| SourceError::at(Path::new("h.toml"), src, offset, "").line;
        assert_eq!(
            at(refine_offset(
                src,
                span.clone(),
                "unknown field `nmae`, expected ..."
            )),
            8
        );
        assert_eq!(
            at(refine_offset(
                src,
                span.clone(),
                "invalid type: integer `5`, expected a string"
            )),
            7
        );
        assert_eq!(at(refine_offset(src, span.clone(), "something else")), 2);
    }
}

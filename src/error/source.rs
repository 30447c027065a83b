//! Mistakes at a known place in a source file.

use std::fmt;
use std::path::{Path, PathBuf};

/// A mistake at a known place in a source file, shown the way compilers show them:
/// `file:line:col: message`, then the offending line with a caret under the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, counted in characters.
    pub column: usize,
    pub message: String,
    pub line_text: String,
}

impl SourceError {
    /// Locates byte `offset` of `source` (clamped to its length).
    pub fn at(path: &Path, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column, line_text) = locate(source, offset);
        SourceError {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
            line_text,
        }
    }
}

/// Line, column (both 1-based) and text of the line holding byte `offset`.
fn locate(source: &str, offset: usize) -> (usize, usize, String) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let line_text = source[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    (line, column, line_text)
}

/// The most characters of a source line an error shows.
const WINDOW: usize = 100;

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.line.to_string();
        let gutter = " ".repeat(number.len());
        // Tabs would shift the caret, so show them as single spaces; a very long line is
        // shown as a window around the column.
        let chars: Vec<char> = self
            .line_text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let column = self.column.saturating_sub(1);
        let start = column
            .saturating_sub(WINDOW / 2)
            .min(chars.len().saturating_sub(WINDOW));
        let end = (start + WINDOW).min(chars.len());
        let mut shown: String = chars[start..end].iter().collect();
        let mut caret_at = column - start.min(column);
        if start > 0 {
            shown.insert(0, '…');
            caret_at += 1;
        }
        if end < chars.len() {
            shown.push('…');
        }
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {shown}")?;
        write!(f, "{gutter} | {}^", " ".repeat(caret_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_lines_and_characters() {
        let src = "a = 1\nbé = x\n";
        assert_eq!(locate(src, 0), (1, 1, "a = 1".to_string()));
        let x = src.find('x').unwrap();
        assert_eq!(locate(src, x), (2, 6, "bé = x".to_string()));
        assert_eq!(locate(src, 999).0, 3);
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        let line = format!("v = {}X{}", "[".repeat(500), "]".repeat(500));
        let offset = line.find('X').unwrap();
        let shown = SourceError::at(Path::new("h.toml"), &line, offset, "here").to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[2].chars().count() < 120, "{}", lines[2]);
        let caret = lines[3].chars().position(|c| c == '^').unwrap();
        assert_eq!(lines[2].chars().nth(caret), Some('X'), "{shown}");
    }

    #[test]
    fn source_error_shows_caret_under_column() {
        let err = SourceError::at(
            Path::new("h.toml"),
            "x = 1\ntitel = 2\n",
            6,
            "unknown field",
        );
        let shown = err.to_string();
        assert_eq!(
            shown,
            "h.toml:2:1: unknown field\n  |\n2 | titel = 2\n  | ^"
        );
    }
}

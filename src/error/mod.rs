//! Every way a build can fail, each with a message that says what to fix.

use std::path::PathBuf;

mod source;

pub use source::SourceError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{0}")]
    Source(Box<SourceError>),

    #[error("{} is not a valid {what}:\n{}", path.display(), bullet_list(problems))]
    Invalid {
        path: PathBuf,
        /// What the file should have been: "handout", "clinic profile", "patient list"...
        what: &'static str,
        problems: Vec<String>,
    },

    #[error("{} has no section {id:?}; valid section ids: {}", path.display(), valid.join(", "))]
    UnknownSection {
        path: PathBuf,
        id: String,
        valid: Vec<String>,
    },

    #[error("{} has no preset {name:?}; valid presets: {}", path.display(), valid.join(", "))]
    UnknownPreset {
        path: PathBuf,
        name: String,
        valid: Vec<String>,
    },

    /// A preset or section a clinic profile chose that the handout lacks, shown at the
    /// profile's value.
    #[error("{at}")]
    ProfileChoice {
        at: Box<SourceError>,
        valid: Vec<String>,
    },

    #[error("{message} (--strict refuses it)")]
    OverlayNotReviewed { message: String },

    #[error(
        "clinic overlays extend each other in a circle: {}; make one of them extend a handout",
        circle.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" → ")
    )]
    OverlayCycle { circle: Vec<PathBuf> },

    #[error("{}: {message}", dir.display())]
    UnknownHandout { dir: PathBuf, message: String },

    #[error("section {id:?} is listed twice; list each section once")]
    DuplicateSection { id: String },

    #[error("no sections selected; name at least one with --sections or --preset")]
    NothingSelected,

    #[error("{}", missing_glyph(path, place.as_deref(), where_, *ch))]
    MissingGlyph {
        path: PathBuf,
        /// The character's place in `path`, when it is a file that has it.
        place: Option<Box<SourceError>>,
        /// "section \"faq\", question 3" or "patient".
        where_: String,
        ch: char,
    },

    #[error("cannot write {}: {reason}", path.display())]
    Output { path: PathBuf, reason: String },

    /// A write that failed for want of space (ENOSPC) or quota (EDQUOT): kept apart from
    /// [`Error::Output`] because no other file will fit either, so a batch stops there.
    #[error("cannot write {}: the disk is full ({reason})", path.display())]
    DiskFull { path: PathBuf, reason: String },

    #[error("the environment variable {name} {problem}")]
    Environment { name: &'static str, problem: String },

    #[error("{0}")]
    Usage(String),

    #[error(
        "{}: the {what} is {:.1} MiB ({size} bytes); the limit is {:.0} MiB. Is it the right file?",
        path.display(),
        *size as f64 / 1_048_576.0,
        *limit as f64 / 1_048_576.0
    )]
    TooLarge {
        path: PathBuf,
        what: &'static str,
        size: u64,
        limit: u64,
    },

    #[error(
        "{}: more than the limit of {:.0} MiB arrived. Is it the right file?",
        path.display(),
        *limit as f64 / 1_048_576.0
    )]
    StreamTooLarge { path: PathBuf, limit: u64 },

    #[error(
        "{}: the handout would be {pages} pages; the limit is {limit}. Print fewer sections \
         with --sections or --preset",
        path.display()
    )]
    TooManyPages {
        path: PathBuf,
        pages: usize,
        limit: usize,
    },

    #[error(
        "{}: its review was due on {due} ({days} days ago); have it reviewed and update \
         meta.review_due, or build without --strict",
        path.display()
    )]
    ReviewOverdue {
        path: PathBuf,
        due: String,
        days: i64,
    },

    #[error("{0} (--strict refuses a build that misses its page target)")]
    MissedPageTarget(String),

    #[error(
        "{} and {} are both handout {id:?} in language {language:?}; a translation \
         keeps its source's id and has its own meta.language, so change one file's \
         meta.language (or give it an id of its own)",
        first.display(),
        second.display()
    )]
    DuplicateHandout {
        id: String,
        language: String,
        first: PathBuf,
        second: PathBuf,
    },

    #[error(
        "{} still has text as `handout new` wrote it; replace it with your own words, or \
         build without --strict:\n{}",
        path.display(),
        bullet_list(places)
    )]
    StarterTextLeft { path: PathBuf, places: Vec<String> },

    #[error("the batch is incomplete: {failed} failed, {not_started} not started (see above)")]
    BatchIncomplete { failed: usize, not_started: usize },

    /// A batch that stopped starting jobs when the disk filled up.
    #[error("{}", batch_disk_full(path, reason, *written, *remaining, report.as_deref()))]
    BatchDiskFull {
        /// The file whose write found the disk full.
        path: PathBuf,
        reason: String,
        written: usize,
        /// Jobs not built, each to be built by a rerun.
        remaining: usize,
        /// The report asked for, when it could not be written.
        report: Option<PathBuf>,
    },

    #[error("{failed} of {total} handout files have errors (see above)")]
    SomeFailed { failed: usize, total: usize },

    #[error("the PDF could not be produced: {0}")]
    Pdf(String),

    #[error("the FHIR DocumentReference could not be written: {0}")]
    DocumentReference(String),
}

/// A character no font has: at its line and column with the line shown when the file has
/// it, else at the file (or "the personal details").
fn missing_glyph(
    path: &std::path::Path,
    place: Option<&SourceError>,
    where_: &str,
    ch: char,
) -> String {
    let message = format!(
        "{where_}: no available font can draw {ch:?} (U+{code:04X}): {hint}; replace or remove it",
        code = ch as u32,
        hint = crate::fonts::script::hint(ch)
    );
    match place {
        Some(place) => SourceError {
            message,
            ..place.clone()
        }
        .to_string(),
        None => format!("{}: {message}", path.display()),
    }
}

fn batch_disk_full(
    path: &std::path::Path,
    reason: &str,
    written: usize,
    remaining: usize,
    report: Option<&std::path::Path>,
) -> String {
    let handouts = if written == 1 { "handout" } else { "handouts" };
    let todo = match (remaining, report) {
        (0, Some(report)) => format!("write {}", report.display()),
        (_, Some(report)) => format!("build the other {remaining} and write {}", report.display()),
        _ => format!("build the other {remaining}"),
    };
    format!(
        "the disk is full ({reason}) writing {}: {written} {handouts} written; free some \
         space and run the same command again to {todo}",
        path.display()
    )
}

fn bullet_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("  - {}", item.replace('\n', "\n    ")))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// The process exit code for this error: 2 for a command line that makes no sense
    /// (clap exits with 2 for its own such errors), 1 for bad input or a failed build.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

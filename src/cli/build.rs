//! `handout build`: one handout to one PDF.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::review_due;
use crate::dates::{self, Review};
use crate::error::Error;
use crate::layout::dump;
use crate::model::{self, Handout};
use crate::output::write_atomic;
use crate::personal::{self, Personal};
use crate::pipeline::{self, Options};
use crate::profile;
use crate::select::Selection;
use crate::vocabulary::Paper;

#[derive(Debug, clap::Args)]
pub(super) struct BuildArgs {
    /// The handout TOML file
    handout: PathBuf,
    /// A preset: `full` (every section) or one the handout defines, such as `brief`
    #[arg(long, conflicts_with = "sections")]
    preset: Option<String>,
    /// Section ids, comma-separated, printed in the order given
    #[arg(long, value_delimiter = ',')]
    sections: Option<Vec<String>>,
    /// Where to write the PDF [default: <handout id>-<preset>.pdf]
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Paper size [default: the profile's, else letter]
    #[arg(long, value_enum)]
    paper: Option<PaperArg>,
    /// Also write the layout as text (one line per box), for review and diffing
    #[arg(long, value_name = "FILE")]
    layout_dump: Option<PathBuf>,
    /// A clinic profile: name, logo, colours, paper, wording, default sections
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// Large print: 18 pt body, 1.5 line spacing, no italics, numbered lists
    #[arg(long)]
    large_print: bool,
    /// Refuse to build a handout whose review date has passed
    #[arg(long)]
    strict: bool,
    /// The patient's name, printed on page 1 and in the header of later pages
    #[arg(long, value_name = "NAME")]
    patient: Option<String>,
    /// The date to print for the visit (YYYY-MM-DD)
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// The clinician handing out the handout
    #[arg(long, value_name = "NAME")]
    clinician: Option<String>,
    /// When and how to follow up, e.g. "In 2 weeks"
    #[arg(long, value_name = "TEXT")]
    follow_up: Option<String>,
    /// A note for the patient; repeat for several paragraphs
    #[arg(long = "note", value_name = "TEXT")]
    notes: Vec<String>,
    /// Personal details from a TOML file (patient, date, clinician, follow_up, notes,
    /// notes_area); flags given as well take precedence
    #[arg(long, value_name = "FILE")]
    personal: Option<PathBuf>,
    /// Add a lined "My notes" area for the patient's handwriting
    #[arg(long)]
    notes_area: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PaperArg {
    Letter,
    A4,
}

impl From<PaperArg> for Paper {
    fn from(p: PaperArg) -> Paper {
        match p {
            PaperArg::Letter => Paper::Letter,
            PaperArg::A4 => Paper::A4,
        }
    }
}

pub(super) fn run(args: BuildArgs) -> Result<(), Error> {
    let (handout, _) = model::load(&args.handout)?;
    let profile = args.profile.as_deref().map(profile::load).transpose()?;
    let personal = personal_details(&args)?;
    review_gate(&handout, &args.handout, args.strict)?;
    let selection = match (args.sections, args.preset) {
        (Some(ids), _) => Some(Selection::Sections(
            ids.into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        )),
        (None, Some(preset)) => Some(Selection::Preset(preset)),
        (None, None) => None,
    };
    let options = Options {
        selection,
        paper: args.paper.map(Paper::from),
        large_print: args.large_print,
        profile: profile.as_ref(),
        personal: personal.as_ref(),
        timestamp: source_date_epoch()?,
        inputs: None,
        encoded_logo: None,
    };
    let output = args.output.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}-{}.pdf",
            handout.meta.id,
            options.selection().file_label()
        ))
    });
    let built = pipeline::build(&handout, &args.handout, &options)?;
    let mut inputs: Vec<&Path> = vec![&args.handout];
    inputs.extend(args.profile.as_deref());
    inputs.extend(args.personal.as_deref());
    write_atomic(&output, &built.pdf, &inputs)?;
    if let Some(dump_path) = &args.layout_dump {
        inputs.push(&output);
        write_atomic(dump_path, dump::dump(&built.layout).as_bytes(), &inputs)?;
    }
    eprintln!(
        "wrote {} ({} page{})",
        output.display(),
        built.layout.pages.len(),
        if built.layout.pages.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    // The process ends next and the kernel takes its memory back whole: freeing the
    // handout's and the layout's thousands of allocations one by one first would be
    // about 1.5 % of a brief's instructions.
    std::mem::forget(built);
    std::mem::forget(handout);
    Ok(())
}

/// The personal details from `--personal FILE` and the flags, flags winning.
fn personal_details(args: &BuildArgs) -> Result<Option<Personal>, Error> {
    let from_file = args.personal.as_deref().map(personal::load).transpose()?;
    let date = args
        .date
        .as_deref()
        .map(personal::parse_date)
        .transpose()
        .map_err(Error::Usage)?;
    let flags = Personal {
        patient: args.patient.clone(),
        date,
        clinician: args.clinician.clone(),
        follow_up: args.follow_up.clone(),
        notes: args.notes.clone(),
        notes_area: args.notes_area,
    };
    flags.check().map_err(Error::Usage)?;
    let merged = from_file.unwrap_or_default().overridden_by(flags);
    Ok((!merged.is_empty()).then_some(merged))
}

/// Warns about a handout past its review date; with `--strict`, refuses it.
fn review_gate(handout: &Handout, path: &Path, strict: bool) -> Result<(), Error> {
    if let Review::Overdue(days) = Review::of(handout.meta.review_due.as_ref(), dates::today()) {
        let due = review_due(handout);
        if strict {
            return Err(Error::ReviewOverdue {
                path: path.to_path_buf(),
                due,
                days,
            });
        }
        eprintln!(
            "warning: {}: review was due on {due} ({days} days ago); have the content reviewed \
             (--strict refuses overdue handouts)",
            path.display()
        );
    }
    Ok(())
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for "the time to stamp".
fn source_date_epoch() -> Result<Option<i64>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::Environment {
                name: "SOURCE_DATE_EPOCH",
                problem: format!("must be a whole number of seconds since 1970, not {value:?}"),
            }),
        Err(_) => Ok(None),
    }
}

//! `handout build`: one handout to one PDF, named by its file, by its id in a library
//! directory, or read from standard input; written to a file or to standard output.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;

use super::{placeholders, review_due, xliff};
use crate::dates::{self, Review};
use crate::error::Error;
use crate::fhir::PatientReference;
use crate::layout::dump;
use crate::library::{self, Entry};
use crate::model::{self, Handout};
use crate::output::{write_atomic, write_stdout};
use crate::personal::{self, Personal};
use crate::pipeline::{self, Format, Options};
use crate::profile;
use crate::select::{self, Selection};
use crate::vocabulary::Paper;

/// What names standard input and output on the command line.
const STDIO: &str = "-";
/// How messages name a handout read from standard input.
const STDIN_LABEL: &str = "<stdin>";

#[derive(Debug, clap::Args)]
pub(super) struct BuildArgs {
    /// The handout: a TOML file, a handout id from the --handouts directory, or - to
    /// read it from standard input
    #[arg(value_name = "HANDOUT")]
    handout: String,
    /// The directory a handout id is looked up in
    #[arg(long, value_name = "DIR", default_value = "handouts")]
    handouts: PathBuf,
    /// Build the handout's translation in this language (a BCP 47 tag such as es or
    /// zh-Hans); without one, the handout's own language is used, with a warning
    #[arg(long, value_name = "TAG")]
    language: Option<String>,
    /// Print one JSON object on standard output: path, pages, bytes, sections, warnings
    #[arg(long)]
    json: bool,
    /// A preset: `full` (every section) or one the handout defines, such as `brief`
    #[arg(long, conflicts_with = "sections")]
    preset: Option<String>,
    /// Section ids, comma-separated, printed in the order given
    #[arg(long, value_delimiter = ',')]
    sections: Option<Vec<String>>,
    /// Fit on this many pages, tightening spacing and then type down to 11 pt
    /// [default: the preset's `pages`, if it has one]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=crate::model::MAX_PAGE_TARGET as i64))]
    pages: Option<u32>,
    /// Where to write the PDF (or web page), or - for standard output [default: <handout
    /// id>-<preset>.pdf, or .html]
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// What to write: a PDF; the selected sections as one self-contained web page (html)
    /// for phones and patient portals; or the PDF inside a FHIR R4 DocumentReference
    /// (fhir), to file it to the chart [default: by the -o file's extension (.html,
    /// .json), else pdf]
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// With --format fhir: the patient the DocumentReference is filed for, as Patient/ID
    #[arg(long, value_name = "Patient/ID")]
    subject: Option<PatientReference>,
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
    /// Refuse to build a handout whose review date has passed, that still has text as
    /// `handout new` wrote it, or that does not fit its page target
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Pdf,
    Html,
    Fhir,
}

impl FormatArg {
    /// The format a file name asks for by its extension, if any.
    fn of_path(path: &Path) -> Option<FormatArg> {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            return Some(FormatArg::Fhir);
        }
        Format::of_path(path).map(|format| match format {
            Format::Pdf => FormatArg::Pdf,
            Format::Html => FormatArg::Html,
        })
    }

    /// What the pipeline builds: a DocumentReference wraps the PDF.
    fn built(self) -> Format {
        match self {
            FormatArg::Pdf | FormatArg::Fhir => Format::Pdf,
            FormatArg::Html => Format::Html,
        }
    }
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
    let to_stdout = args.output.as_deref() == Some(Path::new(STDIO));
    let dump_to_stdout = args.layout_dump.as_deref() == Some(Path::new(STDIO));
    let wanting_stdout: Vec<&str> = [
        (to_stdout, "-o -"),
        (dump_to_stdout, "--layout-dump -"),
        (args.json, "--json"),
    ]
    .into_iter()
    .filter_map(|(wants, flag)| wants.then_some(flag))
    .collect();
    if wanting_stdout.len() > 1 {
        return Err(Error::Usage(format!(
            "{} {} want standard output; send all but one to a file",
            wanting_stdout.join(" and "),
            if wanting_stdout.len() == 2 {
                "both"
            } else {
                "all"
            }
        )));
    }
    let asked = args
        .format
        .or_else(|| args.output.as_deref().and_then(FormatArg::of_path))
        .unwrap_or(FormatArg::Pdf);
    let format = asked.built();
    if args.subject.is_some() && asked != FormatArg::Fhir {
        return Err(Error::Usage(
            "--subject names the patient a FHIR DocumentReference is filed for; add \
             --format fhir"
                .into(),
        ));
    }
    if to_stdout && asked == FormatArg::Pdf && std::io::stdout().is_terminal() {
        return Err(Error::Usage(
            "-o - writes the PDF to standard output, which is a terminal; pipe it \
             (handout build ... -o - | lp) or redirect it (> handout.pdf)"
                .into(),
        ));
    }
    if format == Format::Html && args.layout_dump.is_some() {
        return Err(Error::Usage(
            "--layout-dump is the PDF's page layout; a web page has none (leave out \
             --format html)"
                .into(),
        ));
    }
    let mut warnings = Vec::new();
    let found = find_handout(&args, &mut warnings)?;
    let handout = found.handout();
    let path = found.path();
    let profile = args.profile.as_deref().map(profile::load).transpose()?;
    let personal = personal_details(&args)?;
    warnings.extend(review_gate(handout, path, args.strict)?);
    warnings.extend(starter_gate(&found, args.strict)?);
    if let Some(moved) = found.overlay().and_then(|o| o.warning.clone()) {
        if args.strict {
            return Err(Error::OverlayNotReviewed { message: moved });
        }
        warnings.push(moved);
    }
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let selection = Selection::asked(args.sections.as_deref(), args.preset.as_deref());
    let options = Options {
        selection,
        paper: args.paper.map(Paper::from),
        large_print: args.large_print,
        profile: profile.as_ref(),
        personal: personal.as_ref(),
        timestamp: source_date_epoch()?,
        inputs: None,
        encoded_logo: None,
        reuse_across_builds: false,
        pages: args.pages,
    };
    for warning in stale_gate(handout, path, &options, args.strict)? {
        eprintln!("warning: {warning}");
        warnings.push(warning);
    }
    let output = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(match asked {
            FormatArg::Fhir => options.document_reference_file_name(handout),
            _ => options.file_name_as(handout, format),
        })
    });
    if format == Format::Html {
        return write_html(&args, &found, &options, &output, warnings);
    }
    let built = pipeline::build(handout, path, &options)?;
    if let Some(missed) = built.missed_target(path, &options.selection()) {
        if args.strict {
            return Err(Error::MissedPageTarget(missed));
        }
        eprintln!("warning: {missed}");
        warnings.push(missed);
    }
    let mut inputs = inputs_of(&args, path);
    let filed;
    let written: &[u8] = if asked == FormatArg::Fhir {
        let subject = args.subject.as_ref();
        let now = source_date_epoch()?.unwrap_or_else(dates::now);
        let mut json = pipeline::document_reference(handout, &options, &built.pdf, subject, now)?;
        json.push('\n');
        filed = json;
        filed.as_bytes()
    } else {
        &built.pdf
    };
    if to_stdout {
        write_stdout(written)?;
    } else {
        write_atomic(&output, written, &inputs)?;
    }
    if let Some(dump_path) = &args.layout_dump {
        let text = dump::dump(&built.layout);
        if dump_to_stdout {
            write_stdout(text.as_bytes())?;
        } else {
            inputs.push(&output);
            write_atomic(dump_path, text.as_bytes(), &inputs)?;
        }
    }
    let pages = built.layout.pages.len();
    let shown = shown_as(&output, to_stdout);
    eprintln!(
        "wrote {shown} ({pages} page{}{})",
        if pages == 1 { "" } else { "s" },
        if asked == FormatArg::Fhir {
            ", as a FHIR DocumentReference"
        } else {
            ""
        }
    );
    if args.json {
        let sections = section_ids(handout, path, &options)?;
        let report = serde_json::json!({
            "path": output.display().to_string(),
            "format": match asked {
                FormatArg::Fhir => "fhir",
                _ => "pdf",
            },
            "pages": pages,
            "bytes": written.len(),
            "sections": sections,
            "warnings": warnings,
            "fit": built.fit(),
        });
        println!("{report}");
    }
    // The process ends next and the kernel takes its memory back whole: freeing the
    // handout's and the layout's thousands of allocations one by one first would be
    // about 1.5 % of a brief's instructions.
    std::mem::forget(built);
    std::mem::forget(found);
    Ok(())
}

/// The files a written output is made from, which it must not overwrite.
fn inputs_of<'a>(args: &'a BuildArgs, path: &'a Path) -> Vec<&'a Path> {
    let mut inputs: Vec<&Path> = Vec::new();
    if path != Path::new(STDIN_LABEL) {
        inputs.push(path);
    }
    inputs.extend(args.profile.as_deref());
    inputs.extend(args.personal.as_deref());
    inputs
}

/// How the "wrote …" line names where the output went.
fn shown_as(output: &Path, to_stdout: bool) -> String {
    if to_stdout {
        "standard output".to_string()
    } else {
        output.display().to_string()
    }
}

/// The ids of the sections a build prints, in order, for `--json`.
fn section_ids(
    handout: &Handout,
    path: &Path,
    options: &Options<'_>,
) -> Result<Vec<String>, Error> {
    Ok(select::select(handout, path, &options.selection())?
        .iter()
        .map(|s| s.id().to_string())
        .collect())
}

/// `handout build --format html`: the page, written where the PDF would be.
fn write_html(
    args: &BuildArgs,
    found: &Chosen,
    options: &Options<'_>,
    output: &Path,
    warnings: Vec<String>,
) -> Result<(), Error> {
    let (handout, path) = (found.handout(), found.path());
    let page = pipeline::build_html(handout, path, options)?;
    let to_stdout = output == Path::new(STDIO);
    if to_stdout {
        write_stdout(page.as_bytes())?;
    } else {
        write_atomic(output, page.as_bytes(), &inputs_of(args, path))?;
    }
    let shown = shown_as(output, to_stdout);
    eprintln!("wrote {shown} (a web page)");
    if args.json {
        let sections = section_ids(handout, path, options)?;
        let report = serde_json::json!({
            "path": output.display().to_string(),
            "format": "html",
            "bytes": page.len(),
            "sections": sections,
            "warnings": warnings,
        });
        println!("{report}");
    }
    Ok(())
}

/// The handout the command line names: `-` (standard input), an existing file, or else
/// an id looked up in the `--handouts` directory. With `--language`, a handout in another
/// language is swapped for its translation from the library it came from; without one,
/// it is built in its own language and `warnings` says so.
fn find_handout(args: &BuildArgs, warnings: &mut Vec<String>) -> Result<Chosen, Error> {
    let language = args.language.as_deref();
    let named = Path::new(&args.handout);
    let (path, loaded) = if args.handout == STDIO {
        let label = PathBuf::from(STDIN_LABEL);
        let text = model::read_text_from(&label, std::io::stdin().lock())?;
        // An overlay on standard input finds its base by id in --handouts.
        let loaded = library::resolve_text(&label, text, &args.handouts)?;
        (label, loaded)
    } else if named.is_file() || !model::is_kebab_id(&args.handout) {
        (named.to_path_buf(), library::load_file(named)?)
    } else {
        let (entry, warning) = library::find_in(&args.handouts, &args.handout, language)?;
        warnings.extend(warning);
        return Ok(Chosen::FromLibrary(entry));
    };
    let library::Loaded {
        handout,
        text,
        overlay,
        ..
    } = loaded;
    let Some(language) = language.filter(|l| !library::is_in_language(&handout, l)) else {
        return Ok(Chosen::Named(path, Box::new(handout), text, overlay));
    };
    let id = &handout.meta.id;
    // A file's translations sit beside it; standard input's, in --handouts.
    let dir = if args.handout == STDIO {
        args.handouts.clone()
    } else {
        match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    match library::find_in(&dir, id, Some(language)) {
        Ok((translation, None)) => Ok(Chosen::FromLibrary(translation)),
        _ => {
            warnings.push(library::no_translation(&handout, language));
            Ok(Chosen::Named(path, Box::new(handout), text, overlay))
        }
    }
}

/// The handout to build: read from where the command line named it, or found in a
/// library (shared with it, so not moved out).
enum Chosen {
    /// With the text read, for finding places in it, and what it extends if it is a
    /// clinic overlay.
    Named(PathBuf, Box<Handout>, String, Option<library::OverlayOf>),
    FromLibrary(Arc<Entry>),
}

impl Chosen {
    fn path(&self) -> &Path {
        match self {
            Chosen::Named(path, ..) => path,
            Chosen::FromLibrary(entry) => &entry.path,
        }
    }

    fn overlay(&self) -> Option<&library::OverlayOf> {
        match self {
            Chosen::Named(.., overlay) => overlay.as_ref(),
            Chosen::FromLibrary(entry) => entry.overlay.as_ref(),
        }
    }

    fn handout(&self) -> &Handout {
        match self {
            Chosen::Named(_, handout, ..) => handout,
            Chosen::FromLibrary(entry) => &entry.handout,
        }
    }
}

/// The places of starter text a build names before it sums up the rest: enough to show
/// what is meant without burying the build's own output under a fresh starter's 32.
const STARTER_PLACES_SHOWN: usize = 3;

/// A warning for the first few texts left as `handout new` wrote them and one counting
/// the rest (`check` names each); with `--strict`, an error naming them all instead.
fn starter_gate(found: &Chosen, strict: bool) -> Result<Vec<String>, Error> {
    let path = found.path();
    if !placeholders::any_in(found.handout()) {
        return Ok(Vec::new());
    }
    let left = match found {
        Chosen::Named(_, _, text, _) => placeholders::find(path, text),
        // A library keeps the parsed handout, not its text: read it again (a file that
        // cannot be read now was read a moment ago, so nothing is lost by skipping it).
        Chosen::FromLibrary(entry) => std::fs::read_to_string(&entry.path)
            .map(|text| placeholders::find(path, &text))
            .unwrap_or_default(),
    };
    let mut places: Vec<String> = left.iter().map(|l| l.message(path)).collect();
    if strict && !places.is_empty() {
        return Err(Error::StarterTextLeft {
            path: path.to_path_buf(),
            places,
        });
    }
    if places.len() > STARTER_PLACES_SHOWN {
        let more = places.len() - STARTER_PLACES_SHOWN;
        places.truncate(STARTER_PLACES_SHOWN);
        places.push(format!(
            "{}: {more} more text(s) still as `handout new` wrote them; `handout check {}` \
             names each",
            path.display(),
            path.display()
        ));
    }
    Ok(places)
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

/// The warning for a handout past its review date; with `--strict`, an error instead.
fn review_gate(handout: &Handout, path: &Path, strict: bool) -> Result<Option<String>, Error> {
    if let Review::Overdue(days) = Review::of(handout.meta.review_due.as_ref(), dates::today()) {
        let due = review_due(handout);
        if strict {
            return Err(Error::ReviewOverdue {
                path: path.to_path_buf(),
                due,
                days,
            });
        }
        return Ok(Some(format!(
            "{}: review was due on {due} ({days} days ago); have the content reviewed \
             (--strict refuses overdue handouts)",
            path.display()
        )));
    }
    Ok(None)
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for "the time to stamp".
pub(super) fn source_date_epoch() -> Result<Option<i64>, Error> {
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

/// The translation's printed sections whose English changed: warnings, or with `--strict`
/// an error. Nothing is read for a handout with no fingerprints (one not translated).
fn stale_gate(
    handout: &Handout,
    path: &Path,
    options: &Options,
    strict: bool,
) -> Result<Vec<String>, Error> {
    if handout.sections.iter().all(|s| s.translated_from.is_none()) {
        return Ok(Vec::new());
    }
    let Ok(sections) = select::select(handout, path, &options.selection()) else {
        // A selection that does not fit is the build's own error, reported next.
        return Ok(Vec::new());
    };
    let printed: Vec<&str> = sections.iter().map(|s| s.id()).collect();
    xliff::stale_gate(handout, path, &printed, strict)
}

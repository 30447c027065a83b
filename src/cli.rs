//! The command line: parses arguments, runs the pipeline, reports errors in one place.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::layout::{dump, Paper};
use crate::model::{self, Handout};
use crate::output::write_atomic;
use crate::pipeline::{self, Options};
use crate::select::{preset_names, Selection, FULL_PRESET};

const AFTER_HELP: &str = "\
Examples:
  handout build handouts/l3-l4-foraminal-narrowing.toml --preset brief
  handout build handouts/l3-l4-foraminal-narrowing.toml --sections warning-signs,do-and-avoid -o today.pdf
  handout build handouts/l3-l4-foraminal-narrowing.toml --paper a4
  handout list handouts/
  handout check handouts/*.toml

Exit codes:
  0  success
  1  bad input (a handout with mistakes, an unknown section) or a failed build
  2  usage error (an unknown option, a missing argument)";

#[derive(Debug, Parser)]
#[command(
    name = "handout",
    version,
    about = "Turns TOML patient handouts into printable PDF handouts",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a PDF from a handout, with the sections you choose
    #[command(after_help = AFTER_HELP)]
    Build(BuildArgs),
    /// List handouts: id, title, codes, and every section with its item count
    List {
        /// A handout file, or a directory of them
        #[arg(default_value = "handouts")]
        path: PathBuf,
    },
    /// Check handouts for mistakes without writing anything
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
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
    /// Paper size
    #[arg(long, value_enum, default_value_t = PaperArg::Letter)]
    paper: PaperArg,
    /// Also write the layout as text (one line per box), for review and diffing
    #[arg(long, value_name = "FILE")]
    layout_dump: Option<PathBuf>,
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

/// Runs the CLI with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err}");
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(1))
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Build(args) => build(args),
        Command::List { path } => list(&path),
        Command::Check { files } => check(&files),
    }
}

fn build(args: BuildArgs) -> Result<(), Error> {
    let (handout, _) = model::load(&args.handout)?;
    let selection = match (args.sections, args.preset) {
        (Some(ids), _) => Selection::Sections(
            ids.into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ),
        (None, Some(preset)) => Selection::Preset(preset),
        (None, None) => Selection::Preset(FULL_PRESET.into()),
    };
    let output = args.output.unwrap_or_else(|| {
        PathBuf::from(format!(
            "{}-{}.pdf",
            handout.meta.id,
            selection.file_label()
        ))
    });
    let options = Options {
        selection,
        paper: args.paper.into(),
        timestamp: source_date_epoch()?,
    };
    let built = pipeline::build(&handout, &args.handout, &options)?;
    write_atomic(&output, &built.pdf, &[&args.handout])?;
    if let Some(dump_path) = &args.layout_dump {
        write_atomic(
            dump_path,
            dump::dump(&built.layout).as_bytes(),
            &[&args.handout, &output],
        )?;
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

/// The handout files under `path`: the file itself, or the `.toml` files in a directory,
/// sorted by name.
fn handout_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

fn list(path: &Path) -> Result<(), Error> {
    let files = handout_files(path)?;
    let mut out = String::new();
    let mut failed = 0;
    for file in &files {
        match model::load(file) {
            Ok((handout, _)) => out.push_str(&describe(&handout, file)),
            Err(err) => {
                eprintln!("error: {err}");
                failed += 1;
            }
        }
    }
    print!("{out}");
    summary(failed, files.len())
}

/// One error for a run over several files whose own errors were already printed.
fn summary(failed: usize, total: usize) -> Result<(), Error> {
    if failed == 0 {
        Ok(())
    } else {
        Err(Error::SomeFailed { failed, total })
    }
}

fn describe(handout: &Handout, file: &Path) -> String {
    let meta = &handout.meta;
    let mut s = format!("{}  {}\n", meta.id, meta.title);
    s.push_str(&format!("  file:    {}\n", file.display()));
    if !meta.codes.is_empty() {
        s.push_str(&format!("  codes:   {}\n", meta.codes.join(", ")));
    }
    s.push_str(&format!(
        "  presets: {}\n",
        preset_names(handout).join(", ")
    ));
    s.push_str("  sections:\n");
    let width = handout
        .sections
        .iter()
        .map(|sec| sec.id().len())
        .max()
        .unwrap_or(0);
    for section in &handout.sections {
        let n = section.item_count();
        s.push_str(&format!(
            "    {:<width$}  {:>3} item{}  {}\n",
            section.id(),
            n,
            if n == 1 { " " } else { "s" },
            section.title
        ));
    }
    s
}

fn check(files: &[PathBuf]) -> Result<(), Error> {
    let mut failed = 0;
    for file in files {
        match model::load(file).and_then(|(handout, _)| {
            // Laying out every section also proves every character can be drawn.
            let options = Options {
                selection: Selection::Preset(FULL_PRESET.into()),
                paper: Paper::Letter,
                timestamp: None,
            };
            let labels = crate::labels::Labels::for_language(&handout.meta.language);
            pipeline::lay_out(&handout, file, &options, &labels).map(|_| handout)
        }) {
            Ok(handout) => println!(
                "ok: {} ({}, {} sections)",
                file.display(),
                handout.meta.id,
                handout.sections.len()
            ),
            Err(err) => {
                eprintln!("error: {err}");
                failed += 1;
            }
        }
    }
    summary(failed, files.len())
}

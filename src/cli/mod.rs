//! The command line: parses arguments, runs the command, reports errors in one place.
//! One module per command, each with its own arguments.

mod batch;
mod build;
mod check;
mod completions;
mod list;
mod man;
mod new;
mod placeholders;
mod serve;
mod xliff;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::dates;
use crate::error::Error;
use crate::model::Handout;

const AFTER_HELP: &str = "\
Examples:
  handout build handouts/l3-l4-foraminal-narrowing.toml --preset brief
  handout build handouts/l3-l4-foraminal-narrowing.toml --sections warning-signs,do-and-avoid -o today.pdf
  handout build handouts/l3-l4-foraminal-narrowing.toml --paper a4 --large-print
  handout build handouts/l3-l4-foraminal-narrowing.toml --profile profiles/riverside-spine.toml \\
      --patient \"Jane Doe\" --clinician \"Dr. Lee\" --follow-up \"In 2 weeks\" --note \"Walk 20 minutes a day.\"
  handout build l3-l4-foraminal-narrowing --preset brief -o - | lp
  handout build l3-l4-foraminal-narrowing --preset brief --language es
  handout list handouts/ --code M48.06
  handout check handouts/
  handout new low-back-pain --title \"Low back pain\"
  handout xliff export l3-l4-foraminal-narrowing --language fr --changed

Exit codes:
  0  success
  1  bad input (a handout or profile with mistakes, two handouts of one id and
     language, an unknown handout, section or preset) or a failed build, or what
     --strict refuses (an overdue review, a missed page target)
  2  usage error (an unknown option, a missing argument, options that conflict)";

const XLIFF_HELP: &str = "\
Examples:
  handout xliff export l3-l4-foraminal-narrowing --language fr -o fr.xlf
  handout xliff export l3-l4-foraminal-narrowing --language fr --changed -o fr-changes.xlf
  handout xliff import fr.xlf
  handout check handouts/

Exit codes:
  0  success
  1  a refused import (an older English, a malformed file, unknown units, an empty
     target in a translated section: nothing is written) or bad input
  2  usage error";

#[derive(Debug, Parser)]
#[command(
    name = "handout",
    version,
    about = "Turns TOML patient handouts into printable PDF handouts and accessible web pages",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a PDF from a handout, with the sections you choose (or a web page:
    /// --format html)
    #[command(after_help = AFTER_HELP)]
    Build(Box<build::BuildArgs>),
    /// List handouts: id, title, codes, review status, and every section with its item count
    List(list::ListArgs),
    /// Build many handouts at once: from a patient list (--csv), a manifest, or a FHIR Bulk
    /// Data export (--fhir-ndjson)
    #[command(after_help = batch::BATCH_HELP)]
    Batch(batch::BatchArgs),
    /// Check handouts for mistakes without writing anything
    Check(check::CheckArgs),
    /// Write a starter handout to fill in: one example of every block type, every key
    /// explained
    New(new::NewArgs),
    /// Serve the handout desk to browsers and a JSON API to the EHR, on this machine
    Serve(serve::ServeArgs),
    /// Translations through translators' tools: export XLIFF, import it back, stamp
    #[command(after_help = XLIFF_HELP)]
    Xliff(xliff::XliffArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(completions::CompletionsArgs),
    /// Print the manual page in roff, or write every page with --out-dir
    Man(man::ManArgs),
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
        Command::Build(args) => build::run(*args),
        Command::List(args) => list::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Batch(args) => batch::run(args),
        Command::New(args) => new::run(&args),
        Command::Serve(args) => serve::run(args),
        Command::Completions(args) => {
            completions::run(&args);
            Ok(())
        }
        Command::Man(args) => man::run(&args),
        Command::Xliff(args) => xliff::run(&args),
    }
}

/// The review date as YYYY-MM-DD, or empty when there is none.
fn review_due(handout: &Handout) -> String {
    handout
        .meta
        .review_due
        .as_ref()
        .map(dates::iso)
        .unwrap_or_default()
}

/// One error for a run over several files whose own errors were already printed.
fn summary(failed: usize, total: usize) -> Result<(), Error> {
    if failed == 0 {
        Ok(())
    } else {
        Err(Error::SomeFailed { failed, total })
    }
}

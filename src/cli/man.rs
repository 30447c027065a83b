//! `handout man`: the manual pages, in roff, from the same definitions as `--help`.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use super::Cli;
use crate::error::Error;
use crate::output::{write_atomic, write_stdout};

#[derive(Debug, clap::Args)]
pub(super) struct ManArgs {
    /// The command whose page to print (handout-build(1), ...) [default: handout(1)]
    #[arg(value_name = "COMMAND", conflicts_with = "out_dir")]
    command: Option<String>,
    /// Write every page (handout.1 and handout-<command>.1) into this directory instead
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

pub(super) fn run(args: &ManArgs) -> Result<(), Error> {
    let top = Cli::command();
    if let Some(dir) = &args.out_dir {
        write_page(&dir.join("handout.1"), top.clone())?;
        for sub in top.get_subcommands() {
            let name = format!("handout-{}", sub.get_name());
            write_page(&dir.join(format!("{name}.1")), page_command(sub, &name))?;
        }
        return Ok(());
    }
    let page = match &args.command {
        None => top,
        Some(name) => {
            let sub = top.find_subcommand(name).ok_or_else(|| {
                let names: Vec<&str> = top.get_subcommands().map(|c| c.get_name()).collect();
                Error::Usage(format!(
                    "no command {name:?}; commands with a page: {}",
                    names.join(", ")
                ))
            })?;
            page_command(sub, &format!("handout-{name}"))
        }
    };
    let mut out = Vec::new();
    render(page, &mut out)?;
    write_stdout(&out)
}

/// A subcommand as a page of its own, titled `handout-build` and so on, as git's are.
fn page_command(sub: &clap::Command, name: &str) -> clap::Command {
    sub.clone()
        .display_name(name.to_string())
        .bin_name(name.replace('-', " "))
        .version(env!("CARGO_PKG_VERSION"))
}

fn render(command: clap::Command, out: &mut Vec<u8>) -> Result<(), Error> {
    clap_mangen::Man::new(command)
        .render(out)
        .map_err(|e| Error::Usage(format!("cannot write the manual page: {e}")))
}

fn write_page(path: &Path, command: clap::Command) -> Result<(), Error> {
    let mut out = Vec::new();
    render(command, &mut out)?;
    write_atomic(path, &out, &[])
}

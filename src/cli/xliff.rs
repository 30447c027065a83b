//! `handout xliff`: translations through translators' tools (export, import), the one-off
//! stamping of translations as they stand, and the staleness reports `check`, `list` and
//! `build` give of a translation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::error::Error;
use crate::library;
use crate::model::{self, Handout};
use crate::output::{write_atomic, write_stdout};
use crate::pipeline;
use crate::translation::{self, Status};
use crate::xliff;

#[derive(Debug, clap::Args)]
pub(super) struct XliffArgs {
    #[command(subcommand)]
    command: XliffCommand,
}

#[derive(Debug, clap::Subcommand)]
enum XliffCommand {
    /// Write an XLIFF 1.2 file for translating a handout into a language: one unit per
    /// string of the English, the existing translation as targets
    Export(ExportArgs),
    /// Write or update a translation from a translated XLIFF file; refuses, writing
    /// nothing, a file from an older English, a malformed one, unknown units or an empty
    /// target in a translated section
    Import(ImportArgs),
    /// Record in each translated section of these translations that it translates the
    /// English as it is now (a one-off, for translations made before fingerprints)
    Stamp(StampArgs),
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// The English handout: a TOML file, or an id in the --handouts directory
    #[arg(value_name = "HANDOUT")]
    handout: String,
    /// The language to translate into (a BCP 47 tag such as es or zh-Hans)
    #[arg(long, value_name = "TAG")]
    language: String,
    /// The directory a handout id is looked up in
    #[arg(long, value_name = "DIR", default_value = "handouts")]
    handouts: PathBuf,
    /// Only the units needing a translator: sections the translation lacks or whose
    /// English changed since they were translated
    #[arg(long)]
    changed: bool,
    /// Where to write the XLIFF, or - for standard output [default: <id>.<language>.xlf]
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The translated XLIFF file
    file: PathBuf,
    /// The directory of the English handout and its translations
    #[arg(long, value_name = "DIR", default_value = "handouts")]
    handouts: PathBuf,
    /// Where to write the translation [default: the existing translation's file, else
    /// <id>.<language>.toml in --handouts]
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct StampArgs {
    /// Translation files (each beside its English)
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(super) fn run(args: &XliffArgs) -> Result<(), Error> {
    match &args.command {
        XliffCommand::Export(args) => export(args),
        XliffCommand::Import(args) => import(args),
        XliffCommand::Stamp(args) => stamp(args),
    }
}

/// The English handout a command line names: a file (a translation's file stands for its
/// English), or an id in `dir`.
fn english(handout: &str, dir: &Path) -> Result<(PathBuf, Handout), Error> {
    let named = Path::new(handout);
    if named.is_file() || !model::is_kebab_id(handout) {
        let (loaded, _) = model::load(named)?;
        return Ok(match translation::load_source(named, &loaded)? {
            Some(source) => source,
            None => (named.to_path_buf(), loaded),
        });
    }
    let (entry, _) = library::find_in(dir, handout, None)?;
    let (loaded, _) = model::load(&entry.path)?;
    match translation::load_source(&entry.path, &loaded)? {
        Some(source) => Ok(source),
        None => Ok((entry.path.clone(), loaded)),
    }
}

/// The translation of `english` (at `path`) into `language` beside it, if there is one.
fn existing(
    path: &Path,
    english: &Handout,
    language: &str,
) -> Result<Option<(PathBuf, Handout)>, Error> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if library::is_in_language(english, language) {
        return Err(Error::Usage(format!(
            "{} is itself in {language:?}; name the language to translate into",
            path.display()
        )));
    }
    match library::find_in(&dir, &english.meta.id, Some(language)) {
        Ok((entry, None)) if entry.path != path => {
            let (loaded, _) = model::load(&entry.path)?;
            Ok(Some((entry.path.clone(), loaded)))
        }
        _ => Ok(None),
    }
}

fn export(args: &ExportArgs) -> Result<(), Error> {
    let language = args.language.trim();
    if !model::is_language_tag(language) {
        return Err(Error::Usage(format!(
            "--language {language:?} is not a language tag such as es or zh-Hans"
        )));
    }
    let (path, english) = english(&args.handout, &args.handouts)?;
    let translation = existing(&path, &english, language)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A translation's own spelling of its tag (zh-Hant, not zh-hant) goes into the file.
    let language = translation
        .as_ref()
        .map_or(language, |(_, t)| t.meta.language.as_str());
    let text = xliff::export(
        &english,
        &file_name,
        language,
        translation.as_ref().map(|(_, t)| t),
        args.changed,
    );
    let units = text.matches("<trans-unit ").count();
    match args.output.as_deref() {
        Some(out) if out == Path::new("-") => write_stdout(text.as_bytes())?,
        out => {
            let out = out.map_or_else(
                || PathBuf::from(format!("{}.{language}.xlf", english.meta.id)),
                Path::to_path_buf,
            );
            let mut inputs = vec![path.as_path()];
            inputs.extend(translation.as_ref().map(|(p, _)| p.as_path()));
            write_atomic(&out, text.as_bytes(), &inputs)?;
            eprintln!("wrote {} ({units} units)", out.display());
        }
    }
    Ok(())
}

fn import(args: &ImportArgs) -> Result<(), Error> {
    let text = std::fs::read(&args.file).map_err(|source| Error::Read {
        path: args.file.clone(),
        source,
    })?;
    if text.len() as u64 > model::MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: args.file.clone(),
            what: "XLIFF file",
            size: text.len() as u64,
            limit: model::MAX_INPUT_BYTES,
        });
    }
    let text = String::from_utf8(text).map_err(|e| Error::Invalid {
        path: args.file.clone(),
        what: "XLIFF file",
        problems: vec![format!(
            "not UTF-8 text (at byte {})",
            e.utf8_error().valid_up_to()
        )],
    })?;
    let doc = xliff::read::read(&args.file, &text)?;
    let refuse = |problems: Vec<String>| Error::Invalid {
        path: args.file.clone(),
        what: "XLIFF file to import (nothing was written)",
        problems,
    };
    let (Some(id), Some(language)) = (doc.id.clone(), doc.target_language.clone()) else {
        return Err(refuse(vec![
            "its <file> names no handout (original) or no target-language".into(),
        ]));
    };
    // Both become part of a file name: only an id and a tag, nothing that reaches
    // outside the directory.
    if !model::is_kebab_id(&id) || !model::is_language_tag(&language) {
        return Err(refuse(vec![format!(
            "its <file> names handout {id:?} in language {language:?}; expected an id \
             (lowercase letters, digits and dashes) and a language tag such as fr"
        )]));
    }
    let (entry, _) = library::find_in(&args.handouts, &id, None)?;
    let (path, english) = english(&entry.path.display().to_string(), &args.handouts)?;
    if let Some(source) = &doc.source_language {
        if !library::is_in_language(&english, source) {
            return Err(refuse(vec![format!(
                "its source-language is {source:?}; {} is in {:?}",
                path.display(),
                english.meta.language
            )]));
        }
    }
    if library::is_in_language(&english, &language) {
        return Err(refuse(vec![format!(
            "its target-language {language:?} is the English's own ({:?})",
            english.meta.language
        )]));
    }
    let current = existing(&path, &english, &language)?;
    let language = current
        .as_ref()
        .map_or(language.as_str(), |(_, t)| t.meta.language.as_str());
    let imported = xliff::import(&english, &doc, language, current.as_ref().map(|(_, t)| t))
        .map_err(|refusal| refuse(refusal.0))?;
    let out = match (&args.output, &current) {
        (Some(out), _) => out.clone(),
        (None, Some((existing, _))) => existing.clone(),
        (None, None) => path.with_file_name(format!("{}.{language}.toml", english.meta.id)),
    };
    // An import updates its translation; any other file already there is not silently
    // replaced.
    let is_current = current.as_ref().is_some_and(|(p, _)| *p == out);
    if out.exists() && !is_current {
        let same = model::load(&out).is_ok_and(|(h, _)| {
            h.meta.id == english.meta.id && library::is_in_language(&h, language)
        });
        if !same {
            return Err(refuse(vec![format!(
                "{} exists and is not the {language:?} translation of {:?}; remove it or \
                 choose another name with -o",
                out.display(),
                english.meta.id
            )]));
        }
    }
    // The result must check clean before it replaces anything.
    let written = model::parse(&out, &imported.toml).and_then(|h| {
        pipeline::check(&h, &out)?;
        Ok(h)
    });
    if let Err(err) = written {
        return Err(refuse(vec![format!(
            "the translation would not check: {err}"
        )]));
    }
    write_atomic(&out, imported.toml.as_bytes(), &[&args.file, &path])?;
    eprintln!(
        "wrote {}: {} section(s) from {}, {} kept as they were, {} not translated; {} \
         string(s) changed",
        out.display(),
        imported.from_file.len(),
        args.file.display(),
        imported.kept.len(),
        imported.left_out.len(),
        imported.changed.len()
    );
    // A reviewer sees what a translator's file changed without diffing the TOML.
    const CHANGES_LISTED: usize = 20;
    if !imported.changed.is_empty() && imported.changed.len() <= CHANGES_LISTED {
        eprintln!("changed: {}", imported.changed.join(", "));
    }
    if !imported.dropped.is_empty() {
        eprintln!(
            "note: left out section(s) the English no longer has: {}",
            imported.dropped.join(", ")
        );
    }
    Ok(())
}

fn stamp(args: &StampArgs) -> Result<(), Error> {
    for file in &args.files {
        let (handout, text) = model::load(file)?;
        let Some((source, english)) = translation::load_source(file, &handout)? else {
            return Err(Error::Usage(format!(
                "{} is not a translation: no handout of its id in another language beside it",
                file.display()
            )));
        };
        let stamped = translation::stamp(file, &text, &english)?;
        write_atomic(file, stamped.as_bytes(), &[&source])?;
        let status = translation::status(&english, &model::parse(file, &stamped)?, None);
        eprintln!(
            "stamped {}: {} section(s) as translating {} now",
            file.display(),
            handout.sections.len() - status.unknown.len(),
            source.display()
        );
    }
    Ok(())
}

/// The English handouts read so far, by path, for reports over many files.
#[derive(Default)]
pub(super) struct Sources(HashMap<PathBuf, Option<Rc<Handout>>>);

impl Sources {
    /// The status of `handout` (at `path`) against its English, `None` for a handout that
    /// is not a translation (or whose English does not load: `check` reports that file
    /// itself).
    pub(super) fn status(&mut self, path: &Path, handout: &Handout) -> Option<Status> {
        let source = translation::source_beside(path, handout)?;
        let english = self
            .0
            .entry(source.clone())
            .or_insert_with(|| model::load(&source).ok().map(|(h, _)| Rc::new(h)))
            .clone()?;
        translation::is_source_of(&english, handout)
            .then(|| translation::status(&english, handout, None))
    }
}

/// Warnings for a translation's stale, unstamped and unknown sections; the partial
/// report (information) on standard output, or with `to_stdout` false (stdout carrying
/// JSON) on standard error. Returns how many sections are stale.
pub(super) fn report(path: &Path, status: &Status, to_stdout: bool) -> usize {
    for stale in &status.stale {
        eprintln!("warning: {}: {}", path.display(), stale.describe());
    }
    for id in &status.unstamped {
        eprintln!(
            "warning: {}: section {id:?} records no translated_from: nothing tells which \
             English it translates (`handout xliff stamp` if it matches the English now)",
            path.display()
        );
    }
    if status.head_unstamped {
        eprintln!(
            "warning: {}: [meta] records no translated_from: nothing tells which English \
             title, disclaimer and sources it translates (`handout xliff stamp` if they \
             match the English now)",
            path.display()
        );
    }
    for id in &status.unknown {
        eprintln!(
            "warning: {}: section {id:?} is not in the English any more",
            path.display()
        );
    }
    if !status.missing.is_empty() {
        let line = format!(
            "  partial translation: {} of {} sections; not translated: {}",
            status.english_sections - status.missing.len(),
            status.english_sections,
            status.missing.join(", ")
        );
        if to_stdout {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    }
    status.stale.len()
}

/// For a build of a translation: a warning for each printed section whose English
/// changed since it was translated; with `strict`, an error instead. Reads the English
/// only for a handout with fingerprints, so building an English handout costs nothing.
pub(super) fn stale_gate(
    handout: &Handout,
    path: &Path,
    printed: &[&str],
    strict: bool,
) -> Result<Vec<String>, Error> {
    let stamped = handout
        .sections
        .iter()
        .any(|s| s.translated_from.is_some() && printed.contains(&s.id()));
    if !stamped {
        return Ok(Vec::new());
    }
    let Ok(Some(english)) = translation::load_source_sections(path, handout, printed) else {
        return Ok(Vec::new());
    };
    let status = translation::status(&english, handout, Some(printed));
    let stale: Vec<String> = status
        .stale
        .iter()
        .map(|s| format!("{}: {}", path.display(), s.describe()))
        .collect();
    if strict && !stale.is_empty() {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            what: "translation to build with --strict (its English changed)",
            problems: stale,
        });
    }
    Ok(stale)
}

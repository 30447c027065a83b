//! Handout files that may be clinic overlays: an overlay's base is found as `build` finds
//! a handout (by id in the overlay's folder, in the overlay's language, or by a path
//! beside it), then the overlay is applied to it (`crate::overlay`).

use std::path::{Path, PathBuf};

use super::{find_in_chain, is_in_language};
use crate::error::Error;
use crate::model::{self, Handout, Place};
use crate::overlay;

/// What a clinic overlay was made from.
#[derive(Debug, Clone)]
pub struct OverlayOf {
    /// The base's file.
    pub base: PathBuf,
    pub base_id: String,
    /// Set when the base was updated after the overlay was last reviewed.
    pub warning: Option<String>,
}

/// A handout file read: an ordinary handout, or an overlay applied to its base.
#[derive(Debug)]
pub struct Loaded {
    pub handout: Handout,
    /// The file's own text, for finding places in it.
    pub text: String,
    /// Of the file's bytes; for an overlay, of its bytes and its base's hash.
    pub hash: [u8; 16],
    pub overlay: Option<OverlayOf>,
}

/// Reads a handout file, resolving it if it is a clinic overlay.
pub fn load_file(path: &Path) -> Result<Loaded, Error> {
    load_in(path, &mut Vec::new())
}

pub(super) fn load_in(path: &Path, chain: &mut Vec<PathBuf>) -> Result<Loaded, Error> {
    let text = model::read_text(path)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    resolve_in(path, text, &dir, chain)
}

/// A handout's text (from standard input, say) read as [`load_file`] reads a file's; an
/// overlay's base is looked for in `dir`. `path` names it in messages.
pub fn resolve_text(path: &Path, text: String, dir: &Path) -> Result<Loaded, Error> {
    resolve_in(path, text, dir, &mut Vec::new())
}

fn resolve_in(
    path: &Path,
    text: String,
    dir: &Path,
    chain: &mut Vec<PathBuf>,
) -> Result<Loaded, Error> {
    if !overlay::is_overlay(&text) {
        let handout = model::parse(path, &text)?;
        return Ok(Loaded {
            hash: crate::hash::of(text.as_bytes()),
            handout,
            text,
            overlay: None,
        });
    }
    let key = identity(path);
    if let Some(start) = chain.iter().position(|p| *p == key) {
        let mut circle = chain[start..].to_vec();
        circle.push(key);
        return Err(Error::OverlayCycle { circle });
    }
    chain.push(key);
    let resolved = resolve_overlay(path, text, dir, chain);
    chain.pop();
    resolved
}

/// A file as the same file however it was named (`./x.toml`, `dir/../dir/x.toml`).
pub(super) fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn resolve_overlay(
    path: &Path,
    text: String,
    dir: &Path,
    chain: &mut Vec<PathBuf>,
) -> Result<Loaded, Error> {
    let file = overlay::parse(path, &text)?;
    let extends = &file.overlay.extends;
    let language = file.language();
    let at_base = |message: String| file.error(path, message, Place::of("extends.handout"));
    let (base_path, base, base_hash) = if model::is_kebab_id(&extends.handout) {
        let (entry, fell_back) =
            find_in_chain(dir, &extends.handout, language, chain).map_err(|err| match err {
                Error::UnknownHandout { message, .. } => {
                    at_base(format!("no base to extend: {message}"))
                }
                other => other,
            })?;
        if fell_back.is_some() {
            return Err(at_base(format!(
                "the base {:?} has no version in language {:?}, which this overlay's \
                 meta.language asks for",
                extends.handout,
                language.unwrap_or("")
            )));
        }
        (entry.path.clone(), entry.handout.clone(), entry.hash)
    } else {
        let base_path = dir.join(&extends.handout);
        if !base_path.is_file() {
            return Err(at_base(format!(
                "no handout file {} to extend (a path is read from the overlay's folder; an id \
                 is looked up in it)",
                base_path.display()
            )));
        }
        let loaded = load_in(&base_path, chain)?;
        (base_path, loaded.handout, loaded.hash)
    };
    if let Some(language) = language.filter(|l| !is_in_language(&base, l)) {
        return Err(at_base(format!(
            "the base {} is in {:?}, not in {language:?} as this overlay's meta.language says",
            base_path.display(),
            base.meta.language
        )));
    }
    let handout = overlay::apply(path, &file, &base)?;
    let warning = overlay::review_warning(path, &base.meta.last_updated, &extends.reviewed);
    let mut hashed = text.clone().into_bytes();
    hashed.extend_from_slice(&base_hash);
    Ok(Loaded {
        hash: crate::hash::of(&hashed),
        overlay: Some(OverlayOf {
            base: base_path,
            base_id: base.meta.id.clone(),
            warning,
        }),
        handout,
        text,
    })
}

//! The handouts a batch draws on: every handout file in a directory, parsed once and
//! found by id and language.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::model::{self, Handout};

/// One handout file, parsed, with the hash of its bytes.
#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub handout: Handout,
    pub hash: [u8; 16],
}

/// Handouts by id.
#[derive(Debug, Default)]
pub struct Library {
    by_id: BTreeMap<String, Arc<Entry>>,
}

impl Library {
    /// Loads every `.toml` file in `dir`. A file that does not load is an error: a
    /// batch over a broken library would fail row by row for the same reason.
    pub fn load_dir(dir: &Path) -> Result<Library, Error> {
        let mut library = Library::default();
        for file in model::toml_files(dir)? {
            library.add(&file)?;
        }
        Ok(library)
    }

    /// Adds one handout file; two files with the same id are an error.
    pub fn add(&mut self, path: &Path) -> Result<Arc<Entry>, Error> {
        let (handout, text) = model::load(path)?;
        let entry = Arc::new(Entry {
            path: path.to_path_buf(),
            hash: crate::hash::of(text.as_bytes()),
            handout,
        });
        let id = entry.handout.meta.id.clone();
        if let Some(other) = self.by_id.get(&id) {
            return Err(Error::Usage(format!(
                "two handouts have the id {id:?}: {} and {}",
                other.path.display(),
                path.display()
            )));
        }
        self.by_id.insert(id, Arc::clone(&entry));
        Ok(entry)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.by_id.keys().map(String::as_str).collect()
    }

    /// The handout `id` in `language` (a BCP 47 tag, matched on its primary language):
    /// the handout with that id if its language fits, else a translation whose id is
    /// `id` plus a suffix (`l3-l4-foraminal-narrowing-es`).
    pub fn find(&self, id: &str, language: Option<&str>) -> Result<Arc<Entry>, String> {
        let primary = |tag: &str| tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let exact = self.by_id.get(id);
        let Some(language) = language.map(str::trim).filter(|l| !l.is_empty()) else {
            return exact.cloned().ok_or_else(|| self.unknown(id));
        };
        let wanted = primary(language);
        let fits = |e: &&Arc<Entry>| primary(&e.handout.meta.language) == wanted;
        if let Some(entry) = exact.filter(fits) {
            return Ok(Arc::clone(entry));
        }
        let prefix = format!("{id}-");
        self.by_id
            .iter()
            .filter(|(other, _)| other.starts_with(&prefix))
            .map(|(_, e)| e)
            .find(fits)
            .cloned()
            .ok_or_else(|| {
                if exact.is_some() {
                    format!("handout {id:?} has no version in language {language:?}")
                } else {
                    self.unknown(id)
                }
            })
    }

    fn unknown(&self, id: &str) -> String {
        format!(
            "no handout with id {id:?}; known ids: {}",
            self.ids().join(", ")
        )
    }
}

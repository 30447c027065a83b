//! A library of handouts: the handout files of a directory, found by id and language,
//! for a batch (which parses every file once) and for `handout build ID` (which reads as
//! few files as it can).

mod overlays;

pub use overlays::{load_file, resolve_text, Loaded, OverlayOf};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::language;
use crate::model::{self, Handout};

/// One handout file, parsed (a clinic overlay resolved into the handout it makes), with
/// the hash of its bytes (an overlay's, with its base's).
#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub handout: Handout,
    pub hash: [u8; 16],
    /// Set for a clinic overlay: its base, and whether the base moved since its review.
    pub overlay: Option<OverlayOf>,
}

/// Handouts by id: a handout and its translations may share an id, one per language
/// (the language tells them apart), or a translation may carry the id plus its language
/// (`l3-l4-foraminal-narrowing-es`).
#[derive(Debug, Default)]
pub struct Library {
    by_id: BTreeMap<String, Vec<Arc<Entry>>>,
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

    /// Adds one handout file; two files with the same id in the same language are an
    /// error, naming both.
    pub fn add(&mut self, path: &Path) -> Result<Arc<Entry>, Error> {
        self.add_in(path, &mut Vec::new())
    }

    /// [`Library::add`], with the overlays being resolved around it (`chain`), so that one
    /// that comes back to itself is caught.
    fn add_in(&mut self, path: &Path, chain: &mut Vec<PathBuf>) -> Result<Arc<Entry>, Error> {
        let loaded = overlays::load_in(path, chain)?;
        let entry = Arc::new(Entry {
            path: path.to_path_buf(),
            hash: loaded.hash,
            handout: loaded.handout,
            overlay: loaded.overlay,
        });
        let meta = &entry.handout.meta;
        let same = self.by_id.entry(meta.id.clone()).or_default();
        if let Some(other) = same
            .iter()
            .find(|e| e.handout.meta.language.eq_ignore_ascii_case(&meta.language))
        {
            return Err(Error::DuplicateHandout {
                id: meta.id.clone(),
                language: meta.language.clone(),
                first: other.path.clone(),
                second: path.to_path_buf(),
            });
        }
        same.push(Arc::clone(&entry));
        // The handout of the file named after the id alone first, then its translations
        // by language: the order the desk and the API list them in.
        let plain = format!("{}.toml", meta.id);
        same.sort_by_cached_key(|e| {
            let own = e.path.file_name().is_some_and(|n| n == plain.as_str());
            (!own, e.handout.meta.language.to_ascii_lowercase())
        });
        Ok(entry)
    }

    /// Every handout, by id; for each id, the one of the file named after it alone
    /// (`ID.toml`), then its translations by language tag.
    pub fn entries(&self) -> impl Iterator<Item = &Arc<Entry>> {
        self.by_id.values().flatten()
    }

    /// The ids, each once.
    pub fn ids(&self) -> Vec<&str> {
        self.by_id.keys().map(String::as_str).collect()
    }

    /// How many handouts, translations counted.
    pub fn len(&self) -> usize {
        self.by_id.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The handout `id` stands for when no language is asked: the one of its file
    /// named after the id alone (`ID.toml`), else the first by language tag. An id with a language
    /// after it (`l3-l4-foraminal-narrowing-es`) that no handout carries stands for that
    /// translation of the id before it, so links and patient lists written when
    /// translations had ids of their own keep working.
    fn own(&self, id: &str) -> Option<&Arc<Entry>> {
        let Some(same) = self.by_id.get(id) else {
            let (base, language) = self.with_language_suffix(id)?;
            return self
                .by_id
                .get(base)?
                .iter()
                .find(|e| is_in_language(&e.handout, language));
        };
        let plain = format!("{id}.toml");
        same.iter()
            .find(|e| e.path.file_name().is_some_and(|n| n == plain.as_str()))
            .or_else(|| same.first())
    }

    /// `id` read as a known id and a language it has a version in (`x-es` as `x`, `es`;
    /// `x-zh-hant` as `x`, `zh-hant`), for an id no handout carries.
    fn with_language_suffix<'i>(&self, id: &'i str) -> Option<(&'i str, &'i str)> {
        language_suffixes(id).find(|(base, language)| {
            self.by_id
                .get(*base)
                .is_some_and(|same| same.iter().any(|e| is_in_language(&e.handout, language)))
        })
    }

    /// The handout `id` in `language`, or else in its own language, with a warning that
    /// says so.
    pub fn find_or_own_language(
        &self,
        id: &str,
        language: Option<&str>,
    ) -> Result<(Arc<Entry>, Option<String>), String> {
        match (self.find(id, language), self.own(id)) {
            (Ok(entry), _) => Ok((entry, None)),
            (Err(_), Some(own)) => Ok((
                Arc::clone(own),
                Some(no_translation(&own.handout, language.unwrap_or(""))),
            )),
            (Err(why), None) => Err(why),
        }
    }

    /// The handout `id` in `language` (a BCP 47 tag, matched as [`is_in_language`] does):
    /// a handout with that id whose language fits, else a translation whose id is `id`
    /// plus a suffix (`l3-l4-foraminal-narrowing-es`).
    pub fn find(&self, id: &str, language: Option<&str>) -> Result<Arc<Entry>, String> {
        let Some(language) = language.map(str::trim).filter(|l| !l.is_empty()) else {
            return self.own(id).cloned().ok_or_else(|| self.unknown(id));
        };
        let fits = |e: &&Arc<Entry>| is_in_language(&e.handout, language);
        if let Some(entry) = self.by_id.get(id).into_iter().flatten().find(fits) {
            return Ok(Arc::clone(entry));
        }
        if !self.by_id.contains_key(id) {
            if let Some((base, _)) = self.with_language_suffix(id) {
                if let Some(entry) = self.by_id.get(base).into_iter().flatten().find(fits) {
                    return Ok(Arc::clone(entry));
                }
            }
        }
        let prefix = format!("{id}-");
        self.by_id
            .iter()
            .filter(|(other, _)| other.starts_with(&prefix))
            .flat_map(|(_, same)| same)
            .find(fits)
            .cloned()
            .ok_or_else(|| {
                if self.by_id.contains_key(id) {
                    format!("handout {id:?} has no version in language {language:?}")
                } else {
                    self.unknown(id)
                }
            })
    }

    fn unknown(&self, id: &str) -> String {
        if self.by_id.is_empty() {
            return format!("no handout with id {id:?}: the directory has no handouts");
        }
        format!(
            "no handout with id {id:?}; known ids: {}",
            self.ids().join(", ")
        )
    }
}

/// The ways to read `id` as an id and a language tag after it, the shortest tag first:
/// `a-b-es` gives (`a-b`, `es`), then (`a`, `b-es`) when `b-es` is a tag.
fn language_suffixes(id: &str) -> impl Iterator<Item = (&str, &str)> {
    id.char_indices()
        .rev()
        .filter(|&(_, c)| c == '-')
        .map(move |(at, _)| (&id[..at], &id[at + 1..]))
        .filter(|(base, tag)| !base.is_empty() && language::Tag::parse(tag).is_some())
}

/// Whether the handout serves a reader of `language` (a BCP 47 tag): the same language,
/// in the same script where it has several (see [`language`]). `es-MX` asks for an `es`
/// handout, `fil` for a `tl` one; `zh-TW` for a Traditional Chinese one, which a
/// `zh-Hans` (or plain `zh`) handout is not.
pub fn is_in_language(handout: &Handout, language: &str) -> bool {
    language::matches(&handout.meta.language, language)
}

/// The warning for a build that falls back to the handout's own language.
pub fn no_translation(handout: &Handout, language: &str) -> String {
    format!(
        "handout {:?} has no version in language {language:?}; building it in its own \
         language, {:?}",
        handout.meta.id, handout.meta.language
    )
}

/// Finds the handout `id` in `dir` for one build, in `language` when given (else in its
/// own language, with a warning). Handouts are named after their id, translations with
/// their language before `.toml` (`l3-l4-foraminal-narrowing.es.toml`), so those names
/// are tried first; only when they miss is every handout in the directory read. A file
/// named after the id that does not load is that error, with its `file:line:col`.
pub fn find_in(
    dir: &Path,
    id: &str,
    language: Option<&str>,
) -> Result<(Arc<Entry>, Option<String>), Error> {
    find_in_chain(dir, id, language, &mut Vec::new())
}

/// [`find_in`] while resolving the overlays in `chain`.
fn find_in_chain(
    dir: &Path,
    id: &str,
    language: Option<&str>,
    chain: &mut Vec<PathBuf>,
) -> Result<(Arc<Entry>, Option<String>), Error> {
    if !model::is_kebab_id(id) {
        return Err(Error::UnknownHandout {
            dir: dir.to_path_buf(),
            message: format!("{id:?} is not a handout id (lowercase letters, digits and dashes)"),
        });
    }
    let unknown = |why: String| Error::UnknownHandout {
        dir: dir.to_path_buf(),
        message: why,
    };
    let language = language.map(str::trim).filter(|l| !l.is_empty());
    let mut by_name = Library::default();
    let mut names = Vec::new();
    // Only a well-formed tag becomes part of a file name: nothing else of what was asked
    // for can reach outside the directory.
    if let Some(language) = language.filter(|l| model::is_language_tag(l)) {
        names.push(format!("{id}.{language}.toml"));
        // The tag's other spellings: `zh-tw` also tries `zh-TW`, `zh-Hant` and `zh`.
        if let Some(tag) = language::Tag::parse(language) {
            names.extend(
                tag.file_forms()
                    .iter()
                    .map(|form| format!("{id}.{form}.toml")),
            );
        }
    }
    names.push(format!("{id}.toml"));
    // An id with a language after it may be a translation sharing the id before it.
    for (base, suffix) in language_suffixes(id) {
        if let Some(tag) = language::Tag::parse(suffix) {
            names.extend(tag.file_forms().iter().map(|f| format!("{base}.{f}.toml")));
        }
    }
    // Names that differ only in case are tried once: on a file system that ignores case
    // they are one file, which would otherwise be read twice and clash with itself.
    let mut tried: Vec<String> = Vec::new();
    names.retain(|name| {
        let fresh = !tried.iter().any(|t| t.eq_ignore_ascii_case(name));
        tried.push(name.clone());
        fresh
    });
    for name in names {
        let path = dir.join(&name);
        if path.is_file() && !by_name.entries().any(|e| e.path == path) {
            by_name.add_in(&path, chain)?;
        }
    }
    if let Ok(entry) = by_name.find(id, language) {
        return Ok((entry, None));
    }
    if !dir.is_dir() {
        return Err(Error::Read {
            path: dir.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such directory of handouts (name one with --handouts DIR)",
            ),
        });
    }
    let mut library = Library::default();
    let mut unreadable = 0;
    for file in model::toml_files(dir)? {
        let named_after_id = file
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.split('.').next() == Some(id));
        match library.add_in(&file, chain) {
            Ok(_) => {}
            // The overlay whose base is being looked for, met again in its own folder.
            Err(Error::OverlayCycle { .. }) if chain.contains(&overlays::identity(&file)) => {}
            Err(err) if named_after_id => return Err(err),
            Err(_) => unreadable += 1,
        }
    }
    library.find_or_own_language(id, language).map_err(|why| {
        unknown(if unreadable > 0 {
            format!(
                "{why} ({unreadable} file(s) there could not be read: see `handout check {}`)",
                dir.display()
            )
        } else {
            why
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library directory; the directory above it (with the outside file) is removed
    /// when the test ends, whether it passes or not.
    struct TestLibrary {
        root: PathBuf,
        dir: PathBuf,
    }

    impl std::ops::Deref for TestLibrary {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.dir
        }
    }

    impl Drop for TestLibrary {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }

    /// A directory holding the bundled handouts, and a file outside it that a language
    /// tag spliced into a file name could reach.
    fn library_dir(name: &str) -> TestLibrary {
        let root =
            std::env::temp_dir().join(format!("handout-library-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("handouts");
        std::fs::create_dir_all(&dir).unwrap();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("handouts");
        std::fs::copy(
            bundled.join(format!("{ID}.toml")),
            dir.join(format!("{ID}.toml")),
        )
        .unwrap();
        // The Spanish translation under an id of its own, the form translations had
        // before they could share their source's id.
        let es = std::fs::read_to_string(bundled.join(format!("{ID}.es.toml"))).unwrap();
        let own_id = es.replacen(&format!("id = \"{ID}\""), &format!("id = \"{ID}-es\""), 1);
        assert_ne!(own_id, es);
        std::fs::write(dir.join(format!("{ID}.es.toml")), own_id).unwrap();
        // With this directory, "l3-l4-foraminal-narrowing./../../outside.toml" names a
        // file outside the library.
        std::fs::create_dir_all(dir.join("l3-l4-foraminal-narrowing.")).unwrap();
        std::fs::write(root.join("outside.toml"), "not a handout").unwrap();
        TestLibrary { root, dir }
    }

    const ID: &str = "l3-l4-foraminal-narrowing";

    #[test]
    fn finds_by_id_and_language_with_a_warning_when_it_falls_back() {
        let dir = library_dir("find");
        let (entry, warning) = find_in(&dir, ID, None).unwrap();
        assert_eq!(
            (entry.handout.meta.language.as_str(), warning),
            ("en-US", None)
        );
        let (entry, warning) = find_in(&dir, ID, Some("es-MX")).unwrap();
        assert_eq!(entry.handout.meta.id, "l3-l4-foraminal-narrowing-es");
        assert_eq!(warning, None);
        let (entry, warning) = find_in(&dir, ID, Some("vi")).unwrap();
        assert_eq!(entry.handout.meta.language, "en-US");
        assert!(warning.unwrap().contains("no version in language \"vi\""));
    }

    #[test]
    fn names_from_the_request_never_leave_the_directory() {
        let dir = library_dir("escape");
        let (entry, warning) = find_in(&dir, ID, Some("/../../outside")).unwrap();
        assert_eq!(entry.path, dir.join(format!("{ID}.toml")));
        assert!(warning.is_some());
        for id in [
            "../handouts/l3-l4-foraminal-narrowing",
            "/etc/passwd",
            "A B",
        ] {
            let err = find_in(&dir, id, None).unwrap_err().to_string();
            assert!(err.contains("is not a handout id"), "{err}");
        }
        let err = find_in(&dir, "no-such", None).unwrap_err().to_string();
        assert!(
            err.contains("known ids: l3-l4-foraminal-narrowing, l3-l4-foraminal-narrowing-es"),
            "{err}"
        );
    }

    /// A copy of the Spanish handout under another id and language, written to `file`.
    fn translation(dir: &Path, file: &str, id: &str, language: &str) {
        let es = std::fs::read_to_string(dir.join(format!("{ID}.es.toml"))).unwrap();
        let text = es
            .replacen(&format!("id = \"{ID}-es\""), &format!("id = \"{id}\""), 1)
            .replacen(
                "language = \"es\"",
                &format!("language = \"{language}\""),
                1,
            );
        assert_ne!(text, es);
        std::fs::write(dir.join(file), text).unwrap();
    }

    #[test]
    fn chinese_is_found_in_the_script_asked_for() {
        let dir = library_dir("chinese");
        translation(
            &dir,
            &format!("{ID}.zh-Hans.toml"),
            &format!("{ID}-zh-hans"),
            "zh-Hans",
        );
        // Only a simplified translation: a traditional reader gets the handout's own
        // language, with the warning, never the other script.
        for asked in ["zh-TW", "zh-Hant", "zh-HK"] {
            let (entry, warning) = find_in(&dir, ID, Some(asked)).unwrap();
            assert_eq!(entry.handout.meta.language, "en-US", "{asked}");
            assert!(warning.is_some(), "{asked}");
        }
        for asked in ["zh", "zh-CN", "zh-hans", "zh-Hans-SG"] {
            let (entry, warning) = find_in(&dir, ID, Some(asked)).unwrap();
            assert_eq!(entry.handout.meta.language, "zh-Hans", "{asked}");
            assert_eq!(warning, None, "{asked}");
        }
        // With the traditional one too, under a name the tag does not spell out.
        translation(
            &dir,
            &format!("{ID}.zh-Hant.toml"),
            &format!("{ID}-zh-hant"),
            "zh-Hant",
        );
        for asked in ["zh-TW", "zh-tw", "zh-Hant-HK", "zh-MO"] {
            let (entry, warning) = find_in(&dir, ID, Some(asked)).unwrap();
            assert_eq!(entry.handout.meta.id, format!("{ID}-zh-hant"), "{asked}");
            assert_eq!(warning, None, "{asked}");
        }
        let library = Library::load_dir(&dir).unwrap();
        let found = |asked: &str| {
            library
                .find(ID, Some(asked))
                .map(|e| e.handout.meta.language.clone())
        };
        assert_eq!(found("zh-TW").as_deref(), Ok("zh-Hant"));
        assert_eq!(found("zh-SG").as_deref(), Ok("zh-Hans"));
        assert_eq!(found("es-419").as_deref(), Ok("es"));
        assert!(found("ko").is_err());
    }

    #[test]
    fn filipino_and_tagalog_are_one_language() {
        let dir = library_dir("filipino");
        translation(&dir, &format!("{ID}.tl.toml"), &format!("{ID}-tl"), "tl");
        for asked in ["fil", "fil-PH", "tl", "TL-ph"] {
            let (entry, warning) = find_in(&dir, ID, Some(asked)).unwrap();
            assert_eq!(entry.handout.meta.language, "tl", "{asked}");
            assert_eq!(warning, None, "{asked}");
        }
    }
}

#[cfg(test)]
mod shared_ids {
    use super::*;

    /// A library folder holding the English handout and its Spanish translation under
    /// the same id, as a newcomer writes them; removed when dropped.
    struct SharedIds(PathBuf);

    impl Drop for SharedIds {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn shared_ids(name: &str) -> SharedIds {
        let dir =
            std::env::temp_dir().join(format!("handout-shared-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("handouts");
        std::fs::copy(
            bundled.join(format!("{ID}.toml")),
            dir.join(format!("{ID}.toml")),
        )
        .unwrap();
        // The bundled translations share their source's id, the documented form.
        let es = std::fs::read_to_string(bundled.join(format!("{ID}.es.toml"))).unwrap();
        assert!(es.contains(&format!("\nid = \"{ID}\"\n")));
        std::fs::write(dir.join(format!("{ID}.es.toml")), es).unwrap();
        SharedIds(dir)
    }

    const ID: &str = "l3-l4-foraminal-narrowing";

    #[test]
    fn a_translation_may_share_its_sources_id() {
        let dir = shared_ids("find");
        let library = Library::load_dir(&dir.0).unwrap();
        assert_eq!((library.len(), library.ids()), (2, vec![ID]));
        assert_eq!(
            library.find(ID, None).unwrap().handout.meta.language,
            "en-US"
        );
        assert_eq!(
            library
                .find(ID, Some("es-MX"))
                .unwrap()
                .handout
                .meta
                .language,
            "es"
        );
        let (entry, warning) = find_in(&dir.0, ID, Some("es")).unwrap();
        assert_eq!(
            (entry.handout.meta.language.as_str(), warning),
            ("es", None)
        );
        let (entry, warning) = find_in(&dir.0, ID, None).unwrap();
        assert_eq!(
            (entry.handout.meta.language.as_str(), warning),
            ("en-US", None)
        );
    }

    #[test]
    fn an_id_with_a_language_after_it_still_finds_that_translation() {
        let dir = shared_ids("legacy");
        let library = Library::load_dir(&dir.0).unwrap();
        let language = |id: &str| {
            library
                .find(id, None)
                .map(|e| e.handout.meta.language.clone())
        };
        assert_eq!(language(&format!("{ID}-es")).as_deref(), Ok("es"));
        assert_eq!(language(&format!("{ID}-ES")).as_deref(), Ok("es"));
        let err = language(&format!("{ID}-vi")).unwrap_err();
        assert!(err.contains(&format!("known ids: {ID}")), "{err}");
        assert!(language("foraminal-narrowing-es").is_err());
        // The language asked for wins over the one in the id.
        assert_eq!(
            library
                .find(&format!("{ID}-es"), Some("en"))
                .map(|e| e.handout.meta.language.clone())
                .as_deref(),
            Ok("en-US")
        );
        // By file name first, as `handout build ID` looks.
        let (entry, warning) = find_in(&dir.0, &format!("{ID}-es"), None).unwrap();
        assert_eq!(
            (entry.path.clone(), warning),
            (dir.0.join(format!("{ID}.es.toml")), None)
        );
    }

    #[test]
    fn two_files_of_one_id_and_language_are_refused_naming_both() {
        let dir = shared_ids("twice");
        let english = dir.0.join(format!("{ID}.toml"));
        std::fs::copy(&english, dir.0.join("copy.toml")).unwrap();
        let err = Library::load_dir(&dir.0).unwrap_err();
        assert_eq!(err.exit_code(), 1, "a data error, not a usage error");
        let said = err.to_string();
        assert!(
            said.contains("copy.toml") && said.contains(&format!("{ID}.toml")),
            "{said}"
        );
        assert!(said.contains("meta.language"), "says how to fix it: {said}");
    }
}

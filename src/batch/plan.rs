//! Turning a patient list (CSV) or a manifest (TOML) into jobs: one PDF each, with its
//! file name and the hash of everything it is built from. Rows that cannot become a job
//! fail here, alone, with their row number and the reason.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::names::pdf_name;
use crate::error::Error;
use crate::fhir::PatientReference;
use crate::fonts::Face;
use crate::hash::Fnv128;
use crate::library::{Entry, Library};
use crate::personal::{self, Personal};
use crate::pipeline;
use crate::pipeline::Format;
use crate::profile::{self, Profile};
use crate::render::EncodedImage;
use crate::select::{self, Selection, FULL_PRESET};
use crate::vocabulary::Paper;

/// A profile with the hash of its files (the TOML and the logo), and its logo encoded
/// once for every job that uses it.
#[derive(Debug)]
pub struct LoadedProfile {
    pub profile: Profile,
    pub hash: [u8; 16],
    pub encoded_logo: Option<EncodedImage>,
}

impl LoadedProfile {
    pub fn load(path: &Path) -> Result<Arc<LoadedProfile>, Error> {
        let profile = profile::load(path)?;
        let mut hash = Fnv128::default();
        hash.field(&std::fs::read(path).unwrap_or_default());
        if let Some(logo) = &profile.logo {
            hash.field(&logo.file);
        }
        let encoded_logo = profile
            .logo
            .as_ref()
            .map(pipeline::encode_logo)
            .transpose()?;
        Ok(Arc::new(LoadedProfile {
            profile,
            hash: hash.finish(),
            encoded_logo,
        }))
    }
}

/// One PDF (or web page) to build.
#[derive(Debug, Clone)]
pub struct Job {
    /// How reports name it: "row 12" or "job 2 (handouts/x.toml)".
    pub label: String,
    pub entry: Arc<Entry>,
    pub profile: Option<Arc<LoadedProfile>>,
    pub selection: Selection,
    pub personal: Option<Personal>,
    pub large_print: bool,
    pub paper: Option<Paper>,
    /// The pages to fit on, over the preset's own target.
    pub pages: Option<u32>,
    pub output: PathBuf,
    /// Hash of every input; recorded in the PDF so a rerun can skip it.
    pub inputs: String,
    /// Planned as a PDF; a run asked for more formats makes a copy of the job for each.
    pub format: Format,
    /// The patient whose chart the PDF is filed to (a FHIR export's jobs).
    pub subject: Option<PatientReference>,
    /// What planning noticed that the report should say (a handout built in English for
    /// want of a translation).
    pub warning: Option<String>,
}

/// A row or manifest entry that could not become a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub label: String,
    pub reason: String,
}

/// Hash of the tool, its compiled-in fonts and whether it compresses: a new version, new
/// fonts or a switch to or from `HANDOUT_UNCOMPRESSED` rebuild all.
fn tool_hash() -> [u8; 16] {
    static HASH: OnceLock<[u8; 16]> = OnceLock::new();
    *HASH.get_or_init(|| {
        let mut h = Fnv128::default();
        h.field(env!("CARGO_PKG_VERSION").as_bytes());
        h.field(if crate::render::writes_uncompressed() {
            b"uncompressed"
        } else {
            b"compressed"
        });
        // Each font by its fingerprint, eight bytes a step: FNV's byte-at-a-time
        // multiply over the 5 MB of bundled faces held up the start of every batch.
        for face in Face::ALL.into_iter().filter_map(Face::bundled_bytes) {
            h.field(&crate::hash::fingerprint(face));
        }
        // The CJK collections found at run time go in by path, size and time of last
        // change: reading two 20 MB files to hash them would double a Latin batch's
        // memory, and a new version of the package changes all three.
        for path in crate::fonts::system::candidates() {
            h.field(path.as_os_str().as_encoded_bytes());
            match std::fs::metadata(&path) {
                Ok(meta) => {
                    let modified = meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    h.field(&meta.len().to_le_bytes())
                        .field(&modified.to_le_bytes())
                }
                Err(_) => h.field(b"absent"),
            };
        }
        h.finish()
    })
}

pub(super) fn inputs_hash(
    entry: &Entry,
    profile: Option<&LoadedProfile>,
    selection: &Selection,
    personal: Option<&Personal>,
    large_print: bool,
    paper: Option<Paper>,
    pages: Option<u32>,
) -> String {
    // Length-prefixed fields in one buffer, fingerprinted eight bytes a step: the first
    // pass over a patient list plans every job before one is built, and hashing each
    // job's fields a byte at a time held up the start of a large batch.
    let selection = format!("{selection:?}");
    let personal = format!("{personal:?}");
    let layout = format!("{large_print:?} {paper:?} {pages:?}");
    let mut fields = Vec::with_capacity(512);
    for field in [
        &tool_hash()[..],
        &entry.hash[..],
        profile.map_or(&[][..], |p| &p.hash[..]),
        selection.as_bytes(),
        personal.as_bytes(),
        layout.as_bytes(),
    ] {
        fields.extend_from_slice(&(field.len() as u64).to_le_bytes());
        fields.extend_from_slice(field);
    }
    crate::hash::hex(&crate::hash::fingerprint(&fields))
}

/// A short, stable name for a selection: the preset, or `sections-` and a hash of the ids.
pub(super) fn selection_label(selection: &Selection) -> String {
    match selection {
        Selection::Preset(name) => name.clone(),
        Selection::Sections(ids) => {
            let mut h = Fnv128::default();
            for id in ids {
                h.field(id.as_bytes());
            }
            format!("sections-{}", &h.hex()[..8])
        }
    }
}

/// The columns a patient list may have.
pub const COLUMNS: [&str; 10] = [
    "patient",
    "handout",
    "preset",
    "sections",
    "pages",
    "date",
    "clinician",
    "follow_up",
    "note",
    "language",
];

/// What planning yields, one at a time: a job, or a row that cannot be one.
pub type Planned = Result<Job, Rejected>;

/// Plans one job per row of a patient list, handing each to `each` as it is read, so a
/// list of any length is planned in constant memory.
pub fn csv_jobs(
    path: &Path,
    library: &Library,
    profile: Option<&Arc<LoadedProfile>>,
    out_dir: &Path,
    each: &mut dyn FnMut(Planned),
) -> Result<(), Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let invalid = |why: String| Error::Invalid {
        path: path.to_path_buf(),
        what: "patient list",
        problems: vec![why],
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::Headers)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| invalid(format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let mut column = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        if !COLUMNS.contains(&name.as_str()) {
            return Err(invalid(format!(
                "unknown column `{name}` in the header row; valid columns: {}",
                COLUMNS.join(", ")
            )));
        }
        if column.insert(name.clone(), i).is_some() {
            return Err(invalid(format!("the column `{name}` appears twice")));
        }
    }
    for required in ["patient", "handout"] {
        if !column.contains_key(required) {
            return Err(invalid(format!(
                "the header row has no `{required}` column; the columns `patient` and `handout` are required"
            )));
        }
    }

    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        let label = format!("row {row}");
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                each(Err(Rejected {
                    label,
                    reason: csv_error(path, &e),
                }));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            record: &record,
            column: &column,
        };
        match row_job(&row, index + 1, library, profile, out_dir) {
            Ok(mut job) => {
                job.label = label;
                each(Ok(job));
            }
            Err(reason) => each(Err(Rejected {
                label,
                reason: format!("{}:{line}: {reason}", path.display()),
            })),
        }
    }
    Ok(())
}

/// A CSV reading error as `list.csv:LINE: what to fix`.
fn csv_error(path: &Path, e: &csv::Error) -> String {
    let file = path.display();
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "{file}:{}: has {len} fields where the header has {expected_len}; check for a \
             missing column, a stray comma, or an unbalanced quote",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "{file}:{}: is not valid UTF-8 text; save the file as UTF-8",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        _ => format!("{file}: {e}"),
    }
}

/// One CSV record, read by column name.
struct Row<'r> {
    record: &'r csv::StringRecord,
    column: &'r HashMap<String, usize>,
}

impl<'r> Row<'r> {
    /// The trimmed value of a column; `None` when the column is absent or blank.
    fn get(&self, name: &str) -> Option<&'r str> {
        self.column
            .get(name)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

fn row_job(
    row: &Row<'_>,
    number: usize,
    library: &Library,
    profile: Option<&Arc<LoadedProfile>>,
    out_dir: &Path,
) -> Result<Job, String> {
    let patient = row.get("patient").ok_or("the patient column is empty")?;
    let id = row.get("handout").ok_or("the handout column is empty")?;
    let entry = library.find(id, row.get("language"))?;
    let selection = match (row.get("preset"), row.get("sections")) {
        (Some(_), Some(_)) => return Err("give either a preset or sections, not both".into()),
        (Some(preset), None) => Selection::Preset(preset.to_string()),
        (None, Some(sections)) => Selection::Sections(
            sections
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        ),
        (None, None) => profile
            .and_then(|p| p.profile.selection.clone())
            .unwrap_or_else(|| Selection::Preset(FULL_PRESET.into())),
    };
    select::select(&entry.handout, &entry.path, &selection).map_err(|e| e.to_string())?;
    let pages = row.get("pages").map(page_target).transpose()?;
    let date = row.get("date").map(personal::parse_date).transpose()?;
    let notes = row
        .get("note")
        .map(|n| {
            n.split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let personal = Personal {
        patient: Some(patient.to_string()),
        date,
        clinician: row.get("clinician").map(String::from),
        follow_up: row.get("follow_up").map(String::from),
        notes,
        notes_area: false,
    };
    personal.check()?;
    let label = selection_label(&selection);
    // Named by the list's row, never by the patient's name or visit date: file names end
    // up in directory listings, backups and logs that no one asked to hold them.
    let output = out_dir.join(pdf_name(&[
        &entry.handout.meta.file_stem(),
        &label,
        &format!("row-{number}"),
    ]));
    let inputs = inputs_hash(
        &entry,
        profile.map(|p| &**p),
        &selection,
        Some(&personal),
        false,
        None,
        pages,
    );
    Ok(Job {
        label: String::new(),
        entry,
        profile: profile.cloned(),
        selection,
        personal: Some(personal),
        large_print: false,
        paper: None,
        pages,
        output,
        inputs,
        format: Format::Pdf,
        subject: None,
        warning: None,
    })
}

/// A `pages` cell: a whole number of pages to fit on.
fn page_target(text: &str) -> Result<u32, String> {
    let max = crate::model::MAX_PAGE_TARGET;
    text.parse()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| format!("pages {text:?} is not a whole number from 1 to {max}"))
}

/// A manifest: handouts × profile × preset or sections.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    out_dir: Option<PathBuf>,
    #[serde(rename = "job")]
    jobs: Vec<ManifestJob>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestJob {
    /// A handout file or a glob such as `handouts/*.toml` (`*` and `?` in the file name).
    handouts: String,
    #[serde(default)]
    profile: Option<PathBuf>,
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    sections: Option<Vec<String>>,
    #[serde(default)]
    large_print: bool,
    #[serde(default)]
    paper: Option<String>,
    /// The pages to fit on, over the preset's own target.
    #[serde(default)]
    pages: Option<u32>,
}

/// The manifest's own output directory, if it names one (relative to the manifest).
pub fn manifest_out_dir(path: &Path) -> Result<Option<PathBuf>, Error> {
    let manifest = read_manifest(path)?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(manifest.out_dir.map(|d| base.join(d)))
}

fn read_manifest(path: &Path) -> Result<Manifest, Error> {
    crate::model::read_toml(path)
}

/// Plans the jobs of a manifest, handing each to `each`. `profile_override` (from
/// `--profile`) replaces every job's own profile.
pub fn manifest_jobs(
    path: &Path,
    profile_override: Option<&Arc<LoadedProfile>>,
    out_dir: &Path,
    each: &mut dyn FnMut(Planned),
) -> Result<(), Error> {
    let manifest = read_manifest(path)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut handouts: BTreeMap<PathBuf, Arc<Entry>> = BTreeMap::new();
    let mut profiles: BTreeMap<PathBuf, Arc<LoadedProfile>> = BTreeMap::new();
    for (index, spec) in manifest.jobs.iter().enumerate() {
        let label = format!("job {}", index + 1);
        let profile = match (profile_override, &spec.profile) {
            (Some(p), _) => Some(Arc::clone(p)),
            (None, Some(file)) => {
                let file = base.join(file);
                match profiles.get(&file) {
                    Some(p) => Some(Arc::clone(p)),
                    None => {
                        let loaded = LoadedProfile::load(&file)?;
                        profiles.insert(file, Arc::clone(&loaded));
                        Some(loaded)
                    }
                }
            }
            (None, None) => None,
        };
        let selection = match (&spec.preset, &spec.sections) {
            (Some(_), Some(_)) => {
                return Err(Error::Usage(format!(
                    "{}: {label} gives both preset and sections",
                    path.display()
                )))
            }
            (Some(p), None) => Selection::Preset(p.clone()),
            (None, Some(s)) => Selection::Sections(s.clone()),
            (None, None) => profile
                .as_ref()
                .and_then(|p| p.profile.selection.clone())
                .unwrap_or_else(|| Selection::Preset(FULL_PRESET.into())),
        };
        let paper = match spec.paper.as_deref() {
            None => None,
            Some("letter") => Some(Paper::Letter),
            Some("a4") => Some(Paper::A4),
            Some(other) => {
                return Err(Error::Usage(format!(
                    "{}: {label}: paper {other:?} is not \"letter\" or \"a4\"",
                    path.display()
                )))
            }
        };
        if let Some(pages) = spec.pages {
            page_target(&pages.to_string())
                .map_err(|why| Error::Usage(format!("{}: {label}: {why}", path.display())))?;
        }
        let files = expand_glob(base, &spec.handouts)?;
        if files.is_empty() {
            each(Err(Rejected {
                label,
                reason: format!("{:?} matches no handout files", spec.handouts),
            }));
            continue;
        }
        for file in files {
            let entry = match handouts.get(&file) {
                Some(e) => Arc::clone(e),
                None => {
                    let mut one = Library::default();
                    match one.add(&file) {
                        Ok(e) => {
                            handouts.insert(file.clone(), Arc::clone(&e));
                            e
                        }
                        Err(e) => {
                            each(Err(Rejected {
                                label: format!("{label} ({})", file.display()),
                                reason: e.to_string(),
                            }));
                            continue;
                        }
                    }
                }
            };
            let job_label = format!("{label} ({})", file.display());
            if let Err(e) = select::select(&entry.handout, &entry.path, &selection) {
                each(Err(Rejected {
                    label: job_label,
                    reason: e.to_string(),
                }));
                continue;
            }
            let profile_stem = spec
                .profile
                .as_ref()
                .filter(|_| profile_override.is_none())
                .and_then(|p| p.file_stem())
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let size = if spec.large_print { "large-print" } else { "" };
            let paper_name = match paper {
                Some(Paper::A4) => "a4",
                _ => "",
            };
            let output = out_dir.join(pdf_name(&[
                &entry.handout.meta.file_stem(),
                &selection_label(&selection),
                &profile_stem,
                size,
                paper_name,
            ]));
            let inputs = inputs_hash(
                &entry,
                profile.as_deref(),
                &selection,
                None,
                spec.large_print,
                paper,
                spec.pages,
            );
            each(Ok(Job {
                label: job_label,
                entry,
                profile: profile.clone(),
                selection: selection.clone(),
                personal: None,
                large_print: spec.large_print,
                paper,
                pages: spec.pages,
                output,
                inputs,
                format: Format::Pdf,
                subject: None,
                warning: None,
            }));
        }
    }
    Ok(())
}

/// Files matching `pattern` (relative to `base`): `*` and `?` may appear in the file
/// name, not in directory names. Sorted, so plans are stable.
fn expand_glob(base: &Path, pattern: &str) -> Result<Vec<PathBuf>, Error> {
    let full = base.join(pattern);
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.contains(['*', '?']) {
        return Ok(if full.is_file() {
            vec![full]
        } else {
            Vec::new()
        });
    }
    let dir = full
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::Read {
        path: dir.clone(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| wildcard(&name, &n.to_string_lossy()))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `*` matches any run of characters, `?` any one.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Outputs that more than one job would write, with the jobs' labels. Such jobs fail,
/// all of them, naming each other: neither may silently overwrite the other.
pub fn clashes(
    outputs: impl IntoIterator<Item = (PathBuf, String)>,
) -> HashMap<PathBuf, Vec<String>> {
    let mut by_output: HashMap<PathBuf, Vec<String>> = HashMap::new();
    for (output, label) in outputs {
        by_output.entry(output).or_default().push(label);
    }
    by_output.retain(|_, labels| labels.len() > 1);
    by_output
}

/// The failure a clashing job reports.
pub fn clash_reason(output: &Path, labels: &[String]) -> String {
    format!(
        "{} would all write {}; give them different presets, profiles or sizes, or list the \
         handout once",
        labels.join(", "),
        output.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*.toml", "a.toml"));
        assert!(wildcard("l3-*.es.toml", "l3-x.es.toml"));
        assert!(!wildcard("*.toml", "a.tom"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "ac"));
    }

    #[test]
    fn section_lists_get_a_stable_short_label() {
        let a = selection_label(&Selection::Sections(vec!["faq".into(), "overview".into()]));
        let b = selection_label(&Selection::Sections(vec!["overview".into(), "faq".into()]));
        assert!(a.starts_with("sections-") && a.len() == "sections-".len() + 8);
        assert_ne!(a, b);
        assert_eq!(selection_label(&Selection::Preset("brief".into())), "brief");
    }
}

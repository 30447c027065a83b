//! Jobs from a FHIR Bulk Data export (`Patient` and `Condition` NDJSON): for each patient
//! with an active Condition whose ICD-10-CM code a handout covers (along the code
//! hierarchy), that handout, once, printed for the patient by name, in their preferred
//! language when the library has it.
//!
//! The export is read three times, a line at a time: the Patient files for the ids there
//! are, the Condition files for which patient needs which handout, and the Patient files
//! again to plan the jobs. Kept between the reads: eight bytes a patient, and ten a
//! (patient, handout) pair, so memory grows only slowly with the export, never with the
//! size of its resources.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::names::pdf_name;
use super::plan::{inputs_hash, selection_label, Job, LoadedProfile, Planned, Rejected};
use crate::catalog::matches_code;
use crate::error::Error;
use crate::fhir::bulk::{self, BadLine};
use crate::fhir::{self, Condition, PatientReference, PatientStatus};
use crate::library::Library;
use crate::personal::Personal;
use crate::pipeline::Format;
use crate::select::{self, Selection};

/// What the report says of the export, beside its jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Patients in the export.
    pub patients: usize,
    /// Patients left out: recorded as deceased, or a record no longer active.
    pub patients_deceased: usize,
    pub patients_inactive: usize,
    /// Patients with at least one active problem a handout covers.
    pub patients_matched: usize,
    /// Handouts planned, one per patient and handout.
    pub handouts: usize,
    /// Of those, the ones built in the handout's own language for want of a translation
    /// into the patient's.
    pub not_in_patients_language: usize,
    /// Those by the language asked for: the translations a clinic lacks most.
    pub missing_translations: std::collections::BTreeMap<String, usize>,
    /// Lines that are not a usable resource, each reported with its file and line.
    pub bad_lines: usize,
}

impl Counts {
    /// One line for the terminal on the handouts built in their own language, by the
    /// language each patient asked for (each is named in the report).
    pub fn untranslated_note(&self) -> Option<String> {
        if self.not_in_patients_language == 0 {
            return None;
        }
        let by_language: Vec<String> = self
            .missing_translations
            .iter()
            .map(|(language, n)| format!("{language} {n}"))
            .collect();
        Some(format!(
            "{} handout{} built in the handout's own language for want of a translation \
             into the patient's ({}); the report names each",
            self.not_in_patients_language,
            if self.not_in_patients_language == 1 {
                " is"
            } else {
                "s are"
            },
            by_language.join(", ")
        ))
    }
}

/// An export read for the jobs it makes.
pub struct Export {
    patients: Vec<PathBuf>,
    /// The handout ids a code may point to: an overlay stands in for the handout it
    /// extends.
    handouts: Vec<String>,
    /// (patient key, index into `handouts`), sorted, each pair once.
    wanted: Vec<(u64, u16)>,
    /// The lines (index into `patients`, line number) of the patients who get a
    /// handout, sorted: the only Patient lines the job passes parse again.
    planned: Vec<(usize, usize)>,
    /// The lines that could not be used, Patients' then Conditions', in the order read.
    bad_lines: Vec<Rejected>,
    /// What the first read counted: patients, deceased, inactive, bad lines.
    counted: Counts,
    preset: String,
}

/// A patient id as eight bytes: enough to tell apart the patients of any export (the
/// chance of two of a million ids sharing a key is about 3 in 100 million).
fn key(id: &str) -> u64 {
    let hash = crate::hash::fingerprint(id.as_bytes());
    let mut first = [0; 8];
    first.copy_from_slice(&hash[..8]);
    u64::from_le_bytes(first)
}

impl Export {
    /// Reads the export in `dir` for which patients need which handouts of `library`.
    /// Fails when the folder or one of its files cannot be read, or holds no Patient file.
    pub fn read(dir: &Path, library: &Library, preset: &str) -> Result<Export, Error> {
        let patients = bulk::files_of(dir, "Patient")?;
        let conditions = bulk::files_of(dir, "Condition")?;
        if patients.is_empty() {
            return Err(Error::Usage(format!(
                "{} has no Patient NDJSON file (Patient.ndjson, Patient.000.ndjson, \
                 1.Patient.ndjson or the same .gz); is it a Bulk Data export folder?",
                dir.display()
            )));
        }
        let presets: std::collections::BTreeSet<String> = library
            .entries()
            .flat_map(|e| select::preset_names(&e.handout))
            .collect();
        if !presets.contains(preset) {
            return Err(Error::Usage(format!(
                "--preset {preset:?}: no handout in the library has it; valid presets: {}",
                presets.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
        let mut counted = Counts::default();
        let mut bad_lines = Vec::new();
        // Every patient's key, and for those who may get a handout, where they are.
        let mut known = Vec::new();
        let mut candidates: Vec<(u64, usize, usize)> = Vec::new();
        for (index, file) in patients.iter().enumerate() {
            bulk::each_line(file, &mut |_| true, &mut |line, text| {
                let read = text.and_then(|text| bulk::parse::<PatientStatus>(line, text));
                let patient = match read {
                    Ok(p) if p.resource_type.as_deref() == Some("Patient") => p,
                    Ok(other) => {
                        let found = other.resource_type.as_deref();
                        return bad_lines.push(rejected(file, &wrong_type(line, found, "Patient")));
                    }
                    Err(bad) => return bad_lines.push(rejected(file, &bad)),
                };
                let Some(id) = patient.id.as_deref().filter(|id| fhir::is_id(id)) else {
                    let bad = bad_line(
                        line,
                        "the Patient has no id a file can be named by (1 to 64 letters, \
                         digits, '-' or '.')",
                    );
                    return bad_lines.push(rejected(file, &bad));
                };
                counted.patients += 1;
                known.push(key(id));
                // No outreach to a patient who has died, nor to a record no longer in
                // use (a merged duplicate): a handout in the post would be the wrong
                // letter.
                if patient.is_deceased() {
                    counted.patients_deceased += 1;
                } else if patient.active == Some(false) {
                    counted.patients_inactive += 1;
                } else {
                    candidates.push((key(id), index, line));
                }
            })?;
        }
        known.sort_unstable();
        known.dedup();

        let handouts = outreach_ids(library);
        let mut by_code: HashMap<String, Vec<u16>> = HashMap::new();
        let mut wanted = Vec::new();
        for file in &conditions {
            bulk::each_line(file, &mut |_| true, &mut |line, text| {
                let condition = match text.and_then(|text| bulk::parse::<Condition>(line, text)) {
                    Ok(c) => c,
                    Err(bad) => return bad_lines.push(rejected(file, &bad)),
                };
                let Some(subject) = condition_subject(&condition) else {
                    let found = condition.resource_type.as_deref();
                    return bad_lines.push(rejected(
                        file,
                        &if found == Some("Condition") {
                            bad_line(
                                line,
                                "the Condition names no patient as its subject \
                                (subject.reference Patient/ID)",
                            )
                        } else {
                            wrong_type(line, found, "Condition")
                        },
                    ));
                };
                if known.binary_search(&key(&subject)).is_err() {
                    return bad_lines.push(rejected(
                        file,
                        &bad_line(
                            line,
                            "its subject is no Patient in the export's Patient files",
                        ),
                    ));
                }
                for code in condition.active_codes() {
                    let covering = by_code
                        .entry(code)
                        .or_insert_with_key(|code| covering_handouts(library, &handouts, code));
                    wanted.extend(covering.iter().map(|&h| (key(&subject), h)));
                }
            })?;
        }
        wanted.sort_unstable();
        wanted.dedup();
        let is_wanted = |k: u64| {
            let first = wanted.partition_point(|&(w, _)| w < k);
            wanted.get(first).is_some_and(|&(w, _)| w == k)
        };
        let mut planned: Vec<(usize, usize)> = candidates
            .into_iter()
            .filter(|&(k, _, _)| is_wanted(k))
            .map(|(_, file, line)| (file, line))
            .collect();
        planned.sort_unstable();
        counted.bad_lines = bad_lines.len();
        Ok(Export {
            patients,
            handouts,
            wanted,
            planned,
            bad_lines,
            counted,
            preset: preset.to_string(),
        })
    }

    /// Plans the jobs, handing each to `each` in the order of the Patient files (the
    /// lines that could not be used first), and returns the counts.
    pub fn jobs(
        &self,
        library: &Library,
        profile: Option<&Arc<LoadedProfile>>,
        out_dir: &Path,
        each: &mut dyn FnMut(Planned),
    ) -> Result<Counts, Error> {
        let mut counts = self.counted.clone();
        for rejected in &self.bad_lines {
            each(Err(rejected.clone()));
        }
        let selection = Selection::Preset(self.preset.clone());
        for (index, file) in self.patients.iter().enumerate() {
            let first = self.planned.partition_point(|&(f, _)| f < index);
            let mut lines = self.planned[first..]
                .iter()
                .take_while(|&&(f, _)| f == index)
                .map(|&(_, line)| line)
                .peekable();
            bulk::each_line(
                file,
                &mut |line| {
                    while lines.next_if(|&planned| planned < line).is_some() {}
                    lines.next_if_eq(&line).is_some()
                },
                &mut |line, text| {
                    // The first read took this line as a Patient with an id.
                    let Ok(patient) = text.and_then(|text| bulk::parse::<Value>(line, text)) else {
                        return;
                    };
                    let Some(subject) = patient_reference(&patient) else {
                        return;
                    };
                    let recipient = Recipient {
                        place: format!("{}:{line}", file_name(file)),
                        language: fhir::patient(&patient)
                            .and_then(|p| p.language().map(str::to_string)),
                        name: fhir::patient_name(&patient),
                        subject,
                    };
                    let patient_key = key(recipient.subject.id());
                    let first = self.wanted.partition_point(|&(k, _)| k < patient_key);
                    let wanted = self.wanted[first..]
                        .iter()
                        .take_while(|&&(k, _)| k == patient_key);
                    let mut matched = false;
                    for &(_, handout) in wanted {
                        matched = true;
                        counts.handouts += 1;
                        let id = &self.handouts[usize::from(handout)];
                        let planned =
                            self.job(library, profile, out_dir, &selection, &recipient, id);
                        if let Ok(Job {
                            warning: Some(_), ..
                        }) = &planned
                        {
                            counts.not_in_patients_language += 1;
                            let asked = recipient.language.clone().unwrap_or_default();
                            *counts.missing_translations.entry(asked).or_default() += 1;
                        }
                        each(planned.map_err(|reason| Rejected {
                            label: recipient.label(id),
                            reason,
                        }));
                    }
                    counts.patients_matched += usize::from(matched);
                },
            )?;
        }
        Ok(counts)
    }

    fn job(
        &self,
        library: &Library,
        profile: Option<&Arc<LoadedProfile>>,
        out_dir: &Path,
        selection: &Selection,
        recipient: &Recipient,
        id: &str,
    ) -> Result<Job, String> {
        let subject = &recipient.subject;
        let (entry, warning) = library.find_or_own_language(id, recipient.language.as_deref())?;
        select::select(&entry.handout, &entry.path, selection).map_err(|e| e.to_string())?;
        let personal = Personal {
            patient: recipient.name.clone(),
            ..Personal::default()
        };
        personal.check()?;
        // The Patient's id and the handout's, never the patient's name: file names end up
        // in listings, backups and logs.
        let output = out_dir.join(format!(
            "patient-{}-{}",
            subject.id(),
            pdf_name(&[&entry.handout.meta.file_stem(), &selection_label(selection)])
        ));
        let personal = (!personal.is_empty()).then_some(personal);
        let inputs = inputs_hash(
            &entry,
            profile.map(|p| &**p),
            selection,
            personal.as_ref(),
            false,
            None,
            None,
        );
        Ok(Job {
            label: recipient.label(id),
            entry,
            profile: profile.cloned(),
            selection: selection.clone(),
            personal,
            large_print: false,
            paper: None,
            pages: None,
            output,
            inputs,
            format: Format::Pdf,
            subject: Some(subject.clone()),
            warning,
        })
    }
}

/// The ids a code may pick: every id of the library but those a clinic overlay in it
/// extends, whose overlay is given instead.
fn outreach_ids(library: &Library) -> Vec<String> {
    let extended: Vec<&str> = library
        .entries()
        .filter_map(|e| e.overlay.as_ref().map(|o| o.base_id.as_str()))
        .collect();
    library
        .ids()
        .into_iter()
        .filter(|id| !extended.contains(id))
        .take(usize::from(u16::MAX))
        .map(str::to_string)
        .collect()
}

/// The handouts (indices into `ids`) whose codes cover `code`, judged by each id's own
/// handout (translations share its codes).
fn covering_handouts(library: &Library, ids: &[String], code: &str) -> Vec<u16> {
    ids.iter()
        .enumerate()
        .filter(|(_, id)| {
            library
                .find(id, None)
                .is_ok_and(|entry| matches_code(&entry.handout, code))
        })
        .filter_map(|(i, _)| u16::try_from(i).ok())
        .collect()
}

fn patient_id(resource: &Value) -> Option<&str> {
    (resource["resourceType"] == "Patient")
        .then(|| resource["id"].as_str())
        .flatten()
        .filter(|id| fhir::is_id(id))
}

fn patient_reference(patient: &Value) -> Option<PatientReference> {
    PatientReference::to_patient(patient_id(patient)?).ok()
}

/// The id of the Patient a Condition is about: `Patient/ID`, or the same at the end of
/// an absolute address; `None` for anything else, or for a resource that is no Condition.
fn condition_subject(condition: &Condition<'_>) -> Option<String> {
    if condition.resource_type.as_deref() != Some("Condition") {
        return None;
    }
    let reference = condition.subject.as_ref()?.reference.as_deref()?;
    let mut parts = reference.trim_end_matches('/').rsplit('/');
    let id = parts.next()?;
    (parts.next() == Some("Patient") && fhir::is_id(id)).then(|| id.to_string())
}

fn bad_line(line: usize, reason: &str) -> BadLine {
    BadLine {
        line,
        column: None,
        reason: reason.to_string(),
    }
}

fn wrong_type(line: usize, found: Option<&str>, expected: &str) -> BadLine {
    let found = match found {
        Some(found) if found.starts_with(['A', 'E', 'I', 'O', 'U']) => format!("an {found}"),
        Some(found) => format!("a {found}"),
        None => "a resource without resourceType".to_string(),
    };
    bad_line(
        line,
        &format!("{found} where the file holds {expected} resources"),
    )
}

/// A patient who gets handouts, read once from their Patient line for every handout.
struct Recipient {
    /// The Patient's line, `Patient.ndjson:12`.
    place: String,
    subject: PatientReference,
    /// Their preferred language, else the first they speak.
    language: Option<String>,
    /// The name printed for them.
    name: Option<String>,
}

impl Recipient {
    /// How the report and the terminal name a job: by the Patient's line and the handout
    /// (`Patient.ndjson:12 l3-l4-foraminal-narrowing`), never by anything of the
    /// patient's, as the CSV batch names rows.
    fn label(&self, handout: &str) -> String {
        format!("{} {handout}", self.place)
    }
}

fn file_name(file: &Path) -> String {
    file.file_name()
        .unwrap_or(file.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// A line that makes no job: named `Condition.ndjson:57:30` in the report and on the
/// terminal, with what is wrong.
fn rejected(file: &Path, bad: &BadLine) -> Rejected {
    Rejected {
        label: bad.place(file),
        reason: bad.reason.clone(),
    }
}

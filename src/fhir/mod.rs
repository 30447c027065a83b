//! FHIR R4 resources as the tool reads them: a Patient's languages and the problem codes
//! of a patient's Conditions, from the JSON an EHR sends (CDS Hooks prefetch), its FHIR
//! server answers, or a Bulk Data export holds ([`bulk`]). Only what a handout is chosen
//! and personalized by is kept: the languages, the codes, and for a handout printed for
//! the patient, the name; identifiers and everything else are read past.

pub mod bulk;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::model;

/// ICD-10-CM's FHIR code system URI.
pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
/// BCP 47 language tags' FHIR code system URI.
pub const BCP47: &str = "urn:ietf:bcp:47";
/// The Condition clinical status code system.
const CLINICAL_STATUS: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const VERIFICATION_STATUS: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

/// What a Patient resource tells about the handouts to give.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Patient {
    /// BCP 47 tags from `Patient.communication`, the preferred ones first.
    pub languages: Vec<String>,
}

impl Patient {
    /// The language to give handouts in: the preferred one, else the only or first.
    pub fn language(&self) -> Option<&str> {
        self.languages.first().map(String::as_str)
    }
}

/// Whether `id` is a FHIR resource id: 1 to 64 of `A-Z a-z 0-9 - .`. Nothing else can
/// reach a file name or a reference made from it.
pub fn is_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A reference to one Patient, `Patient/<id>`: the subject a handout is filed under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatientReference(String);

impl PatientReference {
    pub fn to_patient(id: &str) -> Result<PatientReference, String> {
        if is_id(id) {
            Ok(PatientReference(format!("Patient/{id}")))
        } else {
            Err(format!(
                "{id:?} is not a FHIR id: 1 to 64 letters, digits, '-' or '.'"
            ))
        }
    }

    /// The reference as FHIR writes it: `Patient/123`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Patient's id: `123` of `Patient/123`.
    pub fn id(&self) -> &str {
        &self.0["Patient/".len()..]
    }
}

impl std::str::FromStr for PatientReference {
    type Err = String;
    fn from_str(text: &str) -> Result<PatientReference, String> {
        let text = text.trim();
        match text.strip_prefix("Patient/") {
            Some(id) => PatientReference::to_patient(id),
            None => Err(format!(
                "{text:?} is not a reference to a Patient; give it as Patient/ID, e.g. \
                 Patient/12345"
            )),
        }
    }
}

impl std::fmt::Display for PatientReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name to print for the patient: the official one first (as `Patient.name` asks),
/// then the usual one, then any but an old or maiden name; its `text`, else the given
/// names and the family name. `None` when the Patient has no name to print.
pub fn patient_name(patient: &Value) -> Option<String> {
    let names = patient["name"].as_array()?;
    let rank = |name: &&Value| match name["use"].as_str() {
        Some("official") => 0,
        Some("usual") => 1,
        None | Some("temp" | "nickname") => 2,
        Some("anonymous") => 3,
        Some(_) => 4,
    };
    let mut ranked: Vec<&Value> = names
        .iter()
        .filter(|n| !matches!(n["use"].as_str(), Some("old" | "maiden")))
        .collect();
    ranked.sort_by_key(rank);
    ranked.into_iter().find_map(|name| {
        let spaced = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(text) = name["text"].as_str().map(spaced).filter(|t| !t.is_empty()) {
            return Some(text);
        }
        let given: Vec<String> = name["given"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(spaced)
            .filter(|p| !p.is_empty())
            .collect();
        let family = name["family"]
            .as_str()
            .map(spaced)
            .filter(|f| !f.is_empty());
        // Chinese, Japanese and Korean names put the family name first, with no space.
        let east_asian = |part: &String| part.chars().all(is_east_asian);
        if family.as_ref().is_some_and(east_asian) && given.iter().all(east_asian) {
            return family.map(|f| f + &given.concat());
        }
        let parts: Vec<String> = given.into_iter().chain(family).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

/// Han, kana and Hangul: the scripts whose names are written family name first.
fn is_east_asian(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul syllables
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{3134F}' // CJK extensions B to G
    )
}

/// What a Patient line says before the handouts are chosen: what it is, whose it is,
/// and whether the patient is one to send a handout to. Every other field is skipped
/// unread.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientStatus<'a> {
    #[serde(borrow, default)]
    pub resource_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub deceased_boolean: Option<bool>,
    #[serde(default)]
    pub deceased_date_time: Option<serde::de::IgnoredAny>,
}

impl PatientStatus<'_> {
    /// Recorded as having died: `deceasedBoolean` true, or a `deceasedDateTime`.
    pub fn is_deceased(&self) -> bool {
        self.deceased_boolean == Some(true) || self.deceased_date_time.is_some()
    }
}

/// Reads a Patient resource; `None` when `value` is not one (an OperationOutcome, say).
pub fn patient(value: &Value) -> Option<Patient> {
    if value["resourceType"] != "Patient" {
        return None;
    }
    let mut preferred = Vec::new();
    let mut others = Vec::new();
    for communication in value["communication"].as_array().into_iter().flatten() {
        let tags = communication["language"]["coding"]
            .as_array()
            .into_iter()
            .flatten()
            // Some EHRs leave the system out of a plain language code.
            .filter(|c| c["system"].is_null() || c["system"] == BCP47)
            .filter_map(|c| c["code"].as_str())
            .map(str::trim)
            .filter(|tag| model::is_language_tag(tag))
            .map(str::to_string);
        if communication["preferred"] == true {
            preferred.extend(tags);
        } else {
            others.extend(tags);
        }
    }
    preferred.extend(others);
    Some(Patient {
        languages: preferred,
    })
}

/// The ICD-10-CM codes of the active Conditions in `value` (a searchset Bundle of
/// Conditions, or one Condition), each once, in the order met; `None` when `value` is
/// neither. A Condition counts while its clinical status is active (or a recurrence or
/// relapse, which FHIR files under active); resolved, inactive and remission ones do not,
/// nor any entered in error or refuted, nor one with no clinical status.
pub fn active_problem_codes(value: &Value) -> Option<Vec<String>> {
    let conditions: Vec<&Value> = match value["resourceType"].as_str() {
        Some("Bundle") => value["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| &entry["resource"])
            .filter(|resource| resource["resourceType"] == "Condition")
            .collect(),
        Some("Condition") => vec![value],
        _ => return None,
    };
    let mut codes: Vec<String> = Vec::new();
    for condition in conditions {
        for code in condition_codes(condition) {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    Some(codes)
}

/// The ICD-10-CM codes of one Condition while it is active (see
/// [`active_problem_codes`]); none when it is not, or when it is not a Condition.
pub fn condition_codes(condition: &Value) -> Vec<String> {
    Condition::deserialize(condition)
        .map(|c| c.active_codes())
        .unwrap_or_default()
}

/// A Condition as far as it picks a handout: whose it is, whether it is active, its
/// codes. Read straight from an NDJSON line (its strings borrowed from it) or from a
/// parsed JSON value; every other field is skipped unread.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition<'a> {
    #[serde(borrow, default)]
    pub resource_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub subject: Option<ReferenceField<'a>>,
    #[serde(borrow, default)]
    clinical_status: Option<Concept<'a>>,
    #[serde(borrow, default)]
    verification_status: Option<Concept<'a>>,
    #[serde(borrow, default)]
    code: Option<Concept<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReferenceField<'a> {
    #[serde(borrow, default)]
    pub reference: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
struct Concept<'a> {
    #[serde(borrow, default)]
    coding: Vec<Coding<'a>>,
}

#[derive(Debug, Default, Deserialize)]
struct Coding<'a> {
    #[serde(borrow, default)]
    system: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    code: Option<Cow<'a, str>>,
}

impl Concept<'_> {
    /// The codes of the concept in `system`, or given without a system (as some EHRs
    /// send status codes).
    fn codes<'c>(&'c self, system: &'c str) -> impl Iterator<Item = &'c str> {
        self.coding
            .iter()
            .filter(move |c| c.system.as_deref().is_none_or(|s| s == system))
            .filter_map(|c| c.code.as_deref())
    }
}

impl Condition<'_> {
    /// Active: the clinical status is active (or a recurrence or relapse, which FHIR
    /// files under active), and it was neither entered in error nor refuted.
    pub fn is_active(&self) -> bool {
        let doubtful = self
            .verification_status
            .iter()
            .flat_map(|c| c.codes(VERIFICATION_STATUS))
            .any(|code| code == "entered-in-error" || code == "refuted");
        let active = self
            .clinical_status
            .iter()
            .flat_map(|c| c.codes(CLINICAL_STATUS))
            .any(|code| matches!(code, "active" | "recurrence" | "relapse"));
        self.resource_type.as_deref() == Some("Condition") && active && !doubtful
    }

    /// Its ICD-10-CM codes, dotted and upper case, while it is active.
    pub fn active_codes(&self) -> Vec<String> {
        if !self.is_active() {
            return Vec::new();
        }
        self.code
            .iter()
            .flat_map(|c| &c.coding)
            .filter(|coding| coding.system.as_deref() == Some(ICD10CM))
            .filter_map(|coding| coding.code.as_deref())
            .map(|code| dotted(&code.trim().to_ascii_uppercase()))
            .filter(|code| model::is_icd10cm_code(code))
            .collect()
    }
}

/// An ICD-10-CM code with its dot, as some EHRs leave it out (`M48061` is `M48.061`).
fn dotted(code: &str) -> String {
    if code.contains('.') || code.len() <= 3 || !code.is_ascii() {
        return code.to_string();
    }
    format!("{}.{}", &code[..3], &code[3..])
}

/// The address of a Bundle's next page, when the server split its answer.
pub fn next_page(bundle: &Value) -> Option<&str> {
    bundle["link"]
        .as_array()?
        .iter()
        .find(|link| link["relation"] == "next")?["url"]
        .as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn condition(code: &str, system: &str, clinical: &str, verification: &str) -> Value {
        json!({
            "resourceType": "Condition",
            "clinicalStatus": { "coding": [{ "system": CLINICAL_STATUS, "code": clinical }] },
            "verificationStatus": { "coding": [{ "system": VERIFICATION_STATUS, "code": verification }] },
            "code": { "coding": [{ "system": system, "code": code }] },
        })
    }

    #[test]
    fn only_active_confirmed_icd10cm_problems_count() {
        let bundle = json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                { "resource": condition("m48.061", ICD10CM, "active", "confirmed") },
                { "resource": condition("M54.16", ICD10CM, "recurrence", "provisional") },
                { "resource": condition("E11.9", ICD10CM, "resolved", "confirmed") },
                { "resource": condition("I10", ICD10CM, "inactive", "confirmed") },
                { "resource": condition("J45.909", ICD10CM, "active", "entered-in-error") },
                { "resource": condition("K21.9", ICD10CM, "active", "refuted") },
                { "resource": condition("267036007", "http://snomed.info/sct", "active", "confirmed") },
                { "resource": condition("not a code", ICD10CM, "active", "confirmed") },
                { "resource": condition("M48.061", ICD10CM, "active", "confirmed") },
                { "resource": condition("M4716", ICD10CM, "relapse", "confirmed") },
                { "resource": { "resourceType": "Condition", "code": { "coding": [{ "system": ICD10CM, "code": "R51.9" }] } } },
                { "resource": { "resourceType": "OperationOutcome" } },
            ],
        });
        assert_eq!(
            active_problem_codes(&bundle),
            Some(vec![
                "M48.061".to_string(),
                "M54.16".to_string(),
                "M47.16".to_string()
            ])
        );
        assert_eq!(
            active_problem_codes(&json!({ "resourceType": "Bundle" })),
            Some(vec![])
        );
        assert_eq!(
            active_problem_codes(&json!({ "resourceType": "OperationOutcome" })),
            None
        );
    }

    #[test]
    fn the_preferred_language_comes_first() {
        let patient = patient(&json!({
            "resourceType": "Patient",
            "name": [{ "family": "Nguyen" }],
            "communication": [
                { "language": { "coding": [{ "system": BCP47, "code": "en" }] } },
                { "language": { "coding": [{ "system": BCP47, "code": "vi" }], "text": "Vietnamese" }, "preferred": true },
                { "language": { "coding": [{ "system": "urn:other", "code": "fr" }] } },
                { "language": { "coding": [{ "code": "not a tag!" }] } },
            ],
        }))
        .unwrap();
        assert_eq!(patient.languages, ["vi", "en"]);
        assert_eq!(patient.language(), Some("vi"));
        assert_eq!(
            super::patient(&json!({ "resourceType": "Patient" })),
            Some(Patient::default())
        );
        assert_eq!(
            super::patient(&json!({ "resourceType": "Condition" })),
            None
        );
    }

    #[test]
    fn the_official_name_is_printed_first() {
        let patient = json!({ "resourceType": "Patient", "name": [
            { "use": "old", "text": "Maria Lopez" },
            { "use": "usual", "given": ["Mari"], "family": "Garcia" },
            { "use": "official", "given": ["Maria", " José "], "family": "Garcia  Lopez" },
        ]});
        assert_eq!(
            patient_name(&patient).as_deref(),
            Some("Maria José Garcia Lopez")
        );
        let texted = json!({ "name": [{ "text": " Nguyễn Văn An ", "family": "Nguyễn" }] });
        assert_eq!(patient_name(&texted).as_deref(), Some("Nguyễn Văn An"));
        let chinese = json!({ "name": [{ "given": ["美玲"], "family": "陳" }] });
        assert_eq!(patient_name(&chinese).as_deref(), Some("陳美玲"));
        let korean = json!({ "name": [{ "given": ["민준"], "family": "김" }] });
        assert_eq!(patient_name(&korean).as_deref(), Some("김민준"));
        let mixed = json!({ "name": [{ "given": ["Mei Ling"], "family": "陳" }] });
        assert_eq!(patient_name(&mixed).as_deref(), Some("Mei Ling 陳"));
        let only_old = json!({ "name": [{ "use": "maiden", "family": "Smith" }] });
        assert_eq!(patient_name(&only_old), None);
        assert_eq!(patient_name(&json!({ "name": [{}] })), None);
        assert_eq!(patient_name(&json!({})), None);
    }

    #[test]
    fn patient_references_hold_fhir_ids_only() {
        let subject: PatientReference = "Patient/abc-123.4".parse().unwrap();
        assert_eq!(subject.as_str(), "Patient/abc-123.4");
        assert_eq!(subject.id(), "abc-123.4");
        for bad in [
            "Patient/",
            "Patient/../x",
            "Patient/a b",
            "Practitioner/1",
            "123",
        ] {
            assert!(bad.parse::<PatientReference>().is_err(), "{bad}");
        }
        assert!(!is_id(&"a".repeat(65)));
        assert!(is_id(&"a".repeat(64)));
    }

    #[test]
    fn a_bundle_names_its_next_page() {
        let bundle = json!({ "link": [
            { "relation": "self", "url": "https://fhir/Condition?patient=1" },
            { "relation": "next", "url": "https://fhir/Condition?page=2" },
        ]});
        assert_eq!(next_page(&bundle), Some("https://fhir/Condition?page=2"));
        assert_eq!(next_page(&json!({})), None);
    }
}

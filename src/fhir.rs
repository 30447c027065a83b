//! FHIR R4 resources as the tool reads them: a Patient's languages and the problem codes
//! of a patient's Conditions, from the JSON an EHR sends (CDS Hooks prefetch) or its FHIR
//! server answers. Only what a handout is chosen by is kept; names, identifiers and
//! everything else of the patient are read past and never stored.

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
    for condition in conditions.into_iter().filter(|c| is_active(c)) {
        for coding in condition["code"]["coding"].as_array().into_iter().flatten() {
            let Some(code) = coding["code"].as_str().map(str::trim) else {
                continue;
            };
            let code = dotted(&code.to_ascii_uppercase());
            if coding["system"] == ICD10CM
                && model::is_icd10cm_code(&code)
                && !codes.contains(&code)
            {
                codes.push(code);
            }
        }
    }
    Some(codes)
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

fn status_codes<'v>(concept: &'v Value, system: &'v str) -> impl Iterator<Item = &'v str> {
    concept["coding"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |c| c["system"].is_null() || c["system"] == system)
        .filter_map(|c| c["code"].as_str())
}

fn is_active(condition: &Value) -> bool {
    let doubtful = status_codes(&condition["verificationStatus"], VERIFICATION_STATUS)
        .any(|code| code == "entered-in-error" || code == "refuted");
    let active = status_codes(&condition["clinicalStatus"], CLINICAL_STATUS)
        .any(|code| matches!(code, "active" | "recurrence" | "relapse"));
    active && !doubtful
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
    fn a_bundle_names_its_next_page() {
        let bundle = json!({ "link": [
            { "relation": "self", "url": "https://fhir/Condition?patient=1" },
            { "relation": "next", "url": "https://fhir/Condition?page=2" },
        ]});
        assert_eq!(next_page(&bundle), Some("https://fhir/Condition?page=2"));
        assert_eq!(next_page(&json!({})), None);
    }
}

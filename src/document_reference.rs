//! A finished PDF filed to the chart: a FHIR R4 `DocumentReference` that holds the PDF
//! itself, as EHRs file patient-education documents and patient portals show them.
//!
//! The type is LOINC 34895-3, "Education note": the LOINC document code for a note on
//! education given to the patient, which IHE's patient-education section and French
//! national document types ("fiche d'information au patient") use for such a handout. The
//! category is US Core's `clinical-note`, so a US Core server files it among the notes.

use base64::Engine as _;
use serde::Serialize;

use crate::dates;
use crate::fhir::PatientReference;

pub const LOINC: &str = "http://loinc.org";
pub const EDUCATION_NOTE: &str = "34895-3";
const US_CORE_CATEGORY: &str =
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category";
/// IHE's format code for a document whose media type says all there is to know.
const IHE_FORMAT: &str = "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode";
const MIME_TYPE_SUFFICIENT: &str = "urn:ihe:iti:xds:2017:mimeTypeSufficient";

/// What a DocumentReference says of its PDF.
#[derive(Debug, Clone, Copy)]
pub struct Filing<'a> {
    pub pdf: &'a [u8],
    /// The handout's title: the reference's description and the attachment's title.
    pub title: &'a str,
    /// The handout's BCP 47 language.
    pub language: &'a str,
    /// The patient it was given to; absent for a handout not yet given to anyone.
    pub subject: Option<&'a PatientReference>,
    /// When it is filed, in seconds since 1970.
    pub filed: i64,
    /// When the PDF says it was made, in seconds since 1970.
    pub created: i64,
}

/// The DocumentReference as one line of JSON (no line breaks inside), as NDJSON takes it.
pub fn to_json(filing: &Filing<'_>) -> Result<String, serde_json::Error> {
    let hash: [u8; 20] = <sha1::Sha1 as sha1::Digest>::digest(filing.pdf).into();
    let base64 = &base64::engine::general_purpose::STANDARD;
    let resource = DocumentReference {
        resource_type: "DocumentReference",
        id: resource_id(filing.subject, &hash),
        status: "current",
        doc_status: "final",
        kind: Concept {
            coding: [Coding {
                system: LOINC,
                code: EDUCATION_NOTE,
                display: "Education note",
            }],
            text: "Patient education handout",
        },
        category: [Concept {
            coding: [Coding {
                system: US_CORE_CATEGORY,
                code: "clinical-note",
                display: "Clinical Note",
            }],
            text: "Clinical Note",
        }],
        subject: filing.subject.map(|s| Reference {
            reference: s.as_str(),
        }),
        date: dates::instant(filing.filed),
        description: filing.title,
        content: [Content {
            attachment: Attachment {
                content_type: "application/pdf",
                language: filing.language,
                data: "",
                size: filing.pdf.len(),
                hash: base64.encode(hash),
                title: filing.title,
                creation: dates::instant(filing.created),
            },
            format: Coding {
                system: IHE_FORMAT,
                code: MIME_TYPE_SUFFICIENT,
                display: "mimeType Sufficient",
            },
        }],
    };
    let json = serde_json::to_string(&resource)?;
    // Every quote in the handout's own words comes escaped (`\"`), so the first `"data":""`
    // is the attachment's own.
    let empty = "\"data\":\"\"";
    let Some(at) = json.find(empty) else {
        return Ok(json);
    };
    let mut out = String::with_capacity(json.len() + filing.pdf.len().div_ceil(3) * 4);
    out.push_str(&json[..at + empty.len() - 1]);
    base64.encode_string(filing.pdf, &mut out);
    out.push_str(&json[at + empty.len() - 1..]);
    Ok(out)
}

/// The same PDF given to the same patient is the same resource: filing a batch's output
/// twice (a rerun, a retried import) updates one DocumentReference instead of adding a
/// second, while a changed handout is a document of its own.
fn resource_id(subject: Option<&PatientReference>, pdf_hash: &[u8]) -> String {
    let mut keyed = Vec::with_capacity(96);
    keyed.extend_from_slice(subject.map_or("", |s| s.as_str()).as_bytes());
    keyed.push(b'\n');
    keyed.extend_from_slice(pdf_hash);
    let digest = ring::digest::digest(&ring::digest::SHA256, &keyed);
    format!("handout-{}", crate::hash::hex(&digest.as_ref()[..16]))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentReference<'a> {
    resource_type: &'static str,
    id: String,
    status: &'static str,
    doc_status: &'static str,
    #[serde(rename = "type")]
    kind: Concept,
    category: [Concept; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<Reference<'a>>,
    date: String,
    description: &'a str,
    content: [Content<'a>; 1],
}

#[derive(Serialize)]
struct Concept {
    coding: [Coding; 1],
    text: &'static str,
}

#[derive(Serialize)]
struct Coding {
    system: &'static str,
    code: &'static str,
    display: &'static str,
}

#[derive(Serialize)]
struct Reference<'a> {
    reference: &'a str,
}

#[derive(Serialize)]
struct Content<'a> {
    attachment: Attachment<'a>,
    format: Coding,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Attachment<'a> {
    content_type: &'static str,
    language: &'a str,
    /// Left empty here and filled in after: a PDF's base64 is most of the resource, and
    /// serde_json would scan every byte of it for characters to escape, which base64
    /// never has.
    data: &'static str,
    size: usize,
    hash: String,
    title: &'a str,
    creation: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn filing<'a>(pdf: &'a [u8], subject: Option<&'a PatientReference>) -> Filing<'a> {
        Filing {
            pdf,
            title: "Lumbar stenosis \"L3–L4\" \"data\":\"\"",
            language: "es",
            subject,
            filed: 1_796_333_327,
            created: 1_747_699_200,
        }
    }

    #[test]
    fn the_attachment_holds_the_pdf_its_size_and_sha1() {
        let subject: PatientReference = "Patient/p-1".parse().unwrap();
        let json = to_json(&filing(b"%PDF-1.7 abc", Some(&subject))).unwrap();
        assert!(!json.contains('\n'));
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json.matches("JVBERi0xLjcgYWJj").count(), 1);
        let attachment = &value["content"][0]["attachment"];
        assert_eq!(attachment["data"], "JVBERi0xLjcgYWJj");
        assert_eq!(attachment["size"], 12);
        // printf '%%PDF-1.7 abc' | sha1sum | xxd -r -p | base64
        assert_eq!(attachment["hash"], "OGuEAZI7w81xmG/wd/MqQDVclxY=");
        assert_eq!(attachment["language"], "es");
        assert_eq!(attachment["creation"], "2025-05-20T00:00:00Z");
        assert_eq!(value["date"], "2026-12-03T21:28:47Z");
        assert_eq!(value["subject"]["reference"], "Patient/p-1");
        assert_eq!(
            value["description"],
            "Lumbar stenosis \"L3–L4\" \"data\":\"\""
        );
        assert_eq!(value["type"]["coding"][0]["code"], EDUCATION_NOTE);
    }

    #[test]
    fn the_id_follows_the_patient_and_the_pdf() {
        let id = |pdf: &[u8], subject: Option<&str>| {
            let subject = subject.map(|s| s.parse::<PatientReference>().unwrap());
            let value: Value =
                serde_json::from_str(&to_json(&filing(pdf, subject.as_ref())).unwrap()).unwrap();
            value["id"].as_str().unwrap().to_string()
        };
        let first = id(b"one", Some("Patient/1"));
        assert_eq!(first, id(b"one", Some("Patient/1")));
        assert_ne!(first, id(b"two", Some("Patient/1")));
        assert_ne!(first, id(b"one", Some("Patient/2")));
        assert_ne!(first, id(b"one", None));
        assert!(crate::fhir::is_id(&first), "{first}");
    }
}

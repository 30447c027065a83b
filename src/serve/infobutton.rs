//! The HL7 Infobutton responder (Context-Aware Knowledge Retrieval, URL-based
//! implementation guide, release 4): an EHR asks for what it has on a problem code, in a
//! language, for a patient or a provider; the answer lists the matching handouts, each
//! with a link to its PDF and to the desk with it chosen. A request carries no patient
//! details into a link, and nothing of the patient (age, gender) is echoed.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::http::StatusCode;

use super::problem::Problem;
use crate::catalog::matches_code;
use crate::library::{self, Entry};
use crate::model;
use crate::serve::Desk;
use crate::xml::escape as xml;

/// ICD-10-CM's code system OID.
pub const ICD10CM: &str = "2.16.840.1.113883.6.90";

/// What the responder was asked for.
#[derive(Debug, PartialEq)]
pub struct Question {
    /// ICD-10-CM codes with their display names, in the order given.
    pub codes: Vec<(String, Option<String>)>,
    /// PAT or PROV.
    pub recipient: Option<String>,
    pub language: Option<String>,
    pub response_type: Option<String>,
}

/// The answer to a question.
pub struct Answer<'d> {
    pub question: Question,
    pub found: Vec<&'d Entry>,
    /// Set when no handout was in the language asked for and others are given instead.
    pub fell_back_from: Option<String>,
}

impl Question {
    /// Reads the IG's parameters; unknown ones (task context, patient demographics,
    /// performer...) are the EHR's to send and are ignored.
    pub fn parse(params: &BTreeMap<String, String>) -> Result<Question, Problem> {
        let bad = |detail: String| Problem::new(StatusCode::BAD_REQUEST, detail);
        let mut codes = Vec::new();
        for suffix in std::iter::once(String::new()).chain((1..=20).map(|i| i.to_string())) {
            let key = |part: &str| format!("mainSearchCriteria.v.{part}{suffix}");
            let code = params.get(&key("c")).map(|c| c.trim().to_string());
            let system = params.get(&key("cs")).map(|s| s.trim().to_string());
            let name = params.get(&key("dn")).map(|d| d.trim().to_string());
            match (code, system) {
                (None, None) => continue,
                (Some(code), Some(system))
                    if system == ICD10CM && model::is_icd10cm_code(&code.to_ascii_uppercase()) =>
                {
                    codes.push((code, name.filter(|n| !n.is_empty())));
                }
                (Some(code), Some(system)) if system == ICD10CM && !code.is_empty() => {
                    return Err(bad(format!(
                        "{} {code:?} is not an ICD-10-CM code such as M48.061",
                        key("c")
                    )))
                }
                (Some(_), Some(system)) if system != ICD10CM => {
                    return Err(bad(format!(
                        "{} names the code system {system:?}; this responder knows \
                         ICD-10-CM ({ICD10CM}) only",
                        key("cs")
                    )))
                }
                (None, Some(_)) | (Some(_), Some(_)) => {
                    return Err(bad(format!("{} is missing or empty", key("c"))))
                }
                (Some(_), None) => {
                    return Err(bad(format!(
                        "{} is missing: give the code system, {ICD10CM} for ICD-10-CM",
                        key("cs")
                    )))
                }
            }
        }
        if codes.is_empty() {
            return Err(bad(
                "no mainSearchCriteria.v.c: give a problem code and mainSearchCriteria.v.cs"
                    .to_string(),
            ));
        }
        let recipient = params
            .get("informationRecipient")
            .map(|r| r.trim().to_string());
        if let Some(r) = &recipient {
            if r != "PAT" && r != "PROV" {
                return Err(bad(format!(
                    "informationRecipient {r:?}: give PAT (a patient) or PROV (a provider)"
                )));
            }
        }
        Ok(Question {
            codes,
            recipient,
            language: params
                .get("informationRecipient.languageCode.c")
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
            response_type: params.get("knowledgeResponseType").cloned(),
        })
    }

    /// The handouts for the codes, in the language asked for when there are any in it;
    /// otherwise in every language, saying so.
    pub fn answer(self, desk: &Desk) -> Answer<'_> {
        let for_codes: Vec<&Entry> = desk
            .library
            .entries()
            .map(|e| e.as_ref())
            .filter(|e| self.codes.iter().any(|(c, _)| matches_code(&e.handout, c)))
            .collect();
        let Some(language) = self.language.clone() else {
            let found = for_codes;
            return Answer {
                question: self,
                found,
                fell_back_from: None,
            };
        };
        let in_language: Vec<&Entry> = for_codes
            .iter()
            .copied()
            .filter(|e| library::is_in_language(&e.handout, &language))
            .collect();
        let (chosen, fell_back_from) = if in_language.is_empty() {
            // The handouts in English, else whatever there is.
            let english: Vec<&Entry> = for_codes
                .iter()
                .copied()
                .filter(|e| library::is_in_language(&e.handout, "en"))
                .collect();
            let chosen = if english.is_empty() {
                for_codes
            } else {
                english
            };
            let fell_back = (!chosen.is_empty()).then_some(language);
            (chosen, fell_back)
        } else {
            (in_language, None)
        };
        Answer {
            question: self,
            found: chosen,
            fell_back_from,
        }
    }
}

/// How the answer is written: the IG's Atom feed (its default), its JSON, or HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Atom,
    Json,
    Html,
}

impl Format {
    /// `knowledgeResponseType` first, then the Accept header; Atom by default.
    pub fn choose(response_type: Option<&str>, accept: Option<&str>) -> Format {
        let pick = |text: &str| {
            if text.contains("application/json") {
                Some(Format::Json)
            } else if text.contains("text/html") {
                Some(Format::Html)
            } else if text.contains("xml") {
                Some(Format::Atom)
            } else {
                None
            }
        };
        response_type
            .and_then(pick)
            .or_else(|| accept.and_then(pick))
            .unwrap_or(Format::Atom)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Atom => "text/xml; charset=utf-8",
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// An entry's links: the PDF (the brief when the handout has one) and the desk, each
/// naming the language, since a translation may share its source's id. (A loaded
/// handout's language is a well-formed tag: letters, digits and dashes only.)
pub(super) fn links(entry: &Entry) -> (String, String) {
    let meta = &entry.handout.meta;
    let (id, language) = (&meta.id, &meta.language);
    let pdf = if entry.handout.presets.contains_key("brief") {
        format!("handouts/{id}.pdf?preset=brief&language={language}")
    } else {
        format!("handouts/{id}.pdf?language={language}")
    };
    (pdf, format!("?handout={id}&language={language}"))
}

/// An entry's Atom id: one per handout and language.
fn entry_id(base: &str, entry: &Entry) -> String {
    let meta = &entry.handout.meta;
    format!("{base}handouts/{}?language={}", meta.id, meta.language)
}

pub(super) fn summary(entry: &Entry) -> String {
    let meta = &entry.handout.meta;
    meta.subtitle.clone().unwrap_or_else(|| meta.title.clone())
}

/// The request's search criteria, as the IG's examples echo them in categories.
fn categories(question: &Question) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, (code, name)) in question.codes.iter().enumerate() {
        let suffix = if i == 0 { String::new() } else { i.to_string() };
        out.push((format!("mainSearchCriteria.v.c{suffix}"), code.clone()));
        out.push((
            format!("mainSearchCriteria.v.cs{suffix}"),
            ICD10CM.to_string(),
        ));
        if let Some(name) = name {
            out.push((format!("mainSearchCriteria.v.dn{suffix}"), name.clone()));
        }
    }
    if let Some(r) = &question.recipient {
        out.push(("informationRecipient".into(), r.clone()));
    }
    if let Some(l) = &question.language {
        out.push(("informationRecipient.languageCode.c".into(), l.clone()));
    }
    out
}

fn fallback_note(from: &str) -> String {
    format!("No handout in the language asked for ({from}); these are in another language.")
}

fn updated(entry: &Entry) -> String {
    format!(
        "{}T00:00:00Z",
        crate::dates::iso(&entry.handout.meta.last_updated)
    )
}

impl Answer<'_> {
    fn title(&self) -> String {
        let codes: Vec<&str> = self
            .question
            .codes
            .iter()
            .map(|(c, _)| c.as_str())
            .collect();
        format!("Patient handouts for {}", codes.join(", "))
    }

    fn newest(&self) -> String {
        self.found
            .iter()
            .map(|entry| updated(entry))
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
    }

    /// `base` is the server's address, `http://host/`.
    pub fn render(&self, format: Format, base: &str) -> String {
        match format {
            Format::Atom => self.atom(base),
            Format::Json => self.json(base).to_string(),
            Format::Html => self.html(),
        }
    }

    fn atom(&self, base: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let lang = self.question.language.as_deref().unwrap_or("en");
        let _ = writeln!(
            out,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\" xml:base=\"{}\">",
            xml(lang),
            xml(base)
        );
        let _ = writeln!(out, "  <title type=\"text\">{}</title>", xml(&self.title()));
        if let Some(from) = &self.fell_back_from {
            let _ = writeln!(
                out,
                "  <subtitle type=\"text\">{}</subtitle>",
                xml(&fallback_note(from))
            );
        }
        let _ = writeln!(out, "  <updated>{}</updated>", self.newest());
        let _ = writeln!(out, "  <id>{}infobutton</id>", xml(base));
        out.push_str("  <author><name>handout serve</name></author>\n");
        for (scheme, term) in categories(&self.question) {
            let _ = writeln!(
                out,
                "  <category scheme=\"{}\" term=\"{}\"/>",
                xml(&scheme),
                xml(&term)
            );
        }
        for &entry in &self.found {
            let h = &entry.handout;
            let (pdf, desk) = links(entry);
            let lang = xml(&h.meta.language);
            let _ = writeln!(out, "  <entry xml:lang=\"{lang}\">");
            let _ = writeln!(
                out,
                "    <title type=\"text\">{}</title>",
                xml(&h.meta.title)
            );
            let _ = writeln!(
                out,
                "    <link rel=\"alternate\" type=\"application/pdf\" hreflang=\"{lang}\" href=\"{}\" title=\"{}\"/>",
                xml(&pdf),
                xml(&h.meta.title)
            );
            let _ = writeln!(
                out,
                "    <link rel=\"related\" type=\"text/html\" hreflang=\"{lang}\" href=\"{}\" title=\"Choose sections and print\"/>",
                xml(&desk)
            );
            let _ = writeln!(out, "    <id>{}</id>", xml(&entry_id(base, entry)));
            let _ = writeln!(out, "    <updated>{}</updated>", updated(entry));
            let _ = writeln!(
                out,
                "    <summary type=\"text\">{}</summary>",
                xml(&summary(entry))
            );
            out.push_str("  </entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }

    /// The IG's JSON form of the same feed: values in `_value`.
    fn json(&self, base: &str) -> serde_json::Value {
        let value = |v: String| serde_json::json!({ "_value": v });
        let entries: Vec<serde_json::Value> = self
            .found
            .iter()
            .map(|&entry| {
                let h = &entry.handout;
                let (pdf, desk) = links(entry);
                serde_json::json!({
                    "lang": h.meta.language,
                    "title": { "_value": h.meta.title, "type": "text" },
                    "link": [
                        { "href": format!("{base}{pdf}"), "rel": "alternate", "type": "application/pdf",
                          "hreflang": h.meta.language, "title": h.meta.title },
                        { "href": format!("{base}{desk}"), "rel": "related", "type": "text/html",
                          "hreflang": h.meta.language, "title": "Choose sections and print" },
                    ],
                    "id": value(entry_id(base, entry)),
                    "updated": value(updated(entry)),
                    "summary": { "_value": summary(entry), "type": "text" },
                })
            })
            .collect();
        let categories: Vec<serde_json::Value> = categories(&self.question)
            .into_iter()
            .map(|(scheme, term)| serde_json::json!({ "scheme": scheme, "term": term }))
            .collect();
        let mut feed = serde_json::json!({
            "lang": self.question.language.as_deref().unwrap_or("en"),
            "base": base,
            "title": { "_value": self.title(), "type": "text" },
            "updated": value(self.newest()),
            "id": value(format!("{base}infobutton")),
            "author": [{ "name": value("handout serve".to_string()) }],
            "category": categories,
            "entry": entries,
        });
        if let Some(from) = &self.fell_back_from {
            feed["subtitle"] = serde_json::json!({ "_value": fallback_note(from), "type": "text" });
        }
        serde_json::json!({ "feed": feed })
    }

    fn html(&self) -> String {
        let lang = self.question.language.as_deref().unwrap_or("en");
        let mut out = format!(
            "<!doctype html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/assets/app.css\">\
             <title>{}</title></head>\n<body><main class=\"answer\"><h1>{1}</h1>\n",
            xml(lang),
            xml(&self.title())
        );
        if let Some(from) = &self.fell_back_from {
            let _ = writeln!(out, "<p>{}</p>", xml(&fallback_note(from)));
        }
        if self.found.is_empty() {
            out.push_str("<p>No handout for these codes.</p>\n");
        }
        out.push_str("<ul>\n");
        for &entry in &self.found {
            let h = &entry.handout;
            let (pdf, desk) = links(entry);
            let _ = writeln!(
                out,
                "<li lang=\"{}\"><a href=\"/{}\">{}</a> (PDF) · <a href=\"/{}\">choose sections and print</a></li>",
                xml(&h.meta.language),
                xml(&pdf),
                xml(&h.meta.title),
                xml(&desk)
            );
        }
        out.push_str("</ul></main></body></html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_the_igs_parameters_and_says_what_is_wrong() {
        let q = Question::parse(&params(&[
            ("mainSearchCriteria.v.c", "M48.061"),
            ("mainSearchCriteria.v.cs", ICD10CM),
            ("mainSearchCriteria.v.dn", "Spinal stenosis, lumbar region"),
            ("mainSearchCriteria.v.c1", "M54.16"),
            ("mainSearchCriteria.v.cs1", ICD10CM),
            ("informationRecipient", "PAT"),
            ("informationRecipient.languageCode.c", "es"),
            ("patientPerson.administrativeGenderCode.c", "F"),
            ("age.v.v", "67"),
        ]))
        .unwrap();
        assert_eq!(
            q.codes,
            [
                (
                    "M48.061".to_string(),
                    Some("Spinal stenosis, lumbar region".to_string())
                ),
                ("M54.16".to_string(), None)
            ]
        );
        assert_eq!(q.language.as_deref(), Some("es"));
        let echoed = categories(&q);
        assert!(!echoed
            .iter()
            .any(|(k, v)| k.starts_with("age.") || k.starts_with("patientPerson") || v == "67"));
        assert_eq!(echoed.len(), 7, "{echoed:?}");
        let err = |pairs: &[(&str, &str)]| Question::parse(&params(pairs)).unwrap_err().detail;
        assert!(err(&[]).contains("no mainSearchCriteria.v.c"));
        assert!(err(&[
            ("mainSearchCriteria.v.c", "M48.061"),
            ("mainSearchCriteria.v.cs", "2.16.840.1.113883.6.96")
        ])
        .contains("knows ICD-10-CM (2.16.840.1.113883.6.90) only"));
        assert!(err(&[("mainSearchCriteria.v.c", "M48.061")])
            .contains("mainSearchCriteria.v.cs is missing"));
        assert!(err(&[
            ("mainSearchCriteria.v.c", "not-a-code"),
            ("mainSearchCriteria.v.cs", ICD10CM)
        ])
        .contains("\"not-a-code\" is not an ICD-10-CM code"));
        assert!(err(&[("mainSearchCriteria.v.cs", ICD10CM)])
            .contains("mainSearchCriteria.v.c is missing"));
        assert!(err(&[
            ("mainSearchCriteria.v.c", "M48.061"),
            ("mainSearchCriteria.v.cs", ICD10CM),
            ("informationRecipient", "NURSE")
        ])
        .contains("give PAT"));
    }

    #[test]
    fn the_response_type_picks_the_format() {
        assert_eq!(Format::choose(None, None), Format::Atom);
        assert_eq!(
            Format::choose(Some("application/json"), Some("text/html")),
            Format::Json
        );
        assert_eq!(
            Format::choose(None, Some("text/html,application/xhtml+xml")),
            Format::Html
        );
        assert_eq!(Format::choose(Some("text/xml"), None), Format::Atom);
    }
}

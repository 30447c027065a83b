//! A CDS Hooks 2.0 service: when a chart opens (`patient-view`), the EHR calls it with
//! the patient and their conditions, and it answers with a card for each handout on an
//! active problem, in the patient's preferred language. The handouts are found as the
//! infobutton finds them (the same code hierarchy and language fallback); the cards link
//! to the handout's PDF and the desk by the handout's id alone, so no patient detail
//! reaches a URL.

pub mod auth;
mod crypto;
mod fetch;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::infobutton::{self, Question};
use super::problem::Problem;
use super::App;
use crate::fhir;

/// The one service: handouts when a chart opens.
pub const PATIENT_VIEW: &str = "patient-handouts";
/// The largest hook call taken: a prefetched problem list of a few hundred Conditions.
pub const MAX_BODY: usize = 4 * 1024 * 1024;
/// CDS Hooks asks for a summary of at most 140 characters.
const MAX_SUMMARY: usize = 140;

/// The CDS Hooks side of the server: who may call, and the tokens already seen.
pub struct Cds {
    pub clients: Vec<auth::Client>,
    pub seen: auth::Seen,
}

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/cds-services", get(discovery))
        .route("/cds-services/{id}", post(hook))
}

fn off() -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "CDS Hooks is off: a server reachable from other machines serves it only to the \
         EHRs named with --cds-client ISSUER=JWKS_FILE",
    )
    .into_response()
}

fn json_response(value: &Value) -> Response {
    let mut response = value.to_string().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The discovery document. It holds nothing of any patient, so it asks for no token.
async fn discovery(State(app): State<Arc<App>>) -> Response {
    if app.cds.is_none() {
        return off();
    }
    json_response(&json!({
        "services": [{
            "hook": "patient-view",
            "id": PATIENT_VIEW,
            "title": "Patient handouts",
            "description": "Suggests the clinic's printable handouts for the patient's active \
                problems (ICD-10-CM), in the patient's preferred language when there is one.",
            "prefetch": {
                "patient": "Patient/{{context.patientId}}",
                "conditions": "Condition?patient={{context.patientId}}",
            },
            "usageRequirements": "Register the EHR's JWKS with handout serve --cds-client.",
        }]
    }))
}

fn bad(detail: impl Into<String>) -> Response {
    Problem::new(StatusCode::BAD_REQUEST, detail).into_response()
}

async fn hook(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let Some(cds) = &app.cds else {
        return off();
    };
    if id != PATIENT_VIEW {
        return Problem::new(
            StatusCode::NOT_FOUND,
            format!("no such CDS service; this server has {PATIENT_VIEW}"),
        )
        .into_response();
    }
    // The guard has checked that Host names this server: the token must be addressed
    // to the service at that name, by either scheme (a TLS proxy may stand in front).
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost")
        .to_ascii_lowercase();
    let audiences: Vec<String> = ["https", "http"]
        .iter()
        .flat_map(|scheme| {
            [
                format!("{scheme}://{host}/cds-services/{id}"),
                format!("{scheme}://{host}/cds-services"),
            ]
        })
        .collect();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let audience = match auth::verify(&cds.clients, &cds.seen, authorization, &audiences) {
        Ok(audience) => audience,
        Err(auth::Refusal::Unauthorized(why)) => {
            let mut response = Problem::new(StatusCode::UNAUTHORIZED, why).into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            return response;
        }
        Err(auth::Refusal::Flooded) => {
            return Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many calls within five minutes; try again shortly",
            )
            .into_response()
        }
    };
    let origin = audience
        .split_once("/cds-services")
        .map_or_else(|| format!("http://{host}"), |(o, _)| o.to_string());
    let call = match read_call(&headers, request).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let facts = match facts(call).await {
        Ok(facts) => facts,
        Err(response) => return response,
    };
    json_response(&cards(&app, &facts, &format!("{origin}/")))
}

/// What the cards are chosen by.
struct Facts {
    codes: Vec<String>,
    language: Option<String>,
}

/// The hook call, read and checked.
struct Call {
    patient_id: String,
    patient: Option<Value>,
    conditions: Option<Value>,
    fhir: Option<(String, String)>,
}

async fn read_call(headers: &HeaderMap, request: Request) -> Result<Call, Response> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the hook call as application/json",
        )
        .into_response());
    }
    let body: Bytes = axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the call is larger than {} MiB", MAX_BODY / 1024 / 1024),
            )
            .into_response()
        })?;
    // serde's messages quote the input; only its position is told.
    let call: Value = serde_json::from_slice(&body).map_err(|e| {
        bad(format!(
            "the call is not JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    if !call.is_object() {
        return Err(bad("the call is not a JSON object"));
    }
    match call["hook"].as_str() {
        Some("patient-view") => {}
        Some(_) => {
            return Err(bad(format!(
                "{PATIENT_VIEW} answers the patient-view hook only"
            )))
        }
        None => return Err(bad("the call has no hook")),
    }
    let patient_id = call["context"]["patientId"]
        .as_str()
        .ok_or_else(|| bad("the call's context has no patientId"))?;
    if !is_fhir_id(patient_id) {
        return Err(bad("context.patientId is not a FHIR id"));
    }
    // CDS Hooks: a prefetch key set to null is "fetched, and there was none".
    let prefetched = |key: &str, none: &str| match call["prefetch"].get(key) {
        Some(Value::Null) => Some(json!({ "resourceType": none })),
        other => other.cloned(),
    };
    let fhir = match (
        call["fhirServer"].as_str(),
        call["fhirAuthorization"]["access_token"].as_str(),
    ) {
        (Some(server), Some(token)) => Some((server.to_string(), token.to_string())),
        _ => None,
    };
    Ok(Call {
        patient_id: patient_id.to_string(),
        patient: prefetched("patient", "Patient"),
        conditions: prefetched("conditions", "Bundle"),
        fhir,
    })
}

/// A FHIR resource id: letters, digits, `-` and `.`, at most 64.
fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn unavailable(why: impl Into<String>) -> Response {
    Problem::new(StatusCode::PRECONDITION_FAILED, why).into_response()
}

/// The problem codes and language, from the prefetch or else the FHIR server.
async fn facts(call: Call) -> Result<Facts, Response> {
    let mut patient = call.patient.as_ref().and_then(fhir::patient);
    let mut codes = call
        .conditions
        .as_ref()
        .and_then(fhir::active_problem_codes);
    if patient.is_none() || codes.is_none() {
        let Some((server, token)) = call.fhir else {
            return Err(unavailable(
                "the call has no prefetched patient and conditions, and no fhirServer and \
                 fhirAuthorization to read them from",
            ));
        };
        let (need_patient, need_conditions) = (patient.is_none(), codes.is_none());
        let id = call.patient_id;
        let reading = tokio::task::spawn_blocking(move || {
            fetch::read(&server, &token, &id, need_patient, need_conditions)
        });
        // Within the budget, or the request's own timeout would answer 503 first.
        let read = tokio::time::timeout(fetch::BUDGET, reading)
            .await
            .map_err(|_| unavailable("the FHIR server took too long"))?
            .map_err(|_| unavailable("the FHIR server could not be read"))?
            .map_err(unavailable)?;
        if need_patient {
            // A patient the server does not have is read as one with no language.
            patient = Some(
                read.patient
                    .as_ref()
                    .and_then(fhir::patient)
                    .unwrap_or_default(),
            );
        }
        if need_conditions {
            codes = Some(
                read.conditions
                    .as_ref()
                    .and_then(fhir::active_problem_codes)
                    .unwrap_or_default(),
            );
        }
    }
    Ok(Facts {
        codes: codes.unwrap_or_default(),
        language: patient.and_then(|p| p.language().map(str::to_string)),
    })
}

/// One card per handout for the codes, in the patient's language or else English.
fn cards(app: &App, facts: &Facts, base: &str) -> Value {
    if facts.codes.is_empty() {
        return json!({ "cards": [] });
    }
    let desk = app.desk();
    let question = Question {
        codes: facts.codes.iter().map(|c| (c.clone(), None)).collect(),
        recipient: Some("PAT".to_string()),
        language: Some(facts.language.clone().unwrap_or_else(|| "en".to_string())),
        response_type: None,
    };
    let answer = question.answer(&desk);
    let source = source_label(app);
    let cards: Vec<Value> = answer
        .found
        .iter()
        .map(|entry| {
            let meta = &entry.handout.meta;
            let (pdf, desk_link) = infobutton::links(entry);
            let mut detail = infobutton::summary(entry);
            let summary = match &answer.fell_back_from {
                Some(wanted) => {
                    detail.push_str(&format!(
                        "\n\nNo handout in the patient's language ({wanted}) for this problem: \
                         this one is in {}.",
                        meta.language
                    ));
                    format!("Patient handout ({}, none in {wanted}): {}", meta.language, meta.title)
                }
                None => format!("Patient handout: {}", meta.title),
            };
            json!({
                "summary": shorten(&summary, MAX_SUMMARY),
                "detail": detail,
                "indicator": "info",
                "source": { "label": source },
                "links": [
                    { "label": format!("Print: {}", shorten(&meta.title, 100)), "url": format!("{base}{pdf}"), "type": "absolute" },
                    { "label": "Choose sections and print", "url": format!("{base}{desk_link}"), "type": "absolute" },
                ],
            })
        })
        .collect();
    json!({ "cards": cards })
}

/// The clinic's name when the server has one clinic's profile, else the tool's.
fn source_label(app: &App) -> String {
    let desk = app.desk();
    let mut clinics = desk
        .profiles
        .values()
        .filter_map(|p| p.profile.clinic.as_ref().map(|c| c.name.clone()));
    match (clinics.next(), clinics.next()) {
        (Some(only), None) => only,
        _ => "Patient handouts (handout serve)".to_string(),
    }
}

/// At most `max` characters, cut at a character and ended with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_cut_at_a_character() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "ab…");
        let long = "é".repeat(200);
        assert_eq!(shorten(&long, MAX_SUMMARY).chars().count(), MAX_SUMMARY);
    }

    #[test]
    fn fhir_ids_are_plain() {
        assert!(is_fhir_id("pat-1.2"));
        assert!(!is_fhir_id(""));
        assert!(!is_fhir_id("../x"));
        assert!(!is_fhir_id("a?b"));
        assert!(!is_fhir_id(&"a".repeat(65)));
    }
}

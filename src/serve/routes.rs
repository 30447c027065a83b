//! The routes: the clinician's page and its assets, the JSON API, and PDFs and web
//! pages by link.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::desk::BuildRequest;
use super::guard::{self, SESSION_COOKIE};
use super::infobutton::{Format, Question};
use super::problem::Problem;
use super::App;
use crate::catalog::{matches_code, ListEntry};
use crate::fhir::PatientReference;
use crate::fonts::Face;
use crate::library;
use crate::vocabulary::Paper;

/// The largest request body taken: a request holds options and a few notes.
pub const MAX_BODY: usize = 256 * 1024;

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");
const OPENAPI: &str = include_str!("assets/openapi.json");

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/assets/{file}", get(asset))
        .route("/assets/logos/{profile}", get(logo))
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/handouts", get(handouts))
        .route("/api/v1/profiles", get(profiles))
        .route("/api/v1/status", get(status))
        .route("/api/v1/pdf", post(pdf))
        .route("/api/v1/preview", post(preview))
        .route("/api/v1/html", post(html))
        .route("/api/v1/document-reference", post(document_reference))
        .route("/handouts/{file}", get(linked_pdf))
        .route("/infobutton", get(infobutton))
        .merge(super::cds::routes())
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "no such page") })
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            guard::guard,
        ))
        .with_state(app)
}

fn with_type(body: impl Into<Body>, content_type: &'static str) -> Response {
    let mut response = Response::new(body.into());
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The clinician's page. In token mode, the start address `/?token=…` sets the session
/// cookie and sends the browser on to `/`, so the token leaves the address bar.
async fn index(
    State(app): State<Arc<App>>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    if let (Some(token), Some(given)) = (&app.token, query.get("token")) {
        if !guard::same(given.as_bytes(), token.as_bytes()) {
            return Problem::new(StatusCode::UNAUTHORIZED, "that start address is not valid")
                .into_response();
        }
        let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
        let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
        return response;
    }
    with_type(INDEX, "text/html; charset=utf-8")
}

async fn asset(Path(file): Path<String>) -> Response {
    let mut response = match file.as_str() {
        "app.js" => with_type(SCRIPT, "text/javascript; charset=utf-8"),
        "app.css" => with_type(STYLE, "text/css; charset=utf-8"),
        name => {
            // Only the bundled faces, by their own names: nothing in a URL is a path.
            let face = Face::ALL
                .into_iter()
                .find(|f| name.strip_suffix(".ttf") == Some(f.name()));
            match face.and_then(Face::bundled_bytes) {
                Some(bytes) => with_type(bytes, "font/ttf"),
                None => {
                    return Problem::new(StatusCode::NOT_FOUND, "no such asset").into_response()
                }
            }
        }
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// A profile's logo, for the preview: named by the profile's id, as loaded.
async fn logo(State(app): State<Arc<App>>, Path(profile): Path<String>) -> Response {
    let desk = app.desk();
    match desk
        .profiles
        .get(&profile)
        .and_then(|p| p.profile.logo.as_ref())
    {
        Some(logo) => with_type(logo.file.to_vec(), logo.media_type),
        None => Problem::new(StatusCode::NOT_FOUND, "no such logo").into_response(),
    }
}

/// The OpenAPI document, with the ids this server has: the handouts, their PDF and web
/// page files and the profiles are enumerated, so a client (or a fuzzer) can name them.
async fn openapi(State(app): State<Arc<App>>) -> Response {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(OPENAPI) else {
        return Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the OpenAPI document is broken",
        )
        .into_response();
    };
    let desk = app.desk();
    let ids: Vec<&str> = desk.library.ids();
    let files: Vec<String> = ids
        .iter()
        .flat_map(|id| [format!("{id}.pdf"), format!("{id}.html")])
        .collect();
    let profiles: Vec<&String> = desk.profiles.keys().collect();
    // A profile may also be given as null, which is no profile.
    let mut nullable: Vec<serde_json::Value> =
        profiles.iter().map(|p| serde_json::json!(p)).collect();
    nullable.push(serde_json::Value::Null);
    for schema in ["BuildRequest", "DocumentReferenceRequest"] {
        let build = &mut doc["components"]["schemas"][schema]["properties"];
        build["handout"]["enum"] = serde_json::json!(ids);
        build["profile"]["enum"] = serde_json::Value::Array(nullable.clone());
    }
    for parameter in doc["paths"]["/handouts/{file}"]["get"]["parameters"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        match parameter["name"].as_str() {
            Some("file") => parameter["schema"]["enum"] = serde_json::json!(files),
            Some("profile") => parameter["schema"]["enum"] = serde_json::json!(profiles),
            _ => {}
        }
    }
    json(&doc)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HandoutQuery {
    code: Option<String>,
    language: Option<String>,
}

/// What `handout list --json` gives, for the handouts that match.
async fn handouts(
    State(app): State<Arc<App>>,
    query: Result<Query<HandoutQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return Problem::new(
            StatusCode::BAD_REQUEST,
            "the handout list takes code and language, nothing else",
        )
        .into_response();
    };
    let today = crate::dates::today();
    let desk = app.desk();
    let entries: Vec<ListEntry> = desk
        .library
        .entries()
        .filter(|e| {
            query
                .code
                .as_deref()
                .is_none_or(|c| matches_code(&e.handout, c))
        })
        .filter(|e| {
            query
                .language
                .as_deref()
                .is_none_or(|l| library::is_in_language(&e.handout, l))
        })
        .map(|e| ListEntry::of(e, today))
        .collect();
    json(&entries)
}

async fn profiles(State(app): State<Arc<App>>) -> Response {
    let desk = app.desk();
    let list: Vec<serde_json::Value> = desk
        .profiles
        .iter()
        .map(|(id, p)| {
            serde_json::json!({
                "id": id,
                "clinic": p.profile.clinic.as_ref().map(|c| c.name.clone()),
            })
        })
        .collect();
    json(&list)
}

/// What is served: the counts, and the mistakes of an edit `--watch` could not load.
async fn status(State(app): State<Arc<App>>) -> Response {
    let desk = app.desk();
    json(&serde_json::json!({
        "handouts": desk.library.len(),
        "profiles": desk.profiles.len(),
        "mistakes": app.mistakes(),
    }))
}

fn json(value: &impl serde::Serialize) -> Response {
    match serde_json::to_string(value) {
        Ok(text) => with_type(text, "application/json"),
        Err(e) => Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Reads a JSON request, at most [`MAX_BODY`] bytes.
async fn build_request<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    request: Request,
) -> Result<T, Problem> {
    if media_type(headers).as_deref() != Some("application/json") {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the options as application/json",
        ));
    }
    json_body(request).await
}

/// The request's media type, lower case, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}

async fn json_body<T: serde::de::DeserializeOwned>(request: Request) -> Result<T, Problem> {
    let body: Bytes = axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request is larger than {} KiB", MAX_BODY / 1024),
            )
        })?;
    serde_json::from_slice(&body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            format!("the request is not valid: {e}"),
        )
    })
}

fn pdf_response(pdf: Vec<u8>, file_name: &str) -> Response {
    let mut response = with_type(pdf, "application/pdf");
    // Inline, for the browser's print; the name carries no patient data.
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn pdf(State(app): State<Arc<App>>, headers: HeaderMap, request: Request) -> Response {
    let request = match build_request(&headers, request).await {
        Ok(r) => r,
        Err(problem) => return problem.into_response(),
    };
    match app.desk().pdf(&request) {
        Ok((built, name)) => {
            let fit = built.fit();
            let mut response = pdf_response(built.pdf, &name);
            // The body is the PDF: how it met its page target travels in a header.
            if let Ok(value) = serde_json::to_string(&fit)
                .map_err(drop)
                .and_then(|v| HeaderValue::from_str(&v).map_err(drop))
            {
                response.headers_mut().insert(FIT_HEADER, value);
            }
            response
        }
        Err(err) => Problem::from(err).into_response(),
    }
}

/// `POST /api/v1/document-reference`: the PDF of `/api/v1/pdf` for the same body, filed
/// to the chart as `handout build --format fhir --subject` files it. `subject`, the only
/// field besides the build request's, is taken off before the rest is read as one, so an
/// unknown field is refused with the same words as `/api/v1/pdf` gives.
async fn document_reference(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let (request, subject) = match filing_request(&headers, request).await {
        Ok(filing) => filing,
        Err(problem) => return problem.into_response(),
    };
    match app.desk().document_reference(&request, subject.as_ref()) {
        // It holds the PDF with the patient's details: the guard marks it no-store.
        Ok((json, name)) => {
            let mut response = with_type(json, "application/fhir+json");
            // For the desk's download; the name carries no patient data.
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(err) => Problem::from(err).into_response(),
    }
}

async fn filing_request(
    headers: &HeaderMap,
    request: Request,
) -> Result<(BuildRequest, Option<PatientReference>), Problem> {
    let invalid = |why: String| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            format!("the request is not valid: {why}"),
        )
    };
    let Fields(mut body) = build_request(headers, request).await?;
    let subject = body.remove("subject");
    let request = serde_json::from_value(body.into()).map_err(|e| invalid(e.to_string()))?;
    let subject = match subject {
        None => None,
        Some(serde_json::Value::String(given)) => Some(
            subject_of(&given)
                .map_err(|why| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, why))?,
        ),
        Some(_) => return Err(invalid("subject must be a string, Patient/ID".to_string())),
    };
    Ok((request, subject))
}

/// A JSON object's fields, refused when one is given twice, as a build request's are: a
/// map would keep the last `subject` of two and file the PDF for whichever it was.
struct Fields(serde_json::Map<String, serde_json::Value>);

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Fields, A::Error> {
                let mut fields = serde_json::Map::new();
                while let Some((name, value)) = map.next_entry::<String, serde_json::Value>()? {
                    if fields.contains_key(&name) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate field `{name}`"
                        )));
                    }
                    fields.insert(name, value);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The patient a DocumentReference is filed for. The CLI forgives the spaces a shell
/// kept around `--subject`; the API's schema says `Patient/ID` exactly, and a server that
/// took more than its schema allows would be telling clients two things.
fn subject_of(given: &str) -> Result<PatientReference, String> {
    let reference: PatientReference = given.parse()?;
    if reference.as_str() == given {
        Ok(reference)
    } else {
        Err(format!(
            "{given:?} has white space around it; give the reference as Patient/ID, e.g. \
             Patient/12345"
        ))
    }
}

/// The form the desk opens a web page with: its build request, as JSON, in one field.
/// A form's answer is a page of its own with the page's own security policy; a page
/// opened from a script would run under the desk's, which refuses its inline style.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HtmlForm {
    request: String,
}

/// `POST /api/v1/html`: the handout as one web page, personal details and all. Takes
/// the JSON of `/api/v1/pdf`, or a form whose `request` field holds it.
async fn html(State(app): State<Arc<App>>, headers: HeaderMap, request: Request) -> Response {
    let request = match media_type(&headers).as_deref() {
        Some("application/json") => json_body(request).await,
        Some("application/x-www-form-urlencoded") => {
            match axum::body::to_bytes(request.into_body(), MAX_BODY).await {
                Err(_) => Err(Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the request is larger than {} KiB", MAX_BODY / 1024),
                )),
                Ok(body) => form_request(body).await,
            }
        }
        _ => Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the options as application/json (or as a form with a request field)",
        )),
    };
    let request = match request {
        Ok(r) => r,
        Err(problem) => return problem.into_response(),
    };
    match app.desk().html(&request) {
        // Patient details: the guard marks every answer no-store.
        Ok((page, name)) => html_response(page, &name),
        Err(err) => Problem::from(err).into_response(),
    }
}

async fn form_request(body: Bytes) -> Result<BuildRequest, Problem> {
    use axum::extract::FromRequest;
    let bad = |why: String| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            format!("the request is not valid: {why}"),
        )
    };
    let mut request = Request::new(Body::from(body));
    *request.method_mut() = axum::http::Method::POST;
    request.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let axum::Form(HtmlForm { request }) = axum::Form::<HtmlForm>::from_request(request, &())
        .await
        .map_err(|e| bad(e.body_text()))?;
    serde_json::from_str(&request).map_err(|e| bad(e.to_string()))
}

/// The policy of a handout's web page: no script, nothing fetched, its own inline
/// stylesheet and its logo as a `data:` image.
const HTML_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
    form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

fn html_response(page: String, file_name: &str) -> Response {
    let mut response = with_type(page, "text/html; charset=utf-8");
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(HTML_POLICY),
    );
    // Shown in the browser; the name, for saving it, carries no patient data.
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The response header of `POST /api/v1/pdf` that gives how the PDF met its page
/// target, as JSON: `{"target":1,"pages":1,"body_pt":11.5}`.
pub const FIT_HEADER: &str = "handout-fit";

async fn preview(State(app): State<Arc<App>>, headers: HeaderMap, request: Request) -> Response {
    let request = match build_request(&headers, request).await {
        Ok(r) => r,
        Err(problem) => return problem.into_response(),
    };
    match app.desk().preview(&request) {
        Ok(preview) => json(&serde_json::json!({
            "pages": preview.svg.len(),
            "fit": preview.fit,
            "warning": preview.warning,
            "stale": preview.stale,
            "svg": preview.svg,
            "mistakes": app.mistakes(),
        })),
        Err(err) => Problem::from(err).into_response(),
    }
}

/// The HL7 Infobutton responder: the handouts for the problem codes asked about.
async fn infobutton(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<BTreeMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = query else {
        return Problem::new(StatusCode::BAD_REQUEST, "the query cannot be read").into_response();
    };
    let question = match Question::parse(&params) {
        Ok(question) => question,
        Err(problem) => return problem.into_response(),
    };
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = Format::choose(question.response_type.as_deref(), accept);
    // The guard has checked that Host names this server.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let base = format!("http://{host}/");
    let desk = app.desk();
    let answer = question.answer(&desk);
    with_type(answer.render(format, &base), format.content_type())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkQuery {
    /// For a translation that shares its source's id.
    language: Option<String>,
    preset: Option<String>,
    sections: Option<String>,
    paper: Option<Paper>,
    #[serde(default)]
    large_print: bool,
    profile: Option<String>,
}

/// `GET /handouts/<id>.pdf?preset=brief`: a handout by link, as an EHR's infobutton
/// opens it; `<id>.html`, the same as a web page, as the printed QR code may open it.
/// A link carries no patient details, so none are taken.
async fn linked_pdf(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    query: Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (id, is_html) = match (file.strip_suffix(".pdf"), file.strip_suffix(".html")) {
        (Some(id), _) => (id, false),
        (None, Some(id)) => (id, true),
        (None, None) => {
            return Problem::new(
                StatusCode::NOT_FOUND,
                "handouts are at /handouts/<id>.pdf and /handouts/<id>.html",
            )
            .into_response()
        }
    };
    let Ok(Query(query)) = query else {
        return Problem::new(
            StatusCode::BAD_REQUEST,
            "a handout link takes language, preset or sections, paper, large_print and profile",
        )
        .into_response();
    };
    let request = BuildRequest {
        handout: id.to_string(),
        language: query.language,
        preset: query.preset,
        sections: query
            .sections
            .map(|s| s.split(',').map(str::to_string).collect()),
        paper: query.paper,
        large_print: query.large_print,
        profile: query.profile,
        ..BuildRequest::default()
    };
    if is_html {
        return match app.desk().html(&request) {
            Ok((page, name)) => html_response(page, &name),
            Err(err) => Problem::from(err).into_response(),
        };
    }
    match app.desk().pdf(&request) {
        Ok((built, name)) => pdf_response(built.pdf, &name),
        Err(err) => Problem::from(err).into_response(),
    }
}

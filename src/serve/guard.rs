//! What every request passes before a handler sees it, and every response gets:
//! the Host header must name this server (DNS rebinding); requests that build anything
//! must come from its own pages (no cross-site requests, no CORS); in token mode, what
//! carries patient details needs the token; strict headers on every response; one
//! access-log line that names no patient.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::problem::Problem;
use super::App;

/// The session cookie set by the token start URL.
pub const SESSION_COOKIE: &str = "handout_session";

const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The route's pattern, never the path itself, and never the query.
    let route = route_of(request.uri().path());
    // The start address `/?token=…` carries the token itself; the page checks it.
    let starts_session = route == "/"
        && request
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|pair| pair.starts_with("token=")));
    let mut response = match check(&app, &method, route, request.headers(), starts_session) {
        Ok(()) => next.run(request).await,
        Err(problem) => problem.into_response(),
    };
    secure(response.headers_mut());
    let bytes = axum::body::HttpBody::size_hint(response.body())
        .exact()
        .map_or_else(|| "-".to_string(), |n| n.to_string());
    if app.log {
        eprintln!(
            "{method} {route} {} {bytes} {:.1}ms",
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    response
}

fn check(
    app: &App,
    method: &Method,
    route: &str,
    headers: &HeaderMap,
    starts_session: bool,
) -> Result<(), Problem> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let Some(host) = host.filter(|h| app.hosts.iter().any(|allowed| allowed == h)) else {
        return Err(Problem::new(
            StatusCode::MISDIRECTED_REQUEST,
            "the Host header does not name this server; open it by the address it listens \
             on (or one given with --allow-host)",
        ));
    };
    let changes_or_builds = *method != Method::GET && *method != Method::HEAD;
    if changes_or_builds {
        let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if site.is_some_and(|s| s != "same-origin" && s != "none") {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "cross-site requests cannot build handouts",
            ));
        }
        // A form the desk submits under its no-referrer policy (how it opens the web
        // page) is sent with `Origin: null`; the browser's own Sec-Fetch-Site, which no
        // page can set, still says where it came from.
        let opaque_but_own = site == Some("same-origin");
        let origin = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .filter(|o| !(*o == "null" && opaque_but_own));
        if let Some(origin) = origin {
            let own = ["http://", "https://"]
                .iter()
                .any(|scheme| origin.eq_ignore_ascii_case(&format!("{scheme}{host}")));
            if !own {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "requests from other sites cannot build handouts",
                ));
            }
        }
    }
    if let Some(token) = &app.token {
        if carries_patient_details(route) && !starts_session && !presents(headers, token) {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "this server needs its token: send Authorization: Bearer <token>, or open the \
                 start address it printed",
            ));
        }
    }
    Ok(())
}

/// The pattern of the route a path belongs to: what the log names instead of the path.
pub fn route_of(path: &str) -> &'static str {
    match path {
        "/" => "/",
        "/healthz" => "/healthz",
        "/infobutton" => "/infobutton",
        "/api/openapi.json" => "/api/openapi.json",
        "/api/v1/handouts" => "/api/v1/handouts",
        "/api/v1/profiles" => "/api/v1/profiles",
        "/api/v1/status" => "/api/v1/status",
        "/api/v1/pdf" => "/api/v1/pdf",
        "/api/v1/preview" => "/api/v1/preview",
        "/api/v1/html" => "/api/v1/html",
        "/api/v1/document-reference" => "/api/v1/document-reference",
        "/cds-services" => "/cds-services",
        p if p.starts_with("/cds-services/") => "/cds-services/{id}",
        p if p.starts_with("/assets/logos/") => "/assets/logos/{profile}",
        p if p.starts_with("/assets/") => "/assets/{file}",
        p if p.starts_with("/handouts/") => "/handouts/{file}",
        _ => "(unknown)",
    }
}

/// Routes whose requests or pages can hold a patient's details.
fn carries_patient_details(route: &str) -> bool {
    matches!(
        route,
        "/" | "/api/v1/pdf" | "/api/v1/preview" | "/api/v1/html" | "/api/v1/document-reference"
    )
}

/// Whether the request carries the token, as a bearer token or the session cookie.
/// Compared in constant time.
fn presents(headers: &HeaderMap, token: &str) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
        .next();
    [bearer, cookie]
        .into_iter()
        .flatten()
        .any(|given| same(given.as_bytes(), token.as_bytes()))
}

/// Equal bytes, in a time that does not depend on where they first differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn secure(headers: &mut HeaderMap) {
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    // A handout's web page sets its own, stricter policy (no script at all, its one
    // inline stylesheet and data: logo); everything else gets the desk's.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        );
    }
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
}

//! Errors as `application/problem+json` (RFC 9457), carrying the CLI's own messages.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// A request that cannot be served, and why.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub detail: String,
    /// The valid choices, for a wrong section, preset, handout or profile.
    pub choices: Vec<String>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            detail: detail.into(),
            choices: Vec::new(),
        }
    }
}

impl From<Error> for Problem {
    fn from(err: Error) -> Problem {
        let detail = err.to_string();
        let (status, choices) = match err {
            Error::UnknownSection { valid, .. }
            | Error::UnknownPreset { valid, .. }
            | Error::ProfileChoice { valid, .. } => (StatusCode::UNPROCESSABLE_ENTITY, valid),
            Error::UnknownHandout { .. } => (StatusCode::NOT_FOUND, Vec::new()),
            Error::Pdf(_)
            | Error::DocumentReference(_)
            | Error::Read { .. }
            | Error::Output { .. }
            | Error::DiskFull { .. } => (StatusCode::INTERNAL_SERVER_ERROR, Vec::new()),
            _ => (StatusCode::UNPROCESSABLE_ENTITY, Vec::new()),
        };
        Problem {
            status,
            detail,
            choices,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "type": "about:blank",
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if !self.choices.is_empty() {
            body["choices"] = self.choices.into();
        }
        let mut response = (self.status, body.to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

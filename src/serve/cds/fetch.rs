//! Reads the Patient and its Conditions from the EHR's FHIR server, for a call that came
//! without them prefetched but with `fhirServer` and `fhirAuthorization` (CDS Hooks 2.0,
//! "FHIR Resource Access"). Blocking (ureq), so it runs off the async workers.
//!
//! The access token goes to the FHIR server the EHR named and nowhere else: redirects
//! are not followed, a next page must be on the same server, and plain http is taken only
//! for a server on this machine (an access token must not cross a network in the clear).

use std::time::Duration;

use serde_json::Value;

/// The longest the FHIR server may take over one request.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest all of them may take together: a call is answered (412) well within the
/// server's 30-second request timeout.
pub const BUDGET: Duration = Duration::from_secs(20);
/// The largest FHIR answer read.
const MAX_ANSWER: u64 = 8 * 1024 * 1024;
/// Pages of Conditions read at most: a patient's problem list fits in a few.
const MAX_PAGES: usize = 5;

/// What was read. A resource the server did not have (404, 410) is `None`.
pub struct Read {
    pub patient: Option<Value>,
    pub conditions: Option<Value>,
}

/// Why reading failed, in words that name no patient.
pub type Failure = String;

/// Whether `base` is an address this server may send an access token to.
pub fn usable_base(base: &str) -> Result<&str, Failure> {
    let base = base.trim_end_matches('/');
    let (scheme, rest) = base
        .split_once("://")
        .ok_or("fhirServer is not an http(s) URL")?;
    let host_port = rest.split('/').next().unwrap_or_default();
    if host_port.is_empty() || host_port.contains('@') {
        return Err("fhirServer is not an http(s) URL".into());
    }
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(base),
        "http" if loopback => Ok(base),
        "http" => Err(
            "fhirServer is plain http: the access token would cross the network \
                       unencrypted; only https is used off this machine"
                .into(),
        ),
        _ => Err("fhirServer is not an http(s) URL".into()),
    }
}

/// Reads what is missing of the Patient `id` and its Conditions from `base`.
pub fn read(
    base: &str,
    access_token: &str,
    id: &str,
    need_patient: bool,
    need_conditions: bool,
) -> Result<Read, Failure> {
    let base = usable_base(base)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("handout/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let get = |url: &str| -> Result<Option<Value>, Failure> {
        let mut response = agent
            .get(url)
            .header("Accept", "application/fhir+json")
            .header("Authorization", &format!("Bearer {access_token}"))
            .call()
            .map_err(|e| format!("the FHIR server could not be read: {}", kind(&e)))?;
        match response.status().as_u16() {
            200 => {}
            404 | 410 => return Ok(None),
            status => return Err(format!("the FHIR server answered {status}")),
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .map_err(|e| format!("the FHIR server's answer could not be read: {}", kind(&e)))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| "the FHIR server's answer is not JSON".to_string())
    };
    let patient = if need_patient {
        get(&format!("{base}/Patient/{id}"))?
    } else {
        None
    };
    let conditions = if need_conditions {
        let mut url = format!("{base}/Condition?patient={id}");
        let mut entries: Vec<Value> = Vec::new();
        let mut found = false;
        for _ in 0..MAX_PAGES {
            let Some(page) = get(&url)? else { break };
            found = true;
            let next = crate::fhir::next_page(&page).map(str::to_string);
            if let Some(more) = page["entry"].as_array() {
                entries.extend(more.iter().cloned());
            }
            match next {
                Some(next)
                    if next.starts_with(&format!("{base}/"))
                        || next.starts_with(&format!("{base}?")) =>
                {
                    url = next;
                }
                _ => break,
            }
        }
        found.then(|| serde_json::json!({ "resourceType": "Bundle", "type": "searchset", "entry": entries }))
    } else {
        None
    };
    Ok(Read {
        patient,
        conditions,
    })
}

/// What went wrong, without the URL (which holds the patient's id).
fn kind(err: &ureq::Error) -> &'static str {
    const TLS: &str = "its TLS certificate is not trusted, or the TLS handshake failed \
                       (the public CAs' roots are trusted, as browsers trust them)";
    match err {
        ureq::Error::Timeout(_) => "it took too long",
        ureq::Error::Rustls(_) | ureq::Error::Tls(_) => TLS,
        // rustls reports a failed handshake through the stream, as invalid data.
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => TLS,
        ureq::Error::Io(_) | ureq::Error::ConnectionFailed => "no connection",
        ureq::Error::HostNotFound => "its host name is not known",
        ureq::Error::BodyExceedsLimit(_) => "the answer is too large",
        _ => "the exchange failed (TLS, or not HTTP)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_over_https_or_to_this_machine_only() {
        assert_eq!(
            usable_base("https://ehr.example/fhir/r4/"),
            Ok("https://ehr.example/fhir/r4")
        );
        assert!(usable_base("http://127.0.0.1:8080/fhir").is_ok());
        assert!(usable_base("http://localhost/fhir").is_ok());
        assert!(usable_base("http://[::1]:9/fhir").is_ok());
        assert!(usable_base("http://ehr.example/fhir")
            .unwrap_err()
            .contains("plain http"));
        assert!(usable_base("http://localhost@ehr.example/fhir").is_err());
        assert!(usable_base("ftp://ehr.example/fhir").is_err());
        assert!(usable_base("ehr.example").is_err());
    }
}

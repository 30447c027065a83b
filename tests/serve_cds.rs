//! The CDS Hooks service of `handout serve` as an EHR calls it: tokens signed with
//! PyJWT and cryptography (tests/cds/ehr.py) as real CDS clients sign them, the patient
//! and conditions prefetched or read from a FHIR server the test starts, and every way a
//! call can be wrong.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::server::{problem, Reply, Server};
use serde_json::{json, Value};

const ISSUER: &str = "https://ehr.example.org";
const OTHER_ISSUER: &str = "https://other-ehr.example.org";
const SERVICE: &str = "/cds-services/patient-handouts";
/// What no URL, card link or log line may hold.
const PATIENT_ID: &str = "pat-es-7731";
const PATIENT_NAME: &str = "Delgado-Quintero";

fn ehr_py() -> std::path::PathBuf {
    common::root().join("tests/cds/ehr.py")
}

/// Key pairs and JWKS files of two trusted EHRs (and a stranger's key) in `dir`.
fn make_keys(dir: &Path) {
    let out = Command::new(common::tools_python())
        .arg(ehr_py())
        .arg("keys")
        .arg(dir)
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}", common::stderr(&out));
}

/// Tokens signed as the specs say, by one Python process.
fn mint(dir: &Path, specs: &[Value]) -> Vec<String> {
    let mut child = Command::new(common::tools_python())
        .arg(ehr_py())
        .arg("tokens")
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::from(specs.to_vec()).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A well-formed ES384 token for `server`'s service, changed by `change`.
fn spec(server: &Server, change: Value) -> Value {
    let mut spec = json!({
        "key": "es",
        "alg": "ES384",
        "headers": { "kid": "ehr-es", "typ": "JWT" },
        "claims": {
            "iss": ISSUER,
            "sub": "ehr-client-1",
            "aud": format!("http://{}{SERVICE}", server.host()),
        },
        "exp_in": 240,
        "iat_in": 0,
    });
    spec["claims"]["jti"] = json!(format!("jti-{}", change));
    merge(&mut spec, change);
    spec
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (k, v) in from {
                if v.is_null() {
                    into.remove(&k);
                } else {
                    merge(into.entry(k).or_insert(Value::Null), v);
                }
            }
        }
        (into, from) => *into = from,
    }
}

fn start(dir: &Path, extra: &[&str]) -> Server {
    let ehr = format!("{ISSUER}={}", dir.join("ehr-jwks.json").display());
    let other = format!("{OTHER_ISSUER}={}", dir.join("other-jwks.json").display());
    let mut args = vec!["--cds-client", &ehr, "--cds-client", &other];
    args.extend_from_slice(extra);
    Server::start(&args)
}

fn call(server: &Server, token: Option<&str>, body: &[u8]) -> Reply {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(b) = &bearer {
        headers.push(("Authorization", b.as_str()));
    }
    server.request("POST", SERVICE, &headers, body)
}

fn patient(id: &str, languages: &[(&str, bool)]) -> Value {
    let communication: Vec<Value> = languages
        .iter()
        .map(|(code, preferred)| {
            json!({
                "language": { "coding": [{ "system": "urn:ietf:bcp:47", "code": code }] },
                "preferred": preferred,
            })
        })
        .collect();
    json!({
        "resourceType": "Patient",
        "id": id,
        "name": [{ "family": PATIENT_NAME, "given": ["Rosa"] }],
        "birthDate": "1961-04-02",
        "communication": communication,
    })
}

fn condition(code: &str, system: &str, clinical: &str, verification: &str) -> Value {
    json!({
        "resourceType": "Condition",
        "subject": { "reference": format!("Patient/{PATIENT_ID}") },
        "clinicalStatus": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": clinical }] },
        "verificationStatus": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": verification }] },
        "code": { "coding": [{ "system": system, "code": code }] },
    })
}

const ICD10: &str = "http://hl7.org/fhir/sid/icd-10-cm";

fn bundle(conditions: Vec<Value>) -> Value {
    let entries: Vec<Value> = conditions
        .into_iter()
        .map(|c| json!({ "resource": c }))
        .collect();
    json!({ "resourceType": "Bundle", "type": "searchset", "entry": entries })
}

fn hook_call(id: &str, prefetch: Option<Value>) -> Value {
    let mut call = json!({
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": { "userId": "Practitioner/example", "patientId": id },
    });
    if let Some(prefetch) = prefetch {
        call["prefetch"] = prefetch;
    }
    call
}

/// The cards' handouts by the id in their PDF link, each card checked against CDS Hooks.
fn handouts_of(server: &Server, reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let answer = reply.json();
    let origin = format!("http://{}/", server.host());
    let mut ids = Vec::new();
    for card in answer["cards"].as_array().expect("cards") {
        let summary = card["summary"].as_str().unwrap();
        assert!(summary.chars().count() <= 140, "{summary}");
        assert_eq!(card["indicator"], "info");
        assert!(!card["source"]["label"].as_str().unwrap().is_empty());
        let links = card["links"].as_array().unwrap();
        assert_eq!(links.len(), 2, "{card}");
        for link in links {
            assert_eq!(link["type"], "absolute");
            let url = link["url"].as_str().unwrap();
            assert!(url.starts_with(&origin), "{url}");
            assert!(
                !url.contains(PATIENT_ID) && !url.contains("Rosa") && !url.contains(PATIENT_NAME),
                "{url}"
            );
        }
        let pdf = links[0]["url"].as_str().unwrap();
        let path = &pdf[origin.len() - 1..];
        let opened = server.get(path);
        assert_eq!(opened.status, 200, "{path}: {}", opened.text());
        assert_eq!(opened.header("content-type"), Some("application/pdf"));
        let desk = links[1]["url"].as_str().unwrap();
        let id = path
            .trim_start_matches("/handouts/")
            .split(".pdf")
            .next()
            .unwrap()
            .to_string();
        // The desk link names the handout and its language (a translation shares its id).
        let language = path
            .split("language=")
            .nth(1)
            .expect("the PDF link names the language");
        assert_eq!(desk, format!("{origin}?handout={id}&language={language}"));
        // Named as its file would be: the id, and the language after it when not English.
        ids.push(if language.starts_with("en") {
            id
        } else {
            format!("{id}-{language}")
        });
    }
    ids
}

#[test]
fn discovery_lists_the_patient_view_service_with_its_prefetch() {
    let server = Server::start(&[]);
    let reply = server.get("/cds-services");
    assert_eq!(reply.status, 200, "{}", reply.text());
    let services = reply.json()["services"].clone();
    assert_eq!(services.as_array().unwrap().len(), 1);
    let service = &services[0];
    assert_eq!(service["hook"], "patient-view");
    assert_eq!(service["id"], "patient-handouts");
    assert!(service["title"].is_string() && service["description"].is_string());
    assert_eq!(
        service["prefetch"]["patient"],
        "Patient/{{context.patientId}}"
    );
    assert_eq!(
        service["prefetch"]["conditions"],
        "Condition?patient={{context.patientId}}"
    );
    // With no EHR trusted, every call is refused.
    let refused = call(&server, None, hook_call("x", None).to_string().as_bytes());
    problem(&refused, 401);
}

#[test]
fn active_problems_get_cards_in_the_patients_language_and_nothing_reaches_the_log() {
    let dir = common::scratch("cds-cards");
    make_keys(&dir);
    let server = start(&dir, &[]);
    let tokens = mint(
        &dir,
        &[
            spec(&server, json!({ "claims": { "jti": "spanish" } })),
            // RSA, as some EHRs sign, and two audiences.
            spec(
                &server,
                json!({ "key": "rs", "alg": "RS384", "headers": { "kid": "ehr-rs" },
                        "claims": { "jti": "vietnamese",
                                    "aud": ["https://elsewhere.example/cds-services",
                                            format!("http://{}{SERVICE}", server.host())] } }),
            ),
            spec(&server, json!({ "claims": { "jti": "somali" } })),
            spec(&server, json!({ "claims": { "jti": "nothing" } })),
            spec(&server, json!({ "claims": { "jti": "nulls" } })),
        ],
    );
    let conditions = bundle(vec![
        condition("M48.061", ICD10, "active", "confirmed"),
        condition("E11.9", ICD10, "resolved", "confirmed"),
    ]);

    let spanish = hook_call(
        PATIENT_ID,
        Some(json!({
            "patient": patient(PATIENT_ID, &[("en", false), ("es-MX", true)]),
            "conditions": conditions,
        })),
    );
    let reply = call(&server, Some(&tokens[0]), spanish.to_string().as_bytes());
    assert_eq!(
        handouts_of(&server, &reply),
        ["l3-l4-foraminal-narrowing-es"]
    );
    let card = &reply.json()["cards"][0];
    assert!(card["summary"]
        .as_str()
        .unwrap()
        .contains("Aberturas estrechas"));
    assert_eq!(
        card["source"]["label"].as_str().map(str::is_empty),
        Some(false)
    );

    let vietnamese = hook_call(
        "pat-vi-42",
        Some(json!({
            "patient": patient("pat-vi-42", &[("vi", false)]),
            "conditions": bundle(vec![condition("M47.816", ICD10, "recurrence", "confirmed")]),
        })),
    );
    let reply = call(&server, Some(&tokens[1]), vietnamese.to_string().as_bytes());
    assert_eq!(
        handouts_of(&server, &reply),
        ["l3-l4-foraminal-narrowing-vi"]
    );

    // No handout in Somali: the English one, and the card says so.
    let somali = hook_call(
        "pat-so-1",
        Some(json!({
            "patient": patient("pat-so-1", &[("so", true)]),
            "conditions": bundle(vec![condition("M54.16", ICD10, "active", "confirmed")]),
        })),
    );
    let reply = call(&server, Some(&tokens[2]), somali.to_string().as_bytes());
    assert_eq!(handouts_of(&server, &reply), ["l3-l4-foraminal-narrowing"]);
    let card = &reply.json()["cards"][0];
    assert!(
        card["summary"].as_str().unwrap().contains("none in so"),
        "{card}"
    );
    assert!(card["detail"].as_str().unwrap().contains("(so)"), "{card}");

    // Resolved, inactive, entered in error, refuted, another code system, unrelated.
    let nothing = hook_call(
        PATIENT_ID,
        Some(json!({
            "patient": patient(PATIENT_ID, &[("es", true)]),
            "conditions": bundle(vec![
                condition("M48.061", ICD10, "resolved", "confirmed"),
                condition("M48.062", ICD10, "inactive", "confirmed"),
                condition("M54.16", ICD10, "active", "entered-in-error"),
                condition("M47.816", ICD10, "active", "refuted"),
                condition("M48.061", "http://snomed.info/sct", "active", "confirmed"),
                condition("E11.9", ICD10, "active", "confirmed"),
            ]),
        })),
    );
    let reply = call(&server, Some(&tokens[3]), nothing.to_string().as_bytes());
    assert_eq!(reply.json(), json!({ "cards": [] }));
    // Prefetched as null: the EHR found none.
    let nulls = hook_call(
        PATIENT_ID,
        Some(json!({ "patient": null, "conditions": null })),
    );
    let reply = call(&server, Some(&tokens[4]), nulls.to_string().as_bytes());
    assert_eq!(reply.json(), json!({ "cards": [] }));

    let (_, log) = server.stop();
    let log = log.join("\n");
    assert!(log.contains("POST /cds-services/{id} 200"), "{log}");
    for secret in [
        PATIENT_ID,
        "pat-vi-42",
        PATIENT_NAME,
        "Rosa",
        "M48.061",
        "M47.816",
        "E11.9",
        "1961",
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}

#[test]
fn every_bad_token_is_refused_and_none_can_be_replayed() {
    let dir = common::scratch("cds-tokens");
    make_keys(&dir);
    let server = start(&dir, &[]);
    let own = format!("http://{}{SERVICE}", server.host());
    // Each with the reason it must be refused for, so that none passes by another flaw.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "alg none",
            json!({ "alg": "none", "key": null }),
            "not a JWT signed",
        ),
        (
            "HMAC with the public key",
            json!({ "alg": "HS384", "key": null }),
            "not the one of its key",
        ),
        (
            "RS384 claimed for the ES384 key",
            json!({ "alg": "RS384", "key": "rs" }),
            "not the one of its key",
        ),
        (
            "unknown kid",
            json!({ "headers": { "kid": "ehr-9" } }),
            "kid is not among",
        ),
        ("no kid", json!({ "headers": { "kid": null } }), "no kid"),
        (
            "signed by a stranger",
            json!({ "key": "stranger" }),
            "signature does not verify",
        ),
        (
            "issuer not trusted",
            json!({ "claims": { "iss": "https://evil.example" } }),
            "not a trusted",
        ),
        (
            "another trusted issuer's name",
            json!({ "claims": { "iss": OTHER_ISSUER } }),
            "kid is not among",
        ),
        (
            "another audience",
            json!({ "claims": { "aud": "https://elsewhere.example/cds-services/patient-handouts" } }),
            "aud",
        ),
        (
            "no audience",
            json!({ "claims": { "aud": null } }),
            "claims need",
        ),
        ("expired", json!({ "exp_in": -120 }), "expired"),
        ("no exp", json!({ "exp_in": null }), "claims need"),
        (
            "exp as a string",
            json!({ "exp_in": null, "claims": { "exp": "9999999999" } }),
            "claims need",
        ),
        ("lives an hour", json!({ "exp_in": 3600 }), "five minutes"),
        ("not valid yet", json!({ "nbf_in": 600 }), "not valid yet"),
        ("no jti", json!({ "claims": { "jti": null } }), "no jti"),
        // CVE-2026-25537: a claim of the wrong type must not count as absent.
        (
            "nbf as a string",
            json!({ "claims": { "nbf": "99999999999" } }),
            "not a number",
        ),
        (
            "signed by a stranger who names his own keys",
            json!({ "key": "stranger", "headers": { "jku": "https://evil.example/jwks" } }),
            "signature does not verify",
        ),
    ];
    let mut specs: Vec<Value> = cases
        .iter()
        .map(|(_, change, _)| spec(&server, change.clone()))
        .collect();
    // CDS Hooks lets the EHR name its JWKS's address: read past, the keys are the file's.
    specs.push(spec(
        &server,
        json!({ "claims": { "jti": "once" }, "headers": { "jku": "https://ehr.example.org/jwks" } }),
    ));
    let tokens = mint(&dir, &specs);
    let body = hook_call("p1", Some(json!({ "patient": null, "conditions": null }))).to_string();
    for ((why, _, reason), token) in cases.iter().zip(&tokens) {
        let reply = call(&server, Some(token), body.as_bytes());
        assert_eq!(reply.status, 401, "{why}: {}", reply.text());
        let refused = problem(&reply, 401);
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Bearer error=\"invalid_token\""),
            "{why}"
        );
        let detail = refused["detail"].as_str().unwrap();
        assert!(detail.contains(reason), "{why}: {detail}");
    }
    for bad in [
        "",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not.a.jwt",
        "Bearer e30.e30.e30",
    ] {
        let reply = server.request(
            "POST",
            SERVICE,
            &[("Content-Type", "application/json"), ("Authorization", bad)],
            body.as_bytes(),
        );
        problem(&reply, 401);
    }
    problem(&call(&server, None, body.as_bytes()), 401);

    let once = tokens.last().unwrap();
    let first = call(&server, Some(once), body.as_bytes());
    assert_eq!(first.status, 200, "{}", first.text());
    let again = problem(&call(&server, Some(once), body.as_bytes()), 401);
    assert!(again["detail"].as_str().unwrap().contains("used before"));
    // The audience may also be the service's base, by the https a proxy would add.
    let base = mint(
        &dir,
        &[spec(
            &server,
            json!({ "claims": { "aud": own.replace("http://", "https://").replace("/patient-handouts", "") } }),
        )],
    );
    assert_eq!(call(&server, Some(&base[0]), body.as_bytes()).status, 200);
}

#[test]
fn bad_calls_are_problems_never_server_errors() {
    let dir = common::scratch("cds-bodies");
    make_keys(&dir);
    let server = start(&dir, &[]);
    let specs: Vec<Value> = (0..8)
        .map(|i| spec(&server, json!({ "claims": { "jti": format!("body-{i}") } })))
        .collect();
    let tokens = mint(&dir, &specs);
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (b"{not json".to_vec(), 400),
        (b"[1, 2]".to_vec(), 400),
        (
            json!({ "hook": "order-sign", "context": { "patientId": "p1" } })
                .to_string()
                .into_bytes(),
            400,
        ),
        (
            json!({ "hook": "patient-view", "context": {} })
                .to_string()
                .into_bytes(),
            400,
        ),
        (
            json!({ "hook": "patient-view", "context": { "patientId": "../../etc" } })
                .to_string()
                .into_bytes(),
            400,
        ),
        // Neither prefetch nor a FHIR server to read from.
        (hook_call("p1", None).to_string().into_bytes(), 412),
        (vec![b' '; 4 * 1024 * 1024 + 64 * 1024], 413),
    ];
    for ((body, status), token) in cases.iter().zip(&tokens) {
        let reply = call(&server, Some(token), body);
        problem(&reply, *status);
    }
    let text = server.request(
        "POST",
        SERVICE,
        &[
            ("Content-Type", "text/plain"),
            ("Authorization", &format!("Bearer {}", tokens[7])),
        ],
        b"{}",
    );
    problem(&text, 415);
    let other = server.request(
        "POST",
        "/cds-services/order-sign",
        &[("Content-Type", "application/json")],
        b"{}",
    );
    problem(&other, 404);
}

/// A FHIR server on this machine, as the EHR's, answering `answers`.
struct Fhir {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Drop for Fhir {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_fhir(dir: &Path, mode: &str) -> Fhir {
    let answers = dir.join("answers.json");
    if !answers.exists() {
        std::fs::write(&answers, "{}").unwrap();
    }
    let log = dir.join("fhir.log");
    let mut child = Command::new(common::tools_python())
        .arg(ehr_py())
        .arg(mode)
        .arg(&answers)
        .arg(&log)
        .stdout(Stdio::piped())
        .spawn()
        .expect("run python");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("the FHIR server's port");
    Fhir { child, port, log }
}

#[test]
fn without_prefetch_the_patient_and_conditions_are_read_from_the_fhir_server() {
    let dir = common::scratch("cds-fhir");
    make_keys(&dir);
    let fhir = start_fhir(&dir, "fhir");
    let base = format!("http://127.0.0.1:{}/r4", fhir.port);
    let id = "pat-vi-77";
    let answers = json!({
        format!("/r4/Patient/{id}"): patient(id, &[("vi", true)]),
        format!("/r4/Condition?patient={id}"): {
            "resourceType": "Bundle", "type": "searchset",
            "link": [{ "relation": "next", "url": format!("{base}/Condition?patient={id}&page=2") }],
            "entry": [{ "resource": condition("E11.9", ICD10, "active", "confirmed") }],
        },
        format!("/r4/Condition?patient={id}&page=2"):
            bundle(vec![condition("M48.062", ICD10, "active", "confirmed")]),
    });
    std::fs::write(dir.join("answers.json"), answers.to_string()).unwrap();
    let server = start(&dir, &[]);
    let specs: Vec<Value> = (0..5)
        .map(|i| spec(&server, json!({ "claims": { "jti": format!("fhir-{i}") } })))
        .collect();
    let tokens = mint(&dir, &specs);
    let with_server = |server_url: &str, patient_id: &str| {
        let mut body = hook_call(patient_id, None);
        body["fhirServer"] = json!(server_url);
        body["fhirAuthorization"] = json!({
            "access_token": "fhir-access-token", "token_type": "Bearer",
            "expires_in": 300, "scope": "patient/Patient.read patient/Condition.read",
            "subject": "handout-cds",
        });
        body.to_string()
    };
    let reply = call(&server, Some(&tokens[0]), with_server(&base, id).as_bytes());
    assert_eq!(
        handouts_of(&server, &reply),
        ["l3-l4-foraminal-narrowing-vi"]
    );
    let requests: Vec<Value> = std::fs::read_to_string(&fhir.log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests
        .iter()
        .all(|r| r["authorization"] == "Bearer fhir-access-token"));

    // The server does not have the patient: nothing to suggest. Not answering: 412.
    let reply = call(
        &server,
        Some(&tokens[1]),
        with_server(&base, "pat-unknown").as_bytes(),
    );
    assert_eq!(reply.json(), json!({ "cards": [] }));
    let closed = "http://127.0.0.1:9/r4";
    problem(
        &call(
            &server,
            Some(&tokens[2]),
            with_server(closed, id).as_bytes(),
        ),
        412,
    );
    // Over TLS, a certificate no public CA signed is not trusted with the access token.
    let https = start_fhir(&dir, "fhirs");
    let untrusted = format!("https://127.0.0.1:{}/r4", https.port);
    let reply = call(
        &server,
        Some(&tokens[3]),
        with_server(&untrusted, id).as_bytes(),
    );
    let refused = problem(&reply, 412);
    assert!(
        refused["detail"].as_str().unwrap().contains("TLS"),
        "{refused}"
    );
    // Plain http off this machine would send the token in the clear.
    let elsewhere = with_server("http://ehr.example.org/r4", id);
    let plain = problem(&call(&server, Some(&tokens[4]), elsewhere.as_bytes()), 412);
    assert!(
        plain["detail"].as_str().unwrap().contains("plain http"),
        "{plain}"
    );
    let (_, log) = server.stop();
    let log = log.join("\n");
    assert!(!log.contains(id) && !log.contains("M48.062"), "{log}");
}

#[test]
fn off_loopback_cds_hooks_is_off_without_a_client() {
    let dir = common::scratch("cds-off");
    let token = dir.join("token");
    std::fs::write(&token, "s3cret-token-for-tests-0123456789abcdef\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(common::root())
        .args(["serve", "--bind", "0.0.0.0:0", "--token-file"])
        .arg(&token)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on to the end (the server's log must have somewhere to go).
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let port: u16 = line
        .split("http://0.0.0.0:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /cds-services HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut raw).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    drop(stderr);
    let reply = Reply::parse(&raw);
    let off = problem(&reply, 404);
    assert!(off["detail"].as_str().unwrap().contains("--cds-client"));
}

#[test]
fn schemathesis_signed_as_the_ehr_finds_no_server_error() {
    let python = common::tools_python();
    let schemathesis = python.with_file_name("schemathesis");
    let dir = common::scratch("cds-schemathesis");
    make_keys(&dir);
    let server = start(&dir, &[]);
    let out = Command::new(&schemathesis)
        .current_dir(&dir)
        .args([
            "run",
            &format!("http://{}/api/openapi.json", server.host()),
            "--include-path-regex",
            "^/cds-services",
            // Not negative_data_rejection: the service takes what CDS Hooks clients send
            // beyond the schema (no hookInstance, a fhirAuthorization without token_type).
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_headers_conformance,response_schema_conformance",
            "--max-examples",
            "40",
            "--seed",
            "20261203",
        ])
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", common::root().join("tests/cds"))
        .env("CDS_KEY", dir.join("es.pem"))
        .env("CDS_ISSUER", ISSUER)
        .env("CDS_AUDIENCE", format!("http://{}{SERVICE}", server.host()))
        .output()
        .expect("run schemathesis");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}{}", common::stderr(&out));
    assert!(shown.contains("No issues found"), "{shown}");
    // Past the token: the calls reached the hook and were answered or refused for
    // their bodies.
    let (_, log) = server.stop();
    let reached = log
        .iter()
        .filter(|l| {
            l.starts_with("POST /cds-services/{id} 200")
                || l.starts_with("POST /cds-services/{id} 400")
        })
        .count();
    assert!(reached > 20, "{}", log.join("\n"));
}

#[test]
fn in_token_mode_the_ehr_signs_instead_of_sending_the_servers_token() {
    let dir = common::scratch("cds-token-mode");
    make_keys(&dir);
    let secret = dir.join("token");
    std::fs::write(&secret, "s3cret-token-for-tests-0123456789abcdef\n").unwrap();
    let server = start(&dir, &["--token-file", secret.to_str().unwrap()]);
    let tokens = mint(&dir, &[spec(&server, json!({}))]);
    let body = hook_call("p1", Some(json!({ "patient": null, "conditions": null })));
    let reply = call(&server, Some(&tokens[0]), body.to_string().as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.text());
    // The server's own token is no CDS client's signature.
    let with_secret = call(
        &server,
        Some("s3cret-token-for-tests-0123456789abcdef"),
        body.to_string().as_bytes(),
    );
    problem(&with_secret, 401);
}

#[test]
fn a_client_without_usable_public_keys_is_refused_at_start() {
    let dir = common::scratch("cds-bad-jwks");
    let start_with = |value: String| {
        Command::new(env!("CARGO_BIN_EXE_handout"))
            .current_dir(common::root())
            .args(["serve", "--bind", "127.0.0.1:0", "--cds-client", &value])
            .output()
            .unwrap()
    };
    let refused = |value: String, words: &str| {
        let out = start_with(value);
        assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
        assert!(
            common::stderr(&out).contains(words),
            "{}",
            common::stderr(&out)
        );
    };
    let private = dir.join("private.json");
    std::fs::write(
        &private,
        r#"{"keys": [{"kty": "EC", "crv": "P-384", "kid": "k", "x": "AA", "y": "AA", "d": "AA"}]}"#,
    )
    .unwrap();
    refused(format!("{ISSUER}={}", private.display()), "private key");
    let secret = dir.join("secret.json");
    std::fs::write(
        &secret,
        r#"{"keys": [{"kty": "oct", "kid": "k", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ"}]}"#,
    )
    .unwrap();
    refused(format!("{ISSUER}={}", secret.display()), "not a public key");
    let empty = dir.join("empty.json");
    std::fs::write(&empty, r#"{"keys": []}"#).unwrap();
    refused(format!("{ISSUER}={}", empty.display()), "no keys");
    refused(
        format!("{ISSUER}={}", dir.join("missing.json").display()),
        "cannot read",
    );
    refused("no-file-named".to_string(), "ISSUER=JWKS_FILE");
}

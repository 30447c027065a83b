//! `POST /api/v1/document-reference`: the PDF of `POST /api/v1/pdf` filed to the chart as
//! `handout build --format fhir --subject` files it, read back by an independent FHIR
//! library, and refused where `/api/v1/pdf` is refused.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine as _;
use common::server::{problem, Reply, Server};

const ID: &str = "l3-l4-foraminal-narrowing";
const ROUTE: &str = "/api/v1/document-reference";

/// A personalized brief, as the desk sends it.
fn brief() -> serde_json::Value {
    serde_json::json!({
        "handout": ID, "preset": "brief", "profile": "riverside-spine",
        "patient": "Jane Doe", "date": "2026-11-25", "clinician": "Dr. Maria Lee",
        "notes": ["Walk 20 minutes every day."], "notes_area": true
    })
}

fn with_subject(body: &serde_json::Value, subject: &str) -> serde_json::Value {
    let mut body = body.clone();
    body["subject"] = subject.into();
    body
}

/// Runs `script` in the reference tools' Python with `input` on stdin; its stdout.
fn python(script: &str, input: &[u8], what: &str) -> String {
    let mut child = Command::new(common::tools_python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the reference tools' Python (set HANDOUT_PYTHON or run scripts/test)");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = common::stderr(&out);
    assert!(
        !err.contains("No module named 'fhir'"),
        "fhir.resources is not installed in {}: run scripts/test, which installs it",
        common::tools_python().display()
    );
    assert!(out.status.success(), "{what} failed: {err}");
    String::from_utf8(out.stdout).unwrap()
}

/// SHA-1 in base64, by Python's hashlib: not by the crates the server hashes and encodes
/// with.
fn sha1_base64(bytes: &[u8]) -> String {
    let script = "import base64, hashlib, sys\n\
        print(base64.b64encode(hashlib.sha1(sys.stdin.buffer.read()).digest()).decode())";
    python(script, bytes, "hashlib").trim().to_string()
}

/// The DocumentReference as fhir.resources (PyPI), an independent FHIR model, reads it:
/// validated against FHIR's own definitions (R4B's DocumentReference is R4's), then the
/// fields a chart files it by, as that library parsed them.
fn fhir_resources(json: &str) -> serde_json::Value {
    // The library decodes base64Binary: `data` and `hash` are the bytes themselves.
    let script = "import hashlib, json, sys\n\
        from fhir.resources.R4B.documentreference import DocumentReference\n\
        d = DocumentReference.model_validate_json(sys.stdin.read())\n\
        a = d.content[0].attachment\n\
        print(json.dumps({'subject': d.subject.reference if d.subject else None,\n\
          'type': d.type.coding[0].code, 'status': d.status, 'docStatus': d.docStatus,\n\
          'contentType': a.contentType, 'language': a.language, 'size': a.size,\n\
          'decoded': len(a.data), 'pdf': a.data[:5].decode('latin-1'),\n\
          'hashed': hashlib.sha1(a.data).digest() == a.hash}))";
    let out = python(script, json.as_bytes(), "fhir.resources' validation");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The handout's language, as the server lists it.
fn language_of(server: &Server, language: &str) -> String {
    let list = server
        .get(&format!("/api/v1/handouts?language={language}"))
        .json();
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == ID)
        .expect("the handout in that language");
    entry["language"].as_str().unwrap().to_string()
}

fn attachment(reply: &Reply) -> serde_json::Value {
    reply.json()["content"][0]["attachment"].clone()
}

#[test]
fn the_document_reference_holds_the_pdf_of_the_pdf_route_byte_for_byte() {
    let server = Server::start(&[]);
    for (body, language) in [
        (brief(), "en"),
        (
            serde_json::json!({"handout": ID, "language": "es", "preset": "full", "patient": "Ana Ruiz"}),
            "es",
        ),
    ] {
        let pdf = server.post_json("/api/v1/pdf", &body);
        assert_eq!(pdf.status, 200, "{}", pdf.text());
        let before = handout::dates::instant(handout::dates::now());
        let reply = server.post_json(ROUTE, &with_subject(&body, "Patient/p-1"));
        let after = handout::dates::instant(handout::dates::now());
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.header("content-type"), Some("application/fhir+json"));
        // It carries the patient's details, as the PDF does.
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        assert_eq!(
            reply.header("cache-control"),
            pdf.header("cache-control"),
            "the same caching as the PDF"
        );
        // Named as the PDF is, for saving; never after the patient.
        let pdf_name = pdf.header("content-disposition").unwrap();
        assert_eq!(
            reply.header("content-disposition"),
            Some(
                pdf_name
                    .replace("inline;", "attachment;")
                    .replace(".pdf\"", ".fhir.json\"")
                    .as_str()
            )
        );
        let value = reply.json();
        let attachment = attachment(&reply);
        let data = base64::engine::general_purpose::STANDARD
            .decode(attachment["data"].as_str().unwrap())
            .unwrap();
        assert!(
            data == pdf.body,
            "{language}: the PDF inside differs from /api/v1/pdf's ({} and {} bytes)",
            data.len(),
            pdf.body.len()
        );
        assert_eq!(attachment["size"], pdf.body.len());
        assert_eq!(attachment["hash"], sha1_base64(&pdf.body));
        assert_eq!(attachment["contentType"], "application/pdf");
        assert_eq!(attachment["language"], language_of(&server, language));
        assert_eq!(value["resourceType"], "DocumentReference");
        assert_eq!(value["status"], "current");
        assert_eq!(value["subject"]["reference"], "Patient/p-1");
        assert_eq!(value["type"]["coding"][0]["code"], "34895-3");
        // Filed now: the server was started without SOURCE_DATE_EPOCH.
        let date = value["date"].as_str().unwrap();
        assert!(
            before.as_str() <= date && date <= after.as_str(),
            "{before} <= {date} <= {after}"
        );
    }
    // Without a subject, a document filed for no one yet.
    let reply = server.post_json(ROUTE, &brief());
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.json().get("subject").is_none(), "{}", reply.text());

    let (status, log) = server.stop();
    assert!(status.success(), "{status:?}");
    let joined = log.join("\n");
    assert!(
        joined.contains("POST /api/v1/document-reference 200 "),
        "{joined}"
    );
    for private in ["p-1", "Jane", "Ana", "Maria", "2026-11-25", "Walk"] {
        assert!(
            !joined.contains(private),
            "the log names {private:?}: {joined}"
        );
    }
}

#[test]
fn the_document_reference_is_the_clis_for_the_same_options() {
    // At SOURCE_DATE_EPOCH, filing is dated as `handout build` dates it: the same bytes.
    let epoch = "1796333327";
    let server = Server::start_with_env(&[], &[("SOURCE_DATE_EPOCH", epoch)]);
    let reply = server.post_json(ROUTE, &with_subject(&brief(), "Patient/p-1"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let cli = Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(common::root())
        .args([
            "build",
            common::BUNDLED,
            "--preset",
            "brief",
            "--profile",
            "profiles/riverside-spine.toml",
            "--patient",
            "Jane Doe",
            "--date",
            "2026-11-25",
            "--clinician",
            "Dr. Maria Lee",
            "--note",
            "Walk 20 minutes every day.",
            "--notes-area",
            "--format",
            "fhir",
            "--subject",
            "Patient/p-1",
            "-o",
            "-",
        ])
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", common::stderr(&cli));
    assert!(
        reply.text() == String::from_utf8(cli.stdout).unwrap().trim_end(),
        "the API's DocumentReference differs from the CLI's"
    );
    assert_eq!(reply.json()["date"], "2026-12-03T21:28:47Z");
}

#[test]
fn an_independent_fhir_library_reads_the_document_reference() {
    let server = Server::start(&[]);
    for subject in [Some("Patient/p-1"), None] {
        let body = match subject {
            Some(subject) => with_subject(&brief(), subject),
            None => brief(),
        };
        let reply = server.post_json(ROUTE, &body);
        assert_eq!(reply.status, 200, "{}", reply.text());
        let read = fhir_resources(&reply.text());
        assert_eq!(read["subject"], serde_json::json!(subject), "{read}");
        assert_eq!(read["type"], "34895-3");
        assert_eq!(read["status"], "current");
        assert_eq!(read["docStatus"], "final");
        assert_eq!(read["contentType"], "application/pdf");
        assert_eq!(read["language"], language_of(&server, "en"));
        assert_eq!(read["size"], read["decoded"], "{read}");
        assert_eq!(read["pdf"], "%PDF-", "{read}");
        assert_eq!(
            read["hashed"], true,
            "the hash is the SHA-1 of the data: {read}"
        );
        assert_eq!(read["size"], attachment(&reply)["size"]);
    }
    // The library does refuse what is not one: a check that can fail.
    let good = server.post_json(ROUTE, &brief()).text();
    for (from, to) in [
        ("\"date\":\"", "\"date\":\"on "),
        ("\"docStatus\"", "\"documentStatus\""),
        ("\"size\":", "\"size\":-"),
    ] {
        assert!(good.contains(from), "{from}");
        let broken = good.replacen(from, to, 1);
        let mut child = Command::new(common::tools_python())
            .args([
                "-c",
                "import sys\n\
                 from fhir.resources.R4B.documentreference import DocumentReference\n\
                 DocumentReference.model_validate_json(sys.stdin.read())",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(broken.as_bytes()).unwrap();
        drop(stdin);
        assert!(!child.wait().unwrap().success(), "{to} is refused");
    }
}

#[test]
fn the_document_reference_is_refused_where_the_pdf_is_and_a_bad_subject_says_why() {
    let server = Server::start(&[]);
    for bad in [
        "12345",
        "Patient/",
        "Patient/a b",
        "Practitioner/1",
        &format!("Patient/{}", "1".repeat(65)),
    ] {
        let p = problem(&server.post_json(ROUTE, &with_subject(&brief(), bad)), 422);
        let words: String = bad
            .parse::<handout::fhir::PatientReference>()
            .expect_err("a bad reference");
        assert_eq!(p["detail"], words, "{bad}");
    }
    let p = problem(
        &server.post_json(ROUTE, &with_subject(&brief(), " Patient/1")),
        422,
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("give the reference as Patient/ID"),
        "{p}"
    );
    let mut numbered = brief();
    numbered["subject"] = 12345.into();
    let p = problem(&server.post_json(ROUTE, &numbered), 400);
    assert!(p["detail"].as_str().unwrap().contains("subject"), "{p}");
    problem(
        &server.post_json(ROUTE, &serde_json::json!({"subject": "Patient/1"})),
        400,
    );
    // Unknown fields and mistakes in the options: as /api/v1/pdf answers them. Where
    // in the text serde_json found a mistake can differ: the subject is taken out first.
    let detail = |p: &serde_json::Value| {
        let text = p["detail"].as_str().unwrap().to_string();
        text.split(" at line ").next().unwrap().to_string()
    };
    for body in [
        serde_json::json!({"handout": ID, "colour": "red", "subject": "Patient/1"}),
        serde_json::json!({"handout": ID, "preset": "long"}),
        serde_json::json!({"handout": "nope"}),
        serde_json::json!({"handout": ID, "date": "25/11/2026"}),
    ] {
        let pdf = server.post_json("/api/v1/pdf", &body);
        let filed = server.post_json(ROUTE, &body);
        assert_eq!(filed.status, pdf.status, "{body}: {}", filed.text());
        let (pdf, filed) = (problem(&pdf, pdf.status), problem(&filed, filed.status));
        assert_eq!(filed["choices"], pdf["choices"], "{body}");
        assert_eq!(detail(&filed), detail(&pdf), "{body}");
    }
    let json = ("Content-Type", "application/json");
    // A field given twice is refused, not read as whichever came last: above all the
    // patient the PDF is filed for.
    let twice = format!(r#"{{"handout": "{ID}", "handout": "{ID}"}}"#);
    let pdf = problem(
        &server.request("POST", "/api/v1/pdf", &[json], twice.as_bytes()),
        400,
    );
    let filed = problem(
        &server.request("POST", ROUTE, &[json], twice.as_bytes()),
        400,
    );
    assert_eq!(detail(&filed), detail(&pdf));
    let p = problem(
        &server.request(
            "POST",
            ROUTE,
            &[json],
            format!(r#"{{"handout": "{ID}", "subject": "Patient/1", "subject": "Patient/2"}}"#)
                .as_bytes(),
        ),
        400,
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("duplicate field `subject`"),
        "{p}"
    );
    let body = with_subject(&brief(), "Patient/p-1").to_string();
    problem(
        &server.request("POST", ROUTE, &[("Content-Type", "text/plain")], b"{}"),
        415,
    );
    problem(&server.request("POST", ROUTE, &[json], b"{"), 400);
    problem(&server.request("POST", ROUTE, &[json], b"[]"), 400);
    // Cross-site: refused as the PDF is.
    for headers in [
        [json, ("Origin", "http://attacker.example")],
        [json, ("Sec-Fetch-Site", "cross-site")],
    ] {
        let pdf = problem(
            &server.request("POST", "/api/v1/pdf", &headers, body.as_bytes()),
            403,
        );
        let filed = problem(
            &server.request("POST", ROUTE, &headers, body.as_bytes()),
            403,
        );
        assert_eq!(filed, pdf);
    }
    let origin = format!("http://{}", server.host());
    let own = server.request(
        "POST",
        ROUTE,
        &[json, ("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
        body.as_bytes(),
    );
    assert_eq!(own.status, 200, "{}", own.text());
    assert!(own.header("access-control-allow-origin").is_none());
    assert_eq!(server.get(ROUTE).status, server.get("/api/v1/pdf").status);

    // Token mode: the token, as for the PDF.
    let dir = common::scratch("serve-fhir-token");
    let token = "s3cret-token-for-tests-0123456789abcdef";
    let file = dir.join("token");
    std::fs::write(&file, token).unwrap();
    let guarded = Server::start(&["--token-file", file.to_str().unwrap()]);
    for path in ["/api/v1/pdf", ROUTE] {
        let p = problem(
            &guarded.request("POST", path, &[json], body.as_bytes()),
            401,
        );
        assert!(p["detail"].as_str().unwrap().contains("needs its token"));
        problem(
            &guarded.request(
                "POST",
                path,
                &[json, ("Authorization", "Bearer wrong")],
                body.as_bytes(),
            ),
            401,
        );
    }
    let bearer = format!("Bearer {token}");
    let ok = guarded.request(
        "POST",
        ROUTE,
        &[json, ("Authorization", &bearer)],
        body.as_bytes(),
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
}

#[test]
fn the_openapi_document_describes_the_route_with_the_pdfs_body_and_a_subject() {
    let server = Server::start(&[]);
    let doc = server.get("/api/openapi.json").json();
    let operation = &doc["paths"][ROUTE]["post"];
    assert_eq!(
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/DocumentReferenceRequest"
    );
    assert!(
        operation["responses"]["200"]["content"]["application/fhir+json"]["schema"].is_object()
    );
    let pdf = &doc["paths"]["/api/v1/pdf"]["post"]["responses"];
    for code in pdf.as_object().unwrap().keys().filter(|c| *c != "200") {
        assert!(operation["responses"][code].is_object(), "no {code}");
    }
    // The pdf's body, with the same served handouts and profiles, and a subject.
    let schemas = &doc["components"]["schemas"];
    let mut request = schemas["DocumentReferenceRequest"]["properties"].clone();
    let subject = request.as_object_mut().unwrap().remove("subject").unwrap();
    assert_eq!(request, schemas["BuildRequest"]["properties"]);
    assert_eq!(subject["pattern"], "^Patient/[A-Za-z0-9\\-.]{1,64}$");
    assert!(request["handout"]["enum"]
        .as_array()
        .is_some_and(|ids| ids.contains(&ID.into())));
    assert_eq!(
        schemas["DocumentReferenceRequest"]["additionalProperties"],
        false
    );
}

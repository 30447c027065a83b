//! `handout serve` through real HTTP on an ephemeral loopback port: the API, PDFs byte
//! for byte the CLI's, problems with the CLI's words, and each security rule.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::{problem, Server};

const ID: &str = "l3-l4-foraminal-narrowing";

/// How many handouts the bundled directory holds: the English one and its translations.
fn handout_files() -> usize {
    std::fs::read_dir(common::root().join("handouts"))
        .expect("handouts/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml"))
        })
        .count()
}

#[test]
fn the_api_lists_handouts_and_builds_the_clis_pdf_byte_for_byte() {
    let server = Server::start(&[]);
    let all = server.get("/api/v1/handouts").json();
    assert_eq!(all.as_array().unwrap().len(), handout_files());
    let spanish = server.get("/api/v1/handouts?language=es").json();
    // The translation shares its source's id; the language tells them apart.
    assert_eq!(
        (&spanish[0]["id"], &spanish[0]["language"]),
        (
            &serde_json::json!("l3-l4-foraminal-narrowing"),
            &serde_json::json!("es")
        )
    );
    assert_eq!(spanish.as_array().unwrap().len(), 1);
    let by_code = server.get("/api/v1/handouts?code=M48.06").json();
    // Every translation carries the English handout's codes.
    assert_eq!(by_code.as_array().unwrap().len(), handout_files());
    assert_eq!(
        server.get("/api/v1/handouts?code=Z99").json(),
        serde_json::json!([])
    );
    problem(&server.get("/api/v1/handouts?colour=red"), 400);

    let reply = server.post_json(
        "/api/v1/pdf",
        &serde_json::json!({
            "handout": ID, "preset": "brief", "profile": "riverside-spine",
            "patient": "Jane Doe", "date": "2026-11-25", "clinician": "Dr. Maria Lee",
            "follow_up": "In 2 weeks", "notes": ["Walk 20 minutes every day."], "notes_area": true
        }),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let disposition = reply.header("content-disposition").unwrap();
    assert_eq!(disposition, format!("inline; filename=\"{ID}-brief.pdf\""));
    let cli = common::cli_pdf(&[
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
        "--follow-up",
        "In 2 weeks",
        "--note",
        "Walk 20 minutes every day.",
        "--notes-area",
    ]);
    assert!(reply.body == cli, "the API's PDF differs from the CLI's");

    // A link, as an infobutton opens it: no patient details, the CLI's brief.
    let linked = server.get(&format!("/handouts/{ID}.pdf?preset=brief"));
    assert_eq!(linked.status, 200, "{}", linked.text());
    assert!(linked.body == common::cli_pdf(&[common::BUNDLED, "--preset", "brief"]));
    problem(&server.get("/handouts/no-such.pdf"), 404);

    let (status, log) = server.stop();
    assert!(status.success(), "SIGTERM stops it cleanly: {status:?}");
    assert!(log.iter().any(|l| l == "handout serve: stopped"), "{log:?}");
    let joined = log.join("\n");
    assert!(joined.contains("POST /api/v1/pdf 200 "), "{joined}");
    assert!(joined.contains("GET /handouts/{file} 200 "), "{joined}");
    for private in ["Jane", "Doe", "Maria", "2026-11-25", "Walk"] {
        assert!(
            !joined.contains(private),
            "the log names {private:?}: {joined}"
        );
    }
}

#[test]
fn the_preview_draws_the_pdfs_pages_from_the_same_layout() {
    let server = Server::start(&[]);
    for (preset, large_print) in [("brief", false), ("full", false), ("brief", true)] {
        let body = serde_json::json!({
            "handout": ID, "preset": preset, "large_print": large_print,
            "patient": "Jane <b>Doe</b> & \"Co\""
        });
        let reply = server.post_json("/api/v1/preview", &body);
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        let preview = reply.json();
        let svgs = preview["svg"].as_array().unwrap();
        assert_eq!(preview["pages"], svgs.len());
        let pdf = server.post_json("/api/v1/pdf", &body);
        let dir = common::scratch("serve-preview");
        let file = dir.join(format!("{preset}-{large_print}.pdf"));
        std::fs::write(&file, &pdf.body).unwrap();
        assert_eq!(
            svgs.len(),
            common::page_count(&file),
            "{preset}: preview and PDF page counts"
        );
        let first = svgs[0].as_str().unwrap();
        assert!(first.starts_with("<svg"), "{first:.80}");
        assert!(
            first.contains("Jane &lt;b&gt;Doe&lt;/b&gt; &amp; &quot;Co&quot;"),
            "the name, escaped"
        );
        assert!(!first.contains("<b>"));
    }
    let p = problem(
        &server.post_json(
            "/api/v1/preview",
            &serde_json::json!({"handout": ID, "preset": "long"}),
        ),
        422,
    );
    assert_eq!(p["choices"], serde_json::json!(["full", "brief"]));
    // A profile's logo is drawn from the logo file the server serves.
    let branded = server
        .post_json(
            "/api/v1/preview",
            &serde_json::json!({"handout": ID, "preset": "brief", "profile": "riverside-spine"}),
        )
        .json();
    let first = branded["svg"][0].as_str().unwrap();
    assert!(
        first.contains("<image href=\"/assets/logos/riverside-spine\""),
        "{first:.400}"
    );
    let logo = server.get("/assets/logos/riverside-spine");
    assert_eq!(logo.header("content-type"), Some("image/png"));
    assert!(
        logo.body == std::fs::read(common::root().join("profiles/riverside-logo.png")).unwrap()
    );
    problem(&server.get("/assets/logos/clinica-del-valle.es"), 404);
    problem(&server.get("/assets/logos/..%2friverside-spine"), 404);
}

#[test]
fn mistakes_are_problems_with_the_clis_words() {
    let server = Server::start(&[]);
    let p = problem(
        &server.post_json(
            "/api/v1/pdf",
            &serde_json::json!({"handout": ID, "preset": "long"}),
        ),
        422,
    );
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("has no preset \"long\"; valid presets: full, brief"));
    assert_eq!(p["choices"], serde_json::json!(["full", "brief"]));
    let p = problem(
        &server.post_json(
            "/api/v1/pdf",
            &serde_json::json!({"handout": ID, "sections": ["faq", "nope"]}),
        ),
        422,
    );
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("has no section \"nope\"; valid section ids: overview"));
    assert!(p["choices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "warning-signs"));
    let p = problem(
        &server.post_json("/api/v1/pdf", &serde_json::json!({"handout": "nope"})),
        404,
    );
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("known ids: l3-l4-foraminal-narrowing"));
    let p = problem(
        &server.post_json(
            "/api/v1/pdf",
            &serde_json::json!({"handout": ID, "date": "25/11/2026"}),
        ),
        422,
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("give the date as YYYY-MM-DD"),
        "{p}"
    );
    let p = problem(
        &server.post_json(
            "/api/v1/pdf",
            &serde_json::json!({"handout": ID, "patient": "Jane 😀"}),
        ),
        422,
    );
    assert!(p["detail"].as_str().unwrap().contains("U+1F600"), "{p}");
    let p = problem(
        &server.post_json(
            "/api/v1/pdf",
            &serde_json::json!({"handout": ID, "colour": "red"}),
        ),
        400,
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{p}"
    );
    problem(
        &server.request(
            "POST",
            "/api/v1/pdf",
            &[("Content-Type", "application/json")],
            b"{",
        ),
        400,
    );
    problem(
        &server.request(
            "POST",
            "/api/v1/pdf",
            &[("Content-Type", "text/plain")],
            b"{}",
        ),
        415,
    );
    let big = format!(
        r#"{{"handout": "{ID}", "notes": ["{}"]}}"#,
        "a".repeat(300 * 1024)
    );
    problem(
        &server.request(
            "POST",
            "/api/v1/pdf",
            &[("Content-Type", "application/json")],
            big.as_bytes(),
        ),
        413,
    );
    problem(&server.get("/no/such/page"), 404);
}

#[test]
fn requests_that_do_not_name_the_server_or_come_from_other_sites_are_refused() {
    let server = Server::start(&[]);
    let brief = serde_json::json!({"handout": ID, "preset": "brief"}).to_string();
    let json = ("Content-Type", "application/json");
    // DNS rebinding: a page on another name that resolves here.
    problem(
        &server.request(
            "GET",
            "/api/v1/handouts",
            &[("Host", "attacker.example:8470")],
            b"",
        ),
        421,
    );
    problem(
        &server.request("GET", "/", &[("Host", "attacker.example")], b""),
        421,
    );
    // Cross-site requests that build.
    let p = problem(
        &server.request(
            "POST",
            "/api/v1/pdf",
            &[json, ("Origin", "http://attacker.example")],
            brief.as_bytes(),
        ),
        403,
    );
    assert!(p["detail"].as_str().unwrap().contains("other sites"));
    problem(
        &server.request(
            "POST",
            "/api/v1/pdf",
            &[json, ("Sec-Fetch-Site", "cross-site")],
            brief.as_bytes(),
        ),
        403,
    );
    // The server's own page may.
    let origin = format!("http://{}", server.host());
    let own = server.request(
        "POST",
        "/api/v1/pdf",
        &[json, ("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
        brief.as_bytes(),
    );
    assert_eq!(own.status, 200, "{}", own.text());
    // No CORS, strict headers on everything.
    for reply in [own, server.get("/"), server.get("/api/v1/handouts")] {
        assert!(reply.header("access-control-allow-origin").is_none());
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        let csp = reply.header("content-security-policy").unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
    }
    // Nothing in a URL becomes a file path.
    for path in [
        "/assets/../Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/Cargo.toml",
        "/handouts/..%2fCargo.toml.pdf",
        "/handouts/%2e%2e%2fhandouts%2fl3-l4-foraminal-narrowing.pdf",
    ] {
        let reply = server.get(path);
        assert!(
            reply.status == 404 || reply.status == 400,
            "{path}: {}",
            reply.status
        );
        assert!(!reply.text().contains("[package]"), "{path}");
    }
    assert_eq!(server.get("/assets/Atkinson-Regular.ttf").status, 200);
}

#[test]
fn another_address_needs_a_token_and_the_token_guards_patient_details() {
    let out = Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(common::root())
        .args(["serve", "--bind", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("give --token-file FILE"),
        "{}",
        common::stderr(&out)
    );

    let dir = common::scratch("serve-token");
    let token = "s3cret-token-for-tests-0123456789abcdef";
    let file = dir.join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let server = Server::start(&["--token-file", file.to_str().unwrap()]);
    let brief =
        serde_json::json!({"handout": ID, "preset": "brief", "patient": "Jane Doe"}).to_string();
    let json = ("Content-Type", "application/json");
    problem(
        &server.request("POST", "/api/v1/pdf", &[json], brief.as_bytes()),
        401,
    );
    problem(
        &server.request(
            "POST",
            "/api/v1/pdf",
            &[json, ("Authorization", "Bearer wrong")],
            brief.as_bytes(),
        ),
        401,
    );
    let bearer = format!("Bearer {token}");
    let ok = server.request(
        "POST",
        "/api/v1/pdf",
        &[json, ("Authorization", &bearer)],
        brief.as_bytes(),
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    problem(&server.get("/"), 401);
    // The start address sets a strict session cookie and leaves the token behind.
    let start = server.get(&format!("/?token={token}"));
    assert_eq!(start.status, 303);
    assert_eq!(start.header("location"), Some("/"));
    let cookie = start.header("set-cookie").unwrap();
    assert!(
        cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap();
    let page = server.request("GET", "/", &[("Cookie", session)], b"");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Handout desk"));
    let by_cookie = server.request(
        "POST",
        "/api/v1/pdf",
        &[json, ("Cookie", session)],
        brief.as_bytes(),
    );
    assert_eq!(by_cookie.status, 200);
    problem(&server.get("/?token=wrong"), 401);
    // What carries no patient details still works without it, as an infobutton link must.
    assert_eq!(server.get("/api/v1/handouts").status, 200);
    assert_eq!(
        server
            .get(&format!("/handouts/{ID}.pdf?preset=brief"))
            .status,
        200
    );
    assert_eq!(server.get("/healthz").status, 200);

    std::fs::write(&file, "short").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(common::root())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--token-file",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("32 or more printable characters"));
}

#[test]
fn it_refuses_to_start_with_a_broken_handout_and_lists_every_mistake() {
    let dir = common::scratch("serve-broken");
    let text = std::fs::read_to_string(common::bundled_arg()).unwrap();
    std::fs::write(
        dir.join("a.toml"),
        text.replacen("title = \"", "title = ", 1),
    )
    .unwrap();
    std::fs::write(
        dir.join("b.toml"),
        text.replacen("id = \"l3-l4-foraminal-narrowing\"", "id = \"b\"", 1)
            .replacen("Walk", "Walk \u{1F6B6}", 1),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_handout"))
        .current_dir(common::root())
        .args(["serve", "--bind", "127.0.0.1:0", "--handouts"])
        .arg(&dir)
        .output()
        .unwrap();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{}:10:9:",
            Path::new(&dir).join("a.toml").display()
        )),
        "{err}"
    );
    assert!(err.contains("U+1F6B6"), "{err}");
    assert!(!err.contains("open http"), "{err}");
}

#[test]
fn a_clinician_uses_the_desk_in_a_real_browser() {
    // tests/browser/desk.mjs drives headless Chromium with playwright-core: search by
    // code, pick the handout and the brief, type a name and see it in the preview,
    // download and read the PDF, then the same with the keyboard alone, and axe-core.
    let browser = common::root().join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run scripts/test, which installs it into tests/browser"
    );
    let server = Server::start(&[]);
    let out = common::scratch("serve-browser");
    let run = Command::new("node")
        .current_dir(&browser)
        .arg("desk.mjs")
        .arg(format!("http://{}/", server.host()))
        .arg(&out)
        .arg(handout_files().to_string())
        .output()
        .expect("node must be installed");
    let shown = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{shown}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(shown.contains(" passed, 0 failed"), "{shown}");
    assert!(out.join("desk.png").is_file(), "a screenshot to look at");
}

/// An infobutton request in the form of the URL-based implementation guide's examples,
/// with the context an EHR sends besides the problem code.
fn infobutton_url(language: &str, response_type: &str) -> String {
    format!(
        "/infobutton?representedOrganization.id.root=1.3.6.1.4.1.3768\
         &patientPerson.administrativeGenderCode.c=F&age.v.v=67&age.v.u=a\
         &taskContext.c.c=PROBLISTREV\
         &mainSearchCriteria.v.c=M48.061&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90\
         &mainSearchCriteria.v.dn=Spinal%20stenosis%2C%20lumbar%20region\
         &informationRecipient=PAT&informationRecipient.languageCode.c={language}\
         &performer=PROV&knowledgeResponseType={response_type}"
    )
}

/// The feed as feedparser (PyPI), a real Atom client, reads it.
fn feedparser(feed: &str) -> serde_json::Value {
    let script = "import feedparser, json, sys\n\
        f = feedparser.parse(sys.stdin.read())\n\
        print(json.dumps({'bozo': f.bozo, 'version': f.version, 'lang': f.feed.get('language'),\n\
          'subtitle': f.feed.get('subtitle'),\n\
          'categories': [[t.get('scheme'), t.get('term')] for t in f.feed.get('tags', [])],\n\
          'entries': [{'title': e.title, 'lang': e.title_detail.get('language'),\n\
            'links': [[l.get('rel'), l.get('type'), l.get('href')] for l in e.links]} for e in f.entries]}))";
    let mut child = Command::new(common::tools_python())
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the reference tools' Python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(feed.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "feedparser failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_infobutton_answers_in_the_language_asked_for_as_an_atom_client_reads_it() {
    let server = Server::start(&[]);
    let reply = server.get(&infobutton_url("es", "text/xml"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    let feed = feedparser(&reply.text());
    assert_eq!(feed["bozo"], false, "{feed}");
    assert_eq!(feed["version"], "atom10");
    let entries = feed["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{feed}");
    assert_eq!(entries[0]["lang"], "es");
    assert!(entries[0]["title"]
        .as_str()
        .unwrap()
        .starts_with("Aberturas estrechas"));
    let links = entries[0]["links"].as_array().unwrap();
    let pdf = links
        .iter()
        .find(|l| l[1] == "application/pdf")
        .and_then(|l| l[2].as_str())
        .expect("a PDF link");
    let path = pdf
        .split_once(&server.host())
        .map(|(_, p)| p)
        .expect("an absolute link");
    assert_eq!(
        path,
        "/handouts/l3-l4-foraminal-narrowing.pdf?preset=brief&language=es"
    );
    let brief = server.get(path);
    assert_eq!(brief.status, 200);
    assert!(brief.body == common::cli_pdf(&[common::SPANISH, "--preset", "brief"]));
    // The request's criteria are echoed; the patient's age and gender are not.
    let categories = feed["categories"].to_string();
    assert!(categories.contains("M48.061") && categories.contains("informationRecipient"));
    assert!(!categories.contains("67") && !categories.contains("administrativeGender"));
    assert!(!reply.text().contains("age.v.v"));

    // No Swahili handout: English, and the feed says so.
    let feed = feedparser(&server.get(&infobutton_url("sw", "text/xml")).text());
    assert_eq!(feed["entries"][0]["lang"], "en-US");
    assert!(
        feed["subtitle"].as_str().unwrap().contains("(sw)"),
        "{feed}"
    );

    // JSON and HTML, by knowledgeResponseType or Accept.
    let json = server.get(&infobutton_url("es", "application/json")).json();
    assert_eq!(json["feed"]["entry"][0]["lang"], "es");
    assert_eq!(
        json["feed"]["entry"][0]["link"][0]["type"],
        "application/pdf"
    );
    let html = server.request(
        "GET",
        &infobutton_url("es", "").replace("&knowledgeResponseType=", ""),
        &[("Accept", "text/html")],
        b"",
    );
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(html.text().contains("<html lang=\"es\">"));

    // Mistakes say which parameter.
    let p = problem(
        &server.get("/infobutton?mainSearchCriteria.v.c=M48.061&mainSearchCriteria.v.cs=2.16.840.1.113883.6.96"),
        400,
    );
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("ICD-10-CM (2.16.840.1.113883.6.90) only"));
    let p = problem(&server.get("/infobutton?informationRecipient=PAT"), 400);
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("no mainSearchCriteria.v.c"));
}

#[test]
fn with_watch_an_edit_is_served_and_a_broken_edit_keeps_the_last_good_version() {
    let dir = common::scratch("serve-watch");
    let file = dir.join("h.toml");
    let text = std::fs::read_to_string(common::bundled_arg()).unwrap();
    std::fs::write(&file, &text).unwrap();
    let server = Server::start(&["--watch", "--handouts", dir.to_str().unwrap()]);
    let title = || server.get("/api/v1/handouts").json()[0]["title"].clone();
    let wait_for = |what: &dyn Fn() -> bool| {
        let started = Instant::now();
        while !what() {
            assert!(
                // A ceiling, not a wait: the reload is polled every 300 ms, but the
                // machine may be loaded.
                started.elapsed() < Duration::from_secs(120),
                "no reload within 120 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    assert_eq!(title(), "Narrowed Nerve Openings in the Lower Back (L3–L4)");
    std::fs::write(
        &file,
        text.replacen("title = \"Narrowed", "title = \"Edited", 1),
    )
    .unwrap();
    wait_for(&|| title().as_str().is_some_and(|t| t.starts_with("Edited")));
    // A broken edit: still the last good version, and the mistake where the desk shows it.
    std::fs::write(
        &file,
        text.replacen("title = \"Narrowed", "title = Broken", 1),
    )
    .unwrap();
    wait_for(&|| {
        !server.get("/api/v1/status").json()["mistakes"]
            .as_array()
            .unwrap()
            .is_empty()
    });
    assert!(title().as_str().unwrap().starts_with("Edited"));
    let status = server.get("/api/v1/status").json();
    assert!(
        status["mistakes"][0]
            .as_str()
            .unwrap()
            .contains("h.toml:10:9:"),
        "{status}"
    );
    let preview = server.post_json(
        "/api/v1/preview",
        &serde_json::json!({"handout": ID, "preset": "brief"}),
    );
    assert_eq!(preview.json()["mistakes"], status["mistakes"]);
    // Fixed: served, and the mistakes are gone.
    std::fs::write(&file, &text).unwrap();
    wait_for(&|| server.get("/api/v1/status").json()["mistakes"] == serde_json::json!([]));
    assert!(title().as_str().unwrap().starts_with("Narrowed"));
}

#[test]
fn schemathesis_finds_no_server_error_and_no_response_off_the_schema() {
    let python = common::tools_python();
    let schemathesis = python.with_file_name("schemathesis");
    assert!(
        schemathesis.is_file(),
        "schemathesis is not installed: run scripts/test, which installs it beside page"
    );
    let server = Server::start(&[]);
    // Schemathesis keeps a cache where it runs: in a scratch directory, not the project.
    let scratch = common::scratch("serve-schemathesis");
    let out = Command::new(&schemathesis)
        .current_dir(&scratch)
        .args([
            "run",
            &format!("http://{}/api/openapi.json", server.host()),
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_headers_conformance,response_schema_conformance,negative_data_rejection",
            "--max-examples",
            "40",
            // The CDS hook needs a fresh signed token per call: tests/serve_cds.rs.
            "--exclude-operation-id",
            "cdsPatientView",
            // A fixed seed: the same cases on every run, so CI does not flake.
            "--seed",
            "20261201",
        ])
        .env("NO_COLOR", "1")
        .output()
        .expect("run schemathesis");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}{}", common::stderr(&out));
    assert!(shown.contains("No issues found"), "{shown}");
    // Every operation but the one left out was fuzzed, the chart's DocumentReference too.
    let paths = server.get("/api/openapi.json").json()["paths"].clone();
    assert!(paths["/api/v1/document-reference"]["post"].is_object());
    let operations: usize = paths
        .as_object()
        .unwrap()
        .values()
        .map(|path| path.as_object().map_or(0, serde_json::Map::len))
        .sum();
    assert!(
        shown.contains(&format!("Tested: {}\n", operations - 1)),
        "{operations} operations, one left out: {shown}"
    );
}

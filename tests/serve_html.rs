//! `handout serve` and `handout batch` make the web page too: by link without patient
//! details, by the API with them (never cached), as the CLI makes it.

mod common;

use common::server::{problem, Server};

const ID: &str = "l3-l4-foraminal-narrowing";

#[test]
fn the_server_gives_the_clis_web_page_by_link_and_by_api() {
    let server = Server::start(&[]);
    let cli = |extra: &[&str]| {
        let mut args = vec!["build", common::BUNDLED, "-o", "-", "--format", "html"];
        args.extend(extra);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_handout"))
            .current_dir(common::root())
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };

    let reply = server.get(&format!("/handouts/{ID}.html?preset=brief"));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(reply.text(), cli(&["--preset", "brief"]));
    // The page's own policy: its inline style and data: logo, never a script.
    let policy = reply.header("content-security-policy").unwrap();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(!policy.contains("script-src"), "{policy}");
    // A translation by language, as a QR code's template asks for it.
    let spanish = server.get(&format!("/handouts/{ID}-es.html?language=es"));
    assert_eq!(spanish.status, 200, "{}", spanish.text());
    assert!(spanish.text().contains("<html lang=\"es\" dir=\"ltr\">"));
    // A link takes no patient details.
    problem(
        &server.get(&format!("/handouts/{ID}.html?patient=Jane")),
        400,
    );
    problem(&server.get(&format!("/handouts/{ID}.htm")), 404);
    problem(&server.get("/handouts/nothing-here.html"), 404);

    let body = serde_json::json!({
        "handout": ID, "preset": "brief", "profile": "riverside-spine",
        "patient": "Jane <Doe>", "date": "2026-11-25", "notes": ["Walk daily."]
    });
    let reply = server.post_json("/api/v1/html", &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(
        reply.header("content-disposition"),
        Some(format!("inline; filename=\"{ID}-brief.html\"").as_str())
    );
    let page = reply.text();
    assert!(page.contains("Jane &lt;Doe&gt;"));
    assert_eq!(
        page,
        cli(&[
            "--preset",
            "brief",
            "--profile",
            "profiles/riverside-spine.toml",
            "--patient",
            "Jane <Doe>",
            "--date",
            "2026-11-25",
            "--note",
            "Walk daily."
        ])
    );
    // The desk's form: the same request in one field.
    let form = format!(
        "request={}",
        body.to_string()
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    );
    let by_form = server.request(
        "POST",
        "/api/v1/html",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(by_form.status, 200, "{}", by_form.text());
    assert_eq!(by_form.text(), page);
    assert_eq!(by_form.header("cache-control"), Some("no-store"));
    // Submitted from the desk's no-referrer page, the form's Origin is null: taken when
    // the browser says the request is same-origin, refused otherwise.
    let form_from = |headers: &[(&str, &str)]| {
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        server.request("POST", "/api/v1/html", &all, form.as_bytes())
    };
    let own = form_from(&[("Origin", "null"), ("Sec-Fetch-Site", "same-origin")]);
    assert_eq!(own.status, 200, "{}", own.text());
    problem(&form_from(&[("Origin", "null")]), 403);
    problem(
        &form_from(&[("Origin", "null"), ("Sec-Fetch-Site", "cross-site")]),
        403,
    );

    // Bad input is a problem, never a server error.
    problem(
        &server.request(
            "POST",
            "/api/v1/html",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"request=%7Bnot-json",
        ),
        400,
    );
    problem(
        &server.request(
            "POST",
            "/api/v1/html",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"colour=red",
        ),
        400,
    );
    problem(
        &server.request(
            "POST",
            "/api/v1/html",
            &[("Content-Type", "text/plain")],
            b"x",
        ),
        415,
    );
    problem(
        &server.post_json(
            "/api/v1/html",
            &serde_json::json!({"handout": ID, "preset": "nope"}),
        ),
        422,
    );
    // Patient details never reach the log.
    let (_, log) = server.stop();
    assert!(
        log.iter().any(|l| l.contains("POST /api/v1/html 200")),
        "{log:?}"
    );
    assert!(!log.iter().any(|l| l.contains("Jane")), "{log:?}");
}

#[test]
fn batch_writes_a_pdf_and_a_web_page_for_each_job() {
    let dir = common::scratch("batch-html");
    std::fs::write(
        dir.join("list.csv"),
        "patient,handout,preset\nJane Doe,l3-l4-foraminal-narrowing,brief\n",
    )
    .unwrap();
    let handouts = common::root().join("handouts");
    let args = [
        "batch",
        "--csv",
        "list.csv",
        "--handouts",
        handouts.to_str().unwrap(),
        "--out-dir",
        "out",
        "--quiet",
        "--format",
        "pdf,html",
        "--report",
        "report.json",
    ];
    let out = common::run(&dir, &args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let mut written: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(written[0].ends_with(".html") && written[1].ends_with(".pdf"));
    assert_eq!(
        written[0].trim_end_matches(".html"),
        written[1].trim_end_matches(".pdf")
    );
    let page = std::fs::read_to_string(dir.join("out").join(&written[0])).unwrap();
    assert!(page.contains("Jane Doe"));
    // A second run finds both up to date, the page by the inputs it records.
    let again = common::run(&dir, &args);
    assert!(again.status.success(), "{}", common::stderr(&again));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    let text = report.to_string();
    assert_eq!(text.matches("\"up-to-date\"").count(), 2, "{text}");
}

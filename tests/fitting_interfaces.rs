//! Page targets through every front end: the server's API and preview, and a batch's
//! `pages` column and report, with the CLI's words and bytes.

mod common;

use common::server::{problem, Server};

// The Spanish translation shares the English id; the request names the language.
const ID: &str = "l3-l4-foraminal-narrowing";

#[test]
fn the_api_fits_a_page_target_and_says_how_in_a_header_and_the_preview() {
    let server = Server::start(&[]);
    let person = serde_json::json!({
        "handout": ID, "language": "es", "preset": "brief", "patient": "Jane Doe",
        "date": "2026-11-25", "clinician": "Dr. Maria Lee", "follow_up": "En 2 semanas",
        "notes": ["Camine 20 minutos al día.", "Use calor antes de los ejercicios."]
    });
    let reply = server.post_json("/api/v1/pdf", &person);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let fit: serde_json::Value =
        serde_json::from_str(reply.header("handout-fit").expect("the fit header"))
            .expect("the header is JSON");
    assert_eq!(fit["target"], 1, "{fit}");
    assert_eq!(fit["pages"], 1, "{fit}");
    assert!(
        fit["body_pt"]
            .as_f64()
            .is_some_and(|pt| (11.0..=12.0).contains(&pt)),
        "{fit}"
    );
    // The CLI's bytes for the same options.
    let cli = common::cli_pdf(&[
        common::SPANISH,
        "--preset",
        "brief",
        "--patient",
        "Jane Doe",
        "--date",
        "2026-11-25",
        "--clinician",
        "Dr. Maria Lee",
        "--follow-up",
        "En 2 semanas",
        "--note",
        "Camine 20 minutos al día.",
        "--note",
        "Use calor antes de los ejercicios.",
    ]);
    assert!(
        reply.body == cli,
        "the API's fitted PDF differs from the CLI's"
    );

    // `pages` asks for a target on a selection without one, as `--pages` does.
    let sections = serde_json::json!({
        "handout": ID, "language": "es", "sections": ["warning-signs", "do-and-avoid", "prevention"],
        "pages": 1, "patient": "Jane Doe", "notes": ["Camine 20 minutos al día."]
    });
    let reply = server.post_json("/api/v1/pdf", &sections);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let fit: serde_json::Value =
        serde_json::from_str(reply.header("handout-fit").unwrap()).unwrap();
    assert_eq!(
        (fit["target"].clone(), fit["pages"].clone()),
        (1.into(), 1.into()),
        "{fit}"
    );

    // The preview says the same, and what did not fit when a target is missed.
    let preview = server.post_json("/api/v1/preview", &person).json();
    assert_eq!(preview["pages"], 1, "{preview}");
    assert_eq!(preview["fit"]["target"], 1);
    assert_eq!(preview["warning"], serde_json::Value::Null);
    let large = serde_json::json!({"handout": ID, "language": "es", "preset": "brief", "large_print": true});
    let preview = server.post_json("/api/v1/preview", &large).json();
    assert_eq!(preview["fit"]["body_pt"], 18.0, "{preview}");
    assert!(
        preview["pages"].as_u64().is_some_and(|p| p > 1),
        "{preview}"
    );
    let warning = preview["warning"]
        .as_str()
        .expect("a missed target is said");
    assert!(warning.contains("should fit on 1 page"), "{warning}");

    // A target out of range is the client's mistake, in the CLI's terms.
    for pages in [0, 21] {
        let body =
            serde_json::json!({"handout": ID, "language": "es", "preset": "brief", "pages": pages});
        let detail = problem(&server.post_json("/api/v1/pdf", &body), 422);
        assert!(
            detail["detail"]
                .as_str()
                .is_some_and(|d| d.contains("a page target is 1 to 20")),
            "{detail}"
        );
    }
    let (status, log) = server.stop();
    assert!(status.success(), "{status:?}");
    // No patient detail reaches the log.
    assert!(!log.join("\n").contains("Jane"), "{log:?}");
}

#[test]
fn a_batch_fits_each_row_to_its_pages_column_and_reports_how() {
    let dir = common::scratch("fit-batch");
    let handouts = common::root().join("handouts").display().to_string();
    std::fs::write(
        dir.join("list.csv"),
        "patient,handout,preset,pages,note,language\n\
         Jane Doe,l3-l4-foraminal-narrowing,brief,,Walk daily.,es\n\
         Ann Lee,l3-l4-foraminal-narrowing,full,1,,\n\
         Kim Park,l3-l4-foraminal-narrowing,brief,two,,\n",
    )
    .unwrap();
    let out = common::run(
        &dir,
        &[
            "batch",
            "--csv",
            "list.csv",
            "--handouts",
            &handouts,
            "--out-dir",
            "out",
            "--report",
            "report.json",
            "--quiet",
        ],
    );
    let said = common::stderr(&out);
    assert!(!out.status.success(), "a bad row fails the batch: {said}");
    assert!(
        said.contains("list.csv:4: pages \"two\" is not a whole number from 1 to 20"),
        "{said}"
    );
    // The full handout cannot fit one page: written, with the warning, which names no
    // patient.
    assert!(
        said.contains("warning: row 2:") && said.contains("should fit on 1 page"),
        "{said}"
    );
    assert!(!said.contains("Ann Lee"), "{said}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    let jobs = report["jobs"].as_array().expect("jobs");
    let job = |label: &str| {
        jobs.iter()
            .find(|j| j["job"] == label)
            .unwrap_or_else(|| panic!("{label} in {report}"))
    };
    assert_eq!(job("row 1")["status"], "written");
    assert_eq!(job("row 1")["fit"]["target"], 1, "the preset's own target");
    assert_eq!(job("row 1")["fit"]["pages"], 1);
    assert_eq!(job("row 2")["status"], "written");
    assert_eq!(job("row 2")["fit"]["target"], 1);
    assert!(job("row 2")["fit"]["pages"].as_u64().is_some_and(|p| p > 1));
    assert!(job("row 2")["warning"]
        .as_str()
        .is_some_and(|w| w.contains("past page 1")));
    assert_eq!(job("row 3")["status"], "failed");
    // The fitted Spanish brief, as poppler counts it.
    let written: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("brief"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(common::page_count(&written[0]), 1);
}

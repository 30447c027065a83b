//! Independent PDF readers accept every golden PDF: qpdf's structural check, poppler's
//! font list (every font embedded and subset), and MuPDF.

mod common;

use std::process::Command;

fn goldens() -> Vec<std::path::PathBuf> {
    let mut pdfs: Vec<_> = std::fs::read_dir(common::root().join("tests/golden"))
        .expect("tests/golden exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    assert!(pdfs.len() >= 4, "expected the golden PDFs, found {pdfs:?}");
    pdfs
}

fn run(tool: &str, args: &[&str]) -> std::process::Output {
    Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} must be installed (.ci/run installs it): {e}"))
}

#[test]
fn qpdf_finds_no_errors() {
    for pdf in goldens() {
        let out = run("qpdf", &["--check", pdf.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "qpdf --check {}:\n{text}{}",
            pdf.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("No syntax or stream encoding errors"),
            "{text}"
        );
        assert!(!text.to_lowercase().contains("warning"), "{text}");
    }
}

#[test]
fn every_font_is_embedded_as_a_subset() {
    for pdf in goldens() {
        let out = run("pdffonts", &[pdf.to_str().unwrap()]);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        let rows: Vec<&str> = text.lines().skip(2).collect();
        assert!(!rows.is_empty(), "no fonts listed for {}", pdf.display());
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert!(n >= 7, "{row}");
            // emb, sub, uni are the three yes/no columns before the object number.
            assert_eq!(
                &cols[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "{}: {row}",
                pdf.display()
            );
            assert!(cols[0].chars().nth(6) == Some('+'), "no subset tag: {row}");
        }
    }
}

#[test]
fn mupdf_reads_every_page_without_complaint() {
    for pdf in goldens() {
        let complaints = common::mupdf_complaints(&pdf);
        assert!(complaints.is_empty(), "{}: {complaints:?}", pdf.display());
    }
}

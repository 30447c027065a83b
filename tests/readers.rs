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

/// `HANDOUT_UNCOMPRESSED=1` writes a file to read by eye: no filters, no object streams,
/// a classic cross-reference table, operators and dictionaries in the open. qpdf checks
/// it, and a reader finds the same text as in the compressed file, which is smaller.
#[test]
fn the_uncompressed_file_for_inspection_reads_the_same() {
    let dir = common::scratch("uncompressed");
    let build = |name: &str, uncompressed: bool| -> Vec<u8> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_handout"));
        command
            .current_dir(&dir)
            .args([
                "build",
                &common::bundled_arg(),
                "--preset",
                "brief",
                "-o",
                name,
            ])
            .env_remove("SOURCE_DATE_EPOCH");
        if uncompressed {
            command.env(handout::render::UNCOMPRESSED_VAR, "1");
        } else {
            command.env_remove(handout::render::UNCOMPRESSED_VAR);
        }
        let out = command.output().expect("run handout");
        assert!(out.status.success(), "{}", common::stderr(&out));
        std::fs::read(dir.join(name)).expect("the PDF is written")
    };
    let plain = build("plain.pdf", true);
    let compact = build("compact.pdf", false);
    let has = |pdf: &[u8], needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);

    for needle in [&b"/FlateDecode"[..], b"/ObjStm", b"/XRef"] {
        assert!(!has(&plain, needle), "{}", String::from_utf8_lossy(needle));
        assert!(has(&compact, needle), "{}", String::from_utf8_lossy(needle));
    }
    // The table, the page's operators, a font's ToUnicode map, the structure tree.
    for needle in [
        &b"\nxref\n0 "[..],
        b"\ntrailer\n<<",
        b"BDC\n",
        b")Tj\n",
        b"beginbfchar",
        b"/StructTreeRoot",
    ] {
        assert!(has(&plain, needle), "{}", String::from_utf8_lossy(needle));
    }
    assert!(
        compact.len() * 10 < plain.len() * 6,
        "compressed {} bytes, uncompressed {}",
        compact.len(),
        plain.len()
    );
    // The XMP metadata is in the open in both.
    assert!(has(&plain, b"<pdfaid:part>2</pdfaid:part>"));
    assert!(has(&compact, b"<pdfaid:part>2</pdfaid:part>"));

    for name in ["plain.pdf", "compact.pdf"] {
        let file = dir.join(name);
        let out = run("qpdf", &["--check", file.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "qpdf --check {name}:\n{text}");
        assert!(
            text.contains("No syntax or stream encoding errors"),
            "{text}"
        );
        assert!(!text.to_lowercase().contains("warning"), "{text}");
    }
    assert_eq!(
        common::page_texts(&plain, "uncompressed-plain"),
        common::page_texts(&compact, "uncompressed-compact")
    );
}

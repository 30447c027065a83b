//! Golden files: the layout dump and the PDF of fixed builds of the bundled handout.
//! A change in output fails with a readable diff of the layout dump; regenerate on
//! purpose with `UPDATE_GOLDEN=1 cargo test --test golden`.

mod common;

use std::path::PathBuf;

use handout::layout::{dump::dump, Paper};
use handout::pipeline::Options;
use handout::select::Selection;
use similar::TextDiff;

fn golden_dir() -> PathBuf {
    common::root().join("tests/golden")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0" && !v.is_empty())
}

fn check(name: &str, selection: Selection, paper: Paper) {
    let (_, out) = common::build(selection, paper);
    compare(name, out);
}

fn compare(name: &str, out: handout::pipeline::Output) {
    let layout = dump(&out.layout);
    let layout_path = golden_dir().join(format!("{name}.layout.txt"));
    let pdf_path = golden_dir().join(format!("{name}.pdf"));
    if updating() {
        std::fs::create_dir_all(golden_dir()).expect("create golden dir");
        std::fs::write(&layout_path, &layout).expect("write golden layout");
        std::fs::write(&pdf_path, &out.pdf).expect("write golden pdf");
        eprintln!(
            "updated {} and {}",
            layout_path.display(),
            pdf_path.display()
        );
        return;
    }
    let expected_layout = std::fs::read_to_string(&layout_path).unwrap_or_else(|_| {
        panic!(
            "missing {}; create it with UPDATE_GOLDEN=1 cargo test --test golden",
            layout_path.display()
        )
    });
    if expected_layout != layout {
        let diff = TextDiff::from_lines(&expected_layout, &layout);
        let shown: String = diff
            .unified_diff()
            .context_radius(2)
            .header("golden", "now")
            .to_string()
            .lines()
            .take(120)
            .collect::<Vec<_>>()
            .join("\n");
        panic!(
            "layout of {name} changed (- golden, + now; first 120 lines of the diff):\n{shown}\n\n\
             If the change is intended: UPDATE_GOLDEN=1 cargo test --test golden"
        );
    }
    let expected_pdf =
        std::fs::read(&pdf_path).unwrap_or_else(|_| panic!("missing {}", pdf_path.display()));
    if expected_pdf != out.pdf {
        let at = expected_pdf
            .iter()
            .zip(&out.pdf)
            .position(|(a, b)| a != b)
            .unwrap_or(expected_pdf.len().min(out.pdf.len()));
        let around = |bytes: &[u8]| {
            let start = at.saturating_sub(40);
            let end = (at + 40).min(bytes.len());
            String::from_utf8_lossy(&bytes[start..end])
                .escape_debug()
                .to_string()
        };
        panic!(
            "the layout of {name} is unchanged but its PDF bytes differ: golden {} bytes, now {} bytes; \
             first difference at byte {at}:\n  golden: {}\n  now:    {}\n\
             (a change in rendering, fonts or printpdf). If intended: UPDATE_GOLDEN=1 cargo test --test golden",
            expected_pdf.len(),
            out.pdf.len(),
            around(&expected_pdf),
            around(&out.pdf)
        );
    }
}

#[test]
fn full_handout_letter() {
    check("full-letter", common::preset("full"), Paper::Letter);
}

#[test]
fn brief_letter() {
    check("brief-letter", common::preset("brief"), Paper::Letter);
}

#[test]
fn brief_a4() {
    check("brief-a4", common::preset("brief"), Paper::A4);
}

#[test]
fn single_section_medicines() {
    check(
        "section-medicines",
        Selection::Sections(vec!["medicines".into()]),
        Paper::Letter,
    );
}

#[test]
fn branded_brief_with_logo() {
    let profile = common::profile("riverside-spine.toml");
    let options = Options {
        profile: Some(&profile),
        ..Options::default()
    };
    compare(
        "branded-brief",
        common::build_with(common::BUNDLED, &options),
    );
}

#[test]
fn large_print_brief() {
    let options = Options {
        selection: Some(common::preset("brief")),
        large_print: true,
        ..Options::default()
    };
    compare(
        "large-print-brief",
        common::build_with(common::BUNDLED, &options),
    );
}

#[test]
fn personalized_brief_with_notes() {
    let personal = common::jane_doe();
    let options = Options {
        selection: Some(common::preset("brief")),
        personal: Some(&personal),
        ..Options::default()
    };
    compare(
        "personalized-brief",
        common::build_with(common::BUNDLED, &options),
    );
}

#[test]
fn spanish_brief() {
    let options = Options {
        selection: Some(common::preset("brief")),
        ..Options::default()
    };
    compare(
        "spanish-brief",
        common::build_with(common::SPANISH, &options),
    );
}

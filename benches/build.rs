//! Speed of one handout, in process: `cargo bench`. Figures are recorded in the README.

use std::path::Path;

use handout::labels::Labels;
use handout::model;
use handout::pipeline::{self, Options};
use handout::select::Selection;
use handout::vocabulary::Paper;

const BUNDLED: &str = "handouts/l3-l4-foraminal-narrowing.toml";

fn main() {
    divan::main();
}

fn options(preset: &str) -> Options<'static> {
    Options {
        selection: Some(Selection::Preset(preset.into())),
        paper: Some(Paper::Letter),
        ..Options::default()
    }
}

fn source() -> String {
    std::fs::read_to_string(BUNDLED).expect("run from the repository root")
}

#[divan::bench]
fn parse_and_validate(bencher: divan::Bencher) {
    let text = source();
    bencher.bench(|| {
        model::parse(Path::new(BUNDLED), divan::black_box(&text)).map(|h| h.sections.len())
    });
}

#[divan::bench(args = ["full", "brief"])]
fn layout_only(bencher: divan::Bencher, preset: &str) {
    let handout = model::parse(Path::new(BUNDLED), &source()).expect("valid");
    let labels = Labels::english();
    let options = options(preset);
    bencher.bench(|| {
        pipeline::lay_out(&handout, Path::new(BUNDLED), &options, &labels).map(|d| d.pages.len())
    });
}

#[divan::bench(args = ["full", "brief"])]
fn build_pdf(bencher: divan::Bencher, preset: &str) {
    let handout = model::parse(Path::new(BUNDLED), &source()).expect("valid");
    let options = options(preset);
    bencher.bench(|| pipeline::build(&handout, Path::new(BUNDLED), &options).map(|o| o.pdf.len()));
}

/// The brief in scripts that need the full shaper, line breaking by UAX #14 or
/// right-to-left setting: Chinese (with the CJK faces read at run time), Arabic, Hindi.
#[divan::bench(args = ["zh-Hans", "ar", "hi"])]
fn build_translated_brief(bencher: divan::Bencher, language: &str) {
    let path = format!("handouts/l3-l4-foraminal-narrowing.{language}.toml");
    let text = std::fs::read_to_string(&path).expect("run from the repository root");
    let handout = model::parse(Path::new(&path), &text).expect("valid");
    let options = options("brief");
    bencher.bench(|| pipeline::build(&handout, Path::new(&path), &options).map(|o| o.pdf.len()));
}

/// The same handout as one web page (`build --format html`): made from the selected
/// sections without laying out pages, so it should cost less than [`build_pdf`].
#[divan::bench(args = ["full", "brief"])]
fn build_html(bencher: divan::Bencher, preset: &str) {
    let handout = model::parse(Path::new(BUNDLED), &source()).expect("valid");
    let options = options(preset);
    bencher.bench(|| pipeline::build_html(&handout, Path::new(BUNDLED), &options).map(|p| p.len()));
}

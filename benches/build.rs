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

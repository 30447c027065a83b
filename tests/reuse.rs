//! What a batch or the server keeps from one build for the next (wrapped paragraphs,
//! the pages' shared content streams, written object streams, compressed streams) must
//! never change a byte: every document built after others in the same thread is the
//! document built alone, in a thread that has built nothing.

mod common;

use std::path::{Path, PathBuf};

use handout::model::{self, Handout};
use handout::personal::Personal;
use handout::pipeline::{self, Options};
use handout::select::Selection;
use handout::vocabulary::Paper;

struct Job {
    handout: usize,
    preset: &'static str,
    large_print: bool,
    paper: Paper,
    personal: Option<Personal>,
}

fn person(name: &str, notes: &[&str], follow_up: Option<&str>) -> Option<Personal> {
    Some(Personal {
        patient: Some(name.to_string()),
        date: "2026-11-25".parse().ok(),
        clinician: Some("Dr. Lee".to_string()),
        follow_up: follow_up.map(str::to_string),
        notes: notes.iter().map(|n| n.to_string()).collect(),
        notes_area: false,
    })
}

fn build(handouts: &[(Handout, PathBuf)], job: &Job, reuse: bool) -> Vec<u8> {
    let (handout, path) = &handouts[job.handout];
    let options = Options {
        selection: Some(Selection::Preset(job.preset.to_string())),
        paper: Some(job.paper),
        large_print: job.large_print,
        personal: job.personal.as_ref(),
        inputs: Some("0123456789abcdef".to_string()),
        reuse_across_builds: reuse,
        ..Options::default()
    };
    pipeline::build(handout, path, &options)
        .unwrap_or_else(|e| panic!("{} failed: {e}", path.display()))
        .pdf
}

#[test]
fn documents_built_one_after_another_are_the_documents_built_alone() {
    let handouts: Vec<(Handout, PathBuf)> = [
        common::BUNDLED,
        common::SPANISH,
        "handouts/l3-l4-foraminal-narrowing.ar.toml",
        "handouts/l3-l4-foraminal-narrowing.vi.toml",
    ]
    .iter()
    .map(|file| {
        let path = common::root().join(file);
        let (handout, _) = model::load(&path).expect("the bundled handout loads");
        (handout, path)
    })
    .collect();
    let long_note = "Take ibuprofen 400 mg with food, up to three times a day, for no more \
                     than 10 days. Stop if your stomach hurts, and call us.";
    let brief = |handout, personal| Job {
        handout,
        preset: "brief",
        large_print: false,
        paper: Paper::Letter,
        personal,
    };
    // Repeats of the same shape (the remembered parts are used), shapes that differ
    // only in the patient's details (name glyphs the handout lacks, a longer note that
    // moves everything below it), more shapes than a thread remembers (so the oldest
    // are dropped and made again), other handouts, languages and papers in between.
    let mut jobs = vec![
        brief(
            0,
            person("Jane Doe", &["Walk 20 minutes a day."], Some("In 2 weeks")),
        ),
        brief(
            0,
            person("John Roe", &["Walk 30 minutes a day."], Some("In 2 weeks")),
        ),
        brief(
            0,
            person(
                "María Hernández",
                &["Walk 30 minutes a day."],
                Some("In 2 weeks"),
            ),
        ),
        brief(0, person("Nguyễn Thị Thảo", &[long_note], None)),
        brief(0, None),
        brief(
            1,
            person(
                "José Muñoz",
                &["Camine 20 minutos al día."],
                Some("En 2 semanas"),
            ),
        ),
        brief(2, person("فاطمة خان", &["امشِ 20 دقيقة كل يوم."], None)),
        brief(3, person("Trần Văn An", &[], Some("Sau 2 tuần"))),
        Job {
            large_print: true,
            ..brief(0, person("Jane Doe", &["Walk 20 minutes a day."], None))
        },
        Job {
            paper: Paper::A4,
            ..brief(0, person("Jane Doe", &[long_note, "Walk daily."], None))
        },
        Job {
            preset: "full",
            ..brief(
                0,
                person("Jane Doe", &["Walk 20 minutes a day."], Some("In 2 weeks")),
            )
        },
    ];
    // And the first ones again, after all the others.
    jobs.push(brief(
        0,
        person("Ann Poe", &["Walk 20 minutes a day."], Some("In 2 weeks")),
    ));
    jobs.push(brief(
        0,
        person(
            "María Hernández",
            &["Walk 30 minutes a day."],
            Some("In 2 weeks"),
        ),
    ));

    let in_turn: Vec<Vec<u8>> = jobs.iter().map(|job| build(&handouts, job, true)).collect();
    for (index, (job, built)) in jobs.iter().zip(&in_turn).enumerate() {
        let alone = std::thread::scope(|s| {
            s.spawn(|| build(&handouts, job, false))
                .join()
                .expect("the build alone does not panic")
        });
        assert!(
            *built == alone,
            "job {index} ({}, {}) differs when built after the others: {} bytes, alone {}",
            Path::new(&handouts[job.handout].1).display(),
            job.preset,
            built.len(),
            alone.len()
        );
    }
    // A personalized page draws the patient's details in a stream of their own after
    // the one every patient's copy shares; a page without details has one stream.
    assert_eq!(content_streams(&in_turn[1]), vec![2]);
    assert_eq!(content_streams(&in_turn[4]), vec![1]);
}

/// How many content streams each page has.
fn content_streams(pdf: &[u8]) -> Vec<usize> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    doc.get_pages()
        .values()
        .map(|&page| {
            let dict = doc.get_dictionary(page).expect("a page is a dictionary");
            match dict.get(b"Contents").expect("a page has contents") {
                lopdf::Object::Array(streams) => streams.len(),
                _ => 1,
            }
        })
        .collect()
}

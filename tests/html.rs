//! The HTML backend: every word of the selected sections in the page, the language and
//! direction, nothing fetched and nothing unescaped, the same bytes for the same inputs;
//! `build --format html`; and the page as independent tools judge it (the W3C Nu Html
//! Checker, axe-core in Chromium: tests/browser/html.mjs).

mod common;

use std::path::Path;
use std::process::Command;

use handout::model::Handout;
use handout::personal::Personal;
use handout::pipeline::{self, Options};
use handout::select::{self, Selection};

fn html(handout: &Handout, path: &str, options: &Options<'_>) -> String {
    pipeline::build_html(handout, Path::new(path), options)
        .unwrap_or_else(|e| panic!("building {path} as HTML failed: {e}"))
}

/// The text a reader sees: the body without its tags, entities decoded. Written here
/// rather than taken from the library, so the backend's escaping is checked against
/// another reading of HTML.
fn body_text(page: &str) -> String {
    let body = &page[page.find("<body").expect("a body")..];
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                // Elements part words, as a browser's blocks do.
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').expect("an entity ends with ;");
        out.push_str(match &rest[..=end] {
            "&amp;" => "&",
            "&lt;" => "<",
            "&gt;" => ">",
            "&quot;" => "\"",
            "&#39;" => "'",
            other => panic!("an entity the backend does not write: {other}"),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn handout_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(common::root().join("handouts"))
        .expect("handouts/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| format!("handouts/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}

#[test]
fn every_word_of_the_selected_sections_is_in_the_page() {
    let profile = common::profile("riverside-spine.toml");
    let personal = common::jane_doe();
    for file in handout_files() {
        let handout = common::load(&file);
        for selection in select::preset_names(&handout) {
            let selection = Selection::Preset(selection);
            let options = Options {
                selection: Some(selection.clone()),
                profile: Some(&profile),
                personal: Some(&personal),
                ..Options::default()
            };
            let page = html(&handout, &file, &options);
            let text = common::normalize(&body_text(&page));
            let has = |what: &str, s: &str| {
                assert!(
                    text.contains(&common::normalize(s)),
                    "{file} ({selection:?}): {what} {s:?} is not in the page"
                )
            };
            for section in select::select(&handout, Path::new(&file), &selection).unwrap() {
                section.texts(|at, s| has(&format!("section {}, {}", section.id(), at()), s));
            }
            let meta = &handout.meta;
            has("title", &meta.title);
            meta.subtitle.iter().for_each(|s| has("subtitle", s));
            has("reviewer", &meta.reviewed_by);
            has("disclaimer", &handout.disclaimer);
            for (key, s) in personal.texts() {
                has(&key, s);
            }
            let clinic = profile.clinic.as_ref().unwrap();
            has("clinic", &clinic.name);
            // The disclaimer once, at the end.
            assert_eq!(
                text.matches(&common::normalize(&handout.disclaimer))
                    .count(),
                1
            );
            assert!(text
                .trim_end()
                .ends_with(&common::normalize(&handout.disclaimer)));
            // Sections not chosen are not there.
            let chosen = select::select(&handout, Path::new(&file), &selection).unwrap();
            for section in &handout.sections {
                let heading = format!("<h2 id=\"{}\">", section.id());
                let listed = chosen.iter().any(|s| s.id() == section.id());
                assert_eq!(page.contains(&heading), listed, "{file}: {}", section.id());
            }
        }
    }
}

#[test]
fn the_page_says_its_language_and_direction_and_has_one_h1() {
    for file in handout_files() {
        let handout = common::load(&file);
        let page = html(&handout, &file, &Options::default());
        let rtl = ["ar", "fa"].contains(&handout.meta.language.as_str());
        let start = format!(
            "<html lang=\"{}\" dir=\"{}\">",
            handout.meta.language,
            if rtl { "rtl" } else { "ltr" }
        );
        assert!(page.contains(&start), "{file}: no {start}");
        assert_eq!(page.matches("<h1").count(), 1, "{file}");
        assert_eq!(
            page.matches("<h2 id=").count(),
            handout.sections.len(),
            "{file}: a heading per section"
        );
    }
}

#[test]
fn the_page_fetches_nothing_runs_nothing_and_keeps_markup_as_text() {
    let handout = common::load(common::BUNDLED);
    let profile = common::profile("riverside-spine.toml");
    let personal = Personal {
        patient: Some("<script>alert(\"x\")</script> & 'Bo'".into()),
        notes: vec!["</p><img src=x onerror=alert(1)>".into()],
        ..Personal::default()
    };
    let options = Options {
        profile: Some(&profile),
        personal: Some(&personal),
        ..Options::default()
    };
    let page = html(&handout, common::BUNDLED, &options);
    assert!(!page.contains("<script"), "no script");
    assert!(!page.contains("<img src=x"), "markup in a note stays text");
    assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Bo&#39;"));
    for fetching in [
        "src=\"http",
        "href=\"//",
        "url(",
        "@import",
        "<link rel=\"stylesheet",
    ] {
        assert!(!page.contains(fetching), "{fetching}");
    }
    // The logo is in the page, with its description.
    let logo = profile.logo.as_ref().unwrap();
    assert!(
        page.contains("src=\"data:image/png;base64,iVBOR"),
        "the logo inline"
    );
    assert!(page.contains(&format!("alt=\"{}\"", logo.alt)));
    // The personal box before the first section, the notes area after the last.
    let again = html(&handout, common::BUNDLED, &options);
    assert_eq!(page, again, "the same inputs give the same bytes");
    let jane = common::jane_doe();
    let page = html(
        &handout,
        common::BUNDLED,
        &Options {
            personal: Some(&jane),
            ..Options::default()
        },
    );
    let personal_at = page.find("class=\"personal\"").unwrap();
    assert!(personal_at < page.find("<h2 id=").unwrap());
    assert!(page.find("class=\"my-notes\"").unwrap() > page.rfind("<h2 id=").unwrap());
}

#[test]
fn a_url_template_names_each_handout_in_the_pdf_and_the_page() {
    let mut handout = common::load(common::SPANISH);
    handout.meta.url =
        Some("https://handouts.clinic.example/handouts/{id}.html?language={language}".into());
    let expected = format!(
        "https://handouts.clinic.example/handouts/{}.html?language=es",
        handout.meta.id
    );
    let options = Options {
        selection: Some(common::preset("brief")),
        ..Options::default()
    };
    assert_eq!(options.url(&handout).as_deref(), Some(expected.as_str()));
    let page = html(&handout, common::SPANISH, &options);
    assert!(page.contains(&format!("<link rel=\"canonical\" href=\"{expected}\">")));
    let built = pipeline::build(&handout, Path::new(common::SPANISH), &options).unwrap();
    let dump = handout::layout::dump::dump(&built.layout);
    assert!(dump.contains(&expected), "the PDF prints the address");
    assert!(!dump.contains("{id}"));
}

#[test]
fn build_writes_a_web_page_by_format_or_file_name() {
    let dir = common::scratch("html-cli");
    let bundled = common::bundled_arg();
    let out = common::run(
        &dir,
        &["build", &bundled, "--preset", "brief", "--format", "html"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let named = dir.join("l3-l4-foraminal-narrowing-brief.html");
    let by_flag = std::fs::read_to_string(&named).expect("named like the PDF, .html");
    assert!(by_flag.starts_with("<!DOCTYPE html>"));
    let out = common::run(
        &dir,
        &["build", &bundled, "--preset", "brief", "-o", "x.html"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("x.html")).unwrap(),
        by_flag
    );
    let out = common::run(
        &dir,
        &[
            "build",
            &bundled,
            "--format",
            "html",
            "--layout-dump",
            "d.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("--layout-dump"));
}

#[test]
fn the_page_passes_the_nu_checker_and_axe_in_chromium() {
    let browser = common::root().join("tests/browser");
    assert!(
        browser.join("node_modules/vnu-jar").is_dir(),
        "vnu-jar is not installed: run scripts/test, which installs it into tests/browser"
    );
    let out = common::scratch("html-browser");
    let profile = common::profile("riverside-spine.toml");
    let personal = common::jane_doe();
    let mut files = Vec::new();
    for (file, name, full) in [
        (common::BUNDLED, "full.en.html", true),
        (common::BUNDLED, "brief.en.html", false),
        (
            "handouts/l3-l4-foraminal-narrowing.ar.toml",
            "brief.ar.html",
            false,
        ),
        (
            "handouts/l3-l4-foraminal-narrowing.fa.toml",
            "brief.fa.html",
            false,
        ),
        (
            "handouts/l3-l4-foraminal-narrowing.hi.toml",
            "brief.hi.html",
            false,
        ),
        (
            "handouts/l3-l4-foraminal-narrowing.zh-Hans.toml",
            "brief.zh.html",
            false,
        ),
    ] {
        let handout = common::load(file);
        let options = Options {
            selection: Some(common::preset(if full { "full" } else { "brief" })),
            profile: full.then_some(&profile),
            personal: full.then_some(&personal),
            ..Options::default()
        };
        let path = out.join(name);
        std::fs::write(&path, html(&handout, file, &options)).unwrap();
        files.push(path.display().to_string());
    }
    let run = Command::new("node")
        .current_dir(&browser)
        .arg("html.mjs")
        .arg(&out)
        .args(&files)
        .output()
        .expect("node must be installed");
    let shown = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{shown}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(shown.contains(" passed, 0 failed"), "{shown}");
}

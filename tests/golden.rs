//! Golden files: the layout dump and the PDF of fixed builds of the bundled handout.
//! A change in output fails with a readable diff of the layout dump; regenerate on
//! purpose with `UPDATE_GOLDEN=1 cargo test --test golden`.

mod common;

use std::path::PathBuf;

use handout::layout::dump::dump;
use handout::pipeline::Options;
use handout::select::Selection;
use handout::vocabulary::Paper;
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
        panic!(
            "the layout of {name} is unchanged but its PDF differs: golden {} bytes, now {} bytes \
             (a change in rendering or fonts). The PDF's lines that changed (- golden, + now; \
             font programs and images abbreviated):\n{}\n\n\
             If intended: UPDATE_GOLDEN=1 cargo test --test golden",
            expected_pdf.len(),
            out.pdf.len(),
            pdf_diff(&expected_pdf, &out.pdf)
        );
    }
}

/// A line diff of two PDFs. Flate streams are inflated first (object streams hold most
/// dictionaries), so dictionaries and content streams show as the objects and operators
/// that changed; font programs and images show as one line with their size and a hash.
fn pdf_diff(golden: &[u8], now: &[u8]) -> String {
    let text = |bytes: &[u8]| -> String {
        let mut shown = String::new();
        let mut rest = bytes;
        while let Some(start) = find(rest, b"stream\n") {
            let (head, tail) = rest.split_at(start + 7);
            shown.push_str(&String::from_utf8_lossy(head));
            // The stream's dictionary, from its `obj` line; our writer puts `/Length`
            // last: `<<.../Length 123>>\nstream\n`.
            let dict = head
                .windows(5)
                .rposition(|w| w == b" obj\n")
                .map_or(&head[..0], |at| &head[at..]);
            let dict = String::from_utf8_lossy(dict);
            let length = dict
                .rsplit("/Length ")
                .next()
                .and_then(|n| n.split(">>").next()?.trim().parse::<usize>().ok());
            let end = length
                .filter(|&n| n <= tail.len())
                .unwrap_or_else(|| find(tail, b"\nendstream").unwrap_or(tail.len()));
            let raw = &tail[..end];
            let flate = dict.contains("/FlateDecode");
            let inflated = flate.then(|| inflate(raw)).flatten();
            let data = inflated.as_deref().unwrap_or(raw);
            let binary = data
                .iter()
                .filter(|&&b| !(b == b'\n' || (0x20..0x7F).contains(&b)))
                .count();
            if binary * 20 > data.len() {
                let hash: String = handout::hash::of(data)[..6]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                shown.push_str(&format!("[binary data: {} bytes, hash {hash}]", data.len()));
            } else {
                shown.push_str(&String::from_utf8_lossy(data));
            }
            rest = &tail[end..];
        }
        shown.push_str(&String::from_utf8_lossy(rest));
        shown
            .lines()
            .map(|line| {
                let line: String = line
                    .chars()
                    .map(|c| if c.is_control() { '.' } else { c })
                    .collect();
                if line.chars().count() > 160 {
                    format!("{}…", line.chars().take(160).collect::<String>())
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (golden, now) = (text(golden), text(now));
    TextDiff::from_lines(&golden, &now)
        .unified_diff()
        .context_radius(1)
        .header("golden", "now")
        .to_string()
        .lines()
        .take(80)
        .collect::<Vec<_>>()
        .join("\n")
}

fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(bytes)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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

/// The brief of the clinic overlay in the format doc, over the bundled handout.
#[test]
fn overlay_brief() {
    let dir = common::library_with(
        "golden-overlay",
        &[("riverside-l3-l4.toml", &common::overlay_example())],
    );
    let path = dir.join("riverside-l3-l4.toml");
    let loaded = handout::library::load_file(&path).expect("the overlay resolves");
    let options = Options {
        selection: Some(common::preset("brief")),
        ..Options::default()
    };
    let out = handout::pipeline::build(&loaded.handout, &path, &options).expect("builds");
    compare("overlay-brief", out);
}

/// The brief in a language whose script needs shaping, line breaking or right-to-left
/// setting: Chinese (from the CJK collection found at run time), Arabic, Hindi and
/// Vietnamese.
fn translated_brief(language: &str) {
    let options = Options {
        selection: Some(common::preset("brief")),
        ..Options::default()
    };
    let file = format!("handouts/l3-l4-foraminal-narrowing.{language}.toml");
    compare(
        &format!("brief-{}", language.to_ascii_lowercase()),
        common::build_with(&file, &options),
    );
}

/// The installed version of a Debian package, for messages: `None` off Debian.
fn package_version(package: &str) -> Option<String> {
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", package])
        .output()
        .ok()?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !version.is_empty()).then_some(version)
}

/// The CJK collections a build reads now, as the fingerprint file lists them: one
/// `file bytes fingerprint` line each.
fn cjk_fonts_now() -> Vec<String> {
    handout::fonts::system::candidates()
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            format!(
                "{} {} {}",
                path.file_name().unwrap_or_default().to_string_lossy(),
                bytes.len(),
                handout::hash::hex(&handout::hash::fingerprint(&bytes))
            )
        })
        .collect()
}

/// A golden set in fonts read at run time from an unpinned package holds only while
/// those fonts are the ones it was made with: `NAME.fonts` records them, and a change
/// fails here naming the package's versions, before any layout is compared.
fn check_fonts_of(name: &str, package: &str) {
    let path = golden_dir().join(format!("{name}.fonts"));
    let now = cjk_fonts_now();
    let version = package_version(package).unwrap_or_else(|| "(version unknown)".into());
    if updating() {
        let mut text = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        text.push_str(&format!("package {package} {version}\n"));
        for line in &now {
            text.push_str(&format!("{line}\n"));
        }
        std::fs::write(&path, text).expect("write the fonts' fingerprints");
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing {}; create it with UPDATE_GOLDEN=1 cargo test --test golden",
            path.display()
        )
    });
    let recorded_version = recorded
        .lines()
        .find_map(|l| l.strip_prefix(&format!("package {package} ")))
        .unwrap_or("(not recorded)");
    let recorded_fonts: Vec<&str> = recorded
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("package ") && !l.is_empty())
        .collect();
    assert!(
        recorded_fonts == now,
        "the fonts changed, not the layout: the {name} golden was made with {package} \
         {recorded_version}, and this machine has {package} {version} (or HANDOUT_FONTS \
         names other files).\n\
         recorded: {recorded_fonts:?}\nnow:      {now:?}\n\
         Install {package} {recorded_version} to check the layout, or make the new fonts \
         the reference: UPDATE_GOLDEN=1 cargo test --test golden chinese_brief"
    );
}

#[test]
fn chinese_brief() {
    if !handout::fonts::Fonts::bundled().is_available(handout::fonts::Face::SimplifiedRegular) {
        // scripts/test installs fonts-noto-cjk; without it the brief cannot be set.
        panic!("Noto Sans CJK is not installed: apt install fonts-noto-cjk");
    }
    check_fonts_of("brief-zh-hans", "fonts-noto-cjk");
    translated_brief("zh-Hans");
}

#[test]
fn arabic_brief() {
    translated_brief("ar");
}

#[test]
fn hindi_brief() {
    translated_brief("hi");
}

#[test]
fn vietnamese_brief() {
    translated_brief("vi");
}

/// The bundled handout's brief as a web page (`build --format html`): a change in the
/// page fails with a diff of its lines.
#[test]
fn brief_html() {
    let (handout, path) = common::bundled();
    let options = Options {
        selection: Some(common::preset("brief")),
        ..Options::default()
    };
    let page = handout::pipeline::build_html(&handout, &path, &options).expect("builds");
    let golden = golden_dir().join("brief.html");
    if updating() {
        std::fs::write(&golden, &page).expect("write golden html");
        eprintln!("updated {}", golden.display());
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
        panic!(
            "missing {}; create it with UPDATE_GOLDEN=1 cargo test --test golden",
            golden.display()
        )
    });
    if expected != page {
        let diff = TextDiff::from_lines(&expected, &page);
        panic!(
            "the brief's web page changed (- golden, + now):\n{}\n\n\
             If the change is intended: UPDATE_GOLDEN=1 cargo test --test golden brief_html",
            diff.unified_diff()
                .context_radius(2)
                .header("golden", "now")
        );
    }
}

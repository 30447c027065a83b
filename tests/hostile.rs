//! The hostile-input suite: one table of bad or strange inputs, each run through the real
//! binary in a directory of its own. A refused input must exit with the right code, say
//! what to fix (with `file:line:col` where the input has a location), and leave no
//! output file and no temporary file behind. A strange but valid input (a 5,000-letter
//! word, zero-width joiners, a 10,000-item list) must render with every word on the page.

mod common;

use std::path::Path;

/// The small valid handout the fuzzers also start from.
fn small() -> String {
    std::fs::read_to_string(common::root().join("fuzz/seeds/handout_toml/small.toml"))
        .expect("small seed")
}

fn bundled() -> String {
    std::fs::read_to_string(common::root().join(common::BUNDLED)).expect("bundled")
}

/// The small handout with its first list item replaced.
fn with_item(item: &str) -> String {
    small().replace("\"Walk every day.\"", item)
}

fn profile_with_logo(logo: &str, alt: &str) -> String {
    format!("[clinic]\nname = \"Test Clinic\"\n\n[logo]\nfile = \"{logo}\"\nalt = \"{alt}\"\n")
}

fn png(width: u32, height: u32) -> Vec<u8> {
    // A valid PNG header claiming these dimensions, followed by nothing else: enough for
    // the size check, which must refuse before decoding.
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0]);
    bytes.extend([0, 0, 0, 0]);
    bytes
}

enum Expect {
    /// Refused: exit code and message fragments; `out.pdf` must not exist.
    Refused(i32, &'static [&'static str]),
    /// Rendered: each text, every word of it in order, must be in the PDF's body text
    /// (what is left when the small handout's header, footer, page numbers and bullets are
    /// taken away; see `body_text`).
    Renders(Vec<String>),
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    expect: Expect,
    /// A file the message must name, besides its fragments.
    names_file: Option<&'static str>,
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &[&str],
    expect: Expect,
) -> Case {
    Case {
        name,
        files,
        args: args.iter().map(|a| a.to_string()).collect(),
        expect,
        names_file: None,
    }
}

/// `build h.toml --profile p.toml -o out.pdf` with the small handout, the profile and
/// its other files; the message must also name the profile.
fn profile_case(
    name: &'static str,
    profile: String,
    mut files: Vec<(&'static str, Vec<u8>)>,
    fragments: &'static [&'static str],
) -> Case {
    files.push(("p.toml", profile.into_bytes()));
    files.push(("h.toml", small().into_bytes()));
    let mut case = case(
        name,
        files,
        &["build", "h.toml", "--profile", "p.toml", "-o", "out.pdf"],
        Expect::Refused(1, fragments),
    );
    case.names_file = Some("p.toml");
    case
}

/// `build h.toml -o out.pdf` on the given handout text.
fn build_case(name: &'static str, handout: impl Into<Vec<u8>>, expect: Expect) -> Case {
    case(
        name,
        vec![("h.toml", handout.into())],
        &["build", "h.toml", "-o", "out.pdf"],
        expect,
    )
}

fn cases() -> Vec<Case> {
    use Expect::{Refused, Renders};
    let s = small();
    let b = bundled();
    let mut latin1 = s.clone().into_bytes();
    let at = latin1.windows(4).position(|w| w == b"Walk").expect("Walk");
    latin1[at] = 0xE9; // é in Latin-1: not UTF-8
    let long_word = "a".repeat(5000);
    let long_url = format!("https://example.org/{}", "x".repeat(5000));
    let tall_paragraph = vec!["Walk slowly and rest often."; 900].join(" ");
    let many_items: Vec<String> = (0..10_000).map(|i| format!("\"Item {i}.\"")).collect();
    let nested = format!("{s}\nx = {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let oversized = format!("{}{s}", "# padding\n".repeat(900_000));
    let csv_header = "patient,handout,preset\n";
    let logo = std::fs::read(common::root().join("profiles/riverside-logo.png")).expect("logo");

    vec![
        // Bytes that are not TOML text.
        build_case("invalid UTF-8", latin1, Refused(1, &["h.toml:20:", "UTF-8"])),
        build_case(
            "NUL byte",
            s.replacen("Walk", "Wa\0lk", 1),
            Refused(1, &["h.toml:20:", "NUL byte"]),
        ),
        build_case(
            "truncated in a string",
            b[..5000].to_string(),
            Refused(1, &["h.toml:98:", "expected `\"`"]),
        ),
        build_case(
            "truncated in a table header",
            format!("{s}\n[[sections"),
            Refused(1, &["h.toml:22:11", "unclosed array table"]),
        ),
        build_case("empty file", "", Refused(1, &["h.toml:1:1", "missing field `disclaimer`"])),
        build_case(
            "control character escaped into a string",
            with_item("\"Walk\\u0007 every day.\""),
            Refused(1, &["control character U+0007", "section \"one\""]),
        ),
        // TOML syntax.
        build_case(
            "value missing",
            s.replace("title = \"One\"", "title ="),
            Refused(1, &["h.toml:16:", "string values must be quoted"]),
        ),
        build_case(
            "unterminated string",
            s.replace("title = \"One\"", "title = \"One"),
            Refused(1, &["h.toml:16:", "invalid basic string"]),
        ),
        build_case(
            "duplicate key",
            s.replace("title = \"One\"", "title = \"One\"\ntitle = \"Two\""),
            Refused(1, &["h.toml:17:1", "duplicate key"]),
        ),
        build_case(
            "deeply nested arrays",
            nested,
            Refused(1, &["h.toml:22:", "recursion"]),
        ),
        // Types and fields.
        build_case(
            "string where a list belongs",
            s.replace(
                "items = [\"Walk every day.\", \"Rest when it hurts.\"]",
                "items = \"Walk\"",
            ),
            Refused(1, &["h.toml:20:9", "expected a sequence"]),
        ),
        build_case(
            "string where a date belongs",
            s.replace("last_updated = 2025-05-20", "last_updated = \"yesterday\""),
            Refused(1, &["h.toml:8:16", "expected a TOML datetime"]),
        ),
        build_case(
            "number where text belongs",
            s.replace("title = \"One\"", "title = 1"),
            Refused(1, &["h.toml:16:", "invalid type: integer"]),
        ),
        build_case(
            "missing title",
            s.replace("title = \"A small handout\"\n", ""),
            Refused(1, &["missing field `title`"]),
        ),
        build_case(
            "missing disclaimer",
            s.replace("disclaimer = \"General information only.\"\n", ""),
            Refused(1, &["h.toml:", "missing field `disclaimer`"]),
        ),
        build_case(
            "missing blocks",
            s[..s.find("[[sections.blocks]]").expect("blocks")].to_string(),
            Refused(1, &["h.toml:14:1", "missing field `blocks`"]),
        ),
        build_case(
            "unknown top-level field",
            format!("colour = \"red\"\n{s}"),
            Refused(1, &["h.toml:1:1", "unknown field `colour`"]),
        ),
        build_case(
            "unknown field in a block",
            s.replace("type = \"bullets\"", "type = \"bullets\"\nbulets = []"),
            Refused(1, &["h.toml:", "unknown field `bulets`"]),
        ),
        build_case(
            "unknown block type",
            s.replace("type = \"bullets\"", "type = \"table\""),
            Refused(1, &["h.toml:19:8", "unknown variant `table`", "`do-avoid`"]),
        ),
        // Section ids and contents.
        build_case(
            "duplicate section id",
            format!("{s}\n[[sections]]\nid = \"one\"\ntitle = \"Again\"\n\n[[sections.blocks]]\ntype = \"paragraph\"\ntext = \"Again.\"\n"),
            Refused(1, &["h.toml:", "\"one\"", "twice"]),
        ),
        build_case(
            "empty section id",
            s.replace("id = \"one\"", "id = \"\""),
            Refused(1, &["h.toml:15:6", "kebab-case"]),
        ),
        build_case(
            "section without blocks",
            s.replace(
                "[[sections.blocks]]\ntype = \"bullets\"\nitems = [\"Walk every day.\", \"Rest when it hurts.\"]",
                "blocks = []",
            ),
            Refused(1, &["h.toml is not a valid handout", "section \"one\"", "no blocks"]),
        ),
        build_case(
            "empty list",
            s.replace(
                "items = [\"Walk every day.\", \"Rest when it hurts.\"]",
                "items = []",
            ),
            Refused(1, &["section \"one\"", "empty"]),
        ),
        build_case(
            "empty text",
            with_item("\"\""),
            Refused(1, &["bullets item 1", "the text is empty"]),
        ),
        case(
            "unknown section id",
            vec![("h.toml", s.clone().into_bytes())],
            &["build", "h.toml", "--sections", "one,nope", "-o", "out.pdf"],
            Refused(1, &["no section \"nope\"", "valid section ids: one"]),
        ),
        case(
            "unknown preset",
            vec![("h.toml", s.clone().into_bytes())],
            &["build", "h.toml", "--preset", "nope", "-o", "out.pdf"],
            Refused(1, &["no preset \"nope\"", "valid presets: full, brief"]),
        ),
        // Characters no bundled font has.
        build_case(
            "emoji",
            with_item("\"Walk 😀 every day.\""),
            Refused(1, &["'😀' (U+1F600)", "section \"one\"", "bullets item 1"]),
        ),
        build_case(
            "Tifinagh",
            with_item("\"ⴰⵣⵓⵍ every day.\""),
            Refused(1, &["(U+2D30)", "section \"one\"", "no bundled font draws it"]),
        ),
        build_case(
            "Ethiopic",
            with_item("\"ሰላም every day.\""),
            Refused(1, &["(U+1230)", "Noto Sans Ethiopic"]),
        ),
        // Scripts the fonts draw, inside an English handout: set whole.
        build_case(
            "CJK",
            with_item("\"散步 every day.\""),
            Renders(vec!["散步 every day.".into()]),
        ),
        build_case(
            "Arabic",
            with_item("\"Say سلام every day.\""),
            Renders(vec!["Say سلام every day.".into()]),
        ),
        // Strange but valid text: rendered whole.
        build_case(
            "zero-width joiner, soft hyphen and combining accent",
            with_item("\"Cafe\u{301} zero\u{200D}width soft\u{AD}hyphen.\""),
            // The joiner stays in the text (it is the author's), the soft hyphen goes.
            Renders(vec!["Café zero\u{200D}width softhyphen.".into()]),
        ),
        build_case(
            "5,000-letter word",
            with_item(&format!("\"{long_word}\"")),
            Renders(vec![long_word.clone()]),
        ),
        build_case(
            "5,000-character web address",
            with_item(&format!("\"{long_url}\"")),
            Renders(vec![long_url.clone()]),
        ),
        build_case(
            "paragraph taller than a page",
            with_item(&format!("\"{tall_paragraph}\"")),
            Renders(vec![tall_paragraph.clone()]),
        ),
        build_case(
            "10,000-item list",
            s.replace(
                "items = [\"Walk every day.\", \"Rest when it hurts.\"]",
                &format!("items = [{}]", many_items.join(", ")),
            ),
            Renders(vec![many_items.join(" ").replace('"', "")]),
        ),
        // Limits.
        build_case(
            "file over 8 MiB",
            oversized,
            Refused(1, &["h.toml", "8 MiB"]),
        ),
        // Logos and profiles.
        profile_case(
            "logo that is not an image",
            profile_with_logo("logo.png", "Test Clinic logo"),
            vec![("logo.png", b"this is text, not a picture".to_vec())],
            &["logo.png", "is not a PNG or JPEG image"],
        ),
        profile_case(
            "truncated logo",
            profile_with_logo("logo.png", "Test Clinic logo"),
            vec![("logo.png", logo[..logo.len() / 2].to_vec())],
            &["logo.png", "could not be decoded"],
        ),
        profile_case(
            "logo 20,000 pixels a side",
            profile_with_logo("logo.png", "Test Clinic logo"),
            vec![("logo.png", png(20_000, 20_000))],
            &["logo.png", "is 20000 x 20000 pixels", "10000"],
        ),
        profile_case(
            "missing logo",
            profile_with_logo("gone.png", "Test Clinic logo"),
            Vec::new(),
            &["gone.png", "cannot read the logo"],
        ),
        profile_case(
            "logo without a description",
            profile_with_logo("logo.png", "  "),
            vec![("logo.png", logo.clone())],
            &["logo.alt is empty"],
        ),
        profile_case(
            "profile with an unknown key",
            "[clinic]\nname = \"X\"\ncolour = \"red\"\n".into(),
            Vec::new(),
            &["p.toml:3:1", "unknown field `colour`"],
        ),
        profile_case(
            "profile with a misspelt top-level key",
            "acent = \"#1F4E79\"\n".into(),
            Vec::new(),
            &["unknown field `acent`"],
        ),
        profile_case(
            "profile with an unknown label",
            "[labels]\ndoo = \"Do\"\n".into(),
            Vec::new(),
            &["unknown label `doo`"],
        ),
        profile_case(
            "accent colour too light to read",
            "accent = \"#AAAAAA\"\n".into(),
            Vec::new(),
            &["p.toml is not a valid clinic profile", "contrast of only 2.32:1", "4.5:1"],
        ),
        case(
            "personal details no font can draw",
            vec![("h.toml", s.clone().into_bytes())],
            &["build", "h.toml", "--patient", "Jane 😀", "-o", "out.pdf"],
            Refused(1, &["U+1F600"]),
        ),
        case(
            "date that is not a date",
            vec![("h.toml", s.clone().into_bytes())],
            &["build", "h.toml", "--date", "2026-13-45", "-o", "out.pdf"],
            Refused(2, &["2026-13-45", "YYYY-MM-DD"]),
        ),
        // Patient lists.
        case(
            "CSV without the handout column",
            vec![
                ("list.csv", b"patient,preset\nJane,brief\n".to_vec()),
                ("handouts/small.toml", s.clone().into_bytes()),
            ],
            &["batch", "--csv", "list.csv", "--handouts", "handouts", "--out-dir", "out", "--quiet"],
            Refused(1, &["list.csv is not a valid patient list", "no `handout` column"]),
        ),
        case(
            "CSV row naming an unknown handout",
            vec![
                ("list.csv", format!("{csv_header}Jane,nope,brief\n").into_bytes()),
                ("handouts/small.toml", s.clone().into_bytes()),
            ],
            &["batch", "--csv", "list.csv", "--handouts", "handouts", "--out-dir", "out", "--quiet"],
            Refused(1, &["row 1", "nope", "small"]),
        ),
        case(
            "CSV with an unbalanced quote",
            vec![
                ("list.csv", format!("{csv_header}\"Jane,small,brief\nBo,small,brief\n").into_bytes()),
                ("handouts/small.toml", s.clone().into_bytes()),
            ],
            &["batch", "--csv", "list.csv", "--handouts", "handouts", "--out-dir", "out", "--quiet"],
            Refused(1, &["row 1", "list.csv:2:", "unbalanced quote"]),
        ),
        case(
            "CSV row with too many fields",
            vec![
                ("list.csv", format!("{csv_header}Jane,small,brief,extra\n").into_bytes()),
                ("handouts/small.toml", s.clone().into_bytes()),
            ],
            &["batch", "--csv", "list.csv", "--handouts", "handouts", "--out-dir", "out", "--quiet"],
            Refused(1, &["row 1", "list.csv:2:", "4 fields where the header has 3"]),
        ),
        // Output paths.
        case(
            "output in a missing directory",
            vec![("h.toml", s.clone().into_bytes())],
            &["build", "h.toml", "-o", "missing/out.pdf"],
            Refused(1, &["missing/out.pdf"]),
        ),
        case(
            "output in a read-only directory",
            vec![("h.toml", s.clone().into_bytes())],
            // sysfs refuses new files even to root, who can write anywhere else.
            &["build", "h.toml", "-o", "/sys/out.pdf"],
            // "Permission denied", or "Read-only file system" where /sys is mounted so.
            Refused(1, &["cannot write /sys/out.pdf"]),
        ),
        case(
            "output path that is a directory",
            vec![("h.toml", s.clone().into_bytes()), ("out.pdf/keep", Vec::new())],
            &["build", "h.toml", "-o", "out.pdf"],
            Refused(1, &["out.pdf", "directory"]),
        ),
        case(
            "output path equal to the input",
            vec![("h.toml", s.clone().into_bytes())],
            &["build", "h.toml", "-o", "h.toml"],
            Refused(1, &["h.toml", "input"]),
        ),
    ]
}

/// The body of the small handout's pages, without white space: each page's text (as
/// pdftotext reads it) without the header and title ("A small handout"), the footer's
/// disclaimer and "Page X of Y", the bullets, and the marks poppler puts around
/// right-to-left runs. A word broken across lines or pages then reads whole, so a case
/// can require every word of its text, in order.
fn body_text(pages: &[String]) -> String {
    let count = pages.len();
    let mut body = String::new();
    for (i, page) in pages.iter().enumerate() {
        let page = page
            .replace("A small handout", "")
            .replace("General information only.", "")
            .replace(&format!("Page {} of {count}", i + 1), "")
            .replace('•', "");
        body.extend(page.chars().filter(|c| {
            !c.is_whitespace() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        }));
    }
    body
}

fn abbreviate(text: &str) -> String {
    if text.chars().count() <= 60 {
        return text.to_string();
    }
    let head: String = text.chars().take(30).collect();
    let tail: String = text
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{head}…{tail} ({} characters)", text.chars().count())
}

/// Files in `dir` (recursively) whose names mark them as temporary.
fn temp_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(temp_files(&path));
            } else if path.to_string_lossy().ends_with(".tmp") {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

fn pdfs(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(pdfs(&path));
            } else if path.extension().is_some_and(|e| e == "pdf") {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[test]
fn every_hostile_input_is_refused_clearly_or_rendered_whole() {
    let all = cases();
    assert!(all.len() >= 40, "{} cases", all.len());
    let mut failures = Vec::new();
    for (n, case) in all.iter().enumerate() {
        let dir = common::scratch(&format!("hostile-{n}"));
        for (name, bytes) in &case.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create dir");
            }
            if !name.ends_with("/keep") {
                std::fs::write(&path, bytes).expect("write input");
            }
        }
        let inputs: Vec<(std::path::PathBuf, Vec<u8>)> = case
            .files
            .iter()
            .filter(|(name, _)| !name.ends_with("/keep"))
            .map(|(name, bytes)| (dir.join(name), bytes.clone()))
            .collect();
        let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let out = common::run(&dir, &args);
        let stderr = common::stderr(&out);
        let mut problems = Vec::new();
        match &case.expect {
            Expect::Refused(code, fragments) => {
                if out.status.code() != Some(*code) {
                    problems.push(format!("exit {:?}, expected {code}", out.status.code()));
                }
                if !stderr.starts_with("error: ") && !stderr.contains("\nerror: ") {
                    problems.push("no `error:` line".into());
                }
                for fragment in *fragments {
                    if !stderr.contains(fragment) {
                        problems.push(format!("message lacks {fragment:?}"));
                    }
                }
                if let Some(file) = case.names_file {
                    if !stderr.contains(file) {
                        problems.push(format!("message does not name {file}"));
                    }
                }
                let written = pdfs(&dir);
                if !written.is_empty() {
                    problems.push(format!("left output behind: {written:?}"));
                }
            }
            Expect::Renders(texts) => {
                if out.status.code() != Some(0) {
                    problems.push(format!("exit {:?}, expected 0", out.status.code()));
                } else {
                    let pdf = std::fs::read(dir.join("out.pdf")).expect("out.pdf");
                    let text = body_text(&common::page_texts(&pdf, &format!("hostile-{n}")));
                    for t in texts {
                        let t: String = t.split_whitespace().collect();
                        if !text.contains(&t) {
                            problems
                                .push(format!("rendered text lacks some of {:?}", abbreviate(&t)));
                        }
                    }
                }
            }
        }
        let temps = temp_files(&dir);
        if !temps.is_empty() {
            problems.push(format!("left temporary files: {temps:?}"));
        }
        for (path, bytes) in &inputs {
            if std::fs::read(path).ok().as_ref() != Some(bytes) {
                problems.push(format!("changed its input {}", path.display()));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n    stderr: {}",
                case.name,
                problems.join("; "),
                stderr
                    .lines()
                    .take(4)
                    .collect::<Vec<_>>()
                    .join("\n            ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

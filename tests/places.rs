//! Every mistake in a value is shown where it is: `file:line:col`, then the line with a
//! caret under the value, the way TOML syntax errors are. Each case runs the real binary
//! on a handout or profile with one bad value and checks the exit code, the words, the
//! line and column, and that the caret stands under the value at fault.

mod common;

/// The small handout the fuzzers start from (lines: 2 disclaimer, 4 [meta], 5 id,
/// 6 title, 7 language, 8 last_updated, 9 reviewed_by, 11 [presets], 12 brief,
/// 14 [[sections]], 15 id).
fn small() -> String {
    std::fs::read_to_string(common::root().join("fuzz/seeds/handout_toml/small.toml"))
        .expect("small seed")
}

struct Case {
    name: &'static str,
    /// The file named in the message, and its text.
    file: &'static str,
    text: String,
    args: &'static [&'static str],
    /// `file:line:col` expected.
    at: &'static str,
    /// What the caret must stand under: the text starting at that column.
    under: &'static str,
    words: &'static [&'static str],
}

fn handout(name: &'static str, text: String, at: &'static str, under: &'static str) -> Case {
    Case {
        name,
        file: "h.toml",
        text,
        args: &["check", "h.toml"],
        at,
        under,
        words: &[],
    }
}

fn profile(name: &'static str, text: &str, at: &'static str, under: &'static str) -> Case {
    Case {
        name,
        file: "p.toml",
        text: text.to_string(),
        args: &["build", "h.toml", "--profile", "p.toml", "-o", "out.pdf"],
        at,
        under,
        words: &["p.toml is not a valid clinic profile"],
    }
}

fn words(mut case: Case, words: &'static [&'static str]) -> Case {
    case.words = words;
    case
}

fn cases() -> Vec<Case> {
    let s = small();
    let with_meta = |extra: &str| s.replacen("reviewed_by = \"Fuzzing\"", extra, 1);
    let two_sections = format!(
        "{s}\n[[sections]]\nid = \"two\"\ntitle = \"Two\"\n\n[[sections.blocks]]\ntype = \"note\"\n\
         text = \"x\"\n\n[[sections]]\n  id = \"two\"\ntitle = \"Again\"\n\n[[sections.blocks]]\n\
         type = \"paragraph\"\ntext = \"x\"\n"
    );
    vec![
        // A character no font can draw, at the character itself.
        words(
            handout(
                "a character no font has, in a section",
                s.replace("\"Rest when", "\"Rest \u{E000} when"),
                "h.toml:20:35",
                "\u{E000} when",
            ),
            &[
                "section \"one\"",
                "no available font can draw '\\u{e000}' (U+E000)",
            ],
        ),
        words(
            handout(
                "a character no font has, in the title",
                s.replace("A small handout", "A small \u{E000} handout"),
                "h.toml:6:18",
                "\u{E000} handout",
            ),
            &["(U+E000)"],
        ),
        words(
            handout(
                "a preset naming a section the handout lacks",
                s.replace("brief = [\"one\"]", "brief = [\"one\", \"tow\"]"),
                "h.toml:12:17",
                "\"tow\"",
            ),
            &["presets.brief names section \"tow\"", "sections: one"],
        ),
        words(
            handout(
                "the same in a preset's table form",
                s.replace(
                    "brief = [\"one\"]",
                    "brief = { pages = 1, sections = [\"one\", \"tow\"] }",
                ),
                "h.toml:12:41",
                "\"tow\"",
            ),
            &["presets.brief names section \"tow\""],
        ),
        words(
            handout(
                "a preset's page target out of range",
                s.replace(
                    "brief = [\"one\"]",
                    "brief = { sections = [\"one\"], pages = 40 }",
                ),
                "h.toml:12:39",
                "40",
            ),
            &["presets.brief.pages is 40", "1 to 20"],
        ),
        words(
            handout(
                "a malformed ICD-10-CM code",
                with_meta("codes = [\"M54\", \"m48.061\"]\nreviewed_by = \"Fuzzing\""),
                "h.toml:9:17",
                "\"m48.061\"",
            ),
            &[
                "\"m48.061\" is not an ICD-10-CM code",
                "a capital letter, a digit and a digit or capital letter",
                "1 to 4 digits or capital letters",
            ],
        ),
        words(
            handout(
                "full redefined",
                s.replace("brief = [\"one\"]", "brief = [\"one\"]\nfull = [\"one\"]"),
                "h.toml:13:1",
                "full",
            ),
            &["presets.full is built in", "cannot be redefined"],
        ),
        words(
            handout(
                "review due before the last change",
                with_meta("reviewed_by = \"Fuzzing\"\nreview_due =   2024-01-31"),
                "h.toml:10:16",
                "2024-01-31",
            ),
            &["meta.review_due 2024-01-31 is before meta.last_updated 2025-05-20"],
        ),
        words(
            handout(
                "a date with a time",
                s.replace("2025-05-20", "2025-05-20T10:00:00"),
                "h.toml:8:16",
                "2025-05-20T10:00:00",
            ),
            &["meta.last_updated must be a plain date"],
        ),
        words(
            handout(
                "a duplicate section id",
                two_sections,
                "h.toml:31:8",
                "\"two\"",
            ),
            &["section id \"two\" is used twice"],
        ),
        words(
            handout(
                "an empty list, at its block's header",
                s.replace(
                    "items = [\"Walk every day.\", \"Rest when it hurts.\"]",
                    "items = []",
                ),
                "h.toml:18:1",
                "[[sections.blocks]]",
            ),
            &["section \"one\": block 1 (bullets): it is empty"],
        ),
        words(
            handout(
                "a language that is no tag",
                s.replace("\"en-US\"", "\"english\""),
                "h.toml:7:12",
                "\"english\"",
            ),
            &["meta.language \"english\" is not a BCP 47 language tag"],
        ),
        words(
            handout(
                "an empty disclaimer",
                s.replace("\"General information only.\"", "\"  \""),
                "h.toml:2:14",
                "\"  \"",
            ),
            &["disclaimer: the text is empty"],
        ),
        words(
            profile(
                "an accent too pale to read",
                "accent = \"#999999\"\n[clinic]\nname = \"C\"\n",
                "p.toml:1:10",
                "\"#999999\"",
            ),
            &["contrast of only 2.85:1", "4.5:1"],
        ),
        words(
            profile(
                "a body size out of range",
                "font_size =  9\n",
                "p.toml:1:14",
                "9",
            ),
            &["font_size 9 is outside 12–28 pt"],
        ),
        words(
            profile(
                "a fitting floor out of range",
                "font_size = 12\nmin_font_size = 8.5\n",
                "p.toml:2:17",
                "8.5",
            ),
            &["min_font_size 8.5 is outside 11–28 pt"],
        ),
        words(
            profile(
                "a margin out of range",
                "[margins_mm]\ntop = 10\nleft = 2\n",
                "p.toml:3:8",
                "2",
            ),
            &["margins_mm.left = 2 is outside 6–50 mm"],
        ),
        words(
            profile(
                "an unknown label",
                "[labels]\navoid = \"Evitar\"\ndoo = \"Hacer\"\n",
                "p.toml:3:7",
                "\"Hacer\"",
            ),
            &["unknown label `doo`"],
        ),
        words(
            profile(
                "a page label without its numbers",
                "[labels]\npage_of = \"Page\"\n",
                "p.toml:2:11",
                "\"Page\"",
            ),
            &["labels.page_of must contain {page} and {pages}"],
        ),
        words(
            profile(
                "both a preset and sections",
                "preset = \"brief\"\nsections = [\"one\"]\n",
                "p.toml:2:1",
                "sections",
            ),
            &["give either `preset` or `sections`, not both"],
        ),
        // Found only when the profile meets a handout, and still the profile's mistake.
        words(
            profile(
                "a preset the handout lacks",
                "paper = \"a4\"\npreset = \"breif\"\n",
                "p.toml:2:10",
                "\"breif\"",
            ),
            &["h.toml has no preset \"breif\"; valid presets: full, brief"],
        ),
        words(
            profile(
                "a section the handout lacks",
                "sections = [\"one\", \"two\"]\n",
                "p.toml:1:20",
                "\"two\"",
            ),
            &["h.toml has no section \"two\"; valid section ids: one"],
        ),
        words(
            profile(
                "an empty logo description",
                "[logo]\nfile = \"logo.png\"\nalt = \"\"\n",
                "p.toml:3:7",
                "\"\"",
            ),
            &["logo.alt is empty"],
        ),
        words(
            profile(
                "a web address that is not one",
                "url = \"clinic.example.org\"\n",
                "p.toml:1:7",
                "\"clinic.example.org\"",
            ),
            &["url: \"clinic.example.org\" is not a web address"],
        ),
    ]
}

/// The text from the caret's column on, in the source line an error shows under
/// `file:line:col`.
fn under_caret(stderr: &str, at: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let i = lines.iter().position(|l| l.contains(at))?;
    let (source, caret) = (lines.get(i + 2)?, lines.get(i + 3)?);
    let column = caret.chars().position(|c| c == '^')?;
    Some(source.chars().skip(column).collect())
}

#[test]
fn every_value_mistake_is_shown_at_its_line_and_column() {
    let all = cases();
    let mut failures = Vec::new();
    for (n, case) in all.iter().enumerate() {
        let dir = common::scratch(&format!("places-{n}"));
        std::fs::write(dir.join(case.file), &case.text).expect("write input");
        if case.file != "h.toml" {
            std::fs::write(dir.join("h.toml"), small()).expect("write handout");
        }
        let out = common::run(&dir, case.args);
        let stderr = common::stderr(&out);
        let mut problems = Vec::new();
        if out.status.code() != Some(1) {
            problems.push(format!("exit {:?}, expected 1", out.status.code()));
        }
        if !stderr.contains(&format!("{}: ", case.at)) {
            problems.push(format!("no {}", case.at));
        }
        for word in case.words {
            if !stderr.contains(word) {
                problems.push(format!("lacks {word:?}"));
            }
        }
        match under_caret(&stderr, case.at) {
            Some(text) if text.starts_with(case.under) => {}
            other => problems.push(format!("caret under {other:?}, not {:?}", case.under)),
        }
        if dir.join("out.pdf").exists() {
            problems.push("wrote out.pdf".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{stderr}", case.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

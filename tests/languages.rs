//! The built-in labels on real pages, for the languages the bundled fonts draw today
//! (Latin, with Vietnamese, and Cyrillic): each builds, and a PDF reader finds its
//! words and its form of the date where they belong.

mod common;

use std::path::Path;

use common::{jane_doe, load, page_texts, preset, SPANISH};
use handout::pipeline::{self, Options};

/// The Spanish handout relabelled as `language`, brief, with Jane Doe's details: its
/// pages' text as pdftotext reads it.
fn pages(language: &str) -> String {
    let mut handout = load(SPANISH);
    handout.meta.language = language.to_string();
    let personal = jane_doe();
    let options = Options {
        selection: Some(preset("brief")),
        personal: Some(&personal),
        ..Options::default()
    };
    let built = pipeline::build(&handout, Path::new(SPANISH), &options)
        .unwrap_or_else(|e| panic!("{language}: {e}"));
    page_texts(&built.pdf, &format!("language-{language}")).join("\n")
}

#[test]
fn each_language_prints_its_own_words_and_dates() {
    // The handout was last updated on 2025-05-20; Jane Doe's date is 2026-11-25.
    for (language, expected) in [
        (
            "fr-CA",
            &[
                "Dernière révision le 20 mai 2025 par",
                "Pour : Jane Doe",
                "Date : 25 novembre 2026",
                "Prochain rendez-vous :",
                "À faire",
                "Appelez le 911 ou allez aux urgences tout de suite si vous avez :",
                "Page 1 sur",
            ][..],
        ),
        (
            "pt-BR",
            &[
                "Revisado em 20 de maio de 2025 por",
                "Data: 25 de novembro de 2026",
                "Faça",
                "Página 1 de",
            ][..],
        ),
        (
            "ru",
            &[
                "Последняя проверка: 20 мая 2025 г. Рецензент:",
                "Дата: 25 ноября 2026 г.",
                "Что делать",
                "Чего избегать",
                "Страница 1 из",
            ][..],
        ),
        (
            "vi",
            &[
                "Xem xét lần cuối: 20 tháng 5 năm 2025 bởi",
                "Ngày: 25 tháng 11 năm 2026",
                "Nên tránh",
                "Trang 1/",
            ][..],
        ),
        (
            "fil",
            &[
                "Huling sinuri noong Mayo 20, 2025 ni",
                "Petsa: Nobyembre 25, 2026",
                "Pahina 1 ng",
            ][..],
        ),
        (
            "ht",
            &[
                "Dènye revizyon: 20 me 2025 pa",
                "Dat: 25 novanm 2026",
                "Paj 1 sou",
            ][..],
        ),
    ] {
        let page = pages(language);
        for words in expected {
            assert!(page.contains(words), "{language}: no {words:?} in\n{page}");
        }
        assert!(
            !page.contains("Página 1 de") || language == "pt-BR",
            "{language}"
        );
    }
}

/// The bundled brief in every language, each in its own script: it builds, a reader
/// gets its words back in reading order (every item of the do and avoid lists, as
/// pdftotext reads them with the spaces between words evened out), and PDF/UA-1 and
/// PDF/A-2a validation finds nothing wrong.
#[test]
fn every_translated_brief_builds_reads_back_and_validates() {
    let dir = common::scratch("every-brief");
    let mut files = Vec::new();
    for language in [
        "es", "zh-Hans", "zh-Hant", "vi", "ko", "ja", "tl", "ru", "ar", "fa", "hi", "ht", "fr",
        "pt",
    ] {
        let source = format!("handouts/l3-l4-foraminal-narrowing.{language}.toml");
        let handout = load(&source);
        let options = Options {
            selection: Some(preset("brief")),
            ..Options::default()
        };
        let built = pipeline::build(&handout, Path::new(&source), &options)
            .unwrap_or_else(|e| panic!("{language}: {e}"));
        let text =
            common::normalize(&page_texts(&built.pdf, &format!("brief-{language}")).join(" "));
        // Right-to-left lines are read back by poppler with its own direction marks.
        let text: String = text
            .chars()
            .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'))
            .collect();
        let section = handout
            .sections
            .iter()
            .find(|s| s.id.get_ref() == "do-and-avoid")
            .expect("the brief has do and avoid");
        let items: Vec<String> = section
            .blocks
            .iter()
            .find_map(|b| match b {
                handout::model::Block::DoAvoid { dos, avoid } => {
                    Some(dos.iter().chain(avoid).cloned().collect())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("{language}: no do/avoid table"));
        // Table cells wrap (Chinese and Japanese between any two characters), so the
        // letters of each item, in order, are what must be there, whatever the spacing.
        // In Arabic and Farsi, poppler places a vowel mark that shaping raised (fatha,
        // tanwin, shadda) a letter away from where it belongs: the letters are compared
        // without those marks (issue 13's note records this).
        let rtl = handout::language::is_right_to_left(language);
        let kept = |c: &char| {
            // Joiners draw nothing and readers may or may not keep them.
            let mark = rtl && unicode_normalization::char::is_combining_mark(*c);
            !(c.is_whitespace() || handout::fonts::is_invisible_format(*c) || mark)
        };
        let squeezed: String = text.chars().filter(kept).collect();
        for item in items {
            let letters: String = item.chars().filter(kept).collect();
            assert!(
                squeezed.contains(&letters),
                "{language}: {item:?} is not in the text read back:\n{text}"
            );
        }
        let file = dir.join(format!("brief-{language}.pdf"));
        std::fs::write(&file, &built.pdf).unwrap();
        files.push(file);
    }
    let out = std::process::Command::new(common::tools_python())
        .arg(common::root().join("scripts/validate-pdf"))
        .args(&files)
        .output()
        .expect("run scripts/validate-pdf");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

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

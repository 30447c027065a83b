//! Words and their wrapping into lines, seen together: `text` makes the words, `lines`
//! wraps them.

use super::*;
use crate::fonts::{Fonts, Style};
use crate::layout::text::*;
use crate::vocabulary::Rgb;

const BLACK: Rgb = Rgb(0, 0, 0);

fn english() -> Setting<'static> {
    Setting::new(Fonts::bundled(), "en")
}

fn plain(text: &str) -> Vec<Span<'_>> {
    vec![Span::new(text, Style::REGULAR, BLACK)]
}

fn line_text(line: &Line) -> String {
    line.runs.iter().map(|r| r.text.as_str()).collect()
}

fn set(text: &str, width: f32, setting: &Setting<'_>) -> Vec<Line> {
    wrap(
        words(&plain(text), 12.0, setting).unwrap(),
        width,
        12.0,
        setting,
    )
}

#[test]
fn wrapped_lines_fit_and_keep_every_word() {
    let s = english();
    let text = "Your spine is a stack of bones called vertebrae. Between them sit soft discs that act like cushions.";
    let lines = set(text, 150.0, &s);
    assert!(lines.len() > 2);
    for line in &lines {
        assert!(line.width <= 150.0 + 0.01, "{line:?}");
    }
    // Each line but the last ends in the space that separates it from the next.
    let joined: Vec<String> = lines.iter().map(line_text).collect();
    assert_eq!(joined.concat(), text);
    assert!(joined[..joined.len() - 1].iter().all(|l| l.ends_with(' ')));
}

#[test]
fn the_space_after_a_bold_label_is_kept_as_a_character() {
    let s = english();
    let spans = [
        Span::new("For:", Style::BOLD, BLACK),
        Span::new(" ", Style::REGULAR, BLACK),
        Span::new("Jane Doe", Style::REGULAR, BLACK),
    ];
    let lines = wrap(words(&spans, 12.0, &s).unwrap(), 500.0, 12.0, &s);
    assert_eq!(line_text(&lines[0]), "For: Jane Doe");
    assert_eq!(lines[0].runs[0].face, Face::Bold);
    assert_eq!(lines[0].runs[0].text, "For:");
    // The label's shaped width is where the next run starts.
    assert!((lines[0].runs[1].dx - lines[0].runs[0].width()).abs() < 0.01);
}

#[test]
fn line_width_is_the_shaped_width_and_kerning_tightens_it() {
    let s = english();
    let lines = set("AVAVAV Wave", 500.0, &s);
    assert_eq!(lines.len(), 1);
    let plain = s.width(Face::Regular, 12.0, "AVAVAV Wave");
    let run_sum: f32 = lines[0].runs.iter().map(Run::width).sum();
    assert!((lines[0].width - run_sum).abs() < 0.01);
    assert!(
        lines[0].width < plain - 1.0,
        "{} vs {plain}",
        lines[0].width
    );
}

#[test]
fn a_word_the_primary_face_lacks_a_letter_of_is_set_in_one_face() {
    let s = english();
    // Atkinson lacks κ and ư: the whole word goes to Noto Sans, not half and half.
    for word in ["NF-κB", "người"] {
        let lines = set(word, 500.0, &s);
        let faces: Vec<Face> = lines[0].runs.iter().map(|r| r.face).collect();
        assert_eq!(faces, [Face::FallbackRegular], "{word}");
        assert_eq!(line_text(&lines[0]), word);
    }
}

#[test]
fn a_word_wider_than_the_line_is_broken_not_overflowed() {
    let s = english();
    let long = "x".repeat(500);
    let lines = set(&long, 100.0, &s);
    assert!(lines.len() > 5);
    for line in &lines {
        assert!(line.width <= 100.0 + 0.01);
    }
    let total: usize = lines.iter().map(|l| line_text(l).len()).sum();
    assert_eq!(total, 500);
}

#[test]
fn missing_glyph_is_reported() {
    let s = english();
    assert_eq!(
        words(&plain("ok 😀"), 12.0, &s).unwrap_err(),
        MissingGlyph('😀')
    );
}

#[test]
fn combining_accents_are_composed() {
    let s = english();
    assert_eq!(line_text(&set("Cafe\u{301}", 500.0, &s)[0]), "Café");
}

#[test]
fn soft_hyphens_draw_nothing_and_never_break() {
    let s = english();
    let lines = set("spi\u{AD}nal", 500.0, &s);
    assert_eq!(line_text(&lines[0]), "spinal");
    // Narrower than the word: broken between letters as any long word, not at the
    // soft hyphen with a hyphen added.
    assert!(set("spi\u{AD}nal", 20.0, &s)
        .iter()
        .all(|l| !line_text(l).contains('-')));
}

#[test]
fn hyphens_are_not_break_points() {
    let s = english();
    let lines = set("well-known side-effects", 90.0, &s);
    let texts: Vec<String> = lines.iter().map(line_text).collect();
    assert_eq!(texts, ["well-known ", "side-effects"]);
}

#[test]
fn chinese_breaks_between_characters_but_never_before_closing_punctuation() {
    let fonts = crate::fonts::require_cjk();
    let s = Setting::new(fonts, "zh-Hans");
    let text = "保持健康体重，减轻腰部的负担。每天做锻炼，增强核心肌肉（腹部和背部）。";
    for width in [40.0, 55.0, 70.0, 90.0, 130.0] {
        let lines = set(text, width, &s);
        assert!(lines.len() > 1, "{width}");
        let texts: Vec<String> = lines.iter().map(line_text).collect();
        assert_eq!(texts.concat(), text);
        for (i, t) in texts.iter().enumerate() {
            assert!(lines[i].width <= width + 0.01);
            let first = t.chars().next().unwrap();
            let last = t.chars().last().unwrap();
            assert!(
                !"。，、）」".contains(first),
                "line starts with {first}: {texts:?}"
            );
            assert!(!"（「".contains(last), "line ends with {last}: {texts:?}");
        }
    }
}

#[test]
fn korean_breaks_at_spaces_only() {
    let fonts = crate::fonts::require_cjk();
    let s = Setting::new(fonts, "ko");
    let text = "건강한 체중을 유지하여 허리의 부담을 줄이세요";
    let lines = set(text, 80.0, &s);
    let words: Vec<&str> = text.split(' ').collect();
    for line in &lines {
        for piece in line_text(line).split(' ').filter(|p| !p.is_empty()) {
            assert!(words.contains(&piece), "{piece:?} is not a whole word");
        }
    }
}

#[test]
fn a_right_to_left_line_mirrors_its_runs_and_keeps_numbers_left_to_right() {
    let s = Setting::new(Fonts::bundled(), "ar");
    // "Take 200–400 mg daily": Arabic, a dose, Arabic.
    let text = "تناول 200–400 mg يوميا";
    let lines = set(text, 500.0, &s);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    // Reading order is kept in the runs' text.
    assert_eq!(line_text(line), text);
    let dose = line.runs.iter().find(|r| r.text.contains("200")).unwrap();
    assert!(!dose.rtl);
    let first = &line.runs[0];
    let last = line.runs.last().unwrap();
    assert!(first.rtl && last.rtl);
    // Laid out as the mirror image: the first word nearest the start (it becomes the
    // rightmost once the page is mirrored), the last word farthest.
    assert!(first.dx < dose.dx && dose.dx < last.dx, "{line:#?}");
}

#[test]
fn an_arabic_word_in_an_english_line_runs_right_to_left_in_place() {
    let s = english();
    let lines = set("Say سلام twice", 500.0, &s);
    let runs = &lines[0].runs;
    let arabic = runs.iter().find(|r| r.text.contains('س')).unwrap();
    assert!(arabic.rtl);
    assert_eq!(line_text(&lines[0]), "Say سلام twice");
    // In visual order its first letter's glyph is the last drawn.
    let clusters: Vec<u32> = arabic.glyphs.iter().map(|g| g.cluster).collect();
    assert!(clusters.windows(2).all(|w| w[0] >= w[1]), "{clusters:?}");
}

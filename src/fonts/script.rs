//! The few facts about writing systems that choosing a face needs: which characters
//! are Chinese, Japanese or Korean (set from the CJK collection in the regional form
//! the document's language asks for), and which font would draw a character none of
//! ours does.

/// A regional form of the CJK faces: the same code point is drawn differently in
/// Japan, Korea, mainland China and Taiwan (the collection's faces, in its order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cjk {
    Japanese,
    Korean,
    Simplified,
    Traditional,
}

impl Cjk {
    /// The face's index in Noto Sans CJK's collection (JP, KR, SC, TC, HK, …).
    pub fn collection_index(self) -> u32 {
        match self {
            Cjk::Japanese => 0,
            Cjk::Korean => 1,
            Cjk::Simplified => 2,
            Cjk::Traditional => 3,
        }
    }

    /// The form a BCP 47 tag asks for; Simplified Chinese for any other language, as
    /// for a Chinese word quoted in an English handout.
    pub fn for_language(tag: &str) -> Cjk {
        let lower = tag.to_ascii_lowercase();
        let mut parts = lower.split(['-', '_']);
        let language = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        match language {
            "ja" => Cjk::Japanese,
            "ko" => Cjk::Korean,
            "zh" | "yue" => {
                let traditional = rest
                    .iter()
                    .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"))
                    && !rest.contains(&"hans");
                // Cantonese is written in Traditional characters unless it says not.
                if traditional || (language == "yue" && !rest.contains(&"hans")) {
                    Cjk::Traditional
                } else {
                    Cjk::Simplified
                }
            }
            _ => Cjk::Simplified,
        }
    }
}

/// Characters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and
/// their presentation forms): text with none needs no bidirectional reordering.
pub fn is_rtl_char(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF
        | 0x1E800..=0x1EFFF)
}

/// Characters the CJK faces draw and ours do not: Han ideographs, kana, Hangul, CJK
/// punctuation and the full-width forms.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x2E80..=0x2FDF    // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3100..=0x312F    // bopomofo
        | 0x3130..=0x318F    // Hangul compatibility jamo
        | 0x3190..=0x31FF
        | 0x3200..=0x33FF    // enclosed, compatibility
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF    // Hangul syllables and jamo extended B
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF    // half- and full-width forms
        | 0x20000..=0x3134F) // extensions B–G
}

/// Which font or package would draw `c`, for the error that names a character no
/// available face has.
pub fn hint(c: char) -> String {
    let code = c as u32;
    if is_cjk(c) {
        return super::system::cjk_hint();
    }
    let script = match code {
        0x0590..=0x05FF => Some("Hebrew (Noto Sans Hebrew)"),
        0x0E00..=0x0E7F => Some("Thai (Noto Sans Thai)"),
        0x0980..=0x09FF => Some("Bengali (Noto Sans Bengali)"),
        0x0A00..=0x0A7F => Some("Gurmukhi (Noto Sans Gurmukhi)"),
        0x0B80..=0x0BFF => Some("Tamil (Noto Sans Tamil)"),
        0x1200..=0x137F => Some("Ethiopic (Noto Sans Ethiopic)"),
        0x1780..=0x17FF => Some("Khmer (Noto Sans Khmer)"),
        0x1F300..=0x1FAFF => Some("emoji, which a printed handout cannot rely on"),
        _ => None,
    };
    match script {
        Some(script) => format!("no bundled font draws {script}"),
        None => "no bundled font draws it".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_tags_choose_the_regional_form() {
        for (tag, form) in [
            ("zh", Cjk::Simplified),
            ("zh-CN", Cjk::Simplified),
            ("zh-Hans", Cjk::Simplified),
            ("zh-Hans-TW", Cjk::Simplified),
            ("zh-TW", Cjk::Traditional),
            ("zh-hk", Cjk::Traditional),
            ("zh-Hant", Cjk::Traditional),
            ("zh-Hant-CN", Cjk::Traditional),
            ("yue", Cjk::Traditional),
            ("ja-JP", Cjk::Japanese),
            ("ko", Cjk::Korean),
            ("en", Cjk::Simplified),
        ] {
            assert_eq!(Cjk::for_language(tag), form, "{tag}");
        }
    }

    #[test]
    fn cjk_ranges_hold_ideographs_kana_hangul_and_full_width_punctuation() {
        for c in ['中', '文', 'か', 'カ', '한', '。', '、', '」', '（', '）'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', 'é', 'ơ', 'κ', 'Ж', 'ع', 'क', '—'] {
            assert!(!is_cjk(c), "{c}");
        }
    }
}

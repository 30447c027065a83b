//! BCP 47 language tags as the tool compares them: which handout, and which built-in
//! labels, fit the language a request asks for, and which way a language is written.
//!
//! A tag is read case-insensitively into its language, script and region (variants and
//! extensions are read past and play no part). Two tags match when their languages are
//! the same (after the aliases below) and their scripts do not differ. A script not
//! written in the tag is the language's usual one where this module knows it, so
//! `zh-TW` is Traditional Chinese (`Hant`), `zh` and `zh-SG` Simplified (`Hans`), and
//! `sd-IN` Sindhi in Devanagari. The region otherwise plays no part: `es-MX` is `es`,
//! `pt-BR` and `pt-PT` are both `pt`.

use std::fmt;

/// A parsed language tag, in canonical case: `zh`, `Hant`, `TW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The language subtag, lowercase, with aliases resolved (`fil` is `tl`).
    pub language: String,
    /// The script subtag as written (`Hant`), if any.
    pub script: Option<String>,
    /// The region subtag as written (`TW`, `419`), if any.
    pub region: Option<String>,
}

/// Languages known by more than one code, each to the one this tool uses.
const ALIASES: &[(&str, &str)] = &[
    ("fil", "tl"),
    ("tgl", "tl"),
    ("cmn", "zh"),
    ("arb", "ar"),
    ("pes", "fa"),
    ("iw", "he"),
    ("ji", "yi"),
    ("in", "id"),
];

/// The aliases a translation's file may be named with, as people write them: a
/// `fil` file serves a `tl` request.
const FILE_NAMES: &[&str] = &["fil"];

/// Scripts written right to left.
const RIGHT_TO_LEFT_SCRIPTS: &[&str] = &[
    "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg", "Mand", "Samr",
];

impl Tag {
    /// Reads a tag (`zh-hant-tw`, `es_MX`, `fil`); `None` when it is not one.
    pub fn parse(tag: &str) -> Option<Tag> {
        let subtags: Vec<&str> = tag.trim().split(['-', '_']).collect();
        let well_formed = subtags
            .iter()
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
        let first = subtags[0];
        if !well_formed || first.len() < 2 || !first.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let mut language = first.to_ascii_lowercase();
        let mut script = None;
        let mut region = None;
        let mut rest = subtags[1..].iter().copied().peekable();
        let alpha = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_alphabetic());
        // Extended language subtags (`zh-yue`) name the language itself.
        if first.len() <= 3 {
            if let Some(extlang) = rest.next_if(|s| alpha(s, 3)) {
                language = extlang.to_ascii_lowercase();
                while rest.next_if(|s| alpha(s, 3)).is_some() {}
            }
        }
        if let Some(s) = rest.next_if(|s| alpha(s, 4)) {
            script = Some(title_case(s));
        }
        let numeric = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit());
        if let Some(r) = rest.next_if(|s| alpha(s, 2) || numeric(s)) {
            region = Some(r.to_ascii_uppercase());
        }
        // What follows (variants, extensions, private use) does not change which
        // language this is for the tool.
        if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == language) {
            language = (*to).to_string();
        }
        Some(Tag {
            language,
            script,
            region,
        })
    }

    /// The script: the one written in the tag, else the language's usual one (for the
    /// region, where that decides it), else `None` for a language this module does
    /// not know.
    pub fn script(&self) -> Option<&str> {
        self.script
            .as_deref()
            .or_else(|| likely_script(&self.language, self.region.as_deref()))
    }

    /// Whether text in `self` serves a reader who asked for `other`: the same
    /// language, and no two different scripts.
    pub fn matches(&self, other: &Tag) -> bool {
        self.language == other.language
            && match (self.script(), other.script()) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    /// Whether the language is written right to left (by its script).
    pub fn is_right_to_left(&self) -> bool {
        self.script()
            .is_some_and(|s| RIGHT_TO_LEFT_SCRIPTS.contains(&s))
    }

    /// The forms a file for this language may be named with, most specific first:
    /// `zh-Hant-TW`, `zh-TW`, `zh-Hant`, `zh` for `zh-tw`; `tl` and then `fil` for
    /// either. Made only of the tag's letters and digits, and dashes.
    pub fn file_forms(&self) -> Vec<String> {
        let mut languages = vec![self.language.as_str()];
        languages.extend(
            ALIASES
                .iter()
                .filter(|(from, to)| *to == self.language && FILE_NAMES.contains(from))
                .map(|(from, _)| *from),
        );
        let script = self.script.as_deref().or_else(|| {
            // The usual script is worth a file name only where it tells two apart.
            likely_script(&self.language, self.region.as_deref())
                .filter(|_| has_several_scripts(&self.language))
        });
        let mut forms: Vec<String> = Vec::new();
        for language in languages {
            let mut push = |form: String| {
                if !forms.contains(&form) {
                    forms.push(form);
                }
            };
            if let (Some(s), Some(r)) = (script, self.region.as_deref()) {
                push(format!("{language}-{s}-{r}"));
            }
            if let Some(r) = self.region.as_deref() {
                push(format!("{language}-{r}"));
            }
            if let Some(s) = script {
                push(format!("{language}-{s}"));
            }
            push(language.to_string());
        }
        forms
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.language)?;
        if let Some(script) = &self.script {
            write!(f, "-{script}")?;
        }
        if let Some(region) = &self.region {
            write!(f, "-{region}")?;
        }
        Ok(())
    }
}

fn title_case(subtag: &str) -> String {
    let lower = subtag.to_ascii_lowercase();
    let mut out = lower[..1].to_ascii_uppercase();
    out.push_str(&lower[1..]);
    out
}

/// Languages whose script the tag's region (or script subtag) decides.
fn has_several_scripts(language: &str) -> bool {
    matches!(
        language,
        "zh" | "yue" | "sr" | "pa" | "sd" | "az" | "uz" | "ms" | "ku"
    )
}

/// The script a language is usually written in, in a region where that matters.
fn likely_script(language: &str, region: Option<&str>) -> Option<&'static str> {
    Some(match (language, region) {
        ("zh", Some("TW" | "HK" | "MO")) => "Hant",
        ("zh", _) => "Hans",
        ("yue", Some("CN")) => "Hans",
        ("yue", _) => "Hant",
        ("sr", _) => "Cyrl",
        ("pa", Some("PK")) => "Arab",
        ("pa", _) => "Guru",
        ("sd", Some("IN")) => "Deva",
        ("az", Some("IR")) | ("uz", Some("AF")) | ("ku", Some("IQ" | "IR")) => "Arab",
        ("ms", Some("BN")) => "Latn",
        ("ar" | "fa" | "ur" | "ps" | "sd" | "ug" | "ckb", _) => "Arab",
        ("he" | "yi", _) => "Hebr",
        ("dv", _) => "Thaa",
        ("hi" | "mr" | "ne", _) => "Deva",
        ("bn", _) => "Beng",
        ("gu", _) => "Gujr",
        ("ta", _) => "Taml",
        ("te", _) => "Telu",
        ("ru" | "uk" | "bg" | "be" | "mk", _) => "Cyrl",
        ("el", _) => "Grek",
        ("hy", _) => "Armn",
        ("ka", _) => "Geor",
        ("am" | "ti", _) => "Ethi",
        ("th", _) => "Thai",
        ("km", _) => "Khmr",
        ("lo", _) => "Laoo",
        ("my", _) => "Mymr",
        ("ja", _) => "Jpan",
        ("ko", _) => "Kore",
        (
            "en" | "es" | "fr" | "pt" | "vi" | "tl" | "ht" | "de" | "it" | "pl" | "so" | "az"
            | "uz" | "ms" | "id" | "ku" | "sw" | "tr" | "nl" | "ro" | "hmn" | "sm" | "to" | "mh"
            | "chk",
            _,
        ) => "Latn",
        _ => return None,
    })
}

/// Whether text in language `have` serves a reader who asked for `want` (both BCP 47
/// tags). A tag that does not parse matches only itself, ignoring case.
pub fn matches(have: &str, want: &str) -> bool {
    match (Tag::parse(have), Tag::parse(want)) {
        (Some(a), Some(b)) => a.matches(&b),
        _ => have.trim().eq_ignore_ascii_case(want.trim()),
    }
}

/// The first of `offered` (tags) that serves a reader who asked for `want`.
pub fn best_match(want: &str, offered: &[&str]) -> Option<usize> {
    let want = Tag::parse(want)?;
    offered
        .iter()
        .position(|have| Tag::parse(have).is_some_and(|have| have.matches(&want)))
}

/// Whether a language is written right to left: Arabic, Farsi, Urdu, Hebrew, Pashto,
/// Sindhi, Uyghur, Yiddish, … (by the tag's script, else the language's usual one).
pub fn is_right_to_left(tag: &str) -> bool {
    Tag::parse(tag).is_some_and(|t| t.is_right_to_left())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_case_insensitively() {
        let tag = Tag::parse("ZH-hant-tw").unwrap();
        assert_eq!(
            (
                tag.language.as_str(),
                tag.script.as_deref(),
                tag.region.as_deref()
            ),
            ("zh", Some("Hant"), Some("TW"))
        );
        assert_eq!(tag.to_string(), "zh-Hant-TW");
        assert_eq!(Tag::parse("es_419").unwrap().to_string(), "es-419");
        assert_eq!(Tag::parse("fil-PH").unwrap().to_string(), "tl-PH");
        assert_eq!(Tag::parse("zh-yue-HK").unwrap().to_string(), "yue-HK");
        assert_eq!(
            Tag::parse("zh-cmn-Hans-CN").unwrap().to_string(),
            "zh-Hans-CN"
        );
        // Variants and extensions are read past.
        assert_eq!(Tag::parse("de-DE-1996").unwrap().to_string(), "de-DE");
        assert_eq!(
            Tag::parse("en-US-u-ca-gregory").unwrap().to_string(),
            "en-US"
        );
        for bad in [
            "",
            "e",
            "x-private",
            "en-",
            "en--US",
            "en US",
            "../etc",
            "123",
            "toolonglang",
        ] {
            assert_eq!(Tag::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn chinese_is_told_apart_by_script() {
        for simplified in [
            "zh",
            "zh-CN",
            "zh-SG",
            "zh-Hans",
            "zh-Hans-CN",
            "zh-hans",
            "cmn",
        ] {
            assert!(matches("zh-Hans", simplified), "{simplified}");
            assert!(!matches("zh-Hant", simplified), "{simplified}");
        }
        for traditional in ["zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-HK", "zh-tw"] {
            assert!(matches("zh-Hant", traditional), "{traditional}");
            assert!(!matches("zh-Hans", traditional), "{traditional}");
            assert!(!matches("zh", traditional), "{traditional}");
        }
        // A script written out wins over the region's usual one.
        assert!(matches("zh-Hans", "zh-Hans-TW"));
    }

    #[test]
    fn regions_and_aliases_do_not_keep_languages_apart() {
        for (have, want) in [
            ("pt", "pt-BR"),
            ("pt-BR", "pt-PT"),
            ("es", "es-MX"),
            ("es-ES", "es-419"),
            ("en-US", "en"),
            ("en", "en-Latn-GB"),
            ("tl", "fil"),
            ("fil", "tl-PH"),
            ("he", "iw"),
            ("EN-us", "en-US"),
        ] {
            assert!(matches(have, want), "{have} for {want}");
        }
        for (have, want) in [
            ("en", "es"),
            ("pt", "es"),
            ("sr", "sr-Latn"),
            ("en", "en-Cyrl"),
            ("ar", "fa"),
            ("sd", "sd-IN"),
        ] {
            assert!(!matches(have, want), "{have} for {want}");
        }
        // Not tags: compared as text.
        assert!(matches("klingon!", "KLINGON!"));
        assert!(!matches("en", "x-en"));
    }

    #[test]
    fn the_first_fitting_offer_is_chosen() {
        let offered = ["en", "es", "zh-Hans", "zh-Hant", "tl"];
        for (want, expected) in [
            ("zh", Some(2)),
            ("zh-TW", Some(3)),
            ("fil", Some(4)),
            ("es-MX", Some(1)),
            ("en-GB", Some(0)),
            ("de", None),
            ("not a tag", None),
        ] {
            assert_eq!(best_match(want, &offered), expected, "{want}");
        }
    }

    #[test]
    fn direction_follows_the_script() {
        for rtl in [
            "ar", "ar-EG", "fa", "fa-IR", "ur", "he", "iw", "ps", "sd", "ug", "yi", "az-Arab",
            "pa-PK", "dv",
        ] {
            assert!(is_right_to_left(rtl), "{rtl}");
        }
        for ltr in [
            "en", "es", "zh-Hant", "hi", "ru", "sd-IN", "sd-Deva", "ar-Latn", "pa", "xx", "", "??",
        ] {
            assert!(!is_right_to_left(ltr), "{ltr}");
        }
    }

    #[test]
    fn file_names_are_tried_from_the_most_specific() {
        let forms = |tag: &str| Tag::parse(tag).unwrap().file_forms();
        assert_eq!(forms("zh-tw"), ["zh-Hant-TW", "zh-TW", "zh-Hant", "zh"]);
        assert_eq!(forms("zh"), ["zh-Hans", "zh"]);
        assert_eq!(forms("es-mx"), ["es-MX", "es"]);
        assert_eq!(forms("fil"), ["tl", "fil"]);
        assert_eq!(forms("tl-PH"), ["tl-PH", "tl", "fil-PH", "fil"]);
        for form in forms("zh-Hant-HK-u-nu-hanidec") {
            assert!(
                form.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "{form}"
            );
        }
    }
}

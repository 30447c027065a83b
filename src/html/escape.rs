//! Text made safe for HTML, and bytes for a `data:` URI.

/// Appends `text` escaped for HTML text and quoted attribute values alike. Characters
/// HTML does not allow in a document (controls other than tab and newline,
/// non-characters) are dropped: the Nu checker calls them errors, and a browser would
/// show a box.
pub fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            '\t' | '\n' => continue,
            c if allowed(c) => continue,
            _ => "",
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
}

fn allowed(c: char) -> bool {
    let noncharacter = matches!(c, '\u{FDD0}'..='\u{FDEF}') || (c as u32 & 0xFFFE) == 0xFFFE;
    !c.is_control() && !noncharacter
}

/// Appends `bytes` in standard base64 with padding (RFC 4648), as a `data:` URI takes.
pub fn base64_into(out: &mut String, bytes: &[u8]) {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode_string(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_stays_text() {
        let mut out = String::new();
        escape_into(
            &mut out,
            "<b>\"Tom\" & 'Jerry'</b>\u{0}\u{7}\u{85}\u{FFFF}\nok",
        );
        assert_eq!(
            out,
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;\nok"
        );
    }

    #[test]
    fn base64_matches_rfc_4648() {
        // The test vectors of RFC 4648, section 10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64_into(&mut out, plain.as_bytes());
            assert_eq!(out, encoded, "{plain}");
        }
    }
}

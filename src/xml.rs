//! Text in XML (the SVG preview, the infobutton's Atom feed): escaped so that any text,
//! a patient's name included, stays text.

/// Characters XML 1.0 allows: tab, newline, carriage return, and everything from
/// space up except the non-characters U+FFFE and U+FFFF (Rust's `char` has no
/// surrogates).
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') || c >= '\u{10000}'
}

/// Appends `text` escaped for XML text and attribute values alike, dropping characters
/// XML cannot hold. Tab, newline and carriage return become character references, so
/// a parser hands them back as they were (it would turn them into spaces in attributes
/// and carriage returns into newlines in text).
pub fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            '\t' => "&#9;",
            '\n' => "&#10;",
            '\r' => "&#13;",
            c if allowed(c) => continue,
            _ => "",
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
}

/// `text`, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_characters_xml_cannot_hold() {
        let mut out = String::new();
        escape_into(
            &mut out,
            "<script>alert('x')</script> & \"q\"\u{0}\u{1}\u{1B}\u{FFFE}\tA\r\nü✓",
        );
        assert_eq!(
            out,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;&#9;A&#13;&#10;ü✓"
        );
    }
}

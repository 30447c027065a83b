//! Colours: sRGB triples, parsing `#RRGGBB`, and the WCAG contrast check against white
//! paper.

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

/// Parses `#RRGGBB` (the `#` is optional).
pub fn parse_hex(text: &str) -> Option<Rgb> {
    let hex = text.trim().strip_prefix('#').unwrap_or(text.trim());
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
}

/// WCAG 2 relative luminance.
fn luminance(c: Rgb) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
}

/// WCAG 2 contrast ratio of a colour against white, from 1 (white) to 21 (black).
pub fn contrast_on_white(c: Rgb) -> f64 {
    1.05 / (luminance(c) + 0.05)
}

/// The contrast WCAG 2 AA asks for normal-size text.
pub const MIN_CONTRAST: f64 = 4.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_colours() {
        assert_eq!(parse_hex("#1F4E79"), Some(Rgb(0x1F, 0x4E, 0x79)));
        assert_eq!(parse_hex("1f4e79"), Some(Rgb(0x1F, 0x4E, 0x79)));
        assert_eq!(parse_hex("#12345"), None);
        assert_eq!(parse_hex("#GG0000"), None);
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((contrast_on_white(Rgb(0, 0, 0)) - 21.0).abs() < 0.01);
        assert!((contrast_on_white(Rgb(255, 255, 255)) - 1.0).abs() < 0.01);
        // #767676 is the classic lightest grey that passes AA on white (4.54:1).
        assert!((contrast_on_white(Rgb(0x76, 0x76, 0x76)) - 4.54).abs() < 0.01);
        assert!(contrast_on_white(Rgb(0x77, 0x77, 0x77)) < MIN_CONTRAST);
    }
}

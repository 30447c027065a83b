//! Output file names that are safe on every file system, whatever a patient list holds.

/// Names Windows reserves whatever the extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The longest a single part of a name may be, so whole names stay far below the
/// 255-byte limit of common file systems.
const MAX_PART: usize = 60;

/// Folds common accented Latin letters to ASCII so "José Núñez" stays readable as
/// "jose-nunez"; other characters become separators.
fn fold(c: char) -> Option<char> {
    let folded = match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        'ç' | 'Ç' => 'c',
        'ý' | 'ÿ' | 'Ý' => 'y',
        c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
        _ => return None,
    };
    Some(folded)
}

/// One part of a file name: lowercase ASCII letters, digits and single dashes. Path
/// separators, dots (so no `..`), control characters and spaces all become dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_PART));
    for c in text.chars() {
        match fold(c) {
            Some(c) => out.push(c),
            None if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            None => {}
        }
        if out.len() >= MAX_PART {
            break;
        }
    }
    let trimmed = out.trim_matches('-').to_string();
    if trimmed.is_empty() {
        "unnamed".to_string()
    } else if RESERVED.contains(&trimmed.as_str()) {
        format!("{trimmed}-file")
    } else {
        trimmed
    }
}

/// A PDF file name from its parts, each made safe.
pub fn pdf_name(parts: &[&str]) -> String {
    let joined: Vec<String> = parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| slug(p))
        .collect();
    format!("{}.pdf", joined.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_safe() {
        assert_eq!(slug("José Núñez"), "jose-nunez");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("a\\b/c"), "a-b-c");
        assert_eq!(slug("bell\u{7}ring"), "bell-ring");
        assert_eq!(slug("CON"), "con-file");
        assert_eq!(slug("..."), "unnamed");
        assert_eq!(slug("李雷"), "unnamed");
        assert!(slug(&"x".repeat(500)).len() <= MAX_PART);
        assert_eq!(
            pdf_name(&["l3-l4-narrowing", "brief", "Jane O'Neil", "2026-11-25"]),
            "l3-l4-narrowing-brief-jane-o-neil-2026-11-25.pdf"
        );
    }
}

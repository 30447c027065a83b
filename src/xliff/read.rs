//! Reading an XLIFF 1.2 file back from a translator's tool, with quick-xml: the units'
//! ids, sources and targets, the fingerprint each group was exported with, and where in
//! the file each unit is (for messages). A file that is not well-formed XML is an error
//! at its `FILE:line:col`.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Error, SourceError};

/// One `<trans-unit>` as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadUnit {
    pub id: String,
    pub source: String,
    /// `None` when the unit has no `<target>`; an empty target is `Some("")`.
    pub target: Option<String>,
    /// The target's `state` (`translated`, `needs-review-translation`...), if it has one.
    pub state: Option<String>,
    /// The `fingerprint` of the `<group>` the unit is in, if the tool kept it.
    pub fingerprint: Option<String>,
    /// 1-based line of the unit's start tag.
    pub line: usize,
}

/// What an XLIFF file says.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The handout's id (`handout:id` on `<file>`), else `original` without `.toml`.
    pub id: Option<String>,
    pub source_language: Option<String>,
    pub target_language: Option<String>,
    pub units: Vec<ReadUnit>,
}

/// The local name of an element or attribute, without its prefix.
fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(at) => &name[at + 1..],
        None => name,
    }
}

/// An attribute: its prefix (empty for none), local name and value.
type Attribute = (Vec<u8>, Vec<u8>, String);

fn attributes(
    start: &BytesStart<'_>,
    path: &Path,
    text: &str,
    at: usize,
) -> Result<Vec<Attribute>, Error> {
    let mut out = Vec::new();
    for attribute in start.attributes() {
        let attribute =
            attribute.map_err(|e| malformed(path, text, at, &format!("bad attribute: {e}")))?;
        let key = attribute.key.as_ref();
        let prefix = key
            .iter()
            .position(|&b| b == b':')
            .map_or(Vec::new(), |p| key[..p].to_vec());
        let value = attribute
            .unescape_value()
            .map_err(|e| malformed(path, text, at, &format!("bad attribute value: {e}")))?;
        out.push((prefix, local(key).to_vec(), value.into_owned()));
    }
    Ok(out)
}

fn malformed(path: &Path, text: &str, offset: usize, message: &str) -> Error {
    Error::Source(Box::new(SourceError::at(
        path,
        text,
        offset.min(text.len()),
        format!("not a well-formed XLIFF file: {message}"),
    )))
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Where the reader is inside a unit: which text it is collecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collect {
    Nothing,
    Source,
    Target,
}

/// Reads `text`, the XLIFF file at `path`.
pub fn read(path: &Path, text: &str) -> Result<Document, Error> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut doc = Document::default();
    let mut saw_xliff = false;
    let mut depth = 0usize;
    let mut groups: Vec<Option<String>> = Vec::new();
    let mut unit: Option<ReadUnit> = None;
    let mut collect = Collect::Nothing;
    // Depth of elements inside <source>/<target> (inline markup), and inside
    // <seg-source> or <alt-trans>, whose text is not the unit's.
    let mut inline = 0usize;
    let mut skip = 0usize;
    let mut original: Option<String> = None;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let offset = reader.error_position() as usize;
            malformed(path, text, offset, &e.to_string())
        })?;
        match event {
            Event::Start(start) => {
                depth += 1;
                let name = local(start.name().as_ref()).to_vec();
                if skip > 0 {
                    skip += 1;
                    continue;
                }
                if collect != Collect::Nothing {
                    inline += 1;
                    continue;
                }
                match name.as_slice() {
                    b"xliff" => saw_xliff = true,
                    b"file" => {
                        for (prefix, key, value) in attributes(&start, path, text, at)? {
                            match (prefix.is_empty(), key.as_slice()) {
                                (true, b"source-language") => doc.source_language = Some(value),
                                (true, b"target-language") => doc.target_language = Some(value),
                                (true, b"original") => original = Some(value),
                                (false, b"id") => doc.id = Some(value),
                                _ => {}
                            }
                        }
                    }
                    b"group" => {
                        let fingerprint = attributes(&start, path, text, at)?
                            .into_iter()
                            .find(|(_, key, _)| key == b"fingerprint")
                            .map(|(_, _, v)| v);
                        groups.push(fingerprint);
                    }
                    b"trans-unit" => {
                        let id = attributes(&start, path, text, at)?
                            .into_iter()
                            .find(|(prefix, key, _)| prefix.is_empty() && key == b"id")
                            .map(|(_, _, v)| v)
                            .ok_or_else(|| malformed(path, text, at, "a <trans-unit> has no id"))?;
                        unit = Some(ReadUnit {
                            id,
                            source: String::new(),
                            target: None,
                            state: None,
                            fingerprint: groups.iter().rev().flatten().next().cloned(),
                            line: line_of(text, at),
                        });
                    }
                    b"source" if unit.is_some() => collect = Collect::Source,
                    b"target" if unit.is_some() => {
                        collect = Collect::Target;
                        let state = state_of(&start, path, text, at)?;
                        if let Some(unit) = unit.as_mut() {
                            unit.target = Some(String::new());
                            unit.state = state;
                        }
                    }
                    b"seg-source" | b"alt-trans" => skip = 1,
                    _ => {}
                }
            }
            Event::Empty(start) => {
                if skip > 0 || collect != Collect::Nothing {
                    continue;
                }
                match local(start.name().as_ref()) {
                    b"target" => {
                        let state = state_of(&start, path, text, at)?;
                        if let Some(unit) = unit.as_mut() {
                            unit.target = Some(String::new());
                            unit.state = state;
                        }
                    }
                    b"trans-unit" => {
                        return Err(malformed(path, text, at, "a <trans-unit> has no <source>"))
                    }
                    _ => {}
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if inline > 0 {
                    inline -= 1;
                    continue;
                }
                match local(end.name().as_ref()) {
                    b"source" | b"target" => collect = Collect::Nothing,
                    b"group" => {
                        groups.pop();
                    }
                    b"trans-unit" => doc.units.extend(unit.take()),
                    _ => {}
                }
            }
            Event::Text(t) if skip == 0 && collect != Collect::Nothing => {
                let piece = t
                    .decode()
                    .map_err(|e| malformed(path, text, at, &e.to_string()))?;
                push(&mut unit, collect, &piece);
            }
            // An entity XML does not define is a mistake wherever it is, not only in a
            // unit's text.
            Event::GeneralRef(r) => {
                let name = r
                    .decode()
                    .map_err(|e| malformed(path, text, at, &e.to_string()))?;
                let resolved = resolve(&name).ok_or_else(|| {
                    malformed(path, text, at, &format!("unknown entity &{name};"))
                })?;
                if skip == 0 && collect != Collect::Nothing {
                    push(&mut unit, collect, &resolved);
                }
            }
            Event::CData(c) if skip == 0 && collect != Collect::Nothing => {
                let piece = c
                    .decode()
                    .map_err(|e| malformed(path, text, at, &e.to_string()))?;
                push(&mut unit, collect, &piece);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth > 0 {
        return Err(malformed(
            path,
            text,
            text.len(),
            "the file ends before its elements are closed",
        ));
    }
    if !saw_xliff {
        return Err(malformed(path, text, 0, "no <xliff> element"));
    }
    if doc.id.is_none() {
        doc.id = original.map(|o| o.strip_suffix(".toml").unwrap_or(&o).to_string());
    }
    Ok(doc)
}

fn push(unit: &mut Option<ReadUnit>, collect: Collect, piece: &str) {
    let Some(unit) = unit.as_mut() else { return };
    match collect {
        Collect::Source => unit.source.push_str(piece),
        Collect::Target => unit.target.get_or_insert_with(String::new).push_str(piece),
        Collect::Nothing => {}
    }
}

/// The five predefined XML entities and character references.
fn resolve(name: &str) -> Option<String> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let code =
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    name.strip_prefix('#')?.parse().ok()?
                };
            char::from_u32(code)?
        }
    };
    Some(c.to_string())
}

fn state_of(
    start: &BytesStart<'_>,
    path: &Path,
    text: &str,
    at: usize,
) -> Result<Option<String>, Error> {
    Ok(attributes(start, path, text, at)?
        .into_iter()
        .find(|(prefix, key, _)| prefix.is_empty() && key == b"state")
        .map(|(_, _, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns:h=\"urn:x\">\
        <file original=\"x.toml\" source-language=\"en\" target-language=\"es\" h:id=\"x\">\
        <body><group id=\"a\" h:fingerprint=\"f\"><trans-unit id=\"a/title\">\
        <source>Día &amp; <![CDATA[<noche>]]></source><seg-source>skip</seg-source>\
        <target state=\"translated\">D&#237;a <mrk mtype=\"x\">y</mrk> noche</target>\
        </trans-unit></group></body></file></xliff>\n";

    #[test]
    fn units_entities_cdata_and_inline_markup_are_read_as_text() {
        let doc = read(Path::new("x.xlf"), SMALL).unwrap();
        assert_eq!(doc.id.as_deref(), Some("x"));
        assert_eq!(doc.target_language.as_deref(), Some("es"));
        let unit = &doc.units[0];
        assert_eq!(unit.source, "Día & <noche>");
        assert_eq!(unit.target.as_deref(), Some("Día y noche"));
        assert_eq!(unit.fingerprint.as_deref(), Some("f"));
        assert_eq!(unit.state.as_deref(), Some("translated"));
    }

    #[test]
    fn any_cut_of_a_file_is_read_or_refused_without_panicking() {
        for end in 0..SMALL.len() {
            if SMALL.is_char_boundary(end) {
                if let Err(err) = read(Path::new("x.xlf"), &SMALL[..end]) {
                    assert!(err.to_string().starts_with("x.xlf:"), "{err}");
                }
            }
        }
    }
}

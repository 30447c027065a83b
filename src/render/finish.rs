//! Completes the document (information dictionary, outline, structure tree, archival
//! metadata) and writes bytes that depend only on its content: fixed dates and a
//! trailer `/ID` computed from the content instead of a random one.

use lopdf::{Dictionary, Object};

use super::outline::text_string;
use super::{Info, PageMarks};
use crate::error::Error;

pub fn finish(
    mut doc: lopdf::Document,
    info: &Info,
    layout: &crate::layout::Document,
    marks: &[PageMarks],
) -> Result<Vec<u8>, Error> {
    let info_id = doc.add_object(Object::Dictionary(information(info)?));
    doc.trailer.set("Info", Object::Reference(info_id));
    super::outline::add(&mut doc, &layout.outline, layout.height).map_err(Error::Pdf)?;
    super::tags::add(&mut doc, &layout.structure, marks, &info.language).map_err(Error::Pdf)?;
    super::archival::add(&mut doc, info).map_err(Error::Pdf)?;

    // The ID only has to be unique to the content, so a hash of the file serves. Write
    // the file once with a zero placeholder, hash it, then put the hash in its place:
    // same length, so every offset in the cross-reference table stays right.
    const PLACEHOLDER: [u8; 16] = [0; 16];
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(PLACEHOLDER.to_vec(), lopdf::StringFormat::Hexadecimal),
            Object::String(PLACEHOLDER.to_vec(), lopdf::StringFormat::Hexadecimal),
        ]),
    );
    let mut bytes = super::write::to_bytes(&doc);
    let id = crate::hash::fingerprint(&bytes);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let (from, to) = (
        format!("<{}>", hex(&PLACEHOLDER)),
        format!("<{}>", hex(&id)),
    );
    // The trailer is at the end of the file; only its two placeholders are replaced.
    let tail_start = bytes.len().saturating_sub(1024);
    let mut replaced = 0;
    let mut at = tail_start;
    while let Some(pos) = find(&bytes[at..], from.as_bytes()) {
        let start = at + pos;
        bytes[start..start + to.len()].copy_from_slice(to.as_bytes());
        at = start + to.len();
        replaced += 1;
    }
    if replaced != 2 {
        return Err(Error::Pdf(format!(
            "expected the document ID twice in the trailer, found it {replaced} times"
        )));
    }
    Ok(bytes)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The document-information key batch runs record their inputs' hash under, so a rerun
/// can tell an up-to-date file from the file itself.
pub const INPUTS_KEY: &str = "HandoutInputs";

/// The inputs hash recorded in a PDF written by a batch run, if any.
pub fn recorded_inputs(pdf: &[u8]) -> Option<String> {
    let key = format!("/{INPUTS_KEY}(");
    let start = find(pdf, key.as_bytes())? + key.len();
    let len = pdf.get(start..)?.iter().position(|&b| b == b')')?;
    String::from_utf8(pdf.get(start..start + len)?.to_vec()).ok()
}

/// The document information dictionary. Its text says exactly what the XMP says
/// (PDF/A requires the two to agree).
fn information(info: &Info) -> Result<Dictionary, Error> {
    let date = super::archival::pdf_date(info.timestamp).map_err(Error::Pdf)?;
    let mut dict = Dictionary::new();
    dict.set("Title", text_string(&info.title));
    dict.set("Author", text_string(&info.author));
    dict.set("Subject", text_string(&info.subject));
    dict.set("Keywords", text_string(&super::archival::keywords(info)));
    dict.set("Creator", text_string(super::CREATOR));
    dict.set("Producer", text_string(super::PRODUCER));
    dict.set("CreationDate", Object::string_literal(date.clone()));
    dict.set("ModDate", Object::string_literal(date));
    if let Some(inputs) = &info.inputs {
        dict.set(
            INPUTS_KEY,
            Object::String(inputs.as_bytes().to_vec(), lopdf::StringFormat::Literal),
        );
    }
    Ok(dict)
}

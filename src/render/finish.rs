//! Completes the document (information dictionary, outline, structure tree, archival
//! metadata) and writes it; dates are fixed, and `write` derives the trailer `/ID`
//! from the content instead of a random one.

use super::compress::Mode;
use super::object::{Dictionary, Document, Object, ObjectId};

use super::outline::text_string;
use super::{Info, PageMarks};
use crate::error::Error;

pub fn finish(
    mut doc: Document,
    catalog: ObjectId,
    pages: &[ObjectId],
    info: &Info,
    layout: &crate::layout::Document,
    marks: &[PageMarks],
    mode: Mode,
) -> Result<Vec<u8>, Error> {
    let info_id = doc.add_object(information(info)?);
    doc.trailer.set("Info", Object::Reference(info_id));
    super::outline::add(&mut doc, catalog, pages, &layout.outline, layout.height)
        .map_err(Error::Pdf)?;
    super::tags::add(
        &mut doc,
        catalog,
        pages,
        &layout.structure,
        marks,
        &info.language,
    )
    .map_err(Error::Pdf)?;
    super::archival::add(&mut doc, catalog, info, mode).map_err(Error::Pdf)?;

    Ok(super::write::to_bytes(&doc, mode))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The document-information key batch runs record their inputs' hash under, so a rerun
/// can tell an up-to-date file from the file itself.
pub const INPUTS_KEY: &str = "HandoutInputs";

/// The inputs hash recorded in a PDF written by a batch run, if any. The information
/// dictionary is never packed into a compressed object stream (`write`), so the hash
/// is found without inflating anything.
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
        dict.set(INPUTS_KEY, Object::string_literal(inputs.as_bytes()));
    }
    Ok(dict)
}

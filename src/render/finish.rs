//! Turns the printpdf document into bytes that depend only on its content: fixed dates
//! and a trailer `/ID` computed from the content instead of printpdf's random one.

use lopdf::Object;
use printpdf::{PdfDocument, PdfSaveOptions};

use super::{Info, PageMarks};
use crate::error::Error;

pub fn finish(
    mut pdf: PdfDocument,
    info: &Info,
    layout: &crate::layout::Document,
    marks: &[PageMarks],
) -> Result<Vec<u8>, Error> {
    let (width, height) = (layout.width, layout.height);
    let date = printpdf::OffsetDateTime::from_unix_timestamp(info.timestamp)
        .map_err(|e| Error::Pdf(format!("bad document date: {e}")))?;
    let meta = &mut pdf.metadata.info;
    meta.document_title = info.title.clone();
    meta.author = info.author.clone();
    meta.subject = info.subject.clone();
    // One string, so the information dictionary and the XMP say exactly the same.
    meta.keywords = vec![super::archival::keywords(info)];
    meta.creator = super::CREATOR.to_string();
    meta.producer = super::PRODUCER.to_string();
    meta.creation_date = date;
    meta.modification_date = date;
    meta.metadata_date = date;

    let mut warnings = Vec::new();
    let mut doc = pdf.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    let problems: Vec<String> = warnings
        .iter()
        .filter(|w| matches!(w.severity, printpdf::PdfParseErrorSeverity::Error))
        .map(|w| w.msg.clone())
        .collect();
    if !problems.is_empty() {
        return Err(Error::Pdf(problems.join("; ")));
    }

    tidy_info(&mut doc, info.inputs.as_deref());
    exact_media_boxes(&mut doc, width, height);
    super::outline::add(&mut doc, &layout.outline, height).map_err(Error::Pdf)?;
    super::tags::add(&mut doc, &layout.structure, marks, &info.language).map_err(Error::Pdf)?;
    super::archival::add(&mut doc, info).map_err(Error::Pdf)?;
    // PDF/A-2 is built on PDF 1.7, and tags, XMP and output intents postdate the 1.3
    // printpdf declares.
    doc.version = "1.7".to_string();

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
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| Error::Pdf(format!("cannot serialize: {e}")))?;
    let id = crate::hash::of(&bytes);
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

/// printpdf claims PDF/X conformance in the info dictionary (`GTS_PDFXVersion`) and
/// writes an empty `Identifier`; neither is true of our files, so drop them.
fn tidy_info(doc: &mut lopdf::Document, inputs: Option<&str>) {
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    if let Some(dict) = info.and_then(|id| doc.get_dictionary_mut(id).ok()) {
        dict.remove(b"GTS_PDFXVersion");
        dict.remove(b"Identifier");
        dict.remove(b"Trapped");
        if let Some(inputs) = inputs {
            dict.set(
                INPUTS_KEY,
                Object::String(inputs.as_bytes().to_vec(), lopdf::StringFormat::Literal),
            );
        }
    }
}

/// printpdf takes page sizes in millimetres, so points come back with rounding error
/// (792.001); set the exact size.
fn exact_media_boxes(doc: &mut lopdf::Document, width: f32, height: f32) {
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    for id in pages {
        if let Ok(page) = doc.get_dictionary_mut(id) {
            let rect = vec![
                Object::Integer(0),
                Object::Integer(0),
                Object::Real(width),
                Object::Real(height),
            ];
            page.set("MediaBox", Object::Array(rect.clone()));
            if page.has(b"CropBox") {
                page.set("CropBox", Object::Array(rect.clone()));
            }
            if page.has(b"TrimBox") {
                page.set("TrimBox", Object::Array(rect));
            }
        }
    }
}

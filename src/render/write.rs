//! Serializes a [`Document`] to bytes, in one of two forms (`compress::Mode`):
//!
//! - compact: streams Flate-compressed, every other object (but the information
//!   dictionary) packed into compressed object streams, and a cross-reference stream
//!   (PDF 1.5, allowed by PDF/A-2);
//! - plain: objects in number order as text, streams as they are, a classic
//!   cross-reference table and trailer.
//!
//! lopdf's writer formats every token through `core::fmt`; this one appends bytes
//! directly, which makes it several times faster on our files, and it writes numbers
//! the same way everywhere so output is reproducible to the byte.

use super::compress::{self, Mode};
use super::object::{Dictionary, Document, Object, ObjectId, StringFormat};

/// Objects per object stream. Readers inflate a whole object stream to read one of its
/// objects; a full handout has about 600 small objects.
const OBJECTS_PER_STREAM: usize = 512;

/// The whole file. Objects missing from the id range become free entries. The trailer's
/// `/ID` (any the document sets is replaced) is a fingerprint of everything written
/// before it: it only has to identify the content, and must not change between runs.
pub fn to_bytes(doc: &Document, mode: Mode) -> Vec<u8> {
    let content: usize = doc
        .objects()
        .map(|(_, o)| match o {
            Object::Stream(s) => s.content.len() + 128,
            _ => 96,
        })
        .sum();
    let capacity = match mode {
        Mode::Plain => content + 20 * doc.len() + 1024,
        Mode::Compact => content / 3 + 1024,
    };
    let mut out = Vec::with_capacity(capacity);
    // A comment of bytes above 127 marks the file as binary to transfer tools, as
    // PDF/A asks.
    out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    match mode {
        Mode::Plain => plain(doc, out),
        Mode::Compact => compact(doc, out),
    }
}

/// Where an object is: at an offset in the file, or at an index in an object stream.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Free,
    File(usize, u16),
    Packed(u32, u32),
}

fn plain(doc: &Document, mut out: Vec<u8>) -> Vec<u8> {
    let max_id = doc.objects().map(|(id, _)| id.0).max().unwrap_or(0);
    let mut offsets = vec![None; max_id as usize + 1];
    for ((id, generation), object) in doc.objects() {
        offsets[id as usize] = Some((out.len(), generation));
        indirect(&mut out, (id, generation), object, Mode::Plain);
    }

    let xref = out.len();
    out.extend_from_slice(b"xref\n0 ");
    integer(&mut out, i64::from(max_id) + 1);
    out.extend_from_slice(b"\n0000000000 65535 f\r\n");
    for entry in &offsets[1..] {
        match entry {
            Some((offset, generation)) => {
                padded(&mut out, *offset as u64, 10);
                out.push(b' ');
                padded(&mut out, u64::from(*generation), 5);
                out.extend_from_slice(b" n\r\n");
            }
            None => out.extend_from_slice(b"0000000000 00000 f\r\n"),
        }
    }
    let mut trailer = doc.trailer.clone();
    trailer.set("Size", Object::Integer(i64::from(max_id) + 1));
    trailer.set("ID", fingerprint(&out));
    out.extend_from_slice(b"trailer\n");
    dictionary(&mut out, &trailer);
    end(out, xref)
}

fn compact(doc: &Document, mut out: Vec<u8>) -> Vec<u8> {
    let max_id = doc.objects().map(|(id, _)| id.0).max().unwrap_or(0);
    // Found by `render::recorded_inputs` in the raw bytes: kept out of object streams.
    let info = match doc.trailer.get("Info") {
        Some(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    let mut entries = vec![Entry::Free; max_id as usize + 1];
    let mut packed: Vec<(u32, &Object)> = Vec::new();
    for ((id, generation), object) in doc.objects() {
        // Streams cannot go into object streams (PDF 32000 7.5.7), nor can objects of
        // another generation.
        if matches!(object, Object::Stream(_)) || generation != 0 || info == Some((id, 0)) {
            entries[id as usize] = Entry::File(out.len(), generation);
            indirect(&mut out, (id, generation), object, Mode::Compact);
        } else {
            packed.push((id, object));
        }
    }

    let mut next = max_id + 1;
    for group in packed.chunks(OBJECTS_PER_STREAM) {
        let stream_id = next;
        next += 1;
        for (index, &(id, _)) in group.iter().enumerate() {
            entries[id as usize] = Entry::Packed(stream_id, index as u32);
        }
        let (content, first) = if doc.repeats {
            remembered_object_stream(group)
        } else {
            object_stream(group)
        };
        let mut dict = Dictionary::new();
        dict.set("Type", Object::name("ObjStm"));
        dict.set("N", Object::Integer(group.len() as i64));
        dict.set("First", Object::Integer(first as i64));
        entries.push(Entry::File(out.len(), 0));
        let stream = super::object::Stream::repeating(dict, content);
        indirect(
            &mut out,
            (stream_id, 0),
            &Object::from(stream),
            Mode::Compact,
        );
    }

    // The cross-reference stream describes itself too.
    let xref_id = next;
    let xref = out.len();
    entries.push(Entry::File(xref, 0));
    let size = entries.len();
    let largest = entries
        .iter()
        .map(|e| match e {
            Entry::File(offset, _) => *offset as u64,
            Entry::Packed(stream, _) => u64::from(*stream),
            Entry::Free => 0,
        })
        .max()
        .unwrap_or(0);
    let wide = (1..8).find(|&w| largest < 1 << (8 * w)).unwrap_or(8);
    let mut rows = Vec::with_capacity(size * (wide + 3));
    for (id, entry) in entries.iter().enumerate() {
        let (kind, field, extra) = match *entry {
            // Object 0 heads the list of free objects, with the highest generation.
            Entry::Free if id == 0 => (0, 0, 65535),
            Entry::Free => (0, 0, 0),
            Entry::File(offset, generation) => (1, offset as u64, u32::from(generation)),
            Entry::Packed(stream, index) => (2, u64::from(stream), index),
        };
        rows.push(kind);
        rows.extend_from_slice(&field.to_be_bytes()[8 - wide..]);
        rows.extend_from_slice(&(extra as u16).to_be_bytes());
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::name("XRef"));
    for (key, item) in doc.trailer.iter() {
        dict.set(key, item.clone());
    }
    dict.set("Size", Object::Integer(size as i64));
    dict.set(
        "W",
        Object::Array(vec![
            Object::Integer(1),
            Object::Integer(wide as i64),
            Object::Integer(2),
        ]),
    );
    dict.set("ID", fingerprint(&out));
    let stream = super::object::Stream::new(dict, rows);
    indirect(&mut out, (xref_id, 0), &Object::from(stream), Mode::Compact);
    end(out, xref)
}

/// An object stream's content: the objects' numbers and offsets, then the objects; and
/// where the objects start.
fn object_stream(group: &[(u32, &Object)]) -> (Vec<u8>, usize) {
    let mut numbers = Vec::with_capacity(group.len() * 8);
    let mut bodies = Vec::with_capacity(group.len() * 64);
    for (index, &(id, object)) in group.iter().enumerate() {
        if index > 0 {
            numbers.push(b' ');
        }
        integer(&mut numbers, i64::from(id));
        numbers.push(b' ');
        integer(&mut numbers, bodies.len() as i64);
        value(&mut bodies, object);
        bodies.push(b'\n');
    }
    numbers.push(b'\n');
    let first = numbers.len();
    numbers.extend_from_slice(&bodies);
    (numbers, first)
}

/// [`object_stream`], written once per thread for objects the documents before had
/// too: a batch's briefs repeat their structure trees object for object, and writing
/// them was a sixth of a brief. Objects equal in value write the same bytes (a real is
/// written from its value, so 0 and -0 alike), and a group is reused only when every
/// object and number is equal.
fn remembered_object_stream(group: &[(u32, &Object)]) -> (Vec<u8>, usize) {
    /// Objects as numbered, and the stream they made.
    type Written = (Vec<(u32, Object)>, Vec<u8>, usize);
    /// The streams a thread keeps, in bytes written (the objects behind them take about
    /// three times as much): half a dozen briefs' structure trees, or one full handout's.
    const BUDGET: usize = 64 * 1024;
    thread_local! {
        /// Least recently used first.
        static GROUPS: std::cell::RefCell<Vec<Written>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    GROUPS.with_borrow_mut(|groups| {
        let same = |(kept, _, _): &Written| {
            kept.len() == group.len()
                && kept
                    .iter()
                    .zip(group)
                    .all(|((a, x), (b, y))| a == b && x == *y)
        };
        if let Some(at) = groups.iter().position(same) {
            let hit = groups.remove(at);
            let written = (hit.1.clone(), hit.2);
            groups.push(hit);
            return written;
        }
        let (content, first) = object_stream(group);
        if content.len() <= BUDGET {
            while groups.iter().map(|g| g.1.len()).sum::<usize>() + content.len() > BUDGET {
                groups.remove(0);
            }
            let kept = group.iter().map(|&(id, o)| (id, o.clone())).collect();
            groups.push((kept, content.clone(), first));
        }
        (content, first)
    })
}

/// The document ID: twice the fingerprint of the bytes so far.
fn fingerprint(out: &[u8]) -> Object {
    let id = Object::String(
        crate::hash::fingerprint(out).to_vec(),
        StringFormat::Hexadecimal,
    );
    Object::Array(vec![id.clone(), id])
}

fn end(mut out: Vec<u8>, xref: usize) -> Vec<u8> {
    out.extend_from_slice(b"\nstartxref\n");
    integer(&mut out, xref as i64);
    out.extend_from_slice(b"\n%%EOF\n");
    out
}

/// `12 0 obj ... endobj`. In compact mode a stream is compressed unless it is kept
/// plain or already has a filter.
fn indirect(out: &mut Vec<u8>, (id, generation): ObjectId, object: &Object, mode: Mode) {
    integer(out, i64::from(id));
    out.push(b' ');
    integer(out, i64::from(generation));
    out.extend_from_slice(b" obj\n");
    match object {
        Object::Stream(stream) => {
            let (fresh, remembered);
            let compressed = match mode {
                Mode::Compact
                    if !stream.plain
                        && stream.dict.get("Filter").is_none()
                        && stream.content.len() >= compress::SMALLEST_COMPRESSED =>
                {
                    if stream.repeats {
                        remembered = compress::deflate_remembered(&stream.content);
                        remembered.as_deref()
                    } else {
                        fresh = compress::deflate(&stream.content);
                        fresh.as_deref()
                    }
                }
                _ => None,
            };
            let content = compressed.unwrap_or(&stream.content);
            out.extend_from_slice(b"<<");
            entries(out, &stream.dict);
            if compressed.is_some() {
                out.extend_from_slice(b"/Filter/FlateDecode");
            }
            name(out, b"Length");
            out.push(b' ');
            integer(out, content.len() as i64);
            out.extend_from_slice(b">>\nstream\n");
            out.extend_from_slice(content);
            // The end-of-line before `endstream` is not part of the data. After data
            // that ends in a carriage return it is CR LF, so that a reader (or a PDF/A
            // validator) that takes CR LF as the line end still finds the data whole.
            out.extend_from_slice(if content.last() == Some(&b'\r') {
                b"\r\nendstream"
            } else {
                b"\nendstream"
            });
        }
        other => value(out, other),
    }
    out.extend_from_slice(b"\nendobj\n");
}

fn padded(out: &mut Vec<u8>, n: u64, width: usize) {
    let digits = n.to_string();
    out.extend(std::iter::repeat_n(
        b'0',
        width.saturating_sub(digits.len()),
    ));
    out.extend_from_slice(digits.as_bytes());
}

/// Appends one object. Every token that does not start with a delimiter is preceded
/// by a space where the previous byte could run into it.
pub fn value(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => integer(out, *i),
        Object::Real(r) => real(out, *r),
        Object::Name(n) => name(out, n.as_bytes()),
        Object::String(bytes, StringFormat::Literal) => literal(out, bytes),
        Object::String(bytes, StringFormat::Hexadecimal) => hex(out, bytes),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && !starts_with_delimiter(item) {
                    out.push(b' ');
                }
                value(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => dictionary(out, dict),
        // Streams are only ever indirect objects; `to_bytes` writes them.
        Object::Stream(stream) => dictionary(out, &stream.dict),
        Object::Reference((id, generation)) => reference(out, *id, *generation),
    }
}

/// An indirect reference: `12 0 R`.
pub fn reference(out: &mut Vec<u8>, id: u32, generation: u16) {
    integer(out, i64::from(id));
    out.push(b' ');
    integer(out, i64::from(generation));
    out.extend_from_slice(b" R");
}

fn starts_with_delimiter(object: &Object) -> bool {
    matches!(
        object,
        Object::Name(_)
            | Object::String(..)
            | Object::Array(_)
            | Object::Dictionary(_)
            | Object::Stream(_)
    )
}

fn dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    entries(out, dict);
    out.extend_from_slice(b">>");
}

fn entries(out: &mut Vec<u8>, dict: &Dictionary) {
    for (key, item) in dict.iter() {
        name(out, key.as_bytes());
        if !starts_with_delimiter(item) {
            out.push(b' ');
        }
        value(out, item);
    }
}

pub fn integer(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let mut n = n.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// A number to a thousandth, without trailing zeros: enough for a point on paper
/// (0.35 µm) and for glyph widths in thousandths of an em.
pub fn real(out: &mut Vec<u8>, r: f32) {
    let thousandths = if r.is_finite() {
        (f64::from(r) * 1000.0).round() as i64
    } else {
        0
    };
    if thousandths < 0 {
        out.push(b'-');
    }
    let magnitude = thousandths.unsigned_abs();
    integer(out, (magnitude / 1000) as i64);
    let fraction = magnitude % 1000;
    if fraction != 0 {
        let digits = [
            b'0' + (fraction / 100) as u8,
            b'0' + (fraction / 10 % 10) as u8,
            b'0' + (fraction % 10) as u8,
        ];
        let keep = if fraction % 100 == 0 {
            1
        } else if fraction % 10 == 0 {
            2
        } else {
            3
        };
        out.push(b'.');
        out.extend_from_slice(&digits[..keep]);
    }
}

pub fn name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        let delimiter = matches!(
            b,
            b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%' | b'#'
        );
        if (0x21..=0x7E).contains(&b) && !delimiter {
            out.push(b);
        } else {
            out.push(b'#');
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        }
    }
}

fn literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            // Line ends inside strings are normalized by readers; escape them to keep
            // the bytes.
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out.push(b')');
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// A two-byte value as four hex digits, without brackets: glyph codes in text and in
/// CMaps.
pub fn hex_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&[
        HEX[usize::from(value >> 12)],
        HEX[usize::from((value >> 8) & 15)],
        HEX[usize::from((value >> 4) & 15)],
        HEX[usize::from(value & 15)],
    ]);
}

pub fn hex(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'<');
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
    out.push(b'>');
}

#[cfg(test)]
mod tests {
    use super::super::object::Stream;
    use super::*;

    fn written(object: &Object) -> String {
        let mut out = Vec::new();
        value(&mut out, object);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_short_and_exact_to_a_thousandth() {
        assert_eq!(written(&Object::Real(792.0)), "792");
        assert_eq!(written(&Object::Real(72.5)), "72.5");
        assert_eq!(written(&Object::Real(-0.125)), "-0.125");
        assert_eq!(written(&Object::Real(0.0504)), "0.05");
        assert_eq!(written(&Object::Real(1.0006)), "1.001");
        assert_eq!(written(&Object::Real(f32::NAN)), "0");
        assert_eq!(written(&Object::Integer(-40)), "-40");
        assert_eq!(written(&Object::Integer(0)), "0");
    }

    #[test]
    fn names_and_strings_escape_what_would_end_them() {
        assert_eq!(written(&Object::name("A B/C#")), "/A#20B#2FC#23");
        assert_eq!(
            written(&Object::String(
                b"a(b)\\c\n".to_vec(),
                StringFormat::Literal
            )),
            "(a\\(b\\)\\\\c\\n)"
        );
        assert_eq!(
            written(&Object::String(
                vec![0xFE, 0xFF, 0, 65],
                StringFormat::Hexadecimal
            )),
            "<FEFF0041>"
        );
    }

    #[test]
    fn arrays_and_dictionaries_separate_only_where_tokens_would_merge() {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::name("Page"));
        dict.set("Count", Object::Integer(2));
        dict.set(
            "Kids",
            Object::Array(vec![
                Object::Reference((3, 0)),
                Object::Reference((4, 0)),
                Object::Real(1.5),
                Object::name("XYZ"),
                Object::Null,
            ]),
        );
        assert_eq!(
            written(&Object::Dictionary(dict)),
            "<</Type/Page/Count 2/Kids[3 0 R 4 0 R 1.5/XYZ null]>>"
        );
    }

    #[test]
    fn the_file_reads_back_with_lopdf() {
        let mut doc = Document::new();
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::name("Catalog"));
        let root = doc.add_object(catalog);
        doc.trailer.set("Root", Object::Reference(root));
        let mut dict = Dictionary::new();
        dict.set("N", Object::Integer(3));
        let drawing = b"q Q\n".repeat(80);
        let stream = doc.add_object(Stream::new(dict, drawing.clone()));
        let info = doc.add_object(Object::string_literal("not packed"));
        doc.trailer.set("Info", Object::Reference(info));
        let mut note = Dictionary::new();
        note.set("Note", Object::string_literal("packed"));
        let packed = doc.add_object(note);
        let tiny = doc.add_object(Stream::new(Dictionary::new(), b"q Q".to_vec()));

        let plain = to_bytes(&doc, Mode::Plain);
        let read = lopdf::Document::load_mem(&plain).expect("lopdf reads the plain file");
        let back = read.get_object(stream).unwrap().as_stream().unwrap();
        assert_eq!(back.content, drawing);
        assert!(back.dict.get(b"Filter").is_err());
        assert_eq!(back.dict.get(b"Length").unwrap().as_i64().unwrap(), 320);
        assert!(read.catalog().is_ok());
        assert!(find(&plain, b"xref\n0 6\n").is_some());

        let compact = to_bytes(&doc, Mode::Compact);
        let read = lopdf::Document::load_mem(&compact).expect("lopdf reads the compact file");
        let back = read.get_object(stream).unwrap().as_stream().unwrap();
        assert_eq!(
            back.dict.get(b"Filter").unwrap().as_name().unwrap(),
            b"FlateDecode"
        );
        assert_eq!(back.decompressed_content().unwrap(), drawing);
        // A stream too short to gain from compression is written as it is.
        let back = read.get_object(tiny).unwrap().as_stream().unwrap();
        assert!(back.dict.get(b"Filter").is_err());
        assert_eq!(back.content, b"q Q");
        assert!(read.catalog().is_ok());
        let note = read.get_dictionary(packed).unwrap();
        assert_eq!(note.get(b"Note").unwrap().as_str().unwrap(), b"packed");
        // Only the stream and the information dictionary are objects of their own: the
        // catalog and the note are in an object stream, and the table is a stream too.
        let own = |id: u32| find(&compact, format!("\n{id} 0 obj\n").as_bytes()).is_some();
        assert_eq!(
            (own(1), own(2), own(3), own(4), own(5)),
            (false, true, true, false, true)
        );
        assert!(find(&compact, b"/Type/ObjStm").is_some());
        assert!(find(&compact, b"(not packed)").is_some());
        assert!(find(&compact, b"\nxref\n").is_none());
        assert!(find(&compact, b"/Type/XRef").is_some());
        assert_eq!(
            read.trailer.get(b"Info").unwrap().as_reference().unwrap(),
            info
        );
    }

    #[test]
    fn data_ending_in_a_carriage_return_keeps_it() {
        let mut doc = Document::new();
        let stream = doc.add_object(Stream::plain(Dictionary::new(), b"ab\r".to_vec()));
        let bytes = to_bytes(&doc, Mode::Plain);
        assert!(find(&bytes, b"/Length 3>>\nstream\nab\r\r\nendstream").is_some());
        let read = lopdf::Document::load_mem(&bytes).expect("lopdf reads the file");
        let back = read.get_object(stream).unwrap().as_stream().unwrap();
        assert_eq!(back.content, b"ab\r");
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn the_id_follows_the_content_and_only_the_content() {
        for mode in [Mode::Plain, Mode::Compact] {
            let file = |content: &[u8]| {
                let mut doc = Document::new();
                doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
                let bytes = to_bytes(&doc, mode);
                let read = lopdf::Document::load_mem(&bytes).expect("lopdf reads the file");
                let ids = read.trailer.get(b"ID").unwrap().as_array().unwrap().clone();
                assert_eq!(ids[0], ids[1]);
                ids[0].as_str().unwrap().to_vec()
            };
            assert_eq!(file(b"q Q"), file(b"q Q"));
            assert_ne!(file(b"q Q"), file(b"Q q"));
            assert_eq!(file(b"q Q").len(), 16);
        }
    }
}

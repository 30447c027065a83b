//! The PDF outline (bookmarks): one entry per section, with its groups nested under it,
//! each opening its page at the heading.

use super::object::{Dictionary, Document, Object, ObjectId, StringFormat};

use crate::layout::Bookmark;

/// A PDF text string: UTF-16BE with a byte-order mark, so any title survives.
pub(super) fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Adds the outline to the document and makes viewers open with it showing.
pub fn add(
    doc: &mut Document,
    catalog: ObjectId,
    pages: &[ObjectId],
    bookmarks: &[Bookmark],
    page_height: f32,
) -> Result<(), String> {
    if bookmarks.is_empty() {
        return Ok(());
    }
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = bookmarks.iter().map(|_| doc.new_object_id()).collect();

    // Each entry's parent: the latest shallower entry, else the outline root.
    let parents: Vec<Option<usize>> = bookmarks
        .iter()
        .enumerate()
        .map(|(i, b)| (0..i).rev().find(|&j| bookmarks[j].level < b.level))
        .collect();
    let children = |parent: Option<usize>| -> Vec<usize> {
        (0..bookmarks.len())
            .filter(|&i| parents[i] == parent)
            .collect()
    };

    for (i, mark) in bookmarks.iter().enumerate() {
        let page = *pages
            .get(mark.page)
            .ok_or_else(|| format!("bookmark {:?} points past the last page", mark.title))?;
        let siblings = children(parents[i]);
        let position = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&mark.title));
        dict.set(
            "Parent",
            Object::Reference(parents[i].map_or(root, |p| ids[p])),
        );
        if position > 0 {
            dict.set("Prev", Object::Reference(ids[siblings[position - 1]]));
        }
        if let Some(&next) = siblings.get(position + 1) {
            dict.set("Next", Object::Reference(ids[next]));
        }
        let kids = children(Some(i));
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            dict.set("First", Object::Reference(ids[first]));
            dict.set("Last", Object::Reference(ids[last]));
            dict.set("Count", Object::Integer(kids.len() as i64));
        }
        dict.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(page),
                Object::name("XYZ"),
                Object::Null,
                Object::Real(page_height - mark.y + 4.0),
                Object::Null,
            ]),
        );
        doc.set_object(ids[i], dict);
    }

    let top = children(None);
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::name("Outlines"));
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        outlines.set("First", Object::Reference(ids[first]));
        outlines.set("Last", Object::Reference(ids[last]));
    }
    outlines.set("Count", Object::Integer(bookmarks.len() as i64));
    doc.set_object(root, outlines);

    let catalog = doc
        .dictionary_mut(catalog)
        .ok_or("the catalog is missing")?;
    catalog.set("Outlines", Object::Reference(root));
    catalog.set("PageMode", Object::name("UseOutlines"));
    Ok(())
}

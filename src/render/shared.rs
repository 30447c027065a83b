//! The part of a personalized document's pages that is the same for every patient,
//! encoded once per thread and reused.
//!
//! A batch writes hundreds of briefs that differ only in the patient's details. Their
//! pages each get two content streams: first everything but the details, then the
//! details, drawn last (they are text, on top of the boxes they sit in; readers follow
//! the structure tree, not the stream, for reading order). The first streams of all
//! pages, and the glyph numbering they leave behind, depend only on the boxes that are
//! not the patient's and on the structure tags those boxes are marked with. A thread
//! remembers the last few such sets together with those boxes and tags, and reuses one
//! only when the new document's are equal in full: a hit writes exactly the bytes a
//! fresh encoding would. Nothing of a patient's is remembered.

use std::cell::RefCell;

use super::content;
use super::embed::FontUsage;
use super::{page_ops, PageMarks};
use crate::error::Error;
use crate::fonts::Fonts;
use crate::layout::{Document, Item, Tag};

/// The pages' shared content streams, what they mark, and the glyph numbering after
/// them: the state the patient's details are then drawn in.
#[derive(Clone)]
pub(super) struct Shared {
    pub contents: Vec<Vec<u8>>,
    pub marks: Vec<PageMarks>,
    pub usage: FontUsage,
}

/// Whether `item` is a patient's detail: drawn in the page's second stream.
pub(super) fn is_personal(item: &Item) -> bool {
    matches!(item, Item::Text(text) if text.personal)
}

/// Whether the document's pages split into shared and personal streams: it has
/// personal details, and no structure element holds both a detail and shared content
/// (moving the detail to the end of the page would then change the order the
/// element's parts are read in).
pub(super) fn splits(doc: &Document) -> bool {
    let items = || doc.pages.iter().flat_map(|p| &p.items);
    if !items().any(is_personal) {
        return false;
    }
    let mut personal_nodes: Vec<usize> = items()
        .filter(|i| is_personal(i))
        .filter_map(Item::node)
        .collect();
    personal_nodes.sort_unstable();
    personal_nodes.dedup();
    !items()
        .filter(|i| !is_personal(i))
        .filter_map(Item::node)
        .any(|node| personal_nodes.binary_search(&node).is_ok())
}

/// One remembered set: what it was encoded from, and the result.
struct Remembered {
    height: f32,
    /// Each page's shared boxes.
    pages: Vec<Vec<Item>>,
    /// The tag of each marked-content sequence, page after page.
    tags: Vec<Tag>,
    shared: Shared,
}

impl Remembered {
    fn matches(&self, doc: &Document) -> bool {
        self.height == doc.height
            && self.pages.len() == doc.pages.len()
            && self.pages.iter().zip(&doc.pages).all(|(kept, page)| {
                kept.iter()
                    .eq(page.items.iter().filter(|item| !is_personal(item)))
            })
            && self
                .shared
                .marks
                .iter()
                .flat_map(|m| &m.mcids)
                .map(|&node| doc.structure.nodes.get(node).map(|n| n.tag))
                .eq(self.tags.iter().map(|&tag| Some(tag)))
    }
}

/// The most pages a remembered document has: briefs and short handouts, which batches
/// make by the thousand. A full handout's boxes are a megabyte or two, too much to keep
/// several of per thread for the little its shared streams save beside its layout.
const LONGEST_REMEMBERED: usize = 4;

/// Whether `doc`'s shared streams are kept for the next documents (and their
/// compression too, `Stream::repeating`): when the caller builds more, and the document
/// is short enough.
pub(super) fn remembers(doc: &Document, remember: bool) -> bool {
    remember && doc.pages.len() <= LONGEST_REMEMBERED
}

/// How many sets a thread remembers: a batch's jobs mix a few handouts and shapes of
/// personal details (with and without a follow-up, notes of one line or three), each
/// its own set.
const REMEMBERED: usize = 8;

/// The shared streams of `doc`'s pages (see the module's comment); `doc` must have
/// personal details (see [`splits`]). Remembered for the next documents when
/// `remember`; a single build leaves it off, as keeping costs more than it saves once.
pub(super) fn shared_contents(
    doc: &Document,
    fonts: &Fonts,
    remember: bool,
) -> Result<Shared, Error> {
    if !remembers(doc, remember) {
        return encode(doc, fonts);
    }
    thread_local! {
        /// Least recently used first.
        static SETS: RefCell<Vec<Remembered>> = const { RefCell::new(Vec::new()) };
    }
    SETS.with_borrow_mut(|sets| {
        if let Some(at) = sets.iter().position(|set| set.matches(doc)) {
            let hit = sets.remove(at);
            let shared = hit.shared.clone();
            sets.push(hit);
            return Ok(shared);
        }
        let shared = encode(doc, fonts)?;
        if sets.len() == REMEMBERED {
            sets.remove(0);
        }
        sets.push(Remembered {
            height: doc.height,
            pages: doc
                .pages
                .iter()
                .map(|p| {
                    p.items
                        .iter()
                        .filter(|i| !is_personal(i))
                        .cloned()
                        .collect()
                })
                .collect(),
            tags: shared
                .marks
                .iter()
                .flat_map(|m| &m.mcids)
                .filter_map(|&node| doc.structure.nodes.get(node).map(|n| n.tag))
                .collect(),
            shared: shared.clone(),
        });
        Ok(shared)
    })
}

/// The glyph numbering a document starts drawing with. The handout's own glyphs are
/// numbered first, in the order they are drawn, and a patient's details after them:
/// briefs for different patients then draw each face with the same codes wherever the
/// names add no new glyph, and share its compressed subset (`embed`). Without personal
/// details, drawing gives that order itself.
pub(super) fn numbered(doc: &Document, fonts: &Fonts) -> FontUsage {
    let mut usage = FontUsage::default();
    let items = || doc.pages.iter().flat_map(|p| &p.items);
    if items().any(is_personal) {
        for item in items().filter(|i| !is_personal(i)) {
            if let Item::Text(text) = item {
                usage.number(fonts, text.face, text.glyphs.iter().map(|g| g.id));
            }
        }
    }
    usage
}

/// Encodes the shared streams: every page's shared boxes in order, after the numbering.
fn encode(doc: &Document, fonts: &Fonts) -> Result<Shared, Error> {
    let mut usage = numbered(doc, fonts);
    let mut contents = Vec::with_capacity(doc.pages.len());
    let mut marks = Vec::with_capacity(doc.pages.len());
    for page in &doc.pages {
        let items = page.items.iter().filter(|i| !is_personal(i));
        let (ops, page_marks, _links) = page_ops(items, doc, PageMarks::default())?;
        contents.push(content::encode(&ops, fonts, &mut usage)?);
        marks.push(PageMarks {
            mcids: page_marks.mcids,
            links: Vec::new(),
        });
    }
    Ok(Shared {
        contents,
        marks,
        usage,
    })
}

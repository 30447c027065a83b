//! The PDF objects a document is assembled from before `write` turns them into bytes.
//!
//! A small model of our own rather than lopdf's: a dictionary here is a short list with
//! `'static` keys, where lopdf's is a hash map that allocates every key and hashes it
//! with SipHash. A one-page brief sets about 550 dictionary entries (most of them in the
//! structure tree), and building, hashing and freeing them was 8 % of its instructions.
//! lopdf remains the reader the tests check our files with.

use std::borrow::Cow;

/// An object number and generation.
pub type ObjectId = (u32, u16);

/// How a string is written: `(literal)` or `<hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringFormat {
    Literal,
    Hexadecimal,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Null,
    Boolean(bool),
    Integer(i64),
    Real(f32),
    Name(Cow<'static, str>),
    String(Vec<u8>, StringFormat),
    Array(Vec<Object>),
    Dictionary(Dictionary),
    /// Boxed: a stream is rare and large, and inline it would make every object of a
    /// dictionary twice the size.
    Stream(Box<Stream>),
    Reference(ObjectId),
}

impl Object {
    pub fn name(name: &'static str) -> Object {
        Object::Name(Cow::Borrowed(name))
    }

    pub fn string_literal(text: impl Into<Vec<u8>>) -> Object {
        Object::String(text.into(), StringFormat::Literal)
    }
}

impl From<Dictionary> for Object {
    fn from(dict: Dictionary) -> Object {
        Object::Dictionary(dict)
    }
}

impl From<Stream> for Object {
    fn from(stream: Stream) -> Object {
        Object::Stream(Box::new(stream))
    }
}

/// Entries in the order they were first set: the order they are written in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dictionary(Vec<(&'static str, Object)>);

impl Dictionary {
    /// Room for the six entries most of a file's dictionaries have (a structure
    /// element's type, role, parent, kids, page and language), in one allocation
    /// instead of a vector's growth through two.
    pub fn new() -> Dictionary {
        Dictionary(Vec::with_capacity(6))
    }

    /// Sets `key`, in its old place if it was set before.
    pub fn set(&mut self, key: &'static str, value: Object) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Object> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Object)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

/// A stream: its dictionary and its bytes. `write` adds `/Length`, and compresses the
/// bytes unless the stream is kept plain or already names a `/Filter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub dict: Dictionary,
    pub content: Vec<u8>,
    /// Never compressed: the XMP metadata, which PDF/A asks to leave readable.
    pub plain: bool,
    /// Likely the same, byte for byte, in the next document a batch writes (an object
    /// stream, a ToUnicode map): compressed once and remembered.
    pub repeats: bool,
}

impl Stream {
    pub fn new(dict: Dictionary, content: Vec<u8>) -> Stream {
        Stream {
            dict,
            content,
            plain: false,
            repeats: false,
        }
    }

    /// A stream `write` leaves uncompressed.
    pub fn plain(dict: Dictionary, content: Vec<u8>) -> Stream {
        Stream {
            plain: true,
            ..Stream::new(dict, content)
        }
    }

    /// A stream the next document is likely to repeat (see [`Stream::repeats`]).
    pub fn repeating(dict: Dictionary, content: Vec<u8>) -> Stream {
        Stream {
            repeats: true,
            ..Stream::new(dict, content)
        }
    }
}

/// A document's objects, numbered from 1 in order of creation, and its trailer.
#[derive(Debug, Default)]
pub struct Document {
    /// Object `n` is at index `n - 1`; `None` while reserved but not yet set.
    objects: Vec<Option<Object>>,
    pub trailer: Dictionary,
    /// The next document this thread writes is likely to repeat this one's objects (a
    /// batch's briefs share their structure trees): the writer remembers how it wrote
    /// them (`write`).
    pub repeats: bool,
}

impl Document {
    pub fn new() -> Document {
        Document::default()
    }

    /// Reserves the next object number, for an object that refers to objects made after
    /// it (a page tree, a structure element).
    pub fn new_object_id(&mut self) -> ObjectId {
        self.objects.push(None);
        (self.objects.len() as u32, 0)
    }

    pub fn add_object(&mut self, object: impl Into<Object>) -> ObjectId {
        self.objects.push(Some(object.into()));
        (self.objects.len() as u32, 0)
    }

    /// Sets the object behind a reserved (or existing) number.
    pub fn set_object(&mut self, id: ObjectId, object: impl Into<Object>) {
        if let Some(slot) = (id.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.objects.get_mut(i))
        {
            *slot = Some(object.into());
        }
    }

    pub fn dictionary_mut(&mut self, id: ObjectId) -> Option<&mut Dictionary> {
        match self.objects.get_mut((id.0 as usize).checked_sub(1)?)? {
            Some(Object::Dictionary(dict)) => Some(dict),
            _ => None,
        }
    }

    /// The objects that are set, in number order.
    pub fn objects(&self) -> impl Iterator<Item = (ObjectId, &Object)> {
        self.objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| o.as_ref().map(|o| ((i as u32 + 1, 0), o)))
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_takes_four_words() {
        // The structure tree and the pages are thousands of small dictionaries: an
        // object twice this size doubled their memory (see `Object::Stream`).
        assert!(
            std::mem::size_of::<Object>() <= 32,
            "{}",
            std::mem::size_of::<Object>()
        );
    }

    #[test]
    fn setting_a_key_again_keeps_its_place() {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::name("Page"));
        dict.set("Count", Object::Integer(1));
        dict.set("Type", Object::name("Pages"));
        let entries: Vec<_> = dict.iter().map(|(k, v)| (k, v.clone())).collect();
        assert_eq!(
            entries,
            vec![
                ("Type", Object::name("Pages")),
                ("Count", Object::Integer(1))
            ]
        );
    }

    #[test]
    fn numbers_follow_creation_and_reserved_numbers_fill_later() {
        let mut doc = Document::new();
        let reserved = doc.new_object_id();
        let added = doc.add_object(Object::Integer(7));
        assert_eq!((reserved, added), ((1, 0), (2, 0)));
        assert_eq!(doc.objects().count(), 1);
        doc.set_object(reserved, Dictionary::new());
        assert!(doc.dictionary_mut(reserved).is_some());
        assert!(doc.dictionary_mut(added).is_none());
        let ids: Vec<ObjectId> = doc.objects().map(|(id, _)| id).collect();
        assert_eq!(ids, vec![(1, 0), (2, 0)]);
        // Numbers never handed out are nobody's.
        assert!(doc.dictionary_mut((3, 0)).is_none());
        assert!(doc.dictionary_mut((0, 0)).is_none());
        doc.set_object((0, 0), Dictionary::new());
        assert_eq!(doc.objects().count(), 2);
    }
}

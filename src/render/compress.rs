//! Flate compression, and the switch that turns it off for reading a file by eye.
//!
//! Streams are compressed as the file is written (`write`), at one fixed level so the
//! same document always gives the same bytes. The sRGB profile every document embeds is
//! compressed once per process and shared, like a batch's logo.
//!
//! `HANDOUT_UNCOMPRESSED=1` (any value but empty or `0`) writes every stream but the
//! images as it is, every object in the open and a classic cross-reference table: a file
//! to read in a text editor or diff, which any reader opens just the same.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use libdeflater::{CompressionLvl, Compressor};

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Flate-compressed streams, small objects gathered into compressed object streams,
    /// a cross-reference stream (PDF 1.5, which PDF/A-2 allows).
    Compact,
    /// Streams as they are made (images stay compressed), a classic table.
    Plain,
}

/// The environment variable that asks for [`Mode::Plain`].
pub const UNCOMPRESSED_VAR: &str = "HANDOUT_UNCOMPRESSED";

impl Mode {
    /// The mode this process writes in, read from the environment once.
    pub fn from_env() -> Mode {
        static MODE: OnceLock<Mode> = OnceLock::new();
        *MODE.get_or_init(|| match std::env::var_os(UNCOMPRESSED_VAR) {
            Some(value) if !value.is_empty() && value != "0" => Mode::Plain,
            _ => Mode::Compact,
        })
    }
}

/// libdeflate's fastest level. On our files it makes smaller streams than zlib-rs or
/// miniz_oxide at their level 3, for fewer instructions than either at its level 1: see
/// the README's Speed section for every choice and level measured.
const LEVEL: i32 = 1;

/// Streams shorter than this are written as they are. Compressing one saves a few
/// bytes, fewer than its `/Filter/FlateDecode` entry takes, and each compression costs
/// a fixed ~90,000 instructions for its hash table and Huffman codes: on a batch brief,
/// the second page's patient name alone cost 5 % of the document.
pub const SMALLEST_COMPRESSED: usize = 256;

/// `bytes` in the zlib format that `/FlateDecode` reads.
///
/// Each thread keeps one compressor for all its streams, so its tables are allocated
/// once per thread, not once per stream (zlib-rs, measured before libdeflate was
/// chosen, cleared some 390 KB of tables for every new compressor: for a one-page brief
/// that cost more than compressing its eight streams).
///
/// Compressing into memory does not fail; were the compressor ever to report an error,
/// `None` makes the caller write the bytes uncompressed, which is still a valid file.
pub fn deflate(bytes: &[u8]) -> Option<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: RefCell<Option<Compressor>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with_borrow_mut(|slot| {
        let compressor = slot.get_or_insert_with(|| {
            Compressor::new(CompressionLvl::new(LEVEL).unwrap_or(CompressionLvl::fastest()))
        });
        let mut out = vec![0; compressor.zlib_compress_bound(bytes.len())];
        let written = compressor.zlib_compress(bytes, &mut out).ok()?;
        out.truncate(written);
        Some(out)
    })
}

/// How many streams a thread remembers compressed, and the largest it remembers: a
/// document's object streams and ToUnicode maps, a few per document.
const REMEMBERED: usize = 16;
const LARGEST_REMEMBERED: usize = 128 * 1024;

/// As [`deflate`], for a stream that the next document is likely to repeat byte for
/// byte (in a batch, the briefs' structure trees and ToUnicode maps are the same for
/// every patient): the thread remembers the last few, by their whole content, and
/// compresses each only once.
pub fn deflate_remembered(bytes: &[u8]) -> Option<Rc<[u8]>> {
    /// A stream as written and as compressed.
    type Remembered = (Box<[u8]>, Rc<[u8]>);
    thread_local! {
        /// Least recently used first.
        static STREAMS: RefCell<Vec<Remembered>> = const { RefCell::new(Vec::new()) };
    }
    STREAMS.with_borrow_mut(|streams| {
        if let Some(at) = streams.iter().position(|(plain, _)| **plain == *bytes) {
            let hit = streams.remove(at);
            let packed = Rc::clone(&hit.1);
            streams.push(hit);
            return Some(packed);
        }
        let packed: Rc<[u8]> = deflate(bytes)?.into();
        if bytes.len() <= LARGEST_REMEMBERED {
            if streams.len() == REMEMBERED {
                streams.remove(0);
            }
            streams.push((bytes.into(), Rc::clone(&packed)));
        }
        Some(packed)
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::io::Read;

    /// What a reader gets back from a Flate stream.
    pub(in crate::render) fn inflate(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn deflate_round_trips_and_shrinks_text() {
        let text = b"BT /F1 12 Tf 1 0 0 1 72 720 Tm (Hello) Tj ET\n".repeat(50);
        let packed = deflate(&text).unwrap();
        assert!(packed.len() * 10 < text.len(), "{} bytes", packed.len());
        assert_eq!(inflate(&packed), text);
        assert_eq!(inflate(&deflate(b"").unwrap()), b"");
    }

    #[test]
    fn the_compressor_gives_the_same_bytes_every_time_on_every_thread() {
        let text = b"0.102 0.102 0.102 rg 1 0 0 1 54 702.524 Tm (abc)Tj\n".repeat(2000);
        let first = deflate(&text).unwrap();
        deflate(b"something else in between").unwrap();
        assert_eq!(deflate(&text).unwrap(), first);
        assert_eq!(inflate(&first), text);
        // A fresh compressor on another thread agrees.
        let other = std::thread::scope(|s| s.spawn(|| deflate(&text).unwrap()).join().unwrap());
        assert_eq!(other, first);
    }

    #[test]
    fn a_remembered_stream_is_compressed_once_and_the_same_as_any_other() {
        let tree = b"<</Type/StructElem/S/P/P 12 0 R/K[3 4 5]>>\n".repeat(300);
        let first = deflate_remembered(&tree).unwrap();
        assert_eq!(*first, *deflate(&tree).unwrap());
        // Other streams in between, as the pages of the next brief would be.
        for page in 0..REMEMBERED - 1 {
            deflate_remembered(format!("page {page}").as_bytes()).unwrap();
        }
        let again = deflate_remembered(&tree).unwrap();
        assert!(Rc::ptr_eq(&first, &again), "compressed a second time");
        // Content that differs in one byte is compressed on its own.
        let mut changed = tree.clone();
        changed[40] = b'Q';
        let other = deflate_remembered(&changed).unwrap();
        assert!(!Rc::ptr_eq(&first, &other));
        assert_eq!(inflate(&other), changed);
    }
}

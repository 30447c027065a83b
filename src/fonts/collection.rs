//! One face of a large font file read table by table, so that a CJK face costs a
//! megabyte of memory rather than its file's 19 MB.
//!
//! Noto Sans CJK's collections keep 15 MB of glyph outlines in one `CFF ` table that
//! all their faces share; everything else a face needs (cmap, metrics, GSUB, GPOS) is
//! about a megabyte. Laying out needs no outlines, so the face used for layout is
//! every table but `CFF `. Embedding needs the outlines of the glyphs drawn only, so
//! the face handed to the subsetter has a `CFF ` table whose other charstrings are
//! empty: a few hundred kilobytes of the file instead of all of it.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

const CFF: [u8; 4] = *b"CFF ";
/// The charstring of a glyph left out of the outlines: `endchar`.
const EMPTY_CHARSTRING: u8 = 14;

/// Where one table of a face is in its file.
#[derive(Debug, Clone, Copy)]
struct Record {
    tag: [u8; 4],
    offset: u32,
    length: u32,
}

/// A face of a font file (a collection or a single font), with its tables' places.
#[derive(Debug)]
pub struct FaceFile {
    file: File,
    version: u32,
    records: Vec<Record>,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn be16(b: &[u8], at: usize) -> io::Result<u16> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or_else(|| invalid("font table cut short"))
}

fn be32(b: &[u8], at: usize) -> io::Result<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| invalid("font table cut short"))
}

impl FaceFile {
    /// The table directory of face `index` of the file at `path`.
    pub fn open(path: &Path, index: u32) -> io::Result<FaceFile> {
        let mut file = File::open(path)?;
        let head = read_at(&mut file, 0, 12)?;
        let directory = if &head[..4] == b"ttcf" {
            let count = be32(&head, 8)?;
            if index >= count {
                return Err(invalid("the collection has no such face"));
            }
            let at = read_at(&mut file, 12 + 4 * u64::from(index), 4)?;
            be32(&at, 0)?
        } else if index == 0 {
            0
        } else {
            return Err(invalid("a single font has only face 0"));
        };
        let header = read_at(&mut file, u64::from(directory), 12)?;
        let version = be32(&header, 0)?;
        let count = be16(&header, 4)?;
        let table = read_at(
            &mut file,
            u64::from(directory) + 12,
            16 * usize::from(count),
        )?;
        let records = (0..usize::from(count))
            .map(|i| {
                let at = 16 * i;
                Ok(Record {
                    tag: [table[at], table[at + 1], table[at + 2], table[at + 3]],
                    offset: be32(&table, at + 8)?,
                    length: be32(&table, at + 12)?,
                })
            })
            .collect::<io::Result<Vec<Record>>>()?;
        let size = file.metadata()?.len();
        if records
            .iter()
            .any(|r| u64::from(r.offset) + u64::from(r.length) > size)
        {
            return Err(invalid("a font table runs past the end of its file"));
        }
        Ok(FaceFile {
            file,
            version,
            records,
        })
    }

    /// Whether the face's outlines are CFF.
    pub fn has_cff(&self) -> bool {
        self.records.iter().any(|r| r.tag == CFF)
    }

    /// The face as a font of its own with every table but its CFF outlines and its
    /// vertical metrics (handouts are set horizontally): what shaping and measuring
    /// read.
    pub fn layout_font(&mut self) -> io::Result<Vec<u8>> {
        let kept: Vec<Record> = self
            .records
            .iter()
            .copied()
            .filter(|r| !LEFT_OUT_OF_LAYOUT.contains(&r.tag))
            .collect();
        let file = &mut self.file;
        sfnt(self.version, &kept, |record, out| {
            read_into(file, u64::from(record.offset), record.length as usize, out)
        })
    }

    /// The face as a font of its own with the tables the subsetter reads, its CFF
    /// outlines holding only `glyphs` (the other glyphs are empty): what the subsetter
    /// embeds those glyphs from.
    pub fn font_for_glyphs(&mut self, glyphs: &[u16]) -> io::Result<Vec<u8>> {
        let mut records: Vec<Record> = self
            .records
            .iter()
            .copied()
            .filter(|r| READ_BY_SUBSETTER.contains(&r.tag))
            .collect();
        let mut cff = None;
        for record in &mut records {
            if record.tag == CFF {
                let table = sparse_cff(
                    &mut self.file,
                    u64::from(record.offset),
                    record.length,
                    glyphs,
                )?;
                record.length = table.len() as u32;
                cff = Some(table);
            }
        }
        let file = &mut self.file;
        sfnt(self.version, &records, |record, out| {
            match (&cff, record.tag) {
                (Some(table), CFF) => {
                    out.extend_from_slice(table);
                    Ok(())
                }
                _ => read_into(file, u64::from(record.offset), record.length as usize, out),
            }
        })
    }
}

/// The tables `subsetter` reads to make a subset (its `subset`): the outlines of either
/// kind and the metrics and names it keeps. The shaping tables (cmap, GSUB, GPOS,
/// a megabyte of a CJK face) it leaves out of the subset, so they are not read for it;
/// `tests` hold the result to the subset of the whole collection.
const READ_BY_SUBSETTER: [[u8; 4]; 12] = [
    CFF, *b"glyf", *b"loca", *b"cvt ", *b"fpgm", *b"prep", *b"head", *b"hhea", *b"hmtx", *b"maxp",
    *b"name", *b"post",
];

/// Tables layout does without: the outlines, and the metrics of vertical text.
const LEFT_OUT_OF_LAYOUT: [[u8; 4]; 4] = [CFF, *b"vmtx", *b"vhea", *b"VORG"];

fn read_into(file: &mut File, offset: u64, length: usize, out: &mut Vec<u8>) -> io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    let start = out.len();
    // Read straight into the vector's spare room, without zeroing it first.
    file.take(length as u64).read_to_end(out)?;
    if out.len() - start != length {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

fn read_at(file: &mut File, offset: u64, length: usize) -> io::Result<Vec<u8>> {
    // Room for what a sound file holds; a length read from a damaged one may be anything,
    // and the read stops at the end of the file.
    let mut bytes = Vec::with_capacity(length.min(1 << 24));
    read_into(file, offset, length, &mut bytes)?;
    Ok(bytes)
}

/// Tables into one font file: the directory sorted by tag, each table on a four-byte
/// boundary with its checksum. `fill` appends a table's bytes (`length` of them).
fn sfnt(
    version: u32,
    records: &[Record],
    mut fill: impl FnMut(Record, &mut Vec<u8>) -> io::Result<()>,
) -> io::Result<Vec<u8>> {
    let mut order: Vec<Record> = records.to_vec();
    order.sort_by_key(|r| r.tag);
    let count = u16::try_from(order.len()).map_err(|_| invalid("too many font tables"))?;
    // The largest power of two tables not above the count, as the directory states it.
    let floor = 15u16.saturating_sub(count.leading_zeros() as u16);
    let search_range = if count == 0 { 0 } else { (1u32 << floor) * 16 };
    let range_shift = u32::from(count) * 16 - search_range;
    let directory = 12 + 16 * order.len();
    let total = directory
        + order
            .iter()
            .map(|r| (r.length as usize).next_multiple_of(4))
            .sum::<usize>();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(search_range as u16).to_be_bytes());
    out.extend_from_slice(&floor.to_be_bytes());
    out.extend_from_slice(&(range_shift as u16).to_be_bytes());
    out.resize(directory, 0);
    for (i, record) in order.iter().enumerate() {
        let start = out.len();
        fill(*record, &mut out)?;
        if out.len() - start != record.length as usize {
            return Err(invalid("a font table of another length than its record"));
        }
        let sum = checksum(&out[start..]);
        out.resize(out.len().next_multiple_of(4), 0);
        let entry = 12 + 16 * i;
        out[entry..entry + 4].copy_from_slice(&record.tag);
        out[entry + 4..entry + 8].copy_from_slice(&sum.to_be_bytes());
        out[entry + 8..entry + 12].copy_from_slice(&(start as u32).to_be_bytes());
        out[entry + 12..entry + 16].copy_from_slice(&record.length.to_be_bytes());
    }
    Ok(out)
}

fn checksum(data: &[u8]) -> u32 {
    let words = data.chunks_exact(4);
    let rest = words.remainder();
    let mut last = [0u8; 4];
    last[..rest.len()].copy_from_slice(rest);
    words
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(u32::from_be_bytes(last), u32::wrapping_add)
}

/// An INDEX of the CFF table at `at` (relative to the table): its offsets, read as
/// needed (relative to the byte before the data, as CFF counts), and where its data
/// starts and ends.
struct Index {
    raw: Vec<u8>,
    size: usize,
    count: usize,
    data_start: u64,
    end: u64,
}

impl Index {
    /// The INDEX at `at`, its bytes read by `read(offset, length)`: from the file or
    /// from a table already in memory.
    fn parse(
        at: u64,
        mut read: impl FnMut(u64, usize) -> io::Result<Vec<u8>>,
    ) -> io::Result<Index> {
        let count = usize::from(be16(&read(at, 2)?, 0)?);
        if count == 0 {
            return Ok(Index {
                raw: Vec::new(),
                size: 0,
                count,
                data_start: at + 2,
                end: at + 2,
            });
        }
        let size = usize::from(read(at + 2, 1)?[0]);
        if !(1..=4).contains(&size) {
            return Err(invalid("a CFF INDEX with a bad offset size"));
        }
        let raw = read(at + 3, (count + 1) * size)?;
        let data_start = at + 3 + ((count + 1) * size) as u64;
        let index = Index {
            raw,
            size,
            count,
            data_start,
            end: data_start,
        };
        let last = u64::from(index.offset(count).max(1));
        Ok(Index {
            end: data_start + last - 1,
            ..index
        })
    }

    /// Offset `i`, for `i` in `0..=count`.
    fn offset(&self, i: usize) -> u32 {
        self.raw[i * self.size..(i + 1) * self.size]
            .iter()
            .fold(0u32, |v, &b| v << 8 | u32::from(b))
    }

    /// Where item `i` starts and ends.
    fn item(&self, i: usize) -> (u64, u64) {
        let at = |i| self.data_start + u64::from(self.offset(i)) - 1;
        (at(i), at(i + 1))
    }
}

fn read_index(file: &mut File, table: u64, at: u64) -> io::Result<Index> {
    Index::parse(at, |offset, length| read_at(file, table + offset, length))
}

/// One operand of a DICT: its value and where its bytes are.
#[derive(Debug, Clone, Copy)]
struct Operand {
    value: i64,
    at: usize,
    len: usize,
}

/// The operators of a DICT with their integer operands (reals count as 0).
fn dict_entries(data: &[u8]) -> io::Result<Vec<(u16, Vec<Operand>)>> {
    let mut entries = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b0 = data[i];
        let (value, len) = match b0 {
            0..=21 => {
                let (op, len) = if b0 == 12 {
                    (
                        1200 + u16::from(*data.get(i + 1).ok_or_else(|| invalid("a cut DICT"))?),
                        2,
                    )
                } else {
                    (u16::from(b0), 1)
                };
                entries.push((op, std::mem::take(&mut operands)));
                i += len;
                continue;
            }
            28 => (i64::from(be16(data, i + 1)? as i16), 3),
            29 => (i64::from(be32(data, i + 1)? as i32), 5),
            30 => {
                let mut len = 1;
                loop {
                    let b = *data.get(i + len).ok_or_else(|| invalid("a cut DICT"))?;
                    len += 1;
                    if b & 0x0F == 0x0F || b >> 4 == 0x0F {
                        break;
                    }
                }
                (0, len)
            }
            32..=246 => (i64::from(b0) - 139, 1),
            247..=250 => {
                let b1 = *data.get(i + 1).ok_or_else(|| invalid("a cut DICT"))?;
                ((i64::from(b0) - 247) * 256 + i64::from(b1) + 108, 2)
            }
            251..=254 => {
                let b1 = *data.get(i + 1).ok_or_else(|| invalid("a cut DICT"))?;
                (-(i64::from(b0) - 251) * 256 - i64::from(b1) - 108, 2)
            }
            _ => return Err(invalid("a reserved byte in a CFF DICT")),
        };
        operands.push(Operand { value, at: i, len });
        i += len;
    }
    Ok(entries)
}

/// Writes `value` over `operand` in the same number of bytes.
fn rewrite(data: &mut [u8], operand: Operand, value: i64) -> io::Result<()> {
    let slot = &mut data[operand.at..operand.at + operand.len];
    match operand.len {
        5 => {
            slot[0] = 29;
            slot[1..].copy_from_slice(&(value as i32).to_be_bytes());
        }
        3 if (i64::from(i16::MIN)..=i64::from(i16::MAX)).contains(&value) => {
            slot[0] = 28;
            slot[1..].copy_from_slice(&(value as i16).to_be_bytes());
        }
        2 if (108..=1131).contains(&value) => {
            slot[0] = (247 + (value - 108) / 256) as u8;
            slot[1] = ((value - 108) % 256) as u8;
        }
        1 if (-107..=107).contains(&value) => slot[0] = (value + 139) as u8,
        _ => return Err(invalid("a CFF offset that does not fit its old place")),
    }
    Ok(())
}

/// Operators whose last operand is an offset from the start of the CFF table: charset,
/// Encoding, CharStrings, Private, FDArray and FDSelect.
fn is_offset(op: u16) -> bool {
    matches!(op, 15 | 16 | 17 | 18 | 1236 | 1237)
}

/// Moves every offset operand of the DICT in `data[range]` that points at or past
/// `from` back by `by` bytes.
fn shift_offsets(data: &mut [u8], start: usize, end: usize, from: i64, by: i64) -> io::Result<()> {
    let entries = dict_entries(&data[start..end])?;
    for (op, operands) in entries {
        if !is_offset(op) {
            continue;
        }
        // Encoding 0 and 1 are predefined encodings, not offsets.
        if let Some(&last) = operands.last() {
            if last.value >= from && !(op == 16 && last.value <= 1) {
                let at = Operand {
                    at: start + last.at,
                    ..last
                };
                rewrite(data, at, last.value - by)?;
            }
        }
    }
    Ok(())
}

/// The CFF table at `table` (`length` bytes) with the charstrings of every glyph but
/// `glyphs` made empty. Everything before the charstrings and after them is kept byte
/// for byte, with the offsets that point past them moved back.
fn sparse_cff(file: &mut File, table: u64, length: u32, glyphs: &[u16]) -> io::Result<Vec<u8>> {
    let length = u64::from(length);
    let header = read_at(file, table, 4)?;
    let names = read_index(file, table, u64::from(header[2]))?;
    let tops = read_index(file, table, names.end)?;
    if tops.count == 0 {
        return Err(invalid("a CFF table with no Top DICT"));
    }
    let (top_start, top_end) = tops.item(0);
    let top_length = top_end
        .checked_sub(top_start)
        .ok_or_else(|| invalid("a CFF Top DICT of negative length"))?;
    let top = read_at(file, table + top_start, top_length as usize)?;
    let charstrings_at = dict_entries(&top)?
        .into_iter()
        .find(|(op, _)| *op == 17)
        .and_then(|(_, operands)| operands.last().map(|o| o.value))
        .filter(|&at| at > 0 && (at as u64) < length)
        .ok_or_else(|| invalid("a CFF table with no CharStrings"))? as u64;
    let old = read_index(file, table, charstrings_at)?;
    if old.end > length || top_end > charstrings_at {
        return Err(invalid("a CFF table laid out in an unexpected order"));
    }

    // The new CharStrings INDEX: the same number of glyphs, four-byte offsets.
    let count = old.count;
    if count == 0 {
        return Err(invalid("a CFF table with no glyphs"));
    }
    let mut wanted: Vec<u16> = glyphs
        .iter()
        .copied()
        .filter(|&g| usize::from(g) < count)
        .collect();
    wanted.push(0);
    wanted.sort_unstable();
    wanted.dedup();
    let mut data: Vec<Vec<u8>> = Vec::with_capacity(wanted.len());
    for &glyph in &wanted {
        let (start, end) = old.item(usize::from(glyph));
        data.push(read_at(
            file,
            table + start,
            end.saturating_sub(start) as usize,
        )?);
    }
    let body_length = count - data.len() + data.iter().map(Vec::len).sum::<usize>();
    let offsets_end = 3 + 4 * (count + 1);
    let mut index = vec![0u8; offsets_end];
    index.reserve(body_length);
    index[..2].copy_from_slice(&(count as u16).to_be_bytes());
    index[2] = 4;
    let mut next = wanted.iter().zip(&data).peekable();
    for glyph in 0..count {
        let offset = (index.len() - offsets_end + 1) as u32;
        index[3 + 4 * glyph..7 + 4 * glyph].copy_from_slice(&offset.to_be_bytes());
        match next.peek() {
            Some((&g, body)) if usize::from(g) == glyph => {
                index.extend_from_slice(body);
                next.next();
            }
            _ => index.push(EMPTY_CHARSTRING),
        }
    }
    let end = (index.len() - offsets_end + 1) as u32;
    index[3 + 4 * count..7 + 4 * count].copy_from_slice(&end.to_be_bytes());

    let old_len = (old.end - charstrings_at) as i64;
    let by = old_len - index.len() as i64;
    let after_start = old.end;
    let after_length = (length - after_start) as usize;
    let mut out = Vec::with_capacity(charstrings_at as usize + index.len() + after_length);
    read_into(file, table, charstrings_at as usize, &mut out)?;
    out.append(&mut index);
    let after_at = out.len();
    read_into(file, table + after_start, after_length, &mut out)?;
    let from = after_start as i64;
    // The Font DICTs of a CID-keyed font (FDArray) point at their Private DICTs.
    let fd_array = dict_entries(&top)?
        .into_iter()
        .find(|(op, _)| *op == 1236)
        .and_then(|(_, operands)| operands.last().map(|o| o.value));
    shift_offsets(&mut out, top_start as usize, top_end as usize, from, by)?;
    let fd_at = match fd_array {
        Some(at) if at >= from => Some(after_at + (at - from) as usize),
        Some(at) if at >= 0 && (at as u64) < charstrings_at => Some(at as usize),
        Some(_) => return Err(invalid("an FDArray inside the charstrings")),
        None => None,
    };
    if let Some(at) = fd_at {
        for (start, end) in index_in(&out, at)? {
            shift_offsets(&mut out, start, end, from, by)?;
        }
    }
    Ok(out)
}

/// The (start, end) of each item of the INDEX at `at` in `data`.
fn index_in(data: &[u8], at: usize) -> io::Result<Vec<(usize, usize)>> {
    let index = Index::parse(at as u64, |offset, length| {
        let start = offset as usize;
        data.get(start..start + length)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| invalid("a cut INDEX"))
    })?;
    (0..index.count)
        .map(|i| {
            let (a, b) = index.item(i);
            if a > b || b > data.len() as u64 {
                return Err(invalid("a cut INDEX"));
            }
            Ok((a as usize, b as usize))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operand_is_rewritten_in_its_own_width() {
        for (value, len) in [(5, 1), (500, 2), (-20_000, 3), (14_000_000, 5)] {
            let mut data = vec![0u8; len];
            rewrite(
                &mut data,
                Operand {
                    value: 0,
                    at: 0,
                    len,
                },
                value,
            )
            .unwrap();
            let entries = dict_entries(&[data.clone(), vec![17]].concat()).unwrap();
            assert_eq!(entries[0].1[0].value, value, "{data:?}");
        }
        let mut one = [0u8];
        assert!(rewrite(
            &mut one,
            Operand {
                value: 0,
                at: 0,
                len: 1
            },
            500
        )
        .is_err());
    }

    #[test]
    fn a_font_of_tables_has_a_sorted_directory_and_aligned_tables() {
        let tables = [(*b"name", vec![1, 2, 3]), (*b"head", vec![9; 54])];
        let records: Vec<Record> = tables
            .iter()
            .map(|(tag, data)| Record {
                tag: *tag,
                offset: 0,
                length: data.len() as u32,
            })
            .collect();
        let font = sfnt(0x4F54_544F, &records, |record, out| {
            let (_, data) = tables.iter().find(|(t, _)| *t == record.tag).unwrap();
            out.extend_from_slice(data);
            Ok(())
        })
        .unwrap();
        assert_eq!(be16(&font, 4).unwrap(), 2);
        assert_eq!(&font[12..16], b"head");
        assert_eq!(&font[28..32], b"name");
        let name_at = be32(&font, 28 + 8).unwrap() as usize;
        assert_eq!(name_at % 4, 0);
        assert_eq!(&font[name_at..name_at + 3], &[1, 2, 3]);
        assert_eq!(be32(&font, 28 + 4).unwrap(), checksum(&[1, 2, 3]));
    }

    /// An outline as a list of drawing commands, to compare two faces' glyphs.
    #[derive(Default, PartialEq, Debug)]
    struct Commands(Vec<(char, i32, i32)>);

    impl ttf_parser::OutlineBuilder for Commands {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push(('M', x as i32, y as i32));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push(('L', x as i32, y as i32));
        }
        fn quad_to(&mut self, _: f32, _: f32, x: f32, y: f32) {
            self.0.push(('Q', x as i32, y as i32));
        }
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, x: f32, y: f32) {
            self.0.push(('C', x as i32, y as i32));
        }
        fn close(&mut self) {
            self.0.push(('Z', 0, 0));
        }
    }

    fn outline(face: &ttf_parser::Face<'_>, glyph: u16) -> Commands {
        let mut commands = Commands::default();
        face.outline_glyph(ttf_parser::GlyphId(glyph), &mut commands);
        commands
    }

    /// The Simplified Chinese face of the regular collection, whole and as read here.
    fn simplified() -> (Vec<u8>, FaceFile) {
        crate::fonts::require_cjk();
        let path = crate::fonts::Face::SimplifiedRegular.path().expect("found");
        let index = crate::fonts::Cjk::Simplified.collection_index();
        (
            std::fs::read(path).unwrap(),
            FaceFile::open(path, index).unwrap(),
        )
    }

    #[test]
    fn the_layout_font_measures_as_the_collection_does_in_a_tenth_of_its_bytes() {
        let (whole, mut file) = simplified();
        let index = crate::fonts::Cjk::Simplified.collection_index();
        let original = ttf_parser::Face::parse(&whole, index).unwrap();
        let layout = file.layout_font().unwrap();
        let face = ttf_parser::Face::parse(&layout, 0).unwrap();
        assert!(layout.len() * 10 < whole.len(), "{} bytes", layout.len());
        assert!(face.tables().cff.is_none());
        assert_eq!(face.number_of_glyphs(), original.number_of_glyphs());
        for c in "保持健康体重，减轻腰部的负担。Page 1 of 2".chars() {
            let glyph = original.glyph_index(c);
            assert_eq!(face.glyph_index(c), glyph, "{c}");
            let glyph = glyph.unwrap();
            assert_eq!(
                face.glyph_hor_advance(glyph),
                original.glyph_hor_advance(glyph)
            );
        }
    }

    #[test]
    fn the_font_for_some_glyphs_draws_them_as_the_collection_does_and_no_others() {
        let (whole, mut file) = simplified();
        let index = crate::fonts::Cjk::Simplified.collection_index();
        let original = ttf_parser::Face::parse(&whole, index).unwrap();
        let glyph = |c: char| original.glyph_index(c).unwrap().0;
        let drawn: Vec<u16> = "腰部神经".chars().map(glyph).collect();
        let font = file.font_for_glyphs(&drawn).unwrap();
        assert!(font.len() * 4 < whole.len(), "{} bytes", font.len());
        let face = ttf_parser::Face::parse(&font, 0).unwrap();
        for &g in &drawn {
            let commands = outline(&face, g);
            assert!(!commands.0.is_empty(), "glyph {g} has no outline");
            assert_eq!(commands, outline(&original, g), "glyph {g}");
        }
        let left_out = glyph('狭');
        assert!(!outline(&original, left_out).0.is_empty());
        assert!(outline(&face, left_out).0.is_empty());
        // What the subsetter makes of it is what it makes of the whole collection.
        let mut remapper = subsetter::GlyphRemapper::new();
        for &g in &drawn {
            remapper.remap(g);
        }
        assert_eq!(
            subsetter::subset(&font, 0, &remapper).unwrap(),
            subsetter::subset(&whole, index, &remapper).unwrap()
        );
    }

    #[test]
    fn a_cut_or_garbled_collection_is_an_error_not_a_panic() {
        let (whole, _) = simplified();
        let dir = std::env::temp_dir().join(format!("handout-cut-font-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cut.ttc");
        let index = crate::fonts::Cjk::Simplified.collection_index();
        // Cut inside the header, the directories, the outlines and the tables after them.
        for length in [0, 7, 40, 300, 3_000, 1 << 20, 15 << 20, whole.len() - 1] {
            std::fs::write(&path, &whole[..length]).unwrap();
            if let Ok(mut face) = FaceFile::open(&path, index) {
                let _ = face.layout_font();
                let _ = face.font_for_glyphs(&[0, 1, 500, 65_000]);
            }
        }
        // Offsets and lengths that point anywhere in the file: the bytes of the first
        // face's directory, then of its CFF header and Top DICT, scrambled.
        std::fs::write(&path, &whole).unwrap();
        let face = FaceFile::open(&path, 0).unwrap();
        let cff_at = face.records.iter().find(|r| r.tag == CFF).unwrap().offset as usize;
        for (from, seed) in [(12usize, 31u8), (cff_at, 7), (cff_at + 20, 13)] {
            let mut garbled = whole.clone();
            for (i, byte) in garbled.iter_mut().enumerate().skip(from).take(300) {
                *byte = byte.wrapping_mul(seed).wrapping_add(i as u8);
            }
            std::fs::write(&path, &garbled).unwrap();
            if let Ok(mut face) = FaceFile::open(&path, 0) {
                let _ = face.layout_font();
                let _ = face.font_for_glyphs(&[0, 1, 500]);
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

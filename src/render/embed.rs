//! Font embedding: each face a document draws with becomes a subset TrueType font
//! program holding only the glyphs the pages use, behind a Type 0 font with Identity-H
//! encoding, exact widths and a ToUnicode map (so text can be searched, copied and
//! read aloud).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::compress::{self, Mode};
use super::object::{Dictionary, Document, Object, ObjectId, Stream};
use subsetter::GlyphRemapper;

use super::write::{hex_u16, integer};
use crate::error::Error;
use crate::fonts::{Face, Fonts};

/// The glyphs one document draws, per face, numbered in order of first use: the
/// numbers are the subset's glyph ids and the codes the content streams write.
#[derive(Clone, Default)]
pub struct FontUsage {
    faces: [Option<FaceUse>; Face::ALL.len()],
}

#[derive(Clone)]
struct FaceUse {
    remapper: GlyphRemapper,
    /// Each original glyph id's code, 0 while unused: the remapper's hash lookup
    /// would otherwise run once per character drawn.
    codes: Vec<u16>,
    /// The text each new glyph id was first drawn for (its ToUnicode entry), `None`
    /// while it is numbered but not yet drawn (see [`FontUsage::number`]); index 0 is
    /// `.notdef`.
    unicode: Vec<Option<String>>,
    /// Each code's advance in the font, in ems: what a PDF reader moves the pen by.
    advances: Vec<f32>,
}

/// The glyphs one document draws of one face (see [`FontUsage::face`]).
pub struct FaceGlyphs<'u> {
    used: &'u mut FaceUse,
    fonts: &'u Fonts,
    face: Face,
}

impl FaceGlyphs<'_> {
    /// As [`FontUsage::use_glyph`], for this face.
    #[inline]
    pub fn use_glyph(&mut self, gid: u16, text: &str) -> Used {
        let code = self.code(gid);
        let used = &mut *self.used;
        Used {
            code,
            maps_to_text: match used.unicode.get_mut(usize::from(code)) {
                Some(Some(first)) => same_bytes(first.as_bytes(), text.as_bytes()),
                // Drawn now for the first time.
                Some(entry @ None) => {
                    *entry = Some(text.to_string());
                    true
                }
                None => false,
            },
            advance: used.advances.get(usize::from(code)).copied().unwrap_or(0.0),
        }
    }

    /// The glyph's code, numbering it when it has none yet (its ToUnicode entry waits
    /// for its first drawing).
    #[inline]
    fn code(&mut self, gid: u16) -> u16 {
        match self.used.codes.get(usize::from(gid)) {
            Some(&code) if code != 0 => code,
            _ => self.new_code(gid),
        }
    }

    /// A code for a glyph not numbered before: the next one.
    #[cold]
    fn new_code(&mut self, gid: u16) -> u16 {
        let used = &mut *self.used;
        let code = used.remapper.remap(gid);
        if usize::from(code) == used.unicode.len() {
            used.unicode.push(None);
            used.advances
                .push(self.fonts.glyph_advance_em(self.face, gid));
        }
        if let Some(slot) = used.codes.get_mut(usize::from(gid)) {
            *slot = code;
        }
        code
    }
}

/// Whether two short byte strings are equal, compared in place: most are one to three
/// bytes, where a call to `memcmp` costs more than the comparison.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// A glyph as a content stream writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Used {
    pub code: u16,
    /// The code's ToUnicode entry is the text it was drawn for this time.
    pub maps_to_text: bool,
    /// The font's advance of the glyph, in ems.
    pub advance: f32,
}

impl FontUsage {
    /// The code to write for glyph `gid` of `face`, drawn for `text`, and whether the
    /// code's ToUnicode entry is `text` (it is the text the glyph was first drawn for).
    pub fn use_glyph(&mut self, fonts: &Fonts, face: Face, gid: u16, text: &str) -> Used {
        self.face(fonts, face).use_glyph(gid, text)
    }

    /// Numbers `glyphs` of `face` in order, as drawing them would, without drawing them:
    /// the codes a document's glyphs get are then set by what is numbered first.
    pub fn number(&mut self, fonts: &Fonts, face: Face, glyphs: impl IntoIterator<Item = u16>) {
        let mut face = self.face(fonts, face);
        for gid in glyphs {
            face.code(gid);
        }
    }

    /// The glyphs of one face, for a caller that draws many glyphs of it.
    pub fn face<'u>(&'u mut self, fonts: &'u Fonts, face: Face) -> FaceGlyphs<'u> {
        let used = self.faces[face as usize].get_or_insert_with(|| FaceUse {
            remapper: GlyphRemapper::new(),
            codes: vec![0; usize::from(fonts.face_data(face).map_or(0, |f| f.number_of_glyphs()))],
            unicode: vec![Some(String::new())],
            advances: vec![0.0],
        });
        FaceGlyphs { used, fonts, face }
    }

    /// Writes every used face into `doc` and returns the font resource dictionary.
    pub fn embed(
        &self,
        doc: &mut Document,
        fonts: &Fonts,
        mode: Mode,
    ) -> Result<Dictionary, Error> {
        let mut resources = Dictionary::new();
        for face in Face::ALL {
            if let Some(used) = &self.faces[face as usize] {
                let font = embed_face(doc, fonts, face, used, mode)?;
                resources.set(super::font_resource(face), Object::Reference(font));
            }
        }
        Ok(resources)
    }
}

/// The subset tag: six capitals that differ between subsets of one face (PDF 32000
/// 9.6.4), taken from a hash of the glyph list so the same glyphs give the same tag.
fn subset_tag(face: Face, used: &FaceUse) -> String {
    let mut bytes = face.name().as_bytes().to_vec();
    for gid in used.remapper.remapped_gids() {
        bytes.extend(gid.to_be_bytes());
    }
    crate::hash::of(&bytes)[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// A subset font program, compressed: its length before compression (`/Length1`) and
/// its Flate bytes.
type Packed = (usize, Arc<Vec<u8>>);

type ProgramCache = Mutex<HashMap<(Face, Vec<u16>), Packed>>;

/// Subset font programs already compressed in this process, by face and glyph list.
/// The briefs of a batch share most of their subsets (a face the patient's details do
/// not use draws the same glyphs in the same order in every one), and subsetting and
/// compressing a face was a fifth of a batch brief's instructions. Capped, so memory
/// stays flat however long the batch: once full, new subsets are made as if uncached.
fn packed_program(face: Face, used: &FaceUse) -> Result<Option<Packed>, Error> {
    const CAPACITY: usize = 64;
    static CACHE: OnceLock<ProgramCache> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let key = (face, used.remapper.remapped_gids().collect::<Vec<u16>>());
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(Some(hit));
    }
    let program = subset(face, used)?;
    let Some(compressed) = compress::deflate(&program) else {
        return Ok(None);
    };
    let packed = (program.len(), Arc::new(compressed));
    if let Ok(mut cache) = cache.lock() {
        if cache.len() < CAPACITY {
            cache.insert(key, packed.clone());
        }
    }
    Ok(Some(packed))
}

fn subset(face: Face, used: &FaceUse) -> Result<Vec<u8>, Error> {
    let glyphs: Vec<u16> = used.remapper.remapped_gids().collect();
    let (bytes, index) = face.font_for_glyphs(&glyphs).map_err(Error::Pdf)?;
    let program = subsetter::subset(&bytes, index, &used.remapper)
        .map_err(|e| Error::Pdf(format!("cannot subset {}: {e}", face.name())))?;
    Ok(program)
}

/// The font program's stream: compressed through the cache in compact mode, as it is
/// in plain mode.
fn program_stream(face: Face, used: &FaceUse, mode: Mode) -> Result<Stream, Error> {
    let mut dict = Dictionary::new();
    let cff = face.has_cff_outlines();
    if cff {
        // The whole OpenType subset (FontFile3, /OpenType): its hmtx carries the widths
        // the /W array repeats, which a bare CFF program's charstrings may not.
        dict.set("Subtype", Object::name("OpenType"));
    }
    if mode == Mode::Compact {
        if let Some((length, packed)) = packed_program(face, used)? {
            if !cff {
                dict.set("Length1", Object::Integer(length as i64));
            }
            dict.set("Filter", Object::name("FlateDecode"));
            return Ok(Stream::new(dict, packed.to_vec()));
        }
    }
    let program = subset(face, used)?;
    if !cff {
        dict.set("Length1", Object::Integer(program.len() as i64));
    }
    Ok(Stream::new(dict, program))
}

fn embed_face(
    doc: &mut Document,
    fonts: &Fonts,
    face: Face,
    used: &FaceUse,
    mode: Mode,
) -> Result<ObjectId, Error> {
    let data = fonts
        .face_data(face)
        .ok_or_else(|| Error::Pdf(format!("{} is not available", face.name())))?;
    let cff = face.has_cff_outlines();
    let per_em = 1000.0 / f32::from(data.units_per_em());
    let scale = |units: i16| Object::Real(f32::from(units) * per_em);
    let base_font = format!(
        "{}+{}",
        subset_tag(face, used),
        data.names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| face.name().to_string())
    );

    let file = doc.add_object(program_stream(face, used, mode)?);

    let bbox = data.global_bounding_box();
    let italic = data.is_italic() || data.italic_angle() != 0.0;
    // Bit 6: nonsymbolic (Latin text); bit 7: italic.
    let flags = 32 | if italic { 64 } else { 0 };
    // The usual estimate of the dominant stem width from the weight class, for
    // readers that synthesize a substitute.
    let weight = f32::from(data.weight().to_number());
    let stem_v = 10.0 + 220.0 * ((weight - 50.0) / 900.0).powi(2);
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", Object::name("FontDescriptor"));
    descriptor.set("FontName", Object::Name(base_font.clone().into()));
    descriptor.set("Flags", Object::Integer(flags));
    descriptor.set(
        "FontBBox",
        Object::Array(vec![
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ]),
    );
    descriptor.set("ItalicAngle", Object::Real(data.italic_angle()));
    descriptor.set("Ascent", scale(data.ascender()));
    descriptor.set("Descent", scale(data.descender()));
    descriptor.set(
        "CapHeight",
        scale(data.capital_height().unwrap_or(data.ascender())),
    );
    descriptor.set("StemV", Object::Real(stem_v.round()));
    descriptor.set(
        if cff { "FontFile3" } else { "FontFile2" },
        Object::Reference(file),
    );
    let descriptor = doc.add_object(Object::Dictionary(descriptor));

    let widths: Vec<Object> = used
        .remapper
        .remapped_gids()
        .take(used.unicode.len())
        .map(|gid| {
            let advance = data
                .glyph_hor_advance(ttf_parser::GlyphId(gid))
                .unwrap_or(0);
            Object::Real(f32::from(advance) * per_em)
        })
        .collect();
    let mut system_info = Dictionary::new();
    system_info.set("Registry", Object::string_literal("Adobe"));
    system_info.set("Ordering", Object::string_literal("Identity"));
    system_info.set("Supplement", Object::Integer(0));
    let mut cid_font = Dictionary::new();
    cid_font.set("Type", Object::name("Font"));
    cid_font.set(
        "Subtype",
        Object::name(if cff { "CIDFontType0" } else { "CIDFontType2" }),
    );
    cid_font.set("BaseFont", Object::Name(base_font.clone().into()));
    cid_font.set("CIDSystemInfo", Object::Dictionary(system_info));
    cid_font.set("FontDescriptor", Object::Reference(descriptor));
    // Only TrueType descendants map CIDs to glyphs; a CFF one's CIDs are its own.
    if !cff {
        cid_font.set("CIDToGIDMap", Object::name("Identity"));
    }
    cid_font.set(
        "W",
        Object::Array(vec![Object::Integer(0), Object::Array(widths)]),
    );
    let cid_font = doc.add_object(Object::Dictionary(cid_font));

    let to_unicode = doc.add_object(Stream::repeating(
        Dictionary::new(),
        to_unicode(&used.unicode),
    ));
    let mut font = Dictionary::new();
    font.set("Type", Object::name("Font"));
    font.set("Subtype", Object::name("Type0"));
    font.set("BaseFont", Object::Name(base_font.into()));
    font.set("Encoding", Object::name("Identity-H"));
    font.set(
        "DescendantFonts",
        Object::Array(vec![Object::Reference(cid_font)]),
    );
    font.set("ToUnicode", Object::Reference(to_unicode));
    Ok(doc.add_object(Object::Dictionary(font)))
}

/// The ToUnicode CMap: each glyph code to the character it was drawn for.
fn to_unicode(unicode: &[Option<String>]) -> Vec<u8> {
    let mut cmap = Vec::with_capacity(400 + unicode.len() * 16);
    cmap.extend_from_slice(
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
          /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
          /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
          1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // A glyph first drawn for no text (none is, but an empty entry would be invalid)
    // is left out rather than mapped to nothing.
    let entries: Vec<(u16, &str)> = (0..=u16::MAX)
        .zip(unicode.iter().map(|t| t.as_deref().unwrap_or("")))
        .skip(1)
        .filter(|(_, text)| !text.is_empty())
        .collect();
    // At most 100 entries per block (PDF 32000 9.10.3).
    for block in entries.chunks(100) {
        integer(&mut cmap, block.len() as i64);
        cmap.extend_from_slice(b" beginbfchar\n");
        for &(code, text) in block {
            cmap.push(b'<');
            hex_u16(&mut cmap, code);
            cmap.extend_from_slice(b"> <");
            for unit in text.encode_utf16() {
                hex_u16(&mut cmap, unit);
            }
            cmap.extend_from_slice(b">\n");
        }
        cmap.extend_from_slice(b"endbfchar\n");
    }
    cmap.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_first_use_and_repeat_for_the_same_glyph() {
        let fonts = Fonts::bundled();
        let mut usage = FontUsage::default();
        let b = fonts.glyph(Face::Regular, 'b').unwrap().id;
        let a = fonts.glyph(Face::Regular, 'a').unwrap().id;
        let mut used = |face, gid, text| {
            let u = usage.use_glyph(fonts, face, gid, text);
            assert!((u.advance - fonts.glyph_advance_em(face, gid)).abs() < 1e-6);
            (u.code, u.maps_to_text)
        };
        assert_eq!(used(Face::Regular, b, "b"), (1, true));
        assert_eq!(used(Face::Regular, a, "a"), (2, true));
        assert_eq!(used(Face::Regular, b, "b"), (1, true));
        // The same glyph drawn for other text keeps its code and says it maps elsewhere.
        assert_eq!(used(Face::Regular, b, "x"), (1, false));
        // Each face numbers its own glyphs.
        assert_eq!(used(Face::Bold, a, "a"), (1, true));
    }

    #[test]
    fn glyphs_numbered_ahead_keep_their_codes_and_map_to_what_they_are_first_drawn_for() {
        let fonts = Fonts::bundled();
        let mut usage = FontUsage::default();
        let [a, b, c] = ['a', 'b', 'c'].map(|ch| fonts.glyph(Face::Regular, ch).unwrap().id);
        usage.number(fonts, Face::Regular, [b, a, b]);
        let mut used = |gid, text| {
            let u = usage.use_glyph(fonts, Face::Regular, gid, text);
            (u.code, u.maps_to_text)
        };
        // Drawn in another order than numbered: the numbers stand.
        assert_eq!(used(a, "a"), (2, true));
        assert_eq!(used(c, "c"), (3, true));
        assert_eq!(used(b, "b"), (1, true));
        assert_eq!(used(b, "x"), (1, false));
        let face = usage.faces[Face::Regular as usize].as_ref().unwrap();
        let entries: Vec<Option<&str>> = face.unicode.iter().map(|t| t.as_deref()).collect();
        assert_eq!(entries, [Some(""), Some("b"), Some("a"), Some("c")]);
    }

    #[test]
    fn the_subset_holds_the_used_glyphs_with_their_widths() {
        let fonts = Fonts::bundled();
        let mut usage = FontUsage::default();
        for c in "Hello".chars() {
            let g = fonts.glyph(Face::Regular, c).unwrap();
            usage.use_glyph(fonts, Face::Regular, g.id, &c.to_string());
        }
        let mut doc = Document::new();
        let resources = usage.embed(&mut doc, fonts, Mode::Compact).unwrap();
        let Some(&Object::Reference(font)) = resources.get("ATKREG") else {
            panic!("no Regular face among {resources:?}");
        };
        // Checked as a reader sees it: written, then read back by lopdf.
        let bytes = super::super::write::to_bytes(&doc, super::super::compress::Mode::Compact);
        let doc = lopdf::Document::load_mem(&bytes).expect("lopdf reads the file");
        let font = doc.get_dictionary(font).unwrap();
        let cid = font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]
            .as_reference()
            .unwrap();
        let cid = doc.get_dictionary(cid).unwrap();
        let w = cid.get(b"W").unwrap().as_array().unwrap()[1]
            .as_array()
            .unwrap()
            .clone();
        // .notdef, H, e, l, o
        assert_eq!(w.len(), 5);
        let expected = fonts.advance_em(Face::Regular, 'e') * 1000.0;
        assert!((w[2].as_float().unwrap() - expected).abs() < 0.01);

        let descriptor = cid.get(b"FontDescriptor").unwrap().as_reference().unwrap();
        let descriptor = doc.get_dictionary(descriptor).unwrap();
        let file = descriptor
            .get(b"FontFile2")
            .unwrap()
            .as_reference()
            .unwrap();
        let file = doc.get_object(file).unwrap().as_stream().unwrap();
        assert_eq!(
            file.dict.get(b"Filter").unwrap().as_name().unwrap(),
            b"FlateDecode"
        );
        let program = &file.decompressed_content().unwrap();
        let subset = ttf_parser::Face::parse(program, 0).expect("the subset parses");
        assert_eq!(subset.number_of_glyphs(), 5);
        assert_eq!(
            subset.glyph_hor_advance(ttf_parser::GlyphId(2)),
            fonts
                .face_data(Face::Regular)
                .unwrap()
                .glyph_hor_advance(ttf_parser::GlyphId(
                    fonts.glyph(Face::Regular, 'e').unwrap().id
                ))
        );
        assert!(program.len() < 20_000, "a five-glyph subset is small");
    }

    #[test]
    fn a_subset_is_compressed_once_and_reads_back_whole() {
        let fonts = Fonts::bundled();
        let mut usage = FontUsage::default();
        // Whichever call (or test) made the entry, later ones share its bytes.
        for c in "QZ%".chars() {
            let g = fonts.glyph(Face::BoldItalic, c).unwrap();
            usage.use_glyph(fonts, Face::BoldItalic, g.id, &c.to_string());
        }
        let used = usage.faces[Face::BoldItalic as usize].as_ref().unwrap();
        let (length, first) = packed_program(Face::BoldItalic, used).unwrap().unwrap();
        let (_, again) = packed_program(Face::BoldItalic, used).unwrap().unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "the second document reuses the first's"
        );
        let program = subset(Face::BoldItalic, used).unwrap();
        assert_eq!(length, program.len());
        let mut inflated = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::ZlibDecoder::new(&first[..]),
            &mut inflated,
        )
        .unwrap();
        assert_eq!(inflated, program);
        // Uncompressed mode embeds the program as it is.
        let plain = program_stream(Face::BoldItalic, used, Mode::Plain).unwrap();
        assert_eq!(plain.content, program);
        assert!(plain.dict.get("Filter").is_none());
    }

    #[test]
    fn to_unicode_maps_codes_to_their_characters() {
        let entries = ["", "A", "😀", "fi"].map(|t| Some(String::from(t)));
        let cmap = String::from_utf8(to_unicode(&entries)).unwrap();
        assert!(
            cmap.contains("3 beginbfchar\n<0001> <0041>\n<0002> <D83DDE00>\n<0003> <00660069>\n")
        );
    }
}

//! What PDF/A-2a and PDF/UA-1 ask of a file beyond its tags: XMP metadata that repeats
//! the document information and names both standards, and an sRGB output intent.

use super::compress::{self, Mode};
use super::object::{Dictionary, Document, Object, ObjectId, Stream};

use super::Info;

/// Writes the XMP metadata stream and the sRGB output intent into the catalog.
pub fn add(doc: &mut Document, catalog: ObjectId, info: &Info, mode: Mode) -> Result<(), String> {
    let xmp = xmp(info)?;
    let mut dict = Dictionary::new();
    dict.set("Type", Object::name("Metadata"));
    dict.set("Subtype", Object::name("XML"));
    // Left uncompressed, as PDF/A recommends, so tools that scan for XMP find it.
    let metadata = doc.add_object(Stream::plain(dict, xmp.into_bytes()));

    let mut icc = Dictionary::new();
    icc.set("N", Object::Integer(3));
    // Compressed once per process (`compress`), not once per document.
    let packed = match mode {
        Mode::Compact => srgb_profile(),
        Mode::Plain => None,
    };
    let profile = match packed {
        Some(packed) => {
            icc.set("Filter", Object::name("FlateDecode"));
            Stream::new(icc, packed.to_vec())
        }
        None => Stream::new(icc, SRGB_PROFILE.to_vec()),
    };
    let profile = doc.add_object(profile);
    let mut intent = Dictionary::new();
    intent.set("Type", Object::name("OutputIntent"));
    intent.set("S", Object::name("GTS_PDFA1"));
    intent.set(
        "OutputConditionIdentifier",
        Object::string_literal("sRGB IEC61966-2.1"),
    );
    intent.set("Info", Object::string_literal("sRGB IEC61966-2.1"));
    intent.set("DestOutputProfile", Object::Reference(profile));

    let catalog = doc
        .dictionary_mut(catalog)
        .ok_or("the catalog is missing")?;
    catalog.set("Metadata", Object::Reference(metadata));
    catalog.set(
        "OutputIntents",
        Object::Array(vec![Object::Dictionary(intent)]),
    );
    Ok(())
}

/// The sRGB output profile, made by `icc.rs` from the sRGB standard's numbers.
pub const SRGB_PROFILE: &[u8] = include_bytes!("srgb.icc");

/// The sRGB output profile, compressed on first use and shared by every document the
/// process writes. Here rather than in `compress`, which knows nothing of what it
/// compresses: the two modules depend one way.
fn srgb_profile() -> Option<&'static [u8]> {
    static PROFILE: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    PROFILE
        .get_or_init(|| compress::deflate(SRGB_PROFILE))
        .as_deref()
}

/// The keywords as one string, written the same way into the information dictionary
/// and the XMP (PDF/A requires the two to agree).
pub fn keywords(info: &Info) -> String {
    info.keywords.join(", ")
}

/// Year, month, day, hour, minute and second, in UTC, of seconds since 1970.
fn utc_parts(timestamp: i64) -> Result<[i64; 6], String> {
    let date = printpdf::OffsetDateTime::from_unix_timestamp(timestamp)
        .map_err(|e| format!("bad document date: {e}"))?;
    Ok([
        i64::from(date.year()),
        i64::from(u8::from(date.month())),
        i64::from(date.day()),
        i64::from(date.hour()),
        i64::from(date.minute()),
        i64::from(date.second()),
    ])
}

/// A PDF date (`D:YYYYMMDDHHmmSS+00'00'`) for the information dictionary, the same
/// instant as [`iso_date`] gives the XMP.
pub fn pdf_date(timestamp: i64) -> Result<String, String> {
    let [y, mo, d, h, mi, s] = utc_parts(timestamp)?;
    Ok(format!("D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}+00'00'"))
}

/// An ISO 8601 date for XMP from seconds since 1970, in UTC.
fn iso_date(timestamp: i64) -> Result<String, String> {
    let [y, mo, d, h, mi, s] = utc_parts(timestamp)?;
    Ok(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00"))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 cannot carry most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn xmp(info: &Info) -> Result<String, String> {
    let date = iso_date(info.timestamp)?;
    let creator_tool = super::CREATOR;
    Ok(format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{creator_tool}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>A</pdfaid:conformance>
   <pdfuaid:part>1</pdfuaid:part>
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Indicates which part of ISO 14289 the file conforms to</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{FEFF}',
        title = escape(&info.title),
        author = escape(&info.author),
        subject = escape(&info.subject),
        language = escape(&info.language),
        keywords = escape(&keywords(info)),
        producer = escape(super::PRODUCER),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_is_compressed_once_and_shared() {
        let first = srgb_profile().unwrap();
        assert!(std::ptr::eq(first, srgb_profile().unwrap()));
        assert!(first.len() < SRGB_PROFILE.len());
        assert_eq!(compress::tests::inflate(first), SRGB_PROFILE);
    }

    fn info() -> Info {
        Info {
            title: "Back <pain> & you".into(),
            author: "Team".into(),
            subject: "Spine".into(),
            keywords: vec!["M54.16".into(), "back".into()],
            timestamp: 1_747_699_200,
            inputs: None,
            language: "en-US".into(),
        }
    }

    #[test]
    fn xmp_names_both_standards_and_escapes_the_title() {
        let x = xmp(&info()).unwrap();
        assert!(x.contains("<pdfaid:part>2</pdfaid:part>"));
        assert!(x.contains("<pdfaid:conformance>A</pdfaid:conformance>"));
        assert!(x.contains("<pdfuaid:part>1</pdfuaid:part>"));
        assert!(x.contains(">Back &lt;pain&gt; &amp; you<"));
        assert!(x.contains("<pdf:Keywords>M54.16, back</pdf:Keywords>"));
    }

    #[test]
    fn dates_are_iso_8601_in_utc() {
        assert_eq!(
            iso_date(1_747_699_200).unwrap(),
            "2025-05-20T00:00:00+00:00"
        );
        // The information dictionary names the same instant.
        assert_eq!(
            pdf_date(1_747_699_200 + 3_723).unwrap(),
            "D:20250520010203+00'00'"
        );
    }
}

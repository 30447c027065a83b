//! The clinic logo: a PNG or JPEG file, checked and decoded once.

use std::path::{Path, PathBuf};

use printpdf::RawImage;

use crate::render::EncodedImage;

/// Pixel limits: a logo is printed a few centimetres wide, so anything larger is a
/// mistake (a photo, a scan) that would only bloat every PDF.
pub const MAX_SIDE_PX: u32 = 10_000;
pub const MAX_PIXELS: u64 = 25_000_000;

/// A decoded logo, ready to place and embed.
#[derive(Debug, Clone)]
pub struct Logo {
    pub path: PathBuf,
    /// Encoded once here, so every handout of a batch embeds the same bytes.
    pub image: EncodedImage,
    pub width_px: u32,
    pub height_px: u32,
    pub alt: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Png,
    Jpeg,
}

fn format(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else {
        None
    }
}

/// Width and height from the file header, read before decoding so that an enormous
/// image is refused without allocating for it.
fn dimensions(bytes: &[u8], format: Format) -> Option<(u32, u32)> {
    let be32 = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let be16 = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u32::from(u16::from_be_bytes([b[0], b[1]])))
    };
    match format {
        // IHDR is the first chunk: width and height at bytes 16..24.
        Format::Png => Some((be32(16)?, be32(20)?)),
        Format::Jpeg => {
            // Walk the markers to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
            let mut at = 2;
            loop {
                while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
                    at += 1;
                }
                if bytes.get(at) != Some(&0xFF) {
                    return None;
                }
                let marker = *bytes.get(at + 1)?;
                let len = be16(at + 2)? as usize;
                if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                    return Some((be16(at + 7)?, be16(at + 5)?));
                }
                at += 2 + len;
            }
        }
    }
}

/// Loads and checks a logo file. Errors say what is wrong with the file in plain words.
pub fn load(path: &Path, alt: &str) -> Result<Logo, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read the logo {}: {e}", path.display()))?;
    let format = format(&bytes).ok_or_else(|| {
        format!(
            "the logo {} is not a PNG or JPEG image; export it as PNG",
            path.display()
        )
    })?;
    let (width, height) = dimensions(&bytes, format).ok_or_else(|| {
        format!(
            "the logo {} is damaged: its header cannot be read",
            path.display()
        )
    })?;
    if width == 0 || height == 0 {
        return Err(format!("the logo {} has no pixels", path.display()));
    }
    if width > MAX_SIDE_PX
        || height > MAX_SIDE_PX
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(format!(
            "the logo {} is {width} x {height} pixels; the limit is {MAX_SIDE_PX} on a side and \
             {MAX_PIXELS} pixels in all. A logo needs about 600 pixels across: scale it down",
            path.display()
        ));
    }
    let image = RawImage::decode_from_bytes(&bytes, &mut Vec::new()).map_err(|e| {
        format!(
            "the logo {} could not be decoded (is the file complete?): {e}",
            path.display()
        )
    })?;
    let encoded = EncodedImage::new(&image)
        .map_err(|e| format!("the logo {} could not be encoded: {e}", path.display()))?;
    Ok(Logo {
        path: path.to_path_buf(),
        width_px: image.width as u32,
        height_px: image.height as u32,
        image: encoded,
        alt: alt.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_png_and_jpeg_sizes_from_headers() {
        let png = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/profiles/riverside-logo.png"
        ))
        .unwrap();
        assert_eq!(dimensions(&png, Format::Png), Some((240, 240)));
        // A minimal JPEG header: SOI, APP0 (length 4), SOF0 with height 30, width 40.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00,
            0x1E, 0x00, 0x28, 0x01, 0x01, 0x11, 0x00,
        ];
        assert_eq!(format(&jpeg), Some(Format::Jpeg));
        assert_eq!(dimensions(&jpeg, Format::Jpeg), Some((40, 30)));
        assert_eq!(format(b"GIF89a"), None);
    }
}

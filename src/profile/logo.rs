//! The clinic logo: a PNG or JPEG file, checked and decoded once.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use printpdf::{RawImage, RawImageData, RawImageFormat};

use crate::vocabulary::Pixels;

/// Pixel limits: a logo is printed a few centimetres wide, so anything larger is a
/// mistake (a photo, a scan) that would only bloat every PDF.
pub const MAX_SIDE_PX: u32 = 10_000;
pub const MAX_PIXELS: u64 = 25_000_000;

/// A decoded logo, ready to place and for a backend to encode.
#[derive(Debug, Clone)]
pub struct Logo {
    pub path: PathBuf,
    /// The file as read (for a batch's up-to-date check, and for a browser to show).
    pub file: Arc<[u8]>,
    /// `image/png` or `image/jpeg`.
    pub media_type: &'static str,
    /// Decoded once here; cloning shares it.
    pub pixels: Arc<Pixels>,
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
    let pixels = planes(&image)
        .map_err(|e| format!("the logo {} could not be decoded: {e}", path.display()))?;
    Ok(Logo {
        path: path.to_path_buf(),
        media_type: match format {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
        },
        file: bytes.into(),
        pixels: Arc::new(pixels),
        alt: alt.to_string(),
    })
}

/// Splits decoded pixels into 8-bit colour and alpha planes; an alpha plane that is
/// opaque everywhere is dropped.
fn planes(image: &RawImage) -> Result<Pixels, String> {
    let samples: Vec<u8> = match &image.pixels {
        RawImageData::U8(bytes) => bytes.clone(),
        // 16-bit samples: the high byte is what paper can show.
        RawImageData::U16(words) => words.iter().map(|w| (w >> 8) as u8).collect(),
        RawImageData::F32(floats) => floats
            .iter()
            .map(|f| (f.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect(),
    };
    let (channels, grey, has_alpha, bgr) = match image.data_format {
        RawImageFormat::R8 | RawImageFormat::R16 => (1, true, false, false),
        RawImageFormat::RG8 | RawImageFormat::RG16 => (2, true, true, false),
        RawImageFormat::RGB8 | RawImageFormat::RGB16 | RawImageFormat::RGBF32 => {
            (3, false, false, false)
        }
        RawImageFormat::RGBA8 | RawImageFormat::RGBA16 | RawImageFormat::RGBAF32 => {
            (4, false, true, false)
        }
        RawImageFormat::BGR8 => (3, false, false, true),
        RawImageFormat::BGRA8 => (4, false, true, true),
    };
    let pixels = image.width * image.height;
    if samples.len() != pixels * channels {
        return Err(format!(
            "{} samples for {} x {} pixels of {channels} channels",
            samples.len(),
            image.width,
            image.height
        ));
    }
    let color_channels = if grey { 1 } else { 3 };
    let mut color = Vec::with_capacity(pixels * color_channels);
    let mut alpha = Vec::with_capacity(if has_alpha { pixels } else { 0 });
    for pixel in samples.chunks_exact(channels) {
        if bgr {
            color.extend([pixel[2], pixel[1], pixel[0]]);
        } else {
            color.extend_from_slice(&pixel[..color_channels]);
        }
        if has_alpha {
            alpha.push(pixel[channels - 1]);
        }
    }
    let opaque = alpha.iter().all(|&a| a == 255);
    let side = |v: usize| u32::try_from(v).map_err(|_| format!("{v} pixels on a side"));
    Ok(Pixels {
        width: side(image.width)?,
        height: side(image.height)?,
        grey,
        color,
        alpha: (has_alpha && !opaque).then_some(alpha),
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

    fn raw(samples: Vec<u8>, data_format: RawImageFormat) -> RawImage {
        RawImage {
            pixels: RawImageData::U8(samples),
            width: 2,
            height: 1,
            data_format,
            tag: Vec::new(),
        }
    }

    #[test]
    fn rgba_splits_into_colour_and_alpha() {
        let pixels = planes(&raw(
            vec![10, 20, 30, 0, 40, 50, 60, 255],
            RawImageFormat::RGBA8,
        ))
        .unwrap();
        assert_eq!(pixels.color, [10, 20, 30, 40, 50, 60]);
        assert_eq!(pixels.alpha.as_deref(), Some(&[0, 255][..]));
        assert!(!pixels.grey);
        let bgr = planes(&raw(vec![3, 2, 1, 6, 5, 4], RawImageFormat::BGR8)).unwrap();
        assert_eq!(bgr.color, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn opaque_alpha_is_dropped_and_a_short_buffer_is_an_error() {
        let opaque = planes(&raw(vec![1, 255, 3, 255], RawImageFormat::RG8)).unwrap();
        assert!(opaque.alpha.is_none());
        assert!(opaque.grey);
        assert_eq!(opaque.color, [1, 3]);
        assert!(planes(&raw(vec![1, 2, 3], RawImageFormat::RGB8)).is_err());
    }

    #[test]
    fn the_bundled_logo_decodes_to_its_header_size() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/profiles/riverside-logo.png"
        ));
        let logo = load(path, "Riverside").unwrap();
        assert_eq!((logo.pixels.width, logo.pixels.height), (240, 240));
        assert_eq!(
            logo.pixels.color.len(),
            240 * 240 * if logo.pixels.grey { 1 } else { 3 }
        );
    }
}

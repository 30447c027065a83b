//! Images as PDF image XObjects: 8-bit grey or RGB samples, Flate-compressed, with
//! any alpha as a soft mask. Lossless, and encoded once per image rather than once per
//! document, so a batch that puts one clinic logo on thousands of handouts compresses
//! it once.

use std::io::Write;
use std::sync::Arc;

use super::object::{Dictionary, Document, Object, ObjectId, Stream};
use printpdf::{RawImage, RawImageData, RawImageFormat};

/// An image ready to embed. Cloning shares the encoded bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedImage(Arc<Encoded>);

#[derive(Debug, PartialEq, Eq)]
struct Encoded {
    width: usize,
    height: usize,
    grey: bool,
    /// Flate-compressed colour samples.
    color: Vec<u8>,
    /// Flate-compressed alpha samples, when the image is not opaque.
    alpha: Option<Vec<u8>>,
}

impl EncodedImage {
    /// Splits decoded pixels into colour and alpha and compresses both.
    pub fn new(image: &RawImage) -> Result<EncodedImage, String> {
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
        Ok(EncodedImage(Arc::new(Encoded {
            width: image.width,
            height: image.height,
            grey,
            color: deflate(&color)?,
            alpha: if has_alpha && !opaque {
                Some(deflate(&alpha)?)
            } else {
                None
            },
        })))
    }

    /// Adds the image (and its mask) to `doc`; returns the image's object.
    pub fn add_to(&self, doc: &mut Document) -> ObjectId {
        let image = &self.0;
        let dict = |grey: bool| {
            let mut dict = Dictionary::new();
            dict.set("Type", Object::name("XObject"));
            dict.set("Subtype", Object::name("Image"));
            dict.set("Width", Object::Integer(image.width as i64));
            dict.set("Height", Object::Integer(image.height as i64));
            dict.set(
                "ColorSpace",
                Object::name(if grey { "DeviceGray" } else { "DeviceRGB" }),
            );
            dict.set("BitsPerComponent", Object::Integer(8));
            dict.set("Filter", Object::name("FlateDecode"));
            dict
        };
        let mut color = dict(image.grey);
        if let Some(alpha) = &image.alpha {
            let mask = doc.add_object(Stream::new(dict(true), alpha.clone()));
            color.set("SMask", Object::Reference(mask));
        }
        doc.add_object(Stream::new(color, image.color.clone()))
    }
}

fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::default(),
    );
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| format!("cannot compress the image: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn rgba_splits_into_colour_and_soft_mask() {
        let image = RawImage {
            pixels: RawImageData::U8(vec![10, 20, 30, 0, 40, 50, 60, 255]),
            width: 2,
            height: 1,
            data_format: RawImageFormat::RGBA8,
            tag: Vec::new(),
        };
        let encoded = EncodedImage::new(&image).unwrap();
        assert_eq!(inflate(&encoded.0.color), [10, 20, 30, 40, 50, 60]);
        assert_eq!(inflate(encoded.0.alpha.as_ref().unwrap()), [0, 255]);

        let mut doc = Document::new();
        let id = encoded.add_to(&mut doc);
        let written = super::super::write::to_bytes(&doc);
        let read = lopdf::Document::load_mem(&written).expect("lopdf reads the file");
        let stream = read.get_object(id).unwrap().as_stream().unwrap();
        let mask = stream.dict.get(b"SMask").unwrap().as_reference().unwrap();
        let mask = read.get_object(mask).unwrap().as_stream().unwrap();
        assert_eq!(inflate(&mask.content), [0, 255]);
    }

    #[test]
    fn an_opaque_image_needs_no_mask_and_a_short_buffer_is_an_error() {
        let opaque = RawImage {
            pixels: RawImageData::U8(vec![1, 255, 3, 255]),
            width: 2,
            height: 1,
            data_format: RawImageFormat::RG8,
            tag: Vec::new(),
        };
        let encoded = EncodedImage::new(&opaque).unwrap();
        assert!(encoded.0.alpha.is_none());
        assert!(encoded.0.grey);
        assert_eq!(inflate(&encoded.0.color), [1, 3]);
        let short = RawImage {
            pixels: RawImageData::U8(vec![1, 2, 3]),
            width: 2,
            height: 1,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        assert!(EncodedImage::new(&short).is_err());
    }
}

//! Images as PDF image XObjects: 8-bit grey or RGB samples, Flate-compressed, with
//! any alpha as a soft mask. Lossless, and encoded once per image rather than once per
//! document, so a batch that puts one clinic logo on thousands of handouts compresses
//! it once.

use std::sync::Arc;

use super::object::{Dictionary, Document, Object, ObjectId, Stream};
use crate::vocabulary::Pixels;

/// An image ready to embed. Cloning shares the encoded bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedImage(Arc<Encoded>);

#[derive(Debug, PartialEq, Eq)]
struct Encoded {
    width: u32,
    height: u32,
    grey: bool,
    /// Flate-compressed colour samples.
    color: Vec<u8>,
    /// Flate-compressed alpha samples, when the image is not opaque.
    alpha: Option<Vec<u8>>,
}

impl EncodedImage {
    /// Compresses the colour and alpha planes.
    pub fn new(image: &Pixels) -> Result<EncodedImage, String> {
        Ok(EncodedImage(Arc::new(Encoded {
            width: image.width,
            height: image.height,
            grey: image.grey,
            color: deflate(&image.color)?,
            alpha: image.alpha.as_deref().map(deflate).transpose()?,
        })))
    }

    /// Adds the image (and its mask) to `doc`; returns the image's object.
    pub fn add_to(&self, doc: &mut Document) -> ObjectId {
        let image = &self.0;
        let dict = |grey: bool| {
            let mut dict = Dictionary::new();
            dict.set("Type", Object::name("XObject"));
            dict.set("Subtype", Object::name("Image"));
            dict.set("Width", Object::Integer(i64::from(image.width)));
            dict.set("Height", Object::Integer(i64::from(image.height)));
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
    super::compress::deflate(bytes).ok_or_else(|| "cannot compress the image".to_string())
}

#[cfg(test)]
mod tests {
    use super::super::compress::tests::inflate;
    use super::*;

    #[test]
    fn alpha_becomes_a_soft_mask() {
        let image = Pixels {
            width: 2,
            height: 1,
            grey: false,
            color: vec![10, 20, 30, 40, 50, 60],
            alpha: Some(vec![0, 255]),
        };
        let encoded = EncodedImage::new(&image).unwrap();
        assert_eq!(inflate(&encoded.0.color), [10, 20, 30, 40, 50, 60]);
        assert_eq!(inflate(encoded.0.alpha.as_ref().unwrap()), [0, 255]);

        let mut doc = Document::new();
        let id = encoded.add_to(&mut doc);
        let written = super::super::write::to_bytes(&doc, super::super::compress::Mode::Compact);
        let read = lopdf::Document::load_mem(&written).expect("lopdf reads the file");
        let stream = read.get_object(id).unwrap().as_stream().unwrap();
        let mask = stream.dict.get(b"SMask").unwrap().as_reference().unwrap();
        let mask = read.get_object(mask).unwrap().as_stream().unwrap();
        assert_eq!(inflate(&mask.content), [0, 255]);
        assert_eq!(
            mask.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
            b"DeviceGray"
        );
    }

    #[test]
    fn an_opaque_grey_image_has_no_mask() {
        let opaque = Pixels {
            width: 2,
            height: 1,
            grey: true,
            color: vec![1, 3],
            alpha: None,
        };
        let encoded = EncodedImage::new(&opaque).unwrap();
        let mut doc = Document::new();
        let id = encoded.add_to(&mut doc);
        let written = super::super::write::to_bytes(&doc, super::super::compress::Mode::Compact);
        let read = lopdf::Document::load_mem(&written).expect("lopdf reads the file");
        let stream = read.get_object(id).unwrap().as_stream().unwrap();
        assert!(stream.dict.get(b"SMask").is_err());
        assert_eq!(
            stream.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
            b"DeviceGray"
        );
        assert_eq!(inflate(&stream.content), [1, 3]);
    }
}

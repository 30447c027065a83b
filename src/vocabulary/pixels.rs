//! Decoded images, as every backend takes them.

/// An image as 8-bit sample planes, top row first: colour (one grey or three RGB
/// samples a pixel) and, when any pixel is not fully opaque, alpha (one a pixel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub grey: bool,
    pub color: Vec<u8>,
    pub alpha: Option<Vec<u8>>,
}

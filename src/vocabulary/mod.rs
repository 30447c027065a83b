//! The words every layer shares: colours, paper sizes, lengths and decoded images.
//! Depends on nothing else of ours, so inputs, layout and every backend can use it.

mod color;
mod length;
mod paper;
mod pixels;

pub use color::{contrast_on_white, parse_hex, Rgb, MIN_CONTRAST};
pub use length::mm_to_pt;
pub use paper::Paper;
pub use pixels::Pixels;

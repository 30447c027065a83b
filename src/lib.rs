//! `handout`: TOML patient handouts to laid-out, printable PDF pages.
//!
//! The pipeline, one module per step:
//! [`model`] (TOML types and validation) → [`select`] (which sections) →
//! [`layout`] (pure: measure, wrap, paginate into positioned boxes) →
//! [`render`] (boxes to PDF) → the `handout` binary's CLI.

#![forbid(unsafe_code)]

pub mod batch;
pub mod cli;
pub mod dates;
pub mod error;
pub mod fonts;
pub mod hash;
pub mod labels;
pub mod layout;
pub mod model;
pub mod output;
pub mod personal;
pub mod pipeline;
pub mod profile;
pub mod render;
pub mod select;

pub use error::Error;

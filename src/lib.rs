//! `handout`: TOML patient handouts to laid-out, printable PDF pages.
//!
//! The pipeline, one module per step, each depending only on those before it:
//! [`vocabulary`] (colours, paper, lengths) → [`model`], [`profile`], [`personal`]
//! (the inputs) → [`select`] (which sections) → [`layout`] (pure: measure, wrap,
//! paginate into positioned boxes) → [`render`] (boxes to PDF) and [`html`] (the
//! selected sections as a web page) → [`pipeline`] (the one way to build a handout) → [`batch`] and [`cli`].
//!
//! Building a handout from Rust:
//!
//! ```
//! use std::path::Path;
//! use handout::pipeline::{self, Options};
//! use handout::select::Selection;
//!
//! let path = Path::new("handouts/l3-l4-foraminal-narrowing.toml");
//! let (handout, _source) = handout::model::load(path)?;
//! let options = Options {
//!     selection: Some(Selection::Preset("brief".into())),
//!     ..Options::default()
//! };
//! let built = pipeline::build(&handout, path, &options)?;
//! assert_eq!(built.layout.pages.len(), 1);
//! assert!(built.pdf.starts_with(b"%PDF-"));
//! # Ok::<(), handout::Error>(())
//! ```

#![forbid(unsafe_code)]
// Input must never be able to crash the tool: no unwrap or expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod batch;
pub mod catalog;
pub mod cli;
pub mod dates;
pub mod document_reference;
pub mod error;
pub mod fhir;
pub mod fonts;
pub mod hash;
pub mod html;
pub mod labels;
pub mod language;
pub mod layout;
pub mod library;
pub mod model;
pub mod output;
pub mod overlay;
pub mod personal;
pub mod pipeline;
pub mod profile;
pub mod readability;
pub mod render;
pub mod select;
pub mod serve;
pub mod translation;
pub mod vocabulary;
pub mod xliff;
pub mod xml;

pub use error::Error;

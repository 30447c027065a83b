//! A preset: a named list of sections, and how many pages it must fit on.
//!
//! In `[presets]` a preset is either the list itself, `brief = ["a", "b"]`, or a table
//! that can also name a page target, `brief = { sections = ["a", "b"], pages = 1 }`.
//! The two forms are told apart by the TOML value's kind, so a mistake inside either is
//! reported at the value itself by serde's own messages.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// The most pages a preset or a build may ask to fit on: a page target is for short
/// handouts a clinician hands over, not for a book.
pub const MAX_PAGE_TARGET: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    /// Section ids, printed in this order.
    pub sections: Vec<String>,
    /// The pages the preset must fit on; layout tightens spacing and then type to fit.
    pub pages: Option<u32>,
}

impl<'de> Deserialize<'de> for Preset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Preset, D::Error> {
        struct PresetVisitor;

        impl<'de> Visitor<'de> for PresetVisitor {
            type Value = Preset;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of section ids, or a table { sections = [...], pages = N }")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Preset, A::Error> {
                let sections = Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Preset {
                    sections,
                    pages: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Preset, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Table {
                    sections: Vec<String>,
                    #[serde(default)]
                    pages: Option<u32>,
                }
                let table = Table::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Preset {
                    sections: table.sections,
                    pages: table.pages,
                })
            }
        }

        deserializer.deserialize_any(PresetVisitor)
    }
}

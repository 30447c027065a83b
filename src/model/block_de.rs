//! How a block table becomes a [`Block`].
//!
//! A block says what it is in its `type` key, and TOML tables reach serde in key order,
//! so `type` comes after the keys it governs. serde's derive for such an internally
//! tagged enum buffers each whole block as untyped content and deserializes it a second
//! time: a copy of every string, and errors that can only point at the block's header.
//! Here every key but `items` is read straight into its one possible type (a wrong type
//! is reported at the value itself); `items`, whose type depends on `type`, is read as
//! text or tables of text and converted once the type is known. Messages are serde's
//! own: "unknown field `x`, expected one of ...", "missing field `x`".

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Unexpected, Visitor};
use serde::Deserialize;

use super::{Block, Medicine, Procedure, QuestionAnswer, Supplement, Term, WarningSign};

/// The block types, as `type` names them.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    Paragraph,
    Bullets,
    Numbered,
    Terms,
    Medicines,
    Supplements,
    Procedures,
    Group,
    DoAvoid,
    WarningSigns,
    Note,
    Faq,
}

impl Kind {
    /// The keys a block of this type may have besides `type`, in declaration order.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Paragraph => &["text"],
            Kind::Bullets
            | Kind::Numbered
            | Kind::Terms
            | Kind::Medicines
            | Kind::Supplements
            | Kind::Procedures
            | Kind::Faq => &["items"],
            Kind::Group => &["title", "blocks"],
            Kind::DoAvoid => &["do", "avoid"],
            Kind::WarningSigns => &["intro", "signs"],
            Kind::Note => &["title", "text"],
        }
    }
}

/// A key of a block or item table: one of the names blocks and items use, kept without
/// allocating, or another, kept for the message that refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Known(&'static str),
    Unknown(String),
}

impl Key {
    /// Every key of every block type and item type.
    const KNOWN: [&'static str; 22] = [
        "type",
        "text",
        "items",
        "title",
        "blocks",
        "do",
        "avoid",
        "intro",
        "signs",
        "term",
        "name",
        "class",
        "dose",
        "timing",
        "side_effects",
        "note",
        "purpose",
        "how_it_works",
        "what",
        "benefits",
        "question",
        "answer",
    ];

    fn name(&self) -> &str {
        match self {
            Key::Known(name) => name,
            Key::Unknown(name) => name,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match Key::KNOWN.iter().find(|&&k| k == key) {
                    Some(known) => Key::Known(known),
                    None => Key::Unknown(key.to_string()),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// An entry of `items` before the block's type is known: text, or a table of text.
enum RawItem {
    Text(String),
    Table(Vec<(Key, String)>),
}

impl<'de> Deserialize<'de> for RawItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawItem, D::Error> {
        struct ItemVisitor;
        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = RawItem;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a table of strings")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawItem, E> {
                Ok(RawItem::Text(text.to_string()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<RawItem, E> {
                Ok(RawItem::Text(text))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawItem, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(entry) = map.next_entry::<Key, String>()? {
                    entries.push(entry);
                }
                Ok(RawItem::Table(entries))
            }
        }
        deserializer.deserialize_any(ItemVisitor)
    }
}

/// The entries of one item table, taken out by name as the item is built.
struct Table(Vec<(Key, String)>);

impl Table {
    /// Refuses a key that is not among `fields`: the first in key order, as serde does.
    fn only<E: de::Error>(&self, fields: &'static [&'static str]) -> Result<(), E> {
        match self.0.iter().find(|(k, _)| !fields.contains(&k.name())) {
            Some((key, _)) => Err(E::unknown_field(key.name(), fields)),
            None => Ok(()),
        }
    }

    fn optional(&mut self, field: &str) -> Option<String> {
        let at = self.0.iter().position(|(k, _)| k.name() == field)?;
        Some(self.0.swap_remove(at).1)
    }

    fn required<E: de::Error>(&mut self, field: &'static str) -> Result<String, E> {
        self.optional(field).ok_or_else(|| E::missing_field(field))
    }
}

/// Converts `items` to the item type `build` makes, named `what` in messages.
fn items<T, E: de::Error>(
    items: Vec<RawItem>,
    what: &'static str,
    build: impl Fn(Table) -> Result<T, E>,
) -> Result<Vec<T>, E> {
    items
        .into_iter()
        .map(|item| match item {
            RawItem::Table(entries) => build(Table(entries)),
            RawItem::Text(text) => Err(E::invalid_type(Unexpected::Str(&text), &what)),
        })
        .collect()
}

fn texts<E: de::Error>(items: Vec<RawItem>) -> Result<Vec<String>, E> {
    items
        .into_iter()
        .map(|item| match item {
            RawItem::Text(text) => Ok(text),
            RawItem::Table(_) => Err(E::invalid_type(Unexpected::Map, &"a string")),
        })
        .collect()
}

fn term<E: de::Error>(mut t: Table) -> Result<Term, E> {
    t.only(&["term", "text"])?;
    Ok(Term {
        term: t.required("term")?,
        text: t.required("text")?,
    })
}

fn medicine<E: de::Error>(mut t: Table) -> Result<Medicine, E> {
    t.only(&["name", "class", "dose", "timing", "side_effects", "note"])?;
    Ok(Medicine {
        name: t.required("name")?,
        class: t.required("class")?,
        dose: t.required("dose")?,
        timing: t.required("timing")?,
        side_effects: t.required("side_effects")?,
        note: t.optional("note"),
    })
}

fn supplement<E: de::Error>(mut t: Table) -> Result<Supplement, E> {
    t.only(&["name", "dose", "purpose", "how_it_works"])?;
    Ok(Supplement {
        name: t.required("name")?,
        dose: t.required("dose")?,
        purpose: t.required("purpose")?,
        how_it_works: t.required("how_it_works")?,
    })
}

fn procedure<E: de::Error>(mut t: Table) -> Result<Procedure, E> {
    t.only(&["name", "what", "benefits"])?;
    Ok(Procedure {
        name: t.required("name")?,
        what: t.required("what")?,
        benefits: t.required("benefits")?,
    })
}

fn question<E: de::Error>(mut t: Table) -> Result<QuestionAnswer, E> {
    t.only(&["question", "answer"])?;
    Ok(QuestionAnswer {
        question: t.required("question")?,
        answer: t.required("answer")?,
    })
}

/// Every key a block table had, read into its type where it has only one.
#[derive(Default)]
struct Fields {
    kind: Option<Kind>,
    /// The keys besides `type`, in the order read, unknown ones included.
    seen: Vec<Key>,
    text: Option<String>,
    items: Option<Vec<RawItem>>,
    title: Option<String>,
    blocks: Option<Vec<Block>>,
    dos: Option<Vec<String>>,
    avoid: Option<Vec<String>>,
    intro: Option<String>,
    signs: Option<Vec<WarningSign>>,
}

fn required<T, E: de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}

impl Fields {
    fn into_block<E: de::Error>(self) -> Result<Block, E> {
        let kind = required(self.kind, "type")?;
        let allowed = kind.fields();
        if let Some(key) = self.seen.iter().find(|k| !allowed.contains(&k.name())) {
            return Err(E::unknown_field(key.name(), allowed));
        }
        let item_list = || required(self.items, "items");
        Ok(match kind {
            Kind::Paragraph => Block::Paragraph {
                text: required(self.text, "text")?,
            },
            Kind::Bullets => Block::Bullets {
                items: texts(item_list()?)?,
            },
            Kind::Numbered => Block::Numbered {
                items: texts(item_list()?)?,
            },
            Kind::Terms => Block::Terms {
                items: items(item_list()?, "struct Term", term)?,
            },
            Kind::Medicines => Block::Medicines {
                items: items(item_list()?, "struct Medicine", medicine)?,
            },
            Kind::Supplements => Block::Supplements {
                items: items(item_list()?, "struct Supplement", supplement)?,
            },
            Kind::Procedures => Block::Procedures {
                items: items(item_list()?, "struct Procedure", procedure)?,
            },
            Kind::Faq => Block::Faq {
                items: items(item_list()?, "struct QuestionAnswer", question)?,
            },
            Kind::Group => Block::Group {
                title: required(self.title, "title")?,
                blocks: required(self.blocks, "blocks")?,
            },
            Kind::DoAvoid => Block::DoAvoid {
                dos: required(self.dos, "do")?,
                avoid: required(self.avoid, "avoid")?,
            },
            Kind::WarningSigns => Block::WarningSigns {
                intro: self.intro,
                signs: required(self.signs, "signs")?,
            },
            Kind::Note => Block::Note {
                title: self.title,
                text: required(self.text, "text")?,
            },
        })
    }
}

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Block, D::Error> {
        struct BlockVisitor;
        impl<'de> Visitor<'de> for BlockVisitor {
            type Value = Block;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a block: a table with a `type`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Block, A::Error> {
                let mut fields = Fields::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.name() {
                        "type" => fields.kind = Some(map.next_value()?),
                        "text" => fields.text = Some(map.next_value()?),
                        "items" => fields.items = Some(map.next_value()?),
                        "title" => fields.title = Some(map.next_value()?),
                        "blocks" => fields.blocks = Some(map.next_value()?),
                        "do" => fields.dos = Some(map.next_value()?),
                        "avoid" => fields.avoid = Some(map.next_value()?),
                        "intro" => fields.intro = Some(map.next_value()?),
                        "signs" => fields.signs = Some(map.next_value()?),
                        // Refused once the block's type is known, naming its keys.
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    if key.name() != "type" {
                        fields.seen.push(key);
                    }
                }
                fields.into_block()
            }
        }
        deserializer.deserialize_map(BlockVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(toml_text: &str) -> Result<Block, String> {
        #[derive(Deserialize)]
        struct One {
            block: Block,
        }
        toml::from_str::<One>(toml_text)
            .map(|one| one.block)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn the_published_type_names_are_the_ones_read() {
        for name in super::super::BLOCK_TYPES {
            let kind: Result<Kind, _> = Kind::deserialize(serde::de::value::StrDeserializer::<
                serde::de::value::Error,
            >::new(name));
            assert!(kind.is_ok(), "{name} is not a block type the reader knows");
        }
        // An unknown type's message lists the types the reader knows: the same ones.
        let err = block("[block]\ntype = \"poem\"").unwrap_err();
        for name in super::super::BLOCK_TYPES {
            assert!(
                err.contains(&format!("`{name}`")),
                "{name} missing from: {err}"
            );
        }
        assert_eq!(
            err.matches('`').count() / 2,
            super::super::BLOCK_TYPES.len() + 1
        );
    }

    #[test]
    fn every_type_reads_its_fields() {
        let read = |body: &str| block(&format!("[block]\n{body}")).unwrap();
        assert!(matches!(
            read("type = \"paragraph\"\ntext = \"Hi.\""),
            Block::Paragraph { text } if text == "Hi."
        ));
        assert!(matches!(
            read("type = \"numbered\"\nitems = [\"a\", \"b\"]"),
            Block::Numbered { items } if items == ["a", "b"]
        ));
        assert!(matches!(
            read("type = \"do-avoid\"\ndo = [\"walk\"]\navoid = []"),
            Block::DoAvoid { dos, avoid } if dos == ["walk"] && avoid.is_empty()
        ));
        assert!(matches!(
            read("type = \"note\"\ntext = \"x\""),
            Block::Note { title: None, .. }
        ));
        let Block::Medicines { items } = read(
            "type = \"medicines\"\n[[block.items]]\nname = \"N\"\nclass = \"C\"\n\
             dose = \"D\"\ntiming = \"T\"\nside_effects = \"S\"\nnote = \"O\"",
        ) else {
            panic!("not medicines");
        };
        assert_eq!(
            (items[0].name.as_str(), items[0].side_effects.as_str()),
            ("N", "S")
        );
        assert_eq!(items[0].note.as_deref(), Some("O"));
        let Block::Group { title, blocks } = read(
            "type = \"group\"\ntitle = \"G\"\n[[block.blocks]]\ntype = \"faq\"\n\
             [[block.blocks.items]]\nquestion = \"Q\"\nanswer = \"A\"",
        ) else {
            panic!("not a group");
        };
        assert_eq!(title, "G");
        assert!(matches!(&blocks[0], Block::Faq { items } if items[0].answer == "A"));
    }

    #[test]
    fn the_type_may_come_before_or_after_its_fields() {
        // TOML hands keys over sorted, so `type` comes last there; other formats keep
        // the written order.
        for json in [
            r#"{"type": "bullets", "items": ["a"]}"#,
            r#"{"items": ["a"], "type": "bullets"}"#,
        ] {
            let read: Block = serde_json::from_str(json).unwrap();
            assert!(
                matches!(read, Block::Bullets { items } if items == ["a"]),
                "{json}"
            );
        }
    }

    #[test]
    fn mistakes_get_serdes_own_messages() {
        let err = |body: &str| block(&format!("[block]\n{body}")).unwrap_err();
        assert_eq!(err("text = \"x\""), "missing field `type`");
        assert!(err("type = \"table\"")
            .starts_with("unknown variant `table`, expected one of `paragraph`, `bullets`"));
        assert_eq!(
            err("type = \"bullets\"\nbulets = []"),
            "unknown field `bulets`, expected `items`"
        );
        // A field of another type is as unknown as a misspelling.
        assert_eq!(
            err("type = \"warning-signs\"\nsigns = []\ntext = \"x\""),
            "unknown field `text`, expected `intro` or `signs`"
        );
        assert_eq!(err("type = \"paragraph\""), "missing field `text`");
        assert_eq!(
            err("type = \"terms\"\n[[block.items]]\nterm = \"t\"\ntxt = \"x\""),
            "unknown field `txt`, expected `term` or `text`"
        );
        assert_eq!(
            err("type = \"terms\"\n[[block.items]]\nterm = \"t\""),
            "missing field `text`"
        );
        assert_eq!(
            err("type = \"terms\"\nitems = [\"t\"]"),
            "invalid type: string \"t\", expected struct Term"
        );
        assert_eq!(
            err("type = \"bullets\"\n[[block.items]]\nterm = \"t\""),
            "invalid type: map, expected a string"
        );
        assert_eq!(
            err("type = \"bullets\"\nitems = [5]"),
            "invalid type: integer `5`, expected a string or a table of strings"
        );
    }
}

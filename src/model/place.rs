//! Where a value sits in a TOML file, found after the fact.
//!
//! Validation works on the parsed data, which has kept no positions. Rather than carry a
//! span on every field, a problem names the value's path (`meta.codes[1]`,
//! `presets.brief`, `margins_mm.top`) and the source is parsed once more with spans to
//! find it, so the problem can be shown at `file:line:col` like a syntax error.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One step down a TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
    /// A key that a value's short form leaves out: a preset written `brief = [...]` is
    /// `brief.sections` written short, so this key is skipped when the value is a list.
    TableKey(String),
}

/// The path to a value (or to its key) in a TOML document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    steps: Vec<Step>,
    /// Point at the key rather than its value: what is wrong is the name.
    at_key: bool,
}

impl Place {
    /// A path of dotted keys, such as `meta.review_due` (keys only; add indexes with
    /// [`Place::index`]).
    pub fn of(path: &str) -> Place {
        Place {
            steps: path.split('.').map(|k| Step::Key(k.to_string())).collect(),
            at_key: false,
        }
    }

    pub fn key(mut self, key: &str) -> Place {
        self.steps.push(Step::Key(key.to_string()));
        self
    }

    pub fn index(mut self, index: usize) -> Place {
        self.steps.push(Step::Index(index));
        self
    }

    /// `key` in the table form of a value that may also be written as a bare list.
    pub fn table_key(mut self, key: &str) -> Place {
        self.steps.push(Step::TableKey(key.to_string()));
        self
    }

    /// Points at the last key's name instead of its value.
    pub fn name(mut self) -> Place {
        self.at_key = true;
        self
    }
}

/// A TOML document parsed with the position of every key and value.
pub struct Spans<'i> {
    root: Option<Spanned<DeTable<'i>>>,
}

impl<'i> Spans<'i> {
    /// A document that does not parse locates nothing (it was parsed once already, so
    /// this does not happen in practice).
    pub fn new(text: &'i str) -> Spans<'i> {
        Spans {
            root: DeTable::parse(text).ok(),
        }
    }

    /// Where `ch` first stands in a string value under `within` (the whole document when
    /// `None`), in source order: at the character itself where the value spells it out,
    /// else at the value (an escape such as `\u0378`).
    pub fn first_char(&self, text: &str, within: Option<&Place>, ch: char) -> Option<usize> {
        let mut spans = Vec::new();
        match within {
            Some(place) => strings_with(self.value(place)?, ch, &mut spans),
            None => {
                for (_, value) in self.root.as_ref()?.get_ref().iter() {
                    strings_with(value, ch, &mut spans);
                }
            }
        }
        let span = spans.into_iter().min_by_key(|s| s.start)?;
        let raw = text.get(span.clone()).unwrap_or("");
        Some(raw.find(ch).map_or(span.start, |at| span.start + at))
    }

    /// The value at `place` (keys and indexes only).
    fn value(&self, place: &Place) -> Option<&Spanned<DeValue<'i>>> {
        let mut table: Option<&DeTable<'i>> = Some(self.root.as_ref()?.get_ref());
        let mut value = None;
        for step in &place.steps {
            value = match step {
                Step::Key(key) | Step::TableKey(key) => table?
                    .iter()
                    .find(|(k, _)| k.get_ref() == key)
                    .map(|(_, v)| v),
                Step::Index(i) => value?.get_ref().as_array()?.get(*i),
            };
            table = value.and_then(|v| v.get_ref().as_table());
        }
        value
    }

    /// The byte range of the value (or key) at `place`, if the document has it.
    pub fn find(&self, place: &Place) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let mut table: Option<&DeTable<'i>> = Some(root.get_ref());
        let mut value: Option<&Spanned<DeValue<'i>>> = None;
        let mut key_span = None;
        for step in &place.steps {
            match step {
                Step::Key(key) | Step::TableKey(key) => {
                    if let (Step::TableKey(_), Some(v)) = (step, value) {
                        if v.get_ref().is_array() {
                            continue;
                        }
                    }
                    let (k, v) = table?.iter().find(|(k, _)| k.get_ref() == key)?;
                    key_span = Some(k.span());
                    value = Some(v);
                }
                Step::Index(i) => {
                    value = Some(value?.get_ref().as_array()?.get(*i)?);
                    key_span = None;
                }
            }
            table = value.and_then(|v| v.get_ref().as_table());
        }
        if place.at_key {
            key_span
        } else {
            value.map(Spanned::span)
        }
    }
}

/// The spans of the strings under `value` that hold `ch`.
fn strings_with(value: &Spanned<DeValue<'_>>, ch: char, out: &mut Vec<Range<usize>>) {
    match value.get_ref() {
        DeValue::String(text) if text.contains(ch) => out.push(value.span()),
        DeValue::Array(items) => items.iter().for_each(|v| strings_with(v, ch, out)),
        DeValue::Table(table) => table.iter().for_each(|(_, v)| strings_with(v, ch, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'a>(text: &'a str, place: &Place) -> &'a str {
        let span = Spans::new(text).find(place).expect("found");
        &text[span]
    }

    #[test]
    fn finds_values_keys_and_list_items() {
        let text = "[meta]\ncodes = [\"M54\", \"m5\"]\nreview_due = 2020-01-01\n\
                    [presets]\nbrief = [\"a\", \"b\"]\nlong = { sections = [\"c\"], pages = 30 }\n\
                    [[sections]]\nid = \"x\"\n[[sections]]\nid = \"y\"\n";
        assert_eq!(found(text, &Place::of("meta.codes").index(1)), "\"m5\"");
        assert_eq!(found(text, &Place::of("meta.review_due")), "2020-01-01");
        assert_eq!(found(text, &Place::of("presets.brief").name()), "brief");
        let item = |name: &str, i| {
            Place::of("presets")
                .key(name)
                .table_key("sections")
                .index(i)
        };
        assert_eq!(found(text, &item("brief", 1)), "\"b\"");
        assert_eq!(found(text, &item("long", 0)), "\"c\"");
        assert_eq!(found(text, &Place::of("presets.long.pages")), "30");
        assert_eq!(
            found(text, &Place::of("sections").index(1).key("id")),
            "\"y\""
        );
        assert_eq!(Spans::new(text).find(&Place::of("meta.nothing")), None);
        assert_eq!(Spans::new("= broken").find(&Place::of("meta")), None);
    }

    #[test]
    fn finds_the_first_string_holding_a_character() {
        let text = "# \u{2603} in a comment is not a value\n[meta]\ntitle = \"snow \u{2603}\"\n\
                    [[sections]]\nid = \"a\"\nitems = [\"x\", \"\\u2603 escaped\"]\n\
                    [[sections]]\nid = \"b\"\ntext = \"\u{2603}\"\n";
        let spans = Spans::new(text);
        let at = |within: Option<Place>| spans.first_char(text, within.as_ref(), '\u{2603}');
        let title = text.find("snow").unwrap() + "snow ".len();
        assert_eq!(at(None), Some(title));
        let escaped = text.find("\"\\u2603").unwrap();
        assert_eq!(at(Some(Place::of("sections").index(0))), Some(escaped));
        let last = text.rfind('\u{2603}').unwrap();
        assert_eq!(at(Some(Place::of("sections").index(1))), Some(last));
        assert_eq!(at(Some(Place::of("sections").index(2))), None);
        assert_eq!(spans.first_char(text, None, 'Z'), None);
    }
}

//! The handout as written in TOML: plain data types, parsed by serde with every unknown key
//! refused, then checked by [`validate`] for what serde cannot express.

mod block_de;
mod parse;
mod place;
mod preset;
mod selection;
mod validate;

pub use parse::{
    load, load_from, parse, read_text, read_text_from, read_toml, read_toml_with_text, toml_files,
    MAX_INPUT_BYTES,
};
pub use place::{Place, Spans};
pub use preset::{Preset, MAX_PAGE_TARGET};
pub use selection::Selection;
pub use validate::{
    check_url, is_icd10cm_code, is_kebab_id, is_language_tag, validate, Problem, FULL_PRESET,
};

use serde::Deserialize;
use toml::value::Datetime;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handout {
    pub disclaimer: String,
    pub meta: Meta,
    #[serde(default)]
    pub presets: std::collections::BTreeMap<String, Preset>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    pub language: String,
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub sources: Vec<Source>,
    pub reviewed_by: String,
    pub last_updated: Datetime,
    #[serde(default)]
    pub review_due: Option<Datetime>,
    #[serde(default)]
    pub version: Option<String>,
    /// Where the handout can be read online; printed on page 1 as a link and a QR code.
    #[serde(default)]
    pub url: Option<String>,
    /// In a translation: the fingerprint of the English head (disclaimer, title,
    /// subtitle, reviewer, sources' names) it translates, as a section's
    /// `translated_from`. Layout never reads it.
    #[serde(default)]
    pub translated_from: Option<String>,
}

impl Meta {
    /// What names this handout's files: its id, and after it the language for a handout
    /// not in English, so a translation that shares its source's id
    /// (`l3-l4-foraminal-narrowing` in `es`) is not written over its source's file. An id
    /// that already ends with its language (`l3-l4-foraminal-narrowing-es`) is not given
    /// it twice.
    pub fn file_stem(&self) -> String {
        let language = self.language.trim();
        let english = crate::language::Tag::parse(language).is_some_and(|t| t.language == "en");
        let suffix = format!("-{language}");
        let has_it = self.id.len() > suffix.len()
            && self.id[self.id.len() - suffix.len()..].eq_ignore_ascii_case(&suffix);
        if english || has_it || language.is_empty() {
            self.id.clone()
        } else {
            format!("{}{}", self.id, suffix.to_ascii_lowercase())
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Spanned so that validation can point at the line of a bad or duplicate id.
    pub id: toml::Spanned<String>,
    pub title: String,
    /// In a translation: the fingerprint of the English section this one translates,
    /// written by `handout xliff` (see `crate::translation`). Layout never reads it.
    #[serde(default)]
    pub translated_from: Option<String>,
    pub blocks: Vec<Block>,
}

/// Every block type, as the TOML `type` key names it.
pub const BLOCK_TYPES: [&str; 12] = [
    "paragraph",
    "bullets",
    "numbered",
    "terms",
    "medicines",
    "supplements",
    "procedures",
    "group",
    "do-avoid",
    "warning-signs",
    "note",
    "faq",
];

/// A block of a section, named in TOML by its `type` (`paragraph`, `do-avoid`, ...), with
/// its fields beside it. Read by hand in `block_de`: every unknown key is refused.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph {
        text: String,
    },
    Bullets {
        items: Vec<String>,
    },
    Numbered {
        items: Vec<String>,
    },
    Terms {
        items: Vec<Term>,
    },
    Medicines {
        items: Vec<Medicine>,
    },
    Supplements {
        items: Vec<Supplement>,
    },
    Procedures {
        items: Vec<Procedure>,
    },
    Group {
        title: String,
        blocks: Vec<Block>,
    },
    DoAvoid {
        /// Written `do` in TOML.
        dos: Vec<String>,
        avoid: Vec<String>,
    },
    WarningSigns {
        intro: Option<String>,
        signs: Vec<WarningSign>,
    },
    Note {
        title: Option<String>,
        text: String,
    },
    Faq {
        items: Vec<QuestionAnswer>,
    },
}

#[derive(Debug, Clone)]
pub struct Term {
    pub term: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Medicine {
    pub name: String,
    pub class: String,
    pub dose: String,
    pub timing: String,
    pub side_effects: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Supplement {
    pub name: String,
    pub dose: String,
    pub purpose: String,
    pub how_it_works: String,
}

#[derive(Debug, Clone)]
pub struct Procedure {
    pub name: String,
    pub what: String,
    pub benefits: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Urgency {
    Emergency,
    Soon,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningSign {
    pub urgency: Urgency,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct QuestionAnswer {
    pub question: String,
    pub answer: String,
}

impl Block {
    /// How many items a reader would count in this block: list entries, medicines, signs...
    /// A paragraph or note counts as one; a group counts what it contains.
    pub fn item_count(&self) -> usize {
        match self {
            Block::Paragraph { .. } | Block::Note { .. } => 1,
            Block::Bullets { items } | Block::Numbered { items } => items.len(),
            Block::Terms { items } => items.len(),
            Block::Medicines { items } => items.len(),
            Block::Supplements { items } => items.len(),
            Block::Procedures { items } => items.len(),
            Block::Group { blocks, .. } => blocks.iter().map(Block::item_count).sum(),
            Block::DoAvoid { dos, avoid } => dos.len() + avoid.len(),
            Block::WarningSigns { signs, .. } => signs.len(),
            Block::Faq { items } => items.len(),
        }
    }

    /// The name used for this block type in the TOML `type` key.
    pub fn type_name(&self) -> &'static str {
        match self {
            Block::Paragraph { .. } => "paragraph",
            Block::Bullets { .. } => "bullets",
            Block::Numbered { .. } => "numbered",
            Block::Terms { .. } => "terms",
            Block::Medicines { .. } => "medicines",
            Block::Supplements { .. } => "supplements",
            Block::Procedures { .. } => "procedures",
            Block::Group { .. } => "group",
            Block::DoAvoid { .. } => "do-avoid",
            Block::WarningSigns { .. } => "warning-signs",
            Block::Note { .. } => "note",
            Block::Faq { .. } => "faq",
        }
    }

    /// Every piece of text in the block, in reading order, with a description of where
    /// it is (for error messages). The description is built only when asked for, since
    /// most callers never need it.
    pub fn texts(&self, mut visit: impl FnMut(Location<'_>, &str)) {
        self.visit_texts(&mut visit);
    }

    fn visit_texts(&self, visit: &mut dyn FnMut(Location<'_>, &str)) {
        let each = |visit: &mut dyn FnMut(Location<'_>, &str), what: &str, items: &[String]| {
            for (i, item) in items.iter().enumerate() {
                visit(&|| format!("{what} item {}", i + 1), item);
            }
        };
        match self {
            Block::Paragraph { text } => visit(&|| "paragraph".into(), text),
            Block::Bullets { items } => each(visit, "bullets", items),
            Block::Numbered { items } => each(visit, "numbered", items),
            Block::Terms { items } => {
                for (i, t) in items.iter().enumerate() {
                    let at = || format!("terms item {}", i + 1);
                    visit(&at, &t.term);
                    visit(&at, &t.text);
                }
            }
            Block::Medicines { items } => {
                for (i, m) in items.iter().enumerate() {
                    let at = || format!("medicine {} ({})", i + 1, m.name);
                    for text in [&m.name, &m.class, &m.dose, &m.timing, &m.side_effects] {
                        visit(&at, text);
                    }
                    if let Some(note) = &m.note {
                        visit(&at, note);
                    }
                }
            }
            Block::Supplements { items } => {
                for (i, s) in items.iter().enumerate() {
                    let at = || format!("supplement {} ({})", i + 1, s.name);
                    for text in [&s.name, &s.dose, &s.purpose, &s.how_it_works] {
                        visit(&at, text);
                    }
                }
            }
            Block::Procedures { items } => {
                for (i, p) in items.iter().enumerate() {
                    let at = || format!("procedure {} ({})", i + 1, p.name);
                    for text in [&p.name, &p.what, &p.benefits] {
                        visit(&at, text);
                    }
                }
            }
            Block::Group { title, blocks } => {
                visit(&|| "group title".into(), title);
                for block in blocks {
                    block.visit_texts(&mut |at, text| {
                        visit(&|| format!("group \"{title}\", {}", at()), text)
                    });
                }
            }
            Block::DoAvoid { dos, avoid } => {
                each(visit, "do", dos);
                each(visit, "avoid", avoid);
            }
            Block::WarningSigns { intro, signs } => {
                if let Some(intro) = intro {
                    visit(&|| "warning signs intro".into(), intro);
                }
                for (i, s) in signs.iter().enumerate() {
                    visit(&|| format!("warning sign {}", i + 1), &s.text);
                }
            }
            Block::Note { title, text } => {
                if let Some(title) = title {
                    visit(&|| "note title".into(), title);
                }
                visit(&|| "note".into(), text);
            }
            Block::Faq { items } => {
                for (i, qa) in items.iter().enumerate() {
                    visit(&|| format!("question {}", i + 1), &qa.question);
                    visit(&|| format!("answer {}", i + 1), &qa.answer);
                }
            }
        }
    }
}

impl Block {
    /// Every piece of text in the block, to change in place (a clinic overlay's
    /// rewording), in the order [`Block::texts`] visits them.
    pub fn texts_mut(&mut self, visit: &mut dyn FnMut(&mut String)) {
        match self {
            Block::Paragraph { text } => visit(text),
            Block::Bullets { items } | Block::Numbered { items } => {
                items.iter_mut().for_each(visit)
            }
            Block::Terms { items } => {
                for t in items {
                    visit(&mut t.term);
                    visit(&mut t.text);
                }
            }
            Block::Medicines { items } => {
                for m in items {
                    for text in [&mut m.name, &mut m.class, &mut m.dose, &mut m.timing] {
                        visit(text);
                    }
                    visit(&mut m.side_effects);
                    m.note.iter_mut().for_each(&mut *visit);
                }
            }
            Block::Supplements { items } => {
                for s in items {
                    for text in [
                        &mut s.name,
                        &mut s.dose,
                        &mut s.purpose,
                        &mut s.how_it_works,
                    ] {
                        visit(text);
                    }
                }
            }
            Block::Procedures { items } => {
                for p in items {
                    for text in [&mut p.name, &mut p.what, &mut p.benefits] {
                        visit(text);
                    }
                }
            }
            Block::Group { title, blocks } => {
                visit(title);
                blocks.iter_mut().for_each(|b| b.texts_mut(visit));
            }
            Block::DoAvoid { dos, avoid } => {
                dos.iter_mut().chain(avoid.iter_mut()).for_each(visit);
            }
            Block::WarningSigns { intro, signs } => {
                intro.iter_mut().for_each(&mut *visit);
                signs.iter_mut().for_each(|s| visit(&mut s.text));
            }
            Block::Note { title, text } => {
                title.iter_mut().for_each(&mut *visit);
                visit(text);
            }
            Block::Faq { items } => {
                for qa in items {
                    visit(&mut qa.question);
                    visit(&mut qa.answer);
                }
            }
        }
    }
}

/// Where a piece of text is, described on demand: "block 2 (medicine 3 (Ibuprofen))".
pub type Location<'a> = &'a dyn Fn() -> String;

impl Section {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }

    /// List entries, medicines, signs... in the section; for a section of paragraphs
    /// only, its paragraphs.
    pub fn item_count(&self) -> usize {
        let listed: usize = self
            .blocks
            .iter()
            .filter(|b| !matches!(b, Block::Paragraph { .. } | Block::Note { .. }))
            .map(Block::item_count)
            .sum();
        if listed > 0 {
            listed
        } else {
            self.blocks.len()
        }
    }

    /// The texts that name things rather than say them: the section's title, group
    /// titles, and the names of medicines, supplements and procedures. Readability
    /// formulas are for running prose, so they leave these out.
    pub fn labels(&self) -> Vec<&str> {
        fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a str>) {
            for block in blocks {
                match block {
                    Block::Group { title, blocks } => {
                        out.push(title);
                        walk(blocks, out);
                    }
                    Block::Medicines { items } => out.extend(items.iter().map(|m| m.name.as_str())),
                    Block::Supplements { items } => {
                        out.extend(items.iter().map(|s| s.name.as_str()))
                    }
                    Block::Procedures { items } => {
                        out.extend(items.iter().map(|p| p.name.as_str()))
                    }
                    _ => {}
                }
            }
        }
        let mut out = vec![self.title.as_str()];
        walk(&self.blocks, &mut out);
        out
    }

    /// Every piece of text in the section, title first, to change in place.
    pub fn texts_mut(&mut self, visit: &mut dyn FnMut(&mut String)) {
        visit(&mut self.title);
        self.blocks.iter_mut().for_each(|b| b.texts_mut(visit));
    }

    /// Every piece of text in the section, title first, with where it is.
    pub fn texts(&self, mut visit: impl FnMut(Location<'_>, &str)) {
        visit(&|| "title".into(), &self.title);
        for (i, block) in self.blocks.iter().enumerate() {
            block.texts(|at, text| visit(&|| format!("block {} ({})", i + 1, at()), text));
        }
    }
}

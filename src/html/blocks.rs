//! A section's blocks as the elements that say what they are: lists, a description
//! list for terms and questions, labelled groups for medicines, and a named region for
//! the warning signs.

use std::fmt::Write;

use super::Writer;
use crate::model::{Block, Urgency, WarningSign};

/// A named entry of labelled facts: a medicine, supplement or procedure.
struct Entry<'e> {
    name: &'e str,
    /// A medicine's class.
    aside: Option<&'e str>,
    facts: Vec<(&'e str, &'e str)>,
}

impl Writer<'_> {
    /// One block whose headings are at `level` (3 under a section's `h2`), under the
    /// heading whose id is `heading`.
    pub(super) fn block(&mut self, block: &Block, level: u8, heading: &str) {
        match block {
            Block::Paragraph { text } => self.element("p", "", text),
            Block::Bullets { items } => self.list("ul", "", items),
            Block::Numbered { items } => self.list("ol", "", items),
            Block::Terms { items } => {
                self.raw("<dl class=\"terms\">\n");
                for item in items {
                    self.element("dt", "", &item.term);
                    self.element("dd", "", &item.text);
                }
                self.raw("</dl>\n");
            }
            Block::Faq { items } => {
                self.raw("<dl class=\"faq\">\n");
                for qa in items {
                    self.element("dt", "", &qa.question);
                    self.element("dd", "", &qa.answer);
                }
                self.raw("</dl>\n");
            }
            Block::Medicines { items } => {
                let l = self.labels;
                for m in items {
                    let mut facts = vec![
                        (l.dose.as_str(), m.dose.as_str()),
                        (&l.timing, &m.timing),
                        (&l.side_effects, &m.side_effects),
                    ];
                    if let Some(note) = &m.note {
                        facts.push((&l.note, note));
                    }
                    self.entry(
                        &Entry {
                            name: &m.name,
                            aside: Some(&m.class),
                            facts,
                        },
                        level,
                    );
                }
            }
            Block::Supplements { items } => {
                let l = self.labels;
                for s in items {
                    let facts = vec![
                        (l.dose.as_str(), s.dose.as_str()),
                        (&l.purpose, &s.purpose),
                        (&l.how_it_works, &s.how_it_works),
                    ];
                    self.entry(
                        &Entry {
                            name: &s.name,
                            aside: None,
                            facts,
                        },
                        level,
                    );
                }
            }
            Block::Procedures { items } => {
                let l = self.labels;
                for p in items {
                    let facts = vec![
                        (l.what_is_done.as_str(), p.what.as_str()),
                        (&l.benefits, &p.benefits),
                    ];
                    self.entry(
                        &Entry {
                            name: &p.name,
                            aside: None,
                            facts,
                        },
                        level,
                    );
                }
            }
            Block::Group { title, blocks } => {
                let id = self.new_id();
                self.raw("<div class=\"group\">\n");
                self.heading(level, &id, title);
                for block in blocks {
                    self.block(block, (level + 1).min(6), &id);
                }
                self.raw("</div>\n");
            }
            Block::DoAvoid { dos, avoid } => self.do_avoid(dos, avoid, level),
            Block::WarningSigns { intro, signs } => {
                self.warning_signs(intro.as_deref(), signs, level, heading)
            }
            Block::Note { title, text } => {
                self.raw("<div class=\"note\" role=\"note\">\n");
                if let Some(title) = title {
                    self.element("p", " class=\"note-title\"", title);
                }
                self.element("p", "", text);
                self.raw("</div>\n");
            }
        }
    }

    fn list(&mut self, tag: &str, attrs: &str, items: &[String]) {
        let _ = writeln!(self.out, "<{tag}{attrs}>");
        for item in items {
            self.element("li", "", item);
        }
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn heading(&mut self, level: u8, id: &str, text: &str) {
        let _ = write!(self.out, "<h{level} id=\"{id}\">");
        self.text(text);
        let _ = writeln!(self.out, "</h{level}>");
    }

    /// A group named by its heading: a screen reader says the name on entering it, and
    /// each fact is a term with its description.
    fn entry(&mut self, entry: &Entry<'_>, level: u8) {
        let id = self.new_id();
        let _ = writeln!(
            self.out,
            "<div class=\"entry\" role=\"group\" aria-labelledby=\"{id}\">"
        );
        self.heading(level, &id, entry.name);
        if let Some(aside) = entry.aside {
            self.element("p", " class=\"aside\"", aside);
        }
        self.raw("<dl>\n");
        let colon = &self.labels.colon;
        for (label, text) in &entry.facts {
            self.element("dt", "", &format!("{label}{colon}"));
            self.element("dd", "", text);
        }
        self.raw("</dl>\n</div>\n");
    }

    /// Two lists, each named by its heading: side by side on a wide screen, one above
    /// the other on a phone, where a two-column table would squeeze both.
    fn do_avoid(&mut self, dos: &[String], avoid: &[String], level: u8) {
        self.raw("<div class=\"do-avoid\">\n");
        let l = self.labels;
        for (class, label, items) in [
            ("do", &l.do_heading, dos),
            ("avoid", &l.avoid_heading, avoid),
        ] {
            if items.is_empty() {
                continue;
            }
            let id = self.new_id();
            let _ = writeln!(self.out, "<div class=\"{class}\">");
            self.heading(level, &id, label);
            self.list("ul", &format!(" aria-labelledby=\"{id}\""), items);
            self.raw("</div>\n");
        }
        self.raw("</div>\n");
    }

    /// A region named by the section's heading, so a screen reader lists it among the
    /// page's landmarks; emergencies first, as on paper.
    fn warning_signs(
        &mut self,
        intro: Option<&str>,
        signs: &[WarningSign],
        level: u8,
        heading: &str,
    ) {
        self.raw("<section class=\"warning-signs\" aria-labelledby=\"");
        self.text(heading);
        self.raw("\">\n");
        if let Some(intro) = intro {
            self.element("p", "", intro);
        }
        let l = self.labels;
        for (urgency, class, label) in [
            (Urgency::Emergency, "emergency", &l.emergency),
            (Urgency::Soon, "soon", &l.soon),
        ] {
            let these: Vec<String> = signs
                .iter()
                .filter(|s| s.urgency == urgency)
                .map(|s| s.text.clone())
                .collect();
            if these.is_empty() {
                continue;
            }
            let id = self.new_id();
            let _ = writeln!(self.out, "<div class=\"{class}\">");
            self.heading(level, &id, label);
            self.list("ul", &format!(" aria-labelledby=\"{id}\""), &these);
            self.raw("</div>\n");
        }
        self.raw("</section>\n");
    }
}

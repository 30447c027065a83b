//! HTML: the selected sections as one self-contained, reflowing web page, for a phone,
//! a patient portal or the printed QR code.
//!
//! A backend beside the PDF's, but made from the selected model rather than from
//! layout: a page that reflows has no use for lines and page breaks, and skipping them
//! makes it cheaper than a PDF. The words around the handout's own (labels, dates, the
//! personal box) come from the same `Labels` and `Personal` the PDF prints.
//!
//! No script and nothing fetched: the stylesheet is inline and the logo a `data:` URI,
//! so the file opens the same from a portal, an e-mail or a disk. Every text and
//! attribute value is escaped; the same inputs give the same bytes.

mod blocks;
mod escape;

use std::fmt::Write;

use crate::labels::Labels;
use crate::model::{Handout, Section};
use crate::personal::Personal;
use crate::profile::{Clinic, Logo};
use crate::vocabulary::Rgb;

use escape::escape_into;

/// The stylesheet every page carries; the profile's accent colour is set before it.
const STYLE: &str = include_str!("style.css");

/// The heading colour without a profile's accent (the PDF's own).
const DEFAULT_ACCENT: Rgb = Rgb(0x1F, 0x4E, 0x79);

/// Everything a page is made of: the handout's selected sections and what a build
/// adds around them.
pub struct Page<'a> {
    pub handout: &'a Handout,
    pub sections: &'a [&'a Section],
    pub labels: &'a Labels,
    pub personal: Option<&'a Personal>,
    pub clinic: Option<&'a Clinic>,
    pub logo: Option<&'a Logo>,
    pub footer_line: Option<&'a str>,
    /// Checked for contrast on white when the profile was read.
    pub accent: Option<Rgb>,
    pub large_print: bool,
    /// The handout's sources, as the full preset prints them.
    pub show_sources: bool,
    /// Where the page lives online, for the page's canonical address.
    pub url: Option<&'a str>,
    /// The inputs' hash, recorded for a batch's rerun to skip the page.
    pub inputs: Option<&'a str>,
}

/// What opens the comment that records the inputs' hash.
const INPUTS_MARK: &str = "<!-- handout inputs: ";

/// The inputs' hash a page records, if it does.
pub fn recorded_inputs(page: &[u8]) -> Option<String> {
    let start = page
        .windows(INPUTS_MARK.len())
        .position(|w| w == INPUTS_MARK.as_bytes())?
        + INPUTS_MARK.len();
    let len = page.get(start..)?.iter().position(|&b| b == b' ')?;
    String::from_utf8(page.get(start..start + len)?.to_vec()).ok()
}

/// The page as one HTML document.
pub fn page(page: &Page<'_>) -> String {
    let mut w = Writer {
        out: String::with_capacity(16 * 1024),
        labels: page.labels,
        next_id: 0,
    };
    w.document(page);
    w.out
}

/// Writes into a `String`, which cannot fail, so `write!`'s results are dropped.
struct Writer<'a> {
    out: String,
    labels: &'a Labels,
    /// For the ids that tie a group to its heading; an underscore keeps them apart from
    /// section ids, which are kebab-case.
    next_id: usize,
}

impl Writer<'_> {
    fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    fn raw(&mut self, html: &str) {
        self.out.push_str(html);
    }

    /// `<tag attrs>text</tag>`, the text escaped; `attrs` is written as given.
    fn element(&mut self, tag: &str, attrs: &str, text: &str) {
        let _ = write!(self.out, "<{tag}{attrs}>");
        self.text(text);
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("_{}", self.next_id)
    }

    fn document(&mut self, page: &Page<'_>) {
        let meta = &page.handout.meta;
        let dir = if crate::language::is_right_to_left(&meta.language) {
            "rtl"
        } else {
            "ltr"
        };
        self.raw("<!DOCTYPE html>\n<html lang=\"");
        self.text(&meta.language);
        let _ = writeln!(self.out, "\" dir=\"{dir}\">");
        self.raw("<head>\n<meta charset=\"utf-8\">\n");
        self.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        self.element("title", "", &meta.title);
        if let Some(subtitle) = &meta.subtitle {
            self.raw("<meta name=\"description\" content=\"");
            self.text(subtitle);
            self.raw("\">\n");
        }
        if let Some(url) = page.url {
            self.raw("<link rel=\"canonical\" href=\"");
            self.text(url);
            self.raw("\">\n");
        }
        let Rgb(r, g, b) = page.accent.unwrap_or(DEFAULT_ACCENT);
        let _ = write!(
            self.out,
            "<style>\n:root {{ --accent: #{r:02x}{g:02x}{b:02x}; }}\n{STYLE}</style>\n"
        );
        if let Some(inputs) = page.inputs {
            // A hash is hex digits: nothing in it can end the comment.
            let hex: String = inputs.chars().filter(char::is_ascii_hexdigit).collect();
            let _ = writeln!(self.out, "{INPUTS_MARK}{hex} -->");
        }
        self.raw("</head>\n");
        if page.large_print {
            self.raw("<body class=\"large-print\">\n");
        } else {
            self.raw("<body>\n");
        }
        self.banner(page);
        self.raw("<main>\n");
        self.title_block(page.handout);
        if let Some(personal) = page.personal.filter(|p| !p.is_empty()) {
            self.personal(personal);
        }
        for section in page.sections {
            self.section(section);
        }
        if page.show_sources && !meta.sources.is_empty() {
            self.sources(page.handout);
        }
        if page.personal.is_some_and(|p| p.notes_area) {
            self.notes_area();
        }
        self.raw("</main>\n<footer>\n");
        if let Some(line) = page.footer_line {
            self.element("p", "", line);
        }
        self.element("p", " class=\"disclaimer\"", &page.handout.disclaimer);
        self.raw("</footer>\n</body>\n</html>\n");
    }

    /// The clinic's logo, name and contact details, as the PDF's page 1 has them.
    fn banner(&mut self, page: &Page<'_>) {
        if page.clinic.is_none() && page.logo.is_none() {
            return;
        }
        self.raw("<header class=\"clinic\">\n");
        if let Some(logo) = page.logo {
            let _ = write!(
                self.out,
                "<img width=\"{}\" height=\"{}\" alt=\"",
                logo.pixels.width, logo.pixels.height
            );
            self.text(&logo.alt);
            let _ = write!(self.out, "\" src=\"data:{};base64,", logo.media_type);
            escape::base64_into(&mut self.out, &logo.file);
            self.raw("\">\n");
        }
        if let Some(clinic) = page.clinic {
            self.raw("<div>\n");
            self.element("p", " class=\"clinic-name\"", &clinic.name);
            for line in [&clinic.department, &clinic.address].into_iter().flatten() {
                self.element("p", "", line);
            }
            let contact: Vec<&str> = [&clinic.phone, &clinic.website]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if !contact.is_empty() {
                self.element("p", "", &contact.join("  ·  "));
            }
            self.raw("</div>\n");
        }
        self.raw("</header>\n");
    }

    fn title_block(&mut self, handout: &Handout) {
        let meta = &handout.meta;
        self.element("h1", "", &meta.title);
        if let Some(subtitle) = &meta.subtitle {
            self.element("p", " class=\"subtitle\"", subtitle);
        }
        let reviewed = format!(
            "{} {} {} {}",
            self.labels.last_reviewed,
            self.labels.date(&meta.last_updated),
            self.labels.reviewed_by,
            meta.reviewed_by
        );
        self.element("p", " class=\"reviewed\"", &reviewed);
    }

    /// "For / Date / From / Follow-up", then the care team's notes: at the top, in a box
    /// named by its first label so a screen reader can find it.
    fn personal(&mut self, personal: &Personal) {
        let l = self.labels;
        let date = personal.date.as_ref().map(|d| l.date(d));
        let fields: Vec<(&str, &str)> = [
            (l.for_patient.as_str(), personal.patient.as_deref()),
            (l.date.as_str(), date.as_deref()),
            (l.from_clinician.as_str(), personal.clinician.as_deref()),
            (l.follow_up.as_str(), personal.follow_up.as_deref()),
        ]
        .into_iter()
        .filter_map(|(label, value)| value.map(|v| (label, v)))
        .collect();
        if fields.is_empty() && personal.notes.is_empty() {
            return;
        }
        self.raw("<section class=\"personal\">\n");
        if !fields.is_empty() {
            self.raw("<dl>\n");
            for (label, value) in fields {
                self.element("dt", "", &format!("{label}{}", l.colon));
                self.element("dd", "", value);
            }
            self.raw("</dl>\n");
        }
        if !personal.notes.is_empty() {
            self.element("h2", "", &l.notes);
            for note in &personal.notes {
                self.element("p", "", note);
            }
        }
        self.raw("</section>\n");
    }

    fn section(&mut self, section: &Section) {
        self.raw("<section>\n<h2 id=\"");
        self.text(section.id());
        self.raw("\">");
        self.text(&section.title);
        self.raw("</h2>\n");
        let heading = section.id().to_string();
        for block in &section.blocks {
            self.block(block, 3, &heading);
        }
        self.raw("</section>\n");
    }

    fn sources(&mut self, handout: &Handout) {
        self.raw("<section class=\"sources\">\n");
        self.element("h2", "", &self.labels.sources);
        self.raw("<ul>\n");
        for source in &handout.meta.sources {
            self.raw("<li>");
            self.text(&source.name);
            if let Some(url) = &source.url {
                self.raw(" – <a href=\"");
                self.text(url);
                self.raw("\">");
                self.text(url);
                self.raw("</a>");
            }
            self.raw("</li>\n");
        }
        self.raw("</ul>\n</section>\n");
    }

    /// Ruled lines for handwriting, on paper; a screen reader has nothing to read there.
    fn notes_area(&mut self) {
        self.raw("<section class=\"my-notes\">\n");
        self.element("h2", "", &self.labels.my_notes);
        self.raw("<div class=\"lines\" aria-hidden=\"true\">");
        for _ in 0..8 {
            self.raw("<div></div>");
        }
        self.raw("</div>\n</section>\n");
    }
}

//! The whole pipeline for one handout: settings resolved (command line > profile >
//! handout > built-in defaults), then select → layout → render.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::document_reference;
use crate::error::{Error, SourceError};
use crate::fonts::Fonts;
use crate::html;
use crate::labels::Labels;
use crate::layout::{self, Branding, LayoutError, LogoBox, Origin, PageTarget, Theme, WebLink};
use crate::model::{Handout, Place};
use crate::personal::Personal;
use crate::profile::{Logo, Profile, MIN_FITTED_FONT_SIZE};
use crate::render;
use crate::select::{self, Selection, FULL_PRESET};
use crate::vocabulary::Paper;

/// How to build one handout. Unset fields fall back to the profile, then to defaults.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    pub selection: Option<Selection>,
    pub paper: Option<Paper>,
    pub large_print: bool,
    pub profile: Option<&'a Profile>,
    pub personal: Option<&'a Personal>,
    /// Seconds since 1970 to stamp into the PDF instead of `meta.last_updated`
    /// (the CLI passes `SOURCE_DATE_EPOCH` here).
    pub timestamp: Option<i64>,
    /// The inputs' hash to record in the PDF (batch runs).
    pub inputs: Option<String>,
    /// The profile's logo already encoded for PDF, for a caller that builds many
    /// handouts with one profile (a batch encodes each logo once); without it, each
    /// build encodes the logo itself.
    pub encoded_logo: Option<&'a render::EncodedImage>,
    /// More builds of the same handouts follow in this process (a batch, the server):
    /// layout keeps the paragraphs it wraps for them. A single build leaves it off, as
    /// keeping them costs more than it saves once.
    pub reuse_across_builds: bool,
    /// The pages to fit on, over the preset's own target (`--pages`).
    pub pages: Option<u32>,
}

impl Options<'_> {
    /// The sections asked for: on the command line, else by the profile, else all.
    pub fn selection(&self) -> Selection {
        self.selection
            .clone()
            .or_else(|| self.profile.and_then(|p| p.selection.clone()))
            .unwrap_or_else(|| Selection::Preset(FULL_PRESET.into()))
    }

    /// A preset or section the handout lacks is the profile's mistake when the profile
    /// chose them: shown at its `preset` or `sections` value, as its other mistakes are.
    fn blame_profile(&self, err: Error) -> Error {
        let Some(profile) = self.profile.filter(|_| self.selection.is_none()) else {
            return err;
        };
        let place = match (&err, &profile.selection) {
            (Error::UnknownPreset { .. }, Some(Selection::Preset(_))) => Place::of("preset"),
            (Error::UnknownSection { id, .. }, Some(Selection::Sections(ids))) => {
                match ids.iter().position(|s| s == id) {
                    Some(i) => Place::of("sections").index(i),
                    None => return err,
                }
            }
            _ => return err,
        };
        let valid = match &err {
            Error::UnknownPreset { valid, .. } | Error::UnknownSection { valid, .. } => {
                valid.clone()
            }
            _ => Vec::new(),
        };
        match profile.locate(&place, err.to_string()) {
            Some(at) => Error::ProfileChoice {
                at: Box::new(at),
                valid,
            },
            None => err,
        }
    }

    pub fn paper(&self) -> Paper {
        self.paper
            .or_else(|| self.profile.and_then(|p| p.paper))
            .unwrap_or(Paper::Letter)
    }

    pub fn large_print(&self) -> bool {
        self.large_print || self.profile.is_some_and(|p| p.large_print)
    }

    /// The handout's labels for its language, with the profile's own wording on top.
    pub fn labels(&self, handout: &Handout) -> Result<Labels, Error> {
        let mut labels = Labels::for_language(&handout.meta.language);
        if let Some(profile) = self.profile {
            labels
                .apply(&profile.labels)
                .map_err(|why| Error::Invalid {
                    path: profile.path.clone(),
                    what: "clinic profile",
                    problems: vec![why],
                })?;
        }
        Ok(labels)
    }

    pub fn theme(&self) -> Theme {
        let paper = self.paper();
        let size = self.profile.and_then(|p| p.font_size).unwrap_or(12.0);
        let mut theme = if self.large_print() {
            Theme::large_print(paper, size)
        } else {
            Theme::standard(paper, size)
        };
        if let Some(profile) = self.profile {
            if let Some(accent) = profile.accent {
                theme.accent = accent;
            }
            let m = profile.margins_mm;
            theme = theme.with_margins_mm(m.top, m.bottom, m.left, m.right);
        }
        theme
    }

    /// The pages to fit on: asked for, else the preset's; with the smallest body size
    /// fitting may use.
    pub fn page_target(&self, handout: &Handout) -> Option<PageTarget> {
        let pages = self
            .pages
            .or_else(|| select::page_target(handout, &self.selection()))?;
        let floor = self
            .profile
            .and_then(|p| p.min_font_size)
            .unwrap_or(MIN_FITTED_FONT_SIZE);
        Some(PageTarget {
            pages: pages as usize,
            min_body_size: floor,
        })
    }

    /// The file a build is named when no name is given: `<handout id>-<preset>.pdf`
    /// (with the language after the id when it is not English: see
    /// [`crate::model::Meta::file_stem`]), or `-sections.pdf` for a list of sections. It
    /// carries no patient details.
    pub fn file_name(&self, handout: &Handout) -> String {
        self.file_name_as(handout, Format::Pdf)
    }

    /// [`Options::file_name`], with the extension of `format`.
    pub fn file_name_as(&self, handout: &Handout, format: Format) -> String {
        self.file_name_with(handout, format.extension())
    }

    /// [`Options::file_name`] for the PDF filed to the chart as a FHIR DocumentReference:
    /// `.fhir.json`.
    pub fn document_reference_file_name(&self, handout: &Handout) -> String {
        self.file_name_with(handout, "fhir.json")
    }

    fn file_name_with(&self, handout: &Handout, extension: &str) -> String {
        format!(
            "{}-{}.{extension}",
            handout.meta.file_stem(),
            self.selection().file_label(),
        )
    }

    /// When the PDF says it was made: `timestamp` when given, else the day the handout was
    /// last updated, so the same inputs make the same bytes.
    pub fn pdf_timestamp(&self, handout: &Handout) -> i64 {
        self.timestamp
            .unwrap_or_else(|| crate::dates::timestamp(&handout.meta.last_updated))
    }

    /// The web address for page 1: the profile's, else the handout's, with `{id}` and
    /// `{language}` replaced by the handout's (see [`expand_url`]).
    pub fn url<'h>(&'h self, handout: &'h Handout) -> Option<Cow<'h, str>> {
        self.profile
            .and_then(|p| p.url.as_deref())
            .or(handout.meta.url.as_deref())
            .map(|url| expand_url(url, handout))
    }
}

/// What a build writes: a PDF (the default), or the selected sections as one web page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Pdf, Format::Html];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    /// The format a file name asks for by its extension (`.html`, `.htm`), if any.
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(Format::Pdf),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

/// Replaces `{id}` and `{language}` in a web address with the handout's, so that one
/// profile's address serves every handout: `https://…/handouts/{id}.html?language=
/// {language}`. Both are checked when the handout is read (letters, digits and dashes),
/// so neither needs encoding.
pub fn expand_url<'u>(url: &'u str, handout: &Handout) -> Cow<'u, str> {
    if !url.contains('{') {
        return Cow::Borrowed(url);
    }
    Cow::Owned(
        url.replace("{id}", &handout.meta.id)
            .replace("{language}", &handout.meta.language),
    )
}

/// A built handout: the layout (for dumps and tests) and the PDF bytes.
pub struct Output {
    pub layout: layout::Document,
    pub pdf: Vec<u8>,
}

/// How a build met its page target, as `--json`, the API, the desk and a batch's report
/// give it: `{"target": 1, "pages": 1, "body_pt": 11.5}`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct FitReport {
    /// The pages asked for; `null` without a target.
    pub target: Option<usize>,
    pub pages: usize,
    /// The body text's size, in points.
    pub body_pt: f32,
}

impl FitReport {
    pub fn of(layout: &layout::Document) -> FitReport {
        FitReport {
            target: layout.fit.target,
            pages: layout.pages.len(),
            body_pt: layout.fit.body_size,
        }
    }
}

impl Output {
    pub fn fit(&self) -> FitReport {
        FitReport::of(&self.layout)
    }

    /// When the build missed its page target: see [`missed_target`].
    pub fn missed_target(&self, path: &Path, selection: &Selection) -> Option<String> {
        missed_target(&self.layout, path, selection)
    }
}

/// When a layout missed its page target: how much did not fit, and what would. `path`
/// and `selection` are only used in the message.
pub fn missed_target(
    layout: &layout::Document,
    path: &Path,
    selection: &Selection,
) -> Option<String> {
    let fit = &layout.fit;
    let target = fit.missed()?;
    let lines = (fit.overflow / fit.body_leading).ceil();
    let asked = match selection {
        Selection::Preset(name) => format!("the {name} preset"),
        Selection::Sections(_) => "the sections chosen".to_string(),
    };
    Some(format!(
        "{}: {asked} should fit on {target} page{}, but does not even with body text at {} \
         pt: it is printed on {} pages at {} pt, with about {lines} line{} ({:.0} pt) past \
         page {target}; leave out a section (--sections) or choose a shorter preset",
        path.display(),
        if target == 1 { "" } else { "s" },
        fit.floor,
        layout.pages.len(),
        fit.body_size,
        if lines == 1.0 { "" } else { "s" },
        fit.overflow,
    ))
}

/// Builds one handout. `path` is only used in messages.
pub fn build(handout: &Handout, path: &Path, options: &Options<'_>) -> Result<Output, Error> {
    let labels = options.labels(handout)?;
    let doc = lay_out(handout, path, options, &labels)?;
    let meta = &handout.meta;
    let mut keywords = meta.codes.clone();
    keywords.push(meta.id.clone());
    let mut author = meta.reviewed_by.clone();
    if let Some(clinic) = options.profile.and_then(|p| p.clinic.as_ref()) {
        author = format!("{} ({author})", clinic.name);
    }
    let info = render::Info {
        title: meta.title.clone(),
        author,
        subject: meta.subtitle.clone().unwrap_or_else(|| meta.title.clone()),
        keywords,
        timestamp: options.pdf_timestamp(handout),
        inputs: options.inputs.clone(),
        language: meta.language.clone(),
    };
    let encoded;
    let logo = match (
        options.encoded_logo,
        options.profile.and_then(|p| p.logo.as_ref()),
    ) {
        (Some(encoded), _) => Some(encoded),
        (None, Some(logo)) => {
            encoded = encode_logo(logo)?;
            Some(&encoded)
        }
        (None, None) => None,
    };
    let pdf = render::render(&doc, &info, logo, options.reuse_across_builds)?;
    Ok(Output { layout: doc, pdf })
}

/// The FHIR DocumentReference that files `pdf`, built from `handout` with `options`, to
/// the chart of `subject` (when given), as filed at `filed` (seconds since 1970): one
/// line of JSON holding the PDF itself.
pub fn document_reference(
    handout: &Handout,
    options: &Options<'_>,
    pdf: &[u8],
    subject: Option<&crate::fhir::PatientReference>,
    filed: i64,
) -> Result<String, Error> {
    document_reference::to_json(&document_reference::Filing {
        pdf,
        title: &handout.meta.title,
        language: &handout.meta.language,
        subject,
        filed,
        created: options.pdf_timestamp(handout),
    })
    .map_err(|e| Error::DocumentReference(e.to_string()))
}

/// Builds the selected sections as one self-contained web page: the same selection,
/// labels, personal details and branding as [`build`], without laying out pages.
/// `path` is only used in messages.
pub fn build_html(handout: &Handout, path: &Path, options: &Options<'_>) -> Result<String, Error> {
    let labels = options.labels(handout)?;
    let selection = options.selection();
    let sections = select::select(handout, path, &selection)?;
    let profile = options.profile;
    let url = options.url(handout);
    Ok(html::page(&html::Page {
        handout,
        sections: &sections,
        labels: &labels,
        personal: options.personal.filter(|p| !p.is_empty()),
        clinic: profile.and_then(|p| p.clinic.as_ref()),
        logo: profile.and_then(|p| p.logo.as_ref()),
        footer_line: profile.and_then(|p| p.footer_line.as_deref()),
        accent: profile.and_then(|p| p.accent),
        large_print: options.large_print(),
        show_sources: selection == Selection::Preset(FULL_PRESET.into()),
        url: url.as_deref(),
        inputs: options.inputs.as_deref(),
    }))
}

/// The logo as the PDF backend embeds it.
pub fn encode_logo(logo: &Logo) -> Result<render::EncodedImage, Error> {
    render::EncodedImage::new(&logo.pixels).map_err(|e| {
        Error::Pdf(format!(
            "the logo {} could not be encoded: {e}",
            logo.path.display()
        ))
    })
}

/// Lays out every section of the handout, which proves that every character can be
/// drawn, and renders nothing. `path` is only used in messages.
pub fn check(handout: &Handout, path: &Path) -> Result<(), Error> {
    let options = Options {
        selection: Some(Selection::Preset(FULL_PRESET.into())),
        ..Options::default()
    };
    let labels = options.labels(handout)?;
    lay_out(handout, path, &options, &labels).map(drop)
}

/// The line and column of the first `ch` in the string values of `file` (under
/// `within`), read again: a character no font has is rare, and worth showing where it is.
/// `None` for standard input or a file that no longer holds it.
fn char_place(file: &Path, within: Option<Place>, ch: char) -> Option<Box<SourceError>> {
    let text = std::fs::read_to_string(file).ok()?;
    let offset = crate::model::Spans::new(&text).first_char(&text, within.as_ref(), ch)?;
    Some(Box::new(SourceError::at(file, &text, offset, "")))
}

/// Selects and lays out, without rendering.
pub fn lay_out(
    handout: &Handout,
    path: &Path,
    options: &Options<'_>,
    labels: &Labels,
) -> Result<layout::Document, Error> {
    let selection = options.selection();
    let sections =
        select::select(handout, path, &selection).map_err(|err| options.blame_profile(err))?;
    let profile = options.profile;
    let link = match options.url(handout) {
        Some(url) => Some(qr_link(&url)?),
        None => None,
    };
    let request = layout::Request {
        handout,
        sections,
        labels,
        theme: options.theme(),
        show_sources: selection == Selection::Preset(FULL_PRESET.into()),
        branding: Branding {
            clinic: profile.and_then(|p| p.clinic.as_ref()),
            logo: profile.and_then(|p| p.logo.as_ref()).map(|l| LogoBox {
                width_px: l.pixels.width,
                height_px: l.pixels.height,
                alt: l.alt.clone(),
            }),
            footer_line: profile.and_then(|p| p.footer_line.as_deref()),
        },
        personal: options.personal.filter(|p| !p.is_empty()),
        link,
        remember: options.reuse_across_builds,
        fit: options.page_target(handout),
    };
    layout::layout(&request, Fonts::bundled()).map_err(|e| match e {
        LayoutError::MissingGlyph {
            origin,
            section,
            at,
            ch,
        } => {
            let in_section = handout.sections.iter().position(|s| s.id() == section);
            let (file, where_, place) = match origin {
                Origin::Handout if section == "(none)" => {
                    (path.to_path_buf(), at, char_place(path, None, ch))
                }
                Origin::Handout => (
                    path.to_path_buf(),
                    format!("section {section:?}, {at}"),
                    char_place(
                        path,
                        in_section.map(|i| Place::of("sections").index(i)),
                        ch,
                    ),
                ),
                Origin::Profile | Origin::Labels => {
                    let file = profile.map_or_else(|| path.to_path_buf(), |p| p.path.clone());
                    let place = char_place(&file, None, ch);
                    (file, at, place)
                }
                Origin::Personal => (PathBuf::from("the personal details"), at, None),
            };
            Error::MissingGlyph {
                path: file,
                place,
                where_,
                ch,
            }
        }
        LayoutError::TooManyPages { pages } => Error::TooManyPages {
            path: path.to_path_buf(),
            pages,
            limit: layout::MAX_PAGES,
        },
        LayoutError::TooTall { height, body } => Error::Pdf(format!(
            "{}: a table cell is {height:.0} pt tall, more than a whole page ({body:.0} pt); shorten it",
            path.display()
        )),
    })
}

/// Encodes the address as a QR code (medium error correction: survives a crease).
fn qr_link(url: &str) -> Result<WebLink, Error> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Pdf(format!("cannot make a QR code of {url:?}: {e}")))?;
    Ok(WebLink {
        url: url.to_string(),
        qr_size: code.width(),
        qr_modules: code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    })
}

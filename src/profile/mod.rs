//! Clinic profiles: a clinic's name, logo, colours, paper, wording and default sections,
//! from a TOML file. See `docs/profile-format.md`.

mod logo;

pub use logo::{Logo, MAX_PIXELS, MAX_SIDE_PX};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, SourceError};
use crate::labels::LabelValue;
use crate::model::{check_url, Place, Selection, Spans};
use crate::vocabulary::{contrast_on_white, parse_hex, Paper, Rgb, MIN_CONTRAST};

/// The profile file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    #[serde(default)]
    accent: Option<String>,
    #[serde(default)]
    footer_line: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    paper: Option<Paper>,
    #[serde(default)]
    margins_mm: Option<MarginsMm>,
    #[serde(default)]
    font_size: Option<f32>,
    #[serde(default)]
    min_font_size: Option<f32>,
    #[serde(default)]
    large_print: Option<bool>,
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    sections: Option<Vec<String>>,
    #[serde(default)]
    clinic: Option<Clinic>,
    #[serde(default)]
    logo: Option<LogoFile>,
    #[serde(default)]
    labels: BTreeMap<String, LabelValue>,
}

/// Page margins in millimetres; any side left out keeps the default.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MarginsMm {
    pub top: Option<f32>,
    pub bottom: Option<f32>,
    pub left: Option<f32>,
    pub right: Option<f32>,
}

/// Who is handing the handout out.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Clinic {
    pub name: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogoFile {
    file: PathBuf,
    alt: String,
}

/// A loaded, checked profile.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub path: PathBuf,
    pub clinic: Option<Clinic>,
    pub logo: Option<Logo>,
    pub accent: Option<Rgb>,
    pub footer_line: Option<String>,
    pub url: Option<String>,
    pub paper: Option<Paper>,
    pub margins_mm: MarginsMm,
    pub font_size: Option<f32>,
    /// The smallest body size fitting a page target may use (at least
    /// [`MIN_FITTED_FONT_SIZE`]).
    pub min_font_size: Option<f32>,
    pub large_print: bool,
    pub selection: Option<Selection>,
    pub labels: BTreeMap<String, LabelValue>,
}

/// Smallest and largest body size a profile may ask for, in points.
pub const FONT_SIZE_RANGE: (f32, f32) = (12.0, 28.0);
/// The smallest body size fitting a page target may set, in points: a profile may raise
/// it with `min_font_size`, never lower it.
pub const MIN_FITTED_FONT_SIZE: f32 = 11.0;
/// Margins a printer can honour and that leave room for text, in millimetres.
pub const MARGIN_RANGE_MM: (f32, f32) = (6.0, 50.0);

impl Clinic {
    /// Every field printed, with its key, for the glyph check.
    pub fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut texts = vec![("clinic.name", self.name.as_str())];
        for (key, value) in [
            ("clinic.department", &self.department),
            ("clinic.address", &self.address),
            ("clinic.phone", &self.phone),
            ("clinic.website", &self.website),
        ] {
            if let Some(v) = value {
                texts.push((key, v.as_str()));
            }
        }
        texts
    }
}

impl Profile {
    /// `message` shown at `place` in the profile's file, read again (a mistake found
    /// only once the profile meets a handout); `None` when the file cannot be read or
    /// lacks the place, as for a profile not loaded from a file.
    pub fn locate(&self, place: &Place, message: String) -> Option<SourceError> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let span = Spans::new(&text).find(place)?;
        Some(SourceError::at(&self.path, &text, span.start, message))
    }
}

/// Reads and checks a profile. The logo path is relative to the profile's directory.
pub fn load(path: &Path) -> Result<Profile, Error> {
    let (file, text): (ProfileFile, String) = crate::model::read_toml_with_text(path)?;
    let spans = Spans::new(&text);
    // A problem is shown at the value it is about, as a handout's are.
    let invalid = |problem: String, place: Place| {
        let problem = match spans.find(&place) {
            Some(span) => SourceError::at(path, &text, span.start, problem).to_string(),
            None => problem,
        };
        Error::Invalid {
            path: path.to_path_buf(),
            what: "clinic profile",
            problems: vec![problem],
        }
    };

    let accent = match &file.accent {
        None => None,
        Some(hex) => {
            let color = parse_hex(hex).ok_or_else(|| {
                invalid(
                    format!("accent {hex:?} is not a colour like \"#1F4E79\""),
                    Place::of("accent"),
                )
            })?;
            let ratio = contrast_on_white(color);
            if ratio < MIN_CONTRAST {
                return Err(invalid(
                    format!(
                        "accent {hex} has a contrast of only {ratio:.2}:1 against white paper; \
                     headings in it need at least {MIN_CONTRAST}:1 to be readable (WCAG AA). \
                     Choose a darker shade"
                    ),
                    Place::of("accent"),
                ));
            }
            Some(color)
        }
    };
    if let Some(size) = file.font_size {
        if !(FONT_SIZE_RANGE.0..=FONT_SIZE_RANGE.1).contains(&size) {
            return Err(invalid(format!(
                "font_size {size} is outside {}–{} pt; body text below 12 pt is too small for patients",
                FONT_SIZE_RANGE.0, FONT_SIZE_RANGE.1
            ), Place::of("font_size")));
        }
    }
    if let Some(size) = file.min_font_size {
        if !(MIN_FITTED_FONT_SIZE..=FONT_SIZE_RANGE.1).contains(&size) {
            return Err(invalid(
                format!(
                    "min_font_size {size} is outside {MIN_FITTED_FONT_SIZE}–{} pt; fitting a page \
                 target never sets body text below {MIN_FITTED_FONT_SIZE} pt",
                    FONT_SIZE_RANGE.1
                ),
                Place::of("min_font_size"),
            ));
        }
    }
    let margins = file.margins_mm.unwrap_or_default();
    for (side, value) in [
        ("top", margins.top),
        ("bottom", margins.bottom),
        ("left", margins.left),
        ("right", margins.right),
    ] {
        if let Some(mm) = value {
            if !(MARGIN_RANGE_MM.0..=MARGIN_RANGE_MM.1).contains(&mm) {
                return Err(invalid(
                    format!(
                        "margins_mm.{side} = {mm} is outside {}–{} mm",
                        MARGIN_RANGE_MM.0, MARGIN_RANGE_MM.1
                    ),
                    Place::of("margins_mm").key(side),
                ));
            }
        }
    }
    let selection = match (file.preset, file.sections) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "give either `preset` or `sections`, not both".to_string(),
                Place::of("sections").name(),
            ))
        }
        (Some(preset), None) => Some(Selection::Preset(preset)),
        (None, Some(sections)) => Some(Selection::Sections(sections)),
        (None, None) => None,
    };
    if let Some(url) = &file.url {
        check_url(url).map_err(|why| invalid(format!("url: {why}"), Place::of("url")))?;
    }
    let logo = match &file.logo {
        None => None,
        Some(spec) => {
            if spec.alt.trim().is_empty() {
                return Err(invalid(
                    "logo.alt is empty; describe the logo in a few words for screen readers".into(),
                    Place::of("logo.alt"),
                ));
            }
            let base = path.parent().unwrap_or(Path::new("."));
            Some(
                logo::load(&base.join(&spec.file), &spec.alt)
                    .map_err(|why| invalid(why, Place::of("logo.file")))?,
            )
        }
    };
    // Check the labels now, so a typo in one is reported against the profile. Each is
    // checked alone first (alone, a label is checked as it is in the whole set), to show
    // the one at fault.
    for (name, value) in &file.labels {
        let one = BTreeMap::from([(name.clone(), value.clone())]);
        crate::labels::Labels::english()
            .apply(&one)
            .map_err(|why| invalid(why, Place::of("labels").key(name)))?;
    }
    crate::labels::Labels::english()
        .apply(&file.labels)
        .map_err(|why| invalid(why, Place::of("labels")))?;

    Ok(Profile {
        path: path.to_path_buf(),
        clinic: file.clinic,
        logo,
        accent,
        footer_line: file.footer_line,
        url: file.url,
        paper: file.paper,
        margins_mm: margins,
        font_size: file.font_size,
        min_font_size: file.min_font_size,
        large_print: file.large_print.unwrap_or(false),
        selection,
        labels: file.labels,
    })
}

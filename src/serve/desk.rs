//! What the server serves: every handout and clinic profile, loaded and checked once at
//! start, and how a request's options become the pipeline's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::error::Error;
use crate::fhir::PatientReference;
use crate::library::{Entry, Library};
use crate::model;
use crate::personal::{self, Personal};
use crate::pipeline::{self, Options};
use crate::profile::{self, Profile};
use crate::render::{svg, EncodedImage};
use crate::select::{self, Selection};
use crate::translation;
use crate::vocabulary::Paper;

/// A clinic profile with its logo encoded once for every PDF that uses it.
pub struct LoadedProfile {
    pub profile: Profile,
    pub encoded_logo: Option<EncodedImage>,
}

/// The handouts and profiles, checked: every handout lays out in full, so every
/// character can be drawn.
pub struct Desk {
    pub library: Library,
    /// By the file's stem: `profiles/riverside-spine.toml` is `riverside-spine`.
    pub profiles: BTreeMap<String, LoadedProfile>,
    /// `SOURCE_DATE_EPOCH` when the server started, as `handout build` reads it.
    pub timestamp: Option<i64>,
}

impl Desk {
    /// Loads every handout in `handouts` and profile in `profiles`. Every mistake in
    /// any of them is listed, as `handout check` lists them, and none is served.
    pub fn load(
        handouts: &Path,
        profiles: Option<&Path>,
        timestamp: Option<i64>,
    ) -> Result<Desk, Vec<Error>> {
        let mut errors = Vec::new();
        let mut library = Library::default();
        match model::toml_files(handouts) {
            Ok(files) => {
                for file in files {
                    if let Err(err) = library
                        .add(&file)
                        .and_then(|entry| pipeline::check(&entry.handout, &entry.path))
                    {
                        errors.push(err);
                    }
                }
            }
            Err(err) => errors.push(err),
        }
        let mut loaded = BTreeMap::new();
        if let Some(dir) = profiles {
            match model::toml_files(dir) {
                Ok(files) => {
                    for file in files {
                        match load_profile(&file) {
                            Ok((id, profile)) => {
                                loaded.insert(id, profile);
                            }
                            Err(err) => errors.push(err),
                        }
                    }
                }
                Err(err) => errors.push(err),
            }
        }
        if library.is_empty() && errors.is_empty() {
            errors.push(Error::Usage(format!(
                "{} has no handouts (.toml files) to serve",
                handouts.display()
            )));
        }
        if errors.is_empty() {
            Ok(Desk {
                library,
                profiles: loaded,
                timestamp,
            })
        } else {
            Err(errors)
        }
    }

    /// The handout `id`, in `language` when a translation shares its id.
    pub fn handout(&self, id: &str, language: Option<&str>) -> Result<Arc<Entry>, Error> {
        self.library
            .find(id, language)
            .map_err(|message| Error::UnknownHandout {
                dir: PathBuf::from("the server's handouts"),
                message,
            })
    }

    fn profile(&self, id: &str) -> Result<&LoadedProfile, Error> {
        self.profiles.get(id).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            Error::Usage(format!(
                "no clinic profile {id:?}; profiles: {}",
                if known.is_empty() {
                    "none (the server was started without --profiles)".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })
    }

    /// Builds the PDF a request asks for: the same bytes as `handout build` with the
    /// same options.
    /// The PDF's file name is the one `handout build` gives it without `-o`.
    pub fn pdf(&self, request: &BuildRequest) -> Result<(pipeline::Output, String), Error> {
        self.with_options(request, |entry, options| {
            let built = pipeline::build(&entry.handout, &entry.path, options)?;
            Ok((built, options.file_name(&entry.handout)))
        })
    }

    /// The PDF of [`Desk::pdf`] filed to the chart as a FHIR DocumentReference, as
    /// `handout build --format fhir --subject` files it, with its file name. Filed now,
    /// or at `SOURCE_DATE_EPOCH` when the server was started with it, as `build` and
    /// `batch` date theirs.
    pub fn document_reference(
        &self,
        request: &BuildRequest,
        subject: Option<&PatientReference>,
    ) -> Result<(String, String), Error> {
        let filed = self.timestamp.unwrap_or_else(crate::dates::now);
        self.with_options(request, |entry, options| {
            let built = pipeline::build(&entry.handout, &entry.path, options)?;
            let json =
                pipeline::document_reference(&entry.handout, options, &built.pdf, subject, filed)?;
            Ok((json, options.document_reference_file_name(&entry.handout)))
        })
    }

    /// The web page a request asks for, built as `handout build --format html` builds it,
    /// with its file name (no patient details in it).
    pub fn html(&self, request: &BuildRequest) -> Result<(String, String), Error> {
        self.with_options(request, |entry, options| {
            let page = pipeline::build_html(&entry.handout, &entry.path, options)?;
            Ok((
                page,
                options.file_name_as(&entry.handout, pipeline::Format::Html),
            ))
        })
    }

    /// The pages the PDF of a request would have, as SVG drawn from the same layout.
    /// Fonts are left to the page showing them (the desk's stylesheet names them).
    pub fn preview(&self, request: &BuildRequest) -> Result<Preview, Error> {
        // The profile's logo, served beside the page.
        let logo = request
            .profile
            .as_deref()
            .filter(|id| {
                self.profiles
                    .get(*id)
                    .is_some_and(|p| p.profile.logo.is_some())
            })
            .map(|id| format!("/assets/logos/{id}"));
        self.with_options(request, |entry, options| {
            let labels = options.labels(&entry.handout)?;
            let doc = pipeline::lay_out(&entry.handout, &entry.path, options, &labels)?;
            Ok(Preview {
                svg: (0..doc.pages.len())
                    .map(|page| {
                        svg::page_with_logo(&doc, page, svg::FontSource::None, logo.as_deref())
                    })
                    .collect(),
                fit: pipeline::FitReport::of(&doc),
                warning: pipeline::missed_target(&doc, &entry.path, &options.selection()),
                stale: self.stale(entry, options),
            })
        })
    }

    /// For a translation: a warning for each section it prints whose English changed
    /// since it was translated, as `handout build` warns.
    fn stale(&self, entry: &Entry, options: &Options<'_>) -> Vec<String> {
        let handout = &entry.handout;
        if handout.sections.iter().all(|s| s.translated_from.is_none()) {
            return Vec::new();
        }
        let Ok(english) = self.library.find(&handout.meta.id, None) else {
            return Vec::new();
        };
        if !translation::is_source_of(&english.handout, handout) {
            return Vec::new();
        }
        let Ok(sections) = select::select(handout, &entry.path, &options.selection()) else {
            return Vec::new();
        };
        let printed: Vec<&str> = sections.iter().map(|s| s.id()).collect();
        translation::status(&english.handout, handout, Some(&printed))
            .stale
            .iter()
            .map(|stale| {
                if stale.head {
                    return "The title, disclaimer or sources translate an older English: the \
                            English changed after they were translated."
                        .to_string();
                }
                let title = sections
                    .iter()
                    .find(|s| s.id() == stale.section)
                    .map_or(stale.section.as_str(), |s| s.title.as_str());
                format!(
                    "\"{title}\" translates an older English: the English section changed \
                     after it was translated."
                )
            })
            .collect()
    }

    /// Runs `f` with the pipeline's options for a request, as `handout build` would
    /// make them from the same flags.
    fn with_options<T>(
        &self,
        request: &BuildRequest,
        f: impl FnOnce(&Entry, &Options<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let entry = self.handout(&request.handout, request.language.as_deref())?;
        let personal = request.personal()?;
        let profile = request
            .profile
            .as_deref()
            .map(|id| self.profile(id))
            .transpose()?;
        let options = Options {
            selection: request.selection()?,
            paper: request.paper,
            large_print: request.large_print,
            profile: profile.map(|p| &p.profile),
            personal: personal.as_ref(),
            timestamp: self.timestamp,
            inputs: None,
            encoded_logo: profile.and_then(|p| p.encoded_logo.as_ref()),
            // A desk prints the same handouts all day.
            reuse_across_builds: true,
            pages: request.pages,
        };
        f(&entry, &options)
    }
}

fn load_profile(file: &Path) -> Result<(String, LoadedProfile), Error> {
    let profile = profile::load(file)?;
    let encoded_logo = profile
        .logo
        .as_ref()
        .map(pipeline::encode_logo)
        .transpose()?;
    let id = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    Ok((
        id,
        LoadedProfile {
            profile,
            encoded_logo,
        },
    ))
}

/// The preview of a request: its pages as SVG, and how they met a page target.
pub struct Preview {
    pub svg: Vec<String>,
    pub fit: pipeline::FitReport,
    /// Set when the pages missed their target.
    pub warning: Option<String>,
    /// For a translation, each printed section whose English changed since.
    pub stale: Vec<String>,
}

/// What `POST /api/v1/pdf`, `/api/v1/html` and `/api/v1/preview` take (and
/// `/api/v1/document-reference`, with a `subject` besides): the names of `handout build`'s
/// flags and of the personal-details file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildRequest {
    pub handout: String,
    /// The handout's language, for a translation that shares its source's id.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub sections: Option<Vec<String>>,
    #[serde(default)]
    pub paper: Option<Paper>,
    /// The pages to fit on, over the preset's own target.
    #[serde(default)]
    pub pages: Option<u32>,
    #[serde(default)]
    pub large_print: bool,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub patient: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub clinician: Option<String>,
    #[serde(default)]
    pub follow_up: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub notes_area: bool,
}

impl BuildRequest {
    fn selection(&self) -> Result<Option<Selection>, Error> {
        if self.sections.is_some() && self.preset.is_some() {
            return Err(Error::Usage(
                "give preset or sections, not both".to_string(),
            ));
        }
        let max = crate::model::MAX_PAGE_TARGET;
        if let Some(pages) = self.pages.filter(|p| !(1..=max).contains(p)) {
            return Err(Error::Usage(format!(
                "pages is {pages}; a page target is 1 to {max}"
            )));
        }
        Ok(Selection::asked(
            self.sections.as_deref(),
            self.preset.as_deref(),
        ))
    }

    fn personal(&self) -> Result<Option<Personal>, Error> {
        // Empty form fields mean "not given", as a missing flag does.
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let date = given(&self.date)
            .as_deref()
            .map(personal::parse_date)
            .transpose()
            .map_err(|why| Error::Usage(why.replacen("--date", "date", 1)))?;
        let personal = Personal {
            patient: given(&self.patient),
            date,
            clinician: given(&self.clinician),
            follow_up: given(&self.follow_up),
            notes: self
                .notes
                .iter()
                .filter(|n| !n.trim().is_empty())
                .cloned()
                .collect(),
            notes_area: self.notes_area,
        };
        personal.check().map_err(Error::Usage)?;
        Ok((!personal.is_empty()).then_some(personal))
    }
}

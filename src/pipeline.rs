//! The whole pipeline for one handout: select → layout → render.

use std::path::Path;

use crate::error::Error;
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::layout::{self, LayoutError, Paper, Theme};
use crate::model::Handout;
use crate::render;
use crate::select::{self, Selection, FULL_PRESET};

/// How to build one handout.
#[derive(Debug, Clone)]
pub struct Options {
    pub selection: Selection,
    pub paper: Paper,
    /// Seconds since 1970 to stamp into the PDF instead of `meta.last_updated`
    /// (the CLI passes `SOURCE_DATE_EPOCH` here).
    pub timestamp: Option<i64>,
}

/// A built handout: the layout (for dumps and tests) and the PDF bytes.
pub struct Output {
    pub layout: layout::Document,
    pub pdf: Vec<u8>,
}

/// Builds one handout. `path` is only used in messages.
pub fn build(handout: &Handout, path: &Path, options: &Options) -> Result<Output, Error> {
    let labels = Labels::for_language(&handout.meta.language);
    let doc = lay_out(handout, path, options, &labels)?;
    let meta = &handout.meta;
    let mut keywords = meta.codes.clone();
    keywords.push(meta.id.clone());
    let info = render::Info {
        title: meta.title.clone(),
        author: meta.reviewed_by.clone(),
        subject: meta.subtitle.clone().unwrap_or_else(|| meta.title.clone()),
        keywords,
        timestamp: options
            .timestamp
            .unwrap_or_else(|| date_timestamp(&meta.last_updated)),
    };
    let pdf = render::render(&doc, &info)?;
    Ok(Output { layout: doc, pdf })
}

/// Selects and lays out, without rendering.
pub fn lay_out(
    handout: &Handout,
    path: &Path,
    options: &Options,
    labels: &Labels,
) -> Result<layout::Document, Error> {
    let sections = select::select(handout, path, &options.selection)?;
    let request = layout::Request {
        handout,
        sections,
        labels,
        theme: Theme::standard(options.paper, 12.0),
        show_sources: options.selection == Selection::Preset(FULL_PRESET.into()),
    };
    layout::layout(&request, Fonts::bundled()).map_err(|e| match e {
        LayoutError::MissingGlyph { section, at, ch } => Error::MissingGlyph {
            path: path.to_path_buf(),
            section,
            at,
            ch,
        },
        LayoutError::TooTall { height, body } => Error::Pdf(format!(
            "{}: a table cell is {height:.0} pt tall, more than a whole page ({body:.0} pt); shorten it",
            path.display()
        )),
    })
}

/// Midnight UTC of a TOML date, in seconds since 1970.
pub fn date_timestamp(date: &toml::value::Datetime) -> i64 {
    let Some(d) = date.date else { return 0 };
    days_from_civil(i64::from(d.year), i64::from(d.month), i64::from(d.day)) * 86_400
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_to_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2025, 5, 20), 20_228);
    }
}

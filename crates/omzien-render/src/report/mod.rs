//! A gemeente report as a printable PDF (A4, DejaVu Sans embedded, selectable text) written
//! with `krilla`: the gemeente beside the Netherlands (table and chart with 95 % intervals),
//! two maps of its wijken or buurten in the classes of the tiles (level in the latest wave,
//! change since the first), the areas ranked, a risk profile beside related indicators, and
//! method notes. Every page has a footer with the table, the waves, the date and the page
//! number; on synthetic data every page says so.
//!
//! The pages are laid out first as a list of drawing operations per page, then drawn, so the
//! footer knows how many pages there are.

use std::str::FromStr;

use ab_glyph::{Font as _, PxScale, ScaleFont as _};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke, StrokeDash};
use krilla::text::{Font, TextDirection};
use omzien::{
    AreaCode, Boundaries, Dataset, Figure, GemeenteReport, Indicator, LayerSpec, Legend, Rule,
    Verdict,
};

use crate::text::Fonts;
use crate::tile::Projector;

mod figures;
mod layout;
mod pdf;
mod sections;

use figures::{chart, map};
use layout::{Align, Layout, Op, place_chart};
use pdf::draw;

/// A4 in points.
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;
const BODY_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where the body ends and the footer begins.
const BOTTOM: f32 = PAGE_H - 60.0;

const INK: [u8; 3] = [25, 25, 25];
const GREY: [u8; 3] = [110, 110, 110];
const RULE: [u8; 3] = [200, 200, 200];
const ACCENT: [u8; 3] = [168, 36, 72];
const NATIONAL: [u8; 3] = [70, 100, 150];

/// The report's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Dutch (the default).
    #[default]
    Nl,
    /// English.
    En,
}

impl FromStr for Lang {
    type Err = ReportPdfError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "nl" | "dutch" | "nederlands" => Ok(Lang::Nl),
            "en" | "english" | "engels" => Ok(Lang::En),
            other => Err(ReportPdfError::Lang(other.to_owned())),
        }
    }
}

/// A report that cannot be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportPdfError {
    /// An unknown language.
    #[error("language {0:?}: use nl or en")]
    Lang(String),
    /// The embedded font cannot be read (a build defect).
    #[error("embedded font: {0}")]
    Font(String),
    /// The PDF writer failed.
    #[error("writing the PDF: {0}")]
    Pdf(String),
    /// The DOCX writer failed.
    #[error("writing the DOCX: {0}")]
    Docx(String),
}

/// Texts of the report (and its charts) in its language.
pub(crate) struct T {
    pub(crate) lang: Lang,
}

impl T {
    pub(crate) fn s(&self, nl: &'static str, en: &'static str) -> &'static str {
        match self.lang {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    pub(crate) fn num(&self, v: f64) -> String {
        let s = format!("{v:.1}");
        match self.lang {
            Lang::Nl => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A number with `places` decimals, with a decimal comma in Dutch.
    fn decimals(&self, v: f64, places: usize) -> String {
        let s = format!("{v:.places$}");
        match self.lang {
            Lang::Nl => s.replace('.', ","),
            Lang::En => s,
        }
    }

    fn signed(&self, v: f64) -> String {
        let s = self.num(v.abs());
        if v > 0.0 {
            format!("+{s}")
        } else if v < 0.0 {
            format!("−{s}")
        } else {
            s
        }
    }

    fn figure(&self, f: Figure) -> String {
        match f {
            Figure::Value(v) => self.num(v),
            Figure::Suppressed => self.s("onderdrukt", "suppressed").into(),
            Figure::NotMeasured => "–".into(),
        }
    }

    /// A verdict as read for an indicator's polarity: worse/better where a direction is
    /// good, higher/lower where not.
    fn verdict(&self, v: Verdict, ind: Indicator) -> &'static str {
        match v.reads(ind.polarity()) {
            omzien::Reading::Unknown => "–",
            r => self.reading(r),
        }
    }

    /// A verdict as read, in the language.
    pub(crate) fn reading(&self, r: omzien::Reading) -> &'static str {
        match self.lang {
            Lang::Nl => r.as_str_nl(),
            Lang::En => r.as_str(),
        }
    }

    fn level(&self, l: omzien::Level, plural: bool) -> &'static str {
        match (l, plural) {
            (omzien::Level::Buurt, false) => self.s("buurt", "neighbourhood"),
            (omzien::Level::Buurt, true) => self.s("buurten", "neighbourhoods"),
            (_, false) => self.s("wijk", "district"),
            (_, true) => self.s("wijken", "districts"),
        }
    }
}

/// The short label of an indicator for people (`Eenzaam`), from the dataset's info.
pub(crate) fn label(ds: &Dataset, ind: Indicator, lang: Lang) -> String {
    ds.indicator_info(ind).map_or_else(
        || ind.to_string(),
        |i| match lang {
            // Without the topic path of StatLine's Dutch label:
            // `Eenzaamheid/Ernstig/zeer ernstig eenzaam (%)` → `Ernstig/zeer ernstig eenzaam`.
            Lang::Nl => {
                let l = &i.label_nl;
                let short = l.split_once('/').map_or(l.as_str(), |(_, rest)| rest);
                short.trim_end_matches("(%)").trim().to_owned()
            }
            // The English labels carry no topic path ("Walks and/or cycles" stays whole).
            Lang::En => i.label_en.trim_end_matches("(%)").trim().to_owned(),
        },
    )
}

/// A chart point: wave index, value, 95 % interval.
type Point3 = (usize, f64, Option<(f64, f64)>);
/// Rings of a shape in world units.
type Rings = Vec<Vec<(f64, f64)>>;

/// What every section reads: the figures, the report, its language and the labels used on
/// every page.
struct Ctx<'a> {
    ds: &'a Dataset,
    r: &'a GemeenteReport,
    lang: Lang,
    t: T,
    /// The ranked indicator's label.
    ind_label: String,
    /// The report's level, plural (`wijken`).
    level_pl: &'static str,
    /// The waves, `2012, 2016, 2020`.
    wave_list: String,
}

/// Draws the report as a PDF: `boundaries` of the report's level draw the maps (without
/// them the maps say so); `date` is the generation date (`YYYY-MM-DD`) printed in the footer.
///
/// The pages are laid out section by section (`report/sections.rs`), then given their footers and
/// drawn (`report/pdf.rs`).
///
/// # Errors
/// [`ReportPdfError`] when the PDF cannot be written.
pub fn report_pdf(
    ds: &Dataset,
    r: &GemeenteReport,
    boundaries: Option<&Boundaries>,
    lang: Lang,
    date: &str,
) -> Result<Vec<u8>, ReportPdfError> {
    let t = T { lang };
    let c = Ctx {
        ds,
        r,
        lang,
        ind_label: label(ds, r.indicator(), lang),
        level_pl: t.level(r.level, true),
        wave_list: r
            .waves
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        t,
    };
    let mut l = Layout::new()?;
    sections::title(&mut l, &c);
    sections::gemeente_and_country(&mut l, &c);
    sections::maps(&mut l, &c, boundaries);
    sections::ranked_notes(&mut l, &c);
    sections::ranked_table(&mut l, &c);
    sections::profiles_heading(&mut l, &c);
    for p in &r.profiles {
        sections::profile(&mut l, &c, p);
    }
    sections::method(&mut l, &c);
    let pages = sections::with_footers(l.pages, &c, date);
    draw(&pages, &r.name, lang)
}

/// The date a report is made, `YYYY-MM-DD` (UTC): today, or the date of `SOURCE_DATE_EPOCH`
/// (for reproducible output).
pub fn report_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    omzien::civil_date(secs / 86_400)
}

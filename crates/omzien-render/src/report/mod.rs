//! A gemeente report as a printable PDF (A4, DejaVu Sans embedded, selectable text) written
//! with `krilla`: the gemeente beside the Netherlands (table and chart with 95 % intervals),
//! two maps of its wijken or buurten in the classes of the tiles (level in the latest wave,
//! change since the first), the areas ranked, a risk profile beside related indicators, and
//! method notes. Every page has a footer with the table, the waves, the date and the page
//! number; on synthetic data every page says so.
//!
//! The pages are laid out first as a list of drawing operations per page, then drawn, so the
//! footer knows how many pages there are.

use ab_glyph::{Font as _, PxScale, ScaleFont as _};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke, StrokeDash};
use krilla::text::{Font, TextDirection};
use omzien::{AreaCode, Boundaries, Dataset, GemeenteReport, LayerSpec, Legend, Rule};

use crate::lang::{Lang, T, label};
use crate::text::Fonts;
use crate::tile::Projector;

mod figures;
mod layout;
mod pdf;
mod sections;

use figures::{chart, map};
use layout::{Align, Furniture, Layout, Op, Role, place_chart};
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

/// A report that cannot be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportPdfError {
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
///
/// ```
/// use omzien::ReportQuery;
/// use omzien_render::{Lang, report_pdf};
/// let ds = omzien::demo::dataset();
/// let [_, wijken, _] = omzien::demo::boundaries();
/// let r = ReportQuery::new(&ds, omzien::demo::GEMEENTE).run(&ds)?;
/// let pdf = report_pdf(&ds, &r, Some(&wijken), Lang::En, "2026-12-04")?;
/// assert!(pdf.starts_with(b"%PDF-"));
/// // Without boundaries the report is still made (its maps say there are none).
/// assert!(report_pdf(&ds, &r, None, Lang::Nl, "2026-12-04")?.starts_with(b"%PDF-"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
        // The waves the report shows: its first table has every wave of the gemeente and the
        // country, also those before `--since` (which starts the changes and the areas' table).
        wave_list: {
            let mut shown: Vec<omzien::Wave> = r.series.iter().map(|p| p.wave).collect();
            shown.sort_unstable();
            shown.dedup();
            shown
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        },
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

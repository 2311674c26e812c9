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

/// One drawing operation of a page.
#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: [u8; 3],
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<[u8; 4]>,
        stroke: Option<([u8; 3], f32)>,
    },
    Line {
        points: Vec<(f32, f32)>,
        color: [u8; 3],
        width: f32,
        dashed: bool,
    },
    Shape {
        rings: Vec<Vec<(f32, f32)>>,
        fill: [u8; 4],
        stroke: [u8; 3],
    },
}

/// Text measuring with the embedded font.
struct Metrics {
    fonts: Fonts,
}

impl Metrics {
    fn new() -> Result<Self, ReportPdfError> {
        Ok(Self {
            fonts: Fonts::load().map_err(ReportPdfError::Font)?,
        })
    }

    /// Width in points of `text` at `size` points (advances, as the PDF's text is laid out).
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        };
        let units = font.units_per_em().unwrap_or(2048.0);
        let scaled = font.as_scaled(PxScale::from(size * font.height_unscaled() / units));
        text.chars()
            .map(|c| scaled.h_advance(font.glyph_id(c)))
            .sum()
    }

    /// Lines of `text` that fit `width`.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        crate::text::wrap_by(text, width, |t| self.width(t, size, bold))
    }
}

/// Column alignment.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// Pages being laid out.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
    m: Metrics,
}

impl Layout {
    fn new() -> Result<Self, ReportPdfError> {
        Ok(Self {
            pages: vec![Vec::new()],
            y: MARGIN,
            m: Metrics::new()?,
        })
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `h` more points fit.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, color: [u8; 3], text: &str) {
        self.ops().push(Op::Text {
            x,
            y,
            size,
            bold,
            color,
            text: text.to_owned(),
        });
    }

    fn heading(&mut self, text: &str) {
        self.ensure(60.0);
        self.y += 14.0;
        let y = self.y + 13.0;
        self.text_at(MARGIN, y, 13.0, true, ACCENT, text);
        self.y += 22.0;
    }

    fn paragraph(&mut self, text: &str, size: f32, color: [u8; 3]) {
        let lead = size * 1.4;
        for line in self.m.wrap(text, size, false, BODY_W) {
            self.ensure(lead);
            let y = self.y + size;
            self.text_at(MARGIN, y, size, false, color, &line);
            self.y += lead;
        }
        self.y += size * 0.5;
    }

    /// A table with a header row, repeated on every page it runs onto.
    fn table(&mut self, headers: &[String], rows: &[Vec<String>], widths: &[f32], align: &[Align]) {
        let size = 8.0;
        let row_h = 13.0;
        let draw_row = |l: &mut Layout, cells: &[String], bold: bool| {
            let mut x = MARGIN;
            let y = l.y + 9.5;
            for (i, c) in cells.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(60.0);
                // Cut what does not fit.
                let mut text = c.clone();
                while text.chars().count() > 1 && l.m.width(&text, size, bold) > w - 4.0 {
                    text.pop();
                }
                let tw = l.m.width(&text, size, bold);
                let tx = match align.get(i) {
                    Some(Align::Right) => x + w - 3.0 - tw,
                    _ if i == 0 => x + 1.0,
                    _ => x + 8.0,
                };
                l.text_at(tx, y, size, bold, INK, &text);
                x += w;
            }
        };
        let rule = |l: &mut Layout| {
            let y = l.y;
            l.ops().push(Op::Line {
                points: vec![(MARGIN, y), (MARGIN + widths.iter().sum::<f32>(), y)],
                color: RULE,
                width: 0.5,
                dashed: false,
            });
        };
        self.ensure(row_h * 3.0);
        draw_row(self, headers, true);
        self.y += row_h;
        rule(self);
        for r in rows {
            if self.y + row_h > BOTTOM {
                self.new_page();
                draw_row(self, headers, true);
                self.y += row_h;
                rule(self);
            }
            draw_row(self, r, false);
            self.y += row_h;
        }
        rule(self);
        self.y += 6.0;
    }
}

/// Draws the report as a PDF: `boundaries` of the report's level draw the maps (without
/// them the maps say so); `date` is the generation date (`YYYY-MM-DD`) printed in the footer.
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
    let mut l = Layout::new()?;
    let ind = r.indicator();
    let age = r.age();
    let ind_label = label(ds, ind, lang);
    let level_pl = t.level(r.level, true);
    let wave_list = r
        .waves
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");

    // Title.
    let title = format!("{} {}", t.s("Eenzaamheid in", "Loneliness in"), r.name);
    for line in l.m.wrap(&title, 20.0, true, BODY_W) {
        let y = l.y + 20.0;
        l.text_at(MARGIN, y, 20.0, true, INK, &line);
        l.y += 26.0;
    }
    l.y += 4.0;
    let sub = format!(
        "{} · {} {} · {} {}",
        t.s(
            "Gezondheidsmonitor Volwassenen en Ouderen",
            "Health Monitor Adults and Elderly"
        ),
        t.s("golven", "waves"),
        wave_list,
        r.gemeente,
        t.s("en zijn", "and its")
    ) + " "
        + level_pl;
    l.paragraph(&sub, 10.0, GREY);
    brief_section(&mut l, ds, r, lang);

    // 1. The gemeente beside the country.
    l.heading(&format!(
        "1. {} {}",
        r.name,
        t.s("en Nederland", "and the Netherlands")
    ));
    l.paragraph(
        &format!(
            "{} {}",
            t.s(
                "Percentage inwoners per golf; tussen haakjes het 95%-betrouwbaarheidsinterval waar de data het heeft.",
                "Percentage of residents per wave; in brackets the 95% confidence interval where the data has it."
            ),
            t.s("NL: Nederland.", "NL: the Netherlands.")
        ),
        8.5,
        GREY,
    );
    let mut headers = vec![
        t.s("Indicator", "Indicator").to_owned(),
        t.s("Leeftijd", "Age").to_owned(),
    ];
    for w in ds.waves() {
        headers.push(w.to_string());
    }
    let mut rows = Vec::new();
    for &i in &r.indicators {
        for &a in &r.ages {
            let mut gm = vec![label(ds, i, lang), a.short().to_owned()];
            let mut nl = vec![String::new(), "NL".to_owned()];
            for &w in ds.waves() {
                let p = r.point(i, a, w);
                gm.push(p.map_or_else(String::new, |p| {
                    let v = t.figure(p.gemeente);
                    match p.gemeente_interval {
                        Some((lo, hi)) => format!("{v} ({}–{})", t.num(lo), t.num(hi)),
                        None => v,
                    }
                }));
                nl.push(p.map_or_else(String::new, |p| t.figure(p.national)));
            }
            rows.push(gm);
            if r.series
                .iter()
                .any(|p| p.indicator == i && p.age == a && p.national.value().is_some())
            {
                rows.push(nl);
            }
        }
    }
    let wave_w = (BODY_W - 190.0) / ds.waves().len().max(1) as f32;
    let mut widths = vec![150.0, 40.0];
    let mut align = vec![Align::Left, Align::Left];
    for _ in ds.waves() {
        widths.push(wave_w);
        align.push(Align::Right);
    }
    l.table(&headers, &rows, &widths, &align);
    if let Some(c) = &r.people {
        l.paragraph(
            &people_sentence(&t, c, &r.name, &ind_label, r.age(), r.latest),
            9.0,
            INK,
        );
    }
    chart(&mut l, &t, ds, r, &ind_label);

    // 2. Maps.
    l.new_page();
    l.heading(&format!(
        "2. {} {} {}",
        ind_label,
        t.s("per", "by"),
        t.level(r.level, false)
    ));
    let level_spec = LayerSpec::level(ind, age, r.level, r.latest);
    let maps: Vec<(String, LayerSpec)> = std::iter::once((
        format!("{ind_label} ({}), {}", age.short(), r.latest),
        level_spec,
    ))
    .chain((r.first != r.latest).then(|| {
        (
            format!(
                "{} {} → {} ({}, {})",
                t.s("Verandering", "Change"),
                r.first,
                r.latest,
                age.short(),
                t.s("procentpunt", "percentage points")
            ),
            LayerSpec::delta(ind, age, r.level, r.first, r.latest),
        )
    }))
    .collect();
    let codes: Vec<AreaCode> = r.areas.iter().map(|a| a.code).collect();
    for (title, spec) in &maps {
        map(&mut l, &t, ds, boundaries, &codes, spec, title);
    }
    let missing: Vec<&str> = r
        .areas
        .iter()
        .filter(|a| boundaries.is_none_or(|b| b.shape(a.code).is_none()))
        .map(|a| a.name.as_str())
        .collect();
    if !missing.is_empty() {
        l.paragraph(
            &format!(
                "{} {}",
                t.s(
                    "Zonder grens op de kaart:",
                    "Without a boundary on the map:"
                ),
                missing.join(", ")
            ),
            8.0,
            GREY,
        );
    }

    // 3. The areas ranked.
    l.new_page();
    l.heading(&format!(
        "3. {} {} ({}, {})",
        t.s("De", "The"),
        level_pl,
        ind_label,
        age.short()
    ));
    // The rules as `omzien risk` applies them, with the base of the rises stated.
    let marks = format!(
        "{} {}% {} {} {} {} {} {} {}).",
        t.s("H: bij de hoogste", "H: among the highest"),
        t.num(r.risk_rule.0 * 100.0),
        t.s(
            "in de gemeente (alleen bij 10 of meer gebieden); S: sinds",
            "in the gemeente (only with 10 or more areas); R: since"
        ),
        r.first,
        t.s("meer dan", "more than"),
        t.num(r.risk_rule.1),
        t.s(
            "pp meer gestegen dan Nederland, en significant waar er grenzen zijn (omzien risk --since",
            "pp more risen than the Netherlands, and significant where there are bounds (omzien risk --since"
        ),
        r.first,
        t.s("--against national", "--against national"),
    );
    // A missing star must not read as "tested, not significant": say which changes were tested.
    let any_tested = r.areas.iter().any(|a| a.significant.is_some());
    l.paragraph(
        &format!(
            "{} {} {} {marks}",
            t.s(
                "Hoogste waarde in de laatste golf eerst. Verandering in procentpunt sinds",
                "Highest value in the latest wave first. Change in percentage points since"
            ),
            r.first,
            if any_tested {
                t.s(
                    "(* significant op 95%; ° niet getoetst: geen 95%-grenzen). Rang: in de gemeente en in Nederland.",
                    "(* significant at 95%; ° not tested: no 95% bounds). Rank: in the gemeente and in the Netherlands.",
                )
            } else {
                t.s(
                    "(niet op significantie getoetst: de cijfers hebben geen 95%-grenzen). Rang: in de gemeente en in Nederland.",
                    "(not tested for significance: the figures carry no 95% bounds). Rank: in the gemeente and in the Netherlands.",
                )
            },
        ),
        8.5,
        GREY,
    );
    // Where the figures carry intervals, how sure each mark is.
    if let Some((draws, seed)) = r.probability {
        l.paragraph(
            &format!(
                "{} {}% {} {} {} {} {} {draws} {} {seed}{}",
                t.s(
                    "P(H): de kans dat het gebied werkelijk bij de hoogste",
                    "P(H): the probability that the area is truly among the highest"
                ),
                t.num(r.risk_rule.0 * 100.0),
                t.s("hoort; P(S): dat het sinds", "; P(R): that it truly rose since"),
                r.first,
                t.s("werkelijk meer dan", "by more than"),
                t.num(r.risk_rule.1),
                t.s(
                    "pp meer steeg dan Nederland. Getrokken uit de 95%-intervallen (normaal op de logitschaal, gebieden en golven onafhankelijk verondersteld),",
                    "pp beyond the Netherlands. Drawn from the 95% intervals (normal on the logit scale, areas and waves assumed independent),"
                ),
                t.s("trekkingen, zaad", "draws, seed"),
                t.s(
                    ". Een kans van 0,80 of meer geldt als zeker genoeg (omzien risk --by probability --min-prob 0.8).",
                    ". A probability of 0.80 or more counts as sure enough (omzien risk --by probability --min-prob 0.8)."
                ),
            ),
            8.5,
            GREY,
        );
    }
    let mut headers = vec![t.level(r.level, false).to_owned()];
    for w in &r.waves {
        headers.push(w.to_string());
    }
    headers.push(t.s("Verschil", "Change").to_owned());
    headers.push(t.s("Rang gem.", "Rank gem.").to_owned());
    headers.push(t.s("Rang NL", "Rank NL").to_owned());
    let with_p = r.probability.is_some();
    if with_p {
        headers.push("P(H)".to_owned());
        headers.push(t.s("P(S)", "P(R)").to_owned());
    }
    headers.push(String::new());
    let p = |p: Option<f64>| p.map_or_else(String::new, |p| t.decimals(p, 2));
    let rows: Vec<Vec<String>> = r
        .areas
        .iter()
        .map(|a| {
            let mut row = vec![a.name.clone()];
            row.extend(a.values.iter().map(|f| t.figure(*f)));
            row.push(a.change.map_or_else(String::new, |d| {
                format!(
                    "{}{}",
                    t.signed(d),
                    match a.significant {
                        Some(true) => "*",
                        Some(false) => "",
                        None if any_tested => "°",
                        None => "",
                    }
                )
            }));
            row.push(
                a.rank_gemeente
                    .map_or_else(String::new, |k| format!("{}/{}", k.rank, k.of)),
            );
            row.push(
                a.rank_country
                    .map_or_else(String::new, |k| format!("{}/{}", k.rank, k.of)),
            );
            if with_p {
                row.push(p(a.p_top));
                row.push(p(a.p_rise));
            }
            let marks = match (a.high, a.rising) {
                (true, true) => format!("H {}", t.s("S", "R")),
                (true, false) => "H".into(),
                (false, true) => t.s("S", "R").into(),
                (false, false) => String::new(),
            };
            row.push(marks);
            row
        })
        .collect();
    let n = r.waves.len() as f32;
    let mut widths = vec![150.0];
    let mut align = vec![Align::Left];
    let p_w = if with_p { 2.0 * 34.0 } else { 0.0 };
    let rest = BODY_W - 150.0 - 50.0 - 55.0 - 60.0 - 25.0 - p_w;
    for _ in &r.waves {
        widths.push(rest / n.max(1.0));
        align.push(Align::Right);
    }
    widths.extend([50.0, 55.0, 60.0]);
    align.extend([Align::Right, Align::Right, Align::Right]);
    if with_p {
        widths.extend([34.0, 34.0]);
        align.extend([Align::Right, Align::Right]);
    }
    widths.push(25.0);
    align.push(Align::Left);
    l.table(&headers, &rows, &widths, &align);
    funnel_section(&mut l, ds, r, lang);

    // 4. Risk profile. The heading and its note stay with the first profile (never alone at the
    // foot of a page).
    let first = r
        .profiles
        .first()
        .map_or(0.0, |p| 40.0 + 13.0 * p.rows.len() as f32);
    l.ensure(60.0 + 45.0 + first);
    l.heading(&format!(
        "4. {} ({} {})",
        t.s("Risicoprofiel", "Risk profile"),
        r.profiles.len(),
        t.s("hoogste", "highest")
    ));
    l.paragraph(
        &format!(
            "{} {} {} {} {}",
            t.s(
                "Eenzaamheid naast verwante indicatoren in de laatste golf, vergeleken met de gemeente en Nederland.",
                "Loneliness beside related indicators in the latest wave, compared with the gemeente and the Netherlands."
            ),
            t.s(
                "Slechter of beter waar een richting beter is (minder eenzaamheid, meer goede gezondheid), anders hoger of lager. Waar het cijfer een 95%-interval heeft: als het interval geheel boven of onder het vergelijkingscijfer ligt.",
                "Worse or better where a direction is good (less loneliness, more good health), else higher or lower. Where the figure has a 95% interval: when the interval lies wholly above or below the reference."
            ),
            t.s("Zonder interval: bij meer dan", "Without an interval: by more than"),
            t.num(r.band),
            t.s(
                "procentpunt verschil: een afstand, geen significantietoets.",
                "percentage points apart: a distance, not a significance test."
            )
        ),
        8.5,
        GREY,
    );
    for p in &r.profiles {
        l.ensure(40.0 + 13.0 * p.rows.len() as f32);
        let y = l.y + 10.0;
        l.text_at(MARGIN, y, 10.0, true, INK, &p.name);
        l.y += 16.0;
        if let Some(c) = &p.people {
            l.paragraph(
                &people_sentence(&t, c, &p.name, &ind_label, r.age(), r.latest),
                8.5,
                GREY,
            );
        }
        let headers = vec![
            t.s("Indicator", "Indicator").to_owned(),
            t.level(r.level, false).to_owned(),
            t.s("gemeente", "gemeente").to_owned(),
            "NL".to_owned(),
            t.s("t.o.v. gemeente", "vs gemeente").to_owned(),
            t.s("t.o.v. NL", "vs NL").to_owned(),
            t.s("regel", "rule").to_owned(),
        ];
        let rows: Vec<Vec<String>> = p
            .rows
            .iter()
            .map(|c| {
                vec![
                    label(ds, c.indicator, lang),
                    t.figure(c.value),
                    t.figure(c.gemeente),
                    t.figure(c.national),
                    t.verdict(c.vs_gemeente, c.indicator).to_owned(),
                    t.verdict(c.vs_national, c.indicator).to_owned(),
                    match c.rule {
                        Rule::Interval => t.s("95%-interval", "95% interval").to_owned(),
                        // A distance, not a significance test, and said so.
                        Rule::Band(b) => {
                            format!("±{} pp, {}", t.num(b), t.s("geen toets", "no test"))
                        }
                    },
                ]
            })
            .collect();
        l.table(
            &headers,
            &rows,
            &[145.0, 38.0, 50.0, 32.0, 80.0, 62.0, 88.0],
            &[
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Left,
                Align::Left,
                Align::Left,
            ],
        );
        // The same indicators as a spine chart against the country (the gemeente without
        // national figures): the area's dot on the spread of all areas of its level.
        let benchmark = if ds.national().is_some() {
            omzien::Benchmark::National
        } else {
            omzien::Benchmark::Gemeente
        };
        let q = omzien::CompareQuery::new(p.code, benchmark, r.latest)
            .with_indicators(p.rows.iter().map(|c| c.indicator).collect())
            .with_age(r.age())
            .with_band(r.band);
        if let Ok(spine) = ds.spine(&q) {
            let chart =
                crate::comparison::spine_chart_in(ds, &spine, lang, &crate::SpineLayout::PAGE);
            place_chart(&mut l, &chart);
        }
    }

    // 5. Method.
    l.heading(&format!("5. {}", t.s("Methode", "Method")));
    let notes: Vec<String> = vec![
        t.s(
            "Eenzaamheid is gemeten met de schaal van De Jong-Gierveld (11 vragen). Eenzaam: een score van 3 of meer; ernstig of zeer ernstig eenzaam: 9 of meer. Emotionele eenzaamheid (6 vragen) is het missen van een hechte band, sociale eenzaamheid (5 vragen) het missen van een breder netwerk.",
            "Loneliness is measured with the De Jong-Gierveld scale (11 questions). Lonely: a score of 3 or more; severely or very severely lonely: 9 or more. Emotional loneliness (6 questions) is missing a close bond, social loneliness (5 questions) missing a wider network.",
        ).to_owned(),
        t.s(
            "Cijfers per wijk en buurt zijn modelschattingen (RIVM, kleine-gebiedsschatting uit de Gezondheidsmonitor Volwassenen en Ouderen van de GGD'en, CBS en RIVM), geen tellingen: kleine verschillen zeggen weinig. Cijfers met te weinig waarnemingen zijn onderdrukt.",
            "Figures per district and neighbourhood are model estimates (RIVM small-area estimation from the Health Monitor Adults and Elderly of the GGDs, Statistics Netherlands and RIVM), not counts: small differences say little. Figures with too few observations are suppressed.",
        ).to_owned(),
        t.s(
            "Tot en met 2016 zijn personen van 19 jaar en ouder ondervraagd, vanaf 2020 van 18 jaar en ouder: een verandering tussen 2016 en 2020 kan deels daaruit komen.",
            "Up to 2016 people aged 19 and over were surveyed, from 2020 aged 18 and over: part of a change between 2016 and 2020 can come from that.",
        ).to_owned(),
        format!(
            "{} {}. {} {}. {}",
            t.s("Gebiedsindeling van", "Area classification of"),
            ds.classification_year()
                .map_or_else(|| t.s("onbekend jaar", "unknown year").to_owned(), |y| y.to_string()),
            t.s("Bron: RIVM/CBS StatLine, tabel", "Source: RIVM/Statistics Netherlands StatLine, table"),
            r.table.as_deref().unwrap_or("–"),
            t.s(
                "Licentie: CC BY 4.0. Kaarten: CBS Wijk- en buurtkaart. Gemaakt met omzien.",
                "Licence: CC BY 4.0. Maps: CBS district and neighbourhood map. Made with omzien."
            ),
        ),
    ];
    for n in &notes {
        l.paragraph(n, 8.5, INK);
    }
    if r.provenance.synthetic {
        l.paragraph(omzien::demo::LABEL, 9.0, ACCENT);
    }

    // Footers and drawing.
    let total = l.pages.len();
    let footer = |page: usize| {
        format!(
            "{} {} · {} {} · {} {} · {} {} {} {}",
            t.s("Tabel", "Table"),
            r.table.as_deref().unwrap_or("–"),
            t.s("golven", "waves"),
            wave_list,
            t.s("gemaakt", "made"),
            date,
            t.s("pagina", "page"),
            page,
            t.s("van", "of"),
            total
        )
    };
    let pages: Vec<Vec<Op>> = l
        .pages
        .into_iter()
        .enumerate()
        .map(|(i, mut ops)| {
            ops.push(Op::Line {
                points: vec![(MARGIN, PAGE_H - 45.0), (PAGE_W - MARGIN, PAGE_H - 45.0)],
                color: RULE,
                width: 0.5,
                dashed: false,
            });
            ops.push(Op::Text {
                x: MARGIN,
                y: PAGE_H - 33.0,
                size: 7.5,
                bold: false,
                color: GREY,
                text: footer(i + 1),
            });
            if r.provenance.synthetic {
                ops.push(Op::Text {
                    x: MARGIN,
                    y: PAGE_H - 22.0,
                    size: 7.5,
                    bold: true,
                    color: ACCENT,
                    text: omzien::demo::LABEL.to_owned(),
                });
            }
            ops
        })
        .collect();
    draw(&pages, &r.name, lang)
}

/// The chart of the ranked indicator: the gemeente and the country per wave and age group,
/// with 95 % intervals as whiskers.
fn chart(l: &mut Layout, t: &T, ds: &Dataset, r: &GemeenteReport, ind_label: &str) {
    let h = 170.0;
    l.ensure(h + 50.0);
    let top = l.y + 8.0;
    l.text_at(
        MARGIN,
        top + 9.0,
        9.5,
        true,
        INK,
        &format!(
            "{ind_label}: {} {}",
            r.name,
            t.s(
                "(doorgetrokken) en Nederland (gestippeld)",
                "(solid) and the Netherlands (dotted)"
            )
        ),
    );
    let (x0, y0, w, hh) = (MARGIN + 30.0, top + 20.0, BODY_W - 130.0, h - 40.0);
    let ind = r.indicator();
    let waves = ds.waves();
    let mut max = 0f64;
    for p in r.series.iter().filter(|p| p.indicator == ind) {
        for v in [
            p.gemeente.value(),
            p.national.value(),
            p.gemeente_interval.map(|i| i.1),
            p.national_interval.map(|i| i.1),
        ]
        .into_iter()
        .flatten()
        {
            max = max.max(v);
        }
    }
    let ymax = ((max / 10.0).ceil() * 10.0).max(10.0);
    let px = |i: usize| x0 + w * (i as f32 + 0.5) / waves.len().max(1) as f32;
    let py = |v: f64| y0 + hh - (v / ymax) as f32 * hh;
    // Axes and grid.
    for k in 0..=4 {
        let v = ymax * f64::from(k) / 4.0;
        let y = py(v);
        l.ops().push(Op::Line {
            points: vec![(x0, y), (x0 + w, y)],
            color: RULE,
            width: 0.4,
            dashed: false,
        });
        let s = format!(
            "{}%",
            t.num(v).trim_end_matches(",0").trim_end_matches(".0")
        );
        let tw = l.m.width(&s, 7.0, false);
        l.text_at(x0 - 4.0 - tw, y + 2.5, 7.0, false, GREY, &s);
    }
    for (i, wv) in waves.iter().enumerate() {
        let s = wv.to_string();
        let tw = l.m.width(&s, 7.5, false);
        l.text_at(px(i) - tw / 2.0, y0 + hh + 11.0, 7.5, false, GREY, &s);
    }
    let colors = [ACCENT, [214, 120, 40], [60, 140, 90], [120, 80, 160]];
    for (k, &age) in r.ages.iter().enumerate() {
        let color = colors[k % colors.len()];
        for (national, dashed) in [(false, false), (true, true)] {
            let c = if national { NATIONAL } else { color };
            let pts: Vec<Point3> = waves
                .iter()
                .enumerate()
                .filter_map(|(i, wv)| {
                    let p = r.point(ind, age, *wv)?;
                    let (f, iv) = if national {
                        (p.national, p.national_interval)
                    } else {
                        (p.gemeente, p.gemeente_interval)
                    };
                    Some((i, f.value()?, iv))
                })
                .collect();
            if pts.len() > 1 {
                l.ops().push(Op::Line {
                    points: pts.iter().map(|(i, v, _)| (px(*i), py(*v))).collect(),
                    color: c,
                    width: 1.4,
                    dashed,
                });
            }
            for (i, v, iv) in &pts {
                if let Some((lo, hi)) = iv {
                    l.ops().push(Op::Line {
                        points: vec![(px(*i), py(*lo)), (px(*i), py(*hi))],
                        color: c,
                        width: 0.8,
                        dashed: false,
                    });
                }
                l.ops().push(Op::Rect {
                    x: px(*i) - 2.0,
                    y: py(*v) - 2.0,
                    w: 4.0,
                    h: 4.0,
                    fill: Some([c[0], c[1], c[2], 255]),
                    stroke: None,
                });
            }
        }
        // Key.
        let ky = y0 + 10.0 + 14.0 * k as f32;
        l.ops().push(Op::Line {
            points: vec![(x0 + w + 12.0, ky - 3.0), (x0 + w + 30.0, ky - 3.0)],
            color,
            width: 1.4,
            dashed: false,
        });
        let key = format!("{} {}", t.s("Gemeente", "Gemeente"), age.short());
        l.text_at(x0 + w + 34.0, ky, 7.5, false, INK, &key);
    }
    let ky = y0 + 10.0 + 14.0 * r.ages.len() as f32;
    l.ops().push(Op::Line {
        points: vec![(x0 + w + 12.0, ky - 3.0), (x0 + w + 30.0, ky - 3.0)],
        color: NATIONAL,
        width: 1.4,
        dashed: true,
    });
    l.text_at(x0 + w + 34.0, ky, 7.5, false, INK, "Nederland");
    l.y = top + h + 10.0;
}

/// A map of the report's areas in the classes of `spec` (the tiles' classes), with legend
/// and scale bar.
fn map(
    l: &mut Layout,
    t: &T,
    ds: &Dataset,
    boundaries: Option<&Boundaries>,
    codes: &[AreaCode],
    spec: &LayerSpec,
    title: &str,
) {
    let (box_w, box_h) = (330.0f32, 290.0f32);
    l.ensure(box_h + 30.0);
    let top = l.y;
    l.text_at(MARGIN, top + 10.0, 9.5, true, INK, title);
    let y0 = top + 18.0;
    let layer = ds.layer(spec).ok();
    let unit = Projector::world_unit();
    let shapes: Vec<(AreaCode, Rings)> = boundaries
        .map(|b| {
            codes
                .iter()
                .filter_map(|c| {
                    let s = b.shape(*c)?;
                    let rings = s
                        .geometry
                        .0
                        .iter()
                        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                        .map(|r| r.0.iter().map(|c| unit.world(c.x, c.y)).collect())
                        .collect();
                    Some((*c, rings))
                })
                .collect()
        })
        .unwrap_or_default();
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (_, rings) in &shapes {
        for (x, y) in rings.iter().flatten() {
            minx = minx.min(*x);
            maxx = maxx.max(*x);
            miny = miny.min(*y);
            maxy = maxy.max(*y);
        }
    }
    l.ops().push(Op::Rect {
        x: MARGIN,
        y: y0,
        w: box_w,
        h: box_h,
        fill: None,
        stroke: Some((RULE, 0.5)),
    });
    if shapes.is_empty() || maxx <= minx || maxy <= miny {
        l.text_at(
            MARGIN + 10.0,
            y0 + 20.0,
            8.5,
            false,
            GREY,
            t.s(
                "Geen grenzen geladen voor deze kaart.",
                "No boundaries loaded for this map.",
            ),
        );
    } else {
        let pad = 8.0f64;
        let s = ((f64::from(box_w) - 2.0 * pad) / (maxx - minx))
            .min((f64::from(box_h) - 2.0 * pad) / (maxy - miny));
        let ox = f64::from(MARGIN) + (f64::from(box_w) - s * (maxx - minx)) / 2.0;
        let oy = f64::from(y0) + (f64::from(box_h) - s * (maxy - miny)) / 2.0;
        for (code, rings) in &shapes {
            let fill = layer
                .as_ref()
                .and_then(|la| la.color(*code))
                .map_or([230, 230, 230, 255], |c| c.0);
            l.ops().push(Op::Shape {
                rings: rings
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|(x, y)| {
                                ((ox + (x - minx) * s) as f32, (oy + (y - miny) * s) as f32)
                            })
                            .collect()
                    })
                    .collect(),
                fill,
                stroke: [255, 255, 255],
            });
        }
        // Scale bar: metres per point at the map's middle latitude.
        let mid_y = (miny + maxy) / 2.0;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * mid_y)).sinh().atan();
        let metres_per_pt = 40_075_016.686 * lat.cos() / s;
        let bar = [
            100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0, 50_000.0,
        ]
        .into_iter()
        .rev()
        .find(|m| m / metres_per_pt <= 90.0)
        .unwrap_or(100.0);
        let bw = (bar / metres_per_pt) as f32;
        let (bx, by) = (MARGIN + 10.0, y0 + box_h - 14.0);
        l.ops().push(Op::Line {
            points: vec![(bx, by - 3.0), (bx, by), (bx + bw, by), (bx + bw, by - 3.0)],
            color: INK,
            width: 1.0,
            dashed: false,
        });
        let label = if bar >= 1000.0 {
            format!("{} km", bar / 1000.0)
        } else {
            format!("{bar} m")
        };
        l.text_at(bx + bw + 4.0, by + 2.5, 7.0, false, INK, &label);
    }
    if let Some(la) = &layer {
        legend(l, &la.legend(), t, MARGIN + box_w + 14.0, y0 + 4.0);
    }
    l.y = y0 + box_h + 12.0;
}

fn legend(l: &mut Layout, legend: &Legend, t: &T, x: f32, y: f32) {
    let mut y = y;
    for e in &legend.entries {
        l.ops().push(Op::Rect {
            x,
            y,
            w: 14.0,
            h: 10.0,
            fill: Some(e.rgba.0),
            stroke: Some((GREY, 0.3)),
        });
        let text = match e.kind {
            omzien::EntryKind::Class => {
                let unit = legend.unit.symbol();
                let fmt = |v: Option<f64>| v.map_or_else(String::new, |v| t.num(v));
                format!("{} – {} {unit}", fmt(e.min), fmt(e.max))
            }
            omzien::EntryKind::Suppressed => t.s("onderdrukt", "suppressed").to_owned(),
            omzien::EntryKind::NotMeasured => t.s("niet gemeten", "not measured").to_owned(),
        };
        l.text_at(x + 19.0, y + 8.0, 7.5, false, INK, &text);
        y += 14.0;
    }
}

/// Places a chart at the text width below what is laid out, on a new page when it does not
/// fit: its marks become the page's own drawing operations (text stays text).
/// "About 4,300 people aged 18+ in Voorhof: lonely 43.1 % of about 10,000 …", with how the
/// population was counted.
fn people_sentence(
    t: &T,
    c: &omzien::PeopleCount,
    name: &str,
    indicator: &str,
    age: omzien::AgeGroup,
    wave: omzien::Wave,
) -> String {
    let whole = |v: f64| {
        let s = format!("{:.0}", v);
        // Thousands grouped: 4.300 in Dutch, 4,300 in English.
        let sep = t.s(".", ",");
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push_str(sep);
            }
            out.push(ch);
        }
        out
    };
    let population = (c.population / 10.0).round() * 10.0;
    format!(
        "{indicator} {} {wave}: {} {} {} {} {} {} {} {name}. {} {}{}{}.",
        t.s("in", "in"),
        t.s("ongeveer", "about"),
        whole(c.people),
        t.s("van de ongeveer", "of the about"),
        whole(population),
        t.s("inwoners van", "people aged"),
        age.short(),
        t.s("in", "in"),
        t.s("Bevolking:", "Population:"),
        // The file's name, not where it lies on this machine.
        c.source.rsplit(['/', '\\']).next().unwrap_or(&c.source),
        c.year
            .map(|y| format!(", {} {y}", t.s("geteld in", "counted in")))
            .unwrap_or_default(),
        if c.exact_age {
            String::new()
        } else {
            t.s(
                "; 18+ is benaderd uit de leeftijdsklassen van het CBS (alle inwoners min de 0-14-jarigen en 3/10 van de 15-24-jarigen), dus het aantal is een benadering",
                "; 18+ is approximated from CBS's age bands (all inhabitants less the 0-14 and 3/10 of the 15-24), so the count is an approximation",
            )
            .to_owned()
        }
    )
}

/// The report opens with the council summary's words (`omzien brief`): the same sentences,
/// lists and notes, then the figures behind them on the next page.
fn brief_section(l: &mut Layout, ds: &Dataset, r: &GemeenteReport, lang: Lang) {
    let t = T { lang };
    let q = omzien::SummaryQuery::new(ds, r.gemeente)
        .with_indicator(r.indicator())
        .with_ages(r.ages.clone())
        .with_level(r.level);
    let Ok(summary) = ds.council_summary(&q) else {
        return;
    };
    let b = crate::brief(ds, &summary, lang);
    l.heading(t.s("In het kort", "In brief"));
    for p in &b.paragraphs {
        for block in crate::Brief::blocks(p) {
            match block {
                crate::Block::Sentences(run) => {
                    let line = crate::brief::joined(&run, str::to_owned, |n| format!(" [{n}]"));
                    l.paragraph(&line, 9.5, INK);
                }
                crate::Block::List(items) => {
                    for i in items {
                        l.paragraph(&format!("   • {i}"), 9.0, INK);
                    }
                }
            }
        }
    }
    for (i, n) in b.notes.iter().enumerate() {
        l.paragraph(&format!("[{}] {n}", i + 1), 7.5, GREY);
    }
    l.new_page();
}

/// The gemeente's areas in a funnel plot against the country (or the gemeente without
/// national figures), where the figures carry intervals; else a sentence saying why there is
/// none.
fn funnel_section(l: &mut Layout, ds: &Dataset, r: &GemeenteReport, lang: Lang) {
    let t = T { lang };
    let benchmark = if ds.national().is_some() {
        omzien::Benchmark::National
    } else {
        omzien::Benchmark::Gemeente
    };
    let q = omzien::FunnelQuery::new(r.level, r.latest)
        .with_measure(r.indicator(), r.age())
        .with_benchmark(benchmark)
        .within(r.gemeente);
    match ds.funnel(&q) {
        Ok(f) if !f.points.is_empty() => {
            let outside: Vec<String> = f
                .points
                .iter()
                .filter(|p| {
                    matches!(
                        p.verdict_998,
                        omzien::Verdict::Higher | omzien::Verdict::Lower
                    )
                })
                .map(|p| {
                    ds.area(p.area)
                        .map_or_else(|_| p.area.to_string(), |a| a.display_name())
                })
                .collect();
            l.ensure(60.0 + 0.55 * BODY_W);
            l.paragraph(
                &format!(
                    "{} {} {}",
                    t.s(
                        "Trechterdiagram: elk gebied naar de precisie van zijn schatting tegen de vergelijkingswaarde, met de grenzen waarbinnen 95% (gestreept) en 99,8% (doorgetrokken) van de gebieden vallen als ze niet echt verschillen. Buiten de 99,8%-grens:",
                        "Funnel plot: each area by the precision of its estimate against the benchmark, with the limits within which 95% (dashed) and 99.8% (solid) of areas fall when they do not truly differ. Outside the 99.8% limit:"
                    ),
                    if outside.is_empty() {
                        t.s("geen.", "none.").to_owned()
                    } else {
                        format!("{}.", outside.join(", "))
                    },
                    if f.without_interval > 0 {
                        format!(
                            "({} {})",
                            f.without_interval,
                            t.s("gebieden zonder interval staan er niet in", "areas without an interval are not in it")
                        )
                    } else {
                        String::new()
                    }
                ),
                8.5,
                GREY,
            );
            let mut chart = crate::comparison::funnel_chart(ds, &f, lang);
            // Drawn for a screen 960 wide, set at the text width: the labels larger.
            for m in &mut chart.marks {
                if let crate::chart::Mark::Text { size, bold: false, .. } = m {
                    *size *= 1.4;
                }
            }
            place_chart(l, &chart);
        }
        Ok(_) => {}
        Err(omzien::CompareError::NoIntervals { .. }) => l.paragraph(
            t.s(
                "Geen trechterdiagram (gebieden naar de precisie van hun schatting): deze cijfers hebben geen 95%-intervallen (de landelijke 50090NED-bestanden publiceren er geen), dus er is geen precisie om uit te zetten.",
                "No funnel plot (areas by the precision of their estimate): these figures carry no 95% intervals (the national 50090NED files publish none), so there is no precision to plot.",
            ),
            8.5,
            GREY,
        ),
        Err(e) => l.paragraph(
            &format!(
                "{} {e}",
                t.s("Geen trechterdiagram:", "No funnel plot:")
            ),
            8.5,
            GREY,
        ),
    }
}

fn place_chart(l: &mut Layout, chart: &crate::Chart) {
    use crate::chart::{Anchor, Mark};
    let k = f64::from(BODY_W) / chart.width;
    let h = (chart.height * k) as f32;
    l.ensure(h + 6.0);
    // The chart's rows start 8 units in: they align with the text's margin.
    let (ox, oy) = (f64::from(MARGIN) - 8.0 * k, f64::from(l.y));
    let at = |(x, y): (f64, f64)| ((ox + x * k) as f32, (oy + y * k) as f32);
    for m in &chart.marks {
        let op = match m {
            Mark::Rect { x, y, w, h, fill } => {
                let (px, py) = at((*x, *y));
                Op::Rect {
                    x: px,
                    y: py,
                    w: (w * k) as f32,
                    h: (h * k) as f32,
                    fill: Some([fill[0], fill[1], fill[2], 255]),
                    stroke: None,
                }
            }
            Mark::Line {
                from,
                to,
                stroke,
                width,
            } => Op::Line {
                points: vec![at(*from), at(*to)],
                color: *stroke,
                width: (width * k) as f32,
                dashed: false,
            },
            Mark::Path {
                points,
                stroke,
                width,
                dashed,
            } => Op::Line {
                points: points.iter().map(|p| at(*p)).collect(),
                color: *stroke,
                width: (width * k) as f32,
                dashed: *dashed,
            },
            Mark::Dot {
                at: c,
                r,
                fill,
                stroke,
                ..
            } => Op::Shape {
                rings: vec![
                    (0..=24)
                        .map(|i| {
                            let a = f64::from(i) / 24.0 * std::f64::consts::TAU;
                            at((c.0 + r * a.cos(), c.1 + r * a.sin()))
                        })
                        .collect(),
                ],
                fill: [fill[0], fill[1], fill[2], 255],
                stroke: *stroke,
            },
            Mark::Text {
                at: p,
                size,
                text,
                anchor,
                bold,
                fill,
            } => {
                let size = (size * k) as f32;
                let w = l.m.width(text, size, *bold);
                let (x, y) = at(*p);
                let x = match anchor {
                    Anchor::Start => x,
                    Anchor::Middle => x - w / 2.0,
                    Anchor::End => x - w,
                };
                Op::Text {
                    x,
                    y,
                    size,
                    bold: *bold,
                    color: *fill,
                    text: text.clone(),
                }
            }
        };
        l.ops().push(op);
    }
    l.y += h + 6.0;
}

fn rgb3(c: [u8; 3]) -> rgb::Color {
    rgb::Color::new(c[0], c[1], c[2])
}

fn draw(pages: &[Vec<Op>], title: &str, lang: Lang) -> Result<Vec<u8>, ReportPdfError> {
    let font = |b: &'static [u8]| {
        Font::new(b.into(), 0).ok_or_else(|| ReportPdfError::Font("DejaVu Sans".into()))
    };
    let regular = font(dejavu::sans::regular())?;
    let bold = font(dejavu::sans::bold())?;
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .language(
                match lang {
                    Lang::Nl => "nl",
                    Lang::En => "en",
                }
                .to_owned(),
            )
            .creator("omzien".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportPdfError::Pdf("page size".into()))?;
    for ops in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    color,
                    text,
                } => {
                    s.set_fill(Some(Fill {
                        paint: rgb3(*color).into(),
                        opacity: NormalizedF32::ONE,
                        rule: FillRule::NonZero,
                    }));
                    s.set_stroke(None);
                    let f = if *b { bold.clone() } else { regular.clone() };
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        f,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(rect);
                    }
                    let Some(path) = pb.finish() else { continue };
                    s.set_fill(fill.map(|c| {
                        Fill {
                            paint: rgb3([c[0], c[1], c[2]]).into(),
                            opacity: NormalizedF32::new(f32::from(c[3]) / 255.0)
                                .unwrap_or(NormalizedF32::ONE),
                            rule: FillRule::NonZero,
                        }
                    }));
                    s.set_stroke(stroke.map(|(c, w)| Stroke {
                        paint: rgb3(c).into(),
                        width: w,
                        ..Stroke::default()
                    }));
                    s.draw_path(&path);
                }
                Op::Line {
                    points,
                    color,
                    width,
                    dashed,
                } => {
                    let mut pb = PathBuilder::new();
                    for (i, (x, y)) in points.iter().enumerate() {
                        if i == 0 {
                            pb.move_to(*x, *y);
                        } else {
                            pb.line_to(*x, *y);
                        }
                    }
                    let Some(path) = pb.finish() else { continue };
                    s.set_fill(None);
                    s.set_stroke(Some(Stroke {
                        paint: rgb3(*color).into(),
                        width: *width,
                        dash: dashed.then(|| StrokeDash {
                            array: vec![3.0, 2.0],
                            offset: 0.0,
                        }),
                        ..Stroke::default()
                    }));
                    s.draw_path(&path);
                }
                Op::Shape {
                    rings,
                    fill,
                    stroke,
                } => {
                    let mut pb = PathBuilder::new();
                    for ring in rings {
                        for (i, (x, y)) in ring.iter().enumerate() {
                            if i == 0 {
                                pb.move_to(*x, *y);
                            } else {
                                pb.line_to(*x, *y);
                            }
                        }
                        pb.close();
                    }
                    let Some(path) = pb.finish() else { continue };
                    s.set_fill(Some(Fill {
                        paint: rgb3([fill[0], fill[1], fill[2]]).into(),
                        opacity: NormalizedF32::ONE,
                        rule: FillRule::EvenOdd,
                    }));
                    s.set_stroke(Some(Stroke {
                        paint: rgb3(*stroke).into(),
                        width: 0.4,
                        ..Stroke::default()
                    }));
                    s.draw_path(&path);
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| ReportPdfError::Pdf(format!("{e:?}")))
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

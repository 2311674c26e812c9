//! The answers of the HTTP API: one serde struct per answer, the same types the OpenAPI
//! description ([`crate::openapi`]) is generated from, so the contract cannot drift from
//! the code.

use omzien::{
    AreaCode, AreaProfile, Dataset, Legend, Level, ProfileArea, ProfileFigure, ProfileTrend,
    Provenance, SelectedFigure, Unit,
};
use serde::Serialize;
use utoipa::ToSchema;

mod analysis;
mod brief;
mod compare;

pub use analysis::{
    CheckAnswer, CheckRow, CheckWeights, LevelCount, RollupAnswer, RollupAnswerRow, RollupStatus,
    SummaryAnswer, SummaryRow, TrendAnswer, TrendRow,
};
pub use brief::BriefAnswer;
pub use compare::{BenchmarkHeader, CompareAnswer, CompareRow, NeighbourRow};

/// The CSV of an answer's rows, `lead` columns (name, value) in front and, on synthetic data,
/// a `note` column: the one writer behind the API's `?format=csv` and the command line's
/// `--format csv`, so both give the same columns.
///
/// # Errors
/// A row that does not serialise as a flat record.
pub fn rows_csv<R: Serialize + ToSchema>(
    ds: &Dataset,
    rows: &[R],
    lead: &[(&str, String)],
) -> std::io::Result<Vec<u8>> {
    let mut table = omzien::Table::from_rows(rows).map_err(std::io::Error::other)?;
    if rows.is_empty() {
        // No row to take the columns from: the row type's description gives them, so an
        // empty answer is still a CSV with its header (pandas reads it as no rows, not as an
        // error).
        table = empty_table::<R>();
    }
    for (name, value) in lead.iter().rev() {
        table.prepend_column(name, value);
    }
    let mut out = Vec::new();
    table.write_csv_noting(ds.is_synthetic(), &mut out)?;
    Ok(out)
}

/// The CSV header of a row type with no row: its fields in the order they serialise, from
/// its description ([`omzien::Table::from_fields`]).
fn empty_table<R: ToSchema>() -> omzien::Table {
    use utoipa::openapi::{RefOr, Schema};
    match R::schema() {
        RefOr::T(Schema::Object(o)) => omzien::Table::from_fields(o.properties.keys()),
        _ => omzien::Table::default(),
    }
}

/// The body of every error answer (4xx and 5xx).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What is wrong, naming the parameter or value.
    pub error: String,
    /// The HTTP status code.
    pub status: u16,
}

/// One indicator of `/api/indicators`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorRow {
    /// The OData key (`Eenzaam_28`) or an extra column's header.
    pub key: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// Unit symbol: `%`, or empty for a number of unknown unit.
    #[serde(serialize_with = "Unit::serialize_symbol")]
    #[schema(value_type = String, example = "%")]
    pub unit: Unit,
    /// `higher_is_worse`, `higher_is_better` or `neither`: how `compare` reads a difference.
    #[schema(value_type = String, example = "higher_is_worse")]
    pub polarity: omzien::Polarity,
    /// One of the four loneliness indicators.
    pub loneliness: bool,
    /// The waves with figures, space-separated (`2012 2016 2020`).
    pub waves: String,
}

impl IndicatorRow {
    /// The indicators of the data, as `/api/indicators` and `omzien indicators` list them.
    #[must_use]
    pub fn all(ds: &omzien::Dataset) -> Vec<Self> {
        ds.indicators()
            .iter()
            .map(|i| Self {
                key: i.key.clone(),
                label_nl: i.label_nl.clone(),
                label_en: i.label_en.clone(),
                unit: i.unit,
                polarity: i.polarity,
                loneliness: i.loneliness,
                waves: ds
                    .waves()
                    .iter()
                    .filter(|&&w| {
                        ds.age_groups()
                            .iter()
                            .any(|&a| ds.has_column(i.indicator, w, a))
                    })
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect()
    }
}

/// `/api/indicators`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorsAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The indicators: the four loneliness indicators first.
    pub rows: Vec<IndicatorRow>,
}

/// One wave of `/api/waves`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaveRow {
    /// The survey year.
    pub wave: u16,
    /// The youngest age surveyed in that wave, where known.
    pub survey_min_age: Option<u8>,
}

/// One age group of `/api/waves`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgeGroupRow {
    /// The CBS code (`20300`).
    pub code: u32,
    /// Short form (`18+`).
    pub short: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
}

/// One level of `/api/waves`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelRow {
    /// The level.
    pub level: Level,
    /// Areas of the level in the data.
    pub count: usize,
    /// Whether the server has boundaries for it (tiles).
    pub boundaries: bool,
    /// The zooms at which the map shows this level by default (none for the country).
    pub minzoom: Option<u8>,
    /// The last such zoom.
    pub maxzoom: Option<u8>,
}

/// `/api/waves`: waves, age groups, levels and the map's extent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WavesAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The waves, oldest first.
    pub rows: Vec<WaveRow>,
    /// The age groups of the data.
    pub age_groups: Vec<AgeGroupRow>,
    /// `[west, south, east, north]` of the boundaries, WGS84.
    pub bounds: Option<[f64; 4]>,
    /// The levels with areas.
    pub levels: Vec<LevelRow>,
}

/// The area of an [`AreaAnswer`]: the profile's area and whether the map can draw it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaHeader {
    /// The area.
    #[serde(flatten)]
    pub area: ProfileArea,
    /// Whether the loaded boundaries have its polygon; `null` without boundaries for its level.
    pub has_polygon: Option<bool>,
}

/// `/api/areas/{code}` and `/api/at`: the area's profile
/// ([`Dataset::profile`](omzien::Dataset::profile)).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The area.
    pub area: AreaHeader,
    /// Every figure with its parent, gemeente and national reference.
    pub rows: Vec<ProfileFigure>,
    /// Changes between waves with caveats and significance.
    pub trends: Vec<ProfileTrend>,
    /// Trends over every wave with an interval (three or more): a weighted linear trend on
    /// the logit scale with its χ² test; empty for figures without intervals.
    pub wave_trends: Vec<omzien::WaveTrend>,
    /// The selected figure and its ranks.
    pub selection: SelectedFigure,
}

impl AreaAnswer {
    /// The answer for a profile.
    #[must_use]
    pub fn new(ds: &Dataset, profile: AreaProfile, has_polygon: Option<bool>) -> Self {
        Self {
            dataset: ds.provenance(),
            area: AreaHeader {
                area: profile.area,
                has_polygon,
            },
            rows: profile.figures,
            trends: profile.trends,
            wave_trends: profile.wave_trends,
            selection: profile.selection,
        }
    }

    /// The columns that lead every row of its CSV: the area's code, name and level.
    #[must_use]
    pub fn lead(&self) -> [(&'static str, String); 3] {
        let a = &self.area.area;
        [
            ("code", a.code.to_string()),
            ("name", a.name.clone()),
            ("level", a.level.to_string()),
        ]
    }
}

/// One area of `/api/areas`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaRow {
    /// Its code.
    #[schema(value_type = String)]
    pub code: AreaCode,
    /// Its level.
    pub level: Level,
    /// Its name for people.
    pub name: Option<String>,
    /// The enclosing area.
    #[schema(value_type = Option<String>)]
    pub parent: Option<AreaCode>,
    /// Whether the boundaries have its polygon; `null` without boundaries for the level.
    pub has_polygon: Option<bool>,
}

/// `/api/areas`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreasAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The areas, in code order.
    pub rows: Vec<AreaRow>,
}

/// One hit of `/api/search`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchRow {
    /// Its code.
    #[schema(value_type = String)]
    pub code: AreaCode,
    /// The name that matched.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// `[west, south, east, north]` of its polygon, where the server has it.
    pub bbox: Option<[f64; 4]>,
}

/// `/api/search`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// Best matches first.
    pub rows: Vec<SearchRow>,
}

/// One area of `/api/risk`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskRow {
    /// Rank by value among the areas in scope (1 = highest).
    pub rank: usize,
    /// How many areas in scope have a value.
    pub ranked: usize,
    /// Its code.
    #[schema(value_type = String)]
    pub code: AreaCode,
    /// Its level.
    pub level: Level,
    /// Its name for people.
    pub name: String,
    /// Its value in the ranked wave.
    pub value: f64,
    /// The value's 95 % interval `[lower, upper]`, where the data has both bounds (in CSV the
    /// columns `lower` and `upper`).
    pub interval: Option<[f64; 2]>,
    /// Change since the earlier wave, percentage points.
    pub delta: Option<f64>,
    /// The reference's change between the same waves (`reference` of the answer).
    pub reference_delta: Option<f64>,
    /// The change beyond the reference's, percentage points: what "rising" is judged on.
    pub excess: Option<f64>,
    /// Whether its own change is significant at 95 % (MOVER), where both waves have bounds;
    /// empty when not tested.
    pub significant: Option<bool>,
    /// The p-value of its own change (the MOVER interval inverted), where both waves have
    /// bounds.
    pub p_value: Option<f64>,
    /// Whether that change stays significant with the false discovery rate over every area
    /// tested (`tested`) held at 5 % (Benjamini–Hochberg): what `rising` requires where
    /// bounds exist.
    pub significant_fdr: Option<bool>,
    /// The probability (from the intervals, by Monte Carlo) that it is truly among the top
    /// share of its set; with `by=probability`.
    pub p_top: Option<f64>,
    /// The probability that it truly rose by more than the minimum beyond the reference;
    /// with `by=probability`.
    pub p_rise: Option<f64>,
    /// Among the highest share of the areas in scope (when `high_applies`).
    pub high: bool,
    /// Risen more than the minimum beyond the reference.
    pub rising: bool,
    /// Its gemeente's value in the same wave.
    pub gemeente: Option<f64>,
    /// The national value in the same wave.
    pub national: Option<f64>,
    /// What a reader must know of the change, `; `-separated.
    pub caveats: String,
    /// `[west, south, east, north]` of its polygon, where the server has it.
    pub bbox: Option<[f64; 4]>,
}

impl RiskRow {
    /// The row of a risk area; `bbox` where the server has its polygon.
    #[must_use]
    pub fn new(h: omzien::RiskArea, bbox: Option<[f64; 4]>) -> Self {
        Self {
            rank: h.rank,
            ranked: h.ranked,
            code: h.area,
            level: h.area.level(),
            value: h.value,
            interval: h.interval.map(|(l, u)| [l, u]),
            delta: h.delta,
            reference_delta: h.reference_delta,
            excess: h.excess,
            significant: h.significant,
            p_value: h.p_value,
            significant_fdr: h.significant_fdr,
            p_top: h.p_top,
            p_rise: h.p_rise,
            high: h.high,
            rising: h.rising,
            gemeente: h.gemeente_value.value(),
            national: h.national_value.value(),
            caveats: omzien::Caveat::join(&h.caveats),
            bbox,
            name: h.name,
        }
    }
}

impl RiskAnswer {
    /// The answer for a risk list, at most `limit` of its areas (all without), saying how many
    /// there were and what they were drawn from; `bbox` gives an area's box where the server
    /// has its polygon.
    #[must_use]
    pub fn new(
        ds: &Dataset,
        list: omzien::RiskList,
        limit: Option<usize>,
        bbox: impl Fn(AreaCode) -> Option<[f64; 4]>,
    ) -> Self {
        let total = list.areas.len();
        let flagged_share = list.flagged_share();
        let uncertainty = uncertainty(&list);
        let rows: Vec<RiskRow> = list
            .areas
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(|h| {
                let b = bbox(h.area);
                RiskRow::new(h, b)
            })
            .collect();
        Self {
            dataset: ds.provenance(),
            truncated: rows.len() < total,
            rows,
            total,
            ranked: list.ranked,
            flagged_share,
            high_applies: list.high_applies,
            since: list.since.map(|w| w.year()),
            reference: list.reference,
            national_delta: list.national_delta,
            by: list.by,
            with_intervals: list.with_intervals,
            tested: list.tested,
            significant_alone: list.significant.0,
            significant_fdr: list.significant.1,
            min_prob: list.probability.map(|p| p.0),
            draws: list.probability.map(|p| p.1),
            seed: list.probability.map(|p| p.2),
            uncertainty,
        }
    }
}

/// `/api/risk`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// Highest first (mode `rising`: largest rise beyond the reference first).
    pub rows: Vec<RiskRow>,
    /// How many areas meet the criterion (the rows, unless `limit` cut them).
    pub total: usize,
    /// Whether `limit` cut the list (`rows` holds fewer than `total`).
    pub truncated: bool,
    /// Areas in scope with a figure: the set ranked.
    pub ranked: usize,
    /// The share (0–1) of the ranked areas the list flags.
    pub flagged_share: f64,
    /// Whether "high" applied: false when fewer areas than `min_areas` were ranked.
    pub high_applies: bool,
    /// The earlier wave of the rises.
    pub since: Option<u16>,
    /// What rises were measured against: `national`, `gemeente` or `none`.
    #[schema(value_type = String)]
    pub reference: omzien::RiseReference,
    /// The national change between the waves.
    pub national_delta: Option<f64>,
    /// How the marks were decided: `rules` (by the point values) or `probability`.
    #[schema(value_type = String)]
    pub by: omzien::RiskBy,
    /// Ranked areas whose figure carries a 95 % interval; 0: every mark is by the point values
    /// alone (`uncertainty` says so).
    pub with_intervals: usize,
    /// Areas whose change was tested (both waves with bounds): the Benjamini–Hochberg family.
    pub tested: usize,
    /// Of them, significant at 95 % each on its own.
    pub significant_alone: usize,
    /// Of them, significant with the false discovery rate held at 5 %.
    pub significant_fdr: usize,
    /// `by=probability`: the least probability that marks an area.
    pub min_prob: Option<f64>,
    /// `by=probability`: the Monte Carlo draws and their seed.
    pub draws: Option<usize>,
    /// The seed of the draws.
    pub seed: Option<u64>,
    /// What the marks rest on, in words: the rule or the model and its assumptions.
    pub uncertainty: String,
}

/// What a risk list's marks rest on, in words.
#[must_use]
pub fn uncertainty(list: &omzien::RiskList) -> String {
    match list.probability {
        Some((p, draws, seed)) => format!(
            "marked when the probability is at least {p}: {draws} draws (seed {seed}) from the 95% intervals, each figure normal on the logit scale; areas and waves taken as independent and the reference change as known"
        ),
        None if list.with_intervals == 0 => "these figures carry no intervals: marks follow the point values (rank and rise), not how sure they are".to_owned(),
        None => format!(
            "marks follow the point values; rises count only where significant with the false discovery rate at 5% over the {} areas tested (Benjamini-Hochberg)",
            list.tested
        ),
    }
}

/// One area of `/api/figures`: a level layer fills `wave` and `value`, a change layer
/// `from`, `to`, `from_value`, `to_value` and `delta`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureRow {
    /// Its code.
    #[schema(value_type = String)]
    pub code: AreaCode,
    /// Its name for people.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// Its gemeente's code.
    pub gemeente: Option<String>,
    /// The indicator's key.
    pub indicator: String,
    /// The age group.
    pub age: String,
    /// The wave of a level layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave: Option<u16>,
    /// The value of a level layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Option<f64>>,
    /// The 95 % interval `[lower, upper]` of a level layer's value, where the data has both
    /// bounds (in CSV the columns `lower` and `upper`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<[f64; 2]>)]
    pub interval: Option<Option<[f64; 2]>>,
    /// The first wave of a change layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<u16>,
    /// The second wave of a change layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<u16>,
    /// The value in the first wave of a change layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_value: Option<Option<f64>>,
    /// The value in the second wave of a change layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_value: Option<Option<f64>>,
    /// The 95 % interval of the first wave's value of a change layer, where the data has both
    /// bounds (in CSV `from_lower`, `from_upper`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<[f64; 2]>)]
    pub from_interval: Option<Option<[f64; 2]>>,
    /// The 95 % interval of the second wave's value of a change layer (in CSV `to_lower`,
    /// `to_upper`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<[f64; 2]>)]
    pub to_interval: Option<Option<[f64; 2]>>,
    /// The change of a change layer, percentage points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<Option<f64>>,
    /// Value, suppressed or not measured.
    pub status: omzien::Status,
    /// The legend label of its class, for a value.
    pub class: Option<String>,
}

/// `/api/figures`: one layer's figures area by area, with the legend.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FiguresAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The areas, in code order.
    pub rows: Vec<FigureRow>,
    /// The layer's legend.
    pub legend: Legend,
    /// The box asked for.
    pub bbox: Option<[f64; 4]>,
}

/// One level's boundaries in `/health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthLevel {
    /// The level.
    pub level: Level,
    /// Polygons loaded.
    pub polygons: usize,
}

/// `/health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthAnswer {
    /// `ok`.
    pub status: &'static str,
    /// True for the synthetic demo.
    pub synthetic: bool,
    /// Areas in the data.
    pub areas: usize,
    /// Boundaries per level.
    pub boundaries: Vec<HealthLevel>,
}

/// `/vector/style`: how a MapLibre page colours a layer's vector tiles, and its legend.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VectorStyle {
    /// The legend: classes with labels and colours, then suppressed and not measured.
    pub legend: omzien::Legend,
    /// The MapLibre `fill-color` expression over the tiles' fields (`value_2020`,
    /// `status_2020`, `change_2016_2020`) that colours each area as the PNG tiles of the same
    /// layer do.
    #[schema(value_type = Vec<Value>)]
    pub fill_color: serde_json::Value,
    /// A MapLibre filter of the areas painted in the suppressed colour (the page lays a hatch
    /// over them, so they differ from not measured by more than colour).
    #[schema(value_type = Vec<Value>)]
    pub suppressed: serde_json::Value,
    /// A MapLibre filter of the areas painted in the not-measured colour.
    #[schema(value_type = Vec<Value>)]
    pub not_measured: serde_json::Value,
}

/// `/tilejson`: TileJSON 3.0.0 of a layer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TileJson {
    /// `3.0.0`.
    pub tilejson: &'static str,
    /// The layer's title.
    pub name: String,
    /// Where the figures come from.
    pub description: String,
    /// Attribution to show on the map.
    pub attribution: String,
    /// The tile URL template.
    pub tiles: Vec<String>,
    /// Lowest zoom.
    pub minzoom: u8,
    /// Highest zoom.
    pub maxzoom: u8,
    /// `[west, south, east, north]`.
    pub bounds: [f64; 4],
    /// `[lon, lat, zoom]`.
    pub center: [f64; 3],
    /// Raster tiles: empty. Vector tiles: per layer its `id`, zooms and `fields`.
    pub vector_layers: Vec<serde_json::Value>,
}

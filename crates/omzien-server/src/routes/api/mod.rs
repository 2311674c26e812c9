//! `/api/…`: the figures behind the map as JSON, or CSV with `?format=csv`. Each handler
//! parses its query, calls the core and answers with a typed struct of [`crate::answer`].

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use omzien::{AreaCode, Dataset, Level, Style};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::answers::{Encoded, answer};
use super::layer::level;
use crate::answer::{
    AgeGroupRow, AreaAnswer, AreaRow, AreasAnswer, BriefAnswer, CompareAnswer, ErrorBody,
    FigureRow, FiguresAnswer, IndicatorRow, IndicatorsAnswer, LevelRow, RiskAnswer, SearchAnswer,
    SearchRow, SummaryAnswer, TrendAnswer, WaveRow, WavesAnswer,
};
use crate::error::{ApiError, Both, Query};
use crate::params::{CompareAsk, FunnelAsk, GemeenteParam, LevelParam, RiskAsk, TrendAsk};
use crate::state::AppState;

mod compare;
pub use compare::*;

/// The form of an answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A JSON document with provenance (default).
    #[default]
    Json,
    /// CSV of the answer's rows, with the columns that say what they describe.
    Csv,
}

/// `?format=json|csv`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default) or `csv`.
    pub format: Option<Format>,
}

/// Encodes `answer` as JSON, or its `rows` as CSV with `lead` columns (name, value) in front.
fn encode<A: Serialize, R: Serialize + ToSchema>(
    ds: &Dataset,
    format: Option<Format>,
    answer: &A,
    rows: &[R],
    lead: &[(&str, String)],
) -> Result<Encoded, ApiError> {
    let mut headers = Vec::new();
    let (body, content_type) = match format.unwrap_or_default() {
        Format::Json => (
            serde_json::to_vec(answer).map_err(ApiError::internal)?,
            "application/json",
        ),
        Format::Csv => {
            if ds.is_synthetic() {
                // Said in the answer's headers too, beside the `note` column.
                headers.push((
                    HeaderName::from_static("x-omzien-synthetic"),
                    HeaderValue::from_static("true"),
                ));
            }
            (
                crate::answer::rows_csv(ds, rows, lead).map_err(ApiError::internal)?,
                "text/csv; charset=utf-8",
            )
        }
    };
    Ok(Encoded {
        body,
        content_type,
        headers,
    })
}

/// Answers `answer` at once (for answers that do not grow with the areas).
fn respond<A: Serialize, R: Serialize + ToSchema>(
    ds: &Dataset,
    format: Option<Format>,
    answer: &A,
    rows: &[R],
    lead: &[(&str, String)],
) -> Result<Response, ApiError> {
    let e = encode(ds, format, answer, rows, lead)?;
    let mut res = ([(header::CONTENT_TYPE, e.content_type)], e.body).into_response();
    res.headers_mut().extend(e.headers);
    Ok(res)
}

/// The indicators of the data.
#[utoipa::path(get, path = "/api/indicators", params(FormatQuery),
    responses((status = 200, description = "The indicators", body = IndicatorsAnswer),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn indicators(
    State(state): State<AppState>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let ds = &state.dataset;
    let rows = IndicatorRow::all(ds);
    let answer = IndicatorsAnswer {
        dataset: ds.provenance(),
        rows,
    };
    respond(ds, f.format, &answer, &answer.rows, &[])
}

/// Waves, age groups, levels and the extent of the map.
#[utoipa::path(get, path = "/api/waves", params(FormatQuery),
    responses((status = 200, description = "Waves, age groups and levels", body = WavesAnswer),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn waves(
    State(state): State<AppState>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let ds = &state.dataset;
    let answer = WavesAnswer {
        dataset: ds.provenance(),
        rows: ds
            .waves()
            .iter()
            .map(|w| WaveRow {
                wave: w.year(),
                survey_min_age: w.survey_min_age(),
            })
            .collect(),
        age_groups: ds
            .age_groups()
            .iter()
            .map(|a| AgeGroupRow {
                code: a.code(),
                short: a.short(),
                label_nl: a.label_nl(),
                label_en: a.label_en(),
            })
            .collect(),
        bounds: state.scenes.iter().find_map(|s| s.boundaries().extent()),
        levels: Level::ALL
            .iter()
            .filter(|l| ds.count(**l) > 0)
            .map(|&level| {
                let zooms = omzien_render::ZoomRange::served()
                    .into_iter()
                    .find(|r| r.level == level);
                LevelRow {
                    level,
                    count: ds.count(level),
                    boundaries: state.boundaries(level).is_some(),
                    minzoom: zooms.map(|r| r.min),
                    maxzoom: zooms.map(|r| r.max),
                }
            })
            .collect(),
    };
    respond(ds, f.format, &answer, &answer.rows, &[])
}

/// `?indicator=&age=&wave=&rank_indicator=&rank_wave=&format=` of `/api/areas/{code}`, as
/// `omzien area` takes them: `indicator`, `age` and `wave` narrow the figures and trends and
/// choose the figure ranked (default: everything, ranked on the lonely indicator, 18+ and the
/// latest wave).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaQuery {
    /// Only this indicator (OData key or label), also the one ranked.
    pub indicator: Option<String>,
    /// Only this age group (`18+`, `65+`, `18-64` or a CBS code), also the one ranked.
    pub age: Option<String>,
    /// Only this wave (a year or `latest`) and the trends that end in it, also the one ranked.
    pub wave: Option<String>,
    /// The indicator ranked, when another than `indicator` (default the lonely indicator).
    pub rank_indicator: Option<String>,
    /// The wave ranked when `wave` does not narrow the figures (default the latest).
    pub rank_wave: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<Format>,
}

/// Every figure of an area with its parent, gemeente and national reference, its trends
/// with caveats, and its rank in the country and its gemeente for the selection.
#[utoipa::path(get, path = "/api/areas/{code}",
    params(("code" = String, Path, description = "Area code (GM0363, WK036300, BU03630000 or NL01) or name (Amsterdam, den haag, a wijk's name)"), AreaQuery),
    responses((status = 200, description = "The area's profile", body = AreaAnswer),
              (status = 400, description = "A bad parameter, or a name several areas share (the error lists them)", body = ErrorBody),
              (status = 404, description = "No such area in the data (the error lists close matches)", body = ErrorBody)))]
pub async fn area(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<AreaQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let area = state
            .dataset
            .resolve_area(&code, None)
            .map_err(|e| ApiError::from(omzien::ParamError::new("code", e)))?;
        area_answer(state, area, &q)
    })
    .await
}

/// `?lon=&lat=&level=` of `/api/at`, beside the [`AreaQuery`] parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtQuery {
    /// Longitude (WGS84).
    pub lon: Option<f64>,
    /// Latitude (WGS84).
    pub lat: Option<f64>,
    /// Level: `gemeente` (default), `wijk` or `buurt`.
    pub level: Option<String>,
}

/// The area under a point, as `/api/areas/{code}` gives it.
#[utoipa::path(get, path = "/api/at", params(AtQuery, AreaQuery),
    responses((status = 200, description = "The profile of the area under the point", body = AreaAnswer),
              (status = 400, description = "A bad position or parameter", body = ErrorBody),
              (status = 404, description = "No area there, or no boundaries for the level", body = ErrorBody)))]
pub async fn at(
    State(state): State<AppState>,
    Query(Both(q, a)): Query<Both<AtQuery, AreaQuery>>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (Some(lon), Some(lat)) = (q.lon, q.lat) else {
        return Err(ApiError::BadRequest("lon and lat are required".into()));
    };
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(ApiError::BadRequest(format!(
            "lon {lon}, lat {lat} is not a WGS84 position"
        )));
    }
    let level = level(q.level.as_deref(), Level::Gemeente)?;
    answer(&state, &uri, &headers, move |state| {
        let b = state
            .boundaries(level)
            .ok_or_else(|| ApiError::NotFound(format!("no boundaries loaded for level {level}")))?;
        let code = b
            .at(lon, lat)
            .ok_or_else(|| ApiError::NotFound(format!("no {level} at lon {lon}, lat {lat}")))?;
        area_answer(state, code, &a)
    })
    .await
}

fn area_answer(state: &AppState, code: AreaCode, q: &AreaQuery) -> Result<Encoded, ApiError> {
    let ds = &state.dataset;
    let indicators: Vec<&str> = q.indicator.as_deref().into_iter().collect();
    let pq = ds.parse_profile_query(
        &indicators,
        q.age.as_deref(),
        q.wave.as_deref(),
        q.rank_indicator.as_deref(),
        q.rank_wave.as_deref(),
    )?;
    let profile = pq.run(ds, code)?;
    let has_polygon = state
        .boundaries(code.level())
        .map(|b| b.shape(code).is_some());
    let answer = AreaAnswer::new(ds, profile, has_polygon);
    let lead = answer.lead();
    encode(ds, q.format, &answer, &answer.rows, &lead)
}

/// `?level=&gemeente=&format=`: the shared groups ([`crate::params`]).
#[derive(Debug, Default)]
pub struct AreasQuery {
    /// The level (default gemeente).
    pub level: LevelParam,
    /// Only within this gemeente.
    pub gemeente: GemeenteParam,
    /// The form.
    pub format: FormatQuery,
}

crate::composed_params!(AreasQuery {
    level: LevelParam,
    gemeente: GemeenteParam,
    format: FormatQuery,
});

/// The areas of a level, all or those within one gemeente.
#[utoipa::path(get, path = "/api/areas", params(AreasQuery),
    responses((status = 200, description = "The areas", body = AreasAnswer),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn areas(
    State(state): State<AppState>,
    Query(q): Query<AreasQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let level = q.level.level(Level::Gemeente)?;
        let within = q.gemeente.gemeente(ds)?;
        let bounds = state.boundaries(level);
        let rows = ds
            .areas(level, within)
            .into_iter()
            .map(|code| {
                let a = ds.area(code).ok();
                AreaRow {
                    code,
                    level,
                    name: a.as_ref().map(omzien::Area::display_name),
                    parent: a.and_then(|a| a.parent),
                    has_polygon: bounds.map(|b| b.shape(code).is_some()),
                }
            })
            .collect();
        let answer = AreasAnswer {
            dataset: ds.provenance(),
            rows,
        };
        encode(ds, q.format.format, &answer, &answer.rows, &[])
    })
    .await
}

/// A 95 % interval as the API writes it, `[lower, upper]`.
fn pair(interval: Option<(f64, f64)>) -> Option<[f64; 2]> {
    interval.map(|(l, h)| [l, h])
}

/// The bounding box of an area's polygon, `[west, south, east, north]`, if it has one.
fn bbox(state: &AppState, code: AreaCode) -> Option<[f64; 4]> {
    state
        .boundaries(code.level())
        .and_then(|b| b.shape(code))
        .map(|s| {
            [
                s.bbox.min().x,
                s.bbox.min().y,
                s.bbox.max().x,
                s.bbox.max().y,
            ]
        })
}

/// `?q=&limit=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Name or code.
    pub q: Option<String>,
    /// At most this many (default 10, at most 100).
    pub limit: Option<usize>,
    /// `json` (default) or `csv`.
    pub format: Option<Format>,
}

/// Areas by name or code: case- and accent-insensitive, with everyday aliases.
#[utoipa::path(get, path = "/api/search", params(SearchQuery),
    responses((status = 200, description = "Best matches first", body = SearchAnswer),
              (status = 400, description = "No text to search for, or a bad parameter", body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::BadRequest("q: give a name or code to search for".into()))?
            .to_owned();
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let rows = ds
            .search(&text, q.limit.unwrap_or(10).min(100))
            .into_iter()
            .map(|h| SearchRow {
                code: h.code,
                level: h.code.level(),
                bbox: bbox(state, h.code),
                name: h.name,
            })
            .collect();
        let answer = SearchAnswer {
            dataset: ds.provenance(),
            rows,
        };
        encode(ds, q.format, &answer, &answer.rows, &[])
    })
    .await
}

/// `?indicator=&age=&level=&gemeente=&wave=&since=&mode=&top=&min_rise=&limit=&format=`:
/// what `omzien risk` takes ([`RiskAsk`]), and the form of the answer.
#[derive(Debug, Default)]
pub struct RiskParams {
    /// The question.
    pub ask: RiskAsk,
    /// The form.
    pub format: FormatQuery,
}

crate::composed_params!(RiskParams {
    ask: RiskAsk,
    format: FormatQuery,
});

/// Risk areas: the highest, the fastest rising, or both.
#[utoipa::path(get, path = "/api/risk", params(RiskParams),
    responses((status = 200, description = "Risk areas, highest first", body = RiskAnswer),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn risk(
    State(state): State<AppState>,
    Query(p): Query<RiskParams>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let q = p.ask.query(ds)?;
        let list = q.run(ds)?;
        let answer = RiskAnswer::new(ds, list, p.ask.rule.limit, |c| bbox(state, c));
        let mut e = encode(ds, p.format.format, &answer, &answer.rows, &[])?;
        // A CSV has no room for the total: it goes in headers.
        e.headers.push((
            HeaderName::from_static("x-total-count"),
            answer.total.into(),
        ));
        e.headers.push((
            HeaderName::from_static("x-truncated"),
            HeaderValue::from_static(if answer.truncated { "true" } else { "false" }),
        ));
        Ok(e)
    })
    .await
}

/// `?bbox=west,south,east,north&format=` of `/api/figures`, beside the layer parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Only areas whose polygon meets this WGS84 box (`west,south,east,north`); without it
    /// every area of the level.
    pub bbox: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<Format>,
}

/// The figures of one map layer, area by area, with the legend class each is drawn in: what
/// the web map downloads as CSV for the current view.
#[utoipa::path(get, path = "/api/figures", params(super::LayerQuery, FiguresQuery),
    responses((status = 200, description = "The layer's figures", body = FiguresAnswer),
              (status = 400, description = "A bad parameter", body = ErrorBody),
              (status = 404, description = "No boundaries for the level (with bbox)", body = ErrorBody)))]
pub async fn figures(
    State(state): State<AppState>,
    Query(Both(lq, q)): Query<Both<super::LayerQuery, FiguresQuery>>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(res) = super::answers::lookup(&state, &uri, &headers) {
        return Ok(res);
    }
    let bbox = q.bbox.as_deref().map(omzien::parse_bbox).transpose()?;
    let (_, layer) = super::tiles::layer(&state, &lq).await?;
    answer(&state, &uri, &headers, move |state| {
        figures_answer(state, &layer, bbox, q.format)
    })
    .await
}

fn figures_answer(
    state: &AppState,
    layer: &omzien::Layer,
    bbox: Option<[f64; 4]>,
    format: Option<Format>,
) -> Result<Encoded, ApiError> {
    let ds = &state.dataset;
    let spec = layer.spec();
    let level = spec.level;
    let inside: Option<std::collections::HashSet<AreaCode>> = match bbox {
        None => None,
        Some([w, s, e, n]) => {
            let b = state.boundaries(level).ok_or_else(|| {
                ApiError::NotFound(format!("no boundaries loaded for level {level}"))
            })?;
            Some(
                b.indices_in_bbox([w, s], [e, n])
                    .into_iter()
                    .filter_map(|i| b.shapes().get(i).map(|s| s.code))
                    .collect(),
            )
        }
    };
    let legend = layer.legend();
    let mut rows = Vec::new();
    for code in ds.areas(level, None) {
        if inside.as_ref().is_some_and(|set| !set.contains(&code)) {
            continue;
        }
        let (status, class) = match layer.style(code) {
            Some(Style::Class(i)) => (
                omzien::Status::Value,
                legend.entries.get(i).map(|e| e.label.clone()),
            ),
            Some(Style::Suppressed) => (omzien::Status::Suppressed, None),
            Some(Style::NotMeasured) | None => (omzien::Status::NotMeasured, None),
        };
        let mut row = FigureRow {
            code,
            name: ds.area(code)?.display_name(),
            level,
            gemeente: code.gemeente().map(|g| g.to_string()),
            indicator: spec.indicator.to_string(),
            age: spec.age.short(),
            wave: None,
            value: None,
            interval: None,
            from: None,
            to: None,
            from_value: None,
            to_value: None,
            from_interval: None,
            to_interval: None,
            delta: None,
            status,
            class,
        };
        match spec.kind {
            omzien::LayerKind::Delta { from, to } => {
                row.from = Some(from.year());
                row.to = Some(to.year());
                row.from_value = Some(ds.figure(code, spec.indicator, from, spec.age)?.value());
                row.to_value = Some(ds.figure(code, spec.indicator, to, spec.age)?.value());
                row.from_interval =
                    Some(pair(ds.interval(code, spec.indicator, from, spec.age)?));
                row.to_interval = Some(pair(ds.interval(code, spec.indicator, to, spec.age)?));
                row.delta = Some(layer.value(code));
            }
            omzien::LayerKind::Level { wave } => {
                row.wave = Some(wave.year());
                row.value = Some(layer.value(code));
                row.interval = Some(pair(ds.interval(code, spec.indicator, wave, spec.age)?));
            }
            _ => {}
        }
        rows.push(row);
    }
    let answer = FiguresAnswer {
        dataset: ds.provenance(),
        rows,
        legend,
        bbox,
    };
    encode(ds, format, &answer, &answer.rows, &[])
}

/// `?indicator=&age=&from=&to=&level=&gemeente=&band=&format=` of `/api/trend`: what
/// `omzien trend` takes ([`TrendAsk`]), and the form of the answer.
#[derive(Debug, Default)]
pub struct TrendParams {
    /// The question.
    pub ask: TrendAsk,
    /// The form.
    pub format: FormatQuery,
}

crate::composed_params!(TrendParams {
    ask: TrendAsk,
    format: FormatQuery,
});

/// The change between two waves for every area of a level, as `omzien trend` gives it.
#[utoipa::path(get, path = "/api/trend", params(TrendParams),
    responses((status = 200, description = "The areas' changes, in code order", body = TrendAnswer),
              (status = 400, description = "A bad parameter, a missing or reversed wave", body = ErrorBody),
              (status = 404, description = "No such gemeente (the error lists close matches)", body = ErrorBody)))]
pub async fn trend(
    State(state): State<AppState>,
    Query(p): Query<TrendParams>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let q = p.ask.query(ds)?;
        let answer = TrendAnswer::new(ds, &q.run(ds)?, q.band);
        encode(ds, p.format.format, &answer, &answer.rows, &[])
    })
    .await
}

/// `?indicator=&threshold=&format=` of `/api/summary`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// Indicator summarised: OData key or label (default `Eenzaam_28`).
    pub indicator: Option<String>,
    /// Also give the share of areas above this value.
    pub threshold: Option<f64>,
    /// `json` (default) or `csv`.
    pub format: Option<Format>,
}

/// What the data holds, and how one indicator is spread per level, wave and age group, as
/// `omzien summary` gives it.
#[utoipa::path(get, path = "/api/summary", params(SummaryParams),
    responses((status = 200, description = "Counts and distributions", body = SummaryAnswer),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    Query(p): Query<SummaryParams>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(t) = p.threshold
        && !t.is_finite()
    {
        return Err(ApiError::BadRequest(format!(
            "threshold: {t} is not a number"
        )));
    }
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let indicator = ds.parse_indicator(p.indicator.as_deref())?;
        let answer = SummaryAnswer::new(ds, indicator, p.threshold)?;
        encode(ds, p.format, &answer, &answer.rows, &[])
    })
    .await
}

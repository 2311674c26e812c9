//! `/api/…`: the figures behind the map as JSON, or CSV with `?format=csv`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use omzien::{AreaCode, Figure, Level, RiskCriterion, RiskQuery, TrendOptions};
use serde::Deserialize;
use serde_json::{Value, json};

use super::layer::{age, gemeente, level};
use crate::error::ApiError;
use crate::state::AppState;

/// `?format=json|csv`.
#[derive(Debug, Default, Deserialize)]
pub struct FormatQuery {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

fn provenance(state: &AppState) -> Value {
    json!({
        "synthetic": state.dataset.is_synthetic(),
        "notice": state.dataset.is_synthetic().then_some(omzien::demo::LABEL),
        "classification_year": state.dataset.classification_year(),
    })
}

fn csv_field(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Answers rows (objects with the same keys) as JSON with provenance, or as CSV.
fn respond(
    state: &AppState,
    format: Option<&str>,
    rows: Vec<Value>,
    extra: Value,
) -> Result<Response, ApiError> {
    match format.unwrap_or("json") {
        "json" => {
            let mut doc = json!({ "dataset": provenance(state), "rows": rows });
            if let (Value::Object(d), Value::Object(e)) = (&mut doc, extra) {
                d.extend(e);
            }
            Ok(Json(doc).into_response())
        }
        "csv" => {
            let keys: Vec<String> = rows
                .first()
                .and_then(Value::as_object)
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            let mut out = String::new();
            if state.dataset.is_synthetic() {
                out.push_str("# ");
                out.push_str(omzien::demo::LABEL);
                out.push('\n');
            }
            out.push_str(&keys.join(","));
            out.push('\n');
            for r in &rows {
                let line: Vec<String> = keys
                    .iter()
                    .map(|k| csv_field(r.get(k).unwrap_or(&Value::Null)))
                    .collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response())
        }
        other => Err(ApiError::BadRequest(format!(
            "format: {other:?} is not json or csv"
        ))),
    }
}

fn fig(f: Figure) -> Value {
    match f {
        Figure::Value(v) => json!(v),
        _ => Value::Null,
    }
}

/// `/api/indicators`.
pub async fn indicators(
    State(state): State<AppState>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let ds = &state.dataset;
    let rows = ds
        .indicators()
        .iter()
        .map(|i| {
            let measured: Vec<u16> = ds.waves().iter().filter(|&&w| ds.age_groups().iter().any(|&a| ds.has_column(i.indicator, w, a))).map(|w| w.year()).collect();
            json!({ "key": i.key, "label_nl": i.label_nl, "label_en": i.label_en, "unit": i.unit.symbol(), "loneliness": i.loneliness, "waves": measured.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ") })
        })
        .collect();
    respond(&state, f.format.as_deref(), rows, json!({}))
}

/// `/api/waves`: waves, age groups and levels.
pub async fn waves(
    State(state): State<AppState>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let ds = &state.dataset;
    let rows = ds
        .waves()
        .iter()
        .map(|w| json!({ "wave": w.year(), "survey_min_age": w.survey_min_age() }))
        .collect();
    let extra = json!({
        "age_groups": ds.age_groups().iter().map(|a| json!({"code": a.code(), "short": a.short(), "label_nl": a.label_nl(), "label_en": a.label_en()})).collect::<Vec<_>>(),
        "levels": Level::ALL.iter().filter(|l| ds.count(**l) > 0).map(|l| json!({"level": l, "count": ds.count(*l), "boundaries": state.boundaries(*l).is_some()})).collect::<Vec<_>>(),
    });
    respond(&state, f.format.as_deref(), rows, extra)
}

fn parse_code(s: &str) -> Result<AreaCode, ApiError> {
    s.trim().to_uppercase().parse().map_err(ApiError::bad)
}

/// `/api/areas/{code}`: every figure, parent, gemeente and national reference, trends.
pub async fn area(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    area_response(&state, parse_code(&code)?, f.format.as_deref())
}

/// `?lon=&lat=&level=&format=`.
#[derive(Debug, Default, Deserialize)]
pub struct AtQuery {
    /// Longitude (WGS84).
    pub lon: Option<f64>,
    /// Latitude (WGS84).
    pub lat: Option<f64>,
    /// Level; default gemeente.
    pub level: Option<String>,
    /// Output.
    pub format: Option<String>,
}

/// `/api/at?lon=&lat=&level=`: the area under a point, as `/api/areas/{code}` gives it.
pub async fn at(
    State(state): State<AppState>,
    Query(q): Query<AtQuery>,
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
    let b = state
        .boundaries(level)
        .ok_or_else(|| ApiError::NotFound(format!("no boundaries loaded for level {level}")))?;
    let code = b
        .at(lon, lat)
        .ok_or_else(|| ApiError::NotFound(format!("no {level} at lon {lon}, lat {lat}")))?;
    area_response(&state, code, q.format.as_deref())
}

fn area_response(
    state: &AppState,
    code: AreaCode,
    format: Option<&str>,
) -> Result<Response, ApiError> {
    let ds = &state.dataset;
    let area = ds.area(code)?;
    let gm = code
        .gemeente()
        .map(AreaCode::Gemeente)
        .filter(|g| ds.contains(*g) && *g != code);
    let nl = ds.national().filter(|n| *n != code);
    let mut rows = Vec::new();
    for info in ds.indicators() {
        for &a in ds.age_groups() {
            for &w in ds.waves() {
                let figure = ds.figure(code, info.indicator, w, a)?;
                let parent = area
                    .parent
                    .map(|p| ds.figure(p, info.indicator, w, a))
                    .transpose()?;
                rows.push(json!({
                    "indicator": info.key, "age": a.short(), "wave": w.year(),
                    "value": fig(figure), "status": figure.status(),
                    "interval": ds.interval(code, info.indicator, w, a)?,
                    "parent": parent.map(fig),
                    "gemeente": gm.map(|g| ds.figure(g, info.indicator, w, a)).transpose()?.map(fig),
                    "national": nl.map(|n| ds.figure(n, info.indicator, w, a)).transpose()?.map(fig),
                }));
            }
        }
    }
    let waves = ds.waves();
    let mut trends = Vec::new();
    if let (Some(&first), Some(&last)) = (waves.first(), waves.last()) {
        for pair in waves
            .windows(2)
            .map(|p| (p[0], p[1]))
            .chain((waves.len() > 2).then_some((first, last)))
        {
            for &a in ds.age_groups() {
                for ind in omzien::Indicator::LONELINESS {
                    if let Ok(t) = ds.trend(code, ind, a, pair.0, pair.1, TrendOptions::default()) {
                        trends.push(json!({
                            "indicator": ind.to_string(), "age": a.short(), "from": t.from.year(), "to": t.to.year(),
                            "delta": t.delta, "direction": t.direction, "significant": t.significant,
                            "caveats": t.caveats.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        }));
                    }
                }
            }
        }
    }
    let has_polygon = state
        .boundaries(code.level())
        .map(|b| b.shape(code).is_some());
    let extra = json!({
        "area": { "code": code, "level": code.level(), "name": area.display_name(), "gemeente_name": area.gemeente_name,
                  "parent": area.parent, "has_polygon": has_polygon },
        "trends": trends,
    });
    respond(state, format, rows, extra)
}

/// `?level=&gemeente=&format=`.
#[derive(Debug, Default, Deserialize)]
pub struct AreasQuery {
    /// Level; default gemeente.
    pub level: Option<String>,
    /// Gemeente code.
    pub gemeente: Option<String>,
    /// Output.
    pub format: Option<String>,
}

/// `/api/areas?level=&gemeente=`.
pub async fn areas(
    State(state): State<AppState>,
    Query(q): Query<AreasQuery>,
) -> Result<Response, ApiError> {
    let ds = &state.dataset;
    let level = level(q.level.as_deref(), Level::Gemeente)?;
    let within = gemeente(q.gemeente.as_deref())?;
    let bounds = state.boundaries(level);
    let rows = ds
        .areas(level, within)
        .into_iter()
        .map(|c| {
            let a = ds.area(c).ok();
            json!({ "code": c, "name": a.as_ref().map(omzien::Area::display_name), "parent": a.and_then(|a| a.parent),
                    "has_polygon": bounds.map(|b| b.shape(c).is_some()) })
        })
        .collect();
    respond(&state, q.format.as_deref(), rows, json!({}))
}

/// `?q=&limit=`.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    /// Name or code.
    pub q: Option<String>,
    /// At most this many (default 10, at most 100).
    pub limit: Option<usize>,
    /// Output.
    pub format: Option<String>,
}

/// `/api/search?q=`.
pub async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::BadRequest("q: give a name or code to search for".into()))?;
    let hits = state.dataset.search(text, q.limit.unwrap_or(10).min(100));
    let rows = hits
        .iter()
        .map(|h| {
            let bbox = state
                .boundaries(h.code.level())
                .and_then(|b| b.shape(h.code))
                .map(|s| {
                    [
                        s.bbox.min().x,
                        s.bbox.min().y,
                        s.bbox.max().x,
                        s.bbox.max().y,
                    ]
                });
            json!({ "code": h.code, "name": h.name, "level": h.code.level(), "bbox": bbox })
        })
        .collect();
    respond(&state, q.format.as_deref(), rows, json!({}))
}

/// `?indicator=&age=&level=&gemeente=&wave=&since=&mode=&top=&min_rise=&limit=&format=`.
#[derive(Debug, Default, Deserialize)]
pub struct RiskParams {
    /// Indicator.
    pub indicator: Option<String>,
    /// Age group.
    pub age: Option<String>,
    /// Level; default buurt.
    pub level: Option<String>,
    /// Gemeente code.
    pub gemeente: Option<String>,
    /// Wave ranked; default the latest.
    pub wave: Option<String>,
    /// Earlier wave; default the one before.
    pub since: Option<String>,
    /// `high`, `rising` or `both` (default).
    pub mode: Option<String>,
    /// Top share, default 0.1.
    pub top: Option<f64>,
    /// Minimum rise, default 3.
    pub min_rise: Option<f64>,
    /// At most this many rows (default 50).
    pub limit: Option<usize>,
    /// Output.
    pub format: Option<String>,
}

/// `/api/risk`.
pub async fn risk(
    State(state): State<AppState>,
    Query(p): Query<RiskParams>,
) -> Result<Response, ApiError> {
    let ds = state.dataset.clone();
    let indicator = ds
        .indicator(p.indicator.as_deref().unwrap_or("Eenzaam_28"))
        .map_err(ApiError::bad)?;
    let age = age(&ds, p.age.as_deref())?;
    let level = level(p.level.as_deref(), Level::Buurt)?;
    let wave = match &p.wave {
        Some(w) => ds.parse_wave(w).map_err(ApiError::bad)?,
        None => *ds
            .waves()
            .last()
            .ok_or_else(|| ApiError::BadRequest("no waves".into()))?,
    };
    let since = match &p.since {
        Some(s) => Some(ds.parse_wave(s).map_err(ApiError::bad)?),
        None => ds.waves().iter().rev().find(|w| **w < wave).copied(),
    };
    let (top, rise) = (p.top.unwrap_or(0.1), p.min_rise.unwrap_or(3.0));
    let criterion = match p.mode.as_deref().unwrap_or("both") {
        "high" => RiskCriterion::High { top_share: top },
        "rising" => RiskCriterion::Rising { min_rise: rise },
        "both" => RiskCriterion::HighAndRising {
            top_share: top,
            min_rise: rise,
        },
        other => {
            return Err(ApiError::BadRequest(format!(
                "mode: {other:?} is not high, rising or both"
            )));
        }
    };
    let mut q = RiskQuery::new(level, indicator, wave)
        .with_age(age)
        .with_criterion(criterion);
    if let Some(g) = gemeente(p.gemeente.as_deref())? {
        q = q.with_gemeente(g);
    }
    if let Some(s) = since {
        q = q.with_since(s);
    }
    let hits = tokio::task::spawn_blocking(move || ds.risk_areas(&q))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::bad)?;
    let rows = hits
        .iter()
        .take(p.limit.unwrap_or(50))
        .map(|h| {
            json!({ "rank": h.rank, "ranked": h.ranked, "code": h.area, "name": h.name, "value": h.value, "delta": h.delta,
                    "gemeente": fig(h.gemeente_value), "national": fig(h.national_value),
                    "caveats": omzien::Caveat::join(&h.caveats) })
        })
        .collect();
    respond(&state, p.format.as_deref(), rows, json!({}))
}

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
        "bounds": state.scenes.iter().find_map(|s| s.boundaries().extent()),
        "levels": Level::ALL.iter().filter(|l| ds.count(**l) > 0).map(|l| json!({"level": l, "count": ds.count(*l), "boundaries": state.boundaries(*l).is_some()})).collect::<Vec<_>>(),
    });
    respond(&state, f.format.as_deref(), rows, extra)
}

fn parse_code(s: &str) -> Result<AreaCode, ApiError> {
    s.trim().to_uppercase().parse().map_err(ApiError::bad)
}

/// `?indicator=&age=&wave=&format=` of `/api/areas/{code}`: the selection the answer ranks
/// and gives the trend of (default `Eenzaam_28`, 18+, the latest wave).
#[derive(Debug, Default, Deserialize)]
pub struct AreaQuery {
    /// Indicator ranked.
    pub indicator: Option<String>,
    /// Age group ranked.
    pub age: Option<String>,
    /// Wave ranked.
    pub wave: Option<String>,
    /// Output.
    pub format: Option<String>,
}

/// `/api/areas/{code}`: every figure, parent, gemeente and national reference, trends, and
/// the area's rank in the country and its gemeente for the selection.
pub async fn area(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<AreaQuery>,
) -> Result<Response, ApiError> {
    let selection = Selection::parse(
        &state,
        q.indicator.as_deref(),
        q.age.as_deref(),
        q.wave.as_deref(),
    )?;
    area_response(&state, parse_code(&code)?, &selection, q.format.as_deref())
}

/// What an area answer ranks: one indicator, age group and wave.
struct Selection {
    indicator: omzien::Indicator,
    age: omzien::AgeGroup,
    wave: omzien::Wave,
}

impl Selection {
    fn parse(
        state: &AppState,
        indicator: Option<&str>,
        age_group: Option<&str>,
        wave: Option<&str>,
    ) -> Result<Self, ApiError> {
        let ds = &state.dataset;
        let indicator = ds
            .indicator(indicator.unwrap_or("Eenzaam_28"))
            .map_err(|e| ApiError::BadRequest(format!("indicator: {e}")))?;
        let age = age(ds, age_group)?;
        let wave = match wave {
            Some(w) => ds
                .parse_wave(w)
                .map_err(|e| ApiError::BadRequest(format!("wave: {e}")))?,
            None => *ds
                .waves()
                .last()
                .ok_or_else(|| ApiError::BadRequest("the data has no waves".into()))?,
        };
        Ok(Self {
            indicator,
            age,
            wave,
        })
    }
}

/// `?lon=&lat=&level=` of `/api/at`, beside the [`AreaQuery`] parameters.
#[derive(Debug, Default, Deserialize)]
pub struct AtQuery {
    /// Longitude (WGS84).
    pub lon: Option<f64>,
    /// Latitude (WGS84).
    pub lat: Option<f64>,
    /// Level; default gemeente.
    pub level: Option<String>,
}

/// `/api/at?lon=&lat=&level=`: the area under a point, as `/api/areas/{code}` gives it (with
/// the same `indicator`, `age`, `wave` and `format`).
pub async fn at(
    State(state): State<AppState>,
    Query(q): Query<AtQuery>,
    Query(a): Query<AreaQuery>,
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
    let selection = Selection::parse(
        &state,
        a.indicator.as_deref(),
        a.age.as_deref(),
        a.wave.as_deref(),
    )?;
    let b = state
        .boundaries(level)
        .ok_or_else(|| ApiError::NotFound(format!("no boundaries loaded for level {level}")))?;
    let code = b
        .at(lon, lat)
        .ok_or_else(|| ApiError::NotFound(format!("no {level} at lon {lon}, lat {lat}")))?;
    area_response(&state, code, &selection, a.format.as_deref())
}

fn area_response(
    state: &AppState,
    code: AreaCode,
    selection: &Selection,
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
                let selected = (!omzien::Indicator::LONELINESS.contains(&selection.indicator))
                    .then_some(selection.indicator);
                for ind in omzien::Indicator::LONELINESS.into_iter().chain(selected) {
                    if let Ok(t) = ds.trend(code, ind, a, pair.0, pair.1, TrendOptions::default()) {
                        trends.push(json!({
                            "indicator": ind.to_string(), "age": a.short(), "from": t.from.year(), "to": t.to.year(),
                            "delta": t.delta, "direction": t.direction, "significant": t.significant,
                            "caveats": t.caveats.iter().map(ToString::to_string).collect::<Vec<_>>(),
                            "caveat_kinds": t.caveats,
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
        "selection": {
            "indicator": selection.indicator.to_string(), "age": selection.age.short(), "wave": selection.wave.year(),
            "value": fig(ds.figure(code, selection.indicator, selection.wave, selection.age)?),
            "ranks": ds.ranks(code, selection.indicator, selection.wave, selection.age)?,
        },
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
            json!({ "code": h.code, "name": h.name, "level": h.code.level(), "bbox": bbox(&state, h.code) })
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
                    "caveats": omzien::Caveat::join(&h.caveats), "bbox": bbox(&state, h.area) })
        })
        .collect();
    respond(&state, p.format.as_deref(), rows, json!({}))
}

/// `?bbox=west,south,east,north&format=` of `/api/figures`, beside the layer parameters.
#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    /// Only areas whose polygon meets this WGS84 box; without it every area of the level.
    pub bbox: Option<String>,
    /// Output.
    pub format: Option<String>,
}

fn parse_bbox(s: &str) -> Result<[f64; 4], ApiError> {
    let bad = || {
        ApiError::BadRequest(format!(
            "bbox: {s:?} is not west,south,east,north in degrees (WGS84)"
        ))
    };
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let [w, so, e, n] = <[f64; 4]>::try_from(v).map_err(|_| bad())?;
    let ok = [w, e].iter().all(|x| (-180.0..=180.0).contains(x))
        && [so, n].iter().all(|y| (-90.0..=90.0).contains(y))
        && w <= e
        && so <= n;
    if ok { Ok([w, so, e, n]) } else { Err(bad()) }
}

/// `/api/figures?{layer parameters}&bbox=`: the figures of one map layer, area by area, with
/// the legend class each is drawn in: what the web map downloads as CSV for the current view.
pub async fn figures(
    State(state): State<AppState>,
    Query(lq): Query<super::LayerQuery>,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, ApiError> {
    let bbox = q.bbox.as_deref().map(parse_bbox).transpose()?;
    let (_, layer) = super::tiles::layer(&state, &lq).await?;
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
        let area = ds.area(code)?;
        let (status, class) = match layer.style(code) {
            Some(omzien::Style::Class(i)) => {
                ("value", legend.entries.get(i).map(|e| e.label.clone()))
            }
            Some(omzien::Style::Suppressed) => ("suppressed", None),
            Some(omzien::Style::NotMeasured) | None => ("not_measured", None),
        };
        let mut row = serde_json::Map::new();
        row.insert("code".into(), json!(code));
        row.insert("name".into(), json!(area.display_name()));
        row.insert(
            "gemeente".into(),
            json!(code.gemeente().map(|g| g.to_string())),
        );
        row.insert("indicator".into(), json!(spec.indicator.to_string()));
        row.insert("age".into(), json!(spec.age.short()));
        match spec.kind {
            omzien::LayerKind::Delta { from, to } => {
                row.insert("from".into(), json!(from.year()));
                row.insert("to".into(), json!(to.year()));
                row.insert(
                    "from_value".into(),
                    fig(ds.figure(code, spec.indicator, from, spec.age)?),
                );
                row.insert(
                    "to_value".into(),
                    fig(ds.figure(code, spec.indicator, to, spec.age)?),
                );
                row.insert("delta".into(), json!(layer.value(code)));
            }
            omzien::LayerKind::Level { wave } => {
                row.insert("wave".into(), json!(wave.year()));
                row.insert("value".into(), json!(layer.value(code)));
            }
            _ => {}
        }
        row.insert("status".into(), json!(status));
        row.insert("class".into(), json!(class));
        rows.push(Value::Object(row));
    }
    respond(
        &state,
        q.format.as_deref(),
        rows,
        json!({ "legend": legend, "bbox": bbox }),
    )
}

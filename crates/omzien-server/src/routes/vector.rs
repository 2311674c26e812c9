//! `/vector/{z}/{x}/{y}.mvt` and `/vector/tilejson`: the areas as Mapbox Vector Tiles with
//! their figures, for clients that style the map themselves (MapLibre, QGIS).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use omzien::Level;
use omzien_render::{self as render, TileCoord, VectorQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::answer::{ErrorBody, TileJson, VectorStyle};
use crate::error::{ApiError, Query};
use crate::state::AppState;

/// `?indicator=Eenzaam_28&age=18%2B&level=wijk` of `/vector/…`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VectorParams {
    /// Indicator whose figures the features carry (default `Eenzaam_28`).
    pub indicator: Option<String>,
    /// Age group (default 18+).
    pub age: Option<String>,
    /// Level drawn; by default by zoom as on the web map: gemeenten to z9, wijken z10–z12,
    /// buurten from z13.
    pub level: Option<String>,
}

/// A vector tile of one level's areas, each with code, name, gemeente and, for the indicator
/// and age group, the value, status and 95 % bounds of every wave and the changes between
/// waves. Gzip when the client accepts it.
#[utoipa::path(get, path = "/vector/{z}/{x}/{y}",
    params(("z" = u8, Path, description = "Zoom, 0–22"),
           ("x" = u32, Path, description = "Column"),
           ("y" = String, Path, description = "Row, then `.mvt`"),
           VectorParams),
    responses((status = 200, description = "The tile", content_type = "application/vnd.mapbox-vector-tile"),
              (status = 204, description = "No area meets the tile"),
              (status = 304, description = "The client's copy (If-None-Match) is current"),
              (status = 400, description = "A bad address or parameter", body = ErrorBody),
              (status = 404, description = "No boundaries for the level", body = ErrorBody),
              (status = 503, description = "Too many renders waiting: retry after `Retry-After` seconds", body = ErrorBody)))]
pub async fn vector_tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    Query(q): Query<VectorParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(y) = y.strip_suffix(".mvt") else {
        return Err(ApiError::BadRequest(format!("tile {y:?} must end in .mvt")));
    };
    let coord = TileCoord::parse(&z, &x, y).map_err(ApiError::bad)?;
    let query = VectorQuery {
        indicator: state.dataset.parse_indicator(q.indicator.as_deref())?,
        age: state.dataset.parse_age(q.age.as_deref())?,
    };
    let level = super::layer::level(
        q.level.as_deref(),
        render::ZoomRange::default_level_at(coord.z),
    )?;
    if state.scene(level).is_none() {
        return Err(ApiError::NotFound(format!(
            "no boundaries loaded for level {level}"
        )));
    }
    let slot = state.render_slot().await?;
    let st = state.clone();
    let mvt = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let scene = st.scene(level)?;
        Some(render::vector_tile(&st.dataset, scene, coord, query))
    })
    .await
    .map_err(ApiError::internal)?
    .transpose()
    .map_err(ApiError::internal)?
    .flatten();
    let Some(mvt) = mvt else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let etag = super::strong_etag(&mvt);
    super::cacheable_tile(
        &headers,
        &etag,
        "application/vnd.mapbox-vector-tile",
        mvt.into(),
    )
}

/// How to colour the vector tiles of a layer (indicator, age group, wave or change, level,
/// method) in MapLibre: its `fill-color` expression and its legend. The web map draws the
/// server's vector tiles with it, so its colours are the PNG tiles' colours.
#[utoipa::path(get, path = "/vector/style", params(super::layer::LayerQuery),
    responses((status = 200, description = "The expression and the legend", body = VectorStyle),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn vector_style(
    State(state): State<AppState>,
    Query(q): Query<super::layer::LayerQuery>,
) -> Result<Json<VectorStyle>, ApiError> {
    let (_, layer) = super::tiles::layer(&state, &q).await?;
    let patterns = render::status_filters(&layer);
    Ok(Json(VectorStyle {
        legend: layer.legend(),
        fill_color: render::fill_color(&layer),
        suppressed: patterns.suppressed,
        not_measured: patterns.not_measured,
    }))
}

/// TileJSON 3.0.0 of the vector tiles, with `vector_layers` naming each level's layer, its
/// zooms and its fields.
#[utoipa::path(get, path = "/vector/tilejson", params(VectorParams),
    responses((status = 200, description = "TileJSON 3.0.0 with vector_layers", body = TileJson),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn vector_tilejson(
    State(state): State<AppState>,
    Query(q): Query<VectorParams>,
    uri: axum::http::Uri,
) -> Result<Json<TileJson>, ApiError> {
    let ds = &state.dataset;
    let indicator = ds.parse_indicator(q.indicator.as_deref())?;
    let age = ds.parse_age(q.age.as_deref())?;
    let fields = render::vector_fields(ds, VectorQuery { indicator, age });
    let vector_layers = render::ZoomRange::served()
        .iter()
        .filter(|r| state.scene(r.level).is_some())
        .map(|r| {
            serde_json::json!({ "id": r.level.to_string(), "minzoom": r.min, "maxzoom": r.max, "fields": fields })
        })
        .collect();
    let bounds = Level::ALL
        .iter()
        .filter_map(|l| state.boundaries(*l).and_then(omzien::Boundaries::extent))
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
        .unwrap_or([-180.0, -85.0, 180.0, 85.0]);
    Ok(Json(TileJson {
        tilejson: "3.0.0",
        name: format!("{indicator}, {age}"),
        description: ds.provenance().source(),
        attribution: ds.provenance().attribution(),
        tiles: vec![format!(
            "/vector/{{z}}/{{x}}/{{y}}.mvt?{}",
            uri.query().unwrap_or("")
        )],
        minzoom: 0,
        maxzoom: render::MAX_ZOOM,
        bounds,
        center: [
            (bounds[0] + bounds[2]) / 2.0,
            (bounds[1] + bounds[3]) / 2.0,
            8.0,
        ],
        vector_layers,
    }))
}

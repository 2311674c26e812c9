//! `/tiles/{z}/{x}/{y}.png` (and `@2x.png`), `/legend`, `/tilejson`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use omzien::{Layer, LayerSpec};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::layer::LayerQuery;
use crate::answer::{ErrorBody, TileJson};
use crate::error::{ApiError, Both, Query};
use crate::state::{AppState, CacheCounters, CachedTile, TileKey};
use omzien_render::{self as render, TileCoord};

/// The layer for a query, from the cache or classified now (off the async workers).
pub async fn layer(state: &AppState, q: &LayerQuery) -> Result<(LayerSpec, Arc<Layer>), ApiError> {
    let spec = q.spec(&state.dataset)?;
    let cached = state.layers.get(&spec);
    let c = &state.counters;
    CacheCounters::count(&c.layer_hits, &c.layer_misses, cached.is_some());
    if let Some(l) = cached {
        return Ok((spec, l));
    }
    let ds = state.dataset.clone();
    let (spec, layer) = tokio::task::spawn_blocking(move || {
        let layer = ds.layer(&spec);
        (spec, layer)
    })
    .await
    .map_err(ApiError::internal)?;
    let layer = Arc::new(layer?);
    state.layers.insert(spec.clone(), layer.clone());
    Ok((spec, layer))
}

/// The one shared transparent tile of a size, for tiles with nothing on them (a web map
/// shows an image answer as a tile; a 204 would count as a failed image load).
fn empty_tile(scale: u32) -> Result<Arc<CachedTile>, ApiError> {
    static EMPTY: std::sync::OnceLock<[Option<Arc<CachedTile>>; 2]> = std::sync::OnceLock::new();
    let tiles = EMPTY.get_or_init(|| {
        [1, 2].map(|s| {
            let side = u16::try_from(render::TILE_SIZE * s).ok()?;
            let png = render::encode(&render::Raster::transparent(side)).ok()?;
            Some(Arc::new(CachedTile {
                etag: super::strong_etag(&png),
                png: png.into(),
            }))
        })
    });
    tiles
        .get(usize::from(scale == 2))
        .cloned()
        .flatten()
        .ok_or_else(|| ApiError::Internal("no empty tile".into()))
}

/// A PNG tile of a level or delta layer.
#[utoipa::path(get, path = "/tiles/{z}/{x}/{y}",
    params(("z" = u8, Path, description = "Zoom, 0–22"),
           ("x" = u32, Path, description = "Column"),
           ("y" = String, Path, description = "Row, then `.png` or `@2x.png`"),
           LayerQuery),
    responses((status = 200, description = "The tile (transparent where nothing is drawn)", content_type = "image/png"),
              (status = 304, description = "The client's copy (If-None-Match) is current"),
              (status = 400, description = "A bad address or parameter", body = ErrorBody),
              (status = 404, description = "No boundaries for the level", body = ErrorBody),
              (status = 503, description = "Too many renders waiting: retry after `Retry-After` seconds", body = ErrorBody)))]
pub async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    Query(q): Query<LayerQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (y, scale) = match y.strip_suffix("@2x.png") {
        Some(y) => (y.to_owned(), 2),
        None => match y.strip_suffix(".png") {
            Some(y) => (y.to_owned(), 1),
            None => {
                return Err(ApiError::BadRequest(format!(
                    "tile {y:?} must end in .png or @2x.png"
                )));
            }
        },
    };
    let coord = TileCoord::parse(&z, &x, &y).map_err(ApiError::bad)?;
    let (spec, layer) = layer(&state, &q).await?;
    if state.boundaries(layer.spec().level).is_none() {
        return Err(ApiError::NotFound(format!(
            "no boundaries loaded for level {}",
            layer.spec().level
        )));
    }
    let tkey = TileKey {
        layer: spec,
        coord,
        scale,
    };
    let cached = state.tiles.get(&tkey);
    let c = &state.counters;
    CacheCounters::count(&c.tile_hits, &c.tile_misses, cached.is_some());
    let tile = match cached {
        Some(t) => t,
        None => {
            let slot = state.render_slot().await?;
            let all = state.scenes.clone();
            let level = layer.spec().level;
            let rendered = tokio::task::spawn_blocking(move || {
                let _slot = slot;
                let scene = all.iter().find(|s| s.level() == level)?;
                render::render(&layer, scene, coord, scale).map(|p| render::encode_tile(&p, &layer))
            })
            .await
            .map_err(ApiError::internal)?;
            let tile = match rendered {
                None => empty_tile(scale)?,
                Some(Ok(png)) => Arc::new(CachedTile {
                    etag: super::strong_etag(&png),
                    // Exactly the bytes: the encoder's buffer grows by doubling, and a cache
                    // weighed by length must not hold up to twice that.
                    png: png.into_boxed_slice().into(),
                }),
                Some(Err(e)) => return Err(ApiError::Internal(e.to_string())),
            };
            state.tiles.insert(tkey, tile.clone());
            tile
        }
    };
    super::cacheable_tile(&headers, &tile.etag, "image/png", tile.png.clone())
}

/// The form of a legend.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LegendFormat {
    /// The classes and colours as JSON (default).
    #[default]
    Json,
    /// A picture of the legend.
    Png,
}

/// `?format=json|png&scale=1|2` of `/legend`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LegendQuery {
    /// `json` (default) or `png`.
    pub format: Option<LegendFormat>,
    /// 1 (default) or 2, for the PNG.
    pub scale: Option<u32>,
}

/// The legend of a layer as JSON or PNG (`/legend.png` or `?format=png`): exactly the colours
/// the tiles use.
#[utoipa::path(get, path = "/legend", params(LayerQuery, LegendQuery),
    responses((status = 200, description = "The legend", body = omzien::Legend,
               content_type = "application/json"),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn legend(
    State(state): State<AppState>,
    Query(Both(q, f)): Query<Both<LayerQuery, LegendQuery>>,
) -> Result<Response, ApiError> {
    legend_as(state, q, f.format.unwrap_or_default(), f.scale).await
}

/// `/legend.png`.
pub async fn legend_png(
    State(state): State<AppState>,
    Query(Both(q, f)): Query<Both<LayerQuery, LegendQuery>>,
) -> Result<Response, ApiError> {
    legend_as(state, q, LegendFormat::Png, f.scale).await
}

async fn legend_as(
    state: AppState,
    q: LayerQuery,
    format: LegendFormat,
    scale: Option<u32>,
) -> Result<Response, ApiError> {
    let (_, layer) = layer(&state, &q).await?;
    let legend = layer.legend();
    match format {
        LegendFormat::Json => Ok(Json(legend).into_response()),
        LegendFormat::Png => {
            let scale = match scale.unwrap_or(1) {
                s @ (1 | 2) => s,
                other => {
                    return Err(ApiError::BadRequest(format!(
                        "scale: {other} is not 1 or 2"
                    )));
                }
            };
            let png = tokio::task::spawn_blocking(move || render::legend_png(&legend, scale))
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?;
            Ok((
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=3600"),
                    ),
                ],
                png,
            )
                .into_response())
        }
    }
}

/// TileJSON 3.0 for a layer.
#[utoipa::path(get, path = "/tilejson", params(LayerQuery),
    responses((status = 200, description = "TileJSON 3.0.0 of the layer", body = TileJson),
              (status = 400, description = "A bad parameter", body = ErrorBody)))]
pub async fn tilejson(
    State(state): State<AppState>,
    Query(q): Query<LayerQuery>,
    uri: axum::http::Uri,
) -> Result<Json<TileJson>, ApiError> {
    let (_, layer) = layer(&state, &q).await?;
    let query = uri.query().unwrap_or("");
    let legend = layer.legend();
    let bounds = state
        .boundaries(layer.spec().level)
        .and_then(omzien::Boundaries::extent)
        .unwrap_or([-180.0, -85.0, 180.0, 85.0]);
    Ok(Json(TileJson {
        tilejson: "3.0.0",
        name: legend.title,
        description: state.dataset.provenance().source(),
        attribution: state.dataset.provenance().attribution(),
        tiles: vec![format!("/tiles/{{z}}/{{x}}/{{y}}.png?{query}")],
        minzoom: 0,
        maxzoom: render::MAX_ZOOM,
        bounds,
        center: [
            (bounds[0] + bounds[2]) / 2.0,
            (bounds[1] + bounds[3]) / 2.0,
            8.0,
        ],
        vector_layers: Vec::new(),
    }))
}

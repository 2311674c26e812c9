//! The router: HTTP in, core calls, HTTP out.

pub mod answers;
pub(crate) mod api;
mod health;
mod layer;
mod metrics;
pub mod openapi;
pub(crate) mod report;
pub(crate) mod tiles;
pub(crate) mod vector;

use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use api::{
    AreaQuery, AreasQuery, AtQuery, FiguresQuery, Format, FormatQuery, RiskParams, SearchQuery,
};
pub use layer::LayerQuery;
pub use tiles::{LegendFormat, LegendQuery};

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) use crate::etag::{if_none_match, strong_etag};

/// The whole application, ready for `axum::serve` or for `oneshot` in tests.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/health", get(health::health))
        .route("/metrics", get(metrics::metrics))
        .route("/tiles/{z}/{x}/{y}", get(tiles::tile))
        .route("/report/{gemeente}", get(report::report))
        .route("/legend", get(tiles::legend))
        .route("/legend.png", get(tiles::legend_png))
        .route("/tilejson", get(tiles::tilejson))
        .route("/vector/tilejson", get(vector::vector_tilejson))
        .route("/vector/style", get(vector::vector_style))
        .route("/vector/{z}/{x}/{y}", get(vector::vector_tile))
        .route("/api/indicators", get(api::indicators))
        .route("/api/waves", get(api::waves))
        .route("/api/areas", get(api::areas))
        .route("/api/areas/{code}", get(api::area))
        .route("/api/areas/{code}/summary", get(api::brief))
        .route("/api/search", get(api::search))
        .route("/api/at", get(api::at))
        .route("/api/risk", get(api::risk))
        .route("/api/figures", get(api::figures))
        .route("/api/trend", get(api::trend))
        .route("/api/compare/{code}", get(api::compare))
        .route("/api/spine/{code}", get(api::spine))
        .route("/api/funnel", get(api::funnel))
        .route("/api/summary", get(api::summary))
        .route("/api/openapi.json", get(openapi::serve))
        .route("/assets/{*path}", get(asset))
        .fallback(|| async { ApiError::NotFound("no such route".into()) })
        .layer(axum::middleware::from_fn_with_state(
            state.bulk.clone(),
            crate::bulk::watch,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.cors.clone(),
            crate::cors::layer,
        ))
        .with_state(state)
}

/// A tile answer cached by clients for an hour: 304 when the request's `If-None-Match` names
/// `etag`, else the body with its type and ETag.
pub(crate) fn cacheable_tile(
    headers: &HeaderMap,
    etag: &str,
    content_type: &'static str,
    body: axum::body::Bytes,
) -> Result<Response, crate::error::ApiError> {
    let cache = HeaderValue::from_static("public, max-age=3600");
    let tag = HeaderValue::from_str(etag).map_err(crate::error::ApiError::internal)?;
    if if_none_match(headers, etag) {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, tag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, cache),
            (header::ETAG, tag),
        ],
        body,
    )
        .into_response())
}

/// The web map (no external scripts or styles: everything comes from `/assets/`).
async fn index() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-cache")],
        axum::response::Html(crate::assets::INDEX_HTML),
    )
}

/// An embedded file of the web map, with a strong ETag.
async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(a) = crate::assets::get(&path) else {
        return ApiError::NotFound(format!("no asset {path:?}")).into_response();
    };
    let fresh = if_none_match(&headers, &a.etag);
    let etag = HeaderValue::from_str(&a.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = HeaderValue::from_static("no-cache");
    if fresh {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(a.mime)),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        a.bytes,
    )
        .into_response()
}

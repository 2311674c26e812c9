//! The router: HTTP in, core calls, HTTP out.

mod api;
mod layer;
mod tiles;

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use layer::LayerQuery;

use crate::state::AppState;

/// The whole application, ready for `axum::serve` or for `oneshot` in tests.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/health", get(health))
        .route("/tiles/{z}/{x}/{y}", get(tiles::tile))
        .route("/legend", get(tiles::legend))
        .route("/tilejson", get(tiles::tilejson))
        .route("/api/indicators", get(api::indicators))
        .route("/api/waves", get(api::waves))
        .route("/api/areas", get(api::areas))
        .route("/api/areas/{code}", get(api::area))
        .route("/api/search", get(api::search))
        .route("/api/at", get(api::at))
        .route("/api/risk", get(api::risk))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"error": "no such route", "status": 404})),
            )
        })
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

/// A first map page, served by this binary (no external scripts or styles).
async fn index() -> impl IntoResponse {
    axum::response::Html(include_str!("../../assets/index.html"))
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    axum::Json(json!({
        "status": "ok",
        "synthetic": state.dataset.is_synthetic(),
        "areas": state.dataset.len(),
        "boundaries": state.scenes.iter().map(|s| json!({"level": s.level(), "polygons": s.boundaries().shapes().len()})).collect::<Vec<_>>(),
    }))
}

//! `/health`: whether the server is up, and what it serves.

use axum::extract::State;

use crate::answer::{HealthAnswer, HealthLevel};
use crate::state::AppState;

/// Whether the server is up, and what it serves.
#[utoipa::path(get, path = "/health",
    responses((status = 200, description = "Up", body = HealthAnswer)))]
pub async fn health(State(state): State<AppState>) -> axum::Json<HealthAnswer> {
    axum::Json(HealthAnswer {
        status: "ok",
        synthetic: state.dataset.is_synthetic(),
        areas: state.dataset.len(),
        boundaries: state
            .scenes
            .iter()
            .map(|s| HealthLevel {
                level: s.level(),
                polygons: s.boundaries().shapes().len(),
            })
            .collect(),
    })
}

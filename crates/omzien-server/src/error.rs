//! `ApiError`: bad input is a 4xx with a JSON message; internal faults are logged and answered
//! with a generic 500.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request is malformed or names something unknown (400).
    #[error("{0}")]
    BadRequest(String),
    /// The resource does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// Something failed on our side (500); the detail goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 from any displayable error.
    pub fn bad(e: impl std::fmt::Display) -> Self {
        Self::BadRequest(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
            Self::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error".to_owned(),
                )
            }
        };
        (
            status,
            Json(json!({ "error": message, "status": status.as_u16() })),
        )
            .into_response()
    }
}

impl From<omzien::QueryError> for ApiError {
    fn from(e: omzien::QueryError) -> Self {
        match e {
            omzien::QueryError::UnknownArea(_) => Self::NotFound(e.to_string()),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

impl From<omzien::LayerError> for ApiError {
    fn from(e: omzien::LayerError) -> Self {
        match e {
            omzien::LayerError::Query(q) => q.into(),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

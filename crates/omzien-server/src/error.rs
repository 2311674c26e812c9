//! `ApiError`: bad input is a 4xx with a JSON message; internal faults are logged and answered
//! with a generic 500. [`Query`] gives query-string rejections the same JSON body.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::answer::ErrorBody;

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
    /// Too busy to answer now (503 with `Retry-After`).
    #[error("the server is busy: retry in {retry_after} s")]
    Busy {
        /// Seconds to wait.
        retry_after: u32,
    },
    /// Something failed on our side (500); the detail goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 400 from any displayable error.
    pub fn bad(e: impl std::fmt::Display) -> Self {
        Self::BadRequest(e.to_string())
    }

    /// A 500 from any displayable fault; the detail is logged, not answered.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    /// The HTTP status of this error.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = match &self {
            Self::Busy { retry_after } => Some(*retry_after),
            _ => None,
        };
        let error = match self {
            Self::BadRequest(m) | Self::NotFound(m) => m,
            busy @ Self::Busy { .. } => busy.to_string(),
            Self::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                "internal error".to_owned()
            }
        };
        let mut res = (
            status,
            Json(ErrorBody {
                error,
                status: status.as_u16(),
            }),
        )
            .into_response();
        if let Some(s) = retry_after {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        res
    }
}

impl ApiError {
    /// The answer to a query the data cannot serve: 404 for an area it does not have, 400
    /// otherwise, with `message`.
    fn for_query(e: &omzien::QueryError, message: String) -> Self {
        match e {
            omzien::QueryError::UnknownArea(_) => Self::NotFound(message),
            _ => Self::BadRequest(message),
        }
    }
}

impl From<omzien::QueryError> for ApiError {
    fn from(e: omzien::QueryError) -> Self {
        Self::for_query(&e, e.to_string())
    }
}

impl From<omzien::ParamError> for ApiError {
    fn from(e: omzien::ParamError) -> Self {
        Self::for_query(&e.source, e.to_string())
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

impl From<omzien::RiskError> for ApiError {
    fn from(e: omzien::RiskError) -> Self {
        match e {
            omzien::RiskError::Query(q) => q.into(),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

/// `axum`'s query extractor with its rejection answered as an [`ApiError`] (a 400 with the
/// JSON error body), like every other error (axum `examples/customize-extractor-error`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(q)| Self(q))
            .map_err(|e| ApiError::BadRequest(format!("query string: {}", e.body_text())))
    }
}

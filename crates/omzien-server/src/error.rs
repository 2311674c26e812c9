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
            omzien::QueryError::UnknownArea(_) | omzien::QueryError::NoMatch { .. } => {
                Self::NotFound(message)
            }
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

impl From<omzien::TrendError> for ApiError {
    fn from(e: omzien::TrendError) -> Self {
        match e {
            omzien::TrendError::Query(q) => q.into(),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

impl From<omzien::CompareError> for ApiError {
    fn from(e: omzien::CompareError) -> Self {
        match e {
            omzien::CompareError::Query(q) => q.into(),
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
/// JSON error body), like every other error (axum `examples/customize-extractor-error`), that
/// also refuses parameters the route does not know (`gemente=` for `gemeente=`) instead of
/// answering as if they were not given. What a route knows is its parameter types' OpenAPI
/// description, so the refusal and the contract cannot differ.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

/// Two parameter types read from one query string (`/api/figures`: the layer's and the
/// figures' own), each parameter known if either knows it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Both<A, B>(pub A, pub B);

/// A type the query string is read into: its parameters' names and how it is parsed.
pub trait QueryParams: Sized {
    /// The parameters it knows.
    fn accepted() -> Vec<String>;
    /// Parses the query string.
    ///
    /// # Errors
    /// What is wrong with a value.
    fn parse(query: &str) -> Result<Self, String>;
}

impl<T: serde::de::DeserializeOwned + utoipa::IntoParams> QueryParams for T {
    fn accepted() -> Vec<String> {
        T::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query))
            .into_iter()
            .map(|p| p.name)
            .collect()
    }
    fn parse(query: &str) -> Result<Self, String> {
        // As axum's own extractor: the error names the parameter (`limit: invalid digit …`).
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map_err(|e| e.to_string())
    }
}

impl<A: QueryParams, B: QueryParams> QueryParams for Both<A, B> {
    fn accepted() -> Vec<String> {
        let mut names = A::accepted();
        for n in B::accepted() {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names
    }
    fn parse(query: &str) -> Result<Self, String> {
        Ok(Self(A::parse(query)?, B::parse(query)?))
    }
}

/// The parameters of `query` that `accepted` does not name, in order, each once.
fn unknown_params(query: &str, accepted: &[String]) -> Vec<String> {
    let mut unknown: Vec<String> = Vec::new();
    for (k, _) in form_urlencoded::parse(query.as_bytes()) {
        if !accepted.iter().any(|a| *a == k) && !unknown.iter().any(|u| *u == k) {
            unknown.push(k.into_owned());
        }
    }
    unknown
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: QueryParams,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let accepted = T::accepted();
        let unknown = unknown_params(query, &accepted);
        if !unknown.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "unknown parameter{} {}: {} takes {}",
                if unknown.len() == 1 { "" } else { "s" },
                unknown
                    .iter()
                    .map(|u| format!("{u:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                parts.uri.path(),
                if accepted.is_empty() {
                    "no parameters".to_owned()
                } else {
                    accepted.join(", ")
                },
            )));
        }
        T::parse(query)
            .map(Self)
            .map_err(|e| ApiError::BadRequest(format!("query string: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_parameters_are_found_once_each() {
        let accepted = vec!["gemeente".to_owned(), "level".to_owned()];
        assert_eq!(
            unknown_params("gemente=GM0363&level=wijk&gemente=x&a%20b=1", &accepted),
            ["gemente", "a b"]
        );
        assert!(unknown_params("", &accepted).is_empty());
        assert!(unknown_params("level=wijk", &accepted).is_empty());
    }
}

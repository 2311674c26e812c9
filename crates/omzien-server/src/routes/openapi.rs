//! The OpenAPI 3.1 description of the HTTP API, generated from the handlers' annotations and
//! the answer types ([`crate::answer`]); served at `/api/openapi.json`.

use utoipa::OpenApi;

use axum::http::header;
use axum::response::IntoResponse;

use super::{api, health, report, tiles, vector};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "omzien",
        description = "Loneliness figures of the GGD Gezondheidsmonitor (RIVM StatLine 50090NED) per buurt, wijk and gemeente: profiles, trends, risk areas, map layers. Every error is an `ErrorBody` with a 4xx (or 500) status.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        api::indicators,
        api::waves,
        api::area,
        api::at,
        api::areas,
        api::search,
        api::risk,
        api::figures,
        api::trend,
        api::compare,
        api::brief,
        api::spine,
        api::funnel,
        api::summary,
        tiles::tile,
        tiles::legend,
        tiles::tilejson,
        vector::vector_tile,
        vector::vector_tilejson,
        vector::vector_style,
        report::report,
        health::health,
    ),
    components(schemas(
        crate::answer::ErrorBody,
        api::Format,
        tiles::LegendFormat,
        omzien::RiskMode
    ))
)]
pub struct ApiDoc;

/// The description as pretty JSON.
///
/// # Errors
/// Serialising failed (it does not for these types).
pub fn document() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json()
}

/// The OpenAPI 3.1 description of this API, generated from the answer types.
pub(super) async fn serve() -> impl IntoResponse {
    static DOC: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| document().unwrap_or_default());
    ([(header::CONTENT_TYPE, "application/json")], DOC.as_str())
}

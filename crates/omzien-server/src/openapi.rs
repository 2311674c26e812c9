//! The OpenAPI 3.1 description of the HTTP API, generated from the handlers' annotations and
//! the answer types ([`crate::answer`]); served at `/api/openapi.json`.

use utoipa::OpenApi;

use crate::routes::{api, tiles};

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
        crate::routes::vector::vector_tile,
        crate::routes::vector::vector_tilejson,
        crate::routes::report::report,
        crate::routes::health,
    ),
    components(schemas(
        crate::answer::ErrorBody,
        crate::routes::Format,
        crate::routes::LegendFormat,
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

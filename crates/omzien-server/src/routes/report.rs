//! `/report/{gemeente}.pdf`: a gemeente's report, drawn on a render slot.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use omzien::{Level, ReportQuery};
use omzien_render::{report_date, report_pdf};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::answer::ErrorBody;
use crate::error::{ApiError, Query};
use crate::state::AppState;

/// `?lang=nl|en&level=wijk|buurt&indicator=…&age=…&since=…` of a report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Language: `nl` (default) or `en`.
    pub lang: Option<String>,
    /// The areas ranked and mapped: `wijk` (default) or `buurt`.
    pub level: Option<String>,
    /// The indicator ranked and mapped (default: the four loneliness indicators, lonely first).
    pub indicator: Option<String>,
    /// The age group ranked and mapped (default: 18+ and 65+, 18+ first).
    pub age: Option<String>,
    /// The wave changes are measured from (default the first).
    pub since: Option<String>,
}

/// A gemeente's report as a PDF.
#[utoipa::path(get, path = "/report/{gemeente}",
    params(("gemeente" = String, Path, description = "Gemeente code or name, then `.pdf`: `GM0363.pdf`, `Amsterdam.pdf`"),
           ReportParams),
    responses((status = 200, description = "The report (A4 PDF)", content_type = "application/pdf"),
              (status = 400, description = "A bad parameter", body = ErrorBody),
              (status = 404, description = "No such gemeente (the error lists close matches)", body = ErrorBody),
              (status = 503, description = "Too many renders waiting: retry after `Retry-After` seconds", body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let Some(name) = file.strip_suffix(".pdf") else {
        return Err(ApiError::BadRequest(format!(
            "report {file:?} must end in .pdf"
        )));
    };
    let ds = state.dataset.clone();
    let gemeente = ds
        .resolve_gemeente(name)
        .map_err(|e| ApiError::from(omzien::ParamError::new("gemeente", e)))?;
    let lang = super::api::lang(q.lang.as_deref())?;
    let level: Level = q
        .level
        .as_deref()
        .unwrap_or("wijk")
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("level: {e}")))?;
    let mut query = ReportQuery::new(&ds, gemeente).with_level(level);
    if let Some(i) = q.indicator.as_deref() {
        let i = ds.parse_indicator(Some(i))?;
        let mut list = vec![i];
        list.extend(query.indicators.iter().copied().filter(|x| *x != i));
        query = query.with_indicators(list);
    }
    if let Some(a) = q.age.as_deref() {
        let a = ds.parse_age(Some(a))?;
        let mut list = vec![a];
        list.extend(query.ages.iter().copied().filter(|x| *x != a));
        query = query.with_ages(list);
    }
    if let Some(s) = q.since.as_deref() {
        query = query.with_since(ds.parse_wave_param("since", s)?);
    }
    let report = query
        .run(&ds)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let slot = state.render_slot().await?;
    let scenes = state.scenes.clone();
    let pdf = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let bounds = scenes
            .iter()
            .find(|s| s.level() == level)
            .map(omzien_render::Scene::boundaries);
        report_pdf(&ds, &report, bounds, lang, &report_date())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let disposition = format!("inline; filename=\"{gemeente}.pdf\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
            ),
        ],
        pdf,
    )
        .into_response())
}

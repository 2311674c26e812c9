//! `/api/compare/{code}`, `/api/areas/{code}/summary`, `/api/spine` and `/api/funnel`: an area
//! against its benchmark, as a table, a council text or a chart.

use super::*;

/// The comparison `ask` makes of the area `code` names; similar gemeenten from the population
/// layers of the boundary files, read when first asked.
fn compare_query(
    state: &AppState,
    code: &str,
    ask: &CompareAsk,
) -> Result<omzien::CompareQuery, ApiError> {
    let ds = &state.dataset;
    let area = ds
        .resolve_area(code, None)
        .map_err(|e| ApiError::from(omzien::ParamError::new("code", e)))?;
    Ok(ask.query(
        ds,
        area,
        |g| ds.similar_gemeenten(state.populations.get()?, g, omzien::SIMILAR_GEMEENTEN),
        |_| Err(omzien::CompareError::NoGroups),
    )?)
}

/// `?with=&indicator=&age=&wave=&band=&format=` of `/api/compare/{code}`: what
/// `omzien compare` takes ([`CompareAsk`]), and the form of the answer.
#[derive(Debug, Default)]
pub struct CompareParams {
    /// The question.
    pub ask: CompareAsk,
    /// The form.
    pub format: FormatQuery,
}

crate::composed_params!(CompareParams {
    ask: CompareAsk,
    format: FormatQuery,
});

/// An area against its benchmark in every indicator, at 95 % and 99.8 %, as `omzien compare`
/// gives it: higher or lower when the benchmark lies outside the area's interval, else
/// similar, read worse/better where a direction is good; without intervals, the band rule
/// (a distance, not a test), said in every row.
#[utoipa::path(get, path = "/api/compare/{code}",
    params(("code" = String, Path, description = "Area code (GM0363, WK036300, BU03630000) or name"), CompareParams),
    responses((status = 200, description = "The area against its benchmark", body = CompareAnswer),
              (status = 400, description = "A bad parameter, a benchmark the data cannot give (no national figures, similar gemeenten for a wijk or without populations)", body = ErrorBody),
              (status = 404, description = "No such area in the data (the error lists close matches)", body = ErrorBody)))]
pub async fn compare(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(p): Query<CompareParams>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let c = compare_query(state, &code, &p.ask)?.run(ds)?;
        let answer = CompareAnswer::new(ds, &c);
        encode(ds, p.format.format, &answer, &answer.rows, &answer.lead())
    })
    .await
}

/// The picture a chart route answers with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChartFormat {
    /// SVG with a title and a description (the default).
    #[default]
    Svg,
    /// PNG at twice the chart's size.
    Png,
}

/// `?format=&lang=` of the chart routes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChartQuery {
    /// `svg` (default) or `png`.
    #[param(value_type = Option<String>)]
    pub format: Option<ChartFormat>,
    /// Language of the labels: `nl` (default) or `en`.
    pub lang: Option<String>,
}

impl ChartQuery {
    /// The chart encoded as asked.
    fn encode(&self, chart: &omzien_render::Chart) -> Result<Encoded, ApiError> {
        let (body, content_type) = match self.format.unwrap_or_default() {
            ChartFormat::Svg => (chart.svg().into_bytes(), "image/svg+xml; charset=utf-8"),
            ChartFormat::Png => (chart.png(2).map_err(ApiError::internal)?, "image/png"),
        };
        Ok(Encoded {
            body,
            content_type,
            headers: Vec::new(),
        })
    }

    fn lang(&self) -> Result<omzien_render::Lang, ApiError> {
        lang(self.lang.as_deref())
    }
}

/// `?lang=`: `nl` (the default) or `en`, else 400 naming the parameter.
pub(crate) fn lang(given: Option<&str>) -> Result<omzien_render::Lang, ApiError> {
    given
        .unwrap_or("nl")
        .parse()
        .map_err(|e: omzien_render::LangError| ApiError::BadRequest(format!("lang: {e}")))
}

/// The text a summary route answers with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BriefFormat {
    /// A whole HTML page (the default: what the map's card links to).
    #[default]
    Html,
    /// Markdown.
    Md,
    /// Plain text.
    Txt,
    /// The statements and the sentences ([`BriefAnswer`]).
    Json,
}

/// `?lang=&format=&indicator=&level=` of `/api/areas/{gemeente}/summary`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BriefQuery {
    /// Language: `nl` (default) or `en`.
    pub lang: Option<String>,
    /// `html` (default), `md`, `txt` or `json`.
    #[param(value_type = Option<String>)]
    pub format: Option<BriefFormat>,
    /// The indicator (key or label; default the lonely indicator).
    pub indicator: Option<String>,
    /// The areas counted and named: `wijk` (default) or `buurt`.
    pub level: Option<String>,
}

/// A gemeente's council summary in words, as `omzien brief` writes it: its level beside the
/// Netherlands, its changes, 65+, the wijken that are high or rising, the highest and lowest,
/// related factors and what to keep in mind, each verdict's rule in a note.
#[utoipa::path(get, path = "/api/areas/{code}/summary",
    params(("code" = String, Path, description = "Gemeente code (GM0363) or name"), BriefQuery),
    responses((status = 200, description = "The summary (HTML, Markdown, text, or JSON with its statements)", body = BriefAnswer, content_type = "application/json"),
              (status = 400, description = "A bad parameter", body = ErrorBody),
              (status = 404, description = "No such gemeente in the data (the error lists close matches)", body = ErrorBody)))]
pub async fn brief(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(p): Query<BriefQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let lang = lang(p.lang.as_deref())?;
        let g = ds
            .resolve_gemeente(&code)
            .map_err(|e| ApiError::from(omzien::ParamError::new("code", e)))?;
        let mut q =
            omzien::SummaryQuery::new(ds, g).with_level(level(p.level.as_deref(), Level::Wijk)?);
        if p.indicator.is_some() {
            q = q.with_indicator(ds.parse_indicator(p.indicator.as_deref())?);
        }
        let summary = q.run(ds)?;
        let words = omzien_render::brief(ds, &summary, lang);
        let (body, content_type) = match p.format.unwrap_or_default() {
            BriefFormat::Html => (words.html(lang).into_bytes(), "text/html; charset=utf-8"),
            BriefFormat::Md => (
                words.markdown().into_bytes(),
                "text/markdown; charset=utf-8",
            ),
            BriefFormat::Txt => (words.text().into_bytes(), "text/plain; charset=utf-8"),
            BriefFormat::Json => (
                serde_json::to_vec(&BriefAnswer::new(ds, &summary, &words))
                    .map_err(ApiError::internal)?,
                "application/json",
            ),
        };
        Ok(Encoded {
            body,
            content_type,
            headers: Vec::new(),
        })
    })
    .await
}

/// `/api/spine/{code}`: what `omzien spine` takes.
#[derive(Debug, Default)]
pub struct SpineParams {
    /// The comparison.
    pub ask: CompareAsk,
    /// The picture.
    pub chart: ChartQuery,
}

crate::composed_params!(SpineParams {
    ask: CompareAsk,
    chart: ChartQuery,
});

/// An area's spine chart, as `omzien spine` draws it: every indicator against the spread over
/// all areas of its level and the benchmark, the dot coloured by its verdict.
#[utoipa::path(get, path = "/api/spine/{code}",
    params(("code" = String, Path, description = "Area code or name"), SpineParams),
    responses((status = 200, description = "The chart (SVG or PNG)", content_type = "image/svg+xml"),
              (status = 400, description = "A bad parameter or a benchmark the data cannot give", body = ErrorBody),
              (status = 404, description = "No such area in the data", body = ErrorBody)))]
pub async fn spine(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(p): Query<SpineParams>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let lang = p.chart.lang()?;
        let spine = compare_query(state, &code, &p.ask)?.spine(ds)?;
        p.chart
            .encode(&omzien_render::spine_chart(ds, &spine, lang))
    })
    .await
}

/// `/api/funnel`: what `omzien funnel` takes.
#[derive(Debug, Default)]
pub struct FunnelParams {
    /// The gemeente whose areas are plotted (all areas of the level without).
    pub gemeente: GemeenteParam,
    /// What is plotted.
    pub ask: FunnelAsk,
    /// The picture.
    pub chart: ChartQuery,
}

crate::composed_params!(FunnelParams {
    gemeente: GemeenteParam,
    ask: FunnelAsk,
    chart: ChartQuery,
});

/// A funnel plot, as `omzien funnel` draws it: areas by precision against the benchmark's
/// 95 % and 99.8 % control limits, those outside named. Needs figures with intervals.
#[utoipa::path(get, path = "/api/funnel", params(FunnelParams),
    responses((status = 200, description = "The plot (SVG or PNG)", content_type = "image/svg+xml"),
              (status = 400, description = "A bad parameter, or figures without intervals", body = ErrorBody),
              (status = 404, description = "No such gemeente", body = ErrorBody)))]
pub async fn funnel(
    State(state): State<AppState>,
    Query(p): Query<FunnelParams>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&state, &uri, &headers, move |state| {
        let ds = &state.dataset;
        let lang = p.chart.lang()?;
        let q = p.ask.query(ds, p.gemeente.gemeente(ds)?)?;
        let f = q.run(ds)?;
        p.chart.encode(&omzien_render::funnel_chart(ds, &f, lang))
    })
    .await
}

//! The parameters the command line and the HTTP API share, each group defined once: the same
//! struct is a clap argument group (`#[command(flatten)]`) and a query-string type (serde,
//! with its OpenAPI description from utoipa), so a parameter has one name, one help text and
//! one parser (the core's) on both edges. A route or command composes the groups it takes
//! ([`composed_params!`](crate::composed_params)).

use omzien::{AgeGroup, Dataset, GemeenteCode, Indicator, Level, ParamError, QueryError, Wave};
use serde::Deserialize;
use utoipa::IntoParams;

/// What is measured: an indicator and an age group.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Measure {
    /// Indicator: OData key (`Eenzaam_28`) or label in Dutch or English (`omzien indicators`
    /// lists them); default the lonely indicator.
    #[arg(long, short = 'i')]
    pub indicator: Option<String>,
    /// Age group: 18+, 18-64, 65+ (also 18plus, 65plus), a label or a CBS code; default 18+.
    #[arg(long, short = 'a')]
    pub age: Option<String>,
}

impl Measure {
    /// The indicator asked for, or the lonely indicator.
    ///
    /// # Errors
    /// [`ParamError`] (`indicator`) for a name the data does not hold.
    pub fn indicator(&self, ds: &Dataset) -> Result<Indicator, ParamError> {
        ds.parse_indicator(self.indicator.as_deref())
    }

    /// The age group asked for, or the default (18+).
    ///
    /// # Errors
    /// [`ParamError`] (`age`) for an age group the data does not hold.
    pub fn age(&self, ds: &Dataset) -> Result<AgeGroup, ParamError> {
        ds.parse_age(self.age.as_deref())
    }
}

/// One wave.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WaveParam {
    /// Wave: a survey year or latest; default the latest.
    #[arg(long)]
    pub wave: Option<String>,
}

impl WaveParam {
    /// The wave asked for, or the latest.
    ///
    /// # Errors
    /// [`ParamError`] (`wave`) for a wave the data does not hold.
    pub fn wave(&self, ds: &Dataset) -> Result<Wave, ParamError> {
        ds.parse_wave_or_latest("wave", self.wave.as_deref())
    }

    /// The indicator, age group and wave of `measure` and this wave.
    ///
    /// # Errors
    /// [`ParamError`] naming the first parameter the data cannot use.
    pub fn selection(
        &self,
        ds: &Dataset,
        measure: &Measure,
    ) -> Result<omzien::Selection, ParamError> {
        ds.parse_selection(
            measure.indicator.as_deref(),
            measure.age.as_deref(),
            self.wave.as_deref(),
        )
    }
}

/// A change between two waves.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Change {
    /// First wave of the change (a survey year).
    #[arg(long)]
    pub from: Option<String>,
    /// Second wave of the change, after the first (a survey year or latest).
    #[arg(long)]
    pub to: Option<String>,
}

impl Change {
    /// The two waves, both required.
    ///
    /// # Errors
    /// [`ParamError`] naming `from` or `to` when one is missing, not in the data, or the
    /// waves are out of order.
    pub fn required(&self, ds: &Dataset) -> Result<(Wave, Wave), ParamError> {
        let missing = |param: &'static str, which: &str| {
            ParamError::new(
                param,
                QueryError::Invalid(format!(
                    "give the {which} wave of the change (a year, or latest for the latest)"
                )),
            )
        };
        let from = self
            .from
            .as_deref()
            .ok_or_else(|| missing("from", "first"))?;
        let to = self.to.as_deref().ok_or_else(|| missing("to", "second"))?;
        ds.parse_change(("from", from), ("to", to))
    }

    /// The two waves, or none when neither is given.
    ///
    /// # Errors
    /// As [`Change::required`], and when only one of the two is given.
    pub fn optional(&self, ds: &Dataset) -> Result<Option<(Wave, Wave)>, ParamError> {
        match (&self.from, &self.to) {
            (None, None) => Ok(None),
            (Some(_), Some(_)) => self.required(ds).map(Some),
            (Some(_), None) | (None, Some(_)) => Err(ParamError::new(
                if self.from.is_some() { "to" } else { "from" },
                QueryError::Invalid("a change needs both from and to".to_owned()),
            )),
        }
    }
}

/// The level of the areas.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LevelParam {
    /// Level of the areas: gemeente, wijk or buurt (also the plurals, and municipality,
    /// district, neighbourhood); default buurt for risk lists, else gemeente.
    #[arg(long, short = 'l')]
    pub level: Option<String>,
}

impl LevelParam {
    /// The level asked for, or `default`.
    ///
    /// # Errors
    /// [`ParamError`] (`level`) for text that names no level.
    pub fn level(&self, default: Level) -> Result<Level, ParamError> {
        parse_level(self.level.as_deref(), default)
    }
}

/// The gemeente the areas lie in.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GemeenteParam {
    /// Only areas within this gemeente: a code (GM0363) or a name (Amsterdam, den haag).
    #[arg(long, short = 'g')]
    pub gemeente: Option<String>,
}

impl GemeenteParam {
    /// The gemeente asked for, if any ([`Dataset::resolve_gemeente`]).
    ///
    /// # Errors
    /// [`ParamError`] (`gemeente`) for a name or code that is not one gemeente of the data.
    pub fn gemeente(&self, ds: &Dataset) -> Result<Option<GemeenteCode>, ParamError> {
        self.gemeente
            .as_deref()
            .map(|g| {
                ds.resolve_gemeente(g)
                    .map_err(|e| ParamError::new("gemeente", e))
            })
            .transpose()
    }
}

/// A level given as text, or `default`.
///
/// # Errors
/// [`ParamError`] (`level`) for text that names no level.
pub fn parse_level(s: Option<&str>, default: Level) -> Result<Level, ParamError> {
    s.map_or(Ok(default), |s| {
        s.parse::<Level>()
            .map_err(|e| ParamError::new("level", QueryError::Invalid(e.to_string())))
    })
}

/// Implements the query-string reading ([`QueryParams`](crate::error::QueryParams)) and the
/// OpenAPI parameters ([`utoipa::IntoParams`]) of a struct made of parameter groups, each
/// field read from the whole query string: a route's parameters are the union of its groups'.
#[macro_export]
macro_rules! composed_params {
    ($name:ident { $($field:ident : $ty:ty),+ $(,)? }) => {
        impl $crate::error::QueryParams for $name {
            fn accepted() -> Vec<String> {
                let mut names: Vec<String> = Vec::new();
                $(
                    for n in <$ty as $crate::error::QueryParams>::accepted() {
                        if !names.contains(&n) {
                            names.push(n);
                        }
                    }
                )+
                names
            }
            fn parse(query: &str) -> Result<Self, String> {
                Ok(Self {
                    $($field: <$ty as $crate::error::QueryParams>::parse(query)?,)+
                })
            }
        }
        impl utoipa::IntoParams for $name {
            fn into_params(
                parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
            ) -> Vec<utoipa::openapi::path::Parameter> {
                let mut all = Vec::new();
                $( all.extend(<$ty as utoipa::IntoParams>::into_params(&parameter_in_provider)); )+
                all
            }
        }
    };
}

/// How a risk list is drawn up: the earlier wave, the mode and its thresholds, the length.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskRule {
    /// Earlier wave rises are measured from (default the one before the wave ranked).
    #[arg(long)]
    pub since: Option<String>,
    /// high (the top share), rising (risen more than min_rise) or both (default both).
    #[arg(long)]
    #[param(value_type = Option<String>)]
    pub mode: Option<omzien::RiskMode>,
    /// Share (0–1) of the areas that counts as high (default 0.1).
    #[arg(long)]
    pub top: Option<f64>,
    /// Rise in percentage points beyond the reference's that counts (default 3).
    #[arg(long)]
    pub min_rise: Option<f64>,
    /// What a rise is measured against: national (the country's change), gemeente (the area's
    /// gemeente's change) or none (the area's own change); default the country where the data
    /// has it, else the gemeente (the answer says which).
    #[arg(long)]
    #[param(value_type = Option<String>)]
    pub against: Option<omzien::RiseReference>,
    /// The least number of areas with a figure in scope for "high" to apply (default 10).
    #[arg(long)]
    pub min_areas: Option<usize>,
    /// How marks are decided: rules (by the point values, default) or probability (the
    /// probability, from the 95 % intervals by Monte Carlo, that an area is truly in the top
    /// share or truly rose beyond the reference; needs figures with intervals).
    #[arg(long)]
    #[param(value_type = Option<String>)]
    pub by: Option<omzien::RiskBy>,
    /// With by probability: the least probability (0–1) that marks an area (default 0.8).
    #[arg(long)]
    pub min_prob: Option<f64>,
    /// At most this many rows (default all; the answer's total and truncated say whether it
    /// cut).
    #[arg(long)]
    pub limit: Option<usize>,
}

/// A risk list asked for: everything `omzien risk` and `/api/risk` take.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RiskAsk {
    /// Indicator and age group.
    #[command(flatten)]
    pub measure: Measure,
    /// The wave ranked.
    #[command(flatten)]
    pub wave: WaveParam,
    /// Level of the areas ranked (default buurt).
    #[command(flatten)]
    pub level: LevelParam,
    /// Only within this gemeente.
    #[command(flatten)]
    pub gemeente: GemeenteParam,
    /// The rule.
    #[command(flatten)]
    pub rule: RiskRule,
}

crate::composed_params!(RiskAsk {
    measure: Measure,
    wave: WaveParam,
    level: LevelParam,
    gemeente: GemeenteParam,
    rule: RiskRule,
});

impl RiskAsk {
    /// The core's query.
    ///
    /// # Errors
    /// [`ParamError`] naming the first parameter the data cannot use.
    pub fn query(&self, ds: &Dataset) -> Result<omzien::RiskQuery, ParamError> {
        use omzien::RiskQuery;
        let s = self.wave.selection(ds, &self.measure)?;
        let r = &self.rule;
        let mut q = RiskQuery::new(self.level.level(Level::Buurt)?, s.indicator, s.wave)
            .with_age(s.age)
            .with_mode(r.mode.unwrap_or_default())
            .with_top_share(r.top.unwrap_or(RiskQuery::DEFAULT_TOP_SHARE))
            .with_min_rise(r.min_rise.unwrap_or(RiskQuery::DEFAULT_MIN_RISE))
            .with_reference(r.against.unwrap_or_default())
            .with_min_areas(r.min_areas.unwrap_or(RiskQuery::DEFAULT_MIN_AREAS));
        match (r.by.unwrap_or_default(), r.min_prob) {
            (omzien::RiskBy::Probability, p) => {
                let p = p.unwrap_or(RiskQuery::DEFAULT_MIN_PROB);
                if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                    return Err(ParamError::new(
                        "min_prob",
                        QueryError::Invalid(format!("{p} is not a probability between 0 and 1")),
                    ));
                }
                q = q.by_probability(p);
            }
            (omzien::RiskBy::Rules, Some(_)) => {
                return Err(ParamError::new(
                    "min_prob",
                    QueryError::Invalid(
                        "applies when marks are decided by probability: add by probability"
                            .to_owned(),
                    ),
                ));
            }
            _ => {}
        }
        if let Some(g) = self.gemeente.gemeente(ds)? {
            q = q.with_gemeente(g);
        }
        if let Some(since) = &r.since {
            q = q.with_since(ds.parse_wave_param("since", since)?);
        }
        Ok(q)
    }
}

/// The band a trend's direction is judged by.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BandParam {
    /// Changes within ± this many percentage points are stable (default 2).
    #[arg(long)]
    pub band: Option<f64>,
}

/// A trend asked for: everything `omzien trend` and `/api/trend` take.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TrendAsk {
    /// Indicator and age group.
    #[command(flatten)]
    pub measure: Measure,
    /// The two waves (required).
    #[command(flatten)]
    pub change: Change,
    /// Level of the areas (default gemeente).
    #[command(flatten)]
    pub level: LevelParam,
    /// Only within this gemeente.
    #[command(flatten)]
    pub gemeente: GemeenteParam,
    /// The band.
    #[command(flatten)]
    pub band: BandParam,
}

crate::composed_params!(TrendAsk {
    measure: Measure,
    change: Change,
    level: LevelParam,
    gemeente: GemeenteParam,
    band: BandParam,
});

impl TrendAsk {
    /// The core's query.
    ///
    /// # Errors
    /// [`ParamError`] naming the first parameter the data cannot use, or `band` when it is
    /// not a finite, non-negative number.
    pub fn query(&self, ds: &Dataset) -> Result<omzien::TrendQuery, ParamError> {
        let (from, to) = self.change.required(ds)?;
        let band = band_or(self.band.band, omzien::TrendQuery::DEFAULT_BAND)?;
        let mut q = omzien::TrendQuery::new(self.measure.indicator(ds)?, from, to)
            .with_age(self.measure.age(ds)?)
            .with_level(self.level.level(Level::Gemeente)?)
            .with_band(band);
        if let Some(g) = self.gemeente.gemeente(ds)? {
            q = q.with_gemeente(g);
        }
        Ok(q)
    }
}

/// A band of percentage points as given, or `default`.
///
/// # Errors
/// [`ParamError`] (`band`) when it is not a finite, non-negative number.
fn band_or(band: Option<f64>, default: f64) -> Result<f64, ParamError> {
    let band = band.unwrap_or(default);
    if band.is_finite() && band >= 0.0 {
        Ok(band)
    } else {
        Err(ParamError::new(
            "band",
            QueryError::Invalid(format!("{band} is not a number of percentage points ≥ 0")),
        ))
    }
}

/// What an area is compared with, and in what (`omzien compare`, `/api/compare/{code}`).
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareWith {
    /// Benchmark: `nl` (the Netherlands, default), `gemeente` (the area's own), `similar` (for
    /// a gemeente: the mean of the 15 gemeenten most like it in population, share 65+,
    /// household size and urbanity, from the gemeente layer's properties), `group` (the
    /// area's group in the command line's `--groups` file) or `group:NAME`, or another area's
    /// code or name.
    #[arg(long = "with", short = 'w', value_name = "BENCHMARK")]
    pub with: Option<String>,
    /// Only this indicator: OData key or label (default every indicator the data has).
    #[arg(long, short = 'i')]
    pub indicator: Option<String>,
    /// Age group: 18+, 18-64, 65+ (also 18plus, 65plus), a label or a CBS code; default 18+.
    #[arg(long, short = 'a')]
    pub age: Option<String>,
    /// Where a figure has no interval, a difference within ± this many percentage points is
    /// similar (default 2; a distance, not a test).
    #[arg(long)]
    pub band: Option<f64>,
}

/// A comparison asked for: everything `omzien compare` and `/api/compare/{code}` take.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CompareAsk {
    /// The benchmark, indicator, age group and band.
    #[command(flatten)]
    pub with: CompareWith,
    /// The wave (default the latest).
    #[command(flatten)]
    pub wave: WaveParam,
}

crate::composed_params!(CompareAsk {
    with: CompareWith,
    wave: WaveParam,
});

pub use omzien::BenchmarkChoice;

/// The benchmark a `with` names (`nl` when none is given), for `compare`, `spine` and
/// `funnel` alike ([`BenchmarkChoice::parse`]).
///
/// # Errors
/// [`ParamError`] (`with`) for text that names no benchmark or area of the data.
pub fn parse_benchmark(ds: &Dataset, with: Option<&str>) -> Result<BenchmarkChoice, ParamError> {
    BenchmarkChoice::parse(ds, with).map_err(|e| ParamError::new("with", e))
}

impl CompareAsk {
    /// The benchmark asked for (`nl` when none is given).
    ///
    /// # Errors
    /// [`ParamError`] (`with`) for text that names no benchmark or area of the data.
    pub fn benchmark(&self, ds: &Dataset) -> Result<BenchmarkChoice, ParamError> {
        parse_benchmark(ds, self.with.with.as_deref())
    }

    /// The core's query for `area`; `similar` finds the gemeenten like one when the
    /// benchmark is [`BenchmarkChoice::Similar`], `group` the group a name (or, without one,
    /// the area) belongs to when it is [`BenchmarkChoice::Group`].
    ///
    /// # Errors
    /// [`ParamError`] naming the first parameter the data cannot use (`with` for similar
    /// gemeenten or a group that cannot be found).
    pub fn query(
        &self,
        ds: &Dataset,
        area: omzien::AreaCode,
        similar: impl FnOnce(GemeenteCode) -> Result<omzien::SimilarGemeenten, omzien::SimilarError>,
        group: impl FnOnce(Option<&str>) -> Result<omzien::AreaGroup, omzien::CompareError>,
    ) -> Result<omzien::CompareQuery, ParamError> {
        let benchmark = self
            .benchmark(ds)?
            .benchmark(area, similar, group)
            .map_err(|e| ParamError::new("with", QueryError::Invalid(e.to_string())))?;
        let indicators = match self.with.indicator.as_deref() {
            Some(i) => vec![ds.parse_indicator(Some(i))?],
            None => Vec::new(),
        };
        Ok(
            omzien::CompareQuery::new(area, benchmark, self.wave.wave(ds)?)
                .with_indicators(indicators)
                .with_age(ds.parse_age(self.with.age.as_deref())?)
                .with_band(band_or(self.with.band, omzien::CompareQuery::DEFAULT_BAND)?),
        )
    }
}

/// What a funnel plot compares: the level of the areas and the benchmark.
#[derive(Debug, Clone, Default, clap::Args, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelWith {
    /// Level of the areas plotted: wijk (default within a gemeente), buurt or gemeente
    /// (default without one).
    #[arg(long)]
    pub level: Option<String>,
    /// Benchmark: `nl` (default), `gemeente` (within a gemeente) or an area's code or name.
    #[arg(long = "with", short = 'w', value_name = "BENCHMARK")]
    pub with: Option<String>,
}

/// A funnel plot asked for: everything `omzien funnel` and `/api/funnel` take beside the
/// gemeente.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FunnelAsk {
    /// Indicator and age group.
    #[command(flatten)]
    pub measure: Measure,
    /// The wave.
    #[command(flatten)]
    pub wave: WaveParam,
    /// Level and benchmark.
    #[command(flatten)]
    pub with: FunnelWith,
}

crate::composed_params!(FunnelAsk {
    measure: Measure,
    wave: WaveParam,
    with: FunnelWith,
});

impl FunnelAsk {
    /// The core's query for the areas within `within` (or all of the level).
    ///
    /// # Errors
    /// [`ParamError`] naming the first parameter the data cannot use.
    pub fn query(
        &self,
        ds: &Dataset,
        within: Option<GemeenteCode>,
    ) -> Result<omzien::FunnelQuery, ParamError> {
        let default_level = if within.is_some() {
            Level::Wijk
        } else {
            Level::Gemeente
        };
        let level = parse_level(self.with.level.as_deref(), default_level)?;
        let s = self.wave.selection(ds, &self.measure)?;
        let benchmark = match parse_benchmark(ds, self.with.with.as_deref())? {
            BenchmarkChoice::National => omzien::Benchmark::National,
            BenchmarkChoice::Gemeente => omzien::Benchmark::Gemeente,
            BenchmarkChoice::Area(code) => omzien::Benchmark::Area(code),
            // A funnel compares every area with one figure, not each with its own neighbours.
            BenchmarkChoice::Similar | BenchmarkChoice::Group(_) => {
                let e = omzien::CompareError::FunnelBenchmark;
                return Err(ParamError::new("with", QueryError::Invalid(e.to_string())));
            }
        };
        let mut q = omzien::FunnelQuery::new(level, s.wave)
            .with_measure(s.indicator, s.age)
            .with_benchmark(benchmark);
        if let Some(g) = within {
            q = q.within(g);
        }
        Ok(q)
    }
}

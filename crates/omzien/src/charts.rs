//! What the comparison charts show, as data: the spine chart (an area's indicators against the
//! spread of all areas of its level and the benchmark) and the funnel plot (areas by precision
//! against the benchmark's 95 % and 99.8 % control limits). Drawing them is `omzien-render`'s.

use serde::Serialize;

use crate::{
    AgeGroup, AreaCode, Benchmark, BenchmarkRow, CompareError, CompareQuery, Confidence, Dataset,
    GemeenteCode, Indicator, Level, Verdict, Wave, quantile, wilson,
};

/// The spread of an indicator over every area of a level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Spread {
    /// Lowest value.
    pub min: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Highest value.
    pub max: f64,
    /// Areas with a value.
    pub areas: usize,
}

/// One indicator of a spine chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SpineRow {
    /// The comparison with the benchmark.
    pub row: BenchmarkRow,
    /// The spread over every area of the level, where any has a value.
    pub spread: Option<Spread>,
}

/// An area's spine chart: every indicator against the spread of its level and the benchmark.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Spine {
    /// The area.
    pub area: AreaCode,
    /// Its level, whose areas give the spread.
    pub level: Level,
    /// The wave.
    pub wave: Wave,
    /// The age group.
    pub age: AgeGroup,
    /// `national`, `gemeente`, `area`, `group` or `similar`.
    pub benchmark_kind: &'static str,
    /// The benchmark area, if one.
    pub benchmark_area: Option<AreaCode>,
    /// The group, where it is the benchmark.
    pub group: Option<crate::GroupInfo>,
    /// One row per indicator with a value for the area.
    pub rows: Vec<SpineRow>,
}

impl CompareQuery {
    /// The spine chart of a comparison ([`CompareQuery::run`]): each indicator's verdict
    /// with the spread (minimum, quartiles, maximum) over every area of the area's level.
    ///
    /// ```
    /// use omzien::{Benchmark, CompareQuery};
    /// let ds = omzien::demo::dataset();
    /// let wave = *ds.waves().last().unwrap();
    /// let wijk = ds.areas(omzien::Level::Wijk, None)[0];
    /// let s = CompareQuery::new(wijk, Benchmark::Gemeente, wave).spine(&ds)?;
    /// let sp = s.rows[0].spread.unwrap();
    /// assert!(sp.min <= sp.q1 && sp.q1 <= sp.median && sp.median <= sp.q3 && sp.q3 <= sp.max);
    /// # Ok::<(), omzien::CompareError>(())
    /// ```
    ///
    /// # Errors
    /// As [`CompareQuery::run`].
    pub fn spine(&self, ds: &Dataset) -> Result<Spine, CompareError> {
        let q = self;
        let c = (*q).run(ds)?;
        let level = q.area.level();
        let mut rows = Vec::with_capacity(c.rows.len());
        for row in c.rows {
            if row.value.value().is_none() {
                continue;
            }
            let mut values: Vec<f64> = ds
                .level_figures(level, row.indicator, q.wave, q.age)?
                .into_iter()
                .filter_map(|(_, f)| f.value())
                .collect();
            values.sort_by(f64::total_cmp);
            let spread = match (values.first(), values.last()) {
                (Some(&min), Some(&max)) => Some(Spread {
                    min,
                    q1: quantile(&values, 0.25).unwrap_or(min),
                    median: quantile(&values, 0.5).unwrap_or(min),
                    q3: quantile(&values, 0.75).unwrap_or(max),
                    max,
                    areas: values.len(),
                }),
                _ => None,
            };
            rows.push(SpineRow { row, spread });
        }
        Ok(Spine {
            area: q.area,
            level,
            wave: q.wave,
            age: q.age,
            benchmark_kind: c.benchmark_kind,
            benchmark_area: c.benchmark_area,
            group: c.group.clone(),
            rows,
        })
    }
}

/// A funnel plot asked for: the areas of a level (within a gemeente, or all), one indicator.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FunnelQuery {
    /// The level of the areas plotted.
    pub level: Level,
    /// Only the areas within this gemeente.
    pub within: Option<GemeenteCode>,
    /// The indicator.
    pub indicator: Indicator,
    /// The age group.
    pub age: AgeGroup,
    /// The wave.
    pub wave: Wave,
    /// The benchmark: the Netherlands, the gemeente (with `within`) or another area.
    pub benchmark: Benchmark,
}

impl FunnelQuery {
    /// The funnel of the `level` areas for the lonely indicator, 18+, in `wave`, against the
    /// Netherlands.
    #[must_use]
    pub fn new(level: Level, wave: Wave) -> Self {
        Self {
            level,
            within: None,
            indicator: Indicator::LONELY,
            age: AgeGroup::ADULTS,
            wave,
            benchmark: Benchmark::National,
        }
    }
    /// Only the areas within a gemeente.
    #[must_use]
    pub fn within(mut self, g: GemeenteCode) -> Self {
        self.within = Some(g);
        self
    }
    /// Another indicator and age group.
    #[must_use]
    pub fn with_measure(mut self, indicator: Indicator, age: AgeGroup) -> Self {
        self.indicator = indicator;
        self.age = age;
        self
    }
    /// Another benchmark.
    #[must_use]
    pub fn with_benchmark(mut self, b: Benchmark) -> Self {
        self.benchmark = b;
        self
    }
}

/// One area of a funnel plot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FunnelPoint {
    /// The area.
    pub area: AreaCode,
    /// Its value, percent.
    pub value: f64,
    /// Its precision as an effective number of respondents: p(1 − p) / SE², the standard
    /// error from its 95 % interval (half its width over 1.96).
    pub effective_n: f64,
    /// Above, within or below the 95 % control limits at its precision.
    pub verdict_95: Verdict,
    /// The same for the 99.8 % limits.
    pub verdict_998: Verdict,
}

/// The control limits at one precision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FunnelLimit {
    /// Effective n.
    pub n: f64,
    /// 95 % limits (percent).
    pub p95: (f64, f64),
    /// 99.8 % limits (percent).
    pub p998: (f64, f64),
}

/// A funnel plot: the benchmark, its control limits over the range of precision plotted, and
/// the areas.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Funnel {
    /// The level plotted.
    pub level: Level,
    /// Within this gemeente, if one.
    pub within: Option<GemeenteCode>,
    /// The indicator.
    pub indicator: Indicator,
    /// The age group.
    pub age: AgeGroup,
    /// The wave.
    pub wave: Wave,
    /// The benchmark area.
    pub benchmark_area: AreaCode,
    /// Its value, percent.
    pub benchmark: f64,
    /// The areas with a value and an interval, in code order.
    pub points: Vec<FunnelPoint>,
    /// Areas with a value but no interval: no precision, not plotted.
    pub without_interval: usize,
    /// The limits at 60 precisions from below the least precise area to beyond the most.
    pub limits: Vec<FunnelLimit>,
}

/// The 95 % and 99.8 % control limits around a benchmark share `p` (percent) at effective n:
/// the Wilson intervals, what `statsmodels`' `proportion_confint(p·n, n, method="wilson")`
/// gives.
///
/// ```
/// let l = omzien::funnel_limit(47.0, 400.0);
/// assert!(l.p998.0 < l.p95.0 && l.p95.0 < 47.0 && 47.0 < l.p95.1 && l.p95.1 < l.p998.1);
/// ```
#[must_use]
pub fn funnel_limit(p: f64, n: f64) -> FunnelLimit {
    let at = |level| {
        let (lo, hi) = wilson(p / 100.0, n, level);
        (100.0 * lo, 100.0 * hi)
    };
    FunnelLimit {
        n,
        p95: at(Confidence::P95),
        p998: at(Confidence::P998),
    }
}

impl FunnelQuery {
    /// The funnel plot of a level's areas against a benchmark: each area's precision from its
    /// 95 % interval, the benchmark's control limits (Wilson) at 95 % and 99.8 %, and which
    /// areas lie outside them.
    ///
    /// # Errors
    /// [`CompareError::NoIntervals`] when no area has an interval (the national 50090NED
    /// files publish none: there is no precision to plot), else as [`CompareQuery::run`]
    /// for the benchmark.
    pub fn run(&self, ds: &Dataset) -> Result<Funnel, CompareError> {
        let q = self;
        let benchmark_area = match (&q.benchmark, q.within) {
            (Benchmark::National, _) => ds.national().ok_or(CompareError::NoNational)?,
            (Benchmark::Gemeente, Some(g)) => AreaCode::Gemeente(g),
            (Benchmark::Area(a), _) => *a,
            (Benchmark::Gemeente, None) | (Benchmark::Similar(_) | Benchmark::Group(_), _) => {
                return Err(CompareError::FunnelBenchmark);
            }
        };
        let Some(benchmark) = ds
            .figure(benchmark_area, q.indicator, q.wave, q.age)?
            .value()
        else {
            return Err(CompareError::NoBenchmarkValue(benchmark_area));
        };
        let mut points = Vec::new();
        let mut without_interval = 0;
        for (area, f) in ds.level_figures(q.level, q.indicator, q.wave, q.age)? {
            if q.within.is_some_and(|g| area.gemeente() != Some(g)) {
                continue;
            }
            let Some(v) = f.value() else { continue };
            let Some((lo, hi)) = ds.interval(area, q.indicator, q.wave, q.age)? else {
                without_interval += 1;
                continue;
            };
            let se = (hi - lo) / (2.0 * crate::Z95) / 100.0;
            let p = v / 100.0;
            if se <= 0.0 || p <= 0.0 || p >= 1.0 {
                without_interval += 1;
                continue;
            }
            let n = p * (1.0 - p) / (se * se);
            let l = funnel_limit(benchmark, n);
            let verdict = |(lo, hi): (f64, f64)| {
                if v > hi {
                    Verdict::Higher
                } else if v < lo {
                    Verdict::Lower
                } else {
                    Verdict::Similar
                }
            };
            points.push(FunnelPoint {
                area,
                value: v,
                effective_n: n,
                verdict_95: verdict(l.p95),
                verdict_998: verdict(l.p998),
            });
        }
        if points.is_empty() {
            return Err(CompareError::NoIntervals {
                what: format!(
                    "the {}s{} for {} in {}",
                    q.level,
                    q.within.map(|g| format!(" of {g}")).unwrap_or_default(),
                    q.indicator,
                    q.wave
                ),
            });
        }
        let (lo_n, hi_n) = points.iter().fold((f64::MAX, 0.0f64), |(a, b), p| {
            (a.min(p.effective_n), b.max(p.effective_n))
        });
        let (from, to) = ((lo_n * 0.8).max(1.0).ln(), (hi_n * 1.2).max(2.0).ln());
        let limits = (0..60)
            .map(|i| funnel_limit(benchmark, (from + (to - from) * f64::from(i) / 59.0).exp()))
            .collect();
        Ok(Funnel {
            level: q.level,
            within: q.within,
            indicator: q.indicator,
            age: q.age,
            wave: q.wave,
            benchmark_area,
            benchmark,
            points,
            without_interval,
            limits,
        })
    }
}

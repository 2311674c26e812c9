//! Comparisons with a benchmark as Public Health England's Fingertips makes them, at 95 % and
//! 99.8 %: an area is higher or lower than its benchmark when the benchmark's value lies
//! outside the area's interval, otherwise similar; without an interval, more than a band of
//! percentage points apart (a distance, not a test). Each indicator's [`Polarity`] turns
//! higher/lower into worse/better where a direction is good.
//!
//! Benchmarks: the Netherlands, the area's gemeente, any other area, a group of the user's
//! ([`AreaGroup`], rolled up as `omzien rollup --groups` rolls it up) and the mean of the
//! gemeenten most like it ([`Populations::similar`](crate::Populations::similar)).

use std::sync::Arc;

use serde::Serialize;

use crate::interval::{Confidence, interval_at};
use crate::{
    AgeGroup, AreaCode, Dataset, Figure, GemeenteCode, Groups, Indicator, Level, Polarity,
    QueryError, RollupQuery, RollupTarget, SimilarError, SimilarGemeenten, Unit, Wave, Weighting,
    Weights,
};

/// How an area's figure compares with a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Higher.
    Higher,
    /// Not told apart.
    Similar,
    /// Lower.
    Lower,
    /// One of the two has no value.
    Unknown,
}

/// How a comparison was decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The area's interval lies wholly above or below the reference value (as Public
    /// Health England's Fingertips compares); the level is the [`Confidence`] beside it.
    Interval,
    /// Without an interval: more than this many percentage points from the reference.
    Band(f64),
}

/// A [`Verdict`] as a reader takes it, given the indicator's [`Polarity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reading {
    /// Worse than the benchmark (higher where higher is worse, or lower where higher is better).
    Worse,
    /// Better than the benchmark.
    Better,
    /// Higher, where no direction is good.
    Higher,
    /// Lower, where no direction is good.
    Lower,
    /// Not told apart.
    Similar,
    /// One of the two has no value.
    Unknown,
}

impl Reading {
    /// `worse`, `better`, `higher`, `lower`, `similar` or `unknown`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Worse => "worse",
            Self::Better => "better",
            Self::Higher => "higher",
            Self::Lower => "lower",
            Self::Similar => "similar",
            Self::Unknown => "unknown",
        }
    }

    /// The Dutch word.
    #[must_use]
    pub fn as_str_nl(self) -> &'static str {
        match self {
            Self::Worse => "slechter",
            Self::Better => "beter",
            Self::Higher => "hoger",
            Self::Lower => "lager",
            Self::Similar => "vergelijkbaar",
            Self::Unknown => "onbekend",
        }
    }
}

impl std::fmt::Display for Reading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Verdict {
    /// How a reader takes this verdict for an indicator of this polarity.
    ///
    /// ```
    /// use omzien::{Polarity, Reading, Verdict};
    /// assert_eq!(Verdict::Higher.reads(Polarity::HigherIsWorse), Reading::Worse);
    /// assert_eq!(Verdict::Higher.reads(Polarity::HigherIsBetter), Reading::Better);
    /// assert_eq!(Verdict::Lower.reads(Polarity::Neither), Reading::Lower);
    /// ```
    #[must_use]
    pub fn reads(self, polarity: Polarity) -> Reading {
        match (self, polarity) {
            (Self::Similar, _) => Reading::Similar,
            (Self::Unknown, _) => Reading::Unknown,
            (Self::Higher, Polarity::HigherIsWorse) | (Self::Lower, Polarity::HigherIsBetter) => {
                Reading::Worse
            }
            (Self::Higher, Polarity::HigherIsBetter) | (Self::Lower, Polarity::HigherIsWorse) => {
                Reading::Better
            }
            (Self::Higher, _) => Reading::Higher,
            (Self::Lower, _) => Reading::Lower,
        }
    }
}

/// Compares a figure (with its interval) with a reference value.
///
/// ```
/// use omzien::{Figure, Rule, Verdict, compare};
/// // The reference outside the area's interval: higher.
/// let (v, rule) = compare(Figure::Value(53.2), Some((51.0, 55.4)), Figure::Value(47.0), 2.0);
/// assert_eq!((v, rule), (Verdict::Higher, Rule::Interval));
/// // Inside it: not told apart, however far the two values.
/// let (v, _) = compare(Figure::Value(53.2), Some((45.0, 60.0)), Figure::Value(47.0), 2.0);
/// assert_eq!(v, Verdict::Similar);
/// // Without an interval the band decides (a distance, not a test).
/// assert_eq!(compare(Figure::Value(50.0), None, Figure::Value(47.0), 2.0), (Verdict::Higher, Rule::Band(2.0)));
/// assert_eq!(compare(Figure::Value(48.0), None, Figure::Value(47.0), 2.0).0, Verdict::Similar);
/// assert_eq!(compare(Figure::Suppressed, None, Figure::Value(47.0), 2.0).0, Verdict::Unknown);
/// ```
#[must_use]
pub fn compare(
    value: Figure,
    interval: Option<(f64, f64)>,
    reference: Figure,
    band: f64,
) -> (Verdict, Rule) {
    let (Some(v), Some(r)) = (value.value(), reference.value()) else {
        let rule = if interval.is_some() {
            Rule::Interval
        } else {
            Rule::Band(band)
        };
        return (Verdict::Unknown, rule);
    };
    match interval {
        Some((lo, hi)) => (
            if lo > r {
                Verdict::Higher
            } else if hi < r {
                Verdict::Lower
            } else {
                Verdict::Similar
            },
            Rule::Interval,
        ),
        // The difference as every change is shown (`change`, the binary noise of subtracting
        // one-decimal figures rounded away), so 7.3 against 9.3 is 2.0 apart: similar.
        None => (
            match crate::change(r, v) {
                d if d > band => Verdict::Higher,
                d if d < -band => Verdict::Lower,
                _ => Verdict::Similar,
            },
            Rule::Band(band),
        ),
    }
}

/// What an area is compared with.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Benchmark {
    /// The Netherlands (`NL01`).
    National,
    /// The area's own gemeente.
    Gemeente,
    /// Another area.
    Area(AreaCode),
    /// The mean of similar gemeenten (for a gemeente).
    Similar(SimilarGemeenten),
    /// A group of the user's areas, rolled up.
    Group(AreaGroup),
}

impl Benchmark {
    /// `national`, `gemeente`, `area`, `group` or `similar`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Gemeente => "gemeente",
            Self::Area(_) => "area",
            Self::Similar(_) => "similar",
            Self::Group(_) => "group",
        }
    }
}

/// A group of areas from a groups file (code → group name, as `omzien rollup --groups` reads
/// it) used as a benchmark: its figure is the roll-up of its members' figures, weighted by
/// population where weights are given, else their plain mean, withheld (as in a roll-up) when
/// fewer than 80 % of its areas have a figure and a weight. The compared area may be one of
/// its members, as a wijk is part of its gemeente.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AreaGroup {
    /// The group's name.
    pub name: String,
    /// Its areas (one level), sorted.
    pub members: Vec<AreaCode>,
    /// Population weights, or none for the plain mean.
    pub weights: Option<Arc<Weights>>,
}

impl PartialEq for AreaGroup {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.members == other.members
            && self.weights.as_ref().map(|w| w.source())
                == other.weights.as_ref().map(|w| w.source())
    }
}

impl AreaGroup {
    /// The group called `name`.
    ///
    /// # Errors
    /// [`CompareError::NoSuchGroup`] (with the names there are) or
    /// [`CompareError::MixedGroup`] for a group of areas of several levels.
    pub fn named(
        groups: &Groups,
        name: &str,
        weights: Option<Arc<Weights>>,
    ) -> Result<Self, CompareError> {
        let members = groups.members(name);
        if members.is_empty() {
            return Err(CompareError::NoSuchGroup {
                name: name.to_owned(),
                names: groups.names().join(", "),
            });
        }
        if let Some(other) = members.iter().find(|c| c.level() != members[0].level()) {
            return Err(CompareError::MixedGroup {
                name: name.to_owned(),
                first: members[0],
                other: *other,
            });
        }
        Ok(Self {
            name: name.to_owned(),
            members,
            weights,
        })
    }

    /// The group `area` belongs to.
    ///
    /// # Errors
    /// [`CompareError::NotInGroup`] when the groups file does not place it, else as
    /// [`AreaGroup::named`].
    pub fn of(
        groups: &Groups,
        area: AreaCode,
        weights: Option<Arc<Weights>>,
    ) -> Result<Self, CompareError> {
        let name = groups.get(area).ok_or(CompareError::NotInGroup(area))?;
        Self::named(groups, name, weights)
    }

    /// The group named, or without a name the one `area` belongs to, of a groups file that
    /// may not have been given: what a `group` or `group:NAME` benchmark looks up.
    ///
    /// # Errors
    /// [`CompareError::NoGroups`] without a groups file, else as [`AreaGroup::named`] and
    /// [`AreaGroup::of`].
    pub fn find(
        groups: Option<&Groups>,
        name: Option<&str>,
        area: AreaCode,
        weights: Option<Arc<Weights>>,
    ) -> Result<Self, CompareError> {
        let groups = groups.ok_or(CompareError::NoGroups)?;
        match name {
            Some(n) => Self::named(groups, n, weights),
            None => Self::of(groups, area, weights),
        }
    }

    /// The level of its areas.
    #[must_use]
    pub fn level(&self) -> Level {
        self.members.first().map_or(Level::Buurt, |c| c.level())
    }

    /// `weighted by SOURCE` or `unweighted mean`.
    #[must_use]
    pub fn weighting(&self) -> String {
        match &self.weights {
            Some(w) => format!("weighted by {}", w.source()),
            None => "unweighted mean".to_owned(),
        }
    }
}

/// What the comparison says of a group benchmark.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GroupInfo {
    /// The group's name.
    pub name: String,
    /// The level of its areas.
    pub level: Level,
    /// How many areas it has.
    pub areas: usize,
    /// `weighted by SOURCE` or `unweighted mean`.
    pub weighting: String,
}

/// A comparison of one area with a benchmark.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CompareQuery {
    /// The area.
    pub area: AreaCode,
    /// Its benchmark.
    pub benchmark: Benchmark,
    /// The indicators; empty: every indicator the data has figures of in the wave and age
    /// group.
    pub indicators: Vec<Indicator>,
    /// The age group.
    pub age: AgeGroup,
    /// The wave.
    pub wave: Wave,
    /// Without an interval, a difference within this many percentage points is similar.
    pub band: f64,
}

impl CompareQuery {
    /// The default band (pp) for figures without an interval.
    pub const DEFAULT_BAND: f64 = 2.0;

    /// Compares `area` with `benchmark` in every indicator, 18+, in `wave`, ±2 pp without
    /// intervals.
    #[must_use]
    pub fn new(area: AreaCode, benchmark: Benchmark, wave: Wave) -> Self {
        Self {
            area,
            benchmark,
            indicators: Vec::new(),
            age: AgeGroup::ADULTS,
            wave,
            band: Self::DEFAULT_BAND,
        }
    }

    /// The same comparison for these indicators only.
    #[must_use]
    pub fn with_indicators(mut self, indicators: Vec<Indicator>) -> Self {
        self.indicators = indicators;
        self
    }

    /// The same comparison for another age group.
    #[must_use]
    pub fn with_age(mut self, age: AgeGroup) -> Self {
        self.age = age;
        self
    }

    /// The same comparison with another band.
    #[must_use]
    pub fn with_band(mut self, band: f64) -> Self {
        self.band = band;
        self
    }
}

/// The benchmark a user names, before similar gemeenten or a group are looked up: `nl`
/// (also `national`, `nederland`, `netherlands`, `land`), `gemeente`, `similar`, `group`,
/// `group:NAME`, or an area's code or name. One reading for the command line, the API and the
/// Python package.
///
/// ```
/// use omzien::BenchmarkChoice;
/// let ds = omzien::demo::dataset();
/// assert_eq!(BenchmarkChoice::parse(&ds, None)?, BenchmarkChoice::National);
/// assert_eq!(BenchmarkChoice::parse(&ds, Some("group:Noord"))?, BenchmarkChoice::Group(Some("Noord".into())));
/// assert_eq!(BenchmarkChoice::parse(&ds, Some("Centrum"))?, BenchmarkChoice::Area("WK999900".parse()?));
/// assert!(BenchmarkChoice::parse(&ds, Some("Nergenshuizen")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BenchmarkChoice {
    /// The Netherlands.
    National,
    /// The area's gemeente.
    Gemeente,
    /// Similar gemeenten.
    Similar,
    /// Another area.
    Area(AreaCode),
    /// A group of the groups file: the area's own (`group`) or a named one (`group:NAME`).
    Group(Option<String>),
}

impl BenchmarkChoice {
    /// Reads the benchmark text (`nl` when none is given).
    ///
    /// # Errors
    /// [`QueryError`] for text that names no benchmark and no area of the data.
    pub fn parse(ds: &Dataset, text: Option<&str>) -> Result<Self, QueryError> {
        let text = text.unwrap_or("nl").trim();
        Ok(match text.to_ascii_lowercase().as_str() {
            "nl" | "national" | "nederland" | "netherlands" | "land" => Self::National,
            "gemeente" | "municipality" => Self::Gemeente,
            "similar" | "vergelijkbaar" => Self::Similar,
            "group" | "groep" => Self::Group(None),
            lower if lower.starts_with("group:") || lower.starts_with("groep:") => {
                Self::Group(Some(text[6..].trim().to_owned()))
            }
            _ => Self::Area(ds.resolve_area(text, None)?),
        })
    }

    /// The benchmark for `area`: similar gemeenten found by `similar` (for a gemeente only), a
    /// group by `group` (given the name, or `None` for the area's own).
    ///
    /// # Errors
    /// [`CompareError`] for similar gemeenten of an area that is no gemeente, and whatever
    /// `similar` or `group` fail with.
    pub fn benchmark(
        self,
        area: AreaCode,
        similar: impl FnOnce(GemeenteCode) -> Result<SimilarGemeenten, SimilarError>,
        group: impl FnOnce(Option<&str>) -> Result<AreaGroup, CompareError>,
    ) -> Result<Benchmark, CompareError> {
        Ok(match self {
            Self::National => Benchmark::National,
            Self::Gemeente => Benchmark::Gemeente,
            Self::Area(code) => Benchmark::Area(code),
            Self::Similar => {
                let AreaCode::Gemeente(g) = area else {
                    return Err(CompareError::SimilarForGemeenten(area, area.level()));
                };
                Benchmark::Similar(similar(g)?)
            }
            Self::Group(name) => Benchmark::Group(group(name.as_deref())?),
        })
    }
}

/// A comparison that cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// The data has no national figures.
    #[error(
        "the data has no national figures (NL01) to compare with; compare with the gemeente or another area"
    )]
    NoNational,
    /// The area has no gemeente (the country, or a gemeente compared with itself).
    #[error(
        "{0} is not inside a gemeente, so it has none to be compared with; compare with nl or another area"
    )]
    NoGemeente(AreaCode),
    /// Similar gemeenten are a benchmark for gemeenten only.
    #[error(
        "similar gemeenten are a benchmark for a gemeente, and {0} is a {1}; compare a wijk or buurt with its gemeente or nl"
    )]
    SimilarForGemeenten(AreaCode, Level),
    /// No area has an interval to take a precision from.
    #[error(
        "a funnel plot needs figures with 95% intervals, and {what} carry none (the national 50090NED files publish none): there is no precision to plot"
    )]
    NoIntervals {
        /// What has none.
        what: String,
    },
    /// A funnel's benchmark must be one figure.
    #[error(
        "a funnel plot compares with one figure: nl, another area, or (for a gemeente's areas) gemeente"
    )]
    FunnelBenchmark,
    /// A group benchmark without a groups file.
    #[error(
        "a group benchmark needs a groups file (a CSV of code,group), and none was given: the command line takes it as --groups FILE"
    )]
    NoGroups,
    /// Similar gemeenten that cannot be found.
    #[error(transparent)]
    Similar(#[from] SimilarError),
    /// No group of that name.
    #[error("the groups file has no group {name:?}; its groups: {names}")]
    NoSuchGroup {
        /// The name asked for.
        name: String,
        /// The names there are.
        names: String,
    },
    /// The area is in no group.
    #[error(
        "the groups file places {0} in no group; name one (group:NAME) or add the area to the file"
    )]
    NotInGroup(AreaCode),
    /// A group of several levels cannot be rolled up as one.
    #[error(
        "group {name:?} mixes levels ({first} is a {}, {other} a {}): a group is rolled up from one level", first.level(), other.level()
    )]
    MixedGroup {
        /// The group.
        name: String,
        /// Its first area.
        first: AreaCode,
        /// An area of another level.
        other: AreaCode,
    },
    /// The benchmark has no value.
    #[error("the benchmark {0} has no value for this indicator, age group and wave")]
    NoBenchmarkValue(AreaCode),
    /// An area compared with itself.
    #[error("{0} compared with itself says nothing; choose another benchmark")]
    Itself(AreaCode),
    /// A bad query.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// One indicator of an area against its benchmark, at both levels.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BenchmarkRow {
    /// The indicator.
    pub indicator: Indicator,
    /// Whether higher is worse, better or neither.
    pub polarity: Polarity,
    /// The area's figure.
    pub value: Figure,
    /// Its published 95 % interval.
    pub interval_95: Option<(f64, f64)>,
    /// Its 99.8 % interval, derived from the 95 % one ([`interval_at`]).
    pub interval_998: Option<(f64, f64)>,
    /// The benchmark's value.
    pub benchmark: Figure,
    /// For similar gemeenten and groups: how many of their areas have a value (the mean is
    /// theirs).
    pub benchmark_areas: Option<usize>,
    /// The verdict at 95 % (or by the band).
    pub verdict_95: Verdict,
    /// The verdict at 99.8 % (or by the band).
    pub verdict_998: Verdict,
    /// How the verdicts were decided.
    pub rule: Rule,
}

impl BenchmarkRow {
    /// The verdict at a level as a reader takes it.
    #[must_use]
    pub fn reads(&self, level: Confidence) -> Reading {
        match level {
            Confidence::P95 => self.verdict_95,
            Confidence::P998 => self.verdict_998,
        }
        .reads(self.polarity)
    }
}

/// An area against its benchmark in every indicator asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AreaComparison {
    /// The area.
    pub area: AreaCode,
    /// The wave.
    pub wave: Wave,
    /// The age group.
    pub age: AgeGroup,
    /// `national`, `gemeente`, `area`, `group` or `similar`.
    pub benchmark_kind: &'static str,
    /// The benchmark area (none for similar gemeenten and groups).
    pub benchmark_area: Option<AreaCode>,
    /// The similar gemeenten, where they are the benchmark.
    pub similar: Option<SimilarGemeenten>,
    /// The group, where it is the benchmark.
    pub group: Option<GroupInfo>,
    /// One row per indicator, in the data's order.
    pub rows: Vec<BenchmarkRow>,
}

impl Dataset {
    /// A group's rolled-up figure (withheld, as not measured, below the roll-up's coverage)
    /// and how many of its areas it used.
    fn group_figure(
        &self,
        g: &AreaGroup,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
    ) -> Result<(Figure, Option<usize>), CompareError> {
        let groups = Groups::from_pairs(g.members.iter().map(|c| (*c, g.name.clone())));
        let weighting = match &g.weights {
            Some(w) => Weighting::Weighted(w),
            None => Weighting::Unweighted,
        };
        let q = RollupQuery::new(g.level(), ind, wave, weighting)
            .with_age(age)
            .with_target(RollupTarget::Groups(&groups))
            .allowing_unknown_weights();
        let r = q.run(self).map_err(|e| match e {
            crate::RollupError::Query(q) => CompareError::Query(q),
            e => CompareError::Query(QueryError::Invalid(e.to_string())),
        })?;
        Ok(match r.rows.first() {
            Some(row) => (
                match row.value {
                    Some(v) if !row.withheld => Figure::Value(v),
                    _ => Figure::NotMeasured,
                },
                Some(row.used),
            ),
            None => (Figure::NotMeasured, Some(0)),
        })
    }

    /// The unweighted mean of the similar gemeenten's figures that are values, and how many.
    fn mean_of(
        &self,
        s: &SimilarGemeenten,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
    ) -> Result<(Figure, Option<usize>), QueryError> {
        let mut sum = 0.0;
        let mut n = 0;
        for nb in &s.neighbours {
            let code = AreaCode::Gemeente(nb.code);
            if !self.contains(code) {
                continue;
            }
            if let Some(v) = self.figure(code, ind, wave, age)?.value() {
                sum += v;
                n += 1;
            }
        }
        let f = if n == 0 {
            Figure::NotMeasured
        } else {
            Figure::Value(sum / f64::from(n as u32))
        };
        Ok((f, Some(n)))
    }
}

impl CompareQuery {
    /// Compares an area with its benchmark in every indicator asked for, at 95 % and 99.8 %.
    ///
    /// ```
    /// use omzien::{Benchmark, CompareQuery, Reading, Confidence};
    /// let ds = omzien::demo::dataset();
    /// let wave = *ds.waves().last().unwrap();
    /// let wijk = ds.areas(omzien::Level::Wijk, None)[0];
    /// let c = CompareQuery::new(wijk, Benchmark::Gemeente, wave).run(&ds)?;
    /// assert_eq!(c.benchmark_area.unwrap().to_string(), "GM9999");
    /// assert!(c.rows.iter().all(|r| r.reads(Confidence::P998) != Reading::Unknown || r.value.value().is_none()));
    /// # Ok::<(), omzien::CompareError>(())
    /// ```
    ///
    /// # Errors
    /// [`CompareError`] for a benchmark the data cannot give (no national figures, no
    /// gemeente, the area itself, similar gemeenten for another level) or an area, wave, age
    /// group or indicator it does not hold.
    pub fn run(&self, ds: &Dataset) -> Result<AreaComparison, CompareError> {
        let q = self;
        ds.area(q.area)?;
        let benchmark_area = match &q.benchmark {
            Benchmark::National => Some(ds.national().ok_or(CompareError::NoNational)?),
            Benchmark::Gemeente => match q.area.gemeente() {
                Some(g) if AreaCode::Gemeente(g) != q.area => Some(AreaCode::Gemeente(g)),
                _ => return Err(CompareError::NoGemeente(q.area)),
            },
            Benchmark::Area(code) => {
                ds.area(*code)?;
                Some(*code)
            }
            Benchmark::Similar(s) => {
                if q.area.level() != Level::Gemeente || q.area != AreaCode::Gemeente(s.gemeente) {
                    return Err(CompareError::SimilarForGemeenten(q.area, q.area.level()));
                }
                None
            }
            Benchmark::Group(_) => None,
        };
        if benchmark_area == Some(q.area) {
            return Err(CompareError::Itself(q.area));
        }
        ds.check(q.wave, q.age)?;
        let indicators: Vec<Indicator> = if q.indicators.is_empty() {
            ds.indicators()
                .iter()
                .map(|i| i.indicator)
                .filter(|&i| ds.has_column(i, q.wave, q.age))
                .collect()
        } else {
            q.indicators.clone()
        };
        let mut rows = Vec::with_capacity(indicators.len());
        for ind in indicators {
            let value = ds.figure(q.area, ind, q.wave, q.age)?;
            let interval_95 = ds.interval(q.area, ind, q.wave, q.age)?;
            let (benchmark, benchmark_areas) = match (&q.benchmark, benchmark_area) {
                (_, Some(code)) => (ds.figure(code, ind, q.wave, q.age)?, None),
                (Benchmark::Similar(s), None) => ds.mean_of(s, ind, q.wave, q.age)?,
                (Benchmark::Group(g), None) => ds.group_figure(g, ind, q.wave, q.age)?,
                _ => (Figure::NotMeasured, None),
            };
            let unit = ds.indicator_info(ind).map_or(Unit::Number, |i| i.unit);
            let interval_998 = match (value.value(), interval_95) {
                (Some(v), Some(iv)) => Some(interval_at(v, iv, unit, Confidence::P998)),
                _ => None,
            };
            let (verdict_95, rule) = compare(value, interval_95, benchmark, q.band);
            let (verdict_998, _) = compare(value, interval_998, benchmark, q.band);
            rows.push(BenchmarkRow {
                indicator: ind,
                polarity: ind.polarity(),
                value,
                interval_95,
                interval_998,
                benchmark,
                benchmark_areas,
                verdict_95,
                verdict_998,
                rule,
            });
        }
        Ok(AreaComparison {
            area: q.area,
            wave: q.wave,
            age: q.age,
            benchmark_kind: q.benchmark.kind(),
            benchmark_area,
            similar: match &q.benchmark {
                Benchmark::Similar(s) => Some(s.clone()),
                _ => None,
            },
            group: match &q.benchmark {
                Benchmark::Group(g) => Some(GroupInfo {
                    name: g.name.clone(),
                    level: g.level(),
                    areas: g.members.len(),
                    weighting: g.weighting(),
                }),
                _ => None,
            },
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Polarity;

    #[test]
    fn comparisons_use_the_interval_and_else_the_band() {
        let v = Figure::Value(50.0);
        assert_eq!(
            compare(v, Some((47.0, 53.0)), Figure::Value(46.0), 2.0),
            (Verdict::Higher, Rule::Interval)
        );
        assert_eq!(
            compare(v, Some((47.0, 53.0)), Figure::Value(48.0), 2.0).0,
            Verdict::Similar
        );
        assert_eq!(
            compare(v, Some((47.0, 53.0)), Figure::Value(54.0), 2.0).0,
            Verdict::Lower
        );
        assert_eq!(
            compare(v, None, Figure::Value(47.9), 2.0),
            (Verdict::Higher, Rule::Band(2.0))
        );
        assert_eq!(
            compare(v, None, Figure::Value(48.0), 2.0).0,
            Verdict::Similar
        );
        assert_eq!(compare(v, None, Figure::Value(52.1), 2.0).0, Verdict::Lower);
        // Exactly 2.0 apart is within the band, though 9.3 − 7.3 is 2.0000000000000009.
        assert_eq!(
            compare(Figure::Value(7.3), None, Figure::Value(9.3), 2.0).0,
            Verdict::Similar
        );
        assert_eq!(
            compare(Figure::Value(9.3), None, Figure::Value(7.3), 2.0).0,
            Verdict::Similar
        );
        assert_eq!(
            compare(Figure::Suppressed, None, Figure::Value(52.1), 2.0).0,
            Verdict::Unknown
        );
    }

    #[test]
    fn a_difference_seen_at_95_may_not_be_seen_at_998() {
        let v = Figure::Value(47.0);
        let iv = (45.0, 49.0);
        let wide = interval_at(47.0, iv, Unit::Percent, Confidence::P998);
        let bench = Figure::Value(44.5);
        assert_eq!(compare(v, Some(iv), bench, 2.0).0, Verdict::Higher);
        assert_eq!(compare(v, Some(wide), bench, 2.0).0, Verdict::Similar);
        assert_eq!(
            Verdict::Higher.reads(Polarity::HigherIsWorse),
            Reading::Worse
        );
        assert_eq!(
            Verdict::Lower.reads(Polarity::HigherIsWorse),
            Reading::Better
        );
        assert_eq!(Verdict::Higher.reads(Polarity::Neither), Reading::Higher);
    }
}

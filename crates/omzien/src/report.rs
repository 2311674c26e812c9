//! What a gemeente report says, as data: the gemeente beside the country in every wave and
//! age group, its wijken (or buurten) ranked with their changes and risk marks, a risk
//! profile of the highest-ranked areas beside related indicators, and what a reader must know.
//! Drawing it (a PDF) is `omzien-render`'s concern; choosing it (a gemeente code or name) the
//! command line's and the server's.

use serde::Serialize;

use crate::compare::{Rule, Verdict, compare};
use crate::{
    AgeGroup, AreaCode, Dataset, Figure, GemeenteCode, Indicator, Level, Provenance, QueryError,
    Rank, RiskMode, RiskQuery, TrendQuery, Wave,
};

/// A report request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReportQuery {
    /// The gemeente.
    pub gemeente: GemeenteCode,
    /// Indicators of the comparison with the country; the first is ranked and mapped.
    pub indicators: Vec<Indicator>,
    /// Age groups; the first is ranked and mapped.
    pub ages: Vec<AgeGroup>,
    /// The areas ranked and mapped: wijken or buurten.
    pub level: Level,
    /// The wave changes are measured from; `None`: the first wave of the data.
    pub since: Option<Wave>,
    /// Areas in the risk profile.
    pub top: usize,
    /// Where a figure has no 95 % interval, a difference within this many percentage points
    /// of the reference counts as similar.
    pub band: f64,
    /// Population layers (CBS's key figures, a boundary file's populations): where they count
    /// the gemeente or an area, the report says how many people a percentage stands for.
    pub populations: Vec<crate::Populations>,
}

impl ReportQuery {
    /// The default report of a gemeente in `ds`: the loneliness indicators and the 18+ and
    /// 65+ groups the data has, wijken, changes since the first wave, five areas profiled,
    /// a ±2 pp band.
    #[must_use]
    pub fn new(ds: &Dataset, gemeente: GemeenteCode) -> Self {
        let indicators: Vec<Indicator> = Indicator::LONELINESS
            .into_iter()
            .filter(|i| ds.indicator_info(*i).is_some())
            .collect();
        let ages = main_ages(ds);
        Self {
            gemeente,
            indicators,
            ages,
            level: Level::Wijk,
            since: None,
            top: 5,
            band: 2.0,
            populations: Vec::new(),
        }
    }

    /// The same query with population layers to count people by ([`Dataset::people`]).
    #[must_use]
    pub fn with_populations(mut self, populations: Vec<crate::Populations>) -> Self {
        self.populations = populations;
        self
    }

    /// The same query for these indicators (the first ranked and mapped).
    #[must_use]
    pub fn with_indicators(mut self, indicators: Vec<Indicator>) -> Self {
        self.indicators = indicators;
        self
    }

    /// The same query for these age groups (the first ranked and mapped).
    #[must_use]
    pub fn with_ages(mut self, ages: Vec<AgeGroup>) -> Self {
        self.ages = ages;
        self
    }

    /// The same query for wijken or buurten.
    #[must_use]
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The same query with changes measured from `since`.
    #[must_use]
    pub fn with_since(mut self, since: Wave) -> Self {
        self.since = Some(since);
        self
    }
}

/// The age groups a report or a council summary covers by default: 18+ and 65+, those the
/// data has.
pub(crate) fn main_ages(ds: &Dataset) -> Vec<AgeGroup> {
    [AgeGroup::ADULTS, AgeGroup::SENIORS]
        .into_iter()
        .filter(|a| ds.age_groups().contains(a))
        .collect()
}

/// A report that cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The level is not wijk or buurt.
    #[error("a report ranks wijken or buurten, not {0}")]
    BadLevel(Level),
    /// Nothing to report on.
    #[error("the report needs at least one {0}")]
    Empty(&'static str),
    /// A `since` wave that leaves no change to report: it is the latest wave (or later).
    #[error(
        "since {since}: the latest wave is {latest}, so there is no change to report; give an earlier wave"
    )]
    NothingSince {
        /// The wave changes were to be measured from.
        since: Wave,
        /// The latest wave of the data.
        latest: Wave,
    },
    /// A query error.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// The gemeente beside the country in one indicator, age group and wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SeriesPoint {
    /// Indicator.
    pub indicator: Indicator,
    /// Age group.
    pub age: AgeGroup,
    /// Wave.
    pub wave: Wave,
    /// The gemeente's figure.
    pub gemeente: Figure,
    /// Its 95 % interval.
    pub gemeente_interval: Option<(f64, f64)>,
    /// The national figure.
    pub national: Figure,
    /// Its 95 % interval.
    pub national_interval: Option<(f64, f64)>,
}

/// A wijk or buurt of the gemeente, for the ranked table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReportArea {
    /// Its code.
    pub code: AreaCode,
    /// Its name.
    pub name: String,
    /// Its figure in every wave of the report.
    pub values: Vec<Figure>,
    /// The change from the first wave of the report to the latest, pp.
    pub change: Option<f64>,
    /// Whether that change is significant at 95 %, where both waves have bounds.
    pub significant: Option<bool>,
    /// Its place in the gemeente in the latest wave.
    pub rank_gemeente: Option<Rank>,
    /// Its place in the country in the latest wave.
    pub rank_country: Option<Rank>,
    /// Among the highest (the risk rule's top share within the gemeente).
    pub high: bool,
    /// Risen by more than the risk rule's minimum.
    pub rising: bool,
    /// Where the figures carry intervals: the probability that it is truly among the
    /// highest (the top share of the gemeente's areas), by Monte Carlo as `omzien risk --by
    /// probability` draws it.
    pub p_top: Option<f64>,
    /// Likewise, the probability that it truly rose by more than the minimum beyond the
    /// country's change.
    pub p_rise: Option<f64>,
}

/// One related indicator of a profiled area.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Comparison {
    /// The indicator.
    pub indicator: Indicator,
    /// The area's figure in the latest wave.
    pub value: Figure,
    /// The gemeente's.
    pub gemeente: Figure,
    /// The country's.
    pub national: Figure,
    /// The area against the gemeente.
    pub vs_gemeente: Verdict,
    /// The area against the country.
    pub vs_national: Verdict,
    /// How both were decided.
    pub rule: Rule,
}

/// An area of the risk profile: loneliness beside related indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RiskProfile {
    /// The area.
    pub code: AreaCode,
    /// Its name.
    pub name: String,
    /// The ranked indicator first, then the related ones the data has.
    pub rows: Vec<Comparison>,
    /// The people its figure of the ranked indicator stands for, where a population counts it.
    pub people: Option<crate::PeopleCount>,
}

/// Everything a gemeente report shows.
///
/// ```
/// use omzien::{ReportQuery, Level};
/// let ds = omzien::demo::dataset();
/// let g = ds.resolve_gemeente("GM9999")?;
/// let r = ReportQuery::new(&ds, g).run(&ds)?;
/// assert!(r.provenance.synthetic);
/// assert!(!r.areas.is_empty());
/// assert!(r.areas.iter().all(|a| a.code.level() == Level::Wijk));
/// # Ok::<(), omzien::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GemeenteReport {
    /// The gemeente.
    pub gemeente: GemeenteCode,
    /// Its name.
    pub name: String,
    /// The level ranked and mapped.
    pub level: Level,
    /// Waves of the data, oldest first.
    pub waves: Vec<Wave>,
    /// Changes are measured from this wave…
    pub first: Wave,
    /// …to this one, the latest.
    pub latest: Wave,
    /// The indicators compared with the country; the first is ranked and mapped.
    pub indicators: Vec<Indicator>,
    /// The age groups; the first is ranked and mapped.
    pub ages: Vec<AgeGroup>,
    /// Where the figures come from.
    pub provenance: Provenance,
    /// The StatLine table the figures were read from, where a file name says (`50090NED`).
    pub table: Option<String>,
    /// The gemeente and the country in every indicator, age group and wave.
    pub series: Vec<SeriesPoint>,
    /// The areas, highest figure in the latest wave first (areas without one last).
    pub areas: Vec<ReportArea>,
    /// The highest-ranked areas beside related indicators.
    pub profiles: Vec<RiskProfile>,
    /// The risk rules: the top share counted as high, and the rise (pp) counted as rising.
    pub risk_rule: (f64, f64),
    /// Where the areas' probabilities were drawn: the draws and the seed.
    pub probability: Option<(usize, u64)>,
    /// The band of [`Rule::Band`].
    pub band: f64,
    /// The people the gemeente's figure of the ranked indicator and age group stands for in
    /// the latest wave, where a population counts it.
    pub people: Option<crate::PeopleCount>,
}

impl GemeenteReport {
    /// The ranked indicator.
    #[must_use]
    pub fn indicator(&self) -> Indicator {
        self.indicators
            .first()
            .copied()
            .unwrap_or(Indicator::LONELY)
    }

    /// The ranked age group.
    #[must_use]
    pub fn age(&self) -> AgeGroup {
        self.ages.first().copied().unwrap_or(AgeGroup::ADULTS)
    }

    /// The point of the series for an indicator, age group and wave.
    #[must_use]
    pub fn point(&self, ind: Indicator, age: AgeGroup, wave: Wave) -> Option<&SeriesPoint> {
        self.series
            .iter()
            .find(|p| p.indicator == ind && p.age == age && p.wave == wave)
    }
}

impl ReportQuery {
    /// Everything a gemeente report shows.
    ///
    /// # Errors
    /// [`ReportError`] for a level other than wijk or buurt, no indicator, age group or wave,
    /// or a gemeente the data does not have.
    pub fn run(&self, ds: &Dataset) -> Result<GemeenteReport, ReportError> {
        let q = self;
        let s = Scope::new(ds, q)?;
        let marks = s.marks();
        let areas = s.areas(&marks);
        let profiles = s.profiles(&areas);
        Ok(GemeenteReport {
            gemeente: q.gemeente,
            name: ds.area(s.g)?.display_name(),
            level: q.level,
            waves: s.waves.clone(),
            first: s.first,
            latest: s.latest,
            indicators: q.indicators.clone(),
            ages: q.ages.clone(),
            provenance: ds.provenance(),
            table: ds.table().map(str::to_owned),
            series: s.series(),
            areas,
            profiles,
            risk_rule: (RiskQuery::DEFAULT_TOP_SHARE, RiskQuery::DEFAULT_MIN_RISE),
            probability: marks.probability,
            band: q.band,
            people: ds
                .people(s.g, s.ind, s.latest, s.age, &q.populations)
                .ok()
                .flatten(),
        })
    }
}

/// What every part of a report reads: the data, the query, the gemeente, the ranked indicator
/// and age group, the waves from the first shown to the latest, and the country.
struct Scope<'a> {
    ds: &'a Dataset,
    q: &'a ReportQuery,
    g: AreaCode,
    ind: Indicator,
    age: AgeGroup,
    first: Wave,
    latest: Wave,
    waves: Vec<Wave>,
    national: Option<AreaCode>,
}

/// The risk marks of the areas by the rules of `omzien risk`, and where the figures carry
/// intervals every area's probabilities (`omzien risk --by probability --min-prob 0`).
struct Marks {
    high: Vec<AreaCode>,
    rising: Vec<AreaCode>,
    p_high: Vec<(AreaCode, Option<f64>, Option<f64>)>,
    p_rising: Vec<(AreaCode, Option<f64>, Option<f64>)>,
    probability: Option<(usize, u64)>,
}

impl<'a> Scope<'a> {
    /// The query checked: a level of areas, an indicator, an age group, waves, a known
    /// gemeente, and an earlier wave before the latest.
    fn new(ds: &'a Dataset, q: &'a ReportQuery) -> Result<Self, ReportError> {
        if !matches!(q.level, Level::Wijk | Level::Buurt) {
            return Err(ReportError::BadLevel(q.level));
        }
        let g = AreaCode::Gemeente(q.gemeente);
        ds.area(g)?;
        let ind = *q
            .indicators
            .first()
            .ok_or(ReportError::Empty("indicator"))?;
        let age = *q.ages.first().ok_or(ReportError::Empty("age group"))?;
        let latest = ds.latest_wave().ok_or(ReportError::Empty("wave"))?;
        let first = match q.since {
            Some(w) => ds.parse_wave(&w.to_string())?,
            None => *ds.waves().first().ok_or(ReportError::Empty("wave"))?,
        };
        if q.since.is_some() && first >= latest {
            return Err(ReportError::NothingSince {
                since: first,
                latest,
            });
        }
        Ok(Self {
            ds,
            q,
            g,
            ind,
            age,
            first,
            latest,
            waves: ds.waves().iter().copied().filter(|w| *w >= first).collect(),
            national: ds.national(),
        })
    }

    /// A figure of an area, not measured where there is none.
    fn fig(&self, c: Option<AreaCode>, i: Indicator, a: AgeGroup, w: Wave) -> Figure {
        c.and_then(|c| self.ds.figure(c, i, w, a).ok())
            .unwrap_or(Figure::NotMeasured)
    }

    /// The 95 % interval of an area's figure, where it has one.
    fn iv(&self, c: Option<AreaCode>, i: Indicator, a: AgeGroup, w: Wave) -> Option<(f64, f64)> {
        c.and_then(|c| self.ds.interval(c, i, w, a).ok().flatten())
    }

    /// The gemeente and the country in every indicator, age group and wave.
    fn series(&self) -> Vec<SeriesPoint> {
        let mut series = Vec::new();
        let g = Some(self.g);
        for &i in &self.q.indicators {
            for &a in &self.q.ages {
                for &w in self.ds.waves() {
                    series.push(SeriesPoint {
                        indicator: i,
                        age: a,
                        wave: w,
                        gemeente: self.fig(g, i, a, w),
                        gemeente_interval: self.iv(g, i, a, w),
                        national: self.fig(self.national, i, a, w),
                        national_interval: self.iv(self.national, i, a, w),
                    });
                }
            }
        }
        series
    }

    /// The risk query of a mode within the gemeente, since the first wave shown.
    fn risk_query(&self, mode: RiskMode) -> RiskQuery {
        RiskQuery::new(self.q.level, self.ind, self.latest)
            .with_gemeente(self.q.gemeente)
            .with_age(self.age)
            .with_since(self.first)
            .with_mode(mode)
    }

    /// The areas marked high and rising, and their probabilities where they can be drawn.
    fn marks(&self) -> Marks {
        let ds = self.ds;
        let risk = |mode: RiskMode| -> Vec<AreaCode> {
            self.risk_query(mode)
                .areas(ds)
                .map(|v| v.into_iter().map(|r| r.area).collect())
                .unwrap_or_default()
        };
        let probabilities = |mode: RiskMode| -> Vec<(AreaCode, Option<f64>, Option<f64>)> {
            self.risk_query(mode)
                .by_probability(0.0)
                .areas(ds)
                .map(|v| v.into_iter().map(|r| (r.area, r.p_top, r.p_rise)).collect())
                .unwrap_or_default()
        };
        let changes = self.first != self.latest;
        let p_high = probabilities(RiskMode::High);
        let p_rising = if changes {
            probabilities(RiskMode::Rising)
        } else {
            Vec::new()
        };
        let probability = (!p_high.is_empty() || !p_rising.is_empty()).then_some((
            crate::probability::DEFAULT_DRAWS,
            crate::probability::DEFAULT_SEED,
        ));
        Marks {
            high: risk(RiskMode::High),
            rising: if changes {
                risk(RiskMode::Rising)
            } else {
                Vec::new()
            },
            p_high,
            p_rising,
            probability,
        }
    }

    /// The gemeente's areas with their waves, change, ranks and marks, highest first.
    fn areas(&self, marks: &Marks) -> Vec<ReportArea> {
        let (ds, q, ind, age, latest) = (self.ds, self.q, self.ind, self.age, self.latest);
        let trends = if self.first == latest {
            Vec::new()
        } else {
            TrendQuery::new(ind, self.first, latest)
                .with_age(age)
                .with_level(q.level)
                .with_gemeente(q.gemeente)
                .run(ds)
                .unwrap_or_default()
        };
        let mut areas: Vec<ReportArea> = ds
            .areas(q.level, Some(q.gemeente))
            .into_iter()
            .map(|c| {
                let trend = trends.iter().find(|t| t.area == c);
                let ranks = ds.ranks(c, ind, latest, age).ok();
                ReportArea {
                    code: c,
                    name: ds
                        .area(c)
                        .map(|a| a.display_name())
                        .unwrap_or_else(|_| c.to_string()),
                    values: self
                        .waves
                        .iter()
                        .map(|w| self.fig(Some(c), ind, age, *w))
                        .collect(),
                    change: trend.and_then(|t| t.delta),
                    significant: trend.and_then(|t| t.significant),
                    rank_gemeente: ranks.and_then(|r| r.gemeente),
                    rank_country: ranks.and_then(|r| r.country),
                    high: marks.high.contains(&c),
                    rising: marks.rising.contains(&c),
                    p_top: marks.p_high.iter().find(|p| p.0 == c).and_then(|p| p.1),
                    p_rise: marks.p_rising.iter().find(|p| p.0 == c).and_then(|p| p.2),
                }
            })
            .collect();
        areas.sort_by(|a, b| {
            latest_value(b)
                .partial_cmp(&latest_value(a))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.code.cmp(&b.code))
        });
        areas
    }

    /// The risk profiles of the highest areas: each beside its gemeente and the country in the
    /// ranked indicator and the related ones.
    fn profiles(&self, areas: &[ReportArea]) -> Vec<RiskProfile> {
        let (ds, q, ind, age, latest) = (self.ds, self.q, self.ind, self.age, self.latest);
        let related: Vec<Indicator> = std::iter::once(ind)
            .chain(
                Indicator::related_to_loneliness()
                    .filter(|i| *i != ind && ds.has_column(*i, latest, age)),
            )
            .collect();
        areas
            .iter()
            .filter(|a| latest_value(a).is_some())
            .take(q.top)
            .map(|a| RiskProfile {
                people: ds
                    .people(a.code, ind, latest, age, &q.populations)
                    .ok()
                    .flatten(),
                code: a.code,
                name: a.name.clone(),
                rows: related
                    .iter()
                    .map(|&i| {
                        let value = self.fig(Some(a.code), i, age, latest);
                        let interval = self.iv(Some(a.code), i, age, latest);
                        let gemeente = self.fig(Some(self.g), i, age, latest);
                        let national = self.fig(self.national, i, age, latest);
                        let (vs_gemeente, rule) = compare(value, interval, gemeente, q.band);
                        let (vs_national, _) = compare(value, interval, national, q.band);
                        Comparison {
                            indicator: i,
                            value,
                            gemeente,
                            national,
                            vs_gemeente,
                            vs_national,
                            rule,
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

/// An area's value in the latest wave shown.
fn latest_value(a: &ReportArea) -> Option<f64> {
    a.values.last().and_then(|f| f.value())
}

//! rayon roll-ups buurt → wijk → gemeente → NL, user groups, summaries and the check of
//! weighted roll-ups against published figures.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;

use crate::{
    AgeGroup, AreaCode, Dataset, Figure, Groups, Indicator, Level, QueryError, Wave, Weights,
};

/// Distribution of one indicator over the areas of a level, for one wave and age group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// The level.
    pub level: Level,
    /// The indicator.
    pub indicator: Indicator,
    /// The wave.
    pub wave: Wave,
    /// The age group.
    pub age: AgeGroup,
    /// Areas of the level.
    pub areas: usize,
    /// Areas with a published value.
    pub values: usize,
    /// Areas whose figure is suppressed.
    pub suppressed: usize,
    /// Areas without a figure (not measured).
    pub not_measured: usize,
    /// Unweighted mean of the values.
    pub mean: Option<f64>,
    /// Minimum.
    pub min: Option<f64>,
    /// 10th percentile.
    pub p10: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
    /// The threshold of `share_above`.
    pub threshold: Option<f64>,
    /// Share (0–1) of the areas with a value whose value exceeds the threshold.
    pub share_above: Option<f64>,
}

/// Quantile of sorted values with linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R and numpy).
///
/// ```
/// assert_eq!(omzien::quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
/// assert_eq!(omzien::quantile(&[1.0, 2.0, 3.0, 4.0], 0.0), Some(1.0));
/// assert_eq!(omzien::quantile(&[], 0.5), None);
/// ```
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

impl Dataset {
    /// Summary of one indicator over a level for a wave and age group.
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator, Level, Wave};
    /// let ds = omzien::demo::dataset();
    /// let s = ds.summary(Level::Buurt, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS, None)?;
    /// assert_eq!(s.values + s.suppressed + s.not_measured, s.areas);
    /// assert!(s.min <= s.median && s.median <= s.max);
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError`] for a wave or age group the dataset does not hold.
    pub fn summary(
        &self,
        level: Level,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
        threshold: Option<f64>,
    ) -> Result<Summary, QueryError> {
        let figs = self.level_figures(level, ind, wave, age)?;
        let mut values: Vec<f64> = figs.iter().filter_map(|(_, f)| f.value()).collect();
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let q = |p| quantile(&values, p);
        Ok(Summary {
            level,
            indicator: ind,
            wave,
            age,
            areas: figs.len(),
            values: n,
            suppressed: figs.iter().filter(|(_, f)| f.is_suppressed()).count(),
            not_measured: figs
                .iter()
                .filter(|(_, f)| matches!(f, Figure::NotMeasured))
                .count(),
            mean: (n > 0).then(|| values.iter().sum::<f64>() / n as f64),
            min: values.first().copied(),
            p10: q(0.1),
            p25: q(0.25),
            median: q(0.5),
            p75: q(0.75),
            p90: q(0.9),
            max: values.last().copied(),
            threshold,
            share_above: threshold
                .filter(|_| n > 0)
                .map(|t| values.iter().filter(|&&v| v > t).count() as f64 / n as f64),
        })
    }

    /// Summaries for every level, wave and age group of the dataset, computed in parallel.
    #[must_use]
    pub fn summaries(&self, ind: Indicator, threshold: Option<f64>) -> Vec<Summary> {
        let mut keys = Vec::new();
        for &level in &Level::ALL {
            if self.count(level) == 0 {
                continue;
            }
            for &wave in self.waves() {
                for &age in self.age_groups() {
                    keys.push((level, wave, age));
                }
            }
        }
        keys.into_par_iter()
            .filter_map(|(l, w, a)| self.summary(l, ind, w, a, threshold).ok())
            .collect()
    }
}

/// How a roll-up weighs areas. There is no default: unweighted must be asked for.
#[derive(Debug, Clone, Copy)]
pub enum Weighting<'a> {
    /// Weighted by these weights; areas without a weight are counted and left out.
    Weighted(&'a Weights),
    /// Every area with a value counts the same.
    Unweighted,
}

/// Where a roll-up puts each area.
#[derive(Debug, Clone, Copy)]
pub enum RollupTarget<'a> {
    /// The enclosing area at this level (`Level::Land` for the whole country).
    Parents(Level),
    /// The user's groups; areas in no group are counted as ungrouped.
    Groups(&'a Groups),
}

/// A roll-up: one indicator, wave and age group from the areas of one level to their parents
/// or to user groups, weighted or (asked for explicitly) not.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RollupQuery<'a> {
    /// The level of the areas rolled up.
    pub from: Level,
    /// The indicator.
    pub indicator: Indicator,
    /// The wave.
    pub wave: Wave,
    /// The age group (default 18+).
    pub age: AgeGroup,
    /// Where each area goes (default: its parent one level up).
    pub target: RollupTarget<'a>,
    /// How areas are weighed.
    pub weighting: Weighting<'a>,
    /// The least share (0–1) of a group's areas whose figure and weight were used for the
    /// group's figure to be given; below it the row says how many were used and its value is
    /// withheld (default [`RollupQuery::DEFAULT_MIN_COVERAGE`]).
    pub min_coverage: f64,
    /// Whether weights for areas the data does not have are refused (default yes: they are
    /// typos or another classification's codes).
    pub refuse_unknown_weights: bool,
}

impl<'a> RollupQuery<'a> {
    /// Share of a group's areas that must be used: 80 %.
    pub const DEFAULT_MIN_COVERAGE: f64 = 0.8;

    /// A roll-up of `from` areas to their parents one level up, 18+.
    #[must_use]
    pub fn new(from: Level, indicator: Indicator, wave: Wave, weighting: Weighting<'a>) -> Self {
        Self {
            from,
            indicator,
            wave,
            age: AgeGroup::ADULTS,
            target: RollupTarget::Parents(from.parent().unwrap_or(Level::Land)),
            weighting,
            min_coverage: Self::DEFAULT_MIN_COVERAGE,
            refuse_unknown_weights: true,
        }
    }
    /// Sets the least share of a group's areas that must be used (0 gives every figure).
    #[must_use]
    pub fn with_min_coverage(mut self, share: f64) -> Self {
        self.min_coverage = share;
        self
    }
    /// Takes weights for areas the data does not have without refusing them (as the check
    /// against published figures does with population files of another year).
    #[must_use]
    pub fn allowing_unknown_weights(mut self) -> Self {
        self.refuse_unknown_weights = false;
        self
    }
    /// Sets the age group.
    #[must_use]
    pub fn with_age(mut self, age: AgeGroup) -> Self {
        self.age = age;
        self
    }
    /// Sets where the areas go: parents at a level, or user groups.
    #[must_use]
    pub fn with_target(mut self, target: RollupTarget<'a>) -> Self {
        self.target = target;
        self
    }
}

/// A group of a roll-up: an area, or a user-defined group name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum GroupKey {
    /// An enclosing area.
    Area(AreaCode),
    /// A user-defined group.
    Named(String),
}

impl std::fmt::Display for GroupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Area(c) => c.fmt(f),
            Self::Named(n) => f.write_str(n),
        }
    }
}

/// One group's rolled-up figure, with everything left out counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RollupRow {
    /// The group.
    pub group: GroupKey,
    /// Weighted (or unweighted) mean of the values used; `None` when none could be used.
    pub value: Option<f64>,
    /// Areas that belong to the group.
    pub areas: usize,
    /// Areas whose value was used.
    pub used: usize,
    /// Areas left out because their figure is suppressed.
    pub suppressed: usize,
    /// Areas left out because not measured.
    pub not_measured: usize,
    /// Areas with a value but no weight, left out.
    pub missing_weight: usize,
    /// Sum of the weights used (the count of areas used when unweighted).
    pub weight: f64,
    /// Share of the group's weight (population) that the areas used carry: the weight used
    /// over the weight of every area of the group that has one (suppressed and not-measured
    /// areas included); `None` when none has a weight. Unweighted, it equals `coverage`.
    pub weight_share: Option<f64>,
    /// Share of the group's areas whose value was used (`used / areas`).
    pub coverage: f64,
    /// Whether the value is withheld because `coverage` is below the query's minimum.
    pub withheld: bool,
}

/// The result of a roll-up, with areas that fell in no group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Rollup {
    /// The rows, ordered by group.
    pub rows: Vec<RollupRow>,
    /// Areas of the source level that belong to no group.
    pub ungrouped: Vec<AreaCode>,
    /// Where the weights came from, or `unweighted`.
    pub weighting: String,
}

/// A roll-up that cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RollupError {
    /// The target level is not above the source level.
    #[error("cannot roll {from} areas up to {to}: the target must be a higher level")]
    NotAbove {
        /// Source level.
        from: Level,
        /// Target level.
        to: Level,
    },
    /// A share outside 0–1.
    #[error("minimum coverage {0} must lie between 0 and 1")]
    BadCoverage(f64),
    /// Weights for areas the data does not have.
    #[error("{file}: {count} of its {total} codes are not areas of the data (e.g. {}); check the file's classification year", examples.join(", "))]
    UnknownWeights {
        /// Where the weights came from.
        file: String,
        /// How many codes are unknown.
        count: usize,
        /// How many codes the weights have.
        total: usize,
        /// The first few, in code order.
        examples: Vec<String>,
    },
    /// Weights of which none is for an area of the level rolled up.
    #[error(
        "{file}: none of its {total} codes is a {level} of the data, so nothing can be weighed"
    )]
    NoWeightsAtLevel {
        /// Where the weights came from.
        file: String,
        /// How many codes the weights have.
        total: usize,
        /// The level rolled up.
        level: Level,
    },
    /// A query error.
    #[error(transparent)]
    Query(#[from] QueryError),
}

#[derive(Default, Clone)]
struct Acc {
    areas: usize,
    used: usize,
    suppressed: usize,
    not_measured: usize,
    missing_weight: usize,
    weight: f64,
    weighted_sum: f64,
    /// The weight of every area of the group that has one, used or not.
    weight_all: f64,
}

impl Acc {
    /// Counts one area's figure into its group, with its weight where it has one.
    fn add(&mut self, code: AreaCode, fig: Figure, weighting: Weighting<'_>) {
        let w = match weighting {
            Weighting::Unweighted => Some(1.0),
            Weighting::Weighted(ws) => ws.get(code),
        };
        self.areas += 1;
        self.weight_all += w.unwrap_or(0.0);
        match fig {
            Figure::Suppressed => self.suppressed += 1,
            Figure::NotMeasured => self.not_measured += 1,
            Figure::Value(v) => match w {
                Some(w) => {
                    self.used += 1;
                    self.weight += w;
                    self.weighted_sum += w * v;
                }
                None => self.missing_weight += 1,
            },
        }
    }

    /// The group's row: its weighted mean, withheld below the coverage asked for.
    fn row(&self, group: GroupKey, min_coverage: f64) -> RollupRow {
        let coverage = if self.areas == 0 {
            0.0
        } else {
            self.used as f64 / self.areas as f64
        };
        let withheld = coverage < min_coverage;
        RollupRow {
            group,
            value: (self.weight > 0.0 && !withheld).then(|| self.weighted_sum / self.weight),
            areas: self.areas,
            used: self.used,
            suppressed: self.suppressed,
            not_measured: self.not_measured,
            missing_weight: self.missing_weight,
            weight: self.weight,
            weight_share: (self.weight_all > 0.0).then(|| self.weight / self.weight_all),
            coverage,
            withheld,
        }
    }

    fn merge(mut self, o: &Acc) -> Acc {
        self.weight_all += o.weight_all;
        self.areas += o.areas;
        self.used += o.used;
        self.suppressed += o.suppressed;
        self.not_measured += o.not_measured;
        self.missing_weight += o.missing_weight;
        self.weight += o.weight;
        self.weighted_sum += o.weighted_sum;
        self
    }
}

impl Dataset {
    /// Refuses weights for areas the data does not have, and weights of which none is for
    /// an area of `level`.
    fn check_weights(&self, w: &Weights, level: Level) -> Result<(), RollupError> {
        let mut unknown: Vec<AreaCode> = w.codes().filter(|c| !self.contains(*c)).collect();
        if !unknown.is_empty() {
            unknown.sort();
            return Err(RollupError::UnknownWeights {
                file: w.source().to_owned(),
                count: unknown.len(),
                total: w.len(),
                examples: unknown.iter().take(5).map(ToString::to_string).collect(),
            });
        }
        if !w.is_empty() && !w.codes().any(|c| c.level() == level) {
            return Err(RollupError::NoWeightsAtLevel {
                file: w.source().to_owned(),
                total: w.len(),
                level,
            });
        }
        Ok(())
    }

    /// Compares weighted roll-ups from `from` to `to` with the published figures of the
    /// parents, for every wave, age group and indicator with figures, in parallel.
    ///
    /// `weights_for` gives the weights of an age group; age groups for which it returns
    /// `None` are skipped. Rows come ordered by absolute deviation, largest first.
    ///
    /// # Errors
    /// [`RollupError::NotAbove`] when `to` is not above `from`.
    pub fn compare_rollup(
        &self,
        from: Level,
        to: Level,
        weights_for: &(dyn Fn(AgeGroup) -> Option<Weights> + Sync),
    ) -> Result<Vec<Deviation>, RollupError> {
        if to >= from {
            return Err(RollupError::NotAbove { from, to });
        }
        let mut jobs = Vec::new();
        for &age in self.age_groups() {
            let Some(w) = weights_for(age) else { continue };
            // Children without a weight, per parent: the same for every wave and indicator.
            let mut missing: HashMap<AreaCode, Vec<AreaCode>> = HashMap::new();
            for c in self.areas(from, None) {
                if w.get(c).is_none()
                    && let Some(p) = c.at_level(to)
                {
                    missing.entry(p).or_default().push(c);
                }
            }
            let shared = std::sync::Arc::new((w, missing));
            for &wave in self.waves() {
                for info in self.indicators() {
                    if self.has_column(info.indicator, wave, age) {
                        jobs.push((age, wave, info.indicator, shared.clone()));
                    }
                }
            }
        }
        let mut out: Vec<Deviation> = jobs
            .into_par_iter()
            .map(
                |(age, wave, ind, shared)| -> Result<Vec<Deviation>, RollupError> {
                    let (w, missing) = &*shared;
                    let r = RollupQuery::new(from, ind, wave, Weighting::Weighted(w))
                        .with_age(age)
                        .with_target(RollupTarget::Parents(to))
                        // The check shows every deviation with its own coverage.
                        .with_min_coverage(0.0)
                        .allowing_unknown_weights()
                        .run(self)?;
                    let mut rows = Vec::with_capacity(r.rows.len());
                    for row in r.rows {
                        let GroupKey::Area(parent) = row.group else {
                            continue;
                        };
                        let published = self
                            .figure(parent, ind, wave, age)
                            .unwrap_or(Figure::NotMeasured);
                        let children_without_weight =
                            missing.get(&parent).cloned().unwrap_or_default();
                        rows.push(Deviation {
                            area: parent,
                            indicator: ind,
                            wave,
                            age,
                            published,
                            weighted: row.value,
                            difference: published.value().zip(row.value).map(|(p, v)| v - p),
                            children: row.areas,
                            used: row.used,
                            suppressed: row.suppressed,
                            children_without_weight,
                        });
                    }
                    Ok(rows)
                },
            )
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        out.sort_by(|a, b| {
            let d = |x: &Deviation| x.difference.map_or(-1.0, f64::abs);
            d(b).total_cmp(&d(a))
                .then(a.area.cmp(&b.area))
                .then(a.wave.cmp(&b.wave))
        });
        Ok(out)
    }
}

impl RollupQuery<'_> {
    /// Rolls one indicator up from the areas of the query's level to their parents or to
    /// user groups, in parallel.
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator, Level, RollupQuery, RollupTarget, Wave, Weighting};
    /// let ds = omzien::demo::dataset();
    /// let pops = omzien::demo::populations();
    /// let q = RollupQuery::new(Level::Buurt, Indicator::LONELY, Wave::new(2020), Weighting::Weighted(&pops))
    ///     .with_target(RollupTarget::Parents(Level::Gemeente))
    ///     .with_age(AgeGroup::ADULTS);
    /// let r = q.run(&ds)?;
    /// assert_eq!(r.rows.len(), 1);
    /// assert!(r.rows[0].suppressed > 0);
    /// # Ok::<(), omzien::RollupError>(())
    /// ```
    ///
    /// # Errors
    /// [`RollupError`] for a target level not above `from`, or an unknown wave or age group.
    pub fn run(&self, ds: &Dataset) -> Result<Rollup, RollupError> {
        let q = self;
        let RollupQuery {
            from,
            indicator: ind,
            wave,
            age,
            target,
            weighting,
            min_coverage,
            refuse_unknown_weights,
        } = *q;
        if let RollupTarget::Parents(to) = target
            && to >= from
        {
            return Err(RollupError::NotAbove { from, to });
        }
        if !(0.0..=1.0).contains(&min_coverage) {
            return Err(RollupError::BadCoverage(min_coverage));
        }
        if let (Weighting::Weighted(w), true) = (weighting, refuse_unknown_weights) {
            ds.check_weights(w, from)?;
        }
        let figs = ds.level_figures(from, ind, wave, age)?;
        let group_of = |code: AreaCode| -> Option<GroupKey> {
            match target {
                RollupTarget::Parents(l) => code.at_level(l).map(GroupKey::Area),
                RollupTarget::Groups(g) => g.get(code).map(|s| GroupKey::Named(s.to_owned())),
            }
        };
        let (accs, ungrouped) = figs
            .par_iter()
            .fold(
                || (HashMap::<GroupKey, Acc>::new(), Vec::new()),
                |(mut m, mut un), &(code, fig)| {
                    let Some(key) = group_of(code) else {
                        un.push(code);
                        return (m, un);
                    };
                    m.entry(key).or_default().add(code, fig, weighting);
                    (m, un)
                },
            )
            .reduce(
                || (HashMap::new(), Vec::new()),
                |(mut m1, mut u1), (m2, u2)| {
                    for (k, a) in m2 {
                        let e = m1.entry(k).or_default();
                        *e = std::mem::take(e).merge(&a);
                    }
                    u1.extend(u2);
                    (m1, u1)
                },
            );
        let sorted: BTreeMap<GroupKey, Acc> = accs.into_iter().collect();
        let mut ungrouped = ungrouped;
        ungrouped.sort();
        Ok(Rollup {
            rows: sorted
                .into_iter()
                .map(|(group, a)| a.row(group, min_coverage))
                .collect(),
            ungrouped,
            weighting: match weighting {
                Weighting::Unweighted => "unweighted".to_owned(),
                Weighting::Weighted(w) => w.source().to_owned(),
            },
        })
    }
}

/// How far a weighted roll-up lies from the published figure of the parent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Deviation {
    /// The parent area.
    pub area: AreaCode,
    /// Indicator.
    pub indicator: Indicator,
    /// Wave.
    pub wave: Wave,
    /// Age group.
    pub age: AgeGroup,
    /// The published figure of the parent.
    pub published: Figure,
    /// The weighted roll-up of its children.
    pub weighted: Option<f64>,
    /// `weighted − published`, percentage points.
    pub difference: Option<f64>,
    /// Children in the dataset.
    pub children: usize,
    /// Children whose value and weight were used.
    pub used: usize,
    /// Children with a suppressed figure.
    pub suppressed: usize,
    /// Children without a weight (e.g. codes that changed in the weights' year).
    pub children_without_weight: Vec<AreaCode>,
}

impl Deviation {
    /// Plain words for why the roll-up may differ: missing weights, suppressed children.
    #[must_use]
    pub fn reasons(&self) -> String {
        let mut r = Vec::new();
        if !self.children_without_weight.is_empty() {
            r.push(format!(
                "{} of {} children have no weight (codes absent from the weights file: {})",
                self.children_without_weight.len(),
                self.children,
                self.children_without_weight
                    .iter()
                    .take(5)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
                    + if self.children_without_weight.len() > 5 {
                        " …"
                    } else {
                        ""
                    }
            ));
        }
        if self.suppressed > 0 {
            r.push(format!(
                "{} of {} children suppressed",
                self.suppressed, self.children
            ));
        }
        if r.is_empty() {
            r.push("all children used: model estimates and weight year differ".to_owned());
        }
        r.join("; ")
    }
}

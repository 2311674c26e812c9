//! Risk areas: high, rising, or both, within a gemeente or the whole country: the query, its
//! modes and references, and the answer. The list is drawn in `list.rs`.

mod list;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::probability::LogitNormal;
use crate::{
    AgeGroup, AreaCode, Caveat, Dataset, Figure, GemeenteCode, Indicator, Level, QueryError,
    TrendError, TrendQuery, Wave,
};

/// What makes an area a risk area.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum RiskCriterion {
    /// Among the highest `top_share` (0–1) of the areas in scope.
    High {
        /// e.g. 0.1 for the top 10 %.
        top_share: f64,
    },
    /// Risen by more than `min_rise` percentage points since the earlier wave.
    Rising {
        /// e.g. 3.0.
        min_rise: f64,
    },
    /// Both high and rising.
    HighAndRising {
        /// Top share.
        top_share: f64,
        /// Minimum rise, percentage points.
        min_rise: f64,
    },
}

/// Which areas a risk list keeps: the highest, the fastest rising, or those that are both.
///
/// ```
/// use omzien::{RiskCriterion, RiskMode};
/// let m: RiskMode = "rising".parse()?;
/// assert_eq!(m, RiskMode::Rising);
/// assert_eq!(RiskMode::default(), RiskMode::Both);
/// assert_eq!(RiskMode::High.to_string(), "high");
/// assert!(matches!(RiskMode::Both.criterion(0.1, 3.0), RiskCriterion::HighAndRising { .. }));
/// assert!("often".parse::<RiskMode>().unwrap_err().to_string().contains("high, rising or both"));
/// # Ok::<(), omzien::RiskError>(())
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RiskMode {
    /// Among the highest share of the areas in scope.
    High,
    /// Risen more than the minimum rise since the earlier wave.
    Rising,
    /// Both high and rising.
    #[default]
    Both,
}

/// The modes and their names, one row each.
const MODES: [(RiskMode, &str); 3] = [
    (RiskMode::High, "high"),
    (RiskMode::Rising, "rising"),
    (RiskMode::Both, "both"),
];

impl RiskMode {
    /// Every mode.
    pub const ALL: [RiskMode; 3] = [Self::High, Self::Rising, Self::Both];

    /// The criterion of this mode with these thresholds.
    #[must_use]
    pub fn criterion(self, top_share: f64, min_rise: f64) -> RiskCriterion {
        match self {
            Self::High => RiskCriterion::High { top_share },
            Self::Rising => RiskCriterion::Rising { min_rise },
            Self::Both => RiskCriterion::HighAndRising {
                top_share,
                min_rise,
            },
        }
    }

    /// `high`, `rising` or `both`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        MODES
            .iter()
            .find(|(m, _)| *m == self)
            .map_or("both", |(_, n)| n)
    }
}

impl std::fmt::Display for RiskMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RiskMode {
    type Err = RiskError;
    fn from_str(s: &str) -> Result<Self, RiskError> {
        let t = s.trim().to_lowercase();
        MODES
            .iter()
            .find(|(_, n)| *n == t)
            .map(|(m, _)| *m)
            .ok_or_else(|| RiskError::UnknownMode(s.to_owned()))
    }
}

/// What a rise is measured against: an area "rises" when its change goes beyond the change
/// of its reference by more than the minimum rise, so a rise that only follows the country
/// (a new survey mode, a lower age limit, a pandemic year) is not a local risk.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RiseReference {
    /// The country's change where the data has the Netherlands, else the gemeente's: the
    /// list says which it used.
    #[default]
    Auto,
    /// The change of the Netherlands (NL01) between the same waves.
    National,
    /// The change of the area's own gemeente (the country's for gemeenten).
    Gemeente,
    /// Nothing: the area's own change (the rule before references, kept for comparison).
    None,
}

/// The references and their names, one row each.
const REFERENCES: [(RiseReference, &str); 4] = [
    (RiseReference::Auto, "auto"),
    (RiseReference::National, "national"),
    (RiseReference::Gemeente, "gemeente"),
    (RiseReference::None, "none"),
];

impl RiseReference {
    /// `auto`, `national`, `gemeente` or `none`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        REFERENCES
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("auto", |(_, n)| n)
    }
}

impl std::fmt::Display for RiseReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `auto`, `national` (also `nl`, `country`), `gemeente` (also `municipality`) or `none`.
///
/// ```
/// use omzien::RiseReference;
/// assert_eq!("NL".parse::<RiseReference>()?, RiseReference::National);
/// assert_eq!("gemeente".parse::<RiseReference>()?, RiseReference::Gemeente);
/// assert!("provincie".parse::<RiseReference>().is_err());
/// # Ok::<(), omzien::RiskError>(())
/// ```
impl std::str::FromStr for RiseReference {
    type Err = RiskError;
    fn from_str(s: &str) -> Result<Self, RiskError> {
        match s.trim().to_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "national" | "nl" | "country" | "nederland" | "land" => Ok(Self::National),
            "gemeente" | "municipality" => Ok(Self::Gemeente),
            "none" | "raw" | "off" => Ok(Self::None),
            _ => Err(RiskError::UnknownReference(s.to_owned())),
        }
    }
}

/// How "high" and "rising" are decided.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RiskBy {
    /// By the point values: the top share by rank, a rise beyond the reference by more than
    /// the minimum (significant after Benjamini–Hochberg where both waves have bounds).
    #[default]
    Rules,
    /// By how sure the mark is: the probability, from the intervals, that the area is truly
    /// among the top share, or truly rose by more than the minimum beyond the reference, at
    /// least [`RiskQuery::min_prob`]. Needs figures with intervals.
    Probability,
}

impl RiskBy {
    /// `rules` or `probability`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rules => "rules",
            Self::Probability => "probability",
        }
    }
}

impl std::fmt::Display for RiskBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `rules` or `probability` (also `prob`).
///
/// ```
/// use omzien::RiskBy;
/// assert_eq!("probability".parse::<RiskBy>()?, RiskBy::Probability);
/// assert!("vibes".parse::<RiskBy>().is_err());
/// # Ok::<(), omzien::RiskError>(())
/// ```
impl std::str::FromStr for RiskBy {
    type Err = RiskError;
    fn from_str(s: &str) -> Result<Self, RiskError> {
        match s.trim().to_lowercase().as_str() {
            "rules" | "rule" | "value" | "values" => Ok(Self::Rules),
            "probability" | "prob" | "probabilities" => Ok(Self::Probability),
            _ => Err(RiskError::UnknownBy(s.to_owned())),
        }
    }
}

/// A risk-area query.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RiskQuery {
    /// Level of the areas ranked.
    pub level: Level,
    /// Only areas within this gemeente; all when `None`.
    pub within: Option<GemeenteCode>,
    /// Indicator.
    pub indicator: Indicator,
    /// Age group.
    pub age: AgeGroup,
    /// The wave ranked.
    pub wave: Wave,
    /// The earlier wave for rises; `None`: the wave before [`RiskQuery::wave`] in the data.
    pub since: Option<Wave>,
    /// The criterion.
    pub criterion: RiskCriterion,
    /// What rises are measured against.
    pub reference: RiseReference,
    /// The least number of areas with a figure in scope for "high" to apply: in a smaller set
    /// the top share would always mark someone (the only wijk of a one-wijk gemeente).
    pub min_areas: usize,
    /// How "high" and "rising" are decided.
    pub by: RiskBy,
    /// [`RiskBy::Probability`]: the least probability (0–1) that marks an area.
    pub min_prob: f64,
    /// Monte Carlo draws of the probabilities.
    pub draws: usize,
    /// Their seed.
    pub seed: u64,
}

impl RiskQuery {
    /// The least number of areas in scope for "high" to apply unless told otherwise.
    pub const DEFAULT_MIN_AREAS: usize = 10;
    /// The share of areas that counts as high unless told otherwise: the top 10 %.
    pub const DEFAULT_TOP_SHARE: f64 = 0.1;
    /// The rise that counts unless told otherwise: more than 3 percentage points.
    pub const DEFAULT_MIN_RISE: f64 = 3.0;
    /// The probability that marks an area unless told otherwise.
    pub const DEFAULT_MIN_PROB: f64 = 0.8;

    /// A query for the `level` areas in `wave` for 18+ that are both among the highest 10 %
    /// and risen more than 3 pp since the wave before.
    ///
    /// ```
    /// use omzien::{Indicator, Level, RiskMode, RiskQuery, Wave};
    /// let ds = omzien::demo::dataset();
    /// let q = RiskQuery::new(Level::Buurt, Indicator::LONELY, Wave::new(2020))
    ///     .with_since(Wave::new(2016))
    ///     .with_mode(RiskMode::Both)
    ///     .with_top_share(0.25);
    /// let hits = q.areas(&ds)?;
    /// assert!(!hits.is_empty());
    /// assert!(hits.iter().all(|h| h.delta.unwrap() > 3.0));
    /// # Ok::<(), omzien::RiskError>(())
    /// ```
    #[must_use]
    pub fn new(level: Level, indicator: Indicator, wave: Wave) -> Self {
        Self {
            level,
            within: None,
            indicator,
            age: AgeGroup::ADULTS,
            wave,
            since: None,
            criterion: RiskMode::default()
                .criterion(Self::DEFAULT_TOP_SHARE, Self::DEFAULT_MIN_RISE),
            reference: RiseReference::Auto,
            min_areas: Self::DEFAULT_MIN_AREAS,
            by: RiskBy::Rules,
            min_prob: Self::DEFAULT_MIN_PROB,
            draws: crate::probability::DEFAULT_DRAWS,
            seed: crate::probability::DEFAULT_SEED,
        }
    }
    /// Decides by probability ([`RiskBy::Probability`]) with this least probability.
    #[must_use]
    pub fn by_probability(mut self, min_prob: f64) -> Self {
        self.by = RiskBy::Probability;
        self.min_prob = min_prob;
        self
    }
    /// Sets the Monte Carlo draws and seed.
    #[must_use]
    pub fn with_draws(mut self, draws: usize, seed: u64) -> Self {
        self.draws = draws;
        self.seed = seed;
        self
    }
    /// Sets what rises are measured against.
    #[must_use]
    pub fn with_reference(mut self, reference: RiseReference) -> Self {
        self.reference = reference;
        self
    }
    /// Sets the least number of areas in scope for "high" to apply.
    #[must_use]
    pub fn with_min_areas(mut self, min_areas: usize) -> Self {
        self.min_areas = min_areas;
        self
    }
    /// Restricts to one gemeente.
    #[must_use]
    pub fn with_gemeente(mut self, g: GemeenteCode) -> Self {
        self.within = Some(g);
        self
    }
    /// Sets the age group.
    #[must_use]
    pub fn with_age(mut self, age: AgeGroup) -> Self {
        self.age = age;
        self
    }
    /// Sets the earlier wave for rises.
    #[must_use]
    pub fn with_since(mut self, since: Wave) -> Self {
        self.since = Some(since);
        self
    }
    /// Sets the criterion.
    #[must_use]
    pub fn with_criterion(mut self, c: RiskCriterion) -> Self {
        self.criterion = c;
        self
    }
    /// Keeps the thresholds and changes the mode.
    #[must_use]
    pub fn with_mode(mut self, mode: RiskMode) -> Self {
        self.criterion = mode.criterion(self.top_share(), self.min_rise());
        self
    }
    /// Sets the share (0–1) that counts as high.
    #[must_use]
    pub fn with_top_share(mut self, top_share: f64) -> Self {
        self.criterion = self.mode().criterion(top_share, self.min_rise());
        self
    }
    /// Sets the rise, percentage points, that counts as rising.
    #[must_use]
    pub fn with_min_rise(mut self, min_rise: f64) -> Self {
        self.criterion = self.mode().criterion(self.top_share(), min_rise);
        self
    }
    /// The earlier wave rises are measured from: [`RiskQuery::since`], else the wave before
    /// [`RiskQuery::wave`] in the data.
    #[must_use]
    pub fn earlier_wave(&self, ds: &Dataset) -> Option<Wave> {
        self.since.or_else(|| ds.wave_before(self.wave))
    }
    /// The mode of the criterion.
    #[must_use]
    pub fn mode(&self) -> RiskMode {
        match self.criterion {
            RiskCriterion::High { .. } => RiskMode::High,
            RiskCriterion::Rising { .. } => RiskMode::Rising,
            RiskCriterion::HighAndRising { .. } => RiskMode::Both,
        }
    }
    /// The share that counts as high (the default where the mode has none).
    #[must_use]
    pub fn top_share(&self) -> f64 {
        match self.criterion {
            RiskCriterion::High { top_share } | RiskCriterion::HighAndRising { top_share, .. } => {
                top_share
            }
            RiskCriterion::Rising { .. } => Self::DEFAULT_TOP_SHARE,
        }
    }
    /// The rise that counts as rising (the default where the mode has none).
    #[must_use]
    pub fn min_rise(&self) -> f64 {
        match self.criterion {
            RiskCriterion::Rising { min_rise } | RiskCriterion::HighAndRising { min_rise, .. } => {
                min_rise
            }
            RiskCriterion::High { .. } => Self::DEFAULT_MIN_RISE,
        }
    }
}

/// An area that meets a risk criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RiskArea {
    /// The area.
    pub area: AreaCode,
    /// Its name for people.
    pub name: String,
    /// Indicator.
    pub indicator: Indicator,
    /// Its value in the ranked wave.
    pub value: f64,
    /// The value's 95 % interval `[lower, upper]`, where the data has both bounds.
    pub interval: Option<(f64, f64)>,
    /// Rank by value among the areas in scope with a value (1 = highest).
    pub rank: usize,
    /// Areas in scope with a value.
    pub ranked: usize,
    /// Change since the earlier wave, percentage points.
    pub delta: Option<f64>,
    /// The reference's change between the same waves (the country's or the gemeente's).
    pub reference_delta: Option<f64>,
    /// The change beyond the reference's: what "rising" is judged on.
    pub excess: Option<f64>,
    /// Whether the area's own change is significant at 95 % (MOVER), where both waves have
    /// bounds.
    pub significant: Option<bool>,
    /// The p-value of its own change (MOVER inverted), where both waves have bounds.
    pub p_value: Option<f64>,
    /// Whether that change stays significant when the false discovery rate over every area
    /// tested in scope is held at 5 % (Benjamini–Hochberg).
    pub significant_fdr: Option<bool>,
    /// The probability that it is truly among the top share of its set, where the figures
    /// carry intervals.
    pub p_top: Option<f64>,
    /// The probability that it truly rose by more than the minimum beyond the reference,
    /// where both waves carry intervals.
    pub p_rise: Option<f64>,
    /// Whether it meets the "high" rule.
    pub high: bool,
    /// Whether it meets the "rising" rule.
    pub rising: bool,
    /// Its gemeente's figure in the same wave.
    pub gemeente_value: Figure,
    /// The national figure in the same wave.
    pub national_value: Figure,
    /// Caveats of the trend.
    pub caveats: Vec<Caveat>,
}

/// A risk query that cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RiskError {
    /// A rise was asked for without an earlier wave.
    #[error("a rising criterion needs an earlier wave (since)")]
    NoEarlierWave,
    /// A `since` wave that is not before the wave ranked.
    #[error(
        "since {since}: rises are measured from a wave before the one ranked ({wave}); give an earlier wave"
    )]
    SinceNotBefore {
        /// The wave rises were to be measured from.
        since: Wave,
        /// The wave ranked.
        wave: Wave,
    },
    /// A mode that is not high, rising or both.
    #[error("mode: {0:?} is not high, rising or both")]
    UnknownMode(String),
    /// A share outside 0–1.
    #[error("top share {0} must lie between 0 and 1")]
    BadShare(f64),
    /// A way of deciding that is not rules or probability.
    #[error("by: {0:?} is not rules or probability")]
    UnknownBy(String),
    /// A probability outside 0–1, or no draws.
    #[error("min-prob {0} must lie between 0 and 1, with at least one draw")]
    BadProbability(f64),
    /// Probabilities asked of figures without intervals.
    #[error(
        "by probability needs figures with 95% intervals, and {what} carry none (the national 50090NED files publish none); decide by rules instead (by: rules), which marks by the point values"
    )]
    NoIntervals {
        /// What has none.
        what: String,
    },
    /// A reference that is not national, gemeente or none.
    #[error("against: {0:?} is not auto, national, gemeente or none")]
    UnknownReference(String),
    /// A rise measured against a reference the data lacks.
    #[error(
        "rises are measured against the change of {what}, which the data does not hold for {since} → {wave}; measure against another (against: gemeente or none)"
    )]
    NoReference {
        /// The reference missing.
        what: String,
        /// The earlier wave.
        since: Wave,
        /// The wave ranked.
        wave: Wave,
    },
    /// A trend error.
    #[error(transparent)]
    Trend(#[from] TrendError),
    /// A query error.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// A risk list and what it was drawn from: how many areas were ranked, whether "high" could
/// apply, what rises were measured against.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RiskList {
    /// The areas that meet the criterion, highest first (rising: largest excess first).
    pub areas: Vec<RiskArea>,
    /// Areas in scope with a figure (the set ranked).
    pub ranked: usize,
    /// Whether "high" applied: false when fewer than [`RiskQuery::min_areas`] were ranked.
    pub high_applies: bool,
    /// The earlier wave of the rises, if any.
    pub since: Option<Wave>,
    /// What rises were measured against (never [`RiseReference::Auto`]: the one it chose).
    pub reference: RiseReference,
    /// The national change between the waves, where the data has it.
    pub national_delta: Option<f64>,
    /// How the marks were decided.
    pub by: RiskBy,
    /// Ranked areas whose figure carries a 95 % interval: with none, every mark is by the
    /// point values alone.
    pub with_intervals: usize,
    /// Areas whose change was tested (both waves with bounds): the Benjamini–Hochberg family.
    pub tested: usize,
    /// Of them, significant at 95 % each on its own, and after the false discovery rate
    /// control.
    pub significant: (usize, usize),
    /// [`RiskBy::Probability`]: the least probability, the draws and the seed.
    pub probability: Option<(f64, usize, u64)>,
}

impl RiskList {
    /// The share (0–1) of the ranked areas the list flags.
    #[must_use]
    pub fn flagged_share(&self) -> f64 {
        if self.ranked == 0 {
            0.0
        } else {
            self.areas.len() as f64 / self.ranked as f64
        }
    }
}

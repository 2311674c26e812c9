//! Risk areas: high, rising, or both, within a gemeente or the whole country.

use serde::Serialize;

use crate::aggregate::ser_display;
use crate::{
    AgeGroup, AreaCode, Caveat, Dataset, Figure, GemeenteCode, Indicator, Level, QueryError,
    TrendError, TrendOptions, Wave,
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
    /// The earlier wave for rises.
    pub since: Option<Wave>,
    /// The criterion.
    pub criterion: RiskCriterion,
}

impl RiskQuery {
    /// A query for the highest 10 % of `level` areas in `wave` for 18+.
    ///
    /// ```
    /// use omzien::{Indicator, Level, RiskCriterion, RiskQuery, Wave};
    /// let ds = omzien::demo::dataset();
    /// let q = RiskQuery::new(Level::Buurt, Indicator::LONELY, Wave::new(2020))
    ///     .with_since(Wave::new(2016))
    ///     .with_criterion(RiskCriterion::HighAndRising { top_share: 0.25, min_rise: 3.0 });
    /// let hits = ds.risk_areas(&q)?;
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
            criterion: RiskCriterion::High { top_share: 0.1 },
        }
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
    #[serde(serialize_with = "ser_display")]
    pub indicator: Indicator,
    /// Its value in the ranked wave.
    pub value: f64,
    /// Rank by value among the areas in scope with a value (1 = highest).
    pub rank: usize,
    /// Areas in scope with a value.
    pub ranked: usize,
    /// Change since the earlier wave, percentage points.
    pub delta: Option<f64>,
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
    /// A share outside 0–1.
    #[error("top share {0} must lie between 0 and 1")]
    BadShare(f64),
    /// A trend error.
    #[error(transparent)]
    Trend(#[from] TrendError),
    /// A query error.
    #[error(transparent)]
    Query(#[from] QueryError),
}

impl Dataset {
    /// Areas that meet a risk criterion, highest value first (rising: largest rise first).
    ///
    /// # Errors
    /// [`RiskError`] for a rising criterion without an earlier wave, a bad share, or an
    /// unknown wave or age group.
    pub fn risk_areas(&self, q: &RiskQuery) -> Result<Vec<RiskArea>, RiskError> {
        let (top_share, min_rise) = match q.criterion {
            RiskCriterion::High { top_share } => (Some(top_share), None),
            RiskCriterion::Rising { min_rise } => (None, Some(min_rise)),
            RiskCriterion::HighAndRising {
                top_share,
                min_rise,
            } => (Some(top_share), Some(min_rise)),
        };
        if let Some(s) = top_share.filter(|s| !(0.0..=1.0).contains(s)) {
            return Err(RiskError::BadShare(s));
        }
        if min_rise.is_some() && q.since.is_none() {
            return Err(RiskError::NoEarlierWave);
        }
        let mut valued: Vec<(AreaCode, f64)> = self
            .level_figures(q.level, q.indicator, q.wave, q.age)?
            .into_iter()
            .filter(|(c, _)| q.within.is_none_or(|g| c.gemeente() == Some(g)))
            .filter_map(|(c, f)| f.value().map(|v| (c, v)))
            .collect();
        valued.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let ranked = valued.len();
        let cutoff = top_share.map(|s| (s * ranked as f64).ceil() as usize);
        let national = match self.national() {
            Some(nl) => self.figure(nl, q.indicator, q.wave, q.age)?,
            None => Figure::NotMeasured,
        };
        let mut out = Vec::new();
        for (i, (area, value)) in valued.into_iter().enumerate() {
            let rank = i + 1;
            if cutoff.is_some_and(|c| rank > c) {
                continue;
            }
            let trend = match q.since {
                Some(since) => Some(self.trend(
                    area,
                    q.indicator,
                    q.age,
                    since,
                    q.wave,
                    TrendOptions::default(),
                )?),
                None => None,
            };
            let delta = trend.as_ref().and_then(|t| t.delta);
            if let Some(m) = min_rise {
                if !delta.is_some_and(|d| d > m) {
                    continue;
                }
            }
            let gemeente_value = match area.gemeente().map(AreaCode::Gemeente) {
                Some(g) if self.contains(g) => self.figure(g, q.indicator, q.wave, q.age)?,
                _ => Figure::NotMeasured,
            };
            out.push(RiskArea {
                area,
                name: self.area(area)?.display_name(),
                indicator: q.indicator,
                value,
                rank,
                ranked,
                delta,
                gemeente_value,
                national_value: national,
                caveats: trend.map(|t| t.caveats).unwrap_or_default(),
            });
        }
        if top_share.is_none() {
            out.sort_by(|a, b| {
                b.delta
                    .unwrap_or(f64::MIN)
                    .total_cmp(&a.delta.unwrap_or(f64::MIN))
                    .then(a.area.cmp(&b.area))
            });
        }
        Ok(out)
    }
}

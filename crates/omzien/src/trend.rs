//! Change between two waves, per area, indicator and age group, with its caveats.

use rayon::prelude::*;
use serde::Serialize;

use crate::{
    AgeGroup, AreaCode, Dataset, Figure, GemeenteCode, Indicator, Level, QueryError, Wave,
};

/// The change from `from` to `to` (`to − from`), the binary noise of subtracting one-decimal
/// figures rounded away: `change(47.5, 53.2)` is `5.7`, not `5.700000000000003`. Every change
/// shown (trends, delta layers, vector tiles) is this number.
///
/// ```
/// assert_eq!(omzien::change(47.5, 53.2), 5.7);
/// ```
#[must_use]
pub fn change(from: f64, to: f64) -> f64 {
    ((to - from) * 1e6).round() / 1e6
}

/// Direction of a change, judged against a band of ± `band` percentage points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Up by more than the band.
    Rising,
    /// Down by more than the band.
    Falling,
    /// Within the band.
    Stable,
}

impl Direction {
    /// Classifies a delta in percentage points.
    ///
    /// ```
    /// use omzien::Direction;
    /// assert_eq!(Direction::of(2.5, 2.0), Direction::Rising);
    /// assert_eq!(Direction::of(-2.0, 2.0), Direction::Stable);
    /// assert_eq!(Direction::of(-2.1, 2.0), Direction::Falling);
    /// ```
    #[must_use]
    pub fn of(delta: f64, band: f64) -> Direction {
        if delta > band {
            Self::Rising
        } else if delta < -band {
            Self::Falling
        } else {
            Self::Stable
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Rising => "rising",
            Self::Falling => "falling",
            Self::Stable => "stable",
        })
    }
}

/// Something a reader of a trend must know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Caveat {
    /// The surveys covered different ages (2012 and 2016 from 19, 2020 from 18).
    AgeRangeChanged {
        /// Youngest age surveyed in the first wave.
        from_min_age: u8,
        /// Youngest age surveyed in the second wave.
        to_min_age: u8,
    },
    /// The figure of a wave is suppressed: no delta.
    Suppressed {
        /// The wave.
        #[cfg_attr(feature = "schema", schema(value_type = u16))]
        wave: Wave,
    },
    /// The indicator was not measured in a wave: no delta.
    NotMeasured {
        /// The wave.
        #[cfg_attr(feature = "schema", schema(value_type = u16))]
        wave: Wave,
    },
    /// No 95% bounds in the files: significance unknown.
    NoInterval,
}

impl Caveat {
    /// The caveats as one line of text, `; `-separated (empty when none).
    ///
    /// ```
    /// use omzien::{Caveat, Wave};
    /// let c = [Caveat::Suppressed { wave: Wave::new(2016) }, Caveat::NoInterval];
    /// assert_eq!(Caveat::join(&c), "suppressed in 2016; no 95% bounds: significance unknown");
    /// ```
    #[must_use]
    pub fn join(caveats: &[Caveat]) -> String {
        caveats
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl std::fmt::Display for Caveat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AgeRangeChanged {
                from_min_age,
                to_min_age,
            } => {
                write!(
                    f,
                    "age range changed: survey from age {from_min_age} vs from age {to_min_age}"
                )
            }
            Self::Suppressed { wave } => write!(f, "suppressed in {wave}"),
            Self::NotMeasured { wave } => write!(f, "not measured in {wave}"),
            Self::NoInterval => f.write_str("no 95% bounds: significance unknown"),
        }
    }
}

/// A trend query: one indicator and age group between two waves, for one area
/// ([`TrendQuery::area`]) or every area of a level ([`TrendQuery::run`]).
///
/// ```
/// use omzien::{AgeGroup, Direction, Indicator, Level, TrendQuery, Wave};
/// let ds = omzien::demo::dataset();
/// let q = TrendQuery::new(Indicator::LONELY, Wave::new(2016), Wave::new(2020))
///     .with_age(AgeGroup::SENIORS)
///     .with_level(Level::Wijk)
///     .with_band(1.0);
/// let trends = q.run(&ds)?;
/// assert_eq!(trends.len(), ds.count(Level::Wijk));
/// assert!(trends.iter().all(|t| t.age == AgeGroup::SENIORS));
/// # Ok::<(), omzien::TrendError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct TrendQuery {
    /// The indicator.
    pub indicator: Indicator,
    /// The age group (default 18+).
    pub age: AgeGroup,
    /// First wave.
    pub from: Wave,
    /// Second wave.
    pub to: Wave,
    /// Changes within ± this many percentage points are stable (default 2).
    pub band: f64,
    /// The level of the areas [`TrendQuery::run`] lists (default gemeente).
    pub level: Level,
    /// Only areas within this gemeente; all when `None`.
    pub within: Option<GemeenteCode>,
}

impl TrendQuery {
    /// The default band of a stable change, percentage points.
    pub const DEFAULT_BAND: f64 = 2.0;

    /// A query for `indicator` between two waves, 18+, gemeenten, band ±2 pp.
    #[must_use]
    pub fn new(indicator: Indicator, from: Wave, to: Wave) -> Self {
        Self {
            indicator,
            age: AgeGroup::ADULTS,
            from,
            to,
            band: Self::DEFAULT_BAND,
            level: Level::Gemeente,
            within: None,
        }
    }
    /// Sets the age group.
    #[must_use]
    pub fn with_age(mut self, age: AgeGroup) -> Self {
        self.age = age;
        self
    }
    /// Changes within ± `band` percentage points count as stable.
    #[must_use]
    pub fn with_band(mut self, band: f64) -> Self {
        self.band = band.abs();
        self
    }
    /// Sets the level of the areas listed.
    #[must_use]
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }
    /// Restricts the list to one gemeente.
    #[must_use]
    pub fn with_gemeente(mut self, g: GemeenteCode) -> Self {
        self.within = Some(g);
        self
    }
}

/// The change of one figure between two waves.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Trend {
    /// The area.
    pub area: AreaCode,
    /// The indicator.
    pub indicator: Indicator,
    /// The age group.
    pub age: AgeGroup,
    /// First wave.
    pub from: Wave,
    /// Second wave.
    pub to: Wave,
    /// Figure in the first wave.
    pub from_figure: Figure,
    /// Figure in the second wave.
    pub to_figure: Figure,
    /// The first wave's 95 % interval `[lower, upper]`, where the data has both bounds.
    pub from_interval: Option<(f64, f64)>,
    /// The second wave's 95 % interval, where the data has both bounds.
    pub to_interval: Option<(f64, f64)>,
    /// Change in percentage points, when both are values.
    pub delta: Option<f64>,
    /// Direction of the change.
    pub direction: Option<Direction>,
    /// Whether the change is significant at 95%, when both waves have bounds.
    pub significant: Option<bool>,
    /// What a reader must know.
    pub caveats: Vec<Caveat>,
}

/// A trend that cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrendError {
    /// A query error.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// Whether the age range surveyed differs between the waves for this age group.
pub(crate) fn age_caveat(age: AgeGroup, from: Wave, to: Wave) -> Option<Caveat> {
    let (a, b) = (from.survey_min_age()?, to.survey_min_age()?);
    if a == b {
        return None;
    }
    // A group that starts at or above both minimum ages is surveyed alike in both waves.
    let starts_above = age.bounds().is_some_and(|(min, _)| min >= a.max(b));
    (!starts_above).then_some(Caveat::AgeRangeChanged {
        from_min_age: a,
        to_min_age: b,
    })
}

impl TrendQuery {
    /// The change of a figure between two waves (the query's level and gemeente play no
    /// part here).
    ///
    /// ```
    /// use omzien::{Direction, Indicator, TrendQuery, Wave};
    /// let ds = omzien::demo::dataset();
    /// let q = TrendQuery::new(Indicator::LONELY, Wave::new(2012), Wave::new(2020));
    /// let t = q.area(&ds, "WK999903".parse()?)?;
    /// assert_eq!(t.direction, Some(Direction::Rising));
    /// assert!(t.caveats.iter().any(|c| matches!(c, omzien::Caveat::AgeRangeChanged { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`TrendError`] for waves not in order (the same twice, or the later first), or an
    /// unknown area, wave or age group.
    pub fn area(&self, ds: &Dataset, area: AreaCode) -> Result<Trend, TrendError> {
        let TrendQuery {
            indicator: ind,
            age,
            from,
            to,
            band,
            ..
        } = *self;
        if from >= to {
            return Err(QueryError::WaveOrder { from, to }.into());
        }
        let a = ds.figure(area, ind, from, age)?;
        let b = ds.figure(area, ind, to, age)?;
        let mut caveats = Vec::new();
        caveats.extend(age_caveat(age, from, to));
        for (w, f) in [(from, a), (to, b)] {
            match f {
                Figure::Suppressed => caveats.push(Caveat::Suppressed { wave: w }),
                Figure::NotMeasured => caveats.push(Caveat::NotMeasured { wave: w }),
                Figure::Value(_) => {}
            }
        }
        let delta = a.value().zip(b.value()).map(|(x, y)| change(x, y));
        let from_interval = ds.interval(area, ind, from, age)?;
        let to_interval = ds.interval(area, ind, to, age)?;
        let significant = match (a.value().zip(from_interval), b.value().zip(to_interval)) {
            (Some(x), Some(y)) => {
                let s = significant_change(x, y);
                if s.is_none() {
                    // Bounds of zero width (or not around their value) test nothing.
                    caveats.push(Caveat::NoInterval);
                }
                s
            }
            _ if delta.is_some() => {
                caveats.push(Caveat::NoInterval);
                None
            }
            _ => None,
        };
        Ok(Trend {
            area,
            indicator: ind,
            age,
            from,
            to,
            from_figure: a,
            to_figure: b,
            from_interval,
            to_interval,
            delta,
            direction: delta.map(|d| Direction::of(d, band)),
            significant,
            caveats,
        })
    }

    /// Trends for every area of the query's level (within its gemeente, if it names one),
    /// in code order, computed in parallel.
    ///
    /// # Errors
    /// As [`TrendQuery::area`].
    pub fn run(&self, ds: &Dataset) -> Result<Vec<Trend>, TrendError> {
        ds.areas(self.level, self.within)
            .into_par_iter()
            .map(|a| self.area(ds, a))
            .collect()
    }
}

/// Whether the change between two independent estimates, each with its 95 % interval, is
/// significant at 5 %: the MOVER interval of the difference (Newcombe 1998; Zou & Donner 2008)
/// excludes 0. Each side of the difference takes the matching side of each interval, so an
/// asymmetric interval (small-area estimates near 0 or 100 %) is not read as symmetric; for
/// symmetric intervals this is the usual normal test.
///
/// `None` (not tested) when an interval has no width or does not hold its value.
fn significant_change(
    (p1, (l1, u1)): (f64, (f64, f64)),
    (p2, (l2, u2)): (f64, (f64, f64)),
) -> Option<bool> {
    let holds = |p: f64, l: f64, u: f64| l <= p && p <= u && u > l;
    if !(holds(p1, l1, u1) && holds(p2, l2, u2)) {
        return None;
    }
    let d = change(p1, p2);
    let lower = d - ((p2 - l2).powi(2) + (u1 - p1).powi(2)).sqrt();
    let upper = d + ((u2 - p2).powi(2) + (p1 - l1).powi(2)).sqrt();
    Some(lower > 0.0 || upper < 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_tested_by_mover_not_as_if_bounds_were_symmetric() {
        // 44.8 [40.0, 56.0] → 54.2 [50.0, 57.0]: a z-test on half-widths says z = 2.11, but the
        // difference's MOVER interval, 9.4 − √(4.2² + 11.2²) = −2.56 to 9.4 + √(2.8² + 4.8²),
        // holds 0.
        assert_eq!(
            significant_change((44.8, (40.0, 56.0)), (54.2, (50.0, 57.0))),
            Some(false)
        );
        // Symmetric bounds: the normal test (half-widths 3 and 4, so 5 is the edge).
        assert_eq!(
            significant_change((40.0, (37.0, 43.0)), (45.1, (41.1, 49.1))),
            Some(true)
        );
        assert_eq!(
            significant_change((40.0, (37.0, 43.0)), (44.9, (40.9, 48.9))),
            Some(false)
        );
        assert_eq!(
            significant_change((45.1, (41.1, 49.1)), (40.0, (37.0, 43.0))),
            Some(true)
        );
        // Bounds of zero width, or not around their value, test nothing.
        assert_eq!(
            significant_change((40.0, (40.0, 40.0)), (50.0, (50.0, 50.0))),
            None
        );
        assert_eq!(
            significant_change((40.0, (41.0, 45.0)), (50.0, (48.0, 52.0))),
            None
        );
    }

    #[test]
    fn age_caveat_only_where_the_ages_differ() {
        let (w12, w16, w20) = (Wave::new(2012), Wave::new(2016), Wave::new(2020));
        assert!(age_caveat(AgeGroup::ADULTS, w12, w20).is_some());
        assert!(age_caveat(AgeGroup::WORKING_AGE, w16, w20).is_some());
        assert!(age_caveat(AgeGroup::ADULTS, w12, w16).is_none());
        assert!(age_caveat(AgeGroup::SENIORS, w12, w20).is_none());
        // An age group without known bounds gets the caveat.
        assert!(age_caveat("99999".parse().unwrap(), w12, w20).is_some());
    }
}

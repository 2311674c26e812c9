//! The trend over every wave: where three or more waves carry 95 % intervals, a weighted
//! linear trend on the actual survey years, on the logit scale, each wave weighed by the
//! inverse of its variance (from its interval), with its test: χ² = (slope / SE)² on one
//! degree of freedom. Five or more points follow Fingertips' recent-trend rule (χ² > 9.5495,
//! 99.8 %); three or four are tested at 95 % (χ² > 3.8415) and say so.

use serde::Serialize;

use crate::interval::expit;
use crate::{AgeGroup, AreaCode, Dataset, Direction, Indicator, LogitNormal, QueryError, Wave};

/// χ² on one degree of freedom at 99.8 %: Fingertips' recent-trend threshold.
pub const CHI2_998: f64 = 9.549_535_93;
/// χ² on one degree of freedom at 95 %.
pub const CHI2_95: f64 = 3.841_458_82;

/// A weighted least-squares line through points `(x, y)` with known variances: slope, its
/// standard error (the variances taken as known, not rescaled by the residuals, as
/// `statsmodels`' `WLS(...).fit(cov_type="fixed scale")`), and the intercept.
///
/// ```
/// let (b, se, a) = omzien::weighted_line(&[(0.0, 1.0, 1.0), (1.0, 3.0, 1.0), (2.0, 5.0, 1.0)]).unwrap();
/// assert!((b - 2.0).abs() < 1e-12 && (a - 1.0).abs() < 1e-12);
/// assert!((se - 0.5f64.sqrt()).abs() < 1e-12);
/// ```
#[must_use]
pub fn weighted_line(points: &[(f64, f64, f64)]) -> Option<(f64, f64, f64)> {
    if points.len() < 2 || points.iter().any(|p| !(p.2 > 0.0 && p.2.is_finite())) {
        return None;
    }
    let sw: f64 = points.iter().map(|p| 1.0 / p.2).sum();
    let xbar = points.iter().map(|p| p.0 / p.2).sum::<f64>() / sw;
    let ybar = points.iter().map(|p| p.1 / p.2).sum::<f64>() / sw;
    let sxx: f64 = points.iter().map(|p| (p.0 - xbar).powi(2) / p.2).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = points
        .iter()
        .map(|p| (p.0 - xbar) * (p.1 - ybar) / p.2)
        .sum();
    let b = sxy / sxx;
    Some((b, (1.0 / sxx).sqrt(), ybar - b * xbar))
}

/// An area's trend over every wave with an interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct WaveTrend {
    /// The indicator, by its OData key.
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub indicator: Indicator,
    /// The age group.
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub age: AgeGroup,
    /// The waves used (those with a value and an interval).
    #[cfg_attr(feature = "schema", schema(value_type = Vec<u16>))]
    pub waves: Vec<Wave>,
    /// Slope per year on the logit scale.
    pub slope: f64,
    /// Its standard error.
    pub se: f64,
    /// χ² = (slope / SE)².
    pub chi2: f64,
    /// Its p-value (one degree of freedom).
    pub p_value: f64,
    /// The threshold it is judged by: 9.5495 (99.8 %) with five or more waves, 3.8415 (95 %)
    /// with three or four.
    pub threshold: f64,
    /// χ² above the threshold.
    pub significant: bool,
    /// Rising or falling where significant, else stable.
    pub direction: Direction,
    /// The fitted change from the first to the last wave used, percentage points.
    pub fitted_change: f64,
}

impl Dataset {
    /// The weighted linear trend of an area over every wave where it has a value and a 95 %
    /// interval; `None` with fewer than three such waves (the national 50090NED files carry
    /// no intervals).
    ///
    /// # Errors
    /// [`QueryError`] for an area or age group the dataset does not hold.
    pub fn wave_trend(
        &self,
        area: AreaCode,
        indicator: Indicator,
        age: AgeGroup,
    ) -> Result<Option<WaveTrend>, QueryError> {
        let mut points = Vec::new();
        let mut waves = Vec::new();
        for &w in self.waves() {
            let Some(v) = self.figure(area, indicator, w, age)?.value() else {
                continue;
            };
            let Some(iv) = self.interval(area, indicator, w, age)? else {
                continue;
            };
            let Some(d) = LogitNormal::from_interval(v, iv) else {
                continue;
            };
            points.push((f64::from(w.year()), d.centre(), d.se() * d.se()));
            waves.push(w);
        }
        if points.len() < 3 {
            return Ok(None);
        }
        let Some((slope, se, intercept)) = weighted_line(&points) else {
            return Ok(None);
        };
        let chi2 = (slope / se).powi(2);
        let threshold = if points.len() >= 5 { CHI2_998 } else { CHI2_95 };
        let significant = chi2 > threshold;
        let (first, last) = (points[0].0, points[points.len() - 1].0);
        Ok(Some(WaveTrend {
            indicator,
            age,
            waves,
            slope,
            se,
            chi2,
            p_value: libm::erfc((chi2 / 2.0).sqrt()),
            threshold,
            significant,
            direction: match (significant, slope > 0.0) {
                (false, _) => Direction::Stable,
                (true, true) => Direction::Rising,
                (true, false) => Direction::Falling,
            },
            fitted_change: crate::change(
                100.0 * expit(intercept + slope * first),
                100.0 * expit(intercept + slope * last),
            ),
        }))
    }
}

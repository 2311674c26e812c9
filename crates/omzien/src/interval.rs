//! Intervals at 95 % and 99.8 %: the normal quantiles, a published figure's interval at
//! another level (on the logit scale for percentages) and the Wilson score interval.

use serde::Serialize;

use crate::Unit;

/// z of the two-sided 95 % normal interval.
pub const Z95: f64 = 1.959_963_984_540_054;
/// z of the two-sided 99.8 % normal interval (Fingertips' outer control limit).
pub const Z998: f64 = 3.090_232_306_167_813_5;

/// The confidence level of an interval or a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum Confidence {
    /// 95 %: about 1 in 20 areas of a similar true value lies outside by chance.
    #[serde(rename = "95")]
    P95,
    /// 99.8 %: about 1 in 500.
    #[serde(rename = "99.8")]
    P998,
}

impl Confidence {
    /// The normal quantile of the two-sided interval.
    #[must_use]
    pub fn z(self) -> f64 {
        match self {
            Self::P95 => Z95,
            Self::P998 => Z998,
        }
    }
}

/// The log-odds of a share (0–1).
pub(crate) fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// The share (0–1) of log-odds.
pub(crate) fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The interval of a published figure at another confidence level, from its 95 % interval.
///
/// For a percentage the interval is taken as normal on the logit scale, each side with its own
/// standard error ((logit p − logit lower) / 1.960 below, likewise above), so asymmetric
/// published bounds stay asymmetric and the wider interval stays within 0–100 %. Where the
/// logit is not defined (a figure or bound at 0 or 100 %) and for other units, the sides
/// are scaled on the figure's own scale and kept within 0–100 % for percentages.
///
/// ```
/// use omzien::{Confidence, Unit, interval_at};
/// let (lo, hi) = interval_at(47.0, (45.0, 49.0), Unit::Percent, Confidence::P998);
/// assert!(lo < 45.0 && hi > 49.0);
/// assert!((lo - 43.854).abs() < 0.001 && (hi - 50.155).abs() < 0.001, "{lo} {hi}");
/// assert_eq!(interval_at(47.0, (45.0, 49.0), Unit::Percent, Confidence::P95), (45.0, 49.0));
/// ```
#[must_use]
pub fn interval_at(value: f64, (lo, hi): (f64, f64), unit: Unit, to: Confidence) -> (f64, f64) {
    if to == Confidence::P95 {
        return (lo, hi);
    }
    let k = to.z() / Z95;
    let linear = |b: f64| value + (b - value) * k;
    if unit != Unit::Percent {
        return (linear(lo), linear(hi));
    }
    let inside = |x: f64| x > 0.0 && x < 100.0;
    let side = |b: f64| {
        if b == value {
            b
        } else if inside(value) && inside(b) {
            let c = logit(value / 100.0);
            100.0 * expit(c + (logit(b / 100.0) - c) * k)
        } else {
            linear(b).clamp(0.0, 100.0)
        }
    };
    (side(lo), side(hi))
}

/// The Wilson score interval for a share `p` (0–1) on `n` (effective) observations at a
/// confidence level: what `statsmodels`' `proportion_confint(method="wilson")` gives.
///
/// ```
/// use omzien::{Confidence, wilson};
/// let (lo, hi) = wilson(0.4, 100.0, Confidence::P95);
/// assert!((lo - 0.3094).abs() < 1e-3 && (hi - 0.4980).abs() < 1e-3);
/// let (lo8, hi8) = wilson(0.4, 100.0, Confidence::P998);
/// assert!(lo8 < lo && hi8 > hi);
/// ```
#[must_use]
pub fn wilson(p: f64, n: f64, level: Confidence) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z = level.z();
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_998_interval_is_the_95_interval_widened_on_the_logit_scale() {
        // Worked by hand: logit(0.47) = −0.12014, logit(0.45) = −0.20067; the lower side's
        // standard error (−0.12014 + 0.20067)/1.95996 = 0.041087; −0.12014 − 3.09023 × 0.041087
        // = −0.24711 → 43.853 %.
        let (lo, hi) = interval_at(47.0, (45.0, 49.0), Unit::Percent, Confidence::P998);
        assert!((lo - 43.853).abs() < 0.005, "{lo}");
        assert!(hi > 50.1 && hi < 50.2, "{hi}");
        // Asymmetric bounds stay asymmetric.
        let (lo, hi) = interval_at(10.0, (6.0, 12.0), Unit::Percent, Confidence::P998);
        assert!(10.0 - lo > 1.5 * (hi - 10.0), "{lo} {hi}");
        // At the edge of the scale: kept within 0–100.
        let (lo, hi) = interval_at(1.0, (0.0, 3.0), Unit::Percent, Confidence::P998);
        assert_eq!(lo, 0.0);
        assert!(hi > 3.0 && hi <= 100.0);
        let (lo, _) = interval_at(0.0, (0.0, 2.0), Unit::Percent, Confidence::P998);
        assert_eq!(lo, 0.0);
        // Another unit scales linearly.
        let (lo, hi) = interval_at(10.0, (8.0, 12.0), Unit::Number, Confidence::P998);
        assert!(
            (lo - (10.0 - 2.0 * Z998 / Z95)).abs() < 1e-12
                && (hi - (10.0 + 2.0 * Z998 / Z95)).abs() < 1e-12
        );
    }
}

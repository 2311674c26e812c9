//! Classification of figures into classes for a choropleth, and the colours of the classes.
//!
//! Strategies are unit structs implementing [`Classifier`]: `Quantiles.breaks(&values, 5)`.

mod palette;

use std::str::FromStr;

pub use palette::{Color, NOT_MEASURED, Palette, Ramp, SUPPRESSED};

/// A classification that cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ClassifyError {
    /// Fewer than two classes, or more than the method allows.
    #[error("{classes} classes asked for: between 2 and {max}")]
    ClassCount {
        /// Asked for.
        classes: usize,
        /// The maximum.
        max: usize,
    },
    /// No values to classify.
    #[error("no values to classify")]
    NoValues,
    /// Fixed breaks that are not strictly increasing numbers.
    #[error("fixed breaks must be strictly increasing numbers, got {0:?}")]
    BadBreaks(String),
    /// An unknown method name.
    #[error("unknown classification {0:?}: expected quantile, equal, jenks or fixed:a,b,c")]
    UnknownMethod(String),
}

/// Computes the inner cut points of `classes` classes (so `classes − 1` breaks).
pub trait Classifier {
    /// The breaks for these values.
    ///
    /// # Errors
    /// [`ClassifyError`] for no values or a bad class count.
    fn breaks(&self, values: &[f64], classes: usize) -> Result<Vec<f64>, ClassifyError>;
}

/// Equal numbers of areas per class (type-7 quantiles of the values).
#[derive(Debug, Clone, Copy, Default)]
pub struct Quantiles;

/// Classes of equal width between the minimum and the maximum.
#[derive(Debug, Clone, Copy, Default)]
pub struct EqualInterval;

/// Natural breaks: optimal 1-D k-means (ckmeans, the exact successor of Jenks).
#[derive(Debug, Clone, Copy, Default)]
pub struct NaturalBreaks;

/// Breaks the user chose.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FixedBreaks(pub Vec<f64>);

const MAX_CLASSES: usize = 12;

fn check(values: &[f64], classes: usize) -> Result<Vec<f64>, ClassifyError> {
    if !(2..=MAX_CLASSES).contains(&classes) {
        return Err(ClassifyError::ClassCount {
            classes,
            max: MAX_CLASSES,
        });
    }
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return Err(ClassifyError::NoValues);
    }
    v.sort_by(f64::total_cmp);
    Ok(v)
}

impl Classifier for Quantiles {
    /// ```
    /// use omzien::classify::{Classifier, Quantiles};
    /// let b = Quantiles.breaks(&[1.0, 2.0, 3.0, 4.0, 5.0], 2)?;
    /// assert_eq!(b, [3.0]);
    /// # Ok::<(), omzien::classify::ClassifyError>(())
    /// ```
    fn breaks(&self, values: &[f64], classes: usize) -> Result<Vec<f64>, ClassifyError> {
        let v = check(values, classes)?;
        Ok((1..classes)
            .filter_map(|i| crate::quantile(&v, i as f64 / classes as f64))
            .collect())
    }
}

impl Classifier for EqualInterval {
    /// ```
    /// use omzien::classify::{Classifier, EqualInterval};
    /// assert_eq!(EqualInterval.breaks(&[0.0, 10.0, 4.0], 5)?, [2.0, 4.0, 6.0, 8.0]);
    /// # Ok::<(), omzien::classify::ClassifyError>(())
    /// ```
    fn breaks(&self, values: &[f64], classes: usize) -> Result<Vec<f64>, ClassifyError> {
        let v = check(values, classes)?;
        let (lo, hi) = (v[0], v[v.len() - 1]);
        Ok((1..classes)
            .map(|i| lo + (hi - lo) * i as f64 / classes as f64)
            .collect())
    }
}

impl Classifier for NaturalBreaks {
    /// ```
    /// use omzien::classify::{Classifier, NaturalBreaks};
    /// let b = NaturalBreaks.breaks(&[1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.2], 3)?;
    /// assert_eq!(b.len(), 2);
    /// assert!(b[0] > 1.2 && b[0] <= 5.0 && b[1] > 5.1 && b[1] <= 9.0);
    /// # Ok::<(), omzien::classify::ClassifyError>(())
    /// ```
    fn breaks(&self, values: &[f64], classes: usize) -> Result<Vec<f64>, ClassifyError> {
        let v = check(values, classes)?;
        let k = u8::try_from(classes).map_err(|_| ClassifyError::ClassCount {
            classes,
            max: MAX_CLASSES,
        })?;
        // Fewer distinct values than classes: every distinct value its own class.
        let mut distinct = v.clone();
        distinct.dedup();
        if distinct.len() <= classes {
            return Ok(distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect());
        }
        let clusters = ckmeans::ckmeans(&v, k).map_err(|_| ClassifyError::NoValues)?;
        // A break at the first value of each next cluster.
        Ok(clusters
            .iter()
            .skip(1)
            .filter_map(|c| c.first().copied())
            .collect())
    }
}

impl Classifier for FixedBreaks {
    /// ```
    /// use omzien::classify::{Classifier, FixedBreaks};
    /// assert_eq!(FixedBreaks(vec![40.0, 50.0]).breaks(&[], 3)?, [40.0, 50.0]);
    /// assert!(FixedBreaks(vec![50.0, 40.0]).breaks(&[], 3).is_err());
    /// # Ok::<(), omzien::classify::ClassifyError>(())
    /// ```
    fn breaks(&self, _values: &[f64], _classes: usize) -> Result<Vec<f64>, ClassifyError> {
        if self.0.is_empty()
            || self.0.len() >= MAX_CLASSES
            || self.0.windows(2).any(|w| w[0] >= w[1])
            || self.0.iter().any(|b| !b.is_finite())
        {
            return Err(ClassifyError::BadBreaks(format!("{:?}", self.0)));
        }
        Ok(self.0.clone())
    }
}

/// A classification method by name, for configuration and URLs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Method {
    /// [`Quantiles`].
    Quantiles,
    /// [`EqualInterval`].
    EqualInterval,
    /// [`NaturalBreaks`].
    NaturalBreaks,
    /// [`FixedBreaks`].
    Fixed(Vec<f64>),
}

impl FromStr for Method {
    type Err = ClassifyError;
    /// `quantile`, `equal`, `jenks` (or `natural`, `ckmeans`), `fixed:40,45,50`.
    ///
    /// ```
    /// use omzien::classify::Method;
    /// assert_eq!("jenks".parse::<Method>()?, Method::NaturalBreaks);
    /// assert_eq!("fixed:40,50".parse::<Method>()?, Method::Fixed(vec![40.0, 50.0]));
    /// assert!("magic".parse::<Method>().is_err());
    /// # Ok::<(), omzien::classify::ClassifyError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_lowercase();
        if let Some(list) = t.strip_prefix("fixed:") {
            let breaks = list
                .split(',')
                .map(|b| b.trim().parse::<f64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| ClassifyError::BadBreaks(list.to_owned()))?;
            FixedBreaks(breaks.clone()).breaks(&[], 2)?;
            return Ok(Self::Fixed(breaks));
        }
        match t.as_str() {
            "quantile" | "quantiles" => Ok(Self::Quantiles),
            "equal" | "equal_interval" | "equal-interval" => Ok(Self::EqualInterval),
            "jenks" | "natural" | "natural_breaks" | "ckmeans" => Ok(Self::NaturalBreaks),
            _ => Err(ClassifyError::UnknownMethod(s.to_owned())),
        }
    }
}

// Fixed breaks are finite numbers (`FromStr` and the classifiers refuse others), so equality
// of their bits is an equivalence: a method can key a cache.
impl Eq for Method {}

impl std::hash::Hash for Method {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        if let Self::Fixed(b) = self {
            for v in b {
                v.to_bits().hash(state);
            }
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Quantiles => f.write_str("quantile"),
            Self::EqualInterval => f.write_str("equal"),
            Self::NaturalBreaks => f.write_str("jenks"),
            Self::Fixed(b) => write!(
                f,
                "fixed:{}",
                b.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

impl Method {
    /// The breaks of this method.
    ///
    /// # Errors
    /// As the method's [`Classifier`].
    pub fn breaks(&self, values: &[f64], classes: usize) -> Result<Vec<f64>, ClassifyError> {
        match self {
            Self::Quantiles => Quantiles.breaks(values, classes),
            Self::EqualInterval => EqualInterval.breaks(values, classes),
            Self::NaturalBreaks => NaturalBreaks.breaks(values, classes),
            Self::Fixed(b) => FixedBreaks(b.clone()).breaks(values, classes),
        }
    }
}

/// Classes defined by rounded, strictly increasing cut points.
///
/// ```
/// use omzien::classify::{Classes, Method};
/// let c = Classes::new(&Method::Quantiles, &[30.04, 41.0, 44.96, 50.0, 61.0], 4, 1)?;
/// assert_eq!(c.class_of(30.0), 0);
/// assert_eq!(c.class_of(61.0), c.len() - 1);
/// assert!(c.breaks().iter().all(|b| (b * 10.0).fract().abs() < 1e-9));
/// # Ok::<(), omzien::classify::ClassifyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Classes {
    breaks: Vec<f64>,
    min: f64,
    max: f64,
}

impl Classes {
    /// Classifies `values` with `method` into `classes` classes, cut points rounded to
    /// `decimals` decimals (duplicates after rounding merged).
    ///
    /// # Errors
    /// [`ClassifyError`] from the method.
    pub fn new(
        method: &Method,
        values: &[f64],
        classes: usize,
        decimals: i32,
    ) -> Result<Self, ClassifyError> {
        let raw = method.breaks(values, classes)?;
        let scale = 10f64.powi(decimals);
        let mut breaks: Vec<f64> = raw.iter().map(|b| (b * scale).round() / scale).collect();
        breaks.dedup_by(|a, b| (*a - *b).abs() < 0.5 / scale);
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let min = finite.clone().fold(f64::INFINITY, f64::min);
        let max = finite.fold(f64::NEG_INFINITY, f64::max);
        Ok(Self {
            min: if min.is_finite() {
                min
            } else {
                breaks.first().copied().unwrap_or(0.0)
            },
            max: if max.is_finite() {
                max
            } else {
                breaks.last().copied().unwrap_or(0.0)
            },
            breaks,
        })
    }
    /// The cut points.
    #[must_use]
    pub fn breaks(&self) -> &[f64] {
        &self.breaks
    }
    /// Number of classes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.breaks.len() + 1
    }
    /// Never empty: there is always one class.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }
    /// The class of a value: values below the first break are class 0; a value equal to a
    /// break belongs to the class above it.
    #[must_use]
    pub fn class_of(&self, v: f64) -> usize {
        self.breaks.partition_point(|&b| b <= v)
    }
    /// Lower and upper bound of each class (the data minimum and maximum at the ends).
    #[must_use]
    pub fn ranges(&self) -> Vec<(f64, f64)> {
        let mut edges = vec![
            self.min
                .min(self.breaks.first().copied().unwrap_or(self.min)),
        ];
        edges.extend(&self.breaks);
        edges.push(
            self.max
                .max(self.breaks.last().copied().unwrap_or(self.max)),
        );
        edges.windows(2).map(|w| (w[0], w[1])).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_of_follows_breaks() {
        let c = Classes {
            breaks: vec![10.0, 20.0],
            min: 0.0,
            max: 30.0,
        };
        assert_eq!(c.class_of(-5.0), 0);
        assert_eq!(c.class_of(9.99), 0);
        assert_eq!(c.class_of(10.0), 1);
        assert_eq!(c.class_of(25.0), 2);
        assert_eq!(c.ranges(), [(0.0, 10.0), (10.0, 20.0), (20.0, 30.0)]);
    }

    #[test]
    fn bad_class_counts() {
        assert!(Quantiles.breaks(&[1.0], 1).is_err());
        assert!(Quantiles.breaks(&[1.0], 13).is_err());
        assert_eq!(Quantiles.breaks(&[], 3), Err(ClassifyError::NoValues));
        assert_eq!(
            NaturalBreaks.breaks(&[f64::NAN], 3),
            Err(ClassifyError::NoValues)
        );
    }

    #[test]
    fn natural_breaks_with_few_distinct_values() {
        assert_eq!(
            NaturalBreaks.breaks(&[1.0, 1.0, 2.0, 2.0], 5).unwrap(),
            [1.5]
        );
    }

    #[test]
    fn quantile_classes_hold_similar_counts() {
        let v: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.1).collect();
        let c = Classes::new(&Method::Quantiles, &v, 5, 1).unwrap();
        let mut counts = vec![0; c.len()];
        for x in &v {
            counts[c.class_of(*x)] += 1;
        }
        assert!(
            counts.iter().all(|&n| (199..=201).contains(&n)),
            "{counts:?}"
        );
    }
}

//! One published figure: a value, suppressed, or not measured.

use std::fmt;

use serde::{Serialize, Serializer};

/// A cell of the table. Suppressed and not-measured are never a 0 or a NaN.
///
/// ```
/// use omzien::Figure;
/// assert_eq!(Figure::Value(47.0).value(), Some(47.0));
/// assert_eq!(Figure::Suppressed.value(), None);
/// assert_eq!(Figure::Suppressed.to_string(), ".");
/// assert_eq!(Figure::NotMeasured.to_string(), "");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A published estimate.
    Value(f64),
    /// Not published: too unreliable or suppressed (`"."` in StatLine).
    Suppressed,
    /// Not measured in this wave (an empty cell or `null`).
    NotMeasured,
}

impl Figure {
    /// The value, if published.
    #[must_use]
    pub fn value(self) -> Option<f64> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }
    /// The state of the figure: a value, suppressed or not measured.
    ///
    /// ```
    /// use omzien::{Figure, Status};
    /// assert_eq!(Figure::Suppressed.status(), Status::Suppressed);
    /// assert_eq!(Figure::NotMeasured.status().as_str(), "not_measured");
    /// ```
    #[must_use]
    pub fn status(self) -> Status {
        match self {
            Self::Value(_) => Status::Value,
            Self::Suppressed => Status::Suppressed,
            Self::NotMeasured => Status::NotMeasured,
        }
    }
    /// True when suppressed.
    #[must_use]
    pub fn is_suppressed(self) -> bool {
        matches!(self, Self::Suppressed)
    }
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(v) => write!(f, "{v:.1}"),
            Self::Suppressed => f.write_str("."),
            Self::NotMeasured => Ok(()),
        }
    }
}

/// Serialises as the number, or as `"suppressed"` / `"not_measured"`.
impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => s.serialize_f64(*v),
            other => s.serialize_str(other.status().as_str()),
        }
    }
}

/// Serialises a figure as its value, `null` when it has none (its [`Status`] says why).
pub(crate) fn ser_value<S: Serializer>(f: &Figure, s: S) -> Result<S::Ok, S::Error> {
    f.value().serialize(s)
}

/// Serialises an optional figure as its value, `null` when absent or without a value.
#[allow(clippy::ref_option)] // serde's `serialize_with` passes a reference to the field
pub(crate) fn ser_opt_value<S: Serializer>(f: &Option<Figure>, s: S) -> Result<S::Ok, S::Error> {
    f.and_then(Figure::value).serialize(s)
}

/// Whether a figure is published, suppressed or not measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A published value.
    Value,
    /// Not published: too unreliable or suppressed.
    Suppressed,
    /// Not measured in this wave.
    NotMeasured,
}

impl Status {
    /// `value`, `suppressed` or `not_measured`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Value => "value",
            Self::Suppressed => "suppressed",
            Self::NotMeasured => "not_measured",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which row of the `Marges` dimension a figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Margin {
    /// The estimate itself (`MW00000`, "Waarde").
    Value,
    /// Lower bound of the 95% interval (`MOG0095`).
    Lower95,
    /// Upper bound of the 95% interval (`MBG0095`).
    Upper95,
}

/// The `Marges` codes and StatLine labels, one row each.
const MARGINS: &[(Margin, &str, &str)] = &[
    (Margin::Value, "MW00000", "waarde"),
    (Margin::Lower95, "MOG0095", "ondergrens"),
    (Margin::Upper95, "MBG0095", "bovengrens"),
];

impl Margin {
    /// From a code (`MOG0095`) or a label that starts with `Waarde`, `Ondergrens` or `Bovengrens`.
    ///
    /// ```
    /// use omzien::Margin;
    /// assert_eq!(Margin::parse("MW00000"), Some(Margin::Value));
    /// assert_eq!(Margin::parse("Ondergrens 95%-interval"), Some(Margin::Lower95));
    /// assert_eq!(Margin::parse("MX"), None);
    /// ```
    #[must_use]
    pub fn parse(s: &str) -> Option<Margin> {
        let t = s.trim();
        let lower = t.to_lowercase();
        MARGINS
            .iter()
            .find(|(_, code, label)| t == *code || lower.starts_with(label))
            .map(|&(m, _, _)| m)
    }
    /// The table's code (`MW00000`).
    #[must_use]
    pub fn code(self) -> &'static str {
        MARGINS
            .iter()
            .find(|(m, _, _)| *m == self)
            .map_or("MW00000", |(_, c, _)| c)
    }
}

//! The four levels of the wijk- en buurtindeling.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A geographic level, from the country down to the buurt.
///
/// Parses the table's `SoortRegio` values (`"Buurt     "`, padded) and English names.
///
/// ```
/// use omzien::Level;
/// assert_eq!("Buurt     ".parse::<Level>()?, Level::Buurt);
/// assert_eq!("municipality".parse::<Level>()?, Level::Gemeente);
/// assert_eq!("wijken".parse::<Level>()?, Level::Wijk);
/// assert!(Level::Wijk < Level::Buurt);
/// assert_eq!(Level::Buurt.parent(), Some(Level::Wijk));
/// # Ok::<(), omzien::LevelError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The whole country (`NL01`).
    Land,
    /// Gemeente (municipality).
    Gemeente,
    /// Wijk (district).
    Wijk,
    /// Buurt (neighbourhood).
    Buurt,
}

/// A string that names no level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level {given:?}: expected land, gemeente, wijk or buurt (or wijken, district, …)")]
#[non_exhaustive]
pub struct LevelError {
    /// What was given (trimmed).
    pub given: String,
}

impl Level {
    /// All levels, top down.
    pub const ALL: [Level; 4] = [Level::Land, Level::Gemeente, Level::Wijk, Level::Buurt];

    /// The Dutch name as StatLine writes it (`Gemeente`).
    #[must_use]
    pub fn dutch(self) -> &'static str {
        match self {
            Self::Land => "Land",
            Self::Gemeente => "Gemeente",
            Self::Wijk => "Wijk",
            Self::Buurt => "Buurt",
        }
    }

    /// The English name (`municipality`).
    #[must_use]
    pub fn english(self) -> &'static str {
        match self {
            Self::Land => "country",
            Self::Gemeente => "municipality",
            Self::Wijk => "district",
            Self::Buurt => "neighbourhood",
        }
    }

    /// The plurals people write for the level, Dutch and English (`wijken`, `districts`).
    fn plurals(self) -> &'static [&'static str] {
        match self {
            Self::Land => &["landen", "countries"],
            Self::Gemeente => &["gemeenten", "gemeentes", "municipalities"],
            Self::Wijk => &["wijken", "districts"],
            Self::Buurt => &["buurten", "neighbourhoods", "neighborhoods"],
        }
    }

    /// The level above, `None` for [`Level::Land`].
    #[must_use]
    pub fn parent(self) -> Option<Level> {
        match self {
            Self::Land => None,
            Self::Gemeente => Some(Self::Land),
            Self::Wijk => Some(Self::Gemeente),
            Self::Buurt => Some(Self::Wijk),
        }
    }
}

impl FromStr for Level {
    type Err = LevelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Level::ALL
            .into_iter()
            .find(|l| {
                t.eq_ignore_ascii_case(l.dutch())
                    || t.eq_ignore_ascii_case(l.english())
                    || l.plurals().iter().any(|p| t.eq_ignore_ascii_case(p))
                    || (*l == Level::Land && t.eq_ignore_ascii_case("nederland"))
            })
            .ok_or_else(|| LevelError {
                given: t.to_owned(),
            })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dutch().to_lowercase())
    }
}

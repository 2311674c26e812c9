//! Area codes of the CBS wijk- en buurtindeling: `NL01`, `GM0363`, `WK036300`, `BU03630001`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Level;

/// Why a string is not an area code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// The prefix is not one of `NL`, `GM`, `WK`, `BU`.
    #[error("area code {code:?} does not start with NL, GM, WK or BU")]
    UnknownPrefix {
        /// The code as given (trimmed).
        code: String,
    },
    /// The prefix is known but the digits are wrong.
    #[error("area code {code:?} must be {prefix} followed by {digits} digits")]
    BadDigits {
        /// The code as given (trimmed).
        code: String,
        /// The prefix that was recognised.
        prefix: &'static str,
        /// How many digits that prefix takes.
        digits: usize,
    },
}

/// A gemeente (municipality) code such as `GM0363` (Amsterdam).
///
/// ```
/// use omzien::GemeenteCode;
/// let gm: GemeenteCode = "GM0363".parse()?;
/// assert_eq!(gm.number(), 363);
/// assert_eq!(gm.to_string(), "GM0363");
/// # Ok::<(), omzien::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GemeenteCode(u16);

/// A wijk (district) code such as `WK036300`: gemeente number and a two-digit wijk number.
///
/// ```
/// use omzien::WijkCode;
/// let wk: WijkCode = "WK036300".parse()?;
/// assert_eq!(wk.gemeente().to_string(), "GM0363");
/// # Ok::<(), omzien::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WijkCode(u32);

/// A buurt (neighbourhood) code such as `BU03630001`: `BU` + gemeente (4) + wijk (2) + buurt (2).
///
/// ```
/// use omzien::BuurtCode;
/// let bu: BuurtCode = "BU03630001".parse()?;
/// assert_eq!(bu.wijk().to_string(), "WK036300");
/// assert_eq!(bu.gemeente().to_string(), "GM0363");
/// # Ok::<(), omzien::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BuurtCode(u32);

/// A country code such as `NL01` (two letters and two digits, as StatLine writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 4]);

impl GemeenteCode {
    /// The gemeente number, e.g. 363 for `GM0363`.
    #[must_use]
    pub fn number(self) -> u16 {
        self.0
    }
    /// Builds a code from its number; `None` above 9999.
    ///
    /// ```
    /// assert_eq!(omzien::GemeenteCode::from_number(518).unwrap().to_string(), "GM0518");
    /// assert!(omzien::GemeenteCode::from_number(10_000).is_none());
    /// ```
    #[must_use]
    pub const fn from_number(n: u16) -> Option<Self> {
        if n <= 9999 { Some(Self(n)) } else { None }
    }
    /// The highest possible code, `GM9999`.
    pub const MAX: GemeenteCode = GemeenteCode(9999);
}

impl WijkCode {
    /// The gemeente this wijk lies in.
    #[must_use]
    pub fn gemeente(self) -> GemeenteCode {
        // self.0 < 1_000_000 by construction, so the quotient fits u16.
        GemeenteCode((self.0 / 100) as u16)
    }
    /// The two-digit wijk number within its gemeente.
    #[must_use]
    pub fn number(self) -> u8 {
        (self.0 % 100) as u8
    }
    /// Builds a wijk code from its gemeente and wijk number (0–99).
    ///
    /// ```
    /// let gm = omzien::GemeenteCode::from_number(363).unwrap();
    /// assert_eq!(omzien::WijkCode::new(gm, 5).unwrap().to_string(), "WK036305");
    /// ```
    #[must_use]
    pub fn new(gemeente: GemeenteCode, number: u8) -> Option<Self> {
        (number < 100).then(|| Self(u32::from(gemeente.0) * 100 + u32::from(number)))
    }
}

impl BuurtCode {
    /// The wijk this buurt lies in.
    #[must_use]
    pub fn wijk(self) -> WijkCode {
        WijkCode(self.0 / 100)
    }
    /// The gemeente this buurt lies in.
    #[must_use]
    pub fn gemeente(self) -> GemeenteCode {
        self.wijk().gemeente()
    }
    /// The two-digit buurt number within its wijk.
    #[must_use]
    pub fn number(self) -> u8 {
        (self.0 % 100) as u8
    }
    /// Builds a buurt code from its wijk and buurt number (0–99).
    ///
    /// ```
    /// let wk: omzien::WijkCode = "WK036300".parse().unwrap();
    /// assert_eq!(omzien::BuurtCode::new(wk, 1).unwrap().to_string(), "BU03630001");
    /// ```
    #[must_use]
    pub fn new(wijk: WijkCode, number: u8) -> Option<Self> {
        (number < 100).then(|| Self(wijk.0 * 100 + u32::from(number)))
    }
}

impl CountryCode {
    /// The Netherlands, `NL01`.
    pub const NL: Self = Self(*b"NL01");
    fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("NL01")
    }
}

/// Any area code of the table: country, gemeente, wijk or buurt.
///
/// Parsing trims the padding StatLine puts around codes.
///
/// ```
/// use omzien::{AreaCode, Level};
/// let bu: AreaCode = " BU03630001 ".parse()?;
/// assert_eq!(bu.level(), Level::Buurt);
/// assert_eq!(bu.parent().unwrap().to_string(), "WK036300");
/// let chain: Vec<String> = bu.ancestors().map(|c| c.to_string()).collect();
/// assert_eq!(chain, ["WK036300", "GM0363", "NL01"]);
/// assert!("XX0363".parse::<AreaCode>().is_err());
/// # Ok::<(), omzien::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AreaCode {
    /// A country (`NL01`).
    Country(CountryCode),
    /// A gemeente.
    Gemeente(GemeenteCode),
    /// A wijk.
    Wijk(WijkCode),
    /// A buurt.
    Buurt(BuurtCode),
}

impl AreaCode {
    /// The level this code belongs to.
    #[must_use]
    pub fn level(self) -> Level {
        match self {
            Self::Country(_) => Level::Land,
            Self::Gemeente(_) => Level::Gemeente,
            Self::Wijk(_) => Level::Wijk,
            Self::Buurt(_) => Level::Buurt,
        }
    }

    /// The enclosing area: buurt → wijk → gemeente → `NL01`; a country has none.
    #[must_use]
    pub fn parent(self) -> Option<AreaCode> {
        match self {
            Self::Country(_) => None,
            Self::Gemeente(_) => Some(Self::Country(CountryCode::NL)),
            Self::Wijk(w) => Some(Self::Gemeente(w.gemeente())),
            Self::Buurt(b) => Some(Self::Wijk(b.wijk())),
        }
    }

    /// The gemeente this area lies in (itself for a gemeente, `None` for a country).
    #[must_use]
    pub fn gemeente(self) -> Option<GemeenteCode> {
        match self {
            Self::Country(_) => None,
            Self::Gemeente(g) => Some(g),
            Self::Wijk(w) => Some(w.gemeente()),
            Self::Buurt(b) => Some(b.gemeente()),
        }
    }

    /// Parent, grandparent, … up to the country.
    pub fn ancestors(self) -> impl Iterator<Item = AreaCode> {
        std::iter::successors(self.parent(), |c| c.parent())
    }

    /// The enclosing area at `level`, if `level` is at or above this code's level.
    ///
    /// ```
    /// use omzien::{AreaCode, Level};
    /// let bu: AreaCode = "BU03630001".parse().unwrap();
    /// assert_eq!(bu.at_level(Level::Gemeente).unwrap().to_string(), "GM0363");
    /// assert_eq!(bu.at_level(Level::Buurt), Some(bu));
    /// assert_eq!(bu.at_level(Level::Land).unwrap().to_string(), "NL01");
    /// ```
    #[must_use]
    pub fn at_level(self, level: Level) -> Option<AreaCode> {
        std::iter::once(self)
            .chain(self.ancestors())
            .find(|c| c.level() == level)
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl FromStr for AreaCode {
    type Err = CodeError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let s = raw.trim();
        let bad = |prefix, digits| CodeError::BadDigits {
            code: s.to_owned(),
            prefix,
            digits,
        };
        // `get` rather than slicing: the input may start with multi-byte characters.
        let (prefix, rest) = (s.get(..2).unwrap_or(""), s.get(2..).unwrap_or(""));
        match prefix {
            "GM" => digits(rest, 4)
                .map(|n| Self::Gemeente(GemeenteCode(n as u16)))
                .ok_or_else(|| bad("GM", 4)),
            "WK" => digits(rest, 6)
                .map(|n| Self::Wijk(WijkCode(n)))
                .ok_or_else(|| bad("WK", 6)),
            "BU" => digits(rest, 8)
                .map(|n| Self::Buurt(BuurtCode(n)))
                .ok_or_else(|| bad("BU", 8)),
            "NL" => {
                let b = s.as_bytes();
                if b.len() == 4 && b[2].is_ascii_digit() && b[3].is_ascii_digit() {
                    Ok(Self::Country(CountryCode([b[0], b[1], b[2], b[3]])))
                } else {
                    Err(bad("NL", 2))
                }
            }
            _ => Err(CodeError::UnknownPrefix { code: s.to_owned() }),
        }
    }
}

macro_rules! typed_code {
    ($ty:ident, $variant:ident, $prefix:literal, $digits:literal) => {
        impl FromStr for $ty {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.parse::<AreaCode>()? {
                    AreaCode::$variant(c) => Ok(c),
                    _ => Err(CodeError::BadDigits {
                        code: s.trim().to_owned(),
                        prefix: $prefix,
                        digits: $digits,
                    }),
                }
            }
        }
        impl From<$ty> for AreaCode {
            fn from(c: $ty) -> Self {
                AreaCode::$variant(c)
            }
        }
    };
}
typed_code!(GemeenteCode, Gemeente, "GM", 4);
typed_code!(WijkCode, Wijk, "WK", 6);
typed_code!(BuurtCode, Buurt, "BU", 8);

impl fmt::Display for GemeenteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GM{:04}", self.0)
    }
}
impl fmt::Display for WijkCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WK{:06}", self.0)
    }
}
impl fmt::Display for BuurtCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BU{:08}", self.0)
    }
}
impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Country(c) => c.fmt(f),
            Self::Gemeente(c) => c.fmt(f),
            Self::Wijk(c) => c.fmt(f),
            Self::Buurt(c) => c.fmt(f),
        }
    }
}

/// As its code, `GM0363`.
impl Serialize for GemeenteCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for AreaCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl<'de> Deserialize<'de> for AreaCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_level() {
        for s in [
            "NL01",
            "GM0003",
            "GM1980",
            "WK000300",
            "WK198099",
            "BU00030000",
            "BU19809999",
        ] {
            let c: AreaCode = s.parse().unwrap();
            assert_eq!(c.to_string(), s);
        }
    }

    #[test]
    fn rejects_bad_codes() {
        for s in [
            "",
            "GM",
            "GM363",
            "GM03631",
            "WK0363",
            "BU0363000",
            "BU036300011",
            "GMabcd",
            "gm0363",
            "NL1",
            "XX01",
            "GM-363",
        ] {
            assert!(s.parse::<AreaCode>().is_err(), "{s:?} should not parse");
        }
        let err = "WK0363".parse::<AreaCode>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "area code \"WK0363\" must be WK followed by 6 digits"
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "Ú",
            "SÚDWEST",
            "GMÚ",
            "BU0363000é",
            "NLé",
            "\u{0}",
            "🙂🙂🙂",
            "G",
        ] {
            assert!(s.parse::<AreaCode>().is_err(), "{s:?}");
        }
    }

    #[test]
    fn typed_parse_rejects_other_level() {
        assert!("WK036300".parse::<BuurtCode>().is_err());
        assert!("GM0363".parse::<WijkCode>().is_err());
        assert_eq!("GM0363".parse::<GemeenteCode>().unwrap().number(), 363);
    }

    #[test]
    fn nesting_follows_digits() {
        let b: BuurtCode = "BU16800009".parse().unwrap();
        assert_eq!(b.wijk().to_string(), "WK168000");
        assert_eq!(b.gemeente().to_string(), "GM1680");
        assert_eq!(b.number(), 9);
        assert_eq!(b.wijk().number(), 0);
    }
}

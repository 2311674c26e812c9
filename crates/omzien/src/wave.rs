//! Survey waves (a year, found in the data) and age groups (the table's codes).

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A measurement wave of the Gezondheidsmonitor, identified by its year.
///
/// Parses StatLine period codes (`2020JJ00`) and plain years (`"2020"`). The known waves are
/// whatever the loaded files contain; nothing here fixes them to 2012, 2016 and 2020.
///
/// ```
/// use omzien::Wave;
/// let w: Wave = "2020JJ00".parse()?;
/// assert_eq!(w.year(), 2020);
/// assert_eq!(w, "2020".parse()?);
/// assert_eq!(w.period_code(), "2020JJ00");
/// assert_eq!("2020*".parse::<Wave>()?, w);
/// assert!("2020MM01".parse::<Wave>().is_err());
/// # Ok::<(), omzien::WaveError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Wave(u16);

/// A string that is not a yearly period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown period {given:?}: expected a year such as 2020 or a code such as 2020JJ00")]
#[non_exhaustive]
pub struct WaveError {
    /// What was given (trimmed).
    pub given: String,
}

/// The youngest age the survey of a wave covered, one row per wave.
///
/// The 2012 and 2016 Gezondheidsmonitor questioned people of 19 and over, 2020 and later
/// 18 and over (RIVM, method notes of table 50090NED). Add a row for a new wave whose
/// range differs; waves after the last row inherit it.
const SURVEY_MIN_AGE: &[(u16, u8)] = &[(2012, 19), (2016, 19), (2020, 18)];

impl Wave {
    /// The wave of a survey year.
    ///
    /// ```
    /// assert_eq!(omzien::Wave::new(2016).to_string(), "2016");
    /// ```
    #[must_use]
    pub const fn new(year: u16) -> Self {
        Self(year)
    }
    /// The survey year.
    #[must_use]
    pub fn year(self) -> u16 {
        self.0
    }
    /// StatLine's period code, e.g. `2020JJ00`.
    #[must_use]
    pub fn period_code(self) -> String {
        format!("{}JJ00", self.0)
    }
    /// The youngest age this wave's survey covered, as far as known.
    ///
    /// ```
    /// use omzien::Wave;
    /// assert_eq!(Wave::new(2016).survey_min_age(), Some(19));
    /// assert_eq!(Wave::new(2020).survey_min_age(), Some(18));
    /// assert_eq!(Wave::new(2024).survey_min_age(), Some(18));
    /// assert_eq!(Wave::new(2008).survey_min_age(), None);
    /// ```
    #[must_use]
    pub fn survey_min_age(self) -> Option<u8> {
        SURVEY_MIN_AGE
            .iter()
            .rev()
            .find(|(y, _)| *y <= self.0)
            .map(|&(_, a)| a)
    }
}

impl FromStr for Wave {
    type Err = WaveError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        // StatLine marks provisional periods with `*` (`2020*`).
        let year = t.trim_end_matches('*').trim_end();
        let year = year.strip_suffix("JJ00").unwrap_or(year);
        match (year.len(), year.parse::<u16>()) {
            (4, Ok(y)) if (1900..=2999).contains(&y) => Ok(Self(y)),
            _ => Err(WaveError {
                given: t.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Wave {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Wave {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.0)
    }
}

/// An age group of the table, by its CBS code (`20300` = 18 years and older).
///
/// Any numeric code parses; the codes of table 50090NED carry labels and age bounds.
///
/// ```
/// use omzien::AgeGroup;
/// let a: AgeGroup = "20300".parse()?;
/// assert_eq!(a, AgeGroup::ADULTS);
/// assert_eq!(a.label_nl(), "18 jaar of ouder");
/// assert_eq!(a.short(), "18+");
/// assert_eq!(AgeGroup::from_label("65 jaar of ouder")?, AgeGroup::SENIORS);
/// let other: AgeGroup = "12345".parse()?;
/// assert_eq!(other.label_en(), "age group 12345");
/// # Ok::<(), omzien::AgeGroupError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgeGroup(u32);

/// A string that names no age group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AgeGroupError {
    /// Not a numeric CBS code.
    #[error("unknown age-group code {given:?}: expected a numeric CBS code such as 20300")]
    Code {
        /// What was given (trimmed).
        given: String,
    },
    /// A label that is in no row of the table.
    #[error("unknown age group {given:?}: write {known}")]
    Label {
        /// What was given (trimmed).
        given: String,
        /// The known labels, comma separated.
        known: String,
    },
}

struct AgeRow {
    code: u32,
    nl: &'static str,
    en: &'static str,
    short: &'static str,
    min: u8,
    max: Option<u8>,
}

/// The age groups of table 50090NED. A new one is a new row.
const AGE_GROUPS: &[AgeRow] = &[
    AgeRow {
        code: 20300,
        nl: "18 jaar of ouder",
        en: "18 years and older",
        short: "18+",
        min: 18,
        max: None,
    },
    AgeRow {
        code: 53115,
        nl: "18 tot 65 jaar",
        en: "18 to 64 years",
        short: "18-64",
        min: 18,
        max: Some(64),
    },
    AgeRow {
        code: 80200,
        nl: "65 jaar of ouder",
        en: "65 years and older",
        short: "65+",
        min: 65,
        max: None,
    },
];

impl AgeGroup {
    /// 18 years and older (`20300`).
    pub const ADULTS: AgeGroup = AgeGroup(20300);
    /// 18 to 64 years (`53115`).
    pub const WORKING_AGE: AgeGroup = AgeGroup(53115);
    /// 65 years and older (`80200`).
    pub const SENIORS: AgeGroup = AgeGroup(80200);

    fn row(self) -> Option<&'static AgeRow> {
        AGE_GROUPS.iter().find(|r| r.code == self.0)
    }
    /// The CBS code.
    #[must_use]
    pub fn code(self) -> u32 {
        self.0
    }
    /// Dutch label (`18 jaar of ouder`), or `leeftijdsgroep CODE` for a code without a row.
    #[must_use]
    pub fn label_nl(self) -> String {
        self.row()
            .map_or_else(|| format!("leeftijdsgroep {}", self.0), |r| r.nl.to_owned())
    }
    /// English label (`18 years and older`), or `age group CODE`.
    #[must_use]
    pub fn label_en(self) -> String {
        self.row()
            .map_or_else(|| format!("age group {}", self.0), |r| r.en.to_owned())
    }
    /// A short form for tables and command lines (`18+`, `65+`), or the code.
    #[must_use]
    pub fn short(self) -> String {
        self.row()
            .map_or_else(|| self.0.to_string(), |r| r.short.to_owned())
    }
    /// Youngest and oldest age of the group, where the table says.
    #[must_use]
    pub fn bounds(self) -> Option<(u8, Option<u8>)> {
        self.row().map(|r| (r.min, r.max))
    }
    /// Parses a StatLine label (`18 jaar of ouder`), an English label, a short form (`65+`, or
    /// `65plus` as in file names) or a code.
    ///
    /// # Errors
    /// [`AgeGroupError::Label`] when nothing matches.
    pub fn from_label(s: &str) -> Result<Self, AgeGroupError> {
        let t = s.trim();
        // `65+` written in a URL's query arrives as `65 `: a `+` is a space there.
        let url_plus = !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_digit())
            && s.trim_start().len() > t.len();
        if let Some(r) = AGE_GROUPS.iter().find(|r| {
            t.eq_ignore_ascii_case(r.nl)
                || t.eq_ignore_ascii_case(r.en)
                || t == r.short
                || t.eq_ignore_ascii_case(&r.short.replace('+', "plus"))
                || (url_plus && r.short.strip_suffix('+') == Some(t))
        }) {
            return Ok(Self(r.code));
        }
        t.parse().map_err(|_| AgeGroupError::Label {
            given: t.to_owned(),
            known: Self::spellings(),
        })
    }

    /// The spellings [`AgeGroup::from_label`] accepts, for messages: the short forms first.
    ///
    /// ```
    /// assert!(omzien::AgeGroup::spellings().starts_with("18+, 18-64, 65+"));
    /// ```
    #[must_use]
    pub fn spellings() -> String {
        let short: Vec<&str> = AGE_GROUPS.iter().map(|r| r.short).collect();
        let plus: Vec<String> = AGE_GROUPS
            .iter()
            .filter(|r| r.short.contains('+'))
            .map(|r| r.short.replace('+', "plus"))
            .collect();
        let codes: Vec<String> = AGE_GROUPS.iter().map(|r| r.code.to_string()).collect();
        format!(
            "{} (also {}, the CBS codes {}, or the Dutch or English label such as {:?})",
            short.join(", "),
            plus.join(", "),
            codes.join(", "),
            AGE_GROUPS.first().map_or("", |r| r.nl),
        )
    }
}

impl FromStr for AgeGroup {
    type Err = AgeGroupError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AgeGroupError::Code {
                given: t.to_owned(),
            });
        }
        t.parse().map(Self).map_err(|_| AgeGroupError::Code {
            given: t.to_owned(),
        })
    }
}

impl fmt::Display for AgeGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl Serialize for AgeGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

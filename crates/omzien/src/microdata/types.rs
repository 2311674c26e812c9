//! The public types of microdata: errors, exclusions, the summary, estimates, options and
//! the result.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use serde::Serialize;

use super::{Measure, ScoringRules};
use crate::{AgeGroup, AreaCode, Dataset, Groups, Wave};

/// Microdata that cannot be read or aggregated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MicrodataError {
    /// The mapping file is unreadable or wrong.
    #[error("{}: {message}", path.display())]
    Mapping {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The respondent file cannot be read.
    #[error("{}: cannot read: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A column the mapping names is not in the file.
    #[error("{}: no column {column:?} (the {role} column of the mapping); the file has: {found}", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column name.
        column: String,
        /// What it should hold.
        role: String,
        /// The columns the file has.
        found: String,
    },
    /// A column holds a type that cannot mean what the mapping says.
    #[error("{}: column {column:?} ({role}) has type {dtype}, {expected}", path.display())]
    ColumnType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// What it should hold.
        role: String,
        /// Its type.
        dtype: String,
        /// What was expected.
        expected: String,
    },
    /// The output cannot be written.
    #[error("{}: cannot write: {message}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// More age groups than a respondent's set of groups can hold.
    #[error("{given} age groups given; at most {MAX_AGE_GROUPS} can be aggregated at once")]
    TooManyAgeGroups {
        /// How many were given.
        given: usize,
    },
    /// The estimates do not make a dataset.
    #[error("the estimates do not make a dataset: {0}")]
    Dataset(Box<crate::LoadError>),
}

/// The most age groups one aggregation takes (a row's groups are bits of a `u16`, one bit
/// marking a missing age).
pub const MAX_AGE_GROUPS: usize = 15;

/// Why a record was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Exclusion {
    /// No respondent id.
    MissingId,
    /// The id occurs more than once in one wave (every copy is left out).
    DuplicateId,
    /// A wave the mapping does not know.
    UnknownWave,
    /// Not a buurt, wijk or gemeente code.
    InvalidArea,
    /// A valid code that is not among the known areas.
    UnknownArea,
    /// No weight.
    MissingWeight,
    /// A weight that is zero, negative or not a number.
    InvalidWeight,
    /// No age.
    MissingAge,
    /// An age outside every age group (e.g. under 18).
    OutsideAgeGroups,
    /// An answer code the mapping does not know.
    AnswerOutOfRange,
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::MissingId => "no respondent id",
            Self::DuplicateId => "respondent id repeated within a wave (every copy left out)",
            Self::UnknownWave => "wave not in the mapping",
            Self::InvalidArea => "not a buurt, wijk or gemeente code",
            Self::UnknownArea => "area code not among the known areas",
            Self::MissingWeight => "no weight",
            Self::InvalidWeight => "weight zero, negative or not a number",
            Self::MissingAge => "no age",
            Self::OutsideAgeGroups => "age outside every age group",
            Self::AnswerOutOfRange => "answer code not in the mapping",
        })
    }
}

/// How many records one reason left out, with the first rows (1-based, as in the file after
/// its header) and an example value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ExclusionCount {
    /// Records left out.
    pub count: usize,
    /// The first few rows.
    pub rows: Vec<usize>,
    /// What one of them held.
    pub example: String,
}

/// What happened to the respondents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// The file read.
    pub source: PathBuf,
    /// Records read.
    pub read: usize,
    /// Records used.
    pub used: usize,
    /// Records left out, by reason.
    pub excluded: BTreeMap<Exclusion, ExclusionCount>,
    /// Used respondents not scored on a measure (too many unanswered items), per measure.
    pub not_scored: BTreeMap<String, usize>,
    /// Cells (area or group × wave × age group × measure) estimated, published and suppressed.
    pub cells: usize,
    /// Cells with a published figure.
    pub published: usize,
    /// Cells suppressed.
    pub suppressed: usize,
    /// The input was synthetic.
    pub synthetic: bool,
}

/// Why a figure is not published.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Suppression {
    /// Fewer scored respondents than the threshold.
    TooFewRespondents {
        /// Scored respondents.
        n: u32,
        /// The threshold.
        min: u32,
    },
    /// Weights so unequal that the effective sample (Kish) is below the threshold (NCHS data
    /// presentation standards for proportions, Parker et al. 2017: 30).
    TooFewEffective {
        /// Kish's effective n.
        n_eff: f64,
        /// The threshold.
        min: f64,
    },
    /// A 95 % interval wider than the threshold, percentage points (NCHS: 30).
    TooWide {
        /// The interval's width, percentage points.
        width: f64,
        /// The threshold.
        max: f64,
    },
}

impl std::fmt::Display for Suppression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooFewRespondents { n, min } => {
                write!(f, "{n} respondents, fewer than {min}")
            }
            Self::TooFewEffective { n_eff, min } => {
                write!(f, "effective n {n_eff:.1} (unequal weights), below {min}")
            }
            Self::TooWide { width, max } => {
                write!(f, "95% interval {width:.1} pp wide, wider than {max}")
            }
        }
    }
}

/// What a cell describes: an area or a user-defined group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Unit {
    /// A buurt, wijk or gemeente.
    Area(AreaCode),
    /// A group from [`MicrodataOptions::groups`].
    Group(String),
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Area(c) => c.fmt(f),
            Self::Group(g) => f.write_str(g),
        }
    }
}

/// One estimate: a unit, wave, age group and measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Estimate {
    /// Area or group.
    pub unit: Unit,
    /// Wave.
    pub wave: Wave,
    /// Age group.
    pub age: AgeGroup,
    /// Measure.
    pub measure: Measure,
    /// Scored respondents.
    pub n: u32,
    /// Kish effective sample size.
    pub n_eff: f64,
    /// Weighted prevalence in %, `None` when suppressed.
    pub value: Option<f64>,
    /// Lower bound of the 95% Wilson interval, %.
    pub lower: Option<f64>,
    /// Upper bound, %.
    pub upper: Option<f64>,
    /// The 99.8 % Wilson interval on the same effective n, %: the outer level of a
    /// comparison (`omzien compare`), from the respondents rather than widened from the 95 %
    /// bounds.
    pub interval_998: Option<(f64, f64)>,
    /// Why not published.
    pub suppressed: Option<Suppression>,
}

/// Choices of the aggregation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MicrodataOptions {
    /// How answers become flags.
    pub rules: ScoringRules,
    /// Nothing is published below this many scored respondents (default 50).
    pub min_respondents: u32,
    /// Nothing is published below this effective sample size (Kish; default 30, NCHS).
    pub min_effective_n: f64,
    /// Nothing is published whose 95 % interval is wider than this, percentage points
    /// (default 30, NCHS).
    pub max_interval_width: f64,
    /// Age groups estimated (default: every group of the table, 18+, 18–64, 65+).
    pub age_groups: Vec<AgeGroup>,
    /// Areas allowed; others are excluded as unknown. `None`: any valid code.
    pub known_areas: Option<HashSet<AreaCode>>,
    /// User-defined groups of areas (a respondent joins the group of its area, else of its
    /// wijk, else of its gemeente).
    pub groups: Option<Groups>,
    /// Area classification year of the codes, for the dataset.
    pub classification_year: Option<u16>,
    /// A Parquet file is read in batches of whole row groups of up to this many rows (default
    /// 256 Ki; a larger row group is a batch of its own), one batch per worker thread at a
    /// time: memory stays bounded whatever the size of the file.
    pub batch_rows: usize,
}

impl Default for MicrodataOptions {
    fn default() -> Self {
        Self {
            rules: ScoringRules::default(),
            min_respondents: 50,
            min_effective_n: 30.0,
            max_interval_width: 30.0,
            age_groups: vec![AgeGroup::ADULTS, AgeGroup::WORKING_AGE, AgeGroup::SENIORS],
            known_areas: None,
            groups: None,
            classification_year: None,
            batch_rows: 1 << 18,
        }
    }
}

impl MicrodataOptions {
    /// Other scoring rules.
    #[must_use]
    pub fn with_rules(mut self, rules: ScoringRules) -> Self {
        self.rules = rules;
        self
    }
    /// Another suppression threshold.
    #[must_use]
    pub fn with_min_respondents(mut self, n: u32) -> Self {
        self.min_respondents = n;
        self
    }
    /// Other precision thresholds: the least effective n and the widest interval (pp).
    #[must_use]
    pub fn with_precision(mut self, min_effective_n: f64, max_interval_width: f64) -> Self {
        self.min_effective_n = min_effective_n;
        self.max_interval_width = max_interval_width;
        self
    }
    /// Only these areas are known (e.g. those of the published figures).
    #[must_use]
    pub fn with_known_areas(mut self, areas: impl IntoIterator<Item = AreaCode>) -> Self {
        self.known_areas = Some(areas.into_iter().collect());
        self
    }
    /// The areas and classification year of published figures: codes they lack are excluded
    /// as unknown, and the estimates carry their classification.
    #[must_use]
    pub fn with_reference(self, published: &Dataset) -> Self {
        let known: Vec<AreaCode> = crate::Level::ALL
            .iter()
            .flat_map(|l| published.areas(*l, None))
            .collect();
        let with = self.with_known_areas(known);
        match published.classification_year() {
            Some(y) => with.with_classification_year(y),
            None => with,
        }
    }
    /// User-defined groups.
    #[must_use]
    pub fn with_groups(mut self, groups: Groups) -> Self {
        self.groups = Some(groups);
        self
    }
    /// The classification year of the codes.
    #[must_use]
    pub fn with_classification_year(mut self, year: u16) -> Self {
        self.classification_year = Some(year);
        self
    }
    /// Another batch size for Parquet files (rows; whole row groups are always kept together).
    #[must_use]
    pub fn with_batch_rows(mut self, rows: usize) -> Self {
        self.batch_rows = rows;
        self
    }
    /// Other age groups (any with known bounds), at most [`MAX_AGE_GROUPS`]:
    /// [`aggregate_file`](super::aggregate_file) refuses more.
    #[must_use]
    pub fn with_age_groups(mut self, groups: Vec<AgeGroup>) -> Self {
        self.age_groups = groups;
        self
    }
}

/// An option of the scoring or the aggregation out of range, named as the command line
/// names it (`emotional-from`, `min-effective-n`, `max-width`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{option}: {message}")]
#[non_exhaustive]
pub struct OptionError {
    /// The option.
    pub option: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl MicrodataOptions {
    /// Checks the options a user gives: subscale thresholds within their subscales, the least
    /// effective n a number ≥ 0 and the widest interval a width > 0.
    ///
    /// ```
    /// use omzien::microdata::{MicrodataOptions, ScoringRules};
    /// assert!(MicrodataOptions::default().check().is_ok());
    /// let rules = ScoringRules::default().with_subscale_thresholds(7, 3);
    /// let e = MicrodataOptions::default().with_rules(rules).check().unwrap_err();
    /// assert_eq!(e.option, "emotional-from");
    /// let e = MicrodataOptions::default().with_precision(f64::NAN, 30.0).check().unwrap_err();
    /// assert_eq!(e.option, "min-effective-n");
    /// ```
    ///
    /// # Errors
    /// The first [`OptionError`].
    pub fn check(&self) -> Result<(), OptionError> {
        let fail = |option, message: String| Err(OptionError { option, message });
        if self.rules.emotional_from > 6 || self.rules.social_from > 5 {
            return fail(
                "emotional-from",
                "the emotional subscale has 6 items and the social one 5".to_owned(),
            );
        }
        let n = self.min_effective_n;
        if !(n.is_finite() && n >= 0.0) {
            return fail(
                "min-effective-n",
                format!("{n} is not a number of respondents ≥ 0"),
            );
        }
        let w = self.max_interval_width;
        if !(w.is_finite() && w > 0.0) {
            return fail(
                "max-width",
                format!("{w} is not a width in percentage points > 0"),
            );
        }
        Ok(())
    }
}

/// Aggregated microdata: every estimate with its n and reason, and the summary; as a
/// [`Dataset`] through [`Prevalence::dataset`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Prevalence {
    /// Every estimate: gemeente by gemeente (in code order) the gemeente, then each wijk
    /// followed by its buurten; then the groups. Per unit by wave, age group and measure.
    pub estimates: Vec<Estimate>,
    /// What happened to the respondents.
    pub summary: Summary,
    pub(super) classification_year: Option<u16>,
}

impl Prevalence {
    /// The area figures as a [`Dataset`], like published figures: value and the
    /// `MOG0095`/`MBG0095` bounds per area, wave and age group; suppressed cells as
    /// [`Figure`](crate::Figure)`::Suppressed`; marked synthetic when the respondents were.
    ///
    /// # Errors
    /// [`MicrodataError::Dataset`] if the estimates do not make a dataset (one row per area,
    /// wave, age group and margin cannot conflict, so this does not happen).
    pub fn dataset(&self) -> Result<Dataset, MicrodataError> {
        super::figures::dataset(
            &self.estimates,
            &self.summary.source,
            self.classification_year,
            self.summary.synthetic,
        )
    }
}

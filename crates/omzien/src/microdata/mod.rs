//! Respondent microdata: De Jong-Gierveld scoring and weighted prevalence per buurt, wijk,
//! gemeente and user-defined groups, per wave and age group, with rayon.
//!
//! The result is the same [`Dataset`] the published figures load into, with the 95% bounds as
//! the table's `MOG0095`/`MBG0095` margins, so trends, risk lists and tiles work on it
//! unchanged.
//!
//! **Estimates.** The prevalence of a cell is the weighted share `Σwy / Σw` of its scored
//! respondents. Its precision is judged on Kish's effective sample size `n_eff = (Σw)² / Σw²`,
//! which discounts unequal weights.
//!
//! **Interval: Wilson on `n_eff`.** The Wilson score interval stays inside 0–100 %, keeps
//! close to its nominal 95 % coverage at the small samples of buurten and for shares near 0 or
//! 1 (where the Wald interval fails), and is closed-form. Using `n_eff` in place of `n` carries
//! the design effect of the weights into it (Kish). A logit interval behaves alike but is
//! undefined at 0 and 100 %, which small buurten reach.
//!
//! **Suppression.** A cell with fewer than [`MicrodataOptions::min_respondents`] scored
//! respondents (default 50) is written as suppressed (`.`), with the reason kept in
//! [`Estimate::suppressed`]; no figure below the threshold is ever written.
//!
//! **Never a silent drop.** A record that cannot be used is excluded and counted in
//! [`Summary::excluded`] with its reason and the first rows concerned: unknown wave, invalid or
//! unknown area code, missing or non-positive weight, missing age or an age outside every age
//! group, an answer code the mapping does not know, a respondent id repeated within a wave (all
//! copies). A respondent with too many unanswered items for a measure is kept for the other
//! measures and counted in [`Summary::not_scored`].

mod mapping;
mod score;
mod synth;
mod write;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

pub(crate) use mapping::normalize;
pub use mapping::{Answers, Columns, Mapping};
pub use score::{Answer, Counts, Flags, ITEMS, Item, Measure, ScoringRules, Subscale};
pub use synth::{SYNTHETIC_COLUMN, SynthOptions, SynthReport, synthetic_respondents};
pub use write::{write_estimates_csv, write_odata_csv};

use crate::dataset::DatasetBuilder;
use crate::figure::Z95;
use crate::figure::{Figure, Margin};
use crate::load::respondents::{AGE_MISSING, Chunk, Prepared, read_respondents};
use crate::load::{ParsedFile, RowKey, Target};
use crate::{AgeGroup, AreaCode, Dataset, Groups, Indicator, Level, Wave};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

impl std::fmt::Display for Suppression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooFewRespondents { n, min } => {
                write!(f, "{n} respondents, fewer than {min}")
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
    /// Only these areas are known (e.g. those of the published figures).
    #[must_use]
    pub fn with_known_areas(mut self, areas: impl IntoIterator<Item = AreaCode>) -> Self {
        self.known_areas = Some(areas.into_iter().collect());
        self
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
    /// [`aggregate_file`] refuses more.
    #[must_use]
    pub fn with_age_groups(mut self, groups: Vec<AgeGroup>) -> Self {
        self.age_groups = groups;
        self
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
    classification_year: Option<u16>,
}

impl Prevalence {
    /// The area figures as a [`Dataset`], like published figures: value and the
    /// `MOG0095`/`MBG0095` bounds per area, wave and age group; suppressed cells as
    /// [`Figure::Suppressed`]; marked synthetic when the respondents were.
    #[must_use]
    pub fn dataset(&self) -> Dataset {
        dataset(
            &self.estimates,
            &self.summary.source,
            self.classification_year,
            self.summary.synthetic,
        )
    }
}

/// A hash map with a fast, non-cryptographic hasher (the keys are our own codes).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Sums over scored respondents, per measure.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    n: [u32; 4],
    sw: [f64; 4],
    sw2: [f64; 4],
    swy: [f64; 4],
}

impl Acc {
    /// Adds a respondent scored as in [`FlagTable`] bits: bit m scored on measure m, bit
    /// 4 + m lonely on it; measures it is not scored on are left alone (adding zeros keeps
    /// the sums exact), without branches.
    #[inline]
    fn add_bits(&mut self, bits: u8, w: f64) {
        let w2 = w * w;
        for m in 0..4 {
            let scored = (bits >> m) & 1;
            let lonely = f64::from((bits >> (m + 4)) & 1);
            let s = f64::from(scored);
            self.n[m] += u32::from(scored);
            self.sw[m] += w * s;
            self.sw2[m] += w2 * s;
            self.swy[m] += w * lonely;
        }
    }
    fn merge(&mut self, o: &Acc) {
        for m in 0..4 {
            self.n[m] += o.n[m];
            self.sw[m] += o.sw[m];
            self.sw2[m] += o.sw2[m];
            self.swy[m] += o.swy[m];
        }
    }
}

/// The Wilson score interval for a share `p` (0–1) on `n` (effective) observations.
///
/// ```
/// let (lo, hi) = omzien::microdata::wilson(0.4, 100.0);
/// assert!((lo - 0.3094).abs() < 1e-3 && (hi - 0.4980).abs() < 1e-3);
/// ```
#[must_use]
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Results of a chunk of rows, a batch or a whole file.
#[derive(Default)]
struct Partial {
    cells: Vec<((AreaCode, Wave, u16), Acc)>,
    index: FastMap<(AreaCode, Wave, u16), usize>,
    excluded: BTreeMap<Exclusion, ExclusionCount>,
    not_scored: [usize; 4],
    used: usize,
    /// An id was seen twice in one wave (bitmap check): the exact set must be found.
    duplicate_seen: bool,
    /// Some id was checked by bitmap (its key is not in `keys`).
    bitmapped: bool,
    /// (wave, id) keys of ids that fit no bitmap.
    keys: Vec<(Wave, u64)>,
}

impl Partial {
    /// The slot of a cell, added when new.
    fn slot(&mut self, key: (AreaCode, Wave, u16)) -> usize {
        let cells = &mut self.cells;
        *self.index.entry(key).or_insert_with(|| {
            cells.push((key, Acc::default()));
            cells.len() - 1
        })
    }

    /// Adds the results of the rows after these (so the first example rows stay first).
    fn absorb(&mut self, o: Partial) {
        self.used += o.used;
        self.duplicate_seen |= o.duplicate_seen;
        self.bitmapped |= o.bitmapped;
        self.keys.extend(o.keys);
        for (t, c) in self.not_scored.iter_mut().zip(o.not_scored) {
            *t += c;
        }
        for (why, e) in o.excluded {
            let t = self.excluded.entry(why).or_default();
            t.count += e.count;
            for r in e.rows {
                if t.rows.len() < EXAMPLE_ROWS {
                    t.rows.push(r);
                }
            }
            if t.example.is_empty() {
                t.example = e.example;
            }
        }
        for (k, a) in o.cells {
            let s = self.slot(k);
            self.cells[s].1.merge(&a);
        }
    }
}

const EXAMPLE_ROWS: usize = 5;

fn exclude(p: &mut Partial, why: Exclusion, row: usize, example: impl FnOnce() -> String) {
    let e = p.excluded.entry(why).or_default();
    e.count += 1;
    if e.rows.len() < EXAMPLE_ROWS {
        e.rows.push(row + 1);
        if e.example.is_empty() {
            e.example = example();
        }
    }
}

/// Reads a respondent file (CSV or Parquet, in batches of rows) and aggregates it.
///
/// # Errors
/// [`MicrodataError`] when the file cannot be read or lacks a mapped column.
pub fn aggregate_file(
    path: &Path,
    mapping: &Mapping,
    options: &MicrodataOptions,
) -> Result<Prevalence, MicrodataError> {
    if options.age_groups.len() > MAX_AGE_GROUPS {
        return Err(MicrodataError::TooManyAgeGroups {
            given: options.age_groups.len(),
        });
    }
    // One pass in the usual case: repeated integer ids are caught by a bitmap per wave, other
    // ids by collecting their keys. Only when a repeat shows up is the exact set of repeated
    // (wave, id) keys found and the file read again, leaving out every copy.
    let bitmaps = IdBits::default();
    let mut first = run_file(path, mapping, options, &Detect::Bitmaps(&bitmaps))?;
    drop(bitmaps);
    let collected = std::mem::take(&mut first.rows.keys);
    let repeated: HashSet<(Wave, u64)> = if collected.is_empty() && !first.rows.duplicate_seen {
        HashSet::new()
    } else {
        // The collected keys are complete only if no id was checked by bitmap instead.
        let mut keys = if first.rows.duplicate_seen || first.rows.bitmapped {
            read_respondents(path, mapping, options.batch_rows, |df, _| {
                let cols = Prepared::new(&df, path, mapping)?;
                let n = cols.height;
                (0..n.div_ceil(CHUNK))
                    .into_par_iter()
                    .map(|c| {
                        cols.slice(c * CHUNK, CHUNK.min(n - c * CHUNK))
                            .keys(mapping)
                    })
                    .collect::<Result<Vec<_>, MicrodataError>>()
                    .map(|v| v.concat())
            })?
            .concat()
        } else {
            collected
        };
        keys.par_sort_unstable();
        keys.windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect()
    };
    let total = if repeated.is_empty() {
        first
    } else {
        run_file(path, mapping, options, &Detect::Known(&repeated))?
    };
    let estimates = estimate(total.rows.cells, options);
    let published = estimates.iter().filter(|e| e.value.is_some()).count();
    let summary = Summary {
        source: path.to_owned(),
        read: total.read,
        used: total.rows.used,
        excluded: total.rows.excluded,
        not_scored: Measure::ALL
            .iter()
            .zip(total.rows.not_scored)
            .map(|(m, c)| (m.names().1.to_owned(), c))
            .collect(),
        cells: estimates.len(),
        published,
        suppressed: estimates.len() - published,
        synthetic: total.synthetic,
    };
    Ok(Prevalence {
        estimates,
        summary,
        classification_year: options.classification_year,
    })
}

const CHUNK: usize = 1 << 16;

/// Integer ids below this bound are checked for repeats by bitmap.
const BITMAP_IDS: u64 = 1 << 32;
/// Ids per bitmap page (32 KiB of bits).
const PAGE_IDS: u64 = 1 << 18;

/// One bit per (wave, integer id), in pages allocated when first touched; shared by the
/// threads (atomic bits, pages set once).
#[derive(Default)]
struct IdBits {
    waves: std::sync::Mutex<Vec<(Wave, std::sync::Arc<WaveBits>)>>,
}

struct WaveBits {
    pages: Vec<std::sync::OnceLock<Box<[AtomicU64]>>>,
}

impl IdBits {
    /// The bitmap of a wave, added when new.
    fn wave(&self, wave: Wave) -> std::sync::Arc<WaveBits> {
        let mut waves = self
            .waves
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, b)) = waves.iter().find(|(w, _)| *w == wave) {
            return b.clone();
        }
        let b = std::sync::Arc::new(WaveBits {
            pages: (0..BITMAP_IDS / PAGE_IDS)
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        });
        waves.push((wave, b.clone()));
        b
    }
}

impl WaveBits {
    /// Marks the ids `64 * word + b` for every bit b of `bits` (ids below [`BITMAP_IDS`]);
    /// true when one of them was marked before.
    #[inline]
    fn mark(&self, word: u64, bits: u64) -> bool {
        let id = word * 64;
        let Some(page) = self.pages.get((id / PAGE_IDS) as usize) else {
            return false;
        };
        let page = page.get_or_init(|| (0..PAGE_IDS / 64).map(|_| AtomicU64::new(0)).collect());
        page.get(((id % PAGE_IDS) / 64) as usize)
            .is_some_and(|w| w.fetch_or(bits, Ordering::Relaxed) & bits != 0)
    }
}

/// How repeated ids are found in a pass.
enum Detect<'a> {
    /// Integer ids below [`BITMAP_IDS`] are marked in bitmaps per wave; the keys of other ids
    /// (text, very large) are collected.
    Bitmaps(&'a IdBits),
    /// The exact set of repeated (wave, id) keys, every copy of which is left out.
    Known(&'a HashSet<(Wave, u64)>),
}

/// Everything summed over the batches of a file.
#[derive(Default)]
struct Totals {
    rows: Partial,
    read: usize,
    synthetic: bool,
}

fn run_file(
    path: &Path,
    mapping: &Mapping,
    options: &MicrodataOptions,
    detect: &Detect<'_>,
) -> Result<Totals, MicrodataError> {
    let bounds: Vec<(u8, Option<u8>)> = options
        .age_groups
        .iter()
        .map(|g| g.bounds().unwrap_or((0, None)))
        .collect();
    let table = FlagTable::new(&options.rules);
    let batches = read_respondents(path, mapping, options.batch_rows, |df, off| {
        let cols = Prepared::new(&df, path, mapping)?;
        let n = cols.height;
        let chunks = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let start = c * CHUNK;
                let slices = cols.slice(start, CHUNK.min(n - start));
                let chunk = slices.decode(mapping, &bounds)?;
                Ok(process(
                    &chunk,
                    &slices,
                    off + start,
                    detect,
                    options,
                    &table,
                ))
            })
            .collect::<Result<Vec<Partial>, MicrodataError>>()?;
        let mut batch = Partial::default();
        for c in chunks {
            batch.absorb(c);
        }
        Ok((batch, n, cols.synthetic))
    })?;
    let mut total = Totals::default();
    for (batch, n, synthetic) in batches {
        total.read += n;
        total.synthetic |= synthetic;
        total.rows.absorb(batch);
    }
    Ok(total)
}

/// The flags of every possible count of lonely and unanswered items (emotional 0–6, social
/// 0–5), as bits: bit m scored on measure m, bit 4 + m lonely on it.
struct FlagTable(Vec<u8>);

impl FlagTable {
    fn new(rules: &ScoringRules) -> Self {
        let mut t = vec![0u8; 7 * 6 * 7 * 6];
        for le in 0..7u8 {
            for ls in 0..6u8 {
                for me in 0..7u8 {
                    for ms in 0..6u8 {
                        let flags = rules.flags(Counts {
                            lonely: [le, ls],
                            missing: [me, ms],
                        });
                        t[Self::index(le, ls, me, ms)] = Self::bits(&flags);
                    }
                }
            }
        }
        Self(t)
    }
    fn index(le: u8, ls: u8, me: u8, ms: u8) -> usize {
        ((usize::from(le) * 6 + usize::from(ls)) * 7 + usize::from(me)) * 6 + usize::from(ms)
    }
    fn bits(flags: &Flags) -> u8 {
        flags.iter().enumerate().fold(0u8, |b, (m, f)| match f {
            Some(y) => b | (1 << m) | (u8::from(*y) << (m + 4)),
            None => b,
        })
    }
    /// The flag bits of a respondent's counts.
    #[inline]
    fn get(&self, c: Counts, rules: &ScoringRules) -> u8 {
        let [le, ls] = c.lonely;
        let [me, ms] = c.missing;
        if le < 7 && ls < 6 && me < 7 && ms < 6 {
            self.0[Self::index(le, ls, me, ms)]
        } else {
            Self::bits(&rules.flags(c))
        }
    }
}

/// What the distinct area code text of a chunk means.
type AreaMeaning = Result<AreaCode, (Exclusion, String)>;

#[allow(clippy::too_many_lines)]
fn process(
    chunk: &Chunk<'_>,
    slices: &crate::load::respondents::Slices<'_>,
    off: usize,
    detect: &Detect<'_>,
    options: &MicrodataOptions,
    table: &FlagTable,
) -> Partial {
    let mut p = Partial::default();
    let areas: Vec<AreaMeaning> = chunk
        .area_table
        .iter()
        .map(|raw| {
            let Some(raw) = raw else {
                return Err((Exclusion::InvalidArea, "empty".into()));
            };
            let code = raw
                .trim()
                .to_uppercase()
                .parse::<AreaCode>()
                .ok()
                .filter(|c| matches!(c.level(), Level::Buurt | Level::Wijk | Level::Gemeente))
                .ok_or_else(|| (Exclusion::InvalidArea, (*raw).to_owned()))?;
            if options
                .known_areas
                .as_ref()
                .is_some_and(|k| !k.contains(&code))
            {
                return Err((Exclusion::UnknownArea, code.to_string()));
            }
            Ok(code)
        })
        .collect();
    let bits: Vec<Option<std::sync::Arc<WaveBits>>> = chunk
        .wave_table
        .iter()
        .map(|w| match (detect, w) {
            (Detect::Bitmaps(b), Ok(w)) => Some(b.wave(*w)),
            _ => None,
        })
        .collect();
    let mut last_cell: Option<(u64, usize)> = None;
    let mut slots: FastMap<u64, usize> = FastMap::default();
    // (wave index, bitmap word, bits) of ids seen but not yet marked.
    let mut pending: Option<(usize, u64, u64)> = None;
    let flush = |wi: usize, word: u64, bits_of: u64, p: &mut Partial| {
        if let Some(Some(b)) = bits.get(wi) {
            p.bitmapped = true;
            if b.mark(word, bits_of) {
                p.duplicate_seen = true;
            }
        }
    };
    for i in 0..chunk.len() {
        let row = off + i;
        let Some(id) = chunk.ids.get(i) else {
            exclude(&mut p, Exclusion::MissingId, row, String::new);
            continue;
        };
        let wi = usize::from(chunk.waves[i]);
        let wave = match &chunk.wave_table[wi] {
            Ok(w) => *w,
            Err(raw) => {
                exclude(&mut p, Exclusion::UnknownWave, row, || raw.clone());
                continue;
            }
        };
        match detect {
            Detect::Bitmaps(_) => match &bits[wi] {
                Some(_) if id < BITMAP_IDS => {
                    // Ids of consecutive rows often share a word of the bitmap: their bits
                    // are gathered and marked at once.
                    let (word, bit) = (id / 64, 1u64 << (id % 64));
                    match &mut pending {
                        Some((w, pw, pb)) if *w == wi && *pw == word => {
                            if *pb & bit != 0 {
                                p.duplicate_seen = true;
                            }
                            *pb |= bit;
                        }
                        _ => {
                            if let Some((w, pw, pb)) = pending.replace((wi, word, bit)) {
                                flush(w, pw, pb, &mut p);
                            }
                        }
                    }
                }
                _ => p.keys.push((wave, id)),
            },
            Detect::Known(set) => {
                if !set.is_empty() && set.contains(&(wave, id)) {
                    exclude(&mut p, Exclusion::DuplicateId, row, || format!("{wave}"));
                    continue;
                }
            }
        }
        let ai = chunk.areas[i];
        let code = match &areas[ai as usize] {
            Ok(c) => *c,
            Err((why, example)) => {
                exclude(&mut p, *why, row, || example.clone());
                continue;
            }
        };
        let w = match chunk.weights.get(i) {
            None => {
                exclude(&mut p, Exclusion::MissingWeight, row, String::new);
                continue;
            }
            Some(w) if !(w.is_finite() && w > 0.0) => {
                exclude(&mut p, Exclusion::InvalidWeight, row, || w.to_string());
                continue;
            }
            Some(w) => w,
        };
        let mask = chunk.ages[i];
        if mask == AGE_MISSING {
            exclude(&mut p, Exclusion::MissingAge, row, String::new);
            continue;
        }
        if mask == 0 {
            exclude(&mut p, Exclusion::OutsideAgeGroups, row, || {
                slices.raw_age(i)
            });
            continue;
        }
        let bad = chunk.bad_item(i);
        if bad != 0 {
            exclude(&mut p, Exclusion::AnswerOutOfRange, row, || {
                let k = usize::from(bad) - 1;
                format!("item {bad}: {:?}", slices.raw_item(i, k))
            });
            continue;
        }
        let flags = table.get(chunk.counts(i), &options.rules);
        for (m, n) in p.not_scored.iter_mut().enumerate() {
            *n += usize::from((flags >> m) & 1 ^ 1);
        }
        p.used += 1;
        // The chunk's own codes of area, wave and age groups make a cheap key.
        let local = (u64::from(ai) << 32) | (u64::from(chunk.waves[i]) << 16) | u64::from(mask);
        let slot = match last_cell {
            Some((k, s)) if k == local => s,
            _ => {
                let s = match slots.get(&local) {
                    Some(s) => *s,
                    None => {
                        let s = p.slot((code, wave, mask));
                        slots.insert(local, s);
                        s
                    }
                };
                last_cell = Some((local, s));
                s
            }
        };
        p.cells[slot].1.add_bits(flags, w);
    }
    if let Some((w, pw, pb)) = pending {
        flush(w, pw, pb, &mut p);
    }
    p
}

/// Sums of one unit, wave and age group.
type UnitSums = ((Unit, Wave, AgeGroup), Acc);

/// Sums of one area, wave and set of age groups (bit g: group g).
type Cell = ((AreaCode, Wave, u16), Acc);

/// Rolls the per-area sums up to wijk, gemeente and groups, then estimates every cell.
fn estimate(mut cells: Vec<Cell>, options: &MicrodataOptions) -> Vec<Estimate> {
    // Cells in a fixed order (sums do not depend on hashing), gemeente by gemeente: every
    // area unit lies in one gemeente, so each gemeente rolls up on its own.
    cells
        .par_sort_unstable_by_key(|((code, wave, mask), _)| (code.gemeente(), *code, *wave, *mask));
    let parts: Vec<&[Cell]> = cells
        .chunk_by(|a, b| a.0.0.gemeente() == b.0.0.gemeente())
        .collect();
    let per_gemeente: Vec<(Vec<UnitSums>, Vec<UnitSums>)> = parts
        .par_iter()
        .map(|part| {
            let mut local: FastMap<(Unit, Wave, AgeGroup), Acc> = FastMap::default();
            let mut chains: Option<(AreaCode, [Option<AreaCode>; 3], Option<Unit>)> = None;
            for &((code, wave, mask), ref acc) in *part {
                let (chain, group) = match &chains {
                    Some((c, chain, group)) if *c == code => (*chain, group.clone()),
                    _ => {
                        let mut chain = [Some(code), None, None];
                        let mut c = code;
                        for slot in chain.iter_mut().skip(1) {
                            match c.parent().filter(|p| p.level() >= Level::Gemeente) {
                                Some(parent) => {
                                    *slot = Some(parent);
                                    c = parent;
                                }
                                None => break,
                            }
                        }
                        let group = options
                            .groups
                            .as_ref()
                            .and_then(|g| chain.iter().flatten().find_map(|c| g.get(*c)))
                            .map(|g| Unit::Group(g.to_owned()));
                        chains = Some((code, chain, group.clone()));
                        (chain, group)
                    }
                };
                for (gi, &age) in options.age_groups.iter().enumerate() {
                    if mask & (1 << gi) == 0 {
                        continue;
                    }
                    for unit in chain
                        .iter()
                        .flatten()
                        .map(|c| Unit::Area(*c))
                        .chain(group.clone())
                    {
                        local.entry((unit, wave, age)).or_default().merge(acc);
                    }
                }
            }
            // Areas in the gemeente's own order: the gemeente, then each wijk followed by its
            // buurten; groups apart.
            let (mut areas, groups): (Vec<UnitSums>, Vec<UnitSums>) = local
                .into_iter()
                .partition(|((u, _, _), _)| matches!(u, Unit::Area(_)));
            areas.sort_unstable_by_key(|((u, w, a), _)| match u {
                Unit::Area(c) => (c.at_level(Level::Wijk), c.level(), Some(*c), *w, *a),
                Unit::Group(_) => (None, Level::Land, None, *w, *a),
            });
            (areas, groups)
        })
        .collect();
    let mut units: Vec<UnitSums> =
        Vec::with_capacity(per_gemeente.iter().map(|(a, g)| a.len() + g.len()).sum());
    let mut groups: Vec<UnitSums> = Vec::new();
    for (a, g) in per_gemeente {
        units.extend(a);
        groups.extend(g);
    }
    // A group can span gemeenten: its parts, in gemeente order (a stable sort), are merged;
    // groups follow the areas.
    groups.sort_by(|(a, _), (b, _)| a.cmp(b));
    groups.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1.merge(&later.1);
            true
        } else {
            false
        }
    });
    units.extend(groups);
    let min = options.min_respondents;
    (0..units.len() * Measure::ALL.len())
        .into_par_iter()
        .map(|k| {
            let ((unit, wave, age), acc) = &units[k / Measure::ALL.len()];
            let m = k % Measure::ALL.len();
            let measure = Measure::ALL[m];
            let n = acc.n[m];
            let n_eff = if acc.sw2[m] > 0.0 {
                acc.sw[m] * acc.sw[m] / acc.sw2[m]
            } else {
                0.0
            };
            let (value, lower, upper, suppressed) = if n < min || acc.sw[m] <= 0.0 {
                (
                    None,
                    None,
                    None,
                    Some(Suppression::TooFewRespondents { n, min }),
                )
            } else {
                let p = acc.swy[m] / acc.sw[m];
                let (lo, hi) = wilson(p, n_eff);
                (Some(100.0 * p), Some(100.0 * lo), Some(100.0 * hi), None)
            };
            Estimate {
                unit: unit.clone(),
                wave: *wave,
                age: *age,
                measure,
                n,
                n_eff,
                value,
                lower,
                upper,
                suppressed,
            }
        })
        .collect()
}

fn indicator(m: Measure) -> Indicator {
    match m {
        Measure::Lonely => Indicator::LONELY,
        Measure::Severe => Indicator::SEVERELY_LONELY,
        Measure::Emotional => Indicator::EMOTIONALLY_LONELY,
        Measure::Social => Indicator::SOCIALLY_LONELY,
    }
}

/// The area estimates as a [`Dataset`]: value, lower and upper bound rows per cell.
fn dataset(
    estimates: &[Estimate],
    source: &Path,
    classification_year: Option<u16>,
    synthetic: bool,
) -> Dataset {
    let mut rows: Vec<RowKey> = Vec::new();
    let mut index: HashMap<(AreaCode, Wave, AgeGroup), usize> = HashMap::new();
    let mut values: Vec<[[Figure; 4]; 3]> = Vec::new();
    for e in estimates {
        let Unit::Area(code) = e.unit else { continue };
        let i = *index.entry((code, e.wave, e.age)).or_insert_with(|| {
            for margin in [Margin::Value, Margin::Lower95, Margin::Upper95] {
                rows.push(RowKey {
                    code,
                    area_name: None,
                    gemeente_name: None,
                    wave: e.wave,
                    age: e.age,
                    margin,
                });
            }
            values.push([[Figure::NotMeasured; 4]; 3]);
            values.len() - 1
        });
        let m = e.measure as usize;
        let f = |v: Option<f64>| v.map_or(Figure::Suppressed, Figure::Value);
        values[i][0][m] = f(e.value);
        values[i][1][m] = f(e.lower);
        values[i][2][m] = f(e.upper);
    }
    let columns = Measure::ALL
        .iter()
        .map(|&m| {
            let col: Vec<Figure> = values
                .iter()
                .flat_map(|v| [v[0][m as usize], v[1][m as usize], v[2][m as usize]])
                .collect();
            (Target::Schema(indicator(m)), col)
        })
        .collect();
    let mut builder = DatasetBuilder::default();
    builder.add(ParsedFile {
        path: source.to_owned(),
        rows,
        columns,
    });
    // One row per (area, wave, age group, margin): merging one file cannot conflict.
    builder
        .finish(classification_year, vec![source.to_owned()], synthetic)
        .unwrap_or_default()
}

/// The published-figure columns the output writes, in order.
#[must_use]
pub fn indicators() -> [Indicator; 4] {
    Measure::ALL.map(indicator)
}

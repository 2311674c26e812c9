//! Synthetic respondents for tests and benchmarks, calibrated to published buurt figures.
//!
//! For every buurt and wave with published 18+ `Eenzaam_28` (p₁) and
//! `ErnstigZeerErnstigEenzaam_29` (p₂), respondents are drawn so that in expectation a share
//! p₂ scores 9–11, p₁ − p₂ scores 3–8 and the rest 0–2 on the 11 items: the weighted
//! prevalence of the drawn respondents estimates the published figures without bias, because
//! the weights (log-normal, mean 1) are drawn independently of the answers. The lonely answers
//! go to randomly chosen items, as "ja"/"min of meer" on emotional items and "nee"/"min of
//! meer" on social ones. A small share of respondents leaves one item unanswered, at random.
//!
//! Every file written has a `synthetic` column that is true on every row, and the estimates of
//! such a file say so. The same seed gives the same respondents.

use std::path::Path;

use rand::{Rng, RngExt as _, SeedableRng};
use rand_distr::{Distribution, LogNormal};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use super::score::{ITEMS, Subscale};
use super::{Mapping, MicrodataError};
use crate::{AgeGroup, AreaCode, Dataset, GemeenteCode, Indicator, Level};

/// The column that marks synthetic rows.
pub const SYNTHETIC_COLUMN: &str = "synthetic";

/// How many and which respondents to draw.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SynthOptions {
    /// Seed of the generator.
    pub seed: u64,
    /// Mean respondents per buurt and wave; each buurt draws between half and one and a half
    /// times this.
    pub per_buurt: u32,
    /// Only buurten of these gemeenten (a GGD region); empty: every buurt.
    pub gemeenten: Vec<GemeenteCode>,
    /// Share of respondents with one unanswered item.
    pub missing_share: f64,
    /// Spread (σ of the log) of the survey weights.
    pub weight_spread: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self {
            seed: 20_260_101,
            per_buurt: 100,
            gemeenten: Vec::new(),
            missing_share: 0.02,
            weight_spread: 0.5,
        }
    }
}

impl SynthOptions {
    /// Another seed.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Another mean number of respondents per buurt and wave.
    #[must_use]
    pub fn with_per_buurt(mut self, n: u32) -> Self {
        self.per_buurt = n;
        self
    }
    /// Only these gemeenten.
    #[must_use]
    pub fn with_gemeenten(mut self, g: Vec<GemeenteCode>) -> Self {
        self.gemeenten = g;
        self
    }
    /// Another share of respondents with a missing item.
    #[must_use]
    pub fn with_missing_share(mut self, s: f64) -> Self {
        self.missing_share = s;
        self
    }
}

/// What was drawn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SynthReport {
    /// Respondents written.
    pub respondents: usize,
    /// Buurt × wave cells drawn.
    pub cells: usize,
}

/// One (buurt, wave) to draw, with its published shares.
struct Target {
    code: AreaCode,
    wave: u16,
    lonely: f64,
    severe: f64,
}

/// Draws respondents for every buurt and wave of `published` with both figures, and writes them
/// to `path` (Parquet for `.parquet`, else CSV) in the default [`Mapping`](super::Mapping)'s
/// column names, with answer codes 1 nee, 2 min of meer, 3 ja, 9 missing.
///
/// # Errors
/// [`MicrodataError::Write`] when the file cannot be written.
pub fn synthetic_respondents(
    published: &Dataset,
    options: &SynthOptions,
    path: &Path,
) -> Result<SynthReport, MicrodataError> {
    let mut targets = Vec::new();
    for &wave in published.waves() {
        let (Ok(lonely), Ok(severe)) = (
            published.level_figures(Level::Buurt, Indicator::LONELY, wave, AgeGroup::ADULTS),
            published.level_figures(
                Level::Buurt,
                Indicator::SEVERELY_LONELY,
                wave,
                AgeGroup::ADULTS,
            ),
        ) else {
            continue;
        };
        for ((code, l), (_, s)) in lonely.iter().zip(&severe) {
            if !options.gemeenten.is_empty()
                && !code
                    .gemeente()
                    .is_some_and(|g| options.gemeenten.contains(&g))
            {
                continue;
            }
            if let (Some(l), Some(s)) = (l.value(), s.value()) {
                let lonely = (l / 100.0).clamp(0.0, 1.0);
                targets.push(Target {
                    code: *code,
                    wave: wave.year(),
                    lonely,
                    severe: (s / 100.0).clamp(0.0, lonely),
                });
            }
        }
    }
    let parts: Vec<RespondentColumns> = targets
        .par_iter()
        .enumerate()
        .map(|(i, t)| draw(t, i as u64, options))
        .collect();
    let mut all = RespondentColumns::default();
    let mut next_id = 1u64;
    for mut p in parts {
        for id in &mut p.id {
            *id = next_id;
            next_id += 1;
        }
        all.append(p);
    }
    let report = SynthReport {
        respondents: all.id.len(),
        cells: targets.len(),
    };
    write_respondents(all, path)?;
    Ok(report)
}

fn draw(t: &Target, index: u64, o: &SynthOptions) -> RespondentColumns {
    let mut rng = Pcg64Mcg::seed_from_u64(
        o.seed ^ (index.wrapping_add(1)).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let sigma = o.weight_spread.max(0.0);
    let weights = LogNormal::new(-sigma * sigma / 2.0, sigma).ok();
    let n = (f64::from(o.per_buurt) * (0.5 + rng.random::<f64>())).round() as usize;
    let mut c = RespondentColumns::with_capacity(n);
    let area = t.code.to_string();
    for _ in 0..n {
        let u: f64 = rng.random();
        let score: usize = if u < t.severe {
            rng.random_range(9..=11)
        } else if u < t.lonely {
            rng.random_range(3..=8)
        } else {
            rng.random_range(0..=2)
        };
        // Which items carry the lonely answers: a random subset of `score` items.
        let mut order: [usize; 11] = std::array::from_fn(|i| i);
        for i in 0..score {
            let j = rng.random_range(i..11);
            order.swap(i, j);
        }
        let mut lonely = [false; 11];
        for &k in &order[..score] {
            lonely[k] = true;
        }
        let mut answers = [0u8; 11];
        for (k, item) in ITEMS.iter().enumerate() {
            let soft = rng.random::<f64>() < 0.4;
            answers[k] = match (item.subscale, lonely[k]) {
                (Subscale::Emotional, true) => {
                    if soft {
                        2
                    } else {
                        3
                    }
                }
                (Subscale::Emotional, false) => 1,
                (Subscale::Social, true) => {
                    if soft {
                        2
                    } else {
                        1
                    }
                }
                (Subscale::Social, false) => 3,
            };
        }
        if rng.random::<f64>() < o.missing_share {
            answers[rng.random_range(0..11)] = 9;
        }
        let age = draw_age(&mut rng);
        c.id.push(0);
        c.wave.push(t.wave);
        c.area.push(area.clone());
        c.age.push(age);
        c.sex.push(rng.random_range(1..=2));
        c.weight.push(weights.map_or(1.0, |d| d.sample(&mut rng)));
        for (k, a) in answers.iter().enumerate() {
            c.items[k].push(*a);
        }
    }
    c
}

/// Ages 18–95, about a quarter 65 or older.
fn draw_age(rng: &mut impl Rng) -> u8 {
    if rng.random::<f64>() < 0.26 {
        rng.random_range(65..=95)
    } else {
        rng.random_range(18..=64)
    }
}

/// Respondent columns in plain vectors, in the default mapping's names, for writing.
#[derive(Debug, Clone, Default)]
struct RespondentColumns {
    pub id: Vec<u64>,
    pub wave: Vec<u16>,
    pub area: Vec<String>,
    pub age: Vec<u8>,
    pub sex: Vec<u8>,
    pub weight: Vec<f64>,
    pub items: [Vec<u8>; 11],
}

impl RespondentColumns {
    fn with_capacity(n: usize) -> Self {
        Self {
            id: Vec::with_capacity(n),
            wave: Vec::with_capacity(n),
            area: Vec::with_capacity(n),
            age: Vec::with_capacity(n),
            sex: Vec::with_capacity(n),
            weight: Vec::with_capacity(n),
            items: std::array::from_fn(|_| Vec::with_capacity(n)),
        }
    }

    fn append(&mut self, mut o: Self) {
        self.id.append(&mut o.id);
        self.wave.append(&mut o.wave);
        self.area.append(&mut o.area);
        self.age.append(&mut o.age);
        self.sex.append(&mut o.sex);
        self.weight.append(&mut o.weight);
        for (a, b) in self.items.iter_mut().zip(o.items.iter_mut()) {
            a.append(b);
        }
    }
}

/// Writes respondents as Parquet (`.parquet`) or CSV, with a `synthetic` column set true.
fn write_respondents(c: RespondentColumns, path: &Path) -> Result<(), MicrodataError> {
    use polars::prelude::{
        CsvWriter, DataFrame, IntoColumn, NamedFrom, ParquetWriter, SerWriter, Series,
    };
    let werr = |e: &dyn std::fmt::Display| MicrodataError::Write {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let m = Mapping::default();
    let n = c.id.len();
    let mut cols = vec![
        Series::new(m.columns.id.as_str().into(), c.id).into_column(),
        Series::new(m.columns.wave.as_str().into(), c.wave).into_column(),
        Series::new(m.columns.area.as_str().into(), c.area).into_column(),
        Series::new(m.columns.age.as_str().into(), c.age).into_column(),
        Series::new("sex".into(), c.sex).into_column(),
        Series::new(m.columns.weight.as_str().into(), c.weight).into_column(),
    ];
    for (name, v) in m.columns.items.iter().zip(c.items) {
        cols.push(Series::new(name.as_str().into(), v).into_column());
    }
    cols.push(Series::new(SYNTHETIC_COLUMN.into(), vec![true; n]).into_column());
    let mut df = DataFrame::new(n, cols).map_err(|e| werr(&e))?;
    let file = std::fs::File::create(path).map_err(|e| werr(&e))?;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    {
        ParquetWriter::new(file)
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| werr(&e))
    } else {
        CsvWriter::new(file)
            .include_header(true)
            .finish(&mut df)
            .map_err(|e| werr(&e))
    }
}

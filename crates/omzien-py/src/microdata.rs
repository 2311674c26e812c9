//! `omzien.microdata`: De Jong-Gierveld scoring of respondents and their weighted prevalence
//! per buurt, wijk, gemeente and group, as `omzien microdata` computes them.

use std::path::PathBuf;

use omzien::microdata::{
    self as md, Answer, Counts, Mapping, MicrodataOptions, Prevalence as CorePrevalence,
    ScoringRules, Unit,
};
use pyo3::prelude::*;

use crate::dataset::Dataset;
use crate::errors::{Kind, query, to_py};
use crate::frame::{Frame, Table, lower, upper};

fn mapping(path: Option<PathBuf>) -> PyResult<Mapping> {
    match path {
        Some(p) => Mapping::from_toml(&p).map_err(to_py(Kind::Microdata)),
        None => Ok(Mapping::default()),
    }
}

fn rules(max_missing: u8, emotional_from: u8, social_from: u8) -> ScoringRules {
    ScoringRules::default()
        .with_subscale_thresholds(emotional_from, social_from)
        .with_max_missing(max_missing)
}

/// The 11 item columns the mapping reads (`dj1` … `dj11` by default), in questionnaire order.
#[pyfunction]
#[pyo3(signature = (mapping=None))]
pub(crate) fn item_columns(mapping: Option<PathBuf>) -> PyResult<Vec<String>> {
    Ok(self::mapping(mapping)?.columns.items)
}

/// Scores respondents: `items` are the 11 item columns (their raw codes as text, `None` for
/// an empty cell), read by the mapping's answer codes. Per respondent the lonely answers per
/// subscale and in all, the unanswered items, and the four measures (null: not scored, too
/// many items unanswered).
#[pyfunction]
#[pyo3(signature = (items, mapping=None, max_missing=0, emotional_from=3, social_from=3))]
pub(crate) fn score(
    py: Python<'_>,
    items: Vec<Vec<Option<String>>>,
    mapping: Option<PathBuf>,
    max_missing: u8,
    emotional_from: u8,
    social_from: u8,
) -> PyResult<Table> {
    let m = self::mapping(mapping)?;
    let r = rules(max_missing, emotional_from, social_from);
    MicrodataOptions::default()
        .with_rules(r)
        .check()
        .map_err(to_py(Kind::Microdata))?;
    if items.len() != 11 {
        return Err(query(format!(
            "items: {} columns given; the De Jong-Gierveld scale has 11",
            items.len()
        )));
    }
    let rows = items[0].len();
    if let Some((i, c)) = items.iter().enumerate().find(|(_, c)| c.len() != rows) {
        return Err(query(format!(
            "items: column {} has {} rows, the first has {rows}",
            m.columns.items[i],
            c.len()
        )));
    }
    let scored = py.detach(|| -> Result<Vec<(Counts, md::Flags)>, String> {
        (0..rows)
            .map(|row| {
                let mut answers = [Answer::Missing; 11];
                for (k, a) in answers.iter_mut().enumerate() {
                    *a = match items[k][row].as_deref().map(str::trim) {
                        None | Some("") => Answer::Missing,
                        Some(raw) => m.answer(raw).ok_or_else(|| {
                            format!(
                                "row {row}, column {}: answer code {raw:?} is not in the mapping",
                                m.columns.items[k]
                            )
                        })?,
                    };
                }
                let counts = Counts::of(&answers);
                Ok((counts, r.flags(counts)))
            })
            .collect()
    });
    let scored = scored.map_err(|msg| crate::errors::exception(Kind::Microdata, msg))?;
    let u = |f: &dyn Fn(&Counts) -> u8| -> Vec<Option<u32>> {
        scored.iter().map(|(c, _)| Some(u32::from(f(c)))).collect()
    };
    let flag = |i: usize| scored.iter().map(|(_, f)| f[i]).collect();
    Frame::new()
        .u32("emotional_score", u(&|c| c.lonely[0]))
        .u32("social_score", u(&|c| c.lonely[1]))
        .u32("score", u(&|c| c.lonely[0] + c.lonely[1]))
        .u32("unanswered", u(&|c| c.missing[0] + c.missing[1]))
        .bool("lonely", flag(0))
        .bool("severe", flag(1))
        .bool("emotional", flag(2))
        .bool("social", flag(3))
        .finish()
}

/// Weighted prevalence of a respondent file (CSV or Parquet), as `omzien microdata`.
#[pyfunction]
#[pyo3(signature = (path, mapping=None, min_respondents=None, min_effective_n=None, max_width=None, max_missing=0, emotional_from=3, social_from=3, groups=None, reference=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn prevalence(
    py: Python<'_>,
    path: PathBuf,
    mapping: Option<PathBuf>,
    min_respondents: Option<u32>,
    min_effective_n: Option<f64>,
    max_width: Option<f64>,
    max_missing: u8,
    emotional_from: u8,
    social_from: u8,
    groups: Option<PathBuf>,
    reference: Option<PyRef<'_, Dataset>>,
) -> PyResult<Prevalence> {
    let m = self::mapping(mapping)?;
    let d = MicrodataOptions::default();
    let mut options = MicrodataOptions::default()
        .with_rules(rules(max_missing, emotional_from, social_from))
        .with_min_respondents(min_respondents.unwrap_or(d.min_respondents))
        .with_precision(
            min_effective_n.unwrap_or(d.min_effective_n),
            max_width.unwrap_or(d.max_interval_width),
        );
    options.check().map_err(to_py(Kind::Microdata))?;
    if let Some(r) = reference {
        options = options.with_reference(r.core());
    }
    if let Some(g) = groups {
        options = options.with_groups(omzien::Groups::from_csv(&g).map_err(to_py(Kind::Load))?);
    }
    let p = py
        .detach(|| md::aggregate_file(&path, &m, &options))
        .map_err(to_py(Kind::Microdata))?;
    Ok(Prevalence { p })
}

/// Draws synthetic respondents for every buurt and wave of `published` (about `per_buurt`
/// per buurt and wave, only the gemeenten given if any) and writes them to `path` (Parquet for
/// `.parquet`, else CSV) in the default mapping's columns; returns how many were written.
#[pyfunction]
#[pyo3(signature = (published, path, per_buurt=None, seed=None, gemeenten=None))]
pub(crate) fn synthetic(
    py: Python<'_>,
    published: PyRef<'_, Dataset>,
    path: PathBuf,
    per_buurt: Option<u32>,
    seed: Option<u64>,
    gemeenten: Option<Vec<String>>,
) -> PyResult<usize> {
    let ds = published.core();
    let mut o = md::SynthOptions::default();
    if let Some(n) = per_buurt {
        o = o.with_per_buurt(n);
    }
    if let Some(s) = seed {
        o = o.with_seed(s);
    }
    if let Some(g) = gemeenten {
        let codes = g
            .iter()
            .map(|t| ds.resolve_gemeente(t).map_err(to_py(Kind::Query)))
            .collect::<PyResult<_>>()?;
        o = o.with_gemeenten(codes);
    }
    let report = py
        .detach(|| md::synthetic_respondents(ds, &o, &path))
        .map_err(to_py(Kind::Microdata))?;
    Ok(report.respondents)
}

/// Aggregated respondents: every estimate, the summary, and the figures as a dataset.
#[pyclass(frozen, module = "omzien._omzien")]
pub struct Prevalence {
    p: CorePrevalence,
}

#[pymethods]
impl Prevalence {
    /// Every estimate: unit (area code or group), level, wave, age group, measure, scored
    /// respondents, effective n, value with its 95 % and 99.8 % Wilson intervals, and why a
    /// suppressed one was not published.
    fn estimates(&self, py: Python<'_>) -> PyResult<Table> {
        let e = &self.p.estimates;
        let frame = py.detach(|| {
            Frame::new()
                .texts("unit", e.iter().map(|e| e.unit.to_string()))
                .texts(
                    "level",
                    e.iter().map(|e| match &e.unit {
                        Unit::Area(c) => c.level().to_string(),
                        Unit::Group(_) => "group".to_owned(),
                    }),
                )
                .i32(
                    "wave",
                    e.iter().map(|e| Some(i32::from(e.wave.year()))).collect(),
                )
                .texts("age", e.iter().map(|e| e.age.short()))
                .texts("measure", e.iter().map(|e| e.measure.names().1))
                .u32("n", e.iter().map(|e| Some(e.n)).collect())
                .f64("n_eff", e.iter().map(|e| Some(e.n_eff)).collect())
                .f64("value", e.iter().map(|e| e.value).collect())
                .f64("lower", e.iter().map(|e| e.lower).collect())
                .f64("upper", e.iter().map(|e| e.upper).collect())
                .f64(
                    "lower_998",
                    e.iter().map(|e| lower(e.interval_998)).collect(),
                )
                .f64(
                    "upper_998",
                    e.iter().map(|e| upper(e.interval_998)).collect(),
                )
                .text(
                    "suppressed",
                    e.iter().map(|e| e.suppressed.map(|s| s.to_string())),
                )
        });
        frame.finish()
    }

    /// What happened to the respondents (read, used, excluded with reasons, not scored), as
    /// the `summary.json` of `omzien microdata`.
    fn summary(&self) -> PyResult<String> {
        serde_json::to_string(&self.p.summary).map_err(|e| query(e.to_string()))
    }

    /// The area figures as a dataset, like published figures (value and 95 % bounds per area,
    /// wave and age group; suppressed cells suppressed): trends, risk and layers run on it.
    fn dataset(&self, py: Python<'_>) -> PyResult<Dataset> {
        let ds = py
            .detach(|| self.p.dataset())
            .map_err(to_py(Kind::Microdata))?;
        Ok(Dataset::new(ds, Vec::new(), Vec::new(), Vec::new()))
    }
}

//! `omzien._omzien.Dataset`: the loaded figures, and the queries the core runs on them, each
//! answering a [`Table`] (a polars DataFrame on the Python side). The Python wrapper
//! (`python/omzien/__init__.py`) gives the arguments their defaults and the columns their
//! enum types; here the strings are parsed once, by the core's own parsers, so the messages are
//! the command line's.

use std::path::PathBuf;
use std::sync::Arc;

use omzien::{
    AgeGroup, AreaCode, Boundaries, Caveat, GemeenteCode, Indicator, LayerSpec, Level,
    RiseReference, RiskBy, RiskMode, RiskQuery, RollupQuery, TrendQuery, Wave,
};
use pyo3::prelude::*;

use crate::errors::{Kind, from_failure, query, to_py};
use crate::frame::{Frame, Table, count, lower, upper};
use crate::more;

/// Figures per buurt, wijk and gemeente for every wave, age group and indicator.
#[pyclass(frozen, module = "omzien._omzien")]
pub struct Dataset {
    ds: Arc<omzien::Dataset>,
    /// The boundaries chosen per level (the demo's own for the demo).
    boundaries: Arc<Vec<Boundaries>>,
    /// The boundary files and folders given (the population layers of a report are among
    /// them).
    boundary_paths: Vec<PathBuf>,
    /// Boundary files left out, and why.
    notes: Vec<String>,
}

impl Dataset {
    pub(crate) fn new(
        ds: omzien::Dataset,
        boundaries: Vec<Boundaries>,
        boundary_paths: Vec<PathBuf>,
        notes: Vec<String>,
    ) -> Self {
        Self {
            ds: Arc::new(ds),
            boundaries: Arc::new(boundaries),
            boundary_paths,
            notes,
        }
    }

    /// The core's dataset.
    pub(crate) fn core(&self) -> &omzien::Dataset {
        &self.ds
    }

    /// Every indicator with figures, or the one named (by the core's reading, its message
    /// naming the parameter).
    fn indicators_of(&self, key: Option<&str>) -> PyResult<Vec<Indicator>> {
        match key {
            Some(_) => Ok(vec![self.indicator(key)?]),
            None => Ok(self.ds.indicators().iter().map(|i| i.indicator).collect()),
        }
    }

    /// Every wave, or the one named.
    fn waves_of(&self, wave: Option<&str>) -> PyResult<Vec<Wave>> {
        match wave {
            Some(_) => Ok(vec![self.wave(wave)?]),
            None => Ok(self.ds.waves().to_vec()),
        }
    }

    /// Every age group, or the one named.
    fn ages_of(&self, age: Option<&str>) -> PyResult<Vec<AgeGroup>> {
        match age {
            Some(_) => Ok(vec![self.age(age)?]),
            None => Ok(self.ds.age_groups().to_vec()),
        }
    }

    /// The indicator named, the lonely indicator by default ([`omzien::Dataset::parse_indicator`]).
    fn indicator(&self, key: Option<&str>) -> PyResult<Indicator> {
        self.ds.parse_indicator(key).map_err(to_py(Kind::Query))
    }

    /// The wave named, the latest by default ([`omzien::Dataset::parse_wave_or_latest`]).
    fn wave(&self, wave: Option<&str>) -> PyResult<Wave> {
        self.ds
            .parse_wave_or_latest("wave", wave)
            .map_err(to_py(Kind::Query))
    }

    /// The wave a parameter names (`from_`, `since`, …), its name in the message.
    fn named_wave(&self, param: &'static str, wave: &str) -> PyResult<Wave> {
        self.ds
            .parse_wave_param(param, wave)
            .map_err(to_py(Kind::Query))
    }

    /// The age group named, 18+ by default where the data has it
    /// ([`omzien::Dataset::parse_age`]).
    fn age(&self, age: Option<&str>) -> PyResult<AgeGroup> {
        self.ds.parse_age(age).map_err(to_py(Kind::Query))
    }

    fn gemeente(&self, text: Option<&str>) -> PyResult<Option<GemeenteCode>> {
        text.map(|t| self.ds.resolve_gemeente(t).map_err(to_py(Kind::Query)))
            .transpose()
    }

    /// The areas of a level (every level when `None`), within a gemeente (code or name) if
    /// given, in level and code order.
    fn codes(&self, level: Option<&str>, gemeente: Option<&str>) -> PyResult<Vec<AreaCode>> {
        let within = self.gemeente(gemeente)?;
        let levels = match level {
            Some(t) => vec![level_of(t)?],
            None => Level::ALL.to_vec(),
        };
        Ok(levels
            .into_iter()
            .flat_map(|l| self.ds.areas(l, within))
            .collect())
    }
}

fn level_of(text: &str) -> PyResult<Level> {
    text.parse::<Level>().map_err(to_py(Kind::Query))
}

/// What `Dataset.area` tells of an area: code, name, level, parent, gemeente.
type AreaRow = (String, String, String, Option<String>, Option<String>);

fn caveats(c: &[Caveat]) -> Option<String> {
    (!c.is_empty()).then(|| Caveat::join(c))
}

// Python's keyword arguments, each optional, are the parameters: as many as the CLI's flags.
#[allow(clippy::too_many_arguments)]
#[pymethods]
impl Dataset {
    /// Area codes in the dataset.
    fn __len__(&self) -> usize {
        self.ds.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<omzien.Dataset {}: {} areas, waves {}, age groups {}, {} indicators>",
            match (self.ds.is_synthetic(), self.ds.table()) {
                (true, _) => "synthetic",
                (false, Some(t)) => t,
                (false, None) => "figures",
            },
            self.ds.len(),
            join(self.ds.waves()),
            join(self.ds.age_groups()),
            self.ds.indicators().len()
        )
    }

    /// The waves the dataset holds, oldest first.
    #[getter]
    fn waves(&self) -> Vec<u16> {
        self.ds.waves().iter().map(|w| w.year()).collect()
    }

    /// The age groups the dataset holds (`18+`, `65+`, …).
    #[getter]
    fn age_groups(&self) -> Vec<String> {
        self.ds
            .age_groups()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Whether the figures are the synthetic demo's.
    #[getter]
    fn synthetic(&self) -> bool {
        self.ds.is_synthetic()
    }

    /// The StatLine table the figures came from, if known.
    #[getter]
    fn table(&self) -> Option<&'static str> {
        self.ds.table()
    }

    /// The indicators with figures: key, Dutch and English label, unit, polarity, whether one
    /// of the four loneliness indicators.
    fn indicators(&self) -> PyResult<Table> {
        let info = self.ds.indicators();
        Frame::new()
            .texts("key", info.iter().map(|i| i.key.as_str()))
            .texts("label_nl", info.iter().map(|i| i.label_nl.as_str()))
            .texts("label_en", info.iter().map(|i| i.label_en.as_str()))
            .texts("unit", info.iter().map(|i| i.unit.symbol()))
            .texts(
                "polarity",
                info.iter().map(|i| crate::frame::snake(&i.polarity)),
            )
            .bool(
                "loneliness",
                info.iter().map(|i| Some(i.loneliness)).collect(),
            )
            .finish()
    }

    /// The areas of a level (all levels when `None`), within a gemeente if given: code, name,
    /// level, parent and gemeente.
    #[pyo3(signature = (level=None, gemeente=None))]
    fn areas(&self, level: Option<&str>, gemeente: Option<&str>) -> PyResult<Table> {
        let areas: Vec<_> = self
            .codes(level, gemeente)?
            .iter()
            .map(|&c| self.ds.area(c).map_err(to_py(Kind::Query)))
            .collect::<PyResult<_>>()?;
        Frame::new()
            .texts("code", areas.iter().map(|a| a.code.to_string()))
            .texts("name", areas.iter().map(omzien::Area::display_name))
            .texts("level", areas.iter().map(|a| a.level.to_string()))
            .text(
                "parent",
                areas.iter().map(|a| a.parent.map(|p| p.to_string())),
            )
            .text(
                "gemeente",
                areas
                    .iter()
                    .map(|a| a.code.gemeente().map(|g| g.to_string())),
            )
            .finish()
    }

    /// The code of an area given by code or name (a gemeente's, wijk's or buurt's name where
    /// the data names them; `level` narrows an ambiguous name).
    #[pyo3(signature = (text, level=None))]
    fn resolve(&self, text: &str, level: Option<&str>) -> PyResult<String> {
        let level = level.map(level_of).transpose()?;
        self.ds
            .resolve_area(text, level)
            .map(|c| c.to_string())
            .map_err(to_py(Kind::Query))
    }

    /// An area by code or name: code, name, level, parent and gemeente.
    fn area(&self, text: &str) -> PyResult<AreaRow> {
        let code = self
            .ds
            .resolve_area(text, None)
            .map_err(to_py(Kind::Query))?;
        let a = self.ds.area(code).map_err(to_py(Kind::Query))?;
        Ok((
            code.to_string(),
            a.display_name(),
            a.level.to_string(),
            a.parent.map(|p| p.to_string()),
            code.gemeente().map(|g| g.to_string()),
        ))
    }

    /// Areas whose code or name matches, best first: code, name and rank (0 code or exact
    /// name … 4 substring).
    #[pyo3(signature = (text, limit=10))]
    fn search(&self, text: &str, limit: usize) -> PyResult<Table> {
        let hits = self.ds.search(text, limit);
        Frame::new()
            .texts("code", hits.iter().map(|h| h.code.to_string()))
            .texts("name", hits.iter().map(|h| h.name.as_str()))
            .texts("level", hits.iter().map(|h| h.code.level().to_string()))
            .u32(
                "rank",
                hits.iter().map(|h| Some(u32::from(h.rank))).collect(),
            )
            .finish()
    }

    /// Every figure asked for, one row per area, indicator, wave and age group: value, its
    /// 95 % interval, and its status (`value`, `suppressed`, `not_measured`). `None` for an
    /// argument means all; `areas` (codes) narrows to those areas.
    #[pyo3(signature = (indicator=None, age=None, wave=None, level=None, gemeente=None, areas=None))]
    fn figures(
        &self,
        py: Python<'_>,
        indicator: Option<&str>,
        age: Option<&str>,
        wave: Option<&str>,
        level: Option<&str>,
        gemeente: Option<&str>,
        areas: Option<Vec<String>>,
    ) -> PyResult<Table> {
        let inds = self.indicators_of(indicator)?;
        let waves = self.waves_of(wave)?;
        let ages = self.ages_of(age)?;
        let codes: Vec<AreaCode> = match areas {
            Some(list) => list
                .iter()
                .map(|t| self.ds.resolve_area(t, None).map_err(to_py(Kind::Query)))
                .collect::<PyResult<_>>()?,
            None => self.codes(level, gemeente)?,
        };
        let ds = &*self.ds;
        py.detach(|| -> PyResult<Table> {
            let measures: Vec<(Indicator, Wave, AgeGroup)> = inds
                .iter()
                .flat_map(|&i| {
                    let ages = &ages;
                    waves
                        .iter()
                        .flat_map(move |&w| ages.iter().map(move |&a| (i, w, a)))
                })
                .collect();
            let cells = ds.cells(&codes, &measures).map_err(to_py(Kind::Query))?;
            let per = measures.len();
            // Each area's texts once; each row takes its area's (row / per) and measure's
            // (row % per).
            let code_s: Vec<String> = codes.iter().map(ToString::to_string).collect();
            let names: Vec<String> = codes.iter().map(|&c| self.ds.area_name(c)).collect();
            let gm: Vec<Option<String>> = codes
                .iter()
                .map(|c| c.gemeente().map(|g| g.to_string()))
                .collect();
            let levels = Level::ALL.map(|l| l.to_string());
            let keys: Vec<String> = measures.iter().map(|m| m.0.to_string()).collect();
            let age_s: Vec<String> = measures.iter().map(|m| m.2.to_string()).collect();
            let rows = 0..cells.len();
            Frame::new()
                .texts("code", rows.clone().map(|r| code_s[r / per].as_str()))
                .texts("name", rows.clone().map(|r| names[r / per].as_str()))
                .texts(
                    "level",
                    rows.clone()
                        .map(|r| levels[codes[r / per].level() as usize].as_str()),
                )
                .text("gemeente", rows.clone().map(|r| gm[r / per].as_deref()))
                .texts("indicator", rows.clone().map(|r| keys[r % per].as_str()))
                .i32(
                    "wave",
                    rows.clone()
                        .map(|r| Some(year(measures[r % per].1)))
                        .collect(),
                )
                .texts("age", rows.clone().map(|r| age_s[r % per].as_str()))
                .f64("value", cells.iter().map(|c| c.0.value()).collect())
                .f64("lower", cells.iter().map(|c| lower(c.1)).collect())
                .f64("upper", cells.iter().map(|c| upper(c.1)).collect())
                .texts("status", cells.iter().map(|c| c.0.status().as_str()))
                .finish()
        })
    }

    /// The change between two waves for every area of a level (default gemeente), within a
    /// gemeente if given: both figures and intervals, the change in percentage points, its
    /// direction (changes within ± `band` pp are stable), whether significant at 95 %, caveats.
    #[pyo3(signature = (from_, to, indicator=None, age=None, level=None, gemeente=None, band=TrendQuery::DEFAULT_BAND))]
    fn trend(
        &self,
        py: Python<'_>,
        from_: &str,
        to: &str,
        indicator: Option<&str>,
        age: Option<&str>,
        level: Option<&str>,
        gemeente: Option<&str>,
        band: f64,
    ) -> PyResult<Table> {
        let from = self.named_wave("from_", from_)?;
        let to = self.named_wave("to", to)?;
        let mut q = TrendQuery::new(self.indicator(indicator)?, from, to)
            .with_age(self.age(age)?)
            .with_band(band)
            .with_level(level.map(level_of).transpose()?.unwrap_or(Level::Gemeente));
        if let Some(g) = self.gemeente(gemeente)? {
            q = q.with_gemeente(g);
        }
        let ds = &*self.ds;
        let trends = py.detach(|| q.run(ds)).map_err(to_py(Kind::Query))?;
        let t = &trends;
        Frame::new()
            .texts("code", t.iter().map(|r| r.area.to_string()))
            .texts("name", t.iter().map(|r| self.ds.area_name(r.area)))
            .texts("indicator", t.iter().map(|r| r.indicator.to_string()))
            .texts("age", t.iter().map(|r| r.age.to_string()))
            .i32("from_wave", t.iter().map(|r| Some(year(r.from))).collect())
            .i32("to_wave", t.iter().map(|r| Some(year(r.to))).collect())
            .f64(
                "from_value",
                t.iter().map(|r| r.from_figure.value()).collect(),
            )
            .f64(
                "from_lower",
                t.iter().map(|r| lower(r.from_interval)).collect(),
            )
            .f64(
                "from_upper",
                t.iter().map(|r| upper(r.from_interval)).collect(),
            )
            .texts(
                "from_status",
                t.iter().map(|r| r.from_figure.status().as_str()),
            )
            .f64("to_value", t.iter().map(|r| r.to_figure.value()).collect())
            .f64("to_lower", t.iter().map(|r| lower(r.to_interval)).collect())
            .f64("to_upper", t.iter().map(|r| upper(r.to_interval)).collect())
            .texts("to_status", t.iter().map(|r| r.to_figure.status().as_str()))
            .f64("delta_pp", t.iter().map(|r| r.delta).collect())
            .text(
                "direction",
                t.iter().map(|r| r.direction.map(|d| d.to_string())),
            )
            .bool("significant", t.iter().map(|r| r.significant).collect())
            .text("caveats", t.iter().map(|r| caveats(&r.caveats)))
            .finish()
    }

    /// Risk areas of a level (default buurt) in a wave (default the latest): the highest
    /// `top_share`, those risen more than `min_rise` pp beyond the reference since the
    /// earlier wave, or both (`mode`: `high`, `rising`, `both`, `either`). One row per area
    /// marked, with its value, interval, rank, change, significance and probabilities.
    #[pyo3(signature = (indicator=None, age=None, wave=None, level=None, gemeente=None, since=None, mode=None, top_share=RiskQuery::DEFAULT_TOP_SHARE, min_rise=RiskQuery::DEFAULT_MIN_RISE, against=None, min_areas=RiskQuery::DEFAULT_MIN_AREAS, by=None, min_prob=RiskQuery::DEFAULT_MIN_PROB))]
    fn risk(
        &self,
        py: Python<'_>,
        indicator: Option<&str>,
        age: Option<&str>,
        wave: Option<&str>,
        level: Option<&str>,
        gemeente: Option<&str>,
        since: Option<&str>,
        mode: Option<&str>,
        top_share: f64,
        min_rise: f64,
        against: Option<&str>,
        min_areas: usize,
        by: Option<&str>,
        min_prob: f64,
    ) -> PyResult<Table> {
        let level = level.map(level_of).transpose()?.unwrap_or(Level::Buurt);
        let wave = self.wave(wave)?;
        let mut q = RiskQuery::new(level, self.indicator(indicator)?, wave)
            .with_age(self.age(age)?)
            .with_top_share(top_share)
            .with_min_rise(min_rise)
            .with_min_areas(min_areas);
        if let Some(r) = against {
            q = q.with_reference(r.parse::<RiseReference>().map_err(to_py(Kind::Query))?);
        }
        if by
            .map(str::parse::<RiskBy>)
            .transpose()
            .map_err(to_py(Kind::Query))?
            == Some(RiskBy::Probability)
        {
            q = q.by_probability(min_prob);
        }
        if let Some(m) = mode {
            q = q.with_mode(m.parse::<RiskMode>().map_err(to_py(Kind::Query))?);
        }
        if let Some(s) = since {
            q = q.with_since(self.named_wave("since", s)?);
        }
        if let Some(g) = self.gemeente(gemeente)? {
            q = q.with_gemeente(g);
        }
        let ds = &*self.ds;
        let list = py.detach(|| q.run(ds)).map_err(to_py(Kind::Query))?;
        let a = &list.areas;
        Frame::new()
            .texts("code", a.iter().map(|r| r.area.to_string()))
            .texts("name", a.iter().map(|r| r.name.as_str()))
            .texts("indicator", a.iter().map(|r| r.indicator.to_string()))
            .i32("wave", a.iter().map(|_| Some(year(wave))).collect())
            .f64("value", a.iter().map(|r| Some(r.value)).collect())
            .f64("lower", a.iter().map(|r| lower(r.interval)).collect())
            .f64("upper", a.iter().map(|r| upper(r.interval)).collect())
            .u32("rank", a.iter().map(|r| count(r.rank)).collect())
            .u32("ranked", a.iter().map(|r| count(r.ranked)).collect())
            .i32("since", a.iter().map(|_| list.since.map(year)).collect())
            .f64("delta_pp", a.iter().map(|r| r.delta).collect())
            .f64(
                "reference_delta_pp",
                a.iter().map(|r| r.reference_delta).collect(),
            )
            .f64("excess_pp", a.iter().map(|r| r.excess).collect())
            .bool("significant", a.iter().map(|r| r.significant).collect())
            .f64("p_value", a.iter().map(|r| r.p_value).collect())
            .bool(
                "significant_fdr",
                a.iter().map(|r| r.significant_fdr).collect(),
            )
            .f64("p_top", a.iter().map(|r| r.p_top).collect())
            .f64("p_rise", a.iter().map(|r| r.p_rise).collect())
            .bool("high", a.iter().map(|r| Some(r.high)).collect())
            .bool("rising", a.iter().map(|r| Some(r.rising)).collect())
            .f64(
                "gemeente_value",
                a.iter().map(|r| r.gemeente_value.value()).collect(),
            )
            .f64(
                "national_value",
                a.iter().map(|r| r.national_value.value()).collect(),
            )
            .text("caveats", a.iter().map(|r| caveats(&r.caveats)))
            .finish()
    }

    /// Boundary files that were left out when loading, and why.
    #[getter]
    fn boundary_notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// The levels with boundaries.
    #[getter]
    fn boundary_levels(&self) -> Vec<String> {
        self.boundaries
            .iter()
            .map(|b| b.level().to_string())
            .collect()
    }

    /// The boundaries of a level (every level with boundaries when `None`) as a GeoJSON
    /// FeatureCollection text in WGS84, each feature with code, name and level.
    #[pyo3(signature = (level=None))]
    fn boundaries(&self, py: Python<'_>, level: Option<&str>) -> PyResult<String> {
        let levels = level
            .map(level_of)
            .transpose()?
            .into_iter()
            .collect::<Vec<_>>();
        if let Some(l) = levels.first()
            && !self.boundaries.iter().any(|b| b.level() == *l)
        {
            return Err(query(format!(
                "no {l} boundaries: the dataset has boundaries of {}",
                if self.boundaries.is_empty() {
                    "no level (load with boundaries=)".to_owned()
                } else {
                    self.boundary_levels().join(", ")
                }
            )));
        }
        let (ds, b) = (&*self.ds, &*self.boundaries);
        Ok(py.detach(|| more::boundaries_geojson(ds, b, &levels)))
    }

    /// A weighted roll-up of one indicator, wave and age group from the areas of `from_` to
    /// their parents at `to` (or to the groups of a `code,group` CSV): value, areas used and
    /// left out, weight, coverage; a group whose coverage is below `min_coverage` has its value
    /// withheld. Weights from a CSV (`code,weight`) or CBS key figures; `None`: unweighted.
    #[pyo3(signature = (from_, to, indicator=None, wave=None, age=None, weights=None, groups=None, min_coverage=RollupQuery::DEFAULT_MIN_COVERAGE))]
    fn rollup(
        &self,
        py: Python<'_>,
        from_: &str,
        to: &str,
        indicator: Option<&str>,
        wave: Option<&str>,
        age: Option<&str>,
        weights: Option<PathBuf>,
        groups: Option<PathBuf>,
        min_coverage: f64,
    ) -> PyResult<(Table, String)> {
        let ask = more::RollupAsk {
            from: level_of(from_)?,
            to: level_of(to)?,
            indicator: self.indicator(indicator)?,
            wave: self.wave(wave)?,
            age: self.age(age)?,
            weights: weights.as_deref(),
            groups: groups.as_deref(),
            min_coverage,
        };
        let ds = &*self.ds;
        let (frame, weighting) = py.detach(|| more::rollup(ds, &ask)).map_err(from_failure)?;
        Ok((frame.finish()?, weighting))
    }

    /// A map layer: the legend (JSON: title, unit, entries with label, colour, bounds, method)
    /// and every area of the level with its value, class, status and colour. A wave's figures,
    /// or with `change_from` the change from that wave to `wave`.
    #[pyo3(signature = (indicator=None, age=None, level=None, wave=None, change_from=None, method=None, classes=None))]
    fn layer(
        &self,
        py: Python<'_>,
        indicator: Option<&str>,
        age: Option<&str>,
        level: Option<&str>,
        wave: Option<&str>,
        change_from: Option<&str>,
        method: Option<&str>,
        classes: Option<usize>,
    ) -> PyResult<(String, Table)> {
        let ind = self.indicator(indicator)?;
        let age = self.age(age)?;
        let level = level.map(level_of).transpose()?.unwrap_or(Level::Gemeente);
        let wave = self.wave(wave)?;
        let mut spec = match change_from {
            Some(f) => LayerSpec::delta(ind, age, level, self.named_wave("change_from", f)?, wave),
            None => LayerSpec::level(ind, age, level, wave),
        };
        if let Some(m) = method {
            spec = spec.with_method(m.parse().map_err(to_py(Kind::Query))?);
        }
        if let Some(n) = classes {
            spec = spec.with_classes(n);
        }
        let ds = &*self.ds;
        let (legend, frame) = py.detach(|| more::layer(ds, &spec)).map_err(from_failure)?;
        Ok((legend, frame.finish()?))
    }

    /// The distribution of an indicator (default lonely) per level, wave and age group, with
    /// the national figure and the share above `threshold` where given.
    #[pyo3(signature = (indicator=None, threshold=None))]
    fn summary(
        &self,
        py: Python<'_>,
        indicator: Option<&str>,
        threshold: Option<f64>,
    ) -> PyResult<Table> {
        let ind = self.indicator(indicator)?;
        let ds = &*self.ds;
        py.detach(|| more::summary(ds, ind, threshold))
            .map_err(from_failure)?
            .finish()
    }

    /// An area against a benchmark (`with`: `nl`, `gemeente`, `similar`, `group`,
    /// `group:NAME` or an area's code or name) in every indicator (or those given), as
    /// `omzien compare`; also the benchmark's kind, code and name.
    #[pyo3(signature = (area, with_=None, indicators=None, wave=None, age=None, band=omzien::CompareQuery::DEFAULT_BAND, groups=None, weights=None))]
    fn compare(
        &self,
        py: Python<'_>,
        area: &str,
        with_: Option<&str>,
        indicators: Option<Vec<String>>,
        wave: Option<&str>,
        age: Option<&str>,
        band: f64,
        groups: Option<PathBuf>,
        weights: Option<PathBuf>,
    ) -> PyResult<(Table, [Option<String>; 3])> {
        let ask = more::CompareAsk {
            area: self
                .ds
                .resolve_area(area, None)
                .map_err(to_py(Kind::Query))?,
            with: with_,
            indicators: indicators
                .unwrap_or_default()
                .iter()
                .map(|k| self.ds.indicator(k).map_err(to_py(Kind::Query)))
                .collect::<PyResult<_>>()?,
            wave: self.wave(wave)?,
            age: self.age(age)?,
            band,
            groups: groups.as_deref(),
            weights: weights.as_deref(),
        };
        let (ds, paths) = (&*self.ds, &self.boundary_paths);
        let (frame, bench) = py
            .detach(|| more::compare(ds, paths, &ask))
            .map_err(from_failure)?;
        Ok((frame.finish()?, bench))
    }

    /// Writes a gemeente's report as a PDF (A4) to `path`, as `omzien report` makes it, and
    /// returns its size in bytes.
    #[pyo3(signature = (gemeente, path, lang="nl", level="wijk", indicators=None, ages=None, since=None))]
    fn report(
        &self,
        py: Python<'_>,
        gemeente: &str,
        path: PathBuf,
        lang: &str,
        level: &str,
        indicators: Option<Vec<String>>,
        ages: Option<Vec<String>>,
        since: Option<&str>,
    ) -> PyResult<usize> {
        let ask = more::ReportAsk {
            gemeente: self
                .ds
                .resolve_gemeente(gemeente)
                .map_err(to_py(Kind::Query))?,
            level: level_of(level)?,
            lang: lang.parse().map_err(to_py(Kind::Query))?,
            indicators: indicators
                .unwrap_or_default()
                .iter()
                .map(|k| self.ds.indicator(k).map_err(to_py(Kind::Query)))
                .collect::<PyResult<_>>()?,
            ages: ages
                .unwrap_or_default()
                .iter()
                .map(|a| self.age(Some(a)))
                .collect::<PyResult<_>>()?,
            since: since.map(|s| self.named_wave("since", s)).transpose()?,
        };
        let (ds, b, paths) = (&*self.ds, &*self.boundaries, &self.boundary_paths);
        py.detach(|| {
            let pdf = more::report(ds, b, paths, ask)?;
            more::write(&path, &pdf)?;
            Ok(pdf.len())
        })
        .map_err(from_failure)
    }
}

fn year(w: Wave) -> i32 {
    i32::from(w.year())
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

//! The loaded figures: areas, indicators, waves and age groups, and the queries on them.

use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

mod build;
mod resolve;

pub(crate) use build::DatasetBuilder;
#[cfg(feature = "fetch")]
pub(crate) use resolve::gemeente_of;

use crate::area::{alias_targets, fold_name, repair_mojibake};
use crate::indicator::{MAX_EXTRA_KEY, SCHEMA_LEN};
use crate::load::error::LoadError;
use crate::load::table::{ParsedFile, Target};
use crate::{
    AgeGroup, AreaCode, Figure, GemeenteCode, Indicator, IndicatorInfo, Level, Margin, Unit, Wave,
};

/// A query for something the dataset does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// No such area in the dataset.
    #[error("area {0} is not in the dataset")]
    UnknownArea(AreaCode),
    /// No such wave in the dataset.
    #[error("wave {wave} is not in the dataset (it has {known}, or write latest)")]
    UnknownWave {
        /// Asked for.
        wave: Wave,
        /// Present, comma separated.
        known: String,
    },
    /// No such age group in the dataset.
    #[error("age group {age} is not in the dataset (it has {known})")]
    UnknownAgeGroup {
        /// Asked for.
        age: AgeGroup,
        /// Present, comma separated.
        known: String,
    },
    /// No such indicator in the dataset.
    #[error(
        "indicator {0:?} is not in the dataset (omzien indicators and /api/indicators list its keys and labels)"
    )]
    UnknownIndicator(String),
    /// A value that does not parse (a wave or age group given as text).
    #[error("{0}")]
    Invalid(String),
    /// The dataset holds none of these (`waves`, `age groups`).
    #[error("the data has no {0}")]
    Empty(&'static str),
    /// No area of the data (of the level asked for) has this code or name.
    #[error("no {} {given:?} in the data{}", level.map_or("area".to_owned(), |l| l.to_string()), did_you_mean(close))]
    NoMatch {
        /// What was given (trimmed).
        given: String,
        /// The level asked for, if any.
        level: Option<Level>,
        /// Areas with a close name or code, best first (`Name (CODE, Gemeente)`).
        close: Vec<String>,
    },
    /// A name several areas share.
    #[error("{given:?} names {} areas: {}; give the code", candidates.len(), resolve::listed(candidates))]
    Ambiguous {
        /// What was given (trimmed).
        given: String,
        /// Every area of that name (`Name (CODE, Gemeente)`).
        candidates: Vec<String>,
    },
    /// A code of another level than the one asked for.
    #[error("{area} is a {level}, not a {want}")]
    WrongLevel {
        /// The area the code names (`Name (CODE, Gemeente)`).
        area: String,
        /// Its level.
        level: Level,
        /// The level asked for.
        want: Level,
    },
    /// Two waves in the wrong order, or the same twice (a change goes from the earlier wave
    /// to the later one).
    #[error("{}", wave_order(*from, *to))]
    WaveOrder {
        /// The first wave given.
        from: Wave,
        /// The second wave given.
        to: Wave,
    },
}

fn wave_order(from: Wave, to: Wave) -> String {
    if from == to {
        format!("a change needs two different waves, got {from} twice")
    } else {
        format!(
            "{from} is after {to}: a change goes from the earlier wave to the later one ({to} to {from})"
        )
    }
}

fn did_you_mean(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", resolve::listed(close))
    }
}

/// A figure with its 95 % interval `(lower, upper)`, where the data has both bounds
/// ([`Dataset::cells`]).
pub type Cell = (Figure, Option<(f64, f64)>);

/// One area of the dataset.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Area {
    /// Its code.
    pub code: AreaCode,
    /// Its level.
    pub level: Level,
    /// Its own name, where a file gave one (OData files name only gemeenten).
    pub name: Option<String>,
    /// The enclosing area, if in the dataset.
    pub parent: Option<AreaCode>,
    /// The name of its gemeente, where known.
    pub gemeente_name: Option<String>,
}

impl Area {
    /// The name for people: own name, else `code (gemeente)`.
    #[must_use]
    pub fn display_name(&self) -> String {
        match (&self.name, &self.gemeente_name) {
            (Some(n), _) => n.clone(),
            (None, Some(g)) => format!("{} ({g})", self.code),
            (None, None) => self.code.to_string(),
        }
    }
}

/// A hit of [`Dataset::search`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct SearchHit {
    /// The area.
    pub code: AreaCode,
    /// The name that matched.
    pub name: String,
    /// Lower is better: 0 code or exact name, 1 alias, 2 prefix, 3 word prefix, 4 substring.
    pub rank: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SliceKey {
    wave: Wave,
    age: AgeGroup,
    margin: Margin,
}

#[derive(Debug, Clone)]
struct Slice {
    /// Per indicator, per area; an empty vector when no file had the column.
    columns: Vec<Vec<Option<Figure>>>,
    /// Per area, the index of the file that first gave its row (`u32::MAX` for none).
    origin: Vec<u32>,
}

/// Figures per area, indicator, wave and age group, on one area classification.
///
/// Built by [`Loader`](crate::Loader) or [`demo`](crate::demo).
#[derive(Debug, Clone)]
pub struct Dataset {
    classification_year: Option<u16>,
    table: Option<&'static str>,
    synthetic: bool,
    sources: Vec<PathBuf>,
    areas: Vec<AreaCode>,
    names: Vec<Option<String>>,
    index: HashMap<AreaCode, u32>,
    children: Vec<Vec<u32>>,
    level_ranges: [Range<u32>; 4],
    /// The areas of each level in code order, shared with the layers drawn from them.
    level_areas: [Arc<[AreaCode]>; 4],
    indicators: Vec<IndicatorInfo>,
    waves: Vec<Wave>,
    ages: Vec<AgeGroup>,
    slices: HashMap<SliceKey, Slice>,
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Default for Dataset {
    /// An empty dataset.
    fn default() -> Self {
        Self {
            classification_year: None,
            table: None,
            synthetic: false,
            sources: Vec::new(),
            areas: Vec::new(),
            names: Vec::new(),
            index: HashMap::new(),
            children: Vec::new(),
            level_ranges: [0..0, 0..0, 0..0, 0..0],
            level_areas: std::array::from_fn(|_| Arc::from(Vec::new())),
            indicators: Vec::new(),
            waves: Vec::new(),
            ages: Vec::new(),
            slices: HashMap::new(),
        }
    }
}

impl Dataset {
    /// The StatLine table the figures come from (`"50150NED"`), where the files say so (their
    /// column keys, their folder's `metadata.json` or their names).
    #[must_use]
    pub fn table(&self) -> Option<&'static str> {
        self.table
    }

    pub(crate) fn set_table(&mut self, table: Option<&'static str>) {
        self.table = table;
    }

    /// The area classification year of the codes (2020 for table 50090NED), where known.
    #[must_use]
    pub fn classification_year(&self) -> Option<u16> {
        self.classification_year
    }

    /// True for generated demo data. Show it wherever figures are shown.
    #[must_use]
    pub fn is_synthetic(&self) -> bool {
        self.synthetic
    }

    /// The files the figures came from.
    #[must_use]
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    /// Waves present, oldest first.
    #[must_use]
    pub fn waves(&self) -> &[Wave] {
        &self.waves
    }

    /// Age groups present.
    #[must_use]
    pub fn age_groups(&self) -> &[AgeGroup] {
        &self.ages
    }

    /// Indicators: the schema's, then any extra columns the files brought.
    #[must_use]
    pub fn indicators(&self) -> &[IndicatorInfo] {
        &self.indicators
    }

    /// Key, labels and unit of an indicator.
    #[must_use]
    pub fn indicator_info(&self, ind: Indicator) -> Option<&IndicatorInfo> {
        self.column(ind).and_then(|c| self.indicators.get(c))
    }

    /// Where an indicator's figures are in every slice: the schema's place, or the extra
    /// column's place among this dataset's indicators.
    fn column(&self, ind: Indicator) -> Option<usize> {
        if ind.is_schema() {
            return Some(ind.index());
        }
        self.indicators
            .iter()
            .skip(SCHEMA_LEN)
            .position(|i| i.indicator == ind)
            .map(|p| p + SCHEMA_LEN)
    }

    /// Finds an indicator by OData key, Dutch or English label (as `omzien indicators` and
    /// `/api/indicators` show them, any case) or extra-column header.
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// let lonely = ds.indicator("Eenzaam_28")?;
    /// let en = ds.indicators().iter().find(|i| i.indicator == lonely).map(|i| i.label_en.clone());
    /// assert_eq!(ds.indicator(&en.unwrap_or_default().to_uppercase())?, lonely);
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError::UnknownIndicator`] when nothing matches.
    pub fn indicator(&self, key: &str) -> Result<Indicator, QueryError> {
        Indicator::from_key(key)
            .or_else(|| Indicator::from_label(key))
            .or_else(|| {
                let t = key.trim();
                self.indicators
                    .iter()
                    .find(|i| {
                        i.key == t
                            || i.label_nl.eq_ignore_ascii_case(t)
                            || i.label_en.eq_ignore_ascii_case(t)
                    })
                    .map(|i| i.indicator)
            })
            .ok_or_else(|| QueryError::UnknownIndicator(key.to_owned()))
    }

    /// Number of areas.
    #[must_use]
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// True when there are no areas.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// Number of areas of a level.
    #[must_use]
    pub fn count(&self, level: Level) -> usize {
        self.level_ranges[level as usize].len()
    }

    /// Whether the dataset holds this area.
    #[must_use]
    pub fn contains(&self, code: AreaCode) -> bool {
        self.index.contains_key(&code)
    }

    /// An area's name for people ([`Area::display_name`]), its code where the data has no
    /// such area: what reports, lists and the Python package label an area with.
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// assert_eq!(ds.area_name("WK999903".parse()?), "Oosterkwartier");
    /// assert_eq!(ds.area_name("WK036300".parse()?), "WK036300");
    /// # Ok::<(), omzien::CodeError>(())
    /// ```
    #[must_use]
    pub fn area_name(&self, code: AreaCode) -> String {
        self.area(code)
            .map_or_else(|_| code.to_string(), |a| a.display_name())
    }

    /// An area with its names and parent.
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// let wijk = ds.area("WK999903".parse()?)?;
    /// assert_eq!(wijk.parent, Some(omzien::AreaCode::Gemeente(omzien::demo::GEMEENTE)));
    /// assert!(ds.area("GM0363".parse()?).is_err()); // not in the demo
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError::UnknownArea`].
    pub fn area(&self, code: AreaCode) -> Result<Area, QueryError> {
        let i = self.idx(code)?;
        Ok(Area {
            code,
            level: code.level(),
            name: self.names[i].clone(),
            parent: self.parent(code),
            gemeente_name: code
                .gemeente()
                .and_then(|g| self.index.get(&AreaCode::Gemeente(g)))
                .and_then(|&gi| self.names[gi as usize].clone()),
        })
    }

    fn idx(&self, code: AreaCode) -> Result<usize, QueryError> {
        self.index
            .get(&code)
            .map(|&i| i as usize)
            .ok_or(QueryError::UnknownArea(code))
    }

    /// The nearest enclosing area that is in the dataset.
    #[must_use]
    pub fn parent(&self, code: AreaCode) -> Option<AreaCode> {
        code.ancestors().find(|a| self.index.contains_key(a))
    }

    /// The areas directly below, in code order.
    #[must_use]
    pub fn children(&self, code: AreaCode) -> Vec<AreaCode> {
        self.index
            .get(&code)
            .map(|&i| {
                self.children[i as usize]
                    .iter()
                    .map(|&c| self.areas[c as usize])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The areas of a level, all or those within one gemeente, in code order.
    #[must_use]
    pub fn areas(&self, level: Level, within: Option<GemeenteCode>) -> Vec<AreaCode> {
        let r = &self.level_ranges[level as usize];
        self.areas[r.start as usize..r.end as usize]
            .iter()
            .copied()
            .filter(|c| within.is_none_or(|g| c.gemeente() == Some(g)))
            .collect()
    }

    /// The areas of a level in code order, shared (cloning is cheap).
    #[must_use]
    pub fn level_areas(&self, level: Level) -> Arc<[AreaCode]> {
        self.level_areas[level as usize].clone()
    }

    /// The national area (`NL01`), if the files had it.
    #[must_use]
    pub fn national(&self) -> Option<AreaCode> {
        let r = &self.level_ranges[Level::Land as usize];
        self.areas
            .get(r.start as usize)
            .copied()
            .filter(|_| !r.is_empty())
    }

    /// Parses a wave (`2020`, `2020JJ00`, or `latest` for the latest wave of the data) and
    /// checks that the dataset holds it.
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// assert_eq!(ds.parse_wave("2016")?.year(), 2016);
    /// assert_eq!(ds.parse_wave("latest")?.year(), 2020);
    /// assert!(ds.parse_wave("2013").unwrap_err().to_string().contains("2012, 2016, 2020"));
    /// assert!(ds.parse_wave("soon").is_err());
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError::Invalid`] for text that is not a wave, [`QueryError::UnknownWave`] for a
    /// wave the dataset does not hold.
    pub fn parse_wave(&self, s: &str) -> Result<Wave, QueryError> {
        if s.trim().eq_ignore_ascii_case("latest") {
            return self.latest_wave().ok_or(QueryError::Empty("waves"));
        }
        let wave: Wave = s
            .parse()
            .map_err(|e: crate::WaveError| QueryError::Invalid(format!("{e}, or latest")))?;
        if !self.waves.contains(&wave) {
            return Err(QueryError::UnknownWave {
                wave,
                known: join(&self.waves),
            });
        }
        Ok(wave)
    }

    /// Parses an age group (`18+`, `65 jaar of ouder`, `20300`) and checks that the dataset holds it.
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// assert_eq!(ds.parse_age_group("65+")?, omzien::AgeGroup::SENIORS);
    /// assert!(ds.parse_age_group("18-64").is_err()); // a known group, not in the demo
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError::Invalid`] for text that names no age group, [`QueryError::UnknownAgeGroup`]
    /// for one the dataset does not hold.
    pub fn parse_age_group(&self, s: &str) -> Result<AgeGroup, QueryError> {
        let age = AgeGroup::from_label(s)
            .map_err(|e| QueryError::Invalid(format!("{e}; in a URL write 65%2B or 65plus")))?;
        if !self.ages.contains(&age) {
            return Err(QueryError::UnknownAgeGroup {
                age,
                known: join(&self.ages),
            });
        }
        Ok(age)
    }

    pub(crate) fn check(&self, wave: Wave, age: AgeGroup) -> Result<(), QueryError> {
        if !self.waves.contains(&wave) {
            return Err(QueryError::UnknownWave {
                wave,
                known: join(&self.waves),
            });
        }
        if !self.ages.contains(&age) {
            return Err(QueryError::UnknownAgeGroup {
                age,
                known: join(&self.ages),
            });
        }
        Ok(())
    }

    fn cell(
        &self,
        i: usize,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
        margin: Margin,
    ) -> Option<Figure> {
        self.slices
            .get(&SliceKey { wave, age, margin })
            .and_then(|s| s.columns.get(self.column(ind)?))
            .and_then(|col| col.get(i).copied().flatten())
    }

    /// The figure of an area for an indicator, wave and age group.
    ///
    /// An area without a row for this wave and age group, or an indicator the files did not
    /// have, is [`Figure::NotMeasured`].
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator, Wave};
    /// let ds = omzien::demo::dataset();
    /// let f = ds.figure("WK999903".parse()?, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)?;
    /// assert!(f.value().is_some_and(|v| (0.0..=100.0).contains(&v)));
    /// // A wave the data does not hold is an error, not a missing figure.
    /// assert!(ds.figure("WK999903".parse()?, Indicator::LONELY, Wave::new(2013), AgeGroup::ADULTS).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError`] for an area, wave or age group the dataset does not hold.
    pub fn figure(
        &self,
        code: AreaCode,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
    ) -> Result<Figure, QueryError> {
        let i = self.idx(code)?;
        self.check(wave, age)?;
        Ok(self
            .cell(i, ind, wave, age, Margin::Value)
            .unwrap_or(Figure::NotMeasured))
    }

    /// The 95% interval (`MOG0095`, `MBG0095`) of a figure, where the files had both bounds.
    ///
    /// # Errors
    /// As [`Dataset::figure`].
    pub fn interval(
        &self,
        code: AreaCode,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
    ) -> Result<Option<(f64, f64)>, QueryError> {
        let i = self.idx(code)?;
        self.check(wave, age)?;
        let lo = self
            .cell(i, ind, wave, age, Margin::Lower95)
            .and_then(Figure::value);
        let hi = self
            .cell(i, ind, wave, age, Margin::Upper95)
            .and_then(Figure::value);
        Ok(lo.zip(hi))
    }

    /// The figures of many areas in many indicators, waves and age groups at once, each with
    /// its 95 % interval where the data has both bounds: row by row, area after area, and
    /// within an area the `measures` in their order. Each area and column is looked up once:
    /// what a table of every figure reads ([`Dataset::figure`] and [`Dataset::interval`] per
    /// cell look both up every time).
    ///
    /// ```
    /// use omzien::{AgeGroup, Figure, Indicator, Level, Wave};
    /// let ds = omzien::demo::dataset();
    /// let wijken = ds.areas(Level::Wijk, None);
    /// let measures = [(Indicator::LONELY, Wave::new(2016), AgeGroup::ADULTS), (Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)];
    /// let cells = ds.cells(&wijken, &measures)?;
    /// assert_eq!(cells.len(), wijken.len() * 2);
    /// let oost = wijken.iter().position(|c| c.to_string() == "WK999903").unwrap();
    /// assert_eq!(cells[oost * 2 + 1].0, Figure::Value(52.3));
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError`] for an area, wave or age group the dataset does not hold.
    pub fn cells(
        &self,
        areas: &[AreaCode],
        measures: &[(Indicator, Wave, AgeGroup)],
    ) -> Result<Vec<Cell>, QueryError> {
        type Column<'a> = Option<&'a Vec<Option<Figure>>>;
        let rows: Vec<usize> = areas
            .iter()
            .map(|&c| self.idx(c))
            .collect::<Result<_, _>>()?;
        let mut columns: Vec<[Column<'_>; 3]> = Vec::with_capacity(measures.len());
        for &(ind, wave, age) in measures {
            self.check(wave, age)?;
            let col = |margin| {
                self.slices
                    .get(&SliceKey { wave, age, margin })
                    .and_then(|s| s.columns.get(self.column(ind)?))
                    .filter(|c| !c.is_empty())
            };
            columns.push([
                col(Margin::Value),
                col(Margin::Lower95),
                col(Margin::Upper95),
            ]);
        }
        let at = |c: Column<'_>, i: usize| c.and_then(|c| c.get(i).copied().flatten());
        Ok(rows
            .par_iter()
            .flat_map_iter(|&i| {
                columns.iter().map(move |[v, lo, hi]| {
                    let bound = |c| at(c, i).and_then(Figure::value);
                    (
                        at(*v, i).unwrap_or(Figure::NotMeasured),
                        bound(*lo).zip(bound(*hi)),
                    )
                })
            })
            .collect())
    }

    /// Every area of a level with its figure, in code order.
    ///
    /// # Errors
    /// [`QueryError`] for a wave or age group the dataset does not hold.
    pub fn level_figures(
        &self,
        level: Level,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
    ) -> Result<Vec<(AreaCode, Figure)>, QueryError> {
        self.check(wave, age)?;
        let r = self.level_ranges[level as usize].clone();
        let col = self
            .slices
            .get(&SliceKey {
                wave,
                age,
                margin: Margin::Value,
            })
            .and_then(|s| s.columns.get(self.column(ind)?))
            .filter(|c| !c.is_empty());
        Ok((r.start as usize..r.end as usize)
            .map(|i| {
                (
                    self.areas[i],
                    col.and_then(|c| c[i]).unwrap_or(Figure::NotMeasured),
                )
            })
            .collect())
    }

    /// Whether any figure of this indicator exists for the wave and age group (not all not-measured).
    #[must_use]
    pub fn has_column(&self, ind: Indicator, wave: Wave, age: AgeGroup) -> bool {
        self.slices
            .get(&SliceKey {
                wave,
                age,
                margin: Margin::Value,
            })
            .and_then(|s| s.columns.get(self.column(ind)?))
            .is_some_and(|c| {
                c.iter()
                    .any(|f| matches!(f, Some(Figure::Value(_) | Figure::Suppressed)))
            })
    }

    /// Names the wijken and buurten the boundary files name (`WK_NAAM`, `BU_NAAM`), which
    /// OData files leave unnamed. Gemeente names stay those of the figures.
    pub fn name_from(&mut self, boundaries: &[crate::Boundaries]) {
        for b in boundaries
            .iter()
            .filter(|b| matches!(b.level(), Level::Wijk | Level::Buurt))
        {
            self.set_names(b.names().iter().cloned());
        }
    }

    /// Adds or replaces names of areas (e.g. wijk and buurt names from a boundary file).
    /// Codes not in the dataset are ignored and returned.
    pub fn set_names(
        &mut self,
        names: impl IntoIterator<Item = (AreaCode, String)>,
    ) -> Vec<AreaCode> {
        let mut unknown = Vec::new();
        for (c, n) in names {
            match self.index.get(&c) {
                Some(&i) => self.names[i as usize] = Some(repair_mojibake(&n).into_owned()),
                None => unknown.push(c),
            }
        }
        unknown
    }

    /// Finds areas by code or name: case- and accent-insensitive, with everyday aliases
    /// (`den haag` finds `'s-Gravenhage`). Best matches first, at most `limit`.
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// let hits = ds.search("omzienrade", 5);
    /// assert_eq!(hits[0].code, omzien::AreaCode::Gemeente(omzien::demo::GEMEENTE));
    /// assert_eq!(ds.search("WK999903", 5)[0].rank, 0); // a code is an exact hit
    /// assert!(ds.search("nergensdorp", 5).is_empty());
    /// ```
    #[must_use]
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        if let Ok(code) = query.trim().to_uppercase().parse::<AreaCode>()
            && let Ok(a) = self.area(code)
        {
            return vec![SearchHit {
                code,
                name: a.display_name(),
                rank: 0,
            }];
        }
        let q = fold_name(query);
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<SearchHit> = Vec::new();
        let aliases: Vec<u16> = alias_targets(&q).collect();
        for (code, name) in self.areas.iter().zip(&self.names) {
            let Some(name) = name else { continue };
            let f = fold_name(name);
            let rank = if f == q {
                Some(0)
            } else if matches!(code, AreaCode::Gemeente(g) if aliases.contains(&g.number())) {
                Some(1)
            } else if f.starts_with(&q) {
                Some(2)
            } else if f.split(' ').any(|w| w.starts_with(&q)) {
                Some(3)
            } else if f.contains(&q) {
                Some(4)
            } else {
                None
            };
            if let Some(rank) = rank {
                hits.push(SearchHit {
                    code: *code,
                    name: name.clone(),
                    rank,
                });
            }
        }
        hits.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then(a.code.level().cmp(&b.code.level()))
                .then(a.code.cmp(&b.code))
        });
        hits.truncate(limit);
        hits
    }
}

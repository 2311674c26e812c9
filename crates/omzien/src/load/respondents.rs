//! Respondent files (CSV or Parquet) through polars, decoded chunk by chunk into what the
//! mapping says the cells mean. polars stays here; the aggregation sees plain vectors.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::Path;

use polars::prelude::{
    BooleanChunked, Column, CsvParseOptions, CsvReadOptions, DataFrame, DataType, ParquetReader,
    SerReader,
};

use crate::Wave;
use crate::microdata::{Answer, Mapping, MicrodataError, SYNTHETIC_COLUMN};

fn read_err(path: &Path, e: impl std::fmt::Display) -> MicrodataError {
    MicrodataError::Read {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// The mapped columns, read from a CSV or Parquet file (told apart by content).
///
/// # Errors
/// [`MicrodataError`] when the file cannot be read or lacks a mapped column.
pub(crate) fn read_respondents(
    path: &Path,
    mapping: &Mapping,
) -> Result<DataFrame, MicrodataError> {
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(|e| read_err(path, e))?;
    let got = file.read(&mut magic).map_err(|e| read_err(path, e))?;
    let file = std::fs::File::open(path).map_err(|e| read_err(path, e))?;
    let wanted = wanted_columns(mapping);
    if got == 4 && &magic == b"PAR1" {
        let mut reader = ParquetReader::new(file);
        let schema = reader.schema().map_err(|e| read_err(path, e))?;
        let present: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        check_columns(path, mapping, &present)?;
        let cols: Vec<String> = wanted.into_iter().filter(|c| present.contains(c)).collect();
        reader
            .with_columns(Some(cols))
            .finish()
            .map_err(|e| read_err(path, e))
    } else {
        let mut head = String::new();
        std::fs::File::open(path)
            .map_err(|e| read_err(path, e))?
            .take(4096)
            .read_to_string(&mut head)
            .map_err(|e| read_err(path, format!("not UTF-8 text or Parquet ({e})")))
            .ok();
        let first = head.lines().next().unwrap_or("");
        let sep = if first.matches(';').count() > first.matches(',').count() {
            b';'
        } else {
            b','
        };
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(10_000))
            .with_parse_options(
                CsvParseOptions::default()
                    .with_separator(sep)
                    .with_truncate_ragged_lines(false),
            )
            .try_into_reader_with_file_path(Some(path.to_owned()))
            .map_err(|e| read_err(path, e))?
            .finish()
            .map_err(|e| read_err(path, e))?;
        let present: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        check_columns(path, mapping, &present)?;
        Ok(df)
    }
}

fn wanted_columns(m: &Mapping) -> Vec<String> {
    let c = &m.columns;
    let mut v = vec![
        c.id.clone(),
        c.wave.clone(),
        c.area.clone(),
        c.age.clone(),
        c.weight.clone(),
    ];
    v.extend(c.sex.clone());
    v.extend(c.items.iter().cloned());
    v.push(SYNTHETIC_COLUMN.to_owned());
    v
}

fn roles(m: &Mapping) -> Vec<(String, String)> {
    let c = &m.columns;
    let mut v = vec![
        (c.id.clone(), "respondent id".to_owned()),
        (c.wave.clone(), "wave".to_owned()),
        (c.area.clone(), "area code".to_owned()),
        (c.age.clone(), "age".to_owned()),
        (c.weight.clone(), "weight".to_owned()),
    ];
    v.extend(
        c.items
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), format!("De Jong-Gierveld item {}", i + 1))),
    );
    v
}

fn check_columns(path: &Path, m: &Mapping, present: &[String]) -> Result<(), MicrodataError> {
    for (column, role) in roles(m) {
        if !present.contains(&column) {
            return Err(MicrodataError::MissingColumn {
                path: path.to_owned(),
                column,
                role,
                found: present.join(", "),
            });
        }
    }
    Ok(())
}

/// Answer codes compiled for fast lookup: small integers by index, other values by text.
struct Codebook {
    small: [u8; 256],
    ints: HashMap<i64, u8>,
    text: HashMap<String, u8>,
}

const UNKNOWN: u8 = u8::MAX;

fn code(a: Answer) -> u8 {
    match a {
        Answer::Nee => 0,
        Answer::MinOfMeer => 1,
        Answer::Ja => 2,
        Answer::Missing => 3,
    }
}

impl Codebook {
    fn new(m: &Mapping) -> Self {
        let mut small = [UNKNOWN; 256];
        let mut ints = HashMap::new();
        let mut text = HashMap::new();
        for (codes, a) in [
            (&m.answers.nee, Answer::Nee),
            (&m.answers.min_of_meer, Answer::MinOfMeer),
            (&m.answers.ja, Answer::Ja),
            (&m.answers.missing, Answer::Missing),
        ] {
            for c in codes {
                let k = crate::microdata::normalize(c);
                if let Ok(i) = k.parse::<i64>() {
                    match usize::try_from(i) {
                        Ok(u) if u < 256 => small[u] = code(a),
                        _ => {
                            ints.insert(i, code(a));
                        }
                    }
                }
                text.insert(k, code(a));
            }
        }
        text.insert(String::new(), code(Answer::Missing));
        Self { small, ints, text }
    }
    fn int(&self, i: i64) -> u8 {
        match usize::try_from(i) {
            Ok(u) if u < 256 => self.small[u],
            _ => self.ints.get(&i).copied().unwrap_or(UNKNOWN),
        }
    }
    fn text(&self, s: &str) -> u8 {
        self.text
            .get(s)
            .or_else(|| self.text.get(&crate::microdata::normalize(s)))
            .copied()
            .unwrap_or(UNKNOWN)
    }
}

/// The mapped columns of a data frame, checked once.
pub(crate) struct Prepared {
    path: std::path::PathBuf,
    id: Column,
    wave: Column,
    area: Column,
    age: Column,
    weight: Column,
    items: Vec<(Column, String)>,
    codebook: Codebook,
    /// The file says it is synthetic (a true `synthetic` column).
    pub synthetic: bool,
}

/// One chunk of rows of every mapped column.
pub(crate) struct Slices<'p> {
    prepared: &'p Prepared,
    id: Column,
    wave: Column,
    area: Column,
    age: Column,
    weight: Column,
    items: Vec<Column>,
}

/// A chunk decoded: what each cell means.
pub(crate) struct Chunk<'a> {
    /// `(wave, id)` keys; `None` without an id.
    pub ids: Vec<Option<u64>>,
    /// The wave, or the raw value the mapping does not know.
    pub waves: Vec<Result<Wave, String>>,
    /// Area code text.
    pub areas: Vec<Option<&'a str>>,
    /// Age.
    pub ages: Vec<Option<f64>>,
    /// Weight.
    pub weights: Vec<Option<f64>>,
    /// Per item: 0 nee, 1 min of meer, 2 ja, 3 missing, 255 unknown code.
    pub items: Vec<Vec<u8>>,
    /// Raw text of unknown codes by (row in chunk, item).
    pub unknown_items: HashMap<(usize, usize), String>,
}

fn err(path: &Path, e: impl std::fmt::Display) -> MicrodataError {
    read_err(path, e)
}

impl Prepared {
    pub(crate) fn new(df: &DataFrame, path: &Path, m: &Mapping) -> Result<Self, MicrodataError> {
        let present: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        check_columns(path, m, &present)?;
        let col = |name: &str| df.column(name).cloned().map_err(|e| err(path, e));
        let area = col(&m.columns.area)?;
        if !matches!(area.dtype(), DataType::String) {
            return Err(MicrodataError::ColumnType {
                path: path.to_owned(),
                column: m.columns.area.clone(),
                role: "area code".into(),
                dtype: area.dtype().to_string(),
                expected: "expected text such as BU03630001, WK036300 or GM0363".into(),
            });
        }
        let synthetic = match df.column(SYNTHETIC_COLUMN) {
            Ok(c) => c
                .cast(&DataType::Boolean)
                .ok()
                .and_then(|c| c.bool().ok().map(BooleanChunked::any))
                .unwrap_or(false),
            Err(_) => false,
        };
        Ok(Self {
            path: path.to_owned(),
            id: col(&m.columns.id)?,
            wave: col(&m.columns.wave)?,
            area,
            age: col(&m.columns.age)?,
            weight: col(&m.columns.weight)?,
            items: m
                .columns
                .items
                .iter()
                .map(|n| col(n).map(|c| (c, n.clone())))
                .collect::<Result<_, _>>()?,
            codebook: Codebook::new(m),
            synthetic,
        })
    }

    pub(crate) fn slice(&self, off: usize, len: usize) -> Slices<'_> {
        let o = off as i64;
        Slices {
            prepared: self,
            id: self.id.slice(o, len),
            wave: self.wave.slice(o, len),
            area: self.area.slice(o, len),
            age: self.age.slice(o, len),
            weight: self.weight.slice(o, len),
            items: self.items.iter().map(|(c, _)| c.slice(o, len)).collect(),
        }
    }

    /// `(wave, id)` keys of a chunk, `u64::MAX` without an id.
    pub(crate) fn id_keys(&self, off: usize, len: usize) -> Result<Vec<u64>, MicrodataError> {
        let s = self.slice(off, len);
        Ok(s.keys()?
            .into_iter()
            .map(|k| k.unwrap_or(u64::MAX))
            .collect())
    }
}

/// Text of every cell of a column (numbers as written, `3.0` as `3`); `None` for nulls.
fn as_text(c: &Column, path: &Path) -> Result<Vec<Option<String>>, MicrodataError> {
    if let Ok(s) = c.str() {
        return Ok(s.iter().map(|v| v.map(str::to_owned)).collect());
    }
    if c.dtype().is_integer() {
        let i = c.cast(&DataType::Int64).map_err(|e| err(path, e))?;
        let ca = i.i64().map_err(|e| err(path, e))?;
        return Ok(ca.iter().map(|v| v.map(|v| v.to_string())).collect());
    }
    let f = c.cast(&DataType::Float64).map_err(|e| err(path, e))?;
    let ca = f.f64().map_err(|e| err(path, e))?;
    Ok(ca
        .iter()
        .map(|v| {
            v.map(|v| {
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    format!("{}", v as i64)
                } else {
                    v.to_string()
                }
            })
        })
        .collect())
}

fn floats(c: &Column, path: &Path) -> Result<Vec<Option<f64>>, MicrodataError> {
    let f = c.cast(&DataType::Float64).map_err(|e| err(path, e))?;
    let ca = f.f64().map_err(|e| err(path, e))?;
    Ok(ca.iter().collect())
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Slices<'_> {
    fn path(&self) -> &Path {
        &self.prepared.path
    }

    /// `(wave, id)` keys.
    fn keys(&self) -> Result<Vec<Option<u64>>, MicrodataError> {
        let path = self.path();
        let waves: Vec<u64> = if self.wave.dtype().is_integer() {
            let i = self.wave.cast(&DataType::Int64).map_err(|e| err(path, e))?;
            i.i64()
                .map_err(|e| err(path, e))?
                .iter()
                .map(|v| v.map_or(0, |v| v as u64))
                .collect()
        } else {
            as_text(&self.wave, path)?
                .into_iter()
                .map(|v| {
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    v.hash(&mut h);
                    h.finish()
                })
                .collect()
        };
        if self.id.dtype().is_integer() {
            let i = self.id.cast(&DataType::Int64).map_err(|e| err(path, e))?;
            let ca = i.i64().map_err(|e| err(path, e))?;
            Ok(ca
                .iter()
                .zip(waves)
                .map(|(id, w)| id.map(|id| mix(w.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ id as u64)))
                .collect())
        } else {
            Ok(as_text(&self.id, path)?
                .into_iter()
                .zip(waves)
                .map(|(id, w)| {
                    id.filter(|s| !s.trim().is_empty()).map(|s| {
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        s.trim().hash(&mut h);
                        w.hash(&mut h);
                        h.finish()
                    })
                })
                .collect())
        }
    }

    /// Decodes every mapped column of the chunk.
    pub(crate) fn decode(&self, m: &Mapping) -> Result<Chunk<'_>, MicrodataError> {
        let path = self.path();
        let waves: Vec<Result<Wave, String>> = if self.wave.dtype().is_integer() {
            let mut cache: HashMap<Option<i64>, Result<Wave, String>> = HashMap::new();
            let i = self.wave.cast(&DataType::Int64).map_err(|e| err(path, e))?;
            i.i64()
                .map_err(|e| err(path, e))?
                .iter()
                .map(|v| {
                    cache
                        .entry(v)
                        .or_insert_with(|| {
                            let raw = v.map(|v| v.to_string()).unwrap_or_default();
                            m.wave(&raw).ok_or(raw)
                        })
                        .clone()
                })
                .collect()
        } else {
            let mut cache: HashMap<String, Result<Wave, String>> = HashMap::new();
            as_text(&self.wave, path)?
                .into_iter()
                .map(|raw| {
                    let raw = raw.unwrap_or_default();
                    if let Some(w) = cache.get(&raw) {
                        return w.clone();
                    }
                    let w = m.wave(&raw).ok_or_else(|| raw.clone());
                    cache.insert(raw, w.clone());
                    w
                })
                .collect()
        };
        let areas = self.area.str().map_err(|e| err(path, e))?.iter().collect();
        let book = &self.prepared.codebook;
        let mut unknown_items = HashMap::new();
        let mut items = Vec::with_capacity(self.items.len());
        for (k, c) in self.items.iter().enumerate() {
            let codes: Vec<u8> = if c.dtype().is_integer() {
                let i = c.cast(&DataType::Int64).map_err(|e| err(path, e))?;
                i.i64()
                    .map_err(|e| err(path, e))?
                    .iter()
                    .map(|v| v.map_or(3, |v| book.int(v)))
                    .collect()
            } else {
                as_text(c, path)?
                    .into_iter()
                    .map(|v| v.map_or(3, |v| book.text(&v)))
                    .collect()
            };
            for (i, &code) in codes.iter().enumerate() {
                if code == UNKNOWN && unknown_items.len() < 16 {
                    let raw = c.get(i).map(|v| v.to_string()).unwrap_or_default();
                    unknown_items.insert((i, k), raw);
                }
            }
            items.push(codes);
        }
        Ok(Chunk {
            ids: self.keys()?,
            waves,
            areas,
            ages: floats(&self.age, path)?,
            weights: floats(&self.weight, path)?,
            items,
            unknown_items,
        })
    }
}

/// Respondent columns in plain vectors, in the default mapping's names, for writing.
#[derive(Debug, Clone, Default)]
pub(crate) struct RespondentColumns {
    pub id: Vec<u64>,
    pub wave: Vec<u16>,
    pub area: Vec<String>,
    pub age: Vec<u8>,
    pub sex: Vec<u8>,
    pub weight: Vec<f64>,
    pub items: [Vec<u8>; 11],
}

impl RespondentColumns {
    pub(crate) fn with_capacity(n: usize) -> Self {
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

    pub(crate) fn append(&mut self, mut o: Self) {
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
pub(crate) fn write_respondents(c: RespondentColumns, path: &Path) -> Result<(), MicrodataError> {
    use polars::prelude::{CsvWriter, IntoColumn, NamedFrom, ParquetWriter, SerWriter, Series};
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

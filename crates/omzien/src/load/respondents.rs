//! Respondent files (CSV or Parquet) through polars, decoded chunk by chunk into what the
//! mapping says the cells mean. polars stays here; the aggregation sees plain vectors.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::Path;

use polars::polars_utils::index::NullCount as _;
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

/// Reads the mapped columns of a CSV or Parquet file (told apart by content) and hands them to
/// `each` in batches of rows, in file order: Parquet by row groups, CSV at once.
///
/// # Errors
/// [`MicrodataError`] when the file cannot be read or lacks a mapped column, or what `each`
/// returns.
pub(crate) fn read_respondents(
    path: &Path,
    mapping: &Mapping,
    batch_rows: usize,
    mut each: impl FnMut(DataFrame) -> Result<(), MicrodataError>,
) -> Result<(), MicrodataError> {
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(|e| read_err(path, e))?;
    let got = file.read(&mut magic).map_err(|e| read_err(path, e))?;
    let wanted = wanted_columns(mapping);
    if got == 4 && &magic == b"PAR1" {
        let open = || std::fs::File::open(path).map_err(|e| read_err(path, e));
        let mut reader = ParquetReader::new(open()?);
        let schema = reader.schema().map_err(|e| read_err(path, e))?;
        let present: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        check_columns(path, mapping, &present)?;
        let cols: Vec<String> = wanted.into_iter().filter(|c| present.contains(c)).collect();
        let metadata = reader
            .get_metadata()
            .map_err(|e| read_err(path, e))?
            .clone();
        // Batches of whole row groups.
        let mut batches: Vec<(usize, usize)> = Vec::new();
        let mut offset = 0;
        for rg in &metadata.row_groups {
            let rows = rg.num_rows();
            match batches.last_mut() {
                Some((_, len)) if *len + rows <= batch_rows => *len += rows,
                _ => batches.push((offset, rows)),
            }
            offset += rows;
        }
        if batches.is_empty() {
            batches.push((0, 0));
        }
        for (offset, len) in batches {
            let mut reader = ParquetReader::new(open()?);
            reader.set_metadata(metadata.clone());
            let df = reader
                .with_columns(Some(cols.clone()))
                .with_slice(Some((offset, len)))
                .finish()
                .map_err(|e| read_err(path, e))?;
            each(df)?;
        }
        Ok(())
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
        // The columns are checked against the mapping by `Prepared::new`.
        each(df)
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

/// The mapped columns, whole or a slice of rows.
struct Mapped {
    id: Column,
    wave: Column,
    area: Column,
    age: Column,
    weight: Column,
    items: Vec<Column>,
}

impl Mapped {
    fn slice(&self, off: usize, len: usize) -> Self {
        let o = off as i64;
        Self {
            id: self.id.slice(o, len),
            wave: self.wave.slice(o, len),
            area: self.area.slice(o, len),
            age: self.age.slice(o, len),
            weight: self.weight.slice(o, len),
            items: self.items.iter().map(|c| c.slice(o, len)).collect(),
        }
    }
}

/// The mapped columns of a data frame, checked once.
pub(crate) struct Prepared {
    path: std::path::PathBuf,
    cols: Mapped,
    /// Per item: raw answer code (0 nee, 1 min of meer, 2 ja, 3 missing, 255 unknown) → its
    /// contribution: bit 0 lonely, bit 1 missing, bit 2 unknown code.
    contribution: Vec<[u8; 256]>,
    /// Per item: its subscale (0 emotional, 1 social).
    subscale: Vec<usize>,
    codebook: Codebook,
    /// Integer ids from 0 below this bound: duplicates can be found with a bitmap.
    pub id_bound: Option<u64>,
    /// Rows.
    pub height: usize,
    /// The waves the file holds (of those the mapping knows).
    pub waves: Vec<Wave>,
    /// The file says it is synthetic (a true `synthetic` column).
    pub synthetic: bool,
}

/// One chunk of rows of every mapped column.
pub(crate) struct Slices<'p> {
    prepared: &'p Prepared,
    cols: Mapped,
}

/// One respondent's lonely and unanswered items per subscale (index 0 emotional, 1 social).
pub(crate) type Counts = crate::microdata::Counts;

/// A chunk decoded: what each cell means.
pub(crate) struct Chunk<'a> {
    /// Id keys: the integer id itself, or a hash of a text id; `None` without an id.
    pub ids: Vec<Option<u64>>,
    /// The wave, or the raw value the mapping does not know.
    pub waves: Vec<Result<Wave, String>>,
    /// Area code text.
    pub areas: Vec<Option<&'a str>>,
    /// Age.
    pub ages: Vec<Option<f64>>,
    /// Weight.
    pub weights: Vec<Option<f64>>,
    /// Lonely and unanswered items per subscale.
    pub counts: Vec<Counts>,
    /// 0, or the number (1–11) of the first item with a code the mapping does not know.
    pub bad_item: Vec<u8>,
}

fn err(path: &Path, e: impl std::fmt::Display) -> MicrodataError {
    read_err(path, e)
}

impl Prepared {
    pub(crate) fn new(df: &DataFrame, path: &Path, m: &Mapping) -> Result<Self, MicrodataError> {
        use crate::microdata::{ITEMS, Subscale};
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
        let id = col(&m.columns.id)?;
        let id_bound = if id.dtype().is_integer() {
            let s = id.as_materialized_series();
            let lo = s.min::<i64>().map_err(|e| err(path, e))?;
            let hi = s.max::<i64>().map_err(|e| err(path, e))?;
            let limit = 1u64 << 28; // 32 MB of bits per wave at most
            match (lo, hi) {
                (Some(lo), Some(hi)) if lo >= 0 && (hi as u64) < limit => Some(hi as u64 + 1),
                _ => None,
            }
        } else {
            None
        };
        let wave = col(&m.columns.wave)?;
        let uniques = wave.unique().map_err(|e| err(path, e))?;
        let mut waves: Vec<Wave> = as_text(&uniques, path)?
            .into_iter()
            .filter_map(|v| m.wave(&v.unwrap_or_default()))
            .collect();
        waves.sort_unstable();
        waves.dedup();
        let codebook = Codebook::new(m);
        let subscale: Vec<usize> = ITEMS
            .iter()
            .map(|i| usize::from(i.subscale == Subscale::Social))
            .collect();
        let contribution = ITEMS
            .iter()
            .map(|item| {
                let mut t = [4u8; 256];
                for (code, a) in [
                    (0, Answer::Nee),
                    (1, Answer::MinOfMeer),
                    (2, Answer::Ja),
                    (3, Answer::Missing),
                ] {
                    t[code] = if a == Answer::Missing {
                        2
                    } else {
                        u8::from(item.is_lonely(a))
                    };
                }
                t
            })
            .collect();
        Ok(Self {
            path: path.to_owned(),
            cols: Mapped {
                id,
                wave,
                area,
                age: col(&m.columns.age)?,
                weight: col(&m.columns.weight)?,
                items: m
                    .columns
                    .items
                    .iter()
                    .map(|n| col(n))
                    .collect::<Result<_, _>>()?,
            },
            contribution,
            subscale,
            codebook,
            id_bound,
            height: df.height(),
            waves,
            synthetic,
        })
    }

    pub(crate) fn slice(&self, off: usize, len: usize) -> Slices<'_> {
        Slices {
            prepared: self,
            cols: self.cols.slice(off, len),
        }
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
    let mut out = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        if arr.null_count() == 0 {
            out.extend(arr.values().iter().map(|v| Some(*v)));
        } else {
            out.extend(arr.iter().map(|v| v.copied()));
        }
    }
    Ok(out)
}

/// Answer codes of an item column: 0–3, or 255 for a code the mapping does not know; nulls
/// are unanswered.
fn answer_codes(c: &Column, book: &Codebook, path: &Path) -> Result<Vec<u8>, MicrodataError> {
    let mut out = Vec::with_capacity(c.len());
    if matches!(c.dtype(), DataType::UInt8) {
        let ca = c.u8().map_err(|e| err(path, e))?;
        for arr in ca.downcast_iter() {
            if arr.null_count() == 0 {
                out.extend(arr.values().iter().map(|v| book.small[usize::from(*v)]));
            } else {
                out.extend(
                    arr.iter()
                        .map(|v| v.map_or(3, |v| book.small[usize::from(*v)])),
                );
            }
        }
    } else if c.dtype().is_integer() {
        let i = c.cast(&DataType::Int64).map_err(|e| err(path, e))?;
        let ca = i.i64().map_err(|e| err(path, e))?;
        out.extend(ca.iter().map(|v| v.map_or(3, |v| book.int(v))));
    } else {
        out.extend(
            as_text(c, path)?
                .into_iter()
                .map(|v| v.map_or(3, |v| book.text(&v))),
        );
    }
    Ok(out)
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

    /// Id keys: integer ids as they are, text ids hashed; `None` without an id.
    pub(crate) fn ids(&self) -> Result<Vec<Option<u64>>, MicrodataError> {
        let path = self.path();
        if self.cols.id.dtype().is_integer() {
            let i = self
                .cols
                .id
                .cast(&DataType::Int64)
                .map_err(|e| err(path, e))?;
            let ca = i.i64().map_err(|e| err(path, e))?;
            Ok(ca.iter().map(|v| v.map(|v| v as u64)).collect())
        } else {
            Ok(as_text(&self.cols.id, path)?
                .into_iter()
                .map(|id| {
                    id.filter(|s| !s.trim().is_empty()).map(|s| {
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        s.trim().hash(&mut h);
                        mix(h.finish())
                    })
                })
                .collect())
        }
    }

    /// The wave of each row, or the raw value the mapping does not know.
    pub(crate) fn waves(&self, m: &Mapping) -> Result<Vec<Result<Wave, String>>, MicrodataError> {
        let path = self.path();
        if self.cols.wave.dtype().is_integer() {
            let mut cache: HashMap<Option<i64>, Result<Wave, String>> = HashMap::new();
            let mut last: Option<(Option<i64>, Wave)> = None;
            let i = self
                .cols
                .wave
                .cast(&DataType::Int64)
                .map_err(|e| err(path, e))?;
            Ok(i.i64()
                .map_err(|e| err(path, e))?
                .iter()
                .map(|v| {
                    if let Some((lv, w)) = last {
                        if lv == v {
                            return Ok(w);
                        }
                    }
                    let w = cache
                        .entry(v)
                        .or_insert_with(|| {
                            let raw = v.map(|v| v.to_string()).unwrap_or_default();
                            m.wave(&raw).ok_or(raw)
                        })
                        .clone();
                    if let Ok(ok) = &w {
                        last = Some((v, *ok));
                    }
                    w
                })
                .collect())
        } else {
            let mut cache: HashMap<String, Result<Wave, String>> = HashMap::new();
            Ok(as_text(&self.cols.wave, path)?
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
                .collect())
        }
    }

    /// The raw text of item `k` in row `i`, for messages.
    pub(crate) fn raw_item(&self, i: usize, k: usize) -> String {
        self.cols
            .items
            .get(k)
            .and_then(|c| c.get(i).ok())
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .unwrap_or_default()
    }

    /// Decodes every mapped column of the chunk.
    pub(crate) fn decode(&self, m: &Mapping) -> Result<Chunk<'_>, MicrodataError> {
        let path = self.path();
        let p = self.prepared;
        let len = self.cols.id.len();
        let mut counts = vec![Counts::default(); len];
        let mut bad_item = vec![0u8; len];
        for (k, c) in self.cols.items.iter().enumerate() {
            let codes = answer_codes(c, &p.codebook, path)?;
            let table = &p.contribution[k];
            let s = p.subscale[k];
            for ((code, cnt), bad) in codes.iter().zip(&mut counts).zip(&mut bad_item) {
                let t = table[usize::from(*code)];
                cnt.lonely[s] += t & 1;
                cnt.missing[s] += (t >> 1) & 1;
                if t & 4 != 0 && *bad == 0 {
                    *bad = k as u8 + 1;
                }
            }
        }
        Ok(Chunk {
            ids: self.ids()?,
            waves: self.waves(m)?,
            areas: self
                .cols
                .area
                .str()
                .map_err(|e| err(path, e))?
                .iter()
                .collect(),
            ages: floats(&self.cols.age, path)?,
            weights: floats(&self.cols.weight, path)?,
            counts,
            bad_item,
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

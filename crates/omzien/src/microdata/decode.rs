//! What the cells of a respondent file mean: the mapped columns of a polars data frame
//! (handed over by [`crate::load::respondents`]) decoded chunk by chunk into compact per-row
//! codes: answer codes through the mapping's codebook, ages to age-group masks, waves and
//! area codes to small tables of their distinct values.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use polars::polars_utils::index::NullCount as _;
use polars::prelude::{BooleanChunked, Column, DataFrame, DataType};

use super::{Answer, Counts, ITEMS, Mapping, MicrodataError, SYNTHETIC_COLUMN, Subscale};
use crate::Wave;
use crate::load::respondents::{ReadError, Wanted, read_err};

impl From<ReadError> for MicrodataError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Read { path, message } => Self::Read { path, message },
            ReadError::MissingColumn {
                path,
                column,
                role,
                found,
            } => Self::MissingColumn {
                path,
                column,
                role,
                found,
            },
        }
    }
}

/// The columns of a respondent file that the mapping names: the required ones with their role,
/// and the optional `synthetic` marker.
pub(super) fn wanted(m: &Mapping) -> Wanted {
    let c = &m.columns;
    let mut required = vec![
        (c.id.clone(), "respondent id".to_owned()),
        (c.wave.clone(), "wave".to_owned()),
        (c.area.clone(), "area code".to_owned()),
        (c.age.clone(), "age".to_owned()),
        (c.weight.clone(), "weight".to_owned()),
    ];
    required.extend(
        c.items
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), format!("De Jong-Gierveld item {}", i + 1))),
    );
    Wanted {
        required,
        optional: vec![SYNTHETIC_COLUMN.to_owned()],
    }
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
                let k = super::normalize(c);
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
            .or_else(|| self.text.get(&super::normalize(s)))
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
pub(super) struct Prepared {
    path: std::path::PathBuf,
    cols: Mapped,
    /// Per item: answer code (0 nee, 1 min of meer, 2 ja, 3 missing, else unknown) → what it
    /// adds to the packed counts (see [`Chunk::counts`]).
    by_code: Vec<[u64; 256]>,
    /// The same per raw `u8` cell value, through the codebook.
    by_raw: Vec<[u64; 256]>,
    codebook: Codebook,
    /// Rows.
    pub height: usize,
    /// The file says it is synthetic (a true `synthetic` column).
    pub synthetic: bool,
}

/// One chunk of rows of every mapped column.
pub(super) struct Slices<'p> {
    prepared: &'p Prepared,
    cols: Mapped,
}

/// The distinct waves of a chunk, or the raw value the mapping does not know.
pub(super) type WaveTable = Vec<Result<Wave, String>>;

/// The age-group mask of a row without a usable age.
pub(super) const AGE_MISSING: u16 = 1 << 15;

/// The cells of one column of a chunk: read in place when the column's type allows and it
/// has no empty cells, decoded otherwise (`None` for an empty cell).
pub(super) enum Cells<'a, T> {
    /// In place.
    Slice(&'a [T]),
    /// Decoded.
    Owned(Vec<Option<T>>),
}

impl<T: Copy> Cells<'_, T> {
    /// The cell of row `i`.
    #[inline]
    pub(super) fn get(&self, i: usize) -> Option<T> {
        match self {
            Self::Slice(v) => v.get(i).copied(),
            Self::Owned(v) => v.get(i).copied().flatten(),
        }
    }
}

/// A chunk decoded: what each cell means, in compact per-row codes with small tables of the
/// distinct values.
pub(super) struct Chunk<'a> {
    /// Id keys: integer ids as they are, text ids hashed.
    pub ids: Cells<'a, u64>,
    /// Per row: index into `wave_table`.
    pub waves: Vec<u16>,
    /// The distinct waves of the chunk, or the raw value the mapping does not know.
    pub wave_table: WaveTable,
    /// Per row: index into `area_table`.
    pub areas: Vec<u32>,
    /// The distinct area code texts of the chunk (`None` for an empty cell).
    pub area_table: Vec<Option<&'a str>>,
    /// Per row: the age groups (bit g for group g) the age falls in, or [`AGE_MISSING`].
    pub ages: Vec<u16>,
    /// Weight.
    pub weights: Cells<'a, f64>,
    /// Per row: lonely emotional and social items in bits 0–7 and 8–15, unanswered ones in
    /// 16–23 and 24–31, and from bit 32 one bit per item with a code the mapping does not know.
    packed: Vec<u64>,
}

/// Where the bits of items with unknown codes start in the packed counts.
const BAD_SHIFT: u32 = 32;

impl Chunk<'_> {
    /// Rows.
    pub(super) fn len(&self) -> usize {
        self.packed.len()
    }

    /// Lonely and unanswered items per subscale of row `i`.
    #[inline]
    pub(super) fn counts(&self, i: usize) -> Counts {
        let p = self.packed.get(i).copied().unwrap_or(0);
        Counts {
            lonely: [p as u8, (p >> 8) as u8],
            missing: [(p >> 16) as u8, (p >> 24) as u8],
        }
    }

    /// 0, or the number (1–11) of the first item of row `i` with a code the mapping does not
    /// know.
    #[inline]
    pub(super) fn bad_item(&self, i: usize) -> u8 {
        let bad = self.packed.get(i).copied().unwrap_or(0) >> BAD_SHIFT;
        if bad == 0 {
            0
        } else {
            bad.trailing_zeros() as u8 + 1
        }
    }
}

fn err(path: &Path, e: impl std::fmt::Display) -> MicrodataError {
    read_err(path, e).into()
}

impl Prepared {
    pub(super) fn new(df: &DataFrame, path: &Path, m: &Mapping) -> Result<Self, MicrodataError> {
        let present: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        wanted(m).check(path, &present)?;
        let col = |name: &str| {
            df.column(name)
                .map(Column::rechunk)
                .map_err(|e| err(path, e))
        };
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
        let codebook = Codebook::new(m);
        // Per item and answer code (0 nee, 1 min of meer, 2 ja, 3 missing, else unknown): what
        // the answer adds to a respondent's packed counts.
        let by_code: Vec<[u64; 256]> = ITEMS
            .iter()
            .enumerate()
            .map(|(k, item)| {
                let shift = if item.subscale == Subscale::Social {
                    8
                } else {
                    0
                };
                let mut t = [1u64 << (BAD_SHIFT + k as u32); 256];
                for (code, a) in [
                    (0, Answer::Nee),
                    (1, Answer::MinOfMeer),
                    (2, Answer::Ja),
                    (3, Answer::Missing),
                ] {
                    t[code] = if a == Answer::Missing {
                        1 << (16 + shift)
                    } else {
                        u64::from(item.is_lonely(a)) << shift
                    };
                }
                t
            })
            .collect();
        let by_raw: Vec<[u64; 256]> = by_code
            .iter()
            .map(|t| std::array::from_fn(|v| t[usize::from(codebook.small[v])]))
            .collect();
        Ok(Self {
            path: path.to_owned(),
            cols: Mapped {
                id: col(&m.columns.id)?,
                wave: col(&m.columns.wave)?,
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
            by_code,
            by_raw,
            codebook,
            height: df.height(),
            synthetic,
        })
    }

    pub(super) fn slice(&self, off: usize, len: usize) -> Slices<'_> {
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

fn floats<'a>(c: &'a Column, path: &Path) -> Result<Cells<'a, f64>, MicrodataError> {
    if let Ok(ca) = c.f64()
        && let Ok(v) = ca.cont_slice()
    {
        return Ok(Cells::Slice(v));
    }
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
    Ok(Cells::Owned(out))
}

/// The age-group mask of an age: bit g set when the age lies in group g of `bounds`.
fn age_mask(age: f64, bounds: &[(u8, Option<u8>)]) -> u16 {
    if !age.is_finite() {
        return AGE_MISSING;
    }
    let mut mask = 0u16;
    for (g, (lo, hi)) in bounds.iter().enumerate() {
        if age >= f64::from(*lo) && hi.is_none_or(|h| age < f64::from(h) + 1.0) {
            mask |= 1 << g;
        }
    }
    mask
}

/// Per-row age-group masks of an age column.
fn age_masks(
    c: &Column,
    bounds: &[(u8, Option<u8>)],
    path: &Path,
) -> Result<Vec<u16>, MicrodataError> {
    if let Ok(ca) = c.u8() {
        let mut lut = [0u16; 256];
        for (a, m) in lut.iter_mut().enumerate() {
            *m = age_mask(a as f64, bounds);
        }
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            if arr.null_count() == 0 {
                out.extend(arr.values().iter().map(|v| lut[usize::from(*v)]));
            } else {
                out.extend(
                    arr.iter()
                        .map(|v| v.map_or(AGE_MISSING, |v| lut[usize::from(*v)])),
                );
            }
        }
        return Ok(out);
    }
    Ok(match floats(c, path)? {
        Cells::Slice(v) => v.iter().map(|a| age_mask(*a, bounds)).collect(),
        Cells::Owned(v) => v
            .iter()
            .map(|a| a.map_or(AGE_MISSING, |a| age_mask(a, bounds)))
            .collect(),
    })
}

/// Answer codes of an item column: 0–3, or 255 for a code the mapping does not know; nulls
/// are unanswered.
fn answer_codes(
    c: &Column,
    book: &Codebook,
    path: &Path,
    out: &mut Vec<u8>,
) -> Result<(), MicrodataError> {
    out.clear();
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
    Ok(())
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The table entry of each distinct wave value: the wave, or the raw text when the mapping does
/// not know it (an empty text for a missing value).
fn wave_entry<T: ToString>(
    m: &Mapping,
    table: &mut Vec<Result<Wave, String>>,
) -> impl FnMut(Option<T>) {
    move |v| {
        let raw = v.map(|v| v.to_string()).unwrap_or_default();
        table.push(m.wave(&raw).ok_or(raw));
    }
}

/// Codes rows by their distinct values: `index` per row into a table that `table_entry` fills
/// with each new value, told apart by `key`, with a fast path for runs of one key (files are
/// often sorted by area or wave).
fn distinct<T: Copy, K: Copy + Eq + std::hash::Hash>(
    values: impl Iterator<Item = T>,
    len: usize,
    key: impl Fn(T) -> K,
    mut table_entry: impl FnMut(T),
) -> Vec<u32> {
    let mut seen: HashMap<K, u32, foldhash::fast::RandomState> = HashMap::default();
    let mut last: Option<(K, u32)> = None;
    let mut out = Vec::with_capacity(len);
    for v in values {
        let k = key(v);
        let ix = match last {
            Some((lk, ix)) if lk == k => ix,
            _ => {
                let next = seen.len() as u32;
                let ix = *seen.entry(k).or_insert_with(|| {
                    table_entry(v);
                    next
                });
                last = Some((k, ix));
                ix
            }
        };
        out.push(ix);
    }
    out
}

impl Slices<'_> {
    fn path(&self) -> &Path {
        &self.prepared.path
    }

    /// Id keys: integer ids as they are, text ids hashed; `None` without an id.
    pub(super) fn ids(&self) -> Result<Cells<'_, u64>, MicrodataError> {
        let path = self.path();
        let id = &self.cols.id;
        if let Ok(v) = id.u64().and_then(|ca| ca.cont_slice()) {
            return Ok(Cells::Slice(v));
        }
        if let Ok(v) = id.i64().and_then(|ca| ca.cont_slice()) {
            // The same bits as `id as u64`.
            return Ok(Cells::Slice(bytemuck::cast_slice(v)));
        }
        if id.dtype().is_integer() {
            let i = id.cast(&DataType::Int64).map_err(|e| err(path, e))?;
            let ca = i.i64().map_err(|e| err(path, e))?;
            Ok(Cells::Owned(
                ca.iter().map(|v| v.map(|v| v as u64)).collect(),
            ))
        } else {
            Ok(Cells::Owned(
                as_text(id, path)?
                    .into_iter()
                    .map(|id| {
                        id.filter(|s| !s.trim().is_empty()).map(|s| {
                            let mut h = std::collections::hash_map::DefaultHasher::new();
                            s.trim().hash(&mut h);
                            mix(h.finish())
                        })
                    })
                    .collect(),
            ))
        }
    }

    /// The wave of each row as an index into a table of the chunk's distinct waves (or the raw
    /// value the mapping does not know).
    pub(super) fn waves(&self, m: &Mapping) -> Result<(Vec<u16>, WaveTable), MicrodataError> {
        let path = self.path();
        let len = self.cols.wave.len();
        let mut table: Vec<Result<Wave, String>> = Vec::new();
        let index = if let Ok(ca) = self.cols.wave.u16() {
            distinct(ca.iter(), len, |v| v, wave_entry(m, &mut table))
        } else if self.cols.wave.dtype().is_integer() {
            let i = self
                .cols
                .wave
                .cast(&DataType::Int64)
                .map_err(|e| err(path, e))?;
            let ca = i.i64().map_err(|e| err(path, e))?;
            distinct(ca.iter(), len, |v| v, wave_entry(m, &mut table))
        } else if let Ok(ca) = self.cols.wave.str() {
            distinct(ca.iter(), len, |v| v, wave_entry(m, &mut table))
        } else {
            let text = as_text(&self.cols.wave, path)?;
            distinct(
                text.iter().map(Option::as_deref),
                len,
                |v| v,
                wave_entry(m, &mut table),
            )
        };
        // A chunk has at most CHUNK (65,536) rows, so at most as many distinct values.
        let index = index
            .into_iter()
            .map(|i| u16::try_from(i).unwrap_or(u16::MAX))
            .collect();
        Ok((index, table))
    }

    /// The raw text of item `k` in row `i`, for messages.
    pub(super) fn raw_item(&self, i: usize, k: usize) -> String {
        self.cols
            .items
            .get(k)
            .and_then(|c| c.get(i).ok())
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .unwrap_or_default()
    }

    /// The raw age in row `i`, for messages.
    pub(super) fn raw_age(&self, i: usize) -> String {
        self.cols
            .age
            .get(i)
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .unwrap_or_default()
    }

    /// The (wave, id key) of every row with a known wave and an id.
    pub(super) fn keys(&self, m: &Mapping) -> Result<Vec<(Wave, u64)>, MicrodataError> {
        let ids = self.ids()?;
        let (waves, table) = self.waves(m)?;
        Ok(waves
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                let wave = table.get(usize::from(*w))?.as_ref().ok()?;
                Some((*wave, ids.get(i)?))
            })
            .collect())
    }

    /// Decodes every mapped column of the chunk; `bounds` are the age groups' (youngest,
    /// oldest) ages.
    pub(super) fn decode(
        &self,
        m: &Mapping,
        bounds: &[(u8, Option<u8>)],
    ) -> Result<Chunk<'_>, MicrodataError> {
        let path = self.path();
        let p = self.prepared;
        let len = self.cols.id.len();
        let mut packed = vec![0u64; len];
        let mut codes = Vec::new();
        for (k, c) in self.cols.items.iter().enumerate() {
            if let Ok(v) = c.u8().and_then(|ca| ca.cont_slice()) {
                let table = &p.by_raw[k];
                for (acc, v) in packed.iter_mut().zip(v) {
                    *acc += table[usize::from(*v)];
                }
            } else {
                answer_codes(c, &p.codebook, path, &mut codes)?;
                let table = &p.by_code[k];
                for (acc, code) in packed.iter_mut().zip(&codes) {
                    *acc += table[usize::from(*code)];
                }
            }
        }
        let (waves, wave_table) = self.waves(m)?;
        let area = self.cols.area.str().map_err(|e| err(path, e))?;
        let mut area_table = Vec::new();
        let areas = match area.downcast_iter().next() {
            // One array without nulls: rows are told apart by their string views, without
            // reading the text (an equal view is an equal string; codes of up to 12 bytes are
            // held in the view, so an equal code has an equal view too).
            Some(arr) if area.chunks().len() == 1 && area.null_count() == 0 => {
                let views = arr.views();
                distinct(
                    0..views.len(),
                    len,
                    |i| views[i].as_u128(),
                    |i| area_table.push(Some(arr.value(i))),
                )
            }
            _ => distinct(area.iter(), len, |v| v, |v| area_table.push(v)),
        };
        Ok(Chunk {
            ids: self.ids()?,
            waves,
            wave_table,
            areas,
            area_table,
            ages: age_masks(&self.cols.age, bounds, path)?,
            weights: floats(&self.cols.weight, path)?,
            packed,
        })
    }
}

//! The two passes over a respondent file and the row pass: batches read and aggregated side
//! by side on the worker threads, each row checked, scored and summed into its cell.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::FastMap;
use super::decode::{AGE_MISSING, Chunk, Prepared, Slices, wanted};
use super::dedupe::{BITMAP_IDS, Detect, IdBits, WaveBits};
use super::estimate::{Acc, estimate};
use super::score::FlagTable;
use super::{
    Exclusion, ExclusionCount, MAX_AGE_GROUPS, Mapping, Measure, MicrodataError, MicrodataOptions,
    Prevalence, Summary,
};
use crate::load::respondents::read_frames;
use crate::{AreaCode, Level, Wave};

/// Rows per chunk of the row pass.
const CHUNK: usize = 1 << 16;

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
            read_frames(path, &wanted(mapping), options.batch_rows, |df, _| {
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
    let batches = read_frames(path, &wanted(mapping), options.batch_rows, |df, off| {
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
        Ok::<_, MicrodataError>((batch, n, cols.synthetic))
    })?;
    let mut total = Totals::default();
    for (batch, n, synthetic) in batches {
        total.read += n;
        total.synthetic |= synthetic;
        total.rows.absorb(batch);
    }
    Ok(total)
}

/// What the distinct area code text of a chunk means.
type AreaMeaning = Result<AreaCode, (Exclusion, String)>;

/// What each distinct area text of a chunk means: a buurt, wijk or gemeente code (known to
/// the options' areas, where they are given), or why the rows with it are excluded and an
/// example of it.
fn area_meanings(chunk: &Chunk<'_>, options: &MicrodataOptions) -> Vec<AreaMeaning> {
    chunk
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
        .collect()
}

/// One chunk's rows scored and summed into cells, each excluded row counted with its reason.
///
/// Kept as one loop over the rows (about 130 lines): it is the hot path of
/// `benches/benches/microdata` (a national file's millions of rows), and the duplicate ids of
/// consecutive rows are gathered into one bitmap word across the checks that follow.
#[allow(clippy::too_many_lines)]
fn process(
    chunk: &Chunk<'_>,
    slices: &Slices<'_>,
    off: usize,
    detect: &Detect<'_>,
    options: &MicrodataOptions,
    table: &FlagTable,
) -> Partial {
    let mut p = Partial::default();
    let areas = area_meanings(chunk, options);
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

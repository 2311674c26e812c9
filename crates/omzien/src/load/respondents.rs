//! Respondent files (CSV or Parquet) through polars: the columns asked for, in batches of
//! rows, as polars data frames. What the cells mean (answer codes, ages, waves) is the
//! concern of [`crate::microdata`]; this module knows nothing of it.

use std::io::Read;
use std::path::{Path, PathBuf};

use polars::io::parquet::read::FileMetadata;
use polars::prelude::{
    CsvParseOptions, CsvReadOptions, DataFrame, ParallelStrategy, ParquetReader, SerReader,
};
use rayon::prelude::*;

/// Why a respondent file could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The file cannot be opened or parsed.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A required column is not in the file.
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column name.
        column: String,
        /// What it should hold.
        role: String,
        /// The columns the file has, comma-separated.
        found: String,
    },
}

/// The columns a reader is asked for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wanted {
    /// Columns that must be present, each with what it holds (for messages).
    pub required: Vec<(String, String)>,
    /// Columns read when present.
    pub optional: Vec<String>,
}

impl Wanted {
    fn names(&self) -> impl Iterator<Item = &String> {
        self.required.iter().map(|(c, _)| c).chain(&self.optional)
    }

    /// Checks that every required column is among `present`.
    ///
    /// # Errors
    /// [`ReadError::MissingColumn`] for the first one that is not.
    pub(crate) fn check(&self, path: &Path, present: &[String]) -> Result<(), ReadError> {
        for (column, role) in &self.required {
            if !present.contains(column) {
                return Err(ReadError::MissingColumn {
                    path: path.to_owned(),
                    column: column.clone(),
                    role: role.clone(),
                    found: present.join(", "),
                });
            }
        }
        Ok(())
    }
}

pub(crate) fn read_err(path: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::Read {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Reads the wanted columns of a CSV or Parquet file (told apart by content) and hands them to
/// `each` in batches of rows with the file row of their first row: Parquet in batches of whole
/// row groups of up to `batch_rows` rows (at least one group), read and handed on in parallel,
/// one batch per worker thread at a time; CSV at once (all of its columns; `each` checks them
/// with [`Wanted::check`]). The results come back in file order.
///
/// # Errors
/// [`ReadError`] when the file cannot be read or lacks a required column, or what `each`
/// returns.
pub(crate) fn read_frames<R: Send, E: From<ReadError> + Send>(
    path: &Path,
    wanted: &Wanted,
    batch_rows: usize,
    each: impl Fn(DataFrame, usize) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(|e| read_err(path, e))?;
    let got = file.read(&mut magic).map_err(|e| read_err(path, e))?;
    if got == 4 && &magic == b"PAR1" {
        read_parquet(path, wanted, batch_rows, each)
    } else {
        // The columns are checked by `each`.
        Ok(vec![each(read_csv(path)?, 0)?])
    }
}

/// A Parquet file in batches of whole row groups of up to `batch_rows` rows, side by side.
fn read_parquet<R: Send, E: From<ReadError> + Send>(
    path: &Path,
    wanted: &Wanted,
    batch_rows: usize,
    each: impl Fn(DataFrame, usize) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let open = || std::fs::File::open(path).map_err(|e| read_err(path, e));
    let mut reader = ParquetReader::new(open()?);
    let schema = reader.schema().map_err(|e| read_err(path, e))?;
    let present: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    wanted.check(path, &present)?;
    let cols: Vec<String> = wanted
        .names()
        .filter(|c| present.contains(c))
        .cloned()
        .collect();
    let metadata = reader
        .get_metadata()
        .map_err(|e| read_err(path, e))?
        .clone();
    let (batches, offsets) = batches(&metadata, batch_rows);
    // With a batch per worker or more, each batch is decoded on one thread (the workers
    // run side by side); a file of one or two batches is decoded column-parallel.
    let strategy = if batches.len() >= rayon::current_num_threads().max(2) {
        ParallelStrategy::None
    } else {
        ParallelStrategy::Auto
    };
    let read = |((first, groups, len), offset): ((usize, usize, usize), usize)| {
        // The reader is given metadata of the batch's row groups only: a slice of the
        // whole file would have polars open every earlier row group's dictionary pages
        // again (for many row groups, most of the reading time).
        let mut part: FileMetadata = (*metadata).clone();
        part.row_groups = metadata.row_groups[first..first + groups].to_vec();
        part.num_rows = len;
        let mut reader = ParquetReader::new(open()?);
        reader.set_metadata(std::sync::Arc::new(part));
        let df = reader
            .read_parallel(strategy)
            .with_columns(Some(cols.clone()))
            .finish()
            .map_err(|e| read_err(path, e))?;
        each(df, offset)
    };
    if batches.is_empty() {
        // No row groups: the columns, without rows.
        let reader = ParquetReader::new(open()?);
        let df = reader
            .with_columns(Some(cols.clone()))
            .finish()
            .map_err(|e| read_err(path, e))?;
        return Ok(vec![each(df, 0)?]);
    }
    batches.into_par_iter().zip(offsets).map(read).collect()
}

/// Batches of whole row groups of up to `batch_rows` rows (first group, groups, rows), and
/// the first row of each.
#[allow(clippy::type_complexity)]
fn batches(metadata: &FileMetadata, batch_rows: usize) -> (Vec<(usize, usize, usize)>, Vec<usize>) {
    let mut batches: Vec<(usize, usize, usize)> = Vec::new();
    for (i, rg) in metadata.row_groups.iter().enumerate() {
        let rows = rg.num_rows();
        match batches.last_mut() {
            Some((_, groups, len)) if *len + rows <= batch_rows => {
                *groups += 1;
                *len += rows;
            }
            _ => batches.push((i, 1, rows)),
        }
    }
    let mut offsets = Vec::with_capacity(batches.len());
    let mut offset = 0;
    for (_, _, len) in &batches {
        offsets.push(offset);
        offset += len;
    }
    (batches, offsets)
}

/// A CSV file whole, its separator (`;` or `,`) told by its first line; a ragged line is
/// named.
fn read_csv(path: &Path) -> Result<DataFrame, ReadError> {
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
    CsvReadOptions::default()
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
        .map_err(|e| match ragged_line(path, sep) {
            // Polars does not say where; the line is found here.
            Some((line, fields, header)) => read_err(
                path,
                format!("line {line}: {fields} fields where the header has {header}"),
            ),
            None => read_err(path, e),
        })
}

/// The first line of a CSV file whose number of fields differs from the header's:
/// `(line, fields, header fields)`.
fn ragged_line(path: &Path, sep: u8) -> Option<(usize, usize, usize)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .has_headers(false)
        .from_path(path)
        .ok()?;
    let mut header = None;
    for record in reader.records() {
        let record = record.ok()?;
        let n = record.len();
        match header {
            None => header = Some(n),
            Some(h) if n != h && !(n == 1 && record.get(0).is_some_and(str::is_empty)) => {
                let line = record.position().map_or(0, |p| p.line());
                return usize::try_from(line).ok().map(|l| (l, n, h));
            }
            Some(_) => {}
        }
    }
    None
}

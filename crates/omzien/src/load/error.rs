//! Errors of loading: each names the file and the line or JSON path.

use std::fmt;
use std::path::PathBuf;

use crate::{AgeGroup, AreaCode, CodeError, Wave};

/// Where in a file something is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A 1-based line of a text file.
    Line(usize),
    /// A JSON path such as `$.value[3].Eenzaam_28`.
    JsonPath(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(n) => write!(f, "line {n}"),
            Self::JsonPath(p) => f.write_str(p),
        }
    }
}

/// A file that cannot be loaded, and why.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A directory with no `.csv` or `.json` files.
    #[error("{}: no figure files (*.csv, *.json) in this directory", path.display())]
    NoFiles {
        /// The directory.
        path: PathBuf,
    },
    /// An extra column whose header is longer than an indicator can carry.
    #[error("{}: column {key:?}: an extra column's header may be at most {max} bytes", path.display())]
    ExtraKeyTooLong {
        /// The file.
        path: PathBuf,
        /// The column header.
        key: String,
        /// The limit.
        max: usize,
    },
    /// Nothing in the file.
    #[error("{}: the file is empty", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A header but no data rows.
    #[error("{}: the file has a header but no rows", path.display())]
    NoRows {
        /// The file.
        path: PathBuf,
    },
    /// Bytes that are not UTF-8.
    #[error("{}: line {line}: invalid UTF-8 at byte {byte} (save the file as UTF-8)", path.display())]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 0-based byte offset in the file.
        byte: usize,
    },
    /// A header that is neither OData keys nor StatLine labels.
    #[error("{}: line 1: unrecognised header (starts {found:?}): expected StatLine OData keys (WijkenEnBuurten, Perioden, …) or web-download labels (\"Wijken en buurten\", \"Perioden\", …)", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// The start of the header.
        found: String,
    },
    /// A required column is missing.
    #[error("{}: {location}: missing column {column:?}", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// Line 1, or the JSON path of the first record.
        location: Location,
        /// The column, as this format names it.
        column: String,
    },
    /// A header names a column twice.
    #[error("{}: line 1: column {column:?} appears twice in the header", path.display())]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A record with the wrong number of fields.
    #[error("{}: line {line}: {found} fields where the header has {expected}", path.display())]
    FieldCount {
        /// The file.
        path: PathBuf,
        /// 1-based line where the record starts.
        line: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields in this record.
        found: usize,
    },
    /// The file ends in the middle of a record.
    #[error("{}: line {line}: the file ends inside this record (truncated download?)", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// 1-based line where the broken record starts.
        line: usize,
    },
    /// The CSV reader failed.
    #[error("{}: cannot parse CSV: {message}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The CSV reader's message.
        message: String,
    },
    /// The JSON is malformed or not an OData dataset.
    #[error("{}: {location}: {message}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// An invalid area code.
    #[error("{}: {location}: column {column}: {source}", path.display())]
    Code {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// The column.
        column: String,
        /// Why.
        #[source]
        source: CodeError,
    },
    /// A value of a dimension column (age group, period, margin, level) that is not known.
    #[error("{}: {location}: column {column}: {message}", path.display())]
    Dimension {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// The column.
        column: String,
        /// What is wrong, with the value.
        message: String,
    },
    /// A number that cannot be a figure of its column (a percentage outside 0–100).
    #[error("{}: {location}: column {column}: {message}", path.display())]
    OutOfRange {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// The column.
        column: String,
        /// What is wrong, with the value.
        message: String,
    },
    /// Keys of an OData JSON document that are not a table of this series.
    #[error("{}: {location}: unrecognised keys ({found}): expected StatLine OData keys (WijkenEnBuurten, Perioden, …)", path.display())]
    UnknownKeys {
        /// The file.
        path: PathBuf,
        /// Where the records are.
        location: Location,
        /// The keys found, shortened.
        found: String,
    },
    /// A figure that is neither a number, `"."` nor empty.
    #[error("{}: {location}: column {column}: {value:?} is not a number, \".\" or empty", path.display())]
    Number {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// The column.
        column: String,
        /// The raw value.
        value: String,
    },
    /// The same area, wave, age group and margin twice in one file.
    #[error("{}: {location}: duplicate row for {code}, {wave}, {age} (first at {first})", path.display())]
    DuplicateRow {
        /// The file.
        path: PathBuf,
        /// The second row.
        location: Location,
        /// The first row.
        first: Location,
        /// Area.
        code: AreaCode,
        /// Wave.
        wave: Wave,
        /// Age group.
        age: AgeGroup,
    },
    /// Two files disagree on one figure.
    #[error("{0}")]
    Conflict(Box<Conflict>),
    /// Files on two area classifications.
    #[error("{} uses the {second_year} area classification but {} uses {first_year}: figures of two classifications cannot be joined by code (a code can mean another area in another year). {}", second.display(), first.display(), super::newer_table_advice(*first_year, *second_year))]
    MixedClassification {
        /// First file.
        first: PathBuf,
        /// Its year.
        first_year: u16,
        /// Second file.
        second: PathBuf,
        /// Its year.
        second_year: u16,
    },
    /// One file's table named two ways that disagree (its folder's `metadata.json`, its column
    /// keys, its name).
    #[error("{}: {first}, but {second}; figures of two classifications never join by code: fix the file or its metadata", path.display())]
    TableConflict {
        /// The file.
        path: PathBuf,
        /// What the first source says.
        first: String,
        /// What the second says.
        second: String,
    },
    /// A `metadata.json` that cannot be used.
    #[error("{}: {message}", path.display())]
    Metadata {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Two files that give different figures for the same area, indicator, wave and age group.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("conflicting figures for {code} {indicator} {wave} {age}: {first_value} in {} but {second_value} in {}", first.display(), second.display())]
#[non_exhaustive]
pub struct Conflict {
    /// Area.
    pub code: AreaCode,
    /// Indicator key or label.
    pub indicator: String,
    /// Wave.
    pub wave: Wave,
    /// Age group.
    pub age: AgeGroup,
    /// First file.
    pub first: PathBuf,
    /// Its figure.
    pub first_value: String,
    /// Second file.
    pub second: PathBuf,
    /// Its figure.
    pub second_value: String,
}

//! Loading StatLine files: format detected from the content, files read in parallel.

mod boundaries;
mod csv;
mod error;
pub(crate) mod geojson;
mod json;
#[cfg(feature = "microdata")]
pub(crate) mod respondents;
mod table;
mod valid;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use boundaries::{
    Boundaries, BoundaryError, BoundarySet, Candidates, Crs, JoinReport, Shape, Skipped,
};
pub use error::{Conflict, LoadError, Location};
pub(crate) use table::{ParsedFile, RowKey, Target};

use crate::Dataset;
use crate::dataset::DatasetBuilder;

/// StatLine tables and the area classification their codes follow. A new table is a row.
const TABLES: &[(&str, u16)] = &[("50090NED", 2020), ("50120NED", 2022), ("50150NED", 2024)];

/// Loads StatLine figure files into one [`Dataset`].
///
/// Accepts the OData CSV export, the StatLine web download (`;`, BOM, labels) and OData JSON,
/// detected from the content. Directories are expanded to their `*.csv` and `*.json` files.
///
/// ```no_run
/// let ds = omzien::Loader::new().load(["../shared/data/rivm-50090NED"])?;
/// assert_eq!(ds.classification_year(), Some(2020));
/// # Ok::<(), omzien::LoadError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Loader {
    classification: Option<u16>,
}

impl Loader {
    /// A loader that takes the classification year from known table ids in file names.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares the area classification year of the files (e.g. 2020 for table 50090NED).
    #[must_use]
    pub fn with_classification(mut self, year: u16) -> Self {
        self.classification = Some(year);
        self
    }

    /// Loads files and directories into one dataset.
    ///
    /// # Errors
    /// A [`LoadError`] naming the file and line (or JSON path) of the first problem found.
    pub fn load<P: AsRef<Path>>(
        &self,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Dataset, LoadError> {
        let files = expand(paths)?;
        let parsed: Vec<ParsedFile> = files
            .par_iter()
            .map(|p| read_file(p))
            .collect::<Result<_, _>>()?;
        let mut builder = DatasetBuilder::default();
        let mut class: Option<(u16, PathBuf)> = self.classification.map(|y| (y, PathBuf::new()));
        for file in &parsed {
            if self.classification.is_none()
                && let Some(year) = classification_from_name(&file.path)
            {
                match &class {
                    Some((y, first)) if *y != year => {
                        return Err(LoadError::MixedClassification {
                            first: first.clone(),
                            first_year: *y,
                            second: file.path.clone(),
                            second_year: year,
                        });
                    }
                    Some(_) => {}
                    None => class = Some((year, file.path.clone())),
                }
            }
        }
        for file in parsed {
            builder.add(file);
        }
        builder.finish(class.map(|(y, _)| y), files, false)
    }
}

/// The classification year of a known table id in the file name.
fn classification_from_name(path: &Path) -> Option<u16> {
    let name = path.file_name()?.to_string_lossy().to_uppercase();
    TABLES
        .iter()
        .find(|(id, _)| name.contains(id))
        .map(|&(_, y)| y)
}

fn expand<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let io = |source| LoadError::Io {
            path: p.to_owned(),
            source,
        };
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension()
                            .map(|x| x.to_string_lossy().to_lowercase())
                            .is_some_and(|x| x == "csv" || x == "json")
                })
                .collect();
            if found.is_empty() {
                return Err(LoadError::NoFiles { path: p.to_owned() });
            }
            found.sort();
            files.extend(found);
        } else {
            std::fs::metadata(p).map_err(io)?;
            files.push(p.to_owned());
        }
    }
    Ok(files)
}

/// Reads one file, detecting its format from the content.
pub(crate) fn read_file(path: &Path) -> Result<ParsedFile, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_bytes(path, &bytes)
}

/// Parses the bytes of a file named `path`.
pub(crate) fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<ParsedFile, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let byte = e.valid_up_to();
        LoadError::InvalidUtf8 {
            path: path.to_owned(),
            line: 1 + bytes[..byte].iter().filter(|&&b| b == b'\n').count(),
            byte,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadError::Empty {
            path: path.to_owned(),
        });
    }
    if text.trim_start().starts_with(['{', '[']) {
        json::read(path, text)
    } else {
        csv::read(path, text)
    }
}

//! Loading StatLine files: format detected from the content, files read in parallel.

mod boundaries;
mod csv;
pub(crate) mod error;
pub(crate) mod geojson;
mod json;
#[cfg(feature = "microdata")]
pub(crate) mod respondents;
pub(crate) mod table;
mod valid;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub(crate) use boundaries::CODE_PROPERTIES;
pub use boundaries::{
    Boundaries, BoundaryError, BoundarySet, Candidates, Crs, JoinReport, Shape, Skipped,
};
pub use error::{Conflict, LoadError, Location};
pub(crate) use table::{ParsedFile, RowKey, Target};

use crate::dataset::DatasetBuilder;
use crate::{AreaCode, Dataset};

/// A StatLine table of the series: its id, the area classification its codes follow, and the
/// OData key of its lonely column, which identifies the table from a file's content (the keys
/// are renumbered from table to table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Table {
    pub id: &'static str,
    pub classification: u16,
    pub lonely_key: &'static str,
}

/// The tables of the series. A new table is a row.
pub(crate) const TABLES: &[Table] = &[
    Table {
        id: "50090NED",
        classification: 2020,
        lonely_key: "Eenzaam_28",
    },
    Table {
        id: "50120NED",
        classification: 2022,
        lonely_key: "Eenzaam_27",
    },
    Table {
        id: "50150NED",
        classification: 2024,
        lonely_key: "Eenzaam_25",
    },
];

/// What to do with figures of two classifications: take the newer table, which holds the
/// earlier waves re-estimated on its own map.
pub(crate) fn newer_table_advice(a: u16, b: u16) -> String {
    let newer = a.max(b);
    match TABLES.iter().find(|t| t.classification == newer) {
        Some(t) => format!(
            "Table {} (classification {newer}) holds the earlier waves re-estimated on its own \
             map: load that table alone to compare waves",
            t.id
        ),
        None => format!(
            "Load the figures of the {newer} classification alone: a table re-estimates the \
             earlier waves on its own map"
        ),
    }
}

/// The table whose lonely key is among `keys`.
pub(crate) fn table_of_keys<'a>(mut keys: impl Iterator<Item = &'a str>) -> Option<&'static Table> {
    keys.find_map(|k| TABLES.iter().find(|t| t.lonely_key == k))
}

/// The name of the metadata file beside downloaded figures (written by `omzien fetch`): a JSON
/// object with at least `table` (`"50150NED"`) or `classification` (`2024`). It is read as the
/// metadata of the figure files in its folder, never as figures.
pub const METADATA_FILE: &str = "metadata.json";

/// The folder of boundary files beside downloaded figures (`omzien fetch` writes
/// `TABLE/boundaries/gemeenten_YEAR.geojson`, …); `omzien serve --data TABLE` takes it when no
/// boundaries are given.
pub const BOUNDARIES_FOLDER: &str = "boundaries";

/// The boundary files or folders given, else the [`BOUNDARIES_FOLDER`] of each data folder
/// that has one (as `omzien fetch` writes it); empty when there are neither. The one rule of
/// the command line, the server and the Python package.
///
/// ```
/// use std::path::PathBuf;
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir(dir.path().join("boundaries"))?;
/// let data = [dir.path().to_owned(), PathBuf::from("elsewhere")];
/// assert_eq!(omzien::boundary_paths(&data, &[]), [dir.path().join("boundaries")]);
/// let given = [PathBuf::from("wijken.geojson")];
/// assert_eq!(omzien::boundary_paths(&data, &given), given);
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use]
pub fn boundary_paths(data: &[PathBuf], given: &[PathBuf]) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    data.iter()
        .map(|d| d.join(BOUNDARIES_FOLDER))
        .filter(|b| b.is_dir())
        .collect()
}

/// What a `metadata.json` says.
#[derive(Debug, Clone)]
struct Metadata {
    table: Option<&'static Table>,
    classification: u16,
    /// Area names (`"areas": {"BU03630001": "Kop Zeedijk", …}`, from the table's
    /// `WijkenEnBuurten`).
    areas: Vec<(AreaCode, String)>,
}

/// Reads a `metadata.json`.
fn read_metadata(path: &Path) -> Result<Metadata, LoadError> {
    let bad = |message: String| LoadError::Metadata {
        path: path.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let table = match v.get("table") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(id)) => Some(
            TABLES
                .iter()
                .find(|t| t.id.eq_ignore_ascii_case(id.trim()))
                .ok_or_else(|| {
                    bad(format!(
                        "table {id:?} is not of this series ({})",
                        TABLES.iter().map(|t| t.id).collect::<Vec<_>>().join(", ")
                    ))
                })?,
        ),
        Some(other) => return Err(bad(format!("\"table\" is {other}, not a table id"))),
    };
    let classification = match v.get("classification") {
        None | Some(serde_json::Value::Null) => None,
        Some(c) => Some(
            c.as_u64()
                .and_then(|y| u16::try_from(y).ok())
                .filter(|y| (1900..=2100).contains(y))
                .ok_or_else(|| bad(format!("\"classification\" is {c}, not a year")))?,
        ),
    };
    let mut areas = Vec::new();
    match v.get("areas") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(o)) => {
            for (code, name) in o {
                let c: AreaCode = code
                    .trim()
                    .parse()
                    .map_err(|e| bad(format!("\"areas\": {e}")))?;
                let n = name
                    .as_str()
                    .ok_or_else(|| bad(format!("\"areas\".{code} is {name}, not a name")))?;
                areas.push((c, n.trim().to_owned()));
            }
        }
        Some(other) => return Err(bad(format!("\"areas\" is {other}, not an object"))),
    }
    match (table, classification) {
        (Some(t), Some(y)) if t.classification != y => Err(bad(format!(
            "table {} is on the {} classification, but \"classification\" says {y}",
            t.id, t.classification
        ))),
        (Some(t), _) => Ok(Metadata {
            table: Some(t),
            classification: t.classification,
            areas,
        }),
        (None, Some(y)) => Ok(Metadata {
            table: None,
            classification: y,
            areas,
        }),
        (None, None) => Err(bad(
            "names neither \"table\" nor \"classification\"".to_owned()
        )),
    }
}

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
    /// ```
    /// use omzien::{AgeGroup, AreaCode, Figure, Indicator, Loader, Wave};
    /// let dir = std::env::temp_dir().join(format!("omzien-doc-load-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// // Columns as StatLine's OData export names them; `.` is a suppressed figure.
    /// std::fs::write(
    ///     dir.join("50090NED.csv"),
    ///     "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28\n\
    ///      0,20300,MW00000,GM0363,2016JJ00,47.5\n\
    ///      1,20300,MW00000,GM0363,2020JJ00,53.2\n\
    ///      2,20300,MW00000,WK036300,2020JJ00,.\n",
    /// )?;
    /// let ds = Loader::new().load([&dir])?;
    /// let amsterdam: AreaCode = "GM0363".parse()?;
    /// let figure = ds.figure(amsterdam, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)?;
    /// assert_eq!(figure.value(), Some(53.2));
    /// let wijk = ds.figure("WK036300".parse()?, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)?;
    /// assert_eq!(wijk, Figure::Suppressed);
    /// // A folder without figures is refused, naming it.
    /// assert!(Loader::new().load([dir.join("nothing-here")]).is_err());
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`LoadError`] naming the file and line (or JSON path) of the first problem found.
    pub fn load<P: AsRef<Path>>(
        &self,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Dataset, LoadError> {
        let files = expand(paths)?;
        // A metadata.json names the table of the figure files in its folder.
        let mut metadata: Vec<(PathBuf, Metadata)> = Vec::new();
        let mut figures = Vec::new();
        for f in &files {
            if is_metadata(f) {
                metadata.push((f.clone(), read_metadata(f)?));
            } else {
                figures.push(f.clone());
            }
        }
        if figures.is_empty() {
            return Err(LoadError::NoFiles {
                path: files.first().cloned().unwrap_or_default(),
            });
        }
        let parsed: Vec<ParsedFile> = figures
            .par_iter()
            .map(|p| read_file(p))
            .collect::<Result<_, _>>()?;
        // Each file's table and classification: the metadata of its folder, its column keys and
        // its name must agree; an explicit classification overrides them all.
        let mut class: Option<(u16, PathBuf)> = self.classification.map(|y| (y, PathBuf::new()));
        let mut tables: Vec<Option<&'static Table>> = Vec::with_capacity(parsed.len());
        for file in &parsed {
            let (table, year) = self.table_of(file, &metadata)?;
            tables.push(table);
            if let Some(year) = year {
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
        // The dataset's table: the one every file names (none when a file names none).
        let table = tables
            .first()
            .copied()
            .flatten()
            .filter(|t| tables.iter().all(|x| x.is_some_and(|x| x.id == t.id)))
            .filter(|t| self.classification.is_none_or(|y| y == t.classification));
        let mut builder = DatasetBuilder::default();
        for file in parsed {
            builder.add(file);
        }
        let mut ds = builder.finish(class.map(|(y, _)| y), figures, false)?;
        ds.set_table(table.map(|t| t.id));
        for (_, m) in metadata {
            ds.set_names(m.areas);
        }
        Ok(ds)
    }

    /// A file's table and the classification it says, from the metadata of its folder, its
    /// column keys and its name, which must agree. The classification is `None` when the
    /// loader was given one (that the file's must then match) or nothing says one.
    fn table_of(
        &self,
        file: &ParsedFile,
        metadata: &[(PathBuf, Metadata)],
    ) -> Result<(Option<&'static Table>, Option<u16>), LoadError> {
        let say = |t: &Option<&Table>, y: u16| {
            t.map_or(format!("classification {y}"), |t| {
                format!("table {} (classification {y})", t.id)
            })
        };
        let meta = metadata
            .iter()
            .find(|(m, _)| m.parent() == file.path.parent());
        let mut said: Vec<(String, Option<&'static Table>, u16)> = Vec::new();
        if let Some((m, d)) = meta {
            said.push((m.display().to_string(), d.table, d.classification));
        }
        if let Some(t) = file.table {
            said.push((
                format!("its column {}", t.lonely_key),
                Some(t),
                t.classification,
            ));
        }
        if let Some(t) = table_of_name(&file.path) {
            said.push(("its name".to_owned(), Some(t), t.classification));
        }
        let table = said.iter().find_map(|(_, t, _)| *t);
        for pair in said.windows(2) {
            let ((w1, t1, y1), (w2, t2, y2)) = (&pair[0], &pair[1]);
            let differ = y1 != y2 || matches!((t1, t2), (Some(a), Some(b)) if a.id != b.id);
            if differ {
                return Err(LoadError::TableConflict {
                    path: file.path.clone(),
                    first: format!("{w1} says {}", say(t1, *y1)),
                    second: format!("{w2} says {}", say(t2, *y2)),
                });
            }
        }
        if let Some(y) = self.classification {
            // The option is for files that carry no table; one that does must agree.
            if let Some((what, t, year)) = said.iter().find(|(_, _, year)| *year != y) {
                return Err(LoadError::TableConflict {
                    path: file.path.clone(),
                    first: format!("the classification given is {y}"),
                    second: format!("{what} says {}", say(t, *year)),
                });
            }
            return Ok((table, None));
        }
        Ok((table, said.first().map(|&(_, _, year)| year)))
    }
}

/// The table whose id the file name carries.
fn table_of_name(path: &Path) -> Option<&'static Table> {
    let name = path.file_name()?.to_string_lossy().to_uppercase();
    TABLES.iter().find(|t| name.contains(t.id))
}

/// A `metadata.json`.
fn is_metadata(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(METADATA_FILE))
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

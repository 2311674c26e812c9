//! CBS's key figures per wijk and buurt ("Kerncijfers wijken en buurten"), one table per
//! classification year, as population weights and the characteristics of similar gemeenten.
//!
//! The tables are CBS's own, on its OData feed [`CBS_OWN_FEED`]
//! (`https://opendata.cbs.nl/ODataFeed/odata/TABLE`, OData version 3, the same layout as the
//! third-party feed of the figures: `TableInfos`, `DataProperties` with each column's `Key` and
//! `Unit`, the `WijkenEnBuurten` dimension with every area's name, and `TypedDataSet`, paged by
//! `odata.nextLink`). Independent clients (`cbsodata`, `cbsodataR`) read them by these ids:
//! 2020 `84799NED`, 2021 `85039NED`, 2022 `85318NED`, 2023 `85618NED`, 2024 `85984NED`
//! ([`KEY_FIGURES`]). Each table numbers its column keys itself (`AantalInwoners_5`,
//! `k_65JaarOfOuder_12`, `GemiddeldeHuishoudensgrootte_32` in one year, other numbers in the
//! next), so columns are found by the key's stem, the part before the last `_NUMBER`; a count
//! published as a percentage (`Unit` `%`) is turned into a count of the inhabitants. The
//! country is `NL00` in these tables and `NL01` in the Gezondheidsmonitor's: it is written as
//! `NL01`, the code every other file of omzien uses.
//!
//! The result is one CSV, `kerncijfers_YEAR.csv` ([`key_figures_file`]), that
//! [`Populations`](crate::Populations) reads as a population layer (for `--weights`, `check`,
//! similar gemeenten and the report's counts): `code,name,population,age_0_14,age_15_24,
//! age_25_44,age_45_64,age_65plus,households,household_size,urbanity,land_area_ha,table`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::http::{Client, encode};
use super::odata::{all_values, first_value, text};
use super::{FetchError, Progress, Retry, feed_url};
use crate::{AreaCode, GemeenteCode};

/// CBS's OData feed of its own tables (the key figures are there).
pub const CBS_OWN_FEED: &str = "https://opendata.cbs.nl/ODataFeed/odata";

/// A key-figures table of a classification year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyFiguresTable {
    /// The classification year (the areas as they were on 1 January of it).
    pub year: u16,
    /// The StatLine id.
    pub id: &'static str,
}

/// The key-figures tables, a row per classification year; adding a year is adding a row.
pub const KEY_FIGURES: &[KeyFiguresTable] = &[
    KeyFiguresTable {
        year: 2020,
        id: "84799NED",
    },
    KeyFiguresTable {
        year: 2021,
        id: "85039NED",
    },
    KeyFiguresTable {
        year: 2022,
        id: "85318NED",
    },
    KeyFiguresTable {
        year: 2023,
        id: "85618NED",
    },
    KeyFiguresTable {
        year: 2024,
        id: "85984NED",
    },
];

/// The key-figures table of a year.
///
/// ```
/// assert_eq!(omzien::fetch::key_figures_table(2022).unwrap().id, "85318NED");
/// assert!(omzien::fetch::key_figures_table(2019).is_none());
/// ```
#[must_use]
pub fn key_figures_table(year: u16) -> Option<KeyFiguresTable> {
    KEY_FIGURES.iter().copied().find(|t| t.year == year)
}

/// The file the key figures of a year are written to.
///
/// ```
/// assert_eq!(omzien::fetch::key_figures_file(2020), "kerncijfers_2020.csv");
/// ```
#[must_use]
pub fn key_figures_file(year: u16) -> String {
    format!("kerncijfers_{year}.csv")
}

/// The columns written, each with the stem of the table's key it comes from; `population` is
/// required, the rest are written empty where a table lacks them.
pub const KEY_FIGURE_COLUMNS: &[(&str, &str)] = &[
    ("population", "AantalInwoners"),
    ("age_0_14", "k_0Tot15Jaar"),
    ("age_15_24", "k_15Tot25Jaar"),
    ("age_25_44", "k_25Tot45Jaar"),
    ("age_45_64", "k_45Tot65Jaar"),
    ("age_65plus", "k_65JaarOfOuder"),
    ("households", "HuishoudensTotaal"),
    ("household_size", "GemiddeldeHuishoudensgrootte"),
    ("urbanity", "MateVanStedelijkheid"),
    ("land_area_ha", "OppervlakteLand"),
];

/// The age bands, counted in inhabitants (a percentage is turned into a count).
const COUNTS: &[&str] = &[
    "age_0_14",
    "age_15_24",
    "age_25_44",
    "age_45_64",
    "age_65plus",
];

/// What to download.
#[derive(Debug, Clone)]
pub struct KeyFiguresRequest {
    /// The classification year.
    pub year: u16,
    /// The folder the file goes in.
    pub out: PathBuf,
    /// Only this gemeente, its wijken and buurten (with the country).
    pub gemeente: Option<GemeenteCode>,
    /// A gemeente by code or name, looked up among the table's area names once they are
    /// in (as the figures' download does); it sets `gemeente`.
    pub gemeente_text: Option<String>,
    /// The feed ([`CBS_OWN_FEED`]).
    pub feed: String,
    /// Replace a file already there.
    pub force: bool,
    /// Retries and limits.
    pub retry: Retry,
}

impl KeyFiguresRequest {
    /// The whole country's key figures of `year` into `out`.
    #[must_use]
    pub fn new(year: u16, out: &Path) -> Self {
        Self {
            year,
            out: out.to_owned(),
            gemeente: None,
            gemeente_text: None,
            feed: CBS_OWN_FEED.to_owned(),
            force: false,
            retry: Retry::default(),
        }
    }

    /// The table, or the years there are.
    ///
    /// # Errors
    /// [`FetchError::NotOfSeries`] for a year without a key-figures table omzien knows.
    pub fn table(&self) -> Result<KeyFiguresTable, FetchError> {
        key_figures_table(self.year).ok_or_else(|| FetchError::NotOfSeries {
            table: format!("kerncijfers {}", self.year),
            title: "Kerncijfers wijken en buurten".to_owned(),
            reason: format!(
                "omzien knows the key figures of {}",
                KEY_FIGURES
                    .iter()
                    .map(|t| format!("{} ({})", t.year, t.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }

    /// The table's feed.
    fn base(&self, table: KeyFiguresTable) -> String {
        format!("{}/{}", self.feed.trim_end_matches('/'), table.id)
    }

    /// The `$filter` of a gemeente: the country, the gemeente, its wijken and buurten.
    fn filter(&self) -> Option<String> {
        self.gemeente.map(|g| super::area_filter(None, Some(g)))
    }

    /// The first page of the figures, with the columns chosen (`$select`) and the filter.
    fn data_url(&self, base: &str, keys: &[&str]) -> String {
        let mut url = feed_url(base, "TypedDataSet");
        let _ = write!(url, "&$select={}", encode(&keys.join(",")));
        if let Some(f) = self.filter() {
            let _ = write!(url, "&$filter={}", encode(&f));
        }
        url
    }

    /// The requests a download makes, in order: what each fetches and its URL (the
    /// figures' `$select` as it is before the columns are known: every stem).
    ///
    /// # Errors
    /// As [`KeyFiguresRequest::table`].
    pub fn plan(&self) -> Result<Vec<(String, String)>, FetchError> {
        let table = self.table()?;
        let base = self.base(table);
        let stems: Vec<&str> = std::iter::once("WijkenEnBuurten")
            .chain(KEY_FIGURE_COLUMNS.iter().map(|(_, s)| *s))
            .collect();
        Ok(vec![
            (
                format!("the key figures' title ({})", table.id),
                feed_url(&base, "TableInfos"),
            ),
            (
                "the key figures' columns and units".to_owned(),
                feed_url(&base, "DataProperties"),
            ),
            (
                "the key figures' area names".to_owned(),
                feed_url(&base, "WijkenEnBuurten"),
            ),
            (
                "the key figures (columns by their stems, numbered as the table numbers them)"
                    .to_owned(),
                self.data_url(&base, &stems),
            ),
        ])
    }
}

/// What a download of key figures gave.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FetchedKeyFigures {
    /// The file written.
    pub file: PathBuf,
    /// The table.
    pub table: KeyFiguresTable,
    /// Its title.
    pub title: String,
    /// Areas written.
    pub areas: usize,
    /// The first page of the figures.
    pub source: String,
    /// Columns the table lacks (written empty).
    pub missing: Vec<&'static str>,
}

/// Downloads the key figures of `req.year` into `req.out/kerncijfers_YEAR.csv`, written whole
/// (under a hidden name, renamed when complete).
///
/// # Errors
/// A [`FetchError`] naming the URL, or the file that could not be written.
pub fn key_figures(
    req: &KeyFiguresRequest,
    progress: &dyn Progress,
) -> Result<FetchedKeyFigures, FetchError> {
    let table = req.table()?;
    let file = req.out.join(key_figures_file(table.year));
    crate::staged::refuse_existing(&file, req.force)?;
    let client = Client::new(req.retry);
    let base = req.base(table);
    let infos_url = feed_url(&base, "TableInfos");
    let infos = match client.json(&infos_url, progress)? {
        super::http::Got::NotFound => {
            return Err(FetchError::UnknownTable {
                table: table.id.to_owned(),
                url: infos_url,
                known: KEY_FIGURES
                    .iter()
                    .map(|t| t.id)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        super::http::Got::Json(v) => first_value(&infos_url, &v)?,
    };
    let title = text(&infos, "Title").unwrap_or_default();
    let props = all_values(&client, &feed_url(&base, "DataProperties"), progress)?;
    let (found, missing) = key_columns(table, &title, &props)?;
    let mut select: Vec<&str> = vec!["WijkenEnBuurten"];
    select.extend(
        found
            .iter()
            .filter_map(|(_, c)| c.as_ref().map(|c| c.0.as_str())),
    );
    let names = super::area_names(&client, &base, table.id, progress)?;
    let mut req = req.clone();
    if let Some(text) = req.gemeente_text.take() {
        req.gemeente = Some(super::gemeente_named(&names, &text)?);
    }

    // The figures.
    let source = req.data_url(&base, &select);
    progress.start(&format!("{} key figures", table.id), None);
    let rows = all_values(&client, &source, progress)?;
    progress.advance(rows.len() as u64);
    progress.finish();
    let (bytes, areas) = key_figures_csv(&rows, &found, &names, table, &source, &file)?;
    std::fs::create_dir_all(&req.out).map_err(|source| crate::FolderError {
        path: req.out.clone(),
        source,
    })?;
    crate::staged::write_file_whole(&file, &bytes)?;
    Ok(FetchedKeyFigures {
        file,
        table,
        title,
        areas,
        source,
        missing,
    })
}

/// Per key figure (by its name in the file): the table's column and whether it is in %.
type Found = Vec<(&'static str, Option<(String, bool)>)>;

/// Each key figure's column (found by its stem) and whether the table gives it in %, and
/// the names of those the table lacks; a table without areas or inhabitants is refused.
fn key_columns(
    table: KeyFiguresTable,
    title: &str,
    props: &[Value],
) -> Result<(Found, Vec<&'static str>), FetchError> {
    let column = |stem: &str| -> Option<(String, bool)> {
        props.iter().find_map(|p| {
            let key = text(p, "Key")?;
            (crate::indicator::key_stem(&key) == stem).then(|| {
                let percent = text(p, "Unit").is_some_and(|u| u.contains('%'));
                (key, percent)
            })
        })
    };
    let refuse = |reason: &str| FetchError::NotOfSeries {
        table: table.id.to_owned(),
        title: title.to_owned(),
        reason: reason.to_owned(),
    };
    if column("WijkenEnBuurten").is_none() {
        return Err(refuse(
            "its DataProperties have no WijkenEnBuurten: not a table of wijken en buurten",
        ));
    }
    let found: Found = KEY_FIGURE_COLUMNS
        .iter()
        .map(|(name, stem)| (*name, column(stem)))
        .collect();
    if found[0].1.is_none() {
        return Err(refuse(
            "its DataProperties have no AantalInwoners (inhabitants)",
        ));
    }
    let missing = found
        .iter()
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    Ok((found, missing))
}

/// The key figures' rows as `kerncijfers_YEAR.csv` (one row per area, percentages of the age
/// bands turned into counts), and how many areas it holds.
fn key_figures_csv(
    rows: &[Value],
    found: &Found,
    names: &serde_json::Map<String, Value>,
    table: KeyFiguresTable,
    source: &str,
    file: &Path,
) -> Result<(Vec<u8>, usize), FetchError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| crate::FolderError {
        path: file.to_owned(),
        source: std::io::Error::other(e),
    };
    let mut header = vec!["code", "name"];
    header.extend(KEY_FIGURE_COLUMNS.iter().map(|(n, _)| *n));
    header.push("table");
    w.write_record(&header).map_err(csv_err)?;
    let mut areas = 0;
    for (i, row) in rows.iter().enumerate() {
        let Some(key) = text(row, "WijkenEnBuurten") else {
            return Err(FetchError::Row {
                url: source.to_owned(),
                row: i + 1,
                message: "no WijkenEnBuurten".to_owned(),
            });
        };
        // The country is NL00 here, NL01 in the Gezondheidsmonitor: one code for it.
        let code = match key.parse::<AreaCode>() {
            Ok(AreaCode::Country(_)) => AreaCode::Country(crate::CountryCode::NL),
            Ok(c) => c,
            // Rows of other region kinds (none are documented) are passed over.
            Err(_) => continue,
        };
        let number = |k: &str| row.get(k).and_then(Value::as_f64);
        let population = found[0].1.as_ref().and_then(|(k, _)| number(k));
        let mut record = vec![
            code.to_string(),
            names
                .get(&key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ];
        for (col, c) in found {
            let v = c.as_ref().and_then(|(k, percent)| {
                let v = number(k)?;
                if *percent && COUNTS.contains(col) {
                    population.map(|p| (p * v / 100.0).round())
                } else {
                    Some(v)
                }
            });
            record.push(v.map(|v| v.to_string()).unwrap_or_default());
        }
        record.push(table.id.to_owned());
        w.write_record(&record).map_err(csv_err)?;
        areas += 1;
    }
    let bytes = w.into_inner().map_err(|e| crate::FolderError {
        path: file.to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok((bytes, areas))
}

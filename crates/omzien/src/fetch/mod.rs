//! Downloads a table of the series, its area names and its boundaries into a folder that
//! [`Loader`] and the boundary reader take as they are.
//!
//! The services, from their public documentation:
//!
//! - **Figures**: CBS's OData service for third-party tables (RIVM's among them),
//!   [`CBS_ODATA_FEED`] (`https://dataderden.cbs.nl/ODataFeed/odata/TABLE`; CBS's
//!   "Handleiding CBS Open Data Services", OData version 3). `TableInfos` (title, last
//!   modified), `DataProperties` (the column keys, checked against the table's row in the
//!   series), the dimensions `WijkenEnBuurten` (`Key`, `Title`: every area's name) and `Perioden`,
//!   and the figures from `UntypedDataSet`, which keeps `"."` (not published) apart from empty
//!   (not measured) where `TypedDataSet` gives `null` for both. The feed pages: each page's
//!   `odata.nextLink` is the next one. Filters (`--age`, `--level`, `--gemeente`) go in
//!   `$filter` (`Leeftijd eq '20300'`, `startswith(WijkenEnBuurten,'BU0363')`).
//! - **Boundaries**: PDOK's "CBS Wijken en Buurten" of the table's classification year
//!   ([`boundaries_service`]): for 2020 and 2022 (50090NED, 50120NED) its WFS ([`pdok_wfs`],
//!   `wijkenbuurten:LEVEL` as GeoJSON in RD New, paged by `startIndex`), from 2023 on its OGC
//!   API Features ([`pdok_wijken_en_buurten`],
//!   `https://api.pdok.nl/cbs/wijken-en-buurten-YEAR/ogc/v1`), collections `gemeenten`, `wijken`,
//!   `buurten`, `items?f=json&limit=1000`, paged by the `next` link, in CRS84 longitude/latitude
//!   (the OGC API default). Features marked `water = "JA"` (the water part of an area) are left
//!   out. With a gemeente, the service is asked for its features only (`gemeentecode=GM0363`,
//!   a queryable property as a query parameter, OGC API Features Part 1). Another year's
//!   service is given with its URL.
//!
//! - **Population**: CBS's key figures per wijk and buurt of the classification year
//!   ([`key_figures`]: "Kerncijfers wijken en buurten", `https://opendata.cbs.nl/ODataFeed/odata/`
//!   `84799NED` for 2020, `85318NED` for 2022, `85984NED` for 2024), written as
//!   `kerncijfers_YEAR.csv`, the population layer of weights and similar gemeenten.
//!
//! Retries are for what a retry can mend (429, 502, 503, 504, a cut connection, a truncated
//! page); another HTTP error is reported at once with the service's words, a service that
//! cannot be reached at once with what to check. [`plan`] lists every request and file
//! without making one (`--dry-run`).
//!
//! Nothing half-written carries the final name: the download goes to `.TABLE.partial` beside the
//! final folder, each page of figures written whole (`pages/00001.json`, with its next link;
//! `pages/request.json` says what was asked), so a download stopped by a network error, a full
//! disk or Ctrl-C is taken up at the page after the last whole one by the same command. The folder is renamed into place only when the
//! figures load and every boundary file reads.

mod download;
mod http;
mod key_figures;
mod odata;
mod ogc;

pub use key_figures::{
    CBS_OWN_FEED, FetchedKeyFigures, KEY_FIGURE_COLUMNS, KEY_FIGURES, KeyFiguresRequest,
    KeyFiguresTable, key_figures, key_figures_file, key_figures_table,
};

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use crate::load::TABLES;
use crate::{AgeGroup, AreaCode, GemeenteCode, Level, LoadError, Loader, StagedDir};
pub use download::fetch;
use download::{area_names, gemeente_named};
use http::{Client, Got, encode};
use odata::{all_values, check_properties, download_pages, first_value, text, write_figures};
use ogc::{boundary_file, download_boundaries, items_url};

/// CBS's OData feed of third-party tables (RIVM's Gezondheidsmonitor tables are there).
pub const CBS_ODATA_FEED: &str = "https://dataderden.cbs.nl/ODataFeed/odata";

/// PDOK's OGC API Features of the CBS wijk- en buurtkaart of `year`.
///
/// ```
/// assert_eq!(
///     omzien::fetch::pdok_wijken_en_buurten(2024),
///     "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"
/// );
/// ```
#[must_use]
pub fn pdok_wijken_en_buurten(year: u16) -> String {
    format!("https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1")
}

/// PDOK's WFS of the CBS wijk- en buurtkaart of `year`, for the years PDOK publishes no OGC
/// API for (before 2023: the maps of 50090NED and 50120NED). Cited by independent clients as
/// `https://service.pdok.nl/cbs/wijkenbuurten/YEAR/wfs/v1_0` with feature types
/// `wijkenbuurten:gemeenten`, `wijkenbuurten:wijken`, `wijkenbuurten:buurten` and the
/// properties `gemeentecode`, `wijkcode`, `buurtcode`, `water`, `jaar`; PDOK serves WFS with
/// MapServer (WFS 2.0, `STARTINDEX`/`COUNT` paging, 1,000 features a page by default:
/// github.com/PDOK/mapserver-operator).
///
/// ```
/// assert_eq!(
///     omzien::fetch::pdok_wfs(2020),
///     "https://service.pdok.nl/cbs/wijkenbuurten/2020/wfs/v1_0"
/// );
/// ```
#[must_use]
pub fn pdok_wfs(year: u16) -> String {
    format!("https://service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0")
}

/// The boundary service of a classification year: PDOK's OGC API Features from 2023 on
/// (listed on pdok.nl for 2023, 2024 and 2025), its WFS of the year before.
///
/// ```
/// use omzien::fetch::boundaries_service;
/// assert_eq!(boundaries_service(2024), "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1");
/// assert_eq!(boundaries_service(2022), "https://service.pdok.nl/cbs/wijkenbuurten/2022/wfs/v1_0");
/// ```
#[must_use]
pub fn boundaries_service(year: u16) -> String {
    boundaries_service_at(year, None)
}

/// [`boundaries_service`] on a mirror of PDOK that serves its paths under one root (as a
/// proxy or an organisation's copy does): `ROOT/cbs/wijken-en-buurten-YEAR/ogc/v1` from 2023
/// on, `ROOT/cbs/wijkenbuurten/YEAR/wfs/v1_0` before; PDOK's own hosts without one.
///
/// ```
/// use omzien::fetch::boundaries_service_at;
/// assert_eq!(
///     boundaries_service_at(2020, Some("http://mirror.local/pdok/")),
///     "http://mirror.local/pdok/cbs/wijkenbuurten/2020/wfs/v1_0"
/// );
/// assert_eq!(boundaries_service_at(2024, None), omzien::fetch::pdok_wijken_en_buurten(2024));
/// ```
#[must_use]
pub fn boundaries_service_at(year: u16, mirror: Option<&str>) -> String {
    let url = if year >= 2023 {
        pdok_wijken_en_buurten(year)
    } else {
        pdok_wfs(year)
    };
    match mirror {
        Some(root) => {
            let path = url
                .strip_prefix("https://api.pdok.nl")
                .or_else(|| url.strip_prefix("https://service.pdok.nl"))
                .unwrap_or(&url);
            format!("{}{path}", root.trim_end_matches('/'))
        }
        None => url,
    }
}

/// The figures' file in the downloaded folder (the table id in its name, as in RIVM's exports).
///
/// ```
/// assert_eq!(omzien::fetch::figures_file("50150NED"), "50150NED_figures.csv");
/// ```
#[must_use]
pub fn figures_file(table: &str) -> String {
    format!("{table}_figures.csv")
}

/// Retries and limits of the HTTP requests.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Tries per request (the first one included).
    pub attempts: u32,
    /// The wait after the first failure, doubled after each next one.
    pub first_wait: Duration,
    /// The longest wait, also for a server's `Retry-After`.
    pub max_wait: Duration,
    /// The longest one request may take.
    pub timeout: Duration,
    /// The largest page accepted, in bytes.
    pub max_page_bytes: u64,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 6,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(120),
            timeout: Duration::from_secs(300),
            max_page_bytes: 1 << 30,
        }
    }
}

/// What to download.
#[derive(Debug, Clone)]
pub struct Request {
    /// The table id (`50150NED`).
    pub table: String,
    /// The folder the table's folder goes in (`OUT/TABLE`).
    pub out: PathBuf,
    /// Only these age groups (all when empty).
    pub ages: Vec<AgeGroup>,
    /// Only this level (with the national row, the reference of every comparison).
    pub level: Option<Level>,
    /// Only this gemeente and its wijken and buurten (with the national row; the gemeente's own
    /// row also when `level` is wijk or buurt).
    pub gemeente: Option<GemeenteCode>,
    /// A gemeente by code or name (`Amsterdam`, `den haag`), looked up among the table's own
    /// area names once they are downloaded, by the rule of
    /// [`Dataset::resolve_gemeente`](crate::Dataset::resolve_gemeente); it sets `gemeente`.
    pub gemeente_text: Option<String>,
    /// Download the boundaries too.
    pub boundaries: bool,
    /// The OData feed ([`CBS_ODATA_FEED`]).
    pub odata: String,
    /// The boundary service: an OGC API Features, or a WFS (a URL with `/wfs`);
    /// [`boundaries_service`] of the table's classification when `None`.
    pub pdok: Option<String>,
    /// A mirror of PDOK serving its paths under one root ([`boundaries_service_at`]), used
    /// when `pdok` is `None`.
    pub pdok_mirror: Option<String>,
    /// Replace a folder already there.
    pub force: bool,
    /// Take the rows downloaded when they differ from the count the table declares (both are
    /// recorded in `metadata.json`).
    pub accept_count: bool,
    /// Download the key figures of the table's classification year too
    /// (`boundaries/kerncijfers_YEAR.csv`: population weights, similar gemeenten, counts).
    pub population: bool,
    /// The feed of the key figures ([`CBS_OWN_FEED`]).
    pub key_figures_feed: String,
    /// Retries and limits.
    pub retry: Retry,
}

impl Request {
    /// A request for all of `table` into `out`, boundaries included.
    #[must_use]
    pub fn new(table: &str, out: &Path) -> Self {
        Self {
            table: table.trim().to_owned(),
            out: out.to_owned(),
            ages: Vec::new(),
            level: None,
            gemeente: None,
            gemeente_text: None,
            boundaries: true,
            odata: CBS_ODATA_FEED.to_owned(),
            pdok: None,
            pdok_mirror: None,
            force: false,
            accept_count: false,
            population: false,
            key_figures_feed: CBS_OWN_FEED.to_owned(),
            retry: Retry::default(),
        }
    }

    /// The key-figures download that goes with this one, into `folder`.
    fn key_figures_request(&self, table: &crate::load::Table, folder: &Path) -> KeyFiguresRequest {
        let mut k = KeyFiguresRequest::new(table.classification, folder);
        k.gemeente = self.gemeente;
        k.gemeente_text.clone_from(&self.gemeente_text);
        k.feed.clone_from(&self.key_figures_feed);
        k.force = true;
        k.retry = self.retry;
        k
    }

    /// The OData `$filter` of the selection, if any.
    ///
    /// ```
    /// use omzien::fetch::Request;
    /// let mut r = Request::new("50150NED", "data".as_ref());
    /// assert_eq!(r.filter(), None);
    /// r.ages = vec![omzien::AgeGroup::SENIORS];
    /// r.level = Some(omzien::Level::Gemeente);
    /// assert_eq!(
    ///     r.filter().as_deref(),
    ///     Some("(Leeftijd eq '80200') and \
    ///           (startswith(WijkenEnBuurten,'NL') or startswith(WijkenEnBuurten,'GM'))")
    /// );
    /// ```
    #[must_use]
    pub fn filter(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.ages.is_empty() {
            let ages: Vec<String> = self
                .ages
                .iter()
                .map(|a| format!("Leeftijd eq '{}'", a.code()))
                .collect();
            parts.push(format!("({})", ages.join(" or ")));
        }
        if self.level.is_some() || self.gemeente.is_some() {
            parts.push(format!("({})", area_filter(self.level, self.gemeente)));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }

    /// The levels whose boundaries are downloaded.
    fn boundary_levels(&self) -> Vec<Level> {
        match self.level {
            Some(Level::Land) => Vec::new(),
            Some(l) => vec![l],
            None => vec![Level::Gemeente, Level::Wijk, Level::Buurt],
        }
    }
}

/// The OData condition on `WijkenEnBuurten` of a level (all three without one) and a gemeente:
/// the country always (the reference of every comparison), the gemeente's own row also when
/// only its wijken or buurten are asked, its areas by their code's prefix.
///
/// ```
/// # use omzien::fetch::area_filter;
/// assert_eq!(
///     area_filter(None, Some("GM0363".parse()?)),
///     "startswith(WijkenEnBuurten,'NL') or startswith(WijkenEnBuurten,'GM0363') or \
///      startswith(WijkenEnBuurten,'WK0363') or startswith(WijkenEnBuurten,'BU0363')"
/// );
/// # Ok::<(), omzien::CodeError>(())
/// ```
#[must_use]
pub fn area_filter(level: Option<Level>, gemeente: Option<GemeenteCode>) -> String {
    let levels: Vec<Level> = match level {
        Some(l) => vec![l],
        None => vec![Level::Gemeente, Level::Wijk, Level::Buurt],
    };
    let mut prefixes = vec!["NL".to_owned()];
    if let Some(g) = gemeente
        && !levels.contains(&Level::Gemeente)
    {
        // The gemeente's own figures, the reference of its wijken and buurten.
        prefixes.push(g.to_string());
    }
    for l in levels {
        let p = match l {
            Level::Land => continue,
            Level::Gemeente => "GM",
            Level::Wijk => "WK",
            Level::Buurt => "BU",
        };
        prefixes.push(match gemeente {
            Some(g) => format!("{p}{:04}", g.number()),
            None => p.to_owned(),
        });
    }
    prefixes
        .iter()
        .map(|p| format!("startswith(WijkenEnBuurten,'{p}')"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// How a download goes, told to whoever shows it (a progress bar, a log, nothing).
pub trait Progress {
    /// A download begins; `total` is its size in rows or features where known.
    fn start(&self, what: &str, total: Option<u64>);
    /// `n` more rows or features.
    fn advance(&self, n: u64);
    /// The download begun last is done.
    fn finish(&self);
    /// A request failed and is tried again after `wait`.
    fn retry(&self, url: &str, why: &str, wait: Duration, attempt: u32, attempts: u32);
    /// Something worth saying (pages taken up from an earlier run, features left out).
    fn note(&self, message: &str);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
    fn retry(&self, _: &str, _: &str, _: Duration, _: u32, _: u32) {}
    fn note(&self, _: &str) {}
}

/// What a download gave.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fetched {
    /// The folder (`OUT/TABLE`): the figures, `metadata.json`, `boundaries/`.
    pub folder: PathBuf,
    /// The table.
    pub table: &'static str,
    /// Its title.
    pub title: String,
    /// Rows of figures.
    pub rows: u64,
    /// Pages of figures, and how many of them an earlier run had downloaded.
    pub pages: usize,
    /// Pages taken from an earlier, interrupted run.
    pub resumed_pages: usize,
    /// Areas named by the table's `WijkenEnBuurten`.
    pub names: usize,
    /// The boundary files and the areas each holds.
    pub boundaries: Vec<(PathBuf, usize)>,
    /// The key figures (with `population`) and the areas they hold.
    pub population: Option<(PathBuf, usize)>,
}

/// Why a download failed. Pages downloaded before the failure are kept for the next run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// A gemeente the table's area names do not name (once), with close matches.
    #[error("gemeente: {0}")]
    Gemeente(#[source] crate::QueryError),
    /// Not a StatLine table id.
    #[error("{given:?} is not a table id (five digits and three letters, e.g. 50150NED)")]
    BadId {
        /// What was given.
        given: String,
    },
    /// The service does not know the table.
    #[error("{url}: no table {table} (HTTP 404); tables of this series: {known}")]
    UnknownTable {
        /// The table.
        table: String,
        /// The URL asked.
        url: String,
        /// The tables omzien reads.
        known: String,
    },
    /// The table exists but is not one of the series omzien reads.
    #[error("{table} ({title}) is not of the Gezondheidsmonitor series omzien reads: {reason}")]
    NotOfSeries {
        /// The table.
        table: String,
        /// Its title.
        title: String,
        /// Why.
        reason: String,
    },
    /// A URL that cannot be asked.
    #[error("{url}: not a URL: {message}")]
    Url {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// An HTTP error that another try would not mend.
    #[error("{url}: HTTP {status}{}", if body.is_empty() { String::new() } else { format!(": {body}") })]
    Http {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The start of the answer.
        body: String,
    },
    /// The service cannot be reached at all: said at once, not retried.
    #[error("{url}: {why}; {hint}")]
    Unreachable {
        /// The URL.
        url: String,
        /// What failed.
        why: String,
        /// What to check.
        hint: String,
    },
    /// Every try failed.
    #[error(
        "{url}: {last} (gave up after {attempts} {}; run the same command again to resume)",
        if *attempts == 1 { "try" } else { "tries" }
    )]
    GaveUp {
        /// The URL.
        url: String,
        /// Tries made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// A page that is not what the service documents.
    #[error("{url}: {message}")]
    Page {
        /// The URL.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// A row of figures that is not what the table's layout says.
    #[error("{url}: row {row} of the page: {message}")]
    Row {
        /// The page's URL.
        url: String,
        /// The row in the page (1 = first).
        row: usize,
        /// What is wrong.
        message: String,
    },
    /// Fewer or more rows than the table says it has.
    #[error(
        "{url}: {got} rows downloaded, but the table says it has {expected} (TableInfos' \
         RecordCount, which CBS does not document as exact for third-party tables). The pages \
         are kept: run the same command with --accept-count to take the {got} rows as they \
         are (metadata.json records both numbers), or remove the .partial folder to download \
         afresh"
    )]
    Count {
        /// The first page's URL.
        url: String,
        /// Rows the table says it has.
        expected: u64,
        /// Rows downloaded.
        got: u64,
    },
    /// Writing or reading a file failed (a full disk among others).
    #[error(transparent)]
    Folder(#[from] crate::FolderError),
    /// The downloaded figures do not load.
    #[error("the downloaded figures do not load: {0}")]
    Load(#[from] LoadError),
    /// Boundaries that could not be had: no such collection, or a file that does not read.
    #[error("{url}: {message}")]
    Boundaries {
        /// The collection's URL.
        url: String,
        /// Why.
        message: String,
    },
}

/// The first page of one of a table's feeds (`TableInfos`, `UntypedDataSet`, …) as JSON: one
/// spelling for the download and its dry run.
fn feed_url(base: &str, entity: &str) -> String {
    format!("{base}/{entity}?$format=json")
}

/// The first page of the figures, with the selection's filter.
fn figures_url(base: &str, filter: Option<&str>) -> String {
    let mut first = feed_url(base, "UntypedDataSet");
    if let Some(f) = filter {
        let _ = write!(first, "&$filter={}", encode(f));
    }
    first
}

/// One request a download would make.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Planned {
    /// What it fetches.
    pub what: String,
    /// Its URL (the first page of a paged resource).
    pub url: String,
    /// Whether more pages follow by the service's next links.
    pub paged: bool,
}

/// What [`fetch`] would do for a request, made without a single request (`--dry-run`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plan {
    /// The requests, in order.
    pub requests: Vec<Planned>,
    /// The files written, in the table's folder.
    pub files: Vec<PathBuf>,
    /// What the plan cannot know before the first answers.
    pub notes: Vec<String>,
}

/// The requests and files of a download, without a request: the URLs [`fetch`] asks (the
/// same functions build them) and the files it writes.
///
/// ```
/// use omzien::fetch::{Request, plan};
/// let mut r = Request::new("50150NED", "data".as_ref());
/// r.gemeente_text = Some("GM0363".into());
/// let p = plan(&r)?;
/// assert!(p.requests[0].url.ends_with("/50150NED/TableInfos?$format=json"));
/// assert!(p.requests.iter().any(|q| q.url.contains("wijken-en-buurten-2024/ogc/v1/collections/buurten/items?f=json&limit=1000&gemeentecode=GM0363")));
/// assert!(p.files.iter().any(|f| f.ends_with("50150NED/boundaries/wijken_2024.geojson")));
/// # Ok::<(), omzien::fetch::FetchError>(())
/// ```
///
/// # Errors
/// [`FetchError::BadId`] for text that is no table id, [`FetchError::NotOfSeries`] for a table
/// omzien does not read.
pub fn plan(req: &Request) -> Result<Plan, FetchError> {
    let id = req.table.to_ascii_uppercase();
    if !is_table_id(&id) {
        return Err(FetchError::BadId {
            given: req.table.clone(),
        });
    }
    let Some(table) = TABLES.iter().find(|t| t.id == id) else {
        return Err(FetchError::NotOfSeries {
            table: id,
            title: "not asked: --dry-run".to_owned(),
            reason: format!(
                "omzien reads {}",
                TABLES.iter().map(|t| t.id).collect::<Vec<_>>().join(", ")
            ),
        });
    };
    let base = format!("{}/{id}", req.odata.trim_end_matches('/'));
    let mut notes = Vec::new();
    let mut req = req.clone();
    if let Some(text) = req.gemeente_text.take() {
        match text.trim().parse::<GemeenteCode>() {
            Ok(g) => req.gemeente = Some(g),
            Err(_) => notes.push(format!(
                "the gemeente {text:?} is looked up among the table's area names \
                 (WijkenEnBuurten) once they are in; its code then goes into the figures' filter \
                 and the boundaries' gemeentecode"
            )),
        }
    }
    let ask = |what: &str, url: String, paged: bool| Planned {
        what: what.to_owned(),
        url,
        paged,
    };
    let mut requests = vec![
        ask(
            "the table's title and row count",
            feed_url(&base, "TableInfos"),
            false,
        ),
        ask(
            "the table's columns",
            feed_url(&base, "DataProperties"),
            true,
        ),
        ask("the area names", feed_url(&base, "WijkenEnBuurten"), true),
        ask("the periods", feed_url(&base, "Perioden"), true),
        ask(
            "the figures",
            figures_url(&base, req.filter().as_deref()),
            true,
        ),
    ];
    let folder = req.out.join(table.id);
    let mut files = vec![
        folder.join(figures_file(table.id)),
        folder.join(crate::METADATA_FILE),
    ];
    if req.boundaries {
        let pdok = req.pdok.clone().unwrap_or_else(|| {
            boundaries_service_at(table.classification, req.pdok_mirror.as_deref())
        });
        for level in req.boundary_levels() {
            requests.push(ask(
                &format!("the {level} boundaries ({})", table.classification),
                items_url(&pdok, level, req.gemeente),
                true,
            ));
            files.push(folder.join(boundary_file(level, table)));
        }
    }
    if req.population {
        let k = req.key_figures_request(table, &folder.join(crate::BOUNDARIES_FOLDER));
        for (what, url) in k.plan()? {
            requests.push(ask(&what, url, true));
        }
        files.push(
            folder
                .join(crate::BOUNDARIES_FOLDER)
                .join(key_figures_file(table.classification)),
        );
    }
    Ok(Plan {
        requests,
        files,
        notes,
    })
}

fn is_table_id(id: &str) -> bool {
    id.len() == 8
        && id.bytes().take(5).all(|b| b.is_ascii_digit())
        && id.bytes().skip(5).all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code
    use super::*;

    #[test]
    fn filters_are_odata() {
        let mut r = Request::new("50150NED", Path::new("x"));
        assert_eq!(r.filter(), None);
        r.ages = vec![AgeGroup::ADULTS, AgeGroup::SENIORS];
        r.gemeente = Some("GM0363".parse().unwrap());
        r.level = Some(Level::Buurt);
        assert_eq!(
            r.filter().unwrap(),
            "(Leeftijd eq '20300' or Leeftijd eq '80200') and \
             (startswith(WijkenEnBuurten,'NL') or startswith(WijkenEnBuurten,'GM0363') or \
             startswith(WijkenEnBuurten,'BU0363'))"
        );
    }

    #[test]
    fn table_ids() {
        assert!(is_table_id("50150NED"));
        assert!(!is_table_id("5015NED"));
        assert!(!is_table_id("50150NED'"));
    }
}

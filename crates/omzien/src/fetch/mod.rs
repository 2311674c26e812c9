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
//! - **Boundaries**: PDOK's "CBS Wijken en Buurten" OGC API Features of the table's
//!   classification year ([`pdok_wijken_en_buurten`],
//!   `https://api.pdok.nl/cbs/wijken-en-buurten-YEAR/ogc/v1`), collections `gemeenten`, `wijken`,
//!   `buurten`, `items?f=json&limit=1000`, paged by the `next` link, in CRS84 longitude/latitude
//!   (the OGC API default). Features marked `water = "JA"` (the water part of an area) are left
//!   out. Another year's service is given with its URL.
//!
//! Nothing half-written carries the final name: the download goes to `.TABLE.partial` beside the
//! final folder, each page of figures written whole (`pages/00001.json`, with its next link; `pages/request.json` says what was asked),
//! so a download stopped by a network error, a full disk or Ctrl-C is taken up at the page after
//! the last whole one by the same command. The folder is renamed into place only when the
//! figures load and every boundary file reads.

mod http;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use crate::load::{TABLES, Table};
use crate::{AgeGroup, AreaCode, Boundaries, GemeenteCode, Level, LoadError, Loader, StagedDir};
use http::{Client, Got, encode};

/// CBS's OData feed of third-party tables (RIVM's Gezondheidsmonitor tables are there).
pub const CBS_ODATA_FEED: &str = "https://dataderden.cbs.nl/ODataFeed/odata";

/// PDOK's OGC API Features of the CBS wijk- en buurtkaart of `year`.
#[must_use]
pub fn pdok_wijken_en_buurten(year: u16) -> String {
    format!("https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1")
}

/// The figures' file in the downloaded folder (the table id in its name, as in RIVM's exports).
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
    /// Download the boundaries too.
    pub boundaries: bool,
    /// The OData feed ([`CBS_ODATA_FEED`]).
    pub odata: String,
    /// The OGC API Features service of the boundaries ([`pdok_wijken_en_buurten`] of the
    /// table's classification when `None`).
    pub pdok: Option<String>,
    /// Replace a folder already there.
    pub force: bool,
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
            boundaries: true,
            odata: CBS_ODATA_FEED.to_owned(),
            pdok: None,
            force: false,
            retry: Retry::default(),
        }
    }

    /// The OData `$filter` of the selection, if any.
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
            let levels: Vec<Level> = match self.level {
                Some(l) => vec![l],
                None => vec![Level::Gemeente, Level::Wijk, Level::Buurt],
            };
            let mut prefixes = vec!["NL".to_owned()];
            if let Some(g) = self.gemeente
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
                prefixes.push(match self.gemeente {
                    Some(g) => format!("{p}{:04}", g.number()),
                    None => p.to_owned(),
                });
            }
            let any: Vec<String> = prefixes
                .iter()
                .map(|p| format!("startswith(WijkenEnBuurten,'{p}')"))
                .collect();
            parts.push(format!("({})", any.join(" or ")));
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
}

/// Why a download failed. Pages downloaded before the failure are kept for the next run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
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
    #[error("{url}: {got} rows downloaded, but the table says it has {expected}")]
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
    /// A downloaded boundary file does not read.
    #[error("{url}: the downloaded boundaries do not read: {message}")]
    Boundaries {
        /// The collection's URL.
        url: String,
        /// Why.
        message: String,
    },
}

/// Downloads what `req` asks into `req.out/TABLE`.
///
/// # Errors
/// A [`FetchError`] naming the URL, page, row or file; what was downloaded stays in
/// `.TABLE.partial` for the next run.
pub fn fetch(req: &Request, progress: &dyn Progress) -> Result<Fetched, FetchError> {
    let id = req.table.to_ascii_uppercase();
    if !is_table_id(&id) {
        return Err(FetchError::BadId {
            given: req.table.clone(),
        });
    }
    let client = Client::new(req.retry);
    let base = format!("{}/{id}", req.odata.trim_end_matches('/'));
    let known = || TABLES.iter().map(|t| t.id).collect::<Vec<_>>().join(", ");

    // The table: does it exist, and is it of the series?
    let infos_url = format!("{base}/TableInfos?$format=json");
    let infos = match client.json(&infos_url, progress)? {
        Got::NotFound => {
            return Err(FetchError::UnknownTable {
                table: id,
                url: infos_url,
                known: known(),
            });
        }
        Got::Json(v) => first_value(&infos_url, &v)?,
    };
    let title = text(&infos, "Title").unwrap_or_default();
    let Some(table) = TABLES.iter().find(|t| t.id == id) else {
        return Err(FetchError::NotOfSeries {
            table: id,
            title,
            reason: format!("omzien reads {}", known()),
        });
    };
    let props_url = format!("{base}/DataProperties?$format=json");
    let props = all_values(&client, &props_url, progress)?;
    check_properties(table, &title, &props)?;

    let target = req.out.join(table.id);
    if target.exists() && !req.force {
        return Err(crate::FolderError {
            path: target,
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists (use --force to replace it)",
            ),
        }
        .into());
    }
    let staged = StagedDir::resumable(&target)?;

    // Names and periods: small, downloaded whole each time.
    progress.start(&format!("{} area names", table.id), None);
    let areas_url = format!("{base}/WijkenEnBuurten?$format=json");
    let mut names: Map<String, Value> = Map::new();
    for a in all_values(&client, &areas_url, progress)? {
        if let (Some(k), Some(t)) = (text(&a, "Key"), text(&a, "Title"))
            && k.parse::<AreaCode>().is_ok()
            && !t.is_empty()
        {
            names.insert(k, Value::String(t));
        }
        progress.advance(1);
    }
    progress.finish();
    let periods: Vec<Value> =
        all_values(&client, &format!("{base}/Perioden?$format=json"), progress)?
            .iter()
            .map(|p| json!({"key": text(p, "Key"), "title": text(p, "Title")}))
            .collect();

    // The figures, page by page.
    let filter = req.filter();
    let mut first = format!("{base}/UntypedDataSet?$format=json");
    if let Some(f) = &filter {
        let _ = write!(first, "&$filter={}", encode(f));
    }
    let total = if filter.is_none() {
        infos.get("RecordCount").and_then(Value::as_u64)
    } else {
        None
    };
    let pages = download_pages(&client, &staged, table, &first, total, progress)?;
    let rows = write_figures(&staged, table, &pages.files)?;
    if let Some(expected) = total
        && expected != rows
    {
        return Err(FetchError::Count {
            url: first,
            expected,
            got: rows,
        });
    }

    // The boundaries of the table's classification.
    let mut boundaries = Vec::new();
    let pdok = req
        .pdok
        .clone()
        .unwrap_or_else(|| pdok_wijken_en_buurten(table.classification));
    if req.boundaries {
        for level in req.boundary_levels() {
            boundaries.push(download_boundaries(
                &client,
                &staged,
                &pdok,
                level,
                table,
                req.gemeente,
                progress,
            )?);
        }
    }

    let named = names.len();
    let metadata = json!({
        "table": table.id,
        "title": title,
        "classification": table.classification,
        "periods": periods,
        "modified": text(&infos, "Modified"),
        "rows": rows,
        "downloaded": utc_now(),
        "source": first,
        "filter": filter,
        "boundaries": req.boundaries.then(|| json!({
            "source": pdok,
            "files": boundaries.iter().map(|(p, n): &(PathBuf, usize)| json!({
                "file": format!("{}/{}", crate::BOUNDARIES_FOLDER, p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
                "areas": n,
            })).collect::<Vec<_>>(),
        })),
        "areas": names,
    });
    let bytes = serde_json::to_vec_pretty(&metadata).map_err(|e| crate::FolderError {
        path: staged.path().join(crate::METADATA_FILE),
        source: std::io::Error::other(e),
    })?;
    staged.write_whole(crate::METADATA_FILE, &bytes)?;

    // The folder as the other commands will read it: the figures must load.
    Loader::new().load([staged.path()])?;
    let _ = std::fs::remove_dir_all(staged.path().join("pages"));
    let folder = staged.commit(req.force)?;
    let boundaries = boundaries
        .into_iter()
        .map(|(p, n)| {
            (
                folder
                    .join(crate::BOUNDARIES_FOLDER)
                    .join(p.file_name().unwrap_or_default()),
                n,
            )
        })
        .collect();
    Ok(Fetched {
        folder,
        table: table.id,
        title,
        rows,
        pages: pages.files.len(),
        resumed_pages: pages.resumed,
        names: named,
        boundaries,
    })
}

fn is_table_id(id: &str) -> bool {
    id.len() == 8
        && id.bytes().take(5).all(|b| b.is_ascii_digit())
        && id.bytes().skip(5).all(|b| b.is_ascii_uppercase())
}

/// A string field, trimmed.
fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| s.trim().to_owned())
}

/// The `value` array of an OData answer.
fn values<'a>(url: &str, doc: &'a Value) -> Result<&'a Vec<Value>, FetchError> {
    doc.get("value")
        .and_then(Value::as_array)
        .ok_or_else(|| FetchError::Page {
            url: url.to_owned(),
            message: "no \"value\" array (not an OData answer)".to_owned(),
        })
}

/// The first record of an OData answer.
fn first_value(url: &str, doc: &Value) -> Result<Value, FetchError> {
    values(url, doc)?
        .first()
        .cloned()
        .ok_or_else(|| FetchError::Page {
            url: url.to_owned(),
            message: "an empty \"value\" array".to_owned(),
        })
}

/// The `odata.nextLink` of a page.
fn next_link(url: &str, doc: &Value) -> Result<Option<String>, FetchError> {
    match doc.get("odata.nextLink") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(http::resolve(url, s))),
        Some(other) => Err(FetchError::Page {
            url: url.to_owned(),
            message: format!("\"odata.nextLink\" is {other}, not a URL"),
        }),
    }
}

/// The pages of a paged answer, asked one by one: each must be JSON, and no next link may lead
/// back to a page already read.
struct Pager<'a> {
    client: &'a Client,
    progress: &'a dyn Progress,
    seen: std::collections::HashSet<String>,
}

impl<'a> Pager<'a> {
    fn new(client: &'a Client, progress: &'a dyn Progress) -> Self {
        Self {
            client,
            progress,
            seen: std::collections::HashSet::new(),
        }
    }

    /// The page at `url`.
    fn get(&mut self, url: &str) -> Result<Value, FetchError> {
        if !self.seen.insert(url.to_owned()) {
            return Err(FetchError::Page {
                url: url.to_owned(),
                message: "the next link points back to an earlier page".to_owned(),
            });
        }
        match self.client.json(url, self.progress)? {
            Got::Json(v) => Ok(v),
            Got::NotFound => Err(FetchError::Http {
                url: url.to_owned(),
                status: 404,
                body: String::new(),
            }),
        }
    }
}

/// Every record of a paged OData list (a small one: kept in memory).
fn all_values(
    client: &Client,
    url: &str,
    progress: &dyn Progress,
) -> Result<Vec<Value>, FetchError> {
    let mut out = Vec::new();
    let mut next = Some(url.to_owned());
    let mut pager = Pager::new(client, progress);
    while let Some(u) = next {
        let doc = pager.get(&u)?;
        out.extend(values(&u, &doc)?.iter().cloned());
        next = next_link(&u, &doc)?;
    }
    Ok(out)
}

/// The table's columns must be those of its row in the series.
fn check_properties(table: &Table, title: &str, props: &[Value]) -> Result<(), FetchError> {
    let keys: Vec<String> = props.iter().filter_map(|p| text(p, "Key")).collect();
    let missing: Vec<&str> = [
        "WijkenEnBuurten",
        "Perioden",
        "Leeftijd",
        "Marges",
        table.lonely_key,
    ]
    .into_iter()
    .filter(|k| !keys.iter().any(|x| x == k))
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(FetchError::NotOfSeries {
            table: table.id.to_owned(),
            title: title.to_owned(),
            reason: format!("its DataProperties have no {}", missing.join(", ")),
        })
    }
}

/// The pages of figures on disk, in order.
struct Pages {
    files: Vec<PathBuf>,
    resumed: usize,
}

/// Downloads the figure pages into `pages/`, taking up after the last whole page of an earlier
/// run of the same request.
fn download_pages(
    client: &Client,
    staged: &StagedDir,
    table: &Table,
    first: &str,
    total: Option<u64>,
    progress: &dyn Progress,
) -> Result<Pages, FetchError> {
    let request = json!({"table": table.id, "url": first}).to_string();
    let pages_dir = staged.path().join("pages");
    let request_file = pages_dir.join("request.json");
    let same = std::fs::read_to_string(&request_file).is_ok_and(|r| r == request);
    if !same && pages_dir.exists() {
        progress.note("an earlier download asked for other figures: starting afresh");
        std::fs::remove_dir_all(&pages_dir).map_err(|source| crate::FolderError {
            path: pages_dir.clone(),
            source,
        })?;
    }
    staged.write_whole("pages/request.json", request.as_bytes())?;

    // Whole pages of an earlier run.
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&pages_dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && p.file_stem()
                        .is_some_and(|s| s.to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    progress.start(&format!("{} figures", table.id), total);
    let mut next = Some(first.to_owned());
    let mut resumed = 0;
    if !files.is_empty() {
        let mut rows = 0u64;
        for f in &files {
            let page = read_page(f)?;
            rows += page
                .get("value")
                .and_then(Value::as_array)
                .map_or(0, |v| v.len() as u64);
            next = page.get("next").and_then(Value::as_str).map(str::to_owned);
        }
        resumed = files.len();
        progress.note(&format!(
            "taking up the earlier download: {resumed} pages, {rows} rows already here"
        ));
        progress.advance(rows);
    }
    let mut pager = Pager::new(client, progress);
    while let Some(url) = next {
        let doc = pager.get(&url)?;
        let rows = values(&url, &doc)?;
        for (i, r) in rows.iter().enumerate() {
            check_row(&url, i + 1, r)?;
        }
        let following = next_link(&url, &doc)?;
        let n = files.len() + 1;
        let page = json!({"url": url, "next": following, "value": rows});
        let bytes = serde_json::to_vec(&page).map_err(|e| crate::FolderError {
            path: pages_dir.clone(),
            source: std::io::Error::other(e),
        })?;
        files.push(staged.write_whole(&format!("pages/{n:05}.json"), &bytes)?);
        progress.advance(rows.len() as u64);
        next = following;
    }
    progress.finish();
    Ok(Pages { files, resumed })
}

fn read_page(path: &Path) -> Result<Value, FetchError> {
    let bytes = std::fs::read(path).map_err(|source| crate::FolderError {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        FetchError::Folder(crate::FolderError {
            path: path.to_owned(),
            source: std::io::Error::other(format!("not a whole page: {e}")),
        })
    })
}

/// A row of figures has its dimensions, and only strings, numbers and nulls.
fn check_row(url: &str, row: usize, r: &Value) -> Result<(), FetchError> {
    let bad = |message: String| FetchError::Row {
        url: url.to_owned(),
        row,
        message,
    };
    let Value::Object(o) = r else {
        return Err(bad(format!("{r} is not a record")));
    };
    for k in ["WijkenEnBuurten", "Perioden", "Leeftijd", "Marges"] {
        match o.get(k) {
            Some(Value::String(_) | Value::Number(_)) => {}
            Some(other) => return Err(bad(format!("{k} is {other}"))),
            None => return Err(bad(format!("no {k}"))),
        }
    }
    if let Some((k, v)) = o
        .iter()
        .find(|(_, v)| !matches!(v, Value::String(_) | Value::Number(_) | Value::Null))
    {
        return Err(bad(format!("{k} is {v}, not a string, number or null")));
    }
    Ok(())
}

/// Writes the pages' rows as one CSV in the OData CSV layout (header of keys, cells as the
/// service gave them, empty for null).
fn write_figures(staged: &StagedDir, table: &Table, pages: &[PathBuf]) -> Result<u64, FetchError> {
    // The columns: every key, in the order first seen.
    let mut header: Vec<String> = Vec::new();
    for p in pages {
        let page = read_page(p)?;
        for r in page
            .get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Value::Object(o) = r {
                for k in o.keys() {
                    if !header.iter().any(|h| h == k) {
                        header.push(k.clone());
                    }
                }
            }
        }
    }
    let path = staged.file(&figures_file(table.id))?;
    let tmp = path.with_extension("tmp");
    let io = |source: std::io::Error| crate::FolderError {
        path: path.clone(),
        source,
    };
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let csv_err = |e: csv::Error| io(std::io::Error::other(e));
    w.write_record(&header).map_err(csv_err)?;
    let mut rows = 0u64;
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for p in pages {
        let page = read_page(p)?;
        for r in page
            .get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            record.clear();
            for h in &header {
                record.push(match r.get(h) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                });
            }
            w.write_record(&record).map_err(csv_err)?;
            rows += 1;
        }
    }
    let inner = w
        .into_inner()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    inner
        .into_inner()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?
        .sync_all()
        .map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(rows)
}

/// The OGC API collection of a level.
fn collection(level: Level) -> &'static str {
    match level {
        Level::Land => "land",
        Level::Gemeente => "gemeenten",
        Level::Wijk => "wijken",
        Level::Buurt => "buurten",
    }
}

/// The area a boundary feature outlines (its most specific code property).
fn feature_code(f: &Value) -> Option<AreaCode> {
    let props = f.get("properties")?;
    crate::load::CODE_PROPERTIES
        .iter()
        .find_map(|k| props.get(*k)?.as_str()?.trim().parse::<AreaCode>().ok())
}

/// Downloads one level's boundaries from an OGC API Features collection into
/// `boundaries/COLLECTION_YEAR.geojson`; a file whole from an earlier run is kept.
fn download_boundaries(
    client: &Client,
    staged: &StagedDir,
    service: &str,
    level: Level,
    table: &Table,
    gemeente: Option<GemeenteCode>,
    progress: &dyn Progress,
) -> Result<(PathBuf, usize), FetchError> {
    let name = collection(level);
    let url = format!(
        "{}/collections/{name}/items?f=json&limit=1000",
        service.trim_end_matches('/')
    );
    let path = staged.file(&format!(
        "{}/{name}_{}.geojson",
        crate::BOUNDARIES_FOLDER,
        table.classification
    ))?;
    let read = |path: &Path| {
        Boundaries::from_geojson(path).map_err(|e| FetchError::Boundaries {
            url: url.clone(),
            message: e.to_string(),
        })
    };
    if path.exists() {
        let b = read(&path)?;
        progress.note(&format!("{name}: kept from the earlier download"));
        return Ok((path, b.shapes().len()));
    }
    let tmp = path.with_extension("tmp");
    let io = |source: std::io::Error| crate::FolderError {
        path: path.clone(),
        source,
    };
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut w = std::io::BufWriter::new(file);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
        .map_err(io)?;
    progress.start(&format!("{name} {}", table.classification), None);
    let (mut written, mut water, mut elsewhere) = (0usize, 0usize, 0usize);
    let mut next = Some(url.clone());
    let mut pager = Pager::new(client, progress);
    while let Some(u) = next {
        let doc = pager.get(&u)?;
        let features = doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| FetchError::Page {
                url: u.clone(),
                message: "no \"features\" array (not an OGC API Features page)".to_owned(),
            })?;
        for f in features {
            let is_water = f
                .pointer("/properties/water")
                .and_then(Value::as_str)
                .is_some_and(|w| w.trim().eq_ignore_ascii_case("JA"));
            if is_water {
                water += 1;
                continue;
            }
            if let Some(g) = gemeente
                && feature_code(f).and_then(AreaCode::gemeente) != Some(g)
            {
                elsewhere += 1;
                continue;
            }
            if written > 0 {
                w.write_all(b",\n").map_err(io)?;
            }
            serde_json::to_writer(&mut w, f).map_err(|e| io(std::io::Error::other(e)))?;
            written += 1;
        }
        progress.advance(features.len() as u64);
        next = doc
            .get("links")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
            .and_then(|l| l.get("href").and_then(Value::as_str))
            .map(|href| http::resolve(&u, href));
    }
    w.write_all(b"\n]}\n").map_err(io)?;
    w.into_inner()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?
        .sync_all()
        .map_err(io)?;
    progress.finish();
    if water > 0 || elsewhere > 0 {
        progress.note(&format!(
            "{name}: {written} areas kept, {water} water parts and {elsewhere} areas of other \
             gemeenten left out"
        ));
    }
    std::fs::rename(&tmp, &path).map_err(io)?;
    let b = read(&path)?;
    Ok((path, b.shapes().len()))
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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

    #[test]
    fn the_time_is_rfc3339() {
        let t = utc_now();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    }
}

//! CBS's OData feed: a table's lists (`TableInfos`, `DataProperties`, `WijkenEnBuurten`,
//! `Perioden`) and its figures page by page, written whole to disk and then as one CSV.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::http::{Client, Pager, resolve};
use super::{FetchError, Progress, figures_file};
use crate::StagedDir;
use crate::load::Table;

/// A string field, trimmed.
pub(super) fn text(v: &Value, key: &str) -> Option<String> {
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
pub(super) fn first_value(url: &str, doc: &Value) -> Result<Value, FetchError> {
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
        Some(Value::String(s)) => Ok(Some(resolve(url, s))),
        Some(other) => Err(FetchError::Page {
            url: url.to_owned(),
            message: format!("\"odata.nextLink\" is {other}, not a URL"),
        }),
    }
}

/// Every record of a paged OData list (a small one: kept in memory).
pub(super) fn all_values(
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

/// The dimensions every table of the series has and every row of figures carries.
const DIMENSIONS: [&str; 4] = ["WijkenEnBuurten", "Perioden", "Leeftijd", "Marges"];

/// The table's columns must be those of its row in the series.
pub(super) fn check_properties(
    table: &Table,
    title: &str,
    props: &[Value],
) -> Result<(), FetchError> {
    let keys: Vec<String> = props.iter().filter_map(|p| text(p, "Key")).collect();
    let missing: Vec<&str> = DIMENSIONS
        .into_iter()
        .chain([table.lonely_key])
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
pub(super) struct Pages {
    /// The page files.
    pub files: Vec<PathBuf>,
    /// How many of them an earlier run had downloaded.
    pub resumed: usize,
}

/// Downloads the figure pages into `pages/`, taking up after the last whole page of an earlier
/// run of the same request.
pub(super) fn download_pages(
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
            // Counted, not built: the rows are read again when the CSV is written.
            let page = read_page::<serde::de::IgnoredAny>(f)?;
            rows += page.value.len() as u64;
            next = page.next;
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

/// A page as `download_pages` saves it (`{"url", "next", "value"}`), its rows read as `R`.
#[derive(serde::Deserialize)]
struct SavedPage<R> {
    /// The next page's URL, none after the last.
    next: Option<String>,
    /// The rows.
    value: Vec<R>,
}

fn read_page<R: serde::de::DeserializeOwned>(path: &Path) -> Result<SavedPage<R>, FetchError> {
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
    for k in DIMENSIONS {
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
pub(super) fn write_figures(
    staged: &StagedDir,
    table: &Table,
    pages: &[PathBuf],
) -> Result<u64, FetchError> {
    // The columns: every key, in the order first seen.
    let mut header: Vec<String> = Vec::new();
    for p in pages {
        for r in read_page::<Value>(p)?.value {
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
    let io = |source: std::io::Error| crate::FolderError {
        path: path.clone(),
        source,
    };
    let mut w = csv::Writer::from_writer(crate::WholeFile::create(&path)?);
    let csv_err = |e: csv::Error| io(std::io::Error::other(e));
    w.write_record(&header).map_err(csv_err)?;
    let mut rows = 0u64;
    let mut record: Vec<String> = Vec::with_capacity(header.len());
    for p in pages {
        for r in read_page::<Value>(p)?.value {
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
    w.into_inner()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?
        .commit()?;
    Ok(rows)
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! `omzien fetch` against a local server that replays real figures in the shape of CBS's OData
//! feed (paged by `odata.nextLink`, gzip) and real boundaries in the shape of PDOK's OGC API
//! Features (paged by `next` links), with the failures a real download meets: 503 then success,
//! 429 with `Retry-After`, a truncated page, a page that is not JSON, a bad row, an unknown table,
//! a table of another series, a connection lost for good and the next run taking up from there.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use omzien::{AgeGroup, Boundaries, Indicator, Level, Loader, Wave};
use omzien_tests::{fixtures, listing, national, national_dataset, omzien_cli};
use serde_json::{Map, Value, json};

/// A failure the server gives once (or `times` times) for a request.
#[derive(Debug, Clone)]
enum Kind {
    Status(u16, Option<u64>),
    /// A status with `Retry-After` as an HTTP date this many seconds ahead.
    StatusAt(u16, u64),
    Truncate,
    NotJson,
    BadRow,
}

#[derive(Debug, Clone)]
struct Fault {
    entity: &'static str,
    skip: usize,
    kind: Kind,
    times: usize,
}

/// One table as the feed shows it.
#[derive(Default)]
struct FakeTable {
    title: String,
    rows: Vec<Map<String, Value>>,
    keys: Vec<String>,
    areas: Vec<Value>,
    periods: Vec<Value>,
    /// What `TableInfos` says the row count is, when not the rows' own.
    record_count: Option<usize>,
    /// Each column's `Unit` in `DataProperties`, where it has one.
    units: HashMap<String, String>,
}

#[derive(Default)]
struct Fake {
    tables: HashMap<String, FakeTable>,
    collections: HashMap<String, Vec<Value>>,
    page: usize,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<String>>,
    gzip_asked: Mutex<usize>,
    base: Mutex<String>,
    /// Bytes of boundary pages served (before compression).
    ogc_bytes: Mutex<usize>,
}

type Shared = Arc<Fake>;

impl Fake {
    /// The failure planned for this request, if any (used up once given).
    fn fault(&self, entity: &str, skip: usize) -> Option<Kind> {
        let mut faults = self.faults.lock().unwrap();
        let f = faults
            .iter_mut()
            .find(|f| f.entity == entity && f.skip == skip && f.times > 0)?;
        f.times -= 1;
        Some(f.kind.clone())
    }

    fn requests(&self, needle: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }
}

/// Rows of an OData CSV export (the shape of `../shared/data/rivm-50090NED`) as the feed's
/// `UntypedDataSet` gives them: cells as text, `ID` a number, empty cells `null`.
fn rows_of_csv(path: &Path, limit: usize) -> (Vec<String>, Vec<Map<String, Value>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let mut rows = Vec::new();
    for rec in r.records().take(limit) {
        let rec = rec.unwrap();
        let mut m = Map::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            let cell = if h == "ID" {
                json!(v.trim().parse::<u64>().unwrap())
            } else if v.is_empty() {
                Value::Null
            } else {
                json!(v)
            };
            m.insert(h.clone(), cell);
        }
        rows.push(m);
    }
    (headers, rows)
}

impl FakeTable {
    fn from_csv(
        files: &[PathBuf],
        limit: usize,
        title: &str,
        wijk_names: &HashMap<String, String>,
    ) -> Self {
        let mut t = FakeTable {
            title: title.to_owned(),
            ..Default::default()
        };
        let mut seen = std::collections::HashSet::new();
        let mut periods = std::collections::BTreeSet::new();
        for f in files {
            let (keys, rows) = rows_of_csv(f, limit);
            t.keys = keys;
            for r in rows {
                let code = r["WijkenEnBuurten"].as_str().unwrap().to_owned();
                periods.insert(r["Perioden"].as_str().unwrap().to_owned());
                if seen.insert(code.clone()) {
                    let c = code.trim();
                    let name = if c.starts_with("GM") || c.starts_with("NL") {
                        r["Gemeentenaam_1"].as_str().unwrap().trim().to_owned()
                    } else {
                        wijk_names.get(c).cloned().unwrap_or_default()
                    };
                    t.areas
                        .push(json!({"Key": code, "Title": name, "Description": null}));
                }
                t.rows.push(r);
            }
        }
        t.periods = periods
            .into_iter()
            .map(|p| json!({"Key": p, "Title": &p[..4]}))
            .collect();
        t
    }
}

/// `Leeftijd eq '…'` and `startswith(WijkenEnBuurten,'…')` of a `$filter`.
fn apply_filter(filter: &str, row: &Map<String, Value>) -> bool {
    let grab = |open: &str| -> Vec<String> {
        filter
            .match_indices(open)
            .map(|(i, _)| {
                let rest = &filter[i + open.len()..];
                rest[..rest.find('\'').unwrap()].to_owned()
            })
            .collect()
    };
    let ages = grab("Leeftijd eq '");
    let prefixes = grab("startswith(WijkenEnBuurten,'");
    // The key figures have no ages.
    let age = row
        .get("Leeftijd")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    let code = row["WijkenEnBuurten"].as_str().unwrap();
    (ages.is_empty() || ages.iter().any(|a| a == age))
        && (prefixes.is_empty() || prefixes.iter().any(|p| code.starts_with(p.as_str())))
}

fn page_of(fake: &Fake, entity: &str, url: &str, items: &[Value], skip: usize) -> Value {
    let end = (skip + fake.page).min(items.len());
    let mut doc = json!({
        "odata.metadata": format!("{url}/$metadata#{entity}"),
        "value": &items[skip.min(items.len())..end],
    });
    if end < items.len() {
        doc["odata.nextLink"] = json!(format!("{url}?$format=json&$skip={end}"));
    }
    doc
}

async fn odata(
    State(fake): State<Shared>,
    UrlPath((table, entity)): UrlPath<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let skip: usize = q.get("$skip").map_or(0, |s| s.parse().unwrap());
    let filter = q.get("$filter").cloned().unwrap_or_default();
    fake.log
        .lock()
        .unwrap()
        .push(format!("{table}/{entity} skip={skip} filter={filter}"));
    if headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"))
    {
        *fake.gzip_asked.lock().unwrap() += 1;
    }
    let Some(t) = fake.tables.get(&table) else {
        return (StatusCode::NOT_FOUND, "<html>Resource not found</html>").into_response();
    };
    let base = format!("{}/odata/{table}/{entity}", fake.base.lock().unwrap());
    let fault = fake.fault(&entity, skip);
    let mut doc = match entity.as_str() {
        "TableInfos" => json!({"value": [{
            "Identifier": table, "Title": t.title, "Modified": "2022-07-01T02:00:00",
            "RecordCount": t.record_count.unwrap_or(t.rows.len()),
        }]}),
        "DataProperties" => json!({"value": t.keys.iter().filter(|k| *k != "ID").map(|k| json!({
            "Key": k,
            "Unit": t.units.get(k),
            "Type": match k.as_str() {
                "WijkenEnBuurten" => "GeoDimension",
                "Perioden" => "TimeDimension",
                "Leeftijd" | "Marges" => "Dimension",
                _ => "Topic",
            },
        })).collect::<Vec<_>>()}),
        "WijkenEnBuurten" => page_of(&fake, &entity, &base, &t.areas, skip),
        "Perioden" => json!({"value": t.periods}),
        "UntypedDataSet" | "TypedDataSet" => {
            // `$select`: only the columns asked for (every one without it).
            let select: Option<Vec<&str>> = q.get("$select").map(|s| s.split(',').collect());
            let rows: Vec<Value> = t
                .rows
                .iter()
                .filter(|r| apply_filter(&filter, r))
                .map(|r| {
                    let mut r = r.clone();
                    if let Some(sel) = &select {
                        r.retain(|k, _| sel.contains(&k.as_str()));
                    }
                    Value::Object(r)
                })
                .collect();
            let mut doc = page_of(&fake, &entity, &base, &rows, skip);
            if let (Some(next), false) = (doc.get("odata.nextLink").cloned(), filter.is_empty()) {
                let next = next.as_str().unwrap().to_owned();
                doc["odata.nextLink"] = json!(format!(
                    "{next}&$filter={}",
                    filter.replace(' ', "%20").replace('\'', "%27")
                ));
            }
            if let (Some(next), Some(sel)) = (doc.get("odata.nextLink").cloned(), q.get("$select"))
            {
                let next = next.as_str().unwrap().to_owned();
                doc["odata.nextLink"] = json!(format!("{next}&$select={sel}"));
            }
            doc
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let body = match fault {
        Some(Kind::Status(code, retry_after)) => {
            let mut r = (StatusCode::from_u16(code).unwrap(), "busy").into_response();
            if let Some(s) = retry_after {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, s.to_string().parse().unwrap());
            }
            return r;
        }
        Some(Kind::StatusAt(code, secs)) => {
            let at = std::time::SystemTime::now() + std::time::Duration::from_secs(secs);
            let mut r = (StatusCode::from_u16(code).unwrap(), "slow down").into_response();
            r.headers_mut().insert(
                header::RETRY_AFTER,
                httpdate::fmt_http_date(at).parse().unwrap(),
            );
            return r;
        }
        Some(Kind::NotJson) => return (StatusCode::OK, "<html>Onderhoud</html>").into_response(),
        Some(Kind::BadRow) => {
            doc["value"][3]
                .as_object_mut()
                .unwrap()
                .remove("WijkenEnBuurten");
            serde_json::to_vec(&doc).unwrap()
        }
        Some(Kind::Truncate) => {
            let full = serde_json::to_vec(&doc).unwrap();
            full[..full.len() / 2].to_vec()
        }
        None => serde_json::to_vec(&doc).unwrap(),
    };
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn ogc(
    State(fake): State<Shared>,
    UrlPath(name): UrlPath<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    ogc_at(&fake, "ogc", &name, &q)
}

/// PDOK's OGC API of a year at its own path (`/cbs/wijken-en-buurten-YEAR/ogc/v1`), as a
/// mirror of PDOK serves it.
async fn ogc_of_year(
    State(fake): State<Shared>,
    UrlPath((dataset, name)): UrlPath<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    ogc_at(&fake, &format!("cbs/{dataset}/ogc/v1"), &name, &q)
}

fn ogc_at(fake: &Fake, prefix: &str, name: &str, q: &HashMap<String, String>) -> Response {
    let limit: usize = q["limit"].parse().unwrap();
    let offset: usize = q.get("offset").map_or(0, |s| s.parse().unwrap());
    // A queryable property as a query parameter (OGC API Features Part 1, §7.15.5), as PDOK
    // filters `gemeentecode`; the next links carry it on.
    let only = q.get("gemeentecode").cloned();
    fake.log.lock().unwrap().push(format!(
        "{prefix}/{name} offset={offset} limit={limit} gemeentecode={}",
        only.as_deref().unwrap_or("")
    ));
    let Some(all) = fake.collections.get(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let features: Vec<&Value> = all
        .iter()
        .filter(|f| {
            only.as_deref()
                .is_none_or(|g| f["properties"]["gemeentecode"] == g)
        })
        .collect();
    let limit = limit.min(fake.page);
    let end = (offset + limit).min(features.len());
    let base = format!(
        "{}/{prefix}/collections/{name}/items",
        fake.base.lock().unwrap()
    );
    let filter = only
        .map(|g| format!("&gemeentecode={g}"))
        .unwrap_or_default();
    let mut links = vec![json!({"rel": "self", "type": "application/geo+json",
        "href": format!("{base}?f=json&limit={limit}&offset={offset}{filter}")})];
    if end < features.len() {
        links.push(json!({"rel": "next", "type": "application/geo+json",
            "href": format!("{base}?f=json&limit={limit}&offset={end}{filter}")}));
    }
    let doc = json!({
        "type": "FeatureCollection",
        "timeStamp": "2026-12-02T00:00:00Z",
        "links": links,
        "numberReturned": end - offset,
        "features": &features[offset.min(features.len())..end],
    });
    let body = serde_json::to_vec(&doc).unwrap();
    *fake.ogc_bytes.lock().unwrap() += body.len();
    ([(header::CONTENT_TYPE, "application/geo+json")], body).into_response()
}

/// PDOK's WFS of a year as MapServer answers a WFS 2.0 `GetFeature` for GeoJSON: the feature
/// type's features from `startIndex`, at most `count` (and the server's own most), the FES
/// filter on `gemeentecode` applied, no links and no totals; coordinates in RD New (the
/// `srsName` asked), as `collections` hold them for `wijkenbuurten:NAME`.
async fn wfs(
    State(fake): State<Shared>,
    UrlPath(year): UrlPath<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (type_names, start, count) = (get("typeNames"), get("startIndex"), get("count"));
    let filter = get("filter");
    fake.log.lock().unwrap().push(format!(
        "wfs/{year} typeNames={type_names} startIndex={start} count={count} srsName={} outputFormat={} filter={filter}",
        get("srsName"),
        get("outputFormat")
    ));
    if get("service") != "WFS" || get("request") != "GetFeature" || get("version") != "2.0.0" {
        return (StatusCode::BAD_REQUEST, "<ows:ExceptionReport/>").into_response();
    }
    let Some(name) = type_names.strip_prefix("wijkenbuurten:") else {
        return (StatusCode::BAD_REQUEST, "unknown feature type").into_response();
    };
    let Some(all) = fake.collections.get(&format!("wfs:{name}")) else {
        return (StatusCode::BAD_REQUEST, "unknown feature type").into_response();
    };
    let only = filter
        .split("<Literal>")
        .nth(1)
        .and_then(|r| r.split("</Literal>").next())
        .map(str::to_owned);
    let features: Vec<&Value> = all
        .iter()
        .filter(|f| {
            only.as_deref()
                .is_none_or(|g| f["properties"]["gemeentecode"] == g)
        })
        .collect();
    let start: usize = start.parse().unwrap();
    let count: usize = count.parse::<usize>().unwrap().min(fake.page);
    let end = (start + count).min(features.len());
    let doc = json!({
        "type": "FeatureCollection",
        "features": &features[start.min(features.len())..end],
    });
    let body = serde_json::to_vec(&doc).unwrap();
    *fake.ogc_bytes.lock().unwrap() += body.len();
    (
        [(header::CONTENT_TYPE, "application/json; subtype=geojson")],
        body,
    )
        .into_response()
}

/// The features of a boundary file with PDOK's property names (`gemeentecode`, `wijknaam`, …,
/// `water`).
fn pdok_features(path: &Path) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let rename = [
        ("GM_CODE", "gemeentecode"),
        ("GM_NAAM", "gemeentenaam"),
        ("WK_CODE", "wijkcode"),
        ("WK_NAAM", "wijknaam"),
        ("BU_CODE", "buurtcode"),
    ];
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut props = Map::new();
            for (from, to) in rename {
                if let Some(v) = f["properties"].get(from) {
                    props.insert(to.to_owned(), v.clone());
                }
            }
            props.insert("water".into(), json!("NEE"));
            json!({"type": "Feature", "id": props.values().next().cloned(), "properties": props, "geometry": f["geometry"]})
        })
        .collect()
}

/// Starts the fake services on a loopback port.
fn serve(fake: Fake) -> (String, Shared) {
    let fake = Arc::new(fake);
    let app = axum::Router::new()
        .route("/odata/{table}/{entity}", axum::routing::get(odata))
        .route("/ogc/collections/{name}/items", axum::routing::get(ogc))
        .route(
            "/cbs/{dataset}/ogc/v1/collections/{name}/items",
            axum::routing::get(ogc_of_year),
        )
        .route(
            "/cbs/wijkenbuurten/{year}/wfs/v1_0",
            axum::routing::get(wfs),
        )
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .with_state(fake.clone());
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let base = format!("http://{}", rx.recv().unwrap());
    *fake.base.lock().unwrap() = base.clone();
    (base, fake)
}

fn wijk_names(data: &Path) -> HashMap<String, String> {
    let doc: Value =
        serde_json::from_slice(&std::fs::read(data.join("cbs-2020/wijken_2020.geojson")).unwrap())
            .unwrap();
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            Some((
                f["properties"]["WK_CODE"].as_str()?.to_owned(),
                f["properties"]["WK_NAAM"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

const TITLE_2020: &str = "Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020)";

/// A replay of 50090NED from a file of its layout: its first `rows` rows, pages of `page` rows.
fn replay(file: &Path, rows: usize, page: usize) -> Fake {
    let mut fake = Fake {
        page,
        ..Default::default()
    };
    fake.tables.insert(
        "50090NED".into(),
        FakeTable::from_csv(&[file.to_owned()], rows, TITLE_2020, &HashMap::new()),
    );
    fake
}

/// A small table: the first `rows` rows of the 2020 18+ national file, pages of `page` rows.
fn small(data: &Path, rows: usize, page: usize) -> Fake {
    replay(
        &data.join("rivm-50090NED/50090NED_2020_18plus.csv"),
        rows,
        page,
    )
}

/// A replay of the 50090NED fixture (36 rows) in pages of `page` rows: for the tests of bad
/// input and failures, which need no national figures.
fn fixture_table(page: usize) -> Fake {
    replay(
        &fixtures().join("tables/50090NED_sample.csv"),
        usize::MAX,
        page,
    )
}

fn fetch(base: &str, out: &Path, more: &[&str]) -> Result<String, String> {
    let odata = format!("{base}/odata");
    let ogc = format!("{base}/ogc");
    let mut args = vec![
        "fetch",
        "50090NED",
        "--out",
        out.to_str().unwrap(),
        "--odata-url",
        &odata,
        "--boundaries-url",
        &ogc,
        "--wait",
        "0.01",
    ];
    args.extend_from_slice(more);
    omzien_cli(&args)
}

mod boundaries;
mod figures;
mod key_figures;

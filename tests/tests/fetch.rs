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

#[test]
fn the_national_figures_download_through_failures_and_load_as_the_csv_files_do() {
    let Some(data) = national() else { return };
    let files: Vec<PathBuf> = ["2012", "2016", "2020"]
        .iter()
        .flat_map(|w| {
            ["18plus", "65plus"].map(|a| data.join(format!("rivm-50090NED/50090NED_{w}_{a}.csv")))
        })
        .collect();
    let mut fake = Fake {
        page: 10_000,
        ..Default::default()
    };
    fake.tables.insert(
        "50090NED".into(),
        FakeTable::from_csv(&files, usize::MAX, TITLE_2020, &wijk_names(&data)),
    );
    let mut gemeenten = pdok_features(&data.join("cbs-2020/gemeenten_2020.geojson"));
    // PDOK's gemeente layer also has each gemeente's water as a feature of its own.
    let mut water = gemeenten[0].clone();
    water["properties"]["water"] = json!("JA");
    gemeenten.insert(0, water);
    fake.collections.insert("gemeenten".into(), gemeenten);
    fake.collections.insert(
        "wijken".into(),
        pdok_features(&data.join("cbs-2020/wijken_2020.geojson")),
    );
    fake.collections.insert(
        "buurten".into(),
        pdok_features(&data.join("cbs-2020/buurten_2020.geojson")),
    );
    fake.faults = Mutex::new(vec![
        Fault {
            entity: "UntypedDataSet",
            skip: 10_000,
            kind: Kind::Status(503, None),
            times: 1,
        },
        Fault {
            entity: "UntypedDataSet",
            skip: 30_000,
            kind: Kind::Status(429, Some(1)),
            times: 1,
        },
        Fault {
            entity: "UntypedDataSet",
            skip: 50_000,
            kind: Kind::Truncate,
            times: 1,
        },
    ]);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = fetch(&base, tmp.path(), &[]).unwrap();
    assert!(out.contains("figures: 104046 rows in 11 pages"), "{out}");
    assert!(
        out.contains("(Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020))"),
        "{out}"
    );
    // Each failed page asked twice, the others once; the 429's Retry-After was waited for.
    for (skip, n) in [
        (0, 1),
        (10_000, 2),
        (20_000, 1),
        (30_000, 2),
        (50_000, 2),
        (100_000, 1),
    ] {
        assert_eq!(
            fake.requests(&format!("50090NED/UntypedDataSet skip={skip} ")),
            n,
            "skip={skip}"
        );
    }
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(
        *fake.gzip_asked.lock().unwrap() > 0,
        "the client asks for gzip"
    );

    let folder = tmp.path().join("50090NED");
    assert_eq!(
        listing(&folder),
        ["50090NED_figures.csv", "boundaries", "metadata.json"]
    );
    assert_eq!(listing(tmp.path()), ["50090NED"], "no partial folder left");
    let meta: Value =
        serde_json::from_slice(&std::fs::read(folder.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["table"], "50090NED");
    assert_eq!(meta["classification"], 2020);
    assert_eq!(meta["title"], TITLE_2020);
    assert_eq!(meta["rows"], 104_046);
    assert_eq!(meta["modified"], "2022-07-01T02:00:00");
    assert_eq!(meta["periods"].as_array().unwrap().len(), 3);
    assert!(meta["downloaded"].as_str().unwrap().starts_with("20"));
    assert_eq!(meta["areas"]["WK036304"], "Nieuwmarkt/Lastage");

    // The download loads into the same dataset as the CSV files.
    let got = Loader::new().load([&folder]).unwrap();
    let want = omzien_tests::national_dataset().unwrap();
    assert_eq!(got.table(), Some("50090NED"));
    assert_eq!(got.classification_year(), Some(2020));
    assert_eq!(got.waves(), want.waves());
    assert_eq!(got.age_groups(), want.age_groups());
    assert_eq!(got.len(), want.len());
    let keys = |ds: &omzien::Dataset| {
        ds.indicators()
            .iter()
            .map(|i| i.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&got), keys(want));
    let mut compared = 0usize;
    for level in Level::ALL {
        for code in want.areas(level, None) {
            for info in want.indicators() {
                for &wave in want.waves() {
                    for &age in want.age_groups() {
                        let a = got.figure(code, info.indicator, wave, age).unwrap();
                        let b = want.figure(code, info.indicator, wave, age).unwrap();
                        assert_eq!(a, b, "{code} {} {wave} {age}", info.key);
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 3_000_000, "{compared}");
    let ams = "GM0363".parse().unwrap();
    assert_eq!(
        got.figure(ams, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
            .unwrap()
            .value(),
        Some(53.2)
    );
    // Names from the table's WijkenEnBuurten, where the CSV files have none for wijken.
    let wijk = "WK036304".parse().unwrap();
    assert_eq!(
        got.area(wijk).unwrap().name.as_deref(),
        Some("Nieuwmarkt/Lastage")
    );

    // Boundaries: every level, read by the boundary reader, water left out.
    let b = folder.join("boundaries");
    let g = Boundaries::from_geojson(&b.join("gemeenten_2020.geojson")).unwrap();
    assert_eq!(g.shapes().len(), 355);
    assert!(g.skipped().is_empty(), "{:?}", &g.skipped()[..1]);
    assert_eq!(
        g.names().iter().find(|(c, _)| *c == ams).unwrap().1,
        "Amsterdam"
    );
    let w = Boundaries::from_geojson(&b.join("wijken_2020.geojson")).unwrap();
    assert_eq!(w.shapes().len(), 3_177);
    let bu = Boundaries::from_geojson(&b.join("buurten_2020.geojson")).unwrap();
    assert_eq!(bu.shapes().len() + bu.skipped().len(), 13_350);
    assert!(bu.shapes().len() > 13_300);
    assert!(
        out.contains("boundaries:") && out.contains("(355 areas)"),
        "{out}"
    );
    assert!(out.contains("serve it: omzien serve --data"), "{out}");
}

#[test]
fn an_interrupted_download_is_taken_up_after_its_last_whole_page() {
    let Some(data) = national() else { return };
    let mut fake = small(&data, 2_500, 500);
    // The connection to page 3 keeps failing: the run gives up after its tries.
    fake.faults = Mutex::new(vec![Fault {
        entity: "UntypedDataSet",
        skip: 1_000,
        kind: Kind::Status(503, None),
        times: 2,
    }]);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let e = fetch(&base, tmp.path(), &["--tries", "2", "--no-boundaries"]).unwrap_err();
    assert!(
        e.contains("UntypedDataSet?$format=json&$skip=1000: HTTP 503 (gave up after 2 tries; run the same command again to resume)"),
        "{e}"
    );
    assert!(
        !tmp.path().join("50090NED").exists(),
        "nothing under the final name"
    );
    let partial = tmp.path().join(".50090NED.partial");
    assert_eq!(
        listing(&partial.join("pages")),
        ["00001.json", "00002.json", "request.json"],
        "the two whole pages are kept"
    );

    // The same command again: pages 1 and 2 are not asked again.
    let out = fetch(&base, tmp.path(), &["--no-boundaries"]).unwrap();
    assert!(
        out.contains("figures: 2500 rows in 5 pages (2 taken from the earlier download)"),
        "{out}"
    );
    assert_eq!(fake.requests("UntypedDataSet skip=0 "), 1);
    assert_eq!(fake.requests("UntypedDataSet skip=500 "), 1);
    assert_eq!(fake.requests("UntypedDataSet skip=1000 "), 3);
    assert!(!partial.exists());
    let ds = Loader::new().load([tmp.path().join("50090NED")]).unwrap();
    let want = Loader::new()
        .load([data.join("rivm-50090NED/50090NED_2020_18plus.csv")])
        .unwrap();
    let nl = "NL01".parse().unwrap();
    assert_eq!(
        ds.figure(nl, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
            .unwrap(),
        want.figure(nl, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
            .unwrap()
    );

    // A finished folder is not replaced without --force, and is with it.
    let e = fetch(&base, tmp.path(), &["--no-boundaries"]).unwrap_err();
    assert!(
        e.contains("50090NED: exists (use --force to replace it)"),
        "{e}"
    );
    fetch(&base, tmp.path(), &["--no-boundaries", "--force"]).unwrap();
}

#[test]
fn bad_tables_and_bad_pages_are_named_with_their_url() {
    // The fixture in pages of 12 rows: three pages.
    let mut fake = fixture_table(12);
    fake.tables.insert(
        "83765NED".into(),
        FakeTable {
            title: "Kerncijfers wijken en buurten 2017".into(),
            ..Default::default()
        },
    );
    // A table whose own count disagrees with the rows its pages gave.
    let mut t = FakeTable::from_csv(
        &[fixtures().join("tables/50120NED_sample.csv")],
        usize::MAX,
        "Gezondheid per wijk en buurt; 2012/2016/2020/2022 (indeling 2022)",
        &HashMap::new(),
    );
    t.record_count = Some(t.rows.len() + 1);
    let n = t.rows.len();
    fake.tables.insert("50120NED".into(), t);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let odata = format!("{base}/odata");
    let cli = |table: &str, more: &[&str]| {
        let mut args = vec![
            "fetch",
            table,
            "--out",
            tmp.path().to_str().unwrap(),
            "--odata-url",
            &odata,
            "--no-boundaries",
            "--wait",
            "0.01",
        ];
        args.extend_from_slice(more);
        omzien_cli(&args)
    };
    let e = cli("99999NED", &[]).unwrap_err();
    assert!(
        e.contains("/odata/99999NED/TableInfos?$format=json: no table 99999NED (HTTP 404); tables of this series: 50090NED, 50120NED, 50150NED"),
        "{e}"
    );
    let e = cli("83765NED", &[]).unwrap_err();
    assert!(
        e.contains("83765NED (Kerncijfers wijken en buurten 2017) is not of the Gezondheidsmonitor series omzien reads"),
        "{e}"
    );
    let e = cli("eenzaam", &[]).unwrap_err();
    assert!(e.contains("\"eenzaam\" is not a table id"), "{e}");
    let e = cli("50120NED", &[]).unwrap_err();
    assert!(
        e.contains(&format!(
            "/odata/50120NED/UntypedDataSet?$format=json: {n} rows downloaded, but the table says it has {} (TableInfos' RecordCount",
            n + 1
        )) && e.contains("The pages are kept: run the same command with --accept-count"),
        "{e}"
    );
    // The pages stay: the next run with --accept-count takes them without asking again.
    assert_eq!(
        listing(&tmp.path().join(".50120NED.partial")),
        ["50120NED_figures.csv", "pages"]
    );
    let before = fake.requests("50120NED/UntypedDataSet");
    cli("50120NED", &["--accept-count"]).unwrap();
    assert_eq!(
        fake.requests("50120NED/UntypedDataSet"),
        before,
        "no page asked again"
    );
    let meta: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("50120NED/metadata.json")).unwrap())
            .unwrap();
    assert_eq!(meta["rows"], n);
    assert_eq!(meta["declared_rows"], n + 1);
    // A boundary service without the table's map (in a folder of its own: its figures stay
    // there for a next run).
    let other = tempfile::tempdir().unwrap();
    let e = omzien_cli(&[
        "fetch",
        "50090NED",
        "--out",
        other.path().to_str().unwrap(),
        "--odata-url",
        &odata,
        "--boundaries-url",
        &format!("{base}/nowhere"),
        "--wait",
        "0.01",
    ])
    .unwrap_err();
    assert!(
        e.contains("/nowhere/collections/gemeenten/items?f=json&limit=1000: no such collection (HTTP 404): the service may not hold the 2020 map under this address; give another with --boundaries-url"),
        "{e}"
    );
    assert_eq!(listing(other.path()), [".50090NED.partial"]);

    // A page that is not JSON (a maintenance page with 200): no retry can mend it.
    fake.faults.lock().unwrap().push(Fault {
        entity: "UntypedDataSet",
        skip: 12,
        kind: Kind::NotJson,
        times: 1,
    });
    let e = cli("50090NED", &[]).unwrap_err();
    assert!(
        e.contains(
            "UntypedDataSet?$format=json&$skip=12: not JSON: expected value at line 1 column 1"
        ),
        "{e}"
    );
    assert!(!tmp.path().join("50090NED").exists());

    // A row without its area: the URL and the row.
    fake.faults.lock().unwrap().push(Fault {
        entity: "UntypedDataSet",
        skip: 12,
        kind: Kind::BadRow,
        times: 1,
    });
    let e = cli("50090NED", &[]).unwrap_err();
    assert!(
        e.contains("$skip=12: row 4 of the page: no WijkenEnBuurten"),
        "{e}"
    );

    // A page that always ends early.
    fake.faults.lock().unwrap().push(Fault {
        entity: "UntypedDataSet",
        skip: 24,
        kind: Kind::Truncate,
        times: 3,
    });
    let e = cli("50090NED", &["--tries", "3"]).unwrap_err();
    assert!(e.contains("$skip=24: the page ends early after"), "{e}");
    assert!(e.contains("(truncated) (gave up after 3 tries"), "{e}");
    // …and the next run finishes from the kept pages.
    let out = cli("50090NED", &[]).unwrap();
    assert!(
        out.contains("36 rows in 3 pages (2 taken from the earlier download)"),
        "{out}"
    );
}

#[test]
fn filters_go_to_the_service_and_select_what_loads() {
    let Some(data) = national() else { return };
    let mut fake = Fake {
        page: 2_000,
        ..Default::default()
    };
    fake.tables.insert(
        "50090NED".into(),
        FakeTable::from_csv(
            &[
                data.join("rivm-50090NED/50090NED_2020_18plus.csv"),
                data.join("rivm-50090NED/50090NED_2020_65plus.csv"),
            ],
            usize::MAX,
            TITLE_2020,
            &HashMap::new(),
        ),
    );
    fake.collections.insert(
        "buurten".into(),
        pdok_features(&data.join("cbs-2020/buurten_2020.geojson")),
    );
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let out = fetch(
        &base,
        tmp.path(),
        &[
            "--age",
            "65plus",
            "--gemeente",
            "amsterdam",
            "--level",
            "buurt",
        ],
    )
    .unwrap();
    assert!(
        fake.requests("filter=(Leeftijd eq '80200') and (startswith(WijkenEnBuurten,'NL') or startswith(WijkenEnBuurten,'GM0363') or startswith(WijkenEnBuurten,'BU0363'))") >= 1,
        "{:?}",
        fake.log.lock().unwrap()
    );
    let ds = Loader::new().load([tmp.path().join("50090NED")]).unwrap();
    assert_eq!(ds.age_groups(), [AgeGroup::SENIORS]);
    assert_eq!(
        ds.count(Level::Gemeente),
        1,
        "the gemeente's own figures come along"
    );
    assert_eq!(ds.count(Level::Wijk), 0);
    assert_eq!(ds.count(Level::Land), 1);
    let buurten = ds.areas(Level::Buurt, None);
    assert!(buurten.len() > 400, "{}", buurten.len());
    assert!(buurten.iter().all(|b| b.to_string().starts_with("BU0363")));
    // Only Amsterdam's buurten kept of the national layer.
    let b = Boundaries::from_geojson(&tmp.path().join("50090NED/boundaries/buurten_2020.geojson"))
        .unwrap();
    assert!(b.shapes().len() > 400);
    assert!(
        b.shapes()
            .iter()
            .all(|s| s.code.to_string().starts_with("BU0363"))
    );
    assert!(out.contains("buurten_2020.geojson"), "{out}");
    // The boundary service was asked for Amsterdam's buurten only, page after page.
    let asked: Vec<String> = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("ogc/buurten"))
        .cloned()
        .collect();
    assert!(
        !asked.is_empty() && asked.iter().all(|l| l.ends_with("gemeentecode=GM0363")),
        "{asked:?}"
    );
    let one = *fake.ogc_bytes.lock().unwrap();
    // Against the whole country's layer, as the download was before the filter went to the
    // service.
    let whole = tempfile::tempdir().unwrap();
    fetch(
        &base,
        whole.path(),
        &["--age", "65plus", "--level", "buurt"],
    )
    .unwrap();
    let all = *fake.ogc_bytes.lock().unwrap() - one;
    println!("boundary bytes: Amsterdam {one}, the country {all}");
    assert!(one * 10 < all, "Amsterdam {one} bytes, the country {all}");
    // A name the table does not have is refused with the close ones, as every command does,
    // before a figure is downloaded.
    let other = tempfile::tempdir().unwrap();
    let e = fetch(&base, other.path(), &["--gemeente", "Amsterdm"]).unwrap_err();
    assert!(
        e.contains("gemeente: no gemeente \"Amsterdm\"") && e.contains("Amsterdam (GM0363)"),
        "{e}"
    );

    // The folder as `omzien serve --data F` takes it (its boundaries/ found beside the
    // figures): the buurt under the Dam.
    let folder = tmp.path().join("50090NED");
    let paths = omzien_server::cli::boundary_paths(std::slice::from_ref(&folder), &[]).unwrap();
    assert_eq!(paths, [folder.join("boundaries")]);
    let bounds = omzien_server::cli::load_boundaries(&ds, &paths).unwrap();
    let app = omzien_server::routes::app(omzien_server::state::AppState::new(
        ds.clone(),
        bounds,
        1 << 20,
    ));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (s, _, body) = rt.block_on(omzien_tests::http_get(
        &app,
        "/api/at?lon=4.8929&lat=52.3731&level=buurt&age=65plus",
        &[],
    ));
    let body = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(
        v["area"]["code"].as_str().unwrap().starts_with("BU0363"),
        "{body}"
    );
    assert_eq!(v["dataset"]["table"], "50090NED", "{body}");
    assert_eq!(v["area"]["gemeente_name"], "Amsterdam", "{body}");
}

#[test]
fn a_table_in_50150neds_layout_downloads_with_its_own_keys() {
    // The project's own fixture in 50150NED's layout, served as that table.
    let path = fixtures().join("tables/50150NED_sample.csv");
    let mut fake = Fake {
        page: 7,
        ..Default::default()
    };
    let t = FakeTable::from_csv(
        &[path],
        usize::MAX,
        "Gezondheid per wijk en buurt; 2012/2016/2020/2022/2024 (indeling 2024)",
        &HashMap::new(),
    );
    fake.tables.insert("50150NED".into(), t);
    let (base, _fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let odata = format!("{base}/odata");
    let out = omzien_cli(&[
        "fetch",
        "50150ned",
        "--out",
        tmp.path().to_str().unwrap(),
        "--odata-url",
        &odata,
        "--no-boundaries",
    ])
    .unwrap();
    assert!(
        out.contains(
            "50150NED (Gezondheid per wijk en buurt; 2012/2016/2020/2022/2024 (indeling 2024))"
        ),
        "{out}"
    );
    let ds = Loader::new().load([tmp.path().join("50150NED")]).unwrap();
    assert_eq!(ds.table(), Some("50150NED"));
    assert_eq!(ds.classification_year(), Some(2024));
    let severe = ds.indicator("SterkEenzaam_26").unwrap();
    assert_eq!(severe, Indicator::SEVERELY_LONELY);
    assert!(ds.waves().contains(&Wave::new(2024)));
}

/// Run only as the child of `a_full_disk_…`: the download under a file size limit.
#[test]
#[ignore = "run by a_full_disk_keeps_the_whole_pages_and_names_the_file under ulimit -f"]
fn child_fetch_under_a_file_size_limit() {
    let (Ok(base), Ok(out)) = (std::env::var("FETCH_BASE"), std::env::var("FETCH_OUT")) else {
        return;
    };
    match fetch(&base, Path::new(&out), &["--no-boundaries"]) {
        Ok(_) => std::process::exit(0),
        Err(e) => {
            eprintln!("ERROR: {e}");
            std::process::exit(3)
        }
    }
}

#[test]
fn a_full_disk_keeps_the_whole_pages_and_names_the_file() {
    let Some(data) = national() else { return };
    // Pages of 20 rows (about 25 KB) fit under the limit of 64 blocks; the figures' CSV does not.
    let (base, fake) = serve(small(&data, 2_500, 20));
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 64; exec "$@""#)
        .arg("sh")
        .arg(std::env::current_exe().unwrap())
        .args([
            "child_fetch_under_a_file_size_limit",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("FETCH_BASE", &base)
        .env("FETCH_OUT", tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(".50090NED.partial/50090NED_figures.csv: File too large"),
        "{stderr}"
    );
    assert!(
        !tmp.path().join("50090NED").exists(),
        "nothing under the final name"
    );
    assert_eq!(
        fake.requests("UntypedDataSet skip=2480 "),
        1,
        "every page was downloaded"
    );

    // With room again, the same command finishes from the kept pages, asking for none again.
    let done = fetch(&base, tmp.path(), &["--no-boundaries"]).unwrap();
    assert!(
        done.contains("2500 rows in 125 pages (125 taken from the earlier download)"),
        "{done}"
    );
    assert_eq!(fake.requests("UntypedDataSet skip=0 "), 1);
    assert_eq!(fake.requests("UntypedDataSet skip=2480 "), 1);
    Loader::new().load([tmp.path().join("50090NED")]).unwrap();
}

#[test]
fn serve_without_boundaries_serves_the_figures() {
    // One rule with `report`: figures without boundaries are served (the API answers, the
    // map says it has no areas), not refused.
    let data = fixtures().join("odata_bounds.csv");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let args = [
        "serve".to_owned(),
        "--data".to_owned(),
        data.to_str().unwrap().to_owned(),
        "--addr".to_owned(),
        addr.clone(),
    ];
    // The server runs until the test binary exits.
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        omzien_cli(&args)
    });
    let get = |path: &str| -> Option<String> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    };
    let mut health = None;
    for _ in 0..200 {
        health = get("/health");
        if health.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let health = health.expect("the server did not start");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let areas = get("/api/areas").unwrap();
    assert!(
        areas.starts_with("HTTP/1.1 200") && areas.contains("GM9998"),
        "{areas}"
    );
    let waves = get("/api/waves").unwrap();
    assert!(
        waves.contains("\"boundaries\":false") && !waves.contains("\"boundaries\":true"),
        "{waves}"
    );
}

/// Retries only for what a retry can mend: a 429 (its `Retry-After` an HTTP date) is waited
/// out; a 500 (the service refusing the request) is reported at once with its own words; a
/// service that cannot be reached at all is said at once with what to check; `--dry-run` asks
/// nothing and lists every URL and file.
#[test]
fn retries_only_where_a_retry_can_mend() {
    // The fixture in pages of 24 rows: two pages.
    let fake = fixture_table(24);
    fake.faults.lock().unwrap().extend([
        Fault {
            entity: "UntypedDataSet",
            skip: 0,
            kind: Kind::StatusAt(429, 1),
            times: 1,
        },
        Fault {
            entity: "UntypedDataSet",
            skip: 24,
            kind: Kind::Status(500, None),
            times: 9,
        },
    ]);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let e = fetch(&base, tmp.path(), &["--no-boundaries", "--tries", "5"]).unwrap_err();
    // The 429 was waited out and the first page came; the 500 of the second was asked once.
    assert_eq!(fake.requests("UntypedDataSet skip=0 "), 2);
    assert_eq!(fake.requests("UntypedDataSet skip=24 "), 1, "{e}");
    assert!(e.contains("$skip=24: HTTP 500: busy"), "{e}");
    // Nothing to reach: at once, with what to check (not retried for half a minute).
    for (url, says) in [
        ("http://127.0.0.1:9/odata", "check the network connection"),
        (
            "http://omzien-no-such-host.invalid/odata",
            "check the network connection",
        ),
    ] {
        let e = omzien_cli(&[
            "fetch",
            "50090NED",
            "--out",
            tmp.path().to_str().unwrap(),
            "--odata-url",
            url,
            "--tries",
            "6",
            "--wait",
            "5",
        ])
        .unwrap_err();
        assert!(e.contains(says) && !e.contains("gave up"), "{url}: {e}");
    }
    // A dry run: every URL and file, not one request.
    let before = fake.log.lock().unwrap().len();
    let out = omzien_cli(&[
        "fetch",
        "50150NED",
        "--out",
        tmp.path().to_str().unwrap(),
        "--gemeente",
        "GM0363",
        "--dry-run",
    ])
    .unwrap();
    assert_eq!(fake.log.lock().unwrap().len(), before);
    for want in [
        "GET https://dataderden.cbs.nl/ODataFeed/odata/50150NED/TableInfos?$format=json",
        "GET https://dataderden.cbs.nl/ODataFeed/odata/50150NED/UntypedDataSet?$format=json&$filter=",
        "GET https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/wijken/items?f=json&limit=1000&gemeentecode=GM0363",
        "50150NED/boundaries/buurten_2024.geojson",
        "50150NED/50150NED_figures.csv",
    ] {
        assert!(out.contains(want), "{want} in {out}");
    }
    assert!(!tmp.path().join("50150NED").exists());
    let out = omzien_cli(&[
        "fetch",
        "50150NED",
        "--out",
        tmp.path().to_str().unwrap(),
        "--gemeente",
        "Delft",
        "--dry-run",
    ])
    .unwrap();
    assert!(
        out.contains("note: the gemeente \"Delft\" is looked up"),
        "{out}"
    );
}

/// A table on the 2020 map takes its boundaries from PDOK's WFS of 2020 (no OGC API exists for
/// it): WFS 2.0 pages by `startIndex` in RD New, a gemeente by an FES filter, written with its
/// CRS so the map reads it.
#[test]
fn maps_before_2023_come_from_the_years_wfs() {
    let Some(data) = national() else { return };
    assert_eq!(
        omzien::fetch::boundaries_service(2020),
        "https://service.pdok.nl/cbs/wijkenbuurten/2020/wfs/v1_0"
    );
    assert_eq!(
        omzien::fetch::boundaries_service(2024),
        "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"
    );
    let mut fake = small(&data, 600, 100);
    fake.collections.insert(
        "wfs:gemeenten".into(),
        pdok_features(&data.join("cbs-2020/gemeenten_2020_rdnew.geojson")),
    );
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let service = format!("{base}/cbs/wijkenbuurten/2020/wfs/v1_0");
    let args = |out: &Path, more: &[&str]| {
        let mut a = vec![
            "fetch".to_owned(),
            "50090NED".into(),
            "--out".into(),
            out.display().to_string(),
            "--odata-url".into(),
            format!("{base}/odata"),
            "--boundaries-url".into(),
            service.clone(),
            "--level".into(),
            "gemeente".into(),
            "--wait".into(),
            "0.01".into(),
        ];
        a.extend(more.iter().map(|s| (*s).to_owned()));
        a
    };
    let a = args(tmp.path(), &[]);
    omzien_cli(&a.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    let pages: Vec<String> = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("wfs/2020"))
        .cloned()
        .collect();
    // 355 gemeenten, 100 a page (the server's most): four full pages, a short one, an empty one.
    assert_eq!(pages.len(), 5, "{pages:?}");
    assert!(pages[0].contains("typeNames=wijkenbuurten:gemeenten startIndex=0 count=1000 srsName=EPSG:28992 outputFormat=application/json"), "{pages:?}");
    assert!(pages[4].contains("startIndex=355"), "{pages:?}");
    let file = tmp
        .path()
        .join("50090NED/boundaries/gemeenten_2020.geojson");
    let b = Boundaries::from_geojson(&file).unwrap();
    assert_eq!(b.shapes().len(), 355);
    // Read as RD New and reprojected: Amsterdam lies where it lies.
    let ams = b
        .shapes()
        .iter()
        .find(|s| s.code.to_string() == "GM0363")
        .unwrap();
    let c = ams.bbox.center();
    assert!(
        (4.7..5.1).contains(&c.x) && (52.2..52.5).contains(&c.y),
        "{c:?}"
    );
    // One gemeente (of the replay's first rows): the filter goes to the service.
    let one = tempfile::tempdir().unwrap();
    let a = args(one.path(), &["--gemeente", "GM0361"]);
    omzien_cli(&a.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    let last = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|l| l.starts_with("wfs/2020"))
        .cloned()
        .unwrap();
    assert!(last.contains("filter=<Filter><PropertyIsEqualTo><ValueReference>gemeentecode</ValueReference><Literal>GM0361</Literal>"), "{last}");
    let b = Boundaries::from_geojson(
        &one.path()
            .join("50090NED/boundaries/gemeenten_2020.geojson"),
    )
    .unwrap();
    assert_eq!(b.shapes().len(), 1);
}

/// A key-figures table ("Kerncijfers wijken en buurten") as CBS's feed shows it, from the
/// real 2020 gemeente layer: inhabitants, households, land area and urbanity as published,
/// 65+ from the layer's percentage; the younger bands, which the layer lacks, as the
/// country's shares (15.7 % aged 0–14, 12.2 % aged 15–24) stand in. Each table numbers its
/// keys itself: `numbers` gives this one's; with `percent` the age bands are percentages.
fn key_figures_table(data: &Path, numbers: [u32; 8], percent: bool) -> FakeTable {
    let doc: Value = serde_json::from_slice(
        &std::fs::read(data.join("cbs-2020/gemeenten_2020.geojson")).unwrap(),
    )
    .unwrap();
    let stems = [
        "AantalInwoners",
        "k_0Tot15Jaar",
        "k_15Tot25Jaar",
        "k_65JaarOfOuder",
        "HuishoudensTotaal",
        "GemiddeldeHuishoudensgrootte",
        "OppervlakteLand",
        "MateVanStedelijkheid",
    ];
    let keys: Vec<String> = stems
        .iter()
        .zip(numbers)
        .map(|(s, n)| format!("{s}_{n}"))
        .collect();
    let mut t = FakeTable {
        title: "Kerncijfers wijken en buurten 2020".into(),
        ..Default::default()
    };
    t.keys = [
        "ID",
        "WijkenEnBuurten",
        "Gemeentenaam_1",
        "SoortRegio_2",
        "Codering_3",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(keys.iter().cloned())
    .collect();
    for (i, k) in keys.iter().enumerate() {
        let unit = match i {
            1..=3 if percent => "%",
            0..=4 => "aantal",
            6 => "ha",
            _ => "",
        };
        t.units.insert(k.clone(), unit.to_owned());
    }
    let push = |t: &mut FakeTable, code: &str, name: &str, kind: &str, v: [Option<f64>; 8]| {
        let mut m = Map::new();
        m.insert("ID".into(), json!(t.rows.len()));
        m.insert("WijkenEnBuurten".into(), json!(format!("{code:<10}")));
        m.insert("Gemeentenaam_1".into(), json!(format!("{name:<40}")));
        m.insert("SoortRegio_2".into(), json!(format!("{kind:<10}")));
        m.insert("Codering_3".into(), json!(format!("{code:<10}")));
        for (k, x) in keys.iter().zip(v) {
            m.insert(k.clone(), json!(x));
        }
        t.rows.push(m);
        t.areas
            .push(json!({"Key": format!("{code:<10}"), "Title": name, "Description": null}));
    };
    let mut total = [0.0; 8];
    let mut gemeenten = Vec::new();
    for f in doc["features"].as_array().unwrap() {
        let p = &f["properties"];
        let pop = p["Aantal inwoners"].as_f64().unwrap();
        let count = |share: f64| (pop * share / 100.0).round();
        let o65 = p["Personen 65 jaar en ouder (%)"].as_f64().unwrap();
        let hh = p["Aantal huishoudens"].as_f64().unwrap();
        let bands = [15.7, 12.2, o65];
        let v = [
            Some(pop),
            Some(if percent { bands[0] } else { count(bands[0]) }),
            Some(if percent { bands[1] } else { count(bands[1]) }),
            Some(if percent { bands[2] } else { count(bands[2]) }),
            Some(hh),
            Some((pop / hh * 10.0).round() / 10.0),
            p["Oppervlakte land (hectaren)"].as_f64(),
            p["Stedelijkheid (1=zeer sterk stedelijk, 5=niet stedelijk)"].as_f64(),
        ];
        total[0] += pop;
        for b in 1..=3 {
            total[b] += count(bands[b - 1]);
        }
        total[4] += hh;
        gemeenten.push((
            p["GM_CODE"].as_str().unwrap().to_owned(),
            p["GM_NAAM"].as_str().unwrap().to_owned(),
            v,
        ));
    }
    let band = |b: usize| {
        Some(if percent {
            (1000.0 * total[b] / total[0]).round() / 10.0
        } else {
            total[b]
        })
    };
    let nl = [
        Some(total[0]),
        band(1),
        band(2),
        band(3),
        Some(total[4]),
        None,
        None,
        None,
    ];
    push(&mut t, "NL00", "Nederland", "Land", nl);
    for (code, name, v) in gemeenten {
        push(&mut t, &code, &name, "Gemeente", v);
    }
    t
}

/// `omzien fetch kerncijfers --year`: CBS's key figures found by their keys' stems, a
/// percentage turned into a count, the country as NL01; a gemeente's only by a filter at the
/// source; the file is a population layer that `--weights` (by age group, stated), `compare
/// --with similar` and `check` read as they are; with a table, `--population` puts it beside
/// the boundaries.
#[test]
fn key_figures_download_and_weigh() {
    let Some(data) = national() else { return };
    let mut fake = small(&data, 400, 100);
    fake.tables.insert(
        "84799NED".into(),
        key_figures_table(&data, [5, 8, 9, 12, 28, 32, 112, 116], false),
    );
    // The 2024 table numbers its keys otherwise and publishes the age bands as percentages.
    fake.tables.insert(
        "85984NED".into(),
        key_figures_table(&data, [6, 9, 10, 13, 30, 34, 118, 121], true),
    );
    let (base, fake) = serve(fake);
    let odata = format!("{base}/odata");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let kf = |more: &[&str]| {
        let mut a = vec![
            "fetch",
            "kerncijfers",
            "--out",
            out,
            "--key-figures-url",
            &odata,
            "--wait",
            "0.01",
        ];
        a.extend_from_slice(more);
        omzien_cli(&a)
    };
    // What it would ask, without asking.
    let before = fake.log.lock().unwrap().len();
    let plan = kf(&["--year", "2020", "--dry-run"]).unwrap();
    assert!(
        plan.contains(&format!("GET {odata}/84799NED/TableInfos?$format=json")),
        "{plan}"
    );
    assert!(
        plan.contains(
            "/84799NED/TypedDataSet?$format=json&$select=WijkenEnBuurten%2CAantalInwoners"
        ),
        "{plan}"
    );
    assert!(plan.contains("kerncijfers_2020.csv"), "{plan}");
    assert_eq!(
        fake.log.lock().unwrap().len(),
        before,
        "a dry run asks nothing"
    );

    let said = kf(&["--year", "2020"]).unwrap();
    assert!(
        said.contains("84799NED") && said.contains("356 areas"),
        "{said}"
    );
    let file = tmp.path().join("kerncijfers_2020.csv");
    let asked = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("84799NED/TypedDataSet"))
        .count();
    assert!(asked >= 4, "356 rows in pages of 100: {asked}");
    // Read back as a population layer: every gemeente with its published figures.
    let found = omzien::Populations::find(std::slice::from_ref(&file)).unwrap();
    // A layer per level: the country, and the gemeenten.
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].level(), Some(omzien::Level::Land));
    let gm = &found[1];
    assert_eq!(gm.level(), Some(omzien::Level::Gemeente));
    assert_eq!(gm.len(), 355);
    assert_eq!(gm.year(), Some(2020));
    assert!((gm.total() - 17_407_585.0).abs() < 0.5, "{}", gm.total());
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("code,name,population,age_0_14,age_15_24,age_25_44,age_45_64,age_65plus,households,household_size,urbanity,land_area_ha,table\n"), "{csv:.300}");
    assert!(
        csv.contains("\nNL01,Nederland,17407585,"),
        "the country as NL01"
    );
    let ams = csv.lines().find(|l| l.starts_with("GM0363,")).unwrap();
    assert!(ams.starts_with("GM0363,Amsterdam,872757,"), "{ams}");
    assert!(ams.ends_with(",84799NED"), "{ams}");
    // Weights by age group: 65+ counted by the key figures, 18+ by the stated approximation.
    let w65 = gm.weights_for(AgeGroup::SENIORS).unwrap();
    assert_eq!(w65.age(), Some(AgeGroup::SENIORS));
    let w18 = gm.weights_for(AgeGroup::ADULTS).unwrap();
    assert!(
        w18.source().contains("3/10 of the 15-24"),
        "{}",
        w18.source()
    );
    let ams_code: omzien::AreaCode = "GM0363".parse().unwrap();
    let expected =
        872_757.0 - (872_757.0_f64 * 0.157).round() - 0.3 * (872_757.0_f64 * 0.122).round();
    assert!((w18.get(ams_code).unwrap() - expected).abs() < 1e-6);

    // The summary gives the national figure as people, 18+ approximated and said so.
    let d50090 = data.join("rivm-50090NED");
    let sum: Value = serde_json::from_str(
        &omzien_cli(&[
            "summary",
            "--data",
            d50090.to_str().unwrap(),
            "--population",
            out,
            "-f",
            "json",
        ])
        .unwrap(),
    )
    .unwrap();
    let people = sum["people"].as_array().unwrap();
    assert_eq!(people.len(), 2, "{people:?}");
    let nl18 = &people[0];
    assert_eq!(
        (nl18["code"].as_str(), nl18["age"].as_str()),
        (Some("NL01"), Some("18+"))
    );
    assert_eq!(nl18["approximate"], true);
    let pop = nl18["population"].as_f64().unwrap();
    assert!(
        pop > 0.75 * 17_407_585.0 && pop < 0.85 * 17_407_585.0,
        "{pop}"
    );
    let want = (nl18["value"].as_f64().unwrap() / 100.0 * pop / 10.0).round() * 10.0;
    assert_eq!(nl18["people"].as_f64().unwrap(), want);
    assert_eq!(people[1]["approximate"], false);

    // `--weights` takes the file as it is, for the age group rolled up, without a warning.
    let f = file.to_str().unwrap();
    let r: Value = serde_json::from_str(
        &omzien_cli(&[
            "rollup",
            "--from",
            "gemeente",
            "--to",
            "land",
            "--weights",
            f,
            "--age",
            "65+",
            "--data",
            d50090.to_str().unwrap(),
            "-f",
            "json",
        ])
        .unwrap(),
    )
    .unwrap();
    assert!(r["weight_basis"].is_null(), "{}", r["weight_basis"]);
    assert_eq!(r["weights_year"], 2020);
    assert!(
        r["weighting"].as_str().unwrap().contains("share 65+"),
        "{}",
        r["weighting"]
    );
    // The figure: the 65+ inhabitants' mean of the gemeenten's published 65+ figures.
    let ds = national_dataset().unwrap();
    let (mut sum, mut wsum) = (0.0, 0.0);
    for c in w65.codes() {
        if let Some(v) = ds
            .figure(
                c,
                omzien::Indicator::LONELY,
                omzien::Wave::new(2020),
                AgeGroup::SENIORS,
            )
            .ok()
            .and_then(|f| f.value())
        {
            let w = w65.get(c).unwrap();
            sum += w * v;
            wsum += w;
        }
    }
    let got = r["rows"][0]["value"].as_f64().unwrap();
    assert!((got - sum / wsum).abs() < 0.051, "{got} {}", sum / wsum);

    // Similar gemeenten from the key figures alone are those of the gemeente layer (the same
    // published characteristics).
    let only = tempfile::tempdir().unwrap();
    std::fs::copy(&file, only.path().join("kerncijfers_2020.csv")).unwrap();
    let neighbours = |bounds: &Path| -> Vec<String> {
        let a: Value = serde_json::from_str(
            &omzien_cli(&[
                "compare",
                "Amsterdam",
                "--with",
                "similar",
                "--data",
                d50090.to_str().unwrap(),
                "--boundaries",
                bounds.to_str().unwrap(),
                "-f",
                "json",
            ])
            .unwrap(),
        )
        .unwrap();
        assert!(
            a["benchmark"]["source"]
                .as_str()
                .unwrap()
                .contains("kerncijfers")
                || bounds.ends_with("cbs-2020"),
            "{}",
            a["benchmark"]
        );
        a["benchmark"]["neighbours"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let from_key_figures = neighbours(only.path());
    assert_eq!(from_key_figures.len(), 15);
    assert_eq!(from_key_figures, neighbours(&data.join("cbs-2020")));

    // One gemeente: asked of the service by a filter, by name.
    let one = tempfile::tempdir().unwrap();
    let o = one.path().to_str().unwrap();
    omzien_cli(&[
        "fetch",
        "kerncijfers",
        "--year",
        "2020",
        "--out",
        o,
        "--key-figures-url",
        &odata,
        "--gemeente",
        "Amsterdam",
        "--wait",
        "0.01",
    ])
    .unwrap();
    let last = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|l| l.starts_with("84799NED/TypedDataSet"))
        .cloned()
        .unwrap();
    assert!(
        last.contains("startswith(WijkenEnBuurten,'GM0363')"),
        "{last}"
    );
    let csv = std::fs::read_to_string(one.path().join("kerncijfers_2020.csv")).unwrap();
    let codes: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| &l[..l.find(',').unwrap()])
        .collect();
    assert_eq!(codes, ["NL01", "GM0363"]);

    // 2024: other key numbers, age bands as percentages turned into counts.
    kf(&["--year", "2024"]).unwrap();
    let csv = std::fs::read_to_string(tmp.path().join("kerncijfers_2024.csv")).unwrap();
    let ams = csv.lines().find(|l| l.starts_with("GM0363,")).unwrap();
    let cells: Vec<&str> = ams.split(',').collect();
    assert_eq!(cells[2], "872757");
    assert_eq!(
        cells[3],
        format!("{}", (872_757.0_f64 * 15.7 / 100.0).round())
    );
    assert_eq!(cells[12], "85984NED");

    // Refusals: a year without a table, a year with a table of figures, a file already there.
    let e = kf(&["--year", "2019"]).unwrap_err();
    assert!(
        e.contains("2020 (84799NED)") && e.contains("2024 (85984NED)"),
        "{e}"
    );
    let e = kf(&[]).unwrap_err();
    assert!(e.contains("--year"), "{e}");
    let e = kf(&["--year", "2020"]).unwrap_err();
    assert!(e.contains("exists (use --force"), "{e}");
    let e = fetch(&base, tmp.path(), &["--year", "2020"]).unwrap_err();
    assert!(e.contains("kerncijfers"), "{e}");

    // With a table: beside its boundaries, recorded in metadata.json.
    let t = tempfile::tempdir().unwrap();
    fetch(
        &base,
        t.path(),
        &[
            "--level",
            "gemeente",
            "--no-boundaries",
            "--population",
            "--key-figures-url",
            &odata,
        ],
    )
    .unwrap();
    let folder = t.path().join("50090NED");
    assert!(folder.join("boundaries/kerncijfers_2020.csv").is_file());
    let meta: Value =
        serde_json::from_slice(&std::fs::read(folder.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["population"]["table"], "84799NED");
    assert_eq!(
        meta["population"]["file"],
        "boundaries/kerncijfers_2020.csv"
    );
    // The table's folder still loads, and `check` finds the population beside the figures.
    omzien::Loader::new().load([&folder]).unwrap();
}

/// Features of the fixture gemeente (GM9998), its wijk and buurt, with PDOK's property names:
/// small squares, in CRS84 for the OGC API and in RD New for the WFS.
fn fixture_features(level: &str, rd: bool) -> Vec<Value> {
    let (code, key, name) = match level {
        "gemeenten" => ("GM9998", "gemeentecode", "gemeentenaam"),
        "wijken" => ("WK999801", "wijkcode", "wijknaam"),
        _ => ("BU99980101", "buurtcode", "buurtnaam"),
    };
    let (x, y, d) = if rd {
        (120_000.0, 480_000.0, 500.0)
    } else {
        (5.0, 52.0, 0.005)
    };
    let ring = json!([[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]);
    let mut props = Map::new();
    props.insert(key.into(), json!(code));
    props.insert(name.into(), json!("Fixtureburg"));
    props.insert("gemeentecode".into(), json!("GM9998"));
    props.insert("water".into(), json!("NEE"));
    vec![json!({"type": "Feature", "id": code, "properties": props,
        "geometry": {"type": "Polygon", "coordinates": ring}})]
}

/// Each of the three tables with its default boundary service, no `--boundaries-url`: the
/// 2020 and 2022 maps from PDOK's WFS of the year, the 2024 map from its OGC API, at the paths
/// PDOK serves them (asked of a mirror with `--pdok-mirror`, the replay here); a dry run
/// names the real hosts.
#[test]
fn each_table_fetches_its_default_boundaries() {
    let mut fake = Fake {
        page: 100,
        ..Default::default()
    };
    for (table, title) in [
        ("50090NED", TITLE_2020),
        (
            "50120NED",
            "Gezondheid per wijk en buurt; 2012/2016/2020/2022 (indeling 2022)",
        ),
        (
            "50150NED",
            "Gezondheid per wijk en buurt; 2012/2016/2020/2022/2024 (indeling 2024)",
        ),
    ] {
        fake.tables.insert(
            table.into(),
            FakeTable::from_csv(
                &[fixtures().join(format!("tables/{table}_sample.csv"))],
                usize::MAX,
                title,
                &HashMap::new(),
            ),
        );
    }
    for level in ["gemeenten", "wijken", "buurten"] {
        fake.collections
            .insert(level.into(), fixture_features(level, false));
        fake.collections
            .insert(format!("wfs:{level}"), fixture_features(level, true));
    }
    let (base, fake) = serve(fake);
    let odata = format!("{base}/odata");
    for (table, year, service) in [
        (
            "50090NED",
            2020,
            "service.pdok.nl/cbs/wijkenbuurten/2020/wfs/v1_0",
        ),
        (
            "50120NED",
            2022,
            "service.pdok.nl/cbs/wijkenbuurten/2022/wfs/v1_0",
        ),
        (
            "50150NED",
            2024,
            "api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().to_str().unwrap();
        // Without a mirror the plan names PDOK's own host and path.
        let plan = omzien_cli(&["fetch", table, "--out", out, "--dry-run"]).unwrap();
        assert!(plan.contains(&format!("GET https://{service}")), "{plan}");
        let said = omzien_cli(&[
            "fetch",
            table,
            "--out",
            out,
            "--odata-url",
            &odata,
            "--pdok-mirror",
            &base,
            "--wait",
            "0.01",
        ])
        .unwrap();
        assert!(said.contains("boundaries: "), "{table}: {said}");
        for level in ["gemeenten", "wijken", "buurten"] {
            let file = tmp
                .path()
                .join(format!("{table}/boundaries/{level}_{year}.geojson"));
            let b = Boundaries::from_geojson(&file).unwrap();
            assert_eq!(b.shapes().len(), 1, "{}", file.display());
            // The fixture square lies where it was served (RD New reprojected for the WFS).
            let c = b.shapes()[0].bbox.center();
            assert!(
                (4.5..5.5).contains(&c.x) && (51.5..52.5).contains(&c.y),
                "{c:?}"
            );
        }
        // The folder loads with its boundaries, as serve reads it.
        omzien::Loader::new()
            .load([tmp.path().join(table)])
            .unwrap();
    }
    // Each at its year's service path (the replay logs the path it was asked at).
    let log = fake.log.lock().unwrap().clone();
    assert!(
        log.iter()
            .any(|l| l.starts_with("wfs/2020 typeNames=wijkenbuurten:buurten")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("wfs/2022 typeNames=wijkenbuurten:wijken")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("cbs/wijken-en-buurten-2024/ogc/v1/gemeenten offset=0")),
        "{log:?}"
    );
}

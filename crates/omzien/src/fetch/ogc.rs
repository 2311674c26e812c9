//! One level's boundaries from PDOK, streamed into one GeoJSON file: from the OGC API Features
//! of the year (2023 and later), paged by `next` links, or from the year's WFS (2020, 2022:
//! PDOK publishes no OGC API for them), paged by `startIndex`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::http::{Client, Pager, resolve};
use super::{FetchError, Progress};
use crate::load::Table;
use crate::{AreaCode, Boundaries, GemeenteCode, Level, StagedDir};

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
/// The first page of a level's features: 1,000 a page (the service's most), and with a
/// gemeente only its features, filtered by the service on the `gemeentecode` property (OGC API
/// Features Part 1, §7.15.5: a queryable property as a query parameter), so a gemeente's
/// download is its own size, not the country's.
///
/// For a WFS (a URL with `/wfs/`): WFS 2.0 `GetFeature` of `wijkenbuurten:LEVEL` as GeoJSON in
/// RD New (the service's own CRS: no axis-order question), 1,000 from `start` (PDOK's
/// MapServer default and maximum), a gemeente by an FES filter on `gemeentecode`.
pub(super) fn items_url(service: &str, level: Level, gemeente: Option<GemeenteCode>) -> String {
    page_url(service, level, gemeente, 0)
}

/// Features asked of a WFS page.
const WFS_COUNT: usize = 1000;

/// Whether a boundary service is a WFS (else an OGC API Features).
pub(super) fn is_wfs(service: &str) -> bool {
    service.contains("/wfs")
}

fn page_url(service: &str, level: Level, gemeente: Option<GemeenteCode>, start: usize) -> String {
    let service = service.trim_end_matches(['/', '?']);
    if is_wfs(service) {
        let mut url = format!(
            "{service}?service=WFS&version=2.0.0&request=GetFeature&typeNames=wijkenbuurten:{}\
             &outputFormat=application/json&srsName=EPSG:28992&count={WFS_COUNT}&startIndex={start}",
            collection(level)
        );
        if let Some(g) = gemeente {
            let filter = format!(
                "<Filter><PropertyIsEqualTo><ValueReference>gemeentecode</ValueReference>\
                 <Literal>{g}</Literal></PropertyIsEqualTo></Filter>"
            );
            url.push_str(&format!("&filter={}", super::http::encode(&filter)));
        }
        return url;
    }
    let mut url = format!(
        "{service}/collections/{}/items?f=json&limit=1000",
        collection(level)
    );
    if let Some(g) = gemeente {
        url.push_str(&format!("&gemeentecode={g}"));
    }
    url
}

/// The file a level's boundaries are written to in the table's folder.
pub(super) fn boundary_file(level: Level, table: &Table) -> String {
    format!(
        "{}/{}_{}.geojson",
        crate::BOUNDARIES_FOLDER,
        collection(level),
        table.classification
    )
}

fn feature_code(f: &Value) -> Option<AreaCode> {
    let props = f.get("properties")?;
    crate::load::CODE_PROPERTIES
        .iter()
        .find_map(|k| props.get(*k)?.as_str()?.trim().parse::<AreaCode>().ok())
}

/// Whether a feature goes into the file: water parts and, for one gemeente, the areas of
/// others are left out.
enum Kept {
    Yes,
    Water,
    Elsewhere,
}

fn kept(f: &Value, gemeente: Option<GemeenteCode>) -> Kept {
    let is_water = f
        .pointer("/properties/water")
        .and_then(Value::as_str)
        .is_some_and(|w| w.trim().eq_ignore_ascii_case("JA"));
    if is_water {
        return Kept::Water;
    }
    match gemeente {
        Some(g) if feature_code(f).and_then(AreaCode::gemeente) != Some(g) => Kept::Elsewhere,
        _ => Kept::Yes,
    }
}

/// A 404 for the collection says what to do; other failures stay as they are.
fn no_collection(e: FetchError, table: &Table) -> FetchError {
    match e {
        FetchError::Http {
            url, status: 404, ..
        } => FetchError::Boundaries {
            url,
            message: format!(
                "no such collection (HTTP 404): the service may not hold the {} map under \
                 this address; give another with --boundaries-url, or leave the boundaries \
                 out with --no-boundaries",
                table.classification
            ),
        },
        other => other,
    }
}

/// The address of an OGC API page's `next` link, resolved against the page's own.
fn next_link(doc: &Value, url: &str) -> Option<String> {
    doc.get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
        .and_then(|l| l.get("href").and_then(Value::as_str))
        .map(|href| resolve(url, href))
}

/// Downloads one level's boundaries from an OGC API Features collection into
/// `boundaries/COLLECTION_YEAR.geojson`; a file whole from an earlier run is kept.
pub(super) fn download_boundaries(
    client: &Client,
    staged: &StagedDir,
    service: &str,
    level: Level,
    table: &Table,
    gemeente: Option<GemeenteCode>,
    progress: &dyn Progress,
) -> Result<(PathBuf, usize), FetchError> {
    let name = collection(level);
    let url = items_url(service, level, gemeente);
    let path = staged.file(&boundary_file(level, table))?;
    let read = |path: &Path| {
        Boundaries::from_geojson(path).map_err(|e| FetchError::Boundaries {
            url: url.clone(),
            message: format!("the downloaded boundaries do not read: {e}"),
        })
    };
    if path.exists() {
        let b = read(&path)?;
        progress.note(&format!("{name}: kept from the earlier download"));
        return Ok((path, b.shapes().len()));
    }
    let io = |source: std::io::Error| crate::FolderError {
        path: path.clone(),
        source,
    };
    let mut w = crate::WholeFile::create(&path)?;
    let wfs = is_wfs(service);
    // The WFS is asked for RD New; the file says so (OGC API pages are CRS84, the default).
    let head: &[u8] = if wfs {
        b"{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::28992\"}},\"features\":[\n"
    } else {
        b"{\"type\":\"FeatureCollection\",\"features\":[\n"
    };
    w.write_all(head).map_err(io)?;
    progress.start(&format!("{name} {}", table.classification), None);
    let (mut written, mut water, mut elsewhere) = (0usize, 0usize, 0usize);
    let mut fetched = 0usize;
    let mut next = Some(url.clone());
    let mut pager = Pager::new(client, progress);
    while let Some(u) = next {
        let doc = pager.get(&u).map_err(|e| no_collection(e, table))?;
        let features = doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| FetchError::Page {
                url: u.clone(),
                message: "no \"features\" array (not an OGC API Features page)".to_owned(),
            })?;
        for f in features {
            match kept(f, gemeente) {
                Kept::Yes => {}
                Kept::Water => {
                    water += 1;
                    continue;
                }
                Kept::Elsewhere => {
                    elsewhere += 1;
                    continue;
                }
            }
            if written > 0 {
                w.write_all(b",\n").map_err(io)?;
            }
            serde_json::to_writer(&mut w, f).map_err(|e| io(std::io::Error::other(e)))?;
            written += 1;
        }
        progress.advance(features.len() as u64);
        if wfs {
            // Pages until an empty one: a service whose most per page is below the count asked
            // gives short pages that are not the last, and a WFS page says nothing of what
            // follows.
            fetched += features.len();
            next = (!features.is_empty()).then(|| page_url(service, level, gemeente, fetched));
            continue;
        }
        next = next_link(&doc, &u);
    }
    w.write_all(b"\n]}\n").map_err(io)?;
    w.commit()?;
    progress.finish();
    if water > 0 || elsewhere > 0 {
        progress.note(&format!(
            "{name}: {written} areas kept, {water} water parts and {elsewhere} areas of other \
             gemeenten left out"
        ));
    }
    let b = read(&path)?;
    Ok((path, b.shapes().len()))
}

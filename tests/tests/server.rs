//! The HTTP server through `oneshot` (no socket): tiles decoded pixel by pixel, ETags, bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use axum::Router;
use axum::http::{StatusCode, header};
use omzien::{AreaCode, Boundaries};
use omzien_render::TileCoord;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{national, national_dataset};
use serde_json::Value;

use omzien_tests::http_get as get;

async fn json(app: &Router, uri: &str) -> Value {
    let (s, _, b) = get(app, uri, &[]).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&b));
    serde_json::from_slice(&b).unwrap()
}

use omzien_tests::decode_png as decode;

fn pixel_at(png: &[u8], tile: TileCoord, lon: f64, lat: f64) -> [u8; 4] {
    let (w, rgba) = decode(png);
    let (x, y) = tile.projector(w).pixel(lon, lat);
    let i = (y as usize * w as usize + x as usize) * 4;
    [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
}

fn class_color(legend: &Value, value: f64) -> [u8; 4] {
    let entries = legend["entries"].as_array().unwrap();
    let classes: Vec<&Value> = entries.iter().filter(|e| e["kind"] == "class").collect();
    let n = classes.len();
    let e = classes
        .iter()
        .enumerate()
        .find(|(i, e)| {
            value >= e["min"].as_f64().unwrap()
                && (value < e["max"].as_f64().unwrap() || *i == n - 1)
        })
        .map(|(_, e)| *e)
        .unwrap();
    let c: Vec<u8> = e["rgba"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    [c[0], c[1], c[2], c[3]]
}

fn national_app() -> Option<Router> {
    let dir = national()?;
    let ds = national_dataset()?.clone();
    let gm = Boundaries::from_geojson(&dir.join("cbs-2020/gemeenten_2020.geojson")).unwrap();
    Some(app(AppState::new(ds, vec![gm], 64 << 20)))
}

/// Dam square, Amsterdam.
const DAM: (f64, f64) = (4.8927, 52.3731);

#[tokio::test]
async fn amsterdam_pixel_has_the_class_colour_of_its_value() {
    let Some(app) = national_app() else { return };
    let tile = TileCoord::containing(DAM.0, DAM.1, 10).unwrap();
    let q = "indicator=Eenzaam_28&age=18%2B&wave=2020&level=gemeente";
    let (s, h, png) = get(
        &app,
        &format!("/tiles/{}/{}/{}.png?{q}", tile.z, tile.x, tile.y),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "image/png");
    assert!(
        h[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let legend = json(&app, &format!("/legend?{q}")).await;
    let expected = class_color(&legend, 53.2);
    assert_eq!(pixel_at(&png, tile, DAM.0, DAM.1), expected);
    // The same tile at @2x has the same colour there.
    let (_, _, png2) = get(
        &app,
        &format!("/tiles/{}/{}/{}@2x.png?{q}", tile.z, tile.x, tile.y),
        &[],
    )
    .await;
    assert_eq!(decode(&png2).0, 512);
    assert_eq!(pixel_at(&png2, tile, DAM.0, DAM.1), expected);
    // Another wave gives another picture.
    let (_, _, png12) = get(
        &app,
        &format!(
            "/tiles/{}/{}/{}.png?indicator=Eenzaam_28&age=18%2B&wave=2012&level=gemeente",
            tile.z, tile.x, tile.y
        ),
        &[],
    )
    .await;
    assert_ne!(png, png12);
}

#[tokio::test]
async fn delta_tile_uses_the_diverging_ramp_with_the_sign_of_the_change() {
    let Some(app) = national_app() else { return };
    let ds = national_dataset().unwrap();
    let t = omzien::TrendQuery::new(
        omzien::Indicator::LONELY,
        omzien::Wave::new(2016),
        omzien::Wave::new(2020),
    )
    .with_age(omzien::AgeGroup::ADULTS)
    .area(ds, "GM0363".parse().unwrap())
    .unwrap();
    let delta = t.delta.unwrap();
    assert!(delta > 0.0);
    let tile = TileCoord::containing(DAM.0, DAM.1, 10).unwrap();
    let q = "indicator=Eenzaam_28&age=18%2B&from=2016&to=2020&level=gemeente";
    let (s, _, png) = get(
        &app,
        &format!("/tiles/{}/{}/{}.png?{q}", tile.z, tile.x, tile.y),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let legend = json(&app, &format!("/legend?{q}")).await;
    assert_eq!(legend["unit"], "pp");
    let px = pixel_at(&png, tile, DAM.0, DAM.1);
    assert_eq!(px, class_color(&legend, delta));
    // Rising is warm: more red than blue.
    assert!(px[0] > px[2], "{px:?}");
}

#[tokio::test]
async fn legend_png_shows_every_class_in_the_tile_colours() {
    let [gm, wk, bu] = omzien::demo::boundaries();
    let app = app(AppState::new(
        omzien::demo::dataset(),
        vec![gm, wk, bu],
        1 << 20,
    ));
    for (uri, width) in [
        ("/legend.png?level=buurt", 240),
        ("/legend?level=buurt&format=png&scale=2", 480),
        ("/legend.png?level=wijk&from=2016&to=2020", 240),
    ] {
        let legend = json(
            &app,
            &uri.replace(".png", "").replace("format=png", "format=json"),
        )
        .await;
        let (s, h, png) = get(&app, uri, &[]).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert_eq!(h[header::CONTENT_TYPE], "image/png");
        let (w, rgba) = decode(&png);
        assert_eq!(w, width, "{uri}");
        let count = |c: &[u8]| rgba.chunks(4).filter(|p| &p[..3] == c).count();
        let scale = (width / 240) as usize;
        for e in legend["entries"].as_array().unwrap() {
            let c: Vec<u8> = e["rgba"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u8)
                .collect();
            // A 22×13 swatch (×scale²) of exactly the tile colour.
            assert!(
                count(&c[..3]) >= 250 * scale * scale,
                "{uri}: no swatch for {}",
                e["label"]
            );
        }
        // The demo is labelled synthetic in the image too (the notice is drawn in dark red).
        assert!(count(&[0xb0, 0, 0]) > 20, "{uri}: no synthetic notice");
    }
    let (s, _, body) = get(&app, "/legend.png?scale=3", &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8(body).unwrap().contains("scale"));
    let (s, _, body) = get(&app, "/legend?format=svg", &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8(body).unwrap().contains("svg"));
}

/// The demo with its gemeente boundaries only (no wijk or buurt map: the refusals for those
/// levels are the same as for national data served with its gemeenten).
fn demo_gemeente_app() -> Router {
    let [gm, _, _] = omzien::demo::boundaries();
    app(AppState::new(omzien::demo::dataset(), vec![gm], 8 << 20))
}

/// A point inside the demo gemeente (lon, lat).
fn demo_inside() -> (f64, f64) {
    let [gm, _, _] = omzien::demo::boundaries();
    let c = geo::InteriorPoint::interior_point(&gm.shapes()[0].geometry).unwrap();
    (c.x(), c.y())
}

/// A tile over the demo gemeente, at zoom `z`.
fn demo_tile(z: u8) -> TileCoord {
    let (lon, lat) = demo_inside();
    TileCoord::containing(lon, lat, z).unwrap()
}

async fn etag_gives_304_on(app: &Router, uri: &str) {
    let (s, h, body) = get(app, uri, &[]).await;
    assert_eq!(s, StatusCode::OK, "{uri}");
    assert!(!body.is_empty());
    let tag = h[header::ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with('"') && tag.ends_with('"'));
    let (s, h2, body) = get(app, uri, &[("if-none-match", &tag)]).await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(h2[header::ETAG].to_str().unwrap(), tag);
    let (s, _, _) = get(app, uri, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn etag_gives_304() {
    let t = demo_tile(10);
    let uri = format!("/tiles/{}/{}/{}.png?level=gemeente", t.z, t.x, t.y);
    etag_gives_304_on(&demo_gemeente_app(), &uri).await;
    if let Some(app) = national_app() {
        etag_gives_304_on(&app, "/tiles/8/131/84.png?level=gemeente").await;
    }
}

#[tokio::test]
async fn bad_input_gets_a_4xx_that_names_the_problem() {
    // The same refusals on the demo (always) and on the national data (where present).
    refusals(
        &demo_gemeente_app(),
        &omzien::demo::GEMEENTE.to_string(),
        demo_inside(),
    )
    .await;
    if let Some(app) = national_app() {
        refusals(&app, "GM0363", DAM).await;
    }
}

/// Bad requests of every route: each is refused with its status and a message naming the
/// problem (`GM0363` stands for a gemeente the data holds, `LON` and `LAT` for a point in it).
const REFUSALS: &[(&str, StatusCode, &str)] = &[
    ("/tiles/23/0/0.png", StatusCode::BAD_REQUEST, "zoom 23"),
    ("/tiles/3/8/0.png", StatusCode::BAD_REQUEST, "below 8"),
    ("/tiles/3/0/8.png", StatusCode::BAD_REQUEST, "below 8"),
    ("/tiles/3/-1/0.png", StatusCode::BAD_REQUEST, "\"-1\""),
    ("/tiles/a/0/0.png", StatusCode::BAD_REQUEST, "\"a\""),
    ("/tiles/3/0/x.png", StatusCode::BAD_REQUEST, "\"x\""),
    ("/tiles/3/0/0.jpg", StatusCode::BAD_REQUEST, ".png"),
    (
        "/tiles/3/0/0.png?indicator=Geluk_99",
        StatusCode::BAD_REQUEST,
        "Geluk_99",
    ),
    (
        "/tiles/3/0/0.png?wave=2013",
        StatusCode::BAD_REQUEST,
        "2013",
    ),
    (
        "/tiles/3/0/0.png?wave=soon",
        StatusCode::BAD_REQUEST,
        "soon",
    ),
    ("/tiles/3/0/0.png?age=12%2B", StatusCode::BAD_REQUEST, "12+"),
    ("/api/figures?bbox=4,52,5", StatusCode::BAD_REQUEST, "bbox"),
    (
        "/api/figures?bbox=5,52,4,53",
        StatusCode::BAD_REQUEST,
        "west,south",
    ),
    ("/api/figures?bbox=a,b,c,d", StatusCode::BAD_REQUEST, "bbox"),
    (
        "/api/figures?bbox=4,95,5,96",
        StatusCode::BAD_REQUEST,
        "bbox",
    ),
    (
        "/api/figures?level=buurt&bbox=4,52,5,53",
        StatusCode::NOT_FOUND,
        "no boundaries loaded for level buurt",
    ),
    (
        "/api/areas/GM0363?indicator=Geluk_99",
        StatusCode::BAD_REQUEST,
        "Geluk_99",
    ),
    (
        "/api/areas/GM0363?wave=2013",
        StatusCode::BAD_REQUEST,
        "2013",
    ),
    (
        "/api/at?lon=LON&lat=LAT&indicator=Geluk_99",
        StatusCode::BAD_REQUEST,
        "Geluk_99",
    ),
    ("/assets/../Cargo.toml", StatusCode::NOT_FOUND, "asset"),
    (
        "/tiles/3/0/0.png?level=street",
        StatusCode::BAD_REQUEST,
        "street",
    ),
    (
        "/tiles/3/0/0.png?from=2020&to=2020",
        StatusCode::BAD_REQUEST,
        "two different waves",
    ),
    (
        "/tiles/3/0/0.png?from=2016",
        StatusCode::BAD_REQUEST,
        "both from and to",
    ),
    (
        "/tiles/3/0/0.png?method=magic",
        StatusCode::BAD_REQUEST,
        "magic",
    ),
    ("/tiles/3/0/0.png?classes=40", StatusCode::BAD_REQUEST, "40"),
    (
        "/tiles/3/0/0.png?level=buurt",
        StatusCode::NOT_FOUND,
        "no boundaries",
    ),
    (
        "/legend?indicator=Geluk_99",
        StatusCode::BAD_REQUEST,
        "Geluk_99",
    ),
    ("/api/areas/GM9876", StatusCode::NOT_FOUND, "GM9876"),
    ("/api/areas/XX12", StatusCode::NOT_FOUND, "XX12"),
    ("/api/areas?level=street", StatusCode::BAD_REQUEST, "street"),
    ("/api/search", StatusCode::BAD_REQUEST, "q"),
    (
        "/api/risk?mode=sometimes",
        StatusCode::BAD_REQUEST,
        "sometimes",
    ),
    ("/api/indicators?format=xml", StatusCode::BAD_REQUEST, "xml"),
    ("/nope", StatusCode::NOT_FOUND, "no such route"),
    ("/api/at?lon=500&lat=0", StatusCode::BAD_REQUEST, "500"),
    ("/api/at?lat=52", StatusCode::BAD_REQUEST, "lon and lat"),
    (
        "/api/at?lon=3.5&lat=52.5",
        StatusCode::NOT_FOUND,
        "no gemeente",
    ),
];

/// The [`REFUSALS`] asked of `app`, with `gm` a gemeente its data holds and `at` a point in
/// it.
async fn refusals(app: &Router, gm: &str, at: (f64, f64)) {
    for (uri, status, needle) in REFUSALS {
        let uri = &uri
            .replace("GM0363", gm)
            .replace("LON", &at.0.to_string())
            .replace("LAT", &at.1.to_string());
        let (s, h, body) = get(app, uri, &[]).await;
        assert_eq!(s, *status, "{uri}: {}", String::from_utf8_lossy(&body));
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{uri}"
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        let msg = v["error"].as_str().unwrap();
        assert!(msg.contains(needle), "{uri}: {msg:?} lacks {needle:?}");
    }
}

#[tokio::test]
async fn api_serves_figures_with_references_and_caveats() {
    let Some(app) = national_app() else { return };
    let v = json(&app, "/api/areas/GM0363").await;
    assert_eq!(v["area"]["name"], "Amsterdam");
    assert_eq!(v["area"]["has_polygon"], true);
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == "Eenzaam_28" && r["wave"] == 2020 && r["age"] == "18+")
        .unwrap();
    assert_eq!(row["value"], 53.2);
    assert_eq!(row["national"], 47.0);
    let t = v["trends"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["indicator"] == "Eenzaam_28"
                && t["from"] == 2012
                && t["to"] == 2020
                && t["age"] == "18+"
        })
        .unwrap();
    assert!(
        t["caveats"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("age range"))
    );
    // A buurt without a polygon keeps its figures (only gemeente boundaries are loaded here).
    let v = json(&app, "/api/areas/BU00141706").await;
    assert_eq!(v["area"]["has_polygon"], Value::Null);
    assert!(!v["rows"].as_array().unwrap().is_empty());
    let (s, h, body) = get(
        &app,
        "/api/areas?level=wijk&gemeente=GM0363&format=csv",
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.lines().count() > 90 && text.lines().skip(1).all(|l| l.starts_with("WK0363")),
        "{text}"
    );
    let v = json(&app, "/api/at?lon=4.8927&lat=52.3731&level=gemeente").await;
    assert_eq!(v["area"]["code"], "GM0363");
    let v = json(&app, "/api/search?q=Delft").await;
    assert_eq!(v["rows"][0]["code"], "GM0503");
    assert!(v["rows"][0]["bbox"].is_array());
    let v = json(&app, "/api/search?q=den%20haag").await;
    assert_eq!(v["rows"][0]["code"], "GM0518");
    let v = json(&app, "/api/risk?gemeente=GM0599&level=buurt").await;
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["delta"].as_f64().unwrap() > 3.0)
    );
    let v = json(&app, "/api/waves").await;
    assert_eq!(v["rows"].as_array().unwrap().len(), 3);
    let v = json(&app, "/api/indicators").await;
    assert_eq!(v["rows"][0]["key"], "Eenzaam_28");
    let tj = json(&app, "/tilejson?level=gemeente&wave=2016").await;
    assert_eq!(tj["tilejson"], "3.0.0");
    assert!(tj["tiles"][0].as_str().unwrap().contains("wave=2016"));
    // JSON is compressed when asked.
    let (_, h, _) = get(&app, "/api/indicators", &[("accept-encoding", "gzip")]).await;
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn demo_serves_a_labelled_synthetic_map() {
    let [gm, wk, bu] = omzien::demo::boundaries();
    let app = app(AppState::new(
        omzien::demo::dataset(),
        vec![gm, wk, bu],
        8 << 20,
    ));
    let health = json(&app, "/health").await;
    assert_eq!(health["synthetic"], true);
    let legend = json(&app, "/legend?level=buurt").await;
    assert!(legend["synthetic"].as_str().unwrap().contains("SYNTHETIC"));
    let kinds: Vec<&str> = legend["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"suppressed") && kinds.contains(&"not_measured"));
    // The tile over the demo town has pixels.
    let ds = omzien::demo::dataset();
    let [_, _, bu] = omzien::demo::boundaries();
    let shape = bu
        .shapes()
        .iter()
        .find(|s| {
            ds.figure(
                s.code,
                omzien::Indicator::LONELY,
                omzien::Wave::new(2020),
                omzien::AgeGroup::ADULTS,
            )
            .unwrap()
            .value()
            .is_some()
        })
        .unwrap();
    let c = geo::InteriorPoint::interior_point(&shape.geometry).unwrap();
    let tile = TileCoord::containing(c.x(), c.y(), 13).unwrap();
    let (s, _, png) = get(
        &app,
        &format!("/tiles/{}/{}/{}.png?level=buurt", tile.z, tile.x, tile.y),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let layer = ds
        .layer(&omzien::LayerSpec::level(
            omzien::Indicator::LONELY,
            omzien::AgeGroup::ADULTS,
            omzien::Level::Buurt,
            omzien::Wave::new(2020),
        ))
        .unwrap();
    assert_eq!(
        pixel_at(&png, tile, c.x(), c.y()),
        layer.color(shape.code).unwrap().0
    );
    // Far away: the shared transparent tile, the same bytes for every empty tile.
    let (s, h, body) = get(&app, "/tiles/12/0/0.png?level=buurt", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "image/png");
    let (w, rgba) = decode(&body);
    assert_eq!(w, 256);
    assert!(rgba.chunks(4).all(|p| p[3] == 0), "fully transparent");
    let (_, _, other) = get(&app, "/tiles/12/1/1.png?level=buurt", &[]).await;
    assert_eq!(body, other);
    let (_, _, big) = get(&app, "/tiles/12/1/1@2x.png?level=buurt", &[]).await;
    assert_eq!(decode(&big).0, 512);
    let (_, h, csv) = get(&app, "/api/risk?format=csv", &[]).await;
    assert_eq!(h["x-omzien-synthetic"], "true");
    let csv = String::from_utf8(csv).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("rank,") && header.ends_with(",note"),
        "{header}"
    );
    assert!(
        csv.lines().nth(1).unwrap().ends_with(
            "SYNTHETIC DEMO DATA: generated figures for a fictional gemeente, not real\""
        ),
        "{csv}"
    );
    let v = json(&app, "/api/areas/GM9999").await;
    assert_eq!(v["dataset"]["synthetic"], true);
    let _ = AreaCode::Gemeente(omzien::demo::GEMEENTE);
}

#[tokio::test]
async fn index_page_is_self_contained() {
    let [gm, wk, bu] = omzien::demo::boundaries();
    let app = app(AppState::new(
        omzien::demo::dataset(),
        vec![gm, wk, bu],
        1 << 20,
    ));
    let (s, h, body) = get(&app, "/", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("omzien"));
    // No CDN, no external script or style: the page must work without internet. Every
    // script and stylesheet it names is served by this server.
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "external reference in the page"
    );
    let mut own = String::new();
    for (path, mime) in [
        ("/assets/vendor/pmtiles/pmtiles.js", "text/javascript"),
        ("/assets/vendor/maplibre-gl/maplibre-gl.css", "text/css"),
        ("/assets/map.js", "text/javascript"),
        ("/assets/map.css", "text/css"),
        // Imported by the page's module script, not named in the page.
        ("/assets/sources.js", "text/javascript"),
        ("/assets/text.js", "text/javascript"),
        (
            "/assets/vendor/maplibre-gl/maplibre-gl.js",
            "text/javascript",
        ),
        (
            "/assets/vendor/maplibre-gl/maplibre-gl-worker.js",
            "text/javascript",
        ),
    ] {
        // The page names its files relative to itself (`assets/…`), so the same page works
        // in the exported site and behind a proxy's path prefix.
        assert!(
            path.contains("/maplibre-gl.js")
                || path.contains("-worker.js")
                || path.ends_with("sources.js")
                || path.ends_with("text.js")
                || html.contains(&path[1..]),
            "{path} is not in the page"
        );
        let (s, h, body) = get(&app, path, &[]).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with(mime));
        assert!(body.len() > 1000, "{path}: {} bytes", body.len());
        // Unchanged files are answered 304 to a revalidation.
        let etag = h[header::ETAG].to_str().unwrap().to_owned();
        let (s, _, _) = get(&app, path, &[("if-none-match", &etag)]).await;
        assert_eq!(s, StatusCode::NOT_MODIFIED, "{path}");
        if !path.contains("/vendor/") {
            own.push_str(&String::from_utf8(body).unwrap());
        }
    }
    // (The SVG namespace is a name, not an address that is fetched.)
    let own_refs = own.replace("'http://www.w3.org/2000/svg'", "");
    assert!(
        !own_refs.contains("http://") && !own_refs.contains("https://"),
        "the page's own script or style names an external address"
    );
    for endpoint in [
        "vector/style?",
        "vector/{z}/{x}/{y}.mvt?",
        "api/indicators",
        "api/waves",
        "api/areas/",
        "api/search?",
        "api/risk?",
        "api/figures?",
        "report/",
    ] {
        assert!(own.contains(endpoint), "{endpoint}");
    }
    let (s, _, body) = get(&app, "/assets/nope.js", &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(body).unwrap().contains("nope.js"));
}

#[tokio::test]
async fn wijk_and_buurt_names_from_boundary_files_name_the_areas() {
    let Some(ds) = national_dataset() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wijken.geojson");
    std::fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"WK_CODE":"WK036300","WK_NAAM":"Burgwallen-Nieuwe Zijde"},
        "geometry":{"type":"Polygon","coordinates":[[[4.88,52.37],[4.90,52.37],[4.90,52.38],[4.88,52.38],[4.88,52.37]]]}}]}"#,
    )
    .unwrap();
    let wk = Boundaries::from_geojson(&file).unwrap();
    let app = app(AppState::new(ds.clone(), vec![wk], 1 << 20));
    let area = json(&app, "/api/areas/WK036300").await;
    assert_eq!(area["area"]["name"], "Burgwallen-Nieuwe Zijde");
    let hits = json(&app, "/api/search?q=burgwallen").await;
    assert_eq!(hits["rows"][0]["code"], "WK036300");
    assert!(hits["rows"][0]["bbox"].is_array());
}

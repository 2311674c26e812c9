//! Vector tiles (`/vector/{z}/{x}/{y}.mvt`), checked with real clients: the
//! `mapbox-vector-tile` package from PyPI decodes them (GM0363's feature at z8 carries 53.2 for
//! 2020, 18+, and the API's figures for 2012 and 2016; suppressed areas carry the suppressed
//! status, never 0), GDAL's `ogrinfo` opens one; gzip when asked, ETag and 304, TileJSON 3.0
//! with `vector_layers`.
//!
//! Without python3's `mapbox-vector-tile` or GDAL the client checks skip with a printed reason,
//! except under `CI=true`, where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::process::Command;

use axum::Router;
use omzien::{AgeGroup, AreaCode, Boundaries, Figure, Indicator, Level, Wave};
use omzien_render::TileCoord;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{client_present, http_get, national, national_dataset, root};
use serde_json::Value;

fn python_mvt() -> bool {
    let mut c = Command::new("python3");
    c.args(["-c", "import mapbox_vector_tile"]);
    client_present(
        "python3 with mapbox-vector-tile (pip install mapbox-vector-tile)",
        c,
    )
}

/// The tile as `mapbox-vector-tile` decodes it.
fn decode(mvt: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.mvt");
    std::fs::write(&p, mvt).unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/export/read_mvt.py"))
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn feature<'a>(tile: &'a Value, layer: &str, code: &str) -> &'a Value {
    let features = tile[layer]["features"]
        .as_array()
        .unwrap_or_else(|| panic!("no layer {layer}: {tile}"));
    &features
        .iter()
        .find(|f| f["properties"]["code"] == code)
        .unwrap_or_else(|| panic!("no feature {code} in {layer}"))["properties"]
}

async fn get_tile(app: &Router, coord: TileCoord, query: &str) -> Vec<u8> {
    let uri = format!("/vector/{}/{}/{}.mvt?{query}", coord.z, coord.x, coord.y);
    let (status, headers, body) = http_get(app, &uri, &[]).await;
    assert_eq!(status, 200, "{uri}: {}", String::from_utf8_lossy(&body));
    assert_eq!(
        headers.get("content-type").unwrap(),
        "application/vnd.mapbox-vector-tile"
    );
    body
}

#[tokio::test]
async fn demo_tiles_decode_and_answer_like_tiles() {
    let ds = omzien::demo::dataset();
    let bounds: Vec<Boundaries> = omzien::demo::boundaries().into();
    let gm = bounds
        .iter()
        .find(|b| b.level() == Level::Gemeente)
        .unwrap();
    let [w, s, e, n] = gm.extent().unwrap();
    let server = app(AppState::new(ds.clone(), bounds.clone(), 64 << 20));
    let coord = TileCoord::containing((w + e) / 2.0, (s + n) / 2.0, 9).unwrap();
    let uri = format!("/vector/{}/{}/{}.mvt", coord.z, coord.x, coord.y);
    let (status, headers, body) = http_get(&server, &uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-encoding").unwrap(), "gzip");
    assert!(body.starts_with(&[0x1f, 0x8b]), "gzip bytes");
    let (_, headers, plain) = http_get(&server, &uri, &[]).await;
    let etag = headers.get("etag").unwrap().to_str().unwrap().to_owned();
    let (status, _, _) = http_get(&server, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 304);
    // Far from the data: no content; a bad address or parameter: 400.
    let (status, _, _) = http_get(&server, "/vector/9/0/0.mvt", &[]).await;
    assert_eq!(status, 204);
    for bad in [
        "/vector/9/1/2.png",
        "/vector/23/0/0.mvt",
        "/vector/9/0/0.mvt?age=12%2B",
        "/vector/9/0/0.mvt?level=straat",
    ] {
        let (status, _, body) = http_get(&server, bad, &[]).await;
        assert_eq!(status, 400, "{bad}: {}", String::from_utf8_lossy(&body));
    }
    // TileJSON with a layer per level and the fields of every wave.
    let (status, _, tj) = http_get(&server, "/vector/tilejson?age=65%2B", &[]).await;
    assert_eq!(status, 200);
    let tj: Value = serde_json::from_slice(&tj).unwrap();
    assert_eq!(tj["tilejson"], "3.0.0");
    assert!(
        tj["tiles"][0]
            .as_str()
            .unwrap()
            .starts_with("/vector/{z}/{x}/{y}.mvt?age=65%2B")
    );
    let layers = tj["vector_layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3, "{tj}");
    assert_eq!(layers[0]["id"], "gemeente");
    let last = ds.waves().last().unwrap();
    assert!(
        layers[0]["fields"][format!("value_{last}")].is_string(),
        "{tj}"
    );

    if python_mvt() {
        let tile = decode(&plain);
        let g = &tile["gemeente"];
        assert_eq!(g["extent"], 4096);
        let f = &g["features"][0];
        assert_eq!(f["type"], "Polygon", "{f}");
        let props = &f["properties"];
        let code: AreaCode = props["code"].as_str().unwrap().parse().unwrap();
        for wave in ds.waves() {
            match ds
                .figure(code, Indicator::LONELY, *wave, AgeGroup::ADULTS)
                .unwrap()
            {
                Figure::Value(v) => {
                    assert_eq!(props[format!("status_{wave}")], "value");
                    assert!((props[format!("value_{wave}")].as_f64().unwrap() - v).abs() < 1e-9);
                }
                Figure::Suppressed => assert_eq!(props[format!("status_{wave}")], "suppressed"),
                _ => assert_eq!(props[format!("status_{wave}")], "not measured"),
            }
        }
    }
}

#[tokio::test]
async fn amsterdam_at_z8_carries_its_figures_and_suppressed_areas_say_so() {
    let Some(dir) = national() else { return };
    let ds = national_dataset().unwrap().clone();
    let bounds = Boundaries::choose(&ds, &[dir.join("cbs-2020")]).unwrap();
    let buurten = bounds
        .chosen
        .iter()
        .find(|b| b.level() == Level::Buurt)
        .unwrap()
        .clone();
    let server = app(AppState::new(ds.clone(), bounds.chosen, 64 << 20));
    let coord = TileCoord::containing(4.90, 52.37, 8).unwrap();
    let mvt = get_tile(&server, coord, "").await;
    // A buurt with a suppressed 2020 figure, and the z14 tile over it.
    let wave = Wave::new(2020);
    let (suppressed, shape) = ds
        .level_figures(Level::Buurt, Indicator::LONELY, wave, AgeGroup::ADULTS)
        .unwrap()
        .into_iter()
        .filter(|(_, f)| *f == Figure::Suppressed)
        .find_map(|(c, _)| Some((c, buurten.shape(c)?.clone())))
        .expect("a suppressed buurt with a boundary");
    let c = shape.bbox.center();
    let z14 = TileCoord::containing(c.x, c.y, 14).unwrap();
    let buurt_tile = get_tile(&server, z14, "").await;
    if !python_mvt() {
        return;
    }
    let tile = decode(&mvt);
    let gm = feature(&tile, "gemeente", "GM0363");
    assert_eq!(gm["name"], "Amsterdam");
    assert_eq!(gm["value_2020"].as_f64(), Some(53.2), "{gm}");
    assert_eq!(gm["status_2020"], "value");
    let code: AreaCode = "GM0363".parse().unwrap();
    for y in [2012, 2016] {
        let Figure::Value(v) = ds
            .figure(code, Indicator::LONELY, Wave::new(y), AgeGroup::ADULTS)
            .unwrap()
        else {
            panic!("Amsterdam has a {y} figure")
        };
        assert_eq!(gm[format!("value_{y}")].as_f64(), Some(v), "{gm}");
    }
    let change = gm["change_2012_2020"].as_f64().unwrap();
    assert!(
        (change - (53.2 - gm["value_2012"].as_f64().unwrap())).abs() < 0.051,
        "{gm}"
    );
    let tile = decode(&buurt_tile);
    let b = feature(&tile, "buurt", &suppressed.to_string());
    assert_eq!(b["status_2020"], "suppressed", "{b}");
    assert!(
        b.get("value_2020").is_none(),
        "a suppressed figure is no value: {b}"
    );

    // GDAL's MVT driver opens the tile too.
    let mut probe = Command::new("ogrinfo");
    probe.arg("--version");
    if client_present("ogrinfo (Debian gdal-bin)", probe) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("t.mvt");
        std::fs::write(&p, &mvt).unwrap();
        let out = Command::new("ogrinfo")
            .args(["-ro", "-al", "-so"])
            .args([
                "-oo",
                &format!("Z={}", coord.z),
                "-oo",
                &format!("X={}", coord.x),
                "-oo",
                &format!("Y={}", coord.y),
            ])
            .arg(&p)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("Layer name: gemeente"), "{text}");
        assert!(text.contains("value_2020: Real"), "{text}");
    }
}

/// `/vector/style`: the web map colours the server's vector tiles with this expression; its
/// steps are the legend's classes (colours in order, breaks at each next class's lower bound),
/// over the wave's value or the change's field, and the legend is `/legend`'s.
#[tokio::test]
async fn the_style_of_a_layer_is_its_legend_as_an_expression() {
    let ds = omzien::demo::dataset();
    let server = app(AppState::new(
        ds.clone(),
        omzien::demo::boundaries().into(),
        64 << 20,
    ));
    for (q, field) in [
        ("level=wijk&wave=2020", "value_2020"),
        (
            "level=buurt&from=2016&to=2020&method=jenks",
            "change_2016_2020",
        ),
    ] {
        let (status, _, style) = http_get(&server, &format!("/vector/style?{q}"), &[]).await;
        assert_eq!(status, 200, "{q}");
        let style: Value = serde_json::from_slice(&style).unwrap();
        let (_, _, legend) = http_get(&server, &format!("/legend?{q}"), &[]).await;
        let legend: Value = serde_json::from_slice(&legend).unwrap();
        assert_eq!(style["legend"], legend, "{q}");
        let fill = style["fill_color"].as_array().unwrap();
        assert_eq!(fill[0], "case", "{q}");
        assert_eq!(fill[1], serde_json::json!(["has", field]), "{q}");
        let step = fill[2].as_array().unwrap();
        assert_eq!(step[0], "step");
        assert_eq!(step[1], serde_json::json!(["get", field]));
        let classes: Vec<&Value> = legend["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "class")
            .collect();
        assert_eq!(step.len(), 3 + 2 * (classes.len() - 1), "{q}: {step:?}");
        for (i, c) in classes.iter().enumerate() {
            assert_eq!(step[2 + 2 * i], c["color"], "{q}: class {i}");
            if i > 0 {
                assert_eq!(step[1 + 2 * i], c["min"], "{q}: break {i}");
            }
        }
    }
    let (status, _, body) = http_get(&server, "/vector/style?wave=1999", &[]).await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("1999"));
}

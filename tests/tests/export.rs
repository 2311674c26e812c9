//! `omzien export tiles`, checked with real clients: the `pmtiles` package from PyPI reads each
//! PMTiles archive (header, metadata, tile count) and hands back 50 random tiles, which must be
//! byte for byte what `omzien serve` answers for the same address; GDAL (`gdalinfo`) opens the
//! MBTiles and decodes its pixels. Bad arguments are refused before any work, an existing archive
//! is kept unless --force, and a failed export leaves nothing under the final name.
//!
//! Without python3's `pmtiles` or GDAL the client checks skip with a printed reason, except
//! under `CI=true`, where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;
use std::process::Command;

use axum::Router;
use omzien::Boundaries;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{client_present, http_get, national, national_dataset, omzien_cli, root};
use serde_json::Value;

fn python_pmtiles() -> bool {
    let mut c = Command::new("python3");
    c.args(["-c", "import pmtiles.reader"]);
    client_present("python3 with pmtiles (pip install pmtiles)", c)
}

fn gdal() -> bool {
    let mut c = Command::new("gdalinfo");
    c.arg("--version");
    client_present("gdalinfo (Debian gdal-bin)", c)
}

/// The archive as the `pmtiles` package reads it; `n` random tiles written to `samples`.
fn read_pmtiles(archive: &Path, samples: &Path, n: usize) -> Value {
    let out = Command::new("python3")
        .arg(root().join("tests/export/read_pmtiles.py"))
        .arg(archive)
        .arg(samples)
        .arg(n.to_string())
        .arg("7")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every sampled tile equals the server's answer for its address (level by zoom as exported).
async fn same_as_server(app: &Router, samples: &Path, suffix: &str, query: &str) -> usize {
    same_as_server_at(app, samples, "/tiles", suffix, query).await
}

/// As [`same_as_server`], for the tiles under `prefix` (`/tiles` or `/vector`).
async fn same_as_server_at(
    app: &Router,
    samples: &Path,
    prefix: &str,
    suffix: &str,
    query: &str,
) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(samples).unwrap() {
        let p = entry.unwrap().path();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_owned();
        let zxy: Vec<u32> = stem.split('-').map(|v| v.parse().unwrap()).collect();
        let uri = format!(
            "{prefix}/{}/{}/{}{suffix}?{query}&level={}",
            zxy[0],
            zxy[1],
            zxy[2],
            web_level(u8::try_from(zxy[0]).unwrap())
        );
        let (status, _, body) = http_get(app, &uri, &[]).await;
        assert_eq!(status, 200, "{uri}");
        assert!(
            body == std::fs::read(&p).unwrap(),
            "{uri}: the archive's tile differs"
        );
        n += 1;
    }
    n
}

fn web_level(z: u8) -> &'static str {
    match z {
        0..=9 => "gemeente",
        10..=12 => "wijk",
        _ => "buurt",
    }
}

#[tokio::test]
async fn demo_archives_open_in_real_clients_and_match_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let pm = dir.path().join("demo.pmtiles");
    let mb = dir.path().join("demo.mbtiles");
    let said = omzien_cli(&[
        "export",
        "tiles",
        "--out",
        pm.to_str().unwrap(),
        "--wave",
        "2020",
        "--age",
        "18+",
        "--scale",
        "1",
    ])
    .unwrap();
    // "…: 237 tiles drawn of 267 (206 distinct), 405 KB"
    let drawn: u64 = said
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(drawn > 100, "{said}");
    omzien_cli(&[
        "export",
        "tiles",
        "--out",
        mb.to_str().unwrap(),
        "--wave",
        "2020",
        "--age",
        "18+",
        "--scale",
        "1",
    ])
    .unwrap();
    // Nothing half-written is left beside them.
    let names = omzien_tests::listing(dir.path());
    assert_eq!(names.len(), 2, "{names:?}");

    if python_pmtiles() {
        pmtiles_reads_the_archive(&pm, &dir.path().join("samples"), drawn).await;
    }
    if gdal() {
        gdal_reads_the_mbtiles(&mb);
    }
}

/// The PMTiles archive as the PyPI `pmtiles` reader sees it: PNG tiles, zooms, clustered,
/// identical tiles stored once, the metadata's levels and legends, the data's extent; 50
/// sampled tiles byte-identical to the server's.
async fn pmtiles_reads_the_archive(pm: &Path, samples: &Path, drawn: u64) {
    let info = read_pmtiles(pm, samples, 50);
    assert_eq!(info["tile_type"], "PNG", "{info}");
    assert_eq!(info["min_zoom"], 5);
    assert_eq!(info["max_zoom"], 15);
    assert_eq!(info["clustered"], true);
    assert_eq!(info["tiles"].as_u64(), Some(drawn), "{info}");
    assert_eq!(info["addressed"].as_u64(), Some(drawn), "{info}");
    // Identical tiles stored once: fewer contents than tiles on the demo's plain areas.
    assert!(info["contents"].as_u64().unwrap() < drawn, "{info}");
    let meta = &info["metadata"];
    assert_eq!(meta["attribution"], "SYNTHETIC DEMO DATA");
    assert!(
        meta["description"].as_str().unwrap().contains("SYNTHETIC"),
        "{meta}"
    );
    let levels = meta["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 3);
    assert_eq!(levels[1]["level"], "wijk");
    assert_eq!(levels[1]["minzoom"], 10);
    assert!(
        levels[0]["legend"]["entries"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{meta}"
    );
    // The header's box is the data's extent.
    let extent = omzien::demo::boundaries()
        .iter()
        .filter_map(Boundaries::extent)
        .fold([180.0f64, 90.0, -180.0, -90.0], |a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        });
    for (got, want) in info["bounds"].as_array().unwrap().iter().zip(extent) {
        assert!((got.as_f64().unwrap() - want).abs() < 1e-6, "{info}");
    }
    let server = app(AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        64 << 20,
    ));
    let compared = same_as_server(
        &server,
        samples,
        ".png",
        "indicator=Eenzaam_28&age=18%2B&wave=2020",
    )
    .await;
    assert_eq!(compared, 50);
}

/// The MBTiles archive as GDAL reads it: RGBA pixels decoded, its zoom, name and attribution.
fn gdal_reads_the_mbtiles(mb: &Path) {
    let out = Command::new("gdalinfo")
        .args(["-json", "-checksum"])
        .arg(mb)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["driverShortName"], "MBTiles", "{info}");
    let bands = info["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 4, "RGBA: {info}");
    // The pixels were decoded: a checksum per band, not all of them of an empty picture.
    assert!(
        bands
            .iter()
            .any(|b| b["checksum"].as_i64().unwrap_or(0) != 0),
        "{info}"
    );
    let meta = &info["metadata"][""];
    assert_eq!(meta["ZOOM_LEVEL"], "15", "{info}");
    assert_eq!(meta["name"], "Eenzaam_28 18+ 2020", "{info}");
    assert_eq!(meta["attribution"], "SYNTHETIC DEMO DATA", "{info}");
}

#[test]
fn bad_arguments_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.pmtiles");
    let o = out.to_str().unwrap();
    let one = ["--wave", "2020", "--age", "18+", "--scale", "1"];
    let run = |extra: &[&str]| {
        let mut args = vec!["export", "tiles", "--out", o];
        args.extend_from_slice(&one);
        args.extend_from_slice(extra);
        omzien_cli(&args).unwrap_err()
    };
    let cases: &[(&[&str], &str)] = &[
        (&["--zooms", "wijk=12-10"], "reversed"),
        (&["--zooms", "wijk=10-23"], "not a zoom 0–22"),
        (&["--zooms", "straat=1-2"], "--zooms"),
        (&["--bbox", "100,10,101,11"], "does not meet the data"),
        (&["--bbox", "5,52,4,53"], "west ≤ east"),
        (&["--bbox", "5,52,6"], "is not west,south,east,north"),
        (&["--indicator", "Geluk_99"], "Geluk_99"),
        (&["--scale", "3"], "not 1 or 2"),
        (&["--wave", "2013"], "2013"),
        (&["--change", "2020-2020"], "two different waves"),
    ];
    for (extra, expect) in cases {
        let e = run(extra);
        assert!(e.contains(expect), "{extra:?}: {e}");
        assert!(!out.exists(), "{extra:?} wrote an archive");
    }
    // More than one layer into one archive.
    let e = omzien_cli(&["export", "tiles", "--out", o]).unwrap_err();
    assert!(e.contains("name a folder"), "{e}");
    // An unknown extension in a folder of archives, and a file that exists.
    let e = omzien_cli(&[
        "export",
        "tiles",
        "--out",
        dir.path().to_str().unwrap(),
        "--archive",
        "zip",
    ])
    .unwrap_err();
    assert!(e.contains("pmtiles or mbtiles"), "{e}");
    std::fs::write(&out, b"keep me").unwrap();
    let e = omzien_cli(&[
        "export", "tiles", "--out", o, "--wave", "2020", "--age", "18+", "--scale", "1",
    ])
    .unwrap_err();
    assert!(e.contains("exists (use --force"), "{e}");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    omzien_cli(&[
        "export", "tiles", "--out", o, "--wave", "2020", "--age", "18+", "--scale", "1", "--force",
    ])
    .unwrap();
    assert_ne!(std::fs::read(&out).unwrap(), b"keep me");
}

#[test]
fn a_folder_gets_one_archive_per_layer_and_scale() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("tiles");
    let said = omzien_cli(&[
        "export",
        "tiles",
        "--out",
        d.to_str().unwrap(),
        "--zooms",
        "gemeente=5-8",
        "--age",
        "65+",
    ])
    .unwrap();
    let names = omzien_tests::listing(&d);
    // The demo's waves, the changes between consecutive waves and first → last, at 1x and @2x.
    let ds = omzien::demo::dataset();
    let w = ds.waves();
    let layers = w.len() + (w.len() - 1) + usize::from(w.len() > 2);
    assert_eq!(names.len(), layers * 2, "{names:?}\n{said}");
    let first_last = format!("Eenzaam_28_65plus_{}-{}@2x.pmtiles", w[0], w[w.len() - 1]);
    assert!(names.contains(&first_last), "{names:?}");
}

#[tokio::test]
async fn national_archive_of_amsterdam_matches_the_server() {
    let Some(dir) = national() else { return };
    if !python_pmtiles() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let pm = out.path().join("amsterdam.pmtiles");
    omzien_cli(&[
        "export",
        "tiles",
        "--data",
        dir.join("rivm-50090NED").to_str().unwrap(),
        "--boundaries",
        dir.join("cbs-2020").to_str().unwrap(),
        "--out",
        pm.to_str().unwrap(),
        "--wave",
        "2020",
        "--age",
        "65+",
        "--scale",
        "2",
        "--zooms",
        "gemeente=7-9,wijk=10-11,buurt=13-13",
        "--bbox",
        "4.75,52.30,5.02,52.43",
    ])
    .unwrap();
    let samples = out.path().join("samples");
    let info = read_pmtiles(&pm, &samples, 50);
    assert_eq!(info["min_zoom"], 7);
    assert_eq!(info["max_zoom"], 13);
    assert_eq!(info["metadata"]["tile_size"], 512);
    assert!(
        info["metadata"]["attribution"]
            .as_str()
            .unwrap()
            .contains("RIVM")
    );
    let ds = national_dataset().unwrap().clone();
    let bounds = Boundaries::choose(&ds, &[dir.join("cbs-2020")]).unwrap();
    let server = app(AppState::new(ds, bounds.chosen, 64 << 20));
    let q = "indicator=Eenzaam_28&age=65%2B&wave=2020";
    // @2x tiles: the sampled files are compared with the @2x address.
    let compared = same_as_server(&server, &samples, "@2x.png", q).await;
    assert_eq!(compared, 50);
}

#[tokio::test]
async fn vector_archives_hold_the_servers_vector_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let pm = dir.path().join("demo_vector.pmtiles");
    omzien_cli(&[
        "export",
        "tiles",
        "--format",
        "mvt",
        "--age",
        "18+",
        "--out",
        pm.to_str().unwrap(),
    ])
    .unwrap();
    // MBTiles and a scale are refused for vector tiles.
    let mb = dir.path().join("v.mbtiles");
    let e = omzien_cli(&[
        "export",
        "tiles",
        "--format",
        "mvt",
        "--age",
        "18+",
        "--out",
        mb.to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(e.contains("PMTiles"), "{e}");
    let e = omzien_cli(&[
        "export",
        "tiles",
        "--format",
        "mvt",
        "--scale",
        "2",
        "--out",
        pm.to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(e.contains("no scale"), "{e}");
    if !python_pmtiles() {
        return;
    }
    let samples = dir.path().join("samples");
    let info = read_pmtiles(&pm, &samples, 30);
    assert_eq!(info["tile_type"], "MVT", "{info}");
    assert_eq!(info["tile_compression"], "GZIP", "{info}");
    let meta = &info["metadata"];
    assert_eq!(meta["format"], "pbf");
    let layers = meta["vector_layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3, "{meta}");
    assert_eq!(layers[2]["id"], "buurt");
    assert_eq!(layers[2]["minzoom"], 13);
    let server = app(AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        64 << 20,
    ));
    let compared = same_as_server_at(&server, &samples, "/vector", ".mvt", "age=18%2B").await;
    assert_eq!(compared, 30);
}

//! omzien and omzien-render embedded in another tool, on the built-in synthetic demo (no
//! files, no network): load → figure → trend → risk → layer → a PNG tile → a PMTiles archive.
//!
//! ```text
//! cargo run -p omzien-render --example embed -- [OUT_DIR]
//! ```
//!
//! Writes `OUT_DIR/tile.png` and `OUT_DIR/demo.pmtiles` (the system's temporary folder by
//! default) and prints what it found.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use omzien::{AgeGroup, Indicator, LayerSpec, Level, RiskMode, RiskQuery, TrendQuery, Wave};
use omzien_render::{
    ArchiveMeta, Pyramid, PyramidLevel, Scene, TileCoord, ZoomRange, encode_tile, render,
    write_archive,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(std::env::temp_dir, PathBuf::from);
    std::fs::create_dir_all(&out)?;

    // Load: the demo (`omzien::Loader::new().load([...])` reads real files the same way).
    let ds = omzien::demo::dataset();
    let (first, last) = (Wave::new(2012), Wave::new(2020));
    println!("{}", ds.provenance().source());

    // A figure and a trend.
    let wijk = "WK999903".parse()?;
    let figure = ds.figure(wijk, Indicator::LONELY, last, AgeGroup::ADULTS)?;
    let trend = TrendQuery::new(Indicator::LONELY, first, last).area(&ds, wijk)?;
    println!(
        "{wijk}: {figure}% in {last}, {:+.1} pt since {first}",
        trend.delta.unwrap_or(f64::NAN)
    );

    // Risk: the wijken that rose more than the country.
    let q = RiskQuery::new(Level::Wijk, Indicator::LONELY, last)
        .with_since(first)
        .with_mode(RiskMode::Rising);
    let rising: Vec<String> = q.run(&ds)?.areas.iter().map(|a| a.name.clone()).collect();
    println!("rising: {}", rising.join(", "));

    // A layer of the buurten and the shapes to draw it on.
    let spec = LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Buurt, last);
    let layer = ds.layer(&spec)?;
    let scene = omzien::demo::boundaries()
        .into_iter()
        .find(|b| b.level() == Level::Buurt)
        .map(Scene::new)
        .ok_or("the demo has no buurt boundaries")?;

    // One PNG tile over the middle of the buurten.
    let [w, s, e, n] = scene.boundaries().extent().ok_or("no shapes")?;
    let coord = TileCoord::containing((w + e) / 2.0, (s + n) / 2.0, 13).ok_or("outside the map")?;
    let raster = render(&layer, &scene, coord, 1).ok_or("nothing drawn on the tile")?;
    let png = encode_tile(&raster, &layer)?;
    let tile = out.join("tile.png");
    std::fs::write(&tile, &png)?;
    println!("{}: tile {coord}, {} bytes", tile.display(), png.len());

    // A PMTiles archive of the buurten, zooms 11 to 14, over their extent.
    let zooms = ZoomRange {
        level: Level::Buurt,
        min: 11,
        max: 14,
    };
    let pyramid = Pyramid::new(
        vec![PyramidLevel {
            zooms,
            layer: &layer,
            scene: &scene,
        }],
        None,
        1,
    )?;
    let meta = ArchiveMeta::new(
        &pyramid,
        "demo".into(),
        layer.legend().title,
        ds.provenance().attribution(),
        serde_json::json!({ "source": ds.provenance().source() }),
    );
    let archive = out.join("demo.pmtiles");
    let written = write_archive(
        &pyramid,
        &meta,
        &archive,
        true,
        &|_| {},
        &AtomicBool::new(false),
    )?;
    println!(
        "{}: {} tiles drawn, {} distinct, {} bytes",
        archive.display(),
        written.drawn,
        written.unique,
        written.bytes
    );
    Ok(())
}

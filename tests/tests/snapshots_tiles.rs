//! Tiles of the synthetic demo as binary snapshots (insta): any change to rendering or PNG
//! encoding shows up as a changed image to look at, not only as a failed pixel probe.
//! `cargo insta review` (or `INSTA_UPDATE=always`) accepts an intended change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::{AgeGroup, Indicator, LayerSpec, Level, Wave};
use omzien_render::{Scene, TileCoord, encode_tile, render};

/// The centre of the demo town.
const CENTRE: (f64, f64) = (3.90, 52.90);

fn lonely_adults(level: Level) -> LayerSpec {
    LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, level, Wave::new(2020))
}

/// The PNG of the tile at zoom `z` containing a point, drawn from the demo.
fn tile(spec: &LayerSpec, (lon, lat): (f64, f64), z: u8, scale: u32) -> Vec<u8> {
    let level = spec.level;
    let ds = omzien::demo::dataset();
    let layer = ds.layer(spec).unwrap();
    let boundaries = omzien::demo::boundaries()
        .into_iter()
        .find(|b| b.level() == level)
        .unwrap();
    let scene = Scene::new(boundaries);
    let t = TileCoord::containing(lon, lat, z).unwrap();
    encode_tile(&render(&layer, &scene, t, scale).unwrap(), &layer).unwrap()
}

#[test]
fn demo_buurt_level_tile() {
    let spec = lonely_adults(Level::Buurt);
    insta::assert_binary_snapshot!("demo_buurt_z13.png", tile(&spec, CENTRE, 13, 1));
}

#[test]
fn demo_wijk_delta_tile_at_2x() {
    let spec = LayerSpec::delta(
        Indicator::LONELY,
        AgeGroup::ADULTS,
        Level::Wijk,
        Wave::new(2016),
        Wave::new(2020),
    );
    insta::assert_binary_snapshot!("demo_wijk_delta_z12@2x.png", tile(&spec, CENTRE, 12, 2));
}

#[test]
fn each_tile_is_drawn_afresh() {
    // Drawing contexts are kept from one tile to the next: a tile must not carry anything of
    // the tiles drawn before it.
    let spec = lonely_adults(Level::Buurt);
    let first = tile(&spec, CENTRE, 14, 1);
    let others = [
        tile(&spec, CENTRE, 13, 1),
        tile(&spec, CENTRE, 14, 2),
        tile(&spec, (3.88, 52.89), 14, 1),
    ];
    let again = tile(&spec, CENTRE, 14, 1);
    assert_eq!(again, first, "the same tile after three others");
    // The tiles between were different pictures, so a leftover would have shown.
    assert!(others.iter().all(|o| *o != first));
}

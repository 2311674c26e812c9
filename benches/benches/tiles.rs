//! One tile at z8, z12 and z14 on the real gemeente boundaries, rendered and encoded cold.
#![allow(clippy::expect_used, missing_docs)] // a benchmark that cannot load its input must stop

use criterion::{Criterion, criterion_group, criterion_main};
use omzien::{AgeGroup, Boundaries, Indicator, LayerSpec, Level, Loader, Wave};
use omzien_render::{Scene, TileCoord, encode_tile, render};

fn tiles(c: &mut Criterion) {
    let Some(dir) = omzien_benches::rivm_dir() else {
        return;
    };
    let ds = Loader::new().load([&dir]).expect("the national files load");
    let gm = Boundaries::from_geojson(&dir.join("../cbs-2020/gemeenten_2020.geojson"))
        .expect("gemeente boundaries");
    let layer = ds
        .layer(&LayerSpec::level(
            Indicator::LONELY,
            AgeGroup::ADULTS,
            Level::Gemeente,
            Wave::new(2020),
        ))
        .expect("layer");
    let gm = Scene::new(gm);
    let mut g = c.benchmark_group("tile_gemeente_cold");
    // Tiles over Amsterdam (Dam square) at three zooms: fixed, no RNG.
    for z in [8u8, 12, 14] {
        let t = TileCoord::containing(4.8927, 52.3731, z).expect("tile");
        g.bench_function(format!("z{z}"), |b| {
            b.iter(|| {
                let p = render(&layer, &gm, t, 1).expect("tile has polygons");
                encode_tile(&p, &layer).expect("png")
            });
        });
    }
    let t = TileCoord::containing(4.8927, 52.3731, 8).expect("tile");
    g.bench_function("z8_render_only", |b| {
        b.iter(|| render(&layer, &gm, t, 1).expect("tile has polygons"))
    });
    let p = render(&layer, &gm, t, 1).expect("tile has polygons");
    g.bench_function("z8_encode_only", |b| {
        b.iter(|| encode_tile(&p, &layer).expect("png"))
    });
    g.finish();
}

criterion_group!(benches, tiles);
criterion_main!(benches);

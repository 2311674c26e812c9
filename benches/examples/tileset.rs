//! Side-by-side tile benchmark helper: makes the fixed tile sets, exports the styled polygons
//! for Mapnik, and renders a tile set with omzien on one thread. Used by `benches/mapnik/compare.py`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)] // a benchmark tool: failing loudly is right

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand};
use geo::Contains;
use omzien::{AgeGroup, Boundaries, Indicator, LayerSpec, Level, Loader, Wave};
use omzien_render::{Scene, TileCoord, encode_tile, render};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Writes the fixed tile set (`z x y` per line) for `gemeente` or `buurt`.
    Tiles {
        #[arg(long)]
        boundaries: PathBuf,
        #[arg(long)]
        set: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes the polygons with their fill colour (`fill`, `#rrggbb`) as GeoJSON.
    Export {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        boundaries: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes one level's polygons (as omzien loaded and repaired them, WGS84) with exactly the
    /// attributes of omzien's vector tiles (`omzien_render::FeatureAttributes`, Eenzaam_28,
    /// 18+) as GeoJSON: the input of GDAL's MVT driver in `benches/vector/pyramid.sh`.
    VectorInput {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        boundaries: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Renders every tile of a set on one thread and prints JSON figures.
    Render {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        boundaries: PathBuf,
        #[arg(long)]
        tiles: PathBuf,
        /// Write the PNGs here (for a visual check).
        #[arg(long)]
        save: Option<PathBuf>,
        /// Render the set this many times (for a profiler); figures are for the last round.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
}

/// SplitMix64, seeded: the same sample on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn all_tiles(bbox: [f64; 4], zooms: std::ops::RangeInclusive<u8>) -> Vec<TileCoord> {
    let mut out = Vec::new();
    for z in zooms {
        let a = TileCoord::containing(bbox[0], bbox[3], z).unwrap();
        let b = TileCoord::containing(bbox[2], bbox[1], z).unwrap();
        for x in a.x..=b.x {
            for y in a.y..=b.y {
                out.push(TileCoord::new_checked(u64::from(z), u64::from(x), u64::from(y)).unwrap());
            }
        }
    }
    out
}

/// `n` distinct tiles at zoom `z` whose centre lies in one of the polygons, seeded.
fn sample(b: &Boundaries, bbox: [f64; 4], z: u8, n: usize, seed: u64) -> Vec<TileCoord> {
    let mut rng = Rng(seed);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut tries = 0;
    while out.len() < n {
        tries += 1;
        assert!(
            tries < 1_000_000,
            "cannot find {n} distinct tiles at z{z} in {bbox:?}"
        );
        let lon = bbox[0] + rng.next() * (bbox[2] - bbox[0]);
        let lat = bbox[1] + rng.next() * (bbox[3] - bbox[1]);
        let t = TileCoord::containing(lon, lat, z).unwrap();
        let (w, s, e, nn) = t.bounds();
        let c = geo::Point::new((w + e) / 2.0, (s + nn) / 2.0);
        let inside = b
            .in_bbox([c.x(), c.y()], [c.x(), c.y()])
            .iter()
            .any(|sh| sh.geometry.contains(&c));
        if inside && seen.insert(t) {
            out.push(t);
        }
    }
    out
}

fn layer(data: &Path, b: &Boundaries) -> omzien::Layer {
    let ds = Loader::new().load([data]).expect("figures");
    ds.layer(&LayerSpec::level(
        Indicator::LONELY,
        AgeGroup::ADULTS,
        b.level(),
        Wave::new(2020),
    ))
    .expect("layer")
}

/// A multipolygon as a GeoJSON geometry (lon/lat).
fn multipolygon_json(g: &geo::MultiPolygon<f64>) -> serde_json::Value {
    let polys: Vec<Vec<Vec<[f64; 2]>>> =
        g.0.iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| r.0.iter().map(|c| [c.x, c.y]).collect())
                    .collect()
            })
            .collect();
    serde_json::json!({"type": "MultiPolygon", "coordinates": polys})
}

fn main() {
    match Args::parse().cmd {
        Cmd::Tiles {
            boundaries,
            set,
            out,
        } => tile_list(&boundaries, &set, &out),
        Cmd::Export {
            data,
            boundaries,
            out,
        } => export(&data, &boundaries, &out),
        Cmd::VectorInput {
            data,
            boundaries,
            out,
        } => vector_input(&data, &boundaries, &out),
        Cmd::Render {
            data,
            boundaries,
            tiles,
            save,
            repeat,
        } => render_tiles(&data, &boundaries, &tiles, save.as_deref(), repeat),
    }
}

/// The tile addresses of a set (`gemeente` or `buurt`) over its boundaries, one per line.
fn tile_list(boundaries: &Path, set: &str, out: &Path) {
    let b = Boundaries::from_geojson(boundaries).expect("boundaries");
    let tiles = match (set, b.level()) {
        ("gemeente", Level::Gemeente) => {
            let nl = [3.31, 50.75, 7.23, 53.56];
            let mut t = all_tiles(nl, 6..=10);
            t.extend(sample(&b, nl, 12, 500, 12));
            t.extend(sample(&b, nl, 14, 500, 14));
            t
        }
        ("buurt", Level::Buurt) => {
            // All of the Randstad at z10–z11; the deep samples from the whole country
            // (the Randstad holds fewer than 500 tiles at z13).
            let randstad = [4.2, 51.8, 5.2, 52.45];
            let nl = [3.31, 50.75, 7.23, 53.56];
            let mut t = all_tiles(randstad, 10..=11);
            t.extend(sample(&b, nl, 13, 500, 13));
            t.extend(sample(&b, nl, 15, 500, 15));
            t
        }
        (s, l) => panic!("set {s} does not fit boundaries of level {l}"),
    };
    let mut f = std::fs::File::create(out).unwrap();
    for t in &tiles {
        writeln!(f, "{} {} {}", t.z, t.x, t.y).unwrap();
    }
    eprintln!("{} tiles", tiles.len());
}

/// The boundaries with their class colours as GeoJSON, for the peers to draw.
fn export(data: &Path, boundaries: &Path, out: &Path) {
    let b = Boundaries::from_geojson(boundaries).expect("boundaries");
    let layer = layer(data, &b);
    let features: Vec<serde_json::Value> = b
        .shapes()
        .iter()
        .filter_map(|s| {
            let fill = layer.color(s.code)?.hex();
            Some(serde_json::json!({"type": "Feature", "properties": {"code": s.code.to_string(), "fill": fill},
                "geometry": multipolygon_json(&s.geometry)}))
        })
        .collect();
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(out, serde_json::to_vec(&fc).unwrap()).unwrap();
}

/// The boundaries with the vector tiles' attributes as GeoJSON, for the peers to cut.
fn vector_input(data: &Path, boundaries: &Path, out: &Path) {
    let b = Boundaries::from_geojson(boundaries).expect("boundaries");
    let mut ds = Loader::new().load([&data]).expect("figures");
    ds.name_from(std::slice::from_ref(&b));
    let attributes = omzien_render::FeatureAttributes::new(
        &ds,
        omzien_render::VectorQuery {
            indicator: Indicator::LONELY,
            age: AgeGroup::ADULTS,
        },
    );
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    file.write_all(br#"{"type":"FeatureCollection","features":["#)
        .unwrap();
    for (i, s) in b.shapes().iter().enumerate() {
        let mut props = serde_json::Map::new();
        attributes
            .visit(&ds, s.code, &mut |k, v| {
                let v = match v {
                    omzien_render::Attribute::Text(t) => serde_json::json!(t),
                    omzien_render::Attribute::Number(n) => serde_json::json!(n),
                };
                props.insert(k.to_owned(), v);
            })
            .unwrap();
        let f = serde_json::json!({"type": "Feature", "properties": props,
            "geometry": multipolygon_json(&s.geometry)});
        if i > 0 {
            file.write_all(b",").unwrap();
        }
        serde_json::to_writer(&mut file, &f).unwrap();
    }
    file.write_all(b"]}\n").unwrap();
    file.flush().unwrap();
}

/// Renders and encodes the listed tiles `repeat` times and prints the time of the last round.
fn render_tiles(data: &Path, boundaries: &Path, tiles: &Path, save: Option<&Path>, repeat: usize) {
    let b = Boundaries::from_geojson(boundaries).expect("boundaries");
    let layer = layer(data, &b);
    let scene = Scene::new(b);
    let list: Vec<TileCoord> = std::fs::read_to_string(tiles)
        .unwrap()
        .lines()
        .map(|l| {
            let p: Vec<&str> = l.split_whitespace().collect();
            TileCoord::parse(p[0], p[1], p[2]).unwrap()
        })
        .collect();
    let rounds = repeat.max(1);
    let (mut secs, mut bytes, mut drawn, mut encoding) = (0.0, 0usize, 0usize, 0.0);
    for round in 1..=rounds {
        let start = Instant::now();
        (bytes, drawn, encoding) = (0, 0, 0.0);
        for t in &list {
            if let Some(p) = render(&layer, &scene, *t, 1) {
                let e = Instant::now();
                let png = encode_tile(&p, &layer).unwrap();
                encoding += e.elapsed().as_secs_f64();
                bytes += png.len();
                drawn += 1;
                if let Some(dir) = save.as_ref().filter(|_| round == rounds) {
                    std::fs::write(dir.join(format!("{}_{}_{}.png", t.z, t.x, t.y)), &png).unwrap();
                }
            }
        }
        secs = start.elapsed().as_secs_f64();
    }
    println!(
        "{}",
        serde_json::json!({"tiles": list.len(), "drawn": drawn, "seconds": secs, "encode_seconds": encoding,
            "tiles_per_s": list.len() as f64 / secs, "mean_bytes": bytes as f64 / drawn.max(1) as f64})
    );
}

//! A small built-in demo dataset, generated deterministically: **synthetic figures** for one
//! fictional gemeente, so every command and the map work on a fresh machine.
//!
//! Gemeente `GM9999` "Omzienrade" (no real gemeente has this code) with five wijken and 34
//! buurten, waves 2012, 2016 and 2020, age groups 18+ and 65+. Wijk `WK999903`
//! (Oosterkwartier) rises clearly; some buurten are suppressed; social loneliness is not
//! measured in 2012, as in the real table.

use std::path::PathBuf;

use crate::dataset::DatasetBuilder;
use crate::load::{ParsedFile, RowKey, Target};
use crate::{
    AgeGroup, AreaCode, BuurtCode, Dataset, Figure, GemeenteCode, Indicator, Margin, Wave, Weights,
    WijkCode,
};

/// The demo gemeente's number.
const GM: u16 = 9999;
/// Name of the demo gemeente.
pub const GEMEENTE_NAME: &str = "Omzienrade (synthetisch)";
/// The label shown wherever demo figures appear.
pub const LABEL: &str = "SYNTHETIC DEMO DATA: generated figures for a fictional gemeente, not real";

/// One wijk: name, base share lonely (18+, 2012), change per wave (pp), buurt names.
const WIJKEN: &[(&str, f64, f64, &[&str])] = &[
    (
        "Centrum",
        47.0,
        1.0,
        &[
            "Marktplein",
            "Kerkbuurt",
            "Havenfront",
            "Stationskwartier",
            "Molenstraat",
            "Raadhuisbuurt",
            "Oude Gracht",
        ],
    ),
    (
        "Oud-West",
        42.0,
        0.3,
        &[
            "Vondelbuurt",
            "Lindenhof",
            "Schoolstraat",
            "Weverskwartier",
            "Kanaalzijde",
            "Bleekveld",
        ],
    ),
    (
        "Parkwijk",
        36.0,
        -0.8,
        &[
            "Parkzoom",
            "Vijverhof",
            "Beukenlaan",
            "Rozenbuurt",
            "Sportpark",
            "Eikenhorst",
            "Waterrijk",
        ],
    ),
    (
        "Oosterkwartier",
        41.0,
        5.5,
        &[
            "Oostpoort",
            "Fabriekshof",
            "Dijkbuurt",
            "Spoorzicht",
            "Nieuw Oost",
            "Gasfabriek",
            "Werfkade",
        ],
    ),
    (
        "Buitengebied",
        33.0,
        0.5,
        &[
            "Polder Noord",
            "Polder Zuid",
            "Kerkdorp",
            "Heide",
            "Veenhoek",
            "Broekland",
            "Zandweg",
        ],
    ),
];

const WAVES: [u16; 3] = [2012, 2016, 2020];

/// SplitMix64: a fixed, portable stream of pseudo-random numbers.
fn noise(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The demo gemeente, `GM9999`.
pub const GEMEENTE: GemeenteCode = match GemeenteCode::from_number(GM) {
    Some(g) => g,
    None => GemeenteCode::MAX,
};

fn gemeente() -> GemeenteCode {
    GEMEENTE
}

struct Buurt {
    code: BuurtCode,
    name: &'static str,
    wijk: usize,
    population: f64,
    offset: f64,
    suppressed_from: Option<usize>,
}

fn buurten() -> Vec<Buurt> {
    let mut out = Vec::new();
    for (wi, (_, _, _, names)) in WIJKEN.iter().enumerate() {
        let Some(wk) = WijkCode::new(gemeente(), wi as u8) else {
            continue;
        };
        for (bi, name) in names.iter().enumerate() {
            let Some(code) = BuurtCode::new(wk, bi as u8) else {
                continue;
            };
            let seed = (wi * 100 + bi) as u64;
            let population = (300.0 + 2700.0 * noise(seed * 7 + 1)).round();
            // Small buurten are suppressed, as RIVM does for unreliable estimates.
            let suppressed_from = match (wi, bi) {
                (1, 5) | (4, 3) | (4, 6) => Some(0),
                (2, 6) => Some(2),
                _ => None,
            };
            out.push(Buurt {
                code,
                name,
                wijk: wi,
                population,
                offset: 8.0 * noise(seed * 7 + 2) - 4.0,
                suppressed_from,
            });
        }
    }
    out
}

/// The demo's indicators and how each follows the share lonely (18+): a new one is a row.
/// (indicator, factor on lonely, addition for 65+, measured from wave index)
const INDICATORS: &[(Indicator, f64, f64, usize)] = &[
    (Indicator::LONELY, 1.0, 3.0, 0),
    (Indicator::SEVERELY_LONELY, 0.24, 0.8, 0),
    (Indicator::EMOTIONALLY_LONELY, 0.55, 4.0, 0),
    (Indicator::SOCIALLY_LONELY, 0.78, 1.0, 1),
];

fn lonely(b: &Buurt, wave_idx: usize, senior: bool) -> f64 {
    let (_, base, per_wave, _) = WIJKEN[b.wijk];
    let wiggle = 1.5 * noise(b.code_seed() * 13 + wave_idx as u64) - 0.75;
    base + b.offset + per_wave * wave_idx as f64 + wiggle + if senior { 3.0 } else { 0.0 }
}

impl Buurt {
    fn code_seed(&self) -> u64 {
        u64::from(self.code.number()) + 100 * u64::from(self.code.wijk().number())
    }
}

/// The demo dataset. Deterministic: the same figures on every machine.
///
/// ```
/// use omzien::{AgeGroup, Indicator, Level, Wave};
/// let ds = omzien::demo::dataset();
/// assert!(ds.is_synthetic());
/// assert_eq!(ds.count(Level::Gemeente), 1);
/// assert_eq!(ds.count(Level::Wijk), 5);
/// assert_eq!(ds.count(Level::Buurt), 34);
/// assert_eq!(ds.waves().len(), 3);
/// let s = ds.summary(Level::Buurt, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS, None).unwrap();
/// assert!(s.suppressed >= 3);
/// ```
#[must_use]
pub fn dataset() -> Dataset {
    let bs = buurten();
    let mut rows = Vec::new();
    let mut columns: Vec<(Target, Vec<Figure>)> = INDICATORS
        .iter()
        .map(|(i, ..)| (Target::Schema(*i), Vec::new()))
        .collect();
    let gm = gemeente();
    for (wave_idx, &year) in WAVES.iter().enumerate() {
        for (age, senior) in [(AgeGroup::ADULTS, false), (AgeGroup::SENIORS, true)] {
            let wave = Wave::new(year);
            let mut push_row = |code: AreaCode, name: &str, lonely_share: Option<f64>| {
                rows.push(RowKey {
                    code,
                    area_name: Some(name.to_owned()),
                    gemeente_name: Some(GEMEENTE_NAME.to_owned()),
                    wave,
                    age,
                    margin: Margin::Value,
                });
                for ((ind, factor, senior_add, from_wave), (_, col)) in
                    INDICATORS.iter().zip(columns.iter_mut())
                {
                    let _ = ind;
                    col.push(if wave_idx < *from_wave {
                        Figure::NotMeasured
                    } else {
                        match lonely_share {
                            None => Figure::Suppressed,
                            Some(l) => Figure::Value(round1(
                                l * factor
                                    + if senior {
                                        *senior_add - 3.0 * factor
                                    } else {
                                        0.0
                                    },
                            )),
                        }
                    });
                }
            };
            // Buurten, then wijken and the gemeente as population-weighted means.
            let mut wijk_sums = vec![(0.0, 0.0); WIJKEN.len()];
            for b in &bs {
                let l = lonely(b, wave_idx, senior);
                wijk_sums[b.wijk].0 += l * b.population;
                wijk_sums[b.wijk].1 += b.population;
                let shown = match b.suppressed_from {
                    Some(from) if wave_idx >= from => None,
                    _ => Some(l),
                };
                push_row(AreaCode::Buurt(b.code), b.name, shown);
            }
            let mut total = (0.0, 0.0);
            for (wi, (name, ..)) in WIJKEN.iter().enumerate() {
                let (s, p) = wijk_sums[wi];
                total.0 += s;
                total.1 += p;
                if let Some(wk) = WijkCode::new(gm, wi as u8) {
                    push_row(AreaCode::Wijk(wk), name, Some(s / p));
                }
            }
            push_row(
                AreaCode::Gemeente(gm),
                GEMEENTE_NAME,
                Some(total.0 / total.1),
            );
        }
    }
    let file = ParsedFile {
        path: PathBuf::from("<synthetic demo>"),
        rows,
        columns,
        table: None,
        own: Vec::new(),
    };
    let mut builder = DatasetBuilder::default();
    builder.add(file);
    // The generator writes each (area, wave, age group) once, so merging cannot conflict.
    builder
        .finish(Some(2020), vec![PathBuf::from("<synthetic demo>")], true)
        .unwrap_or_default()
}

/// Synthetic populations of the demo's buurten, wijken and gemeente, as roll-up weights.
///
/// ```
/// let w = omzien::demo::populations();
/// assert_eq!(w.len(), 34 + 5 + 1);
/// ```
#[must_use]
pub fn populations() -> Weights {
    let bs = buurten();
    let mut pairs: Vec<(AreaCode, f64)> = bs
        .iter()
        .map(|b| (AreaCode::Buurt(b.code), b.population))
        .collect();
    let gm = gemeente();
    for wi in 0..WIJKEN.len() {
        if let Some(wk) = WijkCode::new(gm, wi as u8) {
            pairs.push((
                AreaCode::Wijk(wk),
                bs.iter()
                    .filter(|b| b.wijk == wi)
                    .map(|b| b.population)
                    .sum(),
            ));
        }
    }
    pairs.push((
        AreaCode::Gemeente(gm),
        bs.iter().map(|b| b.population).sum(),
    ));
    Weights::from_pairs("synthetic demo populations", pairs)
}

/// Where the fictional town lies: in the North Sea off the Dutch coast, so it can never be
/// mistaken for a real place (degrees).
const CENTRE: (f64, f64) = (3.90, 52.90);
/// Kilometres to degrees at that latitude.
const KM_LON: f64 = 1.0 / 67.2;
const KM_LAT: f64 = 1.0 / 111.2;
/// Wijk centres in kilometres from the town centre.
const WIJK_CENTRES: [(f64, f64); 5] =
    [(0.0, 0.0), (-2.3, 0.4), (0.3, -2.3), (2.4, 0.2), (0.2, 2.5)];

fn km(x: f64, y: f64) -> geo::Coord<f64> {
    geo::coord! { x: CENTRE.0 + x * KM_LON, y: CENTRE.1 + y * KM_LAT }
}

/// A union of cells that met only up to rounding leaves hair-thin holes and spikes along the
/// shared edges; holes and parts smaller than about a square metre are dropped.
fn without_slivers(mp: geo::MultiPolygon<f64>) -> geo::MultiPolygon<f64> {
    use geo::Area;
    const MIN_AREA: f64 = 1e-10; // square degrees, about 1 m² here
    geo::MultiPolygon(
        mp.0.into_iter()
            .filter(|p| p.unsigned_area() >= MIN_AREA)
            .map(|p| {
                let (ext, holes) = p.into_inner();
                let holes = holes
                    .into_iter()
                    .filter(|h| geo::Polygon::new(h.clone(), vec![]).unsigned_area() >= MIN_AREA)
                    .collect();
                geo::Polygon::new(ext, holes)
            })
            .collect(),
    )
}

/// Synthetic boundaries for the demo: buurten are Voronoi cells of seeded points inside an
/// oval town outline; wijken and the gemeente are unions of their buurten.
///
/// ```
/// use omzien::Level;
/// let [gm, wk, bu] = omzien::demo::boundaries();
/// assert_eq!((gm.level(), wk.level(), bu.level()), (Level::Gemeente, Level::Wijk, Level::Buurt));
/// assert_eq!(bu.shapes().len(), 34);
/// assert_eq!(wk.shapes().len(), 5);
/// assert_eq!(gm.shapes().len(), 1);
/// // Every buurt's cell contains a point and lies inside the gemeente.
/// let centre = bu.shapes()[0].bbox.center();
/// assert!(gm.at(centre.x, centre.y).is_some());
/// ```
#[must_use]
pub fn boundaries() -> [crate::Boundaries; 3] {
    use geo::{Contains, Voronoi, VoronoiClip, VoronoiParams};
    let outline = geo::Polygon::new(
        geo::LineString::from(
            (0..=32)
                .map(|i| {
                    let a = std::f64::consts::TAU * f64::from(i % 32) / 32.0;
                    let wobble = 1.0 + 0.06 * (3.0 * a).sin();
                    km(4.6 * a.cos() * wobble, 4.2 * a.sin() * wobble)
                })
                .collect::<Vec<_>>(),
        ),
        vec![],
    );
    let bs = buurten();
    let seeds: Vec<(BuurtCode, geo::Point<f64>)> = bs
        .iter()
        .map(|b| {
            let (cx, cy) = WIJK_CENTRES[b.wijk];
            let j = f64::from(b.code.number());
            let n = WIJKEN[b.wijk].3.len() as f64;
            let angle = std::f64::consts::TAU * j / n + 0.6 * noise(b.code_seed() * 31 + 5);
            let r = if j == 0.0 {
                0.0
            } else {
                0.75 + 0.5 * noise(b.code_seed() * 31 + 6)
            };
            (
                b.code,
                geo::Point::from(km(cx + r * angle.cos(), cy + r * angle.sin())),
            )
        })
        .collect();
    let points = geo::MultiPoint::from(seeds.iter().map(|(_, p)| *p).collect::<Vec<_>>());
    let cells = points
        .voronoi_cells_with_params(VoronoiParams::new().clip(VoronoiClip::Polygon(&outline)))
        .unwrap_or_default();
    let buurt_shapes: Vec<(AreaCode, geo::MultiPolygon<f64>)> = seeds
        .iter()
        .filter_map(|(code, p)| {
            cells.iter().find(|c| c.contains(p)).map(|c| {
                // Vertices on a 1e-7° grid (about a centimetre): cells that share an edge
                // share it exactly, so their union has no slivers.
                use geo::MapCoords;
                let snapped = c.map_coords(|p| {
                    geo::coord! {
                        x: (p.x * 1e7).round() / 1e7,
                        y: (p.y * 1e7).round() / 1e7,
                    }
                });
                (AreaCode::Buurt(*code), geo::MultiPolygon(vec![snapped]))
            })
        })
        .collect();
    let wijk_shapes: Vec<(AreaCode, geo::MultiPolygon<f64>)> = (0..WIJKEN.len())
        .filter_map(|wi| {
            let wk = WijkCode::new(GEMEENTE, wi as u8)?;
            let parts: Vec<&geo::MultiPolygon<f64>> = buurt_shapes
                .iter()
                .filter(|(c, _)| c.parent() == Some(AreaCode::Wijk(wk)))
                .map(|(_, g)| g)
                .collect();
            Some((AreaCode::Wijk(wk), without_slivers(geo::unary_union(parts))))
        })
        .collect();
    let gm_shape = without_slivers(geo::unary_union(wijk_shapes.iter().map(|(_, g)| g)));
    [
        crate::Boundaries::from_shapes(
            crate::Level::Gemeente,
            "<synthetic demo>",
            vec![(AreaCode::Gemeente(GEMEENTE), gm_shape)],
        ),
        crate::Boundaries::from_shapes(crate::Level::Wijk, "<synthetic demo>", wijk_shapes),
        crate::Boundaries::from_shapes(crate::Level::Buurt, "<synthetic demo>", buurt_shapes),
    ]
}

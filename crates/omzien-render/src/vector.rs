//! Vector tiles (Mapbox Vector Tile 2.1): the areas of one level in a tile, clipped to the tile
//! with a buffer and snapped to its grid (which simplifies them per zoom), each carrying what a
//! client needs to style and explain it without another request: code, name, gemeente, and for
//! one indicator and age group the value, status and 95 % bounds of every wave and the change
//! between waves.

use omzien::{AgeGroup, AreaCode, Dataset, Figure, Indicator, Layer, LayerKind, Wave};

use crate::{Scene, TileCoord};

/// Tile units per side.
pub const MVT_EXTENT: u32 = 4096;
/// Tile units drawn beyond each edge, so that strokes and fills meet across tiles.
pub const MVT_BUFFER: u32 = 64;

/// Why a vector tile could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VectorError {
    /// The encoder refused a geometry or the tile.
    #[error("vector tile {coord}: {message}")]
    Encode {
        /// The tile.
        coord: String,
        /// The encoder's message.
        message: String,
    },
    /// A wave or age group the dataset does not hold.
    #[error(transparent)]
    Query(#[from] omzien::QueryError),
}

/// What the features carry: an indicator and an age group, in every wave of the dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VectorQuery {
    /// The indicator.
    pub indicator: Indicator,
    /// The age group.
    pub age: AgeGroup,
}

/// The status word of a figure.
fn status(f: Figure) -> &'static str {
    match f {
        Figure::Value(_) => "value",
        Figure::Suppressed => "suppressed",
        _ => "not measured",
    }
}

/// The attribute names of a vector tile feature: one place for the tiles, their TileJSON and
/// the styles that read them.
pub mod field {
    use omzien::Wave;

    /// `status_2020`: `value`, `suppressed` or `not measured`.
    #[must_use]
    pub fn status(w: Wave) -> String {
        format!("status_{w}")
    }
    /// `value_2020`: the figure.
    #[must_use]
    pub fn value(w: Wave) -> String {
        format!("value_{w}")
    }
    /// `lower_2020`: the lower 95 % bound.
    #[must_use]
    pub fn lower(w: Wave) -> String {
        format!("lower_{w}")
    }
    /// `upper_2020`: the upper 95 % bound.
    #[must_use]
    pub fn upper(w: Wave) -> String {
        format!("upper_{w}")
    }
    /// `change_2012_2020`: the change in percentage points (only when both waves have a value).
    #[must_use]
    pub fn change(a: Wave, b: Wave) -> String {
        format!("change_{a}_{b}")
    }
}

/// The attribute that colours a layer's features (the wave's value or the change) and the
/// statuses that say why a feature has none (the wave's, or both waves' of a change).
fn shading_fields(layer: &Layer) -> (String, Vec<String>) {
    match layer.spec().kind {
        LayerKind::Level { wave } => (field::value(wave), vec![field::status(wave)]),
        LayerKind::Delta { from, to } => (
            field::change(from, to),
            vec![field::status(from), field::status(to)],
        ),
        // A kind this version does not know is drawn as not measured.
        #[allow(unreachable_patterns)]
        _ => (String::new(), Vec::new()),
    }
}

/// `["any", status is suppressed, …]` over the statuses of a layer.
fn any_suppressed(statuses: &[String]) -> serde_json::Value {
    let mut any = vec![serde_json::json!("any")];
    any.extend(
        statuses
            .iter()
            .map(|s| serde_json::json!(["==", ["get", s], "suppressed"])),
    );
    serde_json::Value::Array(any)
}

/// The MapLibre GL style expression (`fill-color`) that colours the vector tiles' features as
/// the PNG tiles of `layer` are coloured: the value (or change) attribute stepped through the
/// layer's class breaks (a value equal to a break takes the class above, as
/// [`omzien::classify::Classes::class_of`] does), the suppressed colour where a wave's status is
/// suppressed, else the not-measured colour.
#[must_use]
pub fn fill_color(layer: &Layer) -> serde_json::Value {
    use serde_json::json;
    let (number, statuses) = shading_fields(layer);
    let palette = layer.palette();
    let mut step = vec![json!("step"), json!(["get", number])];
    let mut colors = palette.classes.iter().map(|c| c.hex());
    step.push(json!(
        colors.next().unwrap_or_else(|| palette.not_measured.hex())
    ));
    for (b, c) in layer.classes().breaks().iter().zip(colors) {
        step.push(json!(b));
        step.push(json!(c));
    }
    json!([
        "case",
        ["has", number],
        step,
        any_suppressed(&statuses),
        palette.suppressed.hex(),
        palette.not_measured.hex()
    ])
}

/// MapLibre filters that pick, in `layer`, the features [`fill_color`] paints in the suppressed
/// colour and those it paints in the not-measured colour: a page lays a pattern over each, so
/// the two are told apart without colour (WCAG 1.4.1).
#[must_use]
pub fn status_filters(layer: &Layer) -> StatusFilters {
    use serde_json::json;
    let (number, statuses) = shading_fields(layer);
    let suppressed = any_suppressed(&statuses);
    StatusFilters {
        suppressed: json!(["all", ["!", ["has", number]], suppressed]),
        not_measured: json!(["all", ["!", ["has", number]], ["!", suppressed]]),
    }
}

/// The filters of [`status_filters`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatusFilters {
    /// Features without a figure because it is suppressed (too few respondents).
    pub suppressed: serde_json::Value,
    /// Features without a figure because it was not measured.
    pub not_measured: serde_json::Value,
}

/// The attributes of [`vector_tile`]'s features with a description of each, as TileJSON 3.0's
/// `vector_layers[].fields` has them (the server's TileJSON and the archives' metadata).
#[must_use]
pub fn vector_fields(ds: &Dataset, q: VectorQuery) -> serde_json::Map<String, serde_json::Value> {
    let (indicator, age) = (q.indicator, q.age);
    let mut fields = serde_json::Map::new();
    fields.insert("code".into(), "Area code (GM, WK or BU)".into());
    fields.insert("name".into(), "Area name".into());
    fields.insert("gemeente".into(), "Name of its gemeente".into());
    for w in ds.waves() {
        fields.insert(
            field::status(*w),
            format!("{w}: value, suppressed or not measured").into(),
        );
        fields.insert(field::value(*w), format!("{w}: {indicator}, {age}").into());
        fields.insert(field::lower(*w), format!("{w}: lower 95% bound").into());
        fields.insert(field::upper(*w), format!("{w}: upper 95% bound").into());
    }
    for (a, b) in ds.wave_pairs() {
        fields.insert(
            field::change(a, b),
            format!("{a} → {b}: change in percentage points").into(),
        );
    }
    fields
}

/// One attribute of a feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Attribute<'a> {
    /// A string (code, name, gemeente, status).
    Text(&'a str),
    /// A number (value, bounds, change).
    Number(f64),
}

/// The attributes of the areas' features for one indicator and age group ([`vector_fields`]
/// describes them): the names are made once, then [`FeatureAttributes::visit`] gives each
/// area's. The vector tiles carry exactly these; anything that needs the same attributes
/// (a benchmark's input for another tool, an export) asks here.
#[derive(Debug, Clone)]
pub struct FeatureAttributes {
    query: VectorQuery,
    waves: Vec<(Wave, [String; 4])>,
    changes: Vec<(Wave, Wave, String)>,
}

impl FeatureAttributes {
    /// The attribute names of every wave and change of `ds`.
    #[must_use]
    pub fn new(ds: &Dataset, query: VectorQuery) -> Self {
        Self {
            query,
            waves: ds
                .waves()
                .iter()
                .map(|w| {
                    (
                        *w,
                        [
                            field::status(*w),
                            field::value(*w),
                            field::lower(*w),
                            field::upper(*w),
                        ],
                    )
                })
                .collect(),
            changes: ds
                .wave_pairs()
                .map(|(a, b)| (a, b, field::change(a, b)))
                .collect(),
        }
    }

    /// Calls `f` with each attribute of the area `code`: `code`, `name` and `gemeente` (when
    /// known), then per wave its status, value and 95 % bounds (when there are), then each
    /// change between two waves that both have a value ([`omzien::change`]).
    ///
    /// # Errors
    /// [`VectorError::Query`] for an age group the dataset does not hold.
    pub fn visit(
        &self,
        ds: &Dataset,
        code: AreaCode,
        f: &mut dyn FnMut(&str, Attribute<'_>),
    ) -> Result<(), VectorError> {
        let q = self.query;
        f("code", Attribute::Text(&code.to_string()));
        if let Ok(area) = ds.area(code) {
            f("name", Attribute::Text(&area.display_name()));
            if let Some(g) = &area.gemeente_name {
                f("gemeente", Attribute::Text(g));
            }
        }
        let mut values = Vec::with_capacity(self.waves.len());
        for (wave, k) in &self.waves {
            let fig = ds.figure(code, q.indicator, *wave, q.age)?;
            f(&k[0], Attribute::Text(status(fig)));
            if let Figure::Value(v) = fig {
                f(&k[1], Attribute::Number(v));
                if let Some((lo, hi)) = ds.interval(code, q.indicator, *wave, q.age)? {
                    f(&k[2], Attribute::Number(lo));
                    f(&k[3], Attribute::Number(hi));
                }
            }
            values.push((*wave, fig.value()));
        }
        let value = |w: Wave| values.iter().find(|(x, _)| *x == w).and_then(|(_, v)| *v);
        for (a, b, k) in &self.changes {
            if let (Some(va), Some(vb)) = (value(*a), value(*b)) {
                f(k, Attribute::Number(omzien::change(va, vb)));
            }
        }
        Ok(())
    }
}

/// The MVT of one tile: one layer named after the scene's level (`gemeente`, `wijk`, `buurt`),
/// or `None` when no area meets the tile.
///
/// Attributes of each feature: `code`, `name`, `gemeente`; per wave `W`: `status_W`
/// (`value`, `suppressed`, `not measured`), and where there is a value `value_W`, and where the
/// data has them `lower_W` and `upper_W`; per change `A`→`B` of [`Dataset::wave_pairs`] with
/// both values `change_A_B` (percentage points).
///
/// # Errors
/// [`VectorError`] when the encoder refuses the tile or the query does not fit the dataset.
///
/// ```
/// use omzien::{AgeGroup, Indicator};
/// use omzien_render::{Scene, TileCoord, VectorQuery, vector_tile};
/// let ds = omzien::demo::dataset();
/// let [_, wijken, _] = omzien::demo::boundaries();
/// let scene = Scene::new(wijken);
/// let [w, s, e, n] = scene.boundaries().extent().unwrap();
/// let tile = TileCoord::containing((w + e) / 2.0, (s + n) / 2.0, 11).unwrap();
/// let q = VectorQuery { indicator: Indicator::LONELY, age: AgeGroup::ADULTS };
/// let mvt = vector_tile(&ds, &scene, tile, q)?.expect("the wijken meet the tile");
/// // The layer is named after the level, and the features carry their codes.
/// assert!(mvt.windows(4).any(|w| w == b"wijk"));
/// assert!(mvt.windows(8).any(|w| w == b"WK999903"));
/// assert!(vector_tile(&ds, &scene, TileCoord::new_checked(11, 0, 0).unwrap(), q)?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn vector_tile(
    ds: &Dataset,
    scene: &Scene,
    coord: TileCoord,
    q: VectorQuery,
) -> Result<Option<Vec<u8>>, VectorError> {
    let err = |e: mvt::Error| VectorError::Encode {
        coord: coord.to_string(),
        message: e.to_string(),
    };
    let (w, s, e, n) = coord.bounds();
    // The buffer in degrees, generously: a tile is narrower in latitude than in longitude.
    let pad = (e - w) * f64::from(MVT_BUFFER) / f64::from(MVT_EXTENT);
    let indices = scene.indices_in_bbox([w - pad, s - pad], [e + pad, n + pad]);
    if indices.is_empty() {
        return Ok(None);
    }
    let tiles = f64::from(1u32 << coord.z);
    let scale = f64::from(MVT_EXTENT);
    let (x0, y0) = (f64::from(coord.x), f64::from(coord.y));
    let buffer = f64::from(MVT_BUFFER);
    // World units (0–1) → tile units.
    let to_tile = |p: &[f64; 2]| [(p[0] * tiles - x0) * scale, (p[1] * tiles - y0) * scale];
    let (lo, hi) = (-buffer, scale + buffer);
    let attributes = FeatureAttributes::new(ds, q);

    let mut tile = mvt::Tile::new(MVT_EXTENT);
    let mut layer = tile.create_layer(&scene.level().to_string());
    let mut any = false;
    let (mut clipped, mut spare, mut grid) = (Vec::new(), Vec::new(), Vec::<[i32; 2]>::new());
    for i in indices {
        let Some(shape) = scene.shape(i) else {
            continue;
        };
        let mut enc = mvt::GeomEncoder::new(mvt::GeomType::Polygon);
        for (ring, &hole) in shape.rings.iter().zip(&shape.holes) {
            if ring.len() < 4 {
                continue;
            }
            // The closing point is left out: ClosePath closes the ring.
            let tile_ring: Vec<[f64; 2]> = ring[..ring.len() - 1].iter().map(to_tile).collect();
            clip_ring(&tile_ring, lo, hi, &mut clipped, &mut spare);
            // On the tile grid, without repeated points; a ring that collapses is left out.
            grid.clear();
            for p in &clipped {
                let q = [p[0].round() as i32, p[1].round() as i32];
                if grid.last() != Some(&q) {
                    grid.push(q);
                }
            }
            while grid.len() > 1 && grid.first() == grid.last() {
                grid.pop();
            }
            // Twice the signed area, in tile units (y down).
            let area: i64 = (0..grid.len())
                .map(|i| {
                    let (a, b) = (grid[i], grid[(i + 1) % grid.len()]);
                    i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1])
                })
                .sum();
            if grid.len() < 3 || area == 0 {
                continue;
            }
            // MVT: outer rings wind with a positive area in tile units (y down), holes negative.
            let reverse = (area > 0) == hole;
            let mut add = |p: &[i32; 2]| enc.add_point(f64::from(p[0]), f64::from(p[1]));
            if reverse {
                grid.iter().rev().try_for_each(&mut add).map_err(err)?;
            } else {
                grid.iter().try_for_each(&mut add).map_err(err)?;
            }
            enc.complete_geom().map_err(err)?;
        }
        let geom = enc.encode().map_err(err)?;
        if geom.is_empty() {
            continue;
        }
        let mut f = layer.into_feature(geom);
        attributes.visit(ds, shape.code, &mut |key, value| match value {
            Attribute::Text(t) => f.add_tag_string(key, t),
            Attribute::Number(v) => add_number(&mut f, key, v),
        })?;
        layer = f.into_layer();
        any = true;
    }
    if !any {
        return Ok(None);
    }
    tile.add_layer(layer).map_err(err)?;
    tile.to_bytes().map(Some).map_err(err)
}

/// A number in the smallest MVT value type that holds it exactly: whole numbers as integers,
/// numbers a 32-bit float holds exactly as floats, others as doubles (the value a client reads
/// is the same).
fn add_number(f: &mut mvt::Feature, key: &str, v: f64) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if v.fract() == 0.0 && v.abs() < EXACT {
        if v >= 0.0 {
            f.add_tag_uint(key, v as u64);
        } else {
            f.add_tag_sint(key, v as i64);
        }
    } else if v.is_finite() && f64::from(v as f32) == v {
        f.add_tag_float(key, v as f32);
    } else {
        f.add_tag_double(key, v);
    }
}

/// Clips a ring (tile units, not closed) to the square `[lo, hi]²` (Sutherland–Hodgman: the
/// part of the polygon inside, with stretches along the square's edges where it runs outside),
/// into `out`; `spare` is scratch space.
fn clip_ring(
    ring: &[[f64; 2]],
    lo: f64,
    hi: f64,
    out: &mut Vec<[f64; 2]>,
    spare: &mut Vec<[f64; 2]>,
) {
    out.clear();
    out.extend_from_slice(ring);
    let inside_all = ring
        .iter()
        .all(|p| (lo..=hi).contains(&p[0]) && (lo..=hi).contains(&p[1]));
    if inside_all {
        return;
    }
    // Each edge: the axis, the bound, and whether the inside is above it.
    for (axis, bound, above) in [(0, lo, true), (0, hi, false), (1, lo, true), (1, hi, false)] {
        std::mem::swap(out, spare);
        out.clear();
        let inside = |p: &[f64; 2]| {
            if above {
                p[axis] >= bound
            } else {
                p[axis] <= bound
            }
        };
        let Some(&last) = spare.last() else {
            return;
        };
        let mut prev = last;
        for &p in spare.iter() {
            let (pin, cin) = (inside(&prev), inside(&p));
            if pin != cin {
                let t = (bound - prev[axis]) / (p[axis] - prev[axis]);
                let mut q = [
                    prev[0] + t * (p[0] - prev[0]),
                    prev[1] + t * (p[1] - prev[1]),
                ];
                q[axis] = bound;
                out.push(q);
            }
            if cin {
                out.push(p);
            }
            prev = p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(ring: &[[f64; 2]]) -> Vec<[f64; 2]> {
        let (mut out, mut spare) = (Vec::new(), Vec::new());
        clip_ring(ring, 0.0, 10.0, &mut out, &mut spare);
        out
    }

    fn area(r: &[[f64; 2]]) -> f64 {
        (0..r.len())
            .map(|i| {
                let (a, b) = (r[i], r[(i + 1) % r.len()]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum::<f64>()
            / 2.0
    }

    #[test]
    fn rings_are_clipped_to_the_square() {
        // Inside: unchanged.
        let inside = [[1.0, 1.0], [5.0, 1.0], [5.0, 5.0]];
        assert_eq!(clip(&inside), inside.to_vec());
        // Around the square: the square, same winding.
        let around = [[-5.0, -5.0], [15.0, -5.0], [15.0, 15.0], [-5.0, 15.0]];
        let c = clip(&around);
        assert!((area(&c) - 100.0).abs() < 1e-9, "{c:?}");
        assert!(
            c.iter()
                .all(|p| (0.0..=10.0).contains(&p[0]) && (0.0..=10.0).contains(&p[1]))
        );
        let reversed: Vec<_> = around.iter().rev().copied().collect();
        assert!((area(&clip(&reversed)) + 100.0).abs() < 1e-9);
        // Half in: the part inside.
        let half = [[5.0, 2.0], [20.0, 2.0], [20.0, 4.0], [5.0, 4.0]];
        assert!((area(&clip(&half)) - 10.0).abs() < 1e-9);
        // Outside: nothing.
        assert!(clip(&[[20.0, 20.0], [30.0, 20.0], [30.0, 30.0]]).is_empty());
    }
}

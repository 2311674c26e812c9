//! A GeoJSON file's features read: the level sniffed from the codes alone, the projection
//! from RD New, the codes checked, and each polygon converted, projected and made valid.

use super::*;

/// A ring whose first and last positions differ, or with under four positions, described.
/// A repaired polygon in one fixed form: exteriors counter-clockwise and holes clockwise, every
/// ring starting at its smallest vertex, holes and polygons in vertex order. The repair does not
/// promise an order, and drawing the same shape from another start point moves anti-aliased
/// edges by a rounding error: tiles (and their ETags) would change from run to run.
pub(super) fn canonical(mp: MultiPolygon) -> MultiPolygon {
    use geo::orient::{Direction, Orient};
    use geo::{Coord, LineString, Polygon};
    fn cmp(a: &Coord, b: &Coord) -> std::cmp::Ordering {
        a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
    }
    fn ring(r: &LineString) -> LineString {
        let mut c: Vec<Coord> = r.0.clone();
        if c.len() > 1 && c.first() == c.last() {
            c.pop();
        }
        if let Some(start) = (0..c.len()).min_by(|&i, &j| cmp(&c[i], &c[j])) {
            c.rotate_left(start);
        }
        if let Some(first) = c.first().copied() {
            c.push(first);
        }
        LineString(c)
    }
    let first = |r: &LineString| r.0.first().copied();
    let mut polys: Vec<Polygon> = mp
        .orient(Direction::Default)
        .0
        .iter()
        .map(|p| {
            let mut holes: Vec<LineString> = p.interiors().iter().map(ring).collect();
            holes.sort_by(|a, b| match (first(a), first(b)) {
                (Some(x), Some(y)) => cmp(&x, &y),
                _ => a.0.len().cmp(&b.0.len()),
            });
            Polygon::new(ring(p.exterior()), holes)
        })
        .collect();
    polys.sort_by(|a, b| match (first(a.exterior()), first(b.exterior())) {
        (Some(x), Some(y)) => cmp(&x, &y),
        _ => a.exterior().0.len().cmp(&b.exterior().0.len()),
    });
    MultiPolygon(polys)
}

/// A boundary file's read error, with the file.
pub(super) fn json_error(path: &Path, e: ReadError) -> BoundaryError {
    match e {
        ReadError::Io(source) => BoundaryError::Io {
            path: path.to_owned(),
            source,
        },
        ReadError::Json { line, message } => BoundaryError::Json {
            path: path.to_owned(),
            line,
            message,
        },
    }
}

/// The level of a file's areas from their codes alone, without building any geometry: the
/// same code property as a full read takes (the most specific one any feature has).
pub(super) fn sniff_level(path: &Path, bytes: &[u8]) -> Result<Option<Level>, BoundaryError> {
    let sniff: Collection<serde::de::IgnoredAny> =
        crate::load::geojson::parse(bytes).map_err(|e| json_error(path, e))?;
    Ok(CODE_PROPERTIES
        .iter()
        .find(|p| sniff.features.iter().any(|f| f.property(p).is_some()))
        .and_then(|p| {
            sniff
                .features
                .iter()
                .find_map(|f| f.property(p)?.as_str()?.parse::<AreaCode>().ok())
        })
        .map(|c| c.level()))
}

/// From a file's coordinates to WGS84: none for WGS84, RD New's projection for RD New.
pub(super) fn projection(
    path: &Path,
    crs: Crs,
) -> Result<Option<(proj4rs::Proj, proj4rs::Proj)>, BoundaryError> {
    Ok(match crs {
        Crs::Wgs84 => None,
        Crs::RdNew => {
            let err = |e: proj4rs::errors::Error| BoundaryError::Projection {
                path: path.to_owned(),
                message: e.to_string(),
            };
            Some((
                proj4rs::Proj::from_proj_string(RD_NEW_PROJ).map_err(err)?,
                proj4rs::Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs")
                    .map_err(err)?,
            ))
        }
    })
}

/// The features of a file that can be drawn, by code, in file order.
pub(super) struct Coded {
    /// Each feature to draw (its index) and its code.
    pub(super) todo: Vec<(usize, AreaCode)>,
    /// Features left out, and why.
    pub(super) skipped: Vec<Skipped>,
    /// The file's level (of its first code).
    pub(super) level: Option<Level>,
}

/// The codes of a file's features: which to draw (the first of each code), which are left out
/// (no code, a bad one, a duplicate), and the file's one level.
pub(super) fn coded(
    path: &Path,
    fc: &Collection<Option<geojson::Geometry>>,
    code_prop: &str,
) -> Result<Coded, BoundaryError> {
    let mut skipped = Vec::new();
    let mut seen: std::collections::HashSet<AreaCode> =
        std::collections::HashSet::with_capacity(fc.features.len());
    let mut todo: Vec<(usize, AreaCode)> = Vec::with_capacity(fc.features.len());
    let mut level: Option<Level> = None;
    for (i, f) in fc.features.iter().enumerate() {
        let mut skip = |code: Option<AreaCode>, reason: String| {
            skipped.push(Skipped {
                feature: i,
                code,
                reason,
            })
        };
        let Some(raw) = f
            .properties
            .as_ref()
            .and_then(|m| m.get(code_prop))
            .and_then(|v| v.as_str())
        else {
            skip(None, format!("no {code_prop} property"));
            continue;
        };
        let code: AreaCode = match raw.parse() {
            Ok(c) => c,
            Err(e) => {
                skip(None, e.to_string());
                continue;
            }
        };
        match level {
            None => level = Some(code.level()),
            Some(l) if l != code.level() => {
                return Err(BoundaryError::MixedLevels {
                    path: path.to_owned(),
                    first: l,
                    second: code.level(),
                });
            }
            Some(_) => {}
        }
        if !seen.insert(code) {
            skip(
                Some(code),
                "duplicate code: the first feature is kept".into(),
            );
            continue;
        }
        todo.push((i, code));
    }
    Ok(Coded {
        todo,
        skipped,
        level,
    })
}

/// A feature's polygon ready to index.
pub(super) struct Drawn {
    pub(super) geometry: MultiPolygon<f64>,
    pub(super) bbox: Rect<f64>,
    /// Whether it was invalid and repaired.
    pub(super) repaired: bool,
}

/// One feature's polygon in WGS84, repaired where invalid; or why it cannot be drawn.
pub(super) fn polygon_of(
    geometry: Option<&geojson::Geometry>,
    projection: Option<&(proj4rs::Proj, proj4rs::Proj)>,
) -> Result<Drawn, String> {
    let Some(g) = geometry else {
        return Err("no geometry".into());
    };
    // Only polygons are converted (the converter indexes positions without checking them).
    if !matches!(
        g.value,
        geojson::GeometryValue::Polygon { .. } | geojson::GeometryValue::MultiPolygon { .. }
    ) {
        return Err("geometry is not a polygon or multipolygon".into());
    }
    // Check rings on the raw coordinates: converting to `geo` would close them silently (and
    // panic on a position of fewer than two numbers).
    if let Some(reason) = unclosed(&g.value) {
        return Err(reason);
    }
    let geometry = match geo::Geometry::<f64>::try_from(&g.value) {
        Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(geo::Geometry::MultiPolygon(mp)) => mp,
        Ok(_) => return Err("geometry is not a polygon or multipolygon".into()),
        Err(e) => return Err(format!("unreadable geometry: {e}")),
    };
    let mut geometry = match projection {
        None => geometry,
        Some((from, to)) => {
            let mut g = geometry;
            proj4rs::transform::transform(from, to, &mut g)
                .map_err(|e| format!("cannot project from RD New: {e}"))?;
            g.map_coords(|c| geo::coord! { x: c.x.to_degrees(), y: c.y.to_degrees() })
        }
    };
    let mut repaired = false;
    if !crate::load::valid::is_valid(&geometry) {
        match geometry.make_valid() {
            Ok(fixed) if crate::load::valid::is_valid(&fixed) && !fixed.0.is_empty() => {
                geometry = canonical(fixed);
                repaired = true;
            }
            _ => return Err("invalid polygon that could not be repaired".into()),
        }
    }
    let bbox = geometry
        .bounding_rect()
        .ok_or_else(|| "empty polygon".to_owned())?;
    Ok(Drawn {
        geometry,
        bbox,
        repaired,
    })
}

pub(super) fn unclosed(g: &geojson::GeometryValue) -> Option<String> {
    let polygons: &[geojson::PolygonType] = match g {
        geojson::GeometryValue::Polygon { coordinates } => std::slice::from_ref(coordinates),
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates,
        _ => return None,
    };
    if let Some(p) = polygons.iter().flatten().flatten().find(|p| p.len() < 2) {
        return Some(format!(
            "a position has {} number{} (a position is [longitude, latitude])",
            p.len(),
            if p.len() == 1 { "" } else { "s" }
        ));
    }
    polygons
        .iter()
        .flatten()
        .find(|ring| ring.len() < 4 || ring.first() != ring.last())
        .map(|ring| {
            format!(
                "unclosed or degenerate ring ({} positions, first and last differ or too few)",
                ring.len()
            )
        })
}

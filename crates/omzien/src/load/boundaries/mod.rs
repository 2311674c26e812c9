//! Area boundaries from GeoJSON (WGS84/CRS84 or RD New, EPSG:28992) into `geo` polygons,
//! with an R-tree for bounding-box and point look-ups.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::geojson::{Collection, ReadError};
use geo::{BoundingRect, Contains, MakeValid, MapCoords, MultiPolygon, Point, Rect};
use rstar::{AABB, RTree, RTreeObject};

use crate::{AreaCode, Dataset, Level};

mod geometry;

use geometry::{Coded, Drawn, coded, json_error, polygon_of, projection, sniff_level};

/// A boundary file that cannot be used at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BoundaryError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Not a GeoJSON FeatureCollection.
    #[error("{}: line {line}: not a GeoJSON FeatureCollection: {message}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A `crs` member naming a system this loader does not know.
    #[error("{}: unknown CRS {crs:?}: expected CRS84/EPSG:4326 (lon/lat) or EPSG:28992 (RD New)", path.display())]
    UnknownCrs {
        /// The file.
        path: PathBuf,
        /// The CRS as declared.
        crs: String,
    },
    /// No feature has any of the code properties.
    #[error("{}: no feature has a code property (tried {tried})", path.display())]
    NoCodeProperty {
        /// The file.
        path: PathBuf,
        /// The properties tried.
        tried: String,
    },
    /// Features of more than one level.
    #[error("{}: features of two levels ({first} and {second}): one file per level", path.display())]
    MixedLevels {
        /// The file.
        path: PathBuf,
        /// A level seen.
        first: Level,
        /// Another level seen.
        second: Level,
    },
    /// The projection library failed to set up RD New.
    #[error("{}: projection: {message}", path.display())]
    Projection {
        /// The file.
        path: PathBuf,
        /// Its message.
        message: String,
    },
    /// Nothing usable in the file.
    #[error("{}: no usable features", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Folders and files named, but no usable boundary file among them.
    #[error("no usable GeoJSON boundary file in {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoneUsable {
        /// What was named.
        paths: Vec<PathBuf>,
    },
}

/// The coordinate systems boundary files come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Crs {
    /// Longitude/latitude on WGS84 (CRS84, EPSG:4326).
    Wgs84,
    /// RD New (Amersfoort / RD New, EPSG:28992), metres.
    RdNew,
}

/// CRS names as GeoJSON files declare them. A new system is a row.
const CRS_NAMES: &[(&str, Crs)] = &[
    ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
    ("urn:ogc:def:crs:OGC::CRS84", Crs::Wgs84),
    ("urn:ogc:def:crs:EPSG::4326", Crs::Wgs84),
    ("EPSG:4326", Crs::Wgs84),
    ("urn:ogc:def:crs:EPSG::28992", Crs::RdNew),
    ("EPSG:28992", Crs::RdNew),
];

/// EPSG:28992 as published in the EPSG registry's PROJ form (with the 7-parameter datum shift).
const RD_NEW_PROJ: &str = "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs";

/// Code properties, most specific first: a buurt feature also carries its wijk and gemeente.
/// `BU_CODE`… are the CBS wijk- en buurtkaart's shapefile names, `buurtcode`… PDOK's services'.
pub(crate) const CODE_PROPERTIES: &[&str] = &[
    "BU_CODE",
    "WK_CODE",
    "GM_CODE",
    "buurtcode",
    "wijkcode",
    "gemeentecode",
    "code",
    "statcode",
    "CODE",
];
/// Name properties, in the same order.
const NAME_PROPERTIES: &[&str] = &[
    "BU_NAAM",
    "WK_NAAM",
    "GM_NAAM",
    "buurtnaam",
    "wijknaam",
    "gemeentenaam",
    "name",
    "statnaam",
    "NAAM",
];

/// One area's polygon(s), in WGS84 longitude/latitude.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Shape {
    /// The area.
    pub code: AreaCode,
    /// Its outline.
    pub geometry: MultiPolygon<f64>,
    /// Its bounding box.
    pub bbox: Rect<f64>,
}

/// A feature left out, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Skipped {
    /// Index in `features`.
    pub feature: usize,
    /// Its code, where it had a valid one.
    pub code: Option<AreaCode>,
    /// Why.
    pub reason: String,
}

#[derive(Debug, Clone)]
struct Indexed {
    envelope: AABB<[f64; 2]>,
    shape: usize,
}

impl RTreeObject for Indexed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// The boundaries of one level, joined by code and indexed in space.
#[derive(Debug, Clone)]
pub struct Boundaries {
    level: Level,
    source: PathBuf,
    crs: Crs,
    shapes: Vec<Shape>,
    by_code: HashMap<AreaCode, usize>,
    tree: RTree<Indexed>,
    names: Vec<(AreaCode, String)>,
    skipped: Vec<Skipped>,
    repaired: Vec<AreaCode>,
}

fn declared_crs(path: &Path, crs: Option<&serde_json::Value>) -> Result<Crs, BoundaryError> {
    let Some(name) = crs
        .and_then(|c| c.pointer("/properties/name"))
        .and_then(|n| n.as_str())
    else {
        // RFC 7946: no crs member means WGS84 lon/lat.
        return Ok(Crs::Wgs84);
    };
    CRS_NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, c)| c)
        .ok_or_else(|| BoundaryError::UnknownCrs {
            path: path.to_owned(),
            crs: name.to_owned(),
        })
}

impl Boundaries {
    /// Reads a GeoJSON FeatureCollection of one level's areas.
    ///
    /// The code property is found by name (`BU_CODE`, `WK_CODE`, `GM_CODE`, `code`, …, the most
    /// specific present). RD New files are projected to WGS84 with proj4rs. Features without a
    /// code, with an invalid code, a duplicate code or no polygon are skipped and listed in
    /// [`Boundaries::skipped`]; invalid polygons are repaired (listed in
    /// [`Boundaries::repaired`]) or, when repair fails, skipped.
    ///
    /// ```
    /// use omzien::{Boundaries, Level};
    /// let p = std::env::temp_dir().join(format!("omzien-doc-wijken-{}.geojson", std::process::id()));
    /// std::fs::write(&p, r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
    ///   "properties": {"wijkcode": "WK036300", "wijknaam": "Burgwallen-Oude Zijde"},
    ///   "geometry": {"type": "Polygon", "coordinates": [[[4.89, 52.37], [4.90, 52.37],
    ///     [4.90, 52.38], [4.89, 52.38], [4.89, 52.37]]]}}]}"#)?;
    /// let b = Boundaries::from_geojson(&p)?;
    /// assert_eq!(b.level(), Level::Wijk);
    /// assert_eq!(b.at(4.895, 52.375), Some("WK036300".parse()?));
    /// assert_eq!(b.at(5.5, 52.0), None);
    /// // A file without a usable feature is refused.
    /// std::fs::write(&p, r#"{"type": "FeatureCollection", "features": []}"#)?;
    /// assert!(Boundaries::from_geojson(&p).is_err());
    /// std::fs::remove_file(&p)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`BoundaryError`] when the file is unreadable, not GeoJSON, in an unknown CRS, mixes
    /// levels, or has no usable feature.
    pub fn from_geojson(path: &Path) -> Result<Self, BoundaryError> {
        Self::read_geojson(path, &Level::ALL)?.ok_or_else(|| BoundaryError::Empty {
            path: path.to_owned(),
        })
    }

    /// As [`Boundaries::from_geojson`], but a file of a level not in `levels` is only read as
    /// far as its codes (`Ok(None)`): its polygons are neither converted nor checked.
    fn read_geojson(path: &Path, levels: &[Level]) -> Result<Option<Self>, BoundaryError> {
        use rayon::prelude::*;
        let json_err = |e| json_error(path, e);
        let bytes = std::fs::read(path).map_err(|e| json_err(ReadError::Io(e)))?;
        // Only some levels wanted: the codes first, without building any geometry.
        if Level::ALL.iter().any(|l| !levels.contains(l))
            && sniff_level(path, &bytes)?.is_some_and(|l| !levels.contains(&l))
        {
            return Ok(None);
        }
        let fc: Collection<Option<geojson::Geometry>> =
            super::geojson::parse(&bytes).map_err(json_err)?;
        let crs = declared_crs(path, fc.crs.as_ref())?;
        let Some(code_prop) = CODE_PROPERTIES.iter().find(|p| {
            fc.features
                .iter()
                .any(|f| f.properties.as_ref().is_some_and(|m| m.contains_key(**p)))
        }) else {
            return Err(BoundaryError::NoCodeProperty {
                path: path.to_owned(),
                tried: CODE_PROPERTIES.join(", "),
            });
        };
        let name_prop = NAME_PROPERTIES[CODE_PROPERTIES
            .iter()
            .position(|p| p == code_prop)
            .unwrap_or(0)];
        let projection = projection(path, crs)?;

        // First the codes (cheap, in order): which features to draw, and the file's level.
        let Coded {
            todo,
            mut skipped,
            level,
        } = coded(path, &fc, code_prop)?;
        if level.is_some_and(|l| !levels.contains(&l)) {
            return Ok(None);
        }

        // Then the polygons, the costly part (conversion, projection, validity), on all cores.
        let drawn: Vec<Result<Drawn, String>> = todo
            .par_iter()
            .map(|&(i, _)| polygon_of(fc.features[i].geometry.as_ref(), projection.as_ref()))
            .collect();

        let mut shapes: Vec<Shape> = Vec::with_capacity(todo.len());
        let mut by_code: HashMap<AreaCode, usize> = HashMap::with_capacity(todo.len());
        let mut names = Vec::new();
        let mut repaired = Vec::new();
        for (&(i, code), result) in todo.iter().zip(drawn) {
            let Drawn {
                geometry,
                bbox,
                repaired: was_repaired,
            } = match result {
                Ok(r) => r,
                Err(reason) => {
                    skipped.push(Skipped {
                        feature: i,
                        code: Some(code),
                        reason,
                    });
                    continue;
                }
            };
            if was_repaired {
                repaired.push(code);
            }
            if let Some(n) = fc.features[i]
                .properties
                .as_ref()
                .and_then(|m| m.get(name_prop))
                .and_then(|v| v.as_str())
            {
                names.push((code, n.to_owned()));
            }
            by_code.insert(code, shapes.len());
            shapes.push(Shape {
                code,
                geometry,
                bbox,
            });
        }
        skipped.sort_by_key(|s| s.feature);
        let Some(level) = level.filter(|_| !shapes.is_empty()) else {
            return Err(BoundaryError::Empty {
                path: path.to_owned(),
            });
        };
        let mut b = Self::index(level, path.to_owned(), crs, shapes);
        b.names = names;
        b.skipped = skipped;
        b.repaired = repaired;
        Ok(Some(b))
    }

    /// Boundaries from polygons already in WGS84 (e.g. generated ones), all of one level.
    /// Shapes of another level, or empty ones, are listed as skipped.
    ///
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// use omzien::{AreaCode, Boundaries, Level};
    /// let square: MultiPolygon<f64> = polygon![(x: 5.0, y: 52.0), (x: 5.1, y: 52.0), (x: 5.1, y: 52.1), (x: 5.0, y: 52.1)].into();
    /// let b = Boundaries::from_shapes(Level::Gemeente, "example", vec![("GM0001".parse::<AreaCode>()?, square)]);
    /// assert_eq!(b.at(5.05, 52.05), Some("GM0001".parse()?));
    /// # Ok::<(), omzien::CodeError>(())
    /// ```
    #[must_use]
    pub fn from_shapes(
        level: Level,
        source: &str,
        shapes: Vec<(AreaCode, MultiPolygon<f64>)>,
    ) -> Self {
        let mut kept = Vec::with_capacity(shapes.len());
        let mut skipped = Vec::new();
        for (i, (code, geometry)) in shapes.into_iter().enumerate() {
            match geometry.bounding_rect() {
                Some(bbox) if code.level() == level => kept.push(Shape {
                    code,
                    geometry,
                    bbox,
                }),
                Some(_) => skipped.push(Skipped {
                    feature: i,
                    code: Some(code),
                    reason: format!("not a {level}"),
                }),
                None => skipped.push(Skipped {
                    feature: i,
                    code: Some(code),
                    reason: "empty polygon".into(),
                }),
            }
        }
        let mut b = Self::index(level, PathBuf::from(source), Crs::Wgs84, kept);
        b.skipped = skipped;
        b
    }

    fn index(level: Level, source: PathBuf, crs: Crs, mut shapes: Vec<Shape>) -> Self {
        let mut by_code = HashMap::with_capacity(shapes.len());
        shapes.retain(|s| by_code.insert(s.code, by_code.len()).is_none());
        let tree = RTree::bulk_load(
            shapes
                .iter()
                .enumerate()
                .map(|(i, s)| Indexed {
                    envelope: AABB::from_corners(
                        [s.bbox.min().x, s.bbox.min().y],
                        [s.bbox.max().x, s.bbox.max().y],
                    ),
                    shape: i,
                })
                .collect(),
        );
        Self {
            level,
            source,
            crs,
            shapes,
            by_code,
            tree,
            names: Vec::new(),
            skipped: Vec::new(),
            repaired: Vec::new(),
        }
    }

    /// The level of the areas.
    #[must_use]
    pub fn level(&self) -> Level {
        self.level
    }
    /// The file read.
    #[must_use]
    pub fn source(&self) -> &Path {
        &self.source
    }
    /// The CRS the file was in (the shapes are always WGS84).
    #[must_use]
    pub fn crs(&self) -> Crs {
        self.crs
    }
    /// All shapes.
    #[must_use]
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }
    /// The shape of an area.
    #[must_use]
    pub fn shape(&self, code: AreaCode) -> Option<&Shape> {
        self.by_code.get(&code).map(|&i| &self.shapes[i])
    }
    /// Area names the file carried (`GM_NAAM`, `WK_NAAM`, …).
    #[must_use]
    pub fn names(&self) -> &[(AreaCode, String)] {
        &self.names
    }
    /// Features left out, with the reason.
    #[must_use]
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }
    /// Areas whose invalid polygon was repaired.
    #[must_use]
    pub fn repaired(&self) -> &[AreaCode] {
        &self.repaired
    }

    /// The lon/lat box around every shape, `[west, south, east, north]`; `None` without shapes.
    #[must_use]
    pub fn extent(&self) -> Option<[f64; 4]> {
        self.shapes.iter().fold(None, |acc, s| {
            let b = [
                s.bbox.min().x,
                s.bbox.min().y,
                s.bbox.max().x,
                s.bbox.max().y,
            ];
            Some(acc.map_or(b, |a: [f64; 4]| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            }))
        })
    }

    /// Shapes whose bounding box meets a lon/lat box, in file order.
    #[must_use]
    pub fn in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<&Shape> {
        self.indices_in_bbox(min, max)
            .into_iter()
            .map(|i| &self.shapes[i])
            .collect()
    }

    /// Indices into [`Boundaries::shapes`] of the shapes whose bounding box meets a lon/lat box,
    /// ascending.
    #[must_use]
    pub fn indices_in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<usize> {
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|i| i.shape)
            .collect();
        hits.sort_unstable();
        hits
    }

    /// The area containing a lon/lat point.
    #[must_use]
    pub fn at(&self, lon: f64, lat: f64) -> Option<AreaCode> {
        let p = Point::new(lon, lat);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|i| &self.shapes[i.shape])
            .find(|s| s.geometry.contains(&p))
            .map(|s| s.code)
    }

    /// Which areas of the dataset at this level have no polygon, and which polygons no figures.
    #[must_use]
    pub fn join(&self, ds: &Dataset) -> JoinReport {
        let without_polygon = ds
            .areas(self.level, None)
            .into_iter()
            .filter(|c| !self.by_code.contains_key(c))
            .collect();
        let mut without_figures: Vec<AreaCode> = self
            .shapes
            .iter()
            .map(|s| s.code)
            .filter(|c| !ds.contains(*c))
            .collect();
        without_figures.sort();
        JoinReport {
            level: self.level,
            without_polygon,
            without_figures,
        }
    }
}

/// The outcome of joining boundaries to figures by code.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct JoinReport {
    /// The level.
    pub level: Level,
    /// Areas with figures but no polygon (their figures stay available).
    pub without_polygon: Vec<AreaCode>,
    /// Polygons whose code has no figures.
    pub without_figures: Vec<AreaCode>,
}

/// The boundaries chosen for a dataset, one set per level, and the files left out.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct BoundarySet {
    /// Per level at most one set, gemeente first.
    pub chosen: Vec<Boundaries>,
    /// Files of a folder that could not be used, with why (a named file that cannot be used
    /// is an error instead).
    pub left_out: Vec<BoundaryError>,
}

/// Boundary files read by [`Boundaries::read_all`], and the files of a folder left out with why.
pub type Candidates = (Vec<Boundaries>, Vec<BoundaryError>);

impl Boundaries {
    /// Loads boundary files and folders for a dataset. Every `*.geojson` of a folder is read
    /// (the files of a folder in parallel);
    /// per level the file whose codes match the dataset best is kept (ties: the first by
    /// name).
    ///
    /// # Errors
    /// [`BoundaryError`] when a named file cannot be used, a folder cannot be read, or nothing
    /// usable is found.
    pub fn choose(ds: &Dataset, paths: &[PathBuf]) -> Result<BoundarySet, BoundaryError> {
        Self::pick(ds, paths, Self::read_all(paths)?)
    }

    /// Reads boundary files and folders (every `*.geojson` of a folder, side by side) without a
    /// dataset, so they can be read while the figures load; [`Boundaries::pick`] then chooses.
    /// Files of a folder that cannot be used are returned beside the others.
    ///
    /// # Errors
    /// [`BoundaryError`] when a named file cannot be used or a folder cannot be read.
    pub fn read_all(paths: &[PathBuf]) -> Result<Candidates, BoundaryError> {
        Self::read_levels(paths, &Level::ALL)
    }

    /// As [`Boundaries::read_all`], for the levels named only: a file of another level is read
    /// as far as its codes and left out (not listed among the files that failed). A report at
    /// wijk level, say, does not convert and check thousands of buurt polygons it never draws.
    ///
    /// # Errors
    /// As [`Boundaries::read_all`].
    pub fn read_levels(paths: &[PathBuf], levels: &[Level]) -> Result<Candidates, BoundaryError> {
        let mut candidates: Vec<Boundaries> = Vec::new();
        let mut left_out = Vec::new();
        for p in paths {
            if !p.is_dir() {
                candidates.extend(Boundaries::read_geojson(p, levels)?);
                continue;
            }
            let files =
                super::geojson::files_in(p, &["geojson"]).map_err(|source| BoundaryError::Io {
                    path: p.clone(),
                    source,
                })?;
            // Parsed side by side, kept in name order.
            let parsed: Vec<Result<Option<Boundaries>, BoundaryError>> = {
                use rayon::prelude::*;
                files
                    .par_iter()
                    .map(|f| Boundaries::read_geojson(f, levels))
                    .collect()
            };
            for r in parsed {
                match r {
                    Ok(b) => candidates.extend(b),
                    Err(e) => left_out.push(e),
                }
            }
        }
        Ok((candidates, left_out))
    }

    /// Per level, the file read by [`Boundaries::read_all`] whose codes match the dataset best
    /// (ties: the first by name).
    ///
    /// # Errors
    /// [`BoundaryError::NoneUsable`] when nothing usable is among them.
    pub fn pick(
        ds: &Dataset,
        paths: &[PathBuf],
        (mut candidates, left_out): Candidates,
    ) -> Result<BoundarySet, BoundaryError> {
        let matched = |b: &Boundaries| b.shapes().iter().filter(|s| ds.contains(s.code)).count();
        let mut chosen = Vec::new();
        for level in Level::ALL {
            let best = candidates
                .iter()
                .enumerate()
                .filter(|(_, b)| b.level() == level)
                .max_by(|(i, a), (j, b)| matched(a).cmp(&matched(b)).then(j.cmp(i)))
                .map(|(i, _)| i);
            if let Some(i) = best {
                chosen.push(candidates.swap_remove(i));
            }
        }
        if chosen.is_empty() {
            return Err(BoundaryError::NoneUsable {
                paths: paths.to_vec(),
            });
        }
        Ok(BoundarySet { chosen, left_out })
    }
}

#[cfg(test)]
mod tests {
    use super::geometry::canonical;
    use geo::{LineString, MultiPolygon, Polygon};

    fn square(x: f64, cw: bool, start: usize) -> LineString {
        let mut c = vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0)];
        if cw {
            c.reverse();
        }
        c.rotate_left(start);
        c.push(c[0]);
        LineString::from(c)
    }

    #[test]
    fn one_shape_written_in_any_order_has_one_canonical_form() {
        let a = MultiPolygon(vec![
            Polygon::new(square(0.0, false, 0), vec![]),
            Polygon::new(square(5.0, false, 2), vec![]),
        ]);
        // The same squares: other start points, clockwise, the polygons swapped.
        let b = MultiPolygon(vec![
            Polygon::new(square(5.0, true, 1), vec![]),
            Polygon::new(square(0.0, true, 3), vec![]),
        ]);
        assert_ne!(a, b);
        let (ca, cb) = (canonical(a), canonical(b));
        assert_eq!(ca, cb);
        let first = ca.0[0].exterior();
        assert_eq!(first.0[0], geo::coord! { x: 0.0, y: 0.0 });
        assert_eq!(first.0.first(), first.0.last(), "rings stay closed");
        assert_eq!(first.0.len(), 5);
    }
}

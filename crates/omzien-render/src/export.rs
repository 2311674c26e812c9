//! What a tile archive holds: a layer's tiles over a box and a zoom range, the level chosen by
//! zoom as the web map does ([`ZoomRange`], [`Pyramid`]), and why an export cannot start or did
//! not finish ([`ExportError`]). The archives themselves are written by `archive.rs`.

use std::path::{Path, PathBuf};

use omzien::{Layer, Level};

use crate::{EncodeError, MAX_ZOOM, Scene, TileCoord, encode_tile, render};

/// The zooms at which one level is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoomRange {
    /// The level.
    pub level: Level,
    /// First zoom.
    pub min: u8,
    /// Last zoom (inclusive).
    pub max: u8,
}

impl ZoomRange {
    /// The web map's levels by zoom: gemeenten to z9 (from z5), wijken z10–z12, buurten z13–z15.
    pub const DEFAULT: [ZoomRange; 3] = [
        ZoomRange {
            level: Level::Gemeente,
            min: 5,
            max: 9,
        },
        ZoomRange {
            level: Level::Wijk,
            min: 10,
            max: 12,
        },
        ZoomRange {
            level: Level::Buurt,
            min: 13,
            max: 15,
        },
    ];

    /// The level the web map shows at zoom `z`: that of [`ZoomRange::DEFAULT`], its first
    /// level below the first zoom and its last level past the last.
    #[must_use]
    pub fn default_level_at(z: u8) -> Level {
        let last = Self::DEFAULT[Self::DEFAULT.len() - 1].level;
        Self::DEFAULT
            .iter()
            .find(|r| z <= r.max)
            .map_or(last, |r| r.level)
    }

    /// [`ZoomRange::DEFAULT`] as a server serves it: the first level from zoom 0, the last to
    /// [`crate::MAX_ZOOM`].
    #[must_use]
    pub fn served() -> [ZoomRange; 3] {
        let mut r = Self::DEFAULT;
        r[0].min = 0;
        r[r.len() - 1].max = crate::MAX_ZOOM;
        r
    }
}

/// Why an export cannot start or did not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A zoom range outside 0–22, reversed, or overlapping another.
    #[error("zooms: {0}")]
    Zoom(String),
    /// A box that is malformed or does not meet the data.
    #[error("bbox: {0}")]
    Bbox(String),
    /// A scale other than 1 or 2.
    #[error("scale: {0} is not 1 or 2")]
    Scale(u32),
    /// Nothing to export.
    #[error("nothing to export: {0}")]
    Empty(String),
    /// The output exists (pass `force` to replace it).
    #[error("{}: exists (use --force to replace it)", .0.display())]
    Exists(PathBuf),
    /// An output name whose extension is neither `.pmtiles` nor `.mbtiles` (vector tiles:
    /// `.pmtiles`).
    #[error("{}: the archive must end in .pmtiles or .mbtiles (vector tiles: .pmtiles)", .0.display())]
    Format(PathBuf),
    /// Interrupted (Ctrl-C): nothing was left under the final name.
    #[error("interrupted: no archive written")]
    Interrupted,
    /// Writing failed (disk full, permissions): nothing was left under the final name.
    #[error("{}: {source} (nothing was written under this name)", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The PMTiles writer failed.
    #[error("{}: PMTiles: {message} (nothing was written under this name)", path.display())]
    PmTiles {
        /// The file.
        path: PathBuf,
        /// Its message.
        message: String,
    },
    /// SQLite failed.
    #[error("{}: MBTiles: {source} (nothing was written under this name)", path.display())]
    MbTiles {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// A vector tile could not be made.
    #[error(transparent)]
    Vector(crate::VectorError),
    /// A layer could not be made (no figures of that wave or age group).
    #[error(transparent)]
    Layer(#[from] omzien::LayerError),
    /// A tile could not be encoded.
    #[error("tile {coord}: {source}")]
    Encode {
        /// The tile.
        coord: String,
        /// The cause.
        #[source]
        source: EncodeError,
    },
}

/// One level of a pyramid: its zooms, its classified layer and its shapes.
#[derive(Clone, Copy)]
pub struct PyramidLevel<'a> {
    /// The zooms it is drawn at.
    pub zooms: ZoomRange,
    /// The layer (its level must be `zooms.level`).
    pub layer: &'a Layer,
    /// The shapes of that level.
    pub scene: &'a Scene,
}

/// The tiles of a box over the zooms of its levels, at one scale (1 = 256 px, 2 = 512 px).
pub struct Pyramid<'a> {
    levels: Vec<PyramidLevel<'a>>,
    bbox: [f64; 4],
    scale: u32,
    /// Vector tiles (MVT) of these figures instead of PNGs.
    pub(crate) vector: Option<(&'a omzien::Dataset, crate::VectorQuery)>,
}

impl std::fmt::Debug for Pyramid<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pyramid")
            .field(
                "zooms",
                &self.levels.iter().map(|l| l.zooms).collect::<Vec<_>>(),
            )
            .field("bbox", &self.bbox)
            .field("scale", &self.scale)
            .finish()
    }
}

impl<'a> Pyramid<'a> {
    /// A pyramid over `bbox` (`[west, south, east, north]`, or the data's extent when `None`).
    ///
    /// # Errors
    /// [`ExportError`] for zooms outside 0–22, reversed or overlapping, a layer of another
    /// level than its zooms, a box that is malformed or outside the data, a scale other than
    /// 1 or 2, or no level at all.
    pub fn new(
        mut levels: Vec<PyramidLevel<'a>>,
        bbox: Option<[f64; 4]>,
        scale: u32,
    ) -> Result<Self, ExportError> {
        if !(scale == 1 || scale == 2) {
            return Err(ExportError::Scale(scale));
        }
        if levels.is_empty() {
            return Err(ExportError::Empty("no level to draw".into()));
        }
        levels.sort_by_key(|l| l.zooms.min);
        for l in &levels {
            let z = l.zooms;
            if z.max > MAX_ZOOM || z.min > z.max {
                return Err(ExportError::Zoom(format!(
                    "{} z{}–z{}: zooms run from 0 to {MAX_ZOOM}, first to last",
                    z.level, z.min, z.max
                )));
            }
            if l.layer.spec().level != z.level || l.scene.level() != z.level {
                return Err(ExportError::Zoom(format!(
                    "the {} zooms were given a {} layer or {} shapes",
                    z.level,
                    l.layer.spec().level,
                    l.scene.level()
                )));
            }
        }
        for pair in levels.windows(2) {
            if pair[1].zooms.min <= pair[0].zooms.max {
                return Err(ExportError::Zoom(format!(
                    "{} z{}–z{} overlaps {} z{}–z{}",
                    pair[0].zooms.level,
                    pair[0].zooms.min,
                    pair[0].zooms.max,
                    pair[1].zooms.level,
                    pair[1].zooms.min,
                    pair[1].zooms.max
                )));
            }
        }
        let extent = levels
            .iter()
            .filter_map(|l| l.scene.boundaries().extent())
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
            .ok_or_else(|| ExportError::Empty("the levels have no shapes".into()))?;
        let bbox = match bbox {
            None => extent,
            Some(b) => {
                let [w, s, e, n] = b;
                if !b.iter().all(|v| v.is_finite())
                    || w >= e
                    || s >= n
                    || !(-180.0..=180.0).contains(&w)
                    || !(-180.0..=180.0).contains(&e)
                    || !(-85.06..=85.06).contains(&s)
                    || !(-85.06..=85.06).contains(&n)
                {
                    return Err(ExportError::Bbox(format!(
                        "{w},{s},{e},{n} is not west,south,east,north in degrees (west < east, south < north)"
                    )));
                }
                if w > extent[2] || e < extent[0] || s > extent[3] || n < extent[1] {
                    return Err(ExportError::Bbox(format!(
                        "{w},{s},{e},{n} does not meet the data, which lies within {:.4},{:.4},{:.4},{:.4}",
                        extent[0], extent[1], extent[2], extent[3]
                    )));
                }
                b
            }
        };
        Ok(Self {
            levels,
            bbox,
            scale,
            vector: None,
        })
    }

    /// Vector tiles (MVT, see [`crate::vector_tile`]) with the figures of `query` instead of
    /// PNGs; the layers still give each level's legend to the metadata.
    #[must_use]
    pub fn vector(mut self, ds: &'a omzien::Dataset, query: crate::VectorQuery) -> Self {
        self.vector = Some((ds, query));
        self
    }

    /// Whether the tiles are MVT.
    #[must_use]
    pub fn is_vector(&self) -> bool {
        self.vector.is_some()
    }

    /// The box tiled, `[west, south, east, north]`.
    #[must_use]
    pub fn bbox(&self) -> [f64; 4] {
        self.bbox
    }

    /// The first and last zoom.
    #[must_use]
    pub fn zooms(&self) -> (u8, u8) {
        let min = self.levels.first().map_or(0, |l| l.zooms.min);
        let max = self.levels.last().map_or(0, |l| l.zooms.max);
        (min, max)
    }

    /// The scale (1 or 2).
    #[must_use]
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The levels, by zoom.
    #[must_use]
    pub fn levels(&self) -> &[PyramidLevel<'a>] {
        &self.levels
    }

    fn level_at(&self, z: u8) -> Option<&PyramidLevel<'a>> {
        self.levels
            .iter()
            .find(|l| (l.zooms.min..=l.zooms.max).contains(&z))
    }

    /// Every tile of the box at the pyramid's zooms, in PMTiles order (by tile id), which keeps
    /// an archive clustered.
    #[must_use]
    pub fn coords(&self) -> Vec<TileCoord> {
        let [w, s, e, n] = self.bbox;
        let mut out = Vec::new();
        for l in &self.levels {
            for z in l.zooms.min..=l.zooms.max {
                let (Some(a), Some(b)) = (
                    TileCoord::containing(w, n, z),
                    TileCoord::containing(e, s, z),
                ) else {
                    continue;
                };
                for x in a.x..=b.x {
                    for y in a.y..=b.y {
                        out.push(TileCoord { z, x, y });
                    }
                }
            }
        }
        out.sort_by_cached_key(|c| tile_id(*c));
        out
    }

    /// The PNG of one tile, exactly as the server answers it, or `None` when nothing is drawn
    /// on it (the archive then has no entry).
    ///
    /// # Errors
    /// [`ExportError::Encode`] when the tile cannot be encoded.
    pub fn tile(&self, coord: TileCoord) -> Result<Option<Vec<u8>>, ExportError> {
        let Some(l) = self.level_at(coord.z) else {
            return Ok(None);
        };
        if let Some((ds, q)) = self.vector {
            return crate::vector_tile(ds, l.scene, coord, q).map_err(ExportError::Vector);
        }
        let Some(pixmap) = render(l.layer, l.scene, coord, self.scale) else {
            return Ok(None);
        };
        encode_tile(&pixmap, l.layer)
            .map(Some)
            .map_err(|source| ExportError::Encode {
                coord: coord.to_string(),
                source,
            })
    }
}

/// The PMTiles tile id of a coordinate (its place on the Hilbert curve of its zoom).
fn tile_id(c: TileCoord) -> u64 {
    pmtiles::TileCoord::new(c.z, c.x, c.y)
        .map(|t| pmtiles::TileId::from(t).value())
        .unwrap_or(u64::MAX)
}

impl ExportError {
    /// The same error naming `to` where it named `from` (for example an archive written inside
    /// a folder that is renamed into place when complete).
    #[must_use]
    pub fn renamed(self, from: &Path, to: &Path) -> Self {
        let fix = |path: PathBuf| if path == from { to.to_owned() } else { path };
        match self {
            Self::Io { path, source } => Self::Io {
                path: fix(path),
                source,
            },
            Self::PmTiles { path, message } => Self::PmTiles {
                path: fix(path),
                message,
            },
            Self::MbTiles { path, source } => Self::MbTiles {
                path: fix(path),
                source,
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArchiveFormat, ArchiveMeta, write_archive};
    use std::sync::atomic::AtomicBool;

    #[test]
    fn the_level_by_zoom_is_the_default_table() {
        let at: Vec<Level> = (0..=22).map(ZoomRange::default_level_at).collect();
        assert_eq!(at[0], Level::Gemeente);
        assert_eq!(at[9], Level::Gemeente);
        assert_eq!(at[10], Level::Wijk);
        assert_eq!(at[12], Level::Wijk);
        assert_eq!(at[13], Level::Buurt);
        assert_eq!(at[22], Level::Buurt);
        let served = ZoomRange::served();
        assert_eq!((served[0].min, served[0].max), (0, 9));
        assert_eq!((served[2].min, served[2].max), (13, crate::MAX_ZOOM));
        for z in 0..=crate::MAX_ZOOM {
            let r = served.iter().find(|r| r.min <= z && z <= r.max).unwrap();
            assert_eq!(r.level, ZoomRange::default_level_at(z), "z{z}");
        }
    }

    #[test]
    fn tile_ids_follow_the_pmtiles_curve() {
        assert_eq!(tile_id(TileCoord { z: 0, x: 0, y: 0 }), 0);
        assert_eq!(tile_id(TileCoord { z: 1, x: 0, y: 0 }), 1);
        // Zoom 2 starts after the 1 + 4 tiles of zooms 0 and 1.
        assert_eq!(tile_id(TileCoord { z: 2, x: 0, y: 0 }), 5);
    }

    fn demo_pyramid<'a>(layer: &'a Layer, scene: &'a Scene) -> Pyramid<'a> {
        Pyramid::new(
            vec![PyramidLevel {
                zooms: ZoomRange {
                    level: Level::Gemeente,
                    min: 5,
                    max: 9,
                },
                layer,
                scene,
            }],
            None,
            1,
        )
        .unwrap()
    }

    #[test]
    fn a_cancelled_or_refused_export_leaves_nothing() {
        use omzien::{AgeGroup, Indicator, LayerSpec, Wave};
        let ds = omzien::demo::dataset();
        let layer = ds
            .layer(&LayerSpec::level(
                Indicator::LONELY,
                AgeGroup::ADULTS,
                Level::Gemeente,
                Wave::new(2020),
            ))
            .unwrap();
        let scene = omzien::demo::boundaries()
            .into_iter()
            .find(|b| b.level() == Level::Gemeente)
            .map(Scene::new)
            .unwrap();
        let p = demo_pyramid(&layer, &scene);
        let meta = ArchiveMeta::new(
            &p,
            "t".into(),
            "t".into(),
            "t".into(),
            serde_json::Value::Null,
        );
        let dir = std::env::temp_dir().join(format!("omzien-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["x.pmtiles", "x.mbtiles"] {
            let out = dir.join(name);
            let cancel = AtomicBool::new(true);
            let e = write_archive(&p, &meta, &out, false, &|_| {}, &cancel).unwrap_err();
            assert!(matches!(e, ExportError::Interrupted), "{e}");
            let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
            assert!(left.is_empty(), "{left:?}");
            // Not cancelled: the archive, and nothing else.
            let w =
                write_archive(&p, &meta, &out, false, &|_| {}, &AtomicBool::new(false)).unwrap();
            assert!(
                w.drawn > 0 && w.unique <= w.drawn && w.drawn <= w.tiles,
                "{w:?}"
            );
            assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
            assert!(matches!(
                write_archive(&p, &meta, &out, false, &|_| {}, &AtomicBool::new(false)),
                Err(ExportError::Exists(_))
            ));
            std::fs::remove_file(&out).unwrap();
        }
        // A folder that does not exist: an error, nothing written.
        let e = write_archive(
            &p,
            &meta,
            &dir.join("no/such/x.pmtiles"),
            false,
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
        assert!(matches!(e, ExportError::Io { .. }), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn zooms_that_overlap_or_run_backwards_are_refused() {
        use omzien::{AgeGroup, Indicator, LayerSpec, Wave};
        let ds = omzien::demo::dataset();
        let spec =
            |level| LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, level, Wave::new(2020));
        let (gm, wk) = (
            ds.layer(&spec(Level::Gemeente)).unwrap(),
            ds.layer(&spec(Level::Wijk)).unwrap(),
        );
        let scenes: Vec<Scene> = omzien::demo::boundaries()
            .into_iter()
            .map(Scene::new)
            .collect();
        let scene = |l| scenes.iter().find(|s| s.level() == l).unwrap();
        let level = |layer, l, min, max| PyramidLevel {
            zooms: ZoomRange { level: l, min, max },
            layer,
            scene: scene(l),
        };
        let overlap = Pyramid::new(
            vec![
                level(&gm, Level::Gemeente, 5, 10),
                level(&wk, Level::Wijk, 10, 12),
            ],
            None,
            1,
        );
        assert!(matches!(overlap, Err(ExportError::Zoom(m)) if m.contains("overlaps")));
        let backwards = Pyramid::new(vec![level(&gm, Level::Gemeente, 9, 5)], None, 1);
        assert!(matches!(backwards, Err(ExportError::Zoom(_))));
        let wrong = Pyramid::new(vec![level(&wk, Level::Gemeente, 5, 9)], None, 1);
        assert!(matches!(wrong, Err(ExportError::Zoom(m)) if m.contains("wijk layer")));
        assert!(matches!(
            Pyramid::new(vec![level(&gm, Level::Gemeente, 5, 9)], None, 3),
            Err(ExportError::Scale(3))
        ));
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            ArchiveFormat::of(Path::new("a/nl.PMTiles")).unwrap(),
            ArchiveFormat::PmTiles
        );
        assert_eq!(
            ArchiveFormat::of(Path::new("nl.mbtiles")).unwrap(),
            ArchiveFormat::MbTiles
        );
        assert!(matches!(
            ArchiveFormat::of(Path::new("nl.zip")),
            Err(ExportError::Format(_))
        ));
    }
}

//! Tile archives written: PMTiles v3 (clustered, tiles deduplicated by content, the vector
//! tiles gzipped) or MBTiles 1.3 (SQLite), with their TileJSON metadata, from a [`Pyramid`]
//! rendered on all cores in batches.
//!
//! The archive is written beside its final name ([`omzien::WholeFile`]) and renamed into
//! place only when complete: an interrupted or failed export leaves no archive under the
//! final name.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use omzien::{Legend, Level};
use rayon::prelude::*;

use crate::{ExportError, Pyramid, TileCoord};

/// The kind of archive, from the output's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveFormat {
    /// PMTiles v3 (one file, read over HTTP range requests).
    PmTiles,
    /// MBTiles 1.3 (SQLite; tiles deduplicated in `images`, addressed in `map`).
    MbTiles,
}

impl ArchiveFormat {
    /// The format of a path ending in `.pmtiles` or `.mbtiles`.
    ///
    /// # Errors
    /// [`ExportError::Format`] for any other name.
    pub fn of(path: &Path) -> Result<Self, ExportError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("pmtiles") => Ok(Self::PmTiles),
            Some("mbtiles") => Ok(Self::MbTiles),
            _ => Err(ExportError::Format(path.to_owned())),
        }
    }
}

/// What an archive says about itself (TileJSON fields, the legends and the source).
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct ArchiveMeta {
    /// A short name.
    pub name: String,
    /// What is shown.
    pub description: String,
    /// Source and licence.
    pub attribution: String,
    /// Always `"overlay"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `"png"`, or `"pbf"` for vector tiles.
    pub format: &'static str,
    /// `"1.0.0"`.
    pub version: &'static str,
    /// `[west, south, east, north]`.
    pub bounds: [f64; 4],
    /// `[lon, lat, zoom]`.
    pub center: [f64; 3],
    /// First zoom.
    pub minzoom: u8,
    /// Last zoom.
    pub maxzoom: u8,
    /// Pixels per tile side.
    pub tile_size: u32,
    /// Per level: its zooms and its legend (the classes and colours of its tiles).
    pub levels: Vec<LevelMeta>,
    /// Where the figures come from (table, waves, classification year).
    pub source: serde_json::Value,
    /// Vector tiles: one entry per level (`id`, zooms, `fields`), as TileJSON 3.0 has it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vector_layers: Vec<serde_json::Value>,
}

/// One level's zooms and legend in [`ArchiveMeta`].
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct LevelMeta {
    /// The level.
    pub level: Level,
    /// First zoom.
    pub minzoom: u8,
    /// Last zoom.
    pub maxzoom: u8,
    /// Its legend.
    pub legend: Legend,
}

impl ArchiveMeta {
    /// The metadata of a pyramid: name, description, attribution and source as given; bounds,
    /// zooms, tile size and legends from the pyramid.
    #[must_use]
    pub fn new(
        pyramid: &Pyramid<'_>,
        name: String,
        description: String,
        attribution: String,
        source: serde_json::Value,
    ) -> Self {
        let b = pyramid.bbox();
        let (minzoom, maxzoom) = pyramid.zooms();
        Self {
            name,
            description,
            attribution,
            kind: "overlay",
            format: if pyramid.is_vector() { "pbf" } else { "png" },
            version: "1.0.0",
            bounds: b,
            center: [
                (b[0] + b[2]) / 2.0,
                (b[1] + b[3]) / 2.0,
                f64::from(minzoom.max(maxzoom.min(minzoom + 3))),
            ],
            minzoom,
            maxzoom,
            tile_size: crate::TILE_SIZE * pyramid.scale(),
            levels: pyramid
                .levels()
                .iter()
                .map(|l| LevelMeta {
                    level: l.zooms.level,
                    minzoom: l.zooms.min,
                    maxzoom: l.zooms.max,
                    legend: l.layer.legend(),
                })
                .collect(),
            source,
            vector_layers: match pyramid.vector {
                None => Vec::new(),
                Some((ds, q)) => {
                    let fields = crate::vector_fields(ds, q);
                    pyramid
                        .levels()
                        .iter()
                        .map(|l| {
                            serde_json::json!({
                                "id": l.zooms.level.to_string(),
                                "minzoom": l.zooms.min,
                                "maxzoom": l.zooms.max,
                                "fields": fields,
                                "description": format!("{}, {}", q.indicator, q.age),
                            })
                        })
                        .collect()
                }
            },
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Written {
    /// Tiles looked at (the box at every zoom).
    pub tiles: u64,
    /// Tiles with something drawn (addressed in the archive).
    pub drawn: u64,
    /// Distinct tile contents stored.
    pub unique: u64,
    /// Archive size in bytes.
    pub bytes: u64,
}

/// How many tiles are rendered at once before they are written (bounds memory).
const CHUNK: usize = 1024;

/// Renders every tile of `pyramid` and writes them to `out` (PMTiles or MBTiles by extension),
/// identical tiles stored once. `progress` is told how many tiles are done after each batch;
/// when `cancel` becomes true the export stops and leaves nothing under `out`.
///
/// # Errors
/// [`ExportError`] when `out` exists and `force` is false, its extension is unknown, the export
/// was cancelled, or writing failed (nothing is left under `out` in each case).
pub fn write_archive(
    pyramid: &Pyramid<'_>,
    meta: &ArchiveMeta,
    out: &Path,
    force: bool,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<Written, ExportError> {
    let format = ArchiveFormat::of(out)?;
    if format == ArchiveFormat::MbTiles && pyramid.is_vector() {
        return Err(ExportError::Format(out.to_owned()));
    }
    if out.exists() && !force {
        return Err(ExportError::Exists(out.to_owned()));
    }
    let folder = |e: omzien::FolderError| ExportError::Io {
        path: e.path,
        source: e.source,
    };
    // Into a folder that exists: none is made for an archive.
    let partial = omzien::WholeFile::reserve(out);
    // Errors name the archive asked for, not the hidden partial file.
    let written = fill(pyramid, meta, format, partial.tmp_path(), progress, cancel)
        .map_err(|e| e.renamed(partial.tmp_path(), out))?;
    partial.commit().map_err(folder)?;
    Ok(written)
}

/// Writes the archive into the partial file `path`.
fn fill(
    pyramid: &Pyramid<'_>,
    meta: &ArchiveMeta,
    format: ArchiveFormat,
    path: &Path,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<Written, ExportError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ExportError::Io { path, source }
    };
    let coords = pyramid.coords();
    let mut sink = match format {
        ArchiveFormat::PmTiles => Sink::pmtiles(path, pyramid, meta)?,
        ArchiveFormat::MbTiles => Sink::mbtiles(path, meta)?,
    };
    let mut written = Written {
        tiles: coords.len() as u64,
        ..Written::default()
    };
    let mut done = 0u64;
    for chunk in coords.chunks(CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            return Err(ExportError::Interrupted);
        }
        // Vector tiles are gzipped here, on every core, at the best level (PMTiles stores
        // them compressed; the writer's own gzip is single-threaded and weaker).
        let gzip = pyramid.is_vector() && format == ArchiveFormat::PmTiles;
        let tiles: Vec<Result<Option<Vec<u8>>, ExportError>> = chunk
            .par_iter()
            .map(|c| {
                let t = pyramid.tile(*c)?;
                match t {
                    Some(raw) if gzip => {
                        gzip_best(&raw).map(Some).map_err(|source| ExportError::Io {
                            path: path.to_owned(),
                            source,
                        })
                    }
                    other => Ok(other),
                }
            })
            .collect();
        for (c, t) in chunk.iter().zip(tiles) {
            if let Some(png) = t? {
                sink.add(*c, &png, path)?;
                written.drawn += 1;
            }
        }
        done += chunk.len() as u64;
        progress(done);
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(ExportError::Interrupted);
    }
    written.unique = sink.finish(path)?;
    written.bytes = std::fs::metadata(path).map_err(io(path))?.len();
    Ok(written)
}

/// Gzip at the best level.
fn gzip_best(data: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::best(),
    );
    enc.write_all(data)?;
    enc.finish()
}

/// Where tiles go.
enum Sink {
    PmTiles(Box<pmtiles::PmTilesStreamWriter<std::fs::File>>),
    MbTiles {
        db: rusqlite::Connection,
        seen: HashMap<u128, i64>,
    },
}

impl Sink {
    fn pmtiles(path: &Path, p: &Pyramid<'_>, meta: &ArchiveMeta) -> Result<Self, ExportError> {
        let pm = |e: pmtiles::PmtError| ExportError::PmTiles {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let file = std::fs::File::create(path).map_err(|source| ExportError::Io {
            path: path.to_owned(),
            source,
        })?;
        let [w, s, e, n] = p.bbox();
        let (minz, maxz) = p.zooms();
        let json = serde_json::to_string(meta).map_err(|e| ExportError::PmTiles {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let kind = if p.is_vector() {
            pmtiles::TileType::Mvt
        } else {
            pmtiles::TileType::Png
        };
        let writer = pmtiles::PmTilesWriter::new(kind);
        // Vector tiles arrive gzipped (see `fill`).
        let writer = if p.is_vector() {
            writer.precompressed(pmtiles::Compression::Gzip)
        } else {
            writer
        };
        let writer = writer
            .min_zoom(minz)
            .max_zoom(maxz)
            .bounds(w, s, e, n)
            .center(meta.center[0], meta.center[1])
            .center_zoom(meta.center[2] as u8)
            .metadata(json)
            .create(file)
            .map_err(pm)?;
        Ok(Self::PmTiles(Box::new(writer)))
    }

    fn mbtiles(path: &Path, meta: &ArchiveMeta) -> Result<Self, ExportError> {
        let sql = |source| ExportError::MbTiles {
            path: path.to_owned(),
            source,
        };
        let _ = std::fs::remove_file(path);
        let db = rusqlite::Connection::open(path).map_err(sql)?;
        db.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);
             CREATE UNIQUE INDEX metadata_name ON metadata (name);
             CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id INTEGER);
             CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row);
             CREATE TABLE images (tile_id INTEGER PRIMARY KEY, tile_data BLOB);
             CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column,
                 map.tile_row AS tile_row, images.tile_data AS tile_data
                 FROM map JOIN images ON images.tile_id = map.tile_id;
             BEGIN;",
        )
        .map_err(sql)?;
        let b = meta.bounds;
        let json = serde_json::json!({ "levels": meta.levels, "source": meta.source });
        let rows = [
            ("name", meta.name.clone()),
            ("description", meta.description.clone()),
            ("attribution", meta.attribution.clone()),
            ("type", meta.kind.to_owned()),
            ("format", meta.format.to_owned()),
            ("version", meta.version.to_owned()),
            ("bounds", format!("{},{},{},{}", b[0], b[1], b[2], b[3])),
            (
                "center",
                format!("{},{},{}", meta.center[0], meta.center[1], meta.center[2]),
            ),
            ("minzoom", meta.minzoom.to_string()),
            ("maxzoom", meta.maxzoom.to_string()),
            ("json", json.to_string()),
        ];
        for (k, v) in rows {
            db.execute("INSERT INTO metadata (name, value) VALUES (?1, ?2)", (k, v))
                .map_err(sql)?;
        }
        Ok(Self::MbTiles {
            db,
            seen: HashMap::new(),
        })
    }

    fn add(&mut self, c: TileCoord, png: &[u8], path: &Path) -> Result<(), ExportError> {
        match self {
            Self::PmTiles(w) => {
                let coord =
                    pmtiles::TileCoord::new(c.z, c.x, c.y).map_err(|e| ExportError::PmTiles {
                        path: path.to_owned(),
                        message: e.to_string(),
                    })?;
                w.add_tile(coord, png).map_err(|e| ExportError::PmTiles {
                    path: path.to_owned(),
                    message: e.to_string(),
                })
            }
            Self::MbTiles { db, seen } => {
                let sql = |source| ExportError::MbTiles {
                    path: path.to_owned(),
                    source,
                };
                let key = twox_hash::XxHash3_128::oneshot(png);
                let next = i64::try_from(seen.len()).unwrap_or(i64::MAX);
                let id = *seen.entry(key).or_insert(next);
                if id == next {
                    db.prepare_cached("INSERT INTO images (tile_id, tile_data) VALUES (?1, ?2)")
                        .and_then(|mut s| s.execute((id, png)))
                        .map_err(sql)?;
                }
                // MBTiles rows count from the south (TMS).
                let row = (1u32 << c.z) - 1 - c.y;
                db.prepare_cached(
                    "INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?1, ?2, ?3, ?4)",
                )
                .and_then(|mut s| s.execute((c.z, c.x, row, id)))
                .map_err(sql)?;
                Ok(())
            }
        }
    }

    /// Completes the archive; the number of distinct tiles stored.
    fn finish(self, path: &Path) -> Result<u64, ExportError> {
        match self {
            Self::PmTiles(w) => {
                // The writer does not report its count; read it back from the header.
                w.finalize().map_err(|e| ExportError::PmTiles {
                    path: path.to_owned(),
                    message: e.to_string(),
                })?;
                let mut head = [0u8; 127];
                let mut f = std::fs::File::open(path).map_err(|source| ExportError::Io {
                    path: path.to_owned(),
                    source,
                })?;
                std::io::Read::read_exact(&mut f, &mut head).map_err(|source| ExportError::Io {
                    path: path.to_owned(),
                    source,
                })?;
                // n_tile_contents: bytes 88..96 of the v3 header, little-endian.
                let mut n = [0u8; 8];
                n.copy_from_slice(&head[88..96]);
                Ok(u64::from_le_bytes(n))
            }
            Self::MbTiles { db, seen } => {
                db.execute_batch("COMMIT; ANALYZE;")
                    .map_err(|source| ExportError::MbTiles {
                        path: path.to_owned(),
                        source,
                    })?;
                db.close().map_err(|(_, source)| ExportError::MbTiles {
                    path: path.to_owned(),
                    source,
                })?;
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .map_err(|source| ExportError::Io {
                        path: path.to_owned(),
                        source,
                    })?;
                f.flush().map_err(|source| ExportError::Io {
                    path: path.to_owned(),
                    source,
                })?;
                Ok(seen.len() as u64)
            }
        }
    }
}

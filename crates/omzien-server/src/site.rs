//! The static map site of `omzien export site`: a folder that any static web host (nginx, object
//! storage behind a CDN) serves with no omzien process and no internet.
//!
//! The folder holds the page (`index.html`, `site.js`, `site.css` from `web/site/`), MapLibre GL
//! JS and the `pmtiles` protocol (installed from npm by `build.rs` and embedded in the binary),
//! one vector archive per age group under `tiles/`, the legends under `legends/`, and
//! `site.json`: what the page offers (age groups, waves and changes, levels by zoom) and, per
//! level, the style expression that colours the vector tiles exactly as the PNG tiles of the
//! same layer are coloured ([`omzien_render::fill_color`]).
//!
//! The folder is written under a hidden name beside the target ([`Staged`]) and renamed into
//! place when complete: an interrupted or failed export leaves nothing under the final name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use omzien::Level;
use serde::Serialize;

/// The page's own files.
const PAGE: &[(&str, &[u8])] = &[
    ("index.html", include_bytes!("../web/site/index.html")),
    ("site.js", include_bytes!("../web/site/site.js")),
    ("site.css", include_bytes!("../web/site/site.css")),
];

/// Why a site could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SiteError {
    /// The folder exists (pass `--force` to replace it).
    #[error("{}: exists (use --force to replace it)", .0.display())]
    Exists(PathBuf),
    /// Reading or writing a file failed (disk full, permissions).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A legend could not be drawn.
    #[error("legend {path}: {source}")]
    Legend {
        /// The legend's path in the site.
        path: String,
        /// The cause.
        #[source]
        source: omzien_render::EncodeError,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SiteError + '_ {
    move |source| SiteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `site.json`: everything the page shows, read once at start.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// The page's heading.
    pub title: String,
    /// The indicator's key (`Eenzaam_28`).
    pub indicator: String,
    /// Its unit symbol (`%`).
    pub unit: String,
    /// Demo data: the page says the figures are synthetic.
    pub synthetic: bool,
    /// Source and licence, shown on the map.
    pub attribution: String,
    /// `[west, south, east, north]` of the archives.
    pub bounds: [f64; 4],
    /// The levels by zoom.
    pub levels: Vec<SiteLevel>,
    /// The waves, oldest first.
    pub waves: Vec<String>,
    /// One entry per age group, each with its archive.
    pub ages: Vec<Age>,
}

/// One level's zooms in [`Manifest`].
#[derive(Debug, Clone, Serialize)]
pub struct SiteLevel {
    /// The level (the MVT layer's name).
    pub level: Level,
    /// First zoom.
    pub minzoom: u8,
    /// Last zoom of the archive.
    pub maxzoom: u8,
}

/// One age group in [`Manifest`].
#[derive(Debug, Clone, Serialize)]
pub struct Age {
    /// `18+`.
    pub age: String,
    /// `18 jaar of ouder`.
    pub label: String,
    /// Its vector archive, relative to the site.
    pub tiles: String,
    /// What can be shown: every wave, then the changes.
    pub views: Vec<View>,
}

impl Age {
    /// An age group with its archive and views.
    #[must_use]
    pub fn new(age: String, label: String, tiles: String, views: Vec<View>) -> Self {
        Self {
            age,
            label,
            tiles,
            views,
        }
    }
}

/// One wave or change of an age group.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// `2020` or `2012-2020`.
    pub id: String,
    /// `2020` or `2012 → 2020`.
    pub label: String,
    /// A change between two waves.
    pub change: bool,
    /// Per level: its legend picture, relative to the site.
    pub legends: BTreeMap<String, String>,
    /// Per level: the MapLibre `fill-color` expression.
    pub colors: BTreeMap<String, serde_json::Value>,
}

impl View {
    /// A view without levels yet.
    #[must_use]
    pub fn new(id: String, label: String, change: bool) -> Self {
        Self {
            id,
            label,
            change,
            legends: BTreeMap::new(),
            colors: BTreeMap::new(),
        }
    }

    /// Adds a level's legend and colours.
    pub fn add_level(&mut self, level: Level, legend: String, color: serde_json::Value) {
        self.legends.insert(level.to_string(), legend);
        self.colors.insert(level.to_string(), color);
    }
}

/// The site's folder, written under a hidden name beside its target
/// ([`omzien::StagedDir`]) and renamed into place by [`Staged::commit`]; dropped uncommitted,
/// it is removed.
#[derive(Debug)]
pub struct Staged(omzien::StagedDir);

impl From<omzien::FolderError> for SiteError {
    fn from(e: omzien::FolderError) -> Self {
        if e.source.kind() == std::io::ErrorKind::AlreadyExists {
            SiteError::Exists(e.path)
        } else {
            SiteError::Io {
                path: e.path,
                source: e.source,
            }
        }
    }
}

impl Staged {
    /// Makes the hidden folder `.NAME.partial-PID` beside `target`.
    ///
    /// # Errors
    /// [`SiteError::Io`] when the folder cannot be made.
    pub fn new(target: &Path) -> Result<Self, SiteError> {
        Ok(Self(omzien::StagedDir::new(target)?))
    }

    /// The hidden folder.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// The path of `rel` (with `/` between folders) in the hidden folder, its folder made.
    ///
    /// # Errors
    /// [`SiteError::Io`] naming the folder.
    pub fn file(&self, rel: &str) -> Result<PathBuf, SiteError> {
        Ok(self.0.file(rel)?)
    }

    /// Writes a file at `rel` (with `/` between folders) in the hidden folder.
    ///
    /// # Errors
    /// [`SiteError::Io`] naming the file.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        Ok(self.0.write(rel, bytes)?)
    }

    /// Writes a legend picture.
    ///
    /// # Errors
    /// [`SiteError::Legend`] or [`SiteError::Io`].
    pub fn write_legend(&self, rel: &str, legend: &omzien::Legend) -> Result<(), SiteError> {
        let png = omzien_render::legend_png(legend, 2).map_err(|source| SiteError::Legend {
            path: rel.to_owned(),
            source,
        })?;
        self.write(rel, &png)
    }

    /// Writes `site.json`.
    ///
    /// # Errors
    /// [`SiteError::Io`].
    pub fn write_manifest(&self, manifest: &Manifest) -> Result<(), SiteError> {
        let json = serde_json::to_vec_pretty(manifest)
            .map_err(|e| io(&self.path().join("site.json"))(std::io::Error::other(e)))?;
        self.write("site.json", &json)
    }

    /// Writes the page and the embedded MapLibre GL JS and pmtiles under `vendor/`.
    ///
    /// # Errors
    /// [`SiteError::Io`].
    pub fn write_page(&self) -> Result<(), SiteError> {
        for (rel, bytes) in PAGE {
            self.write(rel, bytes)?;
        }
        for (rel, bytes) in crate::assets::SITE_VENDOR {
            self.write(&format!("vendor/{rel}"), bytes)?;
        }
        Ok(())
    }

    /// Renames the folder into place; with `force`, a folder already there is replaced (moved
    /// aside first, removed after).
    ///
    /// # Errors
    /// [`SiteError::Exists`] without `force`, [`SiteError::Io`] when a rename fails.
    pub fn commit(self, force: bool) -> Result<(), SiteError> {
        self.0.commit(force)?;
        Ok(())
    }
}

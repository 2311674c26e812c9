//! The static map site of `omzien export site`: a folder that any static web host (nginx, object
//! storage behind a CDN) serves with no omzien process and no internet.
//!
//! The folder holds the page and its scripts (given by the caller: the server crate's one web
//! map, `web/map/`, with MapLibre GL JS and the `pmtiles` protocol from npm), one vector archive
//! per age group under `tiles/`, `search.json` (every area's name and box, so the page finds a
//! wijk or buurt by name without a server) and `site.json`: what the page offers (age groups,
//! waves and changes, levels by zoom) and, per level of each wave and change, the legend (as
//! text, with its classes) and the style expression that colours the vector tiles exactly as
//! the PNG tiles of the same layer are coloured ([`crate::fill_color`]).
//!
//! The folder is written under a hidden name beside the target (`Staged`) and renamed into
//! place when complete: an interrupted or failed export leaves nothing under the final name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use omzien::{AgeGroup, Level};
use serde::Serialize;

use crate::plan::{ExportProgress, Shown, TileSet, age_slug, write_reported};

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
    /// An archive could not be drawn or written.
    #[error(transparent)]
    Export(#[from] crate::ExportError),
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
    /// The page's heading, in Dutch.
    pub title: String,
    /// The page's heading, in English.
    pub title_en: String,
    /// The indicator's key (`Eenzaam_28`).
    pub indicator: String,
    /// Its label in Dutch (the key where the data has none).
    pub indicator_label: String,
    /// Its label in English.
    pub indicator_label_en: String,
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
    /// The search index of the areas, relative to the site ([`SearchEntry`] rows).
    pub search: String,
}

/// One area in `search.json`: what the page's search finds and where it moves the map.
#[derive(Debug, Clone, Serialize)]
pub struct SearchEntry {
    /// The area's code.
    pub code: String,
    /// Its name (its code where the data has none).
    pub name: String,
    /// Its level.
    pub level: Level,
    /// The name of its gemeente (wijken and buurten).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gemeente: Option<String>,
    /// `[west, south, east, north]` of its boundary, rounded to 5 decimals (about a metre).
    pub bbox: [f64; 4],
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
    /// `18 years and older`.
    pub label_en: String,
    /// Its vector archive, relative to the site.
    pub tiles: String,
    /// What can be shown: every wave, then the changes.
    pub views: Vec<View>,
}

impl Age {
    /// An age group with its archive and views.
    #[must_use]
    pub fn new(age: AgeGroup, tiles: String, views: Vec<View>) -> Self {
        Self {
            age: age.to_string(),
            label: age.label_nl(),
            label_en: age.label_en(),
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
    /// Per level: its legend (classes with their labels and colours, suppressed, not measured).
    pub legends: BTreeMap<String, omzien::Legend>,
    /// Per level: the MapLibre `fill-color` expression.
    pub colors: BTreeMap<String, serde_json::Value>,
    /// Per level: the filters of the suppressed and the not-measured areas, which the page
    /// covers with a pattern (so they differ by more than colour).
    pub patterns: BTreeMap<String, crate::StatusFilters>,
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
            patterns: BTreeMap::new(),
        }
    }

    /// Adds a level's legend, colours and patterns, from its classified layer.
    pub fn add_level(&mut self, level: Level, layer: &omzien::Layer) {
        self.legends.insert(level.to_string(), layer.legend());
        self.colors
            .insert(level.to_string(), crate::fill_color(layer));
        self.patterns
            .insert(level.to_string(), crate::status_filters(layer));
    }
}

/// The site's folder, written under a hidden name beside its target
/// ([`omzien::StagedDir`]) and renamed into place by [`Staged::commit`]; dropped uncommitted,
/// it is removed.
#[derive(Debug)]
pub(crate) struct Staged(omzien::StagedDir);

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

    /// Writes `site.json`.
    ///
    /// # Errors
    /// [`SiteError::Io`].
    pub fn write_manifest(&self, manifest: &Manifest) -> Result<(), SiteError> {
        let json = serde_json::to_vec_pretty(manifest)
            .map_err(|e| io(&self.path().join("site.json"))(std::io::Error::other(e)))?;
        self.write("site.json", &json)
    }

    /// Writes the page's files.
    ///
    /// # Errors
    /// [`SiteError::Io`].
    pub fn write_page(&self, page: &SitePage<'_>) -> Result<(), SiteError> {
        for (rel, bytes) in page.files {
            self.write(rel, bytes)?;
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

/// The page of a site: its files (`index.html`, its script and style, the libraries it loads),
/// each as a path in the site (with `/` between folders) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct SitePage<'a> {
    /// The page's files.
    pub files: &'a [(String, Vec<u8>)],
}

/// Every area drawn (in the export's box, if it has one), with its name and box: the rows of
/// `search.json`.
fn search_index(set: &TileSet) -> Vec<SearchEntry> {
    let ds = set.dataset();
    let round = |v: f64| (v * 1e5).round() / 1e5;
    let mut rows = Vec::new();
    for z in set.zooms() {
        let Some(scene) = set.scenes().iter().find(|sc| sc.level() == z.level) else {
            continue;
        };
        for shape in scene.boundaries().shapes() {
            let (min, max) = (shape.bbox.min(), shape.bbox.max());
            let outside = set
                .bbox()
                .is_some_and(|[w, s, e, n]| max.x < w || min.x > e || max.y < s || min.y > n);
            if outside || !ds.contains(shape.code) {
                continue;
            }
            let gemeente = ds
                .area(shape.code)
                .ok()
                .filter(|a| a.level != Level::Gemeente)
                .and_then(|a| a.gemeente_name);
            rows.push(SearchEntry {
                code: shape.code.to_string(),
                name: ds.area_name(shape.code),
                level: z.level,
                gemeente,
                bbox: [round(min.x), round(min.y), round(max.x), round(max.y)],
            });
        }
    }
    rows
}

/// Writes the static map site of a tile set to `out`: one vector archive per age group,
/// `site.json` (with the legend and colours of every level of every wave and change),
/// `search.json` and the page; in a staged folder
/// renamed into place when complete (replacing one there only with `force`).
///
/// # Errors
/// [`SiteError`]: `out` exists without `force`, an archive or legend could not be drawn, a
/// file could not be written, or `cancel` was set (nothing is left under `out` in each case).
pub fn write_site(
    set: &TileSet,
    out: &Path,
    force: bool,
    page: &SitePage<'_>,
    progress: &mut dyn ExportProgress,
    cancel: &AtomicBool,
) -> Result<(), SiteError> {
    if out.exists() && !force {
        return Err(SiteError::Exists(out.to_owned()));
    }
    let ds = set.dataset();
    let views = Shown::every(ds);
    let staged = Staged::new(out)?;
    let mut ages = Vec::new();
    let mut bounds = None;
    for &g in set.ages() {
        let slug = age_slug(g);
        let tiles = format!("tiles/{}_{slug}.pmtiles", set.indicator());
        let layers = set.layers(set.last_wave()?, g)?;
        let pyramid = set.pyramid(&layers, 1, Some(g))?;
        let meta = set.meta(&pyramid, &layers, format!("{} {g}", set.indicator()), g);
        bounds = Some(meta.bounds);
        let file = staged.file(&tiles)?;
        write_reported(
            &pyramid,
            &meta,
            (&file, &out.join(&tiles)),
            false,
            progress,
            cancel,
        )?;
        let mut site_views = Vec::new();
        for &v in &views {
            let mut view = View::new(v.slug(), v.label(), matches!(v, Shown::Change(..)));
            for (z, layer, _) in set.layers(v, g)? {
                view.add_level(z.level, &layer);
            }
            site_views.push(view);
        }
        ages.push(Age::new(g, tiles, site_views));
    }
    let info = ds.indicator_info(set.indicator());
    let search = "search.json";
    let index = serde_json::to_vec(&search_index(set))
        .map_err(|e| io(&staged.path().join(search))(std::io::Error::other(e)))?;
    staged.write(search, &index)?;
    let label = info.map_or_else(|| set.indicator().to_string(), |i| i.label_nl.clone());
    let label_en = info.map_or_else(|| set.indicator().to_string(), |i| i.label_en.clone());
    let manifest = Manifest {
        title: format!("{label} per gemeente, wijk en buurt"),
        title_en: format!("{label_en} by municipality, district and neighbourhood"),
        indicator_label: label,
        indicator_label_en: label_en,
        indicator: set.indicator().to_string(),
        unit: info
            .map_or(omzien::Unit::Number, |i| i.unit)
            .symbol()
            .to_owned(),
        synthetic: ds.provenance().synthetic,
        attribution: ds.provenance().attribution(),
        bounds: bounds.unwrap_or([3.2, 50.7, 7.3, 53.6]),
        levels: set
            .zooms()
            .iter()
            .map(|z| SiteLevel {
                level: z.level,
                minzoom: z.min,
                maxzoom: z.max,
            })
            .collect(),
        waves: ds.waves().iter().map(ToString::to_string).collect(),
        ages,
        search: search.to_owned(),
    };
    staged.write_manifest(&manifest)?;
    staged.write_page(page)?;
    if cancel.load(Ordering::Relaxed) {
        return Err(crate::ExportError::Interrupted.into());
    }
    staged.commit(force)
}

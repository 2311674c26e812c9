//! What an export draws, decided once for `omzien export tiles`, `omzien export site` and any
//! embedder: the zooms of each level, the layers shown (waves and changes), the classified
//! layers and shapes of each, the pyramid, the archive's name and metadata, and the writing of
//! one archive with progress reported to the caller.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use omzien::{AgeGroup, Dataset, Indicator, Layer, LayerSpec, Level, Wave};

use crate::{
    ArchiveMeta, ExportError, MAX_ZOOM, Pyramid, PyramidLevel, Scene, Written, ZoomRange,
    write_archive,
};

impl ZoomRange {
    /// The zooms of each level as `--zooms` takes them: `gemeente=5-9,wijk=10-12,buurt=13-15`
    /// (one zoom alone: `buurt=14`).
    ///
    /// ```
    /// use omzien_render::ZoomRange;
    /// let z = ZoomRange::parse_list("gemeente=5-9, wijk=10-12")?;
    /// assert_eq!((z[1].min, z[1].max), (10, 12));
    /// assert_eq!(ZoomRange::parse_list("buurt=14")?[0].min, 14);
    /// for bad in ["wijk=12-10", "wijk=10-23", "wijk", "streets=1-2", "", "wijk=1-2,wijk=3-4"] {
    ///     assert!(ZoomRange::parse_list(bad).is_err(), "{bad}");
    /// }
    /// # Ok::<(), omzien_render::ExportError>(())
    /// ```
    ///
    /// # Errors
    /// [`ExportError::Zoom`] naming the part that is not `LEVEL=MIN-MAX` with zooms 0–22 in
    /// order, a level given twice, or no level at all.
    pub fn parse_list(s: &str) -> Result<Vec<ZoomRange>, ExportError> {
        let bad = ExportError::Zoom;
        let mut out: Vec<ZoomRange> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (level, range) = part
                .split_once('=')
                .ok_or_else(|| bad(format!("{part:?} is not LEVEL=MIN-MAX (e.g. wijk=10-12)")))?;
            let level: Level = level
                .trim()
                .parse()
                .map_err(|e: omzien::LevelError| bad(e.to_string()))?;
            let (min, max) = range.split_once('-').unwrap_or((range, range));
            let z = |v: &str| {
                v.trim()
                    .parse::<u8>()
                    .ok()
                    .filter(|z| *z <= MAX_ZOOM)
                    .ok_or_else(|| bad(format!("{v:?} in {part:?} is not a zoom 0–{MAX_ZOOM}")))
            };
            let (min, max) = (z(min)?, z(max)?);
            if min > max {
                return Err(bad(format!("{part:?}: the zooms are reversed")));
            }
            if out.iter().any(|r| r.level == level) {
                return Err(bad(format!("{level} is given twice")));
            }
            out.push(ZoomRange { level, min, max });
        }
        if out.is_empty() {
            return Err(bad("no level given".into()));
        }
        Ok(out)
    }
}

/// What one archive or one view of a site shows: a wave, or the change between two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The figures of one wave.
    Wave(Wave),
    /// The change from the first wave to the second.
    Change(Wave, Wave),
}

impl Shown {
    /// Its part of a file name: `2020`, `2012-2020`.
    #[must_use]
    pub fn slug(self) -> String {
        match self {
            Shown::Wave(w) => w.to_string(),
            Shown::Change(a, b) => format!("{a}-{b}"),
        }
    }

    /// Its label on a page: `2020`, `2012 → 2020`.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Shown::Wave(w) => w.to_string(),
            Shown::Change(a, b) => format!("{a} → {b}"),
        }
    }

    /// The layer of an indicator, age group and level that shows it.
    #[must_use]
    pub fn spec(self, indicator: Indicator, age: AgeGroup, level: Level) -> LayerSpec {
        match self {
            Shown::Wave(w) => LayerSpec::level(indicator, age, level, w),
            Shown::Change(a, b) => LayerSpec::delta(indicator, age, level, a, b),
        }
    }

    /// Everything a dataset can show: every wave, then the changes between consecutive waves
    /// and from the first to the last.
    ///
    /// ```
    /// use omzien_render::Shown;
    /// let all = Shown::every(&omzien::demo::dataset());
    /// assert_eq!(all.iter().map(|s| s.slug()).collect::<Vec<_>>(),
    ///            ["2012", "2016", "2020", "2012-2016", "2016-2020", "2012-2020"]);
    /// ```
    #[must_use]
    pub fn every(ds: &Dataset) -> Vec<Shown> {
        ds.waves()
            .iter()
            .map(|w| Shown::Wave(*w))
            .chain(ds.wave_pairs().map(|(a, b)| Shown::Change(a, b)))
            .collect()
    }
}

/// The file name part of an age group (`18+` → `18plus`).
#[must_use]
pub fn age_slug(g: AgeGroup) -> String {
    g.to_string().replace('+', "plus")
}

/// One level of a [`TileSet`] as drawn: its zooms, its classified layer and its shapes.
pub type DrawnLevel<'a> = (ZoomRange, Layer, &'a Scene);

/// What the exports draw: the figures, the shapes of each level, the indicator, the age
/// groups, the zooms of each level and the box.
#[derive(Debug)]
pub struct TileSet {
    ds: Dataset,
    scenes: Vec<Scene>,
    indicator: Indicator,
    ages: Vec<AgeGroup>,
    zooms: Vec<ZoomRange>,
    bbox: Option<[f64; 4]>,
}

impl TileSet {
    /// A tile set of these figures drawn on these shapes.
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator};
    /// use omzien_render::{Scene, TileSet, ZoomRange};
    /// let scenes = omzien::demo::boundaries().into_iter().map(Scene::new).collect();
    /// let zooms = ZoomRange::parse_list("wijk=10-12,buurt=13-14")?;
    /// let set = TileSet::new(omzien::demo::dataset(), scenes, Indicator::LONELY, vec![AgeGroup::ADULTS], zooms, None)?;
    /// assert_eq!(set.zooms().len(), 2);
    /// # Ok::<(), omzien_render::ExportError>(())
    /// ```
    ///
    /// # Errors
    /// [`ExportError::Zoom`] when a level of the zooms has no shapes, [`ExportError::Empty`]
    /// without an age group.
    pub fn new(
        ds: Dataset,
        scenes: Vec<Scene>,
        indicator: Indicator,
        ages: Vec<AgeGroup>,
        zooms: Vec<ZoomRange>,
        bbox: Option<[f64; 4]>,
    ) -> Result<Self, ExportError> {
        for z in &zooms {
            if !scenes.iter().any(|sc| sc.level() == z.level) {
                return Err(ExportError::Zoom(format!(
                    "no {} boundaries were found to draw",
                    z.level
                )));
            }
        }
        if ages.is_empty() {
            return Err(ExportError::Empty("no age group to draw".into()));
        }
        Ok(Self {
            ds,
            scenes,
            indicator,
            ages,
            zooms,
            bbox,
        })
    }

    /// The figures.
    #[must_use]
    pub fn dataset(&self) -> &Dataset {
        &self.ds
    }

    /// The indicator drawn.
    #[must_use]
    pub fn indicator(&self) -> Indicator {
        self.indicator
    }

    /// The age groups drawn.
    #[must_use]
    pub fn ages(&self) -> &[AgeGroup] {
        &self.ages
    }

    /// The box drawn, `[west, south, east, north]`, if the export is limited to one.
    #[must_use]
    pub fn bbox(&self) -> Option<[f64; 4]> {
        self.bbox
    }

    /// The shapes of each level.
    #[must_use]
    pub fn scenes(&self) -> &[Scene] {
        &self.scenes
    }

    /// The zooms of each level.
    #[must_use]
    pub fn zooms(&self) -> &[ZoomRange] {
        &self.zooms
    }

    /// The classified layer of each level drawn, with its zooms and shapes.
    ///
    /// # Errors
    /// [`ExportError::Layer`] when a layer cannot be made (no figures of that wave).
    pub fn layers(&self, s: Shown, g: AgeGroup) -> Result<Vec<DrawnLevel<'_>>, ExportError> {
        let mut layers = Vec::new();
        for z in &self.zooms {
            let Some(scene) = self.scenes.iter().find(|sc| sc.level() == z.level) else {
                continue;
            };
            layers.push((
                *z,
                self.ds.layer(&s.spec(self.indicator, g, z.level))?,
                scene,
            ));
        }
        Ok(layers)
    }

    /// The pyramid of `layers` (vector tiles of age group `g` when `vector` is set).
    ///
    /// # Errors
    /// As [`Pyramid::new`].
    pub fn pyramid<'a>(
        &'a self,
        layers: &'a [DrawnLevel<'a>],
        scale: u32,
        vector: Option<AgeGroup>,
    ) -> Result<Pyramid<'a>, ExportError> {
        let pyramid = Pyramid::new(
            layers
                .iter()
                .map(|(z, layer, scene)| PyramidLevel {
                    zooms: *z,
                    layer,
                    scene,
                })
                .collect(),
            self.bbox,
            scale,
        )?;
        Ok(match vector {
            Some(age) => pyramid.vector(
                &self.ds,
                crate::VectorQuery {
                    indicator: self.indicator,
                    age,
                },
            ),
            None => pyramid,
        })
    }

    /// An archive's metadata: its name, the first level's legend title as description (with
    /// the demo's notice), the attribution and the source.
    #[must_use]
    pub fn meta(
        &self,
        pyramid: &Pyramid<'_>,
        layers: &[DrawnLevel<'_>],
        name: String,
        g: AgeGroup,
    ) -> ArchiveMeta {
        let provenance = self.ds.provenance();
        let title = layers
            .first()
            .map(|(_, l, _)| l.legend().title)
            .unwrap_or_default();
        let description = match provenance.notice {
            Some(n) => format!("{title} ({n})"),
            None => title,
        };
        let attribution = provenance.attribution();
        ArchiveMeta::new(
            pyramid,
            name,
            description,
            attribution,
            serde_json::json!({
                "provenance": provenance,
                "indicator": self.indicator.to_string(),
                "age": g.to_string(),
                "waves": self.ds.waves(),
            }),
        )
    }

    /// The layer that carries a vector archive's legend metadata: the latest wave.
    ///
    /// # Errors
    /// [`ExportError::Empty`] when the data has no wave.
    pub fn last_wave(&self) -> Result<Shown, ExportError> {
        self.ds
            .waves()
            .last()
            .map(|w| Shown::Wave(*w))
            .ok_or_else(|| ExportError::Empty("the data has no wave".into()))
    }
}

/// What an export tells its caller while it writes (a progress bar, a log line); every
/// method does nothing by default.
pub trait ExportProgress {
    /// An archive of `total` tiles is started; `path` is its final name. Returns what is told
    /// how many of its tiles are done (called from the threads that draw them).
    fn start(&mut self, path: &Path, total: u64) -> Box<dyn Fn(u64) + Sync> {
        let _ = (path, total);
        Box::new(|_| {})
    }
    /// The archive is complete.
    fn written(&mut self, path: &Path, written: &Written) {
        let _ = (path, written);
    }
}

/// No progress reported.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl ExportProgress for Quiet {}

/// Writes one archive to `file` ([`write_archive`]), its progress told under the name
/// `shown_as` (the final name when `file` is staged), errors naming `shown_as` too.
///
/// # Errors
/// As [`write_archive`].
pub fn write_reported(
    pyramid: &Pyramid<'_>,
    meta: &ArchiveMeta,
    (file, shown_as): (&Path, &Path),
    force: bool,
    progress: &mut dyn ExportProgress,
    cancel: &AtomicBool,
) -> Result<Written, ExportError> {
    let tiles = progress.start(shown_as, pyramid.coords().len() as u64);
    let written = write_archive(pyramid, meta, file, force, &*tiles, cancel).map_err(|e| {
        if file == shown_as {
            e
        } else {
            e.renamed(file, shown_as)
        }
    })?;
    progress.written(shown_as, &written);
    Ok(written)
}

/// The archives of `omzien export tiles`: which layers, ages and scales, and where each goes.
#[derive(Debug, Clone)]
pub struct ArchivePlan {
    /// Every archive: its age group, what it shows and its scale.
    pub jobs: Vec<(AgeGroup, Shown, u32)>,
    /// Where they go: one archive (a path ending in `.pmtiles` or `.mbtiles`) or a folder.
    pub out: PathBuf,
    /// The folder's archive format: `pmtiles` or `mbtiles`.
    pub folder_format: &'static str,
    /// Vector tiles (one archive per age group).
    pub vector: bool,
}

impl ArchivePlan {
    /// Whether `out` names one archive rather than a folder.
    #[must_use]
    pub fn single(&self) -> bool {
        crate::ArchiveFormat::of(&self.out).is_ok()
    }

    /// Why the plan cannot be written, when `out` names one archive but the selection is
    /// several (ages × layers × scales).
    #[must_use]
    pub fn one_name_for_many(&self) -> Option<String> {
        (self.single() && self.jobs.len() != 1).then(|| {
            format!(
                "{} names one archive, but the selection is {} (ages × layers × scales): name a folder, or choose one --age, one --wave or --change and one --scale",
                self.out.display(),
                self.jobs.len()
            )
        })
    }

    /// The path of one archive: `out` itself, or in the folder
    /// `INDICATOR_AGE_SHOWN[@2x].FORMAT` (vector: `INDICATOR_AGE_vector.pmtiles`).
    #[must_use]
    pub fn target(&self, indicator: Indicator, g: AgeGroup, s: Shown, scale: u32) -> PathBuf {
        if self.single() {
            return self.out.clone();
        }
        let age = age_slug(g);
        if self.vector {
            return self.out.join(format!("{indicator}_{age}_vector.pmtiles"));
        }
        let x2 = if scale == 2 { "@2x" } else { "" };
        self.out.join(format!(
            "{indicator}_{age}_{}{x2}.{}",
            s.slug(),
            self.folder_format
        ))
    }

    /// Draws and writes every archive of the plan. Refuses before drawing anything when an
    /// archive exists (without `force`) or `out` names one archive for several.
    ///
    /// # Errors
    /// [`ExportError`]: an archive exists, the selection is several archives for one name, or
    /// drawing or writing failed (nothing is left under that archive's name).
    pub fn write(
        &self,
        set: &TileSet,
        force: bool,
        progress: &mut dyn ExportProgress,
        cancel: &AtomicBool,
    ) -> Result<Vec<Written>, ExportError> {
        let single = self.single();
        if let Some(why) = self.one_name_for_many() {
            return Err(ExportError::Empty(why));
        }
        let indicator = set.indicator();
        for (g, s, scale) in &self.jobs {
            let p = self.target(indicator, *g, *s, *scale);
            if p.exists() && !force {
                return Err(ExportError::Exists(p));
            }
        }
        if !single {
            std::fs::create_dir_all(&self.out).map_err(|source| ExportError::Io {
                path: self.out.clone(),
                source,
            })?;
        }
        let mut written = Vec::new();
        for &(g, s, scale) in &self.jobs {
            let layers = set.layers(s, g)?;
            let pyramid = set.pyramid(&layers, scale, self.vector.then_some(g))?;
            let name = if self.vector {
                format!("{indicator} {g}")
            } else {
                format!("{indicator} {g} {}", s.slug())
            };
            let meta = set.meta(&pyramid, &layers, name, g);
            let path = self.target(indicator, g, s, scale);
            written.push(write_reported(
                &pyramid,
                &meta,
                (&path, &path),
                force,
                progress,
                cancel,
            )?);
        }
        Ok(written)
    }
}

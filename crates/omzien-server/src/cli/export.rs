//! `omzien export tiles`: the arguments translated into pyramids, drawn and written by
//! `omzien_render::write_archive`, with a progress bar and Ctrl-C that leaves nothing behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use omzien::{AgeGroup, Boundaries, Dataset, Indicator, Layer, LayerSpec, Level, Wave};
use omzien_render::{
    ArchiveFormat, ArchiveMeta, Pyramid, PyramidLevel, Scene, ZoomRange, write_archive,
};

use super::args::{DrawArgs, SiteArgs, TilesArgs};
use super::{CliError, arg, dataset};
use crate::site;

/// What one archive shows: a wave, or the change between two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Wave(Wave),
    Change(Wave, Wave),
}

impl Shown {
    fn slug(self) -> String {
        match self {
            Shown::Wave(w) => w.to_string(),
            Shown::Change(a, b) => format!("{a}-{b}"),
        }
    }

    fn spec(self, ind: Indicator, age: AgeGroup, level: Level) -> LayerSpec {
        match self {
            Shown::Wave(w) => LayerSpec::level(ind, age, level, w),
            Shown::Change(a, b) => LayerSpec::delta(ind, age, level, a, b),
        }
    }
}

/// `gemeente=5-9,wijk=10-12,buurt=13-15`.
fn parse_zooms(s: &str) -> Result<Vec<ZoomRange>, CliError> {
    let bad = |m: String| arg("zooms", m);
    let mut out = Vec::new();
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
                .filter(|z| *z <= omzien_render::MAX_ZOOM)
                .ok_or_else(|| {
                    bad(format!(
                        "{v:?} in {part:?} is not a zoom 0–{}",
                        omzien_render::MAX_ZOOM
                    ))
                })
        };
        let (min, max) = (z(min)?, z(max)?);
        if min > max {
            return Err(bad(format!("{part:?}: the zooms are reversed")));
        }
        if out.iter().any(|r: &ZoomRange| r.level == level) {
            return Err(bad(format!("{level} is given twice")));
        }
        out.push(ZoomRange { level, min, max });
    }
    if out.is_empty() {
        return Err(bad("no level given".into()));
    }
    Ok(out)
}

/// The layers asked for: waves and changes, or every wave, consecutive changes and first → last.
fn shown(ds: &Dataset, a: &TilesArgs) -> Result<Vec<Shown>, CliError> {
    let mut out = Vec::new();
    for w in &a.wave {
        out.push(Shown::Wave(ds.parse_wave_param("wave", w)?));
    }
    for c in &a.change {
        let (from, to) = c
            .split_once('-')
            .ok_or_else(|| arg("change", format!("{c:?} is not FROM-TO (e.g. 2012-2020)")))?;
        let (from, to) = ds
            .parse_change(("change", from.trim()), ("change", to.trim()))
            .map_err(|e| arg("change", format!("{c:?}: {}", e.source)))?;
        out.push(Shown::Change(from, to));
    }
    if out.is_empty() {
        out.extend(ds.waves().iter().map(|w| Shown::Wave(*w)));
        out.extend(ds.wave_pairs().map(|(a, b)| Shown::Change(a, b)));
    }
    out.dedup();
    Ok(out)
}

/// What both export commands draw: the figures, the boundaries by level, the indicator, the
/// age groups, the zooms of each level and the box.
struct Selection {
    ds: Dataset,
    scenes: Vec<Scene>,
    indicator: Indicator,
    ages: Vec<AgeGroup>,
    zooms: Vec<ZoomRange>,
    bbox: Option<[f64; 4]>,
}

impl Selection {
    /// Checks the zooms and the box, then loads the figures and the boundaries of the levels
    /// drawn (at once), and resolves the indicator and the age groups.
    fn load(a: &DrawArgs) -> Result<Self, CliError> {
        let zooms = parse_zooms(&a.zooms)?;
        let bbox = a
            .bbox
            .as_deref()
            .map(crate::params::parse_bbox)
            .transpose()?;
        let levels: Vec<Level> = zooms.iter().map(|z| z.level).collect();
        let (ds, read) = rayon::join(
            || {
                dataset(&super::Common {
                    data: a.data.clone(),
                    format: super::Format::Table,
                    classification: a.classification,
                })
            },
            || (!a.boundaries.is_empty()).then(|| Boundaries::read_levels(&a.boundaries, &levels)),
        );
        let mut ds = ds?;
        let boundaries: Vec<Boundaries> = match read {
            None if a.data.is_empty() => omzien::demo::boundaries().into(),
            None => return Err(arg("boundaries", "name the boundary files to draw")),
            Some(read) => super::serve::pick_boundaries(&ds, &a.boundaries, read?)?,
        };
        // Wijk and buurt names come from their boundary files (the figures carry codes).
        ds.name_from(&boundaries);
        let scenes: Vec<Scene> = boundaries.into_iter().map(Scene::new).collect();
        for z in &zooms {
            if !scenes.iter().any(|sc| sc.level() == z.level) {
                return Err(arg(
                    "zooms",
                    format!("no {} boundaries were found to draw", z.level),
                ));
            }
        }
        let indicator = ds.parse_indicator(Some(&a.indicator))?;
        let ages: Vec<AgeGroup> = if a.age.is_empty() {
            [AgeGroup::ADULTS, AgeGroup::SENIORS]
                .into_iter()
                .filter(|g| ds.age_groups().contains(g))
                .collect()
        } else {
            a.age
                .iter()
                .map(|s| ds.parse_age(Some(s)))
                .collect::<Result<_, _>>()?
        };
        Ok(Self {
            ds,
            scenes,
            indicator,
            ages,
            zooms,
            bbox,
        })
    }

    /// The classified layer of each level drawn, with its zooms and boundaries.
    fn layers(&self, s: Shown, g: AgeGroup) -> Result<Vec<(ZoomRange, Layer, &Scene)>, CliError> {
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
    fn pyramid<'a>(
        &'a self,
        layers: &'a [(ZoomRange, Layer, &'a Scene)],
        scale: u32,
        vector: Option<AgeGroup>,
    ) -> Result<Pyramid<'a>, CliError> {
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
                omzien_render::VectorQuery {
                    indicator: self.indicator,
                    age,
                },
            ),
            None => pyramid,
        })
    }

    /// The archive's metadata: name, description (the first level's legend title), the source.
    fn meta(
        &self,
        pyramid: &Pyramid<'_>,
        layers: &[(ZoomRange, Layer, &Scene)],
        name: String,
        g: AgeGroup,
    ) -> ArchiveMeta {
        let provenance = self.ds.provenance();
        let title = layers
            .first()
            .map(|(_, l, _)| l.legend().title)
            .unwrap_or_default();
        ArchiveMeta::new(
            pyramid,
            name,
            match provenance.notice {
                Some(n) => format!("{title} ({n})"),
                None => title,
            },
            self.ds.provenance().attribution(),
            serde_json::json!({
                "provenance": provenance,
                "indicator": self.indicator.to_string(),
                "age": g.to_string(),
                "waves": self.ds.waves(),
            }),
        )
    }

    /// The layer that carries a vector archive's legend metadata: the latest wave.
    fn last_wave(&self) -> Result<Shown, CliError> {
        self.ds
            .waves()
            .last()
            .map(|w| Shown::Wave(*w))
            .ok_or_else(|| arg("wave", "the data has no wave"))
    }
}

/// Writes one archive with a progress bar and prints what was written.
fn write_one(
    pyramid: &Pyramid<'_>,
    meta: &ArchiveMeta,
    path: &Path,
    force: bool,
    cancel: &AtomicBool,
    (out, shown_as): (&mut dyn Write, &Path),
) -> Result<omzien_render::Written, CliError> {
    let total = pyramid.coords().len() as u64;
    let bar = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template(
            "{msg} {bar:30} {pos}/{len} tiles · {per_sec} · ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(file_label(path));
    let written = write_archive(
        pyramid,
        meta,
        path,
        force,
        &|done| bar.set_position(done),
        cancel,
    );
    bar.finish_and_clear();
    let w = written?;
    writeln!(
        out,
        "{}: {} tiles drawn of {} ({} distinct), {} KB",
        shown_as.display(),
        w.drawn,
        w.tiles,
        w.unique,
        w.bytes / 1024
    )?;
    Ok(w)
}

/// A flag set by Ctrl-C (the handler is set once per process; a second Ctrl-C is not caught).
fn cancel_flag() -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    cancel
}

/// The file name part of an age group (`18+` → `18plus`).
fn age_slug(g: AgeGroup) -> String {
    g.to_string().replace('+', "plus")
}

/// Writes the archives asked for.
pub fn tiles(a: &TilesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    // Everything that can be wrong with the arguments is found before any work (the zooms and
    // the box by `Selection::load`, before it reads a file).
    let scales: Vec<u32> = if a.scale.is_empty() {
        vec![1, 2]
    } else {
        a.scale.clone()
    };
    if let Some(s) = scales.iter().find(|s| !matches!(s, 1 | 2)) {
        return Err(arg("scale", format!("{s} is not 1 or 2")));
    }
    let folder_format = match a.archive.as_str() {
        "pmtiles" => "pmtiles",
        "mbtiles" => "mbtiles",
        other => {
            return Err(arg(
                "archive",
                format!("{other:?} is not pmtiles or mbtiles"),
            ));
        }
    };
    let vector = match a.format.as_str() {
        "png" => false,
        "mvt" => true,
        other => return Err(arg("format", format!("{other:?} is not png or mvt"))),
    };
    if vector {
        if a.scale.iter().any(|s| *s != 1) {
            return Err(arg(
                "scale",
                "vector tiles have no scale (leave --scale out)",
            ));
        }
        if a.archive != "pmtiles"
            || ArchiveFormat::of(&a.out).is_ok_and(|f| f == ArchiveFormat::MbTiles)
        {
            return Err(arg(
                "archive",
                "vector tiles are written to PMTiles (.pmtiles)",
            ));
        }
        if !a.wave.is_empty() || !a.change.is_empty() {
            return Err(arg(
                "wave",
                "vector tiles carry every wave and change in their attributes: leave --wave and --change out",
            ));
        }
    }
    let scales = if vector { vec![1] } else { scales };
    let single = ArchiveFormat::of(&a.out).is_ok();

    let sel = Selection::load(&a.draw)?;
    let indicator = sel.indicator;
    // One vector archive per age group; its legend metadata is of the latest wave.
    let shown = if vector {
        vec![sel.last_wave()?]
    } else {
        shown(&sel.ds, a)?
    };
    let jobs: Vec<(AgeGroup, Shown, u32)> = sel
        .ages
        .iter()
        .flat_map(|g| shown.iter().map(move |s| (*g, *s)))
        .flat_map(|(g, s)| scales.iter().map(move |sc| (g, s, *sc)))
        .collect();
    if single && jobs.len() != 1 {
        return Err(arg(
            "out",
            format!(
                "{} names one archive, but the selection is {} (ages × layers × scales): name a folder, or choose one --age, one --wave or --change and one --scale",
                a.out.display(),
                jobs.len()
            ),
        ));
    }
    let target = |g: AgeGroup, s: Shown, scale: u32| -> PathBuf {
        if single {
            return a.out.clone();
        }
        let age = age_slug(g);
        if vector {
            return a.out.join(format!("{indicator}_{age}_vector.pmtiles"));
        }
        let x2 = if scale == 2 { "@2x" } else { "" };
        a.out.join(format!(
            "{indicator}_{age}_{}{x2}.{folder_format}",
            s.slug()
        ))
    };
    // Refuse before drawing anything when an archive exists.
    for (g, s, scale) in &jobs {
        let p = target(*g, *s, *scale);
        if p.exists() && !a.force {
            return Err(omzien_render::ExportError::Exists(p).into());
        }
    }
    if !single {
        std::fs::create_dir_all(&a.out)?;
    }

    let cancel = cancel_flag();
    for (g, s, scale) in jobs {
        let layers = sel.layers(s, g)?;
        let pyramid = sel.pyramid(&layers, scale, vector.then_some(g))?;
        let name = if vector {
            format!("{indicator} {g}")
        } else {
            format!("{indicator} {g} {}", s.slug())
        };
        let meta = sel.meta(&pyramid, &layers, name, g);
        let path = target(g, s, scale);
        write_one(&pyramid, &meta, &path, a.force, &cancel, (out, &path))?;
    }
    Ok(())
}

/// Writes the static map site: a staged folder renamed into place when complete.
pub fn site(a: &SiteArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if a.out.exists() && !a.force {
        return Err(omzien_render::ExportError::Exists(a.out.clone()).into());
    }
    let sel = Selection::load(&a.draw)?;
    let ds = &sel.ds;
    let views: Vec<Shown> = ds
        .waves()
        .iter()
        .map(|w| Shown::Wave(*w))
        .chain(ds.wave_pairs().map(|(a, b)| Shown::Change(a, b)))
        .collect();
    let staged = site::Staged::new(&a.out)?;
    let cancel = cancel_flag();
    let mut ages = Vec::new();
    let mut bounds = None;
    for &g in &sel.ages {
        let slug = age_slug(g);
        let tiles = format!("tiles/{}_{slug}.pmtiles", sel.indicator);
        let layers = sel.layers(sel.last_wave()?, g)?;
        let pyramid = sel.pyramid(&layers, 1, Some(g))?;
        let meta = sel.meta(&pyramid, &layers, format!("{} {g}", sel.indicator), g);
        bounds = Some(meta.bounds);
        let (staged_file, shown_as) = (staged.file(&tiles)?, a.out.join(&tiles));
        write_one(
            &pyramid,
            &meta,
            &staged_file,
            false,
            &cancel,
            (out, &shown_as),
        )
        .map_err(|e| match e {
            CliError::Export(e) => CliError::Export(e.renamed(&staged_file, &shown_as)),
            other => other,
        })?;
        let mut site_views = Vec::new();
        for &v in &views {
            let mut view = site::View::new(
                v.slug(),
                match v {
                    Shown::Wave(w) => w.to_string(),
                    Shown::Change(a, b) => format!("{a} → {b}"),
                },
                matches!(v, Shown::Change(..)),
            );
            for (z, layer, _) in sel.layers(v, g)? {
                let legend = format!("legends/{slug}/{}_{}.png", v.slug(), z.level);
                staged.write_legend(&legend, &layer.legend())?;
                view.add_level(z.level, legend, omzien_render::fill_color(&layer));
            }
            site_views.push(view);
        }
        ages.push(site::Age::new(
            g.to_string(),
            g.label_nl(),
            tiles,
            site_views,
        ));
    }
    let info = ds.indicator_info(sel.indicator);
    let manifest = site::Manifest {
        title: format!(
            "{} per gemeente, wijk en buurt",
            info.map_or_else(|| sel.indicator.to_string(), |i| i.label_nl.clone())
        ),
        indicator: sel.indicator.to_string(),
        unit: info
            .map_or(omzien::Unit::Number, |i| i.unit)
            .symbol()
            .to_owned(),
        synthetic: ds.provenance().synthetic,
        attribution: ds.provenance().attribution(),
        bounds: bounds.unwrap_or([3.2, 50.7, 7.3, 53.6]),
        levels: sel
            .zooms
            .iter()
            .map(|z| site::SiteLevel {
                level: z.level,
                minzoom: z.min,
                maxzoom: z.max,
            })
            .collect(),
        waves: ds.waves().iter().map(ToString::to_string).collect(),
        ages,
    };
    staged.write_manifest(&manifest)?;
    staged.write_page()?;
    if cancel.load(Ordering::Relaxed) {
        return Err(omzien_render::ExportError::Interrupted.into());
    }
    staged.commit(a.force)?;
    writeln!(
        out,
        "{}: the site (open index.html through a web server)",
        a.out.display()
    )?;
    Ok(())
}

fn file_label(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooms_parse_and_refuse() {
        let z = parse_zooms("gemeente=5-9, wijk=10-12").unwrap();
        assert_eq!(z.len(), 2);
        assert_eq!((z[1].min, z[1].max), (10, 12));
        assert_eq!(parse_zooms("buurt=14").unwrap()[0].min, 14);
        for bad in [
            "wijk=12-10",
            "wijk=10-23",
            "wijk",
            "streets=1-2",
            "",
            "wijk=1-2,wijk=3-4",
        ] {
            assert!(parse_zooms(bad).is_err(), "{bad}");
        }
    }
}

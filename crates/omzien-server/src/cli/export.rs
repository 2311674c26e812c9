//! `omzien export tiles` and `omzien export site`: the arguments translated into an
//! [`omzien_render::TileSet`] and drawn and written by `omzien_render` (the archives' plan, the
//! site), with a progress bar and Ctrl-C that leaves nothing behind.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use omzien::{AgeGroup, Boundaries, Dataset, Level};
use omzien_render::{
    ArchiveFormat, ArchivePlan, ExportError, ExportProgress, Scene, Shown, SitePage, TileSet,
    Written, ZoomRange,
};

use super::args::{DrawArgs, SiteArgs, TilesArgs};
use super::{CliError, arg, dataset};

/// A zoom error said as the `--zooms` option's.
fn zooms_arg(e: ExportError) -> CliError {
    match e {
        ExportError::Zoom(m) => arg("zooms", m),
        other => other.into(),
    }
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
        out = Shown::every(ds);
    }
    out.dedup();
    Ok(out)
}

/// Checks the zooms and the box, then loads the figures and the boundaries of the levels
/// drawn (at once), and resolves the indicator and the age groups.
fn tile_set(a: &DrawArgs) -> Result<TileSet, CliError> {
    let zooms = ZoomRange::parse_list(&a.zooms).map_err(zooms_arg)?;
    let bbox = a.bbox.as_deref().map(omzien::parse_bbox).transpose()?;
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
    TileSet::new(ds, scenes, indicator, ages, zooms, bbox).map_err(zooms_arg)
}

/// A progress bar per archive and a line when it is written.
struct Bar<'o> {
    bar: Option<indicatif::ProgressBar>,
    out: &'o mut dyn Write,
    /// A failure to print a line, answered after the export.
    failed: Option<std::io::Error>,
}

impl<'o> Bar<'o> {
    fn new(out: &'o mut dyn Write) -> Self {
        Self {
            bar: None,
            out,
            failed: None,
        }
    }

    /// What went wrong printing, if anything.
    fn result(mut self) -> Result<(), CliError> {
        self.failed.take().map_or(Ok(()), |e| Err(e.into()))
    }
}

impl ExportProgress for Bar<'_> {
    fn start(&mut self, path: &Path, total: u64) -> Box<dyn Fn(u64) + Sync> {
        let bar = indicatif::ProgressBar::new(total).with_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:30} {pos}/{len} tiles · {per_sec} · ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(file_label(path));
        if let Some(old) = self.bar.replace(bar.clone()) {
            old.finish_and_clear();
        }
        Box::new(move |done| bar.set_position(done))
    }

    fn written(&mut self, path: &Path, w: &Written) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if let Err(e) = writeln!(
            self.out,
            "{}: {} tiles drawn of {} ({} distinct), {} KB",
            path.display(),
            w.drawn,
            w.tiles,
            w.unique,
            w.bytes / 1024
        ) {
            self.failed.get_or_insert(e);
        }
    }
}

impl Drop for Bar<'_> {
    fn drop(&mut self) {
        // A failed archive leaves no bar behind on the terminal.
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// A flag set by Ctrl-C (the handler is set once per process; a second Ctrl-C is not caught).
fn cancel_flag() -> Arc<AtomicBool> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    cancel
}

/// Writes the archives asked for.
pub fn tiles(a: &TilesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    // Everything that can be wrong with the arguments is found before any work (the zooms and
    // the box by `tile_set`, before it reads a file).
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

    let set = tile_set(&a.draw)?;
    // One vector archive per age group; its legend metadata is of the latest wave.
    let shown = if vector {
        vec![set.last_wave()?]
    } else {
        shown(set.dataset(), a)?
    };
    let plan = ArchivePlan {
        jobs: set
            .ages()
            .iter()
            .flat_map(|g| shown.iter().map(move |s| (*g, *s)))
            .flat_map(|(g, s)| scales.iter().map(move |sc| (g, s, *sc)))
            .collect(),
        out: a.out.clone(),
        folder_format,
        vector,
    };
    // Refused before anything is drawn, as the option's error.
    if let Some(why) = plan.one_name_for_many() {
        return Err(arg("out", why));
    }
    let mut bar = Bar::new(out);
    plan.write(&set, a.force, &mut bar, &cancel_flag())?;
    bar.result()
}

/// Writes the static map site: a staged folder renamed into place when complete.
pub fn site(a: &SiteArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if a.out.exists() && !a.force {
        return Err(ExportError::Exists(a.out.clone()).into());
    }
    let set = tile_set(&a.draw)?;
    let files = crate::assets::exported_page();
    let page = SitePage { files: &files };
    let mut bar = Bar::new(out);
    omzien_render::write_site(&set, &a.out, a.force, &page, &mut bar, &cancel_flag())?;
    bar.result()?;
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

//! `omzien export tiles`: the arguments translated into pyramids, drawn and written by
//! `omzien_render::write_archive`, with a progress bar and Ctrl-C that leaves nothing behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use omzien::{AgeGroup, Boundaries, Dataset, Indicator, LayerSpec, Level, Wave};
use omzien_render::{
    ArchiveFormat, ArchiveMeta, Pyramid, PyramidLevel, Scene, ZoomRange, write_archive,
};

use super::args::TilesArgs;
use super::{CliError, arg, dataset};

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

/// `west,south,east,north`.
fn parse_bbox(s: &str) -> Result<[f64; 4], CliError> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            arg(
                "bbox",
                format!("{s:?} is not four numbers west,south,east,north"),
            )
        })?;
    <[f64; 4]>::try_from(v).map_err(|_| {
        arg(
            "bbox",
            format!("{s:?} is not four numbers west,south,east,north"),
        )
    })
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
        let (from, to) = (
            ds.parse_wave_param("change", from.trim())?,
            ds.parse_wave_param("change", to.trim())?,
        );
        if from == to {
            return Err(arg(
                "change",
                format!("{c:?}: a change needs two different waves"),
            ));
        }
        out.push(Shown::Change(from, to));
    }
    if out.is_empty() {
        out.extend(ds.waves().iter().map(|w| Shown::Wave(*w)));
        out.extend(ds.wave_pairs().map(|(a, b)| Shown::Change(a, b)));
    }
    out.dedup();
    Ok(out)
}

/// Writes the archives asked for.
pub fn tiles(a: &TilesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    // Everything that can be wrong with the arguments is found before any work.
    let zooms = parse_zooms(&a.zooms)?;
    let bbox = a.bbox.as_deref().map(parse_bbox).transpose()?;
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
    let ds = ds?;
    let boundaries: Vec<Boundaries> = match read {
        None if a.data.is_empty() => omzien::demo::boundaries().into(),
        None => return Err(arg("boundaries", "name the boundary files to draw")),
        Some(read) => super::serve::pick_boundaries(&ds, &a.boundaries, read?)?,
    };
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
    let shown = if vector {
        // One archive per age group; its legend metadata is of the latest wave.
        let last = ds
            .waves()
            .last()
            .copied()
            .ok_or_else(|| arg("wave", "the data has no wave"))?;
        vec![Shown::Wave(last)]
    } else {
        shown(&ds, a)?
    };
    let jobs: Vec<(AgeGroup, Shown, u32)> = ages
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
        let age = g.to_string().replace('+', "plus");
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

    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // A second Ctrl-C is not caught again: the handler is set once per process.
        let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    }
    let provenance = ds.provenance();
    for (g, s, scale) in jobs {
        let mut layers = Vec::new();
        for z in &zooms {
            let Some(scene) = scenes.iter().find(|sc| sc.level() == z.level) else {
                return Err(arg(
                    "zooms",
                    format!("no {} boundaries were found to draw", z.level),
                ));
            };
            layers.push((*z, ds.layer(&s.spec(indicator, g, z.level))?, scene));
        }
        let pyramid = Pyramid::new(
            layers
                .iter()
                .map(|(z, layer, scene)| PyramidLevel {
                    zooms: *z,
                    layer,
                    scene,
                })
                .collect(),
            bbox,
            scale,
        )?;
        let pyramid = if vector {
            pyramid.vector(&ds, omzien_render::VectorQuery { indicator, age: g })
        } else {
            pyramid
        };
        let title = layers
            .first()
            .map(|(_, l, _)| l.legend().title)
            .unwrap_or_default();
        let meta = ArchiveMeta::new(
            &pyramid,
            if vector {
                format!("{indicator} {g}")
            } else {
                format!("{indicator} {g} {}", s.slug())
            },
            match provenance.notice {
                Some(n) => format!("{title} ({n})"),
                None => title,
            },
            if provenance.synthetic {
                "SYNTHETIC DEMO DATA".into()
            } else {
                "RIVM/GGD Gezondheidsmonitor (StatLine 50090NED, CC BY 4.0); boundaries CBS, Kadaster"
                    .into()
            },
            serde_json::json!({
                "provenance": provenance,
                "indicator": indicator.to_string(),
                "age": g.to_string(),
                "waves": ds.waves(),
            }),
        );
        let path = target(g, s, scale);
        let total = pyramid.coords().len() as u64;
        let bar = indicatif::ProgressBar::new(total).with_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:30} {pos}/{len} tiles · {per_sec} · ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(file_label(&path));
        let written = write_archive(
            &pyramid,
            &meta,
            &path,
            a.force,
            &|done| bar.set_position(done),
            &cancel,
        );
        bar.finish_and_clear();
        let w = written?;
        writeln!(
            out,
            "{}: {} tiles drawn of {} ({} distinct), {} KB",
            path.display(),
            w.drawn,
            w.tiles,
            w.unique,
            w.bytes / 1024
        )?;
    }
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

    #[test]
    fn bbox_is_four_numbers() {
        assert_eq!(
            parse_bbox("4.7,52.2,5.1,52.5").unwrap(),
            [4.7, 52.2, 5.1, 52.5]
        );
        assert!(parse_bbox("4.7,52.2,5.1").is_err());
        assert!(parse_bbox("a,b,c,d").is_err());
    }
}

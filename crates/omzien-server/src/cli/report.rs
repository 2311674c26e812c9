//! `omzien report`: a gemeente's report as a PDF, or one per gemeente with `--all`.

use std::io::Write;
use std::path::{Path, PathBuf};

use omzien::{Boundaries, Dataset, GemeenteCode, Level, ReportQuery};
use omzien_render::{report_date, report_pdf};
use rayon::prelude::*;

use super::args::ReportArgs;
use super::{CliError, arg, dataset};

/// Writes the report of the gemeente named, or of every gemeente with `--all`.
pub fn run(a: &ReportArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let level: Level = a
        .level
        .parse()
        .map_err(|e: omzien::LevelError| arg("level", e.to_string()))?;
    let (ds, boundaries, paths) = load(a, level)?;
    let lang = super::lang(&a.lang)?;
    let indicators = a
        .indicator
        .iter()
        .map(|s| ds.parse_indicator(Some(s)))
        .collect::<Result<Vec<_>, _>>()?;
    let ages = a
        .age
        .iter()
        .map(|s| ds.parse_age(Some(s)))
        .collect::<Result<Vec<_>, _>>()?;
    let since = a
        .since
        .as_deref()
        .map(|s| ds.parse_wave_param("since", s))
        .transpose()?;
    let bounds = boundaries.iter().find(|b| b.level() == level);
    let populations = report_populations(&ds, &paths);
    let date = report_date();
    let make = |g: GemeenteCode| -> Result<Vec<u8>, CliError> {
        let mut q = ReportQuery::new(&ds, g).with_level(level);
        if !indicators.is_empty() {
            q = q.with_indicators(indicators.clone());
        }
        if !ages.is_empty() {
            q = q.with_ages(ages.clone());
        }
        if let Some(w) = since {
            q = q.with_since(w);
        }
        q = q.with_populations(populations.clone());
        let report = q.run(&ds)?;
        Ok(report_pdf(&ds, &report, bounds, lang, &date)?)
    };
    if a.all {
        let total = write_all(a, &ds, &make)?;
        writeln!(out, "{total} reports written to {}", a.out.display())?;
        return Ok(());
    }
    let Some(query) = &a.query else {
        return Err(arg(
            "GEMEENTE",
            "name a gemeente (code or name), or give --all",
        ));
    };
    let g = ds
        .resolve_gemeente(query)
        .map_err(|e| omzien::ParamError::new("GEMEENTE", e))?;
    let pdf = make(g)?;
    let path = if a.out.is_dir() {
        a.out.join(file_name(&ds, g))
    } else {
        a.out.clone()
    };
    write_new(&path, &pdf)?;
    writeln!(
        out,
        "{} ({} KB) written to {}",
        ds.area(omzien::AreaCode::Gemeente(g))?.display_name(),
        pdf.len() / 1024,
        path.display()
    )?;
    Ok(())
}

/// The figures and, read beside them, the boundaries of the level drawn (those given, else
/// those `omzien fetch` left beside the figures, as serve), with the names they carry; the
/// demo's without data.
fn load(
    a: &ReportArgs,
    level: Level,
) -> Result<(Dataset, Vec<Boundaries>, Vec<PathBuf>), CliError> {
    // The boundary files are read while the figures load; those of levels the report does not
    // draw are left after their codes (names are taken from wijk and buurt files only, see
    // `Dataset::name_from`, and the report draws the level asked for only).
    let levels = [level];
    // The boundaries given, else those `omzien fetch` left beside the figures (as serve).
    let paths = omzien::boundary_paths(&a.common.data, &a.boundaries);
    if paths.is_empty() && !a.common.data.is_empty() {
        eprintln!(
            "note: no boundaries given and no {}/ folder beside the figures: the report has no maps (pass --boundaries DIR)",
            omzien::BOUNDARIES_FOLDER
        );
    }
    let (ds, read) = rayon::join(
        || dataset(&a.common),
        || (!paths.is_empty()).then(|| Boundaries::read_levels(&paths, &levels)),
    );
    let mut ds = ds?;
    let boundaries: Vec<Boundaries> = match read {
        _ if paths.is_empty() && a.common.data.is_empty() => omzien::demo::boundaries().into(),
        None => Vec::new(),
        Some(read) => {
            let read = read?;
            // No file of this level: the files of the others are checked as before (a bad path is
            // still an error) and the report lists every area as without a boundary.
            let read = if read.0.is_empty() && read.1.is_empty() {
                Boundaries::read_all(&paths)?
            } else {
                read
            };
            super::serve::pick_boundaries(&ds, &paths, read)?
        }
    };
    ds.name_from(&boundaries);
    Ok((ds, boundaries, paths))
}

/// Every gemeente's report into `a.out`, side by side, with a progress bar on a terminal.
fn write_all(
    a: &ReportArgs,
    ds: &Dataset,
    make: &(dyn Fn(GemeenteCode) -> Result<Vec<u8>, CliError> + Sync),
) -> Result<usize, CliError> {
    std::fs::create_dir_all(&a.out)?;
    let gemeenten: Vec<GemeenteCode> = ds
        .areas(Level::Gemeente, None)
        .into_iter()
        .filter_map(|c| match c {
            omzien::AreaCode::Gemeente(g) => Some(g),
            _ => None,
        })
        .collect();
    let total = gemeenten.len();
    // Drawn on stderr when it is a terminal, hidden otherwise.
    let bar = indicatif::ProgressBar::new(total as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} reports · {per_sec} · ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    gemeenten
        .par_iter()
        .try_for_each(|g| -> Result<(), CliError> {
            let pdf = make(*g)?;
            write_new(&a.out.join(file_name(ds, *g)), &pdf)?;
            bar.inc(1);
            Ok(())
        })?;
    bar.finish_and_clear();
    Ok(total)
}

/// `GM0363_Amsterdam.pdf`.
fn file_name(ds: &Dataset, g: GemeenteCode) -> PathBuf {
    let name = ds
        .area(omzien::AreaCode::Gemeente(g))
        .map(|a| a.display_name())
        .unwrap_or_default();
    let slug: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    PathBuf::from(format!("{g}_{slug}.pdf"))
}

/// Writes through a temporary file in the same folder, so no half-written file is ever left
/// under the final name; the folder must exist.
pub(super) fn write_new(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    Ok(omzien::WholeFile::write(path, bytes)?)
}

/// The population layers among the boundaries that match the data best, one per level, for
/// the report's counts; layers that do not read are said and left out (the report does
/// without counts).
fn report_populations(ds: &Dataset, paths: &[PathBuf]) -> Vec<omzien::Populations> {
    ds.report_populations(paths).unwrap_or_else(|e| {
        eprintln!("note: no counts of people in the report: {e}");
        Vec::new()
    })
}

//! `omzien check`: population-weighted roll-ups beside the published figures.

use std::io::Write;

use omzien::{Level, Populations, Table};

use super::args::CheckArgs;
use super::output::{delta, emit_answer, num};
use super::{CliError, arg, named_dataset};
use crate::answer::{CheckAnswer, CheckRow, CheckWeights};

/// Prints how far the roll-ups lie from the published figures.
pub fn run(a: &CheckArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let names = super::NameArgs {
        boundaries: a.boundaries.clone(),
    };
    let ds = named_dataset(&a.common, &names)?;
    let ind = ds.parse_indicator(a.indicator.as_deref())?;
    let (found, gm, wk) = populations(&ds, a)?;
    let mut weights = Vec::new();
    let mut rows = Vec::new();
    const NATIONAL: &str = "gemeenten→land";
    const WIJKEN: &str = "wijken→gemeente";
    for (rollup, pick, from, to) in [
        (NATIONAL, gm, Level::Gemeente, Level::Land),
        (WIJKEN, wk, Level::Wijk, Level::Gemeente),
    ] {
        let Some((i, matched)) = pick else {
            eprintln!("note: no {from} populations among the boundaries: {rollup} not checked");
            continue;
        };
        let pop = &found[i];
        let mut devs = ds.compare_rollup(from, to, &|age| pop.weights_for(age).ok())?;
        if rollup == NATIONAL {
            devs.sort_by(|a, b| {
                a.indicator
                    .cmp(&b.indicator)
                    .then(a.age.cmp(&b.age))
                    .then(a.wave.cmp(&b.wave))
            });
        } else {
            // Largest deviation first (as compare_rollup orders them), one indicator.
            devs.retain(|d| d.indicator == ind);
            devs.truncate(a.top);
        }
        rows.extend(devs.iter().map(|d| CheckRow::new(&ds, rollup, d)));
        weights.push(CheckWeights {
            rollup: rollup.to_owned(),
            source: pop.source().to_owned(),
            year: pop.year(),
            areas: matched,
            total: pop.total(),
        });
    }
    let t = table(&rows);
    let title = format!(
        "Weighted roll-ups against published figures. Weights: {}",
        weights
            .iter()
            .map(|w| format!(
                "{}: {} ({} areas of the data, {:.0} inhabitants)",
                w.rollup, w.source, w.areas, w.total
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let answer = CheckAnswer {
        dataset: ds.provenance(),
        weights,
        rows,
    };
    emit_answer(
        &ds,
        a.common.format,
        &title,
        &t,
        &answer,
        (&answer.rows, &[]),
        out,
    )?;
    Ok(())
}

/// The population files among the boundaries, and the best of them for gemeenten and wijken
/// (its index and the areas it matches): refused when there are none.
#[allow(clippy::type_complexity)]
fn populations(
    ds: &omzien::Dataset,
    a: &CheckArgs,
) -> Result<
    (
        Vec<Populations>,
        Option<(usize, usize)>,
        Option<(usize, usize)>,
    ),
    CliError,
> {
    let paths = omzien::boundary_paths(&a.common.data, &a.boundaries);
    if paths.is_empty() {
        return Err(arg(
            "boundaries",
            format!(
                "none given, and no {}/ folder beside the figures: pass --boundaries with files \
                 or folders whose gemeenten or wijken carry populations",
                omzien::BOUNDARIES_FOLDER
            ),
        ));
    }
    let found = Populations::find(&paths)?;
    let gm = ds.best_populations(&found, Level::Gemeente);
    let wk = ds.best_populations(&found, Level::Wijk);
    if gm.is_none() && wk.is_none() {
        let known = omzien::POPULATION_PROPERTIES
            .iter()
            .map(|(p, _)| format!("{p:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(arg(
            "boundaries",
            format!(
                "no gemeente or wijk populations in {} whose codes match the data (population \
                 properties read: {known})",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok((found, gm, wk))
}

/// The rows as the table printed.
fn table(rows: &[CheckRow]) -> Table {
    let mut t = Table::new([
        "rollup",
        "code",
        "name",
        "indicator",
        "wave",
        "age",
        "published",
        "weighted",
        "diff_pp",
        "children",
        "used",
        "why",
    ]);
    for r in rows {
        t.push(vec![
            r.rollup.clone(),
            r.code.to_string(),
            r.name.clone(),
            r.indicator.clone(),
            r.wave.to_string(),
            r.age.clone(),
            r.published
                .map_or_else(|| r.published_status.to_string(), |v| format!("{v:.1}")),
            num(r.weighted),
            delta(r.difference),
            r.children.to_string(),
            r.used.to_string(),
            r.why.clone(),
        ]);
    }
    t
}

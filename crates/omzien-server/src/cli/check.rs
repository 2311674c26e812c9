//! `omzien check`: population-weighted roll-ups beside the published figures.

use std::io::Write;

use omzien::{Level, PopulationProperties, Populations, Table};
use serde::Serialize;

use super::args::CheckArgs;
use super::output::{delta, emit, fig, num};
use super::{CliError, dataset};

#[derive(Serialize)]
struct CheckDoc<'a> {
    national: &'a [omzien::Deviation],
    wijken_to_gemeente: Vec<&'a omzien::Deviation>,
}

/// Prints how far the roll-ups lie from the published figures.
pub fn run(a: &CheckArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = dataset(&a.common)?;
    let ind = ds.parse_indicator(a.indicator.as_deref())?;
    let dir = &a.boundaries;
    let gm = Populations::from_geojson(
        &dir.join("gemeenten_2020.geojson"),
        PopulationProperties::CBS_GEMEENTEN_2020,
    )?;
    let wk = Populations::from_geojson(
        &dir.join("wijken_2022_population.geojson"),
        PopulationProperties::CBS_WIJKEN_2022,
    )?;
    let mut national =
        ds.compare_rollup(Level::Gemeente, Level::Land, &|c| gm.weights_for(c).ok())?;
    let wijken = ds.compare_rollup(Level::Wijk, Level::Gemeente, &|c| wk.weights_for(c).ok())?;
    let mut t = Table::new([
        "report",
        "area",
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
    national.sort_by(|a, b| {
        a.indicator
            .cmp(&b.indicator)
            .then(a.age.cmp(&b.age))
            .then(a.wave.cmp(&b.wave))
    });
    let row = |report: &str, d: &omzien::Deviation| {
        vec![
            report.to_owned(),
            d.area.to_string(),
            d.indicator.to_string(),
            d.wave.to_string(),
            d.age.to_string(),
            fig(d.published),
            num(d.weighted),
            delta(d.difference),
            d.children.to_string(),
            d.used.to_string(),
            d.reasons(),
        ]
    };
    for d in &national {
        t.push(row("gemeenten→NL (CBS 2020 inhabitants)", d));
    }
    let worst: Vec<&omzien::Deviation> = wijken
        .iter()
        .filter(|d| d.indicator == ind)
        .take(a.top)
        .collect();
    for d in &worst {
        t.push(row("wijken→gemeente (approx. 2022 wijk populations)", d));
    }
    let title = format!(
        "Weighted roll-ups against published figures. Weights: {} gemeenten (CBS 2020, {:.0} inhabitants); {} wijken with 2022 populations (approximate: 2022 codes, matched to 2020 where equal).",
        gm.len(),
        gm.total(),
        wk.len()
    );
    let doc = CheckDoc {
        national: &national,
        wijken_to_gemeente: worst,
    };
    emit(&ds, a.common.format, &title, &t, &doc, out)?;
    Ok(())
}

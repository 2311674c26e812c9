//! `omzien rollup`: a weighted roll-up to parents or to the user's groups.

use std::io::Write;

use omzien::{RollupQuery, RollupTarget, Table, Weighting, Weights};

use super::args::RollupArgs;
use super::output::{emit_answer, num};
use super::{CliError, arg, named_dataset};
use crate::answer::{RollupAnswer, RollupStatus};

/// Prints the roll-up the arguments ask for.
pub fn run(a: &RollupArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = named_dataset(&a.common, &a.names)?;
    let groups = a
        .groups
        .as_deref()
        .map(omzien::Groups::from_csv)
        .transpose()?;
    let s = a.wave.selection(&ds, &a.measure)?;
    // Key figures (`omzien fetch kerncijfers`) give the inhabitants of the age group rolled
    // up; a plain `code,weight` file is used as it is.
    let weights = a
        .weights
        .as_deref()
        .map(|p| Weights::read_for(p, s.age))
        .transpose()?;
    let weighting = match (&weights, a.unweighted) {
        (Some(w), _) => Weighting::Weighted(w),
        (None, true) => Weighting::Unweighted,
        (None, false) => {
            return Err(arg(
                "weights",
                "a roll-up needs --weights FILE (code,population) or an explicit --unweighted",
            ));
        }
    };
    let target = match &groups {
        Some(g) => RollupTarget::Groups(g),
        None => RollupTarget::Parents(a.to),
    };
    let q = RollupQuery::new(a.from, s.indicator, s.wave, weighting)
        .with_age(s.age)
        .with_target(target)
        .with_min_coverage(a.min_coverage);
    let r = q.run(&ds)?;
    let ungrouped = r.ungrouped.len();
    // A weights file says nothing of the ages it counts: a roll-up of another age group than
    // 18+ is weighed by it as it is, and the answer says so (key figures count the age group).
    let weight_basis = weights
        .as_ref()
        .is_some_and(|w| w.age().is_none() && s.age != omzien::AgeGroup::ADULTS)
        .then(|| {
        format!(
            "the weights are used as they are for {}: if they count all inhabitants, the roll-up \
             is weighed by the wrong population (give weights of this age group)",
            s.age
        )
    });
    if let Some(w) = &weight_basis {
        eprintln!("warning: {w}");
    }
    let weights_year = weights.as_ref().and_then(omzien::Weights::year);
    let answer =
        RollupAnswer::new(&ds, r, a.min_coverage, weight_basis).with_weights_year(weights_year);
    let t = table(&answer.rows, a.min_coverage);
    let title = format!(
        "Roll-up of {} {} ({}), weights: {}{}; {ungrouped} areas in no group; a group's figure needs {:.0} % of its areas",
        s.indicator,
        s.wave,
        s.age,
        answer.weighting,
        weights_year.map_or_else(
            || if weights.is_some() {
                " (year not stated)".to_owned()
            } else {
                String::new()
            },
            |y| format!(" (counted in {y})")
        ),
        a.min_coverage * 100.0
    );
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

/// The rows as the table printed.
fn table(rows: &[crate::answer::RollupAnswerRow], min_coverage: f64) -> Table {
    let mut t = Table::new([
        "code",
        "name",
        "value",
        "status",
        "areas",
        "used",
        "suppressed",
        "not_measured",
        "missing_weight",
        "weight",
        "weight_share",
        "coverage",
    ]);
    for row in rows {
        t.push(vec![
            row.code.clone(),
            row.name.clone(),
            num(row.value),
            match row.status {
                RollupStatus::Value => String::new(),
                RollupStatus::Withheld => format!(
                    "withheld: under {:.0} % of the areas used",
                    min_coverage * 100.0
                ),
                RollupStatus::NoData => "no area with a value and a weight".to_owned(),
            },
            row.areas.to_string(),
            row.used.to_string(),
            row.suppressed.to_string(),
            row.not_measured.to_string(),
            row.missing_weight.to_string(),
            format!("{:.0}", row.weight),
            row.weight_share
                .map(|w| format!("{:.2}", w))
                .unwrap_or_default(),
            format!("{:.2}", row.coverage),
        ]);
    }
    t
}

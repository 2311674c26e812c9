//! `omzien summary`: what the data holds and how one indicator is spread per level.

use std::io::Write;

use omzien::{Level, Table};

use super::args::SummaryArgs;
use super::output::{emit_answer, num};
use super::{CliError, dataset};
use crate::answer::SummaryAnswer;

fn list<T: std::fmt::Display>(xs: &[T]) -> String {
    xs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prints the summary.
pub fn run(a: &SummaryArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = dataset(&a.common)?;
    let ind = ds.parse_indicator(a.indicator.as_deref())?;
    let paths = omzien::boundary_paths(&a.common.data, &a.population);
    let populations = if paths.is_empty() {
        Vec::new()
    } else {
        omzien::Populations::find(&paths)?
    };
    let answer = SummaryAnswer::new(&ds, ind, a.threshold)?.with_people(&ds, ind, &populations);
    let t = table(&answer.rows, a.threshold.is_some());
    let counts: Vec<String> = Level::ALL
        .iter()
        .map(|l| format!("{} {}", ds.count(*l), l))
        .collect();
    let title = format!(
        "{} areas ({}); waves {}; age groups {}; {} indicators with figures; classification {}\nDistribution of {ind} per level, wave and age group:",
        ds.len(),
        counts.join(", "),
        list(ds.waves()),
        list(ds.age_groups()),
        answer.indicators_with_figures,
        ds.classification_year()
            .map_or("unknown".into(), |y| y.to_string()),
    );
    let mut title = title;
    for p in &answer.people {
        title.push_str(&format!(
            "\n{} {} {}: about {} of the about {} people aged {} ({:.1}%; population: {}{}{})",
            p.name,
            p.wave,
            ind,
            p.people,
            (p.population / 10.0).round() * 10.0,
            p.age,
            p.value,
            p.source,
            p.year
                .map(|y| format!(", counted in {y}"))
                .unwrap_or_default(),
            if p.approximate {
                format!("; 18+ approximated: {}", omzien::ADULTS_APPROXIMATION)
            } else {
                String::new()
            }
        ));
    }
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

/// The rows as the table printed, with the share above the threshold when one is given.
fn table(rows: &[crate::answer::SummaryRow], threshold: bool) -> Table {
    let mut t = Table::new([
        "level",
        "wave",
        "age",
        "areas",
        "values",
        "suppressed",
        "not_measured",
        "mean",
        "min",
        "p25",
        "median",
        "p75",
        "max",
        "national",
    ]);
    if threshold {
        t.headers.push("share_above".into());
    }
    for s in rows {
        let mut row = vec![
            s.level.to_string(),
            s.wave.to_string(),
            s.age.clone(),
            s.areas.to_string(),
            s.values.to_string(),
            s.suppressed.to_string(),
            s.not_measured.to_string(),
            num(s.mean),
            num(s.min),
            num(s.p25),
            num(s.median),
            num(s.p75),
            num(s.max),
            s.national.map_or_else(
                || {
                    s.national_status
                        .map(|st| st.to_string())
                        .unwrap_or_default()
                },
                |v| format!("{v:.1}"),
            ),
        ];
        if let Some(share) = s.share_above {
            row.push(format!("{:.1}%", share * 100.0));
        }
        t.push(row);
    }
    t
}

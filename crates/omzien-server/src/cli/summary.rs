//! `omzien summary`: what the data holds and how one indicator is spread per level.

use std::io::Write;

use omzien::{Level, Table};
use serde::Serialize;

use super::args::SummaryArgs;
use super::output::{emit, fig, num};
use super::{CliError, dataset};

/// The JSON of `omzien summary`.
#[derive(Serialize)]
struct SummaryDoc<'a> {
    areas: usize,
    levels: Vec<LevelCount>,
    waves: &'a [omzien::Wave],
    age_groups: Vec<AgeGroupDoc>,
    summaries: &'a [omzien::Summary],
}

#[derive(Serialize)]
struct LevelCount {
    level: Level,
    count: usize,
}

#[derive(Serialize)]
struct AgeGroupDoc {
    code: u32,
    label_nl: String,
    label_en: String,
}

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
    if a.threshold.is_some() {
        t.headers.push("share_above".into());
    }
    let sums = ds.summaries(ind, a.threshold);
    for s in &sums {
        let national = ds
            .national()
            .map(|nl| ds.figure(nl, ind, s.wave, s.age))
            .transpose()?;
        let mut row = vec![
            s.level.to_string(),
            s.wave.to_string(),
            s.age.to_string(),
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
            national.map(fig).unwrap_or_default(),
        ];
        if let Some(share) = s.share_above {
            row.push(format!("{:.1}%", share * 100.0));
        }
        t.push(row);
    }
    let counts: Vec<String> = Level::ALL
        .iter()
        .map(|l| format!("{} {}", ds.count(*l), l))
        .collect();
    let measured = ds
        .indicators()
        .iter()
        .filter(|i| {
            ds.waves().iter().any(|&w| {
                ds.age_groups()
                    .iter()
                    .any(|&a| ds.has_column(i.indicator, w, a))
            })
        })
        .count();
    let title = format!(
        "{} areas ({}); waves {}; age groups {}; {measured} indicators with figures; classification {}\nDistribution of {ind} per level, wave and age group:",
        ds.len(),
        counts.join(", "),
        list(ds.waves()),
        list(ds.age_groups()),
        ds.classification_year()
            .map_or("unknown".into(), |y| y.to_string()),
    );
    let doc = SummaryDoc {
        areas: ds.len(),
        levels: Level::ALL
            .iter()
            .map(|&level| LevelCount {
                level,
                count: ds.count(level),
            })
            .collect(),
        waves: ds.waves(),
        age_groups: ds
            .age_groups()
            .iter()
            .map(|a| AgeGroupDoc {
                code: a.code(),
                label_nl: a.label_nl(),
                label_en: a.label_en(),
            })
            .collect(),
        summaries: &sums,
    };
    emit(&ds, a.common.format, &title, &t, &doc, out)?;
    Ok(())
}

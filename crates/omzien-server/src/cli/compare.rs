//! `omzien compare`: an area against its benchmark in every indicator, at 95 % and 99.8 %, the
//! same answer `/api/compare/{code}` gives.

use std::io::Write;

use omzien::Table;

use super::args::CompareArgs;
use super::output::{emit_answer, num};
use super::{CliError, named_dataset};
use crate::answer::CompareAnswer;

/// Prints the comparison the arguments ask for.
pub fn run(a: &CompareArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = named_dataset(&a.common, &a.names)?;
    let q = super::compare_query(&ds, a)?;
    let c = q.run(&ds)?;
    let answer = CompareAnswer::new(&ds, &c);
    let mut t = Table::new([
        "indicator",
        "value",
        "95% interval",
        "99.8% interval",
        "benchmark",
        "at 95%",
        "at 99.8%",
        "rule",
    ]);
    let interval = |iv: Option<[f64; 2]>| {
        iv.map(|[l, u]| format!("{l:.1} – {u:.1}"))
            .unwrap_or_default()
    };
    for r in &answer.rows {
        t.push(vec![
            r.indicator.clone(),
            if r.value.is_some() {
                num(r.value)
            } else {
                r.status.as_str().to_owned()
            },
            interval(r.interval),
            interval(r.p998_interval),
            num(r.benchmark),
            r.verdict_95.to_string(),
            r.verdict_998.to_string(),
            r.band.map_or_else(
                || "benchmark outside the interval".to_owned(),
                |b| format!("±{b:.1} pp, no interval"),
            ),
        ]);
    }
    let b = &answer.benchmark;
    let mut title = format!(
        "{} {} against {} ({} {}, {}): worse or higher in {} indicators at 95%, {} at 99.8%; better or lower in {} and {}",
        answer.code,
        answer.name,
        match &b.code {
            Some(code) => format!("{} ({code})", b.name),
            None => b.name.clone(),
        },
        q.wave,
        q.age.short(),
        b.kind,
        answer.worse_or_higher[0],
        answer.worse_or_higher[1],
        answer.better_or_lower[0],
        answer.better_or_lower[1],
    );
    if !b.neighbours.is_empty() {
        title.push_str(&format!(
            "\nsimilar by {}: {}",
            b.characteristics.join(", "),
            b.neighbours
                .iter()
                .map(|n| format!("{} ({})", n.name, n.code))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let (Some(_), Some(how)) = (&c.group, &b.source) {
        title.push_str(&format!(
            "\n{}: {how} of its areas' figures (benchmark_areas: how many had one)",
            b.name
        ));
    }
    if answer.rows.iter().all(|r| r.interval.is_none()) {
        title.push_str(
            "\nthese figures carry no intervals: every verdict is the band rule (more than the band apart), not a significance test",
        );
    }
    emit_answer(
        &ds,
        a.common.format,
        &title,
        &t,
        &answer,
        (&answer.rows, &answer.lead()),
        out,
    )?;
    Ok(())
}

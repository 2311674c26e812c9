//! `omzien risk`: the areas that are high, rising or both.

use std::io::Write;

use omzien::Table;

use super::args::RiskArgs;
use super::output::{bounds, delta, emit_answer, fig};
use super::{CliError, named_dataset};

/// Prints the risk areas the arguments ask for.
pub fn run(a: &RiskArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = named_dataset(&a.common, &a.names)?;
    let q = a.ask.query(&ds)?;
    let hits = ds.risk_areas(&q)?;
    let total = hits.len();
    let shown = &hits[..a.ask.rule.limit.unwrap_or(total).min(total)];
    if shown.len() < total {
        eprintln!(
            "note: {} of the {total} areas shown (--limit {})",
            shown.len(),
            shown.len()
        );
    }
    let mut t = Table::new([
        "rank", "code", "name", "value", "lower", "upper", "delta_pp", "gemeente", "national",
        "caveats",
    ]);
    for h in shown {
        let [lower, upper] = bounds(h.interval);
        t.push(vec![
            format!("{}/{}", h.rank, h.ranked),
            h.area.to_string(),
            h.name.clone(),
            format!("{:.1}", h.value),
            lower,
            upper,
            delta(h.delta),
            fig(h.gemeente_value),
            fig(h.national_value),
            omzien::Caveat::join(&h.caveats),
        ]);
    }
    let since = q.earlier_wave(&ds);
    // The rule of the mode asked for, and only that.
    let (rule, mode) = match q.criterion {
        omzien::RiskCriterion::High { top_share } => {
            (format!("top {:.0}%", top_share * 100.0), "high")
        }
        omzien::RiskCriterion::Rising { min_rise } => (format!("rise > {min_rise} pp"), "rising"),
        omzien::RiskCriterion::HighAndRising {
            top_share,
            min_rise,
        } => (
            format!("top {:.0}% and rise > {min_rise} pp", top_share * 100.0),
            "both",
        ),
        _ => (String::new(), ""),
    };
    let title = format!(
        "Risk areas: {} {}{} ({mode}: {rule}), {total} found",
        q.indicator,
        q.wave,
        since.map(|w| format!(" since {w}")).unwrap_or_default(),
    );
    // The answer takes the list (the table above borrowed the rows it shows).
    let answer = crate::answer::RiskAnswer::new(&ds, hits, a.ask.rule.limit, |_| None);
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

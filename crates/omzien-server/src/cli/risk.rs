//! `omzien risk`: the areas that are high, rising or both.

use std::io::Write;

use omzien::{RiskQuery, Table};

use super::args::RiskArgs;
use super::output::{bounds, delta, emit_answer, fig};
use super::{CliError, gemeente, named_dataset};

/// Prints the risk areas the arguments ask for.
pub fn run(a: &RiskArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = named_dataset(&a.common, &a.names)?;
    let s = ds.parse_selection(a.indicator.as_deref(), a.age.as_deref(), a.wave.as_deref())?;
    let mut q = RiskQuery::new(a.level, s.indicator, s.wave)
        .with_age(s.age)
        .with_mode(a.mode)
        .with_top_share(a.top)
        .with_min_rise(a.min_rise);
    if let Some(g) = gemeente(&ds, a.gemeente.as_deref())? {
        q = q.with_gemeente(g);
    }
    if let Some(since) = &a.since {
        q = q.with_since(ds.parse_wave_param("since", since)?);
    }
    let hits = ds.risk_areas(&q)?;
    let total = hits.len();
    let shown = &hits[..a.limit.unwrap_or(total).min(total)];
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
    let rule = match a.mode {
        omzien::RiskMode::High => format!("top {:.0}%", a.top * 100.0),
        omzien::RiskMode::Rising => format!("rise > {} pp", a.min_rise),
        omzien::RiskMode::Both => format!("top {:.0}% and rise > {} pp", a.top * 100.0, a.min_rise),
    };
    let title = format!(
        "Risk areas: {} {}{} ({}: {rule}), {total} found",
        s.indicator,
        s.wave,
        since.map(|w| format!(" since {w}")).unwrap_or_default(),
        a.mode,
    );
    // The answer takes the list (the table above borrowed the rows it shows).
    let answer = crate::answer::RiskAnswer::new(&ds, hits, a.limit, |_| None);
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

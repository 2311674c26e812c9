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
    let list = q.run(&ds)?;
    let total = list.areas.len();
    let shown = &list.areas[..a.ask.rule.limit.unwrap_or(total).min(total)];
    if shown.len() < total {
        eprintln!(
            "note: {} of the {total} areas shown (--limit {})",
            shown.len(),
            shown.len()
        );
    }
    let t = table(shown);
    let title = title(&q, &list);
    // The answer takes the list (the table above borrowed the rows it shows).
    let answer = crate::answer::RiskAnswer::new(&ds, list, a.ask.rule.limit, |_| None);
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

/// The areas shown as the table printed.
fn table(shown: &[omzien::RiskArea]) -> Table {
    let mut t = Table::new([
        "rank",
        "code",
        "name",
        "value",
        "lower",
        "upper",
        "delta_pp",
        "beyond_ref",
        "significant",
        "p_top",
        "p_rise",
        "gemeente",
        "national",
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
            delta(h.excess),
            match (h.significant, h.significant_fdr) {
                (None, _) => "not tested".to_owned(),
                (Some(true), Some(true)) => "yes (FDR 5%)".to_owned(),
                (Some(true), _) => "alone only".to_owned(),
                (Some(false), _) => "no".to_owned(),
            },
            h.p_top.map(|p| format!("{p:.2}")).unwrap_or_default(),
            h.p_rise.map(|p| format!("{p:.2}")).unwrap_or_default(),
            fig(h.gemeente_value),
            fig(h.national_value),
            omzien::Caveat::join(&h.caveats),
        ]);
    }
    t
}

/// The title: the criterion, how many areas it marks, and the uncertainty of the marks.
fn title(q: &omzien::RiskQuery, list: &omzien::RiskList) -> String {
    let (since, total) = (list.since, list.areas.len());
    let reference = match list.reference {
        omzien::RiseReference::National => format!(
            "beyond the national change{}",
            list.national_delta
                .map(|d| format!(" ({d:+.1} pp)"))
                .unwrap_or_default()
        ),
        omzien::RiseReference::Gemeente => "beyond the gemeente's change".to_owned(),
        _ => "own change, no reference".to_owned(),
    };
    // The rule of the mode asked for, and only that.
    let (rule, mode) = match q.criterion {
        omzien::RiskCriterion::High { top_share } => {
            (format!("top {:.0}%", top_share * 100.0), "high")
        }
        omzien::RiskCriterion::Rising { min_rise } => {
            (format!("rise > {min_rise} pp {reference}"), "rising")
        }
        omzien::RiskCriterion::HighAndRising {
            top_share,
            min_rise,
        } => (
            format!(
                "top {:.0}% and rise > {min_rise} pp {reference}",
                top_share * 100.0
            ),
            "both",
        ),
        _ => (String::new(), ""),
    };
    let high_note = if list.high_applies || mode == "rising" {
        String::new()
    } else {
        format!(
            "; \"high\" does not apply: only {} areas with a figure (--min-areas {})",
            list.ranked, q.min_areas
        )
    };
    format!(
        "Risk areas: {} {}{} ({mode}: {rule}{}), {total} of {} areas flagged ({:.1} %){high_note}\n{}",
        q.indicator,
        q.wave,
        since.map(|w| format!(" since {w}")).unwrap_or_default(),
        if q.by == omzien::RiskBy::Probability {
            format!(", by probability ≥ {}", q.min_prob)
        } else {
            String::new()
        },
        list.ranked,
        list.flagged_share() * 100.0,
        crate::answer::uncertainty(list),
    )
}

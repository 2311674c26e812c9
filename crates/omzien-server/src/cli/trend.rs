//! `omzien trend`: the change between two waves for every area of a level.

use std::io::Write;

use omzien::Table;

use super::args::TrendArgs;
use super::output::{bounds, delta, emit_answer, fig};
use super::{CliError, named_dataset};
use crate::answer::TrendAnswer;

/// Prints the trends the arguments ask for.
pub fn run(a: &TrendArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = named_dataset(&a.common, &a.names)?;
    let q = a.ask.query(&ds)?;
    let (ind, from, to, age) = (q.indicator, q.from, q.to, q.age);
    let trends = q.run(&ds)?;
    let mut t = Table::new([
        "code",
        "name",
        "from",
        "to",
        "from_lower",
        "from_upper",
        "to_lower",
        "to_upper",
        "delta_pp",
        "direction",
        "significant",
        "caveats",
    ]);
    for tr in &trends {
        let [fl, fu] = bounds(tr.from_interval);
        let [tl, tu] = bounds(tr.to_interval);
        t.push(vec![
            tr.area.to_string(),
            ds.area(tr.area)
                .map(|a| a.display_name())
                .unwrap_or_default(),
            fig(tr.from_figure),
            fig(tr.to_figure),
            fl,
            fu,
            tl,
            tu,
            delta(tr.delta),
            tr.direction.map(|d| d.to_string()).unwrap_or_default(),
            tr.significant
                .map(|s| if s { "yes" } else { "no" }.to_owned())
                .unwrap_or_default(),
            omzien::Caveat::join(&tr.caveats),
        ]);
    }
    // The rule, not a conclusion: a change within the band is called stable.
    let title = format!(
        "{ind} {from} → {to} ({age}): changes within ±{} pp count as stable",
        q.band
    );
    let answer = TrendAnswer::new(&ds, &trends, q.band);
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

//! `omzien area`: an area's profile, the same one `/api/areas/{code}` answers with.

use std::io::Write;

use omzien::Table;

use super::args::AreaArgs;
use super::output::{bounds, delta, emit_answer, fig, write_text};
use super::{CliError, named_dataset, resolve};

/// Prints the profile of the area the query names.
pub fn run(a: &AreaArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = named_dataset(&a.common, &a.names)?;
    let code = resolve(&ds, "AREA", &a.query, None)?;
    let indicators: Vec<&str> = a.indicator.iter().map(String::as_str).collect();
    let q = ds.parse_profile_query(
        &indicators,
        a.age.as_deref(),
        a.wave.as_deref(),
        a.rank_indicator.as_deref(),
        a.rank_wave.as_deref(),
    )?;
    let profile = q.run(&ds, code)?;
    let t = figures_table(&profile);
    let title = title(&ds, &profile)?;
    // The trends, in the table for people too (CSV and JSON carry them as the API does).
    let trends = trends_table(&profile);
    let answer = crate::answer::AreaAnswer::new(&ds, profile, None);
    let lead = answer.lead();
    emit_answer(
        &ds,
        a.common.format,
        &title,
        &t,
        &answer,
        (&answer.rows, &lead),
        out,
    )?;
    if a.common.format == super::Format::Table && !trends.rows.is_empty() {
        writeln!(
            out,
            "\ntrends (changes within ±{} pp count as stable):",
            omzien::TrendQuery::DEFAULT_BAND
        )?;
        write_text(&trends, out)?;
    }
    if a.common.format == super::Format::Table && !answer.wave_trends.is_empty() {
        writeln!(
            out,
            "
trend over every wave with an interval (weighted, logit scale; five or more waves: chi2 > 9.5495, 99.8%; three or four: 3.8415, 95%):"
        )?;
        write_text(&wave_trends_table(&answer), out)?;
    }
    Ok(())
}

/// Every figure of the profile with its bounds and references.
fn figures_table(profile: &omzien::AreaProfile) -> Table {
    let mut t = Table::new([
        "indicator",
        "wave",
        "age",
        "figure",
        "lower",
        "upper",
        "parent",
        "gemeente",
        "national",
    ]);
    for f in &profile.figures {
        let [lower, upper] = bounds(f.interval);
        t.push(vec![
            f.indicator.to_string(),
            f.wave.to_string(),
            f.age.to_string(),
            fig(f.figure),
            lower,
            upper,
            f.parent.map(fig).unwrap_or_default(),
            f.gemeente.map(fig).unwrap_or_default(),
            f.national.map(fig).unwrap_or_default(),
        ]);
    }
    t
}

/// The heading: the area, its gemeente and parent, and its ranks.
fn title(ds: &omzien::Dataset, profile: &omzien::AreaProfile) -> Result<String, CliError> {
    let selection = profile.selection.selection;
    let area = &profile.area;
    let parent = area.parent.map(|p| ds.area(p)).transpose()?;
    let rank = |r: Option<omzien::Rank>, scope: &str| {
        r.map(|r| format!("{} of {} in the {scope}", r.rank, r.of))
    };
    let ranks = &profile.selection.ranks;
    let ranked = [
        rank(ranks.country, "country"),
        rank(ranks.gemeente, "gemeente"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    Ok(format!(
        "{} {} ({}){}\nparent: {}\nrank on {} {} {}: {}",
        area.code,
        area.name,
        area.level,
        area.gemeente_name
            .as_ref()
            .filter(|_| area.level > omzien::Level::Gemeente)
            .map(|g| format!(", gemeente {g}"))
            .unwrap_or_default(),
        parent.map_or("none".to_owned(), |p| format!(
            "{} {}",
            p.code,
            p.display_name()
        )),
        selection.indicator,
        selection.wave,
        selection.age,
        if ranked.is_empty() {
            "not ranked"
        } else {
            &ranked
        },
    ))
}

/// The trends between the waves.
fn trends_table(profile: &omzien::AreaProfile) -> Table {
    let mut trends = Table::new([
        "indicator",
        "age",
        "from",
        "to",
        "delta_pp",
        "direction",
        "significant",
        "caveats",
    ]);
    for tr in &profile.trends {
        trends.push(vec![
            tr.indicator.to_string(),
            tr.age.to_string(),
            tr.from.to_string(),
            tr.to.to_string(),
            delta(tr.delta),
            tr.direction.map(|d| d.to_string()).unwrap_or_default(),
            tr.significant
                .map(|s| if s { "yes" } else { "no" }.to_owned())
                .unwrap_or_else(|| "not tested (no bounds)".to_owned()),
            tr.caveats.join("; "),
        ]);
    }
    trends
}

/// The trends over every wave with an interval.
fn wave_trends_table(answer: &crate::answer::AreaAnswer) -> Table {
    let mut t = Table::new([
        "indicator",
        "age",
        "waves",
        "fitted_change_pp",
        "chi2",
        "threshold",
        "direction",
    ]);
    for w in &answer.wave_trends {
        t.push(vec![
            w.indicator.to_string(),
            w.age.to_string(),
            w.waves
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            delta(Some(w.fitted_change)),
            format!("{:.2}", w.chi2),
            format!("{:.4}", w.threshold),
            w.direction.to_string(),
        ]);
    }
    t
}

//! `omzien microdata`: score, aggregate, write the three outputs, print the summary.

use std::io::Write;

use omzien::Loader;
use omzien::microdata::{self as md, Mapping, MicrodataOptions, ScoringRules};

use super::args::MicrodataArgs;
use super::{CliError, arg};

/// Scores and aggregates the respondent file, writes the outputs, prints what was used.
pub fn run(a: &MicrodataArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let MicrodataArgs {
        input,
        mapping,
        out: dir,
        force,
        ..
    } = a;
    let mapping = match mapping {
        Some(p) => Mapping::from_toml(p)?,
        None => Mapping::default(),
    };
    let options = options(a)?;
    // Earlier results are not overwritten unless asked (as export does), and this is known
    // before any work is done.
    const OUTPUTS: [&str; 4] = [
        "50090NED_microdata.csv",
        "50090NED_microdata_SYNTHETIC.csv",
        "estimates.csv",
        "summary.json",
    ];
    if !*force && let Some(p) = OUTPUTS.iter().map(|f| dir.join(f)).find(|p| p.exists()) {
        return Err(omzien_render::ExportError::Exists(p).into());
    }
    let result = md::aggregate_file(input, &mapping, &options)?;
    std::fs::create_dir_all(dir)?;
    let name = if result.summary.synthetic {
        OUTPUTS[1]
    } else {
        OUTPUTS[0]
    };
    // The two files are written side by side.
    let (odata, estimates) = rayon::join(
        || md::write_odata_csv(&result, &dir.join(name)),
        || md::write_estimates_csv(&result, &dir.join("estimates.csv")),
    );
    odata?;
    estimates?;
    let summary = serde_json::to_string_pretty(&result.summary).map_err(std::io::Error::other)?;
    omzien::write_file_whole(&dir.join("summary.json"), summary.as_bytes())?;
    report(out, a, &result.summary)?;
    writeln!(
        out,
        "written to {}: {name}, estimates.csv, summary.json",
        dir.display()
    )?;
    Ok(())
}

/// The options of the arguments: scoring rules, thresholds, the areas a reference dataset
/// knows and the user's groups.
fn options(a: &MicrodataArgs) -> Result<MicrodataOptions, CliError> {
    let MicrodataArgs {
        common,
        min_respondents,
        min_effective_n,
        max_width,
        max_missing,
        emotional_from,
        social_from,
        groups,
        ..
    } = a;
    let rules = ScoringRules::default()
        .with_subscale_thresholds(*emotional_from, *social_from)
        .with_max_missing(*max_missing);
    let mut options = MicrodataOptions::default()
        .with_rules(rules)
        .with_min_respondents(*min_respondents)
        .with_precision(*min_effective_n, *max_width);
    options.check().map_err(|e| arg(e.option, e.message))?;
    if !common.data.is_empty() {
        options = options.with_reference(&Loader::new().load(&common.data)?);
    }
    if let Some(g) = groups {
        options = options.with_groups(omzien::Groups::from_csv(g)?);
    }
    Ok(options)
}

/// What was read, used, excluded (with rows and an example), left unscored and published.
fn report(out: &mut dyn Write, a: &MicrodataArgs, s: &md::Summary) -> Result<(), CliError> {
    let MicrodataArgs {
        input,
        min_respondents,
        min_effective_n,
        max_width,
        ..
    } = a;
    if s.synthetic {
        writeln!(out, "SYNTHETIC respondents: not real survey data")?;
    }
    writeln!(
        out,
        "{}: {} records read, {} used",
        input.display(),
        s.read,
        s.used
    )?;
    for (why, e) in &s.excluded {
        let rows: Vec<String> = e.rows.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "  excluded {:>8}  {why} (rows {}{}{})",
            e.count,
            rows.join(", "),
            if e.count > rows.len() { ", …" } else { "" },
            if e.example.is_empty() {
                String::new()
            } else {
                format!("; e.g. {}", e.example)
            }
        )?;
    }
    for (m, n) in &s.not_scored {
        if *n > 0 {
            writeln!(out, "  not scored on {m}: {n} (too many unanswered items)")?;
        }
    }
    writeln!(
        out,
        "{} cells: {} published, {} suppressed (fewer than {} respondents, an effective n below {}, or a 95% interval wider than {} pp; estimates.csv says which)",
        s.cells, s.published, s.suppressed, min_respondents, min_effective_n, max_width
    )?;
    Ok(())
}

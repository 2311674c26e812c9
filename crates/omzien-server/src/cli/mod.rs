//! The `omzien` commands: parse the arguments once, call the core, print the result.

mod args;
mod output;
mod serve;

use std::io::Write;
use std::path::Path;

use omzien::{
    AgeGroup, AreaCode, Dataset, GemeenteCode, Indicator, Level, Loader, PopulationProperties,
    Populations, RiskCriterion, RiskQuery, RollupTarget, TrendOptions, Wave, Weighting, Weights,
};
use serde_json::json;

pub use args::{Args, Command, Common, Format, RiskMode};
use output::{Table, delta, emit, fig, num};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// Loading the figures failed.
    #[error(transparent)]
    Load(#[from] omzien::LoadError),
    /// Reading weights, groups or populations failed.
    #[error(transparent)]
    Weights(#[from] omzien::WeightsError),
    /// A query the data cannot answer.
    #[error(transparent)]
    Query(#[from] omzien::QueryError),
    /// A trend that cannot be computed.
    #[error(transparent)]
    Trend(#[from] omzien::TrendError),
    /// A risk query that cannot be answered.
    #[error(transparent)]
    Risk(#[from] omzien::RiskError),
    /// A roll-up that cannot be made.
    #[error(transparent)]
    Rollup(#[from] omzien::RollupError),
    /// A bad argument value.
    #[error("--{option}: {message}")]
    Arg {
        /// The option.
        option: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A boundary file could not be used.
    #[error(transparent)]
    Boundaries(#[from] omzien::BoundaryError),
    /// The server's settings cannot be used.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// Microdata that cannot be read or aggregated (boxed: it is large).
    #[error(transparent)]
    Microdata(Box<omzien::microdata::MicrodataError>),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}

impl From<omzien::microdata::MicrodataError> for CliError {
    fn from(e: omzien::microdata::MicrodataError) -> Self {
        Self::Microdata(Box::new(e))
    }
}

fn arg(option: &'static str, message: impl std::fmt::Display) -> CliError {
    CliError::Arg {
        option,
        message: message.to_string(),
    }
}

/// Loads the dataset the options name: files and folders, or the demo.
///
/// # Errors
/// [`CliError::Load`] for unreadable or malformed files.
pub fn dataset(common: &Common) -> Result<Dataset, CliError> {
    if common.data.is_empty() {
        return Ok(omzien::demo::dataset());
    }
    Ok(Loader::new().load(&common.data)?)
}

fn wave(ds: &Dataset, option: &'static str, s: &str) -> Result<Wave, CliError> {
    ds.parse_wave(s).map_err(|e| arg(option, e))
}

/// `--wave` when given, else the latest wave of the data.
fn wave_or_latest(ds: &Dataset, given: Option<&str>) -> Result<Wave, CliError> {
    match given {
        Some(w) => wave(ds, "wave", w),
        None => ds
            .waves()
            .last()
            .copied()
            .ok_or_else(|| arg("data", "the data has no waves")),
    }
}

fn age(ds: &Dataset, s: &str) -> Result<AgeGroup, CliError> {
    ds.parse_age_group(s).map_err(|e| arg("age", e))
}

fn level(option: &'static str, s: &str) -> Result<Level, CliError> {
    s.parse().map_err(|e| arg(option, e))
}

fn indicator(ds: &Dataset, s: &str) -> Result<Indicator, CliError> {
    ds.indicator(s).map_err(|e| arg("indicator", e))
}

fn list<T: std::fmt::Display>(xs: &[T]) -> String {
    xs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves a code or a name to one area; the best match wins, others are named on stderr.
fn resolve(
    ds: &Dataset,
    option: &'static str,
    q: &str,
    want: Option<Level>,
) -> Result<AreaCode, CliError> {
    let hits: Vec<_> = ds
        .search(q, 50)
        .into_iter()
        .filter(|h| want.is_none_or(|l| h.code.level() == l))
        .collect();
    let Some(best) = hits.first() else {
        return Err(arg(
            option,
            format!(
                "no {} matches {q:?}",
                want.map_or("area".to_owned(), |l| l.to_string())
            ),
        ));
    };
    let others: Vec<String> = hits[1..]
        .iter()
        .filter(|h| h.rank == best.rank)
        .take(5)
        .map(|h| format!("{} {}", h.code, h.name))
        .collect();
    if !others.is_empty() {
        eprintln!(
            "note: {q:?} also matches {}; showing {} {}",
            others.join(", "),
            best.code,
            best.name
        );
    }
    Ok(best.code)
}

fn gemeente(ds: &Dataset, q: Option<&str>) -> Result<Option<GemeenteCode>, CliError> {
    q.map(
        |q| match resolve(ds, "gemeente", q, Some(Level::Gemeente))? {
            AreaCode::Gemeente(g) => Ok(g),
            other => Err(arg("gemeente", format!("{other} is not a gemeente"))),
        },
    )
    .transpose()
}

fn label(ds: &Dataset, ind: Indicator) -> String {
    ds.indicator_info(ind)
        .map_or_else(|| ind.to_string(), |i| i.key.clone())
}

/// Runs a command, writing its result to `out`.
///
/// # Errors
/// A [`CliError`] that says which file, option or value is wrong.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<(), CliError> {
    if let Command::Serve {
        common,
        boundaries,
        addr,
        cache_mb,
        config,
    } = &args.command
    {
        let settings = crate::config::ServeArgs {
            config: config.clone(),
            data: common.data.clone(),
            boundaries: boundaries.clone(),
            addr: *addr,
            cache_mb: *cache_mb,
        };
        let config = crate::config::merge_into_config(&settings, &crate::config::OsEnv)?;
        return serve::run(&config);
    }
    if let Command::Microdata { .. } = &args.command {
        return microdata(&args.command, out);
    }
    let common = args.command.common();
    let ds = dataset(common)?;
    let format = common.format;
    match &args.command {
        Command::Summary {
            indicator: i,
            threshold,
            ..
        } => summary(&ds, format, indicator(&ds, i)?, *threshold, out),
        Command::Area {
            query,
            indicator: inds,
            ..
        } => {
            let code = resolve(&ds, "area", query, None)?;
            let inds = if inds.is_empty() {
                ds.indicators().iter().map(|i| i.indicator).collect()
            } else {
                inds.iter()
                    .map(|s| indicator(&ds, s))
                    .collect::<Result<Vec<_>, _>>()?
            };
            area(&ds, format, code, &inds, out)
        }
        Command::Trend {
            from,
            to,
            indicator: i,
            gemeente: g,
            level: l,
            age: a,
            band,
            ..
        } => {
            let (from, to) = (wave(&ds, "from", from)?, wave(&ds, "to", to)?);
            let ind = indicator(&ds, i)?;
            let g = gemeente(&ds, g.as_deref())?;
            let trends = ds.trends(
                level("level", l)?,
                g,
                ind,
                age(&ds, a)?,
                from,
                to,
                TrendOptions::default().with_band(*band),
            )?;
            let mut t = Table::new([
                "code",
                "name",
                "from",
                "to",
                "delta_pp",
                "direction",
                "significant",
                "caveats",
            ]);
            for tr in &trends {
                t.push(vec![
                    tr.area.to_string(),
                    ds.area(tr.area)
                        .map(|a| a.display_name())
                        .unwrap_or_default(),
                    fig(tr.from_figure),
                    fig(tr.to_figure),
                    delta(tr.delta),
                    tr.direction.map(|d| d.to_string()).unwrap_or_default(),
                    tr.significant
                        .map(|s| if s { "yes" } else { "no" }.to_owned())
                        .unwrap_or_default(),
                    omzien::Caveat::join(&tr.caveats),
                ]);
            }
            let title = format!(
                "{} {} → {} ({}), stable within ±{band} pp",
                label(&ds, ind),
                from,
                to,
                age(&ds, a)?
            );
            emit(
                &ds,
                format,
                &title,
                &t,
                serde_json::to_value(&trends).map_err(std::io::Error::other)?,
                out,
            )?;
            Ok(())
        }
        Command::Risk {
            indicator: i,
            gemeente: g,
            level: l,
            age: a,
            wave: w,
            since,
            mode,
            top,
            min_rise,
            limit,
            ..
        } => {
            let w = wave_or_latest(&ds, w.as_deref())?;
            let since = match since {
                Some(s) => Some(wave(&ds, "since", s)?),
                None => ds.waves().iter().rev().find(|x| **x < w).copied(),
            };
            let criterion = match mode {
                RiskMode::High => RiskCriterion::High { top_share: *top },
                RiskMode::Rising => RiskCriterion::Rising {
                    min_rise: *min_rise,
                },
                RiskMode::Both => RiskCriterion::HighAndRising {
                    top_share: *top,
                    min_rise: *min_rise,
                },
            };
            let ind = indicator(&ds, i)?;
            let mut q = RiskQuery::new(level("level", l)?, ind, w)
                .with_age(age(&ds, a)?)
                .with_criterion(criterion);
            if let Some(g) = gemeente(&ds, g.as_deref())? {
                q = q.with_gemeente(g);
            }
            if let Some(s) = since {
                q = q.with_since(s);
            }
            let mut hits = ds.risk_areas(&q)?;
            if let Some(n) = limit {
                hits.truncate(*n);
            }
            let mut t = Table::new([
                "rank", "code", "name", "value", "delta_pp", "gemeente", "national", "caveats",
            ]);
            for h in &hits {
                t.push(vec![
                    format!("{}/{}", h.rank, h.ranked),
                    h.area.to_string(),
                    h.name.clone(),
                    format!("{:.1}", h.value),
                    delta(h.delta),
                    fig(h.gemeente_value),
                    fig(h.national_value),
                    omzien::Caveat::join(&h.caveats),
                ]);
            }
            let title = format!(
                "Risk areas: {} {w}{} ({:?}: top {:.0}%, rise > {min_rise} pp), {} found",
                label(&ds, ind),
                since.map(|s| format!(" since {s}")).unwrap_or_default(),
                mode,
                top * 100.0,
                hits.len()
            );
            emit(
                &ds,
                format,
                &title,
                &t,
                serde_json::to_value(&hits).map_err(std::io::Error::other)?,
                out,
            )?;
            Ok(())
        }
        Command::Rollup {
            from,
            to,
            groups,
            weights,
            unweighted,
            indicator: i,
            wave: w,
            age: a,
            ..
        } => {
            let groups = groups
                .as_deref()
                .map(omzien::Groups::from_csv)
                .transpose()?;
            let weights = weights.as_deref().map(Weights::from_csv).transpose()?;
            let weighting = match (&weights, unweighted) {
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
                None => RollupTarget::Parents(level("to", to)?),
            };
            let w = wave_or_latest(&ds, w.as_deref())?;
            let ind = indicator(&ds, i)?;
            let r = ds.rollup(
                level("from", from)?,
                ind,
                w,
                age(&ds, a)?,
                target,
                weighting,
            )?;
            let mut t = Table::new([
                "group",
                "value",
                "areas",
                "used",
                "suppressed",
                "not_measured",
                "missing_weight",
                "weight",
            ]);
            for row in &r.rows {
                t.push(vec![
                    row.group.to_string(),
                    num(row.value),
                    row.areas.to_string(),
                    row.used.to_string(),
                    row.suppressed.to_string(),
                    row.not_measured.to_string(),
                    row.missing_weight.to_string(),
                    format!("{:.0}", row.weight),
                ]);
            }
            let title = format!(
                "Roll-up of {} {w} ({}), weights: {}; {} areas in no group",
                label(&ds, ind),
                age(&ds, a)?,
                r.weighting,
                r.ungrouped.len()
            );
            emit(
                &ds,
                format,
                &title,
                &t,
                serde_json::to_value(&r).map_err(std::io::Error::other)?,
                out,
            )?;
            Ok(())
        }
        Command::Check {
            boundaries,
            indicator: i,
            top,
            ..
        } => check(&ds, format, boundaries, indicator(&ds, i)?, *top, out),
        // Answered above, before any dataset is loaded.
        Command::Serve { .. } | Command::Microdata { .. } => Ok(()),
    }
}

fn summary(
    ds: &Dataset,
    format: Format,
    ind: Indicator,
    threshold: Option<f64>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
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
    if threshold.is_some() {
        t.headers.push("share_above".into());
    }
    let sums = ds.summaries(ind, threshold);
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
    let title = format!(
        "{} areas ({}); waves {}; age groups {}; {} indicators with figures; classification {}\nDistribution of {} per level, wave and age group:",
        ds.len(),
        counts.join(", "),
        list(ds.waves()),
        list(ds.age_groups()),
        ds.indicators()
            .iter()
            .filter(|i| ds
                .waves()
                .iter()
                .any(|&w| ds
                    .age_groups()
                    .iter()
                    .any(|&a| ds.has_column(i.indicator, w, a))))
            .count(),
        ds.classification_year()
            .map_or("unknown".into(), |y| y.to_string()),
        label(ds, ind),
    );
    let json = json!({
        "areas": ds.len(),
        "levels": Level::ALL.iter().map(|l| json!({"level": l, "count": ds.count(*l)})).collect::<Vec<_>>(),
        "waves": ds.waves(),
        "age_groups": ds.age_groups().iter().map(|a| json!({"code": a.code(), "label_nl": a.label_nl(), "label_en": a.label_en()})).collect::<Vec<_>>(),
        "summaries": sums,
    });
    emit(ds, format, &title, &t, json, out)?;
    Ok(())
}

fn area(
    ds: &Dataset,
    format: Format,
    code: AreaCode,
    inds: &[Indicator],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let a = ds.area(code)?;
    let parent = a.parent.map(|p| ds.area(p)).transpose()?;
    let national = ds.national();
    let mut t = Table::new([
        "indicator",
        "wave",
        "age",
        "figure",
        "interval",
        "parent",
        "national",
    ]);
    let mut rows = Vec::new();
    for &ind in inds {
        for &w in ds.waves() {
            for &ag in ds.age_groups() {
                let f = ds.figure(code, ind, w, ag)?;
                let interval = ds.interval(code, ind, w, ag)?;
                let pf = a.parent.map(|p| ds.figure(p, ind, w, ag)).transpose()?;
                let nf = national.map(|n| ds.figure(n, ind, w, ag)).transpose()?;
                t.push(vec![
                    label(ds, ind),
                    w.to_string(),
                    ag.to_string(),
                    fig(f),
                    interval
                        .map(|(l, h)| format!("{l:.1}–{h:.1}"))
                        .unwrap_or_default(),
                    pf.map(fig).unwrap_or_default(),
                    nf.map(fig).unwrap_or_default(),
                ]);
                rows.push(json!({
                    "indicator": label(ds, ind), "wave": w, "age": ag, "figure": f,
                    "status": f.status(), "interval": interval, "parent": pf, "national": nf,
                }));
            }
        }
    }
    let title = format!(
        "{} {} ({}){}\nparent: {}",
        a.code,
        a.display_name(),
        a.level,
        a.gemeente_name
            .as_ref()
            .filter(|_| a.level > Level::Gemeente)
            .map(|g| format!(", gemeente {g}"))
            .unwrap_or_default(),
        parent.map_or("none".to_owned(), |p| format!(
            "{} {}",
            p.code,
            p.display_name()
        )),
    );
    let json = json!({ "area": a, "figures": rows });
    emit(ds, format, &title, &t, json, out)?;
    Ok(())
}

fn check(
    ds: &Dataset,
    format: Format,
    dir: &Path,
    ind: Indicator,
    top: usize,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let gm = Populations::from_geojson(
        &dir.join("gemeenten_2020.geojson"),
        PopulationProperties::CBS_GEMEENTEN_2020,
    )?;
    let wk = Populations::from_geojson(
        &dir.join("wijken_2022_population.geojson"),
        PopulationProperties::CBS_WIJKEN_2022,
    )?;
    let national = ds.compare_rollup(Level::Gemeente, Level::Land, &|a| gm.weights_for(a).ok())?;
    let wijken = ds.compare_rollup(Level::Wijk, Level::Gemeente, &|a| wk.weights_for(a).ok())?;
    let mut t = Table::new([
        "report",
        "area",
        "indicator",
        "wave",
        "age",
        "published",
        "weighted",
        "diff_pp",
        "children",
        "used",
        "why",
    ]);
    let mut nat_sorted = national.clone();
    nat_sorted.sort_by(|a, b| {
        a.indicator
            .cmp(&b.indicator)
            .then(a.age.cmp(&b.age))
            .then(a.wave.cmp(&b.wave))
    });
    let row = |report: &str, d: &omzien::Deviation| {
        vec![
            report.to_owned(),
            d.area.to_string(),
            label(ds, d.indicator),
            d.wave.to_string(),
            d.age.to_string(),
            fig(d.published),
            num(d.weighted),
            delta(d.difference),
            d.children.to_string(),
            d.used.to_string(),
            d.reasons(),
        ]
    };
    for d in &nat_sorted {
        t.push(row("gemeenten→NL (CBS 2020 inhabitants)", d));
    }
    let worst: Vec<&omzien::Deviation> = wijken
        .iter()
        .filter(|d| d.indicator == ind)
        .take(top)
        .collect();
    for d in &worst {
        t.push(row("wijken→gemeente (approx. 2022 wijk populations)", d));
    }
    let title = format!(
        "Weighted roll-ups against published figures. Weights: {} gemeenten (CBS 2020, {:.0} inhabitants); {} wijken with 2022 populations (approximate: 2022 codes, matched to 2020 where equal).",
        gm.len(),
        gm.total(),
        wk.len()
    );
    let json = json!({ "national": nat_sorted, "wijken_to_gemeente": worst });
    emit(ds, format, &title, &t, json, out)?;
    Ok(())
}

/// `omzien microdata`: score, aggregate, write the three outputs, print the summary.
fn microdata(cmd: &Command, out: &mut dyn Write) -> Result<(), CliError> {
    use omzien::microdata::{self as md, Mapping, MicrodataOptions, ScoringRules};
    let Command::Microdata {
        common,
        input,
        mapping,
        out: dir,
        min_respondents,
        max_missing,
        emotional_from,
        social_from,
        groups,
    } = cmd
    else {
        return Ok(());
    };
    let mapping = match mapping {
        Some(p) => Mapping::from_toml(p)?,
        None => Mapping::default(),
    };
    let rules = ScoringRules::default()
        .with_subscale_thresholds(*emotional_from, *social_from)
        .with_max_missing(*max_missing);
    if *emotional_from > 6 || *social_from > 5 {
        return Err(arg(
            "emotional-from",
            "the emotional subscale has 6 items and the social one 5",
        ));
    }
    let mut options = MicrodataOptions::default()
        .with_rules(rules)
        .with_min_respondents(*min_respondents);
    if !common.data.is_empty() {
        let reference = Loader::new().load(&common.data)?;
        let known: Vec<AreaCode> = Level::ALL
            .iter()
            .flat_map(|l| reference.areas(*l, None))
            .collect();
        options = options.with_known_areas(known);
        if let Some(y) = reference.classification_year() {
            options = options.with_classification_year(y);
        }
    }
    if let Some(g) = groups {
        options = options.with_groups(omzien::Groups::from_csv(g)?);
    }
    let result = md::aggregate_file(input, &mapping, &options)?;
    std::fs::create_dir_all(dir)?;
    let name = if result.summary.synthetic {
        "50090NED_microdata_SYNTHETIC.csv"
    } else {
        "50090NED_microdata.csv"
    };
    // The two files are written side by side.
    let (odata, estimates) = rayon::join(
        || md::write_odata_csv(&result, &dir.join(name)),
        || md::write_estimates_csv(&result, &dir.join("estimates.csv")),
    );
    odata?;
    estimates?;
    let summary = serde_json::to_string_pretty(&result.summary).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("summary.json"), summary)?;
    let s = &result.summary;
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
        "{} cells: {} published, {} suppressed (fewer than {} respondents)",
        s.cells, s.published, s.suppressed, min_respondents
    )?;
    writeln!(
        out,
        "written to {}: {name}, estimates.csv, summary.json",
        dir.display()
    )?;
    Ok(())
}

//! `omzien spine` and `omzien funnel`: the comparison charts as SVG or PNG.

use std::io::Write;
use std::path::Path;

use omzien::AreaCode;
use omzien_render::{Chart, funnel_chart, spine_chart};

use super::args::{FunnelArgs, SpineArgs};
use super::{CliError, arg, named_dataset};

/// SVG or PNG by the file's extension.
fn write_chart(chart: &Chart, out: &Path) -> Result<(), CliError> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("svg") => chart.svg().into_bytes(),
        Some("png") => chart.png(2)?,
        _ => {
            return Err(arg(
                "out",
                format!("{}: name an .svg or a .png file", out.display()),
            ));
        }
    };
    super::report::write_new(out, &bytes)
}

/// Draws the spine chart the arguments ask for.
pub fn spine(a: &SpineArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let lang = super::lang(&a.lang)?;
    let c = &a.compare;
    let ds = named_dataset(&c.common, &c.names)?;
    let q = super::compare_query(&ds, c)?;
    let code = q.area;
    let spine = q.spine(&ds)?;
    let chart = spine_chart(&ds, &spine, lang);
    write_chart(&chart, &a.out)?;
    writeln!(
        out,
        "{}: {} indicators of {} against {}",
        a.out.display(),
        spine.rows.len(),
        code,
        spine
            .benchmark_area
            .map_or_else(|| "similar gemeenten".to_owned(), |b| b.to_string())
    )?;
    Ok(())
}

/// Draws the funnel plot the arguments ask for, and lists the areas outside its limits.
pub fn funnel(a: &FunnelArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let lang = super::lang(&a.lang)?;
    let ds = named_dataset(&a.common, &a.names)?;
    let within = a
        .gemeente
        .as_deref()
        .map(|g| {
            ds.resolve_gemeente(g)
                .map_err(|e| omzien::ParamError::new("GEMEENTE", e))
        })
        .transpose()?;
    let q = a.ask.query(&ds, within)?;
    let f = q.run(&ds)?;
    let chart = funnel_chart(&ds, &f, lang);
    write_chart(&chart, &a.out)?;
    let name = |c: AreaCode| ds.area(c).map(|x| x.display_name()).unwrap_or_default();
    writeln!(
        out,
        "{}: {} areas against {} ({:.1}); {} without an interval left out",
        a.out.display(),
        f.points.len(),
        name(f.benchmark_area),
        f.benchmark,
        f.without_interval
    )?;
    for p in &f.points {
        if !matches!(p.verdict_95, omzien::Verdict::Similar) {
            writeln!(
                out,
                "{} {}: {:.1} (effective n {:.0}) {} the 95% limits{}",
                p.area,
                name(p.area),
                p.value,
                p.effective_n,
                if p.verdict_95 == omzien::Verdict::Higher {
                    "above"
                } else {
                    "below"
                },
                if matches!(p.verdict_998, omzien::Verdict::Similar) {
                    ""
                } else {
                    " and the 99.8% limits"
                }
            )?;
        }
    }
    Ok(())
}

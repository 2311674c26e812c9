//! `omzien fetch`: the options to a [`omzien::fetch::Request`], progress bars on stderr, the
//! result on stdout.

use std::cell::RefCell;
use std::io::Write;
use std::time::Duration;

use omzien::AgeGroup;
use omzien::fetch::{self, Progress, Request};

use super::args::FetchArgs;
use super::{CliError, arg};

/// Progress bars on stderr (hidden when stderr is not a terminal), notes as lines.
#[derive(Default)]
struct Bars {
    bar: RefCell<Option<indicatif::ProgressBar>>,
}

impl Bars {
    fn say(&self, line: &str) {
        match self.bar.borrow().as_ref() {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }
}

impl Progress for Bars {
    fn start(&self, what: &str, total: Option<u64>) {
        let bar = match total {
            Some(n) => indicatif::ProgressBar::new(n).with_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} {bar:30} {pos}/{len} · {per_sec} · ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            ),
            None => indicatif::ProgressBar::new_spinner().with_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} · {per_sec}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            ),
        };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_message(what.to_owned());
        if let Some(old) = self.bar.replace(Some(bar)) {
            old.finish_and_clear();
        }
    }

    fn advance(&self, n: u64) {
        if let Some(b) = self.bar.borrow().as_ref() {
            b.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(b) = self.bar.take() {
            b.finish();
        }
    }

    fn retry(&self, url: &str, why: &str, wait: Duration, attempt: u32, attempts: u32) {
        self.say(&format!(
            "note: {url}: {why}; trying again in {:.1} s (try {} of {attempts})",
            wait.as_secs_f64(),
            attempt + 1
        ));
    }

    fn note(&self, message: &str) {
        self.say(&format!("note: {message}"));
    }
}

/// Runs `omzien fetch`.
///
/// # Errors
/// [`CliError::Arg`] for a bad option, [`CliError::Fetch`] for a download that failed.
pub fn run(a: &FetchArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if !(a.wait.is_finite() && (0.0..=600.0).contains(&a.wait)) {
        return Err(arg("wait", "seconds from 0 to 600"));
    }
    let retry = omzien::fetch::Retry {
        attempts: a.tries,
        first_wait: Duration::from_secs_f64(a.wait),
        ..Default::default()
    };
    if a.table.trim().eq_ignore_ascii_case("kerncijfers") {
        return key_figures(a, retry, out);
    }
    if a.year.is_some() {
        return Err(arg(
            "year",
            "a table has its own classification year; --year goes with `omzien fetch kerncijfers`",
        ));
    }
    let mut req = Request::new(&a.table, &a.out);
    req.ages = a
        .age
        .iter()
        .map(|s| AgeGroup::from_label(s).map_err(|e| arg("age", e)))
        .collect::<Result<_, _>>()?;
    req.level = a.level;
    req.gemeente_text.clone_from(&a.gemeente);
    req.boundaries = !a.no_boundaries;
    req.force = a.force;
    req.odata.clone_from(&a.odata_url);
    req.pdok.clone_from(&a.boundaries_url);
    req.pdok_mirror.clone_from(&a.pdok_mirror);
    req.retry = retry;
    req.accept_count = a.accept_count;
    req.population = a.population;
    req.key_figures_feed.clone_from(&a.key_figures_url);
    if a.dry_run {
        return print_plan(out, &fetch::plan(&req)?);
    }
    let bars = Bars::default();
    let got = fetch::fetch(&req, &bars);
    bars.finish();
    let got = got?;
    writeln!(
        out,
        "{}: {} ({})",
        got.folder.display(),
        got.table,
        got.title
    )?;
    writeln!(
        out,
        "  figures: {} rows in {} pages{}",
        got.rows,
        got.pages,
        if got.resumed_pages > 0 {
            format!(" ({} taken from the earlier download)", got.resumed_pages)
        } else {
            String::new()
        }
    )?;
    writeln!(out, "  names: {} areas", got.names)?;
    for (path, n) in &got.boundaries {
        writeln!(out, "  boundaries: {} ({n} areas)", path.display())?;
    }
    if let Some((path, n)) = &got.population {
        writeln!(out, "  population: {} ({n} areas)", path.display())?;
    }
    writeln!(
        out,
        "serve it: omzien serve --data {}{}",
        got.folder.display(),
        if got.boundaries.is_empty() {
            " --boundaries DIR"
        } else {
            ""
        }
    )?;
    Ok(())
}

/// `omzien fetch kerncijfers --year YEAR`: CBS's key figures per area into OUT.
fn key_figures(
    a: &FetchArgs,
    retry: omzien::fetch::Retry,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Some(year) = a.year else {
        return Err(arg(
            "year",
            format!(
                "the key figures are one table per classification year: give --year ({})",
                fetch::KEY_FIGURES
                    .iter()
                    .map(|t| t.year.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    // What belongs to a table of figures only is refused, not ignored.
    for (given, option) in [
        (!a.age.is_empty(), "age"),
        (a.level.is_some(), "level"),
        (a.boundaries_url.is_some(), "boundaries-url"),
        (a.pdok_mirror.is_some(), "pdok-mirror"),
        (a.population, "population"),
        (a.accept_count, "accept-count"),
    ] {
        if given {
            return Err(arg(
                option,
                "the key figures have one row per area and no boundaries: this option is for a table of figures",
            ));
        }
    }
    let mut req = fetch::KeyFiguresRequest::new(year, &a.out);
    req.gemeente_text.clone_from(&a.gemeente);
    req.feed.clone_from(&a.key_figures_url);
    req.force = a.force;
    req.retry = retry;
    if a.dry_run {
        writeln!(out, "requests (none made: --dry-run):")?;
        for (what, url) in req.plan()? {
            writeln!(out, "  GET {url}  ({what}, then each page's next link)")?;
        }
        writeln!(
            out,
            "files (written whole under a hidden name, then renamed):"
        )?;
        writeln!(
            out,
            "  {}",
            a.out.join(fetch::key_figures_file(year)).display()
        )?;
        if a.gemeente
            .as_deref()
            .is_some_and(|g| g.trim().parse::<omzien::GemeenteCode>().is_err())
        {
            writeln!(
                out,
                "note: the gemeente is looked up among the table's area names once they are in"
            )?;
        }
        return Ok(());
    }
    let bars = Bars::default();
    let got = fetch::key_figures(&req, &bars);
    bars.finish();
    let got = got?;
    writeln!(
        out,
        "{}: {} ({}), {} areas",
        got.file.display(),
        got.table.id,
        got.title,
        got.areas
    )?;
    writeln!(out, "  source: {}", got.source)?;
    if !got.missing.is_empty() {
        writeln!(
            out,
            "  not in this table (left empty): {}",
            got.missing.join(", ")
        )?;
    }
    writeln!(
        out,
        "use it: omzien rollup --weights {} …, or put it beside the boundaries (compare --with similar, check, report)",
        got.file.display()
    )?;
    Ok(())
}

/// What a dry run would request and write.
fn print_plan(out: &mut dyn Write, plan: &fetch::Plan) -> Result<(), CliError> {
    writeln!(out, "requests (none made: --dry-run):")?;
    for r in &plan.requests {
        writeln!(
            out,
            "  GET {}  ({}{})",
            r.url,
            r.what,
            if r.paged {
                ", then each page's next link"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        out,
        "files (in a .partial folder beside it until everything reads):"
    )?;
    for f in &plan.files {
        writeln!(out, "  {}", f.display())?;
    }
    for n in &plan.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

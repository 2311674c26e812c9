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
    if !(a.wait.is_finite() && (0.0..=600.0).contains(&a.wait)) {
        return Err(arg("wait", "seconds from 0 to 600"));
    }
    req.retry.attempts = a.tries;
    req.retry.first_wait = Duration::from_secs_f64(a.wait);
    req.accept_count = a.accept_count;
    if a.dry_run {
        let plan = fetch::plan(&req)?;
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
        return Ok(());
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

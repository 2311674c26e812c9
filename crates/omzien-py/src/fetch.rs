//! `omzien.fetch`: a table of the series with its area names and boundaries (and the key
//! figures) downloaded into a folder [`crate::load`] reads, as `omzien fetch` does. Progress
//! goes to a Python callback only when one is given (the package's tqdm bars).

use std::path::PathBuf;
use std::time::Duration;

use omzien::fetch::{Progress, Request, Retry, Silent};
use pyo3::prelude::*;

use crate::errors::{Kind, query, to_py};

/// Calls `callback(event, *args)` for each progress event: `start(what, total)`,
/// `advance(n)`, `finish()`, `retry(url, why, wait_s, attempt, attempts)`, `note(message)`.
struct Callback(Py<PyAny>);

impl Callback {
    fn call<A>(&self, args: A)
    where
        A: for<'py> pyo3::call::PyCallArgs<'py>,
    {
        Python::attach(|py| {
            // A callback that fails must not stop the download; Python shows the error.
            if let Err(e) = self.0.call1(py, args) {
                e.write_unraisable(py, None);
            }
        });
    }
}

impl Progress for Callback {
    fn start(&self, what: &str, total: Option<u64>) {
        self.call(("start", what, total));
    }
    fn advance(&self, n: u64) {
        self.call(("advance", n));
    }
    fn finish(&self) {
        self.call(("finish",));
    }
    fn retry(&self, url: &str, why: &str, wait: Duration, attempt: u32, attempts: u32) {
        self.call(("retry", url, why, wait.as_secs_f64(), attempt, attempts));
    }
    fn note(&self, message: &str) {
        self.call(("note", message));
    }
}

/// What a download brought: folder, table, title, rows, pages (and those resumed), names,
/// boundary files with their areas, key figures.
type FetchedRow = (
    PathBuf,
    String,
    String,
    u64,
    usize,
    usize,
    usize,
    Vec<(PathBuf, usize)>,
    Option<(PathBuf, usize)>,
);

/// Downloads `table` into `out/TABLE` (figures, `metadata.json`, `boundaries/`).
#[pyfunction]
#[pyo3(signature = (table, out, ages=None, level=None, gemeente=None, boundaries=true, population=false, force=false, accept_count=false, odata=None, pdok=None, pdok_mirror=None, key_figures_feed=None, tries=None, wait=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn fetch(
    py: Python<'_>,
    table: &str,
    out: PathBuf,
    ages: Option<Vec<String>>,
    level: Option<&str>,
    gemeente: Option<String>,
    boundaries: bool,
    population: bool,
    force: bool,
    accept_count: bool,
    odata: Option<String>,
    pdok: Option<String>,
    pdok_mirror: Option<String>,
    key_figures_feed: Option<String>,
    tries: Option<u32>,
    wait: Option<f64>,
    progress: Option<Py<PyAny>>,
) -> PyResult<FetchedRow> {
    let mut retry = Retry::default();
    if let Some(t) = tries {
        retry.attempts = t;
    }
    if let Some(w) = wait {
        if !(w.is_finite() && (0.0..=600.0).contains(&w)) {
            return Err(query(format!("wait: {w}: seconds from 0 to 600")));
        }
        retry.first_wait = Duration::from_secs_f64(w);
    }
    let mut req = Request::new(table, &out);
    req.ages = ages
        .unwrap_or_default()
        .iter()
        .map(|s| omzien::AgeGroup::from_label(s).map_err(to_py(Kind::Query)))
        .collect::<PyResult<_>>()?;
    req.level = level
        .map(|l| l.parse::<omzien::Level>().map_err(to_py(Kind::Query)))
        .transpose()?;
    req.gemeente_text = gemeente;
    req.boundaries = boundaries;
    req.population = population;
    req.force = force;
    req.accept_count = accept_count;
    if let Some(u) = odata {
        req.odata = u;
    }
    req.pdok = pdok;
    req.pdok_mirror = pdok_mirror;
    if let Some(u) = key_figures_feed {
        req.key_figures_feed = u;
    }
    req.retry = retry;
    let got = match progress {
        Some(cb) => {
            let cb = Callback(cb);
            py.detach(|| omzien::fetch::fetch(&req, &cb))
        }
        None => py.detach(|| omzien::fetch::fetch(&req, &Silent)),
    }
    .map_err(to_py(Kind::Fetch))?;
    Ok((
        got.folder,
        got.table.to_owned(),
        got.title,
        got.rows,
        got.pages,
        got.resumed_pages,
        got.names,
        got.boundaries,
        got.population,
    ))
}

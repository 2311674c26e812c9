//! `omzien serve`: boundaries chosen per level, then the router on a socket until SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;

use omzien::{Boundaries, Dataset};

use super::CliError;
use super::args::ServeArgs;
use crate::config::ServeConfig;
use crate::listen::Limits;
use crate::routes::app;
use crate::state::AppState;

/// Loads boundary files and folders, per level the best match for the dataset
/// ([`Boundaries::choose`]), and logs what was chosen and left out.
///
/// # Errors
/// [`CliError`] when a named file cannot be used or nothing usable is found.
pub fn load_boundaries(ds: &Dataset, paths: &[PathBuf]) -> Result<Vec<Boundaries>, CliError> {
    pick_boundaries(ds, paths, Boundaries::read_all(paths)?)
}

/// The boundary files or folders to read: those given, else the `boundaries/` folder of each
/// data folder that has one (as `omzien fetch` writes it).
///
/// # Errors
/// [`CliError::Arg`] when none is given and no data folder has one.
pub fn boundary_paths(data: &[PathBuf], given: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let paths = omzien::boundary_paths(data, given);
    if paths.is_empty() {
        return Err(super::arg(
            "boundaries",
            format!(
                "none given, and no {}/ folder beside the figures: pass --boundaries DIR \
                 (omzien fetch TABLE --out DIR downloads them)",
                omzien::BOUNDARIES_FOLDER
            ),
        ));
    }
    Ok(paths)
}

/// [`load_boundaries`] for files already read (for example while the figures loaded).
///
/// # Errors
/// [`CliError`] when nothing usable is among them.
pub fn pick_boundaries(
    ds: &Dataset,
    paths: &[PathBuf],
    read: omzien::Candidates,
) -> Result<Vec<Boundaries>, CliError> {
    let set = Boundaries::pick(ds, paths, read)?;
    for e in &set.left_out {
        tracing::warn!(target: "omzien::boundaries", error = %e, "boundary file left out");
    }
    for b in &set.chosen {
        report(ds, b);
    }
    Ok(set.chosen)
}

fn report(ds: &Dataset, b: &Boundaries) {
    let join = b.join(ds);
    tracing::info!(
        target: "omzien::boundaries",
        level = %b.level(),
        file = %b.source().display(),
        polygons = b.shapes().len(),
        repaired = b.repaired().len(),
        skipped = b.skipped().len(),
        without_polygon = join.without_polygon.len(),
        without_figures = join.without_figures.len(),
        "boundaries"
    );
    for s in b.skipped() {
        tracing::warn!(target: "omzien::boundaries", file = %b.source().display(), feature = s.feature, code = ?s.code.map(|c| c.to_string()), reason = %s.reason, "feature skipped");
    }
}

/// `omzien serve`: the settings merged once (defaults, file, environment, flags), then
/// [`serve_config`].
pub fn run(a: &ServeArgs) -> Result<(), CliError> {
    let settings = crate::config::ServeArgs {
        config: a.config.clone(),
        data: a.common.data.clone(),
        boundaries: a.boundaries.clone(),
        addr: a.addr,
        cache_mb: a.cache_mb,
        classification: a.common.classification,
        cors: a.cors.clone(),
        bulk_mb_per_s: a.bulk_mb_per_s,
    };
    let config = crate::config::merge_into_config(&settings, &crate::config::OsEnv)?;
    serve_config(&config)
}

/// Loads what the settings name (or the demo) and serves it until SIGTERM or Ctrl-C.
///
/// # Errors
/// [`CliError`] when the figures or boundaries cannot be loaded, or the address cannot be bound.
pub fn serve_config(config: &ServeConfig) -> Result<(), CliError> {
    let ds = if config.data.is_empty() {
        omzien::demo::dataset()
    } else {
        match config.classification {
            Some(year) => omzien::Loader::new().with_classification(year),
            None => omzien::Loader::new(),
        }
        .load(&config.data)?
    };
    let paths = omzien::boundary_paths(&config.data, &config.boundaries);
    let bounds = if config.boundaries.is_empty() && config.data.is_empty() {
        omzien::demo::boundaries().into()
    } else {
        if paths.is_empty() {
            // The rule `report` follows too: without boundaries what needs no polygon works
            // (the API, reports without maps), and what needs them says so.
            tracing::warn!(
                target: "omzien::boundaries",
                "no boundaries given and no {}/ folder beside the figures: the API answers, \
                 the map has no areas to draw (pass --boundaries DIR)",
                omzien::BOUNDARIES_FOLDER
            );
            Vec::new()
        } else {
            load_boundaries(&ds, &paths)?
        }
    };
    let state = AppState::new(ds, bounds, config.cache_mb.saturating_mul(1 << 20))
        .with_cors(config.cors.clone())
        .with_bulk_rate(config.bulk_mb_per_s.saturating_mul(1 << 20))
        .with_population_paths(paths);
    serve(state, config.addr)
}

/// Serves until SIGTERM or Ctrl-C.
///
/// # Errors
/// [`CliError::Io`] when the address cannot be bound.
pub fn serve(state: AppState, addr: SocketAddr) -> Result<(), CliError> {
    if state.dataset.is_synthetic() {
        tracing::warn!("{}", omzien::demo::LABEL);
    }
    // Blocking work (tile renders, layer classification, risk lists) runs on a bounded pool:
    // renders are limited further by their slots, and every thread's allocator arena and
    // drawing buffers count against memory, so the pool is a few threads per core, not
    // tokio's default of 512.
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((cores * 4).max(8))
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::Listen { addr, source: e })?;
        let local = listener.local_addr()?;
        tracing::info!(
            "serving on http://{local}/ (tiles: /tiles/{{z}}/{{x}}/{{y}}.png, API: /api/…)"
        );
        eprintln!(
            "omzien: open http://{local}/ for the map (API: http://{local}/api/…, health: /health)"
        );
        crate::listen::serve(listener, app(state), &Limits::default(), shutdown()).await?;
        Ok::<(), CliError>(())
    })?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

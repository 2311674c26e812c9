//! `omzien serve`: boundaries chosen per level, then the router on a socket until SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;

use omzien::{Boundaries, Dataset, Level};

use super::CliError;
use crate::config::ServeConfig;
use crate::routes::app;
use crate::state::AppState;

/// Loads boundary files; for folders, every `*.geojson` is read and per level the file whose
/// codes match the dataset best is kept (ties: first by name).
///
/// # Errors
/// [`CliError`] when a named file cannot be used or a folder has no boundary file.
pub fn load_boundaries(ds: &Dataset, paths: &[PathBuf]) -> Result<Vec<Boundaries>, CliError> {
    let mut candidates: Vec<Boundaries> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("geojson"))
                })
                .collect();
            files.sort();
            for f in files {
                match Boundaries::from_geojson(&f) {
                    Ok(b) => candidates.push(b),
                    Err(e) => {
                        tracing::warn!(file = %f.display(), error = %e, "boundary file left out")
                    }
                }
            }
        } else {
            candidates.push(Boundaries::from_geojson(p)?);
        }
    }
    let matched = |b: &Boundaries| b.shapes().iter().filter(|s| ds.contains(s.code)).count();
    let mut chosen: Vec<Boundaries> = Vec::new();
    for level in Level::ALL {
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(_, b)| b.level() == level)
            .max_by(|(i, a), (j, b)| matched(a).cmp(&matched(b)).then(j.cmp(i)))
            .map(|(i, _)| i);
        if let Some(i) = best {
            chosen.push(candidates.swap_remove(i));
        }
    }
    for b in &chosen {
        report(ds, b);
    }
    if chosen.is_empty() {
        return Err(CliError::Arg {
            option: "boundaries",
            message: "no usable GeoJSON boundary file found".into(),
        });
    }
    Ok(chosen)
}

fn report(ds: &Dataset, b: &Boundaries) {
    let join = b.join(ds);
    tracing::info!(
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
        tracing::warn!(file = %b.source().display(), feature = s.feature, code = ?s.code.map(|c| c.to_string()), reason = %s.reason, "feature skipped");
    }
}

/// Loads what the settings name (or the demo) and serves it until SIGTERM or Ctrl-C.
///
/// # Errors
/// [`CliError`] when the figures or boundaries cannot be loaded, or the address cannot be bound.
pub fn run(config: &ServeConfig) -> Result<(), CliError> {
    let ds = if config.data.is_empty() {
        omzien::demo::dataset()
    } else {
        omzien::Loader::new().load(&config.data)?
    };
    let bounds = if config.boundaries.is_empty() && config.data.is_empty() {
        omzien::demo::boundaries().into()
    } else {
        load_boundaries(&ds, &config.boundaries)?
    };
    serve(
        ds,
        bounds,
        config.addr,
        config.cache_mb.saturating_mul(1 << 20),
    )
}

/// Serves until SIGTERM or Ctrl-C.
///
/// # Errors
/// [`CliError::Io`] when the address cannot be bound.
pub fn serve(
    ds: Dataset,
    boundaries: Vec<Boundaries>,
    addr: SocketAddr,
    cache_bytes: u64,
) -> Result<(), CliError> {
    if ds.is_synthetic() {
        tracing::warn!("{}", omzien::demo::LABEL);
    }
    let state = AppState::new(ds, boundaries, cache_bytes);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        tracing::info!(
            "serving on http://{local}/ (tiles: /tiles/{{z}}/{{x}}/{{y}}.png, API: /api/…)"
        );
        eprintln!(
            "omzien: open http://{local}/ for the map (API: http://{local}/api/…, health: /health)"
        );
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown())
            .await
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

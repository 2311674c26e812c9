//! `/metrics`: the caches, renders and memory in the Prometheus text format, for operators.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::state::AppState;

/// Resident memory of this process in bytes (Linux `/proc/self/status`), if known.
#[must_use]
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// One metric with its help and type lines, then its samples (`labels`, value).
fn metric(out: &mut String, name: &str, kind: &str, help: &str, samples: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    for (labels, value) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    }
}

/// The metrics as Prometheus text (version 0.0.4).
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // Pending evictions and insertions are applied first, so the figures are current.
    state.tiles.run_pending_tasks();
    state.layers.run_pending_tasks();
    state.answers.run_pending_tasks();
    let c = &state.counters;
    let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
    let mut out = String::new();
    metric(
        &mut out,
        "omzien_cache_budget_bytes",
        "gauge",
        "The memory budget of all caches (cache_mb).",
        &[("", state.budget)],
    );
    metric(
        &mut out,
        "omzien_cache_bytes",
        "gauge",
        "Bytes held by each cache, as weighed.",
        &[
            ("cache=\"tiles\"", state.tiles.weighted_size()),
            ("cache=\"layers\"", state.layers.weighted_size()),
            ("cache=\"answers\"", state.answers.weighted_size()),
        ],
    );
    metric(
        &mut out,
        "omzien_cache_entries",
        "gauge",
        "Entries in each cache.",
        &[
            ("cache=\"tiles\"", state.tiles.entry_count()),
            ("cache=\"layers\"", state.layers.entry_count()),
            ("cache=\"answers\"", state.answers.entry_count()),
        ],
    );
    metric(
        &mut out,
        "omzien_cache_hits_total",
        "counter",
        "Lookups answered from each cache.",
        &[
            ("cache=\"tiles\"", load(&c.tile_hits)),
            ("cache=\"layers\"", load(&c.layer_hits)),
            ("cache=\"answers\"", load(&c.answer_hits)),
        ],
    );
    metric(
        &mut out,
        "omzien_cache_misses_total",
        "counter",
        "Lookups each cache could not answer (rendered or classified).",
        &[
            ("cache=\"tiles\"", load(&c.tile_misses)),
            ("cache=\"layers\"", load(&c.layer_misses)),
            ("cache=\"answers\"", load(&c.answer_misses)),
        ],
    );
    let free = state.renders.available_permits();
    metric(
        &mut out,
        "omzien_renders_in_flight",
        "gauge",
        "Tile renders running now.",
        &[("", state.render_slots.saturating_sub(free) as u64)],
    );
    metric(
        &mut out,
        "omzien_render_slots",
        "gauge",
        "Tile renders that may run at once.",
        &[("", state.render_slots as u64)],
    );
    if let Some(rss) = resident_bytes() {
        metric(
            &mut out,
            "omzien_resident_memory_bytes",
            "gauge",
            "Resident memory of the process.",
            &[("", rss)],
        );
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}

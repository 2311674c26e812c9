//! The web map in a real browser: this test starts the server on the national data (all three
//! levels of boundaries) on a loopback port, then runs `tests/web/map.test.mjs` with Node's test
//! runner, which drives Debian's chromium headless through playwright-core.
//!
//! Needs node, chromium (`OMZIEN_CHROMIUM`, default `/usr/bin/chromium`) and
//! `npm ci` in `tests/web`; without them the test prints why and skips, except under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::Boundaries;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{browser, national, national_dataset};

#[test]
fn web_map_in_chromium() {
    let Some(dir) = national() else { return };
    let Some(b) = browser() else {
        return;
    };

    let ds = national_dataset().unwrap().clone();
    let cbs = dir.join("cbs-2020");
    let boundaries: Vec<Boundaries> = [
        "gemeenten_2020.geojson",
        "wijken_2020.geojson",
        "buurten_2020.geojson",
    ]
    .iter()
    .map(|f| Boundaries::from_geojson(&cbs.join(f)).unwrap())
    .collect();
    let state = AppState::new(ds, boundaries, 256 << 20);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app(state)).await });

    b.run("map.test.mjs", &[("OMZIEN_URL", &url)]);
    rt.shutdown_background();
}

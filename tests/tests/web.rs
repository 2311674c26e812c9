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

/// The server of `state` on a loopback port, on its own runtime: the runtime and the URL.
fn serve(state: AppState) -> (tokio::runtime::Runtime, String) {
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
    (rt, url)
}

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

    let (rt, url) = serve(state);

    b.run("map.test.mjs", &[("OMZIEN_URL", &url)]);
    rt.shutdown_background();
}

/// The web map on the built-in synthetic demo, as `omzien serve` shows it to a newcomer: it says
/// the figures are synthetic, and axe-core, the keyboard walk, the table and reflow hold there
/// too (`tests/web/demo.test.mjs`).
#[test]
fn web_map_on_the_demo_in_chromium() {
    let Some(b) = browser() else {
        return;
    };
    let state = AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().to_vec(),
        64 << 20,
    );
    let (rt, url) = serve(state);
    b.run("demo.test.mjs", &[("OMZIEN_URL", &url)]);
    rt.shutdown_background();
}

/// The risk list on figures with 95 % intervals: a table in 50150NED's layout for the demo's
/// areas (two waves, one buurt far above the rest and risen by 25 pp, precisely measured),
/// served on the demo's boundaries; `tests/web/risk.test.mjs` checks that the list marks by
/// probability, shows each area's probability as the API gives it, and says what it rests on.
#[test]
fn risk_list_with_probabilities_in_chromium() {
    use std::fmt::Write as _;
    let Some(b) = browser() else {
        return;
    };
    let demo = omzien::demo::dataset();
    let mut areas = vec![demo.national().unwrap_or_else(|| "NL01".parse().unwrap())];
    areas.push(omzien::AreaCode::Gemeente(omzien::demo::GEMEENTE));
    areas.extend(demo.areas(omzien::Level::Wijk, None));
    let buurten = demo.areas(omzien::Level::Buurt, None);
    areas.extend(buurten.iter().copied());
    let sure = buurten[0];
    let mut s = String::from(
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Gemeentenaam_1,SoortRegio_2,Codering_3,Eenzaam_25\n",
    );
    let mut id = 0;
    for wave in [2022, 2024] {
        for (i, code) in areas.iter().enumerate() {
            let (p, n): (f64, f64) = if *code == sure {
                (if wave == 2024 { 0.70 } else { 0.45 }, 1000.0)
            } else {
                (0.40 + 0.004 * (i % 10) as f64, 300.0)
            };
            let half = 100.0 * omzien::Z95 * (p * (1.0 - p) / n).sqrt();
            let kind = match code.level() {
                omzien::Level::Land => "Land",
                omzien::Level::Gemeente => "Gemeente",
                omzien::Level::Wijk => "Wijk",
                omzien::Level::Buurt => "Buurt",
            };
            for (margin, x) in [
                ("MW00000", 100.0 * p),
                ("MOG0095", 100.0 * p - half),
                ("MBG0095", 100.0 * p + half),
            ] {
                writeln!(
                    s,
                    "{id},20300,{margin},{code:<10},{wave}JJ00,Omzienrade,{kind},{code},{x:.1}"
                )
                .unwrap();
                id += 1;
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("50150NED_demo_intervals.csv");
    std::fs::write(&table, s).unwrap();
    let ds = omzien::Loader::new().load([&table]).unwrap();
    let state = AppState::new(ds, omzien::demo::boundaries().to_vec(), 64 << 20);

    let (rt, url) = serve(state);
    let expect = serde_json::json!({
        "indicator": omzien::Indicator::LONELY.to_string(),
        "sure_area": sure.to_string(),
    })
    .to_string();
    b.run(
        "risk.test.mjs",
        &[("OMZIEN_URL", &url), ("OMZIEN_EXPECT", &expect)],
    );
    rt.shutdown_background();
}

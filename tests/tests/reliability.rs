//! Reliability: the caches hold what the operator configured, weighed in bytes, and say so
//! on `/metrics`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use axum::Router;
use axum::http::{StatusCode, header};
use omzien::Boundaries;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{content_type, http_get, national, national_dataset};

async fn get(app: &Router, uri: &str) -> (StatusCode, String, String) {
    let (status, headers, body) = http_get(app, uri, &[]).await;
    (
        status,
        content_type(&headers),
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// The value of one sample of `/metrics` (`name` with its labels, as written).
fn sample(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn caches_stay_within_the_budget_and_report_it() {
    let Some(dir) = national() else { return };
    let ds = national_dataset().unwrap().clone();
    let buurten = Boundaries::from_geojson(&dir.join("cbs-2020/buurten_2020.geojson")).unwrap();
    // 1 MB: a quarter for layers, which holds two national buurt layers (about 125 KB
    // each), not all 18; the tiles get the rest.
    let budget = 1 << 20;
    let app = app(AppState::new(ds, vec![buurten], budget));
    let mut layers = 0;
    for indicator in [
        "Eenzaam_28",
        "ErnstigZeerErnstigEenzaam_29",
        "EmotioneelEenzaam_30",
    ] {
        for wave in ["2012", "2016", "2020"] {
            for age in ["18%2B", "65%2B"] {
                let q = format!("level=buurt&indicator={indicator}&wave={wave}&age={age}");
                let (s, _, _) = get(&app, &format!("/legend?{q}")).await;
                assert_eq!(s, StatusCode::OK);
                // Tiles over Amsterdam at z13 (a few hundred buurten each).
                for (x, y) in [(4207, 2691), (4208, 2691), (4207, 2692)] {
                    let (s, ctype, _) = get(&app, &format!("/tiles/13/{x}/{y}.png?{q}")).await;
                    assert_eq!(s, StatusCode::OK);
                    assert_eq!(ctype, "image/png");
                }
                layers += 1;
            }
        }
    }
    // The same tile again is a hit.
    let (s, _, _) = get(&app, "/tiles/13/4207/2691.png?level=buurt").await;
    assert_eq!(s, StatusCode::OK);
    let (s, ctype, text) = get(&app, "/metrics").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    assert_eq!(sample(&text, "omzien_cache_budget_bytes"), budget);
    let layer_bytes = sample(&text, "omzien_cache_bytes{cache=\"layers\"}");
    let tile_bytes = sample(&text, "omzien_cache_bytes{cache=\"tiles\"}");
    assert!(
        layer_bytes > 0 && layer_bytes <= budget / 4,
        "{layer_bytes}"
    );
    assert!(
        tile_bytes > 0 && tile_bytes <= budget - budget / 4,
        "{tile_bytes}"
    );
    // 18 layers were classified; the budget kept only a few.
    let entries = sample(&text, "omzien_cache_entries{cache=\"layers\"}");
    assert!(
        (1..layers).contains(&entries),
        "{entries} of {layers} layers kept"
    );
    assert!(sample(&text, "omzien_cache_misses_total{cache=\"layers\"}") >= layers);
    assert!(sample(&text, "omzien_cache_hits_total{cache=\"tiles\"}") >= 1);
    assert_eq!(
        sample(&text, "omzien_cache_misses_total{cache=\"tiles\"}"),
        3 * layers
    );
    assert_eq!(sample(&text, "omzien_renders_in_flight"), 0);
    if cfg!(target_os = "linux") {
        assert!(sample(&text, "omzien_resident_memory_bytes") > 10 << 20);
    }
    // Every line is a comment or `name{labels} value`.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (name, value) = line.rsplit_once(' ').unwrap();
        assert!(name.starts_with("omzien_"), "{line}");
        assert!(value.parse::<u64>().is_ok(), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renders_beyond_the_queue_are_told_to_retry() {
    let Some(dir) = national() else { return };
    let ds = national_dataset().unwrap().clone();
    let buurten = Boundaries::from_geojson(&dir.join("cbs-2020/buurten_2020.geojson")).unwrap();
    // One render at a time and one waiting: the rest of a burst is refused at once.
    let app = app(AppState::new(ds, vec![buurten], 64 << 20).with_render_limits(1, 2));
    let (s, _, _) = get(&app, "/legend?level=buurt").await;
    assert_eq!(s, StatusCode::OK);
    let burst: Vec<_> = (0..24)
        .map(|i| {
            let app = app.clone();
            // Cold z11 tiles over the Randstad: each a few thousand buurten deep.
            let uri = format!(
                "/tiles/11/{}/{}@2x.png?level=buurt",
                1045 + i % 8,
                672 + i / 8
            );
            tokio::spawn(async move {
                let (status, headers, body) = http_get(&app, &uri, &[]).await;
                let retry = headers
                    .get(header::RETRY_AFTER)
                    .map(|v| v.to_str().unwrap().to_owned());
                (status, retry, body)
            })
        })
        .collect();
    let (mut ok, mut busy) = (0, 0);
    for task in burst {
        let (status, retry, body) = task.await.unwrap();
        match status {
            StatusCode::OK => ok += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(retry.as_deref(), Some("1"));
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(v["status"], 503);
                assert!(v["error"].as_str().unwrap().contains("busy"));
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(ok >= 1 && busy >= 1, "{ok} rendered, {busy} told to retry");
    // Once the burst is over, the same tiles render again.
    let (s, _, _) = get(&app, "/tiles/11/1045/672@2x.png?level=buurt").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn no_url_reads_a_file_outside_the_embedded_assets() {
    let ds = omzien::demo::dataset();
    let app = app(AppState::new(
        ds,
        omzien::demo::boundaries().into(),
        8 << 20,
    ));
    let long = "a".repeat(16 * 1024);
    let cases = [
        "/assets/../Cargo.toml".to_owned(),
        "/assets/..%2F..%2FCargo.toml".to_owned(),
        "/assets/%2e%2e/%2e%2e/Cargo.toml".to_owned(),
        "/assets/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd".to_owned(),
        "/assets//etc/passwd".to_owned(),
        "/assets/%2Fetc%2Fpasswd".to_owned(),
        "/assets/map.js%00.txt".to_owned(),
        "/assets/map.js/../../../Cargo.toml".to_owned(),
        "/assets/..\\..\\Cargo.toml".to_owned(),
        "/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/%2e%2e/%2e%2e/etc/passwd".to_owned(),
        "/tiles/..%2F..%2F/0/0.png".to_owned(),
        "/api/areas/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/api/areas/%00".to_owned(),
        format!("/assets/{long}"),
        format!("/api/areas/{long}"),
        format!("/tiles/3/0/{long}.png"),
    ];
    for uri in &cases {
        let (s, ctype, body) = get(&app, uri).await;
        assert!(s.is_client_error(), "{}: {s}", &uri[..uri.len().min(80)]);
        assert!(
            ctype.starts_with("application/json"),
            "{}: {ctype}",
            &uri[..uri.len().min(80)]
        );
        for secret in ["[workspace]", "root:x:", "[package]"] {
            assert!(
                !body.contains(secret),
                "{} leaked {secret}",
                &uri[..uri.len().min(80)]
            );
        }
    }
    // The embedded files themselves are served.
    let (s, ctype, body) = get(&app, "/assets/map.js").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.contains("javascript"), "{ctype}");
    assert!(!body.is_empty());
}

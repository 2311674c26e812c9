//! The server shares its work and its answers: list answers are computed once off the event
//! loop and kept as bytes (ETag, 304, gzip once), refused with 503 when the queue is full, and
//! other sites' pages may read them (CORS: any origin by default, a list, or off), asserted in
//! Chromium from a second loopback origin.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::io::Read as _;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use omzien_server::cors::Cors;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::browser;
use tower::ServiceExt as _;

fn demo() -> AppState {
    AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        32 << 20,
    )
}

/// One request: status, headers, body.
async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (parts.status, parts.headers, bytes.to_vec())
}

async fn get(
    app: &Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    call(app, Method::GET, uri, headers).await
}

fn metric(text: &str, name: &str, cache: &str) -> u64 {
    let line = format!("{name}{{cache=\"{cache}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&line))
        .unwrap_or_else(|| panic!("{line} in {text}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn list_answers_are_kept_as_bytes_with_an_etag() {
    let app = app(demo());
    for uri in [
        "/api/risk?level=wijk&format=csv",
        "/api/figures?level=buurt&format=csv",
        "/api/trend?from=2012&to=2020&level=buurt",
        "/api/areas?level=buurt",
        "/api/areas/GM9999",
        "/api/summary",
        "/api/search?q=centrum",
    ] {
        let (s, h, identity) = get(&app, uri, &[]).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        let etag = h[header::ETAG].to_str().unwrap().to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "{uri}: {etag}"
        );
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=3600", "{uri}");
        // The client's copy is current: 304, no body.
        let (s, h304, body) = get(&app, uri, &[("if-none-match", &etag)]).await;
        assert_eq!(s, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(body.is_empty());
        assert_eq!(h304[header::ETAG], etag.as_str());
        // The same question with its parameters in another order is the same answer.
        if let Some((path, query)) = uri.split_once('?') {
            let mut parts: Vec<&str> = query.split('&').collect();
            parts.reverse();
            let (_, h2, again) = get(&app, &format!("{path}?{}", parts.join("&")), &[]).await;
            assert_eq!(again, identity, "{uri}");
            assert_eq!(h2[header::ETAG], etag.as_str());
        }
        // gzip for a client that takes it: its own ETag, the same content.
        if identity.len() >= 1024 {
            let (_, hz, z) = get(&app, uri, &[("accept-encoding", "gzip")]).await;
            assert_eq!(hz[header::CONTENT_ENCODING], "gzip", "{uri}");
            assert_ne!(hz[header::ETAG], etag.as_str());
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&z[..])
                .read_to_end(&mut plain)
                .unwrap();
            assert_eq!(plain, identity, "{uri}");
            let (s, _, _) = get(
                &app,
                uri,
                &[
                    ("accept-encoding", "gzip"),
                    ("if-none-match", hz[header::ETAG].to_str().unwrap()),
                ],
            )
            .await;
            assert_eq!(s, StatusCode::NOT_MODIFIED);
        }
    }
    // Every repeat above came from the cache.
    let (_, _, m) = get(&app, "/metrics", &[]).await;
    let m = String::from_utf8(m).unwrap();
    let (hits, misses) = (
        metric(&m, "omzien_cache_hits_total", "answers"),
        metric(&m, "omzien_cache_misses_total", "answers"),
    );
    assert_eq!(misses, 7, "{m}");
    assert!(hits >= 7 + 6, "{m}");
    assert!(metric(&m, "omzien_cache_bytes", "answers") > 0);
    // Refusals are answered as before and not kept.
    let (s, h, body) = get(&app, "/api/risk?level=wijken&age=75%2B", &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(h.get(header::ETAG).is_none());
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(v["error"].as_str().unwrap().starts_with("age: "), "{v}");
}

#[tokio::test]
async fn a_full_queue_refuses_list_answers_with_retry_after() {
    let state = demo().with_render_limits(1, 1);
    let hold = state.queue.clone().try_acquire_owned().unwrap();
    let app = app(state);
    let (s, h, body) = get(&app, "/api/figures?level=buurt&format=csv", &[]).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(h.contains_key(header::RETRY_AFTER));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["status"], 503);
    drop(hold);
    let (s, _, _) = get(&app, "/api/figures?level=buurt&format=csv", &[]).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn any_origin_may_read_by_default() {
    let app = app(demo());
    for uri in [
        "/api/areas/GM9999",
        "/vector/9/262/168.mvt",
        "/tiles/9/262/168.png",
        "/legend",
        "/tilejson",
        "/vector/tilejson",
        "/api/risk?level=buurt&format=csv",
    ] {
        let (s, h, _) = get(&app, uri, &[("origin", "https://www.gemeente.nl")]).await;
        assert!(s.is_success(), "{uri}: {s}");
        assert_eq!(h["access-control-allow-origin"], "*", "{uri}");
        let exposed = h["access-control-expose-headers"].to_str().unwrap();
        assert!(
            exposed.contains("ETag") && exposed.contains("X-Total-Count"),
            "{uri}: {exposed}"
        );
    }
    // A preflight for GET is answered; for another method refused, naming what is allowed.
    let pre = |m: &'static str| {
        let app = app.clone();
        async move {
            call(
                &app,
                Method::OPTIONS,
                "/api/areas/GM9999",
                &[
                    ("origin", "https://www.gemeente.nl"),
                    ("access-control-request-method", m),
                    ("access-control-request-headers", "if-none-match"),
                ],
            )
            .await
        }
    };
    let (s, h, _) = pre("GET").await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(h["access-control-allow-methods"], "GET, HEAD");
    assert_eq!(h["access-control-allow-headers"], "if-none-match");
    let (s, h, body) = pre("POST").await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(h[header::ALLOW], "GET, HEAD");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(v["error"].as_str().unwrap().contains("GET, HEAD"), "{v}");
}

#[tokio::test]
async fn cors_can_be_restricted_or_turned_off() {
    let listed = app(demo().with_cors("https://a.nl".parse::<Cors>().unwrap()));
    let (_, h, _) = get(&listed, "/api/areas/GM9999", &[("origin", "https://a.nl")]).await;
    assert_eq!(h["access-control-allow-origin"], "https://a.nl");
    assert!(
        h.get_all(header::VARY)
            .iter()
            .any(|v| v.to_str().unwrap().contains("origin"))
    );
    let (s, h, _) = get(&listed, "/api/areas/GM9999", &[("origin", "https://b.nl")]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get("access-control-allow-origin").is_none());
    let (s, _, body) = call(
        &listed,
        Method::OPTIONS,
        "/api/areas/GM9999",
        &[
            ("origin", "https://b.nl"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(String::from_utf8(body).unwrap().contains("https://a.nl"));

    let off = app(demo().with_cors(Cors::Off));
    let (s, h, _) = get(&off, "/api/areas/GM9999", &[("origin", "https://a.nl")]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get("access-control-allow-origin").is_none());
    let (s, h, _) = call(
        &off,
        Method::OPTIONS,
        "/api/areas/GM9999",
        &[
            ("origin", "https://a.nl"),
            ("access-control-request-method", "GET"),
        ],
    )
    .await;
    assert_ne!(s, StatusCode::NO_CONTENT);
    assert!(h.get("access-control-allow-origin").is_none());
}

/// A page of a second origin: MapLibre drawing the server's vector tiles, and a fetch of
/// `/api/areas/GM9999`, from the server at `?api=`.
const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>embed</title>
<link rel="stylesheet" href="/vendor/maplibre-gl/maplibre-gl.css"></head>
<body><div id="map" style="width:512px;height:512px"></div>
<script type="module">
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.js';
maplibregl.setWorkerUrl(new URL('/vendor/maplibre-gl/maplibre-gl-worker.js', location.href).href);
const q = new URLSearchParams(location.search);
const api = q.get('api');
const result = { area: null, areaError: null, tileErrors: [], features: 0, done: false };
window.result = result;
try {
  const r = await fetch(`${api}/api/areas/GM9999`);
  result.area = (await r.json()).area.code;
} catch (e) { result.areaError = String(e); }
const map = new maplibregl.Map({
  container: 'map', center: [Number(q.get('lon')), Number(q.get('lat'))], zoom: 9,
  style: { version: 8, sources: { omzien: { type: 'vector', tiles: [`${api}/vector/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 14 } },
    layers: [{ id: 'gm', type: 'fill', source: 'omzien', 'source-layer': 'gemeente', paint: { 'fill-color': '#c00' } }] },
});
map.on('error', (e) => result.tileErrors.push(String(e.error?.message || e.error || e)));
map.on('idle', () => {
  result.features = map.querySourceFeatures('omzien', { sourceLayer: 'gemeente' }).length;
  result.done = true;
});
</script></body></html>"#;

/// Serves `PAGE` and MapLibre's files (the ones the static site embeds) on its own origin.
fn page_app() -> Router {
    use axum::extract::Path;
    use axum::response::IntoResponse;
    Router::new()
        .route(
            "/",
            axum::routing::get(|| async { axum::response::Html(PAGE) }),
        )
        .route(
            "/vendor/{*path}",
            axum::routing::get(|Path(p): Path<String>| async move {
                omzien_server::assets::VENDOR
                    .iter()
                    .find(|(name, _)| *name == p)
                    .map_or_else(
                        || StatusCode::NOT_FOUND.into_response(),
                        |(name, bytes)| {
                            let mime = if name.ends_with(".css") {
                                "text/css"
                            } else {
                                "text/javascript"
                            };
                            ([(header::CONTENT_TYPE, mime)], *bytes).into_response()
                        },
                    )
            }),
        )
}

#[test]
fn a_page_of_another_origin_draws_the_tiles_only_with_cors() {
    let Some(b) = browser() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let state = demo();
    let [w, s, e, n] = state
        .scenes
        .iter()
        .find_map(|sc| sc.boundaries().extent())
        .unwrap();
    let serve = |router: Router| {
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(async move { axum::serve(listener, router).await });
        url
    };
    let on = serve(app(state.clone()));
    let off = serve(app(state.with_cors(Cors::Off)));
    let page = serve(page_app());
    let center = format!("{},{}", (w + e) / 2.0, (s + n) / 2.0);
    b.run(
        "cross_origin.test.mjs",
        &[
            ("OMZIEN_PAGE", &page),
            ("OMZIEN_CORS_ON", &on),
            ("OMZIEN_CORS_OFF", &off),
            ("OMZIEN_CENTER", &center),
        ],
    );
    rt.shutdown_background();
}

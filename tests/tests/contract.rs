//! The API contract: the OpenAPI description validates with a real validator, every endpoint's
//! real answer on the national data validates against it, errors are one JSON body, the CLI and
//! the API show the same profile, and the render crate stays free of the server's runtime.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;
use std::process::Command;

use axum::Router;
use axum::http::StatusCode;
use clap::Parser;
use omzien::{Boundaries, Loader};
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{content_type, http_get, national, national_dataset, root};
use serde_json::Value;

async fn get(app: &Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let (status, headers, body) = http_get(app, uri, &[]).await;
    (status, content_type(&headers), body)
}

fn national_app() -> Option<Router> {
    let dir = national()?;
    let ds = national_dataset()?.clone();
    let bounds = Boundaries::choose(&ds, &[dir.join("cbs-2020")]).unwrap();
    Some(app(AppState::new(ds, bounds.chosen, 64 << 20)))
}

/// Whether Python has the validator; without it the test skips (and fails under CI).
fn python_validator() -> bool {
    let ok = Command::new("python3")
        .args([
            "-c",
            "import openapi_spec_validator, openapi_schema_validator, referencing",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let why =
            "python3 with openapi-spec-validator not found (pip install openapi-spec-validator)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true: {why}"
        );
        eprintln!("SKIPPED: {why}");
    }
    ok
}

/// Every endpoint, with the path of the description it answers to and the status expected.
const CASES: &[(&str, &str, u16)] = &[
    ("/api/indicators", "/api/indicators", 200),
    ("/api/waves", "/api/waves", 200),
    ("/api/areas/GM0363", "/api/areas/{code}", 200),
    (
        "/api/areas/BU03630000?indicator=MoeiteMetRondkomen_38&age=65%2B&wave=2016",
        "/api/areas/{code}",
        200,
    ),
    ("/api/areas/NL01", "/api/areas/{code}", 200),
    (
        "/api/areas/GM0363/summary?format=json&lang=en",
        "/api/areas/{code}/summary",
        200,
    ),
    (
        "/api/areas/Amsterdm/summary?format=json",
        "/api/areas/{code}/summary",
        404,
    ),
    (
        "/api/areas/GM0363/summary?format=json&level=land",
        "/api/areas/{code}/summary",
        400,
    ),
    ("/api/areas/GM9876", "/api/areas/{code}", 404),
    ("/api/areas/XX12", "/api/areas/{code}", 404),
    ("/api/at?lon=4.8927&lat=52.3731&level=buurt", "/api/at", 200),
    ("/api/at?lon=3.5&lat=52.5", "/api/at", 404),
    ("/api/areas?level=wijk&gemeente=GM0363", "/api/areas", 200),
    ("/api/search?q=Delft", "/api/search", 200),
    ("/api/search", "/api/search", 400),
    ("/api/risk?gemeente=GM0599&level=buurt", "/api/risk", 200),
    (
        "/api/risk?mode=high&level=gemeente&limit=20",
        "/api/risk",
        200,
    ),
    ("/api/risk?limit=-1", "/api/risk", 400),
    (
        "/api/figures?level=wijk&bbox=4.8,52.3,4.95,52.4",
        "/api/figures",
        200,
    ),
    (
        "/api/figures?level=gemeente&from=2012&to=2020",
        "/api/figures",
        200,
    ),
    ("/legend?level=buurt&wave=2016", "/legend", 200),
    (
        "/legend?level=gemeente&from=2016&to=2020&method=jenks",
        "/legend",
        200,
    ),
    ("/tilejson?level=gemeente&wave=2016", "/tilejson", 200),
    ("/vector/tilejson?age=65%2B", "/vector/tilejson", 200),
    (
        "/vector/style?level=wijk&from=2016&to=2020",
        "/vector/style",
        200,
    ),
    ("/vector/style?wave=1999", "/vector/style", 400),
    (
        "/vector/8/131/84.mvt?indicator=Nope",
        "/vector/{z}/{x}/{y}",
        400,
    ),
    ("/tiles/3/0/0.png?classes=40", "/tiles/{z}/{x}/{y}", 400),
    ("/health", "/health", 200),
];

#[tokio::test]
async fn openapi_document_and_every_answer_validate() {
    let Some(app) = national_app() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (s, ctype, spec) = get(&app, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("application/json"), "{ctype}");
    let doc: Value = serde_json::from_slice(&spec).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    // Every route of the API is described.
    for (_, path, _) in CASES {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} is not described"
        );
    }
    std::fs::write(dir.path().join("openapi.json"), &spec).unwrap();
    let mut manifest = Vec::new();
    for (i, (url, path, status)) in CASES.iter().enumerate() {
        let (s, ctype, body) = get(&app, url).await;
        assert_eq!(
            s.as_u16(),
            *status,
            "{url}: {}",
            String::from_utf8_lossy(&body)
        );
        assert!(ctype.starts_with("application/json"), "{url}: {ctype}");
        let file = dir.path().join(format!("{i}.json"));
        std::fs::write(&file, &body).unwrap();
        manifest
            .push(serde_json::json!({"url": url, "path": path, "status": status, "file": file}));
    }
    std::fs::write(
        dir.path().join("manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();
    if !python_validator() {
        return;
    }
    let out = Command::new("python3")
        .arg(root().join("tests/openapi/validate.py"))
        .arg(dir.path().join("openapi.json"))
        .arg(dir.path().join("manifest.json"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "validation failed:\n{text}");
    assert!(text.contains(&format!("{} answers checked, 0 invalid", CASES.len())));
}

#[tokio::test]
async fn query_string_rejections_are_the_json_error_body() {
    let ds = omzien::demo::dataset();
    let app = app(AppState::new(
        ds,
        omzien::demo::boundaries().into(),
        8 << 20,
    ));
    for (uri, needle) in [
        ("/api/risk?limit=-1", "limit"),
        ("/api/search?q=x&limit=many", "limit"),
        ("/api/at?lon=east&lat=52", "lon"),
        ("/api/indicators?format=xml", "xml"),
        ("/tiles/3/0/0.png?classes=-2", "classes"),
        ("/legend?format=svg", "svg"),
        ("/api/risk?mode=sometimes", "sometimes"),
    ] {
        let (s, ctype, body) = get(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert!(ctype.starts_with("application/json"), "{uri}: {ctype}");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["status"], 400);
        let msg = v["error"].as_str().unwrap();
        assert!(msg.contains(needle), "{uri}: {msg}");
    }
}

#[tokio::test]
async fn cli_and_api_show_the_same_profile() {
    let Some(dir) = national() else { return };
    let Some(app) = national_app() else { return };
    let (s, _, body) = get(&app, "/api/areas/BU03630000").await;
    assert_eq!(s, StatusCode::OK);
    let api: Value = serde_json::from_slice(&body).unwrap();
    let data = dir.join("rivm-50090NED").display().to_string();
    let args = omzien_server::cli::Args::try_parse_from([
        "omzien",
        "area",
        "BU03630000",
        "--data",
        &data,
        "-f",
        "json",
    ])
    .unwrap();
    let mut out = Vec::new();
    omzien_server::cli::run(&args, &mut out).unwrap();
    let cli: Value = serde_json::from_slice(&out).unwrap();
    // The same answer: every figure, trend and rank (the API adds has_polygon only).
    assert_eq!(cli["rows"], api["rows"]);
    assert_eq!(cli["trends"], api["trends"]);
    assert_eq!(cli["selection"], api["selection"]);
    assert_eq!(cli["area"]["code"], "BU03630000");
    assert_eq!(cli["area"]["name"], api["area"]["name"]);
    assert_eq!(api["area"]["has_polygon"], true);
    // And it is the published figure.
    let rows = api["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 35 * 3 * 2);
    let f = rows
        .iter()
        .find(|r| r["indicator"] == "Eenzaam_28" && r["wave"] == 2020 && r["age"] == "18+")
        .unwrap();
    let ds = national_dataset().unwrap();
    let want = ds
        .figure(
            "BU03630000".parse().unwrap(),
            omzien::Indicator::LONELY,
            omzien::Wave::new(2020),
            omzien::AgeGroup::ADULTS,
        )
        .unwrap();
    assert_eq!(f["value"].as_f64(), want.value());
    assert_eq!(f["gemeente"], 53.2);
}

#[tokio::test]
async fn the_area_csv_says_which_area_it_is() {
    let Some(app) = national_app() else { return };
    let (s, ctype, body) = get(&app, "/api/areas/GM0363?format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"));
    let text = String::from_utf8(body).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("code,name,level,indicator,age,wave,value,")
    );
    let row = lines.find(|l| l.contains(",Eenzaam_28,18+,2020,")).unwrap();
    assert!(
        row.starts_with("GM0363,Amsterdam,gemeente,Eenzaam_28,18+,2020,53.2,"),
        "{row}"
    );
    assert!(lines.all(|l| l.starts_with("GM0363,Amsterdam,gemeente,")));
}

#[test]
fn an_unknown_column_keeps_its_key_in_trends() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("extra.csv");
    std::fs::write(
        &p,
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28,AantalBankjes_77\n\
         0,20300,MW00000,GM0363,2016JJ00,47.5,12\n\
         1,20300,MW00000,GM0363,2020JJ00,53.2,15\n",
    )
    .unwrap();
    let ds = Loader::new().load([&p]).unwrap();
    let extra = ds.indicator("AantalBankjes_77").unwrap();
    assert_eq!(extra.to_string(), "AantalBankjes_77");
    let q = omzien::TrendQuery::new(extra, omzien::Wave::new(2016), omzien::Wave::new(2020));
    let trends = q.run(&ds).unwrap();
    let json = serde_json::to_string(&trends).unwrap();
    assert!(
        json.contains("\"indicator\":\"AantalBankjes_77\""),
        "{json}"
    );
    assert!(!json.contains("extra#"));
    // The command line's trend and the API's area answer say the same.
    let args = omzien_server::cli::Args::try_parse_from([
        "omzien",
        "trend",
        "--from",
        "2016",
        "--to",
        "2020",
        "-i",
        "AantalBankjes_77",
        "--data",
        &p.display().to_string(),
        "-f",
        "csv",
    ])
    .unwrap();
    let mut out = Vec::new();
    omzien_server::cli::run(&args, &mut out).unwrap();
    let csv = String::from_utf8(out).unwrap();
    assert!(csv.contains("GM0363,GM0363,gemeente,AantalBankjes_77,18+,2016,2020,12.0,value,,,15.0,value,,,3.0,rising"), "{csv}");
    let profile = ds
        .profile(
            "GM0363".parse().unwrap(),
            &ds.parse_selection(Some("AantalBankjes_77"), None, None)
                .unwrap(),
        )
        .unwrap();
    let t = profile
        .trends
        .iter()
        .find(|t| t.indicator == extra)
        .unwrap();
    assert_eq!(t.delta, Some(3.0));
    let json = serde_json::to_string(&profile).unwrap();
    assert!(!json.contains("extra#"));
    // Its legend has no percent sign: the unit is the column's, unknown.
    let layer = ds
        .layer(&omzien::LayerSpec::level(
            extra,
            omzien::AgeGroup::ADULTS,
            omzien::Level::Gemeente,
            omzien::Wave::new(2020),
        ))
        .unwrap();
    assert_eq!(layer.legend().unit.symbol(), "");
    assert_eq!(
        serde_json::to_value(layer.legend()).unwrap()["unit"],
        Value::String(String::new())
    );
}

fn cargo_tree(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .arg("tree")
        .args(args)
        .args(["-e", "normal", "--locked"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_render_crate_does_not_depend_on_the_server_runtime() {
    let tree = cargo_tree(&["-p", "omzien-render", "--prefix", "none"]);
    assert!(
        tree.contains("omzien-render") && tree.contains("vello_cpu"),
        "{tree}"
    );
    for forbidden in [
        "axum", "hyper ", "tower", "http ", "utoipa", "clap ", "tokio ", "polars ",
    ] {
        assert!(
            !tree.lines().any(|l| l.starts_with(forbidden)),
            "omzien-render depends on {forbidden}"
        );
    }
    // The server's tree does have them (a check that the listing is what it seems).
    let server = cargo_tree(&["-p", "omzien-server", "--prefix", "none"]);
    assert!(server.lines().any(|l| l.starts_with("tokio ")));
    assert!(server.lines().any(|l| l.starts_with("polars ")));
    // And the core has no framework, HTTP or picture crates.
    let tree = cargo_tree(&["-p", "omzien", "--prefix", "none"]);
    for forbidden in ["axum", "hyper ", "image ", "png ", "vello_cpu", "utoipa"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(forbidden)),
            "omzien depends on {forbidden}"
        );
    }
    assert!(
        Path::new(&root())
            .join("crates/omzien-render/src/lib.rs")
            .exists()
    );
}

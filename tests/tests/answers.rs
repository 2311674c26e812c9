//! The analysis answers (`trend`, `summary`, `rollup`, `check`, a narrowed `area`) have one
//! shape on the command line and in the API, and the commands take their names and
//! populations from any boundary folder, as `omzien fetch` writes it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::path::Path;

use axum::Router;
use axum::http::StatusCode;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{csv_rows as rows, fixtures, http_get as get, omzien_cli as omzien};
use serde_json::{Value, json};

fn demo_app() -> Router {
    app(AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        8 << 20,
    ))
}

async fn api_text(app: &Router, uri: &str) -> (StatusCode, String) {
    let (s, _, body) = get(app, uri, &[]).await;
    (s, String::from_utf8(body).unwrap())
}

#[tokio::test]
async fn trend_and_summary_answer_alike_on_both_sides() {
    let app = demo_app();
    for (args, uri) in [
        (
            vec!["trend", "--from", "2012", "--to", "2020", "--level", "wijk"],
            "/api/trend?from=2012&to=2020&level=wijk",
        ),
        (
            vec![
                "trend", "--from", "2016", "--to", "latest", "--level", "buurten", "--age",
                "65plus",
            ],
            "/api/trend?from=2016&to=latest&level=buurten&age=65%2B",
        ),
        (
            vec!["summary", "--threshold", "40"],
            "/api/summary?threshold=40",
        ),
    ] {
        let mut csv_args = args.clone();
        csv_args.extend(["--format", "csv"]);
        let c = omzien(&csv_args).unwrap();
        let (s, a) = api_text(&app, &format!("{uri}&format=csv")).await;
        assert_eq!(s, StatusCode::OK, "{uri}: {a}");
        assert_eq!(c, a, "{args:?}: the CLI's CSV is the API's");
        let (headers, rows) = rows(&c);
        assert!(!rows.is_empty(), "{args:?}");
        assert_eq!(headers.last().map(String::as_str), Some("note"));
        // Empty numbers with a status beside them; never a dot or a dash in a number.
        for r in &rows {
            for (k, v) in r {
                if [
                    "value",
                    "from_value",
                    "to_value",
                    "delta",
                    "mean",
                    "national",
                ]
                .contains(&k.as_str())
                {
                    assert!(![".", "–", "-"].contains(&v.as_str()), "{k}={v} in {r:?}");
                }
            }
            if let Some(status) = r.get("to_status") {
                assert_eq!(r["to_value"].is_empty(), status != "value", "{r:?}");
            }
        }
        let mut json_args = args.clone();
        json_args.extend(["--format", "json"]);
        let cj: Value = serde_json::from_str(&omzien(&json_args).unwrap()).unwrap();
        let (_, aj) = api_text(&app, uri).await;
        let aj: Value = serde_json::from_str(&aj).unwrap();
        assert_eq!(cj, aj, "{args:?}: the CLI's JSON is the API's");
    }
    // The trend rows lead with the area and carry the rule they were judged by.
    let (_, t) = api_text(&app, "/api/trend?from=2012&to=2020&level=wijk").await;
    let t: Value = serde_json::from_str(&t).unwrap();
    assert_eq!(t["band"], json!(2.0));
    let first = &t["rows"][0];
    assert!(first["code"].as_str().unwrap().starts_with("WK"), "{first}");
    assert!(!first["name"].as_str().unwrap().is_empty(), "{first}");
    // Refusals name the parameter, as the CLI's name its flag.
    for (uri, needle) in [
        ("/api/trend?to=2020", "from: give the first wave"),
        ("/api/trend?from=2020&to=2012", "from: 2020 is after 2012"),
        (
            "/api/trend?from=2012&to=2020&levle=wijk",
            "unknown parameter \"levle\"",
        ),
        ("/api/summary?indicator=Eenzaamm", "indicator:"),
    ] {
        let (s, body) = api_text(&app, uri).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        let error = error["error"].as_str().unwrap();
        assert!(error.contains(needle), "{uri}: {error}");
    }
    let e = omzien(&["trend", "--from", "2020", "--to", "2012"]).unwrap_err();
    assert!(e.starts_with("--from: 2020 is after 2012"), "{e}");
    // An empty list is still a CSV with its header: the demo's one gemeente is too few for
    // "high" (10 areas needed).
    let c = omzien(&[
        "risk", "--level", "gemeente", "--mode", "high", "--format", "csv",
    ])
    .unwrap();
    let (s, a) = api_text(&app, "/api/risk?level=gemeente&mode=high&format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c, a);
    let (headers, rs) = rows(&c);
    assert!(rs.is_empty());
    assert_eq!(&headers[..3], ["rank", "ranked", "code"], "{c}");
    assert!(headers.contains(&"lower".to_owned()) && headers.contains(&"excess".to_owned()));
}

#[tokio::test]
async fn area_is_narrowed_by_age_and_wave_alike() {
    let app = demo_app();
    let c = omzien(&[
        "area", "Centrum", "--age", "65+", "--wave", "2016", "--format", "csv",
    ])
    .unwrap();
    let (s, a) = api_text(&app, "/api/areas/Centrum?age=65%2B&wave=2016&format=csv").await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(c, a);
    let (_, rs) = rows(&c);
    assert!(!rs.is_empty());
    assert!(
        rs.iter().all(|r| r["age"] == "65+" && r["wave"] == "2016"),
        "{rs:?}"
    );
    let j: Value = serde_json::from_str(
        &omzien(&[
            "area", "Centrum", "--age", "65+", "--wave", "2016", "--format", "json",
        ])
        .unwrap(),
    )
    .unwrap();
    assert_eq!(j["selection"]["wave"], 2016);
    assert_eq!(j["selection"]["age"], "65+");
    let trends = j["trends"].as_array().unwrap();
    assert!(!trends.is_empty());
    assert!(
        trends.iter().all(|t| t["to"] == 2016 && t["age"] == "65+"),
        "{trends:?}"
    );
    // Without narrowing: every wave and age group, ranked on the wave asked for.
    let (_, all) = api_text(&app, "/api/areas/Centrum?rank_wave=2016").await;
    let all: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all["selection"]["wave"], 2016);
    let waves: std::collections::BTreeSet<u64> = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["wave"].as_u64().unwrap())
        .collect();
    assert_eq!(waves.into_iter().collect::<Vec<_>>(), [2012, 2016, 2020]);
    // One indicator narrows the figures and is the one ranked.
    let (_, one) = api_text(&app, "/api/areas/Centrum?indicator=SociaalEenzaam_31").await;
    let one: Value = serde_json::from_str(&one).unwrap();
    assert_eq!(one["selection"]["indicator"], "SociaalEenzaam_31");
    assert!(
        one["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["indicator"] == "SociaalEenzaam_31")
    );
    // The ranked wave cannot be asked beside a wave that narrows: refused on both sides.
    let (s, body) = api_text(&app, "/api/areas/Centrum?wave=2016&rank_wave=2020").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("rank_wave: only without wave"), "{body}");
    let e = omzien(&["area", "Centrum", "--wave", "2016", "--rank-wave", "2020"]).unwrap_err();
    assert!(e.contains("--rank-wave") && e.contains("--wave"), "{e}");
}

/// A square polygon around `(x, y)`.
fn square(x: f64, y: f64) -> Value {
    let d = 0.01;
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})
}

/// A data folder as `omzien fetch` leaves it: the figures and a `boundaries/` folder whose
/// features carry PDOK's property names (`gemeentecode`, `wijkcode`, `aantalInwoners`).
fn fetched_folder(dir: &Path) {
    std::fs::copy(
        fixtures().join("50090NED_web_2020.csv"),
        dir.join("50090NED_web_2020.csv"),
    )
    .unwrap();
    let b = dir.join(omzien::BOUNDARIES_FOLDER);
    std::fs::create_dir(&b).unwrap();
    let fc = |features: Vec<Value>| json!({"type": "FeatureCollection", "features": features});
    let gemeenten = fc(vec![
        json!({"type": "Feature", "geometry": square(4.9, 52.37),
        "properties": {"gemeentecode": "GM0363", "gemeentenaam": "Amsterdam",
                       "aantalInwoners": 872_757, "percentagePersonen65JaarEnOuder": 12}}),
    ]);
    let wijken = fc(vec![
        json!({"type": "Feature", "geometry": square(4.9, 52.37),
            "properties": {"wijkcode": "WK036300", "wijknaam": "Burgwallen-Oude Zijde", "gemeentecode": "GM0363",
                           "aantalInwoners": 4_000, "percentagePersonen65JaarEnOuder": 10}}),
        json!({"type": "Feature", "geometry": square(4.91, 52.37),
            "properties": {"wijkcode": "WK036301", "wijknaam": "Burgwallen-Nieuwe Zijde", "gemeentecode": "GM0363",
                           "aantalInwoners": 1_000, "percentagePersonen65JaarEnOuder": 20}}),
    ]);
    std::fs::write(b.join("gemeenten_2020.geojson"), gemeenten.to_string()).unwrap();
    std::fs::write(b.join("wijken_2020.geojson"), wijken.to_string()).unwrap();
}

#[test]
fn check_and_rollup_read_a_fetch_folder() {
    let dir = tempfile::tempdir().unwrap();
    fetched_folder(dir.path());
    let data = dir.path().to_str().unwrap();
    check_reads_the_folder(data);
    rollup_reads_the_folder(data);
}

/// `omzien check` on a fetch folder: populations and names from the folder beside the
/// figures, both roll-ups weighed by age group, the CSV's columns, boundaries without
/// populations refused.
fn check_reads_the_folder(data: &str) {
    // No --boundaries: the folder beside the figures gives the populations and the names.
    let out = omzien(&["check", "--data", data, "--format", "json"]).unwrap();
    let v: Value = serde_json::from_str(&out).unwrap();
    let weights = v["weights"].as_array().unwrap();
    assert_eq!(weights.len(), 2, "{v}");
    assert!(
        weights
            .iter()
            .all(|w| w["source"].as_str().unwrap().contains("aantalInwoners")),
        "{weights:?}"
    );
    // The populations' year, from the layers' names (they carry no JAAR).
    assert!(weights.iter().all(|w| w["year"] == 2020), "{weights:?}");
    let wk = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rollup"] == "wijken→gemeente" && r["age"] == "18+")
        .unwrap_or_else(|| panic!("no wijken→gemeente row in {v}"));
    assert_eq!(wk["code"], "GM0363");
    assert_eq!(wk["name"], "Amsterdam");
    // 18+: all inhabitants weigh: (53.3 × 4000 + 54.2 × 1000) / 5000.
    let want = (53.3 * 4000.0 + 54.2 * 1000.0) / 5000.0;
    assert!(
        (wk["weighted"].as_f64().unwrap() - want).abs() < 1e-9,
        "{wk}"
    );
    assert!(
        (wk["difference"].as_f64().unwrap() - (want - 53.2)).abs() < 1e-9,
        "{wk}"
    );
    // 65+: inhabitants × share 65+ weigh: 400 and 200.
    let wk65 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rollup"] == "wijken→gemeente" && r["age"] == "65+")
        .unwrap();
    let v65 = |code: &str| {
        let line = std::fs::read_to_string(fixtures().join("50090NED_web_2020.csv"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("\"65 jaar") && l.contains(code) && l.contains("\"Wijk"))
            .unwrap()
            .to_owned();
        line.split(';')
            .nth(7)
            .unwrap()
            .trim_matches('"')
            .trim()
            .parse::<f64>()
            .unwrap()
    };
    let want65 = (v65("WK036300") * 400.0 + v65("WK036301") * 200.0) / 600.0;
    assert!(
        (wk65["weighted"].as_f64().unwrap() - want65).abs() < 1e-9,
        "{wk65}"
    );
    // The same CSV columns, code and name first among the figures.
    let csv_out = omzien(&["check", "--data", data, "--format", "csv"]).unwrap();
    let (headers, _) = rows(&csv_out);
    assert_eq!(&headers[..3], ["rollup", "code", "name"]);
    // Boundaries without populations are refused, naming the properties read.
    let empty = tempfile::tempdir().unwrap();
    let names_only = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": square(4.9, 52.37),
         "properties": {"wijkcode": "WK036300", "wijknaam": "Burgwallen-Oude Zijde"}}]});
    std::fs::write(empty.path().join("wijken.geojson"), names_only.to_string()).unwrap();
    let e = omzien(&[
        "check",
        "--data",
        data,
        "--boundaries",
        empty.path().to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(
        e.starts_with("--boundaries: no gemeente or wijk populations")
            && e.contains("aantalInwoners"),
        "{e}"
    );
}

/// `omzien rollup` on a fetch folder: groups named from the data and the folder, each row's
/// status, the share of the weight a figure stands for, the weights' year.
fn rollup_reads_the_folder(data: &str) {
    // rollup names its groups from the data and the fetch folder, and says each row's status.
    let empty = tempfile::tempdir().unwrap();
    let weights_csv = empty.path().join("w.csv");
    std::fs::write(
        &weights_csv,
        "code,population\nWK036300,4000\nWK036301,1000\n",
    )
    .unwrap();
    let out = omzien(&[
        "rollup",
        "--data",
        data,
        "--from",
        "wijk",
        "--to",
        "gemeente",
        "--weights",
        weights_csv.to_str().unwrap(),
        "--format",
        "csv",
    ])
    .unwrap();
    let (headers, rs) = rows(&out);
    assert_eq!(&headers[..4], ["code", "name", "value", "status"]);
    assert_eq!(rs.len(), 1, "{out}");
    assert_eq!(rs[0]["code"], "GM0363");
    assert_eq!(rs[0]["name"], "Amsterdam");
    assert_eq!(rs[0]["status"], "value");
    let value: f64 = rs[0]["value"].parse().unwrap();
    // The wijken weighed by their inhabitants, as check weighs them for 18+.
    let want = (53.3 * 4000.0 + 54.2 * 1000.0) / 5000.0;
    assert!((value - want).abs() < 1e-9, "{value} vs {want}");
    // The share of the population weight the figure stands for: BU03630100 is suppressed, so
    // the gemeente's figure rests on 400 of its 1,000 inhabitants.
    let buurten = empty.path().join("bevolking_2021.csv");
    std::fs::write(
        &buurten,
        "code,population\nBU03630000,300\nBU03630001,100\nBU03630100,600\n",
    )
    .unwrap();
    let rollup = |extra: &[&str]| -> Value {
        let mut args = vec![
            "rollup",
            "--data",
            data,
            "--from",
            "buurt",
            "--to",
            "gemeente",
            "--weights",
            buurten.to_str().unwrap(),
            "--min-coverage",
            "0.5",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        serde_json::from_str(&omzien(&args).unwrap()).unwrap()
    };
    let v = rollup(&[]);
    let row = &v["rows"][0];
    assert_eq!(row["code"], "GM0363");
    assert_eq!(row["weight_share"], 0.4, "{row}");
    assert!(
        (row["coverage"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9,
        "{row}"
    );
    assert!((row["value"].as_f64().unwrap() - (54.7 * 300.0 + 53.0 * 100.0) / 400.0).abs() < 1e-9);
    assert!(v["weight_basis"].is_null(), "18+: no warning");
    // The year the weights count, from the file's name, stated beside the wave.
    assert_eq!(v["weights_year"], 2021, "{v}");
    // A weights file weighs 65+ as it is, and the answer says so.
    let v = rollup(&["--age", "65+"]);
    assert!(
        v["weight_basis"]
            .as_str()
            .unwrap()
            .contains("used as they are for 65+"),
        "{v}"
    );
}

#[tokio::test]
async fn figures_without_boundaries_are_served_and_the_map_says_it_has_none() {
    // The rule `report` follows: the figures are answered, what needs polygons says so.
    let app = app(AppState::new(omzien::demo::dataset(), Vec::new(), 8 << 20));
    let (s, body) = api_text(&app, "/api/risk?level=wijk").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = api_text(&app, "/api/waves").await;
    assert_eq!(s, StatusCode::OK);
    let w: Value = serde_json::from_str(&body).unwrap();
    assert!(
        w["levels"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["boundaries"] == false),
        "{w}"
    );
    let (s, body) = api_text(&app, "/tiles/10/525/337.png?level=wijk").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("no boundaries loaded"), "{body}");
}

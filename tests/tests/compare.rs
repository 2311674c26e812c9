//! `omzien compare` and `/api/compare/{code}`: an area against its benchmark at 95 % and
//! 99.8 % (Fingertips' rule), read by polarity; similar gemeenten from the gemeente layer;
//! the band rule, labelled, where the figures carry no intervals. The intervals and the
//! Wilson bounds are checked against an independent implementation (PyPI `statsmodels`,
//! `scipy`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::StatusCode;
use omzien::{AgeGroup, AreaCode, Confidence, Indicator, Loader, Unit, Wave};
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{
    csv_rows, fixtures, http_get, national, national_dataset, omzien_cli, python_check,
};
use serde_json::Value;

fn sample_50150() -> PathBuf {
    fixtures().join("tables").join("50150NED_sample.csv")
}

fn app_for(ds: omzien::Dataset, populations: Vec<PathBuf>) -> Router {
    app(AppState::new(ds, Vec::new(), 8 << 20).with_population_paths(populations))
}

async fn api(app: &Router, uri: &str) -> (StatusCode, String) {
    let (s, _, body) = http_get(app, uri, &[]).await;
    (s, String::from_utf8(body).unwrap())
}

fn row<'a>(answer: &'a Value, indicator: &str) -> &'a Value {
    answer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no row {indicator} in {answer}"))
}

/// Five waves with published 95 % intervals (50150NED's layout): the verdicts at both levels
/// follow from the intervals, alike on the command line and in the API.
#[tokio::test]
async fn verdicts_at_95_and_998_follow_the_published_intervals() {
    let file = sample_50150();
    let path = file.to_str().unwrap();
    let ds = Loader::new().load([&file]).unwrap();
    let app = app_for(ds, Vec::new());
    // The wijk: 49.0 [47.0, 51.0] in 2024 against the country's 46.0. At 95 % the country
    // lies below the interval: worse. The 99.8 % interval reaches below 46.0: similar.
    let (s, body) = api(&app, "/api/compare/WK999801?wave=2024").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let a: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(a["benchmark"]["kind"], "national");
    assert_eq!(a["benchmark"]["code"], "NL01");
    let lonely = row(&a, "Eenzaam_28");
    assert_eq!(lonely["polarity"], "higher_is_worse");
    assert_eq!(lonely["value"], 49.0);
    assert_eq!(lonely["benchmark"], 46.0);
    assert_eq!(lonely["interval"], serde_json::json!([47.0, 51.0]));
    assert_eq!(lonely["rule"], "interval");
    assert_eq!(lonely["verdict_95"], "worse");
    assert_eq!(lonely["verdict_998"], "similar", "{lonely}");
    let p998 = lonely["p998_interval"].as_array().unwrap();
    let (lo, hi) = (p998[0].as_f64().unwrap(), p998[1].as_f64().unwrap());
    assert!(
        lo < 46.0 && lo > 45.5 && hi > 51.0 && hi < 53.0,
        "{lo} {hi}"
    );
    // The buurt: 50.5 [48.5, 52.5] lies above the country at both levels.
    let (_, body) = api(&app, "/api/compare/BU99980101?wave=2024&with=nl").await;
    let b: Value = serde_json::from_str(&body).unwrap();
    let lonely = row(&b, "Eenzaam_28");
    assert_eq!(
        (&lonely["verdict_95"], &lonely["verdict_998"]),
        (&Value::from("worse"), &Value::from("worse"))
    );
    // Its suppressed figure is no verdict, with its status.
    let severe = row(&b, "ErnstigZeerErnstigEenzaam_29");
    assert_eq!(severe["status"], "suppressed");
    assert_eq!(severe["verdict_95"], "unknown");
    // Lonely, emotionally and socially lonely all lie above the country's at both levels.
    assert_eq!(b["worse_or_higher"], serde_json::json!([3, 3]));
    // Against its own gemeente (47.5): inside the wijk's interval at both levels.
    let (_, body) = api(&app, "/api/compare/WK999801?wave=2024&with=gemeente").await;
    let g: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(g["benchmark"]["code"], "GM9998");
    let lonely = row(&g, "Eenzaam_28");
    assert_eq!(lonely["verdict_95"], "similar");
    assert_eq!(lonely["verdict_998"], "similar");
    // The command line gives the same bytes.
    for (args, uri) in [
        (
            vec!["compare", "WK999801", "--wave", "2024", "--data", path],
            "/api/compare/WK999801?wave=2024",
        ),
        (
            vec![
                "compare",
                "BU99980101",
                "--with",
                "gemeente",
                "--indicator",
                "Eenzaam_28",
                "--data",
                path,
            ],
            "/api/compare/BU99980101?with=gemeente&indicator=Eenzaam_25",
        ),
    ] {
        let mut csv = args.clone();
        csv.extend(["--format", "csv"]);
        let (s, a) = api(&app, &format!("{uri}&format=csv")).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(omzien_cli(&csv).unwrap(), a, "{args:?}");
        let (headers, rows) = csv_rows(&a);
        for h in [
            "benchmark_kind",
            "code",
            "lower",
            "upper",
            "p998_lower",
            "p998_upper",
            "verdict_95",
            "verdict_998",
        ] {
            assert!(headers.iter().any(|x| x == h), "{h} in {headers:?}");
        }
        assert!(!rows.is_empty());
        let mut json = args.clone();
        json.extend(["--format", "json"]);
        let cj: Value = serde_json::from_str(&omzien_cli(&json).unwrap()).unwrap();
        let (_, aj) = api(&app, uri).await;
        assert_eq!(cj, serde_json::from_str::<Value>(&aj).unwrap(), "{args:?}");
    }
    // The table for people names both levels.
    let table = omzien_cli(&["compare", "WK999801", "--wave", "2024", "--data", path]).unwrap();
    assert!(table.contains("at 99.8%"), "{table}");
    assert!(!table.contains("carry no intervals"), "{table}");
}

/// What the data cannot give is a 4xx naming the parameter, never a silent benchmark.
#[tokio::test]
async fn benchmarks_the_data_cannot_give_are_refused() {
    let file = sample_50150();
    let ds = Loader::new().load([&file]).unwrap();
    let app = app_for(ds, Vec::new());
    for (uri, status, says) in [
        (
            "/api/compare/GM9998?with=gemeente",
            StatusCode::BAD_REQUEST,
            "not inside a gemeente",
        ),
        (
            "/api/compare/NL01?with=nl",
            StatusCode::BAD_REQUEST,
            "compared with itself",
        ),
        (
            "/api/compare/WK999801?with=similar",
            StatusCode::BAD_REQUEST,
            "with: similar gemeenten are a benchmark for a gemeente",
        ),
        (
            "/api/compare/GM9998?with=similar",
            StatusCode::BAD_REQUEST,
            "no gemeente layer with population properties",
        ),
        (
            "/api/compare/GM9998?with=GM0001",
            StatusCode::NOT_FOUND,
            "with:",
        ),
        ("/api/compare/GM0001", StatusCode::NOT_FOUND, "code:"),
        (
            "/api/compare/GM9998?band=-1",
            StatusCode::BAD_REQUEST,
            "band",
        ),
        (
            "/api/compare/GM9998?indicator=Nope",
            StatusCode::BAD_REQUEST,
            "indicator",
        ),
        (
            "/api/compare/GM9998?wave=2013",
            StatusCode::BAD_REQUEST,
            "wave",
        ),
        (
            "/api/compare/GM9998?width=3",
            StatusCode::BAD_REQUEST,
            "width",
        ),
    ] {
        let (s, body) = api(&app, uri).await;
        assert_eq!(s, status, "{uri}: {body}");
        assert!(body.contains(says), "{uri}: {body} should say {says:?}");
    }
    let e = omzien_cli(&[
        "compare",
        "WK999801",
        "--with",
        "similar",
        "--data",
        file.to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(
        e.starts_with("--with: similar gemeenten are a benchmark for a gemeente"),
        "{e}"
    );
}

/// The national files carry no intervals: every verdict is the band rule and says so; similar
/// gemeenten come from the gemeente layer and their mean is the benchmark.
#[tokio::test]
async fn similar_gemeenten_on_the_national_files() {
    let (Some(dir), Some(ds)) = (national(), national_dataset()) else {
        return;
    };
    let cbs = dir.join("cbs-2020");
    let app = app_for(ds.clone(), vec![cbs.clone()]);
    let (s, body) = api(&app, "/api/compare/Amsterdam?with=similar&wave=2020").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let a: Value = serde_json::from_str(&body).unwrap();
    let b = &a["benchmark"];
    assert_eq!(b["kind"], "similar");
    let neighbours: Vec<&str> = b["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    assert_eq!(neighbours.len(), 15, "{neighbours:?}");
    assert!(!neighbours.contains(&"GM0363"));
    // The big cities are most like Amsterdam; a village is not.
    for city in ["GM0599", "GM0518", "GM0344"] {
        assert!(neighbours[..5].contains(&city), "{city} in {neighbours:?}");
    }
    assert!(!neighbours.contains(&"GM0060"), "Ameland in {neighbours:?}");
    assert_eq!(
        b["characteristics"],
        serde_json::json!([
            "ln population",
            "share 65+",
            "inhabitants per household",
            "urbanity"
        ])
    );
    // The benchmark is the neighbours' mean, computed here from the figures.
    let w = Wave::new(2020);
    let mean = neighbours
        .iter()
        .map(|c| {
            ds.figure(
                c.parse::<AreaCode>().unwrap(),
                Indicator::LONELY,
                w,
                AgeGroup::ADULTS,
            )
            .unwrap()
            .value()
            .unwrap()
        })
        .sum::<f64>()
        / 15.0;
    let lonely = row(&a, "Eenzaam_28");
    assert!((lonely["benchmark"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert_eq!(lonely["benchmark_areas"], 15);
    assert_eq!(lonely["value"], 53.2);
    // No intervals: the band rule, in every row, and the verdicts at both levels agree.
    for r in a["rows"].as_array().unwrap() {
        assert_eq!(r["rule"], "band", "{r}");
        assert_eq!(r["band"], 2.0);
        assert_eq!(r["verdict_95"], r["verdict_998"]);
        assert!(r["interval"].is_null());
    }
    // 53.2 against the neighbours' mean (more than 2 pp higher): worse for loneliness;
    // volunteering has no good direction: lower, not worse.
    assert_eq!(lonely["verdict_95"], "worse", "{lonely} (mean {mean})");
    assert_eq!(row(&a, "Vrijwilligerswerk_33")["verdict_95"], "lower");
    // The command line says the figures carry no intervals.
    let data = dir.join("rivm-50090NED");
    let table = omzien_cli(&[
        "compare",
        "Amsterdam",
        "--with",
        "similar",
        "--data",
        data.to_str().unwrap(),
        "--boundaries",
        cbs.to_str().unwrap(),
    ])
    .unwrap();
    assert!(table.contains("carry no intervals"), "{table}");
    assert!(table.contains("Rotterdam (GM0599)"), "{table}");
    // A wijk against its gemeente and against the country.
    let (s, body) = api(
        &app,
        "/api/compare/WK036300?with=gemeente&indicator=Eenzaam_28",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let w: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(w["benchmark"]["code"], "GM0363");
    assert_eq!(w["rows"].as_array().unwrap().len(), 1);
}

/// The Wilson interval and the 99.8 % interval equal an independent implementation on a grid:
/// `statsmodels.stats.proportion.proportion_confint(method="wilson")` and the logit-scale
/// widening written again with `scipy.stats.norm` and `scipy.special`, to 1e-9.
#[test]
fn intervals_equal_statsmodels_and_scipy() {
    let mut cases = Vec::new();
    for &p in &[0.0, 0.01, 0.1, 0.37, 0.5, 0.73, 0.99, 1.0] {
        for &n in &[1.0, 4.6, 30.0, 100.5, 1000.0, 123_456.0] {
            for (alpha, level) in [(0.05, Confidence::P95), (0.002, Confidence::P998)] {
                let (lo, hi) = omzien::wilson(p, n, level);
                cases.push(serde_json::json!({"kind": "wilson", "p": p, "n": n, "alpha": alpha, "lo": lo, "hi": hi}));
            }
        }
    }
    for &(v, lo, hi) in &[
        (47.0, 45.0, 49.0),
        (10.0, 6.0, 12.0),
        (88.8, 80.1, 93.3),
        (2.5, 0.9, 6.1),
        (50.0, 49.9, 50.1),
        (33.3, 17.0, 54.2),
    ] {
        let (l8, h8) = omzien::interval_at(v, (lo, hi), Unit::Percent, Confidence::P998);
        cases.push(serde_json::json!({"kind": "logit", "v": v, "lo95": lo, "hi95": hi, "lo": l8, "hi": h8}));
    }
    let input = serde_json::to_string(&cases).unwrap();
    let script = r#"
import json, sys
from statsmodels.stats.proportion import proportion_confint
from scipy.stats import norm
from scipy.special import logit, expit
cases = json.load(open(sys.argv[1]))
bad = []
for c in cases:
    if c["kind"] == "wilson":
        lo, hi = proportion_confint(c["p"] * c["n"], c["n"], alpha=c["alpha"], method="wilson")
    else:
        k = norm.ppf(0.999) / norm.ppf(0.975)
        centre = logit(c["v"] / 100)
        lo = 100 * expit(centre - (centre - logit(c["lo95"] / 100)) * k)
        hi = 100 * expit(centre + (logit(c["hi95"] / 100) - centre) * k)
    if abs(lo - c["lo"]) > 1e-9 or abs(hi - c["hi"]) > 1e-9:
        bad.append((c, lo, hi))
print(len(cases), "cases,", len(bad), "differ")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
"#;
    let Some(said) = python_check("statsmodels, scipy", script, &input) else {
        return;
    };
    assert!(
        said.starts_with(&format!("{} cases, 0 differ", cases.len())),
        "{said}"
    );
}

/// `--with group` and `group:NAME`: the benchmark is the group's roll-up (the plain mean of
/// its areas, or weighted by a weights file), computed here from the figures; a group file
/// that does not place the area, a name it lacks, a group of two levels and the API (which
/// is given no groups file) are refused with the reason.
#[tokio::test]
async fn a_group_of_the_users_areas_as_benchmark() {
    let ds = omzien::demo::dataset();
    let wave = *ds.waves().last().unwrap();
    // Demo buurten with a figure (the demo suppresses some).
    let areas: Vec<AreaCode> = ds
        .areas(omzien::Level::Buurt, None)
        .into_iter()
        .filter(|&c| {
            ds.figure(c, Indicator::LONELY, wave, AgeGroup::ADULTS)
                .unwrap()
                .value()
                .is_some()
        })
        .collect();
    assert!(areas.len() >= 7);
    let dir = tempfile::tempdir().unwrap();
    let groups = dir.path().join("groups.csv");
    let mut text = String::from("code,group\n");
    for (i, w) in areas[..6].iter().enumerate() {
        text.push_str(&format!("{w},{}\n", if i < 3 { "Noord" } else { "Zuid" }));
    }
    std::fs::write(&groups, &text).unwrap();
    let weights = dir.path().join("weights_2024.csv");
    let mut wtext = String::from("code,population\n");
    for (i, w) in areas[..6].iter().enumerate() {
        wtext.push_str(&format!("{w},{}\n", 1000 * (i + 1)));
    }
    std::fs::write(&weights, &wtext).unwrap();
    let value = |code: AreaCode| {
        ds.figure(code, Indicator::LONELY, wave, AgeGroup::ADULTS)
            .unwrap()
            .value()
    };
    let g = groups.to_str().unwrap();
    let w = weights.to_str().unwrap();
    let me = areas[0].to_string();
    let ask = |with: &str, extra: &[&str]| {
        let mut args = vec![
            "compare",
            &me,
            "--with",
            with,
            "--groups",
            g,
            "--indicator",
            "Eenzaam_28",
            "-f",
            "json",
        ];
        args.extend_from_slice(extra);
        omzien_cli(&args)
    };
    // Its own group, unweighted: the mean of the three areas (itself among them).
    let a: Value = serde_json::from_str(&ask("group", &[]).unwrap()).unwrap();
    assert_eq!(a["benchmark"]["kind"], "group");
    assert_eq!(a["benchmark"]["name"], "group Noord (3 buurten)");
    assert_eq!(a["benchmark"]["source"], "unweighted mean");
    let vals: Vec<f64> = areas[..3].iter().filter_map(|&c| value(c)).collect();
    assert_eq!(vals.len(), 3);
    let mean = vals.iter().sum::<f64>() / 3.0;
    let r = row(&a, "Eenzaam_28");
    assert!(
        (r["benchmark"].as_f64().unwrap() - mean).abs() < 0.051,
        "{r} {mean}"
    );
    assert_eq!(r["benchmark_areas"], 3);
    // Another group by name, weighted by population.
    let a: Value = serde_json::from_str(&ask("group:Zuid", &["--weights", w]).unwrap()).unwrap();
    assert_eq!(a["benchmark"]["name"], "group Zuid (3 buurten)");
    assert!(
        a["benchmark"]["source"]
            .as_str()
            .unwrap()
            .starts_with("weighted by"),
        "{a}"
    );
    let (mut sum, mut wsum) = (0.0, 0.0);
    for (i, &c) in areas[3..6].iter().enumerate() {
        let wt = 1000.0 * (i + 4) as f64;
        sum += wt * value(c).unwrap();
        wsum += wt;
    }
    let r = row(&a, "Eenzaam_28");
    assert!(
        (r["benchmark"].as_f64().unwrap() - sum / wsum).abs() < 0.051,
        "{r} {}",
        sum / wsum
    );
    // The verdict follows the area's interval (or the band) against that figure.
    let v = value(areas[0]).unwrap();
    let (verdict, _) = omzien::compare(
        omzien::Figure::Value(v),
        ds.interval(areas[0], Indicator::LONELY, wave, AgeGroup::ADULTS)
            .unwrap(),
        omzien::Figure::Value(r["benchmark"].as_f64().unwrap()),
        2.0,
    );
    assert_eq!(
        r["verdict_95"],
        verdict.reads(omzien::Polarity::HigherIsWorse).as_str()
    );
    group_refusals(&ds, &areas, &groups, &text, &ask).await;
}

/// A group benchmark refused, each with its reason: an unknown group (naming those there
/// are), an area in no group, no groups file, a group of two levels, and the API without a
/// groups file.
async fn group_refusals(
    ds: &omzien::Dataset,
    areas: &[AreaCode],
    groups: &Path,
    text: &str,
    ask: &omzien_tests::Cli<'_>,
) {
    let e = ask("group:Oost", &[]).unwrap_err();
    assert!(
        e.contains("no group \"Oost\"") && e.contains("Noord, Zuid"),
        "{e}"
    );
    let g = groups.to_str().unwrap();
    let me = areas[0].to_string();
    let other = areas[6].to_string();
    let e = omzien_cli(&["compare", &other, "--with", "group", "--groups", g]).unwrap_err();
    assert!(e.contains("in no group"), "{e}");
    let e = omzien_cli(&["compare", &me, "--with", "group"]).unwrap_err();
    assert!(e.contains("needs a groups file"), "{e}");
    let wijk = ds.areas(omzien::Level::Wijk, None)[0];
    std::fs::write(groups, format!("{text}{wijk},Noord\n")).unwrap();
    let e = ask("group", &[]).unwrap_err();
    assert!(e.contains("mixes levels"), "{e}");
    let app = app_for(ds.clone(), Vec::new());
    let (s, body) = api(&app, &format!("/api/compare/{me}?with=group")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("needs a groups file"), "{body}");
}

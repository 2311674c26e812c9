//! The tables of the series: 50090NED, 50120NED and 50150NED renumber the column keys and
//! 50150NED renames severe loneliness `SterkEenzaam`. A file in each layout loads onto the same
//! indicators, with its own keys and labels kept for display; the table and its classification
//! come from the file's column keys, its folder's `metadata.json` or its name, which must agree;
//! `--classification` is for files that carry none of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use omzien::{AgeGroup, AreaCode, Figure, Indicator, Loader, Wave};
use omzien_tests::{fixtures, omzien_cli};

fn sample(table: &str) -> std::path::PathBuf {
    fixtures()
        .join("tables")
        .join(format!("{table}_sample.csv"))
}

/// A copy of `from` named `name` in a fresh folder (kept alive by the returned guard).
fn copy_as(from: &std::path::Path, name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join(name);
    std::fs::copy(from, &to).unwrap();
    (dir, to)
}

#[test]
fn each_table_layout_loads_with_the_loneliness_indicators_recognised() {
    for (table, year, waves, severe_key, severe_label) in [
        (
            "50090NED",
            2020,
            3,
            "ErnstigZeerErnstigEenzaam_29",
            "Eenzaamheid/Ernstig/zeer ernstig eenzaam (%)",
        ),
        (
            "50120NED",
            2022,
            4,
            "ErnstigZeerErnstigEenzaam_28",
            "Eenzaamheid/Ernstig/zeer ernstig eenzaam (%)",
        ),
        (
            "50150NED",
            2024,
            5,
            "SterkEenzaam_26",
            "Eenzaamheid/Sterk eenzaam (%)",
        ),
    ] {
        // Named plainly, so the table comes from the content.
        let (_dir, path) = copy_as(&sample(table), "figures.csv");
        let ds = Loader::new().load([&path]).unwrap();
        assert_eq!(ds.table(), Some(table), "{table}");
        assert_eq!(ds.classification_year(), Some(year), "{table}");
        assert_eq!(ds.waves().len(), waves, "{table}");
        // Only the four loneliness indicators' columns: nothing extra was made of a key.
        let keys: Vec<String> = ds.indicators().iter().map(|i| i.key.clone()).collect();
        assert!(
            ds.indicators()
                .iter()
                .all(|i| Indicator::from_key(&i.key).is_some()),
            "{table}: {keys:?}"
        );
        let severe = ds.indicator_info(Indicator::SEVERELY_LONELY).unwrap();
        assert_eq!(severe.key, severe_key, "{table}");
        assert_eq!(severe.label_nl, severe_label, "{table}");
        let gm: AreaCode = "GM9998".parse().unwrap();
        let bu: AreaCode = "BU99980101".parse().unwrap();
        let last = *ds.waves().last().unwrap();
        let at = |code, ind, w: u16| {
            ds.figure(code, ind, Wave::new(w), AgeGroup::ADULTS)
                .unwrap()
        };
        // The values the fixture holds: base + half a point a year + 1.5 per level down.
        let expect = 40.0 + f64::from(last.year() - 2012) * 0.5 + 1.5;
        assert_eq!(
            at(gm, Indicator::LONELY, last.year()),
            Figure::Value(expect),
            "{table}"
        );
        assert_eq!(
            ds.interval(gm, Indicator::LONELY, last, AgeGroup::ADULTS)
                .unwrap(),
            Some((expect - 2.0, expect + 2.0)),
            "{table}"
        );
        assert_eq!(
            at(bu, Indicator::SEVERELY_LONELY, last.year()),
            Figure::Suppressed,
            "{table}"
        );
        assert_eq!(
            at(gm, Indicator::SOCIALLY_LONELY, 2012),
            Figure::NotMeasured,
            "{table}"
        );
        assert!(
            matches!(at(gm, Indicator::SOCIALLY_LONELY, 2016), Figure::Value(_)),
            "{table}"
        );
        assert!(
            matches!(
                at(gm, Indicator::EMOTIONALLY_LONELY, 2012),
                Figure::Value(_)
            ),
            "{table}"
        );
    }
}

#[test]
fn severe_loneliness_of_50150ned_is_the_indicator_of_50090ned() {
    let old = Loader::new().load([sample("50090NED")]).unwrap();
    let new = Loader::new().load([sample("50150NED")]).unwrap();
    let gm: AreaCode = "GM9998".parse().unwrap();
    for w in [2012, 2016, 2020] {
        let w = Wave::new(w);
        assert_eq!(
            old.figure(gm, Indicator::SEVERELY_LONELY, w, AgeGroup::ADULTS)
                .unwrap(),
            new.figure(gm, Indicator::SEVERELY_LONELY, w, AgeGroup::ADULTS)
                .unwrap()
        );
    }
    // Asked for by either table's key, the same indicator.
    assert_eq!(
        new.parse_indicator(Some("SterkEenzaam_26")).unwrap(),
        Indicator::SEVERELY_LONELY
    );
    assert_eq!(
        new.parse_indicator(Some("ErnstigZeerErnstigEenzaam_29"))
            .unwrap(),
        Indicator::SEVERELY_LONELY
    );
}

#[test]
fn name_content_and_metadata_must_agree() {
    // A 50090NED file named as 50150NED: refused, both named.
    let (_d, path) = copy_as(&sample("50090NED"), "50150NED_download.csv");
    let e = Loader::new().load([&path]).unwrap_err().to_string();
    assert!(
        e.contains("Eenzaam_28") && e.contains("50090NED") && e.contains("50150NED"),
        "{e}"
    );
    // --classification against a file that says otherwise: refused.
    let (_d, path) = copy_as(&sample("50120NED"), "figures.csv");
    let e = Loader::new()
        .with_classification(2020)
        .load([&path])
        .unwrap_err()
        .to_string();
    assert!(e.contains("2020") && e.contains("50120NED"), "{e}");
    // Two tables in one dataset: refused, both files named.
    let e = Loader::new()
        .load([sample("50090NED"), sample("50150NED")])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("50090NED_sample.csv") && e.contains("50150NED_sample.csv"),
        "{e}"
    );
}

#[test]
fn a_metadata_file_names_the_table_of_its_folder() {
    // A StatLine web download (labels, no keys) says nothing of its table.
    let (dir, path) = copy_as(&fixtures().join("50090NED_web_2020.csv"), "download.csv");
    let ds = Loader::new().load([dir.path()]).unwrap();
    assert_eq!((ds.table(), ds.classification_year()), (None, None));
    std::fs::write(
        dir.path().join("metadata.json"),
        r#"{"table": "50090NED", "title": "Gezondheid per wijk en buurt"}"#,
    )
    .unwrap();
    let ds = Loader::new().load([dir.path()]).unwrap();
    assert_eq!(
        (ds.table(), ds.classification_year()),
        (Some("50090NED"), Some(2020))
    );
    // Its web labels are kept for display.
    assert_eq!(
        ds.indicator_info(Indicator::LONELY).unwrap().label_nl,
        "Eenzaamheid/Eenzaam (%)"
    );
    for (bad, expect) in [
        (r#"{"table": "83765NED"}"#, "not of this series"),
        (r#"{"table": "50150NED", "classification": 2020}"#, "2024"),
        (r#"{"title": "x"}"#, "neither"),
        ("not json", "not JSON"),
        (
            r#"{"table": "50090NED", "areas": {"XX12": "a"}}"#,
            "\"areas\"",
        ),
        (
            r#"{"table": "50090NED", "areas": {"BU03630000": 7}}"#,
            "not a name",
        ),
        (
            r#"{"table": "50090NED", "areas": ["BU03630000"]}"#,
            "not an object",
        ),
    ] {
        std::fs::write(dir.path().join("metadata.json"), bad).unwrap();
        let e = Loader::new().load([dir.path()]).unwrap_err().to_string();
        assert!(
            e.contains("metadata.json") && e.contains(expect),
            "{bad}: {e}"
        );
    }
    // Its area names (from the table's WijkenEnBuurten, as `omzien fetch` writes them) name
    // the areas.
    let wk = ds.areas(omzien::Level::Wijk, None)[0];
    std::fs::write(
        dir.path().join("metadata.json"),
        format!(r#"{{"table": "50090NED", "areas": {{"{wk}": "Nieuwmarkt/Lastage", "BU99990101": "Elders"}}}}"#),
    )
    .unwrap();
    let ds = Loader::new().load([dir.path()]).unwrap();
    assert_eq!(
        ds.area(wk).unwrap().name.as_deref(),
        Some("Nieuwmarkt/Lastage")
    );
    // Metadata that contradicts the file's content.
    std::fs::write(dir.path().join("metadata.json"), r#"{"table": "50150NED"}"#).unwrap();
    std::fs::copy(sample("50090NED"), &path).unwrap();
    let e = Loader::new().load([dir.path()]).unwrap_err().to_string();
    assert!(
        e.contains("metadata.json") && e.contains("Eenzaam_28"),
        "{e}"
    );
}

#[test]
fn a_file_that_carries_no_table_takes_its_classification_from_the_option() {
    let (_d, path) = copy_as(&fixtures().join("50090NED_web_2020.csv"), "base.csv");
    let p = path.to_str().unwrap();
    let plain = omzien_cli(&["summary", "--data", p, "--format", "json"]).unwrap();
    let plain: serde_json::Value = serde_json::from_str(&plain).unwrap();
    let told = omzien_cli(&[
        "summary",
        "--data",
        p,
        "--classification",
        "2024",
        "--format",
        "json",
    ])
    .unwrap();
    let told: serde_json::Value = serde_json::from_str(&told).unwrap();
    let year = |v: &serde_json::Value| v.pointer("/dataset/classification_year").cloned();
    assert_eq!(year(&plain), Some(serde_json::Value::Null), "{plain}");
    assert_eq!(year(&told), Some(2024.into()), "{told}");
    // A file whose keys name its table needs no option.
    let (_d, path) = copy_as(&sample("50150NED"), "base.csv");
    let out = omzien_cli(&[
        "summary",
        "--data",
        path.to_str().unwrap(),
        "--format",
        "json",
    ])
    .unwrap();
    let out: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(year(&out), Some(2024.into()), "{out}");
}

#[test]
fn a_trend_across_two_tables_says_why_not_and_names_the_newer_table() {
    let (old, new) = (sample("50090NED"), sample("50150NED"));
    let e = omzien_cli(&[
        "trend",
        "--from",
        "2012",
        "--to",
        "2020",
        "--data",
        old.to_str().unwrap(),
        "--data",
        new.to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(
        e.contains("cannot be joined by code")
            && e.contains("Table 50150NED (classification 2024)"),
        "{e}"
    );
    // The newer table alone compares the waves, 2012 among them.
    let out = omzien_cli(&[
        "trend",
        "--from",
        "2012",
        "--to",
        "2024",
        "--data",
        new.to_str().unwrap(),
        "--format",
        "json",
    ])
    .unwrap();
    assert!(out.contains("GM9998"), "{out}");
}

/// The 95 % bounds of a table that has them are two columns in every CSV: the commands' and
/// the API's.
#[test]
fn every_csv_carries_the_95_percent_bounds() {
    let f = fixtures().join("odata_bounds.csv");
    let data = f.to_str().unwrap();
    let cell = |csv: &str, row: &str, col: &str| -> String {
        let mut lines = csv.lines().filter(|l| !l.starts_with('#'));
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        let i = head
            .iter()
            .position(|h| *h == col)
            .unwrap_or_else(|| panic!("{col} in {head:?}"));
        let line = lines
            .find(|l| l.starts_with(row) || l.contains(&format!(",{row},")))
            .unwrap_or_else(|| panic!("{row} in {csv}"));
        line.split(',').nth(i).unwrap().to_owned()
    };
    // The area's CSV is the API's: its code, name and level lead every row.
    let area = omzien_cli(&["area", "GM9998", "--data", data, "--format", "csv"]).unwrap();
    assert!(area.starts_with("code,name,level,indicator,"), "{area}");
    assert_eq!(
        cell(&area, "Eenzaam_28,18+,2020", "lower"),
        "44.0",
        "{area}"
    );
    assert_eq!(cell(&area, "Eenzaam_28,18+,2020", "upper"), "48.0");
    let trend = omzien_cli(&[
        "trend", "--from", "2016", "--to", "2020", "--level", "wijk", "--data", data, "--format",
        "csv",
    ])
    .unwrap();
    for (col, want) in [
        ("from_lower", "35.0"),
        ("from_upper", "47.0"),
        ("to_lower", "38.0"),
        ("to_upper", "50.0"),
        ("significant", "false"),
    ] {
        assert_eq!(cell(&trend, "WK999800", col), want, "{col}\n{trend}");
    }
    let risk = omzien_cli(&[
        "risk",
        "--level",
        "gemeente",
        "--mode",
        "high",
        "--top",
        "1",
        "--min-areas",
        "1",
        "--data",
        data,
        "--format",
        "csv",
    ])
    .unwrap();
    assert_eq!(cell(&risk, "1,1,GM9998", "lower"), "44.0", "{risk}");

    // The API: /api/figures (level and change layers) and /api/risk.
    let ds = Loader::new().load([&f]).unwrap();
    let app = omzien_server::routes::app(omzien_server::state::AppState::new(ds, vec![], 1 << 20));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let get = |uri: &str| {
        let (s, _, body) = rt.block_on(omzien_tests::http_get(&app, uri, &[]));
        let body = String::from_utf8(body).unwrap();
        assert!(s.is_success(), "{uri}: {body}");
        body
    };
    let level = get("/api/figures?level=wijk&wave=2020&format=csv");
    assert_eq!(cell(&level, "WK999800", "lower"), "38.0", "{level}");
    assert_eq!(cell(&level, "WK999800", "upper"), "50.0", "{level}");
    let change = get("/api/figures?level=wijk&from=2016&to=2020&format=csv");
    assert_eq!(cell(&change, "WK999800", "from_lower"), "35.0", "{change}");
    assert_eq!(cell(&change, "WK999800", "to_upper"), "50.0", "{change}");
    let json: serde_json::Value =
        serde_json::from_str(&get("/api/figures?level=wijk&wave=2020")).unwrap();
    assert_eq!(json["rows"][0]["interval"], serde_json::json!([38.0, 50.0]));
    let risk = get("/api/risk?level=gemeente&mode=high&top=1&min_areas=1&format=csv");
    assert_eq!(cell(&risk, "1,1,GM9998", "upper"), "48.0", "{risk}");
}

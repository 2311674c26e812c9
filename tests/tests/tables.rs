//! The newer tables of the series: 50120NED and 50150NED renumber the column keys and
//! 50150NED renames severe loneliness `SterkEenzaam`; a file in their layout loads onto the same
//! indicators, with its classification year from the table id in its name.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use omzien::{AgeGroup, AreaCode, Figure, Indicator, Loader, Wave};
use omzien_tests::{fixtures, omzien_cli};

#[test]
fn a_50150ned_file_loads_onto_the_same_indicators() {
    let text = std::fs::read_to_string(fixtures().join("odata_bounds.csv")).unwrap();
    // The 50090NED fixture in 50150NED's layout: keys renumbered and renamed, later waves.
    let renamed = text
        .replacen(
            "Eenzaam_28,ErnstigZeerErnstigEenzaam_29",
            "Eenzaam_25,SterkEenzaam_26",
            1,
        )
        .replace("2020JJ00", "2024JJ00")
        .replace("2016JJ00", "2022JJ00");
    assert_ne!(renamed, text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("50150NED_sample.csv");
    std::fs::write(&path, &renamed).unwrap();
    let old = Loader::new()
        .load([fixtures().join("odata_bounds.csv")])
        .unwrap();
    let new = Loader::new().load([&path]).unwrap();
    assert_eq!(new.classification_year(), Some(2024));
    assert_eq!(new.waves(), [Wave::new(2022), Wave::new(2024)]);
    // No extra indicator was made of the renamed column.
    assert!(
        new.indicators().iter().all(|i| !i.key.contains("Sterk")),
        "{:?}",
        new.indicators()
            .iter()
            .map(|i| i.key.clone())
            .collect::<Vec<_>>()
    );
    let gm: AreaCode = "GM9998".parse().unwrap();
    for (from, to) in [(2016, 2022), (2020, 2024)] {
        for ind in [Indicator::LONELY, Indicator::SEVERELY_LONELY] {
            let was = old
                .figure(gm, ind, Wave::new(from), AgeGroup::ADULTS)
                .unwrap();
            let is = new
                .figure(gm, ind, Wave::new(to), AgeGroup::ADULTS)
                .unwrap();
            assert!(matches!(is, Figure::Value(_)), "{ind} {to}: {is:?}");
            assert_eq!(was, is, "{ind} {to}");
            assert_eq!(
                old.interval(gm, ind, Wave::new(from), AgeGroup::ADULTS)
                    .unwrap(),
                new.interval(gm, ind, Wave::new(to), AgeGroup::ADULTS)
                    .unwrap()
            );
        }
    }
}

#[test]
fn a_file_without_a_table_id_takes_its_classification_from_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("base.csv");
    std::fs::copy(fixtures().join("odata_bounds.csv"), &path).unwrap();
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
}

//! Boundaries from the CBS GeoJSON files: WGS84 and RD New, joins, repair and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use geo::Centroid;
use omzien::{AreaCode, Boundaries, BoundaryError, Crs, Level};
use omzien_tests::{national, national_dataset, root};

fn code(s: &str) -> AreaCode {
    s.parse().unwrap()
}

#[test]
fn gemeenten_join_every_code_and_find_points() {
    let Some(dir) = national() else { return };
    let Some(ds) = national_dataset() else { return };
    let b = Boundaries::from_geojson(&dir.join("cbs-2020/gemeenten_2020.geojson")).unwrap();
    assert_eq!(b.level(), Level::Gemeente);
    assert_eq!(b.crs(), Crs::Wgs84);
    assert_eq!(b.shapes().len() + b.skipped().len(), 355);
    assert!(b.skipped().is_empty(), "{:?}", b.skipped());
    let join = b.join(ds);
    assert!(
        join.without_polygon.is_empty(),
        "{:?}",
        join.without_polygon
    );
    assert!(join.without_figures.is_empty());
    // Dam square, Amsterdam; Markt, Delft; Vrijthof, Maastricht.
    assert_eq!(b.at(4.8927, 52.3731), Some(code("GM0363")));
    assert_eq!(b.at(4.3583, 52.0116), Some(code("GM0503")));
    assert_eq!(b.at(5.6873, 50.8486), Some(code("GM0935")));
    // North Sea.
    assert_eq!(b.at(3.5, 52.5), None);
    let around_amsterdam = b.in_bbox([4.85, 52.35], [4.95, 52.40]);
    assert!(around_amsterdam.iter().any(|s| s.code == code("GM0363")));
    // Names come along, mojibake and all; the dataset repairs them when it takes them.
    assert!(
        b.names()
            .iter()
            .any(|(c, n)| *c == code("GM0363") && n == "Amsterdam")
    );
}

#[test]
fn rd_new_file_projects_onto_the_wgs84_file() {
    let Some(dir) = national() else { return };
    let wgs = Boundaries::from_geojson(&dir.join("cbs-2020/gemeenten_2020.geojson")).unwrap();
    let rd = Boundaries::from_geojson(&dir.join("cbs-2020/gemeenten_2020_rdnew.geojson")).unwrap();
    assert_eq!(rd.crs(), Crs::RdNew);
    assert_eq!(rd.shapes().len(), 355);
    let mut worst: f64 = 0.0;
    for s in wgs.shapes() {
        let other = rd.shape(s.code).unwrap();
        let (a, b) = (
            s.geometry.centroid().unwrap(),
            other.geometry.centroid().unwrap(),
        );
        // Degrees to metres, roughly, at 52° N.
        let dx = (a.x() - b.x()) * 68_000.0;
        let dy = (a.y() - b.y()) * 111_000.0;
        worst = worst.max(dx.hypot(dy));
    }
    eprintln!("largest centroid offset RD New vs WGS84: {worst:.3} m");
    assert!(
        worst < 5.0,
        "largest centroid offset between the RD New and WGS84 files: {worst:.2} m"
    );
    assert_eq!(rd.at(4.8927, 52.3731), Some(code("GM0363")));
}

#[test]
fn buurten_report_missing_and_invalid_polygons() {
    let Some(dir) = national() else { return };
    let Some(ds) = national_dataset() else { return };
    let b = Boundaries::from_geojson(&dir.join("cbs-2020/buurten_2020.geojson")).unwrap();
    assert_eq!(b.level(), Level::Buurt);
    assert_eq!(b.shapes().len() + b.skipped().len(), 13_350);
    eprintln!(
        "buurten: {} shapes, {} repaired, {} skipped: {:?}",
        b.shapes().len(),
        b.repaired().len(),
        b.skipped().len(),
        b.skipped()
    );
    assert!(b.skipped().len() <= 25, "{:?}", b.skipped());
    // The slightly invalid polygons were repaired or reported, never crashed on.
    assert!(!b.repaired().is_empty() || !b.skipped().is_empty());
    for s in b.skipped() {
        assert!(!s.reason.is_empty());
    }
    let join = b.join(ds);
    // 458 buurten of 2020 have no polygon in the 2019 map; skipped features add to them.
    let missing: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("cbs-2020/buurten_2020_missing.json")).unwrap(),
    )
    .unwrap();
    let listed: Vec<AreaCode> = missing["missing_2020_BU_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| code(c.as_str().unwrap()))
        .collect();
    assert_eq!(listed.len(), 458);
    for c in &listed {
        assert!(join.without_polygon.contains(c), "{c}");
        // Their figures stay available.
        assert!(ds.contains(*c));
    }
    assert_eq!(
        join.without_polygon.len(),
        458 + b
            .skipped()
            .iter()
            .filter(|s| s.code.is_some_and(|c| ds.contains(c)))
            .count()
    );
    assert!(
        join.without_figures.is_empty(),
        "{:?}",
        join.without_figures
    );
}

#[test]
fn wijken_cover_every_2020_code() {
    let Some(dir) = national() else { return };
    let Some(ds) = national_dataset() else { return };
    let b = Boundaries::from_geojson(&dir.join("cbs-2020/wijken_2020.geojson")).unwrap();
    assert_eq!(b.level(), Level::Wijk);
    let join = b.join(ds);
    assert_eq!(b.shapes().len() + b.skipped().len(), 3_177);
    assert_eq!(join.without_polygon.len(), b.skipped().len());
}

fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    (dir, p)
}

const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[5.0,52.0],[5.1,52.0],[5.1,52.1],[5.0,52.1],[5.0,52.0]]]}"#;
const OPEN: &str =
    r#"{"type":"Polygon","coordinates":[[[5.2,52.0],[5.3,52.0],[5.3,52.1],[5.2,52.1]]]}"#;

#[test]
fn unusable_features_are_named_and_bad_files_refused() {
    let fc = format!(
        r#"{{"type":"FeatureCollection","features":[
        {{"type":"Feature","properties":{{"GM_CODE":"GM0001"}},"geometry":{SQUARE}}},
        {{"type":"Feature","properties":{{"GM_CODE":"GM0002"}},"geometry":{OPEN}}},
        {{"type":"Feature","properties":{{"GM_CODE":"GMX"}},"geometry":{SQUARE}}},
        {{"type":"Feature","properties":{{"naam":"x"}},"geometry":{SQUARE}}},
        {{"type":"Feature","properties":{{"GM_CODE":"GM0003"}},"geometry":null}},
        {{"type":"Feature","properties":{{"GM_CODE":"GM0001"}},"geometry":{SQUARE}}}]}}"#
    );
    let (_d, p) = write("g.geojson", &fc);
    let b = Boundaries::from_geojson(&p).unwrap();
    assert_eq!(b.shapes().len(), 1);
    let reasons: Vec<(usize, &str)> = b
        .skipped()
        .iter()
        .map(|s| (s.feature, s.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(reasons[0].1.contains("unclosed"), "{reasons:?}");
    assert!(reasons[1].1.contains("GMX"));
    assert!(reasons[2].1.contains("GM_CODE"));
    assert!(reasons[3].1.contains("no geometry"));
    assert!(reasons[4].1.contains("duplicate"));

    let (_d, p) = write(
        "c.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:3857"}}}},"features":[{{"type":"Feature","properties":{{"GM_CODE":"GM0001"}},"geometry":{SQUARE}}}]}}"#
        ),
    );
    let e = Boundaries::from_geojson(&p).unwrap_err();
    assert!(matches!(e, BoundaryError::UnknownCrs { .. }), "{e:?}");
    assert!(e.to_string().contains("EPSG:3857"));

    let (_d, p) = write(
        "n.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"naam":"x"}},"geometry":{SQUARE}}}]}}"#
        ),
    );
    assert!(matches!(
        Boundaries::from_geojson(&p).unwrap_err(),
        BoundaryError::NoCodeProperty { .. }
    ));

    let (_d, p) = write(
        "m.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code":"GM0001"}},"geometry":{SQUARE}}},{{"type":"Feature","properties":{{"code":"WK000101"}},"geometry":{SQUARE}}}]}}"#
        ),
    );
    assert!(matches!(
        Boundaries::from_geojson(&p).unwrap_err(),
        BoundaryError::MixedLevels { .. }
    ));

    let (_d, p) = write(
        "t.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","#,
    );
    let e = Boundaries::from_geojson(&p).unwrap_err();
    assert!(matches!(e, BoundaryError::Json { .. }), "{e:?}");
}

#[test]
fn a_position_of_one_number_skips_its_feature_with_the_reason() {
    // Found by CI's AFL++ run: the GeoJSON converter indexed the position and panicked.
    let path = root().join("fuzz/regressions/boundaries/afl-short-position-0.geojson");
    let b = Boundaries::from_geojson(&path).unwrap();
    assert_eq!(b.shapes().len(), 1);
    let s = &b.skipped()[0];
    assert_eq!(s.code.map(|c| c.to_string()).as_deref(), Some("GM0363"));
    assert!(s.reason.contains("a position has 1 number"), "{}", s.reason);
}

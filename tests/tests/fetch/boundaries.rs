//! The boundaries: each table's default map, from PDOK's OGC API or the year's WFS.

use super::*;

/// A table on the 2020 map takes its boundaries from PDOK's WFS of 2020 (no OGC API exists for
/// it): WFS 2.0 pages by `startIndex` in RD New, a gemeente by an FES filter, written with its
/// CRS so the map reads it.
#[test]
fn maps_before_2023_come_from_the_years_wfs() {
    let Some(data) = national() else { return };
    assert_eq!(
        omzien::fetch::boundaries_service(2020),
        "https://service.pdok.nl/cbs/wijkenbuurten/2020/wfs/v1_0"
    );
    assert_eq!(
        omzien::fetch::boundaries_service(2024),
        "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"
    );
    let mut fake = small(&data, 600, 100);
    fake.collections.insert(
        "wfs:gemeenten".into(),
        pdok_features(&data.join("cbs-2020/gemeenten_2020_rdnew.geojson")),
    );
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let service = format!("{base}/cbs/wijkenbuurten/2020/wfs/v1_0");
    let args = |out: &Path, more: &[&str]| {
        let mut a = vec![
            "fetch".to_owned(),
            "50090NED".into(),
            "--out".into(),
            out.display().to_string(),
            "--odata-url".into(),
            format!("{base}/odata"),
            "--boundaries-url".into(),
            service.clone(),
            "--level".into(),
            "gemeente".into(),
            "--wait".into(),
            "0.01".into(),
        ];
        a.extend(more.iter().map(|s| (*s).to_owned()));
        a
    };
    let a = args(tmp.path(), &[]);
    omzien_cli(&a.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    let pages: Vec<String> = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("wfs/2020"))
        .cloned()
        .collect();
    // 355 gemeenten, 100 a page (the server's most): four full pages, a short one, an empty one.
    assert_eq!(pages.len(), 5, "{pages:?}");
    assert!(pages[0].contains("typeNames=wijkenbuurten:gemeenten startIndex=0 count=1000 srsName=EPSG:28992 outputFormat=application/json"), "{pages:?}");
    assert!(pages[4].contains("startIndex=355"), "{pages:?}");
    let file = tmp
        .path()
        .join("50090NED/boundaries/gemeenten_2020.geojson");
    let b = Boundaries::from_geojson(&file).unwrap();
    assert_eq!(b.shapes().len(), 355);
    // Read as RD New and reprojected: Amsterdam lies where it lies.
    let ams = b
        .shapes()
        .iter()
        .find(|s| s.code.to_string() == "GM0363")
        .unwrap();
    let c = ams.bbox.center();
    assert!(
        (4.7..5.1).contains(&c.x) && (52.2..52.5).contains(&c.y),
        "{c:?}"
    );
    // One gemeente (of the replay's first rows): the filter goes to the service.
    let one = tempfile::tempdir().unwrap();
    let a = args(one.path(), &["--gemeente", "GM0361"]);
    omzien_cli(&a.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    let last = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|l| l.starts_with("wfs/2020"))
        .cloned()
        .unwrap();
    assert!(last.contains("filter=<Filter><PropertyIsEqualTo><ValueReference>gemeentecode</ValueReference><Literal>GM0361</Literal>"), "{last}");
    let b = Boundaries::from_geojson(
        &one.path()
            .join("50090NED/boundaries/gemeenten_2020.geojson"),
    )
    .unwrap();
    assert_eq!(b.shapes().len(), 1);
}

/// Features of the fixture gemeente (GM9998), its wijk and buurt, with PDOK's property names:
/// small squares, in CRS84 for the OGC API and in RD New for the WFS.
fn fixture_features(level: &str, rd: bool) -> Vec<Value> {
    let (code, key, name) = match level {
        "gemeenten" => ("GM9998", "gemeentecode", "gemeentenaam"),
        "wijken" => ("WK999801", "wijkcode", "wijknaam"),
        _ => ("BU99980101", "buurtcode", "buurtnaam"),
    };
    let (x, y, d) = if rd {
        (120_000.0, 480_000.0, 500.0)
    } else {
        (5.0, 52.0, 0.005)
    };
    let ring = json!([[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]);
    let mut props = Map::new();
    props.insert(key.into(), json!(code));
    props.insert(name.into(), json!("Fixtureburg"));
    props.insert("gemeentecode".into(), json!("GM9998"));
    props.insert("water".into(), json!("NEE"));
    vec![json!({"type": "Feature", "id": code, "properties": props,
        "geometry": {"type": "Polygon", "coordinates": ring}})]
}

/// Each of the three tables with its default boundary service, no `--boundaries-url`: the
/// 2020 and 2022 maps from PDOK's WFS of the year, the 2024 map from its OGC API, at the paths
/// PDOK serves them (asked of a mirror with `--pdok-mirror`, the replay here); a dry run
/// names the real hosts.
#[test]
fn each_table_fetches_its_default_boundaries() {
    let mut fake = Fake {
        page: 100,
        ..Default::default()
    };
    for (table, title) in [
        ("50090NED", TITLE_2020),
        (
            "50120NED",
            "Gezondheid per wijk en buurt; 2012/2016/2020/2022 (indeling 2022)",
        ),
        (
            "50150NED",
            "Gezondheid per wijk en buurt; 2012/2016/2020/2022/2024 (indeling 2024)",
        ),
    ] {
        fake.tables.insert(
            table.into(),
            FakeTable::from_csv(
                &[fixtures().join(format!("tables/{table}_sample.csv"))],
                usize::MAX,
                title,
                &HashMap::new(),
            ),
        );
    }
    for level in ["gemeenten", "wijken", "buurten"] {
        fake.collections
            .insert(level.into(), fixture_features(level, false));
        fake.collections
            .insert(format!("wfs:{level}"), fixture_features(level, true));
    }
    let (base, fake) = serve(fake);
    let odata = format!("{base}/odata");
    for (table, year, service) in [
        (
            "50090NED",
            2020,
            "service.pdok.nl/cbs/wijkenbuurten/2020/wfs/v1_0",
        ),
        (
            "50120NED",
            2022,
            "service.pdok.nl/cbs/wijkenbuurten/2022/wfs/v1_0",
        ),
        (
            "50150NED",
            2024,
            "api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().to_str().unwrap();
        // Without a mirror the plan names PDOK's own host and path.
        let plan = omzien_cli(&["fetch", table, "--out", out, "--dry-run"]).unwrap();
        assert!(plan.contains(&format!("GET https://{service}")), "{plan}");
        let said = omzien_cli(&[
            "fetch",
            table,
            "--out",
            out,
            "--odata-url",
            &odata,
            "--pdok-mirror",
            &base,
            "--wait",
            "0.01",
        ])
        .unwrap();
        assert!(said.contains("boundaries: "), "{table}: {said}");
        for level in ["gemeenten", "wijken", "buurten"] {
            let file = tmp
                .path()
                .join(format!("{table}/boundaries/{level}_{year}.geojson"));
            let b = Boundaries::from_geojson(&file).unwrap();
            assert_eq!(b.shapes().len(), 1, "{}", file.display());
            // The fixture square lies where it was served (RD New reprojected for the WFS).
            let c = b.shapes()[0].bbox.center();
            assert!(
                (4.5..5.5).contains(&c.x) && (51.5..52.5).contains(&c.y),
                "{c:?}"
            );
        }
        // The folder loads with its boundaries, as serve reads it.
        omzien::Loader::new()
            .load([tmp.path().join(table)])
            .unwrap();
    }
    // Each at its year's service path (the replay logs the path it was asked at).
    let log = fake.log.lock().unwrap().clone();
    assert!(
        log.iter()
            .any(|l| l.starts_with("wfs/2020 typeNames=wijkenbuurten:buurten")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("wfs/2022 typeNames=wijkenbuurten:wijken")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("cbs/wijken-en-buurten-2024/ogc/v1/gemeenten offset=0")),
        "{log:?}"
    );
}

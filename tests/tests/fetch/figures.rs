//! The figures: downloaded through failures, resumed, filtered, refused with their URL.

use super::*;

#[test]
fn the_national_figures_download_through_failures_and_load_as_the_csv_files_do() {
    let Some(data) = national() else { return };
    let files: Vec<PathBuf> = ["2012", "2016", "2020"]
        .iter()
        .flat_map(|w| {
            ["18plus", "65plus"].map(|a| data.join(format!("rivm-50090NED/50090NED_{w}_{a}.csv")))
        })
        .collect();
    let mut fake = Fake {
        page: 10_000,
        ..Default::default()
    };
    fake.tables.insert(
        "50090NED".into(),
        FakeTable::from_csv(&files, usize::MAX, TITLE_2020, &wijk_names(&data)),
    );
    let mut gemeenten = pdok_features(&data.join("cbs-2020/gemeenten_2020.geojson"));
    // PDOK's gemeente layer also has each gemeente's water as a feature of its own.
    let mut water = gemeenten[0].clone();
    water["properties"]["water"] = json!("JA");
    gemeenten.insert(0, water);
    fake.collections.insert("gemeenten".into(), gemeenten);
    fake.collections.insert(
        "wijken".into(),
        pdok_features(&data.join("cbs-2020/wijken_2020.geojson")),
    );
    fake.collections.insert(
        "buurten".into(),
        pdok_features(&data.join("cbs-2020/buurten_2020.geojson")),
    );
    fake.faults = Mutex::new(vec![
        Fault {
            entity: "UntypedDataSet",
            skip: 10_000,
            kind: Kind::Status(503, None),
            times: 1,
        },
        Fault {
            entity: "UntypedDataSet",
            skip: 30_000,
            kind: Kind::Status(429, Some(1)),
            times: 1,
        },
        Fault {
            entity: "UntypedDataSet",
            skip: 50_000,
            kind: Kind::Truncate,
            times: 1,
        },
    ]);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = fetch(&base, tmp.path(), &[]).unwrap();
    assert!(out.contains("figures: 104046 rows in 11 pages"), "{out}");
    assert!(
        out.contains("(Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020))"),
        "{out}"
    );
    // Each failed page asked twice, the others once; the 429's Retry-After was waited for.
    for (skip, n) in [
        (0, 1),
        (10_000, 2),
        (20_000, 1),
        (30_000, 2),
        (50_000, 2),
        (100_000, 1),
    ] {
        assert_eq!(
            fake.requests(&format!("50090NED/UntypedDataSet skip={skip} ")),
            n,
            "skip={skip}"
        );
    }
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert!(
        *fake.gzip_asked.lock().unwrap() > 0,
        "the client asks for gzip"
    );

    let folder = tmp.path().join("50090NED");
    assert_eq!(
        listing(&folder),
        ["50090NED_figures.csv", "boundaries", "metadata.json"]
    );
    assert_eq!(listing(tmp.path()), ["50090NED"], "no partial folder left");
    let meta: Value =
        serde_json::from_slice(&std::fs::read(folder.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["table"], "50090NED");
    assert_eq!(meta["classification"], 2020);
    assert_eq!(meta["title"], TITLE_2020);
    assert_eq!(meta["rows"], 104_046);
    assert_eq!(meta["modified"], "2022-07-01T02:00:00");
    assert_eq!(meta["periods"].as_array().unwrap().len(), 3);
    assert!(meta["downloaded"].as_str().unwrap().starts_with("20"));
    assert_eq!(meta["areas"]["WK036304"], "Nieuwmarkt/Lastage");

    loads_as_the_csv_files_do(&folder);
    boundaries_of_every_level(&folder);
    assert!(
        out.contains("boundaries:") && out.contains("(355 areas)"),
        "{out}"
    );
    assert!(out.contains("serve it: omzien serve --data"), "{out}");
}

/// The downloaded folder loads into the same dataset as the national CSV files: every figure
/// of every area, indicator, wave and age group, and names for the wijken from the table.
fn loads_as_the_csv_files_do(folder: &Path) {
    // The download loads into the same dataset as the CSV files.
    let got = Loader::new().load([folder]).unwrap();
    let want = omzien_tests::national_dataset().unwrap();
    assert_eq!(got.table(), Some("50090NED"));
    assert_eq!(got.classification_year(), Some(2020));
    assert_eq!(got.waves(), want.waves());
    assert_eq!(got.age_groups(), want.age_groups());
    assert_eq!(got.len(), want.len());
    let keys = |ds: &omzien::Dataset| {
        ds.indicators()
            .iter()
            .map(|i| i.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&got), keys(want));
    let mut compared = 0usize;
    for level in Level::ALL {
        for code in want.areas(level, None) {
            for info in want.indicators() {
                for &wave in want.waves() {
                    for &age in want.age_groups() {
                        let a = got.figure(code, info.indicator, wave, age).unwrap();
                        let b = want.figure(code, info.indicator, wave, age).unwrap();
                        assert_eq!(a, b, "{code} {} {wave} {age}", info.key);
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 3_000_000, "{compared}");
    let ams = "GM0363".parse().unwrap();
    assert_eq!(
        got.figure(ams, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
            .unwrap()
            .value(),
        Some(53.2)
    );
    // Names from the table's WijkenEnBuurten, where the CSV files have none for wijken.
    let wijk = "WK036304".parse().unwrap();
    assert_eq!(
        got.area(wijk).unwrap().name.as_deref(),
        Some("Nieuwmarkt/Lastage")
    );
}

/// The downloaded boundaries: every level, read by the boundary reader, water left out.
fn boundaries_of_every_level(folder: &Path) {
    let ams: omzien::AreaCode = "GM0363".parse().unwrap();
    // Boundaries: every level, read by the boundary reader, water left out.
    let b = folder.join("boundaries");
    let g = Boundaries::from_geojson(&b.join("gemeenten_2020.geojson")).unwrap();
    assert_eq!(g.shapes().len(), 355);
    assert!(g.skipped().is_empty(), "{:?}", &g.skipped()[..1]);
    assert_eq!(
        g.names().iter().find(|(c, _)| *c == ams).unwrap().1,
        "Amsterdam"
    );
    let w = Boundaries::from_geojson(&b.join("wijken_2020.geojson")).unwrap();
    assert_eq!(w.shapes().len(), 3_177);
    let bu = Boundaries::from_geojson(&b.join("buurten_2020.geojson")).unwrap();
    assert_eq!(bu.shapes().len() + bu.skipped().len(), 13_350);
    assert!(bu.shapes().len() > 13_300);
}

#[test]
fn an_interrupted_download_is_taken_up_after_its_last_whole_page() {
    let Some(data) = national() else { return };
    let mut fake = small(&data, 2_500, 500);
    // The connection to page 3 keeps failing: the run gives up after its tries.
    fake.faults = Mutex::new(vec![Fault {
        entity: "UntypedDataSet",
        skip: 1_000,
        kind: Kind::Status(503, None),
        times: 2,
    }]);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let e = fetch(&base, tmp.path(), &["--tries", "2", "--no-boundaries"]).unwrap_err();
    assert!(
        e.contains("UntypedDataSet?$format=json&$skip=1000: HTTP 503 (gave up after 2 tries; run the same command again to resume)"),
        "{e}"
    );
    assert!(
        !tmp.path().join("50090NED").exists(),
        "nothing under the final name"
    );
    let partial = tmp.path().join(".50090NED.partial");
    assert_eq!(
        listing(&partial.join("pages")),
        ["00001.json", "00002.json", "request.json"],
        "the two whole pages are kept"
    );

    // The same command again: pages 1 and 2 are not asked again.
    let out = fetch(&base, tmp.path(), &["--no-boundaries"]).unwrap();
    assert!(
        out.contains("figures: 2500 rows in 5 pages (2 taken from the earlier download)"),
        "{out}"
    );
    assert_eq!(fake.requests("UntypedDataSet skip=0 "), 1);
    assert_eq!(fake.requests("UntypedDataSet skip=500 "), 1);
    assert_eq!(fake.requests("UntypedDataSet skip=1000 "), 3);
    assert!(!partial.exists());
    let ds = Loader::new().load([tmp.path().join("50090NED")]).unwrap();
    let want = Loader::new()
        .load([data.join("rivm-50090NED/50090NED_2020_18plus.csv")])
        .unwrap();
    let nl = "NL01".parse().unwrap();
    assert_eq!(
        ds.figure(nl, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
            .unwrap(),
        want.figure(nl, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
            .unwrap()
    );

    // A finished folder is not replaced without --force, and is with it.
    let e = fetch(&base, tmp.path(), &["--no-boundaries"]).unwrap_err();
    assert!(
        e.contains("50090NED: exists (use --force to replace it)"),
        "{e}"
    );
    fetch(&base, tmp.path(), &["--no-boundaries", "--force"]).unwrap();
}

#[test]
fn bad_tables_and_bad_pages_are_named_with_their_url() {
    // The fixture in pages of 12 rows: three pages.
    let mut fake = fixture_table(12);
    fake.tables.insert(
        "83765NED".into(),
        FakeTable {
            title: "Kerncijfers wijken en buurten 2017".into(),
            ..Default::default()
        },
    );
    // A table whose own count disagrees with the rows its pages gave.
    let mut t = FakeTable::from_csv(
        &[fixtures().join("tables/50120NED_sample.csv")],
        usize::MAX,
        "Gezondheid per wijk en buurt; 2012/2016/2020/2022 (indeling 2022)",
        &HashMap::new(),
    );
    t.record_count = Some(t.rows.len() + 1);
    let n = t.rows.len();
    fake.tables.insert("50120NED".into(), t);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let odata = format!("{base}/odata");
    let cli = |table: &str, more: &[&str]| {
        let mut args = vec![
            "fetch",
            table,
            "--out",
            tmp.path().to_str().unwrap(),
            "--odata-url",
            &odata,
            "--no-boundaries",
            "--wait",
            "0.01",
        ];
        args.extend_from_slice(more);
        omzien_cli(&args)
    };
    let e = cli("99999NED", &[]).unwrap_err();
    assert!(
        e.contains("/odata/99999NED/TableInfos?$format=json: no table 99999NED (HTTP 404); tables of this series: 50090NED, 50120NED, 50150NED"),
        "{e}"
    );
    let e = cli("83765NED", &[]).unwrap_err();
    assert!(
        e.contains("83765NED (Kerncijfers wijken en buurten 2017) is not of the Gezondheidsmonitor series omzien reads"),
        "{e}"
    );
    let e = cli("eenzaam", &[]).unwrap_err();
    assert!(e.contains("\"eenzaam\" is not a table id"), "{e}");
    let e = cli("50120NED", &[]).unwrap_err();
    assert!(
        e.contains(&format!(
            "/odata/50120NED/UntypedDataSet?$format=json: {n} rows downloaded, but the table says it has {} (TableInfos' RecordCount",
            n + 1
        )) && e.contains("The pages are kept: run the same command with --accept-count"),
        "{e}"
    );
    // The pages stay: the next run with --accept-count takes them without asking again.
    assert_eq!(
        listing(&tmp.path().join(".50120NED.partial")),
        ["50120NED_figures.csv", "pages"]
    );
    let before = fake.requests("50120NED/UntypedDataSet");
    cli("50120NED", &["--accept-count"]).unwrap();
    assert_eq!(
        fake.requests("50120NED/UntypedDataSet"),
        before,
        "no page asked again"
    );
    let meta: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("50120NED/metadata.json")).unwrap())
            .unwrap();
    assert_eq!(meta["rows"], n);
    assert_eq!(meta["declared_rows"], n + 1);
    // A boundary service without the table's map (in a folder of its own: its figures stay
    // there for a next run).
    let other = tempfile::tempdir().unwrap();
    let e = omzien_cli(&[
        "fetch",
        "50090NED",
        "--out",
        other.path().to_str().unwrap(),
        "--odata-url",
        &odata,
        "--boundaries-url",
        &format!("{base}/nowhere"),
        "--wait",
        "0.01",
    ])
    .unwrap_err();
    assert!(
        e.contains("/nowhere/collections/gemeenten/items?f=json&limit=1000: no such collection (HTTP 404): the service may not hold the 2020 map under this address; give another with --boundaries-url"),
        "{e}"
    );
    assert_eq!(listing(other.path()), [".50090NED.partial"]);

    bad_pages(&fake, tmp.path(), &cli);
}

/// Bad pages of a table: each named by its URL (and row), none retried that a retry cannot
/// mend; a page that keeps ending early is given up on, and the next run finishes from the
/// pages kept.
fn bad_pages(fake: &Shared, tmp: &Path, cli: &omzien_tests::Cli<'_>) {
    // A page that is not JSON (a maintenance page with 200): no retry can mend it.
    fake.faults.lock().unwrap().push(Fault {
        entity: "UntypedDataSet",
        skip: 12,
        kind: Kind::NotJson,
        times: 1,
    });
    let e = cli("50090NED", &[]).unwrap_err();
    assert!(
        e.contains(
            "UntypedDataSet?$format=json&$skip=12: not JSON: expected value at line 1 column 1"
        ),
        "{e}"
    );
    assert!(!tmp.join("50090NED").exists());

    // A row without its area: the URL and the row.
    fake.faults.lock().unwrap().push(Fault {
        entity: "UntypedDataSet",
        skip: 12,
        kind: Kind::BadRow,
        times: 1,
    });
    let e = cli("50090NED", &[]).unwrap_err();
    assert!(
        e.contains("$skip=12: row 4 of the page: no WijkenEnBuurten"),
        "{e}"
    );

    // A page that always ends early.
    fake.faults.lock().unwrap().push(Fault {
        entity: "UntypedDataSet",
        skip: 24,
        kind: Kind::Truncate,
        times: 3,
    });
    let e = cli("50090NED", &["--tries", "3"]).unwrap_err();
    assert!(e.contains("$skip=24: the page ends early after"), "{e}");
    assert!(e.contains("(truncated) (gave up after 3 tries"), "{e}");
    // …and the next run finishes from the kept pages.
    let out = cli("50090NED", &[]).unwrap();
    assert!(
        out.contains("36 rows in 3 pages (2 taken from the earlier download)"),
        "{out}"
    );
}

#[test]
fn filters_go_to_the_service_and_select_what_loads() {
    let Some(data) = national() else { return };
    let mut fake = Fake {
        page: 2_000,
        ..Default::default()
    };
    fake.tables.insert(
        "50090NED".into(),
        FakeTable::from_csv(
            &[
                data.join("rivm-50090NED/50090NED_2020_18plus.csv"),
                data.join("rivm-50090NED/50090NED_2020_65plus.csv"),
            ],
            usize::MAX,
            TITLE_2020,
            &HashMap::new(),
        ),
    );
    fake.collections.insert(
        "buurten".into(),
        pdok_features(&data.join("cbs-2020/buurten_2020.geojson")),
    );
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let out = fetch(
        &base,
        tmp.path(),
        &[
            "--age",
            "65plus",
            "--gemeente",
            "amsterdam",
            "--level",
            "buurt",
        ],
    )
    .unwrap();
    assert!(
        fake.requests("filter=(Leeftijd eq '80200') and (startswith(WijkenEnBuurten,'NL') or startswith(WijkenEnBuurten,'GM0363') or startswith(WijkenEnBuurten,'BU0363'))") >= 1,
        "{:?}",
        fake.log.lock().unwrap()
    );
    let ds = Loader::new().load([tmp.path().join("50090NED")]).unwrap();
    assert_eq!(ds.age_groups(), [AgeGroup::SENIORS]);
    assert_eq!(
        ds.count(Level::Gemeente),
        1,
        "the gemeente's own figures come along"
    );
    assert_eq!(ds.count(Level::Wijk), 0);
    assert_eq!(ds.count(Level::Land), 1);
    let buurten = ds.areas(Level::Buurt, None);
    assert!(buurten.len() > 400, "{}", buurten.len());
    assert!(buurten.iter().all(|b| b.to_string().starts_with("BU0363")));
    // Only Amsterdam's buurten kept of the national layer.
    let b = Boundaries::from_geojson(&tmp.path().join("50090NED/boundaries/buurten_2020.geojson"))
        .unwrap();
    assert!(b.shapes().len() > 400);
    assert!(
        b.shapes()
            .iter()
            .all(|s| s.code.to_string().starts_with("BU0363"))
    );
    assert!(out.contains("buurten_2020.geojson"), "{out}");
    // The boundary service was asked for Amsterdam's buurten only, page after page.
    let asked: Vec<String> = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("ogc/buurten"))
        .cloned()
        .collect();
    assert!(
        !asked.is_empty() && asked.iter().all(|l| l.ends_with("gemeentecode=GM0363")),
        "{asked:?}"
    );
    let one = *fake.ogc_bytes.lock().unwrap();
    // Against the whole country's layer, as the download was before the filter went to the
    // service.
    let whole = tempfile::tempdir().unwrap();
    fetch(
        &base,
        whole.path(),
        &["--age", "65plus", "--level", "buurt"],
    )
    .unwrap();
    let all = *fake.ogc_bytes.lock().unwrap() - one;
    println!("boundary bytes: Amsterdam {one}, the country {all}");
    assert!(one * 10 < all, "Amsterdam {one} bytes, the country {all}");
    // A name the table does not have is refused with the close ones, as every command does,
    // before a figure is downloaded.
    let other = tempfile::tempdir().unwrap();
    let e = fetch(&base, other.path(), &["--gemeente", "Amsterdm"]).unwrap_err();
    assert!(
        e.contains("gemeente: no gemeente \"Amsterdm\"") && e.contains("Amsterdam (GM0363)"),
        "{e}"
    );

    serves_the_folder(&tmp.path().join("50090NED"), &ds);
}

/// The folder as `omzien serve --data F` takes it (its boundaries/ found beside the figures):
/// the buurt under the Dam.
fn serves_the_folder(folder: &Path, ds: &omzien::Dataset) {
    // The folder as `omzien serve --data F` takes it (its boundaries/ found beside the
    // figures): the buurt under the Dam.
    let paths =
        omzien_server::cli::boundary_paths(std::slice::from_ref(&folder.to_path_buf()), &[])
            .unwrap();
    assert_eq!(paths, [folder.join("boundaries")]);
    let bounds = omzien_server::cli::load_boundaries(ds, &paths).unwrap();
    let app = omzien_server::routes::app(omzien_server::state::AppState::new(
        ds.clone(),
        bounds,
        1 << 20,
    ));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (s, _, body) = rt.block_on(omzien_tests::http_get(
        &app,
        "/api/at?lon=4.8929&lat=52.3731&level=buurt&age=65plus",
        &[],
    ));
    let body = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(
        v["area"]["code"].as_str().unwrap().starts_with("BU0363"),
        "{body}"
    );
    assert_eq!(v["dataset"]["table"], "50090NED", "{body}");
    assert_eq!(v["area"]["gemeente_name"], "Amsterdam", "{body}");
}

#[test]
fn a_table_in_50150neds_layout_downloads_with_its_own_keys() {
    // The project's own fixture in 50150NED's layout, served as that table.
    let path = fixtures().join("tables/50150NED_sample.csv");
    let mut fake = Fake {
        page: 7,
        ..Default::default()
    };
    let t = FakeTable::from_csv(
        &[path],
        usize::MAX,
        "Gezondheid per wijk en buurt; 2012/2016/2020/2022/2024 (indeling 2024)",
        &HashMap::new(),
    );
    fake.tables.insert("50150NED".into(), t);
    let (base, _fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let odata = format!("{base}/odata");
    let out = omzien_cli(&[
        "fetch",
        "50150ned",
        "--out",
        tmp.path().to_str().unwrap(),
        "--odata-url",
        &odata,
        "--no-boundaries",
    ])
    .unwrap();
    assert!(
        out.contains(
            "50150NED (Gezondheid per wijk en buurt; 2012/2016/2020/2022/2024 (indeling 2024))"
        ),
        "{out}"
    );
    let ds = Loader::new().load([tmp.path().join("50150NED")]).unwrap();
    assert_eq!(ds.table(), Some("50150NED"));
    assert_eq!(ds.classification_year(), Some(2024));
    let severe = ds.indicator("SterkEenzaam_26").unwrap();
    assert_eq!(severe, Indicator::SEVERELY_LONELY);
    assert!(ds.waves().contains(&Wave::new(2024)));
}

/// Run only as the child of `a_full_disk_…`: the download under a file size limit.
#[test]
#[ignore = "run by a_full_disk_keeps_the_whole_pages_and_names_the_file under ulimit -f"]
fn child_fetch_under_a_file_size_limit() {
    let (Ok(base), Ok(out)) = (std::env::var("FETCH_BASE"), std::env::var("FETCH_OUT")) else {
        return;
    };
    match fetch(&base, Path::new(&out), &["--no-boundaries"]) {
        Ok(_) => std::process::exit(0),
        Err(e) => {
            eprintln!("ERROR: {e}");
            std::process::exit(3)
        }
    }
}

#[test]
fn a_full_disk_keeps_the_whole_pages_and_names_the_file() {
    let Some(data) = national() else { return };
    // Pages of 20 rows (about 25 KB) fit under the limit of 64 blocks; the figures' CSV does not.
    let (base, fake) = serve(small(&data, 2_500, 20));
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 64; exec "$@""#)
        .arg("sh")
        .arg(std::env::current_exe().unwrap())
        .args([
            "figures::child_fetch_under_a_file_size_limit",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("FETCH_BASE", &base)
        .env("FETCH_OUT", tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(".50090NED.partial/50090NED_figures.csv: File too large"),
        "{stderr}"
    );
    assert!(
        !tmp.path().join("50090NED").exists(),
        "nothing under the final name"
    );
    assert_eq!(
        fake.requests("UntypedDataSet skip=2480 "),
        1,
        "every page was downloaded"
    );

    // With room again, the same command finishes from the kept pages, asking for none again.
    let done = fetch(&base, tmp.path(), &["--no-boundaries"]).unwrap();
    assert!(
        done.contains("2500 rows in 125 pages (125 taken from the earlier download)"),
        "{done}"
    );
    assert_eq!(fake.requests("UntypedDataSet skip=0 "), 1);
    assert_eq!(fake.requests("UntypedDataSet skip=2480 "), 1);
    Loader::new().load([tmp.path().join("50090NED")]).unwrap();
}

#[test]
fn serve_without_boundaries_serves_the_figures() {
    // One rule with `report`: figures without boundaries are served (the API answers, the
    // map says it has no areas), not refused.
    let data = fixtures().join("odata_bounds.csv");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let args = [
        "serve".to_owned(),
        "--data".to_owned(),
        data.to_str().unwrap().to_owned(),
        "--addr".to_owned(),
        addr.clone(),
    ];
    // The server runs until the test binary exits.
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        omzien_cli(&args)
    });
    let get = |path: &str| -> Option<String> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    };
    let mut health = None;
    for _ in 0..200 {
        health = get("/health");
        if health.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let health = health.expect("the server did not start");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let areas = get("/api/areas").unwrap();
    assert!(
        areas.starts_with("HTTP/1.1 200") && areas.contains("GM9998"),
        "{areas}"
    );
    let waves = get("/api/waves").unwrap();
    assert!(
        waves.contains("\"boundaries\":false") && !waves.contains("\"boundaries\":true"),
        "{waves}"
    );
}

/// Retries only for what a retry can mend: a 429 (its `Retry-After` an HTTP date) is waited
/// out; a 500 (the service refusing the request) is reported at once with its own words; a
/// service that cannot be reached at all is said at once with what to check; `--dry-run` asks
/// nothing and lists every URL and file.
#[test]
fn retries_only_where_a_retry_can_mend() {
    // The fixture in pages of 24 rows: two pages.
    let fake = fixture_table(24);
    fake.faults.lock().unwrap().extend([
        Fault {
            entity: "UntypedDataSet",
            skip: 0,
            kind: Kind::StatusAt(429, 1),
            times: 1,
        },
        Fault {
            entity: "UntypedDataSet",
            skip: 24,
            kind: Kind::Status(500, None),
            times: 9,
        },
    ]);
    let (base, fake) = serve(fake);
    let tmp = tempfile::tempdir().unwrap();
    let e = fetch(&base, tmp.path(), &["--no-boundaries", "--tries", "5"]).unwrap_err();
    // The 429 was waited out and the first page came; the 500 of the second was asked once.
    assert_eq!(fake.requests("UntypedDataSet skip=0 "), 2);
    assert_eq!(fake.requests("UntypedDataSet skip=24 "), 1, "{e}");
    assert!(e.contains("$skip=24: HTTP 500: busy"), "{e}");
    // Nothing to reach: at once, with what to check (not retried for half a minute).
    for (url, says) in [
        ("http://127.0.0.1:9/odata", "check the network connection"),
        (
            "http://omzien-no-such-host.invalid/odata",
            "check the network connection",
        ),
    ] {
        let e = omzien_cli(&[
            "fetch",
            "50090NED",
            "--out",
            tmp.path().to_str().unwrap(),
            "--odata-url",
            url,
            "--tries",
            "6",
            "--wait",
            "5",
        ])
        .unwrap_err();
        assert!(e.contains(says) && !e.contains("gave up"), "{url}: {e}");
    }
    // A dry run: every URL and file, not one request.
    let before = fake.log.lock().unwrap().len();
    let out = omzien_cli(&[
        "fetch",
        "50150NED",
        "--out",
        tmp.path().to_str().unwrap(),
        "--gemeente",
        "GM0363",
        "--dry-run",
    ])
    .unwrap();
    assert_eq!(fake.log.lock().unwrap().len(), before);
    for want in [
        "GET https://dataderden.cbs.nl/ODataFeed/odata/50150NED/TableInfos?$format=json",
        "GET https://dataderden.cbs.nl/ODataFeed/odata/50150NED/UntypedDataSet?$format=json&$filter=",
        "GET https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/wijken/items?f=json&limit=1000&gemeentecode=GM0363",
        "50150NED/boundaries/buurten_2024.geojson",
        "50150NED/50150NED_figures.csv",
    ] {
        assert!(out.contains(want), "{want} in {out}");
    }
    assert!(!tmp.path().join("50150NED").exists());
    let out = omzien_cli(&[
        "fetch",
        "50150NED",
        "--out",
        tmp.path().to_str().unwrap(),
        "--gemeente",
        "Delft",
        "--dry-run",
    ])
    .unwrap();
    assert!(
        out.contains("note: the gemeente \"Delft\" is looked up"),
        "{out}"
    );
}

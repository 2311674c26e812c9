//! CBS's key figures per area: downloaded and used as weights.

use super::*;

/// A key-figures table ("Kerncijfers wijken en buurten") as CBS's feed shows it, from the
/// real 2020 gemeente layer: inhabitants, households, land area and urbanity as published,
/// 65+ from the layer's percentage; the younger bands, which the layer lacks, as the
/// country's shares (15.7 % aged 0–14, 12.2 % aged 15–24) stand in. Each table numbers its
/// keys itself: `numbers` gives this one's; with `percent` the age bands are percentages.
fn key_figures_table(data: &Path, numbers: [u32; 8], percent: bool) -> FakeTable {
    let doc: Value = serde_json::from_slice(
        &std::fs::read(data.join("cbs-2020/gemeenten_2020.geojson")).unwrap(),
    )
    .unwrap();
    let stems = [
        "AantalInwoners",
        "k_0Tot15Jaar",
        "k_15Tot25Jaar",
        "k_65JaarOfOuder",
        "HuishoudensTotaal",
        "GemiddeldeHuishoudensgrootte",
        "OppervlakteLand",
        "MateVanStedelijkheid",
    ];
    let keys: Vec<String> = stems
        .iter()
        .zip(numbers)
        .map(|(s, n)| format!("{s}_{n}"))
        .collect();
    let mut t = FakeTable {
        title: "Kerncijfers wijken en buurten 2020".into(),
        ..Default::default()
    };
    t.keys = [
        "ID",
        "WijkenEnBuurten",
        "Gemeentenaam_1",
        "SoortRegio_2",
        "Codering_3",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain(keys.iter().cloned())
    .collect();
    for (i, k) in keys.iter().enumerate() {
        let unit = match i {
            1..=3 if percent => "%",
            0..=4 => "aantal",
            6 => "ha",
            _ => "",
        };
        t.units.insert(k.clone(), unit.to_owned());
    }
    let push = |t: &mut FakeTable, code: &str, name: &str, kind: &str, v: [Option<f64>; 8]| {
        let mut m = Map::new();
        m.insert("ID".into(), json!(t.rows.len()));
        m.insert("WijkenEnBuurten".into(), json!(format!("{code:<10}")));
        m.insert("Gemeentenaam_1".into(), json!(format!("{name:<40}")));
        m.insert("SoortRegio_2".into(), json!(format!("{kind:<10}")));
        m.insert("Codering_3".into(), json!(format!("{code:<10}")));
        for (k, x) in keys.iter().zip(v) {
            m.insert(k.clone(), json!(x));
        }
        t.rows.push(m);
        t.areas
            .push(json!({"Key": format!("{code:<10}"), "Title": name, "Description": null}));
    };
    let mut total = [0.0; 8];
    let mut gemeenten = Vec::new();
    for f in doc["features"].as_array().unwrap() {
        let p = &f["properties"];
        let pop = p["Aantal inwoners"].as_f64().unwrap();
        let count = |share: f64| (pop * share / 100.0).round();
        let o65 = p["Personen 65 jaar en ouder (%)"].as_f64().unwrap();
        let hh = p["Aantal huishoudens"].as_f64().unwrap();
        let bands = [15.7, 12.2, o65];
        let v = [
            Some(pop),
            Some(if percent { bands[0] } else { count(bands[0]) }),
            Some(if percent { bands[1] } else { count(bands[1]) }),
            Some(if percent { bands[2] } else { count(bands[2]) }),
            Some(hh),
            Some((pop / hh * 10.0).round() / 10.0),
            p["Oppervlakte land (hectaren)"].as_f64(),
            p["Stedelijkheid (1=zeer sterk stedelijk, 5=niet stedelijk)"].as_f64(),
        ];
        total[0] += pop;
        for b in 1..=3 {
            total[b] += count(bands[b - 1]);
        }
        total[4] += hh;
        gemeenten.push((
            p["GM_CODE"].as_str().unwrap().to_owned(),
            p["GM_NAAM"].as_str().unwrap().to_owned(),
            v,
        ));
    }
    let band = |b: usize| {
        Some(if percent {
            (1000.0 * total[b] / total[0]).round() / 10.0
        } else {
            total[b]
        })
    };
    let nl = [
        Some(total[0]),
        band(1),
        band(2),
        band(3),
        Some(total[4]),
        None,
        None,
        None,
    ];
    push(&mut t, "NL00", "Nederland", "Land", nl);
    for (code, name, v) in gemeenten {
        push(&mut t, &code, &name, "Gemeente", v);
    }
    t
}

/// `omzien fetch kerncijfers --year`: CBS's key figures found by their keys' stems, a
/// percentage turned into a count, the country as NL01; a gemeente's only by a filter at the
/// source; the file is a population layer that `--weights` (by age group, stated), `compare
/// --with similar` and `check` read as they are; with a table, `--population` puts it beside
/// the boundaries.
#[test]
fn key_figures_download_and_weigh() {
    let Some(data) = national() else { return };
    let mut fake = small(&data, 400, 100);
    fake.tables.insert(
        "84799NED".into(),
        key_figures_table(&data, [5, 8, 9, 12, 28, 32, 112, 116], false),
    );
    // The 2024 table numbers its keys otherwise and publishes the age bands as percentages.
    fake.tables.insert(
        "85984NED".into(),
        key_figures_table(&data, [6, 9, 10, 13, 30, 34, 118, 121], true),
    );
    let (base, fake) = serve(fake);
    let odata = format!("{base}/odata");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let kf = |more: &[&str]| {
        let mut a = vec![
            "fetch",
            "kerncijfers",
            "--out",
            out,
            "--key-figures-url",
            &odata,
            "--wait",
            "0.01",
        ];
        a.extend_from_slice(more);
        omzien_cli(&a)
    };
    // What it would ask, without asking.
    let before = fake.log.lock().unwrap().len();
    let plan = kf(&["--year", "2020", "--dry-run"]).unwrap();
    assert!(
        plan.contains(&format!("GET {odata}/84799NED/TableInfos?$format=json")),
        "{plan}"
    );
    assert!(
        plan.contains(
            "/84799NED/TypedDataSet?$format=json&$select=WijkenEnBuurten%2CAantalInwoners"
        ),
        "{plan}"
    );
    assert!(plan.contains("kerncijfers_2020.csv"), "{plan}");
    assert_eq!(
        fake.log.lock().unwrap().len(),
        before,
        "a dry run asks nothing"
    );

    let said = kf(&["--year", "2020"]).unwrap();
    assert!(
        said.contains("84799NED") && said.contains("356 areas"),
        "{said}"
    );
    let file = tmp.path().join("kerncijfers_2020.csv");
    let asked = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("84799NED/TypedDataSet"))
        .count();
    assert!(asked >= 4, "356 rows in pages of 100: {asked}");
    let w65 = read_back(&file);

    let d50090 = data.join("rivm-50090NED");
    summary_counts_people(&d50090, out);

    rollup_weighs_by_65_plus(&d50090, &file, &w65);

    similar_from_key_figures_alone(&data, &file);

    one_gemeente_by_a_filter(&fake, &odata);

    // 2024: other key numbers, age bands as percentages turned into counts.
    kf(&["--year", "2024"]).unwrap();
    let csv = std::fs::read_to_string(tmp.path().join("kerncijfers_2024.csv")).unwrap();
    let ams = csv.lines().find(|l| l.starts_with("GM0363,")).unwrap();
    let cells: Vec<&str> = ams.split(',').collect();
    assert_eq!(cells[2], "872757");
    assert_eq!(
        cells[3],
        format!("{}", (872_757.0_f64 * 15.7 / 100.0).round())
    );
    assert_eq!(cells[12], "85984NED");

    // Refusals: a year without a table, a year with a table of figures, a file already there.
    let e = kf(&["--year", "2019"]).unwrap_err();
    assert!(
        e.contains("2020 (84799NED)") && e.contains("2024 (85984NED)"),
        "{e}"
    );
    let e = kf(&[]).unwrap_err();
    assert!(e.contains("--year"), "{e}");
    let e = kf(&["--year", "2020"]).unwrap_err();
    assert!(e.contains("exists (use --force"), "{e}");
    let e = fetch(&base, tmp.path(), &["--year", "2020"]).unwrap_err();
    assert!(e.contains("kerncijfers"), "{e}");

    beside_a_table(&base, &odata);
}

/// The key figures read back as a population layer: the country and every gemeente with its
/// published figures, weights by age group (65+ counted, 18+ approximated and said so).
fn read_back(file: &Path) -> omzien::Weights {
    // Read back as a population layer: every gemeente with its published figures.
    let found = omzien::Populations::find(&[file.to_path_buf()]).unwrap();
    // A layer per level: the country, and the gemeenten.
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].level(), Some(omzien::Level::Land));
    let gm = &found[1];
    assert_eq!(gm.level(), Some(omzien::Level::Gemeente));
    assert_eq!(gm.len(), 355);
    assert_eq!(gm.year(), Some(2020));
    assert!((gm.total() - 17_407_585.0).abs() < 0.5, "{}", gm.total());
    let csv = std::fs::read_to_string(file).unwrap();
    assert!(csv.starts_with("code,name,population,age_0_14,age_15_24,age_25_44,age_45_64,age_65plus,households,household_size,urbanity,land_area_ha,table\n"), "{csv:.300}");
    assert!(
        csv.contains("\nNL01,Nederland,17407585,"),
        "the country as NL01"
    );
    let ams = csv.lines().find(|l| l.starts_with("GM0363,")).unwrap();
    assert!(ams.starts_with("GM0363,Amsterdam,872757,"), "{ams}");
    assert!(ams.ends_with(",84799NED"), "{ams}");
    // Weights by age group: 65+ counted by the key figures, 18+ by the stated approximation.
    let w65 = gm.weights_for(AgeGroup::SENIORS).unwrap();
    assert_eq!(w65.age(), Some(AgeGroup::SENIORS));
    let w18 = gm.weights_for(AgeGroup::ADULTS).unwrap();
    assert!(
        w18.source().contains("3/10 of the 15-24"),
        "{}",
        w18.source()
    );
    let ams_code: omzien::AreaCode = "GM0363".parse().unwrap();
    let expected =
        872_757.0 - (872_757.0_f64 * 0.157).round() - 0.3 * (872_757.0_f64 * 0.122).round();
    assert!((w18.get(ams_code).unwrap() - expected).abs() < 1e-6);

    w65
}

/// `omzien summary --population` gives the national figure as people, 18+ approximated and
/// said so.
fn summary_counts_people(d50090: &Path, out: &str) {
    // The summary gives the national figure as people, 18+ approximated and said so.
    let sum: Value = serde_json::from_str(
        &omzien_cli(&[
            "summary",
            "--data",
            d50090.to_str().unwrap(),
            "--population",
            out,
            "-f",
            "json",
        ])
        .unwrap(),
    )
    .unwrap();
    let people = sum["people"].as_array().unwrap();
    assert_eq!(people.len(), 2, "{people:?}");
    let nl18 = &people[0];
    assert_eq!(
        (nl18["code"].as_str(), nl18["age"].as_str()),
        (Some("NL01"), Some("18+"))
    );
    assert_eq!(nl18["approximate"], true);
    let pop = nl18["population"].as_f64().unwrap();
    assert!(
        pop > 0.75 * 17_407_585.0 && pop < 0.85 * 17_407_585.0,
        "{pop}"
    );
    let want = (nl18["value"].as_f64().unwrap() / 100.0 * pop / 10.0).round() * 10.0;
    assert_eq!(nl18["people"].as_f64().unwrap(), want);
    assert_eq!(people[1]["approximate"], false);
}

/// `--weights` takes the file as it is, for the age group rolled up, without a warning: the
/// 65+ inhabitants' mean of the gemeenten's published 65+ figures.
fn rollup_weighs_by_65_plus(d50090: &Path, file: &Path, w65: &omzien::Weights) {
    // `--weights` takes the file as it is, for the age group rolled up, without a warning.
    let f = file.to_str().unwrap();
    let r: Value = serde_json::from_str(
        &omzien_cli(&[
            "rollup",
            "--from",
            "gemeente",
            "--to",
            "land",
            "--weights",
            f,
            "--age",
            "65+",
            "--data",
            d50090.to_str().unwrap(),
            "-f",
            "json",
        ])
        .unwrap(),
    )
    .unwrap();
    assert!(r["weight_basis"].is_null(), "{}", r["weight_basis"]);
    assert_eq!(r["weights_year"], 2020);
    assert!(
        r["weighting"].as_str().unwrap().contains("share 65+"),
        "{}",
        r["weighting"]
    );
    // The figure: the 65+ inhabitants' mean of the gemeenten's published 65+ figures.
    let ds = national_dataset().unwrap();
    let (mut sum, mut wsum) = (0.0, 0.0);
    for c in w65.codes() {
        if let Some(v) = ds
            .figure(
                c,
                omzien::Indicator::LONELY,
                omzien::Wave::new(2020),
                AgeGroup::SENIORS,
            )
            .ok()
            .and_then(|f| f.value())
        {
            let w = w65.get(c).unwrap();
            sum += w * v;
            wsum += w;
        }
    }
    let got = r["rows"][0]["value"].as_f64().unwrap();
    assert!((got - sum / wsum).abs() < 0.051, "{got} {}", sum / wsum);
}

/// Similar gemeenten from the key figures alone are those of the gemeente layer (the same
/// published characteristics).
fn similar_from_key_figures_alone(data: &Path, file: &Path) {
    let d50090 = data.join("rivm-50090NED");
    // Similar gemeenten from the key figures alone are those of the gemeente layer (the same
    // published characteristics).
    let only = tempfile::tempdir().unwrap();
    std::fs::copy(file, only.path().join("kerncijfers_2020.csv")).unwrap();
    let neighbours = |bounds: &Path| -> Vec<String> {
        let a: Value = serde_json::from_str(
            &omzien_cli(&[
                "compare",
                "Amsterdam",
                "--with",
                "similar",
                "--data",
                d50090.to_str().unwrap(),
                "--boundaries",
                bounds.to_str().unwrap(),
                "-f",
                "json",
            ])
            .unwrap(),
        )
        .unwrap();
        assert!(
            a["benchmark"]["source"]
                .as_str()
                .unwrap()
                .contains("kerncijfers")
                || bounds.ends_with("cbs-2020"),
            "{}",
            a["benchmark"]
        );
        a["benchmark"]["neighbours"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let from_key_figures = neighbours(only.path());
    assert_eq!(from_key_figures.len(), 15);
    assert_eq!(from_key_figures, neighbours(&data.join("cbs-2020")));
}

/// One gemeente's key figures: asked of the service by a filter, by name.
fn one_gemeente_by_a_filter(fake: &Shared, odata: &str) {
    // One gemeente: asked of the service by a filter, by name.
    let one = tempfile::tempdir().unwrap();
    let o = one.path().to_str().unwrap();
    omzien_cli(&[
        "fetch",
        "kerncijfers",
        "--year",
        "2020",
        "--out",
        o,
        "--key-figures-url",
        odata,
        "--gemeente",
        "Amsterdam",
        "--wait",
        "0.01",
    ])
    .unwrap();
    let last = fake
        .log
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|l| l.starts_with("84799NED/TypedDataSet"))
        .cloned()
        .unwrap();
    assert!(
        last.contains("startswith(WijkenEnBuurten,'GM0363')"),
        "{last}"
    );
    let csv = std::fs::read_to_string(one.path().join("kerncijfers_2020.csv")).unwrap();
    let codes: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| &l[..l.find(',').unwrap()])
        .collect();
    assert_eq!(codes, ["NL01", "GM0363"]);
}

/// With a table (`--population`): beside its boundaries, recorded in metadata.json, and the
/// table's folder still loads.
fn beside_a_table(base: &str, odata: &str) {
    // With a table: beside its boundaries, recorded in metadata.json.
    let t = tempfile::tempdir().unwrap();
    fetch(
        base,
        t.path(),
        &[
            "--level",
            "gemeente",
            "--no-boundaries",
            "--population",
            "--key-figures-url",
            odata,
        ],
    )
    .unwrap();
    let folder = t.path().join("50090NED");
    assert!(folder.join("boundaries/kerncijfers_2020.csv").is_file());
    let meta: Value =
        serde_json::from_slice(&std::fs::read(folder.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["population"]["table"], "84799NED");
    assert_eq!(
        meta["population"]["file"],
        "boundaries/kerncijfers_2020.csv"
    );
    // The table's folder still loads, and `check` finds the population beside the figures.
    omzien::Loader::new().load([&folder]).unwrap();
}

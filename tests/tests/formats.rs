//! The three formats: StatLine web download, OData JSON and OData CSV (with bounds).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::{AgeGroup, AreaCode, Figure, Indicator, Level, Loader, Unit, Wave};
use omzien_tests::{fixtures, national_dataset};

fn code(s: &str) -> AreaCode {
    s.parse().unwrap()
}

#[test]
fn web_download_with_bom_labels_and_names() {
    let ds = Loader::new()
        .load([fixtures().join("50090NED_web_2020.csv")])
        .unwrap();
    assert_eq!(ds.waves(), [Wave::new(2020)]);
    assert_eq!(ds.age_groups(), [AgeGroup::ADULTS, AgeGroup::SENIORS]);
    assert_eq!(ds.classification_year(), Some(2020));
    assert_eq!(ds.len(), 7);
    let f = |c, i, a| ds.figure(code(c), i, Wave::new(2020), a).unwrap();
    assert_eq!(
        f("GM0363", Indicator::LONELY, AgeGroup::ADULTS),
        Figure::Value(53.2)
    );
    assert_eq!(
        f("GM0363", Indicator::SEVERELY_LONELY, AgeGroup::ADULTS),
        Figure::Value(14.8)
    );
    assert_eq!(
        f("BU03630001", Indicator::LONELY, AgeGroup::SENIORS),
        Figure::Value(55.3)
    );
    assert_eq!(
        f("BU03630100", Indicator::LONELY, AgeGroup::ADULTS),
        Figure::Suppressed
    );
    // A wijk and a buurt share a name; the code column keeps them apart.
    let wk = ds.area(code("WK036301")).unwrap();
    let bu = ds.area(code("BU03630100")).unwrap();
    assert_eq!(wk.name, bu.name);
    assert_eq!(wk.name.as_deref(), Some("Burgwallen-Nieuwe Zijde"));
    assert_eq!(
        ds.area(code("BU03630000")).unwrap().name.as_deref(),
        Some("Kop Zeedijk")
    );
    // The unknown numeric column is kept as an extra indicator with its label.
    let extra = ds.indicator("Bevolking/Aantal inwoners (aantal)").unwrap();
    assert!(!extra.is_schema());
    let info = ds.indicator_info(extra).unwrap();
    assert_eq!(info.unit, Unit::Number);
    assert_eq!(
        f("GM0363", extra, AgeGroup::ADULTS),
        Figure::Value(872_757.0)
    );
    assert_eq!(f("WK036300", extra, AgeGroup::ADULTS), Figure::NotMeasured);
    // Search by a name only the web download carries.
    assert_eq!(ds.search("kop zeedijk", 1)[0].code, code("BU03630000"));
}

#[test]
fn odata_json_with_nulls() {
    let ds = Loader::new()
        .load([fixtures().join("50090NED_typed_2012_2020.json")])
        .unwrap();
    assert_eq!(ds.waves(), [Wave::new(2012), Wave::new(2020)]);
    assert_eq!(ds.count(Level::Gemeente), 1);
    let f = |c, i, y| {
        ds.figure(code(c), i, Wave::new(y), AgeGroup::ADULTS)
            .unwrap()
    };
    assert_eq!(f("GM0363", Indicator::LONELY, 2020), Figure::Value(53.2));
    assert_eq!(f("NL01", Indicator::LONELY, 2012), Figure::Value(39.6));
    assert_eq!(
        f("NL01", Indicator::SOCIALLY_LONELY, 2012),
        Figure::NotMeasured
    );
    assert_eq!(
        ds.area(code("GM0363")).unwrap().name.as_deref(),
        Some("Amsterdam")
    );
}

#[test]
fn formats_agree_with_the_national_csv() {
    let Some(national) = national_dataset() else {
        return;
    };
    let web = Loader::new()
        .load([fixtures().join("50090NED_web_2020.csv")])
        .unwrap();
    let json = Loader::new()
        .load([fixtures().join("50090NED_typed_2012_2020.json")])
        .unwrap();
    let inds = [
        Indicator::LONELY,
        Indicator::SEVERELY_LONELY,
        Indicator::EMOTIONALLY_LONELY,
        Indicator::SOCIALLY_LONELY,
        Indicator::from_key("MoeiteMetRondkomen_38").unwrap(),
    ];
    let mut compared = 0;
    for ds in [web, json] {
        for &w in ds.waves() {
            for &a in ds.age_groups() {
                for &l in &Level::ALL {
                    for c in ds.areas(l, None) {
                        for i in inds {
                            assert_eq!(
                                ds.figure(c, i, w, a).unwrap(),
                                national.figure(c, i, w, a).unwrap(),
                                "{c} {i} {w} {a}"
                            );
                            compared += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(compared, 7 * 2 * 5 + 2 * 2 * 5);
}

#[test]
fn several_formats_merge_into_one_dataset() {
    // Web 2020 and JSON 2012/2020 overlap on NL01 and GM0363 2020 with equal figures.
    let ds = Loader::new()
        .load([
            fixtures().join("50090NED_web_2020.csv"),
            fixtures().join("50090NED_typed_2012_2020.json"),
        ])
        .unwrap();
    assert_eq!(ds.waves(), [Wave::new(2012), Wave::new(2020)]);
    assert_eq!(ds.len(), 7);
    assert_eq!(
        ds.figure(
            code("GM0363"),
            Indicator::LONELY,
            Wave::new(2012),
            AgeGroup::ADULTS
        )
        .unwrap(),
        Figure::Value(43.9)
    );
}

#[test]
fn bounds_give_intervals_and_significance() {
    let ds = Loader::new()
        .load([fixtures().join("odata_bounds.csv")])
        .unwrap();
    let gm = code("GM9998");
    assert_eq!(
        ds.interval(gm, Indicator::LONELY, Wave::new(2016), AgeGroup::ADULTS)
            .unwrap(),
        Some((38.0, 42.0))
    );
    assert_eq!(
        ds.figure(gm, Indicator::LONELY, Wave::new(2016), AgeGroup::ADULTS)
            .unwrap(),
        Figure::Value(40.0)
    );
    // 40 ± 2 → 46 ± 2: SE ≈ 1.44, z ≈ 4.2: significant.
    let t = omzien::TrendQuery::new(Indicator::LONELY, Wave::new(2016), Wave::new(2020))
        .with_age(AgeGroup::ADULTS)
        .area(&ds, gm)
        .unwrap();
    assert_eq!(t.delta, Some(6.0));
    assert_eq!(t.significant, Some(true));
    assert!(!t.caveats.contains(&omzien::Caveat::NoInterval));
    // 41 ± 6 → 44 ± 6: z ≈ 0.7: not significant though rising beyond the band.
    let t = omzien::TrendQuery::new(Indicator::LONELY, Wave::new(2016), Wave::new(2020))
        .with_age(AgeGroup::ADULTS)
        .area(&ds, code("WK999800"))
        .unwrap();
    assert_eq!(t.direction, Some(omzien::Direction::Rising));
    assert_eq!(t.significant, Some(false));
    // Suppressed bounds: no figure, no significance.
    let t = omzien::TrendQuery::new(Indicator::SEVERELY_LONELY, Wave::new(2016), Wave::new(2020))
        .with_age(AgeGroup::ADULTS)
        .area(&ds, code("WK999800"))
        .unwrap();
    assert_eq!(t.delta, None);
    assert_eq!(t.significant, None);
    assert!(t.caveats.contains(&omzien::Caveat::Suppressed {
        wave: Wave::new(2016)
    }));
}

#[test]
fn another_age_group_code_loads() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ages.csv");
    std::fs::write(
        &p,
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28\n0,53115,MW00000,GM0363    ,2020JJ00,    50.1\n1,12345,MW00000,GM0363    ,2020JJ00,    44.0\n",
    )
    .unwrap();
    let ds = Loader::new().load([&p]).unwrap();
    assert_eq!(ds.age_groups().len(), 2);
    assert_eq!(ds.age_groups()[0].code(), 12345);
    assert_eq!(
        ds.figure(
            code("GM0363"),
            Indicator::LONELY,
            Wave::new(2020),
            AgeGroup::WORKING_AGE
        )
        .unwrap(),
        Figure::Value(50.1)
    );
    // `Eenzaam_28` is 50090NED's key: its table and classification come from the content.
    assert_eq!(ds.table(), Some("50090NED"));
    assert_eq!(ds.classification_year(), Some(2020));
    let ds = Loader::new().with_classification(2020).load([&p]).unwrap();
    assert_eq!(ds.classification_year(), Some(2020));
    assert!(Loader::new().with_classification(2022).load([&p]).is_err());
}

#[test]
fn renumbered_columns_of_another_table_map_by_stem() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("50120NED_2022.csv");
    std::fs::write(&p, "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_30,Nieuw_99\n0,20300,MW00000,GM0363,2022JJ00,55.0,1.5\n").unwrap();
    let ds = Loader::new().load([&p]).unwrap();
    assert_eq!(ds.classification_year(), Some(2022));
    assert_eq!(
        ds.figure(
            code("GM0363"),
            Indicator::LONELY,
            Wave::new(2022),
            AgeGroup::ADULTS
        )
        .unwrap(),
        Figure::Value(55.0)
    );
    let extra = ds.indicator("Nieuw_99").unwrap();
    assert_eq!(
        ds.figure(code("GM0363"), extra, Wave::new(2022), AgeGroup::ADULTS)
            .unwrap(),
        Figure::Value(1.5)
    );
}

#[test]
fn blank_lines_and_crlf_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("blank.csv");
    std::fs::write(
        &p,
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28\r\n0,20300,MW00000,GM0363,2020JJ00,53.2\r\n\r\n1,20300,MW00000,GM0518,2020JJ00,.\r\n\r\n",
    )
    .unwrap();
    let ds = Loader::new().load([&p]).unwrap();
    assert_eq!(ds.len(), 2);
    assert_eq!(
        ds.figure(
            code("GM0518"),
            Indicator::LONELY,
            Wave::new(2020),
            AgeGroup::ADULTS
        )
        .unwrap(),
        Figure::Suppressed
    );
    // Quoted fields may hold separators and line breaks; lines are still counted right.
    let p = dir.path().join("quoted.csv");
    std::fs::write(
        &p,
        "ID,Leeftijd,WijkenEnBuurten,Perioden,Gemeentenaam_1,Eenzaam_28\n0,20300,GM0820,2020JJ00,\"Nuenen, Gerwen\nen Nederwetten\",40.0\n1,20300,GM0821,2020JJ00,x,4O.0\n",
    )
    .unwrap();
    let err = Loader::new().load([&p]).unwrap_err();
    assert!(
        matches!(
            err,
            omzien::LoadError::Number {
                location: omzien::Location::Line(4),
                ..
            }
        ),
        "{err:?}"
    );
}

//! Acceptance on the six national files of table 50090NED.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::{AgeGroup, AreaCode, Figure, Indicator, Level, Wave};
use omzien_tests::national_dataset;

fn code(s: &str) -> AreaCode {
    s.parse().unwrap()
}

#[test]
fn loads_every_area_wave_and_age_group() {
    let Some(ds) = national_dataset() else { return };
    assert_eq!(ds.len(), 17_341);
    assert_eq!(ds.count(Level::Land), 1);
    assert_eq!(ds.count(Level::Gemeente), 355);
    assert_eq!(ds.count(Level::Wijk), 3_177);
    assert_eq!(ds.count(Level::Buurt), 13_808);
    assert_eq!(
        ds.waves(),
        [Wave::new(2012), Wave::new(2016), Wave::new(2020)]
    );
    assert_eq!(ds.age_groups(), [AgeGroup::ADULTS, AgeGroup::SENIORS]);
    assert_eq!(ds.classification_year(), Some(2020));
    assert!(!ds.is_synthetic());
    assert_eq!(ds.sources().len(), 6);
}

#[test]
fn suppressed_counts_match_the_readme() {
    let Some(ds) = national_dataset() else { return };
    for (year, expected) in [(2012, 860), (2016, 811), (2020, 769)] {
        let n: usize = Level::ALL
            .iter()
            .map(|&l| {
                ds.level_figures(l, Indicator::LONELY, Wave::new(year), AgeGroup::ADULTS)
                    .unwrap()
                    .iter()
                    .filter(|(_, f)| f.is_suppressed())
                    .count()
            })
            .sum();
        assert_eq!(n, expected, "suppressed Eenzaam_28 18+ in {year}");
    }
}

#[test]
fn social_loneliness_not_measured_in_2012() {
    let Some(ds) = national_dataset() else { return };
    for &level in &Level::ALL {
        for age in [AgeGroup::ADULTS, AgeGroup::SENIORS] {
            let figs = ds
                .level_figures(level, Indicator::SOCIALLY_LONELY, Wave::new(2012), age)
                .unwrap();
            assert!(
                figs.iter().all(|(_, f)| *f == Figure::NotMeasured),
                "{level} {age}"
            );
        }
    }
    assert!(!ds.has_column(
        Indicator::SOCIALLY_LONELY,
        Wave::new(2012),
        AgeGroup::ADULTS
    ));
    // Measured in 2016: a value, not "not measured".
    let f = ds
        .figure(
            code("GM0363"),
            Indicator::SOCIALLY_LONELY,
            Wave::new(2016),
            AgeGroup::ADULTS,
        )
        .unwrap();
    assert_eq!(f, Figure::Value(33.9));
}

#[test]
fn reference_figures() {
    let Some(ds) = national_dataset() else { return };
    let f = |c: &str, i, y| {
        ds.figure(code(c), i, Wave::new(y), AgeGroup::ADULTS)
            .unwrap()
    };
    assert_eq!(f("GM0363", Indicator::LONELY, 2020), Figure::Value(53.2));
    assert_eq!(
        f("GM0363", Indicator::SEVERELY_LONELY, 2020),
        Figure::Value(14.8)
    );
    assert_eq!(f("NL01", Indicator::LONELY, 2012), Figure::Value(39.6));
    assert_eq!(f("NL01", Indicator::LONELY, 2020), Figure::Value(47.0));
    assert_eq!(
        f("NL01", Indicator::SEVERELY_LONELY, 2012),
        Figure::Value(8.6)
    );
    assert_eq!(
        f("NL01", Indicator::SEVERELY_LONELY, 2020),
        Figure::Value(11.2)
    );
    // A suppressed buurt is suppressed, not zero.
    assert_eq!(f("BU03630100", Indicator::LONELY, 2020), Figure::Suppressed);
    let s = ds
        .figure(
            code("GM0363"),
            Indicator::LONELY,
            Wave::new(2020),
            AgeGroup::SENIORS,
        )
        .unwrap();
    assert_eq!(s, Figure::Value(54.5));
}

#[test]
fn every_buurt_nests_in_a_wijk_of_the_table() {
    let Some(ds) = national_dataset() else { return };
    for b in ds.areas(Level::Buurt, None) {
        let parent = ds.parent(b).unwrap();
        assert_eq!(parent.level(), Level::Wijk, "{b}");
        assert!(ds.children(parent).contains(&b));
    }
    let amsterdam_wijken = ds.areas(Level::Wijk, Some("GM0363".parse().unwrap()));
    assert!(amsterdam_wijken.len() > 90, "{}", amsterdam_wijken.len());
    assert!(
        amsterdam_wijken
            .iter()
            .all(|w| w.gemeente() == Some("GM0363".parse().unwrap()))
    );
    assert_eq!(ds.children(code("NL01")).len(), 355);
}

#[test]
fn names_and_search() {
    let Some(ds) = national_dataset() else { return };
    assert_eq!(
        ds.area(code("GM0518")).unwrap().name.as_deref(),
        Some("'s-Gravenhage")
    );
    for q in [
        "den haag",
        "Den Haag",
        "'s-Gravenhage",
        "s-gravenhage",
        "GRAVENHAGE",
        "gm0518",
    ] {
        let hits = ds.search(q, 3);
        assert_eq!(hits.first().map(|h| h.code), Some(code("GM0518")), "{q}");
    }
    // Accent-insensitive both ways.
    assert_eq!(ds.search("sudwest fryslan", 1)[0].code, code("GM1900"));
    assert_eq!(ds.search("Súdwest-Fryslân", 1)[0].code, code("GM1900"));
    assert_eq!(ds.search("delft", 1)[0].code, code("GM0503"));
    assert!(ds.search("Xyzzyville", 5).is_empty());
}

#[test]
fn every_schema_indicator_has_figures_in_2020() {
    let Some(ds) = national_dataset() else { return };
    let present = Indicator::schema()
        .filter(|&i| ds.has_column(i, Wave::new(2020), AgeGroup::ADULTS))
        .count();
    // Three transport indicators are empty in every wave of these files.
    assert!(present >= 30, "{present}");
    assert_eq!(
        ds.indicators().len(),
        35,
        "no extra columns in the OData files"
    );
}

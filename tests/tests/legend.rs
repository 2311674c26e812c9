//! A legend lets a reader place every value: a value on a break belongs to the class above it,
//! and the labels say so (issue 24: "23.7 – 35.9, 35.9 – 38.8" put 35.9 in two classes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::classify::Method;
use omzien::{AgeGroup, Dataset, Indicator, LayerSpec, Level, Style, Wave};
use omzien_tests::national_dataset;

/// The class a reader finds a value in by the labels: the entries whose range holds it.
fn classes_holding(labels: &[String], v: f64) -> Vec<usize> {
    labels
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let (lo, hi) = l.split_once(" – ").unwrap();
            let lo: f64 = lo.trim_start_matches('+').parse().unwrap();
            match hi.strip_prefix("< ") {
                Some(h) => lo <= v && v < h.trim_start_matches('+').parse::<f64>().unwrap(),
                None => lo <= v && v <= hi.trim_start_matches('+').parse::<f64>().unwrap(),
            }
        })
        .map(|(i, _)| i)
        .collect()
}

fn check(ds: &Dataset, spec: &LayerSpec) -> usize {
    let layer = ds.layer(spec).unwrap();
    let labels: Vec<String> = layer
        .legend()
        .entries
        .iter()
        .filter(|e| e.min.is_some())
        .map(|e| e.label.clone())
        .collect();
    let mut on_a_break = 0;
    for &code in layer.areas().iter() {
        let (Some(Style::Class(i)), Some(v)) = (layer.style(code), layer.value(code)) else {
            continue;
        };
        assert_eq!(classes_holding(&labels, v), [i], "{code} {v} in {labels:?}");
        let e = &layer.legend().entries[i];
        if e.min == Some(v) && i > 0 {
            on_a_break += 1;
        }
    }
    on_a_break
}

#[test]
fn every_value_is_in_the_one_class_its_label_names() {
    let demo = omzien::demo::dataset();
    // A fixed break between tenths (40.05) too: the class below it ends at 40.0.
    for method in [
        Method::Quantiles,
        Method::EqualInterval,
        Method::NaturalBreaks,
        Method::Fixed(vec![40.05, 45.0, 50.0]),
    ] {
        for level in [Level::Wijk, Level::Buurt] {
            let level_layer =
                LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, level, Wave::new(2020))
                    .with_method(method.clone());
            check(&demo, &level_layer);
            let change = LayerSpec::delta(
                Indicator::LONELY,
                AgeGroup::ADULTS,
                level,
                Wave::new(2012),
                Wave::new(2020),
            )
            .with_method(method.clone());
            check(&demo, &change);
        }
    }
    let Some(ds) = national_dataset() else { return };
    let spec = LayerSpec::level(
        Indicator::LONELY,
        AgeGroup::ADULTS,
        Level::Buurt,
        Wave::new(2020),
    );
    // Quantile breaks are values of the data: many buurten lie exactly on one.
    assert!(check(ds, &spec) > 0, "some buurt lies on a break");
    let labels: Vec<String> = ds
        .layer(&spec)
        .unwrap()
        .legend()
        .entries
        .iter()
        .map(|e| e.label.clone())
        .collect();
    println!("{labels:?}");
}

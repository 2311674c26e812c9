//! Summaries, roll-ups, trends and risk areas on the national files and the demo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::{
    AgeGroup, AreaCode, Caveat, Direction, Figure, GroupKey, Groups, Indicator, Level,
    PopulationProperties, Populations, RiskCriterion, RiskMode, RiskQuery, RollupError,
    RollupTarget, Wave, Weighting, Weights,
};
use omzien_tests::{national, national_dataset};

fn code(s: &str) -> AreaCode {
    s.parse().unwrap()
}

const W12: Wave = Wave::new(2012);
const W16: Wave = Wave::new(2016);
const W20: Wave = Wave::new(2020);

#[test]
fn summary_counts_and_quantiles() {
    let Some(ds) = national_dataset() else { return };
    let s = ds
        .summary(
            Level::Buurt,
            Indicator::LONELY,
            W20,
            AgeGroup::ADULTS,
            Some(50.0),
        )
        .unwrap();
    assert_eq!(s.areas, 13_808);
    assert_eq!(s.values + s.suppressed + s.not_measured, 13_808);
    assert!(
        s.suppressed > 700 && s.suppressed <= 769,
        "{}",
        s.suppressed
    );
    let (min, med, max) = (s.min.unwrap(), s.median.unwrap(), s.max.unwrap());
    assert!(
        min < s.p25.unwrap()
            && s.p25.unwrap() <= med
            && med <= s.p75.unwrap()
            && s.p75.unwrap() < max
    );
    let share = s.share_above.unwrap();
    assert!(share > 0.0 && share < 1.0);
    // Check the share by hand.
    let figs = ds
        .level_figures(Level::Buurt, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    let above = figs
        .iter()
        .filter(|(_, f)| f.value().is_some_and(|v| v > 50.0))
        .count();
    assert!((share - above as f64 / s.values as f64).abs() < 1e-12);
    // One summary per level × wave × age group.
    assert_eq!(ds.summaries(Indicator::LONELY, None).len(), 4 * 3 * 2);
}

#[test]
fn gemeente_to_national_rollup_lands_near_the_published_figure() {
    let Some(dir) = national() else { return };
    let Some(ds) = national_dataset() else { return };
    let pops = Populations::from_geojson(
        &dir.join("cbs-2020/gemeenten_2020.geojson"),
        PopulationProperties::CBS_GEMEENTEN_2020,
    )
    .unwrap();
    assert_eq!(pops.len(), 355);
    assert_eq!(pops.total(), 17_407_585.0);
    let report = ds
        .compare_rollup(Level::Gemeente, Level::Land, &|a| pops.weights_for(a).ok())
        .unwrap();
    // Every wave × age group × indicator with figures gets a row for NL01.
    assert!(report.len() >= 3 * 2 * 25, "{}", report.len());
    for d in &report {
        assert_eq!(d.area, code("NL01"));
        assert_eq!(d.children, 355);
        assert!(d.children_without_weight.is_empty());
    }
    let lonely_2020 = report
        .iter()
        .find(|d| d.indicator == Indicator::LONELY && d.wave == W20 && d.age == AgeGroup::ADULTS)
        .unwrap();
    assert_eq!(lonely_2020.published, Figure::Value(47.0));
    assert!(
        lonely_2020.difference.unwrap().abs() < 0.5,
        "{lonely_2020:?}"
    );
    // 65+ weights are inhabitants × share 65+, so they differ from the 18+ weights.
    let w18 = pops.weights_for(AgeGroup::ADULTS).unwrap();
    let w65 = pops.weights_for(AgeGroup::SENIORS).unwrap();
    assert_eq!(w65.get(code("GM0003")), Some(11_642.0 * 0.25));
    assert!(w65.total() < w18.total() * 0.3);
    assert!(pops.weights_for(AgeGroup::WORKING_AGE).is_err());
}

#[test]
fn wijk_to_gemeente_report_names_missing_wijken() {
    let Some(dir) = national() else { return };
    let Some(ds) = national_dataset() else { return };
    let pops = Populations::from_geojson(
        &dir.join("cbs-2020/wijken_2022_population.geojson"),
        PopulationProperties::CBS_WIJKEN_2022,
    )
    .unwrap();
    let report = ds
        .compare_rollup(Level::Wijk, Level::Gemeente, &|a| pops.weights_for(a).ok())
        .unwrap();
    // Sorted by absolute deviation, largest first.
    let diffs: Vec<f64> = report
        .iter()
        .filter_map(|d| d.difference.map(f64::abs))
        .collect();
    assert!(diffs.windows(2).all(|w| w[0] >= w[1]));
    // GM0415 (Landsmeer) has wijk WK041500 in 2020 but not in the 2022 map: the report says so.
    let landsmeer = report.iter().find(|d| d.area == code("GM0415")).unwrap();
    assert_eq!(landsmeer.children_without_weight, [code("WK041500")]);
    assert!(
        landsmeer.reasons().contains("WK041500"),
        "{}",
        landsmeer.reasons()
    );
    // Gemeenten whose wijken all have 2022 populations have no such reason.
    let amsterdam = report.iter().find(|d| d.area == code("GM0363")).unwrap();
    assert!(amsterdam.children_without_weight.is_empty());
    // Most gemeenten land within 1.5 pp.
    let lonely: Vec<_> = report
        .iter()
        .filter(|d| d.indicator == Indicator::LONELY && d.wave == W20 && d.age == AgeGroup::ADULTS)
        .collect();
    assert_eq!(lonely.len(), 355);
    let close = lonely
        .iter()
        .filter(|d| d.difference.is_some_and(|x| x.abs() < 1.5))
        .count();
    assert!(close > 300, "{close} of 355 within 1.5 pp");
}

#[test]
fn rollup_needs_explicit_weighting_and_counts_what_it_leaves_out() {
    let ds = omzien::demo::dataset();
    let pops = omzien::demo::populations();
    let weighted = omzien::RollupQuery::new(
        Level::Buurt,
        Indicator::LONELY,
        W20,
        Weighting::Weighted(&pops),
    )
    .with_age(AgeGroup::ADULTS)
    .with_target(RollupTarget::Parents(Level::Wijk))
    .run(&ds)
    .unwrap();
    assert_eq!(weighted.rows.len(), 5);
    let total_suppressed: usize = weighted.rows.iter().map(|r| r.suppressed).sum();
    assert_eq!(total_suppressed, 4);
    assert!(weighted.rows.iter().all(|r| r.used
        + r.suppressed
        + r.not_measured
        + r.missing_weight
        == r.areas));
    // Weighted and unweighted means differ, and both lie between the buurt extremes.
    let unweighted =
        omzien::RollupQuery::new(Level::Buurt, Indicator::LONELY, W20, Weighting::Unweighted)
            .with_age(AgeGroup::ADULTS)
            .with_target(RollupTarget::Parents(Level::Wijk))
            .run(&ds)
            .unwrap();
    assert_ne!(weighted.rows[0].value, unweighted.rows[0].value);
    // Hand-computed weighted mean of wijk 00's buurten.
    let wk = code("WK999900");
    let (mut s, mut w) = (0.0, 0.0);
    for b in ds.children(wk) {
        if let Figure::Value(v) = ds
            .figure(b, Indicator::LONELY, W20, AgeGroup::ADULTS)
            .unwrap()
        {
            s += v * pops.get(b).unwrap();
            w += pops.get(b).unwrap();
        }
    }
    assert_eq!(weighted.rows[0].group, GroupKey::Area(wk));
    assert!((weighted.rows[0].value.unwrap() - s / w).abs() < 1e-9);
    // A buurt without a weight is counted, not silently used or dropped.
    let partial = Weights::from_pairs(
        "partial",
        ds.children(wk).into_iter().skip(1).map(|b| (b, 100.0)),
    );
    let r = omzien::RollupQuery::new(
        Level::Buurt,
        Indicator::LONELY,
        W20,
        Weighting::Weighted(&partial),
    )
    .with_age(AgeGroup::ADULTS)
    .with_target(RollupTarget::Parents(Level::Wijk))
    .run(&ds)
    .unwrap();
    assert_eq!(r.rows[0].missing_weight, 1);
    assert_eq!(r.rows[1].used, 0);
    assert_eq!(r.rows[1].value, None);
    // Downward roll-ups are refused.
    let err = omzien::RollupQuery::new(Level::Wijk, Indicator::LONELY, W20, Weighting::Unweighted)
        .with_age(AgeGroup::ADULTS)
        .with_target(RollupTarget::Parents(Level::Buurt))
        .run(&ds)
        .unwrap_err();
    assert!(matches!(err, RollupError::NotAbove { .. }));
}

#[test]
fn rollup_withholds_thin_groups_and_refuses_weights_that_match_nothing() {
    let ds = omzien::demo::dataset();
    let wk = code("WK999900");
    let valued: Vec<AreaCode> = ds
        .children(wk)
        .into_iter()
        .filter(|b| {
            ds.figure(*b, Indicator::LONELY, W20, AgeGroup::ADULTS)
                .unwrap()
                .value()
                .is_some()
        })
        .collect();
    let areas = ds.children(wk).len();
    assert!(areas >= 5, "{areas}");
    // Weights for two of the wijk's buurten: under 80 %, so the figure is withheld, and says so.
    let two = Weights::from_pairs("two.csv", valued.iter().take(2).map(|b| (*b, 100.0)));
    let q = omzien::RollupQuery::new(
        Level::Buurt,
        Indicator::LONELY,
        W20,
        Weighting::Weighted(&two),
    )
    .with_target(RollupTarget::Parents(Level::Wijk));
    let r = q.run(&ds).unwrap();
    let row = r
        .rows
        .iter()
        .find(|r| r.group == GroupKey::Area(wk))
        .unwrap();
    assert_eq!((row.used, row.areas), (2, areas));
    assert!((row.coverage - 2.0 / areas as f64).abs() < 1e-12);
    assert!(row.withheld);
    assert_eq!(row.value, None);
    // With the bar lowered the figure is given: the mean of the two.
    let r = q.with_min_coverage(0.0).run(&ds).unwrap();
    let row = r
        .rows
        .iter()
        .find(|r| r.group == GroupKey::Area(wk))
        .unwrap();
    assert!(!row.withheld);
    let v = |b: AreaCode| {
        ds.figure(b, Indicator::LONELY, W20, AgeGroup::ADULTS)
            .unwrap()
            .value()
            .unwrap()
    };
    assert!((row.value.unwrap() - (v(valued[0]) + v(valued[1])) / 2.0).abs() < 1e-9);
    // A share outside 0–1.
    assert!(matches!(
        q.with_min_coverage(1.5).run(&ds),
        Err(RollupError::BadCoverage(_))
    ));
    // Codes the data does not have are refused, named with the file.
    let bad = Weights::from_pairs("bad.csv", [(wk, 1.0), (code("BU03630001"), 1.0)]);
    let e = omzien::RollupQuery::new(
        Level::Buurt,
        Indicator::LONELY,
        W20,
        Weighting::Weighted(&bad),
    )
    .run(&ds)
    .unwrap_err();
    assert!(
        matches!(
            &e,
            RollupError::UnknownWeights {
                count: 1,
                total: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("bad.csv") && e.to_string().contains("BU03630001"),
        "{e}"
    );
    // Weights only for another level weigh nothing: refused.
    let wijken = Weights::from_pairs("wijken.csv", [(wk, 1.0)]);
    let e = omzien::RollupQuery::new(
        Level::Buurt,
        Indicator::LONELY,
        W20,
        Weighting::Weighted(&wijken),
    )
    .run(&ds)
    .unwrap_err();
    assert!(matches!(e, RollupError::NoWeightsAtLevel { .. }), "{e}");
}

#[test]
fn rollup_to_user_groups_from_csv() {
    let ds = omzien::demo::dataset();
    let dir = tempfile::tempdir().unwrap();
    let groups = dir.path().join("groups.csv");
    std::fs::write(
        &groups,
        "code;group\nWK999900;binnenstad\nWK999901;binnenstad\nWK999903;oost\n",
    )
    .unwrap();
    let weights = dir.path().join("weights.csv");
    std::fs::write(
        &weights,
        "code,population\nWK999900,1000\nWK999901,3000\nWK999903,500\n",
    )
    .unwrap();
    let g = Groups::from_csv(&groups).unwrap();
    let w = Weights::from_csv(&weights).unwrap();
    let r = omzien::RollupQuery::new(Level::Wijk, Indicator::LONELY, W20, Weighting::Weighted(&w))
        .with_age(AgeGroup::ADULTS)
        .with_target(RollupTarget::Groups(&g))
        .run(&ds)
        .unwrap();
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.ungrouped, [code("WK999902"), code("WK999904")]);
    let v = |c| {
        ds.figure(code(c), Indicator::LONELY, W20, AgeGroup::ADULTS)
            .unwrap()
            .value()
            .unwrap()
    };
    let expected = (v("WK999900") * 1000.0 + v("WK999901") * 3000.0) / 4000.0;
    assert_eq!(r.rows[0].group, GroupKey::Named("binnenstad".into()));
    assert!((r.rows[0].value.unwrap() - expected).abs() < 1e-9);
    // Bad weight files name the line.
    std::fs::write(&weights, "code,population\nWK999900,-5\n").unwrap();
    let e = Weights::from_csv(&weights).unwrap_err().to_string();
    assert!(e.contains("line 2") && e.contains("-5"), "{e}");
    std::fs::write(&weights, "WK999900,5\nWK99990,5\n").unwrap();
    let e = Weights::from_csv(&weights).unwrap_err().to_string();
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn trends_with_caveats_on_the_national_files() {
    let Some(ds) = national_dataset() else { return };
    let t = omzien::TrendQuery::new(Indicator::LONELY, W12, W20)
        .with_age(AgeGroup::ADULTS)
        .area(ds, code("GM0363"))
        .unwrap();
    assert_eq!(t.from_figure, Figure::Value(43.9));
    assert_eq!(t.to_figure, Figure::Value(53.2));
    assert!((t.delta.unwrap() - 9.3).abs() < 1e-9);
    assert_eq!(t.direction, Some(Direction::Rising));
    assert!(t.caveats.contains(&Caveat::AgeRangeChanged {
        from_min_age: 19,
        to_min_age: 18
    }));
    assert!(t.caveats.contains(&Caveat::NoInterval));
    assert_eq!(t.significant, None);
    // 65+ was surveyed alike in every wave: no age caveat.
    let t = omzien::TrendQuery::new(Indicator::LONELY, W12, W20)
        .with_age(AgeGroup::SENIORS)
        .area(ds, code("GM0363"))
        .unwrap();
    assert!(
        !t.caveats
            .iter()
            .any(|c| matches!(c, Caveat::AgeRangeChanged { .. }))
    );
    // 2012 → 2016 on 18+: same survey ages.
    let t = omzien::TrendQuery::new(Indicator::LONELY, W12, W16)
        .with_age(AgeGroup::ADULTS)
        .area(ds, code("GM0363"))
        .unwrap();
    assert!(
        !t.caveats
            .iter()
            .any(|c| matches!(c, Caveat::AgeRangeChanged { .. }))
    );
    // Not measured in 2012.
    let t = omzien::TrendQuery::new(Indicator::SOCIALLY_LONELY, W12, W20)
        .with_age(AgeGroup::ADULTS)
        .area(ds, code("GM0363"))
        .unwrap();
    assert_eq!(t.delta, None);
    assert!(t.caveats.contains(&Caveat::NotMeasured { wave: W12 }));
    // Suppressed buurt.
    let t = omzien::TrendQuery::new(Indicator::LONELY, W16, W20)
        .with_age(AgeGroup::ADULTS)
        .area(ds, code("BU03630100"))
        .unwrap();
    assert!(t.caveats.contains(&Caveat::Suppressed { wave: W16 }));
    // The band decides stable.
    let wide = omzien::TrendQuery::new(Indicator::LONELY, W16, W20)
        .with_age(AgeGroup::ADULTS)
        .with_band(10.0)
        .area(ds, code("GM0363"))
        .unwrap();
    assert_eq!(wide.direction, Some(Direction::Stable));
    assert!(
        omzien::TrendQuery::new(Indicator::LONELY, W20, W20)
            .with_age(AgeGroup::ADULTS)
            .area(ds, code("GM0363"))
            .is_err()
    );
    // All buurten of a gemeente.
    let all = omzien::TrendQuery::new(Indicator::LONELY, W16, W20)
        .with_age(AgeGroup::ADULTS)
        .with_level(Level::Buurt)
        .with_gemeente("GM0363".parse().unwrap())
        .run(ds)
        .unwrap();
    assert_eq!(
        all.len(),
        ds.areas(Level::Buurt, Some("GM0363".parse().unwrap()))
            .len()
    );
    assert!(
        all.iter()
            .filter(|t| t.direction == Some(Direction::Rising))
            .count()
            > all.len() / 2
    );
}

#[test]
fn risk_areas_high_and_rising() {
    let Some(ds) = national_dataset() else { return };
    let ams = "GM0363".parse().unwrap();
    let q = RiskQuery::new(Level::Buurt, Indicator::LONELY, W20)
        .with_gemeente(ams)
        .with_since(W16)
        .with_criterion(RiskCriterion::HighAndRising {
            top_share: 0.1,
            min_rise: 3.0,
        });
    let hits = q.areas(ds).unwrap();
    assert!(!hits.is_empty());
    let ranked = hits[0].ranked;
    for h in &hits {
        assert_eq!(h.area.gemeente(), Some(ams));
        assert!(h.rank <= (ranked as f64 * 0.1).ceil() as usize);
        assert!(h.delta.unwrap() > 3.0);
        assert_eq!(h.gemeente_value, Figure::Value(53.2));
        assert_eq!(h.national_value, Figure::Value(47.0));
        let v = ds
            .figure(h.area, Indicator::LONELY, W20, AgeGroup::ADULTS)
            .unwrap();
        assert_eq!(v, Figure::Value(h.value));
    }
    assert!(hits.windows(2).all(|w| w[0].value >= w[1].value));
    // National top 10 % of gemeenten by level alone.
    let top = RiskQuery::new(Level::Gemeente, Indicator::LONELY, W20)
        .with_mode(RiskMode::High)
        .areas(ds)
        .unwrap();
    // ceil(10 % of 355) = 36, and the gemeente tied with the 36th at the cut is kept too.
    assert_eq!(top.len(), 37);
    assert_eq!(top[35].value, top[36].value);
    assert_eq!(top[35].rank, top[36].rank);
    assert_eq!(top[0].rank, 1);
    // Without `since`, rises are since the wave before: the same as naming it.
    let default_since = RiskQuery::new(Level::Buurt, Indicator::LONELY, W20).with_gemeente(ams);
    assert_eq!(
        default_since.areas(ds).unwrap(),
        default_since.with_since(Wave::new(2016)).areas(ds).unwrap()
    );
    // A rise needs an earlier wave: the first wave has none.
    let bad = RiskQuery::new(Level::Buurt, Indicator::LONELY, W12)
        .with_criterion(RiskCriterion::Rising { min_rise: 3.0 });
    assert!(matches!(
        bad.areas(ds),
        Err(omzien::RiskError::NoEarlierWave)
    ));
}

#[test]
fn ranks_in_the_country_and_within_the_gemeente() {
    let Some(ds) = national_dataset() else { return };
    let ams = code("GM0363");
    let figures = ds
        .level_figures(Level::Gemeente, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    let own = ds
        .figure(ams, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap()
        .value()
        .unwrap();
    let higher = figures
        .iter()
        .filter(|(_, f)| f.value().is_some_and(|v| v > own))
        .count();
    let ranked = figures.iter().filter(|(_, f)| f.value().is_some()).count();
    let r = ds
        .ranks(ams, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    let country = r.country.unwrap();
    assert_eq!((country.rank, country.of), (higher + 1, ranked));
    assert_eq!(ranked, 355, "every gemeente has a 2020 figure");
    assert!(
        r.gemeente.is_none(),
        "a gemeente is not ranked within itself"
    );
    // The highest gemeente ranks first ('s-Gravenhage, 56.8 % in 2020).
    let top = ds
        .ranks(code("GM0518"), Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    assert_eq!(top.country.unwrap().rank, 1);

    // A buurt of Amsterdam: ranked among Amsterdam's buurten with a figure.
    let buurten = ds
        .level_figures(Level::Buurt, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    let in_ams: Vec<f64> = buurten
        .iter()
        .filter(|(c, _)| c.gemeente().map(|g| g.number()) == Some(363))
        .filter_map(|(_, f)| f.value())
        .collect();
    let (bu, v) = buurten
        .iter()
        .find_map(|(c, f)| {
            (c.gemeente().map(|g| g.number()) == Some(363))
                .then_some(())
                .and(f.value().map(|v| (*c, v)))
        })
        .unwrap();
    let r = ds
        .ranks(bu, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    let g = r.gemeente.unwrap();
    assert_eq!(g.of, in_ams.len());
    assert_eq!(g.rank, 1 + in_ams.iter().filter(|x| **x > v).count());
    assert!(r.country.unwrap().of > 10_000);
    // Suppressed or unmeasured: not ranked.
    let suppressed = buurten
        .iter()
        .find(|(_, f)| matches!(f, Figure::Suppressed))
        .unwrap()
        .0;
    let r = ds
        .ranks(suppressed, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    assert!(r.country.is_none() && r.gemeente.is_none());
    assert!(
        ds.ranks(code("NL01"), Indicator::LONELY, W20, AgeGroup::ADULTS)
            .unwrap()
            .country
            .is_none()
    );
}

//! The risk rules do not mislead (issue 24's defects, each asserted on the national files):
//! a rise that only follows the country is not a local risk, "high" needs enough areas to
//! rank, and areas tied at the cut share one rank and are all kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::{AgeGroup, AreaCode, Indicator, Level, RiseReference, RiskMode, RiskQuery, Wave};
use omzien_tests::{national_dataset, omzien_cli};

const W16: Wave = Wave::new(2016);
const W20: Wave = Wave::new(2020);

fn code(s: &str) -> AreaCode {
    s.parse().unwrap()
}

#[test]
fn a_rise_that_follows_the_country_is_not_a_local_risk() {
    let Some(ds) = national_dataset() else { return };
    let nl = ds.national().unwrap();
    let national = omzien::TrendQuery::new(Indicator::LONELY, W16, W20)
        .area(ds, nl)
        .unwrap()
        .delta
        .unwrap();
    assert_eq!(national, 3.6, "the country rose 43.4 → 47.0");
    let q = RiskQuery::new(Level::Wijk, Indicator::LONELY, W20)
        .with_gemeente(code("GM0363").gemeente().unwrap())
        .with_since(W16)
        .with_mode(RiskMode::Rising);
    // The old rule (own change, no reference): 93 of Amsterdam's 99 wijken "rise".
    let raw = q.with_reference(RiseReference::None).run(ds).unwrap();
    assert_eq!((raw.areas.len(), raw.ranked), (93, 99));
    // Against the country: only the wijken that rose more than 3 pp beyond its 3.6 pp.
    let list = q.run(ds).unwrap();
    assert_eq!(list.national_delta, Some(3.6));
    assert!(
        !list.areas.is_empty() && list.areas.len() < 40,
        "{}",
        list.areas.len()
    );
    for a in &list.areas {
        let (d, e) = (a.delta.unwrap(), a.excess.unwrap());
        assert_eq!(e, omzien::change(3.6, d), "{}", a.area);
        assert!(
            e > 3.0 && a.rising && a.reference_delta == Some(3.6),
            "{}",
            a.area
        );
    }
    // Every wijk left out rose at most 3 pp beyond the country.
    let flagged: Vec<AreaCode> = list.areas.iter().map(|a| a.area).collect();
    for a in raw.areas.iter().filter(|a| !flagged.contains(&a.area)) {
        assert!(
            a.delta.unwrap() - 3.6 <= 3.0 + 1e-9,
            "{} rose {:?}",
            a.area,
            a.delta
        );
    }
    // Nationally: the share flagged is said, and far below the 53 % of buurten the old rule marked.
    let all = RiskQuery::new(Level::Buurt, Indicator::LONELY, W20)
        .with_since(W16)
        .with_mode(RiskMode::Rising);
    let old = all.with_reference(RiseReference::None).run(ds).unwrap();
    let new = all.run(ds).unwrap();
    assert!(old.flagged_share() > 0.5, "{}", old.flagged_share());
    assert!(new.flagged_share() < 0.2, "{}", new.flagged_share());
    // Against the gemeente: each wijk beyond its own gemeente's change.
    let g = q.with_reference(RiseReference::Gemeente).run(ds).unwrap();
    let amsterdam = omzien::TrendQuery::new(Indicator::LONELY, W16, W20)
        .area(ds, code("GM0363"))
        .unwrap()
        .delta;
    assert!(g.areas.iter().all(|a| a.reference_delta == amsterdam));
    // The command line says what the list was measured against and what share it flags.
    let data = omzien_tests::national().unwrap().join("rivm-50090NED");
    let out = omzien_cli(&[
        "risk",
        "--gemeente",
        "Amsterdam",
        "--level",
        "wijk",
        "--mode",
        "rising",
        "--since",
        "2016",
        "--data",
        data.to_str().unwrap(),
    ])
    .unwrap();
    let title = out.lines().next().unwrap();
    assert!(
        title.contains("beyond the national change (+3.6 pp)")
            && title.contains(&format!("{} of 99 areas flagged", list.areas.len())),
        "{title}"
    );
}

#[test]
fn high_needs_enough_areas_and_keeps_every_tie() {
    let Some(ds) = national_dataset() else { return };
    // Ameland has one wijk: before, the top 10 % of one marked it (37.3 % against 47.0 %).
    let ameland = RiskQuery::new(Level::Wijk, Indicator::LONELY, W20)
        .with_gemeente(code("GM0060").gemeente().unwrap())
        .with_mode(RiskMode::High);
    let list = ameland.run(ds).unwrap();
    assert_eq!(list.ranked, 1);
    assert!(!list.high_applies && list.areas.is_empty());
    assert_eq!(ameland.with_min_areas(1).run(ds).unwrap().areas.len(), 1);
    // Across all gemeenten one at a time, "high" marks about a tenth of the wijken it may mark.
    let (mut marked, mut eligible) = (0, 0);
    for g in ds.areas(Level::Gemeente, None) {
        let l = RiskQuery::new(Level::Wijk, Indicator::LONELY, W20)
            .with_gemeente(g.gemeente().unwrap())
            .with_mode(RiskMode::High)
            .run(ds)
            .unwrap();
        if l.high_applies {
            eligible += l.ranked;
        }
        marked += l.areas.len();
    }
    let share = marked as f64 / eligible as f64;
    println!("high, gemeente by gemeente: {marked} of {eligible} wijken ({share:.3})");
    assert!(
        (0.09..0.14).contains(&share),
        "{marked} of {eligible}: {share}"
    );
    // Ties at the cut: every buurt with the value at the cut is in, all with one rank.
    let q = RiskQuery::new(Level::Buurt, Indicator::LONELY, W20).with_mode(RiskMode::High);
    let list = q.run(ds).unwrap();
    let cut = list.areas.iter().map(|a| a.value).fold(f64::MAX, f64::min);
    let at_cut: Vec<_> = list.areas.iter().filter(|a| a.value == cut).collect();
    let in_data = ds
        .level_figures(Level::Buurt, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap()
        .into_iter()
        .filter(|(_, f)| f.value() == Some(cut))
        .count();
    assert!(at_cut.len() > 1, "a tie at the cut ({cut})");
    assert_eq!(at_cut.len(), in_data, "every buurt at {cut} is kept");
    assert!(at_cut.iter().all(|a| a.rank == at_cut[0].rank));
    // The rank is the one `ranks` gives.
    let r = ds
        .ranks(at_cut[0].area, Indicator::LONELY, W20, AgeGroup::ADULTS)
        .unwrap();
    assert_eq!(r.country.unwrap().rank, at_cut[0].rank);
}

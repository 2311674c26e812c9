#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! The core's public API as a tool that embeds it uses it: on the built-in demo and on small
//! files written here (nothing outside the crate is needed), every analysis asked through its
//! query type, and every error composing with `?` into [`omzien::Error`].

use omzien::{
    AgeGroup, AreaCode, Benchmark, CompareQuery, Indicator, Level, Loader, ReportQuery, RiskQuery,
    RollupQuery, RollupTarget, SummaryQuery, TrendQuery, Wave, Weighting,
};

#[test]
fn every_analysis_is_a_query_run_on_the_dataset() -> omzien::Result<()> {
    let ds = omzien::demo::dataset();
    let (first, last) = (Wave::new(2012), Wave::new(2020));

    // A level's trends are the trends of its areas one by one.
    let q = TrendQuery::new(Indicator::LONELY, first, last).with_level(Level::Wijk);
    let all = q.run(&ds)?;
    assert_eq!(all.len(), ds.areas(Level::Wijk, None).len());
    for t in &all {
        assert_eq!(q.area(&ds, t.area)?.delta, t.delta);
    }

    // A risk query's areas are its list's.
    let rq = RiskQuery::new(Level::Buurt, Indicator::LONELY, last).with_since(first);
    let list = rq.run(&ds)?;
    assert_eq!(rq.areas(&ds)?, list.areas);
    assert!(list.ranked > 0);

    // The buurten rolled up to their gemeente by the demo's populations.
    let pops = omzien::demo::populations();
    let r = RollupQuery::new(
        Level::Buurt,
        Indicator::LONELY,
        last,
        Weighting::Weighted(&pops),
    )
    .with_target(RollupTarget::Parents(Level::Gemeente))
    .with_age(AgeGroup::ADULTS)
    .run(&ds)?;
    assert_eq!(r.rows.len(), 1);

    // A wijk against its gemeente, in every indicator the demo has.
    let wijk: AreaCode = "WK999903".parse()?;
    let c = CompareQuery::new(wijk, Benchmark::Gemeente, last).run(&ds)?;
    assert_eq!((c.area, c.wave), (wijk, last));
    assert!(!c.rows.is_empty());
    let spine = CompareQuery::new(wijk, Benchmark::Gemeente, last).spine(&ds)?;
    assert_eq!(spine.rows.len(), c.rows.len());

    // The council summary and the report of the demo gemeente.
    let g = omzien::demo::GEMEENTE;
    let s = SummaryQuery::new(&ds, g).run(&ds)?;
    assert_eq!((s.gemeente, s.latest), (g, last));
    assert!(!s.statements.is_empty());
    let report = ReportQuery::new(&ds, g).run(&ds)?;
    assert_eq!(report.gemeente, g);
    assert_eq!(report.latest, last);
    Ok(())
}

#[test]
fn every_error_composes_into_omzien_error() {
    fn trend_backwards() -> omzien::Result<()> {
        let ds = omzien::demo::dataset();
        TrendQuery::new(Indicator::LONELY, Wave::new(2020), Wave::new(2012)).run(&ds)?;
        Ok(())
    }
    fn bad_code() -> omzien::Result<AreaCode> {
        Ok("XX12".parse::<AreaCode>()?)
    }
    fn missing_folder() -> omzien::Result<usize> {
        Ok(Loader::new().load(["/nonexistent/omzien-api-test"])?.len())
    }
    fn unknown_area() -> omzien::Result<String> {
        let ds = omzien::demo::dataset();
        Ok(ds.area("GM0363".parse()?)?.display_name())
    }
    let e = trend_backwards().unwrap_err().to_string();
    assert!(e.contains("2020") && e.contains("2012"), "{e}");
    let e = bad_code().unwrap_err().to_string();
    assert!(e.contains("XX12"), "{e}");
    let e = missing_folder().unwrap_err().to_string();
    assert!(e.contains("/nonexistent/omzien-api-test"), "{e}");
    let e = unknown_area().unwrap_err().to_string();
    assert!(e.contains("GM0363"), "{e}");
}

#[test]
fn an_extra_column_is_the_same_indicator_in_every_dataset() -> omzien::Result<()> {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, rows: &str| {
        let p = dir.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(
            p.join("figures.csv"),
            format!(
                "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Eenzaam_28,AantalBankjes_77\n{rows}"
            ),
        )
        .unwrap();
        p
    };
    let a = Loader::new().load([write(
        "a",
        "0,20300,MW00000,GM0363,2016JJ00,47.5,12\n1,20300,MW00000,GM0363,2020JJ00,53.2,15\n",
    )])?;
    let b = Loader::new().load([write("b", "0,20300,MW00000,GM0599,2020JJ00,50.1,9\n")])?;
    let in_a = a.indicator("AantalBankjes_77")?;
    let in_b = b.indicator("AantalBankjes_77")?;
    assert_eq!(in_a, in_b);
    assert!(!in_a.is_schema());
    assert_eq!(in_a.to_string(), "AantalBankjes_77");
    let amsterdam: AreaCode = "GM0363".parse()?;
    let t = TrendQuery::new(in_a, Wave::new(2016), Wave::new(2020))
        .with_age(AgeGroup::ADULTS)
        .area(&a, amsterdam)?;
    assert_eq!(t.delta, Some(3.0));
    assert_eq!(t.indicator.to_string(), "AantalBankjes_77");
    Ok(())
}

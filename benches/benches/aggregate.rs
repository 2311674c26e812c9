//! Summaries, roll-ups and trends over the national buurten.
#![allow(clippy::expect_used, missing_docs)] // a benchmark that cannot load its input must stop

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use omzien::{AgeGroup, Indicator, Level, Loader, RollupTarget, Wave, Weighting, Weights};

fn aggregate(c: &mut Criterion) {
    let Some(dir) = omzien_benches::rivm_dir() else {
        return;
    };
    let ds = Loader::new().load([&dir]).expect("the national files load");
    // Deterministic weights: no RNG, one per buurt from its code.
    let weights = Weights::from_pairs(
        "bench",
        ds.areas(Level::Buurt, None).into_iter().map(|b| {
            (
                b,
                500.0 + f64::from(b.to_string().as_bytes()[9] - b'0') * 100.0,
            )
        }),
    );
    let w20 = Wave::new(2020);
    let mut g = c.benchmark_group("aggregate");
    g.bench_function("summaries_all_levels_waves_ages", |b| {
        b.iter(|| black_box(ds.summaries(Indicator::LONELY, Some(50.0))))
    });
    g.bench_function("rollup_buurt_to_gemeente", |b| {
        b.iter(|| {
            omzien::RollupQuery::new(
                Level::Buurt,
                Indicator::LONELY,
                w20,
                Weighting::Weighted(&weights),
            )
            .with_age(AgeGroup::ADULTS)
            .with_target(RollupTarget::Parents(Level::Gemeente))
            .run(&ds)
            .expect("rollup")
        });
    });
    g.bench_function("trends_all_buurten", |b| {
        b.iter(|| {
            omzien::TrendQuery::new(Indicator::LONELY, Wave::new(2016), w20)
                .with_age(AgeGroup::ADULTS)
                .with_level(Level::Buurt)
                .run(&ds)
                .expect("trends")
        });
    });
    g.finish();
}

criterion_group!(benches, aggregate);
criterion_main!(benches);

//! How sure the risk marks are, for every buurt of the country: the probability of being in
//! the top 10 % (13,000 areas drawn jointly) and of a rise beyond 3 pp (two waves), 10,000
//! draws each. The national files publish no intervals, so each buurt's 2016 and 2020 values
//! get an interval of a typical small-area width (± 2 to 8 pp by buurt); the work does not
//! depend on the widths. Target (issue 24): under 2 s on the 2-core machine.
#![allow(clippy::expect_used, missing_docs)] // a benchmark that cannot load its input must stop

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use omzien::{AgeGroup, Indicator, Level, Loader, LogitNormal, Wave};

fn probability(c: &mut Criterion) {
    let Some(dir) = omzien_benches::rivm_dir() else {
        return;
    };
    let ds = Loader::new().load([&dir]).expect("the national files load");
    let at = |wave: u16| {
        ds.level_figures(
            Level::Buurt,
            Indicator::LONELY,
            Wave::new(wave),
            AgeGroup::ADULTS,
        )
        .expect("figures")
    };
    let (before, after) = (at(2016), at(2020));
    let dist = |i: usize, v: f64| {
        let half = 2.0 + (i % 7) as f64;
        LogitNormal::from_interval(v, ((v - half).max(0.5), (v + half).min(99.5)))
    };
    let mut later = Vec::new();
    let mut pairs = Vec::new();
    for (i, ((_, f0), (_, f1))) in before.iter().zip(&after).enumerate() {
        if let (Some(v0), Some(v1)) = (f0.value(), f1.value())
            && let (Some(d0), Some(d1)) = (dist(i, v0), dist(i + 3, v1))
        {
            later.push(d1);
            pairs.push((d0, d1));
        }
    }
    let thresholds = vec![3.0 + 3.6; pairs.len()];
    eprintln!("{} buurten with both waves", pairs.len());
    let mut g = c.benchmark_group("probability");
    g.sample_size(10);
    g.bench_function("top10_and_rise_all_buurten_10000_draws", |b| {
        b.iter(|| {
            let top = omzien::top_probabilities(&later, later.len().div_ceil(10), 10_000, 1);
            let rise = omzien::rise_probabilities(&pairs, &thresholds, 10_000, 1);
            black_box((top, rise))
        });
    });
    g.finish();
}

criterion_group!(benches, probability);
criterion_main!(benches);

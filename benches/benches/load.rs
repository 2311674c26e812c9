//! Loading the six national files of table 50090NED into one dataset.
#![allow(clippy::expect_used, missing_docs)] // a benchmark that cannot load its input must stop

use criterion::{Criterion, criterion_group, criterion_main};
use omzien::Loader;

fn load(c: &mut Criterion) {
    let Some(dir) = omzien_benches::rivm_dir() else {
        return;
    };
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.bench_function("six_national_files", |b| {
        b.iter(|| {
            let ds = Loader::new().load([&dir]).expect("the national files load");
            assert_eq!(ds.len(), 17_341);
            ds
        });
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);

//! The council summaries of every gemeente of the country (355), statements and words, in
//! Dutch and in English, after loading. Target (issue 23): under 5 s on the 2-core machine.
#![allow(clippy::expect_used, missing_docs)] // a benchmark that cannot load its input must stop

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use omzien::{AreaCode, Level, Loader, SummaryQuery};
use omzien_render::{Lang, brief};

fn summaries(c: &mut Criterion) {
    let Some(dir) = omzien_benches::rivm_dir() else {
        return;
    };
    let ds = Loader::new().load([&dir]).expect("the national files load");
    let gemeenten: Vec<_> = ds
        .areas(Level::Gemeente, None)
        .into_iter()
        .filter_map(|c| match c {
            AreaCode::Gemeente(g) => Some(g),
            _ => None,
        })
        .collect();
    eprintln!("{} gemeenten", gemeenten.len());
    let mut g = c.benchmark_group("brief");
    g.sample_size(10);
    g.bench_function("all_gemeenten_nl_and_en", |b| {
        b.iter(|| {
            let mut words = 0;
            for &gm in &gemeenten {
                let s = SummaryQuery::new(&ds, gm).run(&ds).expect("a summary");
                for lang in [Lang::Nl, Lang::En] {
                    words += brief(&ds, &s, lang).text().len();
                }
            }
            black_box(words)
        });
    });
    g.finish();
}

criterion_group!(benches, summaries);
criterion_main!(benches);

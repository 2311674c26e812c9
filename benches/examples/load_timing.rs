//! The core's load of figure files, timed: `load_timing ROUNDS PATH...` loads the paths
//! ROUNDS times and prints each round's seconds, one per line. The Python package's benchmark
//! (`benches/python/run.sh`) runs it beside `omzien.load` on the same files.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args
        .next()
        .ok_or("usage: load_timing ROUNDS PATH...")?
        .parse()?;
    let paths: Vec<String> = args.collect();
    if paths.is_empty() {
        return Err("usage: load_timing ROUNDS PATH...".into());
    }
    for _ in 0..rounds {
        let start = Instant::now();
        let ds = omzien::Loader::new().load(&paths)?;
        let secs = start.elapsed().as_secs_f64();
        // The dataset is used, so the load cannot be optimised away.
        println!("{secs:.4} {}", ds.len());
    }
    Ok(())
}

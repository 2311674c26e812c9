//! `omzien-fuzz`: mutation fuzzing of omzien's inputs for a time budget per target.
//!
//! ```text
//! cargo run --release -p omzien-fuzz -- --seconds 600 --out target/fuzz           # every target
//! cargo run --release -p omzien-fuzz -- --target figures --seconds 60 --out target/fuzz
//! ```
//! Prints per target the inputs run, inputs/s, distinct outcomes, accepted inputs and
//! failures; writes each failure to `OUT/<target>/<n>.input` with its message beside it, and
//! exits 1 when there is any. Copy a failure to `fuzz/regressions/<target>/` once fixed.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use omzien_fuzz::{Runner, Target, fuzz};

#[derive(Parser)]
struct Args {
    /// One target (figures, boundaries, weights, groups, mapping, respondents, urls); all
    /// when left out.
    #[arg(long)]
    target: Option<String>,
    /// Seconds per target.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Seed of the mutations.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where failures are written.
    #[arg(long, default_value = "target/fuzz")]
    out: PathBuf,
    /// The repository (for the seed fixtures).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let targets: Vec<Target> = match &args.target {
        Some(t) => vec![Target::from_name(t).ok_or_else(|| anyhow::anyhow!("no target {t:?}"))?],
        None => Target::ALL.to_vec(),
    };
    let runner = Runner::new()?;
    let mut failed = 0;
    println!("target        inputs   inputs/s  outcomes  accepted  slowest_s  failures");
    for t in targets {
        let r = fuzz(
            &runner,
            t,
            &args.root,
            Duration::from_secs(args.seconds),
            u64::MAX,
            args.seed,
        );
        println!(
            "{:12} {:8} {:10.0} {:9} {:9} {:10.3} {:9}",
            t.name(),
            r.execs,
            r.execs as f64 / r.seconds.max(1e-9),
            r.outcomes,
            r.accepted,
            r.slowest,
            r.failures.len()
        );
        if !r.failures.is_empty() {
            let dir = args.out.join(t.name());
            std::fs::create_dir_all(&dir)?;
            for (i, f) in r.failures.iter().enumerate() {
                std::fs::write(dir.join(format!("{i}.input")), &f.input)?;
                std::fs::write(dir.join(format!("{i}.txt")), &f.what)?;
                eprintln!("{}: {}", t.name(), f.what);
            }
            failed += r.failures.len();
        }
    }
    if failed > 0 {
        eprintln!("{failed} failures written to {}", args.out.display());
        std::process::exit(1);
    }
    Ok(())
}

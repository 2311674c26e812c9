//! Writes SYNTHETIC respondents calibrated to the published buurt figures, for the microdata
//! benchmark (benches/microdata/run.sh) and for trying `omzien microdata`.
//!
//! `cargo run --release -p omzien-benches --example respondents -- --data ../shared/data/rivm-50090NED --per-buurt 240 --out respondents.parquet`
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use clap::Parser;
use omzien::microdata::{SynthOptions, synthetic_respondents};

/// Synthetic respondents (labelled so in a `synthetic` column).
#[derive(Debug, Parser)]
struct Args {
    /// Published figures (folder or files of table 50090NED).
    #[arg(long)]
    data: Vec<PathBuf>,
    /// Output: .parquet or .csv.
    #[arg(long)]
    out: PathBuf,
    /// Mean respondents per buurt and wave.
    #[arg(long, default_value_t = 100)]
    per_buurt: u32,
    /// Seed.
    #[arg(long, default_value_t = 20_260_101)]
    seed: u64,
    /// Only these gemeenten (codes), e.g. one GGD region.
    #[arg(long)]
    gemeente: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let ds = omzien::Loader::new().load(&args.data)?;
    let gemeenten = args
        .gemeente
        .iter()
        .map(|g| g.parse())
        .collect::<Result<Vec<_>, _>>()?;
    let opts = SynthOptions::default()
        .with_seed(args.seed)
        .with_per_buurt(args.per_buurt)
        .with_gemeenten(gemeenten);
    let t = std::time::Instant::now();
    let r = synthetic_respondents(&ds, &opts, &args.out)?;
    println!(
        "{}: {} SYNTHETIC respondents in {} buurt × wave cells ({:.1} s)",
        args.out.display(),
        r.respondents,
        r.cells,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

//! `omzien`: the command line. The only place that uses `anyhow`.

use clap::Parser;

/// jemalloc: a long-running server frees on one thread what another allocated (tiles leave the
/// cache long after a blocking thread drew them). Side by side on `benches/soak/run.sh` at
/// cache_mb 256 (3 minutes each): glibc 236 → 514 MB and still rising; glibc with
/// `MALLOC_ARENA_MAX=2` 172 → 602 MB with a p99 of 19 s; mimalloc 196 → 891 MB; jemalloc 259 →
/// 410 MB and flat, at the same requests/s and p99 as glibc.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Our errors name their cause in the message itself; no backtrace for a user's
            // mistake.
            eprintln!("Error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal, never into a file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = omzien_server::cli::Args::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match omzien_server::cli::run(&args, &mut out) {
        Ok(()) => Ok(()),
        // A closed pipe (`omzien … | head`) is not an error.
        Err(omzien_server::cli::CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e)),
    }
}

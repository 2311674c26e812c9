//! `omzien`: the command line. The only place that uses `anyhow`.

use clap::Parser;

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

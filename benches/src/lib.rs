//! Shared inputs for the criterion benchmarks: the national files through `OMZIEN_DATA`
//! (default `../shared/data`).

use std::path::PathBuf;

/// The folder of table 50090NED, if present.
#[must_use]
pub fn rivm_dir() -> Option<PathBuf> {
    let base = std::env::var_os("OMZIEN_DATA").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("..")
                .join("shared")
                .join("data")
        },
        PathBuf::from,
    );
    let dir = base.join("rivm-50090NED");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: national files not found at {} (set OMZIEN_DATA)",
            dir.display()
        );
        None
    }
}

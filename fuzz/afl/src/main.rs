//! The AFL++ driver: `omzien-afl <target>` runs one [`Target`] of `omzien-fuzz` on the inputs
//! AFL++ gives it, through the same [`Runner`] the mutation fuzzer and the regression tests use.
//! A panic aborts the process, which AFL++ records as a crash; an input slower than AFL's
//! timeout is a hang.
//!
//! `omzien-afl <target> --seeds DIR` writes the target's seed inputs (the fixtures and the
//! malformed corpus) and `DIR.dict`, its dictionary in AFL's format, and exits.
//!
//! Built and run by `fuzz/afl/run.sh`.

use std::path::Path;

use omzien_fuzz::{Runner, Target};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(target) = args
        .get(1)
        .and_then(|t| Target::from_name(t))
        .filter(|t| Target::available().contains(t))
    else {
        let names: Vec<&str> = Target::available().iter().map(|t| t.name()).collect();
        eprintln!("usage: omzien-afl <{}> [--seeds DIR]", names.join("|"));
        std::process::exit(2);
    };
    if let (Some("--seeds"), Some(dir)) = (args.get(2).map(String::as_str), args.get(3)) {
        if let Err(e) = write_seeds(target, Path::new(dir)) {
            eprintln!("omzien-afl: {dir}: {e}");
            std::process::exit(1);
        }
        return;
    }
    // The runner is made in the forked child, on its first input: thread pools (rayon, polars)
    // started before AFL's fork server forks would be missing in the child, and work handed to
    // them would wait for ever (seen as "hangs" of the respondents target).
    let runner: std::sync::OnceLock<Runner> = std::sync::OnceLock::new();
    // The runner's router is not unwind-safe by type; a panic ends the process here anyway.
    let runner = std::panic::AssertUnwindSafe(runner);
    afl::fuzz!(|data: &[u8]| {
        let r = runner.get_or_init(|| match Runner::new() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("omzien-afl: {e}");
                std::process::exit(1);
            }
        });
        // Errors are the expected answer to broken input; only panics and hangs are findings.
        let _ = r.run(target, data);
    });
}

/// Seeds as files `DIR/NNN`, the dictionary as `DIR.dict` (`"word"` per line, escaped).
fn write_seeds(target: Target, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (i, seed) in target.seeds(&root).iter().enumerate() {
        // AFL++ wants small seeds; its own trimming does the rest.
        std::fs::write(dir.join(format!("{i:04}")), &seed[..seed.len().min(64 << 10)])?;
    }
    let mut dict = String::new();
    for (i, word) in target.dictionary().iter().enumerate() {
        let escaped: String = word
            .bytes()
            .map(|b| match b {
                b'"' | b'\\' => format!("\\{}", b as char),
                0x20..=0x7e => (b as char).to_string(),
                _ => format!("\\x{b:02x}"),
            })
            .collect();
        dict.push_str(&format!("w{i}=\"{escaped}\"\n"));
    }
    std::fs::write(dir.with_extension("dict"), dict)
}

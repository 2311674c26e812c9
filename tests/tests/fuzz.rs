//! Fuzzing in the test suite: every saved failure (`fuzz/regressions/<target>/`) replays
//! without a panic, and a short seeded run of every target finds no panic, no 5xx and no slow
//! input. The long runs are `cargo run --release -p omzien-fuzz -- --seconds 600`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::time::Duration;

use omzien_fuzz::{Runner, Target, fuzz, regressions};
use omzien_tests::root;

#[test]
fn saved_failures_replay_without_a_panic() {
    let runner = Runner::new().unwrap();
    let mut replayed = 0;
    for t in Target::ALL {
        for (path, input) in regressions(&root(), t) {
            let r =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.run(t, &input)));
            assert!(r.is_ok(), "{} panics again", path.display());
            replayed += 1;
        }
    }
    println!("{replayed} saved inputs replayed");
}

#[test]
fn a_short_run_of_every_target_finds_no_failure() {
    let runner = Runner::new().unwrap();
    for t in Target::ALL {
        let r = fuzz(&runner, t, &root(), Duration::from_secs(60), 400, 7);
        assert_eq!(r.execs, 400, "{}", t.name());
        let failures: Vec<&str> = r.failures.iter().map(|f| f.what.as_str()).collect();
        assert!(failures.is_empty(), "{}: {failures:?}", t.name());
        // The run explores: several ways through, some inputs accepted (the seeds at least).
        assert!(r.outcomes >= 3, "{}: {} outcomes", t.name(), r.outcomes);
        assert!(r.accepted >= 1, "{}: nothing accepted", t.name());
    }
}

//! A write that fails part-way (a full disk) leaves a clear error and nothing under the final
//! name: the `omzien` binary runs with a file size limit (`ulimit -f`, SIGXFSZ ignored), so its
//! writes fail with `EFBIG` part-way through the archive, as they fail with `ENOSPC` on a full
//! disk; the same error path (a failed write mid-file) is taken.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;
use std::process::Command;

/// Runs `omzien ARGS` in `dir` with writes limited to 16 blocks (8–16 KB) per file.
fn run_limited(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 16; exec "$@""#)
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_omzien"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn archives_and_sites_leave_nothing_when_a_write_fails() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "demo.pmtiles",
            &[
                "export",
                "tiles",
                "--out",
                "demo.pmtiles",
                "--wave",
                "2020",
                "--age",
                "18+",
                "--scale",
                "1",
            ],
        ),
        (
            "demo.mbtiles",
            &[
                "export",
                "tiles",
                "--out",
                "demo.mbtiles",
                "--wave",
                "2020",
                "--age",
                "18+",
                "--scale",
                "1",
            ],
        ),
        (
            "vector.pmtiles",
            &[
                "export",
                "tiles",
                "--format",
                "mvt",
                "--out",
                "vector.pmtiles",
                "--age",
                "18+",
            ],
        ),
        ("site", &["export", "site", "--out", "site"]),
    ];
    for (name, args) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (ok, stderr) = run_limited(dir.path(), args);
        assert!(
            !ok,
            "{name}: succeeded with writes limited to 16 KB\n{stderr}"
        );
        assert!(
            ["File too large", "disk I/O error", "is full"]
                .iter()
                .any(|m| stderr.contains(m)),
            "{name}: the error names the failed write: {stderr}"
        );
        assert_eq!(
            listing(dir.path()),
            Vec::<String>::new(),
            "{name}: left behind after a failed write ({stderr})"
        );
        // The same export without the limit succeeds, so the failure above was the write.
        let out = Command::new(env!("CARGO_BIN_EXE_omzien"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(listing(dir.path()), vec![name.to_owned()]);
    }
}

//! The README's examples run as written, on the national files: the `cargo run --release --`
//! lines of its code blocks and the commands of its table (given `--data` when they have none,
//! as the table's introduction says). Downloads (`fetch`), the server (`serve`) and commands
//! whose example names a placeholder file (`pop.csv`, `DIR`, `FILE`) are left out; outputs go
//! to a temporary folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien_tests::{national, omzien_cli, root};

/// Splits a command line as a shell would for these examples: spaces, double quotes, and a
/// trailing `# comment`.
fn words(line: &str) -> Vec<String> {
    let line = line.split(" # ").next().unwrap_or(line);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The examples: `(where in the README, the arguments after the binary)`.
fn examples(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (n, line) in readme.lines().enumerate() {
        let at = format!("README.md:{}", n + 1);
        if let Some(rest) = line.strip_prefix("cargo run --release -- ") {
            out.push((at, words(rest)));
        } else if let Some(cell) = line.strip_prefix("| `omzien ") {
            // Every command of the cell (`a` / `b`).
            for part in cell.split(" | ").next().unwrap_or("").split("` / `omzien ") {
                out.push((at.clone(), words(part.trim_end_matches('`'))));
            }
        }
    }
    out
}

#[test]
fn the_readmes_examples_run_as_written() {
    let Some(data) = national() else { return };
    let data = data.canonicalize().unwrap_or(data);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let rivm = data.join("rivm-50090NED").display().to_string();
    let shared = data.display().to_string();
    let mut ran = Vec::new();
    for (at, args) in examples(&readme) {
        let Some(command) = args.first() else {
            continue;
        };
        let placeholder = args.iter().any(|a| {
            ["DIR", "FILE", "pop.csv", "map.csv", "[--data", "[--mapping"].contains(&a.as_str())
        });
        if ["fetch", "serve", "export", "microdata"].contains(&command.as_str()) || placeholder {
            continue;
        }
        let mut args: Vec<String> = args
            .iter()
            // One pass each (the data folder's own path may hold `../shared/data`).
            .map(|a| a.replace("../shared/data", &shared).replace("$D", &rivm))
            .collect();
        if let Some(i) = args.iter().position(|a| a == "--out") {
            args[i + 1] = tmp.path().join(&args[i + 1]).display().to_string();
        }
        if !args.iter().any(|a| a == "--data") {
            args.extend(["--data".to_owned(), rivm.clone()]);
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = omzien_cli(&argv).unwrap_or_else(|e| panic!("{at}: omzien {argv:?}: {e}"));
        assert!(!out.trim().is_empty(), "{at}: {argv:?} printed nothing");
        ran.push(format!("{at}: {command}"));
    }
    // The table's and the Data section's examples: at least area (twice), trend, risk,
    // summary, indicators, check and report.
    for command in [
        "area",
        "trend",
        "risk",
        "summary",
        "indicators",
        "check",
        "report",
    ] {
        assert!(
            ran.iter().any(|r| r.ends_with(&format!(": {command}"))),
            "no README example of {command} ran: {ran:?}"
        );
    }
    assert!(tmp.path().join("amsterdam.pdf").exists());
    println!("{} README examples ran:\n{}", ran.len(), ran.join("\n"));
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(
        words(r#"area "den haag" --data $D   # a comment"#),
        ["area", "den haag", "--data", "$D"]
    );
}

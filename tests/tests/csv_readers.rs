//! Every CSV the command line and the API write reads in the readers analysts use, without
//! options: Rust's `csv` crate, and PyPI `pandas` and `polars` (`read_csv(path)` and nothing
//! else). The same header, the same number of rows, no comment line taken for the header.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::process::Command;

use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{client_present, http_get, omzien_cli};

/// The header and row count by the `csv` crate.
fn by_csv_crate(text: &str) -> (Vec<String>, usize) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().iter().map(str::to_owned).collect();
    (headers, r.records().map(Result::unwrap).count())
}

/// Reads each file with pandas and polars without options; prints `name<TAB>columns<TAB>rows`
/// per file and reader, the columns joined with `|`.
const READ: &str = r#"
import sys, pandas, polars
for path in sys.argv[1:]:
    p = pandas.read_csv(path)
    q = polars.read_csv(path)
    for reader, cols, rows in (("pandas", list(p.columns), len(p)), ("polars", q.columns, q.height)):
        print(f"{path}\t{reader}\t{'|'.join(cols)}\t{rows}")
"#;

fn readers_present() -> bool {
    let mut probe = Command::new("python3");
    probe.args(["-c", "import pandas, polars"]);
    client_present(
        "python3 with pandas and polars (pip install pandas polars)",
        probe,
    )
}

#[tokio::test]
async fn every_csv_reads_in_pandas_and_polars_without_options() {
    if !readers_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(String, String)> = Vec::new();
    // The command line, on the demo (whose rows carry the synthetic note).
    for args in [
        &["area", "Centrum"][..],
        &[
            "trend", "--from", "2012", "--to", "2020", "--level", "buurt",
        ],
        &["risk", "--level", "buurt"],
        &["rollup", "--unweighted", "--from", "buurt", "--to", "wijk"],
        &["summary"],
        &["indicators"],
    ] {
        let out = omzien_cli(&[args, &["--format", "csv"]].concat()).unwrap();
        files.push((format!("cli_{}", args[0]), out));
    }
    // The API, on the demo.
    let app = app(AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        8 << 20,
    ));
    for uri in [
        "/api/areas/GM9999?format=csv",
        "/api/areas?level=buurt&format=csv",
        "/api/figures?level=buurt&format=csv",
        "/api/figures?level=wijk&from=2012&to=2020&format=csv",
        "/api/risk?format=csv",
        "/api/search?q=oost&format=csv",
        "/api/indicators?format=csv",
        "/api/waves?format=csv",
    ] {
        let (s, _, body) = http_get(&app, uri, &[]).await;
        assert!(s.is_success(), "{uri}");
        let name = uri
            .trim_start_matches('/')
            .split('?')
            .next()
            .unwrap()
            .replace('/', "_");
        files.push((
            format!("api_{name}_{}", files.len()),
            String::from_utf8(body).unwrap(),
        ));
    }
    let mut paths = Vec::new();
    for (name, text) in &files {
        let p = dir.path().join(format!("{name}.csv"));
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(READ)
        .args(&paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    for ((name, text), path) in files.iter().zip(&paths) {
        let (headers, rows) = by_csv_crate(text);
        assert!(rows > 0, "{name}: no rows");
        assert!(
            !headers[0].starts_with('#'),
            "{name}: the first line is a comment"
        );
        for reader in ["pandas", "polars"] {
            let line = report
                .lines()
                .find(|l| l.starts_with(&format!("{}\t{reader}\t", path.display())))
                .unwrap_or_else(|| panic!("{name}: {reader} printed nothing"));
            let parts: Vec<&str> = line.split('\t').collect();
            assert_eq!(parts[2], headers.join("|"), "{name}: {reader}'s columns");
            assert_eq!(parts[3], rows.to_string(), "{name}: {reader}'s rows");
        }
    }
    assert_eq!(report.lines().count(), files.len() * 2);
}

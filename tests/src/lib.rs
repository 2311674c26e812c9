//! Where the tests find their inputs: the project's fixtures, and the national files through
//! one setting, `OMZIEN_DATA` (default `../shared/data` beside the checkout).
//!
//! Without the national files a test skips with a printed reason, except under `CI=true`,
//! where their absence fails the run.

use std::path::PathBuf;
use std::sync::OnceLock;

use omzien::{Dataset, Loader};

/// The workspace root.
#[must_use]
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `data/fixtures` of this repository.
#[must_use]
pub fn fixtures() -> PathBuf {
    root().join("data").join("fixtures")
}

/// The folder of the national files, or `None` (with a printed reason) when absent.
///
/// # Panics
/// Under `CI=true` when the files are absent: CI must test on them.
#[must_use]
#[allow(clippy::panic)]
pub fn national() -> Option<PathBuf> {
    let dir = std::env::var_os("OMZIEN_DATA").map_or_else(
        || root().join("..").join("shared").join("data"),
        PathBuf::from,
    );
    if dir.join("rivm-50090NED").is_dir() {
        return Some(dir);
    }
    let why = format!(
        "national files not found at {} (set OMZIEN_DATA to the folder holding rivm-50090NED/ and cbs-2020/)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true: {why}");
    }
    eprintln!("SKIPPED: {why}");
    None
}

/// Whether an outside client (a Python package, a GDAL tool) answers `probe` with success;
/// without it a test skips with the reason printed, except under `CI=true`, where that fails.
///
/// # Panics
/// Under `CI=true` when the client is missing: CI must check with it.
#[must_use]
#[allow(clippy::panic)]
pub fn client_present(what: &str, mut probe: std::process::Command) -> bool {
    let ok = probe
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true: {what} not found");
        }
        eprintln!("SKIPPED: {what} not found");
    }
    ok
}

/// What the browser tests need: node, chromium (`OMZIEN_CHROMIUM`, default `/usr/bin/chromium`)
/// and playwright-core installed by `npm ci` in `tests/web`.
#[derive(Debug, Clone)]
pub struct Browser {
    /// The chromium executable.
    pub chromium: std::path::PathBuf,
    /// `tests/web`, where the `*.test.mjs` files run.
    pub web: std::path::PathBuf,
}

impl Browser {
    /// Runs `tests/web/FILE` with Node's test runner against chromium, with `env` set; prints
    /// what it said.
    ///
    /// # Panics
    /// When a browser test fails, or node does not start: that is a test failure.
    #[allow(clippy::panic)]
    pub fn run(&self, file: &str, env: &[(&str, &str)]) {
        let out = std::process::Command::new("node")
            .args([
                "--test",
                "--test-reporter=spec",
                "--test-concurrency=1",
                file,
            ])
            .current_dir(&self.web)
            .envs(env.iter().copied())
            .env("OMZIEN_CHROMIUM", &self.chromium)
            .output()
            .unwrap_or_else(|e| panic!("node: {e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{stdout}");
        eprintln!("{stderr}");
        assert!(
            out.status.success(),
            "browser tests {file} failed ({}):\n{stdout}\n{stderr}",
            out.status
        );
    }
}

/// A CSV's header and its rows as maps of column → cell.
///
/// # Panics
/// When the text is not CSV: that is a test failure.
#[must_use]
#[allow(clippy::unwrap_used)]
pub fn csv_rows(text: &str) -> (Vec<String>, Vec<std::collections::HashMap<String, String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (headers, rows)
}

/// The browser tools, or `None` (the reason printed) when one is missing outside CI.
///
/// # Panics
/// Under `CI=true` when a tool is missing.
#[must_use]
#[allow(clippy::panic)]
pub fn browser() -> Option<Browser> {
    let web = root().join("tests").join("web");
    let chromium = std::env::var_os("OMZIEN_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let mut node = std::process::Command::new("node");
    node.arg("--version");
    if !client_present("node (install Node.js to run the browser tests)", node) {
        return None;
    }
    for (ok, what) in [
        (
            chromium.exists(),
            format!(
                "{} (apt install chromium, or set OMZIEN_CHROMIUM)",
                chromium.display()
            ),
        ),
        (
            web.join("node_modules/playwright-core").is_dir(),
            "playwright-core (run `npm ci` in tests/web)".to_owned(),
        ),
    ] {
        if !ok {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true: {what} not found");
            }
            eprintln!("SKIPPED: {what} not found");
            return None;
        }
    }
    Some(Browser { chromium, web })
}

/// The six national files loaded once per test binary.
///
/// # Panics
/// When the national files exist but do not load: that is a test failure.
#[must_use]
#[allow(clippy::panic)]
pub fn national_dataset() -> Option<&'static Dataset> {
    static DS: OnceLock<Dataset> = OnceLock::new();
    let dir = national()?;
    Some(
        DS.get_or_init(|| match Loader::new().load([dir.join("rivm-50090NED")]) {
            Ok(ds) => ds,
            Err(e) => panic!("loading the national files failed: {e}"),
        }),
    )
}

/// A GET through the router with no socket (`oneshot`): status, headers and body.
///
/// # Panics
/// When the request cannot be built or the body not read: that is a test failure.
#[allow(clippy::unwrap_used)]
pub async fn http_get(
    app: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let h = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, h, body)
}

/// The `Content-Type` of an answer, empty when it has none.
#[must_use]
pub fn content_type(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A command line run as a test passes one on: the output, or the error as the user reads it
/// (as [`omzien_cli`] gives them).
pub type Cli<'a> = dyn Fn(&str, &[&str]) -> Result<String, String> + 'a;

/// Runs an `omzien` command in-process (`omzien_cli(&["area", "GM0363"])`): its output, or the
/// text of the error (refused by the argument parser or by the command).
///
/// # Errors
/// The error's text.
pub fn omzien_cli(args: &[&str]) -> Result<String, String> {
    use clap::Parser as _;
    let parsed = omzien_server::cli::Args::try_parse_from(
        std::iter::once("omzien").chain(args.iter().copied()),
    )
    .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    omzien_server::cli::run(&parsed, &mut out).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// The names in a folder, sorted (what a command left there).
///
/// # Panics
/// When the folder cannot be read: that is a test failure.
#[must_use]
#[allow(clippy::unwrap_used)]
pub fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The width and RGBA pixels of a PNG.
///
/// # Panics
/// When the bytes are not a PNG: that is a test failure.
#[must_use]
#[allow(clippy::unwrap_used)]
pub fn decode_png(bytes: &[u8]) -> (u32, Vec<u8>) {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    (info.width, buf)
}

/// Runs a Python check against an independent implementation (`statsmodels`, `scipy`): the
/// script gets the path of a file holding `input` (JSON) as `sys.argv[1]`. `None` (skipped,
/// with the reason printed) when `modules` do not import, except under `CI=true`.
///
/// # Panics
/// When the script fails (its output in the message): that is a test failure.
#[must_use]
#[allow(clippy::unwrap_used, clippy::panic)]
pub fn python_check(modules: &str, script: &str, input: &str) -> Option<String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let mut probe = std::process::Command::new("python3");
    probe.args(["-c", &format!("import {modules}")]);
    if !client_present(&format!("PyPI {modules}"), probe) {
        return None;
    }
    let path = std::env::temp_dir().join(format!(
        "omzien-check-{}-{}.json",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, input).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(said)
}

/// A table in 50150NED's layout with 95 % intervals: the country, gemeente GM9998 and its 40
/// wijken, whose precision differs (effective n 40 to 1,000 in turn); in 2024 wijk 07 lies
/// far above (62 %) and wijk 24 far below (40 %), the rest near 46 %. Each wave of `earlier`
/// holds the same figures except wijk 07 at 50 % and the country 1 pp lower: wijk 07 rose by
/// 12 pp, 11 beyond the country.
///
/// # Panics
/// When the file cannot be written: that is a test failure.
#[allow(clippy::unwrap_used)]
pub fn write_funnel_table(path: &std::path::Path, earlier: &[u16]) {
    use std::fmt::Write as _;
    let mut s = String::from(
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Gemeentenaam_1,SoortRegio_2,Codering_3,Eenzaam_25\n",
    );
    let mut id = 0;
    let z95 = omzien::Z95;
    for (wave, latest) in earlier
        .iter()
        .map(|w| (*w, false))
        .chain(std::iter::once((2024, true)))
    {
        let mut row = |s: &mut String, code: &str, kind: &str, v: f64, half: f64| {
            let name = if kind == "Land" {
                "Nederland"
            } else {
                "Fixtureburg"
            };
            for (margin, x) in [("MW00000", v), ("MOG0095", v - half), ("MBG0095", v + half)] {
                writeln!(
                    s,
                    "{id},20300,{margin},{code:<10},{wave}JJ00,{name},{kind},{code},{x:.1}"
                )
                .unwrap();
                id += 1;
            }
        };
        row(
            &mut s,
            "NL01",
            "Land",
            if latest { 46.0 } else { 45.0 },
            0.2,
        );
        row(&mut s, "GM9998", "Gemeente", 47.0, 1.0);
        for i in 0..40u32 {
            let n = [40.0, 90.0, 200.0, 450.0, 1000.0][i as usize % 5];
            let p: f64 = match i {
                7 if latest => 0.62,
                7 => 0.50,
                24 => 0.40,
                _ => 0.46 + 0.002 * f64::from(i % 9) - 0.008,
            };
            let half = 100.0 * z95 * (p * (1.0 - p) / n).sqrt();
            row(&mut s, &format!("WK9998{i:02}"), "Wijk", 100.0 * p, half);
        }
    }
    std::fs::write(path, s).unwrap();
}

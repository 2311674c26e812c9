//! Mutation fuzzing of every input omzien reads, on stable Rust.
//!
//! Each [`Target`] takes bytes as one input would arrive (a figure table, a boundary file, a
//! weights or groups CSV, a microdata mapping, a respondent file, a URL with its query) and
//! feeds them to the same code `omzien` and `omzien serve` use. [`fuzz`] starts from seed
//! inputs (the fixtures, the malformed corpus `data/fixtures/bad/`, and small generated files),
//! mutates them (bit flips, byte and token insertion from a dictionary of the formats'
//! words, deletion, duplication, truncation, splicing with another input, line swaps, CRLF, BOM,
//! NUL) and keeps every input that gives an outcome not seen before (an error of a kind not
//! seen, or a success) as a new starting point: outcomes stand in for coverage.
//!
//! A failure is a panic, a 5xx answer to a URL, or an input that takes longer than
//! [`SLOW`]. Failures are written to a folder; copied to `fuzz/regressions/<target>/` they are
//! replayed by the test suite on every run.
#![allow(clippy::missing_panics_doc)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::{RngExt as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// An input that takes longer than this is a failure (a hang in the making).
pub const SLOW: Duration = Duration::from_secs(2);

/// What is fuzzed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Figure tables: OData CSV, StatLine web CSV, OData JSON (`Loader`).
    Figures,
    /// Boundary GeoJSON (`Boundaries::from_geojson`).
    Boundaries,
    /// Population weights CSV (`Weights::from_csv`).
    Weights,
    /// Area groups CSV (`Groups::from_csv`).
    Groups,
    /// Microdata mapping TOML (`Mapping::from_toml`).
    Mapping,
    /// Respondent CSV with the default mapping (`aggregate_file`).
    Respondents,
    /// URL paths and query strings of the server (tiles, legend, API), on the demo data.
    Urls,
}

/// Words of the Figures format, inserted whole by the mutator.
const FIGURES_WORDS: &[&str] = &[
    ",",
    ";",
    "\"",
    ".",
    "\n",
    "\r\n",
    "MW00000",
    "MOG0095",
    "MBG0095",
    "53105",
    "20300",
    "80200",
    "2020JJ00",
    "2012JJ00",
    "GM0363    ",
    "WK036300  ",
    "BU03630000",
    "NL01  ",
    "Eenzaam_28",
    "ErnstigZeerErnstigEenzaam_29",
    "ID",
    "Leeftijd",
    "Marges",
    "WijkenEnBuurten",
    "Perioden",
    "-1",
    "100.1",
    "1e309",
    "NaN",
    "{",
    "}",
    "[",
    "]",
    "null",
    "\"value\"",
    "18 jaar of ouder",
    "65 jaar of ouder",
];

/// Words of the Boundaries format, inserted whole by the mutator.
const BOUNDARIES_WORDS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "\"type\"",
    "\"Feature\"",
    "\"FeatureCollection\"",
    "\"Polygon\"",
    "\"MultiPolygon\"",
    "\"coordinates\"",
    "\"properties\"",
    "\"geometry\"",
    "\"features\"",
    "\"GM_CODE\"",
    "\"BU_CODE\"",
    "\"WK_CODE\"",
    "\"crs\"",
    "EPSG:28992",
    "1e308",
    "-180",
    "NaN",
    "0",
];

/// Words of the `code,weight` and `code,group` files, inserted whole by the mutator.
const PAIRS_WORDS: &[&str] = &[
    ",",
    ";",
    "\"",
    "\n",
    "GM0363",
    "WK036300",
    "BU03630000",
    "code",
    "weight",
    "group",
    "population",
    "-1",
    "1e309",
    "NaN",
    "",
];

/// Words of the Mapping format, inserted whole by the mutator.
const MAPPING_WORDS: &[&str] = &[
    "[columns]",
    "[answers]",
    "[waves]",
    "=",
    "\"",
    "[",
    "]",
    ",",
    "\n",
    "id",
    "wave",
    "area",
    "age",
    "weight",
    "items",
    "nee",
    "ja",
    "min_of_meer",
    "missing",
    "2020",
    "\"2020\"",
    "9999999999999999999",
];

/// Words of the Respondents format, inserted whole by the mutator.
const RESPONDENTS_WORDS: &[&str] = &[
    ",",
    ";",
    "\"",
    "\n",
    "BU03630000",
    "GM0363",
    "2020",
    "2016",
    "1",
    "2",
    "3",
    "ja",
    "nee",
    "-1",
    "150",
    "NaN",
    "1e309",
    "",
];

/// Words of the Urls format, inserted whole by the mutator.
const URLS_WORDS: &[&str] = &[
    "/tiles/",
    "/legend",
    "/api/",
    "areas/",
    "figures",
    "risk",
    "trend",
    "search",
    "/tilejson",
    "?",
    "&",
    "=",
    "%",
    "%00",
    "%2F",
    "..",
    "/",
    "level=buurt",
    "level=wijk",
    "indicator=",
    "age=",
    "wave=",
    "from=",
    "to=",
    "method=",
    "fixed:",
    "classes=",
    "bbox=",
    "limit=",
    "format=csv",
    "scale=2",
    "@2x.png",
    ".png",
    "99999999999",
    "-1",
    "nan",
    "BU03630000",
    "GM0363",
    "2012",
    "2020",
    "65+",
    "Eenzaam_28",
    "jenks",
    "quantile",
];

impl Target {
    /// Every target.
    pub const ALL: [Target; 7] = [
        Target::Figures,
        Target::Boundaries,
        Target::Weights,
        Target::Groups,
        Target::Mapping,
        Target::Respondents,
        Target::Urls,
    ];

    /// Its name (also the folder of its regressions and the kind in `expected.tsv`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Target::Figures => "figures",
            Target::Boundaries => "boundaries",
            Target::Weights => "weights",
            Target::Groups => "groups",
            Target::Mapping => "mapping",
            Target::Respondents => "respondents",
            Target::Urls => "urls",
        }
    }

    /// The targets this build can run: all seven, or without the `microdata` feature (no
    /// polars) all but the mapping and respondents targets.
    #[must_use]
    pub fn available() -> Vec<Target> {
        Target::ALL
            .into_iter()
            .filter(|t| {
                cfg!(feature = "microdata") || !matches!(t, Target::Mapping | Target::Respondents)
            })
            .collect()
    }

    /// The target of a name.
    #[must_use]
    pub fn from_name(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == s)
    }

    /// Words of the format, inserted whole by the mutator.
    #[must_use]
    pub fn dictionary(self) -> &'static [&'static str] {
        match self {
            Target::Figures => FIGURES_WORDS,
            Target::Boundaries => BOUNDARIES_WORDS,
            Target::Weights | Target::Groups => PAIRS_WORDS,
            Target::Mapping => MAPPING_WORDS,
            Target::Respondents => RESPONDENTS_WORDS,
            Target::Urls => URLS_WORDS,
        }
    }

    /// Seed inputs: the fixtures of the target's format in `root` (the repository), the
    /// malformed corpus, and small generated inputs.
    #[must_use]
    pub fn seeds(self, root: &Path) -> Vec<Vec<u8>> {
        let fixtures = root.join("data/fixtures");
        let mut seeds = Vec::new();
        let mut add = |p: PathBuf| {
            if let Ok(b) = std::fs::read(&p) {
                seeds.push(b);
            }
        };
        let bad = fixtures.join("bad");
        if let Ok(table) = std::fs::read_to_string(bad.join("expected.tsv")) {
            for line in table.lines() {
                let mut parts = line.split('\t');
                if let (Some(file), Some(kind)) = (parts.next(), parts.next())
                    && kind == self.name()
                {
                    add(bad.join(file));
                }
            }
        }
        match self {
            Target::Figures => {
                for f in [
                    "50090NED_typed_2012_2020.json",
                    "50090NED_web_2020.csv",
                    "odata_bounds.csv",
                ] {
                    add(fixtures.join(f));
                }
            }
            Target::Boundaries => {
                let mut one = String::from(r#"{"type":"FeatureCollection","features":["#);
                for (i, code) in ["GM0363", "GM0599"].iter().enumerate() {
                    let x = 4.0 + i as f64;
                    if i > 0 {
                        one.push(',');
                    }
                    one.push_str(&format!(
                        r#"{{"type":"Feature","properties":{{"GM_CODE":"{code}","GM_NAAM":"A"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},52.0],[{x}.5,52.0],[{x}.5,52.5],[{x},52.5],[{x},52.0]]]}}}}"#
                    ));
                }
                one.push_str("]}");
                seeds.push(one.into_bytes());
            }
            Target::Weights => {
                seeds.push(b"code,weight\nGM0363,872757\nBU03630000,1200\n".to_vec());
            }
            Target::Groups => {
                seeds.push(b"code,group\nBU03630000,Centrum\nWK036300,Centrum\n".to_vec());
            }
            Target::Mapping => {
                seeds.push(
                    concat!(
                        "[columns]\nid = \"respnr\"\nwave = \"jaar\"\narea = \"buurt\"\n",
                        "age = \"leeftijd\"\nweight = \"weging\"\n",
                        "items = [\"a1\", \"a2\", \"a3\", \"a4\", \"a5\", \"a6\", \"a7\", \"a8\", \"a9\", \"a10\", \"a11\"]\n\n",
                        "[answers]\nnee = [\"1\"]\nmin_of_meer = [\"2\"]\nja = [\"3\"]\nmissing = [\"9\"]\n\n",
                        "[waves]\n\"2020\" = 2020\n",
                    )
                    .as_bytes()
                    .to_vec(),
                );
            }
            Target::Respondents => {
                let mut csv = String::from(
                    "id,wave,area,age,sex,weight,dj1,dj2,dj3,dj4,dj5,dj6,dj7,dj8,dj9,dj10,dj11\n",
                );
                for i in 0..20 {
                    csv.push_str(&format!(
                        "{i},2020,BU03630000,{},1,1.0{},1,2,3,1,2,3,1,ja,nee,9,2\n",
                        20 + i * 3,
                        i % 10
                    ));
                }
                seeds.push(csv.into_bytes());
            }
            Target::Urls => {
                for u in [
                    "/tiles/12/2101/1347.png?level=buurt",
                    "/tiles/10/525/336@2x.png?level=wijk&wave=2016&method=jenks&classes=7",
                    "/tiles/9/262/168.png?from=2012&to=2020",
                    "/legend?format=json&level=gemeente&method=fixed:40,50",
                    "/legend.png?scale=2",
                    "/tilejson?level=buurt",
                    "/api/areas/BU03630000?format=csv",
                    "/api/figures?level=wijk&bbox=4.8,52.3,5.0,52.4&format=csv",
                    "/api/risk?mode=both&limit=10&since=2016",
                    "/api/trend/GM0363?from=2012&to=2020",
                    "/api/search?q=Amst",
                    "/api/indicators",
                ] {
                    seeds.push(u.as_bytes().to_vec());
                }
            }
        }
        seeds
    }
}

/// The result of one input: `Ok`, or the error's text.
pub type Outcome = Result<(), String>;

/// Runs targets on inputs; holds what they need between inputs (a scratch folder, the demo
/// server).
pub struct Runner {
    dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    app: axum::Router,
}

impl Runner {
    /// A runner with its own scratch folder and the demo server.
    ///
    /// # Errors
    /// The scratch folder or the runtime cannot be made.
    pub fn new() -> std::io::Result<Self> {
        let state = omzien_server::state::AppState::new(
            omzien::demo::dataset(),
            omzien::demo::boundaries().into(),
            16 << 20,
        );
        Ok(Self {
            dir: tempfile::tempdir()?,
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
            app: omzien_server::routes::app(state),
        })
    }

    /// Feeds `input` to `target`. A panic is not caught here (see [`fuzz`]); a 5xx answer to
    /// a URL is a panic.
    ///
    /// # Panics
    /// When the code under test panics, or answers a URL with a 5xx other than 503.
    pub fn run(&self, target: Target, input: &[u8]) -> Outcome {
        if target == Target::Urls {
            return self.get(input);
        }
        let ext = match target {
            Target::Figures
                if input
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_some_and(|b| *b == b'{' || *b == b'[') =>
            {
                "json"
            }
            Target::Boundaries => "geojson",
            Target::Mapping => "toml",
            _ => "csv",
        };
        let p = self.dir.path().join(format!("input.{ext}"));
        std::fs::write(&p, input).map_err(|e| e.to_string())?;
        Self::run_file(target, &p)
    }

    /// Feeds the file at `path` to `target` (a file target: not [`Target::Urls`]).
    ///
    /// # Errors
    /// The loader's error, as text.
    pub fn run_file(target: Target, path: &Path) -> Outcome {
        #[cfg(feature = "microdata")]
        use omzien::microdata::{Mapping, MicrodataOptions, aggregate_file};
        let text = |e: &dyn std::fmt::Display| e.to_string();
        match target {
            Target::Figures => omzien::Loader::new()
                .load([path])
                .map(|_| ())
                .map_err(|e| text(&e)),
            Target::Boundaries => omzien::Boundaries::from_geojson(path)
                .map(|_| ())
                .map_err(|e| text(&e)),
            Target::Weights => omzien::Weights::from_csv(path)
                .map(|_| ())
                .map_err(|e| text(&e)),
            Target::Groups => omzien::Groups::from_csv(path)
                .map(|_| ())
                .map_err(|e| text(&e)),
            #[cfg(feature = "microdata")]
            Target::Mapping => Mapping::from_toml(path).map(|_| ()).map_err(|e| text(&e)),
            #[cfg(feature = "microdata")]
            Target::Respondents => {
                aggregate_file(path, &Mapping::default(), &MicrodataOptions::default())
                    .map(|_| ())
                    .map_err(|e| text(&e))
            }
            #[cfg(not(feature = "microdata"))]
            Target::Mapping | Target::Respondents => {
                Err("built without the microdata feature: this target is not available".into())
            }
            Target::Urls => Err("URLs are not files".into()),
        }
    }

    fn get(&self, input: &[u8]) -> Outcome {
        use tower::ServiceExt as _;
        // What a client can send: printable ASCII, starting with a slash.
        let text: String = input
            .iter()
            .map(|&b| {
                if (0x21..0x7f).contains(&b) {
                    b as char
                } else {
                    '%'
                }
            })
            .collect();
        let uri = if text.starts_with('/') {
            text
        } else {
            format!("/{text}")
        };
        let Ok(req) = axum::http::Request::get(uri.as_str()).body(axum::body::Body::empty()) else {
            return Err("not a request URI".into());
        };
        let res = self
            .rt
            .block_on(self.app.clone().oneshot(req))
            .map_err(|e| e.to_string())?;
        let status = res.status();
        assert!(
            !status.is_server_error() || status == axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "{uri}: {status}"
        );
        if status.is_success() {
            Ok(())
        } else {
            // The error's text tells the ways through the parsers apart.
            let body = self
                .rt
                .block_on(axum::body::to_bytes(res.into_body(), 1 << 16))
                .unwrap_or_default();
            Err(format!(
                "status {}: {}",
                status.as_u16(),
                String::from_utf8_lossy(&body)
            ))
        }
    }
}

/// What an outcome says, without the numbers and names that differ from input to input: inputs
/// with the same signature took the same way through the code, roughly.
fn signature(o: &Outcome) -> String {
    match o {
        Ok(()) => "ok".into(),
        Err(e) => {
            let mut s = String::new();
            let mut last_digit = false;
            for c in e.chars() {
                if c.is_ascii_digit() {
                    if !last_digit {
                        s.push('#');
                    }
                    last_digit = true;
                } else {
                    last_digit = false;
                    s.push(c);
                }
            }
            // Quoted values (a cell, a column name) differ per input too.
            let mut out = String::new();
            let mut quoted = false;
            for c in s.chars() {
                if c == '"' {
                    quoted = !quoted;
                    out.push('"');
                } else if !quoted {
                    out.push(c);
                }
            }
            out.chars().take(120).collect()
        }
    }
}

/// One mutation of `input`.
fn mutate(rng: &mut Pcg64Mcg, input: &[u8], corpus: &[Vec<u8>], dict: &[&str]) -> Vec<u8> {
    let mut v = input.to_vec();
    let rounds = 1 + rng.random_range(0..4);
    for _ in 0..rounds {
        let len = v.len();
        let at = |rng: &mut Pcg64Mcg| {
            if len == 0 {
                0
            } else {
                rng.random_range(0..=len)
            }
        };
        match rng.random_range(0..12u8) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                v[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                v[i] = rng.random();
            }
            2 => {
                let i = at(rng);
                v.insert(i, rng.random());
            }
            3 | 4 => {
                let i = at(rng);
                let w = dict[rng.random_range(0..dict.len())];
                v.splice(i..i, w.bytes());
            }
            5 if len > 0 => {
                let i = rng.random_range(0..len);
                let n = rng.random_range(1..=(len - i).min(64));
                v.drain(i..i + n);
            }
            6 if len > 0 => {
                let i = rng.random_range(0..len);
                let n = rng.random_range(1..=(len - i).min(256));
                let part = v[i..i + n].to_vec();
                let j = at(rng);
                v.splice(j..j, part);
            }
            7 if len > 0 => v.truncate(rng.random_range(0..len)),
            8 if !corpus.is_empty() => {
                let other = &corpus[rng.random_range(0..corpus.len())];
                if !other.is_empty() {
                    let cut = rng.random_range(0..other.len());
                    let i = at(rng);
                    v.truncate(i);
                    v.extend_from_slice(&other[cut..]);
                }
            }
            9 => {
                // Two lines swapped.
                let mut lines: Vec<Vec<u8>> =
                    v.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                if lines.len() > 2 {
                    let a = rng.random_range(0..lines.len());
                    let b = rng.random_range(0..lines.len());
                    lines.swap(a, b);
                    v = lines.join(&b'\n');
                }
            }
            10 => {
                let special: &[&[u8]] = &[b"\r\n", b"\xEF\xBB\xBF", b"\0", b"\xff\xfe", b"\"\""];
                let s = special[rng.random_range(0..special.len())];
                let i = if rng.random_bool(0.2) { 0 } else { at(rng) };
                v.splice(i..i, s.iter().copied());
            }
            _ => {
                // A run of digits or of a repeated byte: long numbers, long lines.
                let i = at(rng);
                let n = 1 << rng.random_range(0..12);
                let b = if rng.random_bool(0.5) {
                    b'9'
                } else {
                    rng.random()
                };
                v.splice(i..i, std::iter::repeat_n(b, n));
            }
        }
        v.truncate(1 << 20);
    }
    v
}

/// A failure: the input and what happened.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The input.
    pub input: Vec<u8>,
    /// The panic message, or how long the input took.
    pub what: String,
}

/// What a fuzzing run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Inputs run.
    pub execs: u64,
    /// Seconds it took.
    pub seconds: f64,
    /// Inputs kept as starting points.
    pub corpus: usize,
    /// Distinct outcomes seen.
    pub outcomes: usize,
    /// Inputs that loaded or were answered with success.
    pub accepted: u64,
    /// The slowest input, seconds.
    pub slowest: f64,
    /// Failures.
    pub failures: Vec<Failure>,
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panic".into())
}

/// Runs `target` on its seeds and then on mutations until `budget` passes or `max_execs`
/// inputs ran, from `seed` (the same seed and count give the same inputs).
///
/// Panics of the code under test are caught and reported (the panic hook is silenced for the
/// run), and so is every input slower than [`SLOW`].
#[must_use]
pub fn fuzz(
    runner: &Runner,
    target: Target,
    root: &Path,
    budget: Duration,
    max_execs: u64,
    seed: u64,
) -> Report {
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ (target as u64).wrapping_mul(0x9E37_79B9));
    let dict = target.dictionary();
    let mut corpus = target.seeds(root);
    let mut seen: HashSet<String> = HashSet::new();
    let mut report = Report::default();
    let start = Instant::now();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut i = 0usize;
    while start.elapsed() < budget && report.execs < max_execs {
        let input = if i < corpus.len() {
            corpus[i].clone()
        } else {
            let Some(base) = corpus.get(rng.random_range(0..corpus.len().max(1))) else {
                break;
            };
            mutate(&mut rng, base, &corpus, dict)
        };
        i += 1;
        let t = Instant::now();
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.run(target, &input)));
        let took = t.elapsed();
        report.execs += 1;
        report.slowest = report.slowest.max(took.as_secs_f64());
        match result {
            Err(p) => report.failures.push(Failure {
                input,
                what: format!("panic: {}", panic_text(p.as_ref())),
            }),
            Ok(outcome) => {
                if took > SLOW {
                    report.failures.push(Failure {
                        input: input.clone(),
                        what: format!("slow: {:.1} s", took.as_secs_f64()),
                    });
                }
                if outcome.is_ok() {
                    report.accepted += 1;
                }
                if seen.insert(signature(&outcome)) && corpus.len() < 4096 && i > corpus.len() {
                    corpus.push(input);
                }
            }
        }
    }
    std::panic::set_hook(hook);
    report.seconds = start.elapsed().as_secs_f64();
    report.corpus = corpus.len();
    report.outcomes = seen.len();
    report
}

/// The regression inputs of a target under `root/fuzz/regressions/<target>/`.
#[must_use]
pub fn regressions(root: &Path, target: Target) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = root.join("fuzz/regressions").join(target.name());
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.path(), std::fs::read(e.path()).ok()?)))
        .collect();
    out.sort();
    out
}

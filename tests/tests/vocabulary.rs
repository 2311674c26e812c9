//! One vocabulary for every interface: the same question asked of the command line and of the
//! HTTP API gets the same resolution, the same refusal or the same rows. Runs on the synthetic
//! demo (always) and, for the names only the country has, on the national files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use axum::Router;
use axum::http::StatusCode;
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{csv_rows, http_get as get, national, national_dataset, omzien_cli as omzien};
use serde_json::Value;

fn demo_app() -> Router {
    app(AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        8 << 20,
    ))
}

/// `%`-encodes a path segment or a query value (spaces, `+`, quotes, brackets, accents).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The message after the parameter's name (`AREA: no area …` and `code: no area …` say the
/// same after their first `: `).
fn message(e: &str) -> &str {
    e.split_once(": ").map_or(e, |(_, m)| m)
}

/// What the API answered: the JSON, or the status and error message.
async fn api(app: &Router, uri: &str) -> Result<Value, (StatusCode, String)> {
    let (s, _, body) = get(app, uri, &[]).await;
    let v: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    if s == StatusCode::OK {
        Ok(v)
    } else {
        Err((s, v["error"].as_str().unwrap_or_default().to_owned()))
    }
}

/// What the CLI answered as JSON, or its error's text.
fn cli(args: &[&str], data: &[&str]) -> Result<Value, String> {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    all.extend_from_slice(data);
    omzien(&all).map(|out| serde_json::from_str(&out).unwrap())
}

/// How a name resolves, or why not.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// To this code.
    Code(&'static str),
    /// Refused; the message contains this, and the API answers with this status.
    Refused(&'static str, StatusCode),
}

/// Asks `area TEXT` of the CLI and `/api/areas/TEXT` of the API; both must give `want`.
async fn same_area(app: &Router, data: &[&str], text: &str, want: Expect) {
    let c = cli(&["area", text], data);
    let a = api(app, &format!("/api/areas/{}", enc(text))).await;
    match want {
        Expect::Code(code) => {
            let c = c.unwrap_or_else(|e| panic!("CLI area {text:?}: {e}"));
            let a = a.unwrap_or_else(|e| panic!("API /api/areas/{text}: {e:?}"));
            assert_eq!(c["area"]["code"], code, "CLI area {text:?}");
            assert_eq!(a["area"]["code"], code, "API /api/areas/{text}");
        }
        Expect::Refused(needle, status) => {
            refused_alike(text, (c, "AREA: "), (a, "code: "), needle, status);
        }
    }
}

/// Asks `risk --gemeente TEXT --mode high` of the CLI and `/api/risk?gemeente=TEXT&mode=high`
/// of the API: the same rows, or the same refusal.
async fn same_gemeente(app: &Router, data: &[&str], text: &str, want: Expect) {
    let c = cli(
        &[
            "risk",
            "--gemeente",
            text,
            "--level",
            "buurt",
            "--mode",
            "high",
        ],
        data,
    );
    let a = api(
        app,
        &format!("/api/risk?level=buurt&mode=high&gemeente={}", enc(text)),
    )
    .await;
    match want {
        Expect::Code(code) => {
            let c = c.unwrap_or_else(|e| panic!("CLI --gemeente {text:?}: {e}"));
            let a = a.unwrap_or_else(|e| panic!("API gemeente={text}: {e:?}"));
            let cli_codes = column(&c, "code");
            let api_codes = column(&a, "code");
            assert!(!cli_codes.is_empty(), "{text:?}: no risk areas");
            assert_eq!(cli_codes, api_codes, "{text:?}: the same rows");
            let digits = &code[2..];
            assert!(
                cli_codes.iter().all(|c| c[2..].starts_with(digits)),
                "{text:?}: rows outside {code}: {cli_codes:?}"
            );
        }
        Expect::Refused(needle, status) => {
            refused_alike(text, (c, "--gemeente: "), (a, "gemeente: "), needle, status);
        }
    }
}

/// Both sides refused `text` with the same message, each under its own name for the
/// argument (`AREA: `, `code: `), the API with `status`.
fn refused_alike(
    text: &str,
    (c, cli_name): (Result<Value, String>, &str),
    (a, api_name): (Result<Value, (StatusCode, String)>, &str),
    needle: &str,
    status: StatusCode,
) {
    let c = c.expect_err(&format!("CLI {text:?} resolved"));
    let (s, m) = a.expect_err(&format!("API {text:?} resolved"));
    assert_eq!(s, status, "{text:?}: {m}");
    assert!(c.starts_with(cli_name), "the CLI names its argument: {c}");
    assert!(m.starts_with(api_name), "the API names its parameter: {m}");
    assert_eq!(message(&c), message(&m), "{text:?}: the same refusal");
    assert!(
        message(&c).contains(needle),
        "{text:?}: {c:?} lacks {needle:?}"
    );
}

/// The `key` of every row of an answer.
fn column(v: &Value, key: &str) -> Vec<String> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn names_resolve_alike_on_the_command_line_and_the_api() {
    let app = demo_app();
    let centrum = omzien::demo::dataset()
        .resolve_area("Centrum", None)
        .unwrap()
        .to_string();
    assert!(centrum.starts_with("WK"), "{centrum}");
    let centrum: &'static str = Box::leak(centrum.into_boxed_str());
    use Expect::{Code, Refused};
    let cases: &[(&str, Expect)] = &[
        ("GM9999", Code("GM9999")),
        ("gm9999", Code("GM9999")),
        ("Omzienrade", Code("GM9999")),
        ("  OMZIENRADE (synthetisch) ", Code("GM9999")),
        // A wijk by its name.
        ("centrum", Code(centrum)),
        // A typo: refused with the close name, never resolved to a guess.
        (
            "Omzienrde",
            Refused(
                "did you mean Omzienrade (synthetisch) (GM9999)",
                StatusCode::NOT_FOUND,
            ),
        ),
        // Part of a name is suggested, not taken.
        ("Omzien", Refused("did you mean", StatusCode::NOT_FOUND)),
        // A code the data lacks, and text that is no code.
        (
            "GM9998",
            Refused("no area \"GM9998\"", StatusCode::NOT_FOUND),
        ),
        ("XX12", Refused("no area \"XX12\"", StatusCode::NOT_FOUND)),
    ];
    for (text, want) in cases {
        same_area(&app, &[], text, *want).await;
    }
    let gemeenten: &[(&str, Expect)] = &[
        ("GM9999", Code("GM9999")),
        ("omzienrade", Code("GM9999")),
        (
            centrum,
            Refused("is a wijk, not a gemeente", StatusCode::BAD_REQUEST),
        ),
        (
            "Centrum",
            Refused("no gemeente \"Centrum\"", StatusCode::NOT_FOUND),
        ),
        (
            "GM9998",
            Refused(
                "did you mean Omzienrade (synthetisch) (GM9999)",
                StatusCode::NOT_FOUND,
            ),
        ),
    ];
    for (text, want) in gemeenten {
        same_gemeente(&app, &[], text, *want).await;
    }
}

#[tokio::test]
async fn national_names_resolve_alike_and_shared_names_are_ambiguous() {
    let Some(dir) = national() else { return };
    let _ = national_dataset();
    let d = dir.join("rivm-50090NED").display().to_string();
    // Wijk names from the boundary file, for both.
    let wijken = dir.join("cbs-2020/wijken_2020.geojson");
    let w = wijken.display().to_string();
    let app = app(AppState::new(
        national_dataset().unwrap().clone(),
        vec![omzien::Boundaries::from_geojson(&wijken).unwrap()],
        8 << 20,
    ));
    let data: &[&str] = &["--data", &d, "--boundaries", &w];
    use Expect::{Code, Refused};
    let cases: &[(&str, Expect)] = &[
        ("Amsterdam", Code("GM0363")),
        ("den haag", Code("GM0518")),
        ("'s-Gravenhage", Code("GM0518")),
        ("Súdwest-Fryslân", Code("GM1900")),
        ("Bergen (NH.)", Code("GM0373")),
        // Two gemeenten are called Bergen: refused with both, never one of them.
        (
            "Bergen",
            Refused(
                "\"Bergen\" names 2 areas: Bergen (NH.) (GM0373), Bergen (L.) (GM0893)",
                StatusCode::BAD_REQUEST,
            ),
        ),
        (
            "Amsterdm",
            Refused("did you mean Amsterdam (GM0363)", StatusCode::NOT_FOUND),
        ),
        // A wijk by the name its boundary file gives it.
        ("Bedrijventerrein Sloterdijk", Code("WK036311")),
        // Seventeen wijken are called Centrum: every one is a candidate, none is chosen.
        (
            "Centrum",
            Refused(
                "\"Centrum\" names 17 areas: Centrum (WK",
                StatusCode::BAD_REQUEST,
            ),
        ),
    ];
    for (text, want) in cases {
        same_area(&app, data, text, *want).await;
    }
    for (text, want) in [
        ("Rotterdam", Code("GM0599")),
        ("Bergen", Refused("names 2 areas", StatusCode::BAD_REQUEST)),
        (
            "WK036300",
            Refused("is a wijk, not a gemeente", StatusCode::BAD_REQUEST),
        ),
    ] {
        same_gemeente(&app, data, text, want).await;
    }
    // The report takes the same names, and refuses the same way.
    let (s, _, body) = get(&app, "/report/Bergen.pdf", &[]).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r.pdf");
    let e = omzien(&[
        "report",
        "Bergen",
        "--data",
        &d,
        "--out",
        out.to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(
        e.starts_with("GEMEENTE: ") && e.contains("names 2 areas"),
        "{e}"
    );
    let e = omzien(&[
        "report",
        "WK036300",
        "--data",
        &d,
        "--out",
        out.to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(
        e.contains("is a wijk, not a gemeente") && e.contains("Amsterdam"),
        "{e}"
    );
}

/// The codes of the CLI's and the API's risk rows for the same parameters.
async fn risk_codes(app: &Router, cli_args: &[&str], query: &str) -> (Vec<String>, Vec<String>) {
    let mut args = vec!["risk"];
    args.extend_from_slice(cli_args);
    let c = cli(&args, &[]).unwrap_or_else(|e| panic!("CLI {cli_args:?}: {e}"));
    let a = api(app, &format!("/api/risk?{query}"))
        .await
        .unwrap_or_else(|e| panic!("API {query}: {e:?}"));
    (column(&c, "code"), column(&a, "code"))
}

#[tokio::test]
async fn spellings_are_accepted_alike_everywhere() {
    let app = demo_app();
    let (base_cli, base_api) = risk_codes(&app, &["--age", "65+"], "age=65%2B").await;
    assert!(!base_cli.is_empty());
    assert_eq!(base_cli, base_api);
    // `age=65+` as typed in a URL arrives as "65 " and is the same age group.
    for (spelling, query) in [
        ("65plus", "age=65plus"),
        ("65 jaar of ouder", "age=65%20jaar%20of%20ouder"),
        ("65 years and older", "age=65+years+and+older"),
        ("80200", "age=80200"),
        ("65+", "age=65+"),
    ] {
        let (c, a) = risk_codes(&app, &["--age", spelling], query).await;
        assert_eq!(c, base_cli, "CLI --age {spelling:?}");
        assert_eq!(a, base_api, "API {query}");
    }
    // `latest` is the latest wave; `wijken` and `district` are the wijk level.
    let (c2020, a2020) = risk_codes(&app, &["--wave", "2020"], "wave=2020").await;
    let (c, a) = risk_codes(&app, &["--wave", "latest"], "wave=latest").await;
    assert_eq!((c, a), (c2020, a2020));
    let (cw, aw) = risk_codes(&app, &["--level", "wijk"], "level=wijk").await;
    for spelling in ["wijken", "district", "Wijk"] {
        let (c, a) = risk_codes(&app, &["--level", spelling], &format!("level={spelling}")).await;
        assert_eq!((&c, &a), (&cw, &aw), "{spelling}");
    }
    // A spelling nobody accepts is refused alike, listing what is.
    let c = cli(&["risk", "--age", "75+"], &[]).unwrap_err();
    let (s, m) = api(&app, "/api/risk?age=75%2B").await.unwrap_err();
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(message(&c), message(&m));
    assert!(
        c.starts_with("--age: ") && m.starts_with("age: "),
        "{c} / {m}"
    );
    for accepted in ["18+", "65+", "65plus", "20300", "65%2B"] {
        assert!(c.contains(accepted), "{c} lacks {accepted}");
    }
}

#[tokio::test]
async fn refusals_where_silence_would_mislead() {
    let app = demo_app();
    // Unknown parameters are refused with what the route takes.
    for (uri, needle) in [
        ("/api/risk?gemente=GM9999", "\"gemente\""),
        ("/api/figures?gemeente=GM9999", "\"gemeente\""),
        ("/api/areas?lvl=wijk", "\"lvl\""),
        ("/tiles/3/0/0.png?wve=2020", "\"wve\""),
        ("/legend?indicatr=x", "\"indicatr\""),
    ] {
        let (s, m) = api(&app, uri).await.unwrap_err();
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {m}");
        assert!(m.contains(needle) && m.contains("takes"), "{uri}: {m}");
    }
    let (_, m) = api(&app, "/api/risk?gemente=GM9999").await.unwrap_err();
    assert!(m.contains("gemeente"), "the accepted names are listed: {m}");
    // Reversed waves are refused by every interface with the same words.
    let reversed = "2020 is after 2012";
    let c = cli(&["trend", "--from", "2020", "--to", "2012"], &[]).unwrap_err();
    assert!(c.starts_with("--from: ") && c.contains(reversed), "{c}");
    let (s, m) = api(&app, "/api/figures?from=2020&to=2012")
        .await
        .unwrap_err();
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(message(&c), message(&m));
    let tmp = tempfile::tempdir().unwrap();
    let e = omzien(&[
        "export",
        "tiles",
        "--out",
        tmp.path().join("t.pmtiles").to_str().unwrap(),
        "--change",
        "2020-2012",
    ])
    .unwrap_err();
    assert!(e.starts_with("--change: ") && e.contains(reversed), "{e}");
    // `risk --since` the wave ranked says so, not "two different waves".
    let c = cli(&["risk", "--since", "2020"], &[]).unwrap_err();
    let (_, m) = api(&app, "/api/risk?since=2020").await.unwrap_err();
    assert_eq!(c, m, "the same message");
    assert!(
        c.contains("since 2020") && c.contains("earlier wave"),
        "{c}"
    );
    // A report whose --since leaves nothing to compare.
    let e = omzien(&[
        "report",
        "GM9999",
        "--since",
        "2020",
        "--out",
        tmp.path().join("r.pdf").to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(e.contains("no change to report"), "{e}");
    assert!(!tmp.path().join("r.pdf").exists());
    // --format a command cannot honour, and a gemeente beside --all.
    let e = omzien(&["report", "GM9999", "--out", "x.pdf", "--format", "json"]).unwrap_err();
    assert!(e.starts_with("--format: "), "{e}");
    let e = omzien(&["report", "GM9999", "--all", "--out", "dir"]).unwrap_err();
    assert!(e.contains("--all"), "{e}");
}

#[tokio::test]
async fn cut_lists_say_so() {
    let app = demo_app();
    let all = api(&app, "/api/risk?mode=high&level=buurt").await.unwrap();
    let total = all["total"].as_u64().unwrap();
    assert_eq!(all["rows"].as_array().unwrap().len() as u64, total);
    assert_eq!(all["truncated"], false);
    // The CLI gives the same number of areas.
    let c = cli(&["risk", "--mode", "high", "--level", "buurt"], &[]).unwrap();
    assert_eq!(c["rows"].as_array().unwrap().len() as u64, total);
    assert!(total > 2, "{total}");
    let cut = api(&app, "/api/risk?mode=high&level=buurt&limit=2")
        .await
        .unwrap();
    assert_eq!(cut["rows"].as_array().unwrap().len(), 2);
    assert_eq!(cut["total"], total);
    assert_eq!(cut["truncated"], true);
    let (s, h, _) = get(
        &app,
        "/api/risk?mode=high&level=buurt&limit=2&format=csv",
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["x-total-count"], total.to_string().as_str());
    assert_eq!(h["x-truncated"], "true");
}

#[tokio::test]
async fn one_answer_has_one_shape_on_both_sides() {
    let app = demo_app();
    // The area: the same CSV columns and cells, the same JSON rows and trends.
    let c = omzien(&["area", "Centrum", "--format", "csv"]).unwrap();
    let (_, _, a) = get(&app, "/api/areas/Centrum?format=csv", &[]).await;
    let a = String::from_utf8(a).unwrap();
    assert_eq!(c, a, "the CLI's area CSV is the API's");
    let (headers, rows) = csv_rows(&c);
    assert_eq!(&headers[..3], ["code", "name", "level"]);
    assert!(headers.contains(&"status".to_owned()) && headers.contains(&"lower".to_owned()));
    assert!(rows.iter().all(|r| r["code"].starts_with("WK")));
    // Missing values are empty numbers with a status, never a dot or a dash.
    for r in &rows {
        assert!(![".", "–", "-"].contains(&r["value"].as_str()), "{r:?}");
        assert!(r["value"].is_empty() == (r["status"] != "value"), "{r:?}");
    }
    // The table for people shows the trends the CSV and JSON carry.
    let table = omzien(&["area", "Centrum"]).unwrap();
    let after = table
        .split_once("\ntrends (changes within ±2 pp count as stable):\n")
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("no trends in {table}"));
    assert!(
        after.starts_with("indicator ") && after.contains("2012  2020"),
        "{after}"
    );
    let cj = cli(&["area", "Centrum"], &[]).unwrap();
    let aj = api(&app, "/api/areas/Centrum").await.unwrap();
    for key in ["dataset", "rows", "trends", "selection"] {
        assert_eq!(cj[key], aj[key], "{key}");
    }
    // The risk list: the same columns and the same areas in the same order.
    let c = omzien(&["risk", "--format", "csv"]).unwrap();
    let (_, _, a) = get(&app, "/api/risk?format=csv", &[]).await;
    let (ch, crows) = csv_rows(&c);
    let (ah, arows) = csv_rows(&String::from_utf8(a).unwrap());
    assert_eq!(ch, ah);
    assert!(!crows.is_empty());
    assert_eq!(crows.len(), arows.len());
    for (x, y) in crows.iter().zip(&arows) {
        for col in [
            "rank", "ranked", "code", "name", "value", "delta", "gemeente", "national",
        ] {
            assert_eq!(x[col], y[col], "{col}");
        }
    }
    let cj = cli(&["risk"], &[]).unwrap();
    let aj = api(&app, "/api/risk").await.unwrap();
    assert_eq!(cj["total"], aj["total"]);
    assert_eq!(
        cj["rows"].as_array().unwrap().len(),
        aj["rows"].as_array().unwrap().len()
    );
}

//! The council summary (`omzien brief`, `/api/areas/{code}/summary`): for every gemeente of the
//! national data, in Dutch and English, every number of the text is a fact of the statement
//! it says (parsed back), no sentence is over 25 words and the mean at most 15 (plain
//! language, measured); verdicts agree with `compare`, `trend` and `risk`; opposite situations
//! get opposite sentences; the DOCX reads back with PyPI python-docx; the demo says it is
//! synthetic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::collections::HashSet;

use axum::http::StatusCode;
use omzien::{AgeGroup, AreaCode, Dataset, GemeenteCode, Indicator, Level, SummaryQuery, Wave};
use omzien_render::{Lang, Part, brief};
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{http_get, national, national_dataset, omzien_cli, python_check};
use serde_json::Value;

/// Every number in a JSON value, from numbers and from digits in strings (`"18+"`: 18).
fn numbers_of(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => {
            let x = n.as_f64().unwrap();
            out.extend([x, x.abs(), x * 100.0]);
        }
        Value::String(s) => out.extend(numbers_in(s)),
        Value::Array(a) => a.iter().for_each(|x| numbers_of(x, out)),
        Value::Object(o) => {
            // A list's length is a number a sentence may say ("10 wijken").
            for x in o.values() {
                if let Value::Array(a) = x {
                    out.push(a.len() as f64);
                }
                numbers_of(x, out);
            }
        }
        _ => {}
    }
}

/// The numbers written in a text: `53,2` and `53.2` alike, `1.234` thousands not used.
fn numbers_in(text: &str) -> Vec<f64> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < b.len() && (b[i] == b',' || b[i] == b'.') && b[i + 1].is_ascii_digit() {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            out.push(text[start..i].replace(',', ".").parse().unwrap());
        } else {
            i += 1;
        }
    }
    out
}

/// The names a statement holds (removed from the text before its numbers are read: a wijk
/// may be called "Wijk 03").
fn names_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == "name"
                    && let Some(s) = x.as_str()
                {
                    out.push(s.to_owned());
                }
                names_of(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| names_of(x, out)),
        _ => {}
    }
}

/// Checks one summary: numbers traced, no placeholder, plain language. Returns the words of
/// the main text's sentences.
fn check(ds: &Dataset, g: GemeenteCode, lang: Lang) -> Vec<usize> {
    let s = SummaryQuery::new(ds, g).run(ds).unwrap();
    let b = brief(ds, &s, lang);
    let statements: Vec<Value> = s
        .statements
        .iter()
        .map(|st| serde_json::to_value(st).unwrap())
        .collect();
    let mut lengths = Vec::new();
    for part in b.paragraphs.iter().flatten() {
        let (texts, at): (Vec<&str>, usize) = match part {
            Part::Sentence(x) => (vec![x.text.as_str()], x.statement),
            Part::List { items, statement } => {
                (items.iter().map(String::as_str).collect(), *statement)
            }
            _ => unreachable!(),
        };
        let st = &statements[at];
        let mut allowed = Vec::new();
        numbers_of(st, &mut allowed);
        // The gemeente's name, and the age words of the age groups ("18 jaar en ouder").
        let mut names = vec![s.name.clone()];
        names_of(st, &mut names);
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for text in texts {
            for bad in ["{", "}", "NaN", "inf", "()", "  ", " .", " ,"] {
                assert!(!text.contains(bad), "{g} {lang:?}: {bad:?} in {text:?}");
            }
            assert!(!text.trim().is_empty());
            let mut bare = text.to_owned();
            for n in &names {
                if !n.is_empty() {
                    bare = bare.replace(n.as_str(), "");
                }
            }
            for x in numbers_in(&bare) {
                assert!(
                    allowed.iter().any(|a| (a - x).abs() < 0.051),
                    "{g} {lang:?}: {x} in {text:?} is no fact of {st}"
                );
            }
            if matches!(part, Part::Sentence(_)) {
                let words = text.split_whitespace().count();
                assert!(words <= 25, "{g} {lang:?}: {words} words: {text:?}");
                lengths.push(words);
            }
        }
    }
    lengths
}

#[test]
fn every_gemeente_in_both_languages_says_only_its_facts_in_short_sentences() {
    let Some(ds) = national_dataset() else { return };
    let gemeenten = ds.areas(Level::Gemeente, None);
    assert_eq!(gemeenten.len(), 355);
    let mut worst_mean: (f64, String) = (0.0, String::new());
    for lang in [Lang::Nl, Lang::En] {
        for &c in &gemeenten {
            let AreaCode::Gemeente(g) = c else {
                unreachable!()
            };
            let lengths = check(ds, g, lang);
            assert!(lengths.len() >= 6, "{g}: {lengths:?}");
            let mean = lengths.iter().sum::<usize>() as f64 / lengths.len() as f64;
            assert!(mean <= 15.0, "{g} {lang:?}: mean {mean:.1} words");
            if mean > worst_mean.0 {
                worst_mean = (mean, format!("{g} {lang:?}"));
            }
        }
    }
    println!(
        "longest mean sentence: {:.1} words ({})",
        worst_mean.0, worst_mean.1
    );
}

/// The verdicts and figures of the summary are those of `compare`, `trend` and `risk`.
#[test]
fn verdicts_agree_with_compare_trend_and_risk() {
    let Some(ds) = national_dataset() else { return };
    let ams: GemeenteCode = "GM0363".parse().unwrap();
    let s = SummaryQuery::new(ds, ams).run(ds).unwrap();
    let js: Vec<Value> = s
        .statements
        .iter()
        .map(|st| serde_json::to_value(st).unwrap())
        .collect();
    let w20 = Wave::new(2020);
    // The level: compare's verdict against the country.
    let c = omzien::CompareQuery::new(AreaCode::Gemeente(ams), omzien::Benchmark::National, w20)
        .with_indicators(vec![Indicator::LONELY])
        .run(ds)
        .unwrap();
    let level = js.iter().find(|v| v["kind"] == "level").unwrap();
    assert_eq!(
        level["verdict"],
        serde_json::to_value(c.rows[0].verdict_95).unwrap()
    );
    assert_eq!(level["fact"]["value"], 53.2);
    // The changes: trend's deltas.
    for (from, since_first) in [(2012, true), (2016, false)] {
        let t = omzien::TrendQuery::new(Indicator::LONELY, Wave::new(from), w20)
            .area(ds, AreaCode::Gemeente(ams))
            .unwrap();
        let ch = js
            .iter()
            .find(|v| v["kind"] == "change" && v["since_first"] == since_first && v["age"] == "18+")
            .unwrap();
        assert_eq!(ch["delta"].as_f64(), t.delta, "{ch}");
    }
    // The risk areas: omzien risk's lists within the gemeente.
    let risk = |mode: &str| -> HashSet<String> {
        let out = omzien_cli(&[
            "risk",
            "--gemeente",
            "GM0363",
            "--level",
            "wijk",
            "--mode",
            mode,
            "--since",
            "2012",
            "--data",
            national().unwrap().join("rivm-50090NED").to_str().unwrap(),
            "-f",
            "json",
        ])
        .unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = js.iter().find(|v| v["kind"] == "risk_areas").unwrap();
    let codes = |k: &str| -> HashSet<String> {
        r[k].as_array()
            .unwrap()
            .iter()
            .map(|a| a["area"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes("high"), risk("high"));
    assert_eq!(codes("rising"), risk("rising"));
    assert_eq!(codes("both"), risk("both"));
    assert!(!codes("high").is_empty());
}

/// A gemeente below the country and one above, one falling and one rising, get opposite
/// sentences.
#[test]
fn opposite_situations_get_opposite_sentences() {
    let Some(ds) = national_dataset() else { return };
    let mut lower = None;
    let mut higher = None;
    let mut falling = None;
    let mut rising = None;
    for c in ds.areas(Level::Gemeente, None) {
        let AreaCode::Gemeente(g) = c else { continue };
        let s = SummaryQuery::new(ds, g).run(ds).unwrap();
        for st in &s.statements {
            match st {
                omzien::Statement::Level { verdict, age, .. } if *age == AgeGroup::ADULTS => {
                    match verdict {
                        omzien::Verdict::Lower if lower.is_none() => lower = Some(g),
                        omzien::Verdict::Higher if higher.is_none() => higher = Some(g),
                        _ => {}
                    }
                }
                omzien::Statement::Change {
                    delta,
                    since_first: false,
                    age,
                    ..
                } if *age == AgeGroup::ADULTS => {
                    if *delta < -2.0 && falling.is_none() {
                        falling = Some(g);
                    } else if *delta > 2.0 && rising.is_none() {
                        rising = Some(g);
                    }
                }
                _ => {}
            }
        }
    }
    let text = |g: GemeenteCode| {
        let s = SummaryQuery::new(ds, g).run(ds).unwrap();
        brief(ds, &s, Lang::Nl).text()
    };
    let (lower, higher) = (text(lower.unwrap()), text(higher.unwrap()));
    assert!(
        lower.contains("Dat is minder dan in heel Nederland")
            && !lower.contains("Dat is meer dan in heel Nederland (47,0%)"),
        "{lower}"
    );
    assert!(
        higher.contains("Dat is meer dan in heel Nederland (47,0%)"),
        "{higher}"
    );
    let (falling, rising) = (text(falling.unwrap()), text(rising.unwrap()));
    assert!(falling.contains("is het aandeel gedaald met"), "{falling}");
    assert!(rising.contains("is het aandeel gestegen met"), "{rising}");
}

/// The words of the command line, the API and the DOCX are one text; the demo says it is
/// synthetic; bad input is a clear error.
#[tokio::test]
async fn the_command_the_api_and_the_docx_say_the_same() {
    let ds = omzien::demo::dataset();
    let md = omzien_cli(&["brief", "GM9999", "--format", "md"]).unwrap();
    assert!(md.contains("verzonnen cijfers"), "{md}");
    let app = app(AppState::new(ds.clone(), Vec::new(), 8 << 20));
    let (s, _, body) = http_get(&app, "/api/areas/GM9999/summary?format=md", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(String::from_utf8(body).unwrap(), md);
    let (s, h, body) = http_get(&app, "/api/areas/Omzienrade/summary?lang=en", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("<html lang=\"en\">"));
    assert!(html.contains("made-up figures"), "{html}");
    let (s, _, body) = http_get(&app, "/api/areas/GM9999/summary?format=json", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["statements"][0]["kind"], "caveat");
    assert_eq!(v["dataset"]["synthetic"], true);
    // Bad input.
    let (s, _, body) = http_get(&app, "/api/areas/Omzienrad/summary", &[]).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (s, _, _) = http_get(&app, "/api/areas/GM9999/summary?lang=fr", &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let e = omzien_cli(&["brief", "GM9999", "--indicator", "Roker"]).unwrap_err();
    assert!(e.contains("indicator"), "{e}");
    let e = omzien_cli(&["brief", "GM9999", "--format", "csv"]).unwrap_err();
    assert!(e.contains("txt (default), md, html, docx"), "{e}");
    let e = omzien_cli(&["summary", "--format", "md"]).unwrap_err();
    assert!(e.contains("formats of omzien brief"), "{e}");
    let e = omzien_cli(&["brief", "GM9999", "--format", "docx"]).unwrap_err();
    assert!(e.contains("--out"), "{e}");

    // The DOCX, read by python-docx: the title, every sentence and each note as a footnote.
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("brief.docx");
    omzien_cli(&[
        "brief",
        "GM9999",
        "--format",
        "docx",
        "--out",
        docx.to_str().unwrap(),
    ])
    .unwrap();
    let s = SummaryQuery::new(&ds, omzien::demo::GEMEENTE)
        .run(&ds)
        .unwrap();
    let words = brief(&ds, &s, Lang::Nl);
    let Some(got) = python_check(
        "docx",
        r#"
import docx, json, sys, zipfile
path = open(sys.argv[1]).read()
d = docx.Document(path)
text = "\n".join(p.text for p in d.paragraphs)
notes = zipfile.ZipFile(path).read("word/footnotes.xml").decode()
print(json.dumps({"text": text, "heading": d.paragraphs[0].style.name, "notes": notes}))
"#,
        docx.to_str().unwrap(),
    ) else {
        return;
    };
    let got: Value = serde_json::from_str(&got).unwrap();
    let text = got["text"].as_str().unwrap();
    assert!(text.starts_with(&words.title), "{text}");
    for s in words.sentences() {
        assert!(text.contains(&s.text), "{:?} not in {text}", s.text);
    }
    for n in &words.notes {
        assert!(got["notes"].as_str().unwrap().contains(n.as_str()), "{n}");
    }
}

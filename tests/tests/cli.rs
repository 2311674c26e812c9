//! The `omzien` command line, run in-process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use clap::Parser;
use omzien_server::cli::Args;
use omzien_tests::{national, omzien_cli as omzien};

fn rivm() -> Option<String> {
    national().map(|d| d.join("rivm-50090NED").display().to_string())
}

#[test]
fn area_prints_amsterdam_for_all_waves() {
    let Some(d) = rivm() else { return };
    let out = omzien(&["area", "GM0363", "--data", &d, "-i", "Eenzaam_28"]).unwrap();
    assert!(out.starts_with("GM0363 Amsterdam (gemeente)"), "{out}");
    assert!(out.contains("parent: NL01 Nederland"));
    for (wave, value, national) in [
        ("2012", "43.9", "39.6"),
        ("2016", "47.5", "43.4"),
        ("2020", "53.2", "47.0"),
    ] {
        let line = out
            .lines()
            .find(|l| l.contains(&format!(" {wave}  18+")))
            .unwrap();
        assert!(line.contains(value) && line.ends_with(national), "{line}");
    }
    // By name, and as JSON.
    let json: serde_json::Value =
        serde_json::from_str(&omzien(&["area", "amsterdam", "--data", &d, "-f", "json"]).unwrap())
            .unwrap();
    assert_eq!(json["area"]["code"], "GM0363");
    assert_eq!(json["dataset"]["synthetic"], false);
    let figs = json["rows"].as_array().unwrap();
    assert_eq!(figs.len(), 35 * 3 * 2);
    assert!(figs.iter().any(|f| f["indicator"] == "SociaalEenzaam_31"
        && f["wave"] == 2012
        && f["status"] == "not_measured"));
}

#[test]
fn trend_lists_deltas_with_caveats() {
    let Some(d) = rivm() else { return };
    let out = omzien(&[
        "trend",
        "--from",
        "2012",
        "--to",
        "2020",
        "--gemeente",
        "Amsterdam",
        "--level",
        "wijk",
        "--data",
        &d,
    ])
    .unwrap();
    let wk = out.lines().find(|l| l.starts_with("WK036300")).unwrap();
    assert!(
        wk.contains("38.9") && wk.contains("53.3") && wk.contains("+14.4") && wk.contains("rising"),
        "{wk}"
    );
    assert!(wk.contains("age range changed"), "{wk}");
    let csv = omzien(&[
        "trend", "--from", "2016", "--to", "2020", "--data", &d, "-f", "csv",
    ])
    .unwrap();
    assert_eq!(csv.lines().count(), 1 + 355);
    assert!(csv.starts_with(
        "code,name,level,indicator,age,from,to,from_value,from_status,from_lower,from_upper,to_value,to_status,to_lower,to_upper,delta,direction,significant,caveats"
    ));
}

#[test]
fn risk_lists_high_and_rising_buurten() {
    let Some(d) = rivm() else { return };
    let risk = |mode: &str| -> serde_json::Value {
        serde_json::from_str(
            &omzien(&[
                "risk",
                "--gemeente",
                "GM0599",
                "--mode",
                mode,
                "--since",
                "2016",
                "--data",
                &d,
                "-f",
                "json",
            ])
            .unwrap(),
        )
        .unwrap()
    };
    // Rising: more than 3 pp beyond the country's rise of 3.6 pp.
    let json = risk("rising");
    assert_eq!(json["reference"], "national");
    assert_eq!(json["national_delta"], 3.6);
    let rows = json["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert!(r["code"].as_str().unwrap().starts_with("BU0599"));
        assert!(r["excess"].as_f64().unwrap() > 3.0, "{r}");
        assert!(r["delta"].as_f64().unwrap() > 6.6, "{r}");
        assert_eq!(r["rising"], true);
        assert_eq!(r["gemeente"], 55.7);
        assert_eq!(r["national"], 47.0);
    }
    assert_eq!(
        json["flagged_share"].as_f64().unwrap(),
        rows.len() as f64 / json["ranked"].as_f64().unwrap()
    );
    // Both: the high ones among them (none in Rotterdam in 2020), said with the share.
    let both = risk("both");
    for r in both["rows"].as_array().unwrap() {
        assert!(r["high"] == true && r["rising"] == true, "{r}");
    }
}

#[test]
fn summary_on_national_files() {
    let Some(d) = rivm() else { return };
    let out = omzien(&["summary", "--data", &d, "--threshold", "50"]).unwrap();
    assert!(out.starts_with("17341 areas (1 land, 355 gemeente, 3177 wijk, 13808 buurt); waves 2012, 2016, 2020; age groups 18+, 65+"), "{out}");
    let land = out
        .lines()
        .find(|l| l.starts_with("land") && l.contains("2020  18+"))
        .unwrap();
    assert!(land.contains("47.0"), "{land}");
}

#[test]
fn demo_runs_without_data_and_says_it_is_synthetic() {
    for cmd in [
        vec!["summary"],
        vec!["area", "Oosterkwartier"],
        vec![
            "trend", "--from", "2012", "--to", "2020", "--level", "buurt",
        ],
        vec!["risk"],
        vec!["rollup", "--unweighted", "--from", "buurt", "--to", "wijk"],
    ] {
        let out = omzien(&cmd).unwrap();
        assert!(out.starts_with("*** SYNTHETIC DEMO DATA"), "{cmd:?}: {out}");
        let csv = omzien(&[cmd.as_slice(), &["-f", "csv"]].concat()).unwrap();
        // The header first (any CSV reader takes it as is), every row noted.
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        let headers = rows.headers().unwrap().clone();
        assert_eq!(
            headers.iter().next_back(),
            Some("note"),
            "{cmd:?}: {headers:?}"
        );
        let records: Vec<_> = rows.records().map(Result::unwrap).collect();
        assert!(!records.is_empty(), "{cmd:?}");
        assert!(
            records
                .iter()
                .all(|r| r.iter().next_back() == Some(omzien::demo::LABEL)),
            "{cmd:?}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&omzien(&[cmd.as_slice(), &["-f", "json"]].concat()).unwrap())
                .unwrap();
        assert_eq!(json["dataset"]["synthetic"], true, "{cmd:?}");
    }
    let out = omzien(&["trend", "--from", "2012", "--to", "2020", "--level", "wijk"]).unwrap();
    let oost = out.lines().find(|l| l.contains("Oosterkwartier")).unwrap();
    assert!(oost.contains("rising"), "{oost}");
}

#[test]
fn bad_arguments_are_clear_errors() {
    let e = omzien(&["rollup"]).unwrap_err().to_string();
    assert!(e.contains("--weights") && e.contains("--unweighted"), "{e}");
    let e = omzien(&["trend", "--from", "2013", "--to", "2020"])
        .unwrap_err()
        .to_string();
    assert!(e.contains("2013") && e.contains("2012, 2016, 2020"), "{e}");
    let e = omzien(&["trend", "--from", "2020", "--to", "2020"])
        .unwrap_err()
        .to_string();
    assert!(e.contains("two different waves"), "{e}");
    let e = omzien(&[
        "trend", "--from", "2012", "--to", "2020", "--level", "street",
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("street"), "{e}");
    let e = omzien(&["area", "Atlantis"]).unwrap_err().to_string();
    assert!(e.contains("Atlantis"), "{e}");
    let e = omzien(&["summary", "-i", "Geluk_99"])
        .unwrap_err()
        .to_string();
    assert!(e.contains("Geluk_99"), "{e}");
    let e = omzien(&["risk", "--age", "12+"]).unwrap_err().to_string();
    assert!(e.contains("12+"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let e = omzien(&["summary", "--data", &dir.path().display().to_string()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("no figure files"), "{e}");
}

#[test]
fn help_explains_commands_with_examples() {
    let err = Args::try_parse_from(["omzien", "trend", "--help"]).unwrap_err();
    let help = err.to_string();
    assert!(
        help.contains("Example: omzien trend --from 2016 --to 2020"),
        "{help}"
    );
    let err = Args::try_parse_from(["omzien", "--help"]).unwrap_err();
    assert!(err.to_string().contains("omzien area Amsterdam"));
}

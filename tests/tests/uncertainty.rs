//! Risk marks that carry their uncertainty: Monte Carlo probabilities of being in the top 10 %
//! and of a real rise, calibrated on synthetic truth; change flags whose false discovery rate
//! Benjamini–Hochberg holds at 5 %, equal to `statsmodels`; figures with intervals (five waves
//! in 50150NED's layout) through `omzien risk --by probability` and `/api/risk`; the national
//! files (no intervals) refused for probabilities and labelled for the rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::fmt::Write as _;
use std::path::Path;

use axum::http::StatusCode;
use omzien::{
    LogitNormal, benjamini_hochberg, change_p_value, rise_probabilities, top_probabilities,
};
use omzien_server::routes::app;
use omzien_server::state::AppState;
use omzien_tests::{http_get, national, national_dataset, omzien_cli, python_check};
use rand::{RngExt as _, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64Mcg;
use serde_json::Value;

fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Published small-area estimates as a model publishes them: a true value per area (logit
/// scale) from the population's spread; a direct estimate with sampling noise; the published
/// figure its shrunken (posterior) mean with the posterior's 95 % interval. Given what is
/// published the truth is then exactly normal around the figure, areas independent: what
/// the probabilities assume. Returns (truth, published value, interval), in percent.
fn publish(rng: &mut Pcg64Mcg, n: usize, mean: f64, spread: f64) -> Vec<(f64, f64, (f64, f64))> {
    let z = Normal::new(0.0, 1.0).unwrap();
    (0..n)
        .map(|_| {
            let truth = mean + spread * z.sample(rng);
            let noise = rng.random_range(0.05..0.35);
            let direct = truth + noise * z.sample(rng);
            let b = spread * spread / (spread * spread + noise * noise);
            let m = mean + b * (direct - mean);
            let sd = (b * noise * noise).sqrt();
            (
                100.0 * expit(truth),
                100.0 * expit(m),
                (
                    100.0 * expit(m - omzien::Z95 * sd),
                    100.0 * expit(m + omzien::Z95 * sd),
                ),
            )
        })
        .collect()
}

/// Among areas given P(top 10 %) ≥ 0.8, at least 80 % are truly in the top 10 %; among areas
/// given P(rise > 3 pp) ≥ 0.8, at least 80 % truly rose by more than 3 pp. Five independent
/// sets of 5,000 areas.
#[test]
fn probabilities_are_calibrated_on_synthetic_truth() {
    let mut top_hits = (0usize, 0usize);
    let mut rise_hits = (0usize, 0usize);
    for run in 0..5u64 {
        let mut rng = Pcg64Mcg::seed_from_u64(1000 + run);
        let n = 5000;
        let k = n / 10;
        let later = publish(&mut rng, n, -0.2, 0.35);
        let earlier = publish(&mut rng, n, -0.3, 0.35);
        let dists: Vec<LogitNormal> = later
            .iter()
            .map(|&(_, v, iv)| LogitNormal::from_interval(v, iv).unwrap())
            .collect();
        let p = top_probabilities(&dists, k, 10_000, run);
        let mut truths: Vec<f64> = later.iter().map(|a| a.0).collect();
        truths.sort_by(|a, b| b.total_cmp(a));
        let cut = truths[k - 1];
        for (a, p) in later.iter().zip(&p) {
            if *p >= 0.8 {
                top_hits.1 += 1;
                top_hits.0 += usize::from(a.0 >= cut);
            }
        }
        let pairs: Vec<(LogitNormal, LogitNormal)> = earlier
            .iter()
            .zip(&later)
            .map(|(e, l)| {
                (
                    LogitNormal::from_interval(e.1, e.2).unwrap(),
                    LogitNormal::from_interval(l.1, l.2).unwrap(),
                )
            })
            .collect();
        let pr = rise_probabilities(&pairs, &vec![3.0; n], 10_000, run);
        for ((e, l), p) in earlier.iter().zip(&later).zip(&pr) {
            if *p >= 0.8 {
                rise_hits.1 += 1;
                rise_hits.0 += usize::from(l.0 - e.0 > 3.0);
            }
        }
    }
    let share = |h: (usize, usize)| h.0 as f64 / h.1 as f64;
    println!(
        "calibration: P(top 10%) >= 0.8: {} of {} truly in the top 10% ({:.3}); P(rise > 3 pp) >= 0.8: {} of {} truly rose ({:.3})",
        top_hits.0,
        top_hits.1,
        share(top_hits),
        rise_hits.0,
        rise_hits.1,
        share(rise_hits)
    );
    assert!(top_hits.1 > 500, "too few flagged to judge: {top_hits:?}");
    assert!(rise_hits.1 > 500, "too few flagged to judge: {rise_hits:?}");
    assert!(share(top_hits) >= 0.8, "{top_hits:?}");
    assert!(share(rise_hits) >= 0.8, "{rise_hits:?}");
}

/// Over repeated sets of 5,000 changes (80 % truly none), the share of false discoveries among
/// the changes Benjamini–Hochberg keeps stays at or below 5 % on average; testing each at 5 %
/// alone would not.
#[test]
fn benjamini_hochberg_holds_the_false_discovery_rate() {
    let z = Normal::new(0.0, 1.0).unwrap();
    let (mut fdp_bh, mut fdp_alone) = (0.0, 0.0);
    let runs = 20;
    for run in 0..runs {
        let mut rng = Pcg64Mcg::seed_from_u64(7 + run);
        let mut p = Vec::new();
        let mut null = Vec::new();
        for i in 0..5000 {
            let real = i % 5 == 0;
            let (v0, v1_true) = (40.0, if real { 44.0 } else { 40.0 });
            let se = rng.random_range(0.8..2.0);
            let a: f64 = v0 + se * z.sample(&mut rng);
            let b: f64 = v1_true + se * z.sample(&mut rng);
            let h = omzien::Z95 * se;
            p.push(change_p_value((a, (a - h, a + h)), (b, (b - h, b + h))));
            null.push(!real);
        }
        let (reject, _) = benjamini_hochberg(&p, 0.05);
        let fdp = |keep: &dyn Fn(usize) -> bool| {
            let kept = (0..p.len()).filter(|&i| keep(i)).count();
            let false_kept = (0..p.len()).filter(|&i| keep(i) && null[i]).count();
            false_kept as f64 / kept.max(1) as f64
        };
        fdp_bh += fdp(&|i| reject[i]);
        fdp_alone += fdp(&|i| p[i] < 0.05);
    }
    let (bh, alone) = (fdp_bh / runs as f64, fdp_alone / runs as f64);
    println!("false discovery proportion: Benjamini-Hochberg {bh:.4}, each at 5% alone {alone:.4}");
    assert!(bh <= 0.05, "{bh}");
    assert!(alone > 0.1, "the test must be able to fail: {alone}");
}

/// The decisions and adjusted p-values equal `statsmodels`' `multipletests(method="fdr_bh")`
/// on a grid of families (ties, ones, zeros, sizes 1 to 2,000), to 1e-9.
#[test]
fn benjamini_hochberg_equals_statsmodels() {
    let mut rng = Pcg64Mcg::seed_from_u64(42);
    let mut families: Vec<Vec<f64>> = vec![
        vec![0.01, 0.04, 0.03, 0.2],
        vec![0.05],
        vec![0.0, 1.0, 0.5, 0.5, 0.025, 0.025],
        vec![0.001; 10],
    ];
    for m in [3usize, 50, 400, 2000] {
        families.push(
            (0..m)
                .map(|i| {
                    let u: f64 = rng.random();
                    if i % 4 == 0 { u * 1e-3 } else { u }
                })
                .collect(),
        );
    }
    let ours: Vec<Value> = families
        .iter()
        .map(|p| {
            let (reject, adjusted) = benjamini_hochberg(p, 0.05);
            serde_json::json!({"p": p, "reject": reject, "adjusted": adjusted})
        })
        .collect();
    let input = serde_json::to_string(&ours).unwrap();
    let script = r#"
import json, sys
from statsmodels.stats.multitest import multipletests
bad = 0
for f in json.load(open(sys.argv[1])):
    reject, adjusted, _, _ = multipletests(f["p"], alpha=0.05, method="fdr_bh")
    if list(map(bool, reject)) != f["reject"] or max(abs(a - b) for a, b in zip(adjusted, f["adjusted"])) > 1e-9:
        bad += 1
        print("differs:", f["p"][:8], list(reject)[:8], f["reject"][:8])
print("families differ:", bad)
sys.exit(1 if bad else 0)
"#;
    let Some(said) = python_check("statsmodels", script, &input) else {
        return;
    };
    assert!(said.contains("families differ: 0"), "{said}");
}

/// A table in 50150NED's layout with 95 % intervals in five waves: one gemeente of 40 wijken,
/// the country, values and interval widths that differ by wijk.
fn write_table_with_intervals(path: &Path) {
    let mut s = String::from(
        "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,Gemeentenaam_1,SoortRegio_2,Codering_3,Eenzaam_25\n",
    );
    let mut id = 0;
    let mut row = |s: &mut String, code: &str, kind: &str, wave: u16, v: f64, half: f64| {
        for (margin, x) in [("MW00000", v), ("MOG0095", v - half), ("MBG0095", v + half)] {
            writeln!(
                s,
                "{id},20300,{margin},{code:<10},{wave}JJ00,Fixtureburg,{kind},{code},{x:.1}"
            )
            .unwrap();
            id += 1;
        }
    };
    for (w, wave) in [2012u16, 2016, 2020, 2022, 2024].into_iter().enumerate() {
        let w = w as f64;
        row(&mut s, "NL01", "Land", wave, 40.0 + w, 0.3);
        row(&mut s, "GM9998", "Gemeente", wave, 41.0 + w, 1.0);
        for i in 0..40u32 {
            let code = format!("WK9998{i:02}");
            let f = f64::from(i);
            // Wijk 39 is clearly highest; wijk 0 rises fast; the others spread out.
            let v = match i {
                39 => 62.0 + w,
                0 => 35.0 + 4.0 * w,
                _ => 30.0 + 0.6 * f + w * (0.5 + (f % 3.0) * 0.4),
            };
            let half = 1.5 + (f % 4.0);
            row(&mut s, &code, "Wijk", wave, v, half);
        }
    }
    std::fs::write(path, s).unwrap();
}

#[tokio::test]
async fn risk_by_probability_on_figures_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("50150NED_intervals.csv");
    write_table_with_intervals(&file);
    let path = file.to_str().unwrap();
    let ds = omzien::Loader::new().load([&file]).unwrap();
    let app = app(AppState::new(ds, Vec::new(), 8 << 20));
    let uri = "/api/risk?level=wijk&wave=2024&mode=high&by=probability&min_prob=0.8";
    let (s, _, body) = http_get(&app, uri, &[]).await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK, "{body}");
    let a: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(a["by"], "probability");
    assert_eq!(a["with_intervals"], 40);
    assert_eq!(a["draws"], 10_000);
    assert!(
        a["uncertainty"].as_str().unwrap().contains("independent"),
        "{a}"
    );
    let rows = a["rows"].as_array().unwrap();
    // Wijk 39 (62 % against at most 57.8 elsewhere) is surely in the top 4.
    assert!(rows.iter().any(|r| r["code"] == "WK999839"), "{body}");
    for r in rows {
        assert!(r["p_top"].as_f64().unwrap() >= 0.8, "{r}");
    }
    // Fewer areas than the rule's top 4: the probability asks more than the rank.
    let rules: Value = serde_json::from_str(
        &omzien_cli(&[
            "risk", "--data", path, "--level", "wijk", "--wave", "2024", "--mode", "high",
            "--format", "json",
        ])
        .unwrap(),
    )
    .unwrap();
    assert!(
        rows.len() <= rules["rows"].as_array().unwrap().len(),
        "{rules}"
    );
    // The command line gives the same answer.
    let cli: Value = serde_json::from_str(
        &omzien_cli(&[
            "risk",
            "--data",
            path,
            "--level",
            "wijk",
            "--wave",
            "2024",
            "--mode",
            "high",
            "--by",
            "probability",
            "--min-prob",
            "0.8",
            "--format",
            "json",
        ])
        .unwrap(),
    )
    .unwrap();
    assert_eq!(cli, a);
    // Rising by probability: wijk 0 rose 4 pp a wave against the country's 1 pp.
    let (s, _, body) = http_get(
        &app,
        "/api/risk?level=wijk&wave=2024&since=2022&mode=rising&by=probability",
        &[],
    )
    .await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK, "{body}");
    let r: Value = serde_json::from_str(&body).unwrap();
    let rows = r["rows"].as_array().unwrap();
    for row in rows {
        assert!(row["p_rise"].as_f64().unwrap() >= 0.8, "{row}");
    }
    // By the rules, changes are tested and the family size and decisions said.
    let (_, _, body) = http_get(
        &app,
        "/api/risk?level=wijk&wave=2024&since=2012&mode=rising",
        &[],
    )
    .await;
    let r: Value = serde_json::from_str(&String::from_utf8(body).unwrap()).unwrap();
    assert_eq!(r["by"], "rules");
    assert_eq!(r["tested"], 40);
    assert!(r["significant_fdr"].as_u64().unwrap() <= r["significant_alone"].as_u64().unwrap());
    assert!(
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "WK999800"),
        "{r}"
    );
    for row in r["rows"].as_array().unwrap() {
        assert_eq!(row["significant_fdr"], true, "{row}");
        assert!(row["p_value"].as_f64().unwrap() < 0.05);
    }
    // A bad probability is refused naming the parameter.
    let (s, _, body) = http_get(
        &app,
        "/api/risk?level=wijk&by=probability&min_prob=1.5",
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8(body).unwrap().contains("min_prob"));
    let e = omzien_cli(&["risk", "--data", path, "--min-prob", "0.9"]).unwrap_err();
    assert!(e.contains("--min-prob"), "{e}");
}

/// The national files publish no intervals: probabilities are refused with the reason, and the
/// rules' output says what its marks rest on.
#[tokio::test]
async fn the_national_files_say_they_carry_no_intervals() {
    let (Some(dir), Some(ds)) = (national(), national_dataset()) else {
        return;
    };
    let data = dir.join("rivm-50090NED");
    let data = data.to_str().unwrap();
    let e = omzien_cli(&[
        "risk",
        "--data",
        data,
        "--gemeente",
        "Amsterdam",
        "--level",
        "wijk",
        "--by",
        "probability",
    ])
    .unwrap_err();
    assert!(e.contains("needs figures with 95% intervals"), "{e}");
    assert!(e.contains("by: rules"), "{e}");
    let table = omzien_cli(&[
        "risk",
        "--data",
        data,
        "--gemeente",
        "Amsterdam",
        "--level",
        "wijk",
    ])
    .unwrap();
    assert!(
        table.contains("these figures carry no intervals"),
        "{table}"
    );
    let app = app(AppState::new(ds.clone(), Vec::new(), 8 << 20));
    let (s, _, body) = http_get(
        &app,
        "/api/risk?level=wijk&gemeente=GM0363&by=probability",
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8(body).unwrap().contains("carry none"));
    let (_, _, body) = http_get(&app, "/api/risk?level=wijk&gemeente=GM0363", &[]).await;
    let a: Value = serde_json::from_str(&String::from_utf8(body).unwrap()).unwrap();
    assert_eq!(a["with_intervals"], 0);
    assert_eq!(a["tested"], 0);
    assert!(
        a["uncertainty"]
            .as_str()
            .unwrap()
            .starts_with("these figures carry no intervals")
    );
}

/// The weighted linear trend equals `statsmodels`' weighted least squares with the variances
/// taken as known (`WLS(...).fit(cov_type="fixed scale")`): slope and its standard error.
#[test]
fn the_trend_over_waves_equals_statsmodels_wls() {
    let mut rng = Pcg64Mcg::seed_from_u64(5);
    let mut cases = Vec::new();
    for k in 3..=6usize {
        for _ in 0..5 {
            let years = [2012.0, 2016.0, 2020.0, 2022.0, 2024.0, 2026.0];
            let points: Vec<(f64, f64, f64)> = years[..k]
                .iter()
                .map(|&x| {
                    let y: f64 = -0.3 + 0.01 * (x - 2012.0) + rng.random_range(-0.1..0.1);
                    let var: f64 = rng.random_range(0.001..0.02);
                    (x, y, var)
                })
                .collect();
            let (b, se, a) = omzien::weighted_line(&points).unwrap();
            cases.push(serde_json::json!({"points": points, "b": b, "se": se, "a": a}));
        }
    }
    let script = r#"
import json, sys
import numpy as np
import statsmodels.api as sm
bad = 0
for c in json.load(open(sys.argv[1])):
    x = np.array([p[0] for p in c["points"]]); y = np.array([p[1] for p in c["points"]]); v = np.array([p[2] for p in c["points"]])
    fit = sm.WLS(y, sm.add_constant(x), weights=1 / v).fit(cov_type="fixed scale")
    if abs(fit.params[1] - c["b"]) > 1e-9 or abs(fit.bse[1] - c["se"]) > 1e-9 or abs(fit.params[0] - c["a"]) > 1e-6:
        bad += 1
        print(c, fit.params, fit.bse)
print("differ:", bad)
sys.exit(1 if bad else 0)
"#;
    let input = serde_json::to_string(&cases).unwrap();
    let Some(said) = python_check("statsmodels", script, &input) else {
        return;
    };
    assert!(said.contains("differ: 0"), "{said}");
}

/// Five waves with intervals: the area answer carries the trend over every wave, rising where
/// the wijk rose 4 pp a wave, tested by the 99.8 % rule; the national files carry none.
#[tokio::test]
async fn areas_carry_their_trend_over_every_wave() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("50150NED_intervals.csv");
    write_table_with_intervals(&file);
    let path = file.to_str().unwrap();
    let a: Value = serde_json::from_str(
        &omzien_cli(&["area", "WK999800", "--data", path, "--format", "json"]).unwrap(),
    )
    .unwrap();
    let t = &a["wave_trends"].as_array().unwrap()[0];
    assert_eq!(t["indicator"], "Eenzaam_28");
    assert_eq!(
        t["waves"],
        serde_json::json!([2012, 2016, 2020, 2022, 2024])
    );
    assert_eq!(t["threshold"], omzien::CHI2_998);
    assert_eq!(t["direction"], "rising", "{t}");
    assert!(t["chi2"].as_f64().unwrap() > omzien::CHI2_998);
    assert!(
        (t["fitted_change"].as_f64().unwrap() - 16.0).abs() < 1.5,
        "{t}"
    );
    let table = omzien_cli(&["area", "WK999800", "--data", path]).unwrap();
    assert!(table.contains("trend over every wave"), "{table}");
    if let Some(ds) = national_dataset() {
        let p = ds
            .profile(
                "GM0363".parse().unwrap(),
                &ds.parse_selection(None, None, None).unwrap(),
            )
            .unwrap();
        assert!(p.wave_trends.is_empty());
    }
}

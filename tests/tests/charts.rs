//! The spine chart and the funnel plot decoded as pictures: each marker lies where its value
//! lies on the axis (PNG pixels and SVG coordinates), in the colour of its verdict; the
//! funnel's control limits equal `statsmodels`' Wilson interval; figures without intervals
//! give no funnel, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use omzien::{
    AgeGroup, AreaCode, Benchmark, CompareQuery, Confidence, FunnelQuery, Indicator, Level, Loader,
    Polarity, Wave,
};
use omzien_render::{Lang, SpineLayout, funnel_chart, funnel_xy, reading_colour, spine_chart};
use omzien_tests::{decode_png, national, national_dataset, omzien_cli, python_check};

/// The centroid (x, y) of the pixels of exactly this colour within a box.
fn centroid(
    png: &[u8],
    colour: [u8; 3],
    (x0, y0, x1, y1): (usize, usize, usize, usize),
) -> Option<(f64, f64)> {
    let (w, rgba) = decode_png(png);
    let w = w as usize;
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y * w + x) * 4;
            if rgba.get(i..i + 3) == Some(&colour[..]) {
                sx += x as f64 + 0.5;
                sy += y as f64 + 0.5;
                n += 1.0;
            }
        }
    }
    (n > 10.0).then(|| (sx / n, sy / n))
}

/// The x a value gets on its spine row, written again from the rule the chart states.
fn expected_x(value: f64, benchmark: f64, all: &[f64], polarity: Polarity) -> f64 {
    let min = all.iter().copied().fold(f64::MAX, f64::min);
    let max = all.iter().copied().fold(f64::MIN, f64::max);
    let half = (benchmark - min).abs().max((max - benchmark).abs());
    let sign = if polarity == Polarity::HigherIsWorse {
        -1.0
    } else {
        1.0
    };
    let l = SpineLayout::WEB;
    (l.left + l.right) / 2.0 + sign * (value - benchmark) / half * (l.right - l.left) / 2.0
}

fn check_spine(ds: &omzien::Dataset, area: AreaCode, benchmark: Benchmark) {
    let wave = *ds.waves().last().unwrap();
    let spine = CompareQuery::new(area, benchmark, wave).spine(ds).unwrap();
    assert!(!spine.rows.is_empty());
    let chart = spine_chart(ds, &spine, Lang::En);
    let png = chart.png(1).unwrap();
    let svg = chart.svg();
    assert!(
        svg.contains("role=\"img\"") && svg.contains("<desc id=\"d\">"),
        "{svg:.300}"
    );
    let mut checked = 0;
    for (i, r) in spine.rows.iter().enumerate() {
        let (Some(v), Some(b)) = (r.row.value.value(), r.row.benchmark.value()) else {
            continue;
        };
        let all: Vec<f64> = ds
            .level_figures(area.level(), r.row.indicator, wave, AgeGroup::ADULTS)
            .unwrap()
            .into_iter()
            .filter_map(|(_, f)| f.value())
            .collect();
        let x = expected_x(v, b, &all, r.row.indicator.polarity());
        let l = SpineLayout::WEB;
        let y = l.top + l.row * i as f64 + l.row / 2.0;
        // In the SVG: the circle's centre.
        let label = format!("<circle cx=\"{x:.3}\" cy=\"{y:.3}\"");
        assert!(
            svg.contains(&label),
            "{} row {i}: no {label} in the SVG",
            r.row.indicator
        );
        // In the PNG: the dot's fill (the verdict's colour) centred on the same pixel.
        let colour = reading_colour(r.row.reads(Confidence::P95));
        let row_box = (
            (l.left - 12.0) as usize,
            (y - l.row / 2.0) as usize,
            (l.right + 12.0) as usize,
            (y + l.row / 2.0) as usize,
        );
        let (cx, cy) = centroid(&png, colour, row_box)
            .unwrap_or_else(|| panic!("{} row {i}: no dot of {colour:?}", r.row.indicator));
        assert!(
            (cx - x).abs() < 1.0 && (cy - y).abs() < 1.0,
            "{} row {i}: dot at ({cx}, {cy}), value at ({x}, {y})",
            r.row.indicator
        );
        checked += 1;
    }
    assert!(checked >= 1);
}

#[test]
fn spine_markers_sit_at_their_values_on_the_demo() {
    let ds = omzien::demo::dataset();
    let wijk = ds.areas(Level::Wijk, None)[0];
    check_spine(&ds, wijk, Benchmark::Gemeente);
}

#[test]
fn spine_markers_sit_at_their_values_for_amsterdam() {
    let Some(ds) = national_dataset() else {
        return;
    };
    check_spine(ds, "GM0363".parse().unwrap(), Benchmark::National);
    // Loneliness is worse the higher it is: Amsterdam's 53.2 (the country 47.0) lies left of
    // the middle, in the colour of worse.
    let spine = CompareQuery::new(
        "GM0363".parse().unwrap(),
        Benchmark::National,
        Wave::new(2020),
    )
    .spine(ds)
    .unwrap();
    let lonely = spine
        .rows
        .iter()
        .find(|r| r.row.indicator == Indicator::LONELY)
        .unwrap();
    assert_eq!(lonely.row.reads(Confidence::P95), omzien::Reading::Worse);
    assert_eq!(lonely.row.indicator.polarity(), Polarity::HigherIsWorse);
}

/// 40 wijken with intervals in 2024 ([`omzien_tests::write_funnel_table`]).
fn write_funnel_table(path: &std::path::Path) {
    omzien_tests::write_funnel_table(path, &[]);
}

#[test]
fn funnel_points_sit_at_their_precision_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("50150NED_funnel.csv");
    write_funnel_table(&file);
    let ds = Loader::new().load([&file]).unwrap();
    let f = FunnelQuery::new(Level::Wijk, Wave::new(2024))
        .within("GM9998".parse().unwrap())
        .run(&ds)
        .unwrap();
    assert_eq!(f.points.len(), 40);
    assert_eq!(f.benchmark, 46.0);
    let outside: Vec<String> = f
        .points
        .iter()
        .filter(|p| p.verdict_998 != omzien::Verdict::Similar)
        .map(|p| p.area.to_string())
        .collect();
    assert_eq!(outside, ["WK999807", "WK999824"]);
    let chart = funnel_chart(&ds, &f, Lang::En);
    let svg = chart.svg();
    assert!(
        svg.contains("outside the 99.8% limits: WK999807"),
        "{svg:.600}"
    );
    let png = chart.png(1).unwrap();
    for p in &f.points {
        let (x, y) = funnel_xy(&f, p.effective_n, p.value);
        assert!(
            svg.contains(&format!("<circle cx=\"{x:.3}\" cy=\"{y:.3}\"")),
            "{}",
            p.area
        );
    }
    // The two outliers, red above and blue below, where their values lie.
    for (code, colour) in [
        ("WK999807", [0xc0, 0x00, 0x00]),
        ("WK999824", [0x1f, 0x4e, 0xb4]),
    ] {
        let p = f
            .points
            .iter()
            .find(|p| p.area.to_string() == code)
            .unwrap();
        let (x, y) = funnel_xy(&f, p.effective_n, p.value);
        let b = (
            (x - 8.0) as usize,
            (y - 8.0) as usize,
            (x + 8.0) as usize,
            (y + 8.0) as usize,
        );
        let (cx, cy) = centroid(&png, colour, b).unwrap_or_else(|| panic!("no {code} dot"));
        assert!(
            (cx - x).abs() < 1.0 && (cy - y).abs() < 1.0,
            "{code}: ({cx}, {cy}) vs ({x}, {y})"
        );
    }
    // Through the command line, SVG and PNG by the name.
    let svg_out = dir.path().join("funnel.svg");
    let said = omzien_cli(&[
        "funnel",
        "GM9998",
        "--data",
        file.to_str().unwrap(),
        "--out",
        svg_out.to_str().unwrap(),
    ])
    .unwrap();
    assert!(
        said.contains("WK999807") && said.contains("99.8% limits"),
        "{said}"
    );
    assert!(
        std::fs::read_to_string(&svg_out)
            .unwrap()
            .starts_with("<svg")
    );
    let e = omzien_cli(&[
        "funnel",
        "GM9998",
        "--data",
        file.to_str().unwrap(),
        "--out",
        dir.path().join("funnel.gif").to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(e.starts_with("--out:"), "{e}");
}

/// The control limits are the Wilson interval around the benchmark at each precision.
#[test]
fn funnel_limits_equal_statsmodels() {
    let mut cases = Vec::new();
    for p in [3.0, 21.5, 46.0, 88.0] {
        for n in [12.0, 75.5, 400.0, 9000.0] {
            let l = omzien::funnel_limit(p, n);
            cases.push(serde_json::json!({"p": p, "n": n, "l95": [l.p95.0, l.p95.1], "l998": [l.p998.0, l.p998.1]}));
        }
    }
    let script = r#"
import json, sys
from statsmodels.stats.proportion import proportion_confint
bad = 0
for c in json.load(open(sys.argv[1])):
    for key, alpha in (("l95", 0.05), ("l998", 0.002)):
        lo, hi = proportion_confint(c["p"] / 100 * c["n"], c["n"], alpha=alpha, method="wilson")
        if abs(100 * lo - c[key][0]) > 1e-9 or abs(100 * hi - c[key][1]) > 1e-9:
            bad += 1
            print(c, key, 100 * lo, 100 * hi)
print("differ:", bad)
sys.exit(1 if bad else 0)
"#;
    let input = serde_json::to_string(&cases).unwrap();
    let Some(said) = python_check("statsmodels", script, &input) else {
        return;
    };
    assert!(said.contains("differ: 0"), "{said}");
}

#[test]
fn no_funnel_without_intervals() {
    let Some(dir) = national() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let e = omzien_cli(&[
        "funnel",
        "Amsterdam",
        "--data",
        dir.join("rivm-50090NED").to_str().unwrap(),
        "--out",
        out.path().join("f.svg").to_str().unwrap(),
    ])
    .unwrap_err();
    assert!(e.contains("needs figures with 95% intervals"), "{e}");
    assert!(!out.path().join("f.svg").exists());
}

/// The same charts from the server: SVG by default, PNG when asked, a 4xx with the reason for
/// what cannot be drawn.
#[tokio::test]
async fn the_server_draws_the_same_charts() {
    use axum::http::StatusCode;
    use omzien_server::routes::app;
    use omzien_server::state::AppState;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("50150NED_funnel.csv");
    write_funnel_table(&file);
    let ds = Loader::new().load([&file]).unwrap();
    let app = app(AppState::new(ds.clone(), Vec::new(), 8 << 20));
    let (s, h, body) =
        omzien_tests::http_get(&app, "/api/funnel?gemeente=GM9998&lang=en", &[]).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(omzien_tests::content_type(&h).starts_with("image/svg+xml"));
    let f = FunnelQuery::new(Level::Wijk, Wave::new(2024))
        .within("GM9998".parse().unwrap())
        .run(&ds)
        .unwrap();
    assert_eq!(
        String::from_utf8(body).unwrap(),
        funnel_chart(&ds, &f, Lang::En).svg()
    );
    let (s, h, body) =
        omzien_tests::http_get(&app, "/api/spine/WK999807?with=gemeente&format=png", &[]).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(omzien_tests::content_type(&h), "image/png");
    let (w, _) = decode_png(&body);
    assert_eq!(f64::from(w), 2.0 * SpineLayout::WEB.width);
    for (uri, says) in [
        ("/api/funnel?gemeente=GM9998&format=gif", "format"),
        ("/api/funnel?gemeente=GM9998&lang=fr", "lang"),
        ("/api/spine/WK999807?with=similar", "with"),
    ] {
        let (s, _, body) = omzien_tests::http_get(&app, uri, &[]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
        assert!(String::from_utf8_lossy(&body).contains(says), "{uri}");
    }
    if let Some(nl) = national_dataset() {
        let app = omzien_server::routes::app(AppState::new(nl.clone(), Vec::new(), 8 << 20));
        let (s, _, body) =
            omzien_tests::http_get(&app, "/api/funnel?gemeente=Amsterdam", &[]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(String::from_utf8_lossy(&body).contains("needs figures with 95% intervals"));
    }
}

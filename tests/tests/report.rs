//! The gemeente report (`omzien report`), read back with poppler's tools as a reader's
//! programs would: `pdfinfo` (A4 pages, tagged), `pdfinfo -struct-text` (headings, tables and
//! figures in reading order), `pdffonts` (every font embedded), `pdftotext` (the figures as the
//! data and the API give them), `pdftoppm` (every page renders); and PyPI's `pdfua` (the
//! machine-checkable rules of PDF/UA-1) with the figures' alternative texts read by pikepdf.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;
use std::process::Command;

use omzien::{AgeGroup, AreaCode, Boundaries, Figure, Indicator, Level, Wave};
use omzien_tests::{national, national_dataset, omzien_cli as omzien};

/// A poppler tool's output; without poppler the test fails under CI and skips elsewhere.
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(o) => {
            assert!(
                o.status.success(),
                "{tool} {args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            Some(String::from_utf8_lossy(&o.stdout).into_owned())
        }
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{tool} is needed under CI: {e}"
            );
            eprintln!("skipped: {tool} not installed ({e}); apt-get install poppler-utils");
            None
        }
    }
}

/// What makes a report one a public body may publish (PDF/UA-1): tagged, a structure of
/// headings, tables with header cells and figures in reading order, every figure with an
/// alternative text that says what it shows, the document's language and title shown, an
/// outline; and PyPI `pdfua` finds nothing. Returns the figures' alternative texts.
fn check_accessible(pdf: &Path) -> Option<Vec<String>> {
    let p = pdf.to_str().unwrap();
    let info = poppler("pdfinfo", &[p])?;
    assert!(info.contains("Tagged:          yes"), "{info}");
    let structure = poppler("pdfinfo", &["-struct-text", p])?;
    for element in ["H1 \"", "H2 \"", "Table", "TH", "TD", "Figure"] {
        assert!(structure.contains(element), "no {element} in {structure}");
    }
    // The title heading comes first, the method last: the reading order is the page's.
    let h1 = structure.find("H1 ").unwrap();
    assert!(structure[..h1].lines().count() <= 2, "{structure}");
    let script = r#"
import sys, pikepdf, subprocess
pdf = pikepdf.open(sys.argv[1])
root = pdf.Root
assert str(root.Lang) in ("nl", "en"), root.get("/Lang")
assert root.ViewerPreferences.DisplayDocTitle == True
assert root.MarkInfo.Marked == True
assert len(pdf.open_outline().root) >= 3, "outline"
def walk(node):
    if node.get("/S") == "/Figure":
        print("ALT\t" + str(node.get("/Alt", "")).replace("\n", " "))
    k = node.get("/K")
    for c in (k if isinstance(k, pikepdf.Array) else [k]):
        if isinstance(c, pikepdf.Dictionary):
            walk(c)
walk(root.StructTreeRoot)
r = subprocess.run([sys.executable, "-m", "pdfua", "check", sys.argv[1]], capture_output=True, text=True)
print(r.stdout)
assert r.returncode == 0, r.stdout + r.stderr
"#;
    let out = match Command::new("python3").args(["-c", script, p]).output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let missing = err.contains("No module named");
            assert!(
                missing && std::env::var("CI").as_deref() != Ok("true"),
                "{p}: {}{err}",
                String::from_utf8_lossy(&o.stdout)
            );
            eprintln!("skipped: PyPI pdfua not installed (pip install pdfua): {err}");
            return None;
        }
        Err(e) => panic!("python3: {e}"),
    };
    assert!(out.contains("result: PASS"), "{out}");
    let alts: Vec<String> = out
        .lines()
        .filter_map(|l| l.strip_prefix("ALT\t"))
        .map(str::to_owned)
        .collect();
    assert!(!alts.is_empty());
    for a in &alts {
        // Words, not a placeholder: what it is and what it shows.
        assert!(a.len() > 40 && a.ends_with('.'), "{a}");
    }
    Some(alts)
}

/// Checks what every report must be: A4 pages, fonts embedded, every page rendered,
/// accessible (PDF/UA-1, [`check_accessible`]). Returns the text of each page.
fn check_pdf(pdf: &Path) -> Option<Vec<String>> {
    let p = pdf.to_str().unwrap();
    check_accessible(pdf)?;
    let info = poppler("pdfinfo", &[p])?;
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 3, "{info}");
    let sizes = poppler("pdfinfo", &["-f", "1", "-l", &pages.to_string(), p])?;
    let a4 = sizes
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .inspect(|l| assert!(l.contains("595 x 842 pts (A4)"), "{l}"))
        .count();
    assert_eq!(a4, pages);
    let fonts = poppler("pdffonts", &[p])?;
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        // name type encoding emb sub uni object ID: `emb` is the 4th column from the end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "not embedded: {row}");
    }
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &["-r", "40", "-png", p, prefix.to_str().unwrap()],
    )?;
    let rendered = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(rendered, pages);
    let text = poppler("pdftotext", &["-layout", p, "-"])?;
    let pages_text: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    assert!(pages_text.len() >= pages);
    Some(pages_text.into_iter().take(pages).collect())
}

#[test]
fn the_demo_report_says_synthetic_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("demo.pdf");
    let out = omzien(&["report", "GM9999", "--out", pdf.to_str().unwrap()]).unwrap();
    assert!(out.contains("written to"), "{out}");
    let Some(pages) = check_pdf(&pdf) else { return };
    for (i, p) in pages.iter().enumerate() {
        assert!(p.contains("SYNTHETIC"), "page {}: {p}", i + 1);
        assert!(
            p.contains(&format!("pagina {} van {}", i + 1, pages.len())),
            "{p}"
        );
    }
    let all = pages.join("\n");
    assert!(all.contains("Eenzaamheid in"));
    // The wijken that rose are a list: its items, their bullets and their text.
    if let Some(structure) = poppler("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]) {
        let at = structure.find("\n  L").expect("a list");
        let list = &structure[at..];
        for e in ["LI", "Lbl", "LBody", "Oosterkwartier (+10,8 procentpunt)"] {
            assert!(list.contains(e), "{e} in {list}");
        }
    }
    // The maps in words: the highest class, the highest wijken by name, the changes.
    let alts = check_accessible(&pdf).unwrap_or_default();
    let maps: Vec<&String> = alts.iter().filter(|a| a.starts_with("Kaart:")).collect();
    assert_eq!(maps.len(), 2, "{alts:?}");
    assert!(
        maps[0].contains("in de hoogste klasse") && maps[0].contains("Oosterkwartier (52,3 %)"),
        "{}",
        maps[0]
    );
    assert!(maps[1].contains("1 gedaald"), "{}", maps[1]);
    assert!(
        alts.iter().any(|a| a.starts_with("Lijngrafiek:")),
        "{alts:?}"
    );
    // Every gemeente of the data into a folder, nothing half-written left.
    let all = dir.path().join("all");
    let out = omzien(&["report", "--all", "--out", all.to_str().unwrap()]).unwrap();
    assert!(out.starts_with("1 reports written"), "{out}");
    let files = omzien_tests::listing(&all);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].starts_with("GM9999_") && files[0].ends_with(".pdf"),
        "{files:?}"
    );
    // English on request.
    let en = dir.path().join("demo-en.pdf");
    omzien(&[
        "report",
        "GM9999",
        "--lang",
        "en",
        "--out",
        en.to_str().unwrap(),
    ])
    .unwrap();
    let Some(pages) = check_pdf(&en) else { return };
    assert!(pages[0].contains("Loneliness in"), "{}", pages[0]);
    let alts = check_accessible(&en).unwrap_or_default();
    assert!(
        alts.iter()
            .any(|a| a.starts_with("Map:") && a.contains("in the highest class")),
        "{alts:?}"
    );
    assert!(
        alts.iter().any(|a| a.starts_with("Spine chart:")),
        "{alts:?}"
    );
    assert!(pages.iter().all(|p| p.contains("page ")));
    english_words_whole(&en, dir.path());
}

/// The English report's words follow `--lang` (the chart's key names the Netherlands in
/// English) and its text is wrapped, never cut: every indicator's English label is whole in
/// the text (read in the order it is drawn, so a label wrapped in its cell reads on); with
/// `--since`, the waves named are those the first table shows.
fn english_words_whole(en: &Path, dir: &Path) {
    let Some(raw) = poppler("pdftotext", &["-raw", en.to_str().unwrap(), "-"]) else {
        return;
    };
    let words = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("the Netherlands"), "{words:.2000}");
    assert!(!raw.lines().any(|l| l.trim() == "Nederland"), "a Dutch key");
    let ds = omzien::demo::dataset();
    let mut checked = 0;
    for info in ds.indicators() {
        let label = info.label_en.trim_end_matches("(%)").trim();
        let first = label
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        if words.contains(&first) {
            assert!(
                words.contains(label),
                "{label:?} cut short in {words:.3000}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked} labels found");
    let since = dir.join("since.pdf");
    omzien(&[
        "report",
        "GM9999",
        "--lang",
        "en",
        "--since",
        "2016",
        "--out",
        since.to_str().unwrap(),
    ])
    .unwrap();
    let Some(pages) = check_pdf(&since) else {
        return;
    };
    let waves = ds
        .waves()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    assert!(
        pages.iter().all(|p| p.contains(&format!("waves {waves}"))),
        "{}",
        pages[0]
    );
}

/// A gemeente with one wijk and no boundaries: nothing to rank or draw, and the report is still
/// accessible, its maps saying in words that there is nothing to draw.
#[test]
fn a_gemeente_with_one_wijk_and_no_boundaries_still_makes_an_accessible_report() {
    let dir = tempfile::tempdir().unwrap();
    let table = omzien_tests::fixtures().join("tables/50090NED_sample.csv");
    for lang in ["nl", "en"] {
        let pdf = dir.path().join(format!("one-{lang}.pdf"));
        omzien(&[
            "report",
            "GM9998",
            "--data",
            table.to_str().unwrap(),
            "--lang",
            lang,
            "--out",
            pdf.to_str().unwrap(),
        ])
        .unwrap();
        let Some(alts) = check_accessible(&pdf) else {
            return;
        };
        let none = if lang == "nl" {
            "Geen grenzen geladen"
        } else {
            "No boundaries loaded"
        };
        assert!(alts.iter().any(|a| a.contains(none)), "{alts:?}");
    }
}

#[test]
fn bad_gemeenten_and_options_are_clear_errors_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("x.pdf");
    let p = pdf.to_str().unwrap();
    let e = omzien(&["report", "GM9998", "--out", p]).unwrap_err();
    assert!(
        e.contains("no gemeente \"GM9998\"") && e.contains("GM9999"),
        "{e}"
    );
    let e = omzien(&["report", "GM9999", "--level", "gemeente", "--out", p]).unwrap_err();
    assert!(e.contains("wijken or buurten"), "{e}");
    let e = omzien(&["report", "GM9999", "--lang", "fr", "--out", p]).unwrap_err();
    assert!(e.contains("--lang") && e.contains("nl or en"), "{e}");
    let e = omzien(&["report", "--out", p]).unwrap_err();
    assert!(e.contains("--all"), "{e}");
    assert!(!pdf.exists());
}

#[test]
fn amsterdams_report_carries_its_figures_and_its_wijken() {
    let Some(dir) = national() else { return };
    let ds = national_dataset().unwrap();
    let data = dir.join("rivm-50090NED");
    let bounds = dir.join("cbs-2020");
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("amsterdam.pdf");
    // By name.
    omzien(&[
        "report",
        "Amsterdam",
        "--data",
        data.to_str().unwrap(),
        "--boundaries",
        bounds.to_str().unwrap(),
        "--out",
        pdf.to_str().unwrap(),
    ])
    .unwrap();
    let Some(pages) = check_pdf(&pdf) else { return };
    let all = pages.join("\n");
    assert!(all.contains("Eenzaamheid in Amsterdam"), "{}", pages[0]);
    assert!(!all.contains("SYNTHETIC"));
    // 53,2 % lonely in 2020 (18+), with the national 47,0 beside it.
    assert!(pages[0].contains("53,2"), "{}", pages[0]);
    assert!(pages[0].contains("47,0"), "{}", pages[0]);
    assert!(all.contains("Tabel 50090NED"));
    // The first page opens with the council summary's own sentences (omzien brief).
    assert!(pages[0].contains("In het kort"), "{}", pages[0]);
    let first_page = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    let s = omzien::SummaryQuery::new(ds, "GM0363".parse().unwrap())
        .run(ds)
        .unwrap();
    let words = omzien_render::brief(ds, &s, omzien_render::Lang::Nl);
    let first = &words.sentences().next().unwrap().text;
    assert!(first_page.contains(first.as_str()), "{first}\n{first_page}");
    // Every wijk is in the ranked table, by its name from the boundary file, with the 2012,
    // 2016 and 2020 figures the data (and so the API) has.
    let mut named = ds.clone();
    named.name_from(&[Boundaries::from_geojson(&bounds.join("wijken_2020.geojson")).unwrap()]);
    let gm: AreaCode = "GM0363".parse().unwrap();
    let wijken = ds.areas(Level::Wijk, gm.gemeente());
    assert!(wijken.len() > 90, "{}", wijken.len());
    for w in &wijken {
        let name = named.area(*w).unwrap().display_name();
        let cells: Vec<String> = [2012, 2016, 2020]
            .into_iter()
            .map(|y| {
                match ds
                    .figure(*w, Indicator::LONELY, Wave::new(y), AgeGroup::ADULTS)
                    .unwrap()
                {
                    Figure::Value(v) => format!("{v:.1}").replace('.', ","),
                    Figure::Suppressed => "onderdrukt".into(),
                    Figure::NotMeasured => "–".into(),
                }
            })
            .collect();
        // Long names are cut to the column: the row starts with the name's first 15 chars.
        let prefix: String = name.chars().take(15).collect();
        let row = all
            .lines()
            .find(|l| l.trim_start().starts_with(&prefix) && cells.iter().all(|c| l.contains(c)));
        assert!(row.is_some(), "no row for {w} {name} with {cells:?}");
    }
    // The risk profile compares with Amsterdam and the country; its heading is on the page of
    // its first profile (never left alone at the foot of the page before).
    let profile = pages
        .iter()
        .find(|p| p.contains("Risicoprofiel (5 hoogste)"))
        .expect("a risk profile");
    assert!(profile.contains("Moeite met rondkomen"), "{profile}");
    assert!(profile.contains("t.o.v. gemeente"), "{profile}");
    // Each profiled wijk also as a spine chart against the country, its text selectable: the
    // title, the columns and the verdict words.
    let spines = all
        .matches("tegen Nederland, 2020 18+ (spreiding: alle wijken)")
        .count();
    assert_eq!(spines, 5, "{all}");
    assert!(all.contains("slechter / lager") && all.contains("beter / hoger"));
    assert!(all.contains("Zonder 95%-interval: slechter of beter bij meer dan 2,0 procentpunt"));
    // Without intervals: no probabilities, and the funnel plot's absence explained.
    assert!(!all.contains("P(H)"), "{all}");
    assert!(
        all.contains("Geen trechterdiagram") && all.contains("geen 95%-intervallen"),
        "{all}"
    );
}

/// Figures with intervals (50150NED's layout, two waves): the ranked table carries each
/// wijk's probabilities, the same the risk list draws (`omzien risk --by probability`), and a
/// funnel plot names the wijken outside its 99.8 % limits.
#[test]
fn a_report_on_figures_with_intervals_carries_probabilities_and_a_funnel() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("50150NED_funnel.csv");
    omzien_tests::write_funnel_table(&table, &[2022]);
    let ds = omzien::Loader::new().load([&table]).unwrap();
    let pdf = dir.path().join("report.pdf");
    for lang in ["nl", "en"] {
        omzien(&[
            "report",
            "GM9998",
            "--data",
            table.to_str().unwrap(),
            "--lang",
            lang,
            "--out",
            pdf.to_str().unwrap(),
        ])
        .unwrap();
        let Some(pages) = check_pdf(&pdf) else { return };
        // Without boundaries the maps say so in their alternative text too; the funnel's names
        // the wijken outside its limits.
        let alts = check_accessible(&pdf).unwrap_or_default();
        let none = if lang == "nl" {
            "Geen grenzen geladen"
        } else {
            "No boundaries loaded"
        };
        assert_eq!(
            alts.iter().filter(|a| a.contains(none)).count(),
            2,
            "{alts:?}"
        );
        assert!(
            alts.iter().any(|a| a.contains("WK999807 (Fixtureburg)")),
            "{alts:?}"
        );
        let all = pages.join("\n");
        let (rise, outside) = if lang == "nl" {
            (
                "P(S)",
                "Buiten de 99,8%-grens: WK999807 (Fixtureburg), WK999824 (Fixtureburg).",
            )
        } else {
            (
                "P(R)",
                "Outside the 99.8% limit: WK999807 (Fixtureburg), WK999824 (Fixtureburg).",
            )
        };
        let words = all.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(all.contains("P(H)") && all.contains(rise), "{all}");
        assert!(words.contains("10000"), "the draws are stated: {all}");
        assert!(words.contains(outside), "{all}");
        // The funnel's own text is the page's text: its title, against the country.
        assert!(
            words.contains("Fixtureburg (18+, wijken)") && words.contains("Nederland 46"),
            "{all}"
        );
        // Wijk 07's row: its probabilities as the risk list draws them, with the same seed.
        let wave = Wave::new(2024);
        let list = |mode: omzien::RiskMode| {
            omzien::RiskQuery::new(Level::Wijk, Indicator::LONELY, wave)
                .with_gemeente("GM9998".parse::<AreaCode>().unwrap().gemeente().unwrap())
                .with_since(Wave::new(2022))
                .with_mode(mode)
                .by_probability(0.0)
                .run(&ds)
                .unwrap()
        };
        let w07: AreaCode = "WK999807".parse().unwrap();
        let p_top = list(omzien::RiskMode::High)
            .areas
            .iter()
            .find(|a| a.area == w07)
            .and_then(|a| a.p_top)
            .unwrap();
        let p_rise = list(omzien::RiskMode::Rising)
            .areas
            .iter()
            .find(|a| a.area == w07)
            .and_then(|a| a.p_rise)
            .unwrap();
        assert!(p_top >= 0.8 && p_rise >= 0.8, "{p_top} {p_rise}");
        let cell = |p: f64| {
            let s = format!("{p:.2}");
            if lang == "nl" { s.replace('.', ",") } else { s }
        };
        let row = all
            .lines()
            .find(|l| {
                l.trim_start().starts_with("WK999807") && (l.contains("62,0") || l.contains("62.0"))
            })
            .unwrap_or_else(|| panic!("no row of WK999807 in {all}"));
        assert!(
            row.contains(&cell(p_top)) && row.contains(&cell(p_rise)),
            "{row} {p_top} {p_rise}"
        );
    }
}

#[tokio::test]
async fn the_server_answers_reports_and_refuses_bad_names() {
    use axum::http::StatusCode;
    let app = omzien_server::routes::app(omzien_server::state::AppState::new(
        omzien::demo::dataset(),
        omzien::demo::boundaries().into(),
        16 << 20,
    ));
    let (status, headers, body) =
        omzien_tests::http_get(&app, "/report/GM9999.pdf?lang=en", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(omzien_tests::content_type(&headers), "application/pdf");
    assert!(body.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("served.pdf");
    std::fs::write(&pdf, &body).unwrap();
    if let Some(pages) = check_pdf(&pdf) {
        assert!(pages[0].contains("Loneliness in"), "{}", pages[0]);
    }
    for (uri, want, text) in [
        ("/report/Nowhere.pdf", StatusCode::NOT_FOUND, "no gemeente"),
        ("/report/GM9998.pdf", StatusCode::NOT_FOUND, "GM9999"),
        (
            "/report/GM9999",
            StatusCode::BAD_REQUEST,
            "must end in .pdf",
        ),
        (
            "/report/GM9999.pdf?lang=fr",
            StatusCode::BAD_REQUEST,
            "lang",
        ),
        (
            "/report/GM9999.pdf?level=gemeente",
            StatusCode::BAD_REQUEST,
            "wijken or buurten",
        ),
        ("/report/GM9999.pdf?age=12", StatusCode::BAD_REQUEST, "age"),
    ] {
        let (status, headers, body) = omzien_tests::http_get(&app, uri, &[]).await;
        assert_eq!(status, want, "{uri}");
        assert_eq!(
            omzien_tests::content_type(&headers),
            "application/json",
            "{uri}"
        );
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(v["error"].as_str().unwrap().contains(text), "{uri}: {v}");
    }
}

/// With CBS's key figures beside the boundaries, the report says how many people a percentage
/// stands for: the figure × the inhabitants of its age group (18+ approximated from the age
/// bands, said so); a layer of all inhabitants gives no 18+ count (it would be too high).
#[test]
fn a_report_counts_people_by_the_key_figures() {
    let Some(dir) = national() else { return };
    let ds = national_dataset().unwrap();
    let data = dir.join("rivm-50090NED");
    let tmp = tempfile::tempdir().unwrap();
    let kf = tmp.path().join("kerncijfers");
    std::fs::create_dir_all(&kf).unwrap();
    let gm: AreaCode = "GM0363".parse().unwrap();
    let mut csv = String::from(
        "code,name,population,age_0_14,age_15_24,age_25_44,age_45_64,age_65plus,households,household_size,urbanity,land_area_ha,table\n",
    );
    csv.push_str("GM0363,Amsterdam,872757,137023,106476,,,113459,,,1,,84799NED\n");
    let wijken = ds.areas(Level::Wijk, gm.gemeente());
    for (i, w) in wijken.iter().enumerate() {
        let pop = 1000 * (i + 2);
        csv.push_str(&format!(
            "{w},,{pop},{},{},,,{},,,1,,84799NED\n",
            pop / 10,
            pop / 10,
            pop / 5
        ));
    }
    std::fs::write(kf.join("kerncijfers_2020.csv"), csv).unwrap();
    let pdf = tmp.path().join("ams.pdf");
    let wijk_map = dir.join("cbs-2020/wijken_2020.geojson");
    omzien(&[
        "report",
        "GM0363",
        "--data",
        data.to_str().unwrap(),
        "--boundaries",
        wijk_map.to_str().unwrap(),
        "--boundaries",
        kf.to_str().unwrap(),
        "--out",
        pdf.to_str().unwrap(),
    ])
    .unwrap();
    let Some(pages) = check_pdf(&pdf) else { return };
    let words = pages
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let adults = 872_757.0 - 137_023.0 - 0.3 * 106_476.0;
    let v = ds
        .figure(gm, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
        .unwrap()
        .value()
        .unwrap();
    let dutch = |x: f64| {
        let s = format!("{x:.0}");
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(ch);
        }
        out
    };
    let people = (v / 100.0 * adults / 10.0).round() * 10.0;
    let expected = format!(
        "Eenzaam in 2020: ongeveer {} van de ongeveer {} inwoners van 18+ in Amsterdam. Bevolking: kerncijfers_2020.csv (CBS 84799NED), geteld in 2020; 18+ is benaderd",
        dutch(people),
        dutch((adults / 10.0).round() * 10.0)
    );
    assert!(words.contains(&expected), "{expected}\n{words}");
    // Each profiled wijk with its own count.
    let r = omzien::ReportQuery::new(ds, gm.gemeente().unwrap())
        .run(ds)
        .unwrap();
    for p in &r.profiles {
        let i = wijken.iter().position(|w| *w == p.code).unwrap();
        let pop = 1000.0 * (i + 2) as f64;
        let adults = pop - pop / 10.0 - 0.3 * pop / 10.0;
        let v = ds
            .figure(p.code, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)
            .unwrap()
            .value()
            .unwrap();
        let want = format!(
            "ongeveer {} van de ongeveer {} inwoners van 18+ in",
            dutch((v / 100.0 * adults / 10.0).round() * 10.0),
            dutch((adults / 10.0).round() * 10.0)
        );
        assert!(words.contains(&want), "{}: {want}", p.code);
    }
    // The gemeente layer counts all inhabitants only: no 18+ count from it.
    let pdf2 = tmp.path().join("ams2.pdf");
    omzien(&[
        "report",
        "GM0363",
        "--data",
        data.to_str().unwrap(),
        "--boundaries",
        dir.join("cbs-2020").to_str().unwrap(),
        "--out",
        pdf2.to_str().unwrap(),
    ])
    .unwrap();
    let Some(pages) = check_pdf(&pdf2) else {
        return;
    };
    assert!(!pages.join(" ").contains("van de ongeveer"));
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! omzien-render's public API as a tool that embeds it uses it, on the built-in demo (no files,
//! no server): tiles and their PNGs, an archive of them, the static site, the report, the
//! council text in every form, each in both languages where it has words.

use std::sync::atomic::AtomicBool;

use omzien::{AgeGroup, Indicator, Level, ReportQuery, SummaryQuery};
use omzien_render::{
    ArchiveMeta, Lang, Pyramid, PyramidLevel, Quiet, Scene, SitePage, TileSet, ZoomRange, brief,
    brief_docx, report_pdf, write_archive, write_site,
};

fn scenes() -> Vec<Scene> {
    omzien::demo::boundaries()
        .into_iter()
        .map(Scene::new)
        .collect()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("omzien-render-api-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_pmtiles_archive_of_the_demo_holds_what_was_drawn() {
    let ds = omzien::demo::dataset();
    let spec = omzien::LayerSpec::level(
        Indicator::LONELY,
        AgeGroup::ADULTS,
        Level::Buurt,
        omzien::Wave::new(2020),
    );
    let layer = ds.layer(&spec).unwrap();
    let scene = scenes()
        .into_iter()
        .find(|s| s.level() == Level::Buurt)
        .unwrap();
    let zooms = ZoomRange {
        level: Level::Buurt,
        min: 12,
        max: 13,
    };
    let pyramid = Pyramid::new(
        vec![PyramidLevel {
            zooms,
            layer: &layer,
            scene: &scene,
        }],
        None,
        1,
    )
    .unwrap();
    let meta = ArchiveMeta::new(
        &pyramid,
        "demo".into(),
        layer.legend().title,
        ds.provenance().attribution(),
        serde_json::json!({}),
    );
    let dir = scratch("archive");
    let path = dir.join("demo.pmtiles");
    let cancel = AtomicBool::new(false);
    let written = write_archive(&pyramid, &meta, &path, false, &|_| {}, &cancel).unwrap();
    assert!(written.drawn > 0 && written.unique <= written.drawn && written.drawn <= written.tiles);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..7], b"PMTiles");
    assert_eq!(bytes[7], 3, "PMTiles version 3");
    assert_eq!(bytes.len() as u64, written.bytes);
    // Not written over without being asked, and nothing half-written left beside it.
    assert!(write_archive(&pyramid, &meta, &path, false, &|_| {}, &cancel).is_err());
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["demo.pmtiles"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_static_site_of_the_demo_is_written_whole() {
    let ds = omzien::demo::dataset();
    let set = TileSet::new(
        ds,
        scenes(),
        Indicator::LONELY,
        vec![AgeGroup::ADULTS],
        ZoomRange::DEFAULT.to_vec(),
        None,
    )
    .unwrap();
    let dir = scratch("site");
    let out = dir.join("site");
    let files = [(
        "index.html".to_owned(),
        b"<!doctype html><title>omzien</title>".to_vec(),
    )];
    let page = SitePage { files: &files };
    let cancel = AtomicBool::new(false);
    write_site(&set, &out, false, &page, &mut Quiet, &cancel).unwrap();
    assert!(out.join("index.html").is_file());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("site.json")).unwrap()).unwrap();
    assert!(manifest.is_object(), "{manifest}");
    // Every area drawn is in the search index, by name with its box.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("search.json")).unwrap()).unwrap();
    let oost = index
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "WK999903")
        .unwrap();
    assert_eq!(oost["name"], "Oosterkwartier");
    assert_eq!(oost["level"], "wijk");
    assert_eq!(oost["bbox"].as_array().unwrap().len(), 4);
    let archives: Vec<_> = std::fs::read_dir(out.join("tiles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        archives.iter().any(|n| n.ends_with(".pmtiles")),
        "{archives:?}"
    );
    // An existing site is refused without force, and replaced with it.
    assert!(write_site(&set, &out, false, &page, &mut Quiet, &cancel).is_err());
    write_site(&set, &out, true, &page, &mut Quiet, &cancel).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_report_and_the_council_text_in_both_languages() {
    let ds = omzien::demo::dataset();
    let g = omzien::demo::GEMEENTE;
    let [_, wijken, _] = omzien::demo::boundaries();
    let report = ReportQuery::new(&ds, g).run(&ds).unwrap();
    let summary = SummaryQuery::new(&ds, g).run(&ds).unwrap();
    for lang in [Lang::Nl, Lang::En] {
        let pdf = report_pdf(&ds, &report, Some(&wijken), lang, "2026-12-04").unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let b = brief(&ds, &summary, lang);
        let text = b.text();
        assert!(text.contains(&summary.name), "{text}");
        assert!(b.markdown().starts_with("# "));
        assert!(b.html(lang).contains(match lang {
            Lang::Nl => "lang=\"nl\"",
            Lang::En => "lang=\"en\"",
        }));
        assert!(brief_docx(&b, lang).unwrap().starts_with(b"PK"));
    }
}

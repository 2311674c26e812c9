//! The web map's files, embedded in the binary: the one page, its script and style (from
//! `web/map/`) and MapLibre GL JS with the `pmtiles` protocol, installed from npm by `build.rs`.
//! The server serves them at `/` and under `/assets/`; `omzien export site` writes the same
//! files into the static site (the page then reads `site.json` instead of the API). Nothing is
//! fetched from elsewhere at run time.

use std::collections::HashMap;
use std::sync::LazyLock;

mod vendor {
    include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
}

pub use vendor::{MAPLIBRE_VERSION, PMTILES_VERSION, VENDOR};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// Its bytes.
    pub bytes: &'static [u8],
    /// Its media type.
    pub mime: &'static str,
    /// A strong, quoted ETag of the bytes.
    pub etag: String,
}

/// The page at `/` (the served variant: `data-variant="served"`).
pub const INDEX_HTML: &str = include_str!("../web/map/index.html");

/// The page's own script and style, under `/assets/` (and `assets/` in an exported site).
pub const OWN: &[(&str, &[u8])] = &[
    ("map.js", include_bytes!("../web/map/map.js")),
    ("sources.js", include_bytes!("../web/map/sources.js")),
    ("text.js", include_bytes!("../web/map/text.js")),
    ("map.css", include_bytes!("../web/map/map.css")),
];

/// The page as the static site has it: `index.html` marked `data-variant="exported"` (it reads
/// `site.json`, not the API), and its files under `assets/` (libraries under `assets/vendor/`).
#[must_use]
pub fn exported_page() -> Vec<(String, Vec<u8>)> {
    let index = INDEX_HTML.replacen("data-variant=\"served\"", "data-variant=\"exported\"", 1);
    std::iter::once(("index.html".to_owned(), index.into_bytes()))
        .chain(OWN.iter().map(|(p, b)| (format!("assets/{p}"), b.to_vec())))
        .chain(
            vendor::VENDOR
                .iter()
                .map(|(p, b)| (format!("assets/vendor/{p}"), b.to_vec())),
        )
        .collect()
}

fn mime(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        Some("html") => "text/html; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

static ASSETS: LazyLock<HashMap<String, Asset>> = LazyLock::new(|| {
    OWN.iter()
        .map(|(p, b)| ((*p).to_owned(), *b))
        .chain(
            vendor::VENDOR
                .iter()
                .map(|(p, b)| (format!("vendor/{p}"), *b)),
        )
        .map(|(p, bytes)| {
            let asset = Asset {
                bytes,
                mime: mime(&p),
                etag: crate::etag::strong_etag(bytes),
            };
            (p, asset)
        })
        .collect()
});

/// The file at `/assets/{path}`, if embedded.
#[must_use]
pub fn get(path: &str) -> Option<&'static Asset> {
    ASSETS.get(path)
}

/// Every embedded path under `/assets/`.
pub fn paths() -> impl Iterator<Item = &'static str> {
    ASSETS.keys().map(String::as_str)
}

//! The web map's files, embedded in the binary: the page, its script and style (from `web/`)
//! and Leaflet, installed from npm by `build.rs`. Nothing is fetched from elsewhere at run time.

use std::collections::HashMap;
use std::sync::LazyLock;

mod vendor {
    include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
}

pub use vendor::{LEAFLET_VERSION, MAPLIBRE_VERSION, PMTILES_VERSION, SITE_VENDOR};

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

/// The page at `/`.
pub const INDEX_HTML: &str = include_str!("../web/index.html");

/// Files of the project's own under `/assets/`.
const OWN: &[(&str, &[u8])] = &[
    ("app.js", include_bytes!("../web/app.js")),
    ("app.css", include_bytes!("../web/app.css")),
];

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

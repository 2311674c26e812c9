//! The one GeoJSON reader: a FeatureCollection read from a file, with the geometry parsed or
//! skipped as the caller asks (boundaries need it, populations do not).

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A GeoJSON FeatureCollection whose geometries are `G`: `Option<geojson::Geometry>` to read
/// them, `serde::de::IgnoredAny` to skip them.
#[derive(Deserialize)]
#[serde(bound(deserialize = "G: Deserialize<'de> + Default"))]
pub(crate) struct Collection<G> {
    /// The legacy `crs` member (RFC 7946 dropped it; CBS and PDOK still write it).
    #[serde(default)]
    pub crs: Option<serde_json::Value>,
    /// The features.
    pub features: Vec<Feature<G>>,
}

/// One feature: its properties and its geometry.
#[derive(Deserialize)]
#[serde(bound(deserialize = "G: Deserialize<'de> + Default"))]
pub(crate) struct Feature<G> {
    /// Properties; `null` or absent reads as none.
    #[serde(default)]
    pub properties: Option<serde_json::Map<String, serde_json::Value>>,
    /// The geometry; absent reads as `G::default()`.
    #[serde(default)]
    pub geometry: G,
}

impl<G> Feature<G> {
    /// A property, if present.
    pub fn property(&self, key: &str) -> Option<&serde_json::Value> {
        self.properties.as_ref().and_then(|m| m.get(key))
    }
}

/// Why a file is not a FeatureCollection.
pub(crate) enum ReadError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The JSON is malformed or not a FeatureCollection, at this 1-based line.
    Json { line: usize, message: String },
}

/// Reads a FeatureCollection from a file.
pub(crate) fn read<G: DeserializeOwned + Default>(path: &Path) -> Result<Collection<G>, ReadError> {
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    parse(&bytes)
}

/// Parses a FeatureCollection from the bytes of a file.
pub(crate) fn parse<G: DeserializeOwned + Default>(
    bytes: &[u8],
) -> Result<Collection<G>, ReadError> {
    serde_json::from_slice(bytes).map_err(|e| ReadError::Json {
        line: e.line(),
        message: e.to_string(),
    })
}

/// The files of a folder whose extension is one of `extensions` (any case), in name order:
/// the one listing of a boundary folder.
pub(crate) fn files_in(
    dir: &Path,
    extensions: &[&str],
) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let f = entry?.path();
        if f.extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| extensions.iter().any(|e| x.eq_ignore_ascii_case(e)))
        {
            files.push(f);
        }
    }
    files.sort();
    Ok(files)
}

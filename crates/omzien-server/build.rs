//! Installs the web map's libraries from npm, pinned by `web/package-lock.json`, and writes
//! `vendor.rs`: the files the pages need, embedded in the binary, so the maps work with no
//! internet at run time: MapLibre GL JS and the `pmtiles` protocol, which the one web map loads
//! both as the server's page (under `/assets/vendor/`) and in the static site of
//! `omzien export site` (under `assets/vendor/`).
//!
//! `npm ci` runs once per build directory (in `OUT_DIR`), or not at all when
//! `OMZIEN_NODE_MODULES` names a `node_modules` folder that already holds the pinned version.

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The page's libraries: (package, file in the package, name under `vendor/`).
/// MapLibre's ES modules are renamed `.js`: static hosts (Debian's nginx among them) serve
/// `.mjs` as `application/octet-stream`, which browsers refuse for a module script.
const VENDOR_FILES: &[(&str, &str, &str)] = &[
    (
        "maplibre-gl",
        "dist/maplibre-gl.mjs",
        "maplibre-gl/maplibre-gl.js",
    ),
    (
        "maplibre-gl",
        "dist/maplibre-gl-worker.mjs",
        "maplibre-gl/maplibre-gl-worker.js",
    ),
    (
        "maplibre-gl",
        "dist/maplibre-gl.css",
        "maplibre-gl/maplibre-gl.css",
    ),
    ("maplibre-gl", "LICENSE.txt", "maplibre-gl/LICENSE.txt"),
    ("pmtiles", "dist/pmtiles.js", "pmtiles/pmtiles.js"),
];

/// The packages whose versions must match the lock file.
const PACKAGES: &[&str] = &["maplibre-gl", "pmtiles"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=web/package.json");
    println!("cargo::rerun-if-changed=web/package-lock.json");
    println!("cargo::rerun-if-env-changed=OMZIEN_NODE_MODULES");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let web = manifest.join("web");
    let lock = web.join("package-lock.json");
    let pinned: Vec<(&str, String)> = PACKAGES
        .iter()
        .map(|p| Ok((*p, pinned_version(&lock, p)?)))
        .collect::<Result<_, Box<dyn Error>>>()?;
    let modules = node_modules(&web, &out, &pinned)?;
    let version = |p: &str| {
        pinned
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };

    let mut code = String::from(
        "/// Embedded third-party files: (path under `vendor/`, bytes).\n\
         pub static VENDOR: &[(&str, &[u8])] = &[\n",
    );
    for (package, file, name) in VENDOR_FILES {
        let src = modules.join(package).join(file);
        let dst = out.join("site-vendor").join(name);
        if let Some(parent) = dst.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            dst.display().to_string()
        )?;
    }
    code.push_str("];\n");
    for (name, package) in [
        ("MAPLIBRE_VERSION", "maplibre-gl"),
        ("PMTILES_VERSION", "pmtiles"),
    ] {
        writeln!(
            code,
            "/// The {package} version embedded.\npub const {name}: &str = {:?};",
            version(package)
        )?;
    }
    fs::write(out.join("vendor.rs"), code)?;
    Ok(())
}

/// The `node_modules` folder with the pinned versions: `OMZIEN_NODE_MODULES`, else one
/// installed by `npm ci` into `OUT_DIR` (kept while its versions and files are whole).
fn node_modules(
    web: &Path,
    out: &Path,
    pinned: &[(&str, String)],
) -> Result<PathBuf, Box<dyn Error>> {
    let matches = |modules: &Path| {
        pinned
            .iter()
            .all(|(p, v)| installed_version(modules, p).as_deref() == Some(v.as_str()))
    };

    let modules = match std::env::var_os("OMZIEN_NODE_MODULES") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let prefix = out.join("npm");
            let modules = prefix.join("node_modules");
            // An install cut short (a full disk, Ctrl-C) can have the versions but not the files.
            let complete = VENDOR_FILES
                .iter()
                .map(|(p, f, _)| modules.join(p).join(f))
                .all(|f| f.is_file());
            if !matches(&modules) || !complete {
                npm_ci(web, &prefix)?;
            }
            prefix.join("node_modules")
        }
    };
    for (p, v) in pinned {
        let found = installed_version(&modules, p);
        if found.as_deref() != Some(v.as_str()) {
            return Err(format!(
                "{}: {p} {v} expected (web/package-lock.json), found {}",
                modules.display(),
                found.unwrap_or_else(|| "none".into())
            )
            .into());
        }
    }
    Ok(modules)
}

/// The version `package-lock.json` pins for a package.
fn pinned_version(lock: &Path, package: &str) -> Result<String, Box<dyn Error>> {
    let text = fs::read_to_string(lock).map_err(|e| format!("{}: {e}", lock.display()))?;
    let doc: serde_json::Value = serde_json::from_str(&text)?;
    doc["packages"][format!("node_modules/{package}")]["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no version for {package}", lock.display()).into())
}

/// The version of a package installed under `modules`, if any.
fn installed_version(modules: &Path, package: &str) -> Option<String> {
    let text = fs::read_to_string(modules.join(package).join("package.json")).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    doc["version"].as_str().map(str::to_owned)
}

/// `npm ci` of the web folder's lock file into `prefix`.
fn npm_ci(web: &Path, prefix: &Path) -> Result<(), Box<dyn Error>> {
    fs::create_dir_all(prefix)?;
    for f in ["package.json", "package-lock.json"] {
        fs::copy(web.join(f), prefix.join(f))?;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(npm)
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(prefix)
        .status()
        .map_err(|e| {
            format!(
                "could not run `npm ci` to install the web map's library ({e}). Install Node.js \
                 and npm (https://nodejs.org), or point OMZIEN_NODE_MODULES at a node_modules \
                 folder where `npm ci` ran in crates/omzien-server/web"
            )
        })?;
    if !status.success() {
        return Err(format!(
            "`npm ci` in {} failed ({status}); the npm registry must be reachable for the first \
             build, or set OMZIEN_NODE_MODULES",
            prefix.display()
        )
        .into());
    }
    Ok(())
}

//! Installs the web map's library (Leaflet) from npm, pinned by `web/package-lock.json`, and
//! writes `vendor.rs`: the files the page needs, embedded in the binary, so the map works with
//! no internet at run time.
//!
//! `npm ci` runs once per build directory (in `OUT_DIR`), or not at all when
//! `OMZIEN_NODE_MODULES` names a `node_modules` folder that already holds the pinned version.

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Files of the `leaflet` package the page serves, relative to its `dist/`.
const LEAFLET_FILES: &[&str] = &[
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=web/package.json");
    println!("cargo::rerun-if-changed=web/package-lock.json");
    println!("cargo::rerun-if-env-changed=OMZIEN_NODE_MODULES");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let web = manifest.join("web");
    let pinned = pinned_version(&web.join("package-lock.json"), "leaflet")?;

    let modules = match std::env::var_os("OMZIEN_NODE_MODULES") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let prefix = out.join("npm");
            if installed_version(&prefix.join("node_modules"), "leaflet").as_deref()
                != Some(pinned.as_str())
            {
                npm_ci(&web, &prefix)?;
            }
            prefix.join("node_modules")
        }
    };
    let found = installed_version(&modules, "leaflet");
    if found.as_deref() != Some(pinned.as_str()) {
        return Err(format!(
            "{}: leaflet {pinned} expected (web/package-lock.json), found {}",
            modules.display(),
            found.unwrap_or_else(|| "none".into())
        )
        .into());
    }

    let dist = modules.join("leaflet").join("dist");
    let mut code = String::from(
        "/// Embedded third-party files: (path under `/assets/vendor/`, bytes).\n\
         pub static VENDOR: &[(&str, &[u8])] = &[\n",
    );
    for f in LEAFLET_FILES {
        let src = dist.join(f);
        let dst = out.join("vendor").join("leaflet").join(f);
        if let Some(parent) = dst.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
        writeln!(
            code,
            "    ({:?}, include_bytes!({:?})),",
            format!("leaflet/{f}"),
            dst.display().to_string()
        )?;
    }
    let license = modules.join("leaflet").join("LICENSE");
    if license.exists() {
        let dst = out.join("vendor").join("leaflet").join("LICENSE");
        fs::copy(&license, &dst)?;
        writeln!(
            code,
            "    (\"leaflet/LICENSE\", include_bytes!({:?})),",
            dst.display().to_string()
        )?;
    }
    code.push_str("];\n");
    writeln!(
        code,
        "/// The Leaflet version embedded.\npub const LEAFLET_VERSION: &str = {pinned:?};"
    )?;
    fs::write(out.join("vendor.rs"), code)?;
    Ok(())
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

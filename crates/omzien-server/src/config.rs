//! Server settings, loaded in one place: built-in defaults, then a TOML file (`--config` or
//! `OMZIEN_CONFIG`), then the environment (`OMZIEN_ADDR`, `OMZIEN_CACHE_MB`,
//! `OMZIEN_CLASSIFICATION`, `OMZIEN_CORS`, `OMZIEN_BULK_MB_PER_S`), then the
//! command-line flags, each overriding the one before. [`merge_into_config`] is the only
//! function that combines them; the environment is read through [`Env`] so tests pass a fake.
//!
//! ```
//! use omzien_server::config::{FauxEnv, ServeArgs, merge_into_config};
//! let env = FauxEnv::from([("OMZIEN_ADDR", "0.0.0.0:9000")]);
//! let args = ServeArgs { cache_mb: Some(64), ..ServeArgs::default() };
//! let config = merge_into_config(&args, &env)?;
//! assert_eq!(config.addr.port(), 9000);
//! assert_eq!(config.cache_mb, 64);
//! # Ok::<(), omzien_server::config::ConfigError>(())
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Everything `omzien serve` needs to start.
///
/// As a file (every key optional; relative paths are relative to the file):
///
/// ```toml
/// data = ["../shared/data/rivm-50090NED"]
/// boundaries = ["../shared/data/cbs-2020"]
/// addr = "127.0.0.1:8080"
/// cache_mb = 256
/// cors = ["https://www.gemeente.nl"]   # or true (any origin, the default) or false
/// bulk_mb_per_s = 256                     # large answers while tiles are asked for; 0: no limit
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ServeConfig {
    /// Figure files or folders; empty: the synthetic demo.
    pub data: Vec<PathBuf>,
    /// Boundary GeoJSON files or folders; empty with no data: the demo's polygons.
    pub boundaries: Vec<PathBuf>,
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Tile cache size in megabytes.
    pub cache_mb: u64,
    /// The area classification year of figure files that carry no table (see
    /// `omzien --classification`).
    pub classification: Option<u16>,
    /// Which other sites' pages may read the answers: any (default), none, or a list.
    pub cors: crate::cors::Cors,
    /// Megabytes (MiB) a second that large answers (64 KiB and more, such as the national
    /// buurt CSV) together may send while tiles and small answers are being asked for; alone
    /// they go at full speed. 0: no limit ([`crate::bulk`]).
    pub bulk_mb_per_s: u64,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            data: Vec::new(),
            boundaries: Vec::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            cache_mb: 256,
            classification: None,
            cors: crate::cors::Cors::Any,
            bulk_mb_per_s: crate::bulk::DEFAULT_RATE >> 20,
        }
    }
}

/// What the command line gave; `None` and empty lists leave the value to the file, the
/// environment or the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServeArgs {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--data PATH` (repeatable).
    pub data: Vec<PathBuf>,
    /// `--boundaries PATH` (repeatable).
    pub boundaries: Vec<PathBuf>,
    /// `--addr`.
    pub addr: Option<SocketAddr>,
    /// `--cache-mb`.
    pub cache_mb: Option<u64>,
    /// `--classification`.
    pub classification: Option<u16>,
    /// `--cors`.
    pub cors: Option<crate::cors::Cors>,
    /// `--bulk-mb-per-s`.
    pub bulk_mb_per_s: Option<u64>,
}

/// The process environment, as the settings read it.
pub trait Env {
    /// The variable's value, if set and valid Unicode.
    fn var(&self, key: &str) -> Option<String>;
}

/// The real environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEnv;

impl Env for OsEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok()
    }
}

/// A fixed environment for tests.
#[derive(Debug, Clone, Default)]
pub struct FauxEnv(pub HashMap<String, String>);

impl<const N: usize> From<[(&str, &str); N]> for FauxEnv {
    fn from(vars: [(&str, &str); N]) -> Self {
        Self(
            vars.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }
}

impl Env for FauxEnv {
    fn var(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
}

/// Settings that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid TOML for [`ServeConfig`] (unknown keys included).
    #[error("{}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// An environment variable holds a value that does not parse.
    #[error("{key}={value:?}: {message}")]
    Env {
        /// The variable.
        key: &'static str,
        /// Its value.
        value: String,
        /// Why it does not parse.
        message: String,
    },
}

/// Reads a config file; relative paths in it are taken relative to the file's folder.
///
/// # Errors
/// [`ConfigError::Read`] or [`ConfigError::Parse`].
pub fn read_config(path: &Path) -> Result<ServeConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut config: ServeConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    for p in config.data.iter_mut().chain(config.boundaries.iter_mut()) {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
    Ok(config)
}

/// A listening address: `127.0.0.1:8080`, `[::1]:8080`, or a host name with a port
/// (`localhost:8080`) resolved once, its IPv4 address first.
///
/// ```
/// use omzien_server::config::parse_addr;
/// assert_eq!(parse_addr("127.0.0.1:9000")?.port(), 9000);
/// assert!(parse_addr("localhost:9000")?.ip().is_loopback());
/// assert!(parse_addr("localhost").is_err()); // no port
/// # Ok::<(), String>(())
/// ```
///
/// # Errors
/// A message for text that is no address with a port.
pub fn parse_addr(s: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let t = s.trim();
    if let Ok(a) = t.parse() {
        return Ok(a);
    }
    let bad = |why: String| {
        format!(
            "{t:?} is not an address with a port such as 127.0.0.1:8080 or localhost:8080 ({why})"
        )
    };
    let all: Vec<SocketAddr> = t
        .to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?
        .collect();
    all.iter()
        .find(|a| a.is_ipv4())
        .or(all.first())
        .copied()
        .ok_or_else(|| bad("it resolves to no address".to_owned()))
}

fn env_value<T: std::str::FromStr>(
    env: &dyn Env,
    key: &'static str,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    env.var(key)
        .filter(|v| !v.trim().is_empty())
        .map(|value| {
            value.trim().parse().map_err(|e: T::Err| ConfigError::Env {
                key,
                message: e.to_string(),
                value: value.clone(),
            })
        })
        .transpose()
}

/// Defaults ← file ← environment ← flags: the settings `omzien serve` runs with.
///
/// # Errors
/// [`ConfigError`] for an unreadable or invalid file or environment value.
pub fn merge_into_config(args: &ServeArgs, env: &dyn Env) -> Result<ServeConfig, ConfigError> {
    let file = args.config.clone().or_else(|| {
        env.var("OMZIEN_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let mut config = match file {
        Some(path) => read_config(&path)?,
        None => ServeConfig::default(),
    };
    if let Some(value) = env.var("OMZIEN_ADDR").filter(|v| !v.trim().is_empty()) {
        config.addr = parse_addr(&value).map_err(|message| ConfigError::Env {
            key: "OMZIEN_ADDR",
            message,
            value: value.clone(),
        })?;
    }
    if let Some(mb) = env_value(env, "OMZIEN_CACHE_MB")? {
        config.cache_mb = mb;
    }
    if let Some(year) = env_value(env, "OMZIEN_CLASSIFICATION")? {
        config.classification = Some(year);
    }
    if let Some(cors) = env_value(env, "OMZIEN_CORS")? {
        config.cors = cors;
    }
    if let Some(rate) = env_value(env, "OMZIEN_BULK_MB_PER_S")? {
        config.bulk_mb_per_s = rate;
    }
    if !args.data.is_empty() {
        config.data.clone_from(&args.data);
    }
    if !args.boundaries.is_empty() {
        config.boundaries.clone_from(&args.boundaries);
    }
    if let Some(addr) = args.addr {
        config.addr = addr;
    }
    if let Some(mb) = args.cache_mb {
        config.cache_mb = mb;
    }
    if let Some(year) = args.classification {
        config.classification = Some(year);
    }
    if let Some(cors) = &args.cors {
        config.cors = cors.clone();
    }
    if let Some(rate) = args.bulk_mb_per_s {
        config.bulk_mb_per_s = rate;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("omzien.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn flags_beat_environment_beat_file_beat_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "data = [\"figures\"]\nboundaries = [\"/abs/cbs\"]\naddr = \"127.0.0.1:7000\"\ncache_mb = 32\n",
        );
        let args = ServeArgs {
            config: Some(file.clone()),
            ..ServeArgs::default()
        };
        // File only: relative paths are taken from the file's folder.
        let c = merge_into_config(&args, &FauxEnv::default()).unwrap();
        assert_eq!(c.data, vec![dir.path().join("figures")]);
        assert_eq!(c.boundaries, vec![PathBuf::from("/abs/cbs")]);
        assert_eq!((c.addr.port(), c.cache_mb), (7000, 32));
        // The environment overrides the file.
        let env = FauxEnv::from([("OMZIEN_ADDR", "127.0.0.1:7001"), ("OMZIEN_CACHE_MB", "48")]);
        let c = merge_into_config(&args, &env).unwrap();
        assert_eq!((c.addr.port(), c.cache_mb), (7001, 48));
        // Flags override both.
        let args = ServeArgs {
            config: Some(file),
            data: vec![PathBuf::from("other")],
            addr: Some("127.0.0.1:7002".parse().unwrap()),
            ..ServeArgs::default()
        };
        let c = merge_into_config(&args, &env).unwrap();
        assert_eq!(c.data, vec![PathBuf::from("other")]);
        assert_eq!((c.addr.port(), c.cache_mb), (7002, 48));
        // Nothing given: the defaults (the demo on 127.0.0.1:8080).
        let c = merge_into_config(&ServeArgs::default(), &FauxEnv::default()).unwrap();
        assert_eq!(c, ServeConfig::default());
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn the_config_file_can_come_from_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "cache_mb = 8\n");
        let env = FauxEnv::from([("OMZIEN_CONFIG", file.to_str().unwrap())]);
        let c = merge_into_config(&ServeArgs::default(), &env).unwrap();
        assert_eq!(c.cache_mb, 8);
    }

    #[test]
    fn bad_settings_name_the_file_line_or_variable() {
        let dir = tempfile::tempdir().unwrap();
        let args = |p: PathBuf| ServeArgs {
            config: Some(p),
            ..ServeArgs::default()
        };
        let e = merge_into_config(&args(write(dir.path(), "port = 80\n")), &FauxEnv::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("omzien.toml") && e.contains("port"), "{e}");
        let e = merge_into_config(
            &args(write(dir.path(), "cache_mb = \"big\"\n")),
            &FauxEnv::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("omzien.toml") && e.contains("line 1"), "{e}");
        let e = merge_into_config(&args(dir.path().join("missing.toml")), &FauxEnv::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing.toml"), "{e}");
        let e = merge_into_config(
            &ServeArgs::default(),
            &FauxEnv::from([("OMZIEN_ADDR", "localhost")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("OMZIEN_ADDR=\"localhost\""), "{e}");
        let e = merge_into_config(
            &ServeArgs::default(),
            &FauxEnv::from([("OMZIEN_CACHE_MB", "-1")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("OMZIEN_CACHE_MB"), "{e}");
    }

    #[test]
    fn cors_comes_from_file_environment_or_flag() {
        use crate::cors::Cors;
        let dir = tempfile::tempdir().unwrap();
        let args = |p: PathBuf| ServeArgs {
            config: Some(p),
            ..ServeArgs::default()
        };
        let none = FauxEnv::default();
        let c = |text: &str| merge_into_config(&args(write(dir.path(), text)), &none);
        assert_eq!(c("").unwrap().cors, Cors::Any);
        assert_eq!(c("cors = false\n").unwrap().cors, Cors::Off);
        assert_eq!(c("cors = true\n").unwrap().cors, Cors::Any);
        assert_eq!(
            c("cors = [\"https://a.nl\"]\n").unwrap().cors,
            Cors::Origins(vec!["https://a.nl".into()])
        );
        let e = c("cors = [\"a.nl\"]\n").unwrap_err().to_string();
        assert!(
            e.contains("omzien.toml") && e.contains("\"a.nl\" is not an origin"),
            "{e}"
        );
        let file = write(dir.path(), "cors = false\n");
        let env = FauxEnv::from([("OMZIEN_CORS", "https://b.nl,http://localhost:3000")]);
        assert_eq!(
            merge_into_config(&args(file.clone()), &env).unwrap().cors,
            Cors::Origins(vec!["https://b.nl".into(), "http://localhost:3000".into()])
        );
        let flag = ServeArgs {
            cors: Some(Cors::Any),
            ..args(file)
        };
        assert_eq!(merge_into_config(&flag, &env).unwrap().cors, Cors::Any);
        let e = merge_into_config(
            &ServeArgs::default(),
            &FauxEnv::from([("OMZIEN_CORS", "ftp://x")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("OMZIEN_CORS=\"ftp://x\""), "{e}");
    }

    #[test]
    fn the_classification_comes_from_file_environment_or_flag() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "classification = 2024\n");
        let args = ServeArgs {
            config: Some(file),
            ..ServeArgs::default()
        };
        let c = merge_into_config(&args, &FauxEnv::default()).unwrap();
        assert_eq!(c.classification, Some(2024));
        let env = FauxEnv::from([("OMZIEN_CLASSIFICATION", "2022")]);
        assert_eq!(
            merge_into_config(&args, &env).unwrap().classification,
            Some(2022)
        );
        let flag = ServeArgs {
            classification: Some(2020),
            ..args.clone()
        };
        assert_eq!(
            merge_into_config(&flag, &env).unwrap().classification,
            Some(2020)
        );
        let bad = FauxEnv::from([("OMZIEN_CLASSIFICATION", "twenty")]);
        let e = merge_into_config(&args, &bad).unwrap_err().to_string();
        assert!(e.contains("OMZIEN_CLASSIFICATION"), "{e}");
    }

    #[test]
    fn the_bulk_budget_comes_from_file_environment_or_flag() {
        let dir = tempfile::tempdir().unwrap();
        let args = ServeArgs {
            config: Some(write(dir.path(), "bulk_mb_per_s = 64\n")),
            ..ServeArgs::default()
        };
        let none = FauxEnv::default();
        assert_eq!(ServeConfig::default().bulk_mb_per_s, 256);
        assert_eq!(merge_into_config(&args, &none).unwrap().bulk_mb_per_s, 64);
        let env = FauxEnv::from([("OMZIEN_BULK_MB_PER_S", "0")]);
        assert_eq!(merge_into_config(&args, &env).unwrap().bulk_mb_per_s, 0);
        let flag = ServeArgs {
            bulk_mb_per_s: Some(512),
            ..args.clone()
        };
        assert_eq!(merge_into_config(&flag, &env).unwrap().bulk_mb_per_s, 512);
        let bad = FauxEnv::from([("OMZIEN_BULK_MB_PER_S", "fast")]);
        let e = merge_into_config(&args, &bad).unwrap_err().to_string();
        assert!(e.contains("OMZIEN_BULK_MB_PER_S"), "{e}");
    }
}

//! Weights (population per area) and groupings (area → group), read from CSV or GeoJSON.

mod populations;

pub use populations::{
    HOUSEHOLD_PROPERTIES, POPULATION_PROPERTIES, PopulationProperties, Populations,
    URBANITY_PROPERTIES,
};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::{AgeGroup, AreaCode};

/// A weights, groups or population file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WeightsError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A line that is not `code,value`.
    #[error("{}: line {line}: {message}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A GeoJSON feature without a usable property.
    #[error("{}: {location}: {message}", path.display())]
    Feature {
        /// The file.
        path: PathBuf,
        /// JSON path of the feature.
        location: String,
        /// What is wrong.
        message: String,
    },
    /// No rows.
    #[error("{}: no rows", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Weights for an age group the source cannot give.
    #[error("{source_name} has no population figures for age group {age}")]
    AgeGroup {
        /// Where the populations came from.
        source_name: String,
        /// The age group asked for.
        age: AgeGroup,
    },
}

/// A weight per area (usually a population), with where it came from.
///
/// ```
/// use omzien::{AreaCode, Weights};
/// let w = Weights::from_pairs("example", [("GM0363".parse::<AreaCode>()?, 872_757.0)]);
/// assert_eq!(w.get("GM0363".parse()?), Some(872_757.0));
/// assert_eq!(w.len(), 1);
/// # Ok::<(), omzien::CodeError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Weights {
    source: String,
    map: HashMap<AreaCode, f64>,
    year: Option<u16>,
    age: Option<AgeGroup>,
    approximate: bool,
}

/// How the key figures' age bands give the inhabitants aged 18 and over: CBS counts ages in
/// bands 0–14, 15–24, 25–44, 45–64 and 65+, so 18+ is all inhabitants less the 0–14 and
/// 3/10 of the 15–24 (ages 15, 16 and 17, taken as a tenth of the band each).
pub const ADULTS_APPROXIMATION: &str =
    "inhabitants less the 0-14 and 3/10 of the 15-24, an approximation from CBS's age bands";

/// A year a file name states (`bevolking_2020.csv`, `gemeenten_2020.geojson`): four digits
/// from 1990 to 2099 standing on their own.
#[must_use]
pub(crate) fn year_in_name(path: &Path) -> Option<u16> {
    let name = path.file_name()?.to_str()?;
    let b = name.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let four = &b[i..i + 4];
        let alone = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if alone && four.iter().all(u8::is_ascii_digit) {
            name[i..i + 4]
                .parse()
                .ok()
                .filter(|y| (1990..2100).contains(y))
        } else {
            None
        }
    })
}

impl Weights {
    /// Weights from pairs; `source` says where they came from (shown in reports).
    pub fn from_pairs(source: &str, pairs: impl IntoIterator<Item = (AreaCode, f64)>) -> Self {
        Self {
            source: source.to_owned(),
            map: pairs.into_iter().collect(),
            year: None,
            age: None,
            approximate: false,
        }
    }

    /// The same weights, counting the inhabitants of `age` (none: not stated).
    #[must_use]
    pub fn with_age(mut self, age: Option<AgeGroup>) -> Self {
        self.age = age;
        self
    }

    /// The same weights, marked as approximating their age group.
    #[must_use]
    fn approximated(mut self) -> Self {
        self.approximate = true;
        self
    }

    /// The age group whose inhabitants the weights count, where their source says (a
    /// population layer or key figures read for that age group); `None` for a plain weights
    /// file, which says nothing of ages.
    #[must_use]
    pub fn age(&self) -> Option<AgeGroup> {
        self.age
    }

    /// Whether the weights approximate the age group they count ([`ADULTS_APPROXIMATION`]).
    #[must_use]
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    /// Weights for `age` from a file: a key-figures CSV (`omzien fetch kerncijfers`, read by
    /// [`Populations::from_key_figures`]) gives the inhabitants of that age group, stated;
    /// any other CSV is read as `code,weight` ([`Weights::from_csv`]), its age unstated.
    ///
    /// # Errors
    /// As [`Weights::from_csv`] and [`Populations::from_key_figures`], or
    /// [`WeightsError::AgeGroup`] for an age group the key figures do not count.
    pub fn read_for(path: &Path, age: AgeGroup) -> Result<Self, WeightsError> {
        if Populations::is_key_figures(path) {
            Populations::from_key_figures(path)?.weights_for(age)
        } else {
            Self::from_csv(path)
        }
    }

    /// The same weights, counted in `year`.
    #[must_use]
    pub fn with_year(mut self, year: Option<u16>) -> Self {
        self.year = year;
        self
    }

    /// The year the weights count, where their file says (its name, or a boundary layer's
    /// `JAAR`): a roll-up states it beside the waves it weighs.
    #[must_use]
    pub fn year(&self) -> Option<u16> {
        self.year
    }

    /// Reads a CSV of `code,weight` (`,` or `;`, header row optional, padding allowed).
    ///
    /// ```
    /// use omzien::Weights;
    /// let p = std::env::temp_dir().join(format!("omzien-doc-weights-{}.csv", std::process::id()));
    /// std::fs::write(&p, "code;weight\nGM0363; 872757\nGM0599;651446\n")?;
    /// let w = Weights::from_csv(&p)?;
    /// assert_eq!(w.get("GM0363".parse()?), Some(872_757.0));
    /// assert_eq!(w.len(), 2);
    /// std::fs::write(&p, "GM0363,-1\n")?;
    /// let e = Weights::from_csv(&p).unwrap_err().to_string();
    /// assert!(e.contains("line 1") && e.contains("-1"), "{e}");
    /// std::fs::remove_file(&p)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`WeightsError`] naming the line of a bad code, a bad or negative number, or a repeated code.
    pub fn from_csv(path: &Path) -> Result<Self, WeightsError> {
        let rows = read_pairs(path)?;
        let mut map = HashMap::with_capacity(rows.len());
        for (line, code, value) in rows {
            let w: f64 = value
                .parse()
                .ok()
                .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| WeightsError::Line {
                    path: path.to_owned(),
                    line,
                    message: format!("weight {value:?} is not a non-negative number"),
                })?;
            if map.insert(code, w).is_some() {
                return Err(WeightsError::Line {
                    path: path.to_owned(),
                    line,
                    message: format!("{code} appears twice"),
                });
            }
        }
        Ok(Self {
            source: path.display().to_string(),
            map,
            year: year_in_name(path),
            age: None,
            approximate: false,
        })
    }

    /// The weight of an area.
    #[must_use]
    pub fn get(&self, code: AreaCode) -> Option<f64> {
        self.map.get(&code).copied()
    }

    /// Number of areas with a weight.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// The areas with a weight, in no particular order.
    pub fn codes(&self) -> impl Iterator<Item = AreaCode> + '_ {
        self.map.keys().copied()
    }

    /// True when no area has a weight.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Where the weights came from.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Sum of all weights.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.map.values().sum()
    }
}

/// A user-defined grouping of areas: code → group name.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    map: HashMap<AreaCode, String>,
}

impl Groups {
    /// Groups from pairs.
    ///
    /// ```
    /// use omzien::Groups;
    /// let g = Groups::from_pairs([("GM0363".parse()?, "Noord-Holland".to_owned())]);
    /// assert_eq!(g.get("GM0363".parse()?), Some("Noord-Holland"));
    /// # Ok::<(), omzien::CodeError>(())
    /// ```
    pub fn from_pairs(pairs: impl IntoIterator<Item = (AreaCode, String)>) -> Self {
        Self {
            map: pairs.into_iter().collect(),
        }
    }

    /// Reads a CSV of `code,group` (`,` or `;`, header row optional).
    ///
    /// ```
    /// use omzien::Groups;
    /// let p = std::env::temp_dir().join(format!("omzien-doc-groups-{}.csv", std::process::id()));
    /// std::fs::write(&p, "code,group\nWK036300,Centrum\nWK036301,Centrum\n")?;
    /// assert_eq!(Groups::from_csv(&p)?.get("WK036301".parse()?), Some("Centrum"));
    /// std::fs::write(&p, "WK036300,\n")?;
    /// assert!(Groups::from_csv(&p).unwrap_err().to_string().contains("empty group name"));
    /// std::fs::remove_file(&p)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`WeightsError`] for a bad code, an empty group name or a repeated code.
    pub fn from_csv(path: &Path) -> Result<Self, WeightsError> {
        let mut map = HashMap::new();
        for (line, code, group) in read_pairs(path)? {
            if group.is_empty() {
                return Err(WeightsError::Line {
                    path: path.to_owned(),
                    line,
                    message: "empty group name".into(),
                });
            }
            if map.insert(code, group).is_some() {
                return Err(WeightsError::Line {
                    path: path.to_owned(),
                    line,
                    message: format!("{code} appears twice"),
                });
            }
        }
        Ok(Self { map })
    }

    /// The group of an area.
    #[must_use]
    pub fn get(&self, code: AreaCode) -> Option<&str> {
        self.map.get(&code).map(String::as_str)
    }

    /// The areas of a group, sorted; empty for a name no area has.
    ///
    /// ```
    /// use omzien::Groups;
    /// let g = Groups::from_pairs([
    ///     ("WK036301".parse()?, "Noord".to_owned()),
    ///     ("WK036300".parse()?, "Noord".to_owned()),
    ///     ("WK036302".parse()?, "Zuid".to_owned()),
    /// ]);
    /// assert_eq!(g.members("Noord").len(), 2);
    /// assert_eq!(g.names(), ["Noord", "Zuid"]);
    /// # Ok::<(), omzien::CodeError>(())
    /// ```
    #[must_use]
    pub fn members(&self, name: &str) -> Vec<AreaCode> {
        let mut v: Vec<AreaCode> = self
            .map
            .iter()
            .filter(|(_, g)| g.as_str() == name)
            .map(|(c, _)| *c)
            .collect();
        v.sort_unstable();
        v
    }

    /// The group names, sorted.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.map.values().map(String::as_str).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// `(line, code, second field)` of a two-column CSV; a first line whose code does not parse is a header.
fn read_pairs(path: &Path) -> Result<Vec<(usize, AreaCode, String)>, WeightsError> {
    let text = std::fs::read_to_string(path).map_err(|source| WeightsError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let sep = if raw.contains(';') { ';' } else { ',' };
        let fields: Vec<&str> = raw
            .split(sep)
            .map(|f| f.trim().trim_matches('"').trim())
            .collect();
        let bad = |message: String| WeightsError::Line {
            path: path.to_owned(),
            line,
            message,
        };
        if fields.len() < 2 {
            return Err(bad(format!(
                "expected two fields (code{sep}value), found {}",
                fields.len()
            )));
        }
        match fields[0].parse::<AreaCode>() {
            Ok(code) => out.push((line, code, fields[1].to_owned())),
            Err(_) if out.is_empty() && line == 1 => {} // header
            Err(e) => return Err(bad(e.to_string())),
        }
    }
    if out.is_empty() {
        return Err(WeightsError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn a_year_stands_on_its_own_in_a_file_name() {
        let year = |p: &str| super::year_in_name(Path::new(p));
        assert_eq!(year("data/gemeenten_2020.geojson"), Some(2020));
        assert_eq!(year("bevolking_2024.csv"), Some(2024));
        assert_eq!(year("pop.csv"), None);
        assert_eq!(year("wk12020x.csv"), None);
        assert_eq!(year("kerncijfers_1989.csv"), None);
    }
}

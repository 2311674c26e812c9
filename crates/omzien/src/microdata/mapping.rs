//! Which column holds what, and what the answer and wave codes mean: every GGD names them
//! differently, so this is a small TOML file rather than code.
//!
//! ```toml
//! [columns]
//! id = "respnr"
//! wave = "jaar"
//! area = "buurtcode"       # a buurt code, or a wijk or gemeente code where that is all there is
//! age = "leeftijd"
//! sex = "geslacht"         # optional
//! weight = "weegfactor"
//! items = ["dj1", "dj2", "dj3", "dj4", "dj5", "dj6", "dj7", "dj8", "dj9", "dj10", "dj11"]
//!
//! [answers]                # raw values, compared after trimming; empty cells are always missing
//! nee = ["1", "nee"]
//! min_of_meer = ["2", "min of meer"]
//! ja = ["3", "ja"]
//! missing = ["9", "weet niet"]
//!
//! [waves]                  # raw value = year; without this table any year 1990–2100 is a wave
//! "2016" = 2016
//! "2020" = 2020
//! ```

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::MicrodataError;
use super::score::Answer;
use crate::Wave;

/// Column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Columns {
    /// Respondent id.
    pub id: String,
    /// Wave (year or a code listed under `[waves]`).
    pub wave: String,
    /// Area code: buurt, wijk or gemeente.
    pub area: String,
    /// Age in years.
    pub age: String,
    /// Sex (optional; read and counted, not used in the estimates).
    #[serde(default)]
    pub sex: Option<String>,
    /// Survey weight.
    pub weight: String,
    /// The 11 De Jong-Gierveld items in questionnaire order.
    pub items: Vec<String>,
}

/// Raw answer codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Answers {
    /// Codes meaning "nee".
    pub nee: Vec<String>,
    /// Codes meaning "min of meer".
    pub min_of_meer: Vec<String>,
    /// Codes meaning "ja".
    pub ja: Vec<String>,
    /// Codes meaning not answered (empty cells always are).
    #[serde(default)]
    pub missing: Vec<String>,
}

/// The whole mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Mapping {
    /// Column names.
    pub columns: Columns,
    /// Answer codes.
    pub answers: Answers,
    /// Wave codes; empty: any year 1990–2100.
    #[serde(default)]
    pub waves: HashMap<String, u16>,
}

impl Default for Mapping {
    /// `id`, `wave`, `area`, `age`, `sex`, `weight`, `dj1`…`dj11`; answers 1 = nee,
    /// 2 = min of meer, 3 = ja (or the words), 9 = missing; waves are years.
    fn default() -> Self {
        Self {
            columns: Columns {
                id: "id".into(),
                wave: "wave".into(),
                area: "area".into(),
                age: "age".into(),
                sex: Some("sex".into()),
                weight: "weight".into(),
                items: (1..=11).map(|i| format!("dj{i}")).collect(),
            },
            answers: Answers {
                nee: vec!["1".into(), "nee".into()],
                min_of_meer: vec!["2".into(), "min of meer".into()],
                ja: vec!["3".into(), "ja".into()],
                missing: vec!["9".into()],
            },
            waves: HashMap::new(),
        }
    }
}

impl Mapping {
    /// Reads and checks a mapping file.
    ///
    /// # Errors
    /// [`MicrodataError::Mapping`] naming the file and the problem.
    pub fn from_toml(path: &Path) -> Result<Self, MicrodataError> {
        let bad = |message: String| MicrodataError::Mapping {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let m: Mapping = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        m.check().map_err(bad)?;
        Ok(m)
    }

    /// Checks the mapping: 11 items, no code with two meanings, waves that are years.
    ///
    /// # Errors
    /// A message naming the problem.
    pub fn check(&self) -> Result<(), String> {
        if self.columns.items.len() != 11 {
            return Err(format!(
                "columns.items: the De Jong-Gierveld scale has 11 items, the mapping names {}",
                self.columns.items.len()
            ));
        }
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (name, codes) in [
            ("nee", &self.answers.nee),
            ("min_of_meer", &self.answers.min_of_meer),
            ("ja", &self.answers.ja),
            ("missing", &self.answers.missing),
        ] {
            for c in codes {
                let k = normalize(c);
                if let Some(other) = seen.insert(k.clone(), name) {
                    return Err(format!("answers: code {c:?} means both {other} and {name}"));
                }
            }
        }
        for (raw, year) in &self.waves {
            if !(1990..=2100).contains(year) {
                return Err(format!("waves: {raw:?} = {year} is not a year"));
            }
        }
        Ok(())
    }

    /// The answer a raw code means; `None` for a code the mapping does not know.
    #[must_use]
    pub fn answer(&self, raw: &str) -> Option<Answer> {
        let k = normalize(raw);
        if k.is_empty() {
            return Some(Answer::Missing);
        }
        [
            (&self.answers.nee, Answer::Nee),
            (&self.answers.min_of_meer, Answer::MinOfMeer),
            (&self.answers.ja, Answer::Ja),
            (&self.answers.missing, Answer::Missing),
        ]
        .into_iter()
        .find(|(codes, _)| codes.iter().any(|c| normalize(c) == k))
        .map(|(_, a)| a)
    }

    /// The wave a raw value means; `None` for one the mapping does not know.
    #[must_use]
    pub fn wave(&self, raw: &str) -> Option<Wave> {
        let k = normalize(raw);
        if self.waves.is_empty() {
            return k
                .parse::<u16>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
                .map(Wave::new);
        }
        self.waves
            .iter()
            .find(|(r, _)| normalize(r) == k)
            .map(|(_, y)| Wave::new(*y))
    }
}

/// Trimmed, lower-cased, and `3.0` read as `3`, so codes match however a file stored them.
pub(crate) fn normalize(raw: &str) -> String {
    let t = raw.trim();
    if let Some(int) = t.strip_suffix(".0")
        && int.parse::<i64>().is_ok()
    {
        return int.to_owned();
    }
    t.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_mapping_reads_numbers_and_words() {
        let m = Mapping::default();
        assert!(m.check().is_ok());
        assert_eq!(m.answer("1"), Some(Answer::Nee));
        assert_eq!(m.answer(" 2.0 "), Some(Answer::MinOfMeer));
        assert_eq!(m.answer("Ja"), Some(Answer::Ja));
        assert_eq!(m.answer(""), Some(Answer::Missing));
        assert_eq!(m.answer("9"), Some(Answer::Missing));
        assert_eq!(m.answer("4"), None);
        assert_eq!(m.wave("2020"), Some(Wave::new(2020)));
        assert_eq!(m.wave("20"), None);
    }

    #[test]
    fn a_code_with_two_meanings_is_refused() {
        let mut m = Mapping::default();
        m.answers.ja.push("1".into());
        assert!(
            m.check()
                .unwrap_err()
                .contains("\"1\" means both nee and ja")
        );
        let mut m = Mapping::default();
        m.columns.items.pop();
        assert!(m.check().unwrap_err().contains("11 items"));
    }
}

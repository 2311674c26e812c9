//! The estimates as published figures: a [`Dataset`] with value and 95 % bound rows.

use std::collections::HashMap;
use std::path::Path;

use super::{Estimate, Measure, MicrodataError, Unit};
use crate::dataset::DatasetBuilder;
use crate::figure::{Figure, Margin};
use crate::load::{ParsedFile, RowKey, Target};
use crate::{AgeGroup, AreaCode, Dataset, Indicator, Wave};

fn indicator(m: Measure) -> Indicator {
    match m {
        Measure::Lonely => Indicator::LONELY,
        Measure::Severe => Indicator::SEVERELY_LONELY,
        Measure::Emotional => Indicator::EMOTIONALLY_LONELY,
        Measure::Social => Indicator::SOCIALLY_LONELY,
    }
}

/// The area estimates as a [`Dataset`]: value, lower and upper bound rows per cell.
pub(super) fn dataset(
    estimates: &[Estimate],
    source: &Path,
    classification_year: Option<u16>,
    synthetic: bool,
) -> Result<Dataset, MicrodataError> {
    let mut rows: Vec<RowKey> = Vec::new();
    let mut index: HashMap<(AreaCode, Wave, AgeGroup), usize> = HashMap::new();
    let mut values: Vec<[[Figure; 4]; 3]> = Vec::new();
    for e in estimates {
        let Unit::Area(code) = e.unit else { continue };
        let i = *index.entry((code, e.wave, e.age)).or_insert_with(|| {
            for margin in [Margin::Value, Margin::Lower95, Margin::Upper95] {
                rows.push(RowKey {
                    code,
                    area_name: None,
                    gemeente_name: None,
                    wave: e.wave,
                    age: e.age,
                    margin,
                });
            }
            values.push([[Figure::NotMeasured; 4]; 3]);
            values.len() - 1
        });
        let m = e.measure as usize;
        let f = |v: Option<f64>| v.map_or(Figure::Suppressed, Figure::Value);
        values[i][0][m] = f(e.value);
        values[i][1][m] = f(e.lower);
        values[i][2][m] = f(e.upper);
    }
    let columns = Measure::ALL
        .iter()
        .map(|&m| {
            let col: Vec<Figure> = values
                .iter()
                .flat_map(|v| [v[0][m as usize], v[1][m as usize], v[2][m as usize]])
                .collect();
            (Target::Schema(indicator(m)), col)
        })
        .collect();
    let mut builder = DatasetBuilder::default();
    builder.add(ParsedFile {
        path: source.to_owned(),
        rows,
        columns,
        table: None,
        own: Vec::new(),
    });
    // One row per (area, wave, age group, margin): merging one file cannot conflict.
    builder
        .finish(classification_year, vec![source.to_owned()], synthetic)
        .map_err(|e| MicrodataError::Dataset(Box::new(e)))
}

/// The published-figure columns the output writes, in order.
#[must_use]
pub fn indicators() -> [Indicator; 4] {
    Measure::ALL.map(indicator)
}

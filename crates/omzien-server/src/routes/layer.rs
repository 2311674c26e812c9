//! Layer parameters from a query string, checked against the dataset.

use omzien::classify::Method;
use omzien::{AgeGroup, Dataset, LayerKind, LayerSpec, Level, Wave};
use serde::Deserialize;

use crate::error::ApiError;

/// `?indicator=Eenzaam_28&age=18%2B&level=gemeente&wave=2020` (level layer) or
/// `…&from=2016&to=2020` (delta layer), with optional `method` and `classes`.
#[derive(Debug, Default, Deserialize)]
pub struct LayerQuery {
    /// OData key or label; default `Eenzaam_28`.
    pub indicator: Option<String>,
    /// `18+`, `65+`, `18-64` or a CBS code; default 18+.
    pub age: Option<String>,
    /// `gemeente`, `wijk` or `buurt`; default gemeente.
    pub level: Option<String>,
    /// Wave of a level layer; default the latest.
    pub wave: Option<String>,
    /// First wave of a delta layer.
    pub from: Option<String>,
    /// Second wave of a delta layer.
    pub to: Option<String>,
    /// `quantile`, `equal`, `jenks` or `fixed:a,b,c`.
    pub method: Option<String>,
    /// Number of classes, 2–12.
    pub classes: Option<usize>,
}

fn wave(ds: &Dataset, name: &str, s: &str) -> Result<Wave, ApiError> {
    ds.parse_wave(s)
        .map_err(|e| ApiError::BadRequest(format!("{name}: {e}")))
}

/// The level asked for, or `default`.
pub fn level(s: Option<&str>, default: Level) -> Result<Level, ApiError> {
    s.map_or(Ok(default), |s| {
        s.parse()
            .map_err(|e| ApiError::BadRequest(format!("level: {e}")))
    })
}

/// The gemeente asked for (a code), if any.
pub fn gemeente(s: Option<&str>) -> Result<Option<omzien::GemeenteCode>, ApiError> {
    s.map(|g| {
        g.trim()
            .to_uppercase()
            .parse()
            .map_err(|e| ApiError::BadRequest(format!("gemeente: {e}")))
    })
    .transpose()
}

/// The age group asked for (default 18+, or the first the data has).
pub fn age(ds: &Dataset, s: Option<&str>) -> Result<AgeGroup, ApiError> {
    match s {
        Some(s) => ds
            .parse_age_group(s)
            .map_err(|e| ApiError::BadRequest(format!("age: {e}"))),
        None if ds.age_groups().contains(&AgeGroup::ADULTS) => Ok(AgeGroup::ADULTS),
        None => ds
            .age_groups()
            .first()
            .copied()
            .ok_or_else(|| ApiError::BadRequest("the data has no age groups".into())),
    }
}

impl LayerQuery {
    /// Checks the parameters and builds the layer request.
    ///
    /// # Errors
    /// A 400 naming the parameter that is wrong.
    pub fn spec(&self, ds: &Dataset) -> Result<LayerSpec, ApiError> {
        let indicator = ds
            .indicator(self.indicator.as_deref().unwrap_or("Eenzaam_28"))
            .map_err(|e| ApiError::BadRequest(format!("indicator: {e}")))?;
        let age = age(ds, self.age.as_deref())?;
        let level = level(self.level.as_deref(), Level::Gemeente)?;
        let kind = match (&self.from, &self.to) {
            (Some(f), Some(t)) => {
                let (from, to) = (wave(ds, "from", f)?, wave(ds, "to", t)?);
                if from == to {
                    return Err(ApiError::BadRequest(format!(
                        "a delta needs two different waves, got {from} twice"
                    )));
                }
                LayerKind::Delta { from, to }
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(ApiError::BadRequest(
                    "a delta layer needs both from and to".into(),
                ));
            }
            (None, None) => LayerKind::Level {
                wave: match &self.wave {
                    Some(w) => wave(ds, "wave", w)?,
                    None => *ds
                        .waves()
                        .last()
                        .ok_or_else(|| ApiError::BadRequest("the data has no waves".into()))?,
                },
            },
        };
        let mut spec = match kind {
            LayerKind::Level { wave } => LayerSpec::level(indicator, age, level, wave),
            LayerKind::Delta { from, to } => LayerSpec::delta(indicator, age, level, from, to),
            _ => return Err(ApiError::BadRequest("unsupported layer".into())),
        };
        if let Some(m) = &self.method {
            spec = spec.with_method(
                m.parse::<Method>()
                    .map_err(|e| ApiError::BadRequest(format!("method: {e}")))?,
            );
        }
        if let Some(c) = self.classes {
            if !(2..=12).contains(&c) {
                return Err(ApiError::BadRequest(format!(
                    "classes: {c} is outside 2–12"
                )));
            }
            spec = spec.with_classes(c);
        }
        Ok(spec)
    }
}

/// A canonical cache key for a layer request.
#[must_use]
pub fn key(spec: &LayerSpec) -> String {
    let kind = match spec.kind {
        LayerKind::Level { wave } => wave.to_string(),
        LayerKind::Delta { from, to } => format!("{from}-{to}"),
        _ => "other".to_owned(),
    };
    format!(
        "{}/{}/{}/{kind}/{}/{}",
        spec.level,
        spec.indicator,
        spec.age.code(),
        spec.method,
        spec.classes
    )
}

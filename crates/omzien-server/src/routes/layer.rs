//! Layer parameters from a query string, checked against the dataset.

use omzien::classify::Method;
use omzien::{Dataset, LayerKind, LayerSpec, Level};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::params::{Change, LevelParam, Measure, WaveParam};

/// How a layer is classed: `?method=&classes=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LayerStyle {
    /// Classification: `quantile`, `equal`, `jenks` or `fixed:a,b,c`.
    pub method: Option<String>,
    /// Number of classes, 2–12.
    pub classes: Option<usize>,
}

/// `?indicator=Eenzaam_28&age=18%2B&level=gemeente&wave=2020` (level layer) or
/// `…&from=2016&to=2020` (delta layer), with optional `method` and `classes`: the shared
/// parameter groups ([`crate::params`]) and the layer's style.
#[derive(Debug, Default)]
pub struct LayerQuery {
    /// Indicator and age group.
    pub measure: Measure,
    /// The wave of a level layer.
    pub wave: WaveParam,
    /// The waves of a change layer.
    pub change: Change,
    /// The level (default gemeente).
    pub level: LevelParam,
    /// The classes.
    pub style: LayerStyle,
}

crate::composed_params!(LayerQuery {
    measure: Measure,
    wave: WaveParam,
    change: Change,
    level: LevelParam,
    style: LayerStyle,
});

/// The level asked for, or `default`.
pub fn level(s: Option<&str>, default: Level) -> Result<Level, ApiError> {
    Ok(crate::params::parse_level(s, default)?)
}

impl LayerQuery {
    /// Checks the parameters and builds the layer request.
    ///
    /// # Errors
    /// A 400 naming the parameter that is wrong.
    pub fn spec(&self, ds: &Dataset) -> Result<LayerSpec, ApiError> {
        let indicator = self.measure.indicator(ds)?;
        let age = self.measure.age(ds)?;
        let level = self.level.level(Level::Gemeente)?;
        let kind = match self.change.optional(ds)? {
            Some((from, to)) => LayerKind::Delta { from, to },
            None => LayerKind::Level {
                wave: self.wave.wave(ds)?,
            },
        };
        let mut spec = match kind {
            LayerKind::Level { wave } => LayerSpec::level(indicator, age, level, wave),
            LayerKind::Delta { from, to } => LayerSpec::delta(indicator, age, level, from, to),
            _ => return Err(ApiError::BadRequest("unsupported layer".into())),
        };
        if let Some(m) = &self.style.method {
            spec = spec.with_method(
                m.parse::<Method>()
                    .map_err(|e| ApiError::BadRequest(format!("method: {e}")))?,
            );
        }
        if let Some(c) = self.style.classes {
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

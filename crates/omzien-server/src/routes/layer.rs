//! Layer parameters from a query string, checked against the dataset.

use omzien::classify::Method;
use omzien::{Dataset, LayerKind, LayerSpec, Level};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

/// `?indicator=Eenzaam_28&age=18%2B&level=gemeente&wave=2020` (level layer) or
/// `…&from=2016&to=2020` (delta layer), with optional `method` and `classes`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LayerQuery {
    /// Indicator: OData key or label (default `Eenzaam_28`).
    pub indicator: Option<String>,
    /// Age group: `18+`, `65+`, `18-64` or a CBS code (default 18+).
    pub age: Option<String>,
    /// Level: `gemeente` (default), `wijk` or `buurt`.
    pub level: Option<String>,
    /// Wave of a level layer (default the latest).
    pub wave: Option<String>,
    /// First wave of a change layer.
    pub from: Option<String>,
    /// Second wave of a change layer.
    pub to: Option<String>,
    /// Classification: `quantile`, `equal`, `jenks` or `fixed:a,b,c`.
    pub method: Option<String>,
    /// Number of classes, 2–12.
    pub classes: Option<usize>,
}

/// The level asked for, or `default`.
pub fn level(s: Option<&str>, default: Level) -> Result<Level, ApiError> {
    s.map_or(Ok(default), |s| {
        s.parse()
            .map_err(|e| ApiError::BadRequest(format!("level: {e}")))
    })
}

/// The gemeente asked for (a code or a name, [`Dataset::resolve_gemeente`]), if any.
pub fn gemeente(ds: &Dataset, s: Option<&str>) -> Result<Option<omzien::GemeenteCode>, ApiError> {
    s.map(|g| {
        ds.resolve_gemeente(g)
            .map_err(|e| ApiError::from(omzien::ParamError::new("gemeente", e)))
    })
    .transpose()
}

impl LayerQuery {
    /// Checks the parameters and builds the layer request.
    ///
    /// # Errors
    /// A 400 naming the parameter that is wrong.
    pub fn spec(&self, ds: &Dataset) -> Result<LayerSpec, ApiError> {
        let indicator = ds.parse_indicator(self.indicator.as_deref())?;
        let age = ds.parse_age(self.age.as_deref())?;
        let level = level(self.level.as_deref(), Level::Gemeente)?;
        let kind = match (&self.from, &self.to) {
            (Some(f), Some(t)) => {
                let (from, to) = ds.parse_change(("from", f), ("to", t))?;
                LayerKind::Delta { from, to }
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(ApiError::BadRequest(
                    "a delta layer needs both from and to".into(),
                ));
            }
            (None, None) => LayerKind::Level {
                wave: ds.parse_wave_or_latest("wave", self.wave.as_deref())?,
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

//! Choropleth layers: which class and colour each area gets, and the legend that goes with it.

use std::sync::Arc;

use serde::Serialize;

use crate::classify::{Classes, ClassifyError, Color, Method, Palette, Ramp};
use crate::{
    AgeGroup, AreaCode, Dataset, Figure, Indicator, Level, QueryError, TrendError, TrendQuery,
    Unit, Wave,
};

/// What a layer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LayerKind {
    /// The figure in one wave.
    Level {
        /// The wave.
        wave: Wave,
    },
    /// The change between two waves, percentage points.
    Delta {
        /// First wave.
        from: Wave,
        /// Second wave.
        to: Wave,
    },
}

/// A layer request: indicator, age group, level, what to show and how to classify it. Equal
/// requests give equal layers, so a request keys a cache of layers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LayerSpec {
    /// Indicator.
    pub indicator: Indicator,
    /// Age group.
    pub age: AgeGroup,
    /// Area level drawn.
    pub level: Level,
    /// Level or delta.
    pub kind: LayerKind,
    /// Classification method.
    pub method: Method,
    /// Number of classes (ignored by fixed breaks).
    pub classes: usize,
}

impl LayerSpec {
    /// A level layer with quantiles in 5 classes.
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator, Level, LayerSpec, Wave};
    /// let ds = omzien::demo::dataset();
    /// let layer = ds.layer(&LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Buurt, Wave::new(2020)))?;
    /// assert_eq!(layer.classes().len(), 5);
    /// let legend = layer.legend();
    /// assert_eq!(legend.entries.len(), 5 + 2); // classes, suppressed, not measured
    /// # Ok::<(), omzien::LayerError>(())
    /// ```
    #[must_use]
    pub fn level(indicator: Indicator, age: AgeGroup, level: Level, wave: Wave) -> Self {
        Self {
            indicator,
            age,
            level,
            kind: LayerKind::Level { wave },
            method: Method::Quantiles,
            classes: 5,
        }
    }
    /// A delta layer between two waves with equal intervals in 6 classes.
    #[must_use]
    pub fn delta(indicator: Indicator, age: AgeGroup, level: Level, from: Wave, to: Wave) -> Self {
        Self {
            indicator,
            age,
            level,
            kind: LayerKind::Delta { from, to },
            method: Method::EqualInterval,
            classes: 6,
        }
    }
    /// Sets the method.
    #[must_use]
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }
    /// Sets the number of classes.
    #[must_use]
    pub fn with_classes(mut self, classes: usize) -> Self {
        self.classes = classes;
        self
    }
}

/// How one area is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "style", content = "class", rename_all = "snake_case")]
pub enum Style {
    /// In a class (index into the legend's classes).
    Class(usize),
    /// Suppressed in the wave (or either wave of a delta).
    Suppressed,
    /// Not measured in the wave (or either wave of a delta).
    NotMeasured,
}

/// A layer that cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LayerError {
    /// A query error (unknown wave or age group).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A trend error (e.g. the same wave twice).
    #[error(transparent)]
    Trend(#[from] TrendError),
    /// A classification error.
    #[error(transparent)]
    Classify(#[from] ClassifyError),
}

/// A classified layer: a style per area, classes, colours.
///
/// Compact: per area of the level one byte of style and one value, beside the level's area
/// codes shared with the dataset (a national buurt layer is about 125 KB).
#[derive(Debug, Clone)]
pub struct Layer {
    spec: LayerSpec,
    /// The level's areas in code order (shared with the dataset).
    areas: Arc<[AreaCode]>,
    /// Per area: its class, or [`SUPPRESSED`] / [`NOT_MEASURED`].
    styles: Vec<u8>,
    /// Per area: the value shown (figure or delta), NaN for none.
    values: Vec<f64>,
    classes: Classes,
    palette: Palette,
    synthetic: bool,
    title: String,
    unit: Unit,
}

/// The smallest value of one decimal at or above `v`.
fn up_to_tenth(v: f64) -> f64 {
    (v * 10.0 - 1e-6).ceil() / 10.0
}

/// The largest value of one decimal below `v`: the top of a class that stops before `v`.
fn tenth_below(v: f64) -> f64 {
    ((v * 10.0 - 1e-6).ceil() - 1.0) / 10.0
}

/// The style byte of a suppressed area.
const SUPPRESSED: u8 = u8::MAX - 1;
/// The style byte of an area not measured.
const NOT_MEASURED: u8 = u8::MAX;

/// One legend row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct LegendEntry {
    /// `"42.1 – 45.2"` (one-decimal values: the class holds both ends; a value on the next
    /// class's lower end belongs to that class), `"42.13 – < 45.27"` otherwise,
    /// `"onderdrukt / suppressed"`, `"niet gemeten / not measured"`.
    pub label: String,
    /// Its colour, `#rrggbb`.
    pub color: String,
    /// The colour as RGBA.
    #[cfg_attr(feature = "schema", schema(value_type = [u8; 4]))]
    pub rgba: Color,
    /// A class, or the suppressed or not-measured swatch.
    pub kind: EntryKind,
    /// Lower bound of a class.
    pub min: Option<f64>,
    /// Upper bound of a class.
    pub max: Option<f64>,
}

/// What a legend row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A class of values.
    Class,
    /// Areas whose figure is suppressed.
    Suppressed,
    /// Areas whose figure was not measured.
    NotMeasured,
}

/// The legend of a layer, exactly the colours the tiles use.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct Legend {
    /// What is shown.
    pub title: String,
    /// Unit of the class bounds: the indicator's unit for a level layer (`%` for a
    /// percentage), its change for a delta layer (`pp`); serialised as the symbol.
    #[serde(serialize_with = "Unit::serialize_symbol")]
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "%"))]
    pub unit: Unit,
    /// Classes, then suppressed and not measured.
    pub entries: Vec<LegendEntry>,
    /// The classification method.
    pub method: String,
    /// Set for demo data.
    pub synthetic: Option<&'static str>,
}

impl Dataset {
    /// Classifies one level's areas for a layer. Breaks of a level layer are computed over
    /// every wave of the dataset, so one colour means one value in every wave.
    ///
    /// # Errors
    /// [`LayerError`] for an unknown wave or age group, a delta of a wave with itself, or a
    /// classification that cannot be made.
    pub fn layer(&self, spec: &LayerSpec) -> Result<Layer, LayerError> {
        let areas = self.level_areas(spec.level);
        let mut styles = vec![NOT_MEASURED; areas.len()];
        let mut values = vec![f64::NAN; areas.len()];
        let (pool, unit_title): (Vec<f64>, String) = match spec.kind {
            LayerKind::Level { wave } => {
                let figures = self.level_figures(spec.level, spec.indicator, wave, spec.age)?;
                for (i, (_, f)) in figures.into_iter().enumerate() {
                    match f {
                        Figure::Value(v) => values[i] = v,
                        Figure::Suppressed => styles[i] = SUPPRESSED,
                        Figure::NotMeasured => {}
                    }
                }
                let mut pool = Vec::new();
                for &w in self.waves() {
                    pool.extend(
                        self.level_figures(spec.level, spec.indicator, w, spec.age)?
                            .iter()
                            .filter_map(|(_, f)| f.value()),
                    );
                }
                (pool, format!("{wave}"))
            }
            LayerKind::Delta { from, to } => {
                let q = TrendQuery::new(spec.indicator, from, to)
                    .with_age(spec.age)
                    .with_level(spec.level);
                for (i, t) in q.run(self)?.into_iter().enumerate() {
                    match (t.delta, t.from_figure, t.to_figure) {
                        (Some(d), _, _) => values[i] = d,
                        (None, Figure::Suppressed, _) | (None, _, Figure::Suppressed) => {
                            styles[i] = SUPPRESSED;
                        }
                        _ => {}
                    }
                }
                let pool = values.iter().copied().filter(|v| !v.is_nan()).collect();
                (pool, format!("{from} → {to}"))
            }
        };
        let pool = if pool.is_empty() { vec![0.0] } else { pool };
        let classes = Classes::new(&spec.method, &pool, spec.classes, 1)?;
        for (style, &v) in styles.iter_mut().zip(&values) {
            if !v.is_nan() {
                *style = u8::try_from(classes.class_of(v)).unwrap_or(NOT_MEASURED);
            }
        }
        let ramp = match spec.kind {
            LayerKind::Level { .. } => Ramp::Sequential,
            LayerKind::Delta { .. } => Ramp::Diverging,
        };
        let palette = Palette::new(ramp, &classes);
        let info = self.indicator_info(spec.indicator);
        let name = info.map_or_else(|| spec.indicator.to_string(), |i| i.label_nl.clone());
        let unit = info.map_or(Unit::Number, |i| i.unit);
        let title = format!(
            "{name}, {}, {}, {unit_title}",
            spec.age.label_nl(),
            spec.level
        );
        Ok(Layer {
            spec: spec.clone(),
            areas,
            styles,
            values,
            classes,
            palette,
            synthetic: self.is_synthetic(),
            title,
            unit,
        })
    }
}

impl Layer {
    /// The request this layer answers.
    #[must_use]
    pub fn spec(&self) -> &LayerSpec {
        &self.spec
    }
    /// The classes.
    #[must_use]
    pub fn classes(&self) -> &Classes {
        &self.classes
    }
    /// The colours.
    #[must_use]
    pub fn palette(&self) -> &Palette {
        &self.palette
    }
    /// How an area is drawn; `None` for an area the dataset does not hold at this level.
    #[must_use]
    pub fn style(&self, code: AreaCode) -> Option<Style> {
        self.style_at(self.areas.binary_search(&code).ok()?)
    }

    /// The level's areas in code order, shared by every layer of the level: a position in it
    /// is what [`Layer::style_at`] and [`Layer::color_at`] take, so a drawer can look an area
    /// up once for many layers.
    #[must_use]
    pub fn areas(&self) -> &Arc<[AreaCode]> {
        &self.areas
    }

    /// How the area at position `i` of [`Layer::areas`] is drawn.
    #[must_use]
    pub fn style_at(&self, i: usize) -> Option<Style> {
        Some(match *self.styles.get(i)? {
            SUPPRESSED => Style::Suppressed,
            NOT_MEASURED => Style::NotMeasured,
            class => Style::Class(usize::from(class)),
        })
    }
    /// The value shown for an area (figure or delta).
    #[must_use]
    pub fn value(&self, code: AreaCode) -> Option<f64> {
        let i = self.areas.binary_search(&code).ok()?;
        self.values.get(i).copied().filter(|v| !v.is_nan())
    }
    /// About how many bytes the layer holds on the heap (its per-area styles and values,
    /// classes and title; the area codes are the dataset's), for caches weighed in bytes.
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator, LayerSpec, Level, Wave};
    /// let ds = omzien::demo::dataset();
    /// let buurten = ds.layer(&LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Buurt, Wave::new(2020)))?;
    /// let gemeente = ds.layer(&LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Gemeente, Wave::new(2020)))?;
    /// assert!(buurten.heap_bytes() > gemeente.heap_bytes());
    /// # Ok::<(), omzien::LayerError>(())
    /// ```
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + std::mem::size_of_val(self.styles.as_slice())
            + std::mem::size_of_val(self.values.as_slice())
            + std::mem::size_of_val(self.classes.breaks())
            + std::mem::size_of_val(self.palette.classes.as_slice())
            + self.title.len()
    }

    /// The fill colour of an area.
    ///
    /// ```
    /// use omzien::{AgeGroup, EntryKind, Indicator, LayerSpec, Level, Wave};
    /// let ds = omzien::demo::dataset();
    /// let spec = LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Wijk, Wave::new(2020));
    /// let layer = ds.layer(&spec)?;
    /// let legend = layer.legend();
    /// // A wijk's colour is one the legend names; an area of another level has none.
    /// let c = layer.color("WK999903".parse()?).expect("a wijk of the demo");
    /// assert!(legend.entries.iter().any(|e| e.rgba == c));
    /// assert!(layer.color(omzien::AreaCode::Gemeente(omzien::demo::GEMEENTE)).is_none());
    /// // The classes, then the suppressed and not-measured swatches.
    /// let kinds: Vec<EntryKind> = legend.entries.iter().map(|e| e.kind).collect();
    /// assert_eq!(kinds[kinds.len() - 2..], [EntryKind::Suppressed, EntryKind::NotMeasured]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn color(&self, code: AreaCode) -> Option<Color> {
        self.color_at(self.areas.binary_search(&code).ok()?)
    }

    /// The fill colour of the area at position `i` of [`Layer::areas`].
    #[must_use]
    pub fn color_at(&self, i: usize) -> Option<Color> {
        self.style_at(i).map(|s| match s {
            Style::Class(i) => self
                .palette
                .classes
                .get(i)
                .copied()
                .unwrap_or(self.palette.not_measured),
            Style::Suppressed => self.palette.suppressed,
            Style::NotMeasured => self.palette.not_measured,
        })
    }
    /// The legend: one entry per class with its rounded range, then suppressed and not measured.
    #[must_use]
    pub fn legend(&self) -> Legend {
        let (unit, sign) = match self.spec.kind {
            LayerKind::Level { .. } => (self.unit, false),
            LayerKind::Delta { .. } => (self.unit.change(), true),
        };
        let fmt = |v: f64| {
            if sign {
                format!("{v:+.1}")
            } else {
                format!("{v:.1}")
            }
        };
        // A value on a break belongs to the class above it, so a label must let a reader place
        // it: with values of one decimal (the published figures and their changes) a class
        // [lo, hi) holds lo … hi − 0.1 and says so; otherwise it reads "lo – < hi". The last
        // class holds its upper end.
        let tenths = self
            .values
            .iter()
            .filter(|v| v.is_finite())
            .all(|v| ((v * 10.0).round() - v * 10.0).abs() < 1e-6);
        let ranges = self.classes.ranges();
        let last = ranges.len().saturating_sub(1);
        let mut entries: Vec<LegendEntry> = ranges
            .into_iter()
            .zip(&self.palette.classes)
            .enumerate()
            .map(|(i, ((lo, hi), &c))| LegendEntry {
                label: match (tenths, i == last) {
                    (true, true) => format!("{} – {}", fmt(up_to_tenth(lo)), fmt(hi)),
                    (true, false) => format!("{} – {}", fmt(up_to_tenth(lo)), fmt(tenth_below(hi))),
                    (false, true) => format!("{} – {}", fmt(lo), fmt(hi)),
                    (false, false) => format!("{} – < {}", fmt(lo), fmt(hi)),
                },
                color: c.hex(),
                rgba: c,
                kind: EntryKind::Class,
                min: Some(lo),
                max: Some(hi),
            })
            .collect();
        for (label, c, kind) in [
            (
                "onderdrukt / suppressed",
                self.palette.suppressed,
                EntryKind::Suppressed,
            ),
            (
                "niet gemeten / not measured",
                self.palette.not_measured,
                EntryKind::NotMeasured,
            ),
        ] {
            entries.push(LegendEntry {
                label: label.to_owned(),
                color: c.hex(),
                rgba: c,
                kind,
                min: None,
                max: None,
            });
        }
        Legend {
            title: self.title.clone(),
            unit,
            entries,
            method: self.spec.method.to_string(),
            synthetic: self.synthetic.then_some(crate::demo::LABEL),
        }
    }
}

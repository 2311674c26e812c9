//! What one figure of an area is chosen by: an indicator, an age group and a wave, with the
//! defaults every command and endpoint shares (the lonely indicator, 18+, the latest wave).

use serde::Serialize;

use crate::{AgeGroup, Dataset, Indicator, QueryError, Wave};

/// One indicator, age group and wave: what an [`AreaProfile`](crate::AreaProfile) ranks and
/// what a level layer shows.
///
/// ```
/// use omzien::{AgeGroup, Indicator, Selection, Wave};
/// let ds = omzien::demo::dataset();
/// let s = ds.parse_selection(None, Some("65+"), None)?;
/// assert_eq!(s, Selection::new(Indicator::LONELY, AgeGroup::SENIORS, Wave::new(2020)));
/// assert_eq!(s.with_wave(Wave::new(2016)).wave, Wave::new(2016));
/// # Ok::<(), omzien::ParamError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct Selection {
    /// The indicator, by its OData key.
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "Eenzaam_28"))]
    pub indicator: Indicator,
    /// The age group (`18+`, `65+`, `18-64` or a CBS code).
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "18+"))]
    pub age: AgeGroup,
    /// The wave (survey year).
    #[cfg_attr(feature = "schema", schema(value_type = u16, example = 2020))]
    pub wave: Wave,
}

impl Selection {
    /// A selection of these three.
    #[must_use]
    pub fn new(indicator: Indicator, age: AgeGroup, wave: Wave) -> Self {
        Self {
            indicator,
            age,
            wave,
        }
    }
    /// The same with another indicator.
    #[must_use]
    pub fn with_indicator(mut self, indicator: Indicator) -> Self {
        self.indicator = indicator;
        self
    }
    /// The same with another age group.
    #[must_use]
    pub fn with_age(mut self, age: AgeGroup) -> Self {
        self.age = age;
        self
    }
    /// The same with another wave.
    #[must_use]
    pub fn with_wave(mut self, wave: Wave) -> Self {
        self.wave = wave;
        self
    }
}

/// A parameter (`indicator`, `age`, `wave`, …) whose value the dataset cannot use.
///
/// ```
/// let ds = omzien::demo::dataset();
/// let e = ds.parse_selection(None, None, Some("2013")).unwrap_err();
/// assert_eq!(e.param, "wave");
/// assert!(e.to_string().starts_with("wave: wave 2013 is not in the dataset"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{param}: {source}")]
#[non_exhaustive]
pub struct ParamError {
    /// The parameter's name.
    pub param: &'static str,
    /// What is wrong with its value.
    #[source]
    pub source: QueryError,
}

impl ParamError {
    /// The error of a parameter.
    #[must_use]
    pub fn new(param: &'static str, source: QueryError) -> Self {
        Self { param, source }
    }
}

impl Dataset {
    /// The latest wave of the data.
    ///
    /// ```
    /// assert_eq!(omzien::demo::dataset().latest_wave(), Some(omzien::Wave::new(2020)));
    /// assert_eq!(omzien::Dataset::default().latest_wave(), None);
    /// ```
    #[must_use]
    pub fn latest_wave(&self) -> Option<Wave> {
        self.waves().last().copied()
    }

    /// The wave before `wave` in the data, if any.
    ///
    /// ```
    /// use omzien::Wave;
    /// let ds = omzien::demo::dataset();
    /// assert_eq!(ds.wave_before(Wave::new(2020)), Some(Wave::new(2016)));
    /// assert_eq!(ds.wave_before(Wave::new(2012)), None);
    /// ```
    #[must_use]
    pub fn wave_before(&self, wave: Wave) -> Option<Wave> {
        self.waves().iter().rev().find(|w| **w < wave).copied()
    }

    /// The age group shown when none is asked for: 18+ where the data has it, else the
    /// first it has.
    #[must_use]
    pub fn default_age_group(&self) -> Option<AgeGroup> {
        if self.age_groups().contains(&AgeGroup::ADULTS) {
            Some(AgeGroup::ADULTS)
        } else {
            self.age_groups().first().copied()
        }
    }

    /// An indicator by key or label, or the lonely indicator when none is given.
    ///
    /// # Errors
    /// [`ParamError`] (`indicator`) when nothing matches.
    pub fn parse_indicator(&self, s: Option<&str>) -> Result<Indicator, ParamError> {
        s.map_or(Ok(Indicator::LONELY), |s| {
            self.indicator(s)
                .map_err(|e| ParamError::new("indicator", e))
        })
    }

    /// An age group, or [`Dataset::default_age_group`] when none is given.
    ///
    /// # Errors
    /// [`ParamError`] (`age`) for text that names no age group of the data.
    pub fn parse_age(&self, s: Option<&str>) -> Result<AgeGroup, ParamError> {
        match s {
            Some(s) => self.parse_age_group(s),
            None => self
                .default_age_group()
                .ok_or(QueryError::Empty("age groups")),
        }
        .map_err(|e| ParamError::new("age", e))
    }

    /// A wave given as parameter `param`, or the latest wave when none is given.
    ///
    /// # Errors
    /// [`ParamError`] (`param`) for text that is not a wave of the data.
    pub fn parse_wave_or_latest(
        &self,
        param: &'static str,
        s: Option<&str>,
    ) -> Result<Wave, ParamError> {
        match s {
            Some(s) => self.parse_wave_param(param, s),
            None => self
                .latest_wave()
                .ok_or_else(|| ParamError::new(param, QueryError::Empty("waves"))),
        }
    }

    /// A wave the caller must give, as parameter `param` (`from`, `to`, `since`).
    ///
    /// # Errors
    /// [`ParamError`] (`param`) for text that is not a wave of the data.
    pub fn parse_wave_param(&self, param: &'static str, s: &str) -> Result<Wave, ParamError> {
        self.parse_wave(s).map_err(|e| ParamError::new(param, e))
    }

    /// A change between two waves given as parameters `from` and `to` (each a name and its
    /// text): both in the data, the first before the second.
    ///
    /// ```
    /// use omzien::{QueryError, Wave};
    /// let ds = omzien::demo::dataset();
    /// assert_eq!(ds.parse_change(("from", "2012"), ("to", "latest"))?, (Wave::new(2012), Wave::new(2020)));
    /// let e = ds.parse_change(("from", "2020"), ("to", "2012")).unwrap_err();
    /// assert_eq!(e.param, "from");
    /// assert!(matches!(e.source, QueryError::WaveOrder { .. }));
    /// # Ok::<(), omzien::ParamError>(())
    /// ```
    ///
    /// # Errors
    /// [`ParamError`] naming the parameter whose wave is not in the data, or `from` for waves
    /// out of order ([`QueryError::WaveOrder`]).
    pub fn parse_change(
        &self,
        from: (&'static str, &str),
        to: (&'static str, &str),
    ) -> Result<(Wave, Wave), ParamError> {
        let a = self.parse_wave_param(from.0, from.1)?;
        let b = self.parse_wave_param(to.0, to.1)?;
        if a >= b {
            return Err(ParamError::new(
                from.0,
                QueryError::WaveOrder { from: a, to: b },
            ));
        }
        Ok((a, b))
    }

    /// A selection from text parameters (as a URL or a command line gives them), each one
    /// missing taking its default: the lonely indicator, 18+, the latest wave.
    ///
    /// # Errors
    /// [`ParamError`] naming the first parameter the data cannot use.
    pub fn parse_selection(
        &self,
        indicator: Option<&str>,
        age: Option<&str>,
        wave: Option<&str>,
    ) -> Result<Selection, ParamError> {
        Ok(Selection::new(
            self.parse_indicator(indicator)?,
            self.parse_age(age)?,
            self.parse_wave_or_latest("wave", wave)?,
        ))
    }
}

/// A WGS84 box `west,south,east,north` in degrees, as `--bbox` and `?bbox=` take it: four
/// numbers, longitudes within ±180, latitudes within ±90, west ≤ east and south ≤ north.
///
/// ```
/// assert_eq!(omzien::parse_bbox("4.7, 52.2,5.1,52.5")?, [4.7, 52.2, 5.1, 52.5]);
/// for bad in ["4.7,52.2,5.1", "a,b,c,d", "5.1,52.2,4.7,52.5", "4.7,52.2,5.1,95", "", "1,2,3,4,5"] {
///     let e = omzien::parse_bbox(bad).unwrap_err().to_string();
///     assert!(e.starts_with("bbox: "), "{bad:?}: {e}");
/// }
/// # Ok::<(), omzien::ParamError>(())
/// ```
///
/// # Errors
/// [`ParamError`] (`bbox`) saying what a box must be.
pub fn parse_bbox(s: &str) -> Result<[f64; 4], ParamError> {
    let bad = || {
        ParamError::new(
            "bbox",
            QueryError::Invalid(format!(
                "{s:?} is not west,south,east,north in degrees (WGS84, west ≤ east, south ≤ north)"
            )),
        )
    };
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let [w, so, e, n] = <[f64; 4]>::try_from(v).map_err(|_| bad())?;
    let ok = [w, e].iter().all(|x| (-180.0..=180.0).contains(x))
        && [so, n].iter().all(|y| (-90.0..=90.0).contains(y))
        && w <= e
        && so <= n;
    if ok { Ok([w, so, e, n]) } else { Err(bad()) }
}

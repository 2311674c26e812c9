//! An area's profile: every figure of the area beside its parent, its gemeente and the
//! country, the trends between waves with their caveats, and its ranks for one selection.
//! The command line's `area` and the API's `/api/areas/{code}` both show this.

use serde::Serialize;

use crate::figure::{ser_opt_value, ser_value};
use crate::{
    AreaCode, Caveat, Dataset, Direction, Figure, Indicator, Level, QueryError, Ranks, Selection,
    Status, TrendError, TrendQuery, Wave,
};

/// The area a profile describes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct ProfileArea {
    /// Its code.
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "GM0363"))]
    pub code: AreaCode,
    /// Its level.
    pub level: Level,
    /// Its name for people: its own name, else `code (gemeente)`.
    pub name: String,
    /// The name of its gemeente, where known.
    pub gemeente_name: Option<String>,
    /// The enclosing area in the dataset.
    #[cfg_attr(feature = "schema", schema(value_type = Option<String>))]
    pub parent: Option<AreaCode>,
}

/// One figure of the area with its references.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct ProfileFigure {
    /// The indicator, by its OData key.
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "Eenzaam_28"))]
    pub indicator: Indicator,
    /// The age group.
    #[cfg_attr(feature = "schema", schema(value_type = String, example = "18+"))]
    pub age: crate::AgeGroup,
    /// The wave.
    #[cfg_attr(feature = "schema", schema(value_type = u16, example = 2020))]
    pub wave: Wave,
    /// The figure: its value, `null` when suppressed or not measured ([`Self::status`]).
    #[serde(rename = "value", serialize_with = "ser_value")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<f64>))]
    pub figure: Figure,
    /// Value, suppressed or not measured.
    pub status: Status,
    /// The 95 % interval `[lower, upper]`, where the data has both bounds.
    #[cfg_attr(feature = "schema", schema(value_type = Option<[f64; 2]>))]
    pub interval: Option<(f64, f64)>,
    /// The parent's figure; `null` without a parent or a value.
    #[serde(serialize_with = "ser_opt_value")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<f64>))]
    pub parent: Option<Figure>,
    /// The gemeente's figure (for wijken and buurten).
    #[serde(serialize_with = "ser_opt_value")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<f64>))]
    pub gemeente: Option<Figure>,
    /// The national figure (for every area but the country).
    #[serde(serialize_with = "ser_opt_value")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<f64>))]
    pub national: Option<Figure>,
}

/// A change of the area between two waves.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct ProfileTrend {
    /// The indicator, by its OData key.
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub indicator: Indicator,
    /// The age group.
    #[cfg_attr(feature = "schema", schema(value_type = String))]
    pub age: crate::AgeGroup,
    /// First wave.
    #[cfg_attr(feature = "schema", schema(value_type = u16))]
    pub from: Wave,
    /// Second wave.
    #[cfg_attr(feature = "schema", schema(value_type = u16))]
    pub to: Wave,
    /// Change in percentage points, when both are values.
    pub delta: Option<f64>,
    /// Direction of the change (±2 pp band).
    pub direction: Option<Direction>,
    /// Significant at 95 %, where both waves have bounds.
    pub significant: Option<bool>,
    /// What a reader must know, as text.
    pub caveats: Vec<String>,
    /// The same caveats, typed.
    pub caveat_kinds: Vec<Caveat>,
}

/// The selected figure of the area and its ranks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct SelectedFigure {
    /// What was selected.
    #[serde(flatten)]
    pub selection: Selection,
    /// The area's value, `null` when it has none.
    #[serde(serialize_with = "ser_value")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<f64>))]
    pub value: Figure,
    /// Its places in the country and in its gemeente.
    pub ranks: Ranks,
}

/// Every figure of one area with its references, its trends and its ranks.
///
/// ```
/// let ds = omzien::demo::dataset();
/// let selection = ds.parse_selection(None, None, None)?;
/// let p = ds.profile("WK999903".parse()?, &selection)?;
/// assert_eq!(p.area.parent.map(|c| c.to_string()), Some("GM9999".into()));
/// let f = p.figure(selection.indicator, selection.age, selection.wave).ok_or("no figure")?;
/// assert_eq!(f.figure, ds.figure(p.area.code, selection.indicator, selection.wave, selection.age)?);
/// assert!(p.trends.iter().any(|t| t.from.year() == 2012 && t.to.year() == 2020));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct AreaProfile {
    /// The area.
    pub area: ProfileArea,
    /// Every indicator × age group × wave of the data, in that order.
    #[serde(rename = "rows")]
    pub figures: Vec<ProfileFigure>,
    /// Changes between consecutive waves and first → last, for the four loneliness
    /// indicators and the selected one, in every age group.
    pub trends: Vec<ProfileTrend>,
    /// The trend over every wave with an interval (three or more), for the same indicators and
    /// age groups; empty for figures without intervals.
    pub wave_trends: Vec<crate::WaveTrend>,
    /// The selected figure and its ranks.
    pub selection: SelectedFigure,
}

impl AreaProfile {
    /// The figure of one indicator, age group and wave.
    #[must_use]
    pub fn figure(
        &self,
        indicator: Indicator,
        age: crate::AgeGroup,
        wave: Wave,
    ) -> Option<&ProfileFigure> {
        self.figures
            .iter()
            .find(|f| f.indicator == indicator && f.age == age && f.wave == wave)
    }
}

impl Dataset {
    /// The profile of an area: its figures beside its parent, gemeente and the country, its
    /// trends with caveats and significance, and its ranks for `selection`.
    ///
    /// # Errors
    /// [`QueryError`] for an area, wave or age group the dataset does not hold.
    pub fn profile(
        &self,
        code: AreaCode,
        selection: &Selection,
    ) -> Result<AreaProfile, QueryError> {
        let area = self.area(code)?;
        let gemeente = code
            .gemeente()
            .map(AreaCode::Gemeente)
            .filter(|g| self.contains(*g) && *g != code);
        let national = self.national().filter(|n| *n != code);
        let mut figures = Vec::new();
        for info in self.indicators() {
            let ind = info.indicator;
            for &age in self.age_groups() {
                for &wave in self.waves() {
                    let figure = self.figure(code, ind, wave, age)?;
                    let reference =
                        |c: Option<AreaCode>| c.map(|c| self.figure(c, ind, wave, age)).transpose();
                    figures.push(ProfileFigure {
                        indicator: ind,
                        age,
                        wave,
                        figure,
                        status: figure.status(),
                        interval: self.interval(code, ind, wave, age)?,
                        parent: reference(area.parent)?,
                        gemeente: reference(gemeente)?,
                        national: reference(national)?,
                    });
                }
            }
        }
        let mut trends = Vec::new();
        let selected = (!selection.indicator.is_loneliness()).then_some(selection.indicator);
        for (from, to) in self.wave_pairs() {
            for &age in self.age_groups() {
                for ind in Indicator::LONELINESS.into_iter().chain(selected) {
                    let q = TrendQuery::new(ind, from, to).with_age(age);
                    match q.area(self, code) {
                        Ok(t) => trends.push(ProfileTrend {
                            indicator: ind,
                            age,
                            from,
                            to,
                            delta: t.delta,
                            direction: t.direction,
                            significant: t.significant,
                            caveats: t.caveats.iter().map(ToString::to_string).collect(),
                            caveat_kinds: t.caveats,
                        }),
                        // Waves in order: only the query can fail.
                        Err(TrendError::Query(e)) => return Err(e),
                    }
                }
            }
        }
        let mut wave_trends = Vec::new();
        for &age in self.age_groups() {
            for ind in Indicator::LONELINESS.into_iter().chain(selected) {
                wave_trends.extend(self.wave_trend(code, ind, age)?);
            }
        }
        let Selection {
            indicator,
            age,
            wave,
        } = *selection;
        Ok(AreaProfile {
            area: ProfileArea {
                code,
                level: code.level(),
                name: area.display_name(),
                gemeente_name: area.gemeente_name,
                parent: area.parent,
            },
            figures,
            trends,
            wave_trends,
            selection: SelectedFigure {
                selection: *selection,
                value: self.figure(code, indicator, wave, age)?,
                ranks: self.ranks(code, indicator, wave, age)?,
            },
        })
    }

    /// The wave pairs a profile shows changes for: each wave with the next, and the first
    /// with the last when there are more than two.
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// let years: Vec<(u16, u16)> = ds.wave_pairs().map(|(a, b)| (a.year(), b.year())).collect();
    /// assert_eq!(years, [(2012, 2016), (2016, 2020), (2012, 2020)]);
    /// ```
    pub fn wave_pairs(&self) -> impl Iterator<Item = (Wave, Wave)> + '_ {
        let waves = self.waves();
        let span = match (waves.first(), waves.last()) {
            (Some(&a), Some(&b)) if waves.len() > 2 => Some((a, b)),
            _ => None,
        };
        waves.windows(2).map(|p| (p[0], p[1])).chain(span)
    }
}

/// What an area's profile is asked for, as `omzien area` and `/api/areas/{code}` take it: the
/// figure ranked, and which figures and trends are kept (all when nothing narrows them).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileQuery {
    /// The figure ranked.
    pub selection: Selection,
    /// Only these indicators (all when empty).
    pub indicators: Vec<Indicator>,
    /// Only this age group.
    pub age: Option<crate::AgeGroup>,
    /// Only this wave (and the trends that end in it).
    pub wave: Option<Wave>,
}

impl ProfileQuery {
    /// Every figure and trend kept, `selection` ranked.
    #[must_use]
    pub fn ranking(selection: Selection) -> Self {
        Self {
            selection,
            indicators: Vec::new(),
            age: None,
            wave: None,
        }
    }
}

impl Dataset {
    /// A [`ProfileQuery`] from text parameters: `indicators`, `age` and `wave` narrow the
    /// figures and trends and choose the figure ranked; `rank_indicator` (default: the one
    /// indicator asked for, else the lonely indicator) and `rank_wave` (only without `wave`;
    /// default the latest) choose it when nothing narrows them.
    ///
    /// ```
    /// use omzien::{AgeGroup, Wave};
    /// let ds = omzien::demo::dataset();
    /// let q = ds.parse_profile_query(&[], Some("65+"), Some("2016"), None, None)?;
    /// assert_eq!((q.age, q.wave), (Some(AgeGroup::SENIORS), Some(Wave::new(2016))));
    /// assert_eq!(q.selection.wave, Wave::new(2016));
    /// let p = q.run(&ds, "GM9999".parse()?)?;
    /// assert!(p.figures.iter().all(|f| f.age == AgeGroup::SENIORS && f.wave == Wave::new(2016)));
    /// assert!(ds.parse_profile_query(&[], None, Some("2016"), None, Some("2020")).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ParamError`](crate::ParamError) naming the parameter the data cannot use, or
    /// `rank_wave` given beside `wave`.
    pub fn parse_profile_query(
        &self,
        indicators: &[&str],
        age: Option<&str>,
        wave: Option<&str>,
        rank_indicator: Option<&str>,
        rank_wave: Option<&str>,
    ) -> Result<ProfileQuery, crate::ParamError> {
        let only = indicators
            .iter()
            .map(|s| self.parse_indicator(Some(s)))
            .collect::<Result<Vec<_>, _>>()?;
        if wave.is_some() && rank_wave.is_some() {
            return Err(crate::ParamError::new(
                "rank_wave",
                QueryError::Invalid(
                    "only without wave: with wave the figures of that wave are shown and ranked"
                        .to_owned(),
                ),
            ));
        }
        let ranked = match (rank_indicator, only.as_slice()) {
            (Some(r), _) => Some(
                self.indicator(r)
                    .map_err(|e| crate::ParamError::new("rank_indicator", e))?,
            ),
            (None, [one]) => Some(*one),
            (None, _) => None,
        };
        let selection = Selection::new(
            ranked.unwrap_or(Indicator::LONELY),
            self.parse_age(age)?,
            match wave {
                Some(_) => self.parse_wave_or_latest("wave", wave)?,
                None => self.parse_wave_or_latest("rank_wave", rank_wave)?,
            },
        );
        Ok(ProfileQuery {
            selection,
            indicators: only,
            age: age.map(|_| selection.age),
            wave: wave.map(|_| selection.wave),
        })
    }
}

impl ProfileQuery {
    /// The profile [`ProfileQuery`] asks for: [`Dataset::profile`] of its selection, narrowed
    /// to its indicators, age group and wave (the trends to those ending in that wave).
    ///
    /// # Errors
    /// As [`Dataset::profile`].
    pub fn run(&self, ds: &Dataset, code: AreaCode) -> Result<AreaProfile, QueryError> {
        let q = self;
        let mut p = ds.profile(code, &q.selection)?;
        let indicator = |i: Indicator| q.indicators.is_empty() || q.indicators.contains(&i);
        let age = |a: crate::AgeGroup| q.age.is_none_or(|x| x == a);
        p.figures
            .retain(|f| indicator(f.indicator) && age(f.age) && q.wave.is_none_or(|w| w == f.wave));
        p.trends
            .retain(|t| indicator(t.indicator) && age(t.age) && q.wave.is_none_or(|w| w == t.to));
        Ok(p)
    }
}

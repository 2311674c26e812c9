//! What a council letter says of a gemeente's loneliness, as data: an ordered list of
//! [`Statement`]s, each with the facts it rests on (area, indicator, age group, wave, value,
//! interval, reference, the comparison rule and its verdict). Words come later and only from
//! these facts (the render crate's `brief` texts), so every sentence can be traced to a figure.
//!
//! Nothing is stated that the figures do not support: a comparison is a verdict by the
//! benchmark rule of [`compare`](crate::compare) (the 95 % interval, or the band without one,
//! said so); a change is significant only where both waves have bounds (else its direction
//! alone, said so); risk areas follow `omzien risk`'s rules; where there is nothing to say (no
//! change, no risk area, no wijk figures) the statement says so.

use serde::Serialize;

use crate::{
    AgeGroup, AreaCode, Caveat, Dataset, Figure, GemeenteCode, Indicator, Level, QueryError,
    RiskMode, RiskQuery, Rule, TrendQuery, Verdict, Wave, compare,
};

/// What a council summary covers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SummaryQuery {
    /// The gemeente.
    pub gemeente: GemeenteCode,
    /// The indicator (default: lonely).
    pub indicator: Indicator,
    /// The age groups: the first is the main one, the others get their level and change too.
    pub ages: Vec<AgeGroup>,
    /// The areas counted and named: wijken (default) or buurten.
    pub level: Level,
    /// Without an interval, a difference within this many percentage points is similar.
    pub band: f64,
    /// How many of the highest areas the related factors are looked for in.
    pub top: usize,
}

impl SummaryQuery {
    /// The default summary of a gemeente: lonely, 18+ and 65+ where the data has them,
    /// wijken, ±2 pp, the five highest wijken profiled.
    #[must_use]
    pub fn new(ds: &Dataset, gemeente: GemeenteCode) -> Self {
        Self {
            gemeente,
            indicator: Indicator::LONELY,
            ages: crate::report::main_ages(ds),
            level: Level::Wijk,
            band: crate::CompareQuery::DEFAULT_BAND,
            top: 5,
        }
    }

    /// The same summary of another indicator.
    #[must_use]
    pub fn with_indicator(mut self, indicator: Indicator) -> Self {
        self.indicator = indicator;
        self
    }

    /// The same summary for these age groups (the first is the main one).
    #[must_use]
    pub fn with_ages(mut self, ages: Vec<AgeGroup>) -> Self {
        self.ages = ages;
        self
    }

    /// The same summary over buurten (or wijken).
    #[must_use]
    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }
}

/// A figure with the facts a sentence about it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Fact {
    /// The area.
    pub area: AreaCode,
    /// Its name.
    pub name: String,
    /// The wave.
    pub wave: Wave,
    /// The value.
    pub value: f64,
    /// Its 95 % interval, where published.
    pub interval: Option<(f64, f64)>,
}

/// An area named in a statement, with its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NamedArea {
    /// The area.
    pub area: AreaCode,
    /// Its name.
    pub name: String,
    /// Its value in the latest wave.
    pub value: f64,
    /// Its change since the summary's earlier wave (pp), where it is named for a rise.
    pub change: Option<f64>,
}

/// A caveat that applies to the figures of a summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SummaryCaveat {
    /// The figures are generated, not real (the demo).
    Synthetic,
    /// Figures of wijken and buurten are model estimates, not counts.
    ModelEstimates,
    /// The youngest age surveyed changed between the waves compared (19 → 18 in 2020).
    AgeRangeChanged {
        /// The wave of the old age range.
        from: Wave,
        /// The wave of the new one.
        to: Wave,
        /// Youngest age before.
        from_min_age: u8,
        /// Youngest age after.
        to_min_age: u8,
    },
    /// Areas of the level whose figure is suppressed (too few respondents) in the latest wave.
    Suppressed {
        /// How many.
        areas: usize,
    },
    /// Areas of the level not measured in the latest wave.
    NotMeasured {
        /// How many.
        areas: usize,
    },
    /// The earlier waves were re-estimated on the map of a later year.
    Classification {
        /// The classification year of the table.
        year: u16,
        /// The earlier waves.
        earlier: Vec<Wave>,
    },
    /// The figures carry no intervals: comparisons are by the band, changes not tested.
    NoIntervals {
        /// The band (pp).
        band: f64,
    },
}

/// One thing a council summary says, with the facts it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Statement {
    /// The gemeente's level in the latest wave beside the Netherlands.
    Level {
        /// The indicator.
        indicator: Indicator,
        /// The age group.
        age: AgeGroup,
        /// The gemeente's figure.
        fact: Fact,
        /// The country's value, where the data has it.
        national: Option<f64>,
        /// The gemeente against the country.
        verdict: Verdict,
        /// How the verdict was decided.
        rule: Rule,
    },
    /// The gemeente's change between two waves.
    Change {
        /// The indicator.
        indicator: Indicator,
        /// The age group.
        age: AgeGroup,
        /// The earlier figure.
        from: Fact,
        /// The later figure.
        to: Fact,
        /// The change, pp (`to − from`).
        delta: f64,
        /// Whether it is significant at 95 % (MOVER), where both waves have bounds.
        significant: Option<bool>,
        /// Whether `from` is the first wave of the data (else the previous one).
        since_first: bool,
        /// The band a change without bounds must exceed to count as a rise or fall.
        band: f64,
    },
    /// A change that cannot be given (a wave suppressed or not measured).
    NoChange {
        /// The age group.
        age: AgeGroup,
        /// The earlier wave.
        from: Wave,
        /// The later wave.
        to: Wave,
    },
    /// The areas of the level that are high, rising or both, by `omzien risk`'s rules.
    RiskAreas {
        /// The level.
        level: Level,
        /// The areas with a figure (the set ranked).
        ranked: usize,
        /// The top share counted as high.
        top_share: f64,
        /// Whether "high" applied (enough areas ranked).
        high_applies: bool,
        /// The rise (pp beyond the country) counted as rising.
        min_rise: f64,
        /// The earlier wave of the rises.
        since: Option<Wave>,
        /// What a rise is measured against (the country, or the gemeente without national
        /// figures).
        reference: crate::RiseReference,
        /// High, highest first.
        high: Vec<NamedArea>,
        /// Rising, the largest rise first.
        rising: Vec<NamedArea>,
        /// Both.
        both: Vec<NamedArea>,
    },
    /// The highest and the lowest area of the level.
    Extremes {
        /// The level.
        level: Level,
        /// The wave.
        wave: Wave,
        /// The highest.
        highest: NamedArea,
        /// The lowest.
        lowest: NamedArea,
    },
    /// Related indicators that are worse than in the country in most of the highest areas.
    Factors {
        /// The level.
        level: Level,
        /// The highest areas looked at.
        areas: Vec<NamedArea>,
        /// Each indicator worse than the country in at least half of them, with in how many.
        factors: Vec<(Indicator, usize)>,
    },
    /// The gemeente has no figures at the level (so no areas to name).
    NoAreas {
        /// The level.
        level: Level,
    },
    /// Something to keep in mind.
    Caveat {
        /// What.
        caveat: SummaryCaveat,
    },
}

/// A gemeente's council summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CouncilSummary {
    /// The gemeente.
    pub gemeente: GemeenteCode,
    /// Its name.
    pub name: String,
    /// The indicator.
    pub indicator: Indicator,
    /// The latest wave.
    pub latest: Wave,
    /// The statements, in the order a letter tells them.
    pub statements: Vec<Statement>,
}

/// A caveat as a statement.
fn caveat(caveat: SummaryCaveat) -> Statement {
    Statement::Caveat { caveat }
}

impl SummaryQuery {
    /// The statements of a council letter on a gemeente's loneliness.
    ///
    /// ```
    /// use omzien::{Statement, SummaryQuery};
    /// let ds = omzien::demo::dataset();
    /// let s = SummaryQuery::new(&ds, omzien::demo::GEMEENTE).run(&ds)?;
    /// assert!(matches!(s.statements[0], Statement::Caveat { caveat: omzien::SummaryCaveat::Synthetic }));
    /// assert!(s.statements.iter().any(|st| matches!(st, Statement::Level { .. })));
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError`] for a gemeente, indicator or age group the data does not hold, or a
    /// level that is not wijk or buurt.
    pub fn run(&self, ds: &Dataset) -> Result<CouncilSummary, QueryError> {
        let q = self;
        let s = Summarizer::new(ds, q)?;
        let mut out = Vec::new();
        if ds.provenance().synthetic {
            out.push(caveat(SummaryCaveat::Synthetic));
        }
        let mut any_interval = false;
        for &age in &q.ages {
            any_interval |= s.age_statements(age, &mut out)?;
        }
        let (suppressed, not_measured) = s.area_statements(&mut out)?;
        s.caveats(&mut out, (suppressed, not_measured), any_interval);
        Ok(CouncilSummary {
            gemeente: q.gemeente,
            name: ds.area(s.g)?.display_name(),
            indicator: q.indicator,
            latest: s.latest,
            statements: out,
        })
    }
}

/// What every part of a council summary reads: the data, the query, the gemeente, the
/// indicator, the first age group, the waves and the country.
struct Summarizer<'a> {
    ds: &'a Dataset,
    q: &'a SummaryQuery,
    g: AreaCode,
    ind: Indicator,
    main_age: AgeGroup,
    waves: Vec<Wave>,
    first: Wave,
    latest: Wave,
    national: Option<AreaCode>,
}

impl<'a> Summarizer<'a> {
    /// The query checked against the data: a known gemeente, a level of areas, an age group,
    /// waves, and figures of the indicator in the latest wave.
    fn new(ds: &'a Dataset, q: &'a SummaryQuery) -> Result<Self, QueryError> {
        let g = AreaCode::Gemeente(q.gemeente);
        ds.area(g)?;
        if !matches!(q.level, Level::Wijk | Level::Buurt) {
            return Err(QueryError::Invalid(format!(
                "a council summary names wijken or buurten, not {}",
                q.level
            )));
        }
        let Some(&main_age) = q.ages.first() else {
            return Err(QueryError::Invalid(
                "a council summary needs at least one age group".to_owned(),
            ));
        };
        let waves = ds.waves().to_vec();
        let (Some(&first), Some(&latest)) = (waves.first(), waves.last()) else {
            return Err(QueryError::Invalid("the data has no waves".to_owned()));
        };
        let ind = q.indicator;
        for &a in &q.ages {
            ds.check(latest, a)?;
        }
        if !ds.has_column(ind, latest, main_age) {
            let with: Vec<String> = ds
                .indicators()
                .iter()
                .filter(|i| ds.has_column(i.indicator, latest, main_age))
                .map(|i| i.key.clone())
                .collect();
            return Err(QueryError::Invalid(format!(
                "indicator {ind} has no figures in {latest} for {}; the data has figures of {}",
                main_age.short(),
                with.join(", ")
            )));
        }
        Ok(Self {
            ds,
            q,
            g,
            ind,
            main_age,
            first,
            latest,
            national: ds.national(),
            waves,
        })
    }

    /// An area's figure of the indicator as a fact, where it is a value.
    fn fact(&self, c: AreaCode, w: Wave, a: AgeGroup) -> Result<Option<Fact>, QueryError> {
        let ds = self.ds;
        Ok(ds.figure(c, self.ind, w, a)?.value().map(|value| Fact {
            area: c,
            name: self.ds.area_name(c),
            wave: w,
            value,
            interval: ds.interval(c, self.ind, w, a).ok().flatten(),
        }))
    }

    /// The gemeente's level beside the country and its changes since the first and the
    /// previous wave, for one age group. True when its figure carries an interval.
    fn age_statements(&self, age: AgeGroup, out: &mut Vec<Statement>) -> Result<bool, QueryError> {
        let Self {
            ds,
            q,
            g,
            ind,
            first,
            latest,
            national,
            ..
        } = *self;
        let waves = &self.waves;
        let mut any_interval = false;
        // The level beside the country.
        if let Some(f) = self.fact(g, latest, age)? {
            let nl = match national {
                Some(nl) => ds.figure(nl, ind, latest, age)?,
                None => Figure::NotMeasured,
            };
            let (verdict, rule) = compare(Figure::Value(f.value), f.interval, nl, q.band);
            any_interval |= f.interval.is_some();
            out.push(Statement::Level {
                indicator: ind,
                age,
                fact: f,
                national: nl.value(),
                verdict,
                rule,
            });
        }
        // The change since the first wave and since the previous one.
        let previous = waves.iter().rev().nth(1).copied();
        let mut bases = vec![(first, true)];
        if let Some(p) = previous.filter(|p| *p != first) {
            bases.push((p, false));
        }
        for (from, since_first) in bases {
            if from == latest {
                continue;
            }
            let t = TrendQuery::new(ind, from, latest)
                .with_age(age)
                .area(ds, g)
                .map_err(|e| QueryError::Invalid(e.to_string()))?;
            match (
                self.fact(g, from, age)?,
                self.fact(g, latest, age)?,
                t.delta,
            ) {
                (Some(a), Some(b), Some(delta)) => out.push(Statement::Change {
                    indicator: ind,
                    age,
                    from: a,
                    to: b,
                    delta,
                    significant: t.significant,
                    since_first,
                    band: q.band,
                }),
                _ => out.push(Statement::NoChange {
                    age,
                    from,
                    to: latest,
                }),
            }
        }
        Ok(any_interval)
    }

    /// The areas of the level: the high, rising and both (by `omzien risk`'s rules), the
    /// highest and lowest, and the factors of the highest; or that there are none. Returns how
    /// many areas are suppressed and not measured.
    fn area_statements(&self, out: &mut Vec<Statement>) -> Result<(usize, usize), QueryError> {
        let Self {
            ds,
            q,
            ind,
            main_age,
            latest,
            ..
        } = *self;
        let areas = ds.areas(q.level, Some(q.gemeente));
        let mut valued: Vec<NamedArea> = Vec::new();
        let (mut suppressed, mut not_measured) = (0, 0);
        for &c in &areas {
            match ds.figure(c, ind, latest, main_age)? {
                Figure::Value(v) => valued.push(NamedArea {
                    area: c,
                    name: self.ds.area_name(c),
                    value: v,
                    change: None,
                }),
                Figure::Suppressed => suppressed += 1,
                Figure::NotMeasured => not_measured += 1,
            }
        }
        if valued.is_empty() {
            out.push(Statement::NoAreas { level: q.level });
            return Ok((suppressed, not_measured));
        }
        out.push(self.risk_statement(&valued)?);
        let mut by_value = valued.clone();
        by_value.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.area.cmp(&b.area)));
        if by_value.len() >= 2 {
            out.push(Statement::Extremes {
                level: q.level,
                wave: latest,
                highest: by_value[0].clone(),
                lowest: by_value[by_value.len() - 1].clone(),
            });
        }
        if let Some(f) = self.factors(&by_value)? {
            out.push(f);
        }
        Ok((suppressed, not_measured))
    }

    /// The high, rising and both of the level by `omzien risk`'s rules.
    fn risk_statement(&self, valued: &[NamedArea]) -> Result<Statement, QueryError> {
        let Self {
            ds,
            q,
            ind,
            main_age,
            first,
            latest,
            ..
        } = *self;
        let named = |c: AreaCode| {
            valued
                .iter()
                .find(|n| n.area == c)
                .cloned()
                .unwrap_or(NamedArea {
                    area: c,
                    name: self.ds.area_name(c),
                    value: f64::NAN,
                    change: None,
                })
        };
        let since = (first != latest).then_some(first);
        let list = |mode: RiskMode| -> Result<crate::RiskList, QueryError> {
            let mut rq = RiskQuery::new(q.level, ind, latest)
                .with_gemeente(q.gemeente)
                .with_age(main_age)
                .with_mode(mode);
            if let Some(s) = since {
                rq = rq.with_since(s);
            }
            rq.run(ds).map_err(|e| QueryError::Invalid(e.to_string()))
        };
        let high = list(RiskMode::High)?;
        let rising = match since {
            Some(_) => Some(list(RiskMode::Rising)?),
            None => None,
        };
        let high_areas: Vec<NamedArea> = high.areas.iter().map(|r| named(r.area)).collect();
        let rising_areas: Vec<NamedArea> = rising
            .as_ref()
            .map(|l| {
                l.areas
                    .iter()
                    .map(|r| NamedArea {
                        change: r.delta,
                        ..named(r.area)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let both: Vec<NamedArea> = high_areas
            .iter()
            .filter(|h| rising_areas.iter().any(|r| r.area == h.area))
            .cloned()
            .collect();
        Ok(Statement::RiskAreas {
            level: q.level,
            ranked: high.ranked,
            top_share: RiskQuery::DEFAULT_TOP_SHARE,
            high_applies: high.high_applies,
            min_rise: RiskQuery::DEFAULT_MIN_RISE,
            since,
            reference: rising.as_ref().map_or(high.reference, |l| l.reference),
            high: high_areas,
            rising: rising_areas,
            both,
        })
    }

    /// Related factors in the highest areas (when they are some of the areas, not all), as the
    /// report's risk profile compares them.
    fn factors(&self, by_value: &[NamedArea]) -> Result<Option<Statement>, QueryError> {
        let Self {
            ds,
            q,
            ind,
            main_age,
            latest,
            national,
            ..
        } = *self;
        let Some(nl) = national.filter(|_| by_value.len() > q.top) else {
            return Ok(None);
        };
        let top: Vec<NamedArea> = by_value.iter().take(q.top).cloned().collect();
        let mut factors = Vec::new();
        for rel in Indicator::related_to_loneliness()
            .filter(|i| *i != ind && ds.has_column(*i, latest, main_age))
        {
            let reference = ds.figure(nl, rel, latest, main_age)?;
            let worse = top
                .iter()
                .filter(|a| {
                    let v = ds.figure(a.area, rel, latest, main_age).ok();
                    let iv = ds.interval(a.area, rel, latest, main_age).ok().flatten();
                    v.is_some_and(|v| {
                        compare(v, iv, reference, q.band).0.reads(rel.polarity())
                            == crate::Reading::Worse
                    })
                })
                .count();
            if !top.is_empty() && 2 * worse >= top.len() && worse > 0 {
                factors.push((rel, worse));
            }
        }
        factors.sort_by_key(|f| std::cmp::Reverse(f.1));
        Ok(Some(Statement::Factors {
            level: q.level,
            areas: top,
            factors,
        }))
    }

    /// What to keep in mind: model estimates, a changed age range, suppressed and unmeasured
    /// areas, figures estimated again on a later map, no intervals.
    fn caveats(
        &self,
        out: &mut Vec<Statement>,
        (suppressed, not_measured): (usize, usize),
        any_interval: bool,
    ) {
        let Self {
            ds, q, main_age, ..
        } = *self;
        let waves = &self.waves;
        if !ds.provenance().synthetic {
            out.push(caveat(SummaryCaveat::ModelEstimates));
        }
        // The waves between which the youngest age surveyed changed, where the summary's
        // changes span them.
        if let Some((
            from,
            to,
            Caveat::AgeRangeChanged {
                from_min_age,
                to_min_age,
            },
        )) = waves
            .windows(2)
            .find_map(|w| Some((w[0], w[1], crate::trend::age_caveat(main_age, w[0], w[1])?)))
        {
            out.push(caveat(SummaryCaveat::AgeRangeChanged {
                from,
                to,
                from_min_age,
                to_min_age,
            }));
        }
        if suppressed > 0 {
            out.push(caveat(SummaryCaveat::Suppressed { areas: suppressed }));
        }
        if not_measured > 0 {
            out.push(caveat(SummaryCaveat::NotMeasured {
                areas: not_measured,
            }));
        }
        if let Some(year) = ds.classification_year() {
            let earlier: Vec<Wave> = waves.iter().copied().filter(|w| w.year() < year).collect();
            if !earlier.is_empty() && !ds.provenance().synthetic {
                out.push(caveat(SummaryCaveat::Classification { year, earlier }));
            }
        }
        if !any_interval {
            out.push(caveat(SummaryCaveat::NoIntervals { band: q.band }));
        }
    }
}

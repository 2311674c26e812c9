//! The risk list drawn: the areas ranked, each change tested (MOVER, Benjamini-Hochberg),
//! the rises measured against their reference, and probabilities drawn where the figures carry
//! intervals.

use super::*;

impl RiskQuery {
    /// Areas that meet a risk criterion, highest value first (rising: largest rise first).
    ///
    /// # Errors
    /// As [`RiskQuery::run`].
    pub fn areas(&self, ds: &Dataset) -> Result<Vec<RiskArea>, RiskError> {
        self.run(ds).map(|l| l.areas)
    }

    /// The risk list of a query, with what it was drawn from.
    ///
    /// - **High:** ranked by value among the areas in scope with a figure, one rank rule
    ///   (1 + the number of areas with a strictly higher value, as [`Dataset::ranks`]), every
    ///   area tied at the cut kept; only when at least [`RiskQuery::min_areas`] are ranked.
    /// - **Rising:** the change since the earlier wave beyond the reference's change
    ///   ([`RiseReference`]) by more than the minimum rise, and, where both waves have 95 %
    ///   bounds, an own change that is significant (MOVER).
    ///
    /// # Errors
    /// [`RiskError`] for a rising criterion without an earlier wave or a reference, a bad
    /// share, or an unknown wave or age group.
    pub fn run(&self, ds: &Dataset) -> Result<RiskList, RiskError> {
        let mut d = Drawing::of(ds, self)?;
        let mut out = Vec::new();
        let mut place = 0;
        let mut previous: Option<f64> = None;
        for i in 0..d.valued.len() {
            // One rank rule: areas with equal values share the place of the first of them.
            let value = d.valued[i].1;
            if previous != Some(value) {
                place = i + 1;
                previous = Some(value);
            }
            if let Some(area) = d.area(i, place)? {
                out.push(area);
            }
        }
        if d.top_share.is_none() {
            out.sort_by(|a, b| {
                b.excess
                    .unwrap_or(f64::MIN)
                    .total_cmp(&a.excess.unwrap_or(f64::MIN))
                    .then(a.area.cmp(&b.area))
            });
        }
        Ok(d.list(out))
    }
}

impl Dataset {
    /// The areas in the query's scope with a value, highest first (then by code).
    fn ranked_values(&self, q: &RiskQuery) -> Result<Vec<(AreaCode, f64)>, RiskError> {
        let mut valued: Vec<(AreaCode, f64)> = self
            .level_figures(q.level, q.indicator, q.wave, q.age)?
            .into_iter()
            .filter(|(c, _)| q.within.is_none_or(|g| c.gemeente() == Some(g)))
            .filter_map(|(c, f)| f.value().map(|v| (c, v)))
            .collect();
        valued.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(valued)
    }
}

/// What a risk list is drawn from: the ranked areas with their intervals and changes, the
/// cut, the references of the rises and the probabilities where they are asked for.
struct Drawing<'a> {
    ds: &'a Dataset,
    q: &'a RiskQuery,
    top_share: Option<f64>,
    min_rise: Option<f64>,
    since: Option<Wave>,
    valued: Vec<(AreaCode, f64)>,
    high_applies: bool,
    cutoff: Option<usize>,
    national: Figure,
    refs: References<'a>,
    intervals: Vec<Option<(f64, f64)>>,
    with_intervals: usize,
    changes: Changes,
    p_top: PerArea,
    p_rise: PerArea,
}

impl<'a> Drawing<'a> {
    fn of(ds: &'a Dataset, q: &'a RiskQuery) -> Result<Self, RiskError> {
        let (top_share, min_rise, since) = q.checked(ds)?;
        let valued = ds.ranked_values(q)?;
        if q.by == RiskBy::Probability
            && !(q.min_prob.is_finite() && (0.0..=1.0).contains(&q.min_prob) && q.draws > 0)
        {
            return Err(RiskError::BadProbability(q.min_prob));
        }
        let ranked = valued.len();
        let high_applies = ranked >= q.min_areas.max(1);
        let cutoff = top_share.map(|s| (s * ranked as f64).ceil() as usize);
        let national = match ds.national() {
            Some(nl) => ds.figure(nl, q.indicator, q.wave, q.age)?,
            None => Figure::NotMeasured,
        };
        let mut refs = References::new(ds, q, since)?;
        // Every ranked area's interval, and its change (the false discovery rate is controlled
        // over all of them, and probabilities are drawn for all of them). Probabilities without
        // a single interval are refused before the changes are worked out.
        let intervals: Vec<Option<(f64, f64)>> = valued
            .iter()
            .map(|(c, _)| ds.interval(*c, q.indicator, q.wave, q.age))
            .collect::<Result<_, _>>()?;
        let with_intervals = intervals.iter().filter(|i| i.is_some()).count();
        if q.by == RiskBy::Probability && with_intervals == 0 {
            return Err(RiskError::NoIntervals {
                what: format!(
                    "the {} {}s ranked for {} in {}",
                    valued.len(),
                    q.level,
                    q.indicator,
                    q.wave
                ),
            });
        }
        let changes = Changes::of(&refs, &valued)?;
        let (p_top, p_rise) = if q.by == RiskBy::Probability {
            let k = cutoff.filter(|_| high_applies);
            probabilities(q, &valued, &intervals, &changes, k, min_rise, &mut refs)?
        } else {
            (vec![None; valued.len()], vec![None; valued.len()])
        };
        Ok(Drawing {
            ds,
            q,
            top_share,
            min_rise,
            since,
            valued,
            high_applies,
            cutoff,
            national,
            refs,
            intervals,
            with_intervals,
            changes,
            p_top,
            p_rise,
        })
    }

    /// The `i`th ranked area at its place, when it meets the criterion.
    fn area(&mut self, i: usize, rank: usize) -> Result<Option<RiskArea>, RiskError> {
        let (q, ds) = (self.q, self.ds);
        let (area, value) = self.valued[i];
        let high = self.high_applies
            && match q.by {
                RiskBy::Rules => self.cutoff.is_some_and(|c| rank <= c),
                RiskBy::Probability => self.p_top[i].is_some_and(|p| p >= q.min_prob),
            };
        if self.top_share.is_some() && !high {
            return Ok(None);
        }
        let trend = self.changes.trends[i].clone();
        let delta = trend.as_ref().and_then(|t| t.delta);
        let reference_delta = self.refs.delta_of(area)?;
        let excess = match self.refs.reference {
            RiseReference::None => delta,
            _ => delta.zip(reference_delta).map(|(d, r)| crate::change(r, d)),
        };
        if let (Some(_), Some(since)) = (self.min_rise, self.since)
            && self.refs.reference != RiseReference::None
            && delta.is_some()
            && reference_delta.is_none()
        {
            return Err(RiskError::NoReference {
                what: match self.refs.reference {
                    RiseReference::Gemeente => format!("the gemeente of {area}"),
                    _ => "the Netherlands".to_owned(),
                },
                since,
                wave: q.wave,
            });
        }
        let rising = self.min_rise.is_some_and(|m| match q.by {
            RiskBy::Rules => {
                excess.is_some_and(|e| e > m) && self.changes.significant_fdr[i] != Some(false)
            }
            RiskBy::Probability => self.p_rise[i].is_some_and(|p| p >= q.min_prob),
        });
        if self.min_rise.is_some() && !rising {
            return Ok(None);
        }
        let gemeente_value = match area.gemeente().map(AreaCode::Gemeente) {
            Some(g) if ds.contains(g) => ds.figure(g, q.indicator, q.wave, q.age)?,
            _ => Figure::NotMeasured,
        };
        Ok(Some(RiskArea {
            area,
            name: ds.area(area)?.display_name(),
            indicator: q.indicator,
            value,
            interval: self.intervals[i],
            rank,
            ranked: self.valued.len(),
            delta,
            reference_delta,
            excess,
            significant: trend.as_ref().and_then(|t| t.significant),
            p_value: self.changes.p_values[i],
            significant_fdr: self.changes.significant_fdr[i],
            p_top: self.p_top[i],
            p_rise: self.p_rise[i],
            high,
            rising,
            gemeente_value,
            national_value: self.national,
            caveats: trend.map(|t| t.caveats).unwrap_or_default(),
        }))
    }

    /// The list of the areas drawn, with what it was drawn from.
    fn list(self, areas: Vec<RiskArea>) -> RiskList {
        let q = self.q;
        let significant =
            |t: &Option<crate::Trend>| t.as_ref().and_then(|t| t.significant) == Some(true);
        RiskList {
            areas,
            ranked: self.valued.len(),
            high_applies: self.high_applies,
            since: self.since,
            reference: self.refs.reference,
            national_delta: self.refs.national_delta,
            by: q.by,
            with_intervals: self.with_intervals,
            tested: self.changes.tested,
            significant: (
                self.changes
                    .trends
                    .iter()
                    .filter(|t| significant(t))
                    .count(),
                self.changes
                    .significant_fdr
                    .iter()
                    .filter(|r| **r == Some(true))
                    .count(),
            ),
            probability: (q.by == RiskBy::Probability).then_some((q.min_prob, q.draws, q.seed)),
        }
    }
}

/// A query's share that counts as high, least rise and earlier wave, each where it applies.
type Checked = (Option<f64>, Option<f64>, Option<Wave>);

/// One probability per ranked area, where it could be drawn.
type PerArea = Vec<Option<f64>>;

impl RiskQuery {
    /// The share and the rise of the criterion and the earlier wave, checked: a share within
    /// 0–1, an earlier wave before the wave where rises are asked for.
    fn checked(&self, ds: &Dataset) -> Result<Checked, RiskError> {
        let (top_share, min_rise) = match self.criterion {
            RiskCriterion::High { top_share } => (Some(top_share), None),
            RiskCriterion::Rising { min_rise } => (None, Some(min_rise)),
            RiskCriterion::HighAndRising {
                top_share,
                min_rise,
            } => (Some(top_share), Some(min_rise)),
        };
        if let Some(s) = top_share.filter(|s| !(0.0..=1.0).contains(s)) {
            return Err(RiskError::BadShare(s));
        }
        // The earlier wave: the one asked for, else the wave before in the data.
        let since = self.earlier_wave(ds);
        if min_rise.is_some() && since.is_none() {
            return Err(RiskError::NoEarlierWave);
        }
        if let Some(since) = since.filter(|s| *s >= self.wave) {
            return Err(RiskError::SinceNotBefore {
                since,
                wave: self.wave,
            });
        }
        Ok((top_share, min_rise, since))
    }
}

/// What rises are measured against: the reference chosen (Auto resolved), the country's own
/// change, and each gemeente's change as it is first asked for.
struct References<'a> {
    ds: &'a Dataset,
    trend_query: Option<TrendQuery>,
    since: Option<Wave>,
    reference: RiseReference,
    national_delta: Option<f64>,
    gemeenten: HashMap<AreaCode, Option<f64>>,
}

impl<'a> References<'a> {
    fn new(ds: &'a Dataset, q: &RiskQuery, since: Option<Wave>) -> Result<Self, RiskError> {
        let mut refs = Self {
            ds,
            trend_query: since.map(|s| TrendQuery::new(q.indicator, s, q.wave).with_age(q.age)),
            since,
            reference: q.reference,
            national_delta: None,
            gemeenten: HashMap::new(),
        };
        refs.national_delta = match ds.national() {
            Some(nl) => refs.change(nl)?.and_then(|t| t.delta),
            None => None,
        };
        // Auto: the country where the data has its change, else the gemeente.
        refs.reference = match q.reference {
            RiseReference::Auto if refs.national_delta.is_some() => RiseReference::National,
            RiseReference::Auto => RiseReference::Gemeente,
            r => r,
        };
        Ok(refs)
    }

    /// The change of an area between the waves, where there is an earlier wave.
    fn change(&self, area: AreaCode) -> Result<Option<crate::Trend>, RiskError> {
        match &self.trend_query {
            Some(tq) if self.ds.contains(area) => Ok(Some(tq.area(self.ds, area)?)),
            _ => Ok(None),
        }
    }

    /// The change an area's rise is measured against: the country's, its gemeente's (the
    /// country's for a gemeente itself), or none.
    fn delta_of(&mut self, area: AreaCode) -> Result<Option<f64>, RiskError> {
        Ok(match (self.reference, self.since) {
            (_, None) | (RiseReference::None, _) => None,
            (RiseReference::National | RiseReference::Auto, Some(_)) => self.national_delta,
            (RiseReference::Gemeente, Some(_)) => {
                match area
                    .gemeente()
                    .map(AreaCode::Gemeente)
                    .filter(|g| *g != area)
                {
                    Some(g) => match self.gemeenten.get(&g) {
                        Some(d) => *d,
                        None => {
                            let d = self.change(g)?.and_then(|t| t.delta);
                            self.gemeenten.insert(g, d);
                            d
                        }
                    },
                    None => self.national_delta,
                }
            }
        })
    }
}

/// Every ranked area's change and its test: the MOVER p-value where both waves have bounds,
/// and the Benjamini-Hochberg verdict over all tested areas.
struct Changes {
    trends: Vec<Option<crate::Trend>>,
    p_values: Vec<Option<f64>>,
    significant_fdr: Vec<Option<bool>>,
    tested: usize,
}

impl Changes {
    fn of(refs: &References<'_>, valued: &[(AreaCode, f64)]) -> Result<Self, RiskError> {
        let trends: Vec<Option<crate::Trend>> = valued
            .par_iter()
            .map(|(c, _)| refs.change(*c))
            .collect::<Result<_, _>>()?;
        let tests: Vec<(usize, f64)> = trends
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let t = t.as_ref()?;
                let before = (t.from_figure.value()?, t.from_interval?);
                let after = (t.to_figure.value()?, t.to_interval?);
                Some((i, crate::change_p_value(before, after)))
            })
            .collect();
        let (fdr, _) = crate::benjamini_hochberg(
            &tests.iter().map(|t| t.1).collect::<Vec<_>>(),
            crate::probability::FDR_Q,
        );
        let mut p_values = vec![None; valued.len()];
        let mut significant_fdr = vec![None; valued.len()];
        for (&(i, p), &r) in tests.iter().zip(&fdr) {
            p_values[i] = Some(p);
            significant_fdr[i] = Some(r);
        }
        Ok(Self {
            trends,
            p_values,
            significant_fdr,
            tested: tests.len(),
        })
    }
}

/// Per ranked area, by Monte Carlo from the intervals: the probability of being among the
/// `k` highest (where high applies) and of having risen by more than the reference's change
/// plus `min_rise` (where rises are asked for and both waves have bounds).
fn probabilities(
    q: &RiskQuery,
    valued: &[(AreaCode, f64)],
    intervals: &[Option<(f64, f64)>],
    changes: &Changes,
    k: Option<usize>,
    min_rise: Option<f64>,
    refs: &mut References<'_>,
) -> Result<(PerArea, PerArea), RiskError> {
    let dists: Vec<LogitNormal> = valued
        .iter()
        .zip(intervals)
        .map(|(&(_, v), iv)| {
            iv.and_then(|iv| LogitNormal::from_interval(v, iv))
                .unwrap_or_else(|| LogitNormal::fixed(v))
        })
        .collect();
    let p_top = match k {
        Some(k) => crate::top_probabilities(&dists, k, q.draws, q.seed)
            .into_iter()
            .map(Some)
            .collect(),
        None => vec![None; valued.len()],
    };
    let mut p_rise = vec![None; valued.len()];
    if let Some(m) = min_rise {
        let mut idx = Vec::new();
        let mut pairs = Vec::new();
        let mut thresholds = Vec::new();
        for (i, t) in changes.trends.iter().enumerate() {
            let Some(t) = t else { continue };
            let (Some(v0), Some(iv0), Some(v1), Some(iv1)) = (
                t.from_figure.value(),
                t.from_interval,
                t.to_figure.value(),
                t.to_interval,
            ) else {
                continue;
            };
            let (Some(d0), Some(d1)) = (
                LogitNormal::from_interval(v0, iv0),
                LogitNormal::from_interval(v1, iv1),
            ) else {
                continue;
            };
            let r = match refs.reference {
                RiseReference::None => Some(0.0),
                _ => refs.delta_of(valued[i].0)?,
            };
            if let Some(r) = r {
                idx.push(i);
                pairs.push((d0, d1));
                thresholds.push(r + m);
            }
        }
        let probs = crate::rise_probabilities(&pairs, &thresholds, q.draws, q.seed);
        for (i, p) in idx.into_iter().zip(probs) {
            p_rise[i] = Some(p);
        }
    }
    Ok((p_top, p_rise))
}

//! Estimates: sums over scored respondents, the Wilson interval on Kish's effective n, and
//! the roll-up of per-area sums to wijk, gemeente and the user's groups.

use rayon::prelude::*;

use super::FastMap;
use super::{Estimate, Measure, MicrodataOptions, Suppression, Unit};
use crate::{AgeGroup, AreaCode, Level, Wave};

/// Sums over scored respondents, per measure.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Acc {
    n: [u32; 4],
    sw: [f64; 4],
    sw2: [f64; 4],
    swy: [f64; 4],
}

impl Acc {
    /// Adds a respondent scored as in [`FlagTable`] bits: bit m scored on measure m, bit
    /// 4 + m lonely on it; measures it is not scored on are left alone (adding zeros keeps
    /// the sums exact), without branches.
    #[inline]
    pub(super) fn add_bits(&mut self, bits: u8, w: f64) {
        let w2 = w * w;
        for m in 0..4 {
            let scored = (bits >> m) & 1;
            let lonely = f64::from((bits >> (m + 4)) & 1);
            let s = f64::from(scored);
            self.n[m] += u32::from(scored);
            self.sw[m] += w * s;
            self.sw2[m] += w2 * s;
            self.swy[m] += w * lonely;
        }
    }
    /// Kish's effective number of observations of measure `m`: (Σw)² / Σw², 0 without weight.
    fn effective_n(&self, m: usize) -> f64 {
        if self.sw2[m] > 0.0 {
            self.sw[m] * self.sw[m] / self.sw2[m]
        } else {
            0.0
        }
    }

    pub(super) fn merge(&mut self, o: &Acc) {
        for m in 0..4 {
            self.n[m] += o.n[m];
            self.sw[m] += o.sw[m];
            self.sw2[m] += o.sw2[m];
            self.swy[m] += o.swy[m];
        }
    }
}

/// The Wilson score interval for a share `p` (0–1) on `n` (effective) observations.
///
/// ```
/// let (lo, hi) = omzien::microdata::wilson(0.4, 100.0);
/// assert!((lo - 0.3094).abs() < 1e-3 && (hi - 0.4980).abs() < 1e-3);
/// ```
#[must_use]
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    crate::wilson(p, n, crate::Confidence::P95)
}

/// Sums of one unit, wave and age group.
pub(super) type UnitSums = ((Unit, Wave, AgeGroup), Acc);

/// Sums of one area, wave and set of age groups (bit g: group g).
pub(super) type Cell = ((AreaCode, Wave, u16), Acc);

/// Rolls the per-area sums up to wijk, gemeente and groups, then estimates every cell.
pub(super) fn estimate(mut cells: Vec<Cell>, options: &MicrodataOptions) -> Vec<Estimate> {
    // Cells in a fixed order (sums do not depend on hashing), gemeente by gemeente: every
    // area unit lies in one gemeente, so each gemeente rolls up on its own.
    cells
        .par_sort_unstable_by_key(|((code, wave, mask), _)| (code.gemeente(), *code, *wave, *mask));
    let parts: Vec<&[Cell]> = cells
        .chunk_by(|a, b| a.0.0.gemeente() == b.0.0.gemeente())
        .collect();
    let per_gemeente: Vec<(Vec<UnitSums>, Vec<UnitSums>)> = parts
        .par_iter()
        .map(|part| roll_up_gemeente(part, options))
        .collect();
    let mut units: Vec<UnitSums> =
        Vec::with_capacity(per_gemeente.iter().map(|(a, g)| a.len() + g.len()).sum());
    let mut groups: Vec<UnitSums> = Vec::new();
    for (a, g) in per_gemeente {
        units.extend(a);
        groups.extend(g);
    }
    // A group can span gemeenten: its parts, in gemeente order (a stable sort), are merged;
    // groups follow the areas.
    groups.sort_by(|(a, _), (b, _)| a.cmp(b));
    groups.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1.merge(&later.1);
            true
        } else {
            false
        }
    });
    units.extend(groups);
    (0..units.len() * Measure::ALL.len())
        .into_par_iter()
        .map(|k| {
            let ((unit, wave, age), acc) = &units[k / Measure::ALL.len()];
            let m = k % Measure::ALL.len();
            let (value, lower, upper, interval_998, suppressed) = estimate_share(acc, m, options);
            Estimate {
                unit: unit.clone(),
                wave: *wave,
                age: *age,
                measure: Measure::ALL[m],
                n: acc.n[m],
                n_eff: acc.effective_n(m),
                value,
                lower,
                upper,
                interval_998,
                suppressed,
            }
        })
        .collect()
}

/// The sums of one gemeente's cells, rolled up to every area above them (wijk, gemeente) and
/// to the user's groups, per wave and age group: areas in the gemeente's own order (the
/// gemeente, then each wijk followed by its buurten), groups apart.
fn roll_up_gemeente(part: &[Cell], options: &MicrodataOptions) -> (Vec<UnitSums>, Vec<UnitSums>) {
    let mut local: FastMap<(Unit, Wave, AgeGroup), Acc> = FastMap::default();
    // The chain of the last code met: cells come sorted by code, so each is found once.
    let mut chains: Option<(AreaCode, [Option<AreaCode>; 3], Option<Unit>)> = None;
    for &((code, wave, mask), ref acc) in part {
        let (chain, group) = match &chains {
            Some((c, chain, group)) if *c == code => (*chain, group.clone()),
            _ => {
                let chain = chain_up(code);
                let group = options
                    .groups
                    .as_ref()
                    .and_then(|g| chain.iter().flatten().find_map(|c| g.get(*c)))
                    .map(|g| Unit::Group(g.to_owned()));
                chains = Some((code, chain, group.clone()));
                (chain, group)
            }
        };
        for (gi, &age) in options.age_groups.iter().enumerate() {
            if mask & (1 << gi) == 0 {
                continue;
            }
            for unit in chain
                .iter()
                .flatten()
                .map(|c| Unit::Area(*c))
                .chain(group.clone())
            {
                local.entry((unit, wave, age)).or_default().merge(acc);
            }
        }
    }
    let (mut areas, groups): (Vec<UnitSums>, Vec<UnitSums>) = local
        .into_iter()
        .partition(|((u, _, _), _)| matches!(u, Unit::Area(_)));
    areas.sort_unstable_by_key(|((u, w, a), _)| match u {
        Unit::Area(c) => (c.at_level(Level::Wijk), c.level(), Some(*c), *w, *a),
        Unit::Group(_) => (None, Level::Land, None, *w, *a),
    });
    (areas, groups)
}

/// An area and the areas above it up to its gemeente (a buurt: itself, its wijk, its gemeente).
fn chain_up(code: AreaCode) -> [Option<AreaCode>; 3] {
    let mut chain = [Some(code), None, None];
    let above = code
        .ancestors()
        .take_while(|p| p.level() >= Level::Gemeente);
    for (slot, parent) in chain.iter_mut().skip(1).zip(above) {
        *slot = Some(parent);
    }
    chain
}

/// One measure's share with its 95 % and 99.8 % intervals, or why it is not shown: too few
/// respondents, too few effective ones, or an interval too wide (NCHS standards).
type Share = (
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<(f64, f64)>,
    Option<Suppression>,
);

fn estimate_share(acc: &Acc, m: usize, options: &MicrodataOptions) -> Share {
    let n = acc.n[m];
    let min = options.min_respondents;
    if n < min || acc.sw[m] <= 0.0 {
        return (
            None,
            None,
            None,
            None,
            Some(Suppression::TooFewRespondents { n, min }),
        );
    }
    let n_eff = acc.effective_n(m);
    let p = acc.swy[m] / acc.sw[m];
    let (lo, hi) = wilson(p, n_eff);
    let width = 100.0 * (hi - lo);
    // Enough respondents, but too little precision: weights so unequal that few count, or
    // an interval too wide to say anything.
    if n_eff < options.min_effective_n {
        return (
            None,
            None,
            None,
            None,
            Some(Suppression::TooFewEffective {
                n_eff,
                min: options.min_effective_n,
            }),
        );
    }
    if width > options.max_interval_width {
        return (
            None,
            None,
            None,
            None,
            Some(Suppression::TooWide {
                width,
                max: options.max_interval_width,
            }),
        );
    }
    let (lo8, hi8) = crate::wilson(p, n_eff, crate::Confidence::P998);
    (
        Some(100.0 * p),
        Some(100.0 * lo),
        Some(100.0 * hi),
        Some((100.0 * lo8, 100.0 * hi8)),
        None,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn wilson_matches_hand_computed_bounds() {
        // p = 0.4, n = 100: centre (p + z²/2n)/(1 + z²/n), half-width
        // z·√(p(1−p)/n + z²/4n²)/(1 + z²/n), z = 1.959964 (worked out by hand and in Python).
        let (lo, hi) = wilson(0.4, 100.0);
        assert!(
            close(lo, 0.309_401_286) && close(hi, 0.497_997_413),
            "{lo} {hi}"
        );
        // It stays inside 0–1 where the Wald interval would not.
        let (lo, hi) = wilson(0.0, 50.0);
        assert!(lo.abs() < 1e-12 && close(hi, 0.071_347_599), "{lo} {hi}");
        let (lo, hi) = wilson(1.0, 50.0);
        assert!(close(lo, 0.928_652_401) && close(hi, 1.0), "{lo} {hi}");
        // No observations: nothing is known.
        assert_eq!(wilson(0.3, 0.0), (0.0, 1.0));
    }

    /// Bits of one respondent scored on the lonely measure only (see `FlagTable`).
    fn lonely_only(lonely: bool) -> u8 {
        0b0001 | if lonely { 0b0001_0000 } else { 0 }
    }

    /// The estimates of one buurt: at least `min` respondents, and (for the arithmetic) any
    /// precision.
    fn one_buurt(respondents: &[(f64, bool)], min: u32) -> Vec<Estimate> {
        estimate_with(
            respondents,
            MicrodataOptions::default()
                .with_min_respondents(min)
                .with_precision(0.0, 100.0),
        )
    }

    fn estimate_with(respondents: &[(f64, bool)], options: MicrodataOptions) -> Vec<Estimate> {
        let mut acc = Acc::default();
        for &(w, y) in respondents {
            acc.add_bits(lonely_only(y), w);
        }
        let buurt: AreaCode = "BU03630001".parse().unwrap();
        let options = options.with_age_groups(vec![AgeGroup::ADULTS]);
        estimate(vec![((buurt, Wave::new(2020), 0b1), acc)], &options)
    }

    #[test]
    fn enough_respondents_but_too_little_precision_is_not_published() {
        // 60 respondents, four of them weighing 100: Kish n_eff = 456² / 40,056 ≈ 5.2.
        let mut skewed: Vec<(f64, bool)> = (0..56).map(|i| (1.0, i % 2 == 0)).collect();
        skewed.extend([(100.0, true), (100.0, false), (100.0, true), (100.0, false)]);
        let est = estimate_with(&skewed, MicrodataOptions::default());
        let e = est.iter().find(|e| e.measure == Measure::Lonely).unwrap();
        assert_eq!(e.n, 60);
        assert!(close(e.n_eff, 456.0 * 456.0 / 40_056.0), "{}", e.n_eff);
        assert_eq!((e.value, e.lower, e.upper), (None, None, None));
        assert!(
            matches!(e.suppressed, Some(Suppression::TooFewEffective { min, .. }) if min == 30.0),
            "{:?}",
            e.suppressed
        );
        // 30 equal weights at 50 %: n_eff 30, but the interval is about 34 pp wide.
        let half: Vec<(f64, bool)> = (0..30).map(|i| (1.0, i % 2 == 0)).collect();
        let est = estimate_with(&half, MicrodataOptions::default().with_min_respondents(30));
        let e = est.iter().find(|e| e.measure == Measure::Lonely).unwrap();
        assert!(
            matches!(e.suppressed, Some(Suppression::TooWide { .. })),
            "{:?}",
            e.suppressed
        );
        if let Some(Suppression::TooWide { width, max }) = e.suppressed {
            let (lo, hi) = wilson(0.5, 30.0);
            assert!(close(width, 100.0 * (hi - lo)) && width > 30.0 && max == 30.0);
        }
        assert!(e.suppressed.unwrap().to_string().contains("pp wide"));
        // 60 equal weights at 50 %: about 25 pp wide, published.
        let sixty: Vec<(f64, bool)> = (0..60).map(|i| (1.0, i % 2 == 0)).collect();
        let est = estimate_with(&sixty, MicrodataOptions::default());
        let e = est.iter().find(|e| e.measure == Measure::Lonely).unwrap();
        assert_eq!(e.suppressed, None);
        assert!(e.value.is_some());
    }

    #[test]
    fn weighted_share_with_kish_n_eff_rolls_up_unchanged() {
        // Weights 1, 2, 3; the first and the third lonely: p = (1 + 3) / 6,
        // n_eff = (Σw)² / Σw² = 36 / 14.
        let est = one_buurt(&[(1.0, true), (2.0, false), (3.0, true)], 1);
        let lonely: Vec<&Estimate> = est
            .iter()
            .filter(|e| e.measure == Measure::Lonely)
            .collect();
        // The buurt, its wijk and its gemeente, each with the same respondents.
        let units: Vec<String> = lonely.iter().map(|e| e.unit.to_string()).collect();
        assert_eq!(units, ["GM0363", "WK036300", "BU03630001"]);
        for e in &lonely {
            assert_eq!(e.n, 3);
            assert!(close(e.n_eff, 36.0 / 14.0), "{}", e.n_eff);
            let (value, lower, upper) = (
                e.value.unwrap_or(f64::NAN),
                e.lower.unwrap_or(f64::NAN),
                e.upper.unwrap_or(f64::NAN),
            );
            // 100 · 4/6, and Wilson(4/6, 36/14) by hand: 0.188566, 0.945093.
            assert!((value - 66.666_667).abs() < 1e-4, "{value}");
            assert!((lower - 18.856_611).abs() < 1e-4, "{lower}");
            assert!((upper - 94.509_332).abs() < 1e-4, "{upper}");
            assert_eq!(e.suppressed, None);
        }
        // Not scored on the other measures: nothing published for them.
        assert!(
            est.iter()
                .filter(|e| e.measure != Measure::Lonely)
                .all(|e| e.n == 0 && e.value.is_none())
        );
    }

    #[test]
    fn below_the_threshold_nothing_is_published() {
        let est = one_buurt(&[(1.0, true); 49], 50);
        let e = est.iter().find(|e| e.measure == Measure::Lonely).unwrap();
        assert_eq!(e.n, 49);
        assert_eq!((e.value, e.lower, e.upper), (None, None, None));
        assert_eq!(
            e.suppressed,
            Some(Suppression::TooFewRespondents { n: 49, min: 50 })
        );
        let est = one_buurt(&[(1.0, true); 50], 50);
        assert!(est.iter().any(|e| e.value == Some(100.0)));
    }
}

//! How sure a risk mark is. From the published 95 % intervals, the probability that an area
//! is truly among the highest of its comparison set and that it truly rose by more than the
//! minimum beyond its reference, by Monte Carlo; and the change tests of all compared areas
//! controlled for the false discovery rate (Benjamini–Hochberg).
//!
//! Assumptions, stated wherever the figures are shown: each published figure is normal on
//! the logit scale around its value, with the standard error its interval implies; areas are
//! independent of one another and waves of one another (small-area model estimates borrow
//! strength from their neighbours, so this is an approximation); the reference change (the
//! country's, the gemeente's) is taken as known.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use crate::Z95;
use crate::interval::logit;

/// Draws unless told otherwise.
pub const DEFAULT_DRAWS: usize = 10_000;
/// The seed unless told otherwise: the same figures give the same probabilities.
pub const DEFAULT_SEED: u64 = 20_261_203;
/// The false discovery rate the change tests are controlled at.
pub const FDR_Q: f64 = 0.05;

/// How many standard errors from its centre an area's draw is taken never to fall.
const TAIL: f64 = 7.0;

/// Draws per parallel chunk: chunks, not threads, fix which numbers each draw gets, so the
/// result does not depend on the number of cores.
const CHUNK: usize = 250;

/// A published figure as a normal distribution on the logit scale.
///
/// ```
/// use omzien::LogitNormal;
/// let d = LogitNormal::from_interval(47.0, (45.0, 49.0)).unwrap();
/// assert!((d.centre() - (0.47f64 / 0.53).ln()).abs() < 1e-12);
/// assert!(d.se() > 0.04 && d.se() < 0.042);
/// assert!(LogitNormal::from_interval(47.0, (49.0, 45.0)).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogitNormal {
    centre: f64,
    se: f64,
}

impl LogitNormal {
    /// The distribution of a percentage with a 95 % interval: centred on the logit of the
    /// value, its standard error the interval's width on the logit scale over 2 × 1.96 (one
    /// side's alone where the other reaches 0 or 100 %). `None` for a value outside (0, 100),
    /// bounds that do not hold the value, or no width at all.
    #[must_use]
    pub fn from_interval(value: f64, (lo, hi): (f64, f64)) -> Option<Self> {
        let inside = |x: f64| x > 0.0 && x < 100.0;
        if !(inside(value) && lo <= value && value <= hi) {
            return None;
        }
        let c = logit(value / 100.0);
        let lower = inside(lo).then(|| c - logit(lo / 100.0));
        let upper = inside(hi).then(|| logit(hi / 100.0) - c);
        let se = match (lower, upper) {
            (Some(l), Some(u)) => (l + u) / (2.0 * Z95),
            (Some(s), None) | (None, Some(s)) => s / Z95,
            (None, None) => return None,
        };
        (se > 0.0).then_some(Self { centre: c, se })
    }

    /// A figure taken as known (no interval): no spread.
    #[must_use]
    pub fn fixed(value: f64) -> Self {
        let p = (value / 100.0).clamp(1e-12, 1.0 - 1e-12);
        Self {
            centre: logit(p),
            se: 0.0,
        }
    }

    /// The centre, logit scale.
    #[must_use]
    pub fn centre(self) -> f64 {
        self.centre
    }

    /// The standard error, logit scale.
    #[must_use]
    pub fn se(self) -> f64 {
        self.se
    }
}

fn chunk_rng(seed: u64, chunk: usize) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(seed ^ (chunk as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// For every area, the share of `draws` joint draws in which it is among the `k` highest of
/// the set (ties at the cut counted in, as the rank rule keeps them).
///
/// ```
/// use omzien::{LogitNormal, top_probabilities};
/// let areas: Vec<_> = [30.0, 40.0, 60.0, 61.0]
///     .iter()
///     .map(|&v| LogitNormal::from_interval(v, (v - 2.0, v + 2.0)).unwrap())
///     .collect();
/// let p = top_probabilities(&areas, 1, 10_000, 1);
/// assert!(p[0] < 1e-3 && p[1] < 1e-3);
/// assert!(p[2] > 0.2 && p[3] > 0.5 && (p[2] + p[3] - 1.0).abs() < 1e-9);
/// ```
#[must_use]
pub fn top_probabilities(areas: &[LogitNormal], k: usize, draws: usize, seed: u64) -> Vec<f64> {
    let n = areas.len();
    if n == 0 || draws == 0 || k == 0 {
        return vec![0.0; n];
    }
    if k >= n {
        return vec![1.0; n];
    }
    // Only areas that can reach the top are drawn: the k-th highest of the areas' lows
    // (centre − 7 SE) is below the cut in every draw but with a probability of about 1e-12
    // per area, so an area whose high (centre + 7 SE) lies under it never makes the top k and
    // never moves the cut. Nationally this leaves about a third of the buurten to draw.
    let mut lows: Vec<f64> = areas.iter().map(|a| a.centre - TAIL * a.se).collect();
    let (_, floor, _) = lows.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    let floor = *floor;
    let candidates: Vec<usize> = (0..n)
        .filter(|&i| areas[i].centre + TAIL * areas[i].se >= floor)
        .collect();
    let drawn: Vec<(f32, f32)> = candidates
        .iter()
        .map(|&i| (areas[i].centre as f32, areas[i].se as f32))
        .collect();
    let m = drawn.len();
    let chunks = draws.div_ceil(CHUNK);
    let counts = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut rng = chunk_rng(seed, c);
            let mut x = vec![0.0f32; m];
            let mut scratch = vec![0.0f32; m];
            let mut counts = vec![0u32; m];
            let these = CHUNK.min(draws - c * CHUNK);
            for _ in 0..these {
                for (xi, &(centre, se)) in x.iter_mut().zip(&drawn) {
                    let z: f32 = StandardNormal.sample(&mut rng);
                    *xi = centre + se * z;
                }
                scratch.copy_from_slice(&x);
                // The k-th highest draw: the cut.
                let (_, cut, _) = scratch.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
                let cut = *cut;
                for (count, xi) in counts.iter_mut().zip(&x) {
                    *count += u32::from(*xi >= cut);
                }
            }
            counts
        })
        .reduce(
            || vec![0u32; m],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    let mut p = vec![0.0; n];
    for (&i, c) in candidates.iter().zip(counts) {
        p[i] = f64::from(c) / draws as f64;
    }
    p
}

/// For every area (its figures in the earlier and the later wave), the share of `draws` in
/// which its change in percentage points exceeds its `threshold` (the reference's change plus
/// the minimum rise).
///
/// ```
/// use omzien::{LogitNormal, rise_probabilities};
/// let before = LogitNormal::from_interval(40.0, (38.0, 42.0)).unwrap();
/// let after = LogitNormal::from_interval(46.0, (44.0, 48.0)).unwrap();
/// let p = rise_probabilities(&[(before, after)], &[3.0], 10_000, 1);
/// assert!(p[0] > 0.95, "{p:?}");
/// let p = rise_probabilities(&[(before, after)], &[6.0], 10_000, 1);
/// assert!((p[0] - 0.5).abs() < 0.03, "{p:?}");
/// ```
#[must_use]
pub fn rise_probabilities(
    pairs: &[(LogitNormal, LogitNormal)],
    thresholds: &[f64],
    draws: usize,
    seed: u64,
) -> Vec<f64> {
    pairs
        .par_iter()
        .zip(thresholds)
        .enumerate()
        .map(|(i, (&(before, after), &threshold))| {
            if draws == 0 {
                return 0.0;
            }
            let mut rng = chunk_rng(seed.rotate_left(17), i);
            // Single precision in the loop: a probability needs no more, and it halves the
            // cost of the exponentials.
            let (c0, s0) = (before.centre as f32, before.se as f32);
            let (c1, s1) = (after.centre as f32, after.se as f32);
            let t = (threshold / 100.0) as f32;
            let expit = |x: f32| 1.0 / (1.0 + (-x).exp());
            let mut hits = 0u32;
            for _ in 0..draws {
                let z0: f32 = StandardNormal.sample(&mut rng);
                let z1: f32 = StandardNormal.sample(&mut rng);
                hits += u32::from(expit(c1 + s1 * z1) - expit(c0 + s0 * z0) > t);
            }
            f64::from(hits) / draws as f64
        })
        .collect()
}

/// The two-sided p-value of a change between two figures with 95 % intervals, by inverting the
/// MOVER interval of the difference (Newcombe 1998; Zou & Donner 2008), so that p < 0.05
/// exactly when that interval excludes 0: z = 1.96 × d / √((v₁ − l₁)² + (u₀ − v₀)²) for a
/// rise (the other sides for a fall).
///
/// ```
/// use omzien::change_p_value;
/// let p = change_p_value((40.0, (38.0, 42.0)), (46.0, (44.0, 48.0)));
/// assert!(p < 1e-4);
/// // The issue's example: 44.8 [40.0, 56.0] → 54.2 [50.0, 57.0] is not significant.
/// assert!(change_p_value((44.8, (40.0, 56.0)), (54.2, (50.0, 57.0))) > 0.05);
/// ```
#[must_use]
pub fn change_p_value(before: (f64, (f64, f64)), after: (f64, (f64, f64))) -> f64 {
    let (v0, (l0, u0)) = before;
    let (v1, (l1, u1)) = after;
    let d = v1 - v0;
    let spread = if d >= 0.0 {
        (v1 - l1).hypot(u0 - v0)
    } else {
        (u1 - v1).hypot(v0 - l0)
    };
    if spread <= 0.0 {
        return if d == 0.0 { 1.0 } else { 0.0 };
    }
    let z = (Z95 * d / spread).abs();
    // 2 × (1 − Φ(z)) = erfc(z / √2).
    libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Benjamini–Hochberg at false discovery rate `q`: which hypotheses are rejected, and the
/// adjusted p-values, as `statsmodels`' `multipletests(method="fdr_bh")` gives them.
///
/// ```
/// use omzien::benjamini_hochberg;
/// let (reject, adjusted) = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2], 0.05);
/// assert_eq!(reject, [true, false, false, false]);
/// assert!((adjusted[0] - 0.04).abs() < 1e-12);
/// assert!((adjusted[1] - 0.05333333333333334).abs() < 1e-12);
/// ```
#[must_use]
pub fn benjamini_hochberg(p: &[f64], q: f64) -> (Vec<bool>, Vec<f64>) {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running = f64::INFINITY;
    for (rank, &i) in order.iter().enumerate().rev() {
        let a = p[i] * m as f64 / (rank + 1) as f64;
        running = running.min(a);
        adjusted[i] = running.min(1.0);
    }
    // Step-up: every hypothesis up to the largest rank whose p lies under its line.
    let cut = order
        .iter()
        .enumerate()
        .rev()
        .find(|&(rank, &i)| p[i] <= q * (rank + 1) as f64 / m as f64)
        .map(|(rank, _)| rank);
    let mut reject = vec![false; m];
    if let Some(cut) = cut {
        for &i in &order[..=cut] {
            reject[i] = true;
        }
    }
    (reject, adjusted)
}

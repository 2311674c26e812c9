//! Polygon validity as `geo`'s [`Validation`](geo::Validation) decides it, with the ring
//! self-intersection test done by a sweep over the segments instead of comparing every segment
//! with every other one.
//!
//! `geo` 0.33 tests each ring against itself pairwise (`n²` segment tests for a ring of `n`
//! points): on the national wijk and gemeente files that was a third of a report's time. The
//! sweep sorts the segments by their left end and compares only those whose x-ranges overlap,
//! with the same predicate, so the answer is the same (a test compares the two on random rings
//! and on the real files); the other checks call `geo` as its validation does.

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{
    GeoFloat, Intersects, Line, LineString, MultiPolygon, Polygon, PreparedGeometry, Relate,
    RemoveRepeatedPoints,
};

/// Whether `geo` would call this ring's segments self-intersecting: two segments `a ≠ b` meet,
/// other than where one ends and the other starts.
pub(crate) fn ring_self_intersects<F: GeoFloat>(ring: &LineString<F>) -> bool {
    let lines: Vec<Line<F>> = ring.lines().collect();
    let min_x = |l: &Line<F>| l.start.x.min(l.end.x);
    let max_x = |l: &Line<F>| l.start.x.max(l.end.x);
    let mut order: Vec<usize> = (0..lines.len()).collect();
    // NaN sorts as equal: such a ring is invalid anyway (the finite check says so).
    order.sort_by(|&a, &b| {
        min_x(&lines[a])
            .partial_cmp(&min_x(&lines[b]))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        let line = &lines[i];
        let left = min_x(line);
        active.retain(|&j| max_x(&lines[j]) >= left);
        for &j in &active {
            let other = &lines[j];
            if line.intersects(other) && line.start != other.end && line.end != other.start {
                return true;
            }
        }
        active.push(i);
    }
    // Non-finite coordinates compare false with everything and may have been passed by above;
    // fall back to the pairwise test for them so the answer stays `geo`'s.
    if ring.0.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
        return lines.iter().enumerate().any(|(i, a)| {
            lines
                .iter()
                .enumerate()
                .any(|(j, b)| i != j && a.intersects(b) && a.start != b.end && a.end != b.start)
        });
    }
    false
}

fn polygon_is_valid<F: GeoFloat>(p: &Polygon<F>) -> bool {
    if p.exterior().0.is_empty() {
        return true;
    }
    for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
        if ring.0.is_empty() {
            continue;
        }
        if ring.remove_repeated_points().0.len() < 4
            || ring.0.iter().any(|c| !(c.x.is_finite() && c.y.is_finite()))
            || ring_self_intersects(ring)
        {
            return false;
        }
    }
    let interiors: Vec<Polygon<F>> = p
        .interiors()
        .iter()
        .filter(|r| !r.0.is_empty())
        .map(|r| Polygon::new(r.clone(), vec![]))
        .collect();
    if interiors.is_empty() {
        return true;
    }
    let exterior = Polygon::new(p.exterior().clone(), vec![]);
    let exterior = PreparedGeometry::from(&exterior);
    let prepared: Vec<_> = interiors.iter().map(PreparedGeometry::from).collect();
    for (i, inner) in prepared.iter().enumerate() {
        let m = exterior.relate(inner);
        if !m.is_contains()
            || m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
        {
            return false;
        }
        for other in &interiors[i + 1..] {
            let m = inner.relate(other);
            if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional
                || m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
            {
                return false;
            }
        }
    }
    true
}

/// `geo::Validation::is_valid` for a multipolygon, the same answer sooner.
pub(crate) fn is_valid<F: GeoFloat>(mp: &MultiPolygon<F>) -> bool {
    for (i, p) in mp.0.iter().enumerate() {
        if !polygon_is_valid(p) {
            return false;
        }
        for q in &mp.0[i + 1..] {
            let m = p.relate(q);
            if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional
                || m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional
            {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Validation, coord, polygon};

    /// A small seeded generator (no dependency for a test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        /// Small integer grid coordinates, so that touching, collinear and repeated points occur.
        fn coord(&mut self) -> geo::Coord<f64> {
            coord! { x: (self.next() % 7) as f64, y: (self.next() % 7) as f64 }
        }
        fn ring(&mut self, max: u64) -> LineString<f64> {
            let n = 3 + self.next() % max;
            let mut c: Vec<_> = (0..n).map(|_| self.coord()).collect();
            c.push(c[0]);
            LineString(c)
        }
    }

    #[test]
    fn same_answer_as_geo_on_random_shapes() {
        let mut rng = Lcg(12_345);
        let (mut valid, mut invalid) = (0, 0);
        for _ in 0..20_000 {
            let parts = 1 + rng.next() % 2;
            let mp = MultiPolygon(
                (0..parts)
                    .map(|_| {
                        let holes = (0..rng.next() % 3).map(|_| rng.ring(4)).collect();
                        Polygon::new(rng.ring(8), holes)
                    })
                    .collect(),
            );
            let expected = mp.is_valid();
            assert_eq!(is_valid(&mp), expected, "{mp:?}");
            if expected {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        // Both answers occur often enough for the comparison to mean something.
        assert!(
            valid > 500 && invalid > 500,
            "{valid} valid, {invalid} invalid"
        );
    }

    #[test]
    fn known_cases() {
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
        assert!(is_valid(&MultiPolygon(vec![square.clone()])));
        let bowtie =
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 4.0), (x: 4.0, y: 0.0), (x: 0.0, y: 4.0)];
        assert!(!is_valid(&MultiPolygon(vec![bowtie])));
        let hole = LineString::from(vec![
            (1.0, 1.0),
            (2.0, 1.0),
            (2.0, 2.0),
            (1.0, 2.0),
            (1.0, 1.0),
        ]);
        let with_hole = Polygon::new(square.exterior().clone(), vec![hole.clone()]);
        assert!(is_valid(&MultiPolygon(vec![with_hole])));
        let outside = hole.0.iter().map(|c| (c.x + 10.0, c.y)).collect::<Vec<_>>();
        let bad_hole = Polygon::new(square.exterior().clone(), vec![LineString::from(outside)]);
        assert!(!is_valid(&MultiPolygon(vec![bad_hole])));
        assert!(!is_valid(&MultiPolygon(vec![square.clone(), square])));
        let nan =
            polygon![(x: 0.0, y: 0.0), (x: f64::NAN, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
        assert_eq!(is_valid(&MultiPolygon(vec![nan.clone()])), nan.is_valid());
    }
}

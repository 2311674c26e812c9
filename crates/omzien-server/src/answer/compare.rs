//! The answer of `omzien compare` and `/api/compare/{code}`: an area against its benchmark in
//! every indicator, at 95 % and 99.8 %, read by each indicator's polarity.

use omzien::{
    AreaComparison, BenchmarkRow, Confidence, Dataset, Polarity, Provenance, Rule, Status,
};
use serde::Serialize;
use utoipa::ToSchema;

/// One indicator of an area against its benchmark.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompareRow {
    /// The area's code.
    pub code: String,
    /// Its name for people.
    pub name: String,
    /// The indicator's key.
    pub indicator: String,
    /// Its English label.
    pub label: String,
    /// `higher_is_worse`, `higher_is_better` or `neither`: whether the verdicts read
    /// worse/better or higher/lower.
    #[schema(value_type = String, example = "higher_is_worse")]
    pub polarity: Polarity,
    /// The age group (`18+`).
    pub age: String,
    /// The wave.
    pub wave: u16,
    /// The area's value (empty unless `status` is `value`).
    pub value: Option<f64>,
    /// Value, suppressed or not measured.
    pub status: Status,
    /// The published 95 % interval `[lower, upper]` (in CSV `lower`, `upper`).
    pub interval: Option<[f64; 2]>,
    /// The 99.8 % interval, derived from the 95 % one on the logit scale (in CSV
    /// `p998_lower`, `p998_upper`).
    pub p998_interval: Option<[f64; 2]>,
    /// The benchmark's value (for similar gemeenten the mean of those with a value).
    pub benchmark: Option<f64>,
    /// Value, suppressed or not measured for the benchmark.
    pub benchmark_status: Status,
    /// For similar gemeenten: how many of them have a value.
    pub benchmark_areas: Option<usize>,
    /// The verdict at 95 %: `worse`, `similar`, `better` where a direction is good, `higher`,
    /// `similar`, `lower` where not, `unknown` without both values.
    #[schema(value_type = String, example = "worse")]
    pub verdict_95: omzien::Reading,
    /// The verdict at 99.8 %.
    #[schema(value_type = String, example = "similar")]
    pub verdict_998: omzien::Reading,
    /// How the verdicts were decided: `interval` (the benchmark outside the area's interval,
    /// as Fingertips compares) or `band` (no interval: more than `band` pp apart, a distance,
    /// not a test).
    pub rule: String,
    /// The band of the `band` rule, pp.
    pub band: Option<f64>,
}

impl CompareRow {
    fn new(ds: &Dataset, c: &AreaComparison, r: &BenchmarkRow) -> Self {
        let info = ds.indicator_info(r.indicator);
        Self {
            code: c.area.to_string(),
            name: ds
                .area(c.area)
                .map(|a| a.display_name())
                .unwrap_or_default(),
            indicator: r.indicator.to_string(),
            label: info.map(|i| i.label_en.clone()).unwrap_or_default(),
            polarity: r.polarity,
            age: c.age.short(),
            wave: c.wave.year(),
            value: r.value.value(),
            status: r.value.status(),
            interval: r.interval_95.map(|(l, u)| [l, u]),
            p998_interval: r.interval_998.map(|(l, u)| [l, u]),
            benchmark: r.benchmark.value(),
            benchmark_status: r.benchmark.status(),
            benchmark_areas: r.benchmark_areas,
            verdict_95: r.reads(Confidence::P95),
            verdict_998: r.reads(Confidence::P998),
            rule: match r.rule {
                Rule::Interval => "interval",
                Rule::Band(_) => "band",
            }
            .to_owned(),
            band: match r.rule {
                Rule::Band(b) => Some(b),
                Rule::Interval => None,
            },
        }
    }
}

/// A gemeente like the one compared.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NeighbourRow {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its distance in the standardised characteristics (0 = alike).
    pub distance: f64,
}

/// What the area is compared with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BenchmarkHeader {
    /// `national`, `gemeente`, `area`, `group` or `similar`.
    pub kind: String,
    /// The benchmark area's code (none for similar gemeenten and groups).
    pub code: Option<String>,
    /// Its name, `15 similar gemeenten` or `group NAME (12 wijken)`.
    pub name: String,
    /// For similar gemeenten: the gemeenten, nearest first.
    pub neighbours: Vec<NeighbourRow>,
    /// For similar gemeenten: what "similar" was measured on.
    pub characteristics: Vec<String>,
    /// For similar gemeenten: where the characteristics come from; for a group: how it is
    /// rolled up (`weighted by FILE` or `unweighted mean`).
    pub source: Option<String>,
}

/// `/api/compare/{code}` and `omzien compare`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompareAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The area's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The benchmark.
    pub benchmark: BenchmarkHeader,
    /// How many indicators read worse (or higher where no direction is good) at 95 % and
    /// at 99.8 %.
    pub worse_or_higher: [usize; 2],
    /// How many read better (or lower) at 95 % and at 99.8 %.
    pub better_or_lower: [usize; 2],
    /// One row per indicator.
    pub rows: Vec<CompareRow>,
}

impl CompareAnswer {
    /// The answer of a comparison.
    #[must_use]
    pub fn new(ds: &Dataset, c: &AreaComparison) -> Self {
        let name = |code| ds.area(code).map(|a| a.display_name()).unwrap_or_default();
        let rows: Vec<CompareRow> = c.rows.iter().map(|r| CompareRow::new(ds, c, r)).collect();
        let count = |level: Confidence, up: bool| {
            c.rows
                .iter()
                .filter(|r| {
                    use omzien::Reading as R;
                    matches!(
                        (r.reads(level), up),
                        (R::Worse | R::Higher, true) | (R::Better | R::Lower, false)
                    )
                })
                .count()
        };
        let benchmark = match (&c.similar, &c.group) {
            (Some(s), _) => BenchmarkHeader {
                kind: c.benchmark_kind.to_owned(),
                code: None,
                name: format!("{} similar gemeenten", s.neighbours.len()),
                neighbours: s
                    .neighbours
                    .iter()
                    .map(|n| NeighbourRow {
                        code: n.code.to_string(),
                        name: name(omzien::AreaCode::Gemeente(n.code)),
                        distance: (n.distance * 1000.0).round() / 1000.0,
                    })
                    .collect(),
                characteristics: s.characteristics.iter().map(|c| (*c).to_owned()).collect(),
                source: Some(s.source.clone()),
            },
            (None, Some(g)) => BenchmarkHeader {
                kind: c.benchmark_kind.to_owned(),
                code: None,
                name: format!("group {} ({} {}en)", g.name, g.areas, g.level),
                neighbours: Vec::new(),
                characteristics: Vec::new(),
                source: Some(g.weighting.clone()),
            },
            (None, None) => BenchmarkHeader {
                kind: c.benchmark_kind.to_owned(),
                code: c.benchmark_area.map(|a| a.to_string()),
                name: c.benchmark_area.map(name).unwrap_or_default(),
                neighbours: Vec::new(),
                characteristics: Vec::new(),
                source: None,
            },
        };
        Self {
            dataset: ds.provenance(),
            code: c.area.to_string(),
            name: name(c.area),
            benchmark,
            worse_or_higher: [count(Confidence::P95, true), count(Confidence::P998, true)],
            better_or_lower: [
                count(Confidence::P95, false),
                count(Confidence::P998, false),
            ],
            rows,
        }
    }

    /// The columns in front of every CSV row: the benchmark.
    #[must_use]
    pub fn lead(&self) -> Vec<(&'static str, String)> {
        vec![
            ("benchmark_kind", self.benchmark.kind.clone()),
            (
                "benchmark_code",
                self.benchmark.code.clone().unwrap_or_default(),
            ),
            ("benchmark_name", self.benchmark.name.clone()),
        ]
    }
}

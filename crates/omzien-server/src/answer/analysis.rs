//! The answers of the analysis commands (`trend`, `summary`, `rollup`, `check`): one row type
//! each, written alike by the command line's CSV and JSON and, where the server has the
//! route (`/api/trend`, `/api/summary`), by the API. Every row leads with what it describes
//! (code and name), a missing number is empty with a status column beside it, never `.` or
//! `–` inside a numeric column.

use omzien::{
    AreaCode, Dataset, Deviation, Direction, Figure, GroupKey, Level, Provenance, Rollup, Status,
    Trend,
};
use serde::Serialize;
use utoipa::ToSchema;

/// A figure's value for a numeric column: the number, or nothing (its status says why).
fn value(f: Figure) -> Option<f64> {
    f.value()
}

/// An area's name for people, or empty when the data has none.
fn name(ds: &Dataset, code: AreaCode) -> String {
    ds.area(code).map(|a| a.display_name()).unwrap_or_default()
}

/// One area's change between two waves (`omzien trend`, `/api/trend`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendRow {
    /// Its code.
    #[schema(value_type = String)]
    pub code: AreaCode,
    /// Its name for people.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// The indicator's key.
    pub indicator: String,
    /// The age group (`18+`).
    pub age: String,
    /// The first wave.
    pub from: u16,
    /// The second wave.
    pub to: u16,
    /// The value in the first wave (empty unless `from_status` is `value`).
    pub from_value: Option<f64>,
    /// Value, suppressed or not measured in the first wave.
    pub from_status: Status,
    /// The first wave's 95 % interval `[lower, upper]` (in CSV `from_lower`, `from_upper`).
    pub from_interval: Option<[f64; 2]>,
    /// The value in the second wave.
    pub to_value: Option<f64>,
    /// Value, suppressed or not measured in the second wave.
    pub to_status: Status,
    /// The second wave's 95 % interval (in CSV `to_lower`, `to_upper`).
    pub to_interval: Option<[f64; 2]>,
    /// Change in percentage points, when both are values.
    pub delta: Option<f64>,
    /// `rising`, `falling` or `stable` (within ± `band`), when both are values.
    pub direction: Option<Direction>,
    /// Significant at 95 % (MOVER interval of the difference), where both waves have bounds;
    /// empty when it cannot be tested.
    pub significant: Option<bool>,
    /// What a reader must know, `; `-separated.
    pub caveats: String,
}

impl TrendRow {
    /// The row of one trend.
    #[must_use]
    pub fn new(ds: &Dataset, t: &Trend) -> Self {
        Self {
            code: t.area,
            name: name(ds, t.area),
            level: t.area.level(),
            indicator: t.indicator.to_string(),
            age: t.age.short(),
            from: t.from.year(),
            to: t.to.year(),
            from_value: value(t.from_figure),
            from_status: t.from_figure.status(),
            from_interval: t.from_interval.map(|(l, u)| [l, u]),
            to_value: value(t.to_figure),
            to_status: t.to_figure.status(),
            to_interval: t.to_interval.map(|(l, u)| [l, u]),
            delta: t.delta,
            direction: t.direction,
            significant: t.significant,
            caveats: omzien::Caveat::join(&t.caveats),
        }
    }
}

/// `/api/trend` and `omzien trend`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The rule the directions follow: changes within ± this many percentage points are
    /// `stable`.
    pub band: f64,
    /// The areas, in code order.
    pub rows: Vec<TrendRow>,
}

impl TrendAnswer {
    /// The answer for `trends`, judged with `band`.
    #[must_use]
    pub fn new(ds: &Dataset, trends: &[Trend], band: f64) -> Self {
        Self {
            dataset: ds.provenance(),
            band,
            rows: trends.iter().map(|t| TrendRow::new(ds, t)).collect(),
        }
    }
}

/// How one indicator is spread over the areas of a level in one wave and age group
/// (`omzien summary`, `/api/summary`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryRow {
    /// The level.
    pub level: Level,
    /// The indicator's key.
    pub indicator: String,
    /// The wave.
    pub wave: u16,
    /// The age group (`18+`).
    pub age: String,
    /// Areas of the level.
    pub areas: usize,
    /// Areas with a published value.
    pub values: usize,
    /// Areas whose figure is suppressed.
    pub suppressed: usize,
    /// Areas without a figure (not measured).
    pub not_measured: usize,
    /// Unweighted mean of the values.
    pub mean: Option<f64>,
    /// Minimum.
    pub min: Option<f64>,
    /// 10th percentile (type 7).
    pub p10: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
    /// The national figure of the same wave and age group.
    pub national: Option<f64>,
    /// Value, suppressed or not measured for the national figure (empty without one).
    pub national_status: Option<Status>,
    /// The threshold of `share_above`, when asked for.
    pub threshold: Option<f64>,
    /// Share (0–1) of the areas with a value above `threshold`.
    pub share_above: Option<f64>,
}

/// The areas of one level in `/api/summary`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelCount {
    /// The level.
    pub level: Level,
    /// Areas of the level.
    pub count: usize,
}

/// `/api/summary` and `omzien summary`: what the data holds and how one indicator is spread
/// per level, wave and age group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// Areas in the data.
    pub areas: usize,
    /// Areas per level.
    pub levels: Vec<LevelCount>,
    /// The waves, oldest first.
    pub waves: Vec<u16>,
    /// The age groups (`18+`).
    pub age_groups: Vec<String>,
    /// Indicators with figures in some wave and age group.
    pub indicators_with_figures: usize,
    /// Per level, wave and age group.
    pub rows: Vec<SummaryRow>,
    /// How many people the national figure stands for, per age group in the latest wave,
    /// where a population layer (CBS's key figures) counts the country's inhabitants of it.
    pub people: Vec<PeopleRow>,
}

/// A percentage as a number of people ([`omzien::Dataset::people`]).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeopleRow {
    /// The area's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The age group.
    pub age: String,
    /// The wave.
    pub wave: u16,
    /// The figure.
    pub value: f64,
    /// The people it stands for, rounded to tens.
    pub people: f64,
    /// The inhabitants of the age group it was taken of.
    pub population: f64,
    /// Whether that population is approximated (18+ from CBS's age bands).
    pub approximate: bool,
    /// Where the population comes from.
    pub source: String,
    /// The year it counts.
    pub year: Option<u16>,
}

impl SummaryAnswer {
    /// The same summary with the people the national figure of `indicator` stands for in
    /// the latest wave, per age group, by the first population layer that counts them.
    #[must_use]
    pub fn with_people(
        mut self,
        ds: &Dataset,
        indicator: omzien::Indicator,
        populations: &[omzien::Populations],
    ) -> Self {
        let (Some(nl), Some(&wave)) = (ds.national(), ds.waves().last()) else {
            return self;
        };
        for &age in ds.age_groups() {
            let value = ds
                .figure(nl, indicator, wave, age)
                .ok()
                .and_then(|f| f.value());
            if let (Some(value), Ok(Some(c))) =
                (value, ds.people(nl, indicator, wave, age, populations))
            {
                self.people.push(PeopleRow {
                    code: c.area.to_string(),
                    name: name(ds, c.area),
                    age: age.short(),
                    wave: wave.year(),
                    value,
                    people: c.people,
                    population: c.population,
                    approximate: !c.exact_age,
                    source: c.source.clone(),
                    year: c.year,
                });
            }
        }
        self
    }

    /// The summary of `indicator` (with the share above `threshold`, if given).
    ///
    /// # Errors
    /// A national figure the data cannot give.
    pub fn new(
        ds: &Dataset,
        indicator: omzien::Indicator,
        threshold: Option<f64>,
    ) -> Result<Self, omzien::QueryError> {
        let mut rows = Vec::new();
        for s in ds.summaries(indicator, threshold) {
            let national = ds
                .national()
                .map(|nl| ds.figure(nl, indicator, s.wave, s.age))
                .transpose()?;
            rows.push(SummaryRow {
                level: s.level,
                indicator: s.indicator.to_string(),
                wave: s.wave.year(),
                age: s.age.short(),
                areas: s.areas,
                values: s.values,
                suppressed: s.suppressed,
                not_measured: s.not_measured,
                mean: s.mean,
                min: s.min,
                p10: s.p10,
                p25: s.p25,
                median: s.median,
                p75: s.p75,
                p90: s.p90,
                max: s.max,
                national: national.and_then(Figure::value),
                national_status: national.map(Figure::status),
                threshold: s.threshold,
                share_above: s.share_above,
            });
        }
        // The indicators `omzien indicators` lists with a wave of figures.
        let indicators_with_figures = super::IndicatorRow::all(ds)
            .iter()
            .filter(|r| !r.waves.is_empty())
            .count();
        Ok(Self {
            dataset: ds.provenance(),
            areas: ds.len(),
            levels: Level::ALL
                .iter()
                .map(|&level| LevelCount {
                    level,
                    count: ds.count(level),
                })
                .collect(),
            waves: ds.waves().iter().map(|w| w.year()).collect(),
            age_groups: ds.age_groups().iter().map(|a| a.short()).collect(),
            indicators_with_figures,
            rows,
            people: Vec::new(),
        })
    }
}

/// Whether a roll-up row has a figure: `value`, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RollupStatus {
    /// The group's figure is given.
    Value,
    /// Fewer of the group's areas than the minimum coverage could be used.
    Withheld,
    /// No area of the group had a value and a weight.
    NoData,
}

/// One group of `omzien rollup`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RollupAnswerRow {
    /// The group: the parent's code, or the name the groups file gives.
    pub code: String,
    /// The parent's name (the group's name for a groups file).
    pub name: String,
    /// The weighted mean of the areas used; empty unless `status` is `value`.
    pub value: Option<f64>,
    /// `value`, `withheld` (under the minimum coverage) or `no_data`.
    pub status: RollupStatus,
    /// Areas of the group.
    pub areas: usize,
    /// Areas whose value and weight were used.
    pub used: usize,
    /// Areas left out: figure suppressed.
    pub suppressed: usize,
    /// Areas left out: not measured.
    pub not_measured: usize,
    /// Areas left out: a value but no weight.
    pub missing_weight: usize,
    /// Sum of the weights used (the count of areas used when unweighted).
    pub weight: f64,
    /// Share (0–1) of the group's weight (population) the areas used carry: what the figure
    /// stands for once suppressed and unmeasured areas are left out.
    pub weight_share: Option<f64>,
    /// Share (0–1) of the group's areas used.
    pub coverage: f64,
}

/// `omzien rollup`: a weighted roll-up to parents or to the user's groups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RollupAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// Where the weights came from, or `unweighted`.
    pub weighting: String,
    /// What the weights count, where it does not match the age group rolled up: a warning.
    pub weight_basis: Option<String>,
    /// The year the weights count, where their file says (its name, or a boundary layer's
    /// `JAAR`): beside the wave rolled up, so a reader sees how far apart they are.
    pub weights_year: Option<u16>,
    /// The least share of a group's areas its figure needs.
    pub min_coverage: f64,
    /// The groups, in order.
    pub rows: Vec<RollupAnswerRow>,
    /// Areas of the level rolled up that fell in no group.
    #[schema(value_type = Vec<String>)]
    pub ungrouped: Vec<AreaCode>,
}

impl RollupAnswer {
    /// The answer for a roll-up made with `min_coverage`; `weight_basis` warns when the
    /// weights may not count the age group rolled up.
    #[must_use]
    pub fn new(ds: &Dataset, r: Rollup, min_coverage: f64, weight_basis: Option<String>) -> Self {
        let rows = r
            .rows
            .into_iter()
            .map(|row| {
                let (code, name) = match &row.group {
                    GroupKey::Area(c) => (c.to_string(), name(ds, *c)),
                    GroupKey::Named(n) => (n.clone(), n.clone()),
                };
                let status = if row.withheld {
                    RollupStatus::Withheld
                } else if row.value.is_none() {
                    RollupStatus::NoData
                } else {
                    RollupStatus::Value
                };
                RollupAnswerRow {
                    code,
                    name,
                    value: row.value.filter(|_| status == RollupStatus::Value),
                    status,
                    areas: row.areas,
                    used: row.used,
                    suppressed: row.suppressed,
                    not_measured: row.not_measured,
                    missing_weight: row.missing_weight,
                    weight: row.weight,
                    weight_share: row.weight_share,
                    coverage: row.coverage,
                }
            })
            .collect();
        Self {
            dataset: ds.provenance(),
            weighting: r.weighting,
            weight_basis,
            weights_year: None,
            min_coverage,
            rows,
            ungrouped: r.ungrouped,
        }
    }
}

impl RollupAnswer {
    /// The same answer stating the year the weights count.
    #[must_use]
    pub fn with_weights_year(mut self, year: Option<u16>) -> Self {
        self.weights_year = year;
        self
    }
}

/// One parent of `omzien check`: its published figure beside the weighted roll-up of its
/// children.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckRow {
    /// Which roll-up: `gemeenten→land` or `wijken→gemeente`.
    pub rollup: String,
    /// The parent's code.
    #[schema(value_type = String)]
    pub code: AreaCode,
    /// The parent's name.
    pub name: String,
    /// The indicator's key.
    pub indicator: String,
    /// The wave.
    pub wave: u16,
    /// The age group (`18+`).
    pub age: String,
    /// The published figure (empty unless `published_status` is `value`).
    pub published: Option<f64>,
    /// Value, suppressed or not measured.
    pub published_status: Status,
    /// The weighted roll-up of its children.
    pub weighted: Option<f64>,
    /// `weighted − published`, percentage points.
    pub difference: Option<f64>,
    /// Children in the data.
    pub children: usize,
    /// Children whose value and weight were used.
    pub used: usize,
    /// Children with a suppressed figure.
    pub suppressed: usize,
    /// Why the roll-up may differ, in words.
    pub why: String,
}

impl CheckRow {
    /// The row of one deviation, in the roll-up named `rollup`.
    #[must_use]
    pub fn new(ds: &Dataset, rollup: &str, d: &Deviation) -> Self {
        Self {
            rollup: rollup.to_owned(),
            code: d.area,
            name: name(ds, d.area),
            indicator: d.indicator.to_string(),
            wave: d.wave.year(),
            age: d.age.short(),
            published: d.published.value(),
            published_status: d.published.status(),
            weighted: d.weighted,
            difference: d.difference,
            children: d.children,
            used: d.used,
            suppressed: d.suppressed,
            why: d.reasons(),
        }
    }
}

/// The weights `omzien check` used for one roll-up.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckWeights {
    /// `gemeenten→land` or `wijken→gemeente`.
    pub rollup: String,
    /// The boundary file whose populations weigh the children, and the property read.
    pub source: String,
    /// The year the populations count (the layer's `JAAR`, else its file name), where it says.
    pub year: Option<u16>,
    /// Areas of the data with a population in it.
    pub areas: usize,
    /// Their total population.
    pub total: f64,
}

/// `omzien check`: how far population-weighted roll-ups lie from the published figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckAnswer {
    /// Provenance.
    pub dataset: Provenance,
    /// The weights of each roll-up made.
    pub weights: Vec<CheckWeights>,
    /// The national roll-up for every indicator, wave and age group, then the gemeenten whose
    /// wijken roll up furthest from their figure.
    pub rows: Vec<CheckRow>,
}

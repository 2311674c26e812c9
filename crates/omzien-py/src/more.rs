//! The bodies of the queries beyond figures, trends and risk: roll-ups, layers, boundaries and
//! reports. `dataset.rs` declares them to Python and parses the arguments; each here runs with
//! the GIL released and returns what the Python side shapes into DataFrames and mappings.

use std::path::{Path, PathBuf};

use omzien::{
    AgeGroup, Boundaries, Dataset, Indicator, LayerSpec, Legend, Level, RollupQuery, RollupTarget,
    Style, Wave, Weighting, Weights,
};

use crate::errors::{Failure, Kind, fail};
use crate::frame::{Frame, count, lower, upper};

/// What a roll-up is asked.
pub(crate) struct RollupAsk<'a> {
    pub(crate) from: Level,
    pub(crate) to: Level,
    pub(crate) indicator: Indicator,
    pub(crate) wave: Wave,
    pub(crate) age: AgeGroup,
    pub(crate) weights: Option<&'a Path>,
    pub(crate) groups: Option<&'a Path>,
    pub(crate) min_coverage: f64,
}

/// The roll-up's rows (group, value, areas used and left out, weight, coverage, withheld) and
/// where the weights came from.
pub(crate) fn rollup(ds: &Dataset, a: &RollupAsk<'_>) -> Result<(Frame, String), Failure> {
    let weights = a
        .weights
        .map(|p| Weights::read_for(p, a.age))
        .transpose()
        .map_err(fail(Kind::Load))?;
    let groups = a
        .groups
        .map(omzien::Groups::from_csv)
        .transpose()
        .map_err(fail(Kind::Load))?;
    let weighting = weights
        .as_ref()
        .map_or(Weighting::Unweighted, Weighting::Weighted);
    let target = groups
        .as_ref()
        .map_or(RollupTarget::Parents(a.to), RollupTarget::Groups);
    let r = RollupQuery::new(a.from, a.indicator, a.wave, weighting)
        .with_age(a.age)
        .with_target(target)
        .with_min_coverage(a.min_coverage)
        .run(ds)
        .map_err(fail(Kind::Query))?;
    let rows = &r.rows;
    let name = |g: &omzien::GroupKey| match g {
        omzien::GroupKey::Area(c) => ds.area_name(*c),
        omzien::GroupKey::Named(n) => n.clone(),
    };
    let frame = Frame::new()
        .texts("group", rows.iter().map(|r| r.group.to_string()))
        .texts("name", rows.iter().map(|r| name(&r.group)))
        .f64("value", rows.iter().map(|r| r.value).collect())
        .u32("areas", rows.iter().map(|r| count(r.areas)).collect())
        .u32("used", rows.iter().map(|r| count(r.used)).collect())
        .u32(
            "suppressed",
            rows.iter().map(|r| count(r.suppressed)).collect(),
        )
        .u32(
            "not_measured",
            rows.iter().map(|r| count(r.not_measured)).collect(),
        )
        .u32(
            "missing_weight",
            rows.iter().map(|r| count(r.missing_weight)).collect(),
        )
        .f64("weight", rows.iter().map(|r| Some(r.weight)).collect())
        .f64(
            "weight_share",
            rows.iter().map(|r| r.weight_share).collect(),
        )
        .f64("coverage", rows.iter().map(|r| Some(r.coverage)).collect())
        .bool("withheld", rows.iter().map(|r| Some(r.withheld)).collect());
    Ok((frame, r.weighting))
}

/// A map layer: the legend (JSON, as `/legend` answers it) and every area with its value,
/// class and colour.
pub(crate) fn layer(ds: &Dataset, spec: &LayerSpec) -> Result<(String, Frame), Failure> {
    let layer = ds.layer(spec).map_err(fail(Kind::Query))?;
    let legend: Legend = layer.legend();
    let json = serde_json::to_string(&legend).map_err(fail(Kind::Query))?;
    let areas = layer.areas();
    let styles: Vec<Option<Style>> = (0..areas.len()).map(|i| layer.style_at(i)).collect();
    let frame = Frame::new()
        .texts("code", areas.iter().map(ToString::to_string))
        .f64("value", areas.iter().map(|&c| layer.value(c)).collect())
        .u32(
            "class",
            styles
                .iter()
                .map(|s| match s {
                    Some(Style::Class(i)) => u32::try_from(*i).ok(),
                    _ => None,
                })
                .collect(),
        )
        .texts(
            "status",
            styles.iter().map(|s| match s {
                Some(Style::Class(_)) => "value",
                Some(Style::Suppressed) => "suppressed",
                _ => "not_measured",
            }),
        )
        .text(
            "color",
            (0..areas.len()).map(|i| layer.color_at(i).map(omzien::classify::Color::hex)),
        );
    Ok((json, frame))
}

/// The boundaries of the levels asked for (all when empty) as one GeoJSON FeatureCollection
/// in WGS84, each feature with its code, name and level.
pub(crate) fn boundaries_geojson(ds: &Dataset, all: &[Boundaries], levels: &[Level]) -> String {
    let mut features = Vec::new();
    for b in all
        .iter()
        .filter(|b| levels.is_empty() || levels.contains(&b.level()))
    {
        for s in b.shapes() {
            let mut props = serde_json::Map::new();
            props.insert("code".into(), s.code.to_string().into());
            props.insert("name".into(), ds.area_name(s.code).into());
            props.insert("level".into(), b.level().to_string().into());
            features.push(geojson::Feature {
                bbox: None,
                geometry: Some(geojson::Geometry::new(geojson::GeometryValue::from(
                    &s.geometry,
                ))),
                id: None,
                properties: Some(props),
                foreign_members: None,
            });
        }
    }
    geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
    .to_string()
}

/// The distribution of an indicator per level, wave and age group, as `omzien summary`:
/// areas, values, suppressed, not measured, mean, quantiles, the national figure, and the share
/// above `threshold` where one is given.
pub(crate) fn summary(
    ds: &Dataset,
    indicator: Indicator,
    threshold: Option<f64>,
) -> Result<Frame, Failure> {
    let s = ds.summaries(indicator, threshold);
    let national = s
        .iter()
        .map(|r| {
            ds.national()
                .map(|nl| ds.figure(nl, indicator, r.wave, r.age))
                .transpose()
                .map(|f| f.and_then(omzien::Figure::value))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail(Kind::Query))?;
    Ok(Frame::new()
        .texts("level", s.iter().map(|r| r.level.to_string()))
        .texts("indicator", s.iter().map(|r| r.indicator.to_string()))
        .i32(
            "wave",
            s.iter().map(|r| Some(i32::from(r.wave.year()))).collect(),
        )
        .texts("age", s.iter().map(|r| r.age.short()))
        .u32("areas", s.iter().map(|r| count(r.areas)).collect())
        .u32("values", s.iter().map(|r| count(r.values)).collect())
        .u32(
            "suppressed",
            s.iter().map(|r| count(r.suppressed)).collect(),
        )
        .u32(
            "not_measured",
            s.iter().map(|r| count(r.not_measured)).collect(),
        )
        .f64("mean", s.iter().map(|r| r.mean).collect())
        .f64("min", s.iter().map(|r| r.min).collect())
        .f64("p10", s.iter().map(|r| r.p10).collect())
        .f64("p25", s.iter().map(|r| r.p25).collect())
        .f64("median", s.iter().map(|r| r.median).collect())
        .f64("p75", s.iter().map(|r| r.p75).collect())
        .f64("p90", s.iter().map(|r| r.p90).collect())
        .f64("max", s.iter().map(|r| r.max).collect())
        .f64("national", national)
        .f64("share_above", s.iter().map(|r| r.share_above).collect()))
}

/// What a comparison is asked.
pub(crate) struct CompareAsk<'a> {
    pub(crate) area: omzien::AreaCode,
    pub(crate) with: Option<&'a str>,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) wave: Wave,
    pub(crate) age: AgeGroup,
    pub(crate) band: f64,
    pub(crate) groups: Option<&'a Path>,
    pub(crate) weights: Option<&'a Path>,
}

/// An area against a benchmark in every indicator asked for, as `omzien compare`: per
/// indicator the figure with its 95 % and 99.8 % intervals, the benchmark's, and the verdicts
/// as a reader takes them (worse, better, higher, lower, similar, unknown). The benchmark
/// (kind, code, name) comes back beside the rows.
pub(crate) fn compare(
    ds: &Dataset,
    boundary_paths: &[PathBuf],
    a: &CompareAsk<'_>,
) -> Result<(Frame, [Option<String>; 3]), Failure> {
    let choice = omzien::BenchmarkChoice::parse(ds, a.with).map_err(fail(Kind::Query))?;
    let groups = a
        .groups
        .map(omzien::Groups::from_csv)
        .transpose()
        .map_err(fail(Kind::Load))?;
    let weights = a
        .weights
        .map(|p| Weights::read_for(p, a.age))
        .transpose()
        .map_err(fail(Kind::Load))?
        .map(std::sync::Arc::new);
    let benchmark = choice
        .benchmark(
            a.area,
            |g| ds.similar_gemeenten_in(boundary_paths, g, omzien::SIMILAR_GEMEENTEN),
            |name| omzien::AreaGroup::find(groups.as_ref(), name, a.area, weights),
        )
        .map_err(fail(Kind::Query))?;
    let c = omzien::CompareQuery::new(a.area, benchmark, a.wave)
        .with_indicators(a.indicators.clone())
        .with_age(a.age)
        .with_band(a.band)
        .run(ds)
        .map_err(fail(Kind::Query))?;
    let rows = &c.rows;
    let label = |i: Indicator| {
        ds.indicator_info(i)
            .map_or_else(|| i.to_string(), |info| info.label_en.clone())
    };
    let frame = Frame::new()
        .texts("indicator", rows.iter().map(|r| r.indicator.to_string()))
        .texts("label", rows.iter().map(|r| label(r.indicator)))
        .texts(
            "polarity",
            rows.iter().map(|r| crate::frame::snake(&r.polarity)),
        )
        .f64("value", rows.iter().map(|r| r.value.value()).collect())
        .texts("status", rows.iter().map(|r| r.value.status().as_str()))
        .f64(
            "lower_95",
            rows.iter().map(|r| lower(r.interval_95)).collect(),
        )
        .f64(
            "upper_95",
            rows.iter().map(|r| upper(r.interval_95)).collect(),
        )
        .f64(
            "lower_998",
            rows.iter().map(|r| lower(r.interval_998)).collect(),
        )
        .f64(
            "upper_998",
            rows.iter().map(|r| upper(r.interval_998)).collect(),
        )
        .f64(
            "benchmark",
            rows.iter().map(|r| r.benchmark.value()).collect(),
        )
        .texts(
            "benchmark_status",
            rows.iter().map(|r| r.benchmark.status().as_str()),
        )
        .u32(
            "benchmark_areas",
            rows.iter()
                .map(|r| r.benchmark_areas.and_then(|n| u32::try_from(n).ok()))
                .collect(),
        )
        .texts(
            "verdict_95",
            rows.iter()
                .map(|r| r.reads(omzien::Confidence::P95).as_str()),
        )
        .texts(
            "verdict_998",
            rows.iter()
                .map(|r| r.reads(omzien::Confidence::P998).as_str()),
        )
        .texts(
            "rule",
            rows.iter().map(|r| match r.rule {
                omzien::Rule::Interval => "interval",
                omzien::Rule::Band(_) => "band",
            }),
        )
        .f64(
            "band",
            rows.iter()
                .map(|r| match r.rule {
                    omzien::Rule::Band(b) => Some(b),
                    omzien::Rule::Interval => None,
                })
                .collect(),
        );
    let bench_name = c.benchmark_area.map(|b| ds.area_name(b));
    Ok((
        frame,
        [
            Some(c.benchmark_kind.to_owned()),
            c.benchmark_area.map(|b| b.to_string()),
            bench_name,
        ],
    ))
}

/// What a report is asked.
pub(crate) struct ReportAsk {
    pub(crate) gemeente: omzien::GemeenteCode,
    pub(crate) level: Level,
    pub(crate) lang: omzien_render::Lang,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) ages: Vec<AgeGroup>,
    pub(crate) since: Option<Wave>,
}

/// A gemeente's report as PDF bytes, as `omzien report` makes it: the maps from the boundaries
/// of its level, the counts of people from the population layers beside them.
pub(crate) fn report(
    ds: &Dataset,
    boundaries: &[Boundaries],
    boundary_paths: &[PathBuf],
    a: ReportAsk,
) -> Result<Vec<u8>, Failure> {
    let mut q = omzien::ReportQuery::new(ds, a.gemeente).with_level(a.level);
    if !a.indicators.is_empty() {
        q = q.with_indicators(a.indicators);
    }
    if !a.ages.is_empty() {
        q = q.with_ages(a.ages);
    }
    if let Some(w) = a.since {
        q = q.with_since(w);
    }
    // Counts of people are an addition: a population layer that does not read leaves them out.
    q = q.with_populations(ds.report_populations(boundary_paths).unwrap_or_default());
    let report = q.run(ds).map_err(fail(Kind::Query))?;
    let bounds = boundaries.iter().find(|b| b.level() == a.level);
    omzien_render::report_pdf(ds, &report, bounds, a.lang, &omzien_render::report_date())
        .map_err(fail(Kind::Render))
}

/// The file written whole or not at all (through a hidden file beside it, renamed into
/// place), replacing one that exists as `omzien report` does.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    omzien::WholeFile::write(path, bytes).map_err(fail(Kind::Load))
}

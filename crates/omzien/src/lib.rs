//! # omzien
//!
//! Loneliness figures of the Dutch GGD Gezondheidsmonitor per buurt, wijk and gemeente:
//! typed loading of RIVM StatLine table 50090NED (and tables of its kind), queries,
//! population-weighted roll-ups, trends between waves and risk areas.
//!
//! ```no_run
//! use omzien::{AgeGroup, Indicator, Loader, Wave};
//! let ds = Loader::new().load(["../shared/data/rivm-50090NED"])?;
//! let amsterdam = "GM0363".parse()?;
//! let f = ds.figure(amsterdam, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)?;
//! assert_eq!(f.value(), Some(53.2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Without the national files, [`demo::dataset`] gives a small synthetic dataset.

mod aggregate;
mod area;
mod charts;
pub mod classify;
mod compare;
mod council;
mod counts;
mod dataset;
mod date;
pub mod demo;
mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
mod figure;
mod indicator;
mod interval;
mod layer;
mod load;
#[cfg(feature = "microdata")]
pub mod microdata;
mod probability;
mod profile;
mod provenance;
mod rank;
mod report;
mod risk;
mod selection;
mod series;
mod similar;
mod staged;
mod table;
mod trend;
mod wave;
mod weights;

pub use aggregate::{
    Deviation, GroupKey, Rollup, RollupError, RollupQuery, RollupRow, RollupTarget, Summary,
    Weighting, quantile,
};
pub use area::{
    AreaCode, BuurtCode, CodeError, CountryCode, GemeenteCode, Level, LevelError, WijkCode,
    fold_name,
};
pub use charts::{
    Funnel, FunnelLimit, FunnelPoint, FunnelQuery, Spine, SpineRow, Spread, funnel_limit,
};
pub use compare::{
    AreaComparison, AreaGroup, Benchmark, BenchmarkChoice, BenchmarkRow, CompareError,
    CompareQuery, GroupInfo, Reading, Rule, Verdict, compare,
};
pub use council::{CouncilSummary, Fact, NamedArea, Statement, SummaryCaveat, SummaryQuery};
pub use counts::PeopleCount;
pub use dataset::{Area, Cell, Dataset, QueryError, SearchHit};
pub use date::civil_date;
#[cfg(feature = "fetch")]
pub(crate) use date::utc_timestamp;
pub use error::{Error, Result};
pub use figure::{Figure, Margin, Status};
pub use indicator::{Indicator, IndicatorInfo, MAX_EXTRA_KEY, Polarity, Unit};
pub use interval::{Confidence, Z95, Z998, interval_at, wilson};
pub use layer::{EntryKind, Layer, LayerError, LayerKind, LayerSpec, Legend, LegendEntry, Style};
pub use load::{
    BOUNDARIES_FOLDER, Boundaries, BoundaryError, BoundarySet, Candidates, Conflict, Crs,
    JoinReport, LoadError, Loader, Location, METADATA_FILE, Shape, Skipped, boundary_paths,
};
pub use probability::{
    DEFAULT_DRAWS, DEFAULT_SEED, FDR_Q, LogitNormal, benjamini_hochberg, change_p_value,
    rise_probabilities, top_probabilities,
};
pub use profile::{
    AreaProfile, ProfileArea, ProfileFigure, ProfileQuery, ProfileTrend, SelectedFigure,
};
pub use provenance::Provenance;
pub use rank::{Rank, Ranks};
pub use report::{
    Comparison, GemeenteReport, ReportArea, ReportError, ReportQuery, RiskProfile, SeriesPoint,
};
pub use risk::{
    RiseReference, RiskArea, RiskBy, RiskCriterion, RiskError, RiskList, RiskMode, RiskQuery,
};
pub use selection::{ParamError, Selection, parse_bbox};
pub use series::{CHI2_95, CHI2_998, WaveTrend, weighted_line};
pub use similar::{Neighbour, SIMILAR_GEMEENTEN, SimilarError, SimilarGemeenten};
pub use staged::{FolderError, StagedDir, WholeFile, write_file_whole};
pub use table::Table;
pub use trend::{Caveat, Direction, Trend, TrendError, TrendQuery, change};
pub use wave::{AgeGroup, AgeGroupError, Wave, WaveError};
pub use weights::{
    ADULTS_APPROXIMATION, Groups, HOUSEHOLD_PROPERTIES, POPULATION_PROPERTIES,
    PopulationProperties, Populations, URBANITY_PROPERTIES, Weights, WeightsError,
};

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

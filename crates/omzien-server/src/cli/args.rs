//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Loneliness figures of the GGD Gezondheidsmonitor per buurt, wijk and gemeente.
///
/// Reads RIVM StatLine table 50090NED (OData CSV export, StatLine web download or OData JSON).
/// Without --data every command runs on a small built-in SYNTHETIC demo dataset.
#[derive(Debug, Parser)]
#[command(name = "omzien", version, about, long_about = None, after_help = "Examples:\n  omzien summary --data ../shared/data/rivm-50090NED\n  omzien area Amsterdam --data ../shared/data/rivm-50090NED\n  omzien trend --from 2012 --to 2020 --gemeente GM0363 --level wijk --data ../shared/data/rivm-50090NED\n  omzien risk --gemeente Rotterdam --mode both --since 2016 --data ../shared/data/rivm-50090NED")]
pub struct Args {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Figure files or folders (repeatable). Without it: the built-in synthetic demo.
    #[arg(long, short = 'd', global = true, value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Output: a table for people, csv or json for tools.
    #[arg(long, short = 'f', global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// Comma-separated, one header row.
    Csv,
    /// One JSON document.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// What the data holds: waves, age groups, levels, counts and national figures per wave.
    ///
    /// Example: omzien summary --data ../shared/data/rivm-50090NED --indicator Eenzaam_28 --threshold 50
    Summary {
        /// Shared options.
        #[command(flatten)]
        common: Common,
        /// Indicator whose distribution per level is summarised (OData key or label).
        #[arg(long, short = 'i', default_value = "Eenzaam_28")]
        indicator: String,
        /// Also report the share of areas above this value.
        #[arg(long)]
        threshold: Option<f64>,
    },
    /// All figures of one area (by code or name) in every wave and age group, with its parent and the national reference.
    ///
    /// Example: omzien area GM0363 --data ../shared/data/rivm-50090NED
    Area {
        /// Area code (GM0363, WK036300, BU03630001) or a name ("Den Haag").
        query: String,
        /// Shared options.
        #[command(flatten)]
        common: Common,
        /// Only these indicators (repeatable); default all.
        #[arg(long, short = 'i')]
        indicator: Vec<String>,
    },
    /// Change between two waves per area, with direction and caveats.
    ///
    /// Example: omzien trend --from 2016 --to 2020 --gemeente Amsterdam --level wijk --data ../shared/data/rivm-50090NED
    Trend {
        /// Shared options.
        #[command(flatten)]
        common: Common,
        /// First wave (year).
        #[arg(long)]
        from: String,
        /// Second wave (year).
        #[arg(long)]
        to: String,
        /// Indicator (OData key or label).
        #[arg(long, short = 'i', default_value = "Eenzaam_28")]
        indicator: String,
        /// Only areas within this gemeente (code or name).
        #[arg(long, short = 'g')]
        gemeente: Option<String>,
        /// Level of the areas listed.
        #[arg(long, short = 'l', default_value = "gemeente")]
        level: String,
        /// Age group: 18+, 65+, 18-64, or a CBS code.
        #[arg(long, short = 'a', default_value = "18+")]
        age: String,
        /// Changes within ± this many percentage points are stable.
        #[arg(long, default_value_t = 2.0)]
        band: f64,
    },
    /// Risk areas: the highest, the fastest rising, or both, with gemeente and national figures beside each.
    ///
    /// Example: omzien risk --gemeente GM0363 --level buurt --mode both --since 2016 --top 0.1 --min-rise 3 --data ../shared/data/rivm-50090NED
    Risk {
        /// Shared options.
        #[command(flatten)]
        common: Common,
        /// Indicator (OData key or label).
        #[arg(long, short = 'i', default_value = "Eenzaam_28")]
        indicator: String,
        /// Only areas within this gemeente (code or name); default the whole country.
        #[arg(long, short = 'g')]
        gemeente: Option<String>,
        /// Level of the areas ranked.
        #[arg(long, short = 'l', default_value = "buurt")]
        level: String,
        /// Age group.
        #[arg(long, short = 'a', default_value = "18+")]
        age: String,
        /// Wave ranked (default: the latest).
        #[arg(long)]
        wave: Option<String>,
        /// Earlier wave for rises (default: the one before --wave).
        #[arg(long)]
        since: Option<String>,
        /// high: top share by level; rising: risen more than --min-rise; both.
        #[arg(long, value_enum, default_value_t = RiskMode::Both)]
        mode: RiskMode,
        /// Top share (0–1) that counts as high.
        #[arg(long, default_value_t = 0.1)]
        top: f64,
        /// Minimum rise in percentage points.
        #[arg(long, default_value_t = 3.0)]
        min_rise: f64,
        /// At most this many rows.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Weighted roll-up of an indicator to parents or to your own groups.
    ///
    /// Example: omzien rollup --from wijk --to gemeente --weights pop.csv --data ../shared/data/rivm-50090NED
    Rollup {
        /// Shared options.
        #[command(flatten)]
        common: Common,
        /// Level of the areas rolled up.
        #[arg(long, default_value = "buurt")]
        from: String,
        /// Parent level (gemeente, wijk, land); ignored with --groups.
        #[arg(long, default_value = "gemeente")]
        to: String,
        /// CSV of area code → group name, instead of parents.
        #[arg(long)]
        groups: Option<PathBuf>,
        /// CSV of area code → weight (population).
        #[arg(long, conflicts_with = "unweighted")]
        weights: Option<PathBuf>,
        /// Weigh every area the same (must be asked for explicitly).
        #[arg(long)]
        unweighted: bool,
        /// Indicator.
        #[arg(long, short = 'i', default_value = "Eenzaam_28")]
        indicator: String,
        /// Wave (default: the latest).
        #[arg(long)]
        wave: Option<String>,
        /// Age group.
        #[arg(long, short = 'a', default_value = "18+")]
        age: String,
    },
    /// Serve the map tiles, legends and the JSON API over HTTP.
    ///
    /// Without --data and --boundaries it serves the built-in SYNTHETIC demo with its generated
    /// polygons. Example: omzien serve --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020
    Serve {
        /// Shared options.
        #[command(flatten)]
        common: Common,
        /// GeoJSON boundary files or folders (repeatable). In a folder, per level the file whose
        /// codes match the figures best is used.
        #[arg(long, short = 'b', value_name = "PATH")]
        boundaries: Vec<PathBuf>,
        /// Address to listen on [default: 127.0.0.1:8080; env: OMZIEN_ADDR].
        #[arg(long)]
        addr: Option<std::net::SocketAddr>,
        /// Tile cache size in megabytes [default: 256; env: OMZIEN_CACHE_MB].
        #[arg(long)]
        cache_mb: Option<u64>,
        /// A TOML file with any of data, boundaries, addr, cache_mb [env: OMZIEN_CONFIG].
        /// The environment overrides the file, and flags override both.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Score respondent microdata (De Jong-Gierveld, 11 items) and aggregate it to weighted
    /// prevalence per buurt, wijk, gemeente (and --groups), per wave and age group, with 95%
    /// Wilson intervals and small-cell suppression.
    ///
    /// Writes to --out: 50090NED_microdata.csv (the OData CSV shape --data reads, bounds as
    /// MOG0095/MBG0095), estimates.csv (every cell with n, effective n and the reason for
    /// suppression) and summary.json (respondents used, excluded and why). With --data, only the
    /// areas of those published figures are known.
    ///
    /// Example: omzien microdata --input respondents.parquet --mapping ggd.toml --out out/
    Microdata {
        /// Shared options (--data: published figures whose areas are the known ones).
        #[command(flatten)]
        common: Common,
        /// Respondent file, CSV or Parquet.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// TOML mapping of column names, answer and wave codes (default: id, wave, area, age,
        /// sex, weight, dj1…dj11; answers 1 nee, 2 min of meer, 3 ja, 9 missing).
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// Output folder (created).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Nothing is published below this many scored respondents.
        #[arg(long, default_value_t = 50)]
        min_respondents: u32,
        /// Unanswered items allowed per measure (counted as not lonely).
        #[arg(long, default_value_t = 0)]
        max_missing: u8,
        /// Emotionally lonely from this many of the 6 emotional items.
        #[arg(long, default_value_t = 3)]
        emotional_from: u8,
        /// Socially lonely from this many of the 5 social items.
        #[arg(long, default_value_t = 3)]
        social_from: u8,
        /// CSV of code,group: prevalence per user-defined group too.
        #[arg(long, value_name = "FILE")]
        groups: Option<PathBuf>,
    },
    /// How far population-weighted roll-ups lie from the published figures: gemeenten → NL with
    /// CBS 2020 populations, wijken → gemeente with the approximate 2022 wijk populations.
    ///
    /// Example: omzien check --boundaries ../shared/data/cbs-2020 --data ../shared/data/rivm-50090NED
    Check {
        /// Shared options.
        #[command(flatten)]
        common: Common,
        /// Folder with gemeenten_2020.geojson and wijken_2022_population.geojson.
        #[arg(long)]
        boundaries: PathBuf,
        /// Indicator for the gemeente list (the national report covers all).
        #[arg(long, short = 'i', default_value = "Eenzaam_28")]
        indicator: String,
        /// Gemeenten listed, largest deviation first.
        #[arg(long, default_value_t = 15)]
        top: usize,
    },
}

/// Risk criteria on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RiskMode {
    /// Among the highest --top share.
    High,
    /// Risen more than --min-rise.
    Rising,
    /// Both.
    Both,
}

impl Command {
    /// The shared options of this command.
    #[must_use]
    pub fn common(&self) -> &Common {
        match self {
            Self::Summary { common, .. }
            | Self::Area { common, .. }
            | Self::Trend { common, .. }
            | Self::Risk { common, .. }
            | Self::Rollup { common, .. }
            | Self::Serve { common, .. }
            | Self::Microdata { common, .. }
            | Self::Check { common, .. } => common,
        }
    }
}

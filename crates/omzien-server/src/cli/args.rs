//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use omzien::Level;

pub use crate::params::{CompareAsk, Measure, RiskAsk, TrendAsk, WaveParam};

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
    /// The area classification year of the figure files, for files whose name carries no table
    /// id (50090NED: 2020, 50120NED: 2022, 50150NED: 2024).
    #[arg(long, global = true, value_name = "YEAR")]
    pub classification: Option<u16>,
}

/// Where the names of wijken and buurten come from, for the commands that list or find them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NameArgs {
    /// GeoJSON boundary files or folders (repeatable) whose wijk and buurt names (WK_NAAM,
    /// BU_NAAM) name the areas, so they can be found and are listed by name. Default: the
    /// boundaries/ folder beside each --data folder (as omzien fetch writes it), if any.
    #[arg(long, short = 'b', value_name = "PATH")]
    pub boundaries: Vec<PathBuf>,
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
    /// Markdown (`omzien brief`).
    Md,
    /// A whole HTML page (`omzien brief`).
    Html,
    /// Plain text (`omzien brief`).
    Txt,
    /// A Word document (`omzien brief`, with --out).
    Docx,
}

impl Format {
    /// Whether this is one of the text formats of `omzien brief`.
    #[must_use]
    pub fn is_text(self) -> bool {
        matches!(self, Self::Md | Self::Html | Self::Txt | Self::Docx)
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// What the data holds: waves, age groups, levels, counts and national figures per wave.
    ///
    /// Example: omzien summary --data ../shared/data/rivm-50090NED --indicator Eenzaam_28 --threshold 50
    Summary(SummaryArgs),
    /// The indicators the data holds: key, Dutch and English label, unit and the waves with
    /// figures (what --indicator takes: the key or either label).
    ///
    /// Example: omzien indicators --data ../shared/data/rivm-50090NED
    Indicators(IndicatorsArgs),
    /// All figures of one area (by code or name) in every wave and age group, with its parent, gemeente and the national reference, its trends and its ranks.
    ///
    /// Example: omzien area GM0363 --data ../shared/data/rivm-50090NED
    Area(AreaArgs),
    /// An area against a benchmark in every indicator, as Fingertips compares: higher or lower
    /// when the benchmark lies outside the area's 95 % and 99.8 % interval, else similar;
    /// read worse/better where a direction is good. Figures without intervals are compared
    /// by a band of percentage points, and say so.
    ///
    /// Example: omzien compare Amsterdam --with similar --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020
    Compare(CompareArgs),
    /// A spine chart (SVG or PNG, by --out's extension): every indicator of an area against
    /// the spread over all areas of its level (lowest, quartiles, highest) and the benchmark,
    /// the dot coloured by the verdict at 95 % (ringed at 99.8 %), as Fingertips draws them.
    ///
    /// Example: omzien spine Amsterdam --with similar --out spine.svg --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020
    Spine(SpineArgs),
    /// A funnel plot (SVG or PNG): a gemeente's wijken or buurten (or all gemeenten) by
    /// precision against the benchmark with its 95 % and 99.8 % control limits, naming the
    /// areas outside them. Needs figures with 95 % intervals (precision comes from them).
    ///
    /// Example: omzien funnel Delft --level wijk --out funnel.svg --data data/50150NED
    Funnel(FunnelArgs),
    /// Change between two waves per area, with direction and caveats.
    ///
    /// Example: omzien trend --from 2016 --to 2020 --gemeente Amsterdam --level wijk --data ../shared/data/rivm-50090NED
    Trend(TrendArgs),
    /// Risk areas: the highest, the fastest rising, or both, with gemeente and national figures beside each.
    ///
    /// Example: omzien risk --gemeente GM0363 --level buurt --mode both --since 2016 --top 0.1 --min-rise 3 --data ../shared/data/rivm-50090NED
    Risk(RiskArgs),
    /// Weighted roll-up of an indicator to parents or to your own groups.
    ///
    /// Example: omzien rollup --from wijk --to gemeente --weights pop.csv --data ../shared/data/rivm-50090NED
    Rollup(RollupArgs),
    /// Download a table of the series (figures, area names, boundaries) into a folder the other
    /// commands read: OUT/TABLE/TABLE_figures.csv, metadata.json and boundaries/.
    ///
    /// Take 50150NED (waves 2012-2024 on the 2024 map) unless you need another map. Figures
    /// come from CBS's OData feed of third-party tables (dataderden.cbs.nl), boundaries from
    /// PDOK's CBS Wijken en Buurten of the table's year (its OGC API from 2023, its WFS before). An interrupted download is
    /// taken up by the same command. Example: omzien fetch 50150NED --out data/
    #[cfg(feature = "fetch")]
    Fetch(FetchArgs),
    /// Serve the map tiles, legends and the JSON API over HTTP.
    ///
    /// Without --data and --boundaries it serves the built-in SYNTHETIC demo with its generated
    /// polygons. Example: omzien serve --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020
    Serve(ServeArgs),
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
    #[cfg(feature = "microdata")]
    Microdata(MicrodataArgs),
    /// How far population-weighted roll-ups lie from the published figures: gemeenten → NL and
    /// wijken → gemeente, weighted by the populations the boundary files carry.
    ///
    /// Example: omzien check --boundaries ../shared/data/cbs-2020 --data ../shared/data/rivm-50090NED
    Check(CheckArgs),
    /// A gemeente's report as a printable PDF (A4): the gemeente beside the Netherlands in
    /// every wave and age group, maps of its wijken (or buurten), the wijken ranked with their
    /// changes and risk marks, a risk profile and method notes. Dutch by default.
    ///
    /// Example: omzien report Amsterdam --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020 --out amsterdam.pdf
    Report(ReportArgs),
    /// The words of a council letter on a gemeente's loneliness, written from the figures
    /// sentence by sentence (level beside the Netherlands, changes, 65+, the wijken that are
    /// high or rising, the highest and lowest, related factors, what to keep in mind), each
    /// verdict's rule in a note. --format txt (default), md, html, json (the statements and
    /// the sentences) or docx (with --out).
    ///
    /// Example: omzien brief Amsterdam --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020
    Brief(BriefArgs),
    /// Maps that leave the server: tile archives (PMTiles, MBTiles) any web host or GIS reads.
    ///
    /// Example: omzien export tiles --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020 --out nl.pmtiles --wave 2020 --age 18+ --scale 1
    #[command(subcommand)]
    Export(ExportCommand),
}

/// `omzien export …`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A raster tile pyramid per layer: the level drawn by zoom as the web map does, over a
    /// box, at 1x and @2x, identical tiles stored once, with TileJSON metadata and legends.
    ///
    /// --out names one archive (.pmtiles or .mbtiles) when the selection is one layer at one
    /// scale, else a folder that gets one archive per layer and scale
    /// (Eenzaam_28_18plus_2020.pmtiles, Eenzaam_28_18plus_2012-2020@2x.pmtiles, …).
    Tiles(TilesArgs),
    /// A static map site: index.html with MapLibre GL JS and the pmtiles protocol (embedded, no
    /// CDN), one vector archive per age group, the legends and a click card with every wave's
    /// figure. Any static web host serves the folder; no omzien process, no internet.
    ///
    /// Example: omzien export site --data ../shared/data/rivm-50090NED --boundaries ../shared/data/cbs-2020 --out site/
    Site(SiteArgs),
}

/// What both export commands draw: figures, boundaries, indicator, age groups, zooms, box.
#[derive(Debug, Clone, clap::Args)]
pub struct DrawArgs {
    /// Figure files or folders (repeatable). Without it: the built-in synthetic demo (said so
    /// in every output).
    #[arg(long, short = 'd', value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// The area classification year of the figure files, for files whose name carries no table id.
    #[arg(long, value_name = "YEAR")]
    pub classification: Option<u16>,
    /// GeoJSON boundary files or folders (repeatable); per level the best match.
    #[arg(long, short = 'b', value_name = "PATH")]
    pub boundaries: Vec<PathBuf>,
    /// Indicator (OData key or label).
    #[arg(long, short = 'i', default_value = "Eenzaam_28")]
    pub indicator: String,
    /// Age groups (repeatable). Default: 18+ and 65+.
    #[arg(long, short = 'a')]
    pub age: Vec<String>,
    /// Zooms per level, e.g. gemeente=5-9,wijk=10-12,buurt=13-15 (a level left out is not
    /// drawn; past the last zoom a map enlarges the last tiles).
    #[arg(long, default_value = "gemeente=5-9,wijk=10-12,buurt=13-15")]
    pub zooms: String,
    /// West,south,east,north in degrees. Default: the data's extent.
    #[arg(long, allow_hyphen_values = true)]
    pub bbox: Option<String>,
}

/// `omzien export site`.
#[derive(Debug, Clone, clap::Args)]
pub struct SiteArgs {
    /// What is drawn.
    #[command(flatten)]
    pub draw: DrawArgs,
    /// The site's folder (must not exist unless --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the folder if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `omzien export tiles`.
#[derive(Debug, Clone, clap::Args)]
pub struct TilesArgs {
    /// What is drawn. (`--format` here is the kind of tile, so this command has no
    /// table/csv/json output.)
    #[command(flatten)]
    pub draw: DrawArgs,
    /// One archive (.pmtiles or .mbtiles) or a folder for one archive per layer and scale.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Archive kind in a folder: pmtiles or mbtiles.
    #[arg(long, default_value = "pmtiles")]
    pub archive: String,
    /// Tiles: png (raster, one archive per layer and scale) or mvt (vector tiles, one PMTiles
    /// archive per age group, every wave and change in the features' attributes).
    #[arg(long, default_value = "png")]
    pub format: String,
    /// Waves drawn as levels (repeatable). With neither --wave nor --change: every wave, the
    /// change between consecutive waves and first → last.
    #[arg(long)]
    pub wave: Vec<String>,
    /// Changes drawn, FROM-TO (repeatable), e.g. 2012-2020.
    #[arg(long)]
    pub change: Vec<String>,
    /// Tile scales (repeatable): 1 (256 px) and 2 (512 px, @2x). Default: both.
    #[arg(long)]
    pub scale: Vec<u32>,
    /// Replace archives that exist.
    #[arg(long)]
    pub force: bool,
}

/// `omzien summary`.
#[derive(Debug, Clone, clap::Args)]
pub struct SummaryArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Indicator whose distribution per level is summarised (OData key or label; default the
    /// lonely indicator).
    #[arg(long, short = 'i')]
    pub indicator: Option<String>,
    /// Also report the share of areas above this value.
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Population layers (CBS's key figures from `omzien fetch kerncijfers`, or boundary
    /// files with populations; files or folders, repeatable): the national figure is also
    /// given as a number of people. Default: the boundaries/ folder beside the figures.
    #[arg(long, value_name = "PATH")]
    pub population: Vec<PathBuf>,
}

/// `omzien indicators`.
#[derive(Debug, Clone, clap::Args)]
pub struct IndicatorsArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
}

/// `omzien area`.
#[derive(Debug, Clone, clap::Args)]
pub struct AreaArgs {
    /// Area code (GM0363, WK036300, BU03630001) or a name ("Den Haag", a wijk's or buurt's
    /// name where the data names them).
    #[arg(value_name = "AREA")]
    pub query: String,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Names of wijken and buurten.
    #[command(flatten)]
    pub names: NameArgs,
    /// Only these indicators (repeatable); default all. With one, it is also the one ranked.
    #[arg(long, short = 'i')]
    pub indicator: Vec<String>,
    /// Indicator the area is ranked on (default: the one --indicator, else the lonely
    /// indicator).
    #[arg(long)]
    pub rank_indicator: Option<String>,
    /// Only this age group (18+, 65+, 18-64, 65plus or a CBS code), also the one ranked
    /// (default: every age group, ranked on 18+).
    #[arg(long, short = 'a')]
    pub age: Option<String>,
    /// Only this wave (a year or latest) and the trends that end in it, also the one ranked
    /// (default: every wave, ranked on the latest).
    #[arg(long)]
    pub wave: Option<String>,
    /// The wave ranked when --wave does not narrow the figures (default the latest).
    #[arg(long, conflicts_with = "wave")]
    pub rank_wave: Option<String>,
}

/// `omzien compare`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompareArgs {
    /// Area code (GM0363, WK036300, BU03630001) or a name.
    #[arg(value_name = "AREA")]
    pub query: String,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Names of wijken and buurten, and the gemeente layer with populations that --with
    /// similar reads.
    #[command(flatten)]
    pub names: NameArgs,
    /// What is asked.
    #[command(flatten)]
    pub ask: CompareAsk,
    /// CSV of area code → group name, for --with group (the area's group) or group:NAME.
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,
    /// CSV of area code → weight (population) to roll a --with group benchmark up with;
    /// without it the group's figure is the plain mean of its areas (said so).
    #[arg(long, value_name = "FILE", requires = "groups")]
    pub weights: Option<PathBuf>,
}

/// `omzien spine`.
#[derive(Debug, Clone, clap::Args)]
pub struct SpineArgs {
    /// The comparison drawn: what `omzien compare` takes.
    #[command(flatten)]
    pub compare: CompareArgs,
    /// The picture written: .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
}

/// `omzien funnel`.
#[derive(Debug, Clone, clap::Args)]
pub struct FunnelArgs {
    /// The gemeente whose wijken or buurten are plotted; without it, every area of --level.
    #[arg(value_name = "GEMEENTE")]
    pub gemeente: Option<String>,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Names of wijken and buurten.
    #[command(flatten)]
    pub names: NameArgs,
    /// What is plotted.
    #[command(flatten)]
    pub ask: crate::params::FunnelAsk,
    /// The picture written: .svg or .png.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
}

/// `omzien trend`.
#[derive(Debug, Clone, clap::Args)]
pub struct TrendArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Names of wijken and buurten.
    #[command(flatten)]
    pub names: NameArgs,
    /// What is asked.
    #[command(flatten)]
    pub ask: TrendAsk,
}

/// `omzien risk`.
#[derive(Debug, Clone, clap::Args)]
pub struct RiskArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Names of wijken and buurten.
    #[command(flatten)]
    pub names: NameArgs,
    /// What is asked.
    #[command(flatten)]
    pub ask: RiskAsk,
}

/// `omzien rollup`.
#[derive(Debug, Clone, clap::Args)]
pub struct RollupArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Names of wijken and buurten.
    #[command(flatten)]
    pub names: NameArgs,
    /// Level of the areas rolled up.
    #[arg(long, default_value_t = Level::Buurt)]
    pub from: Level,
    /// Parent level (gemeente, wijk, land); ignored with --groups.
    #[arg(long, default_value_t = Level::Gemeente)]
    pub to: Level,
    /// CSV of area code → group name, instead of parents.
    #[arg(long)]
    pub groups: Option<PathBuf>,
    /// CSV of area code → weight (population).
    #[arg(long, conflicts_with = "unweighted")]
    pub weights: Option<PathBuf>,
    /// Weigh every area the same (must be asked for explicitly).
    #[arg(long)]
    pub unweighted: bool,
    /// The least share (0–1) of a group's areas whose figure and weight are used for the
    /// group's figure to be given; below it the figure is withheld and the row says why.
    #[arg(long, default_value_t = omzien::RollupQuery::DEFAULT_MIN_COVERAGE)]
    pub min_coverage: f64,
    /// Indicator and age group.
    #[command(flatten)]
    pub measure: Measure,
    /// The wave.
    #[command(flatten)]
    pub wave: WaveParam,
}

/// `omzien serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// GeoJSON boundary files or folders (repeatable). In a folder, per level the file whose
    /// codes match the figures best is used. Default: the boundaries/ folder inside each --data
    /// folder (as omzien fetch writes it).
    #[arg(long, short = 'b', value_name = "PATH")]
    pub boundaries: Vec<PathBuf>,
    /// Address to listen on, e.g. 0.0.0.0:8080 or localhost:9000 [default: 127.0.0.1:8080;
    /// env: OMZIEN_ADDR].
    #[arg(long, value_parser = crate::config::parse_addr)]
    pub addr: Option<std::net::SocketAddr>,
    /// Tile cache size in megabytes [default: 256; env: OMZIEN_CACHE_MB].
    #[arg(long)]
    pub cache_mb: Option<u64>,
    /// Which other sites' pages may draw the tiles and read the API: * (any, the default),
    /// off, or origins separated by commas (https://www.gemeente.nl) [env: OMZIEN_CORS].
    #[arg(long, value_name = "ORIGINS")]
    pub cors: Option<crate::cors::Cors>,
    /// Megabytes a second that large answers (the national CSV) together may send while tiles
    /// and small answers are asked for; 0: no limit [default: 256; env: OMZIEN_BULK_MB_PER_S].
    #[arg(long, value_name = "MB")]
    pub bulk_mb_per_s: Option<u64>,
    /// A TOML file with any of data, boundaries, addr, cache_mb, cors, bulk_mb_per_s
    /// [env: OMZIEN_CONFIG].
    /// The environment overrides the file, and flags override both.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `omzien fetch`.
#[cfg(feature = "fetch")]
#[derive(Debug, Clone, clap::Args)]
pub struct FetchArgs {
    /// The table: 50090NED (2012-2020, 2020 map), 50120NED (2012-2022, 2022 map) or 50150NED
    /// (2012-2024, 2024 map); or `kerncijfers` with --year: CBS's key figures per area
    /// (inhabitants by age band, households, urbanity) as OUT/kerncijfers_YEAR.csv, the
    /// population that --weights, check, compare --with similar and the report read.
    #[arg(value_name = "TABLE")]
    pub table: String,
    /// With `kerncijfers`: the classification year (2020 to 2024).
    #[arg(long)]
    pub year: Option<u16>,
    /// With a table: also its classification year's key figures, as
    /// OUT/TABLE/boundaries/kerncijfers_YEAR.csv (read wherever the boundaries are).
    #[arg(long)]
    pub population: bool,
    /// The folder the table's folder goes in (OUT/TABLE).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only these age groups (18+, 18-64, 65+, 18plus, 65plus, a StatLine label or a CBS code;
    /// repeat or separate by commas). Default: all.
    #[arg(long, value_name = "AGE", value_delimiter = ',')]
    pub age: Vec<String>,
    /// Only this level (gemeente, wijk or buurt), with the national figures.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<omzien::Level>,
    /// Only this gemeente (code or name, e.g. GM0363 or Amsterdam, looked up among the
    /// table's own area names) and its wijken and buurten, with the national figures (and the
    /// gemeente's own with --level wijk or buurt).
    #[arg(long, value_name = "GEMEENTE")]
    pub gemeente: Option<String>,
    /// Figures and names only.
    #[arg(long)]
    pub no_boundaries: bool,
    /// Replace OUT/TABLE if it exists.
    #[arg(long)]
    pub force: bool,
    /// Take the rows downloaded when they differ from the count the table declares
    /// (TableInfos' RecordCount); metadata.json records both.
    #[arg(long)]
    pub accept_count: bool,
    /// Print every URL the command would request and every file it would write, without a
    /// request.
    #[arg(long)]
    pub dry_run: bool,
    /// The OData feed of third-party tables.
    #[arg(long, value_name = "URL", default_value = omzien::fetch::CBS_ODATA_FEED)]
    pub odata_url: String,
    /// The OData feed of CBS's own tables, where the key figures are.
    #[arg(long, value_name = "URL", default_value = omzien::fetch::CBS_OWN_FEED)]
    pub key_figures_url: String,
    /// The boundary service, an OGC API Features or a WFS (a URL with /wfs). Default: PDOK's CBS
    /// Wijken en Buurten of the table's classification year, its OGC API from 2023
    /// (https://api.pdok.nl/cbs/wijken-en-buurten-YEAR/ogc/v1), its WFS before
    /// (https://service.pdok.nl/cbs/wijkenbuurten/YEAR/wfs/v1_0).
    #[arg(long, value_name = "URL")]
    pub boundaries_url: Option<String>,
    /// A mirror of PDOK that serves its paths under one root (a proxy or an organisation's
    /// copy): the table's default boundary service is asked there.
    #[arg(long, value_name = "URL", conflicts_with = "boundaries_url")]
    pub pdok_mirror: Option<String>,
    /// Tries per request before giving up (429 and 5xx answers, dropped connections and
    /// truncated pages are tried again).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub tries: u32,
    /// Seconds to wait after the first failed try (doubled after each next one, or the
    /// server's Retry-After).
    #[arg(long, default_value_t = 1.0)]
    pub wait: f64,
}

/// `omzien microdata`.
#[cfg(feature = "microdata")]
#[derive(Debug, Clone, clap::Args)]
pub struct MicrodataArgs {
    /// Shared options (--data: published figures whose areas are the known ones).
    #[command(flatten)]
    pub common: Common,
    /// Respondent file, CSV or Parquet.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// TOML mapping of column names, answer and wave codes (default: id, wave, area, age,
    /// sex, weight, dj1…dj11; answers 1 nee, 2 min of meer, 3 ja, 9 missing).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Output folder (created).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Nothing is published below this many scored respondents.
    #[arg(long, default_value_t = 50)]
    pub min_respondents: u32,
    /// Nothing is published below this effective sample size (Kish's n_eff: unequal weights
    /// count for fewer respondents; NCHS standards for proportions).
    #[arg(long, default_value_t = 30.0)]
    pub min_effective_n: f64,
    /// Nothing is published whose 95% interval is wider than this many percentage points
    /// (NCHS standards for proportions).
    #[arg(long, default_value_t = 30.0)]
    pub max_width: f64,
    /// Unanswered items allowed per measure (counted as not lonely).
    #[arg(long, default_value_t = 0)]
    pub max_missing: u8,
    /// Emotionally lonely from this many of the 6 emotional items.
    #[arg(long, default_value_t = 3)]
    pub emotional_from: u8,
    /// Socially lonely from this many of the 5 social items.
    #[arg(long, default_value_t = 3)]
    pub social_from: u8,
    /// CSV of code,group: prevalence per user-defined group too.
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,
    /// Replace the outputs of an earlier run in --out.
    #[arg(long)]
    pub force: bool,
}

/// `omzien report`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Gemeente code (GM0363) or name (Amsterdam); left out with --all.
    #[arg(value_name = "GEMEENTE", conflicts_with = "all")]
    pub query: Option<String>,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// GeoJSON boundary files or folders (repeatable) for the maps; per level the best match.
    /// Default: the boundaries/ folder beside each --data folder (as omzien fetch writes it);
    /// without any, the report has no maps and says so.
    #[arg(long, short = 'b', value_name = "PATH")]
    pub boundaries: Vec<PathBuf>,
    /// The PDF written (or a folder: GM0363_Amsterdam.pdf in it); with --all, the folder.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
    /// Indicators compared with the country (repeatable); the first is ranked and mapped.
    /// Default: the four loneliness indicators.
    #[arg(long, short = 'i')]
    pub indicator: Vec<String>,
    /// Age groups (repeatable); the first is ranked and mapped. Default: 18+ and 65+.
    #[arg(long, short = 'a')]
    pub age: Vec<String>,
    /// The areas ranked and mapped: wijk or buurt.
    #[arg(long, default_value = "wijk")]
    pub level: String,
    /// The wave changes are measured from (default the first).
    #[arg(long)]
    pub since: Option<String>,
    /// A report for every gemeente of the data, into the folder --out.
    #[arg(long)]
    pub all: bool,
}

/// `omzien brief`.
#[derive(Debug, Clone, clap::Args)]
pub struct BriefArgs {
    /// Gemeente code (GM0363) or name (Amsterdam).
    #[arg(value_name = "GEMEENTE")]
    pub query: String,
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Names of wijken and buurten.
    #[command(flatten)]
    pub names: NameArgs,
    /// Language: nl or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
    /// The indicator (default the lonely indicator).
    #[arg(long, short = 'i')]
    pub indicator: Option<String>,
    /// Age groups (repeatable): the first is the main one. Default: 18+ and 65+.
    #[arg(long, short = 'a')]
    pub age: Vec<String>,
    /// The areas counted and named: wijk or buurt.
    #[arg(long, default_value_t = Level::Wijk)]
    pub level: Level,
    /// The file written (to stdout without it; a DOCX needs it).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `omzien check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// GeoJSON boundary files or folders (repeatable) whose gemeenten and wijken carry
    /// populations (CBS wijk- en buurtkaart, PDOK's OGC API or WFS, or code/population
    /// columns); per level the file whose codes match the figures best weighs the roll-up, and
    /// the names name the areas. Default: the boundaries/ folder beside each --data folder.
    #[arg(long, short = 'b', value_name = "PATH")]
    pub boundaries: Vec<PathBuf>,
    /// Indicator for the gemeente list (the national report covers all; default the lonely
    /// indicator).
    #[arg(long, short = 'i')]
    pub indicator: Option<String>,
    /// Gemeenten listed, largest deviation first.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
}

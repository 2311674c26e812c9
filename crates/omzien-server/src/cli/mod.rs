//! The `omzien` commands: parse the arguments once, call the core, print the result. One
//! module per command; each only translates between the command line and the core.

mod area;
mod args;
mod brief;
mod charts;
mod check;
mod compare;
mod export;
#[cfg(feature = "fetch")]
mod fetch;
mod indicators;
#[cfg(feature = "microdata")]
mod microdata;
mod output;
mod report;
mod risk;
mod rollup;
mod serve;
mod summary;
mod trend;

use std::io::Write;

use omzien::{AreaCode, Dataset, Level, Loader};

pub use args::{Args, Command, Common, ExportCommand, Format, NameArgs};
pub use serve::{boundary_paths, load_boundaries};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// Loading the figures failed.
    #[error(transparent)]
    Load(#[from] omzien::LoadError),
    /// Reading weights, groups or populations failed.
    #[error(transparent)]
    Weights(#[from] omzien::WeightsError),
    /// A query the data cannot answer.
    #[error(transparent)]
    Query(#[from] omzien::QueryError),
    /// A trend that cannot be computed.
    #[error(transparent)]
    Trend(#[from] omzien::TrendError),
    /// A comparison that cannot be made.
    #[error(transparent)]
    Compare(#[from] omzien::CompareError),
    /// A risk query that cannot be answered.
    #[error(transparent)]
    Risk(#[from] omzien::RiskError),
    /// A roll-up that cannot be made.
    #[error(transparent)]
    Rollup(#[from] omzien::RollupError),
    /// A bad argument value: an option (`--gemeente: …`) or a positional argument written in
    /// capitals (`AREA: …`).
    #[error("{}: {message}", flag(option))]
    Arg {
        /// The option.
        option: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A boundary file could not be used.
    #[error(transparent)]
    Boundaries(#[from] omzien::BoundaryError),
    /// The server's settings cannot be used.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// Microdata that cannot be read or aggregated (boxed: it is large).
    #[cfg(feature = "microdata")]
    #[error(transparent)]
    Microdata(Box<omzien::microdata::MicrodataError>),
    /// A report that cannot be made.
    #[error(transparent)]
    Report(#[from] omzien::ReportError),
    /// A chart that cannot be encoded.
    #[error(transparent)]
    Chart(#[from] omzien_render::EncodeError),
    /// A report that cannot be drawn.
    #[error(transparent)]
    ReportPdf(#[from] omzien_render::ReportPdfError),
    /// A layer that cannot be classified.
    #[error(transparent)]
    Layer(#[from] omzien::LayerError),
    /// An export that cannot start or did not finish.
    #[error(transparent)]
    Export(#[from] omzien_render::ExportError),
    /// A site that cannot be written.
    #[error(transparent)]
    Site(#[from] omzien_render::SiteError),
    /// A download that failed (what it got is kept for the next run).
    #[cfg(feature = "fetch")]
    #[error(transparent)]
    Fetch(#[from] omzien::fetch::FetchError),
    /// The server cannot listen on its address (in use, or not allowed).
    #[error("cannot listen on {addr}: {source} (give another with --addr or OMZIEN_ADDR)")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written (named).
    #[error(transparent)]
    Folder(#[from] omzien::FolderError),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(feature = "microdata")]
impl From<omzien::microdata::MicrodataError> for CliError {
    fn from(e: omzien::microdata::MicrodataError) -> Self {
        Self::Microdata(Box::new(e))
    }
}

/// An option's value the data cannot use: `--wave: wave 2013 is not in the dataset …`.
impl From<omzien::ParamError> for CliError {
    fn from(e: omzien::ParamError) -> Self {
        Self::Arg {
            option: e.param,
            message: e.source.to_string(),
        }
    }
}

/// `--name` for an option, the name itself for a positional argument (`AREA`, `GEMEENTE`).
fn flag(option: &str) -> String {
    if option.chars().any(|c| c.is_ascii_lowercase()) {
        format!("--{}", option.replace('_', "-"))
    } else {
        option.to_owned()
    }
}

fn arg(option: &'static str, message: impl std::fmt::Display) -> CliError {
    CliError::Arg {
        option,
        message: message.to_string(),
    }
}

/// `--lang`: `nl` or `en`, else the option's error.
fn lang(text: &str) -> Result<omzien_render::Lang, CliError> {
    text.parse()
        .map_err(|e: omzien_render::LangError| arg("lang", e.to_string()))
}

/// Loads the dataset the options name: files and folders, or the demo.
///
/// # Errors
/// [`CliError::Load`] for unreadable or malformed files.
pub fn dataset(common: &Common) -> Result<Dataset, CliError> {
    if common.data.is_empty() {
        return Ok(omzien::demo::dataset());
    }
    let loader = match common.classification {
        Some(year) => Loader::new().with_classification(year),
        None => Loader::new(),
    };
    Ok(loader.load(&common.data)?)
}

/// The dataset the options name, its wijken and buurten named (`WK_NAAM`, `BU_NAAM`) from the
/// boundary files given, else from the `boundaries/` folder beside each data folder, if any.
///
/// # Errors
/// [`CliError::Load`] or [`CliError::Boundaries`] for files that cannot be used.
pub fn named_dataset(common: &Common, names: &args::NameArgs) -> Result<Dataset, CliError> {
    let mut ds = dataset(common)?;
    if common.data.is_empty() {
        if !names.boundaries.is_empty() {
            return Err(arg(
                "boundaries",
                "the built-in demo names its own areas: give the figures they belong to with --data",
            ));
        }
        return Ok(ds);
    }
    let paths = omzien::boundary_paths(&common.data, &names.boundaries);
    if paths.is_empty() {
        return Ok(ds);
    }
    // CBS's key figures name every wijk and buurt; boundary files, where there are any,
    // name them after.
    let key_names = omzien::Populations::key_figure_names(&paths)?;
    let named_by_key_figures = !key_names.is_empty();
    ds.set_names(
        key_names
            .into_iter()
            .filter(|(c, _)| matches!(c.level(), Level::Wijk | Level::Buurt)),
    );
    if !named_by_key_figures || has_geojson(&paths) {
        let b = load_boundaries(&ds, &paths)?;
        ds.name_from(&b);
    }
    Ok(ds)
}

/// Whether any of the files or folders is or holds a GeoJSON (or JSON) file.
fn has_geojson(paths: &[std::path::PathBuf]) -> bool {
    let is = |p: &std::path::Path| {
        p.extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("geojson") || x.eq_ignore_ascii_case("json"))
    };
    paths.iter().any(|p| {
        if p.is_dir() {
            std::fs::read_dir(p)
                .map(|d| d.filter_map(Result::ok).any(|e| is(&e.path())))
                .unwrap_or(false)
        } else {
            is(p)
        }
    })
}

/// The comparison `ask` makes of the area `query` names; similar gemeenten read the
/// population layers of the boundary files given (or beside the figures), only when asked.
///
/// # Errors
/// [`CliError`] naming the argument or option the data cannot use.
pub fn compare_query(
    ds: &Dataset,
    a: &args::CompareArgs,
) -> Result<omzien::CompareQuery, CliError> {
    let code = resolve(ds, "AREA", &a.query, None)?;
    // Read before the query so that a bad file is named as the file it is.
    let groups = a
        .groups
        .as_deref()
        .map(omzien::Groups::from_csv)
        .transpose()?;
    let age = ds.parse_age(a.ask.with.age.as_deref())?;
    let weights = a
        .weights
        .as_deref()
        .map(|p| omzien::Weights::read_for(p, age))
        .transpose()?
        .map(std::sync::Arc::new);
    Ok(a.ask.query(
        ds,
        code,
        |g| {
            let paths = omzien::boundary_paths(&a.common.data, &a.names.boundaries);
            ds.similar_gemeenten_in(&paths, g, omzien::SIMILAR_GEMEENTEN)
        },
        |name| omzien::AreaGroup::find(groups.as_ref(), name, code, weights),
    )?)
}

/// The one area a code or a name names ([`Dataset::resolve_area`]), or an error naming the
/// argument or option it came from (`AREA`, `--gemeente`).
fn resolve(
    ds: &Dataset,
    option: &'static str,
    q: &str,
    want: Option<Level>,
) -> Result<AreaCode, CliError> {
    ds.resolve_area(q, want)
        .map_err(|e| CliError::from(omzien::ParamError::new(option, e)))
}

/// `--format csv|json` on a command whose output is not a table (a PDF, a server, a folder)
/// is refused rather than ignored.
fn refuse_format(command: &Command) -> Result<(), CliError> {
    let common = match command {
        Command::Serve(a) => Some(&a.common),
        Command::Report(a) => Some(&a.common),
        Command::Spine(a) => Some(&a.compare.common),
        Command::Funnel(a) => Some(&a.common),
        Command::Summary(a) => Some(&a.common),
        Command::Indicators(a) => Some(&a.common),
        Command::Area(a) => Some(&a.common),
        Command::Compare(a) => Some(&a.common),
        Command::Trend(a) => Some(&a.common),
        Command::Risk(a) => Some(&a.common),
        Command::Rollup(a) => Some(&a.common),
        Command::Check(a) => Some(&a.common),
        _ => None,
    };
    if let Some(c) = common
        && c.format.is_text()
    {
        return Err(arg(
            "format",
            "md, html, txt and docx are the formats of omzien brief; this command writes table, csv or json",
        ));
    }
    if let Command::Brief(a) = command
        && a.common.format == Format::Csv
    {
        return Err(arg(
            "format",
            "a council summary is text: txt (default), md, html, docx, or json for its statements",
        ));
    }
    let (common, what) = match command {
        Command::Serve(a) => (&a.common, "serves HTTP"),
        Command::Report(a) => (&a.common, "writes a PDF"),
        Command::Spine(a) => (&a.compare.common, "draws a picture"),
        Command::Funnel(a) => (&a.common, "draws a picture"),
        #[cfg(feature = "microdata")]
        Command::Microdata(a) => (&a.common, "writes a folder of CSV and JSON files"),
        _ => return Ok(()),
    };
    if common.format == Format::Table {
        return Ok(());
    }
    Err(arg(
        "format",
        format!(
            "this command {what}, so --format has nothing to change; it applies to summary, area, compare, trend, risk, rollup and check"
        ),
    ))
}

/// Runs a command, writing its result to `out`.
///
/// # Errors
/// A [`CliError`] that says which file, option or value is wrong.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<(), CliError> {
    refuse_format(&args.command)?;
    match &args.command {
        Command::Serve(a) => serve::run(a),
        #[cfg(feature = "fetch")]
        Command::Fetch(a) => fetch::run(a, out),
        #[cfg(feature = "microdata")]
        Command::Microdata(a) => microdata::run(a, out),
        Command::Summary(a) => summary::run(a, out),
        Command::Brief(a) => brief::run(a, out),
        Command::Indicators(a) => indicators::run(a, out),
        Command::Area(a) => area::run(a, out),
        Command::Compare(a) => compare::run(a, out),
        Command::Spine(a) => charts::spine(a, out),
        Command::Funnel(a) => charts::funnel(a, out),
        Command::Trend(a) => trend::run(a, out),
        Command::Risk(a) => risk::run(a, out),
        Command::Rollup(a) => rollup::run(a, out),
        Command::Check(a) => check::run(a, out),
        Command::Report(a) => report::run(a, out),
        Command::Export(ExportCommand::Tiles(a)) => export::tiles(a, out),
        Command::Export(ExportCommand::Site(a)) => export::site(a, out),
    }
}

//! One error type for callers who do not need to tell the modules apart.

/// Any error of this crate. Each variant wraps the error type of one module, which carries
/// the file, line, code or wave involved; boxed, so that a `Result` with it stays one
/// pointer wide beside its value.
///
/// `?` composes across the modules: a code, a query and a layer in one function.
///
/// ```
/// fn run() -> omzien::Result<usize> {
///     let ds = omzien::demo::dataset();
///     let code: omzien::AreaCode = "GM9999".parse()?;
///     let figure = ds.figure(code, omzien::Indicator::LONELY, omzien::Wave::new(2020), omzien::AgeGroup::ADULTS)?;
///     assert!(figure.value().is_some());
///     let level: omzien::Level = "wijk".parse()?;
///     let spec = omzien::LayerSpec::level(omzien::Indicator::LONELY, omzien::AgeGroup::ADULTS, level, omzien::Wave::new(2020));
///     Ok(ds.layer(&spec)?.areas().len())
/// }
/// assert!(run()? > 0);
/// // A bad code is an `Error::Code`, with the code in its message.
/// let e: omzien::Error = "GM12".parse::<omzien::AreaCode>().unwrap_err().into();
/// assert!(matches!(e, omzien::Error::Code(_)));
/// assert!(e.to_string().contains("GM12"));
/// // Boxed: one pointer and a tag.
/// assert_eq!(std::mem::size_of::<omzien::Error>(), 16);
/// # Ok::<(), omzien::Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A figure file could not be loaded.
    #[error(transparent)]
    Load(Box<crate::LoadError>),
    /// A weights, groups or population file could not be used.
    #[error(transparent)]
    Weights(Box<crate::WeightsError>),
    /// A string is not an area code.
    #[error(transparent)]
    Code(Box<crate::CodeError>),
    /// A query for something the dataset does not hold.
    #[error(transparent)]
    Query(Box<crate::QueryError>),
    /// A roll-up that cannot be made.
    #[error(transparent)]
    Rollup(Box<crate::RollupError>),
    /// A trend that cannot be computed.
    #[error(transparent)]
    Trend(Box<crate::TrendError>),
    /// A risk query that cannot be answered.
    #[error(transparent)]
    Risk(Box<crate::RiskError>),
    /// A boundary file that cannot be read or joined.
    #[error(transparent)]
    Boundary(Box<crate::BoundaryError>),
    /// A string is not a level.
    #[error(transparent)]
    Level(Box<crate::LevelError>),
    /// A string or year is not a wave.
    #[error(transparent)]
    Wave(Box<crate::WaveError>),
    /// A string is not an age group.
    #[error(transparent)]
    AgeGroup(Box<crate::AgeGroupError>),
    /// A request parameter that cannot be used.
    #[error(transparent)]
    Param(Box<crate::ParamError>),
    /// Values that cannot be classified.
    #[error(transparent)]
    Classify(Box<crate::classify::ClassifyError>),
    /// A layer that cannot be made.
    #[error(transparent)]
    Layer(Box<crate::LayerError>),
    /// A comparison that cannot be made.
    #[error(transparent)]
    Compare(Box<crate::CompareError>),
    /// Similar gemeenten that cannot be found.
    #[error(transparent)]
    Similar(Box<crate::SimilarError>),
    /// A gemeente report that cannot be put together.
    #[error(transparent)]
    Report(Box<crate::ReportError>),
    /// A file or folder that cannot be written.
    #[error(transparent)]
    Folder(Box<crate::FolderError>),
    /// Respondent microdata that cannot be read or scored.
    #[cfg(feature = "microdata")]
    #[error(transparent)]
    Microdata(Box<crate::microdata::MicrodataError>),
    /// A download that failed.
    #[cfg(feature = "fetch")]
    #[error(transparent)]
    Fetch(Box<crate::fetch::FetchError>),
}

/// `From` each module's error into [`Error`], boxed.
macro_rules! from_boxed {
    ($($(#[$attr:meta])* $variant:ident($ty:ty),)*) => {$(
        $(#[$attr])*
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Self::$variant(Box::new(e))
            }
        }
    )*};
}

from_boxed! {
    Load(crate::LoadError),
    Weights(crate::WeightsError),
    Code(crate::CodeError),
    Query(crate::QueryError),
    Rollup(crate::RollupError),
    Trend(crate::TrendError),
    Risk(crate::RiskError),
    Boundary(crate::BoundaryError),
    Level(crate::LevelError),
    Wave(crate::WaveError),
    AgeGroup(crate::AgeGroupError),
    Param(crate::ParamError),
    Classify(crate::classify::ClassifyError),
    Layer(crate::LayerError),
    Compare(crate::CompareError),
    Similar(crate::SimilarError),
    Report(crate::ReportError),
    Folder(crate::FolderError),
    #[cfg(feature = "microdata")]
    Microdata(crate::microdata::MicrodataError),
    #[cfg(feature = "fetch")]
    Fetch(crate::fetch::FetchError),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

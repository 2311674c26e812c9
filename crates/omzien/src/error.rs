//! One error type for callers who do not need to tell the modules apart.

/// Any error of this crate. Each variant wraps the error type of one module, which carries
/// the file, line, code or wave involved.
///
/// ```
/// fn run() -> omzien::Result<omzien::Figure> {
///     let ds = omzien::demo::dataset();
///     let code: omzien::AreaCode = "GM9999".parse()?;
///     Ok(ds.figure(code, omzien::Indicator::LONELY, omzien::Wave::new(2020), omzien::AgeGroup::ADULTS)?)
/// }
/// assert!(run().is_ok());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A figure file could not be loaded.
    #[error(transparent)]
    Load(#[from] crate::LoadError),
    /// A weights, groups or population file could not be used.
    #[error(transparent)]
    Weights(#[from] crate::WeightsError),
    /// A string is not an area code.
    #[error(transparent)]
    Code(#[from] crate::CodeError),
    /// A query for something the dataset does not hold.
    #[error(transparent)]
    Query(#[from] crate::QueryError),
    /// A roll-up that cannot be made.
    #[error(transparent)]
    Rollup(#[from] crate::RollupError),
    /// A trend that cannot be computed.
    #[error(transparent)]
    Trend(#[from] crate::TrendError),
    /// A risk query that cannot be answered.
    #[error(transparent)]
    Risk(#[from] crate::RiskError),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

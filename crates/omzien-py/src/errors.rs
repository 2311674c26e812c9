//! The core's errors as the package's Python exceptions (`omzien.errors`), with the same
//! messages the command line prints: file and line, code, wave, URL.

use std::fmt::Display;

use pyo3::prelude::*;
use pyo3::types::PyType;

/// Which exception of `omzien.errors` an error raises.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Files that cannot be loaded (`LoadError`, a `ValueError`).
    Load,
    /// A question the data cannot answer: an unknown area, wave, age group, indicator
    /// (`QueryError`, a `ValueError`).
    Query,
    /// A download that failed (`FetchError`, an `OSError`).
    Fetch,
    /// A report or picture that cannot be made (`RenderError`, a `ValueError`).
    Render,
    /// Respondent files, a mapping or scoring options that cannot be used (`MicrodataError`,
    /// a `ValueError`).
    Microdata,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Self::Load => "LoadError",
            Self::Query => "QueryError",
            Self::Fetch => "FetchError",
            Self::Render => "RenderError",
            Self::Microdata => "MicrodataError",
        }
    }
}

/// The exception of `kind` with the error's message, as the command line prints it (the
/// core's errors name their cause in the message itself).
pub(crate) fn raise(kind: Kind, e: &(dyn std::error::Error + 'static)) -> PyErr {
    exception(kind, e.to_string())
}

/// The exception of `kind` with `msg`.
pub(crate) fn exception(kind: Kind, msg: String) -> PyErr {
    Python::attach(|py| match class(py, kind) {
        Ok(ty) => PyErr::from_type(ty, msg),
        Err(e) => e,
    })
}

/// A message for an argument the core has no error type for (a negative limit).
pub(crate) fn query(msg: impl Display) -> PyErr {
    exception(Kind::Query, msg.to_string())
}

fn class(py: Python<'_>, kind: Kind) -> PyResult<Bound<'_, PyType>> {
    Ok(py
        .import("omzien.errors")?
        .getattr(kind.class())?
        .cast_into::<PyType>()?)
}

/// `map_err` helper: the error as the exception of `kind`.
pub(crate) fn to_py<E: std::error::Error + 'static>(kind: Kind) -> impl Fn(E) -> PyErr {
    move |e| raise(kind, &e)
}

/// An error of work done without the GIL, with the exception it becomes.
pub(crate) type Failure = (Kind, Box<dyn std::error::Error + Send + Sync>);

/// `map_err` helper of work without the GIL: the error as a [`Failure`] of `kind`.
pub(crate) fn fail<E: std::error::Error + Send + Sync + 'static>(
    kind: Kind,
) -> impl Fn(E) -> Failure {
    move |e| (kind, Box::new(e))
}

/// The exception of a failure of work done without the GIL.
pub(crate) fn from_failure(f: Failure) -> PyErr {
    raise(f.0, &*f.1)
}

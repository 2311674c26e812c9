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

/// The exception of `kind` with the error's message (its causes appended, as the CLI
/// prints them).
pub(crate) fn raise(kind: Kind, e: &(dyn std::error::Error + 'static)) -> PyErr {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s = s.to_string();
        if !msg.contains(&s) {
            msg.push_str(": ");
            msg.push_str(&s);
        }
        source = s_source(source);
    }
    Python::attach(|py| match class(py, kind) {
        Ok(ty) => PyErr::from_type(ty, msg),
        Err(e) => e,
    })
}

fn s_source<'a>(
    e: Option<&'a (dyn std::error::Error + 'static)>,
) -> Option<&'a (dyn std::error::Error + 'static)> {
    e.and_then(std::error::Error::source)
}

/// A message for an argument the core has no error type for (a negative limit).
pub(crate) fn query(msg: impl Display) -> PyErr {
    let msg = msg.to_string();
    Python::attach(|py| match class(py, Kind::Query) {
        Ok(ty) => PyErr::from_type(ty, msg),
        Err(e) => e,
    })
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

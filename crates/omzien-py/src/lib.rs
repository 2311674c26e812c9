//! The native half of the Python package `omzien` (`omzien._omzien`): the core's dataset and
//! queries, answering tables through the Arrow PyCapsule interface. The package's Python half
//! (`python/omzien`) makes them polars DataFrames with typed columns and gives every function
//! its documented signature; import `omzien`, not this module.
//!
//! The GIL is released while loading and computing; nothing here prints.

mod dataset;
mod errors;
mod frame;

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::dataset::Dataset;
use crate::errors::{Kind, to_py};

/// Loads figure files or folders (StatLine CSV or OData JSON, as `omzien --data` reads them);
/// `classification` is the year of the area classification to keep (default: the newest).
#[pyfunction]
#[pyo3(signature = (paths, classification=None))]
fn load(py: Python<'_>, paths: Vec<PathBuf>, classification: Option<u16>) -> PyResult<Dataset> {
    let mut loader = omzien::Loader::new();
    if let Some(year) = classification {
        loader = loader.with_classification(year);
    }
    py.detach(|| loader.load(&paths))
        .map(Dataset::new)
        .map_err(to_py(Kind::Load))
}

/// The built-in synthetic demo (one invented gemeente, its wijken and buurten).
#[pyfunction]
fn demo(py: Python<'_>) -> Dataset {
    py.detach(|| Dataset::new(omzien::demo::dataset()))
}

/// omzien's core for Python: loneliness figures per buurt, wijk and gemeente.
#[pymodule]
mod _omzien {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::{demo, load};
    #[pymodule_export]
    use crate::dataset::Dataset;
    #[pymodule_export]
    use crate::frame::Table;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}

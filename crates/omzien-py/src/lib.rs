//! The native half of the Python package `omzien` (`omzien._omzien`): the core's dataset and
//! queries, answering tables through the Arrow PyCapsule interface. The package's Python half
//! (`python/omzien`) makes them polars DataFrames with typed columns and gives every function
//! its documented signature; import `omzien`, not this module.
//!
//! The GIL is released while loading and computing; nothing here prints.

mod dataset;
mod errors;
mod fetch;
mod frame;
mod microdata;
mod more;

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::dataset::Dataset;
use crate::errors::Kind;

/// Loads figure files or folders (StatLine CSV or OData JSON, as `omzien --data` reads them);
/// `classification` is the year of the area classification to keep (default: the newest).
/// `boundaries` are GeoJSON files or folders (default: the `boundaries/` folder beside each
/// data folder, as `omzien fetch` writes it); per level the file whose codes match best is
/// kept, and its names name the wijken and buurten.
#[pyfunction]
#[pyo3(signature = (paths, classification=None, boundaries=None))]
fn load(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    classification: Option<u16>,
    boundaries: Option<Vec<PathBuf>>,
) -> PyResult<Dataset> {
    let mut loader = omzien::Loader::new();
    if let Some(year) = classification {
        loader = loader.with_classification(year);
    }
    let boundary_paths = boundaries.unwrap_or_else(|| omzien::boundary_paths(&paths, &[]));
    py.detach(|| -> Result<Dataset, errors::Failure> {
        let mut ds = loader
            .load(&paths)
            .map_err(|e| (Kind::Load, Box::new(e) as _))?;
        let (chosen, notes) = if boundary_paths.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let set = omzien::Boundaries::choose(&ds, &boundary_paths)
                .map_err(|e| (Kind::Load, Box::new(e) as _))?;
            let notes = set.left_out.iter().map(ToString::to_string).collect();
            (set.chosen, notes)
        };
        ds.name_from(&chosen);
        Ok(Dataset::new(ds, chosen, boundary_paths, notes))
    })
    .map_err(errors::from_failure)
}

/// The built-in synthetic demo (one invented gemeente, its wijken and buurten), with its
/// boundaries.
#[pyfunction]
fn demo(py: Python<'_>) -> Dataset {
    py.detach(|| {
        Dataset::new(
            omzien::demo::dataset(),
            omzien::demo::boundaries().into(),
            Vec::new(),
            Vec::new(),
        )
    })
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
    use crate::fetch::fetch;
    #[pymodule_export]
    use crate::frame::Table;
    #[pymodule_export]
    use crate::microdata::{Prevalence, item_columns, prevalence, score, synthetic};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}

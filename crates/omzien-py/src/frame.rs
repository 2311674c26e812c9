//! Tables handed to Python through the Arrow PyCapsule interface: built here as Arrow columns
//! (polars' own arrays), read by `polars.DataFrame(table)` without a copy and without any
//! Python object per cell.
//!
//! The interface: <https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html>.

use polars_arrow::array::{
    Array, BooleanArray, MutableBinaryViewArray, PrimitiveArray, StructArray, Utf8ViewArray,
};
use polars_arrow::datatypes::{ArrowDataType, Field};
use polars_arrow::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

/// A table under construction: named columns of one length.
#[derive(Default)]
pub(crate) struct Frame {
    fields: Vec<Field>,
    columns: Vec<Box<dyn Array>>,
}

impl Frame {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn push(mut self, name: &str, column: Box<dyn Array>) -> Self {
        self.fields.push(Field::new(
            name.into(),
            column.dtype().clone(),
            column.null_count() > 0 || column.is_empty(),
        ));
        self.columns.push(column);
        self
    }

    /// A text column; `None` is a null.
    pub(crate) fn text<S: AsRef<str>>(
        self,
        name: &str,
        values: impl IntoIterator<Item = Option<S>>,
    ) -> Self {
        let values = values.into_iter();
        let mut a = MutableBinaryViewArray::<str>::with_capacity(values.size_hint().0);
        for v in values {
            a.push(v);
        }
        let a: Utf8ViewArray = a.freeze();
        self.push(name, a.boxed())
    }

    /// A text column without nulls.
    pub(crate) fn texts<S: AsRef<str>>(
        self,
        name: &str,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        self.text(name, values.into_iter().map(Some))
    }

    /// A float column; `None` is a null.
    pub(crate) fn f64(self, name: &str, values: Vec<Option<f64>>) -> Self {
        self.push(name, PrimitiveArray::<f64>::from(values).boxed())
    }

    /// A 32-bit integer column (waves: years, which an analyst subtracts).
    pub(crate) fn i32(self, name: &str, values: Vec<Option<i32>>) -> Self {
        self.push(name, PrimitiveArray::<i32>::from(values).boxed())
    }

    /// A 32-bit unsigned column (ranks, counts).
    pub(crate) fn u32(self, name: &str, values: Vec<Option<u32>>) -> Self {
        self.push(name, PrimitiveArray::<u32>::from(values).boxed())
    }

    /// A yes/no column; `None` is a null (not decided).
    pub(crate) fn bool(self, name: &str, values: Vec<Option<bool>>) -> Self {
        self.push(name, BooleanArray::from(values).boxed())
    }

    /// The finished table.
    pub(crate) fn finish(self) -> PyResult<Table> {
        let len = self.columns.first().map_or(0, |c| c.len());
        if let Some((f, c)) = self
            .fields
            .iter()
            .zip(&self.columns)
            .find(|(_, c)| c.len() != len)
        {
            return Err(pyo3::exceptions::PySystemError::new_err(format!(
                "internal: column {:?} has {} rows, the first has {len}",
                f.name,
                c.len()
            )));
        }
        let dtype = ArrowDataType::Struct(self.fields);
        let array = StructArray::try_new(dtype, len, self.columns, None)
            .map_err(|e| pyo3::exceptions::PySystemError::new_err(format!("internal: {e}")))?;
        Ok(Table { array })
    }
}

/// A table for `polars.DataFrame(table)`: it offers its columns through the Arrow PyCapsule
/// interface (`__arrow_c_array__`), as a struct array of the columns.
#[pyclass(frozen, module = "omzien._omzien")]
pub struct Table {
    array: StructArray,
}

#[pymethods]
impl Table {
    /// The Arrow schema and array of the table as two PyCapsules (`arrow_schema`,
    /// `arrow_array`). A requested schema is not honoured: the columns have the types given.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let field = Field::new("".into(), self.array.dtype().clone(), false);
        let schema =
            PyCapsule::new_with_value(py, ffi::export_field_to_c(&field), c"arrow_schema")?;
        let array = PyCapsule::new_with_value(
            py,
            ffi::export_array_to_c(self.array.clone().boxed()),
            c"arrow_array",
        )?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }

    /// Rows.
    fn __len__(&self) -> usize {
        self.array.len()
    }
}

/// A value's serde name (`higher_is_worse`), as the JSON answers spell it.
pub(crate) fn snake<T: serde::Serialize>(t: &T) -> String {
    match serde_json::to_value(t) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(_) => String::new(),
    }
}

/// The lower bound of an interval, where there is one.
pub(crate) fn lower(i: Option<(f64, f64)>) -> Option<f64> {
    i.map(|(l, _)| l)
}

/// The upper bound of an interval, where there is one.
pub(crate) fn upper(i: Option<(f64, f64)>) -> Option<f64> {
    i.map(|(_, u)| u)
}

/// A count as a `u32` column's cell (counts of areas or respondents never reach its limit;
/// one that did would show the limit, not wrap).
pub(crate) fn count(n: usize) -> Option<u32> {
    Some(u32::try_from(n).unwrap_or(u32::MAX))
}

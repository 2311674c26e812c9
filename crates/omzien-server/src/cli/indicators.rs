//! `omzien indicators`: the indicators of the data, the rows `/api/indicators` answers with.

use std::io::Write;

use omzien::Table;

use super::args::IndicatorsArgs;
use super::output::emit;
use super::{CliError, dataset};
use crate::answer::IndicatorRow;

/// Prints the indicators of the data.
pub fn run(a: &IndicatorsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let ds = dataset(&a.common)?;
    let rows = IndicatorRow::all(&ds);
    let t = Table::from_rows(&rows).map_err(std::io::Error::other)?;
    let title = format!(
        "{} indicators (--indicator takes the key or either label)",
        rows.len()
    );
    emit(&ds, a.common.format, &title, &t, &rows, out)?;
    Ok(())
}

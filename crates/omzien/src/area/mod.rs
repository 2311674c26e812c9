//! Areas: typed codes, levels and the parent/child hierarchy.

mod code;
mod level;
mod name;

pub use code::{AreaCode, BuurtCode, CodeError, CountryCode, GemeenteCode, WijkCode};
pub use level::{Level, LevelError};
pub use name::fold_name;
pub(crate) use name::{alias_exact, alias_targets, repair_mojibake};

//! The `omzien` command line (and, later, the map tile server).
//!
//! The binary is a thin shell around [`cli::run`], so every command can be tested in-process.

pub mod cli;

//! The `omzien` command line and map tile server.
//!
//! The binary is a thin shell around [`cli::run`]; the server is [`routes::app`] on an
//! [`state::AppState`], testable with `oneshot` and no socket.

pub mod answer;
pub mod assets;
pub mod bulk;
pub mod cli;
pub mod config;
pub mod cors;
pub mod error;
mod etag;
pub mod listen;
pub mod params;
pub mod routes;
pub use routes::openapi;
pub mod state;

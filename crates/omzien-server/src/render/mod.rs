//! Tile rendering: tile maths, rasterizing and PNG encoding. No HTTP types here.

mod legend;
mod png;
mod raster;
mod scene;
mod tile;

pub use legend::{LEGEND_WIDTH, legend_png};
pub use png::{EncodeError, encode, encode_tile};
pub use raster::{TILE_SIZE, render};
pub use scene::{Scene, SceneShape};
pub use tile::{MAX_ZOOM, Projector, TileCoord, TileError};

//! # omzien-render
//!
//! Pictures of an [`omzien::Layer`]: tile maths ([`TileCoord`], [`Projector`]), boundaries
//! prepared for drawing ([`Scene`]), rasterizing ([`render`]), palette PNG encoding
//! ([`encode_tile`]) and legends ([`legend_png`]). No HTTP and no async runtime: the server,
//! the command line, exports and reports all draw with this crate, and so can an embedder.
//!
//! ```
//! use omzien::{AgeGroup, Indicator, LayerSpec, Level, Wave};
//! use omzien_render::{Scene, TileCoord, encode_tile, render};
//!
//! let ds = omzien::demo::dataset();
//! let layer = ds.layer(&LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Buurt, Wave::new(2020)))?;
//! let scene = omzien::demo::boundaries()
//!     .into_iter()
//!     .find(|b| b.level() == Level::Buurt)
//!     .map(Scene::new)
//!     .ok_or("no buurt boundaries")?;
//! let [w, s, e, n] = scene.boundaries().extent().ok_or("empty")?;
//! let tile = TileCoord::containing((w + e) / 2.0, (s + n) / 2.0, 12).ok_or("outside")?;
//! let raster = render(&layer, &scene, tile, 1).ok_or("nothing drawn")?;
//! let png = encode_tile(&raster, &layer)?;
//! assert!(png.starts_with(b"\x89PNG"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod archive;
mod brief;
mod chart;
mod comparison;
mod export;
mod lang;
mod legend;
mod plan;
mod png;
mod raster;
mod report;
mod scene;
mod site;
mod text;
mod tile;
mod vector;

pub use archive::{ArchiveFormat, ArchiveMeta, LevelMeta, Written, write_archive};
pub use brief::{Block, Brief, Part, Sentence, brief, brief_docx};
pub use chart::{Anchor, Chart, Mark, Rgb};
pub use comparison::{
    FUNNEL_HEIGHT, FUNNEL_PLOT, FUNNEL_WIDTH, SpineLayout, funnel_chart, funnel_range, funnel_xy,
    reading_colour, spine_chart, spine_chart_in, spine_x,
};
pub use export::{ExportError, Pyramid, PyramidLevel, ZoomRange};
pub use lang::{Lang, LangError};
pub use legend::{LEGEND_WIDTH, legend_png};
pub use plan::{
    ArchivePlan, DrawnLevel, ExportProgress, Quiet, Shown, TileSet, age_slug, write_reported,
};
pub use png::{EncodeError, encode, encode_tile};
pub use raster::{Raster, TILE_SIZE, render};
pub use report::{ReportPdfError, report_date, report_pdf};
pub use scene::{Scene, SceneShape};
pub use site::{Age, Manifest, SearchEntry, SiteError, SiteLevel, SitePage, View, write_site};
pub use tile::{MAX_ZOOM, Projector, TileCoord, TileError};
pub use vector::{
    Attribute, FeatureAttributes, MVT_BUFFER, MVT_EXTENT, StatusFilters, VectorError, VectorQuery,
    field, fill_color, status_filters, vector_fields, vector_tile,
};

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

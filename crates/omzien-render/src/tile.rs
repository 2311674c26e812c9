//! XYZ tile coordinates and Web Mercator (EPSG:3857) maths.

use std::f64::consts::PI;
use std::fmt;

/// The deepest zoom served.
pub const MAX_ZOOM: u8 = 22;

/// A tile address that is not on the map.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TileError {
    /// Zoom above [`MAX_ZOOM`].
    #[error("zoom {z} is out of range 0–{MAX_ZOOM}")]
    Zoom {
        /// The zoom given.
        z: u64,
    },
    /// x or y not below 2^z.
    #[error("tile {x}/{y} does not exist at zoom {z}: x and y must be below {limit}")]
    OutOfRange {
        /// Zoom.
        z: u8,
        /// Column.
        x: u64,
        /// Row.
        y: u64,
        /// 2^z.
        limit: u64,
    },
    /// A part that is not a non-negative whole number.
    #[error("{part} {value:?} is not a non-negative whole number")]
    NotANumber {
        /// `z`, `x` or `y`.
        part: &'static str,
        /// What was given.
        value: String,
    },
}

/// A checked tile address.
///
/// ```
/// use omzien_render::TileCoord;
/// let t = TileCoord::new_checked(10, 525, 336)?;
/// let (w, s, e, n) = t.bounds();
/// assert!(w < 4.9 && e > 4.9 && s < 52.37 && n > 52.37);
/// assert!(TileCoord::new_checked(3, 8, 0).is_err());
/// assert!(TileCoord::new_checked(23, 0, 0).is_err());
/// # Ok::<(), omzien_render::TileError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileCoord {
    /// Zoom.
    pub z: u8,
    /// Column, west to east.
    pub x: u32,
    /// Row, north to south.
    pub y: u32,
}

impl TileCoord {
    /// Checks zoom and range.
    ///
    /// # Errors
    /// [`TileError`] for a zoom above 22 or x/y not below 2^z.
    pub fn new_checked(z: u64, x: u64, y: u64) -> Result<Self, TileError> {
        let zz = u8::try_from(z)
            .ok()
            .filter(|z| *z <= MAX_ZOOM)
            .ok_or(TileError::Zoom { z })?;
        let limit = 1u64 << zz;
        if x >= limit || y >= limit {
            return Err(TileError::OutOfRange { z: zz, x, y, limit });
        }
        // Both are below 2^22, so they fit u32.
        Ok(Self {
            z: zz,
            x: x as u32,
            y: y as u32,
        })
    }

    /// Parses the three path parts (`"10"`, `"525"`, `"336"`).
    ///
    /// # Errors
    /// [`TileError`] for parts that are not numbers or out of range.
    ///
    /// ```
    /// use omzien_render::TileCoord;
    /// let t = TileCoord::parse("10", "525", "336")?;
    /// assert_eq!(t.to_string(), "10/525/336");
    /// assert!(TileCoord::parse("3", "8", "0").is_err()); // beyond the 8 columns of zoom 3
    /// assert!(TileCoord::parse("a", "0", "0").is_err());
    /// # Ok::<(), omzien_render::TileError>(())
    /// ```
    pub fn parse(z: &str, x: &str, y: &str) -> Result<Self, TileError> {
        let num = |part, v: &str| {
            v.parse::<u64>().map_err(|_| TileError::NotANumber {
                part,
                value: v.to_owned(),
            })
        };
        Self::new_checked(num("z", z)?, num("x", x)?, num("y", y)?)
    }

    /// West, south, east, north in degrees.
    ///
    /// ```
    /// use omzien_render::TileCoord;
    /// let t = TileCoord::containing(4.8927, 52.3731, 10).unwrap();
    /// let (w, s, e, n) = t.bounds();
    /// assert!(w <= 4.8927 && 4.8927 < e && s <= 52.3731 && 52.3731 < n);
    /// // The whole world at zoom 0.
    /// let (w, _, e, _) = TileCoord::new_checked(0, 0, 0)?.bounds();
    /// assert_eq!((w, e), (-180.0, 180.0));
    /// # Ok::<(), omzien_render::TileError>(())
    /// ```
    #[must_use]
    pub fn bounds(self) -> (f64, f64, f64, f64) {
        let n = f64::from(1u32 << self.z);
        let lon = |x: f64| x / n * 360.0 - 180.0;
        let lat = |y: f64| (PI * (1.0 - 2.0 * y / n)).sinh().atan().to_degrees();
        (
            lon(f64::from(self.x)),
            lat(f64::from(self.y + 1)),
            lon(f64::from(self.x + 1)),
            lat(f64::from(self.y)),
        )
    }

    /// A projector from lon/lat to pixel positions in this tile at `size` pixels.
    #[must_use]
    pub fn projector(self, size: u32) -> Projector {
        let n = f64::from(1u32 << self.z);
        Projector {
            n,
            x0: f64::from(self.x),
            y0: f64::from(self.y),
            size: f64::from(size),
        }
    }

    /// The tile containing a lon/lat point at zoom `z`.
    ///
    /// ```
    /// use omzien_render::TileCoord;
    /// let t = TileCoord::containing(4.8927, 52.3731, 10).unwrap();
    /// assert_eq!((t.x, t.y), (525, 336));
    /// ```
    #[must_use]
    pub fn containing(lon: f64, lat: f64, z: u8) -> Option<Self> {
        let p = Self { z, x: 0, y: 0 }.projector(1);
        let (fx, fy) = p.world(lon, lat);
        Self::new_checked(
            u64::from(z),
            fx.floor().max(0.0) as u64,
            fy.floor().max(0.0) as u64,
        )
        .ok()
    }
}

impl fmt::Display for TileCoord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Lon/lat → pixel positions in one tile.
#[derive(Debug, Clone, Copy)]
pub struct Projector {
    n: f64,
    x0: f64,
    y0: f64,
    size: f64,
}

impl Projector {
    /// The projector of zoom 0 at one pixel: world units 0–1.
    #[must_use]
    pub fn world_unit() -> Self {
        Self {
            n: 1.0,
            x0: 0.0,
            y0: 0.0,
            size: 1.0,
        }
    }

    /// Pixel position in this tile of a point already in world units (see [`Projector::world_unit`]).
    #[must_use]
    pub fn pixel_of_world(&self, wx: f64, wy: f64) -> (f32, f32) {
        (
            ((wx * self.n - self.x0) * self.size) as f32,
            ((wy * self.n - self.y0) * self.size) as f32,
        )
    }

    /// Position in tile units of the whole world at this zoom.
    #[must_use]
    pub fn world(&self, lon: f64, lat: f64) -> (f64, f64) {
        let lat = lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
        let x = (lon + 180.0) / 360.0 * self.n;
        let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * self.n;
        (x, y)
    }
    /// Pixel position in this tile.
    #[must_use]
    pub fn pixel(&self, lon: f64, lat: f64) -> (f32, f32) {
        let (x, y) = self.world(lon, lat);
        (
            ((x - self.x0) * self.size) as f32,
            ((y - self.y0) * self.size) as f32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_bad_parts() {
        assert!(matches!(
            TileCoord::parse("a", "0", "0"),
            Err(TileError::NotANumber { part: "z", .. })
        ));
        assert!(matches!(
            TileCoord::parse("1", "-1", "0"),
            Err(TileError::NotANumber { part: "x", .. })
        ));
        assert!(matches!(
            TileCoord::parse("99999999999999999999", "0", "0"),
            Err(TileError::NotANumber { .. })
        ));
        assert!(matches!(
            TileCoord::parse("30", "0", "0"),
            Err(TileError::Zoom { z: 30 })
        ));
        assert!(matches!(
            TileCoord::parse("2", "4", "0"),
            Err(TileError::OutOfRange { .. })
        ));
        assert_eq!(
            TileCoord::parse("0", "0", "0").unwrap(),
            TileCoord { z: 0, x: 0, y: 0 }
        );
    }

    #[test]
    fn corners_project_to_tile_edges() {
        let t = TileCoord::new_checked(12, 2103, 1346).unwrap();
        let (w, s, e, n) = t.bounds();
        let p = t.projector(256);
        let (x0, y0) = p.pixel(w, n);
        let (x1, y1) = p.pixel(e, s);
        assert!(x0.abs() < 1e-3 && y0.abs() < 1e-3, "{x0} {y0}");
        assert!(
            (x1 - 256.0).abs() < 1e-3 && (y1 - 256.0).abs() < 1e-3,
            "{x1} {y1}"
        );
    }
}

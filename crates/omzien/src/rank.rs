//! Where one area's figure stands among the areas of its level: in the country and within its
//! gemeente.

use serde::Serialize;

use crate::{AgeGroup, AreaCode, Dataset, Indicator, Level, QueryError, Wave};

/// A place in a ranking: 1 is the highest figure; areas with equal figures share a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct Rank {
    /// The place, from 1.
    pub rank: usize,
    /// How many areas were ranked (those with a published figure).
    pub of: usize,
}

/// An area's places in the country and within its gemeente.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[non_exhaustive]
pub struct Ranks {
    /// Among every area of the same level; `None` without a figure, or for the country itself.
    pub country: Option<Rank>,
    /// Among the areas of the same level in the same gemeente; `None` without a figure, and
    /// for gemeenten and the country.
    pub gemeente: Option<Rank>,
}

impl Dataset {
    /// Ranks an area's figure (highest first) among the areas of its level, nationally and
    /// within its gemeente. Suppressed and not-measured areas are not ranked.
    ///
    /// ```
    /// use omzien::{AgeGroup, Indicator, Wave};
    /// let ds = omzien::demo::dataset();
    /// let r = ds.ranks("WK999903".parse()?, Indicator::LONELY, Wave::new(2020), AgeGroup::ADULTS)?;
    /// let country = r.country.expect("the wijk has a figure");
    /// assert!(country.rank >= 1 && country.rank <= country.of);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError`] for an unknown area, wave or age group.
    pub fn ranks(
        &self,
        code: AreaCode,
        ind: Indicator,
        wave: Wave,
        age: AgeGroup,
    ) -> Result<Ranks, QueryError> {
        let own = self.figure(code, ind, wave, age)?.value();
        let level = code.level();
        let (Some(own), false) = (own, level == Level::Land) else {
            return Ok(Ranks {
                country: None,
                gemeente: None,
            });
        };
        let figures = self.level_figures(level, ind, wave, age)?;
        let place = |within: &dyn Fn(AreaCode) -> bool| {
            let mut rank = Rank { rank: 1, of: 0 };
            for (c, f) in &figures {
                if let (true, Some(v)) = (within(*c), f.value()) {
                    rank.of += 1;
                    if v > own {
                        rank.rank += 1;
                    }
                }
            }
            rank
        };
        let country = place(&|_| true);
        let gemeente = match (level, code.gemeente()) {
            (Level::Wijk | Level::Buurt, Some(g)) => Some(place(&|c| c.gemeente() == Some(g))),
            _ => None,
        };
        Ok(Ranks {
            country: Some(country),
            gemeente,
        })
    }
}

//! Similar gemeenten: the gemeenten nearest to one in population, share 65+, household size
//! and urbanity, a benchmark that compares like with like (as Fingertips' "nearest
//! neighbours" do for English local authorities).

use serde::Serialize;

use crate::{AreaCode, Dataset, GemeenteCode, Level, Populations};

/// How many similar gemeenten a benchmark takes by default.
pub const SIMILAR_GEMEENTEN: usize = 15;

/// A gemeente near another in its characteristics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Neighbour {
    /// The gemeente.
    pub code: GemeenteCode,
    /// Its distance: the Euclidean distance of the standardised characteristics (0 = alike).
    pub distance: f64,
}

/// The gemeenten nearest to one, and what "near" was measured on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SimilarGemeenten {
    /// The gemeente they are similar to.
    pub gemeente: GemeenteCode,
    /// The nearest first; ties by code.
    pub neighbours: Vec<Neighbour>,
    /// The characteristics compared (`ln population`, `share 65+`, …).
    pub characteristics: Vec<&'static str>,
    /// Among how many gemeenten they were chosen.
    pub candidates: usize,
    /// Where the characteristics come from.
    pub source: String,
}

/// Similar gemeenten that cannot be found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimilarError {
    /// The population layer is not of gemeenten.
    #[error("{source_name}: similar gemeenten need a gemeente layer, this one has {level}")]
    NotGemeenten {
        /// Where the populations came from.
        source_name: String,
        /// Its level.
        level: Level,
    },
    /// The gemeente has no characteristics in the layer.
    #[error("{source_name} has no population figures for {gemeente}")]
    Unknown {
        /// Where the populations came from.
        source_name: String,
        /// The gemeente.
        gemeente: GemeenteCode,
    },
    /// No population layer of gemeenten among the boundary files.
    #[error(
        "similar gemeenten need the gemeenten's populations: no gemeente layer with population properties whose codes match the data among the boundary files (give --boundaries with the CBS gemeente layer)"
    )]
    NoLayer,
    /// The boundary files with the populations could not be read.
    #[error("similar gemeenten: {0}")]
    Unreadable(String),
    /// Too few gemeenten to choose from.
    #[error(
        "{source_name}: only {candidates} other gemeenten have every characteristic, fewer than the {wanted} asked for"
    )]
    TooFew {
        /// Where the populations came from.
        source_name: String,
        /// Gemeenten with every characteristic, the one compared left out.
        candidates: usize,
        /// How many were asked for.
        wanted: usize,
    },
}

impl Populations {
    /// The `k` gemeenten nearest to `g` in the logarithm of the population, the share 65+,
    /// the mean household size (inhabitants per household) and urbanity, each standardised
    /// over the gemeenten that have every characteristic the layer carries (households and
    /// urbanity only where the file has them).
    ///
    /// # Errors
    /// [`SimilarError`] when the layer is not of gemeenten, has no figures for `g`, or fewer
    /// than `k` other gemeenten have them.
    pub fn similar(&self, g: GemeenteCode, k: usize) -> Result<SimilarGemeenten, SimilarError> {
        let source_name = self.source().to_owned();
        if let Some(level) = self.level().filter(|l| *l != Level::Gemeente) {
            return Err(SimilarError::NotGemeenten { source_name, level });
        }
        let (hh, urb) = self.extra_properties();
        let mut characteristics = vec!["ln population", "share 65+"];
        if hh.is_some() {
            characteristics.push("inhabitants per household");
        }
        if urb.is_some() {
            characteristics.push("urbanity");
        }
        let dims = characteristics.len();
        // The characteristics of every gemeente that has them all.
        let rows: Vec<(GemeenteCode, Vec<f64>)> = self
            .rows()
            .iter()
            .filter_map(|r| {
                let AreaCode::Gemeente(code) = r.code else {
                    return None;
                };
                if r.population <= 0.0 {
                    return None;
                }
                let mut x = vec![r.population.ln(), r.share_65plus?];
                if hh.is_some() {
                    x.push(r.population / r.households.filter(|h| *h > 0.0)?);
                }
                if urb.is_some() {
                    x.push(r.urbanity?);
                }
                Some((code, x))
            })
            .collect();
        let Some(target) = rows.iter().position(|(c, _)| *c == g) else {
            return Err(SimilarError::Unknown {
                source_name,
                gemeente: g,
            });
        };
        if rows.len() - 1 < k {
            return Err(SimilarError::TooFew {
                source_name,
                candidates: rows.len() - 1,
                wanted: k,
            });
        }
        // Standardise each characteristic (mean 0, standard deviation 1); a constant one
        // tells no gemeente apart and is left at 0.
        let n = rows.len() as f64;
        let mut scale = vec![(0.0, 1.0); dims];
        for (d, s) in scale.iter_mut().enumerate() {
            let mean = rows.iter().map(|(_, x)| x[d]).sum::<f64>() / n;
            let var = rows.iter().map(|(_, x)| (x[d] - mean).powi(2)).sum::<f64>() / n;
            *s = (mean, if var > 0.0 { var.sqrt() } else { f64::INFINITY });
        }
        let z = |x: &[f64]| -> Vec<f64> {
            x.iter()
                .zip(&scale)
                .map(|(v, (m, sd))| (v - m) / sd)
                .collect()
        };
        let zt = z(&rows[target].1);
        let mut neighbours: Vec<Neighbour> = rows
            .iter()
            .filter(|(c, _)| *c != g)
            .map(|(c, x)| Neighbour {
                code: *c,
                distance: z(x)
                    .iter()
                    .zip(&zt)
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
                    .sqrt(),
            })
            .collect();
        neighbours.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.code.cmp(&b.code)));
        neighbours.truncate(k);
        Ok(SimilarGemeenten {
            gemeente: g,
            neighbours,
            characteristics,
            candidates: rows.len() - 1,
            source: source_name,
        })
    }
}

impl Dataset {
    /// The population layer of `level` among `found` whose codes match the data's areas best,
    /// if any matches: its index and how many codes matched.
    #[must_use]
    pub fn best_populations(&self, found: &[Populations], level: Level) -> Option<(usize, usize)> {
        found
            .iter()
            .enumerate()
            .filter(|(_, p)| p.level() == Some(level))
            .map(|(i, p)| (i, p.codes().filter(|c| self.contains(*c)).count()))
            .filter(|&(_, matched)| matched > 0)
            .max_by_key(|&(i, matched)| (matched, std::cmp::Reverse(i)))
    }

    /// The population layers among boundary files and folders that match the data best, one
    /// per level (gemeente, wijk, buurt, where any matches): the counts of people a gemeente
    /// report gives. No paths, no layers.
    ///
    /// # Errors
    /// [`crate::WeightsError`] when the files cannot be listed or a population layer is not
    /// usable ([`Populations::find`]).
    pub fn report_populations(
        &self,
        paths: &[std::path::PathBuf],
    ) -> Result<Vec<Populations>, crate::WeightsError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let found = Populations::find(paths)?;
        Ok([Level::Gemeente, Level::Wijk, Level::Buurt]
            .into_iter()
            .filter_map(|l| self.best_populations(&found, l))
            .map(|(i, _)| found[i].clone())
            .collect())
    }

    /// The `k` gemeenten most like `g` by the population layers among boundary files and
    /// folders ([`Populations::find`], then [`Dataset::similar_gemeenten`]): what a
    /// `similar` benchmark looks up.
    ///
    /// # Errors
    /// [`SimilarError::Unreadable`] when the layers cannot be read, else as
    /// [`Dataset::similar_gemeenten`].
    pub fn similar_gemeenten_in(
        &self,
        paths: &[std::path::PathBuf],
        g: GemeenteCode,
        k: usize,
    ) -> Result<SimilarGemeenten, SimilarError> {
        let found =
            Populations::find(paths).map_err(|e| SimilarError::Unreadable(e.to_string()))?;
        self.similar_gemeenten(&found, g, k)
    }

    /// The `k` gemeenten most like `g` ([`Populations::similar`]) by the gemeente layer among
    /// `found` that matches the data best.
    ///
    /// # Errors
    /// [`SimilarError::NoLayer`] without such a layer, else as [`Populations::similar`].
    pub fn similar_gemeenten(
        &self,
        found: &[Populations],
        g: GemeenteCode,
        k: usize,
    ) -> Result<SimilarGemeenten, SimilarError> {
        let (i, _) = self
            .best_populations(found, Level::Gemeente)
            .ok_or(SimilarError::NoLayer)?;
        found[i].similar(g, k)
    }
}

//! One rule for naming an area, used by every command, route and the report: a code, or a
//! name (any case and accents, everyday aliases such as `den haag`), at a wanted level or any.

use super::Dataset;
use crate::area::{alias_exact, fold_name};
use crate::{AreaCode, GemeenteCode, Level, QueryError};

/// How many candidates or close matches an error lists.
const LISTED: usize = 8;

impl Dataset {
    /// The one area `text` names: a code (`GM0363`, `wk036311`), or a name.
    ///
    /// A name matches when it equals an area's name up to case, accents and punctuation
    /// (`"'s-Gravenhage"`, `"S GRAVENHAGE"`), or that name without its qualifier in brackets
    /// (`"Bergen"` is both `"Bergen (L.)"` and `"Bergen (NH.)"`, so it is ambiguous), or is an
    /// everyday alias of a gemeente (`"Den Haag"`). With `level`, only areas of that level count; without, a name that
    /// several levels share is the highest one's (the gemeente before its wijk of the same
    /// name). Part of a name matches nothing: it is suggested instead.
    ///
    /// ```
    /// use omzien::{Level, QueryError};
    /// let ds = omzien::demo::dataset();
    /// let g = ds.resolve_area("omzienrade", None)?;
    /// assert_eq!(g.to_string(), "GM9999");
    /// assert_eq!(ds.resolve_area("gm9999", Some(Level::Gemeente))?, g);
    /// // A wijk's code is not a gemeente's, and the error says what it is.
    /// let e = ds.resolve_area("WK999901", Some(Level::Gemeente)).unwrap_err();
    /// assert!(matches!(e, QueryError::WrongLevel { .. }), "{e}");
    /// // Part of a name is not enough: the error suggests the whole one.
    /// let e = ds.resolve_area("Omzienr", None).unwrap_err();
    /// assert!(e.to_string().contains("Omzienrade (synthetisch) (GM9999)"), "{e}");
    /// # Ok::<(), QueryError>(())
    /// ```
    ///
    /// # Errors
    /// [`QueryError::NoMatch`] with close matches, [`QueryError::Ambiguous`] with every
    /// candidate, or [`QueryError::WrongLevel`] for a code of another level.
    pub fn resolve_area(&self, text: &str, level: Option<Level>) -> Result<AreaCode, QueryError> {
        let given = text.trim();
        if given.is_empty() {
            return Err(QueryError::NoMatch {
                given: String::new(),
                level,
                close: Vec::new(),
            });
        }
        if let Ok(code) = given.to_uppercase().parse::<AreaCode>() {
            return self.resolve_code(given, code, level);
        }
        let folded = fold_name(given);
        let alias = alias_exact(&folded);
        let mut exact: Vec<usize> = (0..self.areas.len())
            .filter(|&i| level.is_none_or(|l| self.areas[i].level() == l))
            .filter(|&i| {
                self.names[i].as_deref().is_some_and(|n| {
                    fold_name(n) == folded
                        || without_qualifier(n).is_some_and(|b| fold_name(b) == folded)
                })
                    || matches!((self.areas[i], alias), (AreaCode::Gemeente(g), Some(a)) if g.number() == a)
            })
            .collect();
        if let Some(top) = exact.iter().map(|&i| self.areas[i].level()).min() {
            exact.retain(|&i| self.areas[i].level() == top);
        }
        match exact.as_slice() {
            [one] => Ok(self.areas[*one]),
            [] => Err(QueryError::NoMatch {
                given: given.to_owned(),
                level,
                close: self.close_to(given, level),
            }),
            many => Err(QueryError::Ambiguous {
                given: given.to_owned(),
                candidates: many.iter().map(|&i| self.describe(self.areas[i])).collect(),
            }),
        }
    }

    /// The one gemeente `text` names ([`Dataset::resolve_area`] at [`Level::Gemeente`]).
    ///
    /// ```
    /// let ds = omzien::demo::dataset();
    /// assert_eq!(ds.resolve_gemeente("Omzienrade")?.to_string(), "GM9999");
    /// let e = ds.resolve_gemeente("GM9998").unwrap_err();
    /// assert!(e.to_string().starts_with("no gemeente \"GM9998\" in the data; did you mean Omzienrade (synthetisch) (GM9999)"), "{e}");
    /// # Ok::<(), omzien::QueryError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Dataset::resolve_area`].
    pub fn resolve_gemeente(&self, text: &str) -> Result<GemeenteCode, QueryError> {
        match self.resolve_area(text, Some(Level::Gemeente))? {
            AreaCode::Gemeente(g) => Ok(g),
            other => Err(QueryError::WrongLevel {
                area: self.describe(other),
                level: other.level(),
                want: Level::Gemeente,
            }),
        }
    }

    fn resolve_code(
        &self,
        given: &str,
        code: AreaCode,
        level: Option<Level>,
    ) -> Result<AreaCode, QueryError> {
        if !self.contains(code) {
            return Err(QueryError::NoMatch {
                given: given.to_owned(),
                level,
                close: self.close_to(given, level.or(Some(code.level()))),
            });
        }
        match level {
            Some(want) if want != code.level() => Err(QueryError::WrongLevel {
                area: self.describe(code),
                level: code.level(),
                want,
            }),
            _ => Ok(code),
        }
    }

    /// `Name (CODE)` for a gemeente, `Name (CODE, Gemeente)` below it.
    fn describe(&self, code: AreaCode) -> String {
        let Ok(a) = self.area(code) else {
            return code.to_string();
        };
        match (&a.name, &a.gemeente_name) {
            (Some(n), Some(g)) if code.level() > Level::Gemeente => format!("{n} ({code}, {g})"),
            (Some(n), _) => format!("{n} ({code})"),
            (None, Some(g)) if code.level() > Level::Gemeente => format!("{code} ({g})"),
            (None, _) => code.to_string(),
        }
    }

    /// Areas (of `level`, else any) whose name starts with or contains `text`, else those
    /// closest by edit distance to the name or code.
    fn close_to(&self, text: &str, level: Option<Level>) -> Vec<String> {
        let hits: Vec<String> = self
            .search(text, 200)
            .into_iter()
            .filter(|h| level.is_none_or(|l| h.code.level() == l))
            .take(LISTED)
            .map(|h| self.describe(h.code))
            .collect();
        if !hits.is_empty() {
            return hits;
        }
        let want: Vec<char> = fold_name(text).chars().collect();
        let code_want: Vec<char> = text.trim().to_uppercase().chars().collect();
        let mut scored: Vec<(usize, usize)> = (0..self.areas.len())
            .filter(|&i| {
                level.map_or(self.areas[i].level() <= Level::Gemeente, |l| {
                    self.areas[i].level() == l
                })
            })
            .map(|i| {
                let by_code = edit_distance(
                    &code_want,
                    &self.areas[i].to_string().chars().collect::<Vec<_>>(),
                );
                let by_name = self.names[i].as_deref().map_or(usize::MAX, |n| {
                    let d =
                        |s: &str| edit_distance(&want, &fold_name(s).chars().collect::<Vec<_>>());
                    d(n).min(without_qualifier(n).map_or(usize::MAX, d))
                });
                (by_code.min(by_name), i)
            })
            .collect();
        scored.sort_unstable();
        // Only plausible typos: at most a third of the text's letters wrong.
        let limit = (want.len().max(code_want.len()) / 3).max(2);
        scored
            .into_iter()
            .filter(|&(d, _)| d <= limit)
            .take(LISTED)
            .map(|(_, i)| self.describe(self.areas[i]))
            .collect()
    }
}

/// A name without its qualifier in brackets at the end: `Bergen (NH.)` → `Bergen`.
fn without_qualifier(name: &str) -> Option<&str> {
    let (base, rest) = name.trim_end().rsplit_once(" (")?;
    rest.ends_with(')')
        .then_some(base)
        .filter(|b| !b.trim().is_empty())
}

/// Levenshtein distance.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Lists `items`, at most [`LISTED`], saying how many more there are.
pub(crate) fn listed(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > LISTED {
        s.push_str(&format!(" and {} more", items.len() - LISTED));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_in_brackets_come_off() {
        assert_eq!(without_qualifier("Bergen (NH.)"), Some("Bergen"));
        assert_eq!(
            without_qualifier("Omzienrade (synthetisch)"),
            Some("Omzienrade")
        );
        assert_eq!(without_qualifier("Hengelo"), None);
        assert_eq!(without_qualifier(" (x)"), None);
    }

    #[test]
    fn edit_distance_counts_edits() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&c("amsterdm"), &c("amsterdam")), 1);
        assert_eq!(edit_distance(&c(""), &c("abc")), 3);
        assert_eq!(edit_distance(&c("GM363"), &c("GM0363")), 1);
    }

    #[test]
    fn names_resolve_by_one_rule() {
        let ds = crate::demo::dataset();
        let g = ds.resolve_area("GM9999", None).ok();
        assert_eq!(ds.resolve_area("  OMZIENRADE ", None).ok(), g);
        // A typo is refused with the close name.
        let Err(QueryError::NoMatch { close, .. }) = ds.resolve_area("Omzienrde", None) else {
            panic!("a typo resolved");
        };
        assert_eq!(close, ["Omzienrade (synthetisch) (GM9999)"]);
        // A code the data lacks.
        let Err(QueryError::NoMatch { close, .. }) = ds.resolve_area("GM9998", None) else {
            panic!("an unknown code resolved");
        };
        assert_eq!(close, ["Omzienrade (synthetisch) (GM9999)"]);
        // A wijk by its name, and not as a gemeente.
        let wk = ds.resolve_area("centrum", None).ok();
        assert_eq!(wk.map(|c| c.level()), Some(Level::Wijk));
        assert!(matches!(
            ds.resolve_area("centrum", Some(Level::Gemeente)),
            Err(QueryError::NoMatch { .. })
        ));
    }

    #[test]
    fn a_shared_name_is_ambiguous_and_lists_every_candidate() {
        let mut ds = crate::demo::dataset();
        let wijken = ds.areas(Level::Wijk, None);
        let [a, b, ..] = wijken.as_slice() else {
            panic!("the demo has wijken");
        };
        ds.set_names([(*a, "Centrum".to_owned()), (*b, "Centrum".to_owned())]);
        let Err(QueryError::Ambiguous { candidates, .. }) = ds.resolve_area("centrum", None) else {
            panic!("a shared name resolved");
        };
        assert_eq!(candidates.len(), 2);
        assert!(
            candidates[0].starts_with(&format!("Centrum ({a}, ")),
            "{candidates:?}"
        );
        // At the buurt level the wijk names do not count.
        assert!(matches!(
            ds.resolve_area("centrum", Some(Level::Buurt)),
            Err(QueryError::NoMatch { .. })
        ));
    }
}

//! One rule for naming an area, used by every command, route and the report: a code, or a
//! name (any case and accents, everyday aliases such as `den haag`), at a wanted level or any.

use super::Dataset;
use crate::area::{alias_exact, fold_name};
use crate::{AreaCode, GemeenteCode, Level, QueryError};

/// How many candidates or close matches an error lists.
const LISTED: usize = 8;

/// The areas a name is looked up among: their codes and, where known, their names.
///
/// A [`Dataset`] is one; so is the list of a table's area names that `omzien fetch` downloads
/// before the figures (so `fetch --gemeente Amsterdam` follows the same rule).
pub(crate) trait AreaNames {
    /// Every area with its name, if it has one.
    fn entries(&self) -> Vec<(AreaCode, Option<&str>)>;
    /// Whether the area is among them.
    fn has(&self, code: AreaCode) -> bool;
    /// The area's name, if it has one.
    fn name_of(&self, code: AreaCode) -> Option<&str>;

    /// The rule of [`Dataset::resolve_area`].
    fn resolve(&self, text: &str, level: Option<Level>) -> Result<AreaCode, QueryError> {
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
        let entries = self.entries();
        let mut exact: Vec<AreaCode> = entries
            .iter()
            .filter(|(c, _)| level.is_none_or(|l| c.level() == l))
            .filter(|(c, n)| {
                n.is_some_and(|n| {
                    fold_name(n) == folded
                        || without_qualifier(n).is_some_and(|b| fold_name(b) == folded)
                }) || matches!((c, alias), (AreaCode::Gemeente(g), Some(a)) if g.number() == a)
            })
            .map(|(c, _)| *c)
            .collect();
        if let Some(top) = exact.iter().map(|c| c.level()).min() {
            exact.retain(|c| c.level() == top);
        }
        match exact.as_slice() {
            [one] => Ok(*one),
            [] => Err(QueryError::NoMatch {
                given: given.to_owned(),
                level,
                close: self.close_to(given, level),
            }),
            many => Err(QueryError::Ambiguous {
                given: given.to_owned(),
                candidates: many.iter().map(|c| self.describe(*c)).collect(),
            }),
        }
    }

    /// A code: one of the areas, of the level asked for.
    fn resolve_code(
        &self,
        given: &str,
        code: AreaCode,
        level: Option<Level>,
    ) -> Result<AreaCode, QueryError> {
        if !self.has(code) {
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
        let name = self.name_of(code);
        let gemeente = code
            .gemeente()
            .filter(|_| code.level() > Level::Gemeente)
            .and_then(|g| self.name_of(AreaCode::Gemeente(g)));
        match (name, gemeente) {
            (Some(n), Some(g)) => format!("{n} ({code}, {g})"),
            (Some(n), None) => format!("{n} ({code})"),
            (None, Some(g)) => format!("{code} ({g})"),
            (None, None) => code.to_string(),
        }
    }

    /// Areas (of `level`, else any) whose name starts with, has a word starting with, or
    /// contains `text`, best first; else those closest by edit distance to the name or code.
    fn close_to(&self, text: &str, level: Option<Level>) -> Vec<String> {
        let want = fold_name(text);
        let entries = self.entries();
        let in_level = |c: &AreaCode| level.is_none_or(|l| c.level() == l);
        if !want.is_empty() {
            let mut hits: Vec<(u8, Level, AreaCode)> = entries
                .iter()
                .filter(|(c, _)| in_level(c))
                .filter_map(|(c, n)| {
                    let f = fold_name((*n)?);
                    let rank = if f.starts_with(&want) {
                        0
                    } else if f.split(' ').any(|w| w.starts_with(&want)) {
                        1
                    } else if f.contains(&want) {
                        2
                    } else {
                        return None;
                    };
                    Some((rank, c.level(), *c))
                })
                .collect();
            hits.sort_unstable();
            if !hits.is_empty() {
                return hits
                    .into_iter()
                    .take(LISTED)
                    .map(|(_, _, c)| self.describe(c))
                    .collect();
            }
        }
        let want: Vec<char> = want.chars().collect();
        let code_want: Vec<char> = text.trim().to_uppercase().chars().collect();
        let mut scored: Vec<(usize, AreaCode)> = entries
            .iter()
            .filter(|(c, _)| level.map_or(c.level() <= Level::Gemeente, |l| c.level() == l))
            .map(|(c, n)| {
                let by_code = edit_distance(&code_want, &c.to_string().chars().collect::<Vec<_>>());
                let by_name = n.map_or(usize::MAX, |n| {
                    let d =
                        |s: &str| edit_distance(&want, &fold_name(s).chars().collect::<Vec<_>>());
                    d(n).min(without_qualifier(n).map_or(usize::MAX, d))
                });
                (by_code.min(by_name), *c)
            })
            .collect();
        scored.sort_unstable();
        // Only plausible typos: at most a third of the text's letters wrong.
        let limit = (want.len().max(code_want.len()) / 3).max(2);
        scored
            .into_iter()
            .filter(|&(d, _)| d <= limit)
            .take(LISTED)
            .map(|(_, c)| self.describe(c))
            .collect()
    }
}

impl AreaNames for Dataset {
    fn entries(&self) -> Vec<(AreaCode, Option<&str>)> {
        self.areas
            .iter()
            .zip(&self.names)
            .map(|(c, n)| (*c, n.as_deref()))
            .collect()
    }
    fn has(&self, code: AreaCode) -> bool {
        self.contains(code)
    }
    fn name_of(&self, code: AreaCode) -> Option<&str> {
        self.index
            .get(&code)
            .and_then(|&i| self.names[i as usize].as_deref())
    }
}

/// A table's area names (code, name), as `omzien fetch` downloads them.
impl AreaNames for [(AreaCode, String)] {
    fn entries(&self) -> Vec<(AreaCode, Option<&str>)> {
        self.iter().map(|(c, n)| (*c, Some(n.as_str()))).collect()
    }
    fn has(&self, code: AreaCode) -> bool {
        self.iter().any(|(c, _)| *c == code)
    }
    fn name_of(&self, code: AreaCode) -> Option<&str> {
        self.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.as_str())
    }
}

impl Dataset {
    /// The one area `text` names: a code (`GM0363`, `wk036311`), or a name.
    ///
    /// A name matches when it equals an area's name up to case, accents and punctuation
    /// (`"'s-Gravenhage"`, `"S GRAVENHAGE"`), or that name without its qualifier in brackets
    /// (`"Bergen"` is both `"Bergen (L.)"` and `"Bergen (NH.)"`, so it is ambiguous), or is an
    /// everyday alias of a gemeente (`"Den Haag"`). With `level`, only areas of that level
    /// count; without, a name that several levels share is the highest one's (the gemeente
    /// before its wijk of the same name). Part of a name matches nothing: it is suggested
    /// instead.
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
        self.resolve(text, level)
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
        gemeente_of(self, text)
    }
}

/// The one gemeente `text` names among `names`.
pub(crate) fn gemeente_of<N: AreaNames + ?Sized>(
    names: &N,
    text: &str,
) -> Result<GemeenteCode, QueryError> {
    match names.resolve(text, Some(Level::Gemeente))? {
        AreaCode::Gemeente(g) => Ok(g),
        other => Err(QueryError::WrongLevel {
            area: names.describe(other),
            level: other.level(),
            want: Level::Gemeente,
        }),
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

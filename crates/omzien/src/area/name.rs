//! Name folding for search: case- and accent-insensitive, with the common aliases.

use unicode_normalization::UnicodeNormalization;

/// Folds a name for matching: Unicode decomposition, accents dropped, lower case,
/// punctuation (`'`, `-`, `.`) turned into spaces and runs of spaces collapsed.
///
/// ```
/// assert_eq!(omzien::fold_name("'s-Gravenhage"), "s gravenhage");
/// assert_eq!(omzien::fold_name("Súdwest-Fryslân"), "sudwest fryslan");
/// assert_eq!(omzien::fold_name("  Den   HAAG "), "den haag");
/// ```
#[must_use]
pub fn fold_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Everyday names that differ from the official gemeente name, folded, with the gemeente number.
const ALIASES: &[(&str, u16)] = &[
    ("den haag", 518),
    ("the hague", 518),
    ("den bosch", 796),
    ("s hertogenbosch", 796),
    ("hertogenbosch", 796),
    ("sudwest friesland", 1900),
    ("noordoost friesland", 1970),
];

/// Gemeente numbers whose alias matches the folded query.
pub(crate) fn alias_targets(folded: &str) -> impl Iterator<Item = u16> + '_ {
    ALIASES
        .iter()
        .filter(move |(alias, _)| alias.contains(folded) || folded.contains(alias))
        .map(|&(_, n)| n)
}

/// The gemeente number an everyday name (folded) stands for exactly: `den haag` → 518.
pub(crate) fn alias_exact(folded: &str) -> Option<u16> {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == folded)
        .map(|&(_, n)| n)
}

/// Repairs UTF-8 that was decoded as Latin-1 and encoded again (`SÃºdwest-FryslÃ¢n`).
///
/// Returns the input unchanged unless the repaired form is valid UTF-8 and shorter.
pub(crate) fn repair_mojibake(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['Ã', 'Â']) {
        return s.into();
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => bytes.push(b),
            Err(_) => return s.into(),
        }
    }
    match String::from_utf8(bytes) {
        Ok(fixed) if fixed.len() < s.len() => fixed.into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_double_encoded_frisian_names() {
        assert_eq!(repair_mojibake("SÃºdwest-FryslÃ¢n"), "Súdwest-Fryslân");
        assert_eq!(repair_mojibake("Noardeast-FryslÃ¢n"), "Noardeast-Fryslân");
        assert_eq!(repair_mojibake("Súdwest-Fryslân"), "Súdwest-Fryslân");
        assert_eq!(repair_mojibake("Amsterdam"), "Amsterdam");
    }

    #[test]
    fn aliases_find_the_hague() {
        assert_eq!(
            alias_targets(&fold_name("Den Haag")).collect::<Vec<_>>(),
            [518]
        );
        assert_eq!(alias_targets("zwolle").count(), 0);
    }
}

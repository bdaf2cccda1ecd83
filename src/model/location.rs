//! Storage and staff locations: ISO 3166-1 alpha-2 country codes shown with their English
//! names ("IN" → "India"), or regions a project declares in `locations.toml`.

use std::collections::BTreeMap;

/// A resolved location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The code as declared (`US`, or a region id).
    pub code: String,
    /// The name as used in a sentence, with its article ("the United States").
    pub name: String,
}

/// Regions declared in `locations.toml`: id → name as used in a sentence.
pub(crate) type Regions = BTreeMap<String, String>;

/// Short names where the ISO long name is not what a reader expects in a sentence.
const COMMON_NAMES: &[(&str, &str)] = &[
    ("US", "the United States"),
    ("GB", "the United Kingdom"),
    ("KR", "South Korea"),
    ("KP", "North Korea"),
    ("RU", "Russia"),
    ("TW", "Taiwan"),
    ("VN", "Vietnam"),
    ("LA", "Laos"),
    ("IR", "Iran"),
    ("SY", "Syria"),
    ("BO", "Bolivia"),
    ("VE", "Venezuela"),
    ("TZ", "Tanzania"),
    ("MD", "Moldova"),
];

/// The English name of the country with ISO 3166-1 alpha-2 `code`, as used in a sentence.
#[must_use]
pub(crate) fn country(code: &str) -> Option<String> {
    // celes also accepts names and aliases ("USA"); only the two-letter code is a code here.
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    if let Some((_, name)) = COMMON_NAMES.iter().find(|(c, _)| *c == code) {
        return Some((*name).to_owned());
    }
    let country = celes::Country::from_alpha2(code).ok()?;
    Some(sentence_case(country.long_name))
}

/// celes writes "The Republic Of Moldova"; a sentence wants "the Republic of Moldova".
fn sentence_case(long_name: &str) -> String {
    let words: Vec<String> = long_name
        .split(' ')
        .enumerate()
        .map(|(i, word)| match word {
            "The" | "Of" | "And" => {
                if i == 0 || word != "The" {
                    word.to_lowercase()
                } else {
                    word.to_owned()
                }
            }
            _ => word.to_owned(),
        })
        .collect();
    words.join(" ")
}

impl Location {
    /// Resolves `code` against the declared regions, then the ISO country codes.
    #[must_use]
    pub fn resolve(code: &str, regions: &Regions) -> Option<Self> {
        let name = regions.get(code).cloned().or_else(|| country(code))?;
        Some(Self {
            code: code.to_owned(),
            name,
        })
    }
}

/// Codes people write for a country that are not its ISO 3166-1 alpha-2 code.
const ALIASES: &[(&str, &str)] = &[("UK", "GB"), ("EL", "GR")];

impl Location {
    /// The code `code` probably meant: the same letters in another case (`eu` → `EU`), a
    /// common alias (`UK` → `GB`), an alpha-3 code or name celes knows (`USA` → `US`), or a
    /// region spelled nearly the same.
    #[must_use]
    pub fn suggest(code: &str, regions: &Regions) -> Option<String> {
        let known = |candidate: &str| Self::resolve(candidate, regions).is_some();
        let upper = code.to_uppercase();
        if upper != code && known(&upper) {
            return Some(upper);
        }
        if let Some(region) = regions.keys().find(|id| id.eq_ignore_ascii_case(code)) {
            return Some(region.clone());
        }
        if let Some((_, alpha2)) = ALIASES.iter().find(|(alias, _)| *alias == upper) {
            return Some((*alpha2).to_owned());
        }
        if let Ok(country) = code.parse::<celes::Country>() {
            return Some(country.alpha2.to_owned());
        }
        crate::diag::did_you_mean(code, regions.keys().map(String::as_str)).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_countries_for_sentences() {
        assert_eq!(country("IN").as_deref(), Some("India"));
        assert_eq!(country("US").as_deref(), Some("the United States"));
        assert_eq!(country("RO").as_deref(), Some("Romania"));
        assert_eq!(country("NL").as_deref(), Some("the Netherlands"));
        assert_eq!(country("XX"), None);
        assert_eq!(country("us"), None);
        assert_eq!(country("USA"), None);
    }

    #[test]
    fn suggests_the_code_that_was_meant() {
        let regions = Regions::from([("EU".to_owned(), "the European Union".to_owned())]);
        let suggest = |code| Location::suggest(code, &regions);
        assert_eq!(suggest("UK").as_deref(), Some("GB"));
        assert_eq!(suggest("eu").as_deref(), Some("EU"));
        assert_eq!(suggest("us").as_deref(), Some("US"));
        assert_eq!(suggest("USA").as_deref(), Some("US"));
        assert_eq!(suggest("Germany").as_deref(), Some("DE"));
        assert_eq!(suggest("ZZ"), None);
    }

    #[test]
    fn regions_come_first() {
        let regions = Regions::from([("EU".to_owned(), "the European Union".to_owned())]);
        assert_eq!(
            Location::resolve("EU", &regions).unwrap().name,
            "the European Union"
        );
        assert_eq!(Location::resolve("IN", &regions).unwrap().name, "India");
    }
}

//! The site's search index, written by privdoc itself: an inverted index of the words of
//! every page (not of its link targets), split by a word's first character into
//! `search/<c>.js` shards, and `search/pages.js` with each page's URL and title. The
//! layout's search box loads the page list and only the shards a query's words need, when
//! a reader first types. No server and no external resource: each file is a script, so it
//! loads from `file://` too. BENCHMARKS.md ("Search") compares it with pagefind on
//! 10,000 pages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{Event, Parser};
use rayon::prelude::*;

use super::{RenderedPage, html_path, title_of};

/// Words shorter than this are not indexed (a search for "of" finds nothing useful).
const MIN_WORD: usize = 3;

/// The index's files, under the HTML output: `search/pages.js` and one shard per first
/// character.
pub(super) fn files(pages: &[RenderedPage]) -> Vec<(String, String)> {
    // A chunk of pages at a time, in parallel, merged in page order: the words of every
    // page are never held at once (at 10,000 pages they would be ~150 MB of strings).
    let mut list: Vec<[String; 2]> = Vec::with_capacity(pages.len());
    let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
    for chunk in pages.chunks(512) {
        let read: Vec<(String, String, Vec<String>)> = chunk
            .par_iter()
            .map(|page| {
                let body = &page.markdown[page.body_start..];
                let title = title_of(&page.front_matter).map_or_else(
                    || first_heading(body).unwrap_or_else(|| page.path.clone()),
                    str::to_owned,
                );
                let words = words(&title, body);
                (html_path(&page.path), title, words)
            })
            .collect();
        for (url, title, words) in read {
            let id = u32::try_from(list.len()).expect("fewer than 4 billion pages");
            for word in words {
                postings.entry(word).or_default().push(id);
            }
            list.push([url, title]);
        }
    }
    let mut shards: BTreeMap<char, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for (word, ids) in postings {
        shards.entry(shard(&word)).or_default().insert(word, ids);
    }
    let mut files = Vec::with_capacity(shards.len() + 1);
    files.push((
        "search/pages.js".to_owned(),
        format!(
            "privdocSearchPages({});\n",
            serde_json::to_string(&list).expect("strings always serialize")
        ),
    ));
    for (key, words) in shards {
        // Page ids as differences from the previous one: most are small numbers.
        let mut text = format!("privdocSearchShard(\"{key}\",{{");
        for (at, (word, ids)) in words.iter().enumerate() {
            if at > 0 {
                text.push(',');
            }
            text.push_str(&serde_json::to_string(word).expect("strings always serialize"));
            text.push_str(":[");
            let mut previous = 0;
            for (n, id) in ids.iter().enumerate() {
                if n > 0 {
                    text.push(',');
                }
                let _ = write!(text, "{}", id - previous);
                previous = *id;
            }
            text.push(']');
        }
        text.push_str("});\n");
        files.push((format!("search/{key}.js"), text));
    }
    files
}

/// The shard of `word`: its first character when that is `a`–`z` or `0`–`9`, else `_`
/// (the layout's script decides the same way).
fn shard(word: &str) -> char {
    match word.chars().next() {
        Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
        _ => '_',
    }
}

fn first_heading(body: &str) -> Option<String> {
    let line = body.lines().find(|line| line.starts_with("# "))?;
    let text = line.trim_start_matches("# ");
    Some(text.split(" {#").next().unwrap_or(text).to_owned())
}

/// The distinct words of the title and the page's text (not of its link targets), lower
/// case.
fn words(title: &str, markdown: &str) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    // A word seen before costs a lookup, not an allocation: ASCII is lowered in place.
    let mut lower = String::new();
    let mut add = |text: &str| {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            // A character takes a byte at least: fewer bytes are fewer characters.
            if word.len() < MIN_WORD || word.chars().count() < MIN_WORD {
                continue;
            }
            if word.is_ascii() {
                lower.clear();
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                // `to_lowercase` knows a word-final sigma.
                lower = word.to_lowercase();
            }
            if !seen.contains(lower.as_str()) {
                seen.insert(lower.clone());
                out.push(lower.clone());
            }
        }
    };
    add(title);
    for event in Parser::new(markdown) {
        if let Event::Text(text) | Event::Code(text) = event {
            add(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_the_text_not_the_link_targets() {
        let text = words(
            "Logs",
            "# Data\n\nWe keep [logs](https://example.com/secret-path) for 30 days. Logs, LOGS.\n",
        );
        assert_eq!(text, ["logs", "data", "keep", "for", "days"]);
    }

    proptest::proptest! {
        /// Lowering ASCII in place finds the words `str::to_lowercase` finds, in the same
        /// order (Greek's word-final sigma included).
        #[test]
        fn words_are_lowered_as_to_lowercase_lowers_them(text in "[aZ1 .,ΣΟΔσéÉßİ]{0,60}") {
            let mut seen = HashSet::new();
            let expected: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| word.chars().count() >= MIN_WORD)
                .map(str::to_lowercase)
                .filter(|word| seen.insert(word.clone()))
                .collect();
            proptest::prop_assert_eq!(words(&text, ""), expected);
        }
    }

    #[test]
    fn shards_by_the_first_ascii_character() {
        assert_eq!(shard("retention"), 'r');
        assert_eq!(shard("2026"), '2');
        assert_eq!(shard("été"), '_');
    }
}

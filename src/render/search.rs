//! The site's search index, written by privdoc itself: an inverted index of the words of
//! every page (not of its link targets), split by a word's first character into
//! `search/<c>.js` shards, and `search/pages.js` with each page's URL and title. The
//! layout's search box loads the page list and only the shards a query's words need, when
//! a reader first types. No server and no external resource: each file is a script, so it
//! loads from `file://` too. BENCHMARKS.md ("Search") compares it with pagefind on
//! 10,000 pages.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::{RenderedPage, html_path, title_of};
use crate::hash::{FastHasher, FastMap};
use crate::json;
use crate::swar::padded;

/// Words shorter than this are not indexed (a search for "of" finds nothing useful).
const MIN_WORD: usize = 3;

/// The index being made, in page order.
#[derive(Default)]
pub(super) struct Index {
    /// Each page's URL and title, by id.
    list: Vec<[String; 2]>,
    /// The ids of the pages each word is on.
    postings: FastMap<String, Vec<u32>>,
}

/// One page's entry as its words are found: its URL, title and words.
pub(super) struct Entry {
    url: String,
    title: String,
    words: Words,
}

impl Entry {
    /// The entry of `page`, with the words of its title so far; the renderer adds those
    /// of its text ([`Words::add`]) from the parse it makes the HTML from.
    pub(super) fn new(page: &RenderedPage) -> Self {
        let body = &page.markdown[page.body_start..];
        let title = title_of(&page.front_matter).map_or_else(
            || first_heading(body).unwrap_or_else(|| page.path.clone()),
            str::to_owned,
        );
        let mut words = Words::for_text(body.len());
        words.add(&title);
        Self {
            url: html_path(&page.path),
            title,
            words,
        }
    }

    /// Where the words of the page's text go.
    pub(super) fn words(&mut self) -> &mut Words {
        &mut self.words
    }

    /// The entry, its words found: packed in one string, since a build may hold every
    /// page's until the checks are done (as separate strings, ~150 MB at 10,000 pages).
    pub(super) fn done(self) -> Page {
        Page {
            url: self.url,
            title: self.title,
            words: self.words.list,
        }
    }
}

/// One page's entry, its words found: each followed by a newline.
pub(crate) struct Page {
    url: String,
    title: String,
    words: String,
}

impl Index {
    /// Adds the next page.
    pub(super) fn push(&mut self, page: Page) {
        let id = u32::try_from(self.list.len()).expect("fewer than 4 billion pages");
        // Each word ends at its newline: a byte-by-byte search beats a searcher set up
        // for every word a few letters long.
        let mut rest = page.words.as_str();
        while let Some(end) = rest.bytes().position(|byte| byte == b'\n') {
            let word = &rest[..end];
            rest = &rest[end + 1..];
            match self.postings.get_mut(word) {
                Some(ids) => ids.push(id),
                None => {
                    self.postings.insert(word.to_owned(), vec![id]);
                }
            }
        }
        self.list.push([page.url, page.title]);
    }

    /// The index's files, under the HTML output: `search/pages.js` and one shard per
    /// first character, each shard's words in order. The words are sorted, and the shards
    /// written, in parallel.
    pub(super) fn files(self) -> Vec<(String, String)> {
        let mut words: Vec<(char, String, Vec<u32>)> = self
            .postings
            .into_iter()
            .map(|(word, ids)| (shard(&word), word, ids))
            .collect();
        // Each word is there once: an unstable sort has one order to find.
        words.par_sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let shards: Vec<&[(char, String, Vec<u32>)]> = words.chunk_by(|a, b| a.0 == b.0).collect();
        let mut files = Vec::with_capacity(shards.len() + 1);
        files.push((
            "search/pages.js".to_owned(),
            format!(
                "privdocSearchPages({});\n",
                serde_json::to_string(&self.list).expect("strings always serialize")
            ),
        ));
        files.par_extend(shards.into_par_iter().map(shard_file));
        files
    }
}

/// The file of a shard: its words (all with one first character), in order, each with
/// the ids of the pages it is on.
fn shard_file(words: &[(char, String, Vec<u32>)]) -> (String, String) {
    let key = words[0].0;
    // Page ids as differences from the previous one: most are small numbers.
    let mut text = format!("privdocSearchShard(\"{key}\",{{").into_bytes();
    for (at, (_, word, ids)) in words.iter().enumerate() {
        if at > 0 {
            text.push(b',');
        }
        json::string(&mut text, word);
        text.extend_from_slice(b":[");
        let mut previous = 0;
        for (n, id) in ids.iter().enumerate() {
            if n > 0 {
                text.push(b',');
            }
            json::number(&mut text, (id - previous) as usize);
            previous = *id;
        }
        text.push(b']');
    }
    text.extend_from_slice(b"});\n");
    let text = String::from_utf8(text).expect("JSON written from strings is UTF-8");
    (format!("search/{key}.js"), text)
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

/// The distinct words of a page's texts, lower case. Their order is not kept: a page's
/// id is added to each of its words' lists once, whatever the order.
#[derive(Default)]
pub(super) struct Words {
    /// The words, each followed by a newline: one string per page, not one per word.
    list: String,
    /// Where a word is in `list` (start, length), by the hash of the word. The hash is a
    /// word's key, not its proof: a word whose hash is taken is compared with the word
    /// there, and with `more`, the words whose hash was taken when they came.
    seen: HashMap<u64, (u32, u32), BuildHasherDefault<Hashed>>,
    more: Vec<(u32, u32)>,
}

/// Whether an ASCII byte is part of a word: a letter or a digit.
const IN_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0u8;
    while byte < 128 {
        table[byte as usize] = byte.is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// A table keyed by hashes already made: the key is its own hash.
#[derive(Default)]
struct Hashed(u64);

impl Hasher for Hashed {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Bytes of a page's text per distinct word it is expected to have, at most: a page of
/// 12 kB has some 400.
const BYTES_PER_NEW_WORD: usize = 32;

impl Words {
    /// No words yet, with room for those of a text of `length` bytes: the table of a
    /// page's words is not grown (and rehashed) a dozen times as they come.
    fn for_text(length: usize) -> Self {
        Self {
            list: String::new(),
            seen: HashMap::with_capacity_and_hasher(
                length / BYTES_PER_NEW_WORD,
                BuildHasherDefault::default(),
            ),
            more: Vec::new(),
        }
    }

    /// Adds the words of `text`: its runs of letters and digits, of three characters or
    /// more. An ASCII word is found by a table, hashed lowered eight bytes at a time, and
    /// copied only when the page did not have it; only a word with a character beyond
    /// ASCII in it or after it is decoded (nearly every word of an English page is
    /// ASCII, if not every character of it).
    pub(super) fn add(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let start = at;
            at += bytes[at..]
                .iter()
                .position(|&byte| !byte.is_ascii() || !IN_WORD[usize::from(byte)])
                .unwrap_or(bytes.len() - at);
            if bytes.get(at).is_some_and(|byte| !byte.is_ascii()) {
                at = self.add_decoded(text, start);
                continue;
            }
            if at - start >= MIN_WORD {
                let word = &text[start..at];
                self.insert_hashed(hash_lowered_ascii(word), word, true);
            }
            at += 1; // past the ASCII byte that ended the word
        }
    }

    /// Adds the word of `text` at `start`, decoding its characters, and returns where the
    /// character after the one that ended it starts.
    fn add_decoded(&mut self, text: &str, start: usize) -> usize {
        let (mut at, mut characters, mut ascii) = (start, 0, true);
        for c in text[start..].chars() {
            let in_word = if c.is_ascii() {
                IN_WORD[c as usize]
            } else {
                ascii = false;
                c.is_alphanumeric()
            };
            if !in_word {
                break;
            }
            at += c.len_utf8();
            characters += 1;
        }
        if characters >= MIN_WORD {
            let word = &text[start..at];
            if ascii {
                self.insert_hashed(hash_lowered_ascii(word), word, true);
            } else {
                // `to_lowercase` knows a word-final sigma.
                let lower = word.to_lowercase();
                let mut hasher = FastHasher::default();
                hasher.write(lower.as_bytes());
                self.insert_hashed(hasher.finish(), &lower, false);
            }
        }
        at + text[at..].chars().next().map_or(0, char::len_utf8)
    }

    /// Adds `word`, whose hash lowered is `hash`, unless the page has it: `word` is ASCII
    /// letters and digits to be lowered when `raw`, else lower case already. The list
    /// holds words lowered.
    fn insert_hashed(&mut self, hash: u64, word: &str, raw: bool) {
        let Self { list, seen, more } = self;
        let same = |list: &String, (start, len): (u32, u32)| {
            let held = &list.as_bytes()[start as usize..(start + len) as usize];
            if raw {
                held.len() == word.len() && is_lowered(held, word.as_bytes())
            } else {
                held == word.as_bytes()
            }
        };
        match seen.entry(hash) {
            Slot::Vacant(vacant) => {
                vacant.insert(push(list, word));
            }
            Slot::Occupied(first) if same(list, *first.get()) => {}
            Slot::Occupied(_) => {
                if !more.iter().any(|&span| same(list, span)) {
                    let span = push(list, word);
                    more.push(span);
                }
            }
        }
    }
}

/// Appends `word`, lowered, to `list`, and returns where it is.
fn push(list: &mut String, word: &str) -> (u32, u32) {
    let start = list.len();
    let span = (
        u32::try_from(start).expect("a page's words under 4 GB"),
        u32::try_from(word.len()).expect("a word under 4 GB"),
    );
    list.push_str(word);
    list[start..].make_ascii_lowercase();
    list.push('\n');
    span
}

/// Whether `lower` is `word`, ASCII letters and digits of the same length, lowered:
/// compared eight bytes at a time, as [`lowered_eights`] gives them.
fn is_lowered(lower: &[u8], word: &[u8]) -> bool {
    lower.chunks(8).map(padded).eq(lowered_eights(word))
}

/// The hash of `word`, ASCII letters and digits, lowered, as [`FastHasher`] hashes the
/// lowered text, without lowering a copy.
fn hash_lowered_ascii(word: &str) -> u64 {
    let mut hasher = FastHasher::default();
    for eight in lowered_eights(word.as_bytes()) {
        hasher.write_u64(eight);
    }
    hasher.finish()
}

/// `word`, ASCII letters and digits, lowered eight bytes at a time, the last eight padded
/// with zeros as [`FastHasher`] pads: a letter or a digit lowers by setting bit 5 (a digit
/// has it set), so eight bytes lower at once, and the padding stays zero.
fn lowered_eights(word: &[u8]) -> impl Iterator<Item = u64> + '_ {
    const LOWER: u64 = 0x2020_2020_2020_2020;
    word.chunks(8)
        .map(|chunk| padded(chunk) | (LOWER >> (8 * (8 - chunk.len()))))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The words the index gets for a page titled `title`, from the parse the page's HTML
    /// is rendered from, sorted.
    fn words(title: &str, markdown: &str) -> Vec<String> {
        let mut words = Words::default();
        words.add(title);
        let document = crate::markdown::Document::parse(markdown);
        crate::markdown::to_html(&document, |_| None, |text| words.add(text), |_| None);
        let mut words: Vec<String> = words.list.lines().map(str::to_owned).collect();
        words.sort();
        words
    }

    #[test]
    fn indexes_the_text_not_the_link_targets() {
        let text = words(
            "Logs",
            "# Data {#the-data}\n\nWe keep [logs](https://example.com/secret-path) for 30 days. Logs, LOGS.\n\n\
             | Kept | For |\n|------|-----|\n| logs | 30 days |\n",
        );
        // Not `secret` or `path` (a link target), nor `the` (a heading's id).
        assert_eq!(text, ["data", "days", "for", "keep", "kept", "logs"]);
    }

    proptest::proptest! {
        /// Telling ASCII bytes by a table, decoding only the rest, and hashing ASCII
        /// words lowered as they are read finds the words splitting the text by
        /// characters and `str::to_lowercase` find (Greek's word-final sigma included, and
        /// the Kelvin sign, which lowers to ASCII `k`), each once, in the order they come.
        #[test]
        fn words_are_lowered_as_to_lowercase_lowers_them(text in "[aZbY19k .,ΣΟΔσéÉßİ\u{212A}’–]{0,60}") {
            let ascii: String = text.chars().filter(char::is_ascii).collect();
            for text in [text.as_str(), ascii.as_str()] {
                let mut seen = BTreeSet::new();
                let expected: Vec<String> = text
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|word| word.chars().count() >= MIN_WORD)
                    .map(str::to_lowercase)
                    .filter(|word| seen.insert(word.clone()))
                    .collect();
                let mut found = Words::default();
                found.add(text);
                let found: Vec<&str> = found.list.lines().collect();
                proptest::prop_assert_eq!(found, expected);
            }
        }

        /// Any ASCII text, with the bytes at the edges of the letters' and digits' ranges
        /// (`/` `0` `9` `:` `@` `A` `Z` `[` `` ` `` `a` `z` `{`) among it, splits into
        /// the words `split` makes.
        #[test]
        fn ascii_splits_as_characters_do(text in "[ -~]{0,40}", edges in "[/09:@AZ\\[`az{]{0,40}") {
            let text: String = text.chars().zip(edges.chars().chain(std::iter::repeat('x'))).flat_map(|(a, b)| [a, b]).collect();
            let mut seen = BTreeSet::new();
            let expected: Vec<String> = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|word| word.len() >= MIN_WORD)
                .map(str::to_ascii_lowercase)
                .filter(|word| seen.insert(word.clone()))
                .collect();
            let mut found = Words::default();
            found.add(&text);
            let found: Vec<&str> = found.list.lines().collect();
            proptest::prop_assert_eq!(found, expected);
        }

        /// Comparing eight bytes at a time with bit 5 set is comparing the lowered bytes.
        #[test]
        fn a_held_word_is_compared_as_its_lowered_bytes(
            (held, word) in proptest::strategy::Strategy::prop_flat_map(0..20usize, |n| {
                let letters = || proptest::collection::vec(proptest::sample::select(b"aAbB09".to_vec()), n);
                (letters(), letters())
            })
        ) {
            let held = held.to_ascii_lowercase();
            proptest::prop_assert_eq!(is_lowered(&held, &word), held == word.to_ascii_lowercase());
            proptest::prop_assert!(is_lowered(&word.to_ascii_lowercase(), &word));
        }
    }

    /// An ASCII word hashed as it is read hashes as its lowered copy does, so a word
    /// that comes both ways (`KEY`, and `\u{212A}ey` with the Kelvin sign, which
    /// `to_lowercase` lowers) is indexed once; words across the eight-byte boundary too.
    #[test]
    fn an_ascii_word_hashes_as_its_lowered_copy() {
        let mut words = Words::default();
        words.add("\u{212A}ey KEY key Retention RETENTION \u{212A}eys Data2026XYZ data2026xyz");
        assert_eq!(words.list, "key\nretention\nkeys\ndata2026xyz\n");
        let mut words = Words::default();
        words.add("ABCDEFGH abcdefgh’ ABCDEFGHIJKLMNOPQ abcdefghijklmnopq");
        assert_eq!(words.list, "abcdefgh\nabcdefghijklmnopq\n");
    }

    #[test]
    fn words_with_one_hash_are_told_apart_by_their_text() {
        let mut words = Words::default();
        for word in ["data", "logs", "data", "days", "logs", "days"] {
            words.insert_hashed(7, word, true);
        }
        assert_eq!(words.list, "data\nlogs\ndays\n");
    }

    #[test]
    fn shards_by_the_first_ascii_character() {
        assert_eq!(shard("retention"), 'r');
        assert_eq!(shard("2026"), '2');
        assert_eq!(shard("été"), '_');
    }
}

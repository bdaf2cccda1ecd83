//! `duplicate-paragraph` and `duplicate-sentence`: the same text twice, compared in its
//! normalized form (see `text`). Twice in one page is an error, across pages a warning —
//! one per pair of pages, however many sentences they share, with every place listed.
//! Text that one snippet or one template line writes into several places has one origin
//! and is not a duplicate: occurrences are compared by where they were written. Pages that
//! are versions of one page (`variants`) share text by design, and sentences that match an
//! `allow` glob are boilerplate: neither is a finding.

use std::ops::Range;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::page::Facts;
use super::text::{self, Glob};
use crate::config::Config;
use crate::diag::{CheckCode, Code, Diagnostic, FileId, SourceMap, Span};
use crate::hash::{FastMap, FastSet};
use crate::render::RenderedPage;

/// Sentences shorter than this many words ("See below.") repeat by nature.
pub(super) const MIN_SENTENCE_WORDS: usize = 5;

/// One place a piece of text occurs. A site holds one per sentence and paragraph, so
/// numbers are 32-bit: a page is at most 16 MiB, and a site has fewer than 2^32 pages.
#[derive(Debug, Clone)]
pub(super) struct Occurrence {
    /// Hash of the normalized text.
    pub hash: u64,
    /// Page number.
    pub page: u32,
    /// The page this one is a version of (see [`Rules::variant_of`]): equal for versions
    /// of one page.
    pub variant: u32,
    /// Block number within the page.
    pub block: u32,
    /// Its length in words.
    pub words: u32,
    /// Range in the page's Markdown.
    pub range: Range<u32>,
    /// Where it was written; equal keys mean one piece of source text.
    pub key: Option<(FileId, u32)>,
}

impl Occurrence {
    /// The page, as an index into the site's pages.
    pub(super) fn page(&self) -> usize {
        self.page as usize
    }

    /// `(page, block)`: the block it is part of, site-wide.
    pub(super) fn block_key(&self) -> (usize, usize) {
        (self.page as usize, self.block as usize)
    }
}

/// `n` as a 32-bit number (see [`Occurrence`]).
pub(super) fn narrow(n: usize) -> u32 {
    u32::try_from(n).expect("pages under 4 GiB, sites under 2^32 pages")
}

/// What the duplicate checks leave alone, from the settings, compiled once.
pub(super) struct Rules {
    /// Sentences never reported (`allow`).
    allow: Vec<Glob>,
    /// Repeats within one page are findings from this many words on.
    pub min_in_page_words: usize,
    /// For each page, the first page it is a version of by `variants` (itself if none).
    variant_of: Vec<u32>,
}

impl Rules {
    pub(super) fn new(config: &Config, pages: &[RenderedPage]) -> Self {
        let mut first_of: FastMap<String, u32> = FastMap::default();
        let variant_of = pages
            .iter()
            .enumerate()
            .map(|(at, page)| {
                let at = u32::try_from(at).expect("fewer than 2^32 pages");
                variant_key(&config.duplicates.variants, &page.path)
                    .map_or(at, |key| *first_of.entry(key).or_insert(at))
            })
            .collect();
        Self {
            allow: config
                .duplicates
                .allow
                .iter()
                .map(|glob| Glob::new(glob))
                .collect(),
            min_in_page_words: config.duplicates.min_words_in_page,
            variant_of,
        }
    }

    /// The page that page `at` is a version of.
    pub(super) fn variant_of(&self, at: usize) -> u32 {
        self.variant_of[at]
    }

    fn allows(&self, normalized: &str) -> bool {
        self.allow.iter().any(|glob| glob.matches(normalized))
    }
}

/// What page `path` is a version of, by the first of `patterns` it matches: its path with
/// the folder that `*` stands for left out (`reference/*/x.md` for `reference/7.4/x.md`).
fn variant_key(patterns: &[String], path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    patterns.iter().enumerate().find_map(|(at, pattern)| {
        let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
        // The pattern names folders: the page is inside them, not one of them.
        let matches = parts.len() > pattern.len()
            && pattern
                .iter()
                .zip(&parts)
                .all(|(want, part)| *want == "*" || want.eq_ignore_ascii_case(part));
        matches.then(|| {
            let mut key = format!("{at}");
            for (i, part) in parts.iter().enumerate() {
                key.push('/');
                key.push_str(pattern.get(i).unwrap_or(part));
            }
            key
        })
    })
}

/// The texts of page `at`, as occurrences: every sentence, and every paragraph of two
/// sentences or more; table cells, declared values and allowed boilerplate are left out.
/// With them, the sentences' word hashes, which counted their words. Each text is
/// normalized once, for both the exact and the near-duplicate checks, into one buffer
/// for the page.
pub(super) fn texts(
    at: usize,
    page: &RenderedPage,
    facts: &Facts,
    rules: &Rules,
) -> (Vec<Occurrence>, Vec<Occurrence>, Words) {
    let variant = rules.variant_of(at);
    let occurrence =
        |block: usize, range: Range<usize>, normalized: &[u8], words: usize| Occurrence {
            hash: xxh3_64(normalized),
            page: narrow(at),
            variant,
            block: narrow(block),
            key: page
                .origins
                .source_key(range.clone())
                .map(|(file, offset)| (file, narrow(offset))),
            words: narrow(words),
            range: narrow(range.start)..narrow(range.end),
        };
    let mut words = Words::new();
    let mut sentences = Vec::with_capacity(facts.sentences.len());
    // The kept sentences' normalized texts, one after another, and where each is.
    let mut normalized = Vec::with_capacity(facts.text_len());
    let mut spans = Vec::with_capacity(facts.sentences.len());
    for (index, sentence) in facts.sentences.iter().enumerate() {
        // Declared values shown as data (a source's legal basis, its categories) repeat
        // from item to item like table cells: they are not prose.
        let range = facts.sentence_range(index);
        if facts.blocks[sentence.block].cell || page.origins.is_data(range.clone()) {
            continue;
        }
        let start = normalized.len();
        text::normalize_into(facts.sentence_text(index), &mut normalized);
        let text = std::str::from_utf8(&normalized[start..]).expect("normalized text is UTF-8");
        if rules.allows(text) {
            normalized.truncate(start);
            continue;
        }
        let count = words.push(text);
        sentences.push(occurrence(sentence.block, range, text.as_bytes(), count));
        spans.push(start..normalized.len());
    }
    // A paragraph is its sentences with the white space between them collapsed: its
    // normalized form is theirs, joined, and its words theirs (a space parts words).
    let mut joined = Vec::new();
    let paragraphs = paragraphs_of(&sentences)
        .map(|group| {
            joined.clear();
            for span in &spans[group.clone()] {
                if !joined.is_empty() {
                    joined.push(b' ');
                }
                joined.extend_from_slice(&normalized[span.clone()]);
            }
            let group = &sentences[group];
            let range = group[0].range.start as usize..group[group.len() - 1].range.end as usize;
            let words = group.iter().map(|o| o.words as usize).sum();
            occurrence(group[0].block as usize, range, &joined, words)
        })
        .collect();
    (sentences, paragraphs, words)
}

/// The hashes of the words of a page's sentences, in order, taken in one pass for both
/// checks: their count is a sentence's length here, their bigrams its shingles in
/// `near`.
pub(super) struct Words {
    hashes: Vec<u64>,
    /// Where sentence `i`'s words start: `bounds[i]`; where they end: `bounds[i + 1]`.
    bounds: Vec<usize>,
}

impl Words {
    pub(super) fn new() -> Self {
        Self {
            hashes: Vec::new(),
            bounds: vec![0],
        }
    }

    /// Hashes the words of the next sentence, `normalized`, and returns how many it has.
    pub(super) fn push(&mut self, normalized: &str) -> usize {
        let start = self.hashes.len();
        text::each_word(normalized, |word| self.hashes.push(xxh3_64(word)));
        self.bounds.push(self.hashes.len());
        self.hashes.len() - start
    }

    /// The word hashes of `sentences`, one after another: a paragraph's are its sentences'.
    pub(super) fn of(&self, sentences: Range<usize>) -> &[u64] {
        &self.hashes[self.bounds[sentences.start]..self.bounds[sentences.end]]
    }
}

/// The paragraphs among a page's `sentences`, in order, as the range of their sentences:
/// two or more sentences of one block.
pub(super) fn paragraphs_of(sentences: &[Occurrence]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    sentences
        .chunk_by(|a, b| a.block == b.block)
        .map(move |group| {
            start += group.len();
            start - group.len()..start
        })
        .filter(|group| group.len() >= 2)
}

/// The occurrences worth comparing for exact repeats: sentences of at least
/// [`MIN_SENTENCE_WORDS`] words, and paragraphs.
pub(super) fn occurrences(
    mut sentences: Vec<Occurrence>,
    paragraphs: Vec<Occurrence>,
) -> (Vec<Occurrence>, Vec<Occurrence>) {
    sentences.retain(|o| o.words as usize >= MIN_SENTENCE_WORDS);
    (sentences, paragraphs)
}

/// What is being compared, for messages: `what` is "sentence" or "paragraph".
pub(super) struct Kind<'a> {
    pub code: CheckCode,
    pub what: &'a str,
    /// Repeats within one page count from this many words on (0: always).
    pub min_in_page_words: usize,
}

/// Reports repeated text among `occurrences` (all of one kind), in any order: they are
/// sorted by a key that tells any two different occurrences apart. Returns the findings and
/// the `(page, block)` of every repeat, so repeated paragraphs' sentences are not reported again.
pub(super) fn find(
    mut occurrences: Vec<Occurrence>,
    kind: &Kind<'_>,
    pages: &[RenderedPage],
    files: &SourceMap,
    skip_blocks: &FastSet<(usize, usize)>,
) -> (Vec<Diagnostic>, FastSet<(usize, usize)>) {
    occurrences.retain(|o| !skip_blocks.contains(&o.block_key()));
    // By text, then place; the rest of the key only makes the order total, so that an
    // unstable sort gives the one order.
    occurrences.sort_unstable_by_key(|o| {
        let place = (o.page, o.range.start, o.range.end, o.block);
        (o.hash, place, o.variant, o.words, o.key)
    });
    let mut found = Vec::new();
    let mut repeats = FastSet::default();
    let mut across = Vec::new();
    // Sets and a list for each group of repeats, made once and cleared for the next.
    let (mut seen_keys, mut pages_seen, mut distinct) =
        (FastSet::default(), FastSet::default(), Vec::new());
    // Text written once, most of a site's, is no finding: its group is passed over before
    // it costs a set or a list.
    let groups = occurrences.chunk_by(|a, b| a.hash == b.hash);
    for group in groups.filter(|group| group.len() > 1) {
        // One piece of source text shown in several places counts once.
        seen_keys.clear();
        distinct.clear();
        distinct.extend(
            group
                .iter()
                .filter(|o| o.key.is_none_or(|key| seen_keys.insert(key))),
        );
        let Some((first, rest)) = distinct.split_first() else {
            continue;
        };
        // Versions of one page count as that page: the text is reported once per pair of
        // pages that are not versions of each other.
        pages_seen.clear();
        pages_seen.insert(first.variant);
        for occurrence in rest {
            repeats.insert(occurrence.block_key());
            if pages_seen.insert(occurrence.variant) {
                across.push((*occurrence, *first));
            }
        }
        for on_page in distinct.chunk_by(|a, b| a.page == b.page) {
            if on_page.len() >= 2 && on_page[0].words as usize >= kind.min_in_page_words {
                found.push(in_page(on_page, kind, pages));
            }
        }
    }
    let describe = |count: usize, file: &str, line: usize| {
        if count == 1 {
            format!("{} also appears in `{file}`, line {line}", kind.what)
        } else {
            format!(
                "shares {count} {}s with `{file}`, from line {line}",
                kind.what
            )
        }
    };
    found.extend(across_pages(
        across,
        kind.code,
        pages,
        files,
        describe,
        SAY_IT_ONCE,
    ));
    (found, repeats)
}

const SAY_IT_ONCE: &str =
    "say it once; text shared by pages belongs in a snippet (`{{#include snippets/…}}`)";

/// One error for text written several times in one page, at its second place.
fn in_page(on_page: &[&Occurrence], kind: &Kind<'_>, pages: &[RenderedPage]) -> Diagnostic {
    let message = if on_page.len() == 2 {
        format!("{} repeated in this page", kind.what)
    } else {
        format!("{} written {} times in this page", kind.what, on_page.len())
    };
    let mut diagnostic =
        Diagnostic::error(Code::Check(kind.code), locate(pages, on_page[1]), message)
            .with_label("repeated here")
            .with_note(locate(pages, on_page[0]), "first written here")
            .with_hint(SAY_IT_ONCE);
    for again in &on_page[2..] {
        diagnostic = diagnostic.with_related(locate(pages, again), "repeated here");
    }
    diagnostic
}

/// One warning per pair of pages for `repeats` — (the later place, the first place)
/// of text said on two pages that are not versions of each other — at the later page's
/// first repeat, every other place listed. `describe` words it from the count and the file
/// and line of the first place on the other page. The warnings come in the order of their
/// pairs of pages, and are written side by side.
pub(super) fn across_pages(
    repeats: Vec<(&Occurrence, &Occurrence)>,
    code: CheckCode,
    pages: &[RenderedPage],
    files: &SourceMap,
    describe: impl Fn(usize, &str, usize) -> String + Sync,
    hint: &'static str,
) -> Vec<Diagnostic> {
    let order = |o: &Occurrence| (o.page, o.range.start);
    // One sort puts each pair of pages' repeats together, in order. A large site has tens
    // of thousands of repeats: they are sorted as references beside a key read once, not
    // as copies of their places (96 bytes each), and the key ends in the repeat's number,
    // so the one order there is comes from a sort that moves fewer bytes.
    let mut keyed: Vec<_> = repeats
        .into_iter()
        .zip(0u32..)
        .map(|((later, earlier), at)| {
            let key = (
                later.variant,
                earlier.variant,
                order(later),
                order(earlier),
                at,
            );
            (key, (later, earlier))
        })
        .collect();
    keyed.sort_unstable_by_key(|&(key, _)| key);
    let pairs: Vec<_> = keyed
        .chunk_by(|(a, _), (b, _)| (a.0, a.1) == (b.0, b.1))
        .collect();
    pairs
        .into_par_iter()
        .map(|repeats| {
            let first_there = repeats
                .iter()
                .map(|&(_, (_, earlier))| earlier)
                .min_by_key(|o| order(o))
                .expect("a pair has a repeat");
            let there = locate(pages, first_there);
            let file = files.get(there.file);
            let message = describe(
                repeats.len(),
                file.display_path(),
                file.line(there.range.start),
            );
            let (_, (later, earlier)) = repeats[0];
            let mut diagnostic =
                Diagnostic::warning(Code::Check(code), locate(pages, later), message)
                    .with_label("repeated here")
                    .with_note(locate(pages, earlier), "first written here")
                    .with_hint(hint);
            diagnostic.related.reserve_exact(2 * (repeats.len() - 1));
            for &(_, (later, earlier)) in &repeats[1..] {
                diagnostic = diagnostic
                    .with_related(locate(pages, later), "repeated here")
                    .with_related(locate(pages, earlier), "first written here");
            }
            diagnostic
        })
        .collect()
}

pub(super) fn locate(pages: &[RenderedPage], occurrence: &Occurrence) -> Span {
    let page = &pages[occurrence.page()];
    let range = occurrence.range.start as usize..occurrence.range.end as usize;
    let span = page.origins.locate(range, page.file);
    // Point at the start of the text: a whole paragraph underlined says less than a caret.
    Span::new(
        span.file,
        span.range.start
            ..span
                .range
                .start
                .max(span.range.end.min(span.range.start + 1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::render::OriginMap;

    fn page(files: &mut SourceMap, path: &str, markdown: &str) -> RenderedPage {
        let file = files.add(path.into(), markdown.into());
        RenderedPage {
            path: path.to_owned(),
            markdown: markdown.into(),
            body_start: 0,
            html: None,
            front_matter: crate::model::FrontMatter::default(),
            origins: OriginMap::verbatim(file, 0),
            file,
            subject: None,
        }
    }

    /// An occurrence of text `hash` on `page` (a version of page `variant`), written at
    /// `key` of one source file.
    fn occurrence(hash: u64, page: u32, variant: u32, start: u32, key: u32) -> Occurrence {
        let mut files = SourceMap::default();
        let file = files.add("content/x.toml".into(), "".into());
        Occurrence {
            hash,
            page,
            variant,
            block: start / 10,
            range: start..start + 10,
            key: Some((file, key)),
            words: 9,
        }
    }

    const SENTENCE: Kind<'static> = Kind {
        code: CheckCode::DuplicateSentence,
        what: "sentence",
        min_in_page_words: 8,
    };

    /// Three pages of lines of ten bytes.
    fn pages(files: &mut SourceMap) -> Vec<RenderedPage> {
        let text = "123456789\n".repeat(10);
        ["a.md", "b.md", "c.md"]
            .iter()
            .map(|path| page(files, path, &text))
            .collect()
    }

    fn reported(found: &[Diagnostic]) -> Vec<(Severity, &str, usize)> {
        found
            .iter()
            .map(|d| (d.severity, d.message.as_str(), d.related.len()))
            .collect()
    }

    #[test]
    fn a_repeat_in_a_page_is_an_error_across_pages_a_warning_and_one_source_is_no_repeat() {
        let mut files = SourceMap::default();
        let pages = pages(&mut files);
        let find = |occurrences| find(occurrences, &SENTENCE, &pages, &files, &FastSet::default());
        // The same text twice in a.md, and once in b.md.
        let (found, repeats) = find(vec![
            occurrence(7, 0, 0, 0, 0),
            occurrence(7, 0, 0, 40, 40),
            occurrence(7, 1, 1, 20, 100),
        ]);
        assert_eq!(
            reported(&found),
            [
                (Severity::Error, "sentence repeated in this page", 0),
                (
                    Severity::Warning,
                    "sentence also appears in `a.md`, line 1",
                    0
                ),
            ]
        );
        assert_eq!(repeats, FastSet::from_iter([(0, 4), (1, 2)]));
        // Written once (one key: a snippet, a template line) and shown twice: no finding.
        let (found, _) = find(vec![occurrence(7, 0, 0, 0, 5), occurrence(7, 1, 1, 0, 5)]);
        assert!(found.is_empty(), "{found:?}");
        // Different texts never meet.
        let (found, _) = find(vec![occurrence(7, 0, 0, 0, 0), occurrence(8, 0, 0, 40, 40)]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn repeats_between_two_pages_are_one_finding_and_short_ones_in_a_page_none() {
        let mut files = SourceMap::default();
        let pages = pages(&mut files);
        // Four sentences of a.md said again in b.md, in the opposite order, one of them
        // also in c.md.
        let mut occurrences = Vec::new();
        for (i, hash) in (0u32..).zip([1, 2, 3, 4]) {
            occurrences.push(occurrence(hash, 0, 0, 20 + 10 * i, i));
            occurrences.push(occurrence(hash, 1, 1, 80 - 10 * i, 10 + i));
        }
        occurrences.push(occurrence(3, 2, 2, 0, 20));
        let find =
            |occurrences| find(occurrences, &SENTENCE, &pages, &files, &FastSet::default()).0;
        let found = find(occurrences);
        assert_eq!(
            reported(&found),
            [
                (
                    Severity::Warning,
                    "shares 4 sentences with `a.md`, from line 3",
                    6
                ),
                (
                    Severity::Warning,
                    "sentence also appears in `a.md`, line 5",
                    0
                ),
            ]
        );
        let line = |span: &Span| files.get(span.file).line(span.range.start);
        assert_eq!(line(&found[0].span), 6);
        // The other places in b.md's order, each beside the place in a.md it repeats.
        let related: Vec<_> = found[0].related.iter().map(|l| line(&l.span)).collect();
        assert_eq!(related, [7, 5, 8, 4, 9, 3]);
        // A sentence of seven words three times in one page: below the in-page minimum.
        let short = |start| Occurrence {
            words: 7,
            ..occurrence(9, 0, 0, start, start)
        };
        let found = find(vec![short(0), short(30), short(60)]);
        assert!(found.is_empty(), "{found:?}");
        let long = |start| occurrence(9, 0, 0, start, start);
        let found = find(vec![long(0), long(30), long(60)]);
        assert_eq!(
            reported(&found),
            [(Severity::Error, "sentence written 3 times in this page", 1)]
        );
    }

    #[test]
    fn the_order_occurrences_come_in_changes_nothing() {
        let mut files = SourceMap::default();
        let pages = pages(&mut files);
        // Repeats in a page, across pages, across versions of one page, and one source
        // text shown twice: whatever order they come in, the same findings.
        let occurrences = vec![
            occurrence(1, 0, 0, 0, 0),
            occurrence(1, 0, 0, 40, 1),
            occurrence(1, 2, 2, 20, 2),
            occurrence(2, 0, 0, 10, 3),
            occurrence(2, 1, 0, 10, 4),
            occurrence(2, 2, 2, 60, 5),
            occurrence(3, 1, 0, 30, 6),
            occurrence(3, 2, 2, 30, 6),
            occurrence(4, 2, 2, 70, 7),
            occurrence(4, 0, 0, 70, 8),
            occurrence(4, 1, 0, 80, 9),
        ];
        let find = |occurrences| {
            let (found, repeats) =
                find(occurrences, &SENTENCE, &pages, &files, &FastSet::default());
            let mut repeats = Vec::from_iter(repeats);
            repeats.sort_unstable();
            (format!("{found:#?}"), repeats)
        };
        let expected = find(occurrences.clone());
        assert!(
            expected.0.contains("repeated in this page"),
            "{}",
            expected.0
        );
        assert!(
            expected.0.contains("shares 3 sentences with `a.md`"),
            "{}",
            expected.0
        );
        for turn in 1..occurrences.len() {
            let mut turned = occurrences.clone();
            turned.rotate_left(turn);
            assert_eq!(find(turned), expected, "rotated by {turn}");
        }
        let mut reversed = occurrences;
        reversed.reverse();
        assert_eq!(find(reversed), expected, "reversed");
    }

    #[test]
    fn versions_of_one_page_share_text_and_count_as_that_page() {
        let mut files = SourceMap::default();
        let pages = pages(&mut files);
        let find =
            |occurrences| find(occurrences, &SENTENCE, &pages, &files, &FastSet::default()).0;
        // a.md and b.md are versions of one page (variant 0); c.md is another page.
        let found = find(vec![occurrence(7, 0, 0, 0, 0), occurrence(7, 1, 0, 0, 1)]);
        assert!(found.is_empty(), "{found:?}");
        let found = find(vec![
            occurrence(7, 0, 0, 0, 0),
            occurrence(7, 1, 0, 0, 1),
            occurrence(7, 2, 2, 0, 2),
        ]);
        assert_eq!(
            reported(&found),
            [(
                Severity::Warning,
                "sentence also appears in `a.md`, line 1",
                0
            )]
        );
    }

    #[test]
    fn variant_patterns_leave_out_the_folder_that_differs() {
        let patterns = ["reference/*/".to_owned()];
        let key = |path| variant_key(&patterns, path);
        assert_eq!(
            key("reference/7.4/Mod/Get-Item.md"),
            key("reference/7.5/Mod/Get-Item.md")
        );
        assert_eq!(
            key("Reference/5.1/Mod/Get-Item.md"),
            key("reference/7.5/Mod/Get-Item.md")
        );
        assert_ne!(
            key("reference/7.4/Mod/Get-Item.md"),
            key("reference/7.4/Mod/Set-Item.md")
        );
        assert_eq!(key("reference/index.md"), None);
        assert_eq!(key("docs/7.4/x.md"), None);
    }

    #[test]
    fn blocks_already_reported_as_paragraphs_are_skipped() {
        let mut files = SourceMap::default();
        let pages = pages(&mut files);
        let skip = FastSet::from_iter([(0, 4)]);
        let (found, _) = find(
            vec![occurrence(7, 0, 0, 0, 0), occurrence(7, 0, 0, 40, 40)],
            &SENTENCE,
            &pages,
            &files,
            &skip,
        );
        assert!(found.is_empty());
    }
}

//! `duplicate-paragraph` and `duplicate-sentence`: the same text twice, compared in its
//! normalized form (see `text`). Twice in one page is an error, across pages a warning.
//! Text that one snippet or one template line writes into several places has one origin
//! and is not a duplicate: occurrences are compared by where they were written.

use std::collections::HashSet;
use std::ops::Range;

use xxhash_rust::xxh3::xxh3_64;

use super::page::Facts;
use super::text;
use crate::diag::{CheckCode, Code, Diagnostic, FileId, Severity, Span};
use crate::render::RenderedPage;

/// Sentences shorter than this many words ("See below.") repeat by nature.
pub(super) const MIN_SENTENCE_WORDS: usize = 5;

/// One place a piece of text occurs.
#[derive(Debug, Clone)]
pub(super) struct Occurrence {
    /// Hash of the normalized text.
    pub hash: u64,
    /// Page number.
    pub page: usize,
    /// Block number within the page.
    pub block: usize,
    /// Range in the page's Markdown.
    pub range: Range<usize>,
    /// Where it was written; equal keys mean one piece of source text.
    pub key: Option<(FileId, usize)>,
}

/// The sentences and multi-sentence paragraphs of page `at`, long enough to compare.
pub(super) fn occurrences(
    at: usize,
    page: &RenderedPage,
    facts: &Facts,
) -> (Vec<Occurrence>, Vec<Occurrence>) {
    let mut sentences = Vec::new();
    for (index, sentence) in facts.sentences.iter().enumerate() {
        let normalized = text::normalize(facts.sentence_text(index));
        if text::words(&normalized).count() < MIN_SENTENCE_WORDS {
            continue;
        }
        let range = facts.sentence_range(index);
        sentences.push(Occurrence {
            hash: xxh3_64(normalized.as_bytes()),
            page: at,
            block: sentence.block,
            key: page.origins.source_key(range.clone()),
            range,
        });
    }
    let mut paragraphs = Vec::new();
    for (index, block) in facts.blocks.iter().enumerate() {
        if facts.sentences.iter().filter(|s| s.block == index).count() < 2 {
            continue;
        }
        let normalized = text::normalize(&block.text);
        let range = block.source_range(&(0..block.text.len()));
        paragraphs.push(Occurrence {
            hash: xxh3_64(normalized.as_bytes()),
            page: at,
            block: index,
            key: page.origins.source_key(range.clone()),
            range,
        });
    }
    (sentences, paragraphs)
}

/// Reports repeated text among `occurrences` (all of one kind). Returns the findings and
/// the `(page, block)` of every repeat, so repeated paragraphs' sentences are not reported again.
pub(super) fn find(
    mut occurrences: Vec<Occurrence>,
    code: CheckCode,
    what: &str,
    pages: &[RenderedPage],
    skip_blocks: &HashSet<(usize, usize)>,
) -> (Vec<Diagnostic>, HashSet<(usize, usize)>) {
    occurrences.retain(|o| !skip_blocks.contains(&(o.page, o.block)));
    occurrences.sort_by_key(|o| (o.hash, o.page, o.range.start));
    let mut found = Vec::new();
    let mut repeats = HashSet::new();
    for group in occurrences.chunk_by(|a, b| a.hash == b.hash) {
        // One piece of source text shown in several places counts once.
        let mut seen_keys = HashSet::new();
        let distinct: Vec<&Occurrence> = group
            .iter()
            .filter(|o| o.key.is_none_or(|key| seen_keys.insert(key)))
            .collect();
        let Some((first, rest)) = distinct.split_first() else {
            continue;
        };
        for (index, occurrence) in rest.iter().enumerate() {
            let same_page = distinct[..=index]
                .iter()
                .find(|o| o.page == occurrence.page);
            let (severity, earlier, message) = match same_page {
                Some(earlier) => (
                    Severity::Error,
                    *earlier,
                    format!("{what} repeated in this page"),
                ),
                None => (
                    Severity::Warning,
                    *first,
                    format!("{what} also appears in `{}`", pages[first.page].path),
                ),
            };
            repeats.insert((occurrence.page, occurrence.block));
            let diagnostic = Diagnostic::error(Code::Check(code), locate(pages, occurrence), message)
                .with_label("repeated here")
                .with_note(locate(pages, earlier), "first written here")
                .with_hint("say it once; text shared by pages belongs in a snippet (`{{#include snippets/…}}`)");
            found.push(Diagnostic {
                severity,
                ..diagnostic
            });
        }
    }
    (found, repeats)
}

pub(super) fn locate(pages: &[RenderedPage], occurrence: &Occurrence) -> Span {
    let page = &pages[occurrence.page];
    let span = page.origins.locate(occurrence.range.clone(), page.file);
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

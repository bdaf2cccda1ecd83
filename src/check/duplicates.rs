//! `duplicate-paragraph` and `duplicate-sentence`: the same text twice, compared in its
//! normalized form (see `text`). Twice in one page is an error, across pages a warning.
//! Text that one snippet or one template line writes into several places has one origin
//! and is not a duplicate: occurrences are compared by where they were written.

use std::collections::{HashMap, HashSet};
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

/// A sentence or paragraph of a page with its normalized text, computed once for both
/// the exact and the near-duplicate checks.
pub(super) struct Text {
    pub occurrence: Occurrence,
    pub normalized: String,
    pub words: usize,
}

/// The texts of page `at`: every sentence, and every paragraph of two sentences or more;
/// table cells and declared values are data, not prose, and are left out.
pub(super) fn texts(at: usize, page: &RenderedPage, facts: &Facts) -> (Vec<Text>, Vec<Text>) {
    let text = |block: usize, range: Range<usize>, normalized: String| {
        let words = text::words(&normalized).count();
        let occurrence = Occurrence {
            hash: xxh3_64(normalized.as_bytes()),
            page: at,
            block,
            key: page.origins.source_key(range.clone()),
            range,
        };
        Text {
            occurrence,
            normalized,
            words,
        }
    };
    let sentences: Vec<Text> = facts
        .sentences
        .iter()
        .enumerate()
        .filter(|(_, sentence)| !facts.blocks[sentence.block].cell)
        // Declared values shown as data (a source's legal basis, its categories) repeat
        // from item to item like table cells: they are not prose.
        .filter(|&(index, _)| !page.origins.is_data(facts.sentence_range(index)))
        .map(|(index, sentence)| {
            text(
                sentence.block,
                facts.sentence_range(index),
                text::normalize(facts.sentence_text(index)),
            )
        })
        .collect();
    // A paragraph is its sentences with the white space between them collapsed: its
    // normalized form is theirs, joined.
    let mut paragraphs = Vec::new();
    for group in sentences
        .chunk_by(|a, b| a.occurrence.block == b.occurrence.block)
        .filter(|g| g.len() >= 2)
    {
        let block = group[0].occurrence.block;
        let range = group[0].occurrence.range.start..group[group.len() - 1].occurrence.range.end;
        let joined: Vec<&str> = group.iter().map(|t| t.normalized.as_str()).collect();
        paragraphs.push(text(block, range, joined.join(" ")));
    }
    (sentences, paragraphs)
}

/// The occurrences worth comparing for exact repeats: sentences of at least
/// [`MIN_SENTENCE_WORDS`] words, and paragraphs.
pub(super) fn occurrences(
    sentences: &[Text],
    paragraphs: &[Text],
) -> (Vec<Occurrence>, Vec<Occurrence>) {
    let long = sentences
        .iter()
        .filter(|t| t.words >= MIN_SENTENCE_WORDS)
        .map(|t| t.occurrence.clone())
        .collect();
    (
        long,
        paragraphs.iter().map(|t| t.occurrence.clone()).collect(),
    )
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
        // The first occurrence on each page, to tell a repeat within a page from one across.
        let mut first_on_page: HashMap<usize, &Occurrence> = HashMap::from([(first.page, *first)]);
        for occurrence in rest {
            let same_page = first_on_page.get(&occurrence.page).copied();
            first_on_page.entry(occurrence.page).or_insert(occurrence);
            let (severity, earlier, message) = match same_page {
                Some(earlier) => (
                    Severity::Error,
                    earlier,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceMap;
    use crate::render::OriginMap;

    fn page(files: &mut SourceMap, path: &str, markdown: &str) -> RenderedPage {
        let file = files.add(path.into(), markdown.into());
        RenderedPage {
            path: path.to_owned(),
            markdown: markdown.to_owned(),
            body_start: 0,
            html: None,
            origins: OriginMap::verbatim(file, 0),
            file,
            subject: None,
        }
    }

    /// An occurrence of text `hash` on `page`, written at `key` of one source file.
    fn occurrence(hash: u64, page: usize, block: usize, start: usize, key: usize) -> Occurrence {
        let mut files = SourceMap::default();
        let file = files.add("content/x.toml".into(), "".into());
        Occurrence {
            hash,
            page,
            block,
            range: start..start + 10,
            key: Some((file, key)),
        }
    }

    #[test]
    fn a_repeat_in_a_page_is_an_error_across_pages_a_warning_and_one_source_is_no_repeat() {
        let mut files = SourceMap::default();
        let pages = [
            page(&mut files, "a.md", &"x".repeat(100)),
            page(&mut files, "b.md", &"y".repeat(100)),
        ];
        let found = |occurrences| {
            let (found, repeats) = find(
                occurrences,
                CheckCode::DuplicateSentence,
                "sentence",
                &pages,
                &HashSet::new(),
            );
            let found: Vec<(Severity, String)> =
                found.into_iter().map(|d| (d.severity, d.message)).collect();
            (found, repeats)
        };
        // The same text twice in a.md, and once in b.md.
        let (reported, repeats) = found(vec![
            occurrence(7, 0, 0, 0, 0),
            occurrence(7, 0, 1, 40, 40),
            occurrence(7, 1, 0, 0, 100),
        ]);
        assert_eq!(
            reported,
            [
                (Severity::Error, "sentence repeated in this page".to_owned()),
                (
                    Severity::Warning,
                    "sentence also appears in `a.md`".to_owned()
                ),
            ]
        );
        assert_eq!(repeats, HashSet::from([(0, 1), (1, 0)]));
        // Written once (one key: a snippet, a template line) and shown twice: no finding.
        let (reported, _) = found(vec![occurrence(7, 0, 0, 0, 5), occurrence(7, 1, 0, 0, 5)]);
        assert!(reported.is_empty(), "{reported:?}");
        // Different texts never meet.
        let (reported, _) = found(vec![occurrence(7, 0, 0, 0, 0), occurrence(8, 0, 1, 40, 40)]);
        assert!(reported.is_empty(), "{reported:?}");
    }

    #[test]
    fn blocks_already_reported_as_paragraphs_are_skipped() {
        let mut files = SourceMap::default();
        let pages = [page(&mut files, "a.md", &"x".repeat(100))];
        let skip = HashSet::from([(0, 1)]);
        let (found, _) = find(
            vec![occurrence(7, 0, 0, 0, 0), occurrence(7, 0, 1, 40, 40)],
            CheckCode::DuplicateSentence,
            "sentence",
            &pages,
            &skip,
        );
        assert!(found.is_empty());
    }
}

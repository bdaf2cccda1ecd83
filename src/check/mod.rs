//! Checks: pure functions over the model and the rendered site that return diagnostics.
//! One file per check. Pages are analysed once, in parallel, and every finding is located
//! through the page's origin map at the line the writer must edit. Nothing here reads
//! files or prints.

mod declaration;
mod duplicates;
mod front_matter;
mod headings;
mod links;
mod mismatch;
mod near;
mod page;
mod suppress;
mod text;

pub(crate) use suppress::apply as apply_suppressions;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

pub(crate) use crate::diag::{CheckCode, Level, Summary};

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Severity, SourceMap};
use crate::hash::FastSet;
use crate::markdown::Document;
use crate::model::Model;
use crate::render::{RenderedPage, Site};
use page::Facts;

/// The findings of a run and its counts.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Findings, unsorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts.
    pub summary: Summary,
}

impl Report {
    fn extend(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(found);
    }
}

/// What one page contributes: the findings about it alone, and what the site-wide checks
/// compare across pages.
#[derive(Default)]
struct PageFindings {
    diagnostics: Vec<Diagnostic>,
    sentences: Vec<duplicates::Occurrence>,
    paragraphs: Vec<duplicates::Occurrence>,
    near_sentences: near::Items,
    near_paragraphs: near::Items,
}

impl PageFindings {
    /// No findings yet, with room for what pages of `bytes` bytes of Markdown give. The
    /// site's lists grow under the pass's lock, where each growth copied the whole list
    /// while the other workers waited: the room is taken once, generously (a Learn
    /// repository keeps a sentence every 330 bytes and a shingle every 30; the room is
    /// for two to four times as many). Room never written to takes address space, not
    /// memory.
    fn with_room(bytes: usize) -> Self {
        Self {
            diagnostics: Vec::new(),
            sentences: Vec::with_capacity(bytes / 128),
            paragraphs: Vec::with_capacity(bytes / 256),
            near_sentences: near::Items::with_room(bytes / 128, bytes / 8),
            near_paragraphs: near::Items::with_room(bytes / 256, bytes / 8),
        }
    }

    /// Adds the findings of the page after the last one added.
    fn append(&mut self, page: Self) {
        self.diagnostics.extend(page.diagnostics);
        self.sentences.extend(page.sentences);
        self.paragraphs.extend(page.paragraphs);
        self.near_sentences.append(page.near_sentences);
        self.near_paragraphs.append(page.near_paragraphs);
    }

    /// Gives back what the lists reserved beyond their length.
    fn shrink(mut self) -> Self {
        self.diagnostics.shrink_to_fit();
        self.sentences.shrink_to_fit();
        self.paragraphs.shrink_to_fit();
        self.near_sentences.shrink_to_fit();
        self.near_paragraphs.shrink_to_fit();
        self
    }
}

/// What the pass over each page gives, in page order whatever order pages finish in: a
/// page done before the pages ahead of it waits for them (with every worker taking the
/// next page in turn, a page or two), the others are added at once. The site's lists grow
/// as the pass goes; no page's lists are kept to be joined after it, beside the joined
/// copy (at 10,000 pages, some 100 MB of the peak).
struct InOrder<T> {
    next: usize,
    waiting: BTreeMap<usize, (Facts, PageFindings, T)>,
    kept: Vec<Facts>,
    found: PageFindings,
    also: Vec<T>,
}

impl<T> InOrder<T> {
    fn new(pages: usize, bytes: usize) -> Self {
        Self {
            next: 0,
            waiting: BTreeMap::new(),
            kept: Vec::with_capacity(pages),
            found: PageFindings::with_room(bytes),
            also: Vec::with_capacity(pages),
        }
    }

    /// Takes what page `at` gave.
    fn put(&mut self, at: usize, done: (Facts, PageFindings, T)) {
        self.waiting.insert(at, done);
        while let Some((facts, found, also)) = self.waiting.remove(&self.next) {
            self.kept.push(facts);
            self.found.append(found);
            self.also.push(also);
            self.next += 1;
        }
    }
}

/// Runs every check over the model and the rendered site: first each page alone, in
/// parallel, then what needs every page. Each page's parse is also given to `also` (a
/// build renders the page's HTML from it), whose results go to `gather` in page order,
/// beside the checks that need every page; what `gather` makes comes back.
pub(crate) fn run<T: Send, U: Send>(
    model: &Model,
    site: &Site,
    config: &Config,
    files: &SourceMap,
    today: jiff::civil::Date,
    also: impl Fn(&RenderedPage, &Document<'_>) -> T + Sync,
    gather: impl FnOnce(Vec<T>) -> U + Send,
) -> (Report, U) {
    let pages = &site.pages;
    let targets = mismatch::Targets::new(model, config.site_url.as_deref());
    let rules = duplicates::Rules::new(config, pages);
    // Every worker takes the next page until none is left, so pages finish nearly in
    // order (see `InOrder`).
    let bytes = pages.iter().map(|p| p.markdown.len() - p.body_start).sum();
    let (next, done) = (
        AtomicUsize::new(0),
        Mutex::new(InOrder::new(pages.len(), bytes)),
    );
    rayon::broadcast(|_| {
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(page) = pages.get(at) else { break };
            let body = Document::parse(&page.markdown[page.body_start..]);
            let also = also(page, &body);
            let (facts, found) = each_page(at, page, body, &targets, &rules);
            let mut in_order = done.lock().unwrap_or_else(PoisonError::into_inner);
            in_order.put(at, (facts, found, also));
        }
    });
    let InOrder {
        kept, found, also, ..
    } = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    let each = found.shrink();
    let mut report = Report {
        diagnostics: each.diagnostics,
        summary: Summary {
            pages: pages.len(),
            ..Summary::default()
        },
    };
    // Three independent chains over the whole site, side by side: links, exact repeats
    // (paragraphs, then the sentences not inside them), near repeats (likewise). Their
    // findings join the report in this order whichever finishes first. The pages' own
    // results are gathered beside them.
    let links = || {
        let found = links::check_site(pages, &kept, model, &site.layout_ids, config);
        drop(kept); // here, not after the longest chain
        found
    };
    let exact = || {
        let (paragraphs, repeated) = duplicates::find(
            each.paragraphs,
            &duplicates::Kind {
                code: CheckCode::DuplicateParagraph,
                what: "paragraph",
                min_in_page_words: 0,
            },
            pages,
            files,
            &FastSet::default(),
        );
        let sentences = duplicates::Kind {
            code: CheckCode::DuplicateSentence,
            what: "sentence",
            min_in_page_words: rules.min_in_page_words,
        };
        let (sentences, _) = duplicates::find(each.sentences, &sentences, pages, files, &repeated);
        [paragraphs, sentences]
    };
    // The sentences' search for near repeats runs beside the paragraphs': only which of
    // its pairs are reported waits for the paragraphs' findings.
    let near = || {
        let sentences = &each.near_sentences;
        let ((paragraphs, blocks), similar) = rayon::join(
            || {
                let items = each.near_paragraphs;
                let (similar, no_skip) = (near::pairs(&items), FastSet::default());
                near::report(&items, similar, "paragraph", pages, files, &no_skip)
            },
            || near::pairs(sentences),
        );
        let (sentences, _) = near::report(sentences, similar, "sentence", pages, files, &blocks);
        [paragraphs, sentences]
    };
    // The declarations' own checks need no page: they go beside the pages' results.
    let gather = || {
        let mut declared = declarations(model, config);
        declared.extend(declaration::stale_reviews(
            model,
            config.review_every,
            today,
        ));
        (gather(also), declared)
    };
    let (((found, counts), (gathered, declared)), (exact, near)) =
        rayon::join(|| rayon::join(links, gather), || rayon::join(exact, near));
    // Tens of thousands of findings on a large site: their list is grown once.
    let chains = exact.iter().chain(&near).map(Vec::len).sum::<usize>();
    report
        .diagnostics
        .reserve_exact(found.len() + chains + declared.len());
    report.extend(found);
    report.summary.links_checked = counts.checked;
    report.summary.links_unchecked = counts.unchecked;
    report.extend(exact.into_iter().chain(near).flatten());
    report.extend(declared);
    (report, gathered)
}

/// The checks of one page alone, and what the site-wide checks need of it. Only its links
/// and anchors are kept for the link check: the page's text (blocks and sentences) is
/// dropped as soon as the page is done, so memory holds one page's text per thread.
fn each_page(
    at: usize,
    page: &RenderedPage,
    body: Document<'_>,
    targets: &mismatch::Targets<'_>,
    rules: &duplicates::Rules,
) -> (Facts, PageFindings) {
    let mut facts = Facts::gather(&page.markdown, page.body_start, body);
    let mut diagnostics = Vec::new();
    // mdBook's `SUMMARY.md` is a table of contents, whose parts are level-1 headings.
    if page.path != "SUMMARY.md" {
        diagnostics.extend(headings::check(page, &facts));
    }
    diagnostics.extend(mismatch::check(page, &facts, targets));
    let (sentences, paragraphs, words) = duplicates::texts(at, page, &facts, rules);
    let (near_sentences, near_paragraphs) = near::items(&sentences, &paragraphs, &words);
    let (exact_sentences, exact_paragraphs) = duplicates::occurrences(sentences, paragraphs);
    facts.keep_links_and_anchors();
    let found = PageFindings {
        diagnostics,
        sentences: exact_sentences,
        paragraphs: exact_paragraphs,
        near_sentences,
        near_paragraphs,
    };
    (facts, found)
}

/// The checks of the declarations and front matter themselves, not of the pages.
fn declarations(model: &Model, config: &Config) -> Vec<Diagnostic> {
    let required = &config.required_front_matter;
    let mut found = Vec::new();
    for service in &model.services {
        found.extend(front_matter::service(service, required));
    }
    for page in &model.pages {
        found.extend(front_matter::page(page, required));
    }
    found.extend(declaration::unused_sources(model));
    found.extend(declaration::shared_privacy_urls(model));
    found
}

/// Applies the project's levels (`[preprocessor.privdoc.checks]`): drops findings of checks
/// set to `off` and re-levels the others. Load-stage codes keep their severity.
pub(crate) fn apply_levels(diagnostics: &mut Vec<Diagnostic>, levels: &BTreeMap<CheckCode, Level>) {
    diagnostics.retain_mut(|diagnostic| {
        let Code::Check(check) = diagnostic.code else {
            return true;
        };
        match levels.get(&check) {
            None => true,
            Some(Level::Off) => false,
            Some(Level::Error) => {
                diagnostic.severity = Severity::Error;
                true
            }
            Some(Level::Warn) => {
                diagnostic.severity = Severity::Warning;
                true
            }
        }
    });
}

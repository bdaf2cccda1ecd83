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

/// What one page gives the site: its links and anchors, its findings and texts, and what
/// `also` made of it.
type Done<T> = (Facts, PageFindings, T);

/// The site's lists, which the pass appends each page's results to, in page order.
struct Lists<T> {
    kept: Vec<Facts>,
    found: PageFindings,
    also: Vec<T>,
}

impl<T> Lists<T> {
    fn append(&mut self, (facts, found, also): Done<T>) {
        self.kept.push(facts);
        self.found.append(found);
        self.also.push(also);
    }
}

/// What the pass over each page gives, in page order whatever order pages finish in: a
/// page done before the pages ahead of it waits for them (with every worker taking the
/// next page in turn, a page or two). The site's lists grow as the pass goes; no page's
/// lists are kept to be joined after it, beside the joined copy (at 10,000 pages, some
/// 100 MB of the peak).
struct InOrder<T> {
    next: usize,
    waiting: BTreeMap<usize, Done<T>>,
    /// The site's lists, or `None` while a worker appends to them.
    lists: Option<Lists<T>>,
}

impl<T> InOrder<T> {
    fn new(pages: usize, bytes: usize) -> Self {
        Self {
            next: 0,
            waiting: BTreeMap::new(),
            lists: Some(Lists {
                kept: Vec::with_capacity(pages),
                found: PageFindings::with_room(bytes),
                also: Vec::with_capacity(pages),
            }),
        }
    }

    /// The pages waiting that come next, in order, taken out.
    fn next_run(&mut self) -> Vec<Done<T>> {
        let mut run = Vec::new();
        while let Some(done) = self.waiting.remove(&self.next) {
            run.push(done);
            self.next += 1;
        }
        run
    }
}

/// Takes what page `at` gave. The worker whose page comes next takes the site's lists
/// out and appends to them outside the lock, then takes the pages that came next in the
/// meantime, until none is left: the copies, and the page faults of the lists' fresh
/// memory, no longer hold up a worker that only leaves its page and goes on.
fn put<T>(pass: &Mutex<InOrder<T>>, at: usize, done: Done<T>) {
    let lock = || pass.lock().unwrap_or_else(PoisonError::into_inner);
    let mut state = lock();
    state.waiting.insert(at, done);
    let Some(mut lists) = state.lists.take() else {
        return; // the worker appending takes this page too
    };
    loop {
        let run = state.next_run();
        if run.is_empty() {
            state.lists = Some(lists);
            return;
        }
        drop(state);
        for done in run {
            lists.append(done);
        }
        state = lock();
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
            put(&done, at, (facts, found, also));
        }
    });
    let Lists { kept, found, also } = done
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .lists
        .expect("the last worker to append gives the lists back");
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages finished in any order, by several threads at once, all reach the site's
    /// lists, in page order.
    #[test]
    fn pages_reach_the_lists_in_page_order_whatever_order_they_finish_in() {
        const PAGES: usize = 2_000;
        let pass = Mutex::new(InOrder::new(PAGES, 0));
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for worker in 0..4 {
                let (pass, next) = (&pass, &next);
                scope.spawn(move || {
                    loop {
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        if at >= PAGES {
                            break;
                        }
                        // Some pages take longer, so that pages finish out of order.
                        if (at * 7 + worker) % 5 == 0 {
                            std::thread::yield_now();
                        }
                        put(pass, at, (Facts::default(), PageFindings::default(), at));
                    }
                });
            }
        });
        let lists = pass.into_inner().unwrap().lists.unwrap();
        assert_eq!(lists.also, (0..PAGES).collect::<Vec<_>>());
        assert_eq!(lists.kept.len(), PAGES);
    }
}

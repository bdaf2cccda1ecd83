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
mod text;

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

pub(crate) use crate::diag::{CheckCode, Level, Summary};

use crate::config::Config;
use crate::diag::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::render::Site;
use page::Facts;

/// The findings of a run and its counts.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Findings, unsorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts.
    pub summary: Summary,
}

/// Runs every check over the model and the rendered site.
#[must_use]
pub(crate) fn run(model: &Model, site: &Site, config: &Config, today: jiff::civil::Date) -> Report {
    let pages = &site.pages;
    let targets = mismatch::Targets::new(model, config.site_url.as_deref());
    // First each page alone, in parallel: its facts, the checks that need only them, and
    // what the site-wide checks compare. Only links and anchors outlive this pass: the
    // page's text (blocks and sentences) is dropped as soon as the page is done, so memory
    // holds one page's text per thread, not the whole site's.
    let per_page: Vec<_> = pages
        .par_iter()
        .enumerate()
        .map(|(at, page)| {
            let body =
                crate::load::split_front_matter(&page.markdown).map_or(0, |(_, start)| start);
            let mut facts = Facts::gather(&page.markdown, body);
            let mut found = Vec::new();
            // mdBook's `SUMMARY.md` is a table of contents, whose parts are level-1 headings.
            if page.path != "SUMMARY.md" {
                found.extend(headings::check(page, &facts));
            }
            found.extend(mismatch::check(page, &facts, &targets));
            let (sentences, paragraphs) = duplicates::texts(at, page, &facts);
            let occurrences = duplicates::occurrences(&sentences, &paragraphs);
            let near = near::items(&sentences, &paragraphs);
            facts.keep_links_and_anchors();
            (facts, found, occurrences, near)
        })
        .collect();
    let (facts, per_page): (Vec<Facts>, Vec<_>) = per_page
        .into_iter()
        .map(|(facts, found, occurrences, near)| (facts, (found, occurrences, near)))
        .unzip();
    let assets: HashSet<String> = model.assets.iter().cloned().collect();
    let layout_ids: HashSet<String> = site.layout_ids.iter().cloned().collect();
    let index = links::Index::new(
        pages.iter().map(|page| page.path.as_str()),
        &assets,
        &layout_ids,
    );
    let links: Vec<_> = (0..pages.len())
        .into_par_iter()
        .map(|at| links::check(at, pages, &facts, &index))
        .collect();
    drop(facts);
    let mut report = Report {
        summary: Summary {
            pages: pages.len(),
            ..Summary::default()
        },
        ..Report::default()
    };
    let (mut sentences, mut paragraphs, mut near_sentences, mut near_paragraphs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (
        (found, counts),
        (
            page_found,
            (page_sentences, page_paragraphs),
            (page_near_sentences, page_near_paragraphs),
        ),
    ) in links.into_iter().zip(per_page)
    {
        report.diagnostics.extend(found);
        report.diagnostics.extend(page_found);
        report.summary.links_checked += counts.checked;
        report.summary.links_unchecked += counts.unchecked;
        sentences.extend(page_sentences);
        paragraphs.extend(page_paragraphs);
        near_sentences.extend(page_near_sentences);
        near_paragraphs.extend(page_near_paragraphs);
    }
    let (found, repeated) = duplicates::find(
        paragraphs,
        CheckCode::DuplicateParagraph,
        "paragraph",
        pages,
        &HashSet::new(),
    );
    report.diagnostics.extend(found);
    let (found, _) = duplicates::find(
        sentences,
        CheckCode::DuplicateSentence,
        "sentence",
        pages,
        &repeated,
    );
    report.diagnostics.extend(found);
    let (found, near_blocks) = near::find(near_paragraphs, "paragraph", pages, &HashSet::new());
    report.diagnostics.extend(found);
    report
        .diagnostics
        .extend(near::find(near_sentences, "sentence", pages, &near_blocks).0);
    report.diagnostics.extend(declarations(model, config));
    report.diagnostics.extend(declaration::stale_reviews(
        model,
        config.review_every,
        today,
    ));
    report
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

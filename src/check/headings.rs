//! `heading-structure`: skipped heading levels and more than one H1 (warnings), two
//! headings with the same id (an error: one of them can never be linked to).

use std::hash::BuildHasherDefault;

use super::page::Facts;
use crate::diag::{CheckCode, Code, Diagnostic};
use crate::hash::FastMap;
use crate::render::RenderedPage;

/// Checks the headings of one page.
pub(super) fn check(page: &RenderedPage, facts: &Facts) -> Vec<Diagnostic> {
    let code = Code::Check(CheckCode::HeadingStructure);
    let locate = |range: &std::ops::Range<usize>| page.origins.locate(range.clone(), page.file);
    let mut found = Vec::new();
    let mut previous: Option<u8> = None;
    let mut first_h1 = None;
    let mut ids: FastMap<&str, &std::ops::Range<usize>> =
        FastMap::with_capacity_and_hasher(facts.headings.len(), BuildHasherDefault::default());
    for heading in &facts.headings {
        if let Some(previous) = previous
            && heading.level > previous + 1
        {
            let message = format!("heading level jumps from {previous} to {}", heading.level);
            let hint = format!(
                "use a level-{} heading here, or add the missing level above it",
                previous + 1
            );
            found.push(Diagnostic::warning(code, locate(&heading.range), message).with_hint(hint));
        }
        previous = Some(heading.level);
        if heading.level == 1 {
            match first_h1 {
                None => first_h1 = Some(&heading.range),
                Some(first) => found.push(
                    Diagnostic::warning(
                        code,
                        locate(&heading.range),
                        "more than one level-1 heading",
                    )
                    .with_note(locate(first), "the first one")
                    .with_hint("a page has one title; make this a level-2 heading"),
                ),
            }
        }
        if let Some(first) = ids.insert(&heading.id, &heading.range) {
            found.push(
                Diagnostic::error(
                    code,
                    locate(&heading.range),
                    format!("two headings have the id `{}`", heading.id),
                )
                .with_note(locate(first), "the other heading")
                .with_hint("give one of them another `{#id}`"),
            );
        }
    }
    found
}

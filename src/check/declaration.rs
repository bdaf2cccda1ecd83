//! `declaration` findings that need the whole model: sources no service uses, and two
//! sources that claim one privacy page. The per-file declaration errors (unknown ids, bad
//! periods) are found while resolving.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{CheckCode, Code, Diagnostic, Span};
use crate::model::Model;

/// A source file that no service lists is probably a leftover (warning).
pub(super) fn unused_sources(model: &Model) -> Vec<Diagnostic> {
    let used: BTreeSet<_> = model
        .services
        .iter()
        .flat_map(|service| &service.sources)
        .map(|entry| &entry.source)
        .collect();
    model
        .sources
        .iter()
        .filter(|source| !used.contains(&source.id))
        .map(|source| {
            Diagnostic::warning(
                Code::Check(CheckCode::Declaration),
                Span::file_start(source.file),
                format!("source `{}` is not used by any service", source.id),
            )
            .with_hint("list it in a service's `[[sources]]`, or delete the file")
        })
        .collect()
}

/// Two sources with one `privacy-url`: the model page's copy-pasted "for more information"
/// link, moved into the declarations. Every service subsection about the second source
/// would send readers to the first one's privacy page.
pub(super) fn shared_privacy_urls(model: &Model) -> Vec<Diagnostic> {
    let mut first: BTreeMap<String, &crate::model::Source> = BTreeMap::new();
    let mut found = Vec::new();
    for source in &model.sources {
        let (Some(url), Some(span)) = (&source.privacy_url, &source.privacy_url_span) else {
            continue;
        };
        let key = url.trim().trim_end_matches('/').to_lowercase();
        match first.get(&key) {
            None => {
                first.insert(key, source);
            }
            Some(other) => found.push(
                Diagnostic::error(
                    Code::Check(CheckCode::Declaration),
                    span.clone(),
                    format!(
                        "`privacy-url` of `{}` is also the privacy page of `{}`",
                        source.id, other.id
                    ),
                )
                .with_label("declared twice")
                .with_note(
                    other
                        .privacy_url_span
                        .clone()
                        .unwrap_or_else(|| Span::file_start(other.file)),
                    "first declared here",
                )
                .with_hint(format!(
                    "link {} to its own privacy page (copied from `{}`?)",
                    source.name, other.id
                )),
            ),
        }
    }
    found
}

/// `stale-review`: a service page whose `reviewed` date is older than `review-every`
/// (warning): a privacy page nobody has read for a year may no longer be true.
pub(super) fn stale_reviews(
    model: &Model,
    every: Option<crate::model::Period>,
    today: jiff::civil::Date,
) -> Vec<Diagnostic> {
    let Some(every) = every else {
        return Vec::new();
    };
    model
        .services
        .iter()
        .filter_map(|service| {
            let (reviewed, span) = service.reviewed.as_ref()?;
            let due = every.after(*reviewed)?;
            (due < today).then(|| {
                Diagnostic::warning(
                    Code::Check(CheckCode::StaleReview),
                    span.clone(),
                    format!("`{}` was last reviewed on {reviewed}, more than {every} ago (review was due {due})", service.id),
                )
                .with_hint("review the page, then set `reviewed` to the day you did")
            })
        })
        .collect()
}

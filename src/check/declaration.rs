//! `declaration` findings that need the whole model: sources no service uses. The
//! per-file declaration errors (unknown ids, bad periods) are found while resolving.

use std::collections::BTreeSet;

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

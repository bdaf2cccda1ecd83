//! The sources section and the per-source subsections of a service page: each source with
//! its purpose and what this use declares (data, legal basis, subjects, scope), nested as
//! declared; each subsection ending with that source's own privacy link.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Model, Prose, SourceId, SourceUse};
use crate::render::origin::{Anchor, Marks};
use crate::render::sentence;

#[derive(Serialize)]
pub(super) struct SourceItem<'a> {
    indent: String,
    id: &'a str,
    name: &'a str,
    url: &'a str,
    /// The source's own page, relative to the service page.
    page: String,
    purpose: String,
    /// What this use declares beyond its purpose, each a sentence.
    facts: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct DetailView<'a> {
    id: &'a str,
    name: &'a str,
    body: String,
    privacy_url: Option<&'a str>,
    privacy_title: &'a str,
}

/// What one use declares, as sentences for the sources list and the source's page:
/// "Applies to Windows 10 and Windows 11 devices.", "Data: …", "Legal basis: …", "Data
/// subjects: …". Each is tagged as written at the use's declaration, so the same fact on
/// the service page and the source page is one piece of text, not a repeat.
pub(crate) fn use_facts(entry: &SourceUse, model: &Model, marks: &mut Marks) -> Vec<String> {
    let anchor = Anchor {
        file: entry.span.file,
        offset: entry.span.range.start,
        exact: false,
        data: true,
    };
    plain_facts(entry, model)
        .iter()
        .map(|fact| marks.wrap(anchor, fact))
        .collect()
}

fn plain_facts(entry: &SourceUse, model: &Model) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(scope) = &entry.applies_to {
        facts.push(format!("Applies to {}", sentence(scope)));
    }
    let categories = entry.categories(model.source(&entry.source));
    if !categories.is_empty() {
        facts.push(format!("Data: {}", sentence(&categories.join(", "))));
    }
    if let Some(basis) = entry.legal_basis {
        facts.push(format!("Legal basis: {}.", basis.phrase()));
    }
    if !entry.subjects.is_empty() {
        facts.push(format!(
            "Data subjects: {}",
            sentence(&entry.subjects.join(", "))
        ));
    }
    facts
}

/// The sources in list order: each top-level source followed by the ones nested under it.
/// `facts` holds, for each of `uses` in order, what [`use_facts`] made of it; `here` is the
/// service page's path.
pub(super) fn items<'a>(
    here: &str,
    uses: &'a [SourceUse],
    model: &'a Model,
    mut facts: Vec<Vec<String>>,
    prose: &mut impl FnMut(&Prose) -> String,
) -> Vec<SourceItem<'a>> {
    // Each source's children, gathered once: a page can list thousands of sources.
    let mut children: HashMap<Option<&str>, Vec<(usize, &SourceUse)>> = HashMap::new();
    for (at, entry) in uses.iter().enumerate() {
        children
            .entry(entry.under.as_ref().map(SourceId::as_str))
            .or_default()
            .push((at, entry));
    }
    let mut items = Vec::new();
    // Depth first, in declaration order, without recursion.
    let mut stack: Vec<(usize, &SourceUse, usize)> = children
        .get(&None)
        .map(|top| {
            top.iter()
                .rev()
                .map(|&(at, entry)| (at, entry, 0))
                .collect()
        })
        .unwrap_or_default();
    while let Some((at, entry, depth)) = stack.pop() {
        let Some(source) = model.source(&entry.source) else {
            continue;
        };
        items.push(SourceItem {
            indent: "  ".repeat(depth),
            id: source.id.as_str(),
            name: &source.name,
            url: &source.url,
            page: super::super::paths::relative(here, &source.id.page()),
            purpose: sentence(&prose(&entry.purpose)),
            facts: facts.get_mut(at).map(std::mem::take).unwrap_or_default(),
        });
        if let Some(nested) = children.get(&Some(entry.source.as_str())) {
            stack.extend(
                nested
                    .iter()
                    .rev()
                    .map(|&(at, child)| (at, child, depth + 1)),
            );
        }
    }
    items
}

/// The per-source subsections, in list order.
pub(super) fn details<'a>(
    uses: &'a [SourceUse],
    model: &'a Model,
    prose: &mut impl FnMut(&Prose) -> String,
) -> Vec<DetailView<'a>> {
    uses.iter()
        .filter_map(|entry| {
            let body = entry.details.as_ref()?;
            let source = model.source(&entry.source)?;
            Some(DetailView {
                id: source.id.as_str(),
                name: &source.name,
                body: prose(body),
                // The link comes from this source's own declaration: the copy-pasted
                // "for more information" link of the model page cannot happen.
                privacy_url: source.privacy_url.as_deref(),
                privacy_title: source.privacy_title.as_deref().unwrap_or(&source.name),
            })
        })
        .collect()
}

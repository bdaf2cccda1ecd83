//! A source's own page: what it is, what it collects, which services use it and why.

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::{
    FrontMatter, MetaValue, Model, RetentionRule, Service, Source, SourceId, SourceUse,
};

use super::origin::Marks;
use super::{Template, Templates, emit_front_matter, paths, prose::Resolver, sentence};

#[derive(Serialize)]
struct UsedBy<'a> {
    name: &'a str,
    link: String,
    purpose: String,
    /// What this use declares (data, legal basis, subjects, scope), each a sentence.
    facts: Vec<String>,
}

/// What the services say of each source, gathered once for every source page: each page
/// scanning every service would make the source pages quadratic in the size of the site.
#[derive(Default)]
pub(super) struct Users<'a> {
    /// Source id → the services that use it, with their entries, in the order of the
    /// services.
    uses: HashMap<&'a str, Vec<(&'a Service, &'a SourceUse)>>,
    /// Source id → the retention rules about it, with their services, in the order of the
    /// services and of each service's rules.
    retention: HashMap<&'a str, Vec<(&'a Service, &'a RetentionRule)>>,
}

impl<'a> Users<'a> {
    pub(super) fn of(model: &'a Model) -> Self {
        let mut said = Self::default();
        for service in &model.services {
            for entry in &service.sources {
                let uses = said.uses.entry(entry.source.as_str()).or_default();
                uses.push((service, entry));
            }
            for rule in &service.retention {
                if let Some(source) = &rule.source {
                    let rules = said.retention.entry(source.as_str()).or_default();
                    rules.push((service, rule));
                }
            }
        }
        said
    }

    /// The uses of `source`, and the retention rules about it.
    pub(super) fn of_source(&self, source: &SourceId) -> Used<'_, 'a> {
        Used {
            uses: self.uses.get(source.as_str()).map_or(&[], Vec::as_slice),
            retention: self
                .retention
                .get(source.as_str())
                .map_or(&[], Vec::as_slice),
        }
    }
}

/// What the services say of one source.
#[derive(Clone, Copy)]
pub(super) struct Used<'u, 'a> {
    uses: &'u [(&'a Service, &'a SourceUse)],
    retention: &'u [(&'a Service, &'a RetentionRule)],
}

/// The Markdown of the page at `path` for `source`, with what the services say of it
/// (`used`), and its front matter.
pub(super) fn markdown(
    source: &Source,
    used: Used<'_, '_>,
    model: &Model,
    path: &str,
    templates: &Templates,
    marks: &mut Marks,
    found: &mut Vec<Diagnostic>,
) -> Option<(String, FrontMatter)> {
    let resolver = Resolver { model, page: path };
    let used_by: Vec<UsedBy> = used
        .uses
        .iter()
        .map(|&(service, entry)| UsedBy {
            name: &service.name,
            facts: super::service::use_facts(entry, model, marks),
            // The service's subsection about this source, or its list of sources.
            link: paths::relative(
                path,
                &format!(
                    "{}#{}",
                    service.id.page(),
                    if entry.details.is_some() {
                        source.id.as_str()
                    } else {
                        "sources"
                    }
                ),
            ),
            // Problems in the purpose are reported once, by the service page that owns it.
            purpose: sentence(&resolver.prose(&entry.purpose, marks, &mut Vec::new())),
        })
        .collect();
    let front_matter = vec![
        ("title".to_owned(), MetaValue::Text(source.name.clone())),
        (
            "description".to_owned(),
            MetaValue::Text(format!(
                "What {} is, what it collects, and which services use it",
                source.name
            )),
        ),
    ];
    let mut context = tera::Context::new();
    context.insert("front_matter", &emit_front_matter(&front_matter));
    context.insert("name", &source.name);
    context.insert("url", &source.url);
    context.insert("privacy_url", &source.privacy_url);
    context.insert(
        "privacy_title",
        &source.privacy_title.as_deref().unwrap_or(&source.name),
    );
    context.insert(
        "description",
        &source
            .description
            .as_ref()
            .map(|d| resolver.prose(d, marks, found)),
    );
    context.insert("collects", &source.collects);
    context.insert("used_by", &used_by);
    let retention: Vec<_> = used
        .retention
        .iter()
        .map(|&(service, rule)| super::overview::rule(path, service, rule, model))
        .collect();
    context.insert("retention", &retention);
    let markdown = templates
        .render(Template::Source, &context)
        .map_err(|d| found.extend(d))
        .ok()?;
    Some((markdown, front_matter))
}

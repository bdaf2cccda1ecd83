//! A source's own page: what it is, what it collects, which services use it and why.

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::{FrontMatter, MetaValue, Model, Service, Source, SourceUse};

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

/// Source id → the services that use it, with their entries, in the order of the services.
pub(super) type Users<'a> = HashMap<&'a str, Vec<(&'a Service, &'a SourceUse)>>;

/// Which services use each source, gathered once for every source page: each page scanning
/// every service would make the source pages quadratic in the size of the site.
pub(super) fn users(model: &Model) -> Users<'_> {
    let mut users: Users<'_> = HashMap::new();
    for service in &model.services {
        for entry in &service.sources {
            users
                .entry(entry.source.as_str())
                .or_default()
                .push((service, entry));
        }
    }
    users
}

/// The Markdown of the page at `path` for `source`, used by `users`, and its front matter.
pub(super) fn markdown(
    source: &Source,
    users: &[(&Service, &SourceUse)],
    model: &Model,
    path: &str,
    templates: &Templates,
    marks: &mut Marks,
    found: &mut Vec<Diagnostic>,
) -> Option<(String, FrontMatter)> {
    let resolver = Resolver { model, page: path };
    let used_by: Vec<UsedBy> = users
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
    let retention: Vec<_> = model
        .services
        .iter()
        .flat_map(|service| service.retention.iter().map(move |rule| (service, rule)))
        .filter(|(_, rule)| rule.source.as_ref() == Some(&source.id))
        .map(|(service, rule)| super::overview::rule(path, service, rule, model))
        .collect();
    context.insert("retention", &retention);
    let markdown = templates
        .render(Template::Source, &context)
        .map_err(|d| found.extend(d))
        .ok()?;
    Some((markdown, front_matter))
}

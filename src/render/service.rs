//! A service's privacy page: the model turned into the view `service.md` renders. Word
//! order and sentences live in the template; this file decides what goes in it and in
//! which order (the generated sections, with free sections placed by `after`).

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::{
    GENERATED_SECTIONS, Location, Model, RetentionRule, Service, SourceId, SourceUse,
};

use super::origin::Marks;
use super::{Templates, emit_front_matter, prose::Resolver, sentence};

#[derive(Serialize)]
struct SourceItem {
    indent: String,
    id: String,
    name: String,
    url: String,
    /// The source's own page, relative to the service page.
    page: String,
    purpose: String,
}

#[derive(Serialize)]
struct StorageView {
    facility: Option<String>,
    follows_residency: bool,
    locations: Vec<String>,
    details: Option<String>,
}

#[derive(Serialize)]
struct StaffView {
    teams: Vec<String>,
    locations: Vec<String>,
}

#[derive(Serialize)]
struct RuleView {
    data: String,
    period: String,
    min_period: Option<String>,
    trigger: Option<String>,
    source_name: Option<String>,
    source_url: Option<String>,
    reason: Option<String>,
    condition: Option<String>,
}

#[derive(Serialize)]
struct DetailView {
    id: String,
    name: String,
    body: String,
    privacy_url: Option<String>,
    privacy_title: String,
}

#[derive(Serialize)]
struct NoticeView {
    days: u32,
    channels: Vec<String>,
    material: Vec<&'static str>,
    details: Option<String>,
}

/// One block of the page, in order: a generated section (`kind` is its id) or a free one
/// (`kind` is `"section"`).
#[derive(Serialize)]
struct Block {
    kind: &'static str,
    id: String,
    title: String,
    body: String,
}

/// The Markdown page of `service`, at site path `path`.
pub(super) fn markdown(
    service: &Service,
    model: &Model,
    path: &str,
    templates: &Templates,
    marks: &mut Marks,
    found: &mut Vec<Diagnostic>,
) -> Option<String> {
    let resolver = Resolver { model, page: path };
    let mut prose = |p: &crate::model::Prose| resolver.prose(p, marks, found);
    let mut context = tera::Context::new();
    context.insert("front_matter", &emit_front_matter(&service.front_matter));
    context.insert("id", &service.id.as_str());
    context.insert("name", &service.name);
    context.insert("summary", &prose(&service.summary));
    context.insert(
        "sources",
        &source_items(&service.sources, model, &mut prose),
    );
    context.insert("processing", &service.processing.as_ref().map(&mut prose));
    context.insert(
        "storage",
        &service.storage.as_ref().map(|storage| StorageView {
            facility: storage.facility.clone(),
            follows_residency: storage.follows_residency,
            locations: names(&storage.locations),
            details: storage.details.as_ref().map(&mut prose),
        }),
    );
    let staff: Vec<_> = service
        .staff
        .iter()
        .map(|s| StaffView {
            teams: s.teams.clone(),
            locations: names(&s.locations),
        })
        .collect();
    context.insert("staff", &staff);
    let (defaults, exceptions): (Vec<_>, Vec<_>) =
        service.retention.iter().partition(|rule| rule.is_default());
    let several = defaults.len() + exceptions.len() > 1;
    context.insert("bullet", if several { "- " } else { "" });
    context.insert("default_rules", &rules(&defaults, model));
    context.insert("exceptions", &rules(&exceptions, model));
    context.insert("details", &details(&service.sources, model, &mut prose));
    context.insert(
        "notice",
        &service.change_notice.as_ref().map(|notice| NoticeView {
            days: notice.days,
            channels: notice.channels.clone(),
            material: notice.material.iter().map(|m| m.phrase()).collect(),
            details: notice.details.as_ref().map(&mut prose),
        }),
    );
    context.insert("blocks", &blocks(service, &mut prose));
    templates
        .render("service.md", &context)
        .map_err(|d| found.extend(d))
        .ok()
}

fn names(locations: &[Location]) -> Vec<String> {
    locations.iter().map(|l| l.name.clone()).collect()
}

/// The sources in list order: each top-level source followed by the ones nested under it.
fn source_items(
    uses: &[SourceUse],
    model: &Model,
    prose: &mut impl FnMut(&crate::model::Prose) -> String,
) -> Vec<SourceItem> {
    // Each source's children, gathered once: a page can list thousands of sources.
    let mut children: HashMap<Option<&str>, Vec<&SourceUse>> = HashMap::new();
    for entry in uses {
        children
            .entry(entry.under.as_ref().map(SourceId::as_str))
            .or_default()
            .push(entry);
    }
    let mut items = Vec::new();
    // Depth first, in declaration order, without recursion.
    let mut stack: Vec<(&SourceUse, usize)> = children
        .get(&None)
        .map(|top| top.iter().rev().map(|&entry| (entry, 0)).collect())
        .unwrap_or_default();
    while let Some((entry, depth)) = stack.pop() {
        let Some(source) = model.source(&entry.source) else {
            continue;
        };
        items.push(SourceItem {
            indent: "  ".repeat(depth),
            id: source.id.to_string(),
            name: source.name.clone(),
            url: source.url.clone(),
            page: format!("../sources/{}.md", source.id),
            purpose: sentence(&prose(&entry.purpose)),
        });
        if let Some(nested) = children.get(&Some(entry.source.as_str())) {
            stack.extend(nested.iter().rev().map(|&child| (child, depth + 1)));
        }
    }
    items
}

fn rules(rules: &[&RetentionRule], model: &Model) -> Vec<RuleView> {
    rules
        .iter()
        .map(|rule| {
            let source = rule.source.as_ref().and_then(|id| model.source(id));
            RuleView {
                data: rule.data.clone(),
                period: rule.period.to_string(),
                min_period: rule.min_period.map(|p| p.to_string()),
                trigger: rule.trigger.clone(),
                source_name: source.map(|s| s.name.clone()),
                source_url: source.map(|s| s.url.clone()),
                reason: rule.reason.clone(),
                condition: rule.condition.clone(),
            }
        })
        .collect()
}

fn details(
    uses: &[SourceUse],
    model: &Model,
    prose: &mut impl FnMut(&crate::model::Prose) -> String,
) -> Vec<DetailView> {
    uses.iter()
        .filter_map(|entry| {
            let body = entry.details.as_ref()?;
            let source = model.source(&entry.source)?;
            Some(DetailView {
                id: source.id.to_string(),
                name: source.name.clone(),
                body: prose(body),
                // The link comes from this source's own declaration: the copy-pasted
                // "for more information" link of the model page cannot happen.
                privacy_url: source.privacy_url.clone(),
                privacy_title: source
                    .privacy_title
                    .clone()
                    .unwrap_or_else(|| source.name.clone()),
            })
        })
        .collect()
}

/// The page's blocks in order: each generated section, then the free sections placed
/// after it (and the ones placed after those), then the free sections without `after`.
fn blocks(service: &Service, prose: &mut impl FnMut(&crate::model::Prose) -> String) -> Vec<Block> {
    // Each anchor's sections in file order. `after` names only a generated section or an
    // earlier one, and ids are unique (both checked when loading): the placement is a tree.
    let mut children: HashMap<Option<&str>, Vec<&crate::model::Section>> = HashMap::new();
    for section in &service.sections {
        children
            .entry(section.after.as_deref())
            .or_default()
            .push(section);
    }
    // Depth first without recursion: a chain of thousands of sections cannot overflow.
    let mut place = |blocks: &mut Vec<Block>, after: Option<&str>| {
        let mut stack: Vec<&crate::model::Section> = children
            .get(&after)
            .into_iter()
            .flatten()
            .rev()
            .copied()
            .collect();
        while let Some(section) = stack.pop() {
            blocks.push(Block {
                kind: "section",
                id: section.id.clone(),
                title: section.title.clone(),
                body: prose(&section.body),
            });
            if let Some(next) = children.get(&Some(section.id.as_str())) {
                stack.extend(next.iter().rev().copied());
            }
        }
    };
    let mut blocks = Vec::new();
    for generated in GENERATED_SECTIONS {
        blocks.push(Block {
            kind: generated,
            id: generated.to_owned(),
            title: String::new(),
            body: String::new(),
        });
        // The per-source subsections (H3) follow the storage section and read as part of
        // it: a section placed after `storage` comes after them.
        match generated {
            "storage" => {}
            "source-details" => {
                place(&mut blocks, Some("storage"));
                place(&mut blocks, Some(generated));
            }
            _ => place(&mut blocks, Some(generated)),
        }
    }
    place(&mut blocks, None);
    blocks
}

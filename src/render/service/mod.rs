//! A service's privacy page: the model turned into the view `service.md` renders. Word
//! order and sentences live in the template; this file decides what goes in it and in
//! which order (the generated sections, with free sections placed by `after`).

mod facts;
mod glance;
mod sources;

use std::collections::HashMap;

use serde::Serialize;

pub(crate) use sources::use_facts;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::{MetaValue, Model, SectionId, Service};

use super::origin::Marks;
use super::{Template, Templates, emit_front_matter, prose::Resolver};

/// One block of the page, in order: a generated section (`kind` is its id) or a free one
/// (`kind` is `"section"`).
#[derive(Serialize)]
struct Block {
    kind: &'static str,
    id: String,
    title: String,
    body: String,
}

/// The front matter of `service`'s page: as declared, with `reviewed` written into the
/// key `date-front-matter` names, in Microsoft Learn's `MM/DD/YYYY`.
#[must_use]
pub(crate) fn front_matter(service: &Service, config: &Config) -> crate::model::FrontMatter {
    let mut entries = service.front_matter.clone();
    if let (Some(key), Some((date, _))) = (&config.date_front_matter, &service.reviewed) {
        let value = MetaValue::Text(date.strftime("%m/%d/%Y").to_string());
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => entries.push((key.clone(), value)),
        }
    }
    entries
}

/// The Markdown page of `service`, at site path `path`.
pub(super) fn markdown(
    service: &Service,
    model: &Model,
    config: &Config,
    path: &str,
    templates: &Templates,
    marks: &mut Marks,
    found: &mut Vec<Diagnostic>,
) -> Option<String> {
    let resolver = Resolver { model, page: path };
    let facts: Vec<Vec<String>> = service
        .sources
        .iter()
        .map(|entry| sources::use_facts(entry, model, marks))
        .collect();
    let mut prose = |p: &crate::model::Prose| resolver.prose(p, marks, found);
    let mut context = tera::Context::new();
    context.insert(
        "front_matter",
        &emit_front_matter(&front_matter(service, config)),
    );
    context.insert("id", &service.id.as_str());
    context.insert("name", &service.name);
    context.insert("summary", &prose(&service.summary));
    context.insert("glance", &glance::facts(service, model));
    context.insert(
        "sources",
        &sources::items(path, &service.sources, model, facts, &mut prose),
    );
    context.insert("processing", &service.processing.as_ref().map(&mut prose));
    context.insert("storage", &facts::storage(service, &mut prose));
    context.insert("staff", &facts::staff(service));
    let (defaults, exceptions): (Vec<_>, Vec<_>) =
        service.retention.iter().partition(|rule| rule.is_default());
    let several = defaults.len() + exceptions.len() > 1;
    context.insert("bullet", if several { "- " } else { "" });
    context.insert("default_rules", &facts::rules(&defaults, model));
    context.insert("exceptions", &facts::rules(&exceptions, model));
    context.insert(
        "details",
        &sources::details(&service.sources, model, &mut prose),
    );
    context.insert("access", &facts::access(service, &mut prose));
    context.insert("recipients", &facts::recipients(service));
    context.insert("rights", &facts::rights(service, &mut prose));
    context.insert("notice", &facts::notice(service, &mut prose));
    context.insert("blocks", &blocks(service, &mut prose));
    templates
        .render(Template::Service, &context)
        .map_err(|d| found.extend(d))
        .ok()
}

/// The page's blocks in order: each generated section, then the free sections placed
/// after it (and the ones placed after those), then the free sections without `after`.
fn blocks(service: &Service, prose: &mut impl FnMut(&crate::model::Prose) -> String) -> Vec<Block> {
    // Each anchor's sections in file order. `after` names only a generated section or an
    // earlier one, and ids are unique (both checked when loading): the placement is a tree.
    let mut children: HashMap<Option<&str>, Vec<&crate::model::Section>> = HashMap::new();
    for section in &service.sections {
        children
            .entry(section.after.as_ref().map(crate::model::After::as_str))
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
    for generated in SectionId::ALL {
        blocks.push(Block {
            kind: generated.as_str(),
            id: generated.as_str().to_owned(),
            title: String::new(),
            body: String::new(),
        });
        // The per-source subsections (H3) follow the storage section and read as part of
        // it: a section placed after `storage` comes after them.
        match generated {
            SectionId::Storage => {}
            SectionId::SourceDetails => {
                place(&mut blocks, Some(SectionId::Storage.as_str()));
                place(&mut blocks, Some(generated.as_str()));
            }
            _ => place(&mut blocks, Some(generated.as_str())),
        }
    }
    place(&mut blocks, None);
    blocks
}

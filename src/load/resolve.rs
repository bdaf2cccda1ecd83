//! Raw declarations into the model: ids checked against each other, periods and locations
//! parsed, prose given its origin. Every problem becomes a diagnostic; what is valid is
//! kept, so one run reports everything.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use super::service::Context;
use super::{Kind, declaration, front_matter, parse, prose, raw};
use crate::diag::{CheckCode, Code, Diagnostic, FileId, SourceMap, Span};
use crate::markdown::slug;
use crate::model::{Model, Page, Regions, ServiceId, Snippet, Source, SourceId, Unloaded, country};

type Files = Vec<(Kind, FileId, Arc<str>)>;

/// Builds the model from classified files.
pub(super) fn model(
    classified: &Files,
    files: &SourceMap,
    unloaded: &mut Unloaded,
    diagnostics: &mut Vec<Diagnostic>,
) -> Model {
    let mut model = Model::default();
    let regions = regions(classified, diagnostics);
    for (kind, file, text) in classified {
        match kind {
            Kind::Snippet(path) => {
                let snippet = Snippet {
                    file: *file,
                    text: text.clone(),
                };
                model.snippets.insert(path.clone(), snippet);
            }
            Kind::Source(id) => {
                if let Some(id) = valid_id(id, *file, diagnostics) {
                    match parse::<raw::Source>(*file, text, diagnostics) {
                        Some(raw) => model.sources.push(source(SourceId(id), *file, text, raw)),
                        None => {
                            unloaded.sources.insert(id);
                        }
                    }
                }
            }
            // Services and pages are resolved in parallel below; locations came first.
            Kind::Page(_) | Kind::Service(_) | Kind::Locations | Kind::Asset(_) => {}
        }
    }
    // Front matter is YAML to parse: pages are many, so they are read in parallel.
    let pages: Vec<(Page, Option<Diagnostic>)> = classified
        .par_iter()
        .filter_map(|(kind, file, text)| match kind {
            Kind::Page(path) => Some(page(path, *file, text, files)),
            _ => None,
        })
        .collect();
    for (page, problem) in pages {
        model.pages.push(page);
        diagnostics.extend(problem);
    }
    model.sources.sort_by(|a, b| a.id.cmp(&b.id));
    let source_ids: BTreeSet<&str> = model.sources.iter().map(|s| s.id.as_str()).collect();
    let services: Vec<_> = classified
        .par_iter()
        .filter_map(|(kind, file, text)| match kind {
            Kind::Service(id) => Some((id, *file, text)),
            _ => None,
        })
        .map(|(id, file, text)| {
            let mut found = Vec::new();
            let valid = valid_id(id, file, &mut found);
            let raw = parse::<raw::Service>(file, text, &mut found);
            let failed = raw.is_none().then(|| id.clone());
            let service = valid.zip(raw).map(|(id, raw)| {
                let mut context = Context {
                    file,
                    text,
                    source_ids: &source_ids,
                    unloaded_sources: &unloaded.sources,
                    regions: &regions,
                    found: &mut found,
                };
                context.service(ServiceId(id), raw)
            });
            (service, failed, found)
        })
        .collect();
    for (service, failed, found) in services {
        model.services.extend(service);
        unloaded.services.extend(failed);
        diagnostics.extend(found);
    }
    model.services.sort_by(|a, b| a.id.cmp(&b.id));
    reject_shadowing_pages(&mut model, diagnostics);
    model
}

/// A hand-written `services/<id>.md` or `sources/<id>.md` would be silently replaced by
/// the generated page of the same path (or replace it): neither is what the writer meant,
/// so such pages are reported and left out.
fn reject_shadowing_pages(model: &mut Model, diagnostics: &mut Vec<Diagnostic>) {
    let generated: BTreeSet<String> = model
        .services
        .iter()
        .map(|s| s.id.page())
        .chain(model.sources.iter().map(|s| s.id.page()))
        .collect();
    model.pages.retain(|page| {
        if !generated.contains(&page.path) {
            return true;
        }
        let message = format!("`{}` has the path of a generated page", page.path);
        let hint = "move the page, or put its prose in the declaration (`details`, `description`, `[[sections]]`)";
        diagnostics.push(declaration(Span::file_start(page.file), message).with_hint(hint));
        false
    });
}

/// Ids are file stems; they appear in URLs and anchors, so they are kept to lowercase
/// letters, digits and dashes.
fn valid_id(stem: &str, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let valid = !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !stem.starts_with('-');
    if valid {
        return Some(stem.to_owned());
    }
    let message = format!("`{stem}` is not a valid id: the file name is the id");
    let hint = format!("rename the file to `{}.toml`", slug(stem));
    diagnostics.push(declaration(Span::file_start(file), message).with_hint(hint));
    None
}

fn regions(classified: &Files, diagnostics: &mut Vec<Diagnostic>) -> Regions {
    let mut regions = Regions::new();
    for (kind, file, text) in classified {
        if *kind != Kind::Locations {
            continue;
        }
        let Some(raw) = parse::<raw::Locations>(*file, text, diagnostics) else {
            continue;
        };
        for (id, region) in raw.0 {
            let span = Span::new(*file, region.span());
            if country(&id).is_some() {
                let message = format!("region `{id}` has the id of a country code");
                diagnostics.push(
                    declaration(span, message)
                        .with_hint("give the region an id that is not an ISO 3166-1 code"),
                );
            } else {
                regions.insert(id, region.into_inner().name);
            }
        }
    }
    regions
}

fn source(id: SourceId, file: FileId, text: &str, raw: raw::Source) -> Source {
    Source {
        id,
        file,
        name: raw.name,
        url: raw.url,
        privacy_url_span: raw
            .privacy_url
            .as_ref()
            .map(|url| Span::new(file, url.span())),
        privacy_url: raw.privacy_url.map(toml::Spanned::into_inner),
        privacy_title: raw.privacy_title,
        collects: raw.collects,
        description: raw.description.map(|d| prose(file, text, d)),
    }
}

fn page(
    path: &str,
    file: FileId,
    text: &Arc<str>,
    files: &SourceMap,
) -> (Page, Option<Diagnostic>) {
    let mut problem = None;
    let split = front_matter::split(text);
    let (front_matter, body_start) = if let Some((yaml, body_start)) = &split {
        match front_matter::parse(file, files.get(file), yaml.clone()) {
            Ok(entries) => (entries, *body_start),
            Err(diagnostic) => {
                problem = Some(diagnostic);
                (Vec::new(), *body_start)
            }
        }
    } else {
        problem = unclosed_front_matter(file, text);
        (Vec::new(), 0)
    };
    let front_matter_at = split.map(|(yaml, _)| yaml);
    let front_matter_keys = front_matter_at
        .as_ref()
        .map_or_else(Default::default, |yaml| {
            front_matter::key_ranges(text, yaml.clone(), &front_matter)
        });
    let page = Page {
        path: path.to_owned(),
        file,
        text: text.clone(),
        front_matter,
        front_matter_invalid: problem.is_some(),
        front_matter_at,
        front_matter_keys,
        body_start,
    };
    (page, problem)
}

/// A page that opens front matter (`---` on its first line) and never closes it: read as
/// a page without front matter, which its writer did not mean — a warning at the `---`.
fn unclosed_front_matter(file: FileId, text: &str) -> Option<Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let opens = text[start..].starts_with("---\n") || text[start..].starts_with("---\r\n");
    opens.then(|| {
        Diagnostic::warning(
            Code::Check(CheckCode::FrontMatter),
            Span::new(file, start..start + 3),
            "front matter is never closed, so the page is read without it",
        )
        .with_label("opened here")
        .with_hint("end the front matter with a `---` line after its last key")
    })
}

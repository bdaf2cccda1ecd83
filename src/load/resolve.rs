//! Raw declarations into the model: ids checked against each other, periods and locations
//! parsed, prose given its origin. Every problem becomes a diagnostic; what is valid is
//! kept, so one run reports everything.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use toml::Spanned;

use super::{Kind, front_matter, parse, raw};
use crate::check::CheckCode;
use crate::diag::{Code, Diagnostic, FileId, SourceMap, Span, did_you_mean};
use crate::markdown::slug;
use crate::model::{
    ChangeNotice, FrontMatter, GENERATED_SECTIONS, Location, Material, MetaValue, Model, Origin,
    Page, Prose, Regions, RetentionRule, Section, Service, ServiceId, Snippet, Source, SourceId,
    SourceUse, Staff, Storage, country,
};

type Files = Vec<(Kind, FileId, Arc<str>)>;

/// Builds the model from classified files.
pub(super) fn model(
    files: &Files,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Model {
    let mut model = Model::default();
    let regions = regions(files, diagnostics);
    for (kind, file, text) in files {
        match kind {
            Kind::Snippet(path) => {
                let snippet = Snippet {
                    file: *file,
                    text: text.clone(),
                };
                model.snippets.insert(path.clone(), snippet);
            }
            Kind::Page(path) => model
                .pages
                .push(page(path, *file, text, sources, diagnostics)),
            Kind::Source(id) => {
                if let Some(id) = valid_id(id, *file, diagnostics) {
                    let raw = parse::<raw::Source>(*file, text, diagnostics);
                    model
                        .sources
                        .extend(raw.map(|raw| source(SourceId(id), *file, text, raw)));
                }
            }
            Kind::Service(_) | Kind::Locations => {}
        }
    }
    model.sources.sort_by(|a, b| a.id.cmp(&b.id));
    let source_ids: BTreeSet<&str> = model.sources.iter().map(|s| s.id.as_str()).collect();
    let services: Vec<_> = files
        .par_iter()
        .filter_map(|(kind, file, text)| match kind {
            Kind::Service(id) => Some((id, *file, text)),
            _ => None,
        })
        .map(|(id, file, text)| {
            let mut found = Vec::new();
            let id = valid_id(id, file, &mut found);
            let raw = parse::<raw::Service>(file, text, &mut found);
            let service = id.zip(raw).map(|(id, raw)| {
                let mut context = Context {
                    file,
                    text,
                    source_ids: &source_ids,
                    regions: &regions,
                    found: &mut found,
                };
                context.service(ServiceId(id), raw)
            });
            (service, found)
        })
        .collect();
    for (service, found) in services {
        model.services.extend(service);
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
        .map(|s| format!("services/{}.md", s.id))
        .chain(model.sources.iter().map(|s| format!("sources/{}.md", s.id)))
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

fn declaration(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::Check(CheckCode::Declaration), span, message)
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

fn regions(files: &Files, diagnostics: &mut Vec<Diagnostic>) -> Regions {
    let mut regions = Regions::new();
    for (kind, file, text) in files {
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
        privacy_url: raw.privacy_url,
        privacy_title: raw.privacy_title,
        collects: raw.collects,
        description: raw.description.map(|d| prose(file, text, d)),
    }
}

fn page(
    path: &str,
    file: FileId,
    text: &Arc<str>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Page {
    let (front_matter, body_start) = match front_matter::split(text) {
        Some((yaml, body_start)) => match front_matter::parse(file, sources.get(file), yaml) {
            Ok(entries) => (entries, body_start),
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                (Vec::new(), body_start)
            }
        },
        None => (Vec::new(), 0),
    };
    Page {
        path: path.to_owned(),
        file,
        text: text.clone(),
        front_matter,
        body_start,
    }
}

/// Prose from a TOML string, remembering where it sits so findings inside it are exact
/// when the string holds no escapes.
pub(super) fn prose(file: FileId, text: &str, value: Spanned<String>) -> Prose {
    let span = value.span();
    let raw = text.get(span.clone()).unwrap_or("");
    let opening = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|quote| raw.starts_with(quote));
    let verbatim_start = opening.and_then(|quote| {
        let mut start = span.start + quote.len();
        if quote.len() == 3 {
            // TOML trims a newline right after the opening quotes.
            start += ["\r\n", "\n"]
                .into_iter()
                .find(|nl| text[start..].starts_with(nl))
                .map_or(0, str::len);
        }
        let value = value.get_ref();
        (text.get(start..start + value.len()) == Some(value.as_str())).then_some(start)
    });
    Prose {
        text: value.into_inner(),
        origin: Origin {
            span: Span::new(file, span),
            verbatim_start,
        },
    }
}

/// What one service file is resolved against.
struct Context<'a> {
    file: FileId,
    text: &'a str,
    source_ids: &'a BTreeSet<&'a str>,
    regions: &'a Regions,
    found: &'a mut Vec<Diagnostic>,
}

impl Context<'_> {
    fn span<T>(&self, value: &Spanned<T>) -> Span {
        Span::new(self.file, value.span())
    }

    fn prose(&self, value: Spanned<String>) -> Prose {
        prose(self.file, self.text, value)
    }

    fn service(&mut self, id: ServiceId, raw: raw::Service) -> Service {
        let front_matter = self.front_matter(&raw.name, raw.page);
        let sources = self.sources(raw.sources);
        Service {
            id,
            file: self.file,
            summary: self.prose(raw.summary),
            front_matter,
            processing: raw.processing.map(|p| self.prose(p)),
            storage: raw.storage.map(|s| self.storage(s)),
            retention: self.retention(raw.retention, &sources),
            staff: raw.staff.into_iter().map(|s| self.staff(s)).collect(),
            change_notice: raw.change_notice.map(|c| self.change_notice(c)),
            sections: self.sections(raw.sections),
            sources,
            name: raw.name,
        }
    }

    fn front_matter(&mut self, name: &str, page: Option<raw::Page>) -> FrontMatter {
        let Some(page) = page else {
            return vec![("title".to_owned(), MetaValue::Text(name.to_owned()))];
        };
        let mut entries = vec![(
            "title".to_owned(),
            MetaValue::Text(page.title.unwrap_or_else(|| name.to_owned())),
        )];
        entries.extend(
            page.description
                .map(|d| ("description".to_owned(), MetaValue::Text(d))),
        );
        if !page.keywords.is_empty() {
            entries.push(("keywords".to_owned(), MetaValue::List(page.keywords)));
        }
        entries.extend(
            page.author
                .map(|a| ("author".to_owned(), MetaValue::Text(a))),
        );
        let Some(meta) = page.meta else {
            return entries;
        };
        let meta_span = self.span(&meta);
        for (key, value) in meta.into_inner().0 {
            if matches!(
                key.as_str(),
                "title" | "description" | "keywords" | "author"
            ) {
                let message = format!("`page.meta` repeats `{key}`, which is a key of `[page]`");
                self.found.push(
                    declaration(meta_span.clone(), message)
                        .with_hint(format!("set `{key}` in `[page]`")),
                );
            } else {
                entries.push((key, value));
            }
        }
        entries
    }

    fn source_id(&mut self, value: &Spanned<String>) -> Option<SourceId> {
        let id = value.get_ref();
        if self.source_ids.contains(id.as_str()) {
            return Some(SourceId(id.clone()));
        }
        let hint = match did_you_mean(id, self.source_ids.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("declare it in `content/sources/{id}.toml`"),
        };
        let message = format!("unknown source `{id}`");
        self.found.push(
            declaration(self.span(value), message)
                .with_label("no such source")
                .with_hint(hint),
        );
        None
    }

    fn sources(&mut self, raw: Vec<raw::SourceUse>) -> Vec<SourceUse> {
        let mut listed: BTreeMap<String, Span> = BTreeMap::new();
        let mut uses = Vec::new();
        for entry in raw {
            let Some(source) = self.source_id(&entry.source) else {
                continue;
            };
            let span = self.span(&entry.source);
            if let Some(first) = listed.get(source.as_str()) {
                let message = format!("source `{source}` is listed twice");
                self.found
                    .push(declaration(span, message).with_note(first.clone(), "first listed here"));
                continue;
            }
            let under = entry.under.and_then(|under| {
                if listed.contains_key(under.get_ref()) {
                    return Some(SourceId(under.into_inner()));
                }
                let message = format!(
                    "`under = \"{}\"` names no source listed above it on this page",
                    under.get_ref()
                );
                let hint = "nest a source under one listed earlier in `[[sources]]`";
                self.found
                    .push(declaration(self.span(&under), message).with_hint(hint));
                None
            });
            listed.insert(source.0.clone(), span);
            uses.push(SourceUse {
                source,
                under,
                purpose: self.prose(entry.purpose),
                details: entry.details.map(|d| self.prose(d)),
            });
        }
        uses
    }

    fn locations(&mut self, codes: Vec<Spanned<String>>) -> Vec<Location> {
        codes
            .into_iter()
            .filter_map(|code| {
                let found = Location::resolve(code.get_ref(), self.regions);
                if found.is_none() {
                    let message = format!("unknown location `{}`", code.get_ref());
                    let hint = match did_you_mean(code.get_ref(), self.regions.keys().map(String::as_str)) {
                        Some(close) => format!("did you mean the region `{close}`?"),
                        None => "use an ISO 3166-1 alpha-2 country code such as `US`, or declare a region in `content/locations.toml`".to_owned(),
                    };
                    self.found.push(declaration(self.span(&code), message).with_hint(hint));
                }
                found
            })
            .collect()
    }

    fn storage(&mut self, raw: raw::Storage) -> Storage {
        Storage {
            locations: self.locations(raw.locations),
            facility: raw.facility,
            follows_residency: raw.follows_residency,
            details: raw.details.map(|d| self.prose(d)),
        }
    }

    fn period(&mut self, value: &Spanned<String>) -> Option<crate::model::Period> {
        crate::model::Period::parse(value.get_ref())
            .map_err(|problem| {
                let message = format!("unparsable period: {problem}");
                let hint = "write a period as \"30 days\", \"6 weeks\", \"6 months\", \"2 years\" or ISO 8601 (\"P30D\")";
                self.found.push(declaration(self.span(value), message).with_hint(hint));
            })
            .ok()
    }

    fn retention(
        &mut self,
        raw: Vec<Spanned<raw::Retention>>,
        listed: &[SourceUse],
    ) -> Vec<RetentionRule> {
        let mut rules: Vec<RetentionRule> = Vec::new();
        for entry in raw {
            let span = self.span(&entry);
            let rule = entry.into_inner();
            let period = self.period(&rule.period);
            let min_period = rule
                .min_period
                .as_ref()
                .map(|value| (self.span(value), self.period(value)));
            let source = match &rule.source {
                Some(value) => match self.source_id(value) {
                    Some(id) if !listed.iter().any(|u| u.source == id) => {
                        let message = format!(
                            "retention rule names source `{id}`, which this service does not list"
                        );
                        self.found.push(
                            declaration(self.span(value), message)
                                .with_hint("add it to `[[sources]]`"),
                        );
                        continue;
                    }
                    Some(id) => Some(id),
                    None => continue,
                },
                None => None,
            };
            let Some(period) = period else { continue };
            let min_period = match min_period {
                None => None,
                Some((_, None)) => continue,
                Some((span, Some(min))) if min.approx_days() > period.approx_days() => {
                    let message =
                        format!("`min-period` ({min}) is longer than `period` ({period})");
                    self.found.push(declaration(span, message));
                    continue;
                }
                Some((_, Some(min))) => Some(min),
            };
            let rule = RetentionRule {
                data: rule.data,
                period,
                min_period,
                trigger: rule.trigger,
                source,
                reason: rule.reason,
                condition: rule.condition,
                span,
            };
            self.conflicts(&rules, &rule);
            rules.push(rule);
        }
        rules
    }

    /// Two rules for the same data from the same source under the same condition must
    /// agree: a page cannot promise both.
    fn conflicts(&mut self, rules: &[RetentionRule], rule: &RetentionRule) {
        let same = |other: &&RetentionRule| {
            other.data.eq_ignore_ascii_case(&rule.data)
                && other.source == rule.source
                && other.condition == rule.condition
        };
        if let Some(other) = rules.iter().find(same)
            && other.period != rule.period
        {
            let message = format!(
                "conflicting retention for `{}`: {} here, {} in an earlier rule",
                rule.data, rule.period, other.period
            );
            self.found.push(
                declaration(rule.span.clone(), message)
                    .with_note(other.span.clone(), "the earlier rule"),
            );
        }
    }

    fn staff(&mut self, raw: raw::Staff) -> Staff {
        Staff {
            teams: raw.teams,
            locations: self.locations(raw.locations),
        }
    }

    fn change_notice(&mut self, raw: raw::ChangeNotice) -> ChangeNotice {
        ChangeNotice {
            days: raw.days,
            channels: raw.channels,
            material: raw.material.unwrap_or_else(|| Material::ALL.to_vec()),
            details: raw.details.map(|d| self.prose(d)),
        }
    }

    fn sections(&mut self, raw: Vec<raw::Section>) -> Vec<Section> {
        let mut sections: Vec<Section> = Vec::new();
        for entry in raw {
            let id = slug(entry.title.get_ref());
            let after = entry.after.and_then(|after| {
                let known = GENERATED_SECTIONS.contains(&after.get_ref().as_str())
                    || sections.iter().any(|s| &s.id == after.get_ref());
                if known {
                    return Some(after.into_inner());
                }
                let candidates = GENERATED_SECTIONS
                    .into_iter()
                    .chain(sections.iter().map(|s| s.id.as_str()));
                let hint = match did_you_mean(after.get_ref(), candidates) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!(
                        "`after` names one of {} or an earlier section",
                        GENERATED_SECTIONS.join(", ")
                    ),
                };
                let message = format!("`after = \"{}\"` names no section", after.get_ref());
                self.found
                    .push(declaration(self.span(&after), message).with_hint(hint));
                None
            });
            sections.push(Section {
                title: entry.title.into_inner(),
                id,
                after,
                body: self.prose(entry.body),
            });
        }
        sections
    }
}

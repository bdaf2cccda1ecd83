//! One service file into a [`Service`]: its sources checked against the declared ones,
//! locations and periods parsed, free sections placed. Problems are pushed, not returned,
//! so every one in the file is reported.

use std::collections::{BTreeMap, BTreeSet};

use toml::Spanned;

use super::{declaration, prose, raw};
use crate::diag::{Diagnostic, FileId, Span, did_you_mean};
use crate::markdown::slug;
use crate::model::{
    After, ChangeNotice, FrontMatter, Location, Material, MetaValue, Prose, Regions, Section,
    SectionId, Service, ServiceId, SourceId, SourceUse, Staff, Storage,
};

/// What one service file is resolved against.
pub(super) struct Context<'a> {
    pub(super) file: FileId,
    pub(super) text: &'a str,
    pub(super) source_ids: &'a BTreeSet<&'a str>,
    /// Sources whose file failed to load: naming one is not an error of this file.
    pub(super) unloaded_sources: &'a BTreeSet<String>,
    pub(super) regions: &'a Regions,
    pub(super) found: &'a mut Vec<Diagnostic>,
}

impl Context<'_> {
    pub(super) fn span<T>(&self, value: &Spanned<T>) -> Span {
        Span::new(self.file, value.span())
    }

    pub(super) fn prose(&self, value: Spanned<String>) -> Prose {
        prose(self.file, self.text, value)
    }

    pub(super) fn service(&mut self, id: ServiceId, raw: raw::Service) -> Service {
        let (front_matter, front_matter_spans, page_span) = self.front_matter(&raw.name, raw.page);
        let sources = self.sources(raw.sources);
        Service {
            id,
            file: self.file,
            summary: self.prose(raw.summary),
            front_matter,
            front_matter_spans,
            page_span,
            processing: raw.processing.map(|p| self.prose(p)),
            storage: raw.storage.map(|s| self.storage(s)),
            retention: self.retention(raw.retention, &sources),
            staff: raw.staff.into_iter().map(|s| self.staff(s)).collect(),
            change_notice: raw.change_notice.map(|c| self.change_notice(c)),
            sections: self.sections(raw.sections),
            reviewed: raw
                .reviewed
                .and_then(|date| Some((self.date(&date, "reviewed")?, self.span(&date)))),
            recipients: raw
                .recipients
                .into_iter()
                .map(|r| self.recipient(r))
                .collect(),
            access: raw.access.into_iter().map(|a| self.access(a)).collect(),
            rights: raw.rights.map(|r| self.rights(r)),
            sources,
            name: raw.name,
        }
    }

    /// The page's front matter, where each key was declared, and the `[page]` table.
    fn front_matter(
        &mut self,
        name: &str,
        page: Option<Spanned<raw::Page>>,
    ) -> (FrontMatter, BTreeMap<String, Span>, Span) {
        let file = self.file;
        let mut entries = Vec::new();
        let mut spans = BTreeMap::new();
        let mut add = |key: &str, value: MetaValue, range: std::ops::Range<usize>| {
            spans.insert(key.to_owned(), Span::new(file, range));
            entries.push((key.to_owned(), value));
        };
        let Some(page) = page else {
            add("title", MetaValue::Text(name.to_owned()), 0..0);
            return (entries, spans, Span::file_start(file));
        };
        let table = page.span();
        let page = page.into_inner();
        match page.title {
            Some(title) => add(
                "title",
                MetaValue::Text(title.get_ref().clone()),
                title.span(),
            ),
            None => add("title", MetaValue::Text(name.to_owned()), table.clone()),
        }
        if let Some(description) = page.description {
            add(
                "description",
                MetaValue::Text(description.get_ref().clone()),
                description.span(),
            );
        }
        if let Some(keywords) = page.keywords {
            add(
                "keywords",
                MetaValue::List(keywords.get_ref().clone()),
                keywords.span(),
            );
        }
        if let Some(author) = page.author {
            add(
                "author",
                MetaValue::Text(author.get_ref().clone()),
                author.span(),
            );
        }
        let mut repeated = Vec::new();
        if let Some(meta) = page.meta {
            let meta_span = meta.span();
            for (key, value) in meta.into_inner().0 {
                if matches!(
                    key.as_str(),
                    "title" | "description" | "keywords" | "author"
                ) {
                    repeated.push((key, meta_span.clone()));
                } else {
                    add(&key, value, meta_span.clone());
                }
            }
        }
        for (key, range) in repeated {
            let message = format!("`page.meta` repeats `{key}`, which is a key of `[page]`");
            let hint = format!("set `{key}` in `[page]`");
            self.found
                .push(declaration(Span::new(file, range), message).with_hint(hint));
        }
        (entries, spans, Span::new(file, table))
    }

    pub(super) fn source_id(&mut self, value: &Spanned<String>) -> Option<SourceId> {
        let id = value.get_ref();
        if self.source_ids.contains(id.as_str()) {
            return Some(SourceId(id.clone()));
        }
        if self.unloaded_sources.contains(id) {
            return None;
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
            listed.insert(source.0.clone(), span.clone());
            uses.push(SourceUse {
                source,
                under,
                purpose: self.prose(entry.purpose),
                details: entry.details.map(|d| self.prose(d)),
                collects: entry.collects,
                legal_basis: entry.legal_basis,
                subjects: entry.subjects,
                applies_to: entry.applies_to,
                span,
            });
        }
        uses
    }

    pub(super) fn locations(&mut self, codes: Vec<Spanned<String>>) -> Vec<Location> {
        codes
            .into_iter()
            .filter_map(|code| {
                let found = Location::resolve(code.get_ref(), self.regions);
                if found.is_none() {
                    let message = format!("unknown location `{}`", code.get_ref());
                    let hint = match Location::suggest(code.get_ref(), self.regions) {
                        Some(close) => format!("did you mean `{close}`?"),
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
            changes: raw
                .changes
                .into_iter()
                .filter_map(|change| self.storage_change(change))
                .collect(),
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
            // A section is placed by its id: one that takes a generated section's id or an
            // earlier section's would be placed after itself ("Sources" after `sources`).
            let generated = SectionId::parse(&id).is_some();
            let taken = generated || sections.iter().any(|s| s.id == id);
            if id.is_empty() || taken {
                let message = if id.is_empty() {
                    format!(
                        "section title \"{}\" has no letters or digits for an id",
                        entry.title.get_ref()
                    )
                } else if generated {
                    format!(
                        "section \"{}\" has the id `{id}` of a generated section",
                        entry.title.get_ref()
                    )
                } else {
                    format!(
                        "section \"{}\" has the id `{id}` of an earlier section",
                        entry.title.get_ref()
                    )
                };
                let hint = "give the section a title of its own";
                self.found
                    .push(declaration(self.span(&entry.title), message).with_hint(hint));
                continue;
            }
            let after = entry.after.and_then(|after| {
                if let Some(generated) = SectionId::parse(after.get_ref()) {
                    return Some(After::Generated(generated));
                }
                if sections.iter().any(|s| &s.id == after.get_ref()) {
                    return Some(After::Section(after.into_inner()));
                }
                let generated = SectionId::ALL.map(SectionId::as_str);
                let candidates = generated
                    .into_iter()
                    .chain(sections.iter().map(|s| s.id.as_str()));
                let hint = match did_you_mean(after.get_ref(), candidates) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!(
                        "`after` names one of {} or an earlier section",
                        generated.join(", ")
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

#[cfg(test)]
mod tests {
    use crate::load::model_of;
    use crate::model::{After, Keep, SectionId};

    const SOURCE: (&str, &str) = (
        "sources/agent.toml",
        "name = \"Agent\"\nurl = \"https://agent.example/\"\n",
    );

    fn messages(service: &str) -> Vec<String> {
        let (_, _, diagnostics) = model_of(&[SOURCE, ("services/svc.toml", service)]);
        diagnostics.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_service_resolves_its_sources_sections_and_dates() {
        let (model, _, diagnostics) = model_of(&[
            SOURCE,
            (
                "services/svc.toml",
                "name = \"Svc\"\nsummary = \"S.\"\nreviewed = 2026-01-10\n\
                 [[sources]]\nsource = \"agent\"\npurpose = \"p\"\nlegal-basis = \"consent\"\n\
                 [storage]\nlocations = [\"US\"]\n[[storage.changes]]\neffective = 2026-03-01\nlocations = [\"DE\"]\n\
                 [[retention]]\ndata = \"logs\"\nuntil = \"the hold ends\"\n\
                 [[sections]]\ntitle = \"Security\"\nafter = \"storage\"\nbody = \"b\"\n\
                 [[sections]]\ntitle = \"More\"\nafter = \"security\"\nbody = \"b\"\n",
            ),
        ]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let service = &model.services[0];
        assert_eq!(
            service.reviewed.as_ref().unwrap().0.to_string(),
            "2026-01-10"
        );
        assert_eq!(service.sources[0].legal_basis.unwrap().as_str(), "consent");
        let storage = service.storage.as_ref().unwrap();
        assert_eq!(storage.changes[0].locations[0].name, "Germany");
        assert_eq!(
            service.retention[0].keep,
            Keep::Until("the hold ends".into())
        );
        assert_eq!(
            service.sections[0].after,
            Some(After::Generated(SectionId::Storage))
        );
        assert_eq!(
            service.sections[1].after,
            Some(After::Section("security".into()))
        );
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        assert_eq!(
            messages(
                "name = \"Svc\"\nsummary = \"S.\"\n\
                 [[sources]]\nsource = \"agnet\"\npurpose = \"p\"\n\
                 [[sources]]\nsource = \"agent\"\npurpose = \"p\"\n\
                 [[sources]]\nsource = \"agent\"\npurpose = \"again\"\n\
                 [[staff]]\nteams = [\"Ops\"]\nlocations = [\"UK\"]\n\
                 [[retention]]\ndata = \"logs\"\nperiod = \"30 days\"\n\
                 [[retention]]\ndata = \"Logs\"\nperiod = \"90 days\"\n\
                 [[sections]]\ntitle = \"Sources\"\nbody = \"b\"\n\
                 [[sections]]\ntitle = \"Notes\"\nafter = \"storag\"\nbody = \"b\"\n"
            ),
            [
                "unknown source `agnet`",
                "source `agent` is listed twice",
                "conflicting retention for `Logs`: 90 days here, 30 days in an earlier rule",
                "unknown location `UK`",
                "section \"Sources\" has the id `sources` of a generated section",
                "`after = \"storag\"` names no section",
            ]
        );
    }

    #[test]
    fn a_reference_to_a_source_that_failed_to_load_is_not_also_unknown() {
        let (_, _, diagnostics) = model_of(&[
            ("sources/agent.toml", "name = 3\n"),
            (
                "services/svc.toml",
                "name = \"Svc\"\nsummary = \"S.\"\n[[sources]]\nsource = \"agent\"\npurpose = \"p\"\n",
            ),
        ]);
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].starts_with("invalid type"), "{messages:?}");
    }
}

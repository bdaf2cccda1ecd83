//! One service as one version declares it, read the way a reviewer compares it: sets of
//! sources, categories and locations, the storage statement, the rules, and the prose by
//! what a reviewer calls each piece.

use std::collections::BTreeSet;

use crate::model::{ChangeNotice, Material, Model, Prose, RetentionRule, Service, SourceId};

/// A service in one version (absent when it did not exist there).
#[derive(Clone, Copy)]
pub(super) struct Side<'a> {
    pub(super) model: &'a Model,
    pub(super) service: Option<&'a Service>,
}

/// A piece of a service's prose: compared by `key`, shown by `label`.
pub(super) struct Piece {
    pub(super) key: String,
    pub(super) label: String,
    pub(super) text: String,
    /// Whether a change to it is a change of facts shown on the page (a source's name or
    /// links) rather than of wording.
    pub(super) links: bool,
}

impl<'a> Side<'a> {
    pub(super) fn sources(self) -> BTreeSet<&'a SourceId> {
        self.service
            .into_iter()
            .flat_map(|s| &s.sources)
            .map(|u| &u.source)
            .collect()
    }

    /// A source as a reviewer knows it: by name.
    pub(super) fn source_name(self, id: &SourceId) -> String {
        self.model
            .source(id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    }

    /// The data categories the service uses: each use's own `collects`, else its source's.
    pub(super) fn categories(self) -> BTreeSet<String> {
        self.service
            .into_iter()
            .flat_map(|s| &s.sources)
            .flat_map(|entry| entry.categories(self.model.source(&entry.source)))
            .cloned()
            .collect()
    }

    /// The service's use of source `id`, if it lists it.
    pub(super) fn source_use(self, id: &SourceId) -> Option<&'a crate::model::SourceUse> {
        self.service?.sources.iter().find(|u| &u.source == id)
    }

    /// The storage statement in a few words: "the United States, in Azure data centers",
    /// "based on data residency".
    pub(super) fn storage(self) -> String {
        let Some(storage) = self.service.and_then(|s| s.storage.as_ref()) else {
            return "not declared".into();
        };
        let names: Vec<String> = storage.locations.iter().map(|l| l.name.clone()).collect();
        let mut text = match (storage.follows_residency, names.is_empty()) {
            (true, true) => "based on data residency".to_owned(),
            (true, false) => format!("based on data residency ({})", names.join(", ")),
            (false, _) => names.join(", "),
        };
        if let Some(facility) = &storage.facility {
            if !text.is_empty() {
                text.push_str(", ");
            }
            text.push_str("in ");
            text.push_str(facility);
        }
        text
    }

    pub(super) fn staff_locations(self) -> BTreeSet<String> {
        self.service
            .into_iter()
            .flat_map(|s| &s.staff)
            .flat_map(|g| &g.locations)
            .map(|l| l.name.clone())
            .collect()
    }

    pub(super) fn rules(self) -> Vec<&'a RetentionRule> {
        self.service
            .map(|s| s.retention.iter().collect())
            .unwrap_or_default()
    }

    pub(super) fn notice(self) -> Option<&'a ChangeNotice> {
        self.service?.change_notice.as_ref()
    }

    /// What counts as material here: the declared list, or every category.
    pub(super) fn policy(self) -> Vec<Material> {
        self.notice()
            .map_or_else(|| Material::ALL.to_vec(), |notice| notice.material.clone())
    }

    /// The service's prose, each piece keyed by what it belongs to and labelled by what a
    /// reviewer calls it.
    pub(super) fn prose(self) -> Vec<Piece> {
        let Some(service) = self.service else {
            return Vec::new();
        };
        let piece = |key: String, label: String, prose: &Prose| Piece {
            key,
            label,
            text: prose.text.trim().to_owned(),
            links: false,
        };
        let mut all = vec![piece("summary".into(), "summary".into(), &service.summary)];
        if let Some(processing) = &service.processing {
            all.push(piece("processing".into(), "processing".into(), processing));
        }
        if let Some(details) = service.storage.as_ref().and_then(|s| s.details.as_ref()) {
            all.push(piece("storage".into(), "storage details".into(), details));
        }
        if let Some(details) = service
            .change_notice
            .as_ref()
            .and_then(|n| n.details.as_ref())
        {
            all.push(piece(
                "notice".into(),
                "change-notice details".into(),
                details,
            ));
        }
        if let Some(how) = service.rights.as_ref().and_then(|r| r.how.as_ref()) {
            all.push(piece("rights".into(), "how to exercise rights".into(), how));
        }
        for access in &service.access {
            if let Some(details) = &access.details {
                let label = format!("details of {}", access.name);
                all.push(piece(format!("access:{}", access.name), label, details));
            }
        }
        for change in service.storage.iter().flat_map(|s| &s.changes) {
            if let Some(details) = &change.details {
                let label = format!("details of the storage move of {}", change.effective);
                all.push(piece(format!("move:{}", change.effective), label, details));
            }
        }
        for entry in &service.sources {
            let name = self.source_name(&entry.source);
            let id = &entry.source;
            all.push(piece(
                format!("purpose:{id}"),
                format!("purpose of {name}"),
                &entry.purpose,
            ));
            if let Some(details) = &entry.details {
                all.push(piece(
                    format!("details:{id}"),
                    format!("details of {name}"),
                    details,
                ));
            }
            // A source's own declaration shows on this page too: its name and links.
            if let Some(source) = self.model.source(id) {
                all.push(Piece {
                    key: format!("source:{id}"),
                    label: format!("name and links of {name}"),
                    text: format!(
                        "{} | {} | {:?} | {:?}",
                        source.name, source.url, source.privacy_url, source.privacy_title
                    ),
                    links: true,
                });
            }
        }
        for section in &service.sections {
            let label = format!("section \"{}\"", section.title);
            all.push(piece(
                format!("section:{}", section.id),
                label,
                &section.body,
            ));
        }
        all
    }
}

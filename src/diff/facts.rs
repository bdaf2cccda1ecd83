//! Changes in substance between two versions of the declarations, per service: each change
//! has a kind and is material or editorial under that service's `change-notice.material`
//! list (every category when the service declares none).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{Material, Model, Period, Prose, RetentionRule, Service, SourceId};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A source is listed that was not.
    SourceAdded,
    /// A source is no longer listed.
    SourceRemoved,
    /// The sources collect a data category they did not.
    DataCategoryAdded,
    /// They no longer collect one.
    DataCategoryRemoved,
    /// Storage locations, facility or data residency.
    StorageChanged,
    /// Staff work in a new place.
    StaffLocationAdded,
    /// Staff no longer work in a place.
    StaffLocationRemoved,
    /// Data is kept longer.
    RetentionLengthened,
    /// Data is kept for less time.
    RetentionShortened,
    /// A rule's trigger, reason or condition, or a rule added or removed.
    RetentionChanged,
    /// Notice days, channels or what counts as material.
    NoticeChanged,
    /// Front matter.
    MetadataChanged,
    /// Wording only.
    TextChanged,
}

impl Kind {
    /// The category of `change-notice.material` that makes this kind material, if any.
    fn category(self) -> Option<Material> {
        match self {
            Self::SourceAdded | Self::SourceRemoved => Some(Material::DataSources),
            Self::DataCategoryAdded | Self::DataCategoryRemoved => Some(Material::DataCategories),
            Self::StorageChanged => Some(Material::StorageLocations),
            Self::StaffLocationAdded | Self::StaffLocationRemoved => Some(Material::StaffLocations),
            Self::RetentionLengthened | Self::RetentionShortened | Self::RetentionChanged => {
                Some(Material::Retention)
            }
            Self::NoticeChanged => Some(Material::Notice),
            Self::MetadataChanged | Self::TextChanged => None,
        }
    }

    /// The kind as written in reports (`retention-lengthened`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SourceAdded => "source-added",
            Self::SourceRemoved => "source-removed",
            Self::DataCategoryAdded => "data-category-added",
            Self::DataCategoryRemoved => "data-category-removed",
            Self::StorageChanged => "storage-changed",
            Self::StaffLocationAdded => "staff-location-added",
            Self::StaffLocationRemoved => "staff-location-removed",
            Self::RetentionLengthened => "retention-lengthened",
            Self::RetentionShortened => "retention-shortened",
            Self::RetentionChanged => "retention-changed",
            Self::NoticeChanged => "notice-changed",
            Self::MetadataChanged => "metadata-changed",
            Self::TextChanged => "text-changed",
        }
    }
}

/// One change of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: Kind,
    /// Whether it needs notice, under the service's `material` list.
    pub material: bool,
    /// What changed, in words.
    pub summary: String,
}

/// The changes of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceChanges {
    /// The service id.
    pub id: String,
    /// Its name (the new one, or the old one when it was removed).
    #[serde(skip)]
    pub name: String,
    /// Days of notice its material changes need.
    #[serde(skip)]
    pub notice_days: u32,
    /// Its changes, in a stable order.
    pub changes: Vec<Change>,
}

/// Every service's changes between `old` and `new`, services in id order.
#[must_use]
pub fn compare(old: &Model, new: &Model) -> Vec<ServiceChanges> {
    let ids: BTreeSet<&str> = old
        .services
        .iter()
        .chain(&new.services)
        .map(|s| s.id.as_str())
        .collect();
    ids.into_iter()
        .filter_map(|id| {
            let before = old.services.iter().find(|s| s.id.as_str() == id);
            let after = new.services.iter().find(|s| s.id.as_str() == id);
            let service = after.or(before)?;
            let material: Vec<Material> = service
                .change_notice
                .as_ref()
                .map_or_else(|| Material::ALL.to_vec(), |notice| notice.material.clone());
            let mut found = Found::default();
            found.compare(
                Side {
                    model: old,
                    service: before,
                },
                Side {
                    model: new,
                    service: after,
                },
            );
            let changes: Vec<Change> = found
                .0
                .into_iter()
                .map(|(kind, summary)| Change {
                    kind,
                    material: kind.category().is_some_and(|c| material.contains(&c)),
                    summary,
                })
                .collect();
            (!changes.is_empty()).then(|| ServiceChanges {
                id: id.to_owned(),
                name: service.name.clone(),
                notice_days: service.change_notice.as_ref().map_or(0, |n| n.days),
                changes,
            })
        })
        .collect()
}

/// A service in one version (absent when it did not exist there).
#[derive(Clone, Copy)]
struct Side<'a> {
    model: &'a Model,
    service: Option<&'a Service>,
}

impl<'a> Side<'a> {
    fn sources(self) -> BTreeSet<&'a SourceId> {
        self.service
            .into_iter()
            .flat_map(|s| &s.sources)
            .map(|u| &u.source)
            .collect()
    }

    fn source_name(self, id: &SourceId) -> String {
        self.model
            .source(id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    }

    fn categories(self) -> BTreeSet<String> {
        self.sources()
            .into_iter()
            .filter_map(|id| self.model.source(id))
            .flat_map(|s| s.collects.iter().cloned())
            .collect()
    }

    fn storage(self) -> String {
        let Some(storage) = self.service.and_then(|s| s.storage.as_ref()) else {
            return "not declared".into();
        };
        let names: Vec<String> = storage.locations.iter().map(|l| l.name.clone()).collect();
        let mut text = if storage.follows_residency {
            format!("based on data residency ({})", names.join(", "))
        } else {
            names.join(", ")
        };
        if let Some(facility) = &storage.facility {
            text.push_str(", in ");
            text.push_str(facility);
        }
        text
    }

    fn staff_locations(self) -> BTreeSet<String> {
        self.service
            .into_iter()
            .flat_map(|s| &s.staff)
            .flat_map(|g| &g.locations)
            .map(|l| l.name.clone())
            .collect()
    }

    fn rules(self) -> Vec<&'a RetentionRule> {
        self.service
            .map(|s| s.retention.iter().collect())
            .unwrap_or_default()
    }

    fn notice(self) -> Option<(u32, Vec<String>, Vec<Material>)> {
        let notice = self.service?.change_notice.as_ref()?;
        Some((
            notice.days,
            notice.channels.clone(),
            notice.material.clone(),
        ))
    }

    /// The service's prose, by what a reviewer calls it.
    fn prose(self) -> Vec<(String, String)> {
        let Some(service) = self.service else {
            return Vec::new();
        };
        let text = |p: &Prose| p.text.trim().to_owned();
        let mut all = vec![("summary".to_owned(), text(&service.summary))];
        all.extend(
            service
                .processing
                .as_ref()
                .map(|p| ("processing".to_owned(), text(p))),
        );
        all.extend(
            service
                .storage
                .as_ref()
                .and_then(|s| s.details.as_ref())
                .map(|p| ("storage details".to_owned(), text(p))),
        );
        all.extend(
            service
                .change_notice
                .as_ref()
                .and_then(|n| n.details.as_ref())
                .map(|p| ("change-notice details".to_owned(), text(p))),
        );
        for entry in &service.sources {
            all.push((
                format!("purpose of `{}`", entry.source),
                text(&entry.purpose),
            ));
            all.extend(
                entry
                    .details
                    .as_ref()
                    .map(|p| (format!("details of `{}`", entry.source), text(p))),
            );
            // A source's own declaration shows on this page too: its name and links.
            if let Some(source) = self.model.source(&entry.source) {
                let links = format!(
                    "{} | {} | {:?} | {:?}",
                    source.name, source.url, source.privacy_url, source.privacy_title
                );
                all.push((
                    format!("name and links of source `{}`", entry.source),
                    links,
                ));
            }
        }
        all.extend(service.sections.iter().map(|s| {
            (
                format!("section \"{}\"", s.title),
                format!("{}\n{}", s.title, text(&s.body)),
            )
        }));
        all
    }
}

/// Changes as they are found: kind and summary.
#[derive(Default)]
struct Found(Vec<(Kind, String)>);

impl Found {
    fn push(&mut self, kind: Kind, summary: String) {
        self.0.push((kind, summary));
    }

    fn compare(&mut self, old: Side<'_>, new: Side<'_>) {
        let (old_sources, new_sources) = (old.sources(), new.sources());
        for id in new_sources.difference(&old_sources) {
            self.push(
                Kind::SourceAdded,
                format!("source {} added", new.source_name(id)),
            );
        }
        for id in old_sources.difference(&new_sources) {
            self.push(
                Kind::SourceRemoved,
                format!("source {} removed", old.source_name(id)),
            );
        }
        let (old_categories, new_categories) = (old.categories(), new.categories());
        for category in new_categories.difference(&old_categories) {
            self.push(
                Kind::DataCategoryAdded,
                format!("data category \"{category}\" added"),
            );
        }
        for category in old_categories.difference(&new_categories) {
            self.push(
                Kind::DataCategoryRemoved,
                format!("data category \"{category}\" removed"),
            );
        }
        let (old_storage, new_storage) = (old.storage(), new.storage());
        if old_storage != new_storage {
            self.push(
                Kind::StorageChanged,
                format!("storage: {old_storage} → {new_storage}"),
            );
        }
        let (old_staff, new_staff) = (old.staff_locations(), new.staff_locations());
        for location in new_staff.difference(&old_staff) {
            self.push(
                Kind::StaffLocationAdded,
                format!("staff now work in {location}"),
            );
        }
        for location in old_staff.difference(&new_staff) {
            self.push(
                Kind::StaffLocationRemoved,
                format!("staff no longer work in {location}"),
            );
        }
        self.retention(old, new);
        if old.notice() != new.notice() {
            let describe = |notice: Option<(u32, Vec<String>, Vec<Material>)>| {
                notice.map_or_else(
                    || "none".to_owned(),
                    |(days, channels, _)| format!("{days} days through {}", channels.join(", ")),
                )
            };
            self.push(
                Kind::NoticeChanged,
                format!(
                    "notice: {} → {}",
                    describe(old.notice()),
                    describe(new.notice())
                ),
            );
        }
        if old.service.map(|s| &s.front_matter) != new.service.map(|s| &s.front_matter)
            && old.service.is_some()
            && new.service.is_some()
        {
            self.push(Kind::MetadataChanged, "front matter changed".to_owned());
        }
        self.text(old, new);
    }

    fn retention(&mut self, old: Side<'_>, new: Side<'_>) {
        let key = |rule: &RetentionRule| {
            (
                rule.data.to_lowercase(),
                rule.source.clone(),
                rule.condition.clone(),
            )
        };
        let describe = |rule: &RetentionRule| match &rule.source {
            Some(source) => format!("{} from `{source}`", rule.data),
            None => rule.data.clone(),
        };
        let (old_rules, new_rules) = (old.rules(), new.rules());
        for rule in &new_rules {
            match old_rules.iter().find(|r| key(r) == key(rule)) {
                None => self.push(
                    Kind::RetentionChanged,
                    format!(
                        "retention rule for {} added: {}",
                        describe(rule),
                        rule.period
                    ),
                ),
                Some(before) => {
                    let (was, now) = (before.period.approx_days(), rule.period.approx_days());
                    let (was_min, now_min) = (
                        before.min_period.map(Period::approx_days),
                        rule.min_period.map(Period::approx_days),
                    );
                    if now > was || now_min > was_min {
                        self.push(
                            Kind::RetentionLengthened,
                            format!(
                                "{} kept longer: {} → {}",
                                describe(rule),
                                before.period,
                                rule.period
                            ),
                        );
                    } else if now < was || now_min < was_min {
                        self.push(
                            Kind::RetentionShortened,
                            format!(
                                "{} kept for less time: {} → {}",
                                describe(rule),
                                before.period,
                                rule.period
                            ),
                        );
                    }
                    if (&before.trigger, &before.reason) != (&rule.trigger, &rule.reason) {
                        self.push(
                            Kind::RetentionChanged,
                            format!(
                                "retention rule for {} now starts or applies differently",
                                describe(rule)
                            ),
                        );
                    }
                }
            }
        }
        for rule in old_rules
            .iter()
            .filter(|r| !new_rules.iter().any(|n| key(n) == key(r)))
        {
            self.push(
                Kind::RetentionChanged,
                format!("retention rule for {} removed", describe(rule)),
            );
        }
    }

    fn text(&mut self, old: Side<'_>, new: Side<'_>) {
        if old.service.is_none() || new.service.is_none() {
            return;
        }
        let (before, after) = (old.prose(), new.prose());
        for (what, text) in &after {
            match before.iter().find(|(w, _)| w == what) {
                Some((_, was)) if was != text => {
                    let verb = if what.starts_with("name and links") {
                        "changed"
                    } else {
                        "reworded"
                    };
                    self.push(Kind::TextChanged, format!("{what} {verb}"));
                }
                None if !what.starts_with("name and links") => {
                    self.push(Kind::TextChanged, format!("{what} added"));
                }
                _ => {}
            }
        }
        for (what, _) in before
            .iter()
            .filter(|(w, _)| !after.iter().any(|(a, _)| a == w) && !w.starts_with("name and links"))
        {
            self.push(Kind::TextChanged, format!("{what} removed"));
        }
    }
}

//! Changes in substance between two versions of the declarations, per service: each change
//! has a kind and is material or editorial under that service's `change-notice.material`
//! list (every category when the service declares none).

use std::collections::BTreeSet;

use serde::Serialize;

use super::side::Side;
use crate::model::{ChangeNotice, Material, Model, Period, RetentionRule, ServiceId};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
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
    /// Front matter, or the review date.
    MetadataChanged,
    /// Wording only.
    TextChanged,
    /// The service holds a new app or account in the customer's tenant.
    AccessAdded,
    /// It no longer does.
    AccessRemoved,
    /// An app or account gained a permission.
    PermissionAdded,
    /// It lost one.
    PermissionRemoved,
    /// A new recipient receives data.
    RecipientAdded,
    /// A recipient no longer does.
    RecipientRemoved,
    /// A recipient's countries or transfer mechanism changed.
    TransferChanged,
    /// The legal basis of a source's use changed.
    LegalBasisChanged,
    /// What a source's use covers changed (`applies-to`, data subjects).
    ScopeChanged,
    /// A dated storage move was added, removed or rescheduled.
    StorageChangeScheduled,
    /// The rights offered, or where to exercise them, changed.
    RightsChanged,
}

impl Kind {
    /// The category of `change-notice.material` that makes this kind material, if any.
    fn category(self) -> Option<Material> {
        match self {
            Self::SourceAdded | Self::SourceRemoved | Self::ScopeChanged => {
                Some(Material::DataSources)
            }
            Self::DataCategoryAdded | Self::DataCategoryRemoved => Some(Material::DataCategories),
            Self::StorageChanged | Self::StorageChangeScheduled => Some(Material::StorageLocations),
            Self::StaffLocationAdded | Self::StaffLocationRemoved => Some(Material::StaffLocations),
            Self::RetentionLengthened | Self::RetentionShortened | Self::RetentionChanged => {
                Some(Material::Retention)
            }
            Self::NoticeChanged => Some(Material::Notice),
            Self::MetadataChanged | Self::TextChanged => None,
            Self::AccessAdded
            | Self::AccessRemoved
            | Self::PermissionAdded
            | Self::PermissionRemoved => Some(Material::Access),
            Self::RecipientAdded | Self::RecipientRemoved => Some(Material::Recipients),
            Self::TransferChanged => Some(Material::Transfers),
            Self::LegalBasisChanged => Some(Material::LegalBasis),
            Self::RightsChanged => Some(Material::Rights),
        }
    }

    /// The kind as written in reports (`retention-lengthened`).
    #[must_use]
    pub(crate) fn as_str(self) -> &'static str {
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
            Self::AccessAdded => "access-added",
            Self::AccessRemoved => "access-removed",
            Self::PermissionAdded => "permission-added",
            Self::PermissionRemoved => "permission-removed",
            Self::RecipientAdded => "recipient-added",
            Self::RecipientRemoved => "recipient-removed",
            Self::TransferChanged => "transfer-changed",
            Self::LegalBasisChanged => "legal-basis-changed",
            Self::ScopeChanged => "scope-changed",
            Self::StorageChangeScheduled => "storage-change-scheduled",
            Self::RightsChanged => "rights-changed",
            Self::TextChanged => "text-changed",
        }
    }
}

/// One change of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Change {
    /// What changed.
    pub kind: Kind,
    /// Whether it needs notice, under the service's `material` list.
    pub material: bool,
    /// What changed, in words.
    pub summary: String,
}

/// The changes of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ServiceChanges {
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

impl ServiceChanges {
    /// Whether any of its changes needs notice.
    #[must_use]
    pub(crate) fn is_material(&self) -> bool {
        self.changes.iter().any(|change| change.material)
    }

    /// The earliest date its material changes may take effect when announced on `date`:
    /// `date` plus its notice days. `None` when none is material.
    #[must_use]
    pub(crate) fn effective_from(&self, date: jiff::civil::Date) -> Option<jiff::civil::Date> {
        if !self.is_material() {
            return None;
        }
        date.checked_add(jiff::Span::new().days(i64::from(self.notice_days)))
            .ok()
    }
}

/// Every service's changes between `old` and `new`, services in id order. A change is
/// material when the stricter of the two versions' policies says so — a change cannot
/// exempt itself — and the notice it needs is the longer of the two.
#[must_use]
pub(crate) fn compare(old: &Model, new: &Model) -> Vec<ServiceChanges> {
    let ids: BTreeSet<&str> = old
        .services
        .iter()
        .chain(&new.services)
        .map(|s| s.id.as_str())
        .collect();
    ids.into_iter()
        .filter_map(|id| {
            let before = old.service(&ServiceId(id.to_owned()));
            let after = new.service(&ServiceId(id.to_owned()));
            let service = after.or(before)?;
            let (old, new) = (
                Side {
                    model: old,
                    service: before,
                },
                Side {
                    model: new,
                    service: after,
                },
            );
            let mut policy: BTreeSet<Material> = BTreeSet::new();
            for side in [old, new].into_iter().filter(|side| side.service.is_some()) {
                policy.extend(side.policy());
            }
            let mut found = Found::default();
            found.compare(old, new);
            let changes: Vec<Change> = found
                .0
                .into_iter()
                .map(|(kind, summary, forced)| Change {
                    kind,
                    material: forced || kind.category().is_some_and(|c| policy.contains(&c)),
                    summary,
                })
                .collect();
            let days = |side: Side<'_>| side.notice().map_or(0, |n| n.days);
            (!changes.is_empty()).then(|| ServiceChanges {
                id: id.to_owned(),
                name: service.name.clone(),
                notice_days: days(old).max(days(new)),
                changes,
            })
        })
        .collect()
}

/// Changes as they are found: kind, summary, and whether it is material whatever the
/// policy (a change that weakens the notice itself).
#[derive(Default)]
pub(super) struct Found(Vec<(Kind, String, bool)>);

impl Found {
    pub(super) fn push(&mut self, kind: Kind, summary: String) {
        self.0.push((kind, summary, false));
    }

    fn push_material(&mut self, kind: Kind, summary: String) {
        self.0.push((kind, summary, true));
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
        self.storage_changes(old, new);
        self.retention(old, new);
        self.uses(old, new);
        self.access(old, new);
        self.recipients(old, new);
        self.rights(old, new);
        if old.service.is_some() && new.service.is_some() {
            self.notice(old.notice(), new.notice());
            let reviewed = |side: Side<'_>| side.service.map(|s| s.reviewed.as_ref().map(|r| r.0));
            let (before, after) = (reviewed(old), reviewed(new));
            if before != after {
                let date = |d: Option<Option<jiff::civil::Date>>| {
                    d.flatten()
                        .map_or_else(|| "none".to_owned(), |d| d.to_string())
                };
                self.push(
                    Kind::MetadataChanged,
                    format!("last reviewed: {} → {}", date(before), date(after)),
                );
            }
        }
        if old.service.map(|s| &s.front_matter) != new.service.map(|s| &s.front_matter)
            && old.service.is_some()
            && new.service.is_some()
        {
            self.push(Kind::MetadataChanged, "front matter changed".to_owned());
        }
        self.text(old, new);
    }

    /// Retention rules, matched by data, source and condition; a rule whose only change
    /// is the wording of its `data` is one change, not a removal and an addition.
    fn retention(&mut self, old: Side<'_>, new: Side<'_>) {
        let key = |rule: &RetentionRule| {
            (
                rule.data.to_lowercase(),
                rule.source.clone(),
                rule.condition.clone(),
            )
        };
        let describe = |side: Side<'_>, rule: &RetentionRule| match &rule.source {
            Some(source) => format!("{} from {}", rule.data, side.source_name(source)),
            None => rule.data.clone(),
        };
        let (old_rules, mut new_rules) = (old.rules(), new.rules());
        let mut removed = Vec::new();
        let mut pairs = Vec::new();
        for rule in old_rules {
            match new_rules.iter().position(|r| key(r) == key(rule)) {
                Some(at) => pairs.push((rule, new_rules.remove(at))),
                None => removed.push(rule),
            }
        }
        // What is left on both sides: the same rule with its data reworded?
        removed.retain(|&rule| {
            let same = |r: &&RetentionRule| {
                (&r.source, &r.condition, &r.keep, r.min_period)
                    == (&rule.source, &rule.condition, &rule.keep, rule.min_period)
            };
            let Some(at) = new_rules.iter().position(same) else {
                return true;
            };
            let now = new_rules.remove(at);
            self.push(
                Kind::RetentionChanged,
                format!(
                    "retention rule for {} now says \"{}\"",
                    describe(old, rule),
                    now.data
                ),
            );
            pairs.push((rule, now));
            false
        });
        for (before, rule) in pairs {
            let (was_min, now_min) = (
                before.min_period.map(Period::approx_days),
                rule.min_period.map(Period::approx_days),
            );
            match (before.keep.period(), rule.keep.period()) {
                (Some(was), Some(now))
                    if now.approx_days() > was.approx_days() || now_min > was_min =>
                {
                    self.push(
                        Kind::RetentionLengthened,
                        format!("{} kept longer: {was} → {now}", describe(new, rule)),
                    );
                }
                (Some(was), Some(now))
                    if now.approx_days() < was.approx_days() || now_min < was_min =>
                {
                    self.push(
                        Kind::RetentionShortened,
                        format!("{} kept for less time: {was} → {now}", describe(new, rule)),
                    );
                }
                _ if before.keep != rule.keep => self.push(
                    Kind::RetentionChanged,
                    format!(
                        "{} kept {} → {}",
                        describe(new, rule),
                        kept(&before.keep),
                        kept(&rule.keep)
                    ),
                ),
                _ => {}
            }
            if (&before.trigger, &before.reason) != (&rule.trigger, &rule.reason) {
                self.push(
                    Kind::RetentionChanged,
                    format!(
                        "retention rule for {} now starts or applies differently",
                        describe(new, rule)
                    ),
                );
            }
        }
        for rule in new_rules {
            self.push(
                Kind::RetentionChanged,
                format!(
                    "retention rule for {} added: {}",
                    describe(new, rule),
                    kept(&rule.keep)
                ),
            );
        }
        for rule in removed {
            self.push(
                Kind::RetentionChanged,
                format!("retention rule for {} removed", describe(old, rule)),
            );
        }
    }

    /// The notice itself. Fewer days, fewer categories counted as material, or no notice
    /// at all weakens it: material whatever either policy says. A channel reworded
    /// ("Admin portal" → "admin center") is editorial.
    fn notice(&mut self, old: Option<&ChangeNotice>, new: Option<&ChangeNotice>) {
        let (old, new) = match (old, new) {
            (None, None) => return,
            (None, Some(new)) => {
                let summary = format!(
                    "change notice added: {} through {}",
                    days(new.days),
                    new.channels.join(", ")
                );
                return self.push(Kind::NoticeChanged, summary);
            }
            (Some(_), None) => {
                return self.push_material(Kind::NoticeChanged, "change notice removed".into());
            }
            (Some(old), Some(new)) => (old, new),
        };
        if new.days < old.days {
            let summary = format!("notice shortened: {} → {}", days(old.days), days(new.days));
            self.push_material(Kind::NoticeChanged, summary);
        } else if new.days > old.days {
            let summary = format!("notice lengthened: {} → {}", days(old.days), days(new.days));
            self.push(Kind::NoticeChanged, summary);
        }
        for category in old.material.iter().filter(|m| !new.material.contains(m)) {
            let summary = format!(
                "changes to {} no longer count as material",
                category.phrase()
            );
            self.push_material(Kind::NoticeChanged, summary);
        }
        for category in new.material.iter().filter(|m| !old.material.contains(m)) {
            let summary = format!("changes to {} now count as material", category.phrase());
            self.push(Kind::NoticeChanged, summary);
        }
        self.channels(&old.channels, &new.channels);
    }

    /// Channels are matched as written (case and spacing aside). When as many are left on
    /// each side, they are the same channels renamed, in order ("Admin portal" → "admin
    /// center"): editorial. Otherwise the extra ones were added or dropped.
    fn channels(&mut self, old: &[String], new: &[String]) {
        let fold = |s: &String| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        let old_folded: Vec<String> = old.iter().map(fold).collect();
        let new_folded: Vec<String> = new.iter().map(fold).collect();
        let gone: Vec<&String> = old
            .iter()
            .zip(&old_folded)
            .filter(|(_, f)| !new_folded.contains(f))
            .map(|(c, _)| c)
            .collect();
        let came: Vec<&String> = new
            .iter()
            .zip(&new_folded)
            .filter(|(_, f)| !old_folded.contains(f))
            .map(|(c, _)| c)
            .collect();
        if gone.len() == came.len() {
            for (was, now) in gone.into_iter().zip(came) {
                self.push(
                    Kind::TextChanged,
                    format!("notice channel reworded: {was} → {now}"),
                );
            }
            return;
        }
        for channel in gone {
            self.push(
                Kind::NoticeChanged,
                format!("notices no longer go through {channel}"),
            );
        }
        for channel in came {
            self.push(
                Kind::NoticeChanged,
                format!("notices now also go through {channel}"),
            );
        }
    }

    fn text(&mut self, old: Side<'_>, new: Side<'_>) {
        if old.service.is_none() || new.service.is_none() {
            return;
        }
        let (before, after) = (old.prose(), new.prose());
        for piece in &after {
            match before.iter().find(|p| p.key == piece.key) {
                Some(was) if was.text != piece.text => {
                    let verb = if piece.links { "changed" } else { "reworded" };
                    self.push(Kind::TextChanged, format!("{} {verb}", piece.label));
                }
                None if !piece.links => {
                    self.push(Kind::TextChanged, format!("{} added", piece.label));
                }
                _ => {}
            }
        }
        for piece in before
            .iter()
            .filter(|p| !p.links && !after.iter().any(|a| a.key == p.key))
        {
            self.push(Kind::TextChanged, format!("{} removed", piece.label));
        }
    }
}

/// A retention promise in words: "for 30 days", "until the legal hold is lifted".
fn kept(keep: &crate::model::Keep) -> String {
    match keep {
        crate::model::Keep::For(period) => format!("for {period}"),
        crate::model::Keep::Until(event) => format!("until {event}"),
    }
}

/// "30 days", "1 day".
fn days(n: u32) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::model_of;

    const SOURCE: (&str, &str) = (
        "sources/agent.toml",
        "name = \"Agent\"\nurl = \"https://agent.example/\"\n",
    );

    /// The changes between two versions of one service file: (kind, material, summary).
    fn changes(old: &str, new: &str) -> Vec<(&'static str, bool, String)> {
        let base =
            "name = \"Svc\"\nsummary = \"S.\"\n[[sources]]\nsource = \"agent\"\npurpose = \"p\"\n";
        let (old, _, problems) =
            model_of(&[SOURCE, ("services/svc.toml", &format!("{base}{old}"))]);
        assert!(problems.is_empty(), "{problems:?}");
        let (new, _, problems) =
            model_of(&[SOURCE, ("services/svc.toml", &format!("{base}{new}"))]);
        assert!(problems.is_empty(), "{problems:?}");
        compare(&old, &new)
            .into_iter()
            .flat_map(|service| service.changes)
            .map(|c| (c.kind.as_str(), c.material, c.summary))
            .collect()
    }

    #[test]
    fn rewording_a_rules_data_is_one_change() {
        assert_eq!(
            changes(
                "[[retention]]\ndata = \"personal data\"\nperiod = \"30 days\"\n",
                "[[retention]]\ndata = \"data\"\nperiod = \"30 days\"\n"
            ),
            [(
                "retention-changed",
                true,
                "retention rule for personal data now says \"data\"".to_owned()
            )]
        );
    }

    #[test]
    fn a_period_and_an_event_compare() {
        assert_eq!(
            changes(
                "[[retention]]\ndata = \"logs\"\nperiod = \"30 days\"\n",
                "[[retention]]\ndata = \"logs\"\nuntil = \"the hold ends\"\n"
            ),
            [(
                "retention-changed",
                true,
                "logs kept for 30 days → until the hold ends".to_owned()
            )]
        );
    }

    #[test]
    fn the_stricter_policy_decides_and_weakening_the_notice_is_material() {
        let notice = |days: u32, material: &str| {
            format!(
                "[change-notice]\ndays = {days}\nchannels = [\"email\"]\nmaterial = [{material}]\n"
            )
        };
        // Staff added while `staff-locations` leaves the list: material under the old list.
        let found = changes(
            &(notice(30, "\"staff-locations\"")
                + "[[staff]]\nteams = [\"Ops\"]\nlocations = [\"US\"]\n"),
            &(notice(30, "\"retention\"")
                + "[[staff]]\nteams = [\"Ops\"]\nlocations = [\"US\", \"IN\"]\n"),
        );
        assert_eq!(
            found[0],
            (
                "staff-location-added",
                true,
                "staff now work in India".to_owned()
            )
        );
        assert!(found.contains(&(
            "notice-changed",
            true,
            "changes to where staff work no longer count as material".to_owned()
        )));
        // Fewer days is material even when `notice` is in neither list.
        let found = changes(&notice(30, "\"retention\""), &notice(14, "\"retention\""));
        assert_eq!(
            found,
            [(
                "notice-changed",
                true,
                "notice shortened: 30 days → 14 days".to_owned()
            )]
        );
        // More days is a change of the notice, material only where `notice` is listed.
        let found = changes(&notice(30, "\"retention\""), &notice(60, "\"retention\""));
        assert_eq!(
            found,
            [(
                "notice-changed",
                false,
                "notice lengthened: 30 days → 60 days".to_owned()
            )]
        );
    }

    #[test]
    fn channels_renamed_in_place_are_editorial_and_a_dropped_one_is_not() {
        let notice =
            |channels: &str| format!("[change-notice]\ndays = 30\nchannels = [{channels}]\n");
        assert_eq!(
            changes(
                &notice("\"the Admin portal\""),
                &notice("\"the admin center\"")
            ),
            [(
                "text-changed",
                false,
                "notice channel reworded: the Admin portal → the admin center".to_owned()
            )]
        );
        assert_eq!(
            changes(&notice("\"email\", \"the portal\""), &notice("\"email\"")),
            [(
                "notice-changed",
                true,
                "notices no longer go through the portal".to_owned()
            )]
        );
    }
}

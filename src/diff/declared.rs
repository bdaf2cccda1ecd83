//! The comparisons of what a page declares beyond sources, storage and retention: each
//! source use's scope and legal basis, dated storage moves, the access held in the
//! customer's tenant, recipients and their transfers, and data subject rights.

use std::collections::BTreeSet;

use super::facts::{Found, Kind};
use super::side::Side;
use crate::model::{Access, LegalBasis, Location, Recipient, StorageChange, Transfer};

impl Found {
    /// Per source listed in both versions: what its use covers and on what legal basis.
    pub(super) fn uses(&mut self, old: Side<'_>, new: Side<'_>) {
        for id in old.sources().intersection(&new.sources()) {
            let (Some(before), Some(after)) = (old.source_use(id), new.source_use(id)) else {
                continue;
            };
            let name = new.source_name(id);
            if before.applies_to != after.applies_to {
                let scope = |s: &Option<String>| s.clone().unwrap_or_else(|| "everything".into());
                self.push(
                    Kind::ScopeChanged,
                    format!(
                        "{name} applies to: {} → {}",
                        scope(&before.applies_to),
                        scope(&after.applies_to)
                    ),
                );
            }
            let was: BTreeSet<&String> = before.subjects.iter().collect();
            let now: BTreeSet<&String> = after.subjects.iter().collect();
            for subject in now.difference(&was) {
                self.push(
                    Kind::ScopeChanged,
                    format!("{name} now covers data of {subject}"),
                );
            }
            for subject in was.difference(&now) {
                self.push(
                    Kind::ScopeChanged,
                    format!("{name} no longer covers data of {subject}"),
                );
            }
            if before.legal_basis != after.legal_basis {
                let basis = |b: Option<LegalBasis>| b.map_or("not stated", LegalBasis::as_str);
                self.push(
                    Kind::LegalBasisChanged,
                    format!(
                        "legal basis of {name}: {} → {}",
                        basis(before.legal_basis),
                        basis(after.legal_basis)
                    ),
                );
            }
        }
    }

    /// Dated storage moves, matched by whose data moves and where to: a move whose date
    /// changed is rescheduled, not withdrawn and scheduled again.
    pub(super) fn storage_changes(&mut self, old: Side<'_>, new: Side<'_>) {
        let changes = |side: Side<'_>| -> Vec<StorageChange> {
            side.service
                .and_then(|s| s.storage.as_ref())
                .map(|s| s.changes.clone())
                .unwrap_or_default()
        };
        let (before, mut after) = (changes(old), changes(new));
        let key = |c: &StorageChange| (c.applies_to.clone(), names(&c.locations));
        let describe = |c: &StorageChange| {
            let whose = c
                .applies_to
                .as_deref()
                .map_or(String::new(), |who| format!(" for {who}"));
            format!("the move to {}{whose}", names(&c.locations).join(", "))
        };
        for change in before {
            match after.iter().position(|c| key(c) == key(&change)) {
                Some(at) => {
                    let now = after.remove(at);
                    if now.effective != change.effective {
                        self.push(
                            Kind::StorageChangeScheduled,
                            format!(
                                "{} rescheduled: {} → {}",
                                describe(&now),
                                change.effective,
                                now.effective
                            ),
                        );
                    }
                }
                None => self.push(
                    Kind::StorageChangeScheduled,
                    format!("{} as of {} withdrawn", describe(&change), change.effective),
                ),
            }
        }
        for change in after {
            self.push(
                Kind::StorageChangeScheduled,
                format!("{} scheduled as of {}", describe(&change), change.effective),
            );
        }
    }

    /// Apps and accounts in the customer's tenant, by name, and their permissions.
    pub(super) fn access(&mut self, old: Side<'_>, new: Side<'_>) {
        let access = |side: Side<'_>| -> Vec<Access> {
            side.service.map(|s| s.access.clone()).unwrap_or_default()
        };
        let (before, after) = (access(old), access(new));
        for entry in &after {
            let Some(was) = before.iter().find(|a| a.name == entry.name) else {
                let permissions = if entry.permissions.is_empty() {
                    String::new()
                } else {
                    format!(" with {}", entry.permissions.join(", "))
                };
                self.push(
                    Kind::AccessAdded,
                    format!("access {} added{permissions}", entry.name),
                );
                continue;
            };
            for permission in entry
                .permissions
                .iter()
                .filter(|p| !was.permissions.contains(p))
            {
                self.push(
                    Kind::PermissionAdded,
                    format!("{} gained permission {permission}", entry.name),
                );
            }
            for permission in was
                .permissions
                .iter()
                .filter(|p| !entry.permissions.contains(p))
            {
                self.push(
                    Kind::PermissionRemoved,
                    format!("{} lost permission {permission}", entry.name),
                );
            }
            if (&was.kind, &was.uses) != (&entry.kind, &entry.uses) {
                self.push(
                    Kind::TextChanged,
                    format!("uses of {} reworded", entry.name),
                );
            }
        }
        for entry in before
            .iter()
            .filter(|a| !after.iter().any(|n| n.name == a.name))
        {
            self.push(
                Kind::AccessRemoved,
                format!("access {} removed", entry.name),
            );
        }
    }

    /// Recipients, by name: where they take data and under what safeguard.
    pub(super) fn recipients(&mut self, old: Side<'_>, new: Side<'_>) {
        let recipients = |side: Side<'_>| -> Vec<Recipient> {
            side.service
                .map(|s| s.recipients.clone())
                .unwrap_or_default()
        };
        let (before, after) = (recipients(old), recipients(new));
        for entry in &after {
            let Some(was) = before.iter().find(|r| r.name == entry.name) else {
                let countries = names(&entry.locations).join(", ");
                self.push(
                    Kind::RecipientAdded,
                    format!("recipient {} added ({countries})", entry.name),
                );
                continue;
            };
            let (was_in, now_in) = (names(&was.locations), names(&entry.locations));
            if was_in != now_in {
                self.push(
                    Kind::TransferChanged,
                    format!(
                        "{} processes data in: {} → {}",
                        entry.name,
                        was_in.join(", "),
                        now_in.join(", ")
                    ),
                );
            }
            if was.transfer != entry.transfer {
                let mechanism = |t: Option<Transfer>| t.map_or("not stated", Transfer::as_str);
                self.push(
                    Kind::TransferChanged,
                    format!(
                        "transfer to {}: {} → {}",
                        entry.name,
                        mechanism(was.transfer),
                        mechanism(entry.transfer)
                    ),
                );
            }
            if (&was.purpose, &was.url) != (&entry.purpose, &entry.url) {
                self.push(
                    Kind::TextChanged,
                    format!("purpose of recipient {} reworded", entry.name),
                );
            }
        }
        for entry in before
            .iter()
            .filter(|r| !after.iter().any(|n| n.name == r.name))
        {
            self.push(
                Kind::RecipientRemoved,
                format!("recipient {} removed", entry.name),
            );
        }
    }

    /// The rights offered and where to exercise them (how to ask is prose, compared as text).
    pub(super) fn rights(&mut self, old: Side<'_>, new: Side<'_>) {
        if old.service.is_none() || new.service.is_none() {
            return;
        }
        let rights = |side: Side<'_>| -> (Vec<&'static str>, Option<String>) {
            side.service
                .and_then(|s| s.rights.as_ref())
                .map_or((Vec::new(), None), |r| {
                    (
                        r.rights.iter().map(|r| r.as_str()).collect(),
                        r.contact.clone(),
                    )
                })
        };
        let ((was, was_contact), (now, now_contact)) = (rights(old), rights(new));
        for right in now.iter().filter(|r| !was.contains(r)) {
            self.push(Kind::RightsChanged, format!("right of {right} now offered"));
        }
        for right in was.iter().filter(|r| !now.contains(r)) {
            self.push(
                Kind::RightsChanged,
                format!("right of {right} no longer offered"),
            );
        }
        if was_contact != now_contact {
            let contact = |c: Option<String>| c.unwrap_or_else(|| "none".into());
            self.push(
                Kind::RightsChanged,
                format!(
                    "where to make requests: {} → {}",
                    contact(was_contact),
                    contact(now_contact)
                ),
            );
        }
    }
}

fn names(locations: &[Location]) -> Vec<String> {
    locations.iter().map(|l| l.name.clone()).collect()
}

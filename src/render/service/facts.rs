//! The views of what a service declares about its data: storage and its dated moves, staff,
//! retention rules, the change notice, the access it holds in the customer's tenant, its
//! recipients, and the rights of data subjects. Word order lives in `service.md`.

use serde::Serialize;

use crate::model::{Location, Model, Prose, RetentionRule, Service};
use crate::render::{RuleTerms, long_date};

pub(super) fn names(locations: &[Location]) -> Vec<&str> {
    locations.iter().map(|l| l.name.as_str()).collect()
}

#[derive(Serialize)]
pub(super) struct StorageView<'a> {
    facility: Option<&'a str>,
    follows_residency: bool,
    locations: Vec<&'a str>,
    details: Option<String>,
    changes: Vec<ChangeView<'a>>,
}

#[derive(Serialize)]
struct ChangeView<'a> {
    date: String,
    locations: Vec<&'a str>,
    applies_to: Option<&'a str>,
    details: Option<String>,
}

pub(super) fn storage<'a>(
    service: &'a Service,
    prose: &mut impl FnMut(&Prose) -> String,
) -> Option<StorageView<'a>> {
    let storage = service.storage.as_ref()?;
    Some(StorageView {
        facility: storage.facility.as_deref(),
        follows_residency: storage.follows_residency,
        locations: names(&storage.locations),
        details: storage.details.as_ref().map(&mut *prose),
        changes: storage
            .changes
            .iter()
            .map(|change| ChangeView {
                date: long_date(change.effective),
                locations: names(&change.locations),
                applies_to: change.applies_to.as_deref(),
                details: change.details.as_ref().map(&mut *prose),
            })
            .collect(),
    })
}

#[derive(Serialize)]
pub(super) struct StaffView<'a> {
    teams: &'a [String],
    locations: Vec<&'a str>,
}

pub(super) fn staff(service: &Service) -> Vec<StaffView<'_>> {
    service
        .staff
        .iter()
        .map(|s| StaffView {
            teams: &s.teams,
            locations: names(&s.locations),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct RuleView<'a> {
    #[serde(flatten)]
    terms: RuleTerms<'a>,
    source_name: Option<&'a str>,
    source_url: Option<&'a str>,
}

pub(super) fn rules<'a>(rules: &[&'a RetentionRule], model: &'a Model) -> Vec<RuleView<'a>> {
    rules
        .iter()
        .map(|rule| {
            let source = rule.source.as_ref().and_then(|id| model.source(id));
            RuleView {
                terms: RuleTerms::of(rule),
                source_name: source.map(|s| s.name.as_str()),
                source_url: source.map(|s| s.url.as_str()),
            }
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct NoticeView<'a> {
    days: u32,
    channels: &'a [String],
    material: Vec<&'static str>,
    details: Option<String>,
}

pub(super) fn notice<'a>(
    service: &'a Service,
    prose: &mut impl FnMut(&Prose) -> String,
) -> Option<NoticeView<'a>> {
    let notice = service.change_notice.as_ref()?;
    Some(NoticeView {
        days: notice.days,
        channels: &notice.channels,
        material: notice.material.iter().map(|m| m.phrase()).collect(),
        details: notice.details.as_ref().map(prose),
    })
}

#[derive(Serialize)]
pub(super) struct AccessView<'a> {
    name: &'a str,
    kind: Option<&'a str>,
    uses: &'a [String],
    permissions: &'a [String],
    details: Option<String>,
}

pub(super) fn access<'a>(
    service: &'a Service,
    prose: &mut impl FnMut(&Prose) -> String,
) -> Vec<AccessView<'a>> {
    service
        .access
        .iter()
        .map(|access| AccessView {
            name: &access.name,
            kind: access.kind.as_deref(),
            uses: &access.uses,
            permissions: &access.permissions,
            details: access.details.as_ref().map(&mut *prose),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct RecipientView<'a> {
    name: &'a str,
    purpose: &'a str,
    locations: Vec<&'a str>,
    transfer: Option<&'static str>,
    url: Option<&'a str>,
}

pub(super) fn recipients(service: &Service) -> Vec<RecipientView<'_>> {
    service
        .recipients
        .iter()
        .map(|r| RecipientView {
            name: &r.name,
            purpose: &r.purpose,
            locations: names(&r.locations),
            transfer: r.transfer.map(crate::model::Transfer::phrase),
            url: r.url.as_deref(),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct RightsView<'a> {
    rights: Vec<&'static str>,
    how: Option<String>,
    contact: Option<&'a str>,
    /// The contact as a link target: `mailto:` for an email address.
    contact_link: Option<String>,
}

pub(super) fn rights<'a>(
    service: &'a Service,
    prose: &mut impl FnMut(&Prose) -> String,
) -> Option<RightsView<'a>> {
    let rights = service.rights.as_ref()?;
    Some(RightsView {
        rights: rights.rights.iter().map(|r| r.phrase()).collect(),
        how: rights.how.as_ref().map(prose),
        contact: rights.contact.as_deref(),
        contact_link: rights.contact.as_deref().map(|contact| {
            if contact.contains('@') && !contact.contains(':') {
                format!("mailto:{contact}")
            } else {
                contact.to_owned()
            }
        }),
    })
}

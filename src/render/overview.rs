//! The pages that gather facts from every declaration: the index, the retention table,
//! and the locations overview with its country × service matrix. Each row or line links
//! to the service page section that states the fact, so a fact lives in one place.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{FrontMatter, MetaValue, Model, RetentionRule, Service, Source};

use super::{RuleTerms, paths};

/// The front matter of a generated overview page.
pub(super) fn front_matter(title: &str, description: &str) -> FrontMatter {
    vec![
        ("title".to_owned(), MetaValue::Text(title.to_owned())),
        (
            "description".to_owned(),
            MetaValue::Text(description.to_owned()),
        ),
    ]
}

#[derive(Serialize)]
struct Line<'a> {
    name: &'a str,
    link: String,
    /// What the page is about, in one line.
    about: Option<&'a str>,
    collects: &'a [String],
}

#[derive(Serialize)]
struct PageLine<'a> {
    title: &'a str,
    link: String,
}

/// The context of `index.md`.
pub(super) fn index(model: &Model, book_title: Option<&str>, context: &mut tera::Context) {
    let here = "index.md";
    let services: Vec<Line> = sorted_services(model)
        .map(|service| Line {
            name: &service.name,
            link: paths::relative(here, &service.id.page()),
            about: description(service),
            collects: &[],
        })
        .collect();
    let sources: Vec<Line> = sorted_sources(model)
        .map(|source| Line {
            name: &source.name,
            link: paths::relative(here, &source.id.page()),
            about: None,
            collects: &source.collects,
        })
        .collect();
    let pages: Vec<PageLine> = model
        .pages
        .iter()
        .map(|page| PageLine {
            title: super::title_of(&page.front_matter).unwrap_or(&page.path),
            link: paths::relative(here, &page.path),
        })
        .collect();
    context.insert("title", book_title.unwrap_or("Privacy documentation"));
    context.insert("recipients", &super::nav::has_recipients(model));
    context.insert("services", &services);
    context.insert("sources", &sources);
    context.insert("pages", &pages);
}

fn description(service: &Service) -> Option<&str> {
    service
        .front_matter
        .iter()
        .find_map(|(key, value)| match value {
            MetaValue::Text(text) if key == "description" => Some(text.as_str()),
            _ => None,
        })
}

fn sorted_services(model: &Model) -> impl Iterator<Item = &Service> {
    let mut services: Vec<&Service> = model.services.iter().collect();
    services.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    services.into_iter()
}

fn sorted_sources(model: &Model) -> impl Iterator<Item = &Source> {
    let mut sources: Vec<&Source> = model.sources.iter().collect();
    sources.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    sources.into_iter()
}

/// A retention rule as a table row or list line.
#[derive(Serialize)]
pub(super) struct Rule<'a> {
    service: &'a str,
    link: String,
    #[serde(flatten)]
    terms: RuleTerms<'a>,
    source_name: Option<&'a str>,
    source_link: Option<String>,
}

/// `rule` of `service` as seen from the page at `here`.
pub(super) fn rule<'a>(
    here: &str,
    service: &'a Service,
    rule: &'a RetentionRule,
    model: &'a Model,
) -> Rule<'a> {
    let source = rule.source.as_ref().and_then(|id| model.source(id));
    Rule {
        service: &service.name,
        link: paths::relative(here, &format!("{}#retention", service.id.page())),
        terms: RuleTerms::of(rule),
        source_name: source.map(|s| s.name.as_str()),
        source_link: source.map(|s| paths::relative(here, &s.id.page())),
    }
}

/// The context of `retention.md`: every rule of every service.
pub(super) fn retention(model: &Model, context: &mut tera::Context) {
    let rows: Vec<Rule<'_>> = sorted_services(model)
        .flat_map(|service| service.retention.iter().map(move |r| (service, r)))
        .map(|(service, r)| rule("retention.md", service, r, model))
        .collect();
    context.insert("rows", &rows);
}

/// A recipient of a service, as a row of the recipients overview.
#[derive(Serialize)]
struct RecipientRow<'a> {
    service: &'a str,
    link: String,
    name: &'a str,
    url: Option<&'a str>,
    purpose: &'a str,
    countries: Vec<&'a str>,
    transfer: Option<&'static str>,
}

/// The context of `recipients.md`: every recipient of every service, linking to the
/// service's recipients section.
pub(super) fn recipients(model: &Model, context: &mut tera::Context) {
    let rows: Vec<RecipientRow<'_>> = sorted_services(model)
        .flat_map(|service| service.recipients.iter().map(move |r| (service, r)))
        .map(|(service, recipient)| RecipientRow {
            service: &service.name,
            link: paths::relative(
                "recipients.md",
                &format!("{}#recipients", service.id.page()),
            ),
            name: &recipient.name,
            url: recipient.url.as_deref(),
            purpose: &recipient.purpose,
            countries: recipient
                .locations
                .iter()
                .map(|l| l.name.as_str())
                .collect(),
            transfer: recipient.transfer.map(crate::model::Transfer::phrase),
        })
        .collect();
    context.insert("rows", &rows);
}

#[derive(Serialize)]
struct StaffGroup {
    teams: Vec<String>,
    locations: Vec<String>,
}

#[derive(Serialize)]
struct ServiceLocations {
    id: String,
    name: String,
    link: String,
    storage: Vec<String>,
    facility: Option<String>,
    follows_residency: bool,
    staff: Vec<StaffGroup>,
    /// Recipients and their countries, marked as such on the page.
    recipients: Vec<StaffGroup>,
    /// Dated storage moves, each a sentence.
    moves: Vec<String>,
}

#[derive(Serialize)]
struct Column {
    name: String,
    link: String,
}

#[derive(Serialize)]
struct Row {
    name: String,
    cells: Vec<String>,
}

#[derive(Serialize)]
struct Matrix {
    columns: Vec<Column>,
    rows: Vec<Row>,
}

/// The link from the page at `here` to what `service`'s page says about storage and staff:
/// its storage section when it has one (the template writes it only then), else the page.
fn storage_link(here: &str, service: &Service) -> String {
    let has_section =
        service.storage.is_some() || !service.staff.is_empty() || !service.retention.is_empty();
    let anchor = if has_section { "#storage" } else { "" };
    paths::relative(here, &format!("{}{anchor}", service.id.page()))
}

/// The context of `locations.md`: per service, then a location × service matrix.
/// What the locations page says of one service.
fn service_locations(here: &str, service: &Service) -> ServiceLocations {
    let names = |locations: &[crate::model::Location]| {
        locations.iter().map(|l| l.name.clone()).collect::<Vec<_>>()
    };
    ServiceLocations {
        id: service.id.to_string(),
        name: service.name.clone(),
        link: storage_link(here, service),
        storage: service
            .storage
            .as_ref()
            .map(|s| names(&s.locations))
            .unwrap_or_default(),
        facility: service.storage.as_ref().and_then(|s| s.facility.clone()),
        follows_residency: service
            .storage
            .as_ref()
            .is_some_and(|s| s.follows_residency),
        staff: service
            .staff
            .iter()
            .map(|g| StaffGroup {
                teams: g.teams.clone(),
                locations: names(&g.locations),
            })
            .collect(),
        recipients: service
            .recipients
            .iter()
            .map(|r| StaffGroup {
                teams: vec![r.name.clone()],
                locations: names(&r.locations),
            })
            .collect(),
        moves: service
            .storage
            .iter()
            .flat_map(|s| &s.changes)
            .map(|change| {
                let whose = change
                    .applies_to
                    .as_deref()
                    .map_or(String::new(), |who| format!(", for {who}"));
                format!(
                    "Data storage from {}: {}{whose}.",
                    super::long_date(change.effective),
                    super::sentence_list(&names(&change.locations), "and")
                )
            })
            .collect(),
    }
}

pub(super) fn locations(model: &Model, context: &mut tera::Context) {
    let here = "locations.md";
    let services: Vec<&Service> = sorted_services(model).collect();
    let per_service: Vec<ServiceLocations> = services
        .iter()
        .map(|service| service_locations(here, service))
        .collect();
    // Location name → per service: [stores data there, will store data there (a dated
    // move), staff work there, a recipient does].
    let mut by_location: BTreeMap<String, Vec<[bool; 4]>> = BTreeMap::new();
    for (column, service) in services.iter().enumerate() {
        let mut mark = |name: &str, what: usize| {
            let cells = by_location
                .entry(name.trim_start_matches("the ").to_owned())
                .or_insert_with(|| vec![[false; 4]; services.len()]);
            cells[column][what] = true;
        };
        for location in service.storage.iter().flat_map(|s| &s.locations) {
            mark(&location.name, 0);
        }
        let moves = service.storage.iter().flat_map(|s| &s.changes);
        for location in moves.flat_map(|change| &change.locations) {
            mark(&location.name, 1);
        }
        for location in service.staff.iter().flat_map(|g| &g.locations) {
            mark(&location.name, 2);
        }
        for location in service.recipients.iter().flat_map(|r| &r.locations) {
            mark(&location.name, 3);
        }
    }
    let matrix = Matrix {
        columns: services
            .iter()
            .map(|s| Column {
                name: s.name.clone(),
                link: storage_link(here, s),
            })
            .collect(),
        rows: by_location
            .into_iter()
            .map(|(name, cells)| Row {
                name,
                cells: cells
                    .into_iter()
                    .map(|cell| {
                        let marks: Vec<&str> = [
                            "data storage",
                            "data storage (scheduled)",
                            "staff",
                            "recipient",
                        ]
                        .into_iter()
                        .zip(cell)
                        .filter_map(|(mark, set)| set.then_some(mark))
                        .collect();
                        if marks.is_empty() {
                            "–".to_owned()
                        } else {
                            marks.join(", ")
                        }
                    })
                    .collect(),
            })
            .collect(),
    };
    context.insert("services", &per_service);
    context.insert("matrix", &matrix);
}

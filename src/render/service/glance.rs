//! The at-a-glance summary at the top of a service page: the facts a reader looks for
//! first, in the compact form app-store privacy labels made familiar — sources, data,
//! where it is stored (and will be), the longest retention, staff countries, recipients,
//! the notice and the last review. One list, readable in Markdown, HTML and print.

use serde::Serialize;

use crate::model::{Keep, Model, Service};
use crate::render::long_date;

/// One line of the summary.
#[derive(Serialize)]
pub(super) struct Fact {
    label: &'static str,
    value: String,
}

/// The summary of `service`; facts it does not declare are left out.
pub(super) fn facts(service: &Service, model: &Model) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut add = |label: &'static str, value: String| {
        if !value.is_empty() {
            facts.push(Fact { label, value });
        }
    };
    let sources: Vec<&str> = service
        .sources
        .iter()
        .filter_map(|u| model.source(&u.source))
        .map(|s| s.name.as_str())
        .collect();
    add("Data sources", sources.join(", "));
    let mut categories: Vec<&str> = Vec::new();
    for entry in &service.sources {
        for category in entry.categories(model.source(&entry.source)) {
            if !categories.contains(&category.as_str()) {
                categories.push(category);
            }
        }
    }
    add("Data categories", categories.join(", "));
    if let Some(storage) = &service.storage {
        let places: Vec<&str> = storage.locations.iter().map(|l| l.name.as_str()).collect();
        let mut stored = match (storage.follows_residency, places.is_empty()) {
            (true, true) => "based on your data residency".to_owned(),
            (true, false) => format!("based on your data residency: {}", places.join(", ")),
            (false, _) => places.join(", "),
        };
        if let Some(facility) = &storage.facility {
            stored = format!("{stored}, in {facility}");
        }
        add("Stored in", stored);
        let moves: Vec<String> = storage
            .changes
            .iter()
            .map(|change| {
                let places: Vec<&str> = change.locations.iter().map(|l| l.name.as_str()).collect();
                let whose = change
                    .applies_to
                    .as_deref()
                    .map_or(String::new(), |who| format!(" for {who}"));
                format!(
                    "{} as of {}{whose}",
                    places.join(", "),
                    long_date(change.effective)
                )
            })
            .collect();
        add("Scheduled moves", moves.join("; "));
    }
    add("Longest retention", longest_retention(service));
    let mut staff: Vec<&str> = Vec::new();
    for location in service.staff.iter().flat_map(|g| &g.locations) {
        if !staff.contains(&location.name.as_str()) {
            staff.push(&location.name);
        }
    }
    add("Staff in", staff.join(", "));
    let recipients: Vec<String> = service
        .recipients
        .iter()
        .map(|r| {
            let places: Vec<&str> = r.locations.iter().map(|l| l.name.as_str()).collect();
            if places.is_empty() {
                r.name.clone()
            } else {
                format!("{} ({})", r.name, places.join(", "))
            }
        })
        .collect();
    add("Recipients", recipients.join(", "));
    if let Some(notice) = &service.change_notice {
        let days = if notice.days == 1 {
            "1 day".to_owned()
        } else {
            format!("{} days", notice.days)
        };
        add("Notice of material changes", days);
    }
    if let Some((date, _)) = &service.reviewed {
        add("Last reviewed", long_date(*date));
    }
    facts
}

/// The rule that keeps data longest: an event ("until …") outlasts any period.
fn longest_retention(service: &Service) -> String {
    let longest = service
        .retention
        .iter()
        .max_by_key(|rule| match &rule.keep {
            Keep::Until(_) => u64::MAX,
            Keep::For(period) => period.approx_days(),
        });
    longest.map_or_else(String::new, |rule| format!("{} ({})", rule.keep, rule.data))
}

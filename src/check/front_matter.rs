//! `front-matter`: required keys (`required-front-matter`, by default `title` and
//! `description`), empty values, and the same value twice in a list (`keywords: …,
//! retention, …, retention`). Generated pages are checked at their declarations (`[page]`);
//! hand-written pages at their YAML. A hand-written page with no front matter at all is
//! left alone: front matter is optional for pages that are not published on their own.

use std::collections::BTreeSet;

use crate::diag::{CheckCode, Code, Diagnostic, Span};
use crate::model::{FrontMatter, MetaValue, Page, Service};

fn finding(span: Span, message: String, hint: &'static str) -> Diagnostic {
    Diagnostic::error(Code::Check(CheckCode::FrontMatter), span, message).with_hint(hint)
}

/// Checks `entries` against `required`; `at(key)` says where a key's value was written and
/// `missing` where a missing key should go.
fn check_entries(
    entries: &FrontMatter,
    required: &[String],
    at: impl Fn(&str) -> Span,
    missing: &Span,
) -> Vec<Diagnostic> {
    let empty = |key: &str| {
        finding(
            at(key),
            format!("front matter `{key}` is empty"),
            "give it a value or remove the key",
        )
    };
    let mut found = Vec::new();
    for key in required {
        if !entries.iter().any(|(k, _)| k == key) {
            found.push(finding(
                missing.clone(),
                format!("front matter has no `{key}`"),
                "every page needs it (`required-front-matter` in book.toml)",
            ));
        }
    }
    for (key, value) in entries {
        let items: Vec<&str> = match value {
            MetaValue::Text(text) if key == "keywords" => text.split(',').map(str::trim).collect(),
            // One value, most keys: empty or not, and nothing to list twice.
            MetaValue::Text(text) => {
                if text.is_empty() {
                    found.push(empty(key));
                }
                continue;
            }
            MetaValue::List(items) => items.iter().map(|i| i.trim()).collect(),
        };
        if items.iter().all(|item| item.is_empty()) {
            found.push(empty(key));
            continue;
        }
        let mut seen = BTreeSet::new();
        for item in &items {
            if !item.is_empty() && !seen.insert(item.to_lowercase()) {
                found.push(finding(
                    at(key),
                    format!("front matter `{key}` lists `{item}` twice"),
                    "remove the second one",
                ));
            }
        }
    }
    found
}

/// Checks the front matter a service declares for its page.
pub(super) fn service(service: &Service, required: &[String]) -> Vec<Diagnostic> {
    let at = |key: &str| {
        service
            .front_matter_spans
            .get(key)
            .cloned()
            .unwrap_or_else(|| service.page_span.clone())
    };
    check_entries(&service.front_matter, required, at, &service.page_span)
}

/// Checks the front matter of a hand-written page that has one.
pub(super) fn page(page: &Page, required: &[String]) -> Vec<Diagnostic> {
    let Some(yaml) = &page.front_matter_at else {
        return Vec::new();
    };
    if page.front_matter_invalid {
        return Vec::new(); // the YAML error says it all
    }
    let at = |key: &str| {
        let range = page.front_matter_keys.get(key).cloned();
        Span::new(page.file, range.unwrap_or(yaml.start..yaml.start))
    };
    let opening = Span::new(page.file, 0..3);
    check_entries(&page.front_matter, required, at, &opening)
}

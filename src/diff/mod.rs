//! `privdoc diff`: what changed between two versions of a project, in substance first
//! (per service, each change material or editorial under that service's notice rules),
//! then page by page (a unified diff of the Markdown output). The two versions are two
//! directories, or a git revision and the working tree (read through the `git` command).

mod declared;
mod facts;
mod format;
mod git;
mod side;

use std::collections::BTreeMap;

use serde::Serialize;

pub(crate) use facts::{ServiceChanges, compare};
pub(crate) use format::{DiffFormat, render};
pub(crate) use git::{Checkout, Revision, checkout, history};

use crate::render::Site;

/// How a generated page changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Status {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, with different Markdown.
    Changed,
}

/// A generated page that changed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageChange {
    /// The page's path in the Markdown output.
    pub path: String,
    /// Added, removed or changed.
    pub status: Status,
    /// The unified diff of its Markdown.
    #[serde(skip)]
    pub diff: String,
    /// Lines added and removed.
    #[serde(skip)]
    pub lines: (usize, usize),
}

/// Everything `privdoc diff` reports.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// How the old version is named ("revision `HEAD~1` (1a2b3c4)", "`old/`").
    pub old: String,
    /// How the new version is named ("the working tree", "`new/`").
    pub new: String,
    /// Per service, its changes.
    pub services: Vec<ServiceChanges>,
    /// Per generated page, how it changed.
    pub pages: Vec<PageChange>,
    /// The date notice is counted from.
    pub today: jiff::civil::Date,
}

impl Report {
    /// Compares the declarations and the generated pages of two versions.
    #[must_use]
    pub(crate) fn new(
        old: (&crate::model::Model, &Site),
        new: (&crate::model::Model, &Site),
        labels: (String, String),
        today: jiff::civil::Date,
    ) -> Self {
        Self {
            old: labels.0,
            new: labels.1,
            services: compare(old.0, new.0),
            pages: pages(old.1, new.1),
            today,
        }
    }

    /// Whether any change is material.
    #[must_use]
    pub(crate) fn material(&self) -> bool {
        self.services.iter().any(ServiceChanges::is_material)
    }

    /// The earliest date a service's material changes may take effect: today plus its
    /// notice days. `None` when it has no material change.
    #[must_use]
    pub(crate) fn effective_date(&self, service: &ServiceChanges) -> Option<jiff::civil::Date> {
        service.effective_from(self.today)
    }

    /// The earliest date all material changes may take effect (the latest of the services').
    #[must_use]
    pub(crate) fn overall_effective_date(&self) -> Option<jiff::civil::Date> {
        self.services
            .iter()
            .filter_map(|s| self.effective_date(s))
            .max()
    }
}

/// The Markdown pages that differ, in path order, with their unified diffs.
fn pages(old: &Site, new: &Site) -> Vec<PageChange> {
    let text = |site: &Site| -> BTreeMap<String, String> {
        site.pages
            .iter()
            .map(|p| (p.path.clone(), p.markdown.to_string()))
            .collect()
    };
    let (old, new) = (text(old), text(new));
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let (before, after) = (old.get(path), new.get(path));
            let status = match (before, after) {
                (None, Some(_)) => Status::Added,
                (Some(_), None) => Status::Removed,
                (Some(a), Some(b)) if a != b => Status::Changed,
                _ => return None,
            };
            let (before, after) = (
                before.map_or("", String::as_str),
                after.map_or("", String::as_str),
            );
            let diff = similar::TextDiff::from_lines(before, after);
            let mut lines = (0, 0);
            for change in diff.iter_all_changes() {
                match change.tag() {
                    similar::ChangeTag::Insert => lines.0 += 1,
                    similar::ChangeTag::Delete => lines.1 += 1,
                    similar::ChangeTag::Equal => {}
                }
            }
            let unified = diff
                .unified_diff()
                .context_radius(2)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string();
            Some(PageChange {
                path: path.clone(),
                status,
                diff: unified,
                lines,
            })
        })
        .collect()
}

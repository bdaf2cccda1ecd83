//! The change feed a build publishes: `changes.xml` (Atom) and a `changes` page, one entry
//! per commit that touched the declarations, stating its material and editorial changes
//! as `privdoc diff` finds them between it and the previous such commit, with the date the
//! material ones may take effect. Made from the git history alone (commit dates, not
//! today's), so the same history gives the same bytes; without git, no feed and no error.

use std::fmt::Write as _;
use std::path::Path;

use super::{Needs, Outcome, Ui, process};
use crate::config::{Config, Overrides};
use crate::diag::Counts;
use crate::diff::{Revision, ServiceChanges};
use crate::model::{FrontMatter, MetaValue};
use crate::render::{escape_html, escape_markdown};

/// The most revisions a feed goes back: each is loaded and compared, and a reader
/// subscribes for what comes next, not for the whole history.
pub(super) const MAX_ENTRIES: usize = 30;

/// One entry: a revision and what it changed.
pub(super) struct Entry {
    revision: Revision,
    services: Vec<ServiceChanges>,
}

/// Adds the change feed to a build's output (`changes.md`, `changes.html`,
/// `changes.xml`), when the project is in git and loaded without errors.
pub(super) fn add(dir: &Path, outcome: &mut Outcome, ui: Ui) {
    if !outcome.config.changes_feed || Counts::of(&outcome.diagnostics).errors > 0 {
        return;
    }
    let Some(entries) = ui.stage("feed", || entries(dir, &outcome.config)) else {
        return;
    };
    let Outcome {
        site,
        model,
        config,
        templates: Some(templates),
        diagnostics,
        ..
    } = outcome
    else {
        return;
    };
    let (front_matter, body) = page(&entries);
    let page = ("changes.md", front_matter, body);
    let atom = [("changes.xml".to_owned(), atom(&entries, config))];
    diagnostics.extend(crate::render::add_late_page(
        site, model, config, templates, page, &atom,
    ));
}

/// The feed's entries for the project in `dir`, newest first; `None` outside git or
/// before any commit touched the content (a project in an ignored folder of another
/// repository has no history to publish). A revision whose declarations do not load is
/// left out (there is nothing to compare).
pub(super) fn entries(dir: &Path, config: &Config) -> Option<Vec<Entry>> {
    let revisions = crate::diff::history(dir, &config.src, MAX_ENTRIES + 1)
        .filter(|revisions| !revisions.is_empty())?;
    let mut models = Vec::with_capacity(revisions.len());
    for revision in &revisions {
        let model = crate::diff::checkout(dir, &revision.commit)
            .ok()
            .and_then(|checkout| {
                let overrides = Overrides {
                    checks_only: true,
                    ..Overrides::default()
                };
                let outcome =
                    process(checkout.dir.path(), &overrides, Needs::Project, Ui::QUIET).ok()?;
                (Counts::of(&outcome.diagnostics).errors == 0).then_some(outcome.model)
            });
        models.push(model);
    }
    let mut entries = Vec::new();
    for (at, revision) in revisions.iter().enumerate().take(MAX_ENTRIES) {
        let (Some(Some(new)), Some(Some(old))) = (models.get(at), models.get(at + 1)) else {
            continue;
        };
        let services = crate::diff::compare(old, new);
        if !services.is_empty() {
            entries.push(Entry {
                revision: revision.clone(),
                services,
            });
        }
    }
    Some(entries)
}

/// The commit's date (`YYYY-MM-DD`).
fn day(entry: &Entry) -> &str {
    entry
        .revision
        .date
        .get(..10)
        .unwrap_or(&entry.revision.date)
}

/// The earliest date a service's material changes may take effect: the commit's date
/// plus its notice period.
fn effective(entry: &Entry, service: &ServiceChanges) -> Option<String> {
    let committed: jiff::civil::Date = day(entry).parse().ok()?;
    service
        .effective_from(committed)
        .map(|date| date.to_string())
}

/// The `changes` page: its front matter and its Markdown.
pub(super) fn page(entries: &[Entry]) -> (FrontMatter, String) {
    let front_matter = [
        ("title", "Changes"),
        (
            "description",
            "What changed in these privacy pages, revision by revision.",
        ),
    ]
    .map(|(key, text)| (key.to_owned(), MetaValue::Text(text.to_owned())))
    .to_vec();
    let mut out = String::from("# Changes {#changes}\n\n");
    out.push_str("Every revision that changed what these pages declare, newest first. Material changes need notice; the date is the earliest they take effect. Subscribe to [changes.xml](changes.xml) (Atom).\n");
    if entries.is_empty() {
        out.push_str("\nNo changes are recorded yet.\n");
    }
    for entry in entries {
        let short = entry.revision.short();
        let _ = write!(
            out,
            "\n## {} – {} {{#{short}}}\n\n",
            day(entry),
            escape_markdown(&entry.revision.subject)
        );
        for (at, service) in entry.services.iter().enumerate() {
            if at > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "{}:\n", escape_markdown(&service.name));
            for change in &service.changes {
                let weight = if change.material {
                    "**material**"
                } else {
                    "editorial"
                };
                let _ = writeln!(out, "- {weight}: {}", escape_markdown(&change.summary));
            }
            if let Some(date) = effective(entry, service) {
                let _ = writeln!(
                    out,
                    "\n{} days' notice: effective no earlier than {date}.",
                    service.notice_days
                );
            }
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    (front_matter, out)
}

/// `changes.xml`: the entries as an Atom feed. IRIs start with `site-url` when there is
/// one; entry ids are the commits.
pub(super) fn atom(entries: &[Entry], config: &Config) -> String {
    let site = config
        .site_url
        .as_deref()
        .map(|url| url.trim_end_matches('/'));
    let title = config.title.as_deref().unwrap_or("Privacy documentation");
    let updated = entries
        .first()
        .map_or("1970-01-01T00:00:00Z", |entry| entry.revision.date.as_str());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    let _ = writeln!(out, "<title>{} – changes</title>", escape_html(title));
    match site {
        Some(site) => {
            let _ = writeln!(out, "<id>{}/changes.xml</id>", escape_html(site));
            let _ = writeln!(
                out,
                "<link rel=\"self\" href=\"{}/changes.xml\"/>",
                escape_html(site)
            );
            let _ = writeln!(
                out,
                "<link rel=\"alternate\" href=\"{}/changes.html\"/>",
                escape_html(site)
            );
        }
        None => out.push_str("<id>urn:privdoc:changes</id>\n"),
    }
    let _ = writeln!(out, "<updated>{}</updated>", escape_html(updated));
    let _ = writeln!(out, "<author><name>{}</name></author>", escape_html(title));
    for entry in entries {
        let mut html = String::new();
        for service in &entry.services {
            let _ = write!(html, "<p>{}:</p><ul>", escape_html(&service.name));
            for change in &service.changes {
                let weight = if change.material {
                    "material"
                } else {
                    "editorial"
                };
                let _ = write!(html, "<li>{weight}: {}</li>", escape_html(&change.summary));
            }
            html.push_str("</ul>");
            if let Some(date) = effective(entry, service) {
                let _ = write!(
                    html,
                    "<p>{} days' notice: effective no earlier than {date}.</p>",
                    service.notice_days
                );
            }
        }
        let material = entry.services.iter().any(ServiceChanges::is_material);
        out.push_str("<entry>\n");
        let _ = writeln!(
            out,
            "<title>{}{}</title>",
            if material { "Material change: " } else { "" },
            escape_html(&entry.revision.subject)
        );
        let _ = writeln!(
            out,
            "<id>urn:git:{}</id>",
            escape_html(&entry.revision.commit)
        );
        let _ = writeln!(
            out,
            "<updated>{}</updated>",
            escape_html(&entry.revision.date)
        );
        if let Some(site) = site {
            let short = entry.revision.short();
            let _ = writeln!(
                out,
                "<link href=\"{}/changes.html#{short}\"/>",
                escape_html(site)
            );
        }
        let _ = writeln!(
            out,
            "<content type=\"html\">{}</content>",
            escape_html(&html)
        );
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

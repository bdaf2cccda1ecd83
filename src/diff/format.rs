//! The diff report as text (for a terminal), Markdown (to paste as a pull-request comment)
//! or JSON (for programs). Deterministic for a given date.

use std::fmt::Write;

use serde_json::json;

use super::{Report, Status};

/// How `privdoc diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    /// For a terminal.
    #[default]
    Text,
    /// A pull-request comment: material changes in a table, then editorial ones, then the
    /// page diffs in collapsible blocks.
    Markdown,
    /// One JSON object.
    Json,
}

/// Renders `report`; `stat` prints line counts instead of page diffs; `styled` colours text.
#[must_use]
pub(crate) fn render(report: &Report, format: DiffFormat, stat: bool, styled: bool) -> String {
    match format {
        DiffFormat::Text => text(report, stat, styled),
        DiffFormat::Markdown => markdown(report, stat),
        DiffFormat::Json => json(report),
    }
}

/// A notice period in words: "30 days' notice", "1 day's notice".
fn notice(days: u32) -> String {
    if days == 1 {
        "1 day's notice".to_owned()
    } else {
        format!("{days} days' notice")
    }
}

fn status(status: Status) -> &'static str {
    match status {
        Status::Added => "added",
        Status::Removed => "removed",
        Status::Changed => "changed",
    }
}

fn text(report: &Report, stat: bool, styled: bool) -> String {
    let paint = |style: anstyle::Style, text: &str| {
        if styled {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    };
    let bold = anstyle::Style::new().bold();
    let red = anstyle::AnsiColor::Red.on_default().bold();
    let mut out = format!("comparing {} with {}\n\n", report.old, report.new);
    if report.services.is_empty() {
        out.push_str("no changes in the declarations\n");
    }
    for service in &report.services {
        let material = service.changes.iter().filter(|c| c.material).count();
        write!(
            out,
            "{} ({}): {material} material, {} editorial",
            paint(bold, &service.name),
            service.id,
            service.changes.len() - material
        )
        .expect("writing to a String");
        if let Some(date) = report.effective_date(service) {
            write!(
                out,
                "; {}, effective no earlier than {date}",
                notice(service.notice_days)
            )
            .expect("writing to a String");
        }
        out.push('\n');
        for change in &service.changes {
            let label = if change.material {
                paint(red, "material ")
            } else {
                "editorial".to_owned()
            };
            writeln!(
                out,
                "  {label}  {:<24} {}",
                change.kind.as_str(),
                change.summary
            )
            .expect("writing to a String");
        }
    }
    writeln!(out, "\npages: {} changed", report.pages.len()).expect("writing to a String");
    for page in &report.pages {
        writeln!(
            out,
            "  {:<8} {} (+{} -{})",
            status(page.status),
            page.path,
            page.lines.0,
            page.lines.1
        )
        .expect("writing to a String");
    }
    if !stat {
        for page in &report.pages {
            out.push('\n');
            out.push_str(&page.diff);
        }
    }
    out
}

fn markdown(report: &Report, stat: bool) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = format!(
        "## privdoc: what changed\n\nComparing {} with {}.\n\n",
        report.old, report.new
    );
    let material: Vec<_> = report
        .services
        .iter()
        .flat_map(|s| s.changes.iter().filter(|c| c.material).map(move |c| (s, c)))
        .collect();
    if material.is_empty() {
        out.push_str("No material changes: nothing needs notice.\n\n");
    } else {
        out.push_str(
            "### Material changes\n\nCustomers must be notified before these take effect:\n\n",
        );
        for service in &report.services {
            if let Some(date) = report.effective_date(service) {
                writeln!(
                    out,
                    "- {}: {}, effective no earlier than **{date}**.",
                    service.name,
                    notice(service.notice_days)
                )
                .expect("writing to a String");
            }
        }
        out.push('\n');
        out.push_str("| Service | Change | Kind | Effective from |\n|---|---|---|---|\n");
        for (service, change) in &material {
            let date = report
                .effective_date(service)
                .map_or_else(String::new, |d| d.to_string());
            writeln!(
                out,
                "| {} | {} | `{}` | {date} |",
                cell(&service.name),
                cell(&change.summary),
                change.kind.as_str()
            )
            .expect("writing to a String");
        }
        out.push('\n');
    }
    let editorial: Vec<_> = report
        .services
        .iter()
        .flat_map(|s| {
            s.changes
                .iter()
                .filter(|c| !c.material)
                .map(move |c| (s, c))
        })
        .collect();
    if !editorial.is_empty() {
        out.push_str("### Editorial changes\n\n");
        for (service, change) in editorial {
            writeln!(
                out,
                "- {}: {} (`{}`)",
                service.name,
                change.summary,
                change.kind.as_str()
            )
            .expect("writing to a String");
        }
        out.push('\n');
    }
    writeln!(out, "### Pages ({} changed)\n", report.pages.len()).expect("writing to a String");
    for page in &report.pages {
        if stat {
            writeln!(
                out,
                "- `{}` {} (+{} -{})",
                page.path,
                status(page.status),
                page.lines.0,
                page.lines.1
            )
            .expect("writing to a String");
        } else {
            writeln!(
                out,
                "<details><summary><code>{}</code> {} (+{} -{})</summary>\n\n````diff\n{}````\n\n</details>\n",
                page.path,
                status(page.status),
                page.lines.0,
                page.lines.1,
                page.diff
            )
            .expect("writing to a String");
        }
    }
    out
}

fn json(report: &Report) -> String {
    let value = json!({
        "old": report.old,
        "new": report.new,
        "services": report.services,
        "pages": report.pages,
        "material": report.material(),
        "effective-date": report.overall_effective_date().map(|d| d.to_string()),
    });
    let mut out = serde_json::to_string_pretty(&value).expect("a JSON value always serializes");
    out.push('\n');
    out
}

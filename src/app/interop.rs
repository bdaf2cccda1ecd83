//! Where compliance teams already work: `privdoc export` (the model as JSON, an Art. 30
//! record as CSV, DPV JSON-LD) and `privdoc mdbook` (mdBook's preprocessor protocol).
//! Both run the whole pipeline first: a project with errors exports nothing and fails the
//! book's build, with the findings on stderr in privdoc's format.

use std::io::{Read as _, Write as _};
use std::path::Path;

use serde_json::{Value, json};

use super::{Exit, Needs, Outcome, Ui, exit, fails, process, report, report_unusable, summary};
use crate::cli::{ExportArgs, MdbookArgs, MdbookSupports};
use crate::config::Overrides;
use crate::diag::Format;
use crate::render::Nav;

/// The checked project in `dir`, or the exit status after its findings were printed.
fn checked(dir: &Path, ui: Ui) -> Result<Outcome, Exit> {
    let overrides = Overrides {
        checks_only: true,
        ..Overrides::default()
    };
    let outcome = process(dir, &overrides, Needs::Project, ui)
        .map_err(|unusable| report_unusable(&unusable, Format::Human))?;
    let counts = report(&outcome, Format::Human, ui)?;
    if fails(counts, false) {
        eprintln!("error: {}", summary(counts, outcome.summary.as_ref()));
        return Err(Exit::Problems);
    }
    Ok(outcome)
}

/// `privdoc export`.
pub(super) fn export(args: &ExportArgs, ui: Ui) -> Exit {
    let outcome = match checked(&args.dir, ui) {
        Ok(outcome) => outcome,
        Err(exit) => return exit,
    };
    let text = crate::export::export(&outcome.model, &outcome.config, args.format, args.template);
    let written = match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            anyhow::Error::new(e).context(format!("failed to write `{}`", path.display()))
        }),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(anyhow::Error::new),
    };
    exit(written)
}

/// `privdoc mdbook`: `supports <renderer>` answers yes (the chapters are Markdown); without
/// it, reads `[context, book]` on stdin and prints the book with the generated pages:
/// chapters the book's `SUMMARY.md` already lists get their content, the others are
/// appended under privdoc's part titles.
pub(super) fn mdbook(args: &MdbookArgs, ui: Ui) -> Exit {
    if let Some(MdbookSupports::Supports { .. }) = args.supports {
        return Exit::Success;
    }
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("error: failed to read the book from mdBook: {error}");
        return Exit::Failure;
    }
    let (context, mut book) = match serde_json::from_str::<(Value, Value)>(&input) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("error: standard input is not mdBook's `[context, book]` JSON: {error}");
            return Exit::Failure;
        }
    };
    let Some(root) = context.get("root").and_then(Value::as_str) else {
        eprintln!("error: mdBook's context has no `root`");
        return Exit::Failure;
    };
    let outcome = match checked(Path::new(root), ui) {
        Ok(outcome) => outcome,
        Err(exit) => return exit,
    };
    add_chapters(&mut book, &outcome);
    let written = serde_json::to_writer(std::io::stdout().lock(), &book);
    exit(written.map_err(anyhow::Error::new))
}

/// Puts the generated pages into mdBook's book (`items` in mdBook 0.5, `sections` before).
fn add_chapters(book: &mut Value, outcome: &Outcome) {
    let written: std::collections::HashSet<&str> = outcome
        .model
        .pages
        .iter()
        .map(|page| page.path.as_str())
        .collect();
    let generated: std::collections::HashMap<&str, &str> = outcome
        .site
        .pages
        .iter()
        .filter(|page| !written.contains(page.path.as_str()))
        .map(|page| (page.path.as_str(), &page.markdown[page.body_start..]))
        .collect();
    let key = if book.get("items").is_some() {
        "items"
    } else {
        "sections"
    };
    let Some(Value::Array(items)) = book.get_mut(key) else {
        return;
    };
    let mut listed = std::collections::HashSet::new();
    fill(items, &generated, &mut listed);
    let nav = Nav::of(&outcome.model);
    let chapter = |title: &str, path: &str| {
        json!({ "Chapter": {
            "name": title,
            "content": generated[path],
            "number": null,
            "sub_items": [],
            "path": path,
            "source_path": path,
            "parent_names": [],
        }})
    };
    let missing = |path: &str| generated.contains_key(path) && !listed.contains(path);
    if let Some(index) = nav.index.as_ref().filter(|index| missing(&index.path)) {
        items.push(chapter(&index.title, &index.path));
    }
    for section in &nav.sections {
        let entries: Vec<Value> = section
            .entries
            .iter()
            .filter(|entry| missing(&entry.path))
            .map(|entry| chapter(&entry.title, &entry.path))
            .collect();
        if !entries.is_empty() {
            items.push(json!({ "PartTitle": section.title }));
            items.extend(entries);
        }
    }
}

/// Gives every chapter the book lists at a generated page's path that page's Markdown,
/// recording the paths listed.
fn fill<'a>(
    items: &mut [Value],
    generated: &std::collections::HashMap<&'a str, &str>,
    listed: &mut std::collections::HashSet<&'a str>,
) {
    for item in items {
        let Some(chapter) = item.get_mut("Chapter") else {
            continue;
        };
        let path = chapter
            .get("path")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some((&path, &content)) = path.as_deref().and_then(|p| generated.get_key_value(p)) {
            chapter["content"] = json!(content);
            listed.insert(path);
        }
        if let Some(Value::Array(sub_items)) = chapter.get_mut("sub_items") {
            fill(sub_items, generated, listed);
        }
    }
}

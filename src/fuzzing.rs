//! What the fuzz targets in `fuzz/` call (cargo-fuzz, libFuzzer): each entry point takes
//! arbitrary bytes, runs one stage or the whole pipeline on them and panics only where
//! privdoc has a bug — a panic inside privdoc, or a broken promise checked here (every
//! finding located inside its file, every report well formed, a parse that reads back).
//! The integration tests run every target's seeds through the same functions, so a crash
//! the fuzzer found stays fixed once its input is a seed.
//!
//! Not a stable API: it exists for the fuzzer and is hidden from the documentation.

use std::path::{Path, PathBuf};

use crate::app::{self, Needs, Ui};
use crate::config::Overrides;
use crate::diag::{self, Diagnostic, Format, SourceMap, Span};
use crate::model::{Location, Period, Regions};

/// The files the declaration target writes, picked by the input's first byte: a service,
/// a source, the regions and the settings.
pub const DECLARATIONS: [&str; 4] = [
    "content/services/workplace.toml",
    "content/sources/device-agent.toml",
    "content/locations.toml",
    "book.toml",
];
/// Where the page and resolver targets write their hand-written page.
pub const PAGE: &str = "content/guide/fuzz.md";
/// Where the resolver target writes its snippet (`{{#include snippets/fuzz.md}}`).
pub const SNIPPET: &str = "content/snippets/fuzz.md";

/// The project every whole-pipeline target writes into: the test fixture that declares
/// every field (one service, three sources, regions, every setting), small enough that
/// the fuzzer runs hundreds of inputs a second.
#[must_use]
pub fn base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full-service")
}

/// `data` split at its first NUL byte (which neither part keeps); all of it and nothing
/// when there is none.
#[must_use]
pub fn split_at_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// A copy of a project in a temporary folder, into which each input is written before the
/// whole pipeline (load, render, check, HTML, every report format) runs on it.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// Copies the project at `base` (its `book.toml`, `content/` and `templates/`).
    #[must_use]
    pub fn copy_of(base: &Path) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("privdoc-fuzz-")
            .tempdir()
            .expect("a temporary folder");
        for entry in walkdir::WalkDir::new(base).sort_by_file_name() {
            let entry = entry.expect("the base project is readable");
            let relative = entry.path().strip_prefix(base).expect("under the base");
            let first = relative.components().next();
            let wanted = first.is_none_or(|part| {
                ["book.toml", "content", "templates"]
                    .contains(&&*part.as_os_str().to_string_lossy())
            });
            if !wanted {
                continue;
            }
            let to = dir.path().join(relative);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("a folder in the copy");
            } else {
                std::fs::copy(entry.path(), &to).expect("a file in the copy");
            }
        }
        Self { dir }
    }

    /// The copy's folder.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `files` (paths relative to the project) over the copy, runs the pipeline, and
    /// puts the copy back as it was.
    pub fn run(&self, files: &[(&str, &[u8])]) {
        let mut undo: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
        for (relative, bytes) in files {
            let path = self.dir.path().join(relative);
            undo.push((path.clone(), std::fs::read(&path).ok()));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("a folder in the copy");
            }
            std::fs::write(&path, bytes).expect("a file in the copy");
        }
        pipeline(self.dir.path());
        for (path, before) in undo.into_iter().rev() {
            match before {
                Some(bytes) => std::fs::write(&path, bytes).expect("restoring the copy"),
                None => std::fs::remove_file(&path).expect("restoring the copy"),
            }
        }
    }
}

/// Everything `privdoc build` does short of writing, and every report format.
fn pipeline(dir: &Path) {
    let overrides = Overrides {
        cache: false,
        ..Overrides::default()
    };
    match app::process(dir, &overrides, Needs::Project, Ui::QUIET) {
        Ok(outcome) => {
            reports(&outcome.diagnostics, &outcome.files);
            if !outcome
                .diagnostics
                .iter()
                .any(|d| d.severity == diag::Severity::Error)
            {
                // What a build would write: every page renders to bytes.
                assert!(
                    !app::output_files(&outcome).is_empty(),
                    "a site with no files"
                );
            }
        }
        Err(unusable) => reports(&unusable.diagnostics, &unusable.files),
    }
}

/// Every finding lies inside its file, on character boundaries, and every format renders;
/// the JSON and SARIF reports parse back.
fn reports(diagnostics: &[Diagnostic], files: &SourceMap) {
    for diagnostic in diagnostics {
        let spans = std::iter::once(&diagnostic.span)
            .chain(diagnostic.labels.iter().map(|label| &label.span))
            .chain(diagnostic.related.iter().map(|label| &label.span));
        for span in spans {
            assert_located(span, files, diagnostic);
        }
    }
    let summary = diag::Summary::default();
    for format in [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Github,
        Format::Sarif,
    ] {
        let mut out = Vec::new();
        diag::write(&mut out, format, diagnostics, files, &summary, false)
            .expect("writing to memory");
        if matches!(format, Format::Json | Format::Sarif) {
            serde_json::from_slice::<serde_json::Value>(&out).expect("the report is JSON");
        }
    }
}

fn assert_located(span: &Span, files: &SourceMap, diagnostic: &Diagnostic) {
    let text = files.get(span.file).text();
    let range = &span.range;
    assert!(
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end),
        "{:?} at {range:?} of a {}-byte file: {}",
        diagnostic.code,
        text.len(),
        diagnostic.message
    );
}

/// The front-matter splitter and reader on one page's text: the span of any error lies in
/// the page, and front matter read without the YAML parser reads the same with it.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((yaml, body_start)) = crate::load::split_front_matter(text) else {
        return;
    };
    assert!(yaml.end <= body_start && body_start <= text.len());
    let mut files = SourceMap::default();
    let file = files.add("page.md".into(), text.into());
    match crate::load::read_front_matter(file, files.get(file), yaml.clone()) {
        Ok(_) => {}
        Err(diagnostic) => assert_located(&diagnostic.span, &files, &diagnostic),
    }
    crate::load::assert_plain_front_matter_agrees(&text[yaml]);
}

/// The retention-period and location parsers: a period that parses prints in a form that
/// parses back to itself; a location resolves or suggests without failing.
pub fn period_and_location(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(period) = Period::parse(text) {
        let shown = period.to_string();
        assert_eq!(
            Period::parse(&shown),
            Ok(period),
            "`{text}` printed as `{shown}`"
        );
        let _ = period.approx_days();
        for date in [
            jiff::civil::date(2026, 1, 31),
            jiff::civil::date(9999, 12, 31),
        ] {
            let _ = period.after(date);
        }
    }
    let regions = Regions::from([
        ("EU".to_owned(), "the European Union".to_owned()),
        ("EEA".to_owned(), "the European Economic Area".to_owned()),
    ]);
    match Location::resolve(text, &regions) {
        Some(location) => assert_eq!(location.code, text),
        None => {
            let _ = Location::suggest(text, &regions);
        }
    }
}

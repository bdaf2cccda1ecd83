//! The only reader of `content/` and `templates/`: files into raw types with spans, then
//! [`resolve`] into the model. Problems are collected as diagnostics, never returned
//! one at a time, so a writer sees everything wrong in one run.

mod disclosure;
mod front_matter;
mod raw;
mod resolve;
mod retention;
mod service;
mod walk;

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

pub(crate) use front_matter::split as split_front_matter;
pub(crate) use front_matter::{
    assert_plain_agrees as assert_plain_front_matter_agrees, parse as read_front_matter,
};

use crate::config::Config;
use crate::de::parse_toml;
use toml::Spanned;

use crate::diag::{CheckCode, Code, Diagnostic, FileId, SourceFile, SourceMap, Span};
use crate::model::{Model, Origin, Prose, Unloaded};

/// A template file of the project, overriding a built-in one by name.
#[derive(Debug, Clone)]
pub(crate) struct TemplateFile {
    /// The file name (`service.md`).
    pub name: String,
    /// The file, for diagnostics.
    pub file: FileId,
    /// Its text.
    pub text: Arc<str>,
}

/// What loading produced: the model and every problem found.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// The validated declarations (only the valid parts when there are errors).
    pub model: Model,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a content file belongs, decided by its path under the content directory.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Service(String),
    Source(String),
    Snippet(String),
    Locations,
    Page(String),
    Asset(String),
}

/// Every input of a project, read but not yet parsed: what a run's result depends on.
#[derive(Debug, Default)]
pub(crate) struct Read {
    /// Declarations and pages, by kind, in walk order.
    classified: Vec<(Kind, FileId, Arc<str>)>,
    /// Template overrides from the project's `templates/`.
    pub templates: Vec<TemplateFile>,
    /// Other files of the content directory, link targets (`images/logo.png`).
    pub assets: Vec<String>,
    /// What could not be read and so is not declared.
    pub unloaded: Unloaded,
    /// Problems found while walking and reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// What the walk found, before any file is read: the declarations and pages to read,
/// the templates, and the other files.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Declarations and pages to read, relative to the root, in walk order, with their kind.
    to_read: Vec<(String, Kind)>,
    /// Template files, relative to the root.
    templates: Vec<String>,
    /// Other files of the content directory, relative to it.
    assets: Vec<String>,
    /// What refused links would have declared.
    unloaded: Unloaded,
    /// Problems found while walking.
    diagnostics: Vec<Diagnostic>,
}

impl Scan {
    /// Every file [`read`] reads, relative to the root, in the order it reads them.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &str> {
        let pages = self.to_read.iter().map(|(path, _)| path.as_str());
        pages.chain(self.templates.iter().map(String::as_str))
    }

    /// The other files of the content directory (link targets), relative to it.
    pub(crate) fn assets(&self) -> &[String] {
        &self.assets
    }

    /// Whether the walk met no problem.
    pub(crate) fn is_clean(&self) -> bool {
        self.diagnostics.is_empty()
    }
}

/// Walks the project described by `config`: what [`read`] will read, classified.
pub(crate) fn scan(config: &Config, files: &mut SourceMap) -> Scan {
    let mut diagnostics = Vec::new();
    let root = &config.root;
    let skip = [config.build_path().to_path_buf(), root.join("templates")];
    let content = walk::files(root, &config.src, &skip, &mut diagnostics, files);
    let templates = walk::files(root, Path::new("templates"), &[], &mut diagnostics, files).files;
    // Classified before reading: only declarations and pages are read; other files are
    // recorded as link targets.
    let src_prefix = walk::display(&config.src);
    let mut assets = Vec::new();
    let mut to_read = Vec::new();
    let mut unloaded = Unloaded::default();
    // What refused links would have declared is unloaded: naming it is not also an error.
    for path in &content.refused {
        if let Some(kind) = strip_dir(path, &src_prefix).and_then(classify) {
            unloaded.add(&kind);
        }
    }
    for path in content.files {
        match strip_dir(&path, &src_prefix).and_then(classify) {
            Some(Kind::Asset(relative)) => assets.push(relative),
            Some(kind) => to_read.push((path, kind)),
            None => {}
        }
    }
    Scan {
        to_read,
        templates,
        assets,
        unloaded,
        diagnostics,
    }
}

/// Reads what [`scan`] found, registering every file it reads in `files`; [`resolve`]
/// parses what it read.
pub(crate) fn read(config: &Config, scan: Scan, files: &mut SourceMap) -> Read {
    let Scan {
        to_read,
        templates,
        assets,
        mut unloaded,
        mut diagnostics,
    } = scan;
    let root = &config.root;
    let (paths, kinds): (Vec<String>, Vec<Kind>) = to_read.into_iter().unzip();
    // `read_all` keeps the order and leaves out what it could not read, which is then
    // not declared either.
    let mut read_files = read_all(root, paths.clone(), files, &mut diagnostics)
        .into_iter()
        .peekable();
    let mut classified = Vec::with_capacity(paths.len());
    for (path, kind) in paths.iter().zip(kinds) {
        match read_files.next_if(|(read, _, _)| read == path) {
            Some((_, file, text)) => classified.push((kind, file, text)),
            None => unloaded.add(&kind),
        }
    }
    let templates = read_all(root, templates, files, &mut diagnostics)
        .into_iter()
        .filter_map(|(relative, file, text)| {
            let name = relative.rsplit('/').next()?.to_owned();
            Some(TemplateFile { name, file, text })
        })
        .collect();
    Read {
        classified,
        templates,
        assets,
        unloaded,
        diagnostics,
    }
}

/// Parses what [`read`] read into the model (the templates are the renderer's to parse).
pub(crate) fn resolve(read: Read, files: &SourceMap) -> Loaded {
    let Read {
        classified,
        assets,
        templates: _,
        mut unloaded,
        mut diagnostics,
    } = read;
    let mut model = resolve::model(&classified, files, &mut unloaded, &mut diagnostics);
    model.assets = assets;
    model.unloaded = unloaded;
    Loaded { model, diagnostics }
}

impl Unloaded {
    fn add(&mut self, kind: &Kind) {
        match kind {
            Kind::Service(id) => self.services.insert(id.clone()),
            Kind::Source(id) => self.sources.insert(id.clone()),
            Kind::Snippet(path) => self.snippets.insert(path.clone()),
            Kind::Locations | Kind::Page(_) | Kind::Asset(_) => false,
        };
    }
}

fn strip_dir<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    if dir.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(dir)?.strip_prefix('/')
    }
}

/// Reads files in parallel, then registers them in `sources` in walk order.
fn read_all(
    root: &Path,
    paths: Vec<String>,
    files: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, FileId, Arc<str>)> {
    // Read, checked as UTF-8 and split into lines side by side; numbered in order.
    let contents: Vec<_> = paths
        .par_iter()
        .map(|path| -> std::io::Result<_> {
            let bytes = read_limited(&root.join(path), limit(path))?;
            Ok(String::from_utf8(bytes)
                .map(|text| SourceFile::new(path.into(), Arc::from(lone_cr_to_lf(text)))))
        })
        .collect();
    let mut read = Vec::with_capacity(paths.len());
    for (path, content) in paths.into_iter().zip(contents) {
        match content {
            Ok(Ok(source)) => {
                let text = source.text().clone();
                let file = files.push(source);
                read.push((path, file, text));
            }
            Ok(Err(error)) => {
                let valid = error.utf8_error().valid_up_to();
                // Shown with the bad bytes as U+FFFD, on which the span sits whole.
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                let file = files.add(path.clone().into(), text.into());
                let message = format!("`{path}` is not valid UTF-8");
                let bad = valid..valid + char::REPLACEMENT_CHARACTER.len_utf8();
                diagnostics.push(
                    Diagnostic::error(Code::Io, Span::new(file, bad), message)
                        .with_label("invalid byte here")
                        .with_hint("save the file as UTF-8"),
                );
            }
            Err(error) => {
                let file = files.add(path.clone().into(), "".into());
                let message = format!("failed to read `{path}`: {error}");
                diagnostics.push(Diagnostic::error(Code::Io, Span::file_start(file), message));
            }
        }
    }
    read
}

/// Old Mac line endings (a lone `\r`) as `\n`, byte for byte so every offset stays: the
/// Markdown parser, TOML and line numbers then all see the lines an editor shows.
fn lone_cr_to_lf(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let mut bytes = text.into_bytes();
    for at in 0..bytes.len() {
        if bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n') {
            bytes[at] = b'\n';
        }
    }
    String::from_utf8(bytes).expect("replacing one ASCII byte with another keeps UTF-8 valid")
}

/// The most a declaration file may hold: a real service file is a few KiB. A bound keeps a
/// mistaken or hostile file (a million `[[sources]]`) from taking the machine's memory.
pub(crate) const MAX_DECLARATION_BYTES: u64 = 4 << 20;
/// The most a page, snippet or template may hold.
pub(crate) const MAX_PAGE_BYTES: u64 = 16 << 20;

fn limit(path: &str) -> u64 {
    if Path::new(path)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("toml"))
    {
        MAX_DECLARATION_BYTES
    } else {
        MAX_PAGE_BYTES
    }
}

/// Reads a file of at most `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    // One open and one `stat` per file: thousands of pages make system calls count.
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(std::io::Error::other(format!(
            "it is {} MiB, more than the {} MiB a file of this kind may hold",
            size.div_ceil(1 << 20),
            limit >> 20
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    // A file that grew since its `stat` is read only up to the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "it is more than the {} MiB a file of this kind may hold",
            limit >> 20
        )));
    }
    Ok(bytes)
}

fn classify(relative: &str) -> Option<Kind> {
    let (dir, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let toml_stem = name.strip_suffix(".toml");
    let is_markdown = Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
    match (dir, toml_stem) {
        ("services", Some(stem)) => Some(Kind::Service(stem.to_owned())),
        ("sources", Some(stem)) => Some(Kind::Source(stem.to_owned())),
        ("", Some("locations")) => Some(Kind::Locations),
        _ if is_markdown && (dir == "snippets" || dir.starts_with("snippets/")) => {
            Some(Kind::Snippet(relative.to_owned()))
        }
        _ if is_markdown => Some(Kind::Page(relative.to_owned())),
        // A stray TOML file beside the declarations is not something to link to.
        _ if toml_stem.is_some() => None,
        _ => Some(Kind::Asset(relative.to_owned())),
    }
}

fn declaration(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::Check(CheckCode::Declaration), span, message)
}

/// Prose from a TOML string, remembering where it sits so findings inside it are exact
/// when the string holds no escapes.
fn prose(file: FileId, text: &str, value: Spanned<String>) -> Prose {
    let span = value.span();
    let raw = text.get(span.clone()).unwrap_or("");
    let opening = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|quote| raw.starts_with(quote));
    let verbatim_start = opening.and_then(|quote| {
        let mut start = span.start + quote.len();
        if quote.len() == 3 {
            // TOML trims a newline right after the opening quotes.
            start += ["\r\n", "\n"]
                .into_iter()
                .find(|nl| text[start..].starts_with(nl))
                .map_or(0, str::len);
        }
        let value = value.get_ref();
        (text.get(start..start + value.len()) == Some(value.as_str())).then_some(start)
    });
    Prose {
        text: value.into_inner(),
        origin: Origin {
            span: Span::new(file, span),
            verbatim_start,
        },
    }
}

/// The JSON Schemas (draft-07) of the declarations, from the types the loader reads them
/// with: `(file name, schema)` for service files, source files and `locations.toml`.
#[must_use]
pub(crate) fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn of<T: schemars::JsonSchema>() -> serde_json::Value {
        let schema = schemars::generate::SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<T>();
        serde_json::to_value(schema).expect("a schema always serializes")
    }
    vec![
        ("service.schema.json", of::<raw::Service>()),
        ("source.schema.json", of::<raw::Source>()),
        (
            "locations.schema.json",
            of::<crate::de::Ordered<raw::Region>>(),
        ),
    ]
}

/// Parses one TOML file into `T`, pushing the problem on failure.
fn parse<T: serde::de::DeserializeOwned>(
    file: FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    parse_toml(file, text).map_err(|d| diagnostics.push(d)).ok()
}

/// A model from files given as `(path under the content directory, text)`, for the unit
/// tests of the stages after loading: the same classification and resolution as a real
/// project, without a file system.
#[cfg(test)]
pub(crate) fn model_of(content: &[(&str, &str)]) -> (Model, SourceMap, Vec<Diagnostic>) {
    let mut files = SourceMap::default();
    let mut diagnostics = Vec::new();
    let classified: Vec<(Kind, FileId, Arc<str>)> = content
        .iter()
        .filter_map(|(path, text)| {
            let kind = classify(path)?;
            let text: Arc<str> = (*text).into();
            let file = files.add(format!("content/{path}").into(), text.clone());
            Some((kind, file, text))
        })
        .collect();
    let mut unloaded = Unloaded::default();
    let model = resolve::model(&classified, &files, &mut unloaded, &mut diagnostics);
    (model, files, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_carriage_returns_become_line_feeds_in_place() {
        assert_eq!(lone_cr_to_lf("a\rb\r\nc\r".into()), "a\nb\r\nc\n");
        assert_eq!(lone_cr_to_lf("é\rü".into()), "é\nü");
    }

    #[test]
    fn classifies_by_path() {
        assert_eq!(
            classify("services/mmd.toml"),
            Some(Kind::Service("mmd".into()))
        );
        assert_eq!(
            classify("sources/intune.toml"),
            Some(Kind::Source("intune".into()))
        );
        assert_eq!(classify("locations.toml"), Some(Kind::Locations));
        assert_eq!(
            classify("snippets/a.md"),
            Some(Kind::Snippet("snippets/a.md".into()))
        );
        assert_eq!(
            classify("guide/faq.md"),
            Some(Kind::Page("guide/faq.md".into()))
        );
        assert_eq!(
            classify("img/logo.png"),
            Some(Kind::Asset("img/logo.png".into()))
        );
        assert_eq!(classify("other.toml"), None);
    }
}

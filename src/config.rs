//! `book.toml` into validated settings. mdBook owns `[book]` and `[build]`; privdoc's own
//! settings live under `[preprocessor.privdoc]`. Precedence is spelled out once, in
//! [`Config::resolve`]: command line, then file, then default.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::de::parse_toml;
use crate::diag::{CheckCode, Code, Diagnostic, FileId, Level, SourceMap, Span};

/// The file name of the project settings.
pub const BOOK_TOML: &str = "book.toml";

/// Which outputs a build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Output {
    /// `book/markdown`: Markdown with YAML front matter.
    Markdown,
    /// `book/html`: the HTML site.
    Html,
}

/// Validated project settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project directory. Used for IO only; never printed into output.
    pub root: PathBuf,
    /// The content directory, relative to `root`.
    pub src: PathBuf,
    /// The build directory, relative to `root` (or absolute when allowed).
    pub build_dir: PathBuf,
    /// The book title.
    pub title: Option<String>,
    /// The book authors.
    pub authors: Vec<String>,
    /// The language of the pages (`lang` attribute).
    pub language: String,
    /// The outputs to write, sorted.
    pub outputs: Vec<Output>,
    /// Host of site-absolute links such as `/windows/…`.
    pub site_url: Option<String>,
    /// Front-matter keys every page must have.
    pub required_front_matter: Vec<String>,
    /// Per-check levels; a check not listed keeps its default.
    pub checks: BTreeMap<CheckCode, Level>,
    /// The `book.toml` that was read, if any.
    pub file: Option<FileId>,
}

/// Settings given on the command line, which win over `book.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--dest-dir`: the build directory.
    pub dest_dir: Option<PathBuf>,
    /// `--allow-external-build-dir`: accept a build directory outside the project.
    pub allow_external_build_dir: bool,
}

/// `book.toml`: mdBook's settings, with privdoc's under `[preprocessor.privdoc]`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "book.toml")]
struct RawBook {
    /// The book, as mdBook defines it.
    #[serde(default)]
    book: RawBookTable,
    /// The build, as mdBook defines it.
    #[serde(default)]
    build: RawBuild,
    /// Preprocessors; privdoc reads `[preprocessor.privdoc]` and leaves the others alone.
    #[serde(default)]
    preprocessor: RawPreprocessors,
    /// mdBook's renderer settings: valid in the file, not privdoc's business.
    #[serde(default)]
    #[allow(
        dead_code,
        reason = "accepted so the file stays a valid mdBook configuration"
    )]
    #[schemars(with = "Option<std::collections::BTreeMap<String, serde_json::Value>>")]
    output: Option<IgnoredAny>,
}

/// `[book]`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(
    dead_code,
    reason = "mdBook keys accepted for compatibility are not all used"
)]
struct RawBookTable {
    /// The site's title.
    title: Option<String>,
    /// The authors.
    #[serde(default)]
    authors: Vec<String>,
    /// A description (mdBook's; privdoc does not use it).
    description: Option<String>,
    /// The language of the pages, for `<html lang>` (default `en`).
    language: Option<String>,
    /// The content directory (default `.`; the example uses `content`).
    src: Option<PathBuf>,
    /// mdBook's; privdoc does not use it.
    multilingual: Option<bool>,
    /// mdBook's; privdoc does not use it.
    text_direction: Option<String>,
}

/// `[build]`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(
    dead_code,
    reason = "mdBook keys accepted for compatibility are not all used"
)]
struct RawBuild {
    /// Where the output goes (default `book`); replaced as a whole by each build.
    #[schemars(with = "Option<PathBuf>")]
    build_dir: Option<toml::Spanned<PathBuf>>,
    /// mdBook's; privdoc does not use it.
    create_missing: Option<bool>,
    /// mdBook's; privdoc does not use it.
    use_default_preprocessors: Option<bool>,
    /// mdBook's; privdoc does not use it.
    #[serde(default)]
    extra_watch_dirs: Vec<PathBuf>,
}

/// `[preprocessor.*]`: privdoc reads its own table and leaves other tools' alone.
#[derive(Debug, Default)]
struct RawPreprocessors {
    privdoc: RawPrivdoc,
}

impl schemars::JsonSchema for RawPreprocessors {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Preprocessors".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Preprocessors; privdoc reads `privdoc` and leaves the others alone",
            "type": "object",
            "properties": {
                "privdoc": {
                    "description": "privdoc's own settings",
                    "allOf": [generator.subschema_for::<RawPrivdoc>()]
                }
            },
            "additionalProperties": { "type": "object" }
        })
    }
}

impl<'de> Deserialize<'de> for RawPreprocessors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Tables;

        impl<'de> Visitor<'de> for Tables {
            type Value = RawPreprocessors;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a table of preprocessors")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut tables = RawPreprocessors::default();
                while let Some(name) = map.next_key::<String>()? {
                    if name == "privdoc" {
                        tables.privdoc = map.next_value()?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(tables)
            }
        }

        deserializer.deserialize_map(Tables)
    }
}

/// `[preprocessor.privdoc]`: privdoc's own settings.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPrivdoc {
    /// What to write (default: both).
    #[schemars(with = "Option<Vec<Output>>")]
    outputs: Option<toml::Spanned<Vec<Output>>>,
    /// The host of site-absolute links such as `/windows/…`; also the canonical URL and sitemap base.
    site_url: Option<String>,
    /// Front-matter keys every page must have (default: title and description).
    required_front_matter: Option<Vec<String>>,
    /// The level of each check: "error", "warn" or "off".
    #[serde(default)]
    #[schemars(with = "CheckLevels")]
    checks: BTreeMap<CheckCode, Level>,
    /// The command mdBook runs for this preprocessor (mdBook's; privdoc does not use it).
    #[allow(dead_code, reason = "mdBook's own preprocessor key")]
    command: Option<String>,
}

/// The schema of `[preprocessor.privdoc.checks]`: one optional key per check code, so
/// editors complete the codes and reject a misspelled one.
struct CheckLevels;

impl schemars::JsonSchema for CheckLevels {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CheckLevels".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let level = serde_json::to_value(generator.subschema_for::<Level>())
            .expect("a schema always serializes");
        let properties: serde_json::Map<String, serde_json::Value> = CheckCode::ALL
            .iter()
            .map(|code| {
                let description = format!("The level of `{}`", code.as_str());
                (
                    code.as_str().to_owned(),
                    serde_json::json!({ "description": description, "allOf": [level] }),
                )
            })
            .collect();
        schemars::json_schema!({ "type": "object", "properties": properties, "additionalProperties": false })
    }
}

/// The JSON Schema (draft-07) of `book.toml`, from the types that read it.
#[must_use]
pub fn schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawBook>();
    serde_json::to_value(schema).expect("a schema always serializes")
}

impl Config {
    /// Reads `root/book.toml` when it exists and resolves it with `overrides`. Errors are
    /// configuration problems: the caller exits with 2.
    pub fn load(
        root: &Path,
        overrides: &Overrides,
        sources: &mut SourceMap,
    ) -> Result<Self, Vec<Diagnostic>> {
        let path = root.join(BOOK_TOML);
        let (raw, file) = match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let file = sources.add(BOOK_TOML.into(), text.clone().into());
                if std::str::from_utf8(&bytes).is_err() {
                    let span = Span::file_start(file);
                    return Err(vec![Diagnostic::error(
                        Code::Io,
                        span,
                        "`book.toml` is not valid UTF-8",
                    )]);
                }
                (
                    parse_toml::<RawBook>(file, &text).map_err(|d| vec![d])?,
                    Some(file),
                )
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                (RawBook::default(), None)
            }
            Err(error) => {
                let file = sources.add(BOOK_TOML.into(), "".into());
                let message = format!("failed to read `{BOOK_TOML}`: {error}");
                return Err(vec![Diagnostic::error(
                    Code::Io,
                    Span::file_start(file),
                    message,
                )]);
            }
        };
        // A bad `--dest-dir` is reported against the command line, shown as a pseudo-file.
        let command_line = overrides.dest_dir.as_ref().map(|dir| {
            let text = format!("--dest-dir {}", dir.display());
            sources.add("<command line>".into(), text.into())
        });
        Self::resolve(root, raw, file, command_line, overrides)
    }

    fn resolve(
        root: &Path,
        raw: RawBook,
        file: Option<FileId>,
        command_line: Option<FileId>,
        overrides: &Overrides,
    ) -> Result<Self, Vec<Diagnostic>> {
        let privdoc = raw.preprocessor.privdoc;
        let src = raw.book.src.unwrap_or_else(|| PathBuf::from("."));
        let build_dir_span = raw.build.build_dir.as_ref().map(toml::Spanned::span);
        let build_dir = overrides
            .dest_dir
            .clone()
            .or_else(|| raw.build.build_dir.map(toml::Spanned::into_inner))
            .unwrap_or_else(|| PathBuf::from("book"));
        let mut errors = Vec::new();
        if let Err(problem) = check_build_dir(&src, &build_dir, overrides.allow_external_build_dir)
        {
            let span = match (command_line, file) {
                (Some(cli), _) => Span::new(
                    cli,
                    "--dest-dir ".len().."--dest-dir ".len() + build_dir.as_os_str().len(),
                ),
                (None, Some(file)) => Span::new(file, build_dir_span.unwrap_or(0..0)),
                (None, None) => unreachable!("the default build-dir `book` is always valid"),
            };
            errors.push(Diagnostic::error(Code::Config, span, problem));
        }
        let mut outputs = match (privdoc.outputs, file) {
            (Some(outputs), Some(file)) if outputs.get_ref().is_empty() => {
                let span = Span::new(file, outputs.span());
                errors.push(Diagnostic::error(
                    Code::Config,
                    span,
                    "`outputs` is empty: nothing would be written",
                ));
                Vec::new()
            }
            (Some(outputs), _) => outputs.into_inner(),
            (None, _) => vec![Output::Markdown, Output::Html],
        };
        outputs.sort();
        outputs.dedup();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            root: root.to_path_buf(),
            src,
            build_dir,
            title: raw.book.title,
            authors: raw.book.authors,
            language: raw.book.language.unwrap_or_else(|| "en".to_owned()),
            outputs,
            site_url: privdoc.site_url,
            required_front_matter: privdoc
                .required_front_matter
                .unwrap_or_else(|| vec!["title".to_owned(), "description".to_owned()]),
            checks: privdoc.checks,
            file,
        })
    }

    /// The content directory as a path to read.
    #[must_use]
    pub fn src_dir(&self) -> PathBuf {
        self.root.join(&self.src)
    }

    /// The build directory as a path to write.
    #[must_use]
    pub fn build_path(&self) -> PathBuf {
        self.root.join(&self.build_dir)
    }

    /// Whether `output` is enabled.
    #[must_use]
    pub fn writes(&self, output: Output) -> bool {
        self.outputs.contains(&output)
    }
}

/// Refuses build directories whose replacement would destroy input: the project root,
/// the content directory or a parent of it, or (unless allowed) anything outside the project.
fn check_build_dir(src: &Path, build_dir: &Path, allow_external: bool) -> Result<(), String> {
    let build = normalize(build_dir);
    let src = normalize(src);
    let outside = build_dir.is_absolute() || build.first().is_some_and(|part| part == "..");
    if outside && !allow_external {
        return Err(format!(
            "build-dir `{}` is outside the project; pass `--allow-external-build-dir` to use it",
            build_dir.display()
        ));
    }
    if build.is_empty() {
        return Err(
            "build-dir is the project root: a build would replace the whole project".into(),
        );
    }
    if !outside && src.starts_with(&build) {
        return Err(format!(
            "build-dir `{}` contains the content directory: a build would replace the sources",
            build_dir.display()
        ));
    }
    Ok(())
}

/// `a/./b/../c` → `[a, c]`, without touching the file system (the directory may not exist).
fn normalize(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|last| last != "..") => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let mut sources = SourceMap::default();
        let file = sources.add(BOOK_TOML.into(), text.into());
        let raw = parse_toml::<RawBook>(file, text).map_err(|d| vec![d])?;
        Config::resolve(
            Path::new("/p"),
            raw,
            Some(file),
            None,
            &Overrides::default(),
        )
    }

    #[test]
    fn defaults_without_settings() {
        let config = load("").unwrap();
        assert_eq!(config.src, PathBuf::from("."));
        assert_eq!(config.build_dir, PathBuf::from("book"));
        assert_eq!(config.outputs, vec![Output::Markdown, Output::Html]);
        assert_eq!(config.required_front_matter, ["title", "description"]);
    }

    #[test]
    fn reads_mdbook_tables_and_ignores_other_preprocessors() {
        let config = load(
            "[book]\ntitle = \"T\"\nsrc = \"content\"\n[build]\nbuild-dir = \"out\"\n\
             [preprocessor.katex]\nafter = [\"links\"]\n\
             [preprocessor.privdoc]\noutputs = [\"html\"]\n[preprocessor.privdoc.checks]\nnear-duplicate = \"off\"\n",
        )
        .unwrap();
        assert_eq!(config.title.as_deref(), Some("T"));
        assert_eq!(config.build_dir, PathBuf::from("out"));
        assert_eq!(config.outputs, vec![Output::Html]);
        assert_eq!(
            config.checks.get(&CheckCode::NearDuplicate),
            Some(&Level::Off)
        );
    }

    #[test]
    fn unknown_keys_and_checks_are_errors_with_suggestions() {
        let errors = load("[preprocessor.privdoc]\nsite-ur = \"x\"\n").unwrap_err();
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `site-url`?"));
        let errors = load("[preprocessor.privdoc.checks]\nbroken-links = \"warn\"\n").unwrap_err();
        assert_eq!(
            errors[0].hint.as_deref(),
            Some("did you mean `broken-link`?")
        );
        let errors = load("[bok]\ntitle = \"x\"\n").unwrap_err();
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `book`?"));
    }

    #[test]
    fn refuses_build_dirs_that_would_destroy_input() {
        assert!(check_build_dir(Path::new("content"), Path::new("."), false).is_err());
        assert!(check_build_dir(Path::new("content"), Path::new("content"), false).is_err());
        assert!(check_build_dir(Path::new("content/x"), Path::new("./content/"), false).is_err());
        assert!(check_build_dir(Path::new("."), Path::new("../out"), false).is_err());
        assert!(check_build_dir(Path::new("."), Path::new("/tmp/out"), true).is_ok());
        assert!(check_build_dir(Path::new("content"), Path::new("book"), false).is_ok());
        // With `src = "."` every build dir is inside the content; the walk skips it instead.
        assert!(check_build_dir(Path::new("."), Path::new("book"), false).is_ok());
    }
}

//! `book.toml` into validated settings. mdBook owns `[book]` and `[build]`; privdoc's own
//! settings live under `[preprocessor.privdoc]`. Precedence is spelled out once, in
//! [`Config::resolve`]: command line, then file, then default.

mod build_dir;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::de::parse_toml;
use crate::diag::{CheckCode, Code, Diagnostic, FileId, Level, SourceMap, Span};

/// The file name of the project settings.
pub(crate) const BOOK_TOML: &str = "book.toml";

/// Which outputs a build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Output {
    /// `book/markdown`: Markdown with YAML front matter.
    Markdown,
    /// `book/html`: the HTML site.
    Html,
}

impl Output {
    /// Its folder in the build directory.
    #[must_use]
    pub(crate) fn dir(self) -> &'static str {
        match self {
            Self::Markdown => "markdown",
            Self::Html => "html",
        }
    }
}

/// Validated project settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project directory. Used for IO only; never printed into output.
    pub root: PathBuf,
    /// The content directory, relative to `root`.
    pub src: PathBuf,
    /// The build directory as written (relative to `root`, or absolute when allowed), for
    /// messages.
    pub build_dir: PathBuf,
    /// The build directory resolved once, symlinks followed: where a build writes.
    build_path: PathBuf,
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
    /// How old a `reviewed` date may be before `stale-review` warns.
    pub review_every: Option<crate::model::Period>,
    /// The front-matter key `reviewed` is also written into (`ms.date`).
    pub date_front_matter: Option<String>,
    /// The "edit this page" URL, `{path}` standing for the file to edit.
    pub edit_url_template: Option<String>,
    /// The controller of the processing.
    pub controller: Option<Controller>,
    /// Whether this build publishes the change feed (`changes.html`, `changes.xml`): set
    /// by the run, not by `book.toml` — a build or `check --frozen` of a project in git.
    pub changes_feed: bool,
    /// How links are resolved (`[preprocessor.privdoc.links]`).
    pub links: Links,
    /// What the duplicate checks leave alone (`[preprocessor.privdoc.duplicates]`).
    pub duplicates: Duplicates,
    /// The `book.toml` that was read, if any.
    pub file: Option<FileId>,
}

/// Settings given on the command line, which win over `book.toml`.
#[derive(Debug, Clone, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches of one run, each set by its command"
)]
pub struct Overrides {
    /// `--dest-dir`: the build directory.
    pub dest_dir: Option<PathBuf>,
    /// `--allow-external-build-dir`: accept a build directory outside the project.
    pub allow_external_build_dir: bool,
    /// The run only checks: it writes and serves nothing, so the HTML is rendered only
    /// where a project's own layout could fail on a page.
    pub checks_only: bool,
    /// Reuse the findings of the last check of the same inputs (`check` without
    /// `--no-cache` or `--frozen`), and store this one's.
    pub cache: bool,
    /// Publish the change feed when the project is in git (`build`, `check --frozen`).
    pub feed: bool,
    /// `check`'s report, when it is printed plain and whole (no colours, no baseline): with
    /// `cache`, a run of files unchanged on disk prints the stored one again.
    pub report: Option<crate::diag::Format>,
    /// `build`: each page's HTML goes to the build's staging directory as it is rendered,
    /// not held until the site is written.
    pub stream_html: bool,
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
    #[schemars(with = "Option<PathBuf>")]
    src: Option<toml::Spanned<PathBuf>>,
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
    #[schemars(with = "Option<String>")]
    site_url: Option<toml::Spanned<String>>,
    /// Front-matter keys every page must have (default: title and description).
    required_front_matter: Option<Vec<String>>,
    /// The level of each check: "error", "warn" or "off".
    #[serde(default)]
    #[schemars(with = "CheckLevels")]
    checks: BTreeMap<CheckCode, Level>,
    /// A page whose `reviewed` date is older than this is a `stale-review` warning ("180 days").
    #[schemars(with = "Option<String>")]
    review_every: Option<toml::Spanned<String>>,
    /// Also write each service's `reviewed` date into this front-matter key, as Microsoft Learn's `MM/DD/YYYY` (`ms.date`).
    date_front_matter: Option<String>,
    /// mdBook's "edit this page" link; `{path}` is the file a writer edits (the TOML for generated pages).
    edit_url_template: Option<String>,
    /// Who is responsible for the processing (for exports and the rights section).
    controller: Option<Controller>,
    /// How links are resolved offline.
    #[serde(default)]
    links: RawLinks,
    /// What the duplicate checks leave alone.
    #[serde(default)]
    duplicates: RawDuplicates,
    /// The command mdBook runs for this preprocessor (mdBook's key).
    #[allow(dead_code, reason = "mdBook's own preprocessor key")]
    command: Option<String>,
    /// Whether mdBook goes on when this preprocessor is missing (mdBook's key).
    #[allow(dead_code, reason = "mdBook's own preprocessor key")]
    optional: Option<bool>,
    /// Preprocessors this one runs before (mdBook's key).
    #[allow(dead_code, reason = "mdBook's own preprocessor key")]
    before: Option<Vec<String>>,
    /// Preprocessors this one runs after (mdBook's key).
    #[allow(dead_code, reason = "mdBook's own preprocessor key")]
    after: Option<Vec<String>>,
    /// The renderers this preprocessor runs for (mdBook's key).
    #[allow(dead_code, reason = "mdBook's own preprocessor key")]
    renderers: Option<Vec<String>>,
}

/// `[preprocessor.privdoc.links]`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLinks {
    /// Site-absolute link prefixes and the folders (in the content directory) they are
    /// served from: `{ "/powershell/scripting/" = "reference/docs-conceptual/" }`. Such links
    /// are then checked offline, case-insensitively, `.md` optional, query strings ignored.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    site_paths: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
}

/// `[preprocessor.privdoc.duplicates]`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDuplicates {
    /// Folder patterns whose pages are versions of one page: with `"reference/*/"`,
    /// `reference/7.4/x.md` and `reference/7.5/x.md` share text by design, and that text is
    /// not a finding. `*` stands for one folder.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    variants: Vec<toml::Spanned<String>>,
    /// Sentence globs never reported as repeats (`"This parameter was introduced in *"`);
    /// case and white space are ignored, `*` stands for any text.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    allow: Vec<toml::Spanned<String>>,
    /// A sentence repeated within one page is a finding from this many words on (default 5,
    /// and 8 in a tree without book.toml, where short boilerplate under every parameter or
    /// step is the house style).
    min_words_in_page: Option<usize>,
}

/// `[preprocessor.privdoc.links]`, validated.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Site-absolute link prefixes and the content folders they are served from, longest
    /// prefix first.
    pub site_paths: Vec<SitePath>,
}

/// `[preprocessor.privdoc.duplicates]`, validated.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    /// Folder patterns whose pages are versions of one page.
    pub variants: Vec<String>,
    /// Sentence globs that are boilerplate, never reported as repeats.
    pub allow: Vec<String>,
    /// Sentences repeated within one page are findings from this many words on: 5 in a
    /// privdoc project, 8 in a hand-written tree (a tree without `book.toml`), where short
    /// boilerplate under every parameter or step is the house style.
    pub min_words_in_page: usize,
}

impl Links {
    fn resolve(
        raw: RawLinks,
        file: Option<FileId>,
        src: &Path,
        errors: &mut Vec<Diagnostic>,
    ) -> Self {
        Self {
            site_paths: file.map_or_else(Vec::new, |file| {
                site_paths(file, src, raw.site_paths, errors)
            }),
        }
    }
}

impl Duplicates {
    fn resolve(raw: RawDuplicates, file: Option<FileId>, errors: &mut Vec<Diagnostic>) -> Self {
        Self {
            variants: valid_patterns(file, raw.variants, errors, variant_problem),
            allow: valid_patterns(file, raw.allow, errors, allow_problem),
            min_words_in_page: raw
                .min_words_in_page
                .unwrap_or(if file.is_some() { 5 } else { 8 }),
        }
    }
}

/// A site-absolute link prefix and the content folder it is served from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    /// The prefix, lower case, starting and ending with `/` (`/powershell/scripting/`).
    pub prefix: String,
    /// The folder, relative to the content directory, ending with `/` unless empty.
    pub folder: String,
}

/// `[preprocessor.privdoc.controller]`: the controller of the processing (GDPR Art. 4(7)).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Controller {
    /// Its legal name ("Contoso Ltd").
    pub name: String,
    /// Its postal address.
    pub address: Option<String>,
    /// Where to reach it (an email address or a URL).
    pub contact: Option<String>,
    /// Its data protection officer (an email address or a URL).
    pub dpo: Option<String>,
    /// Where its technical and organisational security measures are described (GDPR
    /// Art. 30(1)(g), Art. 32): the record of processing points there.
    pub security_url: Option<String>,
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
pub(crate) fn schema() -> serde_json::Value {
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
        files: &mut SourceMap,
    ) -> Result<Self, Vec<Diagnostic>> {
        let path = root.join(BOOK_TOML);
        if let Some(target) = link_out_of(root, &path) {
            let file = files.add(BOOK_TOML.into(), "".into());
            let message = format!(
                "`{BOOK_TOML}` is a symbolic link to `{}`, outside the project: privdoc never reads files outside the project",
                target.display()
            );
            return Err(vec![Diagnostic::error(
                Code::Io,
                Span::file_start(file),
                message,
            )]);
        }
        let (raw, file) = match read_limited(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let file = files.add(BOOK_TOML.into(), text.clone().into());
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
                let file = files.add(BOOK_TOML.into(), "".into());
                let message = format!("failed to read `{BOOK_TOML}`: {error}");
                return Err(vec![Diagnostic::error(
                    Code::Io,
                    Span::file_start(file),
                    message,
                )]);
            }
        };
        // Where a bad build directory is reported: `--dest-dir` on the command line and the
        // default shown as pseudo-files, a `build-dir` at its value.
        let build_dir_at = match (&overrides.dest_dir, file) {
            (Some(dir), _) => {
                let text = format!("--dest-dir {}", dir.display());
                let start = "--dest-dir ".len();
                let end = text.len();
                Span::new(files.add("<command line>".into(), text.into()), start..end)
            }
            (None, Some(file)) => Span::new(
                file,
                raw.build
                    .build_dir
                    .as_ref()
                    .map_or(0..0, toml::Spanned::span),
            ),
            (None, None) => {
                let text = "build-dir = \"book\"  # the default\n";
                Span::new(files.add("<default settings>".into(), text.into()), 12..18)
            }
        };
        Self::resolve(root, raw, file, &build_dir_at, overrides)
    }

    fn resolve(
        root: &Path,
        raw: RawBook,
        file: Option<FileId>,
        build_dir_at: &Span,
        overrides: &Overrides,
    ) -> Result<Self, Vec<Diagnostic>> {
        let privdoc = raw.preprocessor.privdoc;
        let mut errors = Vec::new();
        let absolute_root = absolute(root);
        let (src, src_span) = raw.book.src.map_or_else(
            || (PathBuf::from("."), None),
            |src| (src.get_ref().clone(), Some(src.span())),
        );
        let src_path =
            build_dir::resolve_existing(&build_dir::normalize(&absolute_root.join(&src)));
        if let Some(problem) = missing_src(&absolute_root, &src, &src_path)
            && let Some(file) = file
        {
            let span = Span::new(file, src_span.unwrap_or(0..0));
            errors.push(Diagnostic::error(Code::Config, span, problem.0).with_hint_opt(problem.1));
        }
        let build_dir = overrides
            .dest_dir
            .clone()
            .or_else(|| raw.build.build_dir.map(toml::Spanned::into_inner))
            .unwrap_or_else(|| PathBuf::from("book"));
        let inputs = build_dir::Inputs {
            root: &absolute_root,
            src: &src_path,
            templates: &absolute_root.join("templates"),
        };
        let build_path =
            build_dir::resolve(&inputs, &build_dir, overrides.allow_external_build_dir)
                .unwrap_or_else(|problem| {
                    let span = build_dir_at.clone();
                    errors.push(Diagnostic::error(Code::Config, span, problem));
                    PathBuf::new()
                });
        if let (Some(url), Some(file)) = (&privdoc.site_url, file) {
            errors.extend(check_site_url(file, url));
        }
        let review_every = match (&privdoc.review_every, file) {
            (Some(every), Some(file)) => crate::model::Period::parse(every.get_ref())
                .map_err(|problem| {
                    let span = Span::new(file, every.span());
                    let message = format!("unparsable `review-every`: {problem}");
                    let hint = "write a period such as \"180 days\" or \"6 months\"";
                    errors.push(Diagnostic::error(Code::Config, span, message).with_hint(hint));
                })
                .ok(),
            _ => None,
        };
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
        let links = Links::resolve(privdoc.links, file, &src_path, &mut errors);
        let duplicates = Duplicates::resolve(privdoc.duplicates, file, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            root: root.to_path_buf(),
            src,
            build_dir,
            build_path,
            title: raw.book.title,
            authors: raw.book.authors,
            language: raw.book.language.unwrap_or_else(|| "en".to_owned()),
            outputs,
            site_url: privdoc.site_url.map(toml::Spanned::into_inner),
            // A hand-written tree (no book.toml) is held to what such repositories keep:
            // a title on every page, not a description.
            required_front_matter: privdoc.required_front_matter.unwrap_or_else(|| {
                let keys: &[&str] = if file.is_some() {
                    &["title", "description"]
                } else {
                    &["title"]
                };
                keys.iter().map(|&key| key.to_owned()).collect()
            }),
            checks: privdoc.checks,
            review_every,
            date_front_matter: privdoc.date_front_matter,
            edit_url_template: privdoc.edit_url_template,
            controller: privdoc.controller,
            changes_feed: false,
            links,
            duplicates,
            file,
        })
    }

    /// The content directory as a path to read.
    #[must_use]
    pub fn src_dir(&self) -> PathBuf {
        self.root.join(&self.src)
    }

    /// The build directory as a path to write: resolved once, when the settings were read.
    #[must_use]
    pub fn build_path(&self) -> &Path {
        &self.build_path
    }

    /// Whether `output` is enabled.
    #[must_use]
    pub fn writes(&self, output: Output) -> bool {
        self.outputs.contains(&output)
    }
}

/// `site-url` must be a web address: it becomes canonical links and the sitemap.
fn check_site_url(file: FileId, url: &toml::Spanned<String>) -> Option<Diagnostic> {
    let web = matches!(
        crate::markdown::scheme(url.get_ref()).as_deref(),
        Some("http" | "https")
    );
    (!web).then(|| {
        Diagnostic::error(
            Code::Config,
            Span::new(file, url.span()),
            format!(
                "`site-url` is `{}`, which is not an http or https URL",
                url.get_ref()
            ),
        )
        .with_hint("write the site's address, such as `https://learn.microsoft.com`")
    })
}

/// `site-paths`, validated: each prefix site-absolute, each folder one of the content
/// directory's; longest prefix first, so the most specific mapping wins.
fn site_paths(
    file: FileId,
    src: &Path,
    raw: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<SitePath> {
    let mut paths = Vec::new();
    for (prefix, folder) in raw {
        if !prefix.get_ref().starts_with('/') || prefix.get_ref().starts_with("//") {
            let message = format!(
                "site path `{}` is not site-absolute: it must start with one `/`",
                prefix.get_ref()
            );
            let hint = "write the path as links write it, such as \"/powershell/scripting/\"";
            errors.push(
                Diagnostic::error(Code::Config, Span::new(file, prefix.span()), message)
                    .with_hint(hint),
            );
            continue;
        }
        let relative = folder
            .get_ref()
            .trim_start_matches("./")
            .trim_end_matches('/');
        let inside = Path::new(relative)
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)));
        if !inside || !src.join(relative).is_dir() {
            let message = format!(
                "site path `{}` maps to `{}`, which is not a folder of the content directory",
                prefix.get_ref(),
                folder.get_ref()
            );
            let hint =
                "folders are relative to `src`; write `\"\"` for the content directory itself";
            errors.push(
                Diagnostic::error(Code::Config, Span::new(file, folder.span()), message)
                    .with_hint(hint),
            );
            continue;
        }
        let mut prefix = prefix.into_inner().to_lowercase();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        let folder = if relative.is_empty() {
            String::new()
        } else {
            format!("{relative}/")
        };
        paths.push(SitePath { prefix, folder });
    }
    paths.sort_by(|a, b| {
        b.prefix
            .len()
            .cmp(&a.prefix.len())
            .then(a.prefix.cmp(&b.prefix))
    });
    paths
}

/// The patterns of a list setting that `problem` finds nothing wrong with; the others are
/// errors at their value.
fn valid_patterns(
    file: Option<FileId>,
    raw: Vec<toml::Spanned<String>>,
    errors: &mut Vec<Diagnostic>,
    problem: impl Fn(&str) -> Option<(String, &'static str)>,
) -> Vec<String> {
    let mut valid = Vec::new();
    for pattern in raw {
        match (problem(pattern.get_ref()), file) {
            (Some((message, hint)), Some(file)) => errors.push(
                Diagnostic::error(Code::Config, Span::new(file, pattern.span()), message)
                    .with_hint(hint),
            ),
            _ => valid.push(pattern.into_inner()),
        }
    }
    valid
}

/// What is wrong with a `variants` pattern: it must name the folder that differs with `*`.
fn variant_problem(variant: &str) -> Option<(String, &'static str)> {
    let segments: Vec<&str> = variant.trim_matches('/').split('/').collect();
    let wildcards = segments.iter().filter(|s| **s == "*").count();
    let partial = segments.iter().any(|s| s.contains('*') && *s != "*");
    (wildcards != 1 || partial).then(|| {
        (
            format!("variant pattern `{variant}` must have exactly one `*` folder"),
            "write the folder that differs between versions as `*`, such as \"reference/*/\"",
        )
    })
}

/// What is wrong with an `allow` glob: it must say something besides `*`.
fn allow_problem(glob: &str) -> Option<(String, &'static str)> {
    glob.chars().all(|c| c == '*' || c.is_whitespace()).then(|| {
        (
            format!("allow glob `{glob}` matches every sentence"),
            "to stop reporting repeated sentences, set `duplicate-sentence = \"off\"` in [preprocessor.privdoc.checks]",
        )
    })
}

/// Where `path` leads when it is a symbolic link out of the project `root`.
fn link_out_of(root: &Path, path: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let target = path.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (!target.starts_with(root)).then_some(target)
}

/// `book.toml` is a few hundred bytes; more than this is not a settings file.
const MAX_BOOK_TOML: u64 = 1 << 20;

fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > MAX_BOOK_TOML {
        return Err(std::io::Error::other(format!(
            "it is {} bytes; a settings file is a few hundred",
            meta.len()
        )));
    }
    std::fs::read(path)
}

/// `path` as an absolute path, resolved where it exists.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        let joined =
            std::env::current_dir().map_or_else(|_| path.to_path_buf(), |cwd| cwd.join(path));
        build_dir::normalize(&joined)
    })
}

/// Why the content directory `src` (resolved to `path`) cannot be read, and a hint: it
/// does not exist, is a file, or lies outside the project (`../../etc`, or a link out of
/// it), whose files privdoc never reads or publishes.
fn missing_src(root: &Path, src: &Path, path: &Path) -> Option<(String, Option<String>)> {
    let shown = src.display();
    if path.is_dir() {
        let inside = match (path.canonicalize(), root.canonicalize()) {
            (Ok(path), Ok(root)) => path.starts_with(root),
            _ => false,
        };
        return (!inside).then(|| {
            (
                format!("`src` is `{shown}`, outside the project"),
                Some(
                    "privdoc reads only the folder of `book.toml` and what is under it: move the content there, or `book.toml` above it"
                        .to_owned(),
                ),
            )
        });
    }
    if path.exists() {
        return Some((
            format!("`src` is `{shown}`, which is a file, not a directory"),
            None,
        ));
    }
    let folders: Vec<String> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .collect();
    let hint = crate::diag::did_you_mean(&shown.to_string(), folders.iter().map(String::as_str))
        .map(|close| format!("did you mean `{close}`?"));
    Some((format!("`src` is `{shown}`, which does not exist"), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let project = tempfile::tempdir().unwrap();
        std::fs::create_dir(project.path().join("content")).unwrap();
        let mut files = SourceMap::default();
        let file = files.add(BOOK_TOML.into(), text.into());
        let raw = parse_toml::<RawBook>(file, text).map_err(|d| vec![d])?;
        let at = Span::new(file, 0..0);
        Config::resolve(project.path(), raw, Some(file), &at, &Overrides::default())
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
    fn mdbook_preprocessor_keys_and_the_review_settings_are_accepted() {
        let config = load(
            "[preprocessor.privdoc]\ncommand = \"privdoc mdbook\"\noptional = true\nbefore = [\"links\"]\n\
             after = [\"index\"]\nrenderers = [\"html\"]\nreview-every = \"180 days\"\ndate-front-matter = \"ms.date\"\n\
             edit-url-template = \"https://example.test/edit/{path}\"\n[preprocessor.privdoc.controller]\nname = \"Contoso Ltd\"\n",
        )
        .unwrap();
        assert_eq!(config.review_every.unwrap().approx_days(), 180);
        assert_eq!(config.date_front_matter.as_deref(), Some("ms.date"));
        assert_eq!(config.controller.unwrap().name, "Contoso Ltd");
        let errors = load("[preprocessor.privdoc]\nreview-every = \"often\"\n").unwrap_err();
        assert!(errors[0].message.starts_with("unparsable `review-every`"));
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
        for bad in [
            "\".\"",
            "\"content\"",
            "\"content/x\"",
            "\"../out\"",
            "\"templates\"",
            "\".git\"",
        ] {
            let errors = load(&format!(
                "[book]\nsrc = \"content\"\n[build]\nbuild-dir = {bad}\n"
            ))
            .unwrap_err();
            assert_eq!(errors[0].code, Code::Config, "{bad}");
            assert!(
                errors[0].message.starts_with("build-dir"),
                "{bad}: {}",
                errors[0].message
            );
        }
        assert!(load("[book]\nsrc = \"content\"\n[build]\nbuild-dir = \"book\"\n").is_ok());
        // With `src = "."` every build dir is inside the content; the walk skips it instead.
        assert!(load("[build]\nbuild-dir = \"book\"\n").is_ok());
    }

    #[test]
    fn a_missing_content_directory_is_an_error_at_its_line() {
        let errors = load("[book]\nsrc = \"contnet\"\n").unwrap_err();
        assert_eq!(
            errors[0].message,
            "`src` is `contnet`, which does not exist"
        );
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `content`?"));
        assert_eq!(errors[0].span.range, 13..22);
    }

    /// A content directory outside the project would have its files read and published.
    #[test]
    fn a_content_directory_outside_the_project_is_an_error() {
        let outside = tempfile::tempdir().unwrap();
        let src = outside.path().display().to_string();
        for text in [
            format!("[book]\nsrc = {src:?}\n"),
            "[book]\nsrc = \"../../../../../../../../etc\"\n".to_owned(),
        ] {
            let errors = load(&text).unwrap_err();
            assert!(
                errors[0].message.ends_with("outside the project"),
                "{}",
                errors[0].message
            );
        }
        assert!(load("[book]\nsrc = \"content/../content\"\n").is_ok());
    }
}

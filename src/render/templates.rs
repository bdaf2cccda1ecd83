//! The templates: built-in ones compiled into the binary from the repository's
//! `templates/`, overridden by name by a project's `templates/`. Parsed once per run.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Kwargs, State, Tera};

use super::origin::{annotate_template, original_offset};
use crate::diag::{Code, Diagnostic, FileId, SourceMap, Span};
use crate::load::TemplateFile;

/// The templates privdoc renders with, and the stylesheet it copies: a closed set, each
/// built in and overridable by a project file of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Template {
    Service,
    Source,
    Index,
    Retention,
    Locations,
    Recipients,
    Layout,
    Style,
}

impl Template {
    const ALL: [Self; 8] = [
        Self::Service,
        Self::Source,
        Self::Index,
        Self::Retention,
        Self::Locations,
        Self::Recipients,
        Self::Layout,
        Self::Style,
    ];

    /// The file name, in `templates/` and in error messages.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Self::Service => "service.md",
            Self::Source => "source.md",
            Self::Index => "index.md",
            Self::Retention => "retention.md",
            Self::Locations => "locations.md",
            Self::Recipients => "recipients.md",
            Self::Layout => "layout.html",
            Self::Style => "style.css",
        }
    }

    /// privdoc's own text of the template, used unless the project has its own.
    pub(super) fn built_in(self) -> &'static str {
        match self {
            Self::Service => include_str!("../../templates/service.md"),
            Self::Source => include_str!("../../templates/source.md"),
            Self::Index => include_str!("../../templates/index.md"),
            Self::Retention => include_str!("../../templates/retention.md"),
            Self::Locations => include_str!("../../templates/locations.md"),
            Self::Recipients => include_str!("../../templates/recipients.md"),
            Self::Layout => include_str!("../../templates/layout.html"),
            Self::Style => include_str!("../../templates/style.css"),
        }
    }

    /// A file copied to the HTML output as it is, not rendered.
    fn is_asset(self) -> bool {
        self == Self::Style
    }

    /// Markdown templates carry line tags, so findings in their text find their line.
    fn is_markdown(self) -> bool {
        Path::new(self.file_name())
            .extension()
            .is_some_and(|ext| ext == "md")
    }
}

/// Parsed templates and the files they came from.
pub(crate) struct Templates {
    tera: Tera,
    files: BTreeMap<Template, FileId>,
    /// For Markdown templates, where line tags were inserted (see `origin`).
    tags: BTreeMap<&'static str, Vec<(usize, usize)>>,
    assets: Vec<(String, String)>,
    layout_source: String,
}

impl Templates {
    /// Parses the built-in templates with `overrides` applied. Built-in files are registered
    /// in `files` as `<built-in>/name` so errors in them can be shown too.
    pub(crate) fn new(
        overrides: &[TemplateFile],
        files: &mut SourceMap,
    ) -> (Self, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut by_template = BTreeMap::new();
        let mut texts: Vec<(Template, String)> = Vec::new();
        for template in Template::ALL {
            let name = template.file_name();
            let (file, text) = match overrides.iter().find(|o| o.name == name) {
                Some(project) => (project.file, project.text.to_string()),
                None => (
                    files.add(
                        format!("<built-in>/{name}").into(),
                        template.built_in().into(),
                    ),
                    template.built_in().to_owned(),
                ),
            };
            by_template.insert(template, file);
            texts.push((template, text));
        }
        for unused in overrides
            .iter()
            .filter(|o| !Template::ALL.iter().any(|t| t.file_name() == o.name))
        {
            let names: Vec<_> = Template::ALL
                .iter()
                .map(|t| format!("`{}`", t.file_name()))
                .collect();
            diagnostics.push(
                Diagnostic::warning(
                    Code::Template,
                    Span::file_start(unused.file),
                    format!("template `{}` overrides no built-in template", unused.name),
                )
                .with_hint(format!("built-in templates are {}", names.join(", "))),
            );
        }
        let (assets, templates): (Vec<_>, Vec<_>) = texts
            .into_iter()
            .partition(|(template, _)| template.is_asset());
        let mut tera = Tera::new();
        // Markdown heading ids are written `{#id}`, which is also how a tera comment opens:
        // comments are `{! … !}` instead, so templates read like the Markdown they make.
        tera.set_delimiters(tera::Delimiters {
            comment_start: "{!".into(),
            comment_end: "!}".into(),
            ..tera::Delimiters::default()
        })
        .expect("no template is added before the delimiters are set");
        tera.set_escape_fn(escape_html);
        register_filters(&mut tera);
        let layout_source = templates
            .iter()
            .find(|(template, _)| *template == Template::Layout)
            .map(|(_, text)| text.clone())
            .unwrap_or_default();
        let mut this = Self {
            tera,
            files: by_template,
            tags: BTreeMap::new(),
            assets: assets
                .into_iter()
                .map(|(template, text)| (template.file_name().to_owned(), text))
                .collect(),
            layout_source,
        };
        for (template, text) in &templates {
            let name = template.file_name();
            let source = if template.is_markdown() {
                let (annotated, inserted) = annotate_template(text);
                this.tags.insert(name, inserted);
                annotated
            } else {
                text.clone()
            };
            if let Err(error) = this.tera.add_raw_template(name, &source) {
                diagnostics.push(this.error(name, &error));
            }
        }
        (this, diagnostics)
    }

    /// Renders template `name` with `context`. `Err(None)` when the template failed to
    /// parse, which was reported when it was added. A render is bounded (see
    /// `MAX_RANGE_ITEMS`, `MAX_OUTPUT_BYTES`): a runaway template is an error, never a
    /// thread that spins forever.
    pub(crate) fn render(
        &self,
        template: Template,
        context: &tera::Context,
    ) -> Result<String, Option<Diagnostic>> {
        let name = template.file_name();
        if !self.tera.contains_template(name) {
            return Err(None);
        }
        RANGE_LEFT.with(|left| left.set(MAX_RANGE_ITEMS));
        let mut out = Bounded(Vec::new());
        self.tera
            .render_to(name, context, &mut out)
            .map_err(|error| Some(self.error(name, &error)))?;
        String::from_utf8(out.0).map_err(|_| {
            let message = format!("template `{name}` wrote text that is not UTF-8");
            let file = self.files[&template];
            Some(Diagnostic::error(
                Code::Template,
                Span::file_start(file),
                message,
            ))
        })
    }

    /// The file `template` was read from.
    pub(crate) fn file(&self, template: Template) -> FileId {
        self.files[&template]
    }

    /// The ids `layout.html` gives every page (`content` for the skip link's target).
    #[must_use]
    pub(crate) fn layout_ids(&self) -> Vec<String> {
        crate::markdown::html_anchor_ids(&self.layout_source)
    }

    /// Whether the HTML layout is privdoc's own: it renders every page without error, so a
    /// run that writes no HTML need not render any to find out.
    #[must_use]
    pub(crate) fn layout_is_built_in(&self) -> bool {
        self.layout_source == Template::Layout.built_in()
    }

    /// The static files for the HTML output: (file name, contents).
    #[must_use]
    pub(crate) fn assets(&self) -> &[(String, String)] {
        &self.assets
    }

    /// A template error at its line: tera reports the template and the byte range.
    fn error(&self, name: &str, error: &tera::Error) -> Diagnostic {
        let (template, range, message) = match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let template = if report.filename().is_empty() {
                    name
                } else {
                    report.filename()
                };
                let range = report.span().range.clone();
                let range = match self.tags.get(template) {
                    Some(inserted) => {
                        original_offset(range.start, inserted)..original_offset(range.end, inserted)
                    }
                    None => range,
                };
                (template, range, report.message().to_owned())
            }
            other => (name, 0..0, other.to_string()),
        };
        let by_name = |name: &str| {
            Template::ALL
                .into_iter()
                .find(|t| t.file_name() == name)
                .map(|t| self.files[&t])
        };
        let file = by_name(template)
            .or_else(|| by_name(name))
            .expect("every template name was registered with its file");
        Diagnostic::error(
            Code::Template,
            Span::new(file, range),
            format!("template `{template}`: {}", message.trim_end_matches('.')),
        )
    }
}

/// The most `range` items one page's render may produce, all calls together: nested
/// loops over `range` (100,000 × 100,000) would otherwise run for hours.
const MAX_RANGE_ITEMS: usize = 1_000_000;
/// The most text one page's render may write.
const MAX_OUTPUT_BYTES: usize = 64 << 20;

thread_local! {
    /// `range` items the render on this thread may still produce (a render never leaves
    /// its thread).
    static RANGE_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Tera's escape of a value put in HTML (`&`, `<`, `>`, `"` and `'` as entities), each
/// run of other bytes written at once: tera's own writes every byte by itself, a call
/// through the writer each, which was 7 % of a build's instructions.
fn escape_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escaped(text, |piece| out.write_all(piece.as_bytes()))
}

/// [`escape_html`] appending to `out`, for the layout privdoc writes itself.
pub(super) fn push_escaped(out: &mut String, text: &str) {
    let written: Result<(), std::convert::Infallible> = escaped(text, |piece| {
        out.push_str(piece);
        Ok(())
    });
    let Ok(()) = written;
}

/// Gives `write` `text` escaped for HTML, in pieces: runs of bytes as they are, and the
/// entities of `&`, `<`, `>`, `"` and `'`.
fn escaped<E>(text: &str, mut write: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        write(&text[start..at])?;
        write(entity)?;
        start = at + 1;
    }
    write(&text[start..])
}

/// A render's output, refused past `MAX_OUTPUT_BYTES`.
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + data.len() > MAX_OUTPUT_BYTES {
            return Err(std::io::Error::other(format!(
                "the page grew past {} MiB: a runaway loop?",
                MAX_OUTPUT_BYTES >> 20
            )));
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Tera's `range(end, start=0, step_by=1)`, drawing on the render's budget.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera hands functions their arguments by value"
)]
fn bounded_range(kwargs: Kwargs, _: &State) -> tera::TeraResult<Vec<i64>> {
    let start = kwargs.get::<i64>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i64>("end")?;
    let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message(
            "`range` was called with `step_by = 0`",
        ));
    }
    let span = i128::from(end) - i128::from(start);
    let count = if (span > 0) == (step > 0) && span != 0 {
        (span.abs() + i128::from(step).abs() - 1) / i128::from(step).abs()
    } else {
        0
    };
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let left = RANGE_LEFT.with(std::cell::Cell::get);
    if count > left {
        return Err(tera::Error::message(format!(
            "`range` calls of this page would produce more than {MAX_RANGE_ITEMS} items: a runaway loop?"
        )));
    }
    RANGE_LEFT.with(|cell| cell.set(left - count));
    Ok((0..count)
        .map(|i| start + step * i64::try_from(i).unwrap_or(i64::MAX))
        .collect())
}

fn register_filters(tera: &mut Tera) {
    tera.register_function("range", bounded_range);
    tera.register_filter("md", |text: &str, _: Kwargs, _: &State| {
        super::escape_markdown(text)
    });
    tera.register_filter("dest", |url: &str, _: Kwargs, _: &State| {
        super::link_destination(url)
    });
    tera.register_filter("and_list", |items: Vec<String>, _: Kwargs, _: &State| {
        super::sentence_list(&items, "and")
    });
    tera.register_filter("or_list", |items: Vec<String>, _: Kwargs, _: &State| {
        super::sentence_list(&items, "or")
    });
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    fn escaped(text: &str, escape: tera::EscapeFn) -> Vec<u8> {
        let mut out = Vec::new();
        escape(text, &mut out).expect("a Vec takes every write");
        out
    }

    proptest::proptest! {
        /// Byte for byte tera's own escape, on text dense with the five characters, on
        /// runs between them of every length, and on text that is not ASCII.
        #[test]
        fn the_escape_is_teras(text in "[&<>\"'a-z/ é€]{0,40}") {
            proptest::prop_assert_eq!(escaped(&text, escape_html), escaped(&text, tera::escape_html));
        }
    }

    #[test]
    fn each_special_character_is_an_entity() {
        assert_eq!(
            escaped(r#"a&b<c>d"e'f"#, escape_html),
            b"a&amp;b&lt;c&gt;d&quot;e&#39;f"
        );
        assert_eq!(escaped("", escape_html), b"");
    }
}

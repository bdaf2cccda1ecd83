//! Model → an in-memory site: every page as Markdown (with YAML front matter) and as HTML,
//! plus the assets. Pure and parallel: pages are rendered with rayon and collected in input
//! order, so the site is the same whatever the thread count. Nothing here touches disk.

mod flow;
mod front_matter;
mod html;
mod nav;
mod origin;
mod overview;
mod paths;
mod prose;
mod search;
mod service;
mod source;
mod templates;

use std::fmt::Write;
use std::sync::Arc;

use rayon::prelude::*;

pub(crate) use front_matter::emit as emit_front_matter;
pub(crate) use nav::Nav;
pub(crate) use origin::{Anchor, OriginMap};
pub(crate) use templates::{Template, Templates};

use crate::config::{Config, Output};
use crate::diag::Diagnostic;
use crate::markdown::Document;
use crate::model::{FrontMatter, Model, Page};

/// One rendered page.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    /// Site path of the Markdown (`services/mmd.md`); the HTML is beside it as `.html`.
    pub path: String,
    /// The Markdown output, front matter included: for a hand-written page that
    /// references and includes nothing, the source text itself, shared.
    pub markdown: Arc<str>,
    /// Where the Markdown body starts, after the front matter: found once, here, for the
    /// HTML and the checks.
    pub body_start: usize,
    /// The HTML output, when HTML is enabled.
    pub html: Option<String>,
    /// The front matter the HTML page is made with.
    pub front_matter: FrontMatter,
    /// Where each byte of `markdown` was written.
    pub origins: OriginMap,
    /// The file a finding falls back to: the declaration or the page itself.
    pub file: crate::diag::FileId,
    /// What a generated page is about: the service's or source's name.
    pub subject: Option<String>,
}

/// The whole site, in memory.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Pages, sorted by path.
    pub pages: Vec<RenderedPage>,
    /// Files written as they are: (path under the build directory, contents).
    pub assets: Vec<(String, String)>,
    /// Ids the layout gives every HTML page, besides the page's own anchors.
    pub layout_ids: Vec<String>,
    /// Files of the Markdown output besides the pages (`SUMMARY.md`, `toc.yml`).
    pub markdown_files: Vec<(String, String)>,
}

impl Site {
    /// Every file of the build directory: (path relative to it, bytes), sorted by path.
    #[must_use]
    pub fn files(&self, config: &Config) -> Vec<(String, &[u8])> {
        let mut files: Vec<(String, &[u8])> = Vec::new();
        for page in &self.pages {
            if config.writes(Output::Markdown) {
                files.push((format!("markdown/{}", page.path), page.markdown.as_bytes()));
            }
            if let Some(html) = &page.html {
                files.push((html_file(&page.path), html.as_bytes()));
            }
        }
        if config.writes(Output::Markdown) {
            let extra = self
                .markdown_files
                .iter()
                .map(|(path, text)| (format!("markdown/{path}"), text.as_bytes()));
            files.extend(extra);
        }
        files.extend(
            self.assets
                .iter()
                .map(|(path, text)| (path.clone(), text.as_bytes())),
        );
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

pub(crate) use crate::markdown::escape_html;

/// `services/mmd.md` → `services/mmd.html`.
#[must_use]
pub(crate) fn html_path(markdown_path: &str) -> String {
    let stem = markdown_path.strip_suffix(".md").unwrap_or(markdown_path);
    let mut path = String::with_capacity(stem.len() + ".html".len());
    path.push_str(stem);
    path.push_str(".html");
    path
}

/// Where the HTML of the page at `markdown_path` is in the build directory:
/// `services/mmd.md` → `html/services/mmd.html`.
fn html_file(markdown_path: &str) -> String {
    format!("{}/{}", Output::Html.dir(), html_path(markdown_path))
}

/// A page to render: generated from the model or written by hand.
enum Job<'a> {
    Service(&'a crate::model::Service),
    Source(&'a crate::model::Source),
    Overview(Overview),
    Page(&'a Page),
}

/// The pages that gather facts from every declaration.
#[derive(Clone, Copy)]
enum Overview {
    Index,
    Retention,
    Locations,
    Recipients,
}

impl Overview {
    fn path(self) -> &'static str {
        match self {
            Self::Index => "index.md",
            Self::Retention => "retention.md",
            Self::Locations => "locations.md",
            Self::Recipients => "recipients.md",
        }
    }
}

/// Renders every page of `model`; the HTML too when `html`.
pub(crate) fn render(
    model: &Model,
    config: &Config,
    templates: &Templates,
    html: bool,
) -> (Site, Vec<Diagnostic>) {
    let overviews = match (nav::has_overviews(model), nav::has_recipients(model)) {
        (true, true) => &[
            Overview::Index,
            Overview::Retention,
            Overview::Locations,
            Overview::Recipients,
        ][..],
        (true, false) => &[Overview::Index, Overview::Retention, Overview::Locations][..],
        (false, _) => &[],
    };
    let jobs: Vec<Job<'_>> = model
        .services
        .iter()
        .map(Job::Service)
        .chain(model.sources.iter().map(Job::Source))
        .chain(overviews.iter().copied().map(Job::Overview))
        .chain(model.pages.iter().map(Job::Page))
        .collect();
    let users = source::Users::of(model);
    // The site's table of contents is made beside its pages.
    let (markdown_files, results): (_, Vec<_>) = rayon::join(
        || {
            let nav = Nav::of(model);
            vec![
                ("SUMMARY.md".to_owned(), nav.summary_md()),
                ("toc.yml".to_owned(), nav.toc_yml()),
            ]
        },
        || {
            jobs.par_iter()
                .map(|job| {
                    let mut found = Vec::new();
                    let context = Context {
                        model,
                        config,
                        templates,
                        users: &users,
                    };
                    let page = render_job(job, &context, &mut found);
                    (page, found)
                })
                .collect()
        },
    );
    let mut site = Site {
        markdown_files,
        ..Site::default()
    };
    let mut diagnostics = Vec::new();
    for (page, found) in results {
        site.pages.extend(page);
        diagnostics.extend(found);
    }
    site.pages.sort_by(|a, b| a.path.cmp(&b.path));
    site.layout_ids = templates.layout_ids();
    if html {
        diagnostics.extend(add_html(&mut site, model, config, templates, None));
    }
    (site, diagnostics)
}

/// Where a build puts each page's HTML as it is rendered, instead of holding the site's
/// HTML until the end, and the search index made from the pages.
pub(crate) trait HtmlOut: Sync {
    /// Takes the file at `path` in the build directory (`html/…`): a page's HTML or a file
    /// of the search index.
    fn put_html(&self, path: &str, html: &str);
}

/// Renders the HTML of a site rendered without it. A build renders its HTML only once
/// the checks are done and have freed what they held, so the site's HTML and the
/// checks' facts are never in memory together, and hands each page to `out` as it is
/// made; without `out` the pages keep it. The pages are the same as `render`'s.
pub(crate) fn add_html(
    site: &mut Site,
    model: &Model,
    config: &Config,
    templates: &Templates,
    out: Option<&dyn HtmlOut>,
) -> Vec<Diagnostic> {
    let html = HtmlPages::new(model, config, templates, out);
    let mut made = Made::default();
    // The search index is merged a chunk of pages at a time.
    for chunk in site.pages.chunks_mut(512) {
        let pages: Vec<PageHtml> = chunk
            .par_iter_mut()
            .map(|page| {
                let body = Document::parse(&page.markdown[page.body_start..]);
                let mut made = html.page(page, &body);
                page.html = made.html.take();
                made
            })
            .collect();
        made.extend(pages);
    }
    html.finish(made, site)
}

/// What rendering a page's HTML reads, made once for the site.
pub(crate) struct HtmlPages<'a> {
    model: &'a Model,
    config: &'a Config,
    templates: &'a Templates,
    nav: Nav,
    out: Option<&'a dyn HtmlOut>,
}

/// A page's HTML made: the HTML itself unless `out` took it, the page's entry in the
/// search index, and what the layout could not render.
pub(crate) struct PageHtml {
    html: Option<String>,
    entry: search::Page,
    problem: Option<Diagnostic>,
}

impl<'a> HtmlPages<'a> {
    /// What the pages of `model` are rendered with, each page's HTML handed to `out` if
    /// there is one.
    pub(crate) fn new(
        model: &'a Model,
        config: &'a Config,
        templates: &'a Templates,
        out: Option<&'a dyn HtmlOut>,
    ) -> Self {
        Self {
            model,
            config,
            templates,
            nav: Nav::of(model),
            out,
        }
    }

    /// The HTML of `page` from `body`, the parse of its Markdown body, which the checks
    /// share. Its words for the search index come from the same parse.
    pub(crate) fn page(&self, page: &RenderedPage, body: &Document<'_>) -> PageHtml {
        let mut entry = search::Entry::new(page);
        let body = html::body(body, self.config, |text| entry.words().add(text));
        let made = html::page(
            &page.path,
            &body,
            &page.front_matter,
            self.config,
            self.templates,
            &self.nav,
            self.model,
        );
        let (html, problem) = match (made, self.out) {
            (Ok(html), Some(out)) => {
                out.put_html(&html_file(&page.path), &html);
                (None, None)
            }
            (Ok(html), None) => (Some(html), None),
            (Err(problem), _) => (None, problem),
        };
        PageHtml {
            html,
            entry: entry.done(),
            problem,
        }
    }

    /// Adds the HTML output's other files to `site`, the search index to `out` if there is
    /// one, and returns the layout's problems.
    pub(crate) fn finish(&self, made: Made, site: &mut Site) -> Vec<Diagnostic> {
        let index = made.index.files().into_iter();
        let index = index.map(|(path, text)| (format!("html/{path}"), text));
        match self.out {
            Some(out) => index.for_each(|(path, text)| out.put_html(&path, &text)),
            None => site.assets.extend(index),
        }
        add_layout_files(site, self.config, self.templates);
        made.problems
    }
}

/// The pages' HTML made so far, in page order: the search index and the layout's
/// problems.
#[derive(Default)]
pub(crate) struct Made {
    index: search::Index,
    problems: Vec<Diagnostic>,
}

impl Made {
    /// Adds the next pages.
    pub(crate) fn extend(&mut self, pages: impl IntoIterator<Item = PageHtml>) {
        for page in pages {
            self.index.push(page.entry);
            self.problems.extend(page.problem);
        }
    }
}

/// Adds a page made after the checks (the change feed's `changes.md`) to the outputs: its
/// Markdown, front matter written as every generated page's is, beside `SUMMARY.md`; its
/// HTML in the site's layout; and `extra` files of the HTML output (`changes.xml`).
pub(crate) fn add_late_page(
    site: &mut Site,
    model: &Model,
    config: &Config,
    templates: &Templates,
    (path, front_matter, body): (&str, FrontMatter, String),
    extra: &[(String, String)],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if config.writes(crate::config::Output::Html) {
        let nav = Nav::of(model);
        let rendered = html::body(&Document::parse(&body), config, |_| {});
        match html::page(
            path,
            &rendered,
            &front_matter,
            config,
            templates,
            &nav,
            model,
        ) {
            Ok(html) => site.assets.push((html_file(path), html)),
            Err(problem) => found.extend(problem),
        }
    }
    // The extra files sit beside the page in every output, where its links find them.
    for output in &config.outputs {
        let dir = output.dir();
        let files = extra
            .iter()
            .map(|(file, text)| (format!("{dir}/{file}"), text.clone()));
        site.assets.extend(files);
    }
    let markdown = format!("{}\n{body}", emit_front_matter(&front_matter));
    site.markdown_files.push((path.to_owned(), markdown));
    found
}

/// The HTML output's files made from neither a page's text nor the search index: the
/// sitemap and the layout's assets.
pub(crate) fn add_layout_files(site: &mut Site, config: &Config, templates: &Templates) {
    if let Some(sitemap) = sitemap(&site.pages, config) {
        site.assets.push(("html/sitemap.xml".to_owned(), sitemap));
    }
    site.assets.extend(
        templates
            .assets()
            .iter()
            .map(|(name, text)| (format!("html/{name}"), text.clone())),
    );
}

/// What every page's rendering reads.
#[derive(Clone, Copy)]
struct Context<'a> {
    model: &'a Model,
    config: &'a Config,
    templates: &'a Templates,
    users: &'a source::Users<'a>,
}

fn render_job(
    job: &Job<'_>,
    context: &Context<'_>,
    found: &mut Vec<Diagnostic>,
) -> Option<RenderedPage> {
    let Context {
        model,
        config,
        templates,
        users,
        ..
    } = *context;
    let mut marks = origin::Marks::default();
    let (path, marked, front_matter, template, file) = match job {
        Job::Service(service) => {
            let path = service.id.page();
            let marked =
                service::markdown(service, model, config, &path, templates, &mut marks, found)?;
            (
                path,
                marked,
                service::front_matter(service, config),
                Some(templates.file(Template::Service)),
                service.file,
            )
        }
        Job::Source(source) => {
            let path = source.id.page();
            let used = users.of_source(&source.id);
            let (marked, front_matter) =
                source::markdown(source, used, model, &path, templates, &mut marks, found)?;
            (
                path,
                marked,
                front_matter,
                Some(templates.file(Template::Source)),
                source.file,
            )
        }
        Job::Overview(overview) => {
            let (marked, front_matter, file) =
                overview_page(*overview, model, config, templates, found)?;
            (
                overview.path().to_owned(),
                marked,
                front_matter,
                Some(file),
                file,
            )
        }
        Job::Page(page) if as_written(page) => {
            let markdown = page.text.clone();
            let origins = OriginMap::as_written(page.file, page.body_start);
            return Some(finish_page(
                page.path.clone(),
                markdown,
                page.body_start,
                (&page.front_matter, None),
                origins,
                page.file,
            ));
        }
        Job::Page(page) => {
            let marked = hand_written(page, model, &mut marks, found);
            (
                page.path.clone(),
                marked,
                page.front_matter.clone(),
                None,
                page.file,
            )
        }
    };
    let (markdown, origins) = match job {
        Job::Page(_) => origin::unmark(&marked, &marks, None),
        _ => finish(&marked, &marks, template),
    };
    let body_start = match job {
        // The front matter as written, copied verbatim: the body starts where it did.
        Job::Page(page) => page.body_start,
        _ => crate::load::split_front_matter(&markdown).map_or(0, |(_, start)| start),
    };
    let subject = match job {
        Job::Service(service) => Some(service.name.clone()),
        Job::Source(source) => Some(source.name.clone()),
        Job::Overview(_) | Job::Page(_) => None,
    };
    Some(finish_page(
        path,
        markdown.into(),
        body_start,
        (&front_matter, subject),
        origins,
        file,
    ))
}

/// Whether a hand-written page is published as written: it references and includes
/// nothing, and holds none of the characters origin tags are made of. Most pages of a
/// repository are; their Markdown is then the source text itself, not a copy.
fn as_written(page: &Page) -> bool {
    let (front_matter, body) = page.text.split_at(page.body_start);
    !origin::holds_tags(front_matter) && !marks_anything(body)
}

/// Whether `body` holds an include, a reference to a declaration (`](@`, `]: @`) or a
/// character tags are made of. One pass for the three bytes that start them (`{`, `@`,
/// and 0xEF, the first byte of every tag character), not a pass for each: a check of a
/// repository asks it of every page.
fn marks_anything(body: &str) -> bool {
    let bytes = body.as_bytes();
    // Each byte looked for is ASCII or starts a character: `body[at..]` is a `str`.
    memchr::memchr3_iter(b'{', b'@', 0xEF, bytes).any(|at| match bytes[at] {
        b'{' => body[at..].starts_with(prose::INCLUDE_OPEN),
        b'@' => bytes[..at].ends_with(b"](") || bytes[..at].ends_with(b"]: "),
        _ => origin::starts_with_tag(&body[at..]),
    })
}

/// A rendered page from its Markdown, its HTML not made yet.
fn finish_page(
    path: String,
    markdown: Arc<str>,
    body_start: usize,
    (front_matter, subject): (&crate::model::FrontMatter, Option<String>),
    origins: OriginMap,
    file: crate::diag::FileId,
) -> RenderedPage {
    RenderedPage {
        path,
        markdown,
        body_start,
        html: None,
        front_matter: front_matter.clone(),
        origins,
        file,
        subject,
    }
}

/// The Markdown of an overview page, its front matter and its template.
fn overview_page(
    overview: Overview,
    model: &Model,
    config: &Config,
    templates: &Templates,
    found: &mut Vec<Diagnostic>,
) -> Option<(String, crate::model::FrontMatter, crate::diag::FileId)> {
    let book_title = config.title.as_deref().unwrap_or("Privacy documentation");
    let (title, description, template) = match overview {
        Overview::Index => (
            book_title,
            "The services, their data sources, and overviews of retention and locations",
            Template::Index,
        ),
        Overview::Retention => (
            "Data retention",
            "How long each service keeps each kind of data",
            Template::Retention,
        ),
        Overview::Recipients => (
            "Recipients",
            "Who receives data from each service, in which countries, under which safeguard",
            Template::Recipients,
        ),
        Overview::Locations => (
            "Data and staff locations",
            "Where each service stores data and where its staff work",
            Template::Locations,
        ),
    };
    let front_matter = overview::front_matter(title, description);
    let mut context = tera::Context::new();
    context.insert("front_matter", &emit_front_matter(&front_matter));
    match overview {
        Overview::Index => overview::index(model, config.title.as_deref(), &mut context),
        Overview::Retention => overview::retention(model, &mut context),
        Overview::Locations => overview::locations(model, &mut context),
        Overview::Recipients => overview::recipients(model, &mut context),
    }
    let marked = templates
        .render(template, &context)
        .map_err(|d| found.extend(d))
        .ok()?;
    let file = templates.file(template);
    Some((marked, front_matter, file))
}

/// A hand-written page as published: its front matter as written, its body with
/// references and includes resolved, tagged with where each piece came from.
fn hand_written(
    page: &Page,
    model: &Model,
    marks: &mut origin::Marks,
    found: &mut Vec<Diagnostic>,
) -> String {
    let resolver = prose::Resolver {
        model,
        page: &page.path,
    };
    let body = crate::model::Prose {
        text: page.text[page.body_start..].to_owned(),
        origin: crate::model::Origin {
            span: crate::diag::Span::file_start(page.file),
            verbatim_start: Some(page.body_start),
        },
    };
    let head = Anchor {
        file: page.file,
        offset: 0,
        exact: true,
        data: false,
    };
    let head = marks.wrap(head, &page.text[..page.body_start]);
    format!("{head}{}", resolver.prose(&body, marks, found))
}

/// A generated page's final Markdown: blank-line runs collapsed (outside fenced code),
/// one newline at the end, tags stripped into the origin map. Templates can then be
/// written for people to read.
fn finish(
    marked: &str,
    marks: &origin::Marks,
    template: Option<crate::diag::FileId>,
) -> (String, OriginMap) {
    let mut out = String::with_capacity(marked.len());
    let mut fence: Option<String> = None;
    let mut blank = true;
    for line in marked.lines() {
        let seen = origin::visible(line);
        let trimmed = seen.trim_start();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str()) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(trimmed[..3].to_owned());
        } else if seen.trim().is_empty() {
            // Dropped or kept, a blank line's tags stay: they say where the next text is from.
            out.push_str(&origin::tags_of(line));
            if !blank {
                blank = true;
                out.push('\n');
            }
            continue;
        }
        blank = false;
        out.push_str(line);
        out.push('\n');
    }
    let (mut clean, origins) = origin::unmark(&out, marks, template);
    let end = clean.trim_end().len();
    clean.truncate(end);
    clean.push('\n');
    (clean, origins)
}

/// `sitemap.xml` for the HTML site, when `site-url` says where it is published. No dates:
/// output stays byte-identical for identical input.
fn sitemap(pages: &[RenderedPage], config: &Config) -> Option<String> {
    let site = config.site_url.as_deref()?.trim_end_matches('/');
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let url = format!("{site}/{}", html_path(&page.path));
        let url = url
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        writeln!(xml, "  <url><loc>{url}</loc></url>").expect("writing to a String cannot fail");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// Escapes the characters that would turn plain text into Markdown markup inline.
#[must_use]
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A link destination that survives Markdown: wrapped in `<…>` when it holds spaces or
/// parentheses.
#[must_use]
pub(crate) fn link_destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_owned()
    }
}

/// A date as a sentence says it: "November 8, 2022".
#[must_use]
pub(crate) fn long_date(date: jiff::civil::Date) -> String {
    date.strftime("%B %-d, %Y").to_string()
}

/// Ends a clause with a period unless it already ends a sentence.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', ':']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// "A", "A and B", "A, B, and C" (Microsoft style: serial comma).
#[must_use]
pub(crate) fn sentence_list(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} {conjunction} {b}"),
        [init @ .., last] => format!("{}, {conjunction} {last}", init.join(", ")),
    }
}

/// The title of a page for `<title>`: its front matter `title`, else nothing.
fn title_of(front_matter: &FrontMatter) -> Option<&str> {
    front_matter.iter().find_map(|(key, value)| match value {
        crate::model::MetaValue::Text(text) if key == "title" => Some(text.as_str()),
        _ => None,
    })
}

/// What a retention rule says — the data, how long it is kept and on what terms — as both
/// a service page and the retention overview show it.
#[derive(serde::Serialize)]
struct RuleTerms<'a> {
    data: &'a str,
    period: Option<String>,
    until: Option<&'a str>,
    min_period: Option<String>,
    trigger: Option<&'a str>,
    reason: Option<&'a str>,
    condition: Option<&'a str>,
}

impl<'a> RuleTerms<'a> {
    fn of(rule: &'a crate::model::RetentionRule) -> Self {
        Self {
            data: &rule.data,
            period: rule.keep.period().map(|p| p.to_string()),
            until: match &rule.keep {
                crate::model::Keep::Until(event) => Some(event),
                crate::model::Keep::For(_) => None,
            },
            min_period: rule.min_period.map(|p| p.to_string()),
            trigger: rule.trigger.as_deref(),
            reason: rule.reason.as_deref(),
            condition: rule.condition.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page published as written is what the general path makes of it: the same text,
    /// and every range located at the same place.
    #[test]
    fn a_page_as_written_is_what_the_general_path_makes() {
        let with_front_matter = "---\ntitle: Guide\n---\n# Guide\n\nSee [the FAQ](faq.md#a) and `code`.\n\n- one\n- two\n";
        for text in [with_front_matter, &with_front_matter[21..]] {
            same_both_ways(text);
        }
        for changed in [
            "{{#include snippets/x.md}}",
            "[x](@sources/a)",
            "[x]: @sources/a",
            "\u{FDD0}",
        ] {
            let text = format!("{with_front_matter}{changed}\n");
            let (model, _, _) = crate::load::model_of(&[("guide.md", &text)]);
            assert!(!as_written(&model.pages[0]), "{changed}");
        }
    }

    proptest::proptest! {
        /// The one pass finds what a search for each mark finds.
        #[test]
        fn one_pass_finds_every_mark(body in "([{}@\\]():# a]|\\{\\{#include |\\]\\(@?|\\]: @?|#include|\u{FDD0}|\u{FDD3}|\u{FDCF}|\u{EF}){0,30}") {
            let searched = body.contains(prose::INCLUDE_OPEN)
                || body.contains("](@")
                || body.contains("]: @")
                || origin::holds_tags(&body);
            proptest::prop_assert_eq!(marks_anything(&body), searched);
        }
    }

    fn same_both_ways(text: &str) {
        let (model, _, problems) = crate::load::model_of(&[("guide.md", text)]);
        assert!(problems.is_empty(), "{problems:?}");
        let page = &model.pages[0];
        assert!(as_written(page));
        let mut marks = origin::Marks::default();
        let mut found = Vec::new();
        let marked = hand_written(page, &model, &mut marks, &mut found);
        let (general, origins) = origin::unmark(&marked, &marks, None);
        assert!(found.is_empty());
        assert_eq!(general, *page.text);
        let verbatim = OriginMap::as_written(page.file, page.body_start);
        for start in 0..text.len() {
            for end in start..=text.len() {
                assert_eq!(
                    origins.locate(start..end, page.file),
                    verbatim.locate(start..end, page.file)
                );
                assert_eq!(
                    origins.source_key(start..end),
                    verbatim.source_key(start..end)
                );
                assert_eq!(origins.is_data(start..end), verbatim.is_data(start..end));
            }
        }
    }

    #[test]
    fn finish_collapses_blank_lines_outside_code() {
        let (text, _) = finish(
            "\n\na\n\n\n\nb\n```\nx\n\n\ny\n```\n\n\n",
            &origin::Marks::default(),
            None,
        );
        assert_eq!(text, "a\n\nb\n```\nx\n\n\ny\n```\n");
    }

    #[test]
    fn lists_read_as_sentences() {
        let items = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            sentence_list(&items(&["the United States"]), "and"),
            "the United States"
        );
        assert_eq!(
            sentence_list(&items(&["the United States", "India"]), "and"),
            "the United States and India"
        );
        assert_eq!(sentence_list(&items(&["A", "B", "C"]), "or"), "A, B, or C");
    }

    #[test]
    fn escapes_inline_markup_and_destinations() {
        assert_eq!(escape_markdown("a*b_[c]"), "a\\*b\\_\\[c\\]");
        assert_eq!(link_destination("/a b"), "</a b>");
        assert_eq!(link_destination("/a(b)"), "</a(b)>");
        assert_eq!(link_destination("/ab"), "/ab");
    }
}

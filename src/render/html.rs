//! A page's Markdown → its HTML: the body rendered by the one Markdown configuration,
//! wrapped in `layout.html` with `<title>` and `<meta>` tags from the front matter.

use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown;
use crate::model::{FrontMatter, MetaValue, Model, ServiceId, SourceId};

use super::{Template, Templates, escape_html, paths, title_of};

#[derive(Serialize)]
struct TocEntry<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct Meta<'a> {
    name: &'a str,
    content: String,
}

/// Relative links to pages point at their HTML; site-absolute links (`/windows/…`) point
/// at `site-url`, since they only resolve on the site the Markdown is published to.
fn link_for_html(dest: &str, config: &Config) -> Option<String> {
    if let Some(site) = &config.site_url
        && dest.starts_with('/')
        && !dest.starts_with("//")
    {
        return Some(format!("{}{dest}", site.trim_end_matches('/')));
    }
    markdown::md_link_to_html(dest)
}

/// The HTML of a page's parsed body (the Markdown after its front matter), each section
/// heading with its anchor; `text` is given every text a reader sees.
pub(super) fn body(
    body: &markdown::Document<'_>,
    config: &Config,
    text: impl FnMut(&str),
) -> markdown::Rendered {
    markdown::to_html(body, |dest| link_for_html(dest, config), text, anchor)
}

/// The HTML page at site path `path` (`services/mmd.md`) for its `rendered` body, with
/// `front_matter` for the head.
pub(super) fn page(
    path: &str,
    rendered: &markdown::Rendered,
    front_matter: &FrontMatter,
    config: &Config,
    templates: &Templates,
    nav: &super::Nav,
    model: &Model,
) -> Result<String, Option<Diagnostic>> {
    let layout = Layout::of(path, rendered, front_matter, config, nav, model);
    if templates.layout_is_built_in() {
        return Ok(layout.built_in());
    }
    templates.render(Template::Layout, &layout.context())
}

/// What `layout.html` is given for one page.
struct Layout<'a> {
    lang: &'a str,
    title: String,
    book_title: Option<&'a str>,
    meta: Vec<Meta<'a>>,
    canonical: Option<String>,
    changes: bool,
    root: String,
    view: super::nav::View,
    toc: Vec<TocEntry<'a>>,
    edit_url: Option<String>,
    reviewed: Option<String>,
    flow: Option<String>,
    /// The page's title heading, as rendered.
    heading: &'a str,
    /// The rest of the page's body.
    content: &'a str,
}

impl<'a> Layout<'a> {
    fn of(
        path: &'a str,
        rendered: &'a markdown::Rendered,
        front_matter: &'a FrontMatter,
        config: &'a Config,
        nav: &super::Nav,
        model: &Model,
    ) -> Self {
        let title = title_of(front_matter)
            .map(str::to_owned)
            .or_else(|| rendered.headings.first().map(|h| h.text.clone()))
            .unwrap_or_else(|| path.to_owned());
        let meta = front_matter
            .iter()
            .filter(|(key, _)| key != "title")
            .map(|(key, value)| Meta {
                name: key,
                content: match value {
                    MetaValue::Text(text) => text.clone(),
                    MetaValue::List(items) => items.join(", "),
                },
            })
            .collect();
        let toc = rendered
            .headings
            .iter()
            .filter(|h| matches!(h.level, 2 | 3))
            .map(|h| TocEntry {
                level: h.level,
                id: &h.id,
                text: &h.text,
            })
            .collect();
        let canonical = config
            .site_url
            .as_deref()
            .map(|site| format!("{}/{}", site.trim_end_matches('/'), super::html_path(path)));
        let edit_url = config.edit_url_template.as_ref().and_then(|template| {
            let file = edited_file(path, model)?;
            Some(template.replace("{path}", &file))
        });
        let flow = service_of(path, model).map(|service| {
            let to_sources = format!("{}{}/", paths::to_root(path), SourceId::DIR);
            super::flow::figure(service, model, &to_sources)
        });
        // The page's title comes first; the on-page contents follow it.
        let (heading, content) = match rendered.html.find("</h1>\n") {
            Some(end) if rendered.html.starts_with("<h1") => {
                rendered.html.split_at(end + "</h1>\n".len())
            }
            _ => ("", rendered.html.as_str()),
        };
        Self {
            lang: &config.language,
            title,
            book_title: config.title.as_deref(),
            meta,
            canonical,
            changes: config.changes_feed,
            root: paths::to_root(path),
            view: nav.view(path),
            toc,
            edit_url,
            reviewed: reviewed(path, model),
            flow,
            heading,
            content,
        }
    }

    /// What a project's own `layout.html` is rendered with.
    fn context(&self) -> tera::Context {
        let mut context = tera::Context::new();
        context.insert("toc", &self.toc);
        context.insert("nav", &self.view.sections);
        context.insert("previous", &self.view.previous);
        context.insert("next", &self.view.next);
        context.insert("canonical", &self.canonical);
        context.insert("lang", self.lang);
        context.insert("title", &self.title);
        context.insert("book_title", &self.book_title);
        context.insert("meta", &self.meta);
        context.insert("root", &self.root);
        context.insert("home", &self.view.home);
        context.insert("section", &self.view.section);
        context.insert("edit_url", &self.edit_url);
        context.insert("reviewed", &self.reviewed);
        context.insert("flow", &self.flow);
        context.insert("version", env!("CARGO_PKG_VERSION"));
        context.insert("changes", &self.changes);
        context.insert("heading", self.heading);
        context.insert("content", self.content);
        context
    }

    /// The page as privdoc's own `templates/layout.html` makes it, written directly: the
    /// same bytes (a test renders sites both ways), without building tera's values of the
    /// page and interpreting the template, which took a tenth of a build. Each `if` below
    /// is the template's, and tests a value as tera does: an absent or empty text is false.
    fn built_in(&self) -> String {
        let mut out = Html(String::with_capacity(self.content.len() + 8 * 1024));
        self.head(&mut out);
        self.sidebar(&mut out);
        self.main(&mut out);
        out.raw(script());
        self.footer(&mut out);
        out.0
    }

    /// The template from `<!DOCTYPE html>` to the end of `<head>`.
    fn head(&self, out: &mut Html) {
        let (title, root) = (self.title.as_str(), self.root.as_str());
        out.raw("<!DOCTYPE html>\n<html lang=\"")
            .text(self.lang)
            .raw("\">\n<head>\n");
        out.raw("<meta charset=\"utf-8\">\n");
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.raw("<title>").text(title);
        if let Some(book) = given(self.book_title).filter(|book| *book != title) {
            out.raw(" – ").text(book);
        }
        out.raw("</title>\n");
        for meta in &self.meta {
            out.raw("<meta name=\"").text(meta.name);
            out.raw("\" content=\"").text(&meta.content).raw("\">\n");
        }
        if let Some(canonical) = given(self.canonical.as_deref()) {
            out.raw("<link rel=\"canonical\" href=\"")
                .text(canonical)
                .raw("\">\n");
        }
        if self.changes {
            out.raw(
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes\" href=\"",
            );
            out.text(root).raw("changes.xml\">\n");
        }
        out.raw("<link rel=\"stylesheet\" href=\"")
            .text(root)
            .raw("style.css\">\n");
        out.raw("</head>\n");
    }

    /// The template's `<body>` up to `<main>`: the header, the search box and the sidebar.
    fn sidebar(&self, out: &mut Html) {
        let root = self.root.as_str();
        out.raw("<body>\n<a class=\"skip-link\" href=\"#content\">Skip to content</a>\n");
        out.raw("<header class=\"site-header\">\n<a class=\"site-title\" href=\"");
        out.text(root).raw("index.html\">");
        out.text(given(self.book_title).unwrap_or("Privacy documentation"));
        out.raw("</a>\n<form class=\"search\" id=\"search\" role=\"search\" data-root=\"");
        out.text(root).raw("\" hidden>\n");
        out.raw(concat!(
            "<label class=\"visually-hidden\" for=\"search-input\">Search these pages</label>\n",
            "<input id=\"search-input\" type=\"search\" placeholder=\"Search\" autocomplete=\"off\">\n",
            "<ul class=\"search-results\" id=\"search-results\" aria-live=\"polite\"></ul>\n",
            "</form>\n</header>\n<div class=\"layout\">\n",
            "<nav class=\"site-nav\" id=\"site-nav\" aria-label=\"Site\">\n",
            "<details class=\"nav-drawer\" id=\"nav-drawer\">\n<summary>Site contents</summary>\n",
        ));
        for section in &self.view.sections {
            out.raw("<p class=\"nav-heading\">")
                .text(&section.title)
                .raw("</p>\n<ul>\n");
            for item in &section.items {
                out.raw("<li><a href=\"").text(&item.href).raw("\"");
                if item.current {
                    out.raw(" aria-current=\"page\"");
                }
                out.raw(">").text(&item.title).raw("</a></li>\n");
            }
            if let Some(more) = &section.more {
                out.raw("<li class=\"nav-more\"><a href=\"")
                    .text(&more.href)
                    .raw("\">");
                out.text(&more.title).raw("</a></li>\n");
            }
            out.raw("</ul>\n");
        }
        out.raw("</details>\n</nav>\n");
    }

    /// The template's `<main>`: breadcrumbs, the article, the pager.
    fn main(&self, out: &mut Html) {
        let (title, view) = (self.title.as_str(), &self.view);
        out.raw("<main id=\"content\" tabindex=\"-1\">\n");
        if let Some(home) = &view.home {
            out.raw("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\">\n<ol>\n");
            out.raw("<li><a href=\"")
                .text(&home.href)
                .raw("\">")
                .text(&home.title);
            out.raw("</a></li>\n");
            if let Some(section) = &view.section {
                out.raw("<li>");
                if section.href.is_empty() {
                    out.text(&section.title);
                } else {
                    out.raw("<a href=\"").text(&section.href).raw("\">");
                    out.text(&section.title).raw("</a>");
                }
                out.raw("</li>\n");
            }
            out.raw("<li aria-current=\"page\">")
                .text(title)
                .raw("</li>\n</ol>\n</nav>\n");
        }
        out.raw("<article>\n").raw(self.heading);
        self.page_meta(out);
        if self.toc.len() > 1 {
            out.raw("<nav class=\"page-toc\" aria-label=\"On this page\">\n");
            out.raw("<details id=\"page-toc\" open>\n");
            out.raw("<summary class=\"nav-heading\">On this page</summary>\n<ul>\n");
            for entry in &self.toc {
                out.raw("<li class=\"toc-level-")
                    .raw(&entry.level.to_string());
                out.raw("\"><a href=\"#")
                    .text(entry.id)
                    .raw("\">")
                    .text(entry.text);
                out.raw("</a></li>\n");
            }
            out.raw("</ul>\n</details>\n</nav>\n");
        }
        out.raw(self.flow.as_deref().unwrap_or(""));
        out.raw(self.content).raw("</article>\n");
        if view.previous.is_some() || view.next.is_some() {
            out.raw("<nav class=\"pager\" aria-label=\"Previous and next pages\">\n");
            if let Some(previous) = &view.previous {
                out.raw("<a rel=\"prev\" href=\"")
                    .text(&previous.href)
                    .raw("\">");
                out.raw("<span class=\"pager-label\">Previous</span> ");
                out.text(&previous.title).raw("</a>\n");
            }
            if let Some(next) = &view.next {
                out.raw("<a rel=\"next\" href=\"")
                    .text(&next.href)
                    .raw("\">");
                out.raw("<span class=\"pager-label\">Next</span> ")
                    .text(&next.title);
                out.raw("</a>\n");
            }
            out.raw("</nav>\n");
        }
        out.raw("</main>\n</div>\n");
    }

    /// The line under the page's title: when it was last reviewed, and its edit link.
    fn page_meta(&self, out: &mut Html) {
        let reviewed = given(self.reviewed.as_deref());
        let edit_url = given(self.edit_url.as_deref());
        if reviewed.is_none() && edit_url.is_none() {
            return;
        }
        out.raw("<p class=\"page-meta\">");
        if let Some(reviewed) = reviewed {
            out.raw("Last reviewed <time datetime=\"")
                .text(reviewed)
                .raw("\">");
            out.text(reviewed).raw("</time>");
        }
        if let Some(edit_url) = edit_url {
            if reviewed.is_some() {
                out.raw(" · ");
            }
            out.raw("<a class=\"edit-link\" href=\"").text(edit_url);
            out.raw("\">Edit this page</a>");
        }
        out.raw("</p>\n");
    }

    /// The template's `<footer>` to its end.
    fn footer(&self, out: &mut Html) {
        let root = self.root.as_str();
        out.raw("<footer class=\"site-footer\">\n<p>Generated by privdoc from declarations.");
        if self.changes {
            out.raw(" <a href=\"")
                .text(root)
                .raw("changes.html\">Changes</a> (<a href=\"");
            out.text(root).raw("changes.xml\">Atom</a>).");
        }
        out.raw(" <a href=\"#content\">Back to top</a></p>\n<p class=\"print-footer\">");
        out.text(&self.title);
        if let Some(book) = given(self.book_title) {
            out.raw(" · ").text(book);
        }
        if let Some(canonical) = given(self.canonical.as_deref()) {
            out.raw(" · ").text(canonical);
        }
        if let Some(reviewed) = given(self.reviewed.as_deref()) {
            out.raw(" · last reviewed ").text(reviewed);
        }
        out.raw(" · privdoc ").text(env!("CARGO_PKG_VERSION"));
        out.raw("</p>\n</footer>\n</body>\n</html>\n");
    }
}

/// A text the template tests with `if`: there and not empty.
fn given(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.is_empty())
}

/// The built-in layout's script (the sidebar and the search box), as the template has it:
/// the one long run of it that no value goes into. Found once.
fn script() -> &'static str {
    static SCRIPT: std::sync::LazyLock<&str> = std::sync::LazyLock::new(|| {
        let layout = Template::Layout.built_in();
        let start = layout.find("<script>").unwrap_or(layout.len());
        let end = layout[start..]
            .find("</script>\n")
            .map_or(start, |end| start + end + "</script>\n".len());
        &layout[start..end]
    });
    &SCRIPT
}

/// HTML being written: markup as it is, text escaped as tera escapes a value.
struct Html(String);

impl Html {
    fn raw(&mut self, markup: &str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    fn text(&mut self, text: &str) -> &mut Self {
        super::templates::push_escaped(&mut self.0, text);
        self
    }
}

/// The file a writer edits to change the page at `path`, relative to the content
/// directory (mdBook's `{path}`): a service's or a source's TOML, a hand-written page
/// itself; `None` for the overviews, which every declaration makes.
fn edited_file(path: &str, model: &Model) -> Option<String> {
    if let Some(service) = service_of(path, model) {
        return Some(format!("{}/{}.toml", ServiceId::DIR, service.id));
    }
    if let Some(id) = generated_id(path, SourceId::DIR)
        && model.source(&SourceId(id.to_owned())).is_some()
    {
        return Some(format!("{}/{id}.toml", SourceId::DIR));
    }
    model
        .pages
        .binary_search_by(|page| page.path.as_str().cmp(path))
        .ok()
        .map(|_| path.to_owned())
}

/// The id in a generated page's path: `mmd` in `services/mmd.md` for `dir` `services`.
fn generated_id<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    path.strip_prefix(dir)?
        .strip_prefix('/')?
        .strip_suffix(".md")
}

/// The service whose generated page is at `path`.
fn service_of<'a>(path: &str, model: &'a Model) -> Option<&'a crate::model::Service> {
    let id = generated_id(path, ServiceId::DIR)?;
    model.service(&ServiceId(id.to_owned()))
}

/// When the page was last reviewed, as its service declares (YYYY-MM-DD).
fn reviewed(path: &str, model: &Model) -> Option<String> {
    let service = service_of(path, model)?;
    service.reviewed.as_ref().map(|(date, _)| date.to_string())
}

/// A link to a section heading (`<a class="anchor" href="#id">`), shown on hover and focus
/// as mdBook does, so a reader can copy where they are; the page title has none.
fn anchor(heading: &markdown::Heading) -> Option<String> {
    if heading.level < 2 || heading.id.is_empty() {
        return None;
    }
    let id = escape_html(&heading.id);
    Some(format!(
        " <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>"
    ))
}

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
    let title = title_of(front_matter)
        .map(str::to_owned)
        .or_else(|| rendered.headings.first().map(|h| h.text.clone()))
        .unwrap_or_else(|| path.to_owned());
    let meta: Vec<Meta<'_>> = front_matter
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
    let toc: Vec<TocEntry<'_>> = rendered
        .headings
        .iter()
        .filter(|h| matches!(h.level, 2 | 3))
        .map(|h| TocEntry {
            level: h.level,
            id: &h.id,
            text: &h.text,
        })
        .collect();
    let view = nav.view(path);
    let canonical = config
        .site_url
        .as_deref()
        .map(|site| format!("{}/{}", site.trim_end_matches('/'), super::html_path(path)));
    let mut context = tera::Context::new();
    context.insert("toc", &toc);
    context.insert("nav", &view.sections);
    context.insert("previous", &view.previous);
    context.insert("next", &view.next);
    context.insert("canonical", &canonical);
    context.insert("lang", &config.language);
    context.insert("title", &title);
    context.insert("book_title", &config.title);
    context.insert("meta", &meta);
    context.insert("root", &paths::to_root(path));
    context.insert("home", &view.home);
    context.insert("section", &view.section);
    context.insert(
        "edit_url",
        &config.edit_url_template.as_ref().and_then(|template| {
            let file = edited_file(path, model)?;
            Some(template.replace("{path}", &file))
        }),
    );
    context.insert("reviewed", &reviewed(path, model));
    let flow = service_of(path, model).map(|service| {
        let to_sources = format!("{}{}/", paths::to_root(path), SourceId::DIR);
        super::flow::figure(service, model, &to_sources)
    });
    context.insert("flow", &flow);
    context.insert("version", env!("CARGO_PKG_VERSION"));
    context.insert("changes", &config.changes_feed);
    // The page's title comes first; the on-page contents follow it.
    let (title_html, body_html) = match rendered.html.find("</h1>\n") {
        Some(end) if rendered.html.starts_with("<h1") => {
            rendered.html.split_at(end + "</h1>\n".len())
        }
        _ => ("", rendered.html.as_str()),
    };
    context.insert("heading", title_html);
    context.insert("content", body_html);
    templates.render(Template::Layout, &context)
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

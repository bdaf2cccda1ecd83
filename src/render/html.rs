//! A page's Markdown → its HTML: the body rendered by the one Markdown configuration,
//! wrapped in `layout.html` with `<title>` and `<meta>` tags from the front matter.

use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown;
use crate::model::{FrontMatter, MetaValue};

use super::{Template, Templates, paths, title_of};

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

/// The HTML page at site path `path` (`services/mmd.md`) for the Markdown `body` (after
/// its front matter), with `front_matter` for the head.
pub(super) fn page(
    path: &str,
    body: &str,
    front_matter: &FrontMatter,
    config: &Config,
    templates: &Templates,
    nav: &super::Nav,
) -> Result<String, Option<Diagnostic>> {
    let rendered = markdown::to_html(body, |dest| link_for_html(dest, config));
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

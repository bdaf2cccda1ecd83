//! A page's Markdown → its HTML: the body rendered by the one Markdown configuration,
//! wrapped in `layout.html` with `<title>` and `<meta>` tags from the front matter.

use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown;
use crate::model::{FrontMatter, MetaValue};

use super::{Templates, paths, title_of};

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

/// The HTML page at site path `path` (`services/mmd.md`) for `markdown` (front matter
/// included, which is skipped) with `front_matter` for the head.
pub(super) fn page(
    path: &str,
    markdown_text: &str,
    front_matter: &FrontMatter,
    config: &Config,
    templates: &Templates,
) -> Result<String, Option<Diagnostic>> {
    let body_start = crate::load::split_front_matter(markdown_text).map_or(0, |(_, start)| start);
    let rendered = markdown::to_html(&markdown_text[body_start..], |dest| {
        link_for_html(dest, config)
    });
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
    let mut context = tera::Context::new();
    context.insert("lang", &config.language);
    context.insert("title", &title);
    context.insert("book_title", &config.title);
    context.insert("meta", &meta);
    context.insert("root", &paths::to_root(path));
    context.insert("content", &rendered.html);
    templates.render("layout.html", &context)
}

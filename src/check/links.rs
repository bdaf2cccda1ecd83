//! `broken-link` and `broken-anchor`: relative links (with or without `.md`, with `?query`
//! and `#fragment`), same-page fragments and images, resolved against the pages and files
//! of the site. Site-absolute, `xref:` and external links are never fetched: they are
//! counted as unchecked.

use std::collections::{HashMap, HashSet};

use percent_encoding::percent_decode_str;

use super::page::Facts;
use crate::diag::{CheckCode, Code, Diagnostic, did_you_mean};
use crate::markdown::is_relative;
use crate::render::RenderedPage;

/// What the link check resolves against.
pub(super) struct Index<'a> {
    /// Page path → page number.
    pub pages: HashMap<&'a str, usize>,
    /// Where a mistyped link's target is looked for, instead of among every page of the
    /// site: the pages with the same file name, and the pages of the same directory — in a
    /// large directory only those whose name starts or ends the same way, so that a
    /// broken link costs the same in a site of any size.
    pub neighbours: HashMap<Neighbours<'a>, Vec<&'a str>>,
    /// Every other file of the content directory.
    pub assets: &'a HashSet<String>,
    /// Ids every HTML page has from the layout (`content`, …).
    pub layout_ids: &'a HashSet<String>,
}

/// A group of pages that a mistyped link may have meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Neighbours<'a> {
    Name(&'a str),
    Dir(&'a str),
    Start(&'a str, &'a str),
    End(&'a str, &'a str),
}

/// A directory with more pages than this is searched by name start and end only.
const SEARCH_WHOLE_DIR: usize = 200;
/// How many characters of a name's start and end (before `.md`) group it.
const AFFIX: usize = 3;

fn affixes(name: &str) -> (&str, &str) {
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let start = stem
        .char_indices()
        .nth(AFFIX)
        .map_or(stem, |(at, _)| &stem[..at]);
    let end = stem
        .char_indices()
        .rev()
        .nth(AFFIX - 1)
        .map_or(stem, |(at, _)| &stem[at..]);
    (start, end)
}

/// How many links were checked and how many could not be checked offline.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct LinkCounts {
    /// Relative links and fragments, resolved.
    pub(super) checked: usize,
    /// External, site-absolute and `xref:` links, and links leaving the site.
    pub(super) unchecked: usize,
}

enum Target<'a> {
    Unchecked,
    Page(usize, Option<&'a str>),
    Asset,
    Missing(String),
}

/// Checks the links of page `at`.
pub(super) fn check(
    at: usize,
    pages: &[RenderedPage],
    facts: &[Facts],
    index: &Index<'_>,
) -> (Vec<Diagnostic>, LinkCounts) {
    let page = &pages[at];
    let mut found = Vec::new();
    let mut counts = LinkCounts::default();
    for link in &facts[at].links {
        let target = resolve(&page.path, &link.dest, at, index);
        if matches!(target, Target::Unchecked) {
            counts.unchecked += 1;
            continue;
        }
        counts.checked += 1;
        let span = page.origins.locate(link.at.clone(), page.file);
        match target {
            Target::Missing(path) => {
                let hint = index
                    .suggest(&path)
                    .map(|close| format!("did you mean `{close}`?"));
                let message = format!("link to `{}`, which does not exist", link.dest);
                found.push(error(CheckCode::BrokenLink, span, message).with_hint_opt(hint));
            }
            Target::Page(target, Some(fragment)) => {
                let fragment = percent_decode_str(fragment).decode_utf8_lossy();
                let anchors = &facts[target].anchors;
                let known = anchors.contains(fragment.as_ref())
                    || index.layout_ids.contains(fragment.as_ref())
                    || anchors.iter().any(|a| a.eq_ignore_ascii_case(&fragment));
                if !known {
                    let hint = did_you_mean(&fragment, anchors.iter().map(String::as_str))
                        .map(|close| format!("did you mean `#{close}`?"));
                    let hint = hint.or_else(|| {
                        Some(format!(
                            "`{}` has no heading, `{{#id}}` or HTML id `{fragment}`",
                            pages[target].path
                        ))
                    });
                    let message =
                        format!("`#{fragment}` is not an anchor of `{}`", pages[target].path);
                    found.push(error(CheckCode::BrokenAnchor, span, message).with_hint_opt(hint));
                }
            }
            Target::Page(_, None) | Target::Asset | Target::Unchecked => {}
        }
    }
    (found, counts)
}

fn error(code: CheckCode, span: crate::diag::Span, message: String) -> Diagnostic {
    Diagnostic::error(Code::Check(code), span, message).with_label("linked here")
}

impl<'a> Index<'a> {
    /// Indexes `paths` by directory and by file name.
    pub(super) fn new(
        paths: impl Iterator<Item = &'a str>,
        assets: &'a HashSet<String>,
        layout_ids: &'a HashSet<String>,
    ) -> Self {
        let mut pages = HashMap::new();
        let mut neighbours: HashMap<Neighbours<'a>, Vec<&'a str>> = HashMap::new();
        for (at, path) in paths.enumerate() {
            pages.insert(path, at);
            let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
            let (start, end) = affixes(name);
            for group in [
                Neighbours::Name(name),
                Neighbours::Dir(dir),
                Neighbours::Start(dir, start),
                Neighbours::End(dir, end),
            ] {
                neighbours.entry(group).or_default().push(path);
            }
        }
        Self {
            pages,
            neighbours,
            assets,
            layout_ids,
        }
    }

    /// The page a link to missing `path` probably meant: a near name in the same directory,
    /// or the same name in another one.
    fn suggest(&self, path: &str) -> Option<&'a str> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let group = |key| self.neighbours.get(&key).into_iter().flatten().copied();
        let same_dir = self.neighbours.get(&Neighbours::Dir(dir));
        let near: Vec<&'a str> = if same_dir.is_some_and(|d| d.len() <= SEARCH_WHOLE_DIR) {
            group(Neighbours::Dir(dir)).collect()
        } else {
            let (start, end) = affixes(name);
            group(Neighbours::Start(dir, start))
                .chain(group(Neighbours::End(dir, end)))
                .collect()
        };
        did_you_mean(path, group(Neighbours::Name(name)).chain(near))
    }
}

/// Where `dest`, written on the page at `from`, leads.
fn resolve<'d>(from: &str, dest: &'d str, this_page: usize, index: &Index<'_>) -> Target<'d> {
    if let Some(fragment) = dest.strip_prefix('#') {
        return Target::Page(this_page, Some(fragment).filter(|f| !f.is_empty()));
    }
    let rooted = dest.strip_prefix("~/");
    if rooted.is_none() && !is_relative(dest) {
        return Target::Unchecked;
    }
    let dest = rooted.unwrap_or(dest);
    let (rest, fragment) = dest.split_once('#').map_or((dest, None), |(p, f)| {
        (p, Some(f).filter(|f| !f.is_empty()))
    });
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if path.is_empty() {
        return Target::Page(this_page, fragment);
    }
    let path = percent_decode_str(path).decode_utf8_lossy();
    let base = if rooted.is_some() {
        ""
    } else {
        from.rsplit_once('/').map_or("", |(dir, _)| dir)
    };
    let Some(joined) = join(base, &path) else {
        return Target::Unchecked; // above the content directory: not this site's to check
    };
    let stem = joined
        .strip_suffix(".md")
        .or_else(|| joined.strip_suffix(".html"))
        .unwrap_or(&joined);
    let stem = stem.trim_end_matches('/');
    for candidate in [
        format!("{stem}.md"),
        format!("{stem}/index.md"),
        format!("{stem}/README.md"),
    ] {
        if let Some(&page) = index.pages.get(candidate.as_str()) {
            return Target::Page(page, fragment);
        }
    }
    let is_dir = |dir: &str| {
        let prefix = format!("{dir}/");
        index.assets.iter().any(|a| a.starts_with(&prefix))
            || index.pages.keys().any(|p| p.starts_with(&prefix))
    };
    if index.assets.contains(joined.as_str())
        || (joined.ends_with('/') || !joined.contains('.')) && is_dir(stem)
    {
        return Target::Asset;
    }
    Target::Missing(joined)
}

/// `dir` + `path` with `.` and `..` resolved; `None` when it climbs above the root.
fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let trailing = path.ends_with('/');
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let mut joined = parts.join("/");
    if trailing {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(
            join("services", "../sources/x.md").as_deref(),
            Some("sources/x.md")
        );
        assert_eq!(join("", "./a/./b.md").as_deref(), Some("a/b.md"));
        assert_eq!(join("a", "../../b.md"), None);
        assert_eq!(join("a", "media/").as_deref(), Some("a/media/"));
    }
}

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
    /// large directory only the names that sort next to it, forward and backward, so that
    /// a broken link costs the same in a site of any size.
    pub neighbours: Neighbours<'a>,
    /// Every other file of the content directory.
    pub assets: &'a HashSet<String>,
    /// Every directory that holds a page or a file, at any depth.
    pub dirs: HashSet<&'a str>,
    /// Ids every HTML page has from the layout (`content`, …).
    pub layout_ids: &'a HashSet<String>,
}

/// The pages a mistyped link may have meant, indexed.
#[derive(Default)]
pub(super) struct Neighbours<'a> {
    /// File name → the pages of that name.
    by_name: HashMap<&'a str, Vec<&'a str>>,
    /// Every page as (directory, name, path), sorted: a directory's pages are one run of
    /// it, and a name mistyped after its first characters sorts next to the name it meant.
    forward: Vec<(&'a str, &'a str, &'a str)>,
    /// The same with each name reversed: a name mistyped before its last characters sorts
    /// next to the name it meant.
    backward: Vec<(&'a str, String, &'a str)>,
}

/// A directory with more pages than this is searched by sorted neighbours only.
const SEARCH_WHOLE_DIR: usize = 200;
/// How many names on each side of a mistyped one, in each order, are candidates.
const SORTED_NEIGHBOURS: usize = 4;

impl<'a> Neighbours<'a> {
    fn add(&mut self, path: &'a str) {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        self.by_name.entry(name).or_default().push(path);
        self.forward.push((dir, name, path));
        self.backward
            .push((dir, name.chars().rev().collect(), path));
    }

    fn sort(&mut self) {
        self.forward.sort_unstable();
        self.backward.sort_unstable();
    }

    /// The page a link to the missing `path` probably meant: the same name in another
    /// directory (a page that moved), else a near name in the same directory.
    fn suggest(&self, path: &str) -> Option<&'a str> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let moved = self.by_name.get(name).into_iter().flatten().copied();
        did_you_mean(path, moved).or_else(|| did_you_mean(path, self.same_dir(dir, name)))
    }

    /// The pages of `dir` whose names may be `name` mistyped.
    fn same_dir(&self, dir: &str, name: &str) -> Vec<&'a str> {
        let from_dir = &self.forward[self.forward.partition_point(|&(d, ..)| d < dir)..];
        let pages = &from_dir[..from_dir.partition_point(|&(d, ..)| d == dir)];
        if pages.len() <= SEARCH_WHOLE_DIR {
            return pages.iter().map(|&(.., path)| path).collect();
        }
        let reversed: String = name.chars().rev().collect();
        let forward = self
            .forward
            .partition_point(|&(d, n, _)| (d, n) < (dir, name));
        let backward = self
            .backward
            .partition_point(|(d, n, _)| (*d, n.as_str()) < (dir, reversed.as_str()));
        let around = |at: usize, len: usize| {
            at.saturating_sub(SORTED_NEIGHBOURS)..(at + SORTED_NEIGHBOURS).min(len)
        };
        let forward = &self.forward[around(forward, self.forward.len())];
        let backward = &self.backward[around(backward, self.backward.len())];
        forward
            .iter()
            .map(|&(d, _, path)| (d, path))
            .chain(backward.iter().map(|&(d, _, path)| (d, path)))
            .filter(|&(d, _)| d == dir)
            .map(|(_, path)| path)
            .collect()
    }
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

/// Checks the links of every page against every page, in parallel: the findings and how
/// many links were checked or left for an online check.
pub(super) fn check_site(
    pages: &[RenderedPage],
    facts: &[Facts],
    model: &crate::model::Model,
    layout_ids: &[String],
) -> (Vec<Diagnostic>, LinkCounts) {
    use rayon::prelude::*;
    let assets: HashSet<String> = model.assets.iter().cloned().collect();
    let layout_ids: HashSet<String> = layout_ids.iter().cloned().collect();
    let index = Index::new(
        pages.iter().map(|page| page.path.as_str()),
        &assets,
        &layout_ids,
    );
    let per_page: Vec<_> = (0..pages.len())
        .into_par_iter()
        .map(|at| check(at, pages, facts, &index))
        .collect();
    let mut found = Vec::new();
    let mut total = LinkCounts::default();
    for (page_found, counts) in per_page {
        found.extend(page_found);
        total.checked += counts.checked;
        total.unchecked += counts.unchecked;
    }
    (found, total)
}

/// Checks the links of page `at`.
fn check(
    at: usize,
    pages: &[RenderedPage],
    facts: &[Facts],
    index: &Index<'_>,
) -> (Vec<Diagnostic>, LinkCounts) {
    let page = &pages[at];
    let mut found = Vec::new();
    let mut counts = LinkCounts::default();
    for link in &facts[at].links {
        if crate::markdown::is_dangerous(&link.dest) {
            counts.checked += 1;
            let scheme = crate::markdown::scheme(&link.dest).unwrap_or_default();
            let span = page.origins.locate(link.at.clone(), page.file);
            let message = format!("link to a `{scheme}:` URL, which is never published");
            let hint = "the HTML links only to http, https, mailto and relative URLs; the link text is shown without a link";
            found.push(error(CheckCode::BrokenLink, span, message).with_hint(hint));
            continue;
        }
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
                    .neighbours
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
        let mut neighbours = Neighbours::default();
        let mut dirs = HashSet::new();
        for (at, path) in paths.enumerate() {
            pages.insert(path, at);
            neighbours.add(path);
            dirs.extend(ancestors(path));
        }
        dirs.extend(assets.iter().flat_map(|asset| ancestors(asset)));
        neighbours.sort();
        Self {
            pages,
            neighbours,
            assets,
            dirs,
            layout_ids,
        }
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
    if index.assets.contains(joined.as_str())
        || (joined.ends_with('/') || !joined.contains('.')) && index.dirs.contains(stem)
    {
        return Target::Asset;
    }
    Target::Missing(joined)
}

/// The directories `path` is in: `a/b/c.md` is in `a/b` and `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(|(at, _)| &path[..at])
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

    #[test]
    fn a_mistyped_link_in_a_large_directory_finds_the_page_it_meant() {
        let mut paths: Vec<String> = (0..1000)
            .map(|i| format!("services/service-{i:04}-portal.md"))
            .collect();
        paths.push("sources/device-health.md".to_owned());
        paths.push("archive/retention.md".to_owned());
        let (assets, ids) = (HashSet::new(), HashSet::new());
        let index = Index::new(paths.iter().map(String::as_str), &assets, &ids);
        for (typo, meant) in [
            (
                "services/service-0417-portl.md",
                "services/service-0417-portal.md",
            ),
            (
                "services/srvice-0417-portal.md",
                "services/service-0417-portal.md",
            ),
            (
                "services/service-0417-portal-legacy.md",
                "services/service-0417-portal.md",
            ),
            ("sources/device-helth.md", "sources/device-health.md"),
            ("services/retention.md", "archive/retention.md"),
        ] {
            assert_eq!(index.neighbours.suggest(typo), Some(meant), "{typo}");
        }
        assert_eq!(index.neighbours.suggest("services/zzzz.md"), None);
    }
}

//! `broken-link`, `broken-anchor` and `case-mismatch`: relative links (with or without
//! `.md`, with `?query` and `#fragment`), same-page fragments and images, resolved against
//! the pages and files of the site; site-absolute links too where `site-paths` says which
//! folder serves them. A link whose target exists only in other letter case works on a
//! case-insensitive server and breaks on GitHub and Linux: a warning of its own, with the
//! right spelling. External, unmapped site-absolute and `xref:` links are never fetched:
//! they are counted as unchecked.

use percent_encoding::percent_decode_str;

use super::page::Facts;
use crate::config::{Config, SitePath};
use crate::diag::{CheckCode, Code, Diagnostic, did_you_mean};
use crate::hash::{FastMap, FastSet};
use crate::markdown::is_relative;
use crate::render::RenderedPage;

/// What the link check resolves against.
pub(super) struct Index<'a> {
    /// Page path → page number.
    pub pages: FastMap<&'a str, usize>,
    /// Where a mistyped link's target is looked for, instead of among every page of the
    /// site: the pages with the same file name, and the pages of the same directory — in a
    /// large directory only the names that sort next to it, forward and backward, so that
    /// a broken link costs the same in a site of any size.
    pub neighbours: Neighbours<'a>,
    /// Every other file of the content directory.
    pub assets: &'a FastSet<String>,
    /// Every directory that holds a page or a file, at any depth.
    pub dirs: FastSet<&'a str>,
    /// Every page and file by its path in lower case, with its real path and its page
    /// number: what a link that differs only in case meant.
    folded: FastMap<String, (&'a str, Option<usize>)>,
    /// Every directory by its path in lower case.
    folded_dirs: FastMap<String, &'a str>,
    /// Ids every HTML page has from the layout (`content`, …).
    pub layout_ids: &'a FastSet<String>,
    /// Site-absolute prefixes checked offline.
    site_paths: &'a [SitePath],
    /// The site's address: absolute links to it are site-absolute links.
    site_url: Option<&'a str>,
}

/// The pages a mistyped link may have meant, indexed.
#[derive(Default)]
pub(super) struct Neighbours<'a> {
    /// File name → the pages of that name.
    by_name: FastMap<&'a str, Vec<&'a str>>,
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
    /// Relative links, mapped site-absolute links and fragments, resolved.
    pub(super) checked: usize,
    /// External, unmapped site-absolute and `xref:` links, and links leaving the site.
    pub(super) unchecked: usize,
}

/// Where a link leads.
enum Target<'d, 'a> {
    /// Not this site's to check offline.
    Unchecked,
    /// A page, and the fragment to look up on it.
    Page(usize, Option<&'d str>),
    /// A file or a folder of the content directory.
    Asset,
    /// A page or file whose path differs from the link's only in letter case: found by a
    /// case-insensitive web server, not on GitHub or Linux.
    Miscased {
        actual: &'a str,
        page: Option<usize>,
        fragment: Option<&'d str>,
    },
    /// Nothing at the path.
    Missing(String),
    /// Nothing at the path a `site-paths` prefix maps the link to.
    MissingMapped(String),
}

/// Checks the links of every page against every page, in parallel: the findings and how
/// many links were checked or left for an online check.
pub(super) fn check_site(
    pages: &[RenderedPage],
    facts: &[Facts],
    model: &crate::model::Model,
    layout_ids: &[String],
    config: &Config,
) -> (Vec<Diagnostic>, LinkCounts) {
    use rayon::prelude::*;
    let assets: FastSet<String> = model.assets.iter().cloned().collect();
    let layout_ids: FastSet<String> = layout_ids.iter().cloned().collect();
    let mut index = Index::new(
        pages.iter().map(|page| page.path.as_str()),
        &assets,
        &layout_ids,
    );
    index.site_paths = &config.links.site_paths;
    index.site_url = config.site_url.as_deref();
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
        let (page_and_fragment, problem) = match target {
            Target::Missing(path) => {
                let hint = index
                    .neighbours
                    .suggest(&path)
                    .map(|close| format!("did you mean `{close}`?"));
                let message = format!("link to `{}`, which does not exist", link.dest);
                (
                    None,
                    Some(error(CheckCode::BrokenLink, span.clone(), message).with_hint_opt(hint)),
                )
            }
            Target::MissingMapped(path) => {
                let message = format!(
                    "link to `{}`, which would be `{path}` here, and that does not exist",
                    link.dest
                );
                let hint = index
                    .neighbours
                    .suggest(&path)
                    .map_or_else(
                        || "`site-paths` in [preprocessor.privdoc.links] maps the link's prefix to that folder".to_owned(),
                        |close| format!("did you mean `{close}`?"),
                    );
                (
                    None,
                    Some(error(CheckCode::BrokenLink, span.clone(), message).with_hint(hint)),
                )
            }
            Target::Miscased {
                actual,
                page: target,
                fragment,
            } => {
                let fixed = respell(&link.dest, actual);
                let message = format!(
                    "link to `{}` differs in letter case from `{actual}`",
                    link.dest
                );
                let hint = format!(
                    "write `{fixed}`: GitHub and Linux match letter case, so the link breaks there"
                );
                let finding = Diagnostic::warning(
                    Code::Check(CheckCode::CaseMismatch),
                    span.clone(),
                    message,
                )
                .with_label("linked here")
                .with_hint(hint);
                (target.map(|page| (page, fragment)), Some(finding))
            }
            Target::Page(target, fragment) => (Some((target, fragment)), None),
            Target::Asset | Target::Unchecked => (None, None),
        };
        found.extend(problem);
        if let Some((target, Some(fragment))) = page_and_fragment {
            found.extend(anchor(
                &pages[target].path,
                &facts[target],
                fragment,
                index,
                span,
            ));
        }
    }
    (found, counts)
}

/// A `broken-anchor` finding when `fragment` is not an anchor of the page at `path`.
fn anchor(
    path: &str,
    facts: &Facts,
    fragment: &str,
    index: &Index<'_>,
    span: crate::diag::Span,
) -> Option<Diagnostic> {
    let fragment = decoded(fragment);
    let anchors = &facts.anchors;
    let known = anchors.contains(fragment.as_ref())
        || index.layout_ids.contains(fragment.as_ref())
        || anchors.iter().any(|a| a.eq_ignore_ascii_case(&fragment));
    if known {
        return None;
    }
    let hint = did_you_mean(&fragment, anchors.iter().map(String::as_str)).map_or_else(
        || format!("`{path}` has no heading, `{{#id}}` or HTML id `{fragment}`"),
        |close| format!("did you mean `#{close}`?"),
    );
    let message = format!("`#{fragment}` is not an anchor of `{path}`");
    Some(error(CheckCode::BrokenAnchor, span, message).with_hint(hint))
}

fn error(code: CheckCode, span: crate::diag::Span, message: String) -> Diagnostic {
    Diagnostic::error(Code::Check(code), span, message).with_label("linked here")
}

impl<'a> Index<'a> {
    /// Indexes `paths` by directory and by file name.
    pub(super) fn new(
        paths: impl Iterator<Item = &'a str>,
        assets: &'a FastSet<String>,
        layout_ids: &'a FastSet<String>,
    ) -> Self {
        let mut pages = FastMap::default();
        let mut neighbours = Neighbours::default();
        let mut dirs = FastSet::default();
        let mut folded = FastMap::default();
        for (at, path) in paths.enumerate() {
            pages.insert(path, at);
            neighbours.add(path);
            dirs.extend(ancestors(path));
            folded
                .entry(path.to_lowercase())
                .or_insert((path, Some(at)));
        }
        let mut sorted_assets: Vec<&'a String> = assets.iter().collect();
        sorted_assets.sort_unstable();
        for asset in sorted_assets {
            dirs.extend(ancestors(asset));
            folded
                .entry(asset.to_lowercase())
                .or_insert((asset.as_str(), None));
        }
        let mut sorted_dirs: Vec<&'a str> = dirs.iter().copied().collect();
        sorted_dirs.sort_unstable();
        let mut folded_dirs = FastMap::default();
        for dir in sorted_dirs {
            folded_dirs.entry(dir.to_lowercase()).or_insert(dir);
        }
        neighbours.sort();
        Self {
            pages,
            neighbours,
            assets,
            dirs,
            folded,
            folded_dirs,
            layout_ids,
            site_paths: &[],
            site_url: None,
        }
    }

    /// The page or file at `path` in other letter case.
    fn find_folded(&self, path: &str) -> Option<(&'a str, Option<usize>)> {
        self.folded.get(&path.to_lowercase()).copied()
    }

    /// The content path a site-absolute link is served from, by `site-paths`: the link's
    /// path (query and fragment already cut) with its prefix replaced by the prefix's
    /// folder, lower case. `None` when no prefix maps it.
    fn site_path(&self, path: &str) -> Option<String> {
        let path = match self.site_url {
            Some(url)
                if path.len() > url.len()
                    && path.is_char_boundary(url.len())
                    && path[..url.len()].eq_ignore_ascii_case(url) =>
            {
                &path[url.len()..]
            }
            _ => path,
        };
        if !path.starts_with('/') || path.starts_with("//") {
            return None;
        }
        let lower = decoded(path).to_lowercase();
        let with_slash = format!("{lower}/");
        let mapping = self
            .site_paths
            .iter()
            .find(|m| lower.starts_with(&m.prefix) || with_slash == m.prefix)?;
        let rest = lower.get(mapping.prefix.len()..).unwrap_or("");
        // A path that climbs above the content directory is not this site's to check.
        join(mapping.folder.trim_end_matches('/'), rest).map(|joined| joined.to_lowercase())
    }

    /// `path` (in lower case) with its deepest existing folder spelled as the content
    /// directory spells it: what a mistyped site path is shown as and compared with.
    fn actual_case(&self, path: &str) -> String {
        let deepest = ancestors(path)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .find_map(|dir| Some((dir.len(), *self.folded_dirs.get(dir)?)));
        match deepest {
            Some((len, actual)) => format!("{actual}{}", &path[len..]),
            None => path.to_owned(),
        }
    }
}

/// Where `dest`, written on the page at `from`, leads.
fn resolve<'d, 'a>(
    from: &str,
    dest: &'d str,
    this_page: usize,
    index: &Index<'a>,
) -> Target<'d, 'a> {
    if let Some(fragment) = dest.strip_prefix('#') {
        return Target::Page(this_page, Some(fragment).filter(|f| !f.is_empty()));
    }
    let (rest, fragment) = dest.split_once('#').map_or((dest, None), |(p, f)| {
        (p, Some(f).filter(|f| !f.is_empty()))
    });
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if let Some(mapped) = index.site_path(path) {
        return resolve_site_path(&mapped, fragment, index);
    }
    // `~/a.md` is relative to the content directory (DocFX's convention).
    let rooted = path.strip_prefix("~/");
    if rooted.is_none() && !is_relative(dest) {
        return Target::Unchecked;
    }
    let path = rooted.unwrap_or(path);
    if path.is_empty() {
        return Target::Page(this_page, fragment);
    }
    let path = decoded(path);
    let base = if rooted.is_some() {
        ""
    } else {
        from.rsplit_once('/').map_or("", |(dir, _)| dir)
    };
    let Some(joined) = join(base, &path) else {
        return Target::Unchecked; // above the content directory: not this site's to check
    };
    let stem = stem(&joined);
    // Written into one buffer in turn: nearly every link names its page at the first.
    let mut candidate = String::with_capacity(stem.len() + "/README.md".len());
    for ending in PAGE_ENDINGS {
        candidate.clear();
        candidate.push_str(stem);
        candidate.push_str(ending);
        if let Some(&page) = index.pages.get(candidate.as_str()) {
            return Target::Page(page, fragment);
        }
    }
    if index.assets.contains(joined.as_str())
        || (joined.ends_with('/') || !joined.contains('.')) && index.dirs.contains(stem)
    {
        return Target::Asset;
    }
    let folded = page_candidates(&joined)
        .iter()
        .chain(std::iter::once(&joined))
        .find_map(|candidate| index.find_folded(candidate))
        .or_else(|| {
            let dir = index.folded_dirs.get(&stem.to_lowercase())?;
            (joined.ends_with('/') || !joined.contains('.')).then_some((*dir, None))
        });
    match folded {
        Some((actual, page)) => Target::Miscased {
            actual,
            page,
            fragment,
        },
        None => Target::Missing(joined),
    }
}

/// Where a site-absolute link mapped to `path` leads: matched without regard to case, as
/// the web server does.
fn resolve_site_path<'d, 'a>(
    path: &str,
    fragment: Option<&'d str>,
    index: &Index<'a>,
) -> Target<'d, 'a> {
    let stem = stem(path);
    let mut candidates = page_candidates(path);
    candidates.extend([
        path.to_owned(),
        format!("{stem}.yml"),
        format!("{stem}/index.yml"),
    ]);
    for candidate in &candidates {
        if let Some((_, found)) = index.find_folded(candidate) {
            return match found {
                Some(page) => Target::Page(page, fragment),
                None => Target::Asset,
            };
        }
    }
    if index.folded_dirs.contains_key(stem) {
        return Target::Asset;
    }
    Target::MissingMapped(index.actual_case(&format!("{stem}.md")))
}

/// `a/b.md`, `a/b.html`, `a/b` and `a/b/` without their extension and trailing slash.
fn stem(joined: &str) -> &str {
    joined
        .strip_suffix(".md")
        .or_else(|| joined.strip_suffix(".html"))
        .unwrap_or(joined)
        .trim_end_matches('/')
}

/// What follows a link's [`stem`] in the pages it may mean, in order: `a/b.md`,
/// `a/b/index.md`, `a/b/README.md`.
const PAGE_ENDINGS: [&str; 3] = [".md", "/index.md", "/README.md"];

/// The pages a link to `joined` may mean, by [`PAGE_ENDINGS`].
fn page_candidates(joined: &str) -> Vec<String> {
    let stem = stem(joined);
    PAGE_ENDINGS
        .iter()
        .map(|ending| format!("{stem}{ending}"))
        .collect()
}

/// `dest` respelled in the letter case of `actual`, the file it means: each folder and the
/// file name written in the link take the spelling of the path's matching part, from the
/// end; `.`, `..`, the query and the fragment stay as written.
fn respell(dest: &str, actual: &str) -> String {
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, tail) = dest.split_at(end);
    let mut actual_parts: Vec<&str> = actual.split('/').collect();
    // A link to a folder means its index page: the link names the folder, not the file.
    if let Some(last) = actual_parts.last()
        && (last.eq_ignore_ascii_case("index.md") || last.eq_ignore_ascii_case("readme.md"))
        && !path
            .trim_end_matches('/')
            .to_lowercase()
            .ends_with(&last.to_lowercase())
    {
        actual_parts.pop();
    }
    let mut parts: Vec<String> = path.split('/').map(str::to_owned).collect();
    let mut actual_parts = actual_parts.into_iter().rev();
    for part in parts.iter_mut().rev() {
        if part.is_empty() && actual_parts.len() == 0 {
            break;
        }
        if part.is_empty() {
            continue; // the trailing slash of a folder link
        }
        if part == "." || part == ".." || part == "~" {
            break;
        }
        let Some(real) = actual_parts.next() else {
            break;
        };
        *part = match_case(part, real);
    }
    let mut fixed = parts.join("/");
    fixed.push_str(tail);
    fixed
}

/// `written` in the letter case of `real`, which it names, extension or not.
fn match_case(written: &str, real: &str) -> String {
    if written.eq_ignore_ascii_case(real) {
        return real.to_owned();
    }
    // `get-item` for `Get-Item.md`, `get-item.html` for `Get-Item.md`.
    let real_stem = real.rsplit_once('.').map_or(real, |(stem, _)| stem);
    if written.len() >= real_stem.len()
        && written.is_char_boundary(real_stem.len())
        && written[..real_stem.len()].eq_ignore_ascii_case(real_stem)
    {
        return format!("{real_stem}{}", &written[real_stem.len()..]);
    }
    written.to_owned()
}

/// The directories `path` is in: `a/b/c.md` is in `a/b` and `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(|(at, _)| &path[..at])
}

/// `dir` + `path` with `.` and `..` resolved; `None` when it climbs above the root.
fn join(dir: &str, path: &str) -> Option<String> {
    // The folder's parts, then the path's, joined by `/` as they come: in the path, `..`
    // cuts the last part off.
    let mut joined = String::with_capacity(dir.len() + path.len() + 1);
    let push = |joined: &mut String, part| {
        if !joined.is_empty() {
            joined.push('/');
        }
        joined.push_str(part);
    };
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        push(&mut joined, part);
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if joined.is_empty() => return None,
            ".." => joined.truncate(joined.rfind('/').unwrap_or(0)),
            part => push(&mut joined, part),
        }
    }
    if path.ends_with('/') {
        joined.push('/');
    }
    Some(joined)
}

/// `text` percent-decoded (invalid UTF-8 replaced), borrowed when it has no `%`, as
/// nearly every link has not.
fn decoded(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('%') {
        percent_decode_str(text).decode_utf8_lossy()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The join of a folder and a relative path as a list of their parts defines it.
    fn join_by_parts(dir: &str, path: &str) -> Option<String> {
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
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
        if path.ends_with('/') {
            joined.push('/');
        }
        Some(joined)
    }

    proptest::proptest! {
        #[test]
        fn joins_agree_with_the_parts(dir in "[a./]{0,8}", path in "[a./]{0,10}") {
            proptest::prop_assert_eq!(join(&dir, &path), join_by_parts(&dir, &path));
        }

        #[test]
        fn decoding_agrees_with_percent_encoding(text in "[a%2Fé0-9]{0,12}") {
            let expected = percent_decode_str(&text).decode_utf8_lossy();
            proptest::prop_assert_eq!(decoded(&text), expected);
        }
    }

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
    fn rooted_links_resolve_from_the_content_directory() {
        let paths = ["guide/setup.md", "faq.md"];
        let (assets, ids) = (FastSet::default(), FastSet::default());
        let index = Index::new(paths.into_iter(), &assets, &ids);
        let target = |dest| match resolve("guide/setup.md", dest, 0, &index) {
            Target::Page(page, fragment) => format!("{page} {fragment:?}"),
            Target::Missing(path) => format!("missing {path}"),
            Target::Unchecked => "unchecked".to_owned(),
            _ => "other".to_owned(),
        };
        assert_eq!(target("~/faq.md?view=x#top"), "1 Some(\"top\")");
        assert_eq!(target("~/guide/setup"), "0 None");
        assert_eq!(target("~/setup.md"), "missing setup.md");
        assert_eq!(target("faq.md"), "missing guide/faq.md");
        assert_eq!(target("/faq.md"), "unchecked");
    }

    #[test]
    fn a_mistyped_link_in_a_large_directory_finds_the_page_it_meant() {
        let mut paths: Vec<String> = (0..1000)
            .map(|i| format!("services/service-{i:04}-portal.md"))
            .collect();
        paths.push("sources/device-health.md".to_owned());
        paths.push("archive/retention.md".to_owned());
        let (assets, ids) = (FastSet::default(), FastSet::default());
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

//! `link-target-mismatch`: a link to one declared source's page (`url` or `privacy-url`)
//! in text about another declared source — the model page's "for more information on
//! Microsoft 365 Apps" sentence that links to Defender's privacy page.
//!
//! A link to source S is reported when its text names another source and not S; a link to
//! S's privacy page also when the rest of its sentence names another source and not S, or
//! when its subsection's heading names another source and neither the heading nor the
//! sentence names S.

use std::collections::{BTreeMap, HashMap};

use super::page::{Facts, Link};
use super::text;
use crate::diag::{CheckCode, Code, Diagnostic};
use crate::model::{Model, Source};
use crate::render::RenderedPage;

/// A declared source as the check recognizes it in text and in links.
pub(super) struct Known<'a> {
    source: &'a Source,
    /// Normalized ways prose names it: its name, and its name without "Microsoft ".
    names: Vec<String>,
}

/// The declared sources by the links that lead to their pages.
pub(super) struct Targets<'a> {
    sources: Vec<Known<'a>>,
    /// Normalized URL → (source number, whether it is the privacy page).
    by_url: BTreeMap<String, Vec<(usize, bool)>>,
    /// A name from its first word to its last (what a text must hold at a word to name a
    /// source) → the sources so named. Finding the names in a text then costs its words
    /// times the longest name's words — not the number of sources, however many share a
    /// first word ("Microsoft …").
    by_name: HashMap<String, Vec<usize>>,
    /// The most words a name has.
    longest: usize,
    /// A source's whole normalized name → the first source of that name.
    by_full_name: HashMap<String, usize>,
    site_host: Option<String>,
}

impl<'a> Targets<'a> {
    /// Indexes the sources of `model`; `site_url` makes `https://that-host/x` equal `/x`.
    pub(super) fn new(model: &'a Model, site_url: Option<&str>) -> Self {
        let site_host = site_url.map(|url| url.trim_end_matches('/').to_lowercase());
        let mut targets = Self {
            sources: Vec::new(),
            by_url: BTreeMap::new(),
            by_name: HashMap::new(),
            longest: 0,
            by_full_name: HashMap::new(),
            site_host,
        };
        for (index, source) in model.sources.iter().enumerate() {
            let name = text::normalize(&source.name);
            targets.by_full_name.entry(name.clone()).or_insert(index);
            let mut names = vec![name.clone()];
            if let Some(short) = name.strip_prefix("microsoft ").filter(|s| s.len() >= 4) {
                names.push(short.to_owned());
            }
            for name in &names {
                let words: Vec<&str> = text::words(name).collect();
                let (Some(first), Some(last)) = (words.first(), words.last()) else {
                    continue;
                };
                let core = &name[offset(name, first)..offset(name, last) + last.len()];
                targets.longest = targets.longest.max(words.len());
                let sources = targets.by_name.entry(core.to_owned()).or_default();
                if sources.last() != Some(&index) {
                    sources.push(index);
                }
            }
            targets.sources.push(Known { source, names });
            let url = targets.normalize_url(&source.url);
            targets.by_url.entry(url).or_default().push((index, false));
            if let Some(privacy) = &source.privacy_url {
                let url = targets.normalize_url(privacy);
                targets.by_url.entry(url).or_default().push((index, true));
            }
        }
        targets
    }

    /// A URL as compared: lowercase, without the site's host, query, locale or trailing
    /// slash. The fragment is kept: a declared `…/privacystatement#storage` is a section of a
    /// page others link to as a whole.
    fn normalize_url(&self, url: &str) -> String {
        let mut url = url.trim().to_lowercase();
        if let Some(host) = &self.site_host
            && let Some(path) = url.strip_prefix(host.as_str())
        {
            url = path.to_owned();
        }
        let (path, fragment) = url
            .split_once('#')
            .map_or((url.as_str(), ""), |(p, f)| (p, f));
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let path = path
            .strip_prefix("/en-us")
            .filter(|p| p.starts_with('/'))
            .unwrap_or(path);
        let path = path.trim_end_matches('/');
        if fragment.is_empty() {
            path.to_owned()
        } else {
            format!("{path}#{fragment}")
        }
    }

    /// The sources a link to `dest` leads to: by the exact section first, then the page.
    fn lookup(&self, dest: &str) -> Option<&[(usize, bool)]> {
        let url = self.normalize_url(dest);
        let page = url.split_once('#').map_or(url.as_str(), |(page, _)| page);
        self.by_url
            .get(&url)
            .or_else(|| self.by_url.get(page))
            .map(Vec::as_slice)
    }

    /// The sources that `text` (normalized) names: from each word, the runs of up to the
    /// longest name's words are looked up whole, so the cost is the words of the text, not
    /// the number of sources nor a search of the whole text per source.
    fn named_in(&self, text: &str) -> Vec<usize> {
        let words: Vec<(usize, usize)> = text::words(text)
            .map(|word| (offset(text, word), offset(text, word) + word.len()))
            .collect();
        let mut named = Vec::new();
        for (i, &(start, _)) in words.iter().enumerate() {
            for &(_, end) in words[i..].iter().take(self.longest) {
                let Some(sources) = self.by_name.get(&text[start..end]) else {
                    continue;
                };
                named.extend(sources.iter().copied().filter(|&source| {
                    self.sources[source]
                        .names
                        .iter()
                        .any(|name| named_at(text, start, name))
                }));
            }
        }
        named.sort_unstable();
        named.dedup();
        named
    }
}

/// Whether `text` has `name`, whose first word is at byte `at` of `text`, as whole words.
fn named_at(text: &str, at: usize, name: &str) -> bool {
    let lead = text::words(name)
        .next()
        .map_or(0, |first| offset(name, first));
    let Some(start) = at.checked_sub(lead) else {
        return false;
    };
    text.get(start..).is_some_and(|rest| rest.starts_with(name))
        && !text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        && !text[start + name.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

/// The byte offset of `part`, a slice of `whole` (as `text::words` yields), in `whole`.
fn offset(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// Checks the links of `page`.
pub(super) fn check(page: &RenderedPage, facts: &Facts, targets: &Targets<'_>) -> Vec<Diagnostic> {
    if targets.sources.is_empty() {
        return Vec::new();
    }
    // The page's own subject (a service that is also a source) is not "another source".
    let subject = page.subject.as_deref().map(text::normalize);
    let subject = subject.and_then(|name| targets.by_full_name.get(&name).copied());
    facts
        .links
        .iter()
        .filter_map(|link| {
            let hits = targets.lookup(&link.dest)?;
            let about = about_other(link, facts, hits, subject, targets)?;
            let (linked, privacy) = hits[0];
            let linked = targets.sources[linked].source;
            let other = targets.sources[about.0].source;
            let page_kind = if privacy { "privacy page" } else { "page" };
            let span = page.origins.locate(link.at.clone(), page.file);
            let hint = match (&other.privacy_url, privacy) {
                (Some(url), true) => format!(
                    "the privacy page of {} is `{url}` (its `privacy-url`)",
                    other.name
                ),
                _ => format!("the page of {} is `{}` (its `url`)", other.name, other.url),
            };
            Some(
                Diagnostic::error(
                    Code::Check(CheckCode::LinkTargetMismatch),
                    span,
                    format!(
                        "link to the {page_kind} of {} in {} about {}",
                        linked.name, about.1, other.name
                    ),
                )
                .with_label(format!("leads to {}", linked.name))
                .with_hint(hint),
            )
        })
        .collect()
}

/// The other source this link's surroundings are about, and which surrounding says so.
fn about_other(
    link: &Link,
    facts: &Facts,
    hits: &[(usize, bool)],
    subject: Option<usize>,
    targets: &Targets<'_>,
) -> Option<(usize, &'static str)> {
    let linked = |named: &[usize]| named.iter().any(|n| hits.iter().any(|(h, _)| h == n));
    let other = |named: &[usize]| {
        named
            .iter()
            .copied()
            .find(|n| Some(*n) != subject && !hits.iter().any(|(h, _)| h == n))
    };
    let link_text = text::normalize(&link.text);
    let in_text = targets.named_in(&link_text);
    if !linked(&in_text)
        && let Some(other) = other(&in_text)
    {
        return Some((other, "link text"));
    }
    if !hits.iter().any(|(_, privacy)| *privacy) {
        return None;
    }
    let sentence = link
        .sentence
        .map(|s| text::normalize(facts.sentence_text(s)))
        .unwrap_or_default();
    let rest = sentence.replacen(&link_text, " ", 1);
    let in_sentence = targets.named_in(&rest);
    if !linked(&in_sentence)
        && let Some(other) = other(&in_sentence)
    {
        return Some((other, "a sentence"));
    }
    let heading = link
        .section
        .map(|h| text::normalize(&facts.headings[h].text))
        .unwrap_or_default();
    let in_heading = targets.named_in(&heading);
    if !linked(&in_heading)
        && !linked(&in_sentence)
        && let Some(other) = other(&in_heading)
    {
        return Some((other, "a subsection"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::named_at;

    #[test]
    fn a_name_counts_only_as_whole_words_at_its_first_word() {
        let text = "data from contoso mail and contoso mailbox reach the desk";
        assert!(named_at(text, 10, "contoso mail"));
        assert!(!named_at(text, 27, "contoso mail"), "contoso mailbox");
        assert!(!named_at(text, 0, "contoso mail"));
        assert!(named_at("see the (new) portal", 9, "(new) portal"));
        assert!(!named_at("new portal", 0, "(new) portal"));
    }
}

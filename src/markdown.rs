//! The one pulldown-cmark configuration and the one heading-slug function. Rendering and
//! every check go through here, so the checker can never disagree with the renderer about
//! what a page's anchors are.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::hash::FastMap;

/// `CommonMark` plus tables, footnotes, strikethrough and heading attributes (`{#id}`).
#[must_use]
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The id of a heading with `text`, by GitHub's rule (which mdBook and Learn follow):
/// lowercase, letters, digits, `-` and `_` kept, spaces to `-`, everything else dropped.
#[must_use]
pub(crate) fn slug(text: &str) -> String {
    let text = text.trim();
    if text.is_ascii() {
        // Most headings: a byte each, looked up, without decoding characters.
        let mut id = String::with_capacity(text.len());
        let kept = text.bytes().map(|b| ASCII_SLUG[usize::from(b)]);
        id.extend(kept.filter(|&b| b != 0).map(char::from));
        return id;
    }
    // Sized once; ASCII letters are lowered without a case table.
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' ' => id.push('-'),
            '-' | '_' => id.push(c),
            c if c.is_ascii_alphanumeric() => id.push(c.to_ascii_lowercase()),
            c if c.is_alphanumeric() => id.extend(c.to_lowercase()),
            _ => {}
        }
    }
    id
}

/// What [`slug`] makes of each ASCII character: itself lowered, `-` for a space, or 0
/// where it is dropped.
const ASCII_SLUG: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        table[b as usize] = match b {
            b' ' => b'-',
            b'-' | b'_' | b'a'..=b'z' | b'0'..=b'9' => b,
            b'A'..=b'Z' => b.to_ascii_lowercase(),
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Hands out heading ids for one page: a repeated slug gets `-1`, `-2`, … as on GitHub.
#[derive(Debug, Default)]
pub(crate) struct Slugger {
    seen: FastMap<String, usize>,
}

impl Slugger {
    /// The id for a heading whose text slugs to `base`: `base` itself the first time.
    pub(crate) fn unique(&mut self, base: String) -> String {
        let Some(count) = self.seen.get_mut(&base) else {
            self.seen.insert(base.clone(), 1);
            return base;
        };
        let id = format!("{base}-{count}");
        *count += 1;
        self.seen.entry(id.clone()).or_insert(1);
        id
    }

    /// Records an explicit `{#id}` so a later heading with the same slug is suffixed.
    pub(crate) fn claim(&mut self, id: &str) {
        *self.seen.entry(id.to_owned()).or_insert(0) += 1;
    }
}

/// A heading of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    /// 1 for `#`, 2 for `##`, …
    pub level: u8,
    /// Its id, explicit or from the slugger.
    pub id: String,
    /// Whether the id was written (`{#id}`) rather than made from the text.
    pub explicit: bool,
    /// Its text.
    pub text: String,
    /// Where the heading is in the Markdown.
    pub range: Range<usize>,
}

/// A page rendered to HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rendered {
    /// The HTML body.
    pub html: String,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
}

/// A page parsed once: its events with their byte ranges, and its headings with their
/// ids.
pub(crate) struct Document<'a> {
    /// Events and the ranges of the Markdown they come from, as the parser made them: a
    /// heading's event has its id only when one is written (`{#id}`).
    pub events: Vec<(Event<'a>, Range<usize>)>,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// The parser's link reference definitions (`[label]: dest`) by [`label_key`], for
    /// locating them.
    pub definitions: FastMap<String, Range<usize>>,
}

/// A reference label as `CommonMark` matches it: case-folded, white space collapsed. One
/// key per label makes finding a definition one lookup, however many a page has.
#[must_use]
pub(crate) fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl<'a> Document<'a> {
    /// Parses `markdown` with the one configuration and gives every heading its id.
    #[must_use]
    pub(crate) fn parse(markdown: &'a str) -> Self {
        let parser = Parser::new_ext(markdown, options()).into_offset_iter();
        let definitions = parser
            .reference_definitions()
            .iter()
            .map(|(label, definition)| (label_key(label), definition.span.clone()))
            .collect();
        let mut slugger = Slugger::default();
        let mut headings = Vec::new();
        // Sized for an event per 12 bytes: pages run 17 to 27 bytes an event, so the list
        // is allocated once, not grown (and copied) a dozen times.
        let mut events: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(markdown.len() / 12);
        let mut open_heading: Option<usize> = None;
        for (event, range) in parser {
            match &event {
                Event::Start(Tag::Heading { .. }) => open_heading = Some(events.len()),
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(start) = open_heading.take() {
                        headings.push(assign_id(&events, start, &mut slugger));
                    }
                }
                _ => {}
            }
            events.push((event, range));
        }
        Self {
            events,
            headings,
            definitions,
        }
    }
}

/// Renders Markdown to HTML with heading ids, passing every link and image destination
/// through `rewrite` (which returns `None` to keep it), under the one HTML policy: links
/// and images whose URL [`is_published`] refuses lose their URL (the text stays), and raw
/// HTML is sanitized (see [`sanitize`]). `text` is given every text a reader sees (the
/// search index's words), from the same parse. `heading_end` gives the markup that ends a
/// heading, before its closing tag (a section's anchor), or `None`; it is the renderer's
/// own markup, so it is never sanitized.
pub(crate) fn to_html<'a>(
    document: &Document<'a>,
    rewrite: impl Fn(&str) -> Option<String>,
    mut text: impl FnMut(&str),
    heading_end: impl Fn(&Heading) -> Option<String>,
) -> Rendered {
    for (event, _) in &document.events {
        if let Event::Text(t) | Event::Code(t) = event {
            text(t);
        }
    }
    let raw_html = document
        .events
        .iter()
        .any(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    let rewritten = |dest: CowStr<'a>| -> CowStr<'a> { rewrite(&dest).map_or(dest, CowStr::from) };
    // Links do not nest, but images sit inside links: one flag per open link or image.
    let mut dropped: Vec<bool> = Vec::new();
    let mut ids = document.headings.iter().map(|heading| heading.id.as_str());
    // The events are the parse's, shared with the checks: copied, which for text
    // borrowed from the Markdown is a copy of its span; a heading's with its id; a link's
    // or an image's with its destination rewritten, or left out with its end when it is
    // not published.
    let events = document.events.iter().filter_map(|(event, _)| match event {
        Event::Start(tag @ Tag::Heading { .. }) => {
            let mut tag = tag.clone();
            if let Tag::Heading { id, .. } = &mut tag {
                *id = ids.next().map(CowStr::Borrowed);
            }
            Some(Event::Start(tag))
        }
        Event::Start(tag @ (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })) => {
            opens(&mut dropped, dest_url).then(|| {
                let mut tag = tag.clone();
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
                    *dest_url = rewritten(std::mem::replace(dest_url, CowStr::Borrowed("")));
                }
                Event::Start(tag)
            })
        }
        Event::End(TagEnd::Link | TagEnd::Image) if dropped.pop().unwrap_or(false) => None,
        event => Some(event.clone()),
    });
    let markdown_len = document.events.last().map_or(0, |(_, range)| range.end);
    let mut html = String::with_capacity(markdown_len * 3 / 2);
    if raw_html {
        pulldown_cmark::html::push_html(&mut html, events);
        html = with_heading_ends(&sanitize(&html), &document.headings, heading_end);
    } else {
        // Each heading's end goes in as the heading is written: the headings are the
        // parse's, in order, one per heading start.
        let events = WithHeadingEnds {
            events,
            headings: document.headings.iter(),
            heading_end,
            end: None,
            held: None,
        };
        pulldown_cmark::html::push_html(&mut html, events);
    }
    Rendered {
        html,
        headings: document.headings.clone(),
    }
}

/// Whether a link or an image to `dest_url` is written, noted in `dropped` for its end.
fn opens(dropped: &mut Vec<bool>, dest_url: &str) -> bool {
    let drop = !is_published(dest_url);
    dropped.push(drop);
    !drop
}

/// `events` with what `heading_end` gives each of `headings` (theirs, in order) as raw HTML
/// before the heading's end.
struct WithHeadingEnds<'h, 'a, I, F> {
    events: I,
    headings: std::slice::Iter<'h, Heading>,
    heading_end: F,
    /// The markup for the end of the heading being written.
    end: Option<String>,
    /// The end of a heading, held back while its markup goes first.
    held: Option<Event<'a>>,
}

impl<'a, I, F> Iterator for WithHeadingEnds<'_, 'a, I, F>
where
    I: Iterator<Item = Event<'a>>,
    F: Fn(&Heading) -> Option<String>,
{
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(held) = self.held.take() {
            return Some(held);
        }
        let event = self.events.next()?;
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                self.end = self.headings.next().and_then(&self.heading_end);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(end) = self.end.take() {
                    self.held = Some(event);
                    return Some(Event::InlineHtml(end.into()));
                }
            }
            _ => {}
        }
        Some(event)
    }
}

/// Sanitized `html` with what `heading_end` gives each heading put before the heading's
/// closing tag, found after the heading's opening tag as the sanitizer writes it.
fn with_heading_ends(
    html: &str,
    headings: &[Heading],
    heading_end: impl Fn(&Heading) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(html.len() + headings.len() * 80);
    let mut at = 0;
    for heading in headings {
        let Some(markup) = heading_end(heading) else {
            continue;
        };
        let open = format!("<h{} id=\"{}\"", heading.level, escape_html(&heading.id));
        let close = format!("</h{}>", heading.level);
        let Some(start) = html[at..].find(&open).map(|found| at + found) else {
            continue;
        };
        let Some(end) = html[start..].find(&close).map(|found| start + found) else {
            continue;
        };
        out.push_str(&html[at..end]);
        out.push_str(&markup);
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

/// Text for HTML or XML character data and double-quoted attributes (`&`, `<`, `>`, `"`):
/// the one escaping of the HTML privdoc writes itself (the data-flow picture, heading
/// anchors, the Atom feed).
#[must_use]
pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The URL schemes the HTML links to; anything else (`javascript:`, `data:`, `file:`,
/// `xref:` …) is published as plain text. URLs without a scheme (relative, site-absolute,
/// fragments) are always published.
pub(crate) const PUBLISHED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The scheme of `dest` (`javascript` for `JavaScript:alert(1)`), lowercased, if it has one.
#[must_use]
pub(crate) fn scheme(dest: &str) -> Option<String> {
    // Browsers ignore leading spaces and control characters, and tabs or newlines inside
    // the scheme (`java\tscript:`): compare what a browser would see.
    let seen = || {
        dest.trim_start_matches(|c: char| c.is_ascii_control() || c == ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
    };
    // A letter, then letters, digits, `+`, `-` or `.` up to the colon; a `/`, `?` or `#`
    // before it ends a relative path. Checked before anything is copied: most links have
    // no scheme.
    let mut length = 0;
    let mut chars = seen();
    loop {
        match chars.next()? {
            ':' if length > 0 => break,
            c if c.is_ascii_alphabetic() => {}
            c if length > 0 && (c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) => {}
            _ => return None,
        }
        length += 1;
    }
    Some(
        seen()
            .take(length)
            .map(|c| c.to_ascii_lowercase())
            .collect(),
    )
}

/// Whether the HTML may link to `dest`: no scheme, or one of [`PUBLISHED_SCHEMES`].
#[must_use]
pub(crate) fn is_published(dest: &str) -> bool {
    scheme(dest).is_none_or(|scheme| PUBLISHED_SCHEMES.contains(&scheme.as_str()))
}

/// Whether `dest` runs code or reads local files when followed: a finding, not just a
/// link left out of the HTML.
#[must_use]
pub(crate) fn is_dangerous(dest: &str) -> bool {
    scheme(dest).is_some_and(|s| matches!(s.as_str(), "javascript" | "vbscript" | "data" | "file"))
}

/// Raw HTML in prose, as published: ammonia's safe tags (no `script`, `style`, `iframe`,
/// `form`, `svg` or `math`) and attributes (no event handlers, no `style` but a table
/// cell's `text-align`), plus the ids, names and classes that anchors and the renderer's
/// own markup need; URLs limited to [`PUBLISHED_SCHEMES`] and relative ones; comments
/// dropped. Only pages that contain raw HTML pay for it.
#[must_use]
pub(crate) fn sanitize(html: &str) -> String {
    static POLICY: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    let policy = POLICY.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .link_rel(None)
            .url_schemes(PUBLISHED_SCHEMES.into_iter().collect())
            .add_generic_attributes(["id", "class"])
            .add_tag_attributes("a", ["name", "id"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .filter_style_properties(["text-align"].into_iter().collect());
        builder
    });
    policy.clean(html).to_string()
}

/// The heading that starts at `events[start]`, with its id: the explicit `{#id}` or the
/// slug of its text.
fn assign_id(events: &[(Event<'_>, Range<usize>)], start: usize, slugger: &mut Slugger) -> Heading {
    let text = plain_text(events[start + 1..].iter().map(|(event, _)| event));
    let (event, range) = &events[start];
    let Event::Start(Tag::Heading { level, id, .. }) = event else {
        unreachable!("`start` was recorded at a heading start");
    };
    let explicit = id.is_some();
    // The event keeps the id as written, if any: the renderer writes the heading's.
    let assigned = if let Some(explicit) = id {
        slugger.claim(explicit);
        explicit.to_string()
    } else {
        slugger.unique(slug(&text))
    };
    Heading {
        level: heading_level(*level),
        id: assigned,
        explicit,
        text,
        range: range.clone(),
    }
}

/// The text of inline events, as a reader sees it.
#[must_use]
pub(crate) fn plain_text<'e, 'a: 'e>(events: impl IntoIterator<Item = &'e Event<'a>>) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Whether `dest` is a link privdoc resolves itself: no scheme, not site-absolute, not a
/// same-page fragment (`guide/faq.md#top`, `../sources/x.md`).
#[must_use]
pub(crate) fn is_relative(dest: &str) -> bool {
    !(dest.is_empty()
        || dest.starts_with('/')
        || dest.starts_with('#')
        || dest.starts_with('@')
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        }))
}

/// `faq.md#top` → `faq.html#top`: relative links to Markdown pages point at their HTML.
#[must_use]
pub(crate) fn md_link_to_html(dest: &str) -> Option<String> {
    if !is_relative(dest) {
        return None;
    }
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    let path = dest[..end].strip_suffix(".md")?;
    let mut html = String::with_capacity(dest.len() + 2);
    html.push_str(path);
    html.push_str(".html");
    html.push_str(&dest[end..]);
    Some(html)
}

/// The values of `id` and `name` attributes in a piece of raw HTML: the anchors it
/// defines besides headings (`<a name='top'></a>`).
#[must_use]
pub(crate) fn html_anchor_ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let bytes = html.as_bytes();
    for attribute in ["id", "name"] {
        let mut from = 0;
        while let Some(found) = html[from..].find(attribute) {
            let at = from + found;
            from = at + attribute.len();
            let preceded = at > 0 && bytes[at - 1].is_ascii_whitespace();
            let rest = html[from..].trim_start();
            if !preceded || !rest.starts_with('=') {
                continue;
            }
            let value = rest[1..].trim_start();
            let parsed = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..].split(quote).next(),
                Some(_) => value.split(|c: char| c.is_whitespace() || c == '>').next(),
                None => None,
            };
            if let Some(id) = parsed.filter(|id| !id.is_empty()) {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_and_names_in_raw_html() {
        assert_eq!(
            html_anchor_ids("<a name='top'></a><div id=\"main\" class=x>"),
            ["main", "top"]
        );
        assert_eq!(
            html_anchor_ids("<p data-id=\"x\" hidden>"),
            Vec::<String>::new()
        );
        assert_eq!(html_anchor_ids("<span id=bare>"), ["bare"]);
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(
            slug("Microsoft Managed Desktop data sources and purpose"),
            "microsoft-managed-desktop-data-sources-and-purpose"
        );
        assert_eq!(
            slug("Azure Active Directory - Where is your data?"),
            "azure-active-directory---where-is-your-data"
        );
        assert_eq!(
            slug("Microsoft 365 Apps's data"),
            "microsoft-365-appss-data"
        );
        assert_eq!(slug("Überblick & Daten_satz"), "überblick--daten_satz");
    }

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        assert_eq!(scheme("HTTPS://example.com").as_deref(), Some("https"));
        assert_eq!(
            scheme(" \u{1}java\tscript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(
            scheme("mailto:privacy@example.com").as_deref(),
            Some("mailto")
        );
        assert_eq!(scheme("a+b.c-d:x").as_deref(), Some("a+b.c-d"));
        for relative in [
            "a/b:c.md",
            "page.md#x:y",
            "?q=a:b",
            "1http:x",
            ":x",
            "héllo:x",
            "page.md",
        ] {
            assert_eq!(scheme(relative), None, "{relative}");
        }
    }

    /// [`scheme`] as a copy of what a browser sees, split at its first colon: the
    /// reference the scan without a copy must agree with.
    fn scheme_of_a_copy(dest: &str) -> Option<String> {
        let seen: String = dest
            .trim_start_matches(|c: char| c.is_ascii_control() || c == ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .take_while(|&c| c != '/' && c != '?' && c != '#')
            .collect();
        let (scheme, _) = seen.split_once(':')?;
        let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        valid.then(|| scheme.to_ascii_lowercase())
    }

    proptest::proptest! {
        #[test]
        fn schemes_agree_with_a_split_copy(dest in "[ \t\n\r\x01aZ1+.:/?#é-]{0,12}") {
            proptest::prop_assert_eq!(scheme(&dest), scheme_of_a_copy(&dest));
        }

        #[test]
        fn slugs_agree_with_a_character_at_a_time_lowering(text in "[ -~\t\n\u{c9}\u{df}\u{130}\u{3a3}]{0,40}") {
            // The rule as written before the slug was sized once: each kept character
            // lowered through its full case mapping.
            let expected: String = text
                .trim()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    '-' | '_' => Some(c),
                    c if c.is_alphanumeric() => Some(c),
                    _ => None,
                })
                .flat_map(char::to_lowercase)
                .collect();
            proptest::prop_assert_eq!(slug(&text), expected);
        }
    }

    /// Markup for the end of each heading of level 2 or more, naming its id.
    fn marked(heading: &Heading) -> Option<String> {
        (heading.level >= 2).then(|| format!(" <a href=\"#{}\">#</a>", escape_html(&heading.id)))
    }

    #[test]
    fn heading_ends_go_where_a_search_of_the_written_headings_puts_them() {
        for markdown in [
            "# Title\n\n## Data\n\nText.\n\n### Kept *here* `x`\n\n## Data\n",
            "## Other {#data-1}\n\n## Data {#data-1 .wide}\n\n##\n\n#### [Link](a.md) deep\n",
            "> ## Quoted\n\n- ## In a list\n\n```\n<h2 id=\"code\">not a heading</h2>\n```\n",
            "Setext\n------\n\n## Ampersand {#a&b}\n\n## Quote {#say-\"hi\"}\n\n## Less {#a<b}\n",
        ] {
            let document = Document::parse(markdown);
            let plain = to_html(&document, |_| None, |_| {}, |_| None);
            let searched = with_heading_ends(&plain.html, &plain.headings, marked);
            let written = to_html(&document, |_| None, |_| {}, marked);
            assert_eq!(written.html, searched, "{markdown}");
            assert_eq!(
                written.html.matches(" <a href=").count(),
                written.headings.iter().filter(|h| h.level >= 2).count(),
                "{}",
                written.html
            );
        }
        // An id with `'`, which the writer escapes and a search for the id would miss.
        let written = to_html(
            &Document::parse("## It {#it's}\n"),
            |_| None,
            |_| {},
            marked,
        );
        assert_eq!(
            written.html,
            "<h2 id=\"it&#39;s\">It <a href=\"#it's\">#</a></h2>\n"
        );
    }

    #[test]
    fn on_a_page_with_raw_html_heading_ends_are_put_in_after_sanitizing() {
        let markdown = "## Data\n\n<p onclick=\"x()\">Raw</p>\n\n## More <em>raw</em>\n";
        let page = to_html(&Document::parse(markdown), |_| None, |_| {}, marked);
        assert_eq!(
            page.html,
            "<h2 id=\"data\">Data <a href=\"#data\">#</a></h2>\n<p>Raw</p>\n\
             <h2 id=\"more-raw\">More <em>raw</em> <a href=\"#more-raw\">#</a></h2>\n"
        );
    }

    #[test]
    fn duplicate_headings_are_suffixed_and_explicit_ids_kept() {
        let page = to_html(
            &Document::parse("# Intro\n\n## Data\n\n## Data\n\n## Other {#data-1}\n\n## Data\n"),
            |_| None,
            |_| {},
            |_| None,
        );
        let ids: Vec<_> = page.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["intro", "data", "data-1", "data-1", "data-2"]);
        assert!(
            page.html.contains("<h2 id=\"data-2\">Data</h2>"),
            "{}",
            page.html
        );
        // The parse keeps the ids as written; the HTML has every heading's, in order.
        let written: Vec<&str> = page
            .html
            .split(" id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(written, ids);
    }

    #[test]
    fn relative_markdown_links_become_html() {
        assert_eq!(
            md_link_to_html("faq.md#top").as_deref(),
            Some("faq.html#top")
        );
        assert_eq!(
            md_link_to_html("../sources/x.md?v=1").as_deref(),
            Some("../sources/x.html?v=1")
        );
        assert_eq!(md_link_to_html("/windows/x.md"), None);
        assert_eq!(md_link_to_html("https://example.test/a.md"), None);
        assert_eq!(md_link_to_html("image.png"), None);
        let page = to_html(
            &Document::parse("[FAQ](faq.md#top)"),
            md_link_to_html,
            |_| {},
            |_| None,
        );
        assert!(page.html.contains("href=\"faq.html#top\""));
    }
}

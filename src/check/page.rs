//! What the checks need to know about one rendered page, gathered in one walk over its
//! events: links (and where to report them), anchors, headings, and the text of each block
//! and sentence with its position in the page's Markdown.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::text;
use crate::hash::FastSet;
use crate::markdown::{Document, Heading, html_anchor_ids};

/// A link or image.
#[derive(Debug)]
pub(super) struct Link {
    /// The destination as written (after reference resolution).
    pub dest: String,
    /// Where to report it: the destination, or the reference definition that holds it.
    pub at: Range<usize>,
    /// The link text.
    pub text: String,
    /// The sentence it sits in, if any.
    pub sentence: Option<usize>,
    /// The heading it sits under, if any.
    pub section: Option<usize>,
}

/// A paragraph, list item or table cell: text a reader sees as one unit. Its text and
/// pieces sit in the page's [`Facts`], one after another with every other block's, so a
/// page's text takes two growing lists rather than two per block.
#[derive(Debug)]
pub(super) struct Block {
    /// Its text, markup reduced to text: a range of [`Facts::text`].
    text: Range<usize>,
    /// Its pieces: a range of [`Facts::pieces`].
    pieces: Range<usize>,
    /// A table cell: data, whose values repeat from row to row, not prose.
    pub cell: bool,
}

/// The Markdown offset of `at` in a block's text, from the block's `pieces`.
fn source_offset(pieces: &[(usize, usize)], at: usize) -> usize {
    let index = pieces
        .partition_point(|(start, _)| *start <= at)
        .saturating_sub(1);
    pieces
        .get(index)
        .map_or(0, |(start, source)| source + (at - start))
}

/// A sentence of a block.
#[derive(Debug)]
pub(super) struct Sentence {
    /// The block it belongs to.
    pub block: usize,
    /// Its range in the block's text.
    pub range: Range<usize>,
}

/// The facts of one page.
#[derive(Debug, Default)]
pub(super) struct Facts {
    pub links: Vec<Link>,
    pub anchors: FastSet<String>,
    pub headings: Vec<Heading>,
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
    /// The text of every block, in order.
    text: String,
    /// `(offset in its block's text, offset in the Markdown)` at each piece of text of
    /// every block, in order, to map back.
    pieces: Vec<(usize, usize)>,
}

impl Facts {
    /// Gathers the facts of `markdown`, whose body starts at `body_start` and parses as
    /// `document`, whose headings it takes.
    pub(super) fn gather(markdown: &str, body_start: usize, mut document: Document<'_>) -> Self {
        // Markup reduced to text is never longer than the Markdown it came from: the
        // page's text is written into room taken once.
        let mut walk = Walk {
            text: String::with_capacity(markdown.len() - body_start),
            ..Walk::default()
        };
        for (event, range) in &document.events {
            walk.event(
                event,
                range.start + body_start..range.end + body_start,
                markdown,
                &document,
                body_start,
            );
        }
        walk.flush();
        let mut headings = std::mem::take(&mut document.headings);
        for heading in &mut headings {
            heading.range = heading.range.start + body_start..heading.range.end + body_start;
        }
        let mut facts = Facts {
            anchors: headings.iter().map(|h| h.id.clone()).collect(),
            headings,
            links: Vec::new(),
            blocks: walk.blocks,
            sentences: Vec::new(),
            text: walk.text,
            pieces: walk.pieces,
        };
        facts.anchors.extend(walk.html_ids);
        let mut bounds = Vec::new();
        for (index, block) in facts.blocks.iter().enumerate() {
            text::sentences(&facts.text[block.text.clone()], &mut bounds);
            let sentences = bounds.drain(..).map(|range| Sentence {
                block: index,
                range,
            });
            facts.sentences.extend(sentences);
        }
        facts.links = walk
            .links
            .into_iter()
            .map(|(link, block, offset_in_block)| {
                // Sentences are in order of block and position, headings in order of
                // position: both are found by binary search, not by a scan per link.
                let sentence = block.and_then(|b| {
                    let at = facts
                        .sentences
                        .partition_point(|s| (s.block, s.range.end) < (b, offset_in_block));
                    facts
                        .sentences
                        .get(at)
                        .is_some_and(|s| s.block == b && s.range.start <= offset_in_block)
                        .then_some(at)
                });
                let section = facts
                    .headings
                    .partition_point(|h| h.range.start < link.at.start)
                    .checked_sub(1);
                Link {
                    sentence,
                    section,
                    ..link
                }
            })
            .collect();
        facts
    }

    /// Drops the page's text, keeping what other pages' checks read: its links and anchors.
    pub(super) fn keep_links_and_anchors(&mut self) {
        self.blocks = Vec::new();
        self.sentences = Vec::new();
        self.headings = Vec::new();
        self.text = String::new();
        self.pieces = Vec::new();
        // Links are kept for where they lead; their text and place in the prose served
        // this page's own checks. Kept until every page is done: without what they
        // reserved to grow.
        for link in &mut self.links {
            link.text = String::new();
            link.sentence = None;
            link.section = None;
        }
        self.links.shrink_to_fit();
        self.anchors.shrink_to_fit();
    }

    /// The Markdown range of sentence `index`: from where its first byte was written to
    /// just after its last, markup in between included.
    pub(super) fn sentence_range(&self, index: usize) -> Range<usize> {
        let sentence = &self.sentences[index];
        let pieces = &self.pieces[self.blocks[sentence.block].pieces.clone()];
        let range = &sentence.range;
        let start = source_offset(pieces, range.start);
        let end = if range.is_empty() {
            start
        } else {
            source_offset(pieces, range.end - 1) + 1
        };
        start..end.max(start)
    }

    /// The length of the text of every block.
    pub(super) fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The text of sentence `index`.
    pub(super) fn sentence_text(&self, index: usize) -> &str {
        let sentence = &self.sentences[index];
        &self.text[self.blocks[sentence.block].text.clone()][sentence.range.clone()]
    }

    /// The text of block `index`.
    #[cfg(test)]
    fn block_text(&self, index: usize) -> &str {
        &self.text[self.blocks[index].text.clone()]
    }
}

/// A link whose text is still being read.
struct OpenLink {
    dest: String,
    at: Range<usize>,
    text: String,
    block: Option<usize>,
    offset: usize,
}

#[derive(Default)]
struct Walk {
    blocks: Vec<Block>,
    /// The block being written: its text and pieces run to the ends of `text` and `pieces`.
    current: Option<Block>,
    text: String,
    pieces: Vec<(usize, usize)>,
    /// Inside a heading or code block: text that is not prose.
    skip_depth: usize,
    open_link: Option<OpenLink>,
    links: Vec<(Link, Option<usize>, usize)>,
    html_ids: Vec<String>,
    /// Inside a table cell.
    in_cell: bool,
}

impl Walk {
    fn event(
        &mut self,
        event: &Event<'_>,
        range: Range<usize>,
        markdown: &str,
        document: &Document<'_>,
        body_start: usize,
    ) {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_)) => {
                self.flush();
                self.skip_depth += 1;
            }
            Event::End(TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                self.skip_depth = self.skip_depth.saturating_sub(1);
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Item
                | Tag::TableCell
                | Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::FootnoteDefinition(_),
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition,
            ) => {
                self.flush();
                self.in_cell = matches!(event, Event::Start(Tag::TableCell));
            }
            Event::Start(
                Tag::Link {
                    link_type,
                    dest_url,
                    id,
                    ..
                }
                | Tag::Image {
                    link_type,
                    dest_url,
                    id,
                    ..
                },
            ) => {
                let at = report_range(
                    *link_type, dest_url, id, &range, markdown, document, body_start,
                );
                let block = self.current_block_index();
                let offset = self
                    .current
                    .as_ref()
                    .map_or(0, |b| self.text.len() - b.text.start);
                self.open_link = Some(OpenLink {
                    dest: dest_url.to_string(),
                    at,
                    text: String::new(),
                    block,
                    offset,
                });
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(open) = self.open_link.take() {
                    let link = Link {
                        dest: open.dest,
                        at: open.at,
                        text: open.text,
                        sentence: None,
                        section: None,
                    };
                    self.links.push((link, open.block, open.offset));
                }
            }
            Event::Text(text) | Event::Code(text) => self.text(text, range.start),
            Event::SoftBreak | Event::HardBreak => self.text(" ", range.start),
            Event::Html(html) | Event::InlineHtml(html) => {
                self.html_ids.extend(html_anchor_ids(html));
            }
            _ => {}
        }
    }

    fn current_block_index(&mut self) -> Option<usize> {
        if self.skip_depth > 0 {
            return None;
        }
        self.open_block();
        Some(self.blocks.len())
    }

    /// The block being written, started here if there is none.
    fn open_block(&mut self) -> &mut Block {
        let (text, pieces, cell) = (self.text.len(), self.pieces.len(), self.in_cell);
        self.current.get_or_insert(Block {
            text: text..text,
            pieces: pieces..pieces,
            cell,
        })
    }

    fn text(&mut self, text: &str, source: usize) {
        if let Some(open) = &mut self.open_link {
            open.text.push_str(text);
        }
        if self.skip_depth > 0 {
            return;
        }
        let start = self.open_block().text.start;
        self.pieces.push((self.text.len() - start, source));
        self.text.push_str(text);
    }

    fn flush(&mut self) {
        let Some(mut block) = self.current.take() else {
            return;
        };
        if self.text[block.text.start..].trim().is_empty() {
            self.text.truncate(block.text.start);
            self.pieces.truncate(block.pieces.start);
        } else {
            block.text.end = self.text.len();
            block.pieces.end = self.pieces.len();
            self.blocks.push(block);
        }
    }
}

/// Where a finding about a link belongs: its destination in an inline link, or the
/// reference definition (`[label]: dest`) the writer must edit.
fn report_range(
    link_type: LinkType,
    dest: &str,
    label: &str,
    range: &Range<usize>,
    markdown: &str,
    document: &Document<'_>,
    body_start: usize,
) -> Range<usize> {
    if matches!(
        link_type,
        LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
    ) {
        let definition = document.definitions.get(&crate::markdown::label_key(label));
        if let Some(span) = definition {
            let span = span.start + body_start..span.end + body_start;
            return find_within(markdown, span, dest);
        }
    }
    find_within(markdown, range.clone(), dest)
}

/// The range of the last `needle` inside `range` of `text`, or `range` when it is not
/// there as written. A link's source is short: each place is tried in turn, which costs
/// less than `rfind`'s two-way searcher, built anew for every link.
fn find_within(text: &str, range: Range<usize>, needle: &str) -> Range<usize> {
    let found = text.get(range.clone()).and_then(|slice| {
        let needle = needle.as_bytes();
        if needle.is_empty() {
            return None;
        }
        slice
            .as_bytes()
            .windows(needle.len())
            .rposition(|place| place == needle)
    });
    match found {
        Some(at) => range.start + at..range.start + at + needle.len(),
        None => range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_know_their_sentence_section_and_definition() {
        let markdown = "---\ntitle: x\n---\n# Top\n\n## Part\n\nFirst sentence here. See [the docs][docs] now.\n\n[docs]: other.md#x\n";
        let facts = Facts::gather(markdown, 16, Document::parse(&markdown[16..]));
        let link = &facts.links[0];
        assert_eq!(link.dest, "other.md#x");
        assert_eq!(&markdown[link.at.clone()], "other.md#x");
        assert_eq!(
            markdown[link.at.start - 8..].lines().next(),
            Some("[docs]: other.md#x")
        );
        assert_eq!(
            facts.sentence_text(link.sentence.unwrap()),
            "See the docs now."
        );
        assert_eq!(facts.headings[link.section.unwrap()].text, "Part");
        let sentence = facts.sentence_range(link.sentence.unwrap());
        assert!(markdown[sentence].starts_with("See ["));
        assert!(facts.anchors.contains("part"));
    }

    proptest::proptest! {
        /// Trying each place finds what `rfind` finds: the last whole match, if any.
        #[test]
        fn find_within_finds_the_last_match_as_rfind_does(
            text in "[ab\u{e9}()\\[\\]]{0,16}",
            needle in "[ab\u{e9}]{0,3}",
            start in 0usize..18,
            len in 0usize..18,
        ) {
            let range = start..start + len;
            let expected = match text.get(range.clone()).and_then(|slice| slice.rfind(&*needle)) {
                Some(at) if !needle.is_empty() => range.start + at..range.start + at + needle.len(),
                _ => range.clone(),
            };
            proptest::prop_assert_eq!(find_within(&text, range, &needle), expected);
        }
    }

    #[test]
    fn code_is_not_prose_and_has_no_links() {
        let markdown = "Text `[not](a.md)` here.\n\n```\n[no](b.md)\n```\n";
        let facts = Facts::gather(markdown, 0, Document::parse(markdown));
        assert!(facts.links.is_empty());
        assert_eq!(facts.blocks.len(), 1);
        assert_eq!(facts.block_text(0), "Text [not](a.md) here.");
    }
}

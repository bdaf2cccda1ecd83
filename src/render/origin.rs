//! Where each byte of a generated page came from, so a finding in generated output points
//! at the line the writer must edit: the TOML value or `.md` line that held the prose, or
//! the template line that wrote the text.
//!
//! While a page renders, prose is wrapped in tags made of Unicode noncharacters (U+FDD0 …
//! U+FDD3, which Unicode reserves for a program's internal use) and every literal line of
//! a template starts with a line tag. [`unmark`] strips the tags and records where each
//! piece starts in the clean text.

use std::fmt::Write;

use crate::diag::{FileId, Span};

const OPEN: char = '\u{FDD0}';
const SEP: char = '\u{FDD1}';
const CLOSE: char = '\u{FDD2}';
const LINE: char = '\u{FDD3}';
/// Every character tags are made of.
const TAGS: [char; 4] = [OPEN, SEP, CLOSE, LINE];

/// Whether `text` holds any character tags are made of. Each is written starting with the
/// byte 0xEF, which most pages never hold: one `memchr` for it decides most pages, and a
/// search per tag character (by its last byte, with `memchr`) the rest. A search for any
/// of the four at once would decode every character.
pub(super) fn holds_tags(text: &str) -> bool {
    text.as_bytes().contains(&0xEF) && TAGS.into_iter().any(|tag| text.contains(tag))
}

/// Whether `text` starts with a character tags are made of.
pub(super) fn starts_with_tag(text: &str) -> bool {
    text.starts_with(TAGS)
}

/// A place in a source file that a piece of output was copied or written from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Anchor {
    /// The file.
    pub file: FileId,
    /// The byte offset of the piece's first byte in the file.
    pub offset: usize,
    /// Whether the piece is a verbatim copy, so offsets inside it map one to one.
    pub exact: bool,
    /// Whether the piece is a declared value shown as data (a use's legal basis, its data
    /// categories), not prose: like a table cell, it repeats by nature.
    pub data: bool,
}

/// Output offsets → source places, for one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginMap {
    /// `(output offset, anchor)`, sorted; each applies up to the next.
    entries: Vec<(usize, Anchor)>,
}

impl OriginMap {
    /// Identity: the output is the file from `offset` on.
    #[must_use]
    pub fn verbatim(file: FileId, offset: usize) -> Self {
        Self {
            entries: vec![(
                0,
                Anchor {
                    file,
                    offset,
                    exact: true,
                    data: false,
                },
            )],
        }
    }

    /// A hand-written page published as written: its front matter and its body, each a
    /// verbatim piece of `file`, as the general path records them.
    #[must_use]
    pub fn as_written(file: FileId, body_start: usize) -> Self {
        let piece = |offset| Anchor {
            file,
            offset,
            exact: true,
            data: false,
        };
        let mut entries = vec![(0, piece(0))];
        if body_start > 0 {
            entries.push((body_start, piece(body_start)));
        }
        Self { entries }
    }

    /// The source place of output byte `at`.
    #[must_use]
    pub fn anchor(&self, at: usize) -> Option<(Anchor, usize)> {
        let index = self
            .entries
            .partition_point(|(start, _)| *start <= at)
            .checked_sub(1)?;
        let (start, anchor) = self.entries[index];
        Some((anchor, at - start))
    }

    /// The span to report for output bytes `range`: inside the piece its start came from
    /// (a range that runs on into the next piece, say a heading whose underline came from
    /// another include, is cut where its first piece ends).
    #[must_use]
    pub fn locate(&self, range: std::ops::Range<usize>, fallback: FileId) -> Span {
        match self.anchor(range.start) {
            Some((anchor, delta)) if anchor.exact => {
                let start = anchor.offset + delta;
                let next = self.entries.partition_point(|(at, _)| *at <= range.start);
                let piece_end = self.entries.get(next).map_or(usize::MAX, |(at, _)| *at);
                let end = if range.end <= piece_end {
                    range.end
                } else {
                    self.contiguous_end(next - 1, range.end)
                };
                Span::new(anchor.file, start..start + (end - range.start))
            }
            Some((anchor, _)) => Span::new(anchor.file, anchor.offset..anchor.offset),
            None => Span::file_start(fallback),
        }
    }

    /// How far output from piece `index` on, up to `end`, continues one stretch of its
    /// source file: pieces that follow each other there as they do in the output.
    fn contiguous_end(&self, mut index: usize, end: usize) -> usize {
        loop {
            let (start, anchor) = self.entries[index];
            let Some(&(next_start, next)) = self.entries.get(index + 1) else {
                return end;
            };
            let follows = next.exact
                && next.file == anchor.file
                && next.offset == anchor.offset + (next_start - start);
            if next_start >= end || !follows {
                return end.min(next_start);
            }
            index += 1;
        }
    }

    /// Where output `range` was written, as a comparable key: the source place of the piece
    /// that contributes most of it. Two ranges with the same key were written once, in one
    /// place (a snippet, a TOML value, a template line), and shown twice.
    #[must_use]
    pub fn source_key(&self, range: std::ops::Range<usize>) -> Option<(FileId, usize)> {
        self.dominant(range)
            .map(|(anchor, offset)| (anchor.file, offset))
    }

    /// Whether most of output `range` is declared data rather than prose.
    #[must_use]
    pub fn is_data(&self, range: std::ops::Range<usize>) -> bool {
        self.dominant(range).is_some_and(|(anchor, _)| anchor.data)
    }

    /// The piece that contributes most of `range`, and the source offset of its part.
    fn dominant(&self, range: std::ops::Range<usize>) -> Option<(Anchor, usize)> {
        let first = self
            .entries
            .partition_point(|(start, _)| *start <= range.start)
            .checked_sub(1)?;
        let mut best: Option<(usize, (Anchor, usize))> = None;
        for (index, &(start, anchor)) in self.entries.iter().enumerate().skip(first) {
            if start >= range.end && index > first {
                break;
            }
            let end = self
                .entries
                .get(index + 1)
                .map_or(usize::MAX, |(next, _)| *next);
            let overlap_start = start.max(range.start);
            let overlap = end.min(range.end).saturating_sub(overlap_start);
            let offset = if anchor.exact {
                anchor.offset + (overlap_start - start)
            } else {
                anchor.offset
            };
            if best.is_none_or(|(most, _)| overlap > most) {
                best = Some((overlap, (anchor, offset)));
            }
        }
        best.map(|(_, key)| key)
    }
}

/// Hands out tags for one page being rendered.
#[derive(Debug, Default)]
pub(super) struct Marks {
    anchors: Vec<Anchor>,
}

impl Marks {
    /// `text`, tagged as coming from `anchor`.
    pub(super) fn wrap(&mut self, anchor: Anchor, text: &str) -> String {
        let id = self.anchors.len();
        self.anchors.push(anchor);
        let mut out = String::with_capacity(text.len() + 8);
        write!(out, "{OPEN}{id}{SEP}").expect("writing to a String cannot fail");
        // A noncharacter in the input would be read as a tag: it has no meaning in text.
        out.extend(text.chars().map(|c| if is_tag(c) { '\u{FFFD}' } else { c }));
        out.push(CLOSE);
        out
    }
}

fn is_tag(c: char) -> bool {
    matches!(c, OPEN | SEP | CLOSE | LINE)
}

/// A template's source with a line tag at the start of every line that is literal text
/// (not inside a tag, and not a line that starts with a `{%` or `{!` tag). Rendered, each
/// piece of output follows the tag of the template line that wrote it. Also returns where
/// the tags went (annotated offset, length), to map error positions back.
#[must_use]
pub(super) fn annotate_template(source: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(source.len() * 2);
    let mut inserted = Vec::new();
    let mut open: Option<&str> = None;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let starts_with_tag = {
            let trimmed = line.trim_start();
            trimmed.starts_with("{%") || trimmed.starts_with("{!")
        };
        if open.is_none() && !starts_with_tag && !line.trim().is_empty() {
            let before = out.len();
            write!(out, "{LINE}{offset}{SEP}").expect("writing to a String cannot fail");
            inserted.push((before, out.len() - before));
        }
        open = track_delimiters(line, open);
        out.push_str(line);
        offset += line.len();
    }
    (out, inserted)
}

/// The offset in the original template of `at` in its annotated form.
#[must_use]
pub(super) fn original_offset(at: usize, inserted: &[(usize, usize)]) -> usize {
    let shift: usize = inserted
        .iter()
        .take_while(|(pos, _)| *pos < at)
        .map(|&(pos, len)| len.min(at - pos))
        .sum();
    at - shift
}

/// `line` without its tags: what a reader will see of it.
#[must_use]
pub(super) fn visible(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.chars().any(is_tag) {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            OPEN | LINE => in_tag = true,
            SEP => in_tag = false,
            CLOSE => {}
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.into()
}

/// Only the tags of `line`, which must be kept when the line is dropped.
#[must_use]
pub(super) fn tags_of(line: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            OPEN | LINE => {
                in_tag = true;
                out.push(c);
            }
            SEP => {
                in_tag = false;
                out.push(c);
            }
            CLOSE => out.push(c),
            c if in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Which tag is still open at the end of `line`, given the one open at its start.
fn track_delimiters<'a>(line: &str, mut open: Option<&'a str>) -> Option<&'a str> {
    let mut rest = line;
    loop {
        if let Some(close) = open {
            // Still open at the end of the line: the tag spans lines.
            let Some(at) = rest.find(close) else {
                return open;
            };
            rest = &rest[at + close.len()..];
            open = None;
        } else {
            let next = ["{{", "{%", "{!"]
                .into_iter()
                .filter_map(|o| rest.find(o).map(|at| (at, o)))
                .min();
            let (at, opener) = next?;
            rest = &rest[at + 2..];
            open = Some(match opener {
                "{{" => "}}",
                "{%" => "%}",
                _ => "!}",
            });
        }
    }
}

/// Strips the tags from rendered `text`. Returns the clean text and its origin map; output
/// before any tag comes from `template` (the template file) at its start.
#[must_use]
pub(super) fn unmark(text: &str, marks: &Marks, template: Option<FileId>) -> (String, OriginMap) {
    let mut clean = String::with_capacity(text.len());
    let mut entries: Vec<(usize, Anchor)> = Vec::new();
    let mut stack: Vec<Anchor> = Vec::new();
    let mut line_anchor = template.map(|file| Anchor {
        file,
        offset: 0,
        exact: false,
        data: false,
    });
    let push = |entries: &mut Vec<(usize, Anchor)>, at: usize, anchor: Anchor| {
        if entries.last().is_some_and(|(start, _)| *start == at) {
            entries.pop();
        }
        entries.push((at, anchor));
    };
    if let Some(anchor) = line_anchor {
        push(&mut entries, 0, anchor);
    }
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            OPEN | LINE => {
                let mut number = 0usize;
                while let Some((_, digit)) = chars.next_if(|(_, d)| d.is_ascii_digit()) {
                    number = number * 10 + digit.to_digit(10).map_or(0, |d| d as usize);
                }
                chars.next_if(|(_, s)| *s == SEP);
                if c == LINE {
                    if let Some(file) = template {
                        line_anchor = Some(Anchor {
                            file,
                            offset: number,
                            exact: false,
                            data: false,
                        });
                        if stack.is_empty() {
                            push(&mut entries, clean.len(), line_anchor.expect("just set"));
                        }
                    }
                } else if let Some(&anchor) = marks.anchors.get(number) {
                    stack.push(anchor);
                    push(&mut entries, clean.len(), anchor);
                }
            }
            CLOSE => {
                if stack.pop().is_none() {
                    continue;
                }
                // Back in the enclosing piece (whose bytes no longer line up: inexact), or
                // in the template line.
                let resume = match stack.last() {
                    Some(&outer) => Anchor {
                        exact: false,
                        ..outer
                    },
                    None => match line_anchor {
                        Some(line) => line,
                        None => continue,
                    },
                };
                push(&mut entries, clean.len(), resume);
            }
            SEP => {}
            c => clean.push(c),
        }
    }
    (clean, OriginMap { entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceMap;

    #[test]
    fn tags_are_found_and_other_characters_of_their_first_byte_are_not() {
        for tag in TAGS {
            // What `holds_tags` looks for first.
            assert_eq!(tag.to_string().as_bytes()[0], 0xEF, "{tag:?}");
            assert!(holds_tags(&format!("text {tag} text")), "{tag:?}");
        }
        // U+FEFF, U+FF01 and U+FDCF also start with the byte 0xEF.
        for text in [
            "",
            "plain text",
            "\u{feff}bom \u{ff01} \u{fdcf}",
            "\u{fdd4}",
        ] {
            assert!(!holds_tags(text), "{text:?}");
        }
    }

    fn files() -> (FileId, FileId) {
        let mut map = SourceMap::default();
        (
            map.add("a.toml".into(), "".into()),
            map.add("t.md".into(), "".into()),
        )
    }

    #[test]
    fn prose_maps_exactly_and_template_text_to_its_line() {
        let (toml, template) = files();
        let source = "# Title\n\n{{ summary }}\nFixed line.\n";
        let (annotated, inserted) = annotate_template(source);
        let fixed_in_annotated = annotated.find("Fixed").unwrap();
        assert_eq!(
            original_offset(fixed_in_annotated, &inserted),
            source.find("Fixed").unwrap()
        );
        let mut marks = Marks::default();
        let summary = marks.wrap(
            Anchor {
                file: toml,
                offset: 100,
                exact: true,
                data: false,
            },
            "Hello world.",
        );
        let rendered = annotated.replace("{{ summary }}", &summary);
        let (clean, map) = unmark(&rendered, &marks, Some(template));
        assert_eq!(clean, "# Title\n\nHello world.\nFixed line.\n");
        assert_eq!(map.locate(0..1, template), Span::new(template, 0..0));
        let world = clean.find("world").unwrap();
        assert_eq!(
            map.locate(world..world + 5, template),
            Span::new(toml, 106..111)
        );
        let fixed = clean.find("Fixed").unwrap();
        assert_eq!(
            map.locate(fixed..fixed + 5, template),
            Span::new(template, 23..23)
        );
    }

    #[test]
    fn tags_are_not_put_inside_template_tags() {
        let source = "{% if x %}\nA {{ y\n}} b\nC\n{! note\nstill note !}\nD\n";
        let (annotated, _) = annotate_template(source);
        let lines: Vec<_> = annotated.lines().map(|l| l.starts_with(LINE)).collect();
        assert_eq!(lines, [false, true, false, true, false, false, true]);
    }

    #[test]
    fn nested_pieces_resume_the_outer_offset() {
        let (toml, snippet) = files();
        let mut marks = Marks::default();
        let inner = marks.wrap(
            Anchor {
                file: snippet,
                offset: 0,
                exact: true,
                data: false,
            },
            "SNIP",
        );
        let before = marks.wrap(
            Anchor {
                file: toml,
                offset: 10,
                exact: true,
                data: false,
            },
            "ab ",
        );
        let after = marks.wrap(
            Anchor {
                file: toml,
                offset: 30,
                exact: true,
                data: false,
            },
            " cd",
        );
        let (clean, map) = unmark(&format!("{before}{inner}{after}"), &marks, None);
        assert_eq!(clean, "ab SNIP cd");
        assert_eq!(map.locate(4..5, toml), Span::new(snippet, 1..2));
        assert_eq!(map.locate(8..9, toml), Span::new(toml, 31..32));
        assert_eq!(map.source_key(3..7), Some((snippet, 0)));
        // "P SNIP" is mostly snippet; "ab " alone is the TOML value at its place.
        assert_eq!(map.source_key(2..7), Some((snippet, 0)));
        assert_eq!(map.source_key(1..3), Some((toml, 11)));
        // A range that runs from the snippet on into the TOML value is cut where the
        // snippet's piece ends: four bytes of the snippet, not six past its end.
        assert_eq!(map.locate(3..9, toml), Span::new(snippet, 0..4));
        // One that crosses pieces contiguous in their file keeps its length.
        let mut marks = Marks::default();
        let piece = |offset| Anchor {
            file: toml,
            offset,
            exact: true,
            data: false,
        };
        let (first, second) = (marks.wrap(piece(10), "ab "), marks.wrap(piece(13), "cd"));
        let (_, map) = unmark(&format!("{first}{second}"), &marks, None);
        assert_eq!(map.locate(1..5, toml), Span::new(toml, 11..15));
    }
}

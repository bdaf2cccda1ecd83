//! YAML front matter of hand-written pages: found between `---` lines at the top of the
//! file and parsed with serde-saphyr, its errors located in the page.

use std::ops::Range;

use crate::de::Ordered;
use crate::diag::{CheckCode, Code, Diagnostic, FileId, SourceFile, Span};
use crate::model::{FrontMatter, MetaValue};

/// Splits a page into its front matter (the YAML between the `---` lines) and the byte
/// offset where the Markdown body starts. Pages without front matter start at 0.
#[must_use]
pub(crate) fn split(text: &str) -> Option<(Range<usize>, usize)> {
    let first = text.strip_prefix('\u{feff}').unwrap_or(text);
    let after_open = first
        .strip_prefix("---\n")
        .or_else(|| first.strip_prefix("---\r\n"))?;
    let yaml_start = text.len() - after_open.len();
    let mut at = yaml_start;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((yaml_start..at, at + line.len()));
        }
        at += line.len();
    }
    None
}

/// Parses the front matter of `file`, reporting YAML errors at their line.
pub(super) fn parse(
    file: FileId,
    source: &SourceFile,
    range: Range<usize>,
) -> Result<FrontMatter, Diagnostic> {
    let yaml = &source.text()[range.clone()];
    if yaml.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_saphyr::from_str::<Ordered<MetaValue>>(yaml)
        .map(|entries| entries.0)
        .map_err(|error| {
            let offset = error.location().map_or(range.start, |location| {
                let (line, column) = (location.line(), location.column());
                offset_of(yaml, line, column) + range.start
            });
            let message = error.without_snippet().to_string();
            let message = message.lines().next().unwrap_or("invalid YAML");
            // The parser counts lines from the start of the YAML block; the span says where.
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(message)
                .to_owned();
            Diagnostic::error(
                Code::Check(CheckCode::FrontMatter),
                Span::new(file, offset..offset),
                format!("invalid front matter: {message}"),
            )
            .with_hint("front matter is YAML: `key: value` lines between two `---` lines")
        })
}

/// Where each of `entries`' keys is written in the YAML at `yaml` of `text`: the range of
/// the key on the first line that sets it at the top level.
pub(super) fn key_ranges(
    text: &str,
    yaml: Range<usize>,
    entries: &FrontMatter,
) -> std::collections::BTreeMap<String, Range<usize>> {
    let mut found = std::collections::BTreeMap::new();
    let mut offset = yaml.start;
    for line in text[yaml].split_inclusive('\n') {
        if let Some((key, _)) = entries.iter().find(|(key, _)| {
            line.strip_prefix(key.as_str())
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        }) {
            found
                .entry(key.clone())
                .or_insert(offset..offset + key.len());
        }
        offset += line.len();
    }
    found
}

/// The byte offset of 1-based `line` and `column` in `text`.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let skip = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    let line_start: usize = text.split_inclusive('\n').take(skip).map(str::len).sum();
    let column = usize::try_from(column.saturating_sub(1)).unwrap_or(0);
    let rest = &text[line_start..];
    line_start
        + rest
            .char_indices()
            .nth(column)
            .map_or(rest.len(), |(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let text = "---\ntitle: x\n---\n# Body\n";
        let (yaml, body) = split(text).unwrap();
        assert_eq!(&text[yaml], "title: x\n");
        assert_eq!(&text[body..], "# Body\n");
        assert_eq!(split("# No front matter\n"), None);
        assert_eq!(split("---\nunclosed: yes\n"), None);
    }

    #[test]
    fn finds_offsets_by_line_and_column() {
        assert_eq!(offset_of("ab\ncd\n", 2, 2), 4);
        assert_eq!(offset_of("ab\n", 1, 1), 0);
    }
}

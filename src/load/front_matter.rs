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
pub(crate) fn parse(
    file: FileId,
    source: &SourceFile,
    range: Range<usize>,
) -> Result<FrontMatter, Diagnostic> {
    let yaml = &source.text()[range.clone()];
    if yaml.trim().is_empty() {
        return Ok(Vec::new());
    }
    if let Some(entries) = plain(yaml) {
        return Ok(entries);
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

/// Front matter of `key: value` lines only, each value a plain scalar that YAML can only
/// read as that very text — what most repositories' pages hold (Learn's `ms.date:
/// 01/18/2026`, `title: Get-Item`) — read without the YAML parser, which took a tenth of
/// a check of such a repository. Anything else (`None`) goes to the parser: quotes,
/// lists, comments, empty values, repeated keys, and every value YAML could read as a
/// number, a boolean, null or a date. The property test below holds the two to each other.
fn plain(yaml: &str) -> Option<FrontMatter> {
    let mut entries: FrontMatter = Vec::new();
    for line in yaml.lines() {
        let (key, value) = line.split_once(": ")?;
        let value = value.trim_end_matches(' ');
        if !plain_key(key)
            || !plain_value(key)
            || !plain_value(value)
            || entries.iter().any(|(seen, _)| seen == key)
        {
            return None;
        }
        entries.push((key.to_owned(), MetaValue::Text(value.to_owned())));
    }
    Some(entries)
}

/// The fast path's promise, for the fuzzer: front matter it reads, the YAML parser reads
/// the same.
pub(crate) fn assert_plain_agrees(yaml: &str) {
    if let Some(fast) = plain(yaml) {
        let parsed = serde_saphyr::from_str::<Ordered<MetaValue>>(yaml).map(|entries| entries.0);
        assert_eq!(
            Ok(&fast),
            parsed.as_ref().map_err(ToString::to_string),
            "{yaml}"
        );
    }
}

/// A key of letters, digits, spaces, dots, dashes and underscores, starting with a letter
/// and not ending with a space, and at most 1,000 of them: YAML ends an implicit
/// key at 1,024 characters (a longer one is an error there), and no page's key is close.
fn plain_key(key: &str) -> bool {
    /// Well under YAML's 1,024.
    const LONGEST: usize = 1000;
    key.len() <= LONGEST
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && !key.ends_with(' ')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b'-' | b'_'))
}

/// A value that is a plain scalar whose text is itself: printable ASCII starting with a
/// letter or digit (so with none of YAML's indicators), no `: ` or ` #`, and not a word or
/// number YAML resolves.
fn plain_value(value: &str) -> bool {
    const WORDS: [&str; 11] = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf",
    ];
    let Some(first) = value.bytes().next() else {
        return false;
    };
    // Printable, and no `: ` or ` #`: one pass, for every line of every page's front matter.
    let mut previous = 0;
    for b in value.bytes() {
        if !(b' '..=b'~').contains(&b) || matches!((previous, b), (b':', b' ') | (b' ', b'#')) {
            return false;
        }
        previous = b;
    }
    let starts_well = first.is_ascii_alphabetic()
        // A leading digit is kept only where no number or date could be meant.
        || (first.is_ascii_digit()
            && (value.contains('/') || value.matches('.').count() >= 2)
            && !value.contains(['-', '+', ' ']));
    starts_well
        && !value.ends_with(':')
        && !WORDS.iter().any(|word| value.eq_ignore_ascii_case(word))
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

    fn parsed(yaml: &str) -> Option<FrontMatter> {
        serde_saphyr::from_str::<Ordered<MetaValue>>(yaml)
            .ok()
            .map(|entries| entries.0)
    }

    #[test]
    fn plain_front_matter_reads_as_yaml_does() {
        let learn = "external help file: Microsoft.PowerShell.Commands.Management.dll-Help.xml\nLocale: en-US\nModule Name: Microsoft.PowerShell.Management\nms.date: 01/18/2026\nonline version: https://learn.microsoft.com/powershell/module/x/get-item?view=powershell-7.4&WT.mc_id=ps-gethelp\nschema: 2.0.0\ntitle: Get-Item\n";
        let fast = plain(learn).expect("Learn's front matter is plain");
        assert_eq!(Some(fast), parsed(learn));
        for other in [
            "title: 'quoted'\n",
            "count: 12\n",
            "draft: true\n",
            "date: 2024-01-18\n",
            "tags:\n  - a\n",
            "title: a # comment\n",
            "title: x\ntitle: y\n",
            "title: \n",
            "version: 1.5\n",
        ] {
            assert_eq!(plain(other), None, "{other:?}");
        }
    }

    proptest::proptest! {
        /// Whatever the fast path reads, YAML reads the same; it may decline, never differ.
        #[test]
        fn the_fast_path_never_differs_from_yaml(
            lines in proptest::collection::vec(
                ("[a-zA-Z][a-zA-Z0-9 ._-]{0,8}", "[a-zA-Z0-9 ./:#_&*!|>%@,{}'\"?\\[\\]`=+-]{1,12}"),
                1..5,
            )
        ) {
            let mut yaml = String::new();
            for (key, value) in &lines {
                yaml.extend([key.as_str(), ": ", value.as_str(), "\n"]);
            }
            if let Some(fast) = plain(&yaml) {
                proptest::prop_assert_eq!(Some(fast), parsed(&yaml), "{}", yaml);
            }
        }

        /// The one-pass test of a value is the test it replaced, a search per condition.
        #[test]
        fn plain_values_are_told_apart_in_one_pass(value in "[a-z0-9 :#./\u{7f}\u{e9}-]{0,12}") {
            let searched = !value.is_empty()
                && value.bytes().all(|b| (b' '..=b'~').contains(&b))
                && !value.contains(": ")
                && !value.contains(" #");
            let starts_well = value.starts_with(|c: char| c.is_ascii_alphabetic())
                || (value.starts_with(|c: char| c.is_ascii_digit())
                    && (value.contains('/') || value.matches('.').count() >= 2)
                    && !value.contains(['-', '+', ' ']));
            let expected = searched
                && starts_well
                && !value.ends_with(':')
                && !["true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"]
                    .iter()
                    .any(|word| value.eq_ignore_ascii_case(word));
            proptest::prop_assert_eq!(plain_value(&value), expected);
        }

        #[test]
        fn plain_values_are_read_as_themselves(
            value in "([a-zA-Z][a-zA-Z0-9./_&*!%@,{}'\"?:#=+-]{0,10}|[0-9]{1,3}[./eE][0-9./eE+-]{0,8})"
        ) {
            let yaml = format!("key: {value}\n");
            if let Some(fast) = plain(&yaml) {
                proptest::prop_assert_eq!(Some(fast), parsed(&yaml), "{}", yaml);
            }
        }
    }

    /// YAML ends an implicit key at 1,024 characters: a longer key is an error there, so
    /// the fast path leaves it to the parser (the fuzzer found the two disagreeing).
    #[test]
    fn keys_too_long_for_yaml_go_to_the_parser() {
        for len in [1000, 1023, 1024, 1025, 1100] {
            let yaml = format!("t{}: Guide\n", "i".repeat(len - 1));
            assert_plain_agrees(&yaml);
        }
        let long = format!("t{}: Guide\n", "i".repeat(1099));
        assert_eq!(plain(&long), None);
        assert!(
            parsed(&long).is_none(),
            "YAML refuses a key of 1,100 characters"
        );
    }

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

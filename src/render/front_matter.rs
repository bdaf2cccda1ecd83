//! YAML front matter, emitted by hand with one safe rule so output is byte-stable: keys
//! bare when they are plain words, every string a double-quoted scalar with `\\`, `\"`,
//! `\n`, `\t`, `\r` escaped and other control or separator characters (and U+FFFE, U+FFFF,
//! which YAML does not allow) as `\uXXXX`, lists as block sequences.

use std::fmt::Write;

use crate::model::{FrontMatter, MetaValue};

/// The front matter block, from the opening `---` to the closing `---` and its newline.
#[must_use]
pub(crate) fn emit(entries: &FrontMatter) -> String {
    let mut out = String::from("---\n");
    for (key, value) in entries {
        out.push_str(&key_text(key));
        match value {
            MetaValue::Text(text) => {
                out.push_str(": ");
                out.push_str(&quote(text));
                out.push('\n');
            }
            MetaValue::List(items) if items.is_empty() => out.push_str(": []\n"),
            MetaValue::List(items) => {
                out.push_str(":\n");
                for item in items {
                    out.push_str("  - ");
                    out.push_str(&quote(item));
                    out.push('\n');
                }
            }
        }
    }
    out.push_str("---\n");
    out
}

/// Keys such as `ms.service` and `f1.keywords` stay bare; anything else is quoted.
fn key_text(key: &str) -> String {
    let bare = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if bare { key.to_owned() } else { quote(key) }
}

/// A double-quoted YAML scalar that reads back as exactly `text`.
#[must_use]
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Controls, line separators, the byte-order mark, and the two characters YAML
            // does not print at all (U+FFFE, U+FFFF).
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                write!(out, "\\u{:04X}", u32::from(c)).expect("writing to a String cannot fail");
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::de::Ordered;

    /// Reads emitted front matter back with a real YAML parser, strings only: a value the
    /// emitter left ambiguous (`yes` read as a boolean) fails to come back as the same text.
    fn read_back(yaml: &str) -> Vec<(String, String)> {
        let inner = yaml
            .strip_prefix("---\n")
            .and_then(|y| y.strip_suffix("---\n"))
            .unwrap();
        serde_saphyr::from_str::<Ordered<String>>(inner).unwrap().0
    }

    #[test]
    fn tricky_strings_read_back_as_written() {
        let tricky = [
            "yes",
            "no",
            "on",
            "null",
            "~",
            "123",
            "0x1F",
            "1e3",
            "#x",
            "a: b",
            "- item",
            "[a, b]",
            "{a: 1}",
            "\"quoted\"",
            "'single'",
            "line\nbreak",
            "tab\there",
            " leading",
            "trailing ",
            "back\\slash",
            "*alias",
            "&anchor",
            "!tag",
            "%directive",
            "@at",
            "`tick`",
            "|",
            ">",
            "---",
            "...",
            "\u{2028}sep",
            "\u{85}nel",
            "\u{feff}bom",
            "non\u{fffe}\u{ffff}characters",
            "émoji 🚀",
            "",
        ];
        for text in tricky {
            let entries = vec![("key".to_owned(), MetaValue::Text(text.to_owned()))];
            assert_eq!(
                read_back(&emit(&entries)),
                vec![("key".to_owned(), text.to_owned())],
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_reads_back(text in "(?s).{0,40}", key in "[a-z][a-z0-9_.-]{0,12}") {
            let entries = vec![(key.clone(), MetaValue::Text(text.clone()))];
            proptest::prop_assert_eq!(read_back(&emit(&entries)), vec![(key, text)]);
        }
    }

    #[test]
    fn emits_block_lists_and_quoted_strings() {
        let entries = vec![
            (
                "title".to_owned(),
                MetaValue::Text("Privacy \"and\" data".to_owned()),
            ),
            (
                "f1.keywords".to_owned(),
                MetaValue::List(vec!["NOCSH".to_owned()]),
            ),
            (
                "odd key".to_owned(),
                MetaValue::Text("a\tb\u{7}".to_owned()),
            ),
        ];
        assert_eq!(
            emit(&entries),
            "---\ntitle: \"Privacy \\\"and\\\" data\"\nf1.keywords:\n  - \"NOCSH\"\n\"odd key\": \"a\\tb\\u0007\"\n---\n"
        );
    }
}

//! Deserialization helpers shared by `config` and `load`: TOML into typed values with
//! located diagnostics, and maps that keep their file order.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};

use crate::diag::{Code, Diagnostic, FileId, Span, did_you_mean};

/// Parses `text` (the contents of `file`) as TOML into `T`, or explains at the offending
/// line why it cannot.
pub(crate) fn parse_toml<T: DeserializeOwned>(file: FileId, text: &str) -> Result<T, Diagnostic> {
    let deserializer =
        toml::de::Deserializer::parse(text).map_err(|error| syntax_error(file, &error))?;
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = user_path(&error.path().to_string());
        schema_error(file, text, &path, error.inner())
    })
}

/// The key path as the writer knows it: without the segments serde adds for values that
/// keep their span (`$__serde_spanned_private_value`) or for map keys it cannot name (`?`).
fn user_path(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('.')
        .filter(|part| !part.contains("$__serde_spanned_private_value") && *part != "?")
        .collect();
    let joined = parts.join(".");
    if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

fn syntax_error(file: FileId, error: &toml::de::Error) -> Diagnostic {
    let span = Span::new(file, error.span().unwrap_or(0..0));
    Diagnostic::error(
        Code::Toml,
        span,
        format!("invalid TOML: {}", first_line(error.message())),
    )
    .with_hint("see https://toml.io for the syntax")
}

/// Turns serde's messages ("unknown field `purpse`, expected one of …") into a diagnostic
/// with a did-you-mean. serde's wording is stable and the only place the expected names
/// are available, so the hint is derived from it.
fn schema_error(file: FileId, text: &str, path: &str, error: &toml::de::Error) -> Diagnostic {
    let message = first_line(error.message());
    let range = error.span().unwrap_or(0..0);
    let at = if path == "." || path.is_empty() {
        String::new()
    } else {
        format!(" in `{path}`")
    };
    let (summary, hint) = if let Some(rest) = message.strip_prefix("unknown field ") {
        let (found, expected) = split_expected(rest);
        let suggestion = did_you_mean(&found, expected.iter().map(String::as_str));
        let hint = match suggestion {
            Some(name) => format!("did you mean `{name}`?"),
            None => format!("expected one of {}", list(&expected)),
        };
        // The path ends with the unknown key itself; name the table it sits in.
        let table = path
            .strip_suffix(found.as_str())
            .unwrap_or(path)
            .trim_end_matches('.');
        let at = if table.is_empty() || table == "." {
            String::new()
        } else {
            format!(" in `{table}`")
        };
        (format!("unknown key `{found}`{at}"), Some(hint))
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (found, expected) = split_expected(rest);
        let hint = match did_you_mean(&found, expected.iter().map(String::as_str)) {
            Some(name) => format!("did you mean `{name}`?"),
            None => format!("expected one of {}", list(&expected)),
        };
        // A closed set read as a table's keys (`[preprocessor.privdoc.checks]`): the
        // unknown name is a key there, written bare, not a quoted value.
        let quoted = text
            .get(range.clone())
            .is_some_and(|written| written.starts_with(['"', '\'']));
        let what = if quoted { "value" } else { "key" };
        (format!("unknown {what} `{found}`{at}"), Some(hint))
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        let field = rest.trim_matches('`');
        let key = if path == "." || path.is_empty() {
            field.to_owned()
        } else {
            format!("{path}.{field}")
        };
        (
            format!("missing required key `{key}`"),
            Some(format!("add `{field} = …` here")),
        )
    } else {
        (format!("{message}{at}"), None)
    };
    // A missing key is reported on its table's header line, not across the whole table.
    let range = if summary.starts_with("missing") {
        range.start..line_end(text, range.start)
    } else {
        range
    };
    Diagnostic::error(Code::Schema, Span::new(file, range), summary).with_hint_opt(hint)
}

fn line_end(text: &str, start: usize) -> usize {
    text.get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |at| start + at)
}

/// Splits "`x`, expected one of `a`, `b`" (or "expected `a`") into `x` and `[a, b]`.
fn split_expected(rest: &str) -> (String, Vec<String>) {
    let mut names = rest.split('`').skip(1).step_by(2).map(str::to_owned);
    let found = names.next().unwrap_or_default();
    (found, names.collect())
}

fn list(names: &[String]) -> String {
    let quoted: Vec<_> = names.iter().map(|name| format!("`{name}`")).collect();
    quoted.join(", ")
}

fn first_line(message: &str) -> &str {
    message
        .lines()
        .next()
        .unwrap_or(message)
        .trim_end_matches('.')
}

impl<V: schemars::JsonSchema> schemars::JsonSchema for Ordered<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Table_of_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object", "additionalProperties": generator.subschema_for::<V>() })
    }
}

/// A TOML table read as a list of entries in file order (serde maps lose it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Ordered<V>(pub Vec<(String, V)>);

impl<'de, V: de::Deserialize<'de>> de::Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(PhantomData<V>);

        impl<'de, V: de::Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = Ordered<V>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a table")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }

        deserializer.deserialize_map(Entries(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::SourceMap;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "fields are only deserialized")]
    struct Entry {
        purpose: String,
        count: u32,
    }

    fn error_for(text: &str) -> Diagnostic {
        let mut map = SourceMap::default();
        let file = map.add("x.toml".into(), text.into());
        parse_toml::<Entry>(file, text).unwrap_err()
    }

    #[test]
    fn unknown_key_suggests_the_closest_name() {
        let error = error_for("purpse = \"x\"\ncount = 1\n");
        assert_eq!(error.code, Code::Schema);
        assert_eq!(error.message, "unknown key `purpse`");
        assert_eq!(error.hint.as_deref(), Some("did you mean `purpose`?"));
        assert_eq!(error.span.range.start, 0);
    }

    #[test]
    fn syntax_wrong_type_and_missing_key_are_located() {
        let syntax = error_for("purpose = \n");
        assert_eq!(syntax.code, Code::Toml);
        let wrong = error_for("purpose = \"x\"\ncount = \"one\"\n");
        assert!(
            wrong.message.starts_with("invalid type"),
            "{}",
            wrong.message
        );
        assert_eq!(wrong.span.range.start, 22);
        let missing = error_for("purpose = \"x\"\n");
        assert_eq!(missing.message, "missing required key `count`");
    }

    #[test]
    fn paths_name_keys_as_the_writer_wrote_them() {
        assert_eq!(
            user_path(
                "page.$__serde_spanned_private_value.keywords.$__serde_spanned_private_value"
            ),
            "page.keywords"
        );
        assert_eq!(
            user_path("preprocessor.privdoc.checks.?"),
            "preprocessor.privdoc.checks"
        );
        assert_eq!(user_path("sources[0].purpose"), "sources[0].purpose");
        assert_eq!(user_path("$__serde_spanned_private_value"), ".");
    }

    #[test]
    fn ordered_keeps_file_order() {
        let table: Ordered<u32> = toml::from_str("b = 1\na = 2\n").unwrap();
        assert_eq!(table.0, vec![("b".to_owned(), 1), ("a".to_owned(), 2)]);
    }
}

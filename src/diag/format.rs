//! Text formats for diagnostics: `human` (rustc-style caret snippets, rendered by
//! annotate-snippets), `short` (one `path:line:col: severity[code]: message` line each),
//! `json` (one object), `github` (workflow commands that annotate a pull request) and
//! `sarif` (SARIF 2.1.0 for code-scanning tools). All are deterministic: no absolute
//! paths, no timestamps.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::{Value, json};

use super::{CheckCode, Counts, Diagnostic, Severity, SourceMap, Summary};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Caret snippets like rustc, with a hint.
    #[default]
    Human,
    /// One line per finding.
    Short,
    /// One JSON object with every finding and the counts.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

impl Format {
    /// Whether the format is for programs (printed on stdout) rather than for people.
    #[must_use]
    pub fn is_machine_readable(self) -> bool {
        !matches!(self, Self::Human)
    }
}

/// Renders `diagnostics` (already sorted) in `format`. `styled` adds ANSI colours to the
/// human format; the caller strips them where the output is not a terminal.
#[must_use]
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    summary: &Summary,
    styled: bool,
) -> String {
    let mut out = String::new();
    match format {
        Format::Human => {
            for diagnostic in diagnostics {
                out.push_str(&human(diagnostic, sources, styled));
                out.push_str("\n\n");
            }
        }
        Format::Short => {
            for diagnostic in diagnostics {
                out.push_str(&short(diagnostic, sources));
                out.push('\n');
            }
        }
        Format::Github => {
            for diagnostic in diagnostics {
                out.push_str(&github(diagnostic, sources));
                out.push('\n');
            }
        }
        Format::Json => {
            out.push_str(&pretty(&json_report(diagnostics, sources, summary)));
            out.push('\n');
        }
        Format::Sarif => {
            out.push_str(&pretty(&sarif(diagnostics, sources)));
            out.push('\n');
        }
    }
    out
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("a JSON value always serializes")
}

/// Path, line and column (1-based, in characters) of the start of a diagnostic.
fn position(diagnostic: &Diagnostic, sources: &SourceMap) -> (String, usize, usize) {
    let file = sources.get(diagnostic.span.file);
    let (line, column) = file.line_col(diagnostic.span.range.start);
    (file.display_path(), line, column)
}

fn short(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let (path, line, column) = position(diagnostic, sources);
    format!(
        "{path}:{line}:{column}: {}[{}]: {}",
        diagnostic.severity.as_str(),
        diagnostic.code.as_str(),
        diagnostic.message
    )
}

fn json_report(diagnostics: &[Diagnostic], sources: &SourceMap, summary: &Summary) -> Value {
    let counts = Counts::of(diagnostics);
    let findings: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let (file, line, column) = position(diagnostic, sources);
            json!({
                "code": diagnostic.code.as_str(),
                "severity": diagnostic.severity.as_str(),
                "file": file,
                "line": line,
                "column": column,
                "message": diagnostic.message,
                "hint": diagnostic.hint,
            })
        })
        .collect();
    json!({
        "diagnostics": findings,
        "summary": {
            "errors": counts.errors,
            "warnings": counts.warnings,
            "pages": summary.pages,
            "links-checked": summary.links_checked,
            "links-unchecked": summary.links_unchecked,
        },
    })
}

/// `::error file=…,line=…,col=…,title=…::message`, escaped as GitHub documents.
fn github(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let (file, line, column) = position(diagnostic, sources);
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = diagnostic.message.clone();
    if let Some(hint) = &diagnostic.hint {
        message.push_str("\nhint: ");
        message.push_str(hint);
    }
    let title = format!("privdoc {}", diagnostic.code.as_str());
    format!(
        "::{command} file={},line={line},col={column},title={}::{}",
        escape_property(&file),
        escape_property(&title),
        escape_data(&message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// What each code finds, for SARIF's rule descriptions.
fn rule_description(code: &str) -> &'static str {
    match code {
        "io" => "a file could not be read or is not UTF-8",
        "toml" => "a TOML file is not valid TOML",
        "schema" => "a declaration does not match the schema",
        "config" => "book.toml holds an invalid setting",
        "template" => "a template failed to parse or render",
        "duplicate-paragraph" => "the same paragraph twice",
        "duplicate-sentence" => "the same sentence twice",
        "near-duplicate" => "sentences or paragraphs that say nearly the same",
        "broken-link" => "a relative link to a file that does not exist",
        "broken-anchor" => "a fragment the target page does not define",
        "unknown-reference" => "a reference or include that resolves to nothing",
        "link-target-mismatch" => "a link to one source's page in text about another source",
        "front-matter" => "missing, empty or repeated front-matter values",
        "declaration" => "unknown or duplicate ids, unused sources, bad periods, conflicting rules",
        "heading-structure" => "skipped heading levels, several H1, duplicate heading ids",
        _ => "a privdoc finding",
    }
}

const LOAD_CODES: [&str; 5] = ["io", "toml", "schema", "config", "template"];

fn sarif(diagnostics: &[Diagnostic], sources: &SourceMap) -> Value {
    let rule_ids: Vec<&str> = LOAD_CODES
        .into_iter()
        .chain(CheckCode::ALL.iter().map(|c| c.as_str()))
        .collect();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| json!({ "id": id, "shortDescription": { "text": rule_description(id) } }))
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let file = sources.get(diagnostic.span.file);
            let (line, column) = file.line_col(diagnostic.span.range.start);
            let (end_line, end_column) = file.line_col(diagnostic.span.range.end.max(diagnostic.span.range.start));
            let code = diagnostic.code.as_str();
            let fingerprint = xxhash_rust::xxh3::xxh3_64(format!("{code}\0{}\0{}", file.display_path(), diagnostic.message).as_bytes());
            let mut result = json!({
                "ruleId": code,
                "ruleIndex": rule_ids.iter().position(|id| *id == code).unwrap_or(0),
                "level": diagnostic.severity.as_str(),
                "message": { "text": diagnostic.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file.display_path(), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": line,
                            "startColumn": column,
                            "endLine": end_line,
                            "endColumn": if (end_line, end_column) == (line, column) { column + 1 } else { end_column },
                        },
                    },
                }],
                "partialFingerprints": { "privdoc/v1": format!("{fingerprint:016x}") },
            });
            if let Some(hint) = &diagnostic.hint {
                result["properties"] = json!({ "hint": hint });
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "privdoc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn human(diagnostic: &Diagnostic, sources: &SourceMap, styled: bool) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let file = sources.get(diagnostic.span.file);
    let path = file.display_path();
    let mut primary = AnnotationKind::Primary.span(clamp(file.text(), &diagnostic.span.range));
    if let Some(label) = &diagnostic.label {
        primary = primary.label(label.as_str());
    }
    let mut snippet = Snippet::source(&**file.text())
        .path(path.as_str())
        .annotation(primary);
    // Labels in other files get snippets of their own.
    let mut others = Vec::new();
    for label in &diagnostic.labels {
        let annotation = |text| {
            AnnotationKind::Context
                .span(clamp(text, &label.span.range))
                .label(label.message.as_str())
        };
        if label.span.file == diagnostic.span.file {
            snippet = snippet.annotation(annotation(file.text()));
        } else {
            let other = sources.get(label.span.file);
            others.push((other.display_path(), other.text(), annotation(other.text())));
        }
    }
    let mut group = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.as_str())
        .element(snippet);
    for (path, text, annotation) in &others {
        group = group.element(
            Snippet::source(&***text)
                .path(path.as_str())
                .annotation(annotation.clone()),
        );
    }
    let mut report = vec![group];
    if let Some(hint) = &diagnostic.hint {
        report.push(Group::with_title(
            Level::HELP.secondary_title(hint.as_str()),
        ));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

/// Keeps a span inside its text and on character boundaries, so a stale span can never
/// make the renderer panic.
fn clamp(text: &str, range: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_commands_escape_what_github_parses() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}

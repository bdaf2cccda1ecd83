//! Text formats for diagnostics: `human` (rustc-style caret snippets, rendered by
//! annotate-snippets), `short` (one `path:line:col: severity[code]: message` line each),
//! `json` (one object), `github` (workflow commands that annotate a pull request) and
//! `sarif` (SARIF 2.1.0 for code-scanning tools). All are deterministic: no absolute
//! paths, no timestamps.

use std::fmt::Write as _;

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

/// The human format shows this many findings with their snippets, and the rest one line
/// each: a hundred snippets are already more than anyone reads, and rendering tens of
/// thousands took longer than the build.
const HUMAN_SNIPPETS: usize = 100;

/// Renders `diagnostics` (already sorted) in `format`. `styled` adds ANSI colours to the
/// human format; the caller strips them where the output is not a terminal.
#[must_use]
pub(crate) fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    files: &SourceMap,
    summary: &Summary,
    styled: bool,
) -> String {
    let mut out = String::new();
    match format {
        Format::Human => {
            let (full, rest) = diagnostics.split_at(diagnostics.len().min(HUMAN_SNIPPETS));
            for diagnostic in full {
                out.push_str(&human(diagnostic, files, styled));
                out.push_str("\n\n");
            }
            if !rest.is_empty() {
                let more = if rest.len() == 1 {
                    "finding"
                } else {
                    "findings"
                };
                let _ = writeln!(
                    out,
                    "note: {} more {more}, one line each (`--format short` lists every finding this way)",
                    rest.len()
                );
                for diagnostic in rest {
                    out.push_str(&short(diagnostic, files));
                    out.push('\n');
                }
                out.push('\n');
            }
        }
        Format::Short => {
            for diagnostic in diagnostics {
                out.push_str(&short(diagnostic, files));
                out.push('\n');
            }
        }
        Format::Github => {
            for diagnostic in diagnostics {
                out.push_str(&github(diagnostic, files));
                out.push('\n');
            }
        }
        Format::Json => {
            out.push_str(&pretty(&json_report(diagnostics, files, summary)));
            out.push('\n');
        }
        Format::Sarif => {
            out.push_str(&pretty(&sarif(diagnostics, files)));
            out.push('\n');
        }
    }
    out
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("a JSON value always serializes")
}

/// Path, line and column (1-based, in characters) of the start of a diagnostic.
fn position(diagnostic: &Diagnostic, files: &SourceMap) -> (String, usize, usize) {
    let file = files.get(diagnostic.span.file);
    let (line, column) = file.line_col(diagnostic.span.range.start);
    (file.display_path(), line, column)
}

fn short(diagnostic: &Diagnostic, files: &SourceMap) -> String {
    let (path, line, column) = position(diagnostic, files);
    format!(
        "{path}:{line}:{column}: {}[{}]: {}",
        diagnostic.severity.as_str(),
        diagnostic.code.as_str(),
        diagnostic.message
    )
}

fn json_report(diagnostics: &[Diagnostic], files: &SourceMap, summary: &Summary) -> Value {
    let counts = Counts::of(diagnostics);
    let findings: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let (file, line, column) = position(diagnostic, files);
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

/// `::error file=…,line=…,col=…,title=…::message`, escaped as GitHub documents. The path
/// is relative to the directory privdoc runs in, as GitHub resolves it from the checkout.
fn github(diagnostic: &Diagnostic, files: &SourceMap) -> String {
    let (file, line, column) = position(diagnostic, files);
    let file = format!("{}{file}", files.base());
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
        "declaration" => "unknown or duplicate ids, unused files, bad periods, conflicting rules",
        "heading-structure" => "skipped heading levels, several H1, duplicate heading ids",
        "stale-review" => "a page not reviewed within review-every",
        _ => "a privdoc finding",
    }
}

const LOAD_CODES: [&str; 5] = ["io", "toml", "schema", "config", "template"];

fn sarif(diagnostics: &[Diagnostic], files: &SourceMap) -> Value {
    let rule_ids: Vec<&str> = LOAD_CODES
        .into_iter()
        .chain(CheckCode::ALL.iter().map(|c| c.as_str()))
        .collect();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            json!({
                "id": id,
                "shortDescription": { "text": rule_description(id) },
                "help": { "text": format!("privdoc `{id}`: {}", rule_description(id)) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let file = files.get(diagnostic.span.file);
            let (line, column) = file.line_col(diagnostic.span.range.start);
            let (end_line, end_column) = file.line_col(diagnostic.span.range.end.max(diagnostic.span.range.start));
            let code = diagnostic.code.as_str();
            let fingerprint = xxhash_rust::xxh3::xxh3_64(format!("{code}\0{}\0{}", file.display_path(), diagnostic.message).as_bytes());
            // GitHub shows the message, not `properties`: the hint goes in it.
            let text = match &diagnostic.hint {
                Some(hint) => format!("{}\nhint: {hint}", diagnostic.message),
                None => diagnostic.message.clone(),
            };
            let uri = format!("{}{}", files.base(), file.display_path());
            let mut result = json!({
                "ruleId": code,
                "ruleIndex": rule_ids.iter().position(|id| *id == code).unwrap_or(0),
                "level": diagnostic.severity.as_str(),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
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
            "originalUriBaseIds": {
                "%SRCROOT%": {
                    "description": { "text": "The directory privdoc ran in (in CI, the checkout): every result's path is relative to it." },
                },
                "PROJECTROOT": {
                    "uri": if files.base().is_empty() { "./" } else { files.base() },
                    "uriBaseId": "%SRCROOT%",
                    "description": { "text": "The privdoc project (its book.toml)." },
                },
            },
            "results": results,
        }],
    })
}

fn human(diagnostic: &Diagnostic, files: &SourceMap, styled: bool) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let file = files.get(diagnostic.span.file);
    let path = file.display_path();
    // Each snippet gets the lines its annotations touch, not the whole file: a large
    // file with many findings would otherwise be walked once per finding.
    let primary_range = clamp(file.text(), &diagnostic.span.range);
    let same_file: Vec<_> = diagnostic
        .labels
        .iter()
        .filter(|label| label.span.file == diagnostic.span.file)
        .map(|label| {
            (
                clamp(file.text(), &label.span.range),
                label.message.as_str(),
            )
        })
        .collect();
    let covered = same_file
        .iter()
        .fold(primary_range.clone(), |all, (range, _)| {
            all.start.min(range.start)..all.end.max(range.end)
        });
    let (first_line, lines) = file.lines_around(&covered);
    let shift = |range: &std::ops::Range<usize>| range.start - lines.start..range.end - lines.start;
    let mut primary = AnnotationKind::Primary.span(shift(&primary_range));
    if let Some(label) = &diagnostic.label {
        primary = primary.label(label.as_str());
    }
    let mut snippet = Snippet::source(&file.text()[lines.clone()])
        .line_start(first_line)
        .path(path.as_str())
        .annotation(primary);
    for (range, message) in &same_file {
        snippet = snippet.annotation(AnnotationKind::Context.span(shift(range)).label(*message));
    }
    let mut group = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.as_str())
        .element(snippet);
    // Labels in other files get snippets of their own.
    let others: Vec<_> = diagnostic
        .labels
        .iter()
        .filter(|label| label.span.file != diagnostic.span.file)
        .map(|label| {
            let other = files.get(label.span.file);
            let range = clamp(other.text(), &label.span.range);
            let (first_line, lines) = other.lines_around(&range);
            (
                other,
                other.display_path(),
                first_line,
                lines,
                range,
                label.message.as_str(),
            )
        })
        .collect();
    for (other, path, first_line, lines, range, message) in &others {
        let span = range.start - lines.start..range.end - lines.start;
        group = group.element(
            Snippet::source(&other.text()[lines.clone()])
                .line_start(*first_line)
                .path(path.as_str())
                .annotation(AnnotationKind::Context.span(span).label(*message)),
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
    use crate::diag::{Code, Span};

    #[test]
    fn github_commands_escape_what_github_parses() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn the_human_format_shows_a_hundred_snippets_then_one_line_each() {
        let mut files = SourceMap::default();
        let text: String = (0..120).fold(String::new(), |mut text, i| {
            let _ = writeln!(text, "line {i:03}");
            text
        });
        let file = files.add("page.md".into(), text.into());
        let diagnostics: Vec<Diagnostic> = (0..HUMAN_SNIPPETS + 2)
            .map(|i| {
                let span = Span {
                    file,
                    range: 9 * i..9 * i + 4,
                };
                Diagnostic::warning(
                    Code::Check(CheckCode::BrokenLink),
                    span,
                    format!("finding {i}"),
                )
            })
            .collect();
        let out = render(
            Format::Human,
            &diagnostics,
            &files,
            &Summary::default(),
            false,
        );
        assert_eq!(out.matches("--> page.md").count(), HUMAN_SNIPPETS);
        assert!(
            out.contains("note: 2 more findings, one line each"),
            "{out}"
        );
        assert!(out.contains("page.md:101:1: warning[broken-link]: finding 100\n"));
        assert!(out.contains("page.md:102:1: warning[broken-link]: finding 101\n"));
    }
}

//! Text formats for diagnostics: `human` (rustc-style caret snippets, rendered by
//! annotate-snippets), `short` (one `path:line:col: severity[code]: message` line each),
//! `json` (one object), `github` (workflow commands that annotate a pull request) and
//! `sarif` (SARIF 2.1.0 for code-scanning tools). All are deterministic: no absolute
//! paths, no timestamps.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use super::{CheckCode, Counts, Diagnostic, Severity, SourceMap, Summary};
use crate::json;
use crate::swar;

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

/// The human format shows at most this many findings of each code with their snippets,
/// and counts the rest: a real repository's first run can find tens of thousands, and a
/// reader needs the totals and a sample of each kind, not every one.
const SNIPPETS_PER_CODE: usize = 25;

/// From this many findings on, the human format begins with the totals per code.
const TOTALS_FROM: usize = 10;

/// Writes `diagnostics` (already sorted) in `format` to `out`: the JSON formats as they are
/// serialized (a report of 100,000 findings is never held whole), the others as
/// [`render`] makes them.
pub(crate) fn write<W: std::io::Write>(
    out: &mut W,
    format: Format,
    diagnostics: &[Diagnostic],
    files: &SourceMap,
    summary: &Summary,
    styled: bool,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            // `{"diagnostics": [...], "summary": {...}}`, keys in alphabetical order.
            out.write_all(b"{\n  \"diagnostics\": ")?;
            write_pretty_seq(out, diagnostics, 1, |d, part, indent| {
                json_finding(d, files).write_pretty(part, indent);
            })?;
            out.write_all(b",\n  \"summary\": ")?;
            let summary = serde_json::to_vec_pretty(&json_summary(diagnostics, summary))?;
            let mut indented = Vec::new();
            indent_into(&mut indented, &summary, b"  ");
            out.write_all(&indented)?;
            out.write_all(b"\n}\n")
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(diagnostics, files))?;
            out.write_all(b"\n")
        }
        _ => out.write_all(render(format, diagnostics, files, summary, styled).as_bytes()),
    }
}

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
            let totals = totals(diagnostics);
            if diagnostics.len() >= TOTALS_FROM {
                out.push_str(&totals_table(&totals));
                out.push('\n');
            }
            let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
            for diagnostic in diagnostics {
                let count = shown.entry(diagnostic.code.as_str()).or_default();
                *count += 1;
                if *count <= SNIPPETS_PER_CODE {
                    out.push_str(&human(diagnostic, files, styled));
                    out.push_str("\n\n");
                }
            }
            for (code, total) in &totals {
                let more = total.errors + total.warnings
                    - SNIPPETS_PER_CODE.min(total.errors + total.warnings);
                if more > 0 {
                    let findings = if more == 1 { "finding" } else { "findings" };
                    let _ = writeln!(
                        out,
                        "note: and {more} more `{code}` {findings} (`--format short` lists every finding)"
                    );
                }
            }
            if totals
                .values()
                .any(|t| t.errors + t.warnings > SNIPPETS_PER_CODE)
            {
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
        Format::Json | Format::Sarif => {
            let mut bytes = Vec::new();
            write(&mut bytes, format, diagnostics, files, summary, styled)
                .expect("writing to memory does not fail");
            out = String::from_utf8(bytes).expect("serde_json writes UTF-8");
        }
    }
    out
}

/// The findings counted per code, in code order.
fn totals(diagnostics: &[Diagnostic]) -> BTreeMap<&'static str, Counts> {
    let mut totals: BTreeMap<&'static str, Counts> = BTreeMap::new();
    for diagnostic in diagnostics {
        let total = totals.entry(diagnostic.code.as_str()).or_default();
        match diagnostic.severity {
            Severity::Error => total.errors += 1,
            Severity::Warning => total.warnings += 1,
        }
    }
    totals
}

/// The totals as a table, the largest first: what a first run on a repository found.
fn totals_table(totals: &BTreeMap<&'static str, Counts>) -> String {
    let mut rows: Vec<(&str, &Counts)> =
        totals.iter().map(|(code, total)| (*code, total)).collect();
    rows.sort_by_key(|(code, total)| (std::cmp::Reverse(total.errors + total.warnings), *code));
    let width = rows.iter().map(|(code, _)| code.len()).max().unwrap_or(0);
    let mut out = String::from("findings by check:\n");
    for (code, total) in rows {
        let _ = writeln!(
            out,
            "  {code:<width$}  {:>6}  ({})",
            total.errors + total.warnings,
            total.findings().unwrap_or_default()
        );
    }
    out
}

/// Path, line and column (1-based, in characters) of the start of a diagnostic.
fn position<'a>(diagnostic: &Diagnostic, files: &'a SourceMap) -> (&'a str, usize, usize) {
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

// The JSON reports are written from borrowed structs, not built as `serde_json::Value`
// trees first (a tree of maps per finding cost most of a large report's time). Fields are
// declared in alphabetical order, the order the reports have always had.

/// `items` as `serde_json`'s pretty printer writes a sequence nested `depth` levels deep,
/// each item serialized on its own, in parallel, a window of items at a time (so a report
/// is never held whole). `each` appends an item pretty-printed with the indent it is given
/// after each line break: its depth's, which is all the nesting changes (a JSON string
/// holds no raw line break). The report of 200,000 findings, 136 MB, took a tenth of a
/// check's time on one thread.
fn write_pretty_seq<W: std::io::Write, T: Sync>(
    out: &mut W,
    items: &[T],
    depth: usize,
    each: impl Fn(&T, &mut Vec<u8>, &[u8]) + Sync,
) -> std::io::Result<()> {
    const CHUNK: usize = 256;
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    let indent = "  ".repeat(depth + 1);
    // A buffer per chunk of a window, kept from window to window: grown in the first,
    // then only cleared (a report of 20,000 findings is 18 MB).
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut separator: &[u8] = b"[\n";
    for window in items.chunks(16 * CHUNK) {
        let chunks = window.len().div_ceil(CHUNK);
        parts.resize_with(parts.len().max(chunks), Vec::new);
        let parts = &mut parts[..chunks];
        window
            .par_chunks(CHUNK)
            .zip(parts.par_iter_mut())
            .for_each(|(chunk, part)| {
                part.clear();
                for item in chunk {
                    part.extend_from_slice(b",\n");
                    part.extend_from_slice(indent.as_bytes());
                    each(item, part, indent.as_bytes());
                }
            });
        for part in parts.iter() {
            // Every item but the first follows a comma.
            out.write_all(separator)?;
            out.write_all(&part[2..])?;
            separator = b",\n";
        }
    }
    out.write_all(b"\n")?;
    out.write_all(&indent.as_bytes()[2..])?;
    out.write_all(b"]")
}

/// Appends `json` to `out` with `indent` after each of its line breaks.
fn indent_into(out: &mut Vec<u8>, json: &[u8], indent: &[u8]) {
    let mut line = 0;
    swar::each(json, b'\n', |at| {
        out.extend_from_slice(&json[line..=at]);
        out.extend_from_slice(indent);
        line = at + 1;
    });
    out.extend_from_slice(&json[line..]);
}

/// A finding of the JSON report. Written by [`JsonFinding::write_pretty`], which writes what
/// `serde_json`'s pretty printer would (the tests hold the two to each other).
#[cfg_attr(test, derive(Serialize))]
struct JsonFinding<'a> {
    code: &'a str,
    column: usize,
    file: &'a str,
    hint: Option<&'a str>,
    line: usize,
    message: &'a str,
    related: Vec<JsonPlace<'a>>,
    severity: &'a str,
}

#[cfg_attr(test, derive(Serialize))]
struct JsonPlace<'a> {
    column: usize,
    file: &'a str,
    line: usize,
    message: &'a str,
}

impl JsonFinding<'_> {
    /// Appends the finding as `serde_json::to_writer_pretty` writes it, fields in order,
    /// with `indent` after each line break (where it sits in the report): its strings are
    /// most of a report's bytes, and [`json::string`] copies them eight bytes at a time
    /// where `serde_json` looks each byte up.
    fn write_pretty(&self, out: &mut Vec<u8>, indent: &[u8]) {
        let line = |out: &mut Vec<u8>, text: &[u8]| {
            out.push(b'\n');
            out.extend_from_slice(indent);
            out.extend_from_slice(text);
        };
        out.push(b'{');
        line(out, b"  \"code\": ");
        json::string(out, self.code);
        out.push(b',');
        line(out, b"  \"column\": ");
        json::number(out, self.column);
        out.push(b',');
        line(out, b"  \"file\": ");
        json::string(out, self.file);
        out.push(b',');
        line(out, b"  \"hint\": ");
        match self.hint {
            Some(hint) => json::string(out, hint),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b',');
        line(out, b"  \"line\": ");
        json::number(out, self.line);
        out.push(b',');
        line(out, b"  \"message\": ");
        json::string(out, self.message);
        out.push(b',');
        line(out, b"  \"related\": [");
        for (i, place) in self.related.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            line(out, b"    {");
            line(out, b"      \"column\": ");
            json::number(out, place.column);
            out.push(b',');
            line(out, b"      \"file\": ");
            json::string(out, place.file);
            out.push(b',');
            line(out, b"      \"line\": ");
            json::number(out, place.line);
            out.push(b',');
            line(out, b"      \"message\": ");
            json::string(out, place.message);
            line(out, b"    }");
        }
        if !self.related.is_empty() {
            line(out, b"  ");
        }
        out.extend_from_slice(b"],");
        line(out, b"  \"severity\": ");
        json::string(out, self.severity);
        line(out, b"}");
    }
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct JsonSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<JsonBaseline>,
    errors: usize,
    links_checked: usize,
    links_unchecked: usize,
    pages: usize,
    suppressed: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonBaseline {
    fixed: usize,
    known: usize,
}

fn json_summary(diagnostics: &[Diagnostic], summary: &Summary) -> JsonSummary {
    let counts = Counts::of(diagnostics);
    JsonSummary {
        baseline: summary.baseline.map(|baseline| JsonBaseline {
            fixed: baseline.fixed,
            known: baseline.known,
        }),
        errors: counts.errors,
        links_checked: summary.links_checked,
        links_unchecked: summary.links_unchecked,
        pages: summary.pages,
        suppressed: summary.suppressed,
        warnings: counts.warnings,
    }
}

/// One finding of the JSON report.
fn json_finding<'a>(diagnostic: &'a Diagnostic, files: &'a SourceMap) -> JsonFinding<'a> {
    let (file, line, column) = position(diagnostic, files);
    let related = places(diagnostic)
        .map(|label| {
            let file = files.get(label.span.file);
            let (line, column) = file.line_col(label.span.range.start);
            JsonPlace {
                column,
                file: file.display_path(),
                line,
                message: &label.message,
            }
        })
        .collect();
    JsonFinding {
        code: diagnostic.code.as_str(),
        column,
        file,
        hint: diagnostic.hint.as_deref(),
        line,
        message: &diagnostic.message,
        related,
        severity: diagnostic.severity.as_str(),
    }
}

/// Every other place a finding names: its labels, then the places it groups.
fn places(diagnostic: &Diagnostic) -> impl Iterator<Item = &super::Label> {
    diagnostic.labels.iter().chain(&diagnostic.related)
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
        "case-mismatch" => "a link whose target exists only with other letter case",
        "unused-suppression" => "a privdoc-disable comment that suppresses nothing",
        _ => "a privdoc finding",
    }
}

const LOAD_CODES: [&str; 5] = ["io", "toml", "schema", "config", "template"];

/// Every code, in the order of the SARIF log's rules.
fn rule_ids() -> Vec<&'static str> {
    LOAD_CODES
        .into_iter()
        .chain(CheckCode::ALL.iter().map(|c| c.as_str()))
        .collect()
}

fn sarif<'a>(diagnostics: &'a [Diagnostic], files: &'a SourceMap) -> SarifLog<'a> {
    let rule_ids = rule_ids();
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
    let results = SarifResults {
        diagnostics,
        files,
        rule_ids,
    };
    SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [SarifRun {
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: json!({
                "%SRCROOT%": {
                    "description": { "text": "The directory privdoc ran in (in CI, the checkout): every result's path is relative to it." },
                },
                "PROJECTROOT": {
                    "uri": if files.base().is_empty() { "./" } else { files.base() },
                    "uriBaseId": "%SRCROOT%",
                    "description": { "text": "The privdoc project (its book.toml)." },
                },
            }),
            results,
            tool: json!({
                "driver": {
                    "name": "privdoc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            }),
        }],
        version: "2.1.0",
    }
}

// SARIF, like JSON, is written from structs whose fields are in alphabetical order.

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [SarifRun<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    column_kind: &'static str,
    original_uri_base_ids: Value,
    results: SarifResults<'a>,
    tool: Value,
}

/// The results, serialized one at a time as they are made.
struct SarifResults<'a> {
    diagnostics: &'a [Diagnostic],
    files: &'a SourceMap,
    rule_ids: Vec<&'static str>,
}

impl Serialize for SarifResults<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.diagnostics
                .iter()
                .map(|diagnostic| sarif_result(diagnostic, self.files, &self.rule_ids)),
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [SarifLocation; 1],
    message: SarifText<String>,
    partial_fingerprints: SarifFingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<SarifHint<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifRelated<'a>>,
    rule_id: &'static str,
    rule_index: usize,
}

#[derive(Serialize)]
struct SarifText<T> {
    text: T,
}

#[derive(Serialize)]
struct SarifFingerprints {
    #[serde(rename = "privdoc/v1")]
    privdoc: String,
}

#[derive(Serialize)]
struct SarifHint<'a> {
    hint: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysical<SarifRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical<R> {
    artifact_location: SarifArtifact,
    region: R,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifStart {
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRelated<'a> {
    id: usize,
    message: SarifText<&'a str>,
    physical_location: SarifPhysical<SarifStart>,
}

fn sarif_result<'a>(
    diagnostic: &'a Diagnostic,
    files: &SourceMap,
    rule_ids: &[&str],
) -> SarifResult<'a> {
    let file = files.get(diagnostic.span.file);
    let (line, column) = file.line_col(diagnostic.span.range.start);
    let (end_line, end_column) =
        file.line_col(diagnostic.span.range.end.max(diagnostic.span.range.start));
    let code = diagnostic.code.as_str();
    let fingerprint = xxhash_rust::xxh3::xxh3_64(
        format!("{code}\0{}\0{}", file.display_path(), diagnostic.message).as_bytes(),
    );
    // GitHub shows the message, not `properties`: the hint goes in it.
    let text = match &diagnostic.hint {
        Some(hint) => format!("{}\nhint: {hint}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    let artifact = |file: &super::SourceFile| SarifArtifact {
        uri: format!("{}{}", files.base(), file.display_path()),
        uri_base_id: "%SRCROOT%",
    };
    let related_locations = places(diagnostic)
        .enumerate()
        .map(|(id, label)| {
            let other = files.get(label.span.file);
            let (line, column) = other.line_col(label.span.range.start);
            SarifRelated {
                id,
                message: SarifText {
                    text: &label.message,
                },
                physical_location: SarifPhysical {
                    artifact_location: artifact(other),
                    region: SarifStart {
                        start_column: column,
                        start_line: line,
                    },
                },
            }
        })
        .collect();
    SarifResult {
        level: diagnostic.severity.as_str(),
        locations: [SarifLocation {
            physical_location: SarifPhysical {
                artifact_location: artifact(file),
                region: SarifRegion {
                    end_column: if (end_line, end_column) == (line, column) {
                        column + 1
                    } else {
                        end_column
                    },
                    end_line,
                    start_column: column,
                    start_line: line,
                },
            },
        }],
        message: SarifText { text },
        partial_fingerprints: SarifFingerprints {
            privdoc: format!("{fingerprint:016x}"),
        },
        properties: diagnostic.hint.as_deref().map(|hint| SarifHint { hint }),
        related_locations,
        rule_id: code,
        rule_index: rule_ids.iter().position(|id| *id == code).unwrap_or(0),
    }
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
        .map(|label| (clamp(file.text(), &label.span.range), &*label.message))
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
        primary = primary.label(&**label);
    }
    let mut snippet = Snippet::source(&file.text()[lines.clone()])
        .line_start(first_line)
        .path(path)
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
                &*label.message,
            )
        })
        .collect();
    for (other, path, first_line, lines, range, message) in &others {
        let span = range.start - lines.start..range.end - lines.start;
        group = group.element(
            Snippet::source(&other.text()[lines.clone()])
                .line_start(*first_line)
                .path(*path)
                .annotation(AnnotationKind::Context.span(span).label(*message)),
        );
    }
    let mut report = vec![group];
    if !diagnostic.related.is_empty() {
        report.push(Group::with_title(
            Level::NOTE.secondary_title(more_places(diagnostic, files)),
        ));
    }
    if let Some(hint) = &diagnostic.hint {
        report.push(Group::with_title(Level::HELP.secondary_title(&**hint)));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

/// "and 36 more places: a.md:14, a.md:20, …", for a finding that groups many.
fn more_places(diagnostic: &Diagnostic, files: &SourceMap) -> String {
    const LISTED: usize = 4;
    let listed: Vec<String> = diagnostic
        .related
        .iter()
        .take(LISTED)
        .map(|label| {
            let file = files.get(label.span.file);
            format!(
                "{}:{}",
                file.display_path(),
                file.line(label.span.range.start)
            )
        })
        .collect();
    let more = diagnostic.related.len();
    let ellipsis = if more > LISTED {
        ", … (`--format json` lists them all)"
    } else {
        ""
    };
    let places = if more == 1 { "place" } else { "places" };
    format!("and {more} more {places}: {}{ellipsis}", listed.join(", "))
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
    fn indenting_puts_the_indent_after_every_line_break() {
        for json in [
            "",
            "\n",
            "{",
            "{\n  \"a\": 1\n}",
            "0123456\n01234567\n\n\n012345678",
        ] {
            let mut out = b"x".to_vec();
            indent_into(&mut out, json.as_bytes(), b"  ");
            assert_eq!(
                out,
                format!("x{}", json.replace('\n', "\n  ")).as_bytes(),
                "{json:?}"
            );
        }
    }

    /// A sequence written a chunk at a time in parallel is what `serde_json`'s pretty
    /// printer writes for it whole, nested or not: on both sides of the chunk and window
    /// sizes, with empty and nested values and strings holding escaped line breaks.
    #[test]
    fn pretty_sequences_written_in_parallel_are_serde_jsons() {
        let item = |i: usize| {
            json!({
                "n": i,
                "text": format!("line {i}\nnext \"quoted\""),
                "empty": {},
                "none": [],
                "nested": [{"a": [1, 2]}, []],
            })
        };
        for len in [0, 1, 2, 255, 256, 257, 4096, 4097, 9000] {
            let items: Vec<Value> = (0..len).map(item).collect();
            for depth in [0, 1, 3] {
                let mut written = Vec::new();
                write_pretty_seq(&mut written, &items, depth, |v, part, indent| {
                    indent_into(part, &serde_json::to_vec_pretty(v).unwrap(), indent);
                })
                .unwrap();
                // The same sequence as serde_json writes it `depth` levels deep.
                let mut nested = json!(items);
                for _ in 0..depth {
                    nested = json!([nested]);
                }
                let whole = serde_json::to_string_pretty(&nested).unwrap();
                let indent = "  ".repeat(depth);
                let start = whole
                    .find(&format!("\n{indent}["))
                    .map_or(0, |at| at + 1 + indent.len());
                let (expected, rest) =
                    whole[start..].split_at(written.len().min(whole.len() - start));
                assert!(
                    rest.is_empty() || rest.starts_with('\n'),
                    "the sequence ends where serde_json's does"
                );
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    expected,
                    "{len} items at depth {depth}"
                );
            }
        }
    }

    fn rendered(format: Format, diagnostics: &[Diagnostic], files: &SourceMap) -> String {
        render(format, diagnostics, files, &Summary::default(), false)
    }

    #[test]
    fn github_commands_escape_what_github_parses() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn the_human_format_totals_each_code_then_shows_a_sample_of_each() {
        let mut files = SourceMap::default();
        let text: String = (0..120).fold(String::new(), |mut text, i| {
            let _ = writeln!(text, "line {i:03}");
            text
        });
        let file = files.add("page.md".into(), text.into());
        let finding = |i: usize, code: CheckCode| {
            let span = Span {
                file,
                range: 9 * i..9 * i + 4,
            };
            Diagnostic::warning(Code::Check(code), span, format!("finding {i}"))
        };
        let mut diagnostics: Vec<Diagnostic> = (0..SNIPPETS_PER_CODE + 2)
            .map(|i| finding(i, CheckCode::BrokenLink))
            .collect();
        diagnostics.push(finding(100, CheckCode::CaseMismatch));
        let out = rendered(Format::Human, &diagnostics, &files);
        assert!(
            out.starts_with(
                "findings by check:\n  broken-link        27  (27 warnings)\n  case-mismatch       1  (1 warning)\n"
            ),
            "{out}"
        );
        assert_eq!(out.matches("--> page.md").count(), SNIPPETS_PER_CODE + 1);
        assert!(out.contains("finding 100"), "{out}");
        assert!(!out.contains("finding 26"), "{out}");
        assert!(
            out.contains(
                "note: and 2 more `broken-link` findings (`--format short` lists every finding)"
            ),
            "{out}"
        );
        // A few findings need no totals.
        let out = rendered(Format::Human, &diagnostics[..2], &files);
        assert!(!out.contains("findings by check"), "{out}");
    }

    #[test]
    fn grouped_places_are_counted_in_the_human_format_and_listed_in_json_and_sarif() {
        let mut files = SourceMap::default();
        let file = files.add("a.md".into(), "one\ntwo\nthree\nfour\n".into());
        let at = |start: usize| Span::new(file, start..start + 1);
        let diagnostic = Diagnostic::warning(
            Code::Check(CheckCode::DuplicateSentence),
            at(0),
            "shares 2 sentences",
        )
        .with_note(at(4), "first written here")
        .with_related(at(8), "repeated here")
        .with_related(at(14), "first written here");
        let diagnostics = [diagnostic];
        let human = rendered(Format::Human, &diagnostics, &files);
        assert!(
            human.contains("note: and 2 more places: a.md:3, a.md:4"),
            "{human}"
        );
        let json: Value =
            serde_json::from_str(&rendered(Format::Json, &diagnostics, &files)).unwrap();
        let lines: Vec<u64> = json["diagnostics"][0]["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, [2, 3, 4]);
        let sarif: Value =
            serde_json::from_str(&rendered(Format::Sarif, &diagnostics, &files)).unwrap();
        let related = sarif["runs"][0]["results"][0]["relatedLocations"]
            .as_array()
            .unwrap();
        assert_eq!(related.len(), 3);
        assert_eq!(related[2]["physicalLocation"]["region"]["startLine"], 4);
        assert_eq!(related[2]["message"]["text"], "first written here");
    }

    proptest::proptest! {
        #[test]
        fn findings_are_written_as_serde_json_pretty_prints_them(
            strings in proptest::collection::vec("[a-z/.`\"\\\\\n\t\u{1}\u{e9} ]{0,12}|\\PC{0,12}", 5),
            numbers in proptest::collection::vec(proptest::prelude::any::<usize>(), 2),
            hint in proptest::option::of("[a-z`\"]{0,12}"),
            related in proptest::collection::vec(("[a-z/\"\\\\]{0,12}", 0usize..100_000), 0..4),
        ) {
            let places: Vec<JsonPlace<'_>> = related
                .iter()
                .map(|(text, n)| JsonPlace { column: n + 1, file: text, line: *n, message: text })
                .collect();
            let finding = JsonFinding {
                code: &strings[0],
                column: numbers[0],
                file: &strings[1],
                hint: hint.as_deref(),
                line: numbers[1],
                message: &strings[2],
                related: places,
                severity: &strings[3],
            };
            let theirs = serde_json::to_vec_pretty(&finding).unwrap();
            for indent in ["", "    "] {
                let (mut ours, mut indented) = (Vec::new(), Vec::new());
                finding.write_pretty(&mut ours, indent.as_bytes());
                indent_into(&mut indented, &theirs, indent.as_bytes());
                proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(indented).unwrap());
            }
        }
    }
}

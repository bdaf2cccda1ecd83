//! Text formats for diagnostics. `human` is rustc-style with caret snippets (rendered by
//! annotate-snippets); `short` is one `path:line:col: severity[code]: message` line each,
//! for editors and grep.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity, SourceMap};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Caret snippets like rustc, with a hint.
    #[default]
    Human,
    /// One line per finding.
    Short,
}

/// Renders `diagnostics` (already sorted) in `format`. `styled` adds ANSI colours;
/// the caller strips them where the output is not a terminal.
#[must_use]
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    styled: bool,
) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        match format {
            Format::Human => {
                out.push_str(&human(diagnostic, sources, styled));
                out.push_str("\n\n");
            }
            Format::Short => {
                out.push_str(&short(diagnostic, sources));
                out.push('\n');
            }
        }
    }
    out
}

fn short(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let file = sources.get(diagnostic.span.file);
    let (line, column) = file.line_col(diagnostic.span.range.start);
    format!(
        "{}:{line}:{column}: {}[{}]: {}",
        file.display_path(),
        diagnostic.severity.as_str(),
        diagnostic.code.as_str(),
        diagnostic.message
    )
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

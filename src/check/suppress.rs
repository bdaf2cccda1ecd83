//! Suppressions, markdownlint's convention in privdoc's name: in Markdown
//! `<!-- privdoc-disable CODE … -->` until `<!-- privdoc-enable CODE … -->` (or the end of
//! the file), `<!-- privdoc-disable-next-line CODE -->` and `<!-- privdoc-disable-line
//! CODE -->`; in TOML the same words in a comment of their own line
//! (`# privdoc-disable-next-line CODE`). Without a code they cover every check. A
//! suppression that covers nothing, or names no check, is itself a finding
//! (`unused-suppression`): a finding fixed leaves its comment behind otherwise.

use rayon::prelude::*;

use crate::diag::{CheckCode, Code, Diagnostic, FileId, SourceFile, SourceMap, Span, did_you_mean};

/// What a suppression comment says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Disable,
    Enable,
    DisableLine,
    DisableNextLine,
}

impl Verb {
    const ALL: [(&'static str, Self); 4] = [
        // Longest first: `privdoc-disable` is a prefix of the others.
        ("privdoc-disable-next-line", Self::DisableNextLine),
        ("privdoc-disable-line", Self::DisableLine),
        ("privdoc-disable", Self::Disable),
        ("privdoc-enable", Self::Enable),
    ];
}

/// One suppression comment.
#[derive(Debug)]
struct Directive {
    verb: Verb,
    /// The checks it names; empty for all.
    codes: Vec<CheckCode>,
    /// Names that are not checks, with where they are.
    unknown: Vec<(String, Span)>,
    /// The comment, for reports.
    span: Span,
    /// The line it is on and the line it ends on (1-based).
    line: usize,
    end_line: usize,
    /// Whether it suppressed a finding.
    used: bool,
}

impl Directive {
    fn covers(&self, code: CheckCode) -> bool {
        // Without a code, every check; with only names that are no check, none.
        (self.codes.is_empty() && self.unknown.is_empty()) || self.codes.contains(&code)
    }
}

/// The suppressions of one file.
struct FileDirectives {
    file: FileId,
    directives: Vec<Directive>,
    /// From each line on (sorted), which directive disables each check, if any: the
    /// state of the `disable`/`enable` blocks.
    blocks: Vec<(usize, [Option<usize>; CheckCode::ALL.len()])>,
}

/// Drops the findings a suppression covers and returns how many it dropped. With
/// `report_unused`, adds an `unused-suppression` warning for each suppression that covered
/// nothing or names no check (not when the checks did not run: then nothing was found to
/// suppress).
pub(crate) fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    files: &SourceMap,
    report_unused: bool,
) -> usize {
    // Each file is searched for a directive, thousands of them side by side.
    let all: Vec<_> = files.iter().collect();
    let mut by_file: Vec<FileDirectives> = all
        .into_par_iter()
        .filter_map(|(id, file)| directives(id, file))
        .collect();
    if by_file.is_empty() {
        return 0;
    }
    let before = diagnostics.len();
    diagnostics.retain(|diagnostic| {
        let Code::Check(code) = diagnostic.code else {
            return true;
        };
        let Some(directives) = by_file.iter_mut().find(|d| d.file == diagnostic.span.file) else {
            return true;
        };
        let line = files
            .get(diagnostic.span.file)
            .line(diagnostic.span.range.start);
        match directives.covering(code, line) {
            Some(at) => {
                directives.directives[at].used = true;
                false
            }
            None => true,
        }
    });
    let suppressed = before - diagnostics.len();
    if report_unused {
        for file in &by_file {
            for directive in &file.directives {
                diagnostics.extend(unused(directive));
            }
        }
    }
    suppressed
}

/// The findings about a suppression: names that are no check, and covering nothing.
fn unused(directive: &Directive) -> Vec<Diagnostic> {
    let code = Code::Check(CheckCode::UnusedSuppression);
    let mut found: Vec<Diagnostic> = directive
        .unknown
        .iter()
        .map(|(name, span)| {
            let hint = did_you_mean(name, CheckCode::ALL.iter().map(|c| c.as_str())).map_or_else(
                || {
                    "the codes are those of [preprocessor.privdoc.checks], such as `broken-link`"
                        .to_owned()
                },
                |close| format!("did you mean `{close}`?"),
            );
            Diagnostic::warning(
                code,
                span.clone(),
                format!("`{name}` is not a check, so nothing is suppressed for it"),
            )
            .with_label("not a check")
            .with_hint(hint)
        })
        .collect();
    let names_a_check = directive.unknown.is_empty() || !directive.codes.is_empty();
    if !directive.used && directive.verb != Verb::Enable && names_a_check {
        let what = if directive.codes.is_empty() {
            "no finding".to_owned()
        } else {
            let codes: Vec<&str> = directive.codes.iter().map(|c| c.as_str()).collect();
            format!("no `{}` finding", codes.join("`, `"))
        };
        found.push(
            Diagnostic::warning(
                code,
                directive.span.clone(),
                format!("this suppression covers {what}"),
            )
            .with_label("suppresses nothing")
            .with_hint("remove the comment: the finding it was written for is gone"),
        );
    }
    found
}

impl FileDirectives {
    /// The directive that suppresses `code` at `line`, if any.
    fn covering(&self, code: CheckCode, line: usize) -> Option<usize> {
        let lines = self.directives.iter().enumerate().find(|(_, d)| {
            d.covers(code)
                && match d.verb {
                    Verb::DisableLine => (d.line..=d.end_line).contains(&line),
                    Verb::DisableNextLine => d.end_line + 1 == line,
                    Verb::Disable | Verb::Enable => false,
                }
        });
        if let Some((at, _)) = lines {
            return Some(at);
        }
        let state = self.blocks.partition_point(|(from, _)| *from <= line);
        let slot = CheckCode::ALL.iter().position(|c| *c == code)?;
        state.checked_sub(1).and_then(|at| self.blocks[at].1[slot])
    }
}

/// The suppressions of `file`, if it has any.
fn directives(id: FileId, file: &SourceFile) -> Option<FileDirectives> {
    let path = file.path().to_string_lossy();
    let markdown = path.ends_with(".md");
    if !(markdown || path.ends_with(".toml")) || !file.text().contains("privdoc-") {
        return None;
    }
    let text: &str = file.text();
    let comments = if markdown {
        markdown_comments(text)
    } else {
        toml_comments(text)
    };
    let directives: Vec<Directive> = comments
        .into_iter()
        .filter_map(|(range, body_start, body)| parse(id, file, range, body_start, body))
        .collect();
    if directives.is_empty() {
        return None;
    }
    let mut blocks = Vec::new();
    let mut state = [None; CheckCode::ALL.len()];
    for (at, directive) in directives.iter().enumerate() {
        let set = match directive.verb {
            Verb::Disable => Some(at),
            Verb::Enable => None,
            Verb::DisableLine | Verb::DisableNextLine => continue,
        };
        for (slot, code) in CheckCode::ALL.iter().enumerate() {
            if directive.covers(*code) {
                state[slot] = set;
            }
        }
        blocks.push((directive.line, state));
    }
    Some(FileDirectives {
        file: id,
        directives,
        blocks,
    })
}

/// A directive from a comment's body (`privdoc-disable broken-link`), or `None` when the
/// comment is not one.
fn parse(
    id: FileId,
    file: &SourceFile,
    range: std::ops::Range<usize>,
    body_start: usize,
    body: &str,
) -> Option<Directive> {
    let trimmed = body.trim_start();
    let lead = body.len() - trimmed.len();
    let (word, verb) = Verb::ALL.into_iter().find(|(word, _)| {
        trimmed.starts_with(word)
            && trimmed[word.len()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
    })?;
    let mut codes = Vec::new();
    let mut unknown = Vec::new();
    let rest_start = body_start + lead + word.len();
    let rest = &trimmed[word.len()..];
    for (offset, name) in words(rest) {
        if let Some(code) = CheckCode::ALL.iter().find(|c| c.as_str() == name) {
            codes.push(*code);
        } else {
            let at = rest_start + offset;
            unknown.push((name.to_owned(), Span::new(id, at..at + name.len())));
        }
    }
    Some(Directive {
        verb,
        codes,
        unknown,
        line: file.line(range.start),
        end_line: file.line(range.end.saturating_sub(1).max(range.start)),
        span: Span::new(id, range),
        used: false,
    })
}

/// The white-space separated words of `text` with their offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
}

/// The HTML comments of Markdown outside fenced code: (the comment's range, where its body
/// starts, the body).
fn markdown_comments(text: &str) -> Vec<(std::ops::Range<usize>, usize, &str)> {
    let mut comments = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent < 4 {
            let marker = trimmed.bytes().next().filter(|b| matches!(b, b'`' | b'~'));
            if let Some(marker) = marker {
                let run = trimmed.bytes().take_while(|b| *b == marker).count();
                match fence {
                    None if run >= 3 => fence = Some((marker, run)),
                    Some((open, len))
                        if open == marker && run >= len && trimmed[run..].trim().is_empty() =>
                    {
                        fence = None;
                    }
                    _ => {}
                }
                continue;
            }
        }
        if fence.is_some() {
            continue;
        }
        let mut search = 0;
        while let Some(found) = line[search..].find("<!--") {
            let open = start + search + found;
            let body_start = open + 4;
            let Some(close) = text[body_start..].find("-->") else {
                break;
            };
            let body_end = body_start + close;
            comments.push((open..body_end + 3, body_start, &text[body_start..body_end]));
            if body_end + 3 > offset {
                // The comment ran over several lines: go on after it.
                while offset < body_end + 3 {
                    match lines.next() {
                        Some(next) => offset += next.len(),
                        None => break,
                    }
                }
                break;
            }
            search = body_end + 3 - start;
        }
    }
    comments
}

/// The comments of TOML that stand on a line of their own.
fn toml_comments(text: &str) -> Vec<(std::ops::Range<usize>, usize, &str)> {
    let mut comments = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if let Some(body) = trimmed.strip_prefix('#') {
            let body = body.trim_end();
            let body_start = start + (line.len() - trimmed.len()) + 1;
            comments.push((body_start - 1..body_start + body.len(), body_start, body));
        }
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(files: &SourceMap, file: FileId, line: usize, code: CheckCode) -> Diagnostic {
        let text = files.get(file).text();
        let start = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum::<usize>();
        Diagnostic::error(
            Code::Check(code),
            Span::new(file, start..start + 1),
            format!("at {line}"),
        )
    }

    fn run(path: &str, text: &str, found: &[(usize, CheckCode)]) -> (Vec<String>, usize) {
        let mut files = SourceMap::default();
        let file = files.add(path.into(), text.into());
        let mut diagnostics: Vec<Diagnostic> = found
            .iter()
            .map(|&(line, code)| finding(&files, file, line, code))
            .collect();
        let suppressed = apply(&mut diagnostics, &files, true);
        let left = diagnostics
            .iter()
            .map(|d| {
                let line = files.get(d.span.file).line(d.span.range.start);
                format!("{line} {} {}", d.code.as_str(), d.message)
            })
            .collect();
        (left, suppressed)
    }

    #[test]
    fn markdown_blocks_lines_and_next_lines() {
        use CheckCode::{BrokenLink, DuplicateSentence};
        let text = "\
# Page
<!-- privdoc-disable broken-link -->
[a](x.md)
[b](y.md) and a repeated sentence
<!-- privdoc-enable broken-link -->
[c](z.md)
<!-- privdoc-disable-next-line -->
[d](w.md)
[e](v.md) <!-- privdoc-disable-line broken-link case-mismatch -->
";
        let (left, suppressed) = run(
            "content/a.md",
            text,
            &[
                (3, BrokenLink),
                (4, BrokenLink),
                (4, DuplicateSentence),
                (6, BrokenLink),
                (8, BrokenLink),
                (9, BrokenLink),
            ],
        );
        assert_eq!(suppressed, 4);
        assert_eq!(left, ["4 duplicate-sentence at 4", "6 broken-link at 6"]);
    }

    #[test]
    fn unused_and_unknown_suppressions_are_reported() {
        let text = "\
<!-- privdoc-disable-next-line broken-links -->
[a](x.md)
<!-- privdoc-disable-next-line near-duplicate -->
Fine text.
```markdown
<!-- privdoc-disable-next-line near-duplicate -->
```
";
        let (left, suppressed) = run("a.md", text, &[(2, CheckCode::BrokenLink)]);
        assert_eq!(suppressed, 0);
        assert_eq!(
            left,
            [
                "2 broken-link at 2",
                "1 unused-suppression `broken-links` is not a check, so nothing is suppressed for it",
                "3 unused-suppression this suppression covers no `near-duplicate` finding",
            ]
        );
    }

    #[test]
    fn toml_comments_on_their_own_line() {
        let text = "\
id = \"x\"
# privdoc-disable-next-line duplicate-sentence
purpose = \"A purpose said twice in this file.\"
details = \"A purpose said twice in this file.\" # privdoc-disable-next-line
";
        let (left, suppressed) = run(
            "content/sources/x.toml",
            text,
            &[
                (3, CheckCode::DuplicateSentence),
                (4, CheckCode::DuplicateSentence),
            ],
        );
        assert_eq!(suppressed, 1);
        assert_eq!(left, ["4 duplicate-sentence at 4"]);
    }
}

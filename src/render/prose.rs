//! Prose as written → prose as published: `{{#include snippets/x.md}}` replaced by the
//! snippet, `[text](@sources/id)` and `[text](@services/id#anchor)` by relative links to
//! the generated pages (empty text filled with the entity's name). Unknown names are
//! `unknown-reference` findings at the line that wrote them.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::diag::{CheckCode, Code, Diagnostic, Span, did_you_mean};
use crate::model::{Model, Origin, Prose, ServiceId, SourceId};

use super::origin::{Anchor, Marks};
use super::paths;

pub(super) const INCLUDE_OPEN: &str = "{{#include ";
/// Includes nest at most this deep; deeper is almost certainly a cycle.
const MAX_INCLUDE_DEPTH: usize = 8;

/// Resolves prose for the page at `page` (a site path such as `services/mmd.md`).
pub(super) struct Resolver<'a> {
    pub(super) model: &'a Model,
    pub(super) page: &'a str,
}

impl Resolver<'_> {
    /// The published Markdown of `prose`, tagged with where each piece came from (see
    /// `origin`), pushing problems to `found`.
    pub(super) fn prose(
        &self,
        prose: &Prose,
        marks: &mut Marks,
        found: &mut Vec<Diagnostic>,
    ) -> String {
        self.text(&prose.text, &prose.origin, 0, marks, found)
    }

    /// The text with references rewritten and includes expanded. Unchanged runs keep an
    /// exact origin; a rewritten link points at the reference, an include at the snippet.
    fn text(
        &self,
        text: &str,
        origin: &Origin,
        depth: usize,
        marks: &mut Marks,
        found: &mut Vec<Diagnostic>,
    ) -> String {
        // Rewritten links are plain text (tagged here); included snippets come tagged.
        let mut edits: Vec<(Range<usize>, String, bool)> = self
            .references(text, origin, found)
            .into_iter()
            .map(|(range, link)| (range, link, false))
            .collect();
        for (range, path) in includes(text) {
            let span = origin.locate(range.clone());
            let Some(path) = path else {
                found.push(reference_error(
                    span,
                    "unterminated `{{#include`".to_owned(),
                    "write the include on one line: `{{#include snippets/name.md}}`".to_owned(),
                ));
                continue;
            };
            let included = self.include(path, span, depth, marks, found);
            edits.push((range, included, true));
        }
        edits.sort_by_key(|(range, _, _)| range.start);
        let mut out = String::with_capacity(text.len() + 16);
        let mut at = 0;
        for (range, replacement, tagged) in edits {
            if range.start < at {
                continue; // overlapping edits: keep the first
            }
            out.push_str(&marks.wrap(anchor(origin, at), &text[at..range.start]));
            if tagged {
                out.push_str(&replacement);
            } else {
                out.push_str(&marks.wrap(
                    Anchor {
                        exact: false,
                        ..anchor(origin, range.start)
                    },
                    &replacement,
                ));
            }
            at = range.end;
        }
        out.push_str(&marks.wrap(anchor(origin, at), &text[at..]));
        out
    }

    fn include(
        &self,
        path: &str,
        span: Span,
        depth: usize,
        marks: &mut Marks,
        found: &mut Vec<Diagnostic>,
    ) -> String {
        let Some(snippet) = self.model.snippets.get(path) else {
            if self.model.unloaded.snippets.contains(path) {
                return String::new(); // its own error is reported
            }
            let hint = match did_you_mean(path, self.model.snippets.keys().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("create `{path}` in the content directory"),
            };
            found.push(reference_error(
                span,
                format!("include of unknown snippet `{path}`"),
                hint,
            ));
            return String::new();
        };
        if depth >= MAX_INCLUDE_DEPTH {
            let message = format!("includes nest more than {MAX_INCLUDE_DEPTH} deep at `{path}`");
            found.push(reference_error(
                span,
                message,
                "a snippet probably includes itself".into(),
            ));
            return String::new();
        }
        let origin = Origin {
            span: Span::file_start(snippet.file),
            verbatim_start: Some(0),
        };
        let text = snippet.text.trim_end();
        self.text(text, &origin, depth + 1, marks, found)
    }

    /// Rewrites `@kind/id` link destinations; everything else is left byte for byte.
    fn references(
        &self,
        text: &str,
        origin: &Origin,
        found: &mut Vec<Diagnostic>,
    ) -> Vec<(Range<usize>, String)> {
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        if !text.contains("](@") && !text.contains("]: @") {
            return edits;
        }
        let mut open: Option<(Range<usize>, String, Option<Range<usize>>)> = None;
        for (event, range) in Parser::new_ext(text, crate::markdown::options()).into_offset_iter() {
            match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                    if dest_url.starts_with('@') =>
                {
                    open = Some((range, dest_url.to_string(), None));
                }
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    if let Some((range, dest, inner)) = open.take() {
                        edits.extend(self.reference(text, range, &dest, inner, origin, found));
                    }
                }
                _ => {
                    if let Some((_, _, inner)) = &mut open {
                        let start = inner.as_ref().map_or(range.start, |r| r.start);
                        *inner = Some(start..range.end);
                    }
                }
            }
        }
        edits
    }

    /// The edit for one reference link spanning `range`, whose text spans `inner`.
    fn reference(
        &self,
        text: &str,
        range: Range<usize>,
        dest: &str,
        inner: Option<Range<usize>>,
        origin: &Origin,
        found: &mut Vec<Diagnostic>,
    ) -> Option<(Range<usize>, String)> {
        let slice = &text[range.clone()];
        let dest_range = slice
            .rfind(dest)
            .map(|at| range.start + at..range.start + at + dest.len());
        let span = origin.locate(dest_range.clone().unwrap_or(range.clone()));
        let (target, name) = match self.target(dest, span) {
            Ok(resolved) => resolved,
            Err(problem) => {
                found.push(problem);
                return None;
            }
        };
        match (inner, dest_range) {
            (Some(_), Some(dest_range)) => Some((dest_range, target)),
            (Some(inner), None) => Some((range, format!("[{}]({target})", &text[inner]))),
            (None, _) => {
                let bang = if slice.starts_with('!') { "!" } else { "" };
                Some((
                    range,
                    format!("{bang}[{}]({target})", super::escape_markdown(&name)),
                ))
            }
        }
    }

    /// `@sources/intune#x` → (`../sources/intune.md#x`, "Microsoft Intune"), or the
    /// `unknown-reference` finding at `span`.
    fn target(&self, dest: &str, span: Span) -> Result<(String, String), Diagnostic> {
        let reference = &dest[1..];
        let (path, fragment) = reference
            .split_once('#')
            .map_or((reference, ""), |(p, f)| (p, f));
        let fragment = if fragment.is_empty() {
            String::new()
        } else {
            format!("#{fragment}")
        };
        let (kind, id) = path.split_once('/').unwrap_or((path, ""));
        let Some(kind) = RefKind::parse(kind) else {
            let message = format!("unknown reference kind `@{kind}`");
            let hint = "references are `@sources/<id>` or `@services/<id>`".to_owned();
            return Err(reference_error(span, message, hint));
        };
        let model = self.model;
        let (page, name, unloaded, ids) = match kind {
            RefKind::Sources => {
                let id = SourceId(id.to_owned());
                let name = model.source(&id).map(|s| s.name.clone());
                let ids: Vec<&str> = model.sources.iter().map(|s| s.id.as_str()).collect();
                (id.page(), name, &model.unloaded.sources, ids)
            }
            RefKind::Services => {
                let id = ServiceId(id.to_owned());
                let name = model.service(&id).map(|s| s.name.clone());
                let ids: Vec<&str> = model.services.iter().map(|s| s.id.as_str()).collect();
                (id.page(), name, &model.unloaded.services, ids)
            }
        };
        // A declaration whose file failed to load reports its own error; its name is the id.
        let name = name.or_else(|| unloaded.contains(id).then(|| id.to_owned()));
        let Some(name) = name else {
            let kind = kind.as_str();
            let hint = match did_you_mean(id, ids) {
                Some(close) => format!("did you mean `@{kind}/{close}`?"),
                None => format!("no file `content/{kind}/{id}.toml` declares it"),
            };
            let message = format!("unknown reference `@{kind}/{id}`");
            return Err(reference_error(span, message, hint));
        };
        let target = paths::relative(self.page, &page);
        Ok((format!("{target}{fragment}"), name))
    }
}

/// What an `@kind/id` reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Sources,
    Services,
}

impl RefKind {
    fn parse(kind: &str) -> Option<Self> {
        match kind {
            SourceId::DIR => Some(Self::Sources),
            ServiceId::DIR => Some(Self::Services),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Sources => SourceId::DIR,
            Self::Services => ServiceId::DIR,
        }
    }
}

/// The anchor of byte `at` of prose from `origin`.
fn anchor(origin: &Origin, at: usize) -> Anchor {
    match origin.verbatim_start {
        Some(start) => Anchor {
            file: origin.span.file,
            offset: start + at,
            exact: true,
            data: false,
        },
        None => Anchor {
            file: origin.span.file,
            offset: origin.span.range.start,
            exact: false,
            data: false,
        },
    }
}

fn reference_error(span: Span, message: String, hint: String) -> Diagnostic {
    Diagnostic::error(Code::Check(CheckCode::UnknownReference), span, message)
        .with_label("referenced here")
        .with_hint(hint)
}

/// The `{{#include …}}` directives of `text`: their ranges and paths; `None` for one that
/// is not closed on its line.
fn includes(text: &str) -> Vec<(Range<usize>, Option<&str>)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(INCLUDE_OPEN).map(|at| from + at) {
        let line_end = text[at..]
            .find(['\n', '\r'])
            .map_or(text.len(), |end| at + end);
        if let Some(end) = text[at..line_end].find("}}").map(|end| at + end + 2) {
            found.push((at..end, Some(text[at + INCLUDE_OPEN.len()..end - 2].trim())));
            from = end;
        } else {
            found.push((at..at + INCLUDE_OPEN.len(), None));
            from = at + INCLUDE_OPEN.len();
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::model_of;
    use crate::render::origin::unmark;

    fn resolve(text: &str) -> (String, Vec<Diagnostic>) {
        let (model, _, problems) = model_of(&[
            (
                "sources/agent.toml",
                "name = \"Device [Agent]\"\nurl = \"https://agent.example/\"\n",
            ),
            (
                "services/svc.toml",
                "name = \"Svc\"\nsummary = \"S.\"\n[[sources]]\nsource = \"agent\"\npurpose = \"p\"\n",
            ),
            ("snippets/duty.md", "We follow your directions.\n"),
            ("snippets/outer.md", "Outer: {{#include snippets/duty.md}}"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let resolver = Resolver {
            model: &model,
            page: "guide/faq.md",
        };
        let prose = Prose {
            text: text.to_owned(),
            origin: Origin {
                span: Span::file_start(model.services[0].file),
                verbatim_start: Some(0),
            },
        };
        let mut marks = Marks::default();
        let mut found = Vec::new();
        let marked = resolver.prose(&prose, &mut marks, &mut found);
        (unmark(&marked, &marks, None).0, found)
    }

    #[test]
    fn references_become_relative_links_and_includes_their_snippets() {
        let (text, found) = resolve(
            "See [](@sources/agent), [the rules](@services/svc#retention) and ![logo](@sources/agent). {{#include snippets/outer.md}}",
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            text,
            "See [Device \\[Agent\\]](../sources/agent.md), [the rules](../services/svc.md#retention) and ![logo](../sources/agent.md). Outer: We follow your directions."
        );
    }

    #[test]
    fn what_resolves_to_nothing_is_an_unknown_reference_with_a_hint() {
        let (text, found) = resolve(
            "[a](@sources/agnet) [b](@sourcez/agent) {{#include snippets/dutty.md}} {{#include snippets/x.md",
        );
        let reported: Vec<(String, Option<String>)> = found
            .into_iter()
            .map(|d| (d.message, d.hint.map(String::from)))
            .collect();
        assert_eq!(
            reported,
            [
                (
                    "unknown reference `@sources/agnet`".to_owned(),
                    Some("did you mean `@sources/agent`?".to_owned())
                ),
                (
                    "unknown reference kind `@sourcez`".to_owned(),
                    Some("references are `@sources/<id>` or `@services/<id>`".to_owned())
                ),
                (
                    "include of unknown snippet `snippets/dutty.md`".to_owned(),
                    Some("did you mean `snippets/duty.md`?".to_owned())
                ),
                (
                    "unterminated `{{#include`".to_owned(),
                    Some(
                        "write the include on one line: `{{#include snippets/name.md}}`".to_owned()
                    )
                ),
            ]
        );
        // What could not be resolved is left as written, for the writer to see.
        assert!(text.starts_with("[a](@sources/agnet)"), "{text}");
    }
}

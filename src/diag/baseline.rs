//! Baselines: today's findings recorded (`check --write-baseline FILE`) so that a later
//! run (`check --baseline FILE`) reports only new ones — how a team adopts a checker on a
//! repository that already has thousands of findings. Each finding is recorded as its
//! code, its file and a hash of its text — the line it points at and its message, with
//! numbers and quoted names left out — never its line number, so a finding is still known
//! after lines move above it; a page renamed with its text keeps its findings too, matched
//! by code and hash once no finding of the same file matches.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::{Code, Diagnostic, SourceMap};

/// The format version written into each baseline.
const VERSION: u32 = 1;

/// A recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// The file, relative to the project.
    file: String,
    /// The check code.
    code: String,
    /// The hash of the finding's text, 16 hex digits.
    hash: String,
    /// The message when it was recorded, for people reading the file; not compared.
    message: String,
}

/// A baseline file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Baseline {
    /// The format version.
    privdoc_baseline: u32,
    /// The recorded findings, sorted.
    findings: Vec<Entry>,
}

/// What comparing a run with a baseline found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Compared {
    /// Findings the baseline knows, not reported.
    pub known: usize,
    /// Baseline entries no finding matches any more: fixed, and removable.
    pub fixed: usize,
}

impl Baseline {
    /// The check findings of a run, as a baseline.
    #[must_use]
    pub(crate) fn record(diagnostics: &[Diagnostic], files: &SourceMap) -> Self {
        let mut findings: Vec<Entry> = diagnostics
            .iter()
            .filter(|d| matches!(d.code, Code::Check(_)))
            .map(|d| entry(d, files))
            .collect();
        findings.sort();
        Self {
            privdoc_baseline: VERSION,
            findings,
        }
    }

    /// The baseline as the JSON written to its file.
    #[must_use]
    pub(crate) fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline always serializes");
        text.push('\n');
        text
    }

    /// Reads a baseline written by [`Self::to_json`].
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let baseline: Self = serde_json::from_str(text)
            .map_err(|error| format!("not a privdoc baseline: {error}"))?;
        if baseline.privdoc_baseline != VERSION {
            return Err(format!(
                "baseline format {} is not the format {VERSION} this privdoc writes",
                baseline.privdoc_baseline
            ));
        }
        Ok(baseline)
    }

    /// Drops the findings the baseline knows from `diagnostics` and counts them, and the
    /// entries that match nothing any more.
    pub(crate) fn filter(&self, diagnostics: &mut Vec<Diagnostic>, files: &SourceMap) -> Compared {
        // Entries left to match, first by file, code and hash, then by code and hash
        // alone (a page renamed with its text).
        let mut in_file: HashMap<(&str, &str, &str), usize> = HashMap::new();
        for entry in &self.findings {
            *in_file
                .entry((
                    entry.file.as_str(),
                    entry.code.as_str(),
                    entry.hash.as_str(),
                ))
                .or_default() += 1;
        }
        let entries: Vec<Option<Entry>> = diagnostics
            .iter()
            .map(|d| matches!(d.code, Code::Check(_)).then(|| entry(d, files)))
            .collect();
        let mut known = vec![false; diagnostics.len()];
        for (at, entry) in entries.iter().enumerate() {
            let Some(entry) = entry else { continue };
            let key = (
                entry.file.as_str(),
                entry.code.as_str(),
                entry.hash.as_str(),
            );
            if let Some(left) = in_file.get_mut(&key).filter(|left| **left > 0) {
                *left -= 1;
                known[at] = true;
            }
        }
        let mut anywhere: HashMap<(&str, &str), usize> = HashMap::new();
        for ((_, code, hash), left) in &in_file {
            *anywhere.entry((code, hash)).or_default() += left;
        }
        for (at, entry) in entries.iter().enumerate() {
            let Some(entry) = entry.as_ref().filter(|_| !known[at]) else {
                continue;
            };
            if let Some(left) = anywhere
                .get_mut(&(entry.code.as_str(), entry.hash.as_str()))
                .filter(|left| **left > 0)
            {
                *left -= 1;
                known[at] = true;
            }
        }
        let mut at = 0;
        diagnostics.retain(|_| {
            at += 1;
            !known[at - 1]
        });
        Compared {
            known: known.iter().filter(|k| **k).count(),
            fixed: anywhere.values().sum(),
        }
    }
}

/// The baseline entry of a finding.
fn entry(diagnostic: &Diagnostic, files: &SourceMap) -> Entry {
    let file = files.get(diagnostic.span.file);
    let text: &str = file.text();
    let start = diagnostic.span.range.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |at| start + at);
    let line = text.get(line_start..line_end).unwrap_or("").trim();
    let code = diagnostic.code.as_str();
    let hashed = format!("{code}\0{line}\0{}", without_specifics(&diagnostic.message));
    Entry {
        file: file.display_path().to_owned(),
        code: code.to_owned(),
        hash: format!("{:016x}", xxh3_64(hashed.as_bytes())),
        message: diagnostic.message.clone(),
    }
}

/// `message` without what changes when nothing about the finding does: numbers (counts,
/// line numbers) and names in backticks (the other page of a repeat, which may move).
fn without_specifics(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '`' => {
                quoted = !quoted;
                out.push(c);
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{CheckCode, Span};

    fn finding(
        files: &mut SourceMap,
        path: &str,
        text: &str,
        needle: &str,
        message: &str,
    ) -> Diagnostic {
        let start = text.find(needle).unwrap();
        let file = files.add(path.into(), text.to_owned().into());
        Diagnostic::error(
            Code::Check(CheckCode::BrokenLink),
            Span::new(file, start..start + 1),
            message,
        )
    }

    #[test]
    fn a_finding_is_known_after_its_line_moves_and_its_page_is_renamed() {
        let mut files = SourceMap::default();
        let old = finding(
            &mut files,
            "a.md",
            "# A\n\n[x](gone.md)\n",
            "[x]",
            "link to `gone.md`, which does not exist",
        );
        let baseline = Baseline::record(&[old.clone(), old], &files);
        let baseline = Baseline::parse(&baseline.to_json()).unwrap();
        let mut files = SourceMap::default();
        let moved = finding(
            &mut files,
            "a.md",
            "# A\n\nNew text.\n\nMore.\n\n[x](gone.md)\n",
            "[x]",
            "link to `gone.md`, which does not exist",
        );
        let renamed = finding(
            &mut files,
            "b.md",
            "# B\n[x](gone.md)\n",
            "[x]",
            "link to `gone.md`, which does not exist",
        );
        let new = finding(
            &mut files,
            "a.md",
            "[y](other.md)\n",
            "[y]",
            "link to `other.md`, which does not exist",
        );
        let mut diagnostics = vec![moved, renamed, new.clone()];
        let compared = baseline.filter(&mut diagnostics, &files);
        assert_eq!(compared, Compared { known: 2, fixed: 0 });
        assert_eq!(diagnostics, [new]);
    }

    #[test]
    fn fixed_entries_are_counted() {
        let mut files = SourceMap::default();
        let one = finding(
            &mut files,
            "a.md",
            "[x](gone.md)\n",
            "[x]",
            "link to `gone.md`",
        );
        let two = finding(
            &mut files,
            "a.md",
            "[z](gone.md)\n",
            "[z]",
            "link to `gone.md`",
        );
        let baseline = Baseline::record(&[one.clone(), two], &files);
        let mut diagnostics = vec![one];
        assert_eq!(
            baseline.filter(&mut diagnostics, &files),
            Compared { known: 1, fixed: 1 }
        );
        assert!(diagnostics.is_empty());
        assert!(Baseline::parse("{\"privdoc-baseline\": 9, \"findings\": []}").is_err());
        assert!(Baseline::parse("[]").is_err());
    }

    #[test]
    fn numbers_and_quoted_names_do_not_make_a_finding_new() {
        assert_eq!(
            without_specifics("shares 37 sentences with `reference/a.md`, from line 12"),
            without_specifics("shares 38 sentences with `docs/b.md`, from line 9")
        );
        assert_ne!(
            without_specifics("link to `a`"),
            without_specifics("anchor of `a`")
        );
    }
}

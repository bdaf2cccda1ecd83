//! Diagnostics as values: a code, a severity, a message, a primary span, labels and at
//! most one hint. Spans are byte ranges into a [`SourceMap`]; line and column are computed
//! only when a diagnostic is printed. This module owns the text formats (`human`, `short`)
//! but never prints: `app` decides where the text goes.

mod baseline;
mod code;
mod format;

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::slice::ParallelSliceMut as _;

pub(crate) use baseline::{Baseline, Compared};
pub(crate) use code::{CheckCode, Level};
#[cfg(feature = "serve")]
pub(crate) use format::render;
pub(crate) use format::{Format, write};

/// How bad a finding is. Ordered so that `Error > Warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Reported, but the build still writes its output and exits 0.
    Warning,
    /// Stops the build: nothing is written and the exit code is 1.
    Error,
}

impl Severity {
    /// The word printed before the code (`error[broken-link]`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// The stable code of a diagnostic. Load-stage codes (`io`, `toml`, `schema`, `config`,
/// `template`) are always errors; check codes can be re-levelled in `book.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A file could not be read, or is not UTF-8.
    Io,
    /// A TOML file is not valid TOML.
    Toml,
    /// A TOML file does not match the declaration schema (unknown key, wrong type, missing field).
    Schema,
    /// `book.toml` holds an invalid setting.
    Config,
    /// A template failed to parse or render.
    Template,
    /// A configurable check.
    Check(CheckCode),
}

impl Code {
    /// Whether the problem leaves the model or the site incomplete (a file that could not
    /// be read or parsed, a template that failed): checks of such a site report noise.
    #[must_use]
    pub fn is_structural(self) -> bool {
        !matches!(self, Self::Check(_))
    }

    /// The code printed as `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Io,
            Self::Toml,
            Self::Schema,
            Self::Config,
            Self::Template,
        ]
        .into_iter()
        .chain(CheckCode::ALL.map(Self::Check))
        .find(|code| code.as_str() == name)
    }

    /// The code as printed and as written in `book.toml`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Io => "io",
            Self::Toml => "toml",
            Self::Schema => "schema",
            Self::Config => "config",
            Self::Template => "template",
            Self::Check(check) => check.as_str(),
        }
    }
}

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

impl FileId {
    /// Its index in the [`SourceMap`]: the order the file was added in.
    #[must_use]
    pub fn index(self) -> u32 {
        self.0
    }
}

/// A byte range in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range points into.
    pub file: FileId,
    /// Byte offsets into the file's text.
    pub range: Range<usize>,
}

impl Span {
    /// A span of `range` in `file`.
    #[must_use]
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Self { file, range }
    }

    /// The start of `file`, for problems that concern a whole file.
    #[must_use]
    pub fn file_start(file: FileId) -> Self {
        Self::new(file, 0..0)
    }
}

/// A secondary annotation: "the other definition is here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where the annotation points.
    pub span: Span,
    /// What it says: most often one of a check's fixed phrases, kept without a copy.
    pub message: Cow<'static, str>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One line, lowercase, no trailing period.
    pub message: String,
    /// The place to edit.
    pub span: Span,
    /// Text under the caret.
    pub label: Option<Cow<'static, str>>,
    /// Other places worth seeing, each shown with its snippet.
    pub labels: Vec<Label>,
    /// More places the finding groups (every repeat of a page pair): listed by machine
    /// formats, counted by the human one.
    pub related: Vec<Label>,
    /// How to fix it.
    pub hint: Option<Cow<'static, str>>,
}

impl Diagnostic {
    /// An error with `code` at `span`.
    #[must_use]
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, span, message)
    }

    /// A warning with `code` at `span`.
    #[must_use]
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, span, message)
    }

    fn new(code: Code, severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            span,
            label: None,
            labels: Vec::new(),
            related: Vec::new(),
            hint: None,
        }
    }

    /// Sets the text under the caret.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary annotation.
    #[must_use]
    pub fn with_note(mut self, span: Span, message: impl Into<Cow<'static, str>>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a place the finding groups.
    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<Cow<'static, str>>) -> Self {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the hint when there is one.
    #[must_use]
    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint.map(Cow::Owned).or(self.hint);
        self
    }
}

/// One loaded file: its path relative to the project root and its text.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    /// The path as printed (see [`SourceFile::display_path`]): every finding prints it.
    shown: Box<str>,
    text: Arc<str>,
    /// Where each line starts, in 32 bits: every file privdoc reads is at most 16 MiB
    /// (`load::MAX_PAGE_BYTES`, book.toml's own limit), and half the width is half the
    /// memory a large repository's million lines take.
    line_starts: Vec<u32>,
    /// How many bytes come before the first one that is not ASCII: up to there a column is
    /// the distance from the line's start, found without reading the line (a report's
    /// lookups would each wait for text not read since the checks).
    ascii: usize,
    /// The last column computed, `(byte offset, column)`: findings are reported in order,
    /// so the next one on the same line counts on from there, not from the line's start
    /// (100,000 findings on one long line would otherwise be quadratic).
    last_column: std::sync::Mutex<(usize, usize)>,
}

/// A byte offset into a file, in 32 bits (see [`SourceFile`]'s line starts).
fn offset32(offset: usize) -> u32 {
    u32::try_from(offset).expect("files privdoc reads are at most 16 MiB")
}

/// Where each line of `bytes` starts (0, and after each line break), and how many bytes
/// come before the first one that is not ASCII.
fn line_starts(bytes: &[u8]) -> (Vec<u32>, usize) {
    // Counted first (`memchr` counts a byte's places a vector at a time), the list is made
    // once at its size: not grown by copying, then copied again to shrink.
    let breaks = memchr::memchr_iter(b'\n', bytes).count();
    let mut starts = Vec::with_capacity(breaks + 1);
    starts.push(0);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: every x86-64 processor has SSE2.
    let (at, ascii) = unsafe { line_breaks_sse2(bytes, &mut starts) };
    #[cfg(not(target_arch = "x86_64"))]
    let (at, ascii) = (0, None);
    let rest = memchr::memchr_iter(b'\n', &bytes[at..]);
    starts.extend(rest.map(|found| offset32(at + found + 1)));
    let ascii = ascii.unwrap_or_else(|| {
        let rest = bytes[at..].iter().position(|byte| !byte.is_ascii());
        at + rest.unwrap_or(bytes.len() - at)
    });
    (starts, ascii)
}

/// Pushes where the lines after the line breaks in `bytes` start, sixteen bytes at a time,
/// and returns how many bytes it looked at (all but the last fifteen or fewer) and where
/// the first byte that is not ASCII is among them. Lines are short: a search that starts
/// over after each line break costs more per line than its bytes do.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn line_breaks_sse2(bytes: &[u8], starts: &mut Vec<u32>) -> (usize, Option<usize>) {
    use crate::swar::sixteen;
    let (mut at, mut not_ascii) = (0, None);
    while let Some(chunk) = bytes[at..].first_chunk() {
        let x = sixteen::load(chunk);
        let mut found = sixteen::equal(x, b'\n');
        while found != 0 {
            starts.push(offset32(at + found.trailing_zeros() as usize + 1));
            found &= found - 1;
        }
        // A byte that is not ASCII has its high bit set.
        let high = sixteen::bits(x);
        if high != 0 && not_ascii.is_none() {
            not_ascii = Some(at + high.trailing_zeros() as usize);
        }
        at += 16;
    }
    (at, not_ascii)
}

impl SourceFile {
    /// A file with where its lines start: the work of adding it to a [`SourceMap`], which
    /// readers of many files do in parallel.
    #[must_use]
    pub(crate) fn new(path: PathBuf, text: Arc<str>) -> Self {
        let (line_starts, ascii) = line_starts(text.as_bytes());
        let parts: Vec<_> = path.iter().map(|part| part.to_string_lossy()).collect();
        Self {
            shown: parts.join("/").into(),
            path,
            text,
            line_starts,
            ascii,
            last_column: std::sync::Mutex::new((usize::MAX, 0)),
        }
    }

    /// The path relative to the project root.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as printed: relative, with `/` separators on every platform.
    #[must_use]
    pub fn display_path(&self) -> &str {
        &self.shown
    }

    /// The file's text (lossily decoded when the file is not UTF-8).
    #[must_use]
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// The lines that byte `range` touches — the first one's number (1-based) and their
    /// byte range, line ends included — cut to a window around `range` when they are very
    /// long. A snippet needs only these, not the file.
    #[must_use]
    pub fn lines_around(&self, range: &std::ops::Range<usize>) -> (usize, std::ops::Range<usize>) {
        // A snippet of a very long line (minified HTML, a generated table) shows the part
        // around the finding, not megabytes of it.
        const CONTEXT: usize = 160;
        let first = self.line_index(range.start);
        let last = self.line_index(range.end.saturating_sub(1).max(range.start));
        let end = self
            .line_starts
            .get(last + 1)
            .map_or(self.text.len(), |&start| start as usize);
        let mut lines = self.line_starts[first] as usize..end;
        if lines.len() > range.len() + 4 * CONTEXT {
            let mut start = range.start.saturating_sub(CONTEXT).max(lines.start);
            while !self.text.is_char_boundary(start) {
                start -= 1;
            }
            let mut stop = range.end.saturating_add(CONTEXT).min(lines.end);
            while !self.text.is_char_boundary(stop) {
                stop += 1;
            }
            lines = start..stop;
        }
        (first + 1, lines)
    }

    /// The 1-based line of byte `offset`.
    #[must_use]
    pub fn line(&self, offset: usize) -> usize {
        self.line_index(offset) + 1
    }

    /// The 0-based line of byte `offset` (at most the file's length).
    fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts
            .partition_point(|&start| start as usize <= offset)
            - 1
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        // On a long line (a minified file) counting goes on from the last lookup on it,
        // so that many findings there cost the line's length once, not once each. A short
        // line is counted from its start, without the shared note: a report's threads
        // look up tens of thousands of places, many of them in the same files.
        const LONG: usize = 4096;
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts[line] as usize;
        if offset <= self.ascii {
            return (line + 1, offset - start + 1);
        }
        let mut last = (offset - start > LONG).then(|| {
            self.last_column
                .lock()
                .expect("no thread panics while holding it")
        });
        let (from, counted) = match &last {
            Some(last) if (start..=offset).contains(&last.0) => **last,
            _ => (start, 0),
        };
        let column = counted + self.text.get(from..offset).map_or(0, |s| s.chars().count());
        if let Some(last) = &mut last {
            **last = (offset, column);
        }
        (line + 1, column + 1)
    }
}

/// Every file a run has read, so diagnostics can point into them.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// The project directory relative to the directory privdoc runs in (`docs/`, or empty),
    /// for reports that CI resolves from there (GitHub annotations, SARIF).
    base: String,
}

impl SourceMap {
    /// Sets where the project is, relative to the current directory (see [`Self::base`]).
    pub fn set_base(&mut self, base: String) {
        self.base = base;
    }

    /// The project directory relative to the current directory: empty, or ending in `/`.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: Arc<str>) -> FileId {
        self.push(SourceFile::new(path, text))
    }

    /// Adds a file made (on any thread) by [`SourceFile::new`] and returns its id.
    pub(crate) fn push(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(file);
        id
    }

    /// Every file with its id, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(at, file)| {
            (
                FileId(u32::try_from(at).expect("fewer than 2^32 files")),
                file,
            )
        })
    }

    /// The id of the file added `index`th, if there is one.
    #[must_use]
    pub fn id(&self, index: u32) -> Option<FileId> {
        ((index as usize) < self.files.len()).then_some(FileId(index))
    }

    /// The file behind `id`.
    #[must_use]
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
}

/// Sorts diagnostics in the order they are printed — the problems that stopped a file from
/// loading (the real errors) first, then by file path, position and code — and drops
/// exact repeats.
pub(crate) fn sort(diagnostics: &mut Vec<Diagnostic>, files: &SourceMap) {
    // Each file's place in path order, so that thousands of findings compare numbers
    // rather than paths component by component (files with one path share a place).
    let mut by_path: Vec<usize> = (0..files.files.len()).collect();
    by_path.par_sort_by(|&a, &b| files.files[a].path.cmp(&files.files[b].path));
    let mut place = vec![0; files.files.len()];
    for (at, pair) in by_path.windows(2).enumerate() {
        let same = files.files[pair[0]].path == files.files[pair[1]].path;
        place[pair[1]] = if same { place[pair[0]] } else { at + 1 };
    }
    let key = |d: &Diagnostic| {
        (
            !d.code.is_structural(),
            place[d.span.file.0 as usize],
            d.span.range.start,
            d.code,
        )
    };
    // The order is found on small (key, index) pairs, ties kept in their first order,
    // then the findings are put in that order in place, a swap or so each: a finding is
    // well over a hundred bytes, which a sort of the findings themselves would move a
    // dozen times. The order is total (ties go by index), so a parallel sort finds the
    // one order there is.
    let mut order: Vec<_> = diagnostics.iter().map(key).zip(0..).collect();
    order.par_sort_unstable_by(|(a, i), (b, j)| {
        let message = |at: &usize| &diagnostics[*at].message;
        a.cmp(b)
            .then_with(|| message(i).cmp(message(j)))
            .then(i.cmp(j))
    });
    let from: Vec<usize> = order.into_iter().map(|(_, at)| at).collect();
    permute(diagnostics, from);
    diagnostics.dedup();
}

/// Puts the item at `from[i]` at `i`, for every `i`, in place: each cycle of the
/// permutation is followed once, the item of its first place carried along by swaps. No
/// second list of the items is made: tens of thousands of findings would take megabytes
/// of new memory, every page of it a fault, on the one thread left at the end of a run.
fn permute<T>(items: &mut [T], mut from: Vec<usize>) {
    const PLACED: usize = usize::MAX;
    for start in 0..items.len() {
        let mut to = start;
        while from[to] != PLACED {
            let source = std::mem::replace(&mut from[to], PLACED);
            if source == start {
                break;
            }
            items.swap(to, source);
            to = source;
        }
    }
}

/// The closest of `candidates` to `word`, if one is close enough to be a likely typo: the
/// highest Jaro–Winkler similarity above [`CLOSE`], ties going to the first name in
/// order.
///
/// A similarity takes time in the product of the lengths (a path against a path is
/// some ten thousand steps), so each candidate first gets a bound from the characters the
/// two share, linear in its length; candidates are scored from the highest bound down,
/// and the rest are left once their bound falls below the best score found. The answer is
/// the one scoring every candidate would give.
#[must_use]
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let shared = SharedCharacters::of(word);
    let mut bounded: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|candidate| (shared.bound(candidate), candidate))
        .filter(|&(bound, _)| bound > CLOSE - SLACK)
        .collect();
    bounded.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut best: Option<(f64, &str)> = None;
    for (bound, candidate) in bounded {
        if best.is_some_and(|(score, _)| bound < score - SLACK) {
            break;
        }
        let score = strsim::jaro_winkler(word, candidate);
        let closer = |(best, name): (f64, &str)| {
            score.total_cmp(&best).then_with(|| name.cmp(candidate)) == Ordering::Greater
        };
        if score > CLOSE && best.is_none_or(closer) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The similarity above which a name is offered as what was meant.
const CLOSE: f64 = 0.8;
/// Room for rounding between a bound and the score it bounds, both computed in floating
/// point.
const SLACK: f64 = 1e-9;

/// A word's characters counted by their low byte (characters that share it are counted
/// together, which can only raise a bound), to bound its similarity to other words.
struct SharedCharacters<'a> {
    word: &'a str,
    counts: [u32; 256],
    len: usize,
}

impl<'a> SharedCharacters<'a> {
    fn of(word: &'a str) -> Self {
        let mut counts = [0; 256];
        let mut len = 0;
        for c in word.chars() {
            counts[Self::slot(c)] += 1;
            len += 1;
        }
        Self { word, counts, len }
    }

    fn slot(c: char) -> usize {
        (u32::from(c) & 0xFF) as usize
    }

    /// At least the Jaro–Winkler similarity of the word and `other`. Jaro is the mean of
    /// m/|a|, m/|b| and (m − t)/m, for m matched characters and t half-transpositions:
    /// m is at most the number of characters the two share, and (m − t)/m at most one.
    /// Winkler adds 0.1 × the common prefix (up to four) × (1 − Jaro), which grows with
    /// Jaro.
    fn bound(&self, other: &str) -> f64 {
        let mut left = self.counts;
        let (mut shared, mut len) = (0u32, 0usize);
        for c in other.chars() {
            let count = &mut left[Self::slot(c)];
            if *count > 0 {
                *count -= 1;
                shared += 1;
            }
            len += 1;
        }
        if self.len == 0 || len == 0 {
            return if self.len == len { 1.0 } else { 0.0 };
        }
        if shared == 0 {
            return 0.0;
        }
        let count = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
        let shared = f64::from(shared);
        let jaro = (shared / count(self.len) + shared / count(len) + 1.0) / 3.0;
        let prefix = self
            .word
            .chars()
            .take(4)
            .zip(other.chars())
            .take_while(|(a, b)| a == b)
            .count();
        jaro + 0.1 * count(prefix) * (1.0 - jaro)
    }
}

/// What a run covered, for the closing line and the machine-readable reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Pages checked.
    pub pages: usize,
    /// Relative links and fragments resolved.
    pub links_checked: usize,
    /// External, unmapped site-absolute and `xref:` links, not fetched.
    pub links_unchecked: usize,
    /// Findings a `privdoc-disable` comment covered.
    pub suppressed: usize,
    /// How the findings compared with `--baseline`, when one was given.
    pub baseline: Option<Compared>,
}

/// Counts of a run's findings, for the closing line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Findings at error level.
    pub errors: usize,
    /// Findings at warning level.
    pub warnings: usize,
    /// The files they point at.
    pub files: usize,
}

impl Counts {
    /// Counts `diagnostics` by severity and by file.
    #[must_use]
    pub(crate) fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let files: crate::hash::FastSet<FileId> = diagnostics.iter().map(|d| d.span.file).collect();
        Self {
            errors,
            warnings: diagnostics.len() - errors,
            files: files.len(),
        }
    }

    /// The findings as words — "1 error and 2 warnings", "3 warnings" — or `None` for none.
    #[must_use]
    pub(crate) fn findings(self) -> Option<String> {
        match (self.errors, self.warnings) {
            (0, 0) => None,
            (errors, 0) => Some(plural(errors, "error")),
            (0, warnings) => Some(plural(warnings, "warning")),
            (errors, warnings) => Some(format!(
                "{} and {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            )),
        }
    }

    /// The counts as a sentence: "no problems", "3 errors in 1 file", "1 error and 2
    /// warnings in 2 files".
    #[must_use]
    pub(crate) fn sentence(self) -> String {
        match self.findings() {
            None => "no problems".to_owned(),
            Some(findings) => format!("{findings} in {}", plural(self.files, "file")),
        }
    }
}

/// "1 page", "2 pages".
#[must_use]
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Any permutation, given as the order of distinct random keys: cycles of every
        /// length, fixed points and the empty list.
        #[test]
        fn permuting_in_place_gives_what_picking_in_order_gives(
            keys in proptest::collection::hash_set(proptest::prelude::any::<u32>(), 0..64),
        ) {
            let items: Vec<u32> = keys.into_iter().collect();
            let mut from: Vec<usize> = (0..items.len()).collect();
            from.sort_by_key(|&at| items[at].wrapping_mul(0x9E37_79B9));
            let expected: Vec<u32> = from.iter().map(|&at| items[at]).collect();
            let mut permuted = items.clone();
            permute(&mut permuted, from);
            proptest::prop_assert_eq!(permuted, expected);
        }

        #[test]
        fn line_starts_follow_every_line_break(text in "[a\n\r\u{e9}]{0,40}") {
            let expected: Vec<u32> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| offset32(at + 1)))
                .collect();
            let ascii = text.find(|c: char| !c.is_ascii()).unwrap_or(text.len());
            proptest::prop_assert_eq!(line_starts(text.as_bytes()), (expected, ascii));
        }

        /// Lines and columns before the first character that is not ASCII (counted from
        /// the line's start without reading it) and after it agree with a count of the
        /// text, at every character of it.
        #[test]
        fn line_col_is_a_count_of_lines_and_characters(text in "[ab\n\u{e9}]{0,70}") {
            let mut map = SourceMap::default();
            let id = map.add("a.md".into(), text.clone().into());
            let file = map.get(id);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let before = &text[..offset];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
                proptest::prop_assert_eq!(file.line_col(offset), (line, column), "at {}", offset);
            }
        }
    }

    #[test]
    fn findings_sort_by_path_then_place_whatever_order_files_were_read_in() {
        let mut map = SourceMap::default();
        let paths = ["b/a.md", "a/z.md", "a.md", "a/z.md", "a-b.md"];
        let ids: Vec<FileId> = paths
            .iter()
            .map(|path| map.add((*path).into(), "0123456789".into()))
            .collect();
        let code = Code::Check(CheckCode::BrokenLink);
        let mut found: Vec<Diagnostic> = ids
            .iter()
            .rev()
            .flat_map(|&id| {
                [5, 1].map(|at| Diagnostic::warning(code, Span::new(id, at..at + 1), "x"))
            })
            .collect();
        sort(&mut found, &map);
        let order: Vec<(&str, usize)> = found
            .iter()
            .map(|d| (map.get(d.span.file).display_path(), d.span.range.start))
            .collect();
        // Paths compare a component at a time: the folder `a` comes before `a-b.md`.
        let expected = [
            ("a/z.md", 1),
            ("a/z.md", 1),
            ("a/z.md", 5),
            ("a/z.md", 5),
            ("a-b.md", 1),
            ("a-b.md", 5),
            ("a.md", 1),
            ("a.md", 5),
            ("b/a.md", 1),
            ("b/a.md", 5),
        ];
        assert_eq!(order, expected);
    }

    /// Findings at one place are ordered by message, and a finding made twice is kept once.
    #[test]
    fn findings_at_one_place_sort_by_message_and_repeats_are_kept_once() {
        let mut map = SourceMap::default();
        let id = map.add("a.md".into(), "0123456789".into());
        let code = Code::Check(CheckCode::BrokenLink);
        let at =
            |start, message| Diagnostic::warning(code, Span::new(id, start..start + 1), message);
        let mut found = vec![at(2, "c"), at(2, "a"), at(2, "b"), at(2, "a"), at(0, "z")];
        sort(&mut found, &map);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["z", "a", "b", "c"]);
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let mut map = SourceMap::default();
        let id = map.add("a.toml".into(), "ab\nçd = 1\n".into());
        let file = map.get(id);
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        // `ç` is two bytes, one column.
        assert_eq!(file.line_col(5), (2, 2));
        assert_eq!(file.line_col(999), (3, 1));
    }

    /// Short lines and long ones (counted on from the last lookup) give the same columns,
    /// in any order of lookups.
    #[test]
    fn columns_on_long_lines_are_counted_as_on_short_ones() {
        let long = "é ab".repeat(3000); // 15,000 bytes, 12,000 characters
        let text = format!("x\n{long}\n{long}");
        let mut map = SourceMap::default();
        let id = map.add("long.md".into(), text.clone().into());
        let file = map.get(id);
        let second = 2 + long.len() + 1;
        // Far into one long line, then on in another (from its last lookup), back, and on.
        let offsets = [
            second + 14_000,
            2 + 5,
            2 + 4_500,
            2 + 9_000,
            2 + 14_997,
            second + 3,
            second + 5_000,
        ];
        for offset in offsets {
            let start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let column = text[start..offset].chars().count() + 1;
            assert_eq!(file.line_col(offset), (line, column), "at {offset}");
        }
    }

    /// The closest of `candidates` as every candidate scored gives it: the form
    /// `did_you_mean` had before it bounded candidates.
    fn closest_scoring_all<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        candidates
            .iter()
            .map(|&candidate| (strsim::jaro_winkler(word, candidate), candidate))
            .filter(|(score, _)| *score > CLOSE)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, candidate)| candidate)
    }

    proptest::proptest! {
        /// Paths and anchors alike, with shared prefixes, non-ASCII characters (some
        /// sharing a low byte), repeats and the empty name.
        #[test]
        fn did_you_mean_picks_what_scoring_every_candidate_picks(
            word in "[a-d/\\.\u{e9}\u{1e9}]{0,12}",
            candidates in proptest::collection::vec("[a-d/\\.\u{e9}\u{1e9}]{0,12}", 0..24),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                did_you_mean(&word, candidates.iter().copied()),
                closest_scoring_all(&word, &candidates)
            );
        }

        #[test]
        fn a_bound_is_never_below_the_similarity(
            a in "[a-e\u{e9}\u{1e9}-]{0,16}",
            b in "[a-e\u{e9}\u{1e9}-]{0,16}",
        ) {
            let bound = SharedCharacters::of(&a).bound(&b);
            proptest::prop_assert!(bound + SLACK >= strsim::jaro_winkler(&a, &b), "{bound}");
        }
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["source", "under", "purpose", "details"];
        assert_eq!(did_you_mean("purpse", keys), Some("purpose"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}

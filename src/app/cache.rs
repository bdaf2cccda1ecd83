//! The check cache: a `check` of inputs that have not changed since the last one reports
//! what that one reported, without parsing, rendering or checking again.
//!
//! The key is a hash of everything a report depends on: every file the run read (path and
//! text, in the order read), the other files links may point at, the problems met while
//! reading, the date `stale-review` measures from, and this very binary (its size and
//! modification time, so a rebuilt privdoc never trusts an older one's findings). The
//! entry lives in `.privdoc-cache/` in the project, a hidden folder the walk never reads,
//! and holds the findings of the last run, sorted and levelled, with their counts. An
//! entry that is not exactly what this binary wrote for these inputs — another key, a
//! truncated or altered file, a span outside its file — is ignored, never trusted.
//!
//! A repeated run of unchanged files goes further: [`Replay`] stores the report a plain
//! (uncoloured) run printed, keyed by what the files look like on disk instead of what
//! they hold — every file's size, modification and change times, inode and device, as
//! git's index and cargo's fingerprints judge a file unchanged — and prints it again
//! without reading a page. Only files last modified at least two seconds before the run
//! that stored it are judged this way: a file changed within the clock's tick of its
//! reading could otherwise look unchanged. Anything else — a touched file, a new one, a
//! coloured terminal, a baseline — goes the way above.
//!
//! A build of the same inputs does not even render its HTML: its entry keeps beside it
//! the path, size and hash of each file the last build made from its pages (their HTML
//! and the search index, [`HtmlFile`]), which a build of these inputs by this binary
//! makes again byte for byte. The new build links those files from the last one's
//! output into its own, and reads each file it linked: if each is a plain file of
//! `html/` holding what was stored, that is the build's HTML; if one is not — edited,
//! replaced by a link, gone — none is kept and every page is rendered again. What is
//! judged is the file published, not the one before it was linked.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

use crate::diag::{Code, Counts, Diagnostic, Label, Severity, SourceMap, Span, Summary};
use crate::load;

/// The folder of the cache, in the project directory.
pub(crate) const DIR: &str = ".privdoc-cache";
/// The first bytes of an entry; the number is the format's version.
const MAGIC: &[u8] = b"privdoc check cache 1\n";
/// The first bytes of what a build's pages made.
const HTML_MAGIC: &[u8] = b"privdoc build html 1\n";
/// The first bytes of a stored report.
const REPLAY_MAGIC: &[u8] = b"privdoc check report 1\n";
/// How long before a run its files must have been last modified for their metadata to
/// stand for their contents: more than any file system's timestamp tick (FAT's is 2 s).
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// What a run's findings depend on besides the files it reads.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Run {
    /// A `build`, not a `check`: each keeps its own entry, so that one does not replace
    /// the other's.
    pub build: bool,
    /// Every page's HTML is rendered with the project's own layout, which can fail.
    pub html: bool,
    /// The pages link to the change feed (a build in git).
    pub feed: bool,
}

/// The cache entry of one run's inputs.
#[derive(Clone)]
pub(crate) struct Entry {
    path: PathBuf,
    key: u128,
}

impl Entry {
    /// The entry for the inputs read so far (`files`, `read`), checked on `today` by
    /// `run`; `None` when this binary cannot be identified.
    pub(crate) fn new(
        root: &Path,
        files: &SourceMap,
        read: &load::Read,
        today: jiff::civil::Date,
        run: Run,
    ) -> Option<Self> {
        let mut hash = identity(MAGIC, today)?;
        hash.update(&[run.build, run.html, run.feed].map(u8::from));
        files_field(&mut hash, files);
        for asset in &read.assets {
            field(&mut hash, asset.as_bytes());
        }
        for unloaded in [
            &read.unloaded.services,
            &read.unloaded.sources,
            &read.unloaded.snippets,
        ] {
            for name in unloaded {
                field(&mut hash, name.as_bytes());
            }
            field(&mut hash, b"");
        }
        let mut problems = Writer::default();
        problems.diagnostics(&read.diagnostics);
        field(&mut hash, &problems.0);
        Some(Self {
            path: root
                .join(DIR)
                .join(if run.build { "build" } else { "check" }),
            key: hash.digest128(),
        })
    }

    /// The findings and counts stored for these inputs, if the entry holds them intact.
    pub(crate) fn get(&self, files: &SourceMap) -> Option<(Vec<Diagnostic>, Summary)> {
        let bytes = read_keyed(&self.path, MAGIC, self.key)?;
        let mut reader = Reader {
            bytes: checked(&bytes)?,
            files,
        };
        self.read(&mut reader).ok()
    }

    fn read(&self, reader: &mut Reader<'_>) -> Result<(Vec<Diagnostic>, Summary), Damaged> {
        reader.header(MAGIC, self.key)?;
        let summary = Summary {
            pages: reader.usize()?,
            links_checked: reader.usize()?,
            links_unchecked: reader.usize()?,
            suppressed: reader.usize()?,
            baseline: None,
        };
        let diagnostics = reader.diagnostics()?;
        if !reader.bytes.is_empty() {
            return Err(Damaged);
        }
        Ok((diagnostics, summary))
    }

    /// Stores a run's findings and counts, replacing the entry whole or not at all.
    pub(crate) fn put(&self, diagnostics: &[Diagnostic], summary: &Summary) -> std::io::Result<()> {
        let mut writer = Writer::header(
            MAGIC,
            self.key,
            &[
                summary.pages,
                summary.links_checked,
                summary.links_unchecked,
                summary.suppressed,
            ],
        );
        // Room for the findings at once (they average 400 bytes on a large repository):
        // not a dozen copies of a growing list, and memory not written is not taken.
        writer.0.reserve(diagnostics.len() * 512);
        writer.diagnostics(diagnostics);
        writer.store(&self.path)
    }

    /// Where a build's entry keeps what the files made from its pages hold.
    fn html_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_owned();
        name.push("-html");
        self.path.with_file_name(name)
    }

    /// The files the previous build of these inputs made from its pages (their HTML and
    /// the search index), sorted by path, if they are stored: the ones a build of the same
    /// inputs makes again, where each is still what was stored ([`HtmlFile::is_at`]). A
    /// record with a path that is not plainly under `html/`, or with a path twice, is
    /// refused whole, so no entry can point a build outside its directory.
    pub(crate) fn html(&self) -> Option<Vec<HtmlFile>> {
        let bytes = read_keyed(&self.html_path(), HTML_MAGIC, self.key)?;
        let mut reader = Reader {
            bytes: checked(&bytes)?,
            files: &SourceMap::default(),
        };
        reader.header(HTML_MAGIC, self.key).ok()?;
        let count = reader.count(32).ok()?;
        let made = (0..count)
            .map(|_| {
                Ok(HtmlFile {
                    path: reader.str()?,
                    size: reader.usize()?,
                    hash: reader.u128()?,
                })
            })
            .collect::<Result<Vec<_>, Damaged>>()
            .ok()?;
        // Sorted and each path once, as stored: a path twice would put a file onto the
        // link to itself.
        let sorted = made.windows(2).all(|pair| pair[0].path < pair[1].path);
        let plain = made.iter().all(HtmlFile::is_plain);
        (reader.bytes.is_empty() && !made.is_empty() && sorted && plain).then_some(made)
    }

    /// Stores what the files `made` from a build's pages hold, once the build is written,
    /// replacing what the last one stored whole or not at all.
    pub(crate) fn put_html(&self, mut made: Vec<HtmlFile>) -> std::io::Result<()> {
        made.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let mut writer = Writer::header(HTML_MAGIC, self.key, &[made.len()]);
        for file in &made {
            writer.str(&file.path);
            writer.usize(file.size);
            writer.u128(file.hash);
        }
        writer.store(&self.html_path())
    }
}

/// A file a build made from its pages: where in the build directory, its size and hash.
#[derive(Debug)]
pub(crate) struct HtmlFile {
    path: String,
    size: usize,
    hash: u128,
}

impl HtmlFile {
    pub(crate) fn of(path: &str, bytes: &[u8]) -> Self {
        Self {
            path: path.to_owned(),
            size: bytes.len(),
            hash: xxh3_128(bytes),
        }
    }

    /// Where in the build directory.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Whether the path is one of plain names under `html/`.
    fn is_plain(&self) -> bool {
        use std::path::Component::Normal;
        let mut parts = Path::new(&self.path).components();
        parts.next() == Some(Normal("html".as_ref()))
            && parts.clone().next().is_some()
            && parts.all(|part| matches!(part, Normal(_)))
    }

    /// Whether `path` holds this file as it was made: a file (not a link) of the same size
    /// and hash.
    pub(crate) fn is_at(&self, path: &Path) -> bool {
        let mut hash = Xxh3::new();
        let read = crate::write::read_in_pieces(path, self.size as u64, |piece| {
            hash.update(piece);
            true
        });
        read && hash.digest128() == self.hash
    }
}

/// A hash of this binary (its version, size and modification time, so a rebuilt privdoc
/// never trusts an older one's work) and the date checked on, after `magic`; `None` when
/// the binary cannot be identified.
fn identity(magic: &[u8], today: jiff::civil::Date) -> Option<Xxh3> {
    let binary = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let built = binary
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut hash = Xxh3::new();
    hash.update(magic);
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    hash.update(&binary.len().to_le_bytes());
    hash.update(&built.as_nanos().to_le_bytes());
    hash.update(today.to_string().as_bytes());
    Some(hash)
}

/// Creates the cache folder, marked as one, unless it exists.
fn create_dir(dir: &Path) -> std::io::Result<()> {
    if !dir.is_dir() {
        std::fs::create_dir_all(dir)?;
        // Like `target/`: version control and backup tools leave it alone.
        std::fs::write(dir.join(".gitignore"), "# Written by privdoc.\n*\n")?;
        std::fs::write(
            dir.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by privdoc.\n",
        )?;
    }
    Ok(())
}

/// Where a plain report of one format is stored, for the files as they are on disk now.
pub(crate) struct Replay {
    path: PathBuf,
    key: u128,
    /// Whether every file was last modified long enough ago for the key to be trusted.
    settled: bool,
}

/// A report stored by [`Replay::put`], found intact: the open file, where in it the
/// report is, and the run's counts.
pub(crate) struct Stored {
    file: std::fs::File,
    body: std::ops::Range<u64>,
    /// The findings' counts, for the closing line and the exit code.
    pub counts: Counts,
    /// What the checks counted.
    pub summary: Summary,
}

impl Stored {
    /// Prints the report to `out`, byte for byte as the run that stored it printed it:
    /// copied by the kernel where it can (into a file or a pipe), not through memory. A
    /// stored report is only ever replaced whole, by a rename, so the open file still
    /// holds what [`Replay::get`] checked.
    pub(crate) fn print(&self, out: &mut impl Write) -> std::io::Result<()> {
        use std::io::{Read as _, Seek as _};
        let mut file = &self.file;
        file.seek(std::io::SeekFrom::Start(self.body.start))?;
        let length = self.body.end - self.body.start;
        if std::io::copy(&mut file.take(length), out)? == length {
            Ok(())
        } else {
            Err(std::io::ErrorKind::UnexpectedEof.into())
        }
    }
}

impl Replay {
    /// The slot of `format`'s report for the files `scan` found as they are now (their
    /// metadata, read here), the files read before it (`files`: `book.toml`) and the
    /// date; `None` when a file cannot be looked at or this binary cannot be identified.
    pub(crate) fn new(
        root: &Path,
        files: &SourceMap,
        scan: &load::Scan,
        today: jiff::civil::Date,
        format: &str,
    ) -> Option<Self> {
        if !scan.is_clean() {
            return None;
        }
        let oldest_trusted = std::time::SystemTime::now().checked_sub(SETTLED)?;
        let mut hash = identity(REPLAY_MAGIC, today)?;
        field(&mut hash, format.as_bytes());
        field(&mut hash, files.base().as_bytes());
        files_field(&mut hash, files);
        for asset in scan.assets() {
            field(&mut hash, asset.as_bytes());
        }
        field(&mut hash, b"");
        // Thousands of files are looked at side by side (a `stat` is a wait on the
        // system), then hashed in order.
        let paths: Vec<&str> = scan.paths().collect();
        let looked: Vec<Option<(bool, [u64; 7])>> = paths
            .par_iter()
            .map(|path| {
                let metadata = std::fs::metadata(root.join(path)).ok()?;
                let settled = metadata.modified().ok()? <= oldest_trusted;
                Some((settled, stat(&metadata)?))
            })
            .collect();
        let mut settled = true;
        for (path, looked) in paths.iter().zip(looked) {
            field(&mut hash, path.as_bytes());
            let (this_settled, numbers) = looked?;
            settled &= this_settled;
            for number in numbers {
                hash.update(&number.to_le_bytes());
            }
        }
        Some(Self {
            path: root.join(DIR).join(format!("report-{format}")),
            key: hash.digest128(),
            settled,
        })
    }

    /// The report stored for exactly these files, if it is intact. Its checksum is taken
    /// a slice at a time: a report can be tens of megabytes, and is printed from the file.
    pub(crate) fn get(&self) -> Option<Stored> {
        use std::io::Read as _;
        if !self.settled {
            return None;
        }
        let mut file = std::fs::File::open(&self.path).ok()?;
        let body_end = file.metadata().ok()?.len().checked_sub(8)?;
        let mut header = vec![0; REPLAY_MAGIC.len() + 16 + 8 * 7];
        file.read_exact(&mut header).ok()?;
        let mut hash = Xxh3::new();
        hash.update(&header);
        let mut reader = Reader {
            bytes: &header,
            files: &SourceMap::default(),
        };
        reader.header(REPLAY_MAGIC, self.key).ok()?;
        let mut count = || reader.usize().ok();
        let counts = Counts {
            errors: count()?,
            warnings: count()?,
            files: count()?,
        };
        let summary = Summary {
            pages: count()?,
            links_checked: count()?,
            links_unchecked: count()?,
            suppressed: count()?,
            baseline: None,
        };
        let body_start = header.len() as u64;
        let mut left = body_end.checked_sub(body_start)?;
        let mut slice = vec![0; 1 << 18];
        while left > 0 {
            let part = &mut slice[..usize::try_from(left).unwrap_or(usize::MAX).min(1 << 18)];
            file.read_exact(part).ok()?;
            hash.update(part);
            left -= part.len() as u64;
        }
        let mut sum = [0; 8];
        file.read_exact(&mut sum).ok()?;
        (hash.digest().to_le_bytes() == sum).then_some(Stored {
            file,
            body: body_start..body_end,
            counts,
            summary,
        })
    }

    /// Stores the report `print` writes to `out` as it is printed (when the files are
    /// settled), replacing the stored one whole or not at all. An error is the report's
    /// own; a report printed but not stored gives why it was not.
    pub(crate) fn put(
        &self,
        counts: Counts,
        summary: &Summary,
        out: &mut dyn Write,
        print: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<Option<std::io::Error>> {
        let mut tee = Tee {
            out,
            store: self
                .settled
                .then(|| self.store(counts, summary))
                .and_then(Result::ok),
        };
        print(&mut tee)?;
        let Some((mut file, hash)) = tee.store.take() else {
            return Ok(None);
        };
        let sum = hash.digest().to_le_bytes();
        let stored = file
            .write_all(&sum)
            .and_then(|()| file.persist(&self.path).map(drop).map_err(|e| e.error));
        Ok(stored.err())
    }

    /// A temporary file in the cache folder with the report's header written and hashed.
    fn store(
        &self,
        counts: Counts,
        summary: &Summary,
    ) -> std::io::Result<(tempfile::NamedTempFile, Xxh3)> {
        let dir = self
            .path
            .parent()
            .expect("the report is in the cache folder");
        create_dir(dir)?;
        let header = Writer::header(
            REPLAY_MAGIC,
            self.key,
            &[
                counts.errors,
                counts.warnings,
                counts.files,
                summary.pages,
                summary.links_checked,
                summary.links_unchecked,
                summary.suppressed,
            ],
        );
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(&header.0)?;
        let mut hash = Xxh3::new();
        hash.update(&header.0);
        Ok((file, hash))
    }
}

/// What says a file changed: its size, modification and change times, inode and device
/// (`None` where the platform does not tell them all).
#[cfg(unix)]
#[expect(
    clippy::unnecessary_wraps,
    reason = "the other platforms' twin returns None"
)]
fn stat(metadata: &std::fs::Metadata) -> Option<[u64; 7]> {
    use std::os::unix::fs::MetadataExt as _;
    Some([
        metadata.size(),
        metadata.mtime().cast_unsigned(),
        metadata.mtime_nsec().cast_unsigned(),
        metadata.ctime().cast_unsigned(),
        metadata.ctime_nsec().cast_unsigned(),
        metadata.ino(),
        metadata.dev(),
    ])
}

#[cfg(not(unix))]
fn stat(_: &std::fs::Metadata) -> Option<[u64; 7]> {
    None
}

/// Writes to `out`, and a copy to `store` (hashed) until storing fails.
struct Tee<'a> {
    out: &'a mut dyn Write,
    store: Option<(tempfile::NamedTempFile, Xxh3)>,
}

impl Write for Tee<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        if let Some((file, hash)) = &mut self.store {
            if file.write_all(&bytes[..written]).is_ok() {
                hash.update(&bytes[..written]);
            } else {
                self.store = None;
            }
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The stored file at `path` whole, if it starts as [`Writer::header`] starts one for
/// `magic` and `key`. The entry of other inputs — what a run after an edit finds, megabytes
/// of the findings before it — is not read past its key.
fn read_keyed(path: &Path, magic: &[u8], key: u128) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).ok()?;
    let mut bytes = vec![0; magic.len() + 16];
    file.read_exact(&mut bytes).ok()?;
    let mut header = Reader {
        bytes: &bytes,
        files: &SourceMap::default(),
    };
    header.header(magic, key).ok()?;
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// What a stored file holds before its checksum (the xxh3 of the rest, last), if the
/// checksum matches.
fn checked(bytes: &[u8]) -> Option<&[u8]> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    (xxh3_64(body).to_le_bytes() == sum).then_some(body)
}

/// Hashes every file read so far: its path and its text.
fn files_field(hash: &mut Xxh3, files: &SourceMap) {
    for (_, file) in files.iter() {
        field(hash, file.path().as_os_str().as_encoded_bytes());
        field(hash, file.text().as_bytes());
    }
}

/// Hashes `bytes` with its length first, so fields cannot run into each other.
fn field(hash: &mut Xxh3, bytes: &[u8]) {
    hash.update(&(bytes.len() as u64).to_le_bytes());
    hash.update(bytes);
}

/// Little-endian numbers and length-prefixed strings.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    /// What a stored file starts with: its format's magic, the key it was stored under and
    /// the run's counts.
    fn header(magic: &[u8], key: u128, counts: &[usize]) -> Self {
        let mut writer = Self(magic.to_vec());
        writer.u128(key);
        for &count in counts {
            writer.usize(count);
        }
        writer
    }

    fn u128(&mut self, value: u128) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn usize(&mut self, value: usize) {
        self.0.extend_from_slice(&(value as u64).to_le_bytes());
    }

    /// Writes what was written to `path` with its checksum last, replacing the file whole
    /// or not at all.
    fn store(mut self, path: &Path) -> std::io::Result<()> {
        let sum = xxh3_64(&self.0);
        self.0.extend_from_slice(&sum.to_le_bytes());
        let dir = path.parent().expect("a file of the cache folder");
        create_dir(dir)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(&self.0)?;
        file.persist(path)?;
        Ok(())
    }

    fn str(&mut self, text: &str) {
        self.usize(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }

    fn option(&mut self, text: Option<&str>) {
        match text {
            None => self.0.push(0),
            Some(text) => {
                self.0.push(1);
                self.str(text);
            }
        }
    }

    fn span(&mut self, span: &Span) {
        self.0.extend_from_slice(&span.file.index().to_le_bytes());
        self.usize(span.range.start);
        self.usize(span.range.end);
    }

    fn labels(&mut self, labels: &[Label]) {
        self.usize(labels.len());
        for label in labels {
            self.span(&label.span);
            self.str(&label.message);
        }
    }

    fn diagnostics(&mut self, diagnostics: &[Diagnostic]) {
        self.usize(diagnostics.len());
        for diagnostic in diagnostics {
            self.str(diagnostic.code.as_str());
            self.0
                .push(u8::from(diagnostic.severity == Severity::Error));
            self.str(&diagnostic.message);
            self.span(&diagnostic.span);
            self.option(diagnostic.label.as_deref());
            self.labels(&diagnostic.labels);
            self.labels(&diagnostic.related);
            self.option(diagnostic.hint.as_deref());
        }
    }
}

/// An entry that is not what a [`Writer`] wrote for this run.
struct Damaged;

/// Reads what [`Writer`] wrote; every read checks what it reads.
struct Reader<'a> {
    bytes: &'a [u8],
    files: &'a SourceMap,
}

impl<'a> Reader<'a> {
    /// The start of a file [`Writer::header`] wrote with `magic` and `key` (counts follow).
    fn header(&mut self, magic: &[u8], key: u128) -> Result<(), Damaged> {
        if self.take(magic.len())? == magic && self.u128()? == key {
            Ok(())
        } else {
            Err(Damaged)
        }
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], Damaged> {
        let (taken, rest) = self.bytes.split_at_checked(count).ok_or(Damaged)?;
        self.bytes = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Damaged> {
        self.take(N)?.try_into().map_err(|_| Damaged)
    }

    fn byte(&mut self) -> Result<u8, Damaged> {
        Ok(self.take(1)?[0])
    }

    fn u128(&mut self) -> Result<u128, Damaged> {
        Ok(u128::from_le_bytes(self.array()?))
    }

    fn usize(&mut self) -> Result<usize, Damaged> {
        usize::try_from(u64::from_le_bytes(self.array()?)).map_err(|_| Damaged)
    }

    /// A count of items at least `size` bytes each: never more than the bytes left hold.
    fn count(&mut self, size: usize) -> Result<usize, Damaged> {
        let count = self.usize()?;
        if count.saturating_mul(size) > self.bytes.len() {
            return Err(Damaged);
        }
        Ok(count)
    }

    fn str(&mut self) -> Result<String, Damaged> {
        let length = self.count(1)?;
        String::from_utf8(self.take(length)?.to_vec()).map_err(|_| Damaged)
    }

    fn option(&mut self) -> Result<Option<String>, Damaged> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(self.str()?)),
            _ => Err(Damaged),
        }
    }

    /// A span of a file of this run, on character boundaries of its text.
    fn span(&mut self) -> Result<Span, Damaged> {
        let file = self
            .files
            .id(u32::from_le_bytes(self.array()?))
            .ok_or(Damaged)?;
        let (start, end) = (self.usize()?, self.usize()?);
        let text = self.files.get(file).text();
        if start <= end && text.is_char_boundary(start) && text.is_char_boundary(end) {
            Ok(Span::new(file, start..end))
        } else {
            Err(Damaged)
        }
    }

    fn labels(&mut self) -> Result<Vec<Label>, Damaged> {
        let count = self.count(28)?;
        (0..count)
            .map(|_| {
                Ok(Label {
                    span: self.span()?,
                    message: self.str()?.into(),
                })
            })
            .collect()
    }

    fn diagnostics(&mut self) -> Result<Vec<Diagnostic>, Damaged> {
        let count = self.count(50)?;
        (0..count)
            .map(|_| {
                let code = Code::parse(&self.str()?).ok_or(Damaged)?;
                let severity = match self.byte()? {
                    0 => Severity::Warning,
                    1 => Severity::Error,
                    _ => return Err(Damaged),
                };
                Ok(Diagnostic {
                    code,
                    severity,
                    message: self.str()?,
                    span: self.span()?,
                    label: self.option()?.map(Cow::Owned),
                    labels: self.labels()?,
                    related: self.labels()?,
                    hint: self.option()?.map(Cow::Owned),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn files() -> SourceMap {
        let mut files = SourceMap::default();
        files.add("a.md".into(), Arc::from("Some text, ünïcode.\n"));
        files
    }

    fn finding(files: &SourceMap) -> Diagnostic {
        let file = files.id(0).unwrap();
        Diagnostic::warning(
            Code::Check(crate::diag::CheckCode::BrokenLink),
            Span::new(file, 0..4),
            "link to `x.md`",
        )
        .with_label("here")
        .with_note(Span::new(file, 5..9), "note")
        .with_related(Span::new(file, 11..14), "again")
        .with_hint("fix it")
    }

    fn entry(dir: &Path, files: &SourceMap) -> Entry {
        let read = load::Read::default();
        let today = jiff::civil::date(2026, 7, 1);
        Entry::new(dir, files, &read, today, Run::default()).unwrap()
    }

    #[test]
    fn an_entry_gives_back_what_was_put() {
        let dir = tempfile::tempdir().unwrap();
        let files = files();
        let entry = entry(dir.path(), &files);
        assert!(entry.get(&files).is_none(), "nothing stored yet");
        let summary = Summary {
            pages: 3,
            links_checked: 7,
            links_unchecked: 1,
            suppressed: 2,
            baseline: None,
        };
        entry.put(&[finding(&files)], &summary).unwrap();
        let (diagnostics, stored) = entry.get(&files).unwrap();
        assert_eq!(diagnostics, vec![finding(&files)]);
        assert_eq!(stored.pages, 3);
        assert_eq!(stored.links_checked, 7);
        assert_eq!(stored.links_unchecked, 1);
        assert_eq!(stored.suppressed, 2);
        assert!(dir.path().join(DIR).join(".gitignore").is_file());
        std::fs::remove_dir_all(dir.path().join(DIR)).unwrap();
        assert!(entry.get(&files).is_none());
    }

    #[test]
    fn stored_html_is_given_back_only_for_its_inputs_and_only_under_html() {
        let dir = tempfile::tempdir().unwrap();
        let files = files();
        let entry = entry(dir.path(), &files);
        let record = |made: &[(&str, &str)]| {
            let made = made
                .iter()
                .map(|(path, text)| HtmlFile::of(path, text.as_bytes()));
            entry.put_html(made.rev().collect()).unwrap();
        };
        let paths = |made: Option<Vec<HtmlFile>>| {
            made.map(|made| made.iter().map(|f| f.path().to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(paths(entry.html()), None, "nothing stored yet");
        record(&[("html/a.html", "<p>a</p>"), ("html/search/a.js", "[1]")]);
        let kept = Some(vec![
            "html/a.html".to_owned(),
            "html/search/a.js".to_owned(),
        ]);
        assert_eq!(paths(entry.html()), kept, "sorted by path");
        // Another run's key keeps nothing.
        let other = Entry::new(
            dir.path(),
            &SourceMap::default(),
            &load::Read::default(),
            jiff::civil::date(2026, 7, 1),
            Run::default(),
        )
        .unwrap();
        assert!(other.html().is_none());
        // A record with a path twice, or one that leaves the HTML output, is refused whole.
        record(&[("html/a.html", "<p>a</p>"), ("html/a.html", "<p>a</p>")]);
        assert!(entry.html().is_none(), "a path twice");
        for path in [
            "html/../../outside.html",
            "/outside.html",
            "top.html",
            "html",
            "./html/a.html",
        ] {
            record(&[("html/a.html", "<p>a</p>"), (path, "x")]);
            assert!(entry.html().is_none(), "{path}");
        }
    }

    #[test]
    fn a_stored_html_file_is_at_a_path_only_while_it_is_as_made() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("a.html");
        let file = HtmlFile::of("html/a.html", b"<p>a</p>");
        assert!(!file.is_at(&at), "missing");
        std::fs::write(&at, "<p>a</p>").unwrap();
        assert!(file.is_at(&at));
        // Another size, or the same size and other bytes.
        for text in ["<p>a</p>\n", "<p>b</p>"] {
            std::fs::write(&at, text).unwrap();
            assert!(!file.is_at(&at), "{text:?}");
        }
        // A link to a file that holds it is not the file.
        let copy = dir.path().join("copy.html");
        std::fs::write(&copy, "<p>a</p>").unwrap();
        std::fs::remove_file(&at).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&copy, &at).unwrap();
            assert!(!file.is_at(&at));
        }
        assert!(file.is_at(&copy));
        // A file longer than a piece read is hashed whole, every piece in order.
        let long: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let file = HtmlFile::of("html/long.html", &long);
        let at = dir.path().join("long.html");
        std::fs::write(&at, &long).unwrap();
        assert!(file.is_at(&at));
        let mut changed = long.clone();
        changed[131_072] ^= 1;
        std::fs::write(&at, &changed).unwrap();
        assert!(!file.is_at(&at), "a byte of the third piece differs");
    }

    #[test]
    fn a_stored_report_is_printed_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let replay = Replay {
            path: dir.path().join(DIR).join("report-json"),
            key: 7,
            settled: true,
        };
        assert!(replay.get().is_none(), "nothing stored yet");
        // Longer than the slices its checksum is taken in, and not a multiple of them.
        let report: Vec<u8> = (0..700_001_u32).map(|i| (i % 251) as u8).collect();
        let counts = Counts {
            errors: 1,
            warnings: 2,
            files: 3,
        };
        let summary = Summary {
            pages: 4,
            links_checked: 5,
            links_unchecked: 6,
            suppressed: 7,
            baseline: None,
        };
        let mut printed = Vec::new();
        let not_stored = replay
            .put(counts, &summary, &mut printed, |out| out.write_all(&report))
            .unwrap();
        assert!(not_stored.is_none());
        assert_eq!(printed, report);
        let stored = replay.get().unwrap();
        assert_eq!(stored.counts, counts);
        assert_eq!(stored.summary.links_unchecked, 6);
        // Into memory, and into a file (where the kernel copies it), twice each.
        for _ in 0..2 {
            let mut again = Vec::new();
            stored.print(&mut again).unwrap();
            assert_eq!(again, report);
            let mut file = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
            stored.print(file.as_file_mut()).unwrap();
            assert_eq!(std::fs::read(file.path()).unwrap(), report);
        }
        let good = std::fs::read(&replay.path).unwrap();
        let header = REPLAY_MAGIC.len() + 16 + 8 * 7;
        let mut damaged = vec![
            Vec::new(),
            good[..header].to_vec(),
            good[..good.len() - 1].to_vec(),
        ];
        for at in [0, header, header + 300_000, good.len() - 9, good.len() - 1] {
            let mut flipped = good.clone();
            flipped[at] ^= 1;
            damaged.push(flipped);
        }
        for bad in damaged {
            std::fs::write(&replay.path, &bad).unwrap();
            assert!(replay.get().is_none(), "{} bytes", bad.len());
        }
        std::fs::write(&replay.path, &good).unwrap();
        assert!(Replay { key: 8, ..replay }.get().is_none(), "another key");
    }

    #[test]
    fn a_stored_file_is_read_only_under_its_own_magic_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry");
        let mut writer = Writer::header(MAGIC, 7, &[3]);
        writer.str("the rest");
        std::fs::write(&path, &writer.0).unwrap();
        assert_eq!(read_keyed(&path, MAGIC, 7), Some(writer.0.clone()));
        assert_eq!(read_keyed(&path, MAGIC, 8), None, "another key");
        assert_eq!(
            read_keyed(&path, HTML_MAGIC, 7),
            None,
            "another kind of file"
        );
        std::fs::write(&path, &writer.0[..MAGIC.len() + 15]).unwrap();
        assert_eq!(read_keyed(&path, MAGIC, 7), None, "cut inside the key");
        std::fs::write(&path, &writer.0[..MAGIC.len() + 16]).unwrap();
        assert_eq!(
            read_keyed(&path, MAGIC, 7).as_deref(),
            Some(&writer.0[..MAGIC.len() + 16]),
            "the header alone is read whole; what follows is for `checked` to judge"
        );
        assert_eq!(read_keyed(&dir.path().join("none"), MAGIC, 7), None);
    }

    #[test]
    fn other_inputs_have_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let files = files();
        let mut edited = SourceMap::default();
        edited.add("a.md".into(), Arc::from("Some text, ünïcode!\n"));
        let mut moved = SourceMap::default();
        moved.add("b.md".into(), Arc::from("Some text, ünïcode.\n"));
        let key = |files: &SourceMap| entry(dir.path(), files).key;
        assert_eq!(key(&files), key(&files));
        assert_ne!(key(&files), key(&edited));
        assert_ne!(key(&files), key(&moved));
        let read = load::Read::default();
        let later = Entry::new(
            dir.path(),
            &files,
            &read,
            jiff::civil::date(2026, 7, 2),
            Run::default(),
        );
        assert_ne!(key(&files), later.unwrap().key);
        // A build's findings are not a check's, and a build's pages may link to the feed.
        let run = |run: Run| {
            Entry::new(
                dir.path(),
                &files,
                &read,
                jiff::civil::date(2026, 7, 1),
                run,
            )
        };
        let check = run(Run::default()).unwrap();
        let build = run(Run {
            build: true,
            ..Run::default()
        })
        .unwrap();
        let fed = run(Run {
            build: true,
            feed: true,
            ..Run::default()
        })
        .unwrap();
        let own_layout = run(Run {
            html: true,
            ..Run::default()
        })
        .unwrap();
        assert_eq!(check.key, key(&files));
        assert_ne!(check.key, build.key);
        assert_ne!(build.key, fed.key);
        assert_ne!(check.key, own_layout.key);
        assert_ne!(check.path, build.path, "each keeps its own entry");
    }

    #[test]
    fn a_damaged_entry_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let files = files();
        let entry = entry(dir.path(), &files);
        entry.put(&[finding(&files)], &Summary::default()).unwrap();
        let good = std::fs::read(&entry.path).unwrap();
        // Every truncation and every flipped byte is noticed.
        for cut in 0..good.len() {
            std::fs::write(&entry.path, &good[..cut]).unwrap();
            assert!(entry.get(&files).is_none(), "cut at {cut}");
        }
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            std::fs::write(&entry.path, &bad).unwrap();
            assert!(entry.get(&files).is_none(), "byte {at} flipped");
        }
        // A span that no longer fits its file (written for other text) is refused even
        // when the entry is intact.
        let mut shorter = SourceMap::default();
        shorter.add("a.md".into(), Arc::from("Some"));
        std::fs::write(&entry.path, &good).unwrap();
        assert!(entry.get(&shorter).is_none());
        assert!(entry.get(&files).is_some());
    }
}

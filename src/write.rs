//! Atomic output: the whole build directory is written beside itself in a temporary
//! directory, then swapped in with one `rename` (`RENAME_EXCHANGE` on Linux). A failed
//! build leaves the previous output untouched.
//!
//! Only privdoc's own output is ever removed. Every build directory carries a marker file
//! ([`MARKER`]); a directory that is not empty and has no marker is refused, never
//! replaced. Removal never follows a symbolic link (a link inside the output is unlinked,
//! its target untouched), and the marker goes last, so a build killed halfway leaves a
//! staging directory the next build recognises as its own and removes.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

/// The file that marks a directory as privdoc's output, at its top.
pub(crate) const MARKER: &str = ".privdoc-output";
const MARKER_TEXT: &str =
    "This directory is privdoc's build output. Every build replaces it as a whole.\n";
/// Staging directories are made beside the build directory with this prefix.
const STAGING_PREFIX: &str = ".privdoc-build-";

/// What one file of the build holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Contents<'a> {
    /// Text rendered in memory.
    Bytes(&'a [u8]),
    /// A file of the project copied as it is (an image, a download): never held in memory.
    Copy(PathBuf),
    /// A file of the previous build, linked into the new build rather than made again;
    /// put only by [`Staging::keep_if`], which then judges what it put.
    Kept(PathBuf),
}

impl<'a> From<&'a [u8]> for Contents<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Self::Bytes(bytes)
    }
}

impl Contents<'_> {
    /// The bytes, read from disk for a copy.
    pub(crate) fn read(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Self::Bytes(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Self::Copy(source) | Self::Kept(source) => {
                fs::read(source).map(std::borrow::Cow::Owned)
            }
        }
    }
}

/// What a successful write could not tidy up: the new output is in place either way.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Why the previous output (now in a staging directory) could not be removed; the next
    /// build tries again.
    pub leftover: Option<String>,
}

/// Replaces `build_dir` (resolved, see `config`) with exactly `files` (paths relative to
/// it, `/`-separated). Refuses a directory that is not empty and was not written by privdoc.
pub(crate) fn replace_dir(build_dir: &Path, files: &[(String, Contents<'_>)]) -> Result<Written> {
    Staging::new(build_dir)?.complete(files)
}

/// A build being written: a directory beside the build directory that files are put in
/// as they are made (in parallel), swapped in whole by [`Staging::complete`]. Dropped
/// before that, it is removed and the build directory is untouched.
pub(crate) struct Staging {
    build_dir: PathBuf,
    dir: tempfile::TempDir,
    /// Whether there is a previous output to link unchanged files from, and to replace.
    existing: bool,
    /// The first file that could not be written: the build then publishes nothing.
    failed: std::sync::Mutex<Option<anyhow::Error>>,
}

impl Staging {
    /// Starts a build of `build_dir`. Refuses a directory that is not empty and was not
    /// written by privdoc.
    pub(crate) fn new(build_dir: &Path) -> Result<Self> {
        let parent = match build_dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
        let existing = fs::symlink_metadata(build_dir).ok();
        if let Some(meta) = &existing {
            if !meta.is_dir() {
                bail!("`{}` exists and is not a directory", build_dir.display());
            }
            if !is_ours(build_dir)? {
                bail!(
                    "`{}` is not empty and privdoc did not write it (it has no `{MARKER}`); a build replaces its build directory as a whole, so privdoc will not touch it: move its files elsewhere or choose another build directory",
                    build_dir.display()
                );
            }
        }
        remove_stale_staging(&parent);
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(&parent)
            .with_context(|| {
                format!(
                    "failed to create a temporary directory in `{}`",
                    parent.display()
                )
            })?;
        // The marker first: a build killed from here on leaves a directory the next one
        // removes.
        fs::write(dir.path().join(MARKER), MARKER_TEXT)
            .with_context(|| format!("failed to write `{}`", dir.path().display()))?;
        Ok(Self {
            build_dir: build_dir.to_path_buf(),
            dir,
            existing: existing.is_some(),
            failed: std::sync::Mutex::new(None),
        })
    }

    /// Puts one file of the build at `relative`; a failure is kept for
    /// [`Staging::complete`], which then publishes nothing.
    pub(crate) fn put(&self, relative: &str, contents: &Contents<'_>) {
        if let Err(error) = self.write(relative, contents) {
            let mut failed = self
                .failed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            failed.get_or_insert(error);
        }
    }

    /// Puts the previous build's file at `relative` in this one, as it is, if `holds`
    /// finds the file put to be what this build would write there; whether it did. The
    /// file judged is the one put, not the previous one before it is put: what is
    /// published is what was judged. A previous file that is gone, or a file `holds`
    /// refuses, is left out and fails nothing: the caller writes that file instead.
    pub(crate) fn keep_if(&self, relative: &str, holds: impl FnOnce(&Path) -> bool) -> bool {
        let kept = Contents::Kept(self.build_dir.join(relative));
        if self.write(relative, &kept).is_ok() && holds(&self.dir.path().join(relative)) {
            return true;
        }
        self.discard(relative);
        false
    }

    /// Takes back the file put at `relative`, if there is one.
    pub(crate) fn discard(&self, relative: &str) {
        // Nothing there is what is wanted; anything else fails the write that follows.
        let _ = fs::remove_file(self.dir.path().join(relative));
    }

    fn write(&self, relative: &str, contents: &Contents<'_>) -> Result<()> {
        let path = self.dir.path().join(relative);
        // Most files go to a folder made for an earlier one: it is made when missing.
        let written = match self.write_at(&path, relative, contents) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                let dir = path.parent().expect("a file of the staging directory");
                fs::create_dir_all(dir)
                    .with_context(|| format!("failed to create `{}`", dir.display()))?;
                self.write_at(&path, relative, contents)
            }
            written => written,
        };
        written.with_context(|| match contents {
            Contents::Bytes(_) => format!("failed to write `{}`", path.display()),
            Contents::Copy(source) | Contents::Kept(source) => format!(
                "failed to copy `{}` to `{}`",
                source.display(),
                path.display()
            ),
        })
    }

    fn write_at(&self, path: &Path, relative: &str, contents: &Contents<'_>) -> io::Result<()> {
        match contents {
            // A file the previous build already wrote with the same bytes is linked, not
            // written: a rebuild then allocates (and later frees) no inode for it, which
            // on ext4 makes repeated builds of a large site slower and slower.
            Contents::Bytes(bytes) => {
                let previous = self.build_dir.join(relative);
                if self.existing
                    && unchanged(&previous, bytes)
                    && fs::hard_link(&previous, path).is_ok()
                {
                    return Ok(());
                }
                fs::write(path, bytes)
            }
            // Copied, not linked: a writer who edits the image in place must not edit the
            // published one with it.
            Contents::Copy(source) => fs::copy(source, path).map(drop),
            // Linked where the file system allows: the previous build is removed once this
            // one is in place, so nothing else holds the file.
            Contents::Kept(previous) => {
                fs::hard_link(previous, path).or_else(|_| fs::copy(previous, path).map(drop))
            }
        }
    }

    /// Puts the rest of the build's `files` and swaps the whole in for the build
    /// directory, unless a file could not be written.
    pub(crate) fn complete(self, files: &[(String, Contents<'_>)]) -> Result<Written> {
        // In parallel: a file system takes one directory's entries one at a time, but
        // writes to different directories (html/…, markdown/…) proceed side by side.
        files
            .par_iter()
            .for_each(|(relative, contents)| self.put(relative, contents));
        if let Some(error) = self
            .failed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            return Err(error);
        }
        make_readable(self.dir.path())?;
        if !self.existing {
            let staged = self.dir.keep();
            fs::rename(&staged, &self.build_dir).with_context(|| {
                format!(
                    "failed to move the build into `{}`",
                    self.build_dir.display()
                )
            })?;
            return Ok(Written::default());
        }
        swap(self.dir.path(), &self.build_dir)?;
        Ok(retire(&self.dir.keep()))
    }
}

/// Removes the previous output, swapped out to `previous`. The new output is in place by
/// now: failing to remove the old one is reported, not a failed build (which would exit
/// 2 with the new site already published).
fn retire(previous: &Path) -> Written {
    let leftover = remove_output(previous).err().map(|error| {
        format!(
            "could not remove the previous output, left in `{}`: {error:#}",
            previous.display()
        )
    });
    Written { leftover }
}

/// Whether `dir` (a directory, not followed if a link) is empty or marked as privdoc's.
fn is_ours(dir: &Path) -> Result<bool> {
    if fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|meta| meta.is_file()) {
        return Ok(true);
    }
    let mut entries =
        fs::read_dir(dir).with_context(|| format!("failed to read `{}`", dir.display()))?;
    Ok(entries.next().is_none())
}

/// Removes what killed builds left beside the build directory: staging directories that
/// carry the marker, or are empty (a removal that got as far as the marker).
fn remove_stale_staging(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let is_staging = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(STAGING_PREFIX));
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_staging && is_dir && is_ours(&entry.path()).unwrap_or(false) {
            // Best effort: what cannot be removed now is tried again next time.
            let _ = remove_output(&entry.path());
        }
    }
}

/// Unchanged files are linked into the new build: the previous one is only read here,
/// and only as far as it matches `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    let mut rest = bytes;
    read_in_pieces(path, bytes.len() as u64, |piece| {
        match rest.split_at_checked(piece.len()) {
            Some((expected, after)) if expected == piece => {
                rest = after;
                true
            }
            _ => false,
        }
    })
}

/// Whether `path` is a plain file (not a link) of `size` bytes, each piece of which `take`
/// accepted: its bytes go to `take` in order, a piece at a time, through one buffer per
/// thread (not a fresh allocation per file, each faulted in anew), until `take` refuses
/// one. A build reads the whole of its last output this way.
pub(crate) fn read_in_pieces(path: &Path, size: u64, mut take: impl FnMut(&[u8]) -> bool) -> bool {
    const PIECE: usize = 64 * 1024;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let plain = fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file() && meta.len() == size);
    if !plain {
        return false;
    }
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    BUFFER.with_borrow_mut(|buffer| {
        buffer.resize(PIECE, 0);
        let mut left = size;
        loop {
            match file.read(buffer) {
                Ok(0) => return left == 0,
                Ok(read) => {
                    let piece = &buffer[..read];
                    match left.checked_sub(piece.len() as u64) {
                        Some(after) if take(piece) => left = after,
                        _ => return false,
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    })
}

/// Removes `dir`, a build output privdoc wrote, and everything in it: the files of
/// different directories in parallel, never following a link, the marker last.
fn remove_output(dir: &Path) -> Result<()> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    let marker = dir.join(MARKER);
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
        .contents_first(true);
    for entry in walk {
        let entry = entry.with_context(|| format!("failed to read `{}`", dir.display()))?;
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
        } else if entry.path() != marker {
            files.push(entry.into_path());
        }
    }
    files
        .par_iter()
        .try_for_each(fs::remove_file)
        .with_context(|| format!("failed to remove files in `{}`", dir.display()))?;
    // Children come before their parents (`contents_first`); the root is last.
    let root = dirs.pop();
    for dir in &dirs {
        fs::remove_dir(dir).with_context(|| format!("failed to remove `{}`", dir.display()))?;
    }
    match fs::remove_file(&marker) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            return Err(error).with_context(|| format!("failed to remove `{}`", marker.display()));
        }
        _ => {}
    }
    if let Some(root) = root {
        fs::remove_dir(&root).with_context(|| format!("failed to remove `{}`", root.display()))?;
    }
    Ok(())
}

/// Temporary directories are private (0700); the output should be as readable as any
/// directory the user creates.
fn make_readable(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
            .with_context(|| format!("failed to set permissions of `{}`", dir.display()))?;
    }
    Ok(())
}

/// Exchanges two directories atomically where the kernel can, else with two renames.
fn swap(staged: &Path, build_dir: &Path) -> Result<()> {
    let exchanged = exchange(staged, build_dir)
        .with_context(|| format!("failed to replace `{}`", build_dir.display()))?;
    if exchanged {
        return Ok(());
    }
    // No atomic exchange on this file system: move the old output aside, then the new in.
    let aside = staged.with_extension("old");
    fs::rename(build_dir, &aside)
        .with_context(|| format!("failed to move `{}` aside", build_dir.display()))?;
    if let Err(error) = fs::rename(staged, build_dir) {
        // Put the previous output back before reporting.
        let _ = fs::rename(&aside, build_dir);
        return Err(error)
            .with_context(|| format!("failed to move the build into `{}`", build_dir.display()));
    }
    fs::rename(&aside, staged).with_context(|| format!("failed to clean up `{}`", aside.display()))
}

/// `Ok(false)` when the file system cannot exchange (the kernel says `EINVAL` or `ENOSYS`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS) => Ok(false),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// How a build directory differs from what a build would write.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Drift {
    /// Files a build writes that are not there.
    pub missing: Vec<String>,
    /// Files there that a build would not write.
    pub extra: Vec<String>,
    /// Files whose bytes differ.
    pub changed: Vec<String>,
}

impl Drift {
    /// Whether the directory is exactly what a build writes.
    #[must_use]
    pub(crate) fn is_fresh(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.changed.is_empty()
    }
}

/// Compares `build_dir` with `files` (what a build would write), without changing anything.
pub(crate) fn compare_dir(build_dir: &Path, files: &[(String, Contents<'_>)]) -> Result<Drift> {
    let mut on_disk = std::collections::BTreeSet::new();
    if build_dir.exists() {
        for entry in walkdir::WalkDir::new(build_dir).sort_by_file_name() {
            let entry =
                entry.with_context(|| format!("failed to read `{}`", build_dir.display()))?;
            if entry.file_type().is_file() {
                let relative = entry
                    .path()
                    .strip_prefix(build_dir)
                    .expect("the walk stays inside its root");
                if relative == Path::new(MARKER) {
                    continue;
                }
                let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
                on_disk.insert(parts.join("/"));
            }
        }
    }
    let mut drift = Drift::default();
    for (path, contents) in files {
        if !on_disk.remove(path) {
            drift.missing.push(path.clone());
        } else if fs::read(build_dir.join(path))
            .with_context(|| format!("failed to read `{path}`"))?
            != *contents
                .read()
                .with_context(|| format!("failed to read the source of `{path}`"))?
        {
            drift.changed.push(path.clone());
        }
    }
    drift.extra = on_disk.into_iter().collect();
    Ok(drift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_directory_and_leaves_no_temporaries() {
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        replace_dir(
            &book,
            &[
                ("a/x.md".into(), Contents::Bytes(b"one")),
                ("b.md".into(), Contents::Bytes(b"two")),
            ],
        )
        .unwrap();
        assert_eq!(fs::read(book.join("a/x.md")).unwrap(), b"one");
        replace_dir(&book, &[("c.md".into(), Contents::Bytes(b"three"))]).unwrap();
        assert!(
            !book.join("a").exists(),
            "files of the previous build are gone"
        );
        assert_eq!(fs::read(book.join("c.md")).unwrap(), b"three");
        let leftovers: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("book")]);
    }

    #[test]
    fn files_put_while_staging_are_published_with_the_rest_or_not_at_all() {
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        replace_dir(&book, &[("old.md".into(), Contents::Bytes(b"old"))]).unwrap();
        let names = || -> Vec<_> {
            let mut names: Vec<_> = fs::read_dir(root.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            names
        };
        // A build that stops after putting files publishes none and leaves nothing.
        let staging = Staging::new(&book).unwrap();
        staging.put("html/a.html", &Contents::Bytes(b"a"));
        drop(staging);
        assert_eq!(names(), ["book"]);
        assert_eq!(fs::read(book.join("old.md")).unwrap(), b"old");
        // A file that cannot be written fails the build, whatever else was put.
        let staging = Staging::new(&book).unwrap();
        staging.put("html/a.html", &Contents::Bytes(b"a"));
        staging.put("x.md", &Contents::Copy(root.path().join("no-such-file")));
        let error = staging
            .complete(&[("b.md".into(), Contents::Bytes(b"b"))])
            .unwrap_err();
        assert!(format!("{error:#}").contains("no-such-file"), "{error:#}");
        assert_eq!(names(), ["book"]);
        assert!(!book.join("b.md").exists());
        // Otherwise what was put and the rest make the build, and only they.
        let staging = Staging::new(&book).unwrap();
        staging.put("html/a.html", &Contents::Bytes(b"a"));
        staging
            .complete(&[("b.md".into(), Contents::Bytes(b"b"))])
            .unwrap();
        assert_eq!(names(), ["book"]);
        assert_eq!(fs::read(book.join("html/a.html")).unwrap(), b"a");
        assert_eq!(fs::read(book.join("b.md")).unwrap(), b"b");
        assert!(!book.join("old.md").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        let inode = |name: &str| fs::metadata(book.join(name)).unwrap().ino();
        replace_dir(
            &book,
            &[
                ("same.md".into(), Contents::Bytes(b"same")),
                ("edited.md".into(), Contents::Bytes(b"old")),
            ],
        )
        .unwrap();
        let (same, edited) = (inode("same.md"), inode("edited.md"));
        replace_dir(
            &book,
            &[
                ("same.md".into(), Contents::Bytes(b"same")),
                ("edited.md".into(), Contents::Bytes(b"new")),
            ],
        )
        .unwrap();
        assert_eq!(
            inode("same.md"),
            same,
            "the unchanged file is the same file"
        );
        assert_ne!(inode("edited.md"), edited);
        assert_eq!(fs::read(book.join("edited.md")).unwrap(), b"new");
        assert_eq!(fs::metadata(book.join("same.md")).unwrap().nlink(), 1);
    }

    #[test]
    fn a_file_is_unchanged_only_when_every_byte_matches() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("page.html");
        // Longer than one piece read, and not a multiple of it.
        let text: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&path, &text).unwrap();
        assert!(unchanged(&path, &text));
        let mut changed = text.clone();
        for at in [0, 65_535, 65_536, 131_072, text.len() - 1] {
            changed[at] ^= 1;
            assert!(!unchanged(&path, &changed), "a byte at {at} differs");
            changed[at] ^= 1;
        }
        assert!(!unchanged(&path, &text[..text.len() - 1]), "shorter");
        assert!(
            !unchanged(&path, &[text.as_slice(), b"x"].concat()),
            "longer"
        );
        assert!(!unchanged(&root.path().join("missing.html"), b""));
        fs::write(&path, b"").unwrap();
        assert!(unchanged(&path, b""));
        #[cfg(unix)]
        {
            let link = root.path().join("link.html");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            assert!(!unchanged(&link, b""), "a link is never taken for a file");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_kept_file_is_the_previous_builds_file_in_the_new_build() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        let inode = |name: &str| fs::metadata(book.join(name)).unwrap().ino();
        replace_dir(&book, &[("html/deep/a.html".into(), Contents::Bytes(b"a"))]).unwrap();
        let before = inode("html/deep/a.html");
        let staging = Staging::new(&book).unwrap();
        let judged = std::cell::RefCell::new(Vec::new());
        let holds = |put: &Path| {
            assert!(
                !put.starts_with(&book),
                "the new build's file, not the last one's"
            );
            judged.borrow_mut().push(fs::read(put).unwrap());
            true
        };
        assert!(staging.keep_if("html/deep/a.html", holds));
        assert_eq!(judged.take(), [b"a"], "the file put is the one judged");
        staging.complete(&[]).unwrap();
        assert_eq!(fs::read(book.join("html/deep/a.html")).unwrap(), b"a");
        assert_eq!(inode("html/deep/a.html"), before, "linked, not written");
        // A file refused, or one the previous build does not have (gone since it was
        // judged), is left out and fails nothing: the caller writes it instead.
        let staging = Staging::new(&book).unwrap();
        assert!(!staging.keep_if("html/deep/a.html", |_| false));
        assert!(!staging.keep_if("html/b.html", |_| true));
        staging
            .complete(&[("html/b.html".into(), Contents::Bytes(b"b"))])
            .unwrap();
        assert!(
            !book.join("html/deep/a.html").exists(),
            "refused, so not published"
        );
        assert_eq!(fs::read(book.join("html/b.html")).unwrap(), b"b");
        // A file taken back and then written is written to a file of its own: the
        // previous build's file (seen through a second link to it) is left as it was.
        replace_dir(&book, &[("html/deep/a.html".into(), Contents::Bytes(b"a"))]).unwrap();
        let witness = root.path().join("witness");
        fs::hard_link(book.join("html/deep/a.html"), &witness).unwrap();
        let staging = Staging::new(&book).unwrap();
        assert!(staging.keep_if("html/deep/a.html", |_| true));
        staging.discard("html/deep/a.html");
        staging
            .complete(&[("html/deep/a.html".into(), Contents::Bytes(b"new"))])
            .unwrap();
        assert_eq!(fs::read(book.join("html/deep/a.html")).unwrap(), b"new");
        assert_eq!(fs::read(&witness).unwrap(), b"a");
    }

    #[test]
    fn drift_lists_missing_extra_and_changed_files() {
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        replace_dir(
            &book,
            &[
                ("a.md".into(), Contents::Bytes(b"one")),
                ("b.md".into(), Contents::Bytes(b"two")),
                ("c.md".into(), Contents::Bytes(b"three")),
            ],
        )
        .unwrap();
        assert!(
            compare_dir(
                &book,
                &[
                    ("a.md".into(), Contents::Bytes(b"one")),
                    ("b.md".into(), Contents::Bytes(b"two")),
                    ("c.md".into(), Contents::Bytes(b"three"))
                ]
            )
            .unwrap()
            .is_fresh()
        );
        let drift = compare_dir(
            &book,
            &[
                ("a.md".into(), Contents::Bytes(b"one")),
                ("b.md".into(), Contents::Bytes(b"2")),
                ("d.md".into(), Contents::Bytes(b"four")),
            ],
        )
        .unwrap();
        assert_eq!(
            drift,
            Drift {
                missing: vec!["d.md".into()],
                extra: vec!["c.md".into()],
                changed: vec!["b.md".into()]
            }
        );
    }

    #[test]
    fn refuses_to_replace_a_file() {
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        fs::write(&book, "not a dir").unwrap();
        assert!(replace_dir(&book, &[]).is_err());
        assert_eq!(fs::read(&book).unwrap(), b"not a dir");
    }

    #[test]
    fn refuses_a_folder_it_did_not_write_and_removes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        fs::create_dir(&book).unwrap();
        fs::write(book.join("notes.txt"), "mine").unwrap();
        let error = replace_dir(&book, &[("a.md".into(), Contents::Bytes(b"x"))]).unwrap_err();
        assert!(
            error.to_string().contains("privdoc did not write it"),
            "{error}"
        );
        assert_eq!(fs::read(book.join("notes.txt")).unwrap(), b"mine");
        assert!(!book.join("a.md").exists());
        // An empty folder is fine, and then carries the marker.
        fs::remove_file(book.join("notes.txt")).unwrap();
        replace_dir(&book, &[("a.md".into(), Contents::Bytes(b"x"))]).unwrap();
        assert!(book.join(MARKER).is_file());
    }

    #[cfg(unix)]
    #[test]
    fn removing_the_previous_output_never_follows_a_link() {
        let root = tempfile::tempdir().unwrap();
        let outside = root.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("keep.txt"), "keep").unwrap();
        let book = root.path().join("book");
        replace_dir(&book, &[("a.md".into(), Contents::Bytes(b"x"))]).unwrap();
        std::os::unix::fs::symlink(&outside, book.join("linked-dir")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.txt"), book.join("linked-file")).unwrap();
        replace_dir(&book, &[("b.md".into(), Contents::Bytes(b"y"))]).unwrap();
        assert_eq!(fs::read(outside.join("keep.txt")).unwrap(), b"keep");
        assert!(!book.join("linked-dir").exists());
    }

    #[test]
    fn stale_staging_of_a_killed_build_is_removed_and_other_folders_are_not() {
        let root = tempfile::tempdir().unwrap();
        let stale = root.path().join(".privdoc-build-AbCdEf");
        fs::create_dir_all(stale.join("html")).unwrap();
        fs::write(stale.join(MARKER), MARKER_TEXT).unwrap();
        fs::write(stale.join("html/index.html"), "old").unwrap();
        let emptied = root.path().join(".privdoc-build-XyZ123");
        fs::create_dir(&emptied).unwrap();
        let foreign = root.path().join(".privdoc-build-notes");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("mine.txt"), "mine").unwrap();
        replace_dir(
            &root.path().join("book"),
            &[("a.md".into(), Contents::Bytes(b"x"))],
        )
        .unwrap();
        assert!(!stale.exists());
        assert!(!emptied.exists());
        assert_eq!(fs::read(foreign.join("mine.txt")).unwrap(), b"mine");
    }

    #[test]
    fn an_old_output_that_cannot_be_removed_is_a_leftover_not_a_failure() {
        let root = tempfile::tempdir().unwrap();
        let written = retire(&root.path().join(".privdoc-build-gone"));
        let leftover = written.leftover.unwrap();
        assert!(
            leftover.starts_with("could not remove the previous output"),
            "{leftover}"
        );
    }
}

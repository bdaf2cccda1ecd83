//! Atomic output: the whole build directory is written beside itself in a temporary
//! directory, then swapped in with one `rename` (`RENAME_EXCHANGE` on Linux). A failed
//! build leaves the previous output untouched; nothing outside the build directory and
//! the temporary directory privdoc created is ever removed.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

/// Replaces `build_dir` with exactly `files` (paths relative to it, `/`-separated).
pub fn replace_dir(build_dir: &Path, files: &[(String, &[u8])]) -> Result<()> {
    let parent = match build_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)
        .with_context(|| format!("failed to create `{}`", parent.display()))?;
    if build_dir.exists() && !build_dir.is_dir() {
        bail!("`{}` exists and is not a directory", build_dir.display());
    }
    let staging = tempfile::Builder::new()
        .prefix(".privdoc-build-")
        .tempdir_in(&parent)
        .with_context(|| {
            format!(
                "failed to create a temporary directory in `{}`",
                parent.display()
            )
        })?;
    let dirs: BTreeSet<&Path> = files
        .iter()
        .filter_map(|(relative, _)| Path::new(relative).parent())
        .collect();
    for dir in dirs {
        let dir = staging.path().join(dir);
        fs::create_dir_all(&dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
    }
    // In parallel: a file system takes one directory's entries one at a time, but writes
    // to different directories (html/…, markdown/…) proceed side by side. A file the
    // previous build already wrote with the same bytes is linked, not written: a rebuild
    // then allocates (and later frees) no inode for it, which on ext4 makes repeated
    // builds of a large site slower and slower.
    files.par_iter().try_for_each(|(relative, bytes)| {
        let path = staging.path().join(relative);
        let previous = build_dir.join(relative);
        if unchanged(&previous, bytes) && fs::hard_link(&previous, &path).is_ok() {
            return Ok(());
        }
        fs::write(&path, bytes).with_context(|| format!("failed to write `{}`", path.display()))
    })?;
    make_readable(staging.path())?;
    if build_dir.exists() {
        swap(staging.path(), build_dir)?;
        // `staging` now holds the previous output.
        remove_dir_parallel(&staging.keep())?;
    } else {
        let staged = staging.keep();
        fs::rename(&staged, build_dir)
            .with_context(|| format!("failed to move the build into `{}`", build_dir.display()))?;
    }
    Ok(())
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    let same_size = fs::symlink_metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.len() == bytes.len() as u64);
    same_size && fs::read(path).is_ok_and(|on_disk| on_disk == bytes)
}

/// Removes `dir` (privdoc's own staging directory) and everything in it, the files of
/// different directories in parallel.
fn remove_dir_parallel(dir: &Path) -> Result<()> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(dir).contents_first(true) {
        let entry = entry.with_context(|| format!("failed to read `{}`", dir.display()))?;
        if entry.file_type().is_dir() {
            dirs.push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files
        .par_iter()
        .try_for_each(fs::remove_file)
        .with_context(|| {
            format!(
                "failed to remove the previous output in `{}`",
                dir.display()
            )
        })?;
    // Children come before their parents (`contents_first`).
    for dir in &dirs {
        fs::remove_dir(dir).with_context(|| format!("failed to remove `{}`", dir.display()))?;
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
pub struct Drift {
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
    pub fn is_fresh(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.changed.is_empty()
    }
}

/// Compares `build_dir` with `files` (what a build would write), without changing anything.
pub fn compare_dir(build_dir: &Path, files: &[(String, &[u8])]) -> Result<Drift> {
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
                let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
                on_disk.insert(parts.join("/"));
            }
        }
    }
    let mut drift = Drift::default();
    for (path, bytes) in files {
        if !on_disk.remove(path) {
            drift.missing.push(path.clone());
        } else if fs::read(build_dir.join(path))
            .with_context(|| format!("failed to read `{path}`"))?
            != *bytes
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
        replace_dir(&book, &[("a/x.md".into(), b"one"), ("b.md".into(), b"two")]).unwrap();
        assert_eq!(fs::read(book.join("a/x.md")).unwrap(), b"one");
        replace_dir(&book, &[("c.md".into(), b"three")]).unwrap();
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

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        let inode = |name: &str| fs::metadata(book.join(name)).unwrap().ino();
        replace_dir(
            &book,
            &[("same.md".into(), b"same"), ("edited.md".into(), b"old")],
        )
        .unwrap();
        let (same, edited) = (inode("same.md"), inode("edited.md"));
        replace_dir(
            &book,
            &[("same.md".into(), b"same"), ("edited.md".into(), b"new")],
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
    fn drift_lists_missing_extra_and_changed_files() {
        let root = tempfile::tempdir().unwrap();
        let book = root.path().join("book");
        replace_dir(
            &book,
            &[
                ("a.md".into(), b"one"),
                ("b.md".into(), b"two"),
                ("c.md".into(), b"three"),
            ],
        )
        .unwrap();
        assert!(
            compare_dir(
                &book,
                &[
                    ("a.md".into(), b"one"),
                    ("b.md".into(), b"two"),
                    ("c.md".into(), b"three")
                ]
            )
            .unwrap()
            .is_fresh()
        );
        let drift = compare_dir(
            &book,
            &[
                ("a.md".into(), b"one"),
                ("b.md".into(), b"2"),
                ("d.md".into(), b"four"),
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
}

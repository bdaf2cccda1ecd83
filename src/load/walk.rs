//! The directory walk: sorted, skipping hidden entries, `node_modules` and the build
//! directory, reporting unreadable entries and non-UTF-8 names instead of failing.
//!
//! Symbolic links are followed once, and only inside the project: a link that resolves
//! outside it (`content/env.md -> /proc/self/environ`, a snippet linked to `/etc/passwd`,
//! a folder linked elsewhere) is an error at its path and is never read, so a build of an
//! untrusted pull request cannot publish the machine's files. Loops are errors too.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, SourceMap, Span};

/// The files under a directory, and the symbolic links refused because they leave the
/// project (each reported).
#[derive(Debug, Default)]
pub(super) struct Walked {
    /// Relative paths (with `/`), sorted.
    pub(super) files: Vec<String>,
    /// Relative paths of the refused links.
    pub(super) refused: Vec<String>,
}

/// The files under `root/dir`, sorted. A missing `dir` is empty.
pub(super) fn files(
    root: &Path,
    dir: &Path,
    skip: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
    files: &mut SourceMap,
) -> Walked {
    let start = root.join(dir);
    if !start.is_dir() {
        return Walked::default();
    }
    // Compared as canonical paths, so `./book` and `book/` are the same directory.
    let skip: Vec<PathBuf> = skip
        .iter()
        .filter_map(|dir| dir.canonicalize().ok())
        .collect();
    let project = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let escaping = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(&start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() > 0 && is_skipped(entry, &skip) {
                return false;
            }
            match leaves_project(entry, &project) {
                Some(target) => {
                    escaping
                        .borrow_mut()
                        .push((entry.path().to_path_buf(), target));
                    false
                }
                None => true,
            }
        });
    let mut paths = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                match relative.to_str() {
                    Some(_) => paths.push(display(relative)),
                    None => diagnostics.push(walk_error(
                        files,
                        relative,
                        "has a name that is not UTF-8",
                    )),
                }
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().unwrap_or(&start).to_path_buf();
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                let cause = error
                    .io_error()
                    .map_or_else(|| error.to_string(), ToString::to_string);
                diagnostics.push(walk_error(
                    files,
                    &relative,
                    &format!("cannot be read: {cause}"),
                ));
            }
        }
    }
    let mut refused = Vec::new();
    for (path, target) in escaping.into_inner() {
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let problem = format!(
            "is a symbolic link to `{}`, outside the project: privdoc never reads or publishes files outside the project",
            target.display()
        );
        diagnostics.push(walk_error(files, relative, &problem));
        refused.push(display(relative));
    }
    Walked {
        files: paths,
        refused,
    }
}

/// Where a symbolic link leads when that is outside `project` (a canonical path); `None`
/// for anything else. Entries below a followed link are not links themselves, and their
/// link was checked before the walk entered it.
fn leaves_project(entry: &walkdir::DirEntry, project: &Path) -> Option<PathBuf> {
    if !entry.path_is_symlink() {
        return None;
    }
    match entry.path().canonicalize() {
        Ok(target) if target.starts_with(project) => None,
        Ok(target) => Some(target),
        // A dangling link or a loop: the walk reports it when it reads the entry.
        Err(_) => None,
    }
}

fn is_skipped(entry: &walkdir::DirEntry, skip: &[PathBuf]) -> bool {
    let name = entry.file_name().to_string_lossy();
    if name.starts_with('.') || name == "node_modules" {
        return true;
    }
    entry.file_type().is_dir()
        && !skip.is_empty()
        && entry
            .path()
            .canonicalize()
            .is_ok_and(|path| skip.contains(&path))
}

fn walk_error(files: &mut SourceMap, relative: &Path, problem: &str) -> Diagnostic {
    let shown = relative.to_string_lossy().into_owned();
    let file = files.add(relative.to_path_buf(), "".into());
    Diagnostic::error(
        Code::Io,
        Span::file_start(file),
        format!("`{shown}` {problem}"),
    )
}

/// A relative path with `/` separators, whatever the platform; `.` parts dropped.
pub(super) fn display(path: &Path) -> String {
    let parts: Vec<_> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

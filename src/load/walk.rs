//! The directory walk: sorted, skipping hidden entries, `node_modules` and the build
//! directory, reporting unreadable entries and non-UTF-8 names instead of failing.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, SourceMap, Span};

/// Relative paths (with `/`) of the files under `root/dir`, sorted. A missing `dir` is empty.
pub(super) fn files(
    root: &Path,
    dir: &Path,
    skip: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
    sources: &mut SourceMap,
) -> Vec<String> {
    let start = root.join(dir);
    if !start.is_dir() {
        return Vec::new();
    }
    // Compared as canonical paths, so `./book` and `book/` are the same directory.
    let skip: Vec<PathBuf> = skip
        .iter()
        .filter_map(|dir| dir.canonicalize().ok())
        .collect();
    let walker = walkdir::WalkDir::new(&start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped(entry, &skip));
    let mut paths = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                match relative.to_str() {
                    Some(_) => paths.push(display(relative)),
                    None => diagnostics.push(walk_error(
                        sources,
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
                    sources,
                    &relative,
                    &format!("cannot be read: {cause}"),
                ));
            }
        }
    }
    paths
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

fn walk_error(sources: &mut SourceMap, relative: &Path, problem: &str) -> Diagnostic {
    let shown = relative.to_string_lossy().into_owned();
    let file = sources.add(relative.to_path_buf(), "".into());
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

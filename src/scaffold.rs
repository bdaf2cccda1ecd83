//! `privdoc init`: a new project that builds and checks clean — `book.toml`, one service
//! with two sources, a snippet, and a README for writers. The files are compiled into the
//! binary from the repository's `scaffold/`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The scaffold: (path in the new project, contents).
const FILES: [(&str, &str); 6] = [
    ("book.toml", include_str!("../scaffold/book.toml")),
    ("README.md", include_str!("../scaffold/README.md")),
    (
        "content/services/example-service.toml",
        include_str!("../scaffold/content/services/example-service.toml"),
    ),
    (
        "content/sources/device-manager.toml",
        include_str!("../scaffold/content/sources/device-manager.toml"),
    ),
    (
        "content/sources/ticketing.toml",
        include_str!("../scaffold/content/sources/ticketing.toml"),
    ),
    (
        "content/snippets/processor-duties.md",
        include_str!("../scaffold/content/snippets/processor-duties.md"),
    ),
];

/// Creates the project in `dir`, which must be empty (or missing) unless `force`, in which
/// case the scaffold's files overwrite theirs and nothing else is touched. Returns the
/// files written.
pub(crate) fn create(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    let occupied = fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied && !force {
        bail!(
            "`{}` is not empty; pass `--force` to write the new project's files into it anyway",
            dir.display()
        );
    }
    // `--force` writes only the scaffold's own files, and never through a symbolic link: a
    // link in the folder (`README.md -> ~/.bashrc`) would have the new file written
    // wherever it points.
    for (relative, _) in FILES {
        let mut path = dir.to_path_buf();
        for part in Path::new(relative) {
            path.push(part);
            if fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
                bail!(
                    "`{}` is a symbolic link; `init` does not write through links (remove it, or init another folder)",
                    path.display()
                );
            }
        }
    }
    let mut written = Vec::new();
    for (relative, text) in FILES {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("failed to write `{}`", path.display()))?;
        written.push(PathBuf::from(relative));
    }
    Ok(written)
}

//! Where the build directory really is, decided once: symlinks in its path resolved, then
//! refused when replacing it could destroy input. A build replaces its directory as a whole,
//! so the directory must never be, contain or lie inside the project root, the content
//! directory, `templates/`, `.git` or any other hidden folder — whatever the command line
//! says. This only reads the file system; `write` checks, before it replaces anything,
//! that the directory holds privdoc's own output.

use std::path::{Component, Path, PathBuf};

/// The project's folders a build directory must keep clear of, as absolute resolved paths.
pub(super) struct Inputs<'a> {
    /// The project root.
    pub(super) root: &'a Path,
    /// The content directory.
    pub(super) src: &'a Path,
    /// The template overrides.
    pub(super) templates: &'a Path,
}

/// Resolves `build` (relative to the project root, or absolute) and checks it against the
/// inputs. The error is a sentence about `build` as written.
pub(super) fn resolve(
    inputs: &Inputs<'_>,
    build: &Path,
    allow_external: bool,
) -> Result<PathBuf, String> {
    let written = build.display();
    let lexical = normalize(&inputs.root.join(build));
    let resolved = resolve_existing(&lexical);
    let resolves_to = if resolved == lexical {
        String::new()
    } else {
        format!(" (it resolves to `{}`)", resolved.display())
    };
    if resolved.exists() && !resolved.is_dir() {
        return Err(format!(
            "build-dir `{written}` is a file{resolves_to}: a build replaces its build directory as a whole"
        ));
    }
    if inputs.root.starts_with(&resolved) {
        let what = if resolved == inputs.root {
            "is"
        } else {
            "contains"
        };
        return Err(format!(
            "build-dir `{written}` {what} the project root{resolves_to}: a build would replace the whole project"
        ));
    }
    for (input, name) in [
        (inputs.src, "the content directory"),
        (inputs.templates, "`templates/`"),
    ] {
        if input == inputs.root {
            continue; // `src = "."`: the walk leaves the build directory out instead
        }
        if input.starts_with(&resolved) {
            let what = if input == resolved { "is" } else { "contains" };
            return Err(format!(
                "build-dir `{written}` {what} {name}{resolves_to}: a build would replace the sources"
            ));
        }
        if resolved.starts_with(input) {
            return Err(format!(
                "build-dir `{written}` lies inside {name}{resolves_to}: a build would write among the sources"
            ));
        }
    }
    match resolved.strip_prefix(inputs.root) {
        Ok(inside) => {
            if let Some(hidden) = inside.components().find(|c| is_hidden(c.as_os_str())) {
                let hidden = hidden.as_os_str().to_string_lossy();
                return Err(format!(
                    "build-dir `{written}` is in the hidden folder `{hidden}`{resolves_to}: hidden folders such as `.git` are never build output"
                ));
            }
        }
        Err(_) if !allow_external => {
            return Err(format!(
                "build-dir `{written}` is outside the project{resolves_to}; pass `--allow-external-build-dir` to use it"
            ));
        }
        Err(_) => {}
    }
    Ok(resolved)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// `path` with its longest existing prefix resolved by the file system (symlinks followed
/// once, here) and the rest appended as written. `path` is absolute and normalized.
pub(super) fn resolve_existing(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(resolved) = existing.canonicalize() {
            let mut path = resolved;
            path.extend(rest.iter().rev());
            return normalize(&path);
        }
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// `/a/./b/../c` → `/a/c`, without touching the file system.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(build: &str, allow: bool) -> Result<PathBuf, String> {
        let root = Path::new("/nonexistent-project");
        let inputs = Inputs {
            root,
            src: &root.join("content"),
            templates: &root.join("templates"),
        };
        resolve(&inputs, Path::new(build), allow)
    }

    #[test]
    fn refuses_every_input_and_hidden_folder() {
        for (bad, why) in [
            (".", "is the project root"),
            ("./", "is the project root"),
            ("..", "contains the project root"),
            ("content", "is the content directory"),
            ("content/out", "lies inside the content directory"),
            ("templates", "is `templates/`"),
            ("templates/x", "lies inside `templates/`"),
            (".git", "hidden folder `.git`"),
            (".cache/book", "hidden folder `.cache`"),
            ("../elsewhere", "outside the project"),
            ("/tmp/out", "outside the project"),
        ] {
            let error = check(bad, false).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(
            check("/", true)
                .unwrap_err()
                .contains("contains the project root")
        );
    }

    #[test]
    fn accepts_a_folder_of_its_own() {
        assert_eq!(
            check("book", false).unwrap(),
            Path::new("/nonexistent-project/book")
        );
        assert_eq!(
            check("./out/site/../book", false).unwrap(),
            Path::new("/nonexistent-project/out/book")
        );
        assert_eq!(
            check("/tmp/out", true).unwrap(),
            resolve_existing(Path::new("/tmp/out"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_resolved_before_the_rules_apply() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("project/content")).unwrap();
        let root = dir.path().join("project").canonicalize().unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::os::unix::fs::symlink(&root, root.join("out")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("book")).unwrap();
        let inputs = Inputs {
            root: &root,
            src: &root.join("content"),
            templates: &root.join("templates"),
        };
        let error = resolve(&inputs, Path::new("out"), true).unwrap_err();
        assert!(
            error.contains("is the project root (it resolves to"),
            "{error}"
        );
        let error = resolve(&inputs, Path::new("book"), false).unwrap_err();
        assert!(
            error.contains("outside the project (it resolves to"),
            "{error}"
        );
        assert_eq!(
            resolve(&inputs, Path::new("book"), true).unwrap(),
            dir.path().join("outside").canonicalize().unwrap()
        );
    }
}

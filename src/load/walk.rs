//! The directory walk: sorted, skipping hidden entries, `node_modules` and the build
//! directory, reporting unreadable entries and non-UTF-8 names instead of failing.
//!
//! Symbolic links are followed once, and only inside the project: a link that resolves
//! outside it (`content/env.md -> /proc/self/environ`, a snippet linked to `/etc/passwd`,
//! a folder linked elsewhere) is an error at its path and is never read, so a build of an
//! untrusted pull request cannot publish the machine's files. Loops are errors too.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

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
    let Some(plan) = Plan::new(root, dir, skip) else {
        return Walked::default();
    };
    let walk = Walk {
        skip: &plan.skip,
        project: &plan.project,
        start: &plan.start,
    };
    report(root, walk.root(), diagnostics, files)
}

/// Where a walk of `root/dir` starts, what it leaves out and what it stays inside.
struct Plan {
    start: PathBuf,
    /// The folders not walked, as canonical paths, so `./book` and `book/` are one.
    skip: Vec<PathBuf>,
    /// The project, canonical: links that resolve outside it are refused.
    project: PathBuf,
}

impl Plan {
    /// The plan of a walk of `root/dir`, or `None` when `dir` is not a folder.
    fn new(root: &Path, dir: &Path, skip: &[PathBuf]) -> Option<Self> {
        let start = root.join(dir);
        start.is_dir().then(|| Self {
            start,
            skip: skip
                .iter()
                .filter_map(|dir| dir.canonicalize().ok())
                .collect(),
            project: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        })
    }
}

/// The files a walk of `root` met, in the order it met them, and the links it refused;
/// its problems reported: names that are not UTF-8 and entries that could not be read in
/// walk order, then the refused links.
fn report(
    root: &Path,
    met: impl IntoIterator<Item = Met>,
    diagnostics: &mut Vec<Diagnostic>,
    files: &mut SourceMap,
) -> Walked {
    let mut paths = Vec::new();
    let mut escaping = Vec::new();
    for met in met {
        match met {
            Met::File(path) => {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                match relative.to_str() {
                    Some(_) => paths.push(display(relative)),
                    None => diagnostics.push(walk_error(
                        files,
                        relative,
                        "has a name that is not UTF-8",
                    )),
                }
            }
            Met::Unreadable(path, cause) => {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                diagnostics.push(walk_error(
                    files,
                    relative,
                    &format!("cannot be read: {cause}"),
                ));
            }
            Met::Escaping(path, target) => escaping.push((path, target)),
        }
    }
    let mut refused = Vec::new();
    for (path, target) in escaping {
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

/// What the walk met, in walk order: depth first, each folder's entries by name.
enum Met {
    File(PathBuf),
    /// An entry that could not be read, and why.
    Unreadable(PathBuf, String),
    /// A symbolic link out of the project, and where it leads.
    Escaping(PathBuf, PathBuf),
}

/// One walk: its rules, and the folder it starts from.
struct Walk<'a> {
    skip: &'a [PathBuf],
    project: &'a Path,
    start: &'a Path,
}

/// A folder being walked and the folders it is inside, to find loops.
struct Ancestors<'a> {
    path: &'a Path,
    parent: Option<&'a Ancestors<'a>>,
}

impl<'a> Ancestors<'a> {
    /// This folder and the ones it is inside, innermost first.
    fn paths(&'a self) -> impl Iterator<Item = &'a Path> {
        std::iter::successors(Some(self), |folder| folder.parent).map(|folder| folder.path)
    }
}

/// Folders at least this deep are walked one at a time, with a list of the open
/// folders rather than a call per folder: a tree nested thousands deep (as deep as paths
/// go) must not run a thread out of stack, and the top of a tree holds folders enough to
/// keep every thread busy.
const DEEP: usize = 8;

/// What the walk does at an entry.
enum Step {
    Met(Met),
    Skip,
    Enter(PathBuf),
}

/// A folder's entries, by name.
type Entries = Vec<(std::ffi::OsString, std::fs::DirEntry)>;

impl Walk<'_> {
    /// The walk from its start. The top folders are listed side by side, each on
    /// whichever thread is free (thousands of folders make the walk a wait on system
    /// calls), and their findings joined in order, so the walk is the one order whatever
    /// the threads.
    fn root(&self) -> Vec<Met> {
        if let Some(target) = self
            .start
            .is_symlink()
            .then(|| self.outside(self.start))
            .flatten()
        {
            return vec![Met::Escaping(self.start.to_path_buf(), target)];
        }
        let ancestors = Ancestors {
            path: self.start,
            parent: None,
        };
        self.folder(&ancestors, 0)
    }

    /// What the walk meets in `folder`, the first of `ancestors`, `depth` folders below
    /// the start: its entries side by side.
    fn folder(&self, ancestors: &Ancestors<'_>, depth: usize) -> Vec<Met> {
        let mut met = Vec::new();
        let Some(entries) = self.list(ancestors.path, &mut met) else {
            return met;
        };
        let found: Vec<Vec<Met>> = entries
            .par_iter()
            .map(
                |(name, entry)| match self.step(name, entry, ancestors.paths()) {
                    Step::Met(found) => vec![found],
                    Step::Skip => Vec::new(),
                    Step::Enter(path) => {
                        let inside = Ancestors {
                            path: &path,
                            parent: Some(ancestors),
                        };
                        if depth + 1 < DEEP {
                            self.folder(&inside, depth + 1)
                        } else {
                            self.deep(&inside)
                        }
                    }
                },
            )
            .collect();
        met.extend(found.into_iter().flatten());
        met
    }

    /// What the walk meets in `folder`, the first of `ancestors`, one entry at a time.
    fn deep(&self, ancestors: &Ancestors<'_>) -> Vec<Met> {
        let mut met = Vec::new();
        let Some(entries) = self.list(ancestors.path, &mut met) else {
            return met;
        };
        // The folders entered below `folder`, innermost last, each with its entries left.
        let mut open: Vec<(PathBuf, std::vec::IntoIter<_>)> = Vec::new();
        let mut top = entries.into_iter();
        loop {
            let next = match open.last_mut() {
                Some((_, entries)) => entries.next(),
                None => top.next(),
            };
            let Some((name, entry)) = next else {
                if open.pop().is_none() {
                    return met;
                }
                continue;
            };
            let inside = open.iter().rev().map(|(path, _)| path.as_path());
            match self.step(&name, &entry, inside.chain(ancestors.paths())) {
                Step::Met(found) => met.push(found),
                Step::Skip => {}
                Step::Enter(path) => {
                    if let Some(entries) = self.list(&path, &mut met) {
                        open.push((path, entries.into_iter()));
                    }
                }
            }
        }
    }

    /// The entries of `folder` by name, or `None` when it cannot be listed; what cannot
    /// be read is added to `met` (an entry that cannot be listed is reported first, at
    /// the start of the walk).
    fn list(&self, folder: &Path, met: &mut Vec<Met>) -> Option<Entries> {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) => {
                met.push(Met::Unreadable(folder.to_path_buf(), error.to_string()));
                return None;
            }
        };
        let mut named = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => named.push((entry.file_name(), entry)),
                Err(error) => {
                    met.push(Met::Unreadable(self.start.to_path_buf(), error.to_string()));
                }
            }
        }
        named.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        Some(named)
    }

    /// What the walk does at `entry`, inside `ancestors` (innermost first).
    fn step<'p>(
        &self,
        name: &std::ffi::OsStr,
        entry: &std::fs::DirEntry,
        ancestors: impl Iterator<Item = &'p Path>,
    ) -> Step {
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(error) => return Step::Met(Met::Unreadable(path, error.to_string())),
        };
        let link = kind.is_symlink();
        // A link is followed; one to a folder the walk is inside is a loop. Both are
        // found before the rules below, so a hidden dangling link is still reported.
        let (is_dir, is_file) = if link {
            let target = match std::fs::metadata(&path) {
                Ok(target) => target,
                Err(error) => return Step::Met(Met::Unreadable(path, error.to_string())),
            };
            if target.is_dir() {
                match loop_to(&path, ancestors) {
                    Ok(None) => {}
                    Ok(Some(ancestor)) => {
                        let cause = format!(
                            "File system loop found: {} points to an ancestor {}",
                            path.display(),
                            ancestor.display()
                        );
                        return Step::Met(Met::Unreadable(path, cause));
                    }
                    Err(error) => {
                        return Step::Met(Met::Unreadable(
                            self.start.to_path_buf(),
                            error.to_string(),
                        ));
                    }
                }
            }
            (target.is_dir(), target.is_file())
        } else {
            (kind.is_dir(), kind.is_file())
        };
        if self.is_skipped(name, &path, is_dir) {
            Step::Skip
        } else if let Some(target) = link.then(|| self.outside(&path)).flatten() {
            Step::Met(Met::Escaping(path, target))
        } else if is_file {
            Step::Met(Met::File(path))
        } else if is_dir {
            Step::Enter(path)
        } else {
            Step::Skip
        }
    }

    /// Where the symbolic link `path` leads when that is outside the project; `None` for
    /// anything else. Entries below a followed link are not links themselves, and their
    /// link was checked before the walk entered it.
    fn outside(&self, path: &Path) -> Option<PathBuf> {
        match path.canonicalize() {
            Ok(target) if target.starts_with(self.project) => None,
            Ok(target) => Some(target),
            // A dangling link or a loop: the walk reports it when it reads the entry.
            Err(_) => None,
        }
    }

    fn is_skipped(&self, name: &std::ffi::OsStr, path: &Path, is_dir: bool) -> bool {
        let name = name.as_encoded_bytes();
        if name.starts_with(b".") || name == b"node_modules" {
            return true;
        }
        is_dir
            && !self.skip.is_empty()
            && path
                .canonicalize()
                .is_ok_and(|path| self.skip.contains(&path))
    }
}

/// The first of `ancestors` (folders, innermost first) that the folder `link` leads to
/// is, if any.
fn loop_to<'p>(
    link: &Path,
    ancestors: impl Iterator<Item = &'p Path>,
) -> std::io::Result<Option<&'p Path>> {
    let target = identity(link)?;
    for folder in ancestors {
        if identity(folder)? == target {
            return Ok(Some(folder));
        }
    }
    Ok(None)
}

/// What tells folders apart: the device and inode where there are some.
#[cfg(unix)]
fn identity(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    let metadata = std::fs::metadata(path)?;
    Ok((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> std::io::Result<PathBuf> {
    path.canonicalize()
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

#[cfg(test)]
mod tests {
    use super::*;

    // The walk as it was with `walkdir`, one folder at a time: the new walk must meet
    // the same files, refusals and problems, in the same order. Only the traversal is
    // walkdir's; where it starts ([`Plan`]) and how what it met is reported ([`report`])
    // are the walk's own.
    fn walkdir_met(plan: &Plan) -> Vec<Met> {
        let escaping = std::cell::RefCell::new(Vec::new());
        let walker = walkdir::WalkDir::new(&plan.start)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                if entry.depth() > 0 && walkdir_is_skipped(entry, &plan.skip) {
                    return false;
                }
                match walkdir_leaves_project(entry, &plan.project) {
                    Some(target) => {
                        escaping
                            .borrow_mut()
                            .push(Met::Escaping(entry.path().to_path_buf(), target));
                        false
                    }
                    None => true,
                }
            });
        let mut met = Vec::new();
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    met.push(Met::File(entry.path().to_path_buf()));
                }
                Ok(_) => {}
                Err(error) => {
                    let path = error.path().unwrap_or(&plan.start).to_path_buf();
                    let cause = error
                        .io_error()
                        .map_or_else(|| error.to_string(), ToString::to_string);
                    met.push(Met::Unreadable(path, cause));
                }
            }
        }
        met.extend(escaping.into_inner());
        met
    }

    fn walkdir_leaves_project(entry: &walkdir::DirEntry, project: &Path) -> Option<PathBuf> {
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

    fn walkdir_is_skipped(entry: &walkdir::DirEntry, skip: &[PathBuf]) -> bool {
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

    /// A project with what a walk can meet: names that sort apart from their paths
    /// (`a-b.md`, `a.b/`, `a/`), hidden and skipped folders, links inside and out of the
    /// project, a dangling link, loops (one hidden), a name that is not UTF-8.
    fn tricky_project() -> tempfile::TempDir {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let root = dir.path().join("project");
        let content = root.join("content");
        for folder in [
            "a/b/c",
            "a.b",
            "a-b",
            "B",
            ".git",
            "node_modules/m",
            "book/html",
            "sub/deep/er",
        ] {
            std::fs::create_dir_all(content.join(folder)).unwrap();
        }
        std::fs::create_dir_all(outside.join("folder")).unwrap();
        std::fs::write(outside.join("secret.md"), "x").unwrap();
        std::fs::write(outside.join("folder/page.md"), "x").unwrap();
        for file in [
            "a.md",
            "a-b.md",
            "a/b.md",
            "a/b/c/d.md",
            "a.b/x.md",
            "a-b/y.md",
            "B/z.md",
            "b.md",
            "\u{e9}t\u{e9}.md",
            ".hidden.md",
            ".git/x.md",
            "node_modules/m/x.md",
            "book/html/x.md",
            "sub/deep/er/e.md",
            "sub/deep/f.toml",
        ] {
            std::fs::write(content.join(file), "x").unwrap();
        }
        // Below the folders walked side by side, the same again, one folder at a time.
        let mut deep = content.join("sub");
        for level in 0..DEEP + 4 {
            deep.push(format!("{level}"));
            std::fs::create_dir_all(&deep).unwrap();
            std::fs::write(deep.join("page.md"), "x").unwrap();
            std::fs::write(deep.join("a-page.md"), "x").unwrap();
        }
        std::fs::create_dir(deep.join("z")).unwrap();
        std::fs::write(deep.join("z/last.md"), "x").unwrap();
        symlink("../../..", deep.join("up")).unwrap();
        symlink(".", deep.join(".here")).unwrap();
        symlink("gone", deep.join("gone.md")).unwrap();
        symlink(outside.join("folder"), deep.join("out")).unwrap();
        symlink(content.join("a"), deep.join("back")).unwrap();
        std::fs::write(deep.join(".hidden.md"), "x").unwrap();
        let bad = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"caf\xe9.md");
        std::fs::write(content.join(bad), "x").unwrap();
        symlink("a.md", content.join("alias.md")).unwrap();
        symlink("a", content.join("linked-in")).unwrap();
        symlink("nowhere.md", content.join("dangling.md")).unwrap();
        symlink("nowhere", content.join(".dangling")).unwrap();
        symlink("..", content.join("sub/deep/loop")).unwrap();
        symlink(".", content.join(".loop")).unwrap();
        symlink(outside.join("secret.md"), content.join("secret.md")).unwrap();
        symlink(outside.join("folder"), content.join("a/out")).unwrap();
        symlink("/proc/self/environ", content.join("env.md")).unwrap();
        dir
    }

    #[test]
    fn the_parallel_walk_meets_what_walkdir_met_in_its_order() {
        let dir = tricky_project();
        let root = dir.path().join("project");
        let skip = [root.join("content/book")];
        let walked = |walk: &dyn Fn(&mut Vec<Diagnostic>, &mut SourceMap) -> Walked| {
            let (mut diagnostics, mut files) = (Vec::new(), SourceMap::default());
            let walked = walk(&mut diagnostics, &mut files);
            let problems: Vec<_> = diagnostics
                .iter()
                .map(|d| {
                    (
                        files.get(d.span.file).path().to_path_buf(),
                        d.message.clone(),
                    )
                })
                .collect();
            (walked.files, walked.refused, problems)
        };
        let oracle = |root: &Path, dir: &str, skip: &[PathBuf]| {
            let plan = Plan::new(root, Path::new(dir), skip).expect("a folder");
            walked(&|d, f| report(root, walkdir_met(&plan), d, f))
        };
        let expected = oracle(&root, "content", &skip);
        assert!(
            expected.0.contains(&"content/a/b/c/d.md".to_owned()),
            "{expected:?}"
        );
        assert_eq!(expected.1.len(), 6, "{expected:?}");
        assert!(
            expected.0.iter().any(|path| path.ends_with("/z/last.md")),
            "{expected:?}"
        );
        assert!(
            expected.2.iter().any(|(_, m)| m.contains("loop")),
            "{expected:?}"
        );
        for threads in [1, 2, 7] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let found =
                pool.install(|| walked(&|d, f| files(&root, Path::new("content"), &skip, d, f)));
            assert_eq!(found, expected, "{threads} threads");
        }
        // From `.`, as `src = "."` walks: the same paths, `./` left out.
        let content = root.join("content");
        let dotted = walked(&|d, f| files(&content, Path::new("."), &[], d, f));
        assert_eq!(dotted, oracle(&content, ".", &[]));
        assert!(
            dotted.0.iter().all(|path| !path.starts_with('.')),
            "{dotted:?}"
        );
    }

    #[test]
    fn a_tree_nested_as_deep_as_paths_go_is_walked_without_running_out_of_stack() {
        let dir = tempfile::tempdir().unwrap();
        let mut deep = dir.path().join("content");
        // Paths end at 4,096 bytes: some 1,900 folders of one letter under a temporary one.
        while deep.as_os_str().len() < 3_900 {
            deep.push("d");
        }
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("page.md"), "x").unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (mut diagnostics, mut files) = (Vec::new(), SourceMap::default());
        let walked = pool.install(|| {
            super::files(
                dir.path(),
                Path::new("content"),
                &[],
                &mut diagnostics,
                &mut files,
            )
        });
        assert_eq!(walked.files.len(), 1, "{diagnostics:?}");
        assert!(walked.files[0].ends_with("d/d/page.md"));
    }

    #[test]
    fn a_start_linked_out_of_the_project_is_refused_whole() {
        let dir = tricky_project();
        let root = dir.path().join("project");
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("elsewhere")).unwrap();
        let (mut diagnostics, mut files) = (Vec::new(), SourceMap::default());
        let walked = super::files(
            &root,
            Path::new("elsewhere"),
            &[],
            &mut diagnostics,
            &mut files,
        );
        assert!(walked.files.is_empty(), "{:?}", walked.files);
        assert_eq!(walked.refused, ["elsewhere"]);
        assert_eq!(diagnostics.len(), 1);
    }
}

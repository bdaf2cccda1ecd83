//! Nothing outside the build directory is ever touched, and a mistyped path fails: the
//! build directory is resolved once (symlinks followed, then checked), refused when it is,
//! contains or lies inside an input, and replaced only when privdoc wrote it.

use std::fs;
use std::path::Path;

use crate::support::{copy_example, copy_project, privdoc, read_tree, stderr};

/// A folder of 300 files that must all survive whatever privdoc is asked to do.
fn sacrificial(dir: &Path) {
    fs::create_dir_all(dir.join("nested")).unwrap();
    for i in 0..300 {
        let sub = if i % 2 == 0 { "" } else { "nested/" };
        fs::write(
            dir.join(format!("{sub}file-{i:03}.txt")),
            format!("keep {i}"),
        )
        .unwrap();
    }
}

fn assert_intact(dir: &Path) {
    let tree = read_tree(dir);
    assert_eq!(tree.len(), 300, "files were removed from {}", dir.display());
    for (path, bytes) in tree {
        let i: usize = path.trim_start_matches("nested/")[5..8].parse().unwrap();
        assert_eq!(bytes, format!("keep {i}").into_bytes(), "{path} changed");
    }
}

fn set_build_dir(project: &Path, value: &str) {
    let book = project.join("book.toml");
    let text = fs::read_to_string(&book).unwrap();
    fs::write(
        &book,
        text.replace("build-dir = \"book\"", &format!("build-dir = {value:?}")),
    )
    .unwrap();
}

fn build(project: &Path, extra: &[&str]) -> std::process::Output {
    privdoc()
        .arg("build")
        .arg(project)
        .args(extra)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_build_dir_symlinked_out_of_the_project_deletes_nothing_with_many_threads() {
    let outside = tempfile::tempdir().unwrap();
    sacrificial(outside.path());
    let project = copy_example();
    std::os::unix::fs::symlink(outside.path(), project.path().join("book")).unwrap();
    for _ in 0..5 {
        let output = build(project.path(), &["-j", "16"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("is outside the project (it resolves to"),
            "{}",
            stderr(&output)
        );
        assert_intact(outside.path());
        // Allowed outside, the folder is still not privdoc's: refused, untouched.
        let output = build(project.path(), &["-j", "16", "--allow-external-build-dir"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("privdoc did not write it"),
            "{}",
            stderr(&output)
        );
        assert_intact(outside.path());
    }
}

#[cfg(unix)]
#[test]
fn a_build_dir_that_resolves_to_the_project_is_refused() {
    let project = copy_example();
    std::os::unix::fs::symlink(".", project.path().join("out")).unwrap();
    set_build_dir(project.path(), "out");
    let before = read_tree(&project.path().join("content"));
    let output = build(project.path(), &["-j", "16"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is the project root (it resolves to"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read_tree(&project.path().join("content")), before);
}

#[test]
fn no_flag_lets_a_build_replace_an_input() {
    let project = copy_example();
    fs::write(project.path().join("templates/extra.css"), "/* mine */").unwrap();
    fs::create_dir(project.path().join(".git")).unwrap();
    fs::write(project.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = read_tree(project.path());
    let root = project.path().to_str().unwrap();
    let content = project.path().join("content");
    for dest in [root, content.to_str().unwrap()] {
        let output = build(
            project.path(),
            &["--allow-external-build-dir", "--dest-dir", dest],
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "--dest-dir {dest}: {}",
            stderr(&output)
        );
    }
    for (value, why) in [
        ("templates", "is `templates/`"),
        (".git", "hidden folder `.git`"),
        ("content/site", "lies inside the content directory"),
        ("book.toml", "is a file"),
    ] {
        let copy = copy_project(project.path());
        set_build_dir(copy.path(), value);
        let output = privdoc()
            .args(["build", "--format", "short"])
            .arg(copy.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "build-dir = {value}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("book.toml:8:13: error[config]: build-dir") && stdout.contains(why),
            "build-dir = {value}: {stdout}"
        );
    }
    assert_eq!(read_tree(project.path()), before, "an input changed");
}

#[test]
fn a_folder_privdoc_did_not_write_is_never_replaced() {
    let project = copy_example();
    fs::create_dir(project.path().join("book")).unwrap();
    fs::write(project.path().join("book/draft.md"), "my notes").unwrap();
    let output = build(project.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("it has no `.privdoc-output`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read(project.path().join("book/draft.md")).unwrap(),
        b"my notes"
    );
    // Emptied, it becomes privdoc's; later builds replace it.
    fs::remove_file(project.path().join("book/draft.md")).unwrap();
    assert_eq!(build(project.path(), &[]).status.code(), Some(0));
    assert!(project.path().join("book/.privdoc-output").is_file());
    assert_eq!(build(project.path(), &[]).status.code(), Some(0));
}

#[test]
fn what_a_killed_build_left_is_removed_by_the_next_one() {
    let project = copy_example();
    assert_eq!(build(project.path(), &[]).status.code(), Some(0));
    // A build killed while writing leaves its staging folder, a full build with the marker;
    // one killed while removing the old output, a folder emptied down to the marker.
    let book = project.path().join("book");
    for name in [".privdoc-build-k1lled", ".privdoc-build-r3mova"] {
        crate::support::copy_dir(&book, &project.path().join(name), &[]);
    }
    let emptied = project.path().join(".privdoc-build-r3mova");
    fs::remove_dir_all(emptied.join("html")).unwrap();
    fs::remove_dir_all(emptied.join("markdown")).unwrap();
    let not_ours = project.path().join(".privdoc-build-notes");
    fs::create_dir(&not_ours).unwrap();
    fs::write(not_ours.join("todo.txt"), "mine").unwrap();
    assert_eq!(build(project.path(), &[]).status.code(), Some(0));
    let left: Vec<String> = fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".privdoc"))
        .collect();
    assert_eq!(left, [".privdoc-build-notes"]);
    assert_eq!(fs::read(not_ours.join("todo.txt")).unwrap(), b"mine");
}

#[test]
fn a_mistyped_path_fails_and_says_what_is_missing() {
    let missing = tempfile::tempdir().unwrap().path().join("no/such/dir");
    for command in ["check", "build"] {
        let output = privdoc().arg(command).arg(&missing).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).contains("does not exist"),
            "{command}: {}",
            stderr(&output)
        );
    }
    assert!(!missing.exists(), "build created the missing folder");
    let empty = tempfile::tempdir().unwrap();
    let output = privdoc().arg("check").arg(empty.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no `book.toml` and no Markdown pages"),
        "{}",
        stderr(&output)
    );
    let output = privdoc().arg("build").arg(empty.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("has no `book.toml`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read_dir(empty.path()).unwrap().count(),
        0,
        "build wrote into a non-project"
    );
}

#[test]
fn a_missing_content_directory_fails_instead_of_building_an_empty_site() {
    let project = copy_example();
    assert_eq!(build(project.path(), &[]).status.code(), Some(0));
    let before = read_tree(&project.path().join("book"));
    let book = project.path().join("book.toml");
    let text = fs::read_to_string(&book).unwrap();
    fs::write(
        &book,
        text.replace("src = \"content\"", "src = \"contnet\""),
    )
    .unwrap();
    let output = privdoc()
        .args(["build", "--format", "short"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        crate::support::findings(&output.stdout),
        ["book.toml:5:7: error[config]: `src` is `contnet`, which does not exist"]
    );
    assert_eq!(read_tree(&project.path().join("book")), before);
}

/// Writes 300 hand-written pages into `project`, each saying which `version` it is, so the
/// build has many files to write and two versions of the site to tell apart.
fn many_pages(project: &Path, version: &str) {
    let dir = project.join("content/guide");
    fs::create_dir_all(&dir).unwrap();
    for i in 0..300 {
        fs::write(
            dir.join(format!("page-{i:03}.md")),
            format!(
                "---\ntitle: Guide page {i}\ndescription: Page {i} of the guide\n---\n# Guide page {i}\n\nThis is page {i} of the guide, in version {version}.\n"
            ),
        )
        .unwrap();
    }
}

/// The whole build directory a complete build of `version` writes.
fn site_of(version: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let project = copy_example();
    many_pages(project.path(), version);
    let output = build(project.path(), &["--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    read_tree(&project.path().join("book"))
}

/// `kill -9` at 40 moments spread over a build — loading, rendering, checking, writing,
/// swapping — always leaves the previous site or the new one whole, never a mix, and the
/// next build removes whatever the killed ones left beside it.
#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_one_whole_site() {
    let (site_a, site_b) = (site_of("A"), site_of("B"));
    assert_ne!(site_a, site_b);
    let project = copy_example();
    many_pages(project.path(), "A");
    let started = std::time::Instant::now();
    assert_eq!(build(project.path(), &["--quiet"]).status.code(), Some(0));
    let duration = started.elapsed();
    let book = project.path().join("book");
    assert!(read_tree(&book) == site_a);
    let kills = 40;
    let mut completed = 0;
    for i in 0..kills {
        // Each attempt builds the other version, so a build that finishes changes the site.
        let version = if i % 2 == 0 { "B" } else { "A" };
        many_pages(project.path(), version);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("privdoc"))
            .args(["build", "--quiet"])
            .arg(project.path())
            .env("SOURCE_DATE_EPOCH", "1782777600")
            .env("PRIVDOC_NO_CACHE", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Spread over 1.2 builds' time, so some kills come after the build is done.
        std::thread::sleep(duration.mul_f64(1.2 * (f64::from(i) + 0.5) / f64::from(kills)));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            completed += 1;
        }
        let site = read_tree(&book);
        assert!(
            site == site_a || site == site_b,
            "after kill {i}, `book` is neither whole site: {} files",
            site.len()
        );
    }
    assert!(completed < kills, "every build finished before its kill");
    many_pages(project.path(), "B");
    assert_eq!(build(project.path(), &["--quiet"]).status.code(), Some(0));
    assert!(read_tree(&book) == site_b);
    let left: Vec<String> = fs::read_dir(project.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".privdoc-build"))
        .collect();
    assert!(left.is_empty(), "left beside the build: {left:?}");
}

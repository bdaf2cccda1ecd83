//! The change feed a build publishes from the declarations' git history: `changes.xml`
//! (Atom) and the `changes` page, an entry per revision with its material and editorial
//! changes and the date material ones may take effect; the same history gives the same
//! bytes, and a project outside git gets no feed and no error.

use std::path::Path;
use std::process::Command;

use crate::diff::git;
use crate::support::{copy_dir, edit, fixture, privdoc};

/// Commits with a fixed date, so the history is the same on every run.
fn commit(dir: &Path, message: &str, date: &str) {
    git(dir, &["add", "-A"]);
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Privacy office",
            "-c",
            "user.email=privacy@example.test",
        ])
        .args(["-c", "commit.gpgsign=false", "commit", "-q", "-m", message])
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_DATE", date)
        .status()
        .unwrap();
    assert!(status.success());
}

/// The full-service fixture with three revisions: the first, a material one, an editorial one.
pub(crate) fn history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("full-service"), dir.path(), &["book"]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    commit(dir.path(), "First version", "2026-01-05T10:00:00+00:00");
    edit(
        dir.path(),
        "content/services/workplace.toml",
        "locations = [\"US\"]",
        "locations = [\"US\", \"IN\"]",
    );
    commit(
        dir.path(),
        "Store data in India too",
        "2026-02-01T10:00:00+00:00",
    );
    edit(
        dir.path(),
        "content/services/workplace.toml",
        "keeps a company",
        "keeps every company",
    );
    commit(dir.path(), "Fixed link.", "2026-02-10T10:00:00+00:00");
    dir
}

fn build(dir: &Path) -> (String, String) {
    privdoc().arg("build").arg(dir).assert().success();
    let read = |path: &str| std::fs::read_to_string(dir.join("book").join(path)).unwrap();
    // The feed sits beside the changes page in each output, where the page's link finds it.
    assert_eq!(read("markdown/changes.xml"), read("html/changes.xml"));
    (read("html/changes.xml"), read("markdown/changes.md"))
}

#[test]
fn each_revision_is_an_entry_with_its_material_and_editorial_changes() {
    let project = history();
    let (atom, page) = build(project.path());
    assert!(atom.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    ));
    assert_eq!(
        atom.matches("<entry>").count(),
        2,
        "one per revision after the first: {atom}"
    );
    assert!(
        atom.contains("<updated>2026-02-10T10:00:00Z</updated>\n<author>"),
        "the newest first: {atom}"
    );
    // A "Fixed link." commit that moved data is named for what it is.
    assert!(
        atom.contains("<title>Material change: Store data in India too</title>"),
        "{atom}"
    );
    assert!(atom.contains("<title>Fixed link.</title>"), "{atom}");
    assert!(atom.contains("India, in Contoso data centers"), "{atom}");
    assert!(
        atom.contains("effective no earlier than 2026-03-03"),
        "30 days after 2026-02-01: {atom}"
    );
    assert!(
        atom.contains("<link href=\"https://docs.contoso.example/changes.html#"),
        "{atom}"
    );
    assert!(page.contains("- **material**: storage:"), "{page}");
    assert!(page.contains("- editorial: summary reworded"), "{page}");
    let html = std::fs::read_to_string(project.path().join("book/html/changes.html")).unwrap();
    assert!(html.contains("<h1 id=\"changes\">Changes</h1>"), "{html}");
    // Every page links to the feed, and announces it to feed readers.
    let service =
        std::fs::read_to_string(project.path().join("book/html/services/workplace.html")).unwrap();
    assert!(
        service.contains("<a href=\"../changes.html\">Changes</a>"),
        "{service}"
    );
    assert!(service.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes\" href=\"../changes.xml\">"));
    // The committed output stays fresh for `check --frozen`.
    privdoc()
        .args(["check", "--frozen"])
        .arg(project.path())
        .assert()
        .success();
}

#[test]
fn the_same_history_gives_the_same_bytes_and_no_git_gives_no_feed() {
    let first = history();
    let second = tempfile::tempdir().unwrap();
    let clone = Command::new("git")
        .args(["clone", "-q"])
        .arg(first.path())
        .arg(second.path().join("clone"))
        .status()
        .unwrap();
    assert!(clone.success());
    assert_eq!(build(first.path()), build(&second.path().join("clone")));
    let plain = tempfile::tempdir().unwrap();
    copy_dir(&fixture("full-service"), plain.path(), &["book"]);
    privdoc().arg("build").arg(plain.path()).assert().success();
    assert!(!plain.path().join("book/html/changes.xml").exists());
    assert!(!plain.path().join("book/markdown/changes.md").exists());
    let index = std::fs::read_to_string(plain.path().join("book/html/index.html")).unwrap();
    assert!(
        !index.contains("changes.html") && !index.contains("changes.xml"),
        "{index}"
    );
    // In git, but no commit has touched the content (a project in an ignored folder, or
    // not committed yet): no history to publish, so no feed either.
    git(plain.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(plain.path().join(".gitignore"), "content/\nbook/\n").unwrap();
    commit(
        plain.path(),
        "Only the settings",
        "2026-01-05T10:00:00+00:00",
    );
    privdoc().arg("build").arg(plain.path()).assert().success();
    assert!(!plain.path().join("book/html/changes.xml").exists());
    assert!(!plain.path().join("book/markdown/changes.md").exists());
    let index = std::fs::read_to_string(plain.path().join("book/html/index.html")).unwrap();
    assert!(!index.contains("changes.html"), "{index}");
}

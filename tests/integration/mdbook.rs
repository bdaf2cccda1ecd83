//! `privdoc mdbook`, mdBook's preprocessor: the protocol on its own (both book shapes, a
//! listed generated chapter filled, errors on stderr and a failing exit), then a real
//! `mdbook build` of the bundled example with `command = "privdoc mdbook"`.
//!
//! `.ci/run` installs mdBook (`cargo install mdbook --locked`). Without it the last test
//! cannot run: under `CI=true` that is a failure; elsewhere it says so.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::{copy_project, edit, fixture, privdoc};

fn context(root: &Path) -> Value {
    json!({
        "root": root,
        "config": { "book": { "title": "T" } },
        "renderer": "html",
        "mdbook_version": "0.5.4",
    })
}

fn chapter(name: &str, path: &str, content: &str) -> Value {
    json!({ "Chapter": {
        "name": name, "content": content, "number": [1], "sub_items": [],
        "path": path, "source_path": path, "parent_names": [],
    }})
}

fn preprocess(root: &Path, book: &Value) -> std::process::Output {
    privdoc()
        .arg("mdbook")
        .write_stdin(serde_json::to_vec(&json!([context(root), book])).unwrap())
        .output()
        .unwrap()
}

/// The chapters of a book's item list, depth first: (name, path, content).
fn chapters(items: &Value) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for item in items.as_array().unwrap() {
        if let Some(chapter) = item.get("Chapter") {
            found.push((
                chapter["name"].as_str().unwrap().to_owned(),
                chapter["path"].as_str().unwrap_or_default().to_owned(),
                chapter["content"].as_str().unwrap().to_owned(),
            ));
            found.extend(chapters(&chapter["sub_items"]));
        }
    }
    found
}

#[test]
fn supports_every_renderer() {
    for renderer in ["html", "markdown", "epub"] {
        privdoc()
            .args(["mdbook", "supports", renderer])
            .assert()
            .success();
    }
}

#[test]
fn adds_the_generated_pages_to_the_book_in_both_of_mdbooks_shapes() {
    let root = fixture("full-service");
    let intro = chapter("Intro", "README.md", "# Intro\n");
    // A chapter the book lists at a generated page's path gets that page.
    let listed = chapter("Our service", "services/workplace.md", "");
    for (key, extra) in [
        ("items", json!({})),
        ("sections", json!({ "__non_exhaustive": null })),
    ] {
        let mut book = json!({ key: [intro, "Separator", listed] });
        book.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let output = preprocess(&root, &book);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let out: Value = serde_json::from_slice(&output.stdout).unwrap();
        let found = chapters(&out[key]);
        let paths: Vec<&str> = found.iter().map(|(_, path, _)| path.as_str()).collect();
        assert_eq!(
            paths[..2],
            ["README.md", "services/workplace.md"],
            "{paths:?}"
        );
        assert_eq!(
            found[0].2, "# Intro\n",
            "the book's own chapters are left alone"
        );
        let (_, _, service) = &found[1];
        assert!(!service.starts_with("---"), "no front matter: {service}");
        assert!(service.contains("# Overview {#overview}"), "{service}");
        assert!(
            service.contains("](../sources/device-agent.md)"),
            "{service}"
        );
        // Every other generated page once, after the book's own, under privdoc's parts.
        assert!(paths.contains(&"sources/helpdesk.md") && paths.contains(&"index.md"));
        let unique: std::collections::HashSet<_> = paths.iter().collect();
        assert_eq!(unique.len(), paths.len(), "{paths:?}");
        let parts: Vec<&Value> = out[key]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|item| item.get("PartTitle"))
            .collect();
        assert!(parts.contains(&&json!("Data sources")), "{parts:?}");
        assert_eq!(out.get("__non_exhaustive").is_some(), key == "sections");
    }
}

#[test]
fn a_project_with_errors_fails_the_book_with_located_findings() {
    let project = copy_project(&fixture("full-service"));
    edit(
        project.path(),
        "content/services/workplace.toml",
        "source = \"directory\"",
        "source = \"directry\"",
    );
    let output = preprocess(project.path(), &json!({ "items": [] }));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/services/workplace.toml:"),
        "{stderr}"
    );
    assert!(stderr.contains("directory"), "a did-you-mean: {stderr}");
    // Not mdBook's JSON on stdin: exit 2, said plainly.
    let output = privdoc().arg("mdbook").write_stdin("{}").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("mdBook"));
}

fn mdbook() -> Option<()> {
    let found = Command::new("mdbook")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none_or(|ci| ci != "true"),
            "mdbook is missing under CI: .ci/run installs it"
        );
        eprintln!("note: mdbook is not installed; the mdbook build test did not run");
    }
    found.then_some(())
}

/// `mdbook build` in a copy of the example with a `SUMMARY.md` of one line.
fn mdbook_build(project: &Path) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_privdoc")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    Command::new("mdbook")
        .arg("build")
        .current_dir(project)
        .env("PATH", path)
        .env("SOURCE_DATE_EPOCH", "1782777600")
        .output()
        .unwrap()
}

#[test]
fn a_real_mdbook_build_of_the_example_includes_the_generated_pages() {
    if mdbook().is_none() {
        return;
    }
    let project = crate::support::copy_example();
    std::fs::write(project.path().join("content/SUMMARY.md"), "# Summary\n").unwrap();
    let book_toml = std::fs::read_to_string(project.path().join("book.toml")).unwrap();
    assert!(
        book_toml.contains("command = \"privdoc mdbook\""),
        "the example's book.toml runs privdoc"
    );
    let output = mdbook_build(project.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page =
        std::fs::read_to_string(project.path().join("book/services/managed-desktop.html")).unwrap();
    assert!(page.contains("Microsoft Managed Desktop"), "{page}");
    assert!(
        page.contains("href=\"../sources/intune.html\""),
        "mdBook rewrote the links"
    );
    assert!(project.path().join("book/sources/intune.html").is_file());
    // A broken declaration stops mdBook, with privdoc's finding on its stderr.
    edit(
        project.path(),
        "content/services/managed-desktop.toml",
        "source = \"intune\"",
        "source = \"intnue\"",
    );
    let output = mdbook_build(project.path());
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/services/managed-desktop.toml:"),
        "{stderr}"
    );
}

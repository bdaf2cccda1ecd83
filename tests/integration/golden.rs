//! Golden output: every file `privdoc build` writes for a project, compared byte for byte
//! with `tests/golden/<name>/`. The bundled example (the repository's own `book.toml`,
//! `content/` and `templates/`) and `tests/fixtures/full-service` (a service that uses every
//! declaration). Regenerate with `PRIVDOC_BLESS=1 cargo test --test integration golden` and
//! review the diff.

use std::fs;
use std::path::Path;

use crate::support::{bless, copy_dir, fixture, privdoc, read_tree, repo, text_diff};

fn assert_golden(project: &Path, name: &str) {
    privdoc().arg("build").arg(project).assert().success();
    let built = read_tree(&project.join("book"));
    let golden_dir = repo().join("tests/golden").join(name);
    if bless() {
        let _ = fs::remove_dir_all(&golden_dir);
        for (path, bytes) in &built {
            let target = golden_dir.join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
    }
    let golden = read_tree(&golden_dir);
    let built_paths: Vec<_> = built.keys().collect();
    let golden_paths: Vec<_> = golden.keys().collect();
    assert_eq!(built_paths, golden_paths, "the set of output files changed");
    let differing: Vec<String> = built
        .iter()
        .filter(|(path, bytes)| golden[*path] != **bytes)
        .map(|(path, bytes)| {
            let diff = text_diff(
                &String::from_utf8_lossy(&golden[path]),
                &String::from_utf8_lossy(bytes),
            );
            format!("`{path}` differs from tests/golden/{name}/{path}:\n{diff}")
        })
        .collect();
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}

#[test]
fn example_output_matches_golden_files() {
    let project = crate::support::copy_example();
    assert_golden(project.path(), "example");
}

#[test]
fn a_service_using_every_declaration_matches_golden_files() {
    let project = tempfile::tempdir().unwrap();
    copy_dir(&fixture("full-service"), project.path(), &["book"]);
    assert_golden(project.path(), "full-service");
}

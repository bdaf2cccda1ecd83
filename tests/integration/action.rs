//! The GitHub Action (`action.yml`): its file is a composite action whose steps run
//! `action/check.sh` and `action/diff.sh`, and those scripts, run here as the action
//! runs them (privdoc on PATH, GitHub's output and summary files), upload-ready SARIF and
//! state material changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diff::git;
use crate::support::{copy_dir, edit, fixture, repo};

/// A step script run the way the action runs it.
fn step(script: &str, dir: &Path, env: &[(&str, &str)]) -> (Option<i32>, PathBuf, PathBuf) {
    let (output, summary) = (dir.join("github-output"), dir.join("github-summary"));
    let bin = Path::new(env!("CARGO_BIN_EXE_privdoc")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let status = Command::new("bash")
        .arg(repo().join("action").join(script))
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("SOURCE_DATE_EPOCH", "1782777600")
        .envs(env.iter().copied())
        .status()
        .unwrap();
    (status.code(), output, summary)
}

#[test]
fn the_action_is_a_composite_whose_steps_are_the_tested_scripts() {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let action: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    for script in ["action/check.sh", "action/diff.sh"] {
        assert!(
            runs.iter().any(|run| run.contains(script)),
            "{script} is not run"
        );
        assert!(repo().join(script).is_file());
    }
    let uploads: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uploads
            .iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    );
    // Every input a step names is declared.
    let inputs = action["inputs"].as_object().unwrap();
    for name in text.split("inputs.").skip(1) {
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-')
            .collect();
        assert!(inputs.contains_key(&name), "inputs.{name} is not declared");
    }
}

#[test]
fn the_check_step_writes_sarif_and_names_it_even_when_the_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("full-service"), dir.path(), &["book"]);
    let (status, output, _) = step("check.sh", dir.path(), &[]);
    assert_eq!(status, Some(0));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("privdoc.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "sarif=privdoc.sarif\n"
    );
    // A broken declaration: the step fails, and the report is still there to upload.
    edit(
        dir.path(),
        "content/services/workplace.toml",
        "source = \"directory\"",
        "source = \"directry\"",
    );
    std::fs::remove_file(&output).unwrap();
    let (status, output, _) = step("check.sh", dir.path(), &[("PRIVDOC_SARIF", "out.sarif")]);
    assert_eq!(status, Some(1));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "sarif=out.sarif\n"
    );
}

#[test]
fn the_pull_request_step_summarises_changes_and_fails_on_a_material_one() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("full-service"), dir.path(), &["book"]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "The privacy page"]);
    let service = dir.path().join("content/services/workplace.toml");
    let text = std::fs::read_to_string(&service).unwrap();
    // Where data is stored: material.
    std::fs::write(
        &service,
        text.replacen("locations = [\"US\"]", "locations = [\"US\", \"IN\"]", 1),
    )
    .unwrap();
    let base = [("PRIVDOC_BASE", "main")];
    let (status, _, summary) = step("diff.sh", dir.path(), &base);
    assert_eq!(status, Some(1), "a material change fails the step");
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.contains("India"), "{written}");
    assert!(written.to_lowercase().contains("material"), "{written}");
    std::fs::remove_file(&summary).unwrap();
    let (status, _, summary) = step(
        "diff.sh",
        dir.path(),
        &[base[0], ("PRIVDOC_FAIL_ON_MATERIAL", "false")],
    );
    assert_eq!(status, Some(0), "the gate can be turned off");
    assert!(std::fs::read_to_string(&summary).unwrap().contains("India"));
    // No change at all: the step passes.
    std::fs::write(&service, &text).unwrap();
    std::fs::remove_file(&summary).unwrap();
    let (status, _, _) = step("diff.sh", dir.path(), &base);
    assert_eq!(status, Some(0));
}

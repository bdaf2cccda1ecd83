//! Authoring: `privdoc init`, the JSON Schemas editors complete with, shell completions,
//! the manual page, and `-q`.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{privdoc, read_tree, repo};

#[test]
fn init_creates_a_project_that_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("new");
    privdoc().arg("init").arg(&project).assert().success();
    for file in [
        "book.toml",
        "README.md",
        "content/services/example-service.toml",
        "content/snippets/processor-duties.md",
    ] {
        assert!(project.join(file).is_file(), "{file}");
    }
    let sources = fs::read_dir(project.join("content/sources"))
        .unwrap()
        .count();
    assert_eq!(sources, 2);
    let output = privdoc()
        .args(["check", "--deny-warnings", "--format", "short"])
        .arg(&project)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(output.stdout.is_empty());
    privdoc().arg("build").arg(&project).assert().success();
    assert!(
        project
            .join("book/html/services/example-service.html")
            .is_file()
    );
}

#[test]
fn init_refuses_a_non_empty_directory_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let output = privdoc().arg("init").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not empty; pass `--force`"));
    assert_eq!(read_tree(dir.path()).len(), 1, "nothing was written");
    privdoc()
        .args(["init", "--force"])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine",
        "--force touches only the new files"
    );
    assert!(dir.path().join("book.toml").is_file());
}

fn schemas() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    privdoc()
        .args(["schema", "--out"])
        .arg(out.path())
        .assert()
        .success();
    out
}

fn validator(dir: &Path, name: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&fs::read_to_string(dir.join(name)).unwrap()).unwrap();
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-07/schema#",
        "{name} is draft-07, what Taplo reads"
    );
    jsonschema::validator_for(&schema).unwrap()
}

/// A TOML file as the JSON an editor validates: TOML dates become strings, as Taplo
/// reads them against a `"format": "date"` schema.
fn toml_file(path: &Path) -> Value {
    fn dates_as_strings(value: toml::Value) -> Value {
        match value {
            toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
            toml::Value::Array(items) => {
                Value::Array(items.into_iter().map(dates_as_strings).collect())
            }
            toml::Value::Table(table) => Value::Object(
                table
                    .into_iter()
                    .map(|(key, value)| (key, dates_as_strings(value)))
                    .collect(),
            ),
            other => serde_json::to_value(other).unwrap(),
        }
    }
    dates_as_strings(toml::from_str(&fs::read_to_string(path).unwrap()).unwrap())
}

fn assert_valid(validator: &jsonschema::Validator, path: &Path) {
    let errors: Vec<String> = validator
        .iter_errors(&toml_file(path))
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
}

#[test]
fn schemas_validate_the_example_and_the_init_output_and_reject_typos() {
    let out = schemas();
    let (service, source, book) = (
        validator(out.path(), "service.schema.json"),
        validator(out.path(), "source.schema.json"),
        validator(out.path(), "book.schema.json"),
    );
    let init = tempfile::tempdir().unwrap();
    privdoc().arg("init").arg(init.path()).assert().success();
    for project in [
        repo(),
        init.path().to_path_buf(),
        repo().join("tests/fixtures/second-project"),
        repo().join("tests/fixtures/full-service"),
    ] {
        assert_valid(&book, &project.join("book.toml"));
        for entry in fs::read_dir(project.join("content/services")).unwrap() {
            assert_valid(&service, &entry.unwrap().path());
        }
        for entry in fs::read_dir(project.join("content/sources")).unwrap() {
            assert_valid(&source, &entry.unwrap().path());
        }
    }
    let typo: Value = toml::from_str(
        "name = \"S\"\nsummary = \"s\"\n[[sources]]\nsource = \"x\"\npurpse = \"y\"\n",
    )
    .unwrap();
    assert!(
        !service.is_valid(&typo),
        "a misspelled key must not validate"
    );
    let bad_book: Value =
        toml::from_str("[preprocessor.privdoc.checks]\nbroken-links = \"warn\"\n").unwrap();
    assert!(
        !book.is_valid(&bad_book),
        "an unknown check must not validate"
    );
}

/// Every property of every schema says what it is for.
fn undescribed(schema: &Value, at: &str, missing: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (name, property) in properties {
                    let described = property.get("description").is_some()
                        || property.get("$ref").is_some() && property.get("description").is_some();
                    if !described {
                        missing.push(format!("{at}.{name}"));
                    }
                }
            }
            for (key, value) in map {
                undescribed(value, &format!("{at}/{key}"), missing);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| undescribed(item, at, missing)),
        _ => {}
    }
}

#[test]
fn every_field_has_a_description() {
    let out = schemas();
    for name in [
        "book.schema.json",
        "service.schema.json",
        "source.schema.json",
        "locations.schema.json",
    ] {
        let schema: Value =
            serde_json::from_str(&fs::read_to_string(out.path().join(name)).unwrap()).unwrap();
        let mut missing = Vec::new();
        undescribed(&schema, name, &mut missing);
        assert!(
            missing.is_empty(),
            "fields without a description: {missing:?}"
        );
    }
}

#[test]
fn completions_and_the_manual_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = privdoc().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        for command in ["build", "check", "diff", "init", "schema"] {
            assert!(
                script.contains(command),
                "{shell} completion lacks {command}"
            );
        }
    }
    let man = String::from_utf8(privdoc().arg("man").output().unwrap().stdout).unwrap();
    assert!(man.contains(".TH privdoc 1"), "{man}");
    assert!(man.contains("diff"), "{man}");
    assert!(man.contains(".SH \"EXIT STATUS\""), "{man}");
    for status in ["\\fB0\\fR", "\\fB1\\fR", "\\fB2\\fR"] {
        assert!(man.contains(status), "exit status {status} missing");
    }
    // Every page the main page refers to is written beside it.
    let out = tempfile::tempdir().unwrap();
    privdoc()
        .args(["man", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let referenced: Vec<String> = man
        .lines()
        .filter_map(|line| line.strip_prefix("privdoc\\-"))
        .filter_map(|rest| rest.strip_suffix("(1)"))
        .map(|name| format!("privdoc-{name}.1"))
        .collect();
    assert!(referenced.len() >= 8, "{referenced:?}");
    for page in &referenced {
        let text = std::fs::read_to_string(out.path().join(page)).unwrap();
        assert!(text.contains("\n.TH privdoc-"), "{page}");
    }
    assert!(out.path().join("privdoc.1").is_file());
}

#[test]
fn quiet_prints_nothing_on_success() {
    let project = crate::support::copy_example();
    let output = privdoc()
        .args(["build", "-q"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verbose = privdoc()
        .args(["check", "-v"])
        .arg(project.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(verbose.stderr).unwrap();
    for stage in ["load", "render", "check"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.trim_start().starts_with(stage) && l.contains(" ms")),
            "-v lacks {stage}: {stderr}"
        );
    }
}

//! Bad input: each fixture under `tests/fixtures/diagnostics/` is a project with one kind of
//! mistake and `expected.txt`, the findings at `file:line:col` with their code. The build
//! must exit 1, report every finding of the run, and write nothing.

use std::fs;
use std::path::Path;

use crate::support::{
    assert_lines, check, copy_project, findings, fixture, fixture_dirs, fixture_tests, json,
    privdoc,
};

fn assert_fails_with(project: &Path, expected: &[String]) {
    let found = build_fails(project);
    assert_eq!(found, expected);
}

/// Builds `project`, which must fail (exit 1) and write nothing: its findings.
fn build_fails(project: &Path) -> Vec<String> {
    let output = privdoc()
        .args(["build", "--format", "short"])
        .arg(project)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !project.join("book").exists(),
        "a failed build must write nothing"
    );
    findings(&output.stdout)
}

/// The fixture `name`: every finding of the run, at its line, is `expected.txt`.
fn diagnostics_fixture(name: &str) {
    let case = fixture("diagnostics").join(name);
    let project = copy_project(&case);
    assert_lines(&case.join("expected.txt"), &build_fails(project.path()));
}

fixture_tests! { diagnostics_fixture, DIAGNOSTICS_FIXTURES;
    bad_period => "bad-period",
    duplicate_ids => "duplicate-ids",
    many_files => "many-files",
    missing_field => "missing-field",
    missing_nested => "missing-nested",
    shadowed_page => "shadowed-page",
    template_error => "template-error",
    toml_syntax => "toml-syntax",
    unknown_key => "unknown-key",
    unknown_location => "unknown-location",
    unknown_source => "unknown-source",
    wrong_type => "wrong-type",
}

#[test]
fn every_bad_input_fixture_has_a_test() {
    assert_eq!(fixture_dirs("diagnostics"), DIAGNOSTICS_FIXTURES);
}

#[test]
fn human_format_has_a_caret_snippet_and_a_hint() {
    let project = copy_project(&fixture("diagnostics/unknown-key"));
    let output = privdoc().arg("build").arg(project.path()).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = "\
error[schema]: unknown key `purpse` in `sources[0]`
 --> content/services/svc.toml:6:1
  |
6 | purpse = \"device management\"
  | ^^^^^^
  |
help: did you mean `purpose`?
";
    assert!(stderr.starts_with(expected), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "NO_COLOR must turn colours off");
}

#[test]
fn non_utf8_file_is_located_at_the_first_bad_byte() {
    let project = copy_project(&fixture("diagnostics/unknown-source"));
    let page = project.path().join("content/notes.md");
    fs::write(&page, b"# Notes\n\nna\xefve\n").unwrap();
    assert_fails_with(
        project.path(),
        &[
            "content/notes.md:3:3: error[io]: `content/notes.md` is not valid UTF-8".to_owned(),
            "content/services/svc.toml:5:10: error[declaration]: unknown source `intnue`"
                .to_owned(),
        ],
    );
}

#[test]
fn unreadable_file_and_non_utf8_name_are_reported_not_fatal() {
    let project = copy_project(&fixture("diagnostics/unknown-source"));
    let content = project.path().join("content");
    std::os::unix::fs::symlink("does-not-exist.md", content.join("dangling.md")).unwrap();
    let bad_name = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"caf\xe9.md");
    fs::write(content.join(bad_name), "# Café\n").unwrap();
    let output = privdoc()
        .args(["build", "--format", "short"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let found = findings(&output.stdout);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("content/caf\u{fffd}.md:1:1: error[io]: `content/caf\u{fffd}.md` has a name that is not UTF-8"), "{found:?}");
    assert!(
        found[1].starts_with(
            "content/dangling.md:1:1: error[io]: `content/dangling.md` cannot be read"
        ),
        "{found:?}"
    );
    assert!(found[2].contains("unknown source `intnue`"), "{found:?}");
    assert!(!project.path().join("book").exists());
}

#[test]
fn bad_book_toml_exits_2_with_a_suggestion() {
    let project = copy_project(&fixture("diagnostics/unknown-source"));
    fs::write(
        project.path().join("book.toml"),
        "[book]\nsrc = \"content\"\n[preprocessor.privdoc]\nsite-ur = \"x\"\n",
    )
    .unwrap();
    let output = privdoc()
        .args(["build", "--format", "short"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        findings(&output.stdout),
        ["book.toml:4:1: error[schema]: unknown key `site-ur` in `preprocessor.privdoc`"]
    );
}

/// A file that fails to parse is the one error to fix: references to what it declares,
/// from pages and from other declarations, are not reported as unknown on top of it.
#[test]
fn the_real_error_comes_first_and_alone() {
    let project = copy_project(&fixture("words"));
    let content = project.path().join("content");
    fs::write(
        content.join("guide.md"),
        "# Guide\n\nSee [the Fleet page](@services/fleet#retention) and [](@sources/dashcam).\n",
    )
    .unwrap();
    let service = content.join("services/fleet.toml");
    let text = fs::read_to_string(&service).unwrap();
    fs::write(
        &service,
        text.replace("period = \"90 days\"", "period = 90 days"),
    )
    .unwrap();
    let source = content.join("sources/dashcam.toml");
    let text = fs::read_to_string(&source).unwrap();
    fs::write(
        &source,
        text.replace("url = \"https://dashcam.example/\"", "url = 3"),
    )
    .unwrap();
    let other = content.join("services/depot.toml");
    fs::write(
        &other,
        "name = \"Depot\"\nsummary = \"Depot stores vans.\"\n[[sources]]\nsource = \"dashcam\"\npurpose = \"for footage\"\n",
    )
    .unwrap();
    let output = privdoc()
        .args(["check", "--format", "short"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let found = findings(&output.stdout);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("content/services/fleet.toml:23:10:"),
        "{found:?}"
    );
    assert!(found[0].contains("error[toml]"), "{found:?}");
    assert!(
        found[1].starts_with("content/sources/dashcam.toml:2:7: error[schema]"),
        "{found:?}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 errors in 2 files"), "{stderr}");
    assert!(!stderr.contains("checked 2 errors"), "{stderr}");
}

fn edited_full_service(from: &str, to: &str) -> Vec<String> {
    let project = copy_project(&fixture("full-service"));
    let service = project.path().join("content/services/workplace.toml");
    let text = fs::read_to_string(&service).unwrap();
    assert!(text.contains(from), "{from}");
    fs::write(&service, text.replacen(from, to, 1)).unwrap();
    let report = json(&check(project.path(), &["--format", "json"]));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {} ({})",
                d["line"],
                d["column"],
                d["message"].as_str().unwrap(),
                d["hint"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// The extended declarations are validated like the rest: closed sets with a
/// did-you-mean, dates as TOML dates, a retention rule with exactly one of `period` and
/// `until`, warnings for entries that say nothing useful — each at its line.
#[test]
fn the_extended_declarations_are_validated_at_their_lines() {
    assert_eq!(
        edited_full_service(
            "legal-basis = \"legitimate-interests\"",
            "legal-basis = \"legitimate-interest\""
        ),
        [
            "33:15: unknown value `legitimate-interest` in `sources[2].legal-basis` (did you mean `legitimate-interests`?)"
        ]
    );
    assert_eq!(
        edited_full_service("transfer = \"adequacy\"", "transfer = \"adequate\""),
        ["78:12: unknown value `adequate` in `recipients[1].transfer` (did you mean `adequacy`?)"]
    );
    assert_eq!(
        edited_full_service("effective = 2026-03-01", "effective = \"2026-03-01\""),
        [
            "42:13: invalid type: string \"2026-03-01\", expected a TOML datetime in `storage.changes[0].effective` ()"
        ]
    );
    assert_eq!(
        edited_full_service("effective = 2026-03-01", "effective = 2026-03-01T10:00:00"),
        [
            "42:13: `effective` is `2026-03-01T10:00:00`, not a date (write a TOML date without quotes: `effective = 2026-01-10`)"
        ]
    );
    assert_eq!(
        edited_full_service(
            "until = \"the legal hold is lifted\"",
            "until = \"the legal hold is lifted\"\nperiod = \"1 year\""
        ),
        [
            "61:10: a retention rule has both `period` and `until` (keep data for a period, or until an event: one of the two)"
        ]
    );
    assert_eq!(
        edited_full_service("until = \"the legal hold is lifted\"\n", ""),
        [
            "58:1: retention rule for `data under a legal hold` says neither `period` nor `until` (add `period = \"30 days\"`, or `until = \"…\"` for an event)"
        ]
    );
    assert_eq!(
        edited_full_service("locations = [\"US\"]\ntransfer", "transfer"),
        [
            "74:1: recipient `Northwind Cloud` names no countries (add `locations = [\"…\"]`: where a recipient processes data is what readers need to know)"
        ]
    );
    assert_eq!(
        edited_full_service(
            "permissions = [\"DeviceManagementApps.ReadWrite.All\", \"DeviceManagementConfiguration.ReadWrite.All\", \"Group.Read.All\"]\n",
            ""
        ),
        [
            "80:1: access `Contoso Workplace Management` lists no permissions (add `permissions = [\"…\"]`: what the service can reach is the point of this section)"
        ]
    );
}

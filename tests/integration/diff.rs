//! `privdoc diff` and `privdoc check --frozen`. The cases of issue 5 on git repositories
//! made inside the test (and the same versions as two plain directories): what is
//! material follows each service's `change-notice.material`, and the notice date is the
//! given date plus the service's notice days.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{copy_dir, copy_example, copy_project, edit, privdoc};

const SERVICE: &str = "content/services/managed-desktop.toml";

pub(crate) fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.test",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// The example in a new git repository (in `docs/`, to show the project need not be the
/// repository root), with `prepare` applied before the first commit.
fn repository(prepare: impl Fn(&Path)) -> tempfile::TempDir {
    let repository = tempfile::tempdir().unwrap();
    let project = repository.path().join("docs");
    crate::support::copy_example_into(&project);
    // The example declares what its model page states: only data categories and storage
    // locations are material. These cases are about the notice rules, so they start from a
    // policy that lists every original category.
    edit(
        &project,
        SERVICE,
        "material = [\"data-categories\", \"storage-locations\"]",
        "material = [\"data-sources\", \"data-categories\", \"storage-locations\", \"staff-locations\", \"retention\", \"notice\"]",
    );
    prepare(&project);
    git(repository.path(), &["init", "-q"]);
    git(repository.path(), &["add", "-A"]);
    git(repository.path(), &["commit", "-q", "-m", "base"]);
    repository
}

fn diff(args: &[&str]) -> std::process::Output {
    privdoc()
        .arg("diff")
        .args(args)
        .args(["--date", "2026-01-01"])
        .output()
        .unwrap()
}

fn json(output: &std::process::Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs one case with git and without, in all three formats; returns the JSON report.
fn case(prepare: impl Fn(&Path), change: impl Fn(&Path)) -> (Value, String, String) {
    let repository = repository(&prepare);
    let project = repository.path().join("docs");
    let old = copy_project(&project);
    change(&project);
    let dir = project.to_str().unwrap();
    let mut with_git = json(&diff(&["--base", "HEAD", dir, "--format", "json"]));
    let mut without_git = json(&diff(&[
        old.path().to_str().unwrap(),
        dir,
        "--format",
        "json",
    ]));
    let base = with_git["old"].as_str().unwrap();
    assert!(base.starts_with("revision `HEAD` ("), "{base}");
    assert_eq!(with_git["new"], "the working tree");
    for report in [&mut with_git, &mut without_git] {
        let map = report.as_object_mut().unwrap();
        map.remove("old");
        map.remove("new");
    }
    assert_eq!(with_git, without_git, "git and directories disagree");
    let text = String::from_utf8(diff(&["--base", "HEAD", dir]).stdout).unwrap();
    let markdown =
        String::from_utf8(diff(&["--base", "HEAD", dir, "--format", "markdown"]).stdout).unwrap();
    let body = |text: &str| text.split_once('\n').unwrap().1.to_owned();
    assert!(text.starts_with("comparing revision `HEAD` ("), "{text}");
    assert_eq!(
        body(&text),
        body(&String::from_utf8(diff(&[old.path().to_str().unwrap(), dir]).stdout).unwrap())
    );
    (with_git, text, markdown)
}

fn changes(report: &Value) -> Vec<(String, bool)> {
    report["services"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["material"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn adding_a_staff_location_is_material_with_thirty_days_notice() {
    let (report, text, markdown) = case(
        |_| {},
        |p| {
            edit(
                p,
                SERVICE,
                "locations = [\"US\", \"IN\"]",
                "locations = [\"US\", \"IN\", \"RO\"]",
            );
        },
    );
    assert_eq!(
        changes(&report),
        [("staff-location-added".to_owned(), true)]
    );
    assert_eq!(report["material"], true);
    assert_eq!(report["effective-date"], "2026-01-31");
    assert!(
        text.contains("material   staff-location-added     staff now work in Romania"),
        "{text}"
    );
    assert!(
        text.contains("effective no earlier than 2026-01-31"),
        "{text}"
    );
    assert!(markdown.contains("| Microsoft Managed Desktop | staff now work in Romania | `staff-location-added` | 2026-01-31 |"), "{markdown}");
    assert!(
        markdown.contains("<details><summary><code>services/managed-desktop.md</code> changed"),
        "{markdown}"
    );
}

#[test]
fn rewording_the_summary_is_editorial_only() {
    let (report, text, markdown) = case(
        |_| {},
        |p| {
            edit(
                p,
                SERVICE,
                "It also provides IT service management",
                "It also offers IT service management",
            );
        },
    );
    assert_eq!(changes(&report), [("text-changed".to_owned(), false)]);
    assert_eq!(report["material"], false);
    assert_eq!(report["effective-date"], Value::Null);
    assert!(
        text.contains("editorial  text-changed             summary reworded"),
        "{text}"
    );
    assert!(
        markdown.contains("No material changes: nothing needs notice."),
        "{markdown}"
    );
}

#[test]
fn keeping_data_longer_is_material() {
    let (report, _, markdown) = case(
        |_| {},
        |p| edit(p, SERVICE, "period = \"30 days\"", "period = \"90 days\""),
    );
    assert_eq!(
        changes(&report),
        [("retention-lengthened".to_owned(), true)]
    );
    assert!(
        markdown.contains("personal data kept longer: 30 days → 90 days"),
        "{markdown}"
    );
}

#[test]
fn storage_no_longer_following_residency_is_material() {
    let (report, _, _) = case(
        |p| {
            edit(
                p,
                SERVICE,
                "follows-residency = false",
                "follows-residency = true",
            );
        },
        |p| {
            edit(
                p,
                SERVICE,
                "follows-residency = true",
                "follows-residency = false",
            );
        },
    );
    assert_eq!(changes(&report), [("storage-changed".to_owned(), true)]);
    assert_eq!(
        report["services"][0]["changes"][0]["summary"],
        "storage: based on data residency (the United States), in Azure data centers → the United States, in Azure data centers"
    );
}

#[test]
fn a_source_link_changing_is_editorial() {
    let (report, _, _) = case(
        |_| {},
        |p| {
            edit(
                p,
                "content/sources/intune.toml",
                "url = \"/mem/intune/\"",
                "url = \"/intune/\"",
            );
        },
    );
    assert_eq!(changes(&report), [("text-changed".to_owned(), false)]);
    assert_eq!(
        report["services"][0]["changes"][0]["summary"],
        "name and links of Microsoft Intune changed"
    );
}

#[test]
fn a_service_that_does_not_count_staff_locations_gets_an_editorial_change() {
    let (report, _, _) = case(
        |p| {
            edit(
                p,
                SERVICE,
                "\"storage-locations\", \"staff-locations\", ",
                "\"storage-locations\", ",
            );
        },
        |p| {
            edit(
                p,
                SERVICE,
                "locations = [\"US\", \"IN\"]",
                "locations = [\"US\", \"IN\", \"RO\"]",
            );
        },
    );
    assert_eq!(
        changes(&report),
        [("staff-location-added".to_owned(), false)]
    );
    assert_eq!(report["material"], false);
}

#[test]
fn fail_on_material_gates_ci_and_stat_counts_lines() {
    let repository = repository(|_| {});
    let project = repository.path().join("docs");
    let dir = project.to_str().unwrap();
    assert_eq!(
        diff(&["--base", "HEAD", dir, "--fail-on", "material"])
            .status
            .code(),
        Some(0)
    );
    edit(
        &project,
        SERVICE,
        "period = \"180 days\"",
        "period = \"1 year\"",
    );
    assert_eq!(
        diff(&["--base", "HEAD", dir, "--fail-on", "material"])
            .status
            .code(),
        Some(1)
    );
    let stat = String::from_utf8(diff(&["--base", "HEAD", dir, "--stat"]).stdout).unwrap();
    assert!(
        stat.contains("  changed  services/managed-desktop.md (+2 -2)"),
        "{stat}"
    );
    assert!(!stat.contains("@@"), "--stat prints no diff");
}

#[test]
fn outside_git_or_with_an_unknown_revision_diff_exits_2() {
    let plain = copy_example();
    let output = diff(&["--base", "HEAD", plain.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not inside a git repository"));
    let repository = repository(|_| {});
    let output = diff(&[
        "--base",
        "no-such-rev",
        repository.path().join("docs").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown git revision `no-such-rev`"));
}

#[test]
fn the_2021_rewrite_shows_its_facts_not_its_lines() {
    // Issue 5's story: a version with different facts and the same wording is material;
    // the same facts reworded is not. Both are whole-page changes to a line diff.
    let (report, _, _) = case(
        |_| {},
        |p| {
            edit(
                p,
                SERVICE,
                "locations = [\"US\"]",
                "locations = [\"US\"]\nfollows-residency = true",
            );
            edit(p, SERVICE, "follows-residency = false\n", "");
        },
    );
    assert_eq!(changes(&report), [("storage-changed".to_owned(), true)]);
}

#[test]
fn frozen_fails_when_the_committed_output_is_stale() {
    let project = copy_example();
    let dir = project.path();
    privdoc().arg("build").arg(dir).assert().success();
    privdoc()
        .args(["check", "--frozen"])
        .arg(dir)
        .assert()
        .success();
    edit(
        dir,
        SERVICE,
        "It also provides IT service management",
        "It also offers IT service management",
    );
    fs::remove_file(dir.join("book/html/retention.html")).unwrap();
    fs::write(dir.join("book/markdown/stray.md"), "# Stray\n").unwrap();
    let output = privdoc()
        .args(["check", "--frozen"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    for line in [
        "  missing  book/html/retention.html",
        "  extra    book/markdown/stray.md",
        "  changed  book/markdown/services/managed-desktop.md",
        "  changed  book/html/services/managed-desktop.html",
    ] {
        assert!(stderr.contains(line), "{line:?} not in {stderr}");
    }
}

#[test]
fn diff_output_is_identical_across_thread_counts() {
    let repository = repository(|_| {});
    let project = repository.path().join("docs");
    edit(
        &project,
        SERVICE,
        "period = \"30 days\"",
        "period = \"P6W\"",
    );
    let dir = project.to_str().unwrap();
    for format in ["text", "markdown", "json"] {
        let one = diff(&["--base", "HEAD", dir, "--format", format, "-j", "1"]);
        let two = diff(&["--base", "HEAD", dir, "--format", format, "-j", "2"]);
        assert_eq!(one.stdout, two.stdout, "{format}");
        assert!(
            !String::from_utf8_lossy(&one.stdout).contains(dir),
            "{format} output holds an absolute path"
        );
    }
}

#[test]
fn narrowing_what_is_material_cannot_exempt_the_change_made_with_it() {
    let (report, _, _) = case(
        |_| {},
        |p| {
            edit(
                p,
                SERVICE,
                "\"storage-locations\", \"staff-locations\", ",
                "\"storage-locations\", ",
            );
            edit(
                p,
                SERVICE,
                "locations = [\"US\", \"IN\"]",
                "locations = [\"US\", \"IN\", \"RO\"]",
            );
        },
    );
    assert_eq!(
        changes(&report),
        [
            ("staff-location-added".to_owned(), true),
            ("notice-changed".to_owned(), true)
        ]
    );
    assert_eq!(
        report["services"][0]["changes"][1]["summary"],
        "changes to where staff work no longer count as material"
    );
}

#[test]
fn fewer_notice_days_are_material_and_a_reworded_channel_is_editorial() {
    let (report, text, markdown) = case(
        |p| edit(p, SERVICE, "\"notice\"]", "]"),
        |p| {
            edit(p, SERVICE, "days = 30", "days = 14");
            edit(
                p,
                SERVICE,
                "Microsoft Managed Desktop Admin portal",
                "Microsoft Managed Desktop admin center",
            );
        },
    );
    assert_eq!(
        changes(&report),
        [
            ("notice-changed".to_owned(), true),
            ("text-changed".to_owned(), false)
        ]
    );
    let summaries: Vec<&str> = report["services"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        [
            "notice shortened: 30 days → 14 days",
            "notice channel reworded: the Microsoft Managed Desktop Admin portal → the Microsoft Managed Desktop admin center"
        ]
    );
    // The longer of the two notice periods applies to a change that shortens it.
    assert_eq!(report["effective-date"], "2026-01-31");
    assert!(
        text.contains("30 days' notice, effective no earlier than 2026-01-31"),
        "{text}"
    );
    assert!(
        markdown.contains("Comparing revision `HEAD` ("),
        "{markdown}"
    );
    assert!(markdown.contains(") with the working tree."), "{markdown}");
    assert!(
        markdown.contains(
            "- Microsoft Managed Desktop: 30 days' notice, effective no earlier than **2026-01-31**."
        ),
        "{markdown}"
    );
}

#[test]
fn residency_without_locations_and_reworded_retention_data_read_right() {
    let (report, _, _) = case(
        |_| {},
        |p| {
            edit(
                p,
                SERVICE,
                "locations = [\"US\"]\nfacility = \"Azure data centers\"\nfollows-residency = false",
                "facility = \"Azure data centers\"\nfollows-residency = true",
            );
            edit(p, SERVICE, "data = \"personal data\"", "data = \"data\"");
            edit(
                p,
                SERVICE,
                "Intune respects the storage",
                "Intune honours the storage",
            );
        },
    );
    let summaries: Vec<(String, bool)> = report["services"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["summary"].as_str().unwrap().to_owned(),
                c["material"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summaries,
        [
            (
                "storage: the United States, in Azure data centers → based on data residency, in Azure data centers".to_owned(),
                true
            ),
            (
                "retention rule for personal data now says \"data\"".to_owned(),
                true
            ),
            ("details of Microsoft Intune reworded".to_owned(), false),
        ]
    );
}

#[test]
fn two_revisions_or_a_revision_and_a_directory_compare() {
    let repository = repository(|_| {});
    let project = repository.path().join("docs");
    edit(
        &project,
        SERVICE,
        "period = \"30 days\"",
        "period = \"60 days\"",
    );
    git(repository.path(), &["commit", "-qam", "Fixed link."]);
    let output = privdoc()
        .current_dir(&project)
        .args([
            "diff",
            "HEAD~1",
            "HEAD",
            "--format",
            "json",
            "--date",
            "2026-01-01",
        ])
        .output()
        .unwrap();
    let report = json(&output);
    assert_eq!(
        changes(&report),
        [("retention-lengthened".to_owned(), true)]
    );
    assert!(
        report["old"]
            .as_str()
            .unwrap()
            .starts_with("revision `HEAD~1` (")
    );
    assert!(
        report["new"]
            .as_str()
            .unwrap()
            .starts_with("revision `HEAD` (")
    );
    let output = privdoc()
        .current_dir(&project)
        .args([
            "diff",
            "HEAD~1",
            ".",
            "--format",
            "json",
            "--date",
            "2026-01-01",
        ])
        .output()
        .unwrap();
    assert_eq!(
        changes(&json(&output)),
        [("retention-lengthened".to_owned(), true)]
    );
}

#[test]
fn versions_that_are_neither_directories_nor_revisions_exit_2() {
    let repository = repository(|_| {});
    let project = repository.path().join("docs");
    for args in [
        ["no-such-dir", "other-missing"],
        ["HEAD", "no-such-rev"],
        ["HEAD", "HEAD"],
    ] {
        let output = privdoc()
            .current_dir(&project)
            .arg("diff")
            .args(args)
            .output()
            .unwrap();
        if args == ["HEAD", "HEAD"] {
            assert_eq!(output.status.code(), Some(0));
            assert!(
                String::from_utf8_lossy(&output.stdout).contains("no changes in the declarations")
            );
            continue;
        }
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("is neither a directory nor a git revision"),
            "{stderr}"
        );
    }
    let outside = tempfile::tempdir().unwrap();
    let output = privdoc()
        .current_dir(outside.path())
        .args(["diff", "a", "b"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

const WORKPLACE: &str = "content/services/workplace.toml";

/// `tests/fixtures/full-service` (a service that declares everything) in a new git
/// repository, with `prepare` applied before the commit and `change` after it: the report.
fn full_case(prepare: impl Fn(&Path), change: impl Fn(&Path)) -> Value {
    case_in_git("full-service", "base", prepare, change)
}

/// Fixture `name` in a new git repository, `prepare` applied before a commit with
/// `message` and `change` after it: the JSON report of `diff --base HEAD`.
fn case_in_git(
    name: &str,
    message: &str,
    prepare: impl Fn(&Path),
    change: impl Fn(&Path),
) -> Value {
    let repository = tempfile::tempdir().unwrap();
    copy_dir(&crate::support::fixture(name), repository.path(), &["book"]);
    prepare(repository.path());
    git(repository.path(), &["init", "-q"]);
    git(repository.path(), &["add", "-A"]);
    git(repository.path(), &["commit", "-q", "-m", message]);
    change(repository.path());
    json(&diff(&[
        "--base",
        "HEAD",
        repository.path().to_str().unwrap(),
        "--format",
        "json",
    ]))
}

/// Every kind the extended declarations add: material under the default policy (every
/// category), editorial when its category is left out of `material` in both versions.
#[test]
fn each_new_kind_is_material_by_default_and_editorial_when_its_category_is_left_out() {
    let cases: [(&str, &str, &str, &str); 11] = [
        (
            "access-added",
            "access",
            "[rights]",
            "[[access]]\nname = \"Backup Reader\"\npermissions = [\"Files.Read.All\"]\n\n[rights]",
        ),
        // `CUT`: the table that starts with `from` is removed.
        ("access-removed", "access", "[[access]]", "CUT"),
        (
            "permission-added",
            "access",
            "\"Group.Read.All\"]",
            "\"Group.Read.All\", \"User.Read.All\"]",
        ),
        ("permission-removed", "access", ", \"Group.Read.All\"]", "]"),
        (
            "recipient-added",
            "recipients",
            "[[access]]",
            "[[recipients]]\nname = \"Tailspin Analytics\"\npurpose = \"usage statistics\"\nlocations = [\"DE\"]\n\n[[access]]",
        ),
        (
            "recipient-removed",
            "recipients",
            "name = \"Northwind Cloud\"",
            "name = \"Northwind Cloud Backup\"",
        ),
        (
            "transfer-changed",
            "transfers",
            "transfer = \"adequacy\"",
            "transfer = \"derogation\"",
        ),
        (
            "legal-basis-changed",
            "legal-basis",
            "legal-basis = \"legitimate-interests\"",
            "legal-basis = \"consent\"",
        ),
        (
            "scope-changed",
            "data-sources",
            "applies-to = \"Windows 10 and Windows 11 laptops\"",
            "applies-to = \"Windows 11 laptops\"",
        ),
        (
            "storage-change-scheduled",
            "storage-locations",
            "effective = 2026-03-01",
            "effective = 2026-04-01",
        ),
        ("rights-changed", "rights", ", \"objection\"]", "]"),
    ];
    for (kind, category, from, to) in cases {
        let change = |dir: &Path| {
            if to == "CUT" {
                let path = dir.join(WORKPLACE);
                let text = fs::read_to_string(&path).unwrap();
                let start = text.find(from).unwrap();
                let end = start + text[start..].find("\n\n[").unwrap() + 2;
                fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
            } else {
                edit(dir, WORKPLACE, from, to);
            }
        };
        let report = full_case(|_| {}, change);
        let found = changes(&report);
        assert!(
            found.contains(&(kind.to_owned(), true)),
            "{kind}: {found:?}"
        );
        // The same change, with the category out of the policy in both versions.
        let all = [
            "data-sources",
            "data-categories",
            "storage-locations",
            "staff-locations",
            "retention",
            "notice",
            "access",
            "recipients",
            "transfers",
            "legal-basis",
            "rights",
        ];
        let without: Vec<String> = all
            .iter()
            .filter(|c| **c != category)
            .map(|c| format!("\"{c}\""))
            .collect();
        let policy = format!("days = 30\nmaterial = [{}]", without.join(", "));
        let report = full_case(|dir| edit(dir, WORKPLACE, "days = 30", &policy), change);
        let found = changes(&report);
        assert!(
            found.contains(&(kind.to_owned(), false)),
            "{kind} without `{category}`: {found:?}"
        );
    }
}

/// `tests/fixtures/history-v14` (the model page at version 14, as declarations) in a git
/// repository, `prepare` applied before the commit and `change` after it: the report.
fn history_case(prepare: impl Fn(&Path), change: impl Fn(&Path)) -> Value {
    case_in_git("history-v14", "Fixed link.", prepare, change)
}

/// v14 → v15: the date new EU customers move to European data centers moved.
fn v15(dir: &Path) {
    edit(
        dir,
        SERVICE,
        "effective = 2022-10-31",
        "effective = 2022-11-08",
    );
}

/// v20 → v21: Windows 11 devices joined the sources.
fn v21(dir: &Path) {
    edit(
        dir,
        SERVICE,
        "applies-to = \"Windows 10 devices\"",
        "applies-to = \"Windows 10 and Windows 11 devices\"",
    );
}

/// v24 → v25: the "Tenant access" section, with its Microsoft Graph permissions.
fn v25(dir: &Path) {
    edit(
        dir,
        SERVICE,
        "[change-notice]",
        "[[access]]\nname = \"Modern Workplace Management\"\nkind = \"enterprise application\"\n\
         uses = [\"manage the service\", \"publish baseline configuration updates\", \"maintain overall service health\"]\n\
         permissions = [\"DeviceManagementApps.ReadWrite.All\", \"DeviceManagementConfiguration.ReadWrite.All\", \
         \"DeviceManagementManagedDevices.PriviligedOperation.All\", \"DeviceManagementManagedDevices.ReadWrite.All\", \
         \"DeviceManagementRBAC.ReadWrite.All\", \"DeviceManagementServiceConfig.ReadWrite.All\", \"Directory.Read.All\", \
         \"Group.Create\", \"Policy.Read.All\", \"WindowsUpdates.ReadWrite.All\"]\n\n[change-notice]",
    );
}

/// Three of the changes a privacy reviewer flags in the model page's history, which free
/// text hid from `diff`, are material changes of their kind once declared.
#[test]
fn replaying_the_model_pages_history_sees_its_material_changes() {
    let report = history_case(|_| {}, v15);
    assert_eq!(
        changes(&report),
        [("storage-change-scheduled".to_owned(), true)]
    );
    assert_eq!(
        report["services"][0]["changes"][0]["summary"],
        "the move to the European Union for new customers in the EU, the UK, Africa and the Middle East rescheduled: 2022-10-31 → 2022-11-08"
    );
    let report = history_case(v15, v21);
    assert_eq!(changes(&report), [("scope-changed".to_owned(), true)]);
    assert_eq!(
        report["services"][0]["changes"][0]["summary"],
        "Microsoft Windows 10 Enterprise applies to: Windows 10 devices → Windows 10 and Windows 11 devices"
    );
    let report = history_case(
        |dir| {
            v15(dir);
            v21(dir);
        },
        v25,
    );
    assert_eq!(changes(&report), [("access-added".to_owned(), true)]);
    assert!(
        report["services"][0]["changes"][0]["summary"]
            .as_str()
            .unwrap()
            .starts_with(
                "access Modern Workplace Management added with DeviceManagementApps.ReadWrite.All"
            ),
        "{report}"
    );
}

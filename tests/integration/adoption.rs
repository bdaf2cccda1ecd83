//! privdoc on an existing documentation repository: `tests/fixtures/learn-repo` has the
//! shape of a Microsoft Learn repository (PowerShell-Docs) — cmdlet reference copied into
//! one folder per version (`reference/5.1`, `7.4`, `7.5`, `7.6`) with small differences,
//! parameter blocks whose boilerplate sentences repeat under every parameter, front
//! matter without `description`, links that differ from their file only in letter case,
//! and site-absolute links (`/powershell/scripting/…`, `?view=` queries). The first run
//! without any settings must already be readable; the settings a team adds to adopt the
//! checker (variants, allow, site-paths), suppressions and a baseline must each do what
//! they promise.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{
    assert_lines, check, copy_project, findings, fixture, json, privdoc, repo, stderr,
};

/// What a team writes into `book.toml` to adopt privdoc on the repository (the README's
/// example).
const ADOPTED: &str = r#"[book]
title = "PowerShell documentation"

[preprocessor.privdoc]
required-front-matter = ["title"]

[preprocessor.privdoc.links]
site-paths = { "/powershell/scripting/" = "reference/docs-conceptual/", "/powershell/module/" = "reference/7.4/" }

[preprocessor.privdoc.duplicates]
variants = ["reference/*/"]
allow = ["This parameter was introduced in *", "This cmdlet supports the common parameters: *"]
min-words-in-page = 8
"#;

fn adopted() -> tempfile::TempDir {
    let project = copy_project(&fixture("learn-repo"));
    fs::write(project.path().join("book.toml"), ADOPTED).unwrap();
    project
}

#[test]
fn the_first_run_on_a_repository_is_grouped_and_held_to_hand_written_defaults() {
    let repo_dir = fixture("learn-repo");
    let output = check(&repo_dir, &["--format", "short"]);
    let found = findings(&output.stdout);
    assert_lines(
        &repo().join("tests/golden/learn-repo/first-run.txt"),
        &found,
    );
    assert_eq!(output.status.code(), Some(1));
    // Pages have a title and no description, as Learn's do: no front-matter finding.
    assert!(
        !found.iter().any(|f| f.contains("[front-matter]")),
        "{found:#?}"
    );
    // Seven-word boilerplate under two parameters of a page is no finding without
    // book.toml; the nine-word one under three parameters is one finding, not two.
    assert!(found.iter().any(|f| f.ends_with(
        "reference/5.1/Microsoft.PowerShell.Management/Get-Item.md:105:1: error[duplicate-sentence]: sentence written 3 times in this page"
    )), "{found:#?}");
    let in_page = found.iter().filter(|f| f.contains("in this page")).count();
    assert_eq!(in_page, 8, "{found:#?}");
    // The copies of one cmdlet page in two versions: one finding for all they share.
    let pairs: Vec<&String> = found
        .iter()
        .filter(|f| {
            f.starts_with("reference/7.4/Microsoft.PowerShell.Management/Get-ChildItem.md")
                && f.contains("reference/5.1/Microsoft.PowerShell.Management/Get-ChildItem.md")
        })
        .collect();
    assert_eq!(pairs.len(), 2, "one per kind of text: {pairs:#?}");
    assert!(pairs[1].contains("shares 9 paragraphs with"), "{pairs:#?}");

    // Every place of a grouped finding is in the JSON report.
    let report = json(&check(&repo_dir, &["--format", "json"]));
    let grouped = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["file"] == "reference/7.4/Microsoft.PowerShell.Management/Get-ChildItem.md"
                && d["code"] == "duplicate-paragraph"
        })
        .unwrap();
    let related = grouped["related"].as_array().unwrap();
    // The first place on the other page, then both places of the eight other paragraphs.
    assert_eq!(related.len(), 1 + 2 * 8, "{grouped:#}");
    assert!(related.iter().all(|r| r["line"].as_u64().unwrap() >= 27));

    // The human report starts with the totals per check.
    let human = stderr(&check(&repo_dir, &[]));
    assert!(human.starts_with("findings by check:\n"), "{human}");
    assert!(human.contains("  duplicate-sentence "), "{human}");
}

#[test]
fn a_link_that_differs_only_in_letter_case_is_a_warning_with_the_right_spelling() {
    let report = json(&check(&fixture("learn-repo"), &["--format", "json"]));
    let hints: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "case-mismatch")
        .map(|d| (d["file"].as_str().unwrap(), d["hint"].as_str().unwrap()))
        .collect();
    let expect = |file: &str, fixed: &str| {
        assert!(
            hints
                .iter()
                .any(|(f, hint)| *f == file && hint.starts_with(&format!("write `{fixed}`:"))),
            "{file}: {hints:#?}"
        );
    };
    expect(
        "reference/7.4/Microsoft.PowerShell.Management/Get-Item.md",
        "../Microsoft.PowerShell.Core/About/about_Providers.md",
    );
    expect(
        "reference/docs-conceptual/learn/ps101/01-getting-started.md",
        "../../install/installing-powershell-on-windows.md",
    );
    expect(
        "reference/docs-conceptual/learn/ps101/02-help-system.md",
        "../../../7.4/Microsoft.PowerShell.Management/Get-Item.md",
    );
    expect(
        "reference/5.1/Microsoft.PowerShell.Management/Get-ChildItem.md",
        "Set-Location.md",
    );
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "case-mismatch" || d["severity"] == "warning")
    );
}

#[test]
fn adopting_settings_check_site_paths_and_leave_versions_and_boilerplate_alone() {
    let project = adopted();
    let output = check(project.path(), &["--format", "short"]);
    let found = findings(&output.stdout);
    assert_lines(&repo().join("tests/golden/learn-repo/adopted.txt"), &found);
    // No finding pairs a page with its copy in another version.
    let version = |path: &str| path.split('/').nth(1).map(str::to_owned);
    for finding in &found {
        let (file, message) = finding.split_once(": ").unwrap();
        if let Some(other) = message
            .split('`')
            .nth(1)
            .filter(|o| o.starts_with("reference/"))
        {
            let same_page = |p: &str| p.split('/').skip(2).collect::<Vec<_>>().join("/");
            assert!(
                !(same_page(file.split(':').next().unwrap()) == same_page(other)
                    && version(file) != version(other)),
                "{finding}"
            );
        }
    }
    // Allowed boilerplate is never a finding.
    assert!(
        !found.iter().any(|f| f.contains("written 3 times")),
        "{found:#?}"
    );
    // Site-absolute links under a mapped prefix are checked: a missing page is an error
    // naming the file it would be; `?view=` and `#fragment` resolve; others stay unchecked.
    assert!(found.iter().any(|f| f.ends_with(
        "error[broken-link]: link to `/powershell/scripting/install/installing-powershell-on-linux`, which would be `reference/docs-conceptual/install/installing-powershell-on-linux.md` here, and that does not exist"
    )), "{found:#?}");
    assert!(
        !found.iter().any(|f| f.contains("get-item?view")),
        "{found:#?}"
    );
    let before = json(&check(&fixture("learn-repo"), &["--format", "json"]));
    let after = json(&check(project.path(), &["--format", "json"]));
    assert_eq!(before["summary"]["links-unchecked"], 21);
    assert_eq!(after["summary"]["links-unchecked"], 14);
    assert!(
        after["summary"]["warnings"].as_u64()
            < Some(before["summary"]["warnings"].as_u64().unwrap() / 4),
        "{}",
        after["summary"]
    );
}

#[test]
fn bad_adoption_settings_are_located_errors() {
    let project = copy_project(&fixture("learn-repo"));
    fs::write(
        project.path().join("book.toml"),
        "[preprocessor.privdoc.links]\nsite-paths = { \"powershell/\" = \"reference/\", \"/x/\" = \"../elsewhere\" }\n\
         [preprocessor.privdoc.duplicates]\nvariants = [\"reference/\"]\nallow = [\"*\"]\n",
    )
    .unwrap();
    let output = check(project.path(), &["--format", "short"]);
    assert_eq!(output.status.code(), Some(2));
    let found = findings(&output.stdout);
    assert_eq!(
        found,
        [
            "book.toml:2:16: error[config]: site path `powershell/` is not site-absolute: it must start with one `/`",
            "book.toml:2:54: error[config]: site path `/x/` maps to `../elsewhere`, which is not a folder of the content directory",
            "book.toml:4:13: error[config]: variant pattern `reference/` must have exactly one `*` folder",
            "book.toml:5:10: error[config]: allow glob `*` matches every sentence",
        ]
    );
}

#[test]
fn suppressions_in_a_repository_page_hide_their_finding_and_report_when_stale() {
    let project = adopted();
    let page = project.path().join("reference/docs-conceptual/overview.md");
    let text = fs::read_to_string(&page).unwrap();
    // The Linux install page is not published yet: its link is known to be broken.
    let text = text.replace(
        "- [Install PowerShell on Linux]",
        "<!-- privdoc-disable-next-line broken-link -->\n- [Install PowerShell on Linux]",
    );
    let text = text.replace(
        "## Scripting language",
        "<!-- privdoc-disable-next-line case-mismatch -->\n## Scripting language",
    );
    fs::write(&page, text).unwrap();
    let output = check(project.path(), &["--format", "short"]);
    let found = findings(&output.stdout);
    assert!(
        !found
            .iter()
            .any(|f| f.contains("installing-powershell-on-linux")),
        "{found:#?}"
    );
    assert!(found.iter().any(|f| f.starts_with(
        "reference/docs-conceptual/overview.md:20:1: warning[unused-suppression]: this suppression covers no `case-mismatch` finding"
    )), "{found:#?}");
    assert!(
        stderr(&output).contains("(1 suppressed)"),
        "{}",
        stderr(&output)
    );
    let report = json(&check(project.path(), &["--format", "json"]));
    assert_eq!(report["summary"]["suppressed"], 1);
}

#[test]
fn a_baseline_hides_known_findings_through_moved_lines_and_renames_and_counts_the_fixed() {
    let project = adopted();
    let dir = project.path();
    let baseline = dir.join("privdoc-baseline.json");
    let written = check(dir, &["--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(
        stderr(&written).contains("recorded 10 errors and 15 warnings in 17 files"),
        "{}",
        stderr(&written)
    );
    let recorded: Value = serde_json::from_str(&fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 25);
    // The same tree against its baseline: nothing new, exit 0.
    let against = |dir: &Path| {
        check(
            dir,
            &[
                "--format",
                "short",
                "--baseline",
                baseline.to_str().unwrap(),
            ],
        )
    };
    let output = against(dir);
    assert_eq!(findings(&output.stdout), Vec::<String>::new());
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("baseline: 25 known findings not reported"),
        "{}",
        stderr(&output)
    );

    // Lines move above findings, and a page with findings is renamed: still known.
    let get_item = dir.join("reference/5.1/Microsoft.PowerShell.Management/Get-Item.md");
    let text = fs::read_to_string(&get_item).unwrap();
    let text = text.replacen(
        "## SYNOPSIS",
        "## SYNOPSIS\n\nA new note.\n\nAnd another line.\n",
        1,
    );
    fs::write(&get_item, text).unwrap();
    let conceptual = dir.join("reference/docs-conceptual");
    fs::rename(
        conceptual.join("overview.md"),
        conceptual.join("what-is-powershell.md"),
    )
    .unwrap();
    let output = against(dir);
    assert_eq!(
        findings(&output.stdout),
        Vec::<String>::new(),
        "{}",
        stderr(&output)
    );
    assert_eq!(output.status.code(), Some(0));

    // One finding fixed, one new: the new one is reported, the fixed entry counted.
    let page = dir.join("reference/7.6/Microsoft.PowerShell.Management/Get-Item.md");
    let text = fs::read_to_string(&page).unwrap();
    let text = text.replace(
        "(../Microsoft.PowerShell.Core/Invoke-Command.md)",
        "(Set-Location.md)",
    );
    let text = text.replace(
        "[Set-Location](Set-Location.md)\n",
        "[Set-Location](Set-Locaton.md)\n",
    );
    fs::write(&page, text).unwrap();
    let output = against(dir);
    let found = findings(&output.stdout);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("link to `Set-Locaton.md`, which does not exist"),
        "{found:#?}"
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("baseline: 24 known findings not reported; 1 entry is fixed: `--write-baseline` shrinks the file"),
        "{}",
        stderr(&output)
    );
    let report = json(&check(
        dir,
        &["--format", "json", "--baseline", baseline.to_str().unwrap()],
    ));
    assert_eq!(report["summary"]["baseline"]["known"], 24);
    assert_eq!(report["summary"]["baseline"]["fixed"], 1);

    // A baseline that is not one stops the run (exit 2) and says why.
    fs::write(&baseline, "{}").unwrap();
    let output = against(dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a privdoc baseline"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_baseline_is_byte_identical_across_runs() {
    let project = adopted();
    let one = project.path().join("one.json");
    let two = project.path().join("two.json");
    for (file, jobs) in [(&one, "1"), (&two, "3")] {
        let output = privdoc()
            .arg("check")
            .arg(project.path())
            .args(["-j", jobs, "--write-baseline"])
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
    }
    assert_eq!(fs::read(&one).unwrap(), fs::read(&two).unwrap());
}

//! The check cache (`.privdoc-cache/`): a check of unchanged inputs reports exactly what
//! a check from scratch reports, any change is checked again, and a damaged or unwritable
//! cache costs time, never a wrong report.

use std::fs;
use std::path::Path;

use crate::support::{
    add_a_warning, copy_example, copy_project, fixture, privdoc, read_tree, stderr,
};

/// `privdoc check PROJECT ARGS…` with the cache on, as users run it.
fn check(project: &Path, args: &[&str]) -> std::process::Output {
    privdoc()
        .env_remove("PRIVDOC_NO_CACHE")
        .arg("check")
        .arg(project)
        .args(args)
        .output()
        .unwrap()
}

/// The stages a `-v` run went through (`read`, `cached`, `check`, …).
fn stages(output: &std::process::Output) -> Vec<String> {
    stderr(output)
        .lines()
        .filter(|line| line.contains(" ms"))
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Whether a `-v` run checked, rather than reused the last check's findings or report.
fn ran_checks(output: &std::process::Output) -> bool {
    let stages = stages(output);
    let has = |stage: &str| stages.iter().any(|s| s == stage);
    // A replayed report reads no page: only the walk and the stored report.
    assert!(has("read") || replayed(output), "{stages:?}");
    // Parsing and rendering go with checking: a reused report needs none of them.
    assert_eq!(has("check"), has("load"), "{stages:?}");
    assert_eq!(has("check"), has("render"), "{stages:?}");
    has("check")
}

/// Whether a `-v` run printed the stored report without reading a page.
fn replayed(output: &std::process::Output) -> bool {
    let stages = stages(output);
    let has = |stage: &str| stages.iter().any(|s| s == stage);
    has("replay") && !has("read")
}

/// Sets every file of `project` as last modified an hour ago: settled, so that the
/// next run may store its report for a replay (files changed within two seconds of a
/// run are never judged by their metadata).
fn settle(project: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
    for entry in walkdir::WalkDir::new(project) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let file = fs::File::options().write(true).open(entry.path()).unwrap();
            file.set_modified(hour_ago).unwrap();
        }
    }
}

/// Removes the stored reports, so that a run of settled files goes by the stored
/// findings (or checks).
fn forget_reports(project: &Path) {
    for entry in fs::read_dir(project.join(".privdoc-cache")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("report-")
        {
            fs::remove_file(path).unwrap();
        }
    }
}

/// The lines of a run's stderr that are not `-v` stage times.
fn said(output: &std::process::Output) -> String {
    stderr(output)
        .lines()
        .filter(|line| !line.contains(" ms  (peak memory"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A repository with findings of every grouping (related places, notes, hints).
fn repository() -> tempfile::TempDir {
    copy_project(&fixture("learn-repo"))
}

fn entry(project: &Path) -> std::path::PathBuf {
    project.join(".privdoc-cache/check")
}

#[test]
fn unchanged_inputs_are_reported_byte_for_byte_without_checking_again() {
    let project = repository();
    let project = project.path();
    let cold = check(project, &["--no-cache", "--format", "json"]);
    assert!(
        !project.join(".privdoc-cache").exists(),
        "--no-cache writes nothing"
    );
    let first = check(project, &["-v", "--format", "json"]);
    assert!(ran_checks(&first));
    assert!(entry(project).is_file());
    let again = check(project, &["-v", "--format", "json"]);
    assert!(!ran_checks(&again), "the second run reuses the first");
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(again.status.code(), cold.status.code());
    assert!(cold.stdout.len() > 10_000, "a report worth caching");
    assert_eq!(first.stdout, cold.stdout);
    assert_eq!(again.stdout, cold.stdout);
    // Every format prints the stored findings as it prints fresh ones.
    for format in ["human", "short", "sarif", "github"] {
        let fresh = check(project, &["--no-cache", "--format", format]);
        let reused = check(project, &["--format", format]);
        assert_eq!(reused.stdout, fresh.stdout, "{format}");
        assert_eq!(stderr(&reused), stderr(&fresh), "{format}");
    }
    let frozen = check(project, &["-v", "--frozen", "--format", "json"]);
    assert!(ran_checks(&frozen), "--frozen builds, so it checks");
    let told = privdoc()
        .env("PRIVDOC_NO_CACHE", "1")
        .args(["check", "-v", "--format", "json"])
        .arg(project)
        .output()
        .unwrap();
    assert!(ran_checks(&told), "PRIVDOC_NO_CACHE is --no-cache");
}

#[test]
fn an_edit_is_checked_again() {
    let project = repository();
    let project = project.path();
    let before = check(project, &["--format", "short"]);
    assert!(entry(project).is_file());
    let page = project.join("reference/7.4/Microsoft.PowerShell.Management/Get-Item.md");
    let text = fs::read_to_string(&page).unwrap();
    let edited = text.replacen(
        "## DESCRIPTION",
        "## DESCRIPTION\n\nSee [nothing](Nowhere.md).",
        1,
    );
    assert_ne!(edited, text);
    fs::write(&page, edited).unwrap();
    let after = check(project, &["-v", "--format", "short"]);
    assert!(ran_checks(&after));
    let new: Vec<&str> = std::str::from_utf8(&after.stdout)
        .unwrap()
        .lines()
        .filter(|line| line.contains("Nowhere.md"))
        .collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(!String::from_utf8_lossy(&before.stdout).contains("Nowhere.md"));
    // A renamed page is another input too.
    fs::rename(&page, page.with_file_name("Get-Item-renamed.md")).unwrap();
    let renamed = check(project, &["-v", "--format", "short"]);
    assert!(ran_checks(&renamed));
    assert!(String::from_utf8_lossy(&renamed.stdout).contains("Get-Item-renamed.md"));
}

#[test]
fn a_damaged_entry_is_checked_again_and_replaced() {
    let project = repository();
    let project = project.path();
    let cold = check(project, &["--no-cache", "--format", "json"]);
    check(project, &["--format", "json"]);
    let good = fs::read(entry(project)).unwrap();
    let damaged: [Vec<u8>; 3] = [
        Vec::new(),
        good[..good.len() / 2].to_vec(),
        good.iter().map(|b| b.wrapping_add(1)).collect(),
    ];
    for bad in damaged {
        // Old enough files would replay their stored report without looking at the entry.
        forget_reports(project);
        fs::write(entry(project), &bad).unwrap();
        let output = check(project, &["-v", "--format", "json"]);
        assert!(ran_checks(&output));
        assert_eq!(output.stdout, cold.stdout);
        assert_eq!(fs::read(entry(project)).unwrap(), good, "replaced whole");
    }
}

#[test]
fn a_cache_that_cannot_be_written_changes_nothing_but_the_time() {
    let project = repository();
    let project = project.path();
    let cold = check(project, &["--no-cache", "--format", "json"]);
    // A file where the cache folder would be: nothing can be stored.
    fs::write(project.join(".privdoc-cache"), "not a folder").unwrap();
    for _ in 0..2 {
        let output = check(project, &["-v", "--format", "json"]);
        assert!(ran_checks(&output));
        assert_eq!(output.stdout, cold.stdout);
        assert_eq!(output.status.code(), cold.status.code());
        assert!(
            stderr(&output).contains("note: the findings were not cached"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(
        fs::read_to_string(project.join(".privdoc-cache")).unwrap(),
        "not a folder"
    );
}

#[test]
fn settled_files_replay_the_stored_report_without_reading_a_page() {
    let project = repository();
    let project = project.path();
    settle(project);
    for format in ["json", "human", "short", "sarif", "github"] {
        let cold = check(project, &["--no-cache", "--format", format]);
        let first = check(project, &["-v", "--format", format]);
        // Checked (json) or from the stored findings (the other formats).
        assert!(!replayed(&first), "{format}");
        assert_eq!(first.stdout, cold.stdout, "{format}");
        let again = check(project, &["-v", "--format", format]);
        assert!(replayed(&again), "{format}: {}", stderr(&again));
        assert!(!ran_checks(&again));
        assert_eq!(again.stdout, cold.stdout, "{format}");
        assert_eq!(said(&again), said(&cold), "{format}");
        assert_eq!(again.status.code(), cold.status.code(), "{format}");
        assert!(
            project
                .join(format!(".privdoc-cache/report-{format}"))
                .is_file()
        );
    }
    let cold = check(project, &["--no-cache", "--format", "json"]);
    assert!(cold.stdout.len() > 10_000, "a report worth storing");
    // A baseline filters the findings: its run neither replays nor stores a report.
    let baseline = project.join("baseline.json");
    check(project, &["--write-baseline", baseline.to_str().unwrap()]);
    let filtered = check(project, &["-v", "--baseline", baseline.to_str().unwrap()]);
    assert!(!replayed(&filtered));
    assert!(said(&filtered).contains("baseline:"), "{}", said(&filtered));
    fs::remove_file(&baseline).unwrap();
    settle(project);

    // A stored report that is damaged is not printed: the findings are, and the report is
    // stored again whole.
    let report = project.join(".privdoc-cache/report-json");
    check(project, &["--format", "json"]);
    let good = fs::read(&report).unwrap();
    for bad in [
        Vec::new(),
        good[..good.len() - 1].to_vec(),
        good[..good.len() / 2].to_vec(),
        {
            let mut flipped = good.clone();
            flipped[good.len() / 3] ^= 1;
            flipped
        },
    ] {
        fs::write(&report, &bad).unwrap();
        let output = check(project, &["-v", "--format", "json"]);
        assert!(!replayed(&output));
        assert_eq!(output.stdout, cold.stdout);
        assert_eq!(fs::read(&report).unwrap(), good, "stored again whole");
    }

    // A page saved again unchanged is not settled (here: dated an hour ahead, as a page
    // saved a moment ago is for two seconds): its findings come from the entry, and no
    // report is stored for the next run.
    let page = project.join("reference/7.4/Microsoft.PowerShell.Management/Get-Item.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, &text).unwrap();
    let hour_ahead = std::time::SystemTime::now() + std::time::Duration::from_hours(1);
    let file = fs::File::options().write(true).open(&page).unwrap();
    file.set_modified(hour_ahead).unwrap();
    for _ in 0..2 {
        let touched = check(project, &["-v", "--format", "json"]);
        assert!(!replayed(&touched) && !ran_checks(&touched));
        assert_eq!(touched.stdout, cold.stdout);
    }

    // An edit that keeps the page's size and is then dated back to the old time still
    // changes its change time: the page is checked again.
    settle(project);
    check(project, &["--format", "json"]);
    assert!(replayed(&check(project, &["-v", "--format", "json"])));
    assert!(
        text.contains("Get-ChildItem.md"),
        "the page links to Get-ChildItem.md"
    );
    let modified = fs::metadata(&page).unwrap().modified().unwrap();
    fs::write(
        &page,
        text.replacen("Get-ChildItem.md", "Get-ChildIten.md", 1),
    )
    .unwrap();
    let file = fs::File::options().write(true).open(&page).unwrap();
    file.set_modified(modified).unwrap();
    assert_eq!(fs::metadata(&page).unwrap().modified().unwrap(), modified);
    assert_eq!(fs::metadata(&page).unwrap().len(), text.len() as u64);
    let edited = check(project, &["-v", "--format", "json"]);
    assert!(ran_checks(&edited));
    assert!(String::from_utf8_lossy(&edited.stdout).contains("Get-ChildIten.md"));
}

/// `privdoc build PROJECT ARGS…` with the cache on, as users run it.
fn build(project: &Path, args: &[&str]) -> std::process::Output {
    privdoc()
        .env_remove("PRIVDOC_NO_CACHE")
        .arg("build")
        .arg(project)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_build_of_unchanged_inputs_reuses_its_findings_and_writes_the_same_site() {
    let project = copy_example();
    let project = project.path();
    // A finding to keep: a warning, so the build still writes.
    add_a_warning(project);
    let cold = build(project, &["--no-cache", "--format", "json"]);
    assert_eq!(cold.status.code(), Some(0), "{}", stderr(&cold));
    assert!(String::from_utf8_lossy(&cold.stdout).contains("nowhere.md"));
    assert!(
        !project.join(".privdoc-cache").exists(),
        "--no-cache writes nothing"
    );
    let site = read_tree(&project.join("book"));
    let first = build(project, &["-v", "--format", "json"]);
    assert!(stages(&first).contains(&"check".to_owned()));
    let again = build(project, &["-v", "--format", "json"]);
    let stages = stages(&again);
    assert!(!stages.contains(&"check".to_owned()), "{stages:?}");
    // Nor is the HTML made again: the last build's, in place, is this one's.
    assert!(stages.contains(&"keep".to_owned()), "{stages:?}");
    assert!(!stages.contains(&"html".to_owned()), "{stages:?}");
    assert_eq!(again.stdout, cold.stdout);
    assert_eq!(again.status.code(), cold.status.code());
    assert_eq!(read_tree(&project.join("book")), site);
    // A check keeps its own entry, beside the build's: neither replaces the other.
    assert!(ran_checks(&check(project, &["-v", "--format", "json"])));
    let after_check = build(project, &["-v", "--format", "json"]);
    assert!(!self::stages(&after_check).contains(&"check".to_owned()));
    // An edit is checked again.
    fs::write(
        project.join("content/faq.md"),
        "# FAQ\n\nSee [the other missing page](elsewhere.md).\n",
    )
    .unwrap();
    let edited = build(project, &["-v", "--format", "json"]);
    assert!(self::stages(&edited).contains(&"check".to_owned()));
    let report = String::from_utf8_lossy(&edited.stdout);
    assert!(report.contains("elsewhere.md") && !report.contains("nowhere.md"));
}

/// Whether a `-v` build kept the last build's HTML rather than rendering it.
fn kept_html(output: &std::process::Output) -> bool {
    let stages = stages(output);
    let has = |stage: &str| stages.iter().any(|s| s == stage);
    assert!(has("keep") || has("html"), "{stages:?}");
    !has("html")
}

/// A file of a build's output, and how to change it.
type Tamper<'a> = (&'a str, &'a dyn Fn(&Path));

#[test]
fn a_rebuild_keeps_the_last_builds_html_only_while_it_is_what_that_build_made() {
    let project = copy_example();
    let project = project.path();
    add_a_warning(project);
    build(project, &["--no-cache"]);
    let site = read_tree(&project.join("book"));
    assert!(site.keys().any(|path| path.starts_with("html/search/")));
    let first = build(project, &["-v"]);
    assert!(!kept_html(&first), "nothing stored to keep yet");
    let stored = project.join(".privdoc-cache/build-html");
    assert!(stored.is_file());
    let rebuilt = build(project, &["-v"]);
    assert_eq!(rebuilt.status.code(), Some(0), "{}", stderr(&rebuilt));
    assert!(kept_html(&rebuilt));
    assert_eq!(read_tree(&project.join("book")), site);

    // A page or an index file edited in the output, replaced by a link to the same
    // text, or gone, is not what the build made: the HTML is made again, and the output
    // is the build's own.
    let elsewhere = tempfile::tempdir().unwrap();
    let tampered: [Tamper<'_>; 4] = [
        ("html/index.html", &|file| {
            let mut text = fs::read(file).unwrap();
            text.extend_from_slice(b"<!-- edited -->");
            fs::write(file, text).unwrap();
        }),
        ("html/search/a.js", &|file| {
            let mut text = fs::read(file).unwrap();
            text[0] ^= 1;
            fs::write(file, text).unwrap();
        }),
        ("html/locations.html", &|file| {
            let copy = elsewhere.path().join("locations.html");
            fs::copy(file, &copy).unwrap();
            fs::remove_file(file).unwrap();
            std::os::unix::fs::symlink(&copy, file).unwrap();
        }),
        ("html/retention.html", &|file| {
            fs::remove_file(file).unwrap();
        }),
    ];
    for (path, tamper) in tampered {
        let file = project.join("book").join(path);
        assert!(site.contains_key(path), "{path}");
        tamper(&file);
        let output = build(project, &["-v"]);
        assert!(!kept_html(&output), "{path}");
        assert_eq!(read_tree(&project.join("book")), site, "{path}");
        assert!(fs::symlink_metadata(&file).unwrap().is_file(), "{path}");
        assert!(kept_html(&build(project, &["-v"])), "{path} stored again");
    }

    // A damaged record of what was made is not trusted, and is stored again whole.
    let good = fs::read(&stored).unwrap();
    for bad in [
        Vec::new(),
        good[..good.len() - 1].to_vec(),
        good.iter().map(|b| b ^ 0x20).collect(),
    ] {
        fs::write(&stored, &bad).unwrap();
        let output = build(project, &["-v"]);
        assert!(!kept_html(&output));
        assert_eq!(read_tree(&project.join("book")), site);
        assert_eq!(fs::read(&stored).unwrap(), good);
    }

    // An edit is another input: its page is rendered, and the output holds it.
    fs::write(
        project.join("content/faq.md"),
        "# FAQ\n\nSee [the missing page](nowhere.md), again.\n",
    )
    .unwrap();
    let edited = build(project, &["-v"]);
    assert!(!kept_html(&edited));
    let faq = fs::read_to_string(project.join("book/html/faq.html")).unwrap();
    assert!(faq.contains("again."), "{faq}");
}

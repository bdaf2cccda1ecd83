//! `privdoc build` and `privdoc check` end to end: the example's facts and the absence of
//! the model page's defects, a second project, determinism, atomic writes and the
//! build-directory guard.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::support::{
    add_a_warning, check, copy_example, copy_project, fixture, json, privdoc, read_tree,
};

fn build(project: &Path, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    privdoc()
        .arg("build")
        .arg(project)
        .args(extra)
        .assert()
        .success();
    read_tree(&project.join("book"))
}

fn page(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(tree[path].clone()).unwrap()
}

fn example_page() -> String {
    let project = copy_example();
    page(
        &build(project.path(), &[]),
        "markdown/services/managed-desktop.md",
    )
}

#[test]
fn example_page_states_every_fact() {
    let page = example_page();
    let facts = [
        "- [Microsoft Windows 10 Enterprise](../sources/windows-enterprise.md) – for management of device setup experience",
        "- [Windows Update for Business](../sources/windows-update-for-business.md) – uses Windows 10 Enterprise diagnostic data",
        "- [Microsoft Endpoint Manager](../sources/endpoint-manager.md) – for device management",
        "  - [Microsoft Azure Active Directory](../sources/azure-ad.md) – for authentication and identification",
        "  - [Microsoft Intune](../sources/intune.md) – for distributing device configurations",
        "  - [Endpoint Analytics](../sources/endpoint-analytics.md) – for analytical insights",
        "  - [Windows Autopilot](../sources/windows-autopilot.md) – for device provisioning",
        "  - [Microsoft Defender for Endpoint](../sources/defender-endpoint.md) – provides security services",
        "- [Microsoft Managed Desktop](../sources/managed-desktop.md) – data provided by the customer",
        "- [Microsoft 365 Apps for enterprise](../sources/microsoft-365-apps.md) – for management of Microsoft 365 Apps.",
        "Microsoft Managed Desktop stores its data in Azure data centers in the United States.",
        "- After a device is removed from Microsoft Managed Desktop, we keep personal data for a maximum of 30 days.\n- As an exception,",
        "As an exception, we keep alert data collected by [Microsoft Defender for Endpoint](/microsoft-365/security/defender-endpoint/) for a maximum of 180 days for security purposes.",
        "Microsoft Managed Desktop staff work in the United States and India (Engineering Operations and Security Operations).",
        "through the Microsoft 365 Message Center and the Microsoft Managed Desktop Admin portal.",
        "we provide a minimum of 30 days of advance notice",
        "## Compliance {#compliance}",
        "## Data subject rights {#rights}",
        "- Erasure: have it deleted (GDPR Art. 17)",
        "## Legal {#legal}",
        "### Microsoft Windows 10 Enterprise {#windows-enterprise}",
        "### Windows Update for Business {#windows-update-for-business}",
        "### Microsoft Azure Active Directory {#azure-ad}",
        "### Microsoft Intune {#intune}",
        "### Microsoft Defender for Endpoint {#defender-endpoint}",
    ];
    for fact in facts {
        assert!(page.contains(fact), "missing: {fact}");
    }
    // Sections in the model page's order.
    let order = [
        "# Overview",
        "data sources and purpose",
        "data process and storage",
        "data storage and staff location",
        "### Microsoft Intune",
        "## Major data change notification",
        "## Compliance",
        "## Data subject rights",
        "## Legal",
    ];
    let positions: Vec<_> = order
        .iter()
        .map(|heading| page.find(heading).unwrap())
        .collect();
    assert!(
        positions.is_sorted(),
        "sections out of order: {positions:?}"
    );
}

#[test]
fn example_page_has_none_of_the_model_pages_defects() {
    let page = example_page();
    // The Microsoft 365 Apps subsection links to a Microsoft 365 Apps page, not Defender's.
    let apps = &page[page.find("### Microsoft 365 Apps for enterprise").unwrap()..];
    let apps = &apps[..apps.find("\n## ").unwrap()];
    assert!(
        apps.contains("](/deployoffice/privacy/overview-privacy-controls)"),
        "{apps}"
    );
    assert!(!apps.contains("defender"), "{apps}");
    // No sentence twice (the processor-duties sentence appears once, from its snippet).
    let body = &page[page.find("# Overview").unwrap()..];
    let mut seen = BTreeMap::new();
    for sentence in body
        .split(['.', '\n'])
        .map(str::trim)
        .filter(|s| s.len() > 40)
    {
        *seen.entry(sentence).or_insert(0) += 1;
    }
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "repeated sentences: {repeated:?}");
    assert_eq!(page.matches("When we process data").count(), 1);
    // No keyword twice, and the front matter reads back as declared.
    let (yaml, _) = crate::support::front_matter(&page);
    let front: crate::support::Ordered<serde_yaml_value::Value> =
        serde_saphyr::from_str(yaml).unwrap();
    let keys: Vec<_> = front.0.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys[..4], ["title", "description", "keywords", "author"]);
    assert_eq!(
        keys[4..],
        [
            "ms.service",
            "ms.sitesec",
            "manager",
            "f1.keywords",
            "ms.author",
            "ms.topic",
            "audience",
            "ms.localizationpriority"
        ]
    );
    let keywords = &front.0[2].1;
    assert_eq!(
        keywords,
        &serde_yaml_value::Value::List(
            [
                "GDPR",
                "retention",
                "deletion",
                "storage",
                "processing",
                "security",
                "auditing"
            ]
            .map(String::from)
            .to_vec()
        )
    );
}

/// A front-matter value read strictly: strings stay strings.
mod serde_yaml_value {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(untagged)]
    pub(super) enum Value {
        Text(String),
        List(Vec<String>),
    }
}

#[test]
fn second_project_builds_from_the_same_schema() {
    let project = copy_project(&fixture("second-project"));
    let output = privdoc()
        .args(["build", "--format", "short"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    // The checks ran, and the snippet both services include is not a duplicate.
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("9 pages, 39 links"),
        "the checks must run"
    );
    assert!(stdout.contains("templates/footer.html:1:1: warning[template]: template `footer.html` overrides no built-in template"), "{stdout}");
    let tree = read_tree(&project.path().join("book"));
    let payroll = page(&tree, "markdown/services/payroll.md");
    for fact in [
        "Contoso Payroll pays employees on time using records from [Workday HCM](../sources/workday.md).",
        "- [Workday HCM](../sources/workday.md) – for employee and salary records. Data: employee records, salary data.\n  - [Bank transfer API](../sources/bank-api.md) – for salary transfers. Data: bank account numbers.",
        "Contoso processes personal data only as the [Data Processing Addendum](https://contoso.example/dpa) allows. Payroll runs are audited monthly.",
        "stores its data in Contoso data centers based on your data residency, in the European Union or the United States.",
        "Contoso Payroll staff work in Ireland (Payroll Operations).",
        "Contoso Payroll staff work in the United States, India, and Romania (Support and Security).",
        "After an employee leaves, we keep payslips for at least 3 months and a maximum of 6 months.",
        "for a maximum of 2 years if the customer is subject to German tax law.",
        "For more information, see [Workday privacy statement](https://workday.example/privacy).",
        "Changes to where data is stored or how long data is kept are material changes: we provide a minimum of 60 days",
    ] {
        assert!(payroll.contains(fact), "missing: {fact}\n{payroll}");
    }
    let order = [
        "# Overview",
        "## Cookies",
        "## Tax authorities",
        "## Contoso Payroll data sources",
        "## Major data change",
        "## Contact",
    ];
    let positions: Vec<_> = order
        .iter()
        .map(|heading| payroll.find(heading).unwrap())
        .collect();
    assert!(
        positions.is_sorted(),
        "free sections misplaced: {positions:?}"
    );
    let faq = page(&tree, "html/guide/faq.html");
    assert!(
        faq.contains("<title>Frequently asked questions | Contoso</title>"),
        "the layout override applies: {faq}"
    );
    assert!(
        faq.contains("<a href=\"../services/payroll.html#retention\">Contoso Payroll</a>"),
        "{faq}"
    );
    assert!(
        page(&tree, "markdown/guide/faq.md")
            .contains("[Contoso Payroll](../services/payroll.md#retention)")
    );
    let helpdesk = page(&tree, "html/services/helpdesk.html");
    assert!(
        helpdesk.contains("<a href=\"payroll.html#retention\">payroll retention rules</a>"),
        "{helpdesk}"
    );
}

#[test]
fn output_is_identical_across_runs_threads_and_directories() {
    let first = copy_example();
    let second = copy_example();
    let one_thread = build(first.path(), &["-j", "1"]);
    let two_threads = build(second.path(), &["-j", "2"]);
    assert!(one_thread.len() > 10);
    assert_eq!(one_thread, two_threads);
    assert_eq!(
        build(first.path(), &["-j", "2"]),
        one_thread,
        "a rebuild changed the output"
    );
    let absolute = first.path().to_string_lossy().into_owned();
    assert!(
        one_thread
            .values()
            .all(|bytes| !String::from_utf8_lossy(bytes).contains(&absolute)),
        "output holds an absolute path"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let project = copy_example();
    let before = build(project.path(), &[]);
    let service = project.path().join("content/services/managed-desktop.toml");
    let text = fs::read_to_string(&service).unwrap();
    fs::write(
        &service,
        text.replace("source = \"intune\"", "source = \"intnue\""),
    )
    .unwrap();
    privdoc().arg("build").arg(project.path()).assert().code(1);
    assert_eq!(read_tree(&project.path().join("book")), before);
    assert_left_nothing(project.path());
}

/// Asserts that a failed build left no staging directory (or cache) in `project`.
fn assert_left_nothing(project: &Path) {
    let entries: Vec<_> = fs::read_dir(project)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        entries.iter().all(|name| !name.starts_with(".privdoc")),
        "temporary directory left behind: {entries:?}"
    );
}

#[test]
fn a_build_that_fails_after_its_html_was_staged_publishes_none_of_it() {
    let project = copy_example();
    let before = build(project.path(), &[]);
    // A warning, and --deny-warnings: the build fails after rendering every page's HTML
    // into its staging directory.
    add_a_warning(project.path());
    let output = privdoc()
        .args(["build", "-v", "--deny-warnings"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("broken-link"), "{said}");
    assert!(
        said.lines()
            .any(|line| line.trim_start().starts_with("html ")),
        "{said}"
    );
    assert!(said.contains("nothing was written"), "{said}");
    assert_eq!(read_tree(&project.path().join("book")), before);
    assert_left_nothing(project.path());
}

#[test]
fn check_writes_nothing() {
    let project = copy_example();
    let output = privdoc().arg("check").arg(project.path()).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!project.path().join("book").exists());
}

#[test]
fn refuses_build_dirs_that_would_destroy_input() {
    let project = copy_example();
    let book_toml = project.path().join("book.toml");
    let settings = fs::read_to_string(&book_toml).unwrap();
    for bad in ["\"content\"", "\".\"", "\"../elsewhere\""] {
        fs::write(
            &book_toml,
            settings.replace("build-dir = \"book\"", &format!("build-dir = {bad}")),
        )
        .unwrap();
        let output = privdoc()
            .args(["build", "--format", "short"])
            .arg(project.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "build-dir = {bad}");
        assert!(
            String::from_utf8_lossy(&output.stdout)
                .contains("book.toml:8:13: error[config]: build-dir"),
            "{bad}"
        );
    }
    assert!(
        project
            .path()
            .join("content/services/managed-desktop.toml")
            .exists()
    );
    assert!(!project.path().parent().unwrap().join("elsewhere").exists());
    fs::write(&book_toml, settings).unwrap();
    privdoc()
        .args(["build", "--dest-dir", "../elsewhere"])
        .arg(project.path())
        .assert()
        .code(2);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    /// No input may panic: the example's service file with a slice cut out and arbitrary
    /// text put in its place must give diagnostics (or a build), never a crash.
    #[test]
    fn mangled_declarations_never_panic(cut in 0usize..10_000, len in 0usize..40, insert in "(?s).{0,12}") {
        let project = copy_example();
        let service = project.path().join("content/services/managed-desktop.toml");
        let text = fs::read_to_string(&service).unwrap();
        let mut start = text.len() * cut / 10_000;
        while !text.is_char_boundary(start) { start -= 1; }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) { end += 1; }
        fs::write(&service, format!("{}{insert}{}", &text[..start], &text[end..])).unwrap();
        let output = privdoc().args(["check", "--format", "short"]).arg(project.path()).output().unwrap();
        let code = output.status.code();
        proptest::prop_assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {}", String::from_utf8_lossy(&output.stderr));
        if code == Some(1) {
            let stdout = String::from_utf8_lossy(&output.stdout);
            proptest::prop_assert!(stdout.lines().any(|l| l.starts_with("content/services/managed-desktop.toml:")), "{stdout}");
        }
    }
}

/// Templates add no words to the writer's strings (no "the the", no "Team team"), several
/// retention rules are a list, and a section after `storage` follows the storage section's
/// source subsections.
#[test]
fn generated_sentences_never_add_words_to_the_writers_strings() {
    let project = copy_project(&fixture("words"));
    let tree = build(project.path(), &[]);
    let fleet = page(&tree, "markdown/services/fleet.md");
    for expected in [
        "Fleet staff work in Germany (Service Engineering Team).",
        "through the fleet portal and email to each account owner.",
        "Fleet stores its data in the fleet cloud based on your data residency, in Western Europe.",
        "\n- We keep positions for a maximum of 90 days.\n- As an exception, we keep footage collected by",
        "### Dashcam {#dashcam}\n\nDashcam uploads a clip when the van brakes hard.\n\nFor more information, see [Dashcam](https://dashcam.example/privacy).\n\n## Insurers {#insurers}",
    ] {
        assert!(fleet.contains(expected), "missing: {expected}\n{fleet}");
    }
    for wrong in ["the the", "Team team", "teams of"] {
        assert!(!fleet.contains(wrong), "{wrong:?} in\n{fleet}");
    }
    let locations = page(&tree, "markdown/locations.md");
    assert!(
        locations.contains(
            "- Data storage: based on your data residency, in Western Europe (the fleet cloud)."
        ),
        "{locations}"
    );
}

#[test]
fn residency_without_listed_locations_still_says_where_data_is_stored() {
    let project = copy_project(&fixture("words"));
    let service = project.path().join("content/services/fleet.toml");
    let text = fs::read_to_string(&service).unwrap();
    fs::write(&service, text.replace("locations = [\"eu-west\"]\n", "")).unwrap();
    let tree = build(project.path(), &[]);
    assert!(
        page(&tree, "markdown/services/fleet.md")
            .contains("Fleet stores its data in the fleet cloud based on your data residency.")
    );
    assert!(
        page(&tree, "markdown/locations.md")
            .contains("- Data storage: based on your data residency (the fleet cloud).")
    );
}

#[test]
fn a_location_typo_suggests_the_code_that_was_meant() {
    let project = copy_project(&fixture("words"));
    let service = project.path().join("content/services/fleet.toml");
    let text = fs::read_to_string(&service).unwrap();
    fs::write(
        &service,
        text.replace("locations = [\"DE\"]", "locations = [\"UK\", \"de\"]"),
    )
    .unwrap();
    let report = json(&check(project.path(), &["--format", "json"]));
    let hints: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["hint"].as_str().unwrap())
        .collect();
    assert_eq!(hints, ["did you mean `GB`?", "did you mean `DE`?"]);
}

/// `check` renders no HTML it will not write — but a project's own layout is still tried
/// on every page, so an error in it is reported by `check` as by `build`.
#[test]
fn check_reports_an_error_in_a_projects_own_layout() {
    let project = copy_example();
    let templates = project.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    // Fails only where a page has a table of contents entry of level 3.
    fs::write(
        templates.join("layout.html"),
        "<html><body>{% for entry in toc %}{% if entry.level == 3 %}{{ missing.field }}{% endif %}{% endfor %}{{ content | safe }}</body></html>\n",
    )
    .unwrap();
    for command in ["check", "build"] {
        let output = privdoc()
            .args([command, "--format", "short"])
            .arg(project.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("templates/layout.html") && stdout.contains("error[template]"),
            "{command}: {stdout}"
        );
        assert_eq!(output.status.code(), Some(1), "{command}");
    }
}

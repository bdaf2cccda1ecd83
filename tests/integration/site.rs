//! The cross-linked site: source pages, overviews, index and navigation exist in both
//! outputs and link both ways; the HTML has its head, landmarks and no external resources.

use std::collections::BTreeMap;

use crate::support::{copy_dir, copy_example, copy_project, fixture, privdoc, read_tree, repo};

fn build(project: &std::path::Path) -> BTreeMap<String, String> {
    privdoc().arg("build").arg(project).assert().success();
    read_tree(&project.join("book"))
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

const EXAMPLE_SOURCES: [&str; 10] = [
    "azure-ad",
    "defender-endpoint",
    "endpoint-analytics",
    "endpoint-manager",
    "intune",
    "managed-desktop",
    "microsoft-365-apps",
    "windows-autopilot",
    "windows-enterprise",
    "windows-update-for-business",
];

#[test]
fn every_page_exists_in_both_outputs_and_links_both_ways() {
    let project = copy_example();
    let site = build(project.path());
    let mut pages = vec![
        "index".to_owned(),
        "retention".to_owned(),
        "locations".to_owned(),
        "services/managed-desktop".to_owned(),
    ];
    pages.extend(EXAMPLE_SOURCES.iter().map(|id| format!("sources/{id}")));
    for page in &pages {
        assert!(
            site.contains_key(&format!("markdown/{page}.md")),
            "missing markdown/{page}.md"
        );
        assert!(
            site.contains_key(&format!("html/{page}.html")),
            "missing html/{page}.html"
        );
    }
    let service = &site["markdown/services/managed-desktop.md"];
    for id in EXAMPLE_SOURCES {
        // One link per source: its name, to its page (where the product URL is).
        let links = service.matches(&format!("](../sources/{id}.md)")).count();
        assert!(links >= 1, "service page does not link {id}");
        assert!(!service.contains("about this source"));
        let source = &site[&format!("markdown/sources/{id}.md")];
        assert!(
            source.contains("](../services/managed-desktop.md#"),
            "{id} does not link back to the service"
        );
    }
    // A source with a subsection links to that subsection; one without, to the list.
    assert!(
        site["markdown/sources/intune.md"]
            .contains("[Microsoft Managed Desktop](../services/managed-desktop.md#intune)")
    );
    assert!(
        site["markdown/sources/windows-autopilot.md"]
            .contains("[Microsoft Managed Desktop](../services/managed-desktop.md#sources)")
    );
    assert!(
        site["markdown/sources/defender-endpoint.md"]
            .contains("keeps alert data for a maximum of 180 days for security purposes")
    );
    let index = &site["markdown/index.md"];
    for page in pages.iter().filter(|p| *p != "index") {
        assert!(
            index.contains(&format!("]({page}.md)")),
            "the index does not list {page}"
        );
    }
}

#[test]
fn overviews_show_the_examples_rules_and_countries() {
    let project = copy_example();
    let site = build(project.path());
    let retention = &site["markdown/retention.md"];
    assert!(retention.contains("| [Microsoft Managed Desktop](services/managed-desktop.md#retention) | personal data | 30 days | after a device is removed from Microsoft Managed Desktop |  |"), "{retention}");
    assert!(retention.contains("| [Microsoft Managed Desktop](services/managed-desktop.md#retention) | alert data from [Microsoft Defender for Endpoint](sources/defender-endpoint.md) | 180 days |  | for security purposes |"), "{retention}");
    let locations = &site["markdown/locations.md"];
    assert!(
        locations.contains("- Data storage: the United States (Azure data centers)."),
        "{locations}"
    );
    assert!(
        locations.contains(
            "- Engineering Operations and Security Operations: the United States and India."
        ),
        "{locations}"
    );
    assert!(
        locations.contains("| India | staff |")
            && locations.contains("| United States | data storage, staff |"),
        "{locations}"
    );
}

#[test]
fn summary_and_toc_list_every_page_in_reading_order() {
    let project = copy_example();
    let site = build(project.path());
    let summary = &site["markdown/SUMMARY.md"];
    let toc: Vec<serde_json::Value> = serde_saphyr::from_str(&site["markdown/toc.yml"]).unwrap();
    let mut hrefs = Vec::new();
    for entry in &toc {
        if let Some(href) = entry["href"].as_str() {
            hrefs.push(href.to_owned());
        }
        for item in entry["items"].as_array().into_iter().flatten() {
            hrefs.push(item["href"].as_str().unwrap().to_owned());
        }
    }
    let pages: Vec<&String> = site
        .keys()
        .filter(|k| k.starts_with("markdown/") && k.ends_with(".md") && !k.ends_with("SUMMARY.md"))
        .collect();
    assert_eq!(hrefs.len(), pages.len(), "{hrefs:?}");
    for href in &hrefs {
        assert!(
            site.contains_key(&format!("markdown/{href}")),
            "toc.yml links {href}, which was not built"
        );
        assert!(
            summary.contains(&format!("]({href})")),
            "SUMMARY.md does not list {href}"
        );
    }
    assert!(
        summary.starts_with("# Summary\n\n[Overview](index.md)\n\n# Services\n"),
        "{summary}"
    );
}

#[test]
fn html_has_head_landmarks_navigation_and_no_external_resources() {
    let project = copy_example();
    let site = build(project.path());
    let page = &site["html/services/managed-desktop.html"];
    for part in [
        "<title>Privacy and personal data – Microsoft Managed Desktop — privacy</title>",
        "<meta name=\"description\" content=\"Details the data collected, stored, and used by the service\">",
        "<meta name=\"keywords\" content=\"GDPR, retention, deletion, storage, processing, security, auditing\">",
        "<meta name=\"ms.service\" content=\"m365-md\">",
        "<link rel=\"canonical\" href=\"https://learn.microsoft.com/services/managed-desktop.html\">",
        "<a class=\"skip-link\" href=\"#content\">",
        "<header class=\"site-header\">",
        "<main id=\"content\"",
        "<nav class=\"site-nav\" id=\"site-nav\" aria-label=\"Site\">",
        "<nav class=\"page-toc\" aria-label=\"On this page\">",
        "<nav class=\"pager\" aria-label=\"Previous and next pages\">",
        "<a href=\"managed-desktop.html\" aria-current=\"page\">Microsoft Managed Desktop</a>",
        "<a rel=\"prev\" href=\"../index.html\">",
        "<a rel=\"next\" href=\"../sources/endpoint-analytics.html\">",
        "<footer class=\"site-footer\">",
    ] {
        assert!(page.contains(part), "missing {part}");
    }
    // Keyboard users reach the site navigation right after the skip link, before the page.
    assert!(page.find("<nav class=\"site-nav\"").unwrap() < page.find("<main").unwrap());
    for (path, html) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        // JavaScript may only enhance: no script is loaded, and the navigation is in the
        // page (a `<details>` drawer) whether or not a script opens it.
        assert!(!html.contains("<script src"), "{path} loads a script");
        assert!(html.contains("<details class=\"nav-drawer\""), "{path}");
        for attribute in ["src=\"http", "href=\"//"] {
            assert!(
                !html.contains(attribute),
                "{path} loads an external resource"
            );
        }
        let stylesheets: Vec<_> = html
            .match_indices("<link rel=\"stylesheet\" href=\"")
            .collect();
        assert_eq!(stylesheets.len(), 1, "{path}");
        assert!(
            !html[stylesheets[0].0..].starts_with("<link rel=\"stylesheet\" href=\"http"),
            "{path}"
        );
    }
    let sitemap = &site["html/sitemap.xml"];
    let pages = site
        .keys()
        .filter(|k| k.starts_with("html/") && k.ends_with(".html"))
        .count();
    assert_eq!(
        sitemap.matches("<loc>https://learn.microsoft.com/").count(),
        pages
    );
    let css = &site["html/style.css"];
    for rule in [
        "prefers-color-scheme: dark",
        "@media print",
        ":focus-visible",
        "@media (min-width: 60rem)",
    ] {
        assert!(css.contains(rule), "the stylesheet lacks {rule}");
    }
}

#[test]
fn a_second_project_gets_the_same_site() {
    let project = copy_project(&fixture("second-project"));
    let site = build(project.path());
    for page in [
        "index",
        "retention",
        "locations",
        "services/payroll",
        "services/helpdesk",
        "sources/workday",
        "sources/zendesk",
        "sources/bank-api",
        "guide/faq",
    ] {
        assert!(
            site.contains_key(&format!("markdown/{page}.md"))
                && site.contains_key(&format!("html/{page}.html")),
            "{page}"
        );
    }
    let retention = &site["markdown/retention.md"];
    assert!(
        retention.contains("| payslips | 3 months to 6 months | after an employee leaves |"),
        "{retention}"
    );
    let locations = &site["markdown/locations.md"];
    assert!(
        locations.contains("| European Union | – | data storage |"),
        "{locations}"
    );
    assert!(
        site["markdown/SUMMARY.md"]
            .contains("# Pages\n\n- [Frequently asked questions](guide/faq.md)")
    );
    let front: crate::support::Ordered<String> =
        serde_saphyr::from_str(crate::support::front_matter(&site["markdown/retention.md"]).0)
            .unwrap();
    assert_eq!(
        front.0[0],
        ("title".to_owned(), "Data retention".to_owned())
    );
}

/// The theme's colours, light and dark, from `style.css`: `--name: #rrggbb` pairs of the
/// first `:root` block and of the one inside `prefers-color-scheme: dark`.
fn theme_colours() -> [std::collections::HashMap<String, [f64; 3]>; 2] {
    let css = std::fs::read_to_string(repo().join("templates/style.css")).unwrap();
    let dark_at = css.find("prefers-color-scheme: dark").unwrap();
    let block = |from: usize| {
        let start = from + css[from..].find(":root {").unwrap() + ":root {".len();
        let end = start + css[start..].find('}').unwrap();
        css[start..end]
            .split(';')
            .filter_map(|pair| {
                let (name, value) = pair.split_once(':')?;
                let hex = value.trim().strip_prefix('#')?;
                let channel =
                    |at: usize| f64::from(u8::from_str_radix(&hex[at..at + 2], 16).unwrap());
                Some((name.trim().to_owned(), [channel(0), channel(2), channel(4)]))
            })
            .collect()
    };
    [block(0), block(dark_at)]
}

/// WCAG 2 contrast ratio.
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |rgb: [f64; 3]| {
        let linear = |c: f64| {
            let c = c / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
    };
    let (x, y) = (luminance(a) + 0.05, luminance(b) + 0.05);
    x.max(y) / x.min(y)
}

#[test]
fn text_and_rules_meet_wcag_contrast_in_both_schemes() {
    for (scheme, colours) in ["light", "dark"].iter().zip(theme_colours()) {
        let pairs = [
            ("--fg", "--bg", 4.5),
            ("--muted", "--bg", 4.5),
            ("--link", "--bg", 4.5),
            ("--visited", "--bg", 4.5),
            ("--fg", "--panel", 4.5),
            ("--muted", "--panel", 4.5),
            // Lines and borders (WCAG 1.4.11): table rules, headings' rules, the picture's edges.
            ("--rule", "--bg", 3.0),
            ("--rule", "--panel", 3.0),
            ("--focus", "--bg", 3.0),
        ];
        for (fg, bg, least) in pairs {
            let colour = |name: &str| {
                *colours
                    .get(name)
                    .unwrap_or_else(|| panic!("{scheme}: no {name} in {colours:?}"))
            };
            let ratio = contrast(colour(fg), colour(bg));
            assert!(
                ratio >= least,
                "{scheme}: {fg} on {bg} is {ratio:.2}:1, under {least}:1"
            );
        }
    }
}

#[test]
fn the_data_flow_text_states_the_declarations() {
    let project = copy_project(&fixture("full-service"));
    privdoc()
        .arg("build")
        .arg(project.path())
        .assert()
        .success();
    let page =
        std::fs::read_to_string(project.path().join("book/html/services/workplace.html")).unwrap();
    let start = page
        .find("<ul class=\"flow-text\">")
        .expect("the text alternative");
    let text = &page[start..start + page[start..].find("</ul>").unwrap()];
    for line in [
        "<li>Sources: Contoso Device Agent, Contoso Directory, Contoso Helpdesk</li>",
        "<li>Stored in: the United States</li>",
        "<li>Scheduled moves: the European Union from 2026-03-01</li>",
        "<li>Staff in: the United States, Ireland</li>",
        "<li>Recipients: Fabrikam Support Ltd (the Philippines, Ireland); Northwind Cloud (the United States)</li>",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    // Each source box links to its page; the picture has an accessible name.
    for id in ["device-agent", "directory", "helpdesk"] {
        assert!(page.contains(&format!(
            "<a href=\"../sources/{id}.html\"><g class=\"flow-node flow-source\">"
        )));
    }
    assert!(page.contains("role=\"img\" aria-labelledby=\"flow-title\""));
}

/// A Markdown tree whose one section is too long for the sidebar, whose titles need
/// escaping, with a site URL and edit links.
fn long_section_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "book.toml",
        "[book]\ntitle = \"Contoso's \\\"Q&A\\\" <pages>\"\nsrc = \"src\"\n\n\
         [preprocessor.privdoc]\noutputs = [\"markdown\", \"html\"]\n\
         site-url = \"https://docs.example.test/privacy/\"\n\
         edit-url-template = \"https://example.test/edit/{path}?a=1&b=2\"\n",
    );
    let guides = (1..=30)
        .map(|n| format!("- [Guide {n}](guides/guide-{n}.md)\n"))
        .collect::<Vec<_>>()
        .concat();
    write(
        "src/SUMMARY.md",
        &format!("# Summary\n\n[Overview](index.md)\n\n# Guides & notes\n\n{guides}"),
    );
    for n in 1..=30 {
        write(
            &format!("src/guides/guide-{n}.md"),
            &format!(
                "---\ntitle: \"Guide {n}: <keys> & 'locks'\"\ndescription: Guide number {n}.\n---\n\
                 # Guide {n}\n\nGuide {n} says one thing of its own, number {n}.\n\n\
                 ## Storage {n}\n\nWhere guide {n} keeps its {n} records.\n\n\
                 ### Regions {n}\n\nThe {n} regions guide {n} names.\n"
            ),
        );
    }
    write("src/index.md", "# Overview\n\nThe guides, one per topic.\n");
    dir
}

/// The HTML `project` builds to, which must be what its layout makes through tera: the
/// same layout given as the project's own (a comment added, so that it is not privdoc's)
/// goes through tera, and every file must be byte for byte the same.
pub(crate) fn html_as_through_tera(project: &std::path::Path) -> String {
    const LAYOUT: &str = include_str!("../../templates/layout.html");
    let own = tempfile::tempdir().unwrap();
    copy_dir(project, own.path(), &["book"]);
    let templates = own.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("layout.html"),
        format!("{LAYOUT}{{! the project's own copy !}}"),
    )
    .unwrap();
    let (built_in, through_tera) = (build(project), build(own.path()));
    assert_eq!(
        built_in.keys().collect::<Vec<_>>(),
        through_tera.keys().collect::<Vec<_>>()
    );
    let mut html = String::new();
    for (path, text) in &built_in {
        assert!(
            *text == through_tera[path],
            "{path} differs from tera's:\n{}",
            crate::support::text_diff(&through_tera[path], text)
        );
        if path.ends_with(".html") {
            html.push_str(text);
        }
    }
    html
}

/// privdoc writes its own layout itself, without tera, and makes what the template makes
/// through tera. Between them the projects take every branch of the template but a long
/// section's link to the rest (the generated site's, `bench::`): breadcrumbs, on-page
/// contents, a review date and an edit link, the change feed, the data-flow figure, and
/// text that needs escaping.
#[test]
fn the_built_in_layout_writes_what_its_template_makes() {
    let (example, tree, history) = (copy_example(), long_section_tree(), crate::feed::history());
    let html: String = [example.path(), tree.path(), history.path()]
        .into_iter()
        .map(html_as_through_tera)
        .collect();
    for branch in [
        "aria-current=\"page\"",
        "class=\"breadcrumbs\"",
        "class=\"page-toc\"",
        "class=\"toc-level-3\"",
        "Last reviewed <time",
        "Edit this page",
        " · <a class=\"edit-link\"",
        "rel=\"canonical\"",
        "changes.xml",
        "class=\"flow-figure\"",
        "rel=\"prev\"",
        "rel=\"next\"",
        "&#39;",
        "&lt;keys&gt; &amp;",
        "?a=1&amp;b=2",
        "<meta name=\"description\"",
    ] {
        assert!(html.contains(branch), "no page shows `{branch}`");
    }
}

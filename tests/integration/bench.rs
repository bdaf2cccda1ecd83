//! The benchmark harness (`bench/`) at a small N, so that it keeps working: the generator
//! plants what it says, privdoc finds exactly that on the declarations and on the
//! hand-written tree, and the same seed writes the same project.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::privdoc;

// The harness's own modules, compiled into this test as they are into `privdoc-bench`.
#[allow(dead_code, unreachable_pub)]
#[path = "../../bench/tool/generate.rs"]
mod generate;
#[allow(dead_code, unreachable_pub)]
#[path = "../../bench/tool/peers.rs"]
mod peers;
#[allow(dead_code, unreachable_pub)]
#[path = "../../bench/tool/score.rs"]
mod score;
#[allow(dead_code, unreachable_pub)]
#[path = "../../bench/tool/words.rs"]
mod words;

use generate::Planted;
use score::{On, Score};

const SERVICES: usize = 60;

fn check_json(dir: &Path) -> Value {
    let output = privdoc()
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .expect("privdoc runs");
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

#[test]
fn the_generated_project_plants_what_privdoc_then_finds() {
    let out = tempfile::tempdir().expect("temporary directory");
    let planted = generate::generate(out.path(), SERVICES, 7).expect("generated");
    let bin = Path::new(env!("CARGO_BIN_EXE_privdoc"));
    let pages = peers::hand_written(out.path(), bin).expect("hand-written tree");
    // N services, the shared pool of sources (20 at this size), index and two overviews.
    assert_eq!(pages, SERVICES + 20 + 3);
    let kinds = |kind: &str| planted.iter().filter(|p| p.kind == kind).count();
    assert!(kinds("broken-link") > 0 && kinds("broken-anchor") > 0);
    assert!(kinds("duplicate-sentence") > 0);
    assert_eq!(
        Planted::from_tsv(&fs::read_to_string(out.path().join("planted.tsv")).unwrap()),
        planted
    );

    // About 30 links on a service page, about 2% of them planted broken (the overview
    // pages are lists of links, so the share over all links is lower).
    let service_pages: Vec<String> = fs::read_dir(out.path().join("tree/src/services"))
        .unwrap()
        .map(|entry| fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    let links: usize = service_pages
        .iter()
        .map(|page| page.matches("](").count())
        .sum();
    let per_page = links / service_pages.len();
    let broken = kinds("broken-link") + kinds("broken-anchor");
    assert!(
        (25..=40).contains(&per_page),
        "{per_page} links per service page"
    );
    assert!(
        (links..=3 * links).contains(&(100 * broken)),
        "{broken} of {links} links broken, not about 2%"
    );
    let declarations = check_json(&out.path().join("project"));
    let everything = Score {
        found: planted.len(),
        planted: planted.len(),
        false_alarms: 0,
        repeats: 0,
    };
    assert_eq!(
        score::privdoc(On::Declarations, &planted, &declarations),
        everything
    );

    // On the tree every planted defect is found again, at the page, and nothing else is
    // reported but the template sentences the copied-out pages really repeat.
    let tree = score::privdoc(On::Tree, &planted, &check_json(&out.path().join("tree")));
    assert_eq!((tree.found, tree.false_alarms), (planted.len(), 0));
    for site in [
        "hugo/config.toml",
        "mdbook/book.toml",
        "zola/config.toml",
        "tree/src/SUMMARY.md",
    ] {
        assert!(out.path().join(site).is_file(), "{site}");
    }
}

#[test]
fn the_same_seed_writes_the_same_project() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = generate::generate(a.path(), 30, 11).unwrap();
    let second = generate::generate(b.path(), 30, 11).unwrap();
    assert_eq!(first, second);
    let files = |root: &Path| -> Vec<(String, String)> {
        walkdir::WalkDir::new(root.join("project"))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let path = e.path().strip_prefix(root).unwrap().display().to_string();
                (path, fs::read_to_string(e.path()).unwrap())
            })
            .collect()
    };
    assert_eq!(files(a.path()), files(b.path()));
    let other = generate::generate(b.path(), 30, 12).unwrap();
    assert_ne!(first, other, "another seed plants elsewhere");
}

/// The generated site's services are too many for the sidebar, which links to the rest:
/// privdoc's own layout writes that as its template does through tera (the other branches
/// are `site::the_built_in_layout_writes_what_its_template_makes`).
#[test]
fn a_long_sections_link_to_the_rest_is_what_the_template_makes() {
    let out = tempfile::tempdir().expect("temporary directory");
    generate::generate(out.path(), 30, 7).expect("generated");
    let html = crate::site::html_as_through_tera(&out.path().join("project"));
    assert!(
        html.contains("<li class=\"nav-more\"><a href=\""),
        "no link to the rest"
    );
}

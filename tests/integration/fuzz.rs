//! The fuzz targets' entry points (`privdoc::fuzzing`, driven by `fuzz/`) on what they were
//! seeded with and on every input the fuzzer found a bug with, so the targets keep
//! building and each crash stays fixed.

use std::path::Path;

use privdoc::fuzzing::{self, DECLARATIONS, PAGE, Project, SNIPPET};

/// Runs `target` on every file of `fuzz/regressions/<dir>`, naming the one that fails.
fn regressions(dir: &str, target: impl Fn(&[u8])) -> usize {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default();
    paths.sort();
    for path in &paths {
        eprintln!("{}", path.display());
        target(&std::fs::read(path).unwrap());
    }
    paths.len()
}

#[test]
fn every_input_the_fuzzer_failed_on_now_runs_clean() {
    let project = Project::copy_of(&fuzzing::base());
    let found = regressions("declaration", |data| {
        let (&pick, bytes) = data.split_first().unwrap();
        project.run(&[(DECLARATIONS[usize::from(pick) % DECLARATIONS.len()], bytes)]);
    }) + regressions("page", |data| project.run(&[(PAGE, data)]))
        + regressions("resolver", |data| {
            let (page, snippet) = fuzzing::split_at_nul(data);
            project.run(&[(PAGE, page), (SNIPPET, snippet)]);
        })
        + regressions("front_matter", fuzzing::front_matter)
        + regressions("period_location", fuzzing::period_and_location);
    assert!(found >= 2, "the regression inputs are missing: {found}");
}

#[test]
fn the_example_and_the_fixtures_run_clean_through_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::copy_of(&fuzzing::base());
    // Every declaration of the base and of the example, whole and with its second half
    // cut off.
    let [service, source, locations, book] = DECLARATIONS;
    let example = [
        (service, "content/services/managed-desktop.toml"),
        (source, "content/sources/intune.toml"),
        (
            locations,
            "tests/fixtures/second-project/content/locations.toml",
        ),
        (book, "book.toml"),
    ];
    let declarations = DECLARATIONS
        .iter()
        .map(|&path| (path, fuzzing::base().join(path)))
        .chain(example.map(|(path, file)| (path, root.join(file))));
    for (path, file) in declarations {
        let bytes = std::fs::read(file).unwrap();
        project.run(&[(path, &bytes)]);
        project.run(&[(path, &bytes[..bytes.len() / 2])]);
    }
    // Every Markdown page of the fixtures as a page, as front matter and as a snippet.
    let pages: Vec<_> = walk(&root.join("tests/fixtures"))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    assert!(pages.len() > 40, "{}", pages.len());
    for path in pages.iter().step_by(3) {
        let bytes = std::fs::read(path).unwrap();
        fuzzing::front_matter(&bytes);
        project.run(&[(PAGE, &bytes)]);
        project.run(&[
            (PAGE, b"{{#include snippets/fuzz.md}}\n"),
            (SNIPPET, &bytes),
        ]);
    }
    for text in [
        "30 days",
        "P1Y6M",
        "1 year and 6 months",
        "EU",
        "us",
        "",
        "P0D",
    ] {
        fuzzing::period_and_location(text.as_bytes());
    }
    // The copy is back as it was.
    let written = project_files(&project);
    assert!(
        !written.iter().any(|path| path.ends_with("fuzz.md")),
        "{written:?}"
    );
}

fn walk(dir: &Path) -> impl Iterator<Item = std::path::PathBuf> {
    let mut paths: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    paths.into_iter()
}

fn project_files(project: &Project) -> Vec<String> {
    walk(project.path())
        .map(|path| path.display().to_string())
        .collect()
}

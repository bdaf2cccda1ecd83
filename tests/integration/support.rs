//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The `privdoc` binary built for this test run, with colours off.
pub(crate) fn privdoc() -> assert_cmd::Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("privdoc");
    // Colours off, "today" fixed (2026-06-30) so that review dates age the same way on
    // every day the tests run, and no check cache written into the fixtures (the tests
    // in `cache.rs` turn it on).
    command
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1782777600")
        .env("PRIVDOC_NO_CACHE", "1");
    command
}

/// `privdoc check PROJECT ARGS…`, run to completion.
pub(crate) fn check(project: &Path, args: &[&str]) -> std::process::Output {
    privdoc()
        .arg("check")
        .arg(project)
        .args(args)
        .output()
        .unwrap()
}

/// The one JSON document a run printed on stdout.
pub(crate) fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("exactly one JSON document on stdout")
}

/// What a run printed on stderr.
pub(crate) fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The repository root: the bundled example project.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory under `tests/fixtures`.
pub(crate) fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Replaces the first `from` in `dir/file` with `to`, failing when the file has no `from`.
pub(crate) fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The bundled example (`book.toml`, `content/`, `templates/`) copied into `dir`: not
/// the repository's code, tests, fuzz corpora or build output.
pub(crate) fn copy_example_into(dir: &Path) {
    for entry in ["book.toml", "content", "templates"] {
        let from = repo().join(entry);
        if from.is_dir() {
            copy_dir(&from, &dir.join(entry), &[]);
        } else {
            fs::create_dir_all(dir).expect("create directory");
            fs::copy(&from, dir.join(entry)).expect("copy file");
        }
    }
}

/// Gives the project in `dir` (the bundled example) a finding that does not stop a
/// build: a page linking to `nowhere.md`, with `broken-link` set to warn.
pub(crate) fn add_a_warning(dir: &Path) {
    edit(
        dir,
        "book.toml",
        "near-duplicate = \"warn\"",
        "near-duplicate = \"warn\"\nbroken-link = \"warn\"",
    );
    fs::write(
        dir.join("content/faq.md"),
        "# FAQ\n\nSee [the missing page](nowhere.md).\n",
    )
    .expect("write a page");
}

/// The bundled example in a new temporary directory.
pub(crate) fn copy_example() -> tempfile::TempDir {
    let to = tempfile::tempdir().expect("temporary directory");
    copy_example_into(to.path());
    to
}

/// Copies the project at `from` into a new temporary directory, leaving out build output.
pub(crate) fn copy_project(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().expect("temporary directory");
    copy_dir(
        from,
        to.path(),
        &["book", "target", ".git", ".privdoc-cache"],
    );
    to
}

/// Copies the project in `from` to `to`, skipping top-level entries named in `skip`.
pub(crate) fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("readable fixture");
        let relative = entry.path().strip_prefix(from).expect("inside the walk");
        let top = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if top.is_some_and(|top| skip.contains(&top.as_str())) {
            continue;
        }
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("create directory");
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `dir`: relative path → bytes.
pub(crate) fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.expect("readable output"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).expect("inside the walk");
            let key = relative.to_string_lossy().replace('\\', "/");
            (key, fs::read(entry.path()).expect("read output file"))
        })
        .collect()
}

/// Golden files and `expected.txt` files are rewritten instead of compared when
/// `PRIVDOC_BLESS=1` is set: `PRIVDOC_BLESS=1 cargo test --test integration`. Review the
/// diff before committing.
pub(crate) fn bless() -> bool {
    std::env::var_os("PRIVDOC_BLESS").is_some_and(|v| v == "1")
}

/// A unified diff of `expected` and `actual`, for an assertion message that shows what
/// changed rather than the whole file.
pub(crate) fn text_diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(2)
        .header("expected", "actual")
        .to_string()
}

/// Compares `actual` lines with the lines of the file `expected` (rewritten under
/// `PRIVDOC_BLESS=1`), failing with a diff.
pub(crate) fn assert_lines(expected: &Path, actual: &[String]) {
    let mut text = actual.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    if bless() {
        fs::write(expected, &text).expect("write the expected file");
    }
    let wanted = fs::read_to_string(expected).expect("read the expected file");
    assert!(
        wanted == text,
        "{} differs:\n{}",
        expected.display(),
        text_diff(&wanted, &text)
    );
}

/// One `#[test]` per fixture directory, so that every failing fixture is reported, and the
/// list of them (`$all`), so that a directory without a test is noticed.
macro_rules! fixture_tests {
    ($run:path, $all:ident; $($name:ident => $dir:literal,)*) => {
        const $all: &[&str] = &[$($dir),*];
        $(
            #[test]
            fn $name() {
                $run($dir);
            }
        )*
    };
}
pub(crate) use fixture_tests;

/// The names of the directories under `tests/fixtures/<family>`, sorted.
pub(crate) fn fixture_dirs(family: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixture(family))
        .expect("the fixture family exists")
        .map(|entry| {
            entry
                .expect("readable fixture")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The lines of a `--format short` run's output (stdout) that are findings.
pub(crate) fn findings(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|line| line.contains(": error[") || line.contains(": warning["))
        .map(str::to_owned)
        .collect()
}

/// The YAML front matter of a generated page (between the `---` lines) and where its body
/// starts: what a reader of the Markdown output sees.
pub(crate) fn front_matter(page: &str) -> (&str, &str) {
    let rest = page
        .strip_prefix("---\n")
        .expect("the page opens with front matter");
    let end = rest.find("\n---\n").expect("the front matter is closed");
    (&rest[..=end], &rest[end + 5..])
}

/// A YAML mapping read in file order (serde maps lose it).
#[derive(Debug)]
pub(crate) struct Ordered<V>(pub(crate) Vec<(String, V)>);

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Entries<V> {
            type Value = Ordered<V>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

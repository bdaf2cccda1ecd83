//! The hand-written tree and the peers' sites around it. The tree is the Markdown privdoc
//! generates from the project (front matter, `SUMMARY.md` and all), copied out as if
//! written by hand; each peer gets the smallest configuration that builds it:
//!
//! ```text
//! tree/book.toml   privdoc on the tree (the planted defects as warnings, as in the project)
//! tree/src/        the pages
//! hugo/            config.toml mounting ../tree/src as content, and three plain layouts
//! mdbook/          book.toml with src = ../tree/src
//! zola/            config.toml, templates, and content -> ../tree/src
//! ```

use std::fs;
use std::io;
use std::path::Path;
use std::process::Command;

/// Builds `out/project` with the `privdoc` binary and writes the tree and the peers' sites.
pub(crate) fn hand_written(out: &Path, privdoc: &Path) -> io::Result<usize> {
    let project = out.join("project");
    let build = Command::new(privdoc)
        .args(["build", "--quiet"])
        .arg(&project)
        .output()?;
    if !build.status.success() {
        let stderr = String::from_utf8_lossy(&build.stderr);
        return Err(io::Error::other(format!(
            "privdoc could not build the generated project:\n{stderr}"
        )));
    }
    let tree = out.join("tree");
    if tree.exists() {
        fs::remove_dir_all(&tree)?;
    }
    let pages = copy_tree(&project.join("book/markdown"), &tree.join("src"))?;
    fs::write(
        tree.join("book.toml"),
        fs::read_to_string(project.join("book.toml"))?
            .replace("src = \"content\"", "src = \"src\""),
    )?;

    write(out, "hugo/config.toml", HUGO_CONFIG)?;
    write(out, "hugo/layouts/_default/single.html", HUGO_SINGLE)?;
    write(out, "hugo/layouts/_default/list.html", HUGO_LIST)?;
    write(out, "hugo/layouts/index.html", HUGO_LIST)?;
    write(out, "mdbook/book.toml", MDBOOK_CONFIG)?;
    write(out, "zola/config.toml", ZOLA_CONFIG)?;
    write(out, "zola/templates/page.html", ZOLA_PAGE)?;
    write(out, "zola/templates/section.html", ZOLA_SECTION)?;
    write(out, "zola/templates/index.html", ZOLA_SECTION)?;
    let link = out.join("zola/content");
    if link.symlink_metadata().is_err() {
        std::os::unix::fs::symlink("../tree/src", link)?;
    }
    Ok(pages)
}

fn write(out: &Path, path: &str, text: &str) -> io::Result<()> {
    let path = out.join(path);
    fs::create_dir_all(path.parent().expect("a file in a directory"))?;
    fs::write(path, text)
}

/// Copies the files under `from` to `to`; returns how many Markdown pages there are.
fn copy_tree(from: &Path, to: &Path) -> io::Result<usize> {
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let target = to.join(entry.path().strip_prefix(from).expect("under the root"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else {
            fs::copy(entry.path(), &target)?;
            let name = entry.file_name().to_string_lossy();
            if name.ends_with(".md") && name != "SUMMARY.md" {
                pages += 1;
            }
        }
    }
    Ok(pages)
}

// Hugo: `index.md` at the root would make the whole tree one leaf bundle, and SUMMARY.md
// and toc.yml are other tools' files, so the mount leaves them out; the home page comes
// from layouts/index.html instead.
const HUGO_CONFIG: &str = r#"baseURL = "https://example.org/"
title = "Synthetic privacy pages"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS"]

[[module.mounts]]
source = "../tree/src"
target = "content"
excludeFiles = ["index.md", "SUMMARY.md", "toc.yml"]
"#;

const HUGO_SINGLE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }}</title><meta name="description" content="{{ .Description }}"></head>
<body>
<main>{{ .TableOfContents }}{{ .Content }}</main>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</body>
</html>
"#;

const HUGO_LIST: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<main>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main>
</body>
</html>
"#;

const MDBOOK_CONFIG: &str = r#"[book]
title = "Synthetic privacy pages"
language = "en"
src = "../tree/src"

[build]
build-dir = "book"
"#;

const ZOLA_CONFIG: &str = r#"base_url = "https://example.org"
title = "Synthetic privacy pages"
compile_sass = false
build_search_index = false
ignored_content = ["SUMMARY.md", "toc.yml", "index.md"]
"#;

const ZOLA_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main>{{ page.content | safe }}</main></body>
</html>
"#;

const ZOLA_SECTION: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ section.title | default(value="") }}</title></head>
<body><main>{{ section.content | safe }}<ul>{% for page in section.pages %}<li><a href="{{ page.permalink }}">{{ page.title }}</a></li>{% endfor %}</ul></main></body>
</html>
"#;

//! Hostile input: nothing outside the project is read or published, writer text is never
//! markup or code in the HTML, and no edit crashes the build.

use std::fs;
use std::path::Path;

use crate::support::{copy_project, findings, fixture, privdoc, read_tree};

fn short(project: &Path, command: &str) -> (Option<i32>, Vec<String>) {
    let output = privdoc()
        .args([command, "--format", "short"])
        .arg(project)
        .output()
        .unwrap();
    (output.status.code(), findings(&output.stdout))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A free section titled after a generated one would be placed after itself: it used to
/// overflow the stack (SIGABRT); it is a declaration error at its title.
#[test]
fn a_section_named_like_a_generated_one_is_an_error_not_a_crash() {
    let project = copy_project(&fixture("words"));
    let service = project.path().join("content/services/fleet.toml");
    edit(
        &service,
        "title = \"Insurers\"\nafter = \"storage\"",
        "title = \"Sources\"\nafter = \"sources\"",
    );
    fs::write(
        &service,
        fs::read_to_string(&service).unwrap()
            + "\n[[sections]]\ntitle = \"Change notice\"\nafter = \"change-notice\"\nbody = \"x\"\n",
    )
    .unwrap();
    let (code, found) = short(project.path(), "check");
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            "content/services/fleet.toml:45:9: error[declaration]: section \"Sources\" has the id `sources` of a generated section",
            "content/services/fleet.toml:50:9: error[declaration]: section \"Change notice\" has the id `change-notice` of a generated section",
        ]
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_project_are_errors_and_never_published() {
    use std::os::unix::fs::symlink;
    let project = copy_project(&fixture("words"));
    let content = project.path().join("content");
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.md"),
        "# Secret\n\nTOKEN=hunter2\n",
    )
    .unwrap();
    fs::create_dir(outside.path().join("folder")).unwrap();
    fs::write(
        outside.path().join("folder/page.md"),
        "# Page\n\nTOKEN=hunter2\n",
    )
    .unwrap();
    symlink("/proc/self/environ", content.join("env.md")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        content.join("snippets-secret.md"),
    )
    .unwrap();
    fs::create_dir(content.join("snippets")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        content.join("snippets/passwd.md"),
    )
    .unwrap();
    symlink(outside.path().join("folder"), content.join("linked")).unwrap();
    // Inside the project a link is followed (once).
    fs::write(content.join("guide.md"), "# Guide\n\nThe fleet guide.\n").unwrap();
    symlink("guide.md", content.join("alias.md")).unwrap();
    edit(
        &content.join("services/fleet.toml"),
        "body = \"Insurers receive footage of accidents only.\"",
        "body = \"Insurers receive footage of accidents only. {{#include snippets/passwd.md}}\"",
    );
    let (code, found) = short(project.path(), "build");
    assert_eq!(code, Some(1), "{found:?}");
    let links: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("outside the project"))
        .collect();
    assert_eq!(links.len(), 4, "{found:?}");
    for path in [
        "content/env.md",
        "content/linked",
        "content/snippets-secret.md",
        "content/snippets/passwd.md",
    ] {
        assert!(
            links.iter().any(|f| f.starts_with(&format!(
                "{path}:1:1: error[io]: `{path}` is a symbolic link to"
            ))),
            "{path}: {found:?}"
        );
    }
    // Only the real error: the include of the refused snippet is not an unknown reference.
    assert!(
        !found.iter().any(|f| f.contains("unknown-reference")),
        "{found:?}"
    );
    assert!(!project.path().join("book").exists());
    // Without the links out, the project builds, the link inside included.
    for link in [
        "env.md",
        "snippets-secret.md",
        "snippets/passwd.md",
        "linked",
    ] {
        fs::remove_file(content.join(link)).unwrap();
    }
    edit(
        &content.join("services/fleet.toml"),
        " {{#include snippets/passwd.md}}",
        "",
    );
    let (code, found) = short(project.path(), "build");
    assert_eq!(code, Some(0), "{found:?}");
    let site = read_tree(&project.path().join("book"));
    assert!(site.contains_key("html/alias.html"));
    assert!(
        site.values()
            .all(|bytes| !String::from_utf8_lossy(bytes).contains("hunter2"))
    );
}

/// Every string a writer declares, and a hand-written page, carrying markup, scripts,
/// event handlers, `javascript:` and `data:` URLs and template syntax.
fn hostile_project(dir: &Path) {
    const X: &str = "<script>alert('x')</script><img src=x onerror=alert(1)> {{ 7 * 7 }} {% if true %}T{% endif %}";
    fs::create_dir_all(dir.join("content/services")).unwrap();
    fs::create_dir_all(dir.join("content/sources")).unwrap();
    fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"</title><script>alert('book')</script>\"\nsrc = \"content\"\n[build]\nbuild-dir = \"book\"\n\
         [preprocessor.privdoc]\nrequired-front-matter = []\n[preprocessor.privdoc.checks]\nbroken-link = \"warn\"\nlink-target-mismatch = \"off\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("content/locations.toml"),
        format!("[evil]\nname = \"{}\"\n", X.replace('"', "\\\"")),
    )
    .unwrap();
    let q = |text: &str| format!("{text:?}").replace("\\'", "'");
    fs::write(
        dir.join("content/sources/cam.toml"),
        format!(
            "name = {}\nurl = \"javascript:alert('url')\"\nprivacy-url = \"data:text/html,<script>alert(1)</script>\"\nprivacy-title = {}\ncollects = [{}]\ndescription = {}\n",
            q(&format!("Cam {X}")),
            q(X),
            q(X),
            q(&format!("{X} <a href=\"javascript:alert(2)\" onclick=\"alert(3)\">click</a> [md](javascript:alert(4)) <iframe src=\"https://attacker.example\"></iframe> <style>body{{display:none}}</style> <svg onload=alert(5)></svg> <a name=\"kept-anchor\"></a>"))
        ),
    )
    .unwrap();
    fs::write(
        dir.join("content/services/svc.toml"),
        format!(
            "name = {name}\nsummary = {x}\nprocessing = {x}\n[page]\ntitle = {x}\ndescription = {x}\nkeywords = [{x}]\n[page.meta]\n\"x\" = {x}\n\
             [[sources]]\nsource = \"cam\"\npurpose = {x}\ndetails = {x}\n\
             [storage]\nlocations = [\"evil\"]\nfacility = {x}\n\
             [[retention]]\ndata = {x}\nperiod = \"30 days\"\ntrigger = {x}\nreason = {x}\n\
             [[staff]]\nteams = [{x}]\nlocations = [\"evil\"]\n\
             [change-notice]\ndays = 30\nchannels = [{x}]\n\
             [[sections]]\ntitle = \"Notes\"\nbody = {x}\n",
            name = q(&format!("Svc {X}")),
            x = q(X),
        ),
    )
    .unwrap();
    fs::write(
        dir.join("content/page.md"),
        format!("---\ntitle: \"\\\"><script>alert('fm')</script>\"\n---\n# Page\n\n{X}\n\n<div onclick=\"alert(6)\">div</div>\n\n[click](  javascript:alert(7))\n"),
    )
    .unwrap();
}

#[test]
fn writer_text_never_becomes_markup_or_code_in_the_html() {
    let project = tempfile::tempdir().unwrap();
    hostile_project(project.path());
    let output = privdoc()
        .args(["build", "--format", "short"])
        .arg(project.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let found = findings(&output.stdout);
    for scheme in ["javascript:", "data:"] {
        assert!(
            found.iter().any(|f| f.contains(&format!(
                "link to a `{scheme}` URL, which is never published"
            ))),
            "{scheme}: {found:?}"
        );
    }
    // The reader below sees what a browser would run.
    assert_eq!(
        tags("<p>x</p><img src=x onerror=alert(1)>"),
        [
            ("p".to_owned(), vec![]),
            ("/p".to_owned(), vec![]),
            (
                "img".to_owned(),
                vec![
                    ("src".to_owned(), "x".to_owned()),
                    ("onerror".to_owned(), "alert(1)".to_owned())
                ]
            ),
        ]
    );
    let site = read_tree(&project.path().join("book"));
    let mut pages = 0;
    for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
        pages += 1;
        let html = String::from_utf8_lossy(bytes).to_lowercase();
        // The layout's own script is the only script, the data-flow picture (`<svg
        // class="flow">`, drawn by privdoc) the only SVG, the search box the only form.
        assert_eq!(html.matches("<script").count(), 1, "{path}");
        // Escaped text (`&lt;img onerror=…&gt;`) is harmless: only tags are markup.
        for (name, attributes) in tags(&html) {
            for bad in ["iframe", "style", "svg", "object", "embed", "form"] {
                let has = |key: &str, value: &str| {
                    attributes.contains(&(key.to_owned(), value.to_owned()))
                };
                let ours = (name == "svg" && has("class", "flow"))
                    || (name == "form" && has("id", "search") && has("role", "search"));
                assert!(name != bad || ours, "{path}: <{name} {attributes:?}>");
            }
            for (attribute, value) in attributes {
                assert!(
                    !attribute.starts_with("on") && attribute != "style",
                    "{path}: <{name} {attribute}>"
                );
                if matches!(attribute.as_str(), "href" | "src") {
                    let value = value.trim_start();
                    assert!(
                        !value.starts_with("javascript:") && !value.starts_with("data:"),
                        "{path}: <{name} {attribute}={value}>"
                    );
                }
            }
        }
    }
    assert!(pages >= 6, "{pages}");
    let source = String::from_utf8_lossy(&site["html/sources/cam.html"]).into_owned();
    assert!(
        source.contains("<a name=\"kept-anchor\"></a>"),
        "anchors are kept: {source}"
    );
    let service = String::from_utf8_lossy(&site["markdown/services/svc.md"]).into_owned();
    assert!(
        service.contains("{{ 7 \\* 7 }}") || service.contains("{{ 7 * 7 }}"),
        "template syntax in writer text is text: {service}"
    );
    assert!(!service.contains("49"), "{service}");
    // The front matter stays YAML that reads back as declared.
    let (yaml, _) = crate::support::front_matter(&service);
    let front: crate::support::Ordered<serde_json::Value> = serde_saphyr::from_str(yaml).unwrap();
    let title = &front.0.iter().find(|(k, _)| k == "title").unwrap().1;
    assert!(
        title
            .as_str()
            .unwrap()
            .starts_with("<script>alert('x')</script>")
    );
}

/// The tags of `html` (lowercased), each with its attributes and their values: a tiny
/// reader, enough for markup that a browser would also read as tags.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
            .collect();
        rest = &rest[name.len()..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let attribute: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '=' | '>' | '/'))
                .collect();
            rest = &rest[attribute.len()..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''));
                let body = quote.map_or(after, |q| &after[q.len_utf8()..]);
                let end = match quote {
                    Some(q) => body.find(q).unwrap_or(body.len()),
                    None => body
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(body.len()),
                };
                body[..end].clone_into(&mut value);
                rest = &body[(end + usize::from(quote.is_some())).min(body.len())..];
            }
            if attribute.is_empty() {
                rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
                continue;
            }
            attributes.push((attribute, value));
        }
        found.push((name, attributes));
    }
    found
}

#[test]
fn an_unterminated_include_is_an_error() {
    let project = copy_project(&fixture("words"));
    edit(
        &project.path().join("content/services/fleet.toml"),
        "body = \"Insurers receive footage of accidents only.\"",
        "body = \"Insurers receive footage of accidents only. {{#include snippets/x.md\"",
    );
    let (code, found) = short(project.path(), "check");
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        ["content/services/fleet.toml:47:53: error[unknown-reference]: unterminated `{{#include`"]
    );
}

#[test]
fn a_page_with_old_mac_line_endings_has_its_links_checked() {
    let tree = tempfile::tempdir().unwrap();
    fs::write(
        tree.path().join("page.md"),
        "---\rtitle: CR page\rdescription: Links on a page saved with CR line endings\r---\r# Title\r\rSee [the missing page](missing.md) and [the other](other.md).\r",
    )
    .unwrap();
    fs::write(tree.path().join("other.md"), "# Other\n").unwrap();
    let (code, found) = short(tree.path(), "check");
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        ["page.md:7:24: error[broken-link]: link to `missing.md`, which does not exist"]
    );
}

#[cfg(unix)]
#[test]
fn init_force_never_writes_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("victim"), "mine").unwrap();
    std::os::unix::fs::symlink(outside.path().join("victim"), dir.path().join("README.md"))
        .unwrap();
    let output = privdoc()
        .args(["init", "--force"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not write through links"));
    assert_eq!(fs::read(outside.path().join("victim")).unwrap(), b"mine");
    // A linked folder on the way is refused too.
    fs::remove_file(dir.path().join("README.md")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("content")).unwrap();
    let output = privdoc()
        .args(["init", "--force"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        fs::read_dir(outside.path()).unwrap().count(),
        1,
        "nothing written outside"
    );
}

#[test]
fn messages_name_keys_as_the_writer_wrote_them() {
    let project = copy_project(&fixture("words"));
    edit(
        &project.path().join("content/services/fleet.toml"),
        "description = \"What Fleet collects and keeps\"",
        "description = \"What Fleet collects and keeps\"\nkeywords = \"fleet\"",
    );
    let (code, found) = short(project.path(), "check");
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            "content/services/fleet.toml:6:12: error[schema]: invalid type: string \"fleet\", expected a sequence in `page.keywords`"
        ]
    );
    edit(
        &project.path().join("content/services/fleet.toml"),
        "keywords = \"fleet\"",
        "[page.meta]\nrobots = { index = false }",
    );
    let (_, found) = short(project.path(), "check");
    assert_eq!(
        found,
        [
            "content/services/fleet.toml:7:10: error[schema]: invalid type: map, expected a string, number, boolean, or a list of them in `page.meta.robots`"
        ]
    );
    let book = project.path().join("book.toml");
    fs::write(
        &book,
        fs::read_to_string(&book).unwrap()
            + "\n[preprocessor.privdoc.checks]\nbroken-links = \"warn\"\n",
    )
    .unwrap();
    let (code, found) = short(project.path(), "check");
    assert_eq!(code, Some(2));
    assert_eq!(
        found,
        [
            "book.toml:9:1: error[schema]: unknown key `broken-links` in `preprocessor.privdoc.checks`"
        ]
    );
}

#[test]
fn thousands_of_threads_are_capped() {
    let started = std::time::Instant::now();
    let output = privdoc()
        .args(["check", "-j", "10000"])
        .arg(crate::support::repo())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

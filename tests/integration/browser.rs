//! The HTML in a real browser: headless Chromium loads every page of the example at 390 px
//! and 1280 px wide, in the light and the dark scheme, and the test asserts that no page scrolls sideways, that every
//! same-page and cross-page fragment link (the data-flow picture's among them) lands on an
//! element with that id, that the navigation drawer and the on-page contents are open
//! exactly when there is room, that the sidebar precedes the content, that every section
//! heading has its anchor link and every page but the start its breadcrumbs, that a
//! service's data-flow picture renders inside the width with its text, and that the
//! search box finds pages offline. Screenshots of every
//! page at both widths, light and dark, are saved under `target/screenshots/` for a person
//! to look at.
//!
//! `.ci/run` installs Debian's `chromium`. Without it the test cannot run: under
//! `CI=true` that is a failure; elsewhere it says so and passes nothing off as checked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{copy_example, privdoc, repo};

const WIDTHS: [u32; 2] = [390, 1280];

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PRIVDOC_CHROMIUM").map(PathBuf::from),
        Some("chromium".into()),
        Some("chromium-browser".into()),
    ];
    let found = candidates.into_iter().flatten().find(|candidate| {
        Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none_or(|ci| ci != "true"),
            "chromium is missing under CI: .ci/run installs it"
        );
        eprintln!(
            "note: chromium is not installed; the browser test did not run (apt-get install chromium)"
        );
    }
    found
}

/// Chromium started the way that works on a closed network, as root, without a profile.
fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--allow-file-access-from-files",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// The harness: loads each page in a same-origin iframe of each width, then reports
/// overflow and fragment links whose target has no such id.
fn harness(pages: &[String]) -> String {
    let pages = serde_json::to_string(pages).unwrap();
    let widths = serde_json::to_string(&WIDTHS).unwrap();
    format!(
        r##"<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre id="result">pending</pre><script>
const pages = {pages}, widths = {widths};
const load = (src, width) => new Promise(done => {{
  const frame = document.createElement('iframe');
  frame.style.width = width + 'px'; frame.style.height = '900px';
  // Laid out at its width before the page loads, so the page's scripts see the viewport a
  // reader's window of that width gives them (else they run in the default 300 x 150 one,
  // and only a media-query change event, which a loaded machine may not deliver before
  // the checks, would set things right).
  document.body.appendChild(frame); frame.getBoundingClientRect();
  frame.onload = () => done(frame); frame.src = src;
}});
(async () => {{
  const overflow = [], links = [], ids = {{}}, split = [], drawer = [], features = [];
  for (const width of widths) for (const page of pages) {{
    const frame = await load(page, width), doc = frame.contentDocument, root = doc.documentElement;
    if (root.scrollWidth > root.clientWidth) overflow.push({{page, width, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth}});
    // A word in a table cell laid out on two lines ("Kep/t for") has two boxes.
    for (const cell of doc.querySelectorAll('td, th')) {{
      const walker = doc.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {{
        for (const match of node.data.matchAll(/\S+/g)) {{
          const range = doc.createRange();
          range.setStart(node, match.index); range.setEnd(node, match.index + match[0].length);
          if (range.getClientRects().length > 1) split.push({{page, width, word: match[0]}});
        }}
      }}
    }}
    // The site navigation is a drawer: closed on a phone, open as a sidebar on a wide screen.
    const nav = doc.getElementById('nav-drawer'), wide = width >= 960;
    if (!nav || nav.open !== wide) drawer.push({{page, width, open: nav && nav.open}});
    // The on-page contents: open from 768 px, collapsed below.
    const toc = doc.getElementById('page-toc'), roomy = width >= 768;
    if (toc && toc.open !== roomy) features.push({{page, width, toc: toc.open}});
    // The site navigation comes before the page's content in source order.
    const main = doc.querySelector('main'), side = doc.querySelector('nav.site-nav');
    if (!side || !(side.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING)) features.push({{page, order: 'sidebar after main'}});
    // Every section heading links to itself.
    for (const h of doc.querySelectorAll('main h2[id], main h3[id], main h4[id]'))
      if (!h.querySelector(`a.anchor[href="#${{CSS.escape(h.id)}}"]`)) features.push({{page, heading: h.id}});
    if (page !== 'index.html' && !doc.querySelector('nav.breadcrumbs li[aria-current="page"]')) features.push({{page, breadcrumbs: 'missing'}});
    // Search, offline: the box appears, the index loads, and a word finds its pages.
    if (page === 'index.html' && width === widths[1]) {{
      const form = doc.getElementById('search'), input = doc.getElementById('search-input');
      if (!form || form.hidden || !input) features.push({{page, search: 'no search box'}});
      else {{
        input.value = 'Retention'; input.dispatchEvent(new Event('input'));
        let found = [];
        for (let tries = 0; !found.length && tries < 500; tries++) {{ await new Promise(r => setTimeout(r, 20)); found = [...doc.querySelectorAll('#search-results a')]; }}
        const urls = found.map(a => new URL(a.getAttribute('href'), new URL(page, location.href)).href);
        const known = pages.map(p => new URL(p, location.href).href);
        if (!urls.includes(new URL('retention.html', location.href).href) || !urls.every(u => known.includes(u))) features.push({{page, search: urls}});
      }}
    }}
    // A service page's data-flow picture renders, fits the width, and has its text.
    if (page.startsWith('services/')) {{
      const svg = doc.querySelector('svg.flow'), box = svg && svg.getBoundingClientRect();
      if (!svg || box.width < 100 || box.height < 40 || box.right > root.clientWidth + 0.5) features.push({{page, width, flow: box && [box.width, box.height, box.right]}});
      if (doc.querySelectorAll('.flow-text li').length !== 5) features.push({{page, flowText: 'missing'}});
      if (doc.querySelectorAll('svg.flow a').length < 3) features.push({{page, flowLinks: 'missing'}});
    }}
    if (width === widths[0]) {{
      ids[new URL(page, location.href).href] = [...doc.querySelectorAll('[id]')].map(e => e.id).concat([...doc.querySelectorAll('a[name]')].map(e => e.name));
      for (const a of doc.querySelectorAll('a[href*="#"]')) links.push({{page, href: new URL(a.getAttribute('href'), new URL(page, location.href)).href}});
    }}
    frame.remove();
  }}
  const missing = links.filter(link => {{
    const url = new URL(link.href);
    if (url.protocol !== 'file:') return false;
    const known = ids[url.href.split('#')[0]];
    return !known || !known.includes(decodeURIComponent(url.hash.slice(1)));
  }});
  document.getElementById('result').textContent = JSON.stringify({{scheme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light', pages: pages.length, links: links.length, overflow, missing, split, drawer, features}});
}})().catch(error => {{ document.getElementById('result').textContent = 'error: ' + error; }});
</script></body></html>"##
    )
}

#[test]
fn every_page_fits_both_widths_and_every_fragment_link_lands() {
    let Some(chromium) = chromium() else { return };
    let project = copy_example();
    privdoc()
        .arg("build")
        .arg(project.path())
        .assert()
        .success();
    let html = project.path().join("book/html");
    let mut pages: Vec<String> = walkdir::WalkDir::new(&html)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(&html)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    pages.sort();
    assert!(pages.len() >= 14, "{pages:?}");
    fs::write(html.join("harness.html"), harness(&pages)).unwrap();
    for scheme in ["light", "dark"] {
        let result = run_harness(&chromium, &html, scheme == "dark");
        assert_eq!(result["scheme"], scheme, "the colour scheme the pages saw");
        assert_eq!(result["pages"], pages.len());
        assert!(result["links"].as_u64().unwrap() > 20, "{result}");
        for (key, what) in [
            ("overflow", "pages scroll sideways"),
            ("missing", "fragment links without their target"),
            ("split", "words split in table cells"),
            ("drawer", "navigation drawer state"),
            (
                "features",
                "on-page contents, source order, heading anchors, breadcrumbs, search or the data-flow picture",
            ),
        ] {
            assert_eq!(result[key], Value::Array(vec![]), "{scheme}: {what}");
        }
    }
    screenshots(&chromium, &html, &pages);
}

/// Runs the harness page in headless Chromium, in the dark scheme when `dark`, and
/// returns what it reported.
fn run_harness(chromium: &Path, html: &Path, dark: bool) -> Value {
    let profile = tempfile::tempdir().unwrap();
    let mut command = headless(chromium, profile.path());
    if dark {
        command.arg("--force-dark-mode");
    }
    let output = command
        .args(["--virtual-time-budget=60000", "--dump-dom"])
        .arg(format!("file://{}", html.join("harness.html").display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let result = dom
        .split("<pre id=\"result\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or("");
    serde_json::from_str(&result.replace("&quot;", "\"").replace("&amp;", "&")).unwrap_or_else(
        |_| {
            panic!(
                "the harness reported: {result}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        },
    )
}

/// Screenshots of every page at both widths, light and dark, for a person to look at
/// (`target/screenshots/<light|dark>/<width>/`, kept by CI).
fn screenshots(chromium: &Path, html: &Path, pages: &[String]) {
    let out = repo().join("target/screenshots");
    let jobs: Vec<(&str, u32, &String)> = ["light", "dark"]
        .into_iter()
        .flat_map(|scheme| WIDTHS.iter().map(move |&w| (scheme, w)))
        .flat_map(|(scheme, w)| pages.iter().map(move |p| (scheme, w, p)))
        .collect();
    std::thread::scope(|scope| {
        for chunk in jobs.chunks(jobs.len().div_ceil(2)) {
            let out = &out;
            scope.spawn(move || {
                let profile = tempfile::tempdir().unwrap();
                for (scheme, width, page) in chunk {
                    let target = out
                        .join(scheme)
                        .join(width.to_string())
                        .join(page.replace('/', "__").replace(".html", ".png"));
                    fs::create_dir_all(target.parent().unwrap()).unwrap();
                    let mut command = headless(chromium, profile.path());
                    if *scheme == "dark" {
                        command.arg("--force-dark-mode");
                    }
                    let status = command
                        .arg(format!("--window-size={width},1600"))
                        .arg(format!("--screenshot={}", target.display()))
                        .arg(format!("file://{}", html.join(page).display()))
                        .output()
                        .unwrap();
                    assert!(
                        status.status.success() && target.exists(),
                        "no screenshot of {page} at {width} px"
                    );
                }
            });
        }
    });
}

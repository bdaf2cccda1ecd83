//! Scoring the checkers against the planted defects, and the table `bench/run` prints.
//!
//! A finding that matches a planted defect counts as found (each at most once). On the
//! declarations every other finding is a false alarm. On the hand-written tree, a finding of
//! a link code that matches nothing is a false alarm (that link works); a repeated or
//! nearly repeated sentence that was not planted is counted apart, as "repeats": the tree
//! is the generated pages copied out, so every sentence a template writes on each page
//! really is repeated there (privdoc, reading the declarations, knows it is one template
//! line).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

use super::generate::Planted;

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Tool {
    Privdoc,
    Lychee,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum On {
    Declarations,
    Tree,
}

/// A score: planted defects found, of how many, false alarms, and repeats of template text.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Score {
    pub(crate) found: usize,
    pub(crate) planted: usize,
    pub(crate) false_alarms: usize,
    pub(crate) repeats: usize,
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.found, self.planted, self.false_alarms, self.repeats
        )
    }
}

pub(crate) fn run(
    tool: Tool,
    on: On,
    root: &Path,
    planted: &Path,
    report: &Path,
) -> io::Result<Score> {
    let planted = Planted::from_tsv(&fs::read_to_string(planted)?);
    let report: Value = serde_json::from_str(&fs::read_to_string(report)?)
        .map_err(|e| io::Error::other(format!("{}: {e}", report.display())))?;
    Ok(match tool {
        Tool::Privdoc => privdoc(on, &planted, &report),
        Tool::Lychee => lychee(root, &planted, &report),
    })
}

/// `dir` + `path`, with `..` resolved (`services` + `../sources/x.md` = `sources/x.md`).
fn join(page: &str, path: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

fn is_link_code(code: &str) -> bool {
    code == "broken-link" || code == "broken-anchor"
}

/// Scores a `privdoc check --format json` report.
pub(crate) fn privdoc(on: On, planted: &[Planted], report: &Value) -> Score {
    let mut open: Vec<Option<&Planted>> = planted.iter().map(Some).collect();
    let mut score = Score {
        planted: planted.len(),
        ..Score::default()
    };
    let findings = report["diagnostics"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for finding in findings {
        let field = |name: &str| finding[name].as_str().unwrap_or_default();
        let (code, file, message) = (field("code"), field("file"), field("message"));
        let matches = |p: &Planted| {
            let expected_file = match on {
                On::Declarations => p.declaration.clone(),
                On::Tree => format!("src/{}", p.page),
            };
            if p.kind != code || file != expected_file {
                return false;
            }
            match code {
                "broken-link" => message.contains(&format!("`{}`", p.target)),
                "broken-anchor" => {
                    let resolved = join(&p.page, &p.target);
                    let (page, fragment) = resolved.split_once('#').unwrap_or((&resolved, ""));
                    message.contains(&format!("`#{fragment}`"))
                        && message.contains(&format!("`{page}`"))
                }
                _ => message.contains("this page"),
            }
        };
        match open.iter_mut().find(|p| p.is_some_and(matches)) {
            Some(slot) => {
                *slot = None;
                score.found += 1;
            }
            None if on == On::Tree && !is_link_code(code) && code.contains("duplicate") => {
                score.repeats += 1;
            }
            None => score.false_alarms += 1,
        }
    }
    score
}

/// Scores a `lychee --format json` report of the tree under `root` (its `src/`). lychee
/// checks links only, so only the planted link defects count.
pub(crate) fn lychee(root: &Path, planted: &[Planted], report: &Value) -> Score {
    let links: Vec<&Planted> = planted.iter().filter(|p| is_link_code(&p.kind)).collect();
    let mut open: Vec<Option<String>> = links
        .iter()
        .map(|p| Some(join(&p.page, &p.target)))
        .collect();
    let mut score = Score {
        planted: links.len(),
        ..Score::default()
    };
    let src = fs::canonicalize(root.join("src")).unwrap_or_else(|_| root.join("src"));
    let prefix = format!("file://{}/", src.display());
    let errors = report["error_map"].as_object().into_iter().flatten();
    for failure in errors.flat_map(|(_, list)| list.as_array().into_iter().flatten()) {
        let url = failure["url"].as_str().unwrap_or_default();
        let target = url.strip_prefix(&prefix).unwrap_or(url);
        match open.iter_mut().find(|p| p.as_deref() == Some(target)) {
            Some(slot) => {
                *slot = None;
                score.found += 1;
            }
            None => score.false_alarms += 1,
        }
    }
    score
}

/// One timed run of one job.
struct Run {
    pages: f64,
    wall: f64,
    cpu: f64,
    rss_kb: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        values[n / 2 - 1].midpoint(values[n / 2])
    }
}

/// The privdoc job each job is compared with.
fn reference(job: &str) -> Option<&'static str> {
    match job {
        "hugo build (tree)" | "mdbook build (tree)" | "zola build (tree)" => {
            Some("privdoc build (tree)")
        }
        "lychee check (tree)" => Some("privdoc check (tree)"),
        "lychee check (learn)" => Some("privdoc check (learn)"),
        _ => None,
    }
}

#[allow(clippy::too_many_lines)] // one table, read top to bottom
/// The table of the results file `bench/run` writes (tab-separated lines:
/// `run N JOB PAGES WALL USER SYS RSS_KB`, `score N JOB FOUND PLANTED FALSE REPEATS`,
/// `site N BYTES`).
pub(crate) fn table(results: &Path) -> io::Result<String> {
    let text = fs::read_to_string(results)?;
    let mut runs: BTreeMap<(usize, String), Vec<Run>> = BTreeMap::new();
    let mut order: Vec<(usize, String)> = Vec::new();
    let mut scores: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    let mut site: BTreeMap<usize, f64> = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let n = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        let services = f.get(1).and_then(|v| v.parse().ok()).unwrap_or(0);
        match f.first().copied() {
            Some("run") if f.len() == 8 => {
                let key = (services, f[2].to_owned());
                if !order.contains(&key) {
                    order.push(key.clone());
                }
                runs.entry(key).or_default().push(Run {
                    pages: n(3),
                    wall: n(4),
                    cpu: n(5) + n(6),
                    rss_kb: n(7),
                });
            }
            Some("score") if f.len() == 7 => {
                scores.insert(
                    (services, f[2].to_owned()),
                    f[3..].iter().map(|s| (*s).to_owned()).collect(),
                );
            }
            Some("site") if f.len() == 3 => {
                site.insert(services, n(2));
            }
            _ => {}
        }
    }
    let summary = |key: &(usize, String)| {
        let list = &runs[key];
        let wall = median(list.iter().map(|r| r.wall).collect());
        let cpu = median(list.iter().map(|r| r.cpu).collect());
        let rss = list.iter().map(|r| r.rss_kb).fold(0.0, f64::max);
        (list[0].pages, wall, cpu, rss, list.len())
    };
    let mut out = String::from(
        "| N | job | pages | runs | median wall | CPU | peak RSS | pages/s | privdoc is | planted found | false alarms | repeats |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for key in &order {
        let (pages, wall, cpu, rss, count) = summary(key);
        let versus = reference(&key.1)
            .and_then(|r| {
                runs.get(&(key.0, r.to_owned()))
                    .map(|_| (key.0, r.to_owned()))
            })
            .map_or_else(String::new, |r| {
                let ratio = wall / summary(&r).1;
                if ratio >= 1.0 {
                    format!("{ratio:.1}× faster")
                } else {
                    format!("{:.1}× slower", 1.0 / ratio)
                }
            });
        let score = scores.get(key).map_or_else(
            || ["", "", ""].map(str::to_owned),
            |s| [format!("{}/{}", s[0], s[1]), s[2].clone(), s[3].clone()],
        );
        // /usr/bin/time counts hundredths of a second: below that there is no rate.
        let per_second = if wall >= TIMED {
            format!("{:.0}", pages / wall)
        } else {
            "—".to_owned()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {pages:.0} | {count} | {wall:.3} s | {cpu:.2} s | {:.0} MB | {per_second} | {versus} | {} | {} | {} |",
            key.0,
            key.1,
            rss / 1024.0,
            score[0],
            score[1],
            score[2]
        );
    }
    out.push('\n');
    out.push_str(&wall_ratios(&runs));
    for (&services, &bytes) in &site {
        let get = |job: &str| {
            runs.get(&(services, job.to_owned()))
                .map(|_| summary(&(services, job.to_owned())))
        };
        let _ = writeln!(out, "Targets at N = {services}:");
        let rate = |s: (f64, f64, f64, f64, usize)| s.0 / s.1;
        if let Some(tree) = get("privdoc build (tree)") {
            for (peer, target) in [
                ("hugo build (tree)", 3.0),
                ("zola build (tree)", 3.0),
                ("mdbook build (tree)", 10.0),
            ] {
                match get(peer) {
                    Some(p) => {
                        let ratio = rate(tree) / rate(p);
                        let _ = writeln!(
                            out,
                            "- privdoc build (tree) vs {peer}: {ratio:.1}× the pages/s (target ≥ {target}×) {}",
                            mark(ratio >= target)
                        );
                    }
                    None => {
                        let _ =
                            writeln!(out, "- {peer}: not in this run (not installed, or in SKIP)");
                    }
                }
            }
        }
        if let (Some(check), Some(lychee)) =
            (get("privdoc check (tree)"), get("lychee check (tree)"))
        {
            let ratio = lychee.1 / check.1;
            let s = scores.get(&(services, "privdoc check (tree)".to_owned()));
            let clean = s.is_some_and(|s| s[0] == s[1] && s[2] == "0");
            let _ = writeln!(
                out,
                "- privdoc check (tree) vs lychee: {ratio:.1}× as fast (target ≥ 5×) {}; every planted defect found with no false alarm: {}",
                mark(ratio >= 5.0),
                if clean { "yes ✓" } else { "no ✗" }
            );
        }
        if let Some(build) = get("privdoc build (declarations)") {
            for job in ["ceiling, 1 thread", "ceiling, all threads"] {
                if let Some(ceiling) = get(job).filter(|c| c.1 >= TIMED) {
                    let share = rate(build) / rate(ceiling) * 100.0;
                    let target = if job.ends_with("all threads") {
                        " (target ≥ 50%)"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "- privdoc build (declarations) at {share:.0}% of the pulldown-cmark {job} pages/s{target} {}",
                        if target.is_empty() {
                            ""
                        } else {
                            mark(share >= 50.0)
                        }
                    );
                }
            }
            let ratio = build.3 * 1024.0 / bytes;
            let _ = writeln!(
                out,
                "- privdoc build (declarations) peak RSS {:.0} MB for {:.0} MB written: {ratio:.2}× (target ≤ 3×) {}",
                build.3 / 1024.0,
                bytes / 1e6,
                mark(ratio <= 3.0)
            );
        }
        out.push('\n');
    }
    Ok(out)
}

/// The ratios issue 14 sets, privdoc's median wall time over its peer's in the same run
/// (lower is better): `check` cold and repeated (the check cache) against lychee, `build`
/// cold and repeated against Hugo.
fn wall_ratios(runs: &BTreeMap<(usize, String), Vec<Run>>) -> String {
    let mut out = String::new();
    let sizes: std::collections::BTreeSet<usize> = runs.keys().map(|(n, _)| *n).collect();
    for n in sizes {
        let wall = |job: &str| {
            runs.get(&(n, job.to_owned()))
                .map(|list| median(list.iter().map(|r| r.wall).collect()))
        };
        let mut lines = Vec::new();
        for (job, peer, target) in [
            ("privdoc check (tree)", "lychee check (tree)", 0.5),
            ("privdoc check (tree), repeated", "lychee check (tree)", 0.2),
            ("privdoc check (learn)", "lychee check (learn)", 0.5),
            (
                "privdoc check (learn), repeated",
                "lychee check (learn)",
                0.2,
            ),
            ("privdoc build (tree)", "hugo build (tree)", 0.33),
            ("privdoc build (tree), repeated", "hugo build (tree)", 0.33),
        ] {
            if let (Some(ours), Some(theirs)) = (wall(job), wall(peer)) {
                let ratio = ours / theirs;
                lines.push(format!(
                    "- {job} / {peer}: {ratio:.2} of its wall time (target ≤ {target}) {}",
                    mark(ratio <= target)
                ));
            }
        }
        // Without a target: a check after one edit, and the floor — no check of
        // Markdown takes less than reading and parsing every page.
        for (what, job, peer) in [
            (
                "after an edit",
                "privdoc check (learn), one page edited",
                "lychee check (learn)",
            ),
            ("the floor", "ceiling, parse only", "lychee check (tree)"),
            (
                "the floor",
                "ceiling, parse only (learn)",
                "lychee check (learn)",
            ),
        ] {
            if let (Some(ours), Some(theirs)) = (wall(job), wall(peer)) {
                lines.push(format!(
                    "- {what}, {job} / {peer}: {:.2} of its wall time",
                    ours / theirs
                ));
            }
        }
        if !lines.is_empty() {
            let _ = writeln!(out, "Wall-time ratios at N = {n} (issue 14):");
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
            out.push('\n');
        }
    }
    out
}

/// The shortest wall time `/usr/bin/time` tells from zero.
const TIMED: f64 = 0.01;

fn mark(met: bool) -> &'static str {
    if met {
        "✓"
    } else {
        "✗ (see BENCHMARKS.md)"
    }
}

//! The bad-input corpus, `tests/bad-input/`: one folder per case — malformed, wrongly
//! typed, wrongly encoded, hostile or huge input — each with its `expect.txt` (the exit
//! code, and the first finding's severity, code and `file:line:col`, or `none`). Folders
//! named `gen-…` get their large or special files made here, not committed. For every
//! case: no panic, done within 10 s, at most 1 GiB of memory, and every finding located.
//! `PRIVDOC_BLESS=1` rewrites the `expect.txt` files; review the diff.

use std::fmt::Write as _;
use std::fs;
use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{bless, copy_dir, repo};

/// The large or special files of the `gen-…` cases.
fn generate(case: &str, dir: &Path) {
    let write = |path: &str, bytes: Vec<u8>| {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    };
    let page = |body: String| format!("---\ntitle: Big\n---\n# Big\n\n{body}\n").into_bytes();
    match case {
        "gen-huge-string" => write(
            "content/services/fleet.toml",
            format!("name = \"{}\"\n", "x".repeat(50 << 20)).into_bytes(),
        ),
        "gen-deep-arrays" => write(
            "content/services/fleet.toml",
            format!(
                "name = \"Fleet\"\nsummary = {}{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
        ),
        "gen-million-sources" => write(
            "content/services/fleet.toml",
            format!(
                "name = \"Fleet\"\n{}",
                "[[sources]]\nid = \"agent\"\n".repeat(1_000_000)
            )
            .into_bytes(),
        ),
        "gen-long-line" => write(
            "content/guide.md",
            page("word [link](nowhere.md) ".repeat(10 << 20 >> 5)),
        ),
        "gen-deep-blockquotes" => write(
            "content/guide.md",
            page(format!("{}text", "> ".repeat(100_000))),
        ),
        "gen-pathological-emphasis" => write(
            "content/guide.md",
            page(format!(
                "{}{}",
                "*a **b _c ".repeat(30_000),
                "[x](nowhere.md)"
            )),
        ),
        "gen-many-links" => write(
            "content/guide.md",
            page((0..100_000).fold(String::new(), |mut links, i| {
                let _ = write!(links, "[l{i}](#nowhere-{i}) ");
                links
            })),
        ),
        "gen-identical-sentences" => write(
            "content/guide.md",
            page("The fleet service keeps device records for ninety days. ".repeat(100_000)),
        ),
        #[cfg(unix)]
        "gen-symlink-loop" => {
            write("content/guide.md", page("Text.".to_owned()));
            std::os::unix::fs::symlink(".", dir.join("content/loop")).unwrap();
        }
        #[cfg(unix)]
        "gen-symlink-out" => {
            write("content/guide.md", page("Text.".to_owned()));
            std::os::unix::fs::symlink("/etc/passwd", dir.join("content/secret.md")).unwrap();
        }
        _ => {}
    }
}

/// What a case did: its exit code, first finding and peak memory.
struct Outcome {
    exit: Option<i32>,
    first: String,
    stdout: String,
    stderr: String,
    peak_kib: Option<u64>,
}

/// How long a case may take: 10 s for a release build; the unoptimized build `cargo test`
/// runs is about 5× slower on the large cases (the 10 MB line: 1 s and 5 s), and gets 60 s.
const TIME_LIMIT: Duration = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 10 });

/// Runs `privdoc check --format short` on `dir` under GNU time (for the peak memory),
/// killed after [`TIME_LIMIT`].
fn run(case: &str, dir: &Path) -> Outcome {
    let binary = assert_cmd::cargo::cargo_bin!("privdoc");
    let memory = dir.join(".peak");
    let timed = Path::new("/usr/bin/time").is_file();
    let mut command = if timed {
        let mut command = Command::new("/usr/bin/time");
        command
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&memory)
            .arg(binary);
        command
    } else {
        Command::new(binary)
    };
    let mut child = command
        .args(["check", "--format", "short", "--no-cache"])
        .arg(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1782777600")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained while the case runs: a report larger than the pipe must not stall it.
    let drain = |stream: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut stream) = stream {
                let _ = stream.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|s| Box::new(s) as _));
    let stderr = drain(child.stderr.take().map(|s| Box::new(s) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("{case} took more than {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    let first = stdout.lines().next().map_or_else(
        || "none".to_owned(),
        |line| {
            // `path:line:col: severity[code]: message` → `severity[code] path:line:col`
            let (place, rest) = line.split_once(": ").unwrap_or((line, ""));
            let what = rest.split(": ").next().unwrap_or(rest);
            format!("{what} {place}")
        },
    );
    let peak_kib = fs::read_to_string(&memory)
        .ok()
        .and_then(|text| text.lines().last()?.trim().parse().ok());
    Outcome {
        exit: status.code(),
        first,
        stdout,
        stderr,
        peak_kib,
    }
}

#[test]
fn every_bad_input_is_a_located_error_never_a_crash() {
    let corpus = repo().join("tests/bad-input");
    let mut cases: Vec<String> = fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    cases.sort();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let work = tempfile::tempdir().unwrap();
        copy_dir(&corpus.join(case), work.path(), &["expect.txt"]);
        generate(case, work.path());
        let outcome = run(case, work.path());
        let exit = outcome
            .exit
            .map_or("signal".to_owned(), |code| code.to_string());
        let found = format!("exit {exit}\nfirst {}\n", outcome.first);
        assert!(
            !outcome.stderr.contains("panicked") && outcome.exit.is_some_and(|c| c <= 2),
            "{case} crashed: {}",
            outcome.stderr
        );
        if let Some(kib) = outcome.peak_kib {
            assert!(kib <= 1 << 20, "{case} took {} MB", kib >> 10);
        }
        // Every finding names the file, line and column to edit.
        for line in outcome.stdout.lines() {
            let mut parts = line.splitn(4, ':');
            let (file, row, column) = (parts.next(), parts.next(), parts.next());
            assert!(
                file.is_some_and(|f| !f.is_empty())
                    && row.is_some_and(|r| r.parse::<usize>().is_ok())
                    && column.is_some_and(|c| c.parse::<usize>().is_ok()),
                "{case}: finding without file:line:col: {line}"
            );
        }
        let expect = corpus.join(case).join("expect.txt");
        if bless() {
            fs::write(&expect, &found).unwrap();
        } else {
            let expected = fs::read_to_string(&expect).unwrap_or_default();
            if expected != found {
                failures.push(format!(
                    "{case}:\n  expected {expected:?}\n  found    {found:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

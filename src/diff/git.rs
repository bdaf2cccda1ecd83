//! A project as it was at a git revision, read through the `git` command (no libgit2): the
//! files under the project's directory at that revision, written to a temporary directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir);
    command
}

fn output(mut command: Command) -> Result<Option<String>> {
    let output = command
        .stderr(Stdio::null())
        .output()
        .context("failed to run `git`; is it installed?")?;
    Ok(output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .trim_end_matches('\n')
            .to_owned()
    }))
}

/// A project as it was at a git revision, written to a temporary directory.
pub(crate) struct Checkout {
    /// The files, removed when this is dropped.
    pub dir: tempfile::TempDir,
    /// The revision as given (`HEAD~1`).
    pub revision: String,
    /// The commit it names.
    pub commit: String,
}

impl Checkout {
    /// How reports name it: "revision `HEAD~1` (1a2b3c4)".
    #[must_use]
    pub(crate) fn label(&self) -> String {
        format!("revision `{}` ({})", self.revision, short(&self.commit))
    }
}

/// Writes the project in `dir` as it was at `revision` into a new temporary directory.
/// Errors say what went wrong: not a git repository, unknown revision, or git failing.
pub(crate) fn checkout(dir: &Path, revision: &str) -> Result<Checkout> {
    let mut top = git(dir);
    top.args(["rev-parse", "--show-prefix"]);
    let Some(prefix) = output(top)? else {
        bail!(
            "`{}` is not inside a git repository; compare two directories with `privdoc diff OLD NEW`",
            dir.display()
        );
    };
    let mut verify = git(dir);
    verify
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{revision}^{{commit}}"));
    let Some(commit) = output(verify)? else {
        bail!("unknown git revision `{revision}`");
    };
    let mut list = git(dir);
    list.args(["ls-tree", "-r", "-z", "--full-tree", &commit, "--"])
        .arg(if prefix.is_empty() {
            ".".to_owned()
        } else {
            prefix.clone()
        });
    let listing = list.output().context("failed to run `git ls-tree`")?;
    if !listing.status.success() {
        bail!(
            "`git ls-tree {commit}` failed: {}",
            String::from_utf8_lossy(&listing.stderr).trim()
        );
    }
    // "<mode> blob <object>\t<path>" entries; only files (no submodules).
    let mut blobs = Vec::new();
    for entry in listing.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut fields = meta.split(' ');
        let (_, kind, object) = (fields.next(), fields.next(), fields.next());
        if kind == Some("blob")
            && let (Some(object), Some(relative)) = (object, path.strip_prefix(prefix.as_str()))
        {
            blobs.push((object.to_owned(), relative.to_owned()));
        }
    }
    let target = tempfile::Builder::new()
        .prefix("privdoc-base-")
        .tempdir()
        .context("failed to create a temporary directory")?;
    write_blobs(dir, &blobs, target.path())?;
    Ok(Checkout {
        dir: target,
        revision: revision.to_owned(),
        commit,
    })
}

/// Reads every blob with one `git cat-file --batch` and writes it under `target`.
fn write_blobs(dir: &Path, blobs: &[(String, String)], target: &Path) -> Result<()> {
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("failed to run `git cat-file`")?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let objects: String = blobs.iter().fold(String::new(), |mut all, (object, _)| {
        all.push_str(object);
        all.push('\n');
        all
    });
    let writer = std::thread::spawn(move || stdin.write_all(objects.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout was piped"));
    for (_, relative) in blobs {
        let mut header = String::new();
        stdout
            .read_line(&mut header)
            .context("failed to read from `git cat-file`")?;
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .context("unexpected output from `git cat-file`")?;
        let mut content = vec![0; size + 1]; // and the newline after it
        stdout
            .read_exact(&mut content)
            .context("failed to read from `git cat-file`")?;
        content.pop();
        let path = target.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        std::fs::write(&path, content)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to `git cat-file` failed"))?
        .context("failed to write to `git cat-file`")?;
    child.wait().context("`git cat-file` failed")?;
    Ok(())
}

/// A commit id as people read it: its first seven characters.
fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// A commit that touched the declarations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Revision {
    /// The full commit id.
    pub commit: String,
    /// When it was committed, as git prints it in strict ISO 8601 (`2026-01-10T09:30:00+01:00`).
    pub date: String,
    /// Its subject line.
    pub subject: String,
}

impl Revision {
    /// The commit id as people read it (`1a2b3c4`).
    #[must_use]
    pub(crate) fn short(&self) -> &str {
        short(&self.commit)
    }
}

/// The last `limit` commits that changed `path` (relative to `dir`), newest first; `None`
/// when `dir` is not in a git repository or git is missing.
pub(crate) fn history(dir: &Path, path: &Path, limit: usize) -> Option<Vec<Revision>> {
    let mut log = git(dir);
    log.args(["log", "--no-merges", "--format=%H%x09%cI%x09%s"])
        .arg(format!("-n{limit}"))
        .arg("--")
        .arg(path);
    let text = output(log).ok().flatten()?;
    Some(
        text.lines()
            .filter_map(|line| {
                let mut fields = line.splitn(3, '\t');
                Some(Revision {
                    commit: fields.next()?.to_owned(),
                    date: fields.next()?.to_owned(),
                    subject: fields.next().unwrap_or("").to_owned(),
                })
            })
            .collect(),
    )
}

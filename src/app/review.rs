//! `privdoc diff` and `privdoc check --frozen`: what changed, and whether the committed
//! output is what the declarations produce.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Exit, Needs, Outcome, Ui, output_files, print, process, report_unusable};
use crate::cli::{DiffArgs, FailOn};
use crate::config::Overrides;
use crate::diag::{self, Counts, Format};
use crate::write;

/// One side of a comparison: a directory as it is, or the project at a git revision.
enum Version {
    Dir(PathBuf),
    Revision(crate::diff::Checkout),
}

impl Version {
    fn path(&self) -> &Path {
        match self {
            Self::Dir(dir) => dir,
            Self::Revision(checkout) => checkout.dir.path(),
        }
    }

    fn label(&self, working_tree: bool) -> String {
        match self {
            Self::Dir(_) if working_tree => "the working tree".to_owned(),
            Self::Dir(dir) => format!("`{}`", dir.display()),
            Self::Revision(checkout) => checkout.label(),
        }
    }

    /// `arg` as a directory if there is one, else as a git revision of the project in `.`.
    fn of(arg: &Path) -> Result<Self, String> {
        if arg.is_dir() {
            return Ok(Self::Dir(arg.to_path_buf()));
        }
        let shown = arg.display();
        let Some(revision) = arg.to_str() else {
            return Err(format!(
                "`{shown}` is neither a directory nor a git revision"
            ));
        };
        crate::diff::checkout(Path::new("."), revision)
            .map(Self::Revision)
            .map_err(|error| {
                format!("`{shown}` is neither a directory nor a git revision ({error:#})")
            })
    }
}

/// The two versions the arguments name.
fn versions(args: &DiffArgs) -> Result<(Version, Version), String> {
    match (&args.base, args.versions.as_slice()) {
        (Some(revision), dirs) if dirs.len() <= 1 => {
            let dir = dirs.first().cloned().unwrap_or_else(|| ".".into());
            if !dir.is_dir() {
                return Err(format!("`{}` is not a directory", dir.display()));
            }
            let base = crate::diff::checkout(&dir, revision).map_err(|e| format!("{e:#}"))?;
            Ok((Version::Revision(base), Version::Dir(dir)))
        }
        (None, [old, new]) => Ok((Version::of(old)?, Version::of(new)?)),
        _ => Err("give `--base REV [DIR]`, or two versions `OLD NEW` (each a directory or a git revision)".to_owned()),
    }
}

/// Compares two versions of a project.
pub(super) fn diff_command(args: &DiffArgs, ui: Ui) -> Exit {
    let (old, new) = match versions(args) {
        Ok(versions) => versions,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::Failure;
        }
    };
    let mut outcomes = Vec::new();
    for version in [&old, &new] {
        if matches!(version, Version::Revision(_))
            && !version.path().join(crate::config::BOOK_TOML).is_file()
        {
            eprintln!("error: {} has no `book.toml` here", version.label(false));
            return Exit::Failure;
        }
        match process(version.path(), &Overrides::default(), Needs::Project, ui) {
            Ok(outcome) if Counts::of(&outcome.diagnostics).errors == 0 => outcomes.push(outcome),
            Ok(outcome) => {
                if let Err(exit) = print(
                    &outcome.diagnostics,
                    &outcome.files,
                    &diag::Summary::default(),
                    Format::Human,
                ) {
                    return exit;
                }
                eprintln!(
                    "error: {} has errors; fix them to compare",
                    version.label(false)
                );
                return Exit::Problems;
            }
            Err(unusable) => return report_unusable(&unusable, Format::Human),
        }
    }
    let today = args.date.unwrap_or_else(super::today);
    let labels = (old.label(false), new.label(args.base.is_some()));
    let report = crate::diff::Report::new(
        (&outcomes[0].model, &outcomes[0].site),
        (&outcomes[1].model, &outcomes[1].site),
        labels,
        today,
    );
    let text = crate::diff::render(&report, args.format, args.stat, true);
    let mut out = anstream::stdout().lock();
    if let Err(exit) = super::written_out(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
    {
        return exit;
    }
    if args.fail_on == Some(FailOn::Material) && report.material() {
        eprintln!("error: material changes need notice (`--fail-on material`)");
        return Exit::Problems;
    }
    Exit::Success
}

/// `--frozen`: whether the build directory is exactly what a build would write now; the
/// files that differ are listed.
pub(super) fn frozen(outcome: &Outcome) -> anyhow::Result<bool> {
    let files = output_files(outcome);
    let drift = write::compare_dir(outcome.config.build_path(), &files)?;
    if drift.is_fresh() {
        return Ok(true);
    }
    let dir = outcome.config.build_dir.display();
    eprintln!(
        "error: `{dir}` is not what the declarations produce; run `privdoc build` and commit the result"
    );
    for (what, paths) in [
        ("missing", &drift.missing),
        ("extra", &drift.extra),
        ("changed", &drift.changed),
    ] {
        for path in paths {
            eprintln!("  {what:<8} {dir}/{path}");
        }
    }
    Ok(false)
}

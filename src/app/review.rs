//! `privdoc diff` and `privdoc check --frozen`: what changed, and whether the committed
//! output is what the declarations produce.

use std::io::Write;

use super::{Exit, Needs, Outcome, Ui, output_files, print, process, report_unusable};
use crate::cli::{DiffArgs, FailOn};
use crate::config::Overrides;
use crate::diag::{self, Counts, Format};
use crate::write;

/// Compares two versions of a project.
pub(super) fn diff_command(args: &DiffArgs, ui: Ui) -> Exit {
    let base_checkout;
    let (old_dir, new_dir) = match (&args.base, args.dirs.as_slice()) {
        (Some(revision), dirs) if dirs.len() <= 1 => {
            let dir = dirs.first().cloned().unwrap_or_else(|| ".".into());
            base_checkout = match crate::diff::checkout(&dir, revision) {
                Ok(checkout) => checkout,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    return Exit::Failure;
                }
            };
            (base_checkout.path().to_path_buf(), dir)
        }
        (None, [old, new]) => (old.clone(), new.clone()),
        _ => {
            eprintln!("error: give `--base REV [DIR]`, or two directories `OLD NEW`");
            return Exit::Failure;
        }
    };
    let mut versions = Vec::new();
    for dir in [&old_dir, &new_dir] {
        match process(dir, &Overrides::default(), Needs::Project, ui) {
            Ok(outcome) if Counts::of(&outcome.diagnostics).errors == 0 => versions.push(outcome),
            Ok(outcome) => {
                let which = if *dir == old_dir && args.base.is_some() {
                    "the base revision"
                } else {
                    "a version"
                };
                print(
                    &outcome.diagnostics,
                    &outcome.sources,
                    &diag::Summary::default(),
                    Format::Human,
                );
                eprintln!("error: {which} of the project has errors; fix them to compare");
                return Exit::Problems;
            }
            Err(unusable) => return report_unusable(&unusable, Format::Human),
        }
    }
    let today = args.date.unwrap_or_else(|| {
        jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date()
    });
    let report = crate::diff::Report::new(
        (&versions[0].model, &versions[0].site),
        (&versions[1].model, &versions[1].site),
        today,
    );
    let text = crate::diff::render(&report, args.format, args.stat, true);
    let _ = anstream::stdout().lock().write_all(text.as_bytes());
    if args.fail_on == Some(FailOn::Material) && report.material() {
        eprintln!("error: material changes need notice (`--fail-on material`)");
        return Exit::Problems;
    }
    Exit::Success
}

/// `--frozen`: whether the build directory is exactly what a build would write now; the
/// files that differ are listed.
pub(super) fn frozen(outcome: &Outcome) -> anyhow::Result<bool> {
    let files = output_files(outcome)?;
    let files: Vec<(String, &[u8])> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.as_ref()))
        .collect();
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

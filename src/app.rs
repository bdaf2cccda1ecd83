//! The commands: each runs the pipeline (config → load → render → check) and decides what
//! to print and which exit status to return. The only module that prints.

use std::io::Write;
use std::path::Path;

use crate::check;
use crate::cli::{BuildArgs, CheckArgs, Cli, Command, DiffArgs, FailOn, InitArgs, SchemaArgs};
use crate::config::{Config, Overrides};
use crate::diag::{self, Counts, Diagnostic, Format, SourceMap};
use crate::load;
use crate::render::{self, Site, Templates};
use crate::write;

/// How a run ended; `main` turns it into the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Done; warnings allowed.
    Success = 0,
    /// The content has problems (check errors).
    Problems = 1,
    /// Could not run: usage, configuration or IO.
    Failure = 2,
}

/// Runs the command line.
#[must_use]
pub fn run(cli: &Cli) -> Exit {
    if let Some(jobs) = cli.jobs
        && let Err(error) = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global()
    {
        eprintln!("error: cannot start {jobs} worker threads: {error}");
        return Exit::Failure;
    }
    let timer = Timer {
        verbose: cli.verbose,
        quiet: cli.quiet,
    };
    match &cli.command {
        Command::Build(args) => build(args, timer),
        Command::Check(args) => check_command(args, timer),
        Command::Diff(args) => diff_command(args, timer),
        #[cfg(feature = "serve")]
        Command::Serve(args) => {
            let address = std::net::SocketAddr::new(args.bind, args.port);
            match crate::serve::serve(&args.dir, address, args.open, timer) {
                Ok(()) => Exit::Success,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    Exit::Failure
                }
            }
        }
        Command::Init(args) => init(args, timer),
        Command::Schema(args) => schema(args),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "privdoc", &mut std::io::stdout());
            Exit::Success
        }
        Command::Man => {
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            match man.render(&mut std::io::stdout()) {
                Ok(()) => Exit::Success,
                Err(error) => {
                    eprintln!("error: failed to write the manual page: {error}");
                    Exit::Failure
                }
            }
        }
    }
}

fn init(args: &InitArgs, ui: Timer) -> Exit {
    match crate::scaffold::create(&args.dir, args.force) {
        Ok(files) => {
            for file in files {
                ui.status(&format!("created {}", args.dir.join(file).display()));
            }
            ui.status(&format!(
                "next: `privdoc check {}`, then `privdoc build {0}`",
                args.dir.display()
            ));
            Exit::Success
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            Exit::Failure
        }
    }
}

/// The schemas of `book.toml` and of the declarations, from the types that read them.
fn schema(args: &SchemaArgs) -> Exit {
    let mut schemas = vec![("book.schema.json", crate::config::schema())];
    schemas.extend(load::schemas());
    let Some(out) = &args.out else {
        let all: serde_json::Map<String, serde_json::Value> = schemas
            .into_iter()
            .map(|(name, s)| (name.to_owned(), s))
            .collect();
        let text = serde_json::to_string_pretty(&all).expect("a JSON value always serializes");
        println!("{text}");
        return Exit::Success;
    };
    let written = std::fs::create_dir_all(out).and_then(|()| {
        schemas.iter().try_for_each(|(name, schema)| {
            let text =
                serde_json::to_string_pretty(schema).expect("a JSON value always serializes");
            std::fs::write(out.join(name), text + "\n")
        })
    });
    match written {
        Ok(()) => Exit::Success,
        Err(error) => {
            eprintln!(
                "error: failed to write the schemas to `{}`: {error}",
                out.display()
            );
            Exit::Failure
        }
    }
}

/// A spinner naming the current stage. It appears only on a terminal, only once the work
/// has taken more than a second, and never with `-q`; it is gone before findings print.
struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    fn start(quiet: bool) -> Self {
        let bar = indicatif::ProgressBar::hidden();
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        if !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            let delayed = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(1));
                if !delayed.is_finished() {
                    delayed.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    delayed.enable_steady_tick(std::time::Duration::from_millis(100));
                }
            });
        }
        Self { bar }
    }

    fn stage(&self, name: &'static str) {
        self.bar.set_message(name);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// What the run says besides findings: stage times with `-v`, nothing extra with `-q`.
#[derive(Debug, Clone, Copy)]
pub struct Timer {
    verbose: bool,
    quiet: bool,
}

impl Timer {
    /// A status line on stderr, unless `-q`.
    pub fn status(self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// Runs `stage`, printing its name and duration with `-v`.
    pub fn stage<T>(self, name: &str, stage: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let value = stage();
        if self.verbose {
            eprintln!(
                "{name:>8} {:>8.1} ms",
                start.elapsed().as_secs_f64() * 1000.0
            );
        }
        value
    }
}

/// What the pipeline produced for a project.
pub struct Outcome {
    /// The settings.
    pub config: Config,
    /// Every file read, for printing diagnostics.
    pub sources: SourceMap,
    /// The declarations.
    pub model: crate::model::Model,
    /// The rendered site.
    pub site: Site,
    /// Every finding, sorted, with the project's levels applied.
    pub diagnostics: Vec<Diagnostic>,
    /// What the checks counted; `None` when loading failed and the checks did not run.
    pub summary: Option<check::Summary>,
}

/// The pipeline failed before producing a site: a configuration problem (exit 2).
pub struct Unusable {
    /// Files read so far.
    pub sources: SourceMap,
    /// Why.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads, renders and checks the project in `dir`. Writes nothing.
pub fn process(dir: &Path, overrides: &Overrides, timer: Timer) -> Result<Outcome, Box<Unusable>> {
    let mut sources = SourceMap::default();
    let config = match Config::load(dir, overrides, &mut sources) {
        Ok(config) => config,
        Err(diagnostics) => {
            return Err(Box::new(Unusable {
                sources,
                diagnostics,
            }));
        }
    };
    let progress = Progress::start(timer.quiet);
    progress.stage("loading");
    let loaded = timer.stage("load", || load::load(&config, &mut sources));
    let (templates, mut diagnostics) = Templates::new(&loaded.templates, &mut sources);
    diagnostics.extend(loaded.diagnostics);
    progress.stage("rendering");
    let (site, rendered) = timer.stage("render", || {
        render::render(&loaded.model, &config, &templates)
    });
    diagnostics.extend(rendered);
    // Checks on a partly loaded site would report noise (a "broken link" to the page of a
    // service that failed to parse): they run once every file loads and every page renders.
    let summary = if diagnostics
        .iter()
        .any(|d| d.code.is_structural() && d.severity == diag::Severity::Error)
    {
        None
    } else {
        progress.stage("checking");
        let report = timer.stage("check", || check::run(&loaded.model, &site, &config));
        diagnostics.extend(report.diagnostics);
        Some(report.summary)
    };
    check::apply_levels(&mut diagnostics, &config.checks);
    timer.stage("sort", || diag::sort(&mut diagnostics, &sources));
    Ok(Outcome {
        config,
        sources,
        model: loaded.model,
        site,
        diagnostics,
        summary,
    })
}

fn build(args: &BuildArgs, timer: Timer) -> Exit {
    let overrides = Overrides {
        dest_dir: args.dest_dir.clone(),
        allow_external_build_dir: args.allow_external_build_dir,
    };
    let outcome = match process(&args.dir, &overrides, timer) {
        Ok(outcome) => outcome,
        Err(unusable) => return report_unusable(&unusable, args.format),
    };
    let counts = report(&outcome, args.format, timer);
    if fails(counts, args.deny_warnings) {
        eprintln!(
            "error: {}; nothing was written",
            summary(counts, outcome.summary.as_ref())
        );
        return Exit::Problems;
    }
    let files = match output_files(&outcome) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Exit::Failure;
        }
    };
    let files: Vec<(String, &[u8])> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.as_slice()))
        .collect();
    let build_dir = outcome.config.build_path();
    if let Err(error) = timer.stage("write", || write::replace_dir(&build_dir, &files)) {
        eprintln!("error: {error:#}");
        return Exit::Failure;
    }
    timer.status(&format!(
        "wrote {} to `{}`: {}",
        plural(outcome.site.pages.len(), "page"),
        outcome.config.build_dir.display(),
        summary(counts, outcome.summary.as_ref())
    ));
    Exit::Success
}

fn check_command(args: &CheckArgs, timer: Timer) -> Exit {
    let outcome = match process(&args.dir, &Overrides::default(), timer) {
        Ok(outcome) => outcome,
        Err(unusable) => return report_unusable(&unusable, args.format),
    };
    let counts = report(&outcome, args.format, timer);
    timer.status(&format!(
        "checked {}",
        summary(counts, outcome.summary.as_ref())
    ));
    if args.frozen {
        match frozen(&outcome) {
            Ok(true) => {}
            Ok(false) => return Exit::Problems,
            Err(error) => {
                eprintln!("error: {error:#}");
                return Exit::Failure;
            }
        }
    }
    if fails(counts, args.deny_warnings) {
        Exit::Problems
    } else {
        Exit::Success
    }
}

fn diff_command(args: &DiffArgs, timer: Timer) -> Exit {
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
        match process(dir, &Overrides::default(), timer) {
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
fn frozen(outcome: &Outcome) -> anyhow::Result<bool> {
    let files = output_files(outcome)?;
    let files: Vec<(String, &[u8])> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.as_slice()))
        .collect();
    let drift = write::compare_dir(&outcome.config.build_path(), &files)?;
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

/// Every file of the build directory, sorted: the rendered site, and the content
/// directory's other files (images) copied beside the pages in each output.
pub fn output_files(outcome: &Outcome) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let assets = load::read_assets(&outcome.config, &outcome.model.assets)?;
    let mut files: Vec<(String, Vec<u8>)> = outcome
        .site
        .files(&outcome.config)
        .into_iter()
        .map(|(path, bytes)| (path, bytes.to_vec()))
        .collect();
    for output in &outcome.config.outputs {
        let dir = match output {
            crate::config::Output::Markdown => "markdown",
            crate::config::Output::Html => "html",
        };
        files.extend(
            assets
                .iter()
                .map(|(path, bytes)| (format!("{dir}/{path}"), bytes.clone())),
        );
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// Prints a run's findings and returns their counts.
fn report(outcome: &Outcome, format: Format, timer: Timer) -> Counts {
    let covered = outcome.summary.unwrap_or_default();
    timer.stage("report", || {
        print(&outcome.diagnostics, &outcome.sources, &covered, format);
    });
    Counts::of(&outcome.diagnostics)
}

/// Errors fail a run; with `--deny-warnings`, warnings do too.
fn fails(counts: Counts, deny_warnings: bool) -> bool {
    counts.errors > 0 || (deny_warnings && counts.warnings > 0)
}

fn report_unusable(unusable: &Unusable, format: Format) -> Exit {
    print(
        &unusable.diagnostics,
        &unusable.sources,
        &diag::Summary::default(),
        format,
    );
    eprintln!("error: could not run: the configuration is invalid");
    Exit::Failure
}

/// Prints findings: for people on stderr (coloured on a terminal, never with `NO_COLOR`),
/// for programs on stdout.
fn print(diagnostics: &[Diagnostic], sources: &SourceMap, summary: &diag::Summary, format: Format) {
    // anstream strips the colours when the stream is not a terminal or NO_COLOR is set.
    let text = diag::render(format, diagnostics, sources, summary, true);
    let _ = if format.is_machine_readable() {
        anstream::stdout().lock().write_all(text.as_bytes())
    } else {
        anstream::stderr().lock().write_all(text.as_bytes())
    };
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "11 pages, 52 links (38 not checked offline): 1 error, 2 warnings".
fn summary(counts: Counts, covered: Option<&diag::Summary>) -> String {
    let findings = match (counts.errors, counts.warnings) {
        (0, 0) => "no problems".to_owned(),
        (errors, 0) => plural(errors, "error"),
        (0, warnings) => plural(warnings, "warning"),
        (errors, warnings) => format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    };
    match covered {
        Some(covered) => format!(
            "{}, {} ({} not checked offline): {findings}",
            plural(covered.pages, "page"),
            plural(covered.links_checked + covered.links_unchecked, "link"),
            covered.links_unchecked
        ),
        None => findings,
    }
}

//! The commands: each runs the pipeline (config → load → render → check) and decides what
//! to print and which exit status to return. The only module that prints.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

mod authoring;
mod cache;
mod feed;
mod interop;
mod review;
#[cfg(feature = "serve")]
mod serve;

use crate::check;
use crate::cli::{BuildArgs, CheckArgs, Cli, Command};
use crate::config::{Config, Overrides};
use crate::diag::{self, Counts, Diagnostic, Format, SourceMap, plural};
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
    let jobs = cli.jobs.map(|jobs| jobs.min(max_jobs()));
    if let Err(error) = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0)) // 0: rayon's choice, one per core
        .build_global()
    {
        let jobs = jobs.map_or_else(|| "the".to_owned(), |jobs| jobs.to_string());
        eprintln!("error: cannot start {jobs} worker threads: {error}");
        return Exit::Failure;
    }
    let ui = Ui {
        verbose: cli.verbose,
        quiet: cli.quiet,
    };
    match &cli.command {
        Command::Build(args) => build(args, ui),
        Command::Check(args) => check_command(args, ui),
        Command::Diff(args) => review::diff_command(args, ui),
        #[cfg(feature = "serve")]
        Command::Serve(args) => {
            let address = std::net::SocketAddr::new(args.bind, args.port);
            exit(serve::serve(&args.dir, address, args.open, ui))
        }
        Command::Init(args) => authoring::init(args, ui),
        Command::Schema(args) => authoring::schema(args),
        Command::Export(args) => interop::export(args, ui),
        Command::Mdbook(args) => interop::mdbook(args, ui),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "privdoc", &mut std::io::stdout());
            Exit::Success
        }
        Command::Man(args) => exit(authoring::man(args.out.as_deref())),
    }
}

/// Today's date (UTC): what `stale-review` measures from. `SOURCE_DATE_EPOCH` (the
/// reproducible-builds convention) fixes it, so a check of the same input reports the
/// same findings on any day.
#[must_use]
pub fn today() -> jiff::civil::Date {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|epoch| epoch.trim().parse::<i64>().ok())
        .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    jiff::tz::TimeZone::UTC.to_datetime(now).date()
}

/// The most worker threads `-j` starts: more than a few per core only adds switching
/// (`-j 10000` took 40 s on 14 pages).
fn max_jobs() -> usize {
    std::thread::available_parallelism().map_or(4, |cores| cores.get() * 4)
}

/// Success, or the error with its causes and exit 2 (could not run).
fn exit(result: anyhow::Result<()>) -> Exit {
    match result {
        Ok(()) => Exit::Success,
        Err(error) => {
            eprintln!("error: {error:#}");
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
pub struct Ui {
    verbose: bool,
    quiet: bool,
}

impl Ui {
    /// No status lines and no stage times.
    pub(crate) const QUIET: Self = Self {
        verbose: false,
        quiet: true,
    };

    /// A status line on stderr, unless `-q`.
    pub fn status(self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// Runs `stage`, printing its name, its duration and the peak memory so far with `-v`.
    pub fn stage<T>(self, name: &str, stage: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let value = stage();
        if self.verbose {
            let peak = peak_memory().map_or_else(String::new, |kib| {
                format!("  (peak memory {} MB)", kib / 1024)
            });
            eprintln!(
                "{name:>8} {:>8.1} ms{peak}",
                start.elapsed().as_secs_f64() * 1000.0
            );
        }
        value
    }
}

/// The process's peak resident memory in KiB, where the system tells (Linux).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What the pipeline produced for a project.
pub struct Outcome {
    /// The settings.
    pub config: Config,
    /// Every file read, for printing diagnostics.
    pub files: SourceMap,
    /// The declarations.
    pub model: crate::model::Model,
    /// The rendered site.
    pub site: Site,
    /// The templates it was rendered with (`None` when the findings came from the cache).
    pub(crate) templates: Option<Templates>,
    /// Every finding, sorted, with the project's levels applied.
    pub diagnostics: Vec<Diagnostic>,
    /// What the checks counted; `None` when loading failed and the checks did not run.
    pub summary: Option<check::Summary>,
    /// The report stored for these files on disk, printed instead of the findings (which
    /// are then not loaded).
    pub(crate) replayed: Option<cache::Stored>,
    /// Where this run's report is stored for the next run of the same files.
    pub(crate) replay: Option<cache::Replay>,
    /// The build being written, its pages' HTML in it already (`stream_html`).
    pub(crate) staging: Option<Staged>,
}

/// The pipeline could not run (exit 2): no such project, or a configuration problem.
pub struct Unusable {
    /// Files read so far.
    pub files: SourceMap,
    /// The configuration's problems, located.
    pub diagnostics: Vec<Diagnostic>,
    /// Why the run stopped, in one sentence.
    pub reason: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Unusable {
    fn new(reason: String, hint: Option<&str>) -> Self {
        Self {
            files: SourceMap::default(),
            diagnostics: Vec::new(),
            reason,
            hint: hint.map(str::to_owned),
        }
    }
}

/// What a command needs of the directory it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// A privdoc project, with its `book.toml` (`build`, `serve`, `diff`).
    Project,
    /// Any Markdown tree, with or without `book.toml`, as long as it has something to
    /// check (`check`).
    Tree,
}

/// Whether `dir` has a `book.toml`, once it is known to be a directory that `needs` accepts.
fn has_book(dir: &Path, needs: Needs) -> Result<bool, Box<Unusable>> {
    let shown = dir.display();
    if !dir.is_dir() {
        let reason = if dir.exists() {
            format!("`{shown}` is not a directory")
        } else {
            format!("`{shown}` does not exist")
        };
        return Err(Box::new(Unusable::new(reason, None)));
    }
    let has_book = dir.join(crate::config::BOOK_TOML).is_file();
    if needs == Needs::Project && !has_book {
        return Err(Box::new(Unusable::new(
            format!("`{shown}` has no `book.toml`, so it is not a privdoc project"),
            Some(
                "`privdoc init DIR` starts a project; `privdoc check DIR` checks any Markdown tree",
            ),
        )));
    }
    Ok(has_book)
}

/// Loads, renders and checks the project in `dir`. Writes nothing but the check cache.
pub fn process(
    dir: &Path,
    overrides: &Overrides,
    needs: Needs,
    ui: Ui,
) -> Result<Outcome, Box<Unusable>> {
    let shown = dir.display();
    let has_book = has_book(dir, needs)?;
    let mut files = SourceMap::default();
    files.set_base(relative_to_current_dir(dir));
    let mut config = Config::load(dir, overrides, &mut files)
        .map_err(|diagnostics| Box::new(invalid_config(diagnostics, std::mem::take(&mut files))))?;
    // The pages link to the change feed when the build will write one: in git, once a
    // commit has touched the content. git is asked beside the walk and the read: the
    // search of a long history for content it never held takes milliseconds.
    let in_history = overrides.feed.then(|| {
        let (dir, src) = (dir.to_path_buf(), config.src.clone());
        std::thread::spawn(move || {
            crate::diff::history(&dir, &src, 1).is_some_and(|revisions| !revisions.is_empty())
        })
    });
    let has_history = move || in_history.is_some_and(|asked| asked.join().unwrap_or(false));
    let progress = Progress::start(ui.quiet);
    progress.stage("loading");
    let today = today();
    let scan = ui.stage("walk", || load::scan(&config, &mut files));
    let (replay, replayed) = replay(&config, &files, &scan, overrides, today, ui);
    if let Some(stored) = replayed {
        config.changes_feed = has_history();
        return Ok(Outcome {
            summary: Some(stored.summary),
            replayed: Some(stored),
            ..Outcome::new(config, files)
        });
    }
    let read = ui.stage("read", || load::read(&config, scan, &mut files));
    config.changes_feed = has_history();
    let (templates, mut diagnostics) = Templates::new(&read.templates, &mut files);
    let (html, html_after_checks) = when_html(&config, &templates, overrides);
    let (cache, stored) = cached(&config, &files, &read, today, html, overrides, ui);
    // A check of unchanged inputs is done; a build still has its pages to make.
    let stored = match stored {
        Some((diagnostics, summary)) if overrides.checks_only => {
            return Ok(Outcome {
                diagnostics,
                summary: Some(summary),
                replay,
                ..Outcome::new(config, files)
            });
        }
        stored => stored,
    };
    let loaded = ui.stage("load", || load::resolve(read, &files));
    if !has_book && loaded.model.is_empty() && loaded.diagnostics.is_empty() {
        return Err(Box::new(Unusable::new(
            format!("`{shown}` has no `book.toml` and no Markdown pages: nothing to check"),
            None,
        )));
    }
    diagnostics.extend(loaded.diagnostics);
    progress.stage("rendering");
    let (mut site, rendered) = ui.stage("render", || {
        render::render(&loaded.model, &config, &templates, html)
    });
    diagnostics.extend(rendered);
    // A build writes each page's HTML to its staging directory as it is rendered. One
    // that cannot be staged holds its HTML, and the write refuses it as before.
    let staging = (overrides.stream_html && html_after_checks)
        .then(|| write::Staging::new(config.build_path()).ok())
        .flatten()
        .map(|staging| Staged::new(staging, cache.clone()));
    let out = staging.as_ref();
    let stages = Stages {
        model: &loaded.model,
        config: &config,
        templates: &templates,
        files: &files,
        today,
        ui,
        html_after_checks,
        out,
    };
    let summary = stages.findings(
        &mut site,
        &mut diagnostics,
        stored,
        cache.as_ref(),
        &progress,
    );
    Ok(Outcome {
        config,
        files,
        model: loaded.model,
        site,
        templates: Some(templates),
        diagnostics,
        summary,
        replayed: None,
        replay,
        staging,
    })
}

/// Whether a run renders its pages' HTML with them, and whether after the checks. A run
/// that writes no HTML renders none, unless a project's own layout must be tried on
/// every page for its errors: the report is the same either way. With privdoc's own
/// layout, which renders every page without error, a build renders its HTML after the
/// checks, once they have freed their memory.
fn when_html(config: &Config, templates: &Templates, overrides: &Overrides) -> (bool, bool) {
    let writes_html = config.writes(crate::config::Output::Html);
    let with_pages = writes_html && !templates.layout_is_built_in();
    (
        with_pages,
        writes_html && !overrides.checks_only && !with_pages,
    )
}

/// With the cache on: the entry of this run's inputs, and the findings it holds for them.
fn cached(
    config: &Config,
    files: &SourceMap,
    read: &load::Read,
    today: jiff::civil::Date,
    html: bool,
    overrides: &Overrides,
    ui: Ui,
) -> (
    Option<cache::Entry>,
    Option<(Vec<Diagnostic>, check::Summary)>,
) {
    let run = cache::Run {
        build: !overrides.checks_only,
        html,
        feed: config.changes_feed,
    };
    let cache = overrides
        .cache
        .then(|| cache::Entry::new(&config.root, files, read, today, run))
        .flatten();
    let stored = cache
        .as_ref()
        .and_then(|entry| ui.stage("cache", || entry.get(files)));
    (cache, stored)
}

/// A build's staging directory, noting what each file made from the pages holds when the
/// cache is on: a build of the same inputs keeps those files, if they still hold it,
/// instead of making them again.
pub(crate) struct Staged {
    staging: write::Staging,
    /// The cache entry of the build's inputs, the files are stored under.
    entry: Option<cache::Entry>,
    made: std::sync::Mutex<Vec<cache::HtmlFile>>,
}

impl Staged {
    fn new(staging: write::Staging, entry: Option<cache::Entry>) -> Self {
        Self {
            staging,
            entry,
            made: std::sync::Mutex::default(),
        }
    }

    /// Puts the previous build's files made from the pages in this build, if they are
    /// stored for these inputs and each, once put, is still what was stored; whether it
    /// did. If one is not, none is kept: the pages are rendered instead.
    fn keep(&self) -> bool {
        let Some(stored) = self.entry.as_ref().and_then(cache::Entry::html) else {
            return false;
        };
        let kept = stored
            .par_iter()
            .all(|file| self.staging.keep_if(file.path(), |put| file.is_at(put)));
        if !kept {
            stored
                .par_iter()
                .for_each(|file| self.staging.discard(file.path()));
        }
        kept
    }

    /// Puts the rest of the build's `files` and swaps the whole in for the build
    /// directory; then stores what its pages made, for the next build (a failure to is
    /// given back beside what was written).
    fn complete(
        self,
        files: &[(String, write::Contents<'_>)],
    ) -> anyhow::Result<(write::Written, std::io::Result<()>)> {
        let written = self.staging.complete(files)?;
        let made = self
            .made
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stored = match self.entry {
            Some(entry) if !made.is_empty() => entry.put_html(made),
            _ => Ok(()),
        };
        Ok((written, stored))
    }
}

impl render::HtmlOut for Staged {
    fn put_html(&self, path: &str, html: &str) {
        self.staging
            .put(path, &write::Contents::Bytes(html.as_bytes()));
        if self.entry.is_some() {
            let file = cache::HtmlFile::of(path, html.as_bytes());
            self.made
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(file);
        }
    }
}

/// What the checks and the HTML of a loaded and rendered site read.
struct Stages<'a> {
    model: &'a crate::model::Model,
    config: &'a Config,
    templates: &'a Templates,
    files: &'a SourceMap,
    today: jiff::civil::Date,
    ui: Ui,
    /// A build with privdoc's own layout: every page's HTML is rendered with the checks
    /// or after them, not with the Markdown.
    html_after_checks: bool,
    /// Where the HTML goes as it is rendered (a build's staging directory), only ever
    /// with `html_after_checks`.
    out: Option<&'a Staged>,
}

impl<'a> Stages<'a> {
    /// The run's findings, suppressed, levelled and sorted (with the HTML's, when it is
    /// rendered now), and what the checks counted: the `stored` ones when the cache holds
    /// them, which then only leaves the HTML to render.
    fn findings(
        &self,
        site: &mut Site,
        diagnostics: &mut Vec<Diagnostic>,
        stored: Option<(Vec<Diagnostic>, check::Summary)>,
        cache: Option<&cache::Entry>,
        progress: &Progress,
    ) -> Option<check::Summary> {
        if let Some((found, summary)) = stored {
            // The stored findings are this run's: those met so far and the HTML's. So is
            // the HTML the last build of these inputs made, if it is still in place.
            if self.html_after_checks && !self.keep_html(site) {
                self.html(site);
            }
            *diagnostics = found;
            return Some(summary);
        }
        // A build that writes its HTML as it goes renders each page from the checks' parse.
        let html = self
            .out()
            .map(|out| render::HtmlPages::new(self.model, self.config, self.templates, Some(out)));
        let (summary, made) = self.check(site, diagnostics, progress, html.as_ref());
        // The pages' HTML was made with the checks (`made` comes only with `html`), or
        // is made now.
        match (made, &html) {
            (Some(made), Some(html)) => {
                let found = self.ui.stage("html", || html.finish(made, site));
                diagnostics.extend(found);
            }
            _ if self.html_after_checks => diagnostics.extend(self.html(site)),
            _ => {}
        }
        settle(
            diagnostics,
            summary,
            self.files,
            self.config,
            cache,
            self.ui,
        )
    }

    /// Where the HTML goes as it is rendered, as the renderer takes it.
    fn out(&self) -> Option<&'a dyn render::HtmlOut> {
        self.out.map(|out| out as &dyn render::HtmlOut)
    }

    /// Renders every page's HTML, from a parse of its own.
    fn html(&self, site: &mut Site) -> Vec<Diagnostic> {
        self.ui.stage("html", || {
            render::add_html(site, self.model, self.config, self.templates, self.out())
        })
    }

    /// Puts the HTML the last build of the same inputs made from the pages in this one,
    /// if it is still in place as it was made, with the layout's files; whether it did.
    fn keep_html(&self, site: &mut Site) -> bool {
        let Some(out) = self.out else {
            return false;
        };
        let kept = self.ui.stage("keep", || out.keep());
        if kept {
            render::add_layout_files(site, self.config, self.templates);
        }
        kept
    }

    /// Runs the checks on `site`, adding their findings to `diagnostics`, and renders
    /// each page's HTML with `html` from the checks' parse of it; `None` when a file
    /// failed to load or a page to render. Checks on a partly loaded site would report
    /// noise (a "broken link" to the page of a service that failed to parse).
    fn check(
        &self,
        site: &Site,
        diagnostics: &mut Vec<Diagnostic>,
        progress: &Progress,
        html: Option<&render::HtmlPages<'_>>,
    ) -> (Option<check::Summary>, Option<render::Made>) {
        if diagnostics
            .iter()
            .any(|d| d.code.is_structural() && d.severity == diag::Severity::Error)
        {
            return (None, None);
        }
        progress.stage("checking");
        let (report, made) = self.ui.stage("check", || {
            check::run(
                self.model,
                site,
                self.config,
                self.files,
                self.today,
                |page, body| html.map(|html| html.page(page, body)),
                |pages| {
                    html.map(|_| {
                        let mut made = render::Made::default();
                        made.extend(pages.into_iter().flatten());
                        made
                    })
                },
            )
        });
        if diagnostics.is_empty() {
            *diagnostics = report.diagnostics; // not copied
        } else {
            diagnostics.extend(report.diagnostics);
        }
        (Some(report.summary), made)
    }
}

/// Applies the project's suppressions and levels to a run's findings, sorts them, and
/// stores them in `cache` when the checks ran.
fn settle(
    diagnostics: &mut Vec<Diagnostic>,
    summary: Option<check::Summary>,
    files: &SourceMap,
    config: &Config,
    cache: Option<&cache::Entry>,
    ui: Ui,
) -> Option<check::Summary> {
    let suppressed = check::apply_suppressions(diagnostics, files, summary.is_some());
    let summary = summary.map(|summary| check::Summary {
        suppressed,
        ..summary
    });
    check::apply_levels(diagnostics, &config.checks);
    ui.stage("sort", || diag::sort(diagnostics, files));
    if let (Some(entry), Some(summary)) = (cache, &summary)
        && let Err(error) = ui.stage("store", || entry.put(diagnostics, summary))
        && ui.verbose
    {
        eprintln!("note: the findings were not cached: {error}");
    }
    summary
}

impl Outcome {
    /// An outcome of no findings, nothing loaded and nothing rendered.
    fn new(config: Config, files: SourceMap) -> Self {
        Self {
            config,
            files,
            model: crate::model::Model::default(),
            site: Site::default(),
            templates: None,
            diagnostics: Vec::new(),
            summary: None,
            replayed: None,
            replay: None,
            staging: None,
        }
    }
}

/// The run stops at the configuration's problems.
fn invalid_config(mut diagnostics: Vec<Diagnostic>, files: SourceMap) -> Unusable {
    diag::sort(&mut diagnostics, &files);
    Unusable {
        files,
        diagnostics,
        reason: "could not run: the configuration is invalid".to_owned(),
        hint: None,
    }
}

/// With the cache on and a plain report: where this run's report is stored for the files
/// as they are on disk, and the report stored there if they have not changed since.
fn replay(
    config: &Config,
    files: &SourceMap,
    scan: &load::Scan,
    overrides: &Overrides,
    today: jiff::civil::Date,
    ui: Ui,
) -> (Option<cache::Replay>, Option<cache::Stored>) {
    let replay = overrides
        .report
        .filter(|_| overrides.cache)
        .and_then(|format| {
            let name = clap::ValueEnum::to_possible_value(&format)?;
            cache::Replay::new(&config.root, files, scan, today, name.get_name())
        });
    let stored = replay
        .as_ref()
        .and_then(|replay| ui.stage("replay", || replay.get()));
    (replay, stored)
}

/// `value`, never freed: a command's site, findings and files are held until the process
/// exits right after the command returns, and freeing them first, a small allocation at a
/// time on one thread, only delays the exit (at 10,000 pages by ~0.1 s). For `build` and
/// `check` only; `serve` runs many builds in one process and frees each.
fn until_exit<T>(value: T) -> std::mem::ManuallyDrop<T> {
    std::mem::ManuallyDrop::new(value)
}

fn build(args: &BuildArgs, ui: Ui) -> Exit {
    let overrides = Overrides {
        dest_dir: args.dest_dir.clone(),
        allow_external_build_dir: args.allow_external_build_dir,
        cache: !args.no_cache,
        feed: true,
        stream_html: true,
        ..Overrides::default()
    };
    let mut outcome = match process(&args.dir, &overrides, Needs::Project, ui) {
        Ok(outcome) => until_exit(outcome),
        Err(unusable) => return report_unusable(&unusable, args.format),
    };
    // Freed on every way out: a build that stops before the write removes what it staged.
    let staging = outcome.staging.take();
    feed::add(&args.dir, &mut outcome, ui);
    let counts = match report(&outcome, args.format, ui) {
        Ok(counts) => counts,
        Err(exit) => return exit,
    };
    if fails(counts, args.deny_warnings) {
        eprintln!(
            "error: {}; nothing was written",
            summary(counts, outcome.summary.as_ref())
        );
        return Exit::Problems;
    }
    let files = until_exit(output_files(&outcome));
    let build_dir = outcome.config.build_path();
    let written = ui.stage("write", || match staging {
        Some(staging) => staging.complete(&files),
        None => write::replace_dir(build_dir, &files).map(|written| (written, Ok(()))),
    });
    match written {
        Ok((written, stored)) => {
            if let Some(leftover) = written.leftover {
                eprintln!("warning: {leftover}; the next build removes it");
            }
            if let Err(error) = stored
                && ui.verbose
            {
                eprintln!("note: the pages' HTML was not cached: {error}");
            }
        }
        Err(error) => {
            eprintln!("error: {error:#}; nothing was written");
            return Exit::Failure;
        }
    }
    ui.status(&format!(
        "wrote {} to `{}`: {}",
        plural(outcome.site.pages.len(), "page"),
        outcome.config.build_dir.display(),
        summary(counts, outcome.summary.as_ref())
    ));
    Exit::Success
}

fn check_command(args: &CheckArgs, ui: Ui) -> Exit {
    // A baseline that cannot be read stops the run before the work, not after it.
    let baseline = match args.baseline.as_deref().map(read_baseline).transpose() {
        Ok(baseline) => baseline,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Exit::Failure;
        }
    };
    let whole = args.baseline.is_none() && args.write_baseline.is_none();
    let overrides = Overrides {
        checks_only: !args.frozen,
        cache: !args.frozen && !args.no_cache,
        feed: args.frozen,
        report: (whole && !styled(args.format)).then_some(args.format),
        ..Overrides::default()
    };
    let mut kept = match process(&args.dir, &overrides, Needs::Tree, ui) {
        Ok(outcome) => until_exit(outcome),
        Err(unusable) => return report_unusable(&unusable, args.format),
    };
    let outcome: &mut Outcome = &mut kept;
    if let (Some(path), Some(_)) = (&args.write_baseline, &outcome.summary) {
        return exit(write_baseline(path, outcome, ui));
    }
    if let (Some(baseline), Some(summary)) = (&baseline, &mut outcome.summary) {
        summary.baseline = Some(baseline.filter(&mut outcome.diagnostics, &outcome.files));
    }
    let counts = match report(outcome, args.format, ui) {
        Ok(counts) => counts,
        Err(exit) => return exit,
    };
    if let Some(compared) = outcome.summary.and_then(|s| s.baseline) {
        let fixed = match compared.fixed {
            0 => String::new(),
            1 => "; 1 entry is fixed: `--write-baseline` shrinks the file".to_owned(),
            n => format!("; {n} entries are fixed: `--write-baseline` shrinks the file"),
        };
        ui.status(&format!(
            "baseline: {} not reported{fixed}",
            plural(compared.known, "known finding")
        ));
    }
    ui.status(&match &outcome.summary {
        Some(covered) => format!("checked {}", summary(counts, Some(covered))),
        None => format!(
            "{}; the checks run once every file loads{}",
            counts.sentence(),
            if args.write_baseline.is_some() {
                ", and no baseline was written"
            } else {
                ""
            }
        ),
    });
    if args.frozen {
        feed::add(&args.dir, outcome, ui);
        match review::frozen(outcome) {
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

/// Reads the baseline at `path`.
fn read_baseline(path: &Path) -> anyhow::Result<diag::Baseline> {
    use anyhow::Context as _;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline `{}`", path.display()))?;
    diag::Baseline::parse(&text).map_err(|problem| {
        anyhow::anyhow!(
            "`{}` is {problem}; `privdoc check --write-baseline FILE` writes one",
            path.display()
        )
    })
}

/// Records the run's findings in the baseline at `path`, replacing it whole or not at all.
fn write_baseline(path: &Path, outcome: &Outcome, ui: Ui) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let baseline = diag::Baseline::record(&outcome.diagnostics, &outcome.files);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write the baseline into `{}`", dir.display()))?;
    file.write_all(baseline.to_json().as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write the baseline `{}`", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot write the baseline `{}`", path.display()))?;
    let recorded = Counts::of(&outcome.diagnostics);
    ui.status(&format!(
        "recorded {} in `{}`; `privdoc check --baseline {}` reports only new ones",
        recorded.sentence(),
        path.display(),
        path.display()
    ));
    Ok(())
}

/// Every file of the build directory, sorted: the rendered site, borrowed (the site is
/// the largest thing in memory), and the content directory's other files (images), copied
/// beside the pages in each output by `write` itself.
pub(crate) fn output_files(outcome: &Outcome) -> Vec<(String, write::Contents<'_>)> {
    let mut files: Vec<(String, write::Contents<'_>)> = outcome
        .site
        .files(&outcome.config)
        .into_iter()
        .map(|(path, bytes)| (path, write::Contents::Bytes(bytes)))
        .collect();
    let src = outcome.config.src_dir();
    for output in &outcome.config.outputs {
        let dir = output.dir();
        files.extend(outcome.model.assets.iter().map(|asset| {
            (
                format!("{dir}/{asset}"),
                write::Contents::Copy(src.join(asset)),
            )
        }));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Prints a run's findings and returns their counts; a report that cannot be written
/// fails the run (exit 2).
fn report(outcome: &Outcome, format: Format, ui: Ui) -> Result<Counts, Exit> {
    if let Some(stored) = &outcome.replayed {
        ui.stage("report", || {
            // Not through `plain_stream`: the kernel copies into the stream itself.
            written_out(if format.is_machine_readable() {
                stored.print(&mut std::io::stdout().lock())
            } else {
                stored.print(&mut std::io::stderr().lock())
            })
        })?;
        return Ok(stored.counts);
    }
    let covered = outcome.summary.unwrap_or_default();
    let counts = Counts::of(&outcome.diagnostics);
    ui.stage("report", || match (&outcome.replay, &outcome.summary) {
        (Some(replay), Some(summary)) => {
            let printed = plain_stream(format, |out| {
                replay.put(counts, summary, out, |tee| {
                    render(
                        tee,
                        format,
                        &outcome.diagnostics,
                        &outcome.files,
                        summary,
                        false,
                    )
                })
            });
            if let Ok(Some(error)) = &printed
                && ui.verbose
            {
                eprintln!("note: the report was not cached: {error}");
            }
            written_out(printed.map(drop))
        }
        _ => print(&outcome.diagnostics, &outcome.files, &covered, format),
    })?;
    Ok(counts)
}

/// Whether `format`'s report is printed in colour: on a terminal, without `NO_COLOR`.
fn styled(format: Format) -> bool {
    let choice = if format.is_machine_readable() {
        anstream::stdout().current_choice()
    } else {
        anstream::stderr().current_choice()
    };
    choice != anstream::ColorChoice::Never
}

/// Runs `write` on the stream `format`'s report goes to (stdout for programs, stderr
/// for people), uncoloured.
fn plain_stream<T>(
    format: Format,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> std::io::Result<T> {
    if format.is_machine_readable() {
        write(&mut std::io::stdout().lock())
    } else {
        write(&mut std::io::stderr().lock())
    }
}

/// Errors fail a run; with `--deny-warnings`, warnings do too.
fn fails(counts: Counts, deny_warnings: bool) -> bool {
    counts.errors > 0 || (deny_warnings && counts.warnings > 0)
}

fn report_unusable(unusable: &Unusable, format: Format) -> Exit {
    if !unusable.diagnostics.is_empty() {
        // Exit 2 either way: whether the report could be written changes nothing.
        let _ = print(
            &unusable.diagnostics,
            &unusable.files,
            &diag::Summary::default(),
            format,
        );
    }
    eprintln!("error: {}", unusable.reason);
    if let Some(hint) = &unusable.hint {
        eprintln!("hint: {hint}");
    }
    Exit::Failure
}

/// Prints findings: for people on stderr (coloured on a terminal, never with `NO_COLOR`),
/// for programs on stdout.
fn print(
    diagnostics: &[Diagnostic],
    files: &SourceMap,
    summary: &diag::Summary,
    format: Format,
) -> Result<(), Exit> {
    // Colours only when the stream shows them (a terminal, no NO_COLOR): rendering plain
    // text is cheaper than stripping the colours of thousands of findings afterwards, and
    // plain text goes straight to the stream, not through a stripper that finds nothing.
    let write =
        |out: &mut dyn Write, styled| render(out, format, diagnostics, files, summary, styled);
    let written = match (styled(format), format.is_machine_readable()) {
        (true, true) => write(&mut anstream::stdout().lock(), true),
        (true, false) => write(&mut anstream::stderr().lock(), true),
        (false, _) => plain_stream(format, |out| write(out, false)),
    };
    written_out(written)
}

/// Writes `format`'s report of `diagnostics` to `out`, through one buffer.
fn render(
    out: &mut dyn Write,
    format: Format,
    diagnostics: &[Diagnostic],
    files: &SourceMap,
    summary: &diag::Summary,
    styled: bool,
) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    diag::write(&mut buffered, format, diagnostics, files, summary, styled)
        .and_then(|()| buffered.flush())
}

/// A report that could not be written (a full disk) fails the run with exit 2; a reader
/// that stopped reading (`privdoc check | head`) is not an error, as for ripgrep.
fn written_out(result: std::io::Result<()>) -> Result<(), Exit> {
    match result {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => {
            eprintln!("error: failed to write the report: {error}");
            Err(Exit::Failure)
        }
    }
}

/// `dir` relative to the current directory, with `/` separators and a trailing `/` (empty
/// when it is the current directory): how CI tools name the project's files.
fn relative_to_current_dir(dir: &Path) -> String {
    let (Ok(here), Ok(there)) = (
        std::env::current_dir().and_then(|d| d.canonicalize()),
        dir.canonicalize(),
    ) else {
        return String::new();
    };
    let common = here
        .components()
        .zip(there.components())
        .take_while(|(a, b)| a == b)
        .count();
    let up = here.components().count() - common;
    let parts: Vec<String> = std::iter::repeat_n("..".to_owned(), up)
        .chain(
            there
                .components()
                .skip(common)
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        )
        .collect();
    parts.iter().fold(String::new(), |mut base, part| {
        base.push_str(part);
        base.push('/');
        base
    })
}

/// "11 pages, 52 links (38 not checked offline): 1 error and 2 warnings in 2 files"; only
/// the findings when the checks did not run ("3 errors in 1 file").
fn summary(counts: Counts, covered: Option<&diag::Summary>) -> String {
    match covered {
        Some(covered) => format!(
            "{}, {} ({} not checked offline): {}{}",
            plural(covered.pages, "page"),
            plural(covered.links_checked + covered.links_unchecked, "link"),
            covered.links_unchecked,
            counts.sentence(),
            match covered.suppressed {
                0 => String::new(),
                n => format!(" ({n} suppressed)"),
            }
        ),
        None => counts.sentence(),
    }
}

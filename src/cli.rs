//! The command line, parsed by clap into raw values. `app` resolves them into settings;
//! nothing here reads files or prints.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::diag::Format;

/// Generate and check compliance documentation from TOML declarations.
#[derive(Debug, Parser)]
#[command(name = "privdoc", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Worker threads (default: one per core; at most four per core). Output is identical
    /// for any number.
    #[arg(short = 'j', long, global = true, value_name = "N")]
    pub jobs: Option<usize>,
    /// Print the time each stage took.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print findings and errors only, no summary.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, render and check the project, then write the build directory.
    Build(BuildArgs),
    /// Load, render and check the project; write nothing.
    Check(CheckArgs),
    /// What changed between two versions of the declarations: material and editorial
    /// changes per service, then the page diffs.
    Diff(DiffArgs),
    /// Preview the site on 127.0.0.1, rebuilt and reloaded as you edit.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Create a new project that builds and checks clean.
    Init(InitArgs),
    /// Write JSON Schemas of the declarations and of book.toml, for editor completion.
    Schema(SchemaArgs),
    /// Write the declared model as JSON, a GDPR Art. 30 record of processing (CSV) or W3C
    /// DPV JSON-LD.
    Export(ExportArgs),
    /// Run as an mdBook preprocessor: `[preprocessor.privdoc] command = "privdoc mdbook"`.
    Mdbook(MdbookArgs),
    /// Print a completion script for a shell.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write it and one page per subcommand to a folder.
    Man(ManArgs),
}

/// Options of `privdoc man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `privdoc.1` and `privdoc-<command>.1` for each subcommand here, instead of
    /// printing `privdoc.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Options of `privdoc serve`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The port (0 picks a free one).
    #[arg(short, long, default_value_t = 3000)]
    pub port: u16,
    /// The address to listen on; anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
}

/// Options of `privdoc init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the project.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Write into a directory that is not empty (the new files overwrite theirs; nothing
    /// else is touched).
    #[arg(long)]
    pub force: bool,
}

/// Options of `privdoc schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write `book.schema.json`, `service.schema.json`, `source.schema.json`,
    /// `locations.schema.json` and `model.schema.json` (of `export --format json`) here; without it, print them as one JSON object.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Options of `privdoc export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    pub format: crate::export::ExportFormat,
    /// With `ropa-csv`: whose column names head the record.
    #[arg(long, value_enum, default_value_t)]
    pub template: crate::export::Template,
    /// Write here instead of to standard output.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Options of `privdoc mdbook`: mdBook runs `privdoc mdbook supports <renderer>`, then
/// `privdoc mdbook` with the book as JSON on standard input.
#[derive(Debug, Args)]
pub struct MdbookArgs {
    /// `supports <renderer>`, or nothing to preprocess the book on stdin.
    #[command(subcommand)]
    pub supports: Option<MdbookSupports>,
}

/// mdBook's question before a build.
#[derive(Debug, Subcommand)]
pub enum MdbookSupports {
    /// Exit 0: privdoc's chapters are Markdown, for every renderer.
    Supports {
        /// The renderer mdBook is about to run (`html`, `markdown`, …).
        renderer: String,
    },
}

/// Options of `privdoc completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `privdoc diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Compare the project as it is (its working tree) with the project at this git
    /// revision.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// With `--base`: the project directory (default `.`). Without: the OLD and NEW
    /// versions, each a project directory or a git revision of the project in `.`.
    #[arg(value_name = "VERSION")]
    pub versions: Vec<PathBuf>,
    /// How the report is printed.
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::diff::DiffFormat,
    /// Count the lines of each page diff instead of printing it.
    #[arg(long)]
    pub stat: bool,
    /// Count notice days from this date instead of today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<jiff::civil::Date>,
    /// Exit 1 when any change is material (a gate for CI).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
}

/// What `--fail-on` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any material change.
    Material,
}

/// Options of `privdoc build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Write the output here instead of `build.build-dir`.
    #[arg(short = 'd', long, value_name = "DIR")]
    pub dest_dir: Option<PathBuf>,
    /// Accept a build directory outside the project directory.
    #[arg(long)]
    pub allow_external_build_dir: bool,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Count warnings as errors (exit 1, and `build` writes nothing).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Check from scratch, and keep no findings for the next build: by default a build of
    /// files unchanged since the last one reuses its findings (`.privdoc-cache/`).
    #[arg(long, env = "PRIVDOC_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
}

/// Options of `privdoc check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The project directory, or any Markdown tree.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// How findings are printed: `human` on stderr, the others on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Count warnings as errors (exit 1).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also fail when the build directory differs from what a build would write now.
    #[arg(long)]
    pub frozen: bool,
    /// Report only findings that FILE (written by `--write-baseline`) does not record, and
    /// count its entries that are fixed.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE instead of reporting them, for `--baseline`.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Check from scratch, and keep no findings for the next check: by default a check of
    /// files unchanged since the last one reuses its findings (`.privdoc-cache/`).
    #[arg(long, env = "PRIVDOC_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
}

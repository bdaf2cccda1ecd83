//! `privdoc-bench`, the helper of `bench/run`: generates the synthetic projects, measures
//! the pulldown-cmark ceiling, scores the checkers' reports against the planted defects and
//! prints the table. Timing is not done here: `bench/run` times whole commands with
//! `/usr/bin/time`, the same way for privdoc, its peers and the ceiling.

mod ceiling;
mod generate;
mod peers;
mod scale;
mod score;
mod words;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "The helper of bench/run")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes OUT/project (declarations), OUT/planted.tsv, the hand-written tree OUT/tree
    /// and the peers' sites.
    Gen {
        #[arg(long)]
        services: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// The privdoc binary that builds the project into the hand-written tree.
        #[arg(long, default_value = "target/release/privdoc")]
        privdoc: PathBuf,
        out: PathBuf,
    },
    /// Reads every Markdown file under DIR and renders it with pulldown-cmark alone.
    Ceiling {
        #[arg(long)]
        threads: usize,
        /// Parses each page (with the offsets a checker locates its findings by) and
        /// renders nothing: the floor of any Markdown checker.
        #[arg(long)]
        parse_only: bool,
        dir: PathBuf,
    },
    /// Scores a checker's report against OUT/planted.tsv: prints "found planted false-alarms".
    Score {
        /// `privdoc` (a `--format json` report) or `lychee` (a `--format json` report).
        #[arg(long)]
        tool: score::Tool,
        /// Where the report's files are relative to: the project or tree directory.
        #[arg(long)]
        root: PathBuf,
        /// `declarations` (findings point at the TOML) or `tree` (at the pages under src/).
        #[arg(long, default_value = "tree")]
        on: score::On,
        planted: PathBuf,
        report: PathBuf,
    },
    /// Prints the table from the measurements `bench/run` collected.
    Table { results: PathBuf },
    /// Writes a project of N sources that all share a first word, used by one service
    /// (`bench/sources-scale`).
    Sources {
        #[arg(long)]
        sources: usize,
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let result = match Args::parse().command {
        Command::Gen {
            services,
            seed,
            privdoc,
            out,
        } => generate::generate(&out, services, seed)
            .and_then(|planted| Ok((planted, peers::hand_written(&out, &privdoc)?)))
            .map(|(planted, pages)| {
                println!("{pages} pages, {} planted defects", planted.len());
            }),
        Command::Ceiling {
            threads,
            parse_only,
            dir,
        } => ceiling::run(&dir, threads, parse_only).map(|(pages, bytes)| {
            let done = if parse_only { "parsed" } else { "rendered" };
            println!("{done} {pages} pages ({bytes} bytes of Markdown)");
        }),
        Command::Score {
            tool,
            root,
            on,
            planted,
            report,
        } => score::run(tool, on, &root, &planted, &report).map(|s| println!("{s}")),
        Command::Table { results } => score::table(&results).map(|t| print!("{t}")),
        Command::Sources { sources, out } => {
            scale::sources(&out, sources).map(|()| println!("{sources} sources"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

//! The `privdoc` binary: parse the command line, run, and choose the exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = privdoc::cli::Cli::parse();
    let exit = privdoc::app::run(&cli);
    std::process::ExitCode::from(exit as u8)
}

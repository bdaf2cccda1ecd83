//! The `privdoc` binary: parse the command line, run, and choose the exit code.

use clap::Parser;

/// mimalloc rather than the C library's malloc: every stage allocates and frees many small
/// strings and lists across two threads, which glibc's arenas serve slower (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = privdoc::cli::Cli::parse();
    let exit = privdoc::app::run(&cli);
    std::process::ExitCode::from(exit as u8)
}

//! The `privdoc` binary: parse the command line, run, and choose the exit code.

use clap::Parser;

/// mimalloc rather than glibc's malloc: a check of a large repository makes hundreds of
/// thousands of small allocations on every thread at once, where glibc's malloc and free
/// took a tenth of the instructions (BENCHMARKS.md, issue 14).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = privdoc::cli::Cli::parse();
    let exit = privdoc::app::run(&cli);
    std::process::ExitCode::from(exit as u8)
}

//! One hand-written Markdown page, as bytes, in a copy of the full-service fixture: parse,
//! facts and every check, then the HTML and the reports.
#![no_main]

use std::sync::LazyLock;

use privdoc::fuzzing::{PAGE, Project, base};

static PROJECT: LazyLock<Project> = LazyLock::new(|| Project::copy_of(&base()));

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    PROJECT.run(&[(PAGE, data)]);
});

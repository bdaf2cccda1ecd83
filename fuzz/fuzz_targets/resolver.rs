//! `{{#include}}` and `@sources/…` references: a page and a snippet (split at the first NUL
//! byte) in a copy of the full-service fixture, whose declarations they can name.
#![no_main]

use std::sync::LazyLock;

use privdoc::fuzzing::{PAGE, Project, SNIPPET, base};

static PROJECT: LazyLock<Project> = LazyLock::new(|| Project::copy_of(&base()));

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (page, snippet) = privdoc::fuzzing::split_at_nul(data);
    PROJECT.run(&[(PAGE, page), (SNIPPET, snippet)]);
});

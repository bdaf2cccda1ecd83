//! One declaration file or `book.toml`, as bytes, in a copy of the full-service fixture: the
//! loader, then everything after it. The first byte picks the file.
#![no_main]

use std::sync::LazyLock;

use privdoc::fuzzing::{DECLARATIONS, Project, base};

static PROJECT: LazyLock<Project> = LazyLock::new(|| Project::copy_of(&base()));

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let path = DECLARATIONS[usize::from(pick) % DECLARATIONS.len()];
    PROJECT.run(&[(path, bytes)]);
});

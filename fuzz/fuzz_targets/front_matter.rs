//! The front-matter splitter and YAML reader on one page's text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| privdoc::fuzzing::front_matter(data));

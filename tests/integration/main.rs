//! The integration tests: one binary, one module per concern. Fixtures live in
//! `tests/fixtures/`, golden output in `tests/golden/`; see `support::bless`.

// The paths compared are the ones privdoc writes, all lowercase by construction.
#![allow(clippy::case_sensitive_file_extension_comparisons)]

mod action;
mod adoption;
mod authoring;
mod bad_input;
mod bench;
mod browser;
mod build;
mod cache;
mod checks;
mod diagnostics;
mod diff;
mod export;
mod feed;
mod fuzz;
mod golden;
mod mdbook;
mod safety;
mod security;
mod serve;
mod site;
mod support;

//! The integration tests: one binary, one module per concern. Fixtures live in
//! `tests/fixtures/`, golden output in `tests/golden/`; see `support::bless`.

mod build;
mod checks;
mod diagnostics;
mod golden;
mod support;

//! Checks: pure functions over the model and the rendered site that return diagnostics.
//! One file per check. Nothing here reads files or prints.

mod declaration;

use std::collections::BTreeMap;

pub use crate::diag::{CheckCode, Level};
use crate::diag::{Code, Diagnostic, Severity};
use crate::model::Model;

/// Runs the checks that need the whole model.
#[must_use]
pub fn run(model: &Model) -> Vec<Diagnostic> {
    declaration::unused_sources(model)
}

/// Applies the project's levels (`[preprocessor.privdoc.checks]`): drops findings of checks
/// set to `off` and re-levels the others. Load-stage codes keep their severity.
pub fn apply_levels(diagnostics: &mut Vec<Diagnostic>, levels: &BTreeMap<CheckCode, Level>) {
    diagnostics.retain_mut(|diagnostic| {
        let Code::Check(check) = diagnostic.code else {
            return true;
        };
        match levels.get(&check) {
            None => true,
            Some(Level::Off) => false,
            Some(Level::Error) => {
                diagnostic.severity = Severity::Error;
                true
            }
            Some(Level::Warn) => {
                diagnostic.severity = Severity::Warning;
                true
            }
        }
    });
}

//! The stable codes of the configurable checks and the levels a project can set for them.
//! They belong to diagnostics (every finding carries one), so they live here, below both
//! the checks that emit them and the configuration that re-levels them.

use serde::Deserialize;

/// The stable code of a configurable check, as written in `[preprocessor.privdoc.checks]`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CheckCode {
    /// The same paragraph twice.
    DuplicateParagraph,
    /// The same sentence twice.
    DuplicateSentence,
    /// Sentences or paragraphs that say nearly the same.
    NearDuplicate,
    /// A relative link to a file that does not exist.
    BrokenLink,
    /// A `#fragment` the target page does not define.
    BrokenAnchor,
    /// An `@kind/id` reference or an include that resolves to nothing.
    UnknownReference,
    /// A link to one source's page in text about another source.
    LinkTargetMismatch,
    /// Missing, empty or repeated front-matter values.
    FrontMatter,
    /// Unknown ids, duplicate ids, unused sources, bad periods, conflicting rules.
    Declaration,
    /// Skipped heading levels, several H1, duplicate heading ids.
    HeadingStructure,
    /// A page whose `reviewed` date is older than `review-every`.
    StaleReview,
    /// A link whose target exists only with other letter case.
    CaseMismatch,
    /// A `privdoc-disable` comment that suppresses nothing.
    UnusedSuppression,
}

impl CheckCode {
    /// Every check, in documentation order.
    pub const ALL: [Self; 13] = [
        Self::DuplicateParagraph,
        Self::DuplicateSentence,
        Self::NearDuplicate,
        Self::BrokenLink,
        Self::BrokenAnchor,
        Self::UnknownReference,
        Self::LinkTargetMismatch,
        Self::FrontMatter,
        Self::Declaration,
        Self::HeadingStructure,
        Self::StaleReview,
        Self::CaseMismatch,
        Self::UnusedSuppression,
    ];

    /// The code as written in `book.toml` and printed in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DuplicateParagraph => "duplicate-paragraph",
            Self::DuplicateSentence => "duplicate-sentence",
            Self::NearDuplicate => "near-duplicate",
            Self::BrokenLink => "broken-link",
            Self::BrokenAnchor => "broken-anchor",
            Self::UnknownReference => "unknown-reference",
            Self::LinkTargetMismatch => "link-target-mismatch",
            Self::FrontMatter => "front-matter",
            Self::Declaration => "declaration",
            Self::HeadingStructure => "heading-structure",
            Self::StaleReview => "stale-review",
            Self::CaseMismatch => "case-mismatch",
            Self::UnusedSuppression => "unused-suppression",
        }
    }
}

/// The level a project sets for a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Report as an error.
    Error,
    /// Report as a warning.
    Warn,
    /// Do not report.
    Off,
}

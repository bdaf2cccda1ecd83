//! The closed sets of data-protection law a page states: legal bases (GDPR Art. 6(1)),
//! transfer mechanisms (GDPR Chapter V) and data subject rights (GDPR Art. 15–21). Each
//! is written in kebab-case in declarations and shown in words on pages.

use serde::{Deserialize, Serialize};

/// Why processing is lawful (GDPR Art. 6(1)).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    /// Art. 6(1)(a): the data subject consented.
    Consent,
    /// Art. 6(1)(b): a contract with the data subject needs it.
    Contract,
    /// Art. 6(1)(c): a legal obligation requires it.
    LegalObligation,
    /// Art. 6(1)(d): someone's vital interests need it.
    VitalInterests,
    /// Art. 6(1)(e): a task in the public interest.
    PublicTask,
    /// Art. 6(1)(f): the legitimate interests of the controller or a third party.
    LegitimateInterests,
}

impl LegalBasis {
    /// The basis as a reader knows it, with its article: "contract (GDPR Art. 6(1)(b))".
    #[must_use]
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Consent => "consent (GDPR Art. 6(1)(a))",
            Self::Contract => "contract (GDPR Art. 6(1)(b))",
            Self::LegalObligation => "legal obligation (GDPR Art. 6(1)(c))",
            Self::VitalInterests => "vital interests (GDPR Art. 6(1)(d))",
            Self::PublicTask => "public task (GDPR Art. 6(1)(e))",
            Self::LegitimateInterests => "legitimate interests (GDPR Art. 6(1)(f))",
        }
    }

    /// The value as written in declarations.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consent => "consent",
            Self::Contract => "contract",
            Self::LegalObligation => "legal-obligation",
            Self::VitalInterests => "vital-interests",
            Self::PublicTask => "public-task",
            Self::LegitimateInterests => "legitimate-interests",
        }
    }
}

/// How data may lawfully leave the EEA to a recipient (GDPR Chapter V).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Transfer {
    /// Art. 45: the country has an adequacy decision.
    Adequacy,
    /// Art. 46(2)(c): standard contractual clauses.
    StandardContractualClauses,
    /// Art. 47: binding corporate rules.
    BindingCorporateRules,
    /// Art. 49: a derogation for a specific situation.
    Derogation,
    /// No transfer out of the EEA.
    None,
}

impl Transfer {
    /// The mechanism in words.
    #[must_use]
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Adequacy => "adequacy decision (GDPR Art. 45)",
            Self::StandardContractualClauses => "standard contractual clauses (GDPR Art. 46)",
            Self::BindingCorporateRules => "binding corporate rules (GDPR Art. 47)",
            Self::Derogation => "derogation (GDPR Art. 49)",
            Self::None => "no transfer",
        }
    }

    /// The value as written in declarations.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Adequacy => "adequacy",
            Self::StandardContractualClauses => "standard-contractual-clauses",
            Self::BindingCorporateRules => "binding-corporate-rules",
            Self::Derogation => "derogation",
            Self::None => "none",
        }
    }
}

/// A right of data subjects (GDPR Art. 15–21).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Right {
    /// Art. 15: to get a copy of their data.
    Access,
    /// Art. 16: to have it corrected.
    Rectification,
    /// Art. 17: to have it deleted.
    Erasure,
    /// Art. 18: to have its processing restricted.
    Restriction,
    /// Art. 20: to receive it in a portable format.
    Portability,
    /// Art. 21: to object to its processing.
    Objection,
}

impl Right {
    /// The right in words, as a list item.
    #[must_use]
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Access => "Access: obtain a copy of their personal data (GDPR Art. 15)",
            Self::Rectification => "Rectification: have it corrected (GDPR Art. 16)",
            Self::Erasure => "Erasure: have it deleted (GDPR Art. 17)",
            Self::Restriction => "Restriction: have its processing restricted (GDPR Art. 18)",
            Self::Portability => {
                "Portability: receive it in an electronic format to move it to another controller (GDPR Art. 20)"
            }
            Self::Objection => "Objection: object to its processing (GDPR Art. 21)",
        }
    }

    /// The value as written in declarations.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Rectification => "rectification",
            Self::Erasure => "erasure",
            Self::Restriction => "restriction",
            Self::Portability => "portability",
            Self::Objection => "objection",
        }
    }
}

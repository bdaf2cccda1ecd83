//! What a service discloses beyond its sources: dated storage moves, recipients, the
//! access it holds in the customer's tenant, data subject rights, and review dates. Dates
//! are TOML dates; an entry that would say nothing useful (an app without permissions, a
//! recipient without countries) is a warning at its table.

use toml::Spanned;

use super::service::Context;
use super::{declaration, raw};
use crate::diag::{CheckCode, Code, Diagnostic};
use crate::model::{Access, Recipient, Rights, StorageChange};

impl Context<'_> {
    /// A TOML date (`2026-01-10`) as a calendar date; a time or an offset is an error.
    pub(super) fn date(
        &mut self,
        value: &Spanned<toml::value::Datetime>,
        key: &str,
    ) -> Option<jiff::civil::Date> {
        let datetime = value.get_ref();
        let date = match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => jiff::civil::Date::new(
                date.year.cast_signed(),
                date.month.cast_signed(),
                date.day.cast_signed(),
            )
            .ok(),
            _ => None,
        };
        if date.is_none() {
            let message = format!("`{key}` is `{datetime}`, not a date");
            let hint = format!("write a TOML date without quotes: `{key} = 2026-01-10`");
            self.found
                .push(declaration(self.span(value), message).with_hint(hint));
        }
        date
    }

    pub(super) fn storage_change(&mut self, raw: raw::StorageChange) -> Option<StorageChange> {
        let effective = self.date(&raw.effective, "effective");
        let locations = self.locations(raw.locations);
        let details = raw.details.map(|d| self.prose(d));
        Some(StorageChange {
            effective: effective?,
            locations,
            applies_to: raw.applies_to,
            details,
        })
    }

    pub(super) fn recipient(&mut self, raw: Spanned<raw::Recipient>) -> Recipient {
        let span = self.span(&raw);
        let raw = raw.into_inner();
        if raw.locations.is_empty() {
            let message = format!("recipient `{}` names no countries", raw.name);
            let hint = "add `locations = [\"…\"]`: where a recipient processes data is what readers need to know";
            self.found
                .push(warning(span.clone(), message).with_hint(hint));
        }
        Recipient {
            locations: self.locations(raw.locations),
            name: raw.name,
            purpose: raw.purpose,
            transfer: raw.transfer,
            url: raw.url,
            span,
        }
    }

    pub(super) fn access(&mut self, raw: Spanned<raw::Access>) -> Access {
        let span = self.span(&raw);
        let raw = raw.into_inner();
        if raw.permissions.is_empty() {
            let message = format!("access `{}` lists no permissions", raw.name);
            let hint = "add `permissions = [\"…\"]`: what the service can reach is the point of this section";
            self.found
                .push(warning(span.clone(), message).with_hint(hint));
        }
        Access {
            details: raw.details.map(|d| self.prose(d)),
            name: raw.name,
            kind: raw.kind,
            uses: raw.uses,
            permissions: raw.permissions,
            span,
        }
    }

    pub(super) fn rights(&mut self, raw: raw::Rights) -> Rights {
        Rights {
            rights: raw.rights,
            how: raw.how.map(|h| self.prose(h)),
            contact: raw.contact,
        }
    }
}

fn warning(span: crate::diag::Span, message: String) -> Diagnostic {
    Diagnostic::warning(Code::Check(CheckCode::Declaration), span, message)
}

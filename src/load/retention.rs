//! A service's retention rules: each kept for a period or until an event (exactly one of
//! the two), its source one the service lists, its minimum no longer than its maximum, and
//! no two rules for the same data promising different things.

use toml::Spanned;

use super::service::Context;
use super::{declaration, raw};
use crate::model::{Keep, Period, RetentionRule, SourceUse};

impl Context<'_> {
    pub(super) fn period(&mut self, value: &Spanned<String>) -> Option<Period> {
        Period::parse(value.get_ref())
            .map_err(|problem| {
                let message = format!("unparsable period: {problem}");
                let hint = "write a period as \"30 days\", \"6 weeks\", \"6 months\", \"2 years\" or ISO 8601 (\"P30D\")";
                self.found.push(declaration(self.span(value), message).with_hint(hint));
            })
            .ok()
    }

    pub(super) fn retention(
        &mut self,
        raw: Vec<Spanned<raw::Retention>>,
        listed: &[SourceUse],
    ) -> Vec<RetentionRule> {
        let mut rules: Vec<RetentionRule> = Vec::new();
        for entry in raw {
            let span = self.span(&entry);
            let rule = entry.into_inner();
            let keep = match (&rule.period, rule.until) {
                (Some(period), None) => self.period(period).map(Keep::For),
                (None, Some(event)) => Some(Keep::Until(event)),
                (Some(period), Some(_)) => {
                    let message = "a retention rule has both `period` and `until`";
                    let hint = "keep data for a period, or until an event: one of the two";
                    self.found
                        .push(declaration(self.span(period), message).with_hint(hint));
                    None
                }
                (None, None) => {
                    let message = format!(
                        "retention rule for `{}` says neither `period` nor `until`",
                        rule.data
                    );
                    let hint = "add `period = \"30 days\"`, or `until = \"…\"` for an event";
                    self.found
                        .push(declaration(span.clone(), message).with_hint(hint));
                    None
                }
            };
            let min_period = rule
                .min_period
                .as_ref()
                .map(|value| (self.span(value), self.period(value)));
            let source = match &rule.source {
                Some(value) => match self.source_id(value) {
                    Some(id) if !listed.iter().any(|u| u.source == id) => {
                        let message = format!(
                            "retention rule names source `{id}`, which this service does not list"
                        );
                        self.found.push(
                            declaration(self.span(value), message)
                                .with_hint("add it to `[[sources]]`"),
                        );
                        continue;
                    }
                    Some(id) => Some(id),
                    None => continue,
                },
                None => None,
            };
            let Some(keep) = keep else { continue };
            let min_period = match (min_period, &keep) {
                (None, _) => None,
                (Some((_, None)), _) => continue,
                (Some((span, Some(_))), Keep::Until(_)) => {
                    let message = "`min-period` goes with `period`, not with `until`";
                    self.found.push(declaration(span, message));
                    continue;
                }
                (Some((span, Some(min))), Keep::For(period))
                    if min.approx_days() > period.approx_days() =>
                {
                    let message =
                        format!("`min-period` ({min}) is longer than `period` ({period})");
                    self.found.push(declaration(span, message));
                    continue;
                }
                (Some((_, Some(min))), Keep::For(_)) => Some(min),
            };
            let rule = RetentionRule {
                data: rule.data,
                keep,
                min_period,
                trigger: rule.trigger,
                source,
                reason: rule.reason,
                condition: rule.condition,
                span,
            };
            self.conflicts(&rules, &rule);
            rules.push(rule);
        }
        rules
    }

    /// Two rules for the same data from the same source under the same condition must
    /// agree: a page cannot promise both.
    fn conflicts(&mut self, rules: &[RetentionRule], rule: &RetentionRule) {
        let same = |other: &&RetentionRule| {
            other.data.eq_ignore_ascii_case(&rule.data)
                && other.source == rule.source
                && other.condition == rule.condition
        };
        if let Some(other) = rules.iter().find(same)
            && other.keep != rule.keep
        {
            let message = format!(
                "conflicting retention for `{}`: {} here, {} in an earlier rule",
                rule.data, rule.keep, other.keep
            );
            self.found.push(
                declaration(rule.span.clone(), message)
                    .with_note(other.span.clone(), "the earlier rule"),
            );
        }
    }
}

//! A GDPR Art. 30(1) record of processing activities as CSV (RFC 4180: comma-separated,
//! double-quoted where needed, CRLF line ends), one row per service and purpose, under the
//! column names of the ICO's controller documentation template or of the CNIL's
//! register template.

use std::fmt::Write as _;

use super::{Declared, Service, Use};
use crate::model::Transfer;

/// Whose column names head the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Template {
    /// The UK ICO's documentation template for controllers (English).
    #[default]
    Ico,
    /// The French CNIL's register template (French).
    Cnil,
}

/// The columns, in order: what Art. 30(1) asks for, (a) to (g), with the legal basis
/// after the purpose as both templates have it.
const COLUMNS: [(&str, &str); 12] = [
    ("Business function", "Nom du traitement"),
    ("Purpose of processing", "Finalité(s) du traitement"),
    (
        "Name and contact details of controller",
        "Responsable du traitement",
    ),
    (
        "Data protection officer",
        "Délégué à la protection des données",
    ),
    (
        "Article 6 lawful basis for processing personal data",
        "Base légale",
    ),
    (
        "Categories of individuals",
        "Catégories de personnes concernées",
    ),
    (
        "Categories of personal data",
        "Catégories de données personnelles",
    ),
    ("Categories of recipients", "Catégories de destinataires"),
    (
        "Names of third countries or international organisations that personal data are transferred to (if applicable)",
        "Transferts hors de l'Union européenne",
    ),
    (
        "Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)",
        "Garanties",
    ),
    (
        "Retention schedule (if applicable)",
        "Durées de conservation",
    ),
    (
        "General description of technical and organisational security measures (if possible)",
        "Mesures de sécurité",
    ),
];

/// The record of `declared`.
pub(super) fn csv(declared: &Declared, template: Template) -> String {
    let mut out = String::new();
    let header = COLUMNS.map(|(ico, cnil)| match template {
        Template::Ico => ico,
        Template::Cnil => cnil,
    });
    row(&mut out, header);
    let controller = declared.controller.as_ref();
    let controller_details = controller.map_or_else(String::new, |c| {
        [Some(&c.name), c.address.as_ref(), c.contact.as_ref()]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    });
    let dpo = controller.and_then(|c| c.dpo.clone()).unwrap_or_default();
    let security = controller
        .and_then(|c| c.security_url.clone())
        .unwrap_or_default();
    for service in &declared.services {
        for used in &service.uses {
            let cells = [
                service.name.clone(),
                super::plain_text(&used.purpose),
                controller_details.clone(),
                dpo.clone(),
                used.legal_basis
                    .map_or_else(String::new, |basis| basis.phrase().to_owned()),
                used.data_subjects.join("; "),
                used.data_categories.join("; "),
                recipients(service),
                transfers(service),
                safeguards(service),
                retention(service, used),
                security.clone(),
            ];
            row(&mut out, cells.each_ref().map(String::as_str));
        }
    }
    out
}

fn row<const N: usize>(out: &mut String, cells: [&str; N]) {
    for (at, cell) in cells.iter().enumerate() {
        if at > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            let _ = write!(out, "\"{}\"", cell.replace('"', "\"\""));
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

fn recipients(service: &Service) -> String {
    let names: Vec<String> = service
        .recipients
        .iter()
        .map(|r| format!("{} ({})", r.name, r.purpose))
        .collect();
    names.join("; ")
}

/// Each recipient that takes data out of the EEA, with where to.
fn transfers(service: &Service) -> String {
    let transferred: Vec<String> = service
        .recipients
        .iter()
        .filter(|r| r.transfer.is_some_and(|t| t != Transfer::None))
        .map(|r| {
            let places: Vec<&str> = r.locations.iter().map(|l| l.name.as_str()).collect();
            format!("{}: {}", r.name, places.join(", "))
        })
        .collect();
    transferred.join("; ")
}

fn safeguards(service: &Service) -> String {
    let safeguards: Vec<String> = service
        .recipients
        .iter()
        .filter_map(|r| {
            let transfer = r.transfer.filter(|&t| t != Transfer::None)?;
            Some(format!("{}: {}", r.name, transfer.phrase()))
        })
        .collect();
    safeguards.join("; ")
}

/// The rules that apply to this use's data: its source's own, then the service's
/// defaults and conditional rules.
fn retention(service: &Service, used: &Use) -> String {
    let rules: Vec<String> = service
        .retention
        .iter()
        .filter(|rule| {
            rule.source
                .as_ref()
                .is_none_or(|source| *source == used.source)
        })
        .map(|rule| {
            let keep = match (&rule.period, &rule.until) {
                (Some(period), _) => period.clone(),
                (None, Some(event)) => format!("until {event}"),
                (None, None) => String::new(),
            };
            let mut text = format!("{}: {keep}", rule.data);
            if let Some(trigger) = &rule.trigger {
                let _ = write!(text, " after {trigger}");
            }
            if let Some(condition) = &rule.condition {
                let _ = write!(text, " ({condition})");
            }
            text
        })
        .collect();
    rules.join("; ")
}

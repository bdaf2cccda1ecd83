//! The declared model in the formats compliance teams keep: the whole model as JSON (with
//! its JSON Schema), a GDPR Art. 30(1) record of processing activities as CSV, and W3C
//! DPV 2 JSON-LD. Every format is a pure function of the model and the settings, so the
//! same project gives the same bytes.

mod dpv;
mod ropa;

use serde::Serialize;

use crate::config::{Config, Controller};
use crate::model::{self, Keep, LegalBasis, Location, Model, Right, Transfer};

pub(crate) use ropa::Template;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// The whole declared model as JSON (`privdoc schema` has its schema, model.schema.json).
    Json,
    /// A GDPR Art. 30(1) record of processing activities: one CSV row per service and
    /// purpose.
    RopaCsv,
    /// W3C Data Privacy Vocabulary 2 (DPV) as JSON-LD: one dpv:PersonalDataHandling per
    /// service and purpose.
    Dpv,
}

/// The export of `model` in `format`.
#[must_use]
pub(crate) fn export(
    model: &Model,
    config: &Config,
    format: ExportFormat,
    template: Template,
) -> String {
    let declared = Declared::of(model, config);
    match format {
        ExportFormat::Json => {
            serde_json::to_string_pretty(&declared).expect("the model always serializes") + "\n"
        }
        ExportFormat::RopaCsv => ropa::csv(&declared, template),
        ExportFormat::Dpv => {
            serde_json::to_string_pretty(&dpv::graph(&declared, config.site_url.as_deref()))
                .expect("JSON-LD always serializes")
                + "\n"
        }
    }
}

/// The JSON Schema (draft-07) of the JSON export.
#[must_use]
pub(crate) fn schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Declared>();
    serde_json::to_value(schema).expect("a schema always serializes")
}

/// Everything a project declares, as exported: what the declarations say, resolved
/// (locations named, periods canonical, each use's data categories filled in from its
/// source), without where it was written.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(title = "privdoc model")]
pub(crate) struct Declared {
    /// The project's title (`[book] title`).
    title: Option<String>,
    /// The controller (`[preprocessor.privdoc.controller]`).
    controller: Option<Controller>,
    /// Services, by id.
    services: Vec<Service>,
    /// Data sources, by id.
    sources: Vec<Source>,
}

/// A service: one privacy page.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Service {
    id: String,
    name: String,
    /// The overview (Markdown).
    summary: String,
    /// When the page was last reviewed (YYYY-MM-DD).
    reviewed: Option<String>,
    /// What the service does with each source, in page order.
    uses: Vec<Use>,
    /// The data process and storage section (Markdown).
    processing: Option<String>,
    storage: Option<Storage>,
    retention: Vec<Retention>,
    staff: Vec<Staff>,
    recipients: Vec<Recipient>,
    change_notice: Option<ChangeNotice>,
    /// The rights of data subjects.
    rights: Vec<Right>,
    /// Where rights requests go.
    rights_contact: Option<String>,
}

/// One purpose: a source as one service uses it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Use {
    /// The source's id.
    source: String,
    /// Why the service uses it (Markdown).
    purpose: String,
    /// The data categories: the use's own, else the source's.
    data_categories: Vec<String>,
    legal_basis: Option<LegalBasis>,
    /// The categories of data subjects.
    data_subjects: Vec<String>,
    /// What the use covers.
    applies_to: Option<String>,
}

/// A location: its code as declared and its name in a sentence.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Place {
    code: String,
    name: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Storage {
    locations: Vec<Place>,
    facility: Option<String>,
    follows_residency: bool,
    /// Dated moves.
    changes: Vec<StorageChange>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct StorageChange {
    /// YYYY-MM-DD.
    effective: String,
    locations: Vec<Place>,
    applies_to: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Retention {
    data: String,
    /// The longest it is kept, canonical ("1 year and 6 months"); absent when it is kept
    /// until an event.
    period: Option<String>,
    /// The same period in ISO 8601 ("P1Y6M").
    period_iso: Option<String>,
    /// The event that ends it.
    until: Option<String>,
    min_period: Option<String>,
    trigger: Option<String>,
    /// The source whose data this is.
    source: Option<String>,
    reason: Option<String>,
    condition: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Staff {
    teams: Vec<String>,
    locations: Vec<Place>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Recipient {
    name: String,
    purpose: String,
    locations: Vec<Place>,
    transfer: Option<Transfer>,
    url: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct ChangeNotice {
    days: u32,
    channels: Vec<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
struct Source {
    id: String,
    name: String,
    url: String,
    privacy_url: Option<String>,
    data_categories: Vec<String>,
}

impl Declared {
    fn of(model: &Model, config: &Config) -> Self {
        Self {
            title: config.title.clone(),
            controller: config.controller.clone(),
            services: model
                .services
                .iter()
                .map(|service| Service::of(service, model))
                .collect(),
            sources: model
                .sources
                .iter()
                .map(|source| Source {
                    id: source.id.as_str().to_owned(),
                    name: source.name.clone(),
                    url: source.url.clone(),
                    privacy_url: source.privacy_url.clone(),
                    data_categories: source.collects.clone(),
                })
                .collect(),
        }
    }
}

impl Service {
    fn of(service: &model::Service, model: &Model) -> Self {
        let places = |locations: &[Location]| -> Vec<Place> {
            locations
                .iter()
                .map(|location| Place {
                    code: location.code.clone(),
                    name: location.name.clone(),
                })
                .collect()
        };
        Self {
            id: service.id.as_str().to_owned(),
            name: service.name.clone(),
            summary: service.summary.text.clone(),
            reviewed: service.reviewed.as_ref().map(|(date, _)| date.to_string()),
            uses: service
                .sources
                .iter()
                .map(|used| Use {
                    source: used.source.as_str().to_owned(),
                    purpose: used.purpose.text.clone(),
                    data_categories: used.categories(model.source(&used.source)).to_vec(),
                    legal_basis: used.legal_basis,
                    data_subjects: used.subjects.clone(),
                    applies_to: used.applies_to.clone(),
                })
                .collect(),
            processing: service.processing.as_ref().map(|prose| prose.text.clone()),
            storage: service.storage.as_ref().map(|storage| Storage {
                locations: places(&storage.locations),
                facility: storage.facility.clone(),
                follows_residency: storage.follows_residency,
                changes: storage
                    .changes
                    .iter()
                    .map(|change| StorageChange {
                        effective: change.effective.to_string(),
                        locations: places(&change.locations),
                        applies_to: change.applies_to.clone(),
                    })
                    .collect(),
            }),
            retention: service
                .retention
                .iter()
                .map(|rule| Retention {
                    data: rule.data.clone(),
                    period: rule.keep.period().map(|period| period.to_string()),
                    period_iso: rule.keep.period().map(model::Period::iso_8601),
                    until: match &rule.keep {
                        Keep::Until(event) => Some(event.clone()),
                        Keep::For(_) => None,
                    },
                    min_period: rule.min_period.map(|period| period.to_string()),
                    trigger: rule.trigger.clone(),
                    source: rule.source.as_ref().map(|id| id.as_str().to_owned()),
                    reason: rule.reason.clone(),
                    condition: rule.condition.clone(),
                })
                .collect(),
            staff: service
                .staff
                .iter()
                .map(|staff| Staff {
                    teams: staff.teams.clone(),
                    locations: places(&staff.locations),
                })
                .collect(),
            recipients: service
                .recipients
                .iter()
                .map(|recipient| Recipient {
                    name: recipient.name.clone(),
                    purpose: recipient.purpose.clone(),
                    locations: places(&recipient.locations),
                    transfer: recipient.transfer,
                    url: recipient.url.clone(),
                })
                .collect(),
            change_notice: service.change_notice.as_ref().map(|notice| ChangeNotice {
                days: notice.days,
                channels: notice.channels.clone(),
            }),
            rights: service
                .rights
                .iter()
                .flat_map(|rights| rights.rights.iter().copied())
                .collect(),
            rights_contact: service.rights.as_ref().and_then(|r| r.contact.clone()),
        }
    }
}

/// Markdown as the text a reader sees: link text without its target, no emphasis marks,
/// blocks joined by a space. A spreadsheet cell or an RDF literal holds no Markdown.
pub(crate) fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(piece) | Event::Code(piece) => text.push_str(&piece),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                text.push(' ');
            }
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! Raw types that mirror the files on disk. Strict: every struct denies unknown keys.
//! Values that are validated later keep their span (`Spanned`) so the error can point at
//! them. No derived fields here; `resolve` turns these into the model. The JSON Schemas
//! editors use (`privdoc schema`) are generated from these same types, so completion can
//! never disagree with the loader; their doc comments are the schemas' descriptions.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::de::Ordered;
use crate::model::{LegalBasis, Material, MetaValue, Right, Transfer};

/// The schema of a TOML date (`2026-01-10`): editors see it as a date string.
fn date_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "format": "date" })
}

/// A service: one privacy page (`content/services/<id>.toml`; the file name is the id).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Service {
    /// The service's name, as used in sentences ("Microsoft Managed Desktop").
    pub name: String,
    /// The overview: what the service is (Markdown).
    #[schemars(with = "String")]
    pub summary: Spanned<String>,
    /// The front matter of the generated page.
    #[schemars(with = "Option<Page>")]
    pub page: Option<Spanned<Page>>,
    /// Data sources and purpose, in page order.
    #[serde(default)]
    pub sources: Vec<SourceUse>,
    /// The "data process and storage" section (Markdown).
    #[schemars(with = "Option<String>")]
    pub processing: Option<Spanned<String>>,
    /// Where the service stores data.
    pub storage: Option<Storage>,
    /// How long data is kept: one rule each; a rule without `source` or `condition` is the default.
    #[serde(default)]
    #[schemars(with = "Vec<Retention>")]
    pub retention: Vec<Spanned<Retention>>,
    /// Staff teams and where they work.
    #[serde(default)]
    pub staff: Vec<Staff>,
    /// How changes are announced, and what counts as material.
    pub change_notice: Option<ChangeNotice>,
    /// Free sections (Compliance, Legal, …), placed after a generated section.
    #[serde(default)]
    pub sections: Vec<Section>,
    /// When the page was last reviewed: a TOML date (`reviewed = 2026-01-10`), shown on the page.
    #[serde(default)]
    #[schemars(schema_with = "date_schema")]
    pub reviewed: Option<Spanned<toml::value::Datetime>>,
    /// Subprocessors and other recipients of the data.
    #[serde(default)]
    #[schemars(with = "Vec<Recipient>")]
    pub recipients: Vec<Spanned<Recipient>>,
    /// What the service itself can reach in the customer's tenant (apps, accounts).
    #[serde(default)]
    #[schemars(with = "Vec<Access>")]
    pub access: Vec<Spanned<Access>>,
    /// Data subject requests: the rights, how to ask, whom to contact.
    pub rights: Option<Rights>,
}

/// A recipient of the data: a subprocessor, an affiliate, an authority.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Recipient {
    /// Its name ("Contoso Support Ltd").
    pub name: String,
    /// What it does with the data ("second-line support").
    pub purpose: String,
    /// Where it processes the data: country codes or regions.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub locations: Vec<Spanned<String>>,
    /// How a transfer out of the EEA is lawful: adequacy, standard-contractual-clauses, binding-corporate-rules, derogation or none.
    pub transfer: Option<Transfer>,
    /// Its privacy page.
    pub url: Option<String>,
}

/// An app or account the service uses in the customer's tenant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Access {
    /// Its name ("Modern Workplace Management").
    pub name: String,
    /// What it is ("enterprise application").
    pub kind: Option<String>,
    /// What the service uses it for ("manage the service").
    #[serde(default)]
    pub uses: Vec<String>,
    /// The permissions it holds ("Group.Read.All").
    #[serde(default)]
    pub permissions: Vec<String>,
    /// More Markdown.
    #[schemars(with = "Option<String>")]
    pub details: Option<Spanned<String>>,
}

/// `[rights]`: data subject requests.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Rights {
    /// The rights data subjects can exercise: access, rectification, erasure, restriction, portability, objection.
    #[serde(default)]
    #[expect(
        clippy::struct_field_names,
        reason = "the key is `rights.rights` by design"
    )]
    pub rights: Vec<Right>,
    /// How to make a request: who asks, where, and what happens (Markdown).
    #[schemars(with = "Option<String>")]
    pub how: Option<Spanned<String>>,
    /// Where requests go (a URL or an email address).
    pub contact: Option<String>,
}

/// `[page]`: the generated page's front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Page {
    /// The page title (default: the service's name).
    #[schemars(with = "Option<String>")]
    pub title: Option<Spanned<String>>,
    /// One sentence for search results and `<meta name="description">`.
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Keywords, each once.
    #[schemars(with = "Option<Vec<String>>")]
    pub keywords: Option<Spanned<Vec<String>>>,
    /// The page's author.
    #[schemars(with = "Option<String>")]
    pub author: Option<Spanned<String>>,
    /// Any other front-matter keys, emitted verbatim in file order ("ms.service" = "m365-md").
    #[schemars(with = "Option<Ordered<MetaValue>>")]
    pub meta: Option<Spanned<Ordered<MetaValue>>>,
}

/// One data source of a service, in page order.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct SourceUse {
    /// The source's id: the stem of `content/sources/<id>.toml`.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// List it nested under this other source of the page (one listed earlier).
    #[schemars(with = "Option<String>")]
    pub under: Option<Spanned<String>>,
    /// Why the service uses the source ("for device management").
    #[schemars(with = "String")]
    pub purpose: Spanned<String>,
    /// The service's subsection about the source (Markdown); it ends with the source's own privacy link.
    #[schemars(with = "Option<String>")]
    pub details: Option<Spanned<String>>,
    /// The data categories this service uses from the source (default: the source's `collects`).
    pub collects: Option<Vec<String>>,
    /// The legal basis of this use: consent, contract, legal-obligation, vital-interests, public-task or legitimate-interests.
    pub legal_basis: Option<LegalBasis>,
    /// The categories of data subjects ("employees").
    #[serde(default)]
    pub subjects: Vec<String>,
    /// What the use covers ("Windows 10 and Windows 11 devices").
    pub applies_to: Option<String>,
}

/// Where a service stores data.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Storage {
    /// ISO 3166-1 alpha-2 country codes ("US") or regions from `content/locations.toml`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub locations: Vec<Spanned<String>>,
    /// The kind of facility ("Azure data centers").
    pub facility: Option<String>,
    /// Data is stored according to the customer's data residency; `locations` are then the possible ones.
    #[serde(default)]
    pub follows_residency: bool,
    /// More Markdown after the storage sentence.
    #[schemars(with = "Option<String>")]
    pub details: Option<Spanned<String>>,
    /// Dated moves of the data ("as of November 8, 2022, new customers in the EU …").
    #[serde(default)]
    pub changes: Vec<StorageChange>,
}

/// A dated change of where data is stored.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct StorageChange {
    /// When it takes effect: a TOML date (`effective = 2022-11-08`).
    #[schemars(schema_with = "date_schema")]
    pub effective: Spanned<toml::value::Datetime>,
    /// Where the data is stored from then on: country codes or regions.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub locations: Vec<Spanned<String>>,
    /// Whose data moves ("new customers in the EU").
    pub applies_to: Option<String>,
    /// More Markdown.
    #[schemars(with = "Option<String>")]
    pub details: Option<Spanned<String>>,
}

/// One retention rule; the most specific rule wins.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Retention {
    /// The data the rule is about ("personal data").
    pub data: String,
    /// How long at most: "30 days", "6 weeks", "6 months", "2 years" or ISO 8601 ("P30D"). Exactly one of `period` and `until`.
    #[schemars(with = "Option<String>")]
    pub period: Option<Spanned<String>>,
    /// Kept until an event instead of for a period ("the legal hold is lifted").
    pub until: Option<String>,
    /// How long at least, in the same form as `period`.
    #[schemars(with = "Option<String>")]
    pub min_period: Option<Spanned<String>>,
    /// When the clock starts ("a device is removed from …").
    pub trigger: Option<String>,
    /// The source that collects this data (an id of this service's sources).
    #[schemars(with = "Option<String>")]
    pub source: Option<Spanned<String>>,
    /// Why the data is kept this long ("security purposes").
    pub reason: Option<String>,
    /// When the rule applies ("if the customer uses …").
    pub condition: Option<String>,
}

/// Staff teams and where they work.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Staff {
    /// Team names ("Security Operations").
    pub teams: Vec<String>,
    /// Where they work: country codes or regions.
    #[schemars(with = "Vec<String>")]
    pub locations: Vec<Spanned<String>>,
}

/// `[change-notice]`: how changes are announced.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct ChangeNotice {
    /// Days of notice before a material change takes effect.
    pub days: u32,
    /// Where notices are published ("Microsoft 365 Message Center").
    pub channels: Vec<String>,
    /// What counts as a material change (default: every category).
    pub material: Option<Vec<Material>>,
    /// More Markdown after the generated sentences.
    #[schemars(with = "Option<String>")]
    pub details: Option<Spanned<String>>,
}

/// A free section of the page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Section {
    /// The heading; its slug is the section's id.
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// The section it follows: overview, sources, processing, storage, source-details, change-notice, or an earlier free section (default: the end).
    #[schemars(with = "Option<String>")]
    pub after: Option<Spanned<String>>,
    /// The section's Markdown.
    #[schemars(with = "String")]
    pub body: Spanned<String>,
}

/// A data source: a product or system that collects data (`content/sources/<id>.toml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Source {
    /// The product name ("Microsoft Intune").
    pub name: String,
    /// Where the product is described; wherever the source is named, it links here.
    pub url: String,
    /// Its privacy page: the "for more information" link of each service's subsection about it.
    #[schemars(with = "Option<String>")]
    pub privacy_url: Option<Spanned<String>>,
    /// The title of its privacy page.
    pub privacy_title: Option<String>,
    /// The data categories it collects ("device configuration").
    #[serde(default)]
    pub collects: Vec<String>,
    /// What it is, for its own page (Markdown).
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
}

/// `content/locations.toml`: `[<id>] name = "…"` per region.
pub(super) type Locations = Ordered<Spanned<Region>>;

/// One region.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Region {
    /// The region's name as used in a sentence ("the European Union").
    pub name: String,
}

//! The declarations as validated domain types: ids as newtypes, periods and locations as
//! types, prose with the place it came from. No IO, no diagnostics: `load` builds a
//! `Model` only from input it has validated.

mod gdpr;
mod location;
mod period;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

pub(crate) use gdpr::{LegalBasis, Right, Transfer};
pub(crate) use location::{Location, Regions, country};
pub(crate) use period::Period;

use crate::diag::{FileId, Span};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $dir:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl $name {
            /// The id as written.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The folder of the generated pages of this kind, under the site root.
            pub(crate) const DIR: &'static str = $dir;

            /// The site path of the generated page (`services/mmd.md`): the one place
            /// this convention is spelled.
            #[must_use]
            pub fn page(&self) -> String {
                format!("{}/{}.md", $dir, self.0)
            }
        }
    };
}

id_type!(
    /// A service id: the stem of `content/services/<id>.toml`.
    ServiceId,
    "services"
);
id_type!(
    /// A source id: the stem of `content/sources/<id>.toml`.
    SourceId,
    "sources"
);

/// Everything a project declares.
#[derive(Debug, Default)]
pub struct Model {
    /// Services, sorted by id.
    pub services: Vec<Service>,
    /// Sources, sorted by id.
    pub sources: Vec<Source>,
    /// Snippets by their include path (`snippets/name.md`).
    pub snippets: BTreeMap<String, Snippet>,
    /// Hand-written pages, sorted by path.
    pub pages: Vec<Page>,
    /// Every other file of the content directory (images, downloads), by path relative to
    /// it: what links may point at besides pages.
    pub assets: Vec<String>,
    /// Files that exist but could not be read or parsed (and were reported).
    pub unloaded: Unloaded,
}

/// Declarations and snippets whose file exists but failed to load. A reference to one of
/// them is not "unknown": the file's own error says what is wrong, and is the one to fix.
#[derive(Debug, Default)]
pub struct Unloaded {
    /// Service ids.
    pub services: std::collections::BTreeSet<String>,
    /// Source ids.
    pub sources: std::collections::BTreeSet<String>,
    /// Snippet paths (`snippets/name.md`).
    pub snippets: std::collections::BTreeSet<String>,
}

impl Model {
    /// Whether the project declares nothing and has no page: nothing to build or check.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.sources.is_empty() && self.pages.is_empty()
    }

    /// The source with `id`.
    #[must_use]
    pub fn source(&self, id: &SourceId) -> Option<&Source> {
        self.sources
            .binary_search_by(|source| source.id.cmp(id))
            .ok()
            .map(|at| &self.sources[at])
    }

    /// The service with `id`.
    #[must_use]
    pub fn service(&self, id: &ServiceId) -> Option<&Service> {
        self.services
            .binary_search_by(|service| service.id.cmp(id))
            .ok()
            .map(|at| &self.services[at])
    }
}

/// Markdown written by a user, with the place it came from so that findings in it point
/// at the line to edit.
#[derive(Debug, Clone)]
pub struct Prose {
    /// The Markdown.
    pub text: String,
    /// Where it was written.
    pub origin: Origin,
}

/// Where a piece of prose sits in its file.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The whole value (with quotes, for TOML strings).
    pub span: Span,
    /// The byte offset of the text's first byte in the file, when the text is a verbatim
    /// copy of the file's bytes (no escapes), so offsets inside it map exactly.
    pub verbatim_start: Option<usize>,
}

impl Origin {
    /// The span of bytes `range` of the text; the whole value when offsets cannot be mapped.
    #[must_use]
    pub fn locate(&self, range: std::ops::Range<usize>) -> Span {
        match self.verbatim_start {
            Some(start) => Span::new(self.span.file, start + range.start..start + range.end),
            None => self.span.clone(),
        }
    }
}

/// A front-matter value: YAML front matter holds scalars and lists of scalars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaValue {
    /// A scalar, kept as text.
    Text(String),
    /// A block sequence.
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for MetaValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MetaVisitor { in_list: false })
    }
}

/// Reads a front-matter value: a scalar kept as text, or a list of scalars. Anything else
/// is an error that says what a value may be (not serde's "untagged enum").
struct MetaVisitor {
    in_list: bool,
}

impl<'de> serde::de::Visitor<'de> for MetaVisitor {
    type Value = MetaValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.in_list {
            formatter.write_str("a string, number or boolean in the list")
        } else {
            formatter.write_str("a string, number, boolean, or a list of them")
        }
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(MetaValue::Text(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(MetaValue::Text(value))
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(MetaValue::Text(value.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(MetaValue::Text(value.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(MetaValue::Text(value.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(MetaValue::Text(value.to_string()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.in_list {
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Seq,
                &self,
            ));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ListItem)? {
            items.push(item);
        }
        Ok(MetaValue::List(items))
    }
}

/// One item of a front-matter list: a scalar.
struct ListItem;

impl<'de> serde::de::DeserializeSeed<'de> for ListItem {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        match deserializer.deserialize_any(MetaVisitor { in_list: true })? {
            MetaValue::Text(text) => Ok(text),
            MetaValue::List(_) => unreachable!("a list item that is a list is refused above"),
        }
    }
}

impl schemars::JsonSchema for MetaValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MetaValue".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A front-matter value: a scalar, or a list of scalars",
            "anyOf": [
                { "type": ["string", "boolean", "number"] },
                { "type": "array", "items": { "type": ["string", "boolean", "number"] } }
            ]
        })
    }
}

/// Front matter in output order.
pub(crate) type FrontMatter = Vec<(String, MetaValue)>;

/// The generated sections of a service page; a free section's `after` may name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionId {
    /// The summary and the at-a-glance list.
    Overview,
    /// Data sources and purpose.
    Sources,
    /// Data process and storage.
    Processing,
    /// Data storage and staff location, with retention.
    Storage,
    /// The per-source subsections.
    SourceDetails,
    /// Tenant access.
    Access,
    /// Recipients.
    Recipients,
    /// The change notice.
    ChangeNotice,
    /// Data subject rights.
    Rights,
}

impl SectionId {
    /// Every generated section, in page order.
    pub const ALL: [Self; 9] = [
        Self::Overview,
        Self::Sources,
        Self::Processing,
        Self::Storage,
        Self::SourceDetails,
        Self::Access,
        Self::Recipients,
        Self::ChangeNotice,
        Self::Rights,
    ];

    /// The id: the section's anchor, and the name `after` gives it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Sources => "sources",
            Self::Processing => "processing",
            Self::Storage => "storage",
            Self::SourceDetails => "source-details",
            Self::Access => "access",
            Self::Recipients => "recipients",
            Self::ChangeNotice => "change-notice",
            Self::Rights => "rights",
        }
    }

    /// The section with id `id`.
    #[must_use]
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|section| section.as_str() == id)
    }
}

/// What a free section follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// A generated section.
    Generated(SectionId),
    /// An earlier free section, by id.
    Section(String),
}

impl After {
    /// The id of the section followed.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Generated(section) => section.as_str(),
            Self::Section(id) => id,
        }
    }
}

/// One privacy page.
#[derive(Debug, Clone)]
pub struct Service {
    /// The file stem.
    pub id: ServiceId,
    /// The declaring file.
    pub file: FileId,
    /// The service's name, as used in sentences.
    pub name: String,
    /// The overview.
    pub summary: Prose,
    /// The front matter of the generated page.
    pub front_matter: FrontMatter,
    /// Where each front-matter key was declared (`page.meta` keys at their table).
    pub front_matter_spans: BTreeMap<String, Span>,
    /// The `[page]` table (or the file start): where a missing key belongs.
    pub page_span: Span,
    /// Data sources and purpose, in page order.
    pub sources: Vec<SourceUse>,
    /// The "data process and storage" section.
    pub processing: Option<Prose>,
    /// Where data is stored.
    pub storage: Option<Storage>,
    /// Retention rules, in file order.
    pub retention: Vec<RetentionRule>,
    /// Staff teams and where they work.
    pub staff: Vec<Staff>,
    /// How changes are announced.
    pub change_notice: Option<ChangeNotice>,
    /// Free sections.
    pub sections: Vec<Section>,
    /// When the page was last reviewed, and where that is declared.
    pub reviewed: Option<(jiff::civil::Date, Span)>,
    /// Who receives the data.
    pub recipients: Vec<Recipient>,
    /// What the service can reach in the customer's tenant.
    pub access: Vec<Access>,
    /// Data subject requests.
    pub rights: Option<Rights>,
}

/// A recipient of the data.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// Its name.
    pub name: String,
    /// What it does with the data.
    pub purpose: String,
    /// Where it processes the data.
    pub locations: Vec<Location>,
    /// How a transfer out of the EEA is lawful.
    pub transfer: Option<Transfer>,
    /// Its privacy page.
    pub url: Option<String>,
    /// The `[[recipients]]` table.
    pub span: Span,
}

/// An app or account the service uses in the customer's tenant.
#[derive(Debug, Clone)]
pub struct Access {
    /// Its name.
    pub name: String,
    /// What it is ("enterprise application").
    pub kind: Option<String>,
    /// What the service uses it for.
    pub uses: Vec<String>,
    /// The permissions it holds.
    pub permissions: Vec<String>,
    /// More Markdown.
    pub details: Option<Prose>,
    /// The `[[access]]` table.
    pub span: Span,
}

/// Data subject requests.
#[derive(Debug, Clone)]
pub struct Rights {
    /// The rights.
    #[expect(
        clippy::struct_field_names,
        reason = "DESIGN names the key `rights.rights`"
    )]
    pub rights: Vec<Right>,
    /// How to make a request.
    pub how: Option<Prose>,
    /// Where requests go.
    pub contact: Option<String>,
}

/// A source as one service uses it.
#[derive(Debug, Clone)]
pub struct SourceUse {
    /// The source.
    pub source: SourceId,
    /// Listed nested under this other source of the page.
    pub under: Option<SourceId>,
    /// Why the service uses it.
    pub purpose: Prose,
    /// The service's subsection about the source.
    pub details: Option<Prose>,
    /// The data categories this service uses from it; `None`: the source's `collects`.
    pub collects: Option<Vec<String>>,
    /// The legal basis of this use.
    pub legal_basis: Option<LegalBasis>,
    /// The categories of data subjects.
    pub subjects: Vec<String>,
    /// What the use covers.
    pub applies_to: Option<String>,
    /// The `source = "…"` value: where this use is declared.
    pub span: Span,
}

impl SourceUse {
    /// The data categories of this use: its own `collects`, else the source's.
    #[must_use]
    pub fn categories<'a>(&'a self, source: Option<&'a Source>) -> &'a [String] {
        match (&self.collects, source) {
            (Some(own), _) => own,
            (None, Some(source)) => &source.collects,
            (None, None) => &[],
        }
    }
}

/// Where a service stores data.
#[derive(Debug, Clone)]
pub struct Storage {
    /// The (possible) locations.
    pub locations: Vec<Location>,
    /// The kind of facility ("Azure data centers").
    pub facility: Option<String>,
    /// Data is stored according to the customer's data residency.
    pub follows_residency: bool,
    /// More Markdown after the storage sentence.
    pub details: Option<Prose>,
    /// Dated moves, in declaration order.
    pub changes: Vec<StorageChange>,
}

/// A dated change of where data is stored.
#[derive(Debug, Clone)]
pub struct StorageChange {
    /// When it takes effect.
    pub effective: jiff::civil::Date,
    /// Where the data is stored from then on.
    pub locations: Vec<Location>,
    /// Whose data moves.
    pub applies_to: Option<String>,
    /// More Markdown.
    pub details: Option<Prose>,
}

/// How long data is kept: a period, or until an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keep {
    /// At most this long.
    For(Period),
    /// Until this happens ("the legal hold is lifted").
    Until(String),
}

impl Keep {
    /// The period, if the rule has one.
    #[must_use]
    pub fn period(&self) -> Option<Period> {
        match self {
            Self::For(period) => Some(*period),
            Self::Until(_) => None,
        }
    }
}

impl fmt::Display for Keep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::For(period) => write!(f, "{period}"),
            Self::Until(event) => write!(f, "until {event}"),
        }
    }
}

/// How long one kind of data is kept.
#[derive(Debug, Clone)]
pub struct RetentionRule {
    /// The data ("personal data").
    pub data: String,
    /// The maximum period, or the event that ends it.
    pub keep: Keep,
    /// The minimum period, if there is one.
    pub min_period: Option<Period>,
    /// When the clock starts ("a device is removed from …").
    pub trigger: Option<String>,
    /// The source that collects this data.
    pub source: Option<SourceId>,
    /// Why it is kept this long.
    pub reason: Option<String>,
    /// When the rule applies.
    pub condition: Option<String>,
    /// The `[[retention]]` table.
    pub span: Span,
}

impl RetentionRule {
    /// A rule with neither a source nor a condition is a default; the others are
    /// exceptions to it (the most specific rule wins).
    #[must_use]
    pub fn is_default(&self) -> bool {
        self.source.is_none() && self.condition.is_none()
    }
}

/// Staff teams and where they work.
#[derive(Debug, Clone)]
pub struct Staff {
    /// Team names.
    pub teams: Vec<String>,
    /// Where they work.
    pub locations: Vec<Location>,
}

/// How a service announces changes.
#[derive(Debug, Clone)]
pub struct ChangeNotice {
    /// Days of notice before a material change.
    pub days: u32,
    /// Where notices are published.
    pub channels: Vec<String>,
    /// What counts as material.
    pub material: Vec<Material>,
    /// More Markdown after the generated sentences.
    pub details: Option<Prose>,
}

/// A category of change that needs notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Material {
    /// Sources added or removed.
    DataSources,
    /// Data categories collected.
    DataCategories,
    /// Where data is stored.
    StorageLocations,
    /// Where staff work.
    StaffLocations,
    /// How long data is kept.
    Retention,
    /// The notice itself.
    Notice,
    /// What the service can reach in the customer's tenant.
    Access,
    /// Who receives the data.
    Recipients,
    /// Where recipients take it, and under what safeguard.
    Transfers,
    /// Why processing is lawful.
    LegalBasis,
    /// The rights of data subjects and how to exercise them.
    Rights,
}

impl Material {
    /// Every category, the default.
    pub const ALL: [Self; 11] = [
        Self::DataSources,
        Self::DataCategories,
        Self::StorageLocations,
        Self::StaffLocations,
        Self::Retention,
        Self::Notice,
        Self::Access,
        Self::Recipients,
        Self::Transfers,
        Self::LegalBasis,
        Self::Rights,
    ];

    /// The category in a sentence ("where data is stored").
    #[must_use]
    pub fn phrase(self) -> &'static str {
        match self {
            Self::DataSources => "the sources of data",
            Self::DataCategories => "the types of data gathered",
            Self::StorageLocations => "where data is stored",
            Self::StaffLocations => "where staff work",
            Self::Retention => "how long data is kept",
            Self::Notice => "this notice",
            Self::Access => "what we can access in your tenant",
            Self::Recipients => "who receives data",
            Self::Transfers => "transfers of data and their safeguards",
            Self::LegalBasis => "the legal basis of processing",
            Self::Rights => "your rights and how to exercise them",
        }
    }
}

/// A free section of a service page.
#[derive(Debug, Clone)]
pub struct Section {
    /// The heading.
    pub title: String,
    /// The heading's id, also the name `after` uses for it.
    pub id: String,
    /// The generated or free section it follows; `None` for the end.
    pub after: Option<After>,
    /// The Markdown.
    pub body: Prose,
}

/// A product or system that collects data, shared by services.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file stem.
    pub id: SourceId,
    /// The declaring file.
    pub file: FileId,
    /// The product name.
    pub name: String,
    /// Where the product is described.
    pub url: String,
    /// Its privacy page.
    pub privacy_url: Option<String>,
    /// Where `privacy-url` is declared.
    pub privacy_url_span: Option<Span>,
    /// The title of its privacy page.
    pub privacy_title: Option<String>,
    /// Data categories it collects.
    pub collects: Vec<String>,
    /// What it is, for its own page.
    pub description: Option<Prose>,
}

/// Shared prose, included with `{{#include snippets/name.md}}`.
#[derive(Debug, Clone)]
pub struct Snippet {
    /// The file.
    pub file: FileId,
    /// Its text.
    pub text: Arc<str>,
}

/// A hand-written Markdown page, rendered and checked as it is.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the content directory, with `/` separators (`guide/faq.md`).
    pub path: String,
    /// The file.
    pub file: FileId,
    /// The whole file.
    pub text: Arc<str>,
    /// Parsed front matter, in file order.
    pub front_matter: FrontMatter,
    /// Whether the front matter failed to parse (and was reported).
    pub front_matter_invalid: bool,
    /// The YAML between the `---` lines, when the page has front matter.
    pub front_matter_at: Option<std::ops::Range<usize>>,
    /// Where each top-level front-matter key is written: the range of the key.
    pub front_matter_keys: BTreeMap<String, std::ops::Range<usize>>,
    /// Where the Markdown after the front matter starts.
    pub body_start: usize,
}

//! Raw types that mirror the files on disk. Strict: every struct denies unknown keys.
//! Values that are validated later keep their span (`Spanned`) so the error can point at
//! them. No derived fields here; `resolve` turns these into the model.

use serde::Deserialize;
use toml::Spanned;

use crate::de::Ordered;
use crate::model::{Material, MetaValue};

/// `content/services/<id>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Service {
    pub name: String,
    pub summary: Spanned<String>,
    pub page: Option<Spanned<Page>>,
    #[serde(default)]
    pub sources: Vec<SourceUse>,
    pub processing: Option<Spanned<String>>,
    pub storage: Option<Storage>,
    #[serde(default)]
    pub retention: Vec<Spanned<Retention>>,
    #[serde(default)]
    pub staff: Vec<Staff>,
    pub change_notice: Option<ChangeNotice>,
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// `[page]`: the generated page's front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Page {
    pub title: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub keywords: Option<Spanned<Vec<String>>>,
    pub author: Option<Spanned<String>>,
    pub meta: Option<Spanned<Ordered<MetaValue>>>,
}

/// One `[[sources]]` entry of a service.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct SourceUse {
    pub source: Spanned<String>,
    pub under: Option<Spanned<String>>,
    pub purpose: Spanned<String>,
    pub details: Option<Spanned<String>>,
}

/// `[storage]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Storage {
    #[serde(default)]
    pub locations: Vec<Spanned<String>>,
    pub facility: Option<String>,
    #[serde(default)]
    pub follows_residency: bool,
    pub details: Option<Spanned<String>>,
}

/// One `[[retention]]` rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Retention {
    pub data: String,
    pub period: Spanned<String>,
    pub min_period: Option<Spanned<String>>,
    pub trigger: Option<String>,
    pub source: Option<Spanned<String>>,
    pub reason: Option<String>,
    pub condition: Option<String>,
}

/// One `[[staff]]` group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Staff {
    pub teams: Vec<String>,
    pub locations: Vec<Spanned<String>>,
}

/// `[change-notice]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct ChangeNotice {
    pub days: u32,
    pub channels: Vec<String>,
    pub material: Option<Vec<Material>>,
    pub details: Option<Spanned<String>>,
}

/// One `[[sections]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Section {
    pub title: Spanned<String>,
    pub after: Option<Spanned<String>>,
    pub body: Spanned<String>,
}

/// `content/sources/<id>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Source {
    pub name: String,
    pub url: String,
    pub privacy_url: Option<String>,
    pub privacy_title: Option<String>,
    #[serde(default)]
    pub collects: Vec<String>,
    pub description: Option<Spanned<String>>,
}

/// `content/locations.toml`: `[<id>] name = "…"` per region.
pub(super) type Locations = Ordered<Spanned<Region>>;

/// One region.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Region {
    pub name: String,
}

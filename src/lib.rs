//! privdoc turns TOML declarations of what a service collects, where it stores data, how
//! long it keeps it, where its staff work and how it announces changes into privacy pages
//! (Markdown and HTML), and checks them.
//!
//! The stages, in the order data flows: [`cli`] → [`app`] → [`config`] and [`load`] →
//! [`model`] → [`render`] → [`check`] → [`diag`] / [`write`]; [`diff`] compares two
//! versions of a project. [`markdown`] is the one
//! Markdown configuration both rendering and checking use.

pub mod app;
pub(crate) mod check;
pub mod cli;
pub(crate) mod config;
pub(crate) mod de;
pub(crate) mod diag;
pub(crate) mod diff;
pub(crate) mod export;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod hash;
pub(crate) mod json;
pub(crate) mod load;
pub(crate) mod markdown;
pub(crate) mod model;
pub(crate) mod render;
pub(crate) mod scaffold;
pub(crate) mod swar;
pub(crate) mod write;

//! privdoc turns TOML declarations of what a service collects, where it stores data, how
//! long it keeps it, where its staff work and how it announces changes into privacy pages
//! (Markdown and HTML), and checks them.
//!
//! The stages, in the order data flows: [`cli`] → [`app`] → [`config`] and [`load`] →
//! [`model`] → [`render`] → [`check`] → [`diag`] / [`write`]; [`diff`] compares two
//! versions of a project. [`markdown`] is the one
//! Markdown configuration both rendering and checking use.

pub mod app;
pub mod check;
pub mod cli;
pub mod config;
pub mod de;
pub mod diag;
pub mod diff;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
pub mod scaffold;
pub mod write;

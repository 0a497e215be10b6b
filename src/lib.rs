//! herald turns a folder of Hugo or Jekyll blog posts into RSS, Atom and JSON feeds and a
//! weekly email digest.
//!
//! The pipeline: [`config::Site::load`] → [`post::load`] (front matter of every post) →
//! [`post::Renderer`] (Markdown, shortcodes, sanitising) → [`entry::Entry`] → outputs.

pub mod cli;
pub mod config;
pub mod deliver;
pub mod diag;
pub mod digest;
pub mod entry;
pub mod feed;
pub mod fsutil;
pub mod post;

//! herald turns a folder of Hugo, Jekyll or Zola blog posts into RSS, Atom and JSON feeds
//! and email digests.
//!
//! The pipeline runs one way, each part a crate of its own: [`app::Herald::load`] reads the
//! settings ([`config::Site::load`], `herald-config`) and every post's front matter
//! ([`post::load`], `herald-post`); the application selects what each output shows and
//! renders exactly those posts ([`post::Renderer`]) into [`entry::Entry`]s (`herald-entry`);
//! the outputs take entries ([`feed`], `herald-feed`; [`digest`], `herald-digest`); delivery
//! takes the finished messages ([`deliver`], `herald-deliver`). No library crate prints or
//! reads the clock or the environment: every command returns an [`app::Report`] that the
//! binary prints. ARCHITECTURE.md draws the whole house.

pub mod app;

pub use herald_config as config;
pub use herald_config::{diag, fsutil};
pub use herald_deliver as deliver;
pub use herald_digest as digest;
pub use herald_entry as entry;
pub use herald_entry::markup;
pub use herald_feed as feed;
pub use herald_post as post;

//! herald turns a folder of Hugo or Jekyll blog posts into RSS, Atom and JSON feeds and a
//! weekly email digest.
//!
//! The pipeline runs one way: [`app::Herald::load`] reads the settings
//! ([`config::Site::load`]) and every post's front matter ([`post::load`]); the application
//! selects what each output shows and renders exactly those posts ([`post::Renderer`]) into
//! [`entry::Entry`]s; the outputs take entries ([`feed`], [`digest`]); delivery takes the
//! finished messages ([`deliver`]). The library never prints and never reads the clock or
//! the environment: every command returns an [`app::Report`] that the binary prints.
//! ARCHITECTURE.md draws the whole house.

pub mod app;
pub mod config;
pub mod deliver;
pub mod diag;
pub mod digest;
pub mod entry;
pub mod feed;
pub mod fsutil;
pub mod markup;
pub mod post;

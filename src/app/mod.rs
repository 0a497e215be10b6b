//! The application: load the site (settings, then every post's front matter), select what
//! each output shows, render exactly those posts into entries and hand `&[Entry]` to the
//! outputs. Every command returns a [`Report`]; the command line prints it.

mod archive;
mod herald;
mod init;
mod report;
mod send;

/// Which period a command is about, as the command line gives it.
pub use crate::digest::PeriodArg;
pub use herald::{Herald, Options};
pub use report::Report;
pub use send::SendOptions;

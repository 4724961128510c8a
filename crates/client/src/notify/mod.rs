//! Desktop notifications: a pure policy deciding what to show, and a sink that
//! shows it through the OS (notify-rust).

pub mod policy;
pub mod sink;

pub use policy::{Decision, Notice, Policy, Settings, View};
pub use sink::{DesktopSink, Sink};

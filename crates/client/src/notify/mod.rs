//! Desktop notifications: a pure policy deciding what to show (and when to ask
//! for attention), a sink that shows it through the OS (notify-rust; WinRT
//! toasts on Windows), and the waiting count on the taskbar or dock icon.

pub mod badge;
pub mod policy;
pub mod sink;
pub mod toast;

pub use policy::{Decision, Notice, Policy, Settings, View};
pub use sink::{DesktopSink, Sink};

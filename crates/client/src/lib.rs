//! The Switchboard desktop app's engine: everything the app does that is not
//! drawing pixels. Sign-in and the token's keeping, the offline cache with
//! full-text search, sync from the server's event stream, the exactly-once
//! outbox, and the notification policy with its desktop sink. Knows nothing of Tauri.

pub mod api;
pub mod app;
pub mod cache;
pub mod engine;
pub mod error;
pub mod notify;
pub mod session;
#[cfg(test)]
mod test_fixtures;

pub use app::{openable_link, App, AppSettings, SessionInfo, Snooze};
pub use engine::{Change, ConnectionState, ConversationView, Engine, EngineOptions};
pub use error::{ClientError, ClientErrorCode, EngineCode, ErrorCode, Result};
pub use session::{Accounts, Session, TokenStore};

//! The Switchboard desktop app's engine: everything the app does that is not
//! drawing pixels. Sign-in and the token's keeping, the offline cache with
//! full-text search, sync from the server's event stream, the exactly-once
//! outbox, and the notification policy with its desktop sink. Knows nothing of Tauri.

pub mod api;
pub mod app;
pub mod cache;
pub mod engine;
pub mod error;
pub mod idle;
pub mod notify;
pub mod session;
#[cfg(test)]
mod test_fixtures;

pub use app::language::{LanguageChoice, LanguageInfo};
pub use app::{openable_link, App, AppSettings, SessionInfo, Snooze};
pub use cache::{Cache, CacheKey};
pub use engine::{Change, ConnectionState, ConversationView, Engine, EngineOptions};
pub use error::{ClientError, ClientErrorCode, EngineCode, ErrorCode, Result};
pub use session::{Accounts, Session, TokenStore};

/// Logs a start-up milestone with the wall clock, the first time it is reached
/// (target `startup`, shown with `RUST_LOG=startup=info`): the launch benchmark
/// lines these up with the webview's own marks.
pub fn startup_mark(stage: &'static str) {
    static SEEN: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    {
        let mut seen = SEEN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.contains(&stage) {
            return;
        }
        seen.push(stage);
    }
    let epoch_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    tracing::info!(target: "startup", stage, epoch_ms);
}

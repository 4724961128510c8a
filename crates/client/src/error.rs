//! The engine's error: a code the app branches on and a message for people.

use serde::Serialize;
use switchboard_protocol::ApiError;

/// Codes the engine adds to the server's (`conversation_taken`, `unauthorized`, …).
pub mod codes {
    /// The server address is not a usable http(s) URL.
    pub const BAD_ADDRESS: &str = "bad_address";
    /// The server could not be reached (no network, wrong host, down).
    pub const UNREACHABLE: &str = "unreachable";
    /// The server answered something that is not Switchboard's API.
    pub const BAD_RESPONSE: &str = "bad_response";
    /// The server accepted the request (2xx) but its answer is unreadable here
    /// (a newer server): the change was made.
    pub const UNREADABLE_ANSWER: &str = "unreadable_answer";
    /// No session: sign in first.
    pub const NOT_SIGNED_IN: &str = "not_signed_in";
    /// The local cache could not be opened or written.
    pub const CACHE: &str = "cache";
    /// No such conversation in the local cache.
    pub const NOT_FOUND: &str = "not_found";
    /// A field the app sent is not acceptable.
    pub const INVALID_FIELD: &str = "invalid_field";
    /// The operating system refused a desktop change (starting at login).
    pub const DESKTOP: &str = "desktop";
}

/// An error crossing from the engine to the app as `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientError {
    pub code: String,
    pub message: String,
}

/// Shorthand for results in the engine.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

impl ClientError {
    pub fn new(code: &str, message: impl Into<String>) -> ClientError {
        ClientError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// Whether retrying later could succeed (the link, not the request, failed).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.code.as_str(),
            codes::UNREACHABLE | codes::BAD_RESPONSE | "internal" | "rate_limited"
        )
    }
}

impl From<ApiError> for ClientError {
    fn from(e: ApiError) -> ClientError {
        ClientError {
            code: e.code.as_str().to_string(),
            message: e.message,
        }
    }
}

impl From<rusqlite::Error> for ClientError {
    fn from(e: rusqlite::Error) -> ClientError {
        ClientError::new(codes::CACHE, format!("local cache: {e}"))
    }
}

impl From<serde_json::Error> for ClientError {
    fn from(e: serde_json::Error) -> ClientError {
        ClientError::new(codes::CACHE, format!("local cache data: {e}"))
    }
}

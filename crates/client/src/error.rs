//! The engine's error: a code the app branches on and a message for people.

use serde::{Deserialize, Serialize};
use switchboard_protocol::ApiError;
pub use switchboard_protocol::ErrorCode;

/// The codes only the engine gives. The server's codes ([`ErrorCode`]) pass
/// through as they are; the two sets share no spelling (a test checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum EngineCode {
    /// The server address is not a usable http(s) URL.
    BadAddress,
    /// The server could not be reached (no network, wrong host, down).
    Unreachable,
    /// The server answered something that is not Switchboard's API.
    BadResponse,
    /// The server accepted the request (2xx) but its answer is unreadable here
    /// (a newer server): the change was made.
    UnreadableAnswer,
    /// No session: sign in first.
    NotSignedIn,
    /// The local cache could not be opened or written.
    Cache,
    /// The operating system refused a desktop request (starting at login,
    /// opening a link in the browser).
    Desktop,
    /// A code this version does not know (from a newer server).
    Unknown,
}

impl EngineCode {
    /// Every engine code, in declaration order.
    pub const ALL: &'static [EngineCode] = &[
        EngineCode::BadAddress,
        EngineCode::Unreachable,
        EngineCode::BadResponse,
        EngineCode::UnreadableAnswer,
        EngineCode::NotSignedIn,
        EngineCode::Cache,
        EngineCode::Desktop,
        EngineCode::Unknown,
    ];

    /// The wire spelling, e.g. `unreachable` (a test checks it is serde's).
    pub fn as_str(self) -> &'static str {
        match self {
            EngineCode::BadAddress => "bad_address",
            EngineCode::Unreachable => "unreachable",
            EngineCode::BadResponse => "bad_response",
            EngineCode::UnreadableAnswer => "unreadable_answer",
            EngineCode::NotSignedIn => "not_signed_in",
            EngineCode::Cache => "cache",
            EngineCode::Desktop => "desktop",
            EngineCode::Unknown => "unknown",
        }
    }
}

/// The code of a [`ClientError`]: the server's or the engine's own, serialised as
/// the bare snake_case string (`"conversation_taken"`, `"unreachable"`) and
/// exported to TypeScript as the union of both sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ClientErrorCode {
    Server(ErrorCode),
    Engine(EngineCode),
}

impl ClientErrorCode {
    /// Reads a stored or received spelling; one this version does not know is
    /// [`EngineCode::Unknown`].
    pub fn parse(code: &str) -> ClientErrorCode {
        serde_json::from_value(serde_json::Value::String(code.to_string()))
            .unwrap_or(ClientErrorCode::Engine(EngineCode::Unknown))
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientErrorCode::Server(c) => c.as_str(),
            ClientErrorCode::Engine(c) => c.as_str(),
        }
    }
}

impl From<ErrorCode> for ClientErrorCode {
    fn from(c: ErrorCode) -> Self {
        ClientErrorCode::Server(c)
    }
}

impl From<EngineCode> for ClientErrorCode {
    fn from(c: EngineCode) -> Self {
        ClientErrorCode::Engine(c)
    }
}

impl PartialEq<ErrorCode> for ClientErrorCode {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == ClientErrorCode::Server(*other)
    }
}

impl PartialEq<EngineCode> for ClientErrorCode {
    fn eq(&self, other: &EngineCode) -> bool {
        *self == ClientErrorCode::Engine(*other)
    }
}

impl std::fmt::Display for ClientErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error crossing from the engine to the app as `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientError {
    pub code: ClientErrorCode,
    pub message: String,
}

/// Shorthand for results in the engine.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

impl ClientError {
    pub fn new(code: impl Into<ClientErrorCode>, message: impl Into<String>) -> ClientError {
        ClientError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// Whether the same request may succeed later: the link failed, or the
    /// server said the condition passes (see [`ErrorCode::is_retryable`]).
    pub fn is_retryable(&self) -> bool {
        match self.code {
            ClientErrorCode::Server(c) => c.is_retryable(),
            ClientErrorCode::Engine(c) => {
                matches!(c, EngineCode::Unreachable | EngineCode::BadResponse)
            }
        }
    }
}

impl From<ApiError> for ClientError {
    fn from(e: ApiError) -> ClientError {
        ClientError::new(e.code, e.message)
    }
}

impl From<rusqlite::Error> for ClientError {
    fn from(e: rusqlite::Error) -> ClientError {
        ClientError::new(EngineCode::Cache, format!("local cache: {e}"))
    }
}

impl From<serde_json::Error> for ClientError {
    fn from(e: serde_json::Error) -> ClientError {
        ClientError::new(EngineCode::Cache, format!("local cache data: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_as_its_bare_spelling_and_reads_back() {
        let all = ErrorCode::ALL
            .iter()
            .map(|&c| ClientErrorCode::from(c))
            .chain(EngineCode::ALL.iter().map(|&c| ClientErrorCode::from(c)));
        let mut seen = std::collections::HashSet::new();
        for code in all {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::json!(code.as_str()), "{code:?}");
            assert_eq!(ClientErrorCode::parse(code.as_str()), code);
            assert!(
                seen.insert(code.as_str()),
                "{code} is both a server and an engine code"
            );
        }
    }

    #[test]
    fn a_code_from_a_newer_server_reads_as_unknown() {
        assert_eq!(
            ClientErrorCode::parse("quota_exceeded"),
            EngineCode::Unknown
        );
        assert_eq!(
            ClientErrorCode::parse("conversation_taken"),
            ErrorCode::ConversationTaken
        );
    }

    #[test]
    fn the_link_failing_and_passing_server_conditions_are_retryable() {
        let retryable = |c: ClientErrorCode| ClientError::new(c, "").is_retryable();
        assert!(retryable(EngineCode::Unreachable.into()));
        assert!(retryable(EngineCode::BadResponse.into()));
        assert!(retryable(ErrorCode::TryAgain.into()));
        assert!(retryable(ErrorCode::Internal.into()));
        assert!(!retryable(ErrorCode::ConversationTaken.into()));
        assert!(!retryable(EngineCode::UnreadableAnswer.into()));
        assert!(!retryable(EngineCode::Cache.into()));
    }
}

//! The server's error: an HTTP status with the wire `{code, message}` body.

use switchboard_protocol::{AgentRef, ApiError, ErrorCode};

/// An error a request ends with. Store functions return it too, so a handler is a
/// plain `?` away from a response.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub status: u16,
    pub body: ApiError,
}

/// Shorthand for results in the server.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with the status that goes with `code`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        let status = match code {
            ErrorCode::InvalidRequest
            | ErrorCode::InvalidField
            | ErrorCode::BodyTooLarge
            | ErrorCode::MessageTooLong => 400,
            ErrorCode::Unauthorized | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::UnknownNumber => 404,
            ErrorCode::ConversationTaken
            | ErrorCode::NotOccupant
            | ErrorCode::InvalidState
            | ErrorCode::OpIdReused
            | ErrorCode::TryAgain
            | ErrorCode::ResyncRequired
            | ErrorCode::SurveyAnswered
            | ErrorCode::CustomerOptedOut
            | ErrorCode::AtCapacity
            | ErrorCode::AgentUnavailable
            | ErrorCode::AgentAtCapacity
            | ErrorCode::ShortcutTaken => 409,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        };
        Error {
            status,
            body: ApiError {
                code,
                message: message.into(),
                holder: None,
            },
        }
    }

    /// 409 `conversation_taken`, naming who holds it.
    pub fn taken(holder: AgentRef) -> Error {
        let mut e = Error::new(
            ErrorCode::ConversationTaken,
            format!("{} has already taken this conversation", holder.name),
        );
        e.body.holder = Some(holder);
        e
    }

    /// 400 `invalid_field`.
    pub fn field(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidField, message)
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Error {
        Error::new(ErrorCode::NotFound, format!("no such {what}"))
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Forbidden, message)
    }

    /// 409 `invalid_state`.
    pub fn state(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidState, message)
    }

    /// 500 `internal`: logged here, never detailed to the caller.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Error {
        tracing::error!("{context}: {err}");
        Error::new(
            ErrorCode::Internal,
            "the server could not complete this request; nothing was changed",
        )
    }

    /// Whether a retry with the same op id must get this same answer (a decision
    /// about the request, not a passing fault).
    pub fn is_final(&self) -> bool {
        !self.body.code.is_retryable()
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Error {
        Error::internal("database", e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::internal("json", e)
    }
}

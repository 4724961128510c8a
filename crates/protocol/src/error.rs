use crate::{wire, AgentRef};

wire! {
    /// Every error the server returns: a code to branch on, a message for people.
    pub struct ApiError {
        pub code: ErrorCode,
        pub message: String,
        /// For `conversation_taken`: who holds the conversation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub holder: Option<AgentRef>,
    }
}

/// Declares `ErrorCode` once: its variants, their wire spellings (`as_str`, checked
/// against serde's by a test) and the list of all of them.
macro_rules! error_codes {
    ($( $(#[$attr:meta])* $variant:ident = $wire:literal, )*) => {
        wire! {
            /// The codes a client acts on.
            #[derive(Copy, Eq, Hash)]
            #[serde(rename_all = "snake_case")]
            pub enum ErrorCode {
                $( $(#[$attr])* $variant, )*
            }
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The wire spelling, e.g. `conversation_taken`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }
        }
    };
}

error_codes! {
    /// The body is not JSON, has unknown fields, wrong types or missing fields.
    InvalidRequest = "invalid_request",
    /// A field's value is not acceptable (blank, too long, not in the list).
    InvalidField = "invalid_field",
    /// The request body exceeds 64 KiB.
    BodyTooLarge = "body_too_large",
    /// A message exceeds 10,000 characters.
    MessageTooLong = "message_too_long",
    /// No valid bearer token, or it expired.
    Unauthorized = "unauthorized",
    /// Wrong email or password.
    InvalidCredentials = "invalid_credentials",
    /// The token is valid but this agent may not do this.
    Forbidden = "forbidden",
    /// No such conversation, agent, survey or text.
    NotFound = "not_found",
    /// Another agent occupies the conversation (see `holder`).
    ConversationTaken = "conversation_taken",
    /// Only the occupant may do this.
    NotOccupant = "not_occupant",
    /// The conversation's state does not allow this action.
    InvalidState = "invalid_state",
    /// The op_id was already used for a different request.
    OpIdReused = "op_id_reused",
    /// Too many attempts; retry later.
    RateLimited = "rate_limited",
    /// Another change to the same conversation won a race; retry the same op.
    TryAgain = "try_again",
    /// The stream cursor is older than the event log's retention: take a new snapshot.
    ResyncRequired = "resync_required",
    /// This survey was already answered; the first answer stands.
    SurveyAnswered = "survey_answered",
    /// The customer texted STOP: no texts may be sent to them.
    CustomerOptedOut = "customer_opted_out",
    /// A text addressed to a number this server does not answer.
    UnknownNumber = "unknown_number",
    /// The caller already occupies as many conversations as their capacity allows.
    AtCapacity = "at_capacity",
    /// The transfer's target is away.
    AgentUnavailable = "agent_unavailable",
    /// The transfer's target occupies as many conversations as their capacity allows.
    AgentAtCapacity = "agent_at_capacity",
    /// Another canned reply already has this shortcut.
    ShortcutTaken = "shortcut_taken",
    /// A fault on the server; the change was not made.
    Internal = "internal",
}

impl ErrorCode {
    /// Whether the same request, sent again later with the same op id, may
    /// succeed: a passing condition (a fault, a rate limit, a lost race), not a
    /// decision about the request. The server does not remember these answers
    /// for op ids; clients retry them.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::Internal | ErrorCode::RateLimited | ErrorCode::TryAgain
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use std::collections::HashSet;

    #[test]
    fn as_str_is_the_serde_spelling_of_every_code() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::json!(code.as_str()), "{code:?}");
            let back: ErrorCode = serde_json::from_value(json).unwrap();
            assert_eq!(back, code);
        }
        let spellings: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            spellings.len(),
            ErrorCode::ALL.len(),
            "two codes share a spelling"
        );
    }

    #[test]
    fn only_passing_conditions_are_retryable() {
        let retryable: Vec<_> = ErrorCode::ALL.iter().filter(|c| c.is_retryable()).collect();
        assert_eq!(
            retryable,
            [
                &ErrorCode::RateLimited,
                &ErrorCode::TryAgain,
                &ErrorCode::Internal
            ]
        );
    }
}

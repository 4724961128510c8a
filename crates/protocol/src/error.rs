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

    /// The codes a client acts on.
    #[derive(Copy, Eq, Hash)]
    #[serde(rename_all = "snake_case")]
    pub enum ErrorCode {
        /// The body is not JSON, has unknown fields, wrong types or missing fields.
        InvalidRequest,
        /// A field's value is not acceptable (blank, too long, not in the list).
        InvalidField,
        /// The request body exceeds 64 KiB.
        BodyTooLarge,
        /// A message exceeds 10,000 characters.
        MessageTooLong,
        /// No valid bearer token, or it expired.
        Unauthorized,
        /// Wrong email or password.
        InvalidCredentials,
        /// The token is valid but this agent may not do this.
        Forbidden,
        NotFound,
        /// Another agent occupies the conversation (see `holder`).
        ConversationTaken,
        /// Only the occupant may do this.
        NotOccupant,
        /// The conversation's state does not allow this action.
        InvalidState,
        /// The op_id was already used for a different request.
        OpIdReused,
        /// Too many attempts; retry later.
        RateLimited,
        /// Another change to the same conversation won a race; retry the same op.
        TryAgain,
        /// The stream cursor is older than the event log's retention: take a new snapshot.
        ResyncRequired,
        /// This survey was already answered; the first answer stands.
        SurveyAnswered,
        /// The customer texted STOP: no texts may be sent to them.
        CustomerOptedOut,
        /// A text addressed to a number this server does not answer.
        UnknownNumber,
        /// A fault on the server; the change was not made.
        Internal,
    }
}

impl ErrorCode {
    /// The wire spelling, e.g. `conversation_taken`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::MessageTooLong => "message_too_long",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ConversationTaken => "conversation_taken",
            ErrorCode::NotOccupant => "not_occupant",
            ErrorCode::InvalidState => "invalid_state",
            ErrorCode::OpIdReused => "op_id_reused",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::TryAgain => "try_again",
            ErrorCode::ResyncRequired => "resync_required",
            ErrorCode::SurveyAnswered => "survey_answered",
            ErrorCode::CustomerOptedOut => "customer_opted_out",
            ErrorCode::UnknownNumber => "unknown_number",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

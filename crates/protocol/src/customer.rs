use crate::{wire, ConversationId, ErrorCode, MessageId};
use chrono::{DateTime, Utc};

wire! {
    /// `POST /api/v1/customer/conversations`: a customer starts a chat.
    #[serde(deny_unknown_fields)]
    pub struct StartConversationRequest {
        pub name: String,
        pub email: String,
    }

    /// The conversation and the token that alone can read and write it.
    pub struct CustomerSession {
        pub conversation_id: ConversationId,
        /// Bearer token for the customer API; unguessable, one per conversation.
        pub token: String,
    }

    /// `POST /api/v1/customer/conversations/{id}/messages`.
    #[serde(deny_unknown_fields)]
    pub struct CustomerMessageRequest {
        pub body: String,
    }

    /// A posted customer message. When the conversation had ended, the message opened
    /// a new one, and `session` carries its id and token.
    pub struct CustomerMessageResponse {
        pub message: CustomerVisibleMessage,
        pub session: Option<CustomerSession>,
    }

    /// Who wrote a line, as the customer sees it.
    #[derive(Copy, Eq)]
    #[serde(rename_all = "snake_case")]
    pub enum CustomerSide {
        Me,
        Agent,
    }

    /// A line of the chat as the customer sees it.
    pub struct CustomerVisibleMessage {
        pub id: MessageId,
        pub from: CustomerSide,
        /// The agent's display name on agent lines.
        pub agent_name: Option<String>,
        pub body: String,
        pub created_at: DateTime<Utc>,
    }

    /// `GET /api/v1/customer/conversations/{id}`.
    pub struct CustomerConversation {
        pub conversation_id: ConversationId,
        pub name: String,
        /// True once an agent has ended the conversation.
        pub ended: bool,
        pub messages: Vec<CustomerVisibleMessage>,
        /// Once ended: the rating asked for (`rating` stays null until answered).
        pub survey: Option<CustomerSurvey>,
    }

    /// The end-of-chat survey as the customer sees it.
    pub struct CustomerSurvey {
        pub rating: Option<u8>,
        pub comment: Option<String>,
        pub answered_at: Option<DateTime<Utc>>,
    }

    /// `POST /api/v1/customer/conversations/{id}/survey`: the customer's rating.
    #[serde(deny_unknown_fields)]
    pub struct SurveyRequest {
        /// 1 (poor) to 5 (excellent).
        pub rating: i64,
        /// Optional, at most 1,000 characters.
        #[serde(default)]
        pub comment: Option<String>,
    }

    /// The first frame a customer's page sends on `/customer/conversations/{id}/stream`.
    #[serde(deny_unknown_fields)]
    pub struct CustomerStreamAuth {
        pub token: String,
    }

    /// A frame of the customer's live stream, server to page.
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum CustomerStreamFrame {
        /// The whole conversation, first and after every change.
        Conversation { conversation: CustomerConversation },
        /// Nothing changed; the connection is alive.
        Heartbeat,
        /// The stream cannot go on (a bad token); the server closes it.
        Error { code: ErrorCode, message: String },
    }
}

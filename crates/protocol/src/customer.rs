use crate::{wire, ConversationId, ErrorCode, MessageId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

wire! {
    /// `POST /api/v1/customer/conversations`: a customer starts a chat.
    #[serde(deny_unknown_fields)]
    pub struct StartConversationRequest {
        /// Not blank, at most 1,000 characters, no NUL.
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000, pattern = r"^[^\x00]*\S[^\x00]*$"))]
        pub name: String,
        /// `name@domain`, at most 1,000 characters, no NUL.
        #[cfg_attr(feature = "openapi", schema(max_length = 1000, pattern = r"^[^\x00]*\S[^\x00]*@[^\x00@]*[^\x00@\s][^\x00@]*$"))]
        pub email: String,
        /// The page's language, a BCP 47 tag (`fr`, `pt-BR`): the server keeps
        /// the nearest language it has (English when none) for its texts to
        /// this customer. None: the server's own (`serve --language`).
        #[cfg_attr(feature = "openapi", schema(max_length = 35, pattern = r"^([A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"))]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub language: Option<String>,
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
        /// Not blank, at most 10,000 characters, no NUL.
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000, pattern = r"^[^\x00]*\S[^\x00]*$"))]
        pub body: String,
        /// Made by the client (a fresh UUID per message): a retry with the same id,
        /// after a lost answer, stores nothing new and gets the first answer again
        /// (the same message; a fresh token when that message opened a new
        /// conversation). The same id with another body is refused (`op_id_reused`).
        #[serde(default)]
        pub client_id: Option<Uuid>,
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
        /// The text; empty on a line that only carries attachments.
        pub body: String,
        pub created_at: DateTime<Utc>,
        /// Files attached to this line.
        #[serde(default)]
        pub attachments: Vec<crate::Attachment>,
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
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
        #[serde(deserialize_with = "crate::whole_number")]
        pub rating: i64,
        /// Optional, at most 1,000 characters, no NUL.
        #[cfg_attr(feature = "openapi", schema(max_length = 1000, pattern = r"^[^\x00]*$"))]
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
        /// The agent is writing a reply (about once a second while they type;
        /// never stored). Show it for a few seconds unless another comes.
        Typing { agent_name: String },
    }

    /// `POST /api/v1/customer/conversations/{id}/language`: the page's language
    /// changed (the customer chose another).
    #[serde(deny_unknown_fields)]
    pub struct CustomerLanguageRequest {
        /// A BCP 47 tag (`fr`, `pt-BR`) of at most 35 characters: language,
        /// then script, region and variants.
        #[cfg_attr(feature = "openapi", schema(max_length = 35, pattern = r"^([A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"))]
        pub language: String,
    }

    /// The conversation's language as the server keeps it: the nearest it has
    /// to the tag asked for (`pt-BR` is kept as `en` on a server without
    /// Portuguese).
    pub struct CustomerLanguage {
        /// One of the server's languages (`en`, `fr`).
        pub language: String,
    }

    /// `POST /api/v1/customer/conversations/{id}/seen`: the page has shown the
    /// customer the agents' messages up to this one.
    #[serde(deny_unknown_fields)]
    pub struct SeenRequest {
        #[serde(deserialize_with = "crate::whole_number")]
        pub message_id: MessageId,
    }
}

#[cfg(test)]
mod tests {
    use super::SurveyRequest;

    #[test]
    fn a_rating_is_a_whole_number_written_either_way() {
        let read = |json: &str| serde_json::from_str::<SurveyRequest>(json).map(|r| r.rating);
        assert_eq!(read(r#"{"rating": 4}"#).unwrap(), 4);
        assert_eq!(read(r#"{"rating": 4.0}"#).unwrap(), 4);
        assert!(read(r#"{"rating": 4.5}"#).is_err());
        assert!(read(r#"{"rating": "4"}"#).is_err());
        let seen =
            |json: &str| serde_json::from_str::<super::SeenRequest>(json).map(|r| r.message_id);
        assert_eq!(
            seen(r#"{"message_id": 44068488630.0}"#).unwrap(),
            44_068_488_630
        );
        assert!(seen(r#"{"message_id": 1.5}"#).is_err());
    }
}

use crate::{
    wire, AgentRef, Availability, ConversationId, ConversationSummary, CustomerId, Message,
};
use chrono::{DateTime, Utc};

wire! {
    /// One change, as the stream delivers it.
    pub struct Event {
        /// Strictly increasing across the whole server.
        pub seq: i64,
        pub at: DateTime<Utc>,
        pub kind: EventKind,
    }

    /// What changed. Every variant carries the state after the change, so a client
    /// applies it without asking the server again.
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum EventKind {
        /// A new conversation (in the queue, or hidden when the customer is blocked).
        ConversationCreated { conversation: ConversationSummary },
        /// A message was added (customer, agent or system line).
        MessagePosted { conversation: ConversationSummary, message: Message },
        /// An agent took a conversation from the queue.
        ConversationTaken { conversation: ConversationSummary, by: AgentRef },
        /// The occupant (or a supervisor) freed it: back in the queue.
        ConversationFreed { conversation: ConversationSummary, by: AgentRef },
        /// `by` (the occupant or a supervisor) handed it from `from` to `to`, who now
        /// occupies it, with an optional note for them.
        ConversationTransferred {
            conversation: ConversationSummary,
            by: AgentRef,
            from: AgentRef,
            to: AgentRef,
            note: Option<String>,
        },
        /// The server returned it to the queue: its customer waited longer than
        /// the server's setting for an answer from `from`, who held it.
        ConversationReturned {
            conversation: ConversationSummary,
            from: AgentRef,
        },
        /// Ended with the questionnaire: archived.
        ConversationEnded { conversation: ConversationSummary, by: AgentRef },
        /// Reopened from the archive by `by`, who now occupies it.
        ConversationReopened { conversation: ConversationSummary, by: AgentRef },
        /// Reported as spam: every conversation of the customer leaves every list.
        CustomerBlocked {
            customer_id: CustomerId,
            conversation_ids: Vec<ConversationId>,
            by: AgentRef,
        },
        /// A supervisor (or the admin CLI: no `by`) erased the customer: their
        /// name, email and phone, every message, file, survey and text of their
        /// conversations are gone from the server. A client deletes these
        /// conversations from what it keeps; those in the archive come back
        /// later, anonymised and empty, with a newer version.
        CustomerErased {
            customer_id: CustomerId,
            conversation_ids: Vec<ConversationId>,
            by: Option<AgentRef>,
        },
        /// A supervisor unblocked the customer; `ConversationRestored` events follow
        /// for each of their conversations that comes back into a list.
        CustomerUnblocked { customer_id: CustomerId, by: AgentRef },
        /// A conversation is back in a list after its customer was unblocked (a spam
        /// one returns to the queue; an archived one to its closer's archive).
        ConversationRestored { conversation: ConversationSummary },
        /// The customer rated an ended conversation (`conversation.survey`).
        SurveyAnswered { conversation: ConversationSummary },
        /// The customer's chat page showed them the agents' messages up to
        /// `conversation.seen_message_id`.
        MessagesSeen { conversation: ConversationSummary },
        /// The customer's chat page changed the conversation's language
        /// (`conversation.language`).
        LanguageChanged { conversation: ConversationSummary },
        /// An agent became available or away, or a supervisor changed their
        /// capacity. (Opening and closing the app raise no event: read the team.)
        AgentChanged {
            agent: AgentRef,
            availability: Availability,
            capacity: Option<u32>,
            /// Their app was open at the change (older servers: assumed so).
            #[serde(default = "crate::yes")]
            connected: bool,
        },
        /// A supervisor added, changed or deleted a canned reply: every one now,
        /// by shortcut.
        CannedRepliesChanged { replies: Vec<crate::CannedReply> },
    }

    /// A frame of the WebSocket stream, server to client.
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum StreamFrame {
        /// Events in sequence order; the client applies them and saves `cursor`.
        Events { events: Vec<Event>, cursor: i64 },
        /// Nothing new; `cursor` is where the stream stands (it may have passed events
        /// this agent may not see). Sent every heartbeat interval.
        Heartbeat { cursor: i64, heartbeat_ms: u64 },
        /// The cursor is older than the log's retention: take a fresh snapshot.
        ResyncRequired { oldest_available: i64 },
        /// The customer of a conversation this agent sees is typing (on the chat
        /// page, about once a second while they type). Never stored, no cursor:
        /// show it for a few seconds unless another comes.
        Typing { conversation_id: ConversationId, name: String },
    }
}

impl EventKind {
    /// The conversation this event is about, if it is about one.
    pub fn conversation(&self) -> Option<&ConversationSummary> {
        match self {
            EventKind::ConversationCreated { conversation }
            | EventKind::MessagePosted { conversation, .. }
            | EventKind::ConversationTaken { conversation, .. }
            | EventKind::ConversationFreed { conversation, .. }
            | EventKind::ConversationEnded { conversation, .. }
            | EventKind::ConversationReopened { conversation, .. }
            | EventKind::ConversationTransferred { conversation, .. }
            | EventKind::ConversationReturned { conversation, .. }
            | EventKind::ConversationRestored { conversation }
            | EventKind::SurveyAnswered { conversation }
            | EventKind::MessagesSeen { conversation }
            | EventKind::LanguageChanged { conversation } => Some(conversation),
            EventKind::CustomerBlocked { .. }
            | EventKind::CustomerErased { .. }
            | EventKind::CustomerUnblocked { .. }
            | EventKind::AgentChanged { .. }
            | EventKind::CannedRepliesChanged { .. } => None,
        }
    }
}

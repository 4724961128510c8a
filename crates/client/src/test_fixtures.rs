//! Wire values for the crate's unit tests.

use chrono::Utc;
use switchboard_protocol::{
    AgentRef, Channel, ConversationState, ConversationSummary, Customer, Me, Role, Unanswered,
};

/// A cache key for the crate's unit tests (their caches are encrypted, as the app's).
pub fn key() -> crate::cache::CacheKey {
    crate::cache::CacheKey::parse(&"5a".repeat(32)).unwrap()
}

/// Alice, agent 1.
pub fn me() -> Me {
    Me {
        id: 1,
        name: "Alice".into(),
        email: "alice@example.com".into(),
        role: Role::Agent,
    }
}

/// A conversation in the queue (no occupant) or occupied, with "Customer {id}"
/// (customer id `id * 10`) and, if given, their unanswered message.
pub fn conversation(
    id: i64,
    occupant: Option<i64>,
    unanswered: Option<&str>,
    version: i64,
) -> ConversationSummary {
    ConversationSummary {
        id,
        customer: Customer {
            id: id * 10,
            name: format!("Customer {id}"),
            email: None,
            phone: None,
            blocked: false,
            sms_opted_out: false,
        },
        state: if occupant.is_some() {
            ConversationState::Occupied
        } else {
            ConversationState::NotAssigned
        },
        channel: Channel::Web,
        occupant: occupant.map(|o| AgentRef {
            id: o,
            name: format!("Agent {o}"),
        }),
        created_at: Utc::now(),
        last_message_at: Some(Utc::now()),
        unanswered: unanswered.map(|b| Unanswered {
            body: b.into(),
            waiting_since: Utc::now(),
        }),
        closure: None,
        survey: None,
        previous_conversation_id: None,
        version,
        seen_message_id: None,
        language: None,
    }
}

//! Who is typing: the chat page says the customer is, the app says the
//! occupant is, each about once a second while they type. Passed on as hub
//! signals (across nodes on PostgreSQL through NOTIFY), never stored.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::error::Result;
use crate::hub::Signal;
use crate::store::agents::Caller;
use crate::store::blocks::occupancy::refusal;
use crate::store::blocks::tokens;
use crate::store::events::visibility;
use crate::store::{rows, Store};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use switchboard_protocol::{ConversationId, ConversationState};

/// The shortest time between two signals passed on for one side of one
/// conversation: a page or app that sends more often is heard less often.
const MIN_GAP: Duration = Duration::from_millis(800);
/// Names longer than this are cut in signals (a NOTIFY payload is small).
const MAX_NAME_CHARS: usize = 200;

/// When each side of each conversation last had a signal passed on.
#[derive(Debug, Default)]
pub struct Recent(Mutex<HashMap<(ConversationId, bool), Instant>>);

impl Recent {
    /// Whether a signal from this side may pass now (and if so, notes it).
    fn allow(&self, conversation: ConversationId, customer: bool) -> bool {
        let now = Instant::now();
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, at| now.duration_since(*at) < MIN_GAP);
        }
        match map.get(&(conversation, customer)) {
            Some(at) if now.duration_since(*at) < MIN_GAP => false,
            _ => {
                map.insert((conversation, customer), now);
                true
            }
        }
    }
}

fn cut(name: &str) -> String {
    name.chars().take(MAX_NAME_CHARS).collect()
}

impl Store {
    /// The customer is typing on the chat page: the agents who see the
    /// conversation hear of it. Nothing is said for an ended, blocked or spam
    /// conversation.
    pub async fn customer_typing(&self, id: ConversationId, token: &str) -> Result<()> {
        let mut tx = self.db.read().await?;
        tokens::check(&mut tx, id, token).await?;
        let current = rows::summary(&mut tx, id).await?;
        tx.commit().await?;
        let live = matches!(
            current.state,
            ConversationState::NotAssigned | ConversationState::Occupied
        );
        if live && !current.customer.blocked && self.typing.allow(id, true) {
            self.signal(Signal::CustomerTyping {
                conversation: id,
                audience: visibility(&current),
                name: cut(&current.customer.name),
            })
            .await;
        }
        Ok(())
    }

    /// The occupant is typing a reply: the customer's page hears of it. Others
    /// are refused as a reply would be.
    pub async fn agent_typing(&self, caller: &Caller, id: ConversationId) -> Result<()> {
        let mut tx = self.db.read().await?;
        let current = rows::summary(&mut tx, id).await?;
        tx.commit().await?;
        if !current.is_occupied_by(caller.id) {
            return Err(refusal(&current, caller, "type in"));
        }
        if self.typing.allow(id, false) {
            self.signal(Signal::AgentTyping {
                conversation: id,
                agent_name: cut(&caller.name),
            })
            .await;
        }
        Ok(())
    }

    /// Sends a signal to this node's streams and, on PostgreSQL, to the other
    /// nodes' (best effort: a lost signal is repeated a second later).
    pub async fn signal(&self, signal: Signal) {
        self.tell_other_nodes(&signal).await;
        self.hub.signal(signal);
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn each_side_of_each_conversation_passes_once_per_gap() {
        let recent = Recent::default();
        assert!(recent.allow(1, true));
        assert!(!recent.allow(1, true), "too soon");
        assert!(recent.allow(1, false), "the other side");
        assert!(recent.allow(2, true), "another conversation");
        std::thread::sleep(super::MIN_GAP);
        assert!(recent.allow(1, true), "after the gap");
    }
}

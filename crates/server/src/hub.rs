//! In-process fan-out of committed events to the open streams.
//!
//! The events table is the truth; the hub only saves each stream a database
//! round-trip per event. A stream that sees a gap in sequence numbers (events
//! published out of commit order, or a lagging receiver) reads the table instead.
//!
//! Beside the events, the hub carries signals: what is said in passing (who is
//! typing), never stored, heard only by the streams open at the time.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use switchboard_protocol::{AgentId, ConversationId};
use tokio::sync::broadcast;

/// Who may see an event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Every agent.
    pub all: bool,
    /// Up to two agents; with `all` false and neither set, supervisors only.
    pub a: Option<AgentId>,
    pub b: Option<AgentId>,
}

impl Audience {
    /// Every agent.
    pub const ALL: Audience = Audience {
        all: true,
        a: None,
        b: None,
    };
    /// Supervisors and admins only.
    pub const SUPERVISORS: Audience = Audience {
        all: false,
        a: None,
        b: None,
    };

    /// One agent (and supervisors).
    pub fn agent(id: AgentId) -> Audience {
        Audience {
            all: false,
            a: Some(id),
            b: None,
        }
    }

    /// Everyone either audience includes.
    pub fn union(self, other: Audience) -> Audience {
        if self.all || other.all {
            return Audience::ALL;
        }
        let mut ids: Vec<AgentId> = [self.a, self.b, other.a, other.b]
            .into_iter()
            .flatten()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [] => Audience::SUPERVISORS,
            [a] => Audience::agent(*a),
            [a, b] => Audience {
                all: false,
                a: Some(*a),
                b: Some(*b),
            },
            // Never happens with today's transitions; telling everyone is the safe side.
            _ => Audience::ALL,
        }
    }

    /// Whether this agent may see the event.
    pub fn includes(&self, agent: AgentId, sees_everything: bool) -> bool {
        sees_everything || self.all || self.a == Some(agent) || self.b == Some(agent)
    }
}

/// A committed event, serialised once for every stream.
#[derive(Debug)]
pub struct HubEvent {
    pub seq: i64,
    pub audience: Audience,
    /// The conversation it is about, if any (customers' pages follow these).
    pub conversation: Option<ConversationId>,
    pub json: Arc<str>,
}

/// A signal: ephemeral, never stored, without a sequence number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signal {
    /// A customer is typing: for the agent streams `audience` includes.
    CustomerTyping {
        conversation: ConversationId,
        audience: Audience,
        name: String,
    },
    /// The occupant is typing a reply: for the conversation's customer streams.
    AgentTyping {
        conversation: ConversationId,
        agent_name: String,
    },
}

/// The broadcast side of the hub.
#[derive(Clone, Debug)]
pub struct Hub {
    tx: broadcast::Sender<Arc<HubEvent>>,
    signals: broadcast::Sender<Arc<Signal>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    /// A hub whose receivers may fall this many events behind before they resync
    /// from the table.
    pub fn new() -> Hub {
        let (tx, _) = broadcast::channel(4096);
        // A stream that falls behind on signals just misses some: they are
        // repeated every second while they matter.
        let (signals, _) = broadcast::channel(1024);
        Hub { tx, signals }
    }

    /// Sends a signal to every open stream (those it is not for ignore it).
    pub fn signal(&self, s: Signal) {
        let _ = self.signals.send(Arc::new(s));
    }

    /// A receiver of every signal sent from now on.
    pub fn subscribe_signals(&self) -> broadcast::Receiver<Arc<Signal>> {
        self.signals.subscribe()
    }

    /// Sends committed events to every open stream.
    pub fn publish(&self, events: Vec<Arc<HubEvent>>) {
        for e in events {
            // No receivers is fine: nobody is connected.
            let _ = self.tx.send(e);
        }
    }

    /// A receiver of everything published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<HubEvent>> {
        self.tx.subscribe()
    }
}

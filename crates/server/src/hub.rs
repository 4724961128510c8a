//! In-process fan-out of committed events to the open streams.
//!
//! The events table is the truth; the hub only saves each stream a database
//! round-trip per event. A stream that sees a gap in sequence numbers (events
//! published out of commit order, or a lagging receiver) reads the table instead.
//!
//! Beside the events, the hub carries signals: what is said in passing (who is
//! typing), never stored, heard only by the streams open at the time.

use axum::extract::ws::Utf8Bytes;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};
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
    /// The frame of this event alone, made once by the first stream that sends
    /// it and shared by every other (the same bytes, not a copy each).
    frame: OnceLock<Utf8Bytes>,
}

impl HubEvent {
    pub fn new(
        seq: i64,
        audience: Audience,
        conversation: Option<ConversationId>,
        json: Arc<str>,
    ) -> HubEvent {
        HubEvent {
            seq,
            audience,
            conversation,
            json,
            frame: OnceLock::new(),
        }
    }

    /// `{"type":"events","events":[this],"cursor":seq}`, shared.
    pub fn frame(&self) -> Utf8Bytes {
        self.frame
            .get_or_init(|| events_frame(std::slice::from_ref(&self.json), self.seq).into())
            .clone()
    }
}

/// An events frame (`StreamFrame::Events`) of events already serialised.
pub fn events_frame(events: &[Arc<str>], cursor: i64) -> String {
    let mut out = String::with_capacity(64 + events.iter().map(|e| e.len() + 1).sum::<usize>());
    out.push_str(r#"{"type":"events","events":["#);
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push_str(r#"],"cursor":"#);
    out.push_str(&cursor.to_string());
    out.push('}');
    out
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
    /// Sessions ended on another node: this node closes their streams (see
    /// [`crate::store::sessions`]); never sent to the hub's streams.
    SessionsEnded(Ended),
}

/// Which sessions ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ended", rename_all = "snake_case")]
pub enum Ended {
    /// One session (signed out), by its token's hash.
    Session { token_hash: String },
    /// Every session of an agent (removed from the team).
    Agent { agent: AgentId },
}

/// What the hub carries: committed events and signals, in one channel, so a
/// stream waits on one receiver (10,000 streams each re-registering with two
/// channels at every wake-up cost more than the fan-out itself).
#[derive(Debug, Clone)]
pub enum HubItem {
    Event(Arc<HubEvent>),
    Signal(Arc<Signal>),
}

/// The broadcast side of the hub.
#[derive(Clone, Debug)]
pub struct Hub {
    tx: broadcast::Sender<HubItem>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    /// A hub whose receivers may fall this many items behind before they resync
    /// from the table (signals a stream missed that way are missed: they are
    /// repeated every second while they matter).
    pub fn new() -> Hub {
        let (tx, _) = broadcast::channel(4096);
        Hub { tx }
    }

    /// Sends a signal to every open stream (those it is not for ignore it).
    pub fn signal(&self, s: Signal) {
        let _ = self.tx.send(HubItem::Signal(Arc::new(s)));
    }

    /// Sends committed events to every open stream.
    pub fn publish(&self, events: Vec<Arc<HubEvent>>) {
        for e in events {
            // No receivers is fine: nobody is connected.
            let _ = self.tx.send(HubItem::Event(e));
        }
    }

    /// A receiver of everything published and signalled from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<HubItem> {
        self.tx.subscribe()
    }
}

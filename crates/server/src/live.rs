//! The sessions behind this node's open agent streams, so that a stream learns
//! its session ended without reading the database at every heartbeat (10,000
//! streams beating every 5 s would be 2,000 reads a second):
//!
//! - a session's expiry is known when its stream opens, and the stream checks
//!   the clock at each heartbeat;
//! - signing out and removing an agent end their sessions here at once, and on
//!   PostgreSQL on the other nodes through a NOTIFY (see [`crate::tail`]);
//! - each node's sweep checks its streams' sessions in the table now and then,
//!   for a notification that was lost (see [`crate::store::sessions`]).

use crate::hub::Ended;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use switchboard_protocol::AgentId;
use tokio::sync::Notify;

struct Entry {
    token_hash: Arc<str>,
    agent: AgentId,
    ended: Arc<Notify>,
}

/// This node's open streams' sessions.
#[derive(Default)]
pub struct LiveSessions {
    streams: Mutex<HashMap<u64, Entry>>,
    next: AtomicU64,
}

impl std::fmt::Debug for LiveSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSessions")
            .field("streams", &self.lock().len())
            .finish()
    }
}

/// A stream's hold on its session, for as long as the stream lives.
pub struct Live {
    sessions: Arc<LiveSessions>,
    id: u64,
    /// Notified once the session has ended (a permit is kept if nobody waits).
    pub ended: Arc<Notify>,
    /// When the session expires, ms since the epoch.
    pub expires_at: i64,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.sessions.lock().remove(&self.id);
    }
}

impl LiveSessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
        self.streams.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Holds the session (by its token's hash) of a stream until the guard drops.
    pub fn hold(self: &Arc<Self>, token_hash: &str, agent: AgentId, expires_at: i64) -> Live {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let ended = Arc::new(Notify::new());
        self.lock().insert(
            id,
            Entry {
                token_hash: Arc::from(token_hash),
                agent,
                ended: ended.clone(),
            },
        );
        Live {
            sessions: self.clone(),
            id,
            ended,
            expires_at,
        }
    }

    /// Tells the streams of these sessions that they ended; returns how many.
    pub fn end(&self, ended: &Ended) -> usize {
        let streams = self.lock();
        let mut n = 0;
        for e in streams.values() {
            let hit = match ended {
                Ended::Session { token_hash } => *e.token_hash == **token_hash,
                Ended::Agent { agent } => e.agent == *agent,
            };
            if hit {
                e.ended.notify_one();
                n += 1;
            }
        }
        n
    }

    /// Tells every stream to end (the server is stopping).
    pub fn end_all(&self) {
        for e in self.lock().values() {
            e.ended.notify_one();
        }
    }

    /// The distinct sessions held now.
    pub fn held(&self) -> Vec<Arc<str>> {
        let set: HashSet<Arc<str>> = self.lock().values().map(|e| e.token_hash.clone()).collect();
        set.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Ended, LiveSessions};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn ending_a_session_or_an_agent_reaches_only_their_streams() {
        let live = Arc::new(LiveSessions::default());
        let a1 = live.hold("token-a1", 1, i64::MAX);
        let a2 = live.hold("token-a2", 1, i64::MAX);
        let b = live.hold("token-b", 2, i64::MAX);
        let ended = Ended::Session {
            token_hash: "token-a1".into(),
        };
        assert_eq!(live.end(&ended), 1);
        let soon = Duration::from_millis(50);
        assert!(tokio::time::timeout(soon, a1.ended.notified())
            .await
            .is_ok());
        assert!(tokio::time::timeout(soon, a2.ended.notified())
            .await
            .is_err());
        assert_eq!(live.end(&Ended::Agent { agent: 1 }), 2);
        assert!(tokio::time::timeout(soon, a2.ended.notified())
            .await
            .is_ok());
        assert!(tokio::time::timeout(soon, b.ended.notified())
            .await
            .is_err());
        drop((a1, a2));
        assert_eq!(
            live.end(&Ended::Agent { agent: 1 }),
            0,
            "closed streams are forgotten"
        );
        assert_eq!(live.held().len(), 1);
    }
}

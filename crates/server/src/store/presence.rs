//! Which agents have the app open, kept in the database so every node agrees:
//! a row per agent and node with the agent's open event streams there.
//!
//! Streams are counted in memory; a node writes only an agent's first stream
//! opening and last one closing (which counts as connected for a few more
//! seconds: an app restarting or a link dropping for a moment is not offline), gathered into one transaction at most every
//! [`FLUSH_EVERY`] (a whole team reconnecting after a restart is a few writes,
//! not one per stream). It refreshes its rows every
//! [`PRESENCE_REFRESH_MS`]; rows of a node not seen for [`PRESENCE_TTL_MS`] (it
//! died) no longer count and are swept. Presence raises no events (a team's
//! reconnect would be a storm of them): the team view reads it.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::now_ms;
use crate::error::Result;
use crate::store::blocks::occupancy::{PRESENCE_REFRESH_MS, PRESENCE_TTL_MS};
use crate::store::Store;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_protocol::AgentId;
use tokio::sync::Notify;

/// How often, at most, a node writes its presence changes.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// This node's open streams per agent, and the agents whose row must change.
#[derive(Debug, Default)]
pub struct Presence {
    state: Mutex<Counts>,
    changed: Notify,
}

#[derive(Debug, Default)]
struct Counts {
    streams: HashMap<AgentId, u32>,
    dirty: BTreeSet<AgentId>,
}

/// Counts one open stream for as long as it lives (also if its task panics).
pub struct Present {
    presence: Arc<Presence>,
    agent: AgentId,
}

impl Drop for Present {
    fn drop(&mut self) {
        self.presence.closed(self.agent);
    }
}

impl Presence {
    /// Counts a stream of `agent` until the guard drops.
    pub fn hold(self: &Arc<Self>, agent: AgentId) -> Present {
        self.opened(agent);
        Present {
            presence: self.clone(),
            agent,
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A stream of `agent` opened on this node.
    fn opened(&self, agent: AgentId) {
        let mut c = self.counts();
        let n = c.streams.entry(agent).or_insert(0);
        *n += 1;
        if *n == 1 {
            c.dirty.insert(agent);
            self.changed.notify_one();
        }
    }

    /// A stream of `agent` on this node closed.
    fn closed(&self, agent: AgentId) {
        let mut c = self.counts();
        let last = match c.streams.get_mut(&agent) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            Some(_) => true,
            None => false,
        };
        if last {
            c.streams.remove(&agent);
            c.dirty.insert(agent);
            self.changed.notify_one();
        }
    }

    /// The changes to write: (agent, open streams now), and forgets them.
    fn take_changes(&self) -> Vec<(AgentId, u32)> {
        let mut c = self.counts();
        let dirty = std::mem::take(&mut c.dirty);
        dirty
            .into_iter()
            .map(|a| (a, c.streams.get(&a).copied().unwrap_or(0)))
            .collect()
    }

    /// Puts changes back after a failed write.
    fn retry(&self, changes: &[(AgentId, u32)]) {
        let mut c = self.counts();
        c.dirty.extend(changes.iter().map(|(a, _)| *a));
    }
}

impl Store {
    /// Writes this node's presence changes as they come, and refreshes and
    /// sweeps the table now and then; runs for as long as the node does.
    pub async fn keep_presence(self) {
        let presence: Arc<Presence> = self.presence.clone();
        let mut refresh = tokio::time::interval(Duration::from_millis(PRESENCE_REFRESH_MS));
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = presence.changed.notified() => {
                    tokio::time::sleep(FLUSH_EVERY).await;
                    let changes = presence.take_changes();
                    if let Err(e) = self.write_presence(&changes).await {
                        tracing::warn!("writing presence failed: {}", e.body.message);
                        presence.retry(&changes);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        presence.changed.notify_one();
                    }
                }
                _ = refresh.tick() => {
                    if let Err(e) = self.refresh_presence().await {
                        tracing::warn!("refreshing presence failed: {}", e.body.message);
                    }
                }
            }
        }
    }

    /// Sets this node's rows of these agents: their open streams, or none.
    pub async fn write_presence(&self, changes: &[(AgentId, u32)]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        let mut tx = self.db.write().await?;
        for (agent, streams) in changes {
            // A last close keeps the row (streams 0, when) for the grace period.
            sqlx::query(
                "INSERT INTO presence (agent_id, node, streams, seen_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (agent_id, node) DO UPDATE SET streams = $3, seen_at = $4",
            )
            .bind(agent)
            .bind(self.node.as_ref())
            .bind(i64::from(*streams))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx, Vec::new()).await
    }

    /// Refreshes this node's rows and sweeps those of nodes not seen for
    /// [`PRESENCE_TTL_MS`]; returns how many rows it swept.
    pub async fn refresh_presence(&self) -> Result<u64> {
        let now = now_ms();
        let mut tx = self.db.write().await?;
        sqlx::query("UPDATE presence SET seen_at = $1 WHERE node = $2 AND streams > 0")
            .bind(now)
            .bind(self.node.as_ref())
            .execute(&mut *tx)
            .await?;
        let swept = sqlx::query("DELETE FROM presence WHERE seen_at <= $1")
            .bind(now - PRESENCE_TTL_MS)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        self.commit(tx, Vec::new()).await?;
        Ok(swept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_agents_first_stream_and_last_close_are_written() {
        let p = Presence::default();
        p.opened(1);
        p.opened(1);
        p.opened(2);
        assert_eq!(p.take_changes(), [(1, 2), (2, 1)]);
        p.opened(1);
        p.closed(1);
        assert!(
            p.take_changes().is_empty(),
            "1 kept a stream open throughout"
        );
        p.closed(1);
        p.closed(1);
        p.closed(2);
        assert_eq!(p.take_changes(), [(1, 0), (2, 0)]);
        p.closed(3);
        assert!(
            p.take_changes().is_empty(),
            "a close never opened changes nothing"
        );
        p.opened(4);
        let changes = p.take_changes();
        p.retry(&changes);
        assert_eq!(p.take_changes(), [(4, 1)]);
    }
}

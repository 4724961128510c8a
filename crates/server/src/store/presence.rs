//! Which agents have the app open, kept in the database so every node agrees:
//! open event streams per agent and node. The first stream of an agent opening
//! and the last one closing are `agent_changed` events; a node that dies stops
//! refreshing its rows, which then no longer count and are swept.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::now_ms;
use crate::error::Result;
use crate::store::blocks::occupancy::{agent_changed, connected, PRESENCE_TTL_MS};
use crate::store::ops::Emitted;
use crate::store::Store;
use sqlx::Row;
use switchboard_protocol::AgentId;

impl Store {
    /// An agent's stream opened on this node.
    pub async fn stream_opened(&self, agent: AgentId) -> Result<()> {
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        let was = connected(&mut tx, agent).await?;
        sqlx::query(
            "INSERT INTO presence (agent_id, node, streams, seen_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (agent_id, node) DO UPDATE SET streams = presence.streams + 1, seen_at = $3",
        )
        .bind(agent)
        .bind(self.node.as_ref())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if !was {
            agent_changed(&mut tx, &mut emitted, agent).await?;
        }
        self.commit(tx, emitted).await
    }

    /// An agent's stream on this node closed.
    pub async fn stream_closed(&self, agent: AgentId) -> Result<()> {
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        sqlx::query(
            "UPDATE presence SET streams = streams - 1, seen_at = $3 WHERE agent_id = $1 AND node = $2",
        )
        .bind(agent)
        .bind(self.node.as_ref())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM presence WHERE agent_id = $1 AND node = $2 AND streams <= 0")
            .bind(agent)
            .bind(self.node.as_ref())
            .execute(&mut *tx)
            .await?;
        if !connected(&mut tx, agent).await? {
            agent_changed(&mut tx, &mut emitted, agent).await?;
        }
        self.commit(tx, emitted).await
    }

    /// Refreshes this node's rows, and sweeps those of nodes not seen for
    /// [`PRESENCE_TTL_MS`]: their agents, unless connected elsewhere, are
    /// reported offline. Returns how many agents went offline.
    pub async fn refresh_presence(&self) -> Result<usize> {
        let now = now_ms();
        let mut tx = self.db.write().await?;
        let mut emitted = Emitted::new();
        sqlx::query("UPDATE presence SET seen_at = $1 WHERE node = $2")
            .bind(now)
            .bind(self.node.as_ref())
            .execute(&mut *tx)
            .await?;
        let stale: Vec<AgentId> = sqlx::query(
            "SELECT DISTINCT agent_id FROM presence WHERE seen_at <= $1 ORDER BY agent_id",
        )
        .bind(now - PRESENCE_TTL_MS)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        sqlx::query("DELETE FROM presence WHERE seen_at <= $1")
            .bind(now - PRESENCE_TTL_MS)
            .execute(&mut *tx)
            .await?;
        let mut gone = 0;
        for agent in stale {
            if !connected(&mut tx, agent).await? {
                agent_changed(&mut tx, &mut emitted, agent).await?;
                gone += 1;
            }
        }
        self.commit(tx, emitted).await?;
        Ok(gone)
    }
}

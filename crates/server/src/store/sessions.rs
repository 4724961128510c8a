//! Checking the sessions of this node's open agent streams against the table:
//! a stream learns its session ended without reading the database at every
//! heartbeat (see [`crate::live`]); every [`SWEEP_HEARTBEATS`] heartbeats each
//! node checks the sessions of all its open streams, 500 to a query, and ends
//! those gone from the table, the safety net for a lost notification.
//!
//! A use case: it imports building blocks and rules, never another use case.

use crate::db::now_ms;
use crate::error::Result;
use crate::hub::Ended;
use crate::store::blocks::tokens::token_hash;
use crate::store::Store;
use sqlx::Row;
use std::collections::HashSet;
use std::time::Duration;

/// Every how many heartbeats a node checks its streams' sessions in the table
/// (60 s at the default 5 s heartbeat).
pub const SWEEP_HEARTBEATS: u32 = 12;
/// Sessions checked per query by the sweep.
const SWEEP_CHUNK: usize = 500;

impl Store {
    /// When the session of `token` expires (ms since the epoch), if it is valid.
    pub async fn session_expires(&self, token: &str) -> Result<Option<i64>> {
        let at = sqlx::query_scalar::<_, i64>(
            "SELECT expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now_ms())
        .fetch_optional(&self.db.reader)
        .await?;
        Ok(at)
    }

    /// Every `every`, ends the open streams whose session is no longer in the
    /// table (signed out on a node whose notification was lost, expired, or the
    /// agent removed); runs for as long as the node does.
    pub async fn sweep_sessions(self, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            match self.sweep_once().await {
                Ok(0) => {}
                Ok(n) => tracing::info!("{n} streams closed: their sessions ended"),
                Err(e) => {
                    tracing::warn!("checking the streams' sessions failed: {}", e.body.message)
                }
            }
        }
    }

    /// One sweep; returns how many streams it ended.
    pub async fn sweep_once(&self) -> Result<usize> {
        let held = self.sessions.held();
        let mut ended = 0;
        for chunk in held.chunks(SWEEP_CHUNK) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT s.token_hash FROM sessions s JOIN agents a ON a.id = s.agent_id \
                 WHERE s.expires_at > $1 AND a.removed_at IS NULL AND s.token_hash IN ({})",
                marks.join(",")
            );
            let mut q = sqlx::query(&sql).bind(now_ms());
            for h in chunk {
                q = q.bind(h.to_string());
            }
            let valid: HashSet<String> = q
                .fetch_all(&self.db.reader)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<std::result::Result<_, _>>()?;
            for h in chunk.iter().filter(|h| !valid.contains(&***h)) {
                ended += self.sessions.end(&Ended::Session {
                    token_hash: h.to_string(),
                });
            }
        }
        Ok(ended)
    }
}

//! The store: every read and every state change, on top of the event log.
//!
//! Each mutation runs in one writer transaction that changes the rows, appends its
//! events and records its op id's answer; the events reach open streams only after
//! that transaction commits.
//!
//! Three layers (`scripts/module-cycles` keeps them free of cycles):
//! - use cases (`actions`, `customers`, `sms`, `surveys`, `queries`, `reports`,
//!   `agents`, `team`, `presence`): `Store` methods, each opening its own transaction; they import
//!   building blocks and rules, never another use case;
//! - building blocks ([`blocks`]): functions on one transaction that do one thing
//!   (messages, texts, surveys, customer tokens, opening a conversation);
//! - pure rules ([`rules`]): what a text means, what customers are told, limits.
//!
//! Beneath them all: the event log (`events`), the op runner (`ops`) and the row
//! readers (`rows`).

pub mod actions;
pub mod agents;
pub mod attachments;
pub mod blocks;
pub mod canned;
pub mod customers;
pub mod erasure;
pub mod events;
pub mod notes;
pub mod ops;
pub mod presence;
pub mod queries;
pub mod reports;
pub mod rows;
pub mod rules;
pub mod sessions;
pub mod sms;
pub mod surveys;
pub mod team;
pub mod typing;

use crate::db::{Backend, Db, EVENTS_CHANNEL, SIGNALS_CHANNEL};
use crate::error::Result;
use crate::hub::{Ended, Hub, Signal};
use crate::metrics::Metrics;
use sqlx::{Any, Transaction};
use std::sync::Arc;
use tokio::sync::Notify;

/// Settings the store needs at run time.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// How long an agent's bearer token lives.
    pub token_ttl_ms: i64,
    /// The largest attachment taken, in bytes.
    pub attachment_max_bytes: usize,
    /// Texts may carry files (MMS): the provider can fetch them, because the
    /// server's public address is known (`serve --public-url`).
    pub texts_carry_files: bool,
    /// The language of the texts sent to customers (`serve --language`).
    pub language: switchboard_i18n::Lang,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            token_ttl_ms: 30 * 24 * 3600 * 1000,
            attachment_max_bytes: 10 * 1024 * 1024,
            texts_carry_files: false,
            language: switchboard_i18n::Lang::ENGLISH,
        }
    }
}

/// Shared handle to the database and the event hub.
#[derive(Clone, Debug)]
pub struct Store {
    pub db: Db,
    pub hub: Hub,
    pub config: StoreConfig,
    /// Wakes the text sender when a text is queued.
    pub texts: Arc<Notify>,
    /// On PostgreSQL, wakes this node's reader of the events table (see
    /// [`crate::tail`]) after a local commit.
    pub tail: Arc<Notify>,
    /// What `GET /metrics` reports.
    pub metrics: Metrics,
    /// This process's name in the presence table (fresh at every start).
    pub node: Arc<str>,
    /// This node's open agent streams (see [`presence`]).
    pub presence: Arc<presence::Presence>,
    /// When each conversation's typing signals last passed (see [`typing`]).
    pub typing: Arc<typing::Recent>,
    /// The sessions of this node's open agent streams (see [`crate::live`]).
    pub sessions: Arc<crate::live::LiveSessions>,
}

impl Store {
    /// A store over an opened database.
    pub fn new(db: Db, config: StoreConfig) -> Store {
        Store {
            db,
            hub: Hub::new(),
            config,
            texts: Arc::new(Notify::new()),
            tail: Arc::new(Notify::new()),
            metrics: Metrics::new(),
            node: Arc::from(uuid::Uuid::new_v4().to_string()),
            presence: Arc::default(),
            typing: Arc::default(),
            sessions: Arc::default(),
        }
    }

    /// Ends these sessions' open streams on every node: this one's at once, the
    /// others' through a NOTIFY on PostgreSQL (their sweep is the safety net).
    pub async fn end_streams(&self, ended: Ended) {
        self.tell_other_nodes(&Signal::SessionsEnded(ended.clone()))
            .await;
        self.sessions.end(&ended);
    }

    /// On PostgreSQL, sends a signal to the other nodes (best effort: see
    /// [`crate::tail`] for how they take it); nothing on SQLite, a single node.
    pub async fn tell_other_nodes(&self, signal: &Signal) {
        if self.db.backend != Backend::Postgres {
            return;
        }
        let payload = serde_json::json!({"node": &*self.node, "signal": signal}).to_string();
        let sent = sqlx::query("SELECT 1 FROM (SELECT pg_notify($1, $2)) AS notified")
            .bind(SIGNALS_CHANNEL)
            .bind(payload)
            .execute(&self.db.writer)
            .await;
        if let Err(e) = sent {
            tracing::debug!("NOTIFY {SIGNALS_CHANNEL}: {e}");
        }
    }

    /// Commits a write transaction and sends its events on.
    ///
    /// On SQLite this process is the only writer: its events go straight to the
    /// hub. On PostgreSQL other nodes write too, so every node feeds its hub from
    /// the events table in sequence order; the commit carries a NOTIFY with its
    /// last sequence number to wake the other nodes, and wakes this one directly.
    pub async fn commit(&self, tx: Transaction<'static, Any>, emitted: ops::Emitted) -> Result<()> {
        let started = std::time::Instant::now();
        let events = emitted.len();
        let committed = self.commit_and_publish(tx, emitted).await;
        self.metrics
            .transaction("commit", started.elapsed().as_secs_f64());
        if committed.is_ok() {
            self.metrics.events(events);
        }
        committed
    }

    async fn commit_and_publish(
        &self,
        mut tx: Transaction<'static, Any>,
        emitted: ops::Emitted,
    ) -> Result<()> {
        match self.db.backend {
            Backend::Sqlite => {
                tx.commit().await?;
                self.hub.publish(emitted);
            }
            Backend::Postgres => {
                let last = emitted.iter().map(|e| e.seq).max();
                if let Some(seq) = last {
                    // Delivered at commit, and only if it commits. pg_notify returns
                    // void, which the Any driver cannot decode.
                    sqlx::query("SELECT 1 FROM (SELECT pg_notify($1, $2)) AS notified")
                        .bind(EVENTS_CHANNEL)
                        .bind(seq.to_string())
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                if last.is_some() {
                    self.tail.notify_one();
                }
            }
        }
        Ok(())
    }
}

//! Several nodes on one PostgreSQL database: each node feeds its hub from the
//! events table, woken by LISTEN/NOTIFY.
//!
//! A commit on any node sends `NOTIFY switchboard_events, '<last seq>'` (see
//! [`crate::store::Store::commit`]). The notification is only a wake-up: the
//! reader here then reads every event after the last one it published, in
//! sequence order, and publishes them to this node's streams. The table stays the
//! truth, so a notification lost with a dropped connection delays nothing beyond
//! the next wake-up or the next tick (one heartbeat).
//!
//! The LISTEN connection must reach PostgreSQL directly or through a session-mode
//! pooler: a transaction-pooling proxy (PgBouncer's `pool_mode = transaction`)
//! hands the session to other clients between statements, and notifications
//! never arrive.

use crate::db::EVENTS_CHANNEL;
use crate::store::events::{latest, tail};
use crate::store::Store;
use sqlx::postgres::PgListener;
use std::time::Duration;

/// How many events one read of the table publishes.
const PAGE: i64 = 1000;

/// Where a node's reader starts: the newest event, read before the node accepts
/// connections (its streams read anything older from the table themselves).
pub async fn start(store: &Store) -> crate::error::Result<i64> {
    latest(&store.db).await
}

/// Runs until `stop` turns true: publishes every event after `through` committed
/// by any node.
pub async fn run(
    store: Store,
    mut through: i64,
    tick: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut listener: Option<PgListener> = None;
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if listener.is_none() {
            listener = listen(&store.db.url).await;
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = store.tail.notified() => {},
            _ = ticker.tick() => {},
            got = recv(&mut listener) => {
                if let Err(e) = got {
                    // Reconnect on the next turn; the tick covers the gap.
                    tracing::warn!("LISTEN connection lost: {e}");
                    listener = None;
                }
            }
        }
        through = publish_after(&store, through).await;
    }
}

/// Publishes every event after `through`; returns the last one published.
async fn publish_after(store: &Store, mut through: i64) -> i64 {
    loop {
        match tail(&store.db, through, PAGE).await {
            Ok(events) => {
                let n = events.len() as i64;
                if let Some(last) = events.last() {
                    through = last.seq;
                }
                store.hub.publish(events);
                if n < PAGE {
                    return through;
                }
            }
            Err(e) => {
                tracing::warn!("reading new events: {}", e.body.message);
                return through;
            }
        }
    }
}

async fn listen(url: &str) -> Option<PgListener> {
    let attempt = async {
        let mut l = PgListener::connect(url).await?;
        l.listen(EVENTS_CHANNEL).await?;
        Ok::<_, sqlx::Error>(l)
    };
    match attempt.await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!("LISTEN {EVENTS_CHANNEL}: {e}");
            None
        }
    }
}

/// The next notification; pending forever without a listener (the tick retries).
async fn recv(listener: &mut Option<PgListener>) -> Result<(), sqlx::Error> {
    match listener {
        Some(l) => match l.try_recv().await? {
            Some(_) => Ok(()),
            None => Err(sqlx::Error::PoolClosed),
        },
        None => std::future::pending().await,
    }
}

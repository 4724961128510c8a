//! Several nodes on one PostgreSQL database: each node feeds its hub from the
//! events table, woken by LISTEN/NOTIFY. Signals (who is typing) come whole in
//! their own channel's notifications and are passed on as they are.
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

use crate::db::{EVENTS_CHANNEL, SIGNALS_CHANNEL};
use crate::hub::Signal;
use crate::store::events::{latest, tail};
use crate::store::Store;
use sqlx::postgres::{PgListener, PgNotification};
use std::time::Duration;

/// How many events one read of the table publishes.
const PAGE: i64 = 1000;

/// Where a node's reader starts, made before the node accepts connections: the
/// LISTEN connection first (so a signal another node sends once this node's
/// first stream is open is not missed while it connects), then the newest
/// event (its streams read anything older from the table themselves).
pub struct Start {
    through: i64,
    listener: Option<PgListener>,
}

pub async fn start(store: &Store) -> crate::error::Result<Start> {
    let listener = listen(&store.db.url).await;
    let through = latest(&store.db).await?;
    Ok(Start { through, listener })
}

/// Runs until `stop` turns true: publishes every event committed by any node
/// after the one [`start`] read.
pub async fn run(
    store: Store,
    start: Start,
    tick: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let Start {
        mut through,
        mut listener,
    } = start;
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
            got = recv(&mut listener) => match got {
                Ok(n) if n.channel() == SIGNALS_CHANNEL => {
                    relay(&store, n.payload());
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
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

/// Passes another node's signal to this node's streams.
fn relay(store: &Store, payload: &str) {
    #[derive(serde::Deserialize)]
    struct Relayed {
        node: String,
        signal: Signal,
    }
    match serde_json::from_str::<Relayed>(payload) {
        Ok(r) if r.node != *store.node => match r.signal {
            Signal::SessionsEnded(ended) => {
                store.sessions.end(&ended);
            }
            signal => store.hub.signal(signal),
        },
        Ok(_) => {} // this node's own, already sent
        Err(e) => tracing::debug!("an unreadable signal from another node: {e}"),
    }
}

async fn listen(url: &str) -> Option<PgListener> {
    let attempt = async {
        let mut l = PgListener::connect(url).await?;
        l.listen_all([EVENTS_CHANNEL, SIGNALS_CHANNEL]).await?;
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
async fn recv(listener: &mut Option<PgListener>) -> Result<PgNotification, sqlx::Error> {
    match listener {
        Some(l) => match l.try_recv().await? {
            Some(n) => Ok(n),
            None => Err(sqlx::Error::PoolClosed),
        },
        None => std::future::pending().await,
    }
}

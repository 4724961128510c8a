//! Keeping the cache in step: snapshot, then the event stream from the saved
//! cursor, reconnecting with backoff and resyncing when the server asks.

use super::{Change, ConnectionState, Inner};
use crate::error::{codes, ClientError, Result};
use futures_util::StreamExt;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::StreamFrame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Delay before reconnection attempt `n` (1-based): exponential from 250 ms with
/// full jitter, capped.
pub fn backoff(attempt: u32, cap: Duration) -> Duration {
    let exp = 250u64.saturating_mul(1u64 << attempt.min(16));
    let ceiling = exp.min(cap.as_millis() as u64).max(1);
    Duration::from_millis(rand::thread_rng().gen_range(ceiling / 2..=ceiling))
}

enum Exit {
    Resync,
}

async fn stream_once(inner: &Inner, attempt: &mut u32) -> Result<Exit> {
    let cursor = inner.cache().cursor()?;
    let cursor = match cursor {
        Some(c) => c,
        None => {
            let snap = inner.api.snapshot().await?;
            let lacking: Vec<i64> = {
                let mut cache = inner.cache();
                cache.apply_snapshot(&snap)?;
                // My conversations always; the rest when nothing of them is cached.
                let mut ids: Vec<i64> = snap.mine.iter().map(|c| c.id).collect();
                for c in snap.queue.iter().chain(&snap.others) {
                    if !cache.has_messages(c.id)? {
                        ids.push(c.id);
                    }
                }
                ids
            };
            for id in lacking {
                let _ = inner.history.send(id);
            }
            inner.emit(Change::Lists);
            snap.seq
        }
    };
    let url = inner.api.stream_url(cursor)?;
    let mut req = url
        .as_str()
        .into_client_request()
        .map_err(|e| ClientError::new(codes::BAD_ADDRESS, e.to_string()))?;
    if let Some(t) = inner.api.token() {
        let value = format!("Bearer {t}").parse().map_err(|_| {
            ClientError::new(codes::NOT_SIGNED_IN, "the token is not a valid header")
        })?;
        req.headers_mut().insert("authorization", value);
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .map_err(|e| match e {
            tokio_tungstenite::tungstenite::Error::Http(r) if r.status() == 401 => {
                ClientError::new("unauthorized", "the server no longer accepts this sign-in")
            }
            other => ClientError::new(
                codes::UNREACHABLE,
                format!("cannot open the event stream: {other}"),
            ),
        })?;
    *attempt = 0;
    inner.set_state(ConnectionState::Online);
    inner.outbox_wake.notify_one();
    inner.backfill_wake.notify_one();
    // Until the first heartbeat says otherwise, allow a generous silence.
    let mut heartbeat = Duration::from_secs(15);
    loop {
        let next = tokio::time::timeout(heartbeat * 3, ws.next()).await;
        let msg = match next {
            Err(_) => {
                return Err(ClientError::new(
                    codes::UNREACHABLE,
                    "the server stopped answering",
                ))
            }
            Ok(None) => {
                return Err(ClientError::new(
                    codes::UNREACHABLE,
                    "the event stream closed",
                ))
            }
            Ok(Some(Err(e))) => {
                return Err(ClientError::new(
                    codes::UNREACHABLE,
                    format!("the event stream broke: {e}"),
                ))
            }
            Ok(Some(Ok(m))) => m,
        };
        let WsMessage::Text(text) = msg else { continue };
        let frame: StreamFrame = serde_json::from_str(&text).map_err(|e| {
            ClientError::new(codes::BAD_RESPONSE, format!("unexpected stream frame: {e}"))
        })?;
        match frame {
            StreamFrame::Events { events, cursor } => {
                let applied = inner.cache().apply_events(&events, cursor)?;
                for id in &applied.needs_history {
                    let _ = inner.history.send(*id);
                }
                inner.publish(applied);
            }
            StreamFrame::Heartbeat {
                cursor,
                heartbeat_ms,
            } => {
                heartbeat = Duration::from_millis(heartbeat_ms.max(100));
                let mut cache = inner.cache();
                if cache.cursor()? != Some(cursor) {
                    cache.save_cursor(cursor)?;
                }
            }
            StreamFrame::ResyncRequired { .. } => return Ok(Exit::Resync),
        }
    }
}

pub(super) async fn sync_loop(inner: Arc<Inner>) {
    let mut attempt: u32 = 0;
    loop {
        if *inner.state.borrow() != ConnectionState::Resyncing {
            inner.set_state(ConnectionState::Connecting);
        }
        match stream_once(&inner, &mut attempt).await {
            Ok(Exit::Resync) => {
                inner.set_state(ConnectionState::Resyncing);
                let reset = {
                    let mut cache = inner.cache();
                    cache.clear_cursor().and_then(|_| cache.restart_backfill())
                };
                if let Err(e) = reset {
                    tracing::warn!("resync: {e}");
                }
                continue;
            }
            Err(e) if e.code == "unauthorized" => {
                inner.set_state(ConnectionState::SignedOut);
                return;
            }
            Err(e) => {
                tracing::debug!("sync: {e}");
                inner.set_state(ConnectionState::Offline);
                attempt = attempt.saturating_add(1);
                let wait = backoff(attempt, inner.options.max_backoff);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {},
                    _ = inner.retry_now.notified() => {},
                }
            }
        }
    }
}

pub(super) async fn wait_online(inner: &Inner) {
    let mut rx = inner.state.subscribe();
    while *rx.borrow_and_update() != ConnectionState::Online {
        if rx.changed().await.is_err() {
            return;
        }
    }
}

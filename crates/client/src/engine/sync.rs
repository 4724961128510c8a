//! Keeping the cache in step: snapshot, then the event stream from the saved
//! cursor, reconnecting with backoff and resyncing when the server asks.

use super::{Change, ConnectionState, Inner};
use crate::cache::Applied;
use crate::error::{ClientError, EngineCode, ErrorCode, Result};
use futures_util::StreamExt;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{Event, StreamFrame};
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
            let lacking = {
                let mut cache = inner.cache();
                cache.apply_snapshot(&snap)?;
                inner.reader().set_me(&snap.me);
                cache.histories_wanted()?
            };
            for id in lacking {
                let _ = inner.history.send(id);
            }
            // The notification policy starts again from the lists.
            inner.publish(Applied {
                resynced: true,
                ..Applied::default()
            });
            snap.seq
        }
    };
    let url = inner.api.stream_url(cursor)?;
    let mut req = url
        .as_str()
        .into_client_request()
        .map_err(|e| ClientError::new(EngineCode::BadAddress, e.to_string()))?;
    if let Some(t) = inner.api.token() {
        let value = format!("Bearer {t}").parse().map_err(|_| {
            ClientError::new(EngineCode::NotSignedIn, "the token is not a valid header")
        })?;
        req.headers_mut().insert("authorization", value);
    }
    // A server that accepts the connection but never answers must not keep the
    // engine "connecting" forever.
    let connect = tokio::time::timeout(
        Duration::from_secs(10),
        tokio_tungstenite::connect_async(req),
    );
    let connected = tokio::select! {
        c = connect => c.map_err(|_| ClientError::new(EngineCode::Unreachable, "the server did not answer"))?,
        _ = inner.retry_now.notified() => {
            return Err(ClientError::new(EngineCode::Unreachable, "reconnecting now"));
        }
    };
    let (mut ws, _) = connected.map_err(|e| match e {
        tokio_tungstenite::tungstenite::Error::Http(r) if r.status() == 401 => ClientError::new(
            ErrorCode::Unauthorized,
            "the server no longer accepts this sign-in",
        ),
        other => ClientError::new(
            EngineCode::Unreachable,
            format!("cannot open the event stream: {other}"),
        ),
    })?;
    inner.set_state(ConnectionState::Online);
    inner.outbox_wake.notify_one();
    inner.reconnected.notify_one();
    // Wakes a backfill waiting between passes; one in progress needs no second pass.
    inner.backfill_wake.notify_waiters();
    // Until the first heartbeat says otherwise, allow a generous silence.
    let mut heartbeat = Duration::from_secs(15);
    loop {
        let next = tokio::time::timeout(heartbeat * 3, ws.next()).await;
        let msg = match next {
            Err(_) => {
                return Err(ClientError::new(
                    EngineCode::Unreachable,
                    "the server stopped answering",
                ))
            }
            Ok(None) => {
                return Err(ClientError::new(
                    EngineCode::Unreachable,
                    "the event stream closed",
                ))
            }
            Ok(Some(Err(e))) => {
                return Err(ClientError::new(
                    EngineCode::Unreachable,
                    format!("the event stream broke: {e}"),
                ))
            }
            Ok(Some(Ok(m))) => m,
        };
        let WsMessage::Text(text) = msg else { continue };
        // The link works: the next failure starts the backoff afresh.
        *attempt = 0;
        let Some(frame) = parse_frame(&text)? else {
            continue;
        };
        match frame {
            StreamFrame::Events { events, cursor } => {
                let applied = {
                    let mut cache = inner.cache();
                    let applied = cache.apply_events(&events, cursor)?;
                    inner.emit_rows(&cache, &applied.conversations);
                    applied
                };
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
            StreamFrame::Typing {
                conversation_id,
                name,
            } => inner.emit(Change::Typing {
                conversation_id,
                name,
            }),
        }
    }
}

/// Reads a frame, tolerating what a newer server may add: unknown frame types
/// are skipped, and so are events of unknown kinds (their cursor still counts).
pub fn parse_frame(text: &str) -> Result<Option<StreamFrame>> {
    let bad = |e: serde_json::Error| {
        ClientError::new(
            EngineCode::BadResponse,
            format!("unexpected stream frame: {e}"),
        )
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(bad)?;
    match value.get("type").and_then(|t| t.as_str()) {
        Some("events") => {
            let cursor = value
                .get("cursor")
                .and_then(|c| c.as_i64())
                .unwrap_or_default();
            let events = value
                .get("events")
                .and_then(|e| e.as_array())
                .map(|list| {
                    list.iter()
                        .filter_map(|e| match serde_json::from_value::<Event>(e.clone()) {
                            Ok(e) => Some(e),
                            Err(err) => {
                                tracing::info!(
                                    "skipping an event this version does not know: {err}"
                                );
                                None
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(Some(StreamFrame::Events { events, cursor }))
        }
        Some("heartbeat") | Some("resync_required") | Some("typing") => {
            Ok(Some(serde_json::from_value(value).map_err(bad)?))
        }
        _ => Ok(None),
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
                // A server that keeps asking must not be hammered.
                attempt = attempt.saturating_add(1);
                tokio::time::sleep(backoff(attempt, inner.options.max_backoff)).await;
                continue;
            }
            Err(e) if e.code == ErrorCode::Unauthorized => {
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

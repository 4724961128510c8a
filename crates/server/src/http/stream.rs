//! The event stream: every event after the client's cursor that the agent may
//! see, then live events, with heartbeats, over one WebSocket.

use crate::error::{Error, Result};
use crate::http::extract::{bearer, ApiQuery, ApiWebSocket};
use crate::http::AppState;
use crate::hub::{HubEvent, Signal};
use crate::store::agents::Caller;
use crate::store::events::{read_after, CatchUp};
use axum::extract::ws::{Message, WebSocket};
use axum::extract::State;
use axum::response::Response;

use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{ApiError, StreamFrame, StreamQuery};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;

/// How many events one catch-up read returns.
const CATCH_UP_PAGE: i64 = 500;
/// Frames stay well under WebSocket clients' usual 16 MiB limit: a batch larger
/// than this is split (one event alone may exceed it; none comes near 16 MiB).
const MAX_FRAME_BYTES: usize = 1024 * 1024;

/// Open the event stream from `cursor` (WebSocket upgrade).
#[utoipa::path(get, path = "/api/v1/stream", tag = "sync", security(("bearer" = [])), params(StreamQuery),
    responses((status = 101, description = "WebSocket of StreamFrame JSON texts", body = StreamFrame),
              (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn stream(
    State(s): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<StreamQuery>,
    ApiWebSocket(ws): ApiWebSocket,
) -> Result<Response> {
    let token = bearer(&headers).unwrap_or_default().to_string();
    Ok(ws.on_upgrade(move |socket| async move {
        let _counted = s.store.metrics.stream("agent");
        let _present = s.store.presence.hold(caller.id);
        let mut session = StreamSession {
            state: s,
            caller,
            token,
            cursor: q.cursor,
            socket,
        };
        if let Err(e) = session.run().await {
            tracing::debug!("stream of agent {} ended: {e}", session.caller.id);
        }
    }))
}

struct StreamSession {
    state: AppState,
    caller: Caller,
    token: String,
    cursor: i64,
    socket: WebSocket,
}

#[derive(Debug, thiserror::Error)]
enum End {
    #[error("client gone")]
    Gone,
    #[error("resync required")]
    Resync,
    #[error("signed out")]
    SignedOut,
    #[error("hub closed")]
    HubClosed,
    #[error("{0}")]
    Store(String),
}

impl From<Error> for End {
    fn from(e: Error) -> End {
        End::Store(e.body.message)
    }
}

fn events_frame(events: &[Arc<str>], cursor: i64) -> String {
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

impl StreamSession {
    async fn send(&mut self, text: String) -> std::result::Result<(), End> {
        self.socket
            .send(Message::Text(text.into()))
            .await
            .map_err(|_| End::Gone)
    }

    /// Sends everything after the cursor from the events table.
    async fn catch_up(&mut self) -> std::result::Result<(), End> {
        loop {
            let read = read_after(
                &self.state.store.db,
                self.cursor,
                self.caller.id,
                self.caller.sees_everything(),
                CATCH_UP_PAGE,
            )
            .await?;
            match read {
                CatchUp::Resync { oldest_available } => {
                    let frame =
                        serde_json::to_string(&StreamFrame::ResyncRequired { oldest_available })
                            .map_err(|e| End::Store(e.to_string()))?;
                    self.send(frame).await?;
                    let _ = self.socket.send(Message::Close(None)).await;
                    return Err(End::Resync);
                }
                CatchUp::Batch {
                    events,
                    cursor,
                    more,
                } => {
                    // Events this agent may not see still move the cursor; the next
                    // heartbeat tells the client so.
                    let mut frame: Vec<Arc<str>> = Vec::new();
                    let mut size = 0;
                    for (seq, json) in events {
                        if size + json.len() > MAX_FRAME_BYTES && !frame.is_empty() {
                            // The previous event's seq closes this frame.
                            self.send(events_frame(&frame, seq - 1)).await?;
                            frame.clear();
                            size = 0;
                        }
                        size += json.len();
                        frame.push(json);
                    }
                    self.cursor = cursor;
                    if !frame.is_empty() {
                        self.send(events_frame(&frame, cursor)).await?;
                    }
                    if !more {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Applies hub events in order; returns false when a gap means the table must be read.
    async fn deliver(
        &mut self,
        first: Arc<HubEvent>,
        rx: &mut tokio::sync::broadcast::Receiver<Arc<HubEvent>>,
    ) -> std::result::Result<bool, End> {
        let mut batch: Vec<Arc<str>> = Vec::new();
        let mut next = Some(first);
        let mut in_order = true;
        while let Some(e) = next.take() {
            if e.seq == self.cursor + 1 {
                self.cursor = e.seq;
                if e.audience
                    .includes(self.caller.id, self.caller.sees_everything())
                {
                    batch.push(e.json.clone());
                }
            } else if e.seq > self.cursor + 1 {
                in_order = false;
                break;
            }
            next = match rx.try_recv() {
                Ok(e) => Some(e),
                Err(TryRecvError::Lagged(_)) => {
                    in_order = false;
                    None
                }
                Err(_) => None,
            };
        }
        if !batch.is_empty() {
            let frame = events_frame(&batch, self.cursor);
            self.send(frame).await?;
        }
        Ok(in_order)
    }

    /// Sends a signal this agent may hear (a customer typing in a conversation
    /// they see).
    async fn pass_on(&mut self, signal: &Signal) -> std::result::Result<(), End> {
        if let Signal::CustomerTyping {
            conversation,
            audience,
            name,
        } = signal
        {
            if audience.includes(self.caller.id, self.caller.sees_everything()) {
                let frame = serde_json::to_string(&StreamFrame::Typing {
                    conversation_id: *conversation,
                    name: name.clone(),
                })
                .map_err(|e| End::Store(e.to_string()))?;
                self.send(frame).await?;
            }
        }
        Ok(())
    }

    async fn run(&mut self) -> std::result::Result<(), End> {
        let mut rx = self.state.store.hub.subscribe();
        let mut signals = self.state.store.hub.subscribe_signals();
        self.catch_up().await?;
        let beat = self.state.heartbeat;
        let mut ticker = tokio::time::interval(beat);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        let mut stopping = self.state.stopping.clone();
        loop {
            tokio::select! {
                _ = stopping.changed() => {
                    let _ = self.socket.send(Message::Close(None)).await;
                    return Err(End::Gone);
                },
                got = rx.recv() => match got {
                    Ok(e) => {
                        if !self.deliver(e, &mut rx).await? {
                            self.catch_up().await?;
                        }
                    }
                    Err(RecvError::Lagged(_)) => self.catch_up().await?,
                    Err(RecvError::Closed) => return Err(End::HubClosed),
                },
                signal = signals.recv() => match signal {
                    Ok(sig) => self.pass_on(&sig).await?,
                    // Missed signals are missed: they come again while they matter.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Err(End::HubClosed),
                },
                incoming = self.socket.recv() => match incoming {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Err(End::Gone),
                    Some(Ok(_)) => last_heard = Instant::now(),
                },
                _ = ticker.tick() => {
                    if last_heard.elapsed() > beat * 3 + Duration::from_secs(1) {
                        return Err(End::Gone);
                    }
                    // A signed-out or expired session stops receiving at once.
                    if self.state.store.authenticate(&self.token).await.is_err() {
                        let _ = self.socket.send(Message::Close(None)).await;
                        return Err(End::SignedOut);
                    }
                    let frame = serde_json::to_string(&StreamFrame::Heartbeat {
                        cursor: self.cursor,
                        heartbeat_ms: beat.as_millis() as u64,
                    }).map_err(|e| End::Store(e.to_string()))?;
                    self.send(frame).await?;
                    self.socket.send(Message::Ping(Vec::new().into())).await.map_err(|_| End::Gone)?;
                }
            }
        }
    }
}

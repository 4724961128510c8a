//! The event stream: every event after the client's cursor that the agent may
//! see, then live events, with heartbeats, over one WebSocket.

use crate::db::now_ms;

use crate::error::{Error, Result};
use crate::http::extract::{bearer, ApiQuery, ApiWebSocket};
use crate::http::AppState;
use crate::hub::{events_frame, HubEvent, HubItem, Signal};
use crate::live::Live;
use crate::store::agents::Caller;
use crate::store::blocks::tokens::token_hash;
use crate::store::events::{read_after, CatchUp};
use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use axum::extract::State;
use axum::response::Response;

use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{ApiError, ErrorCode, StreamFrame, StreamQuery};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;

/// How many events one catch-up read returns.
const CATCH_UP_PAGE: i64 = 500;
/// Frames stay well under WebSocket clients' usual 16 MiB limit: a batch larger
/// than this is split (one event alone may exceed it; none comes near 16 MiB).
/// A socket keeps a buffer the size of the largest frame it wrote, so this is
/// also what a stream may hold after a catch-up.
const MAX_FRAME_BYTES: usize = 256 * 1024;

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
    let token = bearer(&headers).unwrap_or_default();
    let expires_at = s.store.session_expires(token).await?.ok_or_else(|| {
        Error::new(
            ErrorCode::Unauthorized,
            "sign in again: the token is missing, unknown or expired",
        )
    })?;
    let token_hash = token_hash(token);
    let streams = s.streams.clone();
    Ok(buffers(ws).on_upgrade(move |socket| async move {
        // The stream itself runs on the streams' runtime.
        streams.spawn(stream_task(
            s, caller, token_hash, expires_at, q.cursor, socket,
        ));
    }))
}

async fn stream_task(
    s: AppState,
    caller: Caller,
    token_hash: String,
    expires_at: i64,
    cursor: i64,
    socket: WebSocket,
) {
    let _counted = s.store.metrics.stream("agent");
    let _present = s.store.presence.hold(caller.id);
    let live = s.store.sessions.hold(&token_hash, caller.id, expires_at);
    let mut session = StreamSession {
        state: s,
        caller,
        live,
        cursor,
        socket,
    };
    if let Err(e) = session.run().await {
        tracing::debug!("stream of agent {} ended: {e}", session.caller.id);
    }
}

/// The sizes of a stream's buffers, chosen rather than tungstenite's defaults
/// (128 KiB to read, allocated up front for every socket): agents send nothing
/// but pongs and closes, and frames out are written as soon as they are made.
pub fn buffers(ws: axum::extract::ws::WebSocketUpgrade) -> axum::extract::ws::WebSocketUpgrade {
    // No cap on the write buffer: it only ever holds the frame being written
    // (one event alone may be larger than MAX_FRAME_BYTES), and a client too
    // slow to take it is cut off (see `send`).
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(MAX_MESSAGE_IN)
        .max_frame_size(MAX_MESSAGE_IN)
}

/// What a stream reads at a time.
const READ_BUFFER: usize = 4 * 1024;
/// The largest message a client may send on a stream (pings, pongs and closes
/// are tiny; the customer's page sends nothing larger).
const MAX_MESSAGE_IN: usize = 64 * 1024;

struct StreamSession {
    state: AppState,
    caller: Caller,
    live: Live,
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
    #[error("too slow to take its frames")]
    TooSlow,
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

impl StreamSession {
    async fn send(&mut self, text: Utf8Bytes) -> std::result::Result<(), End> {
        // A client that takes as long to take a frame as a silent one takes to
        // be dropped (three heartbeats and a second) is cut: it resumes from its
        // cursor when it reconnects, rather than holding memory here.
        let patience = self.state.heartbeat * 3 + Duration::from_secs(1);
        match tokio::time::timeout(patience, self.socket.send(Message::Text(text))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => Err(End::TooSlow),
        }
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
                    self.send(frame.into()).await?;
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
                            self.send(events_frame(&frame, seq - 1).into()).await?;
                            frame.clear();
                            size = 0;
                        }
                        size += json.len();
                        frame.push(json);
                    }
                    self.cursor = cursor;
                    if !frame.is_empty() {
                        self.send(events_frame(&frame, cursor).into()).await?;
                    }
                    if !more {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Applies hub events in order and passes signals on, with whatever else
    /// is waiting; returns false when a gap means the table must be read.
    async fn deliver(
        &mut self,
        first: HubItem,
        rx: &mut tokio::sync::broadcast::Receiver<HubItem>,
    ) -> std::result::Result<bool, End> {
        let mut batch: Vec<Arc<HubEvent>> = Vec::new();
        let mut signals: Vec<Arc<Signal>> = Vec::new();
        let mut next = Some(first);
        let mut in_order = true;
        while let Some(item) = next.take() {
            match item {
                HubItem::Event(e) if e.seq == self.cursor + 1 => {
                    self.cursor = e.seq;
                    if e.audience
                        .includes(self.caller.id, self.caller.sees_everything())
                    {
                        batch.push(e);
                    }
                }
                HubItem::Event(e) if e.seq > self.cursor + 1 => {
                    in_order = false;
                    break;
                }
                HubItem::Event(_) => {} // already sent (from the table)
                HubItem::Signal(s) => signals.push(s),
            }
            next = match rx.try_recv() {
                Ok(item) => Some(item),
                Err(TryRecvError::Lagged(_)) => {
                    in_order = false;
                    None
                }
                Err(_) => None,
            };
        }
        match batch.as_slice() {
            [] => {}
            // The usual case: one event, its frame shared by every stream.
            [e] if e.seq == self.cursor => self.send(e.frame()).await?,
            events => {
                let json: Vec<Arc<str>> = events.iter().map(|e| e.json.clone()).collect();
                self.send(events_frame(&json, self.cursor).into()).await?;
            }
        }
        for s in signals {
            self.pass_on(&s).await?;
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
                self.send(frame.into()).await?;
            }
        }
        Ok(())
    }

    async fn run(&mut self) -> std::result::Result<(), End> {
        let mut rx = self.state.store.hub.subscribe();
        self.catch_up().await?;
        let beat = self.state.heartbeat;
        let mut ticker = tokio::time::interval(beat);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        // Four things to wait on, the fewest that do the work: every one is
        // polled again at each wake-up of each of thousands of streams.
        loop {
            tokio::select! {
                // Signed out, the agent removed, or the server stopping (see
                // `serve`): the stream stops at once.
                _ = self.live.ended.notified() => {
                    let _ = self.socket.send(Message::Close(None)).await;
                    return Err(End::SignedOut);
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
                incoming = self.socket.recv() => match incoming {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Err(End::Gone),
                    Some(Ok(_)) => last_heard = Instant::now(),
                },
                _ = ticker.tick() => {
                    if last_heard.elapsed() > beat * 3 + Duration::from_secs(1) {
                        return Err(End::Gone);
                    }
                    // An expired session stops receiving at its first heartbeat.
                    if now_ms() >= self.live.expires_at {
                        let _ = self.socket.send(Message::Close(None)).await;
                        return Err(End::SignedOut);
                    }
                    let frame = serde_json::to_string(&StreamFrame::Heartbeat {
                        cursor: self.cursor,
                        heartbeat_ms: beat.as_millis() as u64,
                    }).map_err(|e| End::Store(e.to_string()))?;
                    self.send(frame.into()).await?;
                    self.socket.send(Message::Ping(Vec::new().into())).await.map_err(|_| End::Gone)?;
                }
            }
        }
    }
}

//! An agent's event stream as the tests hold it (`/api/v1/stream` over a real
//! WebSocket).

use futures_util::StreamExt;
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An agent's stream as a test holds it. Opened with [`Stream::open`], it is
/// read all the time in the background, as the app reads it (frames wait in
/// memory until the test asks; pings are answered), so a test busy with
/// requests is not cut off as a silent client (three heartbeats and a
/// second). [`Stream::open_unread`] takes frames off the socket only when asked.
pub struct Stream {
    source: Source,
}

enum Source {
    /// Frames read by a task as they come; None once the stream has ended.
    Read {
        frames: tokio::sync::mpsc::UnboundedReceiver<Option<String>>,
        reader: tokio::task::JoinHandle<()>,
    },
    Unread(Box<Socket>),
}

impl Drop for Stream {
    fn drop(&mut self) {
        // The task owns the socket: ending it closes the connection.
        if let Source::Read { reader, .. } = &self.source {
            reader.abort();
        }
    }
}

/// The next text frame from `ws`: Some(None) once the stream has ended, None
/// if nothing comes by `deadline`.
async fn next_text(ws: &mut Socket, deadline: tokio::time::Instant) -> Option<Option<String>> {
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return None,
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return Some(None),
            Ok(Some(Ok(Message::Text(t)))) => return Some(Some(t.to_string())),
            Ok(Some(Ok(_))) => continue,
        }
    }
}

impl Stream {
    async fn connect(base: &str, token: &str, cursor: i64) -> Socket {
        let url = format!(
            "{}/api/v1/stream?cursor={cursor}",
            base.replace("http://", "ws://")
        );
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("stream opens");
        ws
    }

    /// Opens the stream from `cursor` and reads it in the background.
    pub async fn open(base: &str, token: &str, cursor: i64) -> Stream {
        let mut ws = Self::connect(base, token, cursor).await;
        let (tx, frames) = tokio::sync::mpsc::unbounded_channel();
        let reader = tokio::spawn(async move {
            let far = tokio::time::Instant::now() + Duration::from_secs(86_400);
            loop {
                let text = next_text(&mut ws, far).await.flatten();
                let ended = text.is_none();
                if tx.send(text).is_err() || ended {
                    return;
                }
            }
        });
        Stream {
            source: Source::Read { frames, reader },
        }
    }

    /// Opens the stream from `cursor`; frames are taken off the socket only
    /// when asked for (a client too slow for the server).
    pub async fn open_unread(base: &str, token: &str, cursor: i64) -> Stream {
        Stream {
            source: Source::Unread(Box::new(Self::connect(base, token, cursor).await)),
        }
    }

    /// The next text frame: Some(None) once the stream has ended, None if
    /// nothing comes within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<Option<String>> {
        let deadline = tokio::time::Instant::now() + wait;
        match &mut self.source {
            Source::Read { frames, .. } => {
                match tokio::time::timeout_at(deadline, frames.recv()).await {
                    Err(_) => None,
                    Ok(None) => Some(None),
                    Ok(Some(text)) => Some(text),
                }
            }
            Source::Unread(ws) => next_text(ws, deadline).await,
        }
    }

    /// The next text frame as sent, or None if none comes within `wait`.
    pub async fn text(&mut self, wait: Duration) -> Option<String> {
        self.next(wait).await.flatten()
    }

    /// Whether the server closes the stream within `wait` (frames before the
    /// close are skipped); false if it is still open then.
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                None => return false,
                Some(None) => return true,
                Some(Some(_)) => continue,
            }
        }
    }

    /// The next JSON frame, or None if none comes within `wait`.
    pub async fn frame(&mut self, wait: Duration) -> Option<Value> {
        let text = self.text(wait).await?;
        Some(serde_json::from_str(&text).unwrap())
    }

    /// The typing signals that come within `wait`, as (conversation, name);
    /// other frames are skipped.
    pub async fn typing_within(&mut self, wait: Duration) -> Vec<(i64, String)> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut out = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return out;
            }
            let Some(f) = self.frame(left).await else {
                return out;
            };
            if f["type"] == "typing" {
                out.push((
                    f["conversation_id"].as_i64().unwrap(),
                    f["name"].as_str().unwrap().to_string(),
                ));
            }
        }
    }

    /// Collects events until the stream's cursor reaches `target` (or `wait` passes).
    pub async fn events_until(&mut self, target: i64, wait: Duration) -> (Vec<Value>, i64) {
        let deadline = tokio::time::Instant::now() + wait;
        let mut events = Vec::new();
        let mut cursor = i64::MIN;
        while cursor < target {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some(f) = self.frame(left).await else {
                break;
            };
            match f["type"].as_str().unwrap() {
                "events" => {
                    events.extend(f["events"].as_array().unwrap().iter().cloned());
                    cursor = f["cursor"].as_i64().unwrap();
                }
                "heartbeat" => cursor = f["cursor"].as_i64().unwrap(),
                // Signals (never stored) come between events.
                "typing" => {}
                other => panic!("unexpected frame {other}: {f}"),
            }
        }
        (events, cursor)
    }
}

//! What the server's benchmarks share: starting processes, subscribing to
//! streams, and turning arrival times into percentiles.
#![allow(dead_code)]

use futures_util::StreamExt;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub struct Proc(pub Child);
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a process and returns it with the address it prints after `prefix`.
pub fn start(mut cmd: Command, prefix: &str) -> (Proc, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("process printed its address").unwrap();
        if let Some(a) = line.strip_prefix(prefix) {
            break a.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (Proc(child), addr)
}

/// Per-message receive times of every subscriber, one lock per subscriber (a
/// global lock would make 10,000 subscribers queue behind each other and add
/// the bench's own contention to the figures).
#[derive(Clone)]
pub struct Arrivals(
    Arc<Vec<std::sync::Mutex<Vec<Option<Instant>>>>>,
    Arc<std::sync::atomic::AtomicUsize>,
);

impl Arrivals {
    pub fn new(subscribers: usize, messages: usize) -> Arrivals {
        Arrivals(
            Arc::new(
                (0..subscribers)
                    .map(|_| std::sync::Mutex::new(vec![None; messages]))
                    .collect(),
            ),
            Arc::new(std::sync::atomic::AtomicUsize::new(usize::MAX)),
        )
    }

    /// The length of a text that carried one message.
    pub fn frame_len(&self) -> usize {
        match self.1.load(std::sync::atomic::Ordering::Relaxed) {
            usize::MAX => 0,
            n => n,
        }
    }

    fn note(&self, slot: usize, text: &str, now: Instant) {
        if text.contains("fanout-") {
            // The shortest frame that carried a message carried one.
            self.1
                .fetch_min(text.len(), std::sync::atomic::Ordering::Relaxed);
        }
        let mut mine = self.0[slot].lock().unwrap();
        // A batch frame may carry several messages.
        let mut rest = text;
        while let Some(at) = rest.find("fanout-") {
            rest = &rest[at + "fanout-".len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if let Ok(i) = rest[..digits].parse::<usize>() {
                if let Some(t) = mine.get_mut(i) {
                    t.get_or_insert(now);
                }
            }
        }
    }

    /// Whether every subscriber has message `i`.
    pub fn all_have(&self, i: usize) -> bool {
        self.0.iter().all(|s| s.lock().unwrap()[i].is_some())
    }

    /// Arrivals not seen yet, over every subscriber and message.
    pub fn missing(&self) -> usize {
        self.0
            .iter()
            .map(|s| s.lock().unwrap().iter().filter(|t| t.is_none()).count())
            .sum()
    }

    /// Latencies in ms, given send times, sorted; and how many are missing.
    pub fn latencies(&self, sent: &[Instant]) -> (Vec<f64>, usize) {
        let mut lat = Vec::new();
        let mut missing = 0;
        for sub in self.0.iter() {
            for (i, t) in sub.lock().unwrap().iter().enumerate() {
                match t {
                    Some(t) => lat.push(t.duration_since(sent[i]).as_secs_f64() * 1000.0),
                    None => missing += 1,
                }
            }
        }
        lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (lat, missing)
    }
}

pub fn marker_index(text: &str) -> Option<usize> {
    let at = text.find("fanout-")? + "fanout-".len();
    let digits = text[at..].bytes().take_while(u8::is_ascii_digit).count();
    text[at..at + digits].parse().ok()
}

/// Opens a WebSocket to `url` and records the arrival of each `fanout-N` text in `slot`.
pub async fn subscribe(url: String, token: Option<String>, slot: usize, arrivals: Arrivals) {
    let mut req = url.into_client_request().unwrap();
    if let Some(t) = token {
        req.headers_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("subscribe");
    tokio::spawn(async move {
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Text(t) = msg {
                arrivals.note(slot, &t, Instant::now());
            }
        }
    });
}

/// Subscribes every `(url, token)` in turn's slot, `at_once` handshakes at a time.
pub async fn subscribe_many(
    targets: Vec<(String, Option<String>)>,
    arrivals: &Arrivals,
    at_once: usize,
) {
    let mut slots = targets.into_iter().enumerate();
    loop {
        let chunk: Vec<_> = slots.by_ref().take(at_once).collect();
        if chunk.is_empty() {
            return;
        }
        let joins: Vec<_> = chunk
            .into_iter()
            .map(|(slot, (url, token))| tokio::spawn(subscribe(url, token, slot, arrivals.clone())))
            .collect();
        for j in joins {
            j.await.unwrap();
        }
    }
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx]
}

/// p50 and p99 in ms, given send times, and how many arrivals are missing.
pub async fn summarise(sent: &[Instant], arrivals: &Arrivals) -> (f64, f64, usize) {
    let (lat, missing) = arrivals.latencies(sent);
    (percentile(&lat, 50.0), percentile(&lat, 99.0), missing)
}

/// Waits until every subscriber has the last of `n` messages (or 60 s pass).
pub async fn wait_all(arrivals: &Arrivals, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if arrivals.all_have(n - 1) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until every subscriber has every message (or 60 s pass).
pub async fn wait_every(arrivals: &Arrivals) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if arrivals.missing() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Adds `n` agents to the database at `url` and returns a token for each.
/// Benchmarks connect up to 10,000 agents: the first is added through the store
/// (one argon2 hash), the rest share its password hash and get their tokens in
/// one transaction, as signing each in would time argon2 and an fsync each.
pub async fn seed_agents(url: &str, n: usize) -> Vec<String> {
    use switchboard_server::db::Db;
    use switchboard_server::store::blocks::tokens::{new_token, token_hash};
    use switchboard_server::store::{Store, StoreConfig};
    let store = Store::new(Db::open(url).await.unwrap(), StoreConfig::default());
    let first = store
        .add_agent(
            "bench0@example.com",
            "Agent 0",
            switchboard_protocol::Role::Agent,
            "bench-password",
        )
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let expires = now + 30 * 24 * 3600 * 1000;
    let mut tx = store.db.writer.begin().await.unwrap();
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        let id: i64 = if i == 0 {
            first
        } else {
            let email = format!("bench{i}@example.com");
            sqlx::query_scalar(
                "INSERT INTO agents (email, email_key, name, role, password_hash, created_at) \
                 SELECT $1, $1, $2, role, password_hash, $3 FROM agents WHERE id = $4 RETURNING id",
            )
            .bind(&email)
            .bind(format!("Agent {i}"))
            .bind(now)
            .bind(first)
            .fetch_one(&mut *tx)
            .await
            .unwrap()
        };
        let token = new_token("sba_");
        sqlx::query(
            "INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(id)
        .bind(now)
        .bind(expires)
        .execute(&mut *tx)
        .await
        .unwrap();
        tokens.push(token);
    }
    tx.commit().await.unwrap();
    store.db.close().await;
    tokens
}

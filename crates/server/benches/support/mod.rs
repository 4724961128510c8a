//! What the server's benchmarks share: starting processes, subscribing to
//! streams, and turning arrival times into percentiles.
#![allow(dead_code)]

use futures_util::StreamExt;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
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

/// Per-message receive times of every subscriber.
pub type Arrivals = Arc<Mutex<Vec<Vec<Option<Instant>>>>>;

pub fn marker_index(text: &str) -> Option<usize> {
    let at = text.find("fanout-")? + "fanout-".len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

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
                let now = Instant::now();
                // A batch frame may carry several messages.
                for part in t.split("fanout-").skip(1) {
                    if let Some(i) = marker_index(&format!("fanout-{part}")) {
                        let mut all = arrivals.lock().await;
                        if let Some(t) = all[slot].get_mut(i) {
                            t.get_or_insert(now);
                        }
                    }
                }
            }
        }
    });
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx]
}

/// Latencies in ms, given send times and arrivals. Missing arrivals are reported.
pub async fn summarise(sent: &[Instant], arrivals: &Arrivals) -> (f64, f64, usize) {
    let arr = arrivals.lock().await;
    let mut lat = Vec::new();
    let mut missing = 0;
    for sub in arr.iter() {
        for (i, t) in sub.iter().enumerate() {
            match t {
                Some(t) => lat.push(t.duration_since(sent[i]).as_secs_f64() * 1000.0),
                None => missing += 1,
            }
        }
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (percentile(&lat, 50.0), percentile(&lat, 99.0), missing)
}

pub async fn wait_all(arrivals: &Arrivals, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let done = arrivals.lock().await.iter().all(|s| s[n - 1].is_some());
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until every subscriber has every message (or 60 s pass).
pub async fn wait_every(arrivals: &Arrivals) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let done = arrivals
            .lock()
            .await
            .iter()
            .all(|s| s.iter().all(Option::is_some));
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Adds `n` agents to the database at `url` and returns a token for each
/// (benchmarks connect hundreds of agents; signing each in would time argon2).
pub async fn seed_agents(url: &str, n: usize) -> Vec<String> {
    use switchboard_server::db::Db;
    use switchboard_server::store::{Store, StoreConfig};
    let store = Store::new(Db::open(url).await.unwrap(), StoreConfig::default());
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        let id = store
            .add_agent(
                &format!("bench{i}@example.com"),
                &format!("Agent {i}"),
                switchboard_protocol::Role::Agent,
                "bench-password",
            )
            .await
            .unwrap();
        tokens.push(store.issue_token(id).await.unwrap());
    }
    store.db.close().await;
    tokens
}

//! Fan-out latency: from a customer message being sent to the server until its
//! event arrives at every connected agent's stream, with 10, 100 and 1,000 agents
//! on loopback, beside a bare tokio WebSocket broadcast measured in the same run.
//!
//! Run: `cargo bench -p switchboard-server --bench fanout`
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The handshake callback's error type is tungstenite's, not ours.
#![allow(clippy::result_large_err)]

use futures_util::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_protocol::Role;
use switchboard_server::db::{sqlite_url_for, Db};
use switchboard_server::store::{Store, StoreConfig};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const AGENT_COUNTS: [usize; 3] = [10, 100, 1000];
const MESSAGES: usize = 100;
const GAP: Duration = Duration::from_millis(30);

struct Proc(Child);
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a process and returns it with the address it prints after `prefix`.
fn start(mut cmd: Command, prefix: &str) -> (Proc, String) {
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
type Arrivals = Arc<Mutex<Vec<Vec<Option<Instant>>>>>;

fn marker_index(text: &str) -> Option<usize> {
    let at = text.find("fanout-")? + "fanout-".len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

async fn subscribe(url: String, token: Option<String>, slot: usize, arrivals: Arrivals) {
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
                        if i < MESSAGES {
                            arrivals.lock().await[slot][i].get_or_insert(now);
                        }
                    }
                }
            }
        }
    });
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx]
}

/// Latencies in ms, given send times and arrivals. Missing arrivals are reported.
async fn summarise(sent: &[Instant], arrivals: &Arrivals) -> (f64, f64, usize) {
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

async fn wait_all(arrivals: &Arrivals, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let done = arrivals.lock().await.iter().all(|s| s[n - 1].is_some());
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn switchboard_run(base: &str, tokens: &[String], n: usize) -> (f64, f64, usize) {
    let http = reqwest::Client::new();
    let start: serde_json::Value = http
        .post(format!("{base}/api/v1/customer/conversations"))
        .json(&serde_json::json!({"name": "Bench", "email": format!("bench{n}@example.com")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, ctoken) = (
        start["conversation_id"].as_i64().unwrap(),
        start["token"].as_str().unwrap().to_string(),
    );
    let snap: serde_json::Value = http
        .get(format!("{base}/api/v1/snapshot"))
        .bearer_auth(&tokens[0])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seq = snap["seq"].as_i64().unwrap();
    let arrivals: Arrivals = Arc::new(Mutex::new(vec![vec![None; MESSAGES]; n]));
    let ws = base.replace("http://", "ws://");
    for (slot, t) in tokens.iter().take(n).enumerate() {
        subscribe(
            format!("{ws}/api/v1/stream?cursor={seq}"),
            Some(t.clone()),
            slot,
            arrivals.clone(),
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut sent = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        sent.push(Instant::now());
        let r = http
            .post(format!(
                "{base}/api/v1/customer/conversations/{id}/messages"
            ))
            .bearer_auth(&ctoken)
            .json(&serde_json::json!({"body": format!("fanout-{i}")}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        tokio::time::sleep(GAP).await;
    }
    wait_all(&arrivals, MESSAGES).await;
    summarise(&sent, &arrivals).await
}

async fn baseline_run(addr: &str, n: usize) -> (f64, f64, usize) {
    let arrivals: Arrivals = Arc::new(Mutex::new(vec![vec![None; MESSAGES]; n]));
    for slot in 0..n {
        subscribe(format!("ws://{addr}/sub"), None, slot, arrivals.clone()).await;
    }
    let (mut publisher, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/pub"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut sent = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        sent.push(Instant::now());
        publisher
            .send(Message::Text(format!("{{\"body\":\"fanout-{i}\"}}").into()))
            .await
            .unwrap();
        tokio::time::sleep(GAP).await;
    }
    wait_all(&arrivals, MESSAGES).await;
    summarise(&sent, &arrivals).await
}

/// The baseline: a bare tokio-tungstenite server that relays each published text
/// to every subscriber through a tokio broadcast channel.
async fn baseline_server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("baseline listening on {}", listener.local_addr().unwrap());
    let (tx, _) = tokio::sync::broadcast::channel::<Arc<str>>(4096);
    loop {
        let (tcp, _) = listener.accept().await.unwrap();
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut path = String::new();
            let cb = |req: &tokio_tungstenite::tungstenite::handshake::server::Request, resp| {
                path = req.uri().path().to_string();
                Ok(resp)
            };
            let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, cb).await else {
                return;
            };
            let (mut sink, mut stream) = ws.split();
            if path == "/pub" {
                while let Some(Ok(Message::Text(t))) = stream.next().await {
                    let _ = tx.send(Arc::from(t.as_str()));
                }
            } else {
                let mut rx = tx.subscribe();
                while let Ok(t) = rx.recv().await {
                    if sink
                        .send(Message::Text(t.to_string().into()))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            }
        });
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if std::env::var_os("FANOUT_BASELINE_SERVER").is_some() {
        rt.block_on(baseline_server());
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for test names; this bench has none.
    }
    rt.block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let max = *AGENT_COUNTS.iter().max().unwrap();
        eprintln!("seeding {max} agents…");
        let db = Db::open(&sqlite_url_for(tmp.path()).unwrap()).await.unwrap();
        let store = Store::new(db, StoreConfig::default());
        let mut tokens = Vec::with_capacity(max);
        for i in 0..max {
            let id = store
                .add_agent(&format!("bench{i}@example.com"), &format!("Agent {i}"), Role::Agent, "bench-password")
                .await
                .unwrap();
            tokens.push(store.issue_token(id).await.unwrap());
        }
        store.db.writer.close().await;
        store.db.reader.close().await;

        let mut server = Command::new(env!("CARGO_BIN_EXE_switchboard-server"));
        server
            .arg("--data-dir")
            .arg(tmp.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(["--customer-messages-per-minute", "1000000"])
            .env("RUST_LOG", "warn");
        let (_server, base) = start(server, "switchboard-server listening on ");
        let mut baseline = Command::new(std::env::current_exe().unwrap());
        baseline.env("FANOUT_BASELINE_SERVER", "1");
        let (_baseline, baddr) = start(baseline, "baseline listening on ");

        println!("fan-out latency, customer message sent -> event at each agent ({MESSAGES} messages, {}ms apart; ms)", GAP.as_millis());
        println!("{:>7} | {:>15} {:>8} | {:>13} {:>8} | {:>9} {:>9} | missing", "agents", "switchboard p50", "p99", "baseline p50", "p99", "ratio p50", "ratio p99");
        for n in AGENT_COUNTS {
            let (sp50, sp99, smiss) = switchboard_run(&base, &tokens, n).await;
            let (bp50, bp99, bmiss) = baseline_run(&baddr, n).await;
            println!(
                "{n:>7} | {sp50:>15.2} {sp99:>8.2} | {bp50:>13.2} {bp99:>8.2} | {:>9.1} {:>9.1} | {smiss}/{bmiss}",
                sp50 / bp50,
                sp99 / bp99
            );
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));
}

//! Fan-out latency: from a customer message being sent to the server until its
//! event arrives at every connected agent's stream, with 10, 100 and 1,000 agents
//! on loopback, beside a bare tokio WebSocket broadcast measured in the same run.
//!
//! Run: `cargo bench -p switchboard-server --bench fanout`
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The handshake callback's error type is tungstenite's, not ours.
#![allow(clippy::result_large_err)]

mod support;

use futures_util::{SinkExt, StreamExt};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{seed_agents, start, subscribe, summarise, wait_all, Arrivals};
use switchboard_server::db::sqlite_url_for;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

const AGENT_COUNTS: [usize; 3] = [10, 100, 1000];
const MESSAGES: usize = 100;
const GAP: Duration = Duration::from_millis(30);

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
        let tokens = seed_agents(&sqlite_url_for(tmp.path()).unwrap(), max).await;

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

//! From a customer's message being sent to the server until the engine hands the
//! notification to its sink (where notify-rust would be called), with 1, 100 and
//! 1,000 agents connected to the same server.
//!
//! Run: `cargo build --release -p switchboard-server && cargo bench -p switchboard-client --bench notify_latency`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_client::notify::{Decision, Settings, Sink};
use switchboard_client::{ConnectionState, Engine, EngineOptions, Session};
use switchboard_protocol::{Me, Role};
use switchboard_testkit::{server_bin, Server};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const MESSAGES: usize = 100;
const GAP: Duration = Duration::from_millis(30);

/// Records when each notification reaches the sink, by its body.
struct Recorder(Arc<Mutex<HashMap<String, Instant>>>);

impl Sink for Recorder {
    fn apply(&mut self, d: &Decision) {
        if let Decision::Show(n) = d {
            self.0
                .lock()
                .unwrap()
                .entry(n.body.clone())
                .or_insert_with(Instant::now);
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("server");
        eprintln!("seeding 1,000 agents…");
        let agents = switchboard_testkit::seed_agents_with_tokens(&data, 1000).await;
        let server = Server::start(&server_bin(), &data, &[]);
        let session = Session {
            server: url::Url::parse(&server.base).unwrap(),
            token: agents[0].1.clone(),
            me: Me { id: agents[0].0, name: "Agent 0".into(), email: "agent0@example.com".into(), role: Role::Agent },
            speaks: Default::default(),
        };
        let seen = Arc::new(Mutex::new(HashMap::new()));
        let (mut engine, _) = Engine::start(&session, &tmp.path().join("cache.sqlite3"), Some(&switchboard_client::CacheKey::generate()), EngineOptions::default()).unwrap();
        engine.start_notifications(Box::new(Recorder(seen.clone())), Settings { reminder: None, ..Settings::default() });
        let mut state = engine.connection();
        while *state.borrow_and_update() != ConnectionState::Online {
            state.changed().await.unwrap();
        }
        let http = reqwest::Client::new();
        let ws_base = server.base.replace("http://", "ws://");
        let mut others = Vec::new();
        println!("customer message sent -> notification handed to the sink ({MESSAGES} messages, {} ms apart; ms)", GAP.as_millis());
        println!("{:>17} | {:>7} {:>7} {:>7}", "agents connected", "p50", "p99", "max");
        for n in [1usize, 100, 1000] {
            // Other agents' streams, draining in the background.
            while others.len() + 1 < n {
                let (_, token) = &agents[others.len() + 1];
                let mut req = format!("{ws_base}/api/v1/stream?cursor=0").into_client_request().unwrap();
                req.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
                let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
                others.push(tokio::spawn(async move { while let Some(Ok(_)) = ws.next().await {} }));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            let start: serde_json::Value = http
                .post(format!("{}/api/v1/customer/conversations", server.base))
                .json(&serde_json::json!({"name": format!("Customer {n}"), "email": format!("c{n}@example.com")}))
                .send().await.unwrap().json().await.unwrap();
            let (id, token) = (start["conversation_id"].as_i64().unwrap(), start["token"].as_str().unwrap().to_string());
            let mut sent = Vec::new();
            for i in 0..MESSAGES {
                let body = format!("n{n}-m{i}");
                sent.push((body.clone(), Instant::now()));
                let r = http
                    .post(format!("{}/api/v1/customer/conversations/{id}/messages", server.base))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"body": body}))
                    .send().await.unwrap();
                assert!(r.status().is_success());
                tokio::time::sleep(GAP).await;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            let seen = seen.lock().unwrap();
            let mut lat: Vec<f64> = sent
                .iter()
                .map(|(b, t)| seen.get(b).expect("every message notified").duration_since(*t).as_secs_f64() * 1000.0)
                .collect();
            lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!("{n:>17} | {:>7.2} {:>7.2} {:>7.2}", percentile(&lat, 50.0), percentile(&lat, 99.0), lat[lat.len() - 1]);
        }
        drop(engine);
    });
}

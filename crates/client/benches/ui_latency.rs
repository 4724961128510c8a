//! What the UI waits for while the cache is busy: the engine's `lists`,
//! `conversation` and `search` (what the app's commands call), timed while the
//! first sync downloads a 10,000-conversation / 200,000-message archive and a
//! customer posts 20 messages a second, beside the same calls once the
//! archive is in and only the customer is posting.
//!
//! Run: `cargo build --release -p switchboard-server && cargo bench -p switchboard-client --bench ui_latency`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_client::{Accounts, Change, Engine, EngineOptions};
use switchboard_protocol::Role;
use switchboard_testkit::{server_bin, Server, PASSWORD};

const CONVERSATIONS: i64 = 10_000;
const MESSAGES: i64 = 20;
/// The UI's calls, one every few milliseconds, in turn.
const PACE: Duration = Duration::from_millis(5);

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

/// Calls the three commands in turn until `until` says stop; their latencies.
fn exercise(engine: &Engine, conversation: i64, until: impl Fn() -> bool) -> [Vec<f64>; 3] {
    let mut out: [Vec<f64>; 3] = Default::default();
    let mut turn = 0;
    while !until() {
        let t = Instant::now();
        match turn % 3 {
            0 => drop(engine.lists().unwrap()),
            1 => drop(engine.conversation(conversation).unwrap()),
            _ => drop(engine.search(&format!("parcel {}", turn % 97), 50).unwrap()),
        }
        out[turn % 3].push(t.elapsed().as_secs_f64() * 1000.0);
        turn += 1;
        std::thread::sleep(PACE);
    }
    for v in &mut out {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    }
    out
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let (server, email) = rt.block_on(async {
        let seeded = switchboard_testkit::seed(&data, &[("Alice", Role::Agent)], &[]).await;
        let (alice, _, email) = seeded[0].clone();
        switchboard_testkit::bulk_archive(&data, alice, CONVERSATIONS, MESSAGES).await;
        (Server::start(&server_bin(), &data, &[]), email)
    });
    let accounts = Accounts::new(Some(tmp.path().join("app")), false).unwrap();
    let (session, _) = rt
        .block_on(accounts.sign_in(&server.base, &email, PASSWORD))
        .unwrap();

    // A customer writing 20 messages a second, to a conversation in the queue.
    let http = reqwest::Client::new();
    let base = server.base.clone();
    let (conversation, token) = rt.block_on(async {
        let start: serde_json::Value = http
            .post(format!("{base}/api/v1/customer/conversations"))
            .json(&serde_json::json!({"name": "Maria", "email": "maria@example.com"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            start["conversation_id"].as_i64().unwrap(),
            start["token"].as_str().unwrap().to_string(),
        )
    });
    let posting = Arc::new(AtomicBool::new(true));
    let customer = {
        let posting = posting.clone();
        rt.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            let mut n = 0;
            while posting.load(Ordering::Relaxed) {
                tick.tick().await;
                n += 1;
                let r = http
                    .post(format!(
                        "{base}/api/v1/customer/conversations/{conversation}/messages"
                    ))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"body": format!("is my parcel there yet? ({n})")}))
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "{}", r.status());
            }
            n
        })
    };

    let started = Instant::now();
    let (engine, _) = rt
        .block_on(async {
            let path = accounts.cache_path(&session);
            let (key, _) = accounts.cache_key_blocking(&path)?;
            Engine::start(&session, &path, Some(&key), EngineOptions::default())
        })
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let mut changes = engine.changes();
    let watcher = {
        let done = done.clone();
        rt.spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(Change::Backfill { done: true, .. }) => break,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(e) => panic!("{e}"),
                }
            }
            done.store(true, Ordering::Relaxed);
        })
    };
    // The conversation is in the cache once the snapshot is.
    while engine.conversation(conversation).is_err() {
        std::thread::sleep(Duration::from_millis(10));
    }
    let busy = exercise(&engine, conversation, || done.load(Ordering::Relaxed));
    let backfill = started.elapsed();
    rt.block_on(watcher).unwrap();
    let quiet_until = Instant::now() + backfill.max(Duration::from_secs(3));
    let quiet = exercise(&engine, conversation, || Instant::now() >= quiet_until);
    posting.store(false, Ordering::Relaxed);
    let posted = rt.block_on(customer).unwrap();
    let archive = engine.lists().unwrap().archive_total;
    assert_eq!(archive as i64, CONVERSATIONS);

    println!(
        "UI commands while the first sync stores {CONVERSATIONS} conversations / {} messages ({:.1} s) \
         and a customer posts 20 messages/s ({posted} in all), beside the same once the archive is in (ms)",
        CONVERSATIONS * MESSAGES,
        backfill.as_secs_f64()
    );
    println!(
        "{:<14} | {:>6} {:>8} {:>8} {:>8} | {:>6} {:>8} {:>8} {:>8} | {:>9}",
        "command", "calls", "p50", "p99", "max", "calls", "p50", "p99", "max", "ratio p99"
    );
    for (i, name) in ["lists", "conversation", "search"].iter().enumerate() {
        let (b, q) = (&busy[i], &quiet[i]);
        println!(
            "{name:<14} | {:>6} {:>8.2} {:>8.2} {:>8.2} | {:>6} {:>8.2} {:>8.2} {:>8.2} | {:>9.2}",
            b.len(),
            percentile(b, 50.0),
            percentile(b, 99.0),
            b[b.len() - 1],
            q.len(),
            percentile(q, 50.0),
            percentile(q, 99.0),
            q[q.len() - 1],
            percentile(b, 99.0) / percentile(q, 99.0)
        );
    }
    drop(engine);
}

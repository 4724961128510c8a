//! The storage backends side by side, in one run: fan-out latency (p50/p99, a
//! customer message sent → its event at every connected agent) and messages per
//! second, on SQLite with one node, PostgreSQL with one node, and PostgreSQL with
//! two nodes (agents and customers split between them).
//!
//! Run: `scripts/postgres cargo bench -p switchboard-server --bench backends`
//! (`scripts/postgres` starts a throwaway cluster and sets SWITCHBOARD_TEST_POSTGRES).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::{Duration, Instant};
use support::{seed_agents, start, subscribe, summarise, wait_every, Arrivals, Proc};
use switchboard_server::db::sqlite_url_for;

const AGENTS: usize = 100;
const LATENCY_MESSAGES: usize = 200;
const GAP: Duration = Duration::from_millis(20);
const THROUGHPUT_MESSAGES: usize = 2000;
const POSTERS: usize = 16;

struct Deployment {
    _nodes: Vec<Proc>,
    bases: Vec<String>,
    tokens: Vec<String>,
    _dirs: Vec<tempfile::TempDir>,
}

async fn deploy(url: &str, dir: tempfile::TempDir, nodes: usize) -> Deployment {
    let tokens = seed_agents(url, AGENTS).await;
    let mut dirs = vec![dir];
    let (mut procs, mut bases) = (Vec::new(), Vec::new());
    for n in 0..nodes {
        if n > 0 {
            dirs.push(tempfile::tempdir().unwrap());
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard-server"));
        cmd.arg("--data-dir")
            .arg(dirs[n].path())
            .args(["--database-url", url])
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(["--customer-messages-per-minute", "1000000"])
            .args(["--customer-starts-per-minute", "1000000"])
            .env("RUST_LOG", "warn");
        let (p, base) = start(cmd, "switchboard-server listening on ");
        procs.push(p);
        bases.push(base);
    }
    Deployment {
        _nodes: procs,
        bases,
        tokens,
        _dirs: dirs,
    }
}

/// A customer's conversation, started through `base`.
async fn customer(http: &reqwest::Client, base: &str, tag: &str) -> (i64, String) {
    let v: serde_json::Value = http
        .post(format!("{base}/api/v1/customer/conversations"))
        .json(&serde_json::json!({"name": "Bench", "email": format!("{tag}@example.com")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        v["conversation_id"].as_i64().unwrap(),
        v["token"].as_str().unwrap().to_string(),
    )
}

async fn say(http: &reqwest::Client, base: &str, c: &(i64, String), body: String) {
    let r = http
        .post(format!(
            "{base}/api/v1/customer/conversations/{}/messages",
            c.0
        ))
        .bearer_auth(&c.1)
        .json(&serde_json::json!({ "body": body }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

/// Every agent subscribes from the current sequence, agent i to node i mod n.
async fn subscribe_all(d: &Deployment, http: &reqwest::Client, messages: usize) -> Arrivals {
    let snap: serde_json::Value = http
        .get(format!("{}/api/v1/snapshot", d.bases[0]))
        .bearer_auth(&d.tokens[0])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seq = snap["seq"].as_i64().unwrap();
    let arrivals = Arrivals::new(AGENTS, messages);
    for (slot, t) in d.tokens.iter().enumerate() {
        let ws = d.bases[slot % d.bases.len()].replace("http://", "ws://");
        subscribe(
            format!("{ws}/api/v1/stream?cursor={seq}"),
            Some(t.clone()),
            slot,
            arrivals.clone(),
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    arrivals
}

/// p50 and p99 in ms, and how many arrivals are missing.
async fn latency(d: &Deployment) -> (f64, f64, usize) {
    let http = reqwest::Client::new();
    let c = customer(&http, &d.bases[0], "latency").await;
    let arrivals = subscribe_all(d, &http, LATENCY_MESSAGES).await;
    let mut sent = Vec::with_capacity(LATENCY_MESSAGES);
    for i in 0..LATENCY_MESSAGES {
        sent.push(Instant::now());
        say(
            &http,
            &d.bases[i % d.bases.len()],
            &c,
            format!("fanout-{i}"),
        )
        .await;
        tokio::time::sleep(GAP).await;
    }
    wait_every(&arrivals).await;
    summarise(&sent, &arrivals).await
}

/// Messages per second from POSTERS customers writing at once (split between the
/// nodes), counted until every agent has every message; and how many are missing.
async fn throughput(d: &Deployment) -> (f64, usize) {
    let http = reqwest::Client::new();
    let mut customers = Vec::new();
    for k in 0..POSTERS {
        customers.push(customer(&http, &d.bases[k % d.bases.len()], &format!("tp{k}")).await);
    }
    let arrivals = subscribe_all(d, &http, THROUGHPUT_MESSAGES).await;
    let per = THROUGHPUT_MESSAGES / POSTERS;
    let began = Instant::now();
    let posters: Vec<_> = customers
        .into_iter()
        .enumerate()
        .map(|(k, c)| {
            let (http, bases) = (http.clone(), d.bases.clone());
            tokio::spawn(async move {
                for j in 0..per {
                    let base = &bases[(k + j) % bases.len()];
                    say(&http, base, &c, format!("fanout-{}", k * per + j)).await;
                }
            })
        })
        .collect();
    for p in posters {
        p.await.unwrap();
    }
    wait_every(&arrivals).await;
    let secs = began.elapsed().as_secs_f64();
    let missing = arrivals.missing();
    (THROUGHPUT_MESSAGES as f64 / secs, missing)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for test names; this bench has none.
    }
    let Some(admin) = std::env::var("SWITCHBOARD_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        eprintln!("this benchmark needs PostgreSQL: run it as `scripts/postgres cargo bench -p switchboard-server --bench backends`");
        std::process::exit(2);
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!(
            "{AGENTS} agents connected; latency: {LATENCY_MESSAGES} messages {}ms apart; \
             throughput: {THROUGHPUT_MESSAGES} messages from {POSTERS} customers at once",
            GAP.as_millis()
        );
        println!(
            "{:<22} | {:>8} {:>8} | {:>10} | {:>9} {:>9} {:>9} | missing",
            "backend", "p50 ms", "p99 ms", "msgs/s", "p50 ×", "p99 ×", "msgs/s ×"
        );
        let mut base: Option<(f64, f64, f64)> = None;
        for (name, nodes) in [
            ("SQLite, 1 node", 0),
            ("PostgreSQL, 1 node", 1),
            ("PostgreSQL, 2 nodes", 2),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let (url, nodes) = if nodes == 0 {
                (sqlite_url_for(dir.path()).unwrap(), 1)
            } else {
                (switchboard_testkit::create_database(&admin).await, nodes)
            };
            let d = deploy(&url, dir, nodes).await;
            let (p50, p99, lmiss) = latency(&d).await;
            let (rate, tmiss) = throughput(&d).await;
            let (b50, b99, brate) = *base.get_or_insert((p50, p99, rate));
            println!(
                "{name:<22} | {p50:>8.2} {p99:>8.2} | {rate:>10.0} | {:>9.2} {:>9.2} {:>9.2} | {}",
                p50 / b50,
                p99 / b99,
                rate / brate,
                lmiss + tmiss
            );
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));
}

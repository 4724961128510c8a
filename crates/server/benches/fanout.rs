//! Fan-out at scale: from a customer message being POSTed to the server until its
//! event arrives at every connected agent's stream, with 1,000, 5,000 and 10,000
//! agents on loopback, beside a bare tokio WebSocket broadcast measured in the
//! same run. Also printed for each: the customer's POST latency during the
//! fan-out, the CPU the server spends on the fan-out and on idle streams, and its
//! memory per connected stream.
//!
//! Run: `cargo bench -p switchboard-server --bench fanout`
//! (`FANOUT_AGENTS=100,1000` for other sizes, `FANOUT_IDLE_SECS` for the idle
//! window; each size needs two sockets per agent within the open-files limit).
//! Two nodes on PostgreSQL, agents and posts split between them:
//! `FANOUT_NODES=2 scripts/postgres cargo bench -p switchboard-server --bench fanout`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The handshake callback's error type is tungstenite's, not ours.
#![allow(clippy::result_large_err)]

mod support;

use futures_util::{SinkExt, StreamExt};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{
    percentile, seed_agents, start, subscribe_many, summarise, wait_all, Arrivals, Proc,
};
use switchboard_server::db::sqlite_url_for;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

const MESSAGES: usize = 100;
/// 20 messages a second.
const GAP: Duration = Duration::from_millis(50);
/// The server's default heartbeat; the bare broadcast beats as often.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// Handshakes in flight while subscribing.
const AT_ONCE: usize = 100;

/// What one system did with N streams.
struct Figures {
    p50: f64,
    p99: f64,
    missing: usize,
    /// The customer's POST, p50 and p99 in ms (the bare broadcast has no request).
    post: Option<(f64, f64)>,
    /// CPU seconds the server spent from the first message to the last arrival.
    fanout_cpu: f64,
    /// CPU seconds per 30 s with every stream idle.
    idle_cpu: f64,
    /// Resident memory per connected stream, KiB.
    kib_per_stream: f64,
    /// Resident memory added at the peak of the fan-out, MiB.
    growth_mib: f64,
}

/// The length of an event frame as Switchboard sends it; the bare broadcast's
/// texts are padded to it.
static FRAME_LEN: AtomicUsize = AtomicUsize::new(0);

/// CPU seconds (user + system) the process has used.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command's closing parenthesis; utime and stime are 14 and 15.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / clock_ticks()
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        let out = Command::new("getconf").arg("CLK_TCK").output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(100.0)
    })
}

/// A `/proc/PID/status` figure in KiB (VmRSS, VmHWM).
fn status_kib(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Resets the process's peak resident memory (VmHWM) to its current size.
fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// The server's processes (one per node): CPU and memory summed over them.
struct Procs(Vec<u32>);

impl Procs {
    fn cpu(&self) -> f64 {
        self.0.iter().map(|p| cpu_secs(*p)).sum()
    }
    fn kib(&self, key: &str) -> f64 {
        self.0.iter().map(|p| status_kib(*p, key)).sum()
    }
    fn reset_peak(&self) {
        self.0.iter().for_each(|p| reset_peak(*p));
    }
}

/// Subscribes `targets`, then measures memory per stream and idle CPU.
async fn connect_and_idle(
    procs: &Procs,
    targets: Vec<(String, Option<String>)>,
    arrivals: &Arrivals,
    idle: Duration,
) -> (f64, f64) {
    let n = targets.len() as f64;
    let before = procs.kib("VmRSS");
    subscribe_many(targets, arrivals, AT_ONCE).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let kib_per_stream = (procs.kib("VmRSS") - before) / n;
    let cpu = procs.cpu();
    tokio::time::sleep(idle).await;
    let idle_cpu = (procs.cpu() - cpu) * 30.0 / idle.as_secs_f64();
    (kib_per_stream, idle_cpu)
}

/// Where the server keeps its data: SQLite in a directory (one node), or
/// PostgreSQL shared by several nodes (each with a directory of its own).
struct Setup {
    url: String,
    dirs: Vec<tempfile::TempDir>,
}

fn switchboard_server(setup: &Setup, node: usize) -> (Proc, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_switchboard-server"));
    server
        .arg("--data-dir")
        .arg(setup.dirs[node].path())
        .args(["--database-url", &setup.url])
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(["--heartbeat-ms", &HEARTBEAT.as_millis().to_string()])
        .args(["--customer-messages-per-minute", "1000000"])
        .args(["--customer-starts-per-minute", "1000000"])
        .env("RUST_LOG", "warn");
    start(server, "switchboard-server listening on ")
}

async fn switchboard_run(setup: &Setup, tokens: &[String], n: usize, idle: Duration) -> Figures {
    let (servers, bases): (Vec<Proc>, Vec<String>) = (0..setup.dirs.len())
        .map(|node| switchboard_server(setup, node))
        .unzip();
    let procs = Procs(servers.iter().map(|s| s.0.id()).collect());
    let base = bases[0].clone();
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
    let arrivals = Arrivals::new(n, MESSAGES);
    // Agent i on node i mod nodes.
    let targets = tokens
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, t)| {
            let ws = bases[i % bases.len()].replace("http://", "ws://");
            (format!("{ws}/api/v1/stream?cursor={seq}"), Some(t.clone()))
        })
        .collect();
    let (kib_per_stream, idle_cpu) = connect_and_idle(&procs, targets, &arrivals, idle).await;
    procs.reset_peak();
    let resident = procs.kib("VmRSS");
    let cpu = procs.cpu();
    let urls: Vec<String> = (0..MESSAGES)
        .map(|i| {
            // Alternately to each node.
            format!(
                "{}/api/v1/customer/conversations/{id}/messages",
                bases[i % bases.len()]
            )
        })
        .collect();
    let window = monotonic_secs();
    let (sent, mut posts) = post_all(urls, ctoken).await;
    wait_all(&arrivals, MESSAGES).await;
    if trace() {
        // For cutting a `perf sched record -k CLOCK_MONOTONIC` to the fan-out.
        eprintln!(
            "trace: {n} agents, fan-out from {window:.6} to {:.6} (CLOCK_MONOTONIC s), bench pid {}, node pids {}",
            monotonic_secs(),
            std::process::id(),
            procs.0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(",")
        );
        let t0 = sent[0];
        for (i, ms) in posts.iter().enumerate() {
            let at = window + sent[i].duration_since(t0).as_secs_f64();
            eprintln!("trace: POST {i} at {at:.6} took {ms:.1} ms");
        }
    }
    let fanout_cpu = procs.cpu() - cpu;
    let growth_mib = (procs.kib("VmHWM") - resident) / 1024.0;
    let (p50, p99, missing) = summarise(&sent, &arrivals).await;
    FRAME_LEN.store(arrivals.frame_len(), Ordering::Relaxed);
    posts.sort_by(|a, b| a.partial_cmp(b).unwrap());
    drop(servers);
    Figures {
        p50,
        p99,
        missing,
        post: Some((percentile(&posts, 50.0), percentile(&posts, 99.0))),
        fanout_cpu,
        idle_cpu,
        kib_per_stream,
        growth_mib,
    }
}

/// POSTs message i to `urls[i]`, 20 a second, each on its own task (a slow
/// answer must not hold back the next message); returns when each was sent and
/// each answer's latency in ms. The customer runs on a thread and runtime of its
/// own: on the bench's runtime, busy reading 10,000 sockets, an answer would wait
/// there to be read and the figure would be the bench's, not the server's.
async fn post_all(urls: Vec<String>, token: String) -> (Vec<Instant>, Vec<f64>) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let out = rt.block_on(async move {
            let http = reqwest::Client::new();
            let mut sent = Vec::with_capacity(urls.len());
            let mut answers = Vec::with_capacity(urls.len());
            for (i, url) in urls.into_iter().enumerate() {
                let at = Instant::now();
                sent.push(at);
                let (http, token) = (http.clone(), token.clone());
                answers.push(tokio::spawn(async move {
                    let r = http
                        .post(url)
                        .bearer_auth(token)
                        .json(&serde_json::json!({"body": format!("fanout-{i}")}))
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success(), "{}", r.status());
                    at.elapsed().as_secs_f64() * 1000.0
                }));
                tokio::time::sleep(GAP).await;
            }
            let mut posts = Vec::with_capacity(answers.len());
            for a in answers {
                posts.push(a.await.unwrap());
            }
            (sent, posts)
        });
        let _ = tx.send(out);
    });
    rx.await.unwrap()
}

async fn baseline_run(n: usize, idle: Duration) -> Figures {
    let mut baseline = Command::new(std::env::current_exe().unwrap());
    baseline.env("FANOUT_BASELINE_SERVER", "1");
    let (server, addr) = start(baseline, "baseline listening on ");
    let procs = Procs(vec![server.0.id()]);
    let arrivals = Arrivals::new(n, MESSAGES);
    let targets = (0..n).map(|_| (format!("ws://{addr}/sub"), None)).collect();
    let (kib_per_stream, idle_cpu) = connect_and_idle(&procs, targets, &arrivals, idle).await;
    let (mut publisher, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/pub"))
        .await
        .unwrap();
    procs.reset_peak();
    let resident = procs.kib("VmRSS");
    let cpu = procs.cpu();
    let width = FRAME_LEN.load(Ordering::Relaxed);
    let mut sent = Vec::with_capacity(MESSAGES);
    for i in 0..MESSAGES {
        sent.push(Instant::now());
        let mut text = format!("{{\"body\":\"fanout-{i}\",\"pad\":\"");
        while text.len() + 2 < width {
            text.push('x');
        }
        text.push_str("\"}");
        publisher.send(Message::Text(text.into())).await.unwrap();
        tokio::time::sleep(GAP).await;
    }
    wait_all(&arrivals, MESSAGES).await;
    let fanout_cpu = procs.cpu() - cpu;
    let growth_mib = (procs.kib("VmHWM") - resident) / 1024.0;
    let (p50, p99, missing) = summarise(&sent, &arrivals).await;
    drop(server);
    Figures {
        p50,
        p99,
        missing,
        post: None,
        fanout_cpu,
        idle_cpu,
        kib_per_stream,
        growth_mib,
    }
}

/// The floor: a bare tokio-tungstenite server that relays each published text to
/// every subscriber through a tokio broadcast channel, the same bytes to all,
/// writing whatever is waiting before one flush, and beating like Switchboard's
/// streams (a small text and a ping per heartbeat).
async fn baseline_server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("baseline listening on {}", listener.local_addr().unwrap());
    let (tx, _) = tokio::sync::broadcast::channel::<Utf8Bytes>(4096);
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
                    let _ = tx.send(t);
                }
                return;
            }
            let mut rx = tx.subscribe();
            let mut beat = tokio::time::interval(HEARTBEAT);
            beat.tick().await;
            loop {
                tokio::select! {
                    got = rx.recv() => {
                        let Ok(t) = got else { return };
                        if sink.feed(Message::Text(t)).await.is_err() {
                            return;
                        }
                        while let Ok(t) = rx.try_recv() {
                            if sink.feed(Message::Text(t)).await.is_err() {
                                return;
                            }
                        }
                        if sink.flush().await.is_err() {
                            return;
                        }
                    }
                    _ = beat.tick() => {
                        let hb = Message::Text(r#"{"type":"heartbeat","cursor":0,"heartbeat_ms":5000}"#.into());
                        if sink.feed(hb).await.is_err() || sink.send(Message::Ping(Default::default())).await.is_err() {
                            return;
                        }
                    }
                    incoming = stream.next() => match incoming {
                        Some(Ok(_)) => {}
                        _ => return,
                    },
                }
            }
        });
    }
}

/// The soft limit on open files, from /proc/self/limits.
/// `FANOUT_TRACE=1`: print the fan-out's window and each POST's start and
/// latency on CLOCK_MONOTONIC, the clock of `perf sched record -k CLOCK_MONOTONIC`.
fn trace() -> bool {
    std::env::var_os("FANOUT_TRACE").is_some()
}

/// Seconds on CLOCK_MONOTONIC (what `Instant` reads on Linux).
fn monotonic_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// `FANOUT_READERS_NICE=N`: the bench's reading threads (the agents' sockets)
/// run at nice N, while the servers, the customer's thread and the main thread
/// stay at 0, as if the agents were on other machines. On 2 cores the load
/// generator otherwise competes with the server for every CPU slice.
fn readers_nice() -> i32 {
    std::env::var("FANOUT_READERS_NICE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn lower_this_thread(nice: i32) {
    if nice == 0 {
        return;
    }
    // SAFETY: gettid has no preconditions; setpriority on this thread's id
    // changes only this thread's nice value.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, nice);
    }
}

fn main() {
    let nice = readers_nice();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_start(move || lower_this_thread(nice))
        .build()
        .unwrap();
    if std::env::var_os("FANOUT_BASELINE_SERVER").is_some() {
        rt.block_on(baseline_server());
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for test names; this bench has none.
    }
    let counts: Vec<usize> = std::env::var("FANOUT_AGENTS")
        .unwrap_or_else(|_| "1000,5000,10000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("FANOUT_AGENTS: numbers separated by commas")
        })
        .collect();
    let idle = Duration::from_secs(
        std::env::var("FANOUT_IDLE_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30),
    );
    let max = *counts.iter().max().unwrap();
    if let Some(limit) = open_files_limit() {
        if limit < max + 200 {
            eprintln!(
                "the open-files limit ({limit}) is below {max} streams: raise it (ulimit -n)"
            );
            std::process::exit(1);
        }
    }
    let nodes: usize = std::env::var("FANOUT_NODES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let postgres = std::env::var("SWITCHBOARD_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty());
    if nodes > 1 && postgres.is_none() {
        eprintln!("several nodes need PostgreSQL: run under scripts/postgres");
        std::process::exit(2);
    }
    rt.block_on(async {
        let dirs: Vec<_> = (0..nodes).map(|_| tempfile::tempdir().unwrap()).collect();
        let url = match &postgres {
            Some(admin) if nodes > 1 => switchboard_testkit::create_database(admin).await,
            _ => sqlite_url_for(dirs[0].path()).unwrap(),
        };
        let setup = Setup { url, dirs };
        eprintln!("seeding {max} agents…");
        let tokens = seed_agents(&setup.url, max).await;

        println!(
            "fan-out: a customer message POSTed -> its event at each agent ({MESSAGES} messages, {} a second), {}",
            1000 / GAP.as_millis(),
            if nodes > 1 {
                format!("{nodes} nodes on PostgreSQL, agents and posts split between them")
            } else {
                "one node, SQLite".to_string()
            }
        );
        println!("latency in ms; CPU in seconds and memory of the server's processes (summed over its nodes)");
        if nice != 0 {
            println!("the bench's reading threads at nice {nice} (FANOUT_READERS_NICE)");
        }
        println!(
            "{:>6} | {:>19} | {:>17} | {:>9} | {:>13} | {:>15} | {:>17} | {:>13} | missing",
            "agents", "switchboard p50/p99", "bare p50/p99", "ratio p99", "POST p50/p99", "fan-out CPU s/b", "idle CPU/30 s s/b", "KiB/stream s/b"
        );
        for n in counts {
            let s = switchboard_run(&setup, &tokens, n, idle).await;
            let b = baseline_run(n, idle).await;
            let (pp50, pp99) = s.post.unwrap();
            println!(
                "{n:>6} | {:>9.1} {:>9.1} | {:>8.1} {:>8.1} | {:>9.2} | {:>6.1} {:>6.1} | {:>7.2} {:>7.2} | {:>8.2} {:>8.2} | {:>6.1} {:>6.1} | {}/{}",
                s.p50, s.p99, b.p50, b.p99, s.p99 / b.p99, pp50, pp99, s.fanout_cpu, b.fanout_cpu,
                s.idle_cpu, b.idle_cpu, s.kib_per_stream, b.kib_per_stream, s.missing, b.missing
            );
            println!(
                "       | peak growth during the fan-out: switchboard {:.1} MiB, bare {:.1} MiB; frames of {} bytes",
                s.growth_mib,
                b.growth_mib,
                FRAME_LEN.load(Ordering::Relaxed)
            );
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));
}

//! The desktop app's memory and start-up, beside a bare Tauri window measured in
//! the same run: idle PSS of the app and its WebKit processes with 10,000
//! archived conversations cached, and the time from launch to the inbox drawn
//! from the cache.
//!
//! Run (release builds, under a display and a D-Bus session):
//! `cargo build --release -p switchboard-server -p switchboard-app --bins --examples`
//! `scripts/desktop-session cargo bench -p switchboard-app --bench app`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use switchboard_protocol::Role;
use switchboard_testkit::{bulk_archive, seed, Server, PASSWORD};

const CONVERSATIONS: i64 = 10_000;
const MESSAGES: i64 = 4;
const RUNS: usize = 3;

fn release(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    let p = target.join("release").join(name);
    assert!(
        p.exists(),
        "{} is missing: build the release binaries first",
        p.display()
    );
    p
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// tauri-driver for one app binary, with the app's environment.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn driver(env: &[(&str, String)]) -> Driver {
    let port = free_port();
    let mut cmd = Command::new("tauri-driver");
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &free_port().to_string(),
    ])
    .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("tauri-driver");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    Driver { child, port }
}

async fn launch(d: &Driver, app: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({"application": app}));
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .unwrap()
}

async fn until(c: &Client, script: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        if c.execute(script, vec![]).await.unwrap() == Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            if let Ok(png) = c.screenshot().await {
                let _ = std::fs::write(std::env::temp_dir().join("bench-timeout.png"), png);
            }
            panic!("timed out: {script}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every process whose parent chain leads to `root`, and `root`.
fn tree(root: u32) -> Vec<u32> {
    let mut all = vec![root];
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // pid (comm) state ppid …; comm may contain spaces, so split after ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(parent) && !all.contains(&pid) {
                all.push(pid);
            }
        }
        i += 1;
    }
    all
}

/// PSS in KiB of a process (from smaps_rollup).
fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The launched binary's pid (the newest process running it).
fn pid_of(binary: &Path) -> u32 {
    let out = Command::new("pgrep")
        .args(["-n", "-f", &binary.display().to_string()])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("the app's pid")
}

/// (launch-to-drawn seconds, idle PSS MiB) for one run.
async fn measure(
    app: &Path,
    env: &[(&str, String)],
    drawn: &str,
    warm: Option<&str>,
) -> (f64, f64) {
    let d = driver(env);
    let started = Instant::now();
    let c = launch(&d, app).await;
    until(&c, drawn, Duration::from_secs(60)).await;
    let launch_s = started.elapsed().as_secs_f64();
    if let Some(w) = warm {
        until(&c, w, Duration::from_secs(600)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let pss: u64 = tree(pid_of(app)).into_iter().map(pss_kib).sum();
    c.close().await.unwrap();
    drop(d);
    gone(app);
    (launch_s, pss as f64 / 1024.0)
}

/// Waits for every process of `binary` to exit (killing them after 10 s): the
/// next launch on the same data directory would otherwise hand over to a
/// closing one (one instance per data directory) and its session would fail.
fn gone(binary: &Path) {
    let running = || {
        Command::new("pgrep")
            .args(["-f", &binary.display().to_string()])
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(false)
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while running() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("pkill")
        .args(["-KILL", "-f", &binary.display().to_string()])
        .status();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = release("switchboard");
    let bare = release("examples/bare");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let seeded = seed(&data, &[("Alice", Role::Agent)], &["Billing"]).await;
    bulk_archive(&data, seeded[0].0, CONVERSATIONS, MESSAGES).await;
    let server = Server::start(&release("switchboard-server"), &data, &[]);
    let app_data = tmp.path().join("app");
    let env = vec![
        ("SWITCHBOARD_DATA_DIR", app_data.display().to_string()),
        (
            "SWITCHBOARD_DEMO_SIGN_IN",
            format!("{} {} {PASSWORD}", server.base, seeded[0].2),
        ),
    ];
    let rows =
        "return document.querySelectorAll(\"[data-testid='row'][data-list='archive']\").length > 0";
    let all_cached = format!(
        "const h = document.querySelector(\"[data-testid='list-archive']\"); return !!h && h.textContent.includes('{}')",
        CONVERSATIONS
    );
    // First launch: sign in and download the archive into the cache (not measured).
    let (first, _) = measure(&app, &env, rows, Some(&all_cached)).await;
    println!("first launch (sign-in, first page of the archive drawn): {first:.2} s");
    let (mut app_launch, mut app_pss, mut bare_launch, mut bare_pss) =
        (vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let (l, p) = measure(&app, &env, rows, Some(&all_cached)).await;
        app_launch.push(l);
        app_pss.push(p);
        let (l, p) = measure(
            &bare,
            &[],
            "return !!document.getElementById('ready')",
            None,
        )
        .await;
        bare_launch.push(l);
        bare_pss.push(p);
    }
    let (al, ap, bl, bp) = (
        median(app_launch),
        median(app_pss),
        median(bare_launch),
        median(bare_pss),
    );
    println!("{CONVERSATIONS} archived conversations ({MESSAGES} messages each) cached; median of {RUNS} runs");
    println!("{:<44}{:>10}{:>12}", "", "app", "bare window");
    println!(
        "{:<44}{:>9.2}s{:>11.2}s   ratio {:.2}",
        "launch to inbox drawn (from the cache)",
        al,
        bl,
        al / bl
    );
    println!(
        "{:<44}{:>7.0} MiB{:>8.0} MiB   ratio {:.2}",
        "idle PSS, app + WebKit processes (5 s idle)",
        ap,
        bp,
        ap / bp
    );
}

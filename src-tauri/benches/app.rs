//! The desktop app's memory and start-up, beside a bare Tauri window measured in
//! the same run: idle PSS of the app and its WebKit processes with 10,000
//! archived conversations cached, and the time from launch to the inbox drawn
//! from the cache, and the CPU the processes use while idle.
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
/// Launches of each, alternately (`APP_BENCH_RUNS` for a quick probe).
fn runs() -> usize {
    std::env::var("APP_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

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

fn driver(env: &[(&str, String)], log: &Path) -> Driver {
    let (port, native) = (
        switchboard_testkit::free_port(),
        switchboard_testkit::free_port(),
    );
    let out = std::fs::File::create(log).unwrap();
    let mut cmd = Command::new("tauri-driver");
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &native.to_string(),
    ])
    .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
    .stdout(Stdio::from(out.try_clone().unwrap()))
    .stderr(Stdio::from(out));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("tauri-driver");
    // Both listening: tauri-driver answers before its WebKitWebDriver does, and a
    // session asked for meanwhile fails (connection refused behind it).
    for p in [port, native] {
        while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
            std::thread::sleep(Duration::from_millis(20));
        }
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

/// The launched binary's pid (the newest process running it).
fn pid_of(binary: &Path) -> u32 {
    running(binary)
        .into_iter()
        .max_by_key(|p| started_ms(*p) as u64)
        .expect("the app's pid")
}

/// The processes running this very executable (by /proc/PID/exe, not by command
/// line: `pgrep -f target/release/switchboard` also matches the server).
fn running(binary: &Path) -> Vec<u32> {
    let binary = binary
        .canonicalize()
        .unwrap_or_else(|_| binary.to_path_buf());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
        .collect()
}

fn epoch_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// When a process started, in ms since the epoch (10 ms resolution: its start
/// in clock ticks of 10 ms after boot).
fn started_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let ticks: f64 = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(19))
        .and_then(|t| t.parse().ok())
        .unwrap();
    // The boot time from the uptime (10 ms), not /proc/stat's btime (1 s).
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .unwrap()
        .split_whitespace()
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap();
    epoch_ms() - uptime * 1000.0 + ticks * 10.0
}

/// The Rust side's start-up marks from the log: `stage="…" epoch_ms=…`.
fn rust_marks(log: &Path) -> Vec<(String, f64)> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let stage = l.split("stage=\"").nth(1)?.split('"').next()?;
            let ms = l.split("epoch_ms=").nth(1)?.split_whitespace().next()?;
            Some((stage.to_string(), ms.parse().ok()?))
        })
        .collect()
}

/// The webview's navigation start, its `startup:` marks and page-load events,
/// as (name, ms since the epoch), and its element count.
const PAGE_MARKS: &str = "const t = performance.timeOrigin;
    const nav = performance.getEntriesByType('navigation')[0];
    const marks = [['navigation start', t]];
    if (nav) marks.push(['DOM content loaded', t + nav.domContentLoadedEventEnd]);
    if (nav) marks.push(['HTML received', t + nav.responseEnd]);
    for (const m of performance.getEntriesByType('mark'))
      if (m.name.startsWith('startup:')) marks.push([m.name.slice(8), t + m.startTime]);
    return { marks, elements: document.getElementsByTagName('*').length };";

/// One process's PSS in MiB, anonymous (heaps, stacks) and file-backed (code).
fn pss_split(pid: u32) -> (f64, f64) {
    let (mut anon, mut file) = (0u64, 0u64);
    let mut is_file = false;
    for l in std::fs::read_to_string(format!("/proc/{pid}/smaps"))
        .unwrap_or_default()
        .lines()
    {
        let mut parts = l.split_whitespace();
        let first = parts.next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            // A mapping's header: address perms offset dev inode [path].
            let path = parts.nth(4).unwrap_or("");
            is_file = path.starts_with('/');
        } else if first == "Pss:" {
            let kib: u64 = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            if is_file {
                file += kib;
            } else {
                anon += kib;
            }
        }
    }
    (anon as f64 / 1024.0, file as f64 / 1024.0)
}

/// The unit of /proc's CPU times (USER_HZ).
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU time a process has used, in clock ticks (utime + stime, all threads).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after "(comm)": state is the first, utime the 12th, stime the 13th.
    let rest: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, r)| r.split_whitespace().collect())
        .unwrap_or_default();
    let field = |i: usize| rest.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    field(11) + field(12)
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// One launch: seconds to drawn, idle PSS in MiB, the start-up stages in ms
/// after the WebDriver session was asked for, each process's (name, anonymous,
/// file-backed) PSS, the page's element count, and each process's CPU use
/// while idle (name, share of one core).
struct Run {
    launch_s: f64,
    pss: f64,
    stages: Vec<(String, f64)>,
    procs: Vec<(String, f64, f64)>,
    elements: u64,
    idle_cpu: Vec<(String, f64)>,
}

async fn measure(app: &Path, env: &[(&str, String)], drawn: &str, warm: Option<&str>) -> Run {
    let log = std::env::temp_dir().join(format!("switchboard-bench-{}.log", std::process::id()));
    let app_log = log.with_extension("app.log");
    let _ = std::fs::remove_file(&app_log);
    let mut env = env.to_vec();
    env.push(("SWITCHBOARD_LOG_FILE", app_log.display().to_string()));
    let d = driver(&env, &log);
    let started = Instant::now();
    let asked = epoch_ms();
    let c = launch(&d, app).await;
    let session_at = epoch_ms();
    until(&c, drawn, Duration::from_secs(60)).await;
    let launch_s = started.elapsed().as_secs_f64();
    let drawn_at = asked + launch_s * 1000.0;
    let pid = pid_of(app);
    let page = c.execute(PAGE_MARKS, vec![]).await.unwrap();
    let mut stages = vec![("process started".to_string(), started_ms(pid))];
    // WebKit's own processes, as the app's webview starts them (10 ms resolution).
    for child in tree(pid).into_iter().skip(1) {
        let name = comm(child);
        if name.starts_with("WebKit") && !stages.iter().any(|s| s.0.ends_with(&name)) {
            stages.push((format!("started: {name}"), started_ms(child)));
        }
    }
    stages.extend(rust_marks(&app_log));
    for m in page["marks"].as_array().unwrap() {
        stages.push((m[0].as_str().unwrap().to_string(), m[1].as_f64().unwrap()));
    }
    stages.push(("WebDriver session ready".to_string(), session_at));
    stages.push(("first row drawn (seen by WebDriver)".to_string(), drawn_at));
    for s in &mut stages {
        s.1 -= asked;
    }
    stages.sort_by(|a, b| a.1.total_cmp(&b.1));
    if let Some(w) = warm {
        until(&c, w, Duration::from_secs(600)).await;
    }
    let idle_from: Vec<(u32, u64)> = tree(pid).into_iter().map(|p| (p, cpu_ticks(p))).collect();
    let idle_start = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let hz = clock_ticks_per_second();
    let idle_s = idle_start.elapsed().as_secs_f64();
    let idle_cpu = idle_from
        .iter()
        .map(|(p, from)| {
            let used = cpu_ticks(*p).saturating_sub(*from) as f64 / hz;
            (comm(*p), used / idle_s)
        })
        .collect();
    let procs: Vec<(String, f64, f64)> = tree(pid)
        .into_iter()
        .map(|p| {
            let (anon, file) = pss_split(p);
            (comm(p), anon, file)
        })
        .filter(|p| p.1 + p.2 > 0.0)
        .collect();
    let pss = procs.iter().map(|p| p.1 + p.2).sum();
    if warm.is_some() {
        // A launch measured offline (the server gone) would not be the agent's.
        let offline = c
            .execute(
                "return !!document.querySelector(\"[data-testid='offline-banner']\")",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(offline, Value::Bool(false), "the app was offline");
    }
    let elements = c.execute(PAGE_MARKS, vec![]).await.unwrap()["elements"]
        .as_u64()
        .unwrap();
    // The app and its WebKit processes: a web or network process still closing
    // would take the CPU (and the website data) from the next launch.
    let family = tree(pid);
    c.close().await.unwrap();
    drop(d);
    gone(app);
    exited(&family);
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(&app_log);
    Run {
        launch_s,
        pss,
        stages,
        procs,
        elements,
        idle_cpu,
    }
}

/// Waits for every process of `binary` to exit (killing them after 10 s): the
/// next launch on the same data directory would otherwise hand over to a
/// closing one (one instance per data directory) and its session would fail.
fn gone(binary: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !running(binary).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    for pid in running(binary) {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
}

/// Waits for these processes to exit (killing them after 10 s).
fn exited(pids: &[u32]) {
    let alive = |p: &u32| std::path::Path::new(&format!("/proc/{p}")).exists();
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids.iter().any(alive) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    for pid in pids.iter().filter(|p| alive(p)) {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
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
        ("RUST_LOG", "warn,startup=info".to_string()),
    ];
    let rows =
        "return document.querySelectorAll(\"[data-testid='row'][data-list='archive']\").length > 0";
    let all_cached = format!(
        "const h = document.querySelector(\"[data-testid='list-archive']\"); return !!h && h.textContent.includes('{}')",
        CONVERSATIONS
    );
    // First launch: sign in and download the archive into the cache (not measured).
    let first = measure(&app, &env, rows, Some(&all_cached)).await;
    println!(
        "first launch (sign-in, first page of the archive drawn): {:.2} s",
        first.launch_s
    );
    // Without a GPU the app turns WebKit's accelerated compositing off (see
    // src-tauri/src/webview.rs); a bare window keeps WebKit's default. The bare
    // window is then measured both ways: as Tauri leaves it, and drawing the way
    // the app does here.
    let software = !has_render_node();
    let no_compositing = vec![("WEBKIT_DISABLE_COMPOSITING_MODE", "1".to_string())];
    let mut variants: Vec<(&str, Vec<Run>)> = vec![("app", vec![]), ("bare window", vec![])];
    if software {
        variants.push(("bare, no compositing", vec![]));
    }
    let runs = runs();
    for _ in 0..runs {
        variants[0]
            .1
            .push(measure(&app, &env, rows, Some(&all_cached)).await);
        let bare_ready = "return !!document.getElementById('ready')";
        variants[1]
            .1
            .push(measure(&bare, &[], bare_ready, None).await);
        if software {
            variants[2]
                .1
                .push(measure(&bare, &no_compositing, bare_ready, None).await);
        }
    }
    let med = |runs: &[Run], f: &dyn Fn(&Run) -> f64| median(runs.iter().map(f).collect());
    println!(
        "{CONVERSATIONS} archived conversations ({MESSAGES} messages each) cached; median of {runs} runs{}",
        if software {
            "; no GPU here: the app draws without accelerated compositing"
        } else {
            ""
        }
    );
    let header: String = variants.iter().map(|(n, _)| format!("{n:>22}")).collect();
    println!("{:<46}{header}   ratios to each bare", "");
    let row = |label: &str, unit: &str, ratios_wanted: bool, f: &dyn Fn(&Run) -> f64| {
        let values: Vec<f64> = variants.iter().map(|(_, r)| med(r, f)).collect();
        let cells: String = values
            .iter()
            .map(|v| format!("{:>22}", format!("{v:.2}{unit}")))
            .collect();
        let ratios: Vec<String> = values[1..]
            .iter()
            .map(|b| format!("{:.2}", values[0] / b))
            .collect();
        let ratios = if ratios_wanted {
            ratios.join(" / ")
        } else {
            String::new()
        };
        println!("{label:<46}{cells}   {ratios}");
    };
    row("launch to inbox drawn (from the cache)", " s", true, &|r| {
        r.launch_s
    });
    row("idle PSS, app + WebKit processes (MiB)", "", true, &|r| {
        r.pss
    });
    // The 5 s after the inbox is drawn: the launch's tail work shows here.
    row(
        "CPU in the 5 s idle, all processes (cores)",
        "",
        false,
        &|r| r.idle_cpu.iter().map(|p| p.1).sum(),
    );
    println!("each launch (s), in the order run:");
    for (name, runs) in &variants {
        let each: Vec<String> = runs.iter().map(|r| format!("{:.2}", r.launch_s)).collect();
        println!("  {name:<22}{}", each.join("  "));
    }
    println!();
    println!("launch stages, ms after the WebDriver session was asked for (medians)");
    for (name, runs) in &variants {
        println!("  {name}:");
        for (stage, _) in &runs[0].stages {
            let at = median(
                runs.iter()
                    .filter_map(|r| r.stages.iter().find(|s| &s.0 == stage).map(|s| s.1))
                    .collect(),
            );
            println!("    {stage:<44}{at:>8.0}");
        }
    }
    println!();
    println!(
        "idle PSS by process, MiB: anonymous + file-backed; idle CPU, % of one core (medians)"
    );
    for (name, runs) in &variants {
        println!("  {name} ({} page elements):", runs[0].elements);
        let mut names: Vec<&String> = runs[0].procs.iter().map(|p| &p.0).collect();
        names.sort();
        names.dedup();
        for process in names {
            // Summed over the run's processes of that name.
            let of = |r: &Run, f: fn(&(String, f64, f64)) -> f64| -> f64 {
                r.procs.iter().filter(|p| &p.0 == process).map(f).sum()
            };
            let anon = median(runs.iter().map(|r| of(r, |p| p.1)).collect());
            let file = median(runs.iter().map(|r| of(r, |p| p.2)).collect());
            let cpu = median(
                runs.iter()
                    .map(|r| {
                        r.idle_cpu
                            .iter()
                            .filter(|p| &p.0 == process)
                            .map(|p| p.1)
                            .sum()
                    })
                    .collect(),
            );
            println!(
                "    {process:<28}{anon:>8.1} +{file:>7.1}{:>10.1} %",
                cpu * 100.0
            );
        }
    }
}

/// Whether Mesa has a GPU here (the app's rule, src-tauri/src/webview.rs).
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    }) || Path::new("/dev/nvidia0").exists()
}

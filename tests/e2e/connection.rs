//! The offline banner follows the engine's real link, in the real app on a busy
//! machine: twenty sign-ins in a row (twenty agents) with every core kept busy never show it
//! while events arrive; a hung server shows it within a few heartbeats and a
//! killed one at once; each time it goes when the server is back.

use crate::support::*;
use fantoccini::Client;
use serde_json::Value;
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use switchboard_protocol::Role;

/// Busy loops on every core, stopped on drop.
struct CpuHog(Vec<Child>);

impl CpuHog {
    fn start() -> CpuHog {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        CpuHog(
            (0..cores)
                .map(|_| {
                    Command::new("sh")
                        .args(["-c", "while :; do :; done"])
                        .spawn()
                        .expect("sh")
                })
                .collect(),
        )
    }
}

impl Drop for CpuHog {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Records, from now on, whether the banner is ever drawn.
async fn watch_banner(c: &Client) {
    js(
        c,
        "window.bannerSeen = !!document.querySelector(\"[data-testid='offline-banner']\"); \
         if (!window.bannerWatch) { \
           window.bannerWatch = new MutationObserver(() => { \
             if (document.querySelector(\"[data-testid='offline-banner']\")) window.bannerSeen = true; }); \
           window.bannerWatch.observe(document.body, {childList: true, subtree: true}); } \
         return true",
    )
    .await;
}

async fn banner_seen(c: &Client) -> bool {
    js(c, "return window.bannerSeen === true").await == Value::Bool(true)
}

/// Waits until the banner is shown (`shown`) or gone; returns how long it took.
async fn until_banner(c: &Client, shown: bool, within: Duration) -> Duration {
    let start = Instant::now();
    let script = if shown {
        "return !!document.querySelector(\"[data-testid='offline-banner']\")"
    } else {
        "return !document.querySelector(\"[data-testid='offline-banner']\")"
    };
    while js(c, script).await != Value::Bool(true) {
        assert!(
            start.elapsed() < within,
            "the banner was not {} within {within:?}",
            if shown { "shown" } else { "gone" }
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

/// Waits until the queue's heading counts `n` conversations (the queue is
/// served oldest first: the newest row may be below the fold).
async fn until_queue_counts(c: &Client, what: &str, n: usize) {
    until(
        c,
        what,
        &format!(
            "const e = document.querySelector(\"[data-testid='list-queue'] h2 .count\"); return !!e && e.firstChild.textContent === '{n}'"
        ),
    )
    .await;
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} {pid}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn the_offline_banner_follows_the_real_link() {
    let _serial = ONE_AT_A_TIME.lock().await;
    // Twenty agents: the server allows an address five sign-ins in a row.
    let names: Vec<String> = (0..21).map(|i| format!("Agent {i}")).collect();
    let agents: Vec<(&str, Role)> = names.iter().map(|n| (n.as_str(), Role::Agent)).collect();
    let mut w = World::with_agents(&agents).await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    until_sign_in_form(&c).await;

    {
        let _hog = CpuHog::start();
        for round in 0..20 {
            watch_banner(&c).await;
            sign_in_agent(&c, &w, round).await;
            // Events arrive: a customer's message reaches the queue (served
            // oldest first, so the newest row may be below the fold: counted).
            w.customer(&format!("Round {round}"), "Hello from a busy machine")
                .await;
            until_queue_counts(&c, &format!("round {round}'s customer"), round + 1).await;
            // The stale state seen before came about 0.4 s after sign-in.
            tokio::time::sleep(Duration::from_millis(1200)).await;
            assert!(
                !banner_seen(&c).await,
                "round {round}: the offline banner showed while connected"
            );
            click(&c, "open-settings").await;
            click(&c, "signout").await;
            until_sign_in_form(&c).await;
        }
    }

    sign_in_agent(&c, &w, 20).await;
    watch_banner(&c).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!banner_seen(&c).await);
    // Heartbeats are 300 ms here; the engine gives up on a silent link after three.
    let pid = w.server.pid().unwrap();
    signal(pid, "-STOP");
    let hung = until_banner(&c, true, Duration::from_secs(3)).await;
    signal(pid, "-CONT");
    let back = until_banner(&c, false, Duration::from_secs(10)).await;
    w.server.kill9();
    let killed = until_banner(&c, true, Duration::from_millis(900)).await;
    w.server.restart();
    let restarted = until_banner(&c, false, Duration::from_secs(10)).await;
    eprintln!(
        "banner: hung server {hung:?}, back {back:?}; killed {killed:?}, restarted {restarted:?}"
    );
    // Back online means events again: a new customer reaches the queue.
    w.customer("After the restart", "Still there?").await;
    until_queue_counts(&c, "a customer after the restart", 21).await;
    c.close().await.unwrap();
}

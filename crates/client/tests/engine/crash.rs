//! kill -9 of a process running the engine in the middle of a sync, ten times:
//! the cache stays sound and resumes from its cursor.

use crate::support::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchboard_client::cache::Cache;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_engine_mid_sync_ten_times_leaves_a_sound_cache_that_resumes() {
    let w = World::new(&[]).await;
    let (id, ctoken) = w.customer("Chatty", "first").await;
    let data = w.app_dir("crash");
    let email = w.agents[0].2.clone();

    // A customer keeps writing while the engine process is killed again and again.
    // It stops between posts when told, so that no post is still in flight when
    // the server's side is read for the comparison at the end (an aborted task's
    // request can still land after that read).
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (base, token) = (w.server.base.clone(), ctoken.clone());
        let stop = stop.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            for i in 0..100_000 {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let url = format!("{base}/api/v1/customer/conversations/{id}/messages");
                let r = http
                    .post(url)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"body": format!("line {i}")}))
                    .send()
                    .await;
                if r.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    let mut last_cursor = 0;
    let mut rounds: Vec<Vec<i64>> = Vec::new();
    for round in 0..10 {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard-sync"));
        cmd.arg("--data-dir").arg(&data).arg("--no-keychain");
        if round == 0 {
            cmd.args(["--server", &w.server.base, "--email", &email]);
        }
        let child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut child = Killed(child);
        child
            .0
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PASSWORD}\n").as_bytes())
            .unwrap();
        // Its output, read on a thread so that a silent process fails the test
        // instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.0.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        // Wait until it is streaming, then let it apply events for a moment.
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("the engine comes online");
            assert!(!line.starts_with("cache rebuilt"), "round {round}: {line}");
            if line.contains("Online") {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50 + 37 * round)).await;
        child.0.kill().unwrap();
        child.0.wait().unwrap();

        let me = switchboard_protocol::Me {
            id: w.agents[0].0,
            name: "Alice".into(),
            email: email.clone(),
            role: switchboard_protocol::Role::Agent,
        };
        let path = cache_file(&data);
        let (cache, rebuilt) = Cache::open(&path, &me, Some(&key_of(&path))).unwrap();
        assert!(
            rebuilt.is_none(),
            "round {round}: the cache was usable: {rebuilt:?}"
        );
        assert_eq!(cache.integrity_check().unwrap(), "ok", "round {round}");
        let cursor = cache.cursor().unwrap().expect("a cursor was saved");
        assert!(
            cursor >= last_cursor,
            "round {round}: the cursor never goes back ({cursor} < {last_cursor})"
        );
        rounds.push(
            cache
                .messages(id)
                .unwrap()
                .iter()
                .map(|m| m.id)
                .collect::<Vec<i64>>(),
        );
        last_cursor = cursor;
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();

    // A last run catches up completely: the cache equals the server.
    let _child = Killed(
        Command::new(env!("CARGO_BIN_EXE_switchboard-sync"))
            .arg("--data-dir")
            .arg(&data)
            .arg("--no-keychain")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let latest = w.latest_seq().await;
    let path = cache_file(&data);
    let me = switchboard_protocol::Me {
        id: w.agents[0].0,
        name: "Alice".into(),
        email,
        role: switchboard_protocol::Role::Agent,
    };
    let server = w
        .get(&format!("/api/v1/conversations/{id}"), w.token(0))
        .await;
    let server_ids: Vec<i64> = server["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    eventually("caught up, history included", || {
        let (cache, _) = Cache::open(&path, &me, Some(&key_of(&path))).ok()?;
        let cached: Vec<i64> = cache.messages(id).ok()?.iter().map(|m| m.id).collect();
        (cache.cursor().ok()?? >= latest && cached == server_ids).then_some(())
    })
    .await;
    // After every kill the cache held the server's messages from the first one on,
    // with no gap: what it applied was applied whole.
    for (round, ids) in rounds.iter().enumerate() {
        let from = server_ids
            .iter()
            .position(|i| Some(i) == ids.first())
            .unwrap_or(0);
        assert_eq!(
            ids.as_slice(),
            &server_ids[from..from + ids.len()],
            "round {round}"
        );
    }
}

/// A child process killed when the test ends, passed or failed: a leftover
/// engine would hold the test run's output pipe open and hang the run.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The cache database itself (not its -wal or -shm companions).
fn cache_file(data: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(data.join("caches"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .expect("a cache file")
}

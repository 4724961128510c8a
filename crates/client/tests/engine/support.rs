//! A real server, an HTTP helper for the other side (customers, other agents),
//! and an engine signed in against it.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use switchboard_client::{Accounts, Engine, EngineOptions, Session};
use switchboard_protocol::Role;
pub use switchboard_testkit::{server_bin, Server, PASSWORD};

pub struct World {
    pub server: Server,
    pub http: reqwest::Client,
    /// (id, name, email, token) of each seeded agent, signed in over HTTP.
    pub agents: Vec<(i64, String, String, String)>,
    pub tmp: tempfile::TempDir,
}

impl World {
    pub async fn new(extra: &[&str]) -> World {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("server");
        let seeded = switchboard_testkit::seed(
            &data,
            &[
                ("Alice", Role::Agent),
                ("Bob", Role::Agent),
                ("Sam", Role::Supervisor),
            ],
            &["Billing", "Shipping"],
        )
        .await;
        let server = Server::start(&server_bin(), &data, extra);
        let http = reqwest::Client::new();
        let mut agents = Vec::new();
        for (id, name, email) in seeded {
            let r: Value = http
                .post(format!("{}/api/v1/auth/login", server.base))
                .json(&json!({"email": email, "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            agents.push((id, name, email, r["token"].as_str().unwrap().to_string()));
        }
        World {
            server,
            http,
            agents,
            tmp,
        }
    }

    pub fn token(&self, i: usize) -> &str {
        &self.agents[i].3
    }

    /// The app's data directory for one agent.
    pub fn app_dir(&self, who: &str) -> PathBuf {
        self.tmp.path().join(format!("app-{who}"))
    }

    /// Signs agent `i` in through the engine's own sign-in (token in a private file).
    pub async fn sign_in(&self, i: usize) -> (Accounts, Session) {
        let accounts = Accounts::new(Some(self.app_dir(&self.agents[i].1)), false).unwrap();
        let (session, _) = accounts
            .sign_in(&self.server.base, &self.agents[i].2, PASSWORD)
            .await
            .unwrap();
        (accounts, session)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.server.base))
            .json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        match req.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.json().await.unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.server.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A customer with a first message; returns (conversation id, customer token).
    pub async fn customer(&self, name: &str, first: &str) -> (i64, String) {
        let (_, v) = self
            .post(
                "/api/v1/customer/conversations",
                None,
                json!({"name": name, "email": format!("{}@example.net", name.to_lowercase())}),
            )
            .await;
        let id = v["conversation_id"].as_i64().unwrap();
        let token = v["token"].as_str().unwrap().to_string();
        self.say(id, &token, first).await;
        (id, token)
    }

    /// A customer message; true once the server acknowledged it.
    pub async fn say(&self, id: i64, token: &str, body: &str) -> bool {
        let (status, _) = self
            .post(
                &format!("/api/v1/customer/conversations/{id}/messages"),
                Some(token),
                json!({"body": body}),
            )
            .await;
        status == 200
    }

    /// An agent action over HTTP (another agent's app).
    pub async fn act(&self, i: usize, id: i64, action: &str) -> (u16, Value) {
        self.post(
            &format!("/api/v1/conversations/{id}/{action}"),
            Some(self.token(i)),
            json!({"op_id": uuid::Uuid::new_v4()}),
        )
        .await
    }

    pub async fn latest_seq(&self) -> i64 {
        self.get("/api/v1/snapshot", self.token(2)).await["seq"]
            .as_i64()
            .unwrap()
    }

    /// Waits until the server keeps no events right after `cursor` (its
    /// pruner runs on its own time, slower under load): a stream from there
    /// is told to resync.
    pub async fn until_pruned_past(&self, cursor: i64) {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = format!(
                "{}/api/v1/stream?cursor={cursor}",
                self.server.base.replace("http://", "ws://")
            );
            let mut req = url.into_client_request().unwrap();
            req.headers_mut().insert(
                "authorization",
                format!("Bearer {}", self.token(2)).parse().unwrap(),
            );
            let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
            let first = loop {
                match ws.next().await {
                    Some(Ok(Message::Text(t))) => break t.to_string(),
                    Some(Ok(_)) => continue,
                    other => panic!("the stream ended without a frame: {other:?}"),
                }
            };
            if serde_json::from_str::<Value>(&first).unwrap()["type"] == "resync_required" {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the server still keeps the events after {cursor}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Fast reconnection for tests.
pub fn options() -> EngineOptions {
    EngineOptions {
        max_backoff: Duration::from_millis(500),
        archive_page: 7,
        archive_refresh: Duration::from_secs(1),
        // At once: the check then runs beside every test's writes.
        cache_check_after: Duration::ZERO,
        ..EngineOptions::default()
    }
}

pub fn start_engine(accounts: &Accounts, session: &Session) -> Engine {
    let path = accounts.cache_path(session);
    let (key, _) = accounts.cache_key_blocking(&path).unwrap();
    Engine::start(session, &path, Some(&key), options())
        .unwrap()
        .0
}

/// The key of an engine's cache, from its key file (the tests' accounts use no
/// keychain).
pub fn key_of(path: &std::path::Path) -> switchboard_client::CacheKey {
    let kept = std::fs::read_to_string(path.with_extension("key")).expect("the cache's key file");
    switchboard_client::CacheKey::parse(&kept).expect("a well-formed key")
}

/// A connection of the test's own to an engine's cache file, with its key
/// (kept in the key file: the tests' accounts use no keychain).
pub fn open_cache(path: &std::path::Path) -> rusqlite::Connection {
    let key = std::fs::read_to_string(path.with_extension("key")).expect("the cache's key file");
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.trim()))
        .unwrap();
    db
}

/// Polls until `f` gives a value (the engine works in the background).
pub async fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits until conversation `id` is in one of the engine's lists ("queue",
/// "mine", "archive") and returns its row.
pub async fn wait_in(
    engine: &Engine,
    list: &str,
    id: i64,
) -> switchboard_protocol::ConversationSummary {
    eventually(&format!("conversation {id} in {list}"), || {
        let l = engine.lists().unwrap();
        let rows = match list {
            "queue" => l.queue,
            "mine" => l.mine,
            _ => l.archive,
        };
        rows.into_iter().find(|c| c.id == id)
    })
    .await
}

/// Waits until the engine's link is in `state`.
pub async fn wait_state(engine: &Engine, state: switchboard_client::ConnectionState) {
    eventually(&format!("{state:?}"), || {
        (*engine.connection().borrow() == state).then_some(())
    })
    .await
}

/// Whether `bytes` hold `text` (ASCII case ignored).
pub fn holds(bytes: &[u8], text: &str) -> bool {
    bytes
        .windows(text.len())
        .any(|w| w.eq_ignore_ascii_case(text.as_bytes()))
}

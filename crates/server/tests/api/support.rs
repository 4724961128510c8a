//! Starting the real `switchboard-server` binary on an ephemeral port, and
//! talking to it over HTTP and WebSocket like any client.

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use switchboard_protocol::Role;
use switchboard_server::db::{sqlite_url_for, Db};
use switchboard_server::store::{Store, StoreConfig};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery";

/// A running server process.
pub struct Server {
    pub base: String,
    pub dir: PathBuf,
    child: Child,
}

impl Server {
    /// Starts `serve` on `dir` with extra flags and waits until it listens.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--heartbeat-ms", "300"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn switchboard-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("server exited before listening")
                .expect("read server stdout");
            if let Some(addr) = line.strip_prefix("switchboard-server listening on ") {
                break addr.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            base,
            dir: dir.to_path_buf(),
            child,
        }
    }

    /// SIGKILL on Unix: no graceful anything.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A signed-in agent.
#[derive(Clone, Debug)]
pub struct Agent {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub token: String,
}

/// A customer's conversation and token.
#[derive(Clone, Debug)]
pub struct Customer {
    pub conversation: i64,
    pub token: String,
}

/// A data directory seeded through the library (the same calls the CLI makes).
pub async fn seed(
    dir: &Path,
    agents: &[(&str, Role)],
    subjects: &[&str],
) -> Vec<(i64, String, String)> {
    let db = Db::open(&sqlite_url_for(dir).unwrap()).await.unwrap();
    let store = Store::new(db, StoreConfig::default());
    let mut out = Vec::new();
    for (name, role) in agents {
        let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
        let id = store
            .add_agent(&email, name, *role, PASSWORD)
            .await
            .unwrap();
        out.push((id, name.to_string(), email));
    }
    let subjects: Vec<String> = subjects.iter().map(|s| s.to_string()).collect();
    store.set_subjects(&subjects).await.unwrap();
    store.db.writer.close().await;
    store.db.reader.close().await;
    out
}

/// A server with agents signed in.
pub struct World {
    pub server: Server,
    pub api: Api,
    pub agents: Vec<Agent>,
    _tmp: tempfile::TempDir,
}

impl World {
    /// Seeds agents (by name and role) and subjects, starts the server, signs everyone in.
    pub async fn new(agents: &[(&str, Role)], subjects: &[&str], extra: &[&str]) -> World {
        let tmp = tempfile::tempdir().unwrap();
        let seeded = seed(tmp.path(), agents, subjects).await;
        let server = Server::start(tmp.path(), extra);
        let api = Api::new(&server.base);
        let mut signed = Vec::new();
        for (id, name, email) in seeded {
            let token = api.login(&email, PASSWORD).await;
            signed.push(Agent {
                id,
                name,
                email,
                token,
            });
        }
        World {
            server,
            api,
            agents: signed,
            _tmp: tmp,
        }
    }

    /// The usual cast: two agents and a supervisor.
    pub async fn standard() -> World {
        World::new(
            &[
                ("Alice", Role::Agent),
                ("Bob", Role::Agent),
                ("Sam", Role::Supervisor),
            ],
            &["Billing", "Shipping"],
            &[],
        )
        .await
    }

    pub fn agent(&self, i: usize) -> &Agent {
        &self.agents[i]
    }
}

/// An HTTP client for one server.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

/// A status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// The error code of a `{code, message}` body.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// Asserts 200 and returns the body.
    pub fn ok(self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "expected 200, got {self:?}");
        self.body
    }

    /// Asserts an error status and code.
    pub fn err(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{self:?}");
        assert_eq!(self.code(), code, "{self:?}");
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{self:?}"
        );
    }
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_string(),
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .build()
                .unwrap(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("request reaches the server");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("non-JSON body with {status}: {text}"))
        };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        self.send(r).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        let mut r = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        self.send(r).await
    }

    /// A POST with a raw body and content type.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut r = self.http.post(format!("{}{path}", self.base)).body(body);
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        self.send(r).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        r.ok()["token"].as_str().unwrap().to_string()
    }

    pub async fn snapshot(&self, a: &Agent) -> Value {
        self.get("/api/v1/snapshot", Some(&a.token)).await.ok()
    }

    pub async fn detail(&self, a: &Agent, id: i64) -> Reply {
        self.get(&format!("/api/v1/conversations/{id}"), Some(&a.token))
            .await
    }

    /// An agent action with a fresh op id.
    pub async fn act(&self, a: &Agent, id: i64, action: &str) -> Reply {
        self.act_op(a, id, action, Uuid::new_v4()).await
    }

    pub async fn act_op(&self, a: &Agent, id: i64, action: &str, op: Uuid) -> Reply {
        self.post(
            &format!("/api/v1/conversations/{id}/{action}"),
            Some(&a.token),
            &json!({"op_id": op}),
        )
        .await
    }

    pub async fn reply(&self, a: &Agent, id: i64, body: &str) -> Reply {
        self.post(
            &format!("/api/v1/conversations/{id}/messages"),
            Some(&a.token),
            &json!({"op_id": Uuid::new_v4(), "body": body}),
        )
        .await
    }

    pub async fn end(&self, a: &Agent, id: i64, subject: Value, mood: &str) -> Reply {
        self.post(
            &format!("/api/v1/conversations/{id}/end"),
            Some(&a.token),
            &json!({"op_id": Uuid::new_v4(), "subject": subject, "mood": mood}),
        )
        .await
    }

    pub async fn start_customer(&self, name: &str, email: &str) -> Customer {
        let v = self
            .post(
                "/api/v1/customer/conversations",
                None,
                &json!({"name": name, "email": email}),
            )
            .await
            .ok();
        Customer {
            conversation: v["conversation_id"].as_i64().unwrap(),
            token: v["token"].as_str().unwrap().to_string(),
        }
    }

    pub async fn customer_says(&self, c: &Customer, body: &str) -> Reply {
        self.post(
            &format!("/api/v1/customer/conversations/{}/messages", c.conversation),
            Some(&c.token),
            &json!({"body": body}),
        )
        .await
    }

    /// A customer with one message waiting in the queue.
    pub async fn waiting_customer(&self, name: &str, body: &str) -> Customer {
        let c = self
            .start_customer(name, &format!("{}@example.net", name.to_lowercase()))
            .await;
        self.customer_says(&c, body).await.ok();
        c
    }
}

/// Ids of a snapshot list ("mine", "queue", "archive", "others").
pub fn ids(snapshot: &Value, list: &str) -> Vec<i64> {
    snapshot[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

/// Finds a conversation in a snapshot list.
pub fn find<'a>(snapshot: &'a Value, list: &str, id: i64) -> Option<&'a Value> {
    snapshot[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
}

/// An open event stream.
pub struct Stream {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Stream {
    pub async fn open(base: &str, token: &str, cursor: i64) -> Stream {
        let url = format!(
            "{}/api/v1/stream?cursor={cursor}",
            base.replace("http://", "ws://")
        );
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("stream opens");
        Stream { ws }
    }

    /// The next JSON frame, or None if none comes within `wait`.
    pub async fn frame(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()??;
            match msg.ok()? {
                Message::Text(t) => return Some(serde_json::from_str(&t).unwrap()),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// Collects events until the stream's cursor reaches `target` (or `wait` passes).
    pub async fn events_until(&mut self, target: i64, wait: Duration) -> (Vec<Value>, i64) {
        let deadline = tokio::time::Instant::now() + wait;
        let mut events = Vec::new();
        let mut cursor = i64::MIN;
        while cursor < target {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some(f) = self.frame(left).await else {
                break;
            };
            match f["type"].as_str().unwrap() {
                "events" => {
                    events.extend(f["events"].as_array().unwrap().iter().cloned());
                    cursor = f["cursor"].as_i64().unwrap();
                }
                "heartbeat" => cursor = f["cursor"].as_i64().unwrap(),
                other => panic!("unexpected frame {other}: {f}"),
            }
        }
        (events, cursor)
    }
}

/// The newest event sequence, as a supervisor's snapshot reports it.
pub async fn latest_seq(api: &Api, supervisor: &Agent) -> i64 {
    api.snapshot(supervisor).await["seq"].as_i64().unwrap()
}

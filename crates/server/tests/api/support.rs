//! Starting the real `switchboard-server` binary on an ephemeral port, and
//! talking to it over HTTP and WebSocket like any client.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;
use switchboard_protocol::Role;
use uuid::Uuid;

pub use crate::agent_stream::Stream;
pub use switchboard_testkit::{on_postgres, seed, Server, PASSWORD};

/// Starts the binary Cargo built for these tests.
pub fn start_server(dir: &Path, extra: &[&str]) -> Server {
    Server::start(
        Path::new(env!("CARGO_BIN_EXE_switchboard-server")),
        dir,
        extra,
    )
}

/// A second server process on the same database.
pub struct Node {
    pub server: Server,
    pub api: Api,
    _dir: tempfile::TempDir,
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
        World::from_seeded(tmp, seeded, extra).await
    }

    /// Starts the server on an already seeded directory and signs everyone in.
    pub async fn from_seeded(
        tmp: tempfile::TempDir,
        seeded: Vec<(i64, String, String)>,
        extra: &[&str],
    ) -> World {
        let server = start_server(tmp.path(), extra);
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

    /// Starts another node of this deployment: a second server process on the
    /// same PostgreSQL database, with its own directory.
    pub fn another_node(&self, extra: &[&str]) -> Node {
        let dir = tempfile::tempdir().unwrap();
        switchboard_testkit::share_database(&self.server.dir, dir.path());
        let server = start_server(dir.path(), extra);
        let api = Api::new(&server.base);
        Node {
            server,
            api,
            _dir: dir,
        }
    }

    pub fn agent(&self, i: usize) -> &Agent {
        &self.agents[i]
    }

    /// A connection to the server's database, as another writer would have.
    pub async fn database(&self) -> sqlx::AnyConnection {
        sqlx::any::install_default_drivers();
        let url = switchboard_testkit::database_url(&self.server.dir).await;
        <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
            .await
            .unwrap()
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

    /// Asserts 201 Created and returns the body.
    pub fn created(self) -> Value {
        assert_eq!(self.status.as_u16(), 201, "expected 201, got {self:?}");
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

    /// A POST with any headers, answered with status, content type and text.
    pub async fn post_headers(
        &self,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (StatusCode, String, String) {
        let mut r = self.http.post(format!("{}{path}", self.base)).body(body);
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        let resp = r.send().await.expect("request reaches the server");
        let status = resp.status();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (status, ct, resp.text().await.unwrap())
    }

    /// A GET answered with status, content type, content disposition and bytes.
    pub async fn get_bytes(&self, path: &str, token: &str) -> (u16, String, String, Vec<u8>) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("request reaches the server");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let (ct, cd) = (header("content-type"), header("content-disposition"));
        let status = resp.status().as_u16();
        (status, ct, cd, resp.bytes().await.unwrap().to_vec())
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

    /// POST asking for the answer in `languages` (an Accept-Language value).
    pub async fn post_in(
        &self,
        languages: &str,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Reply {
        let mut r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("accept-language", languages)
            .json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        self.send(r).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        let mut r = self.http.put(format!("{}{path}", self.base)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        self.send(r).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        let mut r = self.http.delete(format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        self.send(r).await
    }

    /// Hands `id` to agent `to` (with a note, and a supervisor's override).
    pub async fn transfer(
        &self,
        a: &Agent,
        id: i64,
        to: i64,
        note: Option<&str>,
        override_capacity: bool,
    ) -> Reply {
        self.post(
            &format!("/api/v1/conversations/{id}/transfer"),
            Some(&a.token),
            &json!({"op_id": Uuid::new_v4(), "to": to, "note": note,
                    "override_capacity": override_capacity}),
        )
        .await
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

    /// The conversation as the customer's page reads it.
    pub async fn customer_reads(&self, c: &Customer) -> Value {
        self.get(
            &format!("/api/v1/customer/conversations/{}", c.conversation),
            Some(&c.token),
        )
        .await
        .ok()
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

/// The newest event sequence, as a supervisor's snapshot reports it.
pub async fn latest_seq(api: &Api, supervisor: &Agent) -> i64 {
    api.snapshot(supervisor).await["seq"].as_i64().unwrap()
}

/// Runs concurrent takes of `conversation` (agent i through `apis[i % apis.len()]`)
/// and checks the race: exactly one winner, every loser told who won, and one
/// "Taken by" line, as read through `check_on`. Returns the winner's id.
pub async fn take_race(
    agents: &[Agent],
    apis: &[Api],
    conversation: i64,
    check_on: &Api,
    round: usize,
) -> i64 {
    let handles: Vec<_> = agents
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (api, a) = (apis[i % apis.len()].clone(), a.clone());
            // Spawned, so the requests really run in parallel on the runtime's threads.
            tokio::spawn(async move { (a.id, api.act(&a, conversation, "take").await) })
        })
        .collect();
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.unwrap());
    }
    let winners: Vec<i64> = results
        .iter()
        .filter(|(_, r)| r.status == 200)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(winners.len(), 1, "round {round}: winners {winners:?}");
    let winner = winners[0];
    for (id, r) in &results {
        if *id != winner {
            r.err(409, "conversation_taken");
            assert_eq!(
                r.body["holder"]["id"], winner,
                "round {round}: losers are told who won"
            );
        }
    }
    let holder = agents.iter().find(|a| a.id == winner).unwrap();
    let detail = check_on.detail(holder, conversation).await.ok();
    assert_eq!(detail["conversation"]["occupant"]["id"], winner);
    let taken = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "system")
        .count();
    assert_eq!(taken, 1, "round {round}: one 'Taken by' line");
    winner
}

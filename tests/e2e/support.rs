//! The pieces of an end-to-end test: a seeded server, the app under tauri-driver
//! with its own data directory, and agents and customers talking HTTP.

pub use crate::both_sides::*;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_protocol::Role;
pub use switchboard_testkit::{seed, server_bin, Server, PASSWORD};

/// tauri-driver in front of WebKitWebDriver, stopped with SIGTERM (a SIGKILL
/// would leave WebKitWebDriver running on its port).
pub struct Driver {
    child: Child,
    pub port: u16,
    app_data: PathBuf,
    /// Set when the test is over: the watchdog stands down.
    over: Arc<AtomicBool>,
}

/// How long one test may drive the app. A WebDriver call has no deadline of
/// its own, and a driver that stops answering would hang the whole suite; past
/// this, the watchdog stops the drivers and the app, so every later call fails
/// and the test with it.
const TEST_DEADLINE: Duration = Duration::from_secs(8 * 60);

/// Stops tauri-driver (and so WebKitWebDriver) and the app on `app_data` once
/// `TEST_DEADLINE` has passed, unless the test is over first.
fn watchdog(driver: u32, app_data: PathBuf, over: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let deadline = Instant::now() + TEST_DEADLINE;
        while Instant::now() < deadline {
            if over.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        if over.load(Ordering::Relaxed) {
            return;
        }
        eprintln!(
            "the test drove the app for over {} s: stopping its drivers and app",
            TEST_DEADLINE.as_secs()
        );
        let _ = Command::new("kill")
            .args(["-TERM", &driver.to_string()])
            .status();
        for pid in apps_on(&app_data) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    });
}

/// The app processes running on `app_data` (found by their environment).
fn apps_on(app_data: &Path) -> Vec<u32> {
    let wanted = format!("SWITCHBOARD_DATA_DIR={}", app_data.display());
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_switchboard")).unwrap_or_default();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == exe))
        .filter(|pid| {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes())
        })
        .collect()
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.over.store(true, Ordering::Relaxed);
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                self.app_gone();
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.app_gone();
    }
}

impl Driver {
    /// Starts tauri-driver; the app it launches gets `app_data` as its data directory.
    pub fn start(app_data: &Path) -> Driver {
        Driver::start_with(app_data, &[])
    }

    /// The same, with more environment for the app (e.g. its own HOME, or
    /// `LANGUAGE` for the OS's language: English unless said).
    pub fn start_with(app_data: &Path, env: &[(&str, &std::ffi::OsStr)]) -> Driver {
        let port = switchboard_testkit::free_port();
        let native = switchboard_testkit::free_port();
        let child = Command::new("tauri-driver")
            // The OS's language as the app reads it (whatever this machine's is).
            .env("LANGUAGE", "en")
            .envs(screenshots_drawable())
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
                "--native-driver",
                "/usr/bin/WebKitWebDriver",
            ])
            .env("SWITCHBOARD_DATA_DIR", app_data)
            // The window's remembered geometry lives in the config directory.
            .env("XDG_CONFIG_HOME", app_data.join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver (scripts/test installs it)");
        let deadline = Instant::now() + Duration::from_secs(20);
        // Both listening: tauri-driver answers before its WebKitWebDriver does, and
        // a session asked for meanwhile fails (connection refused behind it).
        for p in [port, native] {
            while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(Instant::now() < deadline, "tauri-driver did not start");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let over = Arc::new(AtomicBool::new(false));
        watchdog(child.id(), app_data.to_path_buf(), over.clone());
        Driver {
            child,
            port,
            app_data: app_data.to_path_buf(),
            over,
        }
    }

    /// Waits for the app this driver started to exit (killing it after 5 s): the
    /// next launch on the same data directory would otherwise find it running
    /// and hand over to it (one instance per data directory) instead of starting.
    fn app_gone(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !apps_on(&self.app_data).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        for pid in apps_on(&self.app_data) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }

    /// A WebDriver session: the app starts.
    ///
    /// Starting a session goes through two drivers (tauri-driver starts
    /// WebKitWebDriver, which starts the app); on a busy machine that chain has
    /// dropped the connection before answering (`IncompleteMessage`), with no
    /// app started. Such a failure of the drivers, not of the app, is retried
    /// twice; an answer that refuses the session is not.
    pub async fn session(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({"application": env!("CARGO_BIN_EXE_switchboard")}),
        );
        let mut attempt = 1;
        loop {
            let started = ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await;
            match started {
                Ok(client) => return client,
                Err(e) if attempt < 3 && dropped(&e) => {
                    eprintln!("the WebDriver session did not start ({e}); trying again");
                    self.app_gone();
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    attempt += 1;
                }
                Err(e) => panic!("a session with the app: {e}"),
            }
        }
    }
}

/// The drivers closed the connection or never answered (not a refusal).
fn dropped(e: &fantoccini::error::NewSessionError) -> bool {
    use fantoccini::error::NewSessionError::{Failed, FailedC, Lost};
    matches!(e, Failed(_) | FailedC(_) | Lost(_))
}

/// An agent signed in over HTTP (the other side of races, the API checks).
#[derive(Clone, Debug)]
pub struct Agent {
    pub email: String,
    pub token: String,
}

/// A server with Alice, Bob and Sam, and an HTTP client for them and customers.
pub struct World {
    pub server: Server,
    pub http: reqwest::Client,
    pub agents: Vec<Agent>,
    pub app_data: tempfile::TempDir,
    _server_data: tempfile::TempDir,
}

impl World {
    pub async fn new() -> World {
        World::with_agents(&[
            ("Alice", Role::Agent),
            ("Bob", Role::Agent),
            ("Sam", Role::Supervisor),
        ])
        .await
    }

    /// A server with these agents (signed in over HTTP, in this order).
    pub async fn with_agents(agents: &[(&str, Role)]) -> World {
        World::seeded(agents, 0, 0).await
    }

    /// Alice, Bob and Sam, with `conversations` archived conversations of
    /// `messages` lines each closed by Alice (written before the server starts).
    pub async fn with_archive(conversations: i64, messages: i64) -> World {
        World::seeded(
            &[
                ("Alice", Role::Agent),
                ("Bob", Role::Agent),
                ("Sam", Role::Supervisor),
            ],
            conversations,
            messages,
        )
        .await
    }

    async fn seeded(agents: &[(&str, Role)], archived: i64, messages: i64) -> World {
        let data = tempfile::tempdir().unwrap();
        let seeded = seed(data.path(), agents, &["Billing", "Shipping", "Returns"]).await;
        if archived > 0 {
            switchboard_testkit::bulk_archive(data.path(), seeded[0].0, archived, messages).await;
        }
        let server = Server::start(&server_bin(), data.path(), &[]);
        let http = reqwest::Client::new();
        let mut agents = Vec::new();
        for (_, _, email) in seeded {
            let v: Value = http
                .post(format!("{}/api/v1/auth/login", server.base))
                .json(&json!({"email": email, "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            agents.push(Agent {
                email,
                token: v["token"].as_str().unwrap().to_string(),
            });
        }
        World {
            server,
            http,
            agents,
            app_data: tempfile::tempdir().unwrap(),
            _server_data: data,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.app_data.path().to_path_buf()
    }

    /// A customer starts a chat and writes; returns (conversation id, token).
    pub async fn customer(&self, name: &str, body: &str) -> (i64, String) {
        let email = format!("{}@example.net", name.to_lowercase().replace(' ', "."));
        let v: Value = self
            .http
            .post(format!(
                "{}/api/v1/customer/conversations",
                self.server.base
            ))
            .json(&json!({"name": name, "email": email}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = v["conversation_id"].as_i64().unwrap();
        let token = v["token"].as_str().unwrap().to_string();
        self.say(id, &token, body).await;
        (id, token)
    }

    pub async fn say(&self, id: i64, token: &str, body: &str) {
        let r = self
            .http
            .post(format!(
                "{}/api/v1/customer/conversations/{id}/messages",
                self.server.base
            ))
            .bearer_auth(token)
            .json(&json!({"body": body}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{:?}", r.text().await);
    }

    /// An agent's action over HTTP (`take`, `free`, …); returns the status.
    pub async fn act(&self, agent: usize, id: i64, action: &str) -> u16 {
        self.http
            .post(format!(
                "{}/api/v1/conversations/{id}/{action}",
                self.server.base
            ))
            .bearer_auth(&self.agents[agent].token)
            .json(&json!({"op_id": uuid::Uuid::new_v4()}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// An agent takes a conversation and ends it with the questionnaire (over HTTP).
    pub async fn take_and_end(&self, agent: usize, id: i64) {
        assert_eq!(self.act(agent, id, "take").await, 200);
        let r = self
            .http
            .post(format!("{}/api/v1/conversations/{id}/end", self.server.base))
            .bearer_auth(&self.agents[agent].token)
            .json(&json!({"op_id": uuid::Uuid::new_v4(), "subject": {"known": "Shipping"}, "mood": "happy"}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{:?}", r.text().await);
    }

    /// A conversation as the server has it, seen by Sam (who sees everything).
    pub async fn detail(&self, id: i64) -> Value {
        self.get(2, &format!("/api/v1/conversations/{id}")).await
    }

    /// `path` of the API as agent `agent`, as JSON.
    pub async fn get(&self, agent: usize, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.server.base))
            .bearer_auth(&self.agents[agent].token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Runs a script in the page and returns its value.
pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Waits until `script` returns true (20 s at most).
pub async fn until(c: &Client, what: &str, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if js(c, script).await == Value::Bool(true) {
            return;
        }
        if Instant::now() > deadline {
            if let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENSHOTS") {
                let shot = tokio::time::timeout(Duration::from_secs(30), c.screenshot()).await;
                if let Ok(Ok(png)) = shot {
                    let _ = std::fs::write(Path::new(&dir).join("failure.png"), png);
                }
            }
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The element with a `data-testid`.
pub fn tid(id: &str) -> Locator<'static> {
    Locator::Css(Box::leak(format!("[data-testid='{id}']").into_boxed_str()))
}

/// Clicks the element with a `data-testid`, once it is there.
pub async fn click(c: &Client, id: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(tid(id))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid={id}]: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {id}: {e}"));
}

/// Clicks the element with a `data-testid` until `appears` is there: a click
/// that lands while a screen is still being drawn (a loaded machine) is lost.
pub async fn click_until(c: &Client, id: &str, appears: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        click(c, id).await;
        if c.wait()
            .at_most(Duration::from_secs(2))
            .for_element(tid(appears))
            .await
            .is_ok()
        {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "clicking {id} never showed [data-testid={appears}]"
        );
    }
}

/// Types into the element with a `data-testid`.
pub async fn type_into(c: &Client, id: &str, text: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(tid(id))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid={id}]: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

/// The app's environment for screenshots: WebKitGTK 2.50's WebDriver never
/// answers a screenshot of a webview drawn without accelerated compositing
/// (which the app turns off without a GPU), so a run that takes screenshots
/// keeps it on (Mesa's software rasterizer draws it; slower, same pixels).
fn screenshots_drawable() -> Vec<(&'static str, &'static str)> {
    if std::env::var_os("SWITCHBOARD_SCREENSHOTS").is_some() {
        vec![("WEBKIT_DISABLE_COMPOSITING_MODE", "0")]
    } else {
        Vec::new()
    }
}

/// Saves a screenshot of the window when `SWITCHBOARD_SCREENSHOTS` names a folder.
pub async fn screenshot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENSHOTS") {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = tokio::time::timeout(Duration::from_secs(30), c.screenshot())
            .await
            .unwrap_or_else(|_| panic!("WebKitWebDriver gave no screenshot for {name} in 30 s"))
            .unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(name), png).unwrap();
    }
}

/// A script expression for the row of conversation `id` in `list`.
pub fn row(list: &str, id: i64) -> String {
    format!("document.querySelector(\"[data-testid='row'][data-list='{list}'][data-id='{id}']\")")
}

/// Opens conversation `id` from its row in `list`.
pub async fn open_row(c: &Client, list: &str, id: i64) {
    until_row(c, &format!("row {id} in {list}"), list, id).await;
    js(c, &format!("{}.click(); return true", row(list, id))).await;
    until(
        c,
        &format!("conversation {id} open"),
        &format!(
            "return !!document.querySelector(\"[data-testid='conversation'][data-id='{id}']\")"
        ),
    )
    .await;
}

/// Waits until conversation `id` has a row in `list`.
pub async fn until_row(c: &Client, what: &str, list: &str, id: i64) {
    until(c, what, &format!("return !!{}", row(list, id))).await;
}

/// Waits until the open conversation's composer replies to the customer: the
/// take went through (before that, an occupant's composer writes notes).
pub async fn until_reply_composer(c: &Client) {
    until(
        c,
        "the reply composer",
        "return document.querySelector(\"[data-testid='composer']\")?.closest('form').dataset.kind === 'reply'",
    )
    .await;
}

/// Types `keys` into whatever has the focus.
pub async fn press(c: &Client, keys: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

/// Fills in the sign-in form and submits it.
pub async fn sign_in(c: &Client, server: &str, email: &str, password: &str) {
    let field = c.wait().for_element(tid("signin-server")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(server).await.unwrap();
    let e = c.find(tid("signin-email")).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(email).await.unwrap();
    let p = c.find(tid("signin-password")).await.unwrap();
    p.clear().await.unwrap();
    p.send_keys(password).await.unwrap();
    click(c, "signin-submit").await;
}

/// Alice signs in and the lists are drawn.
pub async fn sign_in_alice(c: &Client, w: &World) {
    sign_in_agent(c, w, 0).await;
}

/// Agent `i` of the world signs in and the lists are drawn.
pub async fn sign_in_agent(c: &Client, w: &World, i: usize) {
    sign_in(c, &w.server.base, &w.agents[i].email, PASSWORD).await;
    until(
        c,
        &format!("{}'s lists", w.agents[i].email),
        "return !!document.querySelector(\"[data-testid='list-queue']\")",
    )
    .await;
}

/// Waits until the sign-in form is on screen (a fresh app has started).
pub async fn until_sign_in_form(c: &Client) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(tid("signin-server"))
        .await
        .unwrap();
}

/// The e2e tests share one display, one notification daemon and one session bus:
/// they run one at a time.
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub use crate::desktop_session::*;

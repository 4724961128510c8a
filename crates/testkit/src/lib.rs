//! Test support shared by the crates' integration tests: start the real
//! `switchboard-server` binary on an ephemeral port, kill it like a crash would,
//! and seed a data directory through the server's own store.
//!
//! **Backends.** With `SWITCHBOARD_TEST_POSTGRES` set to a PostgreSQL admin URL
//! (`scripts/postgres` starts a throwaway cluster and sets it), every test
//! directory gets its own fresh PostgreSQL database instead of the embedded
//! SQLite file: [`database_url`] creates it and records its URL in the
//! directory, and [`Server`] passes it to the binary. The same tests then run
//! unchanged on either backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod axe;
pub mod chromium;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use switchboard_protocol::Role;
use switchboard_server::db::{sqlite_url_for, Db};
use switchboard_server::store::{Store, StoreConfig};

/// A TCP port free on loopback right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The password every seeded agent gets.
pub const PASSWORD: &str = "correct horse battery";

/// The server binary: `SWITCHBOARD_SERVER_BIN`, or the one Cargo built beside the
/// running test (`cargo test --workspace` builds it before running any test).
pub fn server_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("SWITCHBOARD_SERVER_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = dir.join(format!(
        "switchboard-server{}",
        std::env::consts::EXE_SUFFIX
    ));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p switchboard-server` (or `cargo test --workspace`)",
        bin.display()
    );
    bin
}

/// The environment variable naming a PostgreSQL admin URL to test against.
pub const POSTGRES_ENV: &str = "SWITCHBOARD_TEST_POSTGRES";

/// The file in a test directory that records its PostgreSQL database's URL.
const URL_FILE: &str = "database-url";

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var_os(POSTGRES_ENV).is_some_and(|v| !v.is_empty())
}

/// The database of a test directory: its SQLite file, or (on PostgreSQL) a fresh
/// database created on first use and recorded in the directory.
pub async fn database_url(dir: &Path) -> String {
    let file = dir.join(URL_FILE);
    if let Ok(url) = std::fs::read_to_string(&file) {
        return url;
    }
    let Some(admin) = std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty()) else {
        return sqlite_url_for(dir).unwrap();
    };
    let url = create_database(&admin).await;
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&file, &url).unwrap();
    url
}

/// Makes a test directory use its embedded SQLite file even in the PostgreSQL
/// pass (the port tool's tests start from a SQLite deployment).
pub fn use_sqlite(dir: &Path) -> String {
    let url = sqlite_url_for(dir).unwrap();
    std::fs::write(dir.join(URL_FILE), &url).unwrap();
    url
}

/// Points a test directory at another database (after a port, say).
pub fn use_database(dir: &Path, url: &str) {
    std::fs::write(dir.join(URL_FILE), url).unwrap();
}

/// Points test directory `to` at `from`'s database, so a second server process
/// started on `to` is another node of the same deployment (PostgreSQL only).
pub fn share_database(from: &Path, to: &Path) {
    std::fs::copy(from.join(URL_FILE), to.join(URL_FILE))
        .expect("the first node's directory has a PostgreSQL database");
}

/// [`database_url`] from synchronous code (starting a server process).
pub fn database_url_blocking(dir: &Path) -> String {
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(database_url(&dir))
    })
    .join()
    .unwrap()
}

/// Runs one SQL statement on a test directory's database, beside the server
/// (to inject a fault with a trigger, say).
pub async fn execute(dir: &Path, sql: &str) {
    sqlx::any::install_default_drivers();
    let url = database_url(dir).await;
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("connect to the test database");
    sqlx::query(sql).execute(&mut conn).await.unwrap();
    let _ = sqlx::Connection::close(conn).await;
}

/// Creates an empty database next to `admin`'s and returns its URL.
pub async fn create_database(admin: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "sb_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin)
        .await
        .expect("connect to the PostgreSQL test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let _ = sqlx::Connection::close(conn).await;
    let (base, _) = admin.rsplit_once('/').expect("admin URL ends in /DATABASE");
    format!("{base}/{name}")
}

/// A running server process.
pub struct Server {
    pub base: String,
    pub dir: PathBuf,
    bin: PathBuf,
    extra: Vec<String>,
    child: Option<Child>,
}

impl Server {
    /// Starts `serve` on `dir` (port 0) with extra flags and waits until it listens.
    pub fn start(bin: &Path, dir: &Path, extra: &[&str]) -> Server {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let (child, base) = spawn(bin, dir, "127.0.0.1:0", &extra);
        Server {
            base,
            dir: dir.to_path_buf(),
            bin: bin.to_path_buf(),
            extra,
            child: Some(child),
        }
    }

    /// The `host:port` the server listens on.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// The server's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// SIGKILL on Unix (TerminateProcess on Windows): no graceful anything.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the server again on the same data directory and the same address.
    pub fn restart(&mut self) {
        self.kill9();
        let addr = self.addr().to_string();
        // The port was just freed; retry briefly in case the OS holds it.
        for attempt in 0..50 {
            match try_spawn(&self.bin, &self.dir, &addr, &self.extra) {
                Some((child, base)) => {
                    self.child = Some(child);
                    self.base = base;
                    return;
                }
                None if attempt < 49 => std::thread::sleep(std::time::Duration::from_millis(100)),
                None => {}
            }
        }
        panic!("server did not restart on {addr}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn spawn(bin: &Path, dir: &Path, listen: &str, extra: &[String]) -> (Child, String) {
    try_spawn(bin, dir, listen, extra).expect("server exited before listening")
}

fn try_spawn(bin: &Path, dir: &Path, listen: &str, extra: &[String]) -> Option<(Child, String)> {
    let mut cmd = Command::new(bin);
    cmd.arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(database_url_blocking(dir))
        .args(["serve", "--listen", listen, "--heartbeat-ms", "300"]);
    // Tests post fast; the customer limits get their own test.
    for flag in [
        "--customer-starts-per-minute",
        "--customer-messages-per-minute",
    ] {
        if !extra.iter().any(|e| e == flag) {
            cmd.args([flag, "1000000"]);
        }
    }
    let mut child = cmd
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn switchboard-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(addr) = line.strip_prefix("switchboard-server listening on ") {
                    break addr.trim().to_string();
                }
            }
            _ => {
                let _ = child.wait();
                return None;
            }
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Some((child, base))
}

/// Seeds agents (named; emails derived from names) and subjects into a data
/// directory through the server's store. Returns `(id, name, email)`.
pub async fn seed(
    dir: &Path,
    agents: &[(&str, Role)],
    subjects: &[&str],
) -> Vec<(i64, String, String)> {
    let db = Db::open(&database_url(dir).await).await.unwrap();
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
    store.db.close().await;
    out
}

/// Seeds `n` agents named `Agent i` and returns `(id, token)` for each, tokens
/// issued directly (benchmarks connect hundreds of agents).
pub async fn seed_agents_with_tokens(dir: &Path, n: usize) -> Vec<(i64, String)> {
    let db = Db::open(&database_url(dir).await).await.unwrap();
    let store = Store::new(db, StoreConfig::default());
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let id = store
            .add_agent(
                &format!("agent{i}@example.com"),
                &format!("Agent {i}"),
                Role::Agent,
                PASSWORD,
            )
            .await
            .unwrap();
        out.push((id, store.issue_token(id).await.unwrap()));
    }
    store.db.close().await;
    out
}

/// Writes `conversations` archived conversations closed by `agent`, each with
/// `messages` alternating customer and agent lines, in one transaction (what the
/// API would build over months, for benchmarks).
pub async fn bulk_archive(dir: &Path, agent: i64, conversations: i64, messages: i64) {
    let db = Db::open(&database_url(dir).await).await.unwrap();
    let mut tx = db.writer.begin().await.unwrap();
    let now = chrono_now_ms();
    let base: i64 = sqlx::query_scalar("SELECT seq FROM event_counter WHERE id = 1")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    for c in 1..=conversations {
        let customer: i64 = sqlx::query_scalar(
            "INSERT INTO customers (name, email, email_key, blocked, created_at) VALUES ($1, $2, $2, 0, $3) RETURNING id",
        )
        .bind(format!("Customer {c}"))
        .bind(format!("bulk{c}@example.com"))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let conversation: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (customer_id, state, created_at, last_message_at, closed_at, closed_by, \
             subject_known, mood, version) VALUES ($1, 'archived', $2, $2, $2, $3, 0, 'happy', $4) RETURNING id",
        )
        .bind(customer)
        .bind(now)
        .bind(agent)
        .bind(base + c)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        for m in 0..messages {
            let (author, agent_id) = if m % 2 == 0 {
                ("customer", None)
            } else {
                ("agent", Some(agent))
            };
            sqlx::query(
                "INSERT INTO messages (conversation_id, author, agent_id, body, hidden, created_at) VALUES ($1, $2, $3, $4, 0, $5)",
            )
            .bind(conversation)
            .bind(author)
            .bind(agent_id)
            .bind(format!("message {m} of conversation {c}: about the order, the parcel and the invoice"))
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    sqlx::query("UPDATE event_counter SET seq = $1 WHERE id = 1")
        .bind(base + conversations)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close().await;
}

fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

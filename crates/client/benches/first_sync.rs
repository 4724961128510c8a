//! First sync of a large archive: 10,000 archived conversations with 200,000
//! messages, from a real server over loopback into an empty cache, beside a bulk
//! insert of the same rows in id order into the same tables with one FTS5 index.
//! The engine's rows run on an encrypted cache (as the app's) and on a plain one,
//! side by side: the cost of encryption at rest.
//!
//! Run: `cargo build --release -p switchboard-server && cargo bench -p switchboard-client --bench first_sync`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use switchboard_client::cache::Cache;
use switchboard_client::{Accounts, CacheKey, Change, Engine, EngineOptions};
use switchboard_protocol::{ArchivePage, Role};
use switchboard_testkit::{server_bin, Server, PASSWORD};

const CONVERSATIONS: i64 = 10_000;
const MESSAGES: i64 = 20;

const ROUNDS: usize = 4;

/// An empty engine's first sync, from its start to the archive complete.
async fn engine_sync(
    accounts: &Accounts,
    session: &switchboard_client::Session,
    key: Option<&CacheKey>,
) -> Duration {
    let options = EngineOptions {
        archive_page: 200,
        ..EngineOptions::default()
    };
    let started = Instant::now();
    let path = accounts.cache_path(session);
    let (engine, _) = Engine::start(session, &path, key, options).unwrap();
    let mut changes = engine.changes();
    loop {
        match tokio::time::timeout(Duration::from_secs(600), changes.recv()).await {
            Ok(Ok(Change::Backfill { done: true, .. })) => break,
            Ok(_) => continue,
            Err(_) => panic!("the first sync did not finish in ten minutes"),
        }
    }
    let sync = started.elapsed();
    assert_eq!(engine.lists().unwrap().archive_total as i64, CONVERSATIONS);
    drop(engine);
    // The next round's engine starts on an empty cache again.
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
    sync
}

/// Every page fetched and decoded, one after the other.
async fn fetch_all(api: &switchboard_client::api::Api) -> (Duration, Vec<ArchivePage>) {
    let mut pages: Vec<ArchivePage> = Vec::new();
    let mut after = 0;
    let t = Instant::now();
    loop {
        let page = api.archive(after, 200).await.unwrap();
        after = page.next_cursor;
        let more = page.has_more;
        pages.push(page);
        if !more {
            break;
        }
    }
    (t.elapsed(), pages)
}

/// The pages written through the engine's own page path into a fresh cache.
fn apply_local(
    pages: &[ArchivePage],
    me: &switchboard_protocol::Me,
    path: &std::path::Path,
    key: Option<&CacheKey>,
) -> Duration {
    let (mut cache, _) = Cache::open(path, me, key).unwrap();
    let t = Instant::now();
    for p in pages {
        cache.apply_archive_page(p, 1).unwrap();
    }
    t.elapsed()
}

/// The floor: the same rows in id order and one FTS5 rebuild, in one transaction.
fn bulk(pages: &[ArchivePage], me: &switchboard_protocol::Me, path: &std::path::Path) -> Duration {
    let (cache, _) = Cache::open(path, me, None).unwrap();
    drop(cache);
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    // The floor indexes the messages too, the fastest way FTS5 offers: one
    // index built from the table in one pass once the rows are in.
    conn.execute_batch(
        "CREATE VIRTUAL TABLE bulk_fts USING fts5(body, content = 'messages', content_rowid = 'id', \
         tokenize = 'unicode61 remove_diacritics 2');",
    )
    .unwrap();
    let t = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut conv = tx
            .prepare("INSERT INTO conversations (id, state, closed_by, customer_id, version, summary) VALUES (?1, 'archived', ?2, ?3, ?4, ?5)")
            .unwrap();
        let mut msg = tx
            .prepare("INSERT INTO messages (id, conversation_id, author, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        for c in pages.iter().flat_map(|p| &p.conversations) {
            let s = &c.conversation;
            conv.execute(rusqlite::params![
                s.id,
                me.id,
                s.customer.id,
                s.version,
                serde_json::to_string(s).unwrap()
            ])
            .unwrap();
        }
        // In id order: FTS5 writes a segment out whenever a rowid goes down.
        let mut all: Vec<_> = pages
            .iter()
            .flat_map(|p| &p.conversations)
            .flat_map(|c| &c.messages)
            .collect();
        all.sort_by_key(|m| m.id);
        for m in all {
            msg.execute(rusqlite::params![
                m.id,
                m.conversation_id,
                "customer",
                m.body,
                m.created_at.timestamp_millis()
            ])
            .unwrap();
        }
    }
    tx.execute_batch("INSERT INTO bulk_fts (bulk_fts) VALUES ('rebuild')")
        .unwrap();
    tx.commit().unwrap();
    t.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let n = v.len();
    if n.is_multiple_of(2) {
        (v[n / 2 - 1] + v[n / 2]) / 2
    } else {
        v[n / 2]
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("server");
        let seeded = switchboard_testkit::seed(&data, &[("Alice", Role::Agent)], &[]).await;
        let (alice, _, email) = seeded[0].clone();
        let t = Instant::now();
        switchboard_testkit::bulk_archive(&data, alice, CONVERSATIONS, MESSAGES).await;
        eprintln!("seeded the server in {:.1} s", t.elapsed().as_secs_f64());
        let server = Server::start(&server_bin(), &data, &[]);

        // Rounds in turn, each on fresh files, so that the machine's mood
        // weighs on every row alike; medians.
        let (mut sync, mut fetch, mut local, mut floor) = (vec![], vec![], vec![], vec![]);
        let (mut sync_plain, mut local_plain) = (vec![], vec![]);
        let key = CacheKey::generate();
        let mut messages = 0;
        for round in 0..ROUNDS {
            let dir = tmp.path().join(format!("round{round}"));
            // One sign-in a round: the server allows five in a row per email.
            let accounts = Accounts::new(Some(dir.join("app")), false).unwrap();
            let (session, _) = accounts.sign_in(&server.base, &email, PASSWORD).await.unwrap();
            // Encrypted and plain take turns at going first.
            if round.is_multiple_of(2) {
                sync.push(engine_sync(&accounts, &session, Some(&key)).await);
                sync_plain.push(engine_sync(&accounts, &session, None).await);
            } else {
                sync_plain.push(engine_sync(&accounts, &session, None).await);
                sync.push(engine_sync(&accounts, &session, Some(&key)).await);
            }
            let (took, pages) = fetch_all(&session.api()).await;
            fetch.push(took);
            messages = pages.iter().flat_map(|p| &p.conversations).map(|c| c.messages.len()).sum();
            assert_eq!(messages as i64, CONVERSATIONS * MESSAGES);
            let (encrypted, plain) = (dir.join("pages.sqlite3"), dir.join("plain.sqlite3"));
            if round.is_multiple_of(2) {
                local.push(apply_local(&pages, &session.me, &encrypted, Some(&key)));
                local_plain.push(apply_local(&pages, &session.me, &plain, None));
            } else {
                local_plain.push(apply_local(&pages, &session.me, &plain, None));
                local.push(apply_local(&pages, &session.me, &encrypted, Some(&key)));
            }
            floor.push(bulk(&pages, &session.me, &dir.join("bulk.sqlite3")));
        }
        let bulk = median(floor.clone());

        println!("first sync of {CONVERSATIONS} archived conversations with {messages} messages (s, median of {ROUNDS})");
        println!("{:<44} {:>8} {:>12} {:>8}   rounds", "", "seconds", "messages/s", "ratio");
        let row = |name: &str, v: &[Duration]| {
            let d = median(v.to_vec());
            let all: Vec<String> = v.iter().map(|d| format!("{:.2}", d.as_secs_f64())).collect();
            println!(
                "{name:<44} {:>8.2} {:>12.0} {:>8.2}   {}",
                d.as_secs_f64(),
                messages as f64 / d.as_secs_f64(),
                d.as_secs_f64() / bulk.as_secs_f64(),
                all.join(" ")
            )
        };
        row("engine: start to archive complete", &sync);
        row("  the same on a plain cache", &sync_plain);
        row("same pages fetched and decoded, one by one", &fetch);
        row("same pages applied locally (no network)", &local);
        row("  the same on a plain cache", &local_plain);
        row("bare bulk insert, one transaction (plain)", &floor);
        let cost = |enc: &[Duration], plain: &[Duration]| {
            100.0 * (median(enc.to_vec()).as_secs_f64() / median(plain.to_vec()).as_secs_f64() - 1.0)
        };
        println!(
            "encryption at rest costs {:+.1}% on the first sync, {:+.1}% on applying the pages",
            cost(&sync, &sync_plain),
            cost(&local, &local_plain)
        );
    });
}

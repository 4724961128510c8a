//! First sync of a large archive: 10,000 archived conversations with 200,000
//! messages, from a real server over loopback into an empty cache, beside a bulk
//! insert of the same rows in id order into the same tables with one FTS5 index.
//!
//! Run: `cargo build --release -p switchboard-server && cargo bench -p switchboard-client --bench first_sync`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use switchboard_client::cache::Cache;
use switchboard_client::{Accounts, Change, Engine, EngineOptions};
use switchboard_protocol::{ArchivePage, Role};
use switchboard_testkit::{server_bin, Server, PASSWORD};

const CONVERSATIONS: i64 = 10_000;
const MESSAGES: i64 = 20;

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

        let accounts = Accounts::new(Some(tmp.path().join("app")), false).unwrap();
        let (session, _) = accounts.sign_in(&server.base, &email, PASSWORD).await.unwrap();
        let options = EngineOptions { archive_page: 200, ..EngineOptions::default() };
        let started = Instant::now();
        let (engine, _) = Engine::start(&session, &accounts.cache_path(&session), options).unwrap();
        let mut changes = engine.changes();
        loop {
            match tokio::time::timeout(Duration::from_secs(600), changes.recv()).await {
                Ok(Ok(Change::Backfill { done: true, .. })) => break,
                Ok(_) => continue,
                Err(_) => panic!("the first sync did not finish in ten minutes"),
            }
        }
        let sync = started.elapsed();
        let archived = engine.lists().unwrap().archive_total;
        assert_eq!(archived as i64, CONVERSATIONS);
        drop(engine);

        // The same rows, fetched beforehand (untimed), written with the engine's
        // own page path into a fresh cache, and then in one bare transaction.
        let api = session.api();
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
        let fetch = t.elapsed();
        let messages: usize = pages.iter().flat_map(|p| &p.conversations).map(|c| c.messages.len()).sum();
        assert_eq!(messages as i64, CONVERSATIONS * MESSAGES);

        let (mut cache, _) = Cache::open(&tmp.path().join("pages.sqlite3"), &session.me).unwrap();
        let t = Instant::now();
        for p in &pages {
            cache.apply_archive_page(p, 1).unwrap();
        }
        let local_pages = t.elapsed();

        let (cache, _) = Cache::open(&tmp.path().join("bulk.sqlite3"), &session.me).unwrap();
        drop(cache);
        let mut conn = rusqlite::Connection::open(tmp.path().join("bulk.sqlite3")).unwrap();
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
                conv.execute(rusqlite::params![s.id, alice, s.customer.id, s.version, serde_json::to_string(s).unwrap()])
                    .unwrap();
            }
            // In id order: FTS5 writes a segment out whenever a rowid goes down.
            let mut all: Vec<_> = pages.iter().flat_map(|p| &p.conversations).flat_map(|c| &c.messages).collect();
            all.sort_by_key(|m| m.id);
            for m in all {
                msg.execute(rusqlite::params![m.id, m.conversation_id, "customer", m.body, m.created_at.timestamp_millis()])
                    .unwrap();
            }
        }
        tx.execute_batch("INSERT INTO bulk_fts (bulk_fts) VALUES ('rebuild')").unwrap();
        tx.commit().unwrap();
        let bulk = t.elapsed();

        println!("first sync of {CONVERSATIONS} archived conversations with {messages} messages (s)");
        println!("{:<44} {:>8} {:>12} {:>8}", "", "seconds", "messages/s", "ratio");
        let row = |name: &str, d: Duration| {
            println!(
                "{name:<44} {:>8.2} {:>12.0} {:>8.2}",
                d.as_secs_f64(),
                messages as f64 / d.as_secs_f64(),
                d.as_secs_f64() / bulk.as_secs_f64()
            )
        };
        row("engine: start to archive complete", sync);
        row("same pages fetched and decoded, one by one", fetch);
        row("same pages applied locally (no network)", local_pages);
        row("bare bulk insert, one transaction", bulk);
    });
}

//! Files in the app against the real server: what the agent attaches goes once
//! (pasted bytes, or chosen files of which only those are read); attachments of
//! cached conversations are fetched ahead and shown offline, within the size
//! cap, the least recently used going first.

use crate::app::futures_lite;
use crate::support::*;
use serde_json::Value;
use switchboard_client::cache::OutboxAction;
use switchboard_client::{App, ConnectionState, ErrorCode};

/// A 2×2 PNG (the server sniffs it; too small for a thumbnail).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x16, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0xf8, 0xcf,
    0x00, 0x04, 0x0c, 0x50, 0x06, 0x03, 0x83, 0xff, 0x0c, 0x00, 0x2d, 0x7a, 0x05, 0xfb, 0xbb, 0x77,
    0x4c, 0x02, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The customer sends a file; its attachment's id.
async fn customer_file(w: &World, id: i64, token: &str, name: &str, bytes: &[u8]) -> i64 {
    let r = w
        .http
        .post(format!(
            "{}/api/v1/customer/conversations/{id}/attachments?name={name}",
            w.server.base
        ))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let v: Value = r.json().await.unwrap();
    v["message"]["attachments"][0]["id"].as_i64().unwrap()
}

/// The names of the files on the server's record of a conversation.
async fn names_on_server(w: &World, id: i64) -> Vec<String> {
    let detail = w
        .get(&format!("/api/v1/conversations/{id}"), w.token(2))
        .await;
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().cloned().unwrap_or_default())
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_once_are_kept_ahead_and_shown_offline() {
    let mut w = World::new(&[]).await;
    let app = App::new(Some(w.app_dir("alice")), false, false).unwrap();
    app.sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    let (id, token) = w.customer("Maria", "Here is my screen").await;
    let shot = customer_file(&w, id, &token, "screen.png", PNG).await;
    let receipt = customer_file(&w, id, &token, "receipt.pdf", b"%PDF-1.7\n%receipt\n").await;
    app.take(id).await.unwrap();

    // Pasted bytes: queued under their last name part, sent once.
    let item = app
        .attach(id, "C:\\Users\\alice\\notes.txt", b"step 1, step 2")
        .await
        .unwrap();
    assert_eq!(
        item.action,
        OutboxAction::Attach {
            name: "notes.txt".into(),
            size: 14
        }
    );
    // Chosen files: read only once all are found readable; a folder refuses them all.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.log"));
    std::fs::write(&a, "x,y\n1,2\n").unwrap();
    std::fs::write(&b, "started\n").unwrap();
    let refused = app
        .attach_paths(id, &[a.clone(), dir.path().to_path_buf()])
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidField);
    assert_eq!(app.attach_paths(id, &[a, b]).await.unwrap().len(), 2);
    // Nothing to send is refused at once.
    assert_eq!(
        app.attach(id, "empty.txt", b"").await.unwrap_err().code,
        ErrorCode::InvalidField
    );
    eventually("the files delivered", || {
        futures_lite(app.conversation(id)).filter(|v| v.outbox.is_empty())
    })
    .await;
    assert_eq!(
        names_on_server(&w, id).await,
        ["screen.png", "receipt.pdf", "notes.txt", "a.csv", "b.log"]
    );

    // Every file of the conversation is fetched ahead: the customer's two and
    // the agent's three (14 + 8 + 8 bytes; a picture this small has no
    // thumbnail). The newest go first, so the receipt comes after the agent's.
    let everything = PNG.len() + 18 + 14 + 8 + 8;
    eventually("the files kept", || {
        futures_lite(app.file_cache_used()).filter(|n| *n >= everything as u64)
    })
    .await;
    let image = app.image(shot, false).await.unwrap();
    assert_eq!(
        (image.content_type.as_str(), image.bytes.as_slice()),
        ("image/png", PNG)
    );

    // Offline: the picture shows, the PDF saves, and it is never shown as a page.
    w.server.kill9();
    eventually("offline", || {
        futures_lite(async { Ok(app.connection().await) }).filter(|s| *s != ConnectionState::Online)
    })
    .await;
    assert_eq!(app.image(shot, false).await.unwrap().bytes, PNG);
    assert_eq!(
        app.image(receipt, false).await.unwrap_err().code,
        ErrorCode::InvalidField
    );
    // Saved under its name, never over an earlier file.
    let downloads = dir.path().join("Downloads");
    for want in ["receipt.pdf", "receipt (2).pdf"] {
        let saved = app
            .save_attachment(receipt, "receipt.pdf", &downloads)
            .await
            .unwrap();
        assert_eq!(saved, downloads.join(want));
        assert_eq!(std::fs::read(&saved).unwrap(), b"%PDF-1.7\n%receipt\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_cache_keeps_to_its_cap_least_recently_used_out_first() {
    let mut w = World::new(&[]).await;
    let (id, token) = w.customer("Maria", "Three logs coming").await;
    let kib = |n: usize| vec![b'a'; n * 1024];
    let oldest = customer_file(&w, id, &token, "one.log", &kib(40)).await;
    let middle = customer_file(&w, id, &token, "two.log", &kib(40)).await;
    let newest = customer_file(&w, id, &token, "three.log", &kib(40)).await;

    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    engine.set_file_cache_bytes(100 * 1024);
    // Fetched ahead: the newest two fit, the oldest does not.
    eventually("two files kept", || {
        (engine.file_cache_used().unwrap() == 80 * 1024).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(engine.file_cache_used().unwrap(), 80 * 1024);

    // The agent opens the oldest: fetched, kept, and the least recently used
    // (the middle one, as old as its message) makes room.
    assert_eq!(engine.file(oldest, false).await.unwrap().bytes, kib(40));
    assert_eq!(engine.file_cache_used().unwrap(), 80 * 1024);

    w.server.kill9();
    wait_state(&engine, ConnectionState::Offline).await;
    assert_eq!(engine.file(oldest, false).await.unwrap().bytes, kib(40));
    assert_eq!(engine.file(newest, false).await.unwrap().bytes, kib(40));
    assert!(engine.file(middle, false).await.unwrap_err().is_retryable());
}
